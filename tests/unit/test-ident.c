/* Unit tests for the rule on ids and names: NFC, nothing invisible. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "utf8.h"

static void
assert_ok(const char *s)
{
	char *why = NULL;

	if (ident_check(s, IDENT_NAME_MAX, &why) != 0) {
		print_error("\"%s\" refused: %s\n", s, why);
		free(why);
		fail();
	}
	assert_null(why);
}

/* s is refused with exactly the message want. */
static void
assert_refused(const char *s, const char *want)
{
	char *why = NULL;

	if (ident_check(s, IDENT_NAME_MAX, &why) == 0) {
		print_error("\"%s\" accepted, expected \"%s\"\n", s, want);
		fail();
	}
	assert_non_null(why);
	if (strcmp(why, want) != 0) {
		print_error("message \"%s\" is not \"%s\"\n", why, want);
		free(why);
		fail();
	}
	free(why);
}

static void
test_ascii_names_with_inner_spaces_and_punctuation_pass(void **state)
{
	(void)state;
	assert_ok("a");
	assert_ok("a b");
	assert_ok("a  b c");
	assert_ok("bias.gender");
	assert_ok("out-0001_x:y/z#1 (old) \"q\" \\");
}

static void
test_nfc_names_in_any_script_pass(void **state)
{
	(void)state;
	assert_ok("caf\xc3\xa9");				/* café */
	assert_ok("\xed\x95\x9c\xea\xb8\x80");			/* 한글 */
	assert_ok("\xe6\x97\xa5\xe6\x9c\xac");			/* 日本 */
	assert_ok("\xf0\x9f\x98\x80-1");			/* emoji */
	assert_ok("\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9");
	/* A combining mark with no precomposed form stays as it is. */
	assert_ok("q\xcc\x81");
}

static void
test_empty_and_long_names_are_refused(void **state)
{
	char	name[IDENT_NAME_MAX + 2], *why = NULL;

	(void)state;
	assert_refused("", "must not be empty");
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_refused(name, "longer than 128 bytes");
	name[IDENT_NAME_MAX] = '\0';
	assert_ok(name);
	assert_int_equal(ident_check(name, 16, &why), -1);
	assert_string_equal(why, "longer than 16 bytes");
	free(why);
}

/* "a1" and "a1 " would be two items that print the same. */
static void
test_leading_and_trailing_spaces_are_refused(void **state)
{
	(void)state;
	assert_refused("a1 ", "ends with a space");
	assert_refused(" a1", "starts with a space");
	assert_refused(" ", "starts with a space");
}

/* NFC and NFD spellings of café are distinct bytes that print the same. */
static void
test_names_not_in_nfc_are_refused_with_the_nfc_spelling(void **state)
{
	(void)state;
	assert_refused("cafe\xcc\x81", "not in Unicode normalization form C "
	    "(\"cafe\\u0301\"); its NFC spelling is \"caf\\u00e9\"");
	/* Hangul as conjoining jamo; a singleton (Angstrom sign). */
	assert_refused("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab",
	    "not in Unicode normalization form C (\"\\u1112\\u1161\\u11ab\"); "
	    "its NFC spelling is \"\\ud55c\"");
	assert_refused("\xe2\x84\xab", "not in Unicode normalization form C "
	    "(\"\\u212b\"); its NFC spelling is \"\\u00c5\"");
	/* Marks out of canonical order, beside a quote and an emoji. */
	assert_refused("\"a\xcc\x81\xcc\xa3\xf0\x9f\x98\x80",
	    "not in Unicode normalization form C (\"\\\"a\\u0301\\u0323"
	    "\\ud83d\\ude00\"); its NFC spelling is \"\\\"\\u1ea1\\u0301"
	    "\\ud83d\\ude00\"");
}

/*
 * Every kind of character a reader cannot see or tell from a space, each
 * named with its byte and what it is.
 */
static void
test_invisible_and_blank_characters_are_refused(void **state)
{
	static const struct {
		uint32_t	 cp;
		const char	*what;
	} cases[] = {
		{ 0x0009, "a control character" },
		{ 0x007f, "a control character" },
		{ 0x0085, "a control character" },
		{ 0x009b, "a control character" },
		{ 0x00ad, "a format character" },
		{ 0x034f, "a default-ignorable character" },
		{ 0x061c, "a format character" },
		{ 0x115f, "a blank-looking character" },
		{ 0x1160, "a blank-looking character" },
		{ 0x17b4, "a default-ignorable character" },
		{ 0x180b, "a default-ignorable character" },
		{ 0x180e, "a format character" },
		{ 0x200b, "a format character" },
		{ 0x200d, "a format character" },
		{ 0x200e, "a format character" },
		{ 0x202e, "a format character" },
		{ 0x2060, "a format character" },
		{ 0x2066, "a format character" },
		{ 0x206a, "a format character" },
		{ 0x2800, "a blank-looking character" },
		{ 0x3164, "a blank-looking character" },
		{ 0xfe0f, "a default-ignorable character" },
		{ 0xfeff, "a format character" },
		{ 0xffa0, "a blank-looking character" },
		{ 0x1d173, "a format character" },
		{ 0xe0041, "a format character" },
		{ 0xe0100, "a default-ignorable character" },
		{ 0x00a0, "white space other than a space" },
		{ 0x1680, "white space other than a space" },
		{ 0x2003, "white space other than a space" },
		{ 0x2028, "white space other than a space" },
		{ 0x202f, "white space other than a space" },
		{ 0x3000, "white space other than a space" },
	};
	char	name[16], want[128];
	size_t	i;
	int	n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		name[0] = 'a';
		n = utf8_encode(cases[i].cp, name + 1);
		memcpy(name + 1 + n, "b", 2);
		snprintf(want, sizeof want, "contains a control or invisible "
		    "character at byte 2 (U+%04X, %s)",
		    (unsigned int)cases[i].cp, cases[i].what);
		assert_refused(name, want);
		/* At either end, the character is what is named. */
		memmove(name, name + 1, strlen(name));
		want[strlen("contains a control or invisible character at "
		    "byte ")] = '1';
		assert_refused(name, want);
	}
}

static void
test_invalid_utf8_is_refused(void **state)
{
	(void)state;
	assert_refused("ab\xff", "not valid UTF-8 (byte 3)");
	assert_refused("a\xed\xa0\x80", "not valid UTF-8 (byte 2)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_ascii_names_with_inner_spaces_and_punctuation_pass),
		cmocka_unit_test(test_nfc_names_in_any_script_pass),
		cmocka_unit_test(test_empty_and_long_names_are_refused),
		cmocka_unit_test(test_leading_and_trailing_spaces_are_refused),
		cmocka_unit_test(
		    test_names_not_in_nfc_are_refused_with_the_nfc_spelling),
		cmocka_unit_test(
		    test_invisible_and_blank_characters_are_refused),
		cmocka_unit_test(test_invalid_utf8_is_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
