/*
 * A self-contained HTML page: escaping, tables and the inline SVG charts
 * of the reports people look at in a browser.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "textsafe.h"
#include "xmalloc.h"

/* The five characters that could end a text or an attribute value. */
static void
html_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void
html_text(FILE *f, const char *s)
{
	char *safe;

	safe = textsafe_copy(s, strlen(s), 0, NULL);
	html_escape(f, safe);
	free(safe);
}

void
html_textf(FILE *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	html_text(f, s);
	free(s);
}

void
html_pre_json(FILE *f, const char *json)
{
	char *safe;

	/* cJSON escapes C0 controls in strings; the rest become \u escapes. */
	safe = textsafe_json(json);
	fputs("<pre>", f);
	html_escape(f, safe);
	fputs("</pre>\n", f);
	free(safe);
}

/*
 * Coordinates are whole pixels, printed with %ld: %f would follow the
 * user's LC_NUMERIC, and "12,5" is no SVG number.
 */
static long
html_px(double v)
{
	return (lround(v));
}

/* Dark text on white; blue for a share that meets its target, orange not. */
static const char html_style[] =
    "body{font-family:sans-serif;color:#1b1f24;background:#fff;"
    "margin:2em auto;max-width:72em;padding:0 1em;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}\n"
    "h2{font-size:1.25em;border-bottom:1px solid #d0d7de;"
    "padding-bottom:.2em;margin-top:2em}\n"
    "h3{font-size:1.05em}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;"
    "gap:.1em 1em;color:#444}\n"
    "dl.meta dt{font-weight:bold}\n"
    "dl.meta dd{margin:0}\n"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}\n"
    "th,td{border:1px solid #d0d7de;padding:.25em .6em}\n"
    "th{background:#f3f5f7;text-align:left}\n"
    "td+td{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "td:first-child{overflow-wrap:break-word;max-width:20em}\n"
    "p.none{color:#57606a;font-style:italic}\n"
    "p.note{color:#57606a;font-size:.9em}\n"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.8em;"
    "overflow:auto;tab-size:2;font-size:.85em}\n"
    "svg{display:block;margin:.6em 0;max-width:100%;height:auto}\n"
    "svg text{font-family:sans-serif;font-size:12px;fill:#1b1f24}\n"
    "svg .grid{stroke:#e1e4e8}\n"
    "svg .axis{stroke:#57606a}\n"
    "svg .ok{fill:#4a78b5}\n"
    "svg .low{fill:#d9822b}\n"
    "svg .whisker{stroke:#1b1f24;stroke-width:1.5}\n"
    "svg .target{stroke:#c0392b;stroke-width:2;stroke-dasharray:6 4}\n"
    "svg text.muted{fill:#57606a}\n";

void
html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    html_style);
}

void
html_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

/* One row of cells, each in <TAG>. */
static void
html_cells(FILE *f, const char *tag, const char *const *cells, size_t n)
{
	size_t i;

	fputs("<tr>", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<%s>", tag);
		html_text(f, cells[i]);
		fprintf(f, "</%s>", tag);
	}
	fputs("</tr>\n", f);
}

void
html_table_begin(FILE *f, const char *const *heads, size_t n)
{
	fputs("<table>\n<thead>", f);
	html_cells(f, "th", heads, n);
	fputs("</thead>\n<tbody>\n", f);
}

void
html_table_row(FILE *f, const char *const *cells, size_t n)
{
	html_cells(f, "td", cells, n);
}

void
html_table_end(FILE *f)
{
	fputs("</tbody>\n</table>\n", f);
}

/* An <svg> of w by h pixels, with its title for readers and tooltips. */
static void
html_svg_begin(FILE *f, const char *title, long w, long h)
{
	fprintf(f, "<svg width=\"%ld\" height=\"%ld\" viewBox=\"0 0 %ld %ld\" "
	    "role=\"img\" aria-label=\"", w, h, w, h);
	html_text(f, title);
	fputs("\">\n<title>", f);
	html_text(f, title);
	fputs("</title>\n", f);
}

/* A text at (x, y): anchor start, middle or end; cls may be NULL. */
static void
html_svg_text(FILE *f, double x, double y, const char *anchor,
    const char *cls, const char *s)
{
	fprintf(f, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"%s\"%s%s%s>",
	    html_px(x), html_px(y), anchor, cls != NULL ? " class=\"" : "",
	    cls != NULL ? cls : "", cls != NULL ? "\"" : "");
	html_text(f, s);
	fputs("</text>\n", f);
}

static void
html_svg_line(FILE *f, const char *cls, double x1, double y1, double x2,
    double y2)
{
	fprintf(f, "<line class=\"%s\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" "
	    "y2=\"%ld\"/>\n", cls, html_px(x1), html_px(y1), html_px(x2),
	    html_px(y2));
}

/* A share from 0 to 1, kept inside it (a chart is drawn from 0 to 1). */
static double
html_share(double v)
{
	return (v < 0 ? 0 : v > 1 ? 1 : v);
}

/* The bars chart's geometry: names right-aligned left of the plot. */
#define BARS_W		800
#define BARS_LABEL	220	/* the plot starts here */
#define BARS_PLOT	420	/* and is this wide */
#define BARS_ROW	28
#define BARS_TOP	28
#define BARS_BOTTOM	28

