/*
 * Unit tests for export/redact.c: confirmed personal data taken by code
 * point offsets, matched in every spelling that folds alike on grapheme
 * and word boundaries, and its replacement (replace, mask, hash, none).
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
	out = export_redact_text_mode(&p, "Hi " JOSE ", " ZOE "/" ZOE "!",
	    EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, "Hi <PERSON>, <PERSON>/<PERSON>!");
	free(out);
	/* Inside one word, they are not the names: ZoëZoë is another. */
	out = export_redact_text_mode(&p, ZOE ZOE, EXPORT_REDACT_REPLACE,
	    NULL);
	assert_string_equal(out, ZOE ZOE);
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

/*
 * The tag is HMAC-SHA-256(key, folded value), computed here independently:
 * Zoë folds to zoë, so ZOË, Zoë and Zoe + U+0308 hash alike.
 */
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
	a = export_redact_text_mode(&p, "ZO\xc3\x8b", EXPORT_REDACT_HASH,
	    key1);
	assert_non_null(HMAC(EVP_sha256(), key1, sizeof key1,
	    (const unsigned char *)"zo\xc3\xab", 4, md, &mdlen));
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

/* text with one value added at [start, end) code points, redacted. */
static char *
redact1(const char *src, size_t start, size_t end, const char *type,
    const char *text, enum export_redact mode)
{
	struct export_pii	 p;
	char			*out;

	memset(&p, 0, sizeof p);
	export_pii_add(&p, src, start, end, type);
	out = export_redact_text_mode(&p, text, mode, mode ==
	    EXPORT_REDACT_HASH ? key1 : NULL);
	export_pii_done(&p);
	return (out);
}

static void
expect_redact(const char *src, size_t start, size_t end, const char *text,
    const char *want)
{
	char *out = redact1(src, start, end, "X", text, EXPORT_REDACT_REPLACE);

	assert_string_equal(out, want);
	free(out);
}

#define EMAIL_SRC	"mail john.smith@example.com now"

/* Case, zero-width characters, fullwidth (NFKC) forms: one value. */
static void
test_spellings_fold_alike(void **state)
{
	(void)state;
	expect_redact(EMAIL_SRC, 5, 27, "to JOHN.SMITH@EXAMPLE.COM.",
	    "to <X>.");
	expect_redact(EMAIL_SRC, 5, 27, "to john.smith@example.com.",
	    "to <X>.");
	/* U+200B ZERO WIDTH SPACE inside: the replacement covers it. */
	expect_redact(EMAIL_SRC, 5, 27,
	    "to john.smith@exam\xe2\x80\x8bple.com.", "to <X>.");
	/* U+00AD SOFT HYPHEN and U+2060 WORD JOINER. */
	expect_redact(EMAIL_SRC, 5, 27,
	    "to john.\xc2\xad" "smith@example\xe2\x81\xa0.com!", "to <X>!");
	/* Fullwidth ＪＯＨＮ (U+FF2A...) is john under NFKC. */
	expect_redact("Ask John now", 4, 8, "ask \xef\xbc\xaa\xef\xbc\xaf"
	    "\xef\xbc\xa8\xef\xbc\xae?", "ask <X>?");
	/* A reviewer's rewrite that folds to another value is another. */
	expect_redact(EMAIL_SRC, 5, 27, "to J.Smith@Example.com.",
	    "to J.Smith@Example.com.");
	/* Precomposed and decomposed accents are one. */
	expect_redact(TEXT, 15, 20, "Jos\xc3\xa9 and JOS\xc3\x89.",
	    "<X> and <X>.");
	/* German sharp s folds to ss. */
	expect_redact("in Stra\xc3\x9f" "e 5", 3, 9, "STRASSE 5",
	    "<X> 5");
}

/* Confirmed Ann is not the start of Annual, nor inside Joanna. */
static void
test_word_boundaries(void **state)
{
	(void)state;
	expect_redact("Ann called", 0, 3,
	    "Annual report by Ann, for ann and Joanna (ANN).",
	    "Annual report by <X>, for <X> and Joanna (<X>).");
	/* A soft hyphen inside a word does not make a boundary. */
	expect_redact("Ann called", 0, 3, "Ann\xc2\xad" "ual", "Ann\xc2\xad"
	    "ual");
	/* An id: the hyphen is a boundary. */
	expect_redact(EMAIL_SRC, 5, 27, "anon-john.smith@example.com",
	    "anon-<X>");
	/* A value confirmed inside a word is matched there too. */
	expect_redact("JohnSmith", 4, 9, "JohnSmith and Smith",
	    "John<X> and <X>");
}

/*
 * Grapheme clusters: a value is never matched across part of one (e next
 * to a combining accent, one emoji of a ZWJ sequence), and a value that
 * was confirmed across part of one is widened to it.
 */
