#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: made and started once per
# test run (the first test to need it starts it; make check's check-local
# stops it), listening on a Unix socket in its own directory only, with
# trust authentication for the cluster's own superuser. Nothing outside the
# build tree is touched; as root it runs as an unprivileged user.
#
#   cluster.sh start          make and start it (if it is not running)
#   cluster.sh stop           stop it and remove it
#   cluster.sh restart        stop and start it again (fast: the tests'
#                             "failover")
#   cluster.sh newdb NAME     a new, empty database; prints its URI
#   cluster.sh psql NAME ...  psql on database NAME
set -eu

dir=${HITL_PG_DIR:-${builddir:-.}/tests/pg/cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "cluster.sh: no PostgreSQL server (install the Debian package postgresql, or run build-aux/install-deps)" >&2
	exit 77
fi

# As root, the cluster belongs to the postgres login (made by the package).
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	id "$owner" >/dev/null 2>&1 || {
		echo "cluster.sh: no postgres login to run the server as" >&2
		exit 77
	}
	as() { setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups -- "$@"; }
else
	owner=$(id -un)
	as() { "$@"; }
fi
data=$dir/data
log=$dir/server.log

running() {
	as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
	# One starter at a time: tests run side by side.
	exec 9>"$dir/.lock"
	flock 9
	if [ ! -d "$data" ]; then
		chown "$owner" "$dir" 2>/dev/null || :
		as "$bin/initdb" -D "$data" -A trust -U "$owner" -E UTF8 \
		    --locale=C >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
	fi
	if ! running; then
		# The sockets' directory is the cluster's; logins made by the
		# tests (shared.sh) connect through it too.
		chmod 0755 "$dir"
		as "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o \
		    "-k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=300 -c unix_socket_permissions=0777" \
		    start >/dev/null || {
			cat "$log" >&2
			exit 1
		}
	fi
	flock -u 9
}

case ${1:-} in
start)
	start
	;;
stop)
	if [ -d "$data" ] && running; then
		as "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || :
	fi
	rm -rf "$dir"
	;;
restart)
	as "$bin/pg_ctl" -D "$data" -l "$log" -m fast -w restart >/dev/null
	;;
newdb)
	start
	name=$2
	as "$bin/dropdb" -h "$dir" -U "$owner" --if-exists "$name" 2>/dev/null || :
	as "$bin/createdb" -h "$dir" -U "$owner" "$name"
	echo "postgresql:///$name?host=$dir&user=$owner"
	;;
psql)
	name=$2
	shift 2
	as "$bin/psql" -X -q -h "$dir" -U "$owner" -d "$name" "$@"
	;;
*)
	echo "usage: cluster.sh start|stop|restart|newdb NAME|psql NAME ..." >&2
	exit 64
	;;
esac
