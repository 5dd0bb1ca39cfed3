#!/bin/sh
# Minimum exposure in a real terminal: the console (a private tmux server,
# send-keys to type) opens a model output whose pii.leak flag covers an
# email address, and an anonymization case whose EMAIL_ADDRESS span triage
# accepted (the case opens on another span). Every byte the console writes
# to the terminal is recorded (pipe-pane): neither address may be in them,
# drawn or drawn and overwritten, until p reveals the open item; then it
# is, and the reveal is in the audit log.

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: mask-tmux: tmux is missing"
	exit 77
fi

. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"
TM_SESSION=mt
. "$SRCDIR/tests/tui/tmux-lib.sh"

OUT_VALUE=bob.jones@example.net
ANON_VALUE=ana.silva@example.org

# raw_lacks VALUE WHEN: the bytes written so far do not hold VALUE.
raw_lacks() {
	_lib_where="raw output lacks $1 $2"
	! grep -aqF -- "$1" "$T/raw.out" ||
	    fail "$1 was written to the terminal $2"
}

step "init and import"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/mask.jsonl"
expect_out "imported 2: queued 2"

step "start the console"
tm_console 100 30
tm_start
wait_for "waiting: 1 outputs, 1 anonymization"

step "the model output, masked"
keys Enter
wait_for "mask-out-1  model_output" "p reveal"
grep -qF "⟦pii.leak⟧" "$T/screen" || fail "no mask on the screen" "$T/screen"
# Scrolling redraws the pane: still nothing of the value.
keys j k
wait_for "Sure: I wrote to"
raw_lacks "$OUT_VALUE" "before p"
raw_lacks "$ANON_VALUE" "before its item was open"

step "p reveals it"
keys p
wait_for "$OUT_VALUE" "recorded in the audit log"
grep -aqF -- "$OUT_VALUE" "$T/raw.out" ||
    fail "the revealed value is on the screen, not in the raw output"

step "the anonymization case: its accepted span masked"
keys s
wait_for "skip; note"
keys Enter
wait_for "skip: mask-out-1"
keys Enter
wait_for "mask-anon-1  anonymization" "> PERSON"
grep -qF "⟦EMAIL_ADDRESS⟧" "$T/screen" ||
    fail "the accepted span is not masked" "$T/screen"
# Deciding a span and moving on redraws the text: still masked.
keys y Tab l h
wait_for "> PHONE_NUMBER" "⟦PERSON⟧"
raw_lacks "$ANON_VALUE" "before p"
keys p
wait_for "$ANON_VALUE" "recorded in the audit log"
grep -aqF -- "$ANON_VALUE" "$T/raw.out" ||
    fail "the revealed span is not in the raw output"
keys Escape q
wait_for "hand-off note"
keys Enter
wait_for console-exited-0

step "the reveals are in the audit log"
expect_exit 0 "$HITL" audit log --json
n=$(jq -s '[.[] | select(.event == "reveal" and .actor == "bob")] | length' \
    "$T/out")
expect_eq "reveal events" "$n" 2
expect_exit 0 "$HITL" audit verify
pass
