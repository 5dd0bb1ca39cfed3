#!/bin/sh
# Import and the store: a slow producer holds no lock (its input is read
# before the database is locked); a file written to while it is imported is
# refused whole; a valid line the database refuses fails the whole run,
# atomic or not, and keeps nothing; --max-line stays below what the stores
# take in one value.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$HITL" init
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
items() {
	sql "SELECT count(*) FROM items"
}
BEFORE=$(items)

step "a slow producer locks nothing"
# The producer takes 4 s; meanwhile a reviewer's claim must not wait.
{ sleep 4; cat "$SRCDIR/tests/data/small.jsonl"; } |
    "$HITL" import - >slow.out 2>slow.err &
SLOW=$!
sleep 1
_t0=$(date +%s)
expect_exit 0 env HITL_BUSY_TIMEOUT=1000 "$HITL" next --json
expect_out '"lease"'
_t1=$(date +%s)
[ $((_t1 - _t0)) -le 2 ] || fail "a claim waited $((_t1 - _t0)) s for a slow producer"
wait "$SLOW" || fail "the slow import failed" slow.out slow.err
grep -q "imported 5" slow.out || fail "the slow import imported otherwise" slow.out

step "a file written to while it is imported"
python3 - <<'PY'
with open("big.jsonl", "w") as f:
    for i in range(80000):
        f.write('{"id":"big-%d","kind":"model_output","response":"r %d",'
                '"flags":[{"type":"toxicity","score":0.9}]}\n' % (i, i))
PY
BEFORE=$(items)
"$HITL" import big.jsonl >"$T/out" 2>"$T/err" &
BIG=$!
# Appended to while hitl reads it (it is not done in this time).
sleep 0.2
echo '{"id":"late","kind":"model_output","response":"x"}' >>big.jsonl
_rc=0
wait "$BIG" || _rc=$?
if [ "$_rc" -eq 0 ]; then
	# It finished before the line came (all the file it read is in),
	# or it opened the file after (on a loaded machine): then the file
	# as it read it, the late line too. Never a mixture.
	_n=$(items)
	[ "$_n" -eq $((BEFORE + 80000)) ] || [ "$_n" -eq $((BEFORE + 80001)) ] ||
	    fail "items after an import that succeeded: $_n, not $((BEFORE + 80000)) or $((BEFORE + 80001))"
else
	expect_eq "exit of an import whose file changed" "$_rc" 75
	expect_err "big.jsonl changed while it was being imported"
	expect_err "nothing was imported"
	expect_eq "items after a refused import" "$(items)" "$BEFORE"
fi

step "a line the database refuses"
BEFORE=$(items)
# A trigger of the test's refuses the item ref-3.
if [ "$BACKEND" = sqlite ]; then
	sql "CREATE TRIGGER test_refuse BEFORE INSERT ON items
	    WHEN new.ext_id = 'ref-3'
	    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
else
	sql 'CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql
	    AS $$ BEGIN RAISE EXCEPTION '"'refused for the test'"'; END $$;
	    CREATE TRIGGER test_refuse BEFORE INSERT ON items FOR EACH ROW
	    WHEN (NEW.ext_id = '"'ref-3'"') EXECUTE FUNCTION test_refuse()'
fi
for i in 1 2 3 4; do
	printf '{"id":"ref-%d","kind":"model_output","response":"r"}\n' "$i"
done >ref.jsonl
expect_exit 70 "$HITL" import ref.jsonl
expect_err "the database refused the line"
expect_err "refused for the test"
# The database's reason, not the server's context lines around it.
expect_no_err "CONTEXT"
expect_err "nothing of this run was imported"
expect_eq "items after a refused atomic run" "$(items)" "$BEFORE"
# --skip-invalid does not make it an invalid line: the run still fails.
expect_exit 70 "$HITL" import --skip-invalid --rejects rej.jsonl ref.jsonl
expect_eq "items after a refused run with --skip-invalid" "$(items)" "$BEFORE"
[ ! -s rej.jsonl ] || fail "a refused valid line went to the rejects" rej.jsonl
if [ "$BACKEND" = sqlite ]; then
	sql "DROP TRIGGER test_refuse"
else
	sql "DROP TRIGGER test_refuse ON items; DROP FUNCTION test_refuse()"
fi
expect_exit 0 "$HITL" import ref.jsonl
expect_out "imported 4"

step "--max-line below what the stores take"
expect_exit 64 "$HITL" import --max-line 268435457 ref.jsonl
expect_err "from 64 to 268435456"
expect_exit 0 "$HITL" import --max-line 268435456 ref.jsonl
expect_out "duplicates 4"

pass
