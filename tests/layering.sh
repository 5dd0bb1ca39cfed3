#!/bin/sh
# The architecture, checked on the sources: each layer uses only the one
# below it. queue/'s rules hold no SQL and no statements (the record files
# of queue/store/ do); only the SQLite backend calls sqlite3_, only the
# PostgreSQL one PQ*; the console and the exports use queue/'s API alone,
# and queue/ and export/ know nothing of curses.
set -u
cd "${SRCDIR:-$(dirname "$0")/..}" || exit 99
fail=0

# Prints the files of the list (after the message) that match the pattern,
# and fails the test if there are any.
refuse() {
	why=$1 pattern=$2
	shift 2
	hits=$(grep -lE -- "$pattern" "$@" 2>/dev/null)
	if [ -n "$hits" ]; then
		printf '%s:\n%s\n' "$why" "$hits" >&2
		fail=1
	fi
}

rules=$(ls queue/*.c queue/*.h)
above="$rules $(ls cli/*.c cli/*.h tui/*.c tui/*.h export/*.c export/*.h)"
sqlite_backend="queue/store/sqlite.c queue/store/sqlite-schema.c"
pg_backend="queue/store/pg.c queue/store/pg-schema.c"
records=$(ls queue/store/*.c queue/store/*.h | grep -v -e /sqlite -e /pg)

refuse "SQL text above the store (queue/store/ holds it)" \
    '"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|TRUNCATE)[[:space:]]' \
    $above
refuse "statements used above the store (call a record function of records.h)" \
    '(store_prepare|store_stmt|store_bind_[a-z]+|store_step|store_reset|store_one|store_run|store_exec|store_column_text|store_scan_new)[[:space:]]*\(' \
    $above
refuse "sqlite3 outside the SQLite backend" 'sqlite3_|<sqlite3\.h>' \
    $above $pg_backend $records
refuse "libpq outside the PostgreSQL backend" '\<PQ[a-z]+[[:space:]]*\(|<libpq-fe\.h>' \
    $above $sqlite_backend $records
refuse "curses in the queue or the exports" '<n?curses|<ncursesw/' \
    $rules export/*.c export/*.h queue/store/*.c
refuse "the console or an export reaching below queue/'s API" \
    '#include "(internal|store|records|sqlite|pg)\.h"' \
    cli/*.c cli/*.h tui/*.c tui/*.h export/*.c export/*.h

# The checks themselves: each pattern must find what it is for.
grep -qE 'sqlite3_open' queue/store/sqlite.c || { echo "check broken: sqlite3" >&2; fail=1; }
grep -qE '\<PQexec' queue/store/pg.c || { echo "check broken: PQ" >&2; fail=1; }
exit $fail
