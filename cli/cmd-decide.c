/*
 * hitl decide: approve, correct, escalate, skip or comment on an item held
 * under a lease; corrections come as a JSON payload.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_decide_check(const struct cmd_args *);
static int cmd_decide_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_decide_options[] = {
	{ "lease", required_argument, NULL, 'l' },
	{ "note", required_argument, NULL, 'n' },
	{ "team", required_argument, NULL, 't' },
	{ "reason", required_argument, NULL, 'r' },
	{ "severity", required_argument, NULL, 's' },
	{ "payload", required_argument, NULL, 'p' },
	{ "spent-ms", required_argument, NULL, 'm' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const decide_actions[] = { "approve", "correct", "escalate",
    "skip", "comment", "confirm", NULL };
static const char *const *decide_words(const char *);

const struct cmd_entry cmd_decide_entry = {
	.name = "decide",
	.usage = "ITEM --lease L "
	    "approve|correct|escalate|skip|comment|confirm "
	    "[--note TEXT] [--team T --reason R --severity S] "
	    "[--payload -|FILE|JSON] [--spent-ms N] [--json]",
	.summary = "record a decision on an item you hold",
	.help =
	    "Records a decision on ITEM, which you must hold under lease L\n"
	    "(not needed for comment). approve and skip take an optional\n"
	    "--note; comment needs one; escalate needs --team, --reason and\n"
	    "--severity from the policy; correct needs --payload, a JSON object\n"
	    "(- reads standard input) described in hitl(1). If your claim was\n"
	    "lost, the decision is refused (exit 69) and nothing is changed.\n"
	    "Under the policy's two-person rule an approve or correction of\n"
	    "a covered item waits for a second reviewer: it is shown as\n"
	    "pending, and confirm (by someone else) makes the same decision.",
	.args = { "l:n:t:r:s:p:m:j", 2, 2 },
	.longopts = cmd_decide_options,
	.flags = CMD_ACTOR | CMD_PAYLOAD,
	.check = cmd_decide_check,
	.exec = cmd_decide_exec,
	.words = decide_words,
	.item_arg = 1,
};

static const char *const *
decide_words(const char *what)
{
	if (strcmp(what, "2") == 0)
		return (decide_actions);
	return (NULL);
}

static int
decide_number(const char *s, const char *what, int64_t *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0) {
		cmd_line(stderr, "hitl decide: %s: expected a whole number, "
		    "got \"%s\"", what, s);
		return (-1);
	}
	*out = v;
	return (0);
}

/* The options that make a payload of their own: not with --payload. */
static int
decide_fields(const struct cmd_args *args)
{
	return (cmd_args_has(args, 'n') || cmd_args_has(args, 't') ||
	    cmd_args_has(args, 'r') || cmd_args_has(args, 's'));
}

/*
 * --lease and --spent-ms into d (-1: --spent-ms not given); -1 if either
 * is not a whole number, said once.
 */
static int
decide_numbers(const struct cmd_args *args, struct queue_decision *d)
{
	const char *lease = cmd_args_get(args, 'l');
	const char *spent = cmd_args_get(args, 'm');

	d->spent_ms = -1;
	if (lease != NULL && decide_number(lease, "--lease", &d->lease_id) != 0)
		return (-1);
	if (spent != NULL && decide_number(spent, "--spent-ms",
	    &d->spent_ms) != 0)
		return (-1);
	return (0);
}

static int
cmd_decide_check(const struct cmd_args *args)
{
	const struct cmd_entry	*e = &cmd_decide_entry;
	const char		*action = args->argv[1];
	struct queue_decision	 d;
	char			*cause = NULL;
	int			 confirm;

	memset(&d, 0, sizeof d);
	if (decide_numbers(args, &d) != 0)
		return (EX_USAGE);
	if (cmd_choice(e, "action", action, decide_actions) == -1)
		return (EX_USAGE);
	confirm = strcmp(action, "confirm") == 0;
	if (confirm) {
		if (cmd_args_has(args, 'p') || decide_fields(args))
			return (cmd_fail(e, EX_USAGE, xstrdup("confirm makes "
			    "the pending decision again: it takes no --payload, "
			    "--note, --team, --reason or --severity")));
	} else if (queue_action_parse(action, &d.action) != 0)
		return (EX_USAGE);
	if (!cmd_args_has(args, 'l') && (confirm ||
	    d.action != QUEUE_COMMENT)) {
		xasprintf(&cause, "%s needs --lease (from 'hitl next')",
		    action);
		return (cmd_fail(e, EX_USAGE, cause));
	}
	if (cmd_args_has(args, 'p') && decide_fields(args))
		return (cmd_fail(e, EX_USAGE, xstrdup("give either "
		    "--payload or --note/--team/--reason/--severity")));
	return (0);
}

/* Without --payload (read by cmd_run), the one the fields given make. */
static char *
decide_payload(const struct cmd_args *args)
{
	static const struct {
		int		 ch;
		const char	*name;
	} fields[] = {
		{ 't', "team" }, { 'r', "reason" }, { 's', "severity" },
		{ 'n', "note" }
	};
	const char	*arg;
	char		*payload;
	cJSON		*o;
	size_t		 i;

	if (!decide_fields(args))
		return (NULL);
	o = cJSON_CreateObject();
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if ((arg = cmd_args_get(args, fields[i].ch)) != NULL)
			cJSON_AddStringToObject(o, fields[i].name, arg);
	}
	payload = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return (payload);
}

static int
cmd_decide_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_decide_entry;
	const char		*action = args->argv[1];
	struct queue_decision	 d;
	struct queue_decision_info *p = NULL;
	cJSON			*o;
	char			*payload = NULL, *cause = NULL;
	int64_t			 id;
	int			 rc, confirm = strcmp(action, "confirm") == 0;

	(void)ctx;
	memset(&d, 0, sizeof d);
	d.item = args->argv[0];
	/* As cmd_decide_check found them. */
	decide_numbers(args, &d);
	if (!confirm)
		queue_action_parse(action, &d.action);
	payload = decide_payload(args);
	d.payload = args->payload != NULL ? args->payload : payload;
	if ((rc = confirm ? queue_confirm(q, d.item, d.lease_id, d.spent_ms,
	    &id, &cause) : queue_decide(q, &d, &id, &cause)) != 0 ||
	    (rc = queue_pending(q, d.item, &p, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	/* A decision the two-person rule holds is the item's pending one. */
	if (p != NULL && p->id != id) {
		queue_decisions_free(p, 1);
		p = NULL;
	}
	if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "decision", (double)id);
		cJSON_AddStringToObject(o, "item", d.item);
		cJSON_AddStringToObject(o, "action", action);
		if (p != NULL)
			cJSON_AddBoolToObject(o, "pending", 1);
		cmd_print_json(stdout, o, 0);
	} else {
		cmd_line(stdout, "decision %lld: %s %s", (long long)id,
		    action, d.item);
		if (p != NULL)
			cmd_line(stdout, "pending confirmation: the two-person "
			    "rule holds it until a second, different reviewer "
			    "confirms it");
	}
out:
	if (p != NULL)
		queue_decisions_free(p, 1);
	free(payload);
	return (rc);
}
