#!/bin/sh
# hitl copy SRC DST between the backends: a queue with a whole history
# (imports with decisions the policy took, approvals, corrections, an
# escalation resolved and one open, a skip, an undo, comments, a reopened
# item, two reviewers' shifts, export runs, a claim still held) copied to
# the other backend and back (SQLite to PostgreSQL to SQLite on the SQLite
# run, PostgreSQL to SQLite to PostgreSQL on the other): each copy verifies
# to the source's head, under the key published for it; shows the same
# items, log, shifts, escalations and export runs; and exports every format
# byte for byte as the source does. A copy onto a queue that is there, or
# by someone who is no admin, is refused and changes nothing.
#
# Without a PostgreSQL server the SQLite run copies from SQLite to SQLite
# and says that it did.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# OTHER: the backend the copy goes to and comes back from. The SQLite run
# uses the test run's cluster (make check names it) when there is one.
OTHER=sqlite
if [ "$BACKEND" = sqlite ]; then
	_rc=0
	if [ -n "${HITL_PG_DIR:-}" ]; then
		_env=$(sh "$SRCDIR/tests/pg/cluster.sh" env 2>"$T/err") ||
		    _rc=$?
	else
		_rc=77
		echo "no test cluster: make check names one" >"$T/err"
	fi
	if [ "$_rc" -eq 0 ]; then
		eval "$_env"
		export HITL_PG_HOST HITL_PG_USER HITL_PG_BIN
		OTHER=postgresql
	elif [ "$_rc" -eq 77 ]; then
		echo "SKIP part on sqlite: $TEST_NAME: copies to PostgreSQL" \
		    "and back: $(head -n 1 "$T/err"); copying from SQLite to" \
		    "SQLite instead"
	else
		fail "the test cluster did not start" "$T/err"
	fi
fi

# on BACKEND CMD...: CMD, one of lib.sh's (newdb, db_sum, keyfile ...),
# for a database of BACKEND; other CMD...: for one of the other backend.
on() {
	_on_was=$BACKEND
	BACKEND=$1
	shift
	_on_rc=0
	"$@" || _on_rc=$?
	BACKEND=$_on_was
	return "$_on_rc"
}

other() {
	on "$OTHER" "$@"
}

# Names of its own on the cluster for each run of the test: both runs may
# use it at once.
RUN=$BACKEND

# --- a queue with a history -------------------------------------------------------

# The example policy (alice admin, carol and dana leads, bob and erin
# reviewers), the login running the test an admin too: it copies.
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >policy.json

step "the source's history"
# The day of record.sh: wf-out-auto and small-anon-2 decided by the policy,
# approvals, corrections, a skip undone and one left, escalations to two
# teams (one resolved), two reviewers' shifts (bob's ended), an sft export.
workday policy.json
# Then a comment, a reopened item and an export of the record.
at 700
expect_exit 0 hitl_as bob decide wf-out-1 comment --note "seen again"
expect_exit 0 hitl_as carol reopen wf-anon-2 --note "look again"
expect_exit 0 hitl_as alice export --format decisions -o first-dec.jsonl
# After the first exports: more to export, a correction with a new text in
# a chat, and an item erin still holds.
at 720
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/export.jsonl"
claim erin ex-pii-1
expect_exit 0 hitl_as erin decide ex-pii-1 --lease "$LEASE" approve
claim erin ex-chat-1
expect_exit 0 hitl_as erin decide ex-chat-1 --lease "$LEASE" correct \
    --payload '{"text": "Please write to us from the address on file.",
    "labels": ["pii.leak"], "flags": [{"verdict": "confirmed"}]}'
claim erin ex-bias-1
expect_exit 0 hitl_as erin decide ex-bias-1 --lease "$LEASE" approve
claim erin ex-anon-1
HELD=$LEASE
at 780

expect_exit 0 "$HITL" audit verify --json
jq_ok "the source's log" '.events > 25 and .signatures > 20 and .escalations == 2
    and .shifts == 4 and .exports == 2'
EVENTS=$(jq .events "$T/out")
expect_exit 0 "$HITL" audit head
HEAD=$(cat "$T/out")
expect_exit 0 "$HITL" audit key
cp "$T/out" PUB.pem

# same WHAT DB...: what hitl shows of each DB (the items, the log, the
# shifts, the escalations, the export runs) is the same as of $HITL_DB.
same() {
	_what=$1
	shift
	shown "$HITL_DB" >shown.want
	for _db in "$@"; do
		_lib_where="$_what: $_db shows what the source does"
		shown "$_db" >shown.got
		diff -u shown.want shown.got >shown.diff ||
		    fail "$_what: $_db shows otherwise" shown.diff
	done
}

# shown DB: what hitl shows of DB, as JSON; of its status all but the
# database's name and its schema's number (each backend numbers its own
# migrations).
shown() {
	for _id in $(hitl_as alice --db "$1" audit log --json |
	    jq -r 'select(.item != null) | .item' | sort -u); do
		hitl_as alice --db "$1" show --json "$_id"
	done
	hitl_as alice --db "$1" audit log --json
	hitl_as carol --db "$1" shifts --json
	hitl_as carol --db "$1" escalations --json
	hitl_as dana --db "$1" escalations --json
	hitl_as alice --db "$1" export --history --json
	hitl_as alice --db "$1" status --json |
	    jq -c 'del(.database, .schema)'
}

