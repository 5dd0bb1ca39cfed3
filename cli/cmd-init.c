/*
 * hitl init: create a review database (mode 0600; the shared one 0660, by
 * root alone) at the current schema, optionally loading a policy into it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_init_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_init_options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "owner", required_argument, NULL, 'o' },
	{ "grant", required_argument, NULL, 'g' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[--policy FILE] [--owner ROLE] [--grant ROLE]",
	.summary = "create a review database",
	.help =
	    "Creates the database named by --db, $HITL_DB or ./hitl.db (mode\n"
	    "0600) and brings its schema up to date; an existing hitl database\n"
	    "is only upgraded. With --policy, the policy file is validated and\n"
	    "loaded as a new version. In a shared install the default is the\n"
	    "shared database (mode 0660): only root may init it, and the\n"
	    "first time with --policy, which names its admins.\n"
	    "For a server's database (postgresql://...), --owner ROLE makes\n"
	    "the schema \"hitl\" and everything in it belong to ROLE (one that\n"
	    "logs in to nothing; you must be a member of it), and --grant ROLE\n"
	    "gives the role reviewers connect as what hitl needs and nothing\n"
	    "that could change the record.",
	.args = { "p:o:g:", 0, 0 },
	.longopts = cmd_init_options,
	.exec = cmd_init_exec,
};

/*
 * A new shared database gets its policy with it, checked before anything
 * is made: until one is loaded, anyone could load one naming the admins.
 */
static int
init_check_policy(const struct cmd_entry *e, const char *path)
{
	struct policy	*p;
	char		*buf, *cause = NULL;
	size_t		 len;
	int		 rc;

	if (path == NULL) {
		xasprintf(&cause, "the shared database needs its policy from "
		    "the start (it names the admins; until one is loaded "
		    "anyone could load one): hitl init --policy FILE");
		return (cmd_fail(e, EX_USAGE, cause));
	}
	if ((rc = cmd_read_file(path, &buf, &len, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	rc = policy_parse(buf, len, &p, &cause);
	free(buf);
	if (rc != 0)
		return (cmd_fail(e, EX_DATAERR, cause));
	policy_free(p);
	return (0);
}

/*
 * The database is opened here, not by cmd_run: it is created, after
 * checks of who asks and of the policy, and whether it existed is said.
 */
static int
cmd_init_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *none)
{
	const struct cmd_entry	*e = &cmd_init_entry;
	struct queue		*q;
	const char		*policy = cmd_args_get(args, 'p');
	const char		*grant = cmd_args_get(args, 'g');
	char			*cause = NULL;
	int			 rc, existed;

	(void)none;
	if (cmd_args_has(args, 'o'))
		ctx->owner = cmd_args_get(args, 'o');
	/*
	 * Whoever makes the shared database loads its first policy, the one
	 * that says who its admins are: that is the administrator's step.
	 */
	if (ctx->shared && getuid() != 0) {
		/* A server's URI may hold its password: not named then. */
		xasprintf(&cause, "only root may create or upgrade the shared "
		    "database%s%s: ask the administrator of this host",
		    queue_names_server(ctx->db_path) ? "" : " ",
		    queue_names_server(ctx->db_path) ? "" : ctx->db_path);
		return (cmd_fail(e, EX_NOPERM, cause));
	}
	if ((ctx->owner != NULL || grant != NULL) &&
	    !queue_names_server(ctx->db_path)) {
		xasprintf(&cause, "--owner and --grant are for a server's "
		    "database (postgresql://...): a file's access is its mode");
		return (cmd_fail(e, EX_USAGE, cause));
	}
	existed = !queue_names_server(ctx->db_path) &&
	    access(ctx->db_path, F_OK) == 0;
	if (ctx->shared && !existed && (rc = init_check_policy(e,
	    policy)) != 0)
		return (rc);
	if ((rc = cmd_open(ctx, e, QUEUE_OPEN_CREATE, &q)) != 0)
		return (rc);
	if (queue_names_server(ctx->db_path))
		existed = !queue_was_created(q);
	if (grant != NULL && (rc = queue_grant(q, grant, &cause)) != 0) {
		cmd_close(q);
		return (cmd_fail(e, rc, cause));
	}
	if (existed)
		cmd_line(stdout, "%s is already a hitl database (schema %d)",
		    queue_path(q), queue_schema_version(q));
	else
		cmd_line(stdout, "created %s (schema %d)", queue_path(q),
		    queue_schema_version(q));
	if (policy != NULL)
		rc = cmd_policy_load_file(ctx, e, q, policy);
	cmd_close(q);
	return (rc);
}
