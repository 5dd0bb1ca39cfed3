/*
 * hitl export: decisions as training data (sft, dpo, kto, spans, labels)
 * or as the accountable record (decisions), with a manifest; --history
 * lists past runs.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "place.h"
#include "sink.h"
#include "xmalloc.h"

static int cmd_export_check(const struct cmd_args *);
static int cmd_export_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);
static const char *const *cmd_export_words(const char *);

static const char *const export_offsets[] = { "utf16", "codepoints", NULL };
static const char *const export_since[] = { "last", "all", NULL };

static const struct option cmd_export_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "since", required_argument, NULL, 's' },
	{ "kind", required_argument, NULL, 'k' },
	{ "include-auto", no_argument, NULL, 'a' },
	{ "redact", required_argument, NULL, 'r' },
	{ "style", required_argument, NULL, 'y' },
	{ "offsets", required_argument, NULL, 'u' },
	{ "form", required_argument, NULL, 'F' },
	{ "layout", required_argument, NULL, 'l' },
	{ "test-fraction", required_argument, NULL, 't' },
	{ "cursor", required_argument, NULL, 'c' },
	{ "history", no_argument, NULL, 'H' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "--format sft|dpo|kto|spans|labels|decisions [-o FILE] "
	    "[--since last|all|TIME] [--kind K] [--include-auto] "
	    "[--redact replace|mask|hash|none] "
	    "[--style openai|doccano|presidio] "
	    "[--form standard|conversational] [--offsets utf16] "
	    "[--layout hf [--test-fraction F]] [--cursor NAME] | "
	    "--history [--json]",
	.summary = "write decisions as training data, with a manifest",
	.help =
	    "Writes the decisions taken since the last export of this format,\n"
	    "kind and cursor (--cursor NAME, default \"default\"; or --since all,\n"
	    "or a time) as JSON Lines to FILE, with FILE.manifest.json beside\n"
	    "it. Personal data a decision confirmed is replaced by\n"
	    "<ENTITY_TYPE> unless --redact says otherwise; spans keep the text\n"
	    "(it is what a PII detector learns from). The files are written\n"
	    "under temporary names, the run is recorded and audited, then they\n"
	    "are renamed into place (a run stopped in between is finished by\n"
	    "the next export). To standard output (- or no -o), a pipe, a\n"
	    "terminal or any special file (/dev/null, a FIFO), it is a preview:\n"
	    "not recorded, no cursor moves, no decision is kept from undo. A\n"
	    "symbolic link or a directory at FILE is refused.\n"
	    "--layout hf -o DIR writes a Hugging Face dataset directory:\n"
	    "DIR/train.jsonl and DIR/test.jsonl (an item is in test when the\n"
	    "SHA-256 of its id, as a fraction, is below --test-fraction,\n"
	    "default 0.1; 0: no test split), DIR/README.md (a dataset card)\n"
	    "and DIR/manifest.json.",
	.args = { "f:o:s:k:ar:y:u:F:l:t:c:Hj", 0, 0 },
	.longopts = cmd_export_options,
	.flags = CMD_ACTOR,
	.check = cmd_export_check,
	.exec = cmd_export_exec,
	.words = cmd_export_words,
};

static const char *const *
cmd_export_words(const char *what)
{
	static const struct {
		const char		 *option;
		const char *const	 *words;
	} fixed[] = {
		{ "redact", export_redact_names },
		{ "offsets", export_offsets },
		{ "kind", cmd_kind_names },
		{ "since", export_since },
		{ "form", export_form_names },
		{ "layout", export_layout_names },
	};
	size_t i;

	if (strcmp(what, "format") == 0)
		return (export_format_names());
	if (strcmp(what, "style") == 0)
		return (export_style_names());
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(what, fixed[i].option) == 0)
			return (fixed[i].words);
	return (NULL);
}

static int
export_history_line(const struct queue_export_run *r, int64_t id,
    const char *at, const char *actor, void *arg)
{
	cJSON	*o;
	int	 json = *(int *)arg;

	if (!json) {
		cmd_line(stdout, "%lld  %s  %-9s %-6llu records  decisions "
		    "%lld..%lld  cursor %s  by %s  %s%s  sha256 %.16s  %s",
		    (long long)id, at, r->format, (unsigned long long)r->records,
		    (long long)r->since + 1, (long long)r->last,
		    export_cursor_name(r->scope), actor, r->path, r->pending ?
		    " (not placed yet: the next export places it)" : "",
		    r->sha256, r->options);
		return (0);
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "export", (double)id);
	cJSON_AddStringToObject(o, "at", at);
	cJSON_AddStringToObject(o, "actor", actor);
	cJSON_AddStringToObject(o, "format", r->format);
	cJSON_AddStringToObject(o, "cursor", export_cursor_name(r->scope));
	cJSON_AddItemToObject(o, "options", cJSON_Parse(r->options));
	cJSON_AddStringToObject(o, "path", r->path);
	cJSON_AddBoolToObject(o, "placed", !r->pending);
	cJSON_AddNumberToObject(o, "records", (double)r->records);
	cJSON_AddNumberToObject(o, "after_decision", (double)r->since);
	cJSON_AddNumberToObject(o, "last_decision", (double)r->last);
	cJSON_AddStringToObject(o, "sha256", r->sha256);
	cmd_print_json(stdout, o, 0);
	return (0);
}

/*
 * The options into opt (with their defaults); a value --redact or
 * --offsets does not take is refused with a "did you mean" (EX_USAGE).
 */
