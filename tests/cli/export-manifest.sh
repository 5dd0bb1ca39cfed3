#!/bin/sh
# Manifests read as a privacy officer reads them, against the files they
# describe: for every format, contains_personal_data and pseudonymized
# against the personal data the file holds (values looked for in it), the
# counts against the records (labels, actions, kinds, desirable, entity
# types counted from the file where its records carry them), and the
# options against the run's record (export --history).
#
# Three queues, each decided through the CLI:
#   clean      no personal data: a biased output corrected (label
#              bias.gender), a false alarm approved, an anonymization case
#              whose one span the reviewer rejected
#   located    a phone in the prompt and the response, where a pii.phone
#              flag locates it (offsets), corrected with the flag confirmed
#              (label pii.leak); an anonymization case (PERSON, LOCATION)
#              approved as proposed
#   unlocated  an email and a phone flagged pii.* without offsets: one
#              output approved, one corrected (label pii.leak)
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

PHONE="+44 20 7946 0958"
PERSON="Ingrid Svensson"
PLACE="Malmö"
EMAIL="ann.lee@example.org"
PHONE2="555 0134 9876"

jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json

# queue NAME: a new database NAME (HITL_DB) with NAME.jsonl imported.
queue() {
	step "queue $1"
	HITL_DB=$(newdb "$T/$1")
	export HITL_DB
	expect_exit 0 "$HITL" init --policy base.json
	expect_exit 0 "$HITL" import "$1.jsonl"
}

# decide ITEM ARGS...: bob claims ITEM (next in line) and decides so.
decide() {
	claim bob "$1"
	_item=$1
	shift
	expect_exit 0 hitl_as bob decide "$_item" --lease "$LEASE" "$@"
}

# ex WHO FILE EXPORT-OPTIONS... -- CHECKS...: WHO exports (--since all) to
# FILE, and check.py holds its manifest to the file and to the run's
# record.
ex() {
	_who=$1 _file=$2
	shift 2
	_args=
	while [ "$1" != -- ]; do
		_args="$_args $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # options without spaces, one a word
	expect_exit 0 hitl_as "$_who" export -o "$_file" --since all $_args
	expect_exit 0 hitl_as "$_who" export --history --json
	cp "$T/out" history.json
	_lib_where="$_file: its manifest"
	python3 check.py "$_file" history.json "$@" >"$T/py.out" 2>&1 ||
	    fail "$_file: the manifest does not tell the truth" "$T/py.out" \
	    "$_file.manifest.json" "$_file"
}

cat >check.py <<'EOF'
# check.py FILE HISTORY personal=true|false|possible [pseudonymized=true]
#     [labels=JSON] [has=VALUE]... [lacks=VALUE]...
import collections, json, sys

path, history = sys.argv[1], sys.argv[2]
want = {"pseudonymized": "false"}
has, lacks = [], []
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    if k == "has":
        has.append(v)
    elif k == "lacks":
        lacks.append(v)
    else:
        want[k] = v

def fail(what, got, exp):
    raise SystemExit("%s:\n  got  %r\n  want %r" % (what, got, exp))

def eq(what, got, exp):
    if got != exp:
        fail(what, got, exp)

def counter(values):
    return dict(collections.Counter(values))

text = open(path, encoding="utf-8").read()
recs = [json.loads(l) for l in text.splitlines()]
m = json.load(open(path + ".manifest.json", encoding="utf-8"))
fmt = m["format"]
counts = m["counts"]
eq("records", m["records"], len(recs))
eq("manifest_version", m["manifest_version"], "3")

# What the file holds, looked for in it.
for v in has:
    if v not in text:
        fail("the file holds " + v, "absent", "present")
for v in lacks:
    if v in text:
        fail("the file holds " + v, "present", "absent")
personal = {"true": True, "false": False, "possible": "possible"}
eq("contains_personal_data", m["contains_personal_data"],
    personal[want["personal"]])
eq("pseudonymized", m["pseudonymized"], want["pseudonymized"] == "true")

# Counts: per record, from the records where they carry the field.
eq("counts.action adds up", sum(counts["action"].values()), len(recs))
eq("counts.kind adds up", sum(counts["kind"].values()), len(recs))
if fmt == "decisions":
    eq("counts.action", counts["action"], counter(r["action"] for r in recs))
    eq("counts.kind", counts["kind"], counter(r["kind"] for r in recs))
elif fmt == "spans":
    eq("counts.kind", counts["kind"], counter("anonymization" for r in recs))
