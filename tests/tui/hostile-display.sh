#!/bin/sh
# Hostile item text in a real terminal: a reviewer opens every item of
# tests/data/hostile-display.jsonl in the console (a private tmux server,
# send-keys to type) and approves it. Every byte the console writes to the
# terminal is recorded (pipe-pane) and must hold none of the planted
# sequences; the screen (capture-pane) must show them as marks; the
# terminal's title and clipboard must be untouched; and the export must give
# back every string byte-exact.
#
# The corpus, one item per hostile string (in the response unless said
# otherwise), claimed in this order (by priority):
#   hd-csi-clear      ESC[02J, ESC[003J, ESC[0;0H: clear screen, scrollback
#   hd-csi-cursor     cursor moves, save/restore, ESC[6n (the terminal answers)
#   hd-sgr            256-colour SGR with blink and reverse, SGR 8 (conceal)
#   hd-osc-title-bel  OSC 0 window title, BEL-terminated
#   hd-osc-title-st   OSC 2 and OSC 1, ST-terminated; ESC[21t (title report)
#   hd-osc52          OSC 52 clipboard write, and a clipboard query
#   hd-osc8           OSC 8 hyperlink
#   hd-dcs            DCS (XTGETTCAP, DECRQSS, tmux passthrough), APC, PM, SOS
#   hd-c1             every C1 control U+0080-U+009F raw, U+009B (CSI) and
#                     U+009D (OSC) with payloads
#   hd-cr             carriage return over the text, CRLF
#   hd-backspace      backspaces over a command, DEL
#   hd-bel            BEL
#   hd-tab            tabs (layout, not hidden: expanded to stops of 8)
#   hd-bidi-override  U+202A-U+202E (invoice<RLO>fdp.exe)
#   hd-bidi-isolate   U+2066-U+2069, LRM, RLM, ALM
#   hd-zwj            emoji ZWJ sequences (family, technologist), and a
#                     joiner between letters
#   hd-combining      one base and 200 combining marks
#   hd-astral         4-byte characters: emoji, U+1D400 math letters
#   hd-rtl-arabic     right-to-left text, Arabic
#   hd-rtl-hebrew     right-to-left text, Hebrew
#   hd-separators     U+2028 line and U+2029 paragraph separators
#   hd-long-line      one line of 100,000 characters without a space
#   hd-fields         hostile system and user messages and flag rationale
#                     (what else the console draws; names such as the
#                     source model or a recognizer are refused at import
#                     if they hold control characters)
#   hd-anon           an anonymization case: hostile text and Presidio
#                     explanation
# Planted sequences carry parameters ncurses never sends (ESC[02J, not the
# ESC[2J of its own clear) and payloads named PWNED-*, so that the raw
# output can be searched for them next to the console's own drawing.

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: hostile-display: tmux is missing"
	exit 77
fi

. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"
TM_SESSION=hd
. "$SRCDIR/tests/tui/tmux-lib.sh"

CORPUS=$SRCDIR/tests/data/hostile-display.jsonl
export CORPUS

# py WHAT: runs the Python check on standard input.
py() {
	_lib_where=$1
	python3 - >"$T/py.out" 2>&1 || bug "$1" "$T/py.out"
}

# snap NAME: keeps $T/screen as NAME.screen, and the item pane's lines
# (right of the list's border), joined, as NAME.pane: a fragment the pane
# wrapped is found whole there.
snap() {
	cp "$T/screen" "$T/$1.screen"
	sed -n 's/^[^│]*│//p' "$T/$1.screen" | tr -d '\n' >"$T/$1.pane"
}

# open_item ID KIND: Enter claims the next item, which must be ID.
open_item() {
	step "open $1"
	if [ "$2" = anonymization ]; then
		_foot="a approve  e escalate"
	else
		_foot="a approve  c correct"
	fi
	keys Enter
	wait_for "$1  $2" "$_foot"
	snap "$1"
}

# shows NAME FRAGMENT...: each FRAGMENT is on NAME's pane, as it is.
shows() {
	_n=$1
	shift
	for _f in "$@"; do
		grep -qF -- "$_f" "$T/$_n.pane" ||
		    bug "$_n: the screen does not show \"$_f\"" "$T/$_n.screen"
	done
}

