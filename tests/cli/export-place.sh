#!/bin/sh
# Exports that cannot be lost or stolen: previews (standard output, a pipe,
# a terminal, /dev/null, /dev/stdout, a FIFO) record nothing and keep every
# decision undoable; a symbolic link or a directory at -o is refused and
# left as it was; a run killed (SIGKILL, by strace at the renames) after its
# commit is finished by the next export, with the content the run recorded;
# named cursors; two exports of one cursor at once cannot both take the
# same decisions.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

runs() {
	sql "SELECT count(*) FROM exports"
}
export_events() {
	"$HITL" audit log --json | jq -s 'map(select(.event == "export")) |
	    length'
}
# leftovers: temporaries and kept-aside files anywhere under $T.
leftovers() {
	find . -name '*.tmp.*' -o -name '*.old.*' | sort
}
# decide_next WHO ITEM: WHO claims ITEM (the next) and approves it.
decide_next() {
	claim "$1" "$2"
	expect_exit 0 hitl_as "$1" decide "$2" --lease "$LEASE" approve
}
# STRACE: can strace trace hitl here (ptrace may be refused)?
STRACE=
if command -v strace >/dev/null 2>&1 &&
    strace -f -o /dev/null true >/dev/null 2>&1; then
	STRACE=strace
fi

step "init, import, one decision"
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
# An item whose response would steer a terminal: CSI, OSC, a C1 control
# (NEL), a bidi override.
cat >hostile.jsonl <<'EOF'
{"id":"tty-1","kind":"model_output","priority":10,"prompt":"Hi","response":"red \u001b[31mX\u001b[0m title \u001b]0;pwned\u0007 nel \u0085 rlo \u202eevil","flags":[{"type":"toxicity","score":0.9}]}
EOF
expect_exit 0 "$HITL" import hostile.jsonl
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
at 60
decide_next bob tty-1

# --- previews ------------------------------------------------------------------

step "a preview through a pipe is not recorded"
_rc=0
hitl_as bob export --format sft 2>"$T/err" | head -n 1 >head.out || _rc=$?
[ "$_rc" -eq 0 ] || fail "export | head exited $_rc" "$T/err"
expect_eq "a record came through the pipe" "$(jq -c . head.out | wc -l)" 1
expect_err "preview: 1 sft records to standard output, not recorded"
expect_eq "no run" "$(runs)" 0
expect_eq "no audit event" "$(export_events)" 0
[ -z "$(ls ./*.manifest.json 2>/dev/null)" ] || fail "a preview wrote a manifest"
# Undoable still: undo it, and decide it again.
expect_exit 0 hitl_as bob undo
expect_out "tty-1"
LEASE=$(sql "SELECT id FROM leases ORDER BY id DESC LIMIT 1")
expect_exit 0 hitl_as bob decide tty-1 --lease "$LEASE" approve

step "a preview to a terminal is escaped"
# The records reach a pseudo-terminal: nothing that could steer it raw,
# the same characters as \u escapes, the JSON unchanged in meaning.
HITL_REVIEWER=bob python3 - "$HITL" >tty.out 2>"$T/py.err" <<'PY' ||
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "export", "--format", "sft"])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
PY
    fail "export to a terminal failed" "$T/py.err" tty.out
_lib_where="the terminal's preview"
python3 - tty.out <<'PY' >"$T/py.out" 2>&1 || fail "raw text reached the terminal" "$T/py.out" tty.out
import json, sys
raw = open(sys.argv[1], "rb").read()
for bad in (b"\x1b", b"\x07", "\u0085".encode(), "\u202e".encode()):
    assert bad not in raw, "raw %r on the terminal" % bad
text = raw.decode("utf-8")
assert "\\u001b[31m" in text and "\\u0085" in text and "\\u202e" in text, text
rec = [json.loads(l) for l in text.replace("\r\n", "\n").split("\n")
    if l.startswith("{")]
