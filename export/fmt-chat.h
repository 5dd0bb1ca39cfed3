/* Shared by the chat formats: an outcome made ready to write. */
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
cJSON	*fmt_chat_prompt(struct export_ctx *, const struct queue_outcome *,
	    const struct fmt_chat *);
cJSON	*fmt_chat_answer(const struct queue_outcome *, const char *);
cJSON	*fmt_chat_assistant(const char *);

#endif
