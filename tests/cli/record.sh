#!/bin/sh
# The record's integrity tried as an attacker would (issue 10): a realistic
# day of work, then, each on a copy of its own (the database and its key, as
# a backup copies them), the sqlite3 shell (on PostgreSQL, the server's
# superuser) and Python's standard library against it. The forgery of the
# issue recomputed in full, the published key and head, every table verify
# covers, the key file, a database made before signing (SQLite's), and the
# test clock.
#
# Checks that find a hole report it with bug() and go on, so that one run
# names every hole; the test then fails at its end.
#
# The day (example policy: alice admin, carol and dana leads, bob and erin
# reviewers; legal is carol's team, trust-safety dana's):
#   decision 1  bob approves wf-out-1            (event 6)
#   decision 2  bob corrects wf-anon-1's spans   (event 7)
#   decision 3  bob escalates wf-out-2 to legal  (event 8; escalation 1)
#   decisions 4-6  bob skips small-out-2, undoes it, corrects its labels
#   decision 7  erin escalates wf-out-3 to trust-safety (escalation 2)
#   decisions 8-10  erin approves small-anon-1, bob wf-anon-2, skips small-out-1
#   carol and dana acknowledge; decision 11 carol resolves escalation 1 reject
#   bob ends shift 1 with a note; alice exports sft (export run 1, event 22)
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

FORGE=$SRCDIR/tests/cli/record-forge.py
forge() {
	python3 "$FORGE" "$@"
}

# key_id KEY.pem: the id hitl gives a key, the first 8 bytes of SHA-256 of
# its raw public key (the last 32 bytes of its DER form).
key_id() {
	openssl pkey -in "$1" -pubout -outform DER | tail -c 32 | sha256sum |
	    cut -c 1-16
}

# attack DB SQL: SQL run on DB as its owner would, past hitl: the sqlite3
# shell on the file; on a server, its superuser with no guard firing
# (unguarded), where each guard the SQL drops (DROP TRIGGER GUARD) is
# disabled instead, as drop_guard does, and stays so.
attack() {
	_lib_where="attacking $1: $2"
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 -batch "$1" "$2"
	else
		unguarded "$1" "$(printf '%s\n' "$2" | sed 's/DROP TRIGGER \([a-z_]*\)_no_\([a-z]*\)/ALTER TABLE \1 DISABLE TRIGGER \1_no_\2/g')"
	fi >"$T/out" 2>"$T/err" || fail "the database refused: $2" "$T/err"
}

