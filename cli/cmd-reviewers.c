/*
 * hitl reviewers: per reviewer, decisions by action, time per item and how
 * often someone else overturned their decisions, since a time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_reviewers_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_reviewers_options[] = {
	{ "since", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_reviewers_entry = {
	.name = "reviewers",
	.usage = "[--since TIME] [--json]",
	.summary = "per reviewer: decisions, time per item, overturned",
	.help =
	    "Prints one line per reviewer over the decisions taken after TIME\n"
	    "(RFC 3339, as export --since takes it; default all): approves,\n"
	    "corrections, escalations and skips, distinct items decided, the\n"
	    "median and 90th percentile of the time spent (of TIMED decisions,\n"
	    "linear interpolation), approves and corrections overturned by\n"
	    "someone else's reopen or escalation resolution with another\n"
	    "outcome, undos and comments. Leads and admins see every\n"
	    "reviewer, anyone else their own line. --json prints one object\n"
	    "per line.",
	.args = { "s:j", 0, 0 },
	.longopts = cmd_reviewers_options,
	.flags = CMD_ACTOR,
	.exec = cmd_reviewers_exec,
};

/* A share, or null when there is nothing to share out. */
static void
reviewers_ratio(cJSON *o, const char *key, uint64_t part, uint64_t whole)
{
	if (whole > 0)
		cJSON_AddNumberToObject(o, key, (double)part / (double)whole);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
reviewers_json(const struct queue_reviewer_stats *r)
{
	cJSON *o;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "reviewer", r->reviewer);
	cJSON_AddNumberToObject(o, "approve", (double)r->approve);
	cJSON_AddNumberToObject(o, "correct", (double)r->correct);
	cJSON_AddNumberToObject(o, "escalate", (double)r->escalate);
	cJSON_AddNumberToObject(o, "skip", (double)r->skip);
	cJSON_AddNumberToObject(o, "items", (double)r->items);
	cJSON_AddNumberToObject(o, "timed", (double)r->timed);
	if (r->timed > 0) {
		cJSON_AddNumberToObject(o, "median_ms", r->median_ms);
		cJSON_AddNumberToObject(o, "p90_ms", r->p90_ms);
	} else {
		cJSON_AddNullToObject(o, "median_ms");
		cJSON_AddNullToObject(o, "p90_ms");
	}
	cJSON_AddNumberToObject(o, "overturned", (double)r->overturned);
	cJSON_AddNumberToObject(o, "reopened", (double)r->reopened);
	cJSON_AddNumberToObject(o, "resolved", (double)r->resolved);
	cJSON_AddNumberToObject(o, "undos", (double)r->undos);
	cJSON_AddNumberToObject(o, "comments", (double)r->comments);
	cJSON_AddNumberToObject(o, "gold_items", (double)r->gold_items);
	reviewers_ratio(o, "gold_accuracy", r->gold_right, r->gold_total);
	cJSON_AddNumberToObject(o, "audited", (double)r->audited);
	reviewers_ratio(o, "audit_accuracy", r->audit_upheld, r->audited);
	cJSON_AddNumberToObject(o, "adjudicated", (double)r->adjudicated);
	cJSON_AddNumberToObject(o, "peer_units", (double)r->peer_units);
	if (r->peer_units > 0)
		cJSON_AddNumberToObject(o, "peer_kappa", r->peer_kappa);
	else
		cJSON_AddNullToObject(o, "peer_kappa");
	cJSON_AddBoolToObject(o, "paused", r->paused);
	return (o);
}

/* The table's number columns, in order; the reviewer's name comes last. */
static const char *const reviewers_head[] = {
	"APPROVE", "CORRECT", "ESCALATE", "SKIP", "ITEMS", "TIMED", "MEDIAN",
	"P90", "OVERTURNED", "REOPENED", "RESOLVED", "UNDOS", "COMMENTS",
	"GOLD", "AUDIT", "ADJUDICATED", "PEER-K", "PAUSED"
};
#define REVIEWERS_NCOLS (sizeof reviewers_head / sizeof reviewers_head[0])

static void
reviewers_seconds(int has, double ms, char buf[32])
{
	if (has)
		snprintf(buf, 32, "%.1fs", ms / 1000.0);
	else
		snprintf(buf, 32, "-");
}

