#!/bin/sh
# Erasure on a log of the first format, as a database made before events
# committed to payloads by hash holds it: a correction's text and a note
# whole in the decision events. hitl erase reseals those events (the
# payload's hash in its place, the chain's links kept, the new bodies'
# hashes listed in the erase event): the log keeps none of the subject's
# strings, the published head and the signatures still hold, and a
# resealed event changed afterwards is found.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

FORGE=$SRCDIR/tests/cli/record-forge.py
forge() {
	python3 "$FORGE" "$@"
}

CORR="Quokka Zebedee is a redacted-later name"
NOTE="Zebedee called about a refund"
cat >in.jsonl <<EOT
{"id":"s-1","kind":"model_output","response":"Quokka Zebedee, 12 Marmalade Lane","flags":[{"type":"pii.address","score":0.9}],"subjects":["customer:4411"]}
{"id":"s-2","kind":"model_output","response":"Hello again","flags":[{"type":"toxicity","score":0.8}],"subjects":["customer:4411"]}
{"id":"o-1","kind":"model_output","response":"Nothing personal here, $NOTE","flags":[{"type":"toxicity","score":0.7}],"subjects":["customer:7"]}
EOT

step "a log of the first format"
expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import in.jsonl
at 60
claim bob s-1
expect_exit 0 hitl_as bob decide s-1 --lease "$LEASE" correct \
    --payload "{\"text\": \"$CORR\", \"flags\": [{\"verdict\": \"confirmed\"}],
    \"note\": \"$NOTE\"}"
claim bob s-2
expect_exit 0 hitl_as bob decide s-2 --lease "$LEASE" approve --note "$NOTE"
claim bob o-1
expect_exit 0 hitl_as bob decide o-1 --lease "$LEASE" approve --note "$NOTE"
# Rewritten as hitl wrote bodies before they had a version, and signed
# again with the database's own key: a genuine old log.
forge rechain "$HITL_DB" --first-format --sign "$(keyfile "$HITL_DB")" \
    >forge.json
expect_eq "the first format" "$(sql "SELECT count(*) FROM audit
    WHERE body LIKE '{\"v\":%'")" 0
expect_eq "payloads whole in the log" "$(sql "SELECT count(*) FROM audit
    WHERE body LIKE '%$CORR%'") $(sql "SELECT count(*) FROM audit
    WHERE body LIKE '%$NOTE%'")" "1 3"
expect_exit 0 "$HITL" audit verify
expect_exit 0 "$HITL" audit head --json
HEAD=$(jq -r .head "$T/out")
expect_exit 0 "$HITL" audit key
cp "$T/out" pub.pem

step "the guard: only a tombstoned item's first-format bodies move"
if only_sqlite "the guard as the sqlite3 shell meets it" \
    "the same trigger on the server, by migration 9"; then
	expect_fail_sql() {
		sqlite3 "$HITL_DB" "$1" 2>err.txt && fail "the guard let \"$1\" through"
		grep -q "append-only" err.txt || fail "the guard said" err.txt
	}
	expect_fail_sql "UPDATE audit SET body = body || ' ' WHERE item = 's-1'"
	expect_fail_sql "UPDATE audit SET hash = prev_hash WHERE item = 's-1'"
fi

step "erase the subject"
at 120
expect_exit 0 hitl_as alice erase --subject customer:4411 --json
jq_ok "the receipt" '.tombstoned == 2'
for s in "$CORR" "Marmalade"; do
	expect_eq "events holding \"$s\"" "$(sql "SELECT count(*) FROM audit
	    WHERE body LIKE '%$s%'")" 0
done
# The other subject's note is no content of the erased items: it stays.
expect_eq "events holding the note" "$(sql "SELECT count(*) FROM audit
    WHERE body LIKE '%$NOTE%'")" 1
expect_eq "the resealed events keep their links" "$(sql "SELECT count(*)
    FROM audit WHERE item IN ('s-1', 's-2') AND
    body LIKE '%payload_sha256%'")" 2
if only_sqlite "the erased strings are in neither file" \
    "a server's database is no file"; then
	for f in "$HITL_DB" "$HITL_DB-wal"; do
		[ -f "$f" ] || continue
		for s in "Marmalade" "$CORR"; do
			_lib_where="grep -a $s $f"
			! grep -a -q -F -e "$s" "$f" ||
			    fail "\"$s\" is still in $f"
		done
	done
fi

step "the log verifies, its published head and signatures too"
expect_exit 0 "$HITL" audit verify --expect "$HEAD" --key pub.pem --json
jq_ok "resealed" '.resealed == 2 and .tombstoned == 2 and
    .expected_head_at > 0'
expect_exit 0 "$HITL" audit verify
expect_out "resealed: 2 events of the first format"

step "a resealed event changed afterwards is found"
bad=$(db_copy "$HITL_DB" bad)
# The hash it holds in place of the payload, say: the decision row has no
# payload left to check it against; the erase event's listing has.
unguarded "$bad" "UPDATE audit SET body = replace(body,
    '\"payload_sha256\":\"', '\"payload_sha256\":\"0') WHERE item = 's-2'
    AND body LIKE '%payload_sha256%'"
expect_exit 65 "$HITL" --db "$bad" audit verify
expect_err "no purge or erasure resealed it as it is now"

step "a first-format event of an item not erased cannot pass as resealed"
bad2=$(db_copy "$HITL_DB" bad2)
unguarded "$bad2" "UPDATE audit SET body = replace(body, 'refund',
    'refund!') WHERE item = 'o-1' AND event = 'decision'"
expect_exit 65 "$HITL" --db "$bad2" audit verify
expect_err "its hash does not match"
pass
