/*
 * Strict JSON parsing and typed field access for records, policies and
 * decision payloads.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "xmalloc.h"

#define JSON_BAD ((size_t)-1)

/* The code unit of a \uXXXX escape at s (4 hex digits), or -1. */
static long
json_hex4(const char *s, size_t left)
{
	char	 hex[5], *end;
	long	 u;
	size_t	 i;

	if (left < 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL ||
		    s[i] == '\0')
			return (-1);
		hex[i] = s[i];
	}
	hex[4] = '\0';
	u = strtol(hex, &end, 16);
	return (u);
}

/*
 * A \u not followed by four hex digits, at buf[i] (the backslash). cJSON
 * would decode "\u00G0" as NUL and cut the string there, so that
 * "mallory\u00zz (disabled)" became "mallory". Returns the last byte to skip
 * if the input merely ends inside the escape (the caller says "truncated"),
 * else JSON_BAD with *cause set.
 */
static size_t
json_bad_hex4(const char *buf, size_t len, size_t i, char **cause)
{
	unsigned char	c;
	size_t		n;

	for (n = 0; n < 4 && i + 2 + n < len; n++) {
		if (strchr("0123456789abcdefABCDEF", buf[i + 2 + n]) == NULL ||
		    buf[i + 2 + n] == '\0')
			break;
	}
	if (i + 2 + n == len)
		return (len - 1);
	/* Quoted as far as it is plain ASCII (it may end in a quote). */
	for (; n < 4 && i + 2 + n < len; n++) {
		c = (unsigned char)buf[i + 2 + n];
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
			break;
	}
	xasprintf(cause, "invalid JSON at byte %zu: \"\\u%.*s\" is not an "
	    "escape: \\u must be followed by four hex digits (0-9, a-f)",
	    i + 1, (int)n, buf + i + 2);
	return (JSON_BAD);
}

/*
 * An escape inside a string, at buf[i] (the backslash): only JSON's eight
 * escapes and \uXXXX; \u0000 and lone surrogates are refused too (cJSON
 * would cut the string or store bytes that are not UTF-8). Returns the
 * escape's last byte, or JSON_BAD with *cause set.
 */
static size_t
json_escape(const char *buf, size_t len, size_t i, char **cause)
{
	unsigned char	c;
	long		u, low;

	if (i + 1 >= len)
		return (i);		/* truncated: the caller says so */
	c = (unsigned char)buf[i + 1];
	if (c != 'u') {
		if (c != '\0' && strchr("\"\\/bfnrt", c) != NULL)
			return (i + 1);
		if (c > 0x20 && c < 0x7f)
			xasprintf(cause, "invalid JSON at byte %zu: \\%c is "
			    "not a JSON escape (expected \\\" \\\\ \\/ \\b \\f "
			    "\\n \\r \\t or \\u and four hex digits)", i + 1, c);
		else
			xasprintf(cause, "invalid JSON at byte %zu: a "
			    "backslash followed by byte 0x%02x is not a JSON "
			    "escape (expected \\\" \\\\ \\/ \\b \\f \\n \\r "
			    "\\t or \\u and four hex digits)", i + 1, c);
		return (JSON_BAD);
	}
	if ((u = json_hex4(buf + i + 2, len - i - 2)) == -1)
		return (json_bad_hex4(buf, len, i, cause));
	if (u == 0) {
		xasprintf(cause, "invalid JSON at byte %zu: \\u0000 (NUL) is "
		    "not allowed in text", i + 1);
		return (JSON_BAD);
	}
	if (u >= 0xdc00 && u <= 0xdfff) {
		xasprintf(cause, "invalid JSON at byte %zu: \\u%.4s is the "
		    "second half of a surrogate pair without the first", i + 1,
		    buf + i + 2);
		return (JSON_BAD);
	}
	if (u < 0xd800 || u > 0xdbff)
		return (i + 5);
	if (i + 7 < len && buf[i + 6] == '\\' && buf[i + 7] == 'u') {
		if ((low = json_hex4(buf + i + 8, len - i - 8)) == -1)
			return (json_bad_hex4(buf, len, i + 6, cause));
		if (low >= 0xdc00 && low <= 0xdfff)
			return (i + 11);
	}
	xasprintf(cause, "invalid JSON at byte %zu: \\u%.4s is the first half "
	    "of a surrogate pair without the second", i + 1, buf + i + 2);
	return (JSON_BAD);
}

