/*
 * sft: chat fine-tuning in OpenAI's format, {"messages": [context...,
 * {"role": "assistant", "content": FINAL}]}, for approved and corrected
 * outputs (and escalations resolved so).
 */
#include "config.h"

#include "fmt-chat.h"

static int
fmt_sft_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	struct fmt_chat	 c;
	cJSON		*r, *msgs, *m;
	int		 rc;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if (c.rejected) {
		fmt_chat_done(&c);
		return (0);
	}
	r = cJSON_CreateObject();
	msgs = export_context(x, o->item, &c.pii);
	m = cJSON_CreateObject();
	export_str(m, "role", "assistant");
	export_str(m, "content", c.final_r);
	cJSON_AddItemToArray(msgs, m);
	export_item(r, "messages", msgs);
	rc = export_write(x, r, o->item, c.action, NULL, NULL);
	fmt_chat_done(&c);
	return (rc);
}

const struct export_sink export_sft_sink = {
	.name = "sft",
	.version = "1",
	.forms = 1,
	.outcome = fmt_sft_outcome,
};
