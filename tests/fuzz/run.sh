#!/bin/sh
# make fuzz: runs each libFuzzer target for SECONDS on its seed corpus (the
# seeds are read, never written: new inputs go to a scratch corpus here) and
# prints one line per target. A crash leaves its input as crash-TARGET-* and
# fails the run; make it a regression test in tests/unit.
# Usage: run.sh SRCDIR/tests/fuzz SECONDS TARGET...
set -u

seeds=$1
secs=$2
shift 2
failed=0
for t in "$@"; do
	name=$(basename "$t")
	corpus=${t%/*}/scratch/${name#fuzz-}
	mkdir -p "$corpus"
	log=${t%/*}/$name.log
	"$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	    -rss_limit_mb=2048 -dict="$seeds/json.dict" \
	    -artifact_prefix="${t%/*}/crash-$name-" \
	    "$corpus" "$seeds/corpus/${name#fuzz-}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc) after ${runs:-?} runs:" \
		    "see $log" >&2
		tail -n 40 "$log" >&2
		failed=1
	else
		echo "fuzz: $name: ${runs:-?} runs in $secs s, no failure"
	fi
done
exit "$failed"
