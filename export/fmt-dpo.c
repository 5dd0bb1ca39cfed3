/*
 * dpo: preference pairs for corrected outputs, TRL's {"prompt", "chosen",
 * "rejected"}, or with --style openai OpenAI's {"input": {"messages"},
 * "preferred_output", "non_preferred_output"} (one-turn inputs, as its DPO
 * guide says). Every record of a file takes one form.
 */
#include "config.h"

#include <string.h>

#include "fmt-chat.h"

static int
fmt_dpo_openai(const struct export_ctx *x)
{
	const char *style = export_opts(x)->style;

	return (style != NULL && strcmp(style, "openai") == 0);
}

static int
fmt_dpo_begin(struct export_ctx *x, char **cause)
{
	if (fmt_dpo_openai(x))
		return (fmt_chat_only_conversational(x, "dpo --style openai",
		    cause));
	return (fmt_chat_choose_form(x, cause));
}

static int
fmt_dpo_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	struct fmt_chat	 c;
	cJSON		*r, *in;
	const char	*why;
	int		 rc = 0;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if (!c.corrected || c.rejected)
		goto done;
	/* Never an empty preferred (or non-preferred) output. */
	if ((why = fmt_chat_prompt_skip(x, o->item, fmt_dpo_openai(x))) !=
	    NULL || (why = c.final_r[0] == '\0' || c.original_r[0] == '\0' ?
	    "empty response" : NULL) != NULL) {
		export_skip(x, why);
		goto done;
	}
	r = cJSON_CreateObject();
	if (fmt_dpo_openai(x)) {
		in = cJSON_AddObjectToObject(r, "input");
		export_item(in, "messages", fmt_chat_context(x, o->item, &c.pii,
		    0));
		export_item(r, "preferred_output",
		    fmt_chat_assistant(c.final_r));
		export_item(r, "non_preferred_output",
		    fmt_chat_assistant(c.original_r));
	} else {
		export_item(r, "prompt", fmt_chat_prompt(x, o, &c));
		export_item(r, "chosen", fmt_chat_answer(x, c.final_r));
		export_item(r, "rejected", fmt_chat_answer(x, c.original_r));
	}
	rc = export_write(x, r, o->item, c.action);
done:
	fmt_chat_done(&c);
	return (rc);
}

static const char *const fmt_dpo_styles[] = { "openai", NULL };

const struct export_sink export_dpo_sink = {
	.name = "dpo",
	.version = "2",
	.forms = 1,
	.styles = fmt_dpo_styles,
	.begin = fmt_dpo_begin,
	.outcome = fmt_dpo_outcome,
};
