/*
 * The item pane: a model output with its context and flagged ranges, or an
 * anonymization case with its spans by entity type, and the decisions taken
 * on it (approve, correct, escalate, skip, comment, undo; span mode; the
 * confirmation of a decision pending under the two-person rule). Opened
 * from the inbox, it shows the escalation and settles it (acknowledge,
 * resolve) instead.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

enum iv_verdict {
	IV_NONE,		/* not touched: stays as proposed (accepted) */
	IV_ACCEPTED,
	IV_REJECTED,
	IV_RETYPED
};

struct iv_added {
	size_t	 start, end;
	char	*type;
};

struct iv_doc {
	struct tui_cells	*blocks;
	size_t			 n;
};

static struct queue_item	*iv_item;
static int			 iv_scroll;
static size_t			 iv_span;
static enum iv_verdict		*iv_verdicts;
static char			**iv_types;	/* new type of retyped spans */
static struct iv_added		*iv_added;
static size_t			 iv_nadded;
static size_t			 iv_cursor;	/* code point in the text */
static size_t			 iv_textlen;
static int			 iv_selecting;
static size_t			 iv_mark;
static char			*iv_kept;	/* corrected text not yet saved */
static char			 iv_last_note[1024]; /* a refused decision's */
/* The open item came back by an undo and nothing was done on it since. */
static int			 iv_undone;
/* Another reviewer's decision waiting for confirmation (two-person rule). */
static struct queue_decision_info *iv_pending;
/*
 * Minimum exposure: set once the reviewer revealed this item's masked
 * values (audited); it lasts while the item is open. iv_masked counts the
 * masks of the last draw (the footer offers the reveal only when some).
 */
static int			 iv_revealed;
static size_t			 iv_masked;
/*
 * Opened from the inbox: the escalation shown (fetched again after each
 * change), with no lease: t->item stays "" as nothing is claimed.
 */
static struct queue_escalation	*iv_esc;

static void
iv_free_state(void)
{
	size_t i;

	if (iv_item != NULL) {
		for (i = 0; i < iv_item->nspans; i++)
			free(iv_types[i]);
	}
	free(iv_types);
	free(iv_verdicts);
	for (i = 0; i < iv_nadded; i++)
		free(iv_added[i].type);
	free(iv_added);
	queue_item_free(iv_item);
	iv_item = NULL;
	if (iv_pending != NULL)
		queue_decisions_free(iv_pending, 1);
	iv_pending = NULL;
	iv_types = NULL;
	iv_verdicts = NULL;
	iv_added = NULL;
	iv_nadded = 0;
	iv_scroll = 0;
	iv_span = 0;
	iv_cursor = 0;
	iv_selecting = 0;
	iv_revealed = 0;
	iv_masked = 0;
}

