/*
 * hitl status: what the queue holds, by kind and state, the policy in force,
 * the oldest waiting item and the latest import batches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_status_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "[--json]",
	.summary = "counts by kind and state, policy, latest imports",
	.help =
	    "Prints the number of items by kind and state, the policy version\n"
	    "in force, the oldest item waiting for a human and how long it has\n"
	    "been in the queue (since its import), and the last five import\n"
	    "batches, and the models and pipelines suspended (hitl suspend).\n"
	    "--json prints one JSON object instead.",
	.args = { "j", 0, 0 },
	.longopts = cmd_json_options,
	.flags = CMD_DB,
	.exec = cmd_status_exec,
};

static void
status_json(struct queue *q, const struct queue_stats *s,
    const struct queue_suspension *susp, size_t nsusp)
{
	cJSON	*o, *k, *arr, *b;
	char	 t[32];
	size_t	 i;
	int	 kind, state;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "database", queue_path(q));
	cJSON_AddNumberToObject(o, "schema", queue_schema_version(q));
	cJSON_AddNumberToObject(o, "policy_version", s->policy_version);
	cJSON_AddStringToObject(o, "policy_name", s->policy_name);
	cJSON_AddNumberToObject(o, "total", (double)s->total);
	k = cJSON_AddObjectToObject(o, "counts");
	for (kind = 0; kind < QUEUE_NKINDS; kind++) {
		cJSON *ko = cJSON_AddObjectToObject(k,
		    queue_kind_name((enum queue_kind)kind));

		for (state = 0; state < QUEUE_NSTATES; state++)
			cJSON_AddNumberToObject(ko,
			    queue_state_name((enum queue_state)state),
			    (double)s->counts[kind][state]);
	}
	if (s->oldest_item != NULL) {
		cJSON_AddStringToObject(o, "oldest_waiting_item",
		    s->oldest_item);
		queue_format_time(s->oldest_queued, t);
		cJSON_AddStringToObject(o, "oldest_waiting", t);
		cJSON_AddNumberToObject(o, "oldest_waiting_age_seconds",
		    (double)s->oldest_waiting);
	} else {
		cJSON_AddNullToObject(o, "oldest_waiting_item");
		cJSON_AddNullToObject(o, "oldest_waiting");
	}
	if (s->has_quality) {
		k = cJSON_AddObjectToObject(o, "quality");
		cJSON_AddNumberToObject(k, "to_adjudicate",
		    (double)s->to_adjudicate);
		cJSON_AddNumberToObject(k, "rounds_open",
		    (double)s->rounds_open);
		cJSON_AddNumberToObject(k, "gold", (double)s->gold);
	}
	arr = cJSON_AddArrayToObject(o, "suspensions");
	for (i = 0; i < nsusp; i++)
		cJSON_AddItemToArray(arr, cmd_suspension_json(&susp[i]));
	arr = cJSON_AddArrayToObject(o, "batches");
	for (i = 0; i < s->nbatches; i++) {
		b = cJSON_CreateObject();
		cJSON_AddNumberToObject(b, "id", (double)s->batches[i].id);
		cJSON_AddStringToObject(b, "started_at",
		    s->batches[i].started_at);
		cJSON_AddStringToObject(b, "operator", s->batches[i].operator);
		cJSON_AddRawToObject(b, "files", s->batches[i].files);
		cJSON_AddNumberToObject(b, "imported",
		    (double)s->batches[i].imported);
		cJSON_AddNumberToObject(b, "queued",
		    (double)s->batches[i].queued);
		cJSON_AddNumberToObject(b, "auto_decided",
		    (double)s->batches[i].auto_decided);
		cJSON_AddNumberToObject(b, "duplicates",
		    (double)s->batches[i].duplicates);
		cJSON_AddNumberToObject(b, "invalid",
		    (double)s->batches[i].invalid);
		cJSON_AddItemToArray(arr, b);
	}
	cmd_print_json(stdout, o, 0);
}

static void
status_text(struct queue *q, const struct queue_stats *s,
    const struct queue_suspension *susp, size_t nsusp)
{
	char	n[QUEUE_NSTATES][32], age[32], t[32];
	size_t	i;
	int	kind, state;

	cmd_line(stdout, "database  %s (schema %d)", queue_path(q),
	    queue_schema_version(q));
	if (s->policy_version == 0)
		printf("policy    built-in default\n");
	else
		cmd_line(stdout, "policy    version %d, \"%s\"",
		    s->policy_version, s->policy_name);
	printf("\n%-15s", "");
	for (state = 0; state < QUEUE_NSTATES; state++)
		printf(" %10s", queue_state_name((enum queue_state)state));
	printf("\n");
	for (kind = 0; kind < QUEUE_NKINDS; kind++) {
		printf("%-15s", queue_kind_name((enum queue_kind)kind));
		for (state = 0; state < QUEUE_NSTATES; state++)
			printf(" %10s", cmd_count(s->counts[kind][state],
			    n[state]));
		printf("\n");
	}
	printf("\n");
	/* Waiting time counts from import: the queue's age, not the output's. */
	if (s->oldest_item != NULL) {
		queue_format_age(s->oldest_waiting, age);
		queue_format_time(s->oldest_queued, t);
		cmd_line(stdout, "oldest waiting item: %s, %s in the queue "
		    "(imported %s)", s->oldest_item, age, t);
	} else
		printf("nothing is waiting for review\n");
	if (s->has_quality && s->to_adjudicate + s->rounds_open + s->gold > 0)
		printf("review quality: %s to adjudicate, %s rounds taking "
		    "votes, %s gold items (queued above, never waiting)\n",
		    cmd_count(s->to_adjudicate, n[0]),
		    cmd_count(s->rounds_open, n[1]), cmd_count(s->gold, n[2]));
	if (nsusp > 0) {
		printf("\nsuspended (every item to a human; exports leave out "
		    "what is decided of it until resumed):\n");
		for (i = 0; i < nsusp; i++)
			cmd_suspension_line(stdout, "  ", &susp[i]);
	}
	if (s->nbatches == 0) {
		printf("no imports yet\n");
		return;
	}
	printf("\nlatest imports:\n");
	for (i = 0; i < s->nbatches; i++) {
		cmd_line(stdout, "  batch %lld  %s  by %s  %s: imported %s "
		    "(queued %s, auto %s), duplicates %s, invalid %s",
		    (long long)s->batches[i].id, s->batches[i].started_at,
		    s->batches[i].operator, s->batches[i].files,
		    cmd_count(s->batches[i].imported, n[0]),
		    cmd_count(s->batches[i].queued, n[1]),
		    cmd_count(s->batches[i].auto_decided, n[2]),
		    cmd_count(s->batches[i].duplicates, n[3]),
		    cmd_count(s->batches[i].invalid, n[4]));
	}
}


int
cmd_status_print(struct queue *q, int json, char **cause)
{
	struct queue_stats	 s;
	struct queue_suspension	*susp;
	size_t			 nsusp;
	int			 rc;

	if ((rc = queue_stats(q, 5, &s, cause)) != 0)
		return (rc);
	if ((rc = queue_suspensions(q, 0, &susp, &nsusp, cause)) != 0) {
		queue_stats_done(&s);
		return (rc);
	}
	if (json)
		status_json(q, &s, susp, nsusp);
	else
		status_text(q, &s, susp, nsusp);
	queue_suspensions_free(susp, nsusp);
	queue_stats_done(&s);
	return (0);
}

static int
cmd_status_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry	*e = &cmd_status_entry;
	char			*cause = NULL;
	int			 rc;

	/*
	 * Anyone may read the status; who is asking only decides whether the
	 * review-quality line (a lead's) is shown, so a login the policy does
	 * not know gets the rest.
	 */
	if (queue_set_actor(q, cmd_login(), ctx->reviewer, &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	if ((rc = cmd_status_print(q, cmd_args_has(args, 'j') != 0,
	    &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	return (rc);
}
