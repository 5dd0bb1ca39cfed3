/*
 * The escalation inbox of a team lead: the open escalations of the teams
 * they lead, oldest target first, to acknowledge and resolve.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "tui.h"
#include "xmalloc.h"

struct ev_state {
	struct queue_escalation	*rows;
	struct tui_list		 list;
};

static int
ev_open(struct tui *t, void *state)
{
	struct ev_state		*st = state;
	struct queue_escalation	*rows;
	size_t			 n;
	char			*why = NULL;

	if (queue_actor_role(t->q) < POLICY_ROLE_LEAD) {
		tui_message(t, 1, "the escalation inbox is for team leads");
		return (-1);
	}
	if (queue_escalations(t->q, NULL, 0, &rows, &n, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	queue_escalations_free(st->rows, st->list.n);
	st->rows = rows;
	st->list.n = n;
	tui_list_fit(&st->list, st->list.height);
	return (0);
}

static void
ev_close(struct tui *t, void *state)
{
	struct ev_state *st = state;

	(void)t;
	queue_escalations_free(st->rows, st->list.n);
	st->rows = NULL;
	memset(&st->list, 0, sizeof st->list);
}

static void
ev_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct ev_state		*st = state;
	struct queue_escalation	*e;
	char			 buf[512];
	size_t			 i;
	int			 y, attr;
	int64_t			 now = queue_now(t->q);

	tui_list_fit(&st->list, r->h - 1);
	tui_text_draw(r->y, r->x, r->w, "Escalations of your teams",
	    tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (st->list.n == 0)
		tui_text_draw(r->y + 1, r->x, r->w, "no open escalations",
		    tui_color_attr(TUI_C_DIM));
	for (y = 0; y < r->h - 1; y++) {
		i = st->list.top + (size_t)y;
		if (i >= st->list.n)
			break;
		e = &st->rows[i];
		snprintf(buf, sizeof buf, "%-5lld %-20s %-12s %-16s %-8s "
		    "%-12s %lldh%s  %s", (long long)e->id, e->item, e->team,
		    e->reason, e->severity, e->state,
		    (long long)(now - e->opened_at) / 3600,
		    strcmp(e->state, "open") == 0 && now > e->due_at ?
		    " OVERDUE" : "", e->note != NULL ? e->note : "");
		tui_utf8_trim(buf);
		attr = tui_color_attr(i == st->list.sel ? TUI_C_SELECTED :
		    TUI_C_NORMAL);
		tui_text_draw(r->y + 1 + y, r->x, r->w, buf, attr);
	}
}

static int
ev_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct ev_state		*st = state;
	struct queue_escalation	*e;

	(void)key;
	e = st->list.n > 0 ? &st->rows[st->list.sel] : NULL;
	switch (req) {
	case TUI_REQ_BACK:
		tui_view_focus(t, TUI_VIEW_QUEUE);
		return (TUI_REDRAW);
	case TUI_REQ_OPEN:
		/* Read-only: the item is escalated, nobody holds it. */
		if (e != NULL)
			tui_item_show_escalation(t, e);
		return (TUI_REDRAW);
	case TUI_REQ_ACK:
		if (e == NULL)
			return (0);
		tui_escalation_ack(t, e->id);
		ev_open(t, st);
		return (TUI_REDRAW);
	case TUI_REQ_RESOLVE:
		if (e == NULL)
			return (0);
		return (tui_escalation_resolve(t, e));
	default:
		return (tui_list_request(&st->list, req));
	}
}

/* The default bindings of the view. */
static const struct tui_key ev_keys[] = {
	{ TUI_KEY_RETURN, TUI_REQ_OPEN },
	{ 'A', TUI_REQ_ACK },
	{ 'R', TUI_REQ_RESOLVE },
	{ TUI_KEY_ESC, TUI_REQ_BACK },
};

const struct tui_view_ops tui_view_inbox = {
	.name = "inbox",		/* bindings of the inbox */
	.title = "Escalation inbox (leads)", /* its help section */
	.keys = ev_keys,		/* its default bindings */
	.nkeys = sizeof ev_keys / sizeof ev_keys[0], /* their count */
	.state_size = sizeof (struct ev_state), /* the escalations listed */
	.open = ev_open,		/* loads the lead's escalations */
	.close = ev_close,		/* frees them */
	.draw = ev_draw,		/* one escalation a line */
	.request = ev_request,		/* acknowledge, resolve, navigate */
	.skip = NULL,			/* every key applies */
};
