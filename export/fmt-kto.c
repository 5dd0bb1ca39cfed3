/*
 * kto: unpaired labels, TRL's {"prompt", "completion", "label"}: approved
 * true; a correction's original false and correction true; an output an
 * escalation rejected false.
 */
#include "config.h"

#include "fmt-chat.h"

static int
fmt_kto_one(struct export_ctx *x, const struct queue_outcome *o,
    const struct fmt_chat *c, const char *text, int label)
{
	cJSON *r;

	r = cJSON_CreateObject();
	export_item(r, "prompt", fmt_chat_prompt(x, o, c));
	export_item(r, "completion", fmt_chat_answer(o, text));
	cJSON_AddBoolToObject(r, "label", label);
	return (export_write(x, r, o->item, c->action, label ? "true" :
	    "false", NULL));
}

static int
fmt_kto_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	struct fmt_chat	c;
	int		rc;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if (c.rejected)
		rc = fmt_kto_one(x, o, &c, c.original_r, 0);
	else if (c.corrected) {
		if ((rc = fmt_kto_one(x, o, &c, c.original_r, 0)) == 0)
			rc = fmt_kto_one(x, o, &c, c.final_r, 1);
	} else
		rc = fmt_kto_one(x, o, &c, c.original_r, 1);
	fmt_chat_done(&c);
	return (rc);
}

const struct export_sink export_kto_sink = {
	.name = "kto",
	.version = "1",
	.forms = 1,
	.outcome = fmt_kto_outcome,
};