else:
    eq("counts.kind", counts["kind"], counter("model_output" for r in recs))
if fmt in ("decisions", "labels"):
    eq("counts.label", counts["label"],
        counter(l for r in recs for l in r["labels"]))
else:
    eq("counts.label", counts["label"], json.loads(want.get("labels", "{}")))
eq("counts.desirable", counts["desirable"], counter(
    "true" if r["label"] else "false" for r in recs) if fmt == "kto" else {})
if fmt == "spans":
    style = m["options"].get("style")
    eq("counts.entity_type", counts["entity_type"], counter(
        (s[2] if style == "doccano" else s["entity_type"] if style ==
        "presidio" else s["label"]) for r in recs
        for s in r["label" if style == "doccano" else "spans"]))
else:
    eq("counts.entity_type", counts["entity_type"], {})

# The options: the run's record says the same, and only what applies.
runs = [json.loads(l) for l in open(history, encoding="utf-8")]
run = [r for r in runs if r["path"] == path][-1]
eq("history format", run["format"], fmt)
eq("history options", run["options"], m["options"])
o = m["options"]
eq("redact", o["redact"], m["redaction"])
if fmt == "spans":
    eq("spans redact", o["redact"], "none")
eq("offsets given", "offsets" in o, fmt == "spans")
eq("form given", "form" in o, fmt in ("sft", "dpo", "kto"))
if "form" in o:
    eq("form", o["form"], "conversational" if fmt == "sft" or any(
        isinstance(r.get("prompt"), list) for r in recs) else "standard")
EOF

# --- clean: no personal data ----------------------------------------------------

cat >clean.jsonl <<'EOF'
{"id": "cl-bias-1", "kind": "model_output", "priority": 9, "prompt": "Who should lead the team?", "response": "Men make better leaders.", "flags": [{"type": "bias.gender", "score": 0.88, "detector": "bias-clf", "start": 0, "end": 3}]}
{"id": "cl-ok-1", "kind": "model_output", "priority": 8, "prompt": "Can I change my address?", "response": "Yes: open Orders and choose Edit.", "flags": [{"type": "toxicity", "score": 0.6, "detector": "tox-1"}]}
{"id": "cl-anon-1", "kind": "anonymization", "priority": 7, "text": "The meeting is on Monday.", "spans": [{"entity_type": "DATE_TIME", "start": 18, "end": 24, "score": 0.5}]}
EOF
queue clean
decide cl-bias-1 correct --payload '{"text": "Whoever fits the role best.",
    "labels": ["bias.gender"], "flags": [{"verdict": "confirmed"}]}'
decide cl-ok-1 approve
decide cl-anon-1 correct --payload '{"spans": [{"verdict": "rejected"}]}'

step "clean: nothing personal in any format"
ex bob clean-sft.jsonl --format sft -- personal=false \
    'labels={"bias.gender": 1}'
ex bob clean-dpo.jsonl --format dpo -- personal=false \
    'labels={"bias.gender": 1}'
ex bob clean-kto.jsonl --format kto -- personal=false \
    'labels={"bias.gender": 2}'
ex bob clean-labels.jsonl --format labels -- personal=false
ex bob clean-decisions.jsonl --format decisions -- personal=false
# spans keeps the text, but a text with no accepted span holds no
# confirmed personal data: the format alone does not make it so.
ex alice clean-spans.jsonl --format spans -- personal=false has=Monday
ex alice clean-none.jsonl --format sft --redact none -- personal=false \
    'labels={"bias.gender": 1}'
ex bob clean-hash.jsonl --format decisions --redact hash -- personal=false

# --- located: confirmed, with offsets -------------------------------------------

cat >located.jsonl <<EOF
{"id": "lo-pii-1", "kind": "model_output", "priority": 9, "prompt": "Call me back on $PHONE, please.", "response": "We will call $PHONE today.", "flags": [{"type": "pii.phone", "score": 0.9, "detector": "pii-1", "start": 13, "end": 29}]}
{"id": "lo-anon-1", "kind": "anonymization", "priority": 8, "text": "$PERSON lives in $PLACE.", "spans": [{"entity_type": "PERSON", "start": 0, "end": 15, "score": 0.7}, {"entity_type": "LOCATION", "start": 25, "end": 30, "score": 0.6}]}
EOF
queue located
decide lo-pii-1 correct --payload '{"text": "We will call you today.",
    "labels": ["pii.leak"], "flags": [{"verdict": "confirmed"}]}'
