/*
 * Unit tests for queue/spans.c: the span set a decision accepts (what the
 * decide rules check and the spans export writes) and its overlaps.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "queue.h"

/*
 * "Paris Hilton stayed in Paris.": PERSON [0, 12) accepted by triage,
 * LOCATION [0, 5) ambiguous inside it, LOCATION [23, 28) rejected.
 */
static char person[] = "PERSON", location[] = "LOCATION";
static char accepted[] = "accepted", ambiguous[] = "ambiguous";
static char rejected[] = "rejected";
static char ext_id[] = "sp", text[] = "Paris Hilton stayed in Paris.";

static struct queue_span spans[] = {
	{ person, 0, 12, 0.95, NULL, NULL, accepted },
	{ location, 0, 5, 0.6, NULL, NULL, ambiguous },
	{ location, 23, 28, 0.1, NULL, NULL, rejected },
};

static struct queue_item item = {
	.ext_id = ext_id, .kind = QUEUE_KIND_ANONYMIZATION,
	.text = text, .spans = spans, .nspans = 3,
};

static size_t
final(const char *json, int by_policy, struct queue_final_span **s)
{
	cJSON	*p = json != NULL ? cJSON_Parse(json) : NULL;
	size_t	 n;

	n = queue_spans_final(&item, p, by_policy, s);
	/* The types point into the payload: copied out for the checks. */
	for (size_t i = 0; i < n; i++)
		(*s)[i].entity_type = strdup((*s)[i].entity_type);
	cJSON_Delete(p);
	return (n);
}

static void
done(struct queue_final_span *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)s[i].entity_type);
	free(s);
}

static void
test_approve_keeps_all_but_rejected(void **state)
{
	struct queue_final_span	*s;
	size_t			 n, len;

	(void)state;
	n = final("{\"note\": \"fine\"}", 0, &s);
	assert_int_equal(n, 2);
	/* Sorted by start, then end: LOCATION [0, 5) first. */
	assert_int_equal(s[0].index, 1);
	assert_int_equal(s[1].index, 0);
	assert_int_equal(queue_spans_overlap(s, n, 0, &len), 0);
	assert_int_equal(len, 2);
	done(s, n);
	n = final(NULL, 0, &s);
	assert_int_equal(n, 2);
	done(s, n);
}

static void
test_policy_keeps_only_accepted(void **state)
{
	struct queue_final_span	*s;
	size_t			 n, len;

	(void)state;
	n = final(NULL, 1, &s);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].entity_type, "PERSON");
	assert_int_equal(queue_spans_overlap(s, n, 0, &len), n);
	assert_int_equal(len, 0);
	done(s, n);
}

static void
test_correction_verdicts_retype_added(void **state)
{
	struct queue_final_span	*s;
	size_t			 n, len;

	(void)state;
	/* Also inside a resolution's "correction". */
	n = final("{\"outcome\": \"correct\", \"correction\": {\"spans\": ["
	    "{\"verdict\": \"rejected\"}, {\"verdict\": \"retyped\", "
	    "\"entity_type\": \"NRP\"}, {\"verdict\": \"accepted\"}], "
	    "\"added\": [{\"start\": 6, \"end\": 12, \"entity_type\": "
	    "\"PERSON\"}]}}", 0, &s);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].entity_type, "NRP");
	assert_int_equal(s[0].index, 1);
	/* Adjacent: [0, 5) and [6, 12) and [23, 28) do not overlap. */
	assert_int_equal(s[1].index, 3);
	assert_int_equal(s[1].start, 6);
	assert_int_equal(s[2].index, 2);
	assert_int_equal(queue_spans_overlap(s, n, 0, &len), n);
	done(s, n);
}

static void
test_overlap_groups_chain(void **state)
{
	/* A [0, 5) B [3, 8) C [6, 10) chain; D [10, 12) only touches C. */
	struct queue_final_span s[] = {
		{ 0, 5, "A", 0 }, { 3, 8, "B", 1 }, { 6, 10, "C", 2 },
		{ 10, 12, "D", 3 }, { 20, 25, "E", 4 }, { 22, 23, "F", 5 },
	};
	size_t len;

	(void)state;
	assert_int_equal(queue_spans_overlap(s, 6, 0, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(queue_spans_overlap(s, 6, 3, &len), 4);
	assert_int_equal(len, 2);
	assert_int_equal(queue_spans_overlap(s, 6, 6, &len), 6);
	assert_int_equal(len, 0);
}

static void
test_blank_text(void **state)
{
	(void)state;
	assert_true(queue_text_blank(""));
	assert_true(queue_text_blank(" \t\r\n"));
	/* NBSP, ideographic space, zero-width space, BOM. */
	assert_true(queue_text_blank("\xc2\xa0\xe3\x80\x80\xe2\x80\x8b"
	    "\xef\xbb\xbf"));
	assert_false(queue_text_blank(" . "));
	assert_false(queue_text_blank("\xe6\x9d\xb1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_approve_keeps_all_but_rejected),
		cmocka_unit_test(test_policy_keeps_only_accepted),
		cmocka_unit_test(test_correction_verdicts_retype_added),
		cmocka_unit_test(test_overlap_groups_chain),
		cmocka_unit_test(test_blank_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
