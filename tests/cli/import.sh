#!/bin/sh
# hitl import: summaries, atomic runs, rejects, line handling and validation.
. "$SRCDIR/tests/cli/lib.sh"

DEMO=$SRCDIR/examples/demo.jsonl

# What must not change when an import is refused.
db_state() {
	sql "SELECT count(*) FROM items; SELECT count(*) FROM batches;
	    SELECT hash FROM audit ORDER BY seq DESC LIMIT 1;"
}

# expect_refused CODE CMD...: CMD exits CODE and the database is unchanged.
expect_refused() {
	_before=$(db_state)
	expect_exit "$@"
	_after=$(db_state)
	[ "$_before" = "$_after" ] ||
	    fail "the database changed although the import was refused" \
	    "$T/err"
}

# One valid model output with the given id.
good() {
	printf '{"id": "%s", "kind": "model_output", "response": "fine"}\n' "$1"
}

expect_exit 0 "$HITL" init

# --- the demo file, then again ---------------------------------------------

expect_exit 0 "$HITL" import "$DEMO"
expect_no_err
grep -Eq '^imported 180: queued [0-9]+, auto-decided [0-9]+; duplicates 0; invalid 0$' \
    "$T/out" || fail "unexpected summary" "$T/out"
sum=$(sed -n 's/^imported 180: queued \([0-9]*\), auto-decided \([0-9]*\);.*/\1 + \2/p' \
    "$T/out")
expect_eq "queued + auto-decided" "$(($sum))" 180
queued=$(sed -n 's/.*queued \([0-9]*\),.*/\1/p' "$T/out")
expect_eq "items stored" "$(sql 'SELECT count(*) FROM items')" 180
expect_eq "items queued" \
    "$(sql "SELECT count(*) FROM items WHERE state = 'queued'")" "$queued"

expect_exit 0 "$HITL" import "$DEMO"
expect_out "imported 0: queued 0, auto-decided 0; duplicates 180; invalid 0"
expect_eq "items after re-import" "$(sql 'SELECT count(*) FROM items')" 180

expect_exit 0 "$HITL" import --json "$DEMO"
expect_eq "--json prints one line" "$(wc -l <"$T/out")" 1
jq -e '.imported == 0 and .duplicates == 180 and .lines == 180 and
    .invalid == 0 and (.batch | type) == "number"' "$T/out" >/dev/null ||
    fail "--json summary of a re-import" "$T/out"

# A fresh database, for the --json summary of a real import.
JSON_DB=$(newdb json)
expect_exit 0 "$HITL" --db "$JSON_DB" init
expect_exit 0 "$HITL" --db "$JSON_DB" import --json "$DEMO"
expect_eq "--json prints one line" "$(wc -l <"$T/out")" 1
jq -e '.imported == 180 and .queued + .auto_decided == 180 and
    .duplicates == 0 and .invalid == 0' "$T/out" >/dev/null ||
    fail "--json summary" "$T/out"

# --- one invalid line: nothing is imported ----------------------------------

{
	good ok-1
	good ok-2
	printf '\n'
	printf '{"id": "bad-4", "kind": "model_output", "response": "x", '
	printf '"flags": [{"type": "toxicity", "score": 2}]}\n'
	good ok-5
} >one-bad.jsonl
expect_refused 65 "$HITL" import one-bad.jsonl
expect_err "hitl import: one-bad.jsonl: line 4: flags[0].score"
expect_no_err "line 1:"
expect_no_err "line 5:"
expect_err "nothing was imported"
[ "$(sql "SELECT count(*) FROM items WHERE ext_id LIKE 'ok-%'")" = 0 ] ||
    fail "valid lines of a refused file were stored"

# Twenty errors are listed, then a count of the rest.
i=1
while [ $i -le 25 ]; do
	printf '{"id": "bad-%d", "kind": "nonsense", "response": "x"}\n' $i
	i=$((i + 1))
done >bad25.jsonl
expect_refused 65 "$HITL" import bad25.jsonl
expect_eq "errors listed" "$(grep -c ': line [0-9]*: ' "$T/err")" 20
expect_err "bad25.jsonl: line 20: kind"
expect_no_err "line 21:"
expect_err "... and 5 more invalid lines"
expect_err "25 of 25 lines are invalid"

