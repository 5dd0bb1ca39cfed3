#!/bin/sh
# The console benchmarks (run by bench/run.sh): time to the first screen and
# peak memory on queues of 1,000 and BENCH_ITEMS (default 1,000,000) items,
# and the average time per key over a 1,000-key navigation script, in the
# scripted off-screen terminal. Adds its numbers to bench/results.json.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
hitl=${HITL:-./hitl}
stress=${HITL_STRESS:-./tests/stress/hitl-stress}
n=${BENCH_ITEMS:-1000000}
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$stress" ] || die "no $stress (run 'make tests/stress/hitl-stress')"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-cbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
: >"$work/quit.keys"
python3 - "$work/nav.keys" <<'PY'
import sys
keys = ("j" * 300 + "<PgDn>" * 100 + "k" * 200 + "<PgUp>" * 100 +
        "G" * 50 + "g" * 50 + "j" * 200)
with open(sys.argv[1], "w") as f:
    f.write(keys + "\n")
PY

# run DB SCRIPT: median seconds and peak KB of 5 runs of the console.
run() {
	for i in 1 2 3 4 5; do
		env TERM=xterm-256color LC_ALL=C.UTF-8 LINES=40 COLUMNS=120 \
		    HITL_REVIEWER=bench python3 "$bench/peak-rss.py" \
		    "$hitl" --db "$1" review --script "$2" || die "console failed"
	done | sort -n | sed -n 3p
}

"$stress" setup "$work/small.db" 1000 || die "setup failed"
"$stress" setup "$work/big.db" "$n" || die "setup failed"
small=$(run "$work/small.db" "$work/quit.keys")
big=$(run "$work/big.db" "$work/quit.keys")
nav=$(run "$work/big.db" "$work/nav.keys")
nav_small=$(run "$work/small.db" "$work/nav.keys")

export n small big nav nav_small
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
s_secs, s_kb = map(float, e["small"].split())
b_secs, b_kb = map(float, e["big"].split())
nav_secs = float(e["nav"].split()[0])
per_key_ms = max(nav_secs - b_secs, 0) / 1000 * 1000
per_key_ms_small = max(float(e["nav_small"].split()[0]) - s_secs, 0)
print("console (scripted terminal, 120x40)")
print("  first screen, 1,000 items    {:.1f} ms".format(s_secs * 1000))
print("  first screen, {:,} items  {:.1f} ms".format(int(e["n"]), b_secs * 1000))
print("  ratio                        {:.2f}x   (goal <= 1.5x)".format(
    b_secs / s_secs))
print("  per key (1,000 keys)         {:.3f} ms at 1,000 items, {:.3f} ms at "
      "{:,} (goal <= 1 ms)".format(per_key_ms_small, per_key_ms,
      int(e["n"])))
print("  peak RSS                     {:.0f} MB / {:.0f} MB (ratio {:.2f}, "
      "goal <= 1.2)".format(s_kb / 1024, b_kb / 1024, b_kb / s_kb))
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
res["console"] = {"items": int(e["n"]), "first_screen_ms_1000": s_secs * 1000,
                   "first_screen_ms_n": b_secs * 1000,
                   "ratio": round(b_secs / s_secs, 3),
                   "per_key_ms": round(per_key_ms, 4),
                   "per_key_ms_1000": round(per_key_ms_small, 4),
                   "peak_rss_kb_1000": s_kb, "peak_rss_kb_n": b_kb,
                   "rss_ratio": round(b_kb / s_kb, 3)}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
