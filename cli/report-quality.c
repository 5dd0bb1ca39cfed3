/*
 * hitl report quality: one HTML page a lead looks at, of how good the
 * detectors and the models are as reviewers judged them, how far the
 * reviewers agree, and the policy in force.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "html.h"
#include "place.h"
#include "policy.h"
#include "report.h"
#include "xmalloc.h"

/* What the page shows, read before anything is written. */
struct quality {
	struct queue_detector_report	 det;
	struct queue_models_report	 models;
	struct queue_agreement		 agr;
	struct queue_reviewers		 rev;
	const struct policy		*pol;
	int				 version;
	const char			*queue;
	char				 since[32];	/* "": all time */
	char				 now[32];
};

static int
quality_collect(struct queue *q, const char *since, struct quality *d,
    char **cause)
{
	int rc;

	/* The detectors first: theirs is the refusal a reviewer sees. */
	if ((rc = queue_detectors(q, since, QUEUE_DETECTOR_BY_DETECTOR,
	    &d->det, cause)) != 0 ||
	    (rc = queue_models(q, since, QUEUE_MODELS_BY_SOURCE,
	    QUEUE_MODELS_WEEK, &d->models, cause)) != 0 ||
	    (rc = queue_agreement(q, NULL, since, &d->agr, cause)) != 0 ||
	    (rc = queue_reviewers(q, since, &d->rev, cause)) != 0 ||
	    /* The policy last: other calls may load a newer one under it. */
	    (rc = queue_policy(q, &d->pol, &d->version, cause)) != 0)
		return (rc);
	if (since != NULL && (rc = queue_time_utc(since, d->since,
	    cause)) != 0)
		return (rc);
	queue_format_time(queue_now(q), d->now);
	d->queue = queue_path(q);
	return (0);
}

static void
quality_done(struct quality *d)
{
	queue_detector_report_done(&d->det);
	queue_models_report_done(&d->models);
	queue_agreement_done(&d->agr);
	queue_reviewers_done(&d->rev);
}

/* "0.90" (to prec places, then unit), or "-" for nothing (negative). */
static const char *
quality_num(double v, int prec, const char *unit, char buf[32])
{
	if (v < 0)
		snprintf(buf, 32, "-");
	else
		snprintf(buf, 32, "%.*f%s", prec, v, unit);
	return (buf);
}

/* A share as a percent, or "-" where there is nothing to share out. */
static const char *
quality_share(uint64_t part, uint64_t whole, char buf[32])
{
	if (whole == 0)
		snprintf(buf, 32, "-");
	else
		snprintf(buf, 32, "%.0f%%", 100.0 * (double)part /
		    (double)whole);
	return (buf);
}

static void
quality_head(FILE *f, const struct quality *d)
{
	fputs("<h1>Review quality</h1>\n<dl class=\"meta\">\n<dt>Queue</dt><dd>",
	    f);
	html_text(f, d->queue);
	fputs("</dd>\n<dt>Policy</dt><dd>", f);
	html_textf(f, "%s, version %d", d->pol->name, d->version);
	fputs("</dd>\n<dt>Covers</dt><dd>", f);
	if (d->since[0] != '\0')
		html_textf(f, "decisions taken since %s", d->since);
	else
		html_text(f, "every decision");
	fputs("</dd>\n<dt>Generated</dt><dd>", f);
	html_textf(f, "%s by hitl report quality", d->now);
	fputs("</dd>\n</dl>\n", f);
}

/* The table's columns for flags; spans have two more (RETYPED, ADDED). */
#define QUALITY_DET_COLS	13

