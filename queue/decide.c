/*
 * Decisions: validating what a reviewer decided against the item and the
 * policy, appending it, moving the item on, and undoing it again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ident.h"
#include "json.h"
#include "internal.h"
#include "records.h"
#include "textsafe.h"
#include "utf8.h"
#include "xmalloc.h"

static const char *const decide_action_names[] = {
	[QUEUE_APPROVE] = "approve",
	[QUEUE_CORRECT] = "correct",
	[QUEUE_ESCALATE] = "escalate",
	[QUEUE_SKIP] = "skip",
	[QUEUE_COMMENT] = "comment",
};

const char *
queue_action_name(enum queue_action a)
{
	return (decide_action_names[a]);
}

int
queue_action_parse(const char *s, enum queue_action *a)
{
	int i;

	for (i = 0; i <= QUEUE_COMMENT; i++) {
		if (strcmp(s, decide_action_names[i]) == 0) {
			*a = (enum queue_action)i;
			return (0);
		}
	}
	return (-1);
}

/*
 * The note every action may carry: a string (the strict parser has refused
 * NUL in it; it is shown through the sanitizer), not empty where required.
 */
static int
decide_note(const cJSON *p, int required, char **cause)
{
	const char	*note = NULL;
	int		 rc;

	if ((rc = json_get_string(p, "payload", "note", &note, cause)) < 0)
		return (-1);
	if (required && (rc == 0 || *note == '\0')) {
		xasprintf(cause, "payload.note: missing (a comment needs "
		    "text)");
		return (-1);
	}
	return (0);
}

/*
 * Before saying that s is not one of the policy's ids: if s could not be an
 * id at all (not in NFC, a space at the end, ...), that is what to say, for
 * it may look exactly like one.
 */
static int
decide_not_an_id(const char *where, const char *s, char **cause)
{
	char *why;

	if (ident_check(s, IDENT_NAME_MAX, &why) == 0)
		return (0);
	xasprintf(cause, "%s: %s", where, why);
	free(why);
	return (-1);
}

/* labels: ids of the policy's taxonomy, each at most once. */
static int
decide_check_labels(const struct policy *pol, const cJSON *p, char **cause)
{
	const cJSON	*arr, *v, *w;
	char		 where[64];
	size_t		 i = 0, j;

	if (json_get_array(p, "payload", "labels", &arr, cause) < 0)
		return (-1);
	arr = cJSON_GetObjectItemCaseSensitive(p, "labels");
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "payload.labels[%zu]", i);
		if (!cJSON_IsString(v)) {
			xasprintf(cause, "%s: expected a string, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		if (policy_find_entry(pol->labels, pol->nlabels,
		    v->valuestring) == NULL) {
			if (decide_not_an_id(where, v->valuestring, cause))
				return (-1);
			xasprintf(cause, "%s: \"%s\" is not a label of the "
			    "policy's taxonomy", where, v->valuestring);
			return (-1);
		}
		j = 0;
		for (w = arr->child; w != v; w = w->next, j++) {
			if (strcmp(w->valuestring, v->valuestring) == 0) {
				xasprintf(cause, "%s: \"%s\" is listed twice "
				    "(payload.labels[%zu] and [%zu])", where,
				    v->valuestring, j, i);
				return (-1);
			}
		}
		i++;
	}
	return (0);
}

/* Unicode's White_Space, which textsafe's invisible characters join. */
static int
decide_is_space(uint32_t cp)
{
	return ((cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	    textsafe_is_hidden(cp));
}

int
queue_text_blank(const char *s)
{
	size_t		len = strlen(s), i = 0;
	uint32_t	cp;
	int		n;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0 ||
		    !decide_is_space(cp))
			return (0);
		i += (size_t)n;
	}
	return (1);
}

