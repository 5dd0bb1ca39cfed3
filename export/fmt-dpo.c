/*
 * dpo: preference pairs for corrected outputs, TRL's {"prompt", "chosen",
 * "rejected"}, or with --style openai OpenAI's {"input": {"messages"},
 * "preferred_output", "non_preferred_output"}.
 */
#include "config.h"

#include <string.h>

#include "fmt-chat.h"

static int
fmt_dpo_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	const char	*style = export_opts(x)->style;
	struct fmt_chat	 c;
	cJSON		*r, *in;
	int		 rc;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if (!c.corrected || c.rejected) {
		fmt_chat_done(&c);
		return (0);
	}
	r = cJSON_CreateObject();
	if (style != NULL && strcmp(style, "openai") == 0) {
		in = cJSON_AddObjectToObject(r, "input");
		export_item(in, "messages",
		    export_context(x, o->item, &c.pii));
		export_item(r, "preferred_output",
		    fmt_chat_assistant(c.final_r));
		export_item(r, "non_preferred_output",
		    fmt_chat_assistant(c.original_r));
	} else {
		export_item(r, "prompt", fmt_chat_prompt(x, o, &c));
		export_item(r, "chosen", fmt_chat_answer(o,
		    c.final_r));
		export_item(r, "rejected", fmt_chat_answer(o,
		    c.original_r));
	}
	rc = export_write(x, r, o->item, c.action, NULL, NULL);
	fmt_chat_done(&c);
	return (rc);
}

static const char *const fmt_dpo_styles[] = { "openai", NULL };

const struct export_sink export_dpo_sink = {
	.name = "dpo",
	.version = "1",
	.forms = 1,
	.styles = fmt_dpo_styles,
	.outcome = fmt_dpo_outcome,
};
