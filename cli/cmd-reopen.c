/*
 * hitl reopen: a lead puts a decided item back in the queue, so that a new
 * decision supersedes one that can no longer be undone (exported, say).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_reopen_exec(struct cmd_ctx *, int, char **);

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
	.optstring = "n:j",
	.longopts = cmd_reopen_options,
	.exec = cmd_reopen_exec,
};

static int
cmd_reopen_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_reopen_entry;
	struct queue		*q;
	const char		*note = NULL;
	char			*cause = NULL;
	cJSON			*o;
	int64_t			 id;
	int			 ch, rc, json = 0;

	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'n':
			note = optarg;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	if (optind + 1 != argc || note == NULL)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_reopen(q, argv[optind], note, &id, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "decision", (double)id);
		cJSON_AddStringToObject(o, "item", argv[optind]);
		cJSON_AddStringToObject(o, "action", "reopen");
		cJSON_AddStringToObject(o, "note", note);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_line(stdout, "decision %lld: reopen %s", (long long)id,
		    argv[optind]);
	cmd_close(q);
	return (rc);
}
