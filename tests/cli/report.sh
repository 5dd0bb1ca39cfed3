#!/bin/sh
# hitl report processing, the record of processing a privacy officer keeps,
# after record.sh's day of work: the personal data held by type agrees with
# the imported files (counted here with jq), the access with the policy
# file, the actors with the audit log, the recipients with the export runs,
# the storage with the files on disk; reviewers are refused and changed
# nothing; a word that is not a report is a usage error.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

POLICY=$SRCDIR/examples/policy.json
# jq_report WHAT [JQ-OPTIONS] FILTER: the record satisfies FILTER.
jq_report() {
	_what=$1
	shift
	_lib_where=$_what
	jq -e "$@" "$T/report.json" >/dev/null || fail "$_what" "$T/report.json"
}

INPUTS="$SRCDIR/tests/data/workflow.jsonl $SRCDIR/tests/data/small.jsonl"

step "a day of work"
workday "$POLICY"
at 700

step "reviewers may not read it"
before=$(db_sum "$HITL_DB")
expect_exit 77 hitl_as bob report processing
expect_err "bob is a reviewer and may not read the record of processing"
expect_err "a lead may"
expect_no_out ""
expect_eq "the database after a refusal" "$(db_sum "$HITL_DB")" "$before"

step "usage"
expect_exit 64 hitl_as carol report
expect_err "usage: hitl report processing"
expect_exit 64 hitl_as carol report procesing
expect_err 'did you mean "processing"?'

step "the record, as a lead"
expect_exit 0 hitl_as carol report processing --json
cp "$T/out" "$T/report.json"
jq_ok "one object" -s 'length == 1'

step "personal data: spans and pii flags as imported"
# shellcheck disable=SC2086
want=$(jq -s -c '
	([.[] | select(.spans) | .id as $id | .spans[] |
	    {type: .entity_type, source: "span", id: $id}] +
	 [.[] | select(.flags) | .id as $id | .flags[] |
	    select(.type | startswith("pii.")) |
	    {type: .type, source: "flag", id: $id}]) |
	group_by([.source, .type]) |
	map({type: .[0].type, source: .[0].source,
	    items: (map(.id) | unique | length), values: length}) |
	sort_by([.source, .type])' $INPUTS)
got=$(jq -c '.personal_data | sort_by([.source, .type])' "$T/report.json")
expect_eq "personal data held" "$got" "$want"
jq_report "spans of PERSON are held" \
    '[.personal_data[] | select(.type == "PERSON")] | length == 1'

step "access: who may act, as policy show has it"
want=$(hitl_as carol policy show --json |
    jq -c '{default_role, roles, teams, exports}')
got=$(jq -c '.access' "$T/report.json")
expect_eq "roles, teams and exports" "$got" "$want"
want=$(jq -c '[.roles | to_entries[] | "\(.key)=\(.value)"] | sort' "$POLICY")
got=$(jq -c '[.access.roles | to_entries[] | "\(.key)=\(.value)"] | sort' \
    "$T/report.json")
expect_eq "the policy file's logins and roles" "$got" "$want"

step "actors: everyone in the audit log"
expect_exit 0 hitl_as carol audit log --json
want=$(jq -s -c 'group_by(.actor) | map({actor: .[0].actor,
    events: length, first: (map(.at) | min), last: (map(.at) | max)})' \
    "$T/out")
got=$(jq -c '.actors | sort_by(.actor)' "$T/report.json")
expect_eq "actors" "$got" "$want"
jq_report "bob acted" '[.actors[] | select(.actor == "bob")] | length == 1'

step "recipients: the export runs"
expect_exit 0 hitl_as carol export --history --json
want=$(jq -s -c 'group_by([.format, .options.redact]) | map({format:
    .[0].format, redact: .[0].options.redact, runs: length,
    records: (map(.records) | add), first: (map(.at) | min),
    last: (map(.at) | max)})' "$T/out")
got=$(jq -c '.recipients | sort_by([.format, .redact])' "$T/report.json")
expect_eq "recipients" "$got" "$want"
jq_report "the day's export is there" \
    '.recipients | map(.format) | index("sft") != null'

step "storage"
jq_report "the backend" --arg b "$BACKEND" '.storage.backend == $b'
jq_report "not the shared install" '.storage.shared == false'
jq_report "the signing key" '.storage.key_id | test("^[0-9a-f]{16}$")'
expect_exit 0 hitl_as carol audit verify
expect_out "$(jq -r .storage.key_id "$T/report.json")"
jq_report "the key file's mode" '.storage.key_mode == "0600"'
if [ "$BACKEND" = sqlite ]; then
	jq_report "the database file's mode" '.storage.database_mode == "0600"'
else
	jq_report "a server's database is no file" '.storage.database_mode == null'
fi

step "purposes, retention, measures"
want=$(jq -c '{purpose: .privacy.purpose, categories: .privacy.categories}' \
    "$POLICY")
got=$(jq -c '{purpose, categories}' "$T/report.json")
expect_eq "purpose and categories, as the policy states them" "$got" "$want"
jq_report "no retention limit, nothing removed" '.retention ==
    {"content_days": null, "audit_days": null, "erase_role": "admin"} and
    .removals == []'
jq_report "the measures in force" '.measures ==
    {"export_redaction_default": "replace", "console_masking": "entities",
    "reveal_reason": false}'
# A policy with a retention schedule and masking off says so.
jq '.retention = {"content_days": 30, "audit_days": 365} |
    .privacy.mask = "none" | .privacy.reveal_reason = true' "$POLICY" \
    >retention.json
expect_exit 0 hitl_as alice policy load retention.json
expect_exit 0 hitl_as carol report processing --json
jq_ok "the schedule" '.retention.content_days == 30 and
    .retention.audit_days == 365 and .measures.console_masking == "none" and
    .measures.reveal_reason == true'
expect_exit 0 hitl_as carol report processing
expect_out "item content: 30 days after the final decision (hitl purge)"
expect_out "audit log: 365 days at least; never purged"
expect_out "the console and hitl show mask nothing (privacy.mask none)"
expect_out "a reveal needs a reason"
expect_out "exports redact personal data by default (--redact replace)"
expect_out "purpose: oversight of a support bot's replies"
expect_out "categories of personal data: contact details, names, locations"

step "the text, for a person"
expect_exit 0 hitl_as carol report processing
expect_out "record of processing activities"
expect_out "policy: support-bot oversight (example), version 2"
expect_out "span PERSON: "
expect_out "carol: lead"
expect_out "sft, redact replace: 1 run, "
expect_out "record signed, key $(jq -r .storage.key_id "$T/report.json")"

pass
