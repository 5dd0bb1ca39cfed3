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

/* The cells of s[at..len), code point cp on, with the masks m in it. */
static void
text_add_masked(struct tui_cells *c, const char *s, size_t at, size_t len,
    size_t cp, int attr, int keep_newlines, const struct queue_mask *m,
    size_t n)
{
	char	label[QUEUE_MASK_LABEL_MAX];
	size_t	i;

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
tui_cells_add_masked(struct tui_cells *c, const char *s, size_t len,
    int attr, int keep_newlines, const struct queue_mask *m, size_t n)
{
	text_add_masked(c, s, 0, len, 0, attr, keep_newlines, m, n);
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

/* Appends a line start, growing the array by doubling (none: counts). */
static void
text_line(size_t **starts, size_t *n, size_t *cap, size_t at)
{
	if (starts != NULL && *n == *cap)
		*starts = xreallocarray(*starts, *cap *= 2, sizeof **starts);
	if (starts != NULL)
		(*starts)[*n] = at;
	(*n)++;
}

size_t
tui_cells_lines(const struct tui_cells *c, int width)
{
	return (tui_cells_wrap(c, width, NULL));
}

size_t
tui_cells_wrap(const struct tui_cells *c, int width, size_t **starts)
{
	size_t	n = 0, cap = 16, i, line, space;
	int	col = 0, w, have_space = 0;

	if (starts != NULL)
		*starts = xreallocarray(NULL, cap, sizeof **starts);
	text_line(starts, &n, &cap, 0);
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

/*
 * Big texts, drawn in part. A byte of printable ASCII starts a code point
 * whose cell depends on nothing before it and changes nothing before it: no
 * combining mark follows it, and an emoji joiner next to it joins nothing.
 * The cells of a text cut just before one are the first cells of the whole
 * text's, and a code point's cell depends only on the text between the
 * nearest such bytes around it.
 */
static int
text_reset(const char *s, size_t at)
{
	return ((unsigned char)s[at] >= 0x20 && (unsigned char)s[at] < 0x7f);
}

/* A label of only printable ASCII: its mark has no hidden character. */
static int
text_plain(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!text_reset(s, i))
			return (0);
	}
	return (i + 6 < QUEUE_MASK_LABEL_MAX);
}

int
tui_text_plain(const char *s)
{
	return (s == NULL || text_plain(s));
}

/* Whether code point p has a mark among the cells of s[from..to). */
static int
text_marks(const char *s, size_t from, size_t to, size_t cp, size_t p,
    int keep_newlines, const struct queue_mask *label)
{
	struct tui_cells	c;
	char			buf[QUEUE_MASK_LABEL_MAX];
	size_t			i;
	int			found = 0;

	memset(&c, 0, sizeof c);
	if (label != NULL) {
		queue_mask_label(label, buf, sizeof buf);
		text_add(&c, buf, strlen(buf), 0, 0, label->cp_start, 1);
	}
	text_add(&c, s + from, to - from, 0, keep_newlines, cp, 0);
	for (i = 0; i < c.n && !found; i++)
		found = c.v[i].mark && c.v[i].cp == p;
	tui_cells_free(&c);
	return (found);
}

void
tui_text_scan(struct tui_text_scan *sc, const char *s, size_t len,
    int keep_newlines)
{
	struct tui_suspect	*a;
	char			 mark[24];
	size_t			 i = 0, cp = 0, ri = 0, rcp = 0, pending = 0, k;
	uint32_t		 u;
	int			 n, plain;

	memset(sc, 0, sizeof *sc);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &u);
		k = n == 0 ? 1 : (size_t)n;
		if (text_reset(s, i)) {
			/* The window of each suspect since ends here. */
			for (; pending < sc->n; pending++) {
				sc->v[pending].we = cp + 1;
				sc->v[pending].bwe = i + 1;
			}
			ri = i;
			rcp = cp;
		}
		/* Never a mark, whatever is around it (as text_add). */
		plain = n != 0 && ((u == '\n' && keep_newlines) || u == '\t' ||
		    (!textsafe_mark(u, mark) && wcwidth((wchar_t)u) > 0));
		if (!plain) {
			if ((sc->n & (sc->n - 1)) == 0)
				sc->v = xreallocarray(sc->v, sc->n == 0 ? 1 :
				    sc->n * 2, sizeof *sc->v);
			a = &sc->v[sc->n++];
			a->cp = cp;
			a->ws = rcp;
			a->bws = ri;
		}
		i += k;
		cp++;
	}
	for (; pending < sc->n; pending++) {
		sc->v[pending].we = cp;
		sc->v[pending].bwe = len;
	}
	sc->ncp = cp;
	for (i = 0; i < sc->n; i++) {
		a = &sc->v[i];
		a->hidden = text_marks(s, a->bws, a->bwe, a->ws, a->cp,
		    keep_newlines, NULL);
	}
}

