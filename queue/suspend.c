/*
 * Suspending a model or a pipeline (the overseer's stop): who may, the
 * record of it, and the test import and exports apply to each item.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

/* A source's model or pipeline names are 256 bytes at most (record.c). */
#define SUSPEND_MAX_VALUE	256
#define SUSPEND_MAX_REASON	4096

static const char *const suspend_kinds[] = { "model", "pipeline" };

const char *
queue_source_name(enum queue_source k)
{
	return (suspend_kinds[k == QUEUE_SOURCE_PIPELINE]);
}

const struct queue_suspension *
queue_suspension_find(const struct queue_suspension *s, size_t n,
    const char *model, const char *pipeline)
{
	const char	*have;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (s[i].resumed_at != NULL)
			continue;
		have = s[i].kind == QUEUE_SOURCE_MODEL ? model : pipeline;
		if (have != NULL && strcmp(have, s[i].value) == 0)
			return (&s[i]);
	}
	return (NULL);
}

void
queue_suspension_done(struct queue_suspension *s)
{
	free(s->value);
	free(s->reason);
	free(s->by);
	free(s->since);
	free(s->resumed_at);
	free(s->resumed_by);
	free(s->resume_reason);
	memset(s, 0, sizeof *s);
}

void
queue_suspensions_free(struct queue_suspension *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		queue_suspension_done(&s[i]);
	free(s);
}

static void
suspend_copy(struct queue_suspension *dst, const struct queue_suspension *src)
{
#define SUSPEND_DUP(f) (src->f != NULL ? xstrdup(src->f) : NULL)
	*dst = *src;
	dst->value = SUSPEND_DUP(value);
	dst->reason = SUSPEND_DUP(reason);
	dst->by = SUSPEND_DUP(by);
	dst->since = SUSPEND_DUP(since);
	dst->resumed_at = SUSPEND_DUP(resumed_at);
	dst->resumed_by = SUSPEND_DUP(resumed_by);
	dst->resume_reason = SUSPEND_DUP(resume_reason);
#undef SUSPEND_DUP
}

/* The suspension in force of exactly this source, inside the write. */
static int
suspend_active_of(struct queue *q, enum queue_source kind, const char *value,
    struct queue_suspension *out, int *found, char **cause)
{
	struct queue_suspension	*all;
	size_t			 n, i;
	int			 rc;

