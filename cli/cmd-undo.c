/*
 * hitl undo: withdraw your latest decision still in force (of this shift or
 * the policy's undo window); the item comes back to you, claimed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_undo_exec(struct cmd_ctx *, struct cmd_args *, struct queue *);

const struct cmd_entry cmd_undo_entry = {
	.name = "undo",
	.usage = "[--json]",
	.summary = "withdraw your latest decision still in force",
	.help =
	    "Appends an undo for your most recent decision that is still in\n"
	    "force, of the open shift or, across shifts, of the policy's\n"
	    "undo_window_minutes (default 1440); repeat to go further back. The\n"
	    "item comes back to you under a new lease (printed). Refused when\n"
	    "someone has acted on the item since, or once it was exported.",
	.args = { "j", 0, 0 },
	.longopts = cmd_json_options,
	.flags = CMD_ACTOR,
	.exec = cmd_undo_exec,
};

static int
cmd_undo_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_undo_entry;
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	cJSON				*o;
	char				*cause = NULL, t[32];
	int				 rc;

	(void)ctx;
	if ((rc = queue_undo(q, &d, &l, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "undone", (double)d.id);
		cJSON_AddStringToObject(o, "item", d.item);
		cJSON_AddStringToObject(o, "action", d.action);
		if (l.item != NULL)
			cJSON_AddItemToObject(o, "lease", cmd_lease_json(&l));
		else
			cJSON_AddNullToObject(o, "lease");
		cmd_print_json(stdout, o, 0);
	} else if (l.item != NULL) {
		queue_format_time(l.expires, t);
		cmd_line(stdout, "undid %s of %s (decision %lld); lease %lld "
		    "until %s", d.action, d.item, (long long)d.id,
		    (long long)l.lease_id, t);
	} else
		cmd_line(stdout, "undid %s of %s (decision %lld)", d.action,
		    d.item, (long long)d.id);
	free(d.item);
	free(d.action);
	free(d.reviewer);
	queue_lease_done(&l);
	return (0);
}
