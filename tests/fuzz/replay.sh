#!/bin/sh
# make check: every fuzz target replays its seed corpus, which also keeps
# every input that ever crashed one (named crash-*), without libFuzzer.
set -eu

build=$(dirname "$HITL")/tests/fuzz
for t in record import policy payload utf8 text; do
	out=$("$build/replay-$t" "$SRCDIR/tests/fuzz/corpus/$t"/*) || {
		echo "FAIL: replay: fuzz-$t crashed on its corpus" >&2
		exit 1
	}
	echo "replay-$t: $out"
done
echo "PASS: replay"