# catches DB WHAT TEXT [VERIFY-ARGS...]: hitl audit verify of DB exits 65
# and its message has TEXT (alternatives separated by "|"; empty: any
# message); otherwise a bug is reported and the test goes on.
catches() {
	_n=$1
	_what=$2
	_text=$3
	shift 3
	_lib_where="verify catches: $_what"
	_rc=0
	"$HITL" --db "$_n" audit verify "$@" >"$T/out" 2>"$T/err" ||
	    _rc=$?
	if [ "$_rc" -ne 65 ]; then
		bug "$_what: audit verify${*:+ $*} exited $_rc, not 65" \
		    "$T/out" "$T/err"
		return 0
	fi
	[ -n "$_text" ] || return 0
	_found=
	_rest=$_text
	while [ -n "$_rest" ]; do
		_alt=${_rest%%|*}
		if [ "$_alt" = "$_rest" ]; then
			_rest=
		else
			_rest=${_rest#*|}
		fi
		! grep -F -q -e "$_alt" "$T/err" || _found=1
	done
	[ -n "$_found" ] ||
	    bug "$_what: audit verify did not name \"$_text\"" "$T/err"
}

# verifies DB [VERIFY-ARGS...]: hitl audit verify of DB passes.
verifies() {
	_n=$1
	shift
	expect_exit 0 "$HITL" --db "$_n" audit verify "$@"
}

HAVE_ED25519=
printf x >probe.txt
if openssl genpkey -algorithm ed25519 -out probe.pem 2>/dev/null &&
    openssl pkeyutl -sign -rawin -inkey probe.pem -in probe.txt \
    -out /dev/null 2>/dev/null; then
	HAVE_ED25519=1
fi
rm -f probe.pem probe.txt

# --- a day of work -----------------------------------------------------------------

step "the day's work"
workday "$SRCDIR/examples/policy.json"

step "the day's record"
expect_eq "the day's events" "$(sql "SELECT group_concat(event, ' ') FROM
    (SELECT event FROM audit ORDER BY seq) AS e")" "$(echo policy_load \
    signing_key import import shift_start decision decision decision \
    decision undo decision shift_start decision decision decision decision \
    escalation_ack escalation_ack shift_start resolution shift_end export)"
expect_eq "decision 2" "$(sql "SELECT action || ' ' || reviewer || ' ' ||
    audit_seq FROM decisions WHERE id = 2")" "correct bob 7"
expect_eq "escalation 1" "$(sql "SELECT state || ' ' || outcome || ' ' ||
    resolved_by FROM escalations WHERE id = 1")" "resolved reject carol"
expect_eq "bob's shift" "$(sql "SELECT counts FROM shifts WHERE id = 1")" \
    '{"approve":2,"correct":2,"escalate":1,"skip":1}'
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified: 22 events"
expect_out "every write signed by key"
KEYID=$(sql "SELECT value FROM meta WHERE key = 'signing_key'")
expect_out "signed by key $KEYID (from the key file)"
! only_sqlite "the write-ahead log" "a server's database is no file" ||
    [ ! -e "$HITL_DB-wal" ] || fail "the write-ahead log outlived hitl"
# Published before anything happens to the file: the key and the head.
expect_exit 0 "$HITL" audit key
cp "$T/out" PUB.pem
HEAD0=$(sql "SELECT hash FROM audit WHERE seq = 22")
expect_exit 0 "$HITL" audit head
expect_eq "the published head" "$(cat "$T/out")" "$HEAD0"

# The attacker's tool computes the chain exactly as hitl does: run over the
# untouched file, it changes no hash and no signature goes bad.
same=$(db_copy "$HITL_DB" same)
forge rechain "$same" >forge.json
expect_eq "the chain recomputed in Python" "$(jq -r .head forge.json)" "$HEAD0"
expect_eq "hashes recomputed" "$(sql_on "$same" "SELECT group_concat(hash)
    FROM (SELECT hash FROM audit ORDER BY seq) AS e")" \
    "$(sql "SELECT group_concat(hash) FROM (SELECT hash FROM audit
    ORDER BY seq) AS e")"
verifies "$same" --key PUB.pem
expect_out "audit chain verified: 22 events, head $HEAD0"

# --- 1. the forgery of the issue --------------------------------------------------

# Drop the guards; make the lead's resolution an approve (her decision's
# payload and the escalation); delete bob's own correction and its event
# (and what it changed: the item's state, his shift's counts); make bob an
# admin in the policy (and its SHA-256); then recompute the whole chain:
# events renumbered, bodies rewritten, decisions' audit_seq, the export's
# head, every hash.
FORGERY="DROP TRIGGER decisions_no_update; DROP TRIGGER decisions_no_delete;
    DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
    DROP TRIGGER audit_signatures_no_delete; DROP TRIGGER policies_no_update;
    UPDATE escalations SET outcome = 'approve' WHERE id = 1;
    UPDATE decisions SET payload = json_set(payload, '\$.outcome', 'approve')
        WHERE id = 11;
    DELETE FROM audit_signatures WHERE seq = 7;
    DELETE FROM audit WHERE seq = 7;
    DELETE FROM decisions WHERE id = 2;
    UPDATE items SET state = 'queued' WHERE ext_id = 'wf-anon-1';
    UPDATE shifts SET counts = replace(counts, '\"correct\":2',
        '\"correct\":1') WHERE id = 1;
    UPDATE policies SET body = replace(body, '\"bob\": \"reviewer\"',
        '\"bob\": \"admin\"') WHERE version = 1"

step "the forgery"
forged=$(db_copy "$HITL_DB" forged)
attack "$forged" "$FORGERY"
forge rechain "$forged" >forge.json
# It took: seen through hitl, bob is an admin, the lead approved, and bob's
# correction never happened.
expect_exit 0 hitl_as bob --db "$forged" policy show --json
jq_ok "bob made admin" '.roles.bob == "admin"'
expect_exit 0 "$HITL" --db "$forged" show wf-out-2 --json
jq_ok "the resolution made an approve" \
    '.history[-1].action == "resolve" and .history[-1].payload.outcome == "approve"'
expect_exit 0 "$HITL" --db "$forged" show wf-anon-1 --json
jq_ok "bob's correction gone" '.state == "queued" and .history == []'
expect_eq "events after the forgery" "$(sql_on "$forged" "SELECT count(*)
    FROM audit")" 21
# The first signature the rewrite broke is the first write's (the policy
# load is event 1): the signing key event, 2.
expect_eq "first broken signature" "$(jq -c .first_bad forge.json)" \
    '{"seq":2,"event":"signing_key"}'
catches "$forged" "the forgery" \
    "audit event 2 (signing_key) is badly signed"
catches "$forged" "the forgery, with --key" \
    "audit event 2 (signing_key) is badly signed" --key PUB.pem
[ ! -s "$T/out" ] || bug "verify of the forgery printed a result" "$T/out"

# The same forgery confined to the end of the log (only the resolution
# changed), keeping the signatures that still hold and dropping those that
# do not: the first event no signature covers is named.
step "the forgery after the last good signature"
tail=$(db_copy "$HITL_DB" tail)
attack "$tail" "DROP TRIGGER decisions_no_update;
    UPDATE escalations SET outcome = 'approve' WHERE id = 1;
    UPDATE decisions SET payload = json_set(payload, '\$.outcome', 'approve')
        WHERE id = 11"
forge rechain "$tail" --signatures drop-changed >forge.json
expect_eq "signatures left" "$(sql_on "$tail" "SELECT max(seq) FROM
    audit_signatures")" 18
catches "$tail" "the forged tail" "audit event 19 (shift_start) is unsigned"
catches "$tail" "the forged tail, with --key" \
    "audit event 19 (shift_start) is unsigned" --key PUB.pem

# The next honest write would sign a head whose hash covers the forged,
# unsigned events, laundering them: hitl sees the log does not end on an
# event it signed, and refuses to write at all.
step "the forged tail, then an honest write"
at 700
expect_exit 65 hitl_as erin --db "$tail" shift end --note "bye"
expect_err "which hitl did not sign"
expect_err "Nothing was written"
catches "$tail" "the forged tail after the next honest write" \
    "audit event 19" --key PUB.pem

# (a) Signatures and the signing key's event and record deleted, the chain
# recomputed: the log claims to have been made before signing.
step "(a) the forgery, claiming the log was made before signing"
unsigned=$(db_copy "$HITL_DB" unsigned)
attack "$unsigned" "$FORGERY"
attack "$unsigned" "DELETE FROM audit WHERE event = 'signing_key';
    DELETE FROM meta WHERE key = 'signing_key'"
forge rechain "$unsigned" --signatures drop >forge.json
catches "$unsigned" "(a) with --key" "no event of the log is signed" \
    --key PUB.pem
# Without the key, all verify can say is that nothing is signed.
_rc=0
"$HITL" --db "$unsigned" audit verify >"$T/out" 2>"$T/err" || _rc=$?
if [ "$_rc" -eq 0 ]; then
	expect_out "signatures: none (the log was made before signing)"
	expect_no_out "every write signed"
elif [ "$_rc" -ne 65 ]; then
	fail "(a) without --key: audit verify exited $_rc" "$T/out" "$T/err"
fi
# The next honest write puts the key beside the database on record as if
# the log had just been upgraded; but the published key says it signs from
# event 1, so verify --key still fails.
at 700
expect_exit 0 hitl_as erin --db "$unsigned" shift end --note "bye"
catches "$unsigned" "(a) after the next honest write" \
    "signs this log from event 1, but its signatures start at" --key PUB.pem

# (b) The key beside the database replaced with the attacker's, everything
# re-signed with it (and its public half put on record).
if [ -n "$HAVE_ED25519" ]; then
	step "(b) the forgery, re-signed with the attacker's key"
	resigned=$(db_copy "$HITL_DB" resigned)
	attack "$resigned" "$FORGERY"
	EVILKEY=$(keyfile "$resigned")
	rm "$EVILKEY"
	openssl genpkey -algorithm ed25519 -out "$EVILKEY" 2>/dev/null
	chmod 600 "$EVILKEY"
	EVIL=$(key_id "$EVILKEY")
	forge rechain "$resigned" --sign "$EVILKEY" >forge.json
	# Checked with the key beside it, a fully re-signed log is the
	# attacker's to make: that is what a published key is for.
	verifies "$resigned"
	expect_out "signed by key $EVIL (from the key file)"
	expect_exit 0 "$HITL" --db "$resigned" audit key
	cmp -s "$T/out" PUB.pem && fail "audit key printed the published key"
	catches "$resigned" "(b) with --key" \
	    "audit event 2 (signing_key) is badly signed" --key PUB.pem
else
	echo "SKIP: $TEST_NAME: (b): openssl cannot sign with Ed25519" \
	    "(genpkey -algorithm ed25519, pkeyutl -sign -rawin)" >&2
fi

# --- 2. --expect: a head published earlier ---------------------------------------

step "--expect"
more=$(db_copy "$HITL_DB" more)
at 700
expect_exit 0 hitl_as dana --db "$more" shift start
expect_exit 0 "$HITL" --db "$more" audit head --json
jq_ok "the head to publish" '.events == 23'
HEAD1=$(jq -r .head "$T/out")
at 760
expect_exit 0 hitl_as frank --db "$more" shift start
verifies "$more" --expect "$HEAD1"
expect_out "published head: found at event 23"
verifies "$more" --expect "$HEAD0" --key PUB.pem --json
jq_ok "an older head" '.expected_head_at == 22 and .events == 24 and
    .key_from == "--key"'

# Cut back to before the head (the last two writes and their rows gone):
# nothing else in the file can tell.
cut=$(db_copy "$more" cut)
attack "$cut" "DROP TRIGGER audit_no_delete;
    DROP TRIGGER audit_signatures_no_delete;
    DELETE FROM audit_signatures WHERE seq >= 23;
    DELETE FROM audit WHERE seq >= 23;
    DELETE FROM shifts WHERE id >= 4"
# Left like this, the dropped guards give it away...
catches "$cut" "the guards dropped" "append-only guard audit_no_delete was removed"
# ...but a careful attacker puts them back.
forge guards "$cut"
verifies "$cut"
expect_out "audit chain verified: 22 events, head $HEAD0"
catches "$cut" "a cut chain" "the published head $HEAD1 is not in the chain" \
    --expect "$HEAD1"
catches "$cut" "a cut chain, with --key" "$HEAD1" --expect "$HEAD1" \
    --key PUB.pem
# Nor does a new write on top of the cut hide it.
at 800
expect_exit 0 hitl_as frank --db "$cut" shift start
catches "$cut" "a cut chain written on" "$HEAD1" --expect "$HEAD1"
# The forgery of the issue rewrote every hash: no head published before
# it is in its chain.
catches "$forged" "the forgery, --expect" "$HEAD0|badly signed" --expect "$HEAD0"
# A head never published.
catches "$more" "a head that was never in the chain" "is not in the chain" \
    --expect "$(printf '%064d' 7)"

# A head is 64 lower-case hex digits, as audit head prints it.
UPPER=$(printf '%s' "$HEAD1" | tr a-f A-F)
for bad in "" abc "${HEAD1%?}" "${HEAD1}0" "$UPPER" " $HEAD1" \
    "$(printf '%063dg' 0)"; do
	expect_exit 64 "$HITL" --db "$more" audit verify --expect "$bad"
	expect_err "64 lower-case hex digits"
done
expect_exit 64 "$HITL" --db "$more" audit head --expect "$HEAD1"

# --- 3. coverage: rows edited behind hitl's back ---------------------------------

# tampered NAME SQL: a copy, $NAME (its name), with SQL run on it.
tampered() {
	_c=$(db_copy "$HITL_DB" "$1")
	eval "$1=\$_c"
	attack "$_c" "$2"
}

step "coverage"
ITEM_OF="SELECT id FROM items WHERE ext_id ="

# The text of an approved item: the sft export would have changed.
tampered text "UPDATE items SET text = 'Thank you for asking.'
    WHERE ext_id = 'wf-out-1'"
catches "$text" "items.text" "item wf-out-1: its text was changed"
expect_exit 0 hitl_as alice --db "$text" export --format sft --since all -o -
expect_out '"content":"Thank you for asking."'
pristine=$(db_copy "$HITL_DB" pristine)
expect_exit 0 hitl_as alice --db "$pristine" export --format sft --since all \
    -o -
expect_out '"content":"Only an idiot would ask that."'
expect_no_out "Thank you for asking."

tampered prompt "UPDATE items SET prompt = 'Where is my parcel?'
    WHERE ext_id = 'wf-out-1'"
catches "$prompt" "items.prompt" "item wf-out-1: its context"
tampered messages "UPDATE items SET messages = json_set(messages,
    '\$[0].content', 'How fast are refunds?') WHERE ext_id = 'small-out-3'"
