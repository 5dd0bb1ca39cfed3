#!/bin/sh
# A shared review host, set up as the README says: a second build of this
# tree configured --with-shared-group for a test group, installed by root
# into a temporary prefix (make installcheck checks the modes), and three
# logins made for the test, none of them in the group: a reviewer, a lead
# and an admin of the policy root loads. As each of them:
#  - no program but hitl reads or writes the database, its -wal and -shm or
#    the key;
#  - HITL_NOW and HITL_BUSY_TIMEOUT change nothing, the reviewer override
#    is refused (77) although the policy allows it, and another --db is the
#    user's own file, made without the group; every spelling of the shared
#    database is the shared database, any other file beside it is refused;
#  - the editor of a correction and the policy's hooks run without the
#    group, holding nothing of the state directory, and exports, rejects and screen dumps are the
#    user's; -o and --rejects into the state directory are refused;
#  - the policy's roles hold, in the CLI and in the console;
#  - the console does not read terminfo from where the user points it;
#  - demo --reset touches neither the shared database nor one that hitl
#    demo did not make;
#  - the group is raised only around opening and closing the database (an
#    strace of a console session with an editor, when strace can run), so
#    a long console session and later commands work with it lowered, and
#    the last close leaves no -wal or -shm behind.
# Needs root (CI runs as root), useradd and setpriv: skipped (77) otherwise.
# The logins and the group are removed at the end, whatever happens.
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: shared: needs root (to make the test's logins and group)"
	exit 77
fi
for _c in useradd userdel groupadd groupdel setpriv getent; do
	if ! command -v "$_c" >/dev/null 2>&1; then
		echo "SKIP: shared: $_c is missing"
		exit 77
	fi
done
. "$SRCDIR/tests/cli/lib.sh"
[ "$BACKEND" = sqlite ] || skip_test "the shared install's database is a \
file that its group guards and hitl opens with it; a server's database is \
guarded by the server's roles instead (audit.sh)"
unset HITL_DB HITL_SCRIPT TERMINFO TERMINFO_DIRS TERMCAP
chmod 755 "$T"	# the logins live under it

SUF=$$
GROUP=hitlt$SUF
REV=rev1_$SUF
LEAD=lead1_$SUF
ADM=adm1_$SUF
MADE=

shared_cleanup() {
	for _u in $MADE; do
		userdel "$_u" >/dev/null 2>&1 || true
		groupdel "$_u" >/dev/null 2>&1 || true
	done
	groupdel "$GROUP" >/dev/null 2>&1 || true
	if [ -n "${SOCK:-}" ]; then
		tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
	fi
}
# lib.sh's own clean-up runs last, with the test's exit status (and not
# under set -e, which would end the trap at that status).
trap '_rc=$?; set +e; shared_cleanup; (exit $_rc); _lib_exit' EXIT

step "the test's group and logins"
groupadd "$GROUP" || fail "groupadd $GROUP failed"
for _u in "$REV" "$LEAD" "$ADM"; do
	useradd --no-create-home --user-group --shell /bin/sh "$_u" ||
	    fail "useradd $_u failed"
	MADE="$MADE $_u"
	mkdir "$T/h-$_u"
	chown "$_u:$_u" "$T/h-$_u"
	chmod 700 "$T/h-$_u"
done
GID=$(getent group "$GROUP" | cut -d: -f3)
RGID=$(id -g "$REV")

# as LOGIN CMD...: CMD as LOGIN (its own groups only), in its home.
as() {
	_who=$1
	shift
	(cd "$T/h-$_who" && setpriv --reuid="$_who" --regid="$_who" \
	    --init-groups -- env HOME="$T/h-$_who" "$@")
}

# denied LOGIN CMD...: CMD fails for LOGIN, for want of permission.
denied() {
	_lib_where="$* is denied"
	_rc=0
	as "$@" >"$T/out" 2>"$T/err" || _rc=$?
	[ "$_rc" -ne 0 ] || fail "$* succeeded" "$T/out"
	grep -E -q "Permission denied|unable to open" "$T/err" ||
	    fail "$* failed, but not for want of permission" "$T/err"
}

# owner FILE: "user:group mode".
owner() {
	stat -c '%U:%G %a' "$1"
}

# --- the install ---------------------------------------------------------------

step "a shared build of the tree, installed by root"
# configure refuses a second build of a tree configured in place, so the
# sources are copied (times kept: nothing is regenerated).
mkdir "$T/src" "$T/build"
(cd "$SRCDIR" && tar -cf - --exclude='*.o' --exclude='*.a' \
    --exclude=.deps --exclude=.dirstamp configure configure.ac Makefile.am \
    Makefile.in config.h.in aclocal.m4 build-aux cli queue tui export doc \
    examples) | (cd "$T/src" && tar -xf -) ||
    fail "cannot copy the sources"
# MAKEFLAGS: the outer make's jobs and variables are not this build's.
(cd "$T/build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR \
    "$T/src/configure" -q --with-shared-group="$GROUP" --prefix="$T/prefix" \
    --localstatedir="$T/var" CFLAGS=-O0 &&
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR make -s -j2 install) \
    >"$T/build.log" 2>&1 || fail "the shared build failed" "$T/build.log"
grep -F -q "is setgid $GROUP" "$T/build.log" ||
    fail "make install did not make hitl setgid" "$T/build.log"
H=$T/prefix/bin/hitl
SD=$T/var/lib/hitl
DB=$SD/hitl.db
expect_eq "the binary" "$(owner "$H")" "root:$GROUP 2755"
expect_eq "the state directory" "$(owner "$SD")" "root:$GROUP 2770"
(cd "$T/build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
    installcheck) >"$T/ic.log" 2>&1 ||
    fail "make installcheck failed on a good install" "$T/ic.log"
chmod 0755 "$H"
_rc=0
(cd "$T/build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
    installcheck) >"$T/ic.log" 2>&1 || _rc=$?
chmod 2755 "$H"
[ "$_rc" -ne 0 ] || fail "make installcheck passed a hitl that is not setgid" \
    "$T/ic.log"
grep -F -q "expected \"2755 root $GROUP\"" "$T/ic.log" ||
    fail "make installcheck does not say what is wrong" "$T/ic.log"
# Not root: make install says what root must do.
mkdir "$T/h-$REV/inst"
chown "$REV" "$T/h-$REV/inst"
cp "$H" "$T/h-$REV/inst/hitl"
chown "$REV" "$T/h-$REV/inst/hitl"
expect_exit 1 as "$REV" sh "$T/src/build-aux/shared-install" install \
    "$GROUP" "$T/h-$REV/inst/hitl" "$T/h-$REV/inst/state"
expect_err "needs root"
expect_err "chmod 2755 $T/h-$REV/inst/hitl"
expect_err "chmod 2770 $T/h-$REV/inst/state"

cat >policy.json <<EOF
{
  "name": "shared host test",
  "allow_reviewer_override": true,
  "allow_clock_override": true,
  "default_role": null,
  "roles": { "$REV": "reviewer", "$LEAD": "lead", "$ADM": "admin",
    "root": "admin" },
  "labels": [ { "id": "ok", "description": "nothing wrong" } ],
  "teams": [ { "id": "t1", "name": "Team one",
    "members": ["$REV", "$LEAD"], "leads": ["$LEAD"] } ],
  "reason_codes": [ { "id": "r1", "description": "a reason" } ],
  "severities": [ { "id": "high", "response_minutes": 60 } ],
  "hooks": { "escalation_opened": "cat >hook.json; grep -E '^(Uid|Gid):' /proc/self/status >hook.ids; ls -l /proc/\$\$/fd/ >hook.fd" }
}
EOF
sed 's/"shared host test"/"shared host test, v2"/' policy.json >policy2.json
chmod 644 policy.json policy2.json

step "creating the shared database: root, with a policy"
expect_exit 64 "$H" init
expect_err "hitl init --policy FILE"
[ ! -e "$DB" ] || fail "init without a policy made the shared database"
expect_exit 77 as "$REV" "$H" init --policy "$T/policy.json"
expect_err "only root may create"
[ ! -e "$DB" ] || fail "a reviewer made the shared database"
expect_exit 0 "$H" init --policy "$T/policy.json"
expect_out "created $DB"
expect_eq "the database" "$(owner "$DB")" "root:$GROUP 660"
expect_eq "the key" "$(owner "$DB.key")" "root:$GROUP 640"
expect_exit 77 as "$ADM" "$H" init
expect_err "only root may create or upgrade"

# events: how many the record holds (as root, who may read it).
events() {
	sqlite3 -batch -noheader "$DB" "SELECT count(*) FROM audit"
}

# gone: the last close removed the -wal and -shm (the group was raised).
gone() {
	for _s in -wal -shm; do
		[ ! -e "$DB$_s" ] || fail "$1 left $(basename "$DB$_s") behind" \
		    "$T/err"
	done
}

step "an admin imports"
cp "$SRCDIR/tests/data/workflow.jsonl" wf.jsonl
chmod 644 wf.jsonl
expect_exit 0 as "$ADM" "$H" import "$T/wf.jsonl"
expect_out "queued 5"
gone "an import"

# --- no program but hitl ---------------------------------------------------------

step "the files, while a command holds them open"
rm -f in.fifo
mkfifo in.fifo
chmod 666 in.fifo
(cd "$T/h-$ADM" && umask 077 && setpriv --reuid="$ADM" --regid="$ADM" \
    --init-groups -- "$H" review --script "$T/in.fifo" </dev/null \
    >"$T/held.out" 2>&1) &
HELD=$!
exec 3>in.fifo
_i=0
while [ ! -e "$DB-wal" ] || [ ! -e "$DB-shm" ]; do
	_i=$((_i + 1))
	[ "$_i" -le 100 ] || fail "the -wal and -shm never appeared" held.out
	sleep 0.05
done
expect_eq "the -wal" "$(stat -c '%G %a' "$DB-wal")" "$GROUP 660"
expect_eq "the -shm" "$(stat -c '%G %a' "$DB-shm")" "$GROUP 660"
for _f in "$DB" "$DB-wal" "$DB-shm" "$DB.key"; do
	denied "$REV" cat "$_f"
	denied "$REV" cp "$_f" "$T/h-$REV/copy"
	denied "$LEAD" sh -c "echo x >>'$_f'"
	denied "$ADM" sqlite3 "$_f" "SELECT count(*) FROM items"
done
denied "$ADM" sqlite3 "$DB" "UPDATE policies SET body = '{}'"
denied "$REV" ls "$SD"
exec 3>&-
wait "$HELD" || fail "the held console failed" held.out
gone "the held console"

# --- the identity and the environment --------------------------------------------

step "HITL_NOW, HITL_BUSY_TIMEOUT and the reviewer override"
before=$(date +%s)
expect_exit 0 as "$REV" env HITL_NOW=86400 HITL_BUSY_TIMEOUT=1 "$H" next \
    --json
expect_err "HITL_NOW is ignored for the shared database"
expect_err "HITL_BUSY_TIMEOUT is ignored for the shared database"
expect_eq "rev1's item" "$(jq -r .item.id "$T/out")" wf-out-1
expect_eq "the holder" "$(jq -r .lease.holder "$T/out")" "$REV"
LEASE=$(jq -r .lease.id "$T/out")
expires=$(date -d "$(jq -r .lease.expires "$T/out")" +%s)
[ "$expires" -ge $((before + 890)) ] && [ "$expires" -le $(($(date +%s) + 910)) ] ||
    fail "the lease was not timed by the real clock" "$T/out"
n=$(events)
expect_exit 77 as "$REV" env HITL_REVIEWER="$LEAD" "$H" next
expect_err "refused for the shared database"
expect_err "you act as your login ($REV)"
expect_exit 77 as "$REV" "$H" --reviewer "$LEAD" next
expect_err "refused for the shared database"
expect_exit 77 as "$REV" "$H" --reviewer "$ADM" policy load "$T/policy2.json"
expect_eq "refusals recorded nothing" "$(events)" "$n"
expect_exit 0 as "$REV" env HITL_NOW=86400 "$H" decide wf-out-1 \
    --lease "$LEASE" escalate --team t1 --reason r1 --severity high
expect_exit 0 as "$REV" "$H" show wf-out-1 --json
at=$(jq -r '.history[0].at' "$T/out")
expect_eq "the decision's year" "${at%%-*}" "$(date -u +%Y)"
expect_eq "the decision's author" "$(jq -r '.history[0].reviewer' \
    "$T/out")" "$REV"
gone "a decision"
# The escalation's hook ran as rev1 alone: the user's ids only (no saved
# set-group-ID), nothing of the state directory open, told who acted.
expect_eq "the hook's ids" "$(awk '{print $1, $2, $3, $4, $5}' \
    "$T/h-$REV/hook.ids" | tr '\n' ' ')" "Uid: $(id -u "$REV") $(id -u "$REV") \
$(id -u "$REV") $(id -u "$REV") Gid: $RGID $RGID $RGID $RGID "
! grep -F -e "$SD" "$T/h-$REV/hook.fd" >/dev/null ||
    fail "the hook holds the state directory's files" "$T/h-$REV/hook.fd"
jq -e --arg who "$REV" '.event == "escalation_opened" and .actor == $who and
    .item == "wf-out-1"' "$T/h-$REV/hook.json" >/dev/null ||
    fail "the hook's event" "$T/h-$REV/hook.json"

step "another --db: the user's own file, without the group"
expect_exit 0 as "$REV" "$H" --db own.db init --policy \
    "$T/src/examples/policy.json"
expect_eq "own.db" "$(owner "$T/h-$REV/own.db")" "$REV:$REV 600"
expect_eq "own.db.key" "$(owner "$T/h-$REV/own.db.key")" "$REV:$REV 600"
# There, HITL_NOW and HITL_REVIEWER work as the example policy allows.
expect_exit 0 as "$REV" env HITL_NOW=1800000000 HITL_REVIEWER=bob "$H" \
    --db own.db import "$T/wf.jsonl"
expect_exit 0 as "$REV" env HITL_NOW=1800000000 HITL_REVIEWER=bob \
    HITL_DB=own.db "$H" next --json
expect_eq "bob's lease on rev1's file" "$(jq -r '.lease.holder + " " +
    .lease.expires' "$T/out")" "bob 2027-01-15T08:15:00Z"
expect_no_err "ignored"

step "every spelling of the shared database, and nothing else beside it"
ln -s "$DB" "$T/h-$REV/link.db"
chown -h "$REV:$REV" "$T/h-$REV/link.db"
for _db in "$T/h-$REV/link.db" "$SD/../hitl/hitl.db" "$SD//hitl.db" "$DB"; do
	expect_exit 0 as "$REV" "$H" --db "$_db" status
	expect_out "database  $DB"
	expect_exit 0 as "$REV" env HITL_DB="$_db" "$H" status
	expect_out "database  $DB"
done
expect_exit 0 as "$REV" "$H" status
expect_out "database  $DB"
for _db in "$SD/other.db" "$DB.key" "$DB-wal" "$SD" "$SD/../hitl/x.db"; do
	expect_exit 77 as "$REV" "$H" --db "$_db" init
	expect_err "is in hitl's state directory"
done
[ ! -e "$SD/other.db" ] || fail "a file was made in the state directory"

# --- roles, through the CLI ----------------------------------------------------------

step "the policy's roles hold for the logins"
expect_exit 0 as "$REV" "$H" next --json
expect_eq "rev1's next item" "$(jq -r .item.id "$T/out")" wf-anon-1
expect_exit 77 as "$REV" "$H" escalation ack 1
expect_err "may not"
expect_exit 77 as "$REV" "$H" escalation resolve 1 reject --note no
expect_exit 77 as "$REV" "$H" policy load "$T/policy2.json"
expect_exit 77 as "$REV" "$H" takeover wf-anon-1
expect_exit 77 as "$REV" "$H" reopen wf-out-1 --note again
expect_exit 77 as "$LEAD" "$H" policy load "$T/policy2.json"
expect_exit 0 as "$LEAD" "$H" escalation ack 1
expect_exit 0 as "$LEAD" "$H" escalation resolve 1 reject --note "not this"
expect_exit 0 as "$LEAD" "$H" takeover --json wf-anon-1
expect_exit 0 as "$LEAD" "$H" decide wf-anon-1 --lease \
    "$(jq -r .id "$T/out")" approve
expect_exit 0 as "$ADM" "$H" policy load "$T/policy2.json"
expect_out "loaded policy version 2"
expect_exit 0 as "$REV" "$H" next --json
expect_exit 0 as "$REV" "$H" decide wf-out-2 --lease \
    "$(jq -r .lease.id "$T/out")" approve
gone "the role checks"

# --- the console -------------------------------------------------------------------

step "the console as rev1: a correction in the editor, the inbox refused"
cat >"$T/editor.sh" <<EOF
#!/bin/sh
# The editor's groups, files and descriptors, for the test to read.
{
	echo "id-G \$(id -G)"
	echo "id-g \$(id -g)"
	grep '^Gid:' /proc/\$\$/status
	echo "file \$(stat -c '%U:%G %a' "\$1")"
	ls -l /proc/\$\$/fd/ | sed -n 's/.* -> /fd /p'
} >"$T/h-$REV/editor.out"
sed -i 's/hallucination/the correction/; \$s/\$/ (corrected)/' "\$1"
EOF
chmod 755 "$T/editor.sh"
cat >"$T/console.keys" <<'EOF'
# rev1 corrects wf-out-3 in $VISUAL: the labels' "done", the flag kept.
<Enter>c
G<Enter>
<Enter>
:screen-dump corrected.screen
E
:screen-dump inbox.screen
EOF
chmod 644 "$T/console.keys"
STRACE=
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true \
    >/dev/null 2>&1; then
	STRACE="strace -ff -s 4096 -o $T/trace -e trace=%file,%process,setresgid"
fi
expect_exit 0 $STRACE setpriv --reuid="$REV" --regid="$REV" --init-groups \
    -- sh -c "cd '$T/h-$REV' && exec env -i PATH='$PATH' HOME='$T/h-$REV' \
    TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 \
    LINES=30 VISUAL='$T/editor.sh' timeout 60 '$H' review \
    --script '$T/console.keys'"
E=$T/h-$REV/editor.out
[ -s "$E" ] || fail "the editor did not run" "$T/err" "$T/h-$REV/corrected.screen"
grep -q "^Gid:	$RGID	$RGID	$RGID	$RGID$" "$E" ||
    fail "the editor ran with a group other than rev1's own" "$E"
expect_eq "the editor's groups" "$(sed -n 's/^id-G //p' "$E")" "$RGID"
grep -q "^file $REV:$REV 600$" "$E" ||
    fail "the file edited is not rev1's own" "$E"
! grep -F -q "$SD" "$E" ||
    fail "the editor holds a descriptor into the state directory" "$E"
grep -F -q "correct: wf-out-3" "$T/h-$REV/corrected.screen" ||
    fail "the console did not record the correction" \
    "$T/h-$REV/corrected.screen"
grep -F -q "the escalation inbox is for team leads" \
    "$T/h-$REV/inbox.screen" ||
    fail "the console let a reviewer into the inbox" "$T/h-$REV/inbox.screen"
for _f in corrected.screen inbox.screen; do
	expect_eq "$_f" "$(owner "$T/h-$REV/$_f")" "$REV:$REV 644"
done
expect_exit 0 as "$REV" "$H" show wf-out-3 --json
jq -e '.history[0].action == "correct" and
    (.history[0].payload.text | endswith("(corrected)"))' "$T/out" \
    >/dev/null || fail "the correction is not on the record" "$T/out"
gone "the console"

if [ -n "$STRACE" ]; then
	step "the group, raised only around opening and closing the database"
	# One trace per process, each in its own order; a child starts as
	# its parent was when it forked, and parents come first (by pid).
	# Wrong: a file call on the state directory while lowered; while
	# raised, one on a file that is neither in it, nor on the way to it,
	# nor the system's; a program run by hitl (the editor) before the
	# group is given up for good (setresgid(R, R, R)).
	mkdir "$T/trace"
	mv "$T"/trace.* "$T/trace/"
	ls "$T/trace" | sed 's/^trace\.//' | sort -n | sed "s|^|$T/trace/trace.|" \
	    >"$T/traces"
	awk -v g="$GID" -v r="$RGID" -v sd="$SD/" '
	    FNR == 1 {
		    n = split(FILENAME, f, "."); pid = f[n]
		    up = up0[pid]; hitl = hitl0[pid]; gone = gone0[pid]
	    }
	    /^(clone|clone3|fork|vfork)\(/ && /= [0-9]+$/ {
		    up0[$NF] = up; hitl0[$NF] = hitl; gone0[$NF] = gone
	    }
	    /^setresgid\(/ {
		    up = index($0, "setresgid(-1, " g ",") == 1
		    if (up) raised++
		    if (index($0, "setresgid(-1, " r ", " g ")") == 1) hitl = 1
		    if (index($0, "setresgid(" r ", " r ", " r ")") == 1)
			    gone = 1
	    }
	    /^execve\(/ && hitl && !gone { print "exec with the group: " $0 }
	    /"/ && !/^(setresgid|execve)\(/ {
		    split($0, q, "\""); p = q[2]
		    if (index(p, sd) == 1 && !up)
			    print "lowered: " $0
		    else if (up && p != "" && index(p, sd) != 1 &&
			index(sd, p "/") != 1 &&
			p !~ /^\/(usr|etc|lib|lib64|proc|dev|sys)\//)
			    print "raised: " $0
	    }
	    END { if (raised < 2) print "never raised" }' $(cat "$T/traces") \
	    >"$T/bad" || fail "cannot read the trace"
	[ ! -s "$T/bad" ] || fail "the group was held at the wrong time" \
	    "$T/bad"
	cat $(cat "$T/traces") | grep -q "hitl.db-wal" ||
	    fail "the trace has no -wal"
	grep -l '^execve("/bin/sh", \["sh", "-c", "'"$T"'/editor.sh' \
	    $(cat "$T/traces") >/dev/null || fail "the trace has no editor"
fi

step "a long console session in a terminal, while others come and go"
command -v tmux >/dev/null || fail "tmux is missing"
SOCK=hitl-shared-$$
tmux -L "$SOCK" -f /dev/null new-session -d -s s -x 120 -y 40 \
    "setpriv --reuid=$REV --regid=$REV --init-groups -- env -i \
    PATH='$PATH' HOME='$T/h-$REV' TERM=xterm-256color LC_ALL=C.UTF-8 \
    sh -c 'cd; exec \"$H\" review'; echo console-exited-\$?; sleep 60"
wait_for() {
	_i=0
	while ! tmux -L "$SOCK" capture-pane -p -t s | grep -qF -- "$1"; do
		_i=$((_i + 1))
		if [ "$_i" -ge 150 ]; then
			tmux -L "$SOCK" capture-pane -p -t s >"$T/pane"
			fail "the console never showed \"$1\"" "$T/pane"
		fi
		sleep 0.1
	done
}
wait_for "waiting: "
expect_eq "the -wal of the open console" "$(stat -c '%G %a' "$DB-wal")" \
    "$GROUP 660"
# Others open and close the database meanwhile: none of them is the last.
printf '%s\n' '{"id": "late-1", "kind": "model_output", "priority": 8,
    "response": "late", "flags": [{"type": "toxicity", "score": 0.9}]}' |
    tr -d '\n' >late.jsonl
echo >>late.jsonl
chmod 644 late.jsonl
expect_exit 0 as "$ADM" "$H" import "$T/late.jsonl"
expect_exit 0 as "$LEAD" "$H" next --json
expect_eq "lead1's item" "$(jq -r .item.id "$T/out")" late-1
expect_exit 0 as "$LEAD" "$H" release late-1 --lease \
    "$(jq -r .lease.id "$T/out")"
[ -e "$DB-wal" ] || fail "a command that was not the last removed the -wal"
# n: the next by priority, late-1, which came after the list was read.
tmux -L "$SOCK" send-keys -t s n
wait_for "late-1"
tmux -L "$SOCK" send-keys -t s a
wait_for "approve: late-1"
tmux -L "$SOCK" send-keys -t s q
wait_for "hand-off note"
tmux -L "$SOCK" send-keys -t s "all done" Enter
wait_for "console-exited-0"
gone "the console session"
expect_exit 0 as "$LEAD" "$H" show late-1 --json
expect_eq "late-1" "$(jq -r '.state + " " + .history[0].reviewer' "$T/out")" \
    "decided $REV"
expect_exit 0 as "$ADM" "$H" audit verify
expect_out "verified"

step "the console reads no terminfo of the user's"
mkdir "$T/h-$REV/ti"
printf 'hitlfake|a terminal the user wrote,\n\tcols#80, lines#24, clear=\\E[H\\E[J, cup=\\E[%%i%%p1%%d;%%p2%%dH,\n' \
    >"$T/h-$REV/ti.src"
tic -o "$T/h-$REV/ti" "$T/h-$REV/ti.src" 2>"$T/err" ||
    fail "tic failed" "$T/err"
cp -R "$T/h-$REV/ti" "$T/h-$REV/.terminfo"
chown -R "$REV:$REV" "$T/h-$REV"
printf ':screen-dump fake.screen\n' >"$T/fake.keys"
chmod 644 "$T/fake.keys"
# term VAR=VALUE ARGS...: the console as rev1 with TERM=hitlfake.
term() {
	_v=$1
	shift
	as "$REV" env -i PATH="$PATH" HOME="$T/h-$REV" TERM=hitlfake "$_v" \
	    LC_ALL=C.UTF-8 COLUMNS=80 LINES=24 timeout 30 "$H" "$@" review \
	    --script "$T/fake.keys"
}
for _v in TERMINFO="$T/h-$REV/ti" TERMINFO_DIRS="$T/h-$REV/ti" X=home; do
	rm -f "$T/h-$REV/fake.screen"
	# The user's own database: the user's terminfo, as anywhere else.
	expect_exit 0 term "$_v" --db own.db
	[ -s "$T/h-$REV/fake.screen" ] ||
	    fail "$_v: the user's terminfo did not work for the user's file"
	expect_exit 69 term "$_v"
	expect_err "cannot set up the terminal (TERM=hitlfake)"
done

# --- files written for the user ----------------------------------------------------

step "exports and rejects are rev1's; none into the state directory"
expect_exit 0 as "$REV" "$H" export --format decisions --since all \
    -o "$T/h-$REV/dec.jsonl"
expect_eq "the export" "$(owner "$T/h-$REV/dec.jsonl")" "$REV:$REV 600"
expect_eq "its manifest" "$(owner "$T/h-$REV/dec.jsonl.manifest.json")" \
    "$REV:$REV 600"
expect_exit 77 as "$REV" "$H" export --format decisions -o "$SD/dec.jsonl"
expect_err "is in hitl's state directory"
expect_exit 77 "$H" export --format decisions -o "$SD/dec.jsonl"
expect_err "is in hitl's state directory"
expect_exit 73 as "$REV" "$H" --db own.db export --format decisions -o own.db
expect_err "own.db is a database"
printf '%s\n' '{"id": "bad-1", "kind": "model_output"}' >bad.jsonl
cat wf.jsonl >>bad.jsonl
chmod 644 bad.jsonl
expect_exit 0 as "$REV" "$H" import --skip-invalid --rejects \
    "$T/h-$REV/rej.jsonl" "$T/bad.jsonl"
expect_out "invalid 1"
expect_eq "the rejects" "$(owner "$T/h-$REV/rej.jsonl")" "$REV:$REV 600"
expect_exit 0 as "$REV" "$H" import --skip-invalid "$T/bad.jsonl"
set -- "$T/h-$REV"/hitl-rejects-*.jsonl
[ -e "$1" ] || fail "no default rejects file" "$T/err"
expect_eq "the default rejects" "$(owner "$1")" "$REV:$REV 600"
expect_exit 77 as "$REV" "$H" import --skip-invalid --rejects "$SD/rej.jsonl" \
    "$T/bad.jsonl"
expect_err "is in hitl's state directory"
[ ! -e "$SD/rej.jsonl" ] && [ ! -e "$SD/dec.jsonl" ] ||
    fail "a file for the user was written into the state directory"
gone "the exports"

# --- demo --reset --------------------------------------------------------------------

step "demo --reset: never the shared database, nor another that demo did not make"
sum=$(md5sum "$DB")
expect_exit 77 as "$REV" "$H" demo --reset
expect_err "never uses the shared database"
expect_exit 77 "$H" demo --reset
expect_exit 77 "$H" --db "$DB" demo --reset
expect_eq "the shared database" "$(md5sum "$DB")" "$sum"
expect_exit 77 as "$REV" "$H" --db own.db demo --reset \
    --examples "$T/src/examples"
expect_err "hitl demo did not make it"
[ -s "$T/h-$REV/own.db" ] || fail "demo --reset deleted rev1's own.db"
expect_exit 0 as "$REV" "$H" --db demo.db demo --examples "$T/src/examples"
expect_exit 0 as "$REV" "$H" --db demo.db demo --reset \
    --examples "$T/src/examples"
expect_out "demo queue: imported"
expect_eq "the demo database" "$(owner "$T/h-$REV/demo.db")" "$REV:$REV 600"

expect_exit 0 as "$ADM" "$H" audit verify
expect_out "verified"
pass
