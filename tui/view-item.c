/*
 * The item pane as a view: opening an item (claimed, or an escalated one
 * from the inbox), its requests and the keys that apply, the lease kept
 * alive while it is open. Drawing, the span editor and the decisions have
 * files of their own.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "item.h"
#include "utf8.h"
#include "xmalloc.h"

static void
iv_free_state(struct item_pane *ip)
{
	size_t i;

	if (ip->item != NULL) {
		for (i = 0; i < ip->item->nspans; i++)
			free(ip->types[i]);
	}
	free(ip->types);
	free(ip->verdicts);
	for (i = 0; i < ip->nadded; i++)
		free(ip->added[i].type);
	free(ip->added);
	queue_item_free(ip->item);
	ip->item = NULL;
	if (ip->pending != NULL)
		queue_decisions_free(ip->pending, 1);
	ip->pending = NULL;
	ip->types = NULL;
	ip->verdicts = NULL;
	ip->added = NULL;
	ip->nadded = 0;
	ip->scroll = 0;
	ip->at_end = 0;
	ip->back = 0;
	ip->span = 0;
	ip->cursor = 0;
	ip->selecting = 0;
	ip->revealed = 0;
	ip->masked = 0;
	tui_text_scan_free(&ip->scan);
	ip->scanned = 0;
	free(ip->masks.v);
	free(ip->masks.decided);
	memset(&ip->masks, 0, sizeof ip->masks);
}

/* Loads the item and resets the span state; 0, or -1 with a message. */
static int
iv_load(struct tui *t, struct item_pane *ip, const char *item)
{
	char *why = NULL;

	iv_free_state(ip);
	if (queue_item_get(t->q, item, &ip->item, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	if (queue_pending(t->q, item, &ip->pending, &why) != 0) {
		/* The item can still be decided: the rule is the queue's. */
		tui_message(t, 1, "%s", why);
		free(why);
		why = NULL;
	}
	ip->opened_at = queue_now(t->q);
	ip->verdicts = xcalloc(ip->item->nspans + 1, sizeof *ip->verdicts);
	ip->types = xcalloc(ip->item->nspans + 1, sizeof *ip->types);
	ip->textlen = utf8_cp_count(ip->item->text, strlen(ip->item->text));
	if (ip->item->nspans > 0)
		ip->cursor = ip->item->spans[0].start;
	return (0);
}

int
tui_item_show(struct tui *t, const char *item, int64_t lease,
    int64_t expires)
{
	struct item_pane	*ip = tui_view_state(t, TUI_VIEW_ITEM);
	char			*why = NULL;

	if (iv_load(t, ip, item) != 0) {
		/* Not shown, so not kept: others may take it. */
		if (queue_release(t->q, item, lease, &why) != 0)
			free(why);
		return (-1);
	}
	free(ip->kept);
	if ((ip->kept = tui_recovery_load(item)) != NULL)
		tui_message(t, 0, "your earlier correction of %s is back "
		    "(c to review and save it)", item);
	snprintf(ip->held, sizeof ip->held, "%s", item);
	ip->lease = lease;
	ip->lease_expires = expires;
	tui_view_focus(t, TUI_VIEW_ITEM);
	return (0);
}

const char *
tui_item_held(struct tui *t)
{
	struct item_pane *ip = tui_view_state(t, TUI_VIEW_ITEM);

	return (ip->held[0] != '\0' ? ip->held : NULL);
}

/* An item held is drawn beside the queue list, whichever is focused. */
void
tui_item_layout(struct tui *t, const struct tui_rect *body)
{
	if (tui_item_held(t) == NULL)
		tui_view_draw(t, TUI_VIEW_QUEUE, body);
	else
		tui_draw_split(t, body, TUI_VIEW_QUEUE, TUI_VIEW_ITEM);
}

struct item_pane *
item_escalation_pane(struct tui *t)
{
	return (tui_view_state(t, TUI_VIEW_ESCALATION));
}

/* The escalation id as it is now (closed ones too); 0, or -1 if gone. */
static int
iv_esc_fetch(struct tui *t, struct item_pane *ip, int64_t id)
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
	queue_escalations_free(ip->esc, ip->esc != NULL ? 1 : 0);
	ip->esc = one;
	return (0);
}

int
tui_item_show_escalation(struct tui *t, const struct queue_escalation *e)
{
	struct item_pane	*ip = item_escalation_pane(t);
	const char		*held = tui_item_held(t);
	int64_t			 id = e->id; /* e: a row the fetch frees */

	/* One item at a time: the one claimed first. */
	if (held != NULL) {
		tui_message(t, 1, "%s is open: decide or skip it first", held);
		return (-1);
	}
	if (iv_load(t, ip, e->item) != 0)
		return (-1);
	if (iv_esc_fetch(t, ip, id) != 0) {
		iv_free_state(ip);
		return (-1);
	}
	free(ip->kept);
	ip->kept = NULL;
	tui_view_focus(t, TUI_VIEW_ESCALATION);
	return (0);
}

void
item_esc_close(struct tui *t, struct item_pane *ip)
{
	iv_free_state(ip);
	free(ip->kept);
	ip->kept = NULL;
	queue_escalations_free(ip->esc, ip->esc != NULL ? 1 : 0);
	ip->esc = NULL;
	tui_view_focus(t, TUI_VIEW_INBOX);
	tui_view_open(t, TUI_VIEW_INBOX);
}

int
tui_queue_claim(struct tui *t, const char *item)
{
	struct item_pane	*ip = tui_view_state(t, TUI_VIEW_ITEM);
	struct queue_filter	 one = { .item = item };
	struct queue_lease	 l;
	char			*why = NULL;
	int			 rc;

	/* One item at a time: back to the one still open. */
	if (ip->held[0] != '\0') {
		if (item != NULL && strcmp(item, ip->held) != 0)
			tui_message(t, 1, "%s is open: finish or skip it first",
			    ip->held);
		tui_view_focus(t, TUI_VIEW_ITEM);
		return (TUI_REDRAW);
	}
	if ((rc = queue_claim_next(t->q, item != NULL ? &one :
	    tui_queue_filter(t), &l, &why)) != 0) {
		tui_message(t, rc != EX_UNAVAILABLE, "%s", why);
		free(why);
		return (TUI_RELOAD);
	}
	tui_item_show(t, l.item, l.lease_id, l.expires);
	queue_lease_done(&l);
	return (TUI_RELOAD);
}

void
item_close(struct tui *t, struct item_pane *ip)
{
	ip->undone = 0;
	iv_free_state(ip);
	free(ip->kept);
	ip->kept = NULL;
	ip->held[0] = '\0';
	tui_view_focus(t, TUI_VIEW_QUEUE);
}

/* Items are opened by a claim (or from the inbox), not by the registry. */
static int
iv_open(struct tui *t, void *state)
{
	(void)t;
	(void)state;
	return (0);
}

static void
iv_close(struct tui *t, void *state)
{
	struct item_pane *ip = state;

	(void)t;
	iv_free_state(ip);
	free(ip->kept);
	ip->kept = NULL;
	queue_escalations_free(ip->esc, ip->esc != NULL ? 1 : 0);
	ip->esc = NULL;
}

/* Keeps the lease alive while the item is held (the idle op, and keys). */
static void
iv_renew(struct tui *t, void *state)
{
	struct item_pane	*ip = state;
	const struct policy	*p;
	char			*why = NULL;
	int64_t			 expires, margin = 300;
	int			 rc;

	if (ip->held[0] == '\0')
		return;
	/* Renew once a third of the lease is left. */
	if (queue_policy(t->q, &p, NULL, &why) == 0)
		margin = p->lease_seconds / 3;
	free(why);
	why = NULL;
	if (ip->lease_expires - queue_now(t->q) > margin)
		return;
	if ((rc = queue_renew(t->q, ip->held, ip->lease, &expires,
	    &why)) != 0) {
		/* Busy: try again at the next tick. Lost: say who has it. */
		if (rc != EX_TEMPFAIL) {
			tui_message(t, 1, "%s", why);
			ip->lease_expires = queue_now(t->q) + 3600;
		}
		free(why);
		return;
	}
	ip->lease_expires = expires;
}

/* Reveals the open item's masked values until it closes (tui_reveal). */
static int
iv_reveal(struct tui *t, struct item_pane *ip)
{
	if (ip->revealed || ip->masked == 0)
		tui_message(t, 0, "nothing of %s is masked", ip->item->ext_id);
	else if (tui_reveal(t, ip->item->ext_id) == 0)
		ip->revealed = 1;
	return (TUI_REDRAW);
}

static int
iv_scroll_request(struct item_pane *ip, enum tui_request req)
{
	size_t	step = req == TUI_REQ_PAGE_DOWN || req == TUI_REQ_PAGE_UP ?
		    10 : 1;

	/* From the bottom, down is fewer lines back (the draw clamps). */
	switch (req) {
	case TUI_REQ_DOWN:
	case TUI_REQ_PAGE_DOWN:
		if (!ip->at_end)
			ip->scroll += (int)step;
		else
			ip->back = ip->back > step ? ip->back - step : 0;
		return (TUI_REDRAW);
	case TUI_REQ_UP:
	case TUI_REQ_PAGE_UP:
		if (ip->at_end)
			ip->back += step;
		else
			ip->scroll = ip->scroll > (int)step ? ip->scroll -
			    (int)step : 0;
		return (TUI_REDRAW);
	case TUI_REQ_FIRST:
		ip->scroll = 0;
		ip->at_end = 0;
		return (TUI_REDRAW);
	case TUI_REQ_LAST:
		/* The draw finds the bottom (and goes back to counting from
		 * the top if it made the whole item anyway). */
		ip->at_end = 1;
		ip->back = 0;
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

static int
iv_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct item_pane	*ip = state;
	int			 flags;

	if (req == TUI_REQ_UNDO)
		return (item_undo(t, ip));
	if (ip->item == NULL)
		return (0);
	iv_renew(t, ip);
	if ((flags = item_spans_request(t, ip, req, key)) != 0 ||
	    (flags = iv_scroll_request(ip, req)) != 0)
		return (flags);
	if ((flags = item_decide_request(t, ip, req)) != 0)
		return (flags);
	switch (req) {
	case TUI_REQ_REVEAL:
		return (iv_reveal(t, ip));
	case TUI_REQ_BACK:
		tui_message(t, 0, "%s stays yours until you decide, skip or "
		    "its lease ends", ip->held);
		tui_view_focus(t, TUI_VIEW_QUEUE);
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
iv_skip(void *state, enum tui_request req)
{
	struct item_pane	*ip = state;
	int			 spans = ip->item != NULL &&
				    ip->item->kind == QUEUE_KIND_ANONYMIZATION;

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
		return (ip->masked == 0);
	case TUI_REQ_CORRECT:
	case TUI_REQ_BACK:
		return (spans);
	case TUI_REQ_CONFIRM:
		return (ip->pending == NULL);
	default:
		return (0);
	}
}

static void
iv_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	item_draw(t, state, r);
}

/* The shift ends: the item held goes back to the queue. */
static void
iv_quit(struct tui *t, void *state)
{
	struct item_pane	*ip = state;
	char			*why = NULL;

	if (ip->held[0] != '\0' && queue_release(t->q, ip->held, ip->lease,
	    &why) != 0)
		free(why);
}

/* Span mode's keys, the same in the item view and the escalation view. */
#define IV_SPAN_KEYS \
	{ TUI_KEY_TAB, TUI_REQ_SPAN_NEXT }, \
	{ KEY_BTAB, TUI_REQ_SPAN_PREV }, \
	{ 'y', TUI_REQ_SPAN_ACCEPT }, \
	{ 'x', TUI_REQ_SPAN_REJECT }, \
	{ 't', TUI_REQ_SPAN_RETYPE }, \
	{ 'v', TUI_REQ_SELECT }, \
	{ TUI_KEY_RETURN, TUI_REQ_SELECT }, \
	{ KEY_LEFT, TUI_REQ_CURSOR_LEFT }, \
	{ 'h', TUI_REQ_CURSOR_LEFT }, \
	{ KEY_RIGHT, TUI_REQ_CURSOR_RIGHT }, \
	{ 'l', TUI_REQ_CURSOR_RIGHT },

/* The item view's default bindings. */
static const struct tui_key iv_keys[] = {
	{ 'a', TUI_REQ_APPROVE },
	{ 'c', TUI_REQ_CORRECT },
	{ 'e', TUI_REQ_ESCALATE },
	{ 's', TUI_REQ_SKIP },
	{ 'u', TUI_REQ_UNDO },
	{ 'm', TUI_REQ_COMMENT },
	{ 'C', TUI_REQ_CONFIRM },
	IV_SPAN_KEYS
	{ 'p', TUI_REQ_REVEAL },
	{ TUI_KEY_ESC, TUI_REQ_BACK },
};

const struct tui_view_ops tui_view_item = {
	.name = "item",			/* bindings of the item pane */
	.title = "Item (span mode keys apply to anonymization cases)",
	.keys = iv_keys,		/* its default bindings */
	.nkeys = sizeof iv_keys / sizeof iv_keys[0], /* their count */
	.state_size = sizeof (struct item_pane), /* the item, its claim */
	.open = iv_open,		/* items are opened by a claim */
	.close = iv_close,		/* frees the item and span state */
	.draw = iv_draw,		/* text, highlights, flags or spans */
	.layout = tui_item_layout,	/* beside the queue list */
	.request = iv_request,		/* decisions and span mode */
	.skip = iv_skip,		/* span keys only for spans */
	.idle = iv_renew,		/* keeps the lease alive */
	.quit = iv_quit,		/* gives the item held back */
};

/* --- opened from the inbox ---------------------------------------------- */

int
tui_escalation_resolve(struct tui *t, const struct queue_escalation *e)
{
	return (item_resolve(t, item_escalation_pane(t), e));
}

static int
iv_esc_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct item_pane	*ip = state;
	int			 flags;

	if (ip->item == NULL || ip->esc == NULL)
		return (0);
	if ((flags = item_spans_request(t, ip, req, key)) != 0 ||
	    (flags = iv_scroll_request(ip, req)) != 0)
		return (flags);
	switch (req) {
	case TUI_REQ_ACK:
		tui_escalation_ack(t, ip->esc->id);
		iv_esc_fetch(t, ip, ip->esc->id);
		return (TUI_REDRAW);
	case TUI_REQ_RESOLVE:
		return (item_resolve(t, ip, ip->esc));
	case TUI_REQ_REVEAL:
		return (iv_reveal(t, ip));
	case TUI_REQ_BACK:
		item_esc_close(t, ip);
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

/* Span mode's keys apply to anonymization cases only. */
static int
iv_esc_skip(void *state, enum tui_request req)
{
	return (req != TUI_REQ_BACK && iv_skip(state, req));
}

/* An escalated item from the inbox; span mode makes a correction. */
static const struct tui_key iv_esc_keys[] = {
	{ 'A', TUI_REQ_ACK },
	{ 'R', TUI_REQ_RESOLVE },
	{ 'p', TUI_REQ_REVEAL },
	{ TUI_KEY_ESC, TUI_REQ_BACK },
	IV_SPAN_KEYS
};

const struct tui_view_ops tui_view_escalation = {
	.name = "escalation",		/* bindings of an escalated item */
	.title = "Escalated item, from the inbox (span mode keys: a "
	    "correction of an anonymization case)",
	.keys = iv_esc_keys,		/* its default bindings */
	.nkeys = sizeof iv_esc_keys / sizeof iv_esc_keys[0], /* their count */
	.state_size = sizeof (struct item_pane), /* the item, no claim */
	.open = iv_open,		/* opened from the inbox (Enter) */
	.close = iv_close,		/* frees the item, the escalation */
	.draw = iv_draw,		/* the escalation, then the item */
	.request = iv_esc_request,	/* acknowledge, resolve, span mode */
	.skip = iv_esc_skip,		/* span keys only for spans */
};
