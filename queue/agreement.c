/*
 * Agreement statistics (agreement.h): a dense unit x rater table of
 * categories, and the formulas of Cohen, Fleiss, Krippendorff and Gwet.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agreement.h"
#include "xmalloc.h"

#define AGREEMENT_NONE	UINT32_MAX

struct agreement {
	unsigned	 ncat;
	size_t		 units, raters;	/* in use */
	size_t		 ucap, rcap;	/* allocated */
	uint32_t	*r;		/* units x rcap, AGREEMENT_NONE */
	double		*n;		/* scratch: counts of one unit */
};

struct agreement *
agreement_new(unsigned ncat)
{
	struct agreement *a;

	a = xcalloc(1, sizeof *a);
	a->ncat = ncat < 2 ? 2 : ncat;
	a->n = xcalloc(a->ncat, sizeof *a->n);
	return (a);
}

void
agreement_free(struct agreement *a)
{
	if (a == NULL)
		return;
	free(a->r);
	free(a->n);
	free(a);
}

/* Room for unit u and rater r; new cells are missing ratings. */
static void
agreement_grow(struct agreement *a, size_t u, size_t r)
{
	uint32_t	*nr;
	size_t		 ucap = a->ucap, rcap = a->rcap, i, j;

	while (u >= ucap)
		ucap = ucap == 0 ? 64 : ucap * 2;
	while (r >= rcap)
		rcap = rcap == 0 ? 4 : rcap * 2;
	if (ucap == a->ucap && rcap == a->rcap)
		return;
	nr = xreallocarray(NULL, ucap, rcap * sizeof *nr);
	for (i = 0; i < ucap; i++) {
		for (j = 0; j < rcap; j++)
			nr[i * rcap + j] = i < a->ucap && j < a->rcap ?
			    a->r[i * a->rcap + j] : AGREEMENT_NONE;
	}
	free(a->r);
	a->r = nr;
	a->ucap = ucap;
	a->rcap = rcap;
}

void
agreement_rate(struct agreement *a, size_t unit, size_t rater,
    unsigned category)
{
	if (category >= a->ncat)
		return;
	agreement_grow(a, unit, rater);
	a->r[unit * a->rcap + rater] = category;
	if (unit >= a->units)
		a->units = unit + 1;
	if (rater >= a->raters)
		a->raters = rater + 1;
}

/* The counts of each category in unit u (a->n); returns the ratings. */
static double
agreement_count(const struct agreement *a, size_t u)
{
	const uint32_t	*row = a->r + u * a->rcap;
	double		 m = 0;
	size_t		 j;

	memset(a->n, 0, a->ncat * sizeof *a->n);
	for (j = 0; j < a->raters; j++) {
		if (row[j] != AGREEMENT_NONE) {
			a->n[row[j]]++;
			m++;
		}
	}
	return (m);
}

size_t
agreement_units(const struct agreement *a)
{
	size_t u, k = 0;

	for (u = 0; u < a->units; u++)
		k += agreement_count(a, u) >= 2;
	return (k);
}

/* The share of agreeing pairs in unit u (of m ratings, counts in a->n). */
static double
agreement_unit_pairs(const struct agreement *a, double m)
{
	double	agree = 0;
	unsigned c;

	for (c = 0; c < a->ncat; c++)
		agree += a->n[c] * (a->n[c] - 1);
	return (agree / (m * (m - 1)));
}

int
agreement_percent(const struct agreement *a, double *v)
{
	double	 agree = 0, pairs = 0, m;
	size_t	 u;
	unsigned c;

	for (u = 0; u < a->units; u++) {
		if ((m = agreement_count(a, u)) < 2)
			continue;
		for (c = 0; c < a->ncat; c++)
			agree += a->n[c] * (a->n[c] - 1) / 2;
		pairs += m * (m - 1) / 2;
	}
	if (pairs == 0)
		return (-1);
	*v = agree / pairs;
	return (0);
}

