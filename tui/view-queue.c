/*
 * The queue list: items waiting for a human in claim order, paged from the
 * database by position, with search and filter. Enter opens the selected
 * item (claiming it), n claims the next one by priority.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

#define QUEUE_VIEW_PAGE 200

struct qv_state {
	struct queue_row	*rows;
	struct tui_list		 list;
	int			 lead;	/* the actor may adjudicate */
	/* What the list and n (the next item) are limited to. */
	struct queue_filter	 filter;
	char			 filter_kind[32];
	char			 filter_type[64];
};

static void
qv_set(struct qv_state *qv, struct queue_row *rows, size_t n)
{
	queue_rows_free(qv->rows, qv->list.n);
	qv->rows = rows;
	qv->list.n = n;
	if (qv->list.sel >= n)
		qv->list.sel = n > 0 ? n - 1 : 0;
}

static int
qv_load(struct tui *t, struct qv_state *qv, int how,
    const struct queue_pos *pos)
{
	struct queue_row	*rows;
	size_t			 n;
	char			*why = NULL;

	if (queue_page(t->q, &qv->filter, how, pos, QUEUE_VIEW_PAGE, &rows,
	    &n, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	if (n == 0 && (how == QUEUE_PAGE_AFTER || how == QUEUE_PAGE_BEFORE)) {
		free(rows);
		return (0);	/* nothing further: stay on this page */
	}
	qv_set(qv, rows, n);
	return ((int)n);
}

/*
 * Loads the page that starts at the row at *at: the rows after the row
 * before it (if *at is gone, the page starts at the next one), or the
 * first page when nothing comes before.
 */
static int
qv_load_from(struct tui *t, struct qv_state *qv, const struct queue_pos *at)
{
	struct queue_row	*before;
	struct queue_pos	 pos;
	size_t			 n;
	char			*why = NULL;

	if (queue_page(t->q, &qv->filter, QUEUE_PAGE_BEFORE, at, 1, &before,
	    &n, &why) == 0 && n == 1) {
		pos = before[0].pos;
		queue_rows_free(before, n);
		if (qv_load(t, qv, QUEUE_PAGE_AFTER, &pos) > 0)
			return (0);
	} else
		free(why);
	return (qv_load(t, qv, QUEUE_PAGE_FIRST, NULL) < 0 ? -1 : 0);
}

static int
qv_open(struct tui *t, void *state)
{
	struct qv_state		*qv = state;
	struct queue_pos	 pos;

	qv->lead = queue_actor_role(t->q) >= POLICY_ROLE_LEAD;
	/* Reload the page shown, so the view stays put. */
	if (qv->list.n > 0) {
		pos = qv->rows[0].pos;
		return (qv_load_from(t, qv, &pos));
	}
	return (qv_load(t, qv, QUEUE_PAGE_FIRST, NULL) < 0 ? -1 : 0);
}

static void
qv_close(struct tui *t, void *state)
{
	struct qv_state *qv = state;

	(void)t;
	qv_set(qv, NULL, 0);
	memset(&qv->list, 0, sizeof qv->list);
}

static void
qv_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct qv_state		*qv = state;
	struct queue_row	*row;
	char			 age[32], score[16];
	size_t			 i;
	int			 y, attr, idw, x;

	tui_list_fit(&qv->list, r->h - 1);
	idw = r->w >= 100 ? 24 : 16;
	attr = tui_color_attr(TUI_C_DIM);
	x = r->x;
	tui_text_draw(r->y, x, idw, "ITEM", attr);
	if (r->w >= 60) {
		tui_text_draw(r->y, x + idw + 1, 6, "KIND", attr);
		tui_text_draw(r->y, x + idw + 8, 18, "TOP", attr);
		tui_text_draw(r->y, x + idw + 27, 5, "SCORE", attr);
		/* How long it has been in the queue: hitl status's age. */
		tui_text_draw(r->y, x + idw + 33, 7, "WAITING", attr);
		tui_text_draw(r->y, x + idw + 41, r->w - idw - 41, "HELD BY",
		    attr);
	} else
		tui_text_draw(r->y, x + idw + 1, r->w - idw - 1, "TOP", attr);
	if (qv->list.n == 0) {
		tui_text_draw(r->y + 1, x, r->w, qv->filter.kind != NULL ||
		    qv->filter.type != NULL ? "nothing waits for review "
		    "under this filter (f to change it)" :
		    "nothing waits for review", tui_color_attr(TUI_C_DIM));
		return;
	}
	for (y = 0; y < r->h - 1; y++) {
		i = qv->list.top + (size_t)y;
		if (i >= qv->list.n)
			break;
		row = &qv->rows[i];
		attr = tui_color_attr(i == qv->list.sel &&
		    tui_item_held(t) == NULL ? TUI_C_SELECTED : TUI_C_NORMAL);
		/* The selected row is highlighted across the pane. */
		if (i == qv->list.sel)
			mvchgat(r->y + 1 + y, x, r->w, (attr_t)attr &
			    ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
		/* Its source is suspended: "!" before the id, as an alarm. */
		if (row->suspended) {
			tui_text_draw(r->y + 1 + y, x, 2, "!",
			    tui_color_attr(TUI_C_ERROR));
			tui_text_draw(r->y + 1 + y, x + 2, idw - 2, row->item,
			    attr);
		} else
			tui_text_draw(r->y + 1 + y, x, idw, row->item, attr);
		snprintf(score, sizeof score, "%.2f", row->top_score);
		queue_format_age(queue_waiting_seconds(t->q, row->imported_at),
		    age);
		if (r->w >= 60) {
			tui_text_draw(r->y + 1 + y, x + idw + 1, 6,
			    row->kind == QUEUE_KIND_MODEL_OUTPUT ? "output" :
			    "anon", attr);
			tui_text_draw(r->y + 1 + y, x + idw + 8, 18,
			    row->top_type != NULL ? row->top_type : "-", attr);
			tui_text_draw(r->y + 1 + y, x + idw + 27, 5,
			    row->top_type != NULL ? score : "", attr);
			tui_text_draw(r->y + 1 + y, x + idw + 33, 7, age,
			    attr);
			if (row->holder != NULL)
				tui_text_draw(r->y + 1 + y, x + idw + 41,
				    r->w - idw - 41, row->holder, attr);
		} else
			tui_text_draw(r->y + 1 + y, x + idw + 1,
			    r->w - idw - 1, row->top_type != NULL ?
			    row->top_type : "-", attr);
	}
}

static int
qv_filter(struct tui *t, struct qv_state *qv)
{
	static const char *const choices[] = {
		"everything", "model outputs", "anonymization cases",
		"a flag category or entity type..."
	};
	size_t	picked;
	char	buf[64];

	if (tui_prompt_pick(t, "filter the queue", choices, 4, &picked) != 0)
		return (TUI_REDRAW);
	qv->filter.kind = qv->filter.type = NULL;
	switch (picked) {
	case 1:
		snprintf(qv->filter_kind, sizeof qv->filter_kind,
		    "model_output");
		qv->filter.kind = qv->filter_kind;
		break;
	case 2:
		snprintf(qv->filter_kind, sizeof qv->filter_kind,
		    "anonymization");
		qv->filter.kind = qv->filter_kind;
		break;
	case 3:
		buf[0] = '\0';
		if (tui_prompt_line(t, "flag category or entity type:", buf,
		    sizeof buf) == 0 && buf[0] != '\0') {
			snprintf(qv->filter_type, sizeof qv->filter_type, "%s",
			    buf);
			qv->filter.type = qv->filter_type;
		}
		break;
	}
	qv_set(qv, NULL, 0);
	qv->list.sel = qv->list.top = 0;
	return (TUI_RELOAD);
}

static int
qv_search(struct tui *t, struct qv_state *qv)
{
	struct queue_row	 row;
	char			 buf[256] = "", *why = NULL;
	size_t			 i;
	int			 found;

	if (tui_prompt_line(t, "search (id or text):", buf, sizeof buf) != 0 ||
	    buf[0] == '\0')
		return (TUI_REDRAW);
	if (queue_search(t->q, buf, &row, &found, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (TUI_REDRAW);
	}
	if (!found) {
		tui_message(t, 1, "nothing waiting matches \"%s\"", buf);
		return (TUI_REDRAW);
	}
	/* Show the page that starts at the match. */
	qv_load_from(t, qv, &row.pos);
	for (i = 0; i < qv->list.n; i++) {
		if (strcmp(qv->rows[i].item, row.item) == 0) {
			qv->list.sel = i;
			qv->list.top = i;
		}
	}
	tui_message(t, 0, "found %s", row.item);
	free(row.item);
	free(row.top_type);
	free(row.imported_at);
	free(row.created_at);
	free(row.holder);
	return (TUI_REDRAW);
}

static int
qv_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct qv_state		*qv = state;
	struct queue_pos	 pos;

	(void)key;
	switch (req) {
	case TUI_REQ_OPEN:
		/* The row selected (found by a search, say), else the next. */
		return (tui_queue_claim(t, qv->list.n > 0 && qv->list.sel <
		    qv->list.n ? qv->rows[qv->list.sel].item : NULL));
	case TUI_REQ_NEXT:
		return (tui_queue_claim(t, NULL));
	case TUI_REQ_SEARCH:
		return (qv_search(t, qv));
	case TUI_REQ_FILTER:
		return (qv_filter(t, qv));
	case TUI_REQ_INBOX:
		tui_view_show(t, TUI_VIEW_INBOX);
		return (TUI_REDRAW);
	case TUI_REQ_ADJUDICATE:
		tui_view_show(t, TUI_VIEW_ADJUDICATION);
		return (TUI_REDRAW);
	case TUI_REQ_REVIEWERS:
		tui_view_show(t, TUI_VIEW_REVIEWERS);
		return (TUI_REDRAW);
	case TUI_REQ_UNDO:
		return (tui_view_request(t, TUI_VIEW_ITEM, TUI_REQ_UNDO, key));
	case TUI_REQ_LAST:
		if (qv_load(t, qv, QUEUE_PAGE_LAST, NULL) > 0)
			qv->list.sel = qv->list.n - 1;
		return (TUI_REDRAW);
	case TUI_REQ_FIRST:
		qv_load(t, qv, QUEUE_PAGE_FIRST, NULL);
		qv->list.sel = qv->list.top = 0;
		return (TUI_REDRAW);
	case TUI_REQ_DOWN:
	case TUI_REQ_PAGE_DOWN:
		/* Past the last row loaded: the next page. */
		if (qv->list.n > 0 && qv->list.sel == qv->list.n - 1) {
			pos = qv->rows[qv->list.n - 1].pos;
			if (qv_load(t, qv, QUEUE_PAGE_AFTER, &pos) > 0)
				qv->list.sel = qv->list.top = 0;
			return (TUI_REDRAW);
		}
		return (tui_list_request(&qv->list, req) | TUI_REDRAW);
	case TUI_REQ_UP:
	case TUI_REQ_PAGE_UP:
		if (qv->list.n > 0 && qv->list.sel == 0) {
			pos = qv->rows[0].pos;
			if (qv_load(t, qv, QUEUE_PAGE_BEFORE, &pos) > 0)
				qv->list.sel = qv->list.n - 1;
			return (TUI_REDRAW);
		}
		return (tui_list_request(&qv->list, req) | TUI_REDRAW);
	default:
		return (0);
	}
}

/* A reviewer's footer leaves out the lead's adjudication. */
static int
qv_skip(void *state, enum tui_request req)
{
	struct qv_state *qv = state;

	return (req == TUI_REQ_ADJUDICATE && !qv->lead);
}

const struct queue_filter *
tui_queue_filter(struct tui *t)
{
	struct qv_state *qv = tui_view_state(t, TUI_VIEW_QUEUE);

	return (&qv->filter);
}

/* Its default bindings. */
static const struct tui_key qv_keys[] = {
	{ TUI_KEY_RETURN, TUI_REQ_OPEN },
	{ KEY_ENTER, TUI_REQ_OPEN },
	{ 'n', TUI_REQ_NEXT },
	{ '/', TUI_REQ_SEARCH },
	{ 'f', TUI_REQ_FILTER },
	{ 'u', TUI_REQ_UNDO },
	{ 'E', TUI_REQ_INBOX },
	{ 'H', TUI_REQ_HANDOFF },
	{ 'A', TUI_REQ_ADJUDICATE },
	{ 'R', TUI_REQ_REVIEWERS },
};

const struct tui_view_ops tui_view_queue = {
	.name = "queue",		/* bindings of the queue list */
	.title = "Queue list",		/* its section of the help screen */
	.keys = qv_keys,		/* its default bindings */
	.nkeys = sizeof qv_keys / sizeof qv_keys[0], /* their count */
	.state_size = sizeof (struct qv_state), /* the page, the filter */
	.open = qv_open,		/* loads the page shown */
	.close = qv_close,		/* frees the rows */
	.draw = qv_draw,		/* the list with its columns */
	.layout = tui_item_layout,	/* the open item beside the list */
	.request = qv_request,		/* navigation, open, search, filter */
	.skip = qv_skip,		/* adjudication: leads and admins */
};
