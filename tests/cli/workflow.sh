#!/bin/sh
# The review workflow through the CLI: next, decide (approve, correct, skip,
# comment, escalate), lost leases, undo, release, takeover, show, shifts and
# the audit log.
#
# tests/data/workflow.jsonl under the example policy, in claim order:
#   wf-out-1   priority 9, toxicity 0.92
#   wf-anon-1  priority 7, PERSON 8..11 ambiguous, LOCATION 24..30 accepted;
#              the text starts with an emoji and CJK (50 code points, 66 bytes)
#   wf-out-2   priority 5, bias.gender 0.81 and policy.legal_advice 0.3
#   wf-out-3   priority 3, hallucination 0.7
#   wf-anon-2  priority 1, PHONE_NUMBER 0.55 ambiguous
#   wf-out-auto  toxicity 0.1, decided by the policy (spot check 0.98 > 0.05)
# The example policy lets HITL_REVIEWER and --reviewer pick the reviewer:
# alice admin, bob reviewer, carol and dana leads; leases last 900 s.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

decisions() {
	sql "SELECT count(*) FROM decisions"
}

# --- set-up ----------------------------------------------------------------------

step "init and import"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
expect_out "imported 6: queued 5, auto-decided 1"
expect_eq "wf-out-auto" "$(sql "SELECT state FROM items
    WHERE ext_id = 'wf-out-auto'")" auto

# --- next: priority order, leases, shifts ----------------------------------------

expect_exit 0 hitl_as bob next --json
expect_no_err
expect_eq "bob's first item" "$(jq -r .item.id "$T/out")" wf-out-1
BOB1=$(jq -r .lease.id "$T/out")
jq_ok "next --json as bob" \
    '.lease.holder == "bob" and .lease.expires == "2027-01-15T08:15:00Z"
    and .item.state == "claimed" and .item.claim.holder == "bob" and
    .item.claim.lease == .lease.id and .item.priority == 9 and
    .item.response == "Only an idiot would ask that." and
    .item.flags[0].type == "toxicity"'

# The first claim opened bob's shift.
expect_exit 0 hitl_as bob shifts --json
jq_ok "bob's open shift" \
    '.reviewer == "bob" and .ended_at == null and
    .started_at == "2027-01-15T08:00:00Z"'

# bob holds wf-out-1: alice gets the next one, under a higher lease.
expect_exit 0 hitl_as alice next --json
expect_eq "alice's first item" "$(jq -r .item.id "$T/out")" wf-anon-1
ALICE1=$(jq -r .lease.id "$T/out")
[ "$ALICE1" -gt "$BOB1" ] || fail "lease ids must increase: $BOB1 then $ALICE1"
jq_ok "alice's anonymization item" \
    '.item.kind == "anonymization" and (.item.spans | length) == 2 and
    .item.spans[0].triage == "ambiguous"'

# Text output, --reviewer, and filters.
expect_exit 0 "$HITL" --reviewer carol next
expect_out "on wf-out-2 until 2027-01-15T08:15:00Z"
expect_out "item wf-out-2 (model_output, claimed, priority 5.00)"
expect_out "claimed by carol"
expect_out "flag bias.gender 0.810"
CAROL1=$(sed -n 's/^lease \([0-9]*\) on wf-out-2 .*/\1/p' "$T/out")
expect_exit 0 hitl_as carol release wf-out-2 --lease "$CAROL1"
expect_out "released wf-out-2"
expect_eq "released" "$(sql "SELECT state || ' ' || coalesce(holder, '-')
    FROM items WHERE ext_id = 'wf-out-2'")" "queued -"
expect_exit 0 hitl_as dana next --kind anonymization --json
expect_eq "--kind anonymization" "$(jq -r .item.id "$T/out")" wf-anon-2
expect_exit 0 hitl_as dana release wf-anon-2 --lease "$(jq -r .lease.id "$T/out")"
expect_exit 0 hitl_as dana next --type hallucination --json
expect_eq "--type hallucination" "$(jq -r .item.id "$T/out")" wf-out-3
expect_exit 0 hitl_as dana release wf-out-3 --lease "$(jq -r .lease.id "$T/out")"
expect_exit 69 hitl_as dana next --type bias.gen
expect_err "nothing to review matching the filter"
expect_exit 64 hitl_as dana next --kind image
expect_err "unknown kind"

# --- decide: approve and correct ---------------------------------------------------

expect_exit 64 hitl_as bob decide wf-out-1 approve
expect_err "needs --lease"
expect_exit 64 hitl_as bob decide wf-out-1 --lease "$BOB1" bless
expect_err "unknown action"
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$BOB1" approve \
    --note "rude, flag is right" --json
