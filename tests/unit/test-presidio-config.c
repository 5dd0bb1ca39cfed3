/*
 * Unit tests for queue/presidio-config.c's counting on crafted decisions:
 * the allow_list's threshold, the deny_list by entity type, the context
 * words before accepted and rejected spans, values hashed unless in clear.
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

/* SHA-256 of "Jordan" (printf Jordan | sha256sum). */
#define JORDAN_SHA256 \
	"e8bfe1ed693510570ced8b5ee70049cc4b985a77ec066ee345892f685d72cca6"

/* One case: its text, a PERSON span, the decision's payload. */
static void
add_case(struct queue_presidio *a, const char *text, size_t start,
    size_t end, const char *recognizer, const char *payload, int purged)
{
	struct queue_item		it;
	struct queue_span		s;
	struct queue_decision_info	d;
	struct queue_outcome		o;

	memset(&it, 0, sizeof it);
	memset(&s, 0, sizeof s);
	memset(&d, 0, sizeof d);
	memset(&o, 0, sizeof o);
	s.entity_type = (char *)"PERSON";
	s.start = start;
	s.end = end;
	s.score = 0.6;
	s.recognizer = (char *)recognizer;
	it.kind = QUEUE_KIND_ANONYMIZATION;
	it.text = purged ? NULL : (char *)text;
	it.spans = &s;
	it.nspans = 1;
	d.action = (char *)"correct";
	d.decided_at = (char *)"2027-01-15T08:00:00Z";
	d.payload = (char *)payload;
	o.item = &it;
	o.final = &d;
	o.purged = purged;
	queue_presidio_add(a, &o);
}

#define REJECTED	"{\"spans\": [{\"verdict\": \"rejected\"}]}"
#define ACCEPTED	"{\"spans\": [{\"verdict\": \"accepted\"}]}"

/*
 * Jordan rejected three times (after "flew to" twice), Sydney once; Ana
 * accepted twice after "met with"; an account number added twice, a
 * phone number once; one case purged.
 */
static struct queue_presidio *
crafted(void)
{
	struct queue_presidio *a = queue_presidio_new();

	add_case(a, "We flew to Jordan.", 11, 17, "SpacyRecognizer", REJECTED,
	    0);
	add_case(a, "They flew to Jordan, account AC-1.", 13, 19,
	    "SpacyRecognizer", "{\"spans\": [{\"verdict\": \"rejected\"}], "
	    "\"added\": [{\"start\": 29, \"end\": 33, \"entity_type\": "
	    "\"ACCOUNT\"}]}", 0);
	add_case(a, "Jordan again, account AC-1.", 0, 6, "SpacyRecognizer",
	    "{\"spans\": [{\"verdict\": \"rejected\"}], \"added\": [{\"start\": "
	    "22, \"end\": 26, \"entity_type\": \"ACCOUNT\"}]}", 0);
	add_case(a, "Sydney is sunny, call 555.", 0, 6, "SpacyRecognizer",
	    "{\"spans\": [{\"verdict\": \"rejected\"}], \"added\": [{\"start\": "
	    "22, \"end\": 25, \"entity_type\": \"PHONE\"}]}", 0);
	/* Offsets in code points: "é" is two bytes. */
	add_case(a, "Thé team met with Ana.", 18, 21, "SpacyRecognizer",
	    ACCEPTED, 0);
	add_case(a, "We met with Ana.", 12, 15, "SpacyRecognizer", ACCEPTED, 0);
	add_case(a, "Jordan", 0, 6, "SpacyRecognizer", REJECTED, 1);
	return (a);
}

/* How often a word was counted (0: not listed). */
static uint64_t
word(const struct queue_presidio_word *w, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i].word, s) == 0)
			return (w[i].n);
	}
	return (0);
}

static void
test_allow_list(void **state)
{
	struct queue_presidio		*a = crafted();
	struct queue_presidio_report	 r;

	(void)state;
	queue_presidio_finish(a, 2, 1, &r);
	assert_int_equal(r.items, 6);
	assert_int_equal(r.skipped_content, 1);
	/* Jordan, rejected 3 times; Sydney, once, is not there. */
	assert_int_equal(r.nallow, 1);
	assert_string_equal(r.allow[0].value, "Jordan");
	assert_int_equal(r.allow[0].n, 3);
	assert_int_equal(r.allow[0].rejected, 3);
	assert_int_equal(r.allow[0].accepted, 0);
	queue_presidio_report_done(&r);
	/* At 1, Sydney too, after Jordan (the most rejected first). */
	queue_presidio_finish(a, 1, 1, &r);
	assert_int_equal(r.nallow, 2);
	assert_string_equal(r.allow[0].value, "Jordan");
	assert_string_equal(r.allow[1].value, "Sydney");
	queue_presidio_report_done(&r);
	queue_presidio_free(a);
}

