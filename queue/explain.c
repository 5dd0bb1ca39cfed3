/*
 * Presidio's explanation of a span, as stored, turned into labeled lines in
 * the order a reviewer reads them, for hitl show and the console alike.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "queue.h"
#include "xmalloc.h"

/* AnalysisExplanation's fields, in the order they explain a score. */
static const char *const explain_keys[] = {
	"recognizer", "pattern_name", "pattern", "original_score", "score",
	"textual_explanation", "score_context_improvement",
	"supportive_context_word", "validation_result", "regex_flags"
};
#define EXPLAIN_NKEYS (sizeof explain_keys / sizeof explain_keys[0])

static int
explain_known(const char *key)
{
	size_t i;

	for (i = 0; i < EXPLAIN_NKEYS; i++)
		if (strcmp(key, explain_keys[i]) == 0)
			return (1);
	return (0);
}

static void
explain_add(struct queue_explain_line **out, size_t *n, const char *key,
    const cJSON *v)
{
	struct queue_explain_line *l;

	/* Presidio writes null or "" for what it did not use. */
	if (cJSON_IsNull(v) || (cJSON_IsString(v) && *v->valuestring == '\0'))
		return;
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	l = &(*out)[(*n)++];
	l->key = xstrdup(key);
	l->value = cJSON_IsString(v) ? xstrdup(v->valuestring) :
	    json_print(v);
}

size_t
queue_explain_lines(const char *json, struct queue_explain_line **out)
{
	const cJSON	*v;
	cJSON		*e;
	size_t		 i, n = 0;

	*out = NULL;
	if (json == NULL || (e = cJSON_Parse(json)) == NULL)
		return (0);
	if (cJSON_IsObject(e)) {
		for (i = 0; i < EXPLAIN_NKEYS; i++)
			if ((v = cJSON_GetObjectItemCaseSensitive(e,
			    explain_keys[i])) != NULL)
				explain_add(out, &n, explain_keys[i], v);
		/* Whatever else a newer Presidio adds, after, as it came. */
		cJSON_ArrayForEach(v, e) {
			if (v->string != NULL && !explain_known(v->string))
				explain_add(out, &n, v->string, v);
		}
	}
	cJSON_Delete(e);
	return (n);
}

void
queue_explain_free(struct queue_explain_line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].value);
	}
	free(l);
}
