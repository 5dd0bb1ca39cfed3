#!/bin/sh
# Security properties through the CLI, as a reviewer on a shared host would
# meet them:
#  - every file hitl creates is private (0600) whatever the umask: the
#    database (a file's) and its -wal/-shm, its signing key, exports and
#    manifests, import rejects, the console's recovery file for a
#    correction whose claim was lost;
#  - the policy's roles hold when the commands are called directly, and a
#    refused command changes nothing;
#  - no SQL is built from user data: ids, texts, metadata, notes, policy
#    ids and reviewer names full of quotes and SQL are stored and shown
#    verbatim, and every table survives.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# hexof STRING: its bytes in upper-case hex, as SQLite's hex() prints them.
hexof() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# private_db DB: the database's signing key is 0600; a file's database
# is too, and so are its -wal, -shm and -journal files when a command left
# them behind.
private_db() {
	expect_mode "$(keyfile "$1")" 600
	[ "$BACKEND" = sqlite ] || return 0
	expect_mode "$1" 600
	for _s in -wal -shm -journal; do
		[ ! -e "$1$_s" ] || expect_mode "$1$_s" 600
	done
}

# held_open DB: -wal and -shm only exist while a connection is open, so
# hitl is kept inside a command (the console, reading its key script from a
# FIFO) while they are checked; closing the FIFO ends the script, and the
# console.
held_open() {
	rm -f in.fifo
	mkfifo in.fifo
	"$HITL" --db "$1" review --script in.fifo </dev/null >held.out 2>&1 &
	_pid=$!
	exec 3>in.fifo
	_i=0
	while [ ! -e "$1-wal" ] || [ ! -e "$1-shm" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			exec 3>&-
			wait "$_pid" || true
			fail "$1-wal and $1-shm never appeared" held.out
		fi
		sleep 0.05
	done
	expect_mode "$1-wal" 600
	expect_mode "$1-shm" 600
	exec 3>&-
	_lib_where="the held console ends"
	wait "$_pid" || fail "the held console failed" held.out
}

UMASK=$(umask)
MAIN_DB=$HITL_DB

# --- 1. every file hitl creates is 0600, whatever the umask -----------------

# workflow.jsonl and one invalid line, for the rejects file.
cp "$SRCDIR/tests/data/workflow.jsonl" mixed.jsonl
echo '{"id": "bad-1", "kind": "model_output"}' >>mixed.jsonl

# Stands in for $EDITOR: types a correction; meanwhile carol, a lead, takes
# the item over, so that the console's decision is refused and the
# correction goes to the recovery file.
cat >takeover-editor.sh <<'EOF'
#!/bin/sh
printf '%s' "kept: it's \"fine\" \\ \$1 %s" >"$1"
HITL_REVIEWER=carol "$HITL" takeover wf-out-1 >takeover.out 2>&1
echo "exit $?" >>takeover.out
EOF
chmod +x takeover-editor.sh
# Kept under a first line that names the item.
printf '%s\n%s' 'hitl: a correction of item "wf-out-1", kept when it could not be saved' \
    "kept: it's \"fine\" \\ \$1 %s" >kept.want

cat >lost.keys <<'EOF'
# bob corrects wf-out-1 in $EDITOR (which lets carol take it over): the
# labels checklist's "done", the flag confirmed, and the decision refused.
<Enter>c
G<Enter>
<Enter>
:screen-dump lost.screen
EOF

for mask in 000 022; do
	step "files under umask $mask"
	mkdir "$T/u$mask"
	cd "$T/u$mask"
	umask "$mask"
	# Its own home: the console below runs with it, and finds a server's
	# signing key there.
	HOME=$T/u$mask
	HITL_DB=$(newdb "$T/u$mask/test")

	expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
	private_db "$HITL_DB"
	expect_exit 0 "$HITL" import --skip-invalid --rejects rejects.jsonl \
	    "$T/mixed.jsonl"
	expect_out "invalid 1"
	private_db "$HITL_DB"
	expect_mode rejects.jsonl 600
	# The default name, hitl-rejects-TIME.jsonl.
	expect_exit 0 "$HITL" import --skip-invalid "$T/mixed.jsonl"
	expect_out "duplicates 6; invalid 1"
	set -- hitl-rejects-*.jsonl
	[ -e "$1" ] || fail "umask $mask: no default rejects file" "$T/err"
	expect_mode "$1" 600

	# hitl inside a command: the -wal and -shm it opened.
	! only_sqlite "the -wal and -shm of an open database" \
	    "a server's database is no file" || held_open "$HITL_DB"
	private_db "$HITL_DB"

	# The console: a correction whose claim was lost is kept in
	# $XDG_STATE_HOME/hitl (made by hitl, private too).
	step "umask $mask: the console's recovery file"
	_rc=0
	env -i PATH="$PATH" HOME="$T/u$mask" TERM=xterm-256color \
	    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 LINES=30 \
	    HITL="$HITL" HITL_DB="$HITL_DB" HITL_NOW="$NOW" \
	    HITL_REVIEWER=bob EDITOR="$T/takeover-editor.sh" \
	    XDG_STATE_HOME="$T/u$mask/state" \
	    timeout 30 "$HITL" review --script "$T/lost.keys" \
	    </dev/null >console.out 2>console.err || _rc=$?
	[ "$_rc" -eq 0 ] ||
	    fail "umask $mask: the console exited with $_rc" console.err
	grep -F -q "exit 0" takeover.out ||
	    fail "umask $mask: carol's takeover failed" takeover.out
	grep -F -q "your correction is kept in" lost.screen ||
	    fail "umask $mask: the console did not keep the correction" \
	    lost.screen
	REC=state/hitl/wf-out-1.correction
	[ -f "$REC" ] || fail "umask $mask: no $REC" lost.screen
	expect_mode "$REC" 600
	expect_mode state/hitl 700
	expect_mode state 700
	cmp -s "$REC" "$T/kept.want" ||
	    fail "umask $mask: the kept correction is not what was typed" \
	    "$REC" "$T/kept.want"
	private_db "$HITL_DB"

	step "umask $mask: exports"
	claim bob wf-anon-1
	expect_exit 0 hitl_as bob decide wf-anon-1 --lease "$LEASE" approve
	private_db "$HITL_DB"
	expect_exit 0 hitl_as bob export --format decisions -o export.jsonl
	expect_err "exported 1 decisions records to export.jsonl"
	expect_mode export.jsonl 600
	expect_mode export.jsonl.manifest.json 600
	# An export replaces a file that was there (written under a temporary
	# name, renamed): no world-readable bits survive.
	: >old.jsonl
	: >old.jsonl.manifest.json
	chmod 666 old.jsonl old.jsonl.manifest.json
	expect_exit 0 hitl_as bob export --format decisions --since all \
	    -o old.jsonl
	expect_mode old.jsonl 600
	expect_mode old.jsonl.manifest.json 600
	private_db "$HITL_DB"

	step "umask $mask: the demo database"
	_demo=$(newdb "$T/u$mask/demo")
	expect_exit 0 "$HITL" --db "$_demo" demo --examples "$SRCDIR/examples"
	private_db "$_demo"

	cd "$T"
	eval "U${mask}_DB=\$HITL_DB"
	HOME=$T
done
umask "$UMASK"

# A file hitl names itself next to the user's (the manifest's temporary
# FILE.manifest.json.tmp, the default hitl-rejects-TIME.jsonl) must be
# created there, not opened through a symlink someone planted in a shared
# directory: that would rewrite (and chmod) the file the link points to.
step "no writing through planted symlinks"
mkdir shared
cd shared
echo precious >target
chmod 644 target
cp target target.want
ln -s target planted.jsonl.manifest.json.tmp
_rc=0
HOME=$T/u022 hitl_as bob --db "$U022_DB" export --format decisions --since all \
    -o planted.jsonl >"$T/out" 2>"$T/err" || _rc=$?
cmp -s target target.want && [ "$(stat -c %a target)" = 644 ] ||
    bug "export (exit $_rc) wrote its manifest through the symlink \
planted.jsonl.manifest.json.tmp -> target (now mode $(stat -c %a target))" \
    target "$T/err"
[ ! -L planted.jsonl.manifest.json ] ||
    bug "export left planted.jsonl.manifest.json a symlink to \
$(readlink planted.jsonl.manifest.json)"
# The default rejects name has the wall-clock second in it: links for the
# next few seconds.
echo precious >target2
chmod 644 target2
cp target2 target2.want
_now=$(date +%s)
for _i in 0 1 2 3 4 5 6 7 8 9; do
	ln -s target2 "hitl-rejects-$(date -u -d "@$((_now + _i))" \
	    +%Y%m%dT%H%M%SZ).jsonl"
done
_rc=0
HOME=$T/u022 "$HITL" --db "$U022_DB" import --skip-invalid "$T/mixed.jsonl" \
    >"$T/out" 2>"$T/err" || _rc=$?
cmp -s target2 target2.want && [ "$(stat -c %a target2)" = 644 ] ||
    bug "import --skip-invalid (exit $_rc) wrote its rejects through a \
symlink hitl-rejects-TIME.jsonl -> target2 (now mode \
$(stat -c %a target2))" target2 "$T/out"
cd "$T"
HITL_DB=$MAIN_DB

# --- 2. roles hold when the CLI is used directly ----------------------------

# alice admin, carol lead (of legal and privacy), bob and dave reviewers;
# the login running the test is none of them (default_role: reviewer).
# Exports need a lead.
jq '.roles = {"alice": "admin", "bob": "reviewer", "carol": "lead",
    "dave": "reviewer"} | .exports.min_role = "lead"' \
    "$SRCDIR/examples/policy.json" >roles.json
