#!/bin/sh
# hitl show: an item's two times, each named (the producer's created_at and
# the queue's imported_at, with how long a waiting item has waited), and
# each span's Presidio explanation, a line a field.
#
# tests/data/ages.jsonl holds, under the example policy (auto_accept 0.85,
# auto_reject 0.30):
#   ages-anon-1  EMAIL_ADDRESS 0.6 (an explanation with every field of
#                Presidio's AnalysisExplanation) and PHONE_NUMBER 0.4 (null
#                and empty fields; recognizer only in the explanation):
#                both ambiguous                              -> queued
#   ages-out-1   toxicity 0.92                               -> queued
#   ages-anon-2  PERSON 0.95 accepted, its recognizer only in the
#                explanation, as Presidio's REST API writes it -> auto
#                (masked: tests/cli/mask.sh tests masking)
. "$SRCDIR/tests/cli/lib.sh"

# 2027-01-15T08:00:00Z: the import; the records were made days before.
NOW=1800000000

expect_exit 0 env HITL_NOW=$NOW "$HITL" init \
    --policy "$SRCDIR/examples/policy.json"
expect_exit 0 env HITL_NOW=$NOW "$HITL" import "$SRCDIR/tests/data/ages.jsonl"
expect_out "imported 3: queued 2, auto-decided 1; duplicates 0; invalid 0"

# --- every field of an explanation, in Presidio's order -----------------------

expect_exit 0 env HITL_NOW=$((NOW + 7200)) "$HITL" show ages-anon-1
expect_no_err
cat >want <<'EOF2'
item ages-anon-1 (anonymization, queued, priority 2.40)
source: presidio-2.2 / mail
created  2027-01-09T08:00:00Z (by the producer)
imported 2027-01-15T08:00:00Z (waiting 2h)
text:
  | Mail jo@example.com or call 212-555-0100.
span EMAIL_ADDRESS [5, 19) 0.600 ambiguous by EmailRecognizer
  recognizer: EmailRecognizer
  pattern_name: Email (Medium)
  pattern: \b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}\b
  original_score: 0.5
  score: 0.6
  textual_explanation: Identified as EMAIL_ADDRESS by a pattern
  score_context_improvement: 0.1
  supportive_context_word: mail
  validation_result: false
  regex_flags: 26
span PHONE_NUMBER [28, 40) 0.400 ambiguous by PhoneRecognizer
  recognizer: PhoneRecognizer
  original_score: 0.4
  score: 0.4
  textual_explanation: Recognized as US region phone number, using PhoneRecognizer
  score_context_improvement: 0
EOF2
diff want "$T/out" >diff || fail "show ages-anon-1" diff

# --- a span named by its explanation only (Presidio's REST shape) -------------

expect_exit 0 env HITL_NOW=$((NOW + 7200)) "$HITL" show ages-anon-2
expect_no_err
cat >want <<'EOF2'
item ages-anon-2 (anonymization, auto, priority 0.00)
created  2027-01-14T23:00:00+02:00 (by the producer)
imported 2027-01-15T08:00:00Z
text:
  | Signed, ⟦PERSON⟧
span PERSON [8, 12) 0.950 accepted by SpacyRecognizer
  recognizer: SpacyRecognizer
  original_score: 0.95
  score: 0.95
  textual_explanation: Identified as PERSON by Spacy's Named Entity Recognition
EOF2
diff want "$T/out" >diff || fail "show ages-anon-2 (decided: no waiting)" diff
# It is stored so, for the exports and --json alike.
expect_eq "recognizers stored" "$(sql "SELECT group_concat(s.recognizer, ' ')
    FROM (SELECT recognizer FROM spans ORDER BY item_id, idx) AS s")" \
    "EmailRecognizer PhoneRecognizer SpacyRecognizer"
expect_exit 0 "$HITL" show --json ages-anon-2
jq -e '.spans[0].recognizer == "SpacyRecognizer" and
    .spans[0].explanation.recognizer == "SpacyRecognizer" and
    .created_at == "2027-01-14T23:00:00+02:00" and
    .imported_at == "2027-01-15T08:00:00Z"' "$T/out" >/dev/null ||
    fail "show --json ages-anon-2" "$T/out"

# What import stored (and digested) is what the input lines say.
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified"

# --- a model output: its times, and its age as hitl status counts it ----------

expect_exit 0 env HITL_NOW=$((NOW + 6 * 86400)) "$HITL" show ages-out-1
expect_no_err
expect_eq "times of ages-out-1" "$(sed -n '3,4p' "$T/out")" \
    "created  2027-01-10T09:30:00Z (by the producer)
imported 2027-01-15T08:00:00Z (waiting 6d)"
expect_exit 0 env HITL_NOW=$((NOW + 6 * 86400)) "$HITL" status
grep -Fqx "oldest waiting item: ages-anon-1, 6d in the queue (imported 2027-01-15T08:00:00Z)" \
    "$T/out" || fail "status: the age of the oldest waiting item" "$T/out"

pass
