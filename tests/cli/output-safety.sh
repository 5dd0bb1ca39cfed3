#!/bin/sh
# Untrusted strings in the CLI's output: file names, paths, policy strings,
# notes and echoed arguments that hold OSC 52, OSC 0, CSI, C1 CSI (U+009B),
# bidi controls, DEL and a newline reach neither stdout nor stderr raw: text
# output shows them as marks on one line, JSON output as \u escapes that
# parse back to exactly the original strings.
. "$SRCDIR/tests/cli/lib.sh"

# OSC 52 (clipboard), OSC 0 (title), CSI, C1 CSI, RLO, LRI, DEL, LS, a tag
# character and a newline, with printable text around each.
H=$(printf 'x\033]52;c;aGk=\007 \033]0;pwned\007 \033[2J \302\23331m \342\200\256rlo \342\201\246lri \177 \342\200\250 \363\240\201\201 nl\nend')
export H

cat >safe.py <<'EOF'
import re, sys
# The raw bytes that must never reach a terminal.
BAD = re.compile(rb"\x1b|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9\xab-\xae]|"
    rb"\xe2\x81[\xa6-\xa9]|\xf3\xa0[\x80-\x81]")
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    m = BAD.search(data)
    if m:
        sys.exit("%s: raw %r at byte %d" % (path, m.group(), m.start()))
EOF

# hitl_as WHO ARGS...: hitl acting as WHO.
hitl_as() {
	_who=$1
	shift
	HITL_REVIEWER=$_who "$HITL" "$@"
}

# raw_check WHAT: neither $T/out nor $T/err holds a raw control, bidi or
# invisible character (the report shows them through cat -v).
raw_check() {
	_lib_where="raw bytes in the output of: $1"
	python3 safe.py "$T/out" "$T/err" >"$T/py.out" 2>&1 || {
		cat -v "$T/out" >"$T/out.cat-v"
		cat -v "$T/err" >"$T/err.cat-v"
		fail "raw terminal control in the output of: $1" "$T/py.out" \
		    "$T/out.cat-v" "$T/err.cat-v"
	}
}

# safe_exit CODE CMD...: expect_exit, then raw_check.
safe_exit() {
	expect_exit "$@"
	shift
	raw_check "$*"
}

# has_marks FILE MARK...: FILE (in $T) holds every MARK.
has_marks() {
	_f=$1
	shift
	for _m in "$@"; do
		_lib_where="$_f shows $_m"
		grep -F -q -e "$_m" "$T/$_f" || fail "$_f lacks \"$_m\"" "$T/$_f"
	done
}

# marks FILE: FILE shows every planted character as its mark, the newline
# as ^J on the same line as the text after it.
marks() {
	has_marks "$1" '^[]52;c;aGk=^G' '^[]0;pwned^G' '^[[2J' '⟨U+009B⟩31m' \
	    '⟨U+202E⟩rlo' '⟨U+2066⟩lri' ' ^? ' '⟨U+2028⟩' '⟨U+E0041⟩' \
	    'nl^Jend'
}

# marks_json FILE: the same where text output quotes stored JSON text (the
# files of an import batch, a decision's payload): what cJSON escapes shows
# as its escape, the rest as marks.
marks_json() {
	has_marks "$1" '\u001b]52;c;aGk=\u0007' '\u001b]0;pwned\u0007' \
	    '\u001b[2J' '⟨U+009B⟩31m' '⟨U+202E⟩rlo' '⟨U+2066⟩lri' ' ^? ' \
	    '⟨U+2028⟩' '⟨U+E0041⟩' 'nl\nend'
}

# py WHAT: the Python check on standard input, with the planted string as
# H and stdout parsed: each line as JSON in LINES, the whole as DOC.
py() {
	_lib_where=$1
	python3 -c '
import json, os, sys
H = os.environb[b"H"].decode("utf-8")
def env(name):
    return os.environb[name.encode()].decode("utf-8")
text = open(sys.argv[1], encoding="utf-8").read()
DOC = json.loads(text) if text.lstrip().startswith("{\n") else None
LINES = [json.loads(l) for l in text.splitlines()] if DOC is None else []
exec(sys.stdin.read())
' "$T/out" >"$T/py.out" 2>&1 || fail "$1" "$T/py.out" "$T/out"
}

# --- init: the database path -------------------------------------------------

step "init"
# A file named so; a server's database named so in its URI, where libpq
# takes any text: the application_name (only "=" is percent-encoded).
if [ "$BACKEND" = sqlite ]; then
	HITL_DB="$T/db-$H.db"
else
	HITL_DB="$HITL_DB&application_name=db-$(printf '%s' "$H" |
	    sed 's/=/%3D/g')"
