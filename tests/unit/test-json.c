/* Unit tests for strict JSON parsing and the typed field getters. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Parses s, expecting success; returns the tree. */
static cJSON *
parse_ok(const char *s)
{
	cJSON	*v = (cJSON *)1;
	char	*cause = NULL;

	if (json_parse_strict(s, strlen(s), &v, &cause) != 0) {
		print_error("unexpected failure: %s\n", cause);
		free(cause);
		fail();
	}
	assert_null(cause);
	assert_non_null(v);
	return (v);
}

/* Parses buf[0..len), expecting failure with want inside the message. */
static void
assert_refused_len(const char *buf, size_t len, const char *want)
{
	cJSON	*v = (cJSON *)1;
	char	*cause = NULL;

	if (json_parse_strict(buf, len, &v, &cause) == 0) {
		cJSON_Delete(v);
		print_error("accepted, expected \"%s\"\n", want);
		fail();
	}
	assert_null(v);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("message \"%s\" lacks \"%s\"\n", cause, want);
		free(cause);
		fail();
	}
	free(cause);
}

static void
assert_refused(const char *s, const char *want)
{
	assert_refused_len(s, strlen(s), want);
}

static void
test_valid_object_parses_with_its_values(void **state)
{
	cJSON	*v;

	(void)state;
	v = parse_ok(" {\"id\": \"a\", \"n\": 3, \"list\": [1, {\"x\": null}],"
	    " \"t\": \"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"}\n");
	assert_true(cJSON_IsObject(v));
	assert_string_equal(cJSON_GetObjectItem(v, "id")->valuestring, "a");
	assert_int_equal(cJSON_GetObjectItem(v, "n")->valueint, 3);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "list")),
	    2);
	assert_string_equal(cJSON_GetObjectItem(v, "t")->valuestring,
	    "caf\xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80");
	cJSON_Delete(v);
}

static void
test_length_bounds_the_input(void **state)
{
	const char	*s = "{\"a\":1}GARBAGE";
	cJSON		*v = NULL;
	char		*cause = NULL;

	(void)state;
	/* Only the first 7 bytes are the value; the rest is not looked at. */
	assert_int_equal(json_parse_strict(s, 7, &v, &cause), 0);
	assert_null(cause);
	assert_int_equal(cJSON_GetObjectItem(v, "a")->valueint, 1);
	cJSON_Delete(v);
}

static void
test_truncated_line_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"id\": \"a\", \"n\": 3", "invalid JSON");
	assert_refused("{\"id\": \"a", "invalid JSON");
	assert_refused("[1,", "invalid JSON");
	assert_refused("", "truncated after byte 0");
}

/* A line cut short says so; a complete but wrong one says where. */
static void
test_truncated_line_says_truncated(void **state)
{
	char *blank;

	(void)state;
	assert_refused("{\"id\": \"a\", \"n\": 3", "truncated after byte 18");
	assert_refused("{\"id\": \"a", "truncated after byte 9 (it ends "
	    "inside a string)");
	assert_refused("{\"id\": \"a\",}", "invalid JSON at byte 12");
	/* Found by fuzz-record: a blank buffer without a NUL after it. */
	blank = malloc(2);
	assert_non_null(blank);
	memcpy(blank, " \t", 2);
	assert_refused_len(blank, 2, "truncated after byte 2 (no value)");
	free(blank);
	assert_refused("{\"id\": [\"a\"],]", "invalid JSON at byte");
}

/* Numbers as JSON writes them, kept exactly, or refused with their path. */
static void
test_numbers_are_strict(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("{\"p\": 01}", "at byte 7: 01 is not a JSON number");
	assert_refused("{\"p\": 1.}", "1. is not a JSON number");
	assert_refused("{\"p\": -01}", "-01 is not a JSON number");
	assert_refused("{\"p\": .5}", "invalid JSON at byte 7");
	assert_refused("{\"p\": 1e}", "1e is not a JSON number");
	assert_refused("{\"m\": {\"x\": 1e999}}",
	    "at byte 13: the number 1e999 is too large to keep exactly");
	assert_refused("{\"m\": [0, 12345678901234567890]}",
	    "at byte 11: the integer 12345678901234567890 is too large");
	assert_refused("[-9007199254740993]", "too large to keep exactly");
	v = parse_ok("{\"a\": -0, \"b\": 0.5e-3, \"c\": 9007199254740992, "
	    "\"d\": 0.1, \"e\": -9007199254740991}");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(v, "c")));
	cJSON_Delete(v);
}

