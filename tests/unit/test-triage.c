/* Unit tests for triage: thresholds, the spot-check sample and priority. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "record.h"
#include "triage.h"

/* Doubles equal to within rounding, reported with their values. */
#define assert_near(a, b) do {						\
	double	a_ = (a), b_ = (b);					\
									\
	if (fabs(a_ - b_) > 1e-9) {					\
		print_error("%.17g is not %.17g\n", a_, b_);		\
		fail();							\
	}								\
} while (0)

/* No spot checks, so that only the flags decide. */
#define NO_SAMPLE	"{\"model_output\": {\"spot_check_rate\": 0}}"

static struct policy *
policy(const char *json)
{
	struct policy	*p = NULL;
	char		*cause = NULL;

	if (policy_parse(json, strlen(json), &p, &cause) != 0) {
		print_error("policy refused: %s\n", cause);
		free(cause);
		fail();
	}
	return (p);
}

static void
record(const char *line, struct record *r)
{
	char	*cause = NULL;

	if (record_parse(line, strlen(line), r, &cause) != 0) {
		print_error("record refused: %s\n", cause);
		free(cause);
		fail();
	}
}

/*
 * An anonymization record whose spans have the scores given, on words of
 * their own (up to four), so that no two overlap.
 */
static void
anon_record(struct record *r, const char *id, size_t n, const double *scores,
    const char *const *types)
{
	static const size_t	 at[][2] = {
		{ 0, 5 }, { 6, 11 }, { 12, 17 }, { 21, 26 }
	};
	char			 line[2048];
	size_t			 len, i;

	assert_true(n <= 4);
	len = (size_t)snprintf(line, sizeof line, "{\"id\": \"%s\", \"kind\": "
	    "\"anonymization\", \"text\": \"Alice Smith lives in Paris.\", "
	    "\"spans\": [", id);
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "%s{\"entity_type\": \"%s\", \"start\": %zu, "
		    "\"end\": %zu, \"score\": %.17g}", i > 0 ? ", " : "",
		    types != NULL ? types[i] : "PERSON", at[i][0], at[i][1],
		    scores[i]);
	}
	snprintf(line + len, sizeof line - len, "]}");
	record(line, r);
}

/* A model output whose flags have the scores given. */
static void
output_record(struct record *r, const char *id, size_t n, const double *scores,
    const char *const *types)
{
	char	line[2048];
	size_t	len, i;

	len = (size_t)snprintf(line, sizeof line, "{\"id\": \"%s\", \"kind\": "
	    "\"model_output\", \"response\": \"ok\", \"flags\": [", id);
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "%s{\"type\": \"%s\", \"score\": %.17g}", i > 0 ? ", " : "",
		    types != NULL ? types[i] : "bias", scores[i]);
	}
	snprintf(line + len, sizeof line - len, "]}");
	record(line, r);
}

/* The verdict and queueing of one span scored s under the default policy. */
static void
assert_single_span(double s, enum record_verdict want, int queued)
{
	struct policy	*p = policy_default();
	struct record	 r;
	struct triage	 t;

	anon_record(&r, "a1", 1, &s, NULL);
	triage_record(p, &r, &t);
	assert_string_equal(record_verdict_name(r.spans[0].verdict),
	    record_verdict_name(want));
	assert_int_equal(t.queued, queued);
	assert_int_equal(t.spot_check, 0);
	record_done(&r);
	policy_free(p);
}

static void
test_span_at_auto_accept_is_accepted(void **state)
{
	(void)state;
	assert_single_span(0.85, RECORD_SPAN_ACCEPTED, 0);
	assert_single_span(1.0, RECORD_SPAN_ACCEPTED, 0);
}

static void
test_span_just_below_auto_accept_is_ambiguous(void **state)
{
	(void)state;
	/* The largest double below 0.85, and a plainer one. */
	assert_single_span(nextafter(0.85, 0), RECORD_SPAN_AMBIGUOUS, 1);
	assert_single_span(0.849, RECORD_SPAN_AMBIGUOUS, 1);
}

static void
test_span_at_auto_reject_is_ambiguous(void **state)
{
	(void)state;
	assert_single_span(0.30, RECORD_SPAN_AMBIGUOUS, 1);
}

