/*
 * Votes (vote.h): a decision or a gold answer reduced to its action and
 * verdicts, compared with another and scored against the gold one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "vote.h"
#include "xmalloc.h"

static int
vote_cmp_label(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
vote_cmp_added(const void *a, const void *b)
{
	const struct vote_added *x = a, *y = b;

	if (x->start != y->start)
		return (x->start < y->start ? -1 : 1);
	if (x->end != y->end)
		return (x->end < y->end ? -1 : 1);
	return (strcmp(x->type, y->type));
}

/* An approve, written out as vote.h says. */
static void
vote_approve(const struct queue_item *it, struct vote *v)
{
	size_t i;

	v->action = VOTE_APPROVE;
	if (it->kind == QUEUE_KIND_MODEL_OUTPUT) {
		v->nflags = it->nflags;
		v->flags = xreallocarray(NULL, it->nflags + 1,
		    sizeof *v->flags);
		for (i = 0; i < it->nflags; i++)
			v->flags[i] = VOTE_OVERTURNED;
		return;
	}
	v->nspans = it->nspans;
	v->spans = xcalloc(it->nspans + 1, sizeof *v->spans);
	for (i = 0; i < it->nspans; i++)
		v->spans[i].verdict = it->spans[i].triage != NULL &&
		    strcmp(it->spans[i].triage, "rejected") == 0 ?
		    VOTE_REJECTED : VOTE_ACCEPTED;
}

/* labels: strings, each once; kept sorted. */
static int
vote_labels(const cJSON *p, const char *path, struct vote *v, char **cause)
{
	const cJSON	*arr, *e;
	size_t		 i;

	if (json_get_array(p, path, "labels", &arr, cause) < 0)
		return (-1);
	arr = cJSON_GetObjectItemCaseSensitive(p, "labels");
	v->labels = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof *v->labels);
	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e)) {
			xasprintf(cause, "%s.labels[%zu]: expected a string, "
			    "got %s", path, v->nlabels, json_type_name(e));
			return (-1);
		}
		v->labels[v->nlabels++] = xstrdup(e->valuestring);
	}
	qsort(v->labels, v->nlabels, sizeof *v->labels, vote_cmp_label);
	for (i = 1; i < v->nlabels; i++) {
		if (strcmp(v->labels[i - 1], v->labels[i]) == 0) {
			xasprintf(cause, "%s.labels: \"%s\" is listed twice",
			    path, v->labels[i]);
			return (-1);
		}
	}
	return (0);
}

/*
 * An array of the item's n flags or spans, one object each: the decide
 * rules refuse a correction that leaves one out. *arr NULL if absent
 * (then n must be 0).
 */
static int
vote_per_item(const cJSON *p, const char *path, const char *key, size_t n,
    const char *what, const cJSON **arr, char **cause)
{
	const cJSON	*e;
	size_t		 i = 0;

	if (json_get_array(p, path, key, arr, cause) < 0)
		return (-1);
	*arr = cJSON_GetObjectItemCaseSensitive(p, key);
	if ((size_t)cJSON_GetArraySize(*arr) != n) {
		xasprintf(cause, "%s.%s: give a verdict for each of the "
		    "item's %zu %s (got %d)", path, key, n, what,
		    cJSON_GetArraySize(*arr));
		return (-1);
	}
	cJSON_ArrayForEach(e, *arr) {
		if (!cJSON_IsObject(e)) {
			xasprintf(cause, "%s.%s[%zu]: expected an object, got "
			    "%s", path, key, i, json_type_name(e));
			return (-1);
		}
		i++;
	}
	return (0);
}

/* A string field of one of an array's objects; NULL if absent. */
static int
vote_field(const cJSON *e, const char *path, const char *key, size_t i,
    const char *field, const char **out, char **cause)
{
	char where[64];

	*out = NULL;
	snprintf(where, sizeof where, "%s.%s[%zu]", path, key, i);
	return (json_get_string(e, where, field, out, cause) < 0 ? -1 : 0);
}

