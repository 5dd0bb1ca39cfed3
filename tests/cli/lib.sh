#!/bin/sh
# Sourced by every CLI test: strict mode, a private directory that is removed
# on exit, a clean environment and the check helpers.
#
# The test runs with HITL (the binary) and SRCDIR (the source tree) set, as
# "make check" does; the current directory and HOME are the private
# directory $T, and HITL_DB is $T/test.db.

set -eu

TEST_NAME=$(basename "$0" .sh)

if [ -z "${HITL:-}" ] || [ ! -x "$HITL" ]; then
	echo "FAIL: $TEST_NAME: HITL must name the hitl binary" >&2
	exit 1
fi
if [ -z "${SRCDIR:-}" ] || [ ! -d "$SRCDIR/examples" ]; then
	echo "FAIL: $TEST_NAME: SRCDIR must name the source tree" >&2
	exit 1
fi

_lib_failed=
_lib_where="start of the test"

_lib_exit() {
	_lib_rc=$?
	if [ "$_lib_rc" -ne 0 ] && [ -z "$_lib_failed" ]; then
		echo "FAIL: $TEST_NAME: a command failed (exit $_lib_rc) after" \
		    "the check: $_lib_where" >&2
	fi
	cd /
	rm -rf "$T"
	exit "$_lib_rc"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/hitl-$TEST_NAME.XXXXXX")
trap _lib_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$T"

HOME=$T
export HOME
unset HITL_DB HITL_REVIEWER HITL_NOW HITL_BUSY_TIMEOUT
HITL_DB=$T/test.db
export HITL_DB

# The login hitl acts as (its fallback when there is no passwd entry too).
LOGIN=$(id -un 2>/dev/null || echo "uid$(id -u)")

# show FILE...: the files on stderr, indented, for a failure report.
show() {
	for _f in "$@"; do
		if [ ! -e "$_f" ]; then
			echo "  --- $(basename "$_f"): (missing)" >&2
		elif [ ! -s "$_f" ]; then
			echo "  --- $(basename "$_f"): (empty)" >&2
		else
			echo "  --- $(basename "$_f"):" >&2
			head -c 4000 "$_f" | sed 's/^/  | /' >&2
		fi
	done
}

# fail MSG [FILE...]: report the failed check (and the files) and stop.
fail() {
	_lib_failed=1
	echo "FAIL: $TEST_NAME: $1" >&2
	shift
	[ $# -eq 0 ] || show "$@"
	exit 1
}

# bug MSG [FILE...]: reports a failed check (and the files) and goes on;
# the test then fails at its end ([ -z "$BUGS" ] || fail ...), so that one
# run reports every such check.
BUGS=
bug() {
	echo "FAIL: $TEST_NAME: $1" >&2
	shift
	[ $# -eq 0 ] || show "$@"
	BUGS="$BUGS x"
}

# step TEXT: names what the test is doing, for the report of an unexpected
# error between checks.
step() {
	_lib_where=$*
}

# expect_exit CODE CMD...: runs CMD, stdout to $T/out and stderr to $T/err.
expect_exit() {
	_want=$1
	shift
	_lib_where="exit $_want from: $*"
	_rc=0
	"$@" >"$T/out" 2>"$T/err" || _rc=$?
	if [ "$_rc" -ne "$_want" ]; then
		fail "expected exit $_want, got $_rc from: $*" "$T/out" "$T/err"
	fi
}

# expect_out PATTERN / expect_err PATTERN: a fixed string in $T/out or $T/err.
expect_out() {
	_lib_where="stdout has: $1"
	grep -F -q -e "$1" "$T/out" ||
	    fail "stdout lacks \"$1\"" "$T/out"
}

expect_err() {
	_lib_where="stderr has: $1"
	grep -F -q -e "$1" "$T/err" ||
	    fail "stderr lacks \"$1\"" "$T/err"
}

# expect_no_out PATTERN / expect_no_err PATTERN-or-nothing.
expect_no_out() {
	_lib_where="stdout lacks: $1"
	! grep -F -q -e "$1" "$T/out" ||
	    fail "stdout should not have \"$1\"" "$T/out"
}

expect_no_err() {
	if [ $# -eq 0 ]; then
		_lib_where="stderr is empty"
		[ ! -s "$T/err" ] || fail "stderr should be empty" "$T/err"
	else
		_lib_where="stderr lacks: $1"
		! grep -F -q -e "$1" "$T/err" ||
		    fail "stderr should not have \"$1\"" "$T/err"
	fi
}

# expect_eq WHAT GOT WANT
expect_eq() {
	_lib_where=$1
	[ "$2" = "$3" ] || fail "$1: expected \"$3\", got \"$2\""
}

# expect_mode FILE MODE: the permission bits, as stat -c %a prints them.
expect_mode() {
	_lib_where="mode of $1"
	[ -e "$1" ] || fail "$1 does not exist"
	_m=$(stat -c %a "$1")
	[ "$_m" = "$2" ] || fail "$1 has mode $_m, expected $2"
}

# sql QUERY: against $HITL_DB.
sql() {
	sqlite3 -batch -noheader "$HITL_DB" "$1"
}

pass() {
	_lib_where="end of the test"
	echo "PASS: $TEST_NAME"
}