static void
test_span_just_below_auto_reject_is_rejected(void **state)
{
	(void)state;
	assert_single_span(nextafter(0.30, 0), RECORD_SPAN_REJECTED, 0);
	assert_single_span(0.299, RECORD_SPAN_REJECTED, 0);
	assert_single_span(0.0, RECORD_SPAN_REJECTED, 0);
}

static void
test_thresholds_come_from_the_policy(void **state)
{
	struct policy	*p;
	struct record	 r;
	struct triage	 t;
	double		 s[] = { 0.6, 0.59, 0.2, 0.19 };

	(void)state;
	p = policy("{\"anonymization\": {\"auto_accept\": 0.6, "
	    "\"auto_reject\": 0.2}}");
	anon_record(&r, "a1", 4, s, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(r.spans[0].verdict, RECORD_SPAN_ACCEPTED);
	assert_int_equal(r.spans[1].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[2].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[3].verdict, RECORD_SPAN_REJECTED);
	assert_int_equal(t.queued, 1);
	record_done(&r);
	policy_free(p);
}

static void
test_item_queued_iff_a_span_is_ambiguous(void **state)
{
	struct policy	*p = policy_default();
	struct record	 r;
	struct triage	 t;
	double		 mixed[] = { 0.95, 0.1, 0.5 };
	double		 decided[] = { 0.95, 0.1, 0.86 };

	(void)state;
	anon_record(&r, "a1", 3, mixed, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(r.spans[0].verdict, RECORD_SPAN_ACCEPTED);
	assert_int_equal(r.spans[1].verdict, RECORD_SPAN_REJECTED);
	assert_int_equal(r.spans[2].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(t.queued, 1);
	record_done(&r);

	anon_record(&r, "a2", 3, decided, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 0);
	record_done(&r);
	policy_free(p);
}

/*
 * Two proposals for one range, both above auto_accept (Austin as LOCATION
 * and PERSON): no consumer takes both, so a human chooses. A span that
 * overlaps nothing stays accepted; a chain of overlaps is one cluster.
 */
static void
test_overlapping_accepted_spans_go_to_a_human(void **state)
{
	struct policy	*p = policy_default();
	struct record	 r;
	struct triage	 t;
	char		*cause = NULL;
	const char	*line = "{\"id\": \"o1\", \"kind\": \"anonymization\", "
	    "\"text\": \"Austin met Jordan in Paris and Lyon.\", \"spans\": ["
	    "{\"entity_type\": \"LOCATION\", \"start\": 0, \"end\": 6, "
	    "\"score\": 0.95},"
	    "{\"entity_type\": \"PERSON\", \"start\": 0, \"end\": 6, "
	    "\"score\": 0.9},"
	    "{\"entity_type\": \"PERSON\", \"start\": 11, \"end\": 17, "
	    "\"score\": 0.99},"
	    "{\"entity_type\": \"LOCATION\", \"start\": 21, \"end\": 26, "
	    "\"score\": 0.97},"
	    "{\"entity_type\": \"LOCATION\", \"start\": 21, \"end\": 35, "
	    "\"score\": 0.9},"
	    "{\"entity_type\": \"LOCATION\", \"start\": 31, \"end\": 35, "
	    "\"score\": 0.96}]}";

	(void)state;
	if (record_parse(line, strlen(line), &r, &cause) != 0) {
		print_error("record refused: %s\n", cause);
		fail();
	}
	triage_record(p, &r, &t);
	assert_int_equal(r.spans[0].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[1].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[2].verdict, RECORD_SPAN_ACCEPTED);
	/* "Paris" and "Lyon" each overlap "Paris and Lyon". */
	assert_int_equal(r.spans[3].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[4].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(r.spans[5].verdict, RECORD_SPAN_AMBIGUOUS);
	assert_int_equal(t.queued, 1);
	assert_string_equal(t.top_type, "LOCATION");
	assert_near(t.top_score, 0.97);
	record_done(&r);
	policy_free(p);
}

static void
test_all_decided_item_is_auto_with_zero_priority(void **state)
{
	struct policy		*p;
	struct record		 r;
	struct triage		 t;
	double			 s[] = { 0.95, 0.1, 0.9 };
	const char *const	 types[] = { "PERSON", "US_SSN", "LOCATION" };

	(void)state;
	/* Even with spot checks on: they apply to model outputs only. */
	p = policy("{\"weights\": {\"PERSON\": 2, \"US_SSN\": 6}, "
	    "\"model_output\": {\"spot_check_rate\": 1}}");
	anon_record(&r, "a1", 3, s, types);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 0);
	assert_int_equal(t.spot_check, 0);
	assert_near(t.priority, 0);
	/* Ranked by weight x score among the decided spans: 2 x 0.95. */
	assert_string_equal(t.top_type, "PERSON");
	assert_near(t.top_score, 0.95);
	record_done(&r);

	/* No spans at all: nothing to review. */
	anon_record(&r, "a2", 0, NULL, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 0);
	assert_null(t.top_type);
	record_done(&r);
	policy_free(p);
}

static void
test_output_with_flag_at_min_flag_score_is_queued(void **state)
{
	struct policy	*p = policy(NO_SAMPLE);
	struct record	 r;
	struct triage	 t;
	double		 s[] = { 0.1, 0.5 };

	(void)state;
	output_record(&r, "o1", 2, s, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.spot_check, 0);
	record_done(&r);
	policy_free(p);
}

static void
test_output_with_flags_below_min_flag_score_is_auto(void **state)
{
	struct policy	*p = policy(NO_SAMPLE);
	struct record	 r;
	struct triage	 t;
	double		 s[] = { nextafter(0.5, 0), 0.1 };

	(void)state;
	output_record(&r, "o1", 2, s, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 0);
	assert_near(t.priority, 0);
	record_done(&r);

	/* No flags at all. */
	output_record(&r, "o2", 0, NULL, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 0);
	record_done(&r);
	policy_free(p);
}

static void
test_min_flag_score_comes_from_the_policy(void **state)
{
	struct policy	*p;
	struct record	 r;
	struct triage	 t;
	double		 s[] = { 0.25 };

	(void)state;
	p = policy("{\"model_output\": {\"min_flag_score\": 0.25, "
	    "\"spot_check_rate\": 0}}");
	output_record(&r, "o1", 1, s, NULL);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	record_done(&r);
	policy_free(p);
}

static void
test_spot_check_is_deterministic(void **state)
{
	char	id[32];
	int	i, first;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(id, sizeof id, "out-%05d", i);
		first = triage_spot_check(id, 0.5);
		assert_int_equal(triage_spot_check(id, 0.5), first);
		/* The samples nest: in at 0.3 means in at 0.5. */
		if (triage_spot_check(id, 0.3))
			assert_true(first);
	}
}

static void
test_spot_check_rate_is_roughly_right(void **state)
{
	char	id[32];
	int	i, n10 = 0, n50 = 0;

	(void)state;
	for (i = 0; i < 10000; i++) {
		snprintf(id, sizeof id, "out-%05d", i);
		n10 += triage_spot_check(id, 0.1);
		n50 += triage_spot_check(id, 0.5);
	}
	assert_in_range(n10, 900, 1100);
	assert_in_range(n50, 4800, 5200);
}

static void
test_spot_check_rate_zero_and_one(void **state)
{
	char	id[32];
	int	i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "out-%05d", i);
		assert_int_equal(triage_spot_check(id, 0), 0);
		assert_int_equal(triage_spot_check(id, 1), 1);
	}
	assert_int_equal(triage_spot_check("", 0), 0);
	assert_int_equal(triage_spot_check("", 1), 1);
}

