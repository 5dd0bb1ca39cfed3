#!/bin/sh
# The SQLite rows of `make bench` for two builds, back to back in one run:
# `bench/compare.sh OLD_BUILDDIR NEW_BUILDDIR` (each with its ./hitl and
# ./tests/stress/hitl-stress). Each row is measured BENCH_REPS times (3)
# for each build in turn, old then new, and its median kept; a row of the
# new build more than 10% slower than the old is marked SLOWER. Rows: import
# of BENCH_ITEMS items (1,000,000), claim+decide at 1,000 and at N queued,
# decisions per second with 8 reviewer processes (BENCH_CONC_ITEMS, 5,000),
# export of those decisions, the console's first screen at N. Each build
# makes its own databases: an older build may not open a newer schema.
# Exits non-zero only if a step fails.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$bench")
n=${BENCH_ITEMS:-1000000}
reps=${BENCH_REPS:-3}
conc=${BENCH_CONC_ITEMS:-5000}
cycles=${BENCH_CYCLES:-500}

die() { echo "bench: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: bench/compare.sh OLD_BUILDDIR NEW_BUILDDIR"
for b in "$1" "$2"; do
	[ -x "$b/hitl" ] && [ -x "$b/tests/stress/hitl-stress" ] ||
	    die "$b has no hitl or tests/stress/hitl-stress (make them there)"
done
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
input=$work/items.jsonl
python3 "$bench/gen-items.py" "$n" --seed 1 >"$input"
: >"$work/quit.keys"

# secs CMD...: the seconds CMD took (its output to the log); fails with it.
secs() {
	python3 -c 'import subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
sys.exit(r.returncode) if r.returncode else print("%.4f" % (time.monotonic() - t))' "$@" \
	    2>>"$work/log"
}
rmdb() { rm -f "$1" "$1-wal" "$1-shm" "$1.key"; }

# row BUILD: one measurement of every row, as "name value" lines.
row() {
	b=$1 d=$work/$(basename "$1")
	mkdir -p "$d"
	rmdb "$d/imp.db"
	"$b/hitl" --db "$d/imp.db" init --policy "$srcdir/examples/policy.json" \
	    >/dev/null || die "$b: init failed"
	sync
	v=$(secs "$b/hitl" --db "$d/imp.db" import --quiet "$input") ||
	    die "$b: import failed (see $work/log)"
	echo "import_s $v"
	rmdb "$d/imp.db"
	for size in 1000 "$n"; do
		rmdb "$d/c.db"
		v=$("$b/tests/stress/hitl-stress" cycle "$d/c.db" "$size" \
		    "$cycles") || die "$b: cycle failed"
		echo "cycle_us_$size $(echo "$v" | sed -n 's/^cycle_us //p')"
	done
	v=$(secs env TERM=xterm-256color LC_ALL=C.UTF-8 LINES=40 COLUMNS=120 \
	    HITL_REVIEWER=bench "$b/hitl" --db "$d/c.db" review --script \
	    "$work/quit.keys") || die "$b: console failed (see $work/log)"
	echo "console_first_screen_s $v"
	rmdb "$d/c.db"
	rmdb "$d/conc.db"
	v=$("$b/tests/stress/hitl-stress" "$d/conc.db" "$conc" 8) ||
	    die "$b: 8 reviewers failed"
	echo "decisions_per_s_8 $(echo "$v" | sed -n 's/^decisions per second: //p')"
	v=$(secs env HITL_REVIEWER=bench "$b/hitl" --db "$d/conc.db" export \
	    --format decisions --since all -o "$d/out.jsonl") ||
	    die "$b: export failed (see $work/log)"
	echo "export_s $v"
	rm -f "$d/out.jsonl" "$d/out.jsonl.manifest.json"
	rmdb "$d/conc.db"
}

i=0
while [ "$i" -lt "$reps" ]; do
	i=$((i + 1))
	echo "bench: round $i of $reps" >&2
	row "$old" >"$work/round"
	sed 's/^/old /' "$work/round" >>"$work/results"
	row "$new" >"$work/round"
	sed 's/^/new /' "$work/round" >>"$work/results"
done

python3 - "$work/results" "$old" "$new" "$n" "$conc" "$reps" <<'PY'
import statistics, sys

rows, order = {}, []
for line in open(sys.argv[1]):
    build, name, value = line.split()
    if name not in order:
        order.append(name)
    rows.setdefault((build, name), []).append(float(value))
print("SQLite rows, old = {}, new = {} ({} items, {} for 8 reviewers, median "
      "of {})".format(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
      sys.argv[6]))
print("  {:<26} {:>12} {:>12} {:>8}".format("row", "old", "new", "new/old"))
slower = 0
for name in order:
    o = statistics.median(rows[("old", name)])
    w = statistics.median(rows[("new", name)])
    # Throughput rows: more is better; the others are times.
    cost = o / w if name.startswith("decisions_per") else w / o
    mark = ""
    if cost > 1.10:
        mark, slower = "  SLOWER", slower + 1
    print("  {:<26} {:>12.4g} {:>12.4g} {:>7.2f}x{}".format(
        name, o, w, cost, mark))
print("  (new/old is the new build's cost: above 1 is slower; the goal is "
      "<= 1.10)")
print("rows more than 10% slower: {}".format(slower))
PY
