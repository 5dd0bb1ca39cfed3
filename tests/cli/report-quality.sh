#!/bin/sh
# hitl report quality: a scripted shift in which two flag detectors have
# known precisions (det-good right 9 times in 10, det-poor 3 in 10), a
# third is named <script>alert(1)</script> and a model's name holds a
# U+202E (planted in the store: import refuses one); the page has the headings, both precisions as a table shows
# them, SVG charts, the policy in force, and nothing that runs or fetches
# (no script, no URL); the hostile names are escaped and their bidi
# override shown as a mark. Who may write it, -o required, and the file
# written as the user's, renamed into place; with --since past every
# decision, the sentences saying there is nothing; and on a queue of
# blind double review, the agreement tables.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

RLO=$(printf '\342\200\256')
# Twenty outputs, one flag each, scored 0.55 to 0.95, over two weeks:
# det-good's from model bot-v1, det-poor's from bot-evil, which becomes
# "bot<U+202E>evil" in the store, as a database of another program or an
# older hitl might hold it.
: >in.jsonl
for d in good poor; do
	for i in 0 1 2 3 4 5 6 7 8 9; do
		if [ $i -lt 5 ]; then day=2027-01-05; else day=2027-01-12; fi
		if [ $d = good ]; then model=bot-v1; else model=bot-evil; fi
		printf '{"id":"%s-%d","kind":"model_output","created_at":"%sT09:00:00Z","source":{"model":"%s","pipeline":"tickets"},"response":"r %s %d","flags":[{"type":"toxicity","detector":"det-%s","score":0.%d5}]}\n' \
		    "$d" "$i" "$day" "$model" "$d" "$i" "$d" "$((i / 2 + 5))" \
		    >>in.jsonl
	done
done
cat >>in.jsonl <<'EOT'
{"id":"evil","kind":"model_output","created_at":"2027-01-12T10:00:00Z","source":{"model":"bot-v1","pipeline":"tickets"},"response":"e","flags":[{"type":"toxicity","detector":"<script>alert(1)</script>","score":0.9}]}
{"id":"anon-1","kind":"anonymization","text":"Jordan and Paris","spans":[{"entity_type":"PERSON","start":0,"end":6,"score":0.6,"recognizer":"SpacyRecognizer"},{"entity_type":"PERSON","start":11,"end":16,"score":0.7,"recognizer":"SpacyRecognizer"}]}
EOT
jq '.model_output.spot_check_rate = 0 | .feedback = {"target_precision": 0.9}' \
    "$SRCDIR/examples/policy.json" >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 0 "$HITL" import in.jsonl
sql "UPDATE items SET source_model = 'bot${RLO}evil'
    WHERE source_model = 'bot-evil'" >/dev/null

# det-good is wrong on good-0 only; det-poor right on poor-7, 8 and 9;
# the hostile detector's one flag is overturned.
CONFIRMED=" good-1 good-2 good-3 good-4 good-5 good-6 good-7 good-8 good-9 poor-7 poor-8 poor-9 "
step "a shift"
at 60
payload_for() {
	case $1 in
	anon-1)	echo '{"spans":[{"verdict":"rejected"},{"verdict":"accepted"}]}' ;;
	*)	case $CONFIRMED in
		*" $1 "*) echo '{"labels":["toxicity"],"flags":[{"verdict":"confirmed"}]}' ;;
		esac ;;
	esac
}
shift_of bob 22

step "who may write it, and how it is asked for"
expect_exit 77 hitl_as bob report quality -o r.html
expect_err "bob is a reviewer"
[ ! -e r.html ] || fail "a refused report left r.html"
expect_exit 64 hitl_as carol report quality
expect_err "hitl report: report quality needs -o FILE"
expect_exit 64 hitl_as carol report quality --json -o r.html
expect_err "report quality takes no --json"
expect_exit 64 hitl_as carol report processing -o r.html
expect_err "report processing takes no --output"
expect_exit 64 hitl_as carol report quality --since yesterday -o r.html
expect_err "RFC 3339"
expect_exit 64 hitl_as carol report qualty -o r.html
expect_err 'did you mean "quality"?'
sqlite3 other.db 'CREATE TABLE t(x)'
expect_exit 73 hitl_as carol report quality -o other.db
expect_err "is a database"
[ ! -e r.html ] || fail "a refused report left r.html"
ln -s r.html link.html
expect_exit 73 hitl_as carol report quality -o link.html
expect_err "is a symbolic link"
mkdir dir.html
expect_exit 73 hitl_as carol report quality -o dir.html
expect_err "is a directory"
[ ! -e r.html ] || fail "a refused report left r.html"
expect_exit 0 hitl_as carol help report
expect_out "quality [--since TIME] -o FILE"