assert len(rec) == 1, rec
content = rec[0]["messages"][-1]["content"]
assert "\x1b[31m" in content and "\u202e" in content, content
PY
expect_eq "a terminal preview is not a run" "$(runs)" 0

step "-o /dev/null and -o /dev/stdout stay what they are"
expect_exit 0 hitl_as bob export --format sft -o /dev/null
expect_err "preview: 1 sft records to /dev/null, not recorded"
test -c /dev/null || bug "/dev/null is no longer a device"
[ ! -e /dev/null.manifest.json ] || fail "a manifest beside /dev/null"
_rc=0
hitl_as bob export --format sft -o /dev/stdout 2>"$T/err" | cat >stdout.out ||
    _rc=$?
[ "$_rc" -eq 0 ] || fail "-o /dev/stdout exited $_rc" "$T/err"
expect_eq "-o /dev/stdout wrote the pipe" "$(jq -c . stdout.out | wc -l)" 1
test -L /dev/stdout || [ -c /dev/stdout ] ||
    fail "/dev/stdout was replaced"
[ ! -e /dev/stdout.manifest.json ] || fail "a manifest beside /dev/stdout"
expect_eq "previews to devices are not runs" "$(runs)" 0

step "a FIFO receives the records and stays a FIFO"
mkfifo fifo
cat fifo >fifo.out &
_reader=$!
expect_exit 0 hitl_as bob export --format sft -o fifo
wait "$_reader"
test -p fifo || fail "the FIFO was replaced"
expect_eq "records through the FIFO" "$(jq -c . fifo.out | wc -l)" 1
[ ! -e fifo.manifest.json ] || fail "a manifest beside a FIFO"
expect_eq "a FIFO preview is not a run" "$(runs)" 0
expect_eq "nothing left behind" "$(leftovers)" ""

step "-o /dev/stdout redirected to a file is standard output"
hitl_as bob export --format sft -o /dev/stdout >redirected.out 2>"$T/err" ||
    fail "-o /dev/stdout to a file exited $?" "$T/err"
grep -F -q "preview: 1 sft records to /dev/stdout, not recorded" "$T/err" ||
    fail "-o /dev/stdout to a file: no preview note" "$T/err"
expect_eq "the redirect got the records" "$(jq -c . redirected.out | wc -l)" 1
expect_eq "a redirected preview is not a run" "$(runs)" 0

# --- refusals ------------------------------------------------------------------

# Another user's FIFO or socket would be a channel out to them: refused,
# and nothing reaches them (as root, the test hands them to nobody).
if [ "$(id -u)" -eq 0 ]; then
	step "another user's FIFO, socket or link to them is refused"
	mkfifo theirs.fifo
	chown 65534 theirs.fifo
	expect_exit 73 hitl_as bob export --format sft -o theirs.fifo
	expect_err "theirs.fifo belongs to another user"
	ln -s theirs.fifo to-theirs.jsonl
	expect_exit 73 hitl_as bob export --format sft -o to-theirs.jsonl
	expect_err "to-theirs.jsonl belongs to another user"
	python3 - "$PWD/theirs.sock" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chown(sys.argv[1], 65534, -1)
s.listen(1)
s.settimeout(5)
try:
    c, _ = s.accept()
    open(sys.argv[1] + ".got", "wb").write(c.recv(65536))
except socket.timeout:
    pass
PY
	_listener=$!
	while [ ! -S theirs.sock ]; do sleep 0.1; done
	sleep 0.2
	expect_exit 73 hitl_as bob export --format sft -o theirs.sock
	expect_err "theirs.sock belongs to another user"
	wait "$_listener"
	[ ! -e theirs.sock.got ] || fail "records reached another user's socket" \
	    theirs.sock.got
	expect_eq "refused previews are not runs" "$(runs)" 0
fi

