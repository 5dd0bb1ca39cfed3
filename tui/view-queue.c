/*
 * The queue list: items waiting for a human in claim order, paged from the
 * database by position, with search and filter. Enter claims the selected
 * item; rows selected together (v, V) are approved in one go, guarded.
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
	/*
	 * A selection of rows, for a batch approval: from the anchor to the
	 * cursor, within the page loaded (loading another page drops it, so
	 * it never names rows that are not shown).
	 */
	int			 selecting;
	size_t			 anchor;
	/* What the list and n (the next item) are limited to. */
	struct queue_filter	 filter;
	char			 filter_kind[32];
	char			 filter_type[64];
};

/* The first and last rows selected; 0 if there is no selection. */
static int
qv_range(struct qv_state *qv, size_t *lo, size_t *hi)
{
	if (!qv->selecting || qv->list.n == 0)
		return (0);
	*lo = qv->anchor < qv->list.sel ? qv->anchor : qv->list.sel;
	*hi = qv->anchor < qv->list.sel ? qv->list.sel : qv->anchor;
	if (*hi >= qv->list.n)
		*hi = qv->list.n - 1;
	return (1);
}

static void
qv_set(struct qv_state *qv, struct queue_row *rows, size_t n)
{
	queue_rows_free(qv->rows, qv->list.n);
	qv->rows = rows;
	qv->selecting = 0;
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
	const char		*mark;
	size_t			 i, lo = 0, hi = 0;
	int			 y, attr, idw, x, sel;

	tui_list_fit(&qv->list, r->h - 1);
	sel = qv_range(qv, &lo, &hi);
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
		/*
		 * Before the id: "+" if selected, "!" if its source is
		 * suspended (an alarm).
		 */
		mark = sel && i >= lo && i <= hi ? (row->suspended ? "+!" :
		    "+") : row->suspended ? "!" : NULL;
		if (mark != NULL) {
			tui_text_draw(r->y + 1 + y, x, 2, mark,
			    tui_color_attr(row->suspended ? TUI_C_ERROR :
			    TUI_C_TITLE));
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

/*
 * Approves the rows selected, once the reviewer confirmed the count: each
 * its own decision (u undoes them one at a time). Rows held by someone
 * else, and those that must be reviewed on their own, are left out, and the
 * confirmation says how many.
 */
static int
qv_approve(struct tui *t, struct qv_state *qv)
{
	struct queue_batch	  b;
	const char		**items = NULL, *choices[2];
	char			  title[128], yes[64], left[256], *why = NULL;
	size_t			  lo, hi, i, n = 0, held = 0, own = 0, picked;
	int			  ok;

	if (!qv_range(qv, &lo, &hi)) {
		tui_message(t, 1, "select rows to approve first (v, then move;"
		    " V selects the page), or Enter to open one");
		return (TUI_REDRAW);
	}
	items = xcalloc(hi - lo + 1, sizeof *items);
	for (i = lo; i <= hi; i++) {
		if (qv->rows[i].holder != NULL &&
		    strcmp(qv->rows[i].holder, queue_actor(t->q)) != 0) {
			held++;
			continue;
		}
		if (queue_batch_check(t->q, qv->rows[i].item, &ok, &why) != 0) {
			tui_message(t, 1, "%s", why);
			free(why);
			goto out;
		}
		if (ok)
			items[n++] = qv->rows[i].item;
		else
			own++;
	}
	if (n == 0) {
		tui_message(t, 1, "nothing approved: %s", own > 0 ?
		    "open these one by one (a review round or the two-person "
		    "rule covers them)" : "someone else holds them");
		goto out;
	}
	/* The count is in the question; what is left out, in the message. */
	left[0] = '\0';
	if (own > 0)
		snprintf(left, sizeof left, ", %zu to open one by one (a review "
		    "round or the two-person rule covers them)", own);
	if (held > 0)
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    ", %zu held by others", held);
	if (left[0] != '\0')
		tui_message(t, 0, "left out: %s", left + 2);
	snprintf(title, sizeof title, "approve %zu item%s without opening "
	    "%s?", n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	snprintf(yes, sizeof yes, "approve the %zu, each its own decision", n);
	choices[0] = "cancel";
	choices[1] = yes;
	if (tui_prompt_pick(t, title, choices, 2, &picked) != 0 ||
	    picked != 1) {
		tui_message(t, 0, "nothing approved");
		goto out;
	}
	if (queue_batch_approve(t->q, items, n, &b, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
	} else {
		t->decisions += (unsigned)b.approved;
		for (i = 0; i < n && b.why[i] == NULL; i++)
			continue;
		tui_message(t, b.refused > 0, "approved %zu item%s%s%s%s",
		    b.approved, b.approved == 1 ? "" : "s", b.refused > 0 ?
		    "; not approved: " : "", i < n ? b.why[i] : "",
		    b.refused > 1 ? " (and more)" : "");
	}
	queue_batch_done(&b, n);
	qv->selecting = 0;
	free(items);
	return (TUI_RELOAD);
out:
	free(items);
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
	case TUI_REQ_SELECT:
		qv->selecting = !qv->selecting && qv->list.n > 0;
		qv->anchor = qv->list.sel;
		return (TUI_REDRAW);
	case TUI_REQ_SELECT_ALL:
		if (qv->list.n > 0) {
			qv->selecting = 1;
			qv->anchor = 0;
			qv->list.sel = qv->list.n - 1;
		}
		return (TUI_REDRAW);
	case TUI_REQ_APPROVE_ROWS:
		return (qv_approve(t, qv));
	case TUI_REQ_UNSELECT:
		qv->selecting = 0;
		return (TUI_REDRAW);
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
	case TUI_REQ_FEEDBACK:
		tui_view_show(t, TUI_VIEW_FEEDBACK);
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
		/*
		 * Past the last row loaded: the next page, but a selection
		 * stays within the page shown.
		 */
		if (qv->list.n > 0 && qv->list.sel == qv->list.n - 1 &&
		    qv->selecting) {
			tui_message(t, 0, "a selection ends at the page: "
			    "approve these %zu first", qv->list.n);
			return (TUI_REDRAW);
		}
		if (qv->list.n > 0 && qv->list.sel == qv->list.n - 1) {
			pos = qv->rows[qv->list.n - 1].pos;
			if (qv_load(t, qv, QUEUE_PAGE_AFTER, &pos) > 0)
				qv->list.sel = qv->list.top = 0;
			return (TUI_REDRAW);
		}
		return (tui_list_request(&qv->list, req) | TUI_REDRAW);
	case TUI_REQ_UP:
	case TUI_REQ_PAGE_UP:
		if (qv->list.n > 0 && qv->list.sel == 0 && qv->selecting) {
			tui_message(t, 0, "a selection ends at the page: "
			    "approve these %zu first", qv->list.n);
			return (TUI_REDRAW);
		}
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

/*
 * A reviewer's footer leaves out the lead's adjudication and feedback
 * views; approving and dropping a selection are offered while there is one.
 */
static int
qv_skip(void *state, enum tui_request req)
{
	struct qv_state *qv = state;

	if (req == TUI_REQ_APPROVE_ROWS || req == TUI_REQ_UNSELECT)
		return (!qv->selecting);
	return ((req == TUI_REQ_ADJUDICATE || req == TUI_REQ_FEEDBACK) &&
	    !qv->lead);
}

const struct queue_filter *
tui_queue_filter(struct tui *t)
{
	struct qv_state *qv = tui_view_state(t, TUI_VIEW_QUEUE);

	return (&qv->filter);
}

/* The default bindings of the view. */
static const struct tui_key qv_keys[] = {
	{ TUI_KEY_RETURN, TUI_REQ_OPEN },
	{ KEY_ENTER, TUI_REQ_OPEN },
	{ 'n', TUI_REQ_NEXT },
	/* The footer offers these two while rows are selected. */
	{ 'a', TUI_REQ_APPROVE_ROWS },
	{ TUI_KEY_ESC, TUI_REQ_UNSELECT },
	{ '/', TUI_REQ_SEARCH },
	{ 'f', TUI_REQ_FILTER },
	{ 'u', TUI_REQ_UNDO },
	{ 'E', TUI_REQ_INBOX },
	{ 'H', TUI_REQ_HANDOFF },
	{ 'A', TUI_REQ_ADJUDICATE },
	{ 'R', TUI_REQ_REVIEWERS },
	{ 'D', TUI_REQ_FEEDBACK },
	{ 'v', TUI_REQ_SELECT },
	{ 'V', TUI_REQ_SELECT_ALL },
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
