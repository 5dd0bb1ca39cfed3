/*
 * Notifications: the events the rules tell of, kept until their write
 * commits and then handed to the queue's notifier with the policy's hook.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "records.h"
#include "xmalloc.h"

/*
 * An event told inside a write: its hook is the policy's as the write saw
 * it, so that a policy loaded after the commit changes nothing of it.
 */
struct notify_pending {
	char	*event;
	char	*item;
	char	*command;
	int	 timeout_seconds;
	char	*json;
};

void
queue_set_notifier(struct queue *q, queue_notify_fn fn, void *arg)
{
	q->notify_fn = fn;
	q->notify_arg = arg;
}

static void
notify_pending_done(struct notify_pending *p)
{
	free(p->event);
	free(p->item);
	free(p->command);
	free(p->json);
}

static void
notify_tell(struct queue *q, const struct notify_pending *p)
{
	struct queue_event ev;

	ev.event = p->event;
	ev.item = p->item;
	ev.command = p->command;
	ev.timeout_seconds = p->timeout_seconds;
	ev.json = p->json;
	q->notify_fn(q, &ev, q->notify_arg);
}

void
queue_notify(struct queue *q, const char *event, const char *item,
    cJSON *fields)
{
	const struct policy_hook	*h;
	struct notify_pending		 p;
	cJSON				*o, *c;
	char				 at[32];

	if (q->notify_fn == NULL || q->policy == NULL ||
	    (h = policy_hook_of(q->policy, event)) == NULL) {
		cJSON_Delete(fields);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", event);
	store_now_text(q, at);
	cJSON_AddStringToObject(o, "at", at);
	if (q->actor != NULL)
		cJSON_AddStringToObject(o, "actor", q->actor);
	else
		cJSON_AddNullToObject(o, "actor");
	if (item != NULL)
		cJSON_AddStringToObject(o, "item", item);
	else
		cJSON_AddNullToObject(o, "item");
	/* queue_path's name: never a server's password. */
	cJSON_AddStringToObject(o, "database", q->path);
	/* The event's own fields follow the common ones, which they keep. */
	while (fields != NULL && (c = fields->child) != NULL) {
		cJSON_DetachItemViaPointer(fields, c);
		if (c->string == NULL ||
		    cJSON_GetObjectItemCaseSensitive(o, c->string) != NULL)
			cJSON_Delete(c);
		else
			cJSON_AddItemToObject(o, c->string, c);
	}
	cJSON_Delete(fields);
	memset(&p, 0, sizeof p);
	p.event = xstrdup(event);
	p.item = item != NULL ? xstrdup(item) : NULL;
	p.command = xstrdup(h->command);
	p.timeout_seconds = h->timeout_seconds != 0 ? h->timeout_seconds :
	    q->policy->hook_timeout;
	p.json = json_print(o);
	cJSON_Delete(o);
	if (!q->in_txn) {
		notify_tell(q, &p);
		notify_pending_done(&p);
		return;
	}
	q->pending = xreallocarray(q->pending, q->npending + 1,
	    sizeof *q->pending);
	q->pending[q->npending++] = p;
}

void
notify_flush(struct queue *q)
{
	struct notify_pending	*p = q->pending;
	size_t			 n = q->npending, i;

	/* Taken first: a notifier may write (queue_hook_failed) and commit. */
	q->pending = NULL;
	q->npending = 0;
	for (i = 0; i < n; i++) {
		if (q->notify_fn != NULL)
			notify_tell(q, &p[i]);
		notify_pending_done(&p[i]);
	}
	free(p);
}

void
notify_forget(struct queue *q)
{
	size_t i;

	for (i = 0; i < q->npending; i++)
		notify_pending_done(&q->pending[i]);
	free(q->pending);
	q->pending = NULL;
	q->npending = 0;
}

int
queue_hook_failed(struct queue *q, const struct queue_event *ev,
    const char *what, char **cause)
{
	cJSON	*data;
	int	 rc;

	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "event", ev->event);
	cJSON_AddStringToObject(data, "failure", what);
	if ((rc = store_audit_append(q, "hook_failed", q->actor, ev->item,
	    data, cause)) != 0 || (rc = store_commit(q, cause)) != 0) {
		store_rollback(q);
		return (rc);
	}
	return (0);
}
