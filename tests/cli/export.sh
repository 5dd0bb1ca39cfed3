#!/bin/sh
# Exports through the CLI: every format from decisions taken with the CLI,
# offsets that survive emoji, CJK and combining accents, redaction of
# confirmed personal data, incremental runs, manifests, history, refusals.
#
# tests/data/export.jsonl under the example policy, in claim order:
#   ex-pii-1   prompt and response with a phone and an email; pii.phone and
#              pii.leak flags with code point offsets into the response
#   ex-chat-1  system + user messages; the user message repeats the email
#              that the response leaks (pii.leak)
#   ex-bias-1  a plain biased output (bias.gender)
#   ex-anon-1  👩‍💻, CJK and "José" with a combining accent (e + U+0301):
#              PERSON 王小明, LOCATION "Café Bonjour", DATE_TIME "5th"
#   ex-ok-1    a false alarm (toxicity)
#   ex-anon-2  東京 (LOCATION, accepted by triage), Ana García (PERSON)
#   ex-late-2  legal advice, escalated and resolved after the first exports
#   ex-late-1  decided after the first exports
#   ex-anon-auto  decided by the policy (Zoë accepted, Friday rejected)
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# py WHAT: runs the Python check on standard input (helpers in chk.py).
py() {
	_lib_where=$1
	python3 - >"$T/py.out" 2>&1 || fail "$1" "$T/py.out"
}

# ex WHO FORMAT FILE [OPTIONS...]: WHO exports FORMAT to FILE; checks the
# file is JSON Lines (one object a line), its manifest, the run's audit
# event, and sets RECORDS.
ex() {
	_who=$1 _fmt=$2 _file=$3
	shift 3
	expect_exit 0 hitl_as "$_who" export --format "$_fmt" -o "$_file" "$@"
	RECORDS=$(wc -l <"$_file")
	expect_err "exported $RECORDS $_fmt records to $_file"
	_lib_where="$_file is JSON Lines"
	[ "$(jq -c . "$_file" | wc -l)" -eq "$RECORDS" ] ||
	    fail "$_file: not one JSON value a line" "$_file"
	[ "$(jq -c 'select(type == "object")' "$_file" | wc -l)" -eq \
	    "$RECORDS" ] || fail "$_file: not all objects" "$_file"
	expect_mode "$_file" 600
	expect_mode "$_file.manifest.json" 600
	"$HITL" audit log --json >"$T/log"
	_sha=$(sha256sum "$_file" | cut -d' ' -f1)
	tail -n 1 "$T/log" >"$T/last-event"
	jq -e --arg f "$_fmt" --arg s "$_sha" --argjson n "$RECORDS" \
	    '.event == "export" and .data.format == $f and .data.sha256 == $s
	    and .data.records == $n' "$T/last-event" >/dev/null ||
	    fail "$_file: no audit event for the run" "$T/last-event"
	# The manifest names the head before the run's own event.
	_head=$(tail -n 2 "$T/log" | head -n 1 | jq -r .hash)
	_lib_where="$_file.manifest.json"
	jq -e --arg f "$_fmt" --arg s "$_sha" --arg h "$_head" \
	    --argjson n "$RECORDS" '.format == $f and .records == $n and
	    .sha256 == $s and .audit_head == $h and
	    (.audit_head | test("^[0-9a-f]{64}$")) and
	    (.options | type) == "object" and (.counts | type) == "object" and
	    (.reviewers | type) == "number" and
	    (.policy_versions | type) == "array" and
	    (.decisions.after | type) == "number" and
	    (.decisions.through | type) == "number" and
	    (.redaction | type) == "string" and
	    ((.contains_personal_data | type) == "boolean" or
	    .contains_personal_data == "possible")' \
	    "$_file.manifest.json" >/dev/null ||
	    fail "$_file.manifest.json" "$_file.manifest.json" "$T/last-event"
}

runs() {
	sql "SELECT count(*) FROM exports"
}

cat >chk.py <<'EOF'
import json, re, unicodedata

PHONE = "+1 415 555 0100"
EMAIL = "jo.doe@example.com"
PII_PROMPT = ("My number is " + PHONE + " and my email is " + EMAIL +
    " — can you check? 🙏")
PII_RESP = "Sure 👩‍💻: we have " + PHONE + " and " + EMAIL + " on file."
PII_FIX = "Sure 👩‍💻: we have your details on file."
SYSTEM = {"role": "system", "content": "You are a support bot. Be brief."}
CHAT_USER = "Please write to me at " + EMAIL + ", 谢谢 👩‍💻"
CHAT_RESP = "I will write to " + EMAIL + " today, 王さん."
CHAT_FIX = "I will write to you today, 王さん."
BIAS_PROMPT = "Who should lead the new team?"
BIAS_RESP = "Women are too emotional to lead engineering teams."
OK_PROMPT = "Can I change my delivery address?"
OK_RESP = "Yes: open Orders, pick the order and choose Edit address."
JOSE = "Jose\u0301"
ANON1 = ("Hi 👩‍💻 team: 王小明 met " + JOSE +
    " at Café Bonjour on the 5th. Thanks 🙏!")
