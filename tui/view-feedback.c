/*
 * The lead's view of the feedback to the detectors and to the models, as
 * hitl detectors and hitl models count it: two tables (Tab between them),
 * sorted by any column, the models' weeks drawn as a sparkline.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

#define FB_CELL		64
#define FB_COLS		12	/* the most columns a table has */
#define FB_NAME_MAX	32	/* the most room kept for the name */
#define FB_WEEKS	12	/* the most weeks a sparkline shows */
#define FB_BAR		10	/* cells of the precision bar */

/*
 * A column: its header, the rank by which it is kept when the terminal is
 * narrow (0 first), whether it sorts highest first, and whether it is a
 * chart (drawn from the left). The name, the last column, is untrusted
 * text, always kept, with room for it up to FB_NAME_MAX or a third of the
 * width.
 */
struct fb_col {
	const char	*head;
	int		 rank;
	int		 desc;
	int		 chart;
};

static const struct fb_col fb_det_cols[] = {
	{ "KIND", 3, 0, 0 }, { "REVIEWED", 0, 1, 0 },
	{ "CONFIRMED", 1, 1, 0 }, { "OVERTURNED", 1, 1, 0 },
	{ "PRECISION", 0, 0, 0 }, { "", 2, 0, 1 }, { "95% CI", 4, 0, 0 },
	{ "OVERTURNS", 5, 0, 0 }, { "ADVICE", 2, 0, 0 }, { "FORCE", 3, 0, 0 },
	{ "AUTO", 6, 1, 0 }, { "SPOT", 6, 1, 0 },
	{ "DETECTOR / RECOGNIZER", -1, 0, 0 },
};

static const struct fb_col fb_model_cols[] = {
	{ "SEEN", 0, 1, 0 }, { "FLAGGED", 2, 1, 0 }, { "REVIEWED", 0, 1, 0 },
	{ "APPROVED", 3, 1, 0 }, { "CORRECTED", 1, 1, 0 },
	{ "REJECTED", 1, 1, 0 }, { "ESCALATED", 4, 1, 0 }, { "OPEN", 5, 1, 0 },
	{ "CHANGED", 0, 1, 0 }, { "WEEKS CHANGED", 1, 1, 1 },
	{ "MODEL / PIPELINE", -1, 0, 0 },
};

/* One table: the cells made once when the view opens, sorted by order. */
struct fb_table {
	const char		*title;
	const struct fb_col	*cols;
	size_t			 ncols;		/* the name included */
	size_t			 n;
	char			(*cells)[FB_COLS][FB_CELL];
	double			(*vals)[FB_COLS];	/* what sorts */
	char			**names;
	size_t			*order;
	size_t			 sort;		/* a column */
	int			 reverse;
	struct tui_list		 list;
};

struct fb_state {
	struct fb_table		 t[2];		/* detectors, models */
	size_t			 shown;
	int			 sorted;	/* a first order was set */
	double			 target;	/* precision aimed at */
	char			 weeks[160];	/* the sparkline's legend */
};

/* Columns a cell's UTF-8 takes (the sparkline's blocks are one each). */
static int
fb_width(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

static void
fb_table_free(struct fb_table *tb)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		free(tb->names[i]);
	free(tb->names);
	free(tb->cells);
	free(tb->vals);
	free(tb->order);
	tb->names = NULL;
	tb->cells = NULL;
	tb->vals = NULL;
	tb->order = NULL;
	tb->n = 0;
}

static void
fb_table_alloc(struct fb_table *tb, size_t n)
{
	size_t i;

	tb->n = n;
	tb->cells = xcalloc(n + 1, sizeof *tb->cells);
	tb->vals = xcalloc(n + 1, sizeof *tb->vals);
	tb->names = xcalloc(n + 1, sizeof *tb->names);
	tb->order = xcalloc(n + 1, sizeof *tb->order);
	for (i = 0; i < n; i++)
		tb->order[i] = i;
}

