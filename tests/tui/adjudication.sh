#!/bin/sh
# A lead's adjudication and reviewers views, driven by
# tests/tui/adjudication.script on tui.jsonl under blind double review
# (bob approves, erin corrects, so both items wait for a lead): the list,
# the votes side by side with their differences marked, a vote taken (then
# the settlement, through the CLI), approve anew, the reviewers' table;
# then a reviewer refused the adjudication and shown their own line.
. "$SRCDIR/tests/cli/lib.sh"
dir=$SRCDIR/tests/tui
keys=$dir/adjudication.script
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb adjudication)
console_db "$db"
jq '.quality = {"overlap_rate": 1, "overlap_reviewers": 2,
    "adjudication": "lead"}' "$SRCDIR/examples/policy.json" \
    >"$work/policy.json" || fail "setup: policy"

# hitl_at ARGS...: hitl in WORK at the console's clock.
hitl_at() {
	(cd "$work" && HOME="$work" HITL_NOW=1795780800 "$HITL" --db "$db" \
	    "$@")
}

# vote WHO KIND ITEM ACTION [ARGS]: WHO claims the next item of KIND,
# which must be ITEM, and decides it.
vote() {
	_who=$1 _kind=$2 _item=$3
	shift 3
	HITL_REVIEWER=$_who hitl_at next --kind "$_kind" --json >"$T/next" ||
	    fail "$_who: next" "$T/next"
	[ "$(jq -r .item.id "$T/next")" = "$_item" ] ||
	    fail "$_who was handed another item than $_item" "$T/next"
	HITL_REVIEWER=$_who hitl_at decide "$_item" --lease \
	    "$(jq -r .lease.id "$T/next")" "$@" >/dev/null ||
	    fail "$_who: decide $_item"
}

hitl_at init --policy "$work/policy.json" >/dev/null || fail "setup: init"
hitl_at import "$SRCDIR/tests/data/tui.jsonl" >/dev/null || fail "import"
vote bob anonymization tui-anon-1 approve
vote erin anonymization tui-anon-1 correct --payload '{"spans": [
    {"verdict": "accepted"}, {"verdict": "retyped", "entity_type":
    "LOCATION"}, {"verdict": "accepted"}, {"verdict": "accepted"},
    {"verdict": "rejected"}], "added": [{"start": 30, "end": 34,
    "entity_type": "ORGANIZATION"}], "note": "Jordan is a country here"}'
vote bob model_output tui-out-1 approve --note "fine as it is"
vote erin model_output tui-out-1 correct --payload '{"text":
    "Ask the account holder to approve the purchase.",
    "labels": ["bias.gender"], "flags": [{"verdict": "confirmed"}]}'
HITL_REVIEWER=carol hitl_at adjudication show tui-anon-1 --json >"$T/adj" ||
    fail "adjudication show" "$T/adj"
ERIN=$(jq -r '.votes[] | select(.reviewer == "erin") | .decision' "$T/adj")

console_run "$work" carol "$keys"
console_screens "$work" "$dir" \
    $(sed -n 's/^:screen-dump \(.*\)$/\1/p' "$keys")

show_item() {
	hitl_at show "$1" --json >"$T/out" || fail "show $1"
}
# p revealed tui-anon-1's masked spans: on record, carol's.
hitl_at audit log --item tui-anon-1 --json >"$T/out" || fail "audit log"
jq -s -e '[.[] | select(.event == "reveal" and .actor == "carol")] |
    length == 1' "$T/out" >/dev/null ||
    fail "tui-anon-1: no reveal of carol's in the audit log" "$T/out"
# 2 took erin's vote of tui-anon-1, with the note typed at the prompt.
show_item tui-anon-1
jq -e --argjson e "$ERIN" '.state == "decided" and (.history[-1] |
    .action == "settle" and .reviewer == "carol" and (.payload |
    .how == "adjudication" and .outcome == "correct" and .chose == $e and
    .note == "Jordan is a country"))' "$T/out" >/dev/null ||
    fail "tui-anon-1: the settlement is not erin's vote ($ERIN)" "$T/out"
# a approved tui-out-1 anew: no vote chosen, no note.
show_item tui-out-1
jq -e '.state == "decided" and (.history[-1] | .action == "settle" and
    .reviewer == "carol" and (.payload | .how == "adjudication" and
    .outcome == "approve" and (has("note") | not)))' "$T/out" >/dev/null ||
    fail "tui-out-1: not settled as approved anew" "$T/out"

# A reviewer: refused the adjudication, shown their own statistics.
bobkeys=$dir/adjudication-reviewer.script
console_run "$work" bob "$bobkeys"
console_screens "$work" "$dir" \
    $(sed -n 's/^:screen-dump \(.*\)$/\1/p' "$bobkeys")
pass
