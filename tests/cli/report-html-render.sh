#!/bin/sh
# hitl report quality's page in a real browser (headless Chromium): the
# rendered DOM has the headings and the <svg> charts and no script (the
# hostile detector name is text), and the screenshot is a page with
# content, the chart bars in their two colours, not a blank one. SKIPs
# only when /usr/bin/chromium is absent (build-aux/install-deps installs
# it; CI has it).
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
	echo "SKIP: report-html-render: $CHROMIUM is absent (Debian package" \
	    "chromium; build-aux/install-deps installs it)"
	exit 77
fi
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# Four outputs of det-good (all right), four of det-poor (one right), one
# of a detector named like a script.
: >in.jsonl
for i in 1 2 3 4; do
	for d in good poor; do
		printf '{"id":"%s-%d","kind":"model_output","created_at":"2027-01-12T09:00:00Z","source":{"model":"bot-v1"},"response":"r","flags":[{"type":"toxicity","detector":"det-%s","score":0.%d}]}\n' \
		    "$d" "$i" "$d" "$((i + 5))" >>in.jsonl
	done
done
echo '{"id":"evil","kind":"model_output","source":{"model":"bot-v1"},"response":"e","flags":[{"type":"toxicity","detector":"<script>alert(1)</script>","score":0.9}]}' >>in.jsonl
jq '.model_output.spot_check_rate = 0' "$SRCDIR/examples/policy.json" \
    >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 0 "$HITL" import in.jsonl
at 60
payload_for() {
	case $1 in
	good-*|poor-4)
		echo '{"labels":["toxicity"],"flags":[{"verdict":"confirmed"}]}' ;;
	esac
}
shift_of bob 9
expect_exit 0 hitl_as carol report quality -o r.html

# chromium OUTPUT-OPTION: the page rendered, with no network, no profile
# of the user's, and killed if it hangs.
chromium() {
	_lib_where="chromium $1"
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" \
	    --window-size=1200,2000 "$1" "file://$T/r.html" \
	    2>"$T/chromium.err" || fail "chromium $1 failed" "$T/chromium.err"
}

step "the rendered DOM"
chromium --dump-dom >dom.html
python3 - dom.html <<'EOF' || fail "the rendered DOM" dom.html
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.headings, self.open, self.text = {}, [], None, ""
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in ("h1", "h2", "h3"):
            self.open, self.text = tag, ""
    def handle_endtag(self, tag):
        if tag == self.open:
            self.headings.append(self.text.strip())
            self.open = None
    def handle_data(self, data):
        if self.open:
            self.text += data

d = Dom()
d.feed(open(sys.argv[1], encoding="utf-8").read())
bad = []
for h in ["Review quality", "Detectors", "Flag detectors", "Models",
          "bot-v1 / -", "Agreement between reviewers", "Reviewers",
          "Policy in force"]:
    if h not in d.headings:
        bad.append("no heading %r in %r" % (h, d.headings))
# The precision bars (flags) and the model's weeks.
if d.tags.get("svg", 0) != 2:
    bad.append("%d <svg> elements, expected 2" % d.tags.get("svg", 0))
if d.tags.get("rect", 0) < 4:
    bad.append("%d <rect> elements in the charts" % d.tags.get("rect", 0))
if "script" in d.tags:
    bad.append("a <script> element in the rendered page")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

step "the screenshot"
chromium --screenshot="$T/shot.png"
python3 - shot.png <<'EOF' || fail "the screenshot"
import struct, sys, zlib
from collections import Counter
from itertools import accumulate

data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
pos, idat, ihdr = 8, [], None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", data[pos + 8:pos + 8 + n])
    elif kind == b"IDAT":
        idat.append(data[pos + 8:pos + 8 + n])
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
if depth != 8 or ctype not in (2, 6) or interlace != 0:
    sys.exit("an unexpected PNG (depth %d, colour type %d, interlace %d)"
             % (depth, ctype, interlace))
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(idat))
stride = w * bpp
# Adding bytes lane by lane, without carries, on whole rows at once.
LOW = int.from_bytes(b"\x7f" * stride, "big")
HIGH = int.from_bytes(b"\x80" * stride, "big")
def add(x, y):
    a, b = int.from_bytes(x, "big"), int.from_bytes(y, "big")
    return (((a & LOW) + (b & LOW)) ^ ((a ^ b) & HIGH)).to_bytes(stride, "big")

def unfilter(f, line, prev):
    if f == 0:
        return line
    if f == 2:
        return add(line, prev)
    out = bytearray(line)
    if f == 1:
        for c in range(bpp):
            out[c::bpp] = bytes(v & 255 for v in accumulate(out[c::bpp]))
        return out
    for i in range(stride):
        a = out[i - bpp] if i >= bpp else 0
        b = prev[i]
        if f == 3:
            out[i] = (out[i] + ((a + b) >> 1)) & 255
            continue
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        out[i] = (out[i] + (a if pa <= pb and pa <= pc else
                            b if pb <= pc else c)) & 255
    return out

prev = bytes(stride)
colours = Counter()
for y in range(h):
    at = y * (stride + 1)
    prev = unfilter(raw[at], raw[at + 1:at + 1 + stride], prev)
    colours.update(zip(prev[0::bpp], prev[1::bpp], prev[2::bpp]))
nonwhite = w * h - colours[(255, 255, 255)]
near = {}
for k, v in {"blue": (0x4a, 0x78, 0xb5), "orange": (0xd9, 0x82, 0x2b)}.items():
    near[k] = sum(n for px, n in colours.items()
                  if all(abs(px[j] - v[j]) <= 8 for j in range(3)))
share = nonwhite / float(w * h)
print("%dx%d, %d colours, %.1f%% not white, bars %r"
      % (w, h, len(colours), share * 100, near))
bad = []
if (w, h) != (1200, 2000):
    bad.append("a %dx%d screenshot" % (w, h))
if len(colours) < 20:
    bad.append("only %d colours: a blank page?" % len(colours))
if share < 0.02:
    bad.append("only %.2f%% of the pixels are not white" % (share * 100))
# det-good meets the target (blue), det-poor does not (orange).
if near["blue"] < 500 or near["orange"] < 200:
    bad.append("the chart bars are not drawn: %r" % near)
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
pass
