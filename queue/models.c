/*
 * Feedback to the models: per source model and pipeline (or flag type),
 * what its outputs came to (flagged, reviewed, approved, corrected,
 * escalated, rejected),
 * the flags reviewers confirmed per 1,000 outputs, corrections by label,
 * over all time or day by day, week by week.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "internal.h"
#include "records.h"
#include "xmalloc.h"

struct models_ctx {
	const struct policy		*p;
	enum queue_models_by		 by;
	enum queue_models_every		 every;
	const char			*since;
	struct queue_model_row		*rows;
	size_t				 n;
};

static const char *const models_by_names[] = {
	"source", "model", "pipeline", "type", NULL
};
static const char *const models_every_names[] = {
	"all", "day", "week", NULL
};

const char *const *
queue_models_by_names(void)
{
	return (models_by_names);
}

const char *const *
queue_models_every_names(void)
{
	return (models_every_names);
}

static int
models_parse(const char *const *names, const char *s, int *out)
{
	int i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return (0);
		}
	}
	return (-1);
}

int
queue_models_by_parse(const char *s, enum queue_models_by *by)
{
	int i;

	if (models_parse(models_by_names, s, &i) != 0)
		return (-1);
	*by = (enum queue_models_by)i;
	return (0);
}

int
queue_models_every_parse(const char *s, enum queue_models_every *every)
{
	int i;

	if (models_parse(models_every_names, s, &i) != 0)
		return (-1);
	*every = (enum queue_models_every)i;
	return (0);
}

/*
 * The period an output falls in, from when it was made: its day, or the
 * Monday of its week (UTC); "" over all time or when the time is unknown.
 */
static void
models_period(enum queue_models_every every, const char *at, char out[11])
{
	struct tm	 tm;
	char		 utc[32], *why = NULL;
	time_t		 t;

	out[0] = '\0';
	if (every == QUEUE_MODELS_ALL || at == NULL ||
	    queue_time_utc(at, utc, &why) != 0) {
		free(why);
		return;
	}
	memset(&tm, 0, sizeof tm);
	if (strptime(utc, "%Y-%m-%d", &tm) == NULL)
		return;
	t = timegm(&tm);
	if (every == QUEUE_MODELS_WEEK) {
		gmtime_r(&t, &tm);
		t -= (time_t)((tm.tm_wday + 6) % 7) * 86400;
	}
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
models_same(const char *a, const char *b)
{
	return (a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0);
}

/* The row of a source (or, by type, a flag type) and period. */
static struct queue_model_row *
models_row(struct models_ctx *c, const char *model, const char *pipeline,
    const char *type, const char *at)
{
	struct queue_model_row	*r;
	char			 period[11];
	size_t			 i;

	if (c->by == QUEUE_MODELS_BY_PIPELINE || c->by == QUEUE_MODELS_BY_TYPE)
		model = NULL;
	if (c->by == QUEUE_MODELS_BY_MODEL || c->by == QUEUE_MODELS_BY_TYPE)
		pipeline = NULL;
	if (c->by != QUEUE_MODELS_BY_TYPE)
		type = NULL;
	models_period(c->every, at, period);
	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		if (strcmp(r->period, period) == 0 &&
		    models_same(r->model, model) &&
		    models_same(r->pipeline, pipeline) &&
		    models_same(r->type, type))
			return (r);
	}
	c->rows = xreallocarray(c->rows, c->n + 1, sizeof *c->rows);
	r = &c->rows[c->n++];
	memset(r, 0, sizeof *r);
	r->model = model != NULL ? xstrdup(model) : NULL;
	r->pipeline = pipeline != NULL ? xstrdup(pipeline) : NULL;
	r->type = type != NULL ? xstrdup(type) : NULL;
	memcpy(r->period, period, sizeof r->period);
	return (r);
}

static void
models_count(struct queue_model_count **v, size_t *n, const char *key)
{
	size_t i;

	for (i = 0; i < *n && strcmp((*v)[i].key, key) != 0; i++)
		continue;
	if (i == *n) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[i].key = xstrdup(key);
		(*v)[i].n = 0;
		(*n)++;
	}
	(*v)[i].n++;
}

/*
 * One output counted in its row: of its flags those of type (NULL: all);
 * action is what the decision in force came to (NULL: none yet).
 */
static void
models_tally(struct models_ctx *c, const struct queue_outcome *o,
    const char *type, int escalated, const char *action,
    const cJSON *payload)
{
	const struct queue_item	*it = o->item;
	struct queue_model_row	*r;
	const cJSON		*corr, *l;
	size_t			 i;
	int			 flagged = 0;

	r = models_row(c, it->source_model, it->source_pipeline, type,
	    it->created_at != NULL ? it->created_at : it->imported_at);
	r->seen++;
	for (i = 0; i < it->nflags; i++)
		flagged |= (type == NULL || strcmp(it->flags[i].type, type) ==
		    0) && it->flags[i].score >= c->p->min_flag_score;
	r->flagged += flagged;
	r->escalated += escalated;
	if (action == NULL)
		return;
	r->reviewed++;
	if (strcmp(action, "approve") == 0)
		r->approved++;
	else if (strcmp(action, "correct") == 0)
		r->corrected++;
	else if (strcmp(action, "reject") == 0)
		r->rejected++;
	for (i = 0; i < it->nflags; i++) {
		if ((type == NULL || strcmp(it->flags[i].type, type) == 0) &&
		    strcmp(queue_flag_verdict(payload, i), "confirmed") == 0)
			models_count(&r->confirmed, &r->nconfirmed,
			    it->flags[i].type);
	}
	corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	if (corr == NULL)
		corr = payload;
	if (strcmp(action, "correct") == 0) {
		cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(corr,
		    "labels")) {
			if (cJSON_IsString(l))
				models_count(&r->labels, &r->nlabels,
				    l->valuestring);
		}
	}
}

