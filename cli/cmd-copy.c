/*
 * hitl copy: a whole queue from one database to a new one, of either
 * backend (SQLite to PostgreSQL to move up; PostgreSQL to SQLite for an
 * offline copy or an auditor), verifying to the same head.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "json.h"
#include "priv.h"

static int cmd_copy_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

const struct cmd_entry cmd_copy_entry = {
	.name = "copy",
	.usage = "[--json] SRC DST",
	.summary = "(admins) copy a whole queue into a new database",
	.help =
	    "For admins of SRC: copies the queue SRC holds, whole (policies,\n"
	    "batches and items, shifts, decisions, the audit log and its\n"
	    "signatures, leases, escalations, export runs and counters), into\n"
	    "DST, a new database (a file, or postgresql://...; DST must not\n"
	    "exist or be empty), with SRC's signing key: 'hitl audit verify' on\n"
	    "DST gives the same head as on SRC. Nothing is written unless all\n"
	    "of it is.",
	.args = { "j", 2, 2 },
	.longopts = cmd_json_options,
	.exec = cmd_copy_exec,
};

/* The database is SRC, opened here: cmd_run opens none (--db's). */
static int
cmd_copy_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *none)
{
	const struct cmd_entry		*e = &cmd_copy_entry;
	struct queue_copy_counts	 c;
	struct queue_options		 o;
	struct queue			*src;
	struct cmd_ctx			 sctx = *ctx;
	const char			*dst;
	char				*cause = NULL, a[32], b[32], d[32];
	int				 rc, shared;

	(void)none;
	/* The source first: the shared database needs the group to open. */
	if ((rc = priv_select_db(args->argv[0], &sctx.db_path, &shared,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	sctx.shared = shared;
	if ((rc = cmd_open_actor(&sctx, e, 0, &src)) != 0)
		return (rc);
	/* The copy is the user's own, made without the group. */
	priv_drop();
	dst = args->argv[1];
	if ((rc = cmd_check_output(dst, &cause)) != 0) {
		cmd_close(src);
		return (cmd_fail(e, rc, cause));
	}
	memset(&o, 0, sizeof o);
	o.path = dst;
	if (queue_names_server(dst) && (rc = cmd_keydir(&o.keydir,
	    &cause)) != 0) {
		cmd_close(src);
		return (cmd_fail(e, rc, cause));
	}
	if ((rc = queue_copy(src, &o, &c, &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (cmd_args_has(args, 'j')) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "to", dst);
		json_add_int(j, "items", (int64_t)c.items);
		json_add_int(j, "decisions", (int64_t)c.decisions);
		json_add_int(j, "events", (int64_t)c.events);
		cmd_print_json(stdout, j, 0);
	} else
		cmd_line(stdout, "copied %s items, %s decisions and %s audit "
		    "events to %s", cmd_count(c.items, a),
		    cmd_count(c.decisions, b), cmd_count(c.events, d), dst);
	cmd_close(src);
	return (rc);
}
