/*
 * hitl policy: show the policy in force, or load a new version of it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_policy_check(const struct cmd_args *);
static int cmd_policy_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const char *const policy_subcommands[] = { "show", "load", NULL };

const struct cmd_entry cmd_policy_entry = {
	.name = "policy",
	.usage = "show [--json] | load FILE",
	.summary = "show the triage policy in force, or load a new one",
	.help =
	    "'show' prints the policy in force with every default filled in\n"
	    "(--json: the JSON alone). 'load' validates FILE (errors name the\n"
	    "JSON path of the bad field) and stores it as a new version; once a\n"
	    "policy is loaded, only its admins may load another.",
	.args = { "j", 1, 2 },
	.longopts = cmd_json_options,
	.flags = CMD_DB,
	.check = cmd_policy_check,
	.exec = cmd_policy_exec,
	.subcommands = policy_subcommands,
};


int
cmd_policy_load_file(struct cmd_ctx *ctx, const struct cmd_entry *e,
    struct queue *q, const char *path)
{
	char	*buf, *cause = NULL;
	size_t	 len;
	int	 rc, version;

	(void)ctx;
	if ((rc = cmd_read_file(path, &buf, &len, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	rc = queue_policy_load(q, path, buf, len, cmd_login(), &version,
	    &cause);
	free(buf);
	if (rc != 0)
		return (cmd_fail(e, rc, cause));
	cmd_line(stdout, "loaded policy version %d from %s", version, path);
	return (0);
}

static int
cmd_policy_show(const struct cmd_entry *e, struct queue *q, int json)
{
	struct queue_policy_info	 info;
	const struct policy		*p;
	char				*cause = NULL;
	int				 rc, version;

	if ((rc = queue_policy(q, &p, &version, &cause)) != 0 ||
	    (rc = queue_policy_info(q, &info, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (!json) {
		if (info.version == 0)
			printf("# policy: built-in default (none loaded)\n");
		else
			cmd_line(stdout, "# policy version %d, loaded %s by %s "
			    "from %s (sha256 %.16s...)", info.version,
			    info.loaded_at, info.loaded_by,
			    info.source != NULL ? info.source : "?",
			    info.sha256);
	}
	cmd_print_json(stdout, policy_to_json(p), 1);
	queue_policy_info_done(&info);
	return (0);
}

/* show takes --json and nothing else; load a FILE alone. */
static int
cmd_policy_check(const struct cmd_args *args)
{
	int load = strcmp(args->argv[0], "load") == 0;

	if (args->argc != (load ? 2 : 1) || (load && cmd_args_has(args, 'j')))
		return (cmd_usage(&cmd_policy_entry));
	return (0);
}

static int
cmd_policy_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry *e = &cmd_policy_entry;

	if (strcmp(args->argv[0], "show") == 0)
		return (cmd_policy_show(e, q, cmd_args_has(args, 'j') != 0));
	return (cmd_policy_load_file(ctx, e, q, args->argv[1]));
}
