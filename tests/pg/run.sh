#!/bin/sh
# make check's log compiler for the PostgreSQL runs: TEST.sh.pg (a stub
# make writes in the build tree) runs $SRCDIR/TEST.sh with
# HITL_TEST_BACKEND=postgresql against the test run's throwaway cluster,
# which the first such test starts (tests/pg/cluster.sh). Without a
# PostgreSQL server the test is skipped (77), saying why.
set -eu
: "${SRCDIR:?}"
t=${1#./}
t=${t#"$SRCDIR"/}
script=$SRCDIR/${t%.pg}
name=$(basename "$script" .sh)
[ -f "$script" ] || {
	echo "FAIL: $name on postgresql: no test $script" >&2
	exit 1
}
rc=0
env=$(sh "$SRCDIR/tests/pg/cluster.sh" env) || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "SKIP: $name on postgresql: no PostgreSQL server to run it on"
	exit 77
elif [ "$rc" -ne 0 ]; then
	echo "FAIL: $name on postgresql: the test cluster did not start" >&2
	exit 1
fi
eval "$env"
HITL_TEST_BACKEND=postgresql
export HITL_TEST_BACKEND HITL_PG_HOST HITL_PG_USER HITL_PG_BIN
exec sh "$script"
