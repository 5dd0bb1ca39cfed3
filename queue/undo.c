/*
 * Undo: a reviewer withdraws their own latest decision of the shift by
 * appending a compensating event; the item comes back to them, claimed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "xmalloc.h"

static const char undo_last_sql[] =
    "SELECT d.id, d.item_id, d.action, i.ext_id "
    "FROM decisions d JOIN items i ON i.id = d.item_id "
    "WHERE d.reviewer = ?1 AND d.shift_id = ?2 AND d.action IN "
    "('approve','correct','escalate','skip','comment') AND NOT EXISTS "
    "(SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
    "ORDER BY d.id DESC LIMIT 1";

/* A decision by someone else since, still in force, blocks the undo. */
static const char undo_later_sql[] =
    "SELECT reviewer, action, decided_at FROM decisions d "
    "WHERE item_id = ?1 AND id > ?2 AND action NOT IN ('comment','undo') "
    "AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
    "ORDER BY id LIMIT 1";

static const char undo_escalation_sql[] =
    "SELECT state, coalesce(acked_by, resolved_by, '') FROM escalations "
    "WHERE decision_id = ?";

static const char undo_withdraw_sql[] =
    "UPDATE escalations SET state = 'withdrawn' WHERE decision_id = ?";

/* The item goes back to where it was in the queue before the skip. */
static const char undo_requeue_sql[] =
    "UPDATE items SET requeue = (SELECT requeue_before FROM skips "
    "WHERE decision_id = ?1) WHERE id = (SELECT item_id FROM skips "
    "WHERE decision_id = ?1)";

static const char undo_unskip_sql[] =
    "DELETE FROM skips WHERE decision_id = ?";

struct undo_target {
	int64_t	 id;
	int64_t	 item_id;
	char	*action;
	char	*item;
	char	*state;
	char	*holder;
	int64_t	 expires;
};

static void
undo_target_done(struct undo_target *t)
{
	free(t->action);
	free(t->item);
	free(t->state);
	free(t->holder);
}

/*
 * The item as it is now, locked to the commit: a claim (which runs side by
 * side with this on PostgreSQL) must not take it meanwhile.
 */
static int
undo_item(struct queue *q, struct undo_target *t, char **cause)
{
	static const char sql[] =
	    "SELECT state, holder, lease_expires FROM items WHERE id = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_FOR_UPDATE, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	if ((rc = store_one(st, "undo", cause)) != 0)
		return (rc);
	t->state = store_column_text(st, 0);
	t->holder = store_column_text(st, 1);
	t->expires = store_int(st, 2);
	store_reset(st);
	return (0);
}

