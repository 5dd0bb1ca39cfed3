/*
 * hitl escalations and hitl escalation ack|resolve: a team's escalation
 * queue, with response-time targets, and its leads' actions on it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_escalations_check(const struct cmd_args *);
static int cmd_escalations_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);
static int cmd_escalation_check(const struct cmd_args *);
static int cmd_escalation_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_escalations_options[] = {
	{ "team", required_argument, NULL, 't' },
	{ "open", no_argument, NULL, 'o' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "notify-overdue", no_argument, NULL, 'N' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_escalations_entry = {
	.name = "escalations",
	.usage = "[--team T] [--open | --all] [--json] | --notify-overdue "
	    "[--json]",
	.summary = "list escalations of your teams, with age and overdue",
	.help =
	    "Lists the escalations of team T, or of every team you lead or\n"
	    "belong to (admins: all teams): open and acknowledged ones unless\n"
	    "--all. Each shows its age and whether it is overdue: still not\n"
	    "acknowledged after the severity's response time. --json prints\n"
	    "one object per line.\n\n"
	    "--notify-overdue runs the policy's escalation_overdue hook once\n"
	    "for each escalation of those teams that is overdue and was not\n"
	    "told of before (for cron or a timer), and lists those it told of.",
	.args = { "t:oajN", 0, 0 },
	.longopts = cmd_escalations_options,
	.flags = CMD_ACTOR,
	.check = cmd_escalations_check,
	.exec = cmd_escalations_exec,
};

static const struct option cmd_escalation_options[] = {
	{ "note", required_argument, NULL, 'n' },
	{ "payload", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 }
};

static const char *const escalation_subcommands[] = { "ack", "resolve", NULL };
static const char *const escalation_outcomes[] = { "approve", "correct",
    "reject", NULL };
static const char *const *escalation_words(const char *);

const struct cmd_entry cmd_escalation_entry = {
	.name = "escalation",
	.usage = "ack ID | resolve ID approve|correct|reject [--note TEXT] "
	    "[--payload -|FILE|JSON]",
	.summary = "(leads) acknowledge or resolve an escalation",
	.help =
	    "For leads of the escalation's team (and admins). 'ack' says the\n"
	    "team has it in hand. 'resolve' is final: approve (the output is\n"
	    "fine), correct (with the correction as --payload, as for 'hitl\n"
	    "decide ... correct') or reject (the output must never be used).",
	.args = { "n:p:", 2, 3 },
	.longopts = cmd_escalation_options,
	.flags = CMD_ACTOR | CMD_PAYLOAD,
	.check = cmd_escalation_check,
	.exec = cmd_escalation_exec,
	.subcommands = escalation_subcommands,
	.words = escalation_words,
};

static const char *const *
escalation_words(const char *what)
{
	if (strcmp(what, "3") == 0)
		return (escalation_outcomes);
	return (NULL);
}

/* --open or --all; --notify-overdue alone. */
static int
cmd_escalations_check(const struct cmd_args *args)
{
	int open = cmd_args_has(args, 'o') != 0, all = cmd_args_has(args,
	    'a') != 0;

	if ((open && all) || (cmd_args_has(args, 'N') && (open || all ||
	    cmd_args_has(args, 't'))))
		return (cmd_usage(&cmd_escalations_entry));
	return (0);
}

static int
cmd_escalations_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_escalations_entry;
	struct queue_escalation	*es = NULL;
	char			*cause = NULL, age[32];
	size_t			 n = 0, i;
	int64_t			 now;
	int			 rc, json = cmd_args_has(args, 'j') != 0;
	int			 all = cmd_args_has(args, 'a') != 0;
	int			 notify = cmd_args_has(args, 'N') != 0;

	(void)ctx;
	if (notify)
		rc = queue_escalations_notify_overdue(q, &es, &n, &cause);
	else
		rc = queue_escalations(q, cmd_args_get(args, 't'), all, &es,
		    &n, &cause);
	if (rc != 0)
		return (cmd_fail(e, rc, cause));
	now = queue_now(q);
	for (i = 0; i < n; i++) {
		if (json) {
			cmd_print_json(stdout, queue_escalation_json(&es[i], now), 0);
			continue;
		}
		queue_format_age(now - es[i].opened_at, age);
		cmd_line(stdout, "%-5lld %-14s %-12s %-16s %-8s %-12s age "
		    "%-5s%s", (long long)es[i].id, es[i].item, es[i].team,
		    es[i].reason, es[i].severity, es[i].state, age,
		    queue_escalation_overdue(&es[i], now) ? "  OVERDUE" : "");
		if (es[i].note != NULL)
			cmd_line(stdout, "      %s: %s", es[i].opened_by,
			    es[i].note);
	}
	if (n == 0 && !json && notify)
		printf("no escalations became overdue\n");
	else if (n == 0 && !json)
		printf("no %sescalations\n", all ? "" : "open ");
	queue_escalations_free(es, n);
	return (0);
}

/* The escalation's number, 0 if ID is not one. */
static long long
escalation_id(const struct cmd_args *args)
{
	char		*end;
	long long	 id;

	errno = 0;
	id = strtoll(args->argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0)
		return (0);
	return (id);
}

/* ack ID, alone; resolve ID OUTCOME, with a note or payload if need be. */
static int
cmd_escalation_check(const struct cmd_args *args)
{
	int resolve = strcmp(args->argv[0], "resolve") == 0;

	if ((!resolve && (args->argc != 2 || cmd_args_has(args, 'n') ||
	    cmd_args_has(args, 'p'))) || (resolve && args->argc != 3) ||
	    escalation_id(args) == 0)
		return (cmd_usage(&cmd_escalation_entry));
	return (0);
}

static int
cmd_escalation_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *q)
{
	const struct cmd_entry	*e = &cmd_escalation_entry;
	char			*cause = NULL;
	long long		 id = escalation_id(args);
	int			 rc, resolve;

	(void)ctx;
	resolve = strcmp(args->argv[0], "resolve") == 0;
	if (resolve)
		rc = queue_escalation_resolve(q, id, args->argv[2],
		    args->payload, cmd_args_get(args, 'n'), &cause);
	else
		rc = queue_escalation_ack(q, id, &cause);
	if (rc != 0)
		rc = cmd_fail(e, rc, cause);
	else if (resolve)
		cmd_line(stdout, "escalation %lld resolved: %s", id,
		    args->argv[2]);
	else
		printf("escalation %lld acknowledged\n", id);
	return (rc);
}
