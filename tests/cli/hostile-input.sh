#!/bin/sh
# hitl import of hostile input: the corpus in tests/data/hostile (one file
# per case), a 10 MB line and a line past 64 MiB made here. Each case is
# either imported with its text byte-exact, or refused whole (exit 65, the
# line and field named, the database untouched); with --skip-invalid its good
# lines are imported and its bad ones written verbatim to the rejects file.
# Then hostile policies and decision payloads: refused, nothing changed.
. "$SRCDIR/tests/cli/lib.sh"

C=$SRCDIR/tests/data/hostile

# The whole database (db_sum): a refused import must leave every table as
# it was.
TEST_DB=$HITL_DB
CR=$(printf '\r')

# refused CASE LINE...: an atomic import of CASE.jsonl exits 65, names each
# LINE and no other, and changes nothing.
refused() {
	_case=$1
	shift
	step "refused: $_case"
	_before=$(db_sum "$HITL_DB")
	expect_exit 65 "$HITL" import "$C/$_case.jsonl"
	[ "$(db_sum "$HITL_DB")" = "$_before" ] ||
	    fail "$_case: the import was refused but the database changed" \
	    "$T/err"
	expect_err "nothing was imported: $# of "
	for _n in "$@"; do
		grep -F -q -e "$_case.jsonl: line $_n: " "$T/err" ||
		    fail "$_case: no error for line $_n" "$T/err"
	done
	expect_eq "$_case: lines reported" \
	    "$(grep -c -F -e "$_case.jsonl: line " "$T/err")" $#
}

# line_err CASE LINE: the message for that line (without file and line).
line_err() {
	sed -n "s/^hitl import: .*$1[.]jsonl: line $2: //p" "$T/err"
}

# expect_line CASE LINE MESSAGE: the error for that line has MESSAGE.
expect_line() {
	step "$1 line $2: $3"
	line_err "$1" "$2" | grep -F -q -e "$3" ||
	    fail "$1: the error for line $2 lacks \"$3\"" "$T/err"
}

# pick FILE LINE...: those lines of FILE, each with its newline (a file's
# last line may lack one; in a rejects file it cannot).
pick() {
	_f=$1
	shift
	{
		cat "$_f"
		[ "$(tail -c 1 "$_f" | wc -l)" -eq 1 ] || echo
	} >"$T/whole"
	for _n in "$@"; do
		sed -n "${_n}p" "$T/whole"
	done
}

# skipped CASE GOOD LINE...: with --skip-invalid, CASE.jsonl exits 0 and
# imports GOOD records; each LINE is reported with its reason and written,
# verbatim and in order, to the rejects file.
skipped() {
	_case=$1
	_good=$2
	shift 2
	step "skipped: $_case"
	expect_exit 0 "$HITL" import --skip-invalid --rejects "$_case.rej" \
	    "$C/$_case.jsonl"
	expect_out "imported $_good: "
	expect_out "; invalid $#"
	for _n in "$@"; do
		grep -F -q -e "$_case.jsonl: line $_n: " "$T/err" ||
		    fail "$_case: no reason given for line $_n" "$T/err"
	done
	pick "$C/$_case.jsonl" "$@" >"$_case.want"
	cmp -s "$_case.rej" "$_case.want" ||
	    fail "$_case: the rejects file is not the invalid lines verbatim" \
	    "$_case.rej" "$_case.want"
}

# text_hex ID: the stored text (response or text) of an item, in hex.
text_hex() {
	sql "SELECT hex(text) FROM items WHERE ext_id = '$1'"
}

items() {
	sql "SELECT count(*) FROM items"
}

# A database with something in it, so that "unchanged" means something.
expect_exit 0 "$HITL" init
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/small.jsonl"
expect_out "imported 5:"

# --- framing: empty files, line ends, byte order marks -----------------------

# Nothing to import is not an error; whitespace-only lines are blank lines.
for c in empty blank-lines; do
	n=$(items)
	expect_exit 0 "$HITL" import "$C/$c.jsonl"
	expect_out "imported 0: queued 0, auto-decided 0; duplicates 0;"
	expect_out "; invalid 0"
	expect_no_err
	expect_eq "$c: items" "$(items)" "$n"
done