static void
test_spot_checked_output_is_queued_as_such(void **state)
{
	struct policy		*p;
	struct record		 r;
	struct triage		 t;
	double			 s[] = { 0.2, 0.4 };
	const char *const	 types[] = { "toxicity", "bias" };

	(void)state;
	p = policy("{\"weights\": {\"toxicity\": 5, \"bias\": 3}, "
	    "\"model_output\": {\"spot_check_rate\": 1}}");
	output_record(&r, "o1", 2, s, types);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.spot_check, 1);
	/* max(5 x 0.2, 3 x 0.4) = 1.2 */
	assert_near(t.priority, 1.2);
	assert_string_equal(t.top_type, "bias");
	record_done(&r);

	/* A flag at the threshold queues it on its own, not as a sample. */
	s[1] = 0.5;
	output_record(&r, "o1", 2, s, types);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.spot_check, 0);
	record_done(&r);
	policy_free(p);
}

static void
test_output_priority_is_max_weight_times_score(void **state)
{
	struct policy		*p;
	struct record		 r;
	struct triage		 t;
	double			 s[] = { 0.9, 0.6, 0.8, 0.95 };
	const char *const	 types[] = {
		"bias.age", "toxicity", "bias.gender", "other"
	};

	(void)state;
	p = policy("{\"weights\": {\"bias\": 3, \"bias.gender\": 4, "
	    "\"toxicity\": 5}, \"default_weight\": 1, "
	    "\"model_output\": {\"spot_check_rate\": 0}}");
	output_record(&r, "o1", 4, s, types);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	/* 3 x 0.9 = 2.7, 5 x 0.6 = 3.0, 4 x 0.8 = 3.2, 1 x 0.95 */
	assert_near(t.priority, 3.2);
	assert_string_equal(t.top_type, "bias.gender");
	assert_near(t.top_score, 0.8);
	record_done(&r);
	policy_free(p);
}

