/*
 * hitl agreement: how far reviewers agree on the items several of them
 * decided, overall and grouped by label, flag, entity type, reviewer or kind.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "agreement-report.h"
#include "cmd.h"
#include "xmalloc.h"

static int cmd_agreement_check(const struct cmd_args *);
static int cmd_agreement_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_agreement_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "since", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const *agreement_words(const char *);

const struct cmd_entry cmd_agreement_entry = {
	.name = "agreement",
	.usage = "[--by label|flag|entity_type|reviewer|kind] [--since TIME] "
	    "[--json]",
	.summary = "agreement between reviewers on items several decided",
	.help =
	    "Over the items decided by several reviewers (blind double review\n"
	    "and second-stage audits) whose last vote was cast after TIME\n"
	    "(RFC 3339, as export --since takes it; default all): percent\n"
	    "agreement, Fleiss' kappa, Krippendorff's alpha and Gwet's AC1 over\n"
	    "every question a vote answers (the action; each label present or\n"
	    "absent; each flag confirmed or overturned; each span accepted,\n"
	    "rejected or retyped), Cohen's kappa per pair of reviewers, and on\n"
	    "anonymization cases span-level F1 between reviewers (exact and\n"
	    "overlapping matches, per entity type). --by adds one group per\n"
	    "label, flag type, entity type, reviewer or item kind. Leads and\n"
	    "admins only. --json prints an array of one object per group.",
	.args = { "b:s:j", 0, 0 },
	.longopts = cmd_agreement_options,
	.flags = CMD_ACTOR,
	.check = cmd_agreement_check,
	.exec = cmd_agreement_exec,
	.words = agreement_words,
};

static const char *const *
agreement_words(const char *what)
{
	return (strcmp(what, "by") == 0 ? agreement_report_by : NULL);
}

static void
agreement_add_stat(cJSON *o, const char *key, int has, double v)
{
	if (has)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
agreement_f1_json(const struct queue_agreement_f1 *f)
{
	cJSON *o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "exact", f->exact_f1);
	cJSON_AddNumberToObject(o, "overlap", f->overlap_f1);
	cJSON_AddNumberToObject(o, "a", (double)f->a);
	cJSON_AddNumberToObject(o, "b", (double)f->b);
	return (o);
}

static cJSON *
agreement_json(const struct queue_agreement_group *g)
{
	const struct queue_agreement_pair	*p;
	cJSON					*o, *pairs, *po, *f1, *by;
	size_t					 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", g->scope);
	cJSON_AddNumberToObject(o, "items", (double)g->items);
	cJSON_AddNumberToObject(o, "units", (double)g->units);
	cJSON_AddNumberToObject(o, "reviewers", (double)g->reviewers);
	agreement_add_stat(o, "percent", g->has_percent, g->percent);
	pairs = cJSON_AddArrayToObject(o, "cohen_kappa");
	for (i = 0; i < g->npairs; i++) {
		p = &g->pairs[i];
		po = cJSON_CreateObject();
		cJSON_AddStringToObject(po, "a", p->a);
		cJSON_AddStringToObject(po, "b", p->b);
		cJSON_AddNumberToObject(po, "items", (double)p->items);
		agreement_add_stat(po, "kappa", p->defined, p->kappa);
		cJSON_AddItemToArray(pairs, po);
	}
	agreement_add_stat(o, "fleiss_kappa", g->has_fleiss, g->fleiss);
	agreement_add_stat(o, "krippendorff_alpha", g->has_alpha, g->alpha);
	agreement_add_stat(o, "gwet_ac1", g->has_ac1, g->ac1);
	if (g->nf1 == 0) {
		cJSON_AddNullToObject(o, "span_f1");
		return (o);
	}
	f1 = agreement_f1_json(&g->f1[0]);
	by = cJSON_AddObjectToObject(f1, "by_entity_type");
	for (i = 1; i < g->nf1; i++)
		cJSON_AddItemToObject(by, g->f1[i].entity_type,
		    agreement_f1_json(&g->f1[i]));
	cJSON_AddItemToObject(o, "span_f1", f1);
	return (o);
}

/* The table's number columns, in order; the scope comes last. */
static const char *const agreement_head[] = {
	"ITEMS", "UNITS", "REVIEWERS", "PERCENT", "FLEISS", "ALPHA", "AC1"
};
#define AGREEMENT_NCOLS (sizeof agreement_head / sizeof agreement_head[0])

/* "—" where a statistic is undefined (no variation, or nothing rated). */
#define AGREEMENT_NONE	"—"

static void
agreement_stat(int has, double v, int percent, char buf[32])
{
	if (!has)
		snprintf(buf, 32, "%s", AGREEMENT_NONE);
	else if (percent)
		snprintf(buf, 32, "%.1f%%", v * 100);
	else
		/* Not "-0.000": a kappa of -0.0001 is none. */
		snprintf(buf, 32, "%.3f", v > -0.0005 && v < 0.0005 ? 0 : v);
}

/* Columns a cell takes: its characters (the cells are ASCII or "—"). */
static size_t
agreement_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

