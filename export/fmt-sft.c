/*
 * sft: chat fine-tuning in OpenAI's format, {"messages": [context...,
 * {"role": "assistant", "content": FINAL}]}, for approved and corrected
 * outputs (and escalations resolved so). Only the final turn was reviewed:
 * the assistant's earlier ones are "weight": 0.
 */
#include "config.h"

#include "fmt-chat.h"

static int
fmt_sft_begin(struct export_ctx *x, char **cause)
{
	return (fmt_chat_only_conversational(x, "sft", cause));
}

static int
fmt_sft_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	struct fmt_chat	 c;
	cJSON		*r, *msgs, *m;
	const char	*why;
	int		 rc = 0;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if (c.rejected)
		goto done;
	/* OpenAI (and the cookbook's missing_content): text in every turn. */
	if ((why = fmt_chat_context_skip(o->item)) != NULL ||
	    (why = c.final_r[0] == '\0' ? "empty response" : NULL) != NULL) {
		export_skip(x, why);
		goto done;
	}
	r = cJSON_CreateObject();
	msgs = fmt_chat_context(x, o->item, &c.pii, 1);
	m = cJSON_CreateObject();
	export_str(m, "role", "assistant");
	export_str(m, "content", c.final_r);
	cJSON_AddItemToArray(msgs, m);
	export_item(r, "messages", msgs);
	rc = export_write(x, r, o->item, c.action);
done:
	fmt_chat_done(&c);
	return (rc);
}

const struct export_sink export_sft_sink = {
	.name = "sft",
	.version = "2",
	.forms = 1,
	.begin = fmt_sft_begin,
	.outcome = fmt_sft_outcome,
};
