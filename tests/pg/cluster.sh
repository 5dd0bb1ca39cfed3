#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: made and started once per
# test run (the first test to need it starts it; make check's check-local
# stops it, and so does a watcher once the make that ran the tests is gone,
# after an interrupt say), listening on a Unix socket in its own directory
# only, with trust authentication for the cluster's own superuser. Nothing
# outside the build tree is touched, but for a short directory under /tmp
# where the build tree's path is too long for a socket's; as root it runs
# as an unprivileged user.
#
#   cluster.sh start          make and start it (if it is not running)
#   cluster.sh stop           stop it and remove it
#   cluster.sh restart        stop and start it again (fast: the tests'
#                             "failover")
#   cluster.sh halt           stop the server, keeping its data (start
#                             brings it back)
#   cluster.sh env            start it; print its socket directory,
#                             superuser and programs as shell assignments
#                             (HITL_PG_HOST, HITL_PG_USER, HITL_PG_BIN)
#   cluster.sh newdb NAME     a new, empty database; prints its URI
#   cluster.sh psql NAME ...  psql on database NAME
#
# HITL_PG_DIR names its directory (else tests/pg/cluster under $builddir);
# HITL_PG_WATCH, a process whose end stops it (make check sets its own);
# HITL_PG_DURABLE, a server that syncs its commits to disk (benchmarks).
# Without a PostgreSQL server installed it says so and exits 77 (skip).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
want=${HITL_PG_DIR:-${builddir:-.}/tests/pg/cluster}
mkdir -p "$(dirname "$want")"
want=$(cd "$(dirname "$want")" && pwd)/$(basename "$want")
# Both stay in the build tree, wherever the cluster is.
lockfile=$want.lock
pointer=$want.where

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	# Nothing can have been started: nothing to stop.
	case ${1:-} in
	stop|watcher)
		exit 0
		;;
	esac
	echo "cluster.sh: no PostgreSQL server (install the Debian package postgresql, or run build-aux/install-deps)" >&2
	exit 77
fi

# As root, the cluster belongs to the postgres login (made by the package);
# the clients need no such change (trust, as the superuser).
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	id "$owner" >/dev/null 2>&1 || {
		echo "cluster.sh: no postgres login to run the server as" >&2
		exit 77
	}
	as() { (cd / && setpriv --reuid="$owner" --regid="$(id -g "$owner")" \
	    --clear-groups -- "$@"); }
else
	owner=$(id -un)
	as() { "$@"; }
fi

# Whether the server's login can reach the directory asked for (a build
# tree under a private directory, mktemp's say, it cannot).
reachable() {
	[ "$(id -u)" -ne 0 ] ||
	    as sh -c 'cd "$1"' sh "$(dirname "$want")" 2>/dev/null
}

# The cluster's directory: the one asked for, unless its socket's path
# ("DIR/.s.PGSQL.5432") would pass the 107 bytes a Unix socket's may have,
# or the server's login cannot reach it; then a short one made under /tmp,
# named in the pointer file. With "make", one is made if there is none
# yet. Sets dir (empty: none).
resolve() {
	if [ "${#want}" -le 90 ] && reachable; then
		dir=$want
		[ "$1" != make ] || mkdir -p "$dir"
	elif [ -f "$pointer" ] && [ -d "$(cat "$pointer")" ]; then
		dir=$(cat "$pointer")
	elif [ "$1" = make ]; then
		dir=$(mktemp -d /tmp/hitl-pg.XXXXXX)
		echo "$dir" >"$pointer"
	else
		dir=
	fi
	[ -z "$dir" ] || [ ! -d "$dir" ] || dir=$(cd "$dir" && pwd)
	data=$dir/data
}

