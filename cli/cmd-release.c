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

static int cmd_release_exec(struct cmd_ctx *, int, char **);
static int cmd_takeover_exec(struct cmd_ctx *, int, char **);

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
	.optstring = "l:j",
	.longopts = cmd_release_options,
	.exec = cmd_release_exec,
};

const struct cmd_entry cmd_takeover_entry = {
	.name = "takeover",
	.usage = "[--json] ITEM",
	.summary = "(leads) take over a claim another reviewer holds",
	.help =
	    "For leads and admins: takes ITEM from the reviewer holding it and\n"
	    "gives it to you under a new lease; their lease stops being valid.\n"
	    "The takeover is recorded in the audit log.",
	.optstring = "j",
	.longopts = cmd_json_options,
	.exec = cmd_takeover_exec,
};

static int
cmd_release_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_release_entry;
	struct queue		*q;
	char			*cause = NULL, *end;
	cJSON			*o;
	long long		 lease = -1;
	int			 ch, rc, json = 0;

	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			errno = 0;
			lease = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || lease < 0)
				return (cmd_usage(e));
			break;
		default:
			return (cmd_usage(e));
		}
	}
	if (optind + 1 != argc || lease < 0)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_release(q, argv[optind], lease, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "item", argv[optind]);
		cJSON_AddNumberToObject(o, "lease", (double)lease);
		cJSON_AddBoolToObject(o, "released", 1);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_line(stdout, "released %s", argv[optind]);
	cmd_close(q);
	return (rc);
}

static int
cmd_takeover_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_takeover_entry;
	struct queue_lease	 l;
	struct queue		*q;
	char			*cause = NULL, t[32];
	int			 rc, json = 0;

	if (cmd_getopt_json(e, argc, argv, &json) != 0)
		return (cmd_usage(e));
	if (optind + 1 != argc)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_takeover(q, argv[optind], &l, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (json)
		cmd_print_json(stdout, cmd_lease_json(&l), 0);
	else {
		queue_format_time(l.expires, t);
		cmd_line(stdout, "lease %lld on %s until %s",
		    (long long)l.lease_id, l.item, t);
	}
	queue_lease_done(&l);
	cmd_close(q);
	return (rc);
}
