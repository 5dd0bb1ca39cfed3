/*
 * Escalations: items handed to an accountable team, acknowledged and
 * resolved by that team's leads (or an admin), with a final outcome.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "records.h"
#include "xmalloc.h"

void
queue_escalation_done(struct queue_escalation *e)
{
	free(e->item);
	free(e->team);
	free(e->reason);
	free(e->severity);
	free(e->note);
	free(e->opened_by);
	free(e->state);
	free(e->acked_by);
	free(e->resolved_by);
	free(e->outcome);
}

void
queue_escalations_free(struct queue_escalation *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		queue_escalation_done(&e[i]);
	free(e);
}

/* Admins see every team; leads and members see their own teams. */
static int
escalation_may_see(struct queue *q, const struct policy_team *t)
{
	size_t i;

	if (policy_role_of(q->policy, q->actor) == POLICY_ROLE_ADMIN)
		return (1);
	for (i = 0; i < t->nleads; i++) {
		if (strcmp(t->leads[i], q->actor) == 0)
			return (1);
	}
	for (i = 0; i < t->nmembers; i++) {
		if (strcmp(t->members[i], q->actor) == 0)
			return (1);
	}
	return (0);
}

static int
escalation_may_settle(struct queue *q, const char *team)
{
	return (policy_role_of(q->policy, q->actor) == POLICY_ROLE_ADMIN ||
	    policy_leads_team(q->policy, q->actor, team));
}

int
queue_escalations(struct queue *q, const char *team, int all,
    struct queue_escalation **out, size_t *n, char **cause)
{
	const struct policy_team	*t;
	struct store_scan		*scan;
	struct queue_escalation		 e;
	size_t				 i;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "see escalations", cause)) != 0)
		return (rc);
	if (team != NULL) {
		if ((t = policy_find_team(q->policy, team)) == NULL) {
			xasprintf(cause, "no team \"%s\" in the policy", team);
			return (EX_USAGE);
		}
		if (!escalation_may_see(q, t)) {
			xasprintf(cause, "%s is not a member of team %s",
			    q->actor, team);
			return (EX_NOPERM);
		}
	}
	for (i = 0; i < q->policy->nteams; i++) {
		t = &q->policy->teams[i];
		if (team != NULL ? strcmp(team, t->id) != 0 :
		    !escalation_may_see(q, t))
			continue;
		if ((rc = store_escalation_scan(q, t->id, all, &scan,
		    cause)) != 0)
			return (rc);
		while ((rc = store_escalation_next(scan, &e, cause)) ==
		    STORE_ROW) {
			*out = xreallocarray(*out, *n + 1, sizeof **out);
			(*out)[(*n)++] = e;
		}
		store_scan_free(scan);
		if (rc != STORE_DONE) {
			queue_escalations_free(*out, *n);
			*out = NULL;
			*n = 0;
			return (rc);
		}
	}
	return (0);
}

int
queue_escalation_overdue(const struct queue_escalation *e, int64_t now)
{
	return (strcmp(e->state, "open") == 0 && now > e->due_at);
}

cJSON *
queue_escalation_json(const struct queue_escalation *e, int64_t now)
{
	cJSON	*o;
	char	 t[32];

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "escalation", (double)e->id);
	cJSON_AddStringToObject(o, "item", e->item);
	cJSON_AddStringToObject(o, "team", e->team);
	cJSON_AddStringToObject(o, "reason", e->reason);
	cJSON_AddStringToObject(o, "severity", e->severity);
	if (e->note != NULL)
		cJSON_AddStringToObject(o, "note", e->note);
	else
		cJSON_AddNullToObject(o, "note");
	cJSON_AddStringToObject(o, "opened_by", e->opened_by);
	queue_format_time(e->opened_at, t);
	cJSON_AddStringToObject(o, "opened_at", t);
	queue_format_time(e->due_at, t);
	cJSON_AddStringToObject(o, "due_at", t);
	cJSON_AddNumberToObject(o, "age_seconds", (double)(now - e->opened_at));
	cJSON_AddBoolToObject(o, "overdue", queue_escalation_overdue(e, now));
	if (e->notified_overdue_at != 0) {
		queue_format_time(e->notified_overdue_at, t);
		cJSON_AddStringToObject(o, "notified_overdue_at", t);
	}
	cJSON_AddStringToObject(o, "state", e->state);
	if (e->acked_by != NULL)
		cJSON_AddStringToObject(o, "acked_by", e->acked_by);
	if (e->resolved_by != NULL)
		cJSON_AddStringToObject(o, "resolved_by", e->resolved_by);
	if (e->outcome != NULL)
		cJSON_AddStringToObject(o, "outcome", e->outcome);
	return (o);
}

