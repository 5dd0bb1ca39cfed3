/*
 * hitl init: create a review database (mode 0600) at the current schema,
 * optionally loading a policy into it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

static int cmd_init_exec(struct cmd_ctx *, int, char **);

static const struct option cmd_init_options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[--policy FILE]",
	.summary = "create a review database",
	.help =
	    "Creates the database named by --db, $HITL_DB or ./hitl.db (mode\n"
	    "0600) and brings its schema up to date; an existing hitl database\n"
	    "is only upgraded. With --policy, the policy file is validated and\n"
	    "loaded as a new version.",
	.optstring = "p:",
	.longopts = cmd_init_options,
	.exec = cmd_init_exec,
};


static int
cmd_init_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_init_entry;
	struct queue		*q;
	const char		*policy = NULL;
	int			 ch, rc, existed;

	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'p':
			policy = optarg;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	if (optind != argc)
		return (cmd_usage(e));
	existed = access(ctx->db_path, F_OK) == 0;
	if ((rc = cmd_open(ctx, e, QUEUE_OPEN_CREATE, &q)) != 0)
		return (rc);
	if (existed)
		cmd_line(stdout, "%s is already a hitl database (schema %d)",
		    ctx->db_path, queue_schema_version(q));
	else
		cmd_line(stdout, "created %s (schema %d)", ctx->db_path,
		    queue_schema_version(q));
	if (policy != NULL)
		rc = cmd_policy_load_file(ctx, e, q, policy);
	queue_close(q);
	return (rc);
}