/* Loads the item and resets the span state; 0, or -1 with a message. */
static int
iv_load(struct tui *t, const char *item)
{
	char *why = NULL;

	iv_free_state();
	if (queue_item_get(t->q, item, &iv_item, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	if (queue_pending(t->q, item, &iv_pending, &why) != 0) {
		/* The item can still be decided: the rule is the queue's. */
		tui_message(t, 1, "%s", why);
		free(why);
		why = NULL;
	}
	t->opened_at = queue_now(t->q);
	iv_verdicts = xcalloc(iv_item->nspans + 1, sizeof *iv_verdicts);
	iv_types = xcalloc(iv_item->nspans + 1, sizeof *iv_types);
	iv_textlen = utf8_cp_count(iv_item->text, strlen(iv_item->text));
	if (iv_item->nspans > 0)
		iv_cursor = iv_item->spans[0].start;
	return (0);
}

int
tui_item_show(struct tui *t, const char *item, int64_t lease, int64_t expires)
{
	char *why = NULL;

	if (iv_load(t, item) != 0) {
		/* Not shown, so not kept: others may take it. */
		if (lease != 0 && queue_release(t->q, item, lease, &why) != 0)
			free(why);
		return (-1);
	}
	free(iv_kept);
	if ((iv_kept = tui_recovery_load(item)) != NULL)
		tui_message(t, 0, "your earlier correction of %s is back "
		    "(c to review and save it)", item);
	snprintf(t->item, sizeof t->item, "%s", item);
	t->lease = lease;
	t->lease_expires = expires;
	t->view = &tui_view_item;
	return (0);
}

/* The escalation id as it is now (closed ones too); 0, or -1 if gone. */
static int
iv_esc_fetch(struct tui *t, int64_t id)
{
	struct queue_escalation	*rows, *one;
	char			*why = NULL;
	size_t			 n, i;

	if (queue_escalations(t->q, NULL, 1, &rows, &n, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	for (i = 0; i < n && rows[i].id != id; i++)
		;
	if (i == n) {
		queue_escalations_free(rows, n);
		tui_message(t, 1, "escalation %lld is no longer yours to see",
		    (long long)id);
		return (-1);
	}
	one = xmalloc(sizeof *one);
	*one = rows[i];
	memset(&rows[i], 0, sizeof rows[i]);
	queue_escalations_free(rows, n);
	queue_escalations_free(iv_esc, iv_esc != NULL ? 1 : 0);
	iv_esc = one;
	return (0);
}

int
tui_item_show_escalation(struct tui *t, const struct queue_escalation *e)
{
	int64_t id = e->id;	/* e may be a row the fetch frees */

	if (t->item[0] != '\0') {
		tui_message(t, 1, "%s is open: decide or skip it first",
		    t->item);
		return (-1);
	}
	if (iv_load(t, e->item) != 0)
		return (-1);
	if (iv_esc_fetch(t, id) != 0) {
		iv_free_state();
		return (-1);
	}
	free(iv_kept);
	iv_kept = NULL;
	t->view = &tui_view_escalation;
	return (0);
}

/* Back to the inbox from an escalation, which may have been settled. */
static void
iv_esc_close(struct tui *t)
{
	iv_free_state();
	free(iv_kept);
	iv_kept = NULL;
	queue_escalations_free(iv_esc, iv_esc != NULL ? 1 : 0);
	iv_esc = NULL;
	t->view = &tui_view_inbox;
	tui_view_inbox.open(t);
}

int
tui_queue_claim(struct tui *t, const char *item)
{
	struct queue_filter	 one = { .item = item };
	struct queue_lease	 l;
	char			*why = NULL;
	int			 rc;

	/* One item at a time: back to the one still open. */
	if (t->item[0] != '\0') {
		if (item != NULL && strcmp(item, t->item) != 0)
			tui_message(t, 1, "%s is open: finish or skip it first",
			    t->item);
		t->view = &tui_view_item;
		return (TUI_REDRAW);
	}
	if ((rc = queue_claim_next(t->q, item != NULL ? &one : &t->filter, &l,
	    &why)) != 0) {
		tui_message(t, rc != EX_UNAVAILABLE, "%s", why);
		free(why);
		return (TUI_RELOAD);
	}
	tui_item_show(t, l.item, l.lease_id, l.expires);
	queue_lease_done(&l);
	return (TUI_RELOAD);
}

static void
iv_close_item(struct tui *t)
{
	iv_undone = 0;
	iv_free_state();
	free(iv_kept);
	iv_kept = NULL;
	t->item[0] = '\0';
	t->lease = 0;
	t->view = &tui_view_queue;
}

static int
iv_open(struct tui *t)
{
	(void)t;
	return (0);
}

static void
iv_close(struct tui *t)
{
	(void)t;
	iv_free_state();
	free(iv_kept);
	iv_kept = NULL;
	queue_escalations_free(iv_esc, iv_esc != NULL ? 1 : 0);
	iv_esc = NULL;
}

/* --- drawing ------------------------------------------------------------ */

static struct tui_cells *
iv_block(struct iv_doc *d, const char *s, int attr)
{
	struct tui_cells *c;

	d->blocks = xreallocarray(d->blocks, d->n + 1, sizeof *d->blocks);
	c = &d->blocks[d->n++];
	memset(c, 0, sizeof *c);
	tui_cells_add(c, s, strlen(s), attr, 1);
	return (c);
}

static void
iv_doc_free(struct iv_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		tui_cells_free(&d->blocks[i]);
	free(d->blocks);
}

static const char *
iv_verdict_name(size_t i)
{
	switch (iv_verdicts[i]) {
	case IV_ACCEPTED:
		return ("accepted");
	case IV_REJECTED:
		return ("not PII");
	case IV_RETYPED:
		return ("retyped");
	default:
		return ("");
	}
}

/*
 * A chat message: its role (and name, or the tool call a tool's message
 * answers), its text, and each tool call an assistant's makes: the
 * function, its arguments as the model wrote them, and the call's id.
 */
static void
iv_message(struct iv_doc *d, const struct queue_message *m)
{
	char	*s;
	size_t	 i;

	xasprintf(&s, "[%s]%s%s%s%s", m->role, m->name != NULL ? " " : "",
	    m->name != NULL ? m->name : "", m->tool_call_id != NULL ?
	    " result of " : "", m->tool_call_id != NULL ? m->tool_call_id : "");
	iv_block(d, s, tui_color_attr(TUI_C_DIM));
	free(s);
	if (m->content != NULL)
		iv_block(d, m->content, tui_color_attr(TUI_C_NORMAL));
	for (i = 0; i < m->ncalls; i++) {
		xasprintf(&s, "calls %s(%s)  %s", m->calls[i].name,
		    m->calls[i].arguments, m->calls[i].id);
		iv_block(d, s, tui_color_attr(TUI_C_NORMAL));
		free(s);
	}
}

/*
 * The item's text as a block, masked as the policy says unless revealed:
 * on an anonymization case the selected span is the one adjudicated, and
 * spans given a verdict are decided. The masks are counted in iv_masked.
 */
static struct tui_cells *
iv_text_block(struct tui *t, struct iv_doc *d)
{
	const struct policy	*p;
	struct queue_mask	*m = NULL;
	struct tui_cells	*c;
	unsigned char		*decided;
	char			*why = NULL;
	size_t			 i, n = 0;

	if (!iv_revealed) {
		if (queue_policy(t->q, &p, NULL, &why) != 0) {
			/* No policy to say what may be shown: show nothing. */
			tui_message(t, 1, "%s", why);
			free(why);
			iv_masked = 0;
			return (iv_block(d, "(the text is hidden: the policy "
			    "could not be read)", tui_color_attr(TUI_C_ERROR)));
		}
		decided = xcalloc(iv_item->nspans + 1, 1);
		for (i = 0; i < iv_item->nspans; i++)
			decided[i] = iv_verdicts[i] != IV_NONE;
		n = queue_mask_ranges(iv_item, p, iv_item->kind ==
		    QUEUE_KIND_ANONYMIZATION ? iv_span : QUEUE_MASK_NO_SPAN,
		    decided, &m);
		free(decided);
	}
	iv_masked = n;
	d->blocks = xreallocarray(d->blocks, d->n + 1, sizeof *d->blocks);
	c = &d->blocks[d->n++];
	memset(c, 0, sizeof *c);
	tui_cells_add_masked(c, iv_item->text, strlen(iv_item->text),
	    tui_color_attr(TUI_C_NORMAL), 1, m, n);
	free(m);
	return (c);
}

static void
iv_doc_output(struct tui *t, struct iv_doc *d)
{
	struct tui_cells	*c;
	char			 buf[1024];
	size_t			 i;

	iv_block(d, "Context", tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (iv_item->prompt != NULL)
		iv_block(d, iv_item->prompt, tui_color_attr(TUI_C_NORMAL));
	for (i = 0; i < iv_item->nmsgs; i++)
		iv_message(d, &iv_item->msgs[i]);
	iv_block(d, "", 0);
	iv_block(d, iv_kept != NULL ? "Response (your correction, not yet "
	    "saved)" : "Response", tui_color_attr(TUI_C_DIM) | A_BOLD);
	/* The reviewer's own correction is theirs: no offsets hold there. */
	if (iv_kept != NULL) {
		c = iv_block(d, iv_kept, tui_color_attr(TUI_C_NORMAL));
		iv_masked = 0;
	} else
		c = iv_text_block(t, d);
	for (i = 0; iv_kept == NULL && i < iv_item->nflags; i++) {
		if (iv_item->flags[i].has_offsets)
			tui_cells_mark(c, iv_item->flags[i].start,
			    iv_item->flags[i].end, tui_color_attr(TUI_C_FLAG));
	}
	iv_block(d, "", 0);
	iv_block(d, "Flags", tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (iv_item->nflags == 0)
		iv_block(d, "none: sampled for a spot check",
		    tui_color_attr(TUI_C_DIM));
	for (i = 0; i < iv_item->nflags; i++) {
		const struct queue_flag *fl = &iv_item->flags[i];

		/* "type score  detector: rationale", each part if given. */
		snprintf(buf, sizeof buf, "%s %.3f  %s%s%s", fl->type,
		    fl->score, fl->detector != NULL ? fl->detector : "",
		    fl->detector != NULL && fl->rationale != NULL ? ": " : "",
		    fl->rationale != NULL ? fl->rationale : "");
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(TUI_C_FLAG));
	}
}

static void
iv_explanation(struct iv_doc *d, const char *json)
{
	struct queue_explain_line	*l;
	char				 buf[512];
	size_t				 i, n;

	/* The fields hitl show prints too, in Presidio's order. */
	n = queue_explain_lines(json, &l);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "  %s: %s", l[i].key, l[i].value);
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(TUI_C_DIM));
	}
	queue_explain_free(l, n);
}

static void
iv_doc_spans(struct tui *t, struct iv_doc *d)
{
	struct tui_cells	*c;
	struct queue_span	*s;
	char			 buf[512];
	size_t			 i, lo, hi;
	int			 attr;

	iv_block(d, "Text", tui_color_attr(TUI_C_DIM) | A_BOLD);
	c = iv_text_block(t, d);
	for (i = 0; i < iv_item->nspans; i++) {
		s = &iv_item->spans[i];
		if (iv_verdicts[i] == IV_REJECTED ||
		    (iv_verdicts[i] == IV_NONE &&
		    strcmp(s->triage, "rejected") == 0))
			attr = tui_color_attr(TUI_C_REJECTED);
		else if (strcmp(s->triage, "ambiguous") == 0 &&
		    iv_verdicts[i] == IV_NONE)
			attr = tui_color_attr(TUI_C_AMBIGUOUS);
		else
			attr = tui_color_span(iv_verdicts[i] == IV_RETYPED ?
			    iv_types[i] : s->entity_type);
		if (i == iv_span)
			attr |= A_REVERSE;
		tui_cells_mark(c, s->start, s->end, attr);
	}
	for (i = 0; i < iv_nadded; i++)
		tui_cells_mark(c, iv_added[i].start, iv_added[i].end,
		    tui_color_span(iv_added[i].type) | A_BOLD);
	if (iv_selecting) {
		lo = iv_mark < iv_cursor ? iv_mark : iv_cursor;
		hi = iv_mark < iv_cursor ? iv_cursor : iv_mark;
		tui_cells_mark(c, lo, hi + 1, tui_color_attr(TUI_C_SELECTED));
	}
	tui_cells_mark(c, iv_cursor, iv_cursor + 1,
	    tui_color_attr(TUI_C_SELECTED) | A_UNDERLINE);
	iv_block(d, "", 0);
	iv_block(d, "Spans", tui_color_attr(TUI_C_DIM) | A_BOLD);
	for (i = 0; i < iv_item->nspans; i++) {
		s = &iv_item->spans[i];
		snprintf(buf, sizeof buf, "%s %-14s %.2f %-9s %s%s%s",
		    i == iv_span ? ">" : " ", s->entity_type, s->score,
		    s->triage, iv_verdict_name(i),
		    iv_verdicts[i] == IV_RETYPED ? " to " : "",
		    iv_verdicts[i] == IV_RETYPED ? iv_types[i] : "");
		tui_utf8_trim(buf);
		iv_block(d, buf, i == iv_span ? tui_color_attr(TUI_C_SELECTED) :
		    tui_color_attr(TUI_C_NORMAL));
	}
	for (i = 0; i < iv_nadded; i++) {
		snprintf(buf, sizeof buf, "+ %-14s [%zu, %zu) added by you",
		    iv_added[i].type, iv_added[i].start, iv_added[i].end);
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(TUI_C_NORMAL));
	}
	if (iv_span < iv_item->nspans) {
		s = &iv_item->spans[iv_span];
		snprintf(buf, sizeof buf, "Selected: %s, score %.2f, %s%s",
		    s->entity_type, s->score, s->triage,
		    s->recognizer != NULL ? ", by " : "");
		tui_utf8_trim(buf);
		iv_block(d, "", 0);
		c = iv_block(d, buf, tui_color_attr(TUI_C_DIM) | A_BOLD);
		if (s->recognizer != NULL)
			tui_cells_add(c, s->recognizer, strlen(s->recognizer),
			    tui_color_attr(TUI_C_DIM) | A_BOLD, 0);
		iv_explanation(d, s->explanation);
	}
}

/* A time as the console shows it: local date and minute, and its age. */
static void
iv_when(struct tui *t, int64_t when, int age, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)when;
	char		day[32];
	int64_t		ago = queue_now(t->q) - when;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(day, sizeof day, "%lld", (long long)when);
	if (ago < 0)
		ago = 0;
	if (!age)
		snprintf(buf, len, "%s", day);
	else if (ago < 3600)
		snprintf(buf, len, "%s (%lldm ago)", day, (long long)ago / 60);
	else
		snprintf(buf, len, "%s (%lldh ago)", day, (long long)ago /
		    3600);
}