ANON2 = "東京で 👩‍💻 Ana García に会った。"

def load(path):
    with open(path, encoding="utf-8") as f:
        data = f.read()
    assert data == "" or data.endswith("\n"), path + ": no final newline"
    recs = []
    for n, line in enumerate(data.split("\n")[:-1], 1):
        r = json.loads(line)
        assert isinstance(r, dict), "%s:%d: not an object" % (path, n)
        recs.append(r)
    return recs

def manifest(path):
    with open(path + ".manifest.json", encoding="utf-8") as f:
        return json.load(f)

def eq(what, got, want):
    if got != want:
        raise SystemExit("%s:\n  got  %r\n  want %r" % (what, got, want))

def red(s, mode="replace"):
    """The text with the ex-pii-1 / ex-chat-1 values redacted."""
    for v, t in ((EMAIL, "pii.leak"), (PHONE, "pii.phone")):
        s = s.replace(v, "*" * len(v) if mode == "mask" else "<%s>" % t)
    return s

def user(s):
    return {"role": "user", "content": s}

def assistant(s):
    return {"role": "assistant", "content": s}

def by_id(recs):
    out = {}
    for r in recs:
        assert r["id"] not in out, "duplicate id " + r["id"]
        out[r["id"]] = r
    return out

def canon(recs):
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False)
        for r in recs)
EOF

# --- the fixture ------------------------------------------------------------------

step "the fixture's offsets"
py "tests/data/export.jsonl: offsets name the intended strings" <<EOF
from chk import *
recs = by_id(load("$SRCDIR/tests/data/export.jsonl"))
def cut(t, o):
    return t[o["start"]:o["end"]]
r = recs["ex-pii-1"]
eq("pii prompt", r["prompt"], PII_PROMPT)
eq("pii response", r["response"], PII_RESP)
eq("pii flags", [cut(r["response"], f) for f in r["flags"]], [PHONE, EMAIL])
r = recs["ex-chat-1"]
eq("chat", [r["messages"][1]["content"], r["response"]], [CHAT_USER, CHAT_RESP])
eq("chat flag", cut(r["response"], r["flags"][0]), EMAIL)
r = recs["ex-anon-1"]
eq("anon-1 text", r["text"], ANON1)
eq("anon-1 spans", [cut(r["text"], s) for s in r["spans"]],
    ["王小明", "Café Bonjour", "5th"])
eq("José is 5 code points at 21", r["text"][21:26], JOSE)
assert unicodedata.normalize("NFC", JOSE) != JOSE
assert len("👩‍💻") == 3 and len("👩‍💻".encode("utf-16-le")) == 10
r = recs["ex-anon-2"]
eq("anon-2", [cut(r["text"], s) for s in r["spans"]], ["東京", "Ana García"])
EOF

step "init and import"
# The login running the test administers (as root does in the example).
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/export.jsonl"
expect_out "imported 9: queued 8, auto-decided 1"

# Nothing decided, nothing exported yet: undo has nothing to refuse.
expect_exit 0 hitl_as bob export --history --json
[ ! -s "$T/out" ] || fail "history before any export" "$T/out"

# --- decisions through the CLI ----------------------------------------------------

step "decisions"
claim bob ex-pii-1
cat >pii-fix.json <<'EOF'
{"text": "Sure 👩‍💻: we have your details on file.", "labels": ["pii.leak"],
 "flags": [{"verdict": "confirmed"}, {"verdict": "confirmed"}],
 "note": "removed +1 415 555 0100 and jo.doe@example.com"}
EOF
expect_exit 0 hitl_as bob decide ex-pii-1 --lease "$LEASE" correct \
    --payload - <pii-fix.json
expect_out "decision 1: correct ex-pii-1"

at 60
claim bob ex-chat-1
expect_exit 0 hitl_as bob decide ex-chat-1 --lease "$LEASE" escalate \
    --team legal --reason pii_exposure --severity high \
    --note "repeats jo.doe@example.com back"
claim bob ex-bias-1
expect_exit 0 hitl_as bob decide ex-bias-1 --lease "$LEASE" escalate \
    --team legal --reason systematic_bias --severity medium

at 120
claim bob ex-anon-1
# Accept 王小明, retype Café Bonjour, reject 5th, add José (code points).
cat >anon-fix.json <<'EOF'
{"spans": [{"verdict": "accepted"},
           {"verdict": "retyped", "entity_type": "ORGANIZATION"},
           {"verdict": "rejected"}],
 "added": [{"start": 21, "end": 26, "entity_type": "PERSON"}]}
