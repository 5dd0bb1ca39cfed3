#!/bin/sh
# The README's key table is the one the console's binding table generates;
# a reviewer's keys file ($XDG_CONFIG_HOME/hitl/keys, else
# ~/.config/hitl/keys) changes the bindings in force, which --keys, the
# help screen and the footer show, and a bad line is refused naming it.
set -eu
: "${HITL:?}" "${SRCDIR:?}"
if [ "${HITL_TEST_BACKEND:-sqlite}" != sqlite ]; then
	echo "SKIP: keys: the key table has no database: its run on sqlite" \
	    "checks it"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/hitl-keys.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: keys: $*" >&2; exit 1; }

# The defaults: no keys file anywhere this run could find one.
env -u XDG_CONFIG_HOME HOME="$T" "$HITL" review --keys >"$T/keys.md"
sed -n '/^<!-- keys: hitl review --keys -->$/,/^<!-- end of keys -->$/p' \
    "$SRCDIR/README.md" | sed '1d;$d' >"$T/readme.md"
if ! diff -u "$T/keys.md" "$T/readme.md"; then
	echo "FAIL: keys: README.md's key table is out of date;" \
	    "regenerate it with 'hitl review --keys'" >&2
	exit 1
fi

# A keys file: a new key, a key given to another action, a key taken away,
# named keys; comments and blank lines.
mkdir -p "$T/cfg/hitl" "$T/home/.config/hitl"
cat >"$T/cfg/hitl/keys" <<'KEYS'
# mine
bind queue J move-down

bind item C-a approve
bind item a none
bind all <Home> help
KEYS
XDG_CONFIG_HOME="$T/cfg" "$HITL" review --keys >"$T/mine.md" ||
    fail "--keys with a keys file failed"
grep -qxF '| queue | `J` | move-down | next row |' "$T/mine.md" ||
    fail "the new binding is not in force"
grep -qxF '| item | `C-a` | approve | approve: the output (or the spans) is right |' \
    "$T/mine.md" || fail "C-a is not approve"
! grep -qF '| item | `a` |' "$T/mine.md" || fail "a was not taken away"
grep -qxF '| all | `Home` | help | show the keys |' "$T/mine.md" ||
    fail "Home was not rebound"
! grep -qF '| all | `Home` | first |' "$T/mine.md" ||
    fail "Home is bound twice"
# ~/.config/hitl/keys when XDG_CONFIG_HOME is unset.
cp "$T/cfg/hitl/keys" "$T/home/.config/hitl/keys"
env -u XDG_CONFIG_HOME HOME="$T/home" "$HITL" review --keys |
    grep -qxF '| queue | `J` | move-down | next row |' ||
    fail "~/.config/hitl/keys is not read"

# Bad lines: exit 78, the file and line named, a suggestion where one is near.
bad() {
	printf '# first\n%s\n' "$1" >"$T/cfg/hitl/keys"
	_rc=0
	XDG_CONFIG_HOME="$T/cfg" "$HITL" review --keys >"$T/out" \
	    2>"$T/err" || _rc=$?
	[ "$_rc" -eq 78 ] || fail "\"$1\": expected exit 78, got $_rc"
	grep -qF "hitl review: $T/cfg/hitl/keys line 2: " "$T/err" &&
	    grep -qF "$2" "$T/err" ||
	    fail "\"$1\": expected line 2 and \"$2\", got: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "\"$1\": printed a table all the same"
}
bad 'bind item A aprove' 'unknown action "aprove"'
bad 'bind item A aprove' 'did you mean "approve"?'
bad 'bind itm A approve' 'unknown view "itm"'
bad 'bind itm A approve' 'did you mean "item"?'
bad 'bind queue <Entr> open' 'unknown key "<Entr>"'
bad 'bind queue J' 'expected "bind VIEW KEY ACTION"'
bad 'map queue J move-down' 'expected "bind VIEW KEY ACTION"'

# In the console: the reviewer's keys are the ones that work.
cat >"$T/cfg/hitl/keys" <<'KEYS'
bind queue J move-down
bind item A approve
KEYS
cd "$T"
HITL_NOW=1795780800 "$HITL" --db k.db init \
    --policy "$SRCDIR/examples/policy.json" >/dev/null
HITL_NOW=1795780800 "$HITL" --db k.db import \
    "$SRCDIR/tests/data/tui.jsonl" >/dev/null
printf 'J<Enter>A\n:screen-dump after.screen\n?\n:screen-dump help.screen\n' \
    >k.keys
env -i PATH="$PATH" HOME="$T" XDG_CONFIG_HOME="$T/cfg" \
    TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 \
    LINES=40 HITL_NOW=1795780800 HITL_REVIEWER=bob \
    timeout 30 "$HITL" --db k.db review --script k.keys </dev/null \
    >/dev/null 2>"$T/err" || fail "the console failed: $(cat "$T/err")"
grep -qF "approve: tui-hostile" after.screen ||
    fail "J then A did not approve the second row: $(cat after.screen)"
grep -qE '^ *J +move-down' help.screen ||
    fail "the help screen does not show J: $(cat help.screen)"
echo "PASS: keys"
