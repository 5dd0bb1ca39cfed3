#!/bin/sh
# The console on PostgreSQL when the server goes away in the middle of a
# shift (a server of the test's own, stopped and started again): a comment
# typed while it is down is refused with a message naming the server, and
# is still there to send once it is back; the claim is kept, the approve
# then goes through, and the record holds exactly what was reported.
set -eu
command -v tmux >/dev/null || { echo "FAIL: lost-server: tmux is missing" >&2; exit 1; }
if [ "${HITL_TEST_BACKEND:-sqlite}" != postgresql ]; then
	echo "SKIP: lost-server: a server's restart, on PostgreSQL only"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/hitl-lost.XXXXXX")
# The server runs as another login when the tests run as root.
chmod 711 "$T"
own="env HITL_PG_DIR=$T/pg HITL_PG_WATCH= sh $SRCDIR/tests/pg/cluster.sh"
sock=hitl-lost-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || :; $own stop >/dev/null 2>&1 || :; rm -rf "$T"' EXIT
fail() {
	echo "FAIL: lost-server: $*" >&2
	tmux -L "$sock" capture-pane -p -t lost >&2 || :
	exit 1
}
XDG_CONFIG_HOME=$T/cfg
export XDG_CONFIG_HOME
mkdir -m 700 "$XDG_CONFIG_HOME"

DB=$($own newdb hitl_lost 2>/dev/null) || fail "no cluster"
"$HITL" --db "$DB" init --policy "$SRCDIR/examples/policy.json" >/dev/null
"$HITL" --db "$DB" import "$SRCDIR/tests/data/tui.jsonl" >/dev/null

wait_for() {
	i=0
	while ! tmux -L "$sock" capture-pane -p -t lost | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -lt 150 ] || fail "the screen never showed \"$1\""
		sleep 0.1
	done
}
keys() { tmux -L "$sock" send-keys -t lost "$@"; }

tmux -L "$sock" -f /dev/null new-session -d -s lost -x 250 -y 40 \
    "env TERM=xterm-256color LC_ALL=C.UTF-8 HITL_REVIEWER=bob \
    XDG_CONFIG_HOME='$XDG_CONFIG_HOME' '$HITL' --db '$DB' review; \
    echo console-exited-\$?; sleep 60"
wait_for "tui-anon-2"
keys Enter; wait_for "tui-out-1  model_output"

$own halt >/dev/null || fail "the server did not stop"
keys m; wait_for "comment:"
keys "typed while the server was down"; keys Enter
wait_for "the database server is unreachable"
tmux -L "$sock" capture-pane -p -t lost | grep -q "console-exited" &&
    fail "the console quit"

$own start >/dev/null || fail "the server did not start again"
# The comment comes back as typed; sent now, it is recorded.
keys m; wait_for "comment: typed while the server was down"
keys Enter; wait_for "comment added to tui-out-1"
keys a; wait_for "approve: tui-out-1"
keys q; wait_for "hand-off note"; keys Enter
wait_for "console-exited-0"

out=$("$HITL" --db "$DB" show --json tui-out-1) || fail "show failed"
echo "$out" | jq -e '[.history[] | select(.action == "comment")] | length == 1' \
    >/dev/null || fail "not one comment: $out"
echo "$out" | jq -e '[.history[] | select(.action == "comment")][0].payload.note == "typed while the server was down"' \
    >/dev/null || fail "the comment is not as typed: $out"
echo "$out" | jq -e '[.history[] | select(.action == "approve")] | length == 1' \
    >/dev/null || fail "not one approve: $out"
"$HITL" --db "$DB" audit verify >/dev/null || fail "audit verify failed"
echo "PASS: lost-server"
