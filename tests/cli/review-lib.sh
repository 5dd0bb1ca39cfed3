#!/bin/sh
# Shared by the tests of reviews (sourced after lib.sh): a pinned clock,
# acting as a reviewer, claiming, checking JSON, a day of work.

# 2027-01-15T08:00:00Z
NOW=1800000000
HITL_NOW=$NOW
export HITL_NOW

# hitl_as WHO ARGS...: hitl acting as WHO.
hitl_as() {
	_who=$1
	shift
	HITL_REVIEWER=$_who "$HITL" "$@"
}

# at SECONDS: the clock, SECONDS after NOW.
at() {
	HITL_NOW=$((NOW + $1))
	export HITL_NOW
}

# jq_ok WHAT [JQ-OPTIONS] FILTER: $T/out satisfies the jq FILTER.
jq_ok() {
	_what=$1
	shift
	_lib_where=$_what
	jq -e "$@" "$T/out" >/dev/null || fail "$_what" "$T/out"
}

# claim WHO ITEM: WHO claims the next item, which must be ITEM; sets LEASE.
claim() {
	expect_exit 0 hitl_as "$1" next --json
	expect_eq "$1's next item" "$(jq -r .item.id "$T/out")" "$2"
	LEASE=$(jq -r .lease.id "$T/out")
}

# shift_of WHO N: WHO claims the next item N times and decides each: a
# correction with the payload "payload_for ID" prints (a function the test
# defines), or an approve where it prints nothing.
shift_of() {
	_n=0
	while [ $_n -lt "$2" ]; do
		expect_exit 0 hitl_as "$1" next --json
		_id=$(jq -r .item.id "$T/out")
		_lease=$(jq -r .lease.id "$T/out")
		_pay=$(payload_for "$_id")
		if [ -n "$_pay" ]; then
			expect_exit 0 hitl_as "$1" decide "$_id" --lease "$_lease" \
			    correct --payload "$_pay"
		else
			expect_exit 0 hitl_as "$1" decide "$_id" --lease "$_lease" \
			    approve
		fi
		_n=$((_n + 1))
	done
}

# workday POLICY: the day of work tests/cli/record.sh tells (event by
# event, in its header), on $HITL_DB under POLICY (the example policy's
# roles): made, imported, reviewed, escalated, resolved, handed off and
# exported (to sft.jsonl), the clock going from NOW to NOW + 660 s.
workday() {
	expect_exit 0 "$HITL" init --policy "$1"
	expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
	expect_exit 0 "$HITL" import "$SRCDIR/tests/data/small.jsonl"
	at 60
	claim bob wf-out-1
	expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve \
	    --note "flag is right"
	at 120
	claim bob wf-anon-1
	expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" correct \
	    --payload '{"spans": [{"verdict": "accepted"}, {"verdict": "rejected"}],
	    "note": "Zoë is a name, Zürich a place"}'
	at 180
	claim bob wf-out-2
	expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" escalate \
	    --team legal --reason legal_risk --severity high --note "hiring advice"
	at 240
	claim bob small-out-2
	expect_exit 0 hitl_as bob decide small-out-2 --lease "$LEASE" skip \
	    --note "second opinion"
	expect_exit 0 hitl_as bob undo --json
	expect_exit 0 hitl_as bob decide small-out-2 \
	    --lease "$(jq .lease.id "$T/out")" correct \
	    --payload '{"labels": ["toxicity"],
	    "flags": [{"verdict": "confirmed"}]}'
	at 300
	claim erin wf-out-3
	expect_exit 0 hitl_as erin decide wf-out-3 --lease "$LEASE" escalate \
	    --team trust-safety --reason other --severity critical \
	    --note "refund promise"
	at 360
	claim erin small-anon-1
	expect_exit 0 hitl_as erin decide small-anon-1 --lease "$LEASE" approve
	at 420
	claim bob wf-anon-2
	expect_exit 0 hitl_as bob decide wf-anon-2 --lease "$LEASE" approve
	claim bob small-out-1
	expect_exit 0 hitl_as bob decide small-out-1 --lease "$LEASE" skip
	at 480
	expect_exit 0 hitl_as carol escalation ack 1
	expect_exit 0 hitl_as dana escalation ack 2
	at 540
	expect_exit 0 hitl_as carol escalation resolve 1 reject \
	    --note "never use this"
	at 600
	expect_exit 0 hitl_as bob shift end --note "wf-out-2 went to legal"
	at 660
	expect_exit 0 hitl_as alice export --format sft -o sft.jsonl
}