fi
export HITL_DB
# unenc FILE: the URI's %3D read back as the "=" it stands for.
unenc() {
	[ "$BACKEND" = sqlite ] || sed -i 's/aGk%3D/aGk=/' "$T/$1"
}
safe_exit 0 "$HITL" init
unenc out
marks out
expect_out "created ${HITL_DB%%db-x*}db-x^[]52"
safe_exit 0 "$HITL" init
unenc out
marks out
expect_out "is already a hitl database"

# --- policy load and show: the file name, the name and a description --------

# try_policy FILTER: loads the example policy changed by the jq FILTER from
# a file with the planted name; returns 65 if it was refused (policy names
# and descriptions may have to be printable), and the refusal is safe too.
try_policy() {
	jq --arg h "$H" "$1" "$SRCDIR/examples/policy.json" >"pol-$H.json"
	_rc=0
	"$HITL" policy load "pol-$H.json" >"$T/out" 2>"$T/err" || _rc=$?
	raw_check "policy load"
	[ "$_rc" -eq 0 ] || [ "$_rc" -eq 65 ] ||
	    fail "policy load: exit $_rc" "$T/out" "$T/err"
	return "$_rc"
}

step "policy load"
EXAMPLE_NAME=$(jq -r .name "$SRCDIR/examples/policy.json")
if try_policy '.name = $h | .labels[0].description = $h'; then
	POLICY_NAME=$H DESCRIPTION=$H
elif try_policy '.labels[0].description = $h'; then
	POLICY_NAME=$EXAMPLE_NAME DESCRIPTION=$H
else
	try_policy . || fail "policy load: the example policy" "$T/err"
	POLICY_NAME=$EXAMPLE_NAME DESCRIPTION=
fi
export POLICY_NAME DESCRIPTION
marks out
expect_out "loaded policy version 1 from pol-x^[]52"

step "policy show"
safe_exit 0 "$HITL" policy show
head -n 1 "$T/out" >"$T/first"
marks first
expect_out "# policy version 1, loaded"
safe_exit 0 "$HITL" policy show --json
py "policy show --json" <<'EOF'
assert DOC["name"] == env("POLICY_NAME"), DOC["name"]
assert not env("DESCRIPTION") or \
    DOC["labels"][0]["description"] == env("DESCRIPTION"), DOC["labels"]
EOF
[ -z "$DESCRIPTION" ] || expect_out '\u001b]52;c;aGk=\u0007'

# --- import and status: import file names, the policy name ------------------

step "import"
cp "$SRCDIR/tests/data/small.jsonl" "in-$H.jsonl"
safe_exit 0 hitl_as alice import "in-$H.jsonl"
safe_exit 0 "$HITL" status
grep -F "batch 1" "$T/out" >"$T/batch" || fail "status: no batch 1" "$T/out"
marks_json batch
grep -F "database  " "$T/out" >"$T/database" ||
    fail "status: no database" "$T/out"
unenc database
marks database
if [ "$POLICY_NAME" = "$H" ]; then
	grep -F "policy    version 1" "$T/out" >"$T/policy" ||
	    fail "status: no policy" "$T/out"
	marks policy
fi
safe_exit 0 "$HITL" status --json
py "status --json" <<'EOF'
s = LINES[0]
assert s["database"] == env("HITL_DB"), s["database"]
assert s["policy_name"] == env("POLICY_NAME"), s["policy_name"]
assert s["batches"][0]["files"] == ["in-" + H + ".jsonl"], s["batches"]
EOF
expect_out '\u202erlo'
expect_out '\u009b31m'
expect_out '\udb40\udc41'
jq -e --arg h "in-$H.jsonl" '.batches[0].files == [$h]' "$T/out" \
    >/dev/null || fail "status --json: jq reads other file names" "$T/out"

# --- decisions: notes in show, escalations, shifts and the audit log --------

step "show"
safe_exit 0 hitl_as bob next --json
item=$(jq -r .item.id "$T/out")
lease=$(jq -r .lease.id "$T/out")
safe_exit 0 hitl_as bob decide "$item" --lease "$lease" approve --note "$H"
safe_exit 0 hitl_as bob show "$item"
grep -F " approve by bob " "$T/out" >"$T/history" ||
    fail "show: no approve in the history" "$T/out"
marks_json history
safe_exit 0 hitl_as bob show --json "$item"
py "show --json" <<'EOF'
assert LINES[0]["history"][0]["payload"]["note"] == H, LINES[0]["history"]
EOF

# A span's Presidio explanation: each field on its own line, as marks.
python3 -c '
import json, os
H = os.environb[b"H"].decode("utf-8")
print(json.dumps({"id": "expl-1", "kind": "anonymization", "text": "Dana",
    "spans": [{"entity_type": "PERSON", "start": 0, "end": 4, "score": 0.5,
    "analysis_explanation": {"recognizer": H, "textual_explanation": H,
    "supportive_context_word": H, "validation_result": H, "extra": H}}]}))
