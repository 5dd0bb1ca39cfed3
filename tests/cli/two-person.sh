#!/bin/sh
# The two-person rule (the policy's two_person section): an approve or
# correction of an item it covers (a flag type, an entity type, an
# escalation severity on record) waits, pending, for a second, different
# reviewer; exports never see it alone; the first reviewer cannot confirm
# it; agreement puts it in force naming both, disagreement sends it to a
# lead's adjudication; items it does not cover are decided as before. Then
# the same across two operating-system logins, with no override of the
# reviewer's identity (needs root, useradd and setpriv; skipped otherwise).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

RULE='{"flag_types": ["toxicity"], "entity_types": ["PHONE_NUMBER"],
    "severities": ["critical"]}'
jq ".two_person = $RULE" "$SRCDIR/examples/policy.json" >tp.json ||
    bug "cannot write tp.json"

# claim_of WHO KIND ITEM, claim_type WHO TYPE ITEM: claim (review-lib.sh's)
# of the next item of that kind, or with that flag type.
claim_of() {
	expect_exit 0 hitl_as "$1" next --kind "$2" --json
	expect_eq "$1's next $2 item" "$(jq -r .item.id "$T/out")" "$3"
	LEASE=$(jq -r .lease.id "$T/out")
}
claim_type() {
	expect_exit 0 hitl_as "$1" next --type "$2" --json
	expect_eq "$1's next $2 item" "$(jq -r .item.id "$T/out")" "$3"
	LEASE=$(jq -r .lease.id "$T/out")
}

# --- the policy ---------------------------------------------------------------

step "the policy's two_person section is checked"
bad() {
	jq "$1" "$SRCDIR/examples/policy.json" >bad.json || bug "jq $1"
	expect_exit 65 "$HITL" policy load bad.json
	expect_err "$2"
}
expect_exit 0 "$HITL" init --policy tp.json
bad '.two_person = []' "two_person"
bad '.two_person = {"severities": "high"}' "two_person.severities"
bad '.two_person = {"flag_types": [1]}' "two_person.flag_types[0]"
bad '.two_person = {"entity_type": []}' "entity_type"
bad '.two_person = {"severities": ["urgent"]}' \
    'two_person.severities[0]: "urgent" is not one of the policy'"'"'s severities'
bad '.two_person = {"entity_types": ["SSN"]}' \
    'two_person.entity_types[0]: "SSN" is not one of the policy'"'"'s entity types'
expect_exit 0 "$HITL" policy show --json
jq_ok "the effective policy shows it" '.two_person.flag_types == ["toxicity"]
    and .two_person.entity_types == ["PHONE_NUMBER"]
    and .two_person.severities == ["critical"]'

# --- pending, refused, confirmed ---------------------------------------------------

step "the first decision on a covered item is pending"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
at 60
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve \
    --note "the flag is wrong"
expect_out "pending confirmation"
expect_exit 0 "$HITL" show --json wf-out-1
jq_ok "it waits in the queue" '.state == "queued"'
expect_exit 0 "$HITL" audit log --item wf-out-1 --json
jq_ok "the rule is audited" -s '[.[] | select(.event == "two_person")] |
    length == 1 and .[0].actor == "bob" and
    .[0].data.matched == "flag type toxicity"'

step "exports never see the pending decision"
expect_exit 0 hitl_as carol export --format labels --since all -o l1.jsonl
expect_eq "labels records" "$(wc -l <l1.jsonl)" 0
expect_exit 0 hitl_as carol export --format decisions --since all \
    -o d1.jsonl
jq -e -s '[.[] | select(.item == "wf-out-1")] == []' d1.jsonl >/dev/null ||
    fail "the decisions export has the pending decision" d1.jsonl

step "a non-matching item is unaffected"
claim bob wf-anon-1
expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" approve
expect_no_out "pending"
expect_exit 0 "$HITL" show --json wf-anon-1
jq_ok "decided at once" '.state == "decided" and
    ([.history[].action] == ["approve"])'

