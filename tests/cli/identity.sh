#!/bin/sh
# Who acts, in the single-user build: the real user's login (getuid), not
# the effective user's, and never a group hitl was made setgid to, which it
# gives up before doing anything (only a shared install keeps one): the
# files it makes (a file's database, the signing key) are not the group's. Needs
# root and setpriv to run hitl with a real uid other than its effective one:
# skipped (77) otherwise.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "SKIP: identity: needs root and setpriv"
	exit 77
fi
. "$SRCDIR/tests/cli/lib.sh"
chmod 755 "$T"
unset HITL_REVIEWER HITL_NOW

NOBODY=$(id -un 65534 2>/dev/null) || {
	echo "SKIP: identity: no login with uid 65534"
	exit 77
}

step "real uid nobody, effective uid root"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 setpriv --ruid=65534 -- "$HITL" import \
    "$SRCDIR/tests/data/workflow.jsonl"
expect_exit 0 setpriv --ruid=65534 -- "$HITL" next --json
expect_eq "the holder" "$(jq -r .lease.holder "$T/out")" "$NOBODY"
expect_eq "the importer" "$(sql "SELECT operator FROM batches")" "$NOBODY"
expect_exit 0 setpriv --ruid=65534 -- "$HITL" decide wf-out-1 \
    --lease "$(jq -r .lease.id "$T/out")" approve
expect_exit 0 "$HITL" show wf-out-1 --json
expect_eq "who decided" "$(jq -r '.history[0].reviewer' "$T/out")" "$NOBODY"

step "a single-user hitl made setgid gives the group up"
G=$(getent group daemon | cut -d: -f3)
[ -n "$G" ] || fail "no group daemon"
mkdir bin own
cp "$HITL" bin/hitl
chgrp daemon bin/hitl
chmod 2755 bin/hitl
chown 65534 own
NG=$(id -g 65534)
# nobody's home is own: a server's signing key is made there.
X=$(newdb "$T/own/x")
expect_exit 0 env HOME="$T/own" setpriv --reuid=65534 --regid="$NG" \
    --clear-groups -- "$T/bin/hitl" --db "$X" init
! only_sqlite "the new database's group" "a server's database is no file" ||
    expect_eq "the new database's group" "$(stat -c %g "$X")" "$NG"
expect_eq "its key's group" "$(stat -c %g "$(HOME=$T/own keyfile "$X")")" \
    "$NG"

pass
