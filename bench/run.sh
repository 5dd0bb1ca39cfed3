#!/bin/sh
# `make bench`: every benchmark, then one table. Here, the import: `hitl
# import` against the sqlite3 shell (bench/import-sqlite3.sql) and a plain
# Python json + sqlite3 script (bench/import-python.py) doing the same import
# on the same generated input, hitl's peak RSS at N and N/10 items, checks
# that the databases hold N items; then the workflow, console and export
# benchmarks; all numbers go to bench/results.json, with the machine.
#
# Run from the build directory, with the binary at ./hitl (or HITL=path).
# Environment: BENCH_ITEMS (default 1000000), BENCH_SEED (default 1),
# BENCH_TMPDIR (databases; default $TMPDIR or /tmp), SQLITE3 (the shell).
# Inputs are cached in bench/data/, keyed by N, seed and gen-items.py.
# Exits non-zero only if a step fails, not when the speed goal is missed.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$bench")
hitl=${HITL:-./hitl}
sqlite3=${SQLITE3:-sqlite3}
n=${BENCH_ITEMS:-1000000}
seed=${BENCH_SEED:-1}
goal=1.5

die() { echo "bench: $*" >&2; exit 1; }

case $n in '' | *[!0-9]*) die "BENCH_ITEMS must be a number, not '$n'" ;; esac
[ "$n" -ge 10 ] || die "BENCH_ITEMS must be at least 10"
[ -x "$hitl" ] || die "no hitl binary at $hitl (run 'make hitl' first)"
command -v "$sqlite3" >/dev/null || die "no sqlite3 shell ($sqlite3)"
command -v python3 >/dev/null || die "python3 is needed"
small=$((n / 10))

# --- inputs, generated once per (N, seed, generator) ----------------------
mkdir -p "$bench/data"
genhash=$(python3 -c 'import hashlib, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:12])' \
    "$bench/gen-items.py")
input_for() {
	f=$bench/data/items-$1-s$seed-$genhash.jsonl
	if [ ! -s "$f" ]; then
		echo "bench: generating $1 items into $f" >&2
		python3 "$bench/gen-items.py" "$1" --seed "$seed" >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
# Inputs from an older gen-items.py are stale: drop them.
find "$bench/data" -name 'items-*.jsonl' ! -name "*-$genhash.jsonl" -exec rm -f {} +
input=$(input_for "$n")
input_small=$(input_for "$small")
bytes=$(wc -c <"$input" | tr -d ' ')

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
log=$work/log

# count DB TABLE: rows in TABLE.
count() { "$sqlite3" -batch "$1" "SELECT count(*) FROM $2"; }

# fresh DB: a new database with hitl's schema and the example policy.
fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	"$hitl" --db "$1" init --policy "$srcdir/examples/policy.json" \
	    >>"$log" 2>&1 || { cat "$log" >&2; die "hitl init failed"; }
}

