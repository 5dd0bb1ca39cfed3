/*
 * Agreement over the rounds of blind double review: the rounds' votes as
 * rated units, grouped, and the agreement statistics of each group.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "agreement.h"
#include "agreement-report.h"
#include "vote.h"
#include "xmalloc.h"

enum report_by {
	REPORT_BY_NONE,
	REPORT_BY_LABEL,
	REPORT_BY_FLAG,
	REPORT_BY_ENTITY_TYPE,
	REPORT_BY_REVIEWER,
	REPORT_BY_KIND
};

/* In the order of enum report_by, from REPORT_BY_LABEL. */
const char *const agreement_report_by[] = {
	"label", "flag", "entity_type", "reviewer", "kind", NULL
};

/* Strings kept once each, named by their index. */
struct report_names {
	char	**v;
	size_t	  n;
};

struct report_rating {
	size_t		rater;	/* in raters, as first seen */
	unsigned	category;	/* in categories */
};

/* A rated question: its ratings and the groups it counts in. */
struct report_unit {
	size_t	rating, nratings;	/* in ratings */
	size_t	member, nmembers;	/* in members */
};

struct report_f1 {
	size_t			type;	/* in types; SIZE_MAX: all */
	size_t			pairs;
	struct agreement_f1	f;
};

struct report_group {
	size_t			 last;	/* last round counted, from 1 */
	size_t			 items;
	unsigned char		*raters; /* seen, by index in raters */
	size_t			 nraters;
	/*
	 * SIZE_MAX: every type (grouped by entity_type: the group's type
	 * alone), then the types the round proposed or a vote left
	 */
	struct report_f1	*f1;
	size_t			 nf1;
};

struct agreement_report {
	enum report_by		 by;
	size_t			 rounds;
	struct report_names	 categories, raters, types, scopes;
	struct report_group	*groups;	/* per scope; [0] "all" */
	struct report_unit	*units;
	size_t			 nunits, ucap;
	struct report_rating	*ratings;
	size_t			 nratings, rcap;
	size_t			*members;
	size_t			 nmembers, mcap;
};

/* The index of s, added if new. */
static size_t
report_name(struct report_names *names, const char *s)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (strcmp(names->v[i], s) == 0)
			return (i);
	names->v = xreallocarray(names->v, names->n + 1, sizeof *names->v);
	names->v[names->n] = xstrdup(s);
	return (names->n++);
}

static void
report_names_free(struct report_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
}

/* The group of scope "prefix:value" (prefix NULL: "all"), made if new. */
static size_t
report_group(struct agreement_report *r, const char *prefix,
    const char *value)
{
	char	*scope;
	size_t	 i, n = r->scopes.n;

	if (prefix == NULL)
		scope = xstrdup("all");
	else
		xasprintf(&scope, "%s:%s", prefix, value);
	i = report_name(&r->scopes, scope);
	free(scope);
	if (i < n)
		return (i);
	r->groups = xreallocarray(r->groups, r->scopes.n, sizeof *r->groups);
	memset(&r->groups[i], 0, sizeof r->groups[i]);
	return (i);
}

int
agreement_report_new(const char *by, struct agreement_report **out,
    char **cause)
{
	struct agreement_report	*r;
	int			 i, which = REPORT_BY_NONE;

	*out = NULL;
	if (by != NULL) {
		for (i = 0; agreement_report_by[i] != NULL; i++)
			if (strcmp(by, agreement_report_by[i]) == 0)
				which = REPORT_BY_LABEL + i;
		if (which == REPORT_BY_NONE) {
			xasprintf(cause, "agreement can be grouped by label, "
			    "flag, entity_type, reviewer or kind, not \"%s\"",
			    by);
			return (EX_USAGE);
		}
	}
	r = xcalloc(1, sizeof *r);
	r->by = (enum report_by)which;
	report_group(r, NULL, NULL);
	*out = r;
	return (0);
}

void
agreement_report_free(struct agreement_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->scopes.n; i++) {
		free(r->groups[i].raters);
		free(r->groups[i].f1);
	}
	free(r->groups);
	report_names_free(&r->categories);
	report_names_free(&r->raters);
	report_names_free(&r->types);
	report_names_free(&r->scopes);
	free(r->units);
	free(r->ratings);
	free(r->members);
	free(r);
}