expect_no_err
jq_ok "decide --json" \
    '.action == "approve" and .item == "wf-out-1" and .decision == 1'
expect_exit 0 "$HITL" show wf-out-1 --json
jq_ok "show after approve" \
    '.state == "decided" and .claim == null and (.history | length) == 1
    and .history[0].action == "approve" and .history[0].reviewer == "bob"
    and .history[0].payload.note == "rude, flag is right" and
    .history[0].shift == 1 and .history[0].policy_version == 1'
expect_eq "lease recorded" "$(jq .history[0].lease "$T/out")" "$BOB1"

# A correction read from standard input; offsets are code points.
cat >bad-span.json <<'EOF'
{"spans": [{"verdict": "accepted"}, {"verdict": "accepted"}],
 "added": [{"start": 40, "end": 51, "entity_type": "PHONE_NUMBER"}]}
EOF
expect_exit 65 hitl_as alice decide wf-anon-1 --lease "$ALICE1" correct \
    --payload - <bad-span.json
expect_err "payload.added[0].end: expected a whole number from 0 to 50"
expect_exit 65 hitl_as alice decide wf-anon-1 --lease "$ALICE1" correct \
    --payload '{"spans": [{"verdict": "accepted"}, {"verdict": "retyped", "entity_type": "LOCATION"}]}'
expect_err "the span is already LOCATION"
expect_exit 65 hitl_as alice decide wf-anon-1 --lease "$ALICE1" correct \
    --payload '{"spans": [{"verdict": "accepted"}]}'
expect_err "give a verdict for each of the item's 2 spans (got 1)"
expect_exit 64 hitl_as alice decide wf-anon-1 --lease "$ALICE1" correct \
    --payload '{}' --note "both"
expect_eq "refused corrections stored nothing" "$(decisions)" 1
cat >fix.json <<'EOF'
{"spans": [{"verdict": "accepted"}, {"verdict": "retyped", "entity_type": "ORGANIZATION"}],
 "added": [{"start": 4, "end": 6, "entity_type": "LOCATION"},
           {"start": 32, "end": 49, "entity_type": "PHONE_NUMBER"}],
 "note": "Zürich is the customer's company"}
EOF
expect_exit 0 hitl_as alice decide wf-anon-1 --lease "$ALICE1" correct \
    --payload - <fix.json
expect_out "decision 2: correct wf-anon-1"
expect_exit 0 "$HITL" show wf-anon-1 --json
jq_ok "the stored correction" \
    '.state == "decided" and .history[0].action == "correct" and
    .history[0].payload.added[0] == {"start": 4, "end": 6,
    "entity_type": "LOCATION"} and .history[0].payload.spans[1].entity_type
    == "ORGANIZATION"'
expect_exit 0 "$HITL" show wf-anon-1
expect_out "correct by alice"

# --- a lost lease --------------------------------------------------------------------

expect_exit 0 hitl_as bob next --json
expect_eq "bob's second item" "$(jq -r .item.id "$T/out")" wf-out-2
BOB2=$(jq -r .lease.id "$T/out")
at 901
expect_exit 0 hitl_as alice next --json
expect_eq "alice takes the expired claim" "$(jq -r .item.id "$T/out")" wf-out-2
ALICE2=$(jq -r .lease.id "$T/out")
[ "$ALICE2" -gt "$BOB2" ] || fail "a new claim needs a new lease id"
expect_exit 69 hitl_as bob decide wf-out-2 --lease "$BOB2" approve
expect_err "item wf-out-2: your claim expired at 2027-01-15T08:15:00Z and alice took it"
expect_exit 69 hitl_as bob decide wf-out-2 --lease "$BOB2" correct \
    --payload '{"labels": ["ok"], "flags": [{"verdict": "overturned"}, {"verdict": "overturned"}]}'
expect_err "took it"
expect_eq "nothing recorded for bob" "$(decisions)" 2
expect_exit 0 "$HITL" show wf-out-2 --json
jq_ok "alice still holds wf-out-2" \
    --argjson l "$ALICE2" '.state == "claimed" and .claim.holder == "alice"
    and .claim.lease == $l and (.history | length) == 0'
# A lease that is not the current one is refused too.
expect_exit 69 hitl_as alice decide wf-out-2 --lease "$BOB2" approve
expect_err "lease $BOB2 is bob's, not yours"

expect_exit 65 hitl_as alice decide wf-out-2 --lease "$ALICE2" correct \
    --payload '{"labels": ["bias.sex"], "flags": [{"verdict": "confirmed"}, {"verdict": "overturned"}]}'
