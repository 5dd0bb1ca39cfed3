#!/usr/bin/env python3
# The attacker's tool of tests/cli/record.sh, with nothing but the file and
# the Python standard library (and the openssl command to sign with a key of
# the attacker's own): it rewrites a hitl database's audit chain so that it
# agrees again with rows edited behind hitl's back.
#
#   record-forge.py rechain DB [--signatures keep|drop|drop-changed]
#                              [--sign KEY.pem] [--first-format]
#   record-forge.py policy-sha DB
#
# rechain recomputes each policy's sha256 from its body, renumbers the
# events 1, 2, ... in their order, rewrites each body's "seq" and the data
# of the events that describe a row from that row (decisions with their
# audit_seq, a policy load's SHA-256, a shift's end, an export run with the
# chain's head before it), and recomputes every hash as hitl does:
# hash = SHA-256(previous hash as 32 raw bytes || body), the first previous
# hash being 32 zero bytes, the body the compact JSON of
# {"v","seq","at","actor","event","item","data"} ("v": 2 when the body
# holds decision payloads by their SHA-256; absent in the first format). Signatures are then kept
# (moved with their events' new numbers), dropped, dropped where the signed
# hash changed, or made anew with the attacker's KEY.pem (which is also put
# on record in place of the database's key). --first-format writes the
# bodies as hitl did before they had a version (payloads whole). It prints what it did as JSON:
# the number of events, the head, and the first event whose signature the
# rewrite broke.
#
# policy-sha only recomputes policies.sha256 from each body; guards puts
# back the guards the attacker dropped.
#
# DB is a file, or a PostgreSQL URI (postgresql:///NAME?host=DIR&user=USER,
# as the tests' cluster gives them): there, with no libpq for Python, each
# statement goes through psql (HITL_PG_BIN/psql) as the server's superuser
# in replica mode, where neither the guards nor the foreign keys stop it.

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

GENESIS = "0" * 64
DECISION_EVENTS = ("decision", "undo", "resolution", "reopen")
DECISION_SQL = (
    "SELECT d.id, i.ext_id, d.action, d.reviewer, d.shift_id, d.lease_id, "
    "d.policy_version, d.decided_at, d.spent_ms, d.payload, d.undoes, "
    "d.supersedes FROM decisions d JOIN items i ON i.id = d.item_id "
    "WHERE d.id = ?")
DECISION_KEYS = ("decision", "item", "action", "reviewer", "shift", "lease",
                 "policy_version", "decided_at", "spent_ms", "payload",
                 "undoes", "supersedes")
SIGN_LABEL = "hitl audit events v1\n"
# Whatever guards the file has; the attacker drops them all.
TRIGGERS = ("audit_no_update", "audit_no_delete", "decisions_no_update",
            "decisions_no_delete", "policies_no_update", "policies_no_delete",
            "exports_no_update", "exports_no_delete",
            "audit_signatures_no_update", "audit_signatures_no_delete",
            "batches_no_update", "batches_no_delete", "items_no_delete")


def canon(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hex, body):
    return hashlib.sha256(bytes.fromhex(prev_hex) +
                          body.encode("utf-8")).hexdigest()


def openssl(*args, data=None):
    return subprocess.run(("openssl",) + args, input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def key_public(key):
    pem = openssl("pkey", "-in", key, "-pubout").decode()
    der = openssl("pkey", "-in", key, "-pubout", "-outform", "DER")
    return pem, hashlib.sha256(der[-32:]).hexdigest()[:16]


def sign(key, first, seq, hash_hex):
    with tempfile.NamedTemporaryFile() as msg:
        msg.write(("%s%d\n%d\n%s" % (SIGN_LABEL, first, seq,
                                      hash_hex)).encode())
        msg.flush()
        return openssl("pkeyutl", "-sign", "-rawin", "-inkey", key,
                       "-in", msg.name).hex()


class Rows:
    """The rows of a statement psql ran, as sqlite3's cursor gives them."""

    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class Psql:
    """A PostgreSQL database through psql, one session per statement."""

    def __init__(self, uri):
        u = urllib.parse.urlparse(uri)
        q = urllib.parse.parse_qs(u.query)
        self.args = [os.path.join(os.environ.get("HITL_PG_BIN", ""),
                                  "psql"), "-X", "-q", "-A", "-t",
                     "-v", "ON_ERROR_STOP=1", "-d", u.path.lstrip("/")]
        for key, opt in (("host", "-h"), ("user", "-U"), ("port", "-p")):
            if key in q:
                self.args += [opt, q[key][0]]

    @staticmethod
    def literal(v):
        if v is None:
            return "NULL"
        if isinstance(v, (int, float)):
            return repr(v)
        return "'" + str(v).replace("'", "''") + "'"

    def bind(self, sql, params):
        parts = sql.split("?")
        assert len(parts) == len(params) + 1, sql
        out = parts[0]
        for v, rest in zip(params, parts[1:]):
            out += self.literal(v) + rest
        return out

    def run(self, script):
        text = ("SET search_path = hitl, pg_catalog;\n"
                "SET session_replication_role = replica;\n" + script)
        return subprocess.run(self.args, input=text.encode(), check=True,
                              stdout=subprocess.PIPE).stdout.decode()

    def execute(self, sql, params=()):
        sql = self.bind(sql, params)
        if not sql.lstrip().upper().startswith("SELECT"):
            self.run(sql + ";\n")
            return Rows([])
        # Each row as JSON: its values with their types, in column order.
        out = self.run("SELECT CAST(row_to_json(q) AS text) FROM (%s) AS q;\n"
                       % sql)
        return Rows([tuple(json.loads(line, object_pairs_hook=lambda kv:
                                      [v for _, v in kv]))
                     for line in out.splitlines() if line])

    def executemany(self, sql, rows):
        self.run("".join(self.bind(sql, r) + ";\n" for r in rows))

    def close(self):
        pass


def is_server(db):
    return isinstance(db, Psql)


def has_table(db, name):
    if is_server(db):
        return True     # its first schema had every table
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                      "AND name = ?", (name,)).fetchone() is not None


