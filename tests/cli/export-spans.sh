#!/bin/sh
# Spans a consumer can load: decisions that would leave accepted spans
# overlapping are refused (naming them; nothing recorded) until a reviewer
# rejects all but one; blank corrections are refused; overlaps already in
# the database are left out of every spans style and counted; doccano and
# presidio refuse UTF-16 offsets; and each file is loaded by the rules of
# its consumer (tests/cli/consumer_spans.py: spaCy, doccano,
# presidio-research; node slices the UTF-16 offsets).
#
# tests/data/spans.jsonl under the example policy, in claim order:
#   sp-same      "Austin" proposed as LOCATION and as PERSON (one range),
#                Friday; emoji with ZWJ before it
#   sp-nested    東京 alone, and inside "Bank of 東京 Mitsubishi"
#   sp-partial   "Mary Ann" and "Ann Lee" after a ZWJ family emoji
#   sp-adjacent  José and Pérez (combining accents) end to end, Zürich
#   sp-crlf      CRLF line ends, 大阪, 王小明
#   sp-out       a model output (for blank corrections)
#   sp-auto      "Paris Hilton" and "Paris" inside it, both above
#                auto_accept: triage sends it to a human; made into what
#                hitl before that rule recorded (decided by the policy, both
#                accepted), it is an overlap on record
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

CONSUMER=$SRCDIR/tests/cli/consumer_spans.py

decisions() {
	sql "SELECT count(*) FROM decisions"
}

# consumer STYLE FILE [--utf16 CPFILE]: the consumer loads FILE.
consumer() {
	_lib_where="$1 loads $2"
	python3 "$CONSUMER" "$@" >"$T/consumer.out" 2>&1 ||
	    fail "$1 refuses $2" "$T/consumer.out" "$2"
}

# exspans FILE OPTIONS...: alice exports spans (every decision and the
# policy's) to FILE; sets RECORDS; the manifest counts the overlap left out.
exspans() {
	_f=$1
	shift
	expect_exit 0 hitl_as alice export --format spans -o "$_f" --since all \
	    --include-auto "$@"
	RECORDS=$(wc -l <"$_f")
	expect_err "exported $RECORDS spans records to $_f"
	_lib_where="$_f.manifest.json skipped"
	jq -e '.skipped == {"overlapping spans": 1}' "$_f.manifest.json" \
	    >/dev/null || fail "$_f: skipped" "$_f.manifest.json"
}

step "init and import"
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/spans.jsonl"
expect_out "imported 7: queued 7, auto-decided 0"
_lib_where="sp-auto's spans"
[ "$(sql "SELECT group_concat(triage, ' ') FROM (SELECT s.triage FROM spans s
    JOIN items i ON i.id = s.item_id WHERE i.ext_id = 'sp-auto'
    ORDER BY s.idx) t")" = "ambiguous ambiguous accepted" ] ||
    fail "overlapping accepted proposals were not sent to a human"

# --- overlaps refused when decided ------------------------------------------------

step "approve of one range proposed under two types"
claim bob sp-same
SAME=$LEASE
expect_exit 65 hitl_as bob decide sp-same --lease "$SAME" approve
expect_err 'item sp-same: the spans it would accept overlap: spans[0] LOCATION [7, 13) "Austin" and spans[1] PERSON [7, 13) "Austin"'
expect_err 'correct it with all but one of them "rejected"'
# Retyping one of them leaves the range taken twice.
expect_exit 65 hitl_as bob decide sp-same --lease "$SAME" correct --payload \
    '{"spans": [{"verdict": "accepted"},
    {"verdict": "retyped", "entity_type": "ORGANIZATION"},
    {"verdict": "accepted"}]}'
expect_err 'spans[1] ORGANIZATION [7, 13) "Austin"'
# An added span over a proposed one.
expect_exit 65 hitl_as bob decide sp-same --lease "$SAME" correct --payload \
    '{"spans": [{"verdict": "rejected"}, {"verdict": "accepted"},
    {"verdict": "accepted"}],
    "added": [{"start": 30, "end": 39, "entity_type": "DATE_TIME"}]}'
expect_err 'added[0] DATE_TIME [30, 39) "on Friday" and spans[2] DATE_TIME [33, 39) "Friday"'
expect_eq "decisions after the refusals" "$(decisions)" 0
expect_exit 0 hitl_as bob show sp-same --json
jq_ok "sp-same is still bob's" '.state == "claimed" and .claim.holder == "bob"'