expect_err "\"bias.sex\" is not a label"
expect_exit 0 hitl_as alice decide wf-out-2 --lease "$ALICE2" correct \
    --payload '{"text": "Hire the best candidate.", "labels": ["bias.gender"], "flags": [{"verdict": "confirmed"}, {"verdict": "overturned"}]}'

# --- comment and skip ---------------------------------------------------------------

expect_exit 0 hitl_as bob decide wf-out-3 comment --note "same as ticket 4411"
expect_out "comment wf-out-3"
expect_exit 65 hitl_as bob decide wf-out-3 comment
expect_err "comment needs a payload"
expect_eq "a comment moves nothing" "$(sql "SELECT state FROM items
    WHERE ext_id = 'wf-out-3'")" queued

expect_exit 0 hitl_as bob next --json
expect_eq "bob's third item" "$(jq -r .item.id "$T/out")" wf-out-3
expect_exit 0 hitl_as bob decide wf-out-3 --lease "$(jq -r .lease.id "$T/out")" \
    skip --note "need a second opinion"
expect_exit 0 hitl_as bob next --json
expect_eq "bob does not get his skip back" "$(jq -r .item.id "$T/out")" wf-anon-2
BOB_ANON2=$(jq -r .lease.id "$T/out")
expect_exit 69 hitl_as bob next
expect_err "nothing to review"
expect_exit 0 hitl_as carol next --json
expect_eq "carol does get it" "$(jq -r .item.id "$T/out")" wf-out-3
expect_exit 0 hitl_as carol release wf-out-3 --lease "$(jq -r .lease.id "$T/out")"

# --- undo ---------------------------------------------------------------------------------

expect_exit 0 hitl_as bob undo
expect_out "undid skip of wf-out-3 (decision 5); lease "
expect_out "until 2027-01-15T08:30:01Z"
expect_exit 0 "$HITL" show wf-out-3 --json
jq_ok "wf-out-3 after undo" \
    '.state == "claimed" and .claim.holder == "bob" and
    .history[-1].action == "undo" and .history[-1].undoes == 5 and
    .history[-2].undone_by == .history[-1].decision'
UNDO_LEASE=$(jq .claim.lease "$T/out")
# Again: the comment, which brings nothing back.
expect_exit 0 hitl_as bob undo --json
jq_ok "second undo" \
    '.action == "comment" and .item == "wf-out-3" and .lease == null'
# Again: the approve of wf-out-1, which comes back to bob.
expect_exit 0 hitl_as bob undo --json
jq_ok "third undo" \
    '.action == "approve" and .item == "wf-out-1" and .undone == 1 and
    .lease.holder == "bob"'
UNDO1=$(jq .lease.id "$T/out")
expect_exit 0 "$HITL" show wf-out-1 --json
jq_ok "wf-out-1 is back" \
    '.state == "claimed" and .claim.holder == "bob"'
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$UNDO1" approve
expect_exit 69 hitl_as dana undo
expect_err "nothing to undo"
# alice's correction is not bob's to withdraw.
expect_exit 0 hitl_as bob undo --json
jq_ok "bob's undo takes his own latest" \
    '.item == "wf-out-1"'
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$(jq .lease.id "$T/out")" approve

# --- release ------------------------------------------------------------------------------

expect_exit 69 hitl_as bob release wf-out-3 --lease 9999
expect_err "lease 9999 is not a claim on this item"
expect_exit 0 hitl_as bob release wf-out-3 --lease "$UNDO_LEASE"
expect_out "released wf-out-3"
expect_exit 64 hitl_as bob release wf-out-3
expect_err "usage: hitl release"

# --- takeover -----------------------------------------------------------------------------

expect_exit 77 hitl_as bob takeover wf-anon-2
expect_err "bob is a reviewer and may not take over"
expect_exit 77 hitl_as erin takeover wf-anon-2
expect_exit 0 "$HITL" --reviewer carol takeover --json wf-anon-2
jq_ok "takeover --json" \
    '.holder == "carol" and .expires == "2027-01-15T08:30:01Z"'
CAROL2=$(jq .id "$T/out")
[ "$CAROL2" -gt "$BOB_ANON2" ] || fail "the takeover needs a new lease id"
expect_exit 69 hitl_as bob decide wf-anon-2 --lease "$BOB_ANON2" approve
expect_err "carol took over your claim"
expect_exit 69 hitl_as carol takeover wf-anon-2
expect_err "not held by anyone else"
expect_exit 0 "$HITL" audit log --item wf-anon-2 --json
jq -s -e 'map(select(.event == "takeover")) | length == 1 and
    .[0].actor == "carol" and .[0].data.from == "bob"' "$T/out" >/dev/null ||
    fail "no takeover event in the log" "$T/out"

