/*
 * Batch approval (the console's selection of rows): which items may be
 * approved without being opened, and their approval, one decision each.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "records.h"
#include "xmalloc.h"

/*
 * An item in a review round (overlap, audit, gold, or a two-person
 * decision pending) or one the two-person rule covers is left out: its
 * vote, or its first person's decision, is to be taken with the item in
 * front of the reviewer. The reason given is the same for all of them, so
 * that a blind reviewer learns nothing of which is sampled.
 */
static int
batch_left_out(struct queue *q, const struct queue_item *it, int *out,
    char **cause)
{
	struct store_sample	 s;
	char			*matched = NULL;
	int			 rc;

	*out = 0;
	rc = store_sample_get(q, it->id, NULL, &s, cause);
	if (rc == STORE_ROW) {
		*out = strcmp(s.state, "open") == 0;
		store_sample_done(&s);
	} else if (rc != STORE_DONE)
		return (rc);
	if (*out)
		return (0);
	if ((rc = twoperson_match(q, it, out, &matched, cause)) != 0)
		return (rc);
	free(matched);
	return (0);
}

int
queue_batch_check(struct queue *q, const char *item, int *ok, char **cause)
{
	struct queue_item	*it = NULL;
	int			 rc, out;

	*ok = 0;
	if ((rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = store_item_get(q, 0, item, &it, cause)) == 0 &&
	    (rc = batch_left_out(q, it, &out, cause)) == 0)
		*ok = !out;
	store_rollback(q);
	queue_item_free(it);
	return (rc);
}

/*
 * Claims the item as any chosen row is claimed, looks again under the claim
 * (nothing changes it while held) and approves it; a left-out item is
 * released untouched.
 */
static int
batch_approve_one(struct queue *q, const char *item, int64_t *did,
    char **cause)
{
	struct queue_filter	 f = { .item = item };
	struct queue_decision	 d;
	struct queue_lease	 l;
	char			*why = NULL;
	int			 rc, ok;

	if ((rc = queue_claim_next(q, &f, &l, cause)) != 0)
		return (rc);
	if ((rc = queue_batch_check(q, item, &ok, cause)) == 0 && !ok) {
		xasprintf(cause, "%s must be reviewed on its own", item);
		rc = EX_UNAVAILABLE;
	}
	if (rc != 0) {
		queue_release(q, item, l.lease_id, &why);
		free(why);
		goto out;
	}
	memset(&d, 0, sizeof d);
	d.item = item;
	d.lease_id = l.lease_id;
	d.action = QUEUE_APPROVE;
	d.spent_ms = -1;
	rc = queue_decide(q, &d, did, cause);
out:
	queue_lease_done(&l);
	return (rc);
}

int
queue_batch_approve(struct queue *q, const char *const *items, size_t n,
    struct queue_batch *b, char **cause)
{
	cJSON	*data, *ids;
	int64_t	 did;
	size_t	 i;
	int	 rc;

	memset(b, 0, sizeof *b);
	b->why = xcalloc(n > 0 ? n : 1, sizeof *b->why);
	ids = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		if ((rc = batch_approve_one(q, items[i], &did,
		    &b->why[i])) != 0) {
			b->refused++;
			continue;
		}
		cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)did));
		b->approved++;
	}
	if (b->approved == 0) {
		cJSON_Delete(ids);
		return (0);
	}
	/* On record: these decisions were taken together, not one by one. */
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "count", (double)b->approved);
	cJSON_AddItemToObject(data, "decisions", ids);
	if ((rc = store_begin(q, cause)) != 0) {
		cJSON_Delete(data);
		return (rc);
	}
	if ((rc = store_audit_append(q, "batch_approve", q->actor, NULL, data,
	    cause)) != 0 || (rc = store_commit(q, cause)) != 0)
		store_rollback(q);
	return (rc);
}

void
queue_batch_done(struct queue_batch *b, size_t n)
{
	size_t i;

	if (b->why != NULL) {
		for (i = 0; i < n; i++)
			free(b->why[i]);
	}
	free(b->why);
	memset(b, 0, sizeof *b);
}
