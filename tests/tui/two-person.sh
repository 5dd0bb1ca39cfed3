#!/bin/sh
# The console under the two-person rule, driven by tests/tui/two-person.script
# on tui.jsonl: bob's approve of the first item waits for a second
# reviewer; erin's item pane shows it pending, with the key to confirm it;
# confirming puts it in force, naming both. Then bob, in the console,
# cannot confirm his own decision (he is never handed the item, and C on
# another item says nothing waits).
. "$SRCDIR/tests/cli/lib.sh"
dir=$SRCDIR/tests/tui
keys=$dir/two-person.script
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb twoperson)
console_db "$db"
jq '.two_person = {"flag_types": ["bias.gender", "hallucination.policy",
    "toxicity"]}' "$SRCDIR/examples/policy.json" >"$work/policy.json" ||
    fail "setup: policy"

# hitl_at ARGS...: hitl in WORK at the console's clock.
hitl_at() {
	(cd "$work" && HOME="$work" HITL_NOW=1795780800 "$HITL" --db "$db" \
	    "$@")
}

hitl_at init --policy "$work/policy.json" >/dev/null || fail "setup: init"
hitl_at import "$SRCDIR/tests/data/tui.jsonl" >/dev/null || fail "import"
HITL_REVIEWER=bob hitl_at next --kind model_output --json >"$T/next" ||
    fail "bob: next" "$T/next"
ITEM=$(jq -r .item.id "$T/next")
HITL_REVIEWER=bob hitl_at decide "$ITEM" --lease "$(jq -r .lease.id \
    "$T/next")" approve >"$T/out" || fail "bob: approve" "$T/out"
grep -q "pending confirmation" "$T/out" || fail "not pending" "$T/out"

console_run "$work" erin "$keys"
console_screens "$work" "$dir" \
    $(sed -n 's/^:screen-dump \(.*\)$/\1/p' "$keys")

hitl_at show --json "$ITEM" >"$T/out" || fail "show" "$T/out"
jq -e '.state == "decided" and (.history[-1].payload.reviewers ==
    ["bob", "erin"])' "$T/out" >/dev/null ||
    fail "erin's confirmation did not put bob's approve in force" "$T/out"
pass