jq '.name = "roles, second version"' roles.json >roles-2.json

step "roles: init and import"
expect_exit 0 "$HITL" init --policy roles.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
# An open escalation for legal, a decided item, a claim dave holds.
claim dave wf-out-1
expect_exit 0 hitl_as dave decide wf-out-1 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity high
claim dave wf-anon-1
expect_exit 0 hitl_as dave decide wf-anon-1 --lease "$LEASE" approve
claim dave wf-out-2
DAVE_LEASE=$LEASE
ESC=$(sql "SELECT id FROM escalations")

# state: everything a refused command must leave as it was.
state() {
	sql "SELECT count(*), max(hash) FROM audit;
	    SELECT count(*) FROM decisions; SELECT count(*) FROM shifts;
	    SELECT max(version) FROM policies; SELECT count(*) FROM exports;
	    SELECT count(*) FROM leases;
	    SELECT id, state, acked_by, resolved_by FROM escalations;
	    SELECT ext_id, state, holder, lease_id, lease_expires FROM items
	    ORDER BY seq"
}
audit_len() {
	sql "SELECT count(*) FROM audit"
}

# refused NEED WHO ARGS...: hitl as WHO is refused (exit 77) with a message
# naming the role that may (NEED), and nothing in the database changed.
refused() {
	_need=$1
	shift
	state >before.state
	expect_exit 77 hitl_as "$@"
	expect_err "$_need"
	state >after.state
	_lib_where="nothing changed after: $*"
	cmp -s before.state after.state ||
	    fail "a refused \"$*\" changed the database" before.state \
	    after.state
}

