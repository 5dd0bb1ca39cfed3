#!/bin/sh
# Faults a review host meets: hitl killed (SIGKILL) during an import and
# during reviews, a full disk, a read-only database, a database locked by
# another writer, a damaged database file. Each time hitl must say what is
# wrong (a sysexits code and a message naming the problem), keep everything
# it reported as done, leave nothing half-done and never touch a damaged file.
#
# Parts 3 (full disk) and 4 (read-only, as root) mount file systems; where
# that is not permitted they are skipped with a message. On PostgreSQL the
# database of part 3 keeps its tables in a tablespace on the full disk;
# part 4's database is read-only as a standby's is (the server takes only
# reads in it); part 5's other writer holds the log's head row; a server's
# damaged storage (part 6) is the server's to find, not hitl's.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# What this test started and mounted, for the exit trap: process groups
# (or plain processes) still running, and mount points, newest first.
procs=
mounts=
ran=0
TABLESPACE=

# full_gone: part 3's database and tablespace are gone from the server,
# which would otherwise keep files open on the full disk's mount.
full_gone() {
	[ -n "$TABLESPACE" ] || return 0
	db_drop "$FULL_DB"
	sql_cluster "DROP TABLESPACE IF EXISTS $TABLESPACE"
	TABLESPACE=
}

# On any exit, before lib.sh removes $T: nothing of ours keeps running,
# nothing stays mounted, nothing stays read-only.
faults_exit() {
	_faults_rc=$?
	set +e
	for _p in $procs; do
		kill -KILL -"$_p" 2>/dev/null || kill -KILL "$_p" 2>/dev/null
	done
	wait 2>/dev/null
	full_gone
	for _m in $mounts; do
		umount "$_m" 2>/dev/null || umount -l "$_m"
	done
	chmod -R u+w "$T" 2>/dev/null
	(exit "$_faults_rc")
	_lib_exit
}
trap faults_exit EXIT

# Leases last 30 s, and the reviewer is whoever HITL_REVIEWER names.
cat >policy.json <<'EOF'
{"name": "faults", "allow_reviewer_override": true, "allow_clock_override": true, "lease_seconds": 30}
EOF

# gen N PREFIX: N model outputs PREFIX-000000... as JSON Lines; every one is
# flagged above the default threshold, so every one is queued.
gen() {
	awk -v n="$1" -v p="$2" 'BEGIN {
		f = "{\"id\": \"%s-%06d\", \"kind\": \"model_output\", "
		f = f "\"prompt\": \"question %d\", \"response\": \"answer %d, "
		f = f "long enough to look like a real one\", \"flags\": "
		f = f "[{\"type\": \"toxicity\", \"score\": 0.%03d}]}\n"
		for (i = 0; i < n; i++)
			printf f, p, i, i, i, 500 + i % 500
	}'
}

# populated DB N PREFIX: a database (newdb's) under policy.json with N
# queued items.
populated() {
	expect_exit 0 "$HITL" --db "$1" init --policy policy.json
	gen "$2" "$3" >"$T/items-$3.jsonl"
	expect_exit 0 "$HITL" --db "$1" import "$T/items-$3.jsonl"
}

# q DB QUERY: QUERY against DB, waiting for writers as hitl does (on
# PostgreSQL readers never wait).
q() {
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 -batch -noheader -cmd '.timeout 5000' "$1" "$2"
	else
		sql_on "$1" "$2"
	fi
}

# db_state DB: what a refused or killed command must not change.
db_state() {
	q "$1" "SELECT count(*) FROM items; SELECT count(*) FROM batches;
	    SELECT count(*) FROM decisions; SELECT count(*) FROM exports;
	    SELECT group_concat(ext_id || ' ' || state || ' ' ||
	        coalesce(CAST(lease_id AS TEXT), '-'), ', ') FROM (SELECT *
	        FROM items WHERE state != 'queued' ORDER BY seq) AS i;
	    SELECT hash FROM audit ORDER BY seq DESC LIMIT 1;"
}

# expect_same WHAT DB BEFORE: DB's state is still BEFORE.
expect_same() {
	_lib_where=$1
	_now=$(db_state "$2")
	[ "$_now" = "$3" ] || fail "$1: the database changed
  before: $(echo "$3" | tr '\n' ' ')
  after:  $(echo "$_now" | tr '\n' ' ')"
}

# expect_intact DB: SQLite's integrity check (of a file) and hitl's audit
# chain pass.
expect_intact() {
	if [ "$BACKEND" = sqlite ]; then
		_lib_where="integrity_check of $1"
		_ic=$(q "$1" 'PRAGMA integrity_check' 2>&1) || true
		[ "$_ic" = ok ] || fail "integrity_check of $1: $_ic"
	fi
	expect_exit 0 "$HITL" --db "$1" audit verify
	expect_out "audit chain verified"
}

