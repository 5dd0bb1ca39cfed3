/*
 * hitl help: the list of commands, or one command's usage and description.
 */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_help_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "describe the commands, or one of them",
	.help = "Without an argument, lists the commands. 'hitl COMMAND --help'\n"
	    "(or -h) prints the same as 'hitl help COMMAND'.",
	.args = { "", 0, 1 },
	.longopts = NULL,
	.exec = cmd_help_exec,
};

static int
cmd_help_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry *const	*e;
	const struct cmd_entry		*one;

	(void)ctx;
	(void)q;
	if (args->argc == 1) {
		if ((one = cmd_find(args->argv[0])) == NULL)
			return (cmd_unknown("hitl help", args->argv[0]));
		/* The same as "hitl NAME --help". */
		cmd_help_print(stdout, one);
		return (EX_OK);
	}
	printf("usage: hitl [--db PATH] [--reviewer NAME] COMMAND [ARGS]\n\n"
	    "commands:\n");
	for (e = cmd_table; *e != NULL; e++)
		printf("  %-12s %s\n", (*e)->name, (*e)->summary);
	printf("\nThe database is --db PATH, else $HITL_DB, else ./hitl.db.\n"
	    "'hitl help COMMAND' describes one command.\n");
	return (EX_OK);
}
