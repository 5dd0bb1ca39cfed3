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

static struct tui_list	 hv_list;
static char		**hv_lines;

static void
hv_add(char *line)
{
	hv_lines = xreallocarray(hv_lines, hv_list.n + 1, sizeof *hv_lines);
	hv_lines[hv_list.n++] = line;
}

static void
hv_binding(const struct tui_binding *b, void *arg)
{
	char *line;

	(void)arg;
	xasprintf(&line, "  %-10s %-14s %s", tui_key_name(b->key),
	    tui_req_name(b->req), tui_req_help(b->req));
	hv_add(line);
}

static void
hv_build(void)
{
	static const struct {
		const char *view, *title;
	} sections[] = {
		{ "*", "Everywhere" },
		{ "queue", "Queue list" },
		{ "item", "Item (span mode keys apply to anonymization cases)" },
		{ "inbox", "Escalation inbox (leads)" },
		{ "escalation", "Escalated item, from the inbox (span mode "
		    "keys: a correction of an anonymization case)" },
		{ "adjudication", "Adjudication (leads): items whose votes "
		    "disagree" },
		{ "reviewers", "Reviewer statistics" },
		{ "help", "Help" },
		{ "picker", "Choices (a team, a label, a span to keep)" },
	};
	size_t i;

	if (hv_lines != NULL)
		return;
	for (i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		hv_add(xstrdup(sections[i].title));
		tui_bind_each(sections[i].view, hv_binding, NULL);
		hv_add(xstrdup(""));
	}
}

static int
hv_open(struct tui *t)
{
	(void)t;
	hv_build();
	return (0);
}

static void
hv_close(struct tui *t)
{
	size_t i;

	(void)t;
	for (i = 0; i < hv_list.n; i++)
		free(hv_lines[i]);
	free(hv_lines);
	hv_lines = NULL;
	memset(&hv_list, 0, sizeof hv_list);
}

static void
hv_draw(struct tui *t, const struct tui_rect *r)
{
	size_t	i;
	int	y;

	(void)t;
	hv_build();
	tui_list_fit(&hv_list, r->h);
	for (y = 0; y < r->h; y++) {
		i = hv_list.top + (size_t)y;
		if (i >= hv_list.n)
			break;
		tui_text_draw(r->y + y, r->x, r->w, hv_lines[i],
		    tui_color_attr(hv_lines[i][0] != ' ' ? TUI_C_DIM :
		    TUI_C_NORMAL) | (hv_lines[i][0] != ' ' ? A_BOLD : 0));
	}
}

static int
hv_request(struct tui *t, enum tui_request req, int key)
{
	(void)key;
	if (req == TUI_REQ_BACK || req == TUI_REQ_HELP) {
		t->view = t->under != NULL ? t->under : &tui_view_queue;
		return (TUI_REDRAW);
	}
	/* Scroll by screens: the selection is not shown here. */
	if (req == TUI_REQ_DOWN || req == TUI_REQ_PAGE_DOWN) {
		if (hv_list.top + (size_t)hv_list.height < hv_list.n)
			hv_list.top++;
		hv_list.sel = hv_list.top;
		return (TUI_REDRAW);
	}
	if (req == TUI_REQ_UP || req == TUI_REQ_PAGE_UP) {
		if (hv_list.top > 0)
			hv_list.top--;
		hv_list.sel = hv_list.top;
		return (TUI_REDRAW);
	}
	return (0);
}

const struct tui_view_ops tui_view_help = {
	.name = "help",			/* bindings of the help screen */
	.open = hv_open,		/* builds the lines from the table */
	.close = hv_close,		/* frees them */
	.draw = hv_draw,		/* one binding a line, by view */
	.request = hv_request,		/* scroll; Esc or ? goes back */
	.skip = NULL,			/* every key applies */
};
