#!/bin/sh
# Kept corrections come back only to their own item: files are named
# injectively (ids "rec a b" and "rec a_b" have files of their own) and
# their first line names the item, checked when read. A file of an earlier
# hitl (no first line, named with _ for every other byte) is taken only by
# an id that naming could not have confused.
. "$SRCDIR/tests/cli/lib.sh"
work=$T/work
state=$work/state/hitl
mkdir -p "$state"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb recovery)
console_db "$db"
for id in "rec a_b" "rec a b" "rec-old"; do
	jq -nc --arg id "$id" '{id: $id, kind: "model_output",
	    prompt: "Is it refundable?", response: "No refunds, ever.",
	    flags: [{type: "toxicity", score: 0.9}]}'
done >"$work/items.jsonl"
(cd "$work" && export HITL_NOW=1795780800 HOME="$work" &&
    "$HITL" --db "$db" init --policy "$SRCDIR/examples/policy.json" \
    >/dev/null && "$HITL" --db "$db" import items.jsonl >/dev/null) ||
    fail "setup"

# "rec a b"'s kept correction, as the console writes it.
printf '%s\n%s' 'hitl: a correction of item "rec a b", kept when it could not be saved' \
    'Refunds within 30 days.' >"$state/rec%20a%20b.correction"
# An earlier hitl's file for "rec a b" or "rec a_b" (it named both so).
printf '%s' 'not for rec a_b' >"$state/rec_a_b.correction"
# An earlier hitl's file for "rec-old", whose name only it could have.
printf '%s' 'Refunds within 14 days.' >"$state/rec-old.correction"

# Claim order: import order (equal priorities). Each is opened, looked at
# and skipped (s, Enter for no note); "rec a b"'s correction opens in the
# one-line editor (no $EDITOR) and is left there (Esc).
cat >"$work/keys" <<'KEYS'
<Enter>
:screen-dump a_b.screen
s<Enter>
<Enter>
:screen-dump a-b.screen
c
:screen-dump a-b-editor.screen
<Esc>
s<Enter>
<Enter>
:screen-dump old.screen
KEYS
(cd "$work" && env -i PATH="$PATH" HOME="$work" TERM=xterm-256color \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 LINES=30 \
    HITL_NOW=1795780800 HITL_REVIEWER=bob XDG_STATE_HOME="$work/state" \
    $CONSOLE_ENV timeout 30 "$HITL" --db "$CONSOLE_DB" review \
    --script keys </dev/null >stdout 2>stderr) ||
    fail "the console exited with $?" "$work/stderr"
[ ! -s "$work/stderr" ] || fail "stderr is not empty" "$work/stderr"

_lib_where="rec a_b"
grep -q "rec a_b  model_output" "$work/a_b.screen" ||
    fail "rec a_b was not opened" "$work/a_b.screen"
! grep -q "is back" "$work/a_b.screen" ||
    fail "another item's correction came back on rec a_b" "$work/a_b.screen"
_lib_where="rec a b"
grep -q "your earlier correction of rec a b is back" "$work/a-b.screen" ||
    fail "rec a b's correction did not come back" "$work/a-b.screen"
grep -q "Refunds within 30 days." "$work/a-b-editor.screen" ||
    fail "the editor does not hold rec a b's correction" \
    "$work/a-b-editor.screen"
_lib_where="rec-old"
grep -q "your earlier correction of rec-old is back" "$work/old.screen" ||
    fail "an earlier hitl's file did not come back" "$work/old.screen"
pass
