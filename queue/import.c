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
#include "records.h"
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
	uint64_t			 waiting[QUEUE_NKINDS];	/* not gold */
	uint64_t			 autos[QUEUE_NKINDS];
	uint64_t			 samples[3];	/* overlap, audit, gold */
	int				 conflict;	/* the line's id is taken */
	/* In force when the run began: their items all go to a human. */
	struct queue_suspension		*susp;
	size_t				 nsusp;
	cJSON				*suspended;	/* per source */
};

int
queue_import_begin(struct queue *q, const char *operator, int atomic,
    struct queue_import **out, char **cause)
{
	struct queue_import	*imp;
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
	imp->suspended = cJSON_CreateObject();
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
	if ((rc = store_suspensions(q, 0, &imp->susp, &imp->nsusp,
	    cause)) != 0 ||
	    (rc = store_batch_next_seq(q, &imp->next_seq, cause)) != 0 ||
	    (rc = store_batch_insert(q, imp->now, operator, q->policy_version,
	    &imp->batch, cause)) != 0)
		goto fail;
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
import_count(cJSON *o, const char *key)
{
	cJSON *n;

	if ((n = cJSON_GetObjectItemCaseSensitive(o, key)) != NULL)
		cJSON_SetNumberValue(n, n->valuedouble + 1);
	else
		cJSON_AddNumberToObject(o, key, 1);
}

/* A JSON value as compact text (NULL for none); the caller frees it. */
static char *
import_json(const cJSON *v)
{
	return (v != NULL ? json_print(v) : NULL);
}

/*
 * The id is taken: the same bytes are a duplicate, anything else is an error
 * that names where the stored record came from.
 */
static int
import_existing(struct queue_import *imp, const struct record *r,
    const char *line, size_t len, char **cause)
{
	struct store_batch_taken	 t;
	int				 rc;

	if ((rc = store_batch_item_taken(imp->q, r->id, line, len, &t,
	    cause)) != 0)
		return (rc);
	if (t.same) {
		imp->counts.duplicates++;
		return (0);
	}
	if (t.batch == imp->batch)
		xasprintf(cause, "id \"%s\" appears earlier in this run, at "
		    "%s line %lld, with different content", r->id,
		    t.src_file, (long long)t.src_line);
	else
		xasprintf(cause, "id \"%s\" was already imported from %s "
		    "line %lld (batch %lld) with different content", r->id,
		    t.src_file, (long long)t.src_line, (long long)t.batch);
	free(t.src_file);
	imp->counts.invalid++;
	imp->conflict = 1;
	return (EX_DATAERR);
}

static int
import_children(struct queue_import *imp, int64_t id, const struct record *r,
    char **cause)
{
	char			*expl;
	size_t			 i;
	int			 rc;

	for (i = 0; i < r->nflags; i++) {
		const struct record_flag *f = &r->flags[i];

		if ((rc = store_batch_flag_insert(imp->q, id, (int64_t)i, f,
		    cause)) != 0)
			return (rc);
		digest_flag(&imp->stored, (int64_t)i, f->type, f->score,
		    f->detector, f->rationale, f->has_offsets,
		    (int64_t)f->start, (int64_t)f->end);
	}
	for (i = 0; i < r->nspans; i++) {
		const struct record_span *s = &r->spans[i];

		expl = import_json(s->explanation);
		if ((rc = store_batch_span_insert(imp->q, id, (int64_t)i, s,
		    expl, cause)) != 0) {
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
import_store(struct queue_import *imp, struct record *r, const char *gold,
    const char *file, uint64_t lineno, const char *line, size_t len,
    char **cause)
{
	struct queue		*q = imp->q;
	struct triage		 t;
	struct store_batch_item	 it;
	enum queue_kind		 kind;
	const struct queue_suspension *susp;
	const char		*sample;
	char			*source, *metadata, *messages, *key;
	int64_t			 id = 0, votes = 0;
	size_t			 i;
	int			 rc;

	triage_record(q->policy, r, &t);
	if ((susp = queue_suspension_find(imp->susp, imp->nsusp,
	    r->source_model, r->source_pipeline)) != NULL)
		triage_suspended(r, &t);
	sample = !t.queued ? NULL : quality_sample_of(q->policy,
	    q->policy_version, r->id, r->gold != NULL, &votes);
	source = import_json(r->source);
	metadata = import_json(r->metadata);
	messages = import_json(r->messages);
	it = (struct store_batch_item){
		{
			r->id, record_kind_name(r->kind), !t.queued, t.priority,
			t.spot_check, t.top_type, t.top_score, r->created_at,
			imp->now, file, (int64_t)lineno, q->policy_version,
			r->source_model, r->source_pipeline, source, metadata,
			r->prompt, messages, r->text
		},
		imp->next_seq, imp->batch, line, len
	};
	rc = store_batch_item_insert(q, &it, &id, cause);
	if (rc == 0 && id != 0)
		digest_item(&imp->stored, &it.d);
	free(source);
	free(metadata);
	free(messages);
	if (rc != 0)
		goto out;
	/* The id is taken. */
	if (id == 0) {
		rc = import_existing(imp, r, line, len, cause);
		goto out;
	}
	for (i = 0; i < r->nsubjects; i++) {
		if ((rc = store_subject_insert(q, r->subjects[i], id,
		    cause)) != 0)
			goto out;
	}
	if ((rc = import_children(imp, id, r, cause)) != 0 ||
	    (sample != NULL && (rc = store_sample_insert(q, id, sample, votes,
	    gold, cause)) != 0))
		goto out;
	if (sample != NULL)
		imp->samples[strcmp(sample, "overlap") == 0 ? 0 :
		    strcmp(sample, "audit") == 0 ? 1 : 2]++;
	imp->next_seq++;
	imp->counts.imported++;
	/* Why these went to a human: their source was suspended. */
	if (susp != NULL) {
		imp->counts.suspended++;
		xasprintf(&key, "%s %s", queue_source_name(susp->kind),
		    susp->value);
		import_count(imp->suspended, key);
		free(key);
	}
	kind = r->kind == RECORD_MODEL_OUTPUT ? QUEUE_KIND_MODEL_OUTPUT :
	    QUEUE_KIND_ANONYMIZATION;
	if (t.queued) {
		imp->counts.queued++;
		/* Gold waits for every reviewer, never for the queue. */
		if (r->gold == NULL)
			imp->waiting[kind]++;
		imp->queued[kind]++;
	} else {
		imp->counts.auto_decided++;
		imp->autos[kind]++;
	}
	EVP_DigestUpdate(imp->content, line, len);
	EVP_DigestUpdate(imp->content, "\n", 1);
	digest_flush(&imp->stored);
out:
	return (rc);
}

/*
 * A record's gold answer is checked as the decision it would be on the
 * item the record makes (its spans triaged as import would): a line with
 * an answer no reviewer could give is invalid. *gold is the answer's JSON.
 */
static int
import_check_gold(struct queue_import *imp, struct record *r, char **gold,
    char **cause)
{
	struct triage t;

	*gold = NULL;
	if (r->gold == NULL)
		return (0);
	triage_record(imp->q->policy, r, &t);
	return (quality_gold_check(imp->q->policy, r, gold, cause));
}

int
queue_import_line(struct queue_import *imp, const char *file,
    uint64_t lineno, const char *line, size_t len, char **cause)
{
	struct record	 r;
	char		*gold = NULL;
	int		 rc;

	if (imp->done) {
		xasprintf(cause, "import: the run is finished");
		return (EX_SOFTWARE);
	}
	import_note_file(imp, file);
	imp->counts.lines++;
	if (record_parse(line, len, &r, cause) != 0)
		goto invalid;
	if (import_check_gold(imp, &r, &gold, cause) != 0) {
		record_done(&r);
		goto invalid;
	}
	/* After an atomic failure, lines are only checked, not stored. */
	imp->conflict = 0;
	if (!imp->storing)
		rc = 0;
	else
		rc = import_store(imp, &r, gold, file, lineno, line, len,
		    cause);
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
	free(gold);
	if (rc == EX_DATAERR && imp->atomic)
		imp->storing = 0;
	return (rc);

invalid:
	imp->counts.invalid++;
	if (imp->atomic)
		imp->storing = 0;
	return (EX_DATAERR);
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

static int
import_close_batch(struct queue_import *imp, char **cause)
{
	struct queue			*q = imp->q;
	const struct queue_import_counts *c = &imp->counts;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	unsigned int			 mdlen = 0;
	cJSON				*data, *o;
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
	files = json_print(imp->files);
	rc = store_batch_close(q, imp->batch, now, files, c, sha, cause);
	free(files);
	if (rc != 0)
		return (rc);

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
	/*
	 * Items queued whatever their scores, their source being suspended
	 * ("model gpt-x": 3), when there were any.
	 */
	if (c->suspended > 0)
		cJSON_AddItemReferenceToObject(data, "suspended",
		    imp->suspended);
	/* Review quality's samples of the run, when it drew any. */
	if (imp->samples[0] + imp->samples[1] + imp->samples[2] > 0) {
		o = cJSON_AddObjectToObject(data, "samples");
		cJSON_AddNumberToObject(o, "overlap", (double)imp->samples[0]);
		cJSON_AddNumberToObject(o, "audit", (double)imp->samples[1]);
		cJSON_AddNumberToObject(o, "gold", (double)imp->samples[2]);
	}
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
	/*
	 * The run's counts are added once: a trigger per inserted row made
	 * import half as fast again. Changes of state are counted by triggers.
	 */
	if ((rc = store_batch_set_next_seq(q, imp->next_seq, cause)) != 0 ||
	    (rc = store_batch_counts_add(q, imp->waiting, imp->queued,
	    imp->autos, cause)) != 0 ||
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
	cJSON_Delete(imp->suspended);
	queue_suspensions_free(imp->susp, imp->nsusp);
	free(imp->operator);
	free(imp);
}
