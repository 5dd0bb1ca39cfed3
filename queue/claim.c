/*
 * Claims: leases on items, handed out in priority order one index lookup at
 * a time; renewal, release and a lead's takeover.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

int
claim_item(struct queue *q, int64_t id, struct queue_lease *l, char **cause)
{
	int64_t	now = queue_now(q);
	int	rc;

	if ((rc = store_counter_next(q, "next_lease", &l->lease_id,
	    cause)) != 0)
		return (rc);
	l->expires = now + q->policy->lease_seconds;
	if ((rc = store_item_move(q, id, QUEUE_STATE_CLAIMED, l, 0,
	    cause)) != 0)
		return (rc);
	l->holder = xstrdup(q->actor);
	return (store_lease_insert(q, id, l, now, cause));
}

/*
 * Why the claim of one chosen item took nothing: who holds it and until
 * when, what state it is in, or else that it is not the actor's to take
 * now (a vote of theirs is in, they skipped it, or it waits for a lead);
 * blind review forbids saying which of those.
 */
static int
claim_refused(struct queue *q, const char *item, char **cause)
{
	struct store_item_lease	 r;
	char			 until[32];
	int			 rc;

	memset(&r, 0, sizeof r);
	rc = store_item_lease(q, item, &r, cause);
	if (rc == STORE_DONE) {
		xasprintf(cause, "no item \"%s\"", item);
		return (EX_NOINPUT);
	}
	if (rc != STORE_ROW)
		return (rc);
	if (r.state == QUEUE_STATE_CLAIMED && r.holder != NULL &&
	    r.expires > queue_now(q)) {
		queue_format_time(r.expires, until);
		xasprintf(cause, "%s is held by %s until %s", item, r.holder,
		    until);
	} else if (r.state != QUEUE_STATE_QUEUED &&
	    r.state != QUEUE_STATE_CLAIMED)
		xasprintf(cause, "%s is %s: nothing to review", item,
		    queue_state_name(r.state));
	else
		xasprintf(cause, "%s is not yours to review now (you skipped it "
		    "in this shift, your vote on it is in, or it waits for a "
		    "lead)", item);
	store_item_lease_done(&r);
	return (EX_UNAVAILABLE);
}

int
queue_claim_next(struct queue *q, const struct queue_filter *f,
    struct queue_lease *l, char **cause)
{
	enum queue_kind	 kind;
	int64_t		 shift, id;
	int		 rc;