static int
undo_find(struct queue *q, int64_t shift, struct undo_target *t, char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	memset(t, 0, sizeof *t);
	if ((st = store_stmt(q, undo_last_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, q->actor);
	store_bind_int(st, 2, shift);
	rc = store_step(st, "undo", cause);
	if (rc == STORE_DONE) {
		store_reset(st);
		xasprintf(cause, "nothing to undo: %s has no decision in this "
		    "shift that is still in force", q->actor);
		return (EX_UNAVAILABLE);
	}
	if (rc != STORE_ROW)
		return (rc);
	t->id = store_int(st, 0);
	t->item_id = store_int(st, 1);
	t->action = store_column_text(st, 2);
	t->item = store_column_text(st, 3);
	store_reset(st);
	return (undo_item(q, t, cause));
}

/* Refuses when undoing would overrule someone who acted since. */
static int
undo_check(struct queue *q, const struct undo_target *t, char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	if (store_decision_exported(q, t->id)) {
		xasprintf(cause, "your %s of item %s was exported already and "
		    "cannot be undone; a new decision on the item supersedes "
		    "it instead (a lead can reopen it: hitl reopen)",
		    t->action, t->item);
		return (EX_NOPERM);
	}
	/* Withdrawing a comment changes no state: nothing to overrule. */
	if (strcmp(t->action, "comment") == 0)
		return (0);
	if ((st = store_stmt(q, undo_later_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	store_bind_int(st, 2, t->id);
	rc = store_step(st, "undo", cause);
	if (rc == STORE_ROW) {
		xasprintf(cause, "cannot undo your %s of item %s: %s decided "
		    "it since (%s at %s)", t->action, t->item,
		    store_text(st, 0), store_text(st, 1),
		    store_text(st, 2));
		store_reset(st);
		return (EX_UNAVAILABLE);
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return (rc);
	if (strcmp(t->state, "claimed") == 0 && t->holder != NULL &&
	    strcmp(t->holder, q->actor) != 0 && t->expires > queue_now(q)) {
		xasprintf(cause, "cannot undo your %s of item %s: %s holds it "
		    "now", t->action, t->item, t->holder);
		return (EX_UNAVAILABLE);
	}
	if (strcmp(t->action, "escalate") != 0)
		return (0);
	if ((st = store_stmt(q, undo_escalation_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->id);
	if (store_step(st, "database", cause) == STORE_ROW &&
	    strcmp(store_text(st, 0), "open") != 0) {
		xasprintf(cause, "cannot undo your escalation of item %s: "
		    "%s has %s it", t->item, store_text(st, 1),
		    store_text(st, 0));
		store_reset(st);
		return (EX_UNAVAILABLE);
	}
	store_reset(st);
	return (0);
}

static int
undo_exec(struct queue *q, const char *sql, int64_t id, char **cause)
{
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	return (store_run(st, "undo", cause));
}

int
queue_undo(struct queue *q, struct queue_decision_info *undone,
    struct queue_lease *l, char **cause)
{
	struct undo_target	t;
	int64_t			shift, did;
	int			rc;

	memset(&t, 0, sizeof t);
	memset(l, 0, sizeof *l);
	if (undone != NULL)
		memset(undone, 0, sizeof *undone);
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "undo decisions", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_shift_id(q, 0, &shift, cause)) != 0)
		goto fail;
	if (shift == 0) {
		xasprintf(cause, "nothing to undo: %s has no open shift",
		    q->actor);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = undo_find(q, shift, &t, cause)) != 0 ||
	    (rc = undo_check(q, &t, cause)) != 0)
		goto fail;
	if (strcmp(t.action, "escalate") == 0)
		rc = undo_exec(q, undo_withdraw_sql, t.id, cause);
	else if (strcmp(t.action, "skip") == 0 &&
	    (rc = undo_exec(q, undo_requeue_sql, t.id, cause)) == 0)
		rc = undo_exec(q, undo_unskip_sql, t.id, cause);
	if (rc != 0)
		goto fail;
	/* A comment changed no state; everything else comes back claimed. */
	if (strcmp(t.action, "comment") != 0 &&
	    (rc = claim_item(q, t.item_id, l, cause)) != 0)
		goto fail;
	if ((rc = decide_append(q, t.item_id, t.item, "undo", shift,
	    l->lease_id, -1, NULL, t.id, "undo", &did, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	if (undone != NULL) {
		undone->id = t.id;
		undone->item = t.item;
		undone->action = t.action;
		undone->reviewer = xstrdup(q->actor);
		t.item = t.action = NULL;
	}
	undo_target_done(&t);
	return (0);

fail:
	store_rollback(q);
	undo_target_done(&t);
	queue_lease_done(l);
	return (rc);
}

int
queue_reopen(struct queue *q, const char *item, const char *note,
    int64_t *decision_id, char **cause)
{
	struct queue_item	*it = NULL;
	cJSON			*o;
	char			*payload;
	int64_t			 shift, did;
	int			 rc;

	if (note == NULL || *note == '\0') {
		xasprintf(cause, "reopening needs a note saying why");
		return (EX_USAGE);
	}
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD, "reopen items",
	    cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_item_get(q, 0, item, &it, cause)) != 0)
		goto fail;
	if (it->state != QUEUE_STATE_DECIDED &&
	    it->state != QUEUE_STATE_RESOLVED) {
		xasprintf(cause, "item %s is %s: only decided or resolved items "
		    "are reopened", item, queue_state_name(it->state));
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "note", note);
	payload = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	rc = store_shift_id(q, 1, &shift, cause);
	if (rc == 0)
		rc = decide_append(q, it->id, it->ext_id, "reopen", shift, 0,
		    -1, payload, 0, "reopen", &did, cause);
	free(payload);
	if (rc != 0)
		goto fail;
	if ((rc = store_item_move(q, it->id, (enum queue_state)
	    action_find("reopen")->to, NULL, 0, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	if (decision_id != NULL)
		*decision_id = did;
	queue_item_free(it);
	return (0);
fail:
	store_rollback(q);
	queue_item_free(it);
	return (rc);
}