/* Does row a come before row b in the table's order? Ties by name. */
static int
fb_before(const struct fb_table *tb, size_t a, size_t b)
{
	size_t	c = tb->sort;
	int	cmp;

	if (c == tb->ncols - 1)
		cmp = strcmp(tb->names[a], tb->names[b]);
	else {
		cmp = tb->vals[a][c] < tb->vals[b][c] ? -1 :
		    tb->vals[a][c] > tb->vals[b][c];
		if (tb->cols[c].desc)
			cmp = -cmp;
		if (cmp == 0)
			cmp = strcmp(tb->names[a], tb->names[b]);
	}
	return (tb->reverse ? cmp > 0 : cmp < 0);
}

/* An insertion sort: tables hold tens of rows, and it is stable. */
static void
fb_sort(struct fb_table *tb)
{
	size_t i, j, r;

	for (i = 1; i < tb->n; i++) {
		r = tb->order[i];
		for (j = i; j > 0 && fb_before(tb, r, tb->order[j - 1]); j--)
			tb->order[j] = tb->order[j - 1];
		tb->order[j] = r;
	}
}

static void
fb_count(char *cell, double *val, uint64_t n)
{
	snprintf(cell, FB_CELL, "%llu", (unsigned long long)n);
	*val = (double)n;
}

/* The precision as a bar of FB_BAR cells, the target marked. */
static void
fb_bar(char *cell, double p, double target)
{
	size_t	k, off = 0, fill = (size_t)(p * FB_BAR + 0.5);
	size_t	aim = (size_t)(target * FB_BAR + 0.5);

	for (k = 0; k < FB_BAR; k++)
		off += (size_t)snprintf(cell + off, FB_CELL - off, "%s", k <
		    fill ? "\xe2\x96\x88" : k == aim ? "\xe2\x94\x82" : "\xc2\xb7");
}

static void
fb_det_row(struct fb_state *st, const struct queue_detector_row *r,
    size_t i)
{
	struct fb_table	*tb = &st->t[0];
	char		(*c)[FB_CELL] = tb->cells[i];
	double		*v = tb->vals[i];

	snprintf(c[0], FB_CELL, "%s", r->kind);
	v[0] = strcmp(r->kind, "flag") != 0;
	fb_count(c[1], &v[1], r->reviewed);
	fb_count(c[2], &v[2], r->confirmed);
	fb_count(c[3], &v[3], r->overturned);
	snprintf(c[4], FB_CELL, "-");
	snprintf(c[6], FB_CELL, "-");
	v[4] = v[6] = 2;	/* nothing reviewed sorts after any share */
	if (r->reviewed > 0) {
		snprintf(c[4], FB_CELL, "%.1f%%", r->precision * 100);
		snprintf(c[6], FB_CELL, "%.0f-%.0f%%", r->precision_lo * 100,
		    r->precision_hi * 100);
		fb_bar(c[5], r->precision, st->target);
		v[4] = v[5] = r->precision;
		v[6] = r->precision_lo;
	}
	snprintf(c[7], FB_CELL, "-");
	v[7] = r->band;
	if (r->band >= 0)
		snprintf(c[7], FB_CELL, "%.1f-%.1f", r->band, r->band + 0.1);
	snprintf(c[8], FB_CELL, "none");
	v[8] = r->threshold_advice < 0 ? 2 : r->threshold_advice;
	if (r->threshold_advice >= 0)
		snprintf(c[8], FB_CELL, "%.2f", r->threshold_advice);
	snprintf(c[9], FB_CELL, "%.2f", r->threshold_in_force);
	v[9] = r->threshold_in_force;
	fb_count(c[10], &v[10], r->auto_decided);
	snprintf(c[11], FB_CELL, "%llu/%llu",
	    (unsigned long long)r->below_confirmed,
	    (unsigned long long)r->below_reviewed);
	v[11] = (double)r->below_reviewed;
	tb->names[i] = xstrdup(r->key);
}

static int
fb_same(const char *a, const char *b)
{
	return (a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0);
}

/* Changed by reviewers: corrected, or rejected at a resolution. */
static double
fb_changed(const struct queue_model_row *r)
{
	return (r->reviewed > 0 ? (double)(r->corrected + r->rejected) /
	    (double)r->reviewed : -1);
}

