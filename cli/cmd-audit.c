/*
 * hitl audit verify|head|log: check the hash chain, print its head to
 * publish elsewhere, or print the history of events.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "textsafe.h"

static int cmd_audit_exec(struct cmd_ctx *, int, char **);

static const struct option cmd_audit_options[] = {
	{ "item", required_argument, NULL, 'i' },
	{ "reviewer", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "verify | head | log [--item ID] [--reviewer R] [--json]",
	.summary = "verify the audit chain, print its head or the history",
	.help =
	    "'verify' checks every page of the database file, recomputes every\n"
	    "hash of the chain and checks each decision against its event; it\n"
	    "names the damage or the first broken or missing link (exit 65) or\n"
	    "prints the number of events and the head hash.\n"
	    "'head' prints the head hash, to publish outside the database.\n"
	    "'log' prints the events in order (--json: one object per line).",
	.optstring = "i:r:j",
	.longopts = cmd_audit_options,
	.exec = cmd_audit_exec,
};

static int
audit_print(const struct queue_audit_event *ev, void *arg)
{
	cJSON	*o, *body;
	char	*safe;
	int	 json = *(int *)arg;

	if (json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
		cJSON_AddStringToObject(o, "at", ev->at);
		cJSON_AddStringToObject(o, "actor", ev->actor);
		cJSON_AddStringToObject(o, "event", ev->event);
		if (ev->item != NULL)
			cJSON_AddStringToObject(o, "item", ev->item);
		else
			cJSON_AddNullToObject(o, "item");
		body = cJSON_Parse(ev->body);
		cJSON_AddItemToObject(o, "data", body != NULL ?
		    cJSON_DetachItemFromObject(body, "data") :
		    cJSON_CreateNull());
		cJSON_Delete(body);
		cJSON_AddStringToObject(o, "hash", ev->hash);
		cmd_print_json(stdout, o, 0);
		return (0);
	}
	safe = textsafe_copy(ev->body, strlen(ev->body), 0, NULL);
	printf("%6lld %s %-14s %-10s %s\n", (long long)ev->seq, ev->at,
	    ev->event, ev->actor, ev->item != NULL ? ev->item : "-");
	printf("       %s\n", safe);
	free(safe);
	return (0);
}

static int
cmd_audit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_audit_entry;
	struct queue		*q;
	const char		*item = NULL, *reviewer = NULL, *what;
	char			*cause = NULL, head[65];
	int64_t			 events;
	int			 ch, rc, json = 0;

	while ((ch = getopt_long(argc, argv, e->optstring, e->longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'i':
			item = optarg;
			break;
		case 'r':
			reviewer = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (cmd_usage(e));
		}
	}
	if (optind + 1 != argc)
		return (cmd_usage(e));
	what = argv[optind];
	if (strcmp(what, "log") != 0 && (item != NULL || reviewer != NULL))
		return (cmd_usage(e));
	if (strcmp(what, "verify") == 0) {
		if ((rc = cmd_open(ctx, e, 0, &q)) != 0)
			return (rc);
		if ((rc = queue_audit_verify(q, &events, head, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddNumberToObject(o, "events", (double)events);
			cJSON_AddStringToObject(o, "head", head);
			cmd_print_json(stdout, o, 0);
		} else
			printf("audit chain verified: %lld events, head %s\n",
			    (long long)events, head);
	} else if (strcmp(what, "head") == 0) {
		if ((rc = cmd_open(ctx, e, 0, &q)) != 0)
			return (rc);
		if ((rc = queue_audit_head(q, &events, head, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else
			printf("%s\n", head);
	} else if (strcmp(what, "log") == 0) {
		if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
			return (rc);
		if ((rc = queue_audit_log(q, item, reviewer, audit_print,
		    &json, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
	} else
		return (cmd_usage(e));
	queue_close(q);
	return (rc);
}