step "bob acknowledges an escalation"
AUDIT=$(audit_len)
refused "a lead may" bob escalation ack "$ESC"
expect_err "bob is a reviewer"
expect_eq "the escalation after bob's ack" "$(sql "SELECT state || ' ' ||
    ifnull(acked_by, '-') FROM escalations WHERE id = $ESC")" "open -"
expect_eq "audit log after bob's ack" "$(audit_len)" "$AUDIT"

step "bob resolves an escalation"
for outcome in approve reject; do
	refused "a lead may" bob escalation resolve "$ESC" "$outcome" \
	    --note "fine by me"
	expect_eq "the escalation after bob's $outcome" "$(sql "SELECT state
	    FROM escalations WHERE id = $ESC")" open
	expect_eq "wf-out-1 after bob's $outcome" "$(sql "SELECT state FROM
	    items WHERE ext_id = 'wf-out-1'")" escalated
	expect_eq "audit log after bob's $outcome" "$(audit_len)" "$AUDIT"
done

step "bob loads a policy"
refused "admin" bob policy load roles-2.json
expect_eq "policy version after bob's load" "$(sql "SELECT max(version)
    FROM policies")" 1
expect_eq "audit log after bob's load" "$(audit_len)" "$AUDIT"
# Administration is the login's: the override names who reviews, never
# who administers, so the refusal names the login running the test.
expect_err "$LOGIN may not load policies"

step "bob takes over dave's claim"
refused "a lead may" bob takeover wf-out-2
expect_err "bob is a reviewer"
expect_eq "wf-out-2's claim after bob's takeover" "$(sql "SELECT holder ||
    ' ' || lease_id || ' ' || state FROM items WHERE ext_id = 'wf-out-2'")" \
    "dave $DAVE_LEASE claimed"
expect_eq "audit log after bob's takeover" "$(audit_len)" "$AUDIT"
# The global option is the same override as HITL_REVIEWER.
state >before.state
expect_exit 77 "$HITL" --reviewer bob takeover --json wf-out-2
expect_err "a lead may"
[ ! -s "$T/out" ] || fail "a refused takeover printed a claim" "$T/out"
state >after.state
cmp -s before.state after.state ||
    fail "a refused --reviewer bob takeover changed the database" \
    before.state after.state
# dave may still decide under his lease.
expect_exit 0 hitl_as dave show --json wf-out-2
jq_ok "dave still holds wf-out-2" --argjson l "$DAVE_LEASE" \
    '.claim.holder == "dave" and .claim.lease == $l'