/*
 * Past 2^53 a double holds no fraction and not every whole number: such a
 * value is refused whatever its spelling, for it would come back changed.
 */
static void
test_numbers_past_2_53_are_refused_however_written(void **state)
{
	static const char *const past[] = {
		"12345678901234567890.0", "1.2345678901234567890e19",
		"9007199254740993.0", "9007199254740992.5",
		"90071992547409921e-1", "0.9007199254740993e16",
		"-9007199254740993e0", "1e16", "1e300",
		"1.7976931348623157e308", "1e999", NULL
	};
	const char *const	*n;
	char			 buf[64], want[160];

	(void)state;
	for (n = past; *n != NULL; n++) {
		snprintf(buf, sizeof buf, "{\"k\": %s}", *n);
		snprintf(want, sizeof want, "at byte 7: the number %s is too "
		    "large to keep exactly (past 2^53); give it as a string",
		    *n);
		assert_refused(buf, want);
	}
}

/* 2^53 itself, and every whole number below it, whatever the spelling. */
#define TWO_53 9007199254740992.0
static void
test_whole_numbers_up_to_2_53_are_exact(void **state)
{
	cJSON *v;

	(void)state;
	v = parse_ok("[9007199254740992.0, 9.007199254740992e15, "
	    "90071992547409920e-1, -9007199254740992e0, 1e15, 1.5e1, "
	    "0.000e999999999999999999, 100e-2]");
	assert_true(cJSON_GetArrayItem(v, 0)->valuedouble == TWO_53);
	assert_true(cJSON_GetArrayItem(v, 1)->valuedouble == TWO_53);
	assert_true(cJSON_GetArrayItem(v, 2)->valuedouble == TWO_53);
	assert_true(cJSON_GetArrayItem(v, 3)->valuedouble == -TWO_53);
	assert_true(cJSON_GetArrayItem(v, 4)->valuedouble == 1e15);
	assert_true(cJSON_GetArrayItem(v, 5)->valuedouble == 15);
	assert_true(cJSON_GetArrayItem(v, 6)->valuedouble == 0);
	assert_true(cJSON_GetArrayItem(v, 7)->valuedouble == 1);
	cJSON_Delete(v);
}

/*
 * A fraction whose nearest double is a whole number would be taken for
 * that number by a field that wants one (an offset of 4.9999999999999999999
 * for 5): refused, saying which. Other fractions are kept as doubles.
 */
static void
test_fraction_that_a_double_makes_whole_is_refused(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("[1.00000000000000001]", "at byte 2: the number "
	    "1.00000000000000001 has more digits than a double keeps and "
	    "would be read as the whole number 1");
	assert_refused("{\"start\": 4.9999999999999999999}",
	    "would be read as the whole number 5");
	assert_refused("[4503599627370496.5]",
	    "would be read as the whole number 4503599627370496");
	assert_refused("[1e-400]", "would be read as the whole number 0");
	v = parse_ok("[0.30000000000000004, 4503599627370495.5, 5e-324, "
	    "0.1234567890123456789, 1.0000000000000002, 2.5e-300]");
	assert_true(cJSON_GetArrayItem(v, 0)->valuedouble ==
	    0.30000000000000004);
	assert_true(cJSON_GetArrayItem(v, 1)->valuedouble ==
	    4503599627370495.5);
	assert_true(cJSON_GetArrayItem(v, 2)->valuedouble > 0);
	assert_true(cJSON_GetArrayItem(v, 4)->valuedouble > 1);
	cJSON_Delete(v);
}

/*
 * What is accepted is stored as it was: cJSON alone printed 9007199254740991
 * as 9.00719925474099e+15 and 0.30000000000000004 as 0.3.
 */
static void
test_print_keeps_every_number_exactly(void **state)
{
	cJSON	*v;
	char	*s;

	(void)state;
	v = parse_ok("{\"a\": [9007199254740991, -9007199254740992, "
	    "0.30000000000000004, 1e15, 0.1, 17, -2147483649, 5e-324], "
	    "\"b\": {\"k\": 1234567890123456, \"s\": \"x\"}, \"c\": 3}");
	s = json_print(v);
	assert_string_equal(s, "{\"a\":[9007199254740991,-9007199254740992,"
	    "0.30000000000000004,1e+15,0.1,17,-2147483649,"
	    "4.94065645841247e-324],\"b\":{\"k\":1234567890123456,"
	    "\"s\":\"x\"},\"c\":3}");
	free(s);
	/* The tree printed is left as it was. */
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(cJSON_GetObjectItem(v,
	    "a"), 0)));
	cJSON_Delete(v);
	v = parse_ok("9007199254740991");
	s = json_print(v);
	assert_string_equal(s, "9007199254740991");
	free(s);
	cJSON_Delete(v);
}

