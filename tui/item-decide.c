/*
 * The decisions taken in the item pane: approve, correct (the output's
 * text, labels and flag verdicts), escalate, skip, comment, confirm, undo;
 * and the settling of an escalation (acknowledge, resolve) for a lead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "item.h"
#include "xmalloc.h"

static void
iv_add_opt(cJSON *o, const char *key, const char *s)
{
	if (s != NULL && *s != '\0')
		cJSON_AddStringToObject(o, key, s);
}

/* Records a decision; on success closes the item. */
static int
iv_decide(struct tui *t, struct item_pane *ip, enum queue_action a,
    cJSON *payload)
{
	struct queue_decision	 d;
	struct queue_decision_info *p = NULL;
	char			*text = NULL, *why = NULL;
	int64_t			 did = 0;
	int			 rc;

	ip->undone = 0;
	memset(&d, 0, sizeof d);
	d.item = ip->held;
	d.lease_id = ip->lease;
	d.action = a;
	d.spent_ms = (queue_now(t->q) - ip->opened_at) * 1000;
	if (payload != NULL)
		d.payload = text = cJSON_PrintUnformatted(payload);
	rc = queue_decide(t->q, &d, &did, &why);
	free(text);
	cJSON_Delete(payload);
	if (rc == EX_UNAVAILABLE) {
		/*
		 * The claim is gone: nothing can be decided on this item now.
		 * A correction is kept in a file and comes back with the item.
		 */
		char *where = NULL;

		if (ip->kept != NULL && tui_recovery_save(ip->held, ip->kept,
		    &where) == 0)
			tui_message(t, 1, "%s; your correction is kept in %s",
			    why, where);
		else
			tui_message(t, 1, "%s", why);
		free(where);
		free(why);
		item_close(t, ip);
		return (TUI_RELOAD);
	}
	if (rc != 0) {
		/* What was typed stays (ip->kept, the span verdicts, notes). */
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	ip->last_note[0] = '\0';
	if (a != QUEUE_COMMENT)
		tui_recovery_drop(ip->held);
	/* Decided: a skip passes the item on, a comment decides nothing. */
	t->decisions += a == QUEUE_COMMENT || a == QUEUE_SKIP ? 0 : 1;
	if (a == QUEUE_COMMENT) {
		tui_message(t, 0, "comment added to %s", ip->held);
		return (TUI_REDRAW);
	}
	/* Held by the two-person rule: the reviewer is told it waits. */
	if ((a == QUEUE_APPROVE || a == QUEUE_CORRECT) &&
	    queue_pending(t->q, ip->held, &p, &why) == 0 && p != NULL &&
	    p->id == did)
		tui_message(t, 0, "%s: %s, pending a second reviewer's "
		    "confirmation", queue_action_name(a), ip->held);
	else
		tui_message(t, 0, "%s: %s", queue_action_name(a), ip->held);
	free(why);
	if (p != NULL)
		queue_decisions_free(p, 1);
	item_close(t, ip);
	return (TUI_RELOAD);
}

/* The pending decision, made again by this reviewer: it takes effect. */
static int
iv_confirm(struct tui *t, struct item_pane *ip)
{
	char	*why = NULL;
	int	 rc;

	if (ip->pending == NULL) {
		tui_message(t, 1, "no decision on %s waits for confirmation",
		    ip->held);
		return (TUI_REDRAW);
	}
	rc = queue_confirm(t->q, ip->held, ip->lease, (queue_now(t->q) -
	    ip->opened_at) * 1000, NULL, &why);
	if (rc != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		if (rc != EX_UNAVAILABLE)
			return (TUI_REDRAW);
		item_close(t, ip);
		return (TUI_RELOAD);
	}
	tui_recovery_drop(ip->held);
	t->decisions++;
	tui_message(t, 0, "confirmed %s's %s: %s", ip->pending->reviewer,
	    ip->pending->action, ip->held);
	item_close(t, ip);
	return (TUI_RELOAD);
}

/* A note; one typed for a refused decision is offered again. */
static int
iv_note(struct tui *t, struct item_pane *ip, const char *label, cJSON **out,
    int required)
{
	if (tui_prompt_line(t, label, ip->last_note, sizeof ip->last_note) != 0)
		return (-1);
	if (required && ip->last_note[0] == '\0')
		return (-1);
	*out = cJSON_CreateObject();
	iv_add_opt(*out, "note", ip->last_note);
	return (0);
}

/* Escalation: a team, a reason, a severity and a note, from the policy. */
static int
iv_escalate(struct tui *t, struct item_pane *ip)
{
	struct policy		 *p;
	const char		 *team, *reason, *severity;
	size_t			  picked;
	cJSON			 *o = NULL;
	char			 *why = NULL;

	/* A copy: the pickers redraw, and a redraw may reload the policy. */
	if (queue_policy_copy(t->q, &p, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	if (p->nteams == 0) {
		tui_message(t, 1, "the policy defines no teams to escalate to");
		goto out;
	}
	if (tui_pick_taxonomy(t, p, TUI_TAX_TEAM, "escalate to which team?",
	    NULL, 0, &picked) != 0)
		goto out;
	team = tui_taxonomy_id(p, TUI_TAX_TEAM, picked);
	if (p->nreason_codes == 0) {
		tui_message(t, 1, "the policy defines no reason");
		goto out;
	}
	if (tui_pick_taxonomy(t, p, TUI_TAX_REASON, "reason", NULL, 0,
	    &picked) != 0)
		goto out;
	reason = tui_taxonomy_id(p, TUI_TAX_REASON, picked);
	if (tui_pick_taxonomy(t, p, TUI_TAX_SEVERITY, "severity", NULL, 0,
	    &picked) != 0)
		goto out;
	severity = tui_taxonomy_id(p, TUI_TAX_SEVERITY, picked);
	if (iv_note(t, ip, "note for the team:", &o, 0) != 0)
		goto out;
	cJSON_AddStringToObject(o, "team", team);
	cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddStringToObject(o, "severity", severity);
	policy_free(p);
	return (iv_decide(t, ip, QUEUE_ESCALATE, o));
out:
	policy_free(p);
	return (TUI_REDRAW);
}

/*
 * The correction of an output: the text (in $VISUAL, $EDITOR or the line
 * editor), the labels checklist and a verdict on each flag, as a payload
 * for a correction or a correcting resolution. 0, or -1 if not finished
 * (what was typed stays in ip->kept).
 */
static int
iv_correct_payload(struct tui *t, struct item_pane *ip, cJSON **out)
{
	struct policy		 *p;
	const char		 *editor;
	cJSON			 *o, *arr, *f;
	char			 *text, *why = NULL, *buf;
	size_t			  i, picked;
	int			 *on = NULL;

	if ((editor = getenv("VISUAL")) == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor != NULL && *editor != '\0') {
		text = tui_edit_text(t, editor, ip->kept != NULL ? ip->kept :
		    ip->item->text, &ip->kept);
		if (text == NULL)
			return (-1);
	} else {
		const char	*from = ip->kept != NULL ? ip->kept :
				    ip->item->text;
		size_t		 len = strlen(from) + 4096;

		buf = xmalloc(len);
		snprintf(buf, len, "%s", from);
		if (tui_prompt_line(t, "corrected response:", buf, len) != 0) {
			/* Keep what was typed so far. */
			free(ip->kept);
			ip->kept = buf;
			return (-1);
		}
		text = buf;
	}
	if (queue_text_blank(text)) {
		/* The draft before this edit stays, to edit again. */
		free(text);
		tui_message(t, 1, "a corrected response cannot be empty: write "
		    "what the model should have said (c), or approve it as it "
		    "is (a)");
		return (-1);
	}
	free(ip->kept);
	ip->kept = text;
	if (queue_policy_copy(t->q, &p, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	/* The labels checklist: pick to toggle, the last line to finish. */
	on = xcalloc(p->nlabels + 1, sizeof *on);
	picked = 0;
	for (;;) {
		if (tui_pick_taxonomy(t, p, TUI_TAX_LABEL,
		    "labels (Enter toggles)", on, picked, &picked) != 0) {
			free(on);
			policy_free(p);
			return (-1);
		}
		if (picked == p->nlabels)
			break;
		on[picked] = !on[picked];
	}
	o = cJSON_CreateObject();
	if (strcmp(ip->kept, ip->item->text) != 0)
		cJSON_AddStringToObject(o, "text", ip->kept);
	arr = cJSON_AddArrayToObject(o, "labels");
	for (i = 0; i < p->nlabels; i++) {
		if (on[i])
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(p->labels[i].id));
	}
	free(on);
	policy_free(p);
	arr = cJSON_AddArrayToObject(o, "flags");
	for (i = 0; i < ip->item->nflags; i++) {
		static const char *const verdicts[] = {
			"confirmed", "overturned"
		};
		char title[256];

		snprintf(title, sizeof title, "flag %s %.2f: was it right?",
		    ip->item->flags[i].type, ip->item->flags[i].score);
		if (tui_prompt_pick(t, title, verdicts, 2, &picked) != 0) {
			cJSON_Delete(o);
			return (-1);
		}
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "verdict", verdicts[picked]);
		cJSON_AddItemToArray(arr, f);
	}
	*out = o;
	return (0);
}

static int
iv_correct_output(struct tui *t, struct item_pane *ip)
{
	cJSON *o;

	if (iv_correct_payload(t, ip, &o) != 0)
		return (TUI_REDRAW);
	return (iv_decide(t, ip, QUEUE_CORRECT, o));
}


static int
iv_commit_spans(struct tui *t, struct item_pane *ip)
{
	cJSON *o;

	if (item_spans_settle(t, ip) != 0)
		return (TUI_REDRAW);
	if ((o = item_spans_payload(ip)) == NULL)
		return (iv_decide(t, ip, QUEUE_APPROVE, NULL));
	return (iv_decide(t, ip, QUEUE_CORRECT, o));
}

static int
iv_untouched(const struct item_pane *ip)
{
	size_t i;

	if (ip->kept != NULL || ip->nadded != 0)
		return (0);
	for (i = 0; ip->item != NULL && i < ip->item->nspans; i++)
		if (ip->verdicts[i] != ITEM_NONE)
			return (0);
	return (1);
}

/*
 * Undoes the reviewer's latest decision still in force. On an item an undo
 * brought back, untouched, it goes one further back: that item is given up
 * (its decision stays undone) once the earlier one is back.
 */
int
item_undo(struct tui *t, struct item_pane *ip)
{
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	char				*why = NULL, prev[sizeof ip->held];
	int64_t				 prev_lease = ip->lease;

	prev[0] = '\0';
	if (ip->held[0] != '\0' && !(ip->undone && iv_untouched(ip))) {
		tui_message(t, 1, "finish or skip the open item first");
		return (TUI_REDRAW);
	}
	snprintf(prev, sizeof prev, "%s", ip->held);
	if (queue_undo(t->q, &d, &l, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	if (t->decisions > 0 && strcmp(d.action, "comment") != 0 &&
	    strcmp(d.action, "skip") != 0)
		t->decisions--;
	if (prev[0] != '\0') {
		item_close(t, ip);
		if (queue_release(t->q, prev, prev_lease, &why) != 0) {
			tui_message(t, 1, "undid %s of %s; %s", d.action,
			    d.item, why);
			free(why);
		} else
			tui_message(t, 0, "undid %s of %s (%s is back in the "
			    "queue)", d.action, d.item, prev);
	} else
		tui_message(t, 0, "undid %s of %s", d.action, d.item);
	if (l.item != NULL && tui_item_show(t, l.item, l.lease_id,
	    l.expires) == 0)
		ip->undone = 1;
	free(d.item);
	free(d.action);
	free(d.reviewer);
	queue_lease_done(&l);
	return (TUI_RELOAD);
}



/*
 * The correction a lead resolves with: for an output the same flow as c in
 * the item view; for an anonymization case the verdicts set in span mode.
 * 0 with *out, or -1 (the message says what to do).
 */
static int
iv_esc_correction(struct tui *t, struct item_pane *ip, cJSON **out)
{
	if (ip->item->kind == QUEUE_KIND_MODEL_OUTPUT)
		return (iv_correct_payload(t, ip, out));
	if (item_spans_settle(t, ip) != 0)
		return (-1);
	if ((*out = item_spans_payload(ip)) == NULL) {
		tui_message(t, 0, "mark the spans (Tab, then y, x or t; v adds "
		    "one), then R to resolve with them");
		return (-1);
	}
	return (0);
}

int
item_resolve(struct tui *t, struct item_pane *ip,
    const struct queue_escalation *e)
{
	static const char *const outcomes[] = {
		"approve", "correct", "reject"
	};
	cJSON	*o = NULL;
	char	 note[1024] = "", *why = NULL, *text = NULL;
	int64_t	 id = e->id;
	size_t	 picked;
	int	 rc;

	if (tui_prompt_pick(t, "resolve: approve, correct, or reject for "
	    "good", outcomes, 3, &picked) != 0)
		return (TUI_REDRAW);
	if (picked == 1) {
		/* A correction is made on the item: show it first. */
		if ((ip->esc == NULL || ip->esc->id != id) &&
		    tui_item_show_escalation(t, e) != 0)
			return (TUI_REDRAW);
		if (iv_esc_correction(t, ip, &o) != 0)
			return (TUI_REDRAW);
		text = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	if (tui_prompt_line(t, "resolution note:", note, sizeof note) != 0) {
		free(text);
		return (TUI_REDRAW);
	}
	rc = queue_escalation_resolve(t->q, id, outcomes[picked], text, note,
	    &why);
	free(text);
	if (rc != 0) {
		/* A correction typed stays on screen (ip->kept, verdicts). */
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	t->resolutions++;
	if (ip->esc != NULL)
		item_esc_close(t, ip);
	else
		tui_view_open(t, TUI_VIEW_INBOX);
	tui_message(t, 0, "escalation %lld resolved: %s", (long long)id,
	    outcomes[picked]);
	return (TUI_RELOAD);
}

void
tui_escalation_ack(struct tui *t, int64_t id)
{
	char *why = NULL;

	if (queue_escalation_ack(t->q, id, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
	} else
		tui_message(t, 0, "escalation %lld acknowledged",
		    (long long)id);
}

int
item_decide_request(struct tui *t, struct item_pane *ip, enum tui_request req)
{
	cJSON *o = NULL;

	switch (req) {
	case TUI_REQ_APPROVE:
		if (ip->item->kind == QUEUE_KIND_ANONYMIZATION)
			return (iv_commit_spans(t, ip));
		return (iv_decide(t, ip, QUEUE_APPROVE, NULL));
	case TUI_REQ_CORRECT:
		if (ip->item->kind == QUEUE_KIND_ANONYMIZATION) {
			tui_message(t, 0, "span mode: Tab to a span, y/x/t, "
			    "v to add one, a to commit");
			return (TUI_REDRAW);
		}
		return (iv_correct_output(t, ip));
	case TUI_REQ_ESCALATE:
		return (iv_escalate(t, ip));
	case TUI_REQ_CONFIRM:
		return (iv_confirm(t, ip));
	case TUI_REQ_SKIP:
		if (iv_note(t, ip, "skip; note (optional):", &o, 0) != 0)
			return (TUI_REDRAW);
		return (iv_decide(t, ip, QUEUE_SKIP, o));
	case TUI_REQ_COMMENT:
		if (iv_note(t, ip, "comment:", &o, 1) != 0)
			return (TUI_REDRAW);
		return (iv_decide(t, ip, QUEUE_COMMENT, o));
	default:
		return (0);
	}
}
