/*
 * hitl audit verify|head|key|log: check the record, print the chain's head
 * or the signing key to publish elsewhere, or print the history of events.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "xmalloc.h"
#include "json.h"

static int cmd_audit_check(const struct cmd_args *);
static int cmd_audit_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_audit_options[] = {
	{ "item", required_argument, NULL, 'i' },
	{ "reviewer", required_argument, NULL, 'r' },
	{ "key", required_argument, NULL, 'k' },
	{ "expect", required_argument, NULL, 'e' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static const char *const audit_subcommands[] = { "verify", "head", "key",
    "log", NULL };

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "verify [--key PUBLIC.pem] [--expect HEAD] | head | key | "
	    "log [--item ID] [--reviewer R] [--json]",
	.summary = "verify the record, print the chain's head, its key or the "
	    "history",
	.help =
	    "'verify' checks every page of the database file, recomputes every\n"
	    "hash of the chain, checks the signature of every write, and checks\n"
	    "policies, import batches and their items, decisions, escalations,\n"
	    "shifts and export runs against the events that made them. It names\n"
	    "the damage, the first broken link, the first unsigned or badly\n"
	    "signed event or the row that disagrees (exit 65), or prints what\n"
	    "it checked. --key checks the signatures with a public key published\n"
	    "earlier (hitl audit key) instead of the key beside the database;\n"
	    "--expect fails unless the chain still holds a head published\n"
	    "earlier (hitl audit head), so a cut or rewritten log is caught.\n"
	    "'head' prints the head hash, to publish outside the database.\n"
	    "'key' prints the public key that signs the log (PEM).\n"
	    "'log' prints the events in order (--json: one object per line).",
	.args = { "i:r:k:e:j", 1, 1 },
	.longopts = cmd_audit_options,
	.flags = CMD_DB,
	.check = cmd_audit_check,
	.exec = cmd_audit_exec,
	.subcommands = audit_subcommands,
};

static int
audit_print(const struct queue_audit_event *ev, void *arg)
{
	cJSON	*o, *body;
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
	cmd_line(stdout, "%6lld %s %-14s %-10s %s", (long long)ev->seq, ev->at,
	    ev->event, ev->actor, ev->item != NULL ? ev->item : "-");
	cmd_line(stdout, "       %s", ev->body);
	return (0);
}

static void
audit_verify_print(const struct queue_verify_report *r, int json)
{
	char	a[32], b[32], c[32], d[32], e[32], f[32], g[32];
	cJSON	*o;

	if (json) {
		o = cJSON_CreateObject();
		json_add_int(o, "events", r->events);
		cJSON_AddStringToObject(o, "head", r->head);
		json_add_int(o, "signatures", r->signatures);
		json_add_int(o, "unsigned_before_signing", r->legacy);
		if (r->key_id[0] != '\0') {
			cJSON_AddStringToObject(o, "key_id", r->key_id);
			cJSON_AddStringToObject(o, "key_from", r->key_from);
		} else
			cJSON_AddNullToObject(o, "key_id");
		if (r->expect_seq != 0)
			json_add_int(o, "expected_head_at", r->expect_seq);
		json_add_int(o, "policies", (int64_t)r->policies);
		json_add_int(o, "batches", (int64_t)r->batches);
		json_add_int(o, "items", (int64_t)r->items);
		json_add_int(o, "decisions", (int64_t)r->decisions);
		json_add_int(o, "escalations", (int64_t)r->escalations);
		json_add_int(o, "shifts", (int64_t)r->shifts);
		json_add_int(o, "exports", (int64_t)r->exports);
		json_add_int(o, "unbaselined", (int64_t)r->unbaselined);
		json_add_int(o, "tombstoned", (int64_t)r->tombstoned);
		json_add_int(o, "resealed", (int64_t)r->resealed);
		cmd_print_json(stdout, o, 0);
		return;
	}
	printf("audit chain verified: %lld events, head %s\n",
	    (long long)r->events, r->head);
	if (r->key_id[0] != '\0' && r->signatures > 0)
		printf("signatures: %s, every write signed by key %s (from %s)"
		    "\n", cmd_count((uint64_t)r->signatures, a), r->key_id,
		    r->key_from);
	else
		printf("signatures: none (the log was made before signing)\n");
	if (r->legacy > 0 && r->signatures > 0)
		printf("made before signing: %s events, covered by the first "
		    "signature after them\n", cmd_count((uint64_t)r->legacy, a));
	if (r->unbaselined > 0)
		printf("not yet on record: what %s import batches made before "
		    "signing stored (the next write records it)\n",
		    cmd_count(r->unbaselined, a));
	if (r->expect_seq != 0)
		printf("published head: found at event %lld\n",
		    (long long)r->expect_seq);
	printf("checked against the log: %s policy versions, %s import "
	    "batches (%s items), %s decisions, %s escalations, %s shifts, %s "
	    "export runs\n", cmd_count(r->policies, a), cmd_count(r->batches, b),
	    cmd_count(r->items, c), cmd_count(r->decisions, d),
	    cmd_count(r->escalations, e), cmd_count(r->shifts, f),
	    cmd_count(r->exports, g));
	if (r->tombstoned > 0)
		printf("tombstoned: %s items, their content removed by purge or "
		    "erase events that verify\n", cmd_count(r->tombstoned, a));
	if (r->resealed > 0)
		printf("resealed: %s events of the first format, their "
		    "payloads replaced by hashes, as the purge or erase events "
		    "list them\n", cmd_count(r->resealed, a));
}

/* --item and --reviewer are log's; --key and --expect verify's. */
static int
cmd_audit_check(const struct cmd_args *args)
{
	const struct cmd_entry	*e = &cmd_audit_entry;
	const char		*what = args->argv[0];
	const char		*expect = cmd_args_get(args, 'e');

	if (strcmp(what, "log") != 0 && (cmd_args_has(args, 'i') ||
	    cmd_args_has(args, 'r')))
		return (cmd_usage(e));
	if (strcmp(what, "verify") != 0 && (cmd_args_has(args, 'k') ||
	    expect != NULL))
		return (cmd_usage(e));
	if (expect != NULL && (strlen(expect) != 64 ||
	    strspn(expect, "0123456789abcdef") != 64)) {
		return (cmd_fail(e, EX_USAGE, xstrdup("--expect takes a head "
		    "as 'hitl audit head' prints it: 64 lower-case hex "
		    "digits")));
	}
	return (0);
}

