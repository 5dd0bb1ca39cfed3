#!/bin/sh
# Reviewer statistics: a scripted shift by bob, erin and frank (reviewers),
# carol and dana (leads) under the example policy; decisions by action,
# median and 90th percentile of spent_ms, overturns by reopen and by an
# escalation resolved otherwise, undos, --since, who sees which lines and a
# hostile reviewer name.
#
# Claim order of workflow.jsonl and small.jsonl: wf-out-1, wf-anon-1,
# wf-out-2, small-out-2, wf-out-3, small-anon-1, wf-anon-2, small-out-1.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

step "init and import"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl" \
    "$SRCDIR/tests/data/small.jsonl"

expect_exit 0 hitl_as carol reviewers
expect_out "no reviewer decisions yet"

# --- before the cut (--since 2027-01-15T08:01:40Z) ---------------------------
at 60
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve \
    --spent-ms 9000

# --- after it ----------------------------------------------------------------
at 120
claim bob wf-anon-1
expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" approve \
    --spent-ms 1000
claim bob wf-out-2
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" correct \
    --spent-ms 2000 --payload '{"labels": ["toxicity"],
    "flags": [{"verdict": "confirmed"}, {"verdict": "confirmed"}]}'
# A skip, undone: both count (the skip took time); the approve after it too.
claim bob small-out-2
expect_exit 0 hitl_as bob decide small-out-2 --lease "$LEASE" skip \
    --spent-ms 3000
expect_exit 0 hitl_as bob undo --json
expect_exit 0 hitl_as bob decide small-out-2 \
    --lease "$(jq .lease.id "$T/out")" approve --spent-ms 4000
# An escalation resolved as approve: nothing of bob's is overturned.
claim bob wf-out-3
expect_exit 0 hitl_as bob decide wf-out-3 --lease "$LEASE" escalate \
    --team trust-safety --reason other --severity critical --spent-ms 10000
expect_exit 0 hitl_as bob decide wf-out-1 comment --note "seen again"
at 180
expect_exit 0 hitl_as dana escalation resolve 1 approve --note "fine"

# Leads reopen two of bob's decisions; one is then escalated and resolved
# otherwise (reject): bob's approve of wf-anon-1 is overturned once.
at 240
expect_exit 0 hitl_as carol reopen wf-anon-1 --note "the phone number"
expect_exit 0 hitl_as dana reopen wf-out-2 --note "not toxic"
claim erin wf-anon-1
expect_exit 0 hitl_as erin decide wf-anon-1 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity high --spent-ms 5000
expect_exit 0 hitl_as carol escalation resolve 2 reject --note "unusable"
claim frank wf-out-2
expect_exit 0 hitl_as frank decide wf-out-2 --lease "$LEASE" approve \
    --spent-ms 8000
claim erin small-anon-1
expect_exit 0 hitl_as erin decide small-anon-1 --lease "$LEASE" approve \
    --spent-ms 6000
claim erin wf-anon-2
expect_exit 0 hitl_as erin decide wf-anon-2 --lease "$LEASE" approve \
    --spent-ms 7000
# A lead reopening a lead's resolution overturns no reviewer.
expect_exit 0 hitl_as dana reopen wf-out-3 --note "again"

# --- a lead's view: every reviewer ----------------------------------------------
step "a lead sees every reviewer"
expect_exit 0 hitl_as carol reviewers --json
expect_no_err
expect_eq "reviewers" "$(jq -r .reviewer "$T/out" | tr '\n' ' ')" \
    "bob erin frank "
jq_ok "bob" -s '.[0] == {"reviewer": "bob", "approve": 3, "correct": 1,
    "escalate": 1, "skip": 1, "items": 5, "timed": 6, "median_ms": 3500,
    "p90_ms": 9500, "overturned": 2, "reopened": 2, "resolved": 1,
    "undos": 1, "comments": 1,
    "gold_items": 0, "gold_accuracy": null, "audited": 0,
    "audit_accuracy": null, "adjudicated": 0, "peer_units": 0,
    "peer_kappa": null, "paused": false}'
jq_ok "erin" -s '.[1] == {"reviewer": "erin", "approve": 2, "correct": 0,
    "escalate": 1, "skip": 0, "items": 3, "timed": 3, "median_ms": 6000,
    "p90_ms": 6800, "overturned": 0, "reopened": 0, "resolved": 0,
    "undos": 0, "comments": 0,
    "gold_items": 0, "gold_accuracy": null, "audited": 0,
    "audit_accuracy": null, "adjudicated": 0, "peer_units": 0,
    "peer_kappa": null, "paused": false}'
