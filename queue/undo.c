/*
 * Undo: a reviewer withdraws their own latest decision still in force, of
 * the shift or of the policy's undo window, by appending a compensating
 * event; the item comes back to them, claimed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "records.h"
#include "xmalloc.h"

/*
 * The decision to withdraw: of the open shift (if any), or taken within the
 * policy's undo window, so that a mistake noticed after a break, in a new
 * shift, is still the reviewer's to undo.
 */
static int
undo_find(struct queue *q, int64_t shift, struct store_undoable *t,
    char **cause)
{
	int	window = q->policy->undo_window_minutes;
	char	since[32];
	int	rc;

	/* A window of 0 reaches no further than the shift: "now" is past. */
	queue_format_time(queue_now(q) - (int64_t)window * 60 +
	    (window == 0), since);
	rc = store_decision_undoable(q, q->actor, shift, since, t, cause);
	if (rc == STORE_DONE && window == 0)
		xasprintf(cause, "nothing to undo: %s has no decision in %s "
		    "that is still in force (the policy's undo_window_minutes "
		    "is 0: undo reaches no further than the shift)", q->actor,
		    shift != 0 ? "this shift" : "an open shift");
	else if (rc == STORE_DONE)
		xasprintf(cause, "nothing to undo: %s has no decision still in "
		    "force from this shift or the last %d minutes "
		    "(undo_window_minutes; a lead can reopen an item: hitl "
		    "reopen)", q->actor, window);
	if (rc == STORE_DONE)
		return (EX_UNAVAILABLE);
	return (rc == STORE_ROW ? 0 : rc);
}

/*
 * Refuses when undoing would overrule someone who acted since. A vote
 * overrules nobody (other votes are blind and stay), and the refusal may
 * not say who else reviews the item.
 */
static int
undo_check(struct queue *q, const struct store_undoable *t, int vote,
    char **cause)
{
	struct queue_decision_info	*later;
	char				*state, *by;
	int				 rc;

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
	if (vote && strcmp(t->state, "claimed") == 0 && t->holder != NULL &&
	    strcmp(t->holder, q->actor) != 0 && t->expires > queue_now(q)) {
		xasprintf(cause, "cannot undo your %s of item %s now: another "
		    "reviewer has it open; try again later", t->action,
		    t->item);
		return (EX_TEMPFAIL);
	}
	if (vote)
		return (0);
	rc = store_decision_later(q, t->item_id, t->id, &later, cause);
	if (rc == STORE_ROW) {
		xasprintf(cause, "cannot undo your %s of item %s: %s decided "
		    "it since (%s at %s)", t->action, t->item,
		    later->reviewer, later->action, later->decided_at);
		queue_decisions_free(later, 1);
		return (EX_UNAVAILABLE);
	}
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
	/* Nor may it withdraw an escalation somebody took up since. */
	rc = store_escalation_of_decision(q, t->id, &state, &by, cause);
	if (rc == STORE_ROW && strcmp(state, "open") != 0) {
		xasprintf(cause, "cannot undo your escalation of item %s: "
		    "%s has %s it", t->item, by, state);
		rc = EX_UNAVAILABLE;
	} else if (rc == STORE_ROW)
		rc = 0;
	free(state);
	free(by);
	return (rc);
}

int
queue_undo(struct queue *q, struct queue_decision_info *undone,
    struct queue_lease *l, char **cause)
{
	struct store_undoable	t;
	int64_t			shift, did;
	int			rc, vote = 0;

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
	if ((rc = undo_find(q, shift, &t, cause)) != 0 ||
	    (rc = quality_undo(q, t.item_id, t.item, t.id, t.action, &vote,
	    cause)) != 0 ||
	    (rc = undo_check(q, &t, vote, cause)) != 0)
		goto fail;
	if (strcmp(t.action, "escalate") == 0)
		rc = store_escalation_withdraw(q, t.id, cause);
	/* The item goes back to where it was in the queue before the skip. */
	else if (strcmp(t.action, "skip") == 0)
		rc = store_skip_undo(q, t.id, cause);
	if (rc != 0)
		goto fail;
	/* An undo after a break is of the new shift (opened here if need be). */
	if (shift == 0 && (rc = store_shift_id(q, 1, &shift, cause)) != 0)
		goto fail;
	/* A comment changed no state; everything else comes back claimed. */
	if (strcmp(t.action, "comment") != 0 &&
	    (rc = claim_item(q, t.item_id, l, cause)) != 0)
		goto fail;
	if ((rc = decide_append(q, t.item_id, t.item, "undo", shift,
	    l->lease_id, -1, NULL, t.id, 0, "undo", &did, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	if (undone != NULL) {
		undone->id = t.id;
		undone->item = t.item;
		undone->action = t.action;
		undone->reviewer = xstrdup(q->actor);
		t.item = t.action = NULL;
	}
	store_undoable_done(&t);
	return (0);

fail:
	store_rollback(q);
	store_undoable_done(&t);
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
	int			 rc, gone = 0;

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
	/* Nothing is left of a tombstoned item to decide again. */
	if ((rc = store_tombstone_exists(q, item, &gone, cause)) != 0)
		goto fail;
	if (gone) {
		xasprintf(cause, "item %s cannot be reopened: its content was "
		    "removed (purge or erase)", item);
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
		    -1, payload, 0, 0, "reopen", &did, cause);
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
