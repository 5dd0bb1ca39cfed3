/*
 * kto: unpaired labels, TRL's {"prompt", "completion", "label"}: approved
 * true; a correction's original false and correction true; an output an
 * escalation rejected false. Every record of a file takes one form.
 */
#include "config.h"

#include "fmt-chat.h"

static int
fmt_kto_one(struct export_ctx *x, const struct queue_outcome *o,
    const struct fmt_chat *c, const char *text, int label)
{
	cJSON	*r;
	int	 rc;

	if (text[0] == '\0') {
		export_skip(x, "empty response");
		return (0);
	}
	r = cJSON_CreateObject();
	export_item(r, "prompt", fmt_chat_prompt(x, o, c));
	export_item(r, "completion", fmt_chat_answer(x, text));
	cJSON_AddBoolToObject(r, "label", label);
	/* The label says desirable or not; counted apart from policy labels. */
	if ((rc = export_write(x, r, o->item, c->action)) == 0)
		export_count_desirable(x, label);
	return (rc);
}

static int
fmt_kto_outcome(struct export_ctx *x, const struct queue_outcome *o)
{
	struct fmt_chat	 c;
	const char	*why;
	int		 rc;

	if (fmt_chat_begin(x, o, &c) != 0)
		return (0);
	if ((why = fmt_chat_prompt_skip(x, o->item, 0)) != NULL) {
		export_skip(x, why);
		rc = 0;
	} else if (c.rejected)
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
	.version = "2",
	.forms = 1,
	.begin = fmt_chat_choose_form,
	.outcome = fmt_kto_outcome,
};
