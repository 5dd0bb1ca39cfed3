/*
 * A lead's adjudication: the items whose blind votes disagree, and the
 * selected one's votes side by side, the lines where they differ marked,
 * to settle by taking one vote or by approving anew.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cjson/cJSON.h>

#include "tui.h"
#include "utf8.h"
#include "vote.h"
#include "xmalloc.h"

/* Columns narrower than this are not drawn: the CLI shows the rest. */
#define AV_MIN_COL	16
#define AV_MARK		"\xe2\x89\xa0"	/* U+2260 NOT EQUAL TO */

/* One line of the comparison: a cell per vote, and whether they differ. */
struct av_line {
	char	**cell;
	int	  differ;
};

struct av_state {
	struct queue_adjudication	*rows;
	struct tui_list			 list;
	/* The selected item as stored, and its votes read by the vote rules. */
	struct queue_item		*item;
	struct vote			*votes;
	size_t				 nvotes;
	struct av_line			*lines;
	size_t				 nlines;
	/*
	 * Minimum exposure: what of the selected item's text is masked (the
	 * spans every vote agrees on, accepted spans, pii.* flag ranges; the
	 * spans the votes disagree on are the decision at hand and shown),
	 * unless the lead revealed this item (revealed names it) while the
	 * view is open.
	 */
	struct queue_mask		*masks;
	size_t				 nmasks;
	char				 revealed[300];
};

static void
av_lines_free(struct av_state *av)
{
	size_t i, j;

	for (i = 0; i < av->nlines; i++) {
		for (j = 0; j < av->nvotes; j++)
			free(av->lines[i].cell[j]);
		free(av->lines[i].cell);
	}
	free(av->lines);
	av->lines = NULL;
	av->nlines = 0;
}

static void
av_item_free(struct av_state *av)
{
	size_t i;

	av_lines_free(av);
	for (i = 0; i < av->nvotes; i++)
		vote_done(&av->votes[i]);
	free(av->votes);
	av->votes = NULL;
	av->nvotes = 0;
	queue_item_free(av->item);
	av->item = NULL;
	free(av->masks);
	av->masks = NULL;
	av->nmasks = 0;
}

/* A new line of the comparison; the caller fills each vote's cell. */
static struct av_line *
av_line_new(struct av_state *av)
{
	struct av_line *l;

	av->lines = xreallocarray(av->lines, av->nlines + 1, sizeof *av->lines);
	l = &av->lines[av->nlines++];
	l->cell = xcalloc(av->nvotes, sizeof *l->cell);
	l->differ = 0;
	return (l);
}

/* Marks the line if its cells are not all the same. */
static void
av_line_compare(struct av_state *av, struct av_line *l)
{
	size_t j;

	for (j = 1; j < av->nvotes; j++) {
		if (strcmp(l->cell[j], l->cell[0]) != 0)
			l->differ = 1;
	}
}

/*
 * The item's text from code point start to end, or "" if out of range; the
 * mark of a mask it overlaps instead, so that no line shows what the text
 * masks.
 */
static char *
av_excerpt(struct av_state *av, size_t start, size_t end)
{
	const char	*s = av->item->text;
	char		 label[QUEUE_MASK_LABEL_MAX];
	size_t		 len = strlen(s), a, b, i;

	for (i = 0; i < av->nmasks; i++) {
		if (av->masks[i].cp_start < end &&
		    start < av->masks[i].cp_end) {
			queue_mask_label(&av->masks[i], label, sizeof label);
			return (xstrdup(label));
		}
	}
	if (utf8_cp_to_byte(s, len, start, &a) != 0 ||
	    utf8_cp_to_byte(s, len, end, &b) != 0 || b < a)
		return (xstrdup(""));
	return (xstrndup(s + a, b - a));
}

static const char *
av_verdict_name(enum vote_verdict v)
{
	switch (v) {
	case VOTE_ACCEPTED:
		return ("accepted");
	case VOTE_REJECTED:
		return ("not PII");
	case VOTE_RETYPED:
		return ("retyped");
	case VOTE_CONFIRMED:
		return ("confirmed");
	default:
		return ("overturned");
	}
}

