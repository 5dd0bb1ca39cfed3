/*
 * hitl report: the reports for leads and admins, each in a file of its own,
 * chosen by the first word through the table below.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "report.h"
#include "xmalloc.h"

static int cmd_report_check(const struct cmd_args *);
static int cmd_report_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

/* In the order of report_subcommands. */
static const struct report_kind *const report_kinds[] = {
	&report_processing,
	&report_quality,
};
static const char *const report_subcommands[] = { "processing", "quality",
    NULL };

/* Every report's options; each report takes those its kind names. */
static const struct option cmd_report_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "since", required_argument, NULL, 's' },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "processing [--json] | quality [--since TIME] -o FILE",
	.summary = "(leads) the record of processing; the quality report",
	.help =
	    "'processing' prints the record of processing activities (GDPR\n"
	    "Art. 30) as far as the queue knows it: the policy in force; the\n"
	    "personal data held by type (PII spans by entity type, pii.*\n"
	    "flags), with how many items and values; who may act (roles,\n"
	    "logins, teams, who may export unredacted); everyone who acted,\n"
	    "with their events and first and last time; the recipients (the\n"
	    "recorded export runs by format and redaction); and how the store\n"
	    "is kept (backend, file modes, the signing key). --json prints one\n"
	    "object.\n"
	    "'quality' writes FILE (-o, --output; required), one self-contained\n"
	    "HTML page to open in a browser: the detectors' precision with its\n"
	    "95% Wilson interval, AUTO, SPOT and threshold advice (as hitl\n"
	    "detectors), as a table and a chart against the target precision;\n"
	    "each model's outputs week by week (as hitl models --every week),\n"
	    "with a chart of the share reviewers corrected or rejected; the\n"
	    "reviewers' agreement and statistics (as hitl agreement and hitl\n"
	    "reviewers); and the policy in force. The page has no script and\n"
	    "fetches nothing. It is written as you, under a temporary name\n"
	    "renamed into place. --since TIME (RFC 3339) counts the decisions\n"
	    "taken since. Leads and admins only.",
	.args = { "js:o:", 1, 1 },
	.longopts = cmd_report_options,
	.flags = CMD_ACTOR,
	.check = cmd_report_check,
	.exec = cmd_report_exec,
	.subcommands = report_subcommands,
	.subcommand_what = "report",
};

/* The kind the first word names (cmd_run refused any other word). */
static const struct report_kind *
report_kind_of(const struct cmd_args *args)
{
	size_t i;

	for (i = 0; strcmp(report_subcommands[i], args->argv[0]) != 0; i++)
		;
	return (report_kinds[i]);
}

/* An option given that the report does not take is a usage error. */
static int
cmd_report_check(const struct cmd_args *args)
{
	const struct cmd_entry		*e = &cmd_report_entry;
	const struct report_kind	*k = report_kind_of(args);
	const struct option		*o;
	char				*cause;

	for (o = cmd_report_options; o->name != NULL; o++) {
		if (cmd_args_has(args, o->val) &&
		    strchr(k->options, o->val) == NULL) {
			xasprintf(&cause, "report %s takes no --%s; 'hitl help "
			    "report' shows which report takes it", k->name,
			    o->name);
			return (cmd_fail(e, EX_USAGE, cause));
		}
	}
	return (k->check != NULL ? k->check(e, args) : 0);
}

static int
cmd_report_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	return (report_kind_of(args)->exec(&cmd_report_entry, ctx, args, q));
}
