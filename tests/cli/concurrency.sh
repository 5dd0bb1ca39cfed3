#!/bin/sh
# Reviewers at once, on either backend (HITL_TEST_BACKEND). Two groups of 8
# reviewer processes (two hosts) drain 10,000 items: each item is decided
# exactly once and the chain verifies. Then with reviewers killed (SIGKILL)
# at random moments, and on PostgreSQL with the server restarted in the
# middle (pg_ctl restart -m fast): every decision a reviewer was told had
# committed is there, none it was told was not recorded is, and nothing
# nobody attempted.
set -eu
: "${HITL_STRESS:?}"
backend=${HITL_TEST_BACKEND:-sqlite}
# tmpfs when there is one: this checks the locking, not the disk.
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
T=$(mktemp -d "$base/hitl-stress.XXXXXX")
trap 'rm -rf "$T"' EXIT
# The server of the restart test runs as another login (as root).
chmod 711 "$T"
cluster="sh ${SRCDIR:-.}/tests/pg/cluster.sh"
# Where hitl-stress keeps a server database's signing key.
XDG_CONFIG_HOME=$T/cfg
export XDG_CONFIG_HOME
mkdir -m 700 "$XDG_CONFIG_HOME" "$XDG_CONFIG_HOME/hitl"

fail() { echo "FAIL: concurrency on $backend: $*" >&2; exit 1; }

# db NAME: a new database of the backend under test.
db() {
	if [ "$backend" = postgresql ]; then
		$cluster newdb "hitl_concurrency_$1" || fail "no database $1"
	else
		echo "$T/$1.db"
	fi
}

# stress WHAT ARGS...: runs hitl-stress, shows what it said, and checks what
# every run must show.
stress() {
	what=$1
	shift
	out=$("$HITL_STRESS" "$@") || { echo "$out"; fail "$what"; }
	echo "$out"
	echo "$out" | grep -q "integrity_check: ok" || fail "$what: integrity"
	echo "$out" | grep -q "decided twice: 0" || fail "$what: decided twice"
	echo "$out" | grep -q "audit chain verified" || fail "$what: verify"
}

stress "two hosts" -g 2 "$(db run)" 10000 16
echo "$out" | grep -q "items: 10000, decided: 10000, decisions: 10000," ||
    fail "two hosts: not each item decided once"

stress "kills" -g 2 -k 25 -l "$T/crash.log" "$(db crash)" 3000 16
echo "$out" | grep -q "missing: 0$" || fail "kills: a committed decision lost"
echo "$out" | grep -q "there anyway: 0$" || fail "kills: a failed one kept"
echo "$out" | grep -q "decisions nobody attempted: 0$" ||
    fail "kills: a decision nobody made"

if [ "$backend" = postgresql ]; then
	# A cluster of its own: the other tests' must not see the restart.
	own="env HITL_PG_DIR=$T/pg HITL_PG_WATCH= $cluster"
	trap '$own stop >/dev/null 2>&1; rm -rf "$T"' EXIT
	uri=$($own newdb hitl_concurrency_restart) || fail "no cluster to restart"
	stress "restart" -g 2 -k 5 -l "$T/restart.log" \
	    -r "$own restart >/dev/null" "$uri" 3000 16
	echo "$out" | grep -q "server restarted" || fail "restart: not run"
	echo "$out" | grep -q "missing: 0$" ||
	    fail "restart: a committed decision lost"
	echo "$out" | grep -q "there anyway: 0$" ||
	    fail "restart: a decision hitl said was not recorded is there"
	echo "$out" | grep -q "decisions nobody attempted: 0$" ||
	    fail "restart: a decision nobody made"
	# The restart must have hit reviewers in the middle of their work.
	grep -q "^failed \|^unknown " "$T/restart.log" ||
	    echo "note: the restart interrupted no decision this time"
fi
echo "PASS: concurrency on $backend"
