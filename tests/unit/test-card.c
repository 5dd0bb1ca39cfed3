/*
 * Unit tests for export/card.c: the split rule on known hashes, and the
 * dataset card of a manifest whose strings hold Markdown, YAML and control
 * characters, and whose personal-data fields take each of their values.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "card.h"

/* SHA-256's first 8 bytes over 2^64, computed in Python. */
static void
test_split_rule(void **state)
{
	(void)state;
	/* out-0: 0.64855595310387 */
	assert_true(export_split_is_test("out-0", 0.6486));
	assert_false(export_split_is_test("out-0", 0.6485));
	/* an-37: 0.003150519521637927 */
	assert_true(export_split_is_test("an-37", 0.1));
	assert_false(export_split_is_test("an-37", 0.003));
	/* "\u00e9": 0.2914021905164211, the id's UTF-8 bytes */
	assert_true(export_split_is_test("\xc3\xa9", 0.3));
	assert_false(export_split_is_test("\xc3\xa9", 0.29));
	assert_false(export_split_is_test("an-37", 0));
}

static cJSON *
manifest(const char *contains)
{
	cJSON *m;

	m = cJSON_Parse("{\"format\":\"labels\",\"format_version\":\"1\","
	    "\"options\":{\"include_auto\":false,\"test_fraction\":0.25},"
	    "\"records\":3,\"counts\":{\"kind\":{\"model_output\":3},"
	    "\"action\":{\"correct\":3},\"label\":{\"x\\n---\\n# h <b>\":2,"
	    "\" `c` [l](u) | *e*\":1},\"entity_type\":{}},"
	    "\"skipped\":{\"no prompt\":1},\"reviewers\":1,"
	    "\"policy_versions\":[1,2,3],\"decisions\":{\"after\":4,"
	    "\"through\":9,\"first_at\":\"2027-01-15T08:00:00Z\","
	    "\"last_at\":\"2027-01-15T09:00:00Z\\u202e\"},"
	    "\"redaction\":\"hash\",\"audit_head\":\"ab12\"}");
	assert_non_null(m);
	cJSON_AddItemToObject(m, "contains_personal_data",
	    strcmp(contains, "true") == 0 ? cJSON_CreateTrue() :
	    strcmp(contains, "false") == 0 ? cJSON_CreateFalse() :
	    cJSON_CreateString(contains));
	return (m);
}

static const struct export_split splits[] = {
	{ "train", "train.jsonl", 2, "aa" },
	{ "test", "test.jsonl", 1, "bb" },
};

/* The front matter is ours alone, and closes where it should. */
static void
test_card_front_matter(void **state)
{
	cJSON	*m = manifest("true");
	char	*card, *end;

	(void)state;
	card = export_card_text(m, splits, 2);
	assert_true(strncmp(card, "---\npretty_name: \"hitl labels export\"\n",
	    38) == 0);
	end = strstr(card + 4, "\n---\n");
	assert_non_null(end);
	/* The hostile label is in the body only. */
	assert_null(memmem(card, (size_t)(end - card), "# h", 3));
	assert_non_null(strstr(card, "configs:\n- config_name: default\n"
	    "  data_files:\n  - split: train\n    path: \"train.jsonl\"\n"
	    "  - split: test\n    path: \"test.jsonl\"\n---\n"));
	assert_non_null(strstr(card, "size_categories:\n- \"n<1K\"\n"));
	assert_non_null(strstr(card, "task_categories:\n- text-classification"));
	free(card);
	card = export_card_text(m, splits, 0);
	assert_null(strstr(card, "configs:"));
	free(card);
	cJSON_Delete(m);
}

/* Strings from the database can make no line, heading, HTML or link. */
static void
test_card_escapes(void **state)
{
	cJSON	*m = manifest("true");
	char	*card;

	(void)state;
	card = export_card_text(m, splits, 2);
	assert_non_null(strstr(card, "\n- x\\[U\\+000A\\]\\-\\-\\-\\[U\\+000A\\]"
	    "\\# h \\<b\\>: 2\n"));
	assert_non_null(strstr(card, "\n- &#32;\\`c\\` \\[l\\]\\(u\\) \\| "
	    "\\*e\\*: 1\n"));
	assert_non_null(strstr(card, "to 2027\\-01\\-15T09\\:00\\:00Z"
	    "\\[U\\+202E\\]: the decisions after number 4 through number 9"));
	assert_non_null(strstr(card, "under policy versions 1, 2 and 3, from "));
	assert_non_null(strstr(card, "- no prompt: 1\n"));
	assert_non_null(strstr(card, "below 0.25, and"));
	assert_non_null(strstr(card, "keyed hash"));
	assert_non_null(strstr(card, "head was `ab12`"));
	free(card);
	cJSON_Delete(m);
}

/* contains_personal_data: true, "possible", false; and pseudonymized. */
static void
test_card_personal_data(void **state)
{
	static const char *const v[] = { "true", "possible", "false" };
	static const char *const said[] = {
		"**The files contain personal data.**",
		"**The files may contain personal data**",
		"No personal data is known to remain"
	};
	cJSON	*m;
	char	*card;
	int	 i, j;

	(void)state;
	for (i = 0; i < 3; i++) {
		m = manifest(v[i]);
		card = export_card_text(m, splits, 2);
		for (j = 0; j < 3; j++) {
			if (i == j)
				assert_non_null(strstr(card, said[j]));
			else
				assert_null(strstr(card, said[j]));
		}
		assert_null(strstr(card, "pseudonymized"));
		free(card);
		cJSON_AddTrueToObject(m, "pseudonymized");
		card = export_card_text(m, splits, 2);
		assert_non_null(strstr(card, "pseudonymized, not anonymized"));
		free(card);
		cJSON_Delete(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_rule),
		cmocka_unit_test(test_card_front_matter),
		cmocka_unit_test(test_card_escapes),
		cmocka_unit_test(test_card_personal_data),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