int
agreement_cohen(const struct agreement *a, size_t ra, size_t rb, double *v,
    size_t *n)
{
	double		*pa, *pb, po = 0, pe = 0;
	uint32_t	 x, y;
	size_t		 u, k = 0;
	unsigned	 c;
	int		 rc = -1;

	*n = 0;
	if (ra >= a->raters || rb >= a->raters || ra == rb)
		return (-1);
	pa = xcalloc(a->ncat, sizeof *pa);
	pb = xcalloc(a->ncat, sizeof *pb);
	for (u = 0; u < a->units; u++) {
		x = a->r[u * a->rcap + ra];
		y = a->r[u * a->rcap + rb];
		if (x == AGREEMENT_NONE || y == AGREEMENT_NONE)
			continue;
		k++;
		po += x == y;
		pa[x]++;
		pb[y]++;
	}
	*n = k;
	if (k == 0)
		goto out;
	for (c = 0; c < a->ncat; c++)
		pe += (pa[c] / (double)k) * (pb[c] / (double)k);
	po /= (double)k;
	if (pe >= 1)
		goto out;
	*v = (po - pe) / (1 - pe);
	rc = 0;
out:
	free(pa);
	free(pb);
	return (rc);
}

int
agreement_fleiss(const struct agreement *a, double *v)
{
	double		*p, pbar = 0, pe = 0, total = 0, m;
	size_t		 u, k = 0;
	unsigned	 c;
	int		 rc = -1;

	p = xcalloc(a->ncat, sizeof *p);
	for (u = 0; u < a->units; u++) {
		if ((m = agreement_count(a, u)) < 2)
			continue;
		k++;
		pbar += agreement_unit_pairs(a, m);
		for (c = 0; c < a->ncat; c++)
			p[c] += a->n[c];
		total += m;
	}
	if (k == 0)
		goto out;
	pbar /= (double)k;
	for (c = 0; c < a->ncat; c++)
		pe += (p[c] / total) * (p[c] / total);
	if (pe >= 1)
		goto out;
	*v = (pbar - pe) / (1 - pe);
	rc = 0;
out:
	free(p);
	return (rc);
}

int
agreement_alpha(const struct agreement *a, double *v)
{
	double		*nc, n = 0, diag = 0, sq = 0, m;
	size_t		 u;
	unsigned	 c;
	int		 rc = -1;

	/*
	 * The coincidence matrix's margins and diagonal are all it takes for
	 * nominal data: o_cc = sum n_uc (n_uc - 1) / (m_u - 1), n_c = sum
	 * n_uc over pairable units; alpha = 1 - (n - 1) D_o / D_e with
	 * D_o = n - sum o_cc and D_e = n^2 - sum n_c^2.
	 */
	nc = xcalloc(a->ncat, sizeof *nc);
	for (u = 0; u < a->units; u++) {
		if ((m = agreement_count(a, u)) < 2)
			continue;
		for (c = 0; c < a->ncat; c++) {
			diag += a->n[c] * (a->n[c] - 1) / (m - 1);
			nc[c] += a->n[c];
		}
		n += m;
	}
	for (c = 0; c < a->ncat; c++)
		sq += nc[c] * nc[c];
	if (n < 2 || n * n - sq <= 0)
		goto out;
	*v = 1 - (n - 1) * (n - diag) / (n * n - sq);
	rc = 0;
out:
	free(nc);
	return (rc);
}

int
agreement_ac1(const struct agreement *a, double *v)
{
	double		*pi, pa = 0, pe = 0, m;
	size_t		 u, k = 0, rated = 0;
	unsigned	 c;

	/*
	 * Gwet (2008): p_a over the units rated twice or more; each
	 * category's prevalence pi_c over every rated unit, as the mean of
	 * its share of the unit's ratings; p_e = sum pi_c (1 - pi_c) / (q - 1).
	 */
	pi = xcalloc(a->ncat, sizeof *pi);
	for (u = 0; u < a->units; u++) {
		if ((m = agreement_count(a, u)) < 1)
			continue;
		rated++;
		for (c = 0; c < a->ncat; c++)
			pi[c] += a->n[c] / m;
		if (m < 2)
			continue;
		k++;
		pa += agreement_unit_pairs(a, m);
	}
	if (k > 0) {
		pa /= (double)k;
		for (c = 0; c < a->ncat; c++) {
			pi[c] /= (double)rated;
			pe += pi[c] * (1 - pi[c]);
		}
		pe /= (double)(a->ncat - 1);
		*v = (pa - pe) / (1 - pe);
	}
	free(pi);
	return (k > 0 ? 0 : -1);
}

