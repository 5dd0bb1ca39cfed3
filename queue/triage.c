/*
 * The triage rules of the policy and the priority formula, documented in the
 * README: priority = max(weight(category) x score) over the flags of an output
 * or the ambiguous spans of an anonymization case, unless the record sets one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "triage.h"
#include "xmalloc.h"

int
triage_spot_check(const char *id, double rate)
{
	static EVP_MD	*sha256;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	uint64_t	 v = 0;
	int		 i;

	if (rate <= 0)
		return (0);
	if (rate >= 1)
		return (1);
	/* Fetched once: a one-shot digest looks the algorithm up each time. */
	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256",
	    NULL)) == NULL)
		return (0);
	/* The first 64 bits of SHA-256(id), as a fraction of 2^64. */
	if (!EVP_Digest(id, strlen(id), md, &mdlen, sha256, NULL))
		return (0);
	for (i = 0; i < 8; i++)
		v = (v << 8) | md[i];
	return ((double)v / 18446744073709551616.0 < rate);
}

static void
triage_output(const struct policy *p, struct record *r, struct triage *t)
{
	size_t	i;
	double	w;

	for (i = 0; i < r->nflags; i++) {
		if (r->flags[i].score >= p->min_flag_score)
			t->queued = 1;
		w = policy_weight(p, r->flags[i].type) * r->flags[i].score;
		if (t->top_type == NULL || w > t->priority) {
			t->priority = w;
			t->top_type = r->flags[i].type;
			t->top_score = r->flags[i].score;
		}
	}
	if (!t->queued && triage_spot_check(r->id, p->spot_check_rate)) {
		t->queued = 1;
		t->spot_check = 1;
	}
}

static int
triage_by_start(const void *a, const void *b)
{
	const struct record_span *s = *(const struct record_span *const *)a;
	const struct record_span *u = *(const struct record_span *const *)b;

	if (s->start != u->start)
		return (s->start < u->start ? -1 : 1);
	return (s->end < u->end ? -1 : s->end > u->end);
}

/*
 * Accepted spans that overlap one another are for a human: a consumer
 * takes one entity per range (spaCy, doccano), and which of "Austin" as
 * LOCATION or PERSON is right is the kind of case review is for. Sorted by
 * start, each run of spans that begins before the furthest end so far is
 * one overlapping cluster; every span in a cluster of two or more
 * overlaps another.
 */
static void
triage_overlaps(struct record *r)
{
	struct record_span	**acc;
	size_t			  n = 0, i, j, first = 0, end = 0;

	acc = xreallocarray(NULL, r->nspans, sizeof *acc);
	for (i = 0; i < r->nspans; i++) {
		if (r->spans[i].verdict == RECORD_SPAN_ACCEPTED)
			acc[n++] = &r->spans[i];
	}
	qsort(acc, n, sizeof *acc, triage_by_start);
	for (i = 0; i <= n; i++) {
		if (i < n && i > first && acc[i]->start < end) {
			if (acc[i]->end > end)
				end = acc[i]->end;
			continue;
		}
		if (i - first > 1) {
			for (j = first; j < i; j++)
				acc[j]->verdict = RECORD_SPAN_AMBIGUOUS;
		}
		if (i < n) {
			first = i;
			end = acc[i]->end;
		}
	}
	free(acc);
}

static void
triage_anonymization(const struct policy *p, struct record *r,
    struct triage *t)
{
	struct record_span	*s;
	size_t			 i;
	double			 w, best_any = -1;

	for (i = 0; i < r->nspans; i++) {
		s = &r->spans[i];
		if (s->score >= p->auto_accept)
			s->verdict = RECORD_SPAN_ACCEPTED;
		else if (s->score < p->auto_reject)
			s->verdict = RECORD_SPAN_REJECTED;
		else
			s->verdict = RECORD_SPAN_AMBIGUOUS;
	}
	triage_overlaps(r);
	for (i = 0; i < r->nspans; i++) {
		s = &r->spans[i];
		w = policy_weight(p, s->entity_type) * s->score;
		if (s->verdict == RECORD_SPAN_AMBIGUOUS) {
			/* The first ambiguous span outranks any decided one. */
			if (!t->queued || w > t->priority) {
				t->priority = w;
				t->top_type = s->entity_type;
				t->top_score = s->score;
			}
			t->queued = 1;
		} else if (!t->queued && w > best_any) {
			best_any = w;
			t->top_type = s->entity_type;
			t->top_score = s->score;
		}
	}
}

void
triage_record(const struct policy *p, struct record *r, struct triage *t)
{
	memset(t, 0, sizeof *t);
	if (r->kind == RECORD_MODEL_OUTPUT)
		triage_output(p, r, t);
	else
		triage_anonymization(p, r, t);
	/* A gold item is served to reviewers, whatever its scores. */
	if (r->gold != NULL)
		t->queued = 1;
	if (!t->queued)
		t->priority = 0;
	if (r->has_priority)
		t->priority = r->priority;
}

void
triage_suspended(struct record *r, struct triage *t)
{
	size_t i;

	for (i = 0; i < r->nspans; i++)
		r->spans[i].verdict = RECORD_SPAN_AMBIGUOUS;
	t->queued = 1;
	t->spot_check = 0;
}
