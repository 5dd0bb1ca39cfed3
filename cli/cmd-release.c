/*
 * hitl release: give back an item you hold, unchanged, and hitl takeover: a
 * lead takes a claim someone else holds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_release_check(const struct cmd_args *);
static int cmd_release_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);
static int cmd_takeover_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_release_options[] = {
	{ "lease", required_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_release_entry = {
	.name = "release",
	.usage = "[--json] ITEM --lease L",
	.summary = "give back an item you hold, undecided",
	.help =
	    "Ends your claim on ITEM without a decision; it goes back to its\n"
	    "place in the queue. (To pass on an item and not see it again this\n"
	    "shift, use 'hitl decide ITEM --lease L skip'.) --json prints\n"
	    "{\"item\", \"lease\", \"released\"}.",
	.args = { "l:j", 1, 1 },
	.longopts = cmd_release_options,
	.flags = CMD_ACTOR,
	.check = cmd_release_check,
	.exec = cmd_release_exec,
	.item_arg = 1,
};

const struct cmd_entry cmd_takeover_entry = {
	.name = "takeover",
	.usage = "[--json] ITEM",
	.summary = "(leads) take over a claim another reviewer holds",
	.help =
	    "For leads and admins: takes ITEM from the reviewer holding it and\n"
	    "gives it to you under a new lease; their lease stops being valid.\n"
	    "The takeover is recorded in the audit log.",
	.args = { "j", 1, 1 },
	.longopts = cmd_json_options,
	.flags = CMD_ACTOR,
	.exec = cmd_takeover_exec,
	.item_arg = 1,
};

/* --lease L, a lease number (from hitl next): 0, and *lease, or -1. */
static int
release_lease(const struct cmd_args *args, long long *lease)
{
	const char	*s = cmd_args_get(args, 'l');
	char		*end;

	if (s == NULL)
		return (-1);
	errno = 0;
	*lease = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || *lease < 0)
		return (-1);
	return (0);
}

static int
cmd_release_check(const struct cmd_args *args)
{
	long long lease;

	if (release_lease(args, &lease) != 0)
		return (cmd_usage(&cmd_release_entry));
	return (0);
}

static int
cmd_release_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_release_entry;
	const char		*item = args->argv[0];
	char			*cause = NULL;
	cJSON			*o;
	long long		 lease = -1;
	int			 rc;

	(void)ctx;
	release_lease(args, &lease);
	if ((rc = queue_release(q, item, lease, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "item", item);
		cJSON_AddNumberToObject(o, "lease", (double)lease);
		cJSON_AddBoolToObject(o, "released", 1);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_line(stdout, "released %s", item);
	return (rc);
}

static int
cmd_takeover_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_takeover_entry;
	struct queue_lease	 l;
	char			*cause = NULL, t[32];
	int			 rc;

	(void)ctx;
	if ((rc = queue_takeover(q, args->argv[0], &l, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (cmd_args_has(args, 'j'))
		cmd_print_json(stdout, cmd_lease_json(&l), 0);
	else {
		queue_format_time(l.expires, t);
		cmd_line(stdout, "lease %lld on %s until %s",
		    (long long)l.lease_id, l.item, t);
	}
	queue_lease_done(&l);
	return (rc);
}
