/*
 * hitl purge: removes the content of items kept past the policy's
 * retention, leaving tombstones (meant for cron or a systemd timer).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_purge_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_purge_options[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_purge_entry = {
	.name = "purge",
	.usage = "[--dry-run] [--json]",
	.summary = "(admins) remove content kept past the retention policy",
	.help =
	    "For admins: removes the content (text, prompt, messages, the input\n"
	    "line, and the corrections and notes of its decisions) of every item\n"
	    "whose final decision is older than the policy's\n"
	    "retention.content_days. Each keeps a tombstone: its id, kind and\n"
	    "state, the SHA-256 of what was removed, when and why. The run is one\n"
	    "audit event; the log is checked first and verifies after. The audit\n"
	    "log itself is never purged (retention.audit_days is its minimum).\n"
	    "--dry-run lists what would go and changes nothing.",
	.args = { "nj", 0, 0 },
	.longopts = cmd_purge_options,
	.flags = CMD_ACTOR,
	.exec = cmd_purge_exec,
};

/* The items of a purge or erase, for people or as JSON. */
cJSON *
cmd_tombstones_json(const struct queue_tombstone_report *r, int receipt)
{
	const struct queue_tombstoned	*t;
	cJSON				*root, *arr, *o, *a, *x;
	size_t				 i, j;

	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "tombstoned", (double)r->removed);
	if (r->event != 0)
		cJSON_AddNumberToObject(root, "audit_event", (double)r->event);
	else
		cJSON_AddNullToObject(root, "audit_event");
	arr = cJSON_AddArrayToObject(root, "items");
	for (i = 0; i < r->nitems; i++) {
		t = &r->items[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "item", t->item);
		cJSON_AddStringToObject(o, "kind", t->kind);
		cJSON_AddStringToObject(o, "state", t->state);
		if (t->sha256[0] != '\0')
			cJSON_AddStringToObject(o, "removed_sha256", t->sha256);
		if (receipt) {
			cJSON_AddBoolToObject(o, "purged_before", t->already);
			a = cJSON_AddArrayToObject(o, "decisions");
			for (j = 0; j < t->ndecisions; j++)
				cJSON_AddItemToArray(a,
				    cmd_decision_json(&t->decisions[j]));
			a = cJSON_AddArrayToObject(o, "exports");
			for (j = 0; j < t->nexports; j++) {
				x = cJSON_CreateObject();
				cJSON_AddNumberToObject(x, "export",
				    (double)t->exports[j].id);
				cJSON_AddStringToObject(x, "format",
				    t->exports[j].format);
				cJSON_AddStringToObject(x, "path",
				    t->exports[j].path);
				cJSON_AddStringToObject(x, "exported_at",
				    t->exports[j].exported_at);
				cJSON_AddStringToObject(x, "actor",
				    t->exports[j].actor);
				cJSON_AddItemToArray(a, x);
			}
		}
		cJSON_AddItemToArray(arr, o);
	}
	return (root);
}

static int
cmd_purge_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_purge_entry;
	struct queue_tombstone_report	 r;
	cJSON				*o;
	char				*cause = NULL;
	int				 rc, dry = cmd_args_has(args, 'n') != 0;
	size_t				 i;

	(void)ctx;
	if ((rc = queue_purge(q, dry, &r, &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		o = cmd_tombstones_json(&r, 0);
		cJSON_AddBoolToObject(o, "dry_run", dry);
		if (r.content_days > 0) {
			cJSON_AddNumberToObject(o, "content_days",
			    r.content_days);
			cJSON_AddStringToObject(o, "decided_before", r.before);
		} else
			cJSON_AddNullToObject(o, "content_days");
		cmd_print_json(stdout, o, 0);
	} else if (r.content_days == 0)
		cmd_line(stdout, "nothing to purge: the policy sets no "
		    "retention.content_days (content is kept)");
	else {
		for (i = 0; i < r.nitems; i++)
			cmd_line(stdout, "%s %s (%s, %s)", dry ? "would purge" :
			    "purged", r.items[i].item, r.items[i].kind,
			    r.items[i].state);
		cmd_line(stdout, "%s%zu items last decided before %s "
		    "(retention.content_days %d)%s", dry ? "dry run: " : "",
		    r.nitems, r.before, r.content_days, dry ? ", nothing "
		    "changed" : "");
	}
	queue_tombstone_report_done(&r);
	return (0);
}