/*
 * Numbers are kept as doubles (cJSON's), so the spelling must say what the
 * double will hold. Two kinds of number would change without a word:
 *
 * - a value past 2^53 in magnitude, however it is written
 *   (9007199254740993, 12345678901234567890.0, 1.2345678901234567890e19,
 *   1e300): from 2^53 on, a double no longer holds every whole number, and
 *   has no fraction digits at all, so the value would come back as another
 *   number (a 64-bit id in metadata with other digits);
 * - a fraction that the nearest double turns into a whole number
 *   (1.00000000000000001, 4.9999999999999999999, 1e-400): a field that takes
 *   a whole number would take it as one.
 *
 * Both are refused with the byte where the number starts. Every other
 * number is kept as its nearest double: a whole number is then exact, and a
 * fraction stays a fraction (0.1 as the double nearest to it, as everywhere).
 * The test is on the decimal value the spelling denotes, exactly: its
 * significant digits and the power of ten of the first.
 */
#define JSON_EXACT_DIGITS	"9007199254740992"	/* 2^53 */

/*
 * Numbers are read and written as JSON spells them, whatever LC_NUMERIC the
 * user runs hitl in; (locale_t)0 if there is no memory for it.
 */
static locale_t
json_c_locale(void)
{
	static locale_t c_locale;

	if (c_locale == (locale_t)0)
		c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return (c_locale);
}

/* A number's spelling, in parts: "-12.50e3" is 12, 50 and 3. */
struct json_spelling {
	const char	*ip;		/* integer digits */
	size_t		 nip;
	const char	*fp;		/* fraction digits */
	size_t		 nfp;
	long long	 exp;		/* saturated: any more is 0 or huge */
	int		 plain;		/* no fraction, no exponent */
};

/* The kth of the number's digits, integer then fraction. */
static char
json_digit(const struct json_spelling *n, size_t k)
{
	return (k < n->nip ? n->ip[k] : n->fp[k - n->nip]);
}

/*
 * buf[start..end) is a number spelt as n says: returns 0 if a double keeps
 * it, or -1 with *cause.
 */
static int
json_number_exact(const char *buf, size_t start, size_t end,
    const struct json_spelling *n, char **cause)
{
	locale_t	 c_locale;
	size_t		 all = n->nip + n->nfp, first, last, k;
	long long	 top, nsig;
	char		*copy, digits[17];
	double		 d;
	int		 cmp = 0;
	int		 shown = end - start > 40 ? 40 : (int)(end - start);

	for (first = 0; first < all && json_digit(n, first) == '0'; first++)
		;
	if (first == all)
		return (0);		/* zero */
	for (last = all - 1; json_digit(n, last) == '0'; last--)
		;
	/* The value is nsig digits times 10^(top - nsig). */
	nsig = (long long)(last - first + 1);
	top = (long long)n->nip - (long long)first + n->exp;
	if (top == 16) {
		for (k = 0; k < 16; k++)
			digits[k] = first + k <= last ?
			    json_digit(n, first + k) : '0';
		digits[16] = '\0';
		cmp = strcmp(digits, JSON_EXACT_DIGITS);
	}
	if (top > 16 || (top == 16 && (cmp > 0 || (cmp == 0 && nsig > 16)))) {
		xasprintf(cause, "invalid JSON at byte %zu: the %s %.*s is too "
		    "large to keep exactly (past 2^53); give it as a string",
		    start + 1, n->plain ? "integer" : "number", shown,
		    buf + start);
		return (-1);
	}
	/*
	 * A whole number up to 2^53 is exact. A fraction can only become a
	 * whole double with 16 significant digits or more (a double keeps
	 * 15.95), or when it is too small for a double and becomes 0: strtod
	 * (correctly rounded, like cJSON's, but not in the user's locale)
	 * says for those few.
	 */
	if (top - nsig >= 0 || (nsig < 16 && top > -300))
		return (0);
	if ((c_locale = json_c_locale()) == (locale_t)0) {
		xasprintf(cause, "invalid JSON at byte %zu: cannot read the "
		    "number %.*s: %s", start + 1, shown, buf + start,
		    strerror(errno));
		return (-1);
	}
	copy = xstrndup(buf + start, end - start);
	d = strtod_l(copy, NULL, c_locale);
	free(copy);
	if (d != floor(d))
		return (0);
	xasprintf(cause, "invalid JSON at byte %zu: the number %.*s has more "
	    "digits than a double keeps and would be read as the whole number "
	    "%.17g; give fewer digits, or a string", start + 1, shown,
	    buf + start, d);
	return (-1);
}