/* Counts the round and its raters (indexes rid[0..n)) in group g. */
static void
report_touch(struct agreement_report *r, size_t g, const size_t *rid,
    size_t n)
{
	struct report_group	*gr = &r->groups[g];
	size_t			 i;

	if (gr->last != r->rounds) {
		gr->last = r->rounds;
		gr->items++;
	}
	if (gr->nraters < r->raters.n) {
		gr->raters = xrealloc(gr->raters, r->raters.n);
		memset(gr->raters + gr->nraters, 0, r->raters.n -
		    gr->nraters);
		gr->nraters = r->raters.n;
	}
	for (i = 0; i < n; i++)
		gr->raters[rid[i]] = 1;
}

/* What a round is, for adding its units and pairs. */
struct report_round {
	const struct queue_round	*round;
	struct vote			*votes;
	size_t				*rid;	/* raters of the votes */
	size_t				*groups; /* the round's groups */
	size_t				 ngroups;
};

/*
 * A unit of the round, in its groups and, unless prefix is NULL, in the
 * group of prefix:value; cats[i] is vote i's category.
 */
static void
report_unit(struct agreement_report *r, const struct report_round *rr,
    const char *prefix, const char *value, const char *const *cats)
{
	struct report_unit	*u;
	size_t			 i, n = rr->round->nvotes;

	if (r->nunits == r->ucap) {
		r->ucap = r->ucap == 0 ? 256 : r->ucap * 2;
		r->units = xreallocarray(r->units, r->ucap, sizeof *r->units);
	}
	while (r->nratings + n > r->rcap) {
		r->rcap = r->rcap == 0 ? 1024 : r->rcap * 2;
		r->ratings = xreallocarray(r->ratings, r->rcap,
		    sizeof *r->ratings);
	}
	while (r->nmembers + rr->ngroups + 1 > r->mcap) {
		r->mcap = r->mcap == 0 ? 1024 : r->mcap * 2;
		r->members = xreallocarray(r->members, r->mcap,
		    sizeof *r->members);
	}
	u = &r->units[r->nunits++];
	u->rating = r->nratings;
	u->nratings = n;
	for (i = 0; i < n; i++) {
		r->ratings[r->nratings].rater = rr->rid[i];
		r->ratings[r->nratings++].category = (unsigned)report_name(
		    &r->categories, cats[i]);
	}
	u->member = r->nmembers;
	u->nmembers = rr->ngroups;
	memcpy(r->members + r->nmembers, rr->groups, rr->ngroups *
	    sizeof *r->members);
	r->nmembers += rr->ngroups;
	if (prefix != NULL) {
		r->members[r->nmembers++] = report_group(r, prefix, value);
		u->nmembers++;
	}
	for (i = 0; i < u->nmembers; i++)
		report_touch(r, r->members[u->member + i], rr->rid, n);
}

static int
report_has_label(const struct vote *v, const char *label)
{
	size_t i;

	for (i = 0; i < v->nlabels; i++)
		if (strcmp(v->labels[i], label) == 0)
			return (1);
	return (0);
}

static const char *
report_verdict_name(enum vote_verdict verdict)
{
	switch (verdict) {
	case VOTE_ACCEPTED:
		return ("accepted");
	case VOTE_REJECTED:
		return ("rejected");
	case VOTE_RETYPED:
		return ("retyped");
	case VOTE_CONFIRMED:
		return ("confirmed");
	case VOTE_OVERTURNED:
		return ("overturned");
	}
	return ("");
}