static int
vote_output(const struct queue_item *it, const cJSON *p, const char *path,
    struct vote *v, char **cause)
{
	static const char *const keys[] = {
		"text", "labels", "flags", "note", NULL
	};
	const cJSON	*arr, *e;
	const char	*s = NULL;
	size_t		 i = 0;

	if (json_check_keys(p, path, keys, 0, cause) != 0 ||
	    json_get_string(p, path, "text", &s, cause) < 0 ||
	    vote_labels(p, path, v, cause) != 0 ||
	    vote_per_item(p, path, "flags", it->nflags, "flags", &arr,
	    cause) != 0)
		return (-1);
	if (s != NULL && queue_text_blank(s)) {
		xasprintf(cause, "%s.text: the corrected response is empty",
		    path);
		return (-1);
	}
	/* A correction that writes the response again keeps it. */
	if (s != NULL && (it->text == NULL || strcmp(s, it->text) != 0))
		v->text = xstrdup(s);
	v->nflags = it->nflags;
	v->flags = xreallocarray(NULL, it->nflags + 1, sizeof *v->flags);
	cJSON_ArrayForEach(e, arr) {
		if (vote_field(e, path, "flags", i, "verdict", &s, cause) != 0)
			return (-1);
		if (s != NULL && strcmp(s, "confirmed") == 0)
			v->flags[i] = VOTE_CONFIRMED;
		else if (s != NULL && strcmp(s, "overturned") == 0)
			v->flags[i] = VOTE_OVERTURNED;
		else {
			xasprintf(cause, "%s.flags[%zu].verdict: expected "
			    "\"confirmed\" or \"overturned\"", path, i);
			return (-1);
		}
		if (vote_field(e, path, "flags", i, "type", &s, cause) != 0)
			return (-1);
		if (s != NULL && strcmp(s, it->flags[i].type) != 0) {
			xasprintf(cause, "%s.flags[%zu].type: \"%s\" does not "
			    "match the item's flag \"%s\"", path, i, s,
			    it->flags[i].type);
			return (-1);
		}
		i++;
	}
	return (0);
}

static int
vote_span_verdicts(const struct queue_item *it, const cJSON *p,
    const char *path, struct vote *v, char **cause)
{
	const cJSON	*arr, *e;
	const char	*s, *type;
	size_t		 i = 0;

	if (vote_per_item(p, path, "spans", it->nspans, "spans", &arr,
	    cause) != 0)
		return (-1);
	v->nspans = it->nspans;
	v->spans = xcalloc(it->nspans + 1, sizeof *v->spans);
	cJSON_ArrayForEach(e, arr) {
		if (vote_field(e, path, "spans", i, "verdict", &s,
		    cause) != 0 ||
		    vote_field(e, path, "spans", i, "entity_type", &type,
		    cause) != 0)
			return (-1);
		if (s != NULL && strcmp(s, "accepted") == 0)
			v->spans[i].verdict = VOTE_ACCEPTED;
		else if (s != NULL && strcmp(s, "rejected") == 0)
			v->spans[i].verdict = VOTE_REJECTED;
		else if (s != NULL && strcmp(s, "retyped") == 0)
			v->spans[i].verdict = VOTE_RETYPED;
		else {
			xasprintf(cause, "%s.spans[%zu].verdict: expected "
			    "\"accepted\", \"rejected\" or \"retyped\"", path,
			    i);
			return (-1);
		}
		if ((v->spans[i].verdict == VOTE_RETYPED) != (type != NULL)) {
			xasprintf(cause, "%s.spans[%zu].entity_type: %s", path,
			    i, type == NULL ? "missing (a retyped span takes "
			    "its new type)" : "only a retyped span takes a "
			    "new type");
			return (-1);
		}
		if (type != NULL && strcmp(type, it->spans[i].entity_type) ==
		    0) {
			xasprintf(cause, "%s.spans[%zu].entity_type: the span "
			    "is already %s", path, i, type);
			return (-1);
		}
		if (type != NULL)
			v->spans[i].type = xstrdup(type);
		i++;
	}
	return (0);
}

static int
vote_added(const struct queue_item *it, const cJSON *p, const char *path,
    struct vote *v, char **cause)
{
	static const char *const keys[] = {
		"start", "end", "entity_type", NULL
	};
	const cJSON	*arr, *e;
	const char	*type;
	char		 where[64];
	uint64_t	 start, end, len;
	int		 rs, re;