def decision_data(db, did, seq, version):
    row = db.execute(DECISION_SQL, (did,)).fetchone()
    if row is None:
        sys.exit("record-forge: decision %d is gone: delete its event too"
                 % did)
    data = dict(zip(DECISION_KEYS, row))
    if data["payload"] is not None and version < 2:
        data["payload"] = json.loads(data["payload"])
    data["audit_seq"] = seq
    if version >= 2:
        # A body of version 2 holds the payload's hash, last.
        text = data.pop("payload")
        data["payload_sha256"] = None if text is None else \
            hashlib.sha256(canon(json.loads(text)).encode()).hexdigest()
    db.execute("UPDATE decisions SET audit_seq = ? WHERE id = ?", (seq, did))
    return data


def sync(db, event, data, seq, prev, pubkey, version):
    """The event's data, made to say what its row says now."""
    if event in DECISION_EVENTS:
        return decision_data(db, data["decision"], seq, version)
    if event == "policy_load":
        row = db.execute("SELECT sha256 FROM policies WHERE version = ?",
                         (data["version"],)).fetchone()
        if row is not None:
            data["sha256"] = row[0]
    elif event == "shift_end":
        row = db.execute("SELECT counts, note FROM shifts WHERE id = ?",
                         (data["shift"],)).fetchone()
        if row is not None:
            data["counts"] = json.loads(row[0]) if row[0] else None
            if row[1] is not None or "note" in data:
                data["note"] = row[1]
    elif event == "export":
        row = db.execute("SELECT records, since_decision, last_decision, "
                         "sha256 FROM exports WHERE id = ?",
                         (data["export"],)).fetchone()
        if row is not None:
            (data["records"], data["since_decision"], data["last_decision"],
             data["sha256"]) = row
            data["audit_head"] = prev
            db.execute("UPDATE exports SET audit_head = ? WHERE id = ?",
                       (prev, data["export"]))
    elif event == "signing_key" and pubkey is not None:
        data["key_id"] = pubkey[1]
        data["public_key"] = pubkey[0]
    return data


def connect(path):
    if path.startswith(("postgresql://", "postgres://")):
        return Psql(path)
    # The attacker is in no hurry for durability.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    return db


def drop_guards(db):
    """Drops the append-only triggers; returns their SQL, to put back."""
    if is_server(db):
        return []       # replica mode: they do not fire
    saved = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        "(%s)" % ",".join("?" * len(TRIGGERS)), TRIGGERS)]
    for t in TRIGGERS:
        db.execute("DROP TRIGGER IF EXISTS " + t)
    return saved


def restore_guards(db, saved):
    # A careful forger leaves the schema as hitl made it, guards the SQL
    # given to the shell dropped (on a server: disabled) included.
    if is_server(db):
        for (t,) in db.execute("SELECT tgname FROM pg_trigger "
                               "WHERE tgname LIKE '%\\_no\\_%' "
                               "AND tgenabled = 'D'").fetchall():
            db.execute("ALTER TABLE %s ENABLE TRIGGER %s"
                       % (t.rpartition("_no_")[0], t))
        return
    for sql in saved:
        db.execute(sql)
    schema = db.execute("PRAGMA user_version").fetchone()[0]
    for t in TRIGGERS:
        table, _, what = t.rpartition("_no_")
        # Those of migration 4 belong only to a schema that has it.
        if schema < 4 and table not in ("audit", "decisions"):
            continue
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' "
                      "AND name = ?", (t,)).fetchone() is None:
            db.execute("CREATE TRIGGER %s BEFORE %s ON %s BEGIN SELECT "
                       "RAISE(ABORT, 'append-only'); END"
                       % (t, what.upper(), table))


