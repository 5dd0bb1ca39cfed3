#!/bin/sh
# Sourced by every CLI test: strict mode, a private directory that is removed
# on exit, a clean environment and the check helpers.
#
# The test runs with HITL (the binary) and SRCDIR (the source tree) set, as
# "make check" does; the current directory and HOME are the private
# directory $T, and HITL_DB is a new database of the test's backend:
# $T/test.db, or one of the test cluster's (below).
#
# The backend is SQLite unless HITL_TEST_BACKEND=postgresql, as
# tests/pg/run.sh runs each test a second time (with HITL_PG_HOST,
# HITL_PG_USER and HITL_PG_BIN naming the cluster). A test names its
# databases through newdb, runs SQL through sql and sql_on, compares with
# db_dump, copies with db_copy; what is about SQLite's files by nature runs
# only where only_sqlite says so.

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
	[ ! -f "$T/.lib-dbs" ] && [ ! -f "$T/.lib-roles" ] || _lib_dropdbs
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
unset HITL_DB HITL_REVIEWER HITL_NOW HITL_BUSY_TIMEOUT XDG_CONFIG_HOME

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

pass() {
	_lib_where="end of the test"
	echo "PASS: $TEST_NAME"
}

# --- the backend ---------------------------------------------------------------

BACKEND=${HITL_TEST_BACKEND:-sqlite}
case $BACKEND in
sqlite) ;;
postgresql)
	if [ -z "${HITL_PG_HOST:-}" ] || [ -z "${HITL_PG_BIN:-}" ]; then
		fail "on postgresql, the test runs through tests/pg/run.sh"
	fi
	;;
*)
	fail "HITL_TEST_BACKEND is sqlite or postgresql, not $BACKEND"
	;;
esac

# only_sqlite WHAT WHY: true on SQLite; on PostgreSQL, says that WHAT is
# not run there, and why (a test's part about SQLite's files, say).
only_sqlite() {
	[ "$BACKEND" = postgresql ] || return 0
	echo "SKIP part on postgresql: $TEST_NAME: $1: $2"
	return 1
}

# skip_test WHY: the whole test is skipped (exit 77), saying why (on
# PostgreSQL, a test of what only SQLite has).
skip_test() {
	_lib_failed=1
	echo "SKIP: $TEST_NAME on $BACKEND: $1"
	exit 77
}

# _lib_psql DBNAME PSQL-ARGS...: the cluster's psql as its superuser,
# unaligned and without headers, as sqlite3 -batch -noheader prints;
# searching hitl's schema first, then the tests' SQLite functions
# (tests/pg/sqlite-compat.sql).
_lib_psql() {
	_d=$1
	shift
	PGOPTIONS="-c search_path=hitl,sqlite_compat,pg_catalog -c client_min_messages=warning" \
	    "$HITL_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
	    -h "$HITL_PG_HOST" -U "$HITL_PG_USER" -d "$_d" "$@"
}

