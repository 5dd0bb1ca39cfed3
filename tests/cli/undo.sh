#!/bin/sh
# Undo across shifts: a reviewer's decisions stay theirs to withdraw after the
# shift ends, within the policy's undo_window_minutes (default 1440) and
# until exported; past the window, or with a window of 0 once the shift is
# over, undo says why and a lead's reopen is the way back.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

step "a shift of decisions, ended"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve
claim bob wf-anon-1
expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" approve
at 600
expect_exit 0 hitl_as bob shift end --note "done for the morning"

step "after a break: undo reaches into the ended shift"
at 3600
expect_exit 0 hitl_as bob undo --json
jq_ok "the latest decision of the ended shift" \
    '.action == "approve" and .item == "wf-anon-1" and
    .lease.holder == "bob"'
expect_exit 0 "$HITL" show wf-anon-1 --json
jq_ok "the item is bob's again" \
    '.state == "claimed" and .claim.holder == "bob" and
    .history[-1].action == "undo"'
# The undo opened a new shift, and is recorded in it.
expect_exit 0 hitl_as bob shifts --json
expect_eq "bob's shifts" "$(jq -s 'length' "$T/out")" 2
expect_eq "the new shift is open" "$(jq -s '[.[] | select(.ended_at == null)] |
    length' "$T/out")" 1

step "repeated, it goes one further back"
expect_exit 0 hitl_as bob undo --json
jq_ok "the shift's first decision" '.item == "wf-out-1"'

step "past the window: refused, with the way out"
at 200000
expect_exit 0 hitl_as bob release wf-out-1 --lease "$(jq .lease.id "$T/out")"
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve
expect_exit 0 hitl_as bob shift end
# 1441 minutes later.
at $((200000 + 1441 * 60))
expect_exit 69 hitl_as bob undo
expect_err "nothing to undo: bob has no decision still in force from this shift or the last 1440 minutes"
expect_err "hitl reopen"
expect_eq "nothing was appended" "$(sql "SELECT count(*) FROM decisions
    WHERE action = 'undo'")" 2

step "an exported decision: refused even within the window"
at 300000
claim bob wf-anon-1
expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" approve
expect_exit 0 hitl_as alice export --format decisions -o out.jsonl
at 300060
expect_exit 77 hitl_as bob undo
expect_err "was exported already and cannot be undone"

step "undo_window_minutes 0: the shift only"
jq '.undo_window_minutes = 0' "$SRCDIR/examples/policy.json" >zero.json
expect_exit 0 hitl_as alice policy load zero.json
claim bob wf-out-2
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" approve
expect_exit 0 hitl_as bob undo --json
jq_ok "within the shift" '.item == "wf-out-2"'
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$(jq .lease.id "$T/out")" approve
expect_exit 0 hitl_as bob shift end
at 300120
expect_exit 69 hitl_as bob undo
expect_err "undo_window_minutes is 0: undo reaches no further than the shift"
expect_exit 0 "$HITL" policy show --json
jq_ok "policy show has the window" '.undo_window_minutes == 0'

step "the window is checked when the policy loads"
jq '.undo_window_minutes = 20000' "$SRCDIR/examples/policy.json" >long.json
expect_exit 65 hitl_as alice policy load long.json
expect_err "undo_window_minutes"
jq '.undo_window_minutes = "a day"' "$SRCDIR/examples/policy.json" >word.json
expect_exit 65 hitl_as alice policy load word.json
expect_err "undo_window_minutes"

expect_exit 0 "$HITL" audit verify
pass
