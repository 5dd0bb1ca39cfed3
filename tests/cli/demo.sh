#!/bin/sh
# hitl demo: seeds a database from the examples once, keeps it, --reset
# (only a database hitl demo made).
. "$SRCDIR/tests/cli/lib.sh"

EXAMPLES=$SRCDIR/examples
DEMO=$(newdb demo)

counts() {
	sql_on "$DEMO" "SELECT count(*) FROM items;
	    SELECT count(*) FROM batches; SELECT count(*) FROM policies;" |
	    tr '\n' ' '
}

umask 000
expect_exit 0 "$HITL" --db "$DEMO" demo --examples "$EXAMPLES"
umask 022
expect_out "loaded policy version 1 from $EXAMPLES/policy.json"
expect_out "demo queue: imported 180 items"
grep -Eq '^demo queue: imported 180 items, [0-9]+ of them waiting for review$' \
    "$T/out" || fail "demo summary" "$T/out"
expect_out "database  $DEMO"
expect_out "policy    version 1, \"support-bot oversight (example)\""
expect_out "model_output"
! only_sqlite "the file's mode" "a server's database is no file" ||
    expect_mode "$DEMO" 600
expect_eq "items, batches, policies" "$(counts)" "180 1 1 "
! db_made "$HITL_DB" || fail "demo --db $DEMO touched \$HITL_DB"

# The status shown is the database's.
waiting=$(sed -n 's/^demo queue: imported 180 items, \([0-9]*\) of them.*/\1/p' \
    "$T/out")
expect_eq "waiting items" "$(sql_on "$DEMO" \
    "SELECT count(*) FROM items WHERE state = 'queued'")" "$waiting"

# A second run keeps the database.
expect_exit 0 "$HITL" --db "$DEMO" demo --examples "$EXAMPLES"
expect_out "$DEMO exists"
expect_no_out "demo queue: imported"
expect_out "model_output"
expect_eq "items, batches, policies after a second run" "$(counts)" \
    "180 1 1 "

# --reset starts afresh.
sql_on "$DEMO" "INSERT INTO meta (key, value) VALUES ('test-marker', 'x')"
if [ "$BACKEND" = sqlite ]; then
	expect_exit 0 "$HITL" --db "$DEMO" demo --examples "$EXAMPLES" --reset
	expect_out "demo queue: imported 180 items"
	expect_no_out "exists"
	expect_eq "items, batches, policies after --reset" "$(counts)" \
	    "180 1 1 "
	expect_eq "marker after --reset" "$(sql_on "$DEMO" \
	    "SELECT count(*) FROM meta WHERE key = 'test-marker'")" 0
	expect_mode "$DEMO" 600
else
	# A server's queue is dropped by the owner of its schema, not by
	# hitl demo: --reset says so and leaves it.
	expect_exit 64 "$HITL" --db "$DEMO" demo --examples "$EXAMPLES" --reset
	expect_err "will not delete $DEMO: --reset deletes a file"
	expect_eq "items, batches, policies after --reset" "$(counts)" \
	    "180 1 1 "
	expect_eq "marker after --reset" "$(sql_on "$DEMO" \
	    "SELECT count(*) FROM meta WHERE key = 'test-marker'")" 1
fi

# $HITL_DB names the database too.
expect_exit 0 "$HITL" demo --examples "$EXAMPLES"
expect_out "demo queue: imported 180 items"
expect_eq "items in \$HITL_DB" "$(sql 'SELECT count(*) FROM items')" 180

expect_exit 64 "$HITL" --db "$DEMO" demo extra
expect_err "usage: hitl demo"

# --- failures leave nothing half-made ------------------------------------------

# Examples that are not there: 66, and no empty demo database is left behind
# for the next run to "keep".
NOTHING=$(newdb nothing)
expect_exit 66 "$HITL" --db "$NOTHING" demo --examples "$T/no-examples"
expect_err "no-examples/policy.json"
# Without --examples, from a build that is not installed: where it looked,
# and what to pass.
_rc=0
"$HITL" --db "$NOTHING" demo </dev/null >"$T/out" 2>"$T/err" || _rc=$?
if [ "$_rc" -eq 66 ]; then
	expect_err "(the installed examples; not installed yet, pass --examples DIR"
	expect_err "/examples/policy.json"
fi
! db_made "$NOTHING" ||
    fail "a failed demo left $NOTHING behind (the next demo would keep it)"

# --reset deletes a hitl database, not any file that happens to be named.
if only_sqlite "--reset of a file that is not a database" \
    "a server's database is no file"; then
printf 'my notes, not a database\n' >notes.txt
cp notes.txt notes.orig
_rc=0
"$HITL" --db notes.txt demo --examples "$EXAMPLES" --reset \
    >"$T/out" 2>"$T/err" || _rc=$?
cmp -s notes.txt notes.orig ||
    fail "demo --reset deleted or replaced notes.txt, which is not a hitl database (exit $_rc)" \
    "$T/out" "$T/err"
[ "$_rc" -ne 0 ] || fail "demo --reset on notes.txt succeeded" "$T/out"
fi

# Nor a hitl database that hitl demo did not make (it was marked when made).
MINE=$(newdb mine)
expect_exit 0 "$HITL" --db "$MINE" init --policy "$EXAMPLES/policy.json"
expect_exit 77 "$HITL" --db "$MINE" demo --examples "$EXAMPLES" --reset
expect_err "will not delete $MINE: hitl demo did not make it"
expect_eq "$MINE after a refused --reset" "$(sql_on "$MINE" \
    "SELECT count(*) FROM policies")" 1

pass
