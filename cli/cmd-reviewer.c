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

static int cmd_reviewer_exec(struct cmd_ctx *, int, char **);

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
	.optstring = "n:",
	.longopts = cmd_reviewer_options,
	.exec = cmd_reviewer_exec,
	.subcommands = reviewer_subcommands,
};

static int
cmd_reviewer_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_reviewer_entry;
	struct queue		*q;
	const char		*note = NULL;
	char			*cause = NULL;
	int			 ch, rc;

	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'n':
			note = optarg;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && cmd_choice(e, "subcommand", argv[0],
	    e->subcommands) == -1)
		return (EX_USAGE);
	if (argc != 2)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_reviewer_resume(q, argv[1], note, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else
		cmd_line(stdout, "%s resumed: claims are served again; gold "
		    "accuracy counts from now", argv[1]);
	cmd_close(q);
	return (rc);
}
