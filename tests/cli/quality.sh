#!/bin/sh
# Review quality under the example policy with a quality section: samples
# drawn by id and policy version (and recorded), blind double review by
# bob and erin (agreement, disagreement and a lead's adjudication, one more
# reviewer until a majority), undo and escalation of votes, gold items
# served, scored and pausing a reviewer until a lead resumes them, the
# second-stage audit, and hitl agreement over what they decided.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# policy FILE QUALITY: the example policy with that quality section.
policy() {
	jq ".quality = $2" "$SRCDIR/examples/policy.json" >"$1" ||
	    bug "cannot write $1"
}

# vote WHO ITEM ACTION [ARGS]: WHO claims the next item, which must be
# ITEM, and decides it.
vote() {
	_who=$1
	_item=$2
	shift 2
	claim "$_who" "$_item"
	expect_exit 0 hitl_as "$_who" decide "$_item" --lease "$LEASE" "$@"
}

TOXIC='{"labels": ["toxicity"], "flags": [{"verdict": "confirmed"}]}'

# --- samples -------------------------------------------------------------------

step "samples: by id and policy version, the same on a re-import"
policy half.json '{"overlap_rate": 0.5, "audit_rate": 0.25}'
i=0
while [ $i -lt 200 ]; do
	printf '{"id": "s-%d", "kind": "model_output", "response": "r %d", "flags": [{"type": "toxicity", "score": 0.9}]}\n' $i $i
	i=$((i + 1))
done >many.jsonl
one=$(newdb one)
two=$(newdb two)
expect_exit 0 "$HITL" --db "$one" init --policy half.json
expect_exit 0 "$HITL" --db "$one" import many.jsonl
expect_exit 0 "$HITL" --db "$two" init --policy half.json
expect_exit 0 "$HITL" --db "$two" import many.jsonl
SAMPLES="SELECT i.ext_id || ' ' || s.sample FROM samples s JOIN items i
    ON i.id = s.item_id ORDER BY i.ext_id"
sql_on "$one" "$SAMPLES" >one.txt
sql_on "$two" "$SAMPLES" >two.txt
cmp -s one.txt two.txt || fail "two imports sampled differently" two.txt
n_overlap=$(grep -c ' overlap$' one.txt)
n_audit=$(grep -c ' audit$' one.txt)
# 100 and 50 expected; a binomial spread of 3 standard deviations.
[ "$n_overlap" -ge 79 ] && [ "$n_overlap" -le 121 ] ||
    fail "overlap sampled $n_overlap of 200 at rate 0.5" one.txt
[ "$n_audit" -ge 32 ] && [ "$n_audit" -le 68 ] ||
    fail "audit sampled $n_audit of 200 at rate 0.25" one.txt
# The import's event records what it drew.
expect_exit 0 "$HITL" --db "$one" audit log --json
jq_ok "the import event's samples" -s --argjson o "$n_overlap" \
    --argjson a "$n_audit" '.[] | select(.event == "import") |
    .data.samples == {"overlap": $o, "audit": $a, "gold": 0}'
# Another policy version samples anew: the version is in the hash.
expect_exit 0 "$HITL" --db "$two" policy load half.json
jq -c '.id = "t" + .id' many.jsonl >many2.jsonl
expect_exit 0 "$HITL" --db "$one" import many2.jsonl
expect_exit 0 "$HITL" --db "$two" import many2.jsonl
sql_on "$one" "$SAMPLES" | grep '^ts-' >one2.txt
sql_on "$two" "$SAMPLES" | grep '^ts-' >two2.txt
cmp -s one2.txt two2.txt && fail "policy version 2 sampled as version 1" two2.txt

# --- blind double review -----------------------------------------------------------

