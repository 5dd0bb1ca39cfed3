#!/bin/sh
# Escalations through the CLI: escalating with a team, reason and severity,
# the teams' queues with their response-time targets, and the leads' ack and
# resolve; who may see and settle what.
#
# Example policy: legal (members carol, frank; lead carol), privacy (carol,
# bob, erin; carol), ml-fairness (dana, erin, alice; dana), trust-safety
# (dana, bob, frank; dana). Severities: critical 60 min, high 240, medium
# 1440, low 4320. Items: see tests/cli/workflow.sh.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

step "init and import"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
expect_out "queued 5"

# --- escalating: every field is checked against the policy -------------------

claim bob wf-out-1
expect_exit 64 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity high --payload '{}'
expect_exit 65 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate
expect_err "escalate needs a payload"
expect_exit 65 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --team marketing --reason legal_risk --severity high
expect_err "payload.team: \"marketing\" is not a team of the policy"
expect_exit 65 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --reason legal_risk --severity high
expect_err "payload.team: missing"
expect_exit 65 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --team legal --reason gut_feeling --severity high
expect_err "payload.reason: gut_feeling is not a reason code"
expect_exit 65 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity whenever
expect_err "payload.severity: whenever is not a severity"
expect_eq "refusals stored nothing" "$(sql "SELECT count(*) FROM decisions") \
$(sql "SELECT count(*) FROM escalations")" "0 0"

at 60
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity high \
    --note "tells the customer they are an idiot"
expect_out "decision 1: escalate wf-out-1"
expect_exit 0 "$HITL" show wf-out-1 --json
jq_ok "escalated item" '.state == "escalated" and .claim == null and
    .history[0].payload == {"team": "legal", "reason": "legal_risk",
    "severity": "high", "note": "tells the customer they are an idiot"}'
# An escalated item is not handed out again.
claim bob wf-anon-1

# --- the team's queue -------------------------------------------------------------

at 120
expect_exit 0 hitl_as carol escalations --team legal --json
expect_eq "legal's escalations" "$(jq -s length "$T/out")" 1
jq_ok "the escalation as listed" '.escalation == 1 and .item == "wf-out-1"
    and .team == "legal" and .reason == "legal_risk" and .severity == "high"
    and .opened_by == "bob" and .opened_at == "2027-01-15T08:01:00Z" and
    .due_at == "2027-01-15T12:01:00Z" and .age_seconds == 60 and
    .overdue == false and .state == "open" and
    .note == "tells the customer they are an idiot"'
expect_exit 0 hitl_as carol escalations
expect_out "wf-out-1"
expect_out "legal_risk"
expect_no_out "OVERDUE"

# bob is not in legal; dana neither. Admins see every team.
expect_exit 77 hitl_as bob escalations --team legal --json
expect_err "bob is not a member of team legal"
[ ! -s "$T/out" ] || fail "a refused listing printed something" "$T/out"
expect_exit 0 hitl_as bob escalations --json
[ ! -s "$T/out" ] || fail "bob sees legal's escalation" "$T/out"
expect_exit 0 hitl_as bob escalations
expect_out "no open escalations"
expect_exit 0 hitl_as dana escalations --json
[ ! -s "$T/out" ] || fail "dana sees legal's escalation" "$T/out"
expect_exit 0 hitl_as alice escalations --json
expect_eq "alice's view" "$(jq -r .item "$T/out")" wf-out-1
expect_exit 64 hitl_as carol escalations --team marketing
expect_err "no team \"marketing\""

# Past the due time (4 h after opening) it is overdue.
at $((60 + 240 * 60))
expect_exit 0 hitl_as carol escalations --team legal --json
jq_ok "due, not yet overdue" '.overdue == false'
at $((60 + 240 * 60 + 1))
expect_exit 0 hitl_as carol escalations --team legal --json
jq_ok "overdue" '.overdue == true and .age_seconds == 14401'
expect_exit 0 hitl_as carol escalations --team legal
expect_out "OVERDUE"

# --- acknowledging ----------------------------------------------------------------

expect_exit 77 hitl_as bob escalation ack 1
expect_err "bob is a reviewer"
expect_exit 66 hitl_as carol escalation ack 99
expect_err "no escalation 99"
expect_exit 64 hitl_as carol escalation ack 1 --note "x"
expect_exit 0 hitl_as carol escalation ack 1
expect_out "escalation 1 acknowledged"
expect_exit 69 hitl_as carol escalation ack 1
expect_err "acknowledged already"
expect_exit 0 hitl_as carol escalations --team legal --json
jq_ok "acknowledged" '.state == "acknowledged" and .acked_by == "carol"'

# --- resolving ----------------------------------------------------------------------