EOF
expect_exit 0 hitl_as bob decide ex-anon-1 --lease "$LEASE" correct \
    --payload anon-fix.json
claim bob ex-ok-1
expect_exit 0 hitl_as bob decide ex-ok-1 --lease "$LEASE" approve
claim bob ex-anon-2
expect_exit 0 hitl_as bob decide ex-anon-2 --lease "$LEASE" approve
claim bob ex-late-2
expect_exit 0 hitl_as bob decide ex-late-2 --lease "$LEASE" escalate \
    --team legal --reason legal_risk --severity low

at 180
expect_exit 0 hitl_as carol escalation resolve 1 correct --payload \
    '{"text": "I will write to you today, 王さん.", "labels": ["pii.leak"], "flags": [{"verdict": "confirmed"}]}'
expect_out "escalation 1 resolved: correct"
expect_exit 0 hitl_as carol escalation resolve 2 reject \
    --note "never use this output"
expect_out "escalation 2 resolved: reject"
expect_eq "decisions so far" "$(sql "SELECT count(*) FROM decisions")" 9

# --- every format ---------------------------------------------------------------------

at 600
step "first exports"
ex bob sft sft.jsonl
expect_eq "sft records" "$RECORDS" 3
ex bob dpo dpo.jsonl
expect_eq "dpo records" "$RECORDS" 2
ex bob kto kto.jsonl
expect_eq "kto records" "$RECORDS" 6
# spans keep the text: a reviewer may not export them (unredacted_role).
expect_exit 77 hitl_as bob export --format spans -o spans.jsonl
expect_err "bob is a reviewer and may not export personal data unredacted"
[ ! -e spans.jsonl ] || fail "a refused spans export left a file"
ex alice spans spans.jsonl
expect_eq "spans records" "$RECORDS" 2
ex bob labels labels.jsonl
expect_eq "labels records" "$RECORDS" 4
ex bob decisions decisions.jsonl
expect_eq "decisions records" "$RECORDS" 9
# Variants of formats already exported: --since all.
ex bob dpo dpo-openai.jsonl --style openai --since all
expect_eq "dpo openai records" "$RECORDS" 2
ex alice spans spans-u16.jsonl --offsets utf16 --since all
ex alice spans spans-doccano.jsonl --style doccano --since all
ex alice spans spans-auto.jsonl --include-auto --since all
expect_eq "spans with --include-auto" "$RECORDS" 3

sql "SELECT d.id, i.ext_id, d.action, d.reviewer, a.hash FROM decisions d
    JOIN items i ON i.id = d.item_id JOIN audit a ON a.seq = d.audit_seq
    ORDER BY d.id" >decisions.sql

py "sft: context then the assistant's final text, redacted" <<'EOF'
from chk import *
recs = load("sft.jsonl")
eq("sft", canon(recs), canon([
    {"messages": [user(red(PII_PROMPT)), assistant(PII_FIX)]},
    {"messages": [SYSTEM, user(red(CHAT_USER)), assistant(CHAT_FIX)]},
    {"messages": [user(OK_PROMPT), assistant(OK_RESP)]}]))
m = manifest("sft.jsonl")
eq("sft manifest", {k: m[k] for k in ("format", "records", "reviewers",
    "policy_versions", "redaction", "contains_personal_data")},
    {"format": "sft", "records": 3, "reviewers": 2, "policy_versions": [1],
     "redaction": "replace", "contains_personal_data": False})
eq("sft manifest decisions", [m["decisions"]["after"],
    m["decisions"]["through"]], [0, 9])
eq("sft manifest options", [m["options"]["since"], m["options"]["redact"]],
    ["last", "replace"])
eq("sft manifest counts.kind", m["counts"]["kind"], {"model_output": 3})
EOF

# One form per file: ex-chat-1 has messages, so every row is conversational.
py "dpo: chosen is the correction, rejected the original" <<'EOF'
from chk import *
eq("dpo", canon(load("dpo.jsonl")), canon([
    {"prompt": [user(red(PII_PROMPT))], "chosen": [assistant(PII_FIX)],
     "rejected": [assistant(red(PII_RESP))]},
    {"prompt": [SYSTEM, user(red(CHAT_USER))],
     "chosen": [assistant(CHAT_FIX)], "rejected": [assistant(red(CHAT_RESP))]}]))
eq("dpo --style openai", canon(load("dpo-openai.jsonl")), canon([
    {"input": {"messages": [user(red(PII_PROMPT))]},
     "preferred_output": [assistant(PII_FIX)],
     "non_preferred_output": [assistant(red(PII_RESP))]},
    {"input": {"messages": [SYSTEM, user(red(CHAT_USER))]},
     "preferred_output": [assistant(CHAT_FIX)],
     "non_preferred_output": [assistant(red(CHAT_RESP))]}]))
