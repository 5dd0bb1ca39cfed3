/*
 * hitl report processing: the record of processing activities (GDPR
 * Art. 30) a privacy officer keeps for the queue, from what hitl knows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "policy.h"
#include "report.h"
#include "sink.h"
#include "xmalloc.h"

/* The export runs of one format and redaction: one kind of recipient. */
struct report_recipient {
	char		*format, *redact;
	uint64_t	 runs, records;
	char		*first, *last;
};

struct report_recipients {
	struct report_recipient	*r;
	size_t			 n;
};

static int
report_recipient_add(const struct queue_export_run *run, int64_t id,
    const char *at, const char *actor, void *arg)
{
	struct report_recipients	*rs = arg;
	struct report_recipient		*r;
	const cJSON			*v;
	cJSON				*o;
	const char			*redact = "unknown";
	size_t				 i;

	(void)id;
	(void)actor;
	o = cJSON_Parse(run->options);
	v = cJSON_GetObjectItemCaseSensitive(o, "redact");
	if (cJSON_IsString(v))
		redact = v->valuestring;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].format, run->format) == 0 &&
		    strcmp(rs->r[i].redact, redact) == 0)
			break;
	if (i == rs->n) {
		rs->r = xreallocarray(rs->r, rs->n + 1, sizeof *rs->r);
		r = &rs->r[rs->n++];
		memset(r, 0, sizeof *r);
		r->format = xstrdup(run->format);
		r->redact = xstrdup(redact);
		r->first = xstrdup(at);
	}
	r = &rs->r[i];
	r->runs++;
	r->records += run->records;
	free(r->last);
	r->last = xstrdup(at);
	cJSON_Delete(o);
	return (0);
}

static void
report_recipients_free(struct report_recipients *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].format);
		free(rs->r[i].redact);
		free(rs->r[i].first);
		free(rs->r[i].last);
	}
	free(rs->r);
}

/* "0600", or NULL for no file. */
static const char *
report_mode(int mode, char buf[16])
{
	if (mode < 0)
		return (NULL);
	snprintf(buf, 16, "%04o", (unsigned)mode & 07777);
	return (buf);
}

/* A number of days, or null for none (kept without limit). */
static void
report_days(cJSON *o, const char *key, int days)
{
	if (days > 0)
		cJSON_AddNumberToObject(o, key, days);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
report_json(const struct policy *pol, int version,
    const struct queue_processing *p, const struct report_recipients *rs)
{
	static const char *const report_access[] = {
		"default_role", "roles", "teams", "exports"
	};
	cJSON	*o, *a, *e, *access, *pj;
	char	 m[16];
	size_t	 i;

	o = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(o, "policy");
	cJSON_AddStringToObject(e, "name", pol->name);
	cJSON_AddNumberToObject(e, "version", version);

	/* Why, and what of people: the controller's words, in the policy. */
	json_add_string_or_null(o, "purpose", pol->purpose);
	a = cJSON_AddArrayToObject(o, "categories");
	for (i = 0; i < pol->ncategories; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(pol->categories[i]));

	a = cJSON_AddArrayToObject(o, "personal_data");
	for (i = 0; i < p->ntypes; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", p->types[i].type);
		cJSON_AddStringToObject(e, "source", p->types[i].flag ?
		    "flag" : "span");
		cJSON_AddNumberToObject(e, "items",
		    (double)p->types[i].items);
		cJSON_AddNumberToObject(e, "values",
		    (double)p->types[i].values);
		cJSON_AddItemToArray(a, e);
	}

	/* Who may act, as policy show has it. */
	access = cJSON_AddObjectToObject(o, "access");
	pj = policy_to_json(pol);
	for (i = 0; i < sizeof report_access / sizeof report_access[0]; i++)
		cJSON_AddItemToObject(access, report_access[i],
		    cJSON_DetachItemFromObjectCaseSensitive(pj,
		    report_access[i]));
	cJSON_Delete(pj);

	a = cJSON_AddArrayToObject(o, "actors");
	for (i = 0; i < p->nactors; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "actor", p->actors[i].actor);
		cJSON_AddNumberToObject(e, "events",
		    (double)p->actors[i].events);
		cJSON_AddStringToObject(e, "first", p->actors[i].first);
		cJSON_AddStringToObject(e, "last", p->actors[i].last);
		cJSON_AddItemToArray(a, e);
	}

	a = cJSON_AddArrayToObject(o, "recipients");
	for (i = 0; i < rs->n; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "format", rs->r[i].format);
		cJSON_AddStringToObject(e, "redact", rs->r[i].redact);
		cJSON_AddNumberToObject(e, "runs", (double)rs->r[i].runs);
		cJSON_AddNumberToObject(e, "records",
		    (double)rs->r[i].records);
		cJSON_AddStringToObject(e, "first", rs->r[i].first);
		cJSON_AddStringToObject(e, "last", rs->r[i].last);
		cJSON_AddItemToArray(a, e);
	}

	/* How long, and what was removed (null: kept without limit). */
	e = cJSON_AddObjectToObject(o, "retention");
	report_days(e, "content_days", pol->content_days);
	report_days(e, "audit_days", pol->audit_days);
	cJSON_AddStringToObject(e, "erase_role",
	    policy_role_name(pol->erase_role));
	a = cJSON_AddArrayToObject(o, "removals");
	for (i = 0; i < p->nremovals; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "cause", p->removals[i].cause);
		cJSON_AddNumberToObject(e, "items",
		    (double)p->removals[i].items);
		cJSON_AddNumberToObject(e, "runs", (double)p->removals[i].runs);
		cJSON_AddStringToObject(e, "first", p->removals[i].first);
		cJSON_AddStringToObject(e, "last", p->removals[i].last);
		cJSON_AddItemToArray(a, e);
	}

	e = cJSON_AddObjectToObject(o, "measures");
	cJSON_AddStringToObject(e, "export_redaction_default",
	    export_redact_names[EXPORT_REDACT_DEFAULT]);
	cJSON_AddStringToObject(e, "console_masking", pol->mask_none ?
	    "none" : "entities");
	cJSON_AddBoolToObject(e, "reveal_reason", pol->reveal_reason);

	e = cJSON_AddObjectToObject(o, "storage");
	cJSON_AddStringToObject(e, "backend", p->backend);
	cJSON_AddBoolToObject(e, "shared", p->shared);
	if (report_mode(p->db_mode, m) != NULL)
		cJSON_AddStringToObject(e, "database_mode", m);
	else
		cJSON_AddNullToObject(e, "database_mode");
	if (report_mode(p->key_mode, m) != NULL)
		cJSON_AddStringToObject(e, "key_mode", m);
	else
		cJSON_AddNullToObject(e, "key_mode");
	if (p->key_id[0] != '\0')
		cJSON_AddStringToObject(e, "key_id", p->key_id);
	else
		cJSON_AddNullToObject(e, "key_id");
	return (o);
}