static void
av_lines_output(struct av_state *av)
{
	struct av_line	*l;
	struct vote	*v;
	char		*s, *t;
	size_t		 i, j, k;

	l = av_line_new(av);
	for (j = 0; j < av->nvotes; j++) {
		v = &av->votes[j];
		s = xstrdup("labels:");
		for (k = 0; k < v->nlabels; k++) {
			xasprintf(&t, "%s%s %s", s, k > 0 ? "," : "",
			    v->labels[k]);
			free(s);
			s = t;
		}
		if (v->nlabels == 0) {
			xasprintf(&t, "%s none", s);
			free(s);
			s = t;
		}
		l->cell[j] = s;
	}
	av_line_compare(av, l);
	for (i = 0; i < av->item->nflags; i++) {
		l = av_line_new(av);
		for (j = 0; j < av->nvotes; j++)
			xasprintf(&l->cell[j], "flag %s: %s",
			    av->item->flags[i].type, i < av->votes[j].nflags ?
			    av_verdict_name(av->votes[j].flags[i]) : "-");
		av_line_compare(av, l);
	}
	l = av_line_new(av);
	for (j = 0; j < av->nvotes; j++)
		xasprintf(&l->cell[j], "text: %s", av->votes[j].text != NULL ?
		    av->votes[j].text : "as it is");
	av_line_compare(av, l);
	/*
	 * A corrected text holds what the response masks, and offsets hold
	 * in no correction: one the votes agree on is not at hand, and is
	 * masked whole; texts that differ are what the lead settles.
	 */
	if (av->nmasks > 0 && !l->differ && av->nvotes > 0 &&
	    av->votes[0].text != NULL) {
		for (j = 0; j < av->nvotes; j++) {
			free(l->cell[j]);
			l->cell[j] = xstrdup("text: corrected alike (masked)");
		}
	}
}

/* Whether vote v added the span a. */
static int
av_has_added(const struct vote *v, const struct vote_added *a)
{
	size_t k;

	for (k = 0; k < v->nadded; k++) {
		if (v->added[k].start == a->start && v->added[k].end ==
		    a->end && strcmp(v->added[k].type, a->type) == 0)
			return (1);
	}
	return (0);
}

static void
av_lines_spans(struct av_state *av)
{
	struct av_line			*l;
	const struct vote_span		*vs;
	const struct vote_added		*a;
	const struct queue_span		*s;
	char				*ex;
	size_t				 i, j, k, m;

	for (i = 0; i < av->item->nspans; i++) {
		s = &av->item->spans[i];
		ex = av_excerpt(av, s->start, s->end);
		l = av_line_new(av);
		for (j = 0; j < av->nvotes; j++) {
			vs = i < av->votes[j].nspans ? &av->votes[j].spans[i] :
			    NULL;
			xasprintf(&l->cell[j], "%s \"%s\": %s%s%s",
			    s->entity_type, ex, vs != NULL ?
			    av_verdict_name(vs->verdict) : "-",
			    vs != NULL && vs->type != NULL ? " to " : "",
			    vs != NULL && vs->type != NULL ? vs->type : "");
		}
		av_line_compare(av, l);
		free(ex);
	}
	/* Added spans: one line for each that any vote added, first seen. */
	for (j = 0; j < av->nvotes; j++) {
		for (k = 0; k < av->votes[j].nadded; k++) {
			a = &av->votes[j].added[k];
			for (m = 0; m < j && !av_has_added(&av->votes[m], a);
			    m++)
				;
			if (m < j)
				continue;
			ex = av_excerpt(av, a->start, a->end);
			l = av_line_new(av);
			for (m = 0; m < av->nvotes; m++) {
				if (av_has_added(&av->votes[m], a))
					xasprintf(&l->cell[m], "added %s "
					    "\"%s\"", a->type, ex);
				else
					l->cell[m] = xstrdup("-");
			}
			av_line_compare(av, l);
			free(ex);
		}
	}
}

