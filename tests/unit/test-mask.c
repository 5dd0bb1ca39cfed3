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

/* "AnaBelo": two accepted spans side by side. */
static char text2[] = "AnaBelo";
static struct queue_span spans2[] = {
	{ person, 0, 3, 0.9, NULL, NULL, accepted },
	{ location, 3, 7, 0.9, NULL, NULL, accepted },
};
static struct queue_item item2 = {
	.ext_id = (char *)"m2", .kind = QUEUE_KIND_ANONYMIZATION,
	.text = text2, .spans = spans2, .nspans = 2,
};

/* A model output: only pii.* flags with offsets; "東京" is 6 bytes. */
static char text3[] = "東京: mail a@b.jp";
static char pii[] = "pii.leak", tox[] = "toxicity", piix[] = "piiish";
static struct queue_flag flags3[] = {
	{ tox, 0.9, NULL, NULL, 1, 0, 2 },
	{ pii, 0.9, NULL, NULL, 1, 9, 15 },
	{ piix, 0.9, NULL, NULL, 1, 0, 2 },
	{ pii, 0.9, NULL, NULL, 0, 0, 0 },
};
static struct queue_item item3 = {
	.ext_id = (char *)"m3", .kind = QUEUE_KIND_MODEL_OUTPUT,
	.text = text3, .flags = flags3, .nflags = 4,
};

static const unsigned char zoe_decided[4] = { 0, 0, 1, 0 };
static const unsigned char votes_differ[4] = {
	QUEUE_MASK_AT_HAND, 0, QUEUE_MASK_AT_HAND, 1
};

#define OPEN	"\xe2\x9f\xa6"	/* ⟦ */
#define CLOSE	"\xe2\x9f\xa7"	/* ⟧ */

/*
 * One case: the item's masks with span selected (and the verdicts given,
 * or none) are n; the first (and second) are these code point and byte
 * ranges of that type, and the text with its marks is text (NULL: not
 * looked at).
 */
struct mask_case {
	const char		*what;
	const struct queue_item	*item;
	int			 none;		/* privacy.mask "none" */
	size_t			 selected;
	const unsigned char	*decided;
	size_t			 n;
	struct {
		size_t		 cp_start, cp_end, start, end;
		const char	*type;
	}			 m[2];
	const char		*text;
};

static const struct mask_case cases[] = {
	{ "Zoë selected: the overlapping PERSON and LOCATION are one",
	  &item1, 0, 2, NULL, 2,
	  { { 0, 12, 0, 12, "PERSON" }, { 24, 32, 25, 33, "EMAIL_ADDRESS" } },
	  OPEN "PERSON" CLOSE " met Zo\xc3\xab at " OPEN "EMAIL_ADDRESS"
	  CLOSE },
	{ "Zoë decided, the email selected: \"ë\" is two bytes",
	  &item1, 0, 3, zoe_decided, 2,
	  { { 0, 12, 0, 12, "PERSON" }, { 17, 20, 17, 21, "PERSON" } },
	  OPEN "PERSON" CLOSE " met " OPEN "PERSON" CLOSE " at zoe@x.fr" },
	{ "LOCATION selected inside PERSON: cut out of the mask",
	  &item1, 0, 1, NULL, 2,
	  { { 5, 12, 5, 12, "PERSON" }, { 24, 32, 25, 33, "EMAIL_ADDRESS" } },
	  "Paris" OPEN "PERSON" CLOSE " met Zo\xc3\xab at " OPEN
	  "EMAIL_ADDRESS" CLOSE },
	{ "no span selected: every accepted one is masked",
	  &item1, 0, QUEUE_MASK_NO_SPAN, NULL, 2,
	  { { 0, 12, 0, 12, "PERSON" }, { 24, 32, 25, 33, "EMAIL_ADDRESS" } },
	  NULL },
	{ "votes disagree on two spans: those are shown, the rest masked",
	  &item1, 0, QUEUE_MASK_NO_SPAN, votes_differ, 1,
	  { { 24, 32, 25, 33, "EMAIL_ADDRESS" } },
	  "Paris Hilton met Zo\xc3\xab at " OPEN "EMAIL_ADDRESS" CLOSE },
	{ "adjacent spans stay two masks",
	  &item2, 0, QUEUE_MASK_NO_SPAN, NULL, 2,
	  { { 0, 3, 0, 3, "PERSON" }, { 3, 7, 3, 7, "LOCATION" } },
	  OPEN "PERSON" CLOSE OPEN "LOCATION" CLOSE },
	{ "a model output: its pii.* flags with offsets alone",
	  &item3, 0, QUEUE_MASK_NO_SPAN, NULL, 1,
	  { { 9, 15, 13, 19, "pii.leak" } }, NULL },
	{ "masking off: an output", &item3, 1, QUEUE_MASK_NO_SPAN, NULL, 0,
	  { { 0 } }, NULL },
	{ "masking off: a case", &item1, 1, QUEUE_MASK_NO_SPAN, NULL, 0,
	  { { 0 } }, NULL },
};

static void
test_masks(void **state)
{
	const struct mask_case	*c;
	struct policy		*p;
	struct queue_mask	*m;
	char			*s;
	size_t			 i, j, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = &cases[i];
		print_message("%s\n", c->what);
		p = policy(c->none);
		n = queue_mask_ranges(c->item, p, c->selected, c->decided, &m);
		assert_int_equal(n, c->n);
		if (n == 0)
			assert_null(m);
		for (j = 0; j < n && j < 2; j++) {
			assert_int_equal(m[j].cp_start, c->m[j].cp_start);
			assert_int_equal(m[j].cp_end, c->m[j].cp_end);
			assert_int_equal(m[j].start, c->m[j].start);
			assert_int_equal(m[j].end, c->m[j].end);
			assert_string_equal(m[j].entity_type, c->m[j].type);
		}
		if (c->text != NULL) {
			s = queue_mask_text(c->item->text, m, n);
			assert_string_equal(s, c->text);
			free(s);
		}
		free(m);
		policy_free(p);
	}
}

static void
test_policy_keys(void **state)
{
	static const char good[] = "{\"privacy\": {\"mask\": \"none\", "
	    "\"reveal_reason\": true, \"purpose\": \"review\", "
	    "\"categories\": [\"contact details\"]}}";
	/* Each refused, its message naming the key. */
	static const char *const refused[][2] = {
		{ "{\"privacy\": {\"mask\": \"all\"}}", "privacy.mask" },
		{ "{\"privacy\": {\"reveal_reason\": 1}}",
		  "privacy.reveal_reason" },
		{ "{\"privacy\": {\"categories\": \"x\"}}",
		  "privacy.categories" },
		{ "{\"privacy\": {\"purpose\": []}}", "privacy.purpose" },
	};
	struct policy	*p;
	char		*why = NULL;
	size_t		 i;

	(void)state;
	assert_int_equal(policy_parse(good, strlen(good), &p, &why), 0);
	assert_true(p->mask_none);
	assert_true(p->reveal_reason);
	assert_string_equal(p->purpose, "review");
	assert_int_equal(p->ncategories, 1);
	policy_free(p);
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		why = NULL;
		assert_int_equal(policy_parse(refused[i][0],
		    strlen(refused[i][0]), &p, &why), -1);
		assert_non_null(strstr(why, refused[i][1]));
		free(why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_policy_keys),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
