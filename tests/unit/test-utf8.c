/*
 * Unit tests for strict UTF-8 decoding, encoding and offset conversion.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

/* e + combining acute accent: two code points, one visible character. */
#define COMBINING	"e\xcc\x81"
/* U+1F469 ZWJ U+1F4BB (woman technologist). */
#define WOMAN_TECH	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"
/* U+65E5 U+672C U+8A9E. */
#define NIHONGO		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"

/*
 * ASCII, 2-byte (U+00E9), 3-byte (U+20AC), 4-byte (U+1F600), a combining
 * mark and CJK, so every sequence length and a surrogate pair appear:
 * 22 bytes, 9 code points, 10 UTF-16 units.
 */
#define MIXED		"a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" COMBINING NIHONGO
#define MIXED_LEN	(sizeof MIXED - 1)
#define MIXED_CPS	9
#define MIXED_U16	10

static void
assert_decodes(const char *s, size_t len, uint32_t want, int want_len)
{
	uint32_t	cp = 0xdeadbeef;

	assert_int_equal(utf8_decode(s, len, &cp), want_len);
	assert_int_equal(cp, want);
}

static void
assert_invalid_at(const char *s, size_t len, size_t want_bad)
{
	size_t	bad = (size_t)-1;

	assert_int_equal(utf8_valid(s, len, &bad), 0);
	assert_int_equal(bad, want_bad);
}

static void
test_ascii_counts_and_offsets_are_identity(void **state)
{
	const char	*s = "hello";
	size_t		 i, out;

	(void)state;
	assert_int_equal(utf8_valid(s, 5, NULL), 1);
	assert_int_equal(utf8_cp_count(s, 5), 5);
	assert_int_equal(utf8_u16_count(s, 5), 5);
	for (i = 0; i <= 5; i++) {
		assert_int_equal(utf8_cp_to_byte(s, 5, i, &out), 0);
		assert_int_equal(out, i);
		assert_int_equal(utf8_byte_to_cp(s, 5, i, &out), 0);
		assert_int_equal(out, i);
		assert_int_equal(utf8_cp_to_u16(s, 5, i, &out), 0);
		assert_int_equal(out, i);
		assert_int_equal(utf8_u16_to_cp(s, 5, i, &out), 0);
		assert_int_equal(out, i);
	}
	assert_decodes("A", 1, 0x41, 1);
}