static int
decide_check_output(const struct policy *pol, const struct queue_item *it,
    const cJSON *p, char **cause)
{
	static const char *const keys[] = {
		"text", "labels", "flags", "note", NULL
	};
	static const char *const flag_keys[] = { "type", "verdict", NULL };
	const cJSON	*arr, *v;
	const char	*s = NULL;
	char		 where[64];
	size_t		 i = 0;

	if (json_check_keys(p, "payload", keys, 0, cause) != 0 ||
	    json_get_string(p, "payload", "text", &s, cause) < 0 ||
	    decide_check_labels(pol, p, cause) != 0 ||
	    decide_note(p, 0, cause) != 0 ||
	    json_get_array(p, "payload", "flags", &arr, cause) < 0)
		return (-1);
	/*
	 * A correction is what the model should have said: nothing, or only
	 * white space, is no answer to train on (OpenAI's checks call it
	 * missing_content). Leave "text" out to keep the response as it is.
	 */
	if (s != NULL && queue_text_blank(s)) {
		xasprintf(cause, "payload.text: the corrected response is "
		    "empty%s; write what the model should have said, or leave "
		    "\"text\" out to keep the response", *s == '\0' ? "" :
		    " (only white space)");
		return (-1);
	}
	arr = cJSON_GetObjectItemCaseSensitive(p, "flags");
	if ((size_t)cJSON_GetArraySize(arr) != it->nflags) {
		xasprintf(cause, "payload.flags: give a verdict for each of "
		    "the item's %zu flags (got %d)", it->nflags,
		    cJSON_GetArraySize(arr));
		return (-1);
	}
	i = 0;
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "payload.flags[%zu]", i);
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		s = NULL;
		if (json_check_keys(v, where, flag_keys, 0, cause) != 0 ||
		    json_get_string(v, where, "verdict", &s, cause) < 0)
			return (-1);
		if (s == NULL || (strcmp(s, "confirmed") != 0 &&
		    strcmp(s, "overturned") != 0)) {
			xasprintf(cause, "%s.verdict: expected \"confirmed\" "
			    "or \"overturned\"", where);
			return (-1);
		}
		s = NULL;
		if (json_get_string(v, where, "type", &s, cause) < 0)
			return (-1);
		if (s != NULL && strcmp(s, it->flags[i].type) != 0) {
			xasprintf(cause, "%s.type: \"%s\" does not match the "
			    "item's flag \"%s\"", where, s, it->flags[i].type);
			return (-1);
		}
		i++;
	}
	return (0);
}

static int
decide_check_type(const struct policy *pol, const cJSON *v,
    const char *where, int required, const char **type, char **cause)
{
	char path[96];

	*type = NULL;
	if (json_get_string(v, where, "entity_type", type, cause) < 0)
		return (-1);
	if (*type == NULL) {
		if (!required)
			return (0);
		xasprintf(cause, "%s.entity_type: missing", where);
		return (-1);
	}
	if (!policy_has_entity_type(pol, *type)) {
		snprintf(path, sizeof path, "%s.entity_type", where);
		if (decide_not_an_id(path, *type, cause) != 0)
			return (-1);
		xasprintf(cause, "%s: \"%s\" is not one of the policy's "
		    "entity types", path, *type);
		return (-1);
	}
	return (0);
}

