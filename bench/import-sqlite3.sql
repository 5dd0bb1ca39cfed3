-- Baseline for the import benchmark: the sqlite3 shell importing the same
-- JSON Lines file into a database created by `hitl init` (so the schema,
-- indexes including the partial items_next/items_next_kind, and the policy
-- row are identical), run by bench/import-sqlite3.sh, which replaces
-- @INPUT@ with the input file's path.
--
-- The shell's fast path: .import in ascii mode with the unit separator 0x1f
-- as the column separator (JSON lines never contain a raw 0x1f) loads each
-- line whole into a one-column temp table; INSERT ... SELECT with ->>,
-- json_extract and json_each then fills items, flags and spans.  Everything
-- runs in one transaction with the PRAGMAs hitl uses for import.
--
-- This does LESS than hitl import, so it is a lower bound for the work:
--   * no validation: no strict JSON/UTF-8 check, no duplicate keys, no key
--     whitelist, no required fields or types, no offset range checks, no
--     RFC 3339 check; an invalid line is stored or fails the whole run;
--   * no duplicate-id handling (a repeated id aborts the transaction);
--   * simplified triage with the thresholds of examples/policy.json written
--     in: an anonymization item is queued if any span score is in
--     [0.30, 0.85), a model output if any flag score is >= 0.5; priority is
--     the highest such score (no category weights), top_type/top_score are
--     set for queued items only, and there is no 5% spot check;
--   * no SHA-256 of the content, no hash-chained audit entry (a plain row).

.bail on
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-131072;
PRAGMA temp.cache_size=-131072;
PRAGMA foreign_keys=ON;

BEGIN;

CREATE TEMP TABLE src (line TEXT);
.mode ascii
.separator "\037" "\n"
.import --schema temp '@INPUT@' src
.mode list

-- Constants of the run: first item id - 1, batch, policy version, seq base.
INSERT INTO batches (started_at, operator, files, policy_version)
VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sqlite3',
    json_array('@INPUT@'),
    coalesce((SELECT max(version) FROM policies), 0));
CREATE TEMP TABLE run AS
SELECT coalesce((SELECT max(id) FROM items), 0) AS base,
    last_insert_rowid() AS batch,
    coalesce((SELECT max(version) FROM policies), 0) AS policy,
    coalesce((SELECT value FROM meta WHERE key = 'next_seq'), 1) - 1 AS seq0,
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AS now;

-- "top" is the highest-scoring flag or span that puts the item in the
-- queue, as JSON text, or NULL.  LIMIT -1 OFFSET 0 keeps the subquery from
-- being flattened, which would evaluate json_each once per use of "top".
INSERT INTO items (id, ext_id, kind, state, priority, seq, spot_check,
    top_type, top_score, created_at, imported_at, batch_id, src_file,
    src_line, policy_version, source_model, source_pipeline, source,
    metadata, prompt, messages, text, raw)
SELECT r.base + n, line ->> '$.id', kind,
    CASE WHEN top IS NULL THEN 'auto' ELSE 'queued' END,
    coalesce(top ->> '$.score', 0), r.seq0 + n, 0,
    coalesce(top ->> '$.type', top ->> '$.entity_type'), top ->> '$.score',
    line ->> '$.created_at', r.now, r.batch, '@INPUT@', n, r.policy,
    line ->> '$.source.model', line ->> '$.source.pipeline',
    line -> '$.source', line -> '$.metadata', line ->> '$.prompt',
    line -> '$.messages',
    CASE kind WHEN 'anonymization' THEN line ->> '$.text'
        ELSE line ->> '$.response' END,
    line
FROM temp.run r, (
    SELECT s.rowid AS n, s.line AS line, s.line ->> '$.kind' AS kind,
        CASE s.line ->> '$.kind'
        WHEN 'anonymization' THEN (
            SELECT e.value FROM json_each(s.line, '$.spans') e
            WHERE e.value ->> '$.score' >= 0.30
                AND e.value ->> '$.score' < 0.85
            ORDER BY e.value ->> '$.score' DESC LIMIT 1)
        ELSE (
            SELECT e.value FROM json_each(s.line, '$.flags') e
            WHERE e.value ->> '$.score' >= 0.5
            ORDER BY e.value ->> '$.score' DESC LIMIT 1)
        END AS top
    FROM temp.src s
    LIMIT -1 OFFSET 0);

INSERT INTO flags (item_id, idx, type, score, detector, rationale, start_cp,
    end_cp)
SELECT r.base + s.rowid, f.key, f.value ->> '$.type', f.value ->> '$.score',
    f.value ->> '$.detector', f.value ->> '$.rationale',
    f.value ->> '$.start', f.value ->> '$.end'
FROM temp.run r, temp.src s, json_each(s.line, '$.flags') f;

INSERT INTO spans (item_id, idx, entity_type, start_cp, end_cp, score,
    recognizer, explanation, triage)
SELECT r.base + s.rowid, f.key, f.value ->> '$.entity_type',
    f.value ->> '$.start', f.value ->> '$.end', f.value ->> '$.score',
    f.value ->> '$.recognizer',
    nullif(f.value -> '$.analysis_explanation', 'null'),
    CASE WHEN f.value ->> '$.score' >= 0.85 THEN 'accepted'
        WHEN f.value ->> '$.score' < 0.30 THEN 'rejected'
        ELSE 'ambiguous' END
FROM temp.run r, temp.src s, json_each(s.line, '$.spans') f;

-- Close the batch, advance the queue order, leave an (unchained) audit row.
UPDATE batches SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    lines = (SELECT count(*) FROM temp.src),
    imported = (SELECT count(*) FROM temp.src),
    -- The database is fresh: every queued item is from this run.
    queued = (SELECT count(*) FROM items WHERE state IN ('queued', 'claimed')),
    auto_decided = (SELECT count(*) FROM temp.src) -
        (SELECT count(*) FROM items WHERE state IN ('queued', 'claimed'))
WHERE id = (SELECT batch FROM temp.run);
INSERT INTO meta (key, value)
SELECT 'next_seq', r.seq0 + (SELECT count(*) FROM temp.src) + 1
FROM temp.run r WHERE true
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
INSERT INTO audit (at, actor, event, body, prev_hash, hash)
SELECT r.now, 'sqlite3', 'import', json_object('batch', r.batch), '', ''
FROM temp.run r;

COMMIT;
