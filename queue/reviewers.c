/*
 * Reviewer statistics: what each reviewer decided, how long it took them and
 * how often someone else overturned it, read from the decisions record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "agreement-report.h"
#include "json.h"
#include "record.h"
#include "records.h"
#include "vote.h"
#include "xmalloc.h"

/* A reviewer's line while the scan runs, with the times still to rank. */
struct rv_line {
	struct queue_reviewer_stats	 s;
	int64_t				*ms;
	size_t				 nms;
	int64_t				 last_item;	/* counted in items */
	int				 active;	/* took a reviewer's action */
};

/* One decision of the item being walked. */
struct rv_dec {
	int64_t				 id;
	const struct action_info	*a;	/* NULL: not in the table */
	size_t				 who;	/* its line */
	int64_t				 undoes;
	char				 outcome[16];	/* a resolution's */
	int				 undone, reopened, resolved;
};

struct rv_walk {
	struct rv_line	*lines;
	size_t		 nlines;
	struct rv_dec	*decs;		/* the current item's, in order */
	size_t		 ndecs;
	int64_t		 item_id;
};

double
queue_percentile(const int64_t *x, size_t n, unsigned percent)
{
	uint64_t	num;
	size_t		lo;
	unsigned	rem;

	if (percent > 100)
		percent = 100;
	num = (uint64_t)(n - 1) * percent;
	lo = (size_t)(num / 100);
	rem = (unsigned)(num % 100);
	if (rem == 0 || lo + 1 >= n)
		return ((double)x[lo]);
	return ((double)(x[lo] * 100 + (int64_t)rem * (x[lo + 1] - x[lo])) /
	    100.0);
}

static size_t
rv_line(struct rv_walk *w, const char *reviewer)
{
	size_t i;

	for (i = 0; i < w->nlines; i++) {
		if (strcmp(w->lines[i].s.reviewer, reviewer) == 0)
			return (i);
	}
	w->lines = xreallocarray(w->lines, w->nlines + 1, sizeof *w->lines);
	memset(&w->lines[w->nlines], 0, sizeof *w->lines);
	w->lines[w->nlines].s.reviewer = xstrdup(reviewer);
	return (w->nlines++);
}

static int
rv_is(const struct rv_dec *d, const char *name)
{
	return (d->a != NULL && strcmp(d->a->name, name) == 0);
}

/* A reviewer's own approve or correct: what can be overturned. */
static int
rv_decides(const struct rv_dec *d)
{
	return (rv_is(d, "approve") || rv_is(d, "correct"));
}

/*
 * The decision in force just before d[i] (the rule exports follow: the
 * last one that sets the outcome, not undone; one that clears it after
 * means there is none), or -1. Undo withdraws only a decision nobody
 * acted on since, so an undo later than d[i] never withdraws one before.
 */
static long
rv_in_force(const struct rv_dec *d, size_t i)
{
	while (i-- > 0) {
		if (d[i].undone || d[i].a == NULL ||
		    d[i].a->outcome == ACTION_PASS)
			continue;
		if (d[i].a->outcome == ACTION_CLEARS)
			return (-1);
		return ((long)i);
	}
	return (-1);
}

/*
 * The decision a resolution d[i] supersedes: the last one in force before
 * the escalation, back over it and over the reopens that cleared the item
 * before it (an escalation needs a claim, so only a reopen makes an item
 * decided before escalatable again), or -1.
 */
static long
rv_superseded(const struct rv_dec *d, size_t i)
{
	while (i-- > 0) {
		if (d[i].undone || d[i].a == NULL ||
		    d[i].a->outcome != ACTION_FINAL)
			continue;
		return ((long)i);
	}
	return (-1);
}