# Reading every input comes first: a missing file imports nothing.
good before-missing >valid.jsonl
expect_refused 66 "$HITL" import valid.jsonl does-not-exist.jsonl
expect_err "does-not-exist.jsonl"
[ "$(sql "SELECT count(*) FROM items WHERE ext_id = 'before-missing'")" = 0 ] ||
    fail "an import with a missing input stored something"
mkdir adir
expect_refused 66 "$HITL" import valid.jsonl adir
expect_err "adir is a directory"

# No database: 66, and none is created.
NONE=$(newdb none)
expect_exit 66 "$HITL" --db "$NONE" import valid.jsonl
expect_err "hitl init"
! db_made "$NONE" || fail "import created $NONE"

# --- the same id with other content ------------------------------------------

good dup-1 >first.jsonl
expect_exit 0 "$HITL" import first.jsonl
printf '{"id": "dup-1", "kind": "model_output", "response": "changed"}\n' \
    >second.jsonl
good other-1 >>second.jsonl
expect_refused 65 "$HITL" import second.jsonl
expect_err "second.jsonl: line 1: id \"dup-1\""
expect_err "first.jsonl line 1"
# The identical record is a duplicate, not an error.
expect_exit 0 "$HITL" import first.jsonl
expect_out "duplicates 1"

# --- --skip-invalid and the rejects file -------------------------------------

{
	printf 'not json at all\n'
	printf '{"id": 7, "kind": "model_output", "response": "x"}\n'
	printf '{"id": "rej-3", "kind": "model_output", "response": "x", "extra": 1}\n'
} >bad-lines
{
	good skip-1
	sed -n 1p bad-lines
	good skip-2
	sed -n 2p bad-lines
	sed -n 3p bad-lines
	good skip-3
} >mixed.jsonl
umask 000
expect_exit 0 "$HITL" import --skip-invalid --rejects rej.jsonl mixed.jsonl
umask 022
expect_out "imported 3: queued "
expect_out "invalid 3"
expect_out "rej.jsonl"
expect_err "mixed.jsonl: line 2: "
expect_err "mixed.jsonl: line 4: id: expected a string"
expect_err "mixed.jsonl: line 5: extra: unknown field"
cmp -s rej.jsonl bad-lines || fail "rejects differ from the invalid lines" \
    rej.jsonl bad-lines
expect_mode rej.jsonl 600
expect_eq "valid lines imported with --skip-invalid" \
    "$(sql "SELECT count(*) FROM items WHERE ext_id LIKE 'skip-%'")" 3

# --json names the rejects file; the default name is hitl-rejects-*.jsonl.
good skip-4 >mixed2.jsonl
sed -n 1p bad-lines >>mixed2.jsonl
expect_exit 0 "$HITL" import --skip-invalid --json mixed2.jsonl
jq -e '.imported == 1 and .invalid == 1 and
    (.rejects | test("^hitl-rejects-.*[.]jsonl$"))' "$T/out" >/dev/null ||
    fail "--json with rejects" "$T/out"
rejects=$(jq -r .rejects "$T/out")
sed -n 1p bad-lines >first-bad-line
cmp -s "$rejects" first-bad-line || fail "default rejects file" "$rejects"
expect_mode "$rejects" 600

expect_exit 64 "$HITL" import --rejects r.jsonl mixed.jsonl
expect_err "--rejects goes with --skip-invalid"

# --- line handling -------------------------------------------------------------

# Standard input.
good stdin-2 >stdin.jsonl
expect_exit 0 "$HITL" import - <stdin.jsonl
expect_out "imported 1:"
expect_eq "src_file of standard input" \
    "$(sql "SELECT src_file FROM items WHERE ext_id = 'stdin-2'")" stdin

