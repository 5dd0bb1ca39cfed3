#!/bin/sh
# The PostgreSQL benchmarks (run by bench/run.sh), each beside SQLite's in
# the same run: import of BENCH_ITEMS items (BENCH_INPUT, the import
# benchmark's file); the claim+decide cycle at 1,000 queued and at N;
# decisions per second with 8 and with 32 reviewer processes; export of N
# decisions. The server is a throwaway cluster of tests/pg/cluster.sh made
# durable (fsync and synchronous commits on, as SQLite's synchronous=FULL).
# Adds its numbers to bench/results.json; skipped without a server.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$bench")
hitl=${HITL:-./hitl}
stress=${HITL_STRESS:-./tests/stress/hitl-stress}
n=${BENCH_ITEMS:-1000000}
cycles=${BENCH_CYCLES:-500}
conc_items=${BENCH_CONC_ITEMS:-20000}
input=${BENCH_INPUT:?the input file of the import benchmark}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$stress" ] || die "no $stress (run 'make tests/stress/hitl-stress')"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-pgbench.XXXXXX")
# As root the server runs as postgres, which must reach its directory.
chmod 711 "$work"
# The servers' signing keys, for hitl and hitl-stress alike.
XDG_CONFIG_HOME=$work/cfg
export XDG_CONFIG_HOME
mkdir -m 700 "$XDG_CONFIG_HOME" "$XDG_CONFIG_HOME/hitl"
cluster="env HITL_PG_DIR=$work/pg HITL_PG_DURABLE=1 HITL_PG_WATCH= sh $srcdir/tests/pg/cluster.sh"
trap '$cluster stop >/dev/null 2>&1 || :; rm -rf "$work"' EXIT
rc=0
$cluster start >/dev/null 2>"$work/start.log" || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "bench: no PostgreSQL server: its rows are left out" >&2
	exit 0
fi
[ "$rc" -eq 0 ] || { cat "$work/start.log" >&2; die "no cluster"; }

newdb() { $cluster newdb "$1" 2>/dev/null; }
elapsed() {
	python3 -c 'import subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
sys.exit(r.returncode) if r.returncode else print("%.3f" % (time.monotonic() - t))' "$@"
}

# --- import of N items: the same file into each backend ------------------
sq=$work/import.db
"$hitl" --db "$sq" init --policy "$srcdir/examples/policy.json" >/dev/null
sq_import=$(elapsed "$hitl" --db "$sq" import --quiet "$input") ||
    die "hitl import into SQLite failed"
rm -f "$sq" "$sq-wal" "$sq-shm"
big=$(newdb hitl_bench_big)
"$hitl" --db "$big" init --policy "$srcdir/examples/policy.json" >/dev/null
pg_import=$(elapsed "$hitl" --db "$big" import --quiet "$input") ||
    die "hitl import into PostgreSQL failed"
echo "bench: import $n: SQLite $sq_import s, PostgreSQL $pg_import s" >&2

# --- claim+decide at 1,000 and at N queued --------------------------------
cycle() { "$stress" cycle "$@" | sed -n 's/^cycle_us //p'; }
pg_small_us=$(cycle "$(newdb hitl_bench_small)" 1000 "$cycles") ||
    die "cycle at 1000 failed"
pg_big_us=$(HITL_REVIEWER= cycle "$big" 0 "$cycles") || die "cycle at $n failed"
echo "bench: claim+decide on PostgreSQL: $pg_small_us us at 1000," \
    "$pg_big_us us at $n" >&2

# --- reviewers at once ----------------------------------------------------
dps() {
	"$stress" "$@" | sed -n 's/^decisions per second: //p'
}
sq8=$(dps "$work/c8.db" "$conc_items" 8) || die "SQLite, 8 failed"
sq32=$(dps "$work/c32.db" "$conc_items" 32) || die "SQLite, 32 failed"
pg8=$(dps "$(newdb hitl_bench_c8)" "$conc_items" 8) || die "PostgreSQL, 8 failed"
pg32=$(dps "$(newdb hitl_bench_c32)" "$conc_items" 32) ||
    die "PostgreSQL, 32 failed"
echo "bench: decisions/s: SQLite $sq8 (8) $sq32 (32)," \
    "PostgreSQL $pg8 (8) $pg32 (32)" >&2

# --- export of N decisions --------------------------------------------------
# One approve per item, made as bench/export.sh makes them for SQLite (a
# million claims would take hours), then hitl export from the server.
exp=$(newdb hitl_bench_export)
"$stress" decided "$exp" "$n" || die "PostgreSQL export set-up failed"
pg_export=$(HITL_REVIEWER=bench elapsed "$hitl" --db "$exp" export \
    --format decisions --since all -o "$work/pg.jsonl") ||
    die "hitl export from PostgreSQL failed"
pg_lines=$(wc -l <"$work/pg.jsonl" | tr -d ' ')
echo "bench: export of $pg_lines decisions from PostgreSQL: $pg_export s" >&2

export n cycles sq_import pg_import pg_small_us pg_big_us sq8 sq32 pg8 pg32 \
    pg_export pg_lines conc_items
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
n = int(e["n"])
small, big = float(e["pg_small_us"]), float(e["pg_big_us"])
sq8, pg32 = float(e["sq8"]), float(e["pg32"])
sq_exp = res.get("export", {}).get("hitl_seconds")
print("PostgreSQL beside SQLite (durable commits on both)")
print("  import {:,} items      SQLite {:.1f} s, PostgreSQL {:.1f} s "
      "({:.2f}x)".format(n, float(e["sq_import"]), float(e["pg_import"]),
                         float(e["pg_import"]) / float(e["sq_import"])))
print("  claim+decide           {:.0f} us at 1,000, {:.0f} us at {:,} "
      "({:.2f}x, goal <= 1.5x{})".format(small, big, n, big / small,
      "" if big / small <= 1.5 else ", MISSED"))
print("  8 reviewers            SQLite {:.0f}/s, PostgreSQL {:.0f}/s".format(
      sq8, float(e["pg8"])))
print("  32 reviewers           SQLite {:.0f}/s, PostgreSQL {:.0f}/s".format(
      float(e["sq32"]), pg32))
print("  PostgreSQL 32 / SQLite 8: {:.2f}x (goal >= 4x{})".format(
      pg32 / sq8, "" if pg32 / sq8 >= 4 else ", MISSED"))
print("  export {:,} decisions  PostgreSQL {:.1f} s{}".format(
      int(e["pg_lines"]), float(e["pg_export"]),
      "" if sq_exp is None else ", SQLite {:.1f} s".format(sq_exp)))
res["postgresql"] = {
    "import": {"items": n, "sqlite_seconds": float(e["sq_import"]),
               "postgresql_seconds": float(e["pg_import"])},
    "claim_decide": {"cycles": int(e["cycles"]), "us_at_1000": small,
                     "us_at_n": big, "n": n, "ratio": round(big / small, 3),
                     "goal_ratio_max": 1.5},
    "concurrent": {"items": int(e["conc_items"]),
                   "sqlite_8": sq8, "sqlite_32": float(e["sq32"]),
                   "postgresql_8": float(e["pg8"]), "postgresql_32": pg32,
                   "ratio_pg32_over_sqlite8": round(pg32 / sq8, 3),
                   "goal_ratio": 4},
    "export": {"decisions": int(e["pg_lines"]),
               "postgresql_seconds": float(e["pg_export"]),
               "sqlite_seconds": sq_exp},
}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
