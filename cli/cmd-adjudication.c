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

static int cmd_adjudication_check(const struct cmd_args *);
static int cmd_adjudication_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

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
	.args = { "c:n:p:j", 1, 3 },
	.longopts = cmd_adjudication_options,
	.flags = CMD_ACTOR | CMD_PAYLOAD,
	.check = cmd_adjudication_check,
	.exec = cmd_adjudication_exec,
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

/* list 0, show 1, decide 2 (cmd_run refused any other word). */
static int
adjudication_sub(const struct cmd_args *args)
{
	int sub;

	for (sub = 0; strcmp(args->argv[0], adjudication_subcommands[sub]) !=
	    0; sub++)
		;
	return (sub);
}

/* --choose's decision number: 0 and *chose, else -1. */
static int
adjudication_chose(const struct cmd_args *args, long long *chose)
{
	const char	*choose = cmd_args_get(args, 'c');
	char		*end;

	*chose = 0;
	if (choose == NULL)
		return (0);
	errno = 0;
	*chose = strtoll(choose, &end, 10);
	if (errno != 0 || *end != '\0' || *chose <= 0)
		return (-1);
	return (0);
}

static int
cmd_adjudication_check(const struct cmd_args *args)
{
	static const char *const rulings[] = { "approve", "correct", NULL };
	const struct cmd_entry	*e = &cmd_adjudication_entry;
	int			 sub = adjudication_sub(args);
	int			 argc = args->argc;
	int			 choose = cmd_args_has(args, 'c') != 0;
	int			 payload = cmd_args_has(args, 'p') != 0;
	char			*cause = NULL;
	long long		 chose;

	/* list takes nothing; show an item; decide an item and a ruling. */
	if ((sub == 0 && argc != 1) || (sub == 1 && argc != 2) ||
	    (sub < 2 && (choose || cmd_args_has(args, 'n') || payload)) ||
	    (sub == 2 && cmd_args_has(args, 'j')) ||
	    (sub == 2 && choose && (argc != 2 || payload)) ||
	    (sub == 2 && !choose && argc != 3))
		return (cmd_usage(e));
	if (adjudication_chose(args, &chose) != 0) {
		xasprintf(&cause, "--choose: \"%s\" is not a decision number",
		    cmd_args_get(args, 'c'));
		return (cmd_fail(e, EX_USAGE, cause));
	}
	if (sub == 2 && !choose) {
		if (cmd_choice(e, "ruling", args->argv[2], rulings) == -1)
			return (EX_USAGE);
		if (strcmp(args->argv[2], "correct") == 0 && !payload) {
			xasprintf(&cause, "correct needs the correction as "
			    "--payload");
			return (cmd_fail(e, EX_USAGE, cause));
		}
	}
	return (0);
}

static int
cmd_adjudication_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_adjudication_entry;
	const char		*item = args->argc > 1 ? args->argv[1] : NULL;
	const char		*action = NULL;
	char			*cause = NULL;
	long long		 chose;
	int64_t			 did = 0;
	int			 rc, sub = adjudication_sub(args);

	(void)ctx;
	adjudication_chose(args, &chose);
	if (sub == 2 && chose == 0)
		action = args->argv[2];
	if (sub < 2)
		rc = adjudication_list(q, item, cmd_args_has(args, 'j') != 0,
		    &cause);
	else
		rc = queue_adjudicate(q, item, chose, action, args->payload,
		    cmd_args_get(args, 'n'), &did, &cause);
	if (rc != 0)
		rc = cmd_fail(e, rc, cause);
	else if (sub == 2 && chose != 0)
		cmd_line(stdout, "item %s settled by adjudication: decision "
		    "%lld chosen (settlement %lld)", item, chose,
		    (long long)did);
	else if (sub == 2)
		cmd_line(stdout, "item %s settled by adjudication: %s "
		    "(settlement %lld)", item, action, (long long)did);
	return (rc);
}
