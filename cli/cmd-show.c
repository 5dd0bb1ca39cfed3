/*
 * hitl show: one item with its flags or spans, its claim and its full
 * history of decisions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_show_check(const struct cmd_args *);
static int cmd_show_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_show_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "reveal", no_argument, NULL, 'r' },
	{ "reason", required_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "[--json] [--reveal [--reason TEXT]] ITEM",
	.summary = "print an item, its flags or spans and its history",
	.help =
	    "Prints the item with the producer id ITEM: when the producer made\n"
	    "it (created) and when it entered the queue (imported, with how long\n"
	    "it has waited), its text (control and invisible characters shown as\n"
	    "marks), flags or spans with each span's Presidio explanation, who\n"
	    "holds it, and every decision taken on it. --json prints one JSON\n"
	    "object.\n"
	    "\n"
	    "Personal data the decision does not need is masked as its entity\n"
	    "type (\u27e6EMAIL_ADDRESS\u27e7): spans triage accepted and the ranges\n"
	    "of pii.* flags; --json says \"masked\": true when it masked any.\n"
	    "--reveal shows them, recorded in the audit log (event reveal) with\n"
	    "--reason, which the policy may require (privacy.reveal_reason).\n"
	    "Nothing is masked under privacy.mask \"none\".",
	.args = { "j", 1, 1 },
	.longopts = cmd_show_options,
	.flags = CMD_ACTOR,
	.check = cmd_show_check,
	.exec = cmd_show_exec,
	.item_arg = 1,
};

/*
 * Masks the item's text as the console does with no span selected: what
 * is printed then never holds the values (the offsets of spans and flags
 * still count in the stored text).
 */
static int
cmd_show_mask(struct queue *q, struct queue_item *it, size_t *n,
    char **cause)
{
	const struct policy	*p;
	struct queue_mask	*m;
	char			*text;
	int			 rc;

	if ((rc = queue_policy(q, &p, NULL, cause)) != 0)
		return (rc);
	if ((*n = queue_mask_ranges(it, p, QUEUE_MASK_NO_SPAN, NULL,
	    &m)) == 0)
		return (0);
	text = queue_mask_text(it->text, m, *n);
	free(m);
	free(it->text);
	it->text = text;
	return (0);
}

/* --reason says why the values are revealed: only with --reveal. */
static int
cmd_show_check(const struct cmd_args *args)
{
	if (cmd_args_has(args, 'R') && !cmd_args_has(args, 'r'))
		return (cmd_usage(&cmd_show_entry));
	return (0);
}

static int
cmd_show_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_show_entry;
	struct queue_decision_info	*hist = NULL;
	cJSON				*o;
	struct queue_item		*it = NULL;
	const char			*item = args->argv[0];
	size_t				 n = 0, nmask = 0;
	char				*cause = NULL;
	int				 rc;

	(void)ctx;
	if ((rc = queue_item_history(q, item, &hist, &n, &cause)) != 0 ||
	    (rc = queue_item_get(q, item, &it, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if (cmd_args_has(args, 'r'))
		rc = queue_reveal(q, it->ext_id, cmd_args_get(args, 'R'),
		    &cause);
	else
		rc = cmd_show_mask(q, it, &nmask, &cause);
	if (rc != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if (cmd_args_has(args, 'j')) {
		o = cmd_item_json(it, 1, hist, n);
		cJSON_AddBoolToObject(o, "masked", nmask > 0);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_item_print(stdout, q, it, hist, n);
out:
	queue_decisions_free(hist, n);
	queue_item_free(it);
	return (rc);
}