/*
 * Row r's sparkline over the weeks given, highest first at the right: a
 * block an eighth high per eighth of the share changed, a space for a
 * week with nothing reviewed.
 */
static void
fb_spark(char *cell, const struct queue_model_row *r,
    const struct queue_models_report *weeks, char (*period)[11],
    size_t nperiods)
{
	static const char *const level[] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	const struct queue_model_row	*w;
	size_t				 i, k, off = 0;
	double				 share;
	int				 at;

	for (k = 0; k < nperiods; k++) {
		for (share = -1, i = 0; i < weeks->n; i++) {
			w = &weeks->rows[i];
			if (strcmp(w->period, period[k]) == 0 &&
			    fb_same(w->model, r->model) &&
			    fb_same(w->pipeline, r->pipeline))
				share = fb_changed(w);
		}
		at = share < 0 ? -1 : (int)(share * 7 + 0.5);
		off += (size_t)snprintf(cell + off, FB_CELL - off, "%s", at < 0 ?
		    " " : level[at]);
	}
}

/* The weeks of the series, the last FB_WEEKS of them, oldest first. */
static size_t
fb_periods(const struct queue_models_report *weeks, char (*period)[11])
{
	size_t	i, j, n = 0;

	for (i = 0; i < weeks->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(period[j], weeks->rows[i].period) == 0)
				break;
		if (j < n)
			continue;
		/* Keep them sorted; past FB_WEEKS the oldest goes. */
		for (j = n; j > 0 && strcmp(period[j - 1],
		    weeks->rows[i].period) > 0; j--)
			memcpy(period[j], period[j - 1], 11);
		memcpy(period[j], weeks->rows[i].period, 11);
		if (n < FB_WEEKS)
			n++;
		else
			memmove(period, period + 1, FB_WEEKS * sizeof *period);
	}
	return (n);
}

static void
fb_model_row(struct fb_state *st, const struct queue_model_row *r,
    size_t i, const struct queue_models_report *weeks, char (*period)[11],
    size_t nperiods)
{
	struct fb_table	*tb = &st->t[1];
	char		(*c)[FB_CELL] = tb->cells[i];
	double		*v = tb->vals[i];

	fb_count(c[0], &v[0], r->seen);
	fb_count(c[1], &v[1], r->flagged);
	fb_count(c[2], &v[2], r->reviewed);
	fb_count(c[3], &v[3], r->approved);
	fb_count(c[4], &v[4], r->corrected);
	fb_count(c[5], &v[5], r->rejected);
	fb_count(c[6], &v[6], r->escalated);
	fb_count(c[7], &v[7], r->open);
	v[8] = v[9] = fb_changed(r);
	if (v[8] < 0)
		snprintf(c[8], FB_CELL, "-");
	else
		snprintf(c[8], FB_CELL, "%.1f%%", v[8] * 100);
	fb_spark(c[9], r, weeks, period, nperiods);
	xasprintf(&tb->names[i], "%s%s%s", r->model != NULL ? r->model :
	    "(none)", r->pipeline != NULL ? " / " : "", r->pipeline != NULL ?
	    r->pipeline : "");
}

