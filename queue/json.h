/*
 * Strict JSON input on top of cJSON: what cJSON accepts silently but hitl must
 * refuse (invalid UTF-8, raw control characters, \u0000 and \u without four
 * hex digits, numbers a double would not keep, duplicate keys), and typed
 * field access that says which field was wrong.
 */
#ifndef HITL_JSON_H
#define HITL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Deeper nesting than this is refused before cJSON sees it. */
#define JSON_MAX_DEPTH 64

/*
 * Parses buf[0..len) as exactly one JSON value. On failure returns -1 and sets
 * *cause ("invalid JSON at column 17: ..."); on success returns 0 and the tree
 * in *out, which the caller frees with cJSON_Delete.
 */
int	json_parse_strict(const char *buf, size_t len, cJSON **out,
	    char **cause);

/*
 * Typed getters. Each looks up key in obj; if absent, returns 0 and leaves
 * *out alone (the caller decides whether the field was required). If present
 * with the wrong type or value, returns -1 and sets *cause to
 * "PATH.KEY: expected ..., got ...". On success returns 1.
 */
int	json_get_string(const cJSON *obj, const char *path, const char *key,
	    const char **out, char **cause);
int	json_get_number(const cJSON *obj, const char *path, const char *key,
	    double *out, char **cause);
int	json_get_uint(const cJSON *obj, const char *path, const char *key,
	    uint64_t max, uint64_t *out, char **cause);
int	json_get_bool(const cJSON *obj, const char *path, const char *key,
	    int *out, char **cause);
int	json_get_object(const cJSON *obj, const char *path, const char *key,
	    const cJSON **out, char **cause);
int	json_get_array(const cJSON *obj, const char *path, const char *key,
	    const cJSON **out, char **cause);

/* Adds key: s, or key: null when s is NULL. */
void	json_add_string_or_null(cJSON *, const char *key, const char *s);

/* The JSON type of a value, for messages: "a string", "a number", ... */
const char *json_type_name(const cJSON *);

/*
 * Refuses keys of obj not in the NULL-terminated list allowed; keys starting
 * with '#' are comments and always allowed if comments is set.
 */
int	json_check_keys(const cJSON *obj, const char *path,
	    const char *const *allowed, int comments, char **cause);

/*
 * Serializes without whitespace, every number with the digits that read back
 * as its double; the result is owned by the caller.
 */
char	*json_print(const cJSON *);

/*
 * An integer as a node that prints exactly: cJSON keeps numbers as doubles,
 * inexact past 2^53, and prints each through printf and a scanf round trip,
 * which dominates the time of a large export.
 */
cJSON	*json_create_int(int64_t);
/* The key is not copied: a string literal. */
cJSON	*json_add_int(cJSON *obj, const char *key, int64_t);

#endif