static int
models_outcome(const struct queue_outcome *o, void *arg)
{
	struct models_ctx	*c = arg;
	const struct queue_item	*it = o->item;
	cJSON			*payload = NULL;
	const char		*action = NULL, *outcome;
	size_t			 i, j;
	int			 escalated = 0;

	if (it->kind != QUEUE_KIND_MODEL_OUTPUT || o->purged)
		return (0);
	if (c->since != NULL && strcmp(o->final != NULL ?
	    o->final->decided_at : it->imported_at, c->since) < 0)
		return (0);
	for (i = 0; i < o->nhistory && !escalated; i++)
		escalated = strcmp(o->history[i].action, "escalate") == 0;
	if (o->final != NULL) {
		if (o->final->payload != NULL)
			payload = cJSON_Parse(o->final->payload);
		outcome = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(payload, "outcome"));
		action = outcome != NULL ? outcome : o->final->action;
	}
	if (c->by != QUEUE_MODELS_BY_TYPE || it->nflags == 0)
		models_tally(c, o, NULL, escalated, action, payload);
	/* By type: under each of its flags' types, once. */
	for (i = 0; c->by == QUEUE_MODELS_BY_TYPE && i < it->nflags; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(it->flags[j].type, it->flags[i].type) == 0)
				break;
		if (j == i)
			models_tally(c, o, it->flags[i].type, escalated,
			    action, payload);
	}
	cJSON_Delete(payload);
	return (0);
}

/* Outputs not decided yet: seen, flagged or not, some escalated. */
static int
models_open(struct queue *q, struct models_ctx *c, char **cause)
{
	struct store_scan	*s;
	struct store_open_output o;
	struct queue_model_row	*r;
	int			 rc;

	if ((rc = store_open_outputs_scan(q, c->by == QUEUE_MODELS_BY_TYPE, &s,
	    cause)) != 0)
		return (rc);
	while ((rc = store_open_outputs_next(s, &o, cause)) == STORE_ROW) {
		if (c->since != NULL && o.at != NULL &&
		    strcmp(o.at, c->since) < 0)
			continue;
		r = models_row(c, o.model, o.pipeline, o.type, o.at);
		r->seen++;
		r->flagged += o.max_score >= c->p->min_flag_score;
		r->open++;
		r->escalated += o.escalated != 0;
	}
	store_scan_free(s);
	return (rc == STORE_DONE ? 0 : rc);
}

static int
models_row_cmp(const void *a, const void *b)
{
	const struct queue_model_row	*x = a, *y = b;
	int				 d;

	if ((d = strcmp(x->model != NULL ? x->model : "",
	    y->model != NULL ? y->model : "")) != 0)
		return (d);
	if ((d = strcmp(x->pipeline != NULL ? x->pipeline : "",
	    y->pipeline != NULL ? y->pipeline : "")) != 0)
		return (d);
	if ((d = strcmp(x->type != NULL ? x->type : "",
	    y->type != NULL ? y->type : "")) != 0)
		return (d);
	return (strcmp(x->period, y->period));
}

int
queue_models(struct queue *q, const char *since, enum queue_models_by by,
    enum queue_models_every every, struct queue_models_report *r,
    char **cause)
{
	struct models_ctx	 c;
	char			 utc[32];
	int			 rc;

	memset(r, 0, sizeof *r);
	memset(&c, 0, sizeof c);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "see the models' feedback", cause)) != 0 ||
	    (rc = queue_policy(q, &c.p, NULL, cause)) != 0)
		return (rc);
	if (since != NULL && (rc = queue_time_utc(since, utc, cause)) != 0)
		return (rc);
	c.since = since != NULL ? utc : NULL;
	c.by = by;
	c.every = every;
	if ((rc = queue_outcomes(q, NULL, 0, INT64_MAX, "model_output", 1,
	    models_outcome, &c, cause)) != 0 ||
	    (rc = models_open(q, &c, cause)) != 0) {
		r->rows = c.rows;
		r->n = c.n;
		queue_models_report_done(r);
		return (rc);
	}
	/* No rows: no array either, and qsort's base must not be NULL. */
	if (c.n > 0)
		qsort(c.rows, c.n, sizeof *c.rows, models_row_cmp);
	r->rows = c.rows;
	r->n = c.n;
	return (0);
}

static void
models_counts_free(struct queue_model_count *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

void
queue_models_report_done(struct queue_models_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->rows[i].model);
		free(r->rows[i].pipeline);
		free(r->rows[i].type);
		models_counts_free(r->rows[i].confirmed, r->rows[i].nconfirmed);
		models_counts_free(r->rows[i].labels, r->rows[i].nlabels);
	}
	free(r->rows);
	memset(r, 0, sizeof *r);
}
