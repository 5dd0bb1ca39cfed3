#!/bin/sh
# The review-workflow benchmarks (run by bench/run.sh): the claim+decide
# cycle on a queue of 1,000 items against one of BENCH_ITEMS (default
# 1,000,000), and decisions per second with 8 reviewer processes, all at
# synchronous=FULL on disk. Adds its numbers to bench/results.json.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
stress=${HITL_STRESS:-./tests/stress/hitl-stress}
n=${BENCH_ITEMS:-1000000}
cycles=${BENCH_CYCLES:-500}
goal=1.5

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$stress" ] || die "no $stress (run 'make tests/stress/hitl-stress')"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-wbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cycle() {
	out=$("$stress" cycle "$work/c$1.db" "$1" "$cycles") ||
	    die "cycle at $1 items failed"
	rm -f "$work/c$1.db" "$work/c$1.db-wal" "$work/c$1.db-shm"
	echo "$out" | sed -n 's/^cycle_us //p'
}
small_us=$(cycle 1000)
big_us=$(cycle "$n")
conc=$("$stress" "$work/conc.db" 20000 8) || die "8 processes failed"
dps=$(echo "$conc" | sed -n 's/^decisions per second: //p')

export n cycles small_us big_us dps goal
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
small, big = float(e["small_us"]), float(e["big_us"])
ratio = big / small
print("claim+decide cycle (synchronous=FULL, {} cycles)".format(e["cycles"]))
print("  at 1,000 queued      {:.0f} us".format(small))
print("  at {:,} queued  {:.0f} us".format(int(e["n"]), big))
print("  ratio                {:.2f}x   (goal <= {}x{})".format(
    ratio, e["goal"], "" if ratio <= float(e["goal"]) else ", MISSED"))
print("8 reviewer processes   {} decisions/s".format(e["dps"]))
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
res["claim_decide"] = {"cycles": int(e["cycles"]), "us_at_1000": small,
                       "us_at_n": big, "n": int(e["n"]),
                       "ratio": round(ratio, 3), "goal_ratio_max": 1.5}
res["concurrent_8"] = {"items": 20000, "decisions_per_second": int(e["dps"])}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