static void
test_grapheme_boundaries(void **state)
{
	(void)state;
	/* Jose does not match the first four letters of José. */
	expect_redact("Ask Jose now", 4, 8, "Hi " JOSE ", Jose!",
	    "Hi " JOSE ", <X>!");
	/* A value followed by a combining mark in the text: not the value. */
	expect_redact("Ask Zoe", 4, 7, "Zoe\xcc\x88 and Zoe",
	    "Zoe\xcc\x88 and <X>");
	/* One emoji of the woman-technologist sequence is not the person. */
	expect_redact("\xf0\x9f\x91\xa9 here", 0, 1, WOMAN_TECH " and "
	    "\xf0\x9f\x91\xa9.", WOMAN_TECH " and <X>.");
	/* The whole sequence matches itself. */
	expect_redact(TEXT, 0, 3, "a " WOMAN_TECH " b", "a <X> b");
	/* A span of the e without its accent widens to e + U+0301. */
	expect_redact(TEXT, 15, 19, "note: e, " JOSE ", Jose",
	    "note: e, <X>, Jose");
}

/*
 * CJK has no spaces: libunistring's word breaks (UAX #29) put one around
 * every ideograph and hiragana, so a CJK value matches wherever its
 * characters stand; katakana runs are one word.
 */
static void
test_cjk_and_crlf(void **state)
{
	(void)state;
	expect_redact(TEXT, 4, 6, "\xe6\x88\x91\xe5\x9c\xa8" TOKYO
	    "\xe5\xb7\xa5\xe4\xbd\x9c", "\xe6\x88\x91\xe5\x9c\xa8<X>"
	    "\xe5\xb7\xa5\xe4\xbd\x9c");
	/* CRLF is one cluster; a value at a line's end is found. */
	expect_redact("Ann\r\nBob", 0, 3, "Hi Ann\r\nann\r\n", "Hi <X>\r\n<X>\r\n");
	expect_redact("Ann\r\nBob", 0, 8, "x Ann\r\nBob y", "x <X> y");
}

/* Mask covers what it replaces; hash is of the folded value. */
static void
test_mask_and_hash_across_spellings(void **state)
{
	char	*a, *b, *c;

	(void)state;
	a = redact1(EMAIL_SRC, 5, 27, "E", "john.smith@example.com",
	    EXPORT_REDACT_HASH);
	b = redact1(EMAIL_SRC, 5, 27, "E", "JOHN.SMITH@EXAMPLE.COM",
	    EXPORT_REDACT_HASH);
	c = redact1(EMAIL_SRC, 5, 27, "E", "john.smith@exam\xe2\x80\x8bple.com",
	    EXPORT_REDACT_HASH);
	assert_hash_tag(a, "E");
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	free(a);
	free(b);
	free(c);
	a = redact1(EMAIL_SRC, 5, 27, "E", "(JOHN.SMITH@EXAMPLE.COM)",
	    EXPORT_REDACT_MASK);
	assert_string_equal(a, "(**********************)");
	free(a);
}

/* Spellings of one value are one value; another type does not add it. */
static void
test_dedup_by_folded_value(void **state)
{
	struct export_pii	p;

	(void)state;
	memset(&p, 0, sizeof p);
	export_pii_add(&p, EMAIL_SRC, 5, 27, "EMAIL");
	export_pii_add(&p, "JOHN.SMITH@EXAMPLE.COM", 0, 22, "OTHER");
	assert_int_equal(p.n, 1);
	assert_string_equal(p.type[0], "EMAIL");
	/* Only ignorables: nothing to match. */
	export_pii_add(&p, "a\xe2\x80\x8b" "b", 1, 2, "X");
	assert_int_equal(p.n, 1);
	pii_free(&p);
}

/* 10,000 values in one text: every one replaced, nothing else. */
static void
test_ten_thousand_values(void **state)
{
	struct export_pii	 p;
	size_t			 i, len = 0, cap = 1 << 20, o;
	char			*text = malloc(cap), *want = malloc(cap), *out;
	int			 n;

	(void)state;
	memset(&p, 0, sizeof p);
	for (i = 0, o = 0; i < 10000; i++) {
		n = snprintf(text + len, cap - len, "user%zu@example.com %zu ",
		    i, i);
		export_pii_add(&p, text, len, len + (size_t)n - 2 -
		    (size_t)snprintf(NULL, 0, "%zu", i), "E");
		o += (size_t)snprintf(want + o, cap - o, "<E> %zu ", i);
		len += (size_t)n;
	}
	assert_int_equal(p.n, 10000);
	out = export_redact_text_mode(&p, text, EXPORT_REDACT_REPLACE, NULL);
	assert_string_equal(out, want);
	free(out);
	free(text);
	free(want);
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
		cmocka_unit_test(test_spellings_fold_alike),
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_grapheme_boundaries),
		cmocka_unit_test(test_cjk_and_crlf),
		cmocka_unit_test(test_mask_and_hash_across_spellings),
		cmocka_unit_test(test_dedup_by_folded_value),
		cmocka_unit_test(test_ten_thousand_values),
	};

	return (cmocka_run_group_tests_name("export", tests, NULL, NULL));
}
