#!/bin/sh
# hitl status: counts by kind and state, policy, oldest waiting item, batches.
#
# tests/data/small.jsonl holds, under the example policy (auto_accept 0.85,
# auto_reject 0.30, min_flag_score 0.5, spot_check_rate 0.05):
#   small-out-1   no flags; sampled by the spot check     -> queued
#                 (first 64 bits of SHA-256("small-out-1") / 2^64 = 0.025)
#   small-out-2   toxicity 0.92 >= 0.5                    -> queued
#   small-out-3   hallucination 0.2; not sampled (0.51)   -> auto
#   small-anon-1  PERSON 0.6, ambiguous                   -> queued
#   small-anon-2  EMAIL 0.95 accepted, DATE_TIME 0.1 dropped -> auto
. "$SRCDIR/tests/cli/lib.sh"

# 2027-01-15T08:00:00Z
NOW=1800000000
IMPORTED_AT=2027-01-15T08:00:00Z

# row KIND QUEUED AUTO: the line of the status table.
row() {
	_lib_where="status row $1"
	grep -Eq "^$1 +$2 +$3 +0 +0 +0 +0\$" "$T/out" ||
	    fail "expected the row \"$1\" with queued $2, auto $3" "$T/out"
}

# --- an empty database ---------------------------------------------------------

expect_exit 0 "$HITL" init
expect_exit 0 "$HITL" status
expect_no_err
expect_out "database  $HITL_DB (schema "
expect_out "policy    built-in default"
grep -Eq '^ +queued +auto +claimed +decided +escalated +resolved$' "$T/out" ||
    fail "no header of states" "$T/out"
row model_output 0 0
row anonymization 0 0
expect_out "nothing is waiting for review"
expect_out "no imports yet"

expect_exit 0 "$HITL" status --json
jq -e '.total == 0 and .policy_version == 0 and .oldest_waiting == null and
    .oldest_waiting_item == null and
    .batches == [] and .counts.model_output.queued == 0' "$T/out" >/dev/null ||
    fail "status --json of an empty database" "$T/out"

# --- the small fixture under the example policy ----------------------------------

expect_exit 0 "$HITL" policy load "$SRCDIR/examples/policy.json"
cp "$SRCDIR/tests/data/small.jsonl" small.jsonl
expect_exit 0 env HITL_NOW=$NOW "$HITL" import small.jsonl
expect_out "imported 5: queued 3, auto-decided 2; duplicates 0; invalid 0"

# The fixture does what its comments say.
expect_eq "states by id" "$(sql "SELECT group_concat(ext_id || '=' || state ||
    '/' || spot_check, ' ') FROM (SELECT * FROM items ORDER BY ext_id) AS i")" \
    "small-anon-1=queued/0 small-anon-2=auto/0 small-out-1=queued/1 small-out-2=queued/0 small-out-3=auto/0"
expect_eq "span triage" "$(sql "SELECT group_concat(triage, ' ') FROM
    (SELECT triage FROM spans ORDER BY item_id, idx) AS s")" \
    "ambiguous accepted rejected"

expect_exit 0 env HITL_NOW=$((NOW + 3600)) "$HITL" status
expect_no_err
expect_out "policy    version 1, \"support-bot oversight (example)\""
row model_output 2 1
row anonymization 1 1
# The age counts from the import, when it entered the queue, not from the
# record's created_at (2026-11-20, 56 days before): the console's WAITING
# column shows the same.
grep -Fqx "oldest waiting item: small-out-1, 60m in the queue (imported $IMPORTED_AT)" \
    "$T/out" || fail "status: the oldest waiting item and its age" "$T/out"
expect_out "latest imports:"
expect_out "  batch 1  $IMPORTED_AT  by $LOGIN  [\"small.jsonl\"]: imported 5 (queued 3, auto 2), duplicates 0, invalid 0"

expect_exit 0 env HITL_NOW=$((NOW + 3600)) "$HITL" status --json
expect_eq "status --json lines" "$(jq -s length "$T/out")" 1
expect_eq "counts.model_output.queued" \
    "$(jq .counts.model_output.queued "$T/out")" \
    "$(sql "SELECT count(*) FROM items WHERE kind = 'model_output' AND
    state = 'queued'")"
jq -e --arg at "$IMPORTED_AT" --arg me "$LOGIN" '
    .total == 5 and .policy_version == 1 and
    .policy_name == "support-bot oversight (example)" and
    .counts.model_output == {"queued": 2, "auto": 1, "claimed": 0,
        "decided": 0, "escalated": 0, "resolved": 0} and
    .counts.anonymization.queued == 1 and .counts.anonymization.auto == 1 and
    .oldest_waiting_item == "small-out-1" and
    .oldest_waiting == $at and .oldest_waiting_age_seconds == 3600 and
    (.batches | length) == 1 and .batches[0].id == 1 and
    .batches[0].started_at == $at and .batches[0].operator == $me and
    .batches[0].files == ["small.jsonl"] and .batches[0].imported == 5 and
    .batches[0].queued == 3 and .batches[0].auto_decided == 2' \
    "$T/out" >/dev/null || fail "status --json" "$T/out"

# --- the last five batches, newest first ----------------------------------------

# A refused import leaves no batch behind.
printf '{"id": "broken"\n' >broken.jsonl
expect_exit 65 "$HITL" import broken.jsonl
for i in 2 3 4 5 6 7; do
	expect_exit 0 env HITL_NOW=$((NOW + i)) "$HITL" import small.jsonl
done
expect_eq "batches stored" "$(sql 'SELECT count(*) FROM batches')" 7
# The last five, newest first: 7 to 3. (PostgreSQL's ids skip the number
# the refused import's batch took before it was rolled back: a sequence
# never gives a number back.)
LAST5="7 6 5 4 3 "
[ "$BACKEND" = sqlite ] || LAST5=$(sql "SELECT id FROM batches
    ORDER BY id DESC LIMIT 5" | tr '\n' ' ')
expect_exit 0 env HITL_NOW=$((NOW + 3600)) "$HITL" status
row model_output 2 1
expect_eq "batches listed" "$(grep -c '^  batch ' "$T/out")" 5
expect_eq "batch order" "$(sed -n 's/^  batch \([0-9]*\) .*/\1/p' "$T/out" |
    tr '\n' ' ')" "$LAST5"
expect_out "duplicates 5, invalid 0"
expect_exit 0 "$HITL" status --json
jq -e --arg last5 "$LAST5" '[.batches[].id | tostring] ==
    ($last5 | split(" ") | map(select(. != ""))) and .total == 5 and
    .batches[0].duplicates == 5 and .batches[0].imported == 0' \
    "$T/out" >/dev/null || fail "batches in status --json" "$T/out"

# --- usage and errors ----------------------------------------------------------------

expect_exit 64 "$HITL" status extra
expect_err "usage: hitl status"
expect_exit 66 "$HITL" --db "$(newdb missing)" status --json
expect_err "hitl init"
[ ! -s "$T/out" ] || fail "status --json printed something on failure" "$T/out"

pass
