/*
 * Unit tests for queue/mask.c: which ranges of an item's text minimum
 * exposure masks, and the text with their marks.
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

static char person[] = "PERSON", location[] = "LOCATION";
static char email[] = "EMAIL_ADDRESS";
static char accepted[] = "accepted", ambiguous[] = "ambiguous";

/* "Paris Hilton met Zoë at zoe@x.fr": two accepted spans overlap. */
static char text1[] = "Paris Hilton met Zoë at zoe@x.fr";
static struct queue_span spans1[] = {
	{ person, 0, 12, 0.95, NULL, NULL, accepted },
	{ location, 0, 5, 0.9, NULL, NULL, accepted },
	{ person, 17, 20, 0.6, NULL, NULL, ambiguous },
	{ email, 24, 32, 0.99, NULL, NULL, accepted },
};

static struct queue_item item1 = {
	.ext_id = (char *)"m1", .kind = QUEUE_KIND_ANONYMIZATION,
	.text = text1, .spans = spans1, .nspans = 4,
};

static struct policy *
policy(int none)
{
	struct policy *p = policy_default();

	p->mask_none = none;
	return (p);
}

static void
test_overlaps_merge(void **state)
{
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	size_t			 n;

	(void)state;
	/* Span 2 (Zoë) selected: the overlapping PERSON and LOCATION are one. */
	n = queue_mask_ranges(&item1, p, 2, NULL, &m);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].cp_start, 0);
	assert_int_equal(m[0].cp_end, 12);
	assert_string_equal(m[0].entity_type, "PERSON");
	assert_int_equal(m[1].cp_start, 24);
	assert_int_equal(m[1].cp_end, 32);
	free(m);
	policy_free(p);
}

static void
test_utf8_offsets(void **state)
{
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	unsigned char		 decided[4] = { 0, 0, 1, 0 };
	char			*s;
	size_t			 n;

	(void)state;
	/* Zoë decided, EMAIL selected: "ë" is two bytes, so bytes shift. */
	n = queue_mask_ranges(&item1, p, 3, decided, &m);
	assert_int_equal(n, 2);
	assert_int_equal(m[1].cp_start, 17);
	assert_int_equal(m[1].cp_end, 20);
	assert_int_equal(m[1].start, 17);
	assert_int_equal(m[1].end, 21);
	s = queue_mask_text(text1, m, n);
	assert_string_equal(s, "\xe2\x9f\xa6PERSON\xe2\x9f\xa7 met "
	    "\xe2\x9f\xa6PERSON\xe2\x9f\xa7 at zoe@x.fr");
	free(s);
	free(m);
	policy_free(p);
}

static void
test_selected_always_shown(void **state)
{
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	char			*s;
	size_t			 n;

	(void)state;
	/*
	 * LOCATION [0, 5) selected inside the accepted PERSON [0, 12): the
	 * selected span is cut out of the mask, what is left of it stays.
	 */
	n = queue_mask_ranges(&item1, p, 1, NULL, &m);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].cp_start, 5);
	assert_int_equal(m[0].cp_end, 12);
	s = queue_mask_text(text1, m, n);
	assert_string_equal(s, "Paris\xe2\x9f\xa6PERSON\xe2\x9f\xa7 met Zo"
	    "\xc3\xab at \xe2\x9f\xa6" "EMAIL_ADDRESS\xe2\x9f\xa7");
	free(s);
	free(m);
	/* No span selected: every accepted one is masked. */
	n = queue_mask_ranges(&item1, p, QUEUE_MASK_NO_SPAN, NULL, &m);
	assert_int_equal(n, 2);
	free(m);
	policy_free(p);
}

static void
test_several_at_hand(void **state)
{
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	unsigned char		 decided[4] = {
		QUEUE_MASK_AT_HAND, 0, QUEUE_MASK_AT_HAND, 1
	};
	char			*s;
	size_t			 n;

	(void)state;
	/*
	 * Votes disagree on PERSON [0, 12) and Zoë, agree on the rest: the
	 * two are shown, LOCATION [0, 5) (inside the first) and the email
	 * are masked but where a span at hand covers them.
	 */
	n = queue_mask_ranges(&item1, p, QUEUE_MASK_NO_SPAN, decided, &m);
	assert_int_equal(n, 1);
	s = queue_mask_text(text1, m, n);
	assert_string_equal(s, "Paris Hilton met Zo\xc3\xab at "
	    "\xe2\x9f\xa6" "EMAIL_ADDRESS\xe2\x9f\xa7");
	free(s);
	free(m);
	policy_free(p);
}

