/*
 * Reviewer statistics, as hitl reviewers prints them: a lead sees every
 * reviewer, anyone else their own line. Columns that do not fit the width
 * are left out, the least needed first.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

#define RV_CELL		32
#define RV_NAME_MIN	12	/* room kept for the reviewer's name */

/*
 * The columns in hitl reviewers' order, each with its rank: what a lead
 * needs first (the work done, how fast, how often it held) is kept when
 * the terminal is narrow, then quality, then the rest.
 */
static const struct {
	const char	*head;
	int		 rank;
} rv_cols[] = {
	{ "APPROVE", 0 }, { "CORRECT", 0 }, { "ESCALATE", 1 }, { "SKIP", 1 },
	{ "ITEMS", 0 }, { "TIMED", 9 }, { "MEDIAN", 2 }, { "P90", 6 },
	{ "OVERTURNED", 3 }, { "REOPENED", 10 }, { "RESOLVED", 10 },
	{ "UNDOS", 8 }, { "COMMENTS", 9 }, { "GOLD", 4 }, { "AUDIT", 5 },
	{ "ADJUDICATED", 4 }, { "PEER-K", 5 }, { "PAUSED", 4 },
};
#define RV_NCOLS (sizeof rv_cols / sizeof rv_cols[0])

struct rv_state {
	struct queue_reviewers	 stats;
	int			 loaded;
	struct tui_list		 list;
};

static void
rv_seconds(int has, double ms, char *buf)
{
	if (has)
		snprintf(buf, RV_CELL, "%.1fs", ms / 1000.0);
	else
		snprintf(buf, RV_CELL, "-");
}

static void
rv_count(uint64_t n, char *buf)
{
	snprintf(buf, RV_CELL, "%llu", (unsigned long long)n);
}

static void
rv_cells(const struct queue_reviewer_stats *r, char c[RV_NCOLS][RV_CELL])
{
	rv_count(r->approve, c[0]);
	rv_count(r->correct, c[1]);
	rv_count(r->escalate, c[2]);
	rv_count(r->skip, c[3]);
	rv_count(r->items, c[4]);
	rv_count(r->timed, c[5]);
	rv_seconds(r->timed > 0, r->median_ms, c[6]);
	rv_seconds(r->timed > 0, r->p90_ms, c[7]);
	rv_count(r->overturned, c[8]);
	rv_count(r->reopened, c[9]);
	rv_count(r->resolved, c[10]);
	rv_count(r->undos, c[11]);
	rv_count(r->comments, c[12]);
	if (r->gold_total > 0)
		snprintf(c[13], RV_CELL, "%.0f%% (%llu)", 100.0 *
		    (double)r->gold_right / (double)r->gold_total,
		    (unsigned long long)r->gold_items);
	else
		snprintf(c[13], RV_CELL, "-");
	if (r->audited > 0)
		snprintf(c[14], RV_CELL, "%llu/%llu",
		    (unsigned long long)r->audit_upheld,
		    (unsigned long long)r->audited);
	else
		snprintf(c[14], RV_CELL, "-");
	rv_count(r->adjudicated, c[15]);
	if (r->peer_units > 0)
		snprintf(c[16], RV_CELL, "%.2f", r->peer_kappa);
	else
		snprintf(c[16], RV_CELL, "-");
	snprintf(c[17], RV_CELL, "%s", r->paused ? "yes" : "-");
}

