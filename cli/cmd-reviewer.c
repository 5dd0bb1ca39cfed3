/*
 * hitl reviewer resume LOGIN: a lead lifts the pause that gold accuracy
 * below the policy's minimum put on a reviewer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_reviewer_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_reviewer_options[] = {
	{ "note", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

static const char *const reviewer_subcommands[] = { "resume", NULL };

const struct cmd_entry cmd_reviewer_entry = {
	.name = "reviewer",
	.usage = "resume LOGIN [--note TEXT]",
	.summary = "(leads) lift a reviewer's pause for low gold accuracy",
	.help =
	    "A reviewer whose accuracy on gold items falls below the policy's\n"
	    "quality.min_gold_accuracy, once quality.min_gold_items of them\n"
	    "are scored, is paused: claims are refused. A lead or admin lifts\n"
	    "the pause with 'resume' (recorded in the audit log, with the\n"
	    "note); gold accuracy then counts again from zero.",
	.args = { "n:", 2, 2 },
	.longopts = cmd_reviewer_options,
	.flags = CMD_ACTOR,
	.exec = cmd_reviewer_exec,
	.subcommands = reviewer_subcommands,
};

static int
cmd_reviewer_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_reviewer_entry;
	const char		*login = args->argv[1];
	char			*cause = NULL;
	int			 rc;

	(void)ctx;
	if ((rc = queue_reviewer_resume(q, login, cmd_args_get(args, 'n'),
	    &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else
		cmd_line(stdout, "%s resumed: claims are served again; gold "
		    "accuracy counts from now", login);
	return (rc);
}
