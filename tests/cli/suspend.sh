#!/bin/sh
# The overseer's stop: hitl suspend and resume of a model or a pipeline.
# Leads and admins only; while gpt-x is suspended every item of it that is
# imported is queued (none auto-decided, every span to be judged) while
# gpt-y's still auto-decide; exports leave out gpt-x's items decided after
# the suspension began (counted in the manifest) and keep those decided
# before; the first export of each cursor after the resume takes them; a
# second takes nothing again. Status lists the suspension, the audit log
# records both events, and the chain verifies.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# The suspended hook writes what it was told next to the test.
jq --arg login "$LOGIN" --arg hook "cat >'$T/suspended.json'" \
    '.roles[$login] = "admin" | .hooks = {"suspended": $hook}' \
    "$SRCDIR/examples/policy.json" >policy.json

# ids FILE: the item ids of an export of decisions, sorted, on one line.
ids() {
	jq -r .item "$1" | sort | tr '\n' ' '
}

# ex FORMAT FILE: an export of FORMAT from the default cursor to FILE; its
# manifest is then $T/out, for jq_ok.
ex() {
	expect_exit 0 "$HITL" export --format "$1" -o "$2"
	cp "$2.manifest.json" "$T/out"
}

# said FILE: the responses of an sft export, sorted, one line.
said() {
	jq -r '.messages[-1].content' "$1" | sort | tr '\n' '|'
}

# decide_all WHO: WHO claims and approves every item waiting.
decide_all() {
	while HITL_REVIEWER=$1 "$HITL" next --json >"$T/next" 2>"$T/err"; do
		_item=$(jq -r .item.id "$T/next")
		expect_exit 0 hitl_as "$1" decide "$_item" \
		    --lease "$(jq -r .lease.id "$T/next")" approve
	done
	expect_err "nothing to review"
}

step "init; two outputs decided before any suspension"
expect_exit 0 "$HITL" init --policy policy.json
cat >early.jsonl <<'LINES'
{"id": "sus-x-early", "kind": "model_output", "source": {"model": "gpt-x", "pipeline": "mail"}, "prompt": "Hello?", "response": "Hi, you fool.", "flags": [{"type": "toxicity", "score": 0.9, "detector": "tox-1"}]}
{"id": "sus-y-early", "kind": "model_output", "source": {"model": "gpt-y", "pipeline": "chat"}, "prompt": "Hello?", "response": "Hi, idiot.", "flags": [{"type": "toxicity", "score": 0.9, "detector": "tox-1"}]}
LINES
expect_exit 0 "$HITL" import early.jsonl
at 60
decide_all bob

step "who may suspend and resume"
expect_exit 77 hitl_as bob suspend --model gpt-x --reason "leaks addresses"
expect_err "bob is a reviewer and may not suspend a model or pipeline (a lead may)"
[ ! -e suspended.json ] || fail "a refused suspension ran the hook"
expect_exit 77 hitl_as bob resume --model gpt-x
expect_err "may not resume a suspended model or pipeline"
expect_exit 64 hitl_as carol suspend --model gpt-x --pipeline mail \
    --reason "both"
expect_exit 64 hitl_as carol suspend --model gpt-x
expect_exit 64 hitl_as carol suspend --model gpt-x --reason " "
expect_err "the reason is empty"
expect_exit 69 hitl_as carol resume --model gpt-x
expect_err "model gpt-x is not suspended"

step "a lead suspends gpt-x"
at 120
expect_exit 0 hitl_as carol suspend --model gpt-x \
    --reason "leaks customers' addresses" --json
expect_no_err
jq_ok "suspend --json" '.source_kind == "model" and
    .source_value == "gpt-x" and .suspended_by == "carol" and
    .reason == "leaks customers'"'"' addresses" and
    .since == "2027-01-15T08:02:00Z" and .since_decision == 2 and
    (has("resumed_at") | not)'
_lib_where="the suspended hook"
jq -e '.event == "suspended" and .actor == "carol" and .item == null and
    .source_kind == "model" and .source_value == "gpt-x" and
    .reason == "leaks customers'"'"' addresses" and .since_decision == 2 and
    .at == "2027-01-15T08:02:00Z"' suspended.json >/dev/null ||
    fail "the suspended hook was not told the suspension" suspended.json
rm suspended.json
expect_exit 69 hitl_as dana suspend --model gpt-x --reason "again"
expect_err "model gpt-x is already suspended (since 2027-01-15T08:02:00Z, by carol)"
[ ! -e suspended.json ] || fail "a refused suspension ran the hook"

step "status lists it"
expect_exit 0 "$HITL" status
expect_out "suspended (every item to a human; exports leave out what is decided of it until resumed):"
expect_out "  model gpt-x since 2027-01-15T08:02:00Z by carol: leaks customers' addresses"
expect_exit 0 "$HITL" status --json
jq_ok "status --json suspensions" '.suspensions | length == 1 and
    .[0].source_value == "gpt-x" and .[0].suspended_by == "carol"'

step "import while suspended: all of gpt-x queued, gpt-y triaged as ever"
at 180
expect_exit 0 "$HITL" import --json "$SRCDIR/tests/data/suspend.jsonl"
jq_ok "import counts" '.imported == 7 and .queued == 5 and
    .auto_decided == 2 and .suspended == 4'
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/suspend.jsonl"
expect_exit 0 "$HITL" audit log --json
jq_ok "the import event says why" -s '[.[] | select(.event == "import")][1]
    .data.suspended == {"model gpt-x": 4}'