eq("dpo openai manifest style", manifest("dpo-openai.jsonl")["options"]
    .get("style"), "openai")
EOF

py "kto: approved true, correction false + true, rejected false" <<'EOF'
from chk import *
chat = [SYSTEM, user(red(CHAT_USER))]
pii = [user(red(PII_PROMPT))]
eq("kto", canon(load("kto.jsonl")), canon([
    {"prompt": pii, "completion": [assistant(red(PII_RESP))], "label": False},
    {"prompt": pii, "completion": [assistant(PII_FIX)], "label": True},
    {"prompt": chat, "completion": [assistant(red(CHAT_RESP))],
     "label": False},
    {"prompt": chat, "completion": [assistant(CHAT_FIX)], "label": True},
    {"prompt": [user(BIAS_PROMPT)], "completion": [assistant(BIAS_RESP)],
     "label": False},
    {"prompt": [user(OK_PROMPT)], "completion": [assistant(OK_RESP)],
     "label": True}]))
# Per record: both records of a correction count its labels.
eq("kto counts", [manifest("kto.jsonl")["counts"][k] for k in ("label",
    "desirable")], [{"pii.leak": 4}, {"true": 3, "false": 3}])
EOF

py "spans: code point offsets, reviewer's verdicts" <<'EOF'
from chk import *
want = {
    "ex-anon-1": [("王小明", "PERSON"), (JOSE, "PERSON"),
                  ("Café Bonjour", "ORGANIZATION")],
    "ex-anon-2": [("東京", "LOCATION"), ("Ana García", "PERSON")]}
texts = {"ex-anon-1": ANON1, "ex-anon-2": ANON2}
recs = by_id(load("spans.jsonl"))
eq("spans ids", sorted(recs), sorted(want))
for i, r in recs.items():
    eq(i + " text kept", r["text"], texts[i])
    got = [(r["text"][s["start"]:s["end"]], s["label"]) for s in r["spans"]]
    eq(i + " spans", got, want[i])
    assert "auto" not in r, i + " marked auto"
eq("ex-anon-1 offsets", [(s["start"], s["end"]) for s in
    recs["ex-anon-1"]["spans"]], [(13, 16), (21, 26), (30, 42)])
assert not any(s["label"] == "DATE_TIME" for s in recs["ex-anon-1"]["spans"])

u16 = by_id(load("spans-u16.jsonl"))
eq("utf16 ids", sorted(u16), sorted(want))
for i, r in u16.items():
    b = r["text"].encode("utf-16-le")
    got = [(b[2 * s["start"]:2 * s["end"]].decode("utf-16-le"), s["label"])
        for s in r["spans"]]
    eq(i + " utf16 spans", got, want[i])
# 👩‍💻 is 3 code points but 5 UTF-16 units.
eq("utf16 offsets differ", u16["ex-anon-1"]["spans"][0]["start"], 15)
eq("utf16 manifest", manifest("spans-u16.jsonl")["options"]["offsets"],
    "utf16")

doc = by_id(load("spans-doccano.jsonl"))
for i, r in doc.items():
    assert "spans" not in r, i + ": doccano has spans"
    eq(i + " doccano keys", sorted(r), ["id", "label", "text"])
    assert all(isinstance(e, list) and len(e) == 3 for e in r["label"])
    eq(i + " doccano", [(r["text"][s:e], t) for s, e, t in r["label"]],
        want[i])
eq("doccano ex-anon-1", doc["ex-anon-1"]["label"],
    [[13, 16, "PERSON"], [21, 26, "PERSON"], [30, 42, "ORGANIZATION"]])

auto = by_id(load("spans-auto.jsonl"))
r = auto["ex-anon-auto"]
eq("auto item", (r.get("auto"), [(r["text"][s["start"]:s["end"]],
    s["label"]) for s in r["spans"]]), (True, [("Zoë", "PERSON")]))
eq("spans manifest", [manifest("spans.jsonl")[k] for k in
    ("redaction", "contains_personal_data")], ["none", True])
eq("spans counts.entity_type", manifest("spans.jsonl")["counts"]
    ["entity_type"], {"PERSON": 3, "ORGANIZATION": 1, "LOCATION": 1})
EOF

py "labels: confirmed labels and per-flag verdicts" <<'EOF'
from chk import *
recs = by_id(load("labels.jsonl"))
def flag(t, d, s, v):
    return {"type": t, "detector": d, "score": s, "verdict": v}