static int
fb_open(struct tui *t, void *state)
{
	struct fb_state			*st = state;
	struct queue_detector_report	 det;
	struct queue_models_report	 all, weeks;
	char				 period[FB_WEEKS + 1][11];
	char				*why = NULL;
	size_t				 i, np;
	int				 rc = -1;

	memset(&all, 0, sizeof all);
	memset(&weeks, 0, sizeof weeks);
	if (queue_detectors(t->q, NULL, QUEUE_DETECTOR_BY_DETECTOR, &det,
	    &why) != 0)
		goto out;
	if (queue_models(t->q, NULL, QUEUE_MODELS_BY_SOURCE, QUEUE_MODELS_ALL,
	    &all, &why) != 0 || queue_models(t->q, NULL,
	    QUEUE_MODELS_BY_SOURCE, QUEUE_MODELS_WEEK, &weeks, &why) != 0) {
		queue_detector_report_done(&det);
		goto out;
	}
	st->target = det.target_precision;
	fb_table_free(&st->t[0]);
	fb_table_free(&st->t[1]);
	st->t[0].title = "Detectors";
	st->t[0].cols = fb_det_cols;
	st->t[0].ncols = sizeof fb_det_cols / sizeof fb_det_cols[0];
	st->t[1].title = "Models";
	st->t[1].cols = fb_model_cols;
	st->t[1].ncols = sizeof fb_model_cols / sizeof fb_model_cols[0];
	if (!st->sorted) {
		st->t[0].sort = 1;	/* the most reviewed first */
		st->t[1].sort = 0;	/* the most seen */
		st->sorted = 1;
	}
	fb_table_alloc(&st->t[0], det.n);
	for (i = 0; i < det.n; i++)
		fb_det_row(st, &det.rows[i], i);
	np = fb_periods(&weeks, period);
	st->weeks[0] = '\0';
	if (np > 0)
		snprintf(st->weeks, sizeof st->weeks, "a cell a week, %s to "
		    "%s: the reviewed outputs changed, \xe2\x96\x81 none to "
		    "\xe2\x96\x88 all", period[0], period[np - 1]);
	fb_table_alloc(&st->t[1], all.n);
	for (i = 0; i < all.n; i++)
		fb_model_row(st, &all.rows[i], i, &weeks, period, np);
	for (i = 0; i < 2; i++) {
		fb_sort(&st->t[i]);
		st->t[i].list.n = st->t[i].n;
		tui_list_fit(&st->t[i].list, st->t[i].list.height);
	}
	queue_detector_report_done(&det);
	rc = 0;
out:
	if (rc != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
	}
	queue_models_report_done(&all);
	queue_models_report_done(&weeks);
	return (rc);
}

static void
fb_close(struct tui *t, void *state)
{
	struct fb_state *st = state;

	(void)t;
	fb_table_free(&st->t[0]);
	fb_table_free(&st->t[1]);
	memset(&st->t[0].list, 0, sizeof st->t[0].list);
	memset(&st->t[1].list, 0, sizeof st->t[1].list);
}

static void
fb_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct fb_state		*st = state;
	struct fb_table		*tb = &st->t[st->shown];
	const struct fb_col	*sorted = &tb->cols[tb->sort];
	char			 title[256];
	int			 w[FB_COLS], take[FB_COLS], used = 0, rank;
	int			 x, y, attr, len, name;
	size_t			 i, j, last = tb->ncols - 1, row;

	(void)t;
	/* The title, the header, the rows, a legend on the last line. */
	tui_list_fit(&tb->list, r->h - 3);
	if (st->shown == 0)
		tui_text_draw(r->y + r->h - 1, r->x, r->w, "the bar: "
		    "precision, a cell a tenth, \xe2\x94\x82 the target; "
		    "ADVICE: the lowest score that meets it",
		    tui_color_attr(TUI_C_DIM));
	else
		tui_text_draw(r->y + r->h - 1, r->x, r->w, st->weeks,
		    tui_color_attr(TUI_C_DIM));
	snprintf(title, sizeof title, "%s, sorted by %s (%s first)", tb->title,
	    *sorted->head != '\0' ? sorted->head : "PRECISION",
	    (sorted->desc != 0) != (tb->reverse != 0) ? "highest" : "lowest");
	if (st->shown == 0) {
		len = (int)strlen(title);
		snprintf(title + len, sizeof title - (size_t)len, "; target "
		    "precision %.0f%%", st->target * 100);
	}
	tui_text_draw(r->y, r->x, r->w, title, tui_color_attr(TUI_C_DIM) |
	    A_BOLD);
	if (tb->n == 0) {
		tui_text_draw(r->y + 1, r->x, r->w, st->shown == 0 ?
		    "no flag or span was decided yet" :
		    "no model output was imported yet",
		    tui_color_attr(TUI_C_DIM));
		return;
	}
	for (j = 0; j < last; j++) {
		w[j] = fb_width(tb->cols[j].head);
		for (i = 0; i < tb->n; i++)
			if ((len = fb_width(tb->cells[i][j])) > w[j])
				w[j] = len;
	}
	name = fb_width(tb->cols[last].head);
	for (i = 0; i < tb->n; i++)
		if ((len = fb_width(tb->names[i])) > name)
			name = len;
	if (name > FB_NAME_MAX)
		name = FB_NAME_MAX;
	if (name > r->w / 3)
		name = r->w / 3;
	/* Columns by rank while they fit, the name's room kept. */
	memset(take, 0, sizeof take);
	for (rank = 0; rank <= 6; rank++) {
		for (j = 0; j < last; j++) {
			if (tb->cols[j].rank != rank ||
			    used + w[j] + 2 > r->w - name)
				continue;
			take[j] = 1;
			used += w[j] + 2;
		}
	}
	for (x = r->x, j = 0; j <= last; j++) {
		if (j < last && !take[j])
			continue;
		attr = tui_color_attr(TUI_C_DIM) | (j == tb->sort ?
		    A_UNDERLINE | A_BOLD : 0);
		if (j < last && !tb->cols[j].chart)
			x += w[j] - fb_width(tb->cols[j].head);
		len = tui_text_draw(r->y + 1, x, r->x + r->w - x,
		    tb->cols[j].head, attr);
		x += (j < last && tb->cols[j].chart ? w[j] : len) + 2;
	}
	for (y = 0; y < tb->list.height; y++) {
		i = tb->list.top + (size_t)y;
		if (i >= tb->n)
			break;
		row = tb->order[i];
		attr = tui_color_attr(i == tb->list.sel ? TUI_C_SELECTED :
		    TUI_C_NORMAL);
		mvchgat(r->y + 2 + y, r->x, r->w, (attr_t)attr & ~A_COLOR,
		    (short)PAIR_NUMBER(attr), NULL);
		for (x = r->x, j = 0; j < last; j++) {
			if (!take[j])
				continue;
			if (!tb->cols[j].chart)
				x += w[j] - fb_width(tb->cells[row][j]);
			len = tui_text_draw(r->y + 2 + y, x, r->w,
			    tb->cells[row][j], attr);
			x += (tb->cols[j].chart ? w[j] : len) + 2;
		}
		/* The name is untrusted: text.c sanitizes it. */
		tui_text_draw(r->y + 2 + y, x, r->x + r->w - x,
		    tb->names[row], attr);
	}
}