# expect_err_any STRING...: $T/err has at least one of the fixed STRINGs.
expect_err_any() {
	_lib_where="stderr has one of: $*"
	for _s in "$@"; do
		! grep -F -q -e "$_s" "$T/err" || return 0
	done
	fail "stderr names none of: $*" "$T/err"
}

# claim_as WHO DB: WHO claims DB's next item; sets ITEM and LEASE.
claim_as() {
	expect_exit 0 hitl_as "$1" --db "$2" next
	set -- $(sed -n 's/^lease \([0-9]*\) on \([^ ]*\) until .*/\1 \2/p' \
	    "$T/out")
	[ $# -eq 2 ] || fail "no lease in the output of next" "$T/out"
	LEASE=$1 ITEM=$2
}

# sha FILE: its SHA-256.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# ms: a clock in milliseconds.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# files DIR: what DIR holds, but for SQLite's -wal and -shm files (which
# come and go with connections) and the filler of a full disk.
files() {
	ls -A "$1" | grep -v -e '-wal$' -e '-shm$' -e '^filler$' || true
}

# skip PART WHY: says why PART is not run.
skip() {
	echo "SKIP: $TEST_NAME: $1: $2" | head -n 1
}

# --- 1. SIGKILL during an import ---------------------------------------------

step "part 1: set-up"
IMPORT_DB=$(newdb import)
expect_exit 0 "$HITL" --db "$IMPORT_DB" init
expect_exit 0 "$HITL" --db "$IMPORT_DB" import "$SRCDIR/examples/demo.jsonl"
# Large enough that hitl needs about a second or more on any machine (a
# server takes the items more slowly: fewer of them).
BIG=100000 BIG_SHOWN=100,000
[ "$BACKEND" = sqlite ] || BIG=20000 BIG_SHOWN=20,000
gen "$BIG" big >big.jsonl
gen 30000 late >late.jsonl
before=$(db_state "$IMPORT_DB")

# import_killed WHEN: hitl imports big.jsonl and is killed (SIGKILL) WHEN
# seconds after it starts, or, on SQLite, as its commit starts writing the
# WAL ("commit"), or as the checkpoint after its commit grows the database
# file ("checkpoint", for late.jsonl). Sets RC.
import_killed() {
	_lib_where="import killed at $1"
	if [ "$BACKEND" = sqlite ]; then
		[ ! -s import.db-wal ] ||
		    fail "a WAL was left before the kill at $1"
		_size=$(stat -c %s import.db)
	fi
	_file=big.jsonl
	[ "$1" != checkpoint ] || _file=late.jsonl
	"$HITL" --db "$IMPORT_DB" import "$_file" >"$T/out" 2>"$T/err" &
	_pid=$!
	procs=$_pid
	case $1 in
	commit)
		while [ ! -s import.db-wal ] && kill -0 "$_pid" 2>/dev/null; do
			:
		done
		;;
	checkpoint)
		while [ "$(stat -c %s import.db)" -le "$_size" ] &&
		    kill -0 "$_pid" 2>/dev/null; do
			:
		done
		;;
	*)
		sleep "$1"
		;;
	esac
	kill -KILL "$_pid" 2>/dev/null || true
	RC=0
	wait "$_pid" 2>/dev/null || RC=$?
	procs=
}

# Killed before its commit, at different moments: nothing of the run is
# stored, and the database is intact. hitl is the first to open it after
# the crash, so it is hitl that meets the WAL the killed run left (on a
# server: the transaction the server rolled back when its client went).
KILLS_AT="0.05 0.4 commit"
[ "$BACKEND" = sqlite ] || KILLS_AT="0.05 0.4"
for when in $KILLS_AT; do
	step "part 1: import killed at $when"
	import_killed "$when"
	[ "$RC" -eq 137 ] ||
	    fail "the import ended (exit $RC) before the kill" "$T/out" "$T/err"
	expect_exit 0 "$HITL" --db "$IMPORT_DB" status
	expect_same "import killed at $when" "$IMPORT_DB" "$before"
	expect_intact "$IMPORT_DB"
done

step "part 1: the import again, to its end"
expect_exit 0 "$HITL" --db "$IMPORT_DB" import big.jsonl
expect_out "imported $BIG_SHOWN: queued $BIG_SHOWN, auto-decided 0; duplicates 0;"
expect_eq "items after the import" \
    "$(q "$IMPORT_DB" 'SELECT count(*) FROM items')" $((BIG + 180))
expect_intact "$IMPORT_DB"

# Killed after its commit, while the checkpoint copies it into the database
# file: the whole run is there.
if only_sqlite "part 1: an import killed during its checkpoint" \
    "a server's checkpoints are the server's"; then
	step "part 1: import killed during its checkpoint"
	import_killed checkpoint
	[ "$RC" -eq 137 ] || [ "$RC" -eq 0 ] ||
	    fail "the import of late.jsonl failed (exit $RC)" "$T/out" "$T/err"
	expect_exit 0 "$HITL" --db import.db status
	expect_eq "items after a kill after the commit" \
	    "$(q import.db 'SELECT count(*) FROM items')" 130180
	expect_intact import.db
	expect_exit 0 "$HITL" --db import.db import late.jsonl
	expect_out "imported 0: queued 0, auto-decided 0; duplicates 30,000;"
	rm -f import.db