/*
 * A number at buf[i], as RFC 8259 writes them: no leading zero, digits on
 * both sides of the point (cJSON's strtod takes 01, 1. and .5), and a value
 * a double keeps (above). Returns the number's last byte, or JSON_BAD with
 * *cause set.
 */
static size_t
json_number(const char *buf, size_t len, size_t i, char **cause)
{
	struct json_spelling	 n;
	size_t			 start = i, digits;
	int			 negexp = 0;

#define JSON_DIGITS() do {						\
	for (digits = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)	\
		digits++;						\
} while (0)
	memset(&n, 0, sizeof n);
	n.plain = 1;
	if (buf[i] == '-')
		i++;
	n.ip = buf + i;
	JSON_DIGITS();
	if (digits == 0 || (digits > 1 && buf[i - digits] == '0'))
		goto bad;
	n.nip = digits;
	if (i < len && buf[i] == '.') {
		i++;
		n.fp = buf + i;
		JSON_DIGITS();
		if (digits == 0)
			goto bad;
		n.nfp = digits;
		n.plain = 0;
	}
	if (i < len && (buf[i] == 'e' || buf[i] == 'E')) {
		i++;
		if (i < len && (buf[i] == '+' || buf[i] == '-'))
			negexp = buf[i++] == '-';
		for (digits = 0; i < len && buf[i] >= '0' && buf[i] <= '9';
		    i++, digits++) {
			if (n.exp < 1000000000)
				n.exp = n.exp * 10 + (buf[i] - '0');
		}
		if (digits == 0)
			goto bad;
		if (negexp)
			n.exp = -n.exp;
		n.plain = 0;
	}
#undef JSON_DIGITS
	if (i < len && strchr(".eE0123456789", buf[i]) != NULL &&
	    buf[i] != '\0')
		goto bad;
	if (json_number_exact(buf, start, i, &n, cause) != 0)
		return (JSON_BAD);
	return (i - 1);
bad:
	while (i < len && strchr("+-.eE0123456789", buf[i]) != NULL &&
	    buf[i] != '\0')
		i++;
	xasprintf(cause, "invalid JSON at byte %zu: %.*s is not a JSON "
	    "number", start + 1, (int)(i - start > 40 ? 40 : i - start),
	    buf + start);
	return (JSON_BAD);
}

/*
 * One pass over the raw bytes before cJSON: valid UTF-8, no raw control
 * characters inside strings (keys as well as values), only JSON's escapes
 * and no \u0000, broken \u or lone surrogate among them, numbers as JSON
 * writes them and as a double keeps them, bounded nesting (cJSON's own limit
 * is 1000 and recursive), and a line cut short is called that.
 */
