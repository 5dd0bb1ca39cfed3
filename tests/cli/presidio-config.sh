#!/bin/sh
# hitl detectors --presidio-config: a scripted set of span decisions
# (Jordan rejected as a PERSON three times, Sydney once; an account number
# added twice, another once; Ana Lopez accepted after "met with") gives
# an allow_list, a deny_list recognizer and context words that a checker
# of Presidio's parameters accepts, with their counts; an erased case does
# not count; a lead without the unredacted role gets hashes, and none of
# the values in clear.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# Offsets are code points: p-2's "é" puts its Jordan one byte further on.
cat >in.jsonl <<'EOT'
{"id":"p-1","kind":"anonymization","text":"We flew to Jordan last May. Account ACME-4471 is closed.","spans":[{"entity_type":"PERSON","start":11,"end":17,"score":0.6,"recognizer":"SpacyRecognizer"}]}
{"id":"p-2","kind":"anonymization","text":"Thé group flew to Jordan and met with Ana Lopez.","spans":[{"entity_type":"PERSON","start":18,"end":24,"score":0.6,"recognizer":"SpacyRecognizer"},{"entity_type":"PERSON","start":38,"end":47,"score":0.6,"recognizer":"SpacyRecognizer"}]}
{"id":"p-3","kind":"anonymization","text":"Flights to Jordan: met with Ana Lopez, account ACME-4471.","spans":[{"entity_type":"PERSON","start":11,"end":17,"score":0.6,"recognizer":"SpacyRecognizer"},{"entity_type":"PERSON","start":28,"end":37,"score":0.6,"analysis_explanation":{"recognizer":"SpacyRecognizer"}}]}
{"id":"p-4","kind":"anonymization","text":"Sydney is sunny, said Bén Ode, ref ZQ-9.","spans":[{"entity_type":"PERSON","start":0,"end":6,"score":0.6,"analysis_explanation":{"recognizer":"SpacyRecognizer"}},{"entity_type":"PERSON","start":22,"end":29,"score":0.6,"recognizer":"SpacyRecognizer"}],"subjects":["customer:4"]}
{"id":"p-5","kind":"anonymization","text":"Jordan again, wrote Quokka Zebedee.","spans":[{"entity_type":"PERSON","start":0,"end":6,"score":0.6,"recognizer":"SpacyRecognizer"},{"entity_type":"PERSON","start":20,"end":34,"score":0.6,"recognizer":"SpacyRecognizer"}],"subjects":["customer:9"]}
EOT
jq '.anonymization.entity_types += ["ACCOUNT_ID"]' \
    "$SRCDIR/examples/policy.json" >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 0 "$HITL" import in.jsonl

step "the decisions"
at 60
n=0
while [ $n -lt 5 ]; do
	expect_exit 0 hitl_as bob next --json
	id=$(jq -r .item.id "$T/out")
	lease=$(jq -r .lease.id "$T/out")
	case $id in
	p-1)	pay='{"spans":[{"verdict":"rejected"}],"added":[{"start":36,"end":45,"entity_type":"ACCOUNT_ID"}]}' ;;
	p-2)	pay='{"spans":[{"verdict":"rejected"},{"verdict":"accepted"}]}' ;;
	p-3)	pay='{"spans":[{"verdict":"rejected"},{"verdict":"accepted"}],"added":[{"start":47,"end":56,"entity_type":"ACCOUNT_ID"}]}' ;;
	p-4)	pay='{"spans":[{"verdict":"rejected"},{"verdict":"accepted"}],"added":[{"start":35,"end":39,"entity_type":"ACCOUNT_ID"}]}' ;;
	p-5)	pay='{"spans":[{"verdict":"rejected"},{"verdict":"accepted"}]}' ;;
	*)	fail "unexpected item $id" ;;
	esac
	expect_exit 0 hitl_as bob decide "$id" --lease "$lease" correct \
	    --payload "$pay"
	n=$((n + 1))
done
# p-5's content goes: a fourth rejection of Jordan that no longer counts.
at 120
expect_exit 0 hitl_as alice erase --subject customer:9 --reason "request 9"

