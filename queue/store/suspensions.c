/*
 * The suspensions of models and pipelines: added, lifted and listed, and
 * the newest export run a resume remembers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

int
store_suspension_insert(struct queue *q, struct queue_suspension *s,
    int64_t audit_seq, char **cause)
{
	static const char sql[] =
	    "INSERT INTO suspensions (source_kind, source_value, reason, "
	    "suspended_by, since, since_decision, audit_seq) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, queue_source_name(s->kind));
	store_bind_text(st, 2, s->value);
	store_bind_text(st, 3, s->reason);
	store_bind_text(st, 4, s->by);
	store_bind_text(st, 5, s->since);
	store_bind_int(st, 6, s->since_decision);
	store_bind_int(st, 7, audit_seq);
	if ((rc = store_run(st, "database", cause)) != 0)
		return (rc);
	s->id = q->ops->last_id(q);
	return (0);
}

int
store_suspension_resume(struct queue *q, const struct queue_suspension *s,
    char **cause)
{
	static const char sql[] =
	    "UPDATE suspensions SET resumed_at = ?, resumed_by = ?, "
	    "resume_reason = ?, until_decision = ?, resumed_export = ? "
	    "WHERE id = ? AND resumed_at IS NULL";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, s->resumed_at);
	store_bind_text(st, 2, s->resumed_by);
	store_bind_text(st, 3, s->resume_reason);
	store_bind_int(st, 4, s->until_decision);
	store_bind_int(st, 5, s->resumed_export);
	store_bind_int(st, 6, s->id);
	return (store_run(st, "database", cause));
}

int
store_suspensions(struct queue *q, int all, struct queue_suspension **out,
    size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT id, source_kind, source_value, reason, suspended_by, "
	    "since, since_decision, resumed_at, resumed_by, resume_reason, "
	    "until_decision, resumed_export FROM suspensions "
	    "WHERE ?1 <> 0 OR resumed_at IS NULL ORDER BY id";
	struct queue_suspension	*s;
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, all);
	while ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		s = &(*out)[(*n)++];
		memset(s, 0, sizeof *s);
		s->id = store_int(st, 0);
		s->kind = strcmp(store_text(st, 1), "pipeline") == 0 ?
		    QUEUE_SOURCE_PIPELINE : QUEUE_SOURCE_MODEL;
		s->value = store_column_text(st, 2);
		s->reason = store_column_text(st, 3);
		s->by = store_column_text(st, 4);
		s->since = store_column_text(st, 5);
		s->since_decision = store_int(st, 6);
		s->resumed_at = store_column_text(st, 7);
		s->resumed_by = store_column_text(st, 8);
		s->resume_reason = store_column_text(st, 9);
		s->until_decision = store_int(st, 10);
		s->resumed_export = store_int(st, 11);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		queue_suspensions_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

int
store_export_last_run(struct queue *q, const char *scope, int64_t *id,
    char **cause)
{
	static const char sql[] =
	    "SELECT coalesce(max(id), 0) FROM exports "
	    "WHERE CAST(?1 AS TEXT) IS NULL OR scope = ?1";
	struct store_stmt	*st;
	int			 rc;

	*id = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, scope);
	if ((rc = store_one(st, "export", cause)) != 0)
		return (rc);
	*id = store_int(st, 0);
	store_reset(st);
	return (0);
}