static int
json_prescan(const char *buf, size_t len, char **cause)
{
	size_t	 i, bad, next;
	int	 in_string = 0, depth = 0;

	if (!utf8_valid(buf, len, &bad)) {
		xasprintf(cause, "invalid UTF-8 at byte %zu", bad + 1);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (in_string) {
			if (c == '"')
				in_string = 0;
			else if (c < 0x20) {
				xasprintf(cause, "invalid JSON at byte %zu: "
				    "control character 0x%02x inside a string "
				    "must be escaped", i + 1, c);
				return (-1);
			} else if (c == '\\') {
				if ((next = json_escape(buf, len, i,
				    cause)) == JSON_BAD)
					return (-1);
				i = next;
			}
			continue;
		}
		switch (c) {
		case '"':
			in_string = 1;
			break;
		case '{':
		case '[':
			if (++depth > JSON_MAX_DEPTH) {
				xasprintf(cause, "invalid JSON at byte %zu: "
				    "nested deeper than %d levels", i + 1,
				    JSON_MAX_DEPTH);
				return (-1);
			}
			break;
		case '}':
		case ']':
			depth--;
			break;
		case '\0':
			xasprintf(cause, "invalid JSON at byte %zu: NUL byte",
			    i + 1);
			return (-1);
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			/* cJSON takes any control character for a space. */
			if (c < 0x20) {
				xasprintf(cause, "invalid JSON at byte %zu: "
				    "control character 0x%02x", i + 1, c);
				return (-1);
			}
			break;
		case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			if ((next = json_number(buf, len, i, cause)) ==
			    JSON_BAD)
				return (-1);
			i = next;
			break;
		}
	}
	if (in_string || depth > 0) {
		xasprintf(cause, "invalid JSON: truncated after byte %zu (it "
		    "ends inside %s)", len, in_string ? "a string" :
		    "an object or array");
		return (-1);
	}
	for (i = 0; i < len && strchr(" \t\r\n", buf[i]) != NULL &&
	    buf[i] != '\0'; i++)
		;
	if (i == len || (len == 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)) {
		xasprintf(cause, "invalid JSON: truncated after byte %zu (no "
		    "value)", len);
		return (-1);
	}
	return (0);
}

static int
json_cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * The path of target under v for messages ("metadata.a", "flags[1]"),
 * appended to buf; 1 if found. Built only for an error: a walk that made a
 * path for every value would cost an allocation per value of every line.
 */
static int
json_path_to(const cJSON *v, const cJSON *target, char *buf, size_t size)
{
	const cJSON	*c;
	size_t		 len = strlen(buf), i = 0;

	if (v == target)
		return (1);
	for (c = v->child; c != NULL; c = c->next, i++) {
		if (cJSON_IsArray(v))
			snprintf(buf + len, size - len, "[%zu]", i);
		else
			snprintf(buf + len, size - len, "%s%s",
			    len != 0 ? "." : "", c->string);
		if (json_path_to(c, target, buf, size))
			return (1);
		buf[len] = '\0';
	}
	return (0);
}

/* The first key of object v that appears twice, or NULL. */
static const char *
json_duplicate(const cJSON *v, size_t n)
{
	const cJSON	 *a, *b, *c;
	const char	**names, *dup = NULL;
	size_t		  i = 0;

	/* Records' objects are small: compare pairs rather than sort. */
	if (n <= 16) {
		for (a = v->child; a != NULL; a = a->next) {
			for (b = a->next; b != NULL; b = b->next) {
				if (strcmp(a->string, b->string) == 0)
					return (a->string);
			}
		}
		return (NULL);
	}
	names = xreallocarray(NULL, n, sizeof *names);
	for (c = v->child; c != NULL; c = c->next)
		names[i++] = c->string;
	qsort(names, n, sizeof *names, json_cmp_names);
	for (i = 1; i < n && dup == NULL; i++) {
		if (strcmp(names[i - 1], names[i]) == 0)
			dup = names[i];
	}
	free(names);
	return (dup);
}

/*
 * What the bytes cannot show: the same key twice in an object. (Numbers out
 * of a double's range are past 2^53, which the pre-scan refused.) Returns the
 * object at fault and the key in *dup, or NULL.
 */
static const cJSON *
json_check_tree(const cJSON *v, const char **dup)
{
	const cJSON	*c, *bad;
	size_t		 n = 0;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return (NULL);
	for (c = v->child; c != NULL; c = c->next, n++) {
		if ((bad = json_check_tree(c, dup)) != NULL)
			return (bad);
	}
	if (cJSON_IsObject(v) && n > 1 && (*dup = json_duplicate(v, n)) != NULL)
		return (v);
	return (NULL);
}

/* The message for an object json_check_tree found at fault. */
static void
json_tree_error(const cJSON *root, const cJSON *bad, const char *dup,
    char **cause)
{
	char path[256] = "";

	json_path_to(root, bad, path, sizeof path);
	if (*path != '\0')
		xasprintf(cause, "%s: duplicate key \"%s\"", path, dup);
	else
		xasprintf(cause, "duplicate key \"%s\"", dup);
}