running() {
	[ -n "$dir" ] && [ -f "$data/postmaster.pid" ] &&
	    as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# One process at a time makes, starts or stops it: tests run side by side.
# Nothing started here may keep the lock's descriptor (9) open.
lock() {
	exec 9>>"$lockfile"
	flock 9
}

start() {
	lock
	resolve make
	if [ ! -d "$data" ]; then
		chown "$owner" "$dir" 2>/dev/null || :
		as "$bin/initdb" -D "$data" -A trust -U "$owner" -E UTF8 \
		    --locale=C </dev/null >"$dir/initdb.log" 2>&1 9>&- || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
		fresh=1
	fi
	if ! running; then
		# Tests need no durability; a benchmark (HITL_PG_DURABLE) does.
		speed="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
		[ -z "${HITL_PG_DURABLE:-}" ] || speed=
		# The sockets' directory is the cluster's; logins made by the
		# tests (shared.sh) connect through it too.
		chmod 0755 "$dir"
		as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o \
		    "-k $dir -c listen_addresses='' $speed -c max_connections=300 -c unix_socket_permissions=0777" \
		    start </dev/null >/dev/null 9>&- || {
			cat "$dir/server.log" >&2
			exit 1
		}
	fi
	if [ -n "${fresh:-}" ]; then
		# The tests' SQLite functions, in every database made from now.
		"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U "$owner" \
		    -d template1 -f "$here/sqlite-compat.sql" </dev/null \
		    >"$dir/compat.log" 2>&1 9>&- || {
			cat "$dir/compat.log" >&2
			exit 1
		}
	fi
	watch
	flock -u 9
}

# The watcher: while the process in $dir/watched lives (the latest make
# to run tests here), it waits; then it stops the cluster.
watch() {
	[ -n "${HITL_PG_WATCH:-}" ] || return 0
	# Replaced whole, never rewritten in place: the watcher reads it
	# without the lock, and an empty file would read as a make gone.
	if [ "$(cat "$dir/watched" 2>/dev/null)" != "$HITL_PG_WATCH" ]; then
		echo "$HITL_PG_WATCH" >"$dir/watched.new"
		mv -f "$dir/watched.new" "$dir/watched"
	fi
	if [ -f "$dir/watcher" ] && kill -0 "$(cat "$dir/watcher")" 2>/dev/null
	then
		return 0
	fi
	# In a session of its own: an interrupt of the tests does not reach
	# it. It holds nothing of theirs open.
	HITL_PG_DIR=$want setsid sh "$0" watcher </dev/null >/dev/null 2>&1 \
	    9>&- &
	echo $! >"$dir/watcher"
}

# Stops and removes it; the caller holds the lock.
stop_locked() {
	resolve find
	if running; then
		as "$bin/pg_ctl" -D "$data" -m immediate -w stop \
		    </dev/null >/dev/null 2>&1 9>&- || :
	fi
	[ -z "$dir" ] || rm -rf "$dir"
	rm -f "$pointer"
}

stop() {
	lock
	stop_locked
	flock -u 9
}

# Whether the make the cluster serves still runs.
watched_alive() {
	[ -n "$dir" ] && [ -d "$dir" ] && [ -f "$dir/watched" ] &&
	    kill -0 "$(cat "$dir/watched" 2>/dev/null || echo 0)" 2>/dev/null
}

case ${1:-} in
start)
	start
	;;
stop)
	stop
	rm -f "$lockfile"
	;;
halt)
	# Stops the server and keeps its data: start brings it back (the
	# tests' outage).
	resolve find
	as "$bin/pg_ctl" -D "$data" -m fast -w stop </dev/null >/dev/null
	;;
restart)
	resolve find
	as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -m fast -w restart \
	    </dev/null >/dev/null
	;;
env)
	start
	echo "HITL_PG_HOST='$dir' HITL_PG_USER='$owner' HITL_PG_BIN='$bin'"
	;;
newdb)
	start
	"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U "$owner" \
	    -d postgres -c "DROP DATABASE IF EXISTS \"$2\"" \
	    -c "CREATE DATABASE \"$2\"" >/dev/null
	echo "postgresql:///$2?host=$dir&user=$owner"
	;;
psql)
	resolve find
	name=$2
	shift 2
	"$bin/psql" -X -q -h "$dir" -U "$owner" -d "$name" "$@"
	;;
watcher)
	resolve find
	# The make is gone only if it still is under the lock: a test
	# starting meanwhile may have named the next one.
	while :; do
		while watched_alive; do
			sleep 1
		done
		lock
		watched_alive || break
		flock -u 9
	done
	[ -z "$dir" ] || [ ! -d "$dir" ] || stop_locked
	flock -u 9
	;;
*)
	echo "usage: cluster.sh start|stop|restart|env|newdb NAME|psql NAME ..." >&2
	exit 64
	;;
esac