/* The units of a round: action, labels, flags, spans. */
static void
report_units(struct agreement_report *r, const struct report_round *rr)
{
	const struct queue_item	*it = rr->round->item;
	struct report_names	 labels;
	const char		**cats;
	char			**retyped;
	size_t			 n = rr->round->nvotes, i, j;

	cats = xreallocarray(NULL, n, sizeof *cats);
	retyped = xcalloc(n, sizeof *retyped);
	for (i = 0; i < n; i++)
		cats[i] = rr->votes[i].action == VOTE_APPROVE ? "approve" :
		    "correct";
	report_unit(r, rr, NULL, NULL, cats);

	memset(&labels, 0, sizeof labels);
	for (i = 0; i < n; i++)
		for (j = 0; j < rr->votes[i].nlabels; j++)
			report_name(&labels, rr->votes[i].labels[j]);
	for (j = 0; j < labels.n; j++) {
		for (i = 0; i < n; i++)
			cats[i] = report_has_label(&rr->votes[i],
			    labels.v[j]) ? "present" : "absent";
		report_unit(r, rr, r->by == REPORT_BY_LABEL ? "label" : NULL,
		    labels.v[j], cats);
	}
	report_names_free(&labels);

	for (j = 0; j < it->nflags; j++) {
		for (i = 0; i < n; i++)
			cats[i] = j < rr->votes[i].nflags ?
			    report_verdict_name(rr->votes[i].flags[j]) : "";
		report_unit(r, rr, r->by == REPORT_BY_FLAG ? "flag" : NULL,
		    it->flags[j].type, cats);
	}

	for (j = 0; j < it->nspans; j++) {
		for (i = 0; i < n; i++) {
			free(retyped[i]);
			retyped[i] = NULL;
			if (j >= rr->votes[i].nspans)
				cats[i] = "";
			else if (rr->votes[i].spans[j].verdict ==
			    VOTE_RETYPED) {
				/* A retype to each type is its own answer. */
				xasprintf(&retyped[i], "retyped:%s",
				    rr->votes[i].spans[j].type);
				cats[i] = retyped[i];
			} else
				cats[i] = report_verdict_name(
				    rr->votes[i].spans[j].verdict);
		}
		report_unit(r, rr, r->by == REPORT_BY_ENTITY_TYPE ?
		    "entity_type" : NULL, it->spans[j].entity_type, cats);
	}
	for (i = 0; i < n; i++)
		free(retyped[i]);
	free(retyped);
	free(cats);
}

/* The F1 entry of type t (SIZE_MAX: every type) in group g, made if new. */
static struct report_f1 *
report_f1(struct agreement_report *r, size_t g, size_t t)
{
	struct report_group	*gr = &r->groups[g];
	size_t			 i;

	for (i = 0; i < gr->nf1; i++)
		if (gr->f1[i].type == t)
			return (&gr->f1[i]);
	gr->f1 = xreallocarray(gr->f1, gr->nf1 + 1, sizeof *gr->f1);
	memset(&gr->f1[gr->nf1], 0, sizeof *gr->f1);
	gr->f1[gr->nf1].type = t;
	return (&gr->f1[gr->nf1++]);
}

static void
report_f1_add(struct report_f1 *f, const struct agreement_span *a,
    size_t na, const struct agreement_span *b, size_t nb, const char *type)
{
	f->pairs++;
	agreement_spans(a, na, b, nb, type, &f->f);
}

/* A vote's spans as it leaves them, their types kept in r->types. */
static size_t
report_spans(struct agreement_report *r, const struct queue_item *it,
    const struct queue_vote *qv, struct agreement_span **out)
{
	struct queue_final_span	*fs;
	cJSON			*p = NULL;
	size_t			 n, i, t;

	/* Parsed strictly by vote_from already. */
	if (strcmp(qv->action, "correct") == 0 && qv->payload != NULL)
		p = cJSON_Parse(qv->payload);
	n = queue_spans_final(it, p, 0, &fs);
	*out = xreallocarray(NULL, n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		/* Named first: naming a new type moves r->types.v. */
		t = report_name(&r->types, fs[i].entity_type);
		(*out)[i].start = fs[i].start;
		(*out)[i].end = fs[i].end;
		(*out)[i].type = r->types.v[t];
	}
	free(fs);
	cJSON_Delete(p);
	return (n);
}

/*
 * Span F1 of each pair of votes on an anonymization case, in the round's
 * groups (every type, and each type the item proposes or a vote leaves)
 * and, grouped by entity_type, in each such type's group.
 */