expect_exit 77 hitl_as bob escalation resolve 1 reject
expect_exit 64 hitl_as carol escalation resolve 1 shrug
expect_err "approve, correct or reject"
expect_exit 64 hitl_as carol escalation resolve 1 correct
expect_err "needs the correction"
expect_exit 65 hitl_as carol escalation resolve 1 correct \
    --payload '{"labels": ["rude"], "flags": [{"verdict": "confirmed"}]}'
expect_err "\"rude\" is not a label"
expect_exit 65 hitl_as carol escalation resolve 1 correct \
    --payload '{"labels": ["toxicity"], "flags": []}'
expect_err "give a verdict for each of the item's 1 flags"
expect_exit 64 hitl_as carol escalation resolve 1 approve --payload '{}'
expect_err "only a correcting resolution"
expect_eq "refused resolutions stored nothing" \
    "$(sql "SELECT state FROM escalations WHERE id = 1")" acknowledged

expect_exit 0 hitl_as carol escalation resolve 1 reject \
    --note "never send insults"
expect_out "escalation 1 resolved: reject"
expect_exit 69 hitl_as carol escalation resolve 1 approve
expect_err "a resolution is final"
expect_exit 0 "$HITL" show wf-out-1 --json
jq_ok "resolved item" '.state == "resolved" and .history[-1].action ==
    "resolve" and .history[-1].reviewer == "carol" and
    .history[-1].payload.outcome == "reject" and
    .history[-1].payload.note == "never send insults"'
expect_exit 0 hitl_as carol escalations --team legal --json
[ ! -s "$T/out" ] || fail "a resolved escalation is still open" "$T/out"
expect_exit 0 hitl_as carol escalations --team legal --all --json
jq_ok "resolved, with --all" '.state == "resolved" and .resolved_by ==
    "carol" and .outcome == "reject" and .overdue == false'

# --- an admin settles another team's, with a correction -----------------------------

expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" escalate \
    --team privacy --reason pii_exposure --severity critical
# bob is a member of privacy: he sees it, but may not settle it.
expect_exit 0 hitl_as bob escalations --team privacy --json
jq_ok "bob sees privacy's" '.escalation == 2 and .severity == "critical"
    and .due_at == "2027-01-15T13:01:01Z"'
expect_exit 77 hitl_as bob escalation resolve 2 approve
cat >fix.json <<'EOF'
{"spans": [{"verdict": "accepted"}, {"verdict": "accepted"}],
 "added": [{"start": 32, "end": 49, "entity_type": "PHONE_NUMBER"}]}
EOF
expect_exit 0 hitl_as alice escalation resolve 2 correct --payload fix.json \
    --note "the phone number was missed"
expect_out "escalation 2 resolved: correct"
expect_exit 0 "$HITL" show wf-anon-1 --json
jq_ok "corrected by the resolution" '.state == "resolved" and
    .history[-1].reviewer == "alice" and
    .history[-1].payload.correction.added[0].entity_type == "PHONE_NUMBER"'

# --- undoing an escalation ------------------------------------------------------------

claim bob wf-out-2
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" escalate \
    --team trust-safety --reason systematic_bias --severity medium
expect_exit 0 hitl_as bob undo
expect_out "undid escalate of wf-out-2"
expect_exit 0 hitl_as dana escalations --team trust-safety --all --json
jq_ok "withdrawn" '.state == "withdrawn" and .overdue == false'
LEASE=$(sql "SELECT lease_id FROM items WHERE ext_id = 'wf-out-2'")
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" escalate \
    --team trust-safety --reason systematic_bias --severity medium
ESC=$(sql "SELECT max(id) FROM escalations")
expect_exit 0 hitl_as dana escalation ack "$ESC"
expect_exit 69 hitl_as bob undo
expect_err "dana has acknowledged it"
expect_exit 0 "$HITL" show wf-out-2 --json
jq_ok "still escalated" '.state == "escalated"'

# --- the log ------------------------------------------------------------------------------

expect_exit 0 "$HITL" audit log --item wf-out-1 --json
expect_eq "wf-out-1's events" "$(jq -s -c 'map(.event + ":" + .actor)' \
    "$T/out")" '["decision:bob","escalation_ack:carol","resolution:carol"]'
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified"

# --- a lead of other teams may not settle legal's --------------------------------------
# (Last: this refusal used to free the escalation twice and crash.)

claim bob wf-out-3
expect_exit 0 hitl_as bob decide wf-out-3 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity low
ESC=$(sql "SELECT max(id) FROM escalations")
expect_exit 77 hitl_as dana escalation ack "$ESC"
expect_err "dana may not settle escalation $ESC: only leads of team legal"
expect_exit 77 hitl_as dana escalation resolve "$ESC" reject
expect_err "only leads of team legal"
expect_eq "dana changed nothing" "$(sql "SELECT state FROM escalations
    WHERE id = $ESC")" open

pass
