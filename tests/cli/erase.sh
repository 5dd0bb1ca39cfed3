#!/bin/sh
# Erasure of a data subject: a subject's items decided (a correction, a
# note) and exported; hitl erase tombstones them at once, prints the
# receipt naming the export run, and leaves none of the subject's strings
# in the database file or its -wal (SQLite; on PostgreSQL the rows); the
# log verifies after, counting the tombstones.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# The subject's strings: its text, a correction's text, a note.
TEXT="Quokka Zebedee lives at 12 Marmalade Lane"
CORR="Quokka Zebedee is a redacted-later name"
NOTE="Zebedee called about a refund"
cat >in.jsonl <<EOT
{"id":"s-1","kind":"model_output","response":"$TEXT","flags":[{"type":"pii.address","score":0.9}],"subjects":["customer:4411"]}
{"id":"s-2","kind":"model_output","response":"Hello again, $TEXT","flags":[{"type":"toxicity","score":0.8}],"subjects":["customer:4411","customer:7"]}
{"id":"o-1","kind":"model_output","response":"Nothing personal here","flags":[{"type":"toxicity","score":0.7}],"subjects":["customer:7"]}
EOT

step "import, decide, export"
# The erased hook writes what it was told next to the test.
jq --arg hook "cat >'$T/erased.json'" '.hooks = {"erased": $hook}' \
    "$SRCDIR/examples/policy.json" >policy.json
expect_exit 0 "$HITL" init --policy policy.json
expect_exit 65 "$HITL" import - <<EOT
{"id":"bad-1","kind":"model_output","response":"x","flags":[],"subjects":"customer:1"}
EOT
expect_err "subjects: expected an array"
expect_exit 0 "$HITL" import in.jsonl
expect_eq "subjects stored" "$(sql "SELECT count(*) FROM subjects")" 4
at 60
claim bob s-1
expect_exit 0 hitl_as bob decide s-1 --lease "$LEASE" correct \
    --payload "{\"text\": \"$CORR\", \"flags\": [{\"verdict\": \"confirmed\"}],
    \"note\": \"$NOTE\"}"
claim bob s-2
expect_exit 0 hitl_as bob decide s-2 --lease "$LEASE" approve --note "$NOTE"
claim bob o-1
expect_exit 0 hitl_as bob decide o-1 --lease "$LEASE" approve
at 120
expect_exit 0 hitl_as alice export --format decisions -o out.jsonl
EXPORT_ID=$(sql "SELECT max(id) FROM exports")
expect_eq "export membership" "$(sql "SELECT count(*) FROM export_items
    WHERE export_id = $EXPORT_ID")" 3
expect_exit 0 "$HITL" audit verify

step "who may erase"
expect_exit 77 hitl_as bob erase --subject customer:4411
expect_exit 66 hitl_as alice erase --subject customer:nobody
expect_err "no item names the data subject"
[ ! -e erased.json ] || fail "a refused erasure ran the hook"

step "erase"
at 180
expect_exit 0 hitl_as alice erase --subject customer:4411 \
    --reason "request 2027-17" --json
jq_ok "the receipt" '.tombstoned == 2 and .subject == "customer:4411" and
    ([.items[].item] | sort) == ["s-1", "s-2"] and
    all(.items[]; (.decisions | length) >= 1 and
    (.exports | map(.format)) == ["decisions"] and
    (.removed_sha256 | test("^[0-9a-f]{64}$")))'
expect_eq "the receipt's export run" "$(jq '.items[0].exports[0].export' \
    "$T/out")" "$EXPORT_ID"
expect_eq "the subject is forgotten" "$(sql "SELECT count(*) FROM subjects
    WHERE subject = 'customer:4411'")" 0
expect_eq "the other subject stays" "$(sql "SELECT count(*) FROM subjects
    WHERE subject = 'customer:7'")" 2
expect_eq "tombstones" "$(sql "SELECT count(*) FROM tombstones
    WHERE cause = 'erasure' AND reason = 'request 2027-17'")" 2
expect_eq "the log keeps no subject" "$(sql "SELECT count(*) FROM audit
    WHERE body LIKE '%customer:4411%'")" 0
# The hook, told once it was committed: who to tell (Art. 19).
_lib_where="the erased hook"
jq -e --argjson run "$EXPORT_ID" '.event == "erased" and
    .actor == "alice" and .subject == "customer:4411" and
    .reason == "request 2027-17" and (.items | sort) == ["s-1", "s-2"] and
    .export_runs == [$run]' erased.json >/dev/null ||
    fail "the erased hook was not told the erasure" erased.json
# The record of processing counts it.
expect_exit 0 hitl_as alice report processing --json
jq_ok "the record counts the erasure" '.removals == [{"cause": "erasure",
    "items": 2, "runs": 1, "first": "2027-01-15T08:03:00Z",
    "last": "2027-01-15T08:03:00Z"}] and .retention.erase_role == "admin"'
expect_exit 0 hitl_as alice report processing
expect_out "removed by erasure: 2 items in 1 run, 2027-01-15T08:03:00Z"

step "nothing left"
for s in "Marmalade" "$CORR" "$NOTE"; do
	expect_eq "rows holding \"$s\"" "$(sql "SELECT count(*) FROM items
	    WHERE text LIKE '%$s%' OR raw LIKE '%$s%'") $(sql "SELECT count(*)
	    FROM decisions WHERE payload LIKE '%$s%'")" "0 0"
done
if only_sqlite "the erased strings are in neither file" \
    "a server's database is no file (README: what VACUUM guarantees)"; then
	for f in "$HITL_DB" "$HITL_DB-wal"; do
		[ -f "$f" ] || continue
		for s in "Marmalade" "$CORR" "$NOTE"; do
			_lib_where="grep -a $s $f"
			! grep -a -q -F -e "$s" "$f" ||
			    fail "\"$s\" is still in $f"
		done
	done
fi

step "the log verifies"
expect_exit 0 "$HITL" audit verify
expect_out "tombstoned: 2 items"
expect_exit 0 "$HITL" audit verify --json
jq_ok "verify counts the tombstones" '.tombstoned == 2'

step "a second subject, one item already erased"
expect_exit 0 hitl_as alice erase --subject customer:7
expect_out "erasure receipt: 2 items (1 tombstoned now)"
expect_out "purged before"
expect_out "exported: run $EXPORT_ID (decisions)"
expect_exit 0 "$HITL" audit verify
expect_out "tombstoned: 3 items"

step "a copy keeps the tombstones and verifies"
copied=$(newdb copied)
expect_exit 0 hitl_as alice copy "$HITL_DB" "$copied"
expect_exit 0 "$HITL" --db "$copied" audit verify
expect_out "tombstoned: 3 items"

step "tampering with a tombstone is found"
if only_sqlite "a tombstone edited" "the same check, one backend"; then
	bad=$(db_copy "$HITL_DB" bad)
	unguarded "$bad" "UPDATE tombstones SET reason = 'forged'
	    WHERE item_id = 1"
	expect_exit 65 "$HITL" --db "$bad" audit verify
	expect_err "its tombstone is not what a purge or erase event recorded"
fi

step "exports skip the erased"
expect_exit 0 hitl_as alice export --format decisions --since all -o again.jsonl
expect_eq "records" "$(wc -l <again.jsonl | tr -d ' ')" 0
_lib_where="again.jsonl.manifest.json"
jq -e '.skipped.purged == 3' again.jsonl.manifest.json >/dev/null ||
    fail "the manifest does not count the purged" again.jsonl.manifest.json
pass
