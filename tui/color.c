/*
 * Colours as semantic slots, set in one place. NO_COLOR and terminals
 * without colour get attributes only, which still tell spans apart.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct color_slot {
	short	fg, bg;
	int	mono;		/* attributes without colour */
	int	extra;		/* attributes with colour */
};

static const struct color_slot color_slots[TUI_NCOLORS] = {
	[TUI_C_NORMAL] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[TUI_C_TITLE] =		{ COLOR_WHITE, COLOR_BLUE, A_REVERSE, A_BOLD },
	[TUI_C_STATUS] =	{ COLOR_BLACK, COLOR_CYAN, A_REVERSE, 0 },
	[TUI_C_SELECTED] =	{ COLOR_BLACK, COLOR_WHITE, A_REVERSE, 0 },
	[TUI_C_DIM] =		{ -1, -1, A_DIM, A_DIM },
	[TUI_C_HIDDEN] =	{ COLOR_MAGENTA, -1, A_REVERSE | A_DIM, A_BOLD },
	[TUI_C_FLAG] =		{ COLOR_RED, -1, A_BOLD | A_UNDERLINE, A_BOLD },
	/* Without colour each span style is its own set of attributes. */
	[TUI_C_SPAN] =		{ COLOR_BLACK, COLOR_YELLOW, A_UNDERLINE, 0 },
	[TUI_C_SPAN_ALT] =	{ COLOR_BLACK, COLOR_GREEN, A_BOLD, 0 },
	[TUI_C_SPAN_ALT2] =	{ COLOR_BLACK, COLOR_CYAN, A_ITALIC, 0 },
	[TUI_C_AMBIGUOUS] =	{ COLOR_BLACK, COLOR_MAGENTA,
				  A_BOLD | A_UNDERLINE | A_ITALIC, A_BOLD },
	[TUI_C_REJECTED] =	{ -1, -1, A_DIM, A_DIM },
	[TUI_C_ERROR] =		{ COLOR_RED, -1, A_BOLD, A_BOLD },
	[TUI_C_DIFFER] =	{ COLOR_YELLOW, -1, A_BOLD, A_BOLD },
};

static int color_attrs[TUI_NCOLORS];

void
tui_color_init(void)
{
	const char	*no_color = getenv("NO_COLOR");
	int		 i, use;

	use = has_colors() && (no_color == NULL || *no_color == '\0');
	if (use) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < TUI_NCOLORS; i++) {
		if (!use || (color_slots[i].fg == -1 &&
		    color_slots[i].bg == -1)) {
			color_attrs[i] = color_slots[i].mono;
			continue;
		}
		init_pair((short)(i + 1), color_slots[i].fg, color_slots[i].bg);
		color_attrs[i] = (int)COLOR_PAIR(i + 1) | color_slots[i].extra;
	}
}

int
tui_color_attr(enum tui_color c)
{
	return (color_attrs[c]);
}

/* Entity types take one of three span styles, the same one every time. */
int
tui_color_span(const char *entity_type)
{
	static const enum tui_color styles[] = {
		TUI_C_SPAN, TUI_C_SPAN_ALT, TUI_C_SPAN_ALT2
	};
	unsigned	h = 0;
	const char	*p;

	for (p = entity_type; *p != '\0'; p++)
		h = h * 31 + (unsigned char)*p;
	return (color_attrs[styles[h % 3]]);
}
