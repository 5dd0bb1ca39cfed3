/*
 * hitl show: one item with its flags or spans, its claim and its full
 * history of decisions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_show_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "[--json] ITEM",
	.summary = "print an item, its flags or spans and its history",
	.help =
	    "Prints the item with the producer id ITEM: when the producer made\n"
	    "it (created) and when it entered the queue (imported, with how long\n"
	    "it has waited), its text (control and invisible characters shown as\n"
	    "marks), flags or spans with each span's Presidio explanation, who\n"
	    "holds it, and every decision taken on it. --json prints one JSON\n"
	    "object.",
	.optstring = "j",
	.longopts = cmd_json_options,
	.exec = cmd_show_exec,
	.item_arg = 1,
};

static int
cmd_show_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry		*e = &cmd_show_entry;
	struct queue_decision_info	*hist = NULL;
	struct queue_item		*it = NULL;
	struct queue			*q;
	size_t				 n = 0;
	char				*cause = NULL;
	int				 rc, json = 0;

	if (cmd_getopt_json(e, argc, argv, &json) != 0)
		return (cmd_usage(e));
	if (optind + 1 != argc)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_item_history(q, argv[optind], &hist, &n,
	    &cause)) != 0 ||
	    (rc = queue_item_get(q, argv[optind], &it, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if (json)
		cmd_print_json(stdout, cmd_item_json(it, 1, hist, n), 0);
	else
		cmd_item_print(stdout, q, it, hist, n);
out:
	queue_decisions_free(hist, n);
	queue_item_free(it);
	cmd_close(q);
	return (rc);
}
