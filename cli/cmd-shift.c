/*
 * hitl shift start|end, and hitl shifts: reviewers' working sessions, their
 * counts and hand-off notes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_shift_check(const struct cmd_args *);
static int cmd_shift_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);
static int cmd_shifts_check(const struct cmd_args *);
static int cmd_shifts_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_shift_options[] = {
	{ "note", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const shift_subcommands[] = { "start", "end", NULL };

const struct cmd_entry cmd_shift_entry = {
	.name = "shift",
	.usage = "[--json] start | end [--note TEXT]",
	.summary = "start or end your shift (with a hand-off note)",
	.help =
	    "'start' opens a shift (the first claim also does). 'end' closes\n"
	    "it, records its counts by action and the hand-off note for the\n"
	    "next reviewer, and prints them. --json prints the shift as\n"
	    "'hitl shifts --json' does.",
	.args = { "n:j", 1, 1 },
	.longopts = cmd_shift_options,
	.flags = CMD_ACTOR,
	.check = cmd_shift_check,
	.exec = cmd_shift_exec,
	.subcommands = shift_subcommands,
};

static const struct option cmd_shifts_options[] = {
	{ "reviewer", required_argument, NULL, 'r' },
	{ "limit", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_shifts_entry = {
	.name = "shifts",
	.usage = "[--reviewer R] [--limit N] [--json]",
	.summary = "list shifts and their hand-off notes",
	.help =
	    "Lists the latest shifts (20 unless --limit), newest first, with\n"
	    "start, end, counts by action and hand-off note; --reviewer keeps\n"
	    "one reviewer's. --json prints one object per line.",
	.args = { "r:n:j", 0, 0 },
	.longopts = cmd_shifts_options,
	.flags = CMD_ACTOR,
	.check = cmd_shifts_check,
	.exec = cmd_shifts_exec,
};

static cJSON *
shift_json(const struct queue_shift *s)
{
	cJSON	*o, *c;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "shift", (double)s->id);
	cJSON_AddStringToObject(o, "reviewer", s->reviewer);
	cJSON_AddStringToObject(o, "started_at", s->started_at);
	if (s->ended_at != NULL)
		cJSON_AddStringToObject(o, "ended_at", s->ended_at);
	else
		cJSON_AddNullToObject(o, "ended_at");
	c = s->counts != NULL ? cJSON_Parse(s->counts) : NULL;
	cJSON_AddItemToObject(o, "counts", c != NULL ? c : cJSON_CreateNull());
	if (s->note != NULL)
		cJSON_AddStringToObject(o, "note", s->note);
	else
		cJSON_AddNullToObject(o, "note");
	return (o);
}

static void
shift_print(const struct queue_shift *s)
{
	cmd_line(stdout, "shift %lld  %s  %s .. %s  %s", (long long)s->id,
	    s->reviewer, s->started_at, s->ended_at != NULL ? s->ended_at :
	    "(open)", s->counts != NULL ? s->counts : "");
	if (s->note != NULL)
		cmd_line(stdout, "  hand-off: %s", s->note);
}

/* The shift just opened (or already open), as hitl shifts --json has it. */
static int
shift_start_json(const struct cmd_entry *e, struct queue *q, int64_t id)
{
	struct queue_shift	*s = NULL;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 rc;

	if ((rc = queue_shifts(q, queue_actor(q), 1, &s, &n, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	for (i = 0; i < n && s[i].id != id; i++)
		;
	if (i == n) {
		xasprintf(&cause, "shift %lld is not found after its start",
		    (long long)id);
		rc = cmd_fail(e, EX_SOFTWARE, cause);
	} else
		cmd_print_json(stdout, shift_json(&s[i]), 0);
	queue_shifts_free(s, n);
	return (rc);
}

/* The hand-off note is written when the shift ends. */
static int
cmd_shift_check(const struct cmd_args *args)
{
	if (strcmp(args->argv[0], "start") == 0 && cmd_args_has(args, 'n'))
		return (cmd_usage(&cmd_shift_entry));
	return (0);
}

static int
cmd_shift_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_shift_entry;
	struct queue_shift	 s;
	char			*cause = NULL;
	int64_t			 id;
	int			 rc, json = cmd_args_has(args, 'j') != 0;

	(void)ctx;
	if (strcmp(args->argv[0], "start") == 0) {
		if ((rc = queue_shift_start(q, &id, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else if (json)
			rc = shift_start_json(e, q, id);
		else
			cmd_line(stdout, "shift %lld open for %s",
			    (long long)id, queue_actor(q));
	} else {
		if ((rc = queue_shift_end(q, cmd_args_get(args, 'n'), &s,
		    &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else {
			if (json)
				cmd_print_json(stdout, shift_json(&s), 0);
			else
				shift_print(&s);
			queue_shift_done(&s);
		}
	}
	return (rc);
}

/* --limit N: how many of the latest shifts, at least one. */
static size_t
shifts_limit(const struct cmd_args *args)
{
	const char *s = cmd_args_get(args, 'n');

	return (s != NULL ? (size_t)strtoul(s, NULL, 10) : 20);
}

static int
cmd_shifts_check(const struct cmd_args *args)
{
	if (shifts_limit(args) == 0)
		return (cmd_usage(&cmd_shifts_entry));
	return (0);
}

static int
cmd_shifts_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_shifts_entry;
	struct queue_shift	*s = NULL;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 rc, json = cmd_args_has(args, 'j') != 0;

	(void)ctx;
	if ((rc = queue_shifts(q, cmd_args_get(args, 'r'), shifts_limit(args),
	    &s, &n, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	for (i = 0; i < n; i++) {
		if (json)
			cmd_print_json(stdout, shift_json(&s[i]), 0);
		else
			shift_print(&s[i]);
	}
	if (rc == 0 && n == 0 && !json)
		printf("no shifts yet\n");
	queue_shifts_free(s, n);
	return (rc);
}
