/*
 * Reading one item back for a reviewer: its columns, flags or spans, and its
 * history of decisions; and freeing what was read.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "xmalloc.h"

static char *
item_string(const cJSON *o, const char *key)
{
	const char *s;

	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return (s != NULL ? xstrdup(s) : NULL);
}

/*
 * Content as one text: a string, or the text parts joined as they are (a
 * chat template renders them one after the other); NULL if there is none.
 */
static char *
item_content(const cJSON *v)
{
	const cJSON	*p;
	const char	*t;
	char		*s;
	size_t		 len = 0, n;

	if (cJSON_IsString(v))
		return (xstrdup(v->valuestring));
	if (!cJSON_IsArray(v))
		return (NULL);
	s = xstrdup("");
	cJSON_ArrayForEach(p, v) {
		if ((t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
		    "text"))) == NULL)
			continue;
		n = strlen(t);
		s = xrealloc(s, len + n + 1);
		memcpy(s + len, t, n + 1);
		len += n;
	}
	return (s);
}

static void
item_message_done(struct queue_message *m)
{
	size_t i;

	free(m->role);
	free(m->content);
	free(m->name);
	free(m->tool_call_id);
	for (i = 0; i < m->ncalls; i++) {
		free(m->calls[i].id);
		free(m->calls[i].name);
		free(m->calls[i].arguments);
	}
	free(m->calls);
}

void
queue_item_messages(struct queue_item *it)
{
	struct queue_message	*m;
	struct queue_tool_call	*c;
	cJSON			*arr, *v, *tc, *call, *fn;
	const char		*role;

	if (it->messages == NULL || (arr = cJSON_Parse(it->messages)) == NULL)
		return;
	it->msgs = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof *it->msgs);
	cJSON_ArrayForEach(v, arr) {
		/* Validated on import; a role is all a message must have. */
		if ((role = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(v, "role"))) == NULL)
			continue;
		m = &it->msgs[it->nmsgs++];
		m->role = xstrdup(role);
		m->content = item_content(cJSON_GetObjectItemCaseSensitive(v,
		    "content"));
		m->name = item_string(v, "name");
		m->tool_call_id = item_string(v, "tool_call_id");
		tc = cJSON_GetObjectItemCaseSensitive(v, "tool_calls");
		if (!cJSON_IsArray(tc))
			continue;
		m->calls = xcalloc((size_t)cJSON_GetArraySize(tc) + 1,
		    sizeof *m->calls);
		cJSON_ArrayForEach(call, tc) {
			c = &m->calls[m->ncalls++];
			c->id = item_string(call, "id");
			fn = cJSON_GetObjectItemCaseSensitive(call, "function");
			c->name = item_string(fn, "name");
			c->arguments = item_string(fn, "arguments");
		}
	}
	cJSON_Delete(arr);
}

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
	for (i = 0; i < it->nmsgs; i++)
		item_message_done(&it->msgs[i]);
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
	struct queue_decision_info	*d;
	size_t				 i, k;
	int				 blind;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0 ||
	    (rc = quality_blind(q, ext_id, &blind, cause)) != 0 ||
	    (rc = store_item_history(q, ext_id, out, n, cause)) != 0)
		return (rc);
	if (!blind)
		return (0);
	/* A blind round: the actor's own decisions only. */
	d = *out;
	for (i = k = 0; i < *n; i++) {
		if (strcmp(d[i].reviewer, q->actor) == 0) {
			d[k++] = d[i];
			continue;
		}
		free(d[i].item);
		free(d[i].action);
		free(d[i].reviewer);
		free(d[i].decided_at);
		free(d[i].payload);
	}
	*n = k;
	return (0);
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
