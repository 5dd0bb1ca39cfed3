/*
 * hitl suspend: a lead stops a model or a pipeline (the overseer's stop
 * button); what suspend and resume share of their options and output.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

const struct option cmd_source_options[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "pipeline", required_argument, NULL, 'p' },
	{ "reason", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_suspend_entry = {
	.name = "suspend",
	.usage = "(--model M | --pipeline P) --reason TEXT [--json]",
	.summary = "(leads) stop a model or pipeline: all of it to a human",
	.help =
	    "For leads and admins: suspends the source (the \"source\" of the\n"
	    "records: its model or its pipeline), saying why. Until 'hitl\n"
	    "resume', every item of it that is imported goes to a human: no\n"
	    "auto-accept, no auto-reject, no spot-check sampling, every span\n"
	    "to be judged; the console marks its waiting items and shows the\n"
	    "suspension in its header; exports leave out its items decided\n"
	    "after the suspension began (counted in the manifest, \"skipped\":\n"
	    "{\"suspended\": N}). Recorded in the audit log; 'hitl status'\n"
	    "lists what is suspended.",
	.args = { "m:p:r:j", 0, 0 },
	.longopts = cmd_source_options,
	.flags = CMD_ACTOR,
	.check = cmd_source_check,
	.exec = cmd_source_exec,
};

/* One source at a time: each is suspended and resumed by itself. */
int
cmd_source_check(const struct cmd_args *args)
{
	if (cmd_args_has(args, 'm') + cmd_args_has(args, 'p') != 1 ||
	    (args->entry == &cmd_suspend_entry && !cmd_args_has(args, 'r')))
		return (cmd_usage(args->entry));
	return (0);
}

cJSON *
cmd_suspension_json(const struct queue_suspension *s)
{
	cJSON *o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)s->id);
	cJSON_AddStringToObject(o, "source_kind", queue_source_name(s->kind));
	cJSON_AddStringToObject(o, "source_value", s->value);
	cJSON_AddStringToObject(o, "reason", s->reason);
	cJSON_AddStringToObject(o, "suspended_by", s->by);
	cJSON_AddStringToObject(o, "since", s->since);
	cJSON_AddNumberToObject(o, "since_decision",
	    (double)s->since_decision);
	if (s->resumed_at != NULL) {
		cJSON_AddStringToObject(o, "resumed_at", s->resumed_at);
		cJSON_AddStringToObject(o, "resumed_by", s->resumed_by);
		if (s->resume_reason != NULL)
			cJSON_AddStringToObject(o, "resume_reason",
			    s->resume_reason);
		cJSON_AddNumberToObject(o, "until_decision",
		    (double)s->until_decision);
	}
	return (o);
}

void
cmd_suspension_line(FILE *f, const char *indent,
    const struct queue_suspension *s)
{
	/* Every part but the kind is someone's text: the line is made safe. */
	cmd_line(f, "%s%s %s since %s by %s: %s", indent,
	    queue_source_name(s->kind), s->value, s->since, s->by, s->reason);
}

int
cmd_source_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = args->entry;
	struct queue_suspension	 s;
	enum queue_source	 src = cmd_args_has(args, 'm') ?
				    QUEUE_SOURCE_MODEL : QUEUE_SOURCE_PIPELINE;
	const char		*value, *reason = cmd_args_get(args, 'r');
	const char		*kind;
	char			*cause = NULL;
	int			 rc, resume = e == &cmd_resume_entry;

	(void)ctx;
	value = cmd_args_get(args, src == QUEUE_SOURCE_MODEL ? 'm' : 'p');
	rc = resume ? queue_resume(q, src, value, reason, &s, &cause) :
	    queue_suspend(q, src, value, reason, &s, &cause);
	if (rc != 0)
		return (cmd_fail(e, rc, cause));
	kind = queue_source_name(s.kind);
	if (cmd_args_has(args, 'j'))
		cmd_print_json(stdout, cmd_suspension_json(&s), 0);
	else if (resume)
		cmd_line(stdout, "resumed %s %s (suspended since %s by %s): "
		    "the policy triages it again; the next export of each "
		    "cursor takes what was decided of it meanwhile", kind,
		    s.value, s.since, s.by);
	else
		cmd_line(stdout, "suspended %s %s: every item of it goes to a "
		    "human, and exports leave out what is decided of it from "
		    "now on, until 'hitl resume --%s %s'", kind, s.value, kind,
		    s.value);
	queue_suspension_done(&s);
	return (0);
}