static void
reviewers_cells(const struct queue_reviewer_stats *r,
    char c[REVIEWERS_NCOLS][32])
{
	cmd_count(r->approve, c[0]);
	cmd_count(r->correct, c[1]);
	cmd_count(r->escalate, c[2]);
	cmd_count(r->skip, c[3]);
	cmd_count(r->items, c[4]);
	cmd_count(r->timed, c[5]);
	reviewers_seconds(r->timed > 0, r->median_ms, c[6]);
	reviewers_seconds(r->timed > 0, r->p90_ms, c[7]);
	cmd_count(r->overturned, c[8]);
	cmd_count(r->reopened, c[9]);
	cmd_count(r->resolved, c[10]);
	cmd_count(r->undos, c[11]);
	cmd_count(r->comments, c[12]);
	if (r->gold_total > 0)
		snprintf(c[13], 32, "%.0f%% (%llu)", 100.0 *
		    (double)r->gold_right / (double)r->gold_total,
		    (unsigned long long)r->gold_items);
	else
		snprintf(c[13], 32, "-");
	if (r->audited > 0)
		snprintf(c[14], 32, "%llu/%llu",
		    (unsigned long long)r->audit_upheld,
		    (unsigned long long)r->audited);
	else
		snprintf(c[14], 32, "-");
	cmd_count(r->adjudicated, c[15]);
	if (r->peer_units > 0)
		snprintf(c[16], 32, "%.2f", r->peer_kappa);
	else
		snprintf(c[16], 32, "-");
	snprintf(c[17], 32, "%s", r->paused ? "yes" : "-");
}

/*
 * One table, numbers right-aligned under their headers; the name, which is
 * untrusted and of any width, last, so nothing after it needs aligning.
 */
static void
reviewers_text(const struct queue_reviewers *rv)
{
	char	(*cells)[REVIEWERS_NCOLS][32];
	char	*line;
	size_t	 w[REVIEWERS_NCOLS], i, j, len, at;

	cells = xcalloc(rv->n, sizeof *cells);
	for (j = 0; j < REVIEWERS_NCOLS; j++)
		w[j] = strlen(reviewers_head[j]);
	for (i = 0; i < rv->n; i++) {
		reviewers_cells(&rv->rows[i], cells[i]);
		for (j = 0; j < REVIEWERS_NCOLS; j++)
			if ((len = strlen(cells[i][j])) > w[j])
				w[j] = len;
	}
	for (len = 0, j = 0; j < REVIEWERS_NCOLS; j++)
		len += w[j] + 2;
	line = xmalloc(len + 1);
	for (i = 0; i <= rv->n; i++) {
		for (at = 0, j = 0; j < REVIEWERS_NCOLS; j++)
			at += (size_t)snprintf(line + at, len + 1 - at,
			    "%*s  ", (int)w[j], i == 0 ? reviewers_head[j] :
			    cells[i - 1][j]);
		if (i == 0)
			printf("%sREVIEWER\n", line);
		else
			cmd_line(stdout, "%s%s", line, rv->rows[i - 1].reviewer);
	}
	free(line);
	free(cells);
}

static int
cmd_reviewers_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_reviewers_entry;
	struct queue_reviewers	 rv;
	const char		*since = cmd_args_get(args, 's');
	char			*cause = NULL;
	size_t			 i;
	int			 rc, json = cmd_args_has(args, 'j') != 0;

	(void)ctx;
	if ((rc = queue_reviewers(q, since, &rv, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (json) {
		for (i = 0; i < rv.n; i++)
			cmd_print_json(stdout, reviewers_json(&rv.rows[i]), 0);
	} else if (rv.n == 0)
		printf("no reviewer decisions%s\n", since != NULL &&
		    strcmp(since, "all") != 0 ? " in that time" : " yet");
	else
		reviewers_text(&rv);
	/* Said on standard error with --json, which stays one kind of line. */
	if (rv.own_only)
		cmd_line(json ? stderr : stdout, "%s%s: your own line only; "
		    "leads and admins see every reviewer's", json ?
		    "hitl reviewers: " : "", queue_actor(q));
	queue_reviewers_done(&rv);
	return (rc);
}
