#!/bin/sh
# The README's key table is the one the console's binding table generates.
set -eu
: "${HITL:?}" "${SRCDIR:?}"
if [ "${HITL_TEST_BACKEND:-sqlite}" != sqlite ]; then
	echo "SKIP: keys: the key table has no database: its run on sqlite" \
	    "checks it"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/hitl-keys.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$HITL" review --keys >"$T/keys.md"
sed -n '/^<!-- keys: hitl review --keys -->$/,/^<!-- end of keys -->$/p' \
    "$SRCDIR/README.md" | sed '1d;$d' >"$T/readme.md"
if ! diff -u "$T/keys.md" "$T/readme.md"; then
	echo "FAIL: keys: README.md's key table is out of date;" \
	    "regenerate it with 'hitl review --keys'" >&2
	exit 1
fi
echo "PASS: keys"