/* A line of untrusted text (the policy's, a reviewer's) after a label. */
static void
iv_esc_line(struct iv_doc *d, const char *label, const char *text)
{
	struct tui_cells *c;

	c = iv_block(d, label, tui_color_attr(TUI_C_DIM));
	if (text != NULL)
		tui_cells_add(c, text, strlen(text),
		    tui_color_attr(TUI_C_NORMAL), 1);
}

/*
 * What a lead needs to settle an escalation: the team, the reason (and
 * what the policy says it means), the severity and its target, who
 * escalated it and when, their note, and whether it was acknowledged.
 */
static void
iv_doc_escalation(struct tui *t, struct iv_doc *d)
{
	const struct policy		*p = NULL;
	const struct policy_team	*team = NULL;
	const struct policy_entry	*reason = NULL;
	const struct policy_severity	*sev = NULL;
	char				 buf[512], when[64], *s;
	char				*why = NULL;
	int64_t				 now = queue_now(t->q);

	if (queue_policy(t->q, &p, NULL, &why) != 0) {
		free(why);
		p = NULL;
	}
	if (p != NULL) {
		team = policy_find_team(p, iv_esc->team);
		reason = policy_find_entry(p->reason_codes, p->nreason_codes,
		    iv_esc->reason);
		sev = policy_find_severity(p, iv_esc->severity);
	}
	snprintf(buf, sizeof buf, "Escalation %lld (%s)", (long long)iv_esc->id,
	    iv_esc->state);
	iv_block(d, buf, tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (team != NULL && strcmp(team->name, team->id) != 0)
		xasprintf(&s, "%s (%s)", team->name, team->id);
	else
		s = xstrdup(iv_esc->team);
	iv_esc_line(d, "team: ", s);
	free(s);
	if (reason != NULL && reason->description != NULL)
		xasprintf(&s, "%s: %s", iv_esc->reason, reason->description);
	else
		s = xstrdup(iv_esc->reason);
	iv_esc_line(d, "reason: ", s);
	free(s);
	iv_when(t, iv_esc->due_at, 0, when, sizeof when);
	if (sev != NULL)
		xasprintf(&s, "%s, answer within %d min (due %s%s)",
		    iv_esc->severity, sev->response_minutes, when,
		    strcmp(iv_esc->state, "open") == 0 && now > iv_esc->due_at ?
		    ", OVERDUE" : "");
	else
		s = xstrdup(iv_esc->severity);
	iv_esc_line(d, "severity: ", s);
	free(s);
	iv_when(t, iv_esc->opened_at, 1, when, sizeof when);
	xasprintf(&s, "%s at %s", iv_esc->opened_by, when);
	iv_esc_line(d, "escalated by: ", s);
	free(s);
	iv_esc_line(d, "note: ", iv_esc->note != NULL && *iv_esc->note !=
	    '\0' ? iv_esc->note : "none");
	if (iv_esc->acked_by != NULL) {
		iv_when(t, iv_esc->acked_at, 1, when, sizeof when);
		xasprintf(&s, "by %s at %s", iv_esc->acked_by, when);
	} else
		s = xstrdup("not yet (A acknowledges)");
	iv_esc_line(d, "acknowledged: ", s);
	free(s);
	if (iv_esc->resolved_by != NULL) {
		xasprintf(&s, "%s by %s", iv_esc->outcome != NULL ?
		    iv_esc->outcome : "", iv_esc->resolved_by);
		iv_esc_line(d, "resolved: ", s);
		free(s);
	}
	iv_block(d, "", 0);
}

/* A line saying the item's source is suspended, by whom and why. */
static void
iv_doc_suspended(struct tui *t, struct iv_doc *d)
{
	const struct queue_suspension	*s;
	struct queue_suspension		*all;
	size_t				 n;
	char				*why = NULL, *line;

	if (queue_suspensions(t->q, 0, &all, &n, &why) != 0) {
		free(why);
		return;
	}
	if ((s = queue_suspension_find(all, n, iv_item->source_model,
	    iv_item->source_pipeline)) != NULL) {
		xasprintf(&line, "SUSPENDED: %s %s, since %s by %s: %s",
		    queue_source_name(s->kind), s->value, s->since, s->by,
		    s->reason);
		iv_block(d, line, tui_color_attr(TUI_C_ERROR));
		free(line);
	}
	queue_suspensions_free(all, n);
}

/*
 * The decision that waits for this reviewer's confirmation: who took it,
 * what it was, and the keys (the cells sanitize the login).
 */
static void
iv_doc_pending(struct iv_doc *d)
{
	struct tui_cells	*c;
	const char		*a = iv_pending->action;
	char			 buf[160];

	c = iv_block(d, "pending confirmation: ",
	    tui_color_attr(TUI_C_DIFFER) | A_BOLD);
	tui_cells_add(c, iv_pending->reviewer, strlen(iv_pending->reviewer),
	    tui_color_attr(TUI_C_DIFFER) | A_BOLD, 0);
	snprintf(buf, sizeof buf, " %s it (decision %lld, %s)",
	    strcmp(a, "correct") == 0 ? "corrected" : strcmp(a, "approve") ==
	    0 ? "approved" : a, (long long)iv_pending->id,
	    iv_pending->decided_at);
	tui_cells_add(c, buf, strlen(buf), tui_color_attr(TUI_C_DIFFER), 0);
	iv_block(d, "C confirms it; deciding otherwise sends the item to a "
	    "lead (two-person rule)", tui_color_attr(TUI_C_DIM));
}

static void
iv_draw(struct tui *t, const struct tui_rect *r)
{
	struct iv_doc	 d;
	struct tui_cells *c;
	size_t		**starts, *nlines, i, j, total = 0, end, room;
	char		 buf[512];
	int		 y = 0, hidden = 0;

	if (iv_item == NULL)
		return;
	memset(&d, 0, sizeof d);
	c = iv_block(&d, "", tui_color_attr(TUI_C_TITLE));
	/* Claimed: its lease; from the inbox: nothing is held, so no lease. */
	if (iv_esc != NULL)
		snprintf(buf, sizeof buf, "%s  %s  priority %.2f  escalated",
		    queue_kind_name(iv_item->kind), iv_item->source_model !=
		    NULL ? iv_item->source_model : "", iv_item->priority);
	else
		snprintf(buf, sizeof buf, "%s  %s  priority %.2f  lease %lld",
		    queue_kind_name(iv_item->kind), iv_item->source_model !=
		    NULL ? iv_item->source_model : "", iv_item->priority,
		    (long long)t->lease);
	tui_utf8_trim(buf);
	tui_cells_add(c, iv_item->ext_id, strlen(iv_item->ext_id),
	    tui_color_attr(TUI_C_TITLE) | A_BOLD, 0);
	tui_cells_add(c, "  ", 2, tui_color_attr(TUI_C_TITLE), 0);
	tui_cells_add(c, buf, strlen(buf), tui_color_attr(TUI_C_TITLE), 0);
	iv_doc_suspended(t, &d);
	if (iv_esc != NULL)
		iv_doc_escalation(t, &d);
	if (iv_pending != NULL)
		iv_doc_pending(&d);
	if (iv_item->kind == QUEUE_KIND_MODEL_OUTPUT)
		iv_doc_output(t, &d);
	else
		iv_doc_spans(t, &d);
	for (i = 0; i < d.n; i++)
		hidden |= d.blocks[i].hidden;
	if (hidden)
		tui_text_draw(r->y, r->x, r->w, "! contains hidden characters "
		    "(shown as marks such as ^[ and \xe2\x9f\xa8U+202E\xe2\x9f\xa9)",
		    tui_color_attr(TUI_C_ERROR));
	y = hidden ? 1 : 0;
	room = (size_t)(r->h - y);
	/*
	 * Wrapped first, drawn second: scrolling stops with the last line at
	 * the bottom before anything is drawn, so G never shows past the end.
	 */
	starts = xcalloc(d.n, sizeof *starts);
	nlines = xcalloc(d.n, sizeof *nlines);
	for (i = 0; i < d.n; i++) {
		nlines[i] = tui_cells_wrap(&d.blocks[i], r->w, &starts[i]);
		total += nlines[i];
	}
	if (total <= room)
		iv_scroll = 0;
	else if ((size_t)iv_scroll > total - room)
		iv_scroll = (int)(total - room);
	for (total = 0, i = 0; i < d.n; i++) {
		for (j = 0; j < nlines[i]; j++, total++) {
			if (total < (size_t)iv_scroll || y >= r->h)
				continue;
			end = j + 1 < nlines[i] ? starts[i][j + 1] :
			    d.blocks[i].n;
			tui_cells_draw(&d.blocks[i], starts[i][j], end,
			    r->y + y++, r->x, r->w);
		}
		free(starts[i]);
	}
	free(starts);
	free(nlines);
	iv_doc_free(&d);
}

/* --- decisions ---------------------------------------------------------- */

static void
iv_add_opt(cJSON *o, const char *key, const char *s)
{
	if (s != NULL && *s != '\0')
		cJSON_AddStringToObject(o, key, s);
}

/* Records a decision; on success closes the item. */
static int
iv_decide(struct tui *t, enum queue_action a, cJSON *payload)
{
	struct queue_decision	 d;
	struct queue_decision_info *p = NULL;
	char			*text = NULL, *why = NULL;
	int64_t			 did = 0;
	int			 rc;

	iv_undone = 0;
	memset(&d, 0, sizeof d);
	d.item = t->item;
	d.lease_id = t->lease;
	d.action = a;
	d.spent_ms = (queue_now(t->q) - t->opened_at) * 1000;
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

		if (iv_kept != NULL && tui_recovery_save(t->item, iv_kept,
		    &where) == 0)
			tui_message(t, 1, "%s; your correction is kept in %s",
			    why, where);
		else
			tui_message(t, 1, "%s", why);
		free(where);
		free(why);
		iv_close_item(t);
		return (TUI_RELOAD);
	}
	if (rc != 0) {
		/* What was typed stays (iv_kept, the span verdicts, notes). */
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	iv_last_note[0] = '\0';
	if (a != QUEUE_COMMENT)
		tui_recovery_drop(t->item);
	/* Decided: a skip passes the item on, a comment decides nothing. */
	t->decisions += a == QUEUE_COMMENT || a == QUEUE_SKIP ? 0 : 1;
	if (a == QUEUE_COMMENT) {
		tui_message(t, 0, "comment added to %s", t->item);
		return (TUI_REDRAW);
	}
	/* Held by the two-person rule: the reviewer is told it waits. */
	if ((a == QUEUE_APPROVE || a == QUEUE_CORRECT) &&
	    queue_pending(t->q, t->item, &p, &why) == 0 && p != NULL &&
	    p->id == did)
		tui_message(t, 0, "%s: %s, pending a second reviewer's "
		    "confirmation", queue_action_name(a), t->item);
	else
		tui_message(t, 0, "%s: %s", queue_action_name(a), t->item);
	free(why);
	if (p != NULL)
		queue_decisions_free(p, 1);
	iv_close_item(t);
	return (TUI_RELOAD);
}

/* The pending decision, made again by this reviewer: it takes effect. */
static int
iv_confirm(struct tui *t)
{
	char	*why = NULL;
	int	 rc;

	if (iv_pending == NULL) {
		tui_message(t, 1, "no decision on %s waits for confirmation",
		    t->item);
		return (TUI_REDRAW);
	}
	rc = queue_confirm(t->q, t->item, t->lease, (queue_now(t->q) -
	    t->opened_at) * 1000, NULL, &why);
	if (rc != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		if (rc != EX_UNAVAILABLE)
			return (TUI_REDRAW);
		iv_close_item(t);
		return (TUI_RELOAD);
	}
	tui_recovery_drop(t->item);
	t->decisions++;
	tui_message(t, 0, "confirmed %s's %s: %s", iv_pending->reviewer,
	    iv_pending->action, t->item);
	iv_close_item(t);
	return (TUI_RELOAD);
}

/* A note; one typed for a refused decision is offered again. */
static int
iv_note(struct tui *t, const char *label, cJSON **out, int required)
{
	if (tui_prompt_line(t, label, iv_last_note, sizeof iv_last_note) != 0)
		return (-1);
	if (required && iv_last_note[0] == '\0')
		return (-1);
	*out = cJSON_CreateObject();
	iv_add_opt(*out, "note", iv_last_note);
	return (0);
}

/* A label or reason code as a picker shows it: its id and description. */
static char *
iv_entry_text(const char *mark, const struct policy_entry *e)
{
	char *s;

	xasprintf(&s, "%s%s%s%s", mark, e->id, e->description != NULL &&
	    *e->description != '\0' ? "  " : "", e->description != NULL ?
	    e->description : "");
	return (s);
}

static int
iv_pick_entries(struct tui *t, const char *title,
    const struct policy_entry *e, size_t n, const char **id)
{
	char	**choices;
	size_t	  i, picked;
	int	  rc;

	if (n == 0) {
		tui_message(t, 1, "the policy defines no %s", title);
		return (-1);
	}
	choices = xreallocarray(NULL, n, sizeof *choices);
	for (i = 0; i < n; i++)
		choices[i] = iv_entry_text("", &e[i]);
	rc = tui_prompt_pick(t, title, (const char *const *)choices, n,
	    &picked);
	for (i = 0; i < n; i++)
		free(choices[i]);
	free(choices);
	if (rc == 0)
		*id = e[picked].id;
	return (rc);
}

static int
iv_escalate(struct tui *t)
{
	struct policy		 *p;
	const char		 *team, *reason, *severity, **choices;
	size_t			  i, picked;
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
		policy_free(p);
		return (TUI_REDRAW);
	}
	choices = xreallocarray(NULL, p->nteams, sizeof *choices);
	for (i = 0; i < p->nteams; i++)
		choices[i] = p->teams[i].name;
	if (tui_prompt_pick(t, "escalate to which team?", choices, p->nteams,
	    &picked) != 0) {
		free(choices);
		policy_free(p);
		return (TUI_REDRAW);
	}
	free(choices);
	team = p->teams[picked].id;
	if (iv_pick_entries(t, "reason", p->reason_codes, p->nreason_codes,
	    &reason) != 0) {
		policy_free(p);
		return (TUI_REDRAW);
	}
	choices = xreallocarray(NULL, p->nseverities + 1, sizeof *choices);
	for (i = 0; i < p->nseverities; i++)
		choices[i] = p->severities[i].id;
	if (p->nseverities == 0 || tui_prompt_pick(t, "severity", choices,
	    p->nseverities, &picked) != 0) {
		free(choices);
		policy_free(p);
		return (TUI_REDRAW);
	}
	free(choices);
	severity = p->severities[picked].id;
	if (iv_note(t, "note for the team:", &o, 0) != 0) {
		policy_free(p);
		return (TUI_REDRAW);
	}
	cJSON_AddStringToObject(o, "team", team);
	cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddStringToObject(o, "severity", severity);
	policy_free(p);
	return (iv_decide(t, QUEUE_ESCALATE, o));
}

