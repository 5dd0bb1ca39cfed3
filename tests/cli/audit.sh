#!/bin/sh
# hitl audit verify|head|log after a day of work, and tampering with the
# database past its guards (the sqlite3 shell on the file, the server's
# superuser): an edited, a deleted and two reordered records are each
# caught, on a copy of their own, and the broken event is named. On
# PostgreSQL, the reviewers' role may not change the record at all.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# --- a day of work -------------------------------------------------------------------

step "the day's work"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" approve \
    --note "flag is right"
claim alice wf-anon-1
expect_exit 0 hitl_as alice decide wf-anon-1 --lease "$LEASE" correct \
    --payload '{"spans": [{"verdict": "accepted"}, {"verdict": "rejected"}]}'
claim bob wf-out-2
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity high
expect_exit 0 hitl_as bob undo
expect_exit 0 hitl_as bob decide wf-out-2 \
    --lease "$(sql "SELECT lease_id FROM items WHERE ext_id = 'wf-out-2'")" \
    escalate --team legal --reason legal_risk --severity critical
claim bob wf-out-3
expect_exit 0 hitl_as carol takeover wf-out-3
expect_exit 0 hitl_as bob shift end --note "bye"
expect_exit 0 hitl_as carol escalation ack 2
expect_exit 0 hitl_as carol escalation resolve 2 reject

# --- verify, head, log ----------------------------------------------------------------

EVENTS=$(sql "SELECT count(*) FROM audit")
LAST=$(sql "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
expect_exit 0 "$HITL" audit verify
expect_no_err
expect_out "audit chain verified: $EVENTS events, head $LAST"
expect_exit 0 "$HITL" audit head
expect_eq "audit head" "$(cat "$T/out")" "$LAST"
expect_exit 0 "$HITL" audit log --json
expect_eq "events logged" "$(jq -s length "$T/out")" "$EVENTS"
expect_eq "event types" "$(jq -s -c 'map(.event) | unique' "$T/out")" \
    '["decision","escalation_ack","import","policy_load","resolution","shift_end","shift_start","signing_key","takeover","undo"]'
jq -s -e '[.[].seq] == [range(1; length + 1)] and
    (map(.hash | length == 64) | all)' "$T/out" >/dev/null ||
    fail "events in order, each with its hash" "$T/out"
expect_exit 0 "$HITL" audit log --reviewer carol --json
expect_eq "carol's events" "$(jq -s -c 'map(.event)' "$T/out")" \
    '["shift_start","takeover","escalation_ack","resolution"]'
expect_exit 0 "$HITL" audit log --item wf-out-2
expect_out "decision"
expect_out "undo"

# The append-only guards stand in the database itself: they refuse its
# owner too (on PostgreSQL TRUNCATE as well).
GUARDED="UPDATE decisions SET payload = '{}' WHERE id = 1
DELETE FROM decisions WHERE id = 1
UPDATE audit SET actor = 'mallory' WHERE seq = 1
DELETE FROM audit WHERE seq = 1"
[ "$BACKEND" = sqlite ] || GUARDED="$GUARDED
UPDATE policies SET body = '{}'
DELETE FROM policies
TRUNCATE decisions CASCADE
TRUNCATE audit CASCADE
TRUNCATE policies"
while read -r q; do
	_lib_where="refused: $q"
	if sql "$q" >"$T/out" 2>"$T/err"; then
		fail "the database's owner was allowed to run: $q"
	fi
	expect_err "append-only"
done <<EOF
$GUARDED
EOF
expect_exit 0 "$HITL" audit verify
expect_out "$EVENTS events"

# Closed databases are whole files: no write-ahead log is left to copy.
! only_sqlite "the write-ahead log" "a server's database is no file" ||
    [ ! -e "$HITL_DB-wal" ] || fail "the write-ahead log outlived hitl"

# tampered NAME SQL: a copy of the database, $NAME (its name), with SQL run
# on it past the guards.
tampered() {
	_lib_where="tampering with $1: $2"
	_c=$(db_copy "$HITL_DB" "$1")
	eval "$1=\$_c"
	unguarded "$_c" "$2" >/dev/null || fail "the database refused: $2"
}

# --- (a) an edited decision --------------------------------------------------------

SEQ1=$(sql "SELECT audit_seq FROM decisions WHERE id = 1")
tampered edited "UPDATE decisions SET payload = '{\"note\":\"flag is wrong\"}'
    WHERE id = 1"
expect_exit 65 "$HITL" --db "$edited" audit verify
expect_err "audit event $SEQ1: decision 1 was changed after it was recorded"
[ ! -s "$T/out" ] || fail "verify printed a result" "$T/out"

# --- (b) a deleted decision ------------------------------------------------------------

SEQ2=$(sql "SELECT audit_seq FROM decisions WHERE id = 2")
tampered deleted "DELETE FROM decisions WHERE id = 2"
expect_exit 65 "$HITL" --db "$deleted" audit verify
expect_err "audit event $SEQ2: decision 2 is missing (deleted after it was recorded)"

# --- (c) two events reordered ----------------------------------------------------------

tampered reordered "UPDATE audit SET seq = -1 WHERE seq = 6;
    UPDATE audit SET seq = 6 WHERE seq = 5;
    UPDATE audit SET seq = 5 WHERE seq = -1"
expect_exit 65 "$HITL" --db "$reordered" audit verify
expect_err "audit event 5 does not link to event 4"

# --- (d) the last event deleted: the chain holds, the decisions do not ---------------

# Its signature left behind gives it away at once.
tampered cut "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"
expect_exit 65 "$HITL" --db "$cut" audit verify
expect_err "holds a signature of event $EVENTS, which the log does not have"

expect_eq "the last event" "$(sql "SELECT event FROM audit
    ORDER BY seq DESC LIMIT 1")" resolution
# With it gone too, the chain ends on a signed event; the decisions don't.
tampered truncated "DELETE FROM audit_signatures
    WHERE seq = (SELECT max(seq) FROM audit);
    DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"
expect_exit 65 "$HITL" --db "$truncated" audit verify
expect_err "the decisions table holds $(sql "SELECT count(*) FROM decisions") decisions"
# The head published earlier no longer matches either.
expect_exit 0 "$HITL" --db "$truncated" audit head
[ "$(cat "$T/out")" != "$LAST" ] || fail "the head did not change"

# --- (e) an event's actor changed -------------------------------------------------------

TAKEOVER=$(sql "SELECT seq FROM audit WHERE event = 'takeover'")
tampered actor "UPDATE audit SET actor = 'bob' WHERE seq = $TAKEOVER"
expect_exit 65 "$HITL" --db "$actor" audit verify
expect_err "audit event $TAKEOVER: its actor column was changed"

# --- an event's body changed ------------------------------------------------------------

# (The payload itself is in the body as its hash: the action is in clear.)
BODY_SEQ=$(sql "SELECT audit_seq FROM decisions WHERE payload LIKE '%critical%'")
tampered body "UPDATE audit SET body = replace(body, '\"action\":\"escalate\"',
    '\"action\":\"approve\"') WHERE seq = $BODY_SEQ"