# CRLF line endings; the stored line has no CR.
CR=$(printf '\r')
printf '{"id": "crlf-1", "kind": "model_output", "response": "x"}\r\n' >crlf.jsonl
printf '{"id": "crlf-2", "kind": "model_output", "response": "y"}\r\n' >>crlf.jsonl
expect_exit 0 "$HITL" import crlf.jsonl
expect_out "imported 2:"
expect_eq "stored lines with CR" "$(sql "SELECT count(*) FROM items
    WHERE ext_id LIKE 'crlf-%' AND instr(raw, '$CR') > 0")" 0
expect_eq "raw of a CRLF line" \
    "$(sql "SELECT raw FROM items WHERE ext_id = 'crlf-1'")" \
    '{"id": "crlf-1", "kind": "model_output", "response": "x"}'

# A UTF-8 byte order mark, which is not stored.
printf '\357\273\277' >bom.jsonl
good bom-1 >>bom.jsonl
good bom-2 >>bom.jsonl
expect_exit 0 "$HITL" import bom.jsonl
expect_out "imported 2:"
expect_eq "first byte of the stored line" \
    "$(sql "SELECT hex(substr(raw, 1, 1)) FROM items WHERE ext_id = 'bom-1'")" 7B

# No newline at the end of the file.
good nonl-1 >nonl.jsonl
printf '{"id": "nonl-2", "kind": "model_output", "response": "x"}' >>nonl.jsonl
expect_exit 0 "$HITL" import nonl.jsonl
expect_out "imported 2:"
expect_eq "last line without newline" \
    "$(sql "SELECT src_line FROM items WHERE ext_id = 'nonl-2'")" 2

# An empty file; blank lines.
: >empty.jsonl
expect_exit 0 "$HITL" import empty.jsonl
expect_out "imported 0: queued 0, auto-decided 0; duplicates 0; invalid 0"
{
	printf '\n   \n\t\n'
	good blank-1
	printf '\r\n\n'
	good blank-2
	printf '\n'
} >blank.jsonl
expect_exit 0 "$HITL" import blank.jsonl
expect_out "imported 2:"
expect_out "invalid 0"
expect_eq "line number after blank lines" \
    "$(sql "SELECT src_line FROM items WHERE ext_id = 'blank-2'")" 7

# A line longer than --max-line.
python3 -c 'import sys; sys.stdout.write("{\"id\": \"long-1\", \"kind\": \"model_output\", \"response\": \"" + "x" * 5000 + "\"}\n")' >long.jsonl
good long-2 >>long.jsonl
expect_refused 65 "$HITL" import --max-line 1000 long.jsonl
expect_err "long.jsonl: line 1: "
expect_err "--max-line"
expect_no_err "line 2:"
expect_exit 64 "$HITL" import --max-line 10 long.jsonl
expect_err "--max-line"
expect_exit 64 "$HITL" import --max-line lots long.jsonl

# --- validation ------------------------------------------------------------------

# expect_invalid MESSAGE: the one record in case.jsonl is refused with MESSAGE.
expect_invalid() {
	expect_refused 65 "$HITL" import case.jsonl
	expect_err "case.jsonl: line 1: "
	expect_err "$1"
}