step "double review: two reviewers agree"
policy both.json '{"overlap_rate": 1, "overlap_reviewers": 2}'
expect_exit 0 "$HITL" init --policy both.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
at 60
vote bob wf-out-1 approve
# bob's vote does not decide the item: it waits for a second reviewer.
expect_exit 0 "$HITL" show --json wf-out-1
jq_ok "an item with one vote of two" '.state == "queued"'
# bob is not handed it again; erin is, and sees nothing of bob's vote.
claim bob wf-anon-1
expect_exit 0 hitl_as bob release wf-anon-1 --lease "$LEASE"
claim erin wf-out-1
expect_exit 0 hitl_as erin show --json wf-out-1
jq_ok "erin sees no vote of bob's" '.history == []'
expect_exit 0 hitl_as erin audit log --item wf-out-1 --json
expect_no_out "bob"
# A lead sees both.
expect_exit 0 hitl_as carol show --json wf-out-1
jq_ok "carol sees bob's vote" '.history | length == 1'
at 90
expect_exit 0 hitl_as erin decide wf-out-1 --lease "$LEASE" approve
expect_exit 0 hitl_as erin show --json wf-out-1
jq_ok "agreement decides it" '.state == "decided" and
    ([.history[].action] == ["approve", "approve", "settle"]) and
    (.history[2].payload | .how == "agreement" and
    .outcome == "approve" and (.votes | length) == 2)'
# Once settled, the round is open to everyone.
expect_exit 0 hitl_as bob show --json wf-out-1
jq_ok "bob sees erin's vote after the round" '.history | length == 3'

step "double review: disagreement goes to a lead"
at 120
vote bob wf-anon-1 approve
vote erin wf-anon-1 correct --payload '{"spans": [{"verdict": "accepted"},
    {"verdict": "rejected"}]}'
expect_exit 0 hitl_as carol adjudication list
expect_out "wf-anon-1  (overlap, 2 votes)"
expect_exit 0 hitl_as carol status --json
jq_ok "the lead's status counts it" '.quality.to_adjudicate == 1'
expect_exit 77 hitl_as bob adjudication list
expect_err "may not adjudicate"
# Nobody else is handed it: it is a lead's now.
claim frank wf-out-2
expect_exit 0 hitl_as frank release wf-out-2 --lease "$LEASE"
expect_exit 0 hitl_as carol adjudication show wf-anon-1 --json
ERIN=$(jq -r '.votes[] | select(.reviewer == "erin") | .decision' "$T/out")
expect_exit 65 hitl_as carol adjudication decide wf-anon-1 --choose 1
expect_err "not one of the votes"
expect_exit 0 hitl_as carol adjudication decide wf-anon-1 \
    --choose "$ERIN" --note "Zürich is a place"
expect_out "settled by adjudication: decision $ERIN chosen"
expect_exit 0 hitl_as carol show --json wf-anon-1
jq_ok "the settlement names erin's vote" --argjson e "$ERIN" \
    '.state == "decided" and (.history[-1] | .action == "settle"
    and .reviewer == "carol" and (.payload | .how == "adjudication" and
    .outcome == "correct" and .chose == $e and
    .note == "Zürich is a place"))'
expect_exit 69 hitl_as carol adjudication decide wf-anon-1 approve
expect_err "not waiting for adjudication"

step "exports take the settlement, and count how it was reached"
expect_exit 0 hitl_as alice export --format spans -o spans.jsonl
expect_eq "records" "$(wc -l <spans.jsonl)" 1
jq -e '.id and (.spans | length) == 1' spans.jsonl >/dev/null ||
    fail "the export is not erin's correction" spans.jsonl
expect_exit 0 hitl_as carol export --format labels -o labels.jsonl
jq -e '.counts.review == {"agreement": 1}' labels.jsonl.manifest.json \
    >/dev/null || fail "the manifest's review counts" labels.jsonl.manifest.json
jq -e '.counts.review == {"adjudication": 1}' spans.jsonl.manifest.json \
    >/dev/null || fail "the manifest's review counts" spans.jsonl.manifest.json
# The accountable record keeps every vote, marked as one.
expect_exit 0 hitl_as carol export --format decisions -o decisions.jsonl
jq -s -e '[.[] | select(.item == "wf-anon-1") | [.action, .vote,
    .resolution]] == [["approve", true, null], ["correct", true, null],
    ["settle", false, "correct"]]' decisions.jsonl >/dev/null ||
    fail "the decisions export's votes" decisions.jsonl
