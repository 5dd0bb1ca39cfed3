#!/bin/sh
# Retention: the policy's retention (audit_days below the EU AI Act's 183
# refused), hitl purge with the clock (HITL_NOW) past content_days: a dry
# run that changes nothing, a run that tombstones what is due in one
# audited event, exports that skip and count the purged, and a log that
# verifies after. Items: tests/data/workflow.jsonl (wf-out-auto is decided
# by the policy at import).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

DAY=86400
jq '. + {retention: {content_days: 30, audit_days: 365}}' \
    "$SRCDIR/examples/policy.json" >retention.json
jq '. + {retention: {content_days: 30, audit_days: 100}}' \
    "$SRCDIR/examples/policy.json" >short.json
jq '. + {retention: {content_days: 0}}' \
    "$SRCDIR/examples/policy.json" >zero.json

step "the policy"
expect_exit 65 "$HITL" --db "$(newdb short)" init --policy short.json
expect_err "retention.audit_days: 100 is below 183 days, the EU AI Act's minimum"
expect_exit 65 "$HITL" --db "$(newdb zero)" init --policy zero.json
expect_err "retention.content_days: 0 would purge"

step "no retention: nothing to purge"
expect_exit 0 "$HITL" --db "$(newdb keep)" init --policy \
    "$SRCDIR/examples/policy.json"
expect_exit 0 hitl_as alice --db "$(dbof keep)" purge
expect_out "nothing to purge"

step "decided and exported"
expect_exit 0 "$HITL" init --policy retention.json
expect_exit 0 "$HITL" policy show --json
jq_ok "the retention shown" '.retention == {"content_days": 30,
    "audit_days": 365}'
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
at 60
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve \
    --note "a note to purge"
claim bob wf-anon-1
expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" correct \
    --payload '{"spans": [{"verdict": "accepted"}, {"verdict": "rejected"}],
    "note": "another note to purge"}'
expect_exit 0 hitl_as alice export --format decisions -o first.jsonl
expect_eq "first export" "$(wc -l <first.jsonl | tr -d ' ')" 2
# Decided later: not due when the others are.
at $((20 * DAY))
claim bob wf-out-2
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" approve

step "who may purge; nothing due yet"
expect_exit 77 hitl_as bob purge
at $((10 * DAY))
expect_exit 0 hitl_as alice purge --json
jq_ok "nothing due" '.tombstoned == 0 and .items == [] and .dry_run == false'

step "a dry run changes nothing"
at $((31 * DAY))
SUM=$(db_sum "$HITL_DB")
expect_exit 0 hitl_as alice purge --dry-run --json
jq_ok "what would go" '.dry_run == true and .content_days == 30 and
    ([.items[].item] | sort) == ["wf-anon-1", "wf-out-1", "wf-out-auto"]'
expect_exit 0 hitl_as alice purge --dry-run
expect_out "would purge wf-out-1 (model_output, decided)"
expect_out "dry run: 3 items last decided before"
[ "$(db_sum "$HITL_DB")" = "$SUM" ] || fail "the dry run changed the database"

step "purge"
expect_exit 0 hitl_as alice purge --json
jq_ok "purged" '.tombstoned == 3 and (.audit_event | type) == "number" and
    all(.items[]; .removed_sha256 | test("^[0-9a-f]{64}$"))'
expect_eq "content gone" "$(sql "SELECT count(*) FROM items WHERE text = ''
    AND raw = '' AND prompt IS NULL AND messages IS NULL")" 3
expect_eq "notes gone" "$(sql "SELECT count(*) FROM decisions
    WHERE payload LIKE '%to purge%'")" 0
expect_eq "the corrections' verdicts stay" "$(sql "SELECT count(*) FROM
    decisions WHERE payload LIKE '%rejected%'")" 1
expect_eq "tombstones keep kind and state" "$(sql "SELECT i.kind || ' ' ||
    i.state || ' ' || t.cause FROM tombstones t JOIN items i ON
    i.id = t.item_id WHERE i.ext_id = 'wf-out-1'")" "model_output decided retention"
expect_eq "the purge event" "$(sql "SELECT event FROM audit ORDER BY seq DESC
    LIMIT 1")" purge
expect_exit 0 hitl_as alice purge --json
jq_ok "purged once" '.tombstoned == 0'
expect_exit 69 hitl_as carol reopen wf-out-1 --note "again"
expect_err "its content was removed"

step "the log verifies"
expect_exit 0 "$HITL" audit verify
expect_out "tombstoned: 3 items"
expect_exit 0 "$HITL" audit verify --json
jq_ok "tombstoned" '.tombstoned == 3'
if only_sqlite "a purged item's text put back" "the same check, one backend"; then
	bad=$(db_copy "$HITL_DB" bad)
	sqlite3 "$bad" "UPDATE items SET text = 'back' WHERE ext_id = 'wf-out-1'"
	expect_exit 65 "$HITL" --db "$bad" audit verify
	expect_err "its items are not what audit event"
	bad2=$(db_copy "$HITL_DB" bad2)
	unguarded "$bad2" "UPDATE decisions SET payload = '{\"note\":\"x\"}'
	    WHERE id = 1"
	expect_exit 65 "$HITL" --db "$bad2" audit verify
	expect_err "decision 1 of a tombstoned item was changed"
fi

step "exports skip the purged and count them"
# (The decisions format takes decisions: the auto item is none.)
expect_exit 0 hitl_as alice export --format decisions --since all \
    -o all.jsonl
expect_eq "records" "$(jq -r .id all.jsonl 2>/dev/null | wc -l | tr -d ' ')" 1
_lib_where="all.jsonl.manifest.json"
jq -e '.skipped.purged == 2 and .records == 1' all.jsonl.manifest.json >/dev/null ||
    fail "the manifest does not count the purged" all.jsonl.manifest.json
pass
