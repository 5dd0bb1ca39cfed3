/*
 * The help screen: every binding of every view, generated from the binding
 * table, in the shared list widget.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

struct hv_state {
	struct tui_list		  list;
	char			**lines;
	enum tui_view_id	  under;	/* the view help covers */
};

static void
hv_add(struct hv_state *hv, char *line)
{
	hv->lines = xreallocarray(hv->lines, hv->list.n + 1,
	    sizeof *hv->lines);
	hv->lines[hv->list.n++] = line;
}

static void
hv_binding(const struct tui_binding *b, void *arg)
{
	char *line;

	xasprintf(&line, "  %-10s %-14s %s", tui_key_name(b->key),
	    tui_req_name(b->req), tui_req_help(b->req));
	hv_add(arg, line);
}

/* A section: its title, then each binding of view. */
static void
hv_section(struct hv_state *hv, const char *view, const char *title)
{
	hv_add(hv, xstrdup(title));
	tui_bind_each(view, hv_binding, hv);
	hv_add(hv, xstrdup(""));
}

/* The global keys, each view's in the registry's order, then the picker's. */
static void
hv_build(struct hv_state *hv)
{
	size_t i;

	if (hv->lines != NULL)
		return;
	hv_section(hv, "*", "Everywhere");
	for (i = 0; i < TUI_NVIEWS; i++)
		hv_section(hv, tui_views[i]->name, tui_views[i]->title);
	hv_section(hv, "picker", "Choices (a team, a label, a span to keep)");
}

/* Shown over the view focused, which it goes back to. */
static int
hv_open(struct tui *t, void *state)
{
	struct hv_state *hv = state;

	hv->under = t->focus;
	hv_build(hv);
	return (0);
}

static void
hv_close(struct tui *t, void *state)
{
	struct hv_state	*hv = state;
	size_t		 i;

	(void)t;
	for (i = 0; i < hv->list.n; i++)
		free(hv->lines[i]);
	free(hv->lines);
	hv->lines = NULL;
	memset(&hv->list, 0, sizeof hv->list);
}

static void
hv_draw(struct tui *t, void *state, const struct tui_rect *r)
{
	struct hv_state	*hv = state;
	size_t		 i;
	int		 y;

	(void)t;
	hv_build(hv);
	tui_list_fit(&hv->list, r->h);
	for (y = 0; y < r->h; y++) {
		i = hv->list.top + (size_t)y;
		if (i >= hv->list.n)
			break;
		tui_text_draw(r->y + y, r->x, r->w, hv->lines[i],
		    tui_color_attr(hv->lines[i][0] != ' ' ? TUI_C_DIM :
		    TUI_C_NORMAL) | (hv->lines[i][0] != ' ' ? A_BOLD : 0));
	}
}

static int
hv_request(struct tui *t, void *state, enum tui_request req, int key)
{
	struct hv_state *hv = state;

	(void)key;
	if (req == TUI_REQ_BACK || req == TUI_REQ_HELP) {
		tui_view_focus(t, hv->under);
		return (TUI_REDRAW);
	}
	/* Scroll by screens: the selection is not shown here. */
	if (req == TUI_REQ_DOWN || req == TUI_REQ_PAGE_DOWN) {
		if (hv->list.top + (size_t)hv->list.height < hv->list.n)
			hv->list.top++;
		hv->list.sel = hv->list.top;
		return (TUI_REDRAW);
	}
	if (req == TUI_REQ_UP || req == TUI_REQ_PAGE_UP) {
		if (hv->list.top > 0)
			hv->list.top--;
		hv->list.sel = hv->list.top;
		return (TUI_REDRAW);
	}
	return (0);
}

/* The default bindings of the view. */
static const struct tui_key hv_keys[] = {
	{ TUI_KEY_ESC, TUI_REQ_BACK },
};

const struct tui_view_ops tui_view_help = {
	.name = "help",			/* bindings of the help screen */
	.title = "Help",		/* its section of itself */
	.keys = hv_keys,		/* its default bindings */
	.nkeys = sizeof hv_keys / sizeof hv_keys[0], /* their count */
	.state_size = sizeof (struct hv_state), /* the lines, the scroll */
	.open = hv_open,		/* over the view focused */
	.close = hv_close,		/* frees the lines */
	.draw = hv_draw,		/* one binding a line, by view */
	.request = hv_request,		/* scroll; Esc or ? goes back */
	.skip = NULL,			/* every key applies */
};