	if (json_get_array(p, path, "added", &arr, cause) < 0)
		return (-1);
	arr = cJSON_GetObjectItemCaseSensitive(p, "added");
	len = it->text != NULL ? utf8_cp_count(it->text, strlen(it->text)) :
	    0;
	v->added = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof *v->added);
	cJSON_ArrayForEach(e, arr) {
		snprintf(where, sizeof where, "%s.added[%zu]", path,
		    v->nadded);
		if (!cJSON_IsObject(e)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(e));
			return (-1);
		}
		type = NULL;
		if (json_check_keys(e, where, keys, 0, cause) != 0 ||
		    json_get_string(e, where, "entity_type", &type,
		    cause) < 0 ||
		    (rs = json_get_uint(e, where, "start", len, &start,
		    cause)) < 0 ||
		    (re = json_get_uint(e, where, "end", len, &end, cause)) < 0)
			return (-1);
		if (type == NULL || rs == 0 || re == 0) {
			xasprintf(cause, "%s: start, end and entity_type are "
			    "required", where);
			return (-1);
		}
		if (start >= end) {
			xasprintf(cause, "%s.start %llu is not before end %llu",
			    where, (unsigned long long)start,
			    (unsigned long long)end);
			return (-1);
		}
		v->added[v->nadded].start = (size_t)start;
		v->added[v->nadded].end = (size_t)end;
		v->added[v->nadded++].type = xstrdup(type);
	}
	qsort(v->added, v->nadded, sizeof *v->added, vote_cmp_added);
	return (0);
}

/*
 * The vote of action on p (a payload, or a gold answer without its
 * action; NULL for a bare approve); path names p in messages.
 */
static int
vote_build(const struct queue_item *it, const char *action, const cJSON *p,
    const char *path, struct vote *v, char **cause)
{
	static const char *const note_only[] = { "note", NULL };
	static const char *const span_keys[] = {
		"spans", "added", "note", NULL
	};

	if (p != NULL && !cJSON_IsObject(p)) {
		xasprintf(cause, "%s: expected an object, got %s", path,
		    json_type_name(p));
		return (-1);
	}
	if (strcmp(action, "approve") == 0) {
		if (p != NULL && json_check_keys(p, path, note_only, 0,
		    cause) != 0)
			return (-1);
		vote_approve(it, v);
		return (0);
	}
	if (strcmp(action, "correct") != 0) {
		xasprintf(cause, "a vote is an approve or a correction, not "
		    "\"%s\"", action);
		return (-1);
	}
	if (p == NULL) {
		xasprintf(cause, "%s: a correction needs one", path);
		return (-1);
	}
	v->action = VOTE_CORRECT;
	if (it->kind == QUEUE_KIND_MODEL_OUTPUT)
		return (vote_output(it, p, path, v, cause));
	if (json_check_keys(p, path, span_keys, 0, cause) != 0 ||
	    vote_span_verdicts(it, p, path, v, cause) != 0)
		return (-1);
	return (vote_added(it, p, path, v, cause));
}

int
vote_from(const struct queue_item *it, const char *action,
    const char *payload, struct vote *v, char **cause)
{
	cJSON	*p = NULL;
	char	*why;
	int	 rc = -1;

	memset(v, 0, sizeof *v);
	if (payload != NULL && json_parse_strict(payload, strlen(payload), &p,
	    &why) != 0) {
		xasprintf(cause, "payload: %s", why);
		free(why);
		return (-1);
	}
	if ((rc = vote_build(it, action, p, "payload", v, cause)) != 0)
		vote_done(v);
	cJSON_Delete(p);
	return (rc);
}

int
vote_from_gold(const struct queue_item *it, const char *gold,
    struct vote *v, char **cause)
{
	cJSON		*g = NULL, *action = NULL;
	char		*why;
	int		 rc = -1;