/*
 * cJSON decodes a \u without four hex digits as NUL and cuts the string
 * there ("Visible\u00G0 HIDDEN" became "Visible"), in keys as in values: a
 * policy's "mallory\u00zz (disabled)" would name mallory.
 */
static void
test_broken_u_escape_is_refused_with_its_byte(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("{\"t\": \"Visible\\u00G0 HIDDEN\"}",
	    "at byte 15: \"\\u00G0\" is not an escape: \\u must be followed "
	    "by four hex digits (0-9, a-f)");
	assert_refused("{\"roles\": {\"mallory\\u00zz (disabled)\": "
	    "\"admin\"}}", "at byte 20: \"\\u00zz\" is not an escape");
	assert_refused("[\"a\\u12\"]", "at byte 4: \"\\u12\" is not an escape");
	assert_refused("[\"\\u\"]", "at byte 3: \"\\u\" is not an escape");
	assert_refused("[\"\\u 123\"]", "at byte 3: \"\\u\" is not an escape");
	/* The second half of a pair, named where it is. */
	assert_refused("[\"\\ud83d\\u00zz\"]", "at byte 9: \"\\u00zz\"");
	/* An input that ends inside the escape is cut short, not wrong. */
	assert_refused("[\"\\u00", "truncated after byte 6");
	v = parse_ok("[\"\\u00e9\\u00E9\", \"\\\\u00G0\"]");
	assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring,
	    "\xc3\xa9\xc3\xa9");
	assert_string_equal(cJSON_GetArrayItem(v, 1)->valuestring, "\\u00G0");
	cJSON_Delete(v);
}

/* Only JSON's escapes; cJSON refuses others without saying why. */
static void
test_unknown_escape_is_refused_saying_what_is_allowed(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("[\"\\x41\"]", "at byte 3: \\x is not a JSON escape "
	    "(expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex "
	    "digits)");
	assert_refused("[\"\\U0001F600\"]", "\\U is not a JSON escape");
	assert_refused("[\"it\\'s\"]", "at byte 5: \\' is not a JSON escape");
	assert_refused("[\"a\\\tb\"]", "at byte 4: a backslash followed by "
	    "byte 0x09 is not a JSON escape");
	assert_refused("{\"\\q\": 1}", "at byte 3: \\q is not a JSON escape");
	v = parse_ok("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]");
	assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring,
	    "\"\\/\b\f\n\r\t");
	cJSON_Delete(v);
}

/* Found by fuzz-policy: cJSON takes any control character for a space. */
static void
test_control_outside_strings_is_refused(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("{\"a\":\x16[]}", "at byte 6: control character 0x16");
	assert_refused("\x01{}", "control character 0x01");
	v = parse_ok("{\"a\":\t\r\n[ ]}");
	cJSON_Delete(v);
}

/* Escapes that would not survive as text: NUL and lone surrogates. */
static void
test_surrogates_must_pair(void **state)
{
	cJSON *v;

	(void)state;
	assert_refused("[\"\\ud800\"]", "at byte 3: \\ud800 is the first "
	    "half of a surrogate pair without the second");
	assert_refused("[\"\\udc00x\"]", "second half of a surrogate pair");
	assert_refused("[\"\\ud800\\u0041\"]", "first half");
	v = parse_ok("[\"\\ud83d\\ude00\"]");
	assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring,
	    "\xf0\x9f\x98\x80");
	cJSON_Delete(v);
}