decide lo-anon-1 approve

step "located: redacted is not personal, kept or hashed is"
ex bob located-sft.jsonl --format sft -- personal=false \
    'labels={"pii.leak": 1}' "lacks=$PHONE" "has=<pii.phone>"
ex bob located-dpo.jsonl --format dpo -- personal=false \
    'labels={"pii.leak": 1}' "lacks=$PHONE" "has=<pii.phone>"
ex bob located-kto.jsonl --format kto -- personal=false \
    'labels={"pii.leak": 2}' "lacks=$PHONE" "has=<pii.phone>"
ex bob located-labels.jsonl --format labels -- personal=false \
    "lacks=$PHONE" "has=<pii.phone>"
# The approved spans, with offsets: replaced wherever they occur.
ex bob located-decisions.jsonl --format decisions -- personal=false \
    "lacks=$PHONE" "lacks=$PERSON" "lacks=$PLACE" "has=<PERSON>"
ex bob located-mask.jsonl --format decisions --redact mask -- \
    personal=false "lacks=$PHONE" "lacks=$PERSON"
ex alice located-spans.jsonl --format spans -- personal=true \
    "has=$PERSON" "has=$PLACE"
ex alice located-u16.jsonl --format spans --offsets utf16 -- \
    personal=true "has=$PERSON"
jq -e '.options.offsets == "utf16"' located-u16.jsonl.manifest.json \
    >/dev/null || fail "spans --offsets utf16: options" \
    located-u16.jsonl.manifest.json
# Options that a format does not take are refused, not recorded.
expect_exit 64 hitl_as bob export --format sft --offsets utf16 -o x.jsonl
expect_err "sft writes no offsets: --offsets goes with spans"
[ ! -e x.jsonl ] || fail "a refused export left a file"
ex alice located-doccano.jsonl --format spans --style doccano -- \
    personal=true "has=$PERSON"
ex alice located-none.jsonl --format sft --redact none -- personal=true \
    'labels={"pii.leak": 1}' "has=$PHONE"
ex alice located-dnone.jsonl --format decisions --redact none -- \
    personal=true "has=$PHONE" "has=$PERSON"
# Pseudonymized data is still personal data (GDPR Recital 26).
ex bob located-hash.jsonl --format decisions --redact hash -- \
    personal=true pseudonymized=true "lacks=$PHONE" "lacks=$PERSON" \
    "has=<PERSON:"
ex bob located-khash.jsonl --format kto --redact hash -- personal=true \
    pseudonymized=true 'labels={"pii.leak": 2}' "lacks=$PHONE"

# --- unlocated: flagged without offsets -----------------------------------------

cat >unlocated.jsonl <<EOF
{"id": "un-pii-1", "kind": "model_output", "priority": 9, "prompt": "How do I reach Ann?", "response": "Write to $EMAIL.", "flags": [{"type": "pii.email", "score": 0.9, "detector": "pii-1"}]}
{"id": "un-pii-2", "kind": "model_output", "priority": 8, "prompt": "What is my number?", "response": "Your number is $PHONE2.", "flags": [{"type": "pii.phone", "score": 0.85, "detector": "pii-1"}]}
EOF
queue unlocated
decide un-pii-1 approve
decide un-pii-2 correct --payload '{"text": "I cannot share numbers here.",
    "labels": ["pii.leak"], "flags": [{"verdict": "confirmed"}]}'

step "unlocated: redaction cannot know what to remove"
ex bob unlocated-sft.jsonl --format sft -- personal=possible \
    'labels={"pii.leak": 1}' "has=$EMAIL"
ex bob unlocated-dpo.jsonl --format dpo -- personal=possible \
    'labels={"pii.leak": 1}' "has=$PHONE2"
ex bob unlocated-kto.jsonl --format kto -- personal=possible \
    'labels={"pii.leak": 2}' "has=$EMAIL" "has=$PHONE2"
ex bob unlocated-labels.jsonl --format labels -- personal=possible \
    "has=$EMAIL"
ex bob unlocated-decisions.jsonl --format decisions -- personal=possible \
    "has=$EMAIL"
ex bob unlocated-hash.jsonl --format decisions --redact hash -- \
    personal=possible "has=$EMAIL"
ex alice unlocated-none.jsonl --format sft --redact none -- \
    personal=possible 'labels={"pii.leak": 1}' "has=$EMAIL"
# No anonymization case: an empty spans file holds nothing.
ex alice unlocated-spans.jsonl --format spans -- personal=false

pass