# measure LABEL CMD...: run CMD, set $secs and $rss_kb, fail loudly.
measure() {
	label=$1
	shift
	cat "$input" "$input_small" >/dev/null	# same warm page cache
	sync	# no writeback of earlier steps during the timing
	if ! out=$(python3 "$bench/peak-rss.py" "$@" 2>>"$log"); then
		tail -n 20 "$log" >&2
		die "$label failed"
	fi
	secs=${out% *}
	rss_kb=${out#* }
	echo "bench: $label: $secs s, peak RSS $rss_kb KB" >&2
}

db=$work/hitl.db

# --- hitl at N/10 (memory reference) and at N -----------------------------
fresh "$db"
measure "hitl import $small" "$hitl" --db "$db" import --quiet "$input_small"
small_secs=$secs small_rss=$rss_kb
[ "$(count "$db" items)" -eq "$small" ] || die "hitl imported the wrong count"

fresh "$db"
measure "hitl import $n" "$hitl" --db "$db" import --quiet "$input"
hitl_secs=$secs hitl_rss=$rss_kb
hitl_items=$(count "$db" items)
hitl_flags=$(count "$db" flags)
hitl_spans=$(count "$db" spans)
hitl_db_bytes=$(wc -c <"$db" | tr -d ' ')
rm -f "$db" "$db-wal" "$db-shm"

# --- the sqlite3 shell baseline on the same schema ------------------------
db=$work/sqlite3.db
fresh "$db"
measure "sqlite3 shell $n" sh "$bench/import-sqlite3.sh" "$db" "$input"
shell_secs=$secs shell_rss=$rss_kb
shell_items=$(count "$db" items)
shell_flags=$(count "$db" flags)
shell_spans=$(count "$db" spans)
rm -f "$db" "$db-wal" "$db-shm"

# --- a plain Python json + sqlite3 script doing the same work ------------
db=$work/python.db
fresh "$db"
measure "python3 json+sqlite3 $n" python3 "$bench/import-python.py" "$db" \
    "$input"
python_secs=$secs python_rss=$rss_kb
python_items=$(count "$db" items)
[ "$python_items" -eq "$n" ] || die "python database has $python_items items"
[ "$(count "$db" flags)" -eq "$shell_flags" ] &&
    [ "$(count "$db" spans)" -eq "$shell_spans" ] ||
    die "python flags/spans differ from sqlite3's"
rm -f "$db" "$db-wal" "$db-shm"

[ "$hitl_items" -eq "$n" ] || die "hitl database has $hitl_items items, not $n"
[ "$shell_items" -eq "$n" ] || die "sqlite3 database has $shell_items items, not $n"
[ "$hitl_flags" -eq "$shell_flags" ] && [ "$hitl_spans" -eq "$shell_spans" ] ||
    die "flags/spans differ: hitl $hitl_flags/$hitl_spans," \
        "sqlite3 $shell_flags/$shell_spans"

# --- report ---------------------------------------------------------------
export n small bytes goal hitl_secs shell_secs small_secs hitl_rss small_rss \
    shell_rss hitl_flags hitl_spans hitl_db_bytes seed genhash python_secs \
    python_rss
export sqlite3_version="$("$sqlite3" --version | cut -d' ' -f1)"
python3 - "$bench/results.json" <<'PY'
import datetime, json, os, sys

e = os.environ
n, small = int(e["n"]), int(e["small"])
hitl, shell = float(e["hitl_secs"]), float(e["shell_secs"])
rss, rss_small = int(e["hitl_rss"]), int(e["small_rss"])
ratio = shell / hitl if hitl > 0 else float("inf")
rss_ratio = rss / rss_small if rss_small else float("inf")
goal = float(e["goal"])
cpu, mem_kb = "unknown", 0
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
except OSError:
    pass
mb = lambda b: b / 1e6

print("import {:,} items ({:.0f} MB)".format(n, mb(int(e["bytes"]))))
print("  hitl import          {:.1f} s".format(hitl))
print("  sqlite3 shell        {:.1f} s".format(shell))
print("  ratio (shell/hitl)   {:.2f}x   (goal >= {}x{})".format(
    ratio, goal, "" if ratio >= goal else ", MISSED"))
py = float(e["python_secs"])
print("  python3 json+sqlite3 {:.1f} s   (ratio {:.2f}x)".format(py, py / hitl))
print("  peak RSS hitl        N/10: {:.0f} MB, N: {:.0f} MB (ratio {:.2f})"
      .format(rss_small / 1024, rss / 1024, rss_ratio))

res = {
    "date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
    "machine": {"nproc": os.cpu_count(), "cpu_model": cpu,
                "memory_kb": mem_kb, "kernel": os.uname().release,
                "machine": os.uname().machine},
    "input": {"items": n, "bytes": int(e["bytes"]), "seed": int(e["seed"]),
              "generator_sha256": e["genhash"],
              "flags": int(e["hitl_flags"]), "spans": int(e["hitl_spans"])},
    "hitl_import": {"seconds": hitl, "items_per_second": round(n / hitl),
                    "peak_rss_kb": rss, "db_bytes": int(e["hitl_db_bytes"])},
    "hitl_import_small": {"items": small, "seconds": float(e["small_secs"]),
                          "peak_rss_kb": rss_small},
    "sqlite3_shell": {"version": e["sqlite3_version"], "seconds": shell,
                      "peak_rss_kb": int(e["shell_rss"])},
    "python_import": {"version": sys.version.split()[0], "seconds": py,
                      "peak_rss_kb": int(e["python_rss"]),
                      "ratio_python_over_hitl": round(py / hitl, 3)},
    "ratio_shell_over_hitl": round(ratio, 3),
    "goal_ratio": goal,
    "goal_met": ratio >= goal,
    "rss_ratio_n_over_small": round(rss_ratio, 3),
}
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, sys.argv[1])
PY

# --- the review workflow ----------------------------------------------------
sh "$bench/workflow.sh"

# --- the console ------------------------------------------------------------
sh "$bench/console.sh"

# --- exports ----------------------------------------------------------------
sh "$bench/export.sh"

# --- one record of 10,000 spans, redacted -----------------------------------
sh "$bench/spans.sh"

# --- the console on one item of 14,000 spans ----------------------------------
sh "$bench/console-spans.sh"

# --- PostgreSQL beside SQLite -------------------------------------------------
BENCH_INPUT=$input sh "$bench/postgres.sh"

# --- one table of everything --------------------------------------------------
python3 "$bench/report.py" "$bench/results.json"