catches "$messages" "items.messages" "item small-out-3: its context"
tampered raw "UPDATE items SET raw = replace(raw, 'nurse', 'doctor')
    WHERE ext_id = 'wf-out-2'"
catches "$raw" "items.raw" "item wf-out-2:"
# The raw line and its columns changed together: the item agrees with
# itself, not with its batch.
tampered rawcols "UPDATE items SET raw = replace(raw, 'nurse', 'doctor'),
    prompt = replace(prompt, 'nurse', 'doctor'),
    text = replace(text, 'nurse', 'doctor') WHERE ext_id = 'wf-out-2'"
catches "$rawcols" "items.raw with its columns" "wf-out-2|import batch 1:"

tampered triage "UPDATE spans SET triage = 'accepted'
    WHERE item_id = ($ITEM_OF 'small-anon-2') AND triage = 'rejected'"
expect_eq "the span made accepted" "$(sql_on "$triage" "SELECT count(*)
    FROM spans WHERE triage = 'rejected'")" 0
catches "$triage" "spans.triage" "item small-anon-2: its spans"
tampered etype "UPDATE spans SET entity_type = 'LOCATION'
    WHERE item_id = ($ITEM_OF 'wf-anon-1') AND idx = 0"
catches "$etype" "spans.entity_type" "item wf-anon-1: its spans"
tampered score "UPDATE flags SET score = 0.2
    WHERE item_id = ($ITEM_OF 'wf-out-1')"