# check.py FILE clear|sha256: what Presidio's documented parameters take
# (AnalyzerEngine.analyze's allow_list: a list of str; PatternRecognizer's
# supported_entity: str, deny_list: a non-empty list of str, context: a
# list of str, name and supported_language: str), and the evidence beside.
cat >check.py <<'EOT'
import hashlib, json, re, sys

path, mode = sys.argv[1], sys.argv[2]
doc = json.load(open(path, encoding="utf-8"))
problems = []

def need(cond, what):
    if not cond:
        problems.append(what)

def strs(v):
    return isinstance(v, list) and all(isinstance(x, str) for x in v)

def shown(value):
    if mode == "clear":
        return value
    return hashlib.sha256(value.encode("utf-8")).hexdigest()

need(isinstance(doc.get("note"), str) and "review" in doc["note"] and
     "hitl" in doc["note"] and "policy version" in doc["note"], "note")
need(isinstance(doc.get("policy_version"), int), "policy_version")
need(doc.get("values") == mode, "values is " + mode)
if mode == "sha256":
    need("cannot be given to Presidio" in doc.get("values_note", ""),
         "the note says hashes are not usable")
need(strs(doc.get("allow_list")), "allow_list: a list of str")
for r in doc.get("recognizers", []):
    need(isinstance(r.get("supported_entity"), str), "supported_entity")
    need(strs(r.get("deny_list")) and len(r["deny_list"]) > 0, "deny_list")
    need("context" not in r or strs(r["context"]), "context")
    for k in ("name", "supported_language"):
        need(k not in r or isinstance(r[k], str), k)
vals = doc["allow_list"] + [v for r in doc["recognizers"]
                            for v in r["deny_list"]]
if mode == "sha256":
    need(all(re.fullmatch("[0-9a-f]{64}", v) for v in vals),
         "values are 64-hex hashes")

ev = doc["evidence"]
need(doc["allow_list"] == [shown("Jordan")], "allow_list: Jordan alone")
need(ev["allow_list"] == [{"value": shown("Jordan"), "rejected": 3,
     "accepted": 0, "retyped": 0, "added": 0}], "Jordan: rejected 3 times")
need(doc["items"] == {"counted": 4, "skipped_no_content": 1,
     "skipped_suspended": 0}, "items counted and skipped")
recs = {r["supported_entity"]: r for r in doc["recognizers"]}
need(list(recs) == ["ACCOUNT_ID"], "one deny_list recognizer")
need(recs["ACCOUNT_ID"]["deny_list"] == [shown("ACME-4471")],
     "ACME-4471 added twice, ZQ-9 once")
need(recs["ACCOUNT_ID"]["context"] == ["account"], "the deny_list's context")
erecs = {r["supported_entity"]: r for r in ev["recognizers"]}
need(erecs["ACCOUNT_ID"]["deny_list"] == [{"value": shown("ACME-4471"),
     "rejected": 0, "accepted": 0, "retyped": 0, "added": 2}],
     "ACME-4471's counts")
ctx = {c["recognizer"]: c for c in doc["context"]}
need(sorted(ctx["SpacyRecognizer"]["accepted"]) == ["met", "to", "with"],
     "words before accepted spans")
need(ctx["SpacyRecognizer"]["rejected"] == ["to", "flew"],
     "words before rejected spans")
ectx = {c["recognizer"]: c for c in ev["context"]}
need(ectx["SpacyRecognizer"]["rejected"] == [{"word": "to", "count": 3},
     {"word": "flew", "count": 2}], "their counts")
words = [w for c in doc["context"] for w in c["accepted"] + c["rejected"]]
need("jordan" not in words and "lopez" not in words,
     "no word of a span among the context words")
if problems:
    print("\n".join(problems))
    sys.exit(1)
EOT

step "who may, and how it is asked"
expect_exit 77 hitl_as bob detectors --presidio-config -o bob.json
[ ! -e bob.json ] || fail "a refused run wrote its file"
expect_exit 64 hitl_as carol detectors --presidio-config
expect_err "--presidio-config needs -o FILE"
expect_exit 64 hitl_as carol detectors --presidio-config -o x.json \
    --min-count 0