step "nested spans"
claim bob sp-nested
expect_exit 65 hitl_as bob decide sp-nested --lease "$LEASE" approve
expect_err 'spans[1] ORGANIZATION [20, 41) "Bank of 東京 Mitsubishi" and spans[2] LOCATION [28, 30) "東京"'
expect_exit 0 hitl_as bob decide sp-nested --lease "$LEASE" correct --payload \
    '{"spans": [{"verdict": "accepted"}, {"verdict": "accepted"},
    {"verdict": "rejected"}]}'
expect_out "decision 1: correct sp-nested"

step "partial overlap"
claim bob sp-partial
expect_exit 65 hitl_as bob decide sp-partial --lease "$LEASE" approve
expect_err 'spans[0] PERSON [11, 19) "Mary Ann" and spans[1] PERSON [16, 23) "Ann Lee"'
# The text shown safely: the ZWJ family emoji is before the spans, not in.
expect_exit 0 hitl_as bob decide sp-partial --lease "$LEASE" correct --payload \
    '{"spans": [{"verdict": "rejected"}, {"verdict": "rejected"}],
    "added": [{"start": 11, "end": 23, "entity_type": "PERSON"}]}'

step "adjacent spans do not overlap"
claim bob sp-adjacent
expect_exit 0 hitl_as bob decide sp-adjacent --lease "$LEASE" approve
claim bob sp-crlf
expect_exit 0 hitl_as bob decide sp-crlf --lease "$LEASE" approve

step "a resolution is held to the same rule"
expect_exit 0 hitl_as bob decide sp-same --lease "$SAME" escalate \
    --team legal --reason legal_risk --severity high --note "which is it?"
ESC=$(sql "SELECT max(id) FROM escalations")
n=$(decisions)
expect_exit 65 hitl_as carol escalation resolve "$ESC" approve
expect_err 'item sp-same: the spans it would accept overlap: spans[0] LOCATION [7, 13) "Austin" and spans[1] PERSON [7, 13) "Austin"'
expect_exit 65 hitl_as carol escalation resolve "$ESC" correct --payload \
    '{"spans": [{"verdict": "accepted"}, {"verdict": "accepted"},
    {"verdict": "accepted"}]}'
expect_err 'spans[1] PERSON [7, 13) "Austin"'
expect_eq "decisions after refused resolutions" "$(decisions)" "$n"
expect_exit 0 hitl_as carol escalation resolve "$ESC" correct --payload \
    '{"spans": [{"verdict": "rejected"}, {"verdict": "accepted"},
    {"verdict": "accepted"}]}'

# --- blank corrections ------------------------------------------------------------

step "a blank correction of a model output"
claim bob sp-out
n=$(decisions)
expect_exit 65 hitl_as bob decide sp-out --lease "$LEASE" correct --payload \
    '{"text": "", "flags": [{"verdict": "confirmed"}]}'
expect_err 'item sp-out: payload.text: the corrected response is empty; write what the model should have said, or leave "text" out'
expect_exit 65 hitl_as bob decide sp-out --lease "$LEASE" correct --payload \
    '{"text": " \u00a0\r\n\t\u3000\u200b", "flags": [{"verdict": "confirmed"}]}'
expect_err 'payload.text: the corrected response is empty (only white space)'
expect_eq "decisions after blank corrections" "$(decisions)" "$n"
expect_exit 0 hitl_as bob decide sp-out --lease "$LEASE" correct --payload \
    '{"text": "Ana lives in Paris.", "flags": [{"verdict": "confirmed"}]}'

# --- the files, as their consumers load them ---------------------------------------

at 600
# What an earlier hitl recorded for sp-auto (decided by the policy, both
# accepted), put back as it was before the record is verified.
AUTO_PRIORITY=$(sql "SELECT priority FROM items WHERE ext_id = 'sp-auto'")
sql "UPDATE spans SET triage = 'accepted' WHERE item_id =
    (SELECT id FROM items WHERE ext_id = 'sp-auto')"
sql "UPDATE items SET state = 'auto', priority = 0 WHERE ext_id = 'sp-auto'"

step "spans"
exspans spans.jsonl
expect_eq "spans records" "$RECORDS" 5
consumer spans spans.jsonl
# José and Pérez carry combining accents (e + U+0301), Zürich u + U+0308.
python3 - >want <<'EOF'
import json
for r in [["sp-same", ["Austin/PERSON", "Friday/DATE_TIME"]],
    ["sp-nested", ["東京/LOCATION", "Bank of 東京 Mitsubishi/ORGANIZATION"]],
    ["sp-partial", ["Mary Ann Lee/PERSON"]],
    ["sp-adjacent", ["Jose\u0301/PERSON", "Pe\u0301rez/PERSON",
        "Zu\u0308rich/LOCATION"]],
    ["sp-crlf", ["Ana/PERSON", "大阪/LOCATION", "王小明/PERSON"]]]:
    print(json.dumps(r, ensure_ascii=False))