step "bob reopens a decision"
refused "a lead may" bob reopen wf-anon-1 --note "look again"
expect_err "bob is a reviewer"
expect_eq "wf-anon-1 after bob's reopen" "$(sql "SELECT state FROM items
    WHERE ext_id = 'wf-anon-1'")" decided
expect_eq "audit log after bob's reopen" "$(audit_len)" "$AUDIT"

step "bob exports (exports.min_role lead)"
refused "a lead may" bob export --format decisions -o denied.jsonl
expect_err "bob is a reviewer"
[ ! -e denied.jsonl ] && [ ! -e denied.jsonl.manifest.json ] ||
    fail "a refused export wrote a file"
[ -z "$(find . -name 'denied.jsonl*')" ] ||
    fail "a refused export left a temporary file"
refused "a lead may" bob export --format sft --since all -o -
[ ! -s "$T/out" ] || fail "a refused export printed records" "$T/out"
expect_eq "export runs after bob's" "$(sql "SELECT count(*) FROM exports")" 0
expect_eq "audit log after bob's exports" "$(audit_len)" "$AUDIT"

# The same commands by those whose role allows them: the refusals above
# were about the role, not about the arguments.
step "the roles that may"
expect_exit 0 hitl_as carol escalation ack "$ESC"
expect_exit 0 hitl_as carol escalation resolve "$ESC" reject --note "no"
expect_exit 0 hitl_as carol takeover wf-out-2
expect_exit 0 hitl_as carol reopen wf-anon-1 --note "look again"
expect_exit 0 hitl_as carol export --format decisions -o allowed.jsonl
expect_mode allowed.jsonl 600
# Naming an admin through the override grants nothing.
refused "admin" alice policy load roles-2.json
expect_eq "policy version after alice's load" "$(sql "SELECT max(version)
    FROM policies")" 1
expect_exit 0 "$HITL" audit verify

step "the login running hitl is an admin, with bob as the override"
# The login administers whatever reviewer name the override gives, and the
# record says so.
jq --arg login "$LOGIN" '.roles[$login] = "admin"' roles.json >login.json
HITL_DB=$(newdb "$T/login")
expect_exit 0 "$HITL" init --policy login.json
expect_exit 0 hitl_as bob policy load roles-2.json
expect_eq "who loaded version 2" "$(sql "SELECT loaded_by FROM policies
    WHERE version = 2")" "$LOGIN"
HITL_DB=$MAIN_DB

step "the override where the policy does not allow it"
jq '.allow_reviewer_override = false' roles.json >strict.json
HITL_DB=$(newdb "$T/strict")
expect_exit 0 "$HITL" init --policy strict.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
AUDIT=$(audit_len)
expect_exit 77 hitl_as alice next
expect_err "may not replace your login"
expect_exit 77 "$HITL" --reviewer carol next
expect_err "may not replace your login"
expect_eq "the refused override claimed nothing" "$(sql "SELECT count(*)
    FROM items WHERE holder IS NOT NULL")" 0
expect_eq "audit log after the refused override" "$(audit_len)" "$AUDIT"
HITL_DB=$MAIN_DB

# --- 3. no SQL is built from user data --------------------------------------

DROP="'; DROP TABLE items; --"
OR1='" OR 1=1 --'
BOBBY="Robert'); DELETE FROM decisions;--"
FMT='%s %n %x %p %%d'
BS='C:\new\table \\ \0 \x27 \" end\'
PARAM='? ?1 :name @name $1 $name ${HOME}'

ID1=$DROP
ID2=$OR1
ID3=$BOBBY
ID4="$FMT $BS"
ID5=$PARAM
ID6="anon $DROP $BS"
# A reviewer, and the lead of a team, a reason, a severity and a label of
# the policy, all named with SQL.
R1="o'brien\"; DROP TABLE shifts;--"
R2="x' OR '1'='1"
TEAM="legal'); DROP TABLE escalations;--"
REASON="$OR1 reason"
SEV="high' OR '1'='1"
LABEL="label'; DELETE FROM audit;--"

INJ_DB=$(newdb "$T/inj")
HITL_DB=$INJ_DB
step "SQL: init with a policy full of SQL"
jq --arg name "$DROP" --arg team "$TEAM" --arg tname "$BOBBY" \
    --arg reason "$REASON" --arg sev "$SEV" --arg lab "$LABEL" \
    --arg r1 "$R1" --arg r2 "$R2" --arg fmt "$FMT" \
    '.name = $name | .roles[$r1] = "reviewer" | .roles[$r2] = "lead" |
    .teams += [{"id": $team, "name": $tname, "members": [$r1, $r2],
    "leads": [$r2]}] | .reason_codes += [{"id": $reason,
    "description": $fmt}] | .severities += [{"id": $sev,
    "response_minutes": 30}] | .labels += [{"id": $lab,
    "description": $tname}]' "$SRCDIR/examples/policy.json" >inj.json
