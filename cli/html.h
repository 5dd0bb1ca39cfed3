/*
 * Writing a self-contained HTML page for people to look at: untrusted text
 * made safe and escaped, tables, and two kinds of inline SVG chart. Nothing
 * written refers to anything outside the page (no script, no font, no
 * style sheet, no image, no link), and a Content-Security-Policy in the
 * page forbids fetching anything should a later change forget it.
 */
#ifndef HITL_HTML_H
#define HITL_HTML_H

#include <stddef.h>
#include <stdio.h>

/*
 * Untrusted text as HTML: control, bidi and invisible characters shown as
 * marks (as textsafe_copy shows them on a terminal: ⟨U+202E⟩), invalid
 * UTF-8 bytes as ⟨\xff⟩, then &, <, >, " and ' as character references.
 * html_textf formats first and escapes the whole result.
 */
void	html_text(FILE *, const char *s);
void	html_textf(FILE *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* JSON text (cJSON's print) in a <pre>: as textsafe_json, then escaped. */
void	html_pre_json(FILE *, const char *json);

/* The page: doctype, policy, title (untrusted: escaped), inline style. */
void	html_begin(FILE *, const char *title);
void	html_end(FILE *);

/*
 * A table: its head, then rows of cells (all untrusted text), then its
 * end. The first column is a name, the others numbers, right-aligned.
 */
void	html_table_begin(FILE *, const char *const *heads, size_t n);
void	html_table_row(FILE *, const char *const *cells, size_t n);
void	html_table_end(FILE *);

/*
 * Horizontal bars of shares from 0 to 1, one per row, each with a whisker
 * from lo to hi (an interval; lo < 0: none), and a dashed line at target
 * (< 0: none) named target_label; bars below the target are drawn in the
 * warning colour. Labels are untrusted text.
 */
struct html_bar {
	const char	*label;
	double		 value, lo, hi;
};
void	html_chart_bars(FILE *, const char *title, const struct html_bar *,
	    size_t n, double target, const char *target_label);

/*
 * Columns of shares from 0 to 1 over a series (periods, left to right),
 * labelled below; a point with has 0 has no value (nothing to share out)
 * and is marked as such. Labels are untrusted text.
 */
struct html_column {
	const char	*label;
	double		 value;
	int		 has;
};
void	html_chart_columns(FILE *, const char *title,
	    const struct html_column *, size_t n);

#endif