expect_err "--min-count: expected a number"
expect_exit 64 hitl_as carol detectors -o x.json
expect_err "-o goes with --presidio-config"

expect_exit 64 hitl_as carol detectors --presidio-config -o x.json --by type
expect_err "--by does not go with --presidio-config"

step "where the file may go"
mkdir adir
expect_exit 73 hitl_as alice detectors --presidio-config -o adir
expect_exit 73 hitl_as alice detectors --presidio-config -o nodir/x.json
[ ! -e nodir ] || fail "a directory was made"
if only_sqlite "not over the database" "a server's database is no file"; then
	expect_exit 73 hitl_as alice detectors --presidio-config -o "$HITL_DB"
	expect_err "is a database"
fi
echo old >clear.json
chmod 644 clear.json

step "in clear, for the unredacted role"
expect_exit 0 hitl_as alice detectors --presidio-config -o clear.json --json
jq_ok "the summary" '.path == "clear.json" and .values == "clear" and
    .allow_list == 1 and .deny_list_recognizers == 1 and
    .deny_list_values == 1 and .context_recognizers == 1 and .items == 4 and
    .skipped_no_content == 1 and .min_count == 2'
expect_mode clear.json 600
python3 check.py clear.json clear || fail "the clear file" clear.json
grep -q '"Jordan"' clear.json || fail "no value in clear" clear.json

step "hashed for a lead"
expect_exit 0 hitl_as carol detectors --presidio-config -o hashed.json
expect_out "wrote 1 allow_list values, 1 deny_list values of 1 entity types"
expect_out "values as SHA-256"
python3 check.py hashed.json sha256 || fail "the hashed file" hashed.json
for v in Jordan ACME-4471 "Ana Lopez" Sydney "Bén Ode" ZQ-9 Quokka Zebedee \
    4471; do
	! grep -qiF -e "$v" hashed.json || fail "$v in the hashed file" \
	    hashed.json
done

ls -a | grep -F '.tmp.' && fail "a temporary was left"

step "min-count and since"
expect_exit 0 hitl_as alice detectors --presidio-config -o one.json \
    --min-count 1
jq -e '(.allow_list | sort) == ["Jordan", "Sydney"] and
    (.recognizers[0].deny_list | sort) == ["ACME-4471", "ZQ-9"] and
    .min_count == 1' one.json >/dev/null || fail "min-count 1" one.json
expect_exit 0 hitl_as carol detectors --presidio-config -o later.json \
    --since 2030-01-01T00:00:00Z --json
jq_ok "nothing since" '.allow_list == 0 and .items == 0'
jq -e '.allow_list == [] and .recognizers == [] and .context == [] and
    .since == "2030-01-01T00:00:00Z"' later.json >/dev/null ||
    fail "an empty file" later.json

step "on the record, as an export run"
# Each file is a recipient of the cases' values: the record of processing
# lists both (in clear and hashed), and erasing a subject whose case went
# into one names it on the receipt.
expect_exit 0 hitl_as carol export --history --json
jq_ok "the runs" -s '[.[] | select(.format == "presidio-config") |
    .options.redact][:2] == ["none", "sha256"] and
    all(.[] | select(.format == "presidio-config");
    (.sha256 | test("^[0-9a-f]{64}$")))'
expect_eq "the file's hash is the run's" "$(jq -r -s '[.[] |
    select(.format == "presidio-config")][0].sha256' "$T/out")" \
    "$(sha256sum clear.json | cut -d' ' -f1)"
expect_exit 0 hitl_as alice report processing --json
jq_ok "recipients" '[.recipients[] | select(.format == "presidio-config") |
    .redact] | sort == ["none", "sha256"]'
expect_exit 0 hitl_as alice erase --subject customer:4 --reason "request 4" \
    --json
jq_ok "the receipt names the files" '.items[0].item == "p-4" and
    ([.items[0].exports[] | .format] | unique) == ["presidio-config"] and
    (.items[0].exports | length) == 3'
pass
