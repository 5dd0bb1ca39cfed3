/*
 * hitl detectors: how good the flaggers and the PII recognizers are, from
 * the reviewers' verdicts, with the threshold that would meet the policy's
 * target precision beside the one in force; or, --presidio-config, a file
 * of candidates for Presidio's allow_list, deny_list and context words.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "cmd.h"
#include "place.h"
#include "textsafe.h"
#include "xmalloc.h"

/* --min-count: its default and bounds. */
#define DETECTORS_MIN_COUNT	2
#define DETECTORS_MAX_COUNT	1000000

static int cmd_detectors_check(const struct cmd_args *);
static int cmd_detectors_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_detectors_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "since", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "presidio-config", no_argument, NULL, 'P' },
	{ "output", required_argument, NULL, 'o' },
	{ "min-count", required_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 }
};

static const char *const *detectors_words(const char *);

const struct cmd_entry cmd_detectors_entry = {
	.name = "detectors",
	.usage = "[--by detector|type|recognizer|entity_type] [--since TIME] "
	    "[--json] | --presidio-config -o FILE [--min-count N] "
	    "[--since TIME] [--json]",
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
	    "decisions taken since. Leads and admins only.\n"
	    "\n"
	    "--presidio-config -o FILE writes candidates for Presidio's\n"
	    "configuration, for a person to review before use, from the\n"
	    "reviewers' span verdicts on anonymization cases: an allow_list\n"
	    "(analyze(allow_list=...)) of the values (the spans' text) rejected\n"
	    "as not PII at least N times (--min-count, default 2); per entity\n"
	    "type, a PatternRecognizer's supported_entity, deny_list and context\n"
	    "from the values reviewers added at least N times that no recognizer\n"
	    "proposed; per recognizer, the words (lower-cased, the 5 before a\n"
	    "span, none from inside a span) seen before its accepted and its\n"
	    "rejected spans. Every entry's counts (rejected, accepted, retyped,\n"
	    "added) are in \"evidence\". Values are written in clear only when\n"
	    "your role may export unredacted (exports.unredacted_role), else as\n"
	    "their SHA-256 (\"values\": \"sha256\"), which Presidio cannot use\n"
	    "as they are. Items whose content was purged or erased are skipped\n"
	    "and counted. FILE is written whole or not at all, mode 0600;\n"
	    "--json prints a summary of it.",
	.args = { "b:s:jPo:m:", 0, 0 },
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

/* --min-count N: 0 and *n (the default if not given), else -1. */
static int
detectors_min_count(const struct cmd_args *args, unsigned *n)
{
	const char		*s = cmd_args_get(args, 'm');
	unsigned long long	 v;

	*n = DETECTORS_MIN_COUNT;
	if (s == NULL)
		return (0);
	if (cmd_number(s, 1, DETECTORS_MAX_COUNT, &v) != 0)
		return (-1);
	*n = (unsigned)v;
	return (0);
}

/* Before the database is opened, with a "did you mean". */
static int
cmd_detectors_check(const struct cmd_args *args)
{
	const struct cmd_entry	*e = &cmd_detectors_entry;
	enum queue_detector_by	 by;
	const char		*s = cmd_args_get(args, 'b');
	const char		*path = cmd_args_get(args, 'o');
	char			*cause = NULL;
	unsigned		 n;
	int			 rc;

	if (s != NULL && queue_detector_by_parse(s, &by) != 0)
		return (cmd_fail_value(e, s, queue_detector_by_names(),
		    "--by is detector, type, recognizer or entity_type"));
	if (!cmd_args_has(args, 'P')) {
		if (path != NULL || cmd_args_has(args, 'm'))
			return (cmd_fail(e, EX_USAGE, xstrdup(path != NULL ?
			    "-o goes with --presidio-config" : "--min-count "
			    "goes with --presidio-config")));
		return (0);
	}
	if (s != NULL)
		return (cmd_fail(e, EX_USAGE, xstrdup("--by does not go with "
		    "--presidio-config")));
	if (path == NULL || path[0] == '\0')
		return (cmd_fail(e, EX_USAGE, xstrdup("--presidio-config "
		    "needs -o FILE: the file the candidates are written to")));
	if (strcmp(path, "-") == 0)
		return (cmd_fail(e, EX_USAGE, xstrdup("--presidio-config "
		    "writes a file, not standard output: -o FILE")));
	if (detectors_min_count(args, &n) != 0) {
		xasprintf(&cause, "--min-count: expected a number from 1 to "
		    "%d", DETECTORS_MAX_COUNT);
		return (cmd_fail(e, EX_USAGE, cause));
	}
	/* Written as the user, never into the state directory or a database. */
	if ((rc = cmd_check_output(path, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	return (0);
}

/*
 * One entry: s into the plain list, and an object {key: s} into the
 * evidence list, returned for its counts.
 */
static cJSON *
presidio_entry(cJSON *plain, cJSON *evidence, const char *key, const char *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToArray(plain, cJSON_CreateString(s));
	cJSON_AddStringToObject(o, key, s);
	cJSON_AddItemToArray(evidence, o);
	return (o);
}

/* The words as a list of strings, and as {"word", "count"} in evidence. */
static void
presidio_words_json(const struct queue_presidio_word *w, size_t n,
    cJSON **plain, cJSON **evidence)
{
	size_t i;

	*plain = cJSON_CreateArray();
	*evidence = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		cJSON_AddNumberToObject(presidio_entry(*plain, *evidence,
		    "word", w[i].word), "count", (double)w[i].n);
}

/* The values as a list of strings, and each with its counts in evidence. */
static void
presidio_values_json(const struct queue_presidio_value *v, size_t n,
    cJSON **plain, cJSON **evidence)
{
	cJSON	*o;
	size_t	 i;

	*plain = cJSON_CreateArray();
	*evidence = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		o = presidio_entry(*plain, *evidence, "value", v[i].value);
		cJSON_AddNumberToObject(o, "rejected", (double)v[i].rejected);
		cJSON_AddNumberToObject(o, "accepted", (double)v[i].accepted);
		cJSON_AddNumberToObject(o, "retyped", (double)v[i].retyped);
		cJSON_AddNumberToObject(o, "added", (double)v[i].added);
	}
}

/*
 * The file: Presidio's parameters (allow_list; PatternRecognizer's
 * supported_entity, deny_list, context), the context words by recognizer,
 * and beside them "evidence", the same entries with their counts.
 */
static cJSON *
presidio_json(const struct queue_presidio_report *r, const char *since)
{
	const struct queue_presidio_deny	*d;
	const struct queue_presidio_context	*c;
	cJSON					*root, *ev, *o, *eo, *a, *b;
	cJSON					*recs, *erecs, *ctx, *ectx;
	char					*note, *name;
	size_t					 i;

	root = cJSON_CreateObject();
	xasprintf(&note, "Candidates for a Presidio configuration, generated "
	    "by hitl %s at %s from the reviewers' decisions (policy version "
	    "%d): review every entry and its evidence before use; nothing "
	    "here is checked beyond what reviewers decided.%s",
	    PACKAGE_VERSION, r->generated_at, r->policy_version, r->clear ?
	    "" : " The values are SHA-256 hashes, not text (values_note): "
	    "this file cannot be used by Presidio as it is.");
	cJSON_AddStringToObject(root, "note", note);
	free(note);
	cJSON_AddStringToObject(root, "generator", "hitl " PACKAGE_VERSION);
	cJSON_AddStringToObject(root, "generated_at", r->generated_at);
	cJSON_AddNumberToObject(root, "policy_version", r->policy_version);
	if (since != NULL)
		cJSON_AddStringToObject(root, "since", since);
	else
		cJSON_AddNullToObject(root, "since");
	cJSON_AddNumberToObject(root, "min_count", r->min_count);
	cJSON_AddStringToObject(root, "values", r->clear ? "clear" : "sha256");
	cJSON_AddStringToObject(root, "values_note", r->clear ?
	    "Values are the spans' text in clear: personal data. Keep this "
	    "file as you keep unredacted exports." :
	    "Values are NOT the spans' text: each is the SHA-256 (lower-case "
	    "hex) of the text's UTF-8, because your role may not export "
	    "personal data unredacted (the policy's exports.unredacted_role). "
	    "This allow_list and these deny_lists cannot be given to Presidio "
	    "as they are: match them against the hashes of values you hold, or "
	    "have someone of that role generate the file in clear.");
	o = cJSON_AddObjectToObject(root, "items");
	cJSON_AddNumberToObject(o, "counted", (double)r->items);
	cJSON_AddNumberToObject(o, "skipped_no_content",
	    (double)r->skipped_content);
	cJSON_AddNumberToObject(o, "skipped_suspended",
	    (double)r->skipped_suspended);
	ev = cJSON_CreateObject();

	presidio_values_json(r->allow, r->nallow, &a, &b);
	cJSON_AddItemToObject(root, "allow_list", a);
	cJSON_AddItemToObject(ev, "allow_list", b);

	recs = cJSON_AddArrayToObject(root, "recognizers");
	erecs = cJSON_AddArrayToObject(ev, "recognizers");
	for (i = 0; i < r->ndeny; i++) {
		d = &r->deny[i];
		o = cJSON_CreateObject();
		eo = cJSON_CreateObject();
		xasprintf(&name, "hitl_deny_list_%s", d->entity_type);
		cJSON_AddStringToObject(o, "name", name);
		free(name);
		cJSON_AddStringToObject(o, "supported_entity", d->entity_type);
		cJSON_AddStringToObject(eo, "supported_entity",
		    d->entity_type);
		presidio_values_json(d->values, d->nvalues, &a, &b);
		cJSON_AddItemToObject(o, "deny_list", a);
		cJSON_AddItemToObject(eo, "deny_list", b);
		presidio_words_json(d->context, d->ncontext, &a, &b);
		cJSON_AddItemToObject(o, "context", a);
		cJSON_AddItemToObject(eo, "context", b);
		cJSON_AddItemToArray(recs, o);
		cJSON_AddItemToArray(erecs, eo);
	}

	ctx = cJSON_AddArrayToObject(root, "context");
	ectx = cJSON_AddArrayToObject(ev, "context");
	for (i = 0; i < r->ncontext; i++) {
		c = &r->context[i];
		o = cJSON_CreateObject();
		eo = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "recognizer", c->recognizer);
		cJSON_AddStringToObject(eo, "recognizer", c->recognizer);
		presidio_words_json(c->accepted, c->naccepted, &a, &b);
		cJSON_AddItemToObject(o, "accepted", a);
		cJSON_AddItemToObject(eo, "accepted", b);
		presidio_words_json(c->rejected, c->nrejected, &a, &b);
		cJSON_AddItemToObject(o, "rejected", a);
		cJSON_AddItemToObject(eo, "rejected", b);
		cJSON_AddItemToArray(ctx, o);
		cJSON_AddItemToArray(ectx, eo);
	}
	cJSON_AddItemToObject(root, "evidence", ev);
	return (root);
}

/*
 * Written as an export's file is: a private temporary (0600) beside path,
 * renamed over it once whole and recorded as an export run of its own
 * format (so erase names it to the recipients of the cases it was made
 * from, and report processing lists it); the process holds no group
 * privilege here. root is freed.
 */
static int
presidio_write(struct queue *q, const char *path, cJSON *root,
    const struct queue_presidio_report *rep, uint64_t records,
    const char *since, char **cause)
{
	static const char	 scope[] = "presidio-config/all";
	struct queue_export_run	 run;
	struct export_files	*fs = NULL;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	char			*s = NULL, *safe = NULL, *text = NULL;
	char			*options = NULL;
	char			 sha[65], head[65];
	int64_t			 last, at, id = 0;
	FILE			*f;
	cJSON			*o;
	int			 rc;

	cmd_temps_signals();
	s = cJSON_Print(root);
	safe = textsafe_json(s != NULL ? s : "null");
	xasprintf(&text, "%s\n", safe);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "redact", rep->clear ? "none" : "sha256");
	cJSON_AddNumberToObject(o, "min_count", rep->min_count);
	if (since != NULL)
		cJSON_AddStringToObject(o, "since", since);
	options = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	/* The file's hash, as export records a file's. */
	if (!EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(),
	    NULL)) {
		xasprintf(cause, "cannot hash the file written");
		rc = EX_SOFTWARE;
		goto out;
	}
	queue_hex(md, mdlen, sha);
	if ((rc = queue_export_since(q, scope, &at, cause)) != 0 ||
	    (rc = queue_last_decision(q, &last, cause)) != 0 ||
	    (rc = export_files_new(NULL, NULL, &fs, cause)) != 0 ||
	    (rc = export_files_add(fs, path, &f, cause)) != 0)
		goto out;
	fputs(text, f);
	if ((rc = export_files_ready(fs, cause)) != 0)
		goto out;
	memset(&run, 0, sizeof run);
	run.format = "presidio-config";
	run.scope = scope;
	run.options = options;
	run.path = path;
	run.records = records;
	run.since = 0;
	run.last = last;
	run.sha256 = sha;
	run.cursor = "presidio-config";
	run.cursor_at = at;
	run.items = rep->ids;
	run.nitems = (size_t)rep->items;
	rc = export_files_commit(fs, q, &run, head, &id, cause);
out:
	if (rc != 0 && id == 0 && fs != NULL)
		export_files_discard(fs);
	export_files_free(fs);
	cJSON_Delete(root);
	free(options);
	free(text);
	free(safe);
	free(s);
	return (rc);
}