static void
report_pairs(struct agreement_report *r, const struct report_round *rr)
{
	const struct queue_item	 *it = rr->round->item;
	struct agreement_span	**spans;
	size_t			 *nspans, n = rr->round->nvotes, i, j, k;
	size_t			  t, g;
	size_t			  ntypes, *types, pair[2];
	unsigned char		 *seen;

	spans = xcalloc(n, sizeof *spans);
	nspans = xcalloc(n, sizeof *nspans);
	for (i = 0; i < n; i++)
		nspans[i] = report_spans(r, it, &rr->round->votes[i],
		    &spans[i]);
	for (i = 0; i < it->nspans; i++)
		report_name(&r->types, it->spans[i].entity_type);
	/* The types of the round: proposed, or left by one of its votes. */
	seen = xcalloc(r->types.n + 1, 1);
	for (i = 0; i < it->nspans; i++)
		seen[report_name(&r->types, it->spans[i].entity_type)] = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < nspans[i]; j++)
			seen[report_name(&r->types, spans[i][j].type)] = 1;
	types = xreallocarray(NULL, r->types.n + 1, sizeof *types);
	for (ntypes = 0, t = 0; t < r->types.n; t++)
		if (seen[t])
			types[ntypes++] = t;
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			pair[0] = rr->rid[i];
			pair[1] = rr->rid[j];
			for (k = 0; k < rr->ngroups; k++) {
				g = rr->groups[k];
				report_touch(r, g, pair, 2);
				report_f1_add(report_f1(r, g, SIZE_MAX),
				    spans[i], nspans[i], spans[j], nspans[j],
				    NULL);
				for (t = 0; t < ntypes; t++)
					report_f1_add(report_f1(r, g,
					    types[t]), spans[i], nspans[i],
					    spans[j], nspans[j],
					    r->types.v[types[t]]);
			}
			if (r->by != REPORT_BY_ENTITY_TYPE)
				continue;
			for (t = 0; t < ntypes; t++) {
				g = report_group(r, "entity_type",
				    r->types.v[types[t]]);
				report_touch(r, g, pair, 2);
				report_f1_add(report_f1(r, g, SIZE_MAX),
				    spans[i], nspans[i], spans[j], nspans[j],
				    r->types.v[types[t]]);
			}
		}
	}
	for (i = 0; i < n; i++)
		free(spans[i]);
	free(spans);
	free(nspans);
	free(types);
	free(seen);
}

int
agreement_report_add(struct agreement_report *r,
    const struct queue_round *round, char **cause)
{
	struct report_round	 rr;
	const struct queue_vote	*qv;
	char			*why;
	size_t			 i, k, g, n = round->nvotes;
	int			 rc = 0;

	if (n < 2)
		return (0);
	memset(&rr, 0, sizeof rr);
	rr.round = round;
	rr.votes = xcalloc(n, sizeof *rr.votes);
	rr.rid = xcalloc(n, sizeof *rr.rid);
	for (i = 0; i < n; i++) {
		qv = &round->votes[i];
		if (vote_from(round->item, qv->action, qv->payload,
		    &rr.votes[i], &why) != 0) {
			xasprintf(cause, "item %s: decision %lld by %s does "
			    "not fit the item: %s", round->item->ext_id,
			    (long long)qv->id, qv->reviewer, why);
			free(why);
			rc = EX_DATAERR;
			goto out;
		}
		rr.rid[i] = report_name(&r->raters, qv->reviewer);
	}
	r->rounds++;
	/* The groups every unit of the round counts in: "all", and by. */
	rr.groups = xcalloc(n + 2, sizeof *rr.groups);
	rr.groups[rr.ngroups++] = 0;
	if (r->by == REPORT_BY_KIND)
		rr.groups[rr.ngroups++] = report_group(r, "kind",
		    queue_kind_name(round->item->kind));
	if (r->by == REPORT_BY_REVIEWER) {
		for (i = 0; i < n; i++) {
			g = report_group(r, "reviewer",
			    round->votes[i].reviewer);
			/* One vote per reviewer, but a unit counts once. */
			for (k = 1; k < rr.ngroups && rr.groups[k] != g; k++)
				;
			if (k == rr.ngroups)
				rr.groups[rr.ngroups++] = g;
		}
	}
	report_units(r, &rr);
	if (round->item->kind == QUEUE_KIND_ANONYMIZATION)
		report_pairs(r, &rr);
out:
	for (i = 0; i < n; i++)
		vote_done(&rr.votes[i]);
	free(rr.votes);
	free(rr.rid);
	free(rr.groups);
	return (rc);
}

