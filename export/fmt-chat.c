/*
 * What the chat formats (sft, dpo, kto) share: which outcomes they take,
 * the chat as OpenAI and TRL take it, one form per file, redacted texts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "fmt-chat.h"
#include "xmalloc.h"

/*
 * Roles as the consumers take them: OpenAI's fine-tuning schemas have no
 * developer message (OpenAI: "developer messages replace the previous
 * system messages"), nor do TRL's chat templates; a tool message has no
 * name in OpenAI's schema. A TRL prompt must end in a user message (before
 * TRL 0.26, "Invalid role in the last message" otherwise; an assistant's
 * would be continued, not answered).
 */
static const struct fmt_chat_role {
	const char	*name;
	const char	*as;
	int		 named;
	const char	*last;	/* why a prompt may not end in it */
} fmt_chat_roles[] = {
	{ "system",	"system",	1, "prompt ends in a system message" },
	{ "developer",	"system",	1, "prompt ends in a system message" },
	{ "user",	"user",		1, NULL },
	{ "assistant",	"assistant",	1,
	    "prompt ends in an assistant message" },
	{ "tool",	"tool",		0, "prompt ends in a tool message" },
	{ NULL,		NULL,		0, NULL }
};

static const struct fmt_chat_role *
fmt_chat_role(const char *name)
{
	const struct fmt_chat_role *r;

	for (r = fmt_chat_roles; r->name != NULL; r++) {
		if (strcmp(r->name, name) == 0)
			return (r);
	}
	/* Import takes no other role. */
	return (&fmt_chat_roles[2]);
}

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
	if (queue_action_has_outcome(c->action)) {
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

/* The prompt, if it says anything: an empty one is no context. */
static const char *
fmt_chat_prompt_text(const struct queue_item *it)
{
	return (it->prompt != NULL && it->prompt[0] != '\0' ? it->prompt :
	    NULL);
}

/* {"role", "content", "name", "tool_calls", "tool_call_id", "weight"} */
static cJSON *
fmt_chat_message(struct export_ctx *x, const struct queue_message *qm,
    const struct export_pii *p, int weights)
{
	const struct fmt_chat_role	*r = fmt_chat_role(qm->role);
	cJSON				*m, *calls, *call, *fn;
	size_t				 i;

	m = cJSON_CreateObject();
	export_str(m, "role", r->as);
	/* null, not absent: TRL and the cookbook look for the key. */
	export_str_take(m, "content", qm->content != NULL ?
	    export_redact_text(x, p, qm->content) : NULL);
	if (qm->name != NULL && r->named)
		export_str(m, "name", qm->name);
	if (qm->ncalls > 0) {
		calls = cJSON_CreateArray();
		for (i = 0; i < qm->ncalls; i++) {
			call = cJSON_CreateObject();
			export_str(call, "id", qm->calls[i].id);
			export_str(call, "type", "function");
			fn = cJSON_CreateObject();
			export_str(fn, "name", qm->calls[i].name);
			export_str_take(fn, "arguments", export_redact_text(x,
			    p, qm->calls[i].arguments));
			export_item(call, "function", fn);
			cJSON_AddItemToArray(calls, call);
		}
		export_item(m, "tool_calls", calls);
	}
	if (qm->tool_call_id != NULL)
		export_str(m, "tool_call_id", qm->tool_call_id);
	if (weights && strcmp(r->as, "assistant") == 0)
		cJSON_AddItemToObjectCS(m, "weight", json_create_int(0));
	return (m);
}

cJSON *
fmt_chat_context(struct export_ctx *x, const struct queue_item *it,
    const struct export_pii *p, int weights)
{
	static char		 user[] = "user";
	struct queue_message	 um;
	cJSON			*arr;
	size_t			 i;

	arr = cJSON_CreateArray();
	for (i = 0; i < it->nmsgs; i++)
		cJSON_AddItemToArray(arr, fmt_chat_message(x, &it->msgs[i], p,
		    weights));
	if (fmt_chat_prompt_text(it) != NULL) {
		memset(&um, 0, sizeof um);
		um.role = user;
		um.content = it->prompt;
		cJSON_AddItemToArray(arr, fmt_chat_message(x, &um, p, 0));
	}
	return (arr);
}

const char *
fmt_chat_context_skip(const struct queue_item *it)
{
	const struct queue_message	*m;
	size_t				 i, j, k;

	/* OpenAI: content is required but with tool calls (cookbook:
	   missing_content); TRL's templates would render an empty turn. */
	for (i = 0; i < it->nmsgs; i++) {
		m = &it->msgs[i];
		if (m->content != NULL ? m->content[0] == '\0' :
		    m->ncalls == 0)
			return ("empty message");
	}
	/* OpenAI: each tool call is followed by the tool's answer. */
	for (i = 0; i < it->nmsgs; i++) {
		for (k = 0; k < it->msgs[i].ncalls; k++) {
			for (j = i + 1; j < it->nmsgs; j++) {
				m = &it->msgs[j];
				if (m->tool_call_id != NULL && strcmp(
				    m->tool_call_id, it->msgs[i].calls[k].id) ==
				    0)
					break;
			}
			if (j == it->nmsgs)
				return ("unanswered tool call");
		}
	}
	return (NULL);
}

const char *
fmt_chat_prompt_skip(struct export_ctx *x, const struct queue_item *it,
    int one_turn)
{
	const struct fmt_chat_role	*r;
	const char			*why;
	size_t				 i;

	if ((why = fmt_chat_context_skip(it)) != NULL)
		return (why);
	if (it->nmsgs == 0 && fmt_chat_prompt_text(it) == NULL)
		return ("no prompt");
	/* TRL applies no chat template to a string: a chat has no string. */
	if (!one_turn && !fmt_chat_conversational(x))
		return (it->nmsgs > 0 ? "chat in standard form" : NULL);
	if (it->nmsgs == 0)
		return (NULL);
	/* OpenAI's DPO "only trains on one-turn conversations". */
	for (i = 0; one_turn && i < it->nmsgs; i++) {
		r = fmt_chat_role(it->msgs[i].role);
		if (strcmp(r->as, "assistant") == 0 ||
		    strcmp(r->as, "tool") == 0)
			return ("multi-turn context");
	}
	r = fmt_chat_role(it->msgs[it->nmsgs - 1].role);
	return (r->last);
}

/* TRL: a string prompt, or the chat so far for conversational data. */
cJSON *
fmt_chat_prompt(struct export_ctx *x, const struct queue_outcome *o,
    const struct fmt_chat *c)
{
	if (!fmt_chat_conversational(x))
		return (export_string_take(export_redact_text(x, &c->pii,
		    o->item->prompt)));
	return (fmt_chat_context(x, o->item, &c->pii, 0));
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

/* An answer in the file's form: a string, or one assistant message. */
cJSON *
fmt_chat_answer(struct export_ctx *x, const char *text)
{
	if (!fmt_chat_conversational(x))
		return (cJSON_CreateString(text));
	return (fmt_chat_assistant(text));
}

int
fmt_chat_conversational(const struct export_ctx *x)
{
	const char *form = export_form(x);

	return (form != NULL && strcmp(form, "conversational") == 0);
}

int
fmt_chat_choose_form(struct export_ctx *x, char **cause)
{
	const struct export_options	*opt = export_opts(x);
	int64_t				 since, last;
	int				 any, rc;

	if (export_form(x) != NULL)
		return (0);
	export_range(x, &since, &last);
	if ((rc = queue_outcomes_have_messages(export_queue(x), since, last,
	    opt->kind, opt->include_auto, &any, cause)) != 0)
		return (rc);
	export_set_form(x, any ? "conversational" : "standard");
	return (0);
}

int
fmt_chat_only_conversational(struct export_ctx *x, const char *what,
    char **cause)
{
	if (export_form(x) != NULL && !fmt_chat_conversational(x)) {
		xasprintf(cause, "%s is conversational (chat messages): "
		    "--form standard goes with dpo and kto", what);
		return (EX_USAGE);
	}
	export_set_form(x, "conversational");
	return (0);
}