static void
test_anonymization_priority_is_max_over_ambiguous_spans(void **state)
{
	struct policy		*p;
	struct record		 r;
	struct triage		 t;
	double			 s[] = { 0.95, 0.5, 0.6, 0.1 };
	const char *const	 types[] = {
		"US_SSN", "PERSON", "LOCATION", "CREDIT_CARD"
	};

	(void)state;
	p = policy("{\"weights\": {\"US_SSN\": 6, \"PERSON\": 2, "
	    "\"LOCATION\": 1, \"CREDIT_CARD\": 6}}");
	anon_record(&r, "a1", 4, s, types);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	/* The accepted SSN (5.7) and rejected card (0.6) do not count. */
	assert_near(t.priority, 1.0);
	assert_string_equal(t.top_type, "PERSON");
	assert_near(t.top_score, 0.5);
	record_done(&r);
	policy_free(p);
}

static void
test_record_priority_overrides_the_formula(void **state)
{
	static const char	 out[] = "{\"id\": \"o1\", \"kind\": "
	    "\"model_output\", \"response\": \"ok\", \"priority\": 42, "
	    "\"flags\": [{\"type\": \"toxicity\", \"score\": 0.9}]}";
	static const char	 anon[] = "{\"id\": \"a1\", \"kind\": "
	    "\"anonymization\", \"text\": \"Alice\", \"priority\": 0.25, "
	    "\"spans\": [{\"entity_type\": \"PERSON\", \"start\": 0, "
	    "\"end\": 5, \"score\": 0.5}]}";
	struct policy		*p;
	struct record		 r;
	struct triage		 t;

	(void)state;
	p = policy("{\"weights\": {\"toxicity\": 5, \"PERSON\": 2}}");
	record(out, &r);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	assert_near(t.priority, 42);
	record_done(&r);
	record(anon, &r);
	triage_record(p, &r, &t);
	assert_int_equal(t.queued, 1);
	assert_near(t.priority, 0.25);
	record_done(&r);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_at_auto_accept_is_accepted),
		cmocka_unit_test(test_span_just_below_auto_accept_is_ambiguous),
		cmocka_unit_test(test_span_at_auto_reject_is_ambiguous),
		cmocka_unit_test(test_span_just_below_auto_reject_is_rejected),
		cmocka_unit_test(test_thresholds_come_from_the_policy),
		cmocka_unit_test(test_item_queued_iff_a_span_is_ambiguous),
		cmocka_unit_test(
		    test_all_decided_item_is_auto_with_zero_priority),
		cmocka_unit_test(
		    test_output_with_flag_at_min_flag_score_is_queued),
		cmocka_unit_test(
		    test_output_with_flags_below_min_flag_score_is_auto),
		cmocka_unit_test(test_min_flag_score_comes_from_the_policy),
		cmocka_unit_test(test_spot_check_is_deterministic),
		cmocka_unit_test(test_spot_check_rate_is_roughly_right),
		cmocka_unit_test(test_spot_check_rate_zero_and_one),
		cmocka_unit_test(test_spot_checked_output_is_queued_as_such),
		cmocka_unit_test(
		    test_output_priority_is_max_weight_times_score),
		cmocka_unit_test(
		    test_anonymization_priority_is_max_over_ambiguous_spans),
		cmocka_unit_test(test_record_priority_overrides_the_formula),
		cmocka_unit_test(
		    test_overlapping_accepted_spans_go_to_a_human),
	};

	return (cmocka_run_group_tests_name("triage", tests, NULL, NULL));
}
