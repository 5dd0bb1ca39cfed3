/*
 * Feedback to the detectors: every decision is a verdict on the flags and
 * spans a detector proposed; these are counted per detector, recognizer,
 * flag or entity type, with precision, its interval and threshold advice.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "xmalloc.h"

/* One reviewed flag or span: its score and whether the detector was right. */
enum feedback_verdict {
	FEEDBACK_RIGHT,		/* confirmed; a span accepted as proposed */
	FEEDBACK_WRONG,		/* overturned; a span rejected: not PII */
	FEEDBACK_RETYPED	/* a span kept as PII of another type */
};

struct feedback_vote {
	double	score;
	int	right;
};

struct feedback_acc {
	struct queue_detector_row	 row;
	struct feedback_vote		*votes;
	size_t				 nvotes;
	uint64_t			 band_over[10];
	/* Retyped spans by their new type, the commonest reported. */
	char				**to;
	uint64_t			*to_n;
	size_t				 nto;
};

struct feedback_ctx {
	struct queue			*q;
	const struct policy		*p;
	enum queue_detector_by		 by;
	const char			*since;		/* decided at or after */
	struct feedback_acc		*acc;
	size_t				 nacc;
};

static const char *const feedback_by_names[] = {
	"detector", "type", "recognizer", "entity_type", NULL
};

const char *const *
queue_detector_by_names(void)
{
	return (feedback_by_names);
}

int
queue_detector_by_parse(const char *s, enum queue_detector_by *by)
{
	size_t i;

	for (i = 0; feedback_by_names[i] != NULL; i++) {
		if (strcmp(s, feedback_by_names[i]) == 0) {
			*by = (enum queue_detector_by)i;
			return (0);
		}
	}
	return (-1);
}

const char *
queue_flag_verdict(const cJSON *payload, size_t i)
{
	const cJSON	*corr = payload, *v;
	const char	*outcome, *s;

	outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    payload, "outcome"));
	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(corr,
	    "flags"), (int)i);
	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v,
	    "verdict"));
	if (s != NULL && (strcmp(s, "confirmed") == 0 ||
	    strcmp(s, "overturned") == 0))
		return (s);
	return (outcome != NULL && strcmp(outcome, "reject") == 0 ?
	    "confirmed" : "overturned");
}

void
queue_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
	const double	z = 1.959963984540054;	/* 95%, two-sided */
	double		p, d, c, h;

	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / (double)n;
	d = 1 + z * z / (double)n;
	c = (p + z * z / (2 * (double)n)) / d;
	h = z * sqrt(p * (1 - p) / (double)n + z * z / (4 * (double)n *
	    (double)n)) / d;
	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}

static int
feedback_vote_cmp(const void *a, const void *b)
{
	const struct feedback_vote *x = a, *y = b;

	return (x->score < y->score ? -1 : x->score > y->score);
}

double
queue_threshold_advice(const double *scores, const int *right, size_t n,
    double target)
{
	struct feedback_vote	*v;
	uint64_t		 k = 0;
	double			 best = -1;
	size_t			 i;

	if (n == 0)
		return (-1);
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].score = scores[i];
		v[i].right = right[i];
		k += right[i] != 0;
	}
	qsort(v, n, sizeof *v, feedback_vote_cmp);
	/*
	 * From the lowest score up: the first threshold (a score seen) above
	 * which the detector was right often enough keeps the most of what
	 * it found. Ties share their threshold.
	 */
	for (i = 0; i < n; i++) {
		if (i == 0 || v[i].score > v[i - 1].score) {
			if ((double)k >= target * (double)(n - i)) {
				best = v[i].score;
				break;
			}
		}
		k -= v[i].right != 0;
	}
	free(v);
	return (best);
}

static struct feedback_acc *
feedback_acc(struct feedback_ctx *c, const char *kind, const char *key)
{
	struct feedback_acc	*a;
	size_t			 i;

	if (key == NULL)
		key = "(none)";
	for (i = 0; i < c->nacc; i++) {
		if (strcmp(c->acc[i].row.kind, kind) == 0 &&
		    strcmp(c->acc[i].row.key, key) == 0)
			return (&c->acc[i]);
	}
	c->acc = xreallocarray(c->acc, c->nacc + 1, sizeof *c->acc);
	a = &c->acc[c->nacc++];
	memset(a, 0, sizeof *a);
	a->row.key = xstrdup(key);
	a->row.kind = kind;
	return (a);
}

