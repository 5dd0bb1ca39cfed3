#!/bin/sh
# The export benchmark (run by bench/run.sh): `hitl export --format
# decisions` of BENCH_ITEMS (default 1,000,000) decisions against the sqlite3
# shell writing the same JSON lines with json_object, from the same database,
# in one run, and hitl's peak memory at N/10 and N. The decisions (one
# approve per item) are made by hitl-stress decided in one transaction, each
# with its event, signed: a million claims at synchronous=FULL would take
# most of an hour.
#
# The goal (issue 12): memory flat (peak RSS at N within 1.2x of N/10), and
# no slower against the shell than before that issue. "Before" is measured
# in this run when BENCH_BASELINE names the build directory of an earlier
# commit (its ./hitl exports a database of the same decisions that its own
# hitl-stress makes, between hitl and the shell;
# BENCH_BASELINE_LABEL names it in the output, by default the directory);
# otherwise it is the ratio recorded then: 0.558 (hitl 4.126 s, shell 2.304
# s, 1,000,000 decisions, 2026-12-02). Each time is the best of
# BENCH_EXPORT_ROUNDS (default 1) rounds; the machine's speed drifts, so a
# baseline measured in the same run is the fairer one. About 1.5 minutes at
# 1,000,000 (most of it making the decisions), a minute more per round.
set -eu

bench=$(cd "$(dirname "$0")" && pwd)
hitl=${HITL:-./hitl}
stress=${HITL_STRESS:-./tests/stress/hitl-stress}
sqlite3=${SQLITE3:-sqlite3}
n=${BENCH_ITEMS:-1000000}
rounds=${BENCH_EXPORT_ROUNDS:-1}
baseline=${BENCH_BASELINE:-}
baseline_label=${BENCH_BASELINE_LABEL:-$baseline}
recorded_ratio=0.558
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$stress" ] || die "no $stress (run 'make tests/stress/hitl-stress')"
case $rounds in '' | *[!0-9]* | 0) die "BENCH_EXPORT_ROUNDS must be a number > 0" ;; esac
[ -z "$baseline" ] || { [ -x "$baseline/hitl" ] &&
    [ -x "$baseline/tests/stress/hitl-stress" ]; } ||
    die "BENCH_BASELINE=$baseline has no ./hitl and ./tests/stress/hitl-stress (make hitl tests/stress/hitl-stress there)"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hitl-ebench.XXXXXX")
trap 'rm -rf "$work"' EXIT

decided() {
	"$stress" decided "$1" "$2" || die "setup failed"
}

decided "$work/small.db" $((n / 10))
decided "$work/big.db" "$n"
# The baseline reads a database of its own schema, made by its own
# hitl-stress from the same generator: an older hitl does not open a newer
# database.
[ -z "$baseline" ] || "$baseline/tests/stress/hitl-stress" decided \
    "$work/base.db" "$n" || die "the baseline's setup failed"

# export HITL DB OUT: "SECONDS PEAK_KB" of one decisions export.
export_decisions() {
	HITL_REVIEWER=bench python3 "$bench/peak-rss.py" "$1" --db "$2" \
	    export --format decisions --since all -o "$3" 2>>"$work/log" ||
	    { tail -n 20 "$work/log" >&2; die "$1 export failed"; }
}

# best A B: of two "SECONDS PEAK_KB" lines (A may be empty), the faster.
best() {
	if [ -z "$1" ] || awk -v a="${1%% *}" -v b="${2%% *}" \
	    'BEGIN { exit !(b + 0 < a + 0) }'; then
		echo "$2"
	else
		echo "$1"
	fi
}

small=$(export_decisions "$hitl" "$work/small.db" "$work/small.jsonl")
big= shell= base=
i=0
while [ "$i" -lt "$rounds" ]; do
	r=$(export_decisions "$hitl" "$work/big.db" "$work/hitl.jsonl")
	big=$(best "$big" "$r")
	if [ -n "$baseline" ]; then
		r=$(export_decisions "$baseline/hitl" "$work/base.db" \
		    "$work/base.jsonl")
		base=$(best "$base" "$r")
	fi
	s=$(python3 "$bench/peak-rss.py" "$sqlite3" "$work/big.db" \
	    ".output $work/shell.jsonl" "SELECT json_object('decision', d.id,
	    'item', i.ext_id, 'kind', i.kind, 'action', d.action, 'original', i.text,
	    'final', i.text, 'labels', json_array(), 'reason', NULL, 'team', NULL,
	    'severity', NULL, 'resolution', NULL, 'note', NULL,
	    'reviewer', d.reviewer, 'shift', d.shift_id, 'decided_at', d.decided_at,
	    'spent_ms', d.spent_ms, 'policy_version', d.policy_version,
	    'undoes', d.undoes, 'audit_hash', a.hash, 'supersedes', NULL)
	    FROM decisions d JOIN items i ON i.id = d.item_id
	    JOIN audit a ON a.seq = d.audit_seq ORDER BY d.id" 2>>"$work/log") ||
	    die "sqlite3 failed"
	shell=$(best "$shell" "$s")
	i=$((i + 1))
done
[ "$(wc -l <"$work/hitl.jsonl")" -eq "$n" ] || die "hitl wrote the wrong count"
[ "$(wc -l <"$work/shell.jsonl")" -eq "$n" ] || die "sqlite3 wrote the wrong count"
[ -z "$baseline" ] || [ "$(wc -l <"$work/base.jsonl")" -eq "$n" ] ||
    die "the baseline wrote the wrong count"

export n small big shell base baseline_label rounds recorded_ratio
python3 - "$bench/results.json" <<'PY'
import json, os, sys

e = os.environ
h_secs, h_kb = map(float, e["big"].split())
s_secs, s_kb = map(float, e["small"].split())
sh_secs = float(e["shell"].split()[0])
ratio = sh_secs / h_secs if h_secs else float("inf")
rss_ratio = h_kb / s_kb
if e["base"]:
    b_secs = float(e["base"].split()[0])
    goal = sh_secs / b_secs if b_secs else float("inf")
    source = "{} measured in this run: {:.1f} s".format(e["baseline_label"],
                                                     b_secs)
else:
    b_secs = None
    goal = float(e["recorded_ratio"])
    source = "recorded before issue 12 at 1,000,000, 2026-12-02"
met = ratio >= goal
rss_met = rss_ratio <= 1.2
print("export {:,} decisions (format decisions, best of {})".format(
    int(e["n"]), e["rounds"]))
print("  hitl export          {:.1f} s".format(h_secs))
print("  sqlite3 json_object  {:.1f} s".format(sh_secs))
print("  ratio (shell/hitl)   {:.2f}x   (goal: no slower than before, "
      ">= {:.2f}x, {}; {})".format(ratio, goal, source,
                                   "met" if met else "MISSED"))
print("  peak RSS hitl        N/10: {:.0f} MB, N: {:.0f} MB (ratio {:.2f}; "
      "goal flat, <= 1.2; {})".format(s_kb / 1024, h_kb / 1024, rss_ratio,
                                     "met" if rss_met else "MISSED"))
path = sys.argv[1]
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {}
res["export"] = {"decisions": int(e["n"]), "rounds": int(e["rounds"]),
                 "hitl_seconds": h_secs, "sqlite3_seconds": sh_secs,
                 "ratio": round(ratio, 3), "goal_ratio": round(goal, 3),
                 "goal_source": source, "baseline_seconds": b_secs,
                 "goal_met": met, "peak_rss_kb_small": s_kb,
                 "peak_rss_kb": h_kb, "rss_ratio": round(rss_ratio, 3),
                 "rss_goal_met": rss_met}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