fi
rm -f big.jsonl late.jsonl
ran=$((ran + 1))

# --- 2. SIGKILL during review ------------------------------------------------

# Four reviewers claim and approve through the CLI until the queue is empty;
# while items are left, one at random is killed (with the hitl it is
# running) at random moments, up to 30 times, and replaced by a new
# reviewer. Each reviewer appends every decision hitl reported (exit 0) to
# decided.log, so the log is a subset of what the database must hold,
# whenever the kill came. The clock is pinned: every lease ends at NOW +
# 30 s, however long the run takes.
step "part 2: set-up"
# Each command connects to a server anew, which takes longer than opening
# a file: fewer items there, as many kills.
ITEMS=800 WORKERS=4 KILLS=30
[ "$BACKEND" = sqlite ] || ITEMS=240
populated "$HITL_DB" "$ITEMS" rev
cat >worker.sh <<'EOF'
# worker.sh NAME: reviewer NAME claims and approves until nothing is left.
HITL_REVIEWER=$1
export HITL_REVIEWER
while :; do
	rc=0
	"$HITL" next >"w-$1.out" 2>&1 || rc=$?
	[ "$rc" -ne 69 ] || exit 0
	[ "$rc" -eq 0 ] || exit "$rc"
	set -- "$1" $(sed -n 's/^lease \([0-9]*\) on \([^ ]*\) .*/\2 \1/p' \
	    "w-$1.out")
	"$HITL" decide "$2" --lease "$3" approve >"w-$1.out" 2>&1 || exit $?
	sed -n "s/^decision \([0-9]*\): approve .*/\1 $2 $3/p" "w-$1.out" \
	    >>decided.log
done
EOF
export HITL T
: >decided.log

# spawn SLOT: a new reviewer in SLOT, in a session of its own, so that one
# kill takes its shell and the hitl it is running.
nspawned=0
spawn() {
	nspawned=$((nspawned + 1))
	setsid sh worker.sh "r$nspawned" &
	eval "slot$1=$!"
	faults_procs
}

# procs: the reviewers still running, for faults_exit. A reaped one's pid
# may be a stranger's by then: it leaves the list once waited for.
faults_procs() {
	procs=
	_s=1
	while [ "$_s" -le "$WORKERS" ]; do
		eval "procs=\"\$procs \${slot$_s:-}\""
		_s=$((_s + 1))
	done
}

# A reviewer whose script died after a claim, for certain.
expect_exit 0 hitl_as gone next

seed=$$
awk -v seed="$seed" -v k="$KILLS" -v w="$WORKERS" 'BEGIN {
	srand(seed)
	for (i = 0; i < k; i++)
		printf "%.3f %d\n", 0.05 + rand() * 0.25, 1 + int(rand() * w)
}' >kills
s=1
while [ "$s" -le "$WORKERS" ]; do
	spawn "$s"
	s=$((s + 1))
done
step "part 2: killing reviewers (seed $seed)"
killed=0
while read -r delay victim; do
	sleep "$delay"
	[ "$(q "$HITL_DB" "SELECT count(*) FROM items
	    WHERE state = 'queued'")" -gt 0 ] || break
	eval "pid=\$slot$victim"
	kill -KILL -"$pid" 2>/dev/null || true
	rc=0
	wait "$pid" 2>/dev/null || rc=$?
	# 0: it had found nothing left to claim.
	[ "$rc" -eq 137 ] || [ "$rc" -eq 0 ] ||
	    fail "a reviewer failed (exit $rc, seed $seed)" w-*.out
	killed=$((killed + 1))
	spawn "$victim"
done <kills
[ "$killed" -ge 10 ] ||
    fail "the queue ran dry after $killed kills: make ITEMS larger"

step "part 2: the survivors drain the queue"
s=1
while [ "$s" -le "$WORKERS" ]; do
	eval "pid=\$slot$s"
	rc=0
	wait "$pid" 2>/dev/null || rc=$?
	eval "slot$s="
	faults_procs
	[ "$rc" -eq 0 ] ||
	    fail "a reviewer failed (exit $rc, seed $seed)" w-*.out
	s=$((s + 1))
done
procs=

# Every decision hitl reported is there, as reported.
step "part 2: reported decisions are stored"
reported=$(wc -l <decided.log)
[ "$reported" -gt 0 ] || fail "no decision was reported"
values=$(awk '{ printf "%s(%d, '\''%s'\'', %d)", (NR > 1 ? ", " : ""),
    $1, $2, $3 }' decided.log)