step "the first reviewer cannot confirm their own decision"
# bob is never handed wf-out-1 again (wf-out-2 is next by priority).
claim bob wf-out-2
expect_exit 0 hitl_as bob release wf-out-2 --lease "$LEASE"
expect_exit 77 hitl_as bob decide wf-out-1 --lease 1 confirm
expect_err "you cannot confirm or replace your own decision"
expect_exit 77 hitl_as bob decide wf-out-1 --lease 1 approve
expect_err "needs a second, different reviewer"

step "the second reviewer sees the pending decision and confirms it"
at 120
expect_exit 0 hitl_as erin next
expect_out "pending confirmation: bob approved wf-out-1"
expect_exit 0 hitl_as erin release wf-out-1 \
    --lease "$(sed -n 's/^lease \([0-9]*\) .*/\1/p' "$T/out")"
claim erin wf-out-1
jq_ok "next --json shows it" '.pending.reviewer == "bob" and
    .pending.action == "approve"'
expect_exit 0 hitl_as erin show --json wf-out-1
jq_ok "erin sees bob's decision" '.history | length == 1'
expect_exit 0 hitl_as erin decide wf-out-1 --lease "$LEASE" confirm
expect_no_out "pending"
expect_exit 0 "$HITL" show --json wf-out-1
jq_ok "agreement puts it in force, naming both" '.state == "decided" and
    ([.history[].action] == ["approve", "approve", "settle"]) and
    (.history[1].reviewer == "erin") and
    (.history[2].payload | .how == "agreement" and .rule == "two_person"
    and .reviewers == ["bob", "erin"])'
expect_exit 0 hitl_as carol export --format labels -o l2.jsonl
expect_eq "labels records" "$(wc -l <l2.jsonl)" 1
jq -e '.id == "wf-out-1"' l2.jsonl >/dev/null ||
    fail "the export is not wf-out-1" l2.jsonl
expect_exit 0 hitl_as carol export --format decisions -o d2.jsonl
jq -e -s '[.[] | select(.item == "wf-out-1") | .action] == ["settle"]' \
    d2.jsonl >/dev/null || fail "the decisions export" d2.jsonl

# --- disagreement ---------------------------------------------------------------

step "a second reviewer who decides differently sends it to a lead"
at 180
claim_of bob anonymization wf-anon-2
expect_exit 0 hitl_as bob decide wf-anon-2 --lease "$LEASE" approve
expect_out "pending confirmation"
claim_of erin anonymization wf-anon-2
jq_ok "erin sees bob's approve" '.pending.reviewer == "bob"'
expect_exit 0 hitl_as erin decide wf-anon-2 --lease "$LEASE" correct \
    --payload '{"spans": [{"verdict": "rejected"}]}'
expect_exit 0 hitl_as carol adjudication list
expect_out "wf-anon-2  (two_person, 2 votes)"
expect_exit 0 hitl_as alice export --format spans --since all -o s1.jsonl
jq -e -s '[.[] | select(.id == "wf-anon-2")] == []' s1.jsonl >/dev/null ||
    fail "an item in adjudication was exported" s1.jsonl
expect_exit 0 hitl_as carol adjudication show wf-anon-2 --json
ERIN=$(jq -r '.votes[] | select(.reviewer == "erin") | .decision' "$T/out")
expect_exit 0 hitl_as carol adjudication decide wf-anon-2 --choose "$ERIN"
expect_exit 0 "$HITL" show --json wf-anon-2
jq_ok "the lead settled it" '.state == "decided" and
    (.history[-1].payload | .how == "adjudication" and
    .reviewers == ["bob", "erin"])'

# --- a severity on record ----------------------------------------------------------

step "an item escalated at a listed severity needs two persons after"
at 240
claim_type erin hallucination wf-out-3
expect_exit 0 hitl_as erin decide wf-out-3 --lease "$LEASE" escalate \
    --team trust-safety --reason other --severity critical