step "the page"
echo old >r.html
expect_exit 0 hitl_as carol report quality -o r.html
expect_err "wrote the quality report to r.html"
expect_no_out ""
expect_mode r.html 600
for f in r.html.*; do
	[ ! -e "$f" ] || fail "a temporary is left: $f"
done
expect_exit 0 hitl_as carol policy show --json
cp "$T/out" policy-shown.json

# The checks a person would make, on the parsed page.
python3 - r.html policy-shown.json <<'EOF' || fail "the page" r.html
import json, sys
from html.parser import HTMLParser

raw = open(sys.argv[1], encoding="utf-8").read()
shown = json.load(open(sys.argv[2]))
bad = []

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.headings, self.rows, self.tables = [], [], [], []
        self.tags, self.attrs, self.style, self.pre = {}, [], "", ""
        self.cell = None
        self.svgtext = []
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag not in ("meta", "line", "rect", "br"):
            self.stack.append([tag, ""])
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self.tables[-1].append([])
        if tag in ("td", "th"):
            self.cell = ""
    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs += [(tag, k, v or "") for k, v in attrs]
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(self.cell)
            self.cell = None
        while self.stack:
            t, text = self.stack.pop()
            if t in ("h1", "h2", "h3"):
                self.headings.append(text.strip())
            if t == "style":
                self.style += text
            if t == "pre":
                self.pre += text
            if t == "text":
                self.svgtext.append(text)
            if t == tag:
                break
    def handle_data(self, data):
        for s in self.stack:
            s[1] += data
        if self.cell is not None:
            self.cell += data

p = Page()
p.feed(raw)
p.close()

for h in ["Review quality", "Detectors", "Flag detectors", "PII recognizers",
          "Models", "bot-v1 / tickets", "bot\u27e8U+202E\u27e9evil / tickets",
          "Agreement between reviewers", "Reviewers", "Policy in force"]:
    if h not in p.headings:
        bad.append("no heading %r (have %r)" % (h, p.headings))

def row(key):
    for t in p.tables:
        head = t[0]
        for r in t[1:]:
            if r and r[0] == key:
                return dict(zip(head, r))
    return None

for det, prec, ci in [("det-good", "0.90", "0.60\u20130.98"),
                      ("det-poor", "0.30", "0.11\u20130.60"),
                      ("<script>alert(1)</script>", "0.00", None)]:
    r = row(det)
    if r is None:
        bad.append("no row for detector %r" % det)
        continue
    if r["Precision"] != prec:
        bad.append("%s: precision %r, expected %r" % (det, r["Precision"], prec))
    if ci is not None and r["95% interval"] != ci:
        bad.append("%s: interval %r, expected %r" % (det, r["95% interval"], ci))
    if r["Reviewed"] != ("1" if det.startswith("<") else "10"):
        bad.append("%s: reviewed %r" % (det, r["Reviewed"]))
r = row("det-good")
if r and (r["Advice"], r["In force"], r["AUTO"]) != ("0.55", "0.50", "0"):
    bad.append("det-good: advice/in force/auto %r" % r)
r = row("SpacyRecognizer")
if r is None or r["Precision"] != "0.50" or r["Rejected"] != "1":
    bad.append("SpacyRecognizer row %r" % r)
# The two weeks of each model, and the share corrected or rejected
# (bot-v1's second week: good-5 to good-9 corrected, evil approved).
weeks = [t for t in p.tables if t and t[0][0] == "Week of"]
if len(weeks) != 2:
    bad.append("%d model tables, expected 2" % len(weeks))
else:
    got = sorted([[(r[0], r[-1]) for r in t[1:]] for t in weeks])
    want = sorted([[("2027-01-04", "80%"), ("2027-01-11", "83%")],
                   [("2027-01-04", "0%"), ("2027-01-11", "60%")]])
    if got != want:
        bad.append("model weeks %r, expected %r" % (got, want))
if row("bob") is None or row("bob")["Corrected"] != "13":
    bad.append("the reviewers' table: bob %r" % row("bob"))
