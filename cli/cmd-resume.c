/*
 * hitl resume: a lead lifts the suspension of a model or a pipeline; its
 * items are triaged by the policy again and export as before.
 */
#include "config.h"

#include "cmd.h"

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
	.args = { "m:p:r:j", 0, 0 },
	.longopts = cmd_source_options,
	.flags = CMD_ACTOR,
	.check = cmd_source_check,
	.exec = cmd_source_exec,
};