catches "$score" "flags.score" "item wf-out-1: its flags"

tampered requeued "UPDATE items SET state = 'queued' WHERE ext_id = 'wf-out-1'"
catches "$requeued" "items.state decided→queued" \
    "item wf-out-1 is queued, but its decisions leave it decided"
tampered settled "UPDATE items SET state = 'decided' WHERE ext_id = 'wf-out-3'"
catches "$settled" "items.state escalated→decided" \
    "item wf-out-3 is decided, but its decisions leave it escalated"

# An item inserted (a copy of one, under a new id) into the last batch, or
# under a batch that does not exist; an item deleted.
tampered inserted "CREATE TEMP TABLE x AS SELECT * FROM items
    WHERE ext_id = 'small-out-1';
    UPDATE x SET id = (SELECT max(id) + 1 FROM items), ext_id = 'small-out-9',
        seq = seq + 100, raw = replace(raw, 'small-out-1', 'small-out-9');
    INSERT INTO items SELECT * FROM x"
catches "$inserted" "an item inserted" "small-out-9|import batch 2:"
tampered orphan "CREATE TEMP TABLE x AS SELECT * FROM items
    WHERE ext_id = 'small-out-1';
    UPDATE x SET id = (SELECT max(id) + 1 FROM items), ext_id = 'small-out-8',
        seq = seq + 100, batch_id = 3,
        raw = replace(raw, 'small-out-1', 'small-out-8');
    INSERT INTO items SELECT * FROM x"
