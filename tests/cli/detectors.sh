#!/bin/sh
# hitl detectors: a scripted shift in which two flag detectors have known
# precisions (det-good right 9 times in 10, det-poor 3 in 10) and a PII
# recognizer's PERSON spans are rejected, retyped and missed; the report
# says so, with the Wilson intervals, the band of most overturns, the
# policy's items apart, and threshold advice against feedback's target.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# Twenty outputs, one flag each, scored 0.55 to 0.95; one more below
# min_flag_score that the policy decides alone (spot checks are off).
: >in.jsonl
for d in good poor; do
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '{"id":"%s-%d","kind":"model_output","response":"r %s %d","flags":[{"type":"toxicity","detector":"det-%s","score":0.%d5}]}\n' \
		    "$d" "$i" "$d" "$i" "$d" "$((i / 2 + 5))" >>in.jsonl
	done
done
echo '{"id":"quiet","kind":"model_output","response":"q","flags":[{"type":"toxicity","detector":"det-good","score":0.1}]}' >>in.jsonl
# Two cases: Jordan is rejected (a country), Paris retyped to LOCATION,
# Ana accepted, and a phone number the recognizer missed, added.
cat >>in.jsonl <<'EOT'
{"id":"anon-1","kind":"anonymization","text":"Jordan and Paris","spans":[{"entity_type":"PERSON","start":0,"end":6,"score":0.6,"recognizer":"SpacyRecognizer"},{"entity_type":"PERSON","start":11,"end":16,"score":0.7,"recognizer":"SpacyRecognizer"}]}
{"id":"anon-2","kind":"anonymization","text":"Ana at 555 0100","spans":[{"entity_type":"PERSON","start":0,"end":3,"score":0.65,"analysis_explanation":{"recognizer":"SpacyRecognizer"}}]}
EOT
jq '.model_output.spot_check_rate = 0 | .feedback = {"target_precision": 0.9}' \
    "$SRCDIR/examples/policy.json" >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 0 "$HITL" import in.jsonl
expect_out "auto-decided 1"

# det-good is wrong on good-0 only (its lowest score); det-poor right on
# poor-7, poor-8, poor-9 (its highest).
CONFIRMED=" good-1 good-2 good-3 good-4 good-5 good-6 good-7 good-8 good-9 poor-7 poor-8 poor-9 "
step "a shift"
at 60
payload_for() {
	case $1 in
	anon-1)	echo '{"spans":[{"verdict":"rejected"},{"verdict":"retyped","entity_type":"LOCATION"}]}' ;;
	anon-2)	echo '{"spans":[{"verdict":"accepted"}],"added":[{"start":7,"end":15,"entity_type":"PHONE_NUMBER"}]}' ;;
	*)	case $CONFIRMED in
		*" $1 "*) echo '{"labels":["toxicity"],"flags":[{"verdict":"confirmed"}]}' ;;
		esac ;;
	esac
}
shift_of bob 22

step "who may look"
expect_exit 77 hitl_as bob detectors
expect_exit 64 hitl_as carol detectors --by detectr
expect_err 'did you mean "detector"'

step "the detectors, as reviewers judged them"
expect_exit 0 hitl_as carol detectors --json
jq_ok "det-good: 9 of 10" '[.[] | select(.key == "det-good")][0] |
    .kind == "flag" and .reviewed == 10 and .confirmed == 9 and
    .overturned == 1 and .precision == 0.9 and
    (.precision_low * 10000 | round) == 5958 and
    (.precision_high * 10000 | round) == 9821 and
    .overturn_band == 0.5 and .auto_decided == 1 and
    .threshold_advice == 0.55 and .threshold_in_force == 0.5'
jq_ok "det-poor: 3 of 10" '[.[] | select(.key == "det-poor")][0] |
    .reviewed == 10 and .confirmed == 3 and .precision == 0.3 and
    (.precision_low * 10000 | round) == 1078 and
    (.precision_high * 10000 | round) == 6032 and
    .overturn_band == 0.5 and .overturn_band_count == 2 and
    .auto_decided == 0 and .threshold_advice == 0.95'
jq_ok "the recognizer, named by the span or its explanation" \
    '[.[] | select(.key == "SpacyRecognizer")][0] | .kind == "span" and
    .reviewed == 3 and .accepted == 1 and .rejected == 1 and
    .retyped == 1 and .retyped_to == "LOCATION"'
jq_ok "what no recognizer proposed" '[.[] |
    select(.key == "(added by reviewers)")][0] | .added == 1'
expect_exit 0 hitl_as carol detectors
expect_out "flag detectors (target precision 0.90; in force: min_flag_score)"
expect_out "det-poor"
expect_out "retyped most often to LOCATION"

step "by type"
expect_exit 0 hitl_as carol detectors --by type --json
jq_ok "toxicity: 12 of 20" '[.[] | select(.key == "toxicity")][0] |
    .reviewed == 20 and .confirmed == 12 and .auto_decided == 1'
jq_ok "misses by entity type" '[.[] | select(.key == "PHONE_NUMBER")][0] |
    .added == 1 and .reviewed == 0'
expect_exit 0 hitl_as carol detectors --by entity_type --json
jq_ok "spans alone" 'all(.[]; .kind == "span")'

step "since"
expect_exit 0 hitl_as carol detectors --since 2030-01-01T00:00:00Z --json
jq_ok "nothing since" 'length == 0'
expect_exit 64 hitl_as carol detectors --since yesterday
expect_err "RFC 3339"
pass