static void
feedback_vote(struct feedback_acc *a, double score, enum feedback_verdict v)
{
	int band;

	a->votes = xreallocarray(a->votes, a->nvotes + 1, sizeof *a->votes);
	a->votes[a->nvotes].score = score;
	a->votes[a->nvotes].right = v == FEEDBACK_RIGHT;
	a->nvotes++;
	a->row.reviewed++;
	if (v == FEEDBACK_RIGHT)
		a->row.confirmed++;
	else if (v == FEEDBACK_WRONG) {
		a->row.overturned++;
		band = (int)(score * 10);
		a->band_over[band < 0 ? 0 : band > 9 ? 9 : band]++;
	}
}

static void
feedback_retyped(struct feedback_acc *a, const char *to)
{
	size_t i;

	a->row.retyped++;
	for (i = 0; i < a->nto && strcmp(a->to[i], to) != 0; i++)
		continue;
	if (i == a->nto) {
		a->to = xreallocarray(a->to, a->nto + 1, sizeof *a->to);
		a->to_n = xreallocarray(a->to_n, a->nto + 1, sizeof *a->to_n);
		a->to[a->nto] = xstrdup(to);
		a->to_n[a->nto++] = 0;
	}
	a->to_n[i]++;
}

const char *
queue_span_recognizer(const struct queue_span *s, char **owned)
{
	cJSON *e;

	*owned = NULL;
	if (s->recognizer != NULL)
		return (s->recognizer);
	if (s->explanation == NULL ||
	    (e = cJSON_Parse(s->explanation)) == NULL)
		return (NULL);
	if (cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
	    "recognizer")) != NULL)
		*owned = xstrdup(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(e, "recognizer")));
	cJSON_Delete(e);
	return (*owned);
}

static void
feedback_flags(struct feedback_ctx *c, const struct queue_outcome *o,
    const cJSON *payload)
{
	const struct queue_flag	*f;
	struct feedback_acc	*a;
	size_t			 i;

	if (c->by != QUEUE_DETECTOR_BY_DETECTOR &&
	    c->by != QUEUE_DETECTOR_BY_TYPE)
		return;
	for (i = 0; i < o->item->nflags; i++) {
		f = &o->item->flags[i];
		a = feedback_acc(c, "flag", c->by == QUEUE_DETECTOR_BY_TYPE ?
		    f->type : f->detector);
		if (o->final == NULL) {
			a->row.auto_decided++;
			continue;
		}
		feedback_vote(a, f->score, strcmp(queue_flag_verdict(payload,
		    i), "confirmed") == 0 ? FEEDBACK_RIGHT : FEEDBACK_WRONG);
		/* Below the threshold in force: a spot check of the auto band. */
		if (f->score < c->p->min_flag_score) {
			a->row.below_reviewed++;
			if (strcmp(queue_flag_verdict(payload, i),
			    "confirmed") == 0)
				a->row.below_confirmed++;
		}
	}
}

static void
feedback_spans(struct feedback_ctx *c, const struct queue_outcome *o,
    const cJSON *payload)
{
	const struct queue_item		*it = o->item;
	const struct queue_span		*s;
	struct queue_final_span		*fin = NULL;
	struct feedback_acc		*a;
	const char			*key, *kept;
	char				*owned;
	size_t				 n, i, j;
	int				 by_type;

	by_type = c->by == QUEUE_DETECTOR_BY_TYPE ||
	    c->by == QUEUE_DETECTOR_BY_ENTITY_TYPE;

	n = queue_spans_final(it, payload, o->final == NULL, &fin);
	for (i = 0; i < it->nspans; i++) {
		s = &it->spans[i];
		owned = NULL;
		key = by_type ? s->entity_type :
		    queue_span_recognizer(s, &owned);
		a = feedback_acc(c, "span", key);
		free(owned);
		if (o->final == NULL) {
			a->row.auto_decided++;
			continue;
		}
		for (kept = NULL, j = 0; j < n && kept == NULL; j++) {
			if (fin[j].index == i)
				kept = fin[j].entity_type;
		}
		/* Retyped: PII all the same, of another type. */
		if (kept != NULL && strcmp(kept, s->entity_type) != 0) {
			feedback_retyped(a, kept);
			feedback_vote(a, s->score, FEEDBACK_RETYPED);
		} else
			feedback_vote(a, s->score, kept != NULL ?
			    FEEDBACK_RIGHT : FEEDBACK_WRONG);
		if (s->score < c->p->auto_accept) {
			a->row.below_reviewed++;
			if (kept != NULL)
				a->row.below_confirmed++;
		}
	}
	/* What reviewers added, that no recognizer proposed: misses. */
	for (j = 0; j < n && o->final != NULL; j++) {
		if (fin[j].index < it->nspans)
			continue;
		a = feedback_acc(c, "span", by_type ? fin[j].entity_type :
		    "(added by reviewers)");
		a->row.added++;
	}
	free(fin);
}