	*found = 0;
	if ((rc = store_suspensions(q, 0, &all, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n && !*found; i++) {
		if (all[i].kind == kind && strcmp(all[i].value, value) == 0) {
			suspend_copy(out, &all[i]);
			*found = 1;
		}
	}
	queue_suspensions_free(all, n);
	return (0);
}

static int
suspend_check_text(const char *what, const char *s, size_t max, int needed,
    char **cause)
{
	if (s == NULL || *s == '\0' || queue_text_blank(s)) {
		if (!needed)
			return (0);
		xasprintf(cause, "%s is empty: say what it is", what);
		return (EX_USAGE);
	}
	if (strlen(s) > max) {
		xasprintf(cause, "%s is longer than %zu bytes", what, max);
		return (EX_USAGE);
	}
	return (0);
}

/*
 * What suspend and resume check first: the source and the reason (needed,
 * or not), the actor's role (what they attempt); then the write begins and
 * the suspension in force of the source is read into *have (*found). On
 * failure nothing is begun.
 */
static int
suspend_begin(struct queue *q, enum queue_source kind, const char *value,
    const char *reason, int needed, const char *what,
    struct queue_suspension *have, int *found, char **cause)
{
	int rc;

	memset(have, 0, sizeof *have);
	*found = 0;
	if ((rc = suspend_check_text(queue_source_name(kind), value,
	    SUSPEND_MAX_VALUE, 1, cause)) != 0 ||
	    (rc = suspend_check_text("the reason", reason,
	    SUSPEND_MAX_REASON, needed, cause)) != 0 ||
	    (rc = store_require_role(q, POLICY_ROLE_LEAD, what, cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = suspend_active_of(q, kind, value, have, found, cause)) != 0)
		store_rollback(q);
	return (rc);
}

static cJSON *
suspend_event(const struct queue_suspension *s)
{
	cJSON *data;

	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "suspension", (double)s->id);
	cJSON_AddStringToObject(data, "source_kind",
	    queue_source_name(s->kind));
	cJSON_AddStringToObject(data, "source_value", s->value);
	return (data);
}

int
queue_suspend(struct queue *q, enum queue_source kind, const char *value,
    const char *reason, struct queue_suspension *out, char **cause)
{
	struct queue_suspension	 s, have;
	cJSON			*data;
	char			 now[32];
	int64_t			 seq;
	int			 found, rc;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	if ((rc = suspend_begin(q, kind, value, reason, 1, "suspend a model or "
	    "pipeline", &have, &found, cause)) != 0)
		return (rc);
	if (found) {
		xasprintf(cause, "%s %s is already suspended (since %s, by "
		    "%s)", queue_source_name(kind), value, have.since,
		    have.by);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	store_now_text(q, now);
	s.kind = kind;
	s.value = (char *)value;
	s.reason = (char *)reason;
	s.by = q->actor;
	s.since = now;
	/* Decisions after this one are left out of exports until resumed. */
	if ((rc = store_decision_last(q, &s.since_decision, cause)) != 0 ||
	    (rc = store_audit_next_seq(q, &seq, cause)) != 0 ||
	    (rc = store_suspension_insert(q, &s, seq, cause)) != 0)
		goto fail;
	data = suspend_event(&s);
	cJSON_AddStringToObject(data, "reason", reason);
	cJSON_AddNumberToObject(data, "since_decision",
	    (double)s.since_decision);
	/* The hook hears of it once the suspension is committed. */
	queue_notify(q, "suspended", NULL, cJSON_Duplicate(data, 1));
	if ((rc = store_audit_append(q, "suspend", q->actor, NULL, data,
	    cause)) != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	suspend_copy(out, &s);
	return (0);
fail:
	if (q->in_txn)
		store_rollback(q);
	queue_suspension_done(&have);
	return (rc);
}

int
queue_resume(struct queue *q, enum queue_source kind, const char *value,
    const char *reason, struct queue_suspension *out, char **cause)
{
	struct queue_suspension	 s;
	cJSON			*data;
	char			 now[32];
	int			 found, rc;

	memset(out, 0, sizeof *out);
	if ((rc = suspend_begin(q, kind, value, reason, 0, "resume a suspended "
	    "model or pipeline", &s, &found, cause)) != 0)
		return (rc);
	if (!found) {
		xasprintf(cause, "%s %s is not suspended ('hitl status' lists "
		    "the suspensions)", queue_source_name(kind), value);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	store_now_text(q, now);
	s.resumed_at = xstrdup(now);
	s.resumed_by = xstrdup(q->actor);
	if (reason != NULL && !queue_text_blank(reason))
		s.resume_reason = xstrdup(reason);
	/*
	 * What the runs so far left out, the first run of each cursor after
	 * this one takes: the newest decision and run mark where that is.
	 */
	if ((rc = store_decision_last(q, &s.until_decision, cause)) != 0 ||
	    (rc = store_export_last_run(q, NULL, &s.resumed_export,
	    cause)) != 0 ||
	    (rc = store_suspension_resume(q, &s, cause)) != 0)
		goto fail;
	data = suspend_event(&s);
	if (s.resume_reason != NULL)
		cJSON_AddStringToObject(data, "reason", s.resume_reason);
	cJSON_AddNumberToObject(data, "until_decision",
	    (double)s.until_decision);
	cJSON_AddNumberToObject(data, "after_export",
	    (double)s.resumed_export);
	if ((rc = store_audit_append(q, "unsuspend", q->actor, NULL, data,
	    cause)) != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	*out = s;
	return (0);
fail:
	if (q->in_txn)
		store_rollback(q);
	queue_suspension_done(&s);
	return (rc);
}

int
queue_suspensions(struct queue *q, int all, struct queue_suspension **out,
    size_t *n, char **cause)
{
	int rc;

	*out = NULL;
	*n = 0;
	/* Anyone's, as hitl status is: the console header shows them. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	rc = store_suspensions(q, all, out, n, cause);
	store_end_read(q);
	return (rc);
}
