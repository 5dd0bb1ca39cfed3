/*
 * Strict JSON parsing and typed field access for records, policies and
 * decision payloads.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * One pass over the raw bytes before cJSON: valid UTF-8, no raw control
 * characters inside strings, no \u0000 escape (cJSON would cut the string
 * there) and bounded nesting (cJSON's own limit is 1000 and recursive).
 */
static int
json_prescan(const char *buf, size_t len, char **cause)
{
	size_t	 i, bad;
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
			} else if (c == '\\' && i + 1 < len) {
				i++;
				if (buf[i] == 'u' && i + 4 < len &&
				    memcmp(buf + i + 1, "0000", 4) == 0) {
					xasprintf(cause, "invalid JSON at byte "
					    "%zu: \\u0000 (NUL) is not allowed "
					    "in text", i);
					return (-1);
				}
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
		}
	}
	return (0);
}

static int
json_cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Refuses an object with the same key twice, at any depth. */
static int
json_check_duplicates(const cJSON *v, char **cause)
{
	const cJSON	 *c;
	const char	**names = NULL;
	size_t		  n = 0, i;
	int		  rc = 0;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return (0);
	for (c = v->child; c != NULL; c = c->next) {
		if (json_check_duplicates(c, cause) != 0)
			return (-1);
		n++;
	}
	if (!cJSON_IsObject(v) || n < 2)
		return (0);
	/* Records' objects are small: compare pairs rather than sort. */
	if (n <= 16) {
		const cJSON *a, *b;

		for (a = v->child; a != NULL; a = a->next) {
			for (b = a->next; b != NULL; b = b->next) {
				if (strcmp(a->string, b->string) == 0) {
					xasprintf(cause, "duplicate key \"%s\"",
					    a->string);
					return (-1);
				}
			}
		}
		return (0);
	}
	names = xreallocarray(NULL, n, sizeof *names);
	i = 0;
	for (c = v->child; c != NULL; c = c->next)
		names[i++] = c->string;
	qsort(names, n, sizeof *names, json_cmp_names);
	for (i = 1; i < n; i++) {
		if (strcmp(names[i - 1], names[i]) == 0) {
			xasprintf(cause, "duplicate key \"%s\"", names[i]);
			rc = -1;
			break;
		}
	}
	free(names);
	return (rc);
}

int
json_parse_strict(const char *buf, size_t len, cJSON **out, char **cause)
{
	cJSON		*v;
	const char	*end = NULL;

	*out = NULL;
	if (json_prescan(buf, len, cause) != 0)
		return (-1);
	v = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (v == NULL) {
		size_t at = (end != NULL && end >= buf) ? (size_t)(end - buf) : 0;

		/* cJSON reports an early end as an error at the last byte. */
		if (at + 1 >= len)
			xasprintf(cause, "invalid JSON: truncated after byte "
			    "%zu", len);
		else
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
	if (json_check_duplicates(v, cause) != 0) {
		cJSON_Delete(v);
		return (-1);
	}
	*out = v;
	return (0);
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

char *
json_print(const cJSON *v)
{
	char *s;

	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		return (xstrdup("null"));
	return (s);
}
