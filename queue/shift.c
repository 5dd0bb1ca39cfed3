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
#include "records.h"
#include "xmalloc.h"

int
store_shift_id(struct queue *q, int create, int64_t *id, char **cause)
{
	cJSON	*data;
	char	 now[32];
	int	 rc;

	if ((rc = store_shift_open_id(q, q->actor, id, cause)) != 0)
		return (rc);
	if (*id != 0 || !create)
		return (0);

	store_now_text(q, now);
	if ((rc = store_shift_insert(q, q->actor, now, id, cause)) != 0)
		return (rc);
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

/* Counts by action of the shift's decisions still in force. */
static cJSON *
shift_counts(struct queue *q, int64_t id, char **cause)
{
	struct store_scan	*scan;
	struct store_shift_count c;
	cJSON			*o;
	int			 rc;

	if (store_shift_count_scan(q, id, &scan, cause) != 0)
		return (NULL);
	o = cJSON_CreateObject();
	while ((rc = store_shift_count_next(scan, &c, cause)) == STORE_ROW)
		cJSON_AddNumberToObject(o, c.action, (double)c.n);
	store_scan_free(scan);
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
	/* An empty note is none. */
	if ((rc = store_shift_end(q, id, now, note != NULL && *note != '\0' ?
	    note : NULL, text, ended, cause)) != 0)
		goto fail;
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
	return (store_shift_open(q, queue_actor(q), s, cause));
}

int
queue_shifts(struct queue *q, const char *reviewer, size_t max,
    struct queue_shift **out, size_t *n, char **cause)
{
	struct store_scan	*scan;
	struct queue_shift	 s;
	int			 rc;

	*out = NULL;
	*n = 0;
	/* Hand-off notes are written for the next reviewer to read. */
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "list shifts",
	    cause)) != 0)
		return (rc);
	if ((rc = store_shift_scan(q, reviewer, max, &scan, cause)) != 0)
		return (rc);
	while ((rc = store_shift_next(scan, &s, cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = s;
	}
	store_scan_free(scan);
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
