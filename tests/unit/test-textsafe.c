/*
 * Unit tests for the sanitizer: the visible marks of text output and the
 * \u escapes of JSON output, which must parse back to the same strings.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "textsafe.h"
#include "xmalloc.h"

/* OSC 52, C1 CSI, RLO, LRI, DEL, LS, a tag character, a newline. */
#define HOSTILE	"\x1b]52;c;aGk=\x07 \xc2\x9b" "31m \xe2\x80\xae \xe2\x81\xa6" \
		" \x7f \xe2\x80\xa8 \xf3\xa0\x81\x81 \n end"

/* textsafe_json of a string value printed by cJSON. */
static char *
json_of(const char *s, int pretty)
{
	cJSON	*o;
	char	*printed, *safe;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, s, s);
	printed = pretty ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
	safe = textsafe_json(printed);
	free(printed);
	cJSON_Delete(o);
	return (safe);
}

/* Valid UTF-8 with nothing textsafe would mark but the layout's \n and \t. */
static void
assert_safe(const char *s)
{
	char		*copy, *p;
	const char	*bad;

	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	}
	if ((bad = textsafe_first_unsafe(copy)) != NULL) {
		print_error("unsafe byte 0x%02x at %zu in %s\n",
		    (unsigned char)*bad, (size_t)(bad - copy), s);
		fail();
	}
	free(copy);
}

static void
test_json_escapes_c1_del_bidi_and_tags(void **state)
{
	char *out = json_of(HOSTILE, 0);

	(void)state;
	assert_safe(out);
	assert_non_null(strstr(out, "\\u001b]52;c;aGk=\\u0007"));
	assert_non_null(strstr(out, "\\u009b31m"));
	assert_non_null(strstr(out, "\\u202e"));
	assert_non_null(strstr(out, "\\u2066"));
	assert_non_null(strstr(out, "\\u007f"));
	assert_non_null(strstr(out, "\\u2028"));
	/* U+E0041 as a surrogate pair. */
	assert_non_null(strstr(out, "\\udb40\\udc41"));
	assert_non_null(strstr(out, "\\n end"));
	free(out);
}

static void
test_json_round_trips_byte_exact(void **state)
{
	/* Plain, accents and CJK, ZWJ emoji, NBSP and SHY, BOM and U+FFFD. */
	const char	*cases[] = { HOSTILE, "plain", "",
	    "caf\xc3\xa9 \xe6\x97\xa5",
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
	    "\xc2\xa0\xc2\xad", "\xef\xbb\xbf\xef\xbf\xbd", NULL };
	cJSON		*back;
	char		*out;
	size_t		 i;
	int		 pretty;

	(void)state;
	for (i = 0; cases[i] != NULL; i++) {
		for (pretty = 0; pretty < 2; pretty++) {
			out = json_of(cases[i], pretty);
			assert_safe(out);
			back = cJSON_Parse(out);
			assert_non_null(back);
			assert_non_null(back->child);
			assert_string_equal(back->child->string, cases[i]);
			assert_string_equal(cJSON_GetStringValue(back->child),
			    cases[i]);
			cJSON_Delete(back);
			free(out);
		}
	}
}

static void
test_json_keeps_printable_text_and_layout(void **state)
{
	const char	*in = "{\n\t\"caf\xc3\xa9\":\t[1, true, null]\n}";
	char		*out;

	(void)state;
	out = textsafe_json(in);
	assert_string_equal(out, in);
	free(out);
}

static void
test_json_bad_bytes_become_replacement_characters(void **state)
{
	char *out;

	(void)state;
	out = textsafe_json("[\"a\xff" "b\xc3\"]");
	assert_string_equal(out, "[\"a\\ufffdb\\ufffd\"]");
	free(out);
	/* An encoded surrogate is not UTF-8 either: one \ufffd a byte. */
	out = textsafe_json("\"\xed\xa0\x80\"");
	assert_string_equal(out, "\"\\ufffd\\ufffd\\ufffd\"");
	free(out);
}