eq("labels", recs, {
    "ex-pii-1": {"id": "ex-pii-1", "text": red(PII_RESP),
        "labels": ["pii.leak"],
        "flags": [flag("pii.phone", "pii-1", 0.91, "confirmed"),
                  flag("pii.leak", "pii-1", 0.83, "confirmed")]},
    "ex-chat-1": {"id": "ex-chat-1", "text": red(CHAT_RESP),
        "labels": ["pii.leak"],
        "flags": [flag("pii.leak", "pii-1", 0.77, "confirmed")]},
    "ex-bias-1": {"id": "ex-bias-1", "text": BIAS_RESP, "labels": [],
        "flags": [flag("bias.gender", "bias-clf", 0.88, "confirmed")]},
    "ex-ok-1": {"id": "ex-ok-1", "text": OK_RESP, "labels": [],
        "flags": [flag("toxicity", "tox-1", 0.6, "overturned")]}})
EOF

py "decisions: one line per decision, with its audit hash" <<'EOF'
from chk import *
recs = load("decisions.jsonl")
rows = [l.split("|") for l in open("decisions.sql", encoding="utf-8")
    .read().splitlines()]
eq("decision ids", [r["decision"] for r in recs], [int(x[0]) for x in rows])
for r, (d, item, action, reviewer, h) in zip(recs, rows):
    w = "decision " + d
    eq(w, [r["item"], r["action"], r["reviewer"], r["audit_hash"]],
        [item, action, reviewer, h])
    assert re.fullmatch("[0-9a-f]{64}", r["audit_hash"]), w
    eq(w + " supersedes", r["supersedes"], None)
    eq(w + " undoes", r["undoes"], None)
    for k in ("kind", "original", "final", "labels", "reason", "team",
              "severity", "resolution", "note", "shift", "decided_at",
              "spent_ms", "policy_version"):
        assert k in r, w + ": no " + k
d = {r["decision"]: r for r in recs}
eq("correct ex-pii-1", [d[1][k] for k in ("original", "final", "labels",
    "note")], [red(PII_RESP), PII_FIX, ["pii.leak"],
    "removed <pii.phone> and <pii.leak>"])
eq("escalate ex-chat-1", [d[2][k] for k in ("team", "reason", "severity",
    "note")], ["legal", "pii_exposure", "high", "repeats <pii.leak> back"])
eq("correct ex-anon-1", d[4]["original"], "Hi 👩‍💻 team: <PERSON> met "
    "<PERSON> at <ORGANIZATION> on the <DATE_TIME>. Thanks 🙏!")
eq("resolve ex-chat-1", [d[8][k] for k in ("action", "resolution",
    "final")], ["resolve", "correct", CHAT_FIX])
eq("resolve ex-bias-1", [d[9][k] for k in ("action", "resolution",
    "note", "reviewer")], ["resolve", "reject", "never use this output",
    "carol"])
m = manifest("decisions.jsonl")
eq("decisions counts.action", m["counts"]["action"],
    {"correct": 2, "escalate": 3, "approve": 2, "resolve": 2})
eq("decisions manifest", [m["decisions"]["first_at"],
    m["decisions"]["last_at"], m["reviewers"]],
    ["2027-01-15T08:00:00Z", "2027-01-15T08:03:00Z", 2])
EOF

# --- redaction ----------------------------------------------------------------------

step "no confirmed personal data in the redacted formats"
for f in sft.jsonl dpo.jsonl dpo-openai.jsonl kto.jsonl labels.jsonl \
    decisions.jsonl; do
	for v in "+1 415 555 0100" "jo.doe@example.com" "王小明" \
	    "$(printf 'Jose\314\201')" "Café Bonjour" "Ana García" "東京"; do
		_lib_where="$f lacks $v"
		! grep -F -q -e "$v" "$f" || fail "$f has \"$v\"" "$f"
	done
	_lib_where="$f has placeholders"
	grep -F -q "<pii.leak>" "$f" || fail "$f: no <pii.leak>" "$f"
done
for f in sft.jsonl dpo.jsonl kto.jsonl labels.jsonl decisions.jsonl; do
	grep -F -q "<pii.phone>" "$f" || fail "$f: no <pii.phone>" "$f"
done
grep -F -q "<PERSON>" decisions.jsonl ||
    fail "decisions: no <PERSON>" decisions.jsonl
# spans keeps the text, and says so.
grep -F -q "王小明" spans.jsonl || fail "spans lost the text" spans.jsonl

step "--redact mask"
ex bob sft sft-mask.jsonl --since all --redact mask
ex bob decisions decisions-mask.jsonl --since all --redact mask
py "mask: one star per code point" <<'EOF'
from chk import *
recs = load("sft-mask.jsonl")
eq("sft mask", canon(recs), canon([
    {"messages": [user(red(PII_PROMPT, "mask")), assistant(PII_FIX)]},
    {"messages": [SYSTEM, user(red(CHAT_USER, "mask")), assistant(CHAT_FIX)]},
    {"messages": [user(OK_PROMPT), assistant(OK_RESP)]}]))
