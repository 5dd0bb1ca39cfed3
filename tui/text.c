/*
 * Untrusted text on screen: strict UTF-8 decoding, control, bidi and
 * invisible characters made visible (through textsafe), measured and wrapped
 * by display width, drawn with the wide-character curses calls only.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "textsafe.h"
#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

#define TEXT_TAB 8

static struct tui_cell *
text_cell(struct tui_cells *c, size_t cp, int attr)
{
	struct tui_cell *cell;

	/* Capacity is 64, then every power of two: doubling. */
	if (c->n == 0)
		c->v = xreallocarray(c->v, 64, sizeof *c->v);
	else if (c->n >= 64 && (c->n & (c->n - 1)) == 0)
		c->v = xreallocarray(c->v, c->n * 2, sizeof *c->v);
	cell = &c->v[c->n++];
	memset(cell, 0, sizeof *cell);
	cell->cp = cp;
	cell->attr = attr;
	return (cell);
}

/* A visible mark (itself plain text) standing for one code point. */
static void
text_mark(struct tui_cells *c, const char *mark, size_t cp)
{
	size_t		i = 0, len = strlen(mark);
	uint32_t	u;
	int		k;
	struct tui_cell	*cell;

	c->hidden = 1;
	while (i < len) {
		if ((k = utf8_decode(mark + i, len - i, &u)) == 0)
			break;
		cell = text_cell(c, cp, tui_color_attr(TUI_C_HIDDEN));
		cell->wc[0] = (wchar_t)u;
		cell->width = 1;
		cell->mark = 1;
		i += (size_t)k;
	}
}

/*
 * The cells of s[0..len), numbered from code point cp on; with fixed set,
 * every cell is numbered cp (a mask's mark stands for the range it hides).
 */
static void
text_add(struct tui_cells *c, const char *s, size_t len, int attr,
    int keep_newlines, size_t cp, int fixed)
{
	struct tui_cell	*cell, *prev;
	char		 mark[24];
	size_t		 i = 0, j;
	uint32_t	 u;
	int		 k, w;

	while (i < len) {
		k = utf8_decode(s + i, len - i, &u);
		if (k == 0) {
			textsafe_mark_byte((unsigned char)s[i], mark);
			text_mark(c, mark, cp);
			i++;
			cp += !fixed;
			continue;
		}
		i += (size_t)k;
		if (u == '\n' && keep_newlines) {
			cell = text_cell(c, cp, attr);
			cell->wc[0] = L'\n';
		} else if (u == '\t') {
			cell = text_cell(c, cp, attr);
			cell->wc[0] = L'\t';
			cell->width = -1;	/* to the next tab stop */
		} else if (u == 0x200d &&
		    textsafe_zwj_joins(s, len, i - (size_t)k)) {
			/*
			 * A joiner inside an emoji sequence is no hidden
			 * character, but terminals disagree on the width of
			 * the joined glyph: the emoji are drawn side by side
			 * (👩💻), so that every column stays where the console
			 * counts it.
			 */
		} else if (textsafe_mark(u, mark))
			text_mark(c, mark, cp);
		else if ((w = wcwidth((wchar_t)u)) < 0) {
			textsafe_mark_code(u, mark);
			text_mark(c, mark, cp);
		} else if (w == 0) {
			/*
			 * A combining mark joins the character before it,
			 * never a visible mark standing for another.
			 */
			prev = c->n > 0 && !c->v[c->n - 1].mark ?
			    &c->v[c->n - 1] : NULL;
			for (j = 1; prev != NULL && prev->width > 0 &&
			    j < 4 && prev->wc[j] != 0; j++)
				;
			if (prev != NULL && prev->width > 0 && j < 4)
				prev->wc[j] = (wchar_t)u;
			else {
				/* A flood of marks is shown, not stacked. */
				textsafe_mark_code(u, mark);
				text_mark(c, mark, cp);
			}
		} else {
			cell = text_cell(c, cp, attr);
			cell->wc[0] = (wchar_t)u;
			cell->width = w;
		}
		cp += !fixed;
	}
}

void
tui_cells_add(struct tui_cells *c, const char *s, size_t len, int attr,
    int keep_newlines)
{
	text_add(c, s, len, attr, keep_newlines, 0, 0);
}

void
tui_cells_add_masked(struct tui_cells *c, const char *s, size_t len,
    int attr, int keep_newlines, const struct queue_mask *m, size_t n)
{
	char	label[QUEUE_MASK_LABEL_MAX];
	size_t	i, at = 0, cp = 0;

	/*
	 * The hidden bytes never become cells, so nothing draws them: the
	 * mark's cells carry the range's first code point, and what follows
	 * keeps the numbering of the text (spans and the cursor still mark
	 * by the item's offsets).
	 */
	for (i = 0; i < n; i++) {
		text_add(c, s + at, m[i].start - at, attr, keep_newlines, cp,
		    0);
		queue_mask_label(&m[i], label, sizeof label);
		text_add(c, label, strlen(label), attr, 0, m[i].cp_start, 1);
		at = m[i].end;
		cp = m[i].cp_end;
	}
	text_add(c, s + at, len - at, attr, keep_newlines, cp, 0);
}

