/*
 * Unit tests for export/redact.c: confirmed personal data taken by code
 * point offsets, and its replacement (replace, mask, hash, none).
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sink.h"

/* U+1F469 ZWJ U+1F4BB (woman technologist): 3 code points, 11 bytes. */
#define WOMAN_TECH	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"
/* U+6771 U+4EAC (Tokyo): 2 code points, 6 bytes. */
#define TOKYO		"\xe6\x9d\xb1\xe4\xba\xac"
/* Zo + U+00EB: 3 code points, 4 bytes. */
#define ZOE		"Zo\xc3\xab"
/* Jose + U+0301 (combining acute): 5 code points, 6 bytes. */
#define JOSE		"Jose\xcc\x81"

/*
 * Code points: the emoji 0..3, space 3, Tokyo 4..6, space 6, Zoë 7..10,
 * " and " 10..15, José 15..20, "." 20.
 */
#define TEXT		WOMAN_TECH " " TOKYO " " ZOE " and " JOSE "."

static void
pii_free(struct export_pii *p)
{
	export_pii_done(p);
	assert_null(p->text);
	assert_null(p->type);
	assert_int_equal(p->n, 0);
}

static void
test_pii_add_code_points(void **state)
{
	struct export_pii	p;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 0, 3, "EMOJI");
	export_pii_add(&p, TEXT, 4, 6, "LOCATION");
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	export_pii_add(&p, TEXT, 15, 20, "PERSON");
	assert_int_equal(p.n, 4);
	assert_string_equal(p.text[0], WOMAN_TECH);
	assert_string_equal(p.text[1], TOKYO);
	assert_string_equal(p.text[2], ZOE);
	assert_string_equal(p.text[3], JOSE);
	assert_string_equal(p.type[0], "EMOJI");
	assert_string_equal(p.type[1], "LOCATION");
	assert_string_equal(p.type[2], "PERSON");
	assert_string_equal(p.type[3], "PERSON");
	pii_free(&p);
}

static void
test_pii_add_ignores_duplicates_and_bad_offsets(void **state)
{
	struct export_pii	p;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 4, 6, "LOCATION");
	/* The same string again, even under another type: kept once. */
	export_pii_add(&p, TEXT, 4, 6, "ORGANIZATION");
	/* Empty, reversed, past the end (the text has 21 code points). */
	export_pii_add(&p, TEXT, 5, 5, "X");
	export_pii_add(&p, TEXT, 6, 4, "X");
	export_pii_add(&p, TEXT, 20, 22, "X");
	export_pii_add(&p, TEXT, 30, 31, "X");
	assert_int_equal(p.n, 1);
	assert_string_equal(p.type[0], "LOCATION");
	/* The last code point is fine. */
	export_pii_add(&p, TEXT, 20, 21, "DOT");
	assert_int_equal(p.n, 2);
	assert_string_equal(p.text[1], ".");
	pii_free(&p);
}

static void
test_replace_every_occurrence_longest_first(void **state)
{
	static const char text[] =
	    "Ana Garc\xc3\xad" "a met Ana in " TOKYO "; Ana Garc\xc3\xad"
	    "a left " TOKYO ".";
	struct export_pii	p;
	char			*out;

	(void)state;
	memset(&p, 0, sizeof p);
	/* The shorter value first: the longer one must still win. */
	export_pii_add(&p, text, 0, 3, "FIRST_NAME");
	export_pii_add(&p, text, 0, 10, "PERSON");
	export_pii_add(&p, text, 22, 24, "LOCATION");
	assert_int_equal(p.n, 3);
	assert_string_equal(p.text[1], "Ana Garc\xc3\xad" "a");
	assert_string_equal(p.text[2], TOKYO);
	out = export_redact_text_mode(&p, text, EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, "<PERSON> met <FIRST_NAME> in <LOCATION>; "
	    "<PERSON> left <LOCATION>.");
	free(out);
	pii_free(&p);
}

static void
test_replace_in_another_text(void **state)
{
	struct export_pii	p;
	char			*out;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	export_pii_add(&p, TEXT, 15, 20, "PERSON");
	/* The values are found wherever they are, not at their offsets. */
	out = export_redact_text_mode(&p, "Hi " JOSE ", " ZOE ZOE "!",
	    EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, "Hi <PERSON>, <PERSON><PERSON>!");
	free(out);
	/* Plain "Jose" is not José. */
	out = export_redact_text_mode(&p, "Jose", EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, "Jose");
	free(out);
	pii_free(&p);
}

