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

static int cmd_suspend_exec(struct cmd_ctx *, int, char **);

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
	.args = { "m:p:r:j", 0, -1 },
	.longopts = cmd_source_options,
	.exec_argv = cmd_suspend_exec,
};

int
cmd_source_parse(const struct cmd_entry *e, int argc, char **argv,
    struct cmd_source *src)
{
	int ch, n = 0;

	memset(src, 0, sizeof *src);
	while ((ch = cmd_getopt(e, argc, argv)) != -1) {
		switch (ch) {
		case 'm':
		case 'p':
			src->kind = ch == 'm' ? QUEUE_SOURCE_MODEL :
			    QUEUE_SOURCE_PIPELINE;
			src->value = optarg;
			n++;
			break;
		case 'r':
			src->reason = optarg;
			break;
		case 'j':
			src->json = 1;
			break;
		default:
			return (-1);
		}
	}
	/* One source at a time: each is suspended and resumed by itself. */
	if (n != 1 || optind != argc)
		return (-1);
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
cmd_source_run(struct cmd_ctx *ctx, const struct cmd_entry *e, int resume,
    int argc, char **argv)
{
	struct queue_suspension	 s;
	struct cmd_source	 src;
	struct queue		*q;
	const char		*kind;
	char			*cause = NULL;
	int			 rc;

	if (cmd_source_parse(e, argc, argv, &src) != 0 ||
	    (!resume && src.reason == NULL))
		return (cmd_usage(e));
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	rc = resume ? queue_resume(q, src.kind, src.value, src.reason, &s,
	    &cause) : queue_suspend(q, src.kind, src.value, src.reason, &s,
	    &cause);
	cmd_close(q);
	if (rc != 0)
		return (cmd_fail(e, rc, cause));
	kind = queue_source_name(s.kind);
	if (src.json)
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

static int
cmd_suspend_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (cmd_source_run(ctx, &cmd_suspend_entry, 0, argc, argv));
}