# warned NAME yes|no: whether the pane says the item hides characters.
warned() {
	if grep -qF "! contains hidden characters" "$T/$1.pane"; then
		[ "$2" = yes ] || bug "$1: marked as hiding characters, but" \
		    "it is plain text" "$T/$1.screen"
	else
		[ "$2" = no ] || bug "$1: not marked as hiding characters" \
		    "$T/$1.screen"
	fi
}

# bottom ID LAST: G scrolls ID to its end, which must show LAST; the screen
# is kept as ID-end.
bottom() {
	keys G
	wait_for "$2"
	snap "$1-end"
}

# approve ID: a approves the open item, and the console is back at the queue.
approve() {
	keys a
	wait_for "approve: $1"
}

# review ID HIDDEN FRAGMENT...: opens the model output ID, checks the
# warning and the FRAGMENTs, approves it.
review() {
	_id=$1 _hidden=$2
	shift 2
	open_item "$_id" model_output
	warned "$_id" "$_hidden"
	shows "$_id" "$@"
	approve "$_id"
}

# --- the console --------------------------------------------------------------

step "init and import"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$CORPUS"
expect_out "imported 24: queued 24, auto-decided 0"

# The console waits for go: the recording and the clipboard option must be
# in place before its first byte. With set-clipboard on, an OSC 52 that got
# through would become a tmux paste buffer.
step "start the console"
tm_console 120 40
tm set-option -s set-clipboard on
tm_start
wait_for "waiting: 23 outputs, 1 anonymization"

review hd-csi-clear yes 'CSI-CLEAR^[[02J^[[003J^[[0;0Hwiped'
review hd-csi-cursor yes 'CURSOR^[[77;33H^[[013A^[[09D^[7^[[6nHIJACK^[8'
review hd-sgr yes \
    'SGR^[[38;5;196;48;5;21;1;5;7mRED-ALERT^[[8;31mINVISIBLE^[[000m'
review hd-osc-title-bel yes 'TITLE^[]0;PWNED-TITLE^Gafter-bel'
review hd-osc-title-st yes \
    'TITLE-ST^[]2;PWNED-TITLE-ST^[\^[]1;PWNED-ICON^[\^[[21tafter-st'
review hd-osc52 yes 'CLIP^[]52;c;UFdORUQtQ0xJUEJPQVJE^G^[]52;p;?^[\after-clip'
review hd-osc8 yes \
    'LINK^[]8;;https://evil.example/PWNED-LINK^[\click me^[]8;;^[\after-link'