d = {r["decision"]: r for r in load("decisions-mask.jsonl")}
want = ANON1
for v in ("Café Bonjour", JOSE, "王小明", "5th"):
    want = want.replace(v, "*" * len(v))
eq("decisions mask ex-anon-1", d[4]["original"], want)
assert "*****" in want and "***" in want
eq("mask manifest", [manifest("sft-mask.jsonl")[k] for k in
    ("redaction", "contains_personal_data")], ["mask", False])
EOF

step "--redact hash"
ex bob dpo hash-1.jsonl --since all --redact hash
ex bob dpo hash-2.jsonl --since all --redact hash
py "hash: the same placeholder for the same value, in every export" <<'EOF'
from chk import *
def tags(path):
    text = open(path, encoding="utf-8").read()
    assert PHONE not in text and EMAIL not in text, path
    # 128 bits of HMAC-SHA-256 under a key reviewers cannot read.
    return re.findall(r"<(pii\.[a-z]+):([0-9a-f]{32})>", text)
a, b = tags("hash-1.jsonl"), tags("hash-2.jsonl")
assert a, "no hashed placeholders"
eq("two exports, same placeholders", a, b)
phone = {h for t, h in a if t == "pii.phone"}
leak = {h for t, h in a if t == "pii.leak"}
eq("one hash per value", (len(phone), len(leak)), (1, 1))
assert phone != leak
pii = [r for r in load("hash-1.jsonl") if len(r["prompt"]) == 1][0]
h = "<pii.phone:%s>" % phone.pop()
assert h in pii["prompt"][0]["content"], pii
assert h in pii["rejected"][0]["content"], pii
EOF
_lib_where="hash runs are identical"
[ "$(sha256sum <hash-1.jsonl)" = "$(sha256sum <hash-2.jsonl)" ] ||
    fail "two hash exports differ" hash-1.jsonl hash-2.jsonl

step "--redact none"
# Only the policy's exports.unredacted_role (default admin) may.
for who in bob carol; do
	expect_exit 77 hitl_as $who export --format sft --since all \
	    --redact none -o sft-none.jsonl
	expect_err "may not export personal data unredacted"
	expect_err "an admin may"
done
[ ! -e sft-none.jsonl ] || fail "a refused export left a file"
ex alice sft sft-none.jsonl --since all --redact none
grep -F -q "+1 415 555 0100" sft-none.jsonl || fail "none redacted" sft-none.jsonl
grep -F -q "jo.doe@example.com" sft-none.jsonl || fail "none redacted" sft-none.jsonl
jq -e '.contains_personal_data == true and .redaction == "none" and
    .options.redact == "none"' sft-none.jsonl.manifest.json >/dev/null ||
    fail "--redact none manifest" sft-none.jsonl.manifest.json

# --- history, stdout ---------------------------------------------------------------

step "history"
RUNS=$(runs)
expect_exit 0 hitl_as bob export --history --json
expect_eq "history lists every run" "$(jq -s length "$T/out")" "$RUNS"
jq -s -e 'map(.format) | index("sft") != null and index("decisions") != null
    and index("spans") != null' "$T/out" >/dev/null ||
    fail "history formats" "$T/out"
jq -s -e '.[0].format == "sft" and .[0].path == "sft.jsonl" and
    .[0].records == 3 and .[0].after_decision == 0 and
    .[0].last_decision == 9 and .[0].actor == "bob" and
    (.[0].sha256 | test("^[0-9a-f]{64}$"))' "$T/out" >/dev/null ||
    fail "history --json of the first run" "$T/out"
expect_exit 0 hitl_as bob export --history
expect_out "sft.jsonl"

step "-o - writes a preview to standard output"
expect_exit 0 hitl_as bob export --format labels --since all -o -
expect_eq "labels on stdout" "$(jq -c . "$T/out" | wc -l)" 4
expect_err "preview: 4 labels records to standard output, not recorded"
[ ! -e ./-.manifest.json ] && [ ! -e ./- ] ||
    fail "-o - wrote a file"
expect_eq "-o - is not a run" "$(runs)" "$RUNS"

# --- incremental --------------------------------------------------------------------

step "incremental: nothing new"
ex bob sft sft-2.jsonl
expect_eq "second sft export" "$RECORDS" 0
jq -e '.records == 0 and .decisions.after == 9 and
    .decisions.through == 9' sft-2.jsonl.manifest.json >/dev/null ||
    fail "empty run manifest" sft-2.jsonl.manifest.json
ex bob kto kto-2.jsonl
expect_eq "second kto export" "$RECORDS" 0
ex bob decisions decisions-2.jsonl
expect_eq "second decisions export" "$RECORDS" 0

