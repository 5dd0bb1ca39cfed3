/*
 * What an import stores: its batch's row, each item with its flags or
 * spans, the queue order it goes on from, and the counts it adds to.
 */

#include "config.h"

#include <string.h>
#include <sysexits.h>

#include "record.h"
#include "records.h"

/* Leaves an absent value unbound: the reset cleared it to NULL already. */
static void
batch_bind_opt(struct store_stmt *st, int i, const char *s)
{
	if (s != NULL)
		store_bind_text(st, i, s);
}

int
store_batch_insert(struct queue *q, const char *started_at,
    const char *operator, int policy_version, int64_t *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO batches (started_at, operator, files, policy_version) "
	    "VALUES (?, ?, '[]', ?)";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, started_at);
	store_bind_text(st, 2, operator);
	store_bind_int(st, 3, policy_version);
	if ((rc = store_run(st, "import", cause)) != 0)
		return (rc);
	*id = q->ops->last_id(q);
	return (0);
}

int
store_batch_close(struct queue *q, int64_t id, const char *finished_at,
    const char *files, const struct queue_import_counts *c,
    const char *content_sha256, char **cause)
{
	static const char sql[] =
	    "UPDATE batches SET finished_at = ?, files = ?, lines = ?, "
	    "imported = ?, queued = ?, auto_decided = ?, duplicates = ?, "
	    "invalid = ?, content_sha256 = ? WHERE id = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, finished_at);
	store_bind_text(st, 2, files);
	store_bind_int(st, 3, (int64_t)c->lines);
	store_bind_int(st, 4, (int64_t)c->imported);
	store_bind_int(st, 5, (int64_t)c->queued);
	store_bind_int(st, 6, (int64_t)c->auto_decided);
	store_bind_int(st, 7, (int64_t)c->duplicates);
	store_bind_int(st, 8, (int64_t)c->invalid);
	store_bind_text(st, 9, content_sha256);
	store_bind_int(st, 10, id);
	if ((rc = store_step(st, "import", cause)) != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
store_batch_next_seq(struct queue *q, int64_t *seq, char **cause)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?";
	struct store_stmt	*st;
	int		 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, "next_seq");
	rc = store_step(st, "import", cause);
	if (rc == STORE_ROW)
		*seq = store_int(st, 0);
	else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
store_batch_set_next_seq(struct queue *q, int64_t seq, char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, "next_seq");
	store_bind_int(st, 2, seq);
	return (store_run(st, "import", cause));
}

int
store_batch_item_insert(struct queue *q, const struct store_batch_item *it,
    int64_t *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO items (ext_id, kind, state, priority, seq, "
	    "spot_check, top_type, top_score, created_at, imported_at, "
	    "batch_id, src_file, src_line, policy_version, source_model, "
	    "source_pipeline, source, metadata, prompt, messages, text, raw) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22) "
	    "ON CONFLICT (ext_id) DO NOTHING";
	const struct digest_item	*d = &it->d;
	struct store_stmt		*st;
	int				 rc;

	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, d->ext_id);
	store_bind_text(st, 2, d->kind);
	store_bind_text(st, 3, d->auto_decided ? "auto" : "queued");
	store_bind_real(st, 4, d->priority);
	store_bind_int(st, 5, it->seq);
	store_bind_int(st, 6, d->spot_check);
	batch_bind_opt(st, 7, d->top_type);
	if (d->top_type != NULL)
		store_bind_real(st, 8, d->top_score);
	batch_bind_opt(st, 9, d->created_at);
	store_bind_text(st, 10, d->imported_at);
	store_bind_int(st, 11, it->batch);
	store_bind_text(st, 12, d->src_file);
	store_bind_int(st, 13, d->src_line);
	store_bind_int(st, 14, d->policy_version);
	batch_bind_opt(st, 15, d->source_model);
	batch_bind_opt(st, 16, d->source_pipeline);
	batch_bind_opt(st, 17, d->source);
	batch_bind_opt(st, 18, d->metadata);
	batch_bind_opt(st, 19, d->prompt);
	batch_bind_opt(st, 20, d->messages);
	store_bind_text(st, 21, d->text);
	store_bind_bytes(st, 22, it->raw, it->rawlen);

	/*
	 * Not RETURNING on SQLite: it costs a temporary b-tree per row (the
	 * flag asks PostgreSQL's for it). A skipped conflict changes no row,
	 * and the last id is then stale.
	 */
	if ((rc = store_step(st, "database", cause)) != STORE_DONE)
		return (rc);
	*id = q->ops->changes(q) != 0 ? q->ops->last_id(q) : 0;
	store_reset(st);
	return (0);
}

