/*
 * Unit tests for "did you mean": which name is suggested for a word, and
 * when none is.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "suggest.h"

static const char *const commands[] = { "init", "import", "status", "policy",
	"review", "next", "show", "decide", "undo", "release", "takeover",
	"reopen", "shift", "shifts", "reviewers", "escalations", "escalation",
	"audit", "export", "copy", "demo", "help", NULL };

static void
assert_suggests(const char *word, const char *const *names, const char *want)
{
	const char *got = suggest_word(word, names);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* A swap of neighbours is one edit (Damerau), as are the other three. */
static void
test_one_edit(void **state)
{
	(void)state;
	assert_suggests("exprot", commands, "export");	/* swap */
	assert_suggests("expot", commands, "export");	/* deletion */
	assert_suggests("exxport", commands, "export");	/* insertion */
	assert_suggests("expert", commands, "export");	/* substitution */
	assert_suggests("sho", commands, "show");
}

/* Short words get one edit, longer ones two; never the whole word. */
static void
test_limits(void **state)
{
	static const char *const offsets[] = { "utf16", "codepoints", NULL };

	(void)state;
	assert_suggests("utf8", offsets, "utf16");
	assert_suggests("ne", commands, NULL);
	assert_suggests("do", commands, NULL);
	assert_suggests("x", commands, NULL);
	assert_suggests("frobnicate", commands, NULL);
	assert_suggests("list", commands, NULL);
}

/* A word near part of a name, or a name inside the word. */
static void
test_parts(void **state)
{
	static const char *const kinds[] = { "model_output", "anonymization",
	    NULL };
	static const char *const redact[] = { "replace", "mask", "hash",
	    "none", NULL };

	(void)state;
	assert_suggests("outputs", kinds, "model_output");
	assert_suggests("anon", kinds, "anonymization");
	assert_suggests("hash256", redact, "hash");
	assert_suggests("stat", commands, "status");
}

/* The nearest wins; between equals, the one nearer to the whole word. */
static void
test_best_one(void **state)
{
	static const char *const formats[] = { "sft", "dpo", "kto", "spans",
	    "labels", "decisions", NULL };

	(void)state;
	assert_suggests("escalaton", commands, "escalation");
	assert_suggests("escalatons", commands, "escalations");
	assert_suggests("reviewer", commands, "reviewers");
	assert_suggests("shif", commands, "shift");
	assert_suggests("sftt", formats, "sft");
	assert_suggests("span", formats, "spans");
}

static void
test_nothing_for_empty_or_long(void **state)
{
	char	long_word[SUGGEST_MAX + 2];

	(void)state;
	assert_suggests("", commands, NULL);
	assert_suggests(NULL, commands, NULL);
	assert_suggests("export", NULL, NULL);
	memset(long_word, 'e', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	memcpy(long_word, "export", 6);
	assert_suggests(long_word, commands, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_edit),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_best_one),
		cmocka_unit_test(test_nothing_for_empty_or_long),
	};

	return (cmocka_run_group_tests_name("suggest", tests, NULL, NULL));
}