static void
test_empty_text_has_only_the_end_offset(void **state)
{
	size_t	out = 99;

	(void)state;
	assert_int_equal(utf8_valid("", 0, NULL), 1);
	assert_int_equal(utf8_cp_count("", 0), 0);
	assert_int_equal(utf8_u16_count("", 0), 0);
	assert_int_equal(utf8_cp_to_byte("", 0, 0, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(utf8_cp_to_byte("", 0, 1, &out), -1);
	assert_int_equal(utf8_u16_to_cp("", 0, 1, &out), -1);
}

static void
test_two_byte_character(void **state)
{
	const char	*s = "\xc3\xa9";	/* U+00E9 */
	size_t		 out;

	(void)state;
	assert_decodes(s, 2, 0xe9, 2);
	assert_int_equal(utf8_cp_count(s, 2), 1);
	assert_int_equal(utf8_u16_count(s, 2), 1);
	assert_int_equal(utf8_cp_to_byte(s, 2, 1, &out), 0);
	assert_int_equal(out, 2);
}

static void
test_three_byte_character(void **state)
{
	const char	*s = "\xe2\x82\xac";	/* U+20AC */
	size_t		 out;

	(void)state;
	assert_decodes(s, 3, 0x20ac, 3);
	assert_int_equal(utf8_cp_count(s, 3), 1);
	assert_int_equal(utf8_u16_count(s, 3), 1);
	assert_int_equal(utf8_cp_to_byte(s, 3, 1, &out), 0);
	assert_int_equal(out, 3);
}

static void
test_four_byte_character_is_two_u16_units(void **state)
{
	const char	*s = "\xf0\x9f\x98\x80";	/* U+1F600 */
	size_t		 out;

	(void)state;
	assert_decodes(s, 4, 0x1f600, 4);
	assert_int_equal(utf8_cp_count(s, 4), 1);
	assert_int_equal(utf8_u16_count(s, 4), 2);
	assert_int_equal(utf8_cp_to_u16(s, 4, 1, &out), 0);
	assert_int_equal(out, 2);
	assert_int_equal(utf8_u16_to_cp(s, 4, 2, &out), 0);
	assert_int_equal(out, 1);
}

static void
test_combining_mark_is_separate_code_point(void **state)
{
	const char	*s = COMBINING;
	size_t		 len = sizeof COMBINING - 1, out;

	(void)state;
	assert_int_equal(len, 3);
	assert_int_equal(utf8_cp_count(s, len), 2);
	assert_int_equal(utf8_u16_count(s, len), 2);
	assert_int_equal(utf8_cp_to_byte(s, len, 1, &out), 0);
	assert_int_equal(out, 1);
	assert_decodes(s + 1, len - 1, 0x301, 2);
}

static void
test_emoji_zwj_sequence_counts(void **state)
{
	const char	*s = WOMAN_TECH;
	size_t		 len = sizeof WOMAN_TECH - 1, out;

	(void)state;
	assert_int_equal(len, 11);
	assert_int_equal(utf8_valid(s, len, NULL), 1);
	assert_int_equal(utf8_cp_count(s, len), 3);
	assert_int_equal(utf8_u16_count(s, len), 5);

	/* The ZWJ starts at byte 4, code point 1, UTF-16 unit 2. */
	assert_int_equal(utf8_cp_to_byte(s, len, 1, &out), 0);
	assert_int_equal(out, 4);
	assert_int_equal(utf8_cp_to_u16(s, len, 1, &out), 0);
	assert_int_equal(out, 2);
	assert_decodes(s + 4, len - 4, 0x200d, 3);

	/* The second emoji: byte 7, code point 2, UTF-16 unit 3. */
	assert_int_equal(utf8_byte_to_cp(s, len, 7, &out), 0);
	assert_int_equal(out, 2);
	assert_int_equal(utf8_u16_to_cp(s, len, 3, &out), 0);
	assert_int_equal(out, 2);
	assert_decodes(s + 7, len - 7, 0x1f4bb, 4);
}

static void
test_cjk_text(void **state)
{
	const char	*s = NIHONGO;
	size_t		 len = sizeof NIHONGO - 1, out;

	(void)state;
	assert_int_equal(len, 9);
	assert_int_equal(utf8_cp_count(s, len), 3);
	assert_int_equal(utf8_u16_count(s, len), 3);
	assert_int_equal(utf8_cp_to_byte(s, len, 2, &out), 0);
	assert_int_equal(out, 6);
	assert_decodes(s + 6, len - 6, 0x8a9e, 3);
}

static void
test_mixed_counts(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid(MIXED, MIXED_LEN, NULL), 1);
	assert_int_equal(MIXED_LEN, 22);
	assert_int_equal(utf8_cp_count(MIXED, MIXED_LEN), MIXED_CPS);
	assert_int_equal(utf8_u16_count(MIXED, MIXED_LEN), MIXED_U16);
}

static void
test_round_trip_cp_byte_cp_every_boundary(void **state)
{
	size_t	cp, byte, back;

	(void)state;
	for (cp = 0; cp <= MIXED_CPS; cp++) {
		assert_int_equal(utf8_cp_to_byte(MIXED, MIXED_LEN, cp, &byte),
		    0);
		assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, byte, &back),
		    0);
		assert_int_equal(back, cp);
	}
}

static void
test_round_trip_cp_u16_cp_every_boundary(void **state)
{
	size_t	cp, u16, back;

	(void)state;
	for (cp = 0; cp <= MIXED_CPS; cp++) {
		assert_int_equal(utf8_cp_to_u16(MIXED, MIXED_LEN, cp, &u16), 0);
		assert_int_equal(utf8_u16_to_cp(MIXED, MIXED_LEN, u16, &back),
		    0);
		assert_int_equal(back, cp);
	}
}

