/*
 * Import runs: validate each line, triage it under the policy in force and
 * store it with its flags or spans, all in one transaction that is one batch.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/evp.h>

#include "json.h"
#include "record.h"
#include "internal.h"
#include "triage.h"
#include "xmalloc.h"

struct queue_import {
	struct queue			*q;
	char				*operator;
	int				 atomic;
	int				 storing;	/* 0 after an atomic failure */
	int				 done;
	int64_t				 batch;
	int64_t				 next_seq;
	char				 now[32];
	EVP_MD_CTX			*content;	/* over the stored lines */
	struct digest			 stored;	/* over what was stored */
	cJSON				*files;
	struct queue_import_counts	 counts;
	uint64_t			 queued[QUEUE_NKINDS];
	uint64_t			 autos[QUEUE_NKINDS];
	int				 conflict;	/* the line's id is taken */
};

static const char import_item_sql[] =
    "INSERT INTO items (ext_id, kind, state, priority, seq, spot_check, "
    "top_type, top_score, created_at, imported_at, batch_id, src_file, "
    "src_line, policy_version, source_model, source_pipeline, source, "
    "metadata, prompt, messages, text, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22) "
    "ON CONFLICT (ext_id) DO NOTHING";

static const char import_existing_sql[] =
    "SELECT raw, src_file, src_line, batch_id FROM items WHERE ext_id = ?";

static const char import_flag_sql[] =
    "INSERT INTO flags (item_id, idx, type, score, detector, rationale, "
    "start_cp, end_cp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

static const char import_span_sql[] =
    "INSERT INTO spans (item_id, idx, entity_type, start_cp, end_cp, score, "
    "recognizer, explanation, triage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

static int
import_meta_int(struct queue *q, const char *key, int64_t *out, char **cause)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?";
	struct store_stmt	*st;
	int		 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, key);
	rc = store_step(st, "import", cause);
	if (rc == STORE_ROW)
		*out = store_int(st, 0);
	else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

static int
import_set_meta_int(struct queue *q, const char *key, int64_t v, char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, key);
	store_bind_int(st, 2, v);
		return (store_run(st, "import", cause));
}

