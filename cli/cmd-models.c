/*
 * hitl models: what each source model's and pipeline's outputs came to
 * under review, over all time or as a day-by-day or week-by-week series.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_models_check(const struct cmd_args *);
static int cmd_models_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_models_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "every", required_argument, NULL, 'e' },
	{ "since", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const *models_words(const char *);

const struct cmd_entry cmd_models_entry = {
	.name = "models",
	.usage = "[--by source|model|pipeline|type] [--every all|day|week] "
	    "[--since TIME] [--json]",
	.summary = "what each model's outputs came to under review",
	.help =
	    "Per source model and pipeline (--by model or pipeline: one of\n"
	    "them alone; --by type: per flag type, across sources, an output\n"
	    "counted under each type it was flagged with): outputs seen (those the policy decided and those\n"
	    "waiting too), flagged (a flag at or above min_flag_score),\n"
	    "reviewed by a person, approved, corrected, rejected at an\n"
	    "escalation's resolution, escalated, not decided yet; the flags\n"
	    "reviewers confirmed per 1,000 outputs, by flag type; corrections by\n"
	    "label. --every day or week makes a series (by when each output was\n"
	    "made, UTC; weeks start on Monday), so that a regression after a\n"
	    "model change shows. --since TIME (RFC 3339) counts what was decided\n"
	    "since. Leads and admins only.",
	.args = { "b:e:s:j", 0, 0 },
	.longopts = cmd_models_options,
	.flags = CMD_ACTOR,
	.check = cmd_models_check,
	.exec = cmd_models_exec,
	.words = models_words,
};

static const char *const *
models_words(const char *what)
{
	if (strcmp(what, "by") == 0)
		return (queue_models_by_names());
	return (strcmp(what, "every") == 0 ? queue_models_every_names() :
	    NULL);
}

static cJSON *
models_counts_json(const struct queue_model_count *v, size_t n,
    uint64_t per, uint64_t seen)
{
	cJSON	*o;
	size_t	 i;

	o = cJSON_CreateObject();
	for (i = 0; i < n; i++)
		cJSON_AddNumberToObject(o, v[i].key, per > 0 && seen > 0 ?
		    (double)v[i].n * (double)per / (double)seen :
		    (double)v[i].n);
	return (o);
}

static void
models_str(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
models_json(const struct queue_model_row *r, enum queue_models_by by)
{
	cJSON *o;

	o = cJSON_CreateObject();
	models_str(o, "model", r->model);
	models_str(o, "pipeline", r->pipeline);
	if (by == QUEUE_MODELS_BY_TYPE)
		models_str(o, "type", r->type);
	models_str(o, "period", r->period[0] != '\0' ? r->period : NULL);
	cJSON_AddNumberToObject(o, "seen", (double)r->seen);
	cJSON_AddNumberToObject(o, "flagged", (double)r->flagged);
	cJSON_AddNumberToObject(o, "reviewed", (double)r->reviewed);
	cJSON_AddNumberToObject(o, "approved", (double)r->approved);
	cJSON_AddNumberToObject(o, "corrected", (double)r->corrected);
	cJSON_AddNumberToObject(o, "rejected", (double)r->rejected);
	cJSON_AddNumberToObject(o, "escalated", (double)r->escalated);
	cJSON_AddNumberToObject(o, "open", (double)r->open);
	cJSON_AddItemToObject(o, "confirmed", models_counts_json(r->confirmed,
	    r->nconfirmed, 0, 0));
	cJSON_AddItemToObject(o, "confirmed_per_1000", models_counts_json(
	    r->confirmed, r->nconfirmed, 1000, r->seen));
	cJSON_AddItemToObject(o, "corrections_by_label", models_counts_json(
	    r->labels, r->nlabels, 0, 0));
	return (o);
}

/* "toxicity 571.4, bias 3.0": the counts (per 1,000 seen, if per). */
static void
models_line(const char *what, const struct queue_model_count *v, size_t n,
    uint64_t seen, int per)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (per)
			xasprintf(&t, "%s%s%s %.1f", s != NULL ? s : "",
			    s != NULL ? ", " : "", v[i].key, seen > 0 ?
			    (double)v[i].n * 1000 / (double)seen : 0);
		else
			xasprintf(&t, "%s%s%s %llu", s != NULL ? s : "",
			    s != NULL ? ", " : "", v[i].key,
			    (unsigned long long)v[i].n);
		free(s);
		s = t;
	}
	if (s != NULL)
		cmd_line(stdout, "    %s: %s", what, s);
	free(s);
}

