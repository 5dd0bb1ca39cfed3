/*
 * hitl erase: removes every item of a data subject at once (GDPR Art. 17)
 * and prints the receipt, with the export runs to notify (Art. 19).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_erase_check(const struct cmd_args *);
static int cmd_erase_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_erase_options[] = {
	{ "subject", required_argument, NULL, 's' },
	{ "reason", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_erase_entry = {
	.name = "erase",
	.usage = "--subject ID [--reason TEXT] [--json]",
	.summary = "(admins) erase every item of a data subject",
	.help =
	    "For admins, or the role privacy.erase_role names: tombstones every\n"
	    "item whose record named the data subject ID (\"subjects\"), as purge\n"
	    "does, in one audited event, and forgets the subject. The receipt\n"
	    "lists the items, their decisions and every export run whose files\n"
	    "held them: the recipients to tell. The log keeps the subject's\n"
	    "SHA-256, not the subject. On SQLite the erased content is zeroed,\n"
	    "the -wal checkpointed and truncated and the file vacuumed.",
	.args = { "s:r:j", 0, 0 },
	.longopts = cmd_erase_options,
	.flags = CMD_ACTOR,
	.check = cmd_erase_check,
	.exec = cmd_erase_exec,
};

static void
cmd_erase_print(const struct queue_tombstone_report *r)
{
	const struct queue_tombstoned	*t;
	const struct queue_recipient	*x;
	size_t				 i, j, runs = 0;

	cmd_line(stdout, "erasure receipt: %zu items (%zu tombstoned now), "
	    "audit event %lld", r->nitems, r->removed, (long long)r->event);
	for (i = 0; i < r->nitems; i++) {
		t = &r->items[i];
		cmd_line(stdout, "item %s (%s, %s)%s", t->item, t->kind,
		    t->state, t->already ? ", purged before" : "");
		for (j = 0; j < t->ndecisions; j++)
			cmd_line(stdout, "  decision %lld: %s by %s at %s",
			    (long long)t->decisions[j].id,
			    t->decisions[j].action, t->decisions[j].reviewer,
			    t->decisions[j].decided_at);
		for (j = 0; j < t->nexports; j++) {
			x = &t->exports[j];
			cmd_line(stdout, "  exported: run %lld (%s) to %s at %s "
			    "by %s", (long long)x->id, x->format, x->path,
			    x->exported_at, x->actor);
			runs++;
		}
	}
	cmd_line(stdout, runs > 0 ? "tell the recipients of the export runs "
	    "above (GDPR Art. 19)" : "no export run held these items");
}

/* The subject is not optional, nor empty: an erasure names whose items. */
static int
cmd_erase_check(const struct cmd_args *args)
{
	const char *subject = cmd_args_get(args, 's');

	if (subject == NULL || *subject == '\0')
		return (cmd_usage(&cmd_erase_entry));
	return (0);
}

static int
cmd_erase_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_erase_entry;
	struct queue_tombstone_report	 r;
	const char			*subject = cmd_args_get(args, 's');
	cJSON				*o;
	char				*cause = NULL;
	int				 rc;

	(void)ctx;
	if ((rc = queue_erase(q, subject, cmd_args_get(args, 'r'), &r,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (cmd_args_has(args, 'j')) {
		o = cmd_tombstones_json(&r, 1);
		cJSON_AddStringToObject(o, "subject", subject);
		cmd_print_json(stdout, o, 0);
	} else
		cmd_erase_print(&r);
	queue_tombstone_report_done(&r);
	return (0);
}
