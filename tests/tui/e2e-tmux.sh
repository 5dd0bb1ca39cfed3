#!/bin/sh
# The console in a real terminal: a private tmux server, send-keys to type,
# capture-pane to read. A reviewer approves one item, corrects one in
# $EDITOR, corrects an anonymization case (rejects a span, retypes one;
# the window is resized under it), escalates one, undoes the last decision
# and quits with a hand-off note;
# then the database is checked through the CLI, and the terminal for raw
# escape sequences from item text.
command -v tmux >/dev/null || { echo "FAIL: e2e: tmux is missing" >&2; exit 1; }
. "$SRCDIR/tests/cli/lib.sh"
sock=hitl-e2e-$$
trap '_rc=$?; tmux -L "$sock" kill-server 2>/dev/null || true; (exit $_rc);
    _lib_exit' EXIT
fail() {
	_lib_failed=1
	echo "FAIL: e2e: $*" >&2
	tmux -L "$sock" capture-pane -p -t e2e >&2 || true
	exit 1
}

DB=$(newdb e2e)
console_db "$DB"
"$HITL" --db "$DB" init --policy "$SRCDIR/examples/policy.json" >/dev/null
"$HITL" --db "$DB" import "$SRCDIR/tests/data/tui.jsonl" >/dev/null

# Waits until the screen shows TEXT (the console redraws after each key).
wait_for() {
	i=0
	while ! tmux -L "$sock" capture-pane -p -t e2e | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the screen never showed \"$1\""
		sleep 0.1
	done
}
keys() { tmux -L "$sock" send-keys -t e2e "$@"; }

mkdir "$T/tmp"
tmux -L "$sock" -f /dev/null new-session -d -s e2e -x 120 -y 40 \
    "env TERM=xterm-256color LC_ALL=C.UTF-8 HITL_REVIEWER=bob $CONSOLE_ENV \
    EDITOR='$SRCDIR/tests/tui/edit-response.sh' TMPDIR='$T/tmp' \
    EDIT_LOG='$T/edit.log' \
    '$HITL' --db '$CONSOLE_DB' review; echo console-exited-\$?; sleep 60"
tmux -L "$sock" set-option -t e2e allow-rename off >/dev/null 2>&1 || true
wait_for "waiting: 3 outputs"

# 1. approve the first item
keys Enter; wait_for "tui-out-1  model_output"
keys a; wait_for "approve: tui-out-1"
# 2. correct the hostile one in $EDITOR: no label, the flag overturned
keys Enter; wait_for "tui-hostile  model_output"
wait_for "contains hidden characters"
# What the terminal shows: the sequences as visible marks, none obeyed.
tmux -L "$sock" capture-pane -p -t e2e >hostile.txt
tmux -L "$sock" capture-pane -p -e -t e2e >hostile-raw.txt
grep -qF '^[[31m DECLINED ^[[0m^[]0;pwned^G' hostile.txt ||
    fail "escape sequences are not shown as marks"
grep -qF '⟨U+202E⟩evil⟨U+202C⟩' hostile.txt || fail "bidi not shown"
! grep -q "$(printf '\033\\]0;')" hostile-raw.txt ||
    fail "an OSC sequence reached the terminal"
! grep -qF "$(printf '\342\200\256')" hostile-raw.txt ||
    fail "a raw U+202E reached the terminal"
keys c; wait_for "labels (Enter toggles)"
keys G Enter; wait_for "was it right?"
keys j Enter; wait_for "correct: tui-hostile"
# 3. escalate the next: legal, first reason, first severity, a note
keys Enter; wait_for "tui-out-2  model_output"
keys e; wait_for "escalate to which team?"
keys Enter; wait_for "reason"
keys Enter; wait_for "severity"
keys Enter; wait_for "note for the team:"
keys "wrong return window" Enter; wait_for "escalate: tui-out-2"
# 4. the anonymization case: Jordan is not PII, Amman is retyped
keys Enter; wait_for "tui-anon-1  anonymization"
# The window shrinks under the open item, and grows back (KEY_RESIZE): the
# item goes below the list, then beside it again, nothing of it lost.
tmux -L "$sock" resize-window -t e2e -x 100 -y 30
wait_for "ITEM                     KIND   TOP"
wait_for "$(printf '%.0s─' $(seq 100))"
wait_for "tui-anon-1  anonymization"
tmux -L "$sock" resize-window -t e2e -x 120 -y 40
wait_for "│tui-anon-1  anonymization"
keys Tab x; wait_for "not PII"
keys Tab t; wait_for "retype the span as"
keys j j Enter; wait_for "retyped to NRP"
keys a; wait_for "correct: tui-anon-1"
# 5. undo that, and 6. quit with a hand-off note, after changing one's mind
keys u; wait_for "undid correct of tui-anon-1"
# Esc at the hand-off note stays: the shift and the open item go on.
keys q; wait_for "hand-off note"
keys Escape; sleep 0.3; keys '?'; wait_for "Everywhere"
"$HITL" --db "$DB" show --json tui-anon-1 | jq -e '.state == "claimed" and
    .claim.holder == "bob"' >/dev/null ||
    fail "Esc at the hand-off note released the open item"
keys Escape; sleep 0.3
keys q; wait_for "hand-off note"
keys "anon-1 needs a second look" Enter
wait_for "console-exited-0"

# The editor's file: in $TMPDIR, named .txt, gone afterwards.
case $(cat "$T/edit.log") in
"$T"/tmp/hitl-edit-??????.txt) ;;
*) fail "the editor was given $(cat "$T/edit.log")" ;;
esac
[ -z "$(ls -A "$T/tmp")" ] || fail "the editor's file was left in \$TMPDIR"
screen=$(tmux -L "$sock" capture-pane -p -e -t e2e -S -200)
title=$(tmux -L "$sock" display -p -t e2e '#{pane_title}')
[ "$title" != "pwned" ] || fail "item text set the terminal title"

show() { "$HITL" --db "$DB" show --json "$1"; }
[ "$(show tui-out-1 | jq -r '.state + " " + .history[0].action')" = \
    "decided approve" ] || fail "tui-out-1 was not approved"
show tui-hostile | jq -e '.state == "decided" and
    .history[0].payload.text == (.response | sub("Refund issued: \\$499";
    "Refund pending review")) and
    .history[0].payload.flags[0].verdict == "overturned"' >/dev/null ||
    fail "tui-hostile's correction is not as typed"
show tui-out-2 | jq -e '.state == "escalated" and
    .history[0].payload.team == "legal"' >/dev/null ||
    fail "tui-out-2 was not escalated"
show tui-anon-1 | jq -e '.state == "queued" and
    .history[0].action == "correct" and
    .history[0].payload.spans[1].verdict == "rejected" and
    .history[0].payload.spans[2].entity_type == "NRP" and
    .history[1].action == "undo"' >/dev/null ||
    fail "tui-anon-1's correction was not undone"
"$HITL" --db "$DB" --reviewer bob shifts --json | jq -e \
    'select(.reviewer == "bob") | .note == "anon-1 needs a second look"' \
    >/dev/null || fail "no hand-off note"
"$HITL" --db "$DB" audit verify >/dev/null || fail "the audit chain broke"
pass