step "the database's own files are not export targets"
if [ "$BACKEND" = sqlite ]; then
	expect_exit 73 hitl_as bob export --format sft -o "$HITL_DB"
	expect_err "is a database"
	for f in "$HITL_DB-wal" "$HITL_DB-shm" "$HITL_DB.key"; do
		expect_exit 73 hitl_as bob export --format sft -o "$f"
		expect_err "is one of the database's own files"
	done
fi
expect_exit 0 "$HITL" audit verify
expect_eq "refused targets are not runs" "$(runs)" 0

step "^C while writing leaves no copy behind"
if [ -n "$STRACE" ]; then
	_rc=0
	{ HITL_REVIEWER=bob strace -f -o /dev/null -e trace=fsync,fdatasync \
	    -e inject=fsync,fdatasync:signal=INT:when=1 \
	    "$HITL" export --format sft --since all -o stopped.jsonl \
	    >"$T/out" 2>"$T/err"; } 2>/dev/null || _rc=$?
	expect_eq "stopped by SIGINT" "$_rc" 130
	expect_eq "no temporaries after ^C" \
	    "$(find . -name 'stopped.jsonl*' | sort | tr '\n' ' ')" ""
	expect_eq "a stopped export is not a run" "$(runs)" 0
fi

step "a symbolic link at -o or at its manifest is refused"
echo precious >target
ln -s target link.jsonl
expect_exit 73 hitl_as bob export --format sft -o link.jsonl
expect_err "link.jsonl is a symbolic link"
ln -s target m.jsonl.manifest.json
expect_exit 73 hitl_as bob export --format sft -o m.jsonl
expect_err "m.jsonl.manifest.json is a symbolic link"
ln -s nowhere dangling.jsonl
expect_exit 73 hitl_as bob export --format sft -o dangling.jsonl
expect_err "dangling.jsonl is a symbolic link"
expect_eq "the link's target is untouched" "$(cat target)" precious
test -L link.jsonl && test -L m.jsonl.manifest.json && test -L dangling.jsonl ||
    fail "a link was replaced"
[ ! -e m.jsonl ] && [ ! -e nowhere ] || fail "a refused export wrote a file"

step "a directory at -o is refused"
mkdir dir.jsonl
expect_exit 73 hitl_as bob export --format sft -o dir.jsonl
expect_err "dir.jsonl is a directory"
[ -z "$(ls -A dir.jsonl)" ] || fail "something was written into dir.jsonl"
expect_eq "refusals are not runs" "$(runs)" 0
expect_eq "nothing left behind" "$(leftovers)" ""

# --- the kill window -----------------------------------------------------------

# killed_at N FILE ARGS...: hitl exports to FILE and is killed (SIGKILL) as
# it makes its Nth rename: after the run's commit (1: before the data's,
# 2: between the data's and the manifest's).
killed_at() {
	_n=$1 _f=$2
	shift 2
	_rc=0
	# The shell's own "Killed" goes with the group's stderr.
	{ HITL_REVIEWER=bob strace -f -o /dev/null \
	    -e trace=rename,renameat,renameat2 \
	    -e inject=rename,renameat,renameat2:signal=KILL:when="$_n" \
	    "$HITL" export --format sft -o "$_f" "$@" >"$T/out" \
	    2>"$T/err"; } 2>/dev/null || _rc=$?
	[ "$_rc" -eq 137 ] || fail "the export was not killed (exit $_rc)" \
	    "$T/out" "$T/err"
}