static int
agreement_span_cmp(const void *x, const void *y)
{
	const struct agreement_span *s = x, *t = y;
	int c;

	if ((c = strcmp(s->type, t->type)) != 0)
		return (c);
	if (s->start != t->start)
		return (s->start < t->start ? -1 : 1);
	return (s->end < t->end ? -1 : s->end > t->end);
}

/* The spans of type (NULL: all), sorted by type, start and end. */
static struct agreement_span *
agreement_spans_of(const struct agreement_span *s, size_t n, const char *type,
    size_t *len)
{
	struct agreement_span	*out;
	size_t			 i;

	out = xreallocarray(NULL, n, sizeof *out);
	*len = 0;
	for (i = 0; i < n; i++) {
		if (type == NULL || strcmp(s[i].type, type) == 0)
			out[(*len)++] = s[i];
	}
	qsort(out, *len, sizeof *out, agreement_span_cmp);
	return (out);
}

/*
 * How many spans of x overlap a span of y of the same type. Within a type,
 * y is sorted by start: the spans of y that start before x ends are a
 * prefix, and one of them overlaps x if the furthest end in that prefix
 * passes x's start.
 */
static size_t
agreement_hits(const struct agreement_span *x, size_t nx,
    const struct agreement_span *y, size_t ny)
{
	size_t	*far, i, j = 0, g, lo, hi, mid, hits = 0;

	far = xreallocarray(NULL, ny, sizeof *far);
	for (i = 0; i < ny; i++)
		far[i] = i > 0 && strcmp(y[i - 1].type, y[i].type) == 0 &&
		    far[i - 1] > y[i].end ? far[i - 1] : y[i].end;
	for (i = 0; i < nx; i++) {
		/* g: the first span of y of x's type. */
		while (j < ny && strcmp(y[j].type, x[i].type) < 0)
			j++;
		if (j == ny || strcmp(y[j].type, x[i].type) != 0)
			continue;
		g = j;
		lo = g;
		hi = g;
		while (hi < ny && strcmp(y[hi].type, x[i].type) == 0)
			hi++;
		/* The last of the group that starts before x ends. */
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (y[mid].start < x[i].end)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > g && far[lo - 1] > x[i].start)
			hits++;
	}
	free(far);
	return (hits);
}

void
agreement_spans(const struct agreement_span *a, size_t na,
    const struct agreement_span *b, size_t nb, const char *type,
    struct agreement_f1 *f)
{
	struct agreement_span	*x, *y;
	size_t			 nx, ny, i = 0, j = 0;
	int			 c;

	x = agreement_spans_of(a, na, type, &nx);
	y = agreement_spans_of(b, nb, type, &ny);
	f->a += nx;
	f->b += ny;
	/* Exact matches, one to one: a merge of the two sorted lists. */
	while (i < nx && j < ny) {
		if ((c = agreement_span_cmp(&x[i], &y[j])) == 0) {
			f->exact++;
			i++;
			j++;
		} else if (c < 0)
			i++;
		else
			j++;
	}
	f->a_hit += agreement_hits(x, nx, y, ny);
	f->b_hit += agreement_hits(y, ny, x, nx);
	free(x);
	free(y);
}

void
agreement_f1_finish(struct agreement_f1 *f)
{
	double n = (double)(f->a + f->b);

	f->exact_f1 = n > 0 ? 2 * (double)f->exact / n : 1;
	f->overlap_f1 = n > 0 ? (double)(f->a_hit + f->b_hit) / n : 1;
}
