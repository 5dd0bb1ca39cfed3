#!/bin/sh
# The policy's hooks: what a hook is given (one JSON object on stdin, a
# clean environment, the user's own groups), that an action that fails runs
# none, that a hook that fails or hangs (killed at the timeout, its whole
# process group) is warned of and put on the audit log and never fails the
# action, and escalations --notify-overdue telling each overdue escalation
# once. The example policy's roles and teams (see tests/cli/escalation.sh).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

mkdir "$T/got"
# The recording hook: stdin, its groups and its environment, per run.
cat >"$T/record" <<'EOF'
#!/bin/sh
f=$1/$HITL_EVENT.$$
cat >"$f.json"
grep '^Gid:' /proc/self/status >"$f.gid"
env >"$f.env"
EOF
chmod 755 "$T/record"

# policy FILE HOOKS-JSON: the example policy with these hooks.
policy() {
	jq --argjson h "$2" '. + {hooks: $h}' "$SRCDIR/examples/policy.json" \
	    >"$1" || fail "cannot write $1"
}

# escalate WHO: WHO claims the next item and escalates it to legal; ITEM.
escalate() {
	expect_exit 0 hitl_as "$1" next --json
	ITEM=$(jq -r .item.id "$T/out")
	LEASE=$(jq -r .lease.id "$T/out")
	expect_exit 0 hitl_as "$1" decide "$ITEM" --lease "$LEASE" escalate \
	    --team legal --reason legal_risk --severity high --note "see $ITEM"
}

# told EVENT: how many times the recording hook ran for EVENT.
told() {
	find "$T/got" -name "$1.*.json" | wc -l | tr -d ' '
}

# gone PID: PID ends (or is dead, left for init to reap) within 5 s.
gone() {
	_n=0
	while [ -d "/proc/$1" ] &&
	    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; do
		_n=$((_n + 1))
		[ "$_n" -lt 50 ] || return 1
		sleep 0.1
	done
}

# --- the policy's hooks -----------------------------------------------------

step "hooks in the policy"
policy bad.json '{"escalation_openned": "true"}'
expect_exit 0 "$HITL" init
expect_exit 65 "$HITL" policy load bad.json
expect_err "hooks.escalation_openned: unknown event"
expect_err "escalation_opened, escalation_overdue, reviewer_paused, suspended, erased"
expect_err "did you mean \"escalation_opened\"?"
policy bad.json '{"erased": {"command": "true", "timeout_seconds": 0}}'
expect_exit 65 "$HITL" policy load bad.json
expect_err "hooks.erased.timeout_seconds"
policy bad.json '{"suspended": ""}'
expect_exit 65 "$HITL" policy load bad.json
expect_err "hooks.suspended: a command of 1 to 4096 bytes"
policy bad.json '{"suspended": 3}'
expect_exit 65 "$HITL" policy load bad.json
expect_err "hooks.suspended: expected a command"

H=$(jq -n --arg r "$T/record $T/got" '{escalation_opened: $r,
    escalation_overdue: {command: $r, timeout_seconds: 5},
    reviewer_paused: $r, timeout_seconds: 3}')
policy hooks.json "$H"
expect_exit 0 "$HITL" policy load hooks.json
expect_exit 0 "$HITL" policy show --json
jq_ok "the hooks as shown" --arg r "$T/record $T/got" '.hooks ==
    {timeout_seconds: 3, escalation_opened: {command: $r},
    escalation_overdue: {command: $r, timeout_seconds: 5},
    reviewer_paused: {command: $r}}'
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"

# --- what a hook is given ------------------------------------------------------

step "a refused escalation runs no hook"
expect_exit 0 hitl_as bob next --json
ITEM=$(jq -r .item.id "$T/out")
LEASE=$(jq -r .lease.id "$T/out")
expect_exit 65 hitl_as bob decide "$ITEM" --lease "$LEASE" escalate \
    --team marketing --reason legal_risk --severity high
expect_eq "hooks run for a refusal" "$(told escalation_opened)" 0
expect_exit 0 hitl_as bob release "$ITEM" --lease "$LEASE"