jq -e '.counts.review == {"vote": 4, "agreement": 1, "adjudication": 1}' \
    decisions.jsonl.manifest.json >/dev/null ||
    fail "the decisions manifest's review counts" decisions.jsonl.manifest.json

step "undo and escalation of votes"
at 180
vote bob wf-out-2 approve
expect_exit 0 hitl_as bob undo --json
jq_ok "bob's vote withdrawn, the item his again" '.action == "approve" and
    .item == "wf-out-2" and .lease.holder == "bob"'
expect_exit 0 hitl_as bob decide wf-out-2 --lease "$(jq .lease.id "$T/out")" \
    correct --payload '{"labels": ["bias.gender"], "flags":
    [{"verdict": "confirmed"}, {"verdict": "confirmed"}]}'
vote erin wf-out-2 escalate --team ml-fairness --reason systematic_bias \
    --severity high
expect_exit 0 hitl_as erin show --json wf-out-2
jq_ok "an escalation by a voter escalates the item" \
    '.state == "escalated"'
# bob's vote stays on record, not in force; the round is over.
expect_exit 0 hitl_as bob show --json wf-out-2
jq_ok "bob sees the escalation" '[.history[].action] ==
    ["approve", "undo", "correct", "escalate"]'
# A vote of a settled round cannot be undone: a lead reopens it.
at 200
vote bob wf-out-3 approve
vote erin wf-out-3 approve
expect_exit 69 hitl_as erin undo
expect_err "every vote of its review round is in"

step "one more reviewer until a majority"
policy extra.json '{"overlap_rate": 1, "adjudication": "extra_reviewer"}'
expect_exit 0 "$HITL" policy load extra.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/small.jsonl"
at 240
vote bob small-out-2 approve
vote erin small-out-2 correct --payload "$TOXIC"
# Neither has a majority: frank is handed it, as a third reviewer.
claim frank small-out-2
expect_exit 0 hitl_as frank decide small-out-2 --lease "$LEASE" correct \
    --payload "$TOXIC"
expect_exit 0 hitl_as carol show --json small-out-2
jq_ok "a majority of three settles it" '.state == "decided" and
    (.history[-1].payload | .how == "majority" and
    .outcome == "correct" and (.votes | length) == 3)'

step "agreement over the rounds"
expect_exit 0 hitl_as carol agreement --json
jq_ok "agreement's scope all" '.[0] | .scope == "all" and .items == 4 and
    .reviewers == 3 and (.cohen_kappa | length) >= 1'
expect_exit 77 hitl_as bob agreement
expect_exit 0 hitl_as carol agreement
expect_out "all"

step "reviewer statistics: votes a settlement overturned, peer agreement"
expect_exit 0 hitl_as carol reviewers --json
cp "$T/out" reviewers.json
# bob's approve of wf-anon-1 (adjudicated for erin's correction) and of
# small-out-2 (a majority corrected it) were not taken.
jq_ok "bob's votes overturned" -s '.[] | select(.reviewer == "bob") |
    .adjudicated == 2 and .overturned >= 2 and .peer_units > 0 and
    (.peer_kappa | type) == "number" and .paused == false and
    .gold_items == 0 and .gold_accuracy == null and .audited == 0'
jq_ok "erin's votes all taken" -s '.[] | select(.reviewer == "erin") |
    .adjudicated == 0'
expect_exit 0 hitl_as bob reviewers --json
jq_ok "bob sees his own line" -s 'length == 1 and .[0].reviewer == "bob"
    and .[0].adjudicated == 2'
expect_exit 0 hitl_as carol reviewers
expect_out "ADJUDICATED"

step "a settled item reopened is decided as any other, by a voter too"
at 300
expect_exit 0 hitl_as carol reopen wf-out-1 --note "look again"
claim bob wf-out-1
expect_exit 0 hitl_as bob decide wf-out-1 --lease "$LEASE" correct \
    --payload "$TOXIC"
