/*
 * Unit tests for the agreement statistics, against the worked examples
 * their authors and textbooks publish.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreement.h"

#define assert_near(a, b, eps) do {					\
	double	a_ = (a), b_ = (b);					\
									\
	if (fabs(a_ - b_) > (eps)) {					\
		print_error("%.6f is not %.6f\n", a_, b_);		\
		fail();							\
	}								\
} while (0)

/* Two raters on a 2 x 2 table: both yes a, yes/no b, no/yes c, both no d. */
static struct agreement *
two_raters(size_t yy, size_t yn, size_t ny, size_t nn)
{
	struct agreement	*a = agreement_new(2);
	size_t			 u = 0, i;

	for (i = 0; i < yy; i++, u++) {
		agreement_rate(a, u, 0, 1);
		agreement_rate(a, u, 1, 1);
	}
	for (i = 0; i < yn; i++, u++) {
		agreement_rate(a, u, 0, 1);
		agreement_rate(a, u, 1, 0);
	}
	for (i = 0; i < ny; i++, u++) {
		agreement_rate(a, u, 0, 0);
		agreement_rate(a, u, 1, 1);
	}
	for (i = 0; i < nn; i++, u++) {
		agreement_rate(a, u, 0, 0);
		agreement_rate(a, u, 1, 0);
	}
	return (a);
}

/*
 * Cohen's example as Wikipedia gives it: 50 proposals, 20 both yes, 15
 * both no, 5 and 10 split: p_o 0.7, p_e 0.5, kappa 0.4. With two raters
 * and nothing missing, Fleiss' kappa is Scott's pi and alpha is pi
 * corrected for the sample.
 */
static void
test_cohen_two_raters(void **state)
{
	struct agreement	*a = two_raters(20, 5, 10, 15);
	double			 v;
	size_t			 n;

	(void)state;
	assert_int_equal(agreement_units(a), 50);
	assert_int_equal(agreement_percent(a, &v), 0);
	assert_near(v, 0.7, 1e-12);
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), 0);
	assert_int_equal(n, 50);
	assert_near(v, 0.4, 1e-12);
	/* Scott's pi: p_e from the pooled margins .55/.45 = .505. */
	assert_int_equal(agreement_fleiss(a, &v), 0);
	assert_near(v, (0.7 - 0.505) / (1 - 0.505), 1e-12);
	/* alpha = 1 - (n - 1) D_o / D_e, n = 100 values. */
	assert_int_equal(agreement_alpha(a, &v), 0);
	assert_near(v, 1 - 99.0 * 30 / (10000 - 55 * 55 - 45 * 45), 1e-12);
	/* AC1: p_e = 2 x .55 x .45 = .495. */
	assert_int_equal(agreement_ac1(a, &v), 0);
	assert_near(v, (0.7 - 0.495) / (1 - 0.495), 1e-12);
	assert_int_equal(agreement_cohen(a, 0, 0, &v, &n), -1);
	assert_int_equal(agreement_cohen(a, 0, 7, &v, &n), -1);
	agreement_free(a);
}

/*
 * The paradox AC1 answers: 100 outputs, 95 judged harmless by both, the
 * rare toxic one split 3 and 2. Kappa says less than chance; AC1 says what
 * the reviewers see, that they almost always agree.
 */
static void
test_rare_category_kappa_paradox(void **state)
{
	struct agreement	*a = two_raters(0, 3, 2, 95);
	double			 v;
	size_t			 n;

	(void)state;
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), 0);
	assert_near(v, (0.95 - 0.9512) / (1 - 0.9512), 1e-9);
	assert_true(v < 0);
	assert_int_equal(agreement_ac1(a, &v), 0);
	assert_near(v, (0.95 - 0.04875) / (1 - 0.04875), 1e-9);
	assert_true(v > 0.94);
	agreement_free(a);
}

/*
 * Fleiss' example (Wikipedia, "Fleiss' kappa"): 10 subjects, 14 raters, 5
 * categories; kappa 0.210.
 */