catches "$orphan" "an item of no batch" "item small-out-8 belongs to no import batch"
tampered deleted "DROP TRIGGER items_no_delete;
    DELETE FROM spans WHERE item_id = ($ITEM_OF 'small-anon-2');
    DELETE FROM items WHERE ext_id = 'small-anon-2'"
catches "$deleted" "an item deleted" "small-anon-2|import batch 2:"

tampered escstate "UPDATE escalations SET state = 'open', acked_by = NULL,
    acked_at = NULL WHERE id = 2"
catches "$escstate" "escalations.state" "escalation 2 was changed"
tampered outcome "UPDATE escalations SET outcome = 'approve' WHERE id = 1"
catches "$outcome" "escalations.outcome" "escalation 1 was changed"
tampered resolver "UPDATE escalations SET resolved_by = 'dana' WHERE id = 1"
catches "$resolver" "escalations.resolved_by" "escalation 1 was changed"
tampered acker "UPDATE escalations SET acked_by = 'carol' WHERE id = 2"
catches "$acker" "escalations.acked_by" "escalation 2 was changed"

tampered counts "UPDATE shifts SET counts = json_set(counts, '\$.approve', 7)
    WHERE id = 1"
catches "$counts" "shifts.counts" "shift 1 was changed"
tampered note "UPDATE shifts SET note = 'nothing to hand over' WHERE id = 1"
catches "$note" "shifts.note" "shift 1 was changed"

tampered policy "DROP TRIGGER policies_no_update;
    UPDATE policies SET body = replace(body, '\"bob\": \"reviewer\"',
    '\"bob\": \"admin\"') WHERE version = 1"
forge policy-sha "$policy"
expect_eq "the policy's own SHA-256" "$(sql_on "$policy" "SELECT sha256
    FROM policies")" "$(sql_on "$policy" "SELECT body FROM policies" |
    head -c -1 | sha256sum | cut -d' ' -f1)"
catches "$policy" "a policy row with its sha256" "policy version 1 was changed"

tampered batchsha "DROP TRIGGER batches_no_update;
    UPDATE batches SET content_sha256 = (SELECT content_sha256 FROM batches
    WHERE id = 1) WHERE id = 2"
catches "$batchsha" "batches.content_sha256" "import batch 2 was changed"
tampered batchcounts "DROP TRIGGER batches_no_update;
    UPDATE batches SET queued = 5, auto_decided = 0 WHERE id = 2"
catches "$batchcounts" "batches' counts" "import batch 2 was changed"

# The since-last window: the next sft export starts after last_decision.
tampered window "DROP TRIGGER exports_no_update;
    UPDATE exports SET last_decision = 0 WHERE id = 1"
catches "$window" "exports.last_decision" "export run 1 was changed"
# The run's scope is what since-last looks up: relabelled, the run would no
# longer count for sft, and the next "since last" export would repeat it.
tampered scope "DROP TRIGGER exports_no_update;
    UPDATE exports SET scope = 'sft/model_output' WHERE id = 1"
catches "$scope" "exports.scope" "export run 1"

tampered waiting "UPDATE waiting SET n = 0 WHERE kind = 'model_output'"
catches "$waiting" "the waiting counts" "waiting model_output items says 0"

tampered orphansig "INSERT INTO audit_signatures (seq, first_seq, key_id,
    signature) SELECT 99, 99, key_id, signature FROM audit_signatures
    WHERE seq = 22"
catches "$orphansig" "an orphan signature" \
    "a signature of event 99, which the log does not have"

# --- 4. the key file ---------------------------------------------------------------

step "the key file's mode"
for um in 000 022; do
	_u=$(newdb "umask$um")
	(umask $um && "$HITL" --db "$_u" init \
	    --policy "$SRCDIR/examples/policy.json" >/dev/null) ||
	    fail "init under umask $um"
	expect_mode "$(keyfile "$_u")" 600
	! only_sqlite "the database's mode" "a server's database is no file" ||
	    expect_mode "$_u" 600