static void
test_copy_shows_every_hostile_character(void **state)
{
	char	*out;
	int	 hidden;

	(void)state;
	out = textsafe_copy(HOSTILE, strlen(HOSTILE), 0, &hidden);
	assert_int_equal(hidden, 1);
	assert_string_equal(out, "^[]52;c;aGk=^G \xe2\x9f\xa8U+009B\xe2\x9f\xa9"
	    "31m \xe2\x9f\xa8U+202E\xe2\x9f\xa9 \xe2\x9f\xa8U+2066\xe2\x9f\xa9"
	    " ^? \xe2\x9f\xa8U+2028\xe2\x9f\xa9 \xe2\x9f\xa8U+E0041\xe2\x9f\xa9"
	    " ^J end");
	free(out);
}

/*
 * A joiner inside an emoji ZWJ sequence is what the reader sees (👩‍💻,
 * ❤️‍🔥 with its FE0F, 👍🏽‍♂ with a skin tone); anywhere else it is hidden.
 */
static void
test_zwj_shown_only_inside_emoji_sequences(void **state)
{
	static const struct {
		const char	*in, *out;
		int		 hidden;
	} cases[] = {
		{ "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
		    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", 0 },
		{ "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5",
		    "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5",
		    0 },
		{ "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\xe2\x80\x8d\xe2\x99\x82",
		    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\xe2\x80\x8d\xe2\x99\x82",
		    0 },
		/* Between letters, at either end, after a lone modifier. */
		{ "pay\xe2\x80\x8dpal", "pay\xe2\x9f\xa8U+200D\xe2\x9f\xa9pal", 1 },
		{ "\xf0\x9f\x91\xa9\xe2\x80\x8d",
		    "\xf0\x9f\x91\xa9\xe2\x9f\xa8U+200D\xe2\x9f\xa9", 1 },
		{ "\xe2\x80\x8d\xf0\x9f\x92\xbb",
		    "\xe2\x9f\xa8U+200D\xe2\x9f\xa9\xf0\x9f\x92\xbb", 1 },
		{ "a\xf0\x9f\x8f\xbd\xe2\x80\x8d\xf0\x9f\x92\xbb",
		    "a\xf0\x9f\x8f\xbd\xe2\x9f\xa8U+200D\xe2\x9f\xa9"
		    "\xf0\x9f\x92\xbb", 1 },
		/* Stray bytes between the emoji and the joiner are marks,
		 * and a mark joins nothing (found by fuzz-text). */
		{ "\xe2\x9a\x90\x80\xe2\x80\x8d\xe2\x9a\x90",
		    "\xe2\x9a\x90\xe2\x9f\xa8\\x80\xe2\x9f\xa9"
		    "\xe2\x9f\xa8U+200D\xe2\x9f\xa9\xe2\x9a\x90", 1 },
		/* The other invisibles stay marked next to emoji too. */
		{ "\xf0\x9f\x91\xa9\xe2\x80\x8b\xf0\x9f\x92\xbb",
		    "\xf0\x9f\x91\xa9\xe2\x9f\xa8U+200B\xe2\x9f\xa9"
		    "\xf0\x9f\x92\xbb", 1 },
	};
	char	*out;
	size_t	 i;
	int	 hidden;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = textsafe_copy(cases[i].in, strlen(cases[i].in), 0,
		    &hidden);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(hidden, cases[i].hidden);
		assert_true((textsafe_first_unsafe(cases[i].in) == NULL) ==
		    !cases[i].hidden);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes_c1_del_bidi_and_tags),
		cmocka_unit_test(test_json_round_trips_byte_exact),
		cmocka_unit_test(test_json_keeps_printable_text_and_layout),
		cmocka_unit_test(
		    test_json_bad_bytes_become_replacement_characters),
		cmocka_unit_test(test_copy_shows_every_hostile_character),
		cmocka_unit_test(test_zwj_shown_only_inside_emoji_sequences),
	};

	return (cmocka_run_group_tests_name("textsafe", tests, NULL, NULL));
}