static int
cmd_audit_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *q)
{
	const struct cmd_entry		*e = &cmd_audit_entry;
	struct queue_verify_options	 vo;
	struct queue_verify_report	 report;
	const char			*what = args->argv[0];
	const char			*keyfile = cmd_args_get(args, 'k');
	char				*cause = NULL, head[65], *pem = NULL;
	size_t				 len;
	int64_t				 events;
	int				 rc, json;

	json = cmd_args_has(args, 'j') != 0;
	memset(&vo, 0, sizeof vo);
	vo.expect = cmd_args_get(args, 'e');
	if (keyfile != NULL) {
		if ((rc = cmd_read_file(keyfile, &pem, &len, &cause)) != 0)
			return (cmd_fail(e, rc, cause));
		vo.key = pem;
		vo.keylen = len;
	}
	if (strcmp(what, "verify") == 0) {
		if ((rc = queue_audit_verify(q, &vo, &report, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else
			audit_verify_print(&report, json);
	} else if (strcmp(what, "head") == 0) {
		if ((rc = queue_audit_head(q, &events, head, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else if (json) {
			cJSON *o = cJSON_CreateObject();

			json_add_int(o, "events", events);
			cJSON_AddStringToObject(o, "head", head);
			cmd_print_json(stdout, o, 0);
		} else
			printf("%s\n", head);
	} else if (strcmp(what, "key") == 0) {
		if ((rc = queue_audit_key(q, &pem, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
		else
			fputs(pem, stdout);
	} else {
		/* Of the four, only the log is read as who is acting. */
		if ((rc = cmd_set_actor(ctx, e, q)) == 0 &&
		    (rc = queue_audit_log(q, cmd_args_get(args, 'i'),
		    cmd_args_get(args, 'r'), audit_print, &json,
		    &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
	}
	free(pem);
	return (rc);
}