int
queue_escalations_notify_overdue(struct queue *q,
    struct queue_escalation **out, size_t *n, char **cause)
{
	struct queue_escalation	*es = NULL, *told = NULL;
	cJSON			*data;
	size_t			 nes = 0, ntold = 0, i;
	int64_t			 now;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "notify overdue escalations", cause)) != 0)
		return (rc);
	if (policy_hook_of(q->policy, "escalation_overdue") == NULL) {
		xasprintf(cause, "the policy (version %d) has no "
		    "hooks.escalation_overdue: there is nobody to tell",
		    q->policy_version);
		return (EX_CONFIG);
	}
	/* Read and marked under the log's lock: two runs tell each once. */
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = queue_escalations(q, NULL, 0, &es, &nes, cause)) != 0)
		goto fail;
	now = queue_now(q);
	told = xcalloc(nes + 1, sizeof *told);
	for (i = 0; i < nes; i++) {
		if (!queue_escalation_overdue(&es[i], now) ||
		    es[i].notified_overdue_at != 0)
			continue;
		if ((rc = store_escalation_notified(q, es[i].id, now,
		    cause)) != 0)
			goto fail;
		data = cJSON_CreateObject();
		json_add_int(data, "escalation", es[i].id);
		cJSON_AddStringToObject(data, "team", es[i].team);
		json_add_int(data, "due_at", es[i].due_at);
		if ((rc = store_audit_append(q, "escalation_overdue", q->actor,
		    es[i].item, data, cause)) != 0)
			goto fail;
		data = queue_escalation_json(&es[i], now);
		json_add_int(data, "overdue_seconds", now - es[i].due_at);
		queue_notify(q, "escalation_overdue", es[i].item, data);
		/* Moved: the list keeps only those not told. */
		told[ntold] = es[i];
		told[ntold++].notified_overdue_at = now;
		memset(&es[i], 0, sizeof es[i]);
	}
	if ((rc = store_commit(q, cause)) != 0)
		goto fail;
	queue_escalations_free(es, nes);
	*out = told;
	*n = ntold;
	return (0);
fail:
	store_rollback(q);
	queue_escalations_free(es, nes);
	queue_escalations_free(told, ntold);
	return (rc);
}

/* The escalation, if the actor may settle it. */
static int
escalation_get(struct queue *q, int64_t id, struct queue_escalation *e,
    int64_t *item_id, char **cause)
{
	int rc;

	if ((rc = store_escalation_get(q, id, e, item_id, cause)) != 0)
		return (rc);
	if (e->id == 0) {
		xasprintf(cause, "no escalation %lld", (long long)id);
		return (EX_NOINPUT);
	}
	if (!escalation_may_settle(q, e->team)) {
		xasprintf(cause, "%s may not settle escalation %lld: only "
		    "leads of team %s (or admins) may", q->actor,
		    (long long)id, e->team);
		queue_escalation_done(e);
		memset(e, 0, sizeof *e);
		return (EX_NOPERM);
	}
	return (0);
}

