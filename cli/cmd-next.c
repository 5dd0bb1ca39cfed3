/*
 * hitl next: claim the highest-priority available item and print it with its
 * lease, for scripts and pipelines that review without the console.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_next_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_next_options[] = {
	{ "kind", required_argument, NULL, 'k' },
	{ "type", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const *next_words(const char *);

const struct cmd_entry cmd_next_entry = {
	.name = "next",
	.usage = "[--kind KIND] [--type TYPE] [--json]",
	.summary = "claim the next item to review and print it",
	.help =
	    "Claims the highest-priority available item (optionally of KIND,\n"
	    "model_output or anonymization, or with a flag category or\n"
	    "ambiguous entity type TYPE) under a new lease and prints it. The\n"
	    "first claim opens a shift. Exits 69 when nothing is left.\n"
	    "An item whose decision waits for a second reviewer (the\n"
	    "two-person rule) shows it: confirm it or decide differently.\n"
	    "--json prints {\"lease\":{...},\"item\":{...}} on one line,\n"
	    "with \"pending\":{...} for such a decision.",
	.args = { "k:t:j", 0, 0 },
	.longopts = cmd_next_options,
	.flags = CMD_ACTOR,
	.exec = cmd_next_exec,
	.words = next_words,
};

static const char *const *
next_words(const char *what)
{
	return (strcmp(what, "kind") == 0 ? cmd_kind_names : NULL);
}

static int
cmd_next_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_next_entry;
	struct queue_filter	 f = { .kind = NULL };
	struct queue_lease	 l;
	struct queue_item	*it = NULL;
	struct queue_decision_info *p = NULL;
	cJSON			*o;
	char			*cause = NULL, t[32];
	int			 rc;

	(void)ctx;
	f.kind = cmd_args_get(args, 'k');
	f.type = cmd_args_get(args, 't');
	if ((rc = queue_claim_next(q, &f, &l, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if ((rc = queue_item_get(q, l.item, &it, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if ((rc = queue_pending(q, l.item, &p, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "lease", cmd_lease_json(&l));
		cJSON_AddItemToObject(o, "item", cmd_item_json(it, 0, NULL, 0));
		if (p != NULL)
			cJSON_AddItemToObject(o, "pending",
			    cmd_decision_json(p));
		cmd_print_json(stdout, o, 0);
	} else {
		queue_format_time(l.expires, t);
		cmd_line(stdout, "lease %lld on %s until %s",
		    (long long)l.lease_id, l.item, t);
		if (p != NULL)
			cmd_pending_print(stdout, p, l.lease_id);
		cmd_item_print(stdout, q, it, NULL, 0);
	}
out:
	if (p != NULL)
		queue_decisions_free(p, 1);
	queue_item_free(it);
	queue_lease_done(&l);
	return (rc);
}