static void
quality_detector_cells(const struct queue_detector_row *r, int flag,
    char c[QUALITY_DET_COLS][32], const char **cells, size_t *n)
{
	size_t i = 0, j;

	cmd_count(r->reviewed, c[i++]);
	cmd_count(r->confirmed, c[i++]);
	cmd_count(r->overturned, c[i++]);
	if (!flag) {
		cmd_count(r->retyped, c[i++]);
		cmd_count(r->added, c[i++]);
	}
	if (r->reviewed > 0) {
		snprintf(c[i++], 32, "%.2f", r->precision);
		snprintf(c[i++], 32, "%.2f\xe2\x80\x93%.2f", r->precision_lo,
		    r->precision_hi);
	} else {
		snprintf(c[i++], 32, "-");
		snprintf(c[i++], 32, "-");
	}
	if (r->band >= 0)
		snprintf(c[i++], 32, "%.1f\xe2\x80\x93%.1f (%llu)", r->band,
		    r->band + 0.1, (unsigned long long)r->band_overturned);
	else
		snprintf(c[i++], 32, "-");
	cmd_count(r->auto_decided, c[i++]);
	snprintf(c[i++], 32, "%llu/%llu",
	    (unsigned long long)r->below_confirmed,
	    (unsigned long long)r->below_reviewed);
	if (r->threshold_advice >= 0)
		snprintf(c[i++], 32, "%.2f", r->threshold_advice);
	else
		snprintf(c[i++], 32, "none");
	snprintf(c[i++], 32, "%.2f", r->threshold_in_force);
	/* The name, untrusted, first: a table needs no alignment after it. */
	cells[0] = r->key;
	for (j = 0; j < i; j++)
		cells[j + 1] = c[j];
	*n = i + 1;
}

/* One kind's table and chart; nothing if the kind has no rows. */
static void
quality_detectors_kind(FILE *f, const struct queue_detector_report *rep,
    const char *kind)
{
	static const char *const flag_heads[] = {
		"Detector", "Reviewed", "Confirmed", "Overturned",
		"Precision", "95% interval", "Overturns (band)", "AUTO",
		"SPOT", "Advice", "In force"
	};
	static const char *const span_heads[] = {
		"Recognizer", "Reviewed", "Accepted", "Rejected", "Retyped",
		"Added", "Precision", "95% interval", "Rejections (band)",
		"AUTO", "SPOT", "Advice", "In force"
	};
	const struct queue_detector_row	*r;
	struct html_bar			*bars;
	const char			*cells[QUALITY_DET_COLS + 1];
	char				 c[QUALITY_DET_COLS][32], t[64];
	char				*title;
	size_t				 i, n, nbars = 0, head = 0;
	int				 flag = strcmp(kind, "flag") == 0;

	bars = xcalloc(rep->n + 1, sizeof *bars);
	for (i = 0; i < rep->n; i++) {
		r = &rep->rows[i];
		if (strcmp(r->kind, kind) != 0)
			continue;
		if (!head++) {
			fprintf(f, "<h3>%s</h3>\n", flag ? "Flag detectors" :
			    "PII recognizers");
			if (flag)
				html_table_begin(f, flag_heads,
				    sizeof flag_heads / sizeof flag_heads[0]);
			else
				html_table_begin(f, span_heads,
				    sizeof span_heads / sizeof span_heads[0]);
		}
		quality_detector_cells(r, flag, c, cells, &n);
		html_table_row(f, cells, n);
		if (r->reviewed > 0) {
			bars[nbars].label = r->key;
			bars[nbars].value = r->precision;
			bars[nbars].lo = r->precision_lo;
			bars[nbars].hi = r->precision_hi;
			nbars++;
		}
	}
	if (head > 0)
		html_table_end(f);
	if (nbars > 0) {
		xasprintf(&title, "Precision of the %s, with 95%% Wilson "
		    "intervals", flag ? "flag detectors" : "PII recognizers");
		snprintf(t, sizeof t, "target %.2f", rep->target_precision);
		html_chart_bars(f, title, bars, nbars, rep->target_precision,
		    t);
		free(title);
	} else if (head > 0)
		fputs("<p class=\"none\">None of them was reviewed by a "
		    "person: no precision to chart.</p>\n", f);
	free(bars);
}

static void
quality_detectors(FILE *f, const struct quality *d)
{
	fputs("<h2>Detectors</h2>\n", f);
	if (d->det.n == 0) {
		fputs("<p class=\"none\">No flag or span was decided in the "
		    "time covered.</p>\n", f);
		return;
	}
	fputs("<p>", f);
	html_textf(f, "Precision is confirmed (for spans: accepted) over "
	    "reviewed, with its Wilson 95%% interval; the target "
	    "(feedback.target_precision) is %.2f. AUTO counts the items the "
	    "policy decided alone, SPOT the spot checks below the threshold "
	    "in force (right/reviewed). Advice is the lowest score at or "
	    "above which the reviewed verdicts meet the target, beside the "
	    "threshold in force (flags: min_flag_score; spans: "
	    "auto_accept). In the charts a bar below the target is orange.",
	    d->det.target_precision);
	fputs("</p>\n", f);
	quality_detectors_kind(f, &d->det, "flag");
	quality_detectors_kind(f, &d->det, "span");
}