expect_exit 0 "$HITL" init --policy inj.json

# The items, built with jq from the strings above (priorities fix the
# claim order: ID1, ID2, ID3, ID6, ID4, ID5).
step "SQL: import"
: >inj.jsonl
jq -n -c --arg id "$ID1" --arg drop "$DROP" --arg or1 "$OR1" \
    --arg bobby "$BOBBY" --arg fmt "$FMT" --arg bs "$BS" \
    --arg param "$PARAM" \
    '{"id": $id, "kind": "model_output", "priority": 9,
    "source": {"model": $bobby, "pipeline": $param},
    "metadata": {($drop): $bobby, "$1": $param, "fmt %s": $fmt,
    ($bs): $or1}, "prompt": ($bobby + " " + $or1),
    "response": ($or1 + " " + $bs),
    "flags": [{"type": "toxicity", "score": 0.95, "detector": $drop,
    "rationale": ($fmt + " " + $param), "start": 0, "end": 2}]}' >>inj.jsonl
jq -n -c --arg id "$ID2" --arg drop "$DROP" --arg or1 "$OR1" \
    --arg bobby "$BOBBY" --arg fmt "$FMT" --arg bs "$BS" \
    --arg param "$PARAM" \
    '{"id": $id, "kind": "model_output", "priority": 8,
    "messages": [{"role": "system", "content": $drop},
    {"role": "user", "content": ($param + " " + $bs)}],
    "response": $fmt, "flags": [{"type": "bias.gender", "score": 0.9,
    "detector": $or1, "rationale": $bobby}]}' >>inj.jsonl
jq -n -c --arg id "$ID3" --arg drop "$DROP" --arg or1 "$OR1" \
    --arg bs "$BS" --arg param "$PARAM" \
    '{"id": $id, "kind": "model_output", "priority": 7, "prompt": $bs,
    "response": $drop, "flags": [{"type": "policy.legal_advice",
    "score": 0.8, "detector": $param, "rationale": $or1}]}' >>inj.jsonl
jq -n -c --arg id "$ID6" --arg drop "$DROP" --arg or1 "$OR1" \
    --arg bobby "$BOBBY" --arg bs "$BS" --arg param "$PARAM" \
    --argjson stop $((5 + ${#BOBBY})) \
    '{"id": $id, "kind": "anonymization", "priority": 6,
    "text": ("Call " + $bobby + " at " + $bs),
    "spans": [{"entity_type": "PERSON", "start": 5, "end": $stop,
    "score": 0.6, "recognizer": $drop, "analysis_explanation":
    {"recognizer": $param, "textual_explanation": $or1}}]}' >>inj.jsonl
jq -n -c --arg id "$ID4" --arg drop "$DROP" --arg fmt "$FMT" \
    --arg param "$PARAM" \
    '{"id": $id, "kind": "model_output", "priority": 5, "prompt": $param,
    "response": ($fmt + " " + $drop),
    "flags": [{"type": "toxicity", "score": 0.7}]}' >>inj.jsonl
jq -n -c --arg id "$ID5" --arg bobby "$BOBBY" \
    '{"id": $id, "kind": "model_output", "priority": 4, "response": $bobby,
    "flags": [{"type": "toxicity", "score": 0.6}]}' >>inj.jsonl
expect_exit 0 "$HITL" import inj.jsonl
expect_out "imported 6: queued 6"

# The decisions, by R1; R2 settles the escalation and reopens an item.
step "SQL: decisions"
claim "$R1" "$ID1"
jq -n -c --arg text "$BOBBY fixed $BS" --arg lab "$LABEL" \
    --arg note "$OR1" '{"text": $text, "labels": [$lab],
    "flags": [{"verdict": "confirmed"}], "note": $note}' >fix1.json
expect_exit 0 hitl_as "$R1" decide "$ID1" --lease "$LEASE" correct \
    --payload fix1.json
claim "$R1" "$ID2"
expect_exit 0 hitl_as "$R1" decide "$ID2" --lease "$LEASE" approve \
    --note "$DROP"
claim "$R1" "$ID3"
expect_exit 0 hitl_as "$R1" decide "$ID3" --lease "$LEASE" escalate \
    --team "$TEAM" --reason "$REASON" --severity "$SEV" --note "$BOBBY"
claim "$R1" "$ID6"
jq -n -c --arg note "$FMT" '{"spans": [{"verdict": "retyped",
    "entity_type": "LOCATION"}], "added": [], "note": $note}' >fix6.json
