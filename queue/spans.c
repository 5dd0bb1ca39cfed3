/*
 * The spans a decision accepts on an anonymization case, and the rule that
 * no two of them overlap: what the decide rules check and the exports write.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "xmalloc.h"

static int
spans_cmp(const void *a, const void *b)
{
	const struct queue_final_span *x = a, *y = b;

	if (x->start != y->start)
		return (x->start < y->start ? -1 : 1);
	if (x->end != y->end)
		return (x->end < y->end ? -1 : 1);
	return (strcmp(x->entity_type, y->entity_type));
}

static const char *
spans_str(const cJSON *o, const char *key)
{
	return (cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
	    key)));
}

/*
 * The verdicts are walked alongside the item's spans (the child list), not
 * looked up by index: cJSON_GetArrayItem walks the list from its head each
 * time, which made an item of 100,000 spans cost 10^10 steps.
 */
size_t
queue_spans_final(const struct queue_item *it, const cJSON *payload,
    int by_policy, struct queue_final_span **out)
{
	const cJSON		*corr = payload, *spans, *v, *a;
	const char		*verdict, *type;
	struct queue_final_span	*s;
	size_t			 n = 0, i, nadded;

	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	spans = cJSON_GetObjectItemCaseSensitive(corr, "spans");
	nadded = (size_t)cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(corr, "added"));
	*out = NULL;
	if (it->nspans + nadded == 0)
		return (0);
	s = xreallocarray(NULL, it->nspans + nadded, sizeof *s);
	v = cJSON_IsArray(spans) ? spans->child : NULL;
	for (i = 0; i < it->nspans; i++, v = v != NULL ? v->next : NULL) {
		type = it->spans[i].entity_type;
		if (cJSON_IsArray(spans)) {
			/* A correction: its verdict, one per span. */
			verdict = spans_str(v, "verdict");
			if (verdict != NULL && strcmp(verdict, "rejected") == 0)
				continue;
			if (verdict != NULL && strcmp(verdict, "retyped") == 0 &&
			    spans_str(v, "entity_type") != NULL)
				type = spans_str(v, "entity_type");
		} else if (strcmp(it->spans[i].triage, "rejected") == 0 ||
		    (by_policy && strcmp(it->spans[i].triage, "accepted") !=
		    0))
			/*
			 * An approve keeps what was proposed but what triage
			 * rejected; the policy alone, only what it accepted.
			 */
			continue;
		s[n].start = it->spans[i].start;
		s[n].end = it->spans[i].end;
		s[n].entity_type = type;
		s[n++].index = i;
	}
	i = 0;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(corr,
	    "added")) {
		s[n].start = (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "start"));
		s[n].end = (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "end"));
		type = spans_str(a, "entity_type");
		s[n].entity_type = type != NULL ? type : "";
		s[n++].index = it->nspans + i++;
	}
	if (n > 1)
		qsort(s, n, sizeof *s, spans_cmp);
	if (n == 0) {
		free(s);
		s = NULL;
	}
	*out = s;
	return (n);
}

/*
 * Sorted by start, a span overlaps an earlier one exactly when it starts
 * before the furthest end so far; a group runs while that holds, so one
 * pass finds them all.
 */
size_t
queue_spans_overlap(const struct queue_final_span *s, size_t n, size_t from,
    size_t *len)
{
	size_t i, j, end;

	for (i = from; i < n; i = j) {
		end = s[i].end;
		for (j = i + 1; j < n && s[j].start < end; j++) {
			if (s[j].end > end)
				end = s[j].end;
		}
		if (j - i > 1) {
			*len = j - i;
			return (i);
		}
	}
	*len = 0;
	return (n);
}
