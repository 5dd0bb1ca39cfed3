#!/bin/sh
# The lead's feedback view (D): detectors with their precision as a bar
# against the target, sorted by any column (o the next, O reversed); Tab,
# the models with the share of reviewed outputs that reviewers changed, as a
# number and a sparkline a week a cell. A reviewer has no such view: D does
# nothing, and the help leaves it out.
. "$SRCDIR/tests/cli/lib.sh"
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb feedback)
console_db "$db"

line() {	# ID MODEL CREATED DETECTOR
	printf '{"id":"%s","kind":"model_output","created_at":"%s","source":{"model":"%s","pipeline":"tickets"},"response":"r %s","flags":[{"type":"toxicity","score":0.9,"detector":"%s"}]}\n' \
	    "$1" "$3" "$2" "$1" "$4"
}
{
	# tox-good is right 3 times in 4, bias-noisy once in 5; bot-v4's
	# second week has more changed than its first.
	line g1 bot-v3 2026-11-16T09:00:00Z tox-good
	line g2 bot-v3 2026-11-17T09:00:00Z tox-good
	line g3 bot-v3 2026-11-23T09:00:00Z tox-good
	line g4 bot-v3 2026-11-24T09:00:00Z tox-good
	line n1 bot-v4 2026-11-16T10:00:00Z bias-noisy
	line n2 bot-v4 2026-11-17T10:00:00Z bias-noisy
	line n3 bot-v4 2026-11-23T10:00:00Z bias-noisy
	line n4 bot-v4 2026-11-24T10:00:00Z bias-noisy
	line n5 bot-v4 2026-11-25T10:00:00Z bias-noisy
} >"$work/in.jsonl"
jq '.model_output.spot_check_rate = 0' "$SRCDIR/examples/policy.json" \
    >"$work/policy.json"
FIX='{"text":"fixed","labels":["toxicity"],"flags":[{"verdict":"confirmed"}]}'
(
	cd "$work" && export HOME="$work" HITL_NOW=1795777200 &&
	"$HITL" --db "$db" init --policy policy.json >/dev/null &&
	"$HITL" --db "$db" import in.jsonl >/dev/null &&
	i=0 && while [ $i -lt 9 ]; do
		HITL_REVIEWER=bob "$HITL" --db "$db" next --json >next.json ||
		    exit 1
		id=$(jq -r .item.id next.json)
		lease=$(jq -r .lease.id next.json)
		case $id in
		g1 | g2 | g3 | n4) set -- correct --payload "$FIX" ;;
		*) set -- approve ;;
		esac
		HITL_REVIEWER=bob "$HITL" --db "$db" decide "$id" \
		    --lease "$lease" "$@" >/dev/null || exit 1
		i=$((i + 1))
	done
) || fail "setup"

cat >"$work/lead.keys" <<'KEYS'
D
:screen-dump feedback-detectors.screen
o
:screen-dump feedback-by-confirmed.screen
oo
:screen-dump feedback-by-precision.screen
O
:screen-dump feedback-by-precision-reversed.screen
<Tab>
:screen-dump feedback-models.screen
<Esc>
:screen-dump back.screen
KEYS
console_run "$work" carol "$work/lead.keys"
console_screens "$work" "$SRCDIR/tests/tui" feedback-detectors.screen \
    feedback-by-confirmed.screen feedback-by-precision.screen \
    feedback-by-precision-reversed.screen feedback-models.screen

cat >"$work/reviewer.keys" <<'KEYS'
D
:screen-dump reviewer.screen
?
:screen-dump reviewer-help.screen
KEYS
console_run "$work" bob "$work/reviewer.keys"
grep -q "ITEM" "$work/reviewer.screen" && ! grep -q "Detectors" \
    "$work/reviewer.screen" || fail "D opened something for a reviewer" \
    "$work/reviewer.screen"
! grep -q "detector and model quality" "$work/reviewer-help.screen" ||
    fail "the help offers a reviewer the lead's view" \
    "$work/reviewer-help.screen"
pass