void
tui_cells_free(struct tui_cells *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

void
tui_cells_mark(struct tui_cells *c, size_t start, size_t end, int attr)
{
	size_t	lo = 0, hi = c->n, mid, i;
	int	hidden = tui_color_attr(TUI_C_HIDDEN);

	/*
	 * The cells of one text are in code-point order (a mark's cells share
	 * its code point): the first cell of start is found by bisection, so
	 * that marking costs the range, not the text, per span.
	 */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->v[mid].cp < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < c->n && c->v[i].cp < end; i++) {
		if (c->v[i].attr != hidden)
			c->v[i].attr = attr;
	}
}

static int
text_width_at(const struct tui_cell *cell, int col)
{
	if (cell->width == -1)
		return (TEXT_TAB - col % TEXT_TAB);
	return (cell->width);
}

/* Appends a line start, growing the array by doubling. */
static void
text_line(size_t **starts, size_t *n, size_t *cap, size_t at)
{
	if (*n == *cap)
		*starts = xreallocarray(*starts, *cap *= 2, sizeof **starts);
	(*starts)[(*n)++] = at;
}

size_t
tui_cells_wrap(const struct tui_cells *c, int width, size_t **starts)
{
	size_t	n = 0, cap = 16, i, line, space;
	int	col = 0, w, have_space = 0;

	*starts = xreallocarray(NULL, cap, sizeof **starts);
	(*starts)[n++] = 0;
	line = 0;
	space = 0;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].wc[0] == L'\n') {
			text_line(starts, &n, &cap, line = i + 1);
			col = have_space = 0;
			continue;
		}
		w = text_width_at(&c->v[i], col);
		if (col + w > width && i > line) {
			/* Break after the last space of the line, if any. */
			if (have_space && space + 1 > line && space + 1 <= i)
				line = space + 1;
			else
				line = i;
			text_line(starts, &n, &cap, line);
			col = have_space = 0;
			i = line - 1;	/* go on from the new line's start */
			continue;
		}
		if (c->v[i].wc[0] == L' ') {
			space = i;
			have_space = 1;
		}
		col += w;
	}
	return (n);
}

int
tui_cells_draw(const struct tui_cells *c, size_t from, size_t to, int y,
    int x, int width)
{
	cchar_t	cc;
	size_t	i;
	int	col = 0, w, k;

	if (to > c->n)
		to = c->n;
	for (i = from; i < to; i++) {
		if (c->v[i].wc[0] == L'\n')
			break;
		w = text_width_at(&c->v[i], col);
		if (col + w > width)
			break;
		if (c->v[i].width == -1) {
			for (k = 0; k < w; k++)
				mvaddch(y, x + col + k, ' ' | c->v[i].attr);
		} else {
			setcchar(&cc, c->v[i].wc, (attr_t)c->v[i].attr &
			    ~A_COLOR, (short)PAIR_NUMBER(c->v[i].attr), NULL);
			mvadd_wch(y, x + col, &cc);
		}
		col += w;
	}
	return (col);
}

int
tui_text_draw(int y, int x, int width, const char *s, int attr)
{
	struct tui_cells	c;
	int			used;

	memset(&c, 0, sizeof c);
	if (s == NULL || width <= 0)
		return (0);
	tui_cells_add(&c, s, strlen(s), attr, 0);
	used = tui_cells_draw(&c, 0, c.n, y, x, width);
	tui_cells_free(&c);
	return (used);
}

int
tui_text_width(const char *s)
{
	struct tui_cells	c;
	size_t			i;
	int			w = 0;

	memset(&c, 0, sizeof c);
	tui_cells_add(&c, s, strlen(s), 0, 0);
	for (i = 0; i < c.n; i++)
		w += text_width_at(&c.v[i], w);
	tui_cells_free(&c);
	return (w);
}

void
tui_utf8_trim(char *s)
{
	size_t		len = strlen(s), start, i;
	uint32_t	cp;

	/* Step back over continuation bytes to the last sequence's start. */
	for (start = len; start > 0 && len - start < 4; start--) {
		if (((unsigned char)s[start - 1] & 0xc0) != 0x80)
			break;
	}
	if (start == 0)
		return;
	i = start - 1;
	if ((unsigned char)s[i] >= 0x80 && utf8_decode(s + i, len - i,
	    &cp) == 0)
		s[i] = '\0';
}