static void
test_mixed_boundaries_match_known_offsets(void **state)
{
	static const size_t	 bytes[MIXED_CPS + 1] =
	    { 0, 1, 3, 6, 10, 11, 13, 16, 19, 22 };
	static const size_t	 u16s[MIXED_CPS + 1] =
	    { 0, 1, 2, 3, 5, 6, 7, 8, 9, 10 };
	size_t			 cp, out;

	(void)state;
	for (cp = 0; cp <= MIXED_CPS; cp++) {
		assert_int_equal(utf8_cp_to_byte(MIXED, MIXED_LEN, cp, &out),
		    0);
		assert_int_equal(out, bytes[cp]);
		assert_int_equal(utf8_cp_to_u16(MIXED, MIXED_LEN, cp, &out), 0);
		assert_int_equal(out, u16s[cp]);
	}
}

static void
test_offset_at_end_is_valid(void **state)
{
	size_t	out;

	(void)state;
	assert_int_equal(utf8_cp_to_byte(MIXED, MIXED_LEN, MIXED_CPS, &out),
	    0);
	assert_int_equal(out, MIXED_LEN);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, MIXED_LEN, &out),
	    0);
	assert_int_equal(out, MIXED_CPS);
	assert_int_equal(utf8_cp_to_u16(MIXED, MIXED_LEN, MIXED_CPS, &out), 0);
	assert_int_equal(out, MIXED_U16);
	assert_int_equal(utf8_u16_to_cp(MIXED, MIXED_LEN, MIXED_U16, &out), 0);
	assert_int_equal(out, MIXED_CPS);
}

static void
test_offset_past_end_is_refused(void **state)
{
	size_t	out = 12345;

	(void)state;
	assert_int_equal(utf8_cp_to_byte(MIXED, MIXED_LEN, MIXED_CPS + 1,
	    &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, MIXED_LEN + 1,
	    &out), -1);
	assert_int_equal(utf8_cp_to_u16(MIXED, MIXED_LEN, MIXED_CPS + 1,
	    &out), -1);
	assert_int_equal(utf8_u16_to_cp(MIXED, MIXED_LEN, MIXED_U16 + 1,
	    &out), -1);
	assert_int_equal(utf8_cp_to_byte(MIXED, MIXED_LEN, (size_t)-1, &out),
	    -1);
	/* A refused conversion leaves the output alone. */
	assert_int_equal(out, 12345);
}

static void
test_byte_to_cp_refuses_offset_inside_character(void **state)
{
	size_t	out = 12345;

	(void)state;
	/* Bytes 1-2 are U+00E9, 3-5 U+20AC, 6-9 U+1F600. */
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 2, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 4, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 5, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 7, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 8, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 9, &out), -1);
	assert_int_equal(utf8_byte_to_cp(MIXED, MIXED_LEN, 21, &out), -1);
	assert_int_equal(out, 12345);
}

static void
test_u16_to_cp_refuses_middle_of_surrogate_pair(void **state)
{
	const char	*s = WOMAN_TECH;
	size_t		 len = sizeof WOMAN_TECH - 1, out = 12345;

	(void)state;
	/* Units 0-1 and 3-4 are the two surrogate pairs. */
	assert_int_equal(utf8_u16_to_cp(s, len, 1, &out), -1);
	assert_int_equal(utf8_u16_to_cp(s, len, 4, &out), -1);
	assert_int_equal(out, 12345);
	assert_int_equal(utf8_u16_to_cp(MIXED, MIXED_LEN, 4, &out), -1);
}

static void
test_valid_rejects_overlong(void **state)
{
	(void)state;
	assert_invalid_at("\xc0\xaf", 2, 0);
	assert_invalid_at("\xc1\xbf", 2, 0);
	assert_invalid_at("\xe0\x80\xaf", 3, 0);
	assert_invalid_at("\xe0\x9f\xbf", 3, 0);
	assert_invalid_at("\xf0\x80\x80\xaf", 4, 0);
	assert_invalid_at("\xf0\x8f\xbf\xbf", 4, 0);
	/* The shortest forms just above the overlong ranges are fine. */
	assert_int_equal(utf8_valid("\xc2\x80", 2, NULL), 1);
	assert_int_equal(utf8_valid("\xe0\xa0\x80", 3, NULL), 1);
	assert_int_equal(utf8_valid("\xf0\x90\x80\x80", 4, NULL), 1);
}