static int
detectors_presidio(const struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_detectors_entry;
	struct queue_presidio_report	 rep;
	const char			*since = cmd_args_get(args, 's');
	const char			*path = cmd_args_get(args, 'o');
	char				*cause = NULL, n[3][32];
	size_t				 i, nd = 0;
	unsigned			 min;
	cJSON				*o;
	int				 rc;

	/* As cmd_detectors_check found it. */
	detectors_min_count(args, &min);
	if ((rc = queue_presidio_config(q, since, min, &rep, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	for (i = 0; i < rep.ndeny; i++)
		nd += rep.deny[i].nvalues;
	if ((rc = presidio_write(q, path, presidio_json(&rep, since), &rep,
	    rep.nallow + nd, since, &cause)) != 0) {
		queue_presidio_report_done(&rep);
		return (cmd_fail(e, rc, cause));
	}
	if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", path);
		cJSON_AddStringToObject(o, "values", rep.clear ? "clear" :
		    "sha256");
		cJSON_AddNumberToObject(o, "min_count", min);
		cJSON_AddNumberToObject(o, "allow_list", (double)rep.nallow);
		cJSON_AddNumberToObject(o, "deny_list_recognizers",
		    (double)rep.ndeny);
		cJSON_AddNumberToObject(o, "deny_list_values", (double)nd);
		cJSON_AddNumberToObject(o, "context_recognizers",
		    (double)rep.ncontext);
		cJSON_AddNumberToObject(o, "items", (double)rep.items);
		cJSON_AddNumberToObject(o, "skipped_no_content",
		    (double)rep.skipped_content);
		cJSON_AddNumberToObject(o, "skipped_suspended",
		    (double)rep.skipped_suspended);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_line(stdout, "wrote %s allow_list values, %s deny_list "
		    "values of %zu entity types and the context words of %zu "
		    "recognizers from %s cases to %s%s", cmd_count(rep.nallow,
		    n[0]), cmd_count(nd, n[1]), rep.ndeny, rep.ncontext,
		    cmd_count(rep.items, n[2]), path, rep.clear ? "" :
		    " (values as SHA-256: not usable by Presidio as they are)");
	queue_presidio_report_done(&rep);
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
	if (cmd_args_has(args, 'P'))
		return (detectors_presidio(args, q));
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