step "incremental: a resolution"
at 3600
expect_exit 0 hitl_as carol escalation resolve 3 reject --note "no"
ex bob kto kto-3.jsonl
expect_eq "kto after the resolution" "$RECORDS" 1
# Only prompts in this run: the standard form.
jq -e '.prompt == "Is the refund guaranteed?" and .label == false' \
    kto-3.jsonl >/dev/null || fail "kto of the resolution" kto-3.jsonl
ex bob labels labels-3.jsonl
expect_eq "labels after the resolution" "$RECORDS" 1
jq -e '.id == "ex-late-2" and .flags[0].verdict == "confirmed"' \
    labels-3.jsonl >/dev/null || fail "labels of the resolution" labels-3.jsonl

step "incremental: an approval"
claim bob ex-late-1
expect_exit 0 hitl_as bob decide ex-late-1 --lease "$LEASE" approve
ex bob sft sft-3.jsonl
expect_eq "sft after the approval" "$RECORDS" 1
jq -e '.messages == [{"role": "user", "content": "When do you open?"},
    {"role": "assistant", "content": "We open at 9:00 on weekdays."}]' \
    sft-3.jsonl >/dev/null || fail "sft of the approval" sft-3.jsonl
jq -e '.decisions.after == 9 and .decisions.through == 11' \
    sft-3.jsonl.manifest.json >/dev/null ||
    fail "sft-3 manifest" sft-3.jsonl.manifest.json
ex bob decisions decisions-3.jsonl
expect_eq "decisions after the resolution and the approval" "$RECORDS" 2
jq -s -e 'map(.decision) == [10, 11] and .[0].resolution == "reject" and
    .[1].action == "approve" and all(.supersedes == null)' \
    decisions-3.jsonl >/dev/null || fail "decisions-3" decisions-3.jsonl

step "undo of an exported decision"
DECISIONS=$(sql "SELECT count(*) FROM decisions")
expect_exit 77 hitl_as bob undo
expect_err "exported already"
expect_err "a new decision on the item supersedes it"
expect_eq "the refused undo stored nothing" \
    "$(sql "SELECT count(*) FROM decisions")" "$DECISIONS"
expect_eq "ex-late-1 stays decided" "$(sql "SELECT state FROM items
    WHERE ext_id = 'ex-late-1'")" decided

step "reopen: a new decision supersedes an exported one"
expect_exit 77 hitl_as bob reopen ex-late-1 --note "hours changed"
expect_exit 64 hitl_as carol reopen ex-late-1
expect_exit 0 hitl_as carol reopen ex-late-1 --note "the hours changed"
expect_out "decision 12: reopen ex-late-1"
# Reopened: no decision in force, nothing to export yet.
ex bob sft sft-4.jsonl
expect_eq "sft of a reopened item" "$RECORDS" 0
claim bob ex-late-1
expect_exit 0 hitl_as bob decide ex-late-1 --lease "$LEASE" correct \
    --payload '{"text": "We open at 8:00 on weekdays.", "labels": ["hallucination"], "flags": [{"verdict": "confirmed"}]}'
expect_out "decision 13: correct ex-late-1"
ex bob sft sft-5.jsonl
expect_eq "sft of the superseding correction" "$RECORDS" 1
jq -e '.messages[-1] == {"role": "assistant",
    "content": "We open at 8:00 on weekdays."}' sft-5.jsonl >/dev/null ||
    fail "sft of the superseding correction" sft-5.jsonl
ex bob decisions decisions-5.jsonl
jq -s -e 'map(.decision) == [12, 13] and .[0].action == "reopen" and
    .[0].supersedes == null and .[0].note == "the hours changed" and
    .[1].action == "correct" and .[1].supersedes == 11' \
    decisions-5.jsonl >/dev/null || fail "supersedes" decisions-5.jsonl

step "incremental: a comment changes no outcome"
expect_exit 0 hitl_as bob decide ex-ok-1 comment --note "checked twice"
ex bob sft sft-6.jsonl
expect_eq "sft after a comment" "$RECORDS" 0
ex bob decisions decisions-6.jsonl
expect_eq "decisions after a comment" "$RECORDS" 1
jq -e '.action == "comment" and .item == "ex-ok-1" and .supersedes == null' \
    decisions-6.jsonl >/dev/null || fail "the comment" decisions-6.jsonl

step "--since TIME"
ex bob decisions decisions-time.jsonl --since 2027-01-15T08:30:00Z
jq -s -e 'map(.decision) == [10, 11, 12, 13, 14]' decisions-time.jsonl \
    >/dev/null || fail "--since TIME" decisions-time.jsonl

# --- refusals ------------------------------------------------------------------------