static int
decide_check_spans(const struct policy *pol, const struct queue_item *it,
    const cJSON *p, char **cause)
{
	static const char *const keys[] = { "spans", "added", "note", NULL };
	static const char *const span_keys[] = {
		"verdict", "entity_type", NULL
	};
	static const char *const added_keys[] = {
		"start", "end", "entity_type", NULL
	};
	const cJSON	*arr, *v;
	const char	*verdict, *type;
	char		 where[64];
	size_t		 i = 0, len;
	uint64_t	 start, end;
	int		 rc, rc2;

	if (json_check_keys(p, "payload", keys, 0, cause) != 0 ||
	    decide_note(p, 0, cause) != 0 ||
	    json_get_array(p, "payload", "spans", &arr, cause) < 0)
		return (-1);
	arr = cJSON_GetObjectItemCaseSensitive(p, "spans");
	if ((size_t)cJSON_GetArraySize(arr) != it->nspans) {
		xasprintf(cause, "payload.spans: give a verdict for each of "
		    "the item's %zu spans (got %d)", it->nspans,
		    cJSON_GetArraySize(arr));
		return (-1);
	}
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "payload.spans[%zu]", i);
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		verdict = NULL;
		if (json_check_keys(v, where, span_keys, 0, cause) != 0 ||
		    json_get_string(v, where, "verdict", &verdict, cause) < 0)
			return (-1);
		if (verdict == NULL || (strcmp(verdict, "accepted") != 0 &&
		    strcmp(verdict, "rejected") != 0 &&
		    strcmp(verdict, "retyped") != 0)) {
			xasprintf(cause, "%s.verdict: expected \"accepted\", "
			    "\"rejected\" or \"retyped\"", where);
			return (-1);
		}
		if (decide_check_type(pol, v, where,
		    strcmp(verdict, "retyped") == 0, &type, cause) != 0)
			return (-1);
		if (type != NULL && strcmp(verdict, "retyped") != 0) {
			xasprintf(cause, "%s.entity_type: only a retyped span "
			    "takes a new type", where);
			return (-1);
		}
		if (type != NULL && strcmp(type, it->spans[i].entity_type) ==
		    0) {
			xasprintf(cause, "%s.entity_type: the span is already "
			    "%s", where, type);
			return (-1);
		}
		i++;
	}
	if (json_get_array(p, "payload", "added", &arr, cause) < 0)
		return (-1);
	arr = cJSON_GetObjectItemCaseSensitive(p, "added");
	len = utf8_cp_count(it->text, strlen(it->text));
	i = 0;
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "payload.added[%zu]", i++);
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		if (json_check_keys(v, where, added_keys, 0, cause) != 0 ||
		    decide_check_type(pol, v, where, 1, &type, cause) != 0)
			return (-1);
		/* The getters' messages give the text's length. */
		if ((rc = json_get_uint(v, where, "start", (uint64_t)len,
		    &start, cause)) < 0 ||
		    (rc2 = json_get_uint(v, where, "end", (uint64_t)len, &end,
		    cause)) < 0)
			return (-1);
		if (rc == 0 || rc2 == 0) {
			xasprintf(cause, "%s: start and end are required",
			    where);
			return (-1);
		}
		if (start >= end) {
			xasprintf(cause, "%s.start %llu is not before end "
			    "%llu", where, (unsigned long long)start,
			    (unsigned long long)end);
			return (-1);
		}
	}
	return (0);
}

static int
decide_check_escalation(const struct policy *pol, const cJSON *p,
    char **cause)
{
	static const char *const keys[] = {
		"team", "reason", "severity", "note", NULL
	};
	const char *team = NULL, *reason = NULL, *severity = NULL;

	if (json_check_keys(p, "payload", keys, 0, cause) != 0 ||
	    json_get_string(p, "payload", "team", &team, cause) < 0 ||
	    json_get_string(p, "payload", "reason", &reason, cause) < 0 ||
	    json_get_string(p, "payload", "severity", &severity, cause) < 0 ||
	    decide_note(p, 0, cause) != 0)
		return (-1);
	if (team == NULL || policy_find_team(pol, team) == NULL) {
		if (team != NULL && decide_not_an_id("payload.team", team,
		    cause) != 0)
			return (-1);
		xasprintf(cause, "payload.team: %s%s%s is not a team of the "
		    "policy", team ? "\"" : "", team ? team : "missing",
		    team ? "\"" : "");
		return (-1);
	}
	if (reason == NULL || policy_find_entry(pol->reason_codes,
	    pol->nreason_codes, reason) == NULL) {
		if (reason != NULL && decide_not_an_id("payload.reason",
		    reason, cause) != 0)
			return (-1);
		xasprintf(cause, "payload.reason: %s is not a reason code of "
		    "the policy", reason ? reason : "missing");
		return (-1);
	}
	if (severity == NULL || policy_find_severity(pol, severity) == NULL) {
		if (severity != NULL && decide_not_an_id("payload.severity",
		    severity, cause) != 0)
			return (-1);
		xasprintf(cause, "payload.severity: %s is not a severity of "
		    "the policy", severity ? severity : "missing");
		return (-1);
	}
	return (0);
}

/* How many overlapping spans a refusal names, and how much of their text. */
#define DECIDE_OVERLAP_NAMED	4
#define DECIDE_OVERLAP_TEXT	32