/* Counts the walked item's decisions into their reviewers' lines. */
static void
rv_item(struct rv_walk *w)
{
	struct rv_dec	*d = w->decs;
	struct rv_line	*l;
	size_t		 i, j;
	long		 k;

	for (i = 0; i < w->ndecs; i++) {
		if (!rv_is(&d[i], "undo") || d[i].undoes == 0)
			continue;
		/* What an undo withdraws is close before it: look back. */
		for (j = i; j-- > 0;) {
			if (d[j].id == d[i].undoes) {
				d[j].undone = 1;
				break;
			}
		}
	}
	for (i = 0; i < w->ndecs; i++) {
		if (rv_is(&d[i], "reopen") &&
		    (k = rv_in_force(d, i)) >= 0 && rv_decides(&d[k]) &&
		    d[k].who != d[i].who)
			d[k].reopened = 1;
		if (rv_is(&d[i], "resolve") &&
		    (k = rv_superseded(d, i)) >= 0 && rv_decides(&d[k]) &&
		    d[k].who != d[i].who &&
		    strcmp(d[k].a->name, d[i].outcome) != 0)
			d[k].resolved = 1;
	}
	for (i = 0; i < w->ndecs; i++) {
		l = &w->lines[d[i].who];
		if (d[i].reopened || d[i].resolved)
			l->s.overturned++;
		if (d[i].reopened)
			l->s.reopened++;
		if (d[i].resolved)
			l->s.resolved++;
	}
	w->ndecs = 0;
}

/* Counts one decision of the scan; decisions come by item, in order. */
static void
rv_decision(struct rv_walk *w, const struct store_reviewer_row *r)
{
	struct rv_dec	*d;
	struct rv_line	*l;
	const char	*a = r->action;

	if (w->ndecs > 0 && r->item_id != w->item_id)
		rv_item(w);
	w->item_id = r->item_id;
	w->decs = xreallocarray(w->decs, w->ndecs + 1, sizeof *w->decs);
	d = &w->decs[w->ndecs++];
	memset(d, 0, sizeof *d);
	d->id = r->id;
	d->a = action_find(a);
	d->who = rv_line(w, r->reviewer);
	d->undoes = r->undoes;
	if (r->outcome != NULL)
		snprintf(d->outcome, sizeof d->outcome, "%s", r->outcome);
	l = &w->lines[d->who];
	if (strcmp(a, "comment") == 0) {
		l->s.comments++;
		l->active = 1;
	} else if (strcmp(a, "undo") == 0) {
		l->s.undos++;
		l->active = 1;
	}
	if (strcmp(a, "approve") == 0)
		l->s.approve++;
	else if (strcmp(a, "correct") == 0)
		l->s.correct++;
	else if (strcmp(a, "escalate") == 0)
		l->s.escalate++;
	else if (strcmp(a, "skip") == 0)
		l->s.skip++;
	else
		return;
	l->active = 1;
	if (strcmp(a, "skip") != 0 && l->last_item != r->item_id) {
		l->s.items++;
		l->last_item = r->item_id;
	}
	if (r->spent_ms >= 0) {
		l->ms = xreallocarray(l->ms, l->nms + 1, sizeof *l->ms);
		l->ms[l->nms++] = r->spent_ms;
	}
}