static void
models_text(const struct queue_models_report *rep, enum queue_models_by by)
{
	const struct queue_model_row	*r;
	char				 n[8][32];
	size_t				 i;

	printf("%7s %7s %8s %8s %9s %8s %9s %6s  %-10s  %s\n", "SEEN",
	    "FLAGGED", "REVIEWED", "APPROVED", "CORRECTED", "REJECTED",
	    "ESCALATED", "OPEN", "PERIOD", by == QUEUE_MODELS_BY_TYPE ?
	    "FLAG TYPE" : "MODEL / PIPELINE");
	for (i = 0; i < rep->n; i++) {
		r = &rep->rows[i];
		cmd_count(r->seen, n[0]);
		cmd_count(r->flagged, n[1]);
		cmd_count(r->reviewed, n[2]);
		cmd_count(r->approved, n[3]);
		cmd_count(r->corrected, n[4]);
		cmd_count(r->rejected, n[5]);
		cmd_count(r->escalated, n[6]);
		cmd_count(r->open, n[7]);
		/* Names are the producers': untrusted, and last. */
		cmd_line(stdout, "%7s %7s %8s %8s %9s %8s %9s %6s  %-10s  "
		    "%s%s%s", n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7],
		    r->period[0] != '\0' ? r->period : "-",
		    by == QUEUE_MODELS_BY_TYPE ? (r->type != NULL ? r->type :
		    "(no flag)") : r->model != NULL ? r->model : "-",
		    by == QUEUE_MODELS_BY_TYPE ? "" : " / ",
		    by == QUEUE_MODELS_BY_TYPE ? "" : r->pipeline != NULL ?
		    r->pipeline : "-");
		models_line("confirmed per 1,000 outputs", r->confirmed,
		    r->nconfirmed, r->seen, 1);
		models_line("corrections by label", r->labels, r->nlabels,
		    r->seen, 0);
	}
}

/* Before the database is opened, with a "did you mean". */
static int
cmd_models_check(const struct cmd_args *args)
{
	enum queue_models_by	 by;
	enum queue_models_every	 every;
	const char		*s;

	if ((s = cmd_args_get(args, 'b')) != NULL &&
	    queue_models_by_parse(s, &by) != 0)
		return (cmd_fail_value(&cmd_models_entry, s,
		    queue_models_by_names(), "--by is source, model, "
		    "pipeline or type"));
	if ((s = cmd_args_get(args, 'e')) != NULL &&
	    queue_models_every_parse(s, &every) != 0)
		return (cmd_fail_value(&cmd_models_entry, s,
		    queue_models_every_names(), "--every is all, day or "
		    "week"));
	return (0);
}

static int
cmd_models_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry		*e = &cmd_models_entry;
	struct queue_models_report	 rep;
	enum queue_models_by		 by = QUEUE_MODELS_BY_SOURCE;
	enum queue_models_every		 every = QUEUE_MODELS_ALL;
	const char			*since = cmd_args_get(args, 's');
	char				*cause = NULL;
	cJSON				*arr;
	size_t				 i;
	int				 rc;

	(void)ctx;
	if (cmd_args_get(args, 'b') != NULL)
		queue_models_by_parse(cmd_args_get(args, 'b'), &by);
	if (cmd_args_get(args, 'e') != NULL)
		queue_models_every_parse(cmd_args_get(args, 'e'), &every);
	if ((rc = queue_models(q, since, by, every, &rep, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		arr = cJSON_CreateArray();
		for (i = 0; i < rep.n; i++)
			cJSON_AddItemToArray(arr, models_json(&rep.rows[i],
			    by));
		cmd_print_json(stdout, arr, 0);
	} else if (rep.n == 0)
		printf("no model output%s\n", since != NULL ?
		    " in that time" : " yet");
	else
		models_text(&rep, by);
	queue_models_report_done(&rep);
	return (rc);
}