/* "model / pipeline", "-" for none; the caller frees it. */
static char *
quality_source(const struct queue_model_row *r)
{
	char *s;

	xasprintf(&s, "%s / %s", r->model != NULL ? r->model : "-",
	    r->pipeline != NULL ? r->pipeline : "-");
	return (s);
}

static int
quality_same_source(const struct queue_model_row *a,
    const struct queue_model_row *b)
{
	return ((a->model == NULL ? b->model == NULL : b->model != NULL &&
	    strcmp(a->model, b->model) == 0) && (a->pipeline == NULL ?
	    b->pipeline == NULL : b->pipeline != NULL &&
	    strcmp(a->pipeline, b->pipeline) == 0));
}

/* One source's weeks, rows [from, to): a table and a chart. */
static void
quality_model(FILE *f, const struct queue_model_row *rows, size_t from,
    size_t to)
{
	static const char *const heads[] = {
		"Week of", "Seen", "Flagged", "Reviewed", "Approved",
		"Corrected", "Rejected", "Escalated", "Open",
		"Corrected or rejected"
	};
	const struct queue_model_row	*r;
	struct html_column		*cols;
	const char			*cells[10];
	char				 c[9][32], *src, *title;
	size_t				 i, j;

	src = quality_source(&rows[from]);
	fputs("<h3>", f);
	html_text(f, src);
	fputs("</h3>\n", f);
	html_table_begin(f, heads, sizeof heads / sizeof heads[0]);
	cols = xcalloc(to - from, sizeof *cols);
	for (i = from; i < to; i++) {
		r = &rows[i];
		cmd_count(r->seen, c[0]);
		cmd_count(r->flagged, c[1]);
		cmd_count(r->reviewed, c[2]);
		cmd_count(r->approved, c[3]);
		cmd_count(r->corrected, c[4]);
		cmd_count(r->rejected, c[5]);
		cmd_count(r->escalated, c[6]);
		cmd_count(r->open, c[7]);
		quality_share(r->corrected + r->rejected, r->reviewed, c[8]);
		cells[0] = r->period[0] != '\0' ? r->period : "-";
		for (j = 0; j < 9; j++)
			cells[j + 1] = c[j];
		html_table_row(f, cells, 10);
		cols[i - from].label = cells[0];
		cols[i - from].has = r->reviewed > 0;
		if (r->reviewed > 0)
			cols[i - from].value = (double)(r->corrected +
			    r->rejected) / (double)r->reviewed;
	}
	html_table_end(f);
	xasprintf(&title, "%s: share of reviewed outputs corrected or "
	    "rejected, week by week", src);
	html_chart_columns(f, title, cols, to - from);
	free(title);
	free(cols);
	free(src);
}

static void
quality_models(FILE *f, const struct quality *d)
{
	const struct queue_models_report	*m = &d->models;
	size_t					 i, from;

	fputs("<h2>Models</h2>\n", f);
	if (m->n == 0) {
		fputs("<p class=\"none\">No model output in the time "
		    "covered.</p>\n", f);
		return;
	}
	fputs("<p>Per source model and pipeline, week by week (by when each "
	    "output was made, UTC; a week starts on Monday, and a week "
	    "without outputs is left out): what the outputs came to under "
	    "review. The chart shows the share of the outputs a person "
	    "reviewed that were corrected or rejected; a dash marks a week "
	    "in which nobody reviewed one.</p>\n", f);
	for (from = 0, i = 1; i <= m->n; i++) {
		if (i < m->n && quality_same_source(&m->rows[from],
		    &m->rows[i]))
			continue;
		quality_model(f, m->rows, from, i);
		from = i;
	}
}

/* "0.712", "-" where undefined; a percent for percent agreement. */
static const char *
quality_stat(int has, double v, int percent, char buf[32])
{
	if (!has)
		snprintf(buf, 32, "-");
	else if (percent)
		snprintf(buf, 32, "%.1f%%", v * 100);
	else
		snprintf(buf, 32, "%.3f", v > -0.0005 && v < 0.0005 ? 0 : v);
	return (buf);
}

