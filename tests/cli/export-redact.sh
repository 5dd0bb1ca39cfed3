#!/bin/sh
# Redaction through the CLI: an item whose id holds an email address, and a
# response holding that address three ways (as confirmed, in capitals, and
# with a zero-width space inside), plus Annual next to a confirmed Ann;
# decided, exported as labels and decisions; no spelling is left in either
# file, and Annual is left whole.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

step "import and decide"
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
# Code points: john.smith@example.com at 8..30, Ann at 32..35.
cat >items.jsonl <<'EOF2'
{"id":"anon-john.smith@example.com","kind":"model_output","prompt":"Who is it?","response":"Contact john.smith@example.com (Ann). Or JOHN.SMITH@EXAMPLE.COM, or john.smith@exam\u200bple.com. Annual report: Ann.","flags":[{"type":"pii.email","score":0.95,"start":8,"end":30},{"type":"pii.name","score":0.9,"start":32,"end":35}]}
EOF2
expect_exit 0 "$HITL" import items.jsonl
claim bob anon-john.smith@example.com
expect_exit 0 hitl_as bob decide anon-john.smith@example.com --lease "$LEASE" \
    correct --payload '{"text": "Write to JOHN.SMITH@example.com, Ann.",
    "labels": ["pii.leak"], "flags": [{"verdict": "confirmed"},
    {"verdict": "confirmed"}], "note": "it was john.smith@EXAMPLE.com"}'

for fmt in labels decisions; do
	for mode in replace hash mask; do
		step "$fmt --redact $mode"
		f=$fmt-$mode.jsonl
		expect_exit 0 hitl_as alice export --format "$fmt" --since all \
		    --redact "$mode" -o "$f"
		_lib_where="$f: no spelling of the address or of Ann left"
		python3 - "$f" "$mode" >"$T/py.out" 2>&1 <<'PY' ||
import json, sys, unicodedata
path, mode = sys.argv[1], sys.argv[2]
recs = [json.loads(l) for l in open(path, encoding="utf-8")]
assert len(recs) == 1, "%d records" % len(recs)
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
r = recs[0]
for s in strings(r):
    folded = unicodedata.normalize("NFKC", s).casefold().replace("\u200b", "")
    assert "john.smith" not in folded and "example.com" not in folded, s
    words = [w.strip(".,:()") for w in folded.split()]
    assert "ann" not in words, s
idf = "id" if "id" in r else "item"
assert r[idf].startswith("anon-") and r[idf].endswith("~1"), r[idf]
text = r.get("text", r.get("original"))
assert "Annual report" in text, text
if mode == "hash":
    # Every spelling of the address hashes alike: one tag, three times
    # in the text, and the id's is the same.
    tags = [w for w in text.split() if w.startswith("<pii.email:")]
    assert len(tags) == 3 and len(set(t.strip(".,") for t in tags)) == 1, text
    assert r[idf].split("~")[0][5:] == tags[0].strip(".,"), (r[idf], tags)
PY
		    fail "$f" "$T/py.out" "$f"
		expect_exit 1 grep -i -e "john" -e "smith" -e "exam" "$f"
	done
done

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