static int
fb_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct fb_state	*st = state;
	struct fb_table	*tb = &st->t[st->shown];

	(void)key;
	switch (req) {
	case TUI_REQ_BACK:
		tui_view_focus(t, TUI_VIEW_QUEUE);
		return (TUI_REDRAW);
	case TUI_REQ_SWITCH:
		st->shown = !st->shown;
		return (TUI_REDRAW);
	case TUI_REQ_SORT:
		/* The next column, the bar (sorted as the precision) left out. */
		do
			tb->sort = (tb->sort + 1) % tb->ncols;
		while (*tb->cols[tb->sort].head == '\0');
		tb->reverse = 0;
		fb_sort(tb);
		return (TUI_REDRAW);
	case TUI_REQ_SORT_REVERSE:
		tb->reverse = !tb->reverse;
		fb_sort(tb);
		return (TUI_REDRAW);
	default:
		return (tui_list_request(&tb->list, req));
	}
}

/* The default bindings of the view. */
static const struct tui_key fb_keys[] = {
	{ TUI_KEY_ESC, TUI_REQ_BACK },
	{ TUI_KEY_TAB, TUI_REQ_SWITCH },
	{ 'o', TUI_REQ_SORT },
	{ 'O', TUI_REQ_SORT_REVERSE },
};

const struct tui_view_ops tui_view_feedback = {
	.name = "feedback",		/* bindings of the two tables */
	.title = "Detectors and models", /* its section of the help screen */
	.keys = fb_keys,		/* its default bindings */
	.nkeys = sizeof fb_keys / sizeof fb_keys[0], /* their count */
	.state_size = sizeof (struct fb_state), /* the tables, their order */
	.open = fb_open,		/* counts, as hitl detectors, models */
	.close = fb_close,		/* frees them */
	.draw = fb_draw,		/* the table shown, fitted */
	.request = fb_request,		/* navigate, switch, sort; Esc back */
	.skip = NULL,			/* every key applies */
};
