#!/usr/bin/env python3
"""Baseline for the import benchmark: a plain Python script (json and
sqlite3 from the standard library) importing the same JSON Lines file into
a database created by `hitl init`, doing what bench/import-sqlite3.sql does
and no more: the same simplified triage (thresholds of examples/policy.json,
no weights, no spot check), no validation beyond json.loads, one
transaction, the PRAGMAs hitl uses for import.

    import-python.py DB FILE
"""
import datetime
import json
import sqlite3
import sys

ANON_ACCEPT, ANON_REJECT, MIN_FLAG = 0.85, 0.30, 0.5
BATCH = 10000


def top_of(rec, kind):
    """The highest-scoring flag or span that queues the item, or None."""
    best = None
    if kind == "anonymization":
        for s in rec.get("spans") or ():
            if ANON_REJECT <= s["score"] < ANON_ACCEPT and (
                    best is None or s["score"] > best["score"]):
                best = s
        return best and (best["entity_type"], best["score"])
    for f in rec.get("flags") or ():
        if f["score"] >= MIN_FLAG and (best is None or
                                       f["score"] > best["score"]):
            best = f
    return best and (best["type"], best["score"])


def dumps(v):
    return None if v is None else json.dumps(v, separators=(",", ":"))


def main(db_path, path):
    db = sqlite3.connect(db_path, isolation_level=None)
    for p in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-131072",
              "foreign_keys=ON"):
        db.execute("PRAGMA " + p)
    db.execute("BEGIN")
    now = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    policy = db.execute(
        "SELECT coalesce(max(version), 0) FROM policies").fetchone()[0]
    base = db.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
    row = db.execute("SELECT value FROM meta WHERE key = 'next_seq'")
    row = row.fetchone()
    seq0 = (int(row[0]) if row else 1) - 1
    batch = db.execute(
        "INSERT INTO batches (started_at, operator, files, policy_version) "
        "VALUES (?, 'python', ?, ?)",
        (now, json.dumps([path]), policy)).lastrowid
    items, flags, spans = [], [], []
    n = queued = 0

    def flush():
        db.executemany(
            "INSERT INTO items (id, ext_id, kind, state, priority, seq, "
            "spot_check, top_type, top_score, created_at, imported_at, "
            "batch_id, src_file, src_line, policy_version, source_model, "
            "source_pipeline, source, metadata, prompt, messages, text, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)", items)
        db.executemany(
            "INSERT INTO flags (item_id, idx, type, score, detector, "
            "rationale, start_cp, end_cp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            flags)
        db.executemany(
            "INSERT INTO spans (item_id, idx, entity_type, start_cp, end_cp, "
            "score, recognizer, explanation, triage) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
        items.clear()
        flags.clear()
        spans.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            n += 1
            rec = json.loads(line)
            kind = rec["kind"]
            top = top_of(rec, kind)
            queued += top is not None
            src = rec.get("source") or {}
            item = base + n
            items.append((
                item, rec["id"], kind, "queued" if top else "auto",
                top[1] if top else 0, seq0 + n,
                top[0] if top else None, top[1] if top else None,
                rec.get("created_at"), now, batch, path, n, policy,
                src.get("model"), src.get("pipeline"), dumps(rec.get("source")),
                dumps(rec.get("metadata")), rec.get("prompt"),
                dumps(rec.get("messages")),
                rec["text"] if kind == "anonymization" else rec["response"],
                line))
            for i, fl in enumerate(rec.get("flags") or ()):
                flags.append((item, i, fl["type"], fl["score"],
                              fl.get("detector"), fl.get("rationale"),
                              fl.get("start"), fl.get("end")))
            for i, s in enumerate(rec.get("spans") or ()):
                sc = s["score"]
                spans.append((
                    item, i, s["entity_type"], s["start"], s["end"], sc,
                    s.get("recognizer"), dumps(s.get("analysis_explanation")),
                    "accepted" if sc >= ANON_ACCEPT else
                    "rejected" if sc < ANON_REJECT else "ambiguous"))
            if len(items) >= BATCH:
                flush()
    flush()
    db.execute(
        "UPDATE batches SET finished_at = ?, lines = ?, imported = ?, "
        "queued = ?, auto_decided = ? WHERE id = ?",
        (now, n, n, queued, n - queued, batch))
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('next_seq', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (seq0 + n + 1,))
    db.execute(
        "INSERT INTO audit (at, actor, event, body, prev_hash, hash) "
        "VALUES (?, 'python', 'import', ?, '', '')",
        (now, json.dumps({"batch": batch})))
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: import-python.py DB FILE")
    main(sys.argv[1], sys.argv[2])