done

step "the key file deleted"
nokey=$(db_copy "$HITL_DB" nokey)
at 700
expect_exit 0 hitl_as frank --db "$nokey" next --json
NOKEY_LEASE=$(jq -r .lease.id "$T/out")
NOKEY=$(keyfile "$nokey")
rm "$NOKEY"
db_dump "$nokey" >before.sql
for cmd in status "show wf-out-1" "audit log" "audit head" "audit key"; do
	# shellcheck disable=SC2086
	expect_exit 0 hitl_as carol --db "$nokey" $cmd
done
expect_exit 0 "$HITL" --db "$nokey" audit verify
expect_out "audit chain verified: 23 events"
expect_out "(from the log)"
verifies "$nokey" --key PUB.pem
expect_exit 66 hitl_as frank --db "$nokey" decide small-out-1 \
    --lease "$NOKEY_LEASE" approve
expect_err "the signing key $NOKEY is missing"
expect_err "restore it from a backup"
expect_exit 66 "$HITL" --db "$nokey" import "$SRCDIR/tests/data/export.jsonl"
expect_err "$NOKEY is missing"
expect_exit 66 hitl_as alice --db "$nokey" policy load \
    "$SRCDIR/examples/policy.json"
expect_err "$NOKEY is missing"
db_dump "$nokey" >after.sql
cmp -s before.sql after.sql ||
    fail "refused writes changed the database" after.sql
[ ! -e "$NOKEY" ] || fail "hitl made a new key for a signed log"

step "another key in its place"
if [ -n "$HAVE_ED25519" ]; then
	wrongkey=$(db_copy "$HITL_DB" wrongkey)
	WRONGKEY=$(keyfile "$wrongkey")
	rm "$WRONGKEY"
	openssl genpkey -algorithm ed25519 -out "$WRONGKEY" 2>/dev/null
	chmod 600 "$WRONGKEY"
	OTHER=$(key_id "$WRONGKEY")
	db_dump "$wrongkey" >before.sql
	expect_exit 65 hitl_as erin --db "$wrongkey" shift end
	expect_err "$WRONGKEY is key $OTHER"
	expect_err "signed with key $KEYID"
	expect_exit 65 "$HITL" --db "$wrongkey" import \
	    "$SRCDIR/tests/data/export.jsonl"
	db_dump "$wrongkey" >after.sql
	cmp -s before.sql after.sql ||
	    fail "refused writes changed the database" after.sql
	# The log is whole: checked with the published key, it verifies.
	verifies "$wrongkey" --key PUB.pem
	# Without it, verify should say that the key file is not the log's
	# key, as writes do, rather than that the log was changed.
	_rc=0
	"$HITL" --db "$wrongkey" audit verify >"$T/out" 2>"$T/err" || _rc=$?
	if [ "$_rc" -ne 0 ] && ! { grep -F -q "$OTHER" "$T/err" &&
	    grep -F -q "$KEYID" "$T/err"; }; then
		_m="a replaced key file: verify blames the log instead"
		bug "$_m of naming both keys (exit $_rc)" "$T/err"
	fi
else
	echo "SKIP: $TEST_NAME: another key: openssl cannot make Ed25519" \
	    "keys" >&2
fi

step "audit key"
openssl pkey -pubin -in PUB.pem -text -noout >"$T/out" 2>"$T/err" ||
    fail "openssl cannot read audit key's output" PUB.pem "$T/err"
expect_out "ED25519 Public-Key"
# The PEM, after a line saying from which event the key signs.
expect_eq "the key on record" \
    "$(sql "SELECT json_extract(body, '\$.data.public_key') FROM audit
    WHERE event = 'signing_key'")" "$(sed 1d PUB.pem)"
expect_eq "the line above it" "$(head -n 1 PUB.pem)" \
    "hitl signing key: signs this database's log from event 1 on"

# Unreadable: as root, by running hitl as nobody on a copy nobody owns
# (on a server: connecting as its superuser) beside a key only root may
# read; otherwise by mode 000.
step "the key file unreadable"
mkdir "$T/nobody"
ur=$(db_copy "$HITL_DB" "$T/nobody/ur")
URKEY=$(keyfile "$ur")
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$T"
	if [ "$BACKEND" = sqlite ]; then
		chown 65534 "$T/nobody" "$ur"
	else
		chmod 711 "$(dirname "$(dirname "$URKEY")")" "$(dirname "$URKEY")"
	fi
	as_other() {
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	}
else
	chmod 000 "$URKEY"
	as_other() {
		"$@"
	}
fi
as_other cat "$URKEY" >/dev/null 2>&1 &&
    fail "the key file is readable all the same"