static void
quality_agreement(FILE *f, const struct quality *d)
{
	static const char *const heads[] = {
		"Scope", "Items", "Questions", "Reviewers", "Agreement",
		"Fleiss' kappa", "Krippendorff's alpha", "Gwet's AC1"
	};
	static const char *const pair_heads[] = {
		"Reviewers", "Units", "Cohen's kappa"
	};
	static const char *const f1_heads[] = {
		"Entity type", "Reviewer pairs", "Exact F1", "Overlap F1"
	};
	const struct queue_agreement_group	*g;
	const char				*cells[8];
	char					 c[7][32], *who;
	size_t					 i;

	fputs("<h2>Agreement between reviewers</h2>\n", f);
	if (d->agr.ngroups == 0 || d->agr.groups[0].items == 0) {
		fputs("<p class=\"none\">No item was decided by several "
		    "reviewers (blind double review, second-stage audit) in "
		    "the time covered.</p>\n", f);
		return;
	}
	g = &d->agr.groups[0];
	html_table_begin(f, heads, sizeof heads / sizeof heads[0]);
	cmd_count(g->items, c[0]);
	cmd_count(g->units, c[1]);
	cmd_count(g->reviewers, c[2]);
	cells[0] = g->scope;
	cells[1] = c[0];
	cells[2] = c[1];
	cells[3] = c[2];
	cells[4] = quality_stat(g->has_percent, g->percent, 1, c[3]);
	cells[5] = quality_stat(g->has_fleiss, g->fleiss, 0, c[4]);
	cells[6] = quality_stat(g->has_alpha, g->alpha, 0, c[5]);
	cells[7] = quality_stat(g->has_ac1, g->ac1, 0, c[6]);
	html_table_row(f, cells, 8);
	html_table_end(f);
	if (g->npairs > 0) {
		html_table_begin(f, pair_heads, 3);
		for (i = 0; i < g->npairs; i++) {
			xasprintf(&who, "%s and %s", g->pairs[i].a,
			    g->pairs[i].b);
			cells[0] = who;
			cells[1] = cmd_count(g->pairs[i].items, c[0]);
			cells[2] = quality_stat(g->pairs[i].defined,
			    g->pairs[i].kappa, 0, c[1]);
			html_table_row(f, cells, 3);
			free(who);
		}
		html_table_end(f);
	}
	if (g->nf1 > 0) {
		html_table_begin(f, f1_heads, 4);
		for (i = 0; i < g->nf1; i++) {
			cells[0] = g->f1[i].entity_type != NULL ?
			    g->f1[i].entity_type : "every type";
			cells[1] = cmd_count(g->f1[i].pairs, c[0]);
			cells[2] = quality_num(g->f1[i].exact_f1, 3, "", c[1]);
			cells[3] = quality_num(g->f1[i].overlap_f1, 3, "",
			    c[2]);
			html_table_row(f, cells, 4);
		}
		html_table_end(f);
	}
}

static void
quality_reviewers(FILE *f, const struct quality *d)
{
	static const char *const heads[] = {
		"Reviewer", "Approved", "Corrected", "Escalated", "Skipped",
		"Items", "Median time", "90th percentile", "Overturned",
		"Gold accuracy", "Audits upheld", "Peer kappa", "Paused"
	};
	const struct queue_reviewer_stats	*r;
	const char				*cells[13];
	char					 c[12][32];
	size_t					 i, j;

	fputs("<h2>Reviewers</h2>\n", f);
	if (d->rev.n == 0) {
		fputs("<p class=\"none\">No reviewer decided anything in the "
		    "time covered.</p>\n", f);
		return;
	}
	html_table_begin(f, heads, sizeof heads / sizeof heads[0]);
	for (i = 0; i < d->rev.n; i++) {
		r = &d->rev.rows[i];
		cmd_count(r->approve, c[0]);
		cmd_count(r->correct, c[1]);
		cmd_count(r->escalate, c[2]);
		cmd_count(r->skip, c[3]);
		cmd_count(r->items, c[4]);
		quality_num(r->timed > 0 ? r->median_ms / 1000 : -1, 1, "s",
		    c[5]);
		quality_num(r->timed > 0 ? r->p90_ms / 1000 : -1, 1, "s",
		    c[6]);
		cmd_count(r->overturned, c[7]);
		quality_share(r->gold_right, r->gold_total, c[8]);
		quality_share(r->audit_upheld, r->audited, c[9]);
		/* A kappa may be below 0: not quality_num's "none". */
		quality_stat(r->peer_units > 0, r->peer_kappa, 0, c[10]);
		snprintf(c[11], 32, "%s", r->paused ? "yes" : "-");
		cells[0] = r->reviewer;
		for (j = 0; j < 12; j++)
			cells[j + 1] = c[j];
		html_table_row(f, cells, 13);
	}
	html_table_end(f);
}