static void
test_valid_rejects_surrogate(void **state)
{
	(void)state;
	assert_invalid_at("\xed\xa0\x80", 3, 0);
	assert_invalid_at("\xed\xbf\xbf", 3, 0);
	/* U+D7FF and U+E000 are on either side of the surrogates. */
	assert_int_equal(utf8_valid("\xed\x9f\xbf", 3, NULL), 1);
	assert_int_equal(utf8_valid("\xee\x80\x80", 3, NULL), 1);
}

static void
test_valid_rejects_above_max_code_point(void **state)
{
	(void)state;
	assert_invalid_at("\xf4\x90\x80\x80", 4, 0);
	assert_invalid_at("\xf5\x80\x80\x80", 4, 0);
	assert_int_equal(utf8_valid("\xf4\x8f\xbf\xbf", 4, NULL), 1);
}

static void
test_valid_rejects_invalid_byte(void **state)
{
	(void)state;
	assert_invalid_at("\xff", 1, 0);
	assert_invalid_at("\xfe", 1, 0);
}

static void
test_valid_rejects_stray_continuation(void **state)
{
	(void)state;
	assert_invalid_at("\x80", 1, 0);
	assert_invalid_at("\xbf", 1, 0);
	/* One continuation byte too many after a complete character. */
	assert_invalid_at("\xc3\xa9\xa9", 3, 2);
}

static void
test_valid_rejects_truncated_sequence(void **state)
{
	(void)state;
	assert_invalid_at("\xe2\x82", 2, 0);
	assert_invalid_at("\xc3", 1, 0);
	assert_invalid_at("\xf0\x9f\x98", 3, 0);
	/* Truncated by a following non-continuation byte, not by the end. */
	assert_invalid_at("\xe2\x82x", 3, 0);
}

static void
test_valid_reports_first_bad_offset_after_valid_text(void **state)
{
	char	buf[64];
	size_t	pre = MIXED_LEN;

	(void)state;
	memcpy(buf, MIXED, pre);

	memcpy(buf + pre, "\xc0\xaf", 2);
	assert_invalid_at(buf, pre + 2, pre);
	memcpy(buf + pre, "\xe0\x80\xaf", 3);
	assert_invalid_at(buf, pre + 3, pre);
	memcpy(buf + pre, "\xf0\x80\x80\xaf", 4);
	assert_invalid_at(buf, pre + 4, pre);
	memcpy(buf + pre, "\xed\xa0\x80", 3);
	assert_invalid_at(buf, pre + 3, pre);
	memcpy(buf + pre, "\xf4\x90\x80\x80", 4);
	assert_invalid_at(buf, pre + 4, pre);
	memcpy(buf + pre, "\xff", 1);
	assert_invalid_at(buf, pre + 1, pre);
	memcpy(buf + pre, "\x80", 1);
	assert_invalid_at(buf, pre + 1, pre);
	memcpy(buf + pre, "\xe2\x82", 2);
	assert_invalid_at(buf, pre + 2, pre);

	/* Only the first of two bad bytes is reported. */
	memcpy(buf, "ab\x80\xff", 4);
	assert_invalid_at(buf, 4, 2);
}

static void
test_valid_with_null_bad_pointer(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid("a\xff", 2, NULL), 0);
}

static void
test_decode_rejects_invalid_and_returns_first_byte(void **state)
{
	(void)state;
	assert_decodes("\xc0\xaf", 2, 0xc0, 0);
	assert_decodes("\xed\xa0\x80", 3, 0xed, 0);
	assert_decodes("\xf4\x90\x80\x80", 4, 0xf4, 0);
	assert_decodes("\xff", 1, 0xff, 0);
	assert_decodes("\x80", 1, 0x80, 0);
	/* Valid bytes but fewer of them than len allows. */
	assert_decodes("\xe2\x82\xac", 2, 0xe2, 0);
}

static void
test_encode_refuses_surrogates(void **state)
{
	char	out[4];

	(void)state;
	assert_int_equal(utf8_encode(0xd800, out), 0);
	assert_int_equal(utf8_encode(0xdbff, out), 0);
	assert_int_equal(utf8_encode(0xdc00, out), 0);
	assert_int_equal(utf8_encode(0xdfff, out), 0);
}

static void
test_encode_refuses_above_max_code_point(void **state)
{
	char	out[4];

	(void)state;
	assert_int_equal(utf8_encode(0x110000, out), 0);
	assert_int_equal(utf8_encode(0xffffffff, out), 0);
}