# The time spent is measured from the claim: 42 s after the takeover.
at 943
expect_exit 0 hitl_as carol decide wf-anon-2 --lease "$CAROL2" approve
expect_exit 0 "$HITL" show wf-anon-2 --json
jq_ok "spent_ms" \
    '.history[-1].spent_ms == 42000 and .history[-1].reviewer == "carol"
    and .history[-1].at == "2027-01-15T08:15:43Z"'

# --- shifts -----------------------------------------------------------------------------------

at 3600
expect_exit 0 hitl_as bob shift end --note "wf-out-3 needs legal eyes"
expect_out "shift 1  bob  2027-01-15T08:00:00Z .. 2027-01-15T09:00:00Z"
expect_out "hand-off: wf-out-3 needs legal eyes"
expect_exit 69 hitl_as bob shift end
expect_err "no open shift"
expect_exit 64 hitl_as bob shift start --note "x"
expect_exit 0 hitl_as dana shift start
expect_out "open for dana"
expect_exit 0 hitl_as bob shifts --json
expect_eq "shifts, newest first" "$(jq -s -c 'map(.reviewer)' "$T/out")" \
    '["dana","carol","alice","bob"]'
jq -s -e '.[3].counts == {"approve": 1} and .[3].note ==
    "wf-out-3 needs legal eyes" and .[3].ended_at == "2027-01-15T09:00:00Z"
    and .[0].ended_at == null' "$T/out" >/dev/null ||
    fail "bob's ended shift" "$T/out"
expect_exit 0 hitl_as bob shifts --reviewer bob --json
expect_eq "bob's shifts" "$(jq -s length "$T/out")" 1
expect_exit 0 hitl_as bob shifts
expect_out "hand-off: wf-out-3 needs legal eyes"

# --- the audit log ------------------------------------------------------------------------

EVENTS=$(sql "SELECT count(*) FROM audit")
expect_exit 0 "$HITL" audit verify
expect_no_err
expect_out "audit chain verified: $EVENTS events, head $(sql "SELECT hash
    FROM audit ORDER BY seq DESC LIMIT 1")"
expect_exit 0 "$HITL" audit verify --json
jq_ok "audit verify --json" \
    --argjson n "$EVENTS" '.events == $n and (.head | length) == 64'
HEAD=$(jq -r .head "$T/out")
expect_exit 0 "$HITL" audit head
expect_eq "audit head" "$(cat "$T/out")" "$HEAD"
expect_exit 0 "$HITL" audit log --item wf-out-2 --json
expect_eq "wf-out-2's events" "$(jq -s -c 'map(.event + ":" + .actor)' \
    "$T/out")" '["decision:alice"]'
expect_exit 0 "$HITL" audit log --item wf-out-3 --json
expect_eq "wf-out-3's events" "$(jq -s -c 'map(.event)' "$T/out")" \
    '["decision","decision","undo","undo"]'
expect_exit 64 "$HITL" audit verify --item wf-out-3

# show --json always has the item's history, empty or not (a script reading
# .history[] should not have to guess).
expect_exit 0 "$HITL" show wf-out-auto --json
jq_ok "show --json of an item without decisions has \"history\": []" \
    '.history == []'

# --- --json of the commands that report what they did -------------------------------------

expect_exit 0 "$HITL" audit head --json
jq_ok "audit head --json" --arg h "$HEAD" --argjson n "$EVENTS" \
    '.head == $h and .events == $n'
expect_exit 0 hitl_as dana shift end --json --note "over to the evening"
jq_ok "shift end --json" \
    '.reviewer == "dana" and .note == "over to the evening" and
    .ended_at == "2027-01-15T09:00:00Z" and (.shift | type) == "number"'
expect_exit 0 hitl_as dana shift start --json
jq_ok "shift start --json" '.reviewer == "dana" and .ended_at == null and
    .started_at == "2027-01-15T09:00:00Z"'
expect_exit 0 hitl_as dana next --json
ITEM=$(jq -r .item.id "$T/out")
L=$(jq .lease.id "$T/out")
expect_exit 0 hitl_as dana release --json "$ITEM" --lease "$L"
jq_ok "release --json" --arg i "$ITEM" --argjson l "$L" \
    '.item == $i and .lease == $l and .released == true'
expect_exit 0 hitl_as dana reopen --json wf-out-2 --note "second look"
jq_ok "reopen --json" '.item == "wf-out-2" and .action == "reopen" and
    .note == "second look" and (.decision | type) == "number"'

pass