expect_exit 0 hitl_as "$R1" decide "$ID6" --lease "$LEASE" correct \
    --payload fix6.json
claim "$R1" "$ID4"
expect_exit 0 hitl_as "$R1" decide "$ID4" --lease "$LEASE" skip --note "$BS"
claim "$R1" "$ID5"
expect_exit 0 hitl_as "$R1" decide "$ID5" --lease "$LEASE" approve \
    --note "$PARAM"
expect_exit 0 hitl_as "$R1" decide "$ID4" comment --note "$PARAM $DROP"
expect_exit 0 hitl_as "$R2" escalations --team "$TEAM" --json
jq_ok "the escalation as listed" --arg id "$ID3" --arg team "$TEAM" \
    --arg r "$REASON" --arg s "$SEV" --arg n "$BOBBY" --arg by "$R1" \
    '.item == $id and .team == $team and .reason == $r and
    .severity == $s and .note == $n and .opened_by == $by'
ESC=$(jq -r .escalation "$T/out")
expect_exit 0 hitl_as "$R2" escalation ack "$ESC"
expect_exit 0 hitl_as "$R2" escalation resolve "$ESC" reject \
    --note "$OR1 $BOBBY"
expect_exit 0 hitl_as "$R2" reopen "$ID5" --note "$FMT $BS"
expect_exit 0 hitl_as "$R1" shift end --note "$DROP $PARAM"

# stored WHAT QUERY STRING: the one value QUERY selects is STRING, byte
# for byte. The queries name items by the hex of their ids (item ID), so
# that no hostile string is pasted into the test's own SQL either.
stored() {
	_lib_where="$1 stored verbatim"
	_got=$(sql "SELECT hex(($2))")
	_want=$(hexof "$3")
	[ "$_got" = "$_want" ] ||
	    fail "$1 is stored as X'$_got', expected X'$_want'"
}
item() {
	echo "(SELECT id FROM items WHERE hex(ext_id) = '$(hexof "$1")')"
}
# decision ITEM ACTION: the item's decision with that action.
decision() {
	echo "(SELECT payload FROM decisions WHERE item_id = $(item "$1")
	    AND action = '$2')"
}

step "SQL: items stored verbatim"
n=0
for id in "$ID1" "$ID2" "$ID3" "$ID6" "$ID4" "$ID5"; do
	n=$((n + 1))
	stored "item $n's id" "SELECT ext_id FROM items WHERE id = $(item "$id")" \
	    "$id"
	stored "item $n's input line" "SELECT raw FROM items
	    WHERE id = $(item "$id")" "$(sed -n "${n}p" inj.jsonl)"
done
stored "ID1's prompt" "SELECT prompt FROM items WHERE id = $(item "$ID1")" \
    "$BOBBY $OR1"
stored "ID1's response" "SELECT text FROM items WHERE id = $(item "$ID1")" \
    "$OR1 $BS"
stored "ID1's source.model" "SELECT source_model FROM items
    WHERE id = $(item "$ID1")" "$BOBBY"
stored "ID1's source.pipeline" "SELECT source_pipeline FROM items
    WHERE id = $(item "$ID1")" "$PARAM"
stored "ID1's flag detector" "SELECT detector FROM flags
    WHERE item_id = $(item "$ID1")" "$DROP"
stored "ID1's flag rationale" "SELECT rationale FROM flags
    WHERE item_id = $(item "$ID1")" "$FMT $PARAM"
# Metadata: every key and value, and the whole as a JSON value.
sql "SELECT hex(key) || ' ' || hex(value) FROM items, json_each(metadata)
    WHERE items.id = $(item "$ID1") ORDER BY 1" >meta.got
{
	echo "$(hexof "$DROP") $(hexof "$BOBBY")"
	echo "$(hexof '$1') $(hexof "$PARAM")"
	echo "$(hexof 'fmt %s') $(hexof "$FMT")"
	echo "$(hexof "$BS") $(hexof "$OR1")"
} | LC_ALL=C sort >meta.want
cmp -s meta.got meta.want || fail "ID1's metadata is not verbatim" meta.got \
    meta.want
sql "SELECT metadata FROM items WHERE id = $(item "$ID1")" |
    jq -S -c . >meta-json.got
sed -n 1p inj.jsonl | jq -S -c .metadata >meta-json.want
cmp -s meta-json.got meta-json.want ||
    fail "ID1's metadata is not the JSON given" meta-json.got meta-json.want
stored "ID2's system message" "SELECT json_extract(messages, '\$[0].content')
    FROM items WHERE id = $(item "$ID2")" "$DROP"
stored "ID2's user message" "SELECT json_extract(messages, '\$[1].content')
    FROM items WHERE id = $(item "$ID2")" "$PARAM $BS"