/* For sorting indexes by the names they stand for. */
static const struct report_names *report_sort_names;

static int
report_cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	/* The scope "all" is made first and stays first. */
	if (x == 0 || y == 0)
		return (x == y ? 0 : x == 0 ? -1 : 1);
	return (strcmp(report_sort_names->v[x], report_sort_names->v[y]));
}

static int
report_cmp_name(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (strcmp(report_sort_names->v[x], report_sort_names->v[y]));
}

/* The indexes of names, sorted by name (with_all: [0] first). */
static size_t *
report_sorted(const struct report_names *names, int with_all)
{
	size_t *order, i;

	order = xreallocarray(NULL, names->n + 1, sizeof *order);
	for (i = 0; i < names->n; i++)
		order[i] = i;
	report_sort_names = names;
	qsort(order, names->n, sizeof *order, with_all ? report_cmp_index :
	    report_cmp_name);
	report_sort_names = NULL;
	return (order);
}

static void
report_stats(struct queue_agreement_group *o, const struct agreement *a)
{
	o->units = agreement_units(a);
	o->has_percent = agreement_percent(a, &o->percent) == 0;
	o->has_fleiss = agreement_fleiss(a, &o->fleiss) == 0;
	o->has_alpha = agreement_alpha(a, &o->alpha) == 0;
	o->has_ac1 = agreement_ac1(a, &o->ac1) == 0;
}

/* Cohen's kappa of each pair of the group's raters who share a unit. */
static void
report_group_pairs(const struct agreement_report *r,
    const struct report_group *g, const struct agreement *a,
    const size_t *order, struct queue_agreement_group *o)
{
	struct queue_agreement_pair	*p;
	double				 kappa = 0;
	size_t				 i, j, n, nr = r->raters.n;
	int				 rc;

	o->pairs = xcalloc(nr * nr / 2 + 1, sizeof *o->pairs);
	for (i = 0; i < nr; i++) {
		if (order[i] >= g->nraters || !g->raters[order[i]])
			continue;
		o->reviewers++;
		for (j = i + 1; j < nr; j++) {
			rc = agreement_cohen(a, i, j, &kappa, &n);
			if (n == 0)
				continue;
			p = &o->pairs[o->npairs++];
			p->a = xstrdup(r->raters.v[order[i]]);
			p->b = xstrdup(r->raters.v[order[j]]);
			p->items = n;
			p->defined = rc == 0;
			p->kappa = rc == 0 ? kappa : 0;
		}
	}
}

/* Every type first, then the types by name. */
static int
report_cmp_f1(const void *a, const void *b)
{
	const struct report_f1 *x = *(const struct report_f1 *const *)a;
	const struct report_f1 *y = *(const struct report_f1 *const *)b;

	if (x->type == SIZE_MAX || y->type == SIZE_MAX)
		return (x->type == y->type ? 0 : x->type == SIZE_MAX ? -1 : 1);
	return (strcmp(report_sort_names->v[x->type],
	    report_sort_names->v[y->type]));
}

static void
report_group_f1(const struct agreement_report *r,
    const struct report_group *g, struct queue_agreement_group *o)
{
	const struct report_f1		**order;
	struct queue_agreement_f1	 *f;
	struct agreement_f1		  done;
	size_t				  i;

	if (g->nf1 == 0)
		return;
	order = xreallocarray(NULL, g->nf1, sizeof *order);
	for (i = 0; i < g->nf1; i++)
		order[i] = &g->f1[i];
	report_sort_names = &r->types;
	qsort(order, g->nf1, sizeof *order, report_cmp_f1);
	report_sort_names = NULL;
	o->f1 = xcalloc(g->nf1, sizeof *o->f1);
	o->nf1 = g->nf1;
	for (i = 0; i < g->nf1; i++) {
		f = &o->f1[i];
		done = order[i]->f;
		agreement_f1_finish(&done);
		f->entity_type = order[i]->type == SIZE_MAX ? NULL :
		    xstrdup(r->types.v[order[i]->type]);
		f->pairs = order[i]->pairs;
		f->a = done.a;
		f->b = done.b;
		f->exact = done.exact;
		f->a_hit = done.a_hit;
		f->b_hit = done.b_hit;
		f->exact_f1 = done.exact_f1;
		f->overlap_f1 = done.overlap_f1;
	}
	free(order);
}

