/*
 * Reading one item back for a reviewer: its columns, flags or spans, and its
 * history of decisions; and freeing what was read.
 */
#include "config.h"

#include <stdlib.h>

#include "records.h"

/* Reading an item's content or record is reviewers' work, whoever asks. */
int
queue_item_get(struct queue *q, const char *ext_id, struct queue_item **out,
    char **cause)
{
	int rc;

	*out = NULL;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0)
		return (rc);
	return (store_item_get(q, 0, ext_id, out, cause));
}

void
queue_item_free(struct queue_item *it)
{
	size_t i;

	if (it == NULL)
		return;
	for (i = 0; i < it->nflags; i++) {
		free(it->flags[i].type);
		free(it->flags[i].detector);
		free(it->flags[i].rationale);
	}
	free(it->flags);
	for (i = 0; i < it->nspans; i++) {
		free(it->spans[i].entity_type);
		free(it->spans[i].recognizer);
		free(it->spans[i].explanation);
		free(it->spans[i].triage);
	}
	free(it->spans);
	free(it->ext_id);
	free(it->top_type);
	free(it->holder);
	free(it->created_at);
	free(it->imported_at);
	free(it->source_model);
	free(it->source_pipeline);
	free(it->metadata);
	free(it->prompt);
	free(it->messages);
	for (i = 0; i < it->nmsgs; i++) {
		free(it->msgs[i].role);
		free(it->msgs[i].content);
	}
	free(it->msgs);
	free(it->text);
	free(it->raw);
	free(it);
}

int
queue_item_history(struct queue *q, const char *ext_id,
    struct queue_decision_info **out, size_t *n, char **cause)
{
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0)
		return (rc);
	return (store_item_history(q, ext_id, out, n, cause));
}

void
queue_decisions_free(struct queue_decision_info *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].item);
		free(d[i].action);
		free(d[i].reviewer);
		free(d[i].decided_at);
		free(d[i].payload);
	}
	free(d);
}
