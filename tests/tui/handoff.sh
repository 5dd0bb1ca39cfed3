#!/bin/sh
# Hand-off notes reach the next shift: when the console starts, the latest
# notes of this queue's ended shifts are shown (newest first; a note with
# escape sequences as marks), Esc closes them, and H shows them again. A
# queue with no notes starts on the queue itself.
. "$SRCDIR/tests/cli/lib.sh"
work=$T/work
mkdir -p "$work"
db=test.db
[ "$BACKEND" = sqlite ] || db=$(newdb handoff)
console_db "$db"
console_init "$work" "$db" tui.jsonl

cat >"$work/first.keys" <<'KEYS'
:screen-dump none.screen
KEYS
console_run "$work" bob "$work/first.keys"
! grep -q "hand-off notes" "$work/none.screen" ||
    fail "notes shown for a queue that has none" "$work/none.screen"

# carol's shift, then dana's, each ended with a note (dana's hostile).
for who in carol dana; do
	case $who in
	carol) note="tui-out-2 waits for legal" ;;
	dana) note=$(printf 'check \033]0;pwned\007 tui-anon-1 \033[2J') ;;
	esac
	(cd "$work" && HOME="$work" HITL_NOW=1795781000 HITL_REVIEWER=$who \
	    "$HITL" --db "$db" shift start >/dev/null &&
	    HOME="$work" HITL_NOW=1795781100 HITL_REVIEWER=$who \
	    "$HITL" --db "$db" shift end --note "$note" >/dev/null) ||
	    fail "$who's shift"
done

cat >"$work/next.keys" <<'KEYS'
:screen-dump notes.screen
<Esc>
:screen-dump closed.screen
H
:screen-dump again.screen
<Esc>
KEYS
console_run "$work" bob "$work/next.keys"
_lib_where="the notes at the start"
grep -q "hand-off notes from the last shifts" "$work/notes.screen" ||
    fail "no hand-off notes at the start" "$work/notes.screen"
grep -q "carol, .*: tui-out-2 waits for legal" "$work/notes.screen" ||
    fail "carol's note is not shown" "$work/notes.screen"
grep -q 'dana, .*: check ^\[\]0;pwned^G tui-anon-1 ^\[\[2J' \
    "$work/notes.screen" || fail "dana's note is not shown as marks" \
    "$work/notes.screen"
# Newest first: dana ended after carol.
[ "$(grep -n 'dana, ' "$work/notes.screen" | cut -d: -f1)" -lt \
    "$(grep -n 'carol, ' "$work/notes.screen" | cut -d: -f1)" ] ||
    fail "the notes are not newest first" "$work/notes.screen"
_lib_where="closed and shown again"
! grep -q "hand-off notes" "$work/closed.screen" ||
    fail "Esc did not close the notes" "$work/closed.screen"
grep -q "tui-out-1" "$work/closed.screen" ||
    fail "the queue is not shown after the notes" "$work/closed.screen"
grep -q "carol, .*: tui-out-2 waits for legal" "$work/again.screen" ||
    fail "H did not show the notes again" "$work/again.screen"
pass