if "No item was decided by several reviewers" not in raw:
    bad.append("no sentence saying agreement has no data")

# Charts: the precision bars (flags, spans) and one per model.
if p.tags.get("svg", 0) != 4:
    bad.append("%d <svg> charts, expected 4" % p.tags.get("svg", 0))
if "target 0.90" not in p.svgtext:
    bad.append("no target line label in the charts")
if not any(t == "line" and k == "class" and v == "target"
           for t, k, v in p.attrs):
    bad.append("no target line")

# Nothing runs, nothing is fetched.
for t in ["script", "link", "img", "iframe", "object", "embed", "base",
          "a", "form", "audio", "video", "source", "image", "use",
          "foreignobject"]:
    if t in p.tags:
        bad.append("a <%s> element" % t)
for t, k, v in p.attrs:
    lv = v.lower()
    if k in ("src", "href", "xlink:href", "action", "srcset", "poster",
             "data") and not lv.startswith("data:"):
        bad.append("%s %s=%r" % (t, k, v))
    if k.startswith("on") or k == "style":
        bad.append("%s has %s" % (t, k))
    if "http:" in lv or "https:" in lv or "//" in lv or "url(" in lv \
            or "javascript:" in lv:
        bad.append("%s %s=%r refers outside" % (t, k, v))
low = p.style.lower()
for s in ("url(", "@import", "//", "http"):
    if s in low:
        bad.append("the style has %r" % s)
for s in ("http:", "https:", "javascript:", "<script", "\u202e"):
    if s in raw.lower():
        bad.append("the page has %r" % s)
if "default-src 'none'" not in raw:
    bad.append("no Content-Security-Policy")

# The hostile names: escaped in the file, shown as they are in the page.
if "&lt;script&gt;alert(1)&lt;/script&gt;" not in raw:
    bad.append("the hostile detector's name is not escaped")
if "bot\u27e8U+202E\u27e9evil" not in raw:
    bad.append("U+202E is not shown as a mark")

# The policy, as hitl policy show --json has it.
try:
    if json.loads(p.pre) != shown:
        bad.append("the policy in the page is not policy show's")
except ValueError as e:
    bad.append("the policy's <pre> is not JSON: %s" % e)

for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

step "to a special file (a pipe), written straight"
{ rc=0; hitl_as carol report quality -o /dev/stdout 2>err.txt || rc=$?
    echo $rc >rc.txt; } | cat >piped.html
expect_eq "exit to a pipe" "$(cat rc.txt)" 0
if ! grep -q "<!DOCTYPE html>" piped.html || ! grep -q "</html>" piped.html
then
	fail "the page through a pipe" piped.html err.txt
fi

step "since"
expect_exit 0 hitl_as carol report quality --since 2030-01-01T00:00:00Z \
    -o later.html
grep -q "decisions taken since 2030-01-01T00:00:00Z" later.html ||
    fail "the page does not say what it covers" later.html
grep -q "No flag or span was decided in the time covered" later.html ||
    fail "no sentence for no detector data" later.html
grep -q "No reviewer decided anything" later.html ||
    fail "no sentence for no reviewer data" later.html

step "agreement, where two reviewers voted on every item"
HITL_DB=$(newdb both)
export HITL_DB
jq '.quality = {"overlap_rate": 1, "overlap_reviewers": 2}' \
    "$SRCDIR/examples/policy.json" >both.json
expect_exit 0 "$HITL" init --policy both.json
for i in 1 2 3; do
	printf '{"id":"o-%d","kind":"model_output","response":"r","flags":[{"type":"toxicity","score":0.9}]}\n' $i
done >both.jsonl
expect_exit 0 "$HITL" import both.jsonl
payload_for() { :; }
shift_of bob 3
shift_of erin 3
expect_exit 0 hitl_as carol report quality -o both.html
python3 - both.html <<'EOF' || fail "the agreement tables" both.html
import sys
from html.parser import HTMLParser

class Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.cell = [], None
    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell)
            self.cell = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

p = Rows()
p.feed(open(sys.argv[1], encoding="utf-8").read())
# Three items, two questions each (the action, the flag's verdict).
want = [["all", "3", "6", "2", "100.0%"], ["bob and erin", "6"]]
for w in want:
    if not any(r[:len(w)] == w for r in p.rows):
        sys.exit("no row starting %r in %r" % (w, p.rows))
EOF
pass