/* One span as a refusal names it: "spans[1] PERSON [10, 16) "Austin"". */
static void
decide_name_span(const struct queue_item *it,
    const struct queue_final_span *s, char **out)
{
	const char	*text = it->text;
	size_t		 len = strlen(text), bs = len, be = len, cut;
	char		*excerpt, where[48];

	cut = s->end - s->start > DECIDE_OVERLAP_TEXT ? s->start +
	    DECIDE_OVERLAP_TEXT : s->end;
	if (utf8_cp_to_byte(text, len, s->start, &bs) != 0 ||
	    utf8_cp_to_byte(text, len, cut, &be) != 0 || be < bs)
		bs = be = len;
	/* The text is the producer's: shown as marks where it could steer. */
	excerpt = textsafe_copy(text + bs, be - bs, 0, NULL);
	if (s->index < it->nspans)
		snprintf(where, sizeof where, "spans[%zu]", s->index);
	else
		snprintf(where, sizeof where, "added[%zu]", s->index -
		    it->nspans);
	xasprintf(out, "%s %s [%zu, %zu) \"%s%s\"", where, s->entity_type,
	    s->start, s->end, excerpt, cut < s->end ? "…" : "");
	free(excerpt);
}

/*
 * The rule on what an approve or a correction of an anonymization case
 * leaves accepted: no two spans overlap, for no consumer of the spans can
 * take both (spaCy refuses them, doccano drops one). The refusal names the
 * first group of overlapping spans and how to settle it.
 */