static int
export_parse(const struct cmd_args *args, struct export_options *opt)
{
	const struct cmd_entry	*e = &cmd_export_entry;
	const char		*redact = cmd_args_get(args, 'r');
	const char		*offsets = cmd_args_get(args, 'u');
	const char		*fraction = cmd_args_get(args, 't');
	char			*end;

	memset(opt, 0, sizeof *opt);
	opt->redact = EXPORT_REDACT_DEFAULT;
	opt->since = "last";
	opt->test_fraction = 0.1;
	opt->format = cmd_args_get(args, 'f');
	opt->path = cmd_args_get(args, 'o');
	if (cmd_args_has(args, 's'))
		opt->since = cmd_args_get(args, 's');
	opt->kind = cmd_args_get(args, 'k');
	opt->include_auto = cmd_args_has(args, 'a') != 0;
	if (redact != NULL && export_redact_parse(redact, &opt->redact) != 0)
		return (cmd_fail_value(e, redact, export_redact_names,
		    "--redact is replace, mask, hash or none"));
	opt->style = cmd_args_get(args, 'y');
	if (offsets != NULL && strcmp(offsets, "utf16") != 0 &&
	    strcmp(offsets, "codepoints") != 0)
		return (cmd_fail_value(e, offsets, export_offsets, "--offsets "
		    "is utf16 or codepoints (the default)"));
	opt->utf16 = offsets != NULL && strcmp(offsets, "utf16") == 0;
	opt->form = cmd_args_get(args, 'F');
	opt->layout = cmd_args_get(args, 'l');
	if (fraction != NULL) {
		/* Not a number: NaN, which export_run refuses. */
		opt->test_fraction = strtod(fraction, &end);
		if (end == fraction || *end != '\0')
			opt->test_fraction = NAN;
	}
	opt->cursor = cmd_args_get(args, 'c');
	return (0);
}

static int
cmd_export_check(const struct cmd_args *args)
{
	const struct cmd_entry	*e = &cmd_export_entry;
	struct export_options	 opt;
	char			*cause = NULL;
	int			 rc, history = cmd_args_has(args, 'H') != 0;

	if ((rc = export_parse(args, &opt)) != 0)
		return (rc);
	if (!history && opt.format == NULL)
		return (cmd_usage(e));
	if (cmd_args_has(args, 't') && opt.layout == NULL)
		return (cmd_fail(e, EX_USAGE, xstrdup("--test-fraction goes "
		    "with --layout hf")));
	if (opt.kind != NULL && strcmp(opt.kind, "model_output") != 0 &&
	    strcmp(opt.kind, "anonymization") != 0)
		return (cmd_fail_value(e, opt.kind, cmd_kind_names, "--kind is "
		    "model_output or anonymization"));
	/* Written as the user, never into the state directory or a database. */
	if (!history && opt.path != NULL && strcmp(opt.path, "-") != 0 &&
	    (rc = cmd_check_output(opt.path, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	return (0);
}

static int
cmd_export_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_export_entry;
	struct export_options	 opt;
	uint64_t		 records;
	char			*cause = NULL, n[32];
	int			 rc, history = cmd_args_has(args, 'H') != 0;
	int			 json = cmd_args_has(args, 'j') != 0;
	int			 preview;

	(void)ctx;
	/* As cmd_export_check found them. */
	export_parse(args, &opt);
	if (history)
		rc = queue_export_history(q, export_history_line, &json,
		    &cause);
	else {
		cmd_temps_signals();
		if ((rc = export_run(q, &opt, &records, &preview,
		    &cause)) == 0 && preview)
			cmd_line(stderr, "preview: %s %s records to %s, not "
			    "recorded (no cursor moved; -o FILE records a run)",
			    cmd_count(records, n), opt.format, opt.path !=
			    NULL && strcmp(opt.path, "-") != 0 ? opt.path :
			    "standard output");
		else if (rc == 0 && opt.layout != NULL && records == 0)
			cmd_line(stderr, access(opt.path, F_OK) == 0 ? "no %s "
			    "records to export: the dataset %s is left as it "
			    "was, and no run is recorded" : "no %s records to "
			    "export: nothing was written to %s, and no run is "
			    "recorded", opt.format, opt.path);
		else if (rc == 0 && opt.layout != NULL)
			cmd_line(stderr, "exported %s %s records to the "
			    "dataset %s (card: README.md, manifest: "
			    "manifest.json)",
			    cmd_count(records, n), opt.format, opt.path);
		else if (rc == 0)
			cmd_line(stderr, "exported %s %s records to %s "
			    "(manifest: %s.manifest.json)",
			    cmd_count(records, n), opt.format, opt.path,
			    opt.path);
	}
	if (rc != 0)
		rc = cmd_fail(e, rc, cause);
	return (rc);
}
