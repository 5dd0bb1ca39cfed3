#!/bin/sh
# The export benchmark (run by bench/run.sh): `hitl export --format
# decisions` of BENCH_ITEMS (default 1,000,000) decisions against the sqlite3
# shell writing the same JSON lines with json_object, from the same database,
# in one run, and hitl's peak memory at N/10 and N. The decisions (one
# approve per item) are made by hitl-stress decided in one transaction, each
# with its event, signed: a million claims at synchronous=FULL would take
# most of an hour.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
hitl=${HITL:-./hitl}
stress=${HITL_STRESS:-./tests/stress/hitl-stress}
sqlite3=${SQLITE3:-sqlite3}
n=${BENCH_ITEMS:-1000000}
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$stress" ] || die "no $stress (run 'make tests/stress/hitl-stress')"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-ebench.XXXXXX")
trap 'rm -rf "$work"' EXIT

decided() {
	"$stress" decided "$1" "$2" || die "setup failed"
}

decided "$work/small.db" $((n / 10))
decided "$work/big.db" "$n"
small=$(HITL_REVIEWER=bench python3 "$bench/peak-rss.py" "$hitl" --db \
    "$work/small.db" export --format decisions --since all \
    -o "$work/small.jsonl" 2>/dev/null) || die "hitl export failed"
big=$(HITL_REVIEWER=bench python3 "$bench/peak-rss.py" "$hitl" --db \
    "$work/big.db" export --format decisions --since all \
    -o "$work/hitl.jsonl" 2>/dev/null) || die "hitl export failed"
shell=$(python3 "$bench/peak-rss.py" "$sqlite3" "$work/big.db" \
    ".output $work/shell.jsonl" "SELECT json_object('decision', d.id,
    'item', i.ext_id, 'kind', i.kind, 'action', d.action, 'original', i.text,
    'final', i.text, 'labels', json_array(), 'reason', NULL, 'team', NULL,
    'severity', NULL, 'resolution', NULL, 'note', NULL,
    'reviewer', d.reviewer, 'shift', d.shift_id, 'decided_at', d.decided_at,
    'spent_ms', d.spent_ms, 'policy_version', d.policy_version,
    'undoes', d.undoes, 'audit_hash', a.hash, 'supersedes', NULL)
    FROM decisions d JOIN items i ON i.id = d.item_id
    JOIN audit a ON a.seq = d.audit_seq ORDER BY d.id") ||
    die "sqlite3 failed"
[ "$(wc -l <"$work/hitl.jsonl")" -eq "$n" ] || die "hitl wrote the wrong count"
[ "$(wc -l <"$work/shell.jsonl")" -eq "$n" ] || die "sqlite3 wrote the wrong count"

export n small big shell
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
h_secs, h_kb = map(float, e["big"].split())
s_secs, s_kb = map(float, e["small"].split())
sh_secs = float(e["shell"].split()[0])
ratio = sh_secs / h_secs if h_secs else float("inf")
print("export {:,} decisions (format decisions)".format(int(e["n"])))
print("  hitl export          {:.1f} s".format(h_secs))
print("  sqlite3 json_object  {:.1f} s".format(sh_secs))
print("  ratio (shell/hitl)   {:.2f}x   (goal >= 2x{})".format(
    ratio, "" if ratio >= 2 else ", MISSED"))
print("  peak RSS hitl        N/10: {:.0f} MB, N: {:.0f} MB (ratio {:.2f})"
      .format(s_kb / 1024, h_kb / 1024, h_kb / s_kb))
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
res["export"] = {"decisions": int(e["n"]), "hitl_seconds": h_secs,
                 "sqlite3_seconds": sh_secs, "ratio": round(ratio, 3),
                 "goal_ratio": 2, "peak_rss_kb_small": s_kb,
                 "peak_rss_kb": h_kb}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