static void
test_fleiss_worked_example(void **state)
{
	static const unsigned	 counts[10][5] = {
		{ 0, 0, 0, 0, 14 }, { 0, 2, 6, 4, 2 }, { 0, 0, 3, 5, 6 },
		{ 0, 3, 9, 2, 0 }, { 2, 2, 8, 1, 1 }, { 7, 7, 0, 0, 0 },
		{ 3, 2, 6, 3, 0 }, { 2, 5, 3, 2, 2 }, { 6, 5, 2, 1, 0 },
		{ 0, 2, 2, 3, 7 }
	};
	struct agreement	*a = agreement_new(5);
	size_t			 u, r;
	unsigned		 c, k;
	double			 v;

	(void)state;
	for (u = 0; u < 10; u++) {
		r = 0;
		for (c = 0; c < 5; c++) {
			for (k = 0; k < counts[u][c]; k++)
				agreement_rate(a, u, r++, c);
		}
	}
	assert_int_equal(agreement_fleiss(a, &v), 0);
	assert_near(v, 0.210, 0.0005);
	agreement_free(a);
}

/*
 * Krippendorff's own example ("Computing Krippendorff's Alpha-
 * Reliability", 2011): 4 observers, 12 units, values 1 to 5, gaps; the
 * nominal alpha is 0.743. Unit 12 has one value and does not count.
 */
static void
test_krippendorff_worked_example(void **state)
{
	static const int	 data[4][12] = {
		{ 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
		{ 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
		{ 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
		{ 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 }
	};
	struct agreement	*a = agreement_new(6);
	size_t			 u, r;
	double			 v;

	(void)state;
	for (r = 0; r < 4; r++) {
		for (u = 0; u < 12; u++) {
			if (data[r][u] != 0)
				agreement_rate(a, u, r, (unsigned)data[r][u]);
		}
	}
	assert_int_equal(agreement_units(a), 11);
	assert_int_equal(agreement_alpha(a, &v), 0);
	assert_near(v, 0.743, 0.0005);
	agreement_free(a);
}

/* Nothing to measure: one rating per unit, or one category throughout. */
static void
test_undefined_statistics(void **state)
{
	struct agreement	*a = agreement_new(2);
	double			 v = 42;
	size_t			 n;

	(void)state;
	assert_int_equal(agreement_percent(a, &v), -1);
	agreement_rate(a, 0, 0, 1);
	agreement_rate(a, 1, 1, 0);
	assert_int_equal(agreement_units(a), 0);
	assert_int_equal(agreement_percent(a, &v), -1);
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), -1);
	assert_int_equal(n, 0);
	assert_int_equal(agreement_fleiss(a, &v), -1);
	assert_int_equal(agreement_alpha(a, &v), -1);
	assert_int_equal(agreement_ac1(a, &v), -1);
	assert_near(v, 42, 0);
	agreement_free(a);

	/* All agree on one category: kappa and alpha are undefined. */
	a = two_raters(0, 0, 0, 10);
	assert_int_equal(agreement_percent(a, &v), 0);
	assert_near(v, 1, 0);
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), -1);
	assert_int_equal(agreement_fleiss(a, &v), -1);
	assert_int_equal(agreement_alpha(a, &v), -1);
	assert_int_equal(agreement_ac1(a, &v), 0);
	assert_near(v, 1, 1e-12);
	/* A single item: two who agree are all agreement, and no kappa. */
	agreement_free(a);
	a = two_raters(1, 0, 0, 0);
	assert_int_equal(agreement_units(a), 1);
	assert_int_equal(agreement_percent(a, &v), 0);
	assert_near(v, 1, 0);
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), -1);
	assert_int_equal(agreement_alpha(a, &v), -1);
	agreement_free(a);
	/*
	 * Two who disagree on it: no agreement. Cohen's chance agreement is
	 * 0 (their margins share no category), so kappa is 0; Fleiss' pools
	 * the margins (p_e 0.5), so it is -1.
	 */
	a = two_raters(0, 1, 0, 0);
	assert_int_equal(agreement_percent(a, &v), 0);
	assert_near(v, 0, 0);
	assert_int_equal(agreement_cohen(a, 0, 1, &v, &n), 0);
	assert_near(v, 0, 1e-12);
	assert_int_equal(agreement_fleiss(a, &v), 0);
	assert_near(v, -1, 1e-12);
	agreement_free(a);
	a = two_raters(0, 0, 0, 10);
	/* A category out of range is not a rating. */
	agreement_rate(a, 10, 0, 2);
	assert_int_equal(agreement_units(a), 10);
	agreement_free(a);
}

