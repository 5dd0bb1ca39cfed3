/*
 * Unit tests for queue/feedback.c's rules: the Wilson interval against
 * published values, the threshold advice on crafted score distributions,
 * and the verdict a decision gives each flag.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"

static void
near(double got, double want)
{
	if (fabs(got - want) > 0.00005)
		fail_msg("%.6f is not %.4f", got, want);
}

static void
test_wilson_published(void **state)
{
	/*
	 * Newcombe (1998), Statistics in Medicine 17, 857-872, table II:
	 * 81/263 gives 0.2553-0.3662; 0/10 gives 0-0.2775 and 10/10
	 * 0.7225-1; the two detectors of the CLI test, 9/10 and 3/10.
	 */
	static const struct {
		uint64_t	k, n;
		double		lo, hi;
	} cases[] = {
		{ 81, 263, 0.2553, 0.3662 },
		{ 0, 10, 0.0, 0.2775 },
		{ 10, 10, 0.7225, 1.0 },
		{ 9, 10, 0.5958, 0.9821 },
		{ 3, 10, 0.1078, 0.6032 },
	};
	double	lo, hi;
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		queue_wilson(cases[i].k, cases[i].n, &lo, &hi);
		near(lo, cases[i].lo);
		near(hi, cases[i].hi);
	}
	/* Nothing reviewed: nothing is known. */
	queue_wilson(0, 0, &lo, &hi);
	near(lo, 0);
	near(hi, 1);
}

static void
test_threshold_advice(void **state)
{
	/* Wrong below 0.6, right from it: 0.6 keeps every right one. */
	static const double s1[] = { 0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9 };
	static const int r1[] = { 0, 0, 0, 1, 1, 1, 1 };
	/* One wrong among ten at 0.5 and up: 0.9 precision reached at 0.5. */
	static const double s2[] = { 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75,
	    0.8, 0.85, 0.9, 0.95 };
	static const int r2[] = { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	/* Right 3 times in 10, wherever: no threshold makes it 90%. */
	static const double s3[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
	    0.9, 0.95 };
	static const int r3[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
	/* Ties share one threshold: 0.7 holds a wrong and a right. */
	static const double s4[] = { 0.7, 0.7, 0.9 };
	static const int r4[] = { 0, 1, 1 };

	(void)state;
	near(queue_threshold_advice(s1, r1, 7, 0.9), 0.6);
	near(queue_threshold_advice(s2, r2, 11, 0.9), 0.5);
	near(queue_threshold_advice(s2, r2, 11, 1.0), 0.55);
	near(queue_threshold_advice(s3, r3, 10, 0.9), 0.95);
	near(queue_threshold_advice(s3, r3, 10, 0.3), 0.1);
	near(queue_threshold_advice(s4, r4, 3, 0.9), 0.9);
	near(queue_threshold_advice(s4, r4, 3, 0.6), 0.7);
	near(queue_threshold_advice(NULL, NULL, 0, 0.9), -1);
	/* Nothing right at all: no threshold. */
	near(queue_threshold_advice(s1, (const int []){ 0, 0, 0, 0, 0, 0,
	    0 }, 7, 0.9), -1);
}

static void
test_flag_verdicts(void **state)
{
	static const char *const cases[][3] = {
		/* payload, flag 0's verdict, flag 1's */
		{ NULL, "overturned", "overturned" },
		{ "{\"note\": \"fine\"}", "overturned", "overturned" },
		{ "{\"flags\": [{\"verdict\": \"confirmed\"}, {\"verdict\": "
		  "\"overturned\"}]}", "confirmed", "overturned" },
		{ "{\"outcome\": \"reject\"}", "confirmed", "confirmed" },
		{ "{\"outcome\": \"approve\"}", "overturned", "overturned" },
		{ "{\"outcome\": \"correct\", \"correction\": {\"flags\": "
		  "[{\"verdict\": \"overturned\"}, {\"verdict\": "
		  "\"confirmed\"}]}}", "overturned", "confirmed" },
	};
	cJSON	*p;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		p = cases[i][0] != NULL ? cJSON_Parse(cases[i][0]) : NULL;
		assert_string_equal(queue_flag_verdict(p, 0), cases[i][1]);
		assert_string_equal(queue_flag_verdict(p, 1), cases[i][2]);
		cJSON_Delete(p);
	}
}

static void
test_by_names(void **state)
{
	enum queue_detector_by by;

	(void)state;
	assert_int_equal(queue_detector_by_parse("recognizer", &by), 0);
	assert_int_equal(by, QUEUE_DETECTOR_BY_RECOGNIZER);
	assert_int_equal(queue_detector_by_parse("detectors", &by), -1);
	assert_string_equal(queue_detector_by_names()[3], "entity_type");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_published),
		cmocka_unit_test(test_threshold_advice),
		cmocka_unit_test(test_flag_verdicts),
		cmocka_unit_test(test_by_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