	memset(l, 0, sizeof *l);
	if (f != NULL && f->kind != NULL &&
	    queue_kind_parse(f->kind, &kind) != 0) {
		xasprintf(cause, "unknown kind \"%s\" (model_output or "
		    "anonymization)", f->kind);
		return (EX_USAGE);
	}
	/*
	 * A claim records no event (but the first of a shift, which takes
	 * the log's lock then): PostgreSQL runs claims side by side, each
	 * taking the first item nobody else holds.
	 */
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "claim items",
	    cause)) != 0 ||
	    (rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = quality_paused(q, cause)) != 0 ||
	    (rc = store_shift_id(q, 1, &shift, cause)) != 0)
		goto fail;
	rc = quality_claim_gold(q, f, shift, &id, cause);
	if (rc == STORE_DONE)
		rc = store_claim_next(q, f, shift, &id, cause);
	if (rc != STORE_ROW && rc != STORE_DONE)
		goto fail;
	if (rc == STORE_DONE && f != NULL && f->item != NULL) {
		rc = claim_refused(q, f->item, cause);
		goto fail;
	}
	if (rc == STORE_DONE) {
		xasprintf(cause, "nothing to review%s: every item is decided, "
		    "held by someone, or skipped by you in this shift",
		    f != NULL && (f->kind != NULL || f->type != NULL) ?
		    " matching the filter" : "");
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = claim_item(q, id, l, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	return (0);

fail:
	store_rollback(q);
	queue_lease_done(l);
	return (rc);
}

/*
 * The item's lease columns, for the checks below: a missing item is refused
 * here.
 */
static int
claim_row(struct queue *q, const char *item, struct store_item_lease *r,
    char **cause)
{
	int rc;

	rc = store_item_lease(q, item, r, cause);
	if (rc == STORE_DONE) {
		xasprintf(cause, "no item \"%s\"", item);
		return (EX_NOINPUT);
	}
	if (rc != STORE_ROW)
		return (rc);
	return (0);
}

/*
 * What became of a lease that no longer holds the item, for the message: 0
 * if there is no such lease (nor a readable one). An expired lease nobody
 * else took still counts: the token matters.
 */
static int
claim_lease_get(struct queue *q, int64_t lease_id, struct store_lease *l)
{
	char	*why = NULL;
	int	 found;

	found = store_lease_get(q, lease_id, l, &why) == STORE_ROW;
	free(why);
	return (found);
}

/* A lease already spent on a decision of the actor's: says which. */
static int
claim_lease_used(struct queue *q, int64_t lease_id, const char *item,
    char **cause)
{
	char	*why = NULL, *action, *at;
	int	 used = 0;

	if (store_lease_spent(q, lease_id, q->actor, &action, &at,
	    &why) == STORE_ROW) {
		xasprintf(cause, "item %s: lease %lld was used already, for "
		    "your %s at %s", item, (long long)lease_id, action, at);
		used = 1;
	}
	free(why);
	free(action);
	free(at);
	return (used);
}

int
claim_check(struct queue *q, const char *item, int64_t lease_id, int64_t *id,
    char **cause)
{
	struct store_item_lease	r;
	struct store_lease	l;
	char			when[32];
	int			rc;

	if ((rc = claim_row(q, item, &r, cause)) != 0)
		return (rc);
	*id = r.id;
	if (r.state == QUEUE_STATE_CLAIMED && r.holder != NULL &&
	    strcmp(r.holder, q->actor) == 0 && r.lease_id == lease_id) {
		store_item_lease_done(&r);
		return (0);
	}
	rc = EX_UNAVAILABLE;
	if (!claim_lease_get(q, lease_id, &l) || l.item_id != r.id) {
		xasprintf(cause, "item %s: lease %lld is not a claim on this "
		    "item", item, (long long)lease_id);
		goto out;
	}
	if (strcmp(l.holder, q->actor) != 0) {
		xasprintf(cause, "item %s: lease %lld is %s's, not yours", item,
		    (long long)lease_id, l.holder);
		goto out;
	}
	queue_format_time(l.expires, when);
	if (claim_lease_used(q, lease_id, item, cause))
		goto out;
	if (l.taken_over_by != NULL)
		xasprintf(cause, "item %s: %s took over your claim (lease "
		    "%lld)", item, l.taken_over_by, (long long)lease_id);
	else if (r.state == QUEUE_STATE_CLAIMED && r.holder != NULL &&
	    strcmp(r.holder, q->actor) != 0 && l.expires > queue_now(q))
		xasprintf(cause, "item %s: your claim (lease %lld) was released "
		    "and %s holds it now", item, (long long)lease_id, r.holder);
	else if (r.state == QUEUE_STATE_CLAIMED && r.holder != NULL &&
	    strcmp(r.holder, q->actor) != 0)
		xasprintf(cause, "item %s: your claim expired at %s and %s "
		    "took it", item, when, r.holder);
	else if (r.state == QUEUE_STATE_CLAIMED)
		xasprintf(cause, "item %s: lease %lld is not current: you "
		    "claimed it again since (lease %lld)", item,
		    (long long)lease_id, (long long)r.lease_id);
	else if (r.state == QUEUE_STATE_QUEUED)
		xasprintf(cause, "item %s: your claim (lease %lld) ended "
		    "(released or expired at %s); claim it again", item,
		    (long long)lease_id, when);
	else
		xasprintf(cause, "item %s: your claim expired at %s and the "
		    "item is %s now", item, when, queue_state_name(r.state));
out:
	store_lease_done(&l);
	store_item_lease_done(&r);
	return (rc);
}

/*
 * Renews a held item's lease until expires, or, when expires is 0, ends the
 * claim (the item is queued again).
 */
static int
claim_change(struct queue *q, const char *item, int64_t lease_id,
    int64_t expires, char **cause)
{
	int64_t	id;
	int	rc;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "hold items",
	    cause)) != 0 ||
	    (rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = claim_check(q, item, lease_id, &id, cause)) != 0)
		goto fail;
	if (expires == 0)
		rc = store_item_move(q, id, QUEUE_STATE_QUEUED, NULL, 0, cause);
	else
		rc = store_lease_renew(q, id, lease_id, expires, cause);
	if (rc != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	return (0);
fail:
	store_rollback(q);
	return (rc);
}

int
queue_renew(struct queue *q, const char *item, int64_t lease_id,
    int64_t *expires, char **cause)
{
	int rc;

	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	*expires = queue_now(q) + q->policy->lease_seconds;
	return (claim_change(q, item, lease_id, *expires, cause));
}

int
queue_release(struct queue *q, const char *item, int64_t lease_id,
    char **cause)
{
	return (claim_change(q, item, lease_id, 0, cause));
}

int
queue_takeover(struct queue *q, const char *item, struct queue_lease *l,
    char **cause)
{
	struct store_item_lease	 r;
	cJSON			*data;
	int64_t			 shift;
	int			 rc;

	memset(l, 0, sizeof *l);
	memset(&r, 0, sizeof r);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "take over other reviewers' claims", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = claim_row(q, item, &r, cause)) != 0)
		goto fail;
	if (r.state != QUEUE_STATE_CLAIMED || r.holder == NULL ||
	    strcmp(r.holder, q->actor) == 0) {
		xasprintf(cause, "item %s is not held by anyone else (it is "
		    "%s)", item, queue_state_name(r.state));
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = store_shift_id(q, 1, &shift, cause)) != 0 ||
	    (rc = store_lease_take_over(q, r.lease_id, q->actor,
	    cause)) != 0 ||
	    (rc = claim_item(q, r.id, l, cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "from", r.holder);
	cJSON_AddNumberToObject(data, "old_lease", (double)r.lease_id);
	cJSON_AddNumberToObject(data, "old_expires", (double)r.expires);
	cJSON_AddNumberToObject(data, "lease", (double)l->lease_id);
	if ((rc = store_audit_append(q, "takeover", q->actor, item, data,
	    cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	store_item_lease_done(&r);
	return (0);

fail:
	store_rollback(q);
	store_item_lease_done(&r);
	queue_lease_done(l);
	return (rc);
}

void
queue_lease_done(struct queue_lease *l)
{
	free(l->item);
	free(l->holder);
	memset(l, 0, sizeof *l);
}