static void
test_span_f1(void **state)
{
	static const struct agreement_span	 a[] = {
		{ 0, 5, "PERSON" }, { 10, 15, "LOCATION" }, { 20, 30, "PERSON" }
	};
	static const struct agreement_span	 b[] = {
		{ 40, 45, "PERSON" }, { 12, 18, "LOCATION" },
		{ 0, 5, "PERSON" }, { 10, 15, "PERSON" }
	};
	struct agreement_f1			 f;

	(void)state;
	memset(&f, 0, sizeof f);
	agreement_spans(a, 3, b, 4, NULL, &f);
	agreement_f1_finish(&f);
	assert_int_equal(f.a, 3);
	assert_int_equal(f.b, 4);
	assert_int_equal(f.exact, 1);
	/* A LOCATION over a PERSON's range is no match. */
	assert_int_equal(f.a_hit, 2);
	assert_int_equal(f.b_hit, 2);
	assert_near(f.exact_f1, 2.0 / 7, 1e-12);
	assert_near(f.overlap_f1, 4.0 / 7, 1e-12);

	memset(&f, 0, sizeof f);
	agreement_spans(a, 3, b, 4, "PERSON", &f);
	agreement_f1_finish(&f);
	assert_int_equal(f.a, 2);
	assert_int_equal(f.b, 3);
	assert_near(f.exact_f1, 2.0 / 5, 1e-12);
	assert_near(f.overlap_f1, 2.0 / 5, 1e-12);

	/* Added up over items; two reviewers who found nothing agree. */
	memset(&f, 0, sizeof f);
	agreement_spans(NULL, 0, NULL, 0, NULL, &f);
	agreement_f1_finish(&f);
	assert_near(f.exact_f1, 1, 0);
	assert_near(f.overlap_f1, 1, 0);
	agreement_spans(a, 1, b + 2, 1, NULL, &f);
	agreement_spans(a + 1, 1, NULL, 0, NULL, &f);
	agreement_f1_finish(&f);
	assert_near(f.exact_f1, 2.0 / 3, 1e-12);
}

/* The spans of x overlapping one of y of the same type, pair by pair. */
static size_t
pair_hits(const struct agreement_span *x, size_t nx,
    const struct agreement_span *y, size_t ny)
{
	size_t i, j, hit = 0;

	for (i = 0; i < nx; i++) {
		for (j = 0; j < ny; j++) {
			if (strcmp(x[i].type, y[j].type) == 0 &&
			    x[i].start < y[j].end && y[j].start < x[i].end) {
				hit++;
				break;
			}
		}
	}
	return (hit);
}

/* Overlaps found by the sorted sweep equal those found pair by pair. */
static void
test_span_overlap_sweep_matches_pairs(void **state)
{
	static const char *const types[] = { "A", "B", "C" };
	struct agreement_span	 s[2][60];
	struct agreement_f1	 f;
	size_t			 i, k;
	unsigned		 seed = 7;

	(void)state;
	for (i = 0; i < 60; i++) {
		for (k = 0; k < 2; k++) {
			seed = seed * 1103515245 + 12345;
			s[k][i].start = seed % 200;
			s[k][i].end = s[k][i].start + 1 + (seed >> 8) % 15;
			s[k][i].type = types[(seed >> 16) % 3];
		}
	}
	memset(&f, 0, sizeof f);
	agreement_spans(s[0], 60, s[1], 60, NULL, &f);
	assert_int_equal(f.a_hit, pair_hits(s[0], 60, s[1], 60));
	assert_int_equal(f.b_hit, pair_hits(s[1], 60, s[0], 60));
	assert_true(f.a_hit > 0 && f.a_hit < 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cohen_two_raters),
		cmocka_unit_test(test_rare_category_kappa_paradox),
		cmocka_unit_test(test_fleiss_worked_example),
		cmocka_unit_test(test_krippendorff_worked_example),
		cmocka_unit_test(test_undefined_statistics),
		cmocka_unit_test(test_span_f1),
		cmocka_unit_test(test_span_overlap_sweep_matches_pairs),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