static void
test_encode_decode_round_trip_at_length_boundaries(void **state)
{
	static const struct {
		uint32_t	cp;
		int		len;
	} cases[] = {
		{ 0, 1 }, { 0x7f, 1 }, { 0x80, 2 }, { 0x7ff, 2 },
		{ 0x800, 3 }, { 0xd7ff, 3 }, { 0xe000, 3 }, { 0xffff, 3 },
		{ 0x10000, 4 }, { 0x10ffff, 4 },
	};
	char		out[4];
	uint32_t	cp;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(utf8_encode(cases[i].cp, out), cases[i].len);
		assert_int_equal(utf8_decode(out, (size_t)cases[i].len, &cp),
		    cases[i].len);
		assert_int_equal(cp, cases[i].cp);
	}
}

static void
test_encode_known_bytes(void **state)
{
	char	out[4];

	(void)state;
	assert_int_equal(utf8_encode(0x20ac, out), 3);
	assert_memory_equal(out, "\xe2\x82\xac", 3);
	assert_int_equal(utf8_encode(0x1f469, out), 4);
	assert_memory_equal(out, "\xf0\x9f\x91\xa9", 4);
}

static void
test_embedded_nul_is_one_code_point(void **state)
{
	const char	 s[] = "a\0\xc3\xa9";
	size_t		 len = sizeof s - 1, out;

	(void)state;
	assert_int_equal(len, 4);
	assert_int_equal(utf8_valid(s, len, NULL), 1);
	assert_int_equal(utf8_cp_count(s, len), 3);
	assert_int_equal(utf8_u16_count(s, len), 3);
	assert_decodes(s + 1, len - 1, 0, 1);
	assert_int_equal(utf8_cp_to_byte(s, len, 2, &out), 0);
	assert_int_equal(out, 2);
	assert_int_equal(utf8_byte_to_cp(s, len, 4, &out), 0);
	assert_int_equal(out, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_counts_and_offsets_are_identity),
		cmocka_unit_test(test_empty_text_has_only_the_end_offset),
		cmocka_unit_test(test_two_byte_character),
		cmocka_unit_test(test_three_byte_character),
		cmocka_unit_test(test_four_byte_character_is_two_u16_units),
		cmocka_unit_test(test_combining_mark_is_separate_code_point),
		cmocka_unit_test(test_emoji_zwj_sequence_counts),
		cmocka_unit_test(test_cjk_text),
		cmocka_unit_test(test_mixed_counts),
		cmocka_unit_test(test_round_trip_cp_byte_cp_every_boundary),
		cmocka_unit_test(test_round_trip_cp_u16_cp_every_boundary),
		cmocka_unit_test(test_mixed_boundaries_match_known_offsets),
		cmocka_unit_test(test_offset_at_end_is_valid),
		cmocka_unit_test(test_offset_past_end_is_refused),
		cmocka_unit_test(test_byte_to_cp_refuses_offset_inside_character),
		cmocka_unit_test(test_u16_to_cp_refuses_middle_of_surrogate_pair),
		cmocka_unit_test(test_valid_rejects_overlong),
		cmocka_unit_test(test_valid_rejects_surrogate),
		cmocka_unit_test(test_valid_rejects_above_max_code_point),
		cmocka_unit_test(test_valid_rejects_invalid_byte),
		cmocka_unit_test(test_valid_rejects_stray_continuation),
		cmocka_unit_test(test_valid_rejects_truncated_sequence),
		cmocka_unit_test(
		    test_valid_reports_first_bad_offset_after_valid_text),
		cmocka_unit_test(test_valid_with_null_bad_pointer),
		cmocka_unit_test(
		    test_decode_rejects_invalid_and_returns_first_byte),
		cmocka_unit_test(test_encode_refuses_surrogates),
		cmocka_unit_test(test_encode_refuses_above_max_code_point),
		cmocka_unit_test(
		    test_encode_decode_round_trip_at_length_boundaries),
		cmocka_unit_test(test_encode_known_bytes),
		cmocka_unit_test(test_embedded_nul_is_one_code_point),
	};

	return (cmocka_run_group_tests_name("utf8", tests, NULL, NULL));
}