static int
feedback_outcome(const struct queue_outcome *o, void *arg)
{
	struct feedback_ctx	*c = arg;
	cJSON			*payload = NULL;

	if (o->purged)
		return (0);
	if (c->since != NULL && strcmp(o->final != NULL ?
	    o->final->decided_at : o->item->imported_at, c->since) < 0)
		return (0);
	if (o->final != NULL && o->final->payload != NULL)
		payload = cJSON_Parse(o->final->payload);
	if (o->item->kind == QUEUE_KIND_MODEL_OUTPUT)
		feedback_flags(c, o, payload);
	else
		feedback_spans(c, o, payload);
	cJSON_Delete(payload);
	return (0);
}

/* Precision, its interval, the band of most overturns, the advice. */
static void
feedback_finish(struct feedback_ctx *c, struct feedback_acc *a)
{
	struct queue_detector_row	*r = &a->row;
	double				*scores;
	int				*right;
	size_t				 i;
	uint64_t			 best = 0;

	r->threshold_in_force = strcmp(r->kind, "flag") == 0 ?
	    c->p->min_flag_score : c->p->auto_accept;
	r->precision = r->reviewed > 0 ? (double)r->confirmed /
	    (double)r->reviewed : 0;
	queue_wilson(r->confirmed, r->reviewed, &r->precision_lo,
	    &r->precision_hi);
	r->band = -1;
	for (i = 0; i < 10; i++) {
		if (a->band_over[i] > best) {
			best = a->band_over[i];
			r->band = (double)i / 10;
			r->band_overturned = best;
		}
	}
	for (best = 0, i = 0; i < a->nto; i++) {
		if (a->to_n[i] > best) {
			best = a->to_n[i];
			r->retyped_to = a->to[i];
		}
	}
	scores = xcalloc(a->nvotes + 1, sizeof *scores);
	right = xcalloc(a->nvotes + 1, sizeof *right);
	for (i = 0; i < a->nvotes; i++) {
		scores[i] = a->votes[i].score;
		right[i] = a->votes[i].right;
	}
	r->threshold_advice = queue_threshold_advice(scores, right, a->nvotes,
	    c->p->target_precision);
	free(scores);
	free(right);
}

static int
feedback_row_cmp(const void *a, const void *b)
{
	const struct queue_detector_row *x = a, *y = b;

	if (x->reviewed != y->reviewed)
		return (x->reviewed > y->reviewed ? -1 : 1);
	return (strcmp(x->key, y->key));
}

int
queue_detectors(struct queue *q, const char *since, enum queue_detector_by by,
    struct queue_detector_report *r, char **cause)
{
	struct feedback_ctx	 c;
	const struct policy	*p;
	char			 utc[32];
	size_t			 i, j;
	int			 rc;

	memset(r, 0, sizeof *r);
	memset(&c, 0, sizeof c);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "see the detectors' feedback", cause)) != 0 ||
	    (rc = queue_policy(q, &p, NULL, cause)) != 0)
		return (rc);
	c.q = q;
	c.p = p;
	c.by = by;
	if (since != NULL && (rc = queue_time_utc(since, utc, cause)) != 0)
		return (rc);
	c.since = since != NULL ? utc : NULL;
	if ((rc = queue_outcomes(q, NULL, 0, INT64_MAX, NULL, 1,
	    feedback_outcome, &c, cause)) != 0)
		goto out;
	r->rows = xcalloc(c.nacc + 1, sizeof *r->rows);
	for (i = 0; i < c.nacc; i++) {
		feedback_finish(&c, &c.acc[i]);
		r->rows[i] = c.acc[i].row;
		/* The row now owns its key and retyped_to. */
		for (j = 0; j < c.acc[i].nto; j++) {
			if (c.acc[i].to[j] == r->rows[i].retyped_to)
				c.acc[i].to[j] = NULL;
		}
		c.acc[i].row.key = NULL;
	}
	r->n = c.nacc;
	qsort(r->rows, r->n, sizeof *r->rows, feedback_row_cmp);
	r->target_precision = p->target_precision;
out:
	for (i = 0; i < c.nacc; i++) {
		free(c.acc[i].row.key);
		for (j = 0; j < c.acc[i].nto; j++)
			free(c.acc[i].to[j]);
		free(c.acc[i].votes);
		free(c.acc[i].to);
		free(c.acc[i].to_n);
	}
	free(c.acc);
	return (rc);
}

void
queue_detector_report_done(struct queue_detector_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->rows[i].key);
		free(r->rows[i].retyped_to);
	}
	free(r->rows);
	memset(r, 0, sizeof *r);
}
