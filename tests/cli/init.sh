#!/bin/sh
# hitl init, opening foreign or newer files, global options and help.
. "$SRCDIR/tests/cli/lib.sh"

# --- init creates a private database, whatever the umask -------------------

umask 000
expect_exit 0 "$HITL" init
umask 022
expect_out "created $HITL_DB (schema "
expect_no_err
expect_mode "$HITL_DB" 600
expect_eq "schema recorded in user_version" \
    "$(sql 'PRAGMA user_version')" \
    "$(sed -n 's/.*(schema \([0-9]*\)).*/\1/p' "$T/out")"
for f in "$HITL_DB"-wal "$HITL_DB"-shm; do
	[ ! -e "$f" ] || expect_mode "$f" 600
done

# Without --db or $HITL_DB, the database is ./hitl.db.
umask 000
expect_exit 0 env -u HITL_DB "$HITL" init
umask 022
expect_out "created hitl.db"
expect_mode hitl.db 600

# --db wins over $HITL_DB.
expect_exit 0 "$HITL" --db other.db init
expect_out "created other.db"
[ -e other.db ] || fail "--db other.db did not create other.db"

# A second init only reports; it is not an error.
cp "$HITL_DB" before.db
expect_exit 0 "$HITL" init
expect_out "is already a hitl database"
expect_no_err

# --policy loads the policy as version 1.
expect_exit 0 "$HITL" --db x.db init --policy "$SRCDIR/examples/policy.json"
expect_out "created x.db"
expect_out "loaded policy version 1"
expect_eq "policy versions in x.db" \
    "$(sqlite3 -batch -noheader x.db 'SELECT max(version) FROM policies')" 1

# --- status refuses what is not a current hitl database ----------------------

# Text that is not SQLite, large and small.
awk 'BEGIN { for (i = 0; i < 200; i++) print "line " i " of a notes file" }' \
    >notes.txt
cp notes.txt notes.orig
expect_exit 65 "$HITL" --db notes.txt status
expect_err "not a hitl database"
cmp -s notes.txt notes.orig || fail "status changed notes.txt"
[ ! -e notes.txt-wal ] && [ ! -e notes.txt-journal ] ||
    fail "status left SQLite side files next to notes.txt"

printf 'hello\n' >tiny.txt
cp tiny.txt tiny.orig
expect_exit 65 "$HITL" --db tiny.txt status
expect_err "not a hitl database"
cmp -s tiny.txt tiny.orig || fail "status changed tiny.txt"

# An SQLite database of some other program.
sqlite3 foreign.db "CREATE TABLE t (a); INSERT INTO t VALUES (1);"
cp foreign.db foreign.orig
expect_exit 65 "$HITL" --db foreign.db status
expect_err "not a hitl one"
cmp -s foreign.db foreign.orig || fail "status changed foreign.db"
expect_exit 65 "$HITL" --db foreign.db init
cmp -s foreign.db foreign.orig || fail "init changed foreign.db"

# No database at all: 66, pointing at hitl init, and nothing created.
expect_exit 66 "$HITL" --db missing.db status
expect_err "hitl init"
[ ! -e missing.db ] || fail "status created missing.db"

# An empty file is not a database either.
: >empty.db
expect_exit 66 "$HITL" --db empty.db status
expect_err "hitl init"

# A database written by a newer hitl is refused and left alone.
expect_exit 0 "$HITL" --db newer.db init
sqlite3 newer.db "PRAGMA user_version=99"
cp newer.db newer.orig
expect_exit 65 "$HITL" --db newer.db status
expect_err "newer"
cmp -s newer.db newer.orig || fail "status changed the newer database"
expect_exit 65 "$HITL" --db newer.db init
expect_err "newer"
cmp -s newer.db newer.orig || fail "init changed the newer database"

# --- usage, help and version -------------------------------------------------

expect_exit 64 "$HITL" frobnicate
expect_err "unknown command 'frobnicate'"
expect_exit 64 "$HITL"
expect_err "usage:"
expect_exit 64 "$HITL" --no-such-option status
expect_err "usage:"

expect_exit 0 "$HITL" help
for c in init import status policy demo help; do
	grep -q "^  $c " "$T/out" || fail "hitl help does not list $c" "$T/out"
done
expect_exit 0 "$HITL" --help
expect_out "usage: hitl"
expect_exit 0 "$HITL" help import
expect_out "usage: hitl import"
expect_out "--skip-invalid"
expect_exit 64 "$HITL" help frobnicate
expect_err "unknown command"

expect_exit 0 "$HITL" --version
expect_out "hitl "
grep -Eq '^hitl [0-9]+\.[0-9]+' "$T/out" || fail "odd --version" "$T/out"

expect_exit 64 "$HITL" import
expect_err "usage:"
expect_exit 64 "$HITL" init extra-argument
expect_err "usage: hitl init"
expect_exit 64 "$HITL" status --bogus
expect_err "usage: hitl status"

# --- a path that cannot be a database file ----------------------------------

mkdir adir
_rc=0
"$HITL" --db adir init >"$T/out" 2>"$T/err" || _rc=$?
[ "$_rc" -ne 0 ] || fail "init on a directory succeeded" "$T/out" "$T/err"
expect_err "adir"
# Clear: says what is wrong with the path, not a vague "cannot write".
expect_err "is a directory"

# A file in a directory that does not exist cannot be created (73).
expect_exit 73 "$HITL" --db nowhere/x.db init
expect_err "nowhere/x.db"

pass