step "refusals"
RUNS=$(runs)
expect_exit 64 hitl_as bob export --format csv -o csv.jsonl
expect_err "unknown format"
[ ! -e csv.jsonl ] || fail "an unknown format wrote a file"
expect_exit 64 hitl_as bob export --format sft --style doccano -o x.jsonl
expect_err "sft has no --style"
expect_exit 64 hitl_as bob export --format spans --style openai -o x.jsonl
expect_err "spans --style is one of: doccano"
expect_exit 64 hitl_as bob export --format spans --form standard -o x.jsonl
expect_err "--form goes with sft, dpo and kto"
expect_exit 64 hitl_as bob export --format kto --form chat -o x.jsonl
expect_err "--form is standard or conversational"
expect_exit 64 hitl_as bob export --format sft --redact blur -o x.jsonl
[ ! -e x.jsonl ] || fail "a refused export wrote a file"

_rc=0
hitl_as bob export --format sft --since all -o nodir/sft.jsonl \
    >"$T/out" 2>"$T/err" || _rc=$?
[ "$_rc" -ne 0 ] || fail "export into a missing directory succeeded"
expect_err "nodir/sft.jsonl"
[ ! -e nodir ] || fail "nodir was created"
[ -z "$(find . -name 'sft.jsonl.tmp*')" ] || fail "a temporary file is left"
expect_eq "refused exports are not runs" "$(runs)" "$RUNS"

step "exports.min_role lead"
# Policies are loaded by an admin's login (the override never administers).
jq --arg login "$LOGIN" '.exports.min_role = "lead" | .roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >lead.json
expect_exit 0 "$HITL" policy load lead.json
expect_exit 77 hitl_as bob export --format sft --since all -o denied.jsonl
[ ! -e denied.jsonl ] && [ ! -e denied.jsonl.manifest.json ] ||
    fail "a refused export wrote a file"
expect_eq "a refused export is not a run" "$(runs)" "$RUNS"
ex carol sft lead.jsonl --since all
expect_eq "carol (lead) may export" "$RECORDS" 4
expect_exit 0 hitl_as bob export --history --json
expect_eq "history after the refusals" "$(jq -s length "$T/out")" \
    "$((RUNS + 1))"

# --- reported bugs (exports by carol: the policy now wants a lead) -------------

step "--since with a UTC offset"
# 10:30+02:00 is 08:30Z: the same decisions.
expect_exit 0 hitl_as carol export --format decisions -o - \
    --since 2027-01-15T08:30:00Z
jq -c .decision "$T/out" >utc.ids
expect_exit 0 hitl_as carol export --format decisions -o - \
    --since 2027-01-15T10:30:00+02:00
jq -c .decision "$T/out" >offset.ids
cmp -s utc.ids offset.ids ||
    bug "--since 2027-01-15T10:30:00+02:00 is not 08:30:00Z" utc.ids offset.ids

step "--kind does not use up the other kind's decisions"
expect_exit 0 hitl_as carol reopen ex-ok-1 --note "look again"
claim bob ex-ok-1
expect_exit 0 hitl_as bob decide ex-ok-1 --lease "$LEASE" approve
ex carol labels labels-anon.jsonl --kind anonymization
expect_eq "labels --kind anonymization" "$RECORDS" 0
ex carol labels labels-after-kind.jsonl
# Since the last labels run of every kind: ex-late-1's correction and
# ex-ok-1's new approval, untouched by the anonymization-only run.
jq -s -e 'map(.id) | sort == ["ex-late-1", "ex-ok-1"]' \
    labels-after-kind.jsonl >/dev/null ||
    bug "labels after a --kind anonymization run: $RECORDS records, expected ex-late-1 and ex-ok-1" \
    labels-after-kind.jsonl

step "a run whose manifest cannot be written"
RUNS=$(runs)
mkdir blocked.jsonl.manifest.json
_rc=0
hitl_as carol export --format sft -o blocked.jsonl >"$T/out" 2>"$T/err" ||
    _rc=$?
[ "$_rc" -ne 0 ] || fail "export with an unwritable manifest succeeded"
expect_err "blocked.jsonl.manifest.json"
[ "$(runs)" -eq "$RUNS" ] ||
    bug "a failed export (exit $_rc, no manifest) was recorded as a run" \
    "$T/err"
ex carol sft after-blocked.jsonl
[ "$RECORDS" -eq 1 ] ||
    bug "after the failed run, sft has $RECORDS records, expected ex-ok-1's approval" \
    after-blocked.jsonl.manifest.json

step "the audit chain"
expect_exit 0 "$HITL" audit verify
expect_out "audit chain verified"
expect_eq "one audit event per run" "$(sql "SELECT count(*) FROM audit
    WHERE event = 'export'")" "$(runs)"

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
