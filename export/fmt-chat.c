/*
 * What the chat formats (sft, dpo, kto) share: which outcomes they take,
 * the prompt in TRL's standard or conversational form, redacted texts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fmt-chat.h"
#include "xmalloc.h"

int
fmt_chat_begin(struct export_ctx *x, const struct queue_outcome *o,
    struct fmt_chat *c)
{
	const char *outcome;

	memset(c, 0, sizeof c[0]);
	if (o->item->kind != QUEUE_KIND_MODEL_OUTPUT || o->final == NULL)
		return (-1);
	c->payload = export_payload(o->final);
	c->action = o->final->action;
	if (strcmp(c->action, "resolve") == 0) {
		outcome = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(c->payload, "outcome"));
		c->rejected = outcome != NULL && strcmp(outcome, "reject") == 0;
		c->action = outcome != NULL ? outcome : "resolve";
	}
	export_pii_find(o, &c->pii);
	c->final = export_final_text(o->item, c->payload, &c->corrected);
	c->original_r = export_redact_text(x, &c->pii, o->item->text);
	c->final_r = export_redact_text(x, &c->pii, c->final);
	return (0);
}

void
fmt_chat_done(struct fmt_chat *c)
{
	cJSON_Delete(c->payload);
	export_pii_done(&c->pii);
	free(c->original_r);
	free(c->final_r);
}

/* TRL: a string prompt, or the chat so far for conversational data. */
cJSON *
fmt_chat_prompt(struct export_ctx *x, const struct queue_outcome *o,
    const struct fmt_chat *c)
{
	if (o->item->nmsgs == 0)
		return (export_string_take(export_redact_text(x, &c->pii,
		    o->item->prompt != NULL ? o->item->prompt : "")));
	return (export_context(x, o->item, &c->pii));
}

/* [{"role": "assistant", "content": text}] */
cJSON *
fmt_chat_assistant(const char *text)
{
	cJSON *arr, *m;

	arr = cJSON_CreateArray();
	m = cJSON_CreateObject();
	export_str(m, "role", "assistant");
	export_str(m, "content", text);
	cJSON_AddItemToArray(arr, m);
	return (arr);
}

/* An answer in the prompt's form: a string, or one assistant message. */
cJSON *
fmt_chat_answer(const struct queue_outcome *o, const char *text)
{
	if (o->item->nmsgs == 0)
		return (cJSON_CreateString(text));
	return (fmt_chat_assistant(text));
}