static int
rv_cmp_ms(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

static int
rv_cmp_line(const void *a, const void *b)
{
	return (strcmp(((const struct queue_reviewer_stats *)a)->reviewer,
	    ((const struct queue_reviewer_stats *)b)->reviewer));
}

/* The lines to show, ranked and sorted; frees what the walk held. */
static void
rv_finish(struct rv_walk *w, struct queue *q, struct queue_reviewers *out)
{
	struct rv_line	*l;
	size_t		 i;

	for (i = 0; i < w->nlines; i++) {
		l = &w->lines[i];
		if (!l->active || (out->own_only &&
		    strcmp(l->s.reviewer, q->actor) != 0)) {
			free(l->s.reviewer);
			free(l->ms);
			continue;
		}
		if (l->nms > 0) {
			qsort(l->ms, l->nms, sizeof *l->ms, rv_cmp_ms);
			l->s.timed = l->nms;
			l->s.median_ms = queue_percentile(l->ms, l->nms, 50);
			l->s.p90_ms = queue_percentile(l->ms, l->nms, 90);
		}
		free(l->ms);
		out->rows = xreallocarray(out->rows, out->n + 1,
		    sizeof *out->rows);
		out->rows[out->n++] = l->s;
	}
	/* Their own line, of zeros, rather than nothing. */
	if (out->own_only && out->n == 0) {
		out->rows = xcalloc(1, sizeof *out->rows);
		out->rows[0].reviewer = xstrdup(q->actor);
		out->n = 1;
	}
	if (out->n > 1)
		qsort(out->rows, out->n, sizeof *out->rows, rv_cmp_line);
	free(w->lines);
	free(w->decs);
	memset(w, 0, sizeof *w);
}

static void
rv_abandon(struct rv_walk *w)
{
	size_t i;

	for (i = 0; i < w->nlines; i++) {
		free(w->lines[i].s.reviewer);
		free(w->lines[i].ms);
	}
	free(w->lines);
	free(w->decs);
	memset(w, 0, sizeof *w);
}

static struct queue_reviewer_stats *
rv_row(struct queue_reviewers *out, const char *reviewer)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		if (strcmp(out->rows[i].reviewer, reviewer) == 0)
			return (&out->rows[i]);
	}
	return (NULL);
}

/* The settled rounds' pass: each vote against what came into force. */
struct rv_rounds {
	struct queue_reviewers	*out;
	struct agreement_report	*report;
	char			*cause;
};

/* The vote the settlement put in force: the one it chose, or its own. */
static int
rv_settled_vote(const struct queue_round *r, struct vote *v, char **cause)
{
	cJSON		*p, *corr;
	const char	*outcome;
	char		*text = NULL;
	double		 chose;
	size_t		 i;
	int		 rc;

	if ((p = cJSON_Parse(r->settlement)) == NULL) {
		xasprintf(cause, "item %s: its settlement is not JSON",
		    r->item->ext_id);
		return (-1);
	}
	chose = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(p,
	    "chose"));
	for (i = 0; i < r->nvotes; i++) {
		if ((double)r->votes[i].id == chose) {
			cJSON_Delete(p);
			return (vote_from(r->item, r->votes[i].action,
			    r->votes[i].payload, v, cause));
		}
	}
	outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
	    "outcome"));
	if ((corr = cJSON_GetObjectItemCaseSensitive(p, "correction")) != NULL)
		text = json_print(corr);
	rc = vote_from(r->item, outcome != NULL ? outcome : "?", text, v,
	    cause);
	free(text);
	cJSON_Delete(p);
	return (rc);
}

static int
rv_round(const struct queue_round *r, void *arg)
{
	struct rv_rounds		*x = arg;
	struct queue_reviewer_stats	*row;
	struct vote			 in_force, v;
	size_t				 i;
	int				 upheld;

	if (rv_settled_vote(r, &in_force, &x->cause) != 0)
		return (EX_DATAERR);
	for (i = 0; i < r->nvotes; i++) {
		if ((row = rv_row(x->out, r->votes[i].reviewer)) == NULL)
			continue;
		if (vote_from(r->item, r->votes[i].action,
		    r->votes[i].payload, &v, &x->cause) != 0) {
			vote_done(&in_force);
			return (EX_DATAERR);
		}
		upheld = vote_equal(&v, &in_force);
		vote_done(&v);
		if (!upheld) {
			row->adjudicated++;
			row->overturned++;
		}
		if (i == 0 && strcmp(r->sample, "audit") == 0) {
			row->audited++;
			row->audit_upheld += upheld;
		}
	}
	vote_done(&in_force);
	if (agreement_report_add(x->report, r, &x->cause) != 0)
		return (EX_DATAERR);
	return (0);
}

/*
 * The quality columns of the lines in out: gold scores and pauses, and
 * what the settled rounds after decision after say of each reviewer.
 */