static void
agreement_cells(const struct queue_agreement_group *g,
    char c[AGREEMENT_NCOLS][32])
{
	cmd_count(g->items, c[0]);
	cmd_count(g->units, c[1]);
	cmd_count(g->reviewers, c[2]);
	agreement_stat(g->has_percent, g->percent, 1, c[3]);
	agreement_stat(g->has_fleiss, g->fleiss, 0, c[4]);
	agreement_stat(g->has_alpha, g->alpha, 0, c[5]);
	agreement_stat(g->has_ac1, g->ac1, 0, c[6]);
}

/* The cells right-aligned in widths w, each followed by two spaces. */
static void
agreement_row(char *line, size_t len, const size_t *w,
    const char *const *cells)
{
	size_t at = 0, j, k;

	for (j = 0; j < AGREEMENT_NCOLS; j++) {
		for (k = agreement_width(cells[j]); k < w[j]; k++)
			line[at++] = ' ';
		at += (size_t)snprintf(line + at, len + 1 - at, "%s  ",
		    cells[j]);
	}
}

/* Under a group: its pairs' kappas, then its span F1s. */
static void
agreement_details(const struct queue_agreement_group *g)
{
	const struct queue_agreement_f1	*f;
	char				 k[32], n[32];
	size_t				 i;

	for (i = 0; i < g->npairs; i++) {
		agreement_stat(g->pairs[i].defined, g->pairs[i].kappa, 0, k);
		cmd_count(g->pairs[i].items, n);
		/* Names are untrusted and of any width: last. */
		cmd_line(stdout, "    Cohen's kappa %s over %s unit%s: %s and "
		    "%s", k, n, g->pairs[i].items == 1 ? "" : "s",
		    g->pairs[i].a, g->pairs[i].b);
	}
	for (i = 0; i < g->nf1; i++) {
		f = &g->f1[i];
		cmd_line(stdout, "    span F1 exact %.3f, overlap %.3f (%zu "
		    "and %zu spans, %zu pair%s): %s", f->exact_f1,
		    f->overlap_f1, f->a, f->b, f->pairs, f->pairs == 1 ? "" :
		    "s", f->entity_type != NULL ? f->entity_type :
		    strncmp(g->scope, "entity_type:", 12) == 0 ? g->scope + 12 :
		    "every type");
	}
}

/*
 * One table, numbers right-aligned under their headers, the scope (which
 * may hold a reviewer's name or a label's id) last, as hitl reviewers puts
 * the name; each group's pairs and span F1s under its line.
 */
static void
agreement_text(const struct queue_agreement *a)
{
	char		(*cells)[AGREEMENT_NCOLS][32];
	const char	*row[AGREEMENT_NCOLS];
	char		*line;
	size_t		 w[AGREEMENT_NCOLS], i, j, len, n;

	cells = xcalloc(a->ngroups, sizeof *cells);
	for (j = 0; j < AGREEMENT_NCOLS; j++)
		w[j] = strlen(agreement_head[j]);
	for (i = 0; i < a->ngroups; i++) {
		agreement_cells(&a->groups[i], cells[i]);
		for (j = 0; j < AGREEMENT_NCOLS; j++)
			if ((n = agreement_width(cells[i][j])) > w[j])
				w[j] = n;
	}
	for (len = 0, j = 0; j < AGREEMENT_NCOLS; j++)
		len += w[j] + 2 + sizeof AGREEMENT_NONE;
	line = xmalloc(len + 1);
	agreement_row(line, len, w, agreement_head);
	printf("%sSCOPE\n", line);
	for (i = 0; i < a->ngroups; i++) {
		for (j = 0; j < AGREEMENT_NCOLS; j++)
			row[j] = cells[i][j];
		agreement_row(line, len, w, row);
		cmd_line(stdout, "%s%s", line, a->groups[i].scope);
		agreement_details(&a->groups[i]);
	}
	free(line);
	free(cells);
}

/* --by's value, before the database is opened, with a "did you mean". */
static int
cmd_agreement_check(const struct cmd_args *args)
{
	const char	*by = cmd_args_get(args, 'b');
	size_t		 i;

	for (i = 0; by != NULL && agreement_report_by[i] != NULL; i++)
		if (strcmp(by, agreement_report_by[i]) == 0)
			break;
	if (by != NULL && agreement_report_by[i] == NULL)
		return (cmd_fail_value(&cmd_agreement_entry, by,
		    agreement_report_by, "--by is label, flag, entity_type, "
		    "reviewer or kind"));
	return (0);
}

static int
cmd_agreement_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_agreement_entry;
	struct queue_agreement	 a;
	const char		*since = cmd_args_get(args, 's');
	char			*cause = NULL;
	cJSON			*arr;
	size_t			 i;
	int			 rc;

	(void)ctx;
	if ((rc = queue_agreement(q, cmd_args_get(args, 'b'), since, &a,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		arr = cJSON_CreateArray();
		for (i = 0; i < a.ngroups; i++)
			cJSON_AddItemToArray(arr, agreement_json(&a.groups[i]));
		cmd_print_json(stdout, arr, 0);
	} else if (a.ngroups == 0 || a.groups[0].items == 0)
		printf("no items were decided by several reviewers%s\n",
		    since != NULL && strcmp(since, "all") != 0 ?
		    " in that time" : " yet");
	else
		agreement_text(&a);
	queue_agreement_done(&a);
	return (rc);
}
