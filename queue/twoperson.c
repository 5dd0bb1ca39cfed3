/*
 * The two-person rule: which decisions wait for a second reviewer, the
 * round their first decision opens, and the confirmation a second makes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "internal.h"
#include "records.h"
#include "xmalloc.h"

int
twoperson_match(struct queue *q, const struct queue_item *it, int *match,
    char **why, char **cause)
{
	const char	**flags, **spans, *what, *which;
	char		**sev = NULL;
	size_t		  nsev = 0, i;
	int		  rc;

	*match = 0;
	*why = NULL;
	if (q->policy->two_person.nseverities > 0 &&
	    (rc = store_escalation_severities(q, it->id, &sev, &nsev,
	    cause)) != 0)
		return (rc);
	flags = xcalloc(it->nflags + 1, sizeof *flags);
	for (i = 0; i < it->nflags; i++)
		flags[i] = it->flags[i].type;
	spans = xcalloc(it->nspans + 1, sizeof *spans);
	for (i = 0; i < it->nspans; i++)
		spans[i] = it->spans[i].entity_type;
	if (policy_two_person_matches(q->policy, flags, it->nflags, spans,
	    it->nspans, (const char *const *)sev, nsev, &what, &which)) {
		*match = 1;
		xasprintf(why, "%s %s", what, which);
	}
	free(flags);
	free(spans);
	for (i = 0; i < nsev; i++)
		free(sev[i]);
	free(sev);
	return (0);
}

/*
 * The votes of the item's two-person round while it waits for its second
 * person (*n 0 otherwise): one, or none once it is undone.
 */
static int
twoperson_votes(struct queue *q, int64_t item_id,
    struct queue_decision_info **d, size_t *n, char **cause)
{
	struct store_sample	s;
	int			rc;

	*d = NULL;
	*n = 0;
	rc = store_sample_get(q, item_id, NULL, &s, cause);
	if (rc == STORE_DONE)
		return (0);
	if (rc != STORE_ROW)
		return (rc);
	rc = 0;
	if (strcmp(s.sample, "two_person") == 0 &&
	    strcmp(s.state, "open") == 0)
		rc = store_ballots(q, item_id, d, n, cause);
	store_sample_done(&s);
	return (rc);
}

/* Nobody confirms or replaces their own pending decision. */
int
twoperson_refuse_self(struct queue *q, const struct queue_item *it,
    char **cause)
{
	struct queue_decision_info	*d;
	size_t				 n, i;
	int				 rc;

	if ((rc = twoperson_votes(q, it->id, &d, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n; i++) {
		if (strcmp(d[i].reviewer, q->actor) != 0)
			continue;
		xasprintf(cause, "item %s: your %s (decision %lld) waits for "
		    "confirmation, and the two-person rule needs a second, "
		    "different reviewer to confirm it; you cannot confirm or "
		    "replace your own decision (hitl undo withdraws it)",
		    it->ext_id, d[i].action, (long long)d[i].id);
		rc = EX_NOPERM;
		break;
	}
	queue_decisions_free(d, n);
	return (rc);
}

int
twoperson_open(struct queue *q, const struct queue_item *it, int64_t did,
    const char *why, struct store_sample *s, char **cause)
{
	cJSON	*data;
	int	 rc;

	if ((rc = store_sample_insert(q, it->id, "two_person", 2, NULL,
	    cause)) != 0)
		return (rc);
	store_sample_done(s);
	s->item_id = it->id;
	s->sample = xstrdup("two_person");
	s->votes = 2;
	s->state = xstrdup("open");
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "decision", (double)did);
	cJSON_AddStringToObject(data, "matched", why);
	return (store_audit_append(q, "two_person", q->actor, it->ext_id,
	    data, cause));
}

int
queue_pending(struct queue *q, const char *item,
    struct queue_decision_info **out, char **cause)
{
	struct queue_decision_info	*d = NULL;
	struct queue_item		*it = NULL;
	size_t				 n = 0;
	int				 rc;

	*out = NULL;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((rc = store_item_get(q, 0, item, &it, cause)) == 0 &&
	    (rc = twoperson_votes(q, it->id, &d, &n, cause)) == 0 && n > 0) {
		*out = xcalloc(1, sizeof **out);
		**out = d[--n];
	}
	queue_decisions_free(d, n);
	queue_item_free(it);
	store_end_read(q);
	return (rc);
}

int
queue_confirm(struct queue *q, const char *item, int64_t lease_id,
    int64_t spent_ms, int64_t *id, char **cause)
{
	struct queue_decision_info	*p = NULL;
	struct queue_decision		 d;
	cJSON				*pl = NULL;
	char				*text = NULL;
	int				 rc;

	if ((rc = queue_pending(q, item, &p, cause)) != 0)
		return (rc);
	if (p == NULL) {
		xasprintf(cause, "item %s: no decision on it waits for "
		    "confirmation; decide it (approve, correct, ...)", item);
		return (EX_UNAVAILABLE);
	}
	memset(&d, 0, sizeof d);
	d.item = item;
	d.lease_id = lease_id;
	d.spent_ms = spent_ms;
	if (queue_action_parse(p->action, &d.action) != 0) {
		xasprintf(cause, "item %s: its pending decision %lld is a %s",
		    item, (long long)p->id, p->action);
		rc = EX_DATAERR;
		goto out;
	}
	/* The same decision; the first reviewer's note stays theirs. */
	if (p->payload != NULL && (pl = cJSON_Parse(p->payload)) != NULL) {
		cJSON_DeleteItemFromObjectCaseSensitive(pl, "note");
		if (pl->child != NULL || d.action != QUEUE_APPROVE)
			text = json_print(pl);
	}
	d.payload = text;
	rc = queue_decide(q, &d, id, cause);
out:
	cJSON_Delete(pl);
	free(text);
	queue_decisions_free(p, 1);
	return (rc);
}