# copied SRC DST: hitl copies SRC to DST; DST verifies to the source's head
# under the published key, with the key hitl copied beside it.
copied() {
	expect_exit 0 "$HITL" copy "$1" "$2"
	expect_out "audit events to $2"
	expect_exit 0 "$HITL" --db "$2" audit verify --key PUB.pem \
	    --expect "$HEAD"
	expect_out "audit chain verified: $EVENTS events, head $HEAD"
	expect_exit 0 "$HITL" --db "$2" audit verify
	expect_out "audit chain verified: $EVENTS events, head $HEAD"
	expect_out "(from the key file)"
	expect_exit 0 "$HITL" --db "$2" audit head
	expect_eq "the head of $2" "$(cat "$T/out")" "$HEAD"
}

# --- there and back --------------------------------------------------------------

step "the copy to $OTHER"
B=$(other newdb "$T/$RUN-b")
copied "$HITL_DB" "$B"
expect_exit 0 "$HITL" copy --json "$HITL_DB" "$(other newdb "$T/$RUN-json")"
jq_ok "the copy's counts" --argjson e "$EVENTS" \
    '.items == 20 and .decisions > 15 and .events == $e'

step "the copy back"
A2=$(newdb "$T/$RUN-a2")
copied "$B" "$A2"
same "the copies" "$B" "$A2"

# --- onto a queue that is there; by someone else ------------------------------------

# refused_onto BACKEND SRC DST: hitl copy SRC DST (DST of BACKEND) is
# refused, saying why: a file's database is never written over, a server's
# one only copied into while it is empty; DST and its key are as they were.
refused_onto() {
	_sum=$(on "$1" db_sum "$3")
	_key=$(sha256sum <"$(on "$1" keyfile "$3")")
	expect_exit 73 "$HITL" copy "$2" "$3"
	if [ "$1" = sqlite ]; then
		expect_err "is a database: hitl will not write over it"
	else
		expect_err "is not empty: hitl copy makes a new queue and adds to none"
	fi
	expect_no_out "copied"
	expect_eq "$3 after a copy onto it" "$(on "$1" db_sum "$3")" "$_sum"
	expect_eq "its key" "$(sha256sum <"$(on "$1" keyfile "$3")")" "$_key"
}

step "a copy onto a queue that is there"
refused_onto "$OTHER" "$HITL_DB" "$B"
refused_onto "$BACKEND" "$B" "$A2"
# A queue that has items but no history yet is a queue too.
C=$(other newdb "$T/$RUN-c")
expect_exit 0 "$HITL" --db "$C" init
expect_exit 0 "$HITL" --db "$C" import "$SRCDIR/tests/data/small.jsonl"
refused_onto "$OTHER" "$HITL_DB" "$C"
expect_exit 0 "$HITL" --db "$C" audit verify

step "a copy by a reviewer"
D=$(other newdb "$T/$RUN-d")
expect_exit 77 hitl_as bob copy "$HITL_DB" "$D"
expect_err "admin"
! other db_made "$D" || fail "a refused copy made $D"
[ ! -e "$(other keyfile "$D")" ] || fail "a refused copy made a key for $D"

# --- every export, from the source and from each copy -----------------------------

# The source and both copies export in step, the same runs at the same
# times, each into a directory of its own under the same file name: as
# their logs are the same, so are the heads each run records, and so must
# be every file. The first run of a format takes what came since its last
# run in the history the copies were given.
step "exports"
mkdir a b a2
FORMATS="sft
decisions
dpo
dpo --style openai --since all
kto
spans
spans --style doccano --since all
spans --offsets utf16 --include-auto --since all
labels
sft --redact mask --since all
sft --redact hash --since all
decisions --redact none --since all
kto --kind model_output --since all"
n=0
while read -r fmt; do
	n=$((n + 1))
	at $((800 + n))
	for d in a b a2; do
		case $d in
		a) db=$HITL_DB ;;
		b) db=$B ;;
		a2) db=$A2 ;;
		esac
		# shellcheck disable=SC2086
		(cd "$d" && "$HITL" --db "$db" export --format $fmt \
		    -o "out-$n.jsonl") >"$T/out" 2>"$T/err" ||
		    fail "export --format $fmt from $d" "$T/err"
	done
	for d in b a2; do
		for f in "out-$n.jsonl" "out-$n.jsonl.manifest.json"; do
			cmp -s "a/$f" "$d/$f" || fail "export --format $fmt:" \
			    "$d/$f is not the source's" "a/$f" "$d/$f"
		done
	done
	[ -s "a/out-$n.jsonl" ] || fail "export --format $fmt: nothing" \
	    "a/out-$n.jsonl.manifest.json"
done <<EOF
$FORMATS
EOF
expect_exit 0 "$HITL" audit head
HEAD=$(cat "$T/out")
EVENTS=$((EVENTS + n))
for db in "$HITL_DB" "$B" "$A2"; do
	expect_exit 0 "$HITL" --db "$db" audit verify --key PUB.pem
	expect_out "audit chain verified: $EVENTS events, head $HEAD"
done
same "after the exports" "$B" "$A2"

# --- the copies go on as the source would -----------------------------------------

step "writes after the copy"
at 900
for db in "$HITL_DB" "$B" "$A2"; do
	expect_exit 0 hitl_as erin --db "$db" decide ex-anon-1 --lease "$HELD" \
	    approve
	expect_exit 0 hitl_as bob --db "$db" next --json
	jq_ok "the next claim's lease" '.lease.id > 0'
done
same "after the same writes" "$B" "$A2"
expect_exit 0 "$HITL" audit head
HEAD=$(cat "$T/out")
for db in "$B" "$A2"; do
	expect_exit 0 "$HITL" --db "$db" audit verify --key PUB.pem \
	    --expect "$HEAD"
	expect_exit 0 "$HITL" --db "$db" audit head
	expect_eq "the head of $db after the same writes" "$(cat "$T/out")" \
	    "$HEAD"
done

pass