static int
rv_open(struct tui *t, void *state)
{
	struct rv_state		*st = state;
	struct queue_reviewers	 rv;
	char			*why = NULL;

	if (queue_reviewers(t->q, NULL, &rv, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	if (st->loaded)
		queue_reviewers_done(&st->stats);
	st->stats = rv;
	st->loaded = 1;
	st->list.n = rv.n;
	tui_list_fit(&st->list, st->list.height);
	return (0);
}

static void
rv_close(struct tui *t, void *state)
{
	struct rv_state *st = state;

	(void)t;
	if (st->loaded)
		queue_reviewers_done(&st->stats);
	st->loaded = 0;
	memset(&st->stats, 0, sizeof st->stats);
	memset(&st->list, 0, sizeof st->list);
}

static void
rv_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct rv_state	*st = state;
	char	(*cells)[RV_NCOLS][RV_CELL];
	int	 w[RV_NCOLS], take[RV_NCOLS], used = 0, rank, x, y, attr, len;
	size_t	 i, j;

	(void)t;
	tui_list_fit(&st->list, r->h - 2);
	tui_text_draw(r->y, r->x, r->w, st->stats.own_only ? "Your review "
	    "statistics (leads and admins see every reviewer's)" :
	    "Reviewers (as hitl reviewers)", tui_color_attr(TUI_C_DIM) |
	    A_BOLD);
	if (st->stats.n == 0) {
		tui_text_draw(r->y + 1, r->x, r->w, "no reviewer decisions yet",
		    tui_color_attr(TUI_C_DIM));
		return;
	}
	cells = xcalloc(st->stats.n, sizeof *cells);
	for (j = 0; j < RV_NCOLS; j++)
		w[j] = (int)strlen(rv_cols[j].head);
	for (i = 0; i < st->stats.n; i++) {
		rv_cells(&st->stats.rows[i], cells[i]);
		for (j = 0; j < RV_NCOLS; j++)
			if ((len = (int)strlen(cells[i][j])) > w[j])
				w[j] = len;
	}
	/* Columns by rank while they fit, the name's room kept. */
	memset(take, 0, sizeof take);
	for (rank = 0; rank <= 10; rank++) {
		for (j = 0; j < RV_NCOLS; j++) {
			if (rv_cols[j].rank != rank ||
			    used + w[j] + 2 > r->w - RV_NAME_MIN)
				continue;
			take[j] = 1;
			used += w[j] + 2;
		}
	}
	attr = tui_color_attr(TUI_C_DIM);
	for (x = r->x, j = 0; j < RV_NCOLS; j++) {
		if (!take[j])
			continue;
		x += w[j] - (int)strlen(rv_cols[j].head);
		x += tui_text_draw(r->y + 1, x, r->w, rv_cols[j].head, attr) +
		    2;
	}
	tui_text_draw(r->y + 1, x, r->x + r->w - x, "REVIEWER", attr);
	for (y = 0; y < st->list.height; y++) {
		i = st->list.top + (size_t)y;
		if (i >= st->stats.n)
			break;
		attr = tui_color_attr(i == st->list.sel ? TUI_C_SELECTED :
		    TUI_C_NORMAL);
		mvchgat(r->y + 2 + y, r->x, r->w, (attr_t)attr & ~A_COLOR,
		    (short)PAIR_NUMBER(attr), NULL);
		for (x = r->x, j = 0; j < RV_NCOLS; j++) {
			if (!take[j])
				continue;
			x += w[j] - (int)strlen(cells[i][j]);
			x += tui_text_draw(r->y + 2 + y, x, r->w,
			    cells[i][j], attr) + 2;
		}
		/* The name is untrusted: text.c sanitizes it. */
		tui_text_draw(r->y + 2 + y, x, r->x + r->w - x,
		    st->stats.rows[i].reviewer, attr);
	}
	free(cells);
}

static int
rv_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct rv_state *st = state;

	(void)key;
	if (req == TUI_REQ_BACK) {
		tui_view_focus(t, TUI_VIEW_QUEUE);
		return (TUI_REDRAW);
	}
	return (tui_list_request(&st->list, req));
}

/* The default bindings of the view. */
static const struct tui_key rv_keys[] = {
	{ TUI_KEY_ESC, TUI_REQ_BACK },
};

const struct tui_view_ops tui_view_reviewers = {
	.name = "reviewers",		/* bindings of the statistics */
	.title = "Reviewer statistics",	/* its section of the help screen */
	.keys = rv_keys,		/* its default bindings */
	.nkeys = sizeof rv_keys / sizeof rv_keys[0], /* their count */
	.state_size = sizeof (struct rv_state), /* the statistics read */
	.open = rv_open,		/* reads them */
	.close = rv_close,		/* frees them */
	.draw = rv_draw,		/* one reviewer a line, fitted */
	.request = rv_request,		/* navigate; Esc goes back */
	.skip = NULL,			/* every key applies */
};
