/*
 * spans: training data for the PII detector, {"id", "text", "spans":
 * [{"start", "end", "label"}]} in code points, end exclusive (Presidio,
 * spaCy), or UTF-16 units; --style doccano writes "label": [[s, e, T]].
 * The text is kept as it is: it is what a detector learns from.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "utf8.h"
#include "xmalloc.h"

struct fmt_span {
	size_t		 start, end;
	const char	*label;
};

static int
fmt_span_cmp(const void *a, const void *b)
{
	const struct fmt_span *x = a, *y = b;

	if (x->start != y->start)
		return (x->start < y->start ? -1 : 1);
	if (x->end != y->end)
		return (x->end < y->end ? -1 : 1);
	return (strcmp(x->label, y->label));
}

/* The final span set of the outcome; NULL label array if none applies. */
static size_t
fmt_spans_final(const struct queue_outcome *o, const cJSON *payload,
    struct fmt_span **out)
{
	const struct queue_item	*it = o->item;
	const cJSON		*corr = payload, *spans, *s, *added;
	const char		*v, *type;
	struct fmt_span		*v_out = NULL;
	size_t			 n = 0, i;

	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	spans = cJSON_GetObjectItemCaseSensitive(corr, "spans");
	for (i = 0; i < it->nspans; i++) {
		type = it->spans[i].entity_type;
		if (spans != NULL) {
			s = cJSON_GetArrayItem(spans, (int)i);
			v = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(s, "verdict"));
			if (v != NULL && strcmp(v, "rejected") == 0)
				continue;
			if (v != NULL && strcmp(v, "retyped") == 0)
				type = cJSON_GetStringValue(
				    cJSON_GetObjectItemCaseSensitive(s,
				    "entity_type"));
		} else if (strcmp(it->spans[i].triage, "rejected") == 0 ||
		    (o->final == NULL &&
		    strcmp(it->spans[i].triage, "accepted") != 0))
			continue;
		v_out = xreallocarray(v_out, n + 1, sizeof *v_out);
		v_out[n].start = it->spans[i].start;
		v_out[n].end = it->spans[i].end;
		v_out[n++].label = type;
	}
	added = cJSON_GetObjectItemCaseSensitive(corr, "added");
	cJSON_ArrayForEach(s, added) {
		v_out = xreallocarray(v_out, n + 1, sizeof *v_out);
		v_out[n].start = (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(s, "start"));
		v_out[n].end = (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(s, "end"));
		v_out[n++].label = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(s, "entity_type"));
	}
	if (n > 1)
		qsort(v_out, n, sizeof *v_out, fmt_span_cmp);
	*out = v_out;
	return (n);
}

static int
fmt_spans_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	const struct export_options	*opt = export_opts(x);
	const struct queue_item		*it = o->item;
	struct fmt_span			*s = NULL;
	cJSON				*payload, *r, *arr, *e;
	const char			*outcome, *action;
	size_t				 n, i, len = strlen(it->text), a, b;
	int				 doccano, rc;

	if (it->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	payload = export_payload(o->final);
	outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    payload, "outcome"));
	if (outcome != NULL && strcmp(outcome, "reject") == 0) {
		cJSON_Delete(payload);
		return (0);
	}
	action = o->final == NULL ? "auto" : outcome != NULL ? outcome :
	    o->final->action;
	n = fmt_spans_final(o, payload, &s);
	doccano = opt->style != NULL && strcmp(opt->style, "doccano") == 0;
	r = cJSON_CreateObject();
	export_str(r, "id", it->ext_id);
	export_str(r, "text", it->text);
	arr = cJSON_AddArrayToObject(r, doccano ? "label" : "spans");
	for (i = 0; i < n; i++) {
		a = s[i].start;
		b = s[i].end;
		if (opt->utf16 && (utf8_cp_to_u16(it->text, len, s[i].start,
		    &a) != 0 || utf8_cp_to_u16(it->text, len, s[i].end,
		    &b) != 0))
			continue;
		if (doccano) {
			e = cJSON_CreateArray();
			cJSON_AddItemToArray(e, json_create_int((int64_t)a));
			cJSON_AddItemToArray(e, json_create_int((int64_t)b));
			cJSON_AddItemToArray(e, cJSON_CreateString(s[i].label));
		} else {
			e = cJSON_CreateObject();
			json_add_int(e, "start", (int64_t)a);
			json_add_int(e, "end", (int64_t)b);
			export_str(e, "label", s[i].label);
		}
		cJSON_AddItemToArray(arr, e);
	}
	if (o->final == NULL)
		cJSON_AddBoolToObject(r, "auto", 1);
	rc = export_write(x, r, it, action, NULL, NULL);
	for (i = 0; rc == 0 && i < n; i++)
		export_write_count(x, NULL, s[i].label);
	free(s);
	cJSON_Delete(payload);
	return (rc);
}

static const char *const fmt_spans_styles[] = { "doccano", NULL };

const struct export_sink export_spans_sink = {
	.name = "spans",
	.version = "1",
	.styles = fmt_spans_styles,
	.personal = 1,
	.outcome = fmt_spans_outcome,
};