int
decide_check_overlap(const struct queue_item *it, const cJSON *p,
    char **cause)
{
	struct queue_final_span	*s;
	char			*list = NULL, *one, *next;
	size_t			 n, first, len, i, more, groups = 0;

	if (it->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	n = queue_spans_final(it, p, 0, &s);
	if ((first = queue_spans_overlap(s, n, 0, &len)) == n) {
		free(s);
		return (0);
	}
	for (i = first; i < first + len && i < first + DECIDE_OVERLAP_NAMED;
	    i++) {
		decide_name_span(it, &s[i], &one);
		xasprintf(&next, "%s%s%s", list != NULL ? list : "",
		    list == NULL ? "" : i + 1 == first + len ? " and " : ", ",
		    one);
		free(one);
		free(list);
		list = next;
	}
	more = len > DECIDE_OVERLAP_NAMED ? len - DECIDE_OVERLAP_NAMED : 0;
	if (queue_spans_overlap(s, n, first + len, &len) < n)
		groups = 1;
	xasprintf(cause, "the spans it would accept overlap: %s%s; an "
	    "exported span set cannot hold spans that overlap (spaCy and "
	    "doccano take one span per character): correct it with all but one of them "
	    "\"rejected\" (and retype the one you keep if its type is "
	    "wrong)%s", list, more > 0 ? " (and more)" : "", groups > 0 ?
	    "; more spans overlap further on" : "");
	free(list);
	free(s);
	return (-1);
}

int
decide_check_correction(const struct policy *pol, const struct queue_item *it,
    const cJSON *p, char **cause)
{
	if (it->kind == QUEUE_KIND_MODEL_OUTPUT)
		return (decide_check_output(pol, it, p, cause));
	if (decide_check_spans(pol, it, p, cause) != 0)
		return (-1);
	return (decide_check_overlap(it, p, cause));
}

int
decide_check_payload(const struct policy *pol, const struct queue_item *it,
    enum queue_action a, const cJSON *p, char **cause)
{
	static const char *const note_only[] = { "note", NULL };

	if (p == NULL) {
		if (a == QUEUE_APPROVE)
			return (decide_check_overlap(it, NULL, cause));
		if (a == QUEUE_SKIP)
			return (0);
		xasprintf(cause, "%s needs a payload", queue_action_name(a));
		return (-1);
	}
	if (!cJSON_IsObject(p)) {
		xasprintf(cause, "payload: expected an object, got %s",
		    json_type_name(p));
		return (-1);
	}
	switch (a) {
	case QUEUE_APPROVE:
	case QUEUE_SKIP:
	case QUEUE_COMMENT:
		if (json_check_keys(p, "payload", note_only, 0, cause) != 0 ||
		    decide_note(p, a == QUEUE_COMMENT, cause) != 0)
			return (-1);
		return (a == QUEUE_APPROVE ? decide_check_overlap(it, NULL,
		    cause) : 0);
	case QUEUE_CORRECT:
		return (decide_check_correction(pol, it, p, cause));
	case QUEUE_ESCALATE:
		return (decide_check_escalation(pol, p, cause));
	}
	return (-1);
}

int
decide_append(struct queue *q, int64_t item_id, const char *ext_id,
    const char *action, int64_t shift, int64_t lease, int64_t spent_ms,
    const char *payload, int64_t undoes, int vote, const char *event,
    int64_t *id, char **cause)
{
	struct store_decision_new	 d;
	cJSON				*data;
	char				 now[32];
	int				 rc;

	memset(&d, 0, sizeof d);
	if ((rc = store_audit_next_seq(q, &d.audit_seq, cause)) != 0)
		return (rc);
	store_now_text(q, now);
	d.item_id = item_id;
	d.action = action;
	d.reviewer = q->actor;
	d.shift_id = shift;
	d.lease_id = lease;
	d.policy_version = q->policy_version;
	d.decided_at = now;
	d.spent_ms = spent_ms;
	d.payload = payload;
	d.undoes = undoes;
	d.vote = vote;
	if ((rc = store_decision_insert(q, &d, id, cause)) != 0 ||
	    (rc = store_decision_json(q, *id, &data, cause)) != 0)
		return (rc);
	audit_commit_payload(data);
	return (store_audit_append(q, event, q->actor, ext_id, data, cause));
}

/*
 * The escalation_opened event, told once the decision commits: the
 * escalation as the listing shows it, and the kind of its item.
 */
static int
decide_notify_escalation(struct queue *q, const struct queue_item *it,
    int64_t id, char **cause)
{
	struct queue_escalation	 e;
	cJSON			*o;
	int64_t			 item_id;
	int			 rc;

	if ((rc = store_escalation_get(q, id, &e, &item_id, cause)) != 0)
		return (rc);
	o = queue_escalation_json(&e, queue_now(q));
	cJSON_AddStringToObject(o, "kind", queue_kind_name(it->kind));
	queue_notify(q, "escalation_opened", it->ext_id, o);
	queue_escalation_done(&e);
	return (0);
}

static int
decide_apply(struct queue *q, const struct queue_item *it,
    enum queue_action a, const cJSON *p, int64_t decision, char **cause)
{
	const struct policy_severity	*sev;
	struct store_escalation_new	 e;
	int64_t				 seq, eid;
	int				 rc;

	switch (a) {
	case QUEUE_COMMENT:
		return (0);
	case QUEUE_APPROVE:
	case QUEUE_CORRECT:
	case QUEUE_ESCALATE:
		if ((rc = store_item_move(q, it->id, (enum queue_state)
		    action_find(queue_action_name(a))->to, NULL, 0,
		    cause)) != 0)
			return (rc);
		if (a != QUEUE_ESCALATE)
			return (0);
		sev = policy_find_severity(q->policy, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(p, "severity")));
		memset(&e, 0, sizeof e);
		json_get_string(p, "payload", "note", &e.note, cause);
		e.item_id = it->id;
		e.decision_id = decision;
		e.team = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(p, "team"));
		e.reason = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(p, "reason"));
		e.severity = sev->id;
		e.opened_by = q->actor;
		e.opened_at = queue_now(q);
		e.due_at = queue_now(q) + (int64_t)sev->response_minutes * 60;
		if ((rc = store_escalation_insert(q, &e, &eid, cause)) != 0)
			return (rc);
		return (decide_notify_escalation(q, it, eid, cause));
	case QUEUE_SKIP:
		if ((rc = store_skip_insert(q, decision, cause)) != 0)
			return (rc);
		seq = 0;
		/* "end": behind everything queued now, skipped ones too. */
		if (q->policy->skip_to_end &&
		    (rc = store_counter_next(q, "next_requeue", &seq,
		    cause)) != 0)
			return (rc);
		return (store_item_move(q, it->id, QUEUE_STATE_QUEUED, NULL,
		    seq, cause));
	}
	return (EX_SOFTWARE);
}

/*
 * Whether the decision is a blind vote of the item's review round: an
 * approve or correct while the round takes votes, and on a gold item an
 * escalation too (it is scored, and opens nothing: a gold item is no real
 * output). An escalation of an overlap or audit item ends its round.
 */