/*
 * The lines of the comparison: the action, then what the vote rules make
 * of each vote (so an approve reads as what it means), then each note,
 * which is no part of the decision and so never marked.
 */
static void
av_lines_build(struct av_state *av, const struct queue_adjudication *a)
{
	struct av_line	*l;
	cJSON		*p, *note;
	size_t		 j;

	l = av_line_new(av);
	for (j = 0; j < av->nvotes; j++)
		l->cell[j] = xstrdup(a->votes[j].action);
	av_line_compare(av, l);
	if (av->item->kind == QUEUE_KIND_MODEL_OUTPUT)
		av_lines_output(av);
	else
		av_lines_spans(av);
	l = av_line_new(av);
	for (j = 0; j < av->nvotes; j++) {
		p = a->votes[j].payload != NULL ?
		    cJSON_Parse(a->votes[j].payload) : NULL;
		note = cJSON_GetObjectItemCaseSensitive(p, "note");
		xasprintf(&l->cell[j], "note: %s", cJSON_IsString(note) ?
		    note->valuestring : "none");
		cJSON_Delete(p);
	}
}

/* Whether every vote gives span i the same verdict (and type). */
static int
av_span_agreed(struct av_state *av, size_t i)
{
	const struct vote_span	*a, *b;
	size_t			 j;

	for (j = 1; j < av->nvotes; j++) {
		if (i >= av->votes[0].nspans || i >= av->votes[j].nspans)
			return (0);
		a = &av->votes[0].spans[i];
		b = &av->votes[j].spans[i];
		if (a->verdict != b->verdict || (a->type == NULL) !=
		    (b->type == NULL) || (a->type != NULL &&
		    strcmp(a->type, b->type) != 0))
			return (0);
	}
	return (1);
}

