/*
 * hitl resume: a lead lifts the suspension of a model or a pipeline; its
 * items are triaged by the policy again and export as before.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_resume_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_resume_entry = {
	.name = "resume",
	.usage = "(--model M | --pipeline P) [--reason TEXT] [--json]",
	.summary = "(leads) lift the suspension of a model or pipeline",
	.help =
	    "For leads and admins: ends the suspension of the source (see\n"
	    "'hitl suspend'), with an optional reason. Imports triage its items\n"
	    "by the policy again. The items decided while it was suspended,\n"
	    "which exports left out, are taken by the next export of each\n"
	    "cursor (--since last); recorded in the audit log.",
	.optstring = "m:p:r:j",
	.longopts = cmd_source_options,
	.exec = cmd_resume_exec,
};

static int
cmd_resume_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_resume_entry;
	struct queue_suspension	 s;
	struct cmd_source	 src;
	struct queue		*q;
	char			*cause = NULL;
	int			 rc;

	if (cmd_source_parse(e, argc, argv, &src) != 0)
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_resume(q, src.kind, src.value, src.reason, &s,
	    &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	else if (src.json)
		cmd_print_json(stdout, cmd_suspension_json(&s), 0);
	else
		cmd_line(stdout, "resumed %s %s (suspended since %s by %s): "
		    "the policy triages it again; the next export of each "
		    "cursor takes what was decided of it meanwhile",
		    queue_source_name(s.kind), s.value, s.since, s.by);
	if (rc == 0)
		queue_suspension_done(&s);
	cmd_close(q);
	return (rc);
}