void
agreement_report_finish(const struct agreement_report *r,
    struct queue_agreement *out)
{
	struct agreement		**tables;
	struct queue_agreement_group	 *o;
	const struct report_unit	 *u;
	const struct report_rating	 *rt;
	size_t				 *scopes, *raters, *rank, *next;
	size_t				  ng = r->scopes.n, i, j, k, g;
	unsigned			  ncat;

	memset(out, 0, sizeof *out);
	scopes = report_sorted(&r->scopes, 1);
	raters = report_sorted(&r->raters, 0);
	rank = xreallocarray(NULL, r->raters.n + 1, sizeof *rank);
	for (i = 0; i < r->raters.n; i++)
		rank[raters[i]] = i;
	/* Categories are counted before any table is made: ncat is fixed. */
	ncat = r->categories.n < 2 ? 2 : (unsigned)r->categories.n;
	tables = xcalloc(ng, sizeof *tables);
	next = xcalloc(ng, sizeof *next);
	for (g = 0; g < ng; g++)
		tables[g] = agreement_new(ncat);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		for (k = 0; k < u->nmembers; k++) {
			g = r->members[u->member + k];
			for (j = 0; j < u->nratings; j++) {
				rt = &r->ratings[u->rating + j];
				agreement_rate(tables[g], next[g],
				    rank[rt->rater], rt->category);
			}
			next[g]++;
		}
	}
	out->groups = xcalloc(ng, sizeof *out->groups);
	out->ngroups = ng;
	for (i = 0; i < ng; i++) {
		g = scopes[i];
		o = &out->groups[i];
		o->scope = xstrdup(r->scopes.v[g]);
		o->items = r->groups[g].items;
		report_stats(o, tables[g]);
		report_group_pairs(r, &r->groups[g], tables[g], raters, o);
		report_group_f1(r, &r->groups[g], o);
		agreement_free(tables[g]);
	}
	free(tables);
	free(next);
	free(rank);
	free(raters);
	free(scopes);
}

void
queue_agreement_done(struct queue_agreement *a)
{
	struct queue_agreement_group	*g;
	size_t				 i, j;

	for (i = 0; i < a->ngroups; i++) {
		g = &a->groups[i];
		free(g->scope);
		for (j = 0; j < g->npairs; j++) {
			free(g->pairs[j].a);
			free(g->pairs[j].b);
		}
		free(g->pairs);
		for (j = 0; j < g->nf1; j++)
			free(g->f1[j].entity_type);
		free(g->f1);
	}
	free(a->groups);
	memset(a, 0, sizeof *a);
}

struct report_pass {
	struct agreement_report	*report;
	char			*cause;
};

static int
report_round_cb(const struct queue_round *round, void *arg)
{
	struct report_pass *p = arg;

	return (agreement_report_add(p->report, round, &p->cause));
}

int
queue_agreement(struct queue *q, const char *by, const char *since,
    struct queue_agreement *out, char **cause)
{
	struct report_pass	 p;
	char			*why = NULL;
	int			 rc;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	if ((rc = agreement_report_new(by, &p.report, cause)) != 0)
		return (rc);
	rc = queue_rounds(q, since, report_round_cb, &p, &why);
	/* A round that stopped the pass says why itself. */
	if (p.cause != NULL) {
		free(why);
		why = p.cause;
		if (rc == 0)
			rc = EX_DATAERR;
	}
	if (rc != 0) {
		*cause = why;
		goto out;
	}
	agreement_report_finish(p.report, out);
out:
	agreement_report_free(p.report);
	return (rc);
}
