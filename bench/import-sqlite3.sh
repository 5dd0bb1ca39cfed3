#!/bin/sh
# Baseline import for the benchmark: runs bench/import-sqlite3.sql in the
# sqlite3 shell against DB (created beforehand by `hitl init`), reading FILE.
#   import-sqlite3.sh DB FILE
# FILE is spliced into the script (dot-commands take no parameters), so it
# must not contain quotes, backslashes, '|' or newlines.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DB FILE" >&2; exit 64; }
db=$1 file=$2
case $file in
*[\'\"\\\|]* | *'
'*)
	echo "$0: unsupported characters in file name: $file" >&2
	exit 64 ;;
esac
sed "s|@INPUT@|$file|g" "$(dirname "$0")/import-sqlite3.sql" |
    ${SQLITE3:-sqlite3} -batch "$db" >/dev/null
