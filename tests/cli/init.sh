#!/bin/sh
# hitl init, opening foreign or newer databases, global options and help.
. "$SRCDIR/tests/cli/lib.sh"

# --- init creates a private database, whatever the umask -------------------

umask 000
expect_exit 0 "$HITL" init
umask 022
expect_out "created $HITL_DB (schema "
expect_no_err
expect_eq "schema recorded" "$(schema_version "$HITL_DB")" \
    "$(sed -n 's/.*(schema \([0-9]*\)).*/\1/p' "$T/out")"
expect_mode "$(keyfile "$HITL_DB")" 600
if only_sqlite "the database file's mode" "a server's database is no file"
then
	expect_mode "$HITL_DB" 600
	for f in "$HITL_DB"-wal "$HITL_DB"-shm; do
		[ ! -e "$f" ] || expect_mode "$f" 600
	done
fi

# Without --db or $HITL_DB, the database is ./hitl.db, on any backend.
if only_sqlite "the default database" "it is the file hitl.db"; then
	umask 000
	expect_exit 0 env -u HITL_DB "$HITL" init
	umask 022
	expect_out "created hitl.db"
	expect_mode hitl.db 600
fi

# --db wins over $HITL_DB.
OTHER=$(newdb other)
expect_exit 0 "$HITL" --db "$OTHER" init
expect_out "created $OTHER"
db_made "$OTHER" || fail "--db $OTHER did not create it"

# A second init only reports; it is not an error.
expect_exit 0 "$HITL" init
expect_out "is already a hitl database"
expect_no_err

# --policy loads the policy as version 1.
X=$(newdb x)
expect_exit 0 "$HITL" --db "$X" init --policy "$SRCDIR/examples/policy.json"
expect_out "created $X"
expect_out "loaded policy version 1"
expect_eq "policy versions in $X" \
    "$(sql_on "$X" 'SELECT max(version) FROM policies')" 1

# --- status refuses what is not a current hitl database ----------------------

if only_sqlite "files that are not hitl's" "a server's database is no file"
then
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

# An empty file is not a database either.
: >empty.db
expect_exit 66 "$HITL" --db empty.db status
expect_err "hitl init"
fi

if [ "$BACKEND" = postgresql ]; then
	# Another program's tables beside hitl's schema are no queue, and
	# are left alone by status and by init, which makes hitl's schema.
	FOREIGN=$(newdb foreign)
	sql_on "$FOREIGN" "CREATE TABLE public.t (a BIGINT);
	    INSERT INTO public.t VALUES (1);"
	expect_exit 66 "$HITL" --db "$FOREIGN" status
	expect_err "hitl init"
	expect_exit 0 "$HITL" --db "$FOREIGN" init
	expect_eq "the other program's table" \
	    "$(sql_on "$FOREIGN" 'SELECT a FROM public.t')" 1
	# A schema "hitl" that hitl did not make is refused and left alone.
	sql_on "$FOREIGN" "ALTER SCHEMA hitl RENAME TO theirs;
	    CREATE SCHEMA hitl; CREATE TABLE hitl.t (a BIGINT);"
	sum=$(db_sum "$FOREIGN")
	expect_exit 65 "$HITL" --db "$FOREIGN" status
	expect_err "not a hitl queue"
	expect_exit 65 "$HITL" --db "$FOREIGN" init
	expect_err "not a hitl queue"
	expect_eq "the foreign schema after status and init" \
	    "$(db_sum "$FOREIGN")" "$sum"
fi

# No database at all: 66, pointing at hitl init, and nothing created.
MISSING=$(newdb missing)
expect_exit 66 "$HITL" --db "$MISSING" status
expect_err "hitl init"
! db_made "$MISSING" || fail "status created $MISSING"

# A database written by a newer hitl is refused and left alone.
NEWER=$(newdb newer)
expect_exit 0 "$HITL" --db "$NEWER" init
if [ "$BACKEND" = sqlite ]; then
	sql_on "$NEWER" "PRAGMA user_version=99"
else
	sql_on "$NEWER" "INSERT INTO migrations VALUES (99, 'later', 'newer')"
fi
sum="$(db_sum "$NEWER") $(schema_version "$NEWER")"
expect_exit 65 "$HITL" --db "$NEWER" status
expect_err "newer"
expect_eq "the newer database after status" \
    "$(db_sum "$NEWER") $(schema_version "$NEWER")" "$sum"
expect_exit 65 "$HITL" --db "$NEWER" init
expect_err "newer"
expect_eq "the newer database after init" \
    "$(db_sum "$NEWER") $(schema_version "$NEWER")" "$sum"

# --- usage, help and version -------------------------------------------------

expect_exit 64 "$HITL" frobnicate
expect_err 'hitl: unknown command "frobnicate"; '"'hitl help' lists them"
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

if only_sqlite "paths that cannot be a database file" \
    "a server's database is no file"; then
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
fi

# A server that is not there: 75, try again.
if [ "$BACKEND" = postgresql ]; then
	expect_exit 75 "$HITL" --db "postgresql:///x?host=$T/nowhere" status
	expect_err "cannot connect to postgresql:///x?host=$T/nowhere"
	expect_err "unreachable"
	expect_err "try again"

	# A database or login that does not exist is not the server being
	# away: trying again will not help (66), and the message says what
	# to check. A refused password is a permission (77).
	_u=$(newdb spelled)
	_bad=$(echo "$_u" | sed 's|^\(postgresql:///[^?]*\)|\1_misspelled|')
	expect_exit 66 "$HITL" --db "$_bad" status
	expect_err "does not exist"
	expect_err "check the URI's database and user names"
	_bad=$(echo "$_u" | sed "s|user=$HITL_PG_USER|user=nosuchlogin|")
	expect_exit 66 "$HITL" --db "$_bad" status
	expect_err 'role "nosuchlogin" does not exist'
	sql_cluster "DO \$\$ BEGIN CREATE ROLE hitl_t_noconnect LOGIN;
	    EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
	    REVOKE CONNECT ON DATABASE \"$(_lib_pgname "$_u")\" FROM PUBLIC;" ||
	    fail "cannot make the login"
	_bad=$(echo "$_u" | sed "s|user=$HITL_PG_USER|user=hitl_t_noconnect|")
	expect_exit 77 "$HITL" --db "$_bad" status
	expect_err "permission denied"
	expect_err "GRANT CONNECT"

	# A password in the URI (the shared host's database file holds one)
	# is shown nowhere: not by init, nor by the console's title.
	_u=$(newdb secret)
	_u=$(echo "$_u" | sed "s|user=$HITL_PG_USER|user=$HITL_PG_USER\&password=S3cr3tPW|")
	expect_exit 0 "$HITL" --db "$_u" init
	! grep -q S3cr3tPW "$T/out" "$T/err" || fail "init showed the password"
	: >keys.txt
	echo ":screen-dump $T/title.txt" >keys.txt
	expect_exit 0 env HITL_SCRIPT=keys.txt "$HITL" --db "$_u" review
	[ -s "$T/title.txt" ] || fail "no screen dump"
	! grep -q S3cr3tPW "$T/title.txt" "$T/out" "$T/err" ||
	    fail "the console showed the password"
fi

pass