# _lib_pgname DB: the database name in a URI newdb made.
_lib_pgname() {
	_n=${1#postgresql:///}
	echo "${_n%%\?*}"
}

# newdb NAME: prints the name of a new database, which hitl has not made:
# the file NAME.db (NAME may have directories in it) on SQLite, nothing
# made; on PostgreSQL an empty database of the cluster's, new to this test
# (hitl init makes its schema), as a URI. The test's databases are
# dropped when it ends.
newdb() {
	_u=$(dbof "$1")
	if [ "$BACKEND" = postgresql ]; then
		_n=$(_lib_pgname "$_u")
		_lib_psql postgres \
		    -c "DROP DATABASE IF EXISTS \"$_n\" WITH (FORCE)" \
		    -c "CREATE DATABASE \"$_n\"" >/dev/null ||
		    fail "cannot make the database $_n"
		echo "$_n" >>"$T/.lib-dbs"
	fi
	echo "$_u"
}

# dbof NAME: the name newdb NAME gives, without making anything.
dbof() {
	if [ "$BACKEND" = sqlite ]; then
		echo "$1.db"
		return 0
	fi
	_n=$(printf '%s_%s' "$TEST_NAME" "${1#"$T"/}" |
	    tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
	if [ "${#_n}" -gt 60 ]; then
		_n=$(printf '%.48s_%s' "$_n" "$(echo "$_n" | cksum | cut -d' ' -f1)")
	fi
	echo "postgresql:///$_n?host=$HITL_PG_HOST&user=$HITL_PG_USER"
}

# The databases and roles a test made on the cluster go with it.
_lib_dropdbs() {
	set --
	for _n in $(sort -u "$T/.lib-dbs" 2>/dev/null); do
		set -- "$@" -c "DROP DATABASE IF EXISTS \"$_n\" WITH (FORCE)"
	done
	if [ -f "$T/.lib-roles" ]; then
		for _n in $(sort -u "$T/.lib-roles"); do
			set -- "$@" -c "DROP ROLE IF EXISTS \"$_n\""
		done
	fi
	_lib_psql postgres "$@" >/dev/null 2>&1 || :
}

# sql_on DB QUERY: QUERY (SQL statements) against database DB, as its
# owner: sqlite3 on a file, psql as the cluster's superuser.
sql_on() {
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 -batch -noheader "$1" "$2"
	else
		printf '%s\n' "$2" | _lib_psql "$(_lib_pgname "$1")" -f -
	fi
}

# sql_cluster QUERY: on PostgreSQL, QUERY against the cluster itself (its
# database postgres), as its superuser: for what is no one database's
# (tablespaces, say).
sql_cluster() {
	printf '%s\n' "$1" | _lib_psql postgres -f -
}

# db_drop DB: DB is gone: the file, its side files and its key; a server's
# database (and the key hitl keeps for it).
db_drop() {
	if [ "$BACKEND" = sqlite ]; then
		rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
	else
		sql_cluster "DROP DATABASE IF EXISTS \"$(_lib_pgname "$1")\"
		    WITH (FORCE)" >/dev/null
	fi
	rm -f "$(keyfile "$1")"
}

# sql QUERY: against $HITL_DB.
sql() {
	sql_on "$HITL_DB" "$1"
}

# db_dump DB: every row and the schema of DB, to compare.
db_dump() {
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 -batch "$1" .dump
	else
		sql_on "$1" "SELECT * FROM sqlite_compat.dump()"
	fi
}

# db_schema DB: the tables, indexes and triggers of DB, to compare.
db_schema() {
	if [ "$BACKEND" = sqlite ]; then
		sql_on "$1" "SELECT type, name, sql FROM sqlite_master
		    ORDER BY type, name"
	else
		sql_on "$1" "SELECT d FROM sqlite_compat.dump() AS d
		    WHERE d LIKE 'table %' OR d LIKE 'index %' OR
		    d LIKE 'trigger %'"
	fi
}

# keyfile DB: where hitl keeps the signing key of database DB: beside the
# file, or, for a server's, in ~/.config/hitl, named after the server's
# socket directory, port and database.
keyfile() {
	if [ "$BACKEND" = sqlite ]; then
		echo "$1.key"
	else
		echo "$HOME/.config/hitl/$(printf '%s-5432-%s' "$HITL_PG_HOST" \
		    "$(_lib_pgname "$1")" | tr '/. :' '____').key"
	fi
}

# db_copy DB NAME: a copy of DB and its key, as a backup would copy them;
# prints the copy's name (newdb's for NAME).
db_copy() {
	_c=$(newdb "$2")
	if [ "$BACKEND" = sqlite ]; then
		cp "$1" "$_c"
	else
		_lib_psql postgres -c "DROP DATABASE \"$(_lib_pgname "$_c")\"" \
		    -c "CREATE DATABASE \"$(_lib_pgname "$_c")\" TEMPLATE \"$(_lib_pgname "$1")\"" \
		    >/dev/null || fail "cannot copy the database $1"
	fi
	if [ -e "$(keyfile "$1")" ]; then
		cp -p "$(keyfile "$1")" "$(keyfile "$_c")"
	fi
	echo "$_c"
}

# db_sum DB: a checksum of what DB holds (db_dump's).
db_sum() {
	_s=$(db_dump "$1") || fail "cannot dump $1"
	printf '%s\n' "$_s" | sha256sum
}

# db_made DB: hitl (or anyone) made something at DB: the file, or a schema
# "hitl" in the database.
db_made() {
	if [ "$BACKEND" = sqlite ]; then
		[ -e "$1" ]
	else
		[ "$(sql_on "$1" "SELECT count(*) FROM pg_namespace
		    WHERE nspname = 'hitl'")" != 0 ]
	fi
}

# unguarded DB SQL: SQL run on DB past the append-only guards, as someone
# who owns the database would (an attacker with the file, or the server's
# superuser): the sqlite3 shell with the guards dropped and put back, no
# foreign key checked; psql as the superuser in replica mode (no trigger
# fires, no foreign key is checked), with the triggers that keep the
# waiting and state counts firing all the same, as on SQLite. The schema
# is as it was after.
unguarded() {
	if [ "$BACKEND" = sqlite ]; then
		_g="type = 'trigger' AND name LIKE '%\\_no\\_%' ESCAPE '\\'"
		_drop=$(sqlite3 -batch -noheader "$1" \
		    "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master
		    WHERE $_g") || return 1
		_make=$(sqlite3 -batch -noheader "$1" \
		    "SELECT sql || ';' FROM sqlite_master WHERE $_g") ||
		    return 1
		sqlite3 -batch -bail "$1" "BEGIN; $_drop
		    $2;
		    $_make COMMIT;"
	else
		sql_on "$1" "BEGIN;
		    SET LOCAL session_replication_role = replica;
		    ALTER TABLE items ENABLE ALWAYS TRIGGER waiting_update;
		    ALTER TABLE items ENABLE ALWAYS TRIGGER state_counts_update;
		    $2;
		    ALTER TABLE items ENABLE TRIGGER waiting_update;
		    ALTER TABLE items ENABLE TRIGGER state_counts_update;
		    COMMIT;"
	fi
}

# drop_guard DB GUARD...: the append-only guards GUARD (decisions_no_update,
# say) are gone from DB: dropped on SQLite, disabled on PostgreSQL.
drop_guard() {
	_db=$1
	shift
	for _gd in "$@"; do
		if [ "$BACKEND" = sqlite ]; then
			sql_on "$_db" "DROP TRIGGER $_gd"
		else
			sql_on "$_db" "ALTER TABLE ${_gd%_no_*} DISABLE TRIGGER $_gd"
		fi || return 1
	done
}

# newrole NAME [ATTRIBUTES]: on PostgreSQL, a new role of the cluster's for
# this test (LOGIN unless ATTRIBUTES say otherwise); prints its name. The
# test's roles are dropped when it ends, after its databases.
newrole() {
	_r=$(printf '%s_%s' "$TEST_NAME" "$1" | tr 'A-Z' 'a-z' |
	    tr -c 'a-z0-9\n' '_')
	_lib_psql postgres -c "DROP ROLE IF EXISTS \"$_r\"" \
	    -c "CREATE ROLE \"$_r\" ${2:-LOGIN}" >/dev/null ||
	    fail "cannot make the role $_r"
	echo "$_r" >>"$T/.lib-roles"
	echo "$_r"
}

# sql_as ROLE DB QUERY: QUERY against DB on PostgreSQL, connected as ROLE.
sql_as() {
	printf '%s\n' "$3" | PGOPTIONS="-c search_path=hitl,sqlite_compat,pg_catalog -c client_min_messages=warning" \
	    "$HITL_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
	    -h "$HITL_PG_HOST" -U "$1" -d "$(_lib_pgname "$2")" -f -
}

# schema_version DB: the version of hitl's schema DB records.
schema_version() {
	if [ "$BACKEND" = sqlite ]; then
		sql_on "$1" "PRAGMA user_version"
	else
		sql_on "$1" "SELECT max(version) FROM migrations"
	fi
}

# console_db DB: sets CONSOLE_DB, the name a console test gives DB, and
# CONSOLE_ENV, the environment (VAR=VALUE words) that goes with it: on
# PostgreSQL the bare URI "postgresql://", the database, host and user in
# PGDATABASE, PGHOST and PGUSER, so that the console's header, which shows
# the name, keeps room for the rest, as it does with a file's.
console_db() {
	if [ "$BACKEND" = sqlite ]; then
		CONSOLE_DB=$1
		CONSOLE_ENV=
	else
		CONSOLE_DB=postgresql://
		CONSOLE_ENV="PGDATABASE=$(_lib_pgname "$1") PGHOST=$HITL_PG_HOST PGUSER=$HITL_PG_USER"
	fi
}

# console_header FILE: on PostgreSQL, the first line of a screen dump with
# the name "postgresql://" put back as the file name test.db that the
# expected screens show (the rest of that line was cut six columns before
# theirs: see screen_diff).
console_header() {
	[ "$BACKEND" = sqlite ] ||
	    sed -i '1s|^hitl  postgresql://  |hitl  test.db  |' "$1"
}

# screen_diff WANT GOT: diff -u of two screen dumps; on PostgreSQL the
# header of GOT (console_header) need only begin the header of WANT.
screen_diff() {
	if [ "$BACKEND" = postgresql ]; then
		_w=$(sed -n 1p "$1")
		_g=$(sed -n 1p "$2")
		# The header drops the database's name when it does not fit,
		# and a server's name is longer than test.db.
		case $_g in
		"hitl  test.db  "*)
			case $_w in
			"$_g"*)
				_g=$_w ;;
			esac ;;
		*)
			[ "$_g" != "$(printf '%s\n' "$_w" |
			    sed 's/^hitl  test\.db  /hitl  /')" ] || _g=$_w ;;
		esac
		{ printf '%s\n' "$_g"; sed 1d "$2"; } >"$2.header"
		set -- "$1" "$2.header"
	fi
	diff -u "$1" "$2"
}