expect_exit 0 as_other "$HITL" --db "$ur" audit key
cmp -s "$T/out" PUB.pem || fail "audit key without the key file" "$T/out"
expect_exit 0 as_other "$HITL" --db "$ur" audit verify
expect_out "(from the log)"
UR_SUM=$(db_sum "$ur")
expect_exit 77 as_other "$HITL" --db "$ur" shift start
expect_err "cannot read the signing key"
[ "$(db_sum "$ur")" = "$UR_SUM" ] || fail "a refused write changed the database"

# --- 5. a database made before signing -------------------------------------------

# Made now, then every trace of migration 4 removed, the signing key event
# taken out of the chain (the first write's last event; the chain
# recomputed) and the key file deleted.
if only_sqlite "a database made before signing" \
    "PostgreSQL's first schema signs its log already"; then
	step "a database made before signing"
	at 0
	expect_exit 0 "$HITL" --db old.db init --policy "$SRCDIR/examples/policy.json"
	expect_exit 0 "$HITL" --db old.db import "$SRCDIR/tests/data/workflow.jsonl"
	at 60
	expect_exit 0 hitl_as bob --db old.db next --json
	expect_exit 0 hitl_as bob --db old.db decide wf-out-1 \
	    --lease "$(jq .lease.id "$T/out")" approve
	attack old.db "DROP TRIGGER audit_no_update;
	    DROP TABLE tombstones; DROP TABLE subjects;
	    DROP TABLE export_items; DROP TRIGGER decisions_no_update;
	    ALTER TABLE decisions DROP COLUMN vote;
	    ALTER TABLE escalations DROP COLUMN notified_overdue_at;
	    DROP TABLE audit_signatures;
	    DROP TRIGGER policies_no_update; DROP TRIGGER policies_no_delete;
	    DROP TRIGGER exports_no_update; DROP TRIGGER exports_no_delete;
	    DROP TRIGGER batches_no_update; DROP TRIGGER batches_no_delete;
	    DROP TRIGGER items_no_delete;
	    DELETE FROM meta WHERE key = 'signing_key';
	    DROP TABLE state_counts; DROP INDEX items_waiting_seq;
	    DROP TABLE export_files;
	    DROP TABLE samples; DROP TABLE ballots; DROP TABLE gold_scores;
	    DROP TABLE pauses; DROP INDEX leases_holder; DROP TABLE suspensions;
	    DROP TRIGGER state_counts_update;
	    DELETE FROM migrations WHERE version >= 4;
	    PRAGMA user_version = 3;
	    DROP TRIGGER audit_no_delete;
	    DELETE FROM audit WHERE event = 'signing_key'"
	# Its events in the first format (decision payloads whole, no "v"):
	# verify reads both, the old events and those written after the upgrade.
	forge rechain old.db --first-format >forge.json
	expect_eq "first-format bodies" "$(sqlite3 old.db "SELECT count(*) FROM
	    audit WHERE body LIKE '{\"v\":%'")" 0
	# rechain drops the guards; schema 3 had those of migration 1.
	attack old.db "CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
	    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
	    CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
	    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
	    CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
	    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
	    CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
	    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
	rm old.db.key
	expect_eq "schema 3, unsigned" "$(sqlite3 old.db "PRAGMA user_version;
	    SELECT count(*) FROM audit; SELECT count(*) FROM sqlite_master
	    WHERE name = 'audit_signatures' OR name LIKE '%no_delete'" | tr '\n' ' ')" \
	    "3 4 2 "

	# The upgrade makes the key and, in its first write, puts on record what
	# the old batch stored (a baseline) and the key: signed from there on.
	expect_exit 0 "$HITL" --db old.db status
	# The latest schema, as a new database has it.
	LATEST=$("$HITL" --db latest.db init | sed -n 's/.*(schema \([0-9]*\)).*/\1/p')
	expect_out "(schema $LATEST)"
	expect_mode old.db.key 600
	expect_exit 0 "$HITL" --db old.db audit verify
	expect_out "audit chain verified: 6 events"
	expect_out "made before signing: 4 events, covered by the first signature after them"
	expect_exit 0 "$HITL" --db old.db audit verify --json
	jq_ok "an upgraded log" '.events == 6 and .signatures == 1 and
	    .unsigned_before_signing == 4 and .unbaselined == 0'
	expect_eq "the baseline" "$(sqlite3 old.db "SELECT event FROM audit
	    WHERE seq = 5")" baseline
	# From the upgrade on, an item of the old batch edited is caught.
	cp old.db oldedit.db
	cp old.db.key oldedit.db.key
	attack oldedit.db "UPDATE items SET text = 'edited' WHERE ext_id = 'wf-out-1'"
	catches oldedit.db "an old item edited after the upgrade" "item wf-out-1: its text"
	at 120
	expect_exit 0 hitl_as bob --db old.db next --json
	expect_exit 0 hitl_as bob --db old.db decide wf-anon-1 \
	    --lease "$(jq .lease.id "$T/out")" approve
	expect_exit 0 "$HITL" --db old.db audit verify
	expect_out "audit chain verified: 7 events"
	expect_out "signatures: 2, every write signed by key"
	expect_out "made before signing: 4 events, covered by the first signature after them"
	expect_exit 0 "$HITL" --db old.db audit key
	cp "$T/out" old-pub.pem
	expect_exit 0 "$HITL" --db old.db audit verify --key old-pub.pem --json
	jq_ok "signed from the upgrade on" '.events == 7 and .signatures == 2 and
	    .unsigned_before_signing == 4 and .key_from == "--key"'
	catches old.db "the upgraded log checked with another key" "badly signed" \
	    --key PUB.pem