# placed_after FILE: the kill left a run for FILE with files to place; the
# decisions in it cannot be undone; the next export (a preview) places
# them with the content recorded, and nothing is left behind.
placed_after() {
	_f=$1
	expect_exit 0 hitl_as bob export --history --json
	tail -n 1 "$T/out" >last-run
	jq -e --arg f "$_f" '.path == $f and .placed == false' last-run \
	    >/dev/null || fail "the killed run is not in the history" last-run
	expect_exit 0 hitl_as bob export --history
	expect_out "not placed yet"
	expect_exit 77 hitl_as bob undo
	expect_err "exported already"
	# A preview changes nothing: the next run places it.
	expect_exit 0 hitl_as bob export --format labels -o /dev/null
	expect_exit 0 hitl_as bob export --history --json
	jq -e --arg f "$_f" 'select(.path == $f) | .placed == false' "$T/out" \
	    >/dev/null || fail "a preview placed the killed run" "$T/out"
	expect_exit 0 hitl_as bob export --format labels --cursor replay \
	    -o "$_f.next.jsonl"
	expect_exit 0 hitl_as bob export --history --json
	jq -c --arg f "$_f" 'select(.path == $f)' "$T/out" >last-run
	jq -e '.placed == true' last-run >/dev/null ||
	    fail "the run is still not placed" last-run
	rm -f "$_f.next.jsonl" "$_f.next.jsonl.manifest.json"
	_sha=$(jq -r .sha256 last-run)
	[ -f "$_f" ] || fail "$_f was not placed"
	expect_eq "$_f holds what the run recorded" \
	    "$(sha256sum "$_f" | cut -d' ' -f1)" "$_sha"
	expect_eq "$_f's manifest" "$(jq -r .sha256 "$_f.manifest.json")" "$_sha"
	expect_eq "nothing left behind" "$(leftovers)" ""
	expect_eq "no file to place" "$(sql "SELECT count(*) FROM export_files")" 0
}

if [ -n "$STRACE" ]; then
	step "killed after the commit, before any rename"
	at 120
	decide_next bob wf-out-1
	killed_at 1 killed.jsonl
	[ ! -e killed.jsonl ] || fail "the kill came after a rename"
	expect_eq "the run is recorded" "$(runs)" 1
	placed_after killed.jsonl
	expect_eq "the killed run's records" "$(wc -l <killed.jsonl)" 2

	step "killed between the data's rename and the manifest's"
	at 180
	decide_next bob wf-anon-1
	decide_next bob wf-out-2
	# Over an older file of the same name: replaced whole, nothing kept.
	echo '{"old": true}' >killed2.jsonl
	killed_at 2 killed2.jsonl --cursor two
	[ ! -e killed2.jsonl.manifest.json ] || fail "the manifest was placed"
	placed_after killed2.jsonl
	jq -e 'has("old") | not' killed2.jsonl >/dev/null ||
	    fail "the old file is still there" killed2.jsonl

	step "killed before the commit: no run, no file"
	RUNS=$(runs)
	_rc=0
	{ HITL_REVIEWER=bob strace -f -o /dev/null -e trace=fsync,fdatasync \
	    -e inject=fsync,fdatasync:signal=KILL:when=1 \
	    "$HITL" export --format sft --since all -o early.jsonl \
	    >"$T/out" 2>"$T/err"; } 2>/dev/null || _rc=$?
	expect_eq "killed at its first fsync" "$_rc" 137
	expect_eq "no run" "$(runs)" "$RUNS"
	[ ! -e early.jsonl ] && [ ! -e early.jsonl.manifest.json ] ||
	    fail "a file without its run"
	# What it leaves is its temporaries, which no run names.
	[ -n "$(find . -name 'early.jsonl.tmp.*')" ] ||
	    fail "the kill came before the files were written"
	expect_eq "no file to place" "$(sql "SELECT count(*) FROM export_files")" 0
	rm -f early.jsonl.tmp.* early.jsonl.manifest.json.tmp.*

	step "a file written after a killed run's is not rolled back"
	at 185
	killed_at 1 later.jsonl --cursor later
	# Another host's later export of the same path, say.
	sleep 0.01
	echo '{"later": true}' >later.jsonl
	expect_exit 0 hitl_as bob export --format labels --cursor later2 \
	    -o later-next.jsonl
	jq -e '.later == true' later.jsonl >/dev/null ||
	    fail "the later file was replaced by the killed run's" later.jsonl
	[ ! -e later.jsonl.manifest.json ] ||
	    fail "the killed run's manifest was placed beside a later file"
	expect_eq "the killed run is done with" \
	    "$(sql "SELECT count(*) FROM export_files")" 0
	expect_eq "nothing left behind" "$(leftovers)" ""

	step "a run from another directory is placed all the same"
	at 190
	claim bob wf-out-3
	expect_exit 0 hitl_as bob decide wf-out-3 --lease "$LEASE" approve
	mkdir sub
	(cd sub && killed_at 1 ../sub-killed.jsonl --cursor sub)
	mkdir elsewhere
	(cd elsewhere && expect_exit 0 hitl_as bob export --format labels \
	    --cursor elsewhere -o run.jsonl)
	[ -f sub-killed.jsonl ] && [ -f sub-killed.jsonl.manifest.json ] ||
	    fail "a run killed in another directory was not placed"
	expect_eq "nothing left behind" "$(leftovers)" ""
