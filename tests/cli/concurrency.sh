#!/bin/sh
# Eight reviewer processes drain 10,000 items: each item is decided exactly
# once and the chain verifies; then again with workers killed (SIGKILL) at
# random moments: no committed decision is lost and the database is intact.
set -eu
: "${HITL_STRESS:?}"
# tmpfs when there is one: this checks the locking, not the disk.
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
T=$(mktemp -d "$base/hitl-stress.XXXXXX")
trap 'rm -rf "$T"' EXIT

out=$("$HITL_STRESS" "$T/run.db" 10000 8) || {
	echo "FAIL: concurrency: $out" >&2; exit 1; }
echo "$out"
echo "$out" | grep -q "items: 10000, decided: 10000, decisions: 10000, decided twice: 0"
echo "$out" | grep -q "audit chain verified"

out=$("$HITL_STRESS" "$T/crash.db" 10000 8 25 "$T/crash.log") || {
	echo "FAIL: crash: $out" >&2; exit 1; }
echo "$out"
echo "$out" | grep -q "integrity_check: ok"
echo "$out" | grep -q "decided twice: 0"
echo "$out" | grep -q "missing: 0"
echo "PASS: concurrency"
