/*
 * Modal input on the bottom lines: a single-field line editor and a picker
 * over a list of choices. Both redraw the whole console under them at each
 * key they wait for, and keep the views' leases alive while idle.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

#define PROMPT_ESC	0x1b

int
tui_prompt_line(struct tui *t, const char *label, char *buf, size_t len)
{
	size_t	n = strlen(buf);
	int	key, col;

	for (;;) {
		tui_draw(t);
		move(t->lines - 1, 0);
		clrtoeol();
		col = tui_text_draw(t->lines - 1, 0, t->cols - 1, label,
		    tui_color_attr(TUI_C_TITLE));
		/* The end of the text stays in view as it grows. */
		{
			const char	*p = buf;
			int		 room = t->cols - col - 2;

			while (*p != '\0' && tui_text_width(p) > room)
				p++;
			col += tui_text_draw(t->lines - 1, col + 1, room, p,
			    tui_color_attr(TUI_C_NORMAL)) + 1;
		}
		move(t->lines - 1, col < t->cols ? col : t->cols - 1);
		curs_set(1);
		refresh();
		key = tui_input_key(t);
		curs_set(0);
		if (tui_interrupted())
			return (-1);
		switch (key) {
		case ERR:
			tui_idle(t);
			continue;
		case KEY_RESIZE:
			continue;
		case '\r':
		case '\n':
		case KEY_ENTER:
			tui_utf8_trim(buf);	/* a full buffer may end mid-way */
			return (0);
		case PROMPT_ESC:
		case TUI_KEY_EOF:
			return (-1);
		case 0x15:	/* C-u: start again */
			n = 0;
			buf[0] = '\0';
			continue;
		case KEY_BACKSPACE:
		case 0x7f:
		case 0x08:
			/* Remove a whole UTF-8 character. */
			while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) ==
			    0x80)
				n--;
			if (n > 0)
				n--;
			buf[n] = '\0';
			continue;
		}
		if (key >= 0x20 && key <= 0xff && key != 0x7f && n + 1 < len) {
			buf[n++] = (char)key;
			buf[n] = '\0';
		}
	}
}

int
tui_prompt_pick(struct tui *t, const char *title, const char *const *choices,
    size_t n, size_t *picked)
{
	return (tui_prompt_pick_from(t, title, choices, n, 0, picked));
}

int
tui_prompt_pick_from(struct tui *t, const char *title,
    const char *const *choices, size_t n, size_t from, size_t *picked)
{
	struct tui_list	l = { n, from < n ? from : 0, 0, 1 };
	size_t		i;
	int		key, w, h, y0, x0, y;
	enum tui_request req;
	char		keys[128];

	if (n == 0)
		return (-1);
	/* Movement is every view's; taking and cancelling the picker's. */
	snprintf(keys, sizeof keys, "j/k move  ");
	tui_bind_footer("picker", NULL, NULL, keys + strlen(keys),
	    sizeof keys - strlen(keys));
	for (;;) {
		tui_draw(t);
		/* Wide enough for the longest choice, within the screen. */
		for (w = 60, i = 0; i < n; i++) {
			if (tui_text_width(choices[i]) + 6 > w)
				w = tui_text_width(choices[i]) + 6;
		}
		if (w > t->cols - 4)
			w = t->cols - 4;
		h = (int)n + 2 < t->lines - 4 ? (int)n + 2 : t->lines - 4;
		y0 = (t->lines - h) / 2;
		x0 = (t->cols - w) / 2;
		tui_list_fit(&l, h - 2);
		for (y = 0; y < h; y++) {
			move(y0 + y, x0);
			for (i = 0; i < (size_t)w; i++)
				addch(' ' | tui_color_attr(TUI_C_STATUS));
		}
		tui_text_draw(y0, x0 + 1, w - 2, title,
		    tui_color_attr(TUI_C_TITLE));
		for (y = 0; y < h - 2 && l.top + (size_t)y < n; y++) {
			i = l.top + (size_t)y;
			tui_text_draw(y0 + 1 + y, x0 + 2, w - 4, choices[i],
			    tui_color_attr(i == l.sel ? TUI_C_SELECTED :
			    TUI_C_STATUS));
		}
		tui_text_draw(y0 + h - 1, x0 + 1, w - 2, keys,
		    tui_color_attr(TUI_C_STATUS));
		refresh();
		key = tui_input_key(t);
		if (tui_interrupted())
			return (-1);
		if (key == ERR) {
			tui_idle(t);
			continue;
		}
		if (key == KEY_RESIZE)
			continue;
		if (key == TUI_KEY_EOF)
			return (-1);
		/* A terminal in nl mode sends Enter as newline. */
		req = tui_bind_lookup("picker", key == '\n' ? '\r' : key);
		if (req == TUI_REQ_PICK) {
			*picked = l.sel;
			return (0);
		}
		if (req == TUI_REQ_CANCEL)
			return (-1);
		tui_list_request(&l, req);
	}
}