/* The masks of the selected item (none once it is revealed). */
static void
av_mask(struct tui *t, struct av_state *av)
{
	const struct policy	*p;
	unsigned char		*decided;
	char			*why = NULL;
	size_t			 i;

	if (strcmp(av->revealed, av->item->ext_id) == 0)
		return;
	if (queue_policy(t->q, &p, NULL, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return;
	}
	decided = xcalloc(av->item->nspans + 1, 1);
	for (i = 0; i < av->item->nspans; i++)
		decided[i] = av_span_agreed(av, i) ? 1 : QUEUE_MASK_AT_HAND;
	av->nmasks = queue_mask_ranges(av->item, p, QUEUE_MASK_NO_SPAN,
	    decided, &av->masks);
	free(decided);
}

/* Loads the selected item and reads its votes; 0, or -1 with a message. */
static int
av_load(struct tui *t, struct av_state *av)
{
	struct queue_adjudication	*a;
	char				*why = NULL;
	size_t				 j;

	av_item_free(av);
	if (av->list.n == 0)
		return (0);
	a = &av->rows[av->list.sel];
	if (queue_item_get(t->q, a->item, &av->item, &why) != 0)
		goto fail;
	av->votes = xcalloc(a->nvotes, sizeof *av->votes);
	for (j = 0; j < a->nvotes; j++) {
		if (vote_from(av->item, a->votes[j].action, a->votes[j].payload,
		    &av->votes[j], &why) != 0)
			goto fail;
		av->nvotes = j + 1;
	}
	av_mask(t, av);
	av_lines_build(av, a);
	return (0);
fail:
	tui_message(t, 1, "%s: %s", a->item, why);
	free(why);
	av_item_free(av);
	return (-1);
}

static int
av_open(struct tui *t, void *state)
{
	struct av_state			*av = state;
	struct queue_adjudication	*rows;
	size_t				 n;
	char				*why = NULL;

	if (queue_actor_role(t->q) < POLICY_ROLE_LEAD) {
		tui_message(t, 1, "adjudication is for leads and admins; "
		    "your votes are settled by one of them");
		return (-1);
	}
	if (queue_adjudications(t->q, &rows, &n, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	av_item_free(av);
	queue_adjudications_free(av->rows, av->list.n);
	av->rows = rows;
	av->list.n = n;
	tui_list_fit(&av->list, av->list.height);
	av_load(t, av);
	return (0);
}

static void
av_close(struct tui *t, void *state)
{
	struct av_state *av = state;

	(void)t;
	av_item_free(av);
	queue_adjudications_free(av->rows, av->list.n);
	av->rows = NULL;
	memset(&av->list, 0, sizeof av->list);
	av->revealed[0] = '\0';
}

/*
 * Draws one cell, wrapped to width from y, with masks m (of s); returns the
 * lines it used.
 */
static int
av_cell_draw(const char *s, const struct queue_mask *m, size_t nm, int y,
    int x, int width, int room, int attr)
{
	struct tui_cells	 c;
	size_t			*starts = NULL, n, i;

	memset(&c, 0, sizeof c);
	tui_cells_add_masked(&c, s, strlen(s), attr, 1, m, nm);
	n = tui_cells_wrap(&c, width, &starts);
	for (i = 0; i < n && (int)i < room; i++)
		tui_cells_draw(&c, starts[i], i + 1 < n ? starts[i + 1] : c.n,
		    y + (int)i, x, width);
	free(starts);
	tui_cells_free(&c);
	return ((int)n);
}

/* The lines a cell takes wrapped to width. */
static int
av_cell_height(const char *s, int width)
{
	struct tui_cells	 c;
	size_t			*starts = NULL, n;

	memset(&c, 0, sizeof c);
	tui_cells_add(&c, s, strlen(s), 0, 1);
	n = tui_cells_wrap(&c, width, &starts);
	free(starts);
	tui_cells_free(&c);
	return (n > 0 ? (int)n : 1);
}

/* The selected item's votes, one column each, from y to the bottom. */
static void
av_draw_votes(struct av_state *av, const struct queue_adjudication *a,
    const struct tui_rect *r, int y)
{
	const struct queue_decision_info	*d;
	char					 buf[256];
	size_t					 i, j, ncol;
	int					 cw, x, h, bottom = r->y + r->h;
	int					 attr, dim = tui_color_attr(TUI_C_DIM);

	/* As many columns as fit at AV_MIN_COL, two columns of marks. */
	ncol = av->nvotes;
	while (ncol > 1 && (r->w - 2) / (int)ncol - 3 < AV_MIN_COL)
		ncol--;
	cw = (r->w - 2) / (int)ncol - 3;
	for (j = 0; j < ncol && y + 1 < bottom; j++) {
		d = &a->votes[j];
		x = r->x + 2 + (int)j * (cw + 3);
		snprintf(buf, sizeof buf, "%zu  ", j + 1);
		x += tui_text_draw(y, x, cw, buf, dim | A_BOLD);
		tui_text_draw(y, x, cw - (int)strlen(buf), d->reviewer,
		    tui_color_attr(TUI_C_NORMAL) | A_BOLD);
		snprintf(buf, sizeof buf, "decision %lld, %s",
		    (long long)d->id, d->decided_at);
		tui_text_draw(y + 1, r->x + 2 + (int)j * (cw + 3), cw, buf,
		    dim);
	}
	y += 2;
	for (i = 0; i < av->nlines && y < bottom; i++) {
		for (h = 1, j = 0; j < ncol; j++) {
			x = av_cell_height(av->lines[i].cell[j], cw);
			h = x > h ? x : h;
		}
		attr = tui_color_attr(av->lines[i].differ ? TUI_C_DIFFER :
		    TUI_C_NORMAL);
		if (av->lines[i].differ)
			tui_text_draw(y, r->x, 2, AV_MARK, attr);
		for (j = 0; j < ncol; j++) {
			x = r->x + 2 + (int)j * (cw + 3);
			if (j > 0)
				tui_text_draw(y, x - 2, 1, "\xe2\x94\x82", dim);
			av_cell_draw(av->lines[i].cell[j], NULL, 0, y, x, cw,
			    bottom - y, attr);
		}
		y += h;
	}
	if (ncol < av->nvotes && y < bottom) {
		snprintf(buf, sizeof buf, "%zu more votes than fit: hitl "
		    "adjudication show ", av->nvotes - ncol);
		x = tui_text_draw(y, r->x, r->w, buf, dim);
		tui_text_draw(y, r->x + x, r->w - x, a->item, dim);
	}
}

static void
av_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct av_state			*av = state;
	const struct queue_adjudication	*a;
	char				 buf[256];
	size_t				 i, j;
	int				 y, lh, attr, x;

	(void)t;
	/* The list takes up to a quarter of the body, the votes the rest. */
	lh = r->h / 4 > 3 ? r->h / 4 : 3;
	if (av->list.n > 0 && (size_t)lh > av->list.n)
		lh = (int)av->list.n;
	tui_list_fit(&av->list, lh);
	snprintf(buf, sizeof buf, "Waiting for adjudication: %zu item%s",
	    av->list.n, av->list.n == 1 ? "" : "s");
	tui_text_draw(r->y, r->x, r->w, buf, tui_color_attr(TUI_C_DIM) |
	    A_BOLD);
	if (av->list.n == 0) {
		tui_text_draw(r->y + 1, r->x, r->w, "no votes disagree: "
		    "nothing waits for a lead", tui_color_attr(TUI_C_DIM));
		return;
	}
	for (y = 0; y < lh; y++) {
		i = av->list.top + (size_t)y;
		if (i >= av->list.n)
			break;
		a = &av->rows[i];
		attr = tui_color_attr(i == av->list.sel ? TUI_C_SELECTED :
		    TUI_C_NORMAL);
		mvchgat(r->y + 1 + y, r->x, r->w, (attr_t)attr & ~A_COLOR,
		    (short)PAIR_NUMBER(attr), NULL);
		x = tui_text_draw(r->y + 1 + y, r->x, r->w, a->item, attr);
		snprintf(buf, sizeof buf, "  %s, %zu votes:",
		    a->sample, a->nvotes);
		x += tui_text_draw(r->y + 1 + y, r->x + x, r->w - x, buf, attr);
		/* Who voted what: reviewers' names, each through text.c. */
		for (j = 0; j < a->nvotes && x < r->w; j++) {
			x += tui_text_draw(r->y + 1 + y, r->x + x, r->w - x,
			    " ", attr);
			x += tui_text_draw(r->y + 1 + y, r->x + x, r->w - x,
			    a->votes[j].reviewer, attr);
			snprintf(buf, sizeof buf, " %s%s", a->votes[j].action,
			    j + 1 < a->nvotes ? "," : "");
			x += tui_text_draw(r->y + 1 + y, r->x + x, r->w - x,
			    buf, attr);
		}
	}
	y = r->y + 2 + lh;
	if (av->item == NULL)
		return;
	a = &av->rows[av->list.sel];
	x = tui_text_draw(y, r->x, r->w, av->item->ext_id,
	    tui_color_attr(TUI_C_NORMAL) | A_BOLD);
	snprintf(buf, sizeof buf, "  %s, %s review", queue_kind_name(
	    av->item->kind), a->sample);
	tui_text_draw(y, r->x + x, r->w - x, buf, tui_color_attr(TUI_C_DIM));
	y++;
	/* The text the votes are about, its first lines. */
	lh = av_cell_draw(av->item->text, av->masks, av->nmasks, y, r->x,
	    r->w, 3, tui_color_attr(TUI_C_NORMAL));
	y += (lh < 3 ? lh : 3) + 1;
	av_draw_votes(av, a, r, y);
}

/* Settles the selected item with vote n (from 0), or anew as approve. */
static int
av_settle(struct tui *t, struct av_state *av, size_t n, int anew)
{
	const struct queue_adjudication	*a;
	char				 note[1024] = "", item[300], *why = NULL;
	int64_t				 did = 0, chose = 0;
	int				 rc;

	if (av->list.n == 0 || av->item == NULL)
		return (0);
	a = &av->rows[av->list.sel];
	if (!anew && n >= a->nvotes) {
		tui_message(t, 1, "there is no vote %zu: this item has %zu",
		    n + 1, a->nvotes);
		return (TUI_REDRAW);
	}
	if (tui_prompt_line(t, "note for the settlement (Enter for none, "
	    "Esc cancels):", note, sizeof note) != 0) {
		tui_message(t, 0, "not settled");
		return (TUI_REDRAW);
	}
	/* The prompt redraws: the rows stay as they were until reloaded. */
	snprintf(item, sizeof item, "%s", a->item);
	if (!anew)
		chose = a->votes[n].id;
	rc = queue_adjudicate(t->q, item, chose, anew ? "approve" : NULL, NULL,
	    note[0] != '\0' ? note : NULL, &did, &why);
	if (rc != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
	} else if (anew)
		tui_message(t, 0, "%s settled: approved anew (settlement "
		    "%lld)", item, (long long)did);
	else
		tui_message(t, 0, "%s settled: vote %zu, %s's %s (decision "
		    "%lld; settlement %lld)", item, n + 1, a->votes[n].reviewer,
		    a->votes[n].action, (long long)chose, (long long)did);
	if (av_open(t, av) != 0)
		tui_view_focus(t, TUI_VIEW_QUEUE);
	return (TUI_REDRAW);
}

static int
av_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct av_state	*av = state;
	int		 flags;

	switch (req) {
	case TUI_REQ_BACK:
		tui_view_focus(t, TUI_VIEW_QUEUE);
		return (TUI_REDRAW);
	case TUI_REQ_CHOOSE:
		return (av_settle(t, av, (size_t)(key - '1'), 0));
	case TUI_REQ_SETTLE_APPROVE:
		return (av_settle(t, av, 0, 1));
	case TUI_REQ_REVEAL:
		if (av->item == NULL || av->nmasks == 0)
			tui_message(t, 0, "nothing is masked");
		else if (tui_reveal(t, av->item->ext_id) == 0) {
			snprintf(av->revealed, sizeof av->revealed, "%s",
			    av->item->ext_id);
			av_load(t, av);
		}
		return (TUI_REDRAW);
	default:
		if ((flags = tui_list_request(&av->list, req)) != 0)
			av_load(t, av);
		return (flags);
	}
}

/* The reveal applies while something is masked. */
static int
av_skip(void *state, enum tui_request req)
{
	struct av_state *av = state;

	return (req == TUI_REQ_REVEAL && av->nmasks == 0);
}

/* Digits take the vote of that column. */
static const struct tui_key av_keys[] = {
	{ '1', TUI_REQ_CHOOSE },
	{ '2', TUI_REQ_CHOOSE },
	{ '3', TUI_REQ_CHOOSE },
	{ '4', TUI_REQ_CHOOSE },
	{ '5', TUI_REQ_CHOOSE },
	{ '6', TUI_REQ_CHOOSE },
	{ '7', TUI_REQ_CHOOSE },
	{ '8', TUI_REQ_CHOOSE },
	{ '9', TUI_REQ_CHOOSE },
	{ 'a', TUI_REQ_SETTLE_APPROVE },
	{ 'p', TUI_REQ_REVEAL },
	{ TUI_KEY_ESC, TUI_REQ_BACK },
};

const struct tui_view_ops tui_view_adjudication = {
	.name = "adjudication",		/* bindings of the lead's adjudication */
	.title = "Adjudication (leads): items whose votes disagree",
	.keys = av_keys,		/* its default bindings */
	.nkeys = sizeof av_keys / sizeof av_keys[0], /* their count */
	.state_size = sizeof (struct av_state), /* the items, the votes shown */
	.open = av_open,		/* loads the items and the first's votes */
	.close = av_close,		/* frees them */
	.draw = av_draw,		/* the items, then the votes side by side */
	.request = av_request,		/* choose a vote, approve anew, navigate */
	.skip = av_skip,		/* p only while something is masked */
};
