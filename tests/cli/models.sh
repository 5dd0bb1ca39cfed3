#!/bin/sh
# hitl models: two versions of a model on one pipeline, over two weeks;
# the newer one's outputs corrected more often. The report counts, per
# source and week, what its outputs came to (flagged, reviewed, approved,
# corrected, escalated and rejected at the resolution, still open), the
# flags confirmed per 1,000 outputs and the corrections by label.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

line() {	# ID MODEL CREATED SCORE
	printf '{"id":"%s","kind":"model_output","created_at":"%s","source":{"model":"%s","pipeline":"tickets"},"response":"r %s","flags":[{"type":"bias.gender","score":%s}]}\n' \
	    "$1" "$3" "$2" "$1" "$4"
}
{
	# v3, the week of Monday 2026-11-16: four outputs, one corrected.
	line v3-a bot-v3 2026-11-16T09:00:00Z 0.9
	line v3-b bot-v3 2026-11-17T09:00:00Z 0.8
	line v3-c bot-v3 2026-11-18T09:00:00Z 0.7
	line v3-d bot-v3 2026-11-19T09:00:00Z 0.2
	# v4, the week of Monday 2026-11-23 (v4-f's time in +02:00: still
	# Sunday the 22nd in UTC, so the week before): corrected, escalated.
	line v4-a bot-v4 2026-11-23T09:00:00Z 0.9
	line v4-b bot-v4 2026-11-24T09:00:00Z 0.85
	line v4-c bot-v4 2026-11-25T09:00:00Z 0.8
	line v4-d bot-v4 2026-11-26T09:00:00Z 0.75
	line v4-e bot-v4 2026-11-27T09:00:00Z 0.7
	line v4-f bot-v4 2026-11-23T01:00:00+02:00 0.65
} >in.jsonl
jq '.model_output.spot_check_rate = 0' "$SRCDIR/examples/policy.json" >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 0 "$HITL" import in.jsonl
expect_out "auto-decided 1"

FIX='{"text":"fixed","labels":["bias.gender"],"flags":[{"verdict":"confirmed"}]}'
step "a shift"
at 60
# v4-f, scored lowest, is never reached: it stays in the queue, open.
for n in 1 2 3 4 5 6 7 8; do
	expect_exit 0 hitl_as bob next --json
	id=$(jq -r .item.id "$T/out")
	lease=$(jq -r .lease.id "$T/out")
	case $id in
	v3-a | v4-a | v4-b | v4-c)
		expect_exit 0 hitl_as bob decide "$id" --lease "$lease" \
		    correct --payload "$FIX" ;;
	v4-d | v4-e)
		expect_exit 0 hitl_as bob decide "$id" --lease "$lease" \
		    escalate --team ml-fairness --reason systematic_bias \
		    --severity high ;;
	*)
		expect_exit 0 hitl_as bob decide "$id" --lease "$lease" approve ;;
	esac
done
expect_exit 0 hitl_as dana escalations --json
ESC=$(jq -r 'select(.item == "v4-d") | .escalation' "$T/out")
expect_exit 0 hitl_as dana escalation resolve "$ESC" reject --note "biased"

step "who may look"
expect_exit 77 hitl_as bob models
expect_exit 64 hitl_as carol models --every month
expect_err "--every is all, day or week"

step "per source"
expect_exit 0 hitl_as carol models --json
jq_ok "bot-v3" '[.[] | select(.model == "bot-v3")][0] |
    .pipeline == "tickets" and .period == null and .seen == 4 and
    .flagged == 3 and .reviewed == 3 and .approved == 2 and
    .corrected == 1 and .escalated == 0 and .open == 0 and
    .confirmed == {"bias.gender": 1} and
    .confirmed_per_1000 == {"bias.gender": 250} and
    .corrections_by_label == {"bias.gender": 1}'
jq_ok "bot-v4" '[.[] | select(.model == "bot-v4")][0] |
    .seen == 6 and .flagged == 6 and .reviewed == 4 and .corrected == 3 and
    .rejected == 1 and .escalated == 2 and .open == 2 and
    .confirmed == {"bias.gender": 4}'
expect_exit 0 hitl_as carol models
expect_out "bot-v4 / tickets"
expect_out "confirmed per 1,000 outputs: bias.gender 666.7"

step "week by week"
expect_exit 0 hitl_as carol models --by model --every week --json
jq_ok "three weeks of two models" '[.[] | [.model, .period, .seen]] == [
    ["bot-v3", "2026-11-16", 4], ["bot-v4", "2026-11-16", 1],
    ["bot-v4", "2026-11-23", 5]] and all(.[]; .pipeline == null)'
expect_exit 0 hitl_as carol models --every day --json
jq_ok "days" '[.[] | select(.model == "bot-v3")] | length == 4'

step "by flag type"
# x-1 is flagged twice as toxicity and once as bias.gender: once under each
# type; x-2 has no flag.
{
	printf '{"id":"x-1","kind":"model_output","created_at":"2026-11-25T09:00:00Z","source":{"model":"bot-x"},"response":"r x-1","flags":[{"type":"toxicity","score":0.9},{"type":"bias.gender","score":0.95},{"type":"toxicity","score":0.7}]}\n'
	printf '{"id":"x-2","kind":"model_output","created_at":"2026-11-25T09:00:00Z","source":{"model":"bot-x"},"response":"plain","flags":[]}\n'
} >more.jsonl
expect_exit 0 "$HITL" import more.jsonl
expect_exit 0 hitl_as carol models --by type --json
jq_ok "a row a type" '[.[] | .type] == [null, "bias.gender", "toxicity"] and
    all(.[]; .model == null and .pipeline == null)'
jq_ok "bias.gender" '.[1] | .seen == 11 and .flagged == 10 and
    .reviewed == 7 and .corrected == 4 and .rejected == 1 and .open == 3 and
    .confirmed == {"bias.gender": 5}'
jq_ok "toxicity, x-1 once" '.[2] | .seen == 1 and .flagged == 1 and
    .open == 1 and .reviewed == 0'
jq_ok "no flag" '.[0] | .seen == 1 and .flagged == 0 and .open == 0'
expect_exit 0 hitl_as carol models --by type
expect_out "FLAG TYPE"
expect_out "(no flag)"
expect_exit 64 hitl_as carol models --by types
expect_err "did you mean"

step "since: nothing decided after it"
expect_exit 0 hitl_as carol models --since 2030-01-01T00:00:00Z --json
jq_ok "no rows" 'length == 0'
expect_exit 0 hitl_as carol models --since 2030-01-01T00:00:00Z
expect_out "no model output in that time"
pass