stored "ID2's response" "SELECT text FROM items WHERE id = $(item "$ID2")" \
    "$FMT"
stored "ID2's flag rationale" "SELECT rationale FROM flags
    WHERE item_id = $(item "$ID2")" "$BOBBY"
stored "ID3's prompt" "SELECT prompt FROM items WHERE id = $(item "$ID3")" \
    "$BS"
stored "ID3's response" "SELECT text FROM items WHERE id = $(item "$ID3")" \
    "$DROP"
stored "ID6's text" "SELECT text FROM items WHERE id = $(item "$ID6")" \
    "Call $BOBBY at $BS"
stored "ID6's span recognizer" "SELECT recognizer FROM spans
    WHERE item_id = $(item "$ID6")" "$DROP"
stored "ID6's span explanation" "SELECT json_extract(explanation,
    '\$.textual_explanation') FROM spans WHERE item_id = $(item "$ID6")" \
    "$OR1"
stored "ID4's response" "SELECT text FROM items WHERE id = $(item "$ID4")" \
    "$FMT $DROP"

step "SQL: decisions stored verbatim"
stored "the correction's text" "SELECT json_extract($(decision "$ID1" correct),
    '\$.text')" "$BOBBY fixed $BS"
stored "the correction's label" "SELECT json_extract($(decision "$ID1" correct),
    '\$.labels[0]')" "$LABEL"
stored "the correction's note" "SELECT json_extract($(decision "$ID1" correct),
    '\$.note')" "$OR1"
stored "the approval's note" "SELECT json_extract($(decision "$ID2" approve),
    '\$.note')" "$DROP"
stored "the escalation's note" "SELECT json_extract($(decision "$ID3" escalate),
    '\$.note')" "$BOBBY"
stored "the escalation's team" "SELECT team FROM escalations
    WHERE id = $ESC" "$TEAM"
stored "the escalation's reason" "SELECT reason FROM escalations
    WHERE id = $ESC" "$REASON"
stored "the escalation's severity" "SELECT severity FROM escalations
    WHERE id = $ESC" "$SEV"
stored "the escalation's note" "SELECT note FROM escalations
    WHERE id = $ESC" "$BOBBY"
stored "who opened the escalation" "SELECT opened_by FROM escalations
    WHERE id = $ESC" "$R1"
stored "who acknowledged it" "SELECT acked_by FROM escalations
    WHERE id = $ESC" "$R2"
stored "who resolved it" "SELECT resolved_by FROM escalations
    WHERE id = $ESC" "$R2"
stored "the resolution's note" "SELECT json_extract($(decision "$ID3" resolve),
    '\$.note')" "$OR1 $BOBBY"
stored "the anonymization note" "SELECT json_extract($(decision "$ID6" correct),
    '\$.note')" "$FMT"
stored "the skip's note" "SELECT json_extract($(decision "$ID4" skip),
    '\$.note')" "$BS"
stored "the comment's note" "SELECT json_extract($(decision "$ID4" comment),
    '\$.note')" "$PARAM $DROP"
stored "the second approval's note" "SELECT json_extract($(decision \
    "$ID5" approve), '\$.note')" "$PARAM"
stored "the reopen's note" "SELECT json_extract($(decision "$ID5" reopen),
    '\$.note')" "$FMT $BS"
stored "the reviewer of the correction" "SELECT reviewer FROM decisions
    WHERE item_id = $(item "$ID1") AND action = 'correct'" "$R1"
SHIFT="(SELECT shift_id FROM decisions WHERE item_id = $(item "$ID1"))"
stored "the shift's reviewer" "SELECT reviewer FROM shifts
    WHERE id = $SHIFT" "$R1"
stored "the hand-off note" "SELECT note FROM shifts WHERE id = $SHIFT" \
    "$DROP $PARAM"
expect_eq "R1's audit events" "$(sql "SELECT count(*) FROM (SELECT 1
    FROM audit WHERE hex(actor) = '$(hexof "$R1")' LIMIT 1) AS a")" 1
expect_eq "the policy stored byte for byte" \
    "$(sql "SELECT hex(body) FROM policies WHERE version = 1")" \
    "$(od -An -v -tx1 inj.json | tr -d ' \n' | tr a-f A-F)"

step "SQL: every table is there, with the right counts"
HITL_DB=$(newdb "$T/fresh")
expect_exit 0 "$HITL" init
db_schema "$HITL_DB" >schema.want
grep -q items schema.want || fail "no schema to compare" schema.want
HITL_DB=$INJ_DB
db_schema "$HITL_DB" >schema.got
cmp -s schema.got schema.want ||
    fail "the schema changed (tables, indexes or triggers)" schema.got
