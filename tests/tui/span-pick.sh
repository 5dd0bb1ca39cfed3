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
(cd "$work" && export HITL_NOW=1795780800 HOME="$work" &&
    "$HITL" --db "$db" init --policy "$SRCDIR/examples/policy.json" \
    >/dev/null && "$HITL" --db "$db" import \
    "$SRCDIR/tests/data/spans.jsonl" >/dev/null) || fail "setup"
(cd "$work" && env -i PATH="$PATH" HOME="$work" TERM=xterm-256color \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 LINES=30 \
    HITL_NOW=1795780800 HITL_REVIEWER=bob $CONSOLE_ENV \
    timeout 30 "$HITL" --db "$CONSOLE_DB" review --script "$keys" \
    </dev/null >"$work/stdout" 2>"$work/stderr") ||
    fail "the console exited with $?" "$work/stderr"
[ ! -s "$work/stderr" ] || fail "stderr is not empty" "$work/stderr"
for dump in span-pick.screen span-cancel.screen span-blank.screen; do
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$work/$dump" "$dir/$dump"
		continue
	fi
	console_header "$work/$dump"
	screen_diff "$dir/$dump" "$work/$dump" >&2 ||
	    fail "screen $dump differs (above)"
done
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