else
	echo "# the kill window: strace cannot run here, skipped" >&2
fi

# --- cursors -------------------------------------------------------------------

step "named cursors each take every decision"
at 240
expect_exit 0 hitl_as bob export --format decisions --since all -o all.jsonl
DECISIONS=$(wc -l <all.jsonl)
expect_exit 0 hitl_as bob export --format decisions --cursor pipeline -o p1.jsonl
expect_err "exported $DECISIONS decisions records to p1.jsonl"
expect_exit 0 hitl_as bob export --format decisions --cursor ad-hoc.1 -o a1.jsonl
expect_err "exported $DECISIONS decisions records to a1.jsonl"
cmp -s p1.jsonl a1.jsonl || fail "two cursors saw different decisions" p1.jsonl a1.jsonl
jq -e '.options.cursor == "pipeline"' p1.jsonl.manifest.json >/dev/null ||
    fail "the manifest names the cursor" p1.jsonl.manifest.json
# The default cursor saw the --since all run (which moved it), not these.
expect_exit 0 hitl_as bob export --format decisions -o d1.jsonl
expect_err "exported 0 decisions records to d1.jsonl"
jq -e '.options.cursor == "default"' d1.jsonl.manifest.json >/dev/null ||
    fail "the manifest names the default cursor" d1.jsonl.manifest.json
expect_eq "the default cursor's scope is as before cursors" \
    "$(sql "SELECT scope FROM exports WHERE path = 'd1.jsonl'")" "decisions/all"
expect_eq "a named cursor's scope" \
    "$(sql "SELECT scope FROM exports WHERE path = 'p1.jsonl'")" \
    "decisions/all@pipeline"

step "a new decision: each cursor takes it once"
claim bob wf-anon-2
expect_exit 0 hitl_as bob decide wf-anon-2 --lease "$LEASE" approve
for c in pipeline ad-hoc.1 default; do
	expect_exit 0 hitl_as bob export --format decisions --cursor "$c" \
	    -o "$c-2.jsonl"
	expect_err "exported 1 decisions records to $c-2.jsonl"
	expect_exit 0 hitl_as bob export --format decisions --cursor "$c" \
	    -o "$c-3.jsonl"
	expect_err "exported 0 decisions records to $c-3.jsonl"
done
expect_exit 0 hitl_as bob export --history --json
jq -s -e 'map(select(.path == "pipeline-2.jsonl"))[0].cursor == "pipeline"
    and map(select(.path == "default-2.jsonl"))[0].cursor == "default"
    and map(select(.path == "ad-hoc.1-2.jsonl"))[0].options.cursor == "ad-hoc.1"' \
    "$T/out" >/dev/null || fail "history --json names the cursors" "$T/out"
expect_exit 0 hitl_as bob export --history
expect_out "cursor pipeline"