# The last record without "\n" is a record, to its last byte, and its line
# is the same on a second import (a duplicate, not a conflict).
expect_exit 0 "$HITL" import "$C/no-final-newline.jsonl"
expect_out "imported 2:"
expect_eq "text of the unterminated line" "$(text_hex nfn-2)" 636166C3A9
expect_eq "raw of the unterminated line" \
    "$(sql "SELECT raw FROM items WHERE ext_id = 'nfn-2'")" \
    "$(sed -n 2p "$C/no-final-newline.jsonl")"
expect_eq "line of the unterminated line" \
    "$(sql "SELECT src_line FROM items WHERE ext_id = 'nfn-2'")" 2
expect_exit 0 "$HITL" import "$C/no-final-newline.jsonl"
expect_out "imported 0: queued 0, auto-decided 0; duplicates 2"

# CRLF ends go; an escaped \r\n inside the text is content and stays; the
# CRLF blank line still counts as a line.
expect_exit 0 "$HITL" import "$C/crlf.jsonl"
expect_out "imported 3:"
expect_eq "stored CRLF lines with a CR" "$(sql "SELECT count(*) FROM items
    WHERE ext_id LIKE 'crlf-%' AND instr(raw, '$CR') > 0")" 0
expect_eq "escaped CR LF in the text" "$(text_hex crlf-2)" 610D0A62
expect_eq "line after a CRLF blank line" \
    "$(sql "SELECT src_line FROM items WHERE ext_id = 'crlf-2'")" 3

# The file's BOM is not stored; a U+FEFF inside a string is text.
expect_exit 0 "$HITL" import "$C/bom.jsonl"
expect_out "imported 2:"
expect_eq "first byte of the line after the BOM" "$(sql "SELECT
    hex(substr(raw, 1, 1)) FROM items WHERE ext_id = 'bom-1'")" 7B
expect_eq "U+FEFF in the text" "$(text_hex bom-1)" EFBBBF6B657074

# --- a 10 MB line ------------------------------------------------------------