' >expl.jsonl
safe_exit 0 hitl_as alice import expl.jsonl
safe_exit 0 hitl_as bob show expl-1
expect_out "warning: contains hidden characters (shown as marks)"
expect_out "span PERSON [0, 4) 0.500 ambiguous"
expect_no_out "ambiguous by"
for key in recognizer textual_explanation supportive_context_word \
    validation_result extra; do
	grep -F "  $key: " "$T/out" >"$T/$key" ||
	    fail "show: no $key line" "$T/out"
	marks "$key"
done

step "escalations"
safe_exit 0 hitl_as bob next --json
item=$(jq -r .item.id "$T/out")
lease=$(jq -r .lease.id "$T/out")
safe_exit 0 hitl_as bob decide "$item" --lease "$lease" escalate \
    --team legal --reason legal_risk --severity high --note "$H"
safe_exit 0 hitl_as carol escalations --team legal
expect_eq "escalations: one line and its note" "$(wc -l <"$T/out")" 2
tail -n 1 "$T/out" >"$T/note"
marks note
safe_exit 0 hitl_as carol escalations --team legal --json
py "escalations --json" <<'EOF'
assert LINES[0]["note"] == H, LINES[0]
EOF

step "shifts"
safe_exit 0 hitl_as bob shift end --note "$H"
grep -F "hand-off" "$T/out" >"$T/handoff" || fail "shift end" "$T/out"
marks handoff
safe_exit 0 hitl_as bob shifts
marks out
safe_exit 0 hitl_as bob shifts --json
py "shifts --json" <<'EOF'
assert LINES[0]["note"] == H, LINES[0]
EOF

step "audit log"
safe_exit 0 hitl_as alice audit log
marks_json out
safe_exit 0 hitl_as alice audit log --json
py "audit log --json" <<'EOF'
# The log commits to a payload by its hash: the note is in its row only.
shas = [e["data"].get("payload_sha256") for e in LINES
    if isinstance(e["data"], dict) and "decision" in e["data"]]
assert shas and all(s is None or len(s) == 64 for s in shas), shas
def strs(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strs(v)
    elif isinstance(o, list):
        for v in o:
            yield from strs(v)
assert not any(H in s for e in LINES if "decision" in e["data"]
    for s in strs(e["data"]))
EOF

step "audit verify"
safe_exit 0 "$HITL" audit verify
expect_out "audit chain verified"
safe_exit 0 "$HITL" audit verify --json

# --- export: the -o file name, in the run's message and in --history --------

step "export"
safe_exit 0 hitl_as alice export --format decisions -o "out-$H.jsonl"
marks err
expect_err "records to out-x^[]52"
[ -s "out-$H.jsonl" ] || fail "export wrote no file"
safe_exit 0 hitl_as alice export --history
marks out
safe_exit 0 hitl_as alice export --history --json
py "export --history --json" <<'EOF'
assert LINES[0]["path"] == "out-" + H + ".jsonl", LINES[0]["path"]
EOF
expect_out '\u001b]0;pwned\u0007'
expect_out '\u007f'
expect_out '\u2066lri'
jq -e --arg h "out-$H.jsonl" '.path == $h' "$T/out" >/dev/null ||
    fail "export --history --json: jq reads another path" "$T/out"

# --- arguments echoed in messages ---------------------------------------------

step "echoed arguments"
safe_exit 64 "$HITL" "$H"
marks err
expect_err 'hitl: unknown command "x^[]52'
safe_exit 64 "$HITL" help "$H"
marks err
expect_err 'hitl help: unknown command "x^[]52'
# The option's name ends at the first "=" (here, in OSC 52's payload).
safe_exit 64 "$HITL" export "--$H"
expect_err "hitl export: unknown option --x^[]52;c;aGk;"
expect_err "'hitl help export' shows the options"
expect_err "usage: hitl export"
safe_exit 64 "$HITL" export "--$H=value"
expect_no_err "=value"
safe_exit 64 "$HITL" status "-$H"
expect_err "hitl status: unknown option -x;"
safe_exit 64 "$HITL" status "$(printf -- '-\033')"
expect_err "hitl status: unknown option -^[;"
safe_exit 64 "$HITL" "--$H" status
expect_err "hitl: unknown option --x^[]52;c;aGk;"
expect_err "usage: hitl [--db PATH]"
safe_exit 64 "$HITL" export --output
expect_err "hitl export: option --output needs a value"
safe_exit 64 "$HITL" export --hist=1
expect_err "hitl export: option --history takes no value"
safe_exit 64 "$HITL" import -m
expect_err "hitl import: option -m needs a value"
safe_exit 64 hitl_as bob decide "$item" --lease 1 "$H"
marks err
expect_err "hitl decide: unknown action \"x^[]52"
safe_exit 64 hitl_as bob decide "$item" --lease "$H" approve
marks err
expect_err "hitl decide: --lease: expected a whole number"
safe_exit 66 hitl_as bob import "$H.jsonl"
marks err

pass
