/*
 * spans: training data for the PII detector, {"id", "text", "spans":
 * [{"start", "end", "label"}]} in code points, end exclusive (Presidio,
 * spaCy), or UTF-16 units; --style doccano writes "label": [[s, e, T]];
 * --style presidio writes presidio-research's InputSample.to_dict().
 * The text is kept as it is: it is what a detector learns from.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "sink.h"
#include "utf8.h"
#include "xmalloc.h"

enum fmt_spans_style {
	FMT_SPANS_PLAIN,
	FMT_SPANS_DOCCANO,
	FMT_SPANS_PRESIDIO
};

/* The styles, in the order of the enum after the plain one. */
static const char *const fmt_spans_styles[] = {
	"doccano", "presidio", NULL
};

static enum fmt_spans_style
fmt_spans_style(const struct export_options *opt)
{
	size_t i;

	for (i = 0; opt->style != NULL && fmt_spans_styles[i] != NULL; i++) {
		if (strcmp(opt->style, fmt_spans_styles[i]) == 0)
			return ((enum fmt_spans_style)(i + 1));
	}
	return (FMT_SPANS_PLAIN);
}

/*
 * doccano and presidio-research index the text as Python does, by code
 * point: UTF-16 offsets would put every span after an emoji in the wrong
 * place.
 */
static int
fmt_spans_begin(struct export_ctx *x, char **cause)
{
	const struct export_options *opt = export_opts(x);

	if (opt->utf16 && fmt_spans_style(opt) != FMT_SPANS_PLAIN) {
		xasprintf(cause, "spans --style %s counts code points, as %s "
		    "does: leave out --offsets utf16 (it is for the plain "
		    "style's JavaScript consumers)", opt->style,
		    fmt_spans_style(opt) == FMT_SPANS_DOCCANO ? "doccano" :
		    "presidio-research");
		return (EX_USAGE);
	}
	return (0);
}

/*
 * A walk along the text, for offsets that never go backwards: the spans
 * of a record, sorted and not overlapping, take one pass over the text
 * between them, not one from its start each.
 */
struct fmt_walk {
	const char	*s;
	size_t		 len, byte, cp, u16;
};

static int
fmt_walk_to(struct fmt_walk *w, size_t cp)
{
	uint32_t	c;
	int		n;

	while (w->cp < cp && w->byte < w->len) {
		n = utf8_decode(w->s + w->byte, w->len - w->byte, &c);
		w->byte += n > 0 ? (size_t)n : 1;
		w->u16 += n == 4 ? 2 : 1;
		w->cp++;
	}
	return (w->cp == cp ? 0 : -1);
}

/* One span in the style's shape; offsets in code points or UTF-16 units. */
static cJSON *
fmt_spans_one(enum fmt_spans_style style, const struct queue_final_span *s,
    size_t a, size_t b, const char *value, size_t vlen)
{
	cJSON *e;

	switch (style) {
	case FMT_SPANS_DOCCANO:
		e = cJSON_CreateArray();
		cJSON_AddItemToArray(e, json_create_int((int64_t)a));
		cJSON_AddItemToArray(e, json_create_int((int64_t)b));
		cJSON_AddItemToArray(e, cJSON_CreateString(s->entity_type));
		return (e);
	case FMT_SPANS_PRESIDIO:
		/* presidio_evaluator.Span's fields, in its order. */
		e = cJSON_CreateObject();
		export_str(e, "entity_type", s->entity_type);
		export_str_take(e, "entity_value", xstrndup(value, vlen));
		json_add_int(e, "start_position", (int64_t)a);
		json_add_int(e, "end_position", (int64_t)b);
		return (e);
	default:
		e = cJSON_CreateObject();
		json_add_int(e, "start", (int64_t)a);
		json_add_int(e, "end", (int64_t)b);
		export_str(e, "label", s->entity_type);
		return (e);
	}
}

/*
 * The record's frame: {"id", "text", <spans>}, or InputSample.to_dict()'s
 * keys, which InputSample.from_json passes to its constructor as they are
 * (so no other key may appear; the item goes in "metadata").
 */
static cJSON *
fmt_spans_frame(enum fmt_spans_style style, const struct queue_outcome *o,
    const char *action, cJSON **arr)
{
	const struct queue_item	*it = o->item;
	cJSON			*r = cJSON_CreateObject(), *m;

	if (style != FMT_SPANS_PRESIDIO) {
		export_str(r, "id", it->ext_id);
		export_str(r, "text", it->text);
		*arr = cJSON_AddArrayToObject(r, style == FMT_SPANS_DOCCANO ?
		    "label" : "spans");
		if (o->final == NULL)
			cJSON_AddBoolToObject(r, "auto", 1);
		return (r);
	}
	export_str(r, "full_text", it->text);
	cJSON_AddNullToObject(r, "masked");
	*arr = cJSON_AddArrayToObject(r, "spans");
	cJSON_AddNullToObject(r, "template_id");
	m = cJSON_AddObjectToObject(r, "metadata");
	export_str(m, "id", it->ext_id);
	export_str(m, "action", action);
	return (r);
}

static int
fmt_spans_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	const struct export_options	*opt = export_opts(x);
	const struct queue_item		*it = o->item;
	enum fmt_spans_style		 style = fmt_spans_style(opt);
	struct queue_final_span		*s = NULL;
	struct fmt_walk			 w;
	cJSON				*payload, *r, *arr;
	const char			*outcome, *action;
	size_t				 n, i, len, a, b, ba, bb;
	int				 rc = 0;

	if (it->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	payload = export_payload(o->final);
	outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    payload, "outcome"));
	if (outcome != NULL && strcmp(outcome, "reject") == 0)
		goto out;
	action = o->final == NULL ? "auto" : outcome != NULL ? outcome :
	    o->final->action;
	n = queue_spans_final(it, payload, o->final == NULL, &s);
	/*
	 * Decided before the rule that refuses them (or accepted by the
	 * policy alone): spans that overlap. The whole record stays out,
	 * not just those spans: the text would still hold the entity, taught
	 * as no entity at all.
	 */
	if (queue_spans_overlap(s, n, 0, &i) < n) {
		export_skip(x, "overlapping spans");
		goto out;
	}
	len = strlen(it->text);
	memset(&w, 0, sizeof w);
	w.s = it->text;
	w.len = len;
	r = fmt_spans_frame(style, o, action, &arr);
	for (i = 0; i < n; i++) {
		/* Sorted and apart: starts and ends never go backwards. */
		if (fmt_walk_to(&w, s[i].start) != 0)
			break;
		a = opt->utf16 ? w.u16 : w.cp;
		ba = w.byte;
		if (fmt_walk_to(&w, s[i].end) != 0)
			break;
		b = opt->utf16 ? w.u16 : w.cp;
		bb = w.byte;
		cJSON_AddItemToArray(arr, fmt_spans_one(style, &s[i], a, b,
		    it->text + ba, bb - ba));
	}
	if (i < n) {
		/* Import and the decide rules keep spans inside the text. */
		cJSON_Delete(r);
		export_skip(x, "span outside the text");
		goto out;
	}
	rc = export_write(x, r, it, action);
	for (i = 0; rc == 0 && i < n; i++)
		export_count_entity(x, s[i].entity_type);
out:
	free(s);
	cJSON_Delete(payload);
	return (rc);
}

const struct export_sink export_spans_sink = {
	.name = "spans",
	.version = "1",
	.styles = fmt_spans_styles,
	.personal = 1,
	.offsets = 1,
	.begin = fmt_spans_begin,
	.outcome = fmt_spans_outcome,
};