int
json_parse_strict(const char *buf, size_t len, cJSON **out, char **cause)
{
	cJSON		*v;
	const cJSON	*bad;
	const char	*end = NULL, *dup = NULL;

	*out = NULL;
	if (json_prescan(buf, len, cause) != 0)
		return (-1);
	v = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (v == NULL) {
		size_t at = (end != NULL && end >= buf) ?
		    (size_t)(end - buf) : 0;

		xasprintf(cause, "invalid JSON at byte %zu", at + 1);
		return (-1);
	}
	/* Only whitespace may follow the value. */
	while (end != NULL && (size_t)(end - buf) < len &&
	    strchr(" \t\r\n", *end) != NULL && *end != '\0')
		end++;
	if (end != NULL && (size_t)(end - buf) < len) {
		xasprintf(cause, "invalid JSON at byte %zu: text after the "
		    "end of the value", (size_t)(end - buf) + 1);
		cJSON_Delete(v);
		return (-1);
	}
	if ((bad = json_check_tree(v, &dup)) != NULL) {
		json_tree_error(v, bad, dup, cause);
		cJSON_Delete(v);
		return (-1);
	}
	*out = v;
	return (0);
}

void
json_add_string_or_null(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

const char *
json_type_name(const cJSON *v)
{
	if (v == NULL)
		return ("nothing");
	if (cJSON_IsString(v))
		return ("a string");
	if (cJSON_IsNumber(v))
		return ("a number");
	if (cJSON_IsBool(v))
		return ("a boolean");
	if (cJSON_IsNull(v))
		return ("null");
	if (cJSON_IsArray(v))
		return ("an array");
	if (cJSON_IsObject(v))
		return ("an object");
	return ("an unknown value");
}

static const char *
json_sep(const char *path)
{
	return ((path == NULL || *path == '\0') ? "" : ".");
}

static int
json_wrong(const cJSON *v, const char *path, const char *key,
    const char *expected, char **cause)
{
	xasprintf(cause, "%s%s%s: expected %s, got %s",
	    path != NULL ? path : "", json_sep(path), key, expected,
	    json_type_name(v));
	return (-1);
}

int
json_get_string(const cJSON *obj, const char *path, const char *key,
    const char **out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return (0);
	if (!cJSON_IsString(v))
		return (json_wrong(v, path, key, "a string", cause));
	*out = v->valuestring;
	return (1);
}

int
json_get_number(const cJSON *obj, const char *path, const char *key,
    double *out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return (0);
	if (!cJSON_IsNumber(v))
		return (json_wrong(v, path, key, "a number", cause));
	if (!isfinite(v->valuedouble)) {
		xasprintf(cause, "%s%s%s: number out of range",
		    path != NULL ? path : "", json_sep(path), key);
		return (-1);
	}
	*out = v->valuedouble;
	return (1);
}

int
json_get_uint(const cJSON *obj, const char *path, const char *key,
    uint64_t max, uint64_t *out, char **cause)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(obj, key);
	double		 d;

	if (v == NULL)
		return (0);
	if (!cJSON_IsNumber(v))
		return (json_wrong(v, path, key, "a whole number", cause));
	d = v->valuedouble;
	if (!isfinite(d) || d < 0 || d != floor(d) || d > (double)max) {
		xasprintf(cause, "%s%s%s: expected a whole number from 0 to "
		    "%llu, got %g", path != NULL ? path : "", json_sep(path),
		    key, (unsigned long long)max, d);
		return (-1);
	}
	*out = (uint64_t)d;
	return (1);
}

int
json_get_bool(const cJSON *obj, const char *path, const char *key, int *out,
    char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return (0);
	if (!cJSON_IsBool(v))
		return (json_wrong(v, path, key, "true or false", cause));
	*out = cJSON_IsTrue(v);
	return (1);
}

int
json_get_object(const cJSON *obj, const char *path, const char *key,
    const cJSON **out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return (0);
	if (!cJSON_IsObject(v))
		return (json_wrong(v, path, key, "an object", cause));
	*out = v;
	return (1);
}

