/*
 * hitl detectors: how good the flaggers and the PII recognizers are, from
 * the reviewers' verdicts, with the threshold that would meet the policy's
 * target precision beside the one in force.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_detectors_check(const struct cmd_args *);
static int cmd_detectors_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_detectors_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "since", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const *detectors_words(const char *);

const struct cmd_entry cmd_detectors_entry = {
	.name = "detectors",
	.usage = "[--by detector|type|recognizer|entity_type] [--since TIME] "
	    "[--json]",
	.summary = "how often each detector was right, as reviewers judged",
	.help =
	    "For each flag detector of model outputs: flags reviewed, confirmed,\n"
	    "overturned, precision (confirmed / reviewed) with its 95% Wilson\n"
	    "interval, and the score band where most overturns happen; for each\n"
	    "PII recognizer, the same of the spans of anonymization cases:\n"
	    "accepted, rejected (not PII), retyped (and to what most often),\n"
	    "and the spans reviewers added that no recognizer proposed. --by\n"
	    "type groups by flag type and entity type instead; --by recognizer\n"
	    "or entity_type shows the spans alone. Items the policy decided\n"
	    "count apart (AUTO: nobody looked at them); SPOT counts those\n"
	    "reviewed though scored below the threshold in force (min_flag_score,\n"
	    "auto_accept), as right/reviewed: what the policy alone decides.\n"
	    "ADVICE is the lowest score at or above which the reviewed verdicts\n"
	    "meet the policy's feedback.target_precision (default 0.9), beside\n"
	    "the threshold in force (FORCE). --since TIME (RFC 3339) counts the\n"
	    "decisions taken since. Leads and admins only.",
	.args = { "b:s:j", 0, 0 },
	.longopts = cmd_detectors_options,
	.flags = CMD_ACTOR,
	.check = cmd_detectors_check,
	.exec = cmd_detectors_exec,
	.words = detectors_words,
};

static const char *const *
detectors_words(const char *what)
{
	return (strcmp(what, "by") == 0 ? queue_detector_by_names() : NULL);
}

/* A number, or null where there is none (negative). */
static void
detectors_num(cJSON *o, const char *key, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

static cJSON *
detectors_json(const struct queue_detector_row *r)
{
	int	 flag = strcmp(r->kind, "flag") == 0;
	cJSON	*o;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", r->kind);
	cJSON_AddStringToObject(o, "key", r->key);
	cJSON_AddNumberToObject(o, "reviewed", (double)r->reviewed);
	cJSON_AddNumberToObject(o, flag ? "confirmed" : "accepted",
	    (double)r->confirmed);
	cJSON_AddNumberToObject(o, flag ? "overturned" : "rejected",
	    (double)r->overturned);
	if (!flag) {
		cJSON_AddNumberToObject(o, "retyped", (double)r->retyped);
		if (r->retyped_to != NULL)
			cJSON_AddStringToObject(o, "retyped_to",
			    r->retyped_to);
		else
			cJSON_AddNullToObject(o, "retyped_to");
		cJSON_AddNumberToObject(o, "added", (double)r->added);
	}
	cJSON_AddNumberToObject(o, "auto_decided", (double)r->auto_decided);
	detectors_num(o, "precision", r->reviewed > 0 ? r->precision : -1);
	detectors_num(o, "precision_low", r->reviewed > 0 ?
	    r->precision_lo : -1);
	detectors_num(o, "precision_high", r->reviewed > 0 ?
	    r->precision_hi : -1);
	detectors_num(o, "overturn_band", r->band);
	cJSON_AddNumberToObject(o, "overturn_band_count",
	    (double)r->band_overturned);
	cJSON_AddNumberToObject(o, "spot_reviewed", (double)r->below_reviewed);
	cJSON_AddNumberToObject(o, "spot_right", (double)r->below_confirmed);
	detectors_num(o, "threshold_advice", r->threshold_advice);
	cJSON_AddNumberToObject(o, "threshold_in_force",
	    r->threshold_in_force);
	return (o);
}

/*
 * One table per kind, numbers right-aligned under their headers, the key
 * (a detector's or recognizer's name: untrusted) last.
 */
static void
detectors_text(const struct queue_detector_report *rep, const char *kind)
{
	const struct queue_detector_row	*r;
	char				 n[6][32], prec[16], ci[32];
	char				 band[16], adv[16], spot[48], more[80];
	size_t				 i;
	int				 flag = strcmp(kind, "flag") == 0;
	int				 head = 0;

	for (i = 0; i < rep->n; i++) {
		r = &rep->rows[i];
		if (strcmp(r->kind, kind) != 0)
			continue;
		if (!head++) {
			printf("%s (target precision %.2f; in force: %s)\n",
			    flag ? "flag detectors" : "PII recognizers",
			    rep->target_precision, flag ? "min_flag_score" :
			    "auto_accept");
			printf("%8s %10s %10s%s %9s %9s %9s %6s %6s %6s %9s  "
			    "%s\n", "REVIEWED", flag ? "CONFIRMED" :
			    "ACCEPTED", flag ? "OVERTURNED" : "REJECTED",
			    flag ? "" : "  RETYPED  ADDED", "PRECISION",
			    "95% CI", "OVERTURNS", "ADVICE", "FORCE", "AUTO",
			    "SPOT", flag ? "DETECTOR" : "RECOGNIZER");
		}
		cmd_count(r->reviewed, n[0]);
		cmd_count(r->confirmed, n[1]);
		cmd_count(r->overturned, n[2]);
		cmd_count(r->retyped, n[3]);
		cmd_count(r->added, n[4]);
		cmd_count(r->auto_decided, n[5]);
		snprintf(prec, sizeof prec, "-");
		snprintf(ci, sizeof ci, "-");
		if (r->reviewed > 0) {
			snprintf(prec, sizeof prec, "%.1f%%", r->precision *
			    100);
			snprintf(ci, sizeof ci, "%.0f-%.0f%%",
			    r->precision_lo * 100, r->precision_hi * 100);
		}
		snprintf(band, sizeof band, "-");
		if (r->band >= 0)
			snprintf(band, sizeof band, "%.1f-%.1f", r->band,
			    r->band + 0.1);
		snprintf(adv, sizeof adv, "none");
		if (r->threshold_advice >= 0)
			snprintf(adv, sizeof adv, "%.2f", r->threshold_advice);
		snprintf(spot, sizeof spot, "%llu/%llu",
		    (unsigned long long)r->below_confirmed,
		    (unsigned long long)r->below_reviewed);
		more[0] = '\0';
		if (!flag)
			snprintf(more, sizeof more, " %8s %6s", n[3], n[4]);
		cmd_line(stdout, "%8s %10s %10s%s %9s %9s %9s %6s %6.2f %6s "
		    "%9s  %s", n[0], n[1], n[2], more, prec, ci, band, adv,
		    r->threshold_in_force, n[5], spot, r->key);
		if (r->retyped_to != NULL)
			cmd_line(stdout, "    retyped most often to %s",
			    r->retyped_to);
	}
}

/* Before the database is opened, with a "did you mean". */
static int
cmd_detectors_check(const struct cmd_args *args)
{
	enum queue_detector_by	 by;
	const char		*s = cmd_args_get(args, 'b');

	if (s != NULL && queue_detector_by_parse(s, &by) != 0)
		return (cmd_fail_value(&cmd_detectors_entry, s,
		    queue_detector_by_names(), "--by is detector, type, "
		    "recognizer or entity_type"));
	return (0);
}

static int
cmd_detectors_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry		*e = &cmd_detectors_entry;
	struct queue_detector_report	 rep;
	enum queue_detector_by		 by = QUEUE_DETECTOR_BY_DETECTOR;
	const char			*since = cmd_args_get(args, 's');
	char				*cause = NULL;
	cJSON				*arr;
	size_t				 i;
	int				 rc;

	(void)ctx;
	if (cmd_args_get(args, 'b') != NULL)
		queue_detector_by_parse(cmd_args_get(args, 'b'), &by);
	if ((rc = queue_detectors(q, since, by, &rep, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		arr = cJSON_CreateArray();
		for (i = 0; i < rep.n; i++)
			cJSON_AddItemToArray(arr, detectors_json(&rep.rows[i]));
		cmd_print_json(stdout, arr, 0);
	} else if (rep.n == 0)
		printf("no flag or span was decided%s\n", since != NULL ?
		    " in that time" : " yet");
	else {
		detectors_text(&rep, "flag");
		detectors_text(&rep, "span");
	}
	queue_detector_report_done(&rep);
	return (rc);
}
