#!/bin/sh
# The console on tests/data/spans.jsonl, driven by tests/tui/span-pick.script
# (as screens.sh drives tests/tui/*.keys on tui.jsonl): the overlap picker,
# its cancel and a blank correction, each screen compared with the one kept
# here; then what was recorded, through the CLI.
. "$SRCDIR/tests/cli/lib.sh"
dir=$SRCDIR/tests/tui
keys=$dir/span-pick.script
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb span-pick)
console_db "$db"
console_init "$work" "$db" spans.jsonl
console_run "$work" bob "$keys"
console_screens "$work" "$dir" span-pick.screen span-cancel.screen \
    span-blank.screen
show_item() {
	(cd "$work" && HOME="$work" "$HITL" --db "$db" show "$1" --json) \
	    >"$T/out" || fail "show $1"
}
show_item sp-same
jq -e '.history[0].action == "correct" and .history[0].payload.spans ==
    [{"verdict": "rejected"}, {"verdict": "accepted"},
    {"verdict": "accepted"}]' "$T/out" >/dev/null ||
    fail "sp-same: PERSON kept, LOCATION rejected" "$T/out"
show_item sp-nested
jq -e '.history | length == 1 and .[0].payload.spans ==
    [{"verdict": "accepted"}, {"verdict": "accepted"},
    {"verdict": "rejected"}]' "$T/out" >/dev/null ||
    fail "sp-nested: one decision, the nested LOCATION rejected" "$T/out"
show_item sp-out
jq -e '.history == []' "$T/out" >/dev/null ||
    fail "sp-out: the blank correction was recorded" "$T/out"
pass
