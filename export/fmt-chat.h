/*
 * Shared by the chat formats: an outcome made ready to write, the chat in
 * the message shapes OpenAI and TRL take, and the one form of a file.
 */
#ifndef HITL_FMT_CHAT_H
#define HITL_FMT_CHAT_H

#include "sink.h"

struct fmt_chat {
	cJSON			*payload;
	const char		*action;	/* approve, correct, reject */
	int			 rejected;	/* an escalation's reject */
	int			 corrected;	/* the text was corrected */
	const char		*final;
	struct export_pii	 pii;
	char			*original_r;	/* redacted */
	char			*final_r;
};

/* -1 if the outcome is not a model output decided by a human. */
int	 fmt_chat_begin(struct export_ctx *, const struct queue_outcome *,
	    struct fmt_chat *);
void	 fmt_chat_done(struct fmt_chat *);

/*
 * The context as chat messages (a prompt is one user message), redacted,
 * roles as OpenAI's fine-tuning and TRL's chat templates take them
 * (developer is system); with weights, the assistant's earlier turns, which
 * nobody reviewed, are "weight": 0 (OpenAI's sft).
 */
cJSON	*fmt_chat_context(struct export_ctx *, const struct queue_item *,
	    const struct export_pii *, int weights);
/*
 * Why the outcome's context cannot be written in the file's form, for
 * export_skip (NULL: it can): a message without text; as a TRL prompt (the
 * last message a user's), or with one_turn as OpenAI's DPO input (no
 * earlier assistant turn).
 */
const char *fmt_chat_context_skip(const struct queue_item *);
const char *fmt_chat_prompt_skip(struct export_ctx *, const struct queue_item *,
	    int one_turn);
/* A TRL prompt and answer in the file's form: strings, or messages. */
cJSON	*fmt_chat_prompt(struct export_ctx *, const struct queue_outcome *,
	    const struct fmt_chat *);
cJSON	*fmt_chat_answer(struct export_ctx *, const char *);
cJSON	*fmt_chat_assistant(const char *);

/*
 * A sink's begin: the form of every record, --form or, if unset,
 * conversational when an item the run takes has messages (TRL: one format
 * per dataset; pyarrow: one type per column).
 */
int	 fmt_chat_choose_form(struct export_ctx *, char **cause);
int	 fmt_chat_conversational(const struct export_ctx *);
/* A sink's begin for a format that is conversational only. */
int	 fmt_chat_only_conversational(struct export_ctx *, const char *what,
	    char **cause);

#endif