void
tui_text_scan_free(struct tui_text_scan *sc)
{
	free(sc->v);
	free(sc->m);
	free(sc->marked);
	memset(sc, 0, sizeof *sc);
}

/* Whether suspect a is a mark in the gap between masks around it. */
static int
text_gap_marks(const struct tui_text_scan *sc, const struct tui_suspect *a,
    const char *s, size_t len, int keep_newlines, const struct queue_mask *m,
    size_t n, size_t at)
{
	size_t	gs = 0, ge = sc->ncp, w0, w1, off, cp, b0;

	/* m[at] is the first mask ending after a; it starts after it too. */
	if (at < n)
		ge = m[at].cp_start;
	if (at > 0)
		gs = m[at - 1].cp_end;
	w0 = a->ws > gs ? a->ws : gs;
	w1 = a->we < ge ? a->we : ge;
	off = a->bws;
	cp = a->ws;
	(void)utf8_cp_walk(s, len, &off, &cp, w0);
	b0 = off;
	(void)utf8_cp_walk(s, len, &off, &cp, w1);
	/* From the gap's start, the mark before it is part of the context. */
	return (text_marks(s, b0, off, w0, a->cp, keep_newlines,
	    w0 == gs && at > 0 ? &m[at - 1] : NULL));
}

/* Whether the label of mask m has a mark. */
static int
text_label_marks(const struct queue_mask *m)
{
	struct tui_cells	c;
	char			buf[QUEUE_MASK_LABEL_MAX];
	int			hidden;

	if (text_plain(m->entity_type))
		return (0);
	memset(&c, 0, sizeof c);
	queue_mask_label(m, buf, sizeof buf);
	text_add(&c, buf, strlen(buf), 0, 0, m->cp_start, 1);
	hidden = c.hidden;
	tui_cells_free(&c);
	return (hidden);
}

/* Whether suspect a is drawn as a mark with the masks m. */
static int
text_suspect_marks(const struct tui_text_scan *sc,
    const struct tui_suspect *a, const char *s, size_t len,
    int keep_newlines, const struct queue_mask *m, size_t n)
{
	size_t lo = 0, hi = n, mid;

	/* The first mask that ends after the window's start. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m[mid].cp_end <= a->ws)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || m[lo].cp_start >= a->we)
		return (a->hidden);	/* no mask near it: as unmasked */
	while (lo < n && m[lo].cp_end <= a->cp)
		lo++;
	if (lo < n && m[lo].cp_start <= a->cp)
		return (0);		/* masked: never drawn */
	return (text_gap_marks(sc, a, s, len, keep_newlines, m, n, lo));
}

static int
text_same_mask(const struct queue_mask *x, const struct queue_mask *y)
{
	return (x->cp_start == y->cp_start && x->cp_end == y->cp_end &&
	    x->entity_type == y->entity_type);
}