int
queue_escalation_ack(struct queue *q, int64_t id, char **cause)
{
	struct queue_escalation	 e;
	cJSON			*data;
	int64_t			 item_id;
	int			 rc;

	memset(&e, 0, sizeof e);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "acknowledge escalations", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = escalation_get(q, id, &e, &item_id, cause)) != 0)
		goto fail;
	if (strcmp(e.state, "open") != 0) {
		xasprintf(cause, "escalation %lld is %s already", (long long)id,
		    e.state);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = store_escalation_ack(q, id, q->actor, queue_now(q),
	    cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "escalation", (double)id);
	cJSON_AddStringToObject(data, "team", e.team);
	if ((rc = store_audit_append(q, "escalation_ack", q->actor, e.item,
	    data, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	queue_escalation_done(&e);
	return (0);
fail:
	store_rollback(q);
	queue_escalation_done(&e);
	return (rc);
}

static int
escalation_payload(struct queue *q, const struct queue_escalation *e,
    const char *outcome, const char *payload, const char *note, char **out,
    char **cause)
{
	struct queue_item	*it = NULL;
	cJSON			*o, *corr = NULL;
	char			*why = NULL;
	int			 rc = 0;

	*out = NULL;
	if (strcmp(outcome, "correct") == 0) {
		if (payload == NULL) {
			xasprintf(cause, "a correcting resolution needs the "
			    "correction as its payload");
			return (EX_USAGE);
		}
		if (json_parse_strict(payload, strlen(payload), &corr,
		    &why) != 0) {
			xasprintf(cause, "payload: %s", why);
			free(why);
			return (EX_DATAERR);
		}
		if ((rc = store_item_get(q, 0, e->item, &it, cause)) != 0)
			goto out;
		if (!cJSON_IsObject(corr) ||
		    decide_check_correction(q->policy, it, corr, &why) != 0) {
			xasprintf(cause, "item %s: %s", e->item, why != NULL ?
			    why : "payload: expected an object");
			free(why);
			rc = EX_DATAERR;
			goto out;
		}
	} else if (payload != NULL) {
		xasprintf(cause, "only a correcting resolution takes a "
		    "payload");
		return (EX_USAGE);
	} else if (strcmp(outcome, "approve") == 0) {
		/* An approve settles the spans as proposed: they may clash. */
		if ((rc = store_item_get(q, 0, e->item, &it, cause)) != 0)
			goto out;
		if (decide_check_overlap(it, NULL, &why) != 0) {
			xasprintf(cause, "item %s: %s", e->item, why);
			free(why);
			rc = EX_DATAERR;
			goto out;
		}
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "escalation", (double)e->id);
	cJSON_AddStringToObject(o, "team", e->team);
	cJSON_AddStringToObject(o, "outcome", outcome);
	if (note != NULL && *note != '\0')
		cJSON_AddStringToObject(o, "note", note);
	if (corr != NULL) {
		cJSON_AddItemToObject(o, "correction", corr);
		corr = NULL;
	}
	*out = json_print(o);
	cJSON_Delete(o);
out:
	cJSON_Delete(corr);
	queue_item_free(it);
	return (rc);
}

int
queue_escalation_resolve(struct queue *q, int64_t id, const char *outcome,
    const char *payload, const char *note, char **cause)
{
	struct queue_escalation	 e;
	char			*body = NULL;
	int64_t			 item_id, shift, did;
	int			 rc;

	memset(&e, 0, sizeof e);
	if (strcmp(outcome, "approve") != 0 && strcmp(outcome, "correct") != 0 &&
	    strcmp(outcome, "reject") != 0) {
		xasprintf(cause, "a resolution is approve, correct or reject, "
		    "not \"%s\"", outcome);
		return (EX_USAGE);
	}
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "resolve escalations", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = escalation_get(q, id, &e, &item_id, cause)) != 0)
		goto fail;
	if (strcmp(e.state, "open") != 0 &&
	    strcmp(e.state, "acknowledged") != 0) {
		xasprintf(cause, "escalation %lld is %s; a resolution is "
		    "final", (long long)id, e.state);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = escalation_payload(q, &e, outcome, payload, note, &body,
	    cause)) != 0 ||
	    (rc = store_shift_id(q, 1, &shift, cause)) != 0 ||
	    (rc = decide_append(q, item_id, e.item, "resolve", shift, 0, -1,
	    body, 0, 0, "resolution", &did, cause)) != 0)
		goto fail;
	if ((rc = store_escalation_resolve(q, id, q->actor, queue_now(q),
	    outcome, did, cause)) != 0 ||
	    (rc = store_item_move(q, item_id, (enum queue_state)
	    action_find("resolve")->to, NULL, 0, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	free(body);
	queue_escalation_done(&e);
	return (0);
fail:
	store_rollback(q);
	free(body);
	queue_escalation_done(&e);
	return (rc);
}