/*
 * The correction of an output: the text (in $VISUAL, $EDITOR or the line
 * editor), the labels checklist and a verdict on each flag, as a payload
 * for a correction or a correcting resolution. 0, or -1 if not finished
 * (what was typed stays in iv_kept).
 */
static int
iv_correct_payload(struct tui *t, cJSON **out)
{
	struct policy		 *p;
	const char		 *editor, **choices;
	cJSON			 *o, *arr, *f;
	char			 *text, *why = NULL, *buf;
	size_t			  i, picked;
	int			 *on = NULL;

	if ((editor = getenv("VISUAL")) == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor != NULL && *editor != '\0') {
		text = tui_edit_text(t, editor, iv_kept != NULL ? iv_kept :
		    iv_item->text, &iv_kept);
		if (text == NULL)
			return (-1);
	} else {
		const char	*from = iv_kept != NULL ? iv_kept :
				    iv_item->text;
		size_t		 len = strlen(from) + 4096;

		buf = xmalloc(len);
		snprintf(buf, len, "%s", from);
		if (tui_prompt_line(t, "corrected response:", buf, len) != 0) {
			/* Keep what was typed so far. */
			free(iv_kept);
			iv_kept = buf;
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
	free(iv_kept);
	iv_kept = text;
	if (queue_policy_copy(t->q, &p, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	/* The labels checklist: pick to toggle, the last line to finish. */
	choices = xreallocarray(NULL, p->nlabels + 1, sizeof *choices);
	on = xcalloc(p->nlabels + 1, sizeof *on);
	picked = 0;
	for (;;) {
		char **names = xcalloc(p->nlabels + 1, sizeof *names);

		for (i = 0; i < p->nlabels; i++) {
			names[i] = iv_entry_text(on[i] ? "[x] " : "[ ] ",
			    &p->labels[i]);
			choices[i] = names[i];
		}
		choices[p->nlabels] = "done";
		i = (size_t)tui_prompt_pick_from(t, "labels (Enter toggles)",
		    choices, p->nlabels + 1, picked, &picked);
		for (size_t k = 0; k < p->nlabels; k++)
			free(names[k]);
		free(names);
		if (i != 0) {
			free(choices);
			free(on);
			policy_free(p);
			return (-1);
		}
		if (picked == p->nlabels)
			break;
		on[picked] = !on[picked];
	}
	free(choices);
	o = cJSON_CreateObject();
	if (strcmp(iv_kept, iv_item->text) != 0)
		cJSON_AddStringToObject(o, "text", iv_kept);
	arr = cJSON_AddArrayToObject(o, "labels");
	for (i = 0; i < p->nlabels; i++) {
		if (on[i])
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(p->labels[i].id));
	}
	free(on);
	policy_free(p);
	arr = cJSON_AddArrayToObject(o, "flags");
	for (i = 0; i < iv_item->nflags; i++) {
		static const char *const verdicts[] = {
			"confirmed", "overturned"
		};
		char title[256];

		snprintf(title, sizeof title, "flag %s %.2f: was it right?",
		    iv_item->flags[i].type, iv_item->flags[i].score);
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
iv_correct_output(struct tui *t)
{
	cJSON *o;

	if (iv_correct_payload(t, &o) != 0)
		return (TUI_REDRAW);
	return (iv_decide(t, QUEUE_CORRECT, o));
}

/* The verdicts as a correction; NULL when nothing changed (an approve). */
static cJSON *
iv_spans_payload(void)
{
	cJSON	*o, *arr, *s;
	size_t	 i;
	int	 changed = iv_nadded > 0;

	for (i = 0; i < iv_item->nspans; i++)
		changed |= iv_verdicts[i] == IV_REJECTED ||
		    iv_verdicts[i] == IV_RETYPED;
	if (!changed)
		return (NULL);
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "spans");
	for (i = 0; i < iv_item->nspans; i++) {
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "verdict",
		    iv_verdicts[i] == IV_REJECTED ? "rejected" :
		    iv_verdicts[i] == IV_RETYPED ? "retyped" : "accepted");
		if (iv_verdicts[i] == IV_RETYPED)
			cJSON_AddStringToObject(s, "entity_type", iv_types[i]);
		cJSON_AddItemToArray(arr, s);
	}
	arr = cJSON_AddArrayToObject(o, "added");
	for (i = 0; i < iv_nadded; i++) {
		s = cJSON_CreateObject();
		cJSON_AddNumberToObject(s, "start", (double)iv_added[i].start);
		cJSON_AddNumberToObject(s, "end", (double)iv_added[i].end);
		cJSON_AddStringToObject(s, "entity_type", iv_added[i].type);
		cJSON_AddItemToArray(arr, s);
	}
	return (o);
}

/* One span as the overlap picker lists it: type, offsets, its text. */
static char *
iv_span_choice(const struct queue_final_span *s)
{
	const char	*text = iv_item->text;
	size_t		 len = strlen(text), bs = len, be = len;
	char		*out;

	if (utf8_cp_to_byte(text, len, s->start, &bs) != 0 ||
	    utf8_cp_to_byte(text, len, s->end, &be) != 0 || be < bs)
		bs = be = len;
	xasprintf(&out, "%s%-14s [%zu, %zu) %.*s", s->index < iv_item->nspans ?
	    "" : "+", s->entity_type, s->start, s->end, (int)(be - bs),
	    text + bs);
	tui_utf8_trim(out);
	return (out);
}

/*
 * The queue refuses accepted spans that overlap: for each group the
 * reviewer keeps one, and the spans that overlap it are rejected (added
 * ones dropped), on screen as well, so a cancel keeps what was picked.
 * Returns 0 when no overlap is left, -1 when the reviewer cancelled.
 */
static int
iv_settle_overlaps(struct tui *t)
{
	struct queue_final_span	*s, keep;
	cJSON			*o;
	char			**choices;
	size_t			 n, first, len, i, picked, k;
	int			 rc;

	for (;;) {
		o = iv_spans_payload();
		n = queue_spans_final(iv_item, o, 0, &s);
		if ((first = queue_spans_overlap(s, n, 0, &len)) == n) {
			free(s);
			cJSON_Delete(o);
			return (0);
		}
		choices = xcalloc(len, sizeof *choices);
		for (i = 0; i < len; i++)
			choices[i] = iv_span_choice(&s[first + i]);
		rc = tui_prompt_pick(t, "these spans overlap; keep which?",
		    (const char *const *)choices, len, &picked);
		for (i = 0; i < len; i++)
			free(choices[i]);
		free(choices);
		if (rc != 0) {
			free(s);
			cJSON_Delete(o);
			tui_message(t, 1, "nothing decided: overlapping spans "
			    "cannot all be kept (x rejects one)");
			return (-1);
		}
		keep = s[first + picked];
		for (i = 0; i < n; i++) {
			if (s[i].index != keep.index && s[i].index <
			    iv_item->nspans && s[i].end > keep.start &&
			    s[i].start < keep.end)
				iv_verdicts[s[i].index] = IV_REJECTED;
		}
		/* Added spans from the last: the earlier indices stay. */
		for (k = iv_nadded; k-- > 0;) {
			for (i = 0; i < n; i++) {
				if (s[i].index == iv_item->nspans + k &&
				    s[i].index != keep.index &&
				    s[i].end > keep.start &&
				    s[i].start < keep.end)
					break;
			}
			if (i == n)
				continue;
			free(iv_added[k].type);
			memmove(&iv_added[k], &iv_added[k + 1],
			    (iv_nadded - k - 1) * sizeof *iv_added);
			iv_nadded--;
		}
		free(s);
		cJSON_Delete(o);
	}
}

/* Span mode's commit: approve as proposed, or correct with the verdicts. */
static int
iv_commit_spans(struct tui *t)
{
	cJSON *o;

	if (iv_settle_overlaps(t) != 0)
		return (TUI_REDRAW);
	if ((o = iv_spans_payload()) == NULL)
		return (iv_decide(t, QUEUE_APPROVE, NULL));
	return (iv_decide(t, QUEUE_CORRECT, o));
}

static int
iv_pick_type(struct tui *t, const char *title, char **out)
{
	struct policy	*p;
	char		*why = NULL;
	size_t		 picked;
	int		 rc = -1;

	if (queue_policy_copy(t->q, &p, &why) != 0) {
		free(why);
		return (-1);
	}
	if (tui_prompt_pick(t, title, (const char *const *)p->entity_types,
	    p->nentity_types, &picked) == 0) {
		*out = xstrdup(p->entity_types[picked]);
		rc = 0;
	}
	policy_free(p);
	return (rc);
}

static int
iv_span_request(struct tui *t, enum tui_request req, int key)
{
	char	*type;
	size_t	 lo, hi;

	if (iv_item->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	switch (req) {
	case TUI_REQ_SPAN_NEXT:
		if (iv_item->nspans > 0) {
			iv_span = (iv_span + 1) % iv_item->nspans;
			iv_cursor = iv_item->spans[iv_span].start;
		}
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_PREV:
		if (iv_item->nspans > 0) {
			iv_span = (iv_span + iv_item->nspans - 1) %
			    iv_item->nspans;
			iv_cursor = iv_item->spans[iv_span].start;
		}
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_ACCEPT:
	case TUI_REQ_SPAN_REJECT:
		if (iv_span < iv_item->nspans)
			iv_verdicts[iv_span] = req == TUI_REQ_SPAN_ACCEPT ?
			    IV_ACCEPTED : IV_REJECTED;
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_RETYPE:
		if (iv_span < iv_item->nspans &&
		    iv_pick_type(t, "retype the span as", &type) == 0) {
			if (strcmp(type, iv_item->spans[iv_span].entity_type)
			    == 0) {
				free(type);
				iv_verdicts[iv_span] = IV_ACCEPTED;
			} else {
				free(iv_types[iv_span]);
				iv_types[iv_span] = type;
				iv_verdicts[iv_span] = IV_RETYPED;
			}
		}
		return (TUI_REDRAW);
	case TUI_REQ_CURSOR_LEFT:
		if (iv_cursor > 0)
			iv_cursor--;
		return (TUI_REDRAW);
	case TUI_REQ_CURSOR_RIGHT:
		if (iv_cursor + 1 < iv_textlen)
			iv_cursor++;
		return (TUI_REDRAW);
	case TUI_REQ_SELECT:
		if (!iv_selecting && key == '\r')
			return (0);	/* Enter only ends a selection */
		if (!iv_selecting) {
			iv_selecting = 1;
			iv_mark = iv_cursor;
			tui_message(t, 0, "selecting: move with h/l, v again "
			    "to add the span");
			return (TUI_REDRAW);
		}
		iv_selecting = 0;
		lo = iv_mark < iv_cursor ? iv_mark : iv_cursor;
		hi = iv_mark < iv_cursor ? iv_cursor : iv_mark;
		if (iv_pick_type(t, "entity type of the missed span",
		    &type) == 0) {
			iv_added = xreallocarray(iv_added, iv_nadded + 1,
			    sizeof *iv_added);
			iv_added[iv_nadded].start = lo;
			iv_added[iv_nadded].end = hi + 1;
			iv_added[iv_nadded++].type = type;
		}
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

/* Keeps the lease alive while the item is open. */
static void
iv_renew(struct tui *t)
{
	const struct policy	*p;
	char			*why = NULL;
	int64_t			 expires, margin = 300;
	int			 rc;

	if (t->item[0] == '\0' || t->lease == 0)
		return;
	/* Renew once a third of the lease is left. */
	if (queue_policy(t->q, &p, NULL, &why) == 0)
		margin = p->lease_seconds / 3;
	free(why);
	why = NULL;
	if (t->lease_expires - queue_now(t->q) > margin)
		return;
	if ((rc = queue_renew(t->q, t->item, t->lease, &expires,
	    &why)) != 0) {
		/* Busy: try again at the next tick. Lost: say who has it. */
		if (rc != EX_TEMPFAIL) {
			tui_message(t, 1, "%s", why);
			t->lease_expires = queue_now(t->q) + 3600;
		}
		free(why);
		return;
	}
	t->lease_expires = expires;
}

/* Nothing typed or marked on the open item that giving it up would lose. */
static int
iv_untouched(void)
{
	size_t i;

	if (iv_kept != NULL || iv_nadded != 0)
		return (0);
	for (i = 0; iv_item != NULL && i < iv_item->nspans; i++)
		if (iv_verdicts[i] != IV_NONE)
			return (0);
	return (1);
}

/*
 * Undoes the reviewer's latest decision still in force. On an item an undo
 * brought back, untouched, it goes one further back: that item is given up
 * (its decision stays undone) once the earlier one is back.
 */
static int
iv_undo(struct tui *t)
{
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	char				*why = NULL, prev[sizeof t->item];
	int64_t				 prev_lease = t->lease;

	prev[0] = '\0';
	if (t->item[0] != '\0' && !(iv_undone && iv_untouched())) {
		tui_message(t, 1, "finish or skip the open item first");
		return (TUI_REDRAW);
	}
	snprintf(prev, sizeof prev, "%s", t->item);
	if (queue_undo(t->q, &d, &l, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	if (t->decisions > 0 && strcmp(d.action, "comment") != 0 &&
	    strcmp(d.action, "skip") != 0)
		t->decisions--;
	if (prev[0] != '\0') {
		iv_close_item(t);
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
		iv_undone = 1;
	free(d.item);
	free(d.action);
	free(d.reviewer);
	queue_lease_done(&l);
	return (TUI_RELOAD);
}

/* Reveals the open item's masked values until it closes (tui_reveal). */
static int
iv_reveal(struct tui *t)
{
	if (iv_revealed || iv_masked == 0)
		tui_message(t, 0, "nothing of %s is masked", iv_item->ext_id);
	else if (tui_reveal(t, iv_item->ext_id) == 0)
		iv_revealed = 1;
	return (TUI_REDRAW);
}

static int
iv_scroll_request(enum tui_request req)
{
	switch (req) {
	case TUI_REQ_DOWN:
		iv_scroll++;
		return (TUI_REDRAW);
	case TUI_REQ_UP:
		if (iv_scroll > 0)
			iv_scroll--;
		return (TUI_REDRAW);
	case TUI_REQ_PAGE_DOWN:
		iv_scroll += 10;
		return (TUI_REDRAW);
	case TUI_REQ_PAGE_UP:
		iv_scroll = iv_scroll > 10 ? iv_scroll - 10 : 0;
		return (TUI_REDRAW);
	case TUI_REQ_FIRST:
		iv_scroll = 0;
		return (TUI_REDRAW);
	case TUI_REQ_LAST:
		iv_scroll = 1 << 20;	/* the draw clamps it */
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

static int
iv_request(struct tui *t, enum tui_request req, int key)
{
	cJSON	*o = NULL;
	int	 flags;

	if (key == ERR) {
		iv_renew(t);
		return (0);
	}
	if (req == TUI_REQ_UNDO)
		return (iv_undo(t));
	if (iv_item == NULL)
		return (0);
	iv_renew(t);
	if ((flags = iv_span_request(t, req, key)) != 0 ||
	    (flags = iv_scroll_request(req)) != 0)
		return (flags);
	switch (req) {
	case TUI_REQ_APPROVE:
		if (iv_item->kind == QUEUE_KIND_ANONYMIZATION)
			return (iv_commit_spans(t));
		return (iv_decide(t, QUEUE_APPROVE, NULL));
	case TUI_REQ_CORRECT:
		if (iv_item->kind == QUEUE_KIND_ANONYMIZATION) {
			tui_message(t, 0, "span mode: Tab to a span, y/x/t, "
			    "v to add one, a to commit");
			return (TUI_REDRAW);
		}
		return (iv_correct_output(t));
	case TUI_REQ_ESCALATE:
		return (iv_escalate(t));
	case TUI_REQ_REVEAL:
		return (iv_reveal(t));
	case TUI_REQ_CONFIRM:
		return (iv_confirm(t));
	case TUI_REQ_SKIP:
		if (iv_note(t, "skip; note (optional):", &o, 0) != 0)
			return (TUI_REDRAW);
		return (iv_decide(t, QUEUE_SKIP, o));
	case TUI_REQ_COMMENT:
		if (iv_note(t, "comment:", &o, 1) != 0)
			return (TUI_REDRAW);
		return (iv_decide(t, QUEUE_COMMENT, o));
	case TUI_REQ_BACK:
		tui_message(t, 0, "%s stays yours until you decide, skip or "
		    "its lease ends", t->item);
		t->view = &tui_view_queue;
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

/*
 * Span mode's keys apply to anonymization cases, correct to outputs,
 * confirm to a decision pending confirmation.
 */
static int
iv_skip(enum tui_request req)
{
	int spans = iv_item != NULL &&
	    iv_item->kind == QUEUE_KIND_ANONYMIZATION;

	switch (req) {
	case TUI_REQ_SPAN_NEXT:
	case TUI_REQ_SPAN_PREV:
	case TUI_REQ_SPAN_ACCEPT:
	case TUI_REQ_SPAN_REJECT:
	case TUI_REQ_SPAN_RETYPE:
	case TUI_REQ_SELECT:
	case TUI_REQ_CURSOR_LEFT:
	case TUI_REQ_CURSOR_RIGHT:
		return (!spans);
	case TUI_REQ_REVEAL:
		return (iv_masked == 0);
	case TUI_REQ_CORRECT:
	case TUI_REQ_BACK:
		return (spans);
	case TUI_REQ_CONFIRM:
		return (iv_pending == NULL);
	default:
		return (0);
	}
}

const struct tui_view_ops tui_view_item = {
	.name = "item",			/* bindings of the item pane */
	.open = iv_open,		/* items are opened by a claim */
	.close = iv_close,		/* frees the item and span state */
	.draw = iv_draw,		/* text, highlights, flags or spans */
	.request = iv_request,		/* decisions and span mode */
	.skip = iv_skip,		/* span keys only for spans */
};

/* --- opened from the inbox ---------------------------------------------- */

/*
 * The correction a lead resolves with: for an output the same flow as c in
 * the item view; for an anonymization case the verdicts set in span mode.
 * 0 with *out, or -1 (the message says what to do).
 */
static int
iv_esc_correction(struct tui *t, cJSON **out)
{
	if (iv_item->kind == QUEUE_KIND_MODEL_OUTPUT)
		return (iv_correct_payload(t, out));
	if (iv_settle_overlaps(t) != 0)
		return (-1);
	if ((*out = iv_spans_payload()) == NULL) {
		tui_message(t, 0, "mark the spans (Tab, then y, x or t; v adds "
		    "one), then R to resolve with them");
		return (-1);
	}
	return (0);
}

int
tui_escalation_resolve(struct tui *t, const struct queue_escalation *e)
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
		if ((iv_esc == NULL || iv_esc->id != id) &&
		    tui_item_show_escalation(t, e) != 0)
			return (TUI_REDRAW);
		if (iv_esc_correction(t, &o) != 0)
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
		/* A correction typed stays on screen (iv_kept, verdicts). */
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	t->resolutions++;
	if (iv_esc != NULL)
		iv_esc_close(t);
	else
		tui_view_inbox.open(t);
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

static int
iv_esc_request(struct tui *t, enum tui_request req, int key)
{
	int flags;

	if (iv_item == NULL || iv_esc == NULL || key == ERR)
		return (0);
	if ((flags = iv_span_request(t, req, key)) != 0 ||
	    (flags = iv_scroll_request(req)) != 0)
		return (flags);
	switch (req) {
	case TUI_REQ_ACK:
		tui_escalation_ack(t, iv_esc->id);
		iv_esc_fetch(t, iv_esc->id);
		return (TUI_REDRAW);
	case TUI_REQ_RESOLVE:
		return (tui_escalation_resolve(t, iv_esc));
	case TUI_REQ_REVEAL:
		return (iv_reveal(t));
	case TUI_REQ_BACK:
		iv_esc_close(t);
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

/* Span mode's keys apply to anonymization cases only. */
static int
iv_esc_skip(enum tui_request req)
{
	return (req != TUI_REQ_BACK && iv_skip(req));
}

const struct tui_view_ops tui_view_escalation = {
	.name = "escalation",		/* bindings of an escalated item */
	.open = iv_open,		/* opened from the inbox (Enter) */
	.close = iv_close,		/* frees the item, the escalation */
	.draw = iv_draw,		/* the escalation, then the item */
	.request = iv_esc_request,	/* acknowledge, resolve, span mode */
	.skip = iv_esc_skip,		/* span keys only for spans */
};