step "cursor names are checked"
for bad in "" "a/b" "sp ace" "$(printf 'x%.0s' $(seq 65))" "é"; do
	expect_exit 64 hitl_as bob export --format sft --cursor "$bad" -o bad.jsonl
	expect_err "--cursor: a name of 1 to 64 letters"
done
[ ! -e bad.jsonl ] || fail "a refused cursor wrote a file"
expect_exit 0 hitl_as bob export --format sft --cursor "$(printf 'y%.0s' $(seq 64))" \
    -o long.jsonl

# held DIR FILE FORMAT ARGS...: bob exports FORMAT to DIR/FILE in the
# background, held 3 s at its first fsync (its files written, the run not
# yet recorded); returns once its manifest's temporary is there. $_first
# is its pid; its stderr goes to held.err.
held() {
	_dir=$1 _file=$2 _fmt=$3
	shift 3
	# LeakSanitizer cannot run under ptrace: off for the traced export.
	HITL_REVIEWER=bob \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -o /dev/null -e trace=fsync,fdatasync \
	    -e inject=fsync,fdatasync:delay_enter=3000000:when=1 \
	    "$HITL" export --format "$_fmt" "$@" -o "$_dir/$_file" \
	    >held.out 2>held.err &
	_first=$!
	_n=0
	until [ -n "$(find "$_dir" -maxdepth 1 \
	    -name "$_file.manifest.json.tmp.*")" ]; do
		_n=$((_n + 1))
		[ "$_n" -lt 200 ] || fail "the held export never got ready" \
		    held.err
		sleep 0.05
	done
}

step "two exports of one cursor at once"
if [ -n "$STRACE" ]; then
	RUNS=$(runs)
	expect_exit 0 hitl_as bob export --format decisions --since all
	DECISIONS=$(wc -l <"$T/out")
	# The first is held at its first fsync (its files written, the run
	# not yet recorded) while the second runs to the end.
	# Into two directories: the first is held at its first fsync (its
	# files written, the run not yet recorded) while the second runs to
	# the end; the first is then refused.
	mkdir r1 r2
	held r1 race1.jsonl decisions --cursor race --since all
	expect_exit 0 hitl_as bob export --format decisions --cursor race \
	    -o r2/race2.jsonl
	_rc=0
	wait "$_first" || _rc=$?
	expect_eq "the first export's exit" "$_rc" 75
	grep -q "another export of cursor race (decisions) ran meanwhile" \
	    held.err || fail "the first export's message" held.err
	[ ! -e r1/race1.jsonl ] || fail "the refused export placed its file"
	expect_eq "one run of the cursor" "$(runs)" $((RUNS + 1))
	expect_eq "the second took the decisions" "$(wc -l <r2/race2.jsonl)" \
	    "$DECISIONS"
	expect_eq "nothing left behind" "$(leftovers)" ""

	# Into one directory they take turns: the second waits for the
	# first's files to be in place, then finds nothing new for its cursor;
	# the files are each run's own, whole.
	step "two exports into one directory take turns"
	RUNS=$(runs)
	held . turns.jsonl decisions --cursor turns --since all
	expect_exit 0 hitl_as bob export --format kto --cursor turns2 \
	    -o turns.jsonl
	wait "$_first" || fail "the first export failed" held.err
	expect_eq "both recorded" "$(runs)" $((RUNS + 2))
	expect_eq "the file is the second's, whole" "$(jq -r .format \
	    turns.jsonl.manifest.json)" kto
	expect_eq "its hash" "$(sha256sum turns.jsonl | cut -c1-64)" \
	    "$(jq -r .sha256 turns.jsonl.manifest.json)"
	expect_eq "nothing left behind" "$(leftovers)" ""
else
	echo "# concurrent exports: strace cannot run here, skipped" >&2
fi

step "the audit chain"
expect_exit 0 "$HITL" audit verify
expect_eq "one audit event per run" "$(export_events)" "$(runs)"

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