review hd-dcs yes \
    'DCS^[P+q544e^[\^[P$qm^[\^[Ptmux;^[^[]2;PWNED-TMUX^G^[\' \
    '^[_PWNED-APC^[\^[^PWNED-PM^[\^[XPWNED-SOS^[\after-dcs'
review hd-c1 yes \
    '⟨U+0080⟩⟨U+0081⟩⟨U+0082⟩⟨U+0083⟩⟨U+0084⟩⟨U+0085⟩⟨U+0086⟩⟨U+0087⟩' \
    '⟨U+0088⟩⟨U+0089⟩⟨U+008A⟩⟨U+008B⟩⟨U+008C⟩⟨U+008D⟩⟨U+008E⟩⟨U+008F⟩' \
    '⟨U+0090⟩⟨U+0091⟩⟨U+0092⟩⟨U+0093⟩⟨U+0094⟩⟨U+0095⟩⟨U+0096⟩⟨U+0097⟩' \
    '⟨U+0098⟩⟨U+0099⟩⟨U+009A⟩⟨U+009B⟩⟨U+009C⟩⟨U+009D⟩⟨U+009E⟩⟨U+009F⟩' \
    '⟨U+009B⟩02J⟨U+009D⟩2;PWNED-C1⟨U+009C⟩after-c1'
# The CRLF's line feed stays a line break (the next pane line, joined).
review hd-cr yes 'Refund DENIED␍Refund GRANTED-CR␍CRLF-NEXT'
review hd-backspace yes 'rm -rf ~/^H^H^H^H^H^H^H^Hls -la BS-DONE^?^?DEL-DONE'
review hd-bel yes 'ding^G^G^GBEL-DONE'
# A tab is layout, by design (tui/text.c): spaces to the next stop of 8.
open_item hd-tab model_output
shows hd-tab 'TAB1    TAB-COL2                TAB-COL3'
! grep -qF '^I' "$T/hd-tab.pane" || bug "hd-tab: a tab shown as ^I" \
    "$T/hd-tab.screen"
approve hd-tab
review hd-bidi-override yes '⟨U+202A⟩LRE⟨U+202C⟩' '⟨U+202B⟩RLE⟨U+202C⟩' \
    '⟨U+202D⟩LRO⟨U+202C⟩' 'invoice⟨U+202E⟩fdp.exe⟨U+202C⟩'
review hd-bidi-isolate yes '⟨U+2066⟩LRI⟨U+2069⟩' '⟨U+2067⟩RLI⟨U+2069⟩' \
    '⟨U+2068⟩FSI⟨U+2069⟩' '⟨U+200E⟩LRM⟨U+200F⟩RLM⟨U+061C⟩ALM'
# Joiners inside emoji sequences are no hidden characters, but the console
# draws the emoji side by side (terminals disagree on a joined glyph's
# width); a lone joiner is hidden.
review hd-zwj yes 'family 👨👩👧👦 coder 👩💻 pay⟨U+200D⟩pal ZWJ-DONE'

# Three marks stack on the base (U+0300-U+0302); past them, each mark is
# shown as ⟨U+03xx⟩ (tui/text.c: "a flood of marks is shown, not
# stacked"), and never joins the bracket of the mark before it.
open_item hd-combining model_output
warned hd-combining yes
shows hd-combining "$(printf 'Z\314\200\314\201\314\202')⟨U+0303⟩"
bottom hd-combining COMBINING-DONE
shows hd-combining-end '⟨U+0357⟩ COMBINING-DONE'
py "hd-combining: combining marks are drawn on a mark's ⟩" <<'EOF'
import re
for name in ("hd-combining", "hd-combining-end"):
    pane = open(name + ".pane", encoding="utf-8").read()
    on = re.findall(r"(\u27e8U\+[0-9A-F]{4}\u27e9)([\u0300-\u036f]+)", pane)
    if on:
        raise SystemExit("%s: %d combining marks drawn on the closing "
            "bracket of %d marks, e.g. %s followed by %s" % (name,
            sum(len(m) for _, m in on), len(on), on[0][0],
            " ".join("U+%04X" % ord(c) for c in on[0][1])))
EOF
approve hd-combining

review hd-astral no 'emoji 😀🎉🔥 math 𝐀𝐁𝐂𝐳 ASTRAL-DONE'
review hd-rtl-arabic no 'مرحبا بالعالم ARABIC-DONE'
review hd-rtl-hebrew no 'שלום עולם HEBREW-DONE'
review hd-separators yes 'line⟨U+2028⟩LS-NEXT para⟨U+2029⟩PS-NEXT'

open_item hd-long-line model_output
warned hd-long-line no
shows hd-long-line 'LONG-START0123456789012345678901234567890123456789'
bottom hd-long-line LONG-END
shows hd-long-line-end '0123456789012345678901234567890123456789LONG-END'
approve hd-long-line

review hd-fields yes 'bot-hostile' '[system]SYS^[]0;PWNED-SYSTEM^G' \
    '[user]USER⟨U+202E⟩resu⟨U+202C⟩^[[02J' \
    'toxicity 0.900  probe: WHY^[]2;PWNED-RATIONALE^G'

open_item hd-anon anonymization
warned hd-anon yes
shows hd-anon 'Call ⟨U+202E⟩Jordan⟨U+202C⟩ at ^[]0;PWNED-ANON^G home' \
    'Spacy' 'textual_explanation: EXPL^[[02J⟨U+202E⟩lpxe'
# a commits the spans as proposed: an approval.
approve hd-anon

step "quit"
wait_for "waiting: 0 outputs, 0 anonymization"
keys q
wait_for "hand-off note"
keys "hostile display checked" Enter
wait_for console-exited-0

# The terminal itself: what a leaked OSC 0/1/2 or OSC 52 would have changed.
step "the terminal's title and clipboard"
tm display -p -t hd '#{pane_title} #{window_name}' >"$T/title"
! grep -q PWNED "$T/title" || bug "item text set the terminal's title" \
    "$T/title"
tm list-buffers >"$T/buffers"
[ ! -s "$T/buffers" ] || bug "item text wrote to the clipboard" "$T/buffers"

# The recording is whole once the shell's line after the console is in it.
_i=0
until grep -qF console-exited-0 "$T/raw.out"; do
	_i=$((_i + 1))
	[ "$_i" -lt 100 ] || fail "the recording of the terminal is incomplete"
	sleep 0.05
done
tm kill-server

# --- the bytes written to the terminal ----------------------------------------

# check(FILE, stack=N, tabs=False): FILE, as written to a terminal, holds
# no planted sequence and nothing a terminal would obey: no OSC, DCS, APC,
# PM or SOS introducer, BEL, DEL, C1 control, byte that is not UTF-8 (a raw
# 0x9B CSI or 0x9D OSC), bidi or invisible character, nor more than N
# combining marks in a row; tabs only if TABS. ncurses draws with CSI and
# SGR sequences of its own and may reset the colours on exit with
# terminfo's "oc" (an OSC 104): that string, as terminfo has it, is taken
# out first.
tput -T xterm-256color oc >terminfo-oc 2>/dev/null || : >terminfo-oc
cat >rawchk.py <<'EOF'
import json, os, re, unicodedata

# The characters textsafe.c shows as marks: bidi, zero-width, separators.
def hidden(cp):
    return (0x200b <= cp <= 0x200f or 0x202a <= cp <= 0x202e or
        0x2060 <= cp <= 0x2064 or 0x2066 <= cp <= 0x2069 or
        cp in (0x061c, 0x00ad, 0xfeff, 0x2028, 0x2029, 0x180e) or
        0xfff9 <= cp <= 0xfffb or 0xe0000 <= cp <= 0xe007f)

# A joiner between two emoji (textsafe_zwj_joins; the emoji blocks stand in
# for Extended_Pictographic here) is part of an emoji ZWJ sequence.
def pictographic(cp):
    return 0x1f000 <= cp <= 0x1faff or 0x2600 <= cp <= 0x27bf

def joins(s, i):
    j = i - 1
    while j >= 0 and (s[j] == "\ufe0f" or 0x1f3fb <= ord(s[j]) <= 0x1f3ff):
        j -= 1
    return (s[i] == "\u200d" and j >= 0 and pictographic(ord(s[j])) and
        i + 1 < len(s) and pictographic(ord(s[i + 1])))

def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)

# A planted escape sequence, whole: CSI to its final byte, OSC to its
# terminator, DCS, APC, PM and SOS to the next ESC, else ESC and a character.
SEQ = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*|[P_^X][^\x1b]*|.)",
    re.S)

def check(path, stack=None, tabs=False):
    raw = open(path, "rb").read()
    oc = open("terminfo-oc", "rb").read()
    if oc:
        raw = raw.replace(oc, b"")
    out = raw.decode("utf-8", "surrogateescape")
    bad = []
    def no(what, found):
        if found:
            bad.append("%s: %r" % (what, found[:5]))
    no("bytes that are not UTF-8",
        [hex(ord(c) - 0xdc00) for c in out if 0xdc80 <= ord(c) <= 0xdcff])
    no("C1 controls (U+0080-U+009F)",
        ["U+%04X" % ord(c) for c in out if 0x80 <= ord(c) <= 0x9f])
    no("bidi or invisible characters",
        ["U+%04X" % ord(c) for i, c in enumerate(out)
        if hidden(ord(c)) and not joins(out, i)])
    no("OSC, DCS, APC, PM or SOS introducers",
        re.findall(r"\x1b[\]P_^X].{0,20}", out))
    no("BEL", re.findall(r".{0,20}\x07", out))
    no("DEL", re.findall(r".{0,20}\x7f", out))
    if stack is not None:
        run = longest = 0
        for c in out:
            run = run + 1 if unicodedata.category(c) == "Mn" else 0
            longest = max(longest, run)
        if longest > stack:
            bad.append("%d combining marks in a row" % longest)
    # Each planted escape sequence, and each other planted control
    # character with the text after it.
    for line in open(os.environ["CORPUS"], encoding="utf-8"):
        item = json.loads(line)
        for s in strings(item):
            found = [m.group(0) for m in SEQ.finditer(s)]
            found += [s[i:i + 8] for i, c in enumerate(s)
                if c != "\x1b" and (ord(c) < 0x20 or ord(c) == 0x7f)
                and not (tabs and c == "\t")]
            for f in dict.fromkeys(found):
                if f in out:
                    bad.append("%s: %r" % (item["id"], f))
    if bad:
        raise SystemExit("\n".join(bad))
EOF

# The console stacks at most 3 combining marks on a character.
py "the console wrote item text raw to the terminal" <<'EOF'
from rawchk import check
check("raw.out", stack=3)
EOF

# The CLI's text output is held to the same rule (README: "Text output
# never writes item text raw to the terminal"), but for tabs, which it
# keeps as they are (TEXTSAFE_KEEP_TABS).
step "hitl show"
for id in $(jq -r .id "$CORPUS"); do
	"$HITL" show "$id"
done >show.out
py "hitl show wrote item text raw" <<'EOF'
from rawchk import check
check("show.out", tabs=True)
EOF

# --- the record ---------------------------------------------------------------

# Every hostile string comes back as imported, in the record of decisions
# (original and final: the response or text) and in the sft training data
# (the context and the response), compared after JSON decoding, as bytes.
step "export"
expect_exit 0 hitl_as alice export --format decisions --redact none \
    -o decisions.jsonl
expect_err "exported 24 decisions records to decisions.jsonl"
expect_exit 0 hitl_as alice export --format sft --redact none -o sft.jsonl
expect_err "exported 23 sft records to sft.jsonl"
py "the export does not give back the hostile strings byte-exact" <<'EOF'
import json, os
def load(path):
    with open(path, "rb") as f:
        return [json.loads(line.decode("utf-8")) for line in f]
def same(what, got, want):
    if not isinstance(got, str) or got.encode() != want.encode():
        bad.append("%s:\n  got  %r\n  want %r" % (what, got, want))
bad = []
corpus = load(os.environ["CORPUS"])
byid = {r["id"]: r for r in corpus}
decisions = {d["item"]: d for d in load("decisions.jsonl")}
if sorted(decisions) != sorted(byid):
    bad.append("decisions for %r" % sorted(decisions))
for cid, r in byid.items():
    d = decisions.get(cid)
    if d is None:
        continue
    want = r["response"] if r["kind"] == "model_output" else r["text"]
    if d["action"] != "approve":
        bad.append("%s: %s, not approve" % (cid, d["action"]))
    same(cid + " original", d["original"], want)
    same(cid + " final", d["final"], want)
sft = load("sft.jsonl")
outputs = [r for r in corpus if r["kind"] == "model_output"]
if len(sft) != len(outputs):
    bad.append("%d sft records for %d outputs" % (len(sft), len(outputs)))
# sft records carry no id: they are matched by their response.
byresp = {r["response"]: r for r in outputs}
for s in sft:
    msgs = s["messages"]
    r = byresp.get(msgs[-1]["content"])
    if r is None:
        bad.append("sft: an assistant message not in the corpus: %r" %
            msgs[-1]["content"][:80])
        continue
    ctx = r.get("messages") or [{"role": "user", "content": r["prompt"]}]
    want = ctx + [{"role": "assistant", "content": r["response"]}]
    if [m["role"] for m in msgs] != [m["role"] for m in want]:
        bad.append("%s: sft roles %r" % (r["id"], msgs))
        continue
    for i, (g, w) in enumerate(zip(msgs, want)):
        same("%s sft message %d" % (r["id"], i), g["content"], w["content"])
if bad:
    raise SystemExit("\n".join(bad))
EOF

step "audit"
expect_exit 0 "$HITL" audit verify

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