expect_eq "rows" "$(sql "SELECT (SELECT count(*) FROM items) || ' ' ||
    (SELECT count(*) FROM flags) || ' ' || (SELECT count(*) FROM spans)
    || ' ' || (SELECT count(*) FROM decisions) || ' ' ||
    (SELECT count(*) FROM escalations) || ' ' ||
    (SELECT count(*) FROM shifts) || ' ' ||
    (SELECT count(*) FROM policies) || ' ' ||
    (SELECT count(*) FROM batches)")" "6 5 1 9 1 2 1 1"
expect_eq "decisions by action" "$(sql "SELECT group_concat(action, ' ')
    FROM (SELECT action FROM decisions ORDER BY id) AS d")" \
    "correct approve escalate correct skip approve comment resolve reopen"
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified"

step "SQL: hitl show with such ids"
for id in "$ID1" "$ID2" "$ID3" "$ID6" "$ID4" "$ID5"; do
	expect_exit 0 "$HITL" show "$id"
	expect_out "$id"
	expect_exit 0 "$HITL" show --json "$id"
	jq_ok "show --json of $id" --arg id "$id" '.id == $id'
done
expect_exit 0 "$HITL" show --json "$ID1"
jq_ok "ID1 as shown" --arg p "$BOBBY $OR1" --arg r "$OR1 $BS" \
    --arg t "$BOBBY fixed $BS" --arg n "$OR1" --arg by "$R1" \
    --arg d "$DROP" --arg b "$BOBBY" \
    '.prompt == $p and .response == $r and .source.model == $b and
    .metadata[$d] == $b and .flags[0].detector == $d and
    .history[0].payload.text == $t and .history[0].payload.note == $n and
    .history[0].reviewer == $by'
expect_exit 0 "$HITL" audit log --item "$ID3" --json
expect_eq "ID3's events" "$(jq -s -c 'map(.event)' "$T/out")" \
    '["decision","escalation_ack","resolution"]'

# Lookups by strings that would match everything if pasted into SQL.
step "SQL: lookups"
PROBE="nobody' OR 'a'='a"
AUDIT=$(audit_len)
expect_exit 66 "$HITL" show "$PROBE"
expect_err "no item"
expect_exit 66 "$HITL" show "' OR 1=1 --"
expect_exit 66 "$HITL" show '%'
expect_exit 0 "$HITL" audit log --item "$PROBE" --json
[ ! -s "$T/out" ] || fail "audit log --item matched a hostile string" "$T/out"
expect_exit 0 "$HITL" audit log --reviewer "$PROBE" --json
[ ! -s "$T/out" ] || fail "audit log --reviewer matched a hostile string" \
    "$T/out"
expect_exit 0 "$HITL" audit log --reviewer "$R1" --json
jq -s -e --arg r "$R1" 'length > 0 and all(.actor == $r)' "$T/out" \
    >/dev/null || fail "audit log --reviewer R1" "$T/out"
expect_exit 0 hitl_as "$R1" shifts --reviewer "$PROBE" --json
[ ! -s "$T/out" ] || fail "shifts --reviewer matched a hostile string" \
    "$T/out"
expect_exit 0 hitl_as "$R1" shifts --reviewer "$R1" --json
jq_ok "R1's shift" --arg r "$R1" --arg n "$DROP $PARAM" \
    '.reviewer == $r and .note == $n'
expect_exit 69 hitl_as "$R1" next --type "$PROBE"
expect_exit 64 "$HITL" escalations --team "$PROBE"
expect_eq "audit log after the lookups" "$(audit_len)" "$AUDIT"

# What hitl writes for a person never lands on a database: an export or
# rejects named after one (the database in use, or another file's) is
# refused.
step "no export or rejects over a database"
if [ "$BACKEND" = sqlite ]; then
	cp "$HITL_DB" other.db
else
	expect_exit 0 "$HITL" --db other.db init
fi
cp other.db other.want
sum=$(db_sum "$HITL_DB")
if only_sqlite "an export over the database in use" \
    "a server's database is no file"; then
	expect_exit 73 hitl_as alice export --format decisions -o "$HITL_DB"
	expect_err "is a database: hitl will not write over it"
fi
expect_exit 73 hitl_as alice export --format decisions -o other.db
expect_err "other.db is a database: hitl will not write over it"
expect_exit 73 hitl_as alice import --skip-invalid --rejects other.db \
    "$T/mixed.jsonl"
expect_err "other.db is a database: hitl will not write over it"
expect_eq "the database" "$(db_sum "$HITL_DB")" "$sum"
cmp -s other.db other.want || fail "other.db was written over"

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
