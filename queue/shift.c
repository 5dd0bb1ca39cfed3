/*
 * Shifts: a reviewer's working session, from the first claim (or an explicit
 * start) to its end, with counts by action and a hand-off note.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "internal.h"
#include "xmalloc.h"

static const char shift_open_sql[] =
    "SELECT id FROM shifts WHERE reviewer = ? AND ended_at IS NULL "
    "ORDER BY id DESC LIMIT 1";

int
store_shift_id(struct queue *q, int create, int64_t *id, char **cause)
{
	static const char insert_sql[] =
	    "INSERT INTO shifts (reviewer, started_at) VALUES (?, ?)";
	struct store_stmt	*st;
	cJSON			*data;
	char			 now[32];
	int			 rc;

	*id = 0;
	if ((st = store_stmt(q, shift_open_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, q->actor);
	rc = store_step(st, "shift", cause);
	if (rc == STORE_ROW)
		*id = store_int(st, 0);
	else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	if (*id != 0 || !create)
		return (0);

	store_now_text(q, now);
	if ((st = store_stmt(q, insert_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, q->actor);
	store_bind_text(st, 2, now);
	if ((rc = store_run(st, "shift", cause)) != 0)
		return (rc);
	*id = q->ops->last_id(q);
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "shift", (double)*id);
	return (store_audit_append(q, "shift_start", q->actor, NULL, data,
	    cause));
}

int
queue_shift_start(struct queue *q, int64_t *id, char **cause)
{
	int rc;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "start a shift", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_shift_id(q, 1, id, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0) {
		store_rollback(q);
		return (rc);
	}
	return (0);
}

static void
shift_read(struct store_stmt *st, struct queue_shift *s)
{
	s->id = store_int(st, 0);
	s->reviewer = store_column_text(st, 1);
	s->started_at = store_column_text(st, 2);
	s->ended_at = store_column_text(st, 3);
	s->note = store_column_text(st, 4);
	s->counts = store_column_text(st, 5);
}

/* Counts by action of the shift's decisions still in force. */
static cJSON *
shift_counts(struct queue *q, int64_t id, char **cause)
{
	static const char sql[] =
	    "SELECT action, count(*) FROM decisions d WHERE shift_id = ? "
	    "AND action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u "
	    "WHERE u.undoes = d.id) GROUP BY action ORDER BY action";
	struct store_stmt	*st;
	cJSON			*o;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (NULL);
	o = cJSON_CreateObject();
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, "shift", cause)) == STORE_ROW)
		cJSON_AddNumberToObject(o,
		    store_text(st, 0),
		    (double)store_int(st, 1));
	store_reset(st);
	if (rc != STORE_DONE) {
		cJSON_Delete(o);
		return (NULL);
	}
	return (o);
}

int
queue_shift_end(struct queue *q, const char *note, struct queue_shift *ended,
    char **cause)
{
	static const char sql[] =
	    "UPDATE shifts SET ended_at = ?, note = ?, counts = ? WHERE id = ? "
	    "RETURNING id, reviewer, started_at, ended_at, note, counts";
	struct store_stmt	*st;
	cJSON			*counts = NULL, *data;
	char			*text = NULL, now[32];
	int64_t			 id;
	int			 rc;

	if (ended != NULL)
		memset(ended, 0, sizeof *ended);
	if (q->actor == NULL) {
		xasprintf(cause, "internal error: no actor set");
		return (EX_SOFTWARE);
	}
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_shift_id(q, 0, &id, cause)) != 0)
		goto fail;
	if (id == 0) {
		xasprintf(cause, "%s has no open shift", q->actor);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((counts = shift_counts(q, id, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	text = json_print(counts);
	store_now_text(q, now);
	if ((st = store_stmt(q, sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	store_bind_text(st, 1, now);
	if (note != NULL && *note != '\0')
		store_bind_text(st, 2, note);
	store_bind_text(st, 3, text);
	store_bind_int(st, 4, id);
	if ((rc = store_one(st, "shift", cause)) != 0)
		goto fail;
	if (ended != NULL)
		shift_read(st, ended);
	store_reset(st);
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "shift", (double)id);
	cJSON_AddItemToObject(data, "counts", counts);
	counts = NULL;
	if (note != NULL && *note != '\0')
		cJSON_AddStringToObject(data, "note", note);
	if ((rc = store_audit_append(q, "shift_end", q->actor, NULL, data,
	    cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	free(text);
	return (0);

fail:
	store_rollback(q);
	cJSON_Delete(counts);
	free(text);
	if (ended != NULL)
		queue_shift_done(ended);
	return (rc);
}

int
queue_shift_current(struct queue *q, struct queue_shift *s, char **cause)
{
	static const char sql[] =
	    "SELECT id, reviewer, started_at, ended_at, note, counts "
	    "FROM shifts WHERE reviewer = ? AND ended_at IS NULL "
	    "ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	memset(s, 0, sizeof *s);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, queue_actor(q));
	rc = store_step(st, "shift", cause);
	if (rc == STORE_ROW)
		shift_read(st, s);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
queue_shifts(struct queue *q, const char *reviewer, size_t max,
    struct queue_shift **out, size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT id, reviewer, started_at, ended_at, note, counts "
	    "FROM shifts WHERE CAST(?1 AS TEXT) IS NULL OR reviewer = ?1 "
	    "ORDER BY id DESC LIMIT ?2";
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	*n = 0;
	/* Hand-off notes are written for the next reviewer to read. */
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "list shifts",
	    cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (reviewer != NULL)
		store_bind_text(st, 1, reviewer);
	store_bind_int(st, 2, (int64_t)max);
	while ((rc = store_step(st, "shifts", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		shift_read(st, &(*out)[(*n)++]);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		queue_shifts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

void
queue_shift_done(struct queue_shift *s)
{
	free(s->reviewer);
	free(s->started_at);
	free(s->ended_at);
	free(s->note);
	free(s->counts);
	memset(s, 0, sizeof *s);
}

void
queue_shifts_free(struct queue_shift *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		queue_shift_done(&s[i]);
	free(s);
}
