#!/bin/sh
# hitl demo: seeds a database from the examples once, keeps it, --reset
# (only a database hitl demo made).
. "$SRCDIR/tests/cli/lib.sh"

EXAMPLES=$SRCDIR/examples

counts() {
	sqlite3 -batch -noheader demo.db "SELECT count(*) FROM items;
	    SELECT count(*) FROM batches; SELECT count(*) FROM policies;" |
	    tr '\n' ' '
}

umask 000
expect_exit 0 "$HITL" --db demo.db demo --examples "$EXAMPLES"
umask 022
expect_out "loaded policy version 1 from $EXAMPLES/policy.json"
expect_out "demo queue: imported 180 items"
grep -Eq '^demo queue: imported 180 items, [0-9]+ of them waiting for review$' \
    "$T/out" || fail "demo summary" "$T/out"
expect_out "database  demo.db"
expect_out "policy    version 1, \"support-bot oversight (example)\""
expect_out "model_output"
expect_mode demo.db 600
expect_eq "items, batches, policies" "$(counts)" "180 1 1 "
[ ! -e "$HITL_DB" ] || fail "demo --db demo.db touched \$HITL_DB"

# The status shown is the database's.
waiting=$(sed -n 's/^demo queue: imported 180 items, \([0-9]*\) of them.*/\1/p' \
    "$T/out")
expect_eq "waiting items" "$(sqlite3 -batch -noheader demo.db \
    "SELECT count(*) FROM items WHERE state = 'queued'")" "$waiting"

# A second run keeps the database.
expect_exit 0 "$HITL" --db demo.db demo --examples "$EXAMPLES"
expect_out "demo.db exists"
expect_no_out "demo queue: imported"
expect_out "model_output"
expect_eq "items, batches, policies after a second run" "$(counts)" \
    "180 1 1 "

# --reset starts afresh.
sqlite3 demo.db "INSERT INTO meta (key, value) VALUES ('test-marker', 'x')"
expect_exit 0 "$HITL" --db demo.db demo --examples "$EXAMPLES" --reset
expect_out "demo queue: imported 180 items"
expect_no_out "exists"
expect_eq "items, batches, policies after --reset" "$(counts)" "180 1 1 "
expect_eq "marker after --reset" "$(sqlite3 -batch -noheader demo.db \
    "SELECT count(*) FROM meta WHERE key = 'test-marker'")" 0
expect_mode demo.db 600

# $HITL_DB names the database too.
expect_exit 0 "$HITL" demo --examples "$EXAMPLES"
expect_out "demo queue: imported 180 items"
expect_eq "items in \$HITL_DB" "$(sql 'SELECT count(*) FROM items')" 180

expect_exit 64 "$HITL" --db demo.db demo extra
expect_err "usage: hitl demo"

# --- failures leave nothing half-made ------------------------------------------

# Examples that are not there: 66, and no empty demo database is left behind
# for the next run to "keep".
expect_exit 66 "$HITL" --db nothing.db demo --examples "$T/no-examples"
expect_err "no-examples/policy.json"
[ ! -e nothing.db ] ||
    fail "a failed demo left nothing.db behind (the next demo would keep it)"

# --reset deletes a hitl database, not any file that happens to be named.
printf 'my notes, not a database\n' >notes.txt
cp notes.txt notes.orig
_rc=0
"$HITL" --db notes.txt demo --examples "$EXAMPLES" --reset \
    >"$T/out" 2>"$T/err" || _rc=$?
cmp -s notes.txt notes.orig ||
    fail "demo --reset deleted or replaced notes.txt, which is not a hitl database (exit $_rc)" \
    "$T/out" "$T/err"
[ "$_rc" -ne 0 ] || fail "demo --reset on notes.txt succeeded" "$T/out"

# Nor a hitl database that hitl demo did not make (it was marked when made).
expect_exit 0 "$HITL" --db mine.db init --policy "$EXAMPLES/policy.json"
expect_exit 77 "$HITL" --db mine.db demo --examples "$EXAMPLES" --reset
expect_err "will not delete mine.db: hitl demo did not make it"
expect_eq "mine.db after a refused --reset" "$(sqlite3 -batch -noheader \
    mine.db "SELECT count(*) FROM policies")" 1

pass