# Escapes, 2-, 3- and 4-byte characters throughout, so that some straddle
# the reader's 1 MiB reads; the expected text's hex is hashed, not kept.
python3 - <<'EOF'
import hashlib, json
unit = "ab\u00e9\n\"\\ \u65e5\u672c \U0001F600 " * 8
text = unit * (10 * 1000 * 1000 // len(unit.encode()) + 1)
line = json.dumps({"id": "big-2", "kind": "model_output", "response": text},
    ensure_ascii=False).replace("\u00e9", "\\u00e9")
with open("big.jsonl", "w", encoding="utf-8") as f:
    f.write('{"id": "big-1", "kind": "model_output", "response": "a"}\n')
    f.write(line + "\n")
    f.write('{"id": "big-3", "kind": "model_output", "response": "c"}\n')
with open("big-line.jsonl", "w", encoding="utf-8") as f:
    f.write(line + "\n")
with open("big.sha", "w") as f:
    f.write(hashlib.sha256(text.encode().hex().upper().encode()).hexdigest())
EOF
len=$(($(sed -n 2p big.jsonl | wc -c) - 1))
[ "$len" -gt 10000000 ] || fail "the long line has only $len bytes"

# In a database of its own, so that the other cases' dumps stay small.
HITL_DB=$(newdb big)
expect_exit 0 "$HITL" init
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/small.jsonl"

# Over the default limit of 1 MiB: refused with its size, and not read whole.
before=$(db_sum "$HITL_DB")
expect_exit 65 "$HITL" import big.jsonl
[ "$(db_sum "$HITL_DB")" = "$before" ] ||
    fail "the database changed although the 10 MB line was refused" "$T/err"
expect_err "big.jsonl: line 2: line is $len bytes, longer than the limit"
expect_err "--max-line"
expect_no_err "line 1:"
expect_no_err "line 3:"
expect_exit 0 "$HITL" import --skip-invalid --rejects big.rej big.jsonl
expect_out "imported 2:"
expect_out "; invalid 1"
sed -n 2p big.jsonl >big.want
cmp -s big.rej big.want ||
    fail "the 10 MB line was not written whole to the rejects file
    ($(wc -c <big.rej) bytes written, the line has $(wc -c <big.want))"
# Under a limit raised for it, stored byte-exact.
expect_exit 0 "$HITL" import --max-line 16777216 big-line.jsonl
expect_out "imported 1:"
expect_eq "SHA-256 of the 10 MB text's hex" \
    "$(text_hex big-2 | tr -d '\n' | sha256sum | cut -d ' ' -f 1)" \
    "$(cat big.sha)"

# A rejected line is written whole however long it is: past --max-line the
# reader hands it to the rejects file as it reads it, holding no more than
# the limit (it used to be cut at 64 MiB without a word). Here a line just
# over 64 MiB, with "\r" bytes where the 1 MiB reads split it, and a CRLF end
# (the "\r" goes, as for every line).
python3 - <<'EOF'
import hashlib
n = 64 * 1024 * 1024 + 1
unit = b'ab\r"'
line = b'{' + (unit * (n // len(unit) + 1))[:n - 2] + b'}'
with open("huge.jsonl", "wb") as f:
    f.write(b'{"id": "huge-1", "kind": "model_output", "response": "a"}\n')
    f.write(line + b'\r\n')
    f.write(b'{"id": "huge-3", "kind": "model_output", "response": "c"}\n')
with open("huge.sha", "w") as f:
    f.write(hashlib.sha256(line + b'\n').hexdigest())
EOF
expect_exit 0 "$HITL" import --skip-invalid --rejects huge.rej huge.jsonl
expect_out "imported 2:"
expect_out "; invalid 1"
expect_err "huge.jsonl: line 2: line is 67108865 bytes, longer than the limit"
expect_eq "size of the rejects file" "$(wc -c <huge.rej)" 67108866
expect_eq "SHA-256 of the rejects file" \
    "$(sha256sum huge.rej | cut -d ' ' -f 1)" "$(cat huge.sha)"
rm -f huge.jsonl huge.rej
HITL_DB=$TEST_DB

# --- encodings ---------------------------------------------------------------

# Bytes that are not UTF-8: the byte is named, since there is no field yet.
refused invalid-utf8 2 3 4 5 6
expect_line invalid-utf8 2 "invalid UTF-8 at byte 56"
expect_line invalid-utf8 3 "invalid UTF-8 at byte 12"
expect_line invalid-utf8 4 "invalid UTF-8 at byte 53"
expect_line invalid-utf8 5 "invalid UTF-8 at byte 72"
expect_line invalid-utf8 6 "invalid UTF-8 at byte 56"
# The same from standard input, and with a valid file before it.
printf '{"id": "iu-other", "kind": "model_output", "response": "a"}\n' \
    >other.jsonl
before=$(db_sum "$HITL_DB")
expect_exit 65 "$HITL" import other.jsonl - <"$C/invalid-utf8.jsonl"
[ "$(db_sum "$HITL_DB")" = "$before" ] ||
    fail "the database changed although the import was refused" "$T/err"
expect_err "stdin: line 2: invalid UTF-8"
expect_no_err "other.jsonl"
skipped invalid-utf8 2 2 3 4 5 6
expect_eq "text of valid multibyte UTF-8" "$(text_hex iu-1)" \
    636166C3A920F09F988020E697A5E69CAC

# Overlong forms (one of them a quote), UTF-8-encoded surrogates (CESU-8),
# code points past U+10FFFF; the boundaries of each length are valid.
refused overlong-utf8 2 3 4 5 6 7 8 9 10
for n in 2 3 4 5 6 7 8 9; do
	expect_line overlong-utf8 $n "invalid UTF-8 at byte 53"
done
expect_line overlong-utf8 10 "invalid UTF-8 at byte 55"
skipped overlong-utf8 1 2 3 4 5 6 7 8 9 10
expect_eq "text of the boundary code points" "$(text_hex ol-1)" \
    C280DFBFE0A080ED9FBFEE8080EFBFBFF0908080F48FBFBF

# \u escapes of unpaired UTF-16 halves: no UTF-8 can hold them. The byte
# named is the escape's backslash.
refused lone-surrogate 2 3 4 5 6 7 8
expect_line lone-surrogate 2 "invalid JSON at byte 57"
for n in 3 4 5 6; do
	expect_line lone-surrogate $n "invalid JSON at byte 53"
done
expect_line lone-surrogate 7 "invalid JSON at byte 71"
expect_line lone-surrogate 8 "invalid JSON at byte 12"
skipped lone-surrogate 1 2 3 4 5 6 7 8
expect_eq "text of escaped surrogate pairs" "$(text_hex ls-1)" \
    F09F988020F09F9880

# A file saved as UTF-16: refused from its first byte, nothing guessed.
refused utf16 1 2
expect_line utf16 1 "the file is UTF-16"
expect_line utf16 2 "NUL byte"
skipped utf16 0 1 2

# \u0000 would end the string early for C; an escaped backslash before
# "u0000" is text, and other escaped controls are allowed.
refused nul-escape 2 3 4 5 6
for n in 2 3 4 5 6; do
	expect_line nul-escape $n '\u0000 (NUL) is not allowed'
done
skipped nul-escape 1 2 3 4 5 6
expect_eq "text with an escaped backslash and U+0001" "$(text_hex nul-1)" \
    615C7530303030622001

# A \u without four hex digits: cJSON took "\u00G0" for NUL and cut the
# string there ("Visible\u00G0 HIDDEN" was stored as "Visible"), in a key as
# in a value. Escapes JSON does not have are refused, saying which it has.
# The byte named is the backslash.
refused bad-escape 2 3 4 5 6 7 8 9 11
expect_line bad-escape 2 'invalid JSON at byte 60: "\u00G0" is not an escape: \u must be followed by four hex digits (0-9, a-f)'
expect_line bad-escape 3 'invalid JSON at byte 78: "\u00zz" is not an escape'
expect_line bad-escape 4 'at byte 54: "\u12" is not an escape'
expect_line bad-escape 5 'at byte 54: \x is not a JSON escape (expected \" \\ \/ \b \f \n \r \t or \u and four hex digits)'
expect_line bad-escape 6 'at byte 59: "\u00zz" is not an escape'
expect_line bad-escape 7 'at byte 11: "\u00G0" is not an escape'
expect_line bad-escape 8 'at byte 53: \U is not a JSON escape'
expect_line bad-escape 9 "at byte 55: \\' is not a JSON escape"
expect_line bad-escape 11 'at byte 69: "\u" is not an escape'
skipped bad-escape 2 2 3 4 5 6 7 8 9 11
expect_eq "text of an escaped backslash before u00G0, and JSON's escapes" \
    "$(text_hex be-1)" 615C753030473020C3A9C3A9202F20080C0A0D0920227122
expect_eq "text of a pair and an escape" "$(text_hex be-10)" F09F988020C3A9
expect_eq "records cut at a broken escape" "$(sql "SELECT count(*) FROM items
    WHERE ext_id LIKE 'be%' AND ext_id NOT IN ('be-1', 'be-10')")" 0

# Raw NUL bytes, in a string, and after a record where a reader stopping at
# NUL would not see the rest.
refused nul-byte 2 3 4
expect_line nul-byte 2 "control character 0x00 inside a string"
expect_line nul-byte 3 "NUL byte"
expect_line nul-byte 4 "NUL byte"
skipped nul-byte 1 2 3 4
expect_eq "records after a NUL byte" \
    "$(sql "SELECT count(*) FROM items WHERE ext_id = 'nulb-3'")" 0

# --- ids and names -----------------------------------------------------------

# NFC and NFD spellings of "café", and "a1" and "a1 ", would be distinct
# items that print the same; invisible and blank-looking characters would
# reach the console as they are. Ids and every name in a record are refused
# for them, with the byte and what it is; an id not in NFC is given back in
# its NFC spelling, escaped so that the two read differently.
refused bad-id 2 4 5 6 7 8 9 10 12 13 14 15 16 17 18 19 20 21 23
expect_line bad-id 2 'id: not in Unicode normalization form C ("cafe\u0301"); its NFC spelling is "caf\u00e9"'
expect_line bad-id 4 "id: ends with a space"
expect_line bad-id 5 "id: starts with a space"
expect_line bad-id 6 "id: contains a control or invisible character at byte 2 (U+3164, a blank-looking character)"
expect_line bad-id 7 "(U+2800, a blank-looking character)"
expect_line bad-id 8 "(U+034F, a default-ignorable character)"
expect_line bad-id 9 "(U+FE0F, a default-ignorable character)"
expect_line bad-id 10 "(U+206A, a format character)"
expect_line bad-id 12 "(U+00A0, white space other than a space)"
expect_line bad-id 13 "(U+115F, a blank-looking character)"
expect_line bad-id 14 "(U+1160, a blank-looking character)"
expect_line bad-id 15 "(U+FFA0, a blank-looking character)"
expect_line bad-id 16 "(U+200B, a format character)"
expect_line bad-id 17 "(U+3000, white space other than a space)"
expect_line bad-id 18 'flags[0].type: not in Unicode normalization form C ("bias.a\u0301ge"); its NFC spelling is "bias.\u00e1ge"'
expect_line bad-id 19 "spans[0].entity_type: ends with a space"
expect_line bad-id 20 "source.model: contains a control or invisible character at byte 4 (U+2800"
expect_line bad-id 21 "flags[0].detector: contains a control or invisible character at byte 4 (U+200D"
expect_line bad-id 23 'id: not in Unicode normalization form C ("cafe\u0301 raw")'
for b in '\343\205\244' '\342\240\200' '\315\217' '\357\270\217' '\342\201\252'; do
	! grep -F -q -e "$(printf "$b")" "$T/err" ||
	    fail "an error message has the raw character(s) $b" "$T/err"
done
skipped bad-id 4 2 4 5 6 7 8 9 10 12 13 14 15 16 17 18 19 20 21 23
expect_eq "ids kept: NFC, inner space, emoji" "$(sql "SELECT
    group_concat(hex(ext_id), ' ') FROM (SELECT ext_id FROM items
    WHERE src_file LIKE '%bad-id.jsonl' ORDER BY src_line) AS i")" \
    "636166C3A9 6131 612062 F09F98802D3232"

# --- structure ---------------------------------------------------------------

# 64 levels are allowed, 65 are not, nor 10000 (beyond cJSON's recursion
# limit); brackets inside a string (after \" and before \\") are text.
refused deep-nesting 2 3 5
expect_line deep-nesting 2 "nested deeper than 64 levels"
expect_line deep-nesting 3 "nested deeper than 64 levels"
expect_line deep-nesting 5 "invalid JSON"
skipped deep-nesting 2 2 3 5
expect_eq "objects kept in metadata 64 levels deep" "$(sql "SELECT
    length(metadata) - length(replace(metadata, '{', '')) FROM items
    WHERE ext_id = 'deep-64'")" 63
want=22
i=0
while [ $i -lt 100 ]; do
	want=${want}5B7B
	i=$((i + 1))
done
expect_eq "text of brackets in a string" "$(text_hex deep-4)" "${want}5C"

# The wrong JSON type, named with its path and both types.
refused number-for-string 2 3 4 5 6 7 8 9 10 11 12 13 14 15
expect_line number-for-string 2 "response: expected a string, got a number"
expect_line number-for-string 3 "12345678901234567890 is too large to keep exactly"
expect_line number-for-string 4 "kind: expected a string, got a number"
expect_line number-for-string 5 "flags[1].type: expected a string, got a number"
expect_line number-for-string 6 \
    "messages[0].content: expected a string or a non-empty array of text parts, got a number"
expect_line number-for-string 7 "source.model: expected a string, got a number"
expect_line number-for-string 8 "created_at: expected a string, got a number"
expect_line number-for-string 9 \
    "spans[0].start: expected a whole number, got a string"
expect_line number-for-string 10 \
    "flags[0].score: expected a number, got a string"
expect_line number-for-string 11 "response: expected a string, got a boolean"
expect_line number-for-string 12 "response: expected a string, got null"
expect_line number-for-string 13 "response: expected a string, got an array"
expect_line number-for-string 14 \
    "spans[0].entity_type: expected a string, got a number"
expect_line number-for-string 15 "metadata: expected an object, got a string"
skipped number-for-string 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15

# Escape sequences in text are stored as sent and never reach the terminal:
# not from "hitl show", and not from an error message quoting a key.
refused terminal-escapes 2 3
expect_line terminal-escapes 2 "^[[2J^[]0;owned^G: unknown field"
expect_line terminal-escapes 3 "id: contains a control or invisible character"
for b in '\033' '\007' '\302\233' '\342\200\256'; do
	! grep -F -q -e "$(printf "$b")" "$T/err" ||
	    fail "an error message has the raw byte(s) $b" "$T/err"
done
skipped terminal-escapes 1 2 3
expect_eq "text with escape sequences" "$(text_hex esc-1)" \
    6869201B5B324A1B5D303B6F776E65640720E280AE6576696C20C29B33316D0D21
expect_exit 0 "$HITL" show esc-1
expect_out "contains hidden characters"
expect_out "^[[2J^[]0;owned^G"
expect_out "⟨U+202E⟩evil"
for b in '\033' '\007' '\r' '\302\233' '\342\200\256'; do
	! grep -F -q -e "$(printf "$b")" "$T/out" ||
	    fail "hitl show wrote the raw byte(s) $b" "$T/out"
done

# --- cut short, nearly JSON, ambiguous keys, extreme numbers -----------------

# A producer that died mid-record: the last line is cut inside a string.
refused truncated 3
expect_line truncated 3 "invalid JSON"
# With a valid file before it, neither is imported.
printf '{"id": "trunc-other", "kind": "model_output", "response": "a"}\n' \
    >other.jsonl
before=$(db_sum "$HITL_DB")
expect_exit 65 "$HITL" import other.jsonl "$C/truncated.jsonl"
[ "$(db_sum "$HITL_DB")" = "$before" ] ||
    fail "the database changed although the import was refused" "$T/err"
expect_no_err "other.jsonl"
skipped truncated 2 3
# The reason says what happened, not only where.
expect_line truncated 3 "truncated"

# What JSON5, Python's repr or hand-editing give: refused, each for what it
# is; a complete line with a trailing comma is not "truncated".
refused almost-json 2 3 4 5 6 7 8 9
for n in 3 5 6 9; do
	expect_line almost-json $n "invalid JSON at byte"
done
expect_line almost-json 4 "text after the end of the value"
expect_line almost-json 7 "text after the end of the value"
expect_line almost-json 8 "expected a JSON object, got an array"
skipped almost-json 2 2 3 4 5 6 7 8 9
expect_line almost-json 2 "invalid JSON"
! line_err almost-json 2 | grep -q truncated ||
    fail "a complete line with a trailing comma is called truncated" "$T/err"

# The same key twice: one reader takes the first value, another the last,
# so neither may be chosen. Keys differing in case or normalization differ;
# "ID" is not "id".
refused duplicate-key 2 3 4 5 6 7
expect_line duplicate-key 2 'duplicate key "response"'
expect_line duplicate-key 3 'duplicate key "id"'
expect_line duplicate-key 4 'duplicate key "score"'
expect_line duplicate-key 5 'duplicate key "x"'
expect_line duplicate-key 6 'duplicate key "k3"'
expect_line duplicate-key 7 "ID: unknown field"
skipped duplicate-key 2 2 3 4 5 6 7
expect_eq "metadata keys differing in case and normalization" \
    "$(sql "SELECT count(*) FROM items, json_each(items.metadata)
    WHERE ext_id = 'dk-8'")" 4
# In a record with many flags, which one: the path, as for other errors.
expect_line duplicate-key 4 "flags[0]"
expect_line duplicate-key 5 "metadata.a"

# A number is kept as a double, so one a double would change is refused
# where it starts: a value past 2^53 however it is spelt (a 64-bit id in
# metadata, 1e999 past a double's range), and a fraction whose nearest double
# is a whole number (an offset of 4.9999999999999999999 would be 5). The
# producer is told to quote it.
refused huge-number 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
expect_line huge-number 1 "invalid JSON at byte 80: the integer \
12345678901234567890 is too large to keep exactly (past 2^53)"
expect_line huge-number 1 "give it as a string"
expect_line huge-number 2 "the number 1e999 is too large to keep exactly"
expect_line huge-number 3 "at byte 97: the number 1e400 is too large"
expect_line huge-number 4 "18446744073709551616 is too large to keep exactly"
expect_line huge-number 5 "the number -1e300 is too large to keep exactly"
expect_line huge-number 6 "is too large to keep exactly"
expect_line huge-number 7 "at byte 75: the number 1e999 is too large"
expect_line huge-number 8 \
    "the number 1.7976931348623157e308 is too large to keep exactly"
expect_line huge-number 9 \
    "the number 12345678901234567890.0 is too large to keep exactly"
expect_line huge-number 10 \
    "the number 1.2345678901234567890e19 is too large to keep exactly"
expect_line huge-number 11 "the number 9007199254740993.0 is too large"
expect_line huge-number 12 "the number 9007199254740992.5 is too large"
expect_line huge-number 13 "at byte 110: the number 4.9999999999999999999 \
has more digits than a double keeps and would be read as the whole number 5"
expect_line huge-number 14 "would be read as the whole number 1;"
expect_line huge-number 15 "would be read as the whole number 0;"
skipped huge-number 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
# 2^53 itself, however written, and what a double keeps are kept.
num() {
	echo "CAST(json_extract(metadata, '\$.$1') AS DOUBLE PRECISION)"
}
expect_eq "numbers a double keeps" "$(sql "SELECT count(*) FROM items
    WHERE ext_id = 'hn-16' AND priority = 9007199254740992 AND
    $(num a) = 9007199254740992 AND $(num b) = -9007199254740992 AND
    $(num c) = 9007199254740992 AND $(num d) = 0.30000000000000004 AND
    $(num e) > 0 AND $(num f) = 4503599627370495.5 AND
    $(num g) = 1000000000000000")" 1

# Leading zeros, a bare dot, a plus sign: strtod reads them, JSON does not.
refused number-syntax 2 3 4 5 6 7 8 9 10
for n in 2 3 4 5 6 7 8 9 10; do
	expect_line number-syntax $n "invalid JSON"
done
skipped number-syntax 2 2 3 4 5 6 7 8 9 10

# Two files with a BOM each, concatenated: the second BOM is taken like the
# first, so the stored line and a later import of the same record agree.
expect_exit 0 "$HITL" import "$C/bom-concat.jsonl"
expect_out "imported 4:"
expect_eq "stored lines starting with a BOM" "$(sql "SELECT count(*) FROM items
    WHERE hex(substr(raw, 1, 1)) <> '7B'")" 0
bom=$(printf '\357\273\277')
sed "s/^$bom//" "$C/bom-concat.jsonl" >no-bom.jsonl
expect_exit 0 "$HITL" import no-bom.jsonl
expect_out "imported 0: queued 0, auto-decided 0; duplicates 4"

# --- policies -------------------------------------------------------------------

# cJSON read the key "mallory\u00zz (disabled)" as "mallory": the policy
# made mallory an admin. Refused with the byte, and nothing is loaded; so
# are logins and descriptions that look like others.
HITL_DB=$(newdb policy)
expect_exit 0 "$HITL" init
printf '{"roles": {"%s": "admin", "mallory\\u00zz (disabled)": "admin"}}\n' \
    "$LOGIN" >mallory.json
expect_exit 65 "$HITL" policy load mallory.json
expect_err 'invalid JSON at byte '
expect_err '"\u00zz" is not an escape: \u must be followed by four hex digits'
printf '{"roles": {"%s": "admin", "cafe\\u0301": "admin"}}\n' "$LOGIN" \
    >nfd.json
expect_exit 65 "$HITL" policy load nfd.json
expect_err 'not in Unicode normalization form C ("cafe\u0301"); its NFC spelling is "caf\u00e9"'
printf '{"name": "ok", "labels": [{"id": "tone", "description": "Wrong \\u202etone"}]}\n' \
    >bidi.json
expect_exit 65 "$HITL" policy load bidi.json
expect_err "labels[0].description: contains a control or invisible character at byte 7 (U+202E, a format character)"
printf '{"name": "prod\\u2800"}\n' >blank-name.json
expect_exit 65 "$HITL" policy load blank-name.json
expect_err "name: contains a control or invisible character at byte 5 (U+2800"
expect_eq "policies loaded" "$(sql "SELECT count(*) FROM policies")" 0

# --- decision payloads -------------------------------------------------------

# The same rules for every action: a note is a string (an object could carry
# anything into the record), labels are listed once, a payload file is read
# whole (a NUL byte in it is refused with its byte, not taken for its end),
# and what the strict parser refuses it refuses here. Nothing is recorded.
HITL_DB=$(newdb review)
bob() {
	HITL_REVIEWER=bob "$HITL" "$@"
}
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
expect_exit 0 bob next --json
ITEM=$(jq -r .item.id "$T/out")
LEASE=$(jq -r .lease.id "$T/out")
expect_eq "the first item, with one flag" \
    "$(jq -r '"\(.item.id) \(.item.flags | length)"' "$T/out")" "wf-out-1 1"
before=$(db_sum "$HITL_DB")
CORRECT='"labels": ["toxicity"], "flags": [{"verdict": "confirmed"}]'
ESCALATE='"team": "legal", "reason": "legal_risk", "severity": "high"'
for note in '{"ssn": "078-05-1120"}' '["a"]'; do
	step "a note that is $note"
	for a in approve skip; do
		expect_exit 65 bob decide "$ITEM" --lease "$LEASE" $a \
		    --payload "{\"note\": $note}"
		expect_err "item $ITEM: payload.note: expected a string, got"
	done
	expect_exit 65 bob decide "$ITEM" comment --payload "{\"note\": $note}"
	expect_err "payload.note: expected a string, got"
	expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct \
	    --payload "{$CORRECT, \"note\": $note}"
	expect_err "payload.note: expected a string, got"
	expect_exit 65 bob decide "$ITEM" --lease "$LEASE" escalate \
	    --payload "{$ESCALATE, \"note\": $note}"
	expect_err "payload.note: expected a string, got"
done
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct \
    --payload "{$CORRECT, \"note\": {\"ssn\": \"078-05-1120\"}}"
expect_err "payload.note: expected a string, got an object"
expect_exit 65 bob decide "$ITEM" comment --payload '{"note": ""}'
expect_err "payload.note: missing (a comment needs text)"

step "duplicate labels"
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct --payload \
    '{"labels": ["toxicity", "ok", "toxicity"], "flags": [{"verdict": "confirmed"}]}'
expect_err 'payload.labels[2]: "toxicity" is listed twice (payload.labels[0] and [2])'
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct --payload \
    '{"labels": ["toxicity "], "flags": [{"verdict": "confirmed"}]}'
expect_err "payload.labels[0]: ends with a space"

step "payload files with a NUL byte"
printf '{%s, "note": "fine"}\000{"note": {"ssn": 1}}' "$CORRECT" >nul.json
at=$(($(printf '{%s, "note": "fine"}' "$CORRECT" | wc -c) + 1))
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct --payload nul.json
expect_err "payload nul.json: NUL byte at byte $at"
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" correct --payload - \
    <nul.json
expect_err "payload (standard input): NUL byte at byte $at"
printf '{"note": "fine\\u00G0 hidden"}' >esc.json
expect_exit 65 bob decide "$ITEM" --lease "$LEASE" approve --payload esc.json
expect_err 'payload: invalid JSON at byte 15: "\u00G0" is not an escape'
[ "$(db_sum "$HITL_DB")" = "$before" ] ||
    fail "a refused payload changed the database" "$T/err"

# Escalation resolutions: the correction is checked like a correction.
expect_exit 0 bob decide "$ITEM" --lease "$LEASE" escalate \
    --payload "{$ESCALATE, \"note\": \"a string\"}"
ESC=$(sql "SELECT id FROM escalations WHERE item_id = (SELECT id FROM items
    WHERE ext_id = '$ITEM')")
before=$(db_sum "$HITL_DB")
expect_exit 65 env HITL_REVIEWER=carol "$HITL" escalation resolve "$ESC" \
    correct --payload nul.json
expect_err "payload nul.json: NUL byte at byte $at"
expect_exit 65 env HITL_REVIEWER=carol "$HITL" escalation resolve "$ESC" \
    correct --payload "{$CORRECT, \"note\": {\"ssn\": \"078-05-1120\"}}"
expect_err "payload.note: expected a string, got an object"
expect_exit 65 env HITL_REVIEWER=carol "$HITL" escalation resolve "$ESC" \
    correct --payload '{"labels": ["ok", "ok"], "flags": [{"verdict": "overturned"}]}'
expect_err 'payload.labels[1]: "ok" is listed twice (payload.labels[0] and [1])'
[ "$(db_sum "$HITL_DB")" = "$before" ] ||
    fail "a refused resolution changed the database" "$T/err"
expect_exit 0 env HITL_REVIEWER=carol "$HITL" escalation resolve "$ESC" \
    correct --payload "{$CORRECT, \"note\": \"confirmed\"}"

pass