expect_exit 0 hitl_as bob show --json wf-out-1
jq_ok "the reopened item's new decision is in force" '.state == "decided" and
    ([.history[].action] | .[-3:] == ["settle", "reopen", "correct"])'

# --- gold items -------------------------------------------------------------------

step "gold items: validated at import"
gdb=$(newdb gold)
policy gold.json '{"gold_rate": 1, "min_gold_items": 2,
    "min_gold_accuracy": 0.8}'
expect_exit 0 "$HITL" --db "$gdb" init --policy gold.json
printf '%s\n' '{"id": "bad-gold", "kind": "model_output", "response": "x", "flags": [{"type": "toxicity", "score": 0.9}], "gold": {"action": "correct", "labels": ["nonsense"], "flags": [{"verdict": "confirmed"}]}}' >badgold.jsonl
expect_exit 65 "$HITL" --db "$gdb" import badgold.jsonl
expect_err "gold: labels[0]: \"nonsense\" is not a label"
printf '%s\n' '{"id": "bad-gold2", "kind": "model_output", "response": "x", "flags": [{"type": "toxicity", "score": 0.9}], "gold": {"action": "correct", "labels": []}}' >badgold2.jsonl
expect_exit 65 "$HITL" --db "$gdb" import badgold2.jsonl
expect_err "gold: flags"

step "gold items: served, scored, never exported; a pause and its lifting"
expect_exit 0 "$HITL" --db "$gdb" import "$SRCDIR/tests/data/gold.jsonl" \
    "$SRCDIR/tests/data/small.jsonl"
# Gold items wait for every reviewer, not in the queue's counts.
expect_exit 0 "$HITL" --db "$gdb" status --json
jq_ok "gold is not waiting" '.oldest_waiting_item | startswith("g-") | not'
expect_exit 0 hitl_as carol --db "$gdb" status
expect_out "review quality: 0 to adjudicate, 0 rounds taking votes, 3 gold items"
expect_exit 0 hitl_as bob --db "$gdb" status --json
jq_ok "a reviewer is not told how many gold items there are" \
    'has("quality") | not'
at 300
HITL_DB=$gdb
export HITL_DB
# At gold_rate 1 every claim is served gold while bob has any left.
claim bob g-out-1
expect_exit 0 hitl_as bob decide g-out-1 --lease "$LEASE" approve
claim bob g-out-2
expect_exit 0 hitl_as bob decide g-out-2 --lease "$LEASE" correct \
    --payload "$TOXIC"
# Two gold items wrong: below 80%, bob is paused.
expect_exit 77 hitl_as bob next
expect_err "bob is paused"
expect_err "hitl reviewer resume bob"
# erin is served the same gold items: each reviewer sees each once.
claim erin g-out-1
expect_exit 0 hitl_as erin decide g-out-1 --lease "$LEASE" correct \
    --payload "$TOXIC"
expect_exit 0 hitl_as erin show --json g-out-1
jq_ok "erin sees only her own gold vote" '.history | length == 1'
expect_exit 77 hitl_as bob reviewer resume bob
expect_exit 0 hitl_as carol reviewer resume bob --note "retrained"
expect_exit 69 hitl_as carol reviewer resume bob
expect_err "bob is not paused"
expect_exit 0 hitl_as bob next --json
expect_eq "bob's claim after the resume" "$(jq -r .item.id "$T/out")" g-anon-1
expect_exit 0 hitl_as carol reviewers --json
jq_ok "gold accuracy per reviewer" -s '(.[] | select(.reviewer == "bob") |
    .gold_items == 2 and .gold_accuracy < 0.8 and .paused == false) and
    (.[] | select(.reviewer == "erin") | .gold_items == 1 and
    .gold_accuracy == 1)'
expect_exit 0 "$HITL" audit log --json
jq_ok "the pause and its lifting are audited" -s '[.[] |
    select(.event == "pause" or .event == "resume") | [.event, .actor,
    .data.reviewer]] == [["pause", "bob", "bob"], ["resume", "carol", "bob"]]'