def rechain(path, mode, key, first_format=False):
    db = connect(path)
    if not is_server(db):
        db.execute("BEGIN IMMEDIATE")
    guards = drop_guards(db)
    signed = has_table(db, "audit_signatures")
    events = db.execute("SELECT seq, at, actor, event, item, body, hash "
                        "FROM audit ORDER BY seq").fetchall()
    sigs = {}
    if signed:
        sigs = {s: (f, k, v) for s, f, k, v in db.execute(
            "SELECT seq, first_seq, key_id, signature "
            "FROM audit_signatures")}
    pubkey = key_public(key) if key is not None else None
    set_policy_sha(db)

    rows, renumbered, prev = [], {}, GENESIS
    for new, (old, at, actor, event, item, body, old_hash) in \
            enumerate(events, 1):
        b = json.loads(body)
        if first_format:
            # As hitl wrote bodies before they had a version: payloads
            # whole in decision events.
            b.pop("v", None)
        b["seq"] = new
        b["data"] = sync(db, event, b.get("data") or {}, new, prev, pubkey,
                         b.get("v", 1))
        text = canon(b)
        h = chain_hash(prev, text)
        rows.append((new, at, actor, event, item, text, prev, h))
        renumbered[old] = (new, h != old_hash or new != old, event)
        prev = h

    db.execute("DELETE FROM audit")
    db.executemany("INSERT INTO audit (seq, at, actor, event, item, body, "
                   "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    first_bad = None
    if signed:
        db.execute("DELETE FROM audit_signatures")
        for old in sorted(sigs):
            if old not in renumbered:
                continue        # its event is gone: so is it
            new, changed, event = renumbered[old]
            if mode == "drop" or (mode == "drop-changed" and changed):
                continue
            old_first, key_id, sig = sigs[old]
            # The range's first event that is left, renumbered.
            kept = [renumbered[o][0] for o in range(old_first, old + 1)
                    if o in renumbered]
            first = min(kept)
            if key is not None:
                key_id, sig = pubkey[1], sign(key, first, new,
                                              rows[new - 1][7])
            elif changed and first_bad is None:
                first_bad = {"seq": new, "event": event}
            db.execute("INSERT INTO audit_signatures (seq, first_seq, "
                       "key_id, signature) VALUES (?, ?, ?, ?)",
                       (new, first, key_id, sig))
        if key is not None:
            db.execute("UPDATE meta SET value = ? WHERE key = "
                       "'signing_key'", (pubkey[1],))
    restore_guards(db, guards)
    if not is_server(db):
        db.execute("COMMIT")
    db.close()
    print(canon({"events": len(rows), "head": prev, "first_bad": first_bad}))


def set_policy_sha(db):
    if is_server(db):
        for version, body in db.execute(
                "SELECT version, body FROM policies").fetchall():
            db.execute("UPDATE policies SET sha256 = ? WHERE version = ?",
                       (hashlib.sha256(body.encode()).hexdigest(), version))
        return
    saved = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
        "name = 'policies_no_update'")]
    db.execute("DROP TRIGGER IF EXISTS policies_no_update")
    for version, body in db.execute(
            "SELECT version, body FROM policies").fetchall():
        db.execute("UPDATE policies SET sha256 = ? WHERE version = ?",
                   (hashlib.sha256(body.encode()).hexdigest(), version))
    for sql in saved:
        db.execute(sql)


def policy_sha(path):
    db = connect(path)
    set_policy_sha(db)
    db.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "rechain":
        mode, key, rest, first = "keep", None, argv[3:], False
        while rest:
            if rest[0] == "--first-format":
                first, rest = True, rest[1:]
                continue
            if rest[0] == "--signatures" and len(rest) > 1 and \
                    rest[1] in ("keep", "drop", "drop-changed"):
                mode = rest[1]
            elif rest[0] == "--sign" and len(rest) > 1:
                key = rest[1]
            else:
                break
            rest = rest[2:]
        if not rest:
            return rechain(argv[2], mode, key, first)
    elif len(argv) == 3 and argv[1] == "policy-sha":
        return policy_sha(argv[2])
    elif len(argv) == 3 and argv[1] == "guards":
        db = connect(argv[2])
        restore_guards(db, [])
        db.close()
        return None
    sys.exit("usage: record-forge.py rechain DB [--signatures "
             "keep|drop|drop-changed] [--sign KEY.pem] [--first-format] | "
             "policy-sha DB | "
             "guards DB")


if __name__ == "__main__":
    main(sys.argv)
