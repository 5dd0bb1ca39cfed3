#!/bin/sh
# Minimum exposure in hitl show: values the decision does not need (spans
# triage accepted, the ranges of pii.* flags) are printed as their type,
# ⟦EMAIL_ADDRESS⟧, unless --reveal, which the audit log records (event
# reveal, with the reason) and which needs --reason when the policy says
# privacy.reveal_reason; privacy.mask "none" masks nothing.
#
# tests/data/mask.jsonl: mask-anon-1 (PERSON and PHONE_NUMBER ambiguous,
# EMAIL_ADDRESS ana.silva@example.org accepted) and mask-out-1 (a pii.leak
# flag over bob.jones@example.net).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

ANON=ana.silva@example.org
OUT=bob.jones@example.net

# reveals N: the audit log holds N reveal events.
reveals() {
	expect_exit 0 "$HITL" audit log --json
	expect_eq "reveal events" "$(jq -s '[.[] | select(.event ==
	    "reveal")] | length' "$T/out")" "$1"
}

step "masked by default"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/mask.jsonl"
expect_out "imported 2: queued 2"
expect_exit 0 hitl_as bob show mask-anon-1
expect_no_err
expect_out "| Call Ana at 555-0100 or write to ⟦EMAIL_ADDRESS⟧ today."
expect_no_out "$ANON"
expect_exit 0 hitl_as bob show mask-out-1
expect_out "| Sure: I wrote to ⟦pii.leak⟧ about your refund."
expect_no_out "$OUT"
expect_exit 0 hitl_as bob show --json mask-out-1
expect_no_out "$OUT"
jq_ok "--json says masked" '.masked == true and
    (.response | contains("⟦pii.leak⟧"))'
reveals 0

step "--reveal shows it, on record"
expect_exit 0 hitl_as bob show --reveal --reason "ticket 42" mask-anon-1
expect_out "$ANON"
expect_exit 0 hitl_as carol show --reveal --json mask-out-1
expect_out "$OUT"
jq_ok "--json says not masked" '.masked == false'
reveals 2
expect_exit 0 "$HITL" audit log --json
jq_ok "who, which item, why" -s '[.[] | select(.event == "reveal")] |
    .[0].actor == "bob" and .[0].item == "mask-anon-1" and
    .[0].data.reason == "ticket 42" and .[0].at != null and
    .[1].actor == "carol" and .[1].item == "mask-out-1" and
    .[1].data.reason == null'
expect_exit 0 "$HITL" audit log --item mask-anon-1
expect_out "reveal"
expect_exit 64 hitl_as bob show --reason "no reveal" mask-anon-1
expect_exit 0 "$HITL" audit verify

step "an item that does not exist reveals nothing"
expect_exit 66 hitl_as bob show --reveal nosuch
reveals 2

# The test's policies, with whoever runs the test as an admin (to load the
# next one).
for p in reveal-reason mask-none; do
	jq --arg me "$LOGIN" '.roles[$me] = "admin"' \
	    "$SRCDIR/tests/data/policy-$p.json" >"$p.json"
done

step "privacy.reveal_reason: a reason is required"
expect_exit 0 "$HITL" policy load reveal-reason.json
expect_exit 64 hitl_as bob show --reveal mask-out-1
expect_err "privacy.reveal_reason"
expect_no_out "$OUT"
expect_exit 64 hitl_as bob show --reveal --reason "   " mask-out-1
reveals 2
expect_exit 0 hitl_as bob show --reveal --reason "complaint 7" mask-out-1
expect_out "$OUT"
reveals 3

step "privacy.mask none: nothing is masked"
expect_exit 0 "$HITL" policy load mask-none.json
expect_exit 0 hitl_as bob show mask-anon-1
expect_out "$ANON"
expect_exit 0 hitl_as bob show --json mask-out-1
jq_ok "nothing masked" '.masked == false'
reveals 3

step "the policy keys: wrong types are refused, naming the key"
for bad in '"mask": "all"' '"mask": 1' '"reveal_reason": "yes"' \
    '"purpose": 3' '"categories": "names"' '"categories": [1]' \
    '"surprise": true'; do
	printf '{"privacy": {%s}}\n' "$bad" >bad.json
	expect_exit 65 "$HITL" policy load bad.json
	expect_err "privacy"
done
expect_exit 0 "$HITL" policy show --json
jq_ok "the privacy section in force" '.privacy.mask == "none" and
    .privacy.reveal_reason == false and .privacy.categories == []'
expect_exit 0 "$HITL" policy load reveal-reason.json
expect_exit 0 "$HITL" policy show --json
jq_ok "purpose and categories" '.privacy.reveal_reason == true and
    .privacy.purpose == "quality review of a support bot'"'"'s replies" and
    .privacy.categories == ["contact details", "names"]'
pass
