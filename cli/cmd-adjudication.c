/*
 * hitl adjudication list|show|decide: the lead's queue of review rounds
 * whose votes disagree, each round's votes side by side, and its ruling.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_adjudication_exec(struct cmd_ctx *, int, char **);

static const struct option cmd_adjudication_options[] = {
	{ "choose", required_argument, NULL, 'c' },
	{ "note", required_argument, NULL, 'n' },
	{ "payload", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const adjudication_subcommands[] = { "list", "show",
    "decide", NULL };

const struct cmd_entry cmd_adjudication_entry = {
	.name = "adjudication",
	.usage = "list [--json] | show ITEM [--json] | decide ITEM "
	    "(--choose DECISION | approve | correct --payload -|FILE|JSON) "
	    "[--note TEXT]",
	.summary = "(leads) settle review rounds whose votes disagree",
	.help =
	    "For leads and admins. An item of blind double review (or of\n"
	    "the second-stage audit) whose reviewers decided differently\n"
	    "waits here when the policy's quality.adjudication is \"lead\"\n"
	    "(or when extra reviewers found no majority). 'list' shows them,\n"
	    "'show' one item's votes side by side, 'decide' settles it: with\n"
	    "--choose, the decision of one vote (its decision number, as\n"
	    "'show' gives it); or approve, or correct with the correction as\n"
	    "--payload (as for 'hitl decide ... correct'), decided anew. The\n"
	    "settlement supersedes the votes, records which it chose, and is\n"
	    "what exports take.",
	.args = { "c:n:p:j", 0, -1 },
	.longopts = cmd_adjudication_options,
	.exec_argv = cmd_adjudication_exec,
	.subcommands = adjudication_subcommands,
};

static cJSON *
adjudication_json(const struct queue_adjudication *a)
{
	cJSON	*o, *arr;
	size_t	 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "item", a->item);
	cJSON_AddStringToObject(o, "sample", a->sample);
	arr = cJSON_AddArrayToObject(o, "votes");
	for (i = 0; i < a->nvotes; i++)
		cJSON_AddItemToArray(arr, cmd_decision_json(&a->votes[i]));
	return (o);
}

static void
adjudication_print(const struct queue_adjudication *a, int full)
{
	size_t i;

	cmd_line(stdout, "%s  (%s, %zu votes)", a->item, a->sample,
	    a->nvotes);
	for (i = 0; i < a->nvotes; i++) {
		const struct queue_decision_info *d = &a->votes[i];

		cmd_line(stdout, "  decision %-6lld %-12s %-8s %s",
		    (long long)d->id, d->reviewer, d->action, d->decided_at);
		if (full && d->payload != NULL)
			cmd_line(stdout, "    %s", d->payload);
	}
}

static int
adjudication_list(struct queue *q, const char *item, int json, char **cause)
{
	struct queue_adjudication	*a;
	size_t				 n, i, shown = 0;
	int				 rc;

	if ((rc = queue_adjudications(q, &a, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n; i++) {
		if (item != NULL && strcmp(a[i].item, item) != 0)
			continue;
		shown++;
		if (json)
			cmd_print_json(stdout, adjudication_json(&a[i]), 0);
		else
			adjudication_print(&a[i], item != NULL);
	}
	queue_adjudications_free(a, n);
	if (item != NULL && shown == 0) {
		xasprintf(cause, "item %s is not waiting for adjudication",
		    item);
		return (EX_UNAVAILABLE);
	}
	if (shown == 0 && !json)
		printf("nothing waits for adjudication\n");
	return (0);
}

static int
cmd_adjudication_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_adjudication_entry;
	struct queue		*q;
	const char		*note = NULL, *payload_arg = NULL, *choose = NULL;
	const char		*action = NULL;
	char			*payload = NULL, *cause = NULL, *end;
	long long		 chose = 0;
	int64_t			 did = 0;
	int			 ch, rc, json = 0, sub;

	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			choose = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'p':
			payload_arg = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return (cmd_usage(e));
	if ((sub = cmd_choice(e, "subcommand", argv[0],
	    e->subcommands)) == -1)
		return (EX_USAGE);
	/* list takes nothing; show an item; decide an item and a ruling. */
	if ((sub == 0 && argc != 1) || (sub == 1 && argc != 2) ||
	    (sub < 2 && (choose != NULL || note != NULL ||
	    payload_arg != NULL)) || (sub == 2 && json) ||
	    (sub == 2 && choose != NULL && (argc != 2 ||
	    payload_arg != NULL)) ||
	    (sub == 2 && choose == NULL && argc != 3))
		return (cmd_usage(e));
	if (choose != NULL) {
		errno = 0;
		chose = strtoll(choose, &end, 10);
		if (errno != 0 || *end != '\0' || chose <= 0) {
			xasprintf(&cause, "--choose: \"%s\" is not a decision "
			    "number", choose);
			return (cmd_fail(e, EX_USAGE, cause));
		}
	}
	if (sub == 2 && choose == NULL) {
		static const char *const rulings[] = {
			"approve", "correct", NULL
		};

		if (cmd_choice(e, "ruling", argv[2], rulings) == -1)
			return (EX_USAGE);
		action = argv[2];
		if (strcmp(action, "correct") == 0 && payload_arg == NULL) {
			xasprintf(&cause, "correct needs the correction as "
			    "--payload");
			return (cmd_fail(e, EX_USAGE, cause));
		}
	}
	if (payload_arg != NULL && (rc = cmd_read_payload(payload_arg,
	    &payload, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0) {
		free(payload);
		return (rc);
	}
	if (sub < 2)
		rc = adjudication_list(q, sub == 1 ? argv[1] : NULL, json,
		    &cause);
	else
		rc = queue_adjudicate(q, argv[1], chose, action, payload, note,
		    &did, &cause);
	if (rc != 0)
		rc = cmd_fail(e, rc, cause);
	else if (sub == 2 && chose != 0)
		cmd_line(stdout, "item %s settled by adjudication: decision "
		    "%lld chosen (settlement %lld)", argv[1], chose,
		    (long long)did);
	else if (sub == 2)
		cmd_line(stdout, "item %s settled by adjudication: %s "
		    "(settlement %lld)", argv[1], action, (long long)did);
	free(payload);
	cmd_close(q);
	return (rc);
}
