#!/bin/sh
# The lead's inbox, driven by tests/tui/inbox-resolve.script on tui.jsonl
# (as screens.sh drives tests/tui/*.keys): each screen compared with the
# one kept here; then what was recorded, through the CLI.
. "$SRCDIR/tests/cli/lib.sh"
dir=$SRCDIR/tests/tui
keys=$dir/inbox-resolve.script
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb inbox-resolve)
console_db "$db"
console_init "$work" "$db" tui.jsonl
# bob escalates an anonymization case to the privacy office (carol leads).
(cd "$work" && export HITL_NOW=1795780800 HOME="$work" &&
    "$HITL" --db "$db" --reviewer bob next --kind anonymization --json \
    >next.json && "$HITL" --db "$db" --reviewer bob decide \
    "$(jq -r .item.id next.json)" --lease "$(jq -r .lease.id next.json)" \
    escalate --team privacy --reason pii_exposure --severity high \
    --note "is this a name?" >/dev/null) || fail "setup"
console_run "$work" carol "$keys"
console_screens "$work" "$dir" \
    $(sed -n 's/^:screen-dump \(.*\)$/\1/p' "$keys")
(cd "$work" && HOME="$work" HITL_REVIEWER=carol "$HITL" --db "$db" \
    escalations --all --json) >"$T/esc" || fail "escalations"
jq -se 'length == 2 and all(.state == "resolved" and
    .outcome == "correct" and .resolved_by == "carol")' "$T/esc" \
    >/dev/null || fail "two escalations resolved with correct" "$T/esc"
show_item() {
	(cd "$work" && HOME="$work" "$HITL" --db "$db" show "$1" --json) \
	    >"$T/out" || fail "show $1"
}
show_item tui-out-1
jq -e '.history[-1] | .action == "resolve" and
    .payload.outcome == "correct" and .payload.note == "fixed the wording" and
    .payload.correction == {"text":
    "Upgrades need the account holder'"'"'s approval online.",
    "labels": ["bias.gender"], "flags": [{"verdict": "confirmed"}]}' \
    "$T/out" >/dev/null ||
    fail "tui-out-1: the resolution's correction was not recorded" "$T/out"
item=$(jq -r .item.id "$work/next.json")
show_item "$item"
jq -e '.history[-1].payload.correction.spans | length == 5 and
    .[1].verdict == "rejected" and ([.[].verdict] | map(select(. ==
    "rejected")) | length == 1)' "$T/out" >/dev/null ||
    fail "$item: the resolution's span verdicts were not recorded" "$T/out"
pass