int
json_get_array(const cJSON *obj, const char *path, const char *key,
    const cJSON **out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return (0);
	if (!cJSON_IsArray(v))
		return (json_wrong(v, path, key, "an array", cause));
	*out = v;
	return (1);
}

int
json_check_keys(const cJSON *obj, const char *path,
    const char *const *allowed, int comments, char **cause)
{
	const cJSON		*c;
	const char *const	*a;

	for (c = obj->child; c != NULL; c = c->next) {
		if (comments && c->string[0] == '#')
			continue;
		for (a = allowed; *a != NULL; a++) {
			if (strcmp(*a, c->string) == 0)
				break;
		}
		if (*a == NULL) {
			xasprintf(cause, "%s%s%s: unknown field",
			    path != NULL ? path : "", json_sep(path),
			    c->string);
			return (-1);
		}
	}
	return (0);
}

/*
 * cJSON prints a number with 15 significant digits whenever those read back
 * as nearly the same double: 9007199254740991 came out as
 * 9.00719925474099e+15 (...990), 0.30000000000000004 as 0.3. Returns 1 if
 * it would do that to d, with the text that reads back as d exactly in out:
 * the digits of a whole number, else the fewest that do.
 */
static int
json_number_lossy(double d, char out[32])
{
	locale_t	c_locale, old;
	int		lossy = 0;

	/* cJSON prints these with %d; every other one with %1.15g. */
	if (d == floor(d) && fabs(d) <= 2147483647.0)
		return (0);
	if ((c_locale = json_c_locale()) == (locale_t)0)
		return (0);
	old = uselocale(c_locale);
	snprintf(out, 32, "%1.15g", d);
	if (strtod(out, NULL) != d) {
		lossy = 1;
		if (d == floor(d) && fabs(d) <= 9007199254740992.0)
			snprintf(out, 32, "%.0f", d);
		else {
			snprintf(out, 32, "%1.16g", d);
			if (strtod(out, NULL) != d)
				snprintf(out, 32, "%1.17g", d);
		}
	}
	uselocale(old);
	return (lossy);
}

/* Whether any number under v would be printed as another (above). */
static int
json_has_lossy(const cJSON *v)
{
	const cJSON	*c;
	char		 text[32];

	if (cJSON_IsNumber(v))
		return (json_number_lossy(v->valuedouble, text));
	for (c = v->child; c != NULL; c = c->next) {
		if (json_has_lossy(c))
			return (1);
	}
	return (0);
}

/*
 * Replaces each such number under v by its exact text, as a raw node under
 * the same key (hitl leaves cJSON's allocator as malloc and free).
 */
static void
json_make_exact(cJSON *v)
{
	cJSON	*c, *next, *raw;
	char	 text[32];

	for (c = v->child; c != NULL; c = next) {
		next = c->next;
		if (!cJSON_IsNumber(c)) {
			json_make_exact(c);
			continue;
		}
		if (!json_number_lossy(c->valuedouble, text))
			continue;
		if ((raw = cJSON_CreateRaw(text)) == NULL)
			continue;
		if (c->string != NULL)
			raw->string = xstrdup(c->string);
		cJSON_ReplaceItemViaPointer(v, c, raw);
	}
}

char *
json_print(const cJSON *v)
{
	cJSON	*exact = NULL;
	char	*s, text[32];

	if (cJSON_IsNumber(v) && json_number_lossy(v->valuedouble, text))
		return (xstrdup(text));
	/* Rare: most numbers are small integers or short fractions. */
	if (json_has_lossy(v)) {
		exact = cJSON_Duplicate(v, 1);
		json_make_exact(exact);
		v = exact;
	}
	s = cJSON_PrintUnformatted(v);
	cJSON_Delete(exact);
	if (s == NULL)
		return (xstrdup("null"));
	return (s);
}

cJSON *
json_create_int(int64_t v)
{
	char		 buf[24], *p = buf + sizeof buf;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return (cJSON_CreateRaw(p));
}

cJSON *
json_add_int(cJSON *obj, const char *key, int64_t v)
{
	cJSON *n = json_create_int(v);

	cJSON_AddItemToObjectCS(obj, key, n);
	return (n);
}