expect_no_out "pending"
expect_exit 0 hitl_as dana escalations --json
ESC=$(jq -r 'select(.item == "wf-out-3") | .escalation' "$T/out")
expect_exit 0 hitl_as dana escalation resolve "$ESC" approve --note ok
expect_exit 0 hitl_as carol reopen wf-out-3 --note "look again"
claim_type bob hallucination wf-out-3
expect_exit 0 hitl_as bob decide wf-out-3 --lease "$LEASE" approve
expect_out "pending confirmation"
expect_exit 0 "$HITL" audit log --item wf-out-3 --json
jq_ok "what matched" -s '[.[] | select(.event == "two_person")][0].data.matched
    == "severity critical"'

step "the first reviewer may withdraw a pending decision"
expect_exit 0 hitl_as bob undo --json
jq_ok "bob's approve withdrawn, the item his again" '.item == "wf-out-3" and
    .lease.holder == "bob"'
expect_exit 0 hitl_as bob decide wf-out-3 --lease "$(jq .lease.id "$T/out")" \
    approve
expect_out "pending confirmation"
expect_exit 0 hitl_as erin next --type hallucination --json
jq_ok "erin sees the decision pending now" '.item.id == "wf-out-3" and
    .pending.reviewer == "bob" and .pending.undone_by == null'

step "the log verifies"
expect_exit 0 "$HITL" audit verify

# --- two logins ----------------------------------------------------------------

if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 ||
    ! command -v setpriv >/dev/null 2>&1; then
	echo "note: two logins need root, useradd and setpriv; not run"
	pass
fi
unset HITL_REVIEWER
chmod 755 "$T"
U1=tpa_$$
U2=tpb_$$
MADE=
tp_cleanup() {
	for _u in $MADE; do
		userdel "$_u" >/dev/null 2>&1 || true
		groupdel "$_u" >/dev/null 2>&1 || true
	done
}
trap '_rc=$?; set +e; tp_cleanup; (exit $_rc); _lib_exit' EXIT

step "two logins, no identity override"
for _u in "$U1" "$U2"; do
	useradd --no-create-home --user-group --shell /bin/sh "$_u" ||
	    fail "useradd $_u failed"
	MADE="$MADE $_u"
done
# as LOGIN CMD...: hitl with LOGIN's real uid (identity.sh's way).
as() {
	_who=$1
	shift
	setpriv --ruid="$_who" -- "$HITL" "$@"
}
jq --arg a "$U1" --arg b "$U2" ".two_person = $RULE |
    .allow_reviewer_override = false | .roles[\$a] = \"reviewer\" |
    .roles[\$b] = \"reviewer\"" "$SRCDIR/examples/policy.json" >tp2.json ||
    bug "cannot write tp2.json"
HITL_DB=$(newdb "$T/logins")
export HITL_DB
expect_exit 0 "$HITL" init --policy tp2.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
expect_exit 0 as "$U1" next --json
expect_eq "the first login's item" "$(jq -r .item.id "$T/out")" wf-out-1
expect_exit 0 as "$U1" decide wf-out-1 --lease "$(jq .lease.id "$T/out")" \
    approve
expect_out "pending confirmation"
# The override is refused: nobody becomes the second person by a flag.
expect_exit 77 setpriv --ruid="$U1" -- "$HITL" --reviewer "$U2" next
expect_exit 77 as "$U1" decide wf-out-1 --lease 1 confirm
expect_err "you cannot confirm or replace your own decision"
expect_exit 0 as "$U2" next --json
expect_eq "the second login's item" "$(jq -r .item.id "$T/out")" wf-out-1
jq_ok "the second login sees the first's" --arg a "$U1" \
    '.pending.reviewer == $a'
expect_exit 0 as "$U2" decide wf-out-1 --lease "$(jq .lease.id "$T/out")" \
    confirm
expect_exit 0 "$HITL" show --json wf-out-1
jq_ok "in force, naming both logins" --arg a "$U1" --arg b "$U2" \
    '.state == "decided" and (.history[-1].payload.reviewers == [$a, $b])'
expect_exit 0 "$HITL" audit verify
pass