void
html_chart_bars(FILE *f, const char *title, const struct html_bar *b,
    size_t n, double target, const char *target_label)
{
	double	 x0 = BARS_LABEL, y, top = BARS_TOP, bottom, x, lo, hi;
	char	 v[64];
	size_t	 i;
	int	 t;

	bottom = top + (double)n * BARS_ROW;
	html_svg_begin(f, title, BARS_W, html_px(bottom + BARS_BOTTOM));
	/* The scale: a grid line and a label at each quarter. */
	for (t = 0; t <= 4; t++) {
		x = x0 + BARS_PLOT * t / 4.0;
		html_svg_line(f, t == 0 ? "axis" : "grid", x, top - 6, x,
		    bottom);
		snprintf(v, sizeof v, "%d%%", t * 25);
		html_svg_text(f, x, bottom + 16, "middle", "muted", v);
	}
	for (i = 0; i < n; i++) {
		y = top + (double)i * BARS_ROW;
		/* A long name runs off the left edge; its title is whole. */
		fputs("<g>\n<title>", f);
		html_text(f, b[i].label);
		fputs("</title>\n", f);
		html_svg_text(f, x0 - 8, y + 18, "end", NULL, b[i].label);
		fprintf(f, "<rect class=\"%s\" x=\"%ld\" y=\"%ld\" "
		    "width=\"%ld\" height=\"%d\"/>\n", target >= 0 &&
		    b[i].value < target ? "low" : "ok", html_px(x0),
		    html_px(y + 6), html_px(BARS_PLOT * html_share(
		    b[i].value)), BARS_ROW - 12);
		if (b[i].lo >= 0) {
			lo = x0 + BARS_PLOT * html_share(b[i].lo);
			hi = x0 + BARS_PLOT * html_share(b[i].hi);
			html_svg_line(f, "whisker", lo, y + 14, hi, y + 14);
			html_svg_line(f, "whisker", lo, y + 9, lo, y + 19);
			html_svg_line(f, "whisker", hi, y + 9, hi, y + 19);
			snprintf(v, sizeof v, "%.2f (%.2f\xe2\x80\x93%.2f)",
			    b[i].value, b[i].lo, b[i].hi);
		} else
			snprintf(v, sizeof v, "%.2f", b[i].value);
		html_svg_text(f, x0 + BARS_PLOT + 10, y + 18, "start", NULL,
		    v);
		fputs("</g>\n", f);
	}
	if (target >= 0) {
		x = x0 + BARS_PLOT * html_share(target);
		html_svg_line(f, "target", x, top - 8, x, bottom);
		html_svg_text(f, x, top - 12, "middle", NULL, target_label);
	}
	fputs("</svg>\n", f);
}

/* The columns chart's geometry: a percent scale on the left. */
#define COLS_W		800
#define COLS_H		240
#define COLS_LEFT	50
#define COLS_RIGHT	20
#define COLS_TOP	20
#define COLS_PLOT_H	160
#define COLS_MAX_W	48
#define COLS_LABELS	12	/* period labels at most, evenly spread */

void
html_chart_columns(FILE *f, const char *title, const struct html_column *c,
    size_t n)
{
	double	 plot_w = COLS_W - COLS_LEFT - COLS_RIGHT, slot, w, x, y, h;
	double	 base = COLS_TOP + COLS_PLOT_H;
	char	 v[32];
	size_t	 i, every;
	int	 t;

	html_svg_begin(f, title, COLS_W, COLS_H);
	for (t = 0; t <= 4; t++) {
		y = base - COLS_PLOT_H * t / 4.0;
		html_svg_line(f, t == 0 ? "axis" : "grid", COLS_LEFT, y,
		    COLS_W - COLS_RIGHT, y);
		snprintf(v, sizeof v, "%d%%", t * 25);
		html_svg_text(f, COLS_LEFT - 6, y + 4, "end", "muted", v);
	}
	if (n == 0) {
		fputs("</svg>\n", f);
		return;
	}
	slot = plot_w / (double)n;
	w = slot * 0.7 < COLS_MAX_W ? slot * 0.7 : COLS_MAX_W;
	every = (n + COLS_LABELS - 1) / COLS_LABELS;
	for (i = 0; i < n; i++) {
		x = COLS_LEFT + slot * (double)i + slot / 2;
		fputs("<g>\n<title>", f);
		if (c[i].has)
			html_textf(f, "%s: %.0f%%", c[i].label, c[i].value *
			    100);
		else
			html_textf(f, "%s: nothing reviewed", c[i].label);
		fputs("</title>\n", f);
		if (c[i].has) {
			h = COLS_PLOT_H * html_share(c[i].value);
			fprintf(f, "<rect class=\"ok\" x=\"%ld\" y=\"%ld\" "
			    "width=\"%ld\" height=\"%ld\"/>\n", html_px(x -
			    w / 2), html_px(base - h), html_px(w), html_px(h));
			snprintf(v, sizeof v, "%.0f%%", c[i].value * 100);
			html_svg_text(f, x, base - h - 4, "middle", NULL, v);
		} else
			html_svg_text(f, x, base - 4, "middle", "muted",
			    "\xe2\x80\x93");
		if (i % every == 0)
			html_svg_text(f, x, base + 18, "middle", "muted",
			    c[i].label);
		fputs("</g>\n", f);
	}
	fputs("</svg>\n", f);
}
