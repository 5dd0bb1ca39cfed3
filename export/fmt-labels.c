/*
 * labels: training data for the flagger, {"id", "text", "labels": [the
 * confirmed categories], "flags": [{"type", "detector", "score",
 * "verdict"}]}; approving an output says its flags were false alarms.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sink.h"

static int
fmt_labels_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	const struct queue_item	*it = o->item;
	struct export_pii	 pii;
	cJSON			*payload, *r, *arr, *f;
	const cJSON		*corr, *labels, *l;
	const char		*outcome, *action;
	char			*text;
	size_t			 i;
	int			 rc;

	if (it->kind != QUEUE_KIND_MODEL_OUTPUT || o->final == NULL)
		return (0);
	payload = export_payload(o->final);
	corr = payload;
	outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    payload, "outcome"));
	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	action = outcome != NULL ? outcome : o->final->action;
	export_pii_find(o, &pii);
	text = export_redact_text(x, &pii, it->text);
	r = cJSON_CreateObject();
	export_str_take(r, "id", export_redact_id(x, &pii, it));
	export_str(r, "text", text);
	free(text);
	arr = cJSON_AddArrayToObject(r, "labels");
	labels = cJSON_GetObjectItemCaseSensitive(corr, "labels");
	cJSON_ArrayForEach(l, labels) {
		if (cJSON_IsString(l))
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(l->valuestring));
	}
	arr = cJSON_AddArrayToObject(r, "flags");
	for (i = 0; i < it->nflags; i++) {
		f = cJSON_CreateObject();
		export_str(f, "type", it->flags[i].type);
		if (it->flags[i].detector != NULL)
			export_str(f, "detector",
			    it->flags[i].detector);
		else
			export_str(f, "detector", NULL);
		cJSON_AddNumberToObject(f, "score", it->flags[i].score);
		export_str(f, "verdict", queue_flag_verdict(payload, i));
		cJSON_AddItemToArray(arr, f);
	}
	rc = export_write(x, r, it, action);
	export_pii_done(&pii);
	cJSON_Delete(payload);
	return (rc);
}

const struct export_sink export_labels_sink = {
	.name = "labels",
	.version = "1",
	.outcome = fmt_labels_outcome,
};