int
store_batch_item_taken(struct queue *q, const char *ext_id, const char *line,
    size_t len, struct store_batch_taken *t, char **cause)
{
	static const char sql[] =
	    "SELECT raw, src_file, src_line, batch_id FROM items "
	    "WHERE ext_id = ?";
	struct store_stmt	*st;
	const char		*raw;
	size_t			 rawlen = 0;
	int			 rc;

	memset(t, 0, sizeof *t);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ext_id);
	if ((rc = store_one(st, "import", cause)) != 0)
		return (rc);
	/* Compared here, so that a duplicate costs no copy of its line. */
	raw = store_bytes(st, 0, &rawlen);
	if (raw != NULL && rawlen == len && memcmp(raw, line, len) == 0)
		t->same = 1;
	else {
		t->src_file = store_column_text(st, 1);
		t->src_line = store_int(st, 2);
		t->batch = store_int(st, 3);
	}
	store_reset(st);
	return (0);
}

int
store_batch_flag_insert(struct queue *q, int64_t item_id, int64_t idx,
    const struct record_flag *f, char **cause)
{
	static const char sql[] =
	    "INSERT INTO flags (item_id, idx, type, score, detector, "
	    "rationale, start_cp, end_cp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, idx);
	store_bind_text(st, 3, f->type);
	store_bind_real(st, 4, f->score);
	batch_bind_opt(st, 5, f->detector);
	batch_bind_opt(st, 6, f->rationale);
	if (f->has_offsets) {
		store_bind_int(st, 7, (int64_t)f->start);
		store_bind_int(st, 8, (int64_t)f->end);
	}
	return (store_run(st, "import", cause));
}

int
store_batch_span_insert(struct queue *q, int64_t item_id, int64_t idx,
    const struct record_span *s, const char *explanation, char **cause)
{
	static const char sql[] =
	    "INSERT INTO spans (item_id, idx, entity_type, start_cp, end_cp, "
	    "score, recognizer, explanation, triage) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, idx);
	store_bind_text(st, 3, s->entity_type);
	store_bind_int(st, 4, (int64_t)s->start);
	store_bind_int(st, 5, (int64_t)s->end);
	store_bind_real(st, 6, s->score);
	batch_bind_opt(st, 7, s->recognizer);
	batch_bind_opt(st, 8, explanation);
	store_bind_text(st, 9, record_verdict_name(s->verdict));
	return (store_run(st, "import", cause));
}

/*
 * The run's counts, added once: a trigger per inserted row made import
 * half as fast again. Changes of state are counted by triggers.
 */
int
store_batch_counts_add(struct queue *q, const uint64_t waiting[],
    const uint64_t queued[], const uint64_t autos[], char **cause)
{
	static const char waiting_sql[] =
	    "UPDATE waiting SET n = n + ?1 WHERE kind = ?2";
	static const char counts_sql[] =
	    "UPDATE state_counts SET n = n + ?1 WHERE kind = ?2 AND state = ?3";
	struct store_stmt	*st;
	int			 k, rc, i;

	for (k = 0; k < QUEUE_NKINDS; k++) {
		if ((st = store_stmt(q, waiting_sql, cause)) == NULL)
			return (EX_SOFTWARE);
		store_bind_int(st, 1, (int64_t)waiting[k]);
		store_bind_text(st, 2, queue_kind_name((enum queue_kind)k));
		if ((rc = store_run(st, "import", cause)) != 0)
			return (rc);
		for (i = 0; i < 2; i++) {
			if ((st = store_stmt(q, counts_sql, cause)) == NULL)
				return (EX_SOFTWARE);
			store_bind_int(st, 1, (int64_t)(i == 0 ?
			    queued[k] : autos[k]));
			store_bind_text(st, 2,
			    queue_kind_name((enum queue_kind)k));
			store_bind_text(st, 3, i == 0 ? "queued" : "auto");
			if ((rc = store_run(st, "import", cause)) != 0)
				return (rc);
		}
	}
	return (0);
}