	memset(v, 0, sizeof *v);
	if (json_parse_strict(gold, strlen(gold), &g, &why) != 0) {
		xasprintf(cause, "gold: %s", why);
		free(why);
		return (-1);
	}
	if (!cJSON_IsObject(g)) {
		xasprintf(cause, "gold: expected an object, got %s",
		    json_type_name(g));
		goto out;
	}
	/* What is left once the action is taken out is the payload. */
	action = cJSON_DetachItemFromObjectCaseSensitive(g, "action");
	if (!cJSON_IsString(action) || (strcmp(action->valuestring,
	    "approve") != 0 && strcmp(action->valuestring, "correct") != 0)) {
		xasprintf(cause, "gold.action: expected \"approve\" or "
		    "\"correct\"");
		goto out;
	}
	if ((rc = vote_build(it, action->valuestring, g, "gold", v,
	    cause)) != 0)
		vote_done(v);
out:
	cJSON_Delete(action);
	cJSON_Delete(g);
	return (rc);
}

void
vote_done(struct vote *v)
{
	size_t i;

	for (i = 0; i < v->nlabels; i++)
		free(v->labels[i]);
	free(v->labels);
	free(v->flags);
	for (i = 0; i < v->nspans; i++)
		free(v->spans[i].type);
	free(v->spans);
	for (i = 0; i < v->nadded; i++)
		free(v->added[i].type);
	free(v->added);
	free(v->text);
	memset(v, 0, sizeof *v);
}

static int
vote_same_span(const struct vote_span *a, const struct vote_span *b)
{
	return (a->verdict == b->verdict && (a->verdict != VOTE_RETYPED ||
	    strcmp(a->type, b->type) == 0));
}

int
vote_equal(const struct vote *a, const struct vote *b)
{
	size_t i;

	if (a->action != b->action || a->nlabels != b->nlabels ||
	    a->nflags != b->nflags || a->nspans != b->nspans ||
	    a->nadded != b->nadded || (a->text == NULL) != (b->text == NULL) ||
	    (a->text != NULL && strcmp(a->text, b->text) != 0))
		return (0);
	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return (0);
	for (i = 0; i < a->nflags; i++)
		if (a->flags[i] != b->flags[i])
			return (0);
	for (i = 0; i < a->nspans; i++)
		if (!vote_same_span(&a->spans[i], &b->spans[i]))
			return (0);
	for (i = 0; i < a->nadded; i++)
		if (vote_cmp_added(&a->added[i], &b->added[i]) != 0)
			return (0);
	return (1);
}

/*
 * The union of two sorted lists, a merge: each element of either counts
 * once, and is right when both have it.
 */
static void
vote_score_union(const void *a, size_t na, const void *b, size_t nb,
    size_t size, int (*cmp)(const void *, const void *), unsigned *right,
    unsigned *total)
{
	const char	*x = a, *y = b;
	size_t		 i = 0, j = 0;
	int		 c;

	while (i < na || j < nb) {
		(*total)++;
		if (i == na)
			c = 1;
		else if (j == nb)
			c = -1;
		else
			c = cmp(x + i * size, y + j * size);
		if (c == 0)
			(*right)++;
		i += c <= 0;
		j += c >= 0;
	}
}

void
vote_score(const struct vote *gold, const struct vote *v, unsigned *right,
    unsigned *total)
{
	size_t i, n;

	*total = 1;
	*right = gold->action == v->action;
	vote_score_union(gold->labels, gold->nlabels, v->labels, v->nlabels,
	    sizeof *v->labels, vote_cmp_label, right, total);
	/* Votes on one item have as many verdicts; the longer one counts. */
	n = gold->nflags > v->nflags ? gold->nflags : v->nflags;
	for (i = 0; i < n; i++, (*total)++)
		*right += i < gold->nflags && i < v->nflags &&
		    gold->flags[i] == v->flags[i];
	n = gold->nspans > v->nspans ? gold->nspans : v->nspans;
	for (i = 0; i < n; i++, (*total)++)
		*right += i < gold->nspans && i < v->nspans &&
		    vote_same_span(&gold->spans[i], &v->spans[i]);
	vote_score_union(gold->added, gold->nadded, v->added, v->nadded,
	    sizeof *v->added, vote_cmp_added, right, total);
}
