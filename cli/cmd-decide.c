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

static int cmd_decide_exec(struct cmd_ctx *, int, char **);

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
	.args = { "l:n:t:r:s:p:m:j", 0, -1 },
	.longopts = cmd_decide_options,
	.exec_argv = cmd_decide_exec,
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

static int
cmd_decide_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_decide_entry;
	struct queue_decision	 d;
	struct queue_decision_info *p = NULL;
	struct queue		*q = NULL;
	cJSON			*o;
	const char		*note = NULL, *team = NULL, *reason = NULL;
	const char		*severity = NULL, *payload_arg = NULL;
	char			*payload = NULL, *cause = NULL;
	int64_t			 id;
	int			 ch, rc, json = 0, have_lease = 0;
	int			 confirm = 0;

	memset(&d, 0, sizeof d);
	d.spent_ms = -1;
	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'l':
			if (decide_number(optarg, "--lease", &d.lease_id) != 0)
				return (EX_USAGE);
			have_lease = 1;
			break;
		case 'n':
			note = optarg;
			break;
		case 't':
			team = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 's':
			severity = optarg;
			break;
		case 'p':
			payload_arg = optarg;
			break;
		case 'm':
			if (decide_number(optarg, "--spent-ms",
			    &d.spent_ms) != 0)
				return (EX_USAGE);
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	if (optind + 2 != argc)
		return (cmd_usage(e));
	d.item = argv[optind];
	if (cmd_choice(e, "action", argv[optind + 1], decide_actions) == -1)
		return (EX_USAGE);
	confirm = strcmp(argv[optind + 1], "confirm") == 0;
	if (confirm) {
		if (payload_arg != NULL || note != NULL || team != NULL ||
		    reason != NULL || severity != NULL)
			return (cmd_fail(e, EX_USAGE, xstrdup("confirm makes "
			    "the pending decision again: it takes no --payload, "
			    "--note, --team, --reason or --severity")));
	} else if (queue_action_parse(argv[optind + 1], &d.action) != 0)
		return (EX_USAGE);
	if (!have_lease && (confirm || d.action != QUEUE_COMMENT)) {
		xasprintf(&cause, "%s needs --lease (from 'hitl next')",
		    argv[optind + 1]);
		return (cmd_fail(e, EX_USAGE, cause));
	}
	if (payload_arg != NULL) {
		if (note != NULL || team != NULL || reason != NULL ||
		    severity != NULL) {
			return (cmd_fail(e, EX_USAGE, xstrdup("give either "
			    "--payload or --note/--team/--reason/--severity")));
		}
		if ((rc = cmd_read_payload(payload_arg, &payload,
		    &cause)) != 0)
			return (cmd_fail(e, rc, cause));
	} else if (note != NULL || team != NULL || reason != NULL ||
	    severity != NULL) {
		o = cJSON_CreateObject();
		if (team != NULL)
			cJSON_AddStringToObject(o, "team", team);
		if (reason != NULL)
			cJSON_AddStringToObject(o, "reason", reason);
		if (severity != NULL)
			cJSON_AddStringToObject(o, "severity", severity);
		if (note != NULL)
			cJSON_AddStringToObject(o, "note", note);
		payload = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	d.payload = payload;
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		goto out;
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
	if (json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "decision", (double)id);
		cJSON_AddStringToObject(o, "item", d.item);
		cJSON_AddStringToObject(o, "action", argv[optind + 1]);
		if (p != NULL)
			cJSON_AddBoolToObject(o, "pending", 1);
		cmd_print_json(stdout, o, 0);
	} else {
		cmd_line(stdout, "decision %lld: %s %s", (long long)id,
		    argv[optind + 1], d.item);
		if (p != NULL)
			cmd_line(stdout, "pending confirmation: the two-person "
			    "rule holds it until a second, different reviewer "
			    "confirms it");
	}
out:
	if (p != NULL)
		queue_decisions_free(p, 1);
	free(payload);
	cmd_close(q);
	return (rc);
}