static void
test_nesting_at_the_limit_is_accepted(void **state)
{
	char	buf[2 * JSON_MAX_DEPTH + 1];
	cJSON	*v;

	(void)state;
	memset(buf, '[', JSON_MAX_DEPTH);
	memset(buf + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	buf[2 * JSON_MAX_DEPTH] = '\0';
	v = parse_ok(buf);
	assert_true(cJSON_IsArray(v));
	cJSON_Delete(v);
}

static void
test_nesting_beyond_the_limit_is_refused(void **state)
{
	char	 buf[2 * (JSON_MAX_DEPTH + 1) + 1], want[64];
	cJSON	*v;

	(void)state;
	memset(buf, 0, sizeof buf);
	memset(buf, '[', JSON_MAX_DEPTH + 1);
	memset(buf + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	snprintf(want, sizeof want, "at byte %d: nested deeper than %d levels",
	    JSON_MAX_DEPTH + 1, JSON_MAX_DEPTH);
	assert_refused(buf, want);

	/* Brackets inside strings do not count. */
	memset(buf, '{', sizeof buf - 1);
	buf[0] = '"';
	buf[sizeof buf - 2] = '"';
	v = parse_ok(buf);
	assert_true(cJSON_IsString(v));
	assert_int_equal(strlen(v->valuestring), sizeof buf - 3);
	cJSON_Delete(v);
}

static void
test_invalid_utf8_is_refused_with_its_byte(void **state)
{
	(void)state;
	/* The bad byte is the 10th: {"t": "ab\xff"} */
	assert_refused("{\"t\": \"ab\xff\"}", "invalid UTF-8 at byte 10");
	/* A truncated sequence. */
	assert_refused("{\"t\": \"\xe2\x82\"}", "invalid UTF-8 at byte 8");
	/* An encoded surrogate. */
	assert_refused("[\"\xed\xa0\x80\"]", "invalid UTF-8 at byte 3");
}

static void
test_overlong_utf8_is_refused_with_its_byte(void **state)
{
	(void)state;
	/* "/" as two bytes, then NUL as two bytes. */
	assert_refused("{\"t\": \"x\xc0\xaf\"}", "invalid UTF-8 at byte 9");
	assert_refused("[\"\xc0\x80\"]", "invalid UTF-8 at byte 3");
	assert_refused("[\"\xe0\x80\xaf\"]", "invalid UTF-8 at byte 3");
}

static void
test_raw_control_character_in_string_is_refused(void **state)
{
	cJSON	*v;

	(void)state;
	assert_refused("{\"t\": \"a\tb\"}",
	    "at byte 9: control character 0x09 inside a string must be "
	    "escaped");
	assert_refused("{\"t\": \"a\nb\"}", "control character 0x0a");
	/* Whitespace between tokens is fine, and so is the escaped form. */
	v = parse_ok("{\n\t\"t\":\r\n \"a\\tb\"\n}");
	assert_string_equal(cJSON_GetObjectItem(v, "t")->valuestring, "a\tb");
	cJSON_Delete(v);
}

static void
test_nul_byte_is_refused(void **state)
{
	(void)state;
	assert_refused_len("{\"t\": \"a\0b\"}", 12, "control character 0x00");
	assert_refused_len("{\"t\": 1}\0", 9, "NUL byte");
}

static void
test_escaped_nul_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"t\": \"ab\\u0000cd\"}",
	    "\\u0000 (NUL) is not allowed");
	assert_refused("[\"\\u0000\"]", "\\u0000 (NUL) is not allowed");
}

static void
test_escaped_backslash_before_u0000_is_accepted(void **state)
{
	cJSON	*v;

	(void)state;
	/* The text is a backslash followed by "u0000", not a NUL. */
	v = parse_ok("{\"t\": \"\\\\u0000\"}");
	assert_string_equal(cJSON_GetObjectItem(v, "t")->valuestring,
	    "\\u0000");
	cJSON_Delete(v);
	/* An escaped quote does not end the string early. */
	v = parse_ok("[\"\\\"\\\\\", \"{[\"]");
	assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring, "\"\\");
	cJSON_Delete(v);
}

static void
test_lone_surrogate_escape_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"t\": \"\\ud800\"}", "invalid JSON");
	assert_refused("{\"t\": \"\\ud800x\"}", "invalid JSON");
	assert_refused("{\"t\": \"\\udc00\"}", "invalid JSON");
}

static void
test_duplicate_top_level_key_is_refused_and_named(void **state)
{
	(void)state;
	assert_refused("{\"id\": \"a\", \"kind\": \"x\", \"id\": \"b\"}",
	    "duplicate key \"id\"");
}