#define REPORT_S(n) ((n) == 1 ? "" : "s")

/* "a, b, c", or "none". */
static char *
report_join(char *const *v, size_t n)
{
	char	*s, *t;
	size_t	 i;

	if (n == 0)
		return (xstrdup("none"));
	s = xstrdup(v[0]);
	for (i = 1; i < n; i++) {
		xasprintf(&t, "%s, %s", s, v[i]);
		free(s);
		s = t;
	}
	return (s);
}

static void
report_text(const struct policy *pol, int version,
    const struct queue_processing *p, const struct report_recipients *rs)
{
	char	 n1[32], n2[32], m[16], *leads, *cats;
	size_t	 i;

	printf("record of processing activities\n");
	cmd_line(stdout, "policy: %s, version %d", pol->name, version);
	if (pol->purpose != NULL)
		cmd_line(stdout, "purpose: %s", pol->purpose);
	else
		printf("purpose: not stated (policy privacy.purpose)\n");
	cats = report_join(pol->categories, pol->ncategories);
	cmd_line(stdout, "categories of personal data: %s", cats);
	free(cats);

	printf("\npersonal data held:\n");
	if (p->ntypes == 0)
		printf("  none found\n");
	for (i = 0; i < p->ntypes; i++)
		cmd_line(stdout, "  %-4s %s: %s item%s, %s %s%s",
		    p->types[i].flag ? "flag" : "span", p->types[i].type,
		    cmd_count(p->types[i].items, n1),
		    REPORT_S(p->types[i].items),
		    cmd_count(p->types[i].values, n2),
		    p->types[i].flag ? "flag" : "value",
		    REPORT_S(p->types[i].values));

	printf("\naccess:\n");
	printf("  anyone else: %s\n", policy_role_name(pol->default_role));
	for (i = 0; i < pol->nlogins; i++)
		cmd_line(stdout, "  %s: %s", pol->logins[i].login,
		    policy_role_name(pol->logins[i].role));
	for (i = 0; i < pol->nteams; i++) {
		leads = report_join(pol->teams[i].leads, pol->teams[i].nleads);
		cmd_line(stdout, "  team %s: %zu member%s; lead%s %s",
		    pol->teams[i].id, pol->teams[i].nmembers,
		    REPORT_S(pol->teams[i].nmembers),
		    REPORT_S(pol->teams[i].nleads), leads);
		free(leads);
	}
	printf("  exports: %s and up; unredacted: %s and up\n",
	    policy_role_name(pol->export_min_role),
	    policy_role_name(pol->export_unredacted_role));

	printf("\nactors:\n");
	if (p->nactors == 0)
		printf("  none yet\n");
	for (i = 0; i < p->nactors; i++)
		cmd_line(stdout, "  %s: %s event%s, %s to %s",
		    p->actors[i].actor, cmd_count(p->actors[i].events, n1),
		    REPORT_S(p->actors[i].events), p->actors[i].first,
		    p->actors[i].last);

	printf("\nrecipients (recorded exports):\n");
	if (rs->n == 0)
		printf("  none yet\n");
	for (i = 0; i < rs->n; i++)
		cmd_line(stdout, "  %s, redact %s: %s run%s, %s record%s, %s "
		    "to %s", rs->r[i].format, rs->r[i].redact,
		    cmd_count(rs->r[i].runs, n1), REPORT_S(rs->r[i].runs),
		    cmd_count(rs->r[i].records, n2),
		    REPORT_S(rs->r[i].records), rs->r[i].first,
		    rs->r[i].last);

	printf("\nretention:\n");
	if (pol->content_days > 0)
		printf("  item content: %d day%s after the final decision "
		    "(hitl purge)\n", pol->content_days,
		    REPORT_S(pol->content_days));
	else
		printf("  item content: kept without limit\n");
	if (pol->audit_days > 0)
		printf("  audit log: %d day%s at least; never purged\n",
		    pol->audit_days, REPORT_S(pol->audit_days));
	else
		printf("  audit log: kept without limit\n");
	printf("  erasure of a data subject: %s and up (hitl erase)\n",
	    policy_role_name(pol->erase_role));
	if (p->nremovals == 0)
		printf("  nothing removed yet\n");
	for (i = 0; i < p->nremovals; i++)
		cmd_line(stdout, "  removed by %s: %s item%s in %s run%s, %s "
		    "to %s", p->removals[i].cause,
		    cmd_count(p->removals[i].items, n1),
		    REPORT_S(p->removals[i].items),
		    cmd_count(p->removals[i].runs, n2),
		    REPORT_S(p->removals[i].runs), p->removals[i].first,
		    p->removals[i].last);

	printf("\nmeasures:\n");
	printf("  exports redact personal data by default (--redact %s)\n",
	    export_redact_names[EXPORT_REDACT_DEFAULT]);
	printf("  the console and hitl show %s\n", pol->mask_none ?
	    "mask nothing (privacy.mask none)" : "mask personal data the "
	    "decision at hand does not need; every reveal is audited");
	if (pol->reveal_reason)
		printf("  a reveal needs a reason\n");

	printf("\nstorage:\n");
	printf("  %s%s\n", p->backend, p->shared ? ", the shared install" :
	    "");
	if (report_mode(p->db_mode, m) != NULL)
		printf("  database file mode %s\n", m);
	if (report_mode(p->key_mode, m) != NULL)
		printf("  signing key file mode %s\n", m);
	if (p->key_id[0] != '\0')
		printf("  record signed, key %s (hitl audit verify)\n",
		    p->key_id);
	else
		printf("  record not signed: no key\n");
}

static int
report_processing_exec(const struct cmd_entry *e, struct cmd_ctx *ctx,
    struct cmd_args *args, struct queue *q)
{
	struct queue_processing		 p;
	struct report_recipients	 rs;
	const struct policy		*pol;
	char				*cause = NULL;
	int				 rc, version;

	(void)ctx;
	memset(&rs, 0, sizeof rs);
	memset(&p, 0, sizeof p);
	/* The policy last: other calls may load a newer one under it. */
	if ((rc = queue_processing(q, &p, &cause)) != 0 ||
	    (rc = queue_export_history(q, report_recipient_add, &rs,
	    &cause)) != 0 ||
	    (rc = queue_policy(q, &pol, &version, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	if (cmd_args_has(args, 'j'))
		cmd_print_json(stdout, report_json(pol, version, &p, &rs), 0);
	else
		report_text(pol, version, &p, &rs);
out:
	queue_processing_done(&p);
	report_recipients_free(&rs);
	return (rc);
}

const struct report_kind report_processing = {
	.name = "processing",
	.options = "j",
	.exec = report_processing_exec,
};