static void
quality_policy(FILE *f, const struct quality *d)
{
	cJSON	*pj;
	char	*s;

	fputs("<h2>Policy in force</h2>\n<p>", f);
	html_textf(f, "%s, version %d, as hitl policy show --json prints it:",
	    d->pol->name, d->version);
	fputs("</p>\n", f);
	pj = policy_to_json(d->pol);
	if ((s = cJSON_Print(pj)) != NULL)
		html_pre_json(f, s);
	free(s);
	cJSON_Delete(pj);
}

static void
quality_page(FILE *f, const struct quality *d)
{
	char *title;

	xasprintf(&title, "Review quality: %s", d->pol->name);
	html_begin(f, title);
	free(title);
	quality_head(f, d);
	quality_detectors(f, d);
	quality_models(f, d);
	quality_agreement(f, d);
	quality_reviewers(f, d);
	quality_policy(f, d);
	html_end(f);
}

/*
 * The page to path, as an export's file: under a private temporary name
 * beside it, renamed into place once whole (a special file, /dev/stdout
 * say, is written straight). hitl holds no group privilege here.
 */
static int
quality_write(const char *path, const struct quality *d, char **cause)
{
	struct export_files	*fs = NULL;
	enum export_target	 t;
	FILE			*f;
	int			 rc;

	if ((rc = export_target_of(path, 0, &t, cause)) != 0)
		return (rc);
	if (t == EXPORT_TARGET_PREVIEW) {
		if ((rc = export_preview_open(path, &f, cause)) != 0)
			return (rc);
		quality_page(f, d);
		if (ferror(f) || fclose(f) != 0) {
			xasprintf(cause, "cannot write %s", path);
			return (EX_IOERR);
		}
		return (0);
	}
	if ((rc = export_files_new(NULL, NULL, &fs, cause)) == 0 &&
	    (rc = export_files_add(fs, path, &f, cause)) == 0) {
		quality_page(f, d);
		if (ferror(f)) {
			xasprintf(cause, "cannot write %s", path);
			rc = EX_IOERR;
		}
		if (rc == 0 && (rc = export_files_ready(fs, cause)) == 0)
			rc = export_files_place(fs, cause);
	}
	if (rc != 0)
		export_files_discard(fs);
	export_files_free(fs);
	return (rc);
}

/* -o is required, and never the state directory or a database. */
static int
report_quality_check(const struct cmd_entry *e, const struct cmd_args *args)
{
	const char	*path = cmd_args_get(args, 'o');
	char		*cause = NULL, *why = NULL, utc[32];
	int		 rc;

	if (path == NULL || *path == '\0')
		return (cmd_fail(e, EX_USAGE, xstrdup("report quality needs "
		    "-o FILE, the HTML file to write (hitl report quality -o "
		    "quality.html)")));
	if (cmd_args_get(args, 's') != NULL &&
	    (rc = queue_time_utc(cmd_args_get(args, 's'), utc, &why)) != 0) {
		xasprintf(&cause, "--since: %s", why);
		free(why);
		return (cmd_fail(e, rc, cause));
	}
	if ((rc = cmd_check_output(path, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	return (0);
}

static int
report_quality_exec(const struct cmd_entry *e, struct cmd_ctx *ctx,
    struct cmd_args *args, struct queue *q)
{
	struct quality	 d;
	const char	*path = cmd_args_get(args, 'o');
	char		*cause = NULL;
	int		 rc;

	(void)ctx;
	memset(&d, 0, sizeof d);
	if ((rc = quality_collect(q, cmd_args_get(args, 's'), &d,
	    &cause)) != 0 || (rc = quality_write(path, &d, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else
		cmd_line(stderr, "wrote the quality report to %s", path);
	quality_done(&d);
	return (rc);
}

const struct report_kind report_quality = {
	.name = "quality",
	.options = "so",
	.check = report_quality_check,
	.exec = report_quality_exec,
};
