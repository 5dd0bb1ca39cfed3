#!/bin/sh
# Console screen tests, as tig's: each tests/tui/NAME.keys drives the real
# console from a key script in an off-screen terminal; every screen it dumps
# (":screen-dump FILE") must equal tests/tui/FILE. Terminal size, TERM,
# locale, time zone, clock and reviewer are pinned; stderr must stay empty.
# The queue is tests/data/tui.jsonl, or the file a "# data FILE" line names;
# the policy examples/policy.json, or the one a "# policy FILE" line names
# (under tests/data).
# each "# then hitl ARGS" line runs hitl ARGS after the import, as carol (a
# lead).
# UPDATE=1 rewrites the expected screens (review the diff before committing).
# On PostgreSQL each script has a database of its own; the header's name
# is the one difference (screen_diff).
. "$SRCDIR/tests/cli/lib.sh"
dir=$SRCDIR/tests/tui
failed=0
ran=0

for keys in "$dir"/*.keys; do
	name=$(basename "$keys" .keys)
	size=$(sed -n 's/^# size \([0-9]*x[0-9]*\)$/\1/p' "$keys")
	reviewer=$(sed -n 's/^# reviewer \(.*\)$/\1/p' "$keys")
	extra=$(sed -n 's/^# env \(.*\)$/\1/p' "$keys")
	data=$(sed -n 's/^# data \(.*\)$/\1/p' "$keys")
	policy=$(sed -n 's/^# policy \(.*\)$/\1/p' "$keys")
	w=${size%x*}
	h=${size#*x}
	work=$T/$name
	mkdir -p "$work"
	db=test.db
	[ "$BACKEND" = sqlite ] || db=$(newdb "$name")
	console_db "$db"
	# Set up at the console's time: the log's times never go backwards.
	# HOME is the console's: a server's key is kept under it.
	(cd "$work" && export HITL_NOW=1795780800 HOME="$work" &&
	    "$HITL" --db "$db" init --policy \
	    "$SRCDIR/${policy:+tests/data/}${policy:-examples/policy.json}" \
	    >/dev/null && "$HITL" --db "$db" import \
	    "$SRCDIR/tests/data/${data:-tui.jsonl}" >/dev/null)
	sed -n 's/^# then hitl \(.*\)$/\1/p' "$keys" | while read -r args; do
		(cd "$work" && export HITL_NOW=1795780800 HOME="$work" \
		    HITL_REVIEWER=carol && eval "\"\$HITL\" --db \"\$db\" $args" \
		    >/dev/null)
	done
	(cd "$work" && env -i PATH="$PATH" HOME="$work" TERM=xterm-256color \
	    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC COLUMNS="${w:-80}" \
	    LINES="${h:-24}" HITL_NOW=1795780800 \
	    HITL_REVIEWER="${reviewer:-bob}" $extra $CONSOLE_ENV \
	    timeout 30 "$HITL" --db "$CONSOLE_DB" review --script "$keys" \
	    </dev/null >"$work/stdout" 2>"$work/stderr") || {
		echo "FAIL: $name: the console exited with $?" >&2
		cat "$work/stderr" >&2
		failed=$((failed + 1))
		continue
	}
	ran=$((ran + 1))
	if [ -s "$work/stderr" ]; then
		echo "FAIL: $name: stderr is not empty:" >&2
		cat "$work/stderr" >&2
		failed=$((failed + 1))
	fi
	for dump in $(sed -n 's/^:screen-dump \(.*\)$/\1/p' "$keys"); do
		if [ ! -f "$work/$dump" ]; then
			echo "FAIL: $name: no screen $dump" >&2
			failed=$((failed + 1))
		elif [ "${UPDATE:-}" = 1 ]; then
			cp "$work/$dump" "$dir/$dump"
		elif ! console_header "$work/$dump" ||
		    ! screen_diff "$dir/$dump" "$work/$dump" >&2; then
			echo "FAIL: $name: screen $dump differs (above)" >&2
			failed=$((failed + 1))
		fi
	done
done
echo "screens: $ran scripts, $failed failures"
[ "$failed" -eq 0 ] || fail "$failed screens differ (above)"

# A typo in a script fails it, naming the line, instead of skipping what it
# meant to check.
db=typo.db
[ "$BACKEND" = sqlite ] || db=$(newdb typo)
console_db "$db"
HITL_NOW=1795780800 "$HITL" --db "$db" init \
    --policy "$SRCDIR/examples/policy.json" >/dev/null
for typo in ':screen-dmp x.screen|line 2: unknown command' \
    'j<Entr>|line 2: unknown key <Entr>' \
    ':screen-dump no/such/dir/x.screen|line 2: cannot write the screen dump'; do
	printf '# a typo\n%s\nq\n' "${typo%%|*}" >typo.keys
	expect_exit 65 env TERM=xterm-256color LANG=C.UTF-8 COLUMNS=80 \
	    LINES=24 HITL_NOW=1795780800 HITL_REVIEWER=bob $CONSOLE_ENV \
	    timeout 30 "$HITL" --db "$CONSOLE_DB" review --script typo.keys
	expect_err "key script ${typo#*|}"
done
pass
