/*
 * hitl reopen: a lead puts a decided item back in the queue, so that a new
 * decision supersedes one that can no longer be undone (exported, say).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_reopen_check(const struct cmd_args *);
static int cmd_reopen_exec(struct cmd_ctx *, struct cmd_args *, struct queue *);

static const struct option cmd_reopen_options[] = {
	{ "note", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_reopen_entry = {
	.name = "reopen",
	.usage = "[--json] ITEM --note TEXT",
	.summary = "(leads) put a decided item back in the queue",
	.help =
	    "For leads and admins: puts a decided or resolved ITEM back in the\n"
	    "review queue, with a note saying why. The next decision on it\n"
	    "supersedes the last one; exports then carry the new one, with\n"
	    "\"supersedes\" in the decisions record. --json prints\n"
	    "{\"decision\", \"item\", \"action\": \"reopen\", \"note\"}.",
	.args = { "n:j", 1, 1 },
	.longopts = cmd_reopen_options,
	.flags = CMD_ACTOR,
	.check = cmd_reopen_check,
	.exec = cmd_reopen_exec,
};

/* The note is not optional: a reopen says why. */
static int
cmd_reopen_check(const struct cmd_args *args)
{
	if (!cmd_args_has(args, 'n'))
		return (cmd_usage(&cmd_reopen_entry));
	return (0);
}

static int
cmd_reopen_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_reopen_entry;
	const char		*note = cmd_args_get(args, 'n');
	const char		*item = args->argv[0];
	char			*cause = NULL;
	cJSON			*o;
	int64_t			 id;
	int			 rc;

	(void)ctx;
	if ((rc = queue_reopen(q, item, note, &id, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "decision", (double)id);
		cJSON_AddStringToObject(o, "item", item);
		cJSON_AddStringToObject(o, "action", "reopen");
		cJSON_AddStringToObject(o, "note", note);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_line(stdout, "decision %lld: reopen %s", (long long)id,
		    item);
	return (rc);
}