static void
test_adjacent_stay_two(void **state)
{
	static char t[] = "AnaBelo";
	static struct queue_span sp[] = {
		{ person, 0, 3, 0.9, NULL, NULL, accepted },
		{ location, 3, 7, 0.9, NULL, NULL, accepted },
	};
	struct queue_item	 it = {
		.ext_id = (char *)"m2", .kind = QUEUE_KIND_ANONYMIZATION,
		.text = t, .spans = sp, .nspans = 2,
	};
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	char			*s;
	size_t			 n;

	(void)state;
	n = queue_mask_ranges(&it, p, QUEUE_MASK_NO_SPAN, NULL, &m);
	assert_int_equal(n, 2);
	s = queue_mask_text(t, m, n);
	assert_string_equal(s, "\xe2\x9f\xa6PERSON\xe2\x9f\xa7"
	    "\xe2\x9f\xa6LOCATION\xe2\x9f\xa7");
	free(s);
	free(m);
	policy_free(p);
}

static void
test_flags_and_none(void **state)
{
	static char t[] = "東京: mail a@b.jp";
	static char pii[] = "pii.leak", tox[] = "toxicity", piix[] = "piiish";
	static struct queue_flag fl[] = {
		{ tox, 0.9, NULL, NULL, 1, 0, 2 },
		{ pii, 0.9, NULL, NULL, 1, 9, 15 },
		{ piix, 0.9, NULL, NULL, 1, 0, 2 },
		{ pii, 0.9, NULL, NULL, 0, 0, 0 },
	};
	struct queue_item	 it = {
		.ext_id = (char *)"m3", .kind = QUEUE_KIND_MODEL_OUTPUT,
		.text = t, .flags = fl, .nflags = 4,
	};
	struct policy		*p = policy(0);
	struct queue_mask	*m;
	size_t			 n;

	(void)state;
	/* Only pii.* flags with offsets; "東京" is 6 bytes for 2 points. */
	n = queue_mask_ranges(&it, p, QUEUE_MASK_NO_SPAN, NULL, &m);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].start, 13);
	assert_int_equal(m[0].end, 19);
	assert_string_equal(m[0].entity_type, "pii.leak");
	free(m);
	policy_free(p);
	p = policy(1);
	assert_int_equal(queue_mask_ranges(&it, p, QUEUE_MASK_NO_SPAN, NULL,
	    &m), 0);
	assert_null(m);
	assert_int_equal(queue_mask_ranges(&item1, p, QUEUE_MASK_NO_SPAN,
	    NULL, &m), 0);
	policy_free(p);
}

static int
bad(const char *json, char **why)
{
	struct policy *p;

	return (policy_parse(json, strlen(json), &p, why));
}

static void
test_policy_keys(void **state)
{
	static const char good[] = "{\"privacy\": {\"mask\": \"none\", "
	    "\"reveal_reason\": true, \"purpose\": \"review\", "
	    "\"categories\": [\"contact details\"]}}";
	struct policy	*p;
	char		*why = NULL;

	(void)state;
	assert_int_equal(policy_parse(good, strlen(good), &p, &why), 0);
	assert_true(p->mask_none);
	assert_true(p->reveal_reason);
	assert_string_equal(p->purpose, "review");
	assert_int_equal(p->ncategories, 1);
	policy_free(p);
	assert_int_equal(bad("{\"privacy\": {\"mask\": \"all\"}}", &why), -1);
	assert_non_null(strstr(why, "privacy.mask"));
	free(why);
	why = NULL;
	assert_int_equal(bad("{\"privacy\": {\"reveal_reason\": 1}}", &why), -1);
	assert_non_null(strstr(why, "privacy.reveal_reason"));
	free(why);
	why = NULL;
	assert_int_equal(bad("{\"privacy\": {\"categories\": \"x\"}}", &why), -1);
	assert_non_null(strstr(why, "privacy.categories"));
	free(why);
	why = NULL;
	assert_int_equal(bad("{\"privacy\": {\"purpose\": []}}", &why), -1);
	assert_non_null(strstr(why, "privacy.purpose"));
	free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps_merge),
		cmocka_unit_test(test_utf8_offsets),
		cmocka_unit_test(test_selected_always_shown),
		cmocka_unit_test(test_several_at_hand),
		cmocka_unit_test(test_adjacent_stay_two),
		cmocka_unit_test(test_flags_and_none),
		cmocka_unit_test(test_policy_keys),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