expect_exit 65 "$HITL" --db "$body" audit verify
expect_err "audit event $BODY_SEQ (decision) was changed after it was recorded"

# A guard disabled is named, even where nothing was changed.
guardless=$(db_copy "$HITL_DB" guardless)
drop_guard "$guardless" decisions_no_update
expect_exit 65 "$HITL" --db "$guardless" audit verify
expect_err "the append-only guard decisions_no_update was removed"

# The original is untouched by all this.
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified: $EVENTS events, head $LAST"

# The role reviewers connect as (hitl init --grant) may not even try: the
# server refuses for want of the privilege, and hitl works as that role.
if [ "$BACKEND" = postgresql ]; then
	step "the reviewers' role"
	REVIEWERS=$(newrole reviewers)
	expect_exit 0 "$HITL" init --grant "$REVIEWERS"
	while read -r q; do
		_lib_where="refused to the reviewers' role: $q"
		if sql_as "$REVIEWERS" "$HITL_DB" "$q" >"$T/out" 2>"$T/err"
		then
			fail "the reviewers' role was allowed to run: $q"
		fi
		expect_err "permission denied"
	done <<EOF
$GUARDED
UPDATE audit_signatures SET signature = 'x'
DELETE FROM exports
TRUNCATE exports
EOF
	AS_REVIEWERS="$HITL_DB&user=$REVIEWERS"
	AS_REVIEWERS=$(echo "$AS_REVIEWERS" | sed "s/&user=$HITL_PG_USER//")
	expect_exit 0 hitl_as bob --db "$AS_REVIEWERS" decide wf-out-1 comment \
	    --note "as the reviewers' role"
	expect_exit 0 "$HITL" --db "$AS_REVIEWERS" audit verify
	EVENTS=$(sql "SELECT count(*) FROM audit")
	LAST=$(sql "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
	expect_out "audit chain verified: $EVENTS events, head $LAST"
fi

pass
