/*
 * decisions: the accountable record, one line per decision: the item, its
 * original and final content, what was decided and why, by whom, when, the
 * audit event's hash, and what an exported decision it supersedes.
 * Personal data is redacted as in every other format but spans.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sink.h"

/* Everything that could be personal data: redact more, never less. */
static void
fmt_decisions_pii(const struct queue_outcome *o, const cJSON *payload,
    struct export_pii *pii)
{
	const struct queue_item	*it = o->item;
	const cJSON		*corr = payload, *a;
	size_t			 i;

	export_pii_find(o, pii);
	export_pii_source(pii, it->text);
	for (i = 0; i < it->nspans; i++) {
		if (strcmp(it->spans[i].triage, "rejected") != 0)
			export_pii_add_at(pii, it->spans[i].start,
			    it->spans[i].end, it->spans[i].entity_type);
	}
	for (i = 0; i < it->nflags; i++) {
		if (strncmp(it->flags[i].type, "pii", 3) == 0 &&
		    it->flags[i].has_offsets)
			export_pii_add_at(pii, it->flags[i].start,
			    it->flags[i].end, it->flags[i].type);
	}
	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(corr, "added"))
		export_pii_add_at(pii, (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "start")),
		    (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "end")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a,
		    "entity_type")));
}

/* The exported decision this one replaced, if any. */
static int64_t
fmt_decisions_supersedes(struct export_ctx *x,
    const struct queue_decision_info *d, const struct queue_outcome *o)
{
	size_t i;

	if (!queue_decision_sets_outcome(d))
		return (0);
	for (i = o->nhistory; i-- > 0;) {
		const struct queue_decision_info *e = &o->history[i];

		if (e->id >= d->id || e->undone_by != 0 ||
		    !queue_decision_sets_outcome(e))
			continue;
		return (queue_decision_exported(export_queue(x), e->id) ?
		    e->id : 0);
	}
	return (0);
}

static int
fmt_decisions_decision(struct export_ctx *x,
    const struct queue_decision_info *d, const struct queue_outcome *o,
    const char *hash)
{
	const struct queue_item	*it = o->item;
	struct export_pii	 pii;
	cJSON			*payload, *r, *p;
	const cJSON		*corr;
	const char		*final;
	int64_t			 sup;
	int			 corrected, rc;

	payload = export_payload(d);
	fmt_decisions_pii(o, payload, &pii);
	r = cJSON_CreateObject();
	json_add_int(r, "decision", d->id);
	export_str_take(r, "item", export_redact_id(x, &pii, it));
	export_str(r, "kind", queue_kind_name(it->kind));
	export_str(r, "action", d->action);
	/* A blind vote of a review round: never in force by itself. */
	cJSON_AddBoolToObject(r, "vote", d->vote);
	export_str_take(r, "original", export_redact_text(x, &pii, it->text));
	final = export_final_text(it, payload, &corrected);
	export_str_take(r, "final", export_redact_text(x, &pii, final));
	corr = payload;
	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	p = cJSON_GetObjectItemCaseSensitive(corr, "labels");
	export_item(r, "labels", p != NULL ?
	    cJSON_Duplicate(p, 1) : cJSON_CreateArray());
	export_str(r, "reason", cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(payload, "reason")));
	export_str(r, "team", cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(payload, "team")));
	export_str(r, "severity", cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(payload, "severity")));
	export_str(r, "resolution", cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(payload, "outcome")));
	p = cJSON_GetObjectItemCaseSensitive(payload, "note");
	export_str_take(r, "note", cJSON_IsString(p) ?
	    export_redact_text(x, &pii, p->valuestring) : NULL);
	export_str(r, "reviewer", d->reviewer);
	if (d->shift_id != 0)
		json_add_int(r, "shift", d->shift_id);
	else
		export_str(r, "shift", NULL);
	export_str(r, "decided_at", d->decided_at);
	if (d->spent_ms >= 0)
		json_add_int(r, "spent_ms", d->spent_ms);
	else
		export_str(r, "spent_ms", NULL);
	json_add_int(r, "policy_version", d->policy_version);
	if (d->undoes != 0)
		json_add_int(r, "undoes", d->undoes);
	else
		export_str(r, "undoes", NULL);
	export_str(r, "audit_hash", hash);
	if ((sup = fmt_decisions_supersedes(x, d, o)) != 0)
		json_add_int(r, "supersedes", sup);
	else
		export_str(r, "supersedes", NULL);
	rc = export_write(x, r, it, d->action);
	export_pii_done(&pii);
	cJSON_Delete(payload);
	return (rc);
}

const struct export_sink export_decisions_sink = {
	.name = "decisions",
	.version = "1",
	.per_decision = 1,
	.decision = fmt_decisions_decision,
};