# No gold item reaches an export, whatever was decided on it.
expect_exit 0 hitl_as carol export --format decisions -o dec.jsonl
grep -q '"g-' dec.jsonl && fail "a gold item was exported" dec.jsonl
expect_exit 0 "$HITL" audit verify

# --- the second-stage audit --------------------------------------------------------

step "audit: a decided item goes, blind, to a second reviewer"
adb=$(newdb audit)
policy audit.json '{"audit_rate": 1}'
HITL_DB=$adb
expect_exit 0 "$HITL" init --policy audit.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
at 400
vote bob wf-out-1 approve
claim erin wf-out-1
expect_exit 0 hitl_as erin show --json wf-out-1
jq_ok "the auditor sees no first decision" '.history == []'
expect_exit 0 hitl_as erin decide wf-out-1 --lease "$LEASE" correct \
    --payload "$TOXIC"
expect_exit 0 hitl_as carol adjudication list --json
jq_ok "the audit disagrees: a lead adjudicates" '.item == "wf-out-1" and
    .sample == "audit"'
ERIN=$(jq -r '.votes[] | select(.reviewer == "erin") | .decision' "$T/out")
expect_exit 0 hitl_as carol adjudication decide wf-out-1 --choose "$ERIN"
expect_exit 0 hitl_as carol reviewers --json
jq_ok "bob's audited decision overturned" -s '.[] |
    select(.reviewer == "bob") | .audited == 1 and .audit_accuracy == 0'
cp "$T/out" audit-reviewers.json

step "the review-quality rows resist being changed behind hitl's back"
# tampered WHAT SQL TEXT: a copy of the gold database changed by SQL (as its
# owner, guards lifted) fails audit verify with TEXT.
tampered() {
	_c=$(db_copy "$gdb" "tamper-$(printf '%s' "$1" | cksum | cut -d' ' -f1)")
	unguarded "$_c" "$2" >/dev/null 2>&1 || fail "the database refused: $2"
	expect_exit 65 "$HITL" --db "$_c" audit verify
	expect_err "$3"
}
tampered "a ballot dropped, to vote again" \
    "DELETE FROM ballots WHERE reviewer = 'erin'" "ballots were changed"
tampered "a gold answer rewritten" \
    "UPDATE samples SET gold = '{\"action\":\"approve\"}' WHERE gold LIKE '%toxicity%'" \
    "is not what its line draws"
tampered "a gold item made an ordinary one" \
    "DELETE FROM gold_scores; DELETE FROM ballots; DELETE FROM samples WHERE sample = 'gold'" \
    "changed behind hitl's back"
tampered "a pause lifted without a lead" \
    "INSERT INTO pauses (reviewer, event, at, actor, scored, after_decision, audit_seq) VALUES ('bob', 'resume', '2027-01-15T08:10:00Z', 'bob', 2, 99, 1)" \
    "pauses were changed"
tampered "a gold score improved" \
    "DELETE FROM gold_scores WHERE reviewer = 'bob'" "gold scores were changed"

step "a copy keeps the samples, the votes, the gold scores and the pauses"
cdb=$(newdb copied)
expect_exit 0 hitl_as alice copy "$gdb" "$cdb"
expect_exit 0 "$HITL" --db "$cdb" audit verify
expect_exit 0 hitl_as carol --db "$gdb" reviewers --json
cp "$T/out" gold-reviewers.json
expect_exit 0 hitl_as carol --db "$cdb" reviewers --json
cmp -s "$T/out" gold-reviewers.json ||
    fail "the copy's reviewer statistics differ" "$T/out"
# erin has voted on g-out-1: the copy does not serve it to her again.
expect_exit 0 hitl_as erin --db "$cdb" next --json
[ "$(jq -r .item.id "$T/out")" = g-out-1 ] &&
    fail "the copy served erin a gold item twice" "$T/out"
expect_exit 0 "$HITL" audit verify

pass
