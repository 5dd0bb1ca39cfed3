/*
 * Agreement between reviewers: chance-corrected statistics over nominal
 * ratings (units are items, raters reviewers, a rating one category, any
 * of them possibly missing) and span-level F1 between two reviewers. Pure
 * functions of the ratings, so a report can be recomputed from the record.
 */
#ifndef HITL_AGREEMENT_H
#define HITL_AGREEMENT_H

#include <stddef.h>

/* A table of ratings: unit x rater -> category (or none). */
struct agreement;

/* ncat (at least 2): how many categories a rating may take. */
struct agreement *agreement_new(unsigned ncat);
void	agreement_free(struct agreement *);
/* Rater r gave unit u the category c (below ncat); the table grows. */
void	agreement_rate(struct agreement *, size_t unit, size_t rater,
	    unsigned category);

/*
 * Units rated by two raters or more: only they measure agreement. Each
 * statistic returns 0 and sets *v, or -1 where it is undefined: no such
 * unit, or no variation to correct for (every rating one category, so
 * that chance agreement is 1).
 */
size_t	agreement_units(const struct agreement *);
/* The share of agreeing pairs of ratings within units. */
int	agreement_percent(const struct agreement *, double *v);
/* Cohen's kappa of raters a and b over the units both rated (*n). */
int	agreement_cohen(const struct agreement *, size_t a, size_t b,
	    double *v, size_t *n);
/* Fleiss' kappa; units may have different numbers of ratings. */
int	agreement_fleiss(const struct agreement *, double *v);
/* Krippendorff's alpha for nominal data, missing ratings allowed. */
int	agreement_alpha(const struct agreement *, double *v);
/*
 * Gwet's AC1: chance agreement from the categories' prevalence, so a rare
 * category (a toxic output) does not make high agreement look like none.
 */
int	agreement_ac1(const struct agreement *, double *v);

/* A span as two reviewers' decisions leave it: [start, end) and a type. */
struct agreement_span {
	size_t		 start;
	size_t		 end;
	const char	*type;
};

struct agreement_f1 {
	size_t	a, b;		/* spans of each reviewer */
	size_t	exact;		/* same range and type in both */
	size_t	a_hit, b_hit;	/* spans overlapping one of the other's,
				   same type */
	double	exact_f1;	/* 2 exact / (a + b) */
	double	overlap_f1;	/* (a_hit + b_hit) / (a + b) */
};

/*
 * Span-level agreement of two reviewers on one or more items, added up:
 * exact matches and overlaps of the same type (type NULL: every type, or
 * only spans of that type). F1s of two empty sets are 1.
 */
void	agreement_spans(const struct agreement_span *a, size_t na,
	    const struct agreement_span *b, size_t nb, const char *type,
	    struct agreement_f1 *);
void	agreement_f1_finish(struct agreement_f1 *);

#endif