HITL_DB=$(newdb "$T/test")
export HITL_DB

# console_init WORK DB DATA: DB made in WORK (also its HOME) at the
# console's clock, with the example policy and tests/data/DATA imported.
console_init() {
	(cd "$1" && export HITL_NOW=1795780800 HOME="$1" &&
	    "$HITL" --db "$2" init --policy "$SRCDIR/examples/policy.json" \
	    >/dev/null && "$HITL" --db "$2" import "$SRCDIR/tests/data/$3" \
	    >/dev/null) || fail "setup"
}

# console_run WORK REVIEWER KEYS: the console on CONSOLE_DB, run in WORK
# (also its HOME) by REVIEWER and driven by the key script KEYS, in a 100x30
# off-screen terminal with TERM, locale, time zone and clock pinned, as
# screens.sh runs it; it must exit 0 with nothing on stderr.
console_run() {
	(cd "$1" && env -i PATH="$PATH" HOME="$1" TERM=xterm-256color \
	    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 LINES=30 \
	    HITL_NOW=1795780800 HITL_REVIEWER="$2" $CONSOLE_ENV \
	    timeout 30 "$HITL" --db "$CONSOLE_DB" review --script "$3" \
	    </dev/null >"$1/stdout" 2>"$1/stderr") ||
	    fail "the console exited with $?" "$1/stderr"
	[ ! -s "$1/stderr" ] || fail "stderr is not empty" "$1/stderr"
}

# console_screens WORK DIR NAME...: each screen NAME the console dumped in
# WORK equals DIR/NAME; UPDATE=1 copies them to DIR instead.
console_screens() {
	# Names of their own: screen_diff sets _w.
	_cw=$1
	_cd=$2
	shift 2
	for _cs in "$@"; do
		[ -f "$_cw/$_cs" ] || fail "no screen $_cs"
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$_cw/$_cs" "$_cd/$_cs"
			continue
		fi
		console_header "$_cw/$_cs"
		screen_diff "$_cd/$_cs" "$_cw/$_cs" >&2 ||
		    fail "screen $_cs differs (above)"
	done
}
