#!/bin/sh
# Shared by the real-terminal tests (sourced after lib.sh): a private tmux
# server whose socket is in $T, gone with the test however it ends, and
# the session TM_SESSION (set before sourcing) typed into and read. The
# test skips before lib.sh when tmux is missing.

tm() {
	tmux -S "$T/tmux.sock" "$@"
}

# The tmux server goes with the test however it ends; lib.sh's handler then
# reports and cleans up with the test's own status.
_tm_exit() {
	_tm_rc=$?
	tm kill-server 2>/dev/null || :
	return "$_tm_rc"
}
trap '_tm_exit || _lib_exit; _lib_exit' EXIT

keys() {
	tm send-keys -t "$TM_SESSION" "$@"
}

# wait_for TEXT...: waits (up to 10 s) for one screen that shows every TEXT;
# that screen is left in $T/screen. The console draws top to bottom, so
# waiting for the last line drawn gives a whole screen.
wait_for() {
	_lib_where="the screen shows: $*"
	_i=0
	while :; do
		tm capture-pane -p -t "$TM_SESSION" >"$T/screen"
		_all=1
		for _s in "$@"; do
			grep -qF -- "$_s" "$T/screen" || { _all=; break; }
		done
		[ -z "$_all" ] || return 0
		_i=$((_i + 1))
		[ "$_i" -lt 200 ] || fail "the screen never showed \"$*\"" \
		    "$T/screen"
		sleep 0.05
	done
}

# tm_console W H: the console on the test's database, as bob, in a new
# session TM_SESSION of W x H cells, run in $T (the database by its name
# there, as the header shows it); it waits for tm_start, so that what the
# caller sets up (the recording, tmux options) is in place before its
# first byte.
tm_console() {
	console_db "$HITL_DB"
	[ "$BACKEND" = postgresql ] || CONSOLE_DB=test.db
	tm -f /dev/null new-session -d -s "$TM_SESSION" -x "$1" -y "$2" \
	    -c "$T" "while [ ! -e go ]; do sleep 0.05; done; \
	    env TERM=xterm-256color LC_ALL=C.UTF-8 HITL_REVIEWER=bob \
	    HITL_NOW=$HITL_NOW HOME='$T' $CONSOLE_ENV \
	    '$HITL' --db '$CONSOLE_DB' review; echo console-exited-\$?; \
	    sleep 60"
}

# tm_start: records every byte the console writes to the terminal in
# $T/raw.out (pipe-pane), then lets it start.
tm_start() {
	tm pipe-pane -o -t "$TM_SESSION" "cat >>'$T/raw.out'"
	: >"$T/go"
}