for item in sus-x-out sus-x-anon sus-x-flag sus-x-chat sus-y-flag; do
	expect_exit 0 "$HITL" show "$item" --json
	jq_ok "$item queued" '.state == "queued"'
done
for item in sus-y-out sus-y-anon; do
	expect_exit 0 "$HITL" show "$item" --json
	jq_ok "$item auto-decided" '.state == "auto"'
done
# Neither auto-accepted (0.99) nor auto-rejected (0.1): both to be judged.
expect_exit 0 "$HITL" show sus-x-anon --json
jq_ok "every span ambiguous" '[.spans[].triage] == ["ambiguous", "ambiguous"]'
expect_exit 0 "$HITL" show sus-y-anon --json
jq_ok "gpt-y's span accepted" '[.spans[].triage] == ["accepted"]'
expect_exit 0 "$HITL" show sus-x-flag
expect_out "suspended: model gpt-x since 2027-01-15T08:02:00Z by carol: leaks customers' addresses"
expect_exit 0 "$HITL" show sus-y-flag
expect_no_out "suspended:"

step "decided while suspended: exports leave gpt-x's out"
at 240
decide_all bob
at 300
ex decisions dec1.jsonl
expect_eq "first export" "$(ids dec1.jsonl)" \
    "sus-x-early sus-y-early sus-y-flag "
jq_ok "manifest counts what was left out" '.skipped.suspended == 4'
ex sft sft1.jsonl
expect_eq "first sft export" "$(said sft1.jsonl)" \
    "Hi, idiot.|Hi, you fool.|You fool, of course.|"
jq_ok "sft manifest: every item of the source" '.skipped.suspended == 4'
# Nothing new: a second run leaves out nothing more.
ex decisions dec1b.jsonl
expect_eq "nothing new" "$(wc -l <dec1b.jsonl | tr -d ' ')" 0

step "resume: the next run of each cursor takes them, once"
at 360
expect_exit 0 hitl_as dana resume --model gpt-x --reason "fixed in 1.1"
expect_out "resumed model gpt-x (suspended since 2027-01-15T08:02:00Z by carol)"
expect_exit 0 "$HITL" status --json
jq_ok "nothing suspended" '.suspensions == []'
expect_exit 0 "$HITL" status
expect_no_out "suspended ("
at 420
ex decisions dec2.jsonl
expect_eq "after the resume" "$(ids dec2.jsonl)" \
    "sus-x-anon sus-x-chat sus-x-flag sus-x-out "
jq_ok "nothing left out" '.records == 4 and .skipped.suspended == null'
ex sft sft2.jsonl
# The chat item taken back makes the file conversational, as its range
# alone (nothing new) would not.
expect_eq "sft after the resume" "$(said sft2.jsonl)" \
    "Ask someone else, fool.|Only an idiot would ask that.|Your order ships on Monday.|"
ex decisions dec3.jsonl
expect_eq "taken once" "$(wc -l <dec3.jsonl | tr -d ' ')" 0

step "triaged by the policy again"
printf '%s\n' '{"id": "sus-x-late", "kind": "model_output", "source": {"model": "gpt-x"}, "prompt": "Hi", "response": "Hello.", "flags": []}' >late.jsonl
expect_exit 0 "$HITL" import --json late.jsonl
jq_ok "auto again" '.auto_decided == 1 and (has("suspended") | not)'

step "a pipeline, by another lead; both audited"
ESC=$(printf '\033')
expect_exit 0 hitl_as dana suspend --pipeline chat --reason "bad prompt$ESC[2J"
expect_out "suspended pipeline chat"
# The reason is someone's text: status shows it made safe.
expect_exit 0 "$HITL" status
expect_out "  pipeline chat since 2027-01-15T08:07:00Z by dana: bad prompt^[[2J"
if grep -q "$ESC" "$T/out"; then
	fail "status printed the reason's escape raw" "$T/out"
fi
expect_exit 0 hitl_as dana resume --pipeline chat --json
jq_ok "resume --json" '.source_kind == "pipeline" and
    .resumed_by == "dana" and (has("resume_reason") | not)'
expect_exit 0 "$HITL" audit log --json
jq_ok "the events" -s '[.[] | select(.event == "suspend" or
    .event == "unsuspend") | [.event, .actor, .data.source_kind,
    .data.source_value]] == [["suspend", "carol", "model", "gpt-x"],
    ["unsuspend", "dana", "model", "gpt-x"],
    ["suspend", "dana", "pipeline", "chat"],
    ["unsuspend", "dana", "pipeline", "chat"]]'
jq_ok "the reasons" -s '[.[] | select(.event == "suspend" or
    .event == "unsuspend") | .data.reason] == ["leaks customers'"'"' addresses",
    "fixed in 1.1", "bad prompt\u001b[2J", null]'
expect_exit 0 "$HITL" audit verify
expect_no_err

step "a suspension changed behind hitl's back"
# An earlier since_decision would hold back (and later release) decisions
# taken before the suspension: verify refuses it.
sql "UPDATE suspensions SET since_decision = 0 WHERE id = 1"
expect_exit 65 "$HITL" audit verify
expect_err "suspension 1 (model gpt-x): its suspension is not what audit event"
sql "UPDATE suspensions SET since_decision = 2 WHERE id = 1"
expect_exit 0 "$HITL" audit verify
sql "DELETE FROM suspensions WHERE id = 2"
expect_exit 65 "$HITL" audit verify
expect_err "is missing from the database"