static int
rv_quality(struct queue *q, struct queue_reviewers *out, char **cause)
{
	struct queue_agreement		 ag;
	struct queue_agreement_pair	*p;
	struct store_gold_totals	 t;
	struct store_pause		 ps;
	struct queue_reviewer_stats	*row;
	struct rv_rounds		 x;
	double				 sum;
	size_t				 i, j;
	int				 rc;

	memset(&ag, 0, sizeof ag);
	for (i = 0; i < out->n; i++) {
		row = &out->rows[i];
		if ((rc = store_gold_totals(q, row->reviewer, out->after, &t,
		    cause)) != 0)
			return (rc);
		row->gold_items = t.items;
		row->gold_right = t.right;
		row->gold_total = t.total;
		rc = store_pause_last(q, row->reviewer, &ps, cause);
		if (rc == STORE_ROW)
			row->paused = strcmp(ps.event, "pause") == 0;
		else if (rc != STORE_DONE)
			return (rc);
		store_pause_done(&ps);
	}
	memset(&x, 0, sizeof x);
	x.out = out;
	if ((rc = agreement_report_new(NULL, &x.report, cause)) != 0)
		return (rc);
	rc = quality_rounds_scan(q, out->after, 1, rv_round, &x, cause);
	if (x.cause != NULL) {
		free(*cause);
		*cause = x.cause;
		if (rc == 0)
			rc = EX_DATAERR;
	}
	if (rc == 0) {
		agreement_report_finish(x.report, &ag);
		for (i = 0; ag.ngroups > 0 && i < out->n; i++) {
			row = &out->rows[i];
			sum = 0;
			for (j = 0; j < ag.groups[0].npairs; j++) {
				p = &ag.groups[0].pairs[j];
				if (!p->defined ||
				    (strcmp(p->a, row->reviewer) != 0 &&
				    strcmp(p->b, row->reviewer) != 0))
					continue;
				row->peer_units += p->items;
				sum += p->kappa * (double)p->items;
			}
			if (row->peer_units > 0)
				row->peer_kappa = sum /
				    (double)row->peer_units;
		}
	}
	queue_agreement_done(&ag);
	agreement_report_free(x.report);
	return (rc);
}

int
queue_reviewers(struct queue *q, const char *since,
    struct queue_reviewers *out, char **cause)
{
	struct store_reviewer_row	 r;
	struct store_scan		*scan = NULL;
	struct rv_walk			 w;
	int				 rc;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	if (since != NULL && strcmp(since, "all") == 0)
		since = NULL;
	if (since != NULL && record_check_time(since) != 0) {
		xasprintf(cause, "--since: \"%s\" is not all or an RFC 3339 "
		    "time (2026-11-27T09:14:03Z)", since);
		return (EX_USAGE);
	}
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "see reviewer statistics", cause)) != 0)
		return (rc);
	out->own_only = policy_role_of(q->policy, q->actor) <
	    POLICY_ROLE_LEAD;
	/* One snapshot: the bound and the decisions after it agree. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if (since != NULL &&
	    (rc = queue_decision_before(q, since, &out->after, cause)) != 0)
		goto fail;
	if ((rc = store_reviewer_scan(q, out->after, &scan, cause)) != 0)
		goto fail;
	while ((rc = store_reviewer_next(scan, &r, cause)) == STORE_ROW)
		rv_decision(&w, &r);
	if (rc != STORE_DONE)
		goto fail;
	store_scan_free(scan);
	scan = NULL;
	if (w.ndecs > 0)
		rv_item(&w);
	rv_finish(&w, q, out);
	rc = rv_quality(q, out, cause);
	store_end_read(q);
	if (rc != 0)
		queue_reviewers_done(out);
	return (rc);
fail:
	store_scan_free(scan);
	store_end_read(q);
	rv_abandon(&w);
	return (rc);
}

void
queue_reviewers_done(struct queue_reviewers *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->rows[i].reviewer);
	free(r->rows);
	memset(r, 0, sizeof *r);
}