static void
test_deny_list(void **state)
{
	struct queue_presidio		*a = crafted();
	struct queue_presidio_report	 r;

	(void)state;
	queue_presidio_finish(a, 2, 1, &r);
	assert_int_equal(r.ndeny, 1);
	assert_string_equal(r.deny[0].entity_type, "ACCOUNT");
	assert_int_equal(r.deny[0].nvalues, 1);
	assert_string_equal(r.deny[0].values[0].value, "AC-1");
	assert_int_equal(r.deny[0].values[0].added, 2);
	/* "account" before both additions. */
	assert_int_equal(r.deny[0].ncontext, 1);
	assert_string_equal(r.deny[0].context[0].word, "account");
	assert_int_equal(r.deny[0].context[0].n, 2);
	queue_presidio_report_done(&r);
	/* At 1, the phone number too, under its own type. */
	queue_presidio_finish(a, 1, 1, &r);
	assert_int_equal(r.ndeny, 2);
	assert_string_equal(r.deny[1].entity_type, "PHONE");
	assert_string_equal(r.deny[1].values[0].value, "555");
	queue_presidio_report_done(&r);
	queue_presidio_free(a);
}

static void
test_context(void **state)
{
	struct queue_presidio		*a = crafted();
	struct queue_presidio_report	 r;
	const struct queue_presidio_context *c;

	(void)state;
	queue_presidio_finish(a, 2, 1, &r);
	assert_int_equal(r.ncontext, 1);
	c = &r.context[0];
	assert_string_equal(c->recognizer, "SpacyRecognizer");
	/* Before rejected spans: "to" and "flew" twice, "we" once. */
	assert_int_equal(word(c->rejected, c->nrejected, "to"), 2);
	assert_int_equal(word(c->rejected, c->nrejected, "flew"), 2);
	assert_false(word(c->rejected, c->nrejected, "we"));
	assert_false(word(c->rejected, c->nrejected, "met"));
	/* Before accepted ones: "met" and "with", lower-cased. */
	assert_int_equal(word(c->accepted, c->naccepted, "met"), 2);
	assert_int_equal(word(c->accepted, c->naccepted, "with"), 2);
	assert_false(word(c->accepted, c->naccepted, "to"));
	queue_presidio_report_done(&r);
	queue_presidio_free(a);
}

/* A word inside a span is no context word: it would tell the value. */
static void
test_context_no_value(void **state)
{
	struct queue_presidio		*a = queue_presidio_new();
	struct queue_presidio_report	 r;
	const char			*pay = "{\"spans\": [{\"verdict\": "
	    "\"accepted\"}], \"added\": [{\"start\": 0, \"end\": 5, "
	    "\"entity_type\": \"PERSON\"}]}";

	(void)state;
	/* "Smith" is added; "smith" then comes before the proposed span. */
	add_case(a, "Smith smith said Lee", 17, 20, "R", pay, 0);
	add_case(a, "Smith smith said Lee", 17, 20, "R", pay, 0);
	/*
	 * A span inside a word ("Smith" of "JohnSmith"): the word is over
	 * it; and the proposed span starts inside "xxLee": not before it.
	 */
	add_case(a, "JohnSmith said xxLee", 17, 20, "R", "{\"spans\": "
	    "[{\"verdict\": \"accepted\"}], \"added\": [{\"start\": 4, "
	    "\"end\": 9, \"entity_type\": \"PERSON\"}]}", 0);
	queue_presidio_finish(a, 1, 1, &r);
	assert_int_equal(r.ncontext, 1);
	assert_int_equal(word(r.context[0].accepted, r.context[0].naccepted,
	    "said"), 3);
	assert_false(word(r.context[0].accepted, r.context[0].naccepted,
	    "johnsmith"));
	assert_false(word(r.context[0].accepted, r.context[0].naccepted,
	    "xxlee"));
	assert_false(word(r.context[0].accepted, r.context[0].naccepted,
	    "smith"));
	assert_true(word(r.context[0].accepted, r.context[0].naccepted,
	    "said"));
	queue_presidio_report_done(&r);
	queue_presidio_free(a);
}

static void
test_hashed(void **state)
{
	struct queue_presidio		*a = crafted();
	struct queue_presidio_report	 r;
	size_t				 i;

	(void)state;
	queue_presidio_finish(a, 1, 0, &r);
	assert_int_equal(r.clear, 0);
	assert_int_equal(r.nallow, 2);
	for (i = 0; i < r.nallow; i++)
		assert_int_equal(strlen(r.allow[i].value), 64);
	assert_string_equal(r.allow[0].value, JORDAN_SHA256);
	assert_int_equal(r.allow[0].rejected, 3);
	assert_int_equal(strlen(r.deny[0].values[0].value), 64);
	assert_string_not_equal(r.deny[0].values[0].value, "AC-1");
	queue_presidio_report_done(&r);
	queue_presidio_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_deny_list),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_context_no_value),
		cmocka_unit_test(test_hashed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