int
queue_import_begin(struct queue *q, const char *operator, int atomic,
    struct queue_import **out, char **cause)
{
	static const char batch_sql[] =
	    "INSERT INTO batches (started_at, operator, files, policy_version) "
	    "VALUES (?, ?, '[]', ?)";
	struct queue_import	*imp;
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	if (policy_role_of(q->policy, operator) == POLICY_ROLE_NONE) {
		xasprintf(cause, "%s has no role in the policy in force "
		    "(version %d) and may not import; ask an admin to add you",
		    operator, q->policy_version);
		return (EX_NOPERM);
	}
	/* Put back as it was by queue_import_free. */
	if ((rc = q->ops->bulk(q, 1, cause)) != 0)
		return (rc);
	imp = xcalloc(1, sizeof *imp);
	imp->q = q;
	imp->operator = xstrdup(operator);
	imp->atomic = atomic;
	imp->storing = 1;
	imp->files = cJSON_CreateArray();
	digest_init(&imp->stored);
	if ((imp->content = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(imp->content, EVP_sha256(), NULL) ||
	    imp->stored.failed) {
		xasprintf(cause, "import: cannot start SHA-256");
		rc = EX_SOFTWARE;
		goto fail;
	}
	if ((rc = store_begin(q, cause)) != 0)
		goto fail;
	store_now_text(q, imp->now);
	imp->next_seq = 1;
	if ((rc = import_meta_int(q, "next_seq", &imp->next_seq, cause)) != 0)
		goto fail;
	if ((st = store_stmt(q, batch_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	store_bind_text(st, 1, imp->now);
	store_bind_text(st, 2, operator);
	store_bind_int(st, 3, q->policy_version);
	if ((rc = store_run(st, "import", cause)) != 0)
		goto fail;
	imp->batch = q->ops->last_id(q);
	*out = imp;
	return (0);

fail:
	queue_import_free(imp);
	return (rc);
}

static void
import_note_file(struct queue_import *imp, const char *file)
{
	cJSON *last;

	last = cJSON_GetArrayItem(imp->files,
	    cJSON_GetArraySize(imp->files) - 1);
	if (last == NULL || strcmp(last->valuestring, file) != 0)
		cJSON_AddItemToArray(imp->files, cJSON_CreateString(file));
}

static void
import_bind_opt(struct store_stmt *st, int i, const char *s)
{
	if (s != NULL)
		store_bind_text(st, i, s);
}

/* Binds a JSON value as compact text; the text is kept in *keep. */
static void
import_bind_json(struct store_stmt *st, int i, const cJSON *v, char **keep)
{
	if (v == NULL)
		return;
	*keep = json_print(v);
	store_bind_text(st, i, *keep);
}

/*
 * The id is taken: the same bytes are a duplicate, anything else is an error
 * that names where the stored record came from.
 */
static int
import_existing(struct queue_import *imp, const struct record *r,
    const char *line, size_t len, char **cause)
{
	struct store_stmt	*st;
	const char		*raw;
	size_t			 rawlen = 0;
	int			 rc;

	if ((st = store_stmt(imp->q, import_existing_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, r->id);
	if ((rc = store_one(st, "import", cause)) != 0)
		return (rc);
	raw = store_bytes(st, 0, &rawlen);
	if (raw != NULL && rawlen == len && memcmp(raw, line, len) == 0) {
		imp->counts.duplicates++;
		store_reset(st);
		return (0);
	}
	if (store_int(st, 3) == imp->batch)
		xasprintf(cause, "id \"%s\" appears earlier in this run, at "
		    "%s line %lld, with different content", r->id,
		    store_text(st, 1),
		    (long long)store_int(st, 2));
	else
		xasprintf(cause, "id \"%s\" was already imported from %s "
		    "line %lld (batch %lld) with different content", r->id,
		    store_text(st, 1),
		    (long long)store_int(st, 2),
		    (long long)store_int(st, 3));
	store_reset(st);
	imp->counts.invalid++;
	imp->conflict = 1;
	return (EX_DATAERR);
}

static int
import_children(struct queue_import *imp, int64_t id, const struct record *r,
    char **cause)
{
	struct store_stmt	*st;
	char			*expl;
	size_t			 i;
	int			 rc;

	for (i = 0; i < r->nflags; i++) {
		const struct record_flag *f = &r->flags[i];

		if ((st = store_stmt(imp->q, import_flag_sql, cause)) == NULL)
			return (EX_SOFTWARE);
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, (int64_t)i);
		store_bind_text(st, 3, f->type);
		store_bind_real(st, 4, f->score);
		import_bind_opt(st, 5, f->detector);
		import_bind_opt(st, 6, f->rationale);
		if (f->has_offsets) {
			store_bind_int(st, 7, (int64_t)f->start);
			store_bind_int(st, 8, (int64_t)f->end);
		}
		if ((rc = store_run(st, "import", cause)) != 0)
			return (rc);
		digest_flag(&imp->stored, (int64_t)i, f->type, f->score,
		    f->detector, f->rationale, f->has_offsets,
		    (int64_t)f->start, (int64_t)f->end);
	}
	for (i = 0; i < r->nspans; i++) {
		const struct record_span *s = &r->spans[i];

		if ((st = store_stmt(imp->q, import_span_sql, cause)) == NULL)
			return (EX_SOFTWARE);
		expl = NULL;
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, (int64_t)i);
		store_bind_text(st, 3, s->entity_type);
		store_bind_int(st, 4, (int64_t)s->start);
		store_bind_int(st, 5, (int64_t)s->end);
		store_bind_real(st, 6, s->score);
		import_bind_opt(st, 7, s->recognizer);
		import_bind_json(st, 8, s->explanation, &expl);
		store_bind_text(st, 9, record_verdict_name(s->verdict));
		if ((rc = store_run(st, "import", cause)) != 0) {
			free(expl);
			return (rc);
		}
		digest_span(&imp->stored, (int64_t)i, s->entity_type,
		    (int64_t)s->start, (int64_t)s->end, s->score,
		    s->recognizer, expl, record_verdict_name(s->verdict));
		free(expl);
	}
	return (0);
}

static int
import_store(struct queue_import *imp, struct record *r, const char *file,
    uint64_t lineno, const char *line, size_t len, char **cause)
{
	struct queue		*q = imp->q;
	struct triage		 t;
	struct store_stmt	*st;
	enum queue_kind		 kind;
	char			*source = NULL, *metadata = NULL, *messages = NULL;
	int64_t			 id = 0;
	int			 rc;

	triage_record(q->policy, r, &t);
	if ((st = store_stmt(q, import_item_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, record_kind_name(r->kind));
	store_bind_text(st, 3, t.queued ? "queued" : "auto");
	store_bind_real(st, 4, t.priority);
	store_bind_int(st, 5, imp->next_seq);
	store_bind_int(st, 6, t.spot_check);
	import_bind_opt(st, 7, t.top_type);
	if (t.top_type != NULL)
		store_bind_real(st, 8, t.top_score);
	import_bind_opt(st, 9, r->created_at);
	store_bind_text(st, 10, imp->now);
	store_bind_int(st, 11, imp->batch);
	store_bind_text(st, 12, file);
	store_bind_int(st, 13, (int64_t)lineno);
	store_bind_int(st, 14, q->policy_version);
	import_bind_opt(st, 15, r->source_model);
	import_bind_opt(st, 16, r->source_pipeline);
	import_bind_json(st, 17, r->source, &source);
	import_bind_json(st, 18, r->metadata, &metadata);
	import_bind_opt(st, 19, r->prompt);
	import_bind_json(st, 20, r->messages, &messages);
	store_bind_text(st, 21, r->text);
	store_bind_bytes(st, 22, line, len);

	/*
	 * Not RETURNING: it costs a temporary b-tree per row. A skipped
	 * conflict changes no row, and last_insert_rowid is then stale.
	 */
	rc = store_step(st, "database", cause);
	id = q->ops->last_id(q);
	if (rc == STORE_DONE && q->ops->changes(q) != 0) {
		struct digest_item di = {
			r->id, record_kind_name(r->kind), !t.queued, t.priority,
			t.spot_check, t.top_type, t.top_score, r->created_at,
			imp->now, file, (int64_t)lineno, q->policy_version,
			r->source_model, r->source_pipeline, source, metadata,
			r->prompt, messages, r->text
		};

		digest_item(&imp->stored, &di);
	}
	free(source);
	free(metadata);
	free(messages);
	if (rc != STORE_DONE)
		return (rc);
	if (q->ops->changes(q) == 0) {
		store_reset(st);
		return (import_existing(imp, r, line, len, cause));
	}
	store_reset(st);
	if ((rc = import_children(imp, id, r, cause)) != 0)
		return (rc);
	imp->next_seq++;
	imp->counts.imported++;
	kind = r->kind == RECORD_MODEL_OUTPUT ? QUEUE_KIND_MODEL_OUTPUT :
	    QUEUE_KIND_ANONYMIZATION;
	if (t.queued) {
		imp->counts.queued++;
		imp->queued[kind]++;
	} else {
		imp->counts.auto_decided++;
		imp->autos[kind]++;
	}
	EVP_DigestUpdate(imp->content, line, len);
	EVP_DigestUpdate(imp->content, "\n", 1);
	digest_flush(&imp->stored);
	return (0);
}

int
queue_import_line(struct queue_import *imp, const char *file,
    uint64_t lineno, const char *line, size_t len, char **cause)
{
	struct record	r;
	int		rc;

	if (imp->done) {
		xasprintf(cause, "import: the run is finished");
		return (EX_SOFTWARE);
	}
	import_note_file(imp, file);
	imp->counts.lines++;
	if (record_parse(line, len, &r, cause) != 0) {
		imp->counts.invalid++;
		if (imp->atomic)
			imp->storing = 0;
		return (EX_DATAERR);
	}
	/* After an atomic failure, lines are only checked, not stored. */
	imp->conflict = 0;
	if (!imp->storing)
		rc = 0;
	else
		rc = import_store(imp, &r, file, lineno, line, len, cause);
	/*
	 * A valid line the store refuses (not a taken id) is no invalid
	 * line: the run cannot go on, and nothing of it is kept.
	 */
	if (rc == EX_DATAERR && !imp->conflict) {
		char *why = *cause;

		xasprintf(cause, "the database refused the line: %s; nothing "
		    "of this run was imported", why);
		free(why);
		rc = EX_SOFTWARE;
	}
	record_done(&r);
	if (rc == EX_DATAERR && imp->atomic)
		imp->storing = 0;
	return (rc);
}

void
queue_import_invalid(struct queue_import *imp)
{
	imp->counts.lines++;
	imp->counts.invalid++;
	if (imp->atomic)
		imp->storing = 0;
}

void
queue_import_counts(const struct queue_import *imp,
    struct queue_import_counts *c)
{
	*c = imp->counts;
}

/*
 * The run's counts, added once: a trigger per inserted row made import
 * half as fast again. Changes of state are counted by triggers.
 */
static int
import_add_counts(struct queue_import *imp, char **cause)
{
	static const char waiting_sql[] =
	    "UPDATE waiting SET n = n + ?1 WHERE kind = ?2";
	static const char counts_sql[] =
	    "UPDATE state_counts SET n = n + ?1 WHERE kind = ?2 AND state = ?3";
	struct store_stmt	*st;
	int			 k, rc, i;

	for (k = 0; k < QUEUE_NKINDS; k++) {
		if ((st = store_stmt(imp->q, waiting_sql, cause)) == NULL)
			return (EX_SOFTWARE);
		store_bind_int(st, 1, (int64_t)imp->queued[k]);
		store_bind_text(st, 2, queue_kind_name((enum queue_kind)k));
		if ((rc = store_run(st, "import", cause)) != 0)
			return (rc);
		for (i = 0; i < 2; i++) {
			if ((st = store_stmt(imp->q, counts_sql,
			    cause)) == NULL)
				return (EX_SOFTWARE);
			store_bind_int(st, 1, (int64_t)(i == 0 ?
			    imp->queued[k] : imp->autos[k]));
			store_bind_text(st, 2,
			    queue_kind_name((enum queue_kind)k));
			store_bind_text(st, 3, i == 0 ? "queued" : "auto");
			if ((rc = store_run(st, "import", cause)) != 0)
				return (rc);
		}
	}
	return (0);
}

static int
import_close_batch(struct queue_import *imp, char **cause)
{
	static const char sql[] =
	    "UPDATE batches SET finished_at = ?, files = ?, lines = ?, "
	    "imported = ?, queued = ?, auto_decided = ?, duplicates = ?, "
	    "invalid = ?, content_sha256 = ? WHERE id = ?";
	struct queue			*q = imp->q;
	const struct queue_import_counts *c = &imp->counts;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	unsigned int			 mdlen = 0;
	struct store_stmt			*st;
	cJSON				*data;
	char				*files, sha[65], now[32], stored[65];
	int64_t				 end;
	int				 rc;

	EVP_DigestFinal_ex(imp->content, md, &mdlen);
	queue_hex(md, 32, sha);
	if (digest_final(&imp->stored, stored) != 0) {
		xasprintf(cause, "import: cannot compute SHA-256");
		return (EX_SOFTWARE);
	}
	/*
	 * The run's rows and its event carry the transaction's time, when it
	 * began; finished_at says when it ended.
	 */
	end = q->now != 0 ? q->now : (int64_t)time(NULL);
	if (end < queue_now(q))
		end = queue_now(q);
	queue_format_time(end, now);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	files = json_print(imp->files);
	store_bind_text(st, 1, now);
	store_bind_text(st, 2, files);
	store_bind_int(st, 3, (int64_t)c->lines);
	store_bind_int(st, 4, (int64_t)c->imported);
	store_bind_int(st, 5, (int64_t)c->queued);
	store_bind_int(st, 6, (int64_t)c->auto_decided);
	store_bind_int(st, 7, (int64_t)c->duplicates);
	store_bind_int(st, 8, (int64_t)c->invalid);
	store_bind_text(st, 9, sha);
	store_bind_int(st, 10, imp->batch);
	rc = store_step(st, "import", cause);
	free(files);
	if (rc != STORE_DONE)
		return (rc);
	store_reset(st);

	/* Auto-decided items are on the record through this event. */
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "batch", (double)imp->batch);
	cJSON_AddItemReferenceToObject(data, "files", imp->files);
	cJSON_AddNumberToObject(data, "policy_version", q->policy_version);
	cJSON_AddNumberToObject(data, "imported", (double)c->imported);
	cJSON_AddNumberToObject(data, "queued", (double)c->queued);
	cJSON_AddNumberToObject(data, "auto_decided", (double)c->auto_decided);
	cJSON_AddNumberToObject(data, "duplicates", (double)c->duplicates);
	cJSON_AddNumberToObject(data, "invalid", (double)c->invalid);
	cJSON_AddStringToObject(data, "content_sha256", sha);
	/* What was stored of the lines: audit verify recomputes it. */
	cJSON_AddStringToObject(data, "stored_sha256", stored);
	return (store_audit_append(q, "import", imp->operator, NULL, data,
	    cause));
}

int
queue_import_finish(struct queue_import *imp, struct queue_import_counts *c,
    int64_t *batch, char **cause)
{
	struct queue	*q = imp->q;
	int		 rc;

	if (imp->done) {
		xasprintf(cause, "import: the run is finished");
		return (EX_SOFTWARE);
	}
	imp->done = 1;
	if (c != NULL)
		*c = imp->counts;
	if (imp->atomic && imp->counts.invalid > 0) {
		store_rollback(q);
		xasprintf(cause, "nothing was imported: %llu of %llu lines "
		    "are invalid (fix them, or use --skip-invalid)",
		    (unsigned long long)imp->counts.invalid,
		    (unsigned long long)imp->counts.lines);
		return (EX_DATAERR);
	}
	if ((rc = import_set_meta_int(q, "next_seq", imp->next_seq,
	    cause)) != 0 ||
	    (rc = import_add_counts(imp, cause)) != 0 ||
	    (rc = import_close_batch(imp, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0) {
		store_rollback(q);
		return (rc);
	}
	if (batch != NULL)
		*batch = imp->batch;
	return (0);
}

void
queue_import_free(struct queue_import *imp)
{
	if (imp == NULL)
		return;
	if (imp->q->in_txn)
		store_rollback(imp->q);
	imp->q->ops->bulk(imp->q, 0, NULL);
	EVP_MD_CTX_free(imp->content);
	digest_done(&imp->stored);
	cJSON_Delete(imp->files);
	free(imp->operator);
	free(imp);
}