/* The first suspect whose window ends after cp (we > cp). */
static size_t
text_suspect_after(const struct tui_text_scan *sc, size_t cp)
{
	size_t lo = 0, hi = sc->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sc->v[mid].we <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

int
tui_text_scan_hidden(struct tui_text_scan *sc, const char *s, size_t len,
    int keep_newlines, const struct queue_mask *m, size_t n)
{
	const struct queue_mask	*om = sc->m;
	size_t			 on = sc->nm, p = 0, q = 0, i, lo, hi;
	int			 was, now;

	if (!sc->have) {
		sc->marked = xcalloc(sc->n + 1, 1);
		on = 0;
		sc->have = 1;
		lo = 0;
		hi = (size_t)-1;
	} else {
		/*
		 * The masks that changed since the last call lie between the
		 * ones before and after them that did not (one key changes
		 * one or two spans): only the suspects near them are looked
		 * at again.
		 */
		while (p < on && p < n && text_same_mask(&om[p], &m[p]))
			p++;
		while (q < on - p && q < n - p &&
		    text_same_mask(&om[on - 1 - q], &m[n - 1 - q]))
			q++;
		if (p == on && p == n)
			return (sc->nmarked > 0 || sc->nlabels > 0);
		lo = (size_t)-1;
		hi = 0;
		for (i = p; i < on - q; i++) {
			lo = om[i].cp_start < lo ? om[i].cp_start : lo;
			hi = om[i].cp_end > hi ? om[i].cp_end : hi;
		}
		for (i = p; i < n - q; i++) {
			lo = m[i].cp_start < lo ? m[i].cp_start : lo;
			hi = m[i].cp_end > hi ? m[i].cp_end : hi;
		}
	}
	for (i = p; i < on - q; i++) {
		if (om[i].cp_start < sc->ncp && text_label_marks(&om[i]))
			sc->nlabels--;
	}
	for (i = p; i < n - q; i++) {
		if (m[i].cp_start < sc->ncp && text_label_marks(&m[i]))
			sc->nlabels++;
	}
	/* Windows are in code-point order: those touching [lo, hi]. */
	for (i = lo == 0 ? 0 : text_suspect_after(sc, lo - 1);
	    i < sc->n && sc->v[i].ws <= hi; i++) {
		was = sc->marked[i];
		now = text_suspect_marks(sc, &sc->v[i], s, len, keep_newlines,
		    m, n);
		sc->nmarked += (size_t)now - (size_t)was;
		sc->marked[i] = (unsigned char)now;
	}
	sc->m = xreallocarray(sc->m, n + 1, sizeof *sc->m);
	if (n > 0)
		memcpy(sc->m, m, n * sizeof *m);
	sc->nm = n;
	return (sc->nmarked > 0 || sc->nlabels > 0);
}

int
tui_cells_add_masked_part(struct tui_cells *c, const char *s, size_t len,
    int attr, int keep_newlines, const struct queue_mask *cpm, size_t n,
    int width, size_t lines)
{
	struct queue_mask	*m;
	size_t			*starts, limit = 256, off = 0, cp = 0, b, i = 0;
	size_t			 nm = 0, from = 0, fromcp = 0, first, nl;

	/*
	 * A line holds at most width cells: fewer code points never do (and
	 * masks hide more of them: then the cut moves on, 4 times as far).
	 */
	if (lines == 0 || width <= 0 || lines > ((size_t)-1 - limit) /
	    ((size_t)width + 1))
		limit = (size_t)-1;	/* all of it */
	else
		limit += lines * ((size_t)width + 1);
	m = xreallocarray(NULL, n + 1, sizeof *m);
	for (;;) {
		/* The masks before the cut, by one walk; none is cut. */
		for (first = nm; i < n && cpm[i].cp_start < limit; i++) {
			m[nm] = cpm[i];
			m[nm].start = utf8_cp_walk(s, len, &off, &cp,
			    cpm[i].cp_start) == 0 ? off : len;
			m[nm].end = utf8_cp_walk(s, len, &off, &cp,
			    cpm[i].cp_end) == 0 ? off : len;
			if (m[nm].start < m[nm].end)
				nm++;
			if (cpm[i].cp_end > limit)
				limit = cpm[i].cp_end;
		}
		(void)utf8_cp_walk(s, len, &off, &cp, limit);
		/* Then on to a byte that starts afresh, or the next mask. */
		b = off;
		while (b < len && !text_reset(s, b) &&
		    (i == n || cp < cpm[i].cp_start))
			(void)utf8_cp_walk(s, len, &b, &cp, cp + 1);
		/* The cells so far are the first of the whole: go on. */
		text_add_masked(c, s, from, b, fromcp, attr, keep_newlines,
		    m + first, nm - first);
		off = from = b;
		fromcp = cp;
		if (b == len)
			break;
		nl = tui_cells_wrap(c, width, &starts);
		if (nl > lines) {
			/* The last line may go on past the cut: left out. */
			c->n = starts[nl - 1];
			free(starts);
			free(m);
			return (0);
		}
		free(starts);
		limit = cp * 4;
	}
	free(m);
	return (1);
}