step "escalation_opened"
at 60
escalate bob
FIRST=$ITEM
expect_no_err
expect_eq "hooks run" "$(told escalation_opened)" 1
GOT=$(find "$T/got" -name 'escalation_opened.*.json')
jq -e . "$GOT" >/dev/null || fail "the hook's stdin is no JSON" "$GOT"
expect_eq "one object, one line" "$(wc -l <"$GOT" | tr -d ' ')" 1
cp "$GOT" "$T/out"
jq_ok "the event" --arg item "$FIRST" --arg db "$HITL_DB" '
    .event == "escalation_opened" and .at == "2027-01-15T08:01:00Z" and
    .actor == "bob" and .item == $item and .database == $db and
    .escalation == 1 and .team == "legal" and .reason == "legal_risk" and
    .severity == "high" and .note == "see \($item)" and
    .opened_by == "bob" and .opened_at == "2027-01-15T08:01:00Z" and
    .due_at == "2027-01-15T12:01:00Z" and (.kind | type) == "string"'
# The hook's groups are the user's: real, effective, saved and file-system.
read -r _ g1 g2 g3 g4 <"${GOT%.json}.gid"
expect_eq "the hook's groups" "$g1 $g2 $g3 $g4" \
    "$(id -g) $(id -g) $(id -g) $(id -g)"
# Its environment is the clean one hitl makes (sh adds PWD, SHLVL and _).
ENVF=${GOT%.json}.env
expect_eq "the hook's environment" "$(sed 's/=.*//' "$ENVF" |
    grep -v -x -e PWD -e SHLVL -e _ | sort | tr '\n' ' ')" \
    "HITL_EVENT HOME LOGNAME PATH USER "
grep -q -x "HITL_EVENT=escalation_opened" "$ENVF" || fail "HITL_EVENT" "$ENVF"
grep -q -x "USER=$LOGIN" "$ENVF" || fail "USER is not the login" "$ENVF"

# --- a hook that fails -----------------------------------------------------------

step "a hook that fails"
policy fail.json '{"escalation_opened": "echo it broke >&2; exit 3"}'
expect_exit 0 "$HITL" policy load fail.json
at 120
escalate bob
expect_out "escalate $ITEM"
expect_err "hitl decide: hook escalation_opened failed: exit 3: it broke"
expect_eq "the escalation" "$(sql "SELECT count(*) FROM escalations")" 2
expect_eq "the failure on the audit log" "$(sql "SELECT actor || ' ' ||
    item FROM audit WHERE event = 'hook_failed'")" "bob $ITEM"
expect_exit 0 "$HITL" audit verify

# --- a hook that hangs -------------------------------------------------------------

step "a hook that hangs is killed at the timeout"
C="echo \$\$ >$T/sh.pid; sleep 100 & echo \$! >$T/sleep.pid; wait"
H=$(jq -n --arg c "$C" '{escalation_opened: $c, timeout_seconds: 1}')
policy hang.json "$H"
expect_exit 0 "$HITL" policy load hang.json
at 180
escalate bob
expect_out "escalate $ITEM"
expect_err "hitl decide: hook escalation_opened failed: killed after the timeout of 1 s"
for _p in sh sleep; do
	[ -s "$T/$_p.pid" ] || fail "the hook did not start its $_p"
	gone "$(cat "$T/$_p.pid")" || fail "the hook's $_p is still running"
done
expect_eq "failures on the audit log" "$(sql "SELECT count(*) FROM audit
    WHERE event = 'hook_failed'")" 2
expect_eq "escalations" "$(sql "SELECT count(*) FROM escalations")" 3

# --- escalations --notify-overdue -------------------------------------------------

step "notify-overdue"
expect_exit 0 "$HITL" policy load hooks.json
# The third is acknowledged: never overdue.
expect_exit 0 hitl_as carol escalation ack 3
# 240 minutes after the first (opened at 60): not yet overdue.
at $((60 + 240 * 60))
expect_exit 0 hitl_as alice escalations --notify-overdue
expect_out "no escalations became overdue"
expect_eq "told" "$(told escalation_overdue)" 0
at $((60 + 240 * 60 + 1))
expect_exit 0 hitl_as alice escalations --notify-overdue --json
expect_eq "told of" "$(jq -r .escalation "$T/out")" 1
expect_eq "told" "$(told escalation_overdue)" 1
cp "$(find "$T/got" -name 'escalation_overdue.*.json')" "$T/out"
jq_ok "the overdue event" --arg item "$FIRST" '
    .event == "escalation_overdue" and .actor == "alice" and
    .item == $item and .escalation == 1 and .team == "legal" and
    .due_at == "2027-01-15T12:01:00Z" and .overdue_seconds == 1'