static void
test_duplicate_nested_key_is_refused_and_named(void **state)
{
	cJSON	*v;

	(void)state;
	assert_refused("{\"a\": {\"x\": 1}, \"b\": [{\"score\": 1, "
	    "\"score\": 2}]}", "duplicate key \"score\"");
	/* The same key in sibling objects is not a duplicate. */
	v = parse_ok("[{\"score\": 1}, {\"score\": 2}]");
	cJSON_Delete(v);
}

static void
test_trailing_garbage_is_refused(void **state)
{
	cJSON	*v;

	(void)state;
	assert_refused("{\"a\": 1} x",
	    "at byte 10: text after the end of the value");
	assert_refused("{\"a\": 1}{\"b\": 2}", "text after the end");
	assert_refused("1 2", "text after the end");
	/* Trailing whitespace is fine. */
	v = parse_ok("{\"a\": 1} \t\r\n");
	cJSON_Delete(v);
}

static void
test_get_number_names_the_path_on_wrong_type(void **state)
{
	cJSON	*v;
	double	 d = -1;
	char	*cause = NULL;

	(void)state;
	v = parse_ok("{\"score\": \"high\", \"ok\": 0.5}");
	assert_int_equal(json_get_number(v, "flags[0]", "score", &d, &cause),
	    -1);
	assert_string_equal(cause,
	    "flags[0].score: expected a number, got a string");
	free(cause);
	cause = NULL;
	assert_int_equal(json_get_number(v, "flags[0]", "ok", &d, &cause), 1);
	assert_true(d == 0.5);
	/* Absent: 0, and *out is left alone. */
	d = 7;
	assert_int_equal(json_get_number(v, "flags[0]", "none", &d, &cause), 0);
	assert_true(d == 7);
	assert_null(cause);
	cJSON_Delete(v);
}

static void
test_getters_name_path_and_types(void **state)
{
	cJSON		*v;
	const char	*s;
	const cJSON	*o;
	int		 b;
	char		*cause = NULL;

	(void)state;
	v = parse_ok("{\"id\": 5, \"on\": \"yes\", \"src\": [], \"l\": {}, "
	    "\"n\": null}");
	assert_int_equal(json_get_string(v, "", "id", &s, &cause), -1);
	assert_string_equal(cause, "id: expected a string, got a number");
	free(cause);
	assert_int_equal(json_get_bool(v, "x", "on", &b, &cause), -1);
	assert_string_equal(cause, "x.on: expected true or false, got a "
	    "string");
	free(cause);
	assert_int_equal(json_get_object(v, "", "src", &o, &cause), -1);
	assert_string_equal(cause, "src: expected an object, got an array");
	free(cause);
	assert_int_equal(json_get_array(v, "a.b", "l", &o, &cause), -1);
	assert_string_equal(cause, "a.b.l: expected an array, got an object");
	free(cause);
	assert_int_equal(json_get_string(v, NULL, "n", &s, &cause), -1);
	assert_string_equal(cause, "n: expected a string, got null");
	free(cause);
	cJSON_Delete(v);
}

static void
test_get_uint_accepts_whole_numbers_up_to_max(void **state)
{
	cJSON		*v;
	uint64_t	 u = 0;
	char		*cause = NULL;

	(void)state;
	v = parse_ok("{\"a\": 0, \"b\": 42, \"c\": 1e2, \"d\": 101}");
	assert_int_equal(json_get_uint(v, "", "a", 100, &u, &cause), 1);
	assert_int_equal(u, 0);
	assert_int_equal(json_get_uint(v, "", "b", 100, &u, &cause), 1);
	assert_int_equal(u, 42);
	assert_int_equal(json_get_uint(v, "", "c", 100, &u, &cause), 1);
	assert_int_equal(u, 100);
	assert_null(cause);
	assert_int_equal(json_get_uint(v, "", "d", 100, &u, &cause), -1);
	assert_string_equal(cause,
	    "d: expected a whole number from 0 to 100, got 101");
	free(cause);
	cJSON_Delete(v);
}