static int
decide_round(struct queue *q, const struct queue_item *it,
    enum queue_action a, struct store_sample *s, int *vote, char **cause)
{
	int rc;

	*vote = 0;
	rc = store_sample_get(q, it->id, NULL, s, cause);
	if (rc == STORE_DONE)
		return (0);
	if (rc != STORE_ROW)
		return (rc);
	if (strcmp(s->state, "open") != 0)
		return (0);
	*vote = a == QUEUE_APPROVE || a == QUEUE_CORRECT ||
	    (a == QUEUE_ESCALATE && strcmp(s->sample, "gold") == 0);
	return (0);
}

int
queue_decide(struct queue *q, const struct queue_decision *d, int64_t *id,
    char **cause)
{
	struct queue_item	*it = NULL;
	struct store_sample	 s;
	cJSON			*p = NULL;
	char			*payload = NULL, *why = NULL, *matched = NULL;
	int64_t			 shift = 0, item_id, spent, did = 0;
	int			 rc, vote = 0, pending = 0;

	memset(&s, 0, sizeof s);
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "decide items", cause)) != 0)
		return (rc);
	if (d->payload != NULL) {
		if (json_parse_strict(d->payload, strlen(d->payload), &p,
		    &why) != 0) {
			xasprintf(cause, "item %s: payload: %s", d->item, why);
			free(why);
			return (EX_DATAERR);
		}
		payload = json_print(p);
	}
	/*
	 * The checks run side by side with other reviewers' (PostgreSQL); the
	 * log's lock is taken only for the writes. The item's row, locked by
	 * claim_check, cannot change meanwhile.
	 */
	if ((rc = store_begin_unlogged(q, cause)) != 0)
		goto out;
	/* Fetched again inside the transaction: it may have changed. */
	if ((rc = store_item_get(q, 0, d->item, &it, cause)) != 0)
		goto fail;
	if (d->action != QUEUE_COMMENT &&
	    ((rc = twoperson_refuse_self(q, it, cause)) != 0 ||
	    (rc = claim_check(q, d->item, d->lease_id, &item_id, cause)) != 0))
		goto fail;
	if (decide_check_payload(q->policy, it, d->action, p, &why) != 0) {
		xasprintf(cause, "item %s: %s", d->item, why);
		free(why);
		rc = EX_DATAERR;
		goto fail;
	}
	if ((rc = store_lock_log(q, cause)) != 0 ||
	    (rc = store_shift_id(q, 1, &shift, cause)) != 0 ||
	    (rc = decide_round(q, it, d->action, &s, &vote, cause)) != 0)
		goto fail;
	/*
	 * The two-person rule: outside review rounds (which already take
	 * two reviewers), an approve or correction it covers is a pending
	 * vote of a round of its own.
	 */
	if (s.sample == NULL && (d->action == QUEUE_APPROVE ||
	    d->action == QUEUE_CORRECT) &&
	    (rc = twoperson_match(q, it, &pending, &matched, cause)) != 0)
		goto fail;
	vote |= pending;
	spent = d->spent_ms;
	if (spent < 0 && d->action != QUEUE_COMMENT && it->claimed_at > 0)
		spent = (queue_now(q) - it->claimed_at) * 1000;
	if ((rc = decide_append(q, it->id, it->ext_id,
	    queue_action_name(d->action), shift,
	    d->action == QUEUE_COMMENT ? 0 : d->lease_id, spent, payload, 0,
	    vote, "decision", &did, cause)) != 0)
		goto fail;
	if (pending && (rc = twoperson_open(q, it, did, matched, &s,
	    cause)) != 0)
		goto fail;
	if (vote)
		rc = quality_vote(q, it, &s, did, cause);
	else if ((rc = decide_apply(q, it, d->action, p, did, cause)) == 0 &&
	    d->action == QUEUE_ESCALATE && s.state != NULL &&
	    strcmp(s.state, "open") == 0)
		rc = store_sample_set(q, it->id, "escalated", s.votes, cause);
	if (rc != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	if (id != NULL)
		*id = did;
	goto out;

fail:
	store_rollback(q);
out:
	store_sample_done(&s);
	queue_item_free(it);
	cJSON_Delete(p);
	free(payload);
	free(matched);
	return (rc);
}