jq_ok "frank" -s '.[2].approve == 1 and .[2].timed == 1 and
    .[2].median_ms == 8000 and .[2].p90_ms == 8000'
# The percentiles as Python computes them (type 7, the same as numpy's).
python3 -c '
import json, statistics, sys
got = json.loads(open(sys.argv[1]).readline())
ms = [9000, 1000, 2000, 3000, 4000, 10000]
p90 = statistics.quantiles(ms, n=10, method="inclusive")[8]
assert (got["median_ms"], got["p90_ms"]) == (statistics.median(ms), p90), got
' "$T/out" || fail "bob's percentiles are not Python's" "$T/out"

expect_exit 0 hitl_as alice reviewers
expect_no_err
expect_eq "the table's header" "$(head -n 1 "$T/out")" \
    "APPROVE  CORRECT  ESCALATE  SKIP  ITEMS  TIMED  MEDIAN   P90  OVERTURNED  REOPENED  RESOLVED  UNDOS  COMMENTS  GOLD  AUDIT  ADJUDICATED  PEER-K  PAUSED  REVIEWER"
expect_eq "bob's line" "$(sed -n 2p "$T/out")" \
    "      3        1         1     1      5      6    3.5s  9.5s           2         2         1      1         1     -      -            0       -       -  bob"
expect_eq "lines" "$(wc -l <"$T/out")" 4
expect_no_out "your own line"

# --- --since --------------------------------------------------------------------
step "--since"
expect_exit 0 hitl_as carol reviewers --since 2027-01-15T08:01:40Z --json
jq_ok "bob since the cut" -s '.[0].approve == 2 and .[0].items == 4 and
    .[0].timed == 5 and .[0].median_ms == 3000 and .[0].p90_ms == 7600 and
    .[0].overturned == 2 and .[0].comments == 1'
# The same instant with an offset.
expect_exit 0 hitl_as carol reviewers --since 2027-01-15T09:01:40+01:00 --json
jq_ok "the same with an offset" -s '.[0].approve == 2 and .[0].timed == 5'
# After the reopens: bob's decisions are out, and so are the overturns.
expect_exit 0 hitl_as carol reviewers --since 2027-01-15T08:03:59Z --json
expect_eq "reviewers since 08:03:59" \
    "$(jq -r .reviewer "$T/out" | tr '\n' ' ')" "erin frank "
expect_exit 0 hitl_as carol reviewers --since 2030-01-01T00:00:00Z
expect_out "no reviewer decisions in that time"
expect_exit 64 hitl_as carol reviewers --since yesterday
expect_err "--since: \"yesterday\" is not all or an RFC 3339 time"
expect_exit 0 hitl_as carol reviewers --since all --json
expect_eq "--since all" "$(jq -s length "$T/out")" 3

# --- a reviewer's view: their own line, said so --------------------------------
step "a reviewer sees their own line"
expect_exit 0 hitl_as erin reviewers
expect_eq "lines" "$(wc -l <"$T/out")" 3
expect_out "  erin"
expect_no_out "bob"
expect_out "erin: your own line only; leads and admins see every reviewer's"
expect_exit 0 hitl_as erin reviewers --json
expect_eq "erin's JSON" "$(jq -r .reviewer "$T/out")" "erin"
expect_err "hitl reviewers: erin: your own line only"
# Someone without decisions gets a line of zeros, not someone else's.
expect_exit 0 hitl_as grace reviewers --json
jq_ok "grace" '.reviewer == "grace" and .approve == 0 and .timed == 0 and
    .median_ms == null and .p90_ms == null'

# --- a hostile name, as a damaged or forged record could hold -------------------
step "a hostile reviewer name"
EVIL=$(printf 'mallory\033]0;pwned\007\033[2J')
sql "INSERT INTO decisions (item_id, action, reviewer, policy_version,
    decided_at, audit_seq) SELECT id, 'approve', '$EVIL', 1,
    '2027-01-15T09:00:00Z', 999 FROM items WHERE ext_id = 'small-out-1'"
expect_exit 0 hitl_as carol reviewers
expect_out "  mallory^[]0;pwned^G^[[2J"
ESC=$(printf '\033')
expect_no_out "$ESC"
expect_exit 0 hitl_as carol reviewers --json
expect_no_out "$ESC"
# The JSON parses to the stored name; its spent_ms was NULL: not timed.
jq_ok "mallory" -s --arg n "$EVIL" '.[3].reviewer == $n and
    .[3].approve == 1 and .[3].timed == 0 and .[3].median_ms == null'

expect_exit 64 hitl_as carol reviewers extra
expect_exit 0 "$HITL" help reviewers
expect_out "usage: hitl reviewers [--since TIME] [--json]"
pass