static void
test_get_uint_refuses_fraction_negative_and_huge(void **state)
{
	cJSON		*v;
	uint64_t	 u = 77;
	char		*cause = NULL;

	(void)state;
	v = parse_ok("{\"half\": 1.5, \"neg\": -1, \"big\": 1e15, "
	    "\"str\": \"3\"}");
	assert_int_equal(json_get_uint(v, "spans[0]", "half", UINT64_MAX, &u,
	    &cause), -1);
	assert_non_null(strstr(cause, "spans[0].half: expected a whole "
	    "number"));
	assert_non_null(strstr(cause, "got 1.5"));
	free(cause);
	assert_int_equal(json_get_uint(v, "spans[0]", "neg", UINT64_MAX, &u,
	    &cause), -1);
	assert_non_null(strstr(cause, "spans[0].neg: expected a whole "
	    "number"));
	assert_non_null(strstr(cause, "got -1"));
	free(cause);
	assert_int_equal(json_get_uint(v, "spans[0]", "big", 1000000, &u,
	    &cause), -1);
	assert_non_null(strstr(cause, "spans[0].big: expected a whole "
	    "number"));
	assert_non_null(strstr(cause, "got 1e+15"));
	free(cause);
	assert_int_equal(json_get_uint(v, "spans[0]", "str", UINT64_MAX, &u,
	    &cause), -1);
	assert_string_equal(cause,
	    "spans[0].str: expected a whole number, got a string");
	free(cause);
	assert_int_equal(u, 77);
	cJSON_Delete(v);
}

static void
test_check_keys_names_unknown_field_and_skips_comments(void **state)
{
	static const char *const allowed[] = { "id", "kind", NULL };
	cJSON	*v;
	char	*cause = NULL;

	(void)state;
	v = parse_ok("{\"id\": 1, \"#note\": \"x\", \"kinf\": 2}");
	assert_int_equal(json_check_keys(v, "teams[1]", allowed, 1, &cause),
	    -1);
	assert_string_equal(cause, "teams[1].kinf: unknown field");
	free(cause);
	cause = NULL;
	cJSON_Delete(v);

	v = parse_ok("{\"id\": 1, \"#note\": \"x\"}");
	assert_int_equal(json_check_keys(v, "", allowed, 1, &cause), 0);
	assert_null(cause);
	assert_int_equal(json_check_keys(v, "", allowed, 0, &cause), -1);
	assert_string_equal(cause, "#note: unknown field");
	free(cause);
	cJSON_Delete(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_object_parses_with_its_values),
		cmocka_unit_test(test_length_bounds_the_input),
		cmocka_unit_test(test_truncated_line_is_refused),
		cmocka_unit_test(test_truncated_line_says_truncated),
		cmocka_unit_test(test_numbers_are_strict),
		cmocka_unit_test(
		    test_numbers_past_2_53_are_refused_however_written),
		cmocka_unit_test(test_whole_numbers_up_to_2_53_are_exact),
		cmocka_unit_test(
		    test_fraction_that_a_double_makes_whole_is_refused),
		cmocka_unit_test(test_print_keeps_every_number_exactly),
		cmocka_unit_test(test_broken_u_escape_is_refused_with_its_byte),
		cmocka_unit_test(
		    test_unknown_escape_is_refused_saying_what_is_allowed),
		cmocka_unit_test(test_control_outside_strings_is_refused),
		cmocka_unit_test(test_surrogates_must_pair),
		cmocka_unit_test(test_nesting_at_the_limit_is_accepted),
		cmocka_unit_test(test_nesting_beyond_the_limit_is_refused),
		cmocka_unit_test(test_invalid_utf8_is_refused_with_its_byte),
		cmocka_unit_test(test_overlong_utf8_is_refused_with_its_byte),
		cmocka_unit_test(
		    test_raw_control_character_in_string_is_refused),
		cmocka_unit_test(test_nul_byte_is_refused),
		cmocka_unit_test(test_escaped_nul_is_refused),
		cmocka_unit_test(
		    test_escaped_backslash_before_u0000_is_accepted),
		cmocka_unit_test(test_lone_surrogate_escape_is_refused),
		cmocka_unit_test(
		    test_duplicate_top_level_key_is_refused_and_named),
		cmocka_unit_test(
		    test_duplicate_nested_key_is_refused_and_named),
		cmocka_unit_test(test_trailing_garbage_is_refused),
		cmocka_unit_test(
		    test_get_number_names_the_path_on_wrong_type),
		cmocka_unit_test(test_getters_name_path_and_types),
		cmocka_unit_test(
		    test_get_uint_accepts_whole_numbers_up_to_max),
		cmocka_unit_test(
		    test_get_uint_refuses_fraction_negative_and_huge),
		cmocka_unit_test(
		    test_check_keys_names_unknown_field_and_skips_comments),
	};

	return (cmocka_run_group_tests_name("json", tests, NULL, NULL));
}