fi

# --- 6. the clock ------------------------------------------------------------------

step "the clock: a policy that does not allow it"
jq '.allow_clock_override = false' "$SRCDIR/examples/policy.json" >strict.json
strict=$(newdb strict)
env -u HITL_NOW "$HITL" --db "$strict" init --policy strict.json >/dev/null ||
    fail "init under the strict policy"
env -u HITL_NOW "$HITL" --db "$strict" import \
    "$SRCDIR/tests/data/workflow.jsonl" >/dev/null || fail "import"
db_dump "$strict" >before.sql
at 0
expect_exit 64 "$HITL" --db "$strict" import "$SRCDIR/tests/data/small.jsonl"
expect_err "allow_clock_override"
expect_exit 64 hitl_as bob --db "$strict" next
expect_err "allow_clock_override"
expect_exit 64 "$HITL" --db "$strict" status
expect_exit 64 "$HITL" --db "$strict" audit verify
db_dump "$strict" >after.sql
cmp -s before.sql after.sql || fail "a refused clock changed the database"

# init loading a policy that does not allow HITL_NOW refuses the pinned
# clock (its load would be dated by it, and, since the log's times never go
# back, every later event too), and makes nothing.
strict2=$(newdb strict2)
expect_exit 64 env HITL_NOW=$NOW "$HITL" --db "$strict2" init \
    --policy strict.json
expect_err "allow_clock_override"
! db_made "$strict2" ||
    [ "$(sql_on "$strict2" "SELECT count(*) FROM audit")" -eq 0 ] ||
    fail "a refused init recorded events"

step "the clock: where the policy allows it"
expect_exit 0 "$HITL" audit log --json
jq_ok "pinned times" -s '.[5].at == "2027-01-15T08:01:00Z" and
    .[21].at == "2027-01-15T08:11:00Z"'

step "the clock: values out of range"
clock=$(db_copy "$HITL_DB" clock)
db_dump "$clock" >before.sql
for v in 9223372036854775807 -5 1e9 abc 253402300800 0 " 1800000000" \
    1800000000x; do
	HITL_NOW=$v
	expect_exit 64 hitl_as bob --db "$clock" decide wf-out-1 comment \
	    --note "clock $v"
	expect_err "HITL_NOW must be Unix seconds from 1 to 253402300799"
done
HITL_NOW=$(printf '1\033]0;owned\007')
expect_exit 64 "$HITL" --db "$clock" status
! grep -q "$(printf '\033')" "$T/err" ||
    bug "a refused HITL_NOW is echoed raw to the terminal" "$T/err"
db_dump "$clock" >after.sql
cmp -s before.sql after.sql || fail "a refused clock changed the database"
# Empty is unset: ignored, and the real clock used (never before the log's
# last event).
HITL_NOW=
expect_exit 0 "$HITL" --db "$clock" status
expect_exit 0 hitl_as bob --db "$clock" decide wf-out-1 comment --note "no clock"
expect_eq "an event on the real clock" "$(sql_on "$clock" "SELECT count(*) FROM audit
    WHERE seq = (SELECT max(seq) FROM audit) AND
    at >= '2027-01-15T08:11:00Z'")" 1

step "the clock: pinned before the last event"
at -3600
claim frank small-out-1
expect_exit 0 hitl_as frank decide small-out-1 --lease "$LEASE" escalate \
    --team legal --reason other --severity high
HITL_NOW=86400
expect_exit 0 hitl_as bob decide wf-out-1 comment --note "1970-01-02"
at 0
expect_exit 0 "$HITL" audit log --json
jq_ok "audit times never go backwards" -s \
    '[.[].at] as $a | $a == ($a | sort) and $a[-1] == "2027-01-15T08:11:00Z"'
expect_eq "decision times" "$(sql "SELECT group_concat(decided_at) FROM
    decisions WHERE id > 11")" "2027-01-15T08:11:00Z,2027-01-15T08:11:00Z"
expect_exit 0 "$HITL" audit verify --key PUB.pem --expect "$HEAD0"

[ -z "$BUGS" ] || fail "holes in the record (each reported above)"
pass
