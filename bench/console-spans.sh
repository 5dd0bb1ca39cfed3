#!/bin/sh
# The console on one big anonymization item (run by bench/run.sh): the
# average time per key over a span-navigation script (next and previous
# span, accept, reject, the text cursor, scrolling a line and a page) on an
# item of BENCH_CONSOLE_SPANS (default 14,000) spans against the same script
# on one of a hundredth as many, in the same run, in the scripted off-screen
# terminal. Half the spans are accepted at import, so masked. A key whose
# cost grows with the spans shows as a ratio far above 1; the goal is a
# ratio near 1 and at most 1 ms a key; the same keys once more after G, at
# the end of the item (the text above the screen). Each time is the median of
# BENCH_ROUNDS (default 5) runs, less the median of the same runs without
# the keys; BENCH_CONSOLE_KEYS (default 1,000) sets how many. Adds its
# numbers to bench/results.json.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$bench")
hitl=${HITL:-./hitl}
sqlite3=${SQLITE3:-sqlite3}
n=${BENCH_CONSOLE_SPANS:-14000}
rounds=${BENCH_ROUNDS:-5}
keys=${BENCH_CONSOLE_KEYS:-1000}
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$hitl" ] || die "no hitl binary at $hitl (run 'make hitl' first)"
command -v "$sqlite3" >/dev/null || die "no sqlite3 shell ($sqlite3)"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-csbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/log

# The item is claimed by n; then the keys, from the top (nav) and after G
# (end). Scrolling stays in the first screens, or the last.
printf 'n\n' >"$work/open.keys"
printf 'nG\n' >"$work/openend.keys"
python3 - "$work/nav.keys" "$work/end.keys" "$keys" <<'PY'
import sys
unit = ["<Tab>", "y", "<Tab>", "x", "<Tab>", "<S-Tab>", "l", "h", "j", "k",
        "<Tab>", "y", "<PgDn>", "<PgUp>", "<Tab>", "<Tab>", "x", "l", "j",
        "k"]
keys = (unit * (int(sys.argv[3]) // len(unit) + 1))[:int(sys.argv[3])]
with open(sys.argv[1], "w") as f:
    f.write("n" + "".join(keys) + "\n")
with open(sys.argv[2], "w") as f:
    f.write("nG" + "".join(keys) + "\n")
PY

# setup SPANS: $work/SPANS.db holds the item of SPANS spans, queued. The
# import takes at most 10,000 spans an item: the others are added to the
# database as they would have been imported.
setup() {
	db=$work/$1.db
	python3 "$bench/gen-spans.py" "$1" --accept-every 2 >"$work/$1.full"
	python3 - "$work/$1.full" "$work/$1.jsonl" "$work/$1.sql" <<'PY'
import json, sys
item = json.loads(open(sys.argv[1], encoding="utf-8").read())
rest = item["spans"][10000:]
item["spans"] = item["spans"][:10000]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps(item, ensure_ascii=False) + "\n")
with open(sys.argv[3], "w") as f:
    f.write("BEGIN;\n")
    for i, s in enumerate(rest, 10000):
        triage = ("accepted" if s["score"] >= 0.85 else
                  "rejected" if s["score"] < 0.30 else "ambiguous")
        f.write("INSERT INTO spans (item_id, idx, entity_type, start_cp, "
                "end_cp, score, triage) SELECT id, %d, '%s', %d, %d, %r, "
                "'%s' FROM items;\n" % (i, s["entity_type"], s["start"],
                                        s["end"], s["score"], triage))
    f.write("COMMIT;\n")
PY
	{
		"$hitl" --db "$db" init --policy "$srcdir/examples/policy.json" &&
		"$hitl" --db "$db" import --quiet --max-line 8388608 \
		    "$work/$1.jsonl" &&
		"$sqlite3" -batch "$db" <"$work/$1.sql" &&
		[ "$("$sqlite3" -batch "$db" 'SELECT count(*) FROM spans')" \
		    -eq "$1" ]
	} >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "setup of $1 failed"; }
}

# median SPANS SCRIPT: the median seconds of the runs (each its own
# reviewer, as each run claims the item anew).
median() {
	i=0
	: >"$work/times"
	while [ "$i" -lt "$rounds" ]; do
		out=$(env TERM=xterm-256color LC_ALL=C.UTF-8 LINES=40 \
		    COLUMNS=120 HITL_REVIEWER="bench$i$2" python3 \
		    "$bench/peak-rss.py" "$hitl" --db "$work/$1.db" review \
		    --script "$work/$2.keys" 2>>"$log") ||
		    { tail -n 20 "$log" >&2; die "console failed"; }
		echo "${out% *}" >>"$work/times"
		i=$((i + 1))
	done
	sort -n "$work/times" | sed -n "$(((rounds + 1) / 2))p"
}

small=$((n / 100))
setup "$small"
setup "$n"
open_small=$(median "$small" open)
nav_small=$(median "$small" nav)
open_big=$(median "$n" open)
nav_big=$(median "$n" nav)
openend_small=$(median "$small" openend)
end_small=$(median "$small" end)
openend_big=$(median "$n" openend)
end_big=$(median "$n" end)

export n small keys open_small nav_small open_big nav_big
export openend_small end_small openend_big end_big
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
n, small, keys = int(e["n"]), int(e["small"]), int(e["keys"])
ms = lambda nav, opened: max(float(e[nav]) - float(e[opened]), 0) / keys * 1000
big, sm = ms("nav_big", "open_big"), ms("nav_small", "open_small")
ratio = big / sm if sm > 0 else float("inf")
ebig, esm = ms("end_big", "openend_big"), ms("end_small", "openend_small")
eratio = ebig / esm if esm > 0 else float("inf")
print("console, one item of {:,} spans vs {:,} (scripted terminal, 120x40)"
      .format(n, small))
print("  open the item        {:.0f} ms vs {:.0f} ms".format(
    float(e["open_big"]) * 1000, float(e["open_small"]) * 1000))
for what, b, s, r in (("per key", big, sm, ratio),
                      ("after G", ebig, esm, eratio)):
    print("  {} ({:,} keys)   {:.3f} ms vs {:.3f} ms: ratio {:.2f} "
          "(goal near 1, <= 1 ms{})".format(what, keys, b, s, r,
                                            "" if b <= 1 else ", MISSED"))
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
res["console_spans"] = {"spans": n, "spans_small": small, "keys": keys,
                        "open_ms": float(e["open_big"]) * 1000,
                        "open_ms_small": float(e["open_small"]) * 1000,
                        "per_key_ms": round(big, 4),
                        "per_key_ms_small": round(sm, 4),
                        "ratio": round(ratio, 3),
                        "end_per_key_ms": round(ebig, 4),
                        "end_per_key_ms_small": round(esm, 4),
                        "end_ratio": round(eratio, 3), "goal_per_key_ms": 1}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