printf '{"id": "utf8", "kind": "model_output", "response": "caf\377"}\n' >case.jsonl
expect_invalid "invalid UTF-8"
printf '{"id": "nul", "kind": "model_output", "response": "a\\u0000b"}\n' >case.jsonl
expect_invalid "\\u0000"
printf '{"id": "dupkey", "kind": "model_output", "response": "a", "id": "x"}\n' >case.jsonl
expect_invalid "duplicate key"
printf '{"id": 5, "kind": "model_output", "response": "a"}\n' >case.jsonl
expect_invalid "id: expected a string"
printf '{"id": "kind?", "kind": "essay", "response": "a"}\n' >case.jsonl
expect_invalid "kind: \"essay\""
printf '{"id": "nokind", "response": "a"}\n' >case.jsonl
expect_invalid "kind: missing"
printf '{"id": "trunc", "kind": "model_output", "response": "a"\n' >case.jsonl
expect_invalid "invalid JSON"
printf '["not", "an", "object"]\n' >case.jsonl
expect_invalid "expected a JSON object"
printf '{"id": "span", "kind": "anonymization", "text": "abc", "spans": [{"entity_type": "PERSON", "start": 1, "end": 4, "score": 0.5}]}\n' >case.jsonl
expect_invalid "past the end of text"
printf '{"id": "flagspan", "kind": "model_output", "response": "abc", "flags": [{"type": "bias", "score": 0.5, "start": 0, "end": 9}]}\n' >case.jsonl
expect_invalid "past the end of response"
printf '{"id": "order", "kind": "anonymization", "text": "abcdef", "spans": [{"entity_type": "PERSON", "start": 3, "end": 3, "score": 0.5}]}\n' >case.jsonl
expect_invalid "spans[0].start 3 is not before end 3"
printf '{"id": "nospans", "kind": "anonymization", "text": "abc"}\n' >case.jsonl
expect_invalid "spans: missing"
printf '{"id": "mixed", "kind": "anonymization", "text": "abc", "spans": [], "response": "x"}\n' >case.jsonl
expect_invalid "response: not a field"
printf '{"id": "time", "kind": "model_output", "response": "a", "created_at": "yesterday"}\n' >case.jsonl
expect_invalid "created_at"
printf '{"id": "ctrl\\u0001", "kind": "model_output", "response": "a"}\n' >case.jsonl
expect_invalid "id: contains a control or invisible character"
printf '{"id": "tail", "kind": "model_output", "response": "a"} trailing\n' >case.jsonl
expect_invalid "text after the end"
printf '{"id": "escaped-backslash", "kind": "model_output", "response": "a\\\\u0000b"}\n' \
    >escaped.jsonl
expect_exit 0 "$HITL" import escaped.jsonl

# Offsets count code points: emoji (one of them with a skin tone modifier)
# and an accented letter come before the span.
python3 - >emoji.jsonl <<'EOF'
import json
text = "\U0001F600\U0001F44D\U0001F3FD call Zo\u00eb Smith at noon"
start = text.index("Zo\u00eb")
end = start + len("Zo\u00eb Smith")
for i, ascii in enumerate((False, True)):
    print(json.dumps({"id": "emoji-%d" % i, "kind": "anonymization",
        "text": text, "spans": [{"entity_type": "PERSON", "start": start,
        "end": end, "score": 0.9}]}, ensure_ascii=ascii))
print(start, end)
EOF
offsets=$(tail -n 1 emoji.jsonl)
sed -i '$d' emoji.jsonl
expect_exit 0 "$HITL" import emoji.jsonl
expect_out "imported 2:"
expect_eq "stored code point offsets" "$(sql "SELECT group_concat(start_cp || ' ' ||
    end_cp, ',') FROM spans JOIN items ON items.id = spans.item_id
    WHERE ext_id LIKE 'emoji-%'")" "$offsets,$offsets"
expect_eq "span text" "$(sql "SELECT substr(text, start_cp + 1,
    end_cp - start_cp) FROM spans JOIN items ON items.id = spans.item_id
    WHERE ext_id = 'emoji-0'")" "$(printf 'Zo\303\253 Smith')"
# One code point past the end is refused, however many bytes the text has.
python3 - >case.jsonl <<'EOF'
import json
text = "\U0001F600\U0001F600 ok"
print(json.dumps({"id": "emoji-past", "kind": "anonymization", "text": text,
    "spans": [{"entity_type": "PERSON", "start": 3, "end": len(text) + 1,
    "score": 0.9}]}, ensure_ascii=False))
EOF
expect_invalid "past the end of text"

# --- rejects of an over-long line are verbatim too --------------------------

cp long.jsonl long-mixed.jsonl
sed -n 1p long.jsonl >long-bad
expect_exit 0 "$HITL" import --skip-invalid --rejects long-rej.jsonl \
    --max-line 1000 long-mixed.jsonl
expect_out "imported 1:"
expect_err "--max-line"
cmp -s long-rej.jsonl long-bad ||
    fail "an over-long line was not written whole to the rejects file
    ($(wc -c <long-rej.jsonl) bytes written, the line has $(wc -c <long-bad))"

pass
