/*
 * What a copy reads of one database and writes to another: every table's
 * rows as they are, then the counts and counters that go with them.
 */

#include "config.h"

#include <stdlib.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

/* A column's type: integer, real or text. */
struct copy_column {
	const char	*name;
	int		 type;		/* 'i', 'r', 't' */
};

/*
 * The tables, in the order of enum store_copy_table, each with every
 * column of the current schema. waiting and meta hold counts and counters,
 * copied apart.
 */
struct copy_table {
	const char			*name;
	const char			*order;
	const struct copy_column	*cols;
	char				*select, *insert;	/* built once */
};

static const struct copy_column copy_policies[] = {
	{ "version", 'i' }, { "loaded_at", 't' }, { "loaded_by", 't' },
	{ "source", 't' }, { "sha256", 't' }, { "body", 't' }, { NULL, 0 }
};
static const struct copy_column copy_batches[] = {
	{ "id", 'i' }, { "started_at", 't' }, { "finished_at", 't' },
	{ "operator", 't' }, { "files", 't' }, { "policy_version", 'i' },
	{ "lines", 'i' }, { "imported", 'i' }, { "queued", 'i' },
	{ "auto_decided", 'i' }, { "duplicates", 'i' }, { "invalid", 'i' },
	{ "content_sha256", 't' }, { NULL, 0 }
};
static const struct copy_column copy_items[] = {
	{ "id", 'i' }, { "ext_id", 't' }, { "kind", 't' }, { "state", 't' },
	{ "priority", 'r' }, { "seq", 'i' }, { "requeue", 'i' },
	{ "spot_check", 'i' }, { "top_type", 't' }, { "top_score", 'r' },
	{ "holder", 't' }, { "lease_id", 'i' }, { "lease_expires", 'i' },
	{ "claimed_at", 'i' }, { "created_at", 't' }, { "imported_at", 't' },
	{ "batch_id", 'i' }, { "src_file", 't' }, { "src_line", 'i' },
	{ "policy_version", 'i' }, { "source_model", 't' },
	{ "source_pipeline", 't' }, { "source", 't' }, { "metadata", 't' },
	{ "prompt", 't' }, { "messages", 't' }, { "text", 't' },
	{ "raw", 't' }, { NULL, 0 }
};
static const struct copy_column copy_flags[] = {
	{ "item_id", 'i' }, { "idx", 'i' }, { "type", 't' }, { "score", 'r' },
	{ "detector", 't' }, { "rationale", 't' }, { "start_cp", 'i' },
	{ "end_cp", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_spans[] = {
	{ "item_id", 'i' }, { "idx", 'i' }, { "entity_type", 't' },
	{ "start_cp", 'i' }, { "end_cp", 'i' }, { "score", 'r' },
	{ "recognizer", 't' }, { "explanation", 't' }, { "triage", 't' },
	{ NULL, 0 }
};
static const struct copy_column copy_shifts[] = {
	{ "id", 'i' }, { "reviewer", 't' }, { "started_at", 't' },
	{ "ended_at", 't' }, { "note", 't' }, { "counts", 't' }, { NULL, 0 }
};
static const struct copy_column copy_decisions[] = {
	{ "id", 'i' }, { "item_id", 'i' }, { "action", 't' },
	{ "reviewer", 't' }, { "shift_id", 'i' }, { "lease_id", 'i' },
	{ "policy_version", 'i' }, { "decided_at", 't' }, { "spent_ms", 'i' },
	{ "payload", 't' }, { "undoes", 'i' }, { "supersedes", 'i' },
	{ "audit_seq", 'i' }, { "vote", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_audit[] = {
	{ "seq", 'i' }, { "at", 't' }, { "actor", 't' }, { "event", 't' },
	{ "item", 't' }, { "body", 't' }, { "prev_hash", 't' },
	{ "hash", 't' }, { NULL, 0 }
};
static const struct copy_column copy_signatures[] = {
	{ "seq", 'i' }, { "first_seq", 'i' }, { "key_id", 't' },
	{ "signature", 't' }, { NULL, 0 }
};
static const struct copy_column copy_skips[] = {
	{ "shift_id", 'i' }, { "item_id", 'i' }, { "decision_id", 'i' },
	{ "requeue_before", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_leases[] = {
	{ "id", 'i' }, { "item_id", 'i' }, { "holder", 't' },
	{ "claimed_at", 'i' }, { "expires", 'i' }, { "taken_over_by", 't' },
	{ NULL, 0 }
};
static const struct copy_column copy_escalations[] = {
	{ "id", 'i' }, { "item_id", 'i' }, { "decision_id", 'i' },
	{ "team", 't' }, { "reason", 't' }, { "severity", 't' },
	{ "note", 't' }, { "opened_by", 't' }, { "opened_at", 'i' },
	{ "due_at", 'i' }, { "state", 't' }, { "acked_by", 't' },
	{ "acked_at", 'i' }, { "resolved_by", 't' }, { "resolved_at", 'i' },
	{ "outcome", 't' }, { "resolution_id", 'i' },
	{ "notified_overdue_at", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_exports[] = {
	{ "id", 'i' }, { "format", 't' }, { "scope", 't' },
	{ "options", 't' }, { "path", 't' }, { "exported_at", 't' },
	{ "actor", 't' }, { "records", 'i' }, { "since_decision", 'i' },
	{ "last_decision", 'i' }, { "sha256", 't' }, { "audit_head", 't' },
	{ NULL, 0 }
};

static const struct copy_column copy_samples[] = {
	{ "item_id", 'i' }, { "sample", 't' }, { "votes", 'i' },
	{ "gold", 't' }, { "state", 't' }, { NULL, 0 }
};
static const struct copy_column copy_ballots[] = {
	{ "item_id", 'i' }, { "reviewer", 't' }, { "decision_id", 'i' },
	{ NULL, 0 }
};
static const struct copy_column copy_gold_scores[] = {
	{ "decision_id", 'i' }, { "item_id", 'i' }, { "reviewer", 't' },
	{ "right_n", 'i' }, { "total_n", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_pauses[] = {
	{ "id", 'i' }, { "reviewer", 't' }, { "event", 't' }, { "at", 't' },
	{ "actor", 't' }, { "scored", 'i' }, { "accuracy", 'r' },
	{ "after_decision", 'i' }, { "audit_seq", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_suspensions[] = {
	{ "id", 'i' }, { "source_kind", 't' }, { "source_value", 't' },
	{ "reason", 't' }, { "suspended_by", 't' }, { "since", 't' },
	{ "since_decision", 'i' }, { "audit_seq", 'i' },
	{ "resumed_at", 't' }, { "resumed_by", 't' },
	{ "resume_reason", 't' }, { "until_decision", 'i' },
	{ "resumed_export", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_tombstones[] = {
	{ "item_id", 'i' }, { "removed_at", 't' }, { "actor", 't' },
	{ "cause", 't' }, { "reason", 't' }, { "content_sha256", 't' },
	{ "audit_seq", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_subjects[] = {
	{ "subject", 't' }, { "item_id", 'i' }, { NULL, 0 }
};
static const struct copy_column copy_export_items[] = {
	{ "export_id", 'i' }, { "item_id", 'i' }, { NULL, 0 }
};

static struct copy_table copy_tables[STORE_COPY_NTABLES] = {
	[STORE_COPY_POLICIES] = { "policies", "version", copy_policies, NULL,
	    NULL },
	[STORE_COPY_BATCHES] = { "batches", "id", copy_batches, NULL, NULL },
	[STORE_COPY_ITEMS] = { "items", "id", copy_items, NULL, NULL },
	[STORE_COPY_FLAGS] = { "flags", "item_id, idx", copy_flags, NULL,
	    NULL },
	[STORE_COPY_SPANS] = { "spans", "item_id, idx", copy_spans, NULL,
	    NULL },
	[STORE_COPY_SHIFTS] = { "shifts", "id", copy_shifts, NULL, NULL },
	[STORE_COPY_DECISIONS] = { "decisions", "id", copy_decisions, NULL,
	    NULL },
	[STORE_COPY_AUDIT] = { "audit", "seq", copy_audit, NULL, NULL },
	[STORE_COPY_SIGNATURES] = { "audit_signatures", "seq",
	    copy_signatures, NULL, NULL },
	[STORE_COPY_SKIPS] = { "skips", "decision_id", copy_skips, NULL,
	    NULL },
	[STORE_COPY_LEASES] = { "leases", "id", copy_leases, NULL, NULL },
	[STORE_COPY_ESCALATIONS] = { "escalations", "id", copy_escalations,
	    NULL, NULL },
	[STORE_COPY_EXPORTS] = { "exports", "id", copy_exports, NULL, NULL },
	[STORE_COPY_SAMPLES] = { "samples", "item_id", copy_samples, NULL,
	    NULL },
	[STORE_COPY_BALLOTS] = { "ballots", "item_id, reviewer", copy_ballots,
	    NULL, NULL },
	[STORE_COPY_GOLD_SCORES] = { "gold_scores", "decision_id",
	    copy_gold_scores, NULL, NULL },
	[STORE_COPY_PAUSES] = { "pauses", "id", copy_pauses, NULL, NULL },
	[STORE_COPY_SUSPENSIONS] = { "suspensions", "id", copy_suspensions,
	    NULL, NULL },
	[STORE_COPY_TOMBSTONES] = { "tombstones", "item_id", copy_tombstones,
	    NULL, NULL },
	[STORE_COPY_SUBJECTS] = { "subjects", "subject, item_id",
	    copy_subjects, NULL, NULL },
	[STORE_COPY_EXPORT_ITEMS] = { "export_items", "item_id, export_id",
	    copy_export_items, NULL, NULL },
};

/* Statement texts are cached by address: each is built once and kept. */
static void
copy_sql(struct copy_table *t)
{
	char	*cols = xstrdup(""), *marks = xstrdup(""), *next;
	int	 i;

	if (t->select != NULL)
		return;
	for (i = 0; t->cols[i].name != NULL; i++) {
		xasprintf(&next, "%s%s%s", cols, i > 0 ? ", " : "",
		    t->cols[i].name);
		free(cols);
		cols = next;
		xasprintf(&next, "%s%s?%d", marks, i > 0 ? ", " : "", i + 1);
		free(marks);
		marks = next;
	}
	xasprintf(&t->select, "SELECT %s FROM %s ORDER BY %s", cols, t->name,
	    t->order);
	xasprintf(&t->insert, "INSERT INTO %s (%s) VALUES (%s)", t->name, cols,
	    marks);
	free(cols);
	free(marks);
}

int
store_copy_rows(struct queue *src, struct queue *dst,
    enum store_copy_table which, uint64_t *rows, char **cause)
{
	struct copy_table	*t = &copy_tables[which];
	struct store_stmt	*in, *out;
	const char		*text;
	size_t			 len;
	int			 i, rc;

	copy_sql(t);
	if ((in = store_prepare(src, t->select, STORE_SCAN, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((rc = store_step(in, "copy", cause)) == STORE_ROW) {
		if ((out = store_stmt(dst, t->insert, cause)) == NULL) {
			rc = EX_SOFTWARE;
			break;
		}
		for (i = 0; t->cols[i].name != NULL; i++) {
			if (store_is_null(in, i))
				store_bind_null(out, i + 1);
			else if (t->cols[i].type == 'i')
				store_bind_int(out, i + 1, store_int(in, i));
			else if (t->cols[i].type == 'r')
				store_bind_real(out, i + 1, store_real(in, i));
			else {
				text = store_bytes(in, i, &len);
				store_bind_bytes(out, i + 1, text, len);
			}
		}
		if ((rc = store_run(out, "copy", cause)) != 0)
			break;
		(*rows)++;
	}
	store_reset(in);
	return (rc == STORE_DONE ? 0 : rc);
}

int
store_copy_size(struct queue *q, int64_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM "
	    "items) + (SELECT count(*) FROM policies)";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "copy", cause)) != 0)
		return (rc);
	*n = store_int(st, 0);
	store_reset(st);
	return (0);
}

/*
 * The rows that are the queue's state rather than its record, copied over
 * the new database's own: the counts kept beside the rows, which status
 * and next read instead of counting (their key columns, then the count),
 * and the meta rows (a key, then its text).
 */
static const struct copy_state_rows {
	const char	*select;
	const char	*set;
	int		 ncols;
	int		 counted;	/* the last column is a count */
} copy_state_rows[] = {
	{ "SELECT kind, n FROM waiting ORDER BY kind",
	  "UPDATE waiting SET n = ?2 WHERE kind = ?1", 2, 1 },
	{ "SELECT kind, state, n FROM state_counts ORDER BY kind, state",
	  "INSERT INTO state_counts (kind, state, n) VALUES (?1, ?2, ?3) "
	  "ON CONFLICT (kind, state) DO UPDATE SET n = excluded.n", 3, 1 },
	{ "SELECT key, value FROM meta WHERE key = 'next_seq' OR "
	  "key = 'signing_key' OR key = 'needs_baseline' ORDER BY key",
	  "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	  "ON CONFLICT (key) DO UPDATE SET value = excluded.value", 2, 0 },
};

/* The counters hitl keeps (meta on SQLite, sequences on PostgreSQL). */
static const char *const copy_counters[] = { "next_lease", "next_requeue" };

/* The queue's state: those rows, its counters, the backend's own. */
int
store_copy_state(struct queue *src, struct queue *dst, char **cause)
{
	const struct copy_state_rows	*r;
	struct store_stmt		*in, *out;
	int64_t				 next;
	size_t				 i;
	int				 k, last, rc = STORE_DONE;

	for (i = 0; rc == STORE_DONE &&
	    i < sizeof copy_state_rows / sizeof copy_state_rows[0]; i++) {
		r = &copy_state_rows[i];
		last = r->ncols - 1;
		if ((in = store_stmt(src, r->select, cause)) == NULL)
			return (EX_SOFTWARE);
		while ((rc = store_step(in, "copy", cause)) == STORE_ROW) {
			if ((out = store_stmt(dst, r->set, cause)) == NULL) {
				rc = EX_SOFTWARE;
				break;
			}
			for (k = 0; k < last; k++)
				store_bind_text(out, k + 1, store_text(in, k));
			if (r->counted)
				store_bind_int(out, last + 1,
				    store_int(in, last));
			else
				store_bind_text(out, last + 1,
				    store_text(in, last));
			if ((rc = store_run(out, "copy", cause)) != 0)
				break;
		}
		store_reset(in);
	}
	if (rc != STORE_DONE)
		return (rc);
	/* Counters go on from where the source's are. */
	for (i = 0; i < sizeof copy_counters / sizeof copy_counters[0]; i++) {
		if ((rc = src->ops->counter_peek(src, copy_counters[i], &next,
		    cause)) != 0 ||
		    (rc = dst->ops->counter_set(dst, copy_counters[i], next,
		    cause)) != 0)
			return (rc);
	}
	return (dst->ops->after_copy(dst, cause));
}