expect_exit 0 hitl_as alice escalations --notify-overdue
expect_out "no escalations became overdue"
expect_eq "told again" "$(told escalation_overdue)" 1
# Later the second is overdue too; the first is not told of twice.
at $((120 + 240 * 60 + 5))
expect_exit 0 hitl_as alice escalations --notify-overdue
expect_out "OVERDUE"
expect_eq "told" "$(told escalation_overdue)" 2
expect_exit 0 hitl_as alice escalations --notify-overdue --json
[ ! -s "$T/out" ] || fail "a second run told of some" "$T/out"
expect_eq "told" "$(told escalation_overdue)" 2
expect_eq "audited" "$(sql "SELECT count(*) FROM audit
    WHERE event = 'escalation_overdue'")" 2
expect_exit 0 hitl_as carol escalations --team legal --json
jq_ok "marked" -s 'map(select(.escalation <= 2)) |
    all(.notified_overdue_at != null)'
expect_exit 0 "$HITL" audit verify
# A mark wiped, to be told again, is caught; so is one made up.
sql "UPDATE escalations SET notified_overdue_at = NULL WHERE id = 1"
expect_exit 65 "$HITL" audit verify
expect_err "escalation 1 was changed behind hitl's back: its overdue notice"
sql "UPDATE escalations SET notified_overdue_at = $((NOW + 60 + 240 * 60 + 1))
    WHERE id = 1"
expect_exit 0 "$HITL" audit verify
sql "UPDATE escalations SET notified_overdue_at = 1 WHERE id = 3"
expect_exit 65 "$HITL" audit verify
expect_err "escalation 3 was changed behind hitl's back: its overdue notice"
sql "UPDATE escalations SET notified_overdue_at = NULL WHERE id = 3"
expect_exit 0 "$HITL" audit verify

step "reviewer_paused"
gdb=$(newdb gold)
H=$(jq -n --arg r "$T/record $T/got" '{reviewer_paused: $r}')
jq --argjson h "$H" '. + {hooks: $h, quality: {gold_rate: 1,
    min_gold_items: 2, min_gold_accuracy: 0.8}}' \
    "$SRCDIR/examples/policy.json" >gold.json
expect_exit 0 "$HITL" --db "$gdb" init --policy gold.json
expect_exit 0 "$HITL" --db "$gdb" import "$SRCDIR/tests/data/gold.jsonl"
at 300
for _g in g-out-1 g-out-2; do
	expect_exit 0 hitl_as bob --db "$gdb" next --json
	expect_eq "the gold item" "$(jq -r .item.id "$T/out")" "$_g"
	LEASE=$(jq -r .lease.id "$T/out")
	expect_exit 0 hitl_as bob --db "$gdb" decide "$_g" --lease "$LEASE" \
	    correct --payload '{"labels": ["toxicity"],
	    "flags": [{"verdict": "confirmed"}]}'
done
expect_exit 77 hitl_as bob --db "$gdb" next
expect_eq "told" "$(told reviewer_paused)" 1
cp "$(find "$T/got" -name 'reviewer_paused.*.json')" "$T/out"
jq_ok "the pause" '.event == "reviewer_paused" and .actor == "bob" and
    .item == null and .reviewer == "bob" and .gold_items == 2 and
    .accuracy < 0.8 and .min_gold_accuracy == 0.8'

step "in the console, a hook's warning waits for it to end"
expect_exit 0 "$HITL" policy load fail.json
printf '%s\n' '<Enter>e<Enter><Enter><Down><Enter>refund<Enter>' \
    ':screen-dump esc.screen' >esc.keys
_rc=0
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 COLUMNS=100 LINES=30 \
    HITL_REVIEWER=bob timeout 30 "$HITL" review --script esc.keys \
    </dev/null >"$T/out" 2>"$T/err" || _rc=$?
expect_eq "the console's exit" "$_rc" 0
expect_eq "escalations" "$(sql "SELECT count(*) FROM escalations")" 4
expect_err "hitl review: hook escalation_opened failed: exit 3: it broke"
! grep -q "hook" "$T/out" esc.screen ||
    fail "the warning is on the screen" "$T/out" esc.screen

step "notify-overdue without its hook"
policy none.json '{}'
expect_exit 0 "$HITL" policy load none.json
expect_exit 78 hitl_as alice escalations --notify-overdue
expect_err "has no hooks.escalation_overdue"
expect_exit 64 hitl_as alice escalations --notify-overdue --all

pass