static void
test_mask_one_star_per_code_point(void **state)
{
	struct export_pii	p;
	char			*out;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 0, 3, "EMOJI");
	export_pii_add(&p, TEXT, 4, 6, "LOCATION");
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	export_pii_add(&p, TEXT, 15, 20, "PERSON");
	out = export_redact_text_mode(&p, TEXT, EXPORT_REDACT_MASK, NULL);
	assert_string_equal(out, "*** ** *** and *****.");
	free(out);
	pii_free(&p);
}

/* "<TYPE:" 12 lowercase hex digits ">" */
static void
assert_hash_tag(const char *s, const char *type)
{
	size_t	tl = strlen(type), i;

	/* 128 bits of HMAC-SHA-256, as hex. */
	assert_int_equal(strlen(s), 1 + tl + 1 + 32 + 1);
	assert_int_equal(s[0], '<');
	assert_memory_equal(s + 1, type, tl);
	assert_int_equal(s[1 + tl], ':');
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", s[2 + tl + i]));
	assert_int_equal(s[2 + tl + 32], '>');
}

static const unsigned char key1[32] = { 1 };
static const unsigned char key2[32] = { 2 };

/* The tag is HMAC-SHA-256(key, value), computed here independently. */
static void
test_hash_is_keyed_hmac(void **state)
{
	struct export_pii	 p;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			*a, want[64], hex[33];

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	a = export_redact_text_mode(&p, ZOE, EXPORT_REDACT_HASH, key1);
	assert_non_null(HMAC(EVP_sha256(), key1, sizeof key1,
	    (const unsigned char *)ZOE, strlen(ZOE), md, &mdlen));
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(want, sizeof want, "<PERSON:%s>", hex);
	assert_string_equal(a, want);
	free(a);
	export_pii_done(&p);
}

static void
test_hash_stable_per_key(void **state)
{
	struct export_pii	p;
	char			*a, *b, *c, *twice, *other;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	export_pii_add(&p, TEXT, 15, 20, "PERSON");
	a = export_redact_text_mode(&p, ZOE, EXPORT_REDACT_HASH, key1);
	b = export_redact_text_mode(&p, ZOE, EXPORT_REDACT_HASH, key1);
	c = export_redact_text_mode(&p, ZOE, EXPORT_REDACT_HASH, key2);
	assert_hash_tag(a, "PERSON");
	assert_hash_tag(c, "PERSON");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* The same value twice: the same tag; another value: another tag. */
	twice = export_redact_text_mode(&p, ZOE "|" ZOE,
	    EXPORT_REDACT_HASH, key1);
	assert_int_equal(strlen(twice), 2 * strlen(a) + 1);
	assert_memory_equal(twice, a, strlen(a));
	assert_string_equal(twice + strlen(a) + 1, a);
	other = export_redact_text_mode(&p, JOSE, EXPORT_REDACT_HASH,
	    key1);
	assert_hash_tag(other, "PERSON");
	assert_string_not_equal(other, a);
	free(a);
	free(b);
	free(c);
	free(twice);
	free(other);
	pii_free(&p);
}

static void
test_none_copies(void **state)
{
	struct export_pii	p;
	char			*out;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	out = export_redact_text_mode(&p, TEXT, EXPORT_REDACT_NONE, NULL);
	assert_non_null(out);
	assert_ptr_not_equal(out, TEXT);
	assert_string_equal(out, TEXT);
	free(out);
	pii_free(&p);
}

static void
test_nothing_confirmed_copies(void **state)
{
	struct export_pii	p;
	char			*out;

	(void)state;
	memset(&p, 0, sizeof p);
	out = export_redact_text_mode(&p, TEXT, EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, TEXT);
	free(out);
	out = export_redact_text_mode(&p, "", EXPORT_REDACT_MASK, NULL);
	assert_string_equal(out, "");
	free(out);
	pii_free(&p);
}

/* The function promises NULL for no text (its first check). */
static void
test_null_text(void **state)
{
	struct export_pii	p;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, TEXT, 7, 10, "PERSON");
	assert_null(export_redact_text_mode(&p, NULL, EXPORT_REDACT_REPLACE, NULL));
	pii_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pii_add_code_points),
		cmocka_unit_test(
		    test_pii_add_ignores_duplicates_and_bad_offsets),
		cmocka_unit_test(test_replace_every_occurrence_longest_first),
		cmocka_unit_test(test_replace_in_another_text),
		cmocka_unit_test(test_mask_one_star_per_code_point),
		cmocka_unit_test(test_hash_stable_per_key),
		cmocka_unit_test(test_hash_is_keyed_hmac),
		cmocka_unit_test(test_none_copies),
		cmocka_unit_test(test_nothing_confirmed_copies),
		cmocka_unit_test(test_null_text),
	};

	return (cmocka_run_group_tests_name("export", tests, NULL, NULL));
}
