/*
 * The SQLite schema, as numbered migrations applied in order in one
 * transaction and recorded in PRAGMA user_version and the migrations table.
 */
#include "config.h"

#include "sqlite.h"

/*
 * Never edit a migration that has shipped: add a new one. Times are RFC 3339
 * UTC text; lease expiry is Unix seconds, compared with the clock.
 */
const struct store_migration sqlite_migrations[] = {
	{ 1, "items, flags, spans, batches, policies, decisions, audit log",
	"CREATE TABLE migrations ("
	"  version INTEGER PRIMARY KEY,"
	"  applied_at TEXT NOT NULL,"
	"  description TEXT NOT NULL);"

	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"

	"CREATE TABLE policies ("
	"  version INTEGER PRIMARY KEY,"
	"  loaded_at TEXT NOT NULL,"
	"  loaded_by TEXT NOT NULL,"
	"  source TEXT,"
	"  sha256 TEXT NOT NULL,"
	"  body TEXT NOT NULL);"

	"CREATE TABLE batches ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  operator TEXT NOT NULL,"
	"  files TEXT NOT NULL,"
	"  policy_version INTEGER NOT NULL,"
	"  lines INTEGER NOT NULL DEFAULT 0,"
	"  imported INTEGER NOT NULL DEFAULT 0,"
	"  queued INTEGER NOT NULL DEFAULT 0,"
	"  auto_decided INTEGER NOT NULL DEFAULT 0,"
	"  duplicates INTEGER NOT NULL DEFAULT 0,"
	"  invalid INTEGER NOT NULL DEFAULT 0,"
	"  content_sha256 TEXT);"

	/*
	 * The lease columns live on the item so that claiming is one
	 * conditional UPDATE; an expired lease is simply a past
	 * lease_expires, so no sweeper is needed.
	 */
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  ext_id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind = 'model_output'"
	"    OR kind = 'anonymization'),"
	"  state TEXT NOT NULL CHECK (state = 'queued' OR state = 'auto'"
	"    OR state = 'claimed' OR state = 'decided' OR state = 'escalated'"
	"    OR state = 'resolved'),"
	"  priority REAL NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  requeue INTEGER NOT NULL DEFAULT 0,"
	"  spot_check INTEGER NOT NULL DEFAULT 0,"
	"  top_type TEXT,"
	"  top_score REAL,"
	"  holder TEXT,"
	"  lease_id INTEGER,"
	"  lease_expires INTEGER,"
	"  created_at TEXT,"
	"  imported_at TEXT NOT NULL,"
	"  batch_id INTEGER NOT NULL REFERENCES batches(id),"
	"  src_file TEXT NOT NULL,"
	"  src_line INTEGER NOT NULL,"
	"  policy_version INTEGER NOT NULL,"
	"  source_model TEXT,"
	"  source_pipeline TEXT,"
	"  source TEXT,"
	"  metadata TEXT,"
	"  prompt TEXT,"
	"  messages TEXT,"
	"  text TEXT NOT NULL,"
	"  raw TEXT NOT NULL);"

	/*
	 * The claim order: items skipped to the end of the queue (requeue, a
	 * rising counter) behind all others, then highest priority first,
	 * then import order. Only
	 * items in the review queue are in these indexes, so the next
	 * available item is the first entry not held by a live lease.
	 * Conditions here and in CHECKs are written with = and OR, not IN:
	 * an IN list costs a temporary b-tree each time a row is written.
	 * Queries must repeat the condition word for word to use the index.
	 */
	"CREATE INDEX items_next ON items (requeue, priority DESC, seq)"
	"  WHERE state = 'queued' OR state = 'claimed';"
	"CREATE INDEX items_next_kind ON items (kind, requeue, priority DESC,"
	"  seq) WHERE state = 'queued' OR state = 'claimed';"

	"CREATE TABLE flags ("
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  idx INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  score REAL NOT NULL,"
	"  detector TEXT,"
	"  rationale TEXT,"
	"  start_cp INTEGER,"
	"  end_cp INTEGER,"
	"  PRIMARY KEY (item_id, idx)) WITHOUT ROWID;"

	"CREATE TABLE spans ("
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  idx INTEGER NOT NULL,"
	"  entity_type TEXT NOT NULL,"
	"  start_cp INTEGER NOT NULL,"
	"  end_cp INTEGER NOT NULL,"
	"  score REAL NOT NULL,"
	"  recognizer TEXT,"
	"  explanation TEXT,"
	"  triage TEXT NOT NULL CHECK (triage = 'accepted'"
	"    OR triage = 'rejected' OR triage = 'ambiguous'),"
	"  PRIMARY KEY (item_id, idx)) WITHOUT ROWID;"

	"CREATE TABLE shifts ("
	"  id INTEGER PRIMARY KEY,"
	"  reviewer TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  ended_at TEXT,"
	"  note TEXT);"

	"CREATE TABLE decisions ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  action TEXT NOT NULL,"
	"  reviewer TEXT NOT NULL,"
	"  shift_id INTEGER REFERENCES shifts(id),"
	"  lease_id INTEGER,"
	"  policy_version INTEGER NOT NULL,"
	"  decided_at TEXT NOT NULL,"
	"  spent_ms INTEGER,"
	"  payload TEXT,"
	"  undoes INTEGER REFERENCES decisions(id),"
	"  supersedes INTEGER REFERENCES decisions(id),"
	"  audit_seq INTEGER NOT NULL);"
	"CREATE INDEX decisions_item ON decisions (item_id);"
	"CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	"CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"

	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  item TEXT,"
	"  body TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE INDEX audit_item ON audit (item) WHERE item IS NOT NULL;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	},
	{ 2, "review workflow: claims, skips, shifts' counts, escalations",
	"ALTER TABLE items ADD COLUMN claimed_at INTEGER;"
	"ALTER TABLE shifts ADD COLUMN counts TEXT;"
	"CREATE INDEX shifts_open ON shifts (reviewer) WHERE ended_at IS NULL;"
	"CREATE INDEX decisions_reviewer ON decisions (reviewer, id);"
	"CREATE INDEX decisions_undoes ON decisions (undoes)"
	"  WHERE undoes IS NOT NULL;"

	/* An item skipped in a shift is not handed back to it. */
	"CREATE TABLE skips ("
	"  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  decision_id INTEGER NOT NULL REFERENCES decisions(id),"
	"  requeue_before INTEGER NOT NULL,"
	"  PRIMARY KEY (decision_id)) WITHOUT ROWID;"
	"CREATE INDEX skips_shift ON skips (shift_id, item_id);"

	/*
	 * Every lease ever given, so that a refused decision can say what
	 * became of it (expired and taken, taken over, released).
	 */
	"CREATE TABLE leases ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  holder TEXT NOT NULL,"
	"  claimed_at INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  taken_over_by TEXT);"

	"CREATE TABLE escalations ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  decision_id INTEGER NOT NULL REFERENCES decisions(id),"
	"  team TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  note TEXT,"
	"  opened_by TEXT NOT NULL,"
	"  opened_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state = 'open'"
	"    OR state = 'acknowledged' OR state = 'resolved'"
	"    OR state = 'withdrawn'),"
	"  acked_by TEXT,"
	"  acked_at INTEGER,"
	"  resolved_by TEXT,"
	"  resolved_at INTEGER,"
	"  outcome TEXT,"
	"  resolution_id INTEGER REFERENCES decisions(id));"
	"CREATE INDEX escalations_team ON escalations (team, state);"

	/*
	 * How many items wait for a human, by kind, so that the console's
	 * header costs the same at any queue size. Import adds its counts
	 * once per run (a trigger per inserted row made import half as fast
	 * again); state changes are counted by the trigger.
	 */
	"CREATE TABLE waiting ("
	"  kind TEXT PRIMARY KEY,"
	"  n INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO waiting (kind, n) VALUES ('model_output', 0),"
	"  ('anonymization', 0);"
	"UPDATE waiting SET n = (SELECT count(*) FROM items"
	"  WHERE items.kind = waiting.kind AND"
	"  (state = 'queued' OR state = 'claimed'));"
	"CREATE TRIGGER waiting_update AFTER UPDATE OF state ON items"
	"  WHEN (old.state = 'queued' OR old.state = 'claimed') <>"
	"  (new.state = 'queued' OR new.state = 'claimed')"
	"  BEGIN UPDATE waiting SET n = n + CASE WHEN new.state = 'queued'"
	"  OR new.state = 'claimed' THEN 1 ELSE -1 END"
	"  WHERE kind = new.kind; END;"
	"CREATE INDEX escalations_item ON escalations (item_id);"
	},
	{ 3, "export runs",
	/*
	 * Each run exported the decisions in (since_decision, last_decision]
	 * for its scope (format and kind): the next run of the same scope
	 * starts after it. Undo refuses a decision inside any such range.
	 */
	"CREATE TABLE exports ("
	"  id INTEGER PRIMARY KEY,"
	"  format TEXT NOT NULL,"
	"  scope TEXT NOT NULL,"
	"  options TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  exported_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  records INTEGER NOT NULL,"
	"  since_decision INTEGER NOT NULL,"
	"  last_decision INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  audit_head TEXT NOT NULL);"
	"CREATE INDEX exports_scope ON exports (scope, id);"
	"CREATE INDEX exports_range ON exports (last_decision);"
	},
	{ 4, "signed audit log; policies, exports and batches append-only",
	/*
	 * Each write transaction's last event is signed with the key beside
	 * the database, over the events it wrote (first_seq to seq) and the
	 * chain hash at seq: the ranges of all signatures tile the log.
	 */
	"CREATE TABLE audit_signatures ("
	"  seq INTEGER PRIMARY KEY REFERENCES audit(seq),"
	"  first_seq INTEGER NOT NULL,"
	"  key_id TEXT NOT NULL,"
	"  signature TEXT NOT NULL);"
	"CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON"
	"  audit_signatures BEGIN SELECT RAISE(ABORT,"
	"  'audit signatures are append-only'); END;"
	"CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON"
	"  audit_signatures BEGIN SELECT RAISE(ABORT,"
	"  'audit signatures are append-only'); END;"
	"CREATE TRIGGER policies_no_update BEFORE UPDATE ON policies"
	"  BEGIN SELECT RAISE(ABORT, 'policies are append-only'); END;"
	"CREATE TRIGGER policies_no_delete BEFORE DELETE ON policies"
	"  BEGIN SELECT RAISE(ABORT, 'policies are append-only'); END;"
	"CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports"
	"  BEGIN SELECT RAISE(ABORT, 'export runs are append-only'); END;"
	"CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports"
	"  BEGIN SELECT RAISE(ABORT, 'export runs are append-only'); END;"
	/* A batch is written once more, when its run ends. */
	"CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches"
	"  WHEN old.finished_at IS NOT NULL"
	"  BEGIN SELECT RAISE(ABORT, 'finished batches are fixed'); END;"
	"CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches"
	"  BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;"
	"CREATE TRIGGER items_no_delete BEFORE DELETE ON items"
	"  BEGIN SELECT RAISE(ABORT, 'items are never deleted'); END;"
	/*
	 * Hash redaction is keyed by a secret derived from the signing key
	 * now; the old salt, readable by anyone who could read the file,
	 * goes.
	 */
	"DELETE FROM meta WHERE key = 'redaction_salt';"
	/*
	 * What batches made before signing stored of their items was never
	 * recorded: the first write after the upgrade records it.
	 */
	"INSERT INTO meta (key, value) SELECT 'needs_baseline', '1'"
	"  WHERE EXISTS (SELECT 1 FROM batches);"
	},
	{ 5, "counts by kind and state; the oldest waiting item by index",
	/*
	 * hitl status costs the same at any queue size: import adds its
	 * counts once per run (as it does the waiting counts), the trigger
	 * moves them with each change of state.
	 */
	"CREATE TABLE state_counts ("
	"  kind TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, state)) WITHOUT ROWID;"
	"INSERT INTO state_counts (kind, state, n)"
	"  SELECT k.kind, s.state, (SELECT count(*) FROM items i"
	"  WHERE i.kind = k.kind AND i.state = s.state)"
	"  FROM (SELECT 'model_output' AS kind UNION ALL"
	"  SELECT 'anonymization') k, (SELECT 'queued' AS state UNION ALL"
	"  SELECT 'auto' UNION ALL SELECT 'claimed' UNION ALL"
	"  SELECT 'decided' UNION ALL SELECT 'escalated' UNION ALL"
	"  SELECT 'resolved') s;"
	"CREATE TRIGGER state_counts_update AFTER UPDATE OF state ON items"
	"  WHEN old.state <> new.state"
	"  BEGIN UPDATE state_counts SET n = n - 1"
	"  WHERE kind = old.kind AND state = old.state;"
	"  UPDATE state_counts SET n = n + 1"
	"  WHERE kind = new.kind AND state = new.state; END;"
	"CREATE INDEX items_waiting_seq ON items (seq)"
	"  WHERE state = 'queued' OR state = 'claimed';"
	},
	{ 6, "export files recorded before they are placed",
	/*
	 * A run is committed with its files still under their temporary
	 * names (absolute, each its destination and ".tmp.XXXXXX"); they are
	 * renamed into place after the commit and their rows go. A row left
	 * by a run killed in between is replayed by the owner's (the OS user
	 * and host that wrote the files) next export. Not part of the record:
	 * rows are deleted once placed.
	 */
	"CREATE TABLE export_files ("
	"  export_id INTEGER NOT NULL REFERENCES exports(id),"
	"  seq INTEGER NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  tmp TEXT NOT NULL,"
	"  dest TEXT NOT NULL,"
	"  PRIMARY KEY (export_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX export_files_owner ON export_files (owner);"
	},
	{ 7, "review quality: samples, votes, gold scores, pauses",
	/*
	 * What import sampled for review quality (overlap, audit, gold),
	 * how many votes the item needs (extra_reviewer adjudication adds
	 * one at a time; gold: 0, it is never settled), its gold answer, and
	 * where its round is: votes being cast (open), waiting for a lead
	 * (adjudication), or over (closed: settled; escalated: by a voter,
	 * and open again if that escalation is undone). The sample
	 * and the answer are recomputed from the raw line by audit verify.
	 */
	"CREATE TABLE samples ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items(id),"
	"  sample TEXT NOT NULL CHECK (sample = 'overlap' OR sample = 'audit'"
	"    OR sample = 'gold'),"
	"  votes INTEGER NOT NULL,"
	"  gold TEXT,"
	"  state TEXT NOT NULL CHECK (state = 'open' OR"
	"    state = 'adjudication' OR state = 'closed' OR"
	"    state = 'escalated'));"
	/* A decision that is a blind vote of a round (1), not in force. */
	"ALTER TABLE decisions ADD COLUMN vote INTEGER;"
	/*
	 * Each reviewer's vote in force on an item: claims step over items
	 * the claimer voted on; an undo removes the row. Derived from the
	 * decisions, kept for the claim's one index lookup.
	 */
	"CREATE TABLE ballots ("
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  reviewer TEXT NOT NULL,"
	"  decision_id INTEGER NOT NULL REFERENCES decisions(id),"
	"  PRIMARY KEY (item_id, reviewer)) WITHOUT ROWID;"
	"CREATE INDEX ballots_decision ON ballots (decision_id);"
	/* A gold vote's score: right of total, as vote_score counts. */
	"CREATE TABLE gold_scores ("
	"  decision_id INTEGER PRIMARY KEY REFERENCES decisions(id),"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  reviewer TEXT NOT NULL,"
	"  right_n INTEGER NOT NULL,"
	"  total_n INTEGER NOT NULL);"
	"CREATE INDEX gold_scores_reviewer ON gold_scores (reviewer,"
	"  decision_id);"
	/* Pauses and their lifting, append-only, each with its event. */
	"CREATE TABLE pauses ("
	"  id INTEGER PRIMARY KEY,"
	"  reviewer TEXT NOT NULL,"
	"  event TEXT NOT NULL CHECK (event = 'pause' OR event = 'resume'),"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  scored INTEGER NOT NULL,"
	"  accuracy REAL,"
	"  after_decision INTEGER NOT NULL,"
	"  audit_seq INTEGER NOT NULL);"
	"CREATE INDEX pauses_reviewer ON pauses (reviewer, id);"
	"CREATE TRIGGER pauses_no_update BEFORE UPDATE ON pauses"
	"  BEGIN SELECT RAISE(ABORT, 'pauses are append-only'); END;"
	"CREATE TRIGGER pauses_no_delete BEFORE DELETE ON pauses"
	"  BEGIN SELECT RAISE(ABORT, 'pauses are append-only'); END;"
	/* Gold is served by the count of a reviewer's claims. */
	"CREATE INDEX leases_holder ON leases (holder);"
	},
	{ 8, "the two-person rule: rounds a decision opens",
	/*
	 * A "two_person" round is opened by the first approve or correction
	 * of an item the policy's two_person section covers (the audit
	 * event "two_person" records it), not drawn at import: the first
	 * decision is its pending vote, a second reviewer's the other. The
	 * CHECK cannot be altered in place: the table is made again (no
	 * index, trigger or foreign key names it).
	 */
	"CREATE TABLE samples_new ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items(id),"
	"  sample TEXT NOT NULL CHECK (sample = 'overlap' OR sample = 'audit'"
	"    OR sample = 'gold' OR sample = 'two_person'),"
	"  votes INTEGER NOT NULL,"
	"  gold TEXT,"
	"  state TEXT NOT NULL CHECK (state = 'open' OR"
	"    state = 'adjudication' OR state = 'closed' OR"
	"    state = 'escalated'));"
	"INSERT INTO samples_new (item_id, sample, votes, gold, state)"
	"  SELECT item_id, sample, votes, gold, state FROM samples;"
	"DROP TABLE samples;"
	"ALTER TABLE samples_new RENAME TO samples;"
	},
	{ 9, "escalations told overdue (escalations --notify-overdue)",
	/* When the escalation_overdue hook was run for it: once, ever. */
	"ALTER TABLE escalations ADD COLUMN notified_overdue_at INTEGER;"
	},
	{ 10, "suspensions of a model or pipeline",
	/*
	 * A lead's stop of one source (hitl suspend): while resumed_at is
	 * NULL every item of it goes to a human and exports leave out its
	 * items decided after since_decision (the newest decision when it
	 * began). until_decision and resumed_export are the newest decision
	 * and export run at the resume: the first run of each cursor after
	 * the resume takes what the runs before it left out. One active
	 * suspension per source; each change has its audit event.
	 */
	"CREATE TABLE suspensions ("
	"  id INTEGER PRIMARY KEY,"
	"  source_kind TEXT NOT NULL CHECK (source_kind = 'model' OR"
	"    source_kind = 'pipeline'),"
	"  source_value TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  suspended_by TEXT NOT NULL,"
	"  since TEXT NOT NULL,"
	"  since_decision INTEGER NOT NULL,"
	"  audit_seq INTEGER NOT NULL,"
	"  resumed_at TEXT,"
	"  resumed_by TEXT,"
	"  resume_reason TEXT,"
	"  until_decision INTEGER,"
	"  resumed_export INTEGER);"
	"CREATE UNIQUE INDEX suspensions_active ON suspensions"
	"  (source_kind, source_value) WHERE resumed_at IS NULL;"
	},
	{ 11, "tombstones, data subjects, the items of each export run",
	/*
	 * An item whose content purge or erase removed: what stays of it is
	 * its row's id, kind and state; this row says when, by whom, why
	 * (cause: retention or erasure; reason: the eraser's words) and the
	 * SHA-256 of what was removed. Its event (purge, erase) commits to
	 * all of it, and to what its batch's digests are from then on.
	 */
	"CREATE TABLE tombstones ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items(id),"
	"  removed_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  cause TEXT NOT NULL CHECK (cause = 'retention'"
	"    OR cause = 'erasure'),"
	"  reason TEXT,"
	"  content_sha256 TEXT NOT NULL,"
	"  audit_seq INTEGER NOT NULL);"
	"CREATE TRIGGER tombstones_no_update BEFORE UPDATE ON tombstones"
	"  BEGIN SELECT RAISE(ABORT, 'tombstones are fixed'); END;"
	"CREATE TRIGGER tombstones_no_delete BEFORE DELETE ON tombstones"
	"  BEGIN SELECT RAISE(ABORT, 'tombstones are fixed'); END;"
	/* The data subjects a record named (opaque ids); erase deletes. */
	"CREATE TABLE subjects ("
	"  subject TEXT NOT NULL,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  PRIMARY KEY (subject, item_id)) WITHOUT ROWID;"
	"CREATE INDEX subjects_item ON subjects (item_id);"
	/* Which items each export run wrote: the recipients to notify. */
	"CREATE TABLE export_items ("
	"  export_id INTEGER NOT NULL REFERENCES exports(id),"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  PRIMARY KEY (item_id, export_id)) WITHOUT ROWID;"
	/*
	 * A decision stays as it was, but for its payload, which purge and
	 * erase may rewrite once the item has its tombstone (its event
	 * committed to the payload by hash, and the tombstone's event to
	 * what is left of it).
	 */
	"DROP TRIGGER decisions_no_update;"
	"CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions"
	"  WHEN NOT (new.id IS old.id AND new.item_id IS old.item_id AND "
	"  new.action IS old.action AND new.reviewer IS old.reviewer AND "
	"  new.shift_id IS old.shift_id AND "
	"  new.lease_id IS old.lease_id AND "
	"  new.policy_version IS old.policy_version AND "
	"  new.decided_at IS old.decided_at AND "
	"  new.spent_ms IS old.spent_ms AND new.undoes IS old.undoes AND "
	"  new.supersedes IS old.supersedes AND "
	"  new.audit_seq IS old.audit_seq AND new.vote IS old.vote AND "
	"  EXISTS (SELECT 1 FROM tombstones t WHERE t.item_id = old.item_id))"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	},
	{ 12, "purge and erase reseal a tombstoned item's first-format events",
	/*
	 * An event stays as it was, but for the body of a first-format one
	 * (no "v": a decision's payload whole in it) whose item has its
	 * tombstone: purge and erase put the payload's hash in its place.
	 * Its link (prev_hash, hash) stays; the tombstone's event lists the
	 * new body's hash, which verify checks.
	 */
	"DROP TRIGGER audit_no_update;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  WHEN NOT (new.seq IS old.seq AND new.at IS old.at AND "
	"  new.actor IS old.actor AND new.event IS old.event AND "
	"  new.item IS old.item AND new.prev_hash IS old.prev_hash AND "
	"  new.hash IS old.hash AND substr(old.body, 1, 5) <> '{\"v\":' AND "
	"  EXISTS (SELECT 1 FROM tombstones t JOIN items i ON i.id = t.item_id"
	"  WHERE i.ext_id = old.item))"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	},
};

const size_t sqlite_nmigrations =
    sizeof sqlite_migrations / sizeof sqlite_migrations[0];