missing=$(sql "WITH logged(id, item, lease) AS (VALUES $values)
    SELECT group_concat(l.id || ' ' || l.item, ', ') FROM logged l
    WHERE NOT EXISTS (SELECT 1 FROM decisions d JOIN items i
        ON i.id = d.item_id WHERE d.id = l.id AND i.ext_id = l.item AND
        d.lease_id = l.lease AND d.action = 'approve')")
[ -z "$missing" ] ||
    fail "decisions reported but not stored (seed $seed): $missing"
expect_intact "$HITL_DB"

# Items the killed reviewers held stay theirs until the leases end, then
# come back to the queue; no sweeper is needed, only the clock.
step "part 2: held items come back when their leases end"
held=$(sql "SELECT ext_id FROM items WHERE state = 'claimed'
    ORDER BY ext_id")
[ -n "$held" ] || fail "no item is held by a killed reviewer"
at 29
expect_exit 69 hitl_as sweeper next
expect_err "nothing to review"
at 31
: >swept
while :; do
	rc=0
	hitl_as sweeper next >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -ne 69 ] || break
	[ "$rc" -eq 0 ] || fail "sweeper: next exited $rc" "$T/out" "$T/err"
	set -- $(sed -n 's/^lease \([0-9]*\) on \([^ ]*\) until .*/\1 \2/p' \
	    "$T/out")
	expect_exit 0 hitl_as sweeper decide "$2" --lease "$1" approve
	echo "$2" >>swept
done
at 0
expect_eq "items handed back after the leases ended" \
    "$(sort swept | tr '\n' ' ')" "$(echo "$held" | tr '\n' ' ')"
expect_eq "items not decided" \
    "$(sql "SELECT count(*) FROM items WHERE state != 'decided'")" 0
expect_eq "approvals" \
    "$(sql "SELECT count(*) FROM decisions WHERE action = 'approve'")" \
    "$ITEMS"
expect_eq "items approved twice" "$(sql "SELECT count(*) FROM
    (SELECT item_id FROM decisions WHERE action = 'approve'
    GROUP BY item_id HAVING count(*) > 1) AS twice")" 0
expect_intact "$HITL_DB"
echo "part 2: $killed reviewers killed (seed $seed), $reported decisions" \
    "reported, $(echo "$held" | wc -l) items held by the dead"
ran=$((ran + 1))

# --- 3. A full disk ----------------------------------------------------------

# works_again JSONL EXPORT...: with space again, an import of JSONL (300
# items), r1's decision on ITEM and the export command EXPORT succeed.
works_again() {
	_in=$1
	shift
	expect_exit 0 "$HITL" --db "$FULL_DB" import "$_in"
	expect_out "imported 300: queued 300"
	expect_exit 0 hitl_as r1 --db "$FULL_DB" decide "$ITEM" \
	    --lease "$LEASE" approve
	expect_exit 0 "$@"
}

# The database on a 3 MB tmpfs (on PostgreSQL, its tables: in a tablespace
# there, the server's log and catalog staying on their disk). First nearly
# full (SQLite can open the database but not write a transaction), then
# completely full. Import, decide and export each fail with exit 74 and say
# the disk is full; nothing is stored, no file is left half-written, an
# earlier export at the same path is kept; once space is freed the same
# commands succeed. A server writes what fits in the pages it has (a
# decision, an export's run): there only what needs more (an import) is
# refused by the database, and an export by the full disk its file is on.
mkdir full
if ! mount -t tmpfs -o size=3m tmpfs "$T/full" 2>"$T/err"; then
	skip "part 3 (full disk)" "cannot mount a tmpfs: $(cat "$T/err")"
else
	mounts=$T/full
	step "part 3: set-up"
	FULL_DB=$(newdb full/q)
	if [ "$BACKEND" = postgresql ]; then
		# The server runs as its own login: it reaches $T/full/ts.
		chmod 711 "$T"
		mkdir full/ts
		chown "$HITL_PG_USER" full/ts
		TABLESPACE=faults_full_$$
		sql_cluster "CREATE TABLESPACE $TABLESPACE LOCATION '$T/full/ts'"
		sql_on "$FULL_DB" "DO \$\$ BEGIN EXECUTE format('ALTER DATABASE %I
		    SET default_tablespace = $TABLESPACE', current_database());
		    END \$\$"
	fi
	populated "$FULL_DB" 300 fq
	if [ "$BACKEND" = postgresql ]; then
		expect_eq "the items' tablespace" "$(sql_on "$FULL_DB" "SELECT
		    spcname FROM pg_tablespace t JOIN pg_class c
		    ON c.reltablespace = t.oid WHERE c.relname = 'items'")" \
		    "$TABLESPACE"
	fi
	claim_as r1 "$FULL_DB"
	expect_exit 0 hitl_as r1 --db "$FULL_DB" decide "$ITEM" \
	    --lease "$LEASE" approve
	claim_as r1 "$FULL_DB"
	expect_exit 0 hitl_as r1 --db "$FULL_DB" export --format decisions \
	    --since all -o full/out.jsonl
	sums=$(sha256sum full/out.jsonl full/out.jsonl.manifest.json)
	gen 300 fd >fd.jsonl
	gen 300 fe >fe.jsonl
	listing=$(files full)
	state=$(db_state "$FULL_DB")

	# fill KB: fills the tmpfs but for KB kilobytes (0: all of it).
	fill() {
		rm -f full/filler
		if [ "$1" -eq 0 ]; then
			dd if=/dev/zero of=full/filler bs=4096 2>/dev/null ||
			    true
		else
			_avail=$(df -Pk full | awk 'NR == 2 { print $4 }')
			dd if=/dev/zero of=full/filler bs=1024 \
			    count=$((_avail - $1)) 2>/dev/null
		fi
	}

	# refused_full CMD...: exit 74, and the message says the disk is full.
	refused_full() {
		expect_exit 74 "$@"
		expect_err_any "is full" "No space left"
	}

	step "part 3: nearly full"
	fill 64
	refused_full "$HITL" --db "$FULL_DB" import fd.jsonl
	if [ "$BACKEND" = sqlite ]; then
		refused_full hitl_as r1 --db "$FULL_DB" decide "$ITEM" \
		    --lease "$LEASE" approve
		refused_full hitl_as r1 --db "$FULL_DB" export \
		    --format decisions -o full/new.jsonl
		expect_eq "files after failures on a nearly full disk" \
		    "$(files full)" "$listing"
		refused_full hitl_as r1 --db "$FULL_DB" export \
		    --format decisions --since all -o full/out.jsonl
		expect_eq "the earlier export after a failed one" \
		    "$(sha256sum full/out.jsonl full/out.jsonl.manifest.json \
		    2>&1)" "$sums"
	fi
	expect_eq "files after failures on a nearly full disk" \
	    "$(files full)" "$listing"
	rm full/filler
	expect_same "failures on a nearly full disk" "$FULL_DB" "$state"
	expect_intact "$FULL_DB"

	step "part 3: space again"
	works_again fd.jsonl hitl_as r1 --db "$FULL_DB" export \
	    --format decisions -o full/new.jsonl
	[ -s full/new.jsonl ] && [ -s full/new.jsonl.manifest.json ] ||
	    fail "no export after space was freed"

	# Completely full: not even SQLite's shared-memory file fits. The
	# exports read the database of part 2 (elsewhere) and write to the
	# full disk: one over an earlier export leaves that as it was.
	step "part 3: completely full"
	claim_as r1 "$FULL_DB"
	expect_exit 0 hitl_as r1 --db "$FULL_DB" export --format decisions \
	    --since all -o full/out.jsonl
	sums=$(sha256sum full/out.jsonl full/out.jsonl.manifest.json)
	listing=$(files full)
	state=$(db_state "$FULL_DB")
	state2=$(db_state "$HITL_DB")
	fill 0
	refused_full "$HITL" --db "$FULL_DB" import fe.jsonl
	[ "$BACKEND" = postgresql ] ||
	    refused_full hitl_as r1 --db "$FULL_DB" decide "$ITEM" \
	    --lease "$LEASE" approve
	refused_full "$HITL" export --format decisions -o full/all.jsonl
	refused_full "$HITL" export --format decisions --since all \
	    -o full/out.jsonl
	expect_eq "files after failures on a full disk" "$(files full)" \
	    "$listing"
	expect_eq "an earlier export after a failed one" \
	    "$(sha256sum full/out.jsonl full/out.jsonl.manifest.json 2>&1)" \
	    "$sums"
	rm full/filler
	expect_same "failures on a full disk" "$FULL_DB" "$state"
	expect_same "an export onto a full disk" "$HITL_DB" "$state2"
	expect_intact "$FULL_DB"

	step "part 3: space again, after a full disk"
	works_again fe.jsonl "$HITL" export --format decisions -o full/all.jsonl
	expect_eq "records exported" "$(wc -l <full/all.jsonl)" \
	    "$(sql 'SELECT count(*) FROM decisions')"
	expect_intact "$FULL_DB"
	full_gone
	umount "$T/full"
	mounts=
	ran=$((ran + 1))
fi

# --- 4. A read-only database file, a read-only directory ---------------------

# make_ro PATH: PATH becomes read-only: by its mode, or, as root (whom modes
# do not bind), by a read-only bind mount of it onto itself; the files of a
# directory stay writable then, as they do with chmod.
make_ro() {
	if [ "$(id -u)" -ne 0 ]; then
		if [ -d "$1" ]; then chmod 0500 "$1"; else chmod 0400 "$1"; fi
		return 0
	fi
	mount --bind "$T/$1" "$T/$1" 2>"$T/err" || return 1
	mounts="$T/$1 $mounts"
	mount -o remount,bind,ro "$T/$1" 2>"$T/err" || return 1
	[ -d "$1" ] || return 0
	for _f in "$1"/*; do
		mount --bind "$T/$_f" "$T/$_f" 2>"$T/err" || return 1
		mounts="$T/$_f $mounts"
		mount -o remount,bind,rw "$T/$_f" 2>"$T/err" || return 1
	done
}

# undo_ro PATH: PATH is writable again.
undo_ro() {
	if [ "$(id -u)" -ne 0 ]; then
		chmod u+w "$1"
		# A read of the read-only file left its -wal and -shm read-only
		# too; hitl names them when it cannot write, and they are made
		# writable the same way.
		if [ -f "$1" ] && [ -e "$1-shm" ] && [ ! -w "$1-shm" ]; then
			_rc=0
			hitl_as r1 --db "$1" next >"$T/out" 2>"$T/err" ||
			    _rc=$?
			expect_eq "exit with a read-only $1-shm" "$_rc" 73
			expect_err "$1-shm is read-only"
			chmod u+w "$1-shm" "$1-wal" 2>/dev/null || true
		fi
		return 0
	fi
	for _m in $mounts; do
		umount "$_m"
	done
	mounts=
}

# refused_ro DB CMD...: exit 73, and a message naming the database and
# saying it cannot be written.
refused_ro() {
	_db=$1
	shift
	expect_exit 73 "$@"
	expect_err "$_db"
	expect_err "cannot write"
}

# refused_writes DB ITEM LEASE: r1's decision, a claim, an import and an
# export are each refused as above.
refused_writes() {
	refused_ro "$1" hitl_as r1 --db "$1" decide "$2" --lease "$3" approve
	refused_ro "$1" hitl_as r2 --db "$1" next
	refused_ro "$1" "$HITL" --db "$1" import rx.jsonl
	refused_ro "$1" "$HITL" --db "$1" export --format decisions \
	    --since all -o export-ro.jsonl
}

# read_only DB on|off: on PostgreSQL, the server takes only reads in DB
# (as a standby does), or writes again.
read_only() {
	sql_on "$1" "SET default_transaction_read_only = off;
	    DO \$\$ BEGIN EXECUTE format('ALTER DATABASE %I
	    SET default_transaction_read_only = $2', current_database());
	    END \$\$"
}

if [ "$BACKEND" = postgresql ]; then
	step "part 4: a read-only database"
	RO_DB=$(newdb ro)
	populated "$RO_DB" 20 ro
	claim_as r1 "$RO_DB"
	ITEM1=$ITEM LEASE1=$LEASE
	gen 20 rx >rx.jsonl
	state=$(db_state "$RO_DB")
	listing=$(files .)
	read_only "$RO_DB" on
	# Reading needs no write.
	expect_exit 0 "$HITL" --db "$RO_DB" status
	expect_out "queued"
	refused_writes "$RO_DB" "$ITEM1" "$LEASE1"
	expect_err "read-only"
	expect_eq "files after refusals" "$(files .)" "$listing"
	expect_same "a read-only database" "$RO_DB" "$state"
	read_only "$RO_DB" off
	expect_exit 0 hitl_as r1 --db "$RO_DB" decide "$ITEM1" \
	    --lease "$LEASE1" approve
	ran=$((ran + 1))
else
	# Each database has an item claimed by r1 (ITEM1 under LEASE1, ITEM2 under
	# LEASE2) that r1 decides once the database is writable again.
	mkdir rofile rodir
	populated rofile/r.db 20 ro
	claim_as r1 rofile/r.db
	ITEM1=$ITEM LEASE1=$LEASE
	populated rodir/r.db 20 rd
	claim_as r1 rodir/r.db
	ITEM2=$ITEM LEASE2=$LEASE
	gen 20 rx >rx.jsonl
	state=$(db_state rofile/r.db)
	sum=$(sha rofile/r.db)
	listing=$(files .)
	if ! make_ro rofile/r.db; then
		skip "part 4 (read-only)" \
		    "as root, and cannot bind-mount read-only: $(cat "$T/err")"
		undo_ro rofile/r.db
	else
		step "part 4: a read-only database file"
		# Reading needs no write.
		expect_exit 0 "$HITL" --db rofile/r.db status
		expect_out "queued"
		refused_writes rofile/r.db "$ITEM1" "$LEASE1"
		expect_eq "files after refusals" "$(files .)" "$listing"
		expect_eq "the read-only database's bytes" "$(sha rofile/r.db)" "$sum"
		undo_ro rofile/r.db
		expect_same "a read-only database" rofile/r.db "$state"
		expect_exit 0 hitl_as r1 --db rofile/r.db decide "$ITEM1" \
		    --lease "$LEASE1" approve

		step "part 4: a read-only directory"
		state=$(db_state rodir/r.db)
		sum=$(sha rodir/r.db)
		listing=$(files rodir)
		make_ro rodir || fail "cannot make rodir read-only: $(cat "$T/err")"
		refused_writes rodir/r.db "$ITEM2" "$LEASE2"
		expect_exit 73 "$HITL" --db rodir/r.db init
		expect_eq "files after refusals" "$(files rodir)" "$listing"
		[ ! -e export-ro.jsonl ] || fail "an export was left by a refused run"
		expect_eq "the database's bytes" "$(sha rodir/r.db)" "$sum"
		undo_ro rodir
		expect_same "a read-only directory" rodir/r.db "$state"
		expect_exit 0 hitl_as r1 --db rodir/r.db decide "$ITEM2" \
		    --lease "$LEASE2" approve
		ran=$((ran + 1))
	fi
fi

# --- 5. A database locked by another writer ----------------------------------

# hold DB SECONDS: another process takes DB's write lock and keeps it
# SECONDS: SQLite's (BEGIN IMMEDIATE), or, on a server, the log's head row
# that every writer that records events takes (as another hitl would);
# returns once the lock is taken, with its pid in HOLDER.
hold() {
	rm -f "$T/held"
	if [ "$BACKEND" = sqlite ]; then
		python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
' "$1" "$T/held" "$2" &
	else
		sql_on "$1" "BEGIN; SELECT one FROM audit_head FOR UPDATE;
\\! touch '$T/held'
		    SELECT pg_sleep($2); COMMIT;" >/dev/null 2>&1 &
	fi
	HOLDER=$!
	procs=$HOLDER
	_i=0
	while [ ! -e "$T/held" ]; do
		[ "$_i" -lt 200 ] || fail "the lock holder did not start"
		sleep 0.05
		_i=$((_i + 1))
	done
}

# release DB: the holder lets go of DB's lock before its time.
release() {
	if [ "$BACKEND" = sqlite ]; then
		kill "$HOLDER"
	else
		sql_on "$1" "SELECT count(pg_terminate_backend(pid))
		    FROM pg_stat_activity WHERE datname = current_database()
		    AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'" \
		    >/dev/null
	fi
	wait "$HOLDER" 2>/dev/null || true
	procs=
}

# busy CMD...: with a 500 ms busy timeout, CMD gives up after about that
# long (not at once, not never), exit 75, saying the database is busy.
busy() {
	_t0=$(ms)
	expect_exit 75 env HITL_BUSY_TIMEOUT=500 timeout 30 "$@"
	_t=$(($(ms) - _t0))
	expect_err "busy"
	expect_err "try again"
	[ "$_t" -ge 450 ] ||
	    fail "$*: gave up after $_t ms, before the busy timeout (500 ms)"
	[ "$_t" -le 3000 ] ||
	    fail "$*: gave up after $_t ms, long after the busy timeout"
}

step "part 5: set-up"
LOCK_DB=$(newdb lock)
populated "$LOCK_DB" 20 lk
claim_as r1 "$LOCK_DB"
expect_exit 0 hitl_as r1 --db "$LOCK_DB" decide "$ITEM" --lease "$LEASE" approve
expect_exit 0 "$HITL" --db "$LOCK_DB" export --format decisions -o lock.jsonl
sums=$(sha256sum lock.jsonl lock.jsonl.manifest.json)
claim_as r1 "$LOCK_DB"
state=$(db_state "$LOCK_DB")
gen 50 lk2 >lk2.jsonl
hold "$LOCK_DB" 60
step "part 5: writers give up after the busy timeout"
busy "$HITL" --reviewer r1 --db "$LOCK_DB" decide "$ITEM" --lease "$LEASE" \
    approve
busy "$HITL" --reviewer r2 --db "$LOCK_DB" next
busy "$HITL" --db "$LOCK_DB" import lk2.jsonl
# An export that cannot record its run leaves no file behind, and an
# earlier export at the same path as it was.
busy "$HITL" --db "$LOCK_DB" export --format decisions --since all \
    -o lock-new.jsonl
busy "$HITL" --db "$LOCK_DB" export --format decisions --since all \
    -o lock.jsonl
expect_eq "exports after busy failures" \
    "$(ls -A | grep '^lock.*json' | tr '\n' ' ')" \
    "lock.jsonl lock.jsonl.manifest.json "
expect_eq "the earlier export after a failed one" \
    "$(sha256sum lock.jsonl lock.jsonl.manifest.json 2>&1)" "$sums"
# Readers are not blocked by a writer (WAL; a server's snapshots).
expect_exit 0 env HITL_BUSY_TIMEOUT=500 "$HITL" --db "$LOCK_DB" status
release "$LOCK_DB"
expect_same "writers that gave up" "$LOCK_DB" "$state"

# A lock released within the busy timeout: the writer waits, then succeeds.
step "part 5: the lock released in time"
hold "$LOCK_DB" 1
expect_exit 0 env HITL_BUSY_TIMEOUT=10000 timeout 30 "$HITL" --reviewer r1 \
    --db "$LOCK_DB" decide "$ITEM" --lease "$LEASE" approve
wait "$HOLDER" 2>/dev/null || true
procs=
expect_exit 0 "$HITL" --db "$LOCK_DB" import lk2.jsonl
expect_out "imported 50"
expect_intact "$LOCK_DB"
ran=$((ran + 1))

# --- 6. A damaged database file ----------------------------------------------

# Copies of a populated database, one cut to half its size, one with 64 KiB
# in its middle overwritten. hitl says the file is damaged as soon as it
# reads a damaged page, changes nothing then, and never repairs it; audit
# verify finds damage wherever it is.
if only_sqlite "part 6 (a damaged database)" \
    "a server's storage is the server's to check: hitl never reads its files"
then
	step "part 6: set-up"
	populated good.db 3000 dm
	for i in 1 2 3 4 5; do
		claim_as r1 good.db
		expect_exit 0 hitl_as r1 --db good.db decide "$ITEM" --lease "$LEASE" \
		    approve
	done
	[ ! -s good.db-wal ] || fail "hitl left a WAL behind"
	pagesize=$(q good.db 'PRAGMA page_size')
	pages=$(($(stat -c %s good.db) / pagesize))
	gen 10 dm2 >dm2.jsonl

	cp good.db cut.orig
	truncate -s $(($(stat -c %s good.db) / 2)) cut.orig
	cp good.db bad.orig
	yes 'hitl fault injection' | head -c $((4 * pagesize)) |
	    dd of=bad.orig bs="$pagesize" seek=$((pages / 2 - 2)) conv=notrunc \
	    2>/dev/null
	cp bad.orig check.db
	_ic=$(q check.db 'PRAGMA integrity_check' 2>&1) || true
	[ "$_ic" != ok ] || fail "overwriting bad.orig did not damage it"

	# on_copy DB CMD...: CMD on a fresh copy of DB.orig; sets _rc and _sum (the
	# copy's checksum before CMD).
	on_copy() {
		_db=$1
		shift
		_lib_where="$* on the damaged $_db"
		rm -f "$_db" "$_db-wal" "$_db-shm"
		cp "${_db%.db}.orig" "$_db"
		# A restored copy comes with its signing key.
		cp good.db.key "$_db.key"
		_sum=$(sha "$_db")
		_rc=0
		"$@" >"$T/out" 2>"$T/err" || _rc=$?
	}

	# refused_damaged DB WHAT: WHAT said DB is damaged, and neither DB nor what
	# SQLite would read with it (its WAL) has changed.
	refused_damaged() {
		expect_err "$1"
		expect_err_any "damaged" "malformed" "corrupt"
		expect_eq "bytes of $1 after $2" "$(sha "$1")" "$_sum"
		[ ! -s "$1-wal" ] || fail "$2 left changes to $1 in its WAL"
	}

	# damaged DB CMD...: on a fresh copy of DB.orig, CMD fails as above.
	damaged() {
		on_copy "$@"
		[ "$_rc" -ne 0 ] ||
		    fail "$* worked on the damaged $1 (exit 0)" "$T/out" "$T/err"
		refused_damaged "$1" "$*"
	}

	step "part 6: a truncated database"
	damaged cut.db "$HITL" --db cut.db status
	damaged cut.db "$HITL" --db cut.db audit verify
	damaged cut.db hitl_as r1 --db cut.db next
	damaged cut.db "$HITL" --db cut.db import dm2.jsonl
	damaged cut.db "$HITL" --db cut.db export --format decisions --since all \
	    -o cut.jsonl
	[ ! -e cut.jsonl ] || fail "an export was written from a damaged database"

	# reads_around DB CMD...: damage in pages a command never reads is not
	# seen by it: it may run (SQLite writes only the pages it changes and
	# repairs nothing); if it reads them it fails as above. Either way the
	# damage is still there, and audit verify, which reads every page, says so.
	reads_around() {
		on_copy "$@"
		[ "$_rc" -eq 0 ] || refused_damaged "$1" "$*"
		expect_exit 65 "$HITL" --db "$1" audit verify
		expect_err "$1 is damaged"
		expect_err "repairs nothing"
	}

	step "part 6: a database overwritten in its middle"
	# status reads a few pages whatever the size (its counts are kept).
	reads_around bad.db "$HITL" --db bad.db status
	damaged bad.db "$HITL" --db bad.db audit verify
	reads_around bad.db hitl_as r1 --db bad.db next
	reads_around bad.db "$HITL" --db bad.db import dm2.jsonl
	rm -f bad.jsonl
	reads_around bad.db "$HITL" --db bad.db export --format decisions \
	    --since all -o bad.jsonl
	ran=$((ran + 1))
fi

[ "$ran" -gt 0 ] || exit 77
pass