EOF
sort want >want.sorted
sort "$T/consumer.out" >got.sorted
cmp -s want.sorted got.sorted || fail "spans: what spaCy would take" \
    want.sorted got.sorted
jq -e -s 'any(.id == "sp-auto")' spans.jsonl >/dev/null &&
    fail "the policy's overlapping spans were exported" spans.jsonl
jq -e '.counts.entity_type == {"PERSON": 6, "DATE_TIME": 1,
    "LOCATION": 3, "ORGANIZATION": 1}' spans.jsonl.manifest.json \
    >/dev/null || fail "spans: entity counts" spans.jsonl.manifest.json
# The checker itself refuses overlaps, as spaCy does.
printf '%s\n' '{"id": "x", "text": "Paris Hilton", "spans": [{"start": 0, "end": 12, "label": "PERSON"}, {"start": 0, "end": 5, "label": "LOCATION"}]}' >overlap.jsonl
python3 "$CONSUMER" spans overlap.jsonl >"$T/consumer.out" 2>&1 &&
    fail "the checker took overlapping spans" "$T/consumer.out"
grep -q E103 "$T/consumer.out" || fail "no E103" "$T/consumer.out"

step "spans --offsets utf16, sliced by node"
exspans spans-u16.jsonl --offsets utf16
consumer spans spans-u16.jsonl --utf16 spans.jsonl
jq -e -s '.[] | select(.id == "sp-partial") | .spans == [{"start": 14, "end": 26,
    "label": "PERSON"}]' spans-u16.jsonl >/dev/null ||
    fail "utf16 offsets after a ZWJ family emoji" spans-u16.jsonl

step "doccano"
exspans doccano.jsonl --style doccano
consumer doccano doccano.jsonl
sort "$T/consumer.out" >got.sorted
cmp -s want.sorted got.sorted || fail "doccano: the labels" \
    want.sorted got.sorted
jq -e -s '.[] | select(.id == "sp-crlf") | .text == "Dear Ana,\r\nyour flight to 大阪 leaves at 9.\r\nRegards, 王小明\r\n" and
    .label == [[5, 8, "PERSON"], [26, 28, "LOCATION"], [52, 55, "PERSON"]]' \
    doccano.jsonl >/dev/null || fail "doccano: CRLF kept" doccano.jsonl

step "presidio"
exspans presidio.jsonl --style presidio
consumer presidio presidio.jsonl
sort "$T/consumer.out" >got.sorted
cmp -s want.sorted got.sorted || fail "presidio: the spans" \
    want.sorted got.sorted
jq -e -s '.[] | select(.metadata.id == "sp-adjacent") | keys == ["full_text",
    "masked", "metadata", "spans", "template_id"] and
    .spans[0] == {"entity_type": "PERSON", "entity_value": "Jose\u0301",
    "start_position": 0, "end_position": 5} and
    .metadata.action == "approve"' presidio.jsonl >/dev/null ||
    fail "presidio: InputSample.to_dict()'s keys" presidio.jsonl
# read_dataset_json takes one JSON array: jq -s makes it.
jq -s . presidio.jsonl >presidio.json
python3 - >"$T/py.out" 2>&1 <<'EOF' || fail "read_dataset_json" "$T/py.out"
import json
rows = json.load(open("presidio.json", encoding="utf-8"))
assert isinstance(rows, list) and len(rows) == 5, rows
EOF

sql "UPDATE spans SET triage = 'ambiguous' WHERE idx < 2 AND item_id =
    (SELECT id FROM items WHERE ext_id = 'sp-auto')"
sql "UPDATE items SET state = 'queued', priority = $AUTO_PRIORITY
    WHERE ext_id = 'sp-auto'"

step "code points only in doccano and presidio"
runs=$(sql "SELECT count(*) FROM exports")
for style in doccano presidio; do
	expect_exit 64 hitl_as alice export --format spans --style "$style" \
	    --offsets utf16 -o "u16-$style.jsonl"
	expect_err "spans --style $style counts code points"
	expect_err "leave out --offsets utf16"
	[ ! -e "u16-$style.jsonl" ] || fail "a refused export left a file"
	[ -z "$(ls u16-"$style".jsonl.* 2>/dev/null)" ] ||
	    fail "a refused export left a temporary file"
done
expect_eq "runs after the refusals" "$(sql "SELECT count(*) FROM exports")" \
    "$runs"

step "the record still verifies"
expect_exit 0 hitl_as alice audit verify
pass
