/*
 * Entry point: global options, then the subcommand named by the first
 * argument, looked up in the command table.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "priv.h"
#include "suggest.h"
#include "textsafe.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_init_entry,
	&cmd_import_entry,
	&cmd_status_entry,
	&cmd_policy_entry,
	&cmd_review_entry,
	&cmd_next_entry,
	&cmd_show_entry,
	&cmd_decide_entry,
	&cmd_undo_entry,
	&cmd_release_entry,
	&cmd_takeover_entry,
	&cmd_reopen_entry,
	&cmd_suspend_entry,
	&cmd_resume_entry,
	&cmd_shift_entry,
	&cmd_shifts_entry,
	&cmd_reviewers_entry,
	&cmd_agreement_entry,
	&cmd_detectors_entry,
	&cmd_models_entry,
	&cmd_adjudication_entry,
	&cmd_reviewer_entry,
	&cmd_escalations_entry,
	&cmd_escalation_entry,
	&cmd_audit_entry,
	&cmd_export_entry,
	&cmd_report_entry,
	&cmd_purge_entry,
	&cmd_erase_entry,
	&cmd_copy_entry,
	&cmd_demo_entry,
	&cmd_completion_entry,
	&cmd_help_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *const *e;

	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0)
			return (*e);
	}
	return (NULL);
}

int
cmd_unknown(const char *who, const char *name)
{
	const struct cmd_entry *const	*e;
	struct suggest			 near;

	suggest_init(&near, name);
	for (e = cmd_table; *e != NULL; e++)
		suggest_add(&near, (*e)->name);
	/* The name is what the user typed: printed made safe. */
	if (near.best != NULL)
		cmd_line(stderr, "%s: unknown command \"%s\"; did you mean "
		    "\"%s\"?", who, name, near.best);
	else
		cmd_line(stderr, "%s: unknown command \"%s\"; 'hitl help' "
		    "lists them", who, name);
	return (EX_USAGE);
}

static void
main_usage(FILE *f)
{
	const struct cmd_entry *const *e;

	fprintf(f, "usage: hitl [--db PATH] [--reviewer NAME] COMMAND "
	    "[ARGS]\n\ncommands:\n");
	for (e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %-12s %s\n", (*e)->name, (*e)->summary);
	fprintf(f, "\n'hitl help COMMAND' describes one command.\n");
}

const struct option cmd_global_options[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "reviewer", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	const struct option	*longopts = cmd_global_options;
	const struct cmd_entry	*e;
	struct cmd_ctx		 ctx;
	const char		*asked = NULL;
	char			*cause = NULL, *safe;
	int			 ch, rc;

	/* From here on, the group of a shared install only opens its files. */
	priv_init();
	setlocale(LC_ALL, "");
	memset(&ctx, 0, sizeof ctx);
	ctx.progname = "hitl";
	/* "+": stop at the command name; its options are its own. */
	while ((ch = cmd_getopt_global(argc, argv, "+hV", longopts)) != -1) {
		switch (ch) {
		case 'd':
			asked = optarg;
			break;
		case 'r':
			ctx.reviewer = optarg;
			break;
		case 'h':
			main_usage(stdout);
			return (EX_OK);
		case 'V':
			printf("hitl %s\n", PACKAGE_VERSION);
			return (EX_OK);
		default:
			main_usage(stderr);
			return (EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (asked == NULL)
		asked = priv_getenv("HITL_DB");
	if ((rc = priv_select_db(asked, &ctx.db_path, &ctx.shared,
	    &cause)) != 0) {
		safe = textsafe_copy(cause, strlen(cause), 0, NULL);
		fprintf(stderr, "hitl: %s\n", safe);
		free(safe);
		free(cause);
		return (rc);
	}
	if (ctx.reviewer == NULL)
		ctx.reviewer = priv_getenv("HITL_REVIEWER");

	if (argc == 0) {
		main_usage(stderr);
		return (EX_USAGE);
	}
	if ((e = cmd_find(argv[0])) == NULL)
		return (cmd_unknown("hitl", argv[0]));
	/* Every command's --help and -h, here rather than in each. */
	if (cmd_help_asked(e, argc, argv)) {
		cmd_help_print(stdout, e);
		return (EX_OK);
	}
	return (cmd_run(&ctx, e, argc, argv));
}
