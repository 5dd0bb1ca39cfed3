/*
 * Review quality's rules: which items import samples, blind votes and how
 * a round settles (agreement, majority, a lead's adjudication), gold items
 * served and scored, the pause below min_gold_accuracy and its lifting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "internal.h"
#include "record.h"
#include "records.h"
#include "triage.h"
#include "vote.h"
#include "xmalloc.h"

/*
 * One fraction of SHA-256 per item and policy version decides both
 * samples, in disjoint bands: overlap below overlap_rate, audit in the
 * audit_rate above it. A record with a gold answer is a gold item.
 */
const char *
quality_sample_of(const struct policy *p, int version, const char *id,
    int gold, int64_t *votes)
{
	char	*key;
	int	 overlap, audit;

	*votes = 0;
	if (gold)
		return ("gold");
	if (p->overlap_rate <= 0 && p->audit_rate <= 0)
		return (NULL);
	xasprintf(&key, "hitl-quality\n%d\n%s", version, id);
	overlap = triage_spot_check(key, p->overlap_rate);
	audit = !overlap && triage_spot_check(key, p->overlap_rate +
	    p->audit_rate);
	free(key);
	if (overlap) {
		*votes = p->overlap_reviewers;
		return ("overlap");
	}
	if (audit) {
		*votes = 2;
		return ("audit");
	}
	return (NULL);
}

/*
 * The record's gold answer checked as a decision on the item it makes:
 * an approve or a correction that decide would take. *out is its JSON.
 */
int
quality_gold_check(const struct policy *p, const struct record *r,
    char **out, char **cause)
{
	static const char *const keys[] = {
		"action", "text", "labels", "flags", "spans", "added", NULL
	};
	struct queue_item	 it;
	enum queue_action	 a;
	const char		*action = NULL, *msg;
	cJSON			*payload = NULL;
	char			*why = NULL;
	size_t			 i;
	int			 rc = -1;

	*out = NULL;
	memset(&it, 0, sizeof it);
	if (!cJSON_IsObject(r->gold)) {
		xasprintf(cause, "gold: expected an object, got %s",
		    json_type_name(r->gold));
		return (-1);
	}
	if (json_check_keys(r->gold, "gold", keys, 0, cause) != 0 ||
	    json_get_string(r->gold, "gold", "action", &action, cause) < 0)
		return (-1);
	if (action == NULL || queue_action_parse(action, &a) != 0 ||
	    (a != QUEUE_APPROVE && a != QUEUE_CORRECT)) {
		xasprintf(cause, "gold.action: expected \"approve\" or "
		    "\"correct\"");
		return (-1);
	}
	it.kind = r->kind == RECORD_MODEL_OUTPUT ? QUEUE_KIND_MODEL_OUTPUT :
	    QUEUE_KIND_ANONYMIZATION;
	it.text = (char *)r->text;
	it.nflags = r->nflags;
	it.flags = xcalloc(r->nflags + 1, sizeof *it.flags);
	for (i = 0; i < r->nflags; i++)
		it.flags[i].type = (char *)r->flags[i].type;
	it.nspans = r->nspans;
	it.spans = xcalloc(r->nspans + 1, sizeof *it.spans);
	for (i = 0; i < r->nspans; i++) {
		it.spans[i].entity_type = (char *)r->spans[i].entity_type;
		it.spans[i].start = r->spans[i].start;
		it.spans[i].end = r->spans[i].end;
		it.spans[i].triage = (char *)record_verdict_name(
		    r->spans[i].verdict);
	}
	payload = cJSON_Duplicate(r->gold, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(payload, "action");
	if (decide_check_payload(p, &it, a, a == QUEUE_APPROVE &&
	    payload->child == NULL ? NULL : payload, &why) != 0) {
		/* The decide rules speak of a payload: this is the answer. */
		msg = why;
		if (strncmp(msg, "payload.", 8) == 0)
			msg += 8;
		else if (strncmp(msg, "payload: ", 9) == 0)
			msg += 9;
		xasprintf(cause, "gold: %s", msg);
		goto out;
	}
	*out = json_print(r->gold);
	rc = 0;
out:
	free(why);
	cJSON_Delete(payload);
	free(it.flags);
	free(it.spans);
	return (rc);
}

/* Whether the actor may see other reviewers' votes. */
static int
quality_sees_all(struct queue *q)
{
	return (queue_actor_role(q) >= POLICY_ROLE_LEAD);
}

int
quality_blind(struct queue *q, const char *item, int *blind, char **cause)
{
	struct store_sample	s;
	int			rc;

	*blind = 0;
	if (quality_sees_all(q))
		return (0);
	rc = store_sample_get(q, 0, item, &s, cause);
	if (rc == STORE_DONE)
		return (0);
	if (rc != STORE_ROW)
		return (rc);
	/* A two-person round's second reviewer is to see the first. */
	*blind = strcmp(s.sample, "gold") == 0 ||
	    (strcmp(s.sample, "two_person") != 0 &&
	    (strcmp(s.state, "open") == 0 ||
	    strcmp(s.state, "adjudication") == 0));
	store_sample_done(&s);
	return (0);
}

/* The decision's votes as vote.h reads them; *n of them. */
static int
quality_votes(const struct queue_item *it,
    const struct queue_decision_info *d, size_t n, struct vote **out,
    char **cause)
{
	struct vote	*v;
	char		*why;
	size_t		 i;

	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		if (vote_from(it, d[i].action, d[i].payload, &v[i],
		    &why) != 0) {
			xasprintf(cause, "item %s: decision %lld: %s",
			    it->ext_id, (long long)d[i].id, why);
			free(why);
			while (i-- > 0)
				vote_done(&v[i]);
			free(v);
			return (EX_DATAERR);
		}
	}
	*out = v;
	return (0);
}

static void
quality_votes_free(struct vote *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		vote_done(&v[i]);
	free(v);
}

/*
 * The settlement: a decision "settle" that puts the chosen vote's outcome
 * in force (as a resolution's payload says it: outcome and correction),
 * how it was reached, which vote it took (0: the lead's own) and every
 * vote of the round. The item is decided; its round is over.
 */
static int
quality_settle(struct queue *q, const struct queue_item *it,
    const char *sample, const struct queue_decision_info *votes, size_t n,
    const char *how,
    int64_t chose, const char *action, const char *payload,
    const char *note, int64_t *id, char **cause)
{
	cJSON	*o, *arr, *corr;
	char	*text;
	int64_t	 shift, did;
	size_t	 i;
	int	 rc;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "outcome", action);
	if (strcmp(action, "correct") == 0 && payload != NULL &&
	    (corr = cJSON_Parse(payload)) != NULL) {
		cJSON_DeleteItemFromObjectCaseSensitive(corr, "note");
		cJSON_AddItemToObject(o, "correction", corr);
	}
	cJSON_AddStringToObject(o, "how", how);
	if (chose != 0)
		cJSON_AddNumberToObject(o, "chose", (double)chose);
	else
		cJSON_AddNullToObject(o, "chose");
	arr = cJSON_AddArrayToObject(o, "votes");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr,
		    cJSON_CreateNumber((double)votes[i].id));
	/* The two-person rule's settlement names both persons. */
	if (strcmp(sample, "two_person") == 0) {
		cJSON_AddStringToObject(o, "rule", "two_person");
		arr = cJSON_AddArrayToObject(o, "reviewers");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(votes[i].reviewer));
	}
	if (note != NULL && *note != '\0')
		cJSON_AddStringToObject(o, "note", note);
	text = json_print(o);
	cJSON_Delete(o);
	rc = store_shift_id(q, 1, &shift, cause);
	if (rc == 0)
		rc = decide_append(q, it->id, it->ext_id, "settle", shift, 0,
		    -1, text, 0, 0, "settlement", &did, cause);
	free(text);
	if (rc != 0 ||
	    (rc = store_item_move(q, it->id, QUEUE_STATE_DECIDED, NULL, 0,
	    cause)) != 0 ||
	    (rc = store_sample_set(q, it->id, "closed", (int64_t)n,
	    cause)) != 0)
		return (rc);
	if (id != NULL)
		*id = did;
	return (0);
}

/*
 * A round with all its votes: equal votes settle by agreement; otherwise
 * the policy's adjudication: a lead, or one more reviewer at a time until
 * one decision has a majority, and a lead after overlap_reviewers + 2
 * votes without one.
 */
static int
quality_close(struct queue *q, const struct queue_item *it,
    struct store_sample *s, char **cause)
{
	struct queue_decision_info	*d = NULL;
	struct vote			*v = NULL;
	size_t				 n = 0, i, j, best = 0, bestn = 0, c;
	int64_t				 cap;
	int				 rc;

	if ((rc = store_ballots(q, it->id, &d, &n, cause)) != 0)
		return (rc);
	if ((int64_t)n < s->votes) {
		rc = store_item_move(q, it->id, QUEUE_STATE_QUEUED, NULL, 0,
		    cause);
		goto out;
	}
	if ((rc = quality_votes(it, d, n, &v, cause)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		for (c = 0, j = 0; j < n; j++)
			c += vote_equal(&v[i], &v[j]);
		if (c > bestn) {
			best = i;
			bestn = c;
		}
	}
	if (bestn == n) {
		rc = quality_settle(q, it, s->sample, d, n, "agreement",
		    d[0].id, d[0].action, d[0].payload, NULL, NULL, cause);
		goto out;
	}
	/* Two persons who disagree go to a lead, whatever rounds do. */
	if (q->policy->adjudication == POLICY_ADJUDICATE_EXTRA_REVIEWER &&
	    strcmp(s->sample, "two_person") != 0) {
		if (bestn * 2 > n) {
			rc = quality_settle(q, it, s->sample, d, n, "majority",
			    d[best].id, d[best].action, d[best].payload, NULL,
			    NULL, cause);
			goto out;
		}
		cap = (int64_t)q->policy->overlap_reviewers + 2;
		if ((int64_t)n < cap) {
			if ((rc = store_sample_set(q, it->id, "open",
			    (int64_t)n + 1, cause)) == 0)
				rc = store_item_move(q, it->id,
				    QUEUE_STATE_QUEUED, NULL, 0, cause);
			goto out;
		}
	}
	if ((rc = store_sample_set(q, it->id, "adjudication", s->votes,
	    cause)) == 0)
		rc = store_item_move(q, it->id, QUEUE_STATE_QUEUED, NULL, 0,
		    cause);
out:
	quality_votes_free(v, n);
	queue_decisions_free(d, n);
	return (rc);
}

/*
 * A gold vote's score, and the pause it may bring: once min_gold_items
 * are scored since the reviewer was last resumed, an accuracy below
 * min_gold_accuracy pauses them (recorded, and audited).
 */
static int
quality_gold_vote(struct queue *q, const struct queue_item *it,
    const struct store_sample *s, const struct queue_decision_info *d,
    char **cause)
{
	const struct policy	*p = q->policy;
	struct store_gold_totals t;
	struct store_pause	 last;
	struct store_pause_new	 np;
	struct vote		 gold, v;
	unsigned		 right = 0, total = 1;
	double			 acc;
	cJSON			*data;
	char			*why = NULL, now[32];
	int64_t			 after = 0;
	int			 rc, paused = 0;

	if (vote_from_gold(it, s->gold, &gold, &why) != 0) {
		xasprintf(cause, "item %s: its gold answer: %s", it->ext_id,
		    why);
		free(why);
		return (EX_DATAERR);
	}
	/* An escalation of a gold item scores nothing but a wrong action. */
	if (strcmp(d->action, "approve") == 0 ||
	    strcmp(d->action, "correct") == 0) {
		if (vote_from(it, d->action, d->payload, &v, &why) != 0) {
			vote_done(&gold);
			xasprintf(cause, "item %s: %s", it->ext_id, why);
			free(why);
			return (EX_DATAERR);
		}
		vote_score(&gold, &v, &right, &total);
		vote_done(&v);
	}
	vote_done(&gold);
	if ((rc = store_gold_score_insert(q, d->id, it->id, q->actor, right,
	    total, cause)) != 0)
		return (rc);
	rc = store_pause_last(q, q->actor, &last, cause);
	if (rc == STORE_ROW) {
		paused = strcmp(last.event, "pause") == 0;
		after = last.after_decision;
		store_pause_done(&last);
	} else if (rc != STORE_DONE)
		return (rc);
	if (paused)
		return (0);
	if ((rc = store_gold_totals(q, q->actor, after, &t, cause)) != 0)
		return (rc);
	if (t.items < (uint64_t)p->min_gold_items || t.total == 0)
		return (0);
	acc = (double)t.right / (double)t.total;
	if (acc >= p->min_gold_accuracy)
		return (0);
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "reviewer", q->actor);
	cJSON_AddNumberToObject(data, "gold_items", (double)t.items);
	cJSON_AddNumberToObject(data, "accuracy", acc);
	cJSON_AddNumberToObject(data, "min_gold_accuracy",
	    p->min_gold_accuracy);
	memset(&np, 0, sizeof np);
	if ((rc = store_audit_next_seq(q, &np.audit_seq, cause)) != 0) {
		cJSON_Delete(data);
		return (rc);
	}
	store_now_text(q, now);
	np.reviewer = q->actor;
	np.event = "pause";
	np.at = now;
	np.actor = q->actor;
	np.scored = t.items;
	np.accuracy = acc;
	np.after_decision = after;
	if ((rc = store_audit_append(q, "pause", q->actor, NULL, data,
	    cause)) != 0)
		return (rc);
	return (store_pause_insert(q, &np, cause));
}

int
quality_vote(struct queue *q, const struct queue_item *it,
    struct store_sample *s, int64_t did, char **cause)
{
	struct queue_decision_info	*d = NULL;
	size_t				 n = 0, i;
	int				 rc;

	if ((rc = store_ballot_insert(q, it->id, q->actor, did, cause)) != 0)
		return (rc);
	if (strcmp(s->sample, "gold") != 0)
		return (quality_close(q, it, s, cause));
	if ((rc = store_ballots(q, it->id, &d, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n && d[i].id != did; i++)
		;
	if (i == n) {
		xasprintf(cause, "item %s: internal error: vote %lld is not "
		    "on record", it->ext_id, (long long)did);
		rc = EX_SOFTWARE;
	} else
		rc = quality_gold_vote(q, it, s, &d[i], cause);
	queue_decisions_free(d, n);
	if (rc == 0)
		rc = store_item_move(q, it->id, QUEUE_STATE_QUEUED, NULL, 0,
		    cause);
	return (rc);
}

int
quality_paused(struct queue *q, char **cause)
{
	struct store_pause	p;
	int			rc;

	rc = store_pause_last(q, q->actor, &p, cause);
	if (rc == STORE_DONE)
		return (0);
	if (rc != STORE_ROW)
		return (rc);
	rc = 0;
	if (strcmp(p.event, "pause") == 0) {
		xasprintf(cause, "%s is paused since %s: gold accuracy %.0f%% "
		    "over %llu gold items is below the policy's %.0f%%; a "
		    "lead or admin can lift the pause (hitl reviewer resume "
		    "%s)", q->actor, p.at, p.accuracy * 100,
		    (unsigned long long)p.scored,
		    q->policy->min_gold_accuracy * 100, q->actor);
		rc = EX_NOPERM;
	}
	store_pause_done(&p);
	return (rc);
}

/*
 * Whether this claim is served a gold item: the reviewer's n-th claim is
 * when SHA-256 of (login, n, policy version) falls below gold_rate, so a
 * reviewer's share of gold is gold_rate and the same claims are gold
 * again on a copy of the database. A type filter is served no gold (it
 * would stand out), nor is the claim of a row the reviewer chose; a kind
 * filter gets gold of that kind.
 */
int
quality_claim_gold(struct queue *q, const struct queue_filter *f,
    int64_t shift, int64_t *id, char **cause)
{
	char	*key;
	int64_t	 n;
	int	 rc, serve;

	*id = 0;
	if (q->policy->gold_rate <= 0 || (f != NULL && (f->type != NULL ||
	    f->item != NULL)))
		return (STORE_DONE);
	if ((rc = store_claim_count(q, q->actor, &n, cause)) != 0)
		return (rc);
	xasprintf(&key, "hitl-gold\n%d\n%s\n%lld", q->policy_version,
	    q->actor, (long long)n);
	serve = triage_spot_check(key, q->policy->gold_rate);
	free(key);
	if (!serve)
		return (STORE_DONE);
	return (store_claim_gold(q, f != NULL ? f->kind : NULL, shift, id,
	    cause));
}

/*
 * Undoing a vote: only while its round takes votes (a settled round is a
 * lead's to reopen); the ballot and any gold score go. Undoing an
 * escalation that ended a round opens the round again.
 */
int
quality_undo(struct queue *q, int64_t item_id, const char *item,
    int64_t decision, const char *action, int *vote, char **cause)
{
	struct store_sample	s;
	int			found, rc;

	*vote = 0;
	rc = store_sample_get(q, item_id, NULL, &s, cause);
	if (rc == STORE_DONE)
		return (0);
	if (rc != STORE_ROW)
		return (rc);
	if ((rc = store_ballot_of(q, decision, &found, cause)) != 0)
		goto out;
	if (found && strcmp(s.state, "open") != 0) {
		xasprintf(cause, "cannot undo your %s of item %s: every vote "
		    "of its review round is in and it is %s; a lead can "
		    "reopen it (hitl reopen)", action, item,
		    strcmp(s.state, "closed") == 0 ? "settled" :
		    "with a lead for adjudication");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	*vote = found;
	if (found)
		rc = store_ballot_delete(q, decision, cause);
	else if (strcmp(action, "escalate") == 0 &&
	    strcmp(s.state, "escalated") == 0)
		rc = store_sample_set(q, item_id, "open", s.votes, cause);
out:
	store_sample_done(&s);
	return (rc);
}

/* A round read back without its sample: a database changed under hitl. */
static int
quality_lost(const char *item, char **cause)
{
	xasprintf(cause, "item %s: its review sample is missing from the "
	    "database (audit verify may say more)", item);
	return (EX_DATAERR);
}

static int
quality_require_lead(struct queue *q, const char *what, char **cause)
{
	return (store_require_role(q, POLICY_ROLE_LEAD, what, cause));
}

int
queue_adjudications(struct queue *q, struct queue_adjudication **out,
    size_t *n, char **cause)
{
	struct queue_adjudication	*a = NULL;
	struct queue_item		*it;
	struct store_sample		 s;
	int64_t				*ids = NULL;
	size_t				 nids = 0, i, k = 0;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((rc = quality_require_lead(q, "adjudicate items", cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((rc = store_samples_waiting(q, "adjudication", &ids, &nids,
	    cause)) != 0)
		goto out;
	a = xcalloc(nids + 1, sizeof *a);
	for (i = 0; i < nids; i++, k++) {
		if ((rc = store_item_get(q, ids[i], NULL, &it, cause)) != 0)
			goto out;
		a[k].item = xstrdup(it->ext_id);
		queue_item_free(it);
		if ((rc = store_sample_get(q, ids[i], NULL, &s,
		    cause)) != STORE_ROW) {
			if (rc == STORE_DONE)
				rc = quality_lost(a[k].item, cause);
			goto out;
		}
		a[k].sample = s.sample;
		s.sample = NULL;
		store_sample_done(&s);
		if ((rc = store_ballots(q, ids[i], &a[k].votes, &a[k].nvotes,
		    cause)) != 0)
			goto out;
	}
	rc = 0;
out:
	store_end_read(q);
	free(ids);
	if (rc != 0) {
		queue_adjudications_free(a, k + (k < nids));
		return (rc);
	}
	*out = a;
	*n = nids;
	return (0);
}

void
queue_adjudications_free(struct queue_adjudication *a, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		free(a[i].item);
		free(a[i].sample);
		queue_decisions_free(a[i].votes, a[i].nvotes);
	}
	free(a);
}

int
queue_adjudicate(struct queue *q, const char *item, int64_t chose,
    const char *action, const char *payload, const char *note,
    int64_t *id, char **cause)
{
	struct queue_decision_info	*d = NULL;
	struct queue_item		*it = NULL;
	struct store_sample		 s;
	enum queue_action		 a;
	cJSON				*p = NULL;
	char				*why = NULL, *text = NULL;
	size_t				 n = 0, i;
	int				 rc;

	memset(&s, 0, sizeof s);
	if ((rc = quality_require_lead(q, "adjudicate items", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_item_get(q, 0, item, &it, cause)) != 0)
		goto fail;
	rc = store_sample_get(q, it->id, NULL, &s, cause);
	if (rc != STORE_ROW && rc != STORE_DONE)
		goto fail;
	if (rc == STORE_DONE || strcmp(s.state, "adjudication") != 0) {
		xasprintf(cause, "item %s is not waiting for adjudication "
		    "(hitl adjudication list shows those that are)", item);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = store_ballots(q, it->id, &d, &n, cause)) != 0)
		goto fail;
	if (chose != 0) {
		for (i = 0; i < n && d[i].id != chose; i++)
			;
		if (i == n) {
			xasprintf(cause, "decision %lld is not one of the "
			    "votes on item %s", (long long)chose, item);
			rc = EX_DATAERR;
			goto fail;
		}
		rc = quality_settle(q, it, s.sample, d, n, "adjudication",
		    chose, d[i].action, d[i].payload, note, id, cause);
	} else {
		if (action == NULL || queue_action_parse(action, &a) != 0 ||
		    (a != QUEUE_APPROVE && a != QUEUE_CORRECT)) {
			xasprintf(cause, "an adjudication chooses a vote or "
			    "decides anew: approve or correct");
			rc = EX_USAGE;
			goto fail;
		}
		if (payload != NULL && json_parse_strict(payload,
		    strlen(payload), &p, &why) != 0) {
			xasprintf(cause, "item %s: payload: %s", item, why);
			rc = EX_DATAERR;
			goto fail;
		}
		if (decide_check_payload(q->policy, it, a, p, &why) != 0) {
			xasprintf(cause, "item %s: %s", item, why);
			rc = EX_DATAERR;
			goto fail;
		}
		text = p != NULL ? json_print(p) : NULL;
		rc = quality_settle(q, it, s.sample, d, n, "adjudication", 0,
		    action, text, note, id, cause);
	}
	if (rc != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	goto out;
fail:
	store_rollback(q);
out:
	free(why);
	free(text);
	cJSON_Delete(p);
	queue_decisions_free(d, n);
	store_sample_done(&s);
	queue_item_free(it);
	return (rc);
}

int
queue_reviewer_pause(struct queue *q, const char *login,
    struct queue_pause *out, char **cause)
{
	struct store_gold_totals	t;
	struct store_pause		p;
	int				rc;

	memset(out, 0, sizeof *out);
	if (strcmp(login, q->actor) != 0 &&
	    (rc = quality_require_lead(q, "read other reviewers' gold "
	    "accuracy", cause)) != 0)
		return (rc);
	rc = store_pause_last(q, login, &p, cause);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	if (rc == STORE_ROW) {
		out->paused = strcmp(p.event, "pause") == 0;
		out->at = p.at;
		if (!out->paused)
			out->by = p.actor;
		else
			free(p.actor);
		p.at = p.actor = NULL;
		rc = store_gold_totals(q, login, p.after_decision, &t, cause);
		store_pause_done(&p);
	} else
		rc = store_gold_totals(q, login, 0, &t, cause);
	if (rc != 0) {
		queue_pause_done(out);
		return (rc);
	}
	out->gold_items = t.items;
	out->right = t.right;
	out->total = t.total;
	return (0);
}

void
queue_pause_done(struct queue_pause *p)
{
	free(p->at);
	free(p->by);
	memset(p, 0, sizeof *p);
}

int
queue_reviewer_resume(struct queue *q, const char *login, const char *note,
    char **cause)
{
	struct store_pause	 last;
	struct store_pause_new	 np;
	cJSON			*data;
	char			 now[32];
	int64_t			 upto;
	int			 rc;

	memset(&last, 0, sizeof last);
	if ((rc = quality_require_lead(q, "resume paused reviewers",
	    cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	rc = store_pause_last(q, login, &last, cause);
	if (rc != STORE_ROW && rc != STORE_DONE)
		goto fail;
	if (rc == STORE_DONE || strcmp(last.event, "pause") != 0) {
		xasprintf(cause, "%s is not paused", login);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	/* Scores start again: only gold votes after this one count. */
	if ((rc = store_decision_last(q, &upto, cause)) != 0)
		goto fail;
	memset(&np, 0, sizeof np);
	if ((rc = store_audit_next_seq(q, &np.audit_seq, cause)) != 0)
		goto fail;
	store_now_text(q, now);
	np.reviewer = login;
	np.event = "resume";
	np.at = now;
	np.actor = q->actor;
	np.scored = last.scored;
	np.accuracy = -1;
	np.after_decision = upto;
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "reviewer", login);
	cJSON_AddNumberToObject(data, "after_decision", (double)upto);
	if (note != NULL && *note != '\0')
		cJSON_AddStringToObject(data, "note", note);
	if ((rc = store_audit_append(q, "resume", q->actor, NULL, data,
	    cause)) != 0 ||
	    (rc = store_pause_insert(q, &np, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	store_pause_done(&last);
	return (0);
fail:
	store_rollback(q);
	store_pause_done(&last);
	return (rc);
}

int
quality_rounds_scan(struct queue *q, int64_t after, int settled,
    int (*fn)(const struct queue_round *, void *), void *arg, char **cause)
{
	struct queue_decision_info	*d = NULL, *h = NULL;
	struct queue_vote		*v = NULL;
	struct queue_round		 r;
	struct queue_item		*it = NULL;
	struct store_sample		 s;
	cJSON				*pl;
	int64_t				*ids = NULL;
	size_t				 nids = 0, i, j, n = 0, nh = 0;
	int				 rc;

	memset(&s, 0, sizeof s);
	if ((rc = store_round_items(q, after, &ids, &nids, cause)) != 0)
		goto out;
	for (i = 0; i < nids; i++) {
		if ((rc = store_item_get(q, ids[i], NULL, &it, cause)) != 0 ||
		    (rc = store_ballots(q, ids[i], &d, &n, cause)) != 0 ||
		    (rc = store_item_history(q, it->ext_id, &h, &nh,
		    cause)) != 0)
			goto out;
		if ((rc = store_sample_get(q, ids[i], NULL, &s,
		    cause)) != STORE_ROW) {
			if (rc == STORE_DONE)
				rc = quality_lost(it->ext_id, cause);
			goto out;
		}
		memset(&r, 0, sizeof r);
		r.item = it;
		r.sample = s.sample;
		v = xcalloc(n + 1, sizeof *v);
		for (j = 0; j < n; j++) {
			v[j].id = d[j].id;
			v[j].reviewer = d[j].reviewer;
			v[j].action = d[j].action;
			v[j].payload = d[j].payload;
			v[j].decided_at = d[j].decided_at;
		}
		r.votes = v;
		r.nvotes = n;
		/* How the last settlement not undone settled it. */
		pl = NULL;
		for (j = nh; j-- > 0 && r.settled_how == NULL;) {
			if (strcmp(h[j].action, "settle") != 0 ||
			    h[j].undone_by != 0)
				continue;
			pl = cJSON_Parse(h[j].payload);
			r.settled_how = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(pl, "how"));
			if (r.settled_how == NULL)
				r.settled_how = "unknown";
			r.settlement = h[j].payload;
		}
		rc = settled && r.settled_how == NULL ? 0 : fn(&r, arg);
		cJSON_Delete(pl);
		free(v);
		v = NULL;
		store_sample_done(&s);
		queue_decisions_free(d, n);
		queue_decisions_free(h, nh);
		queue_item_free(it);
		d = h = NULL;
		it = NULL;
		n = nh = 0;
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	store_sample_done(&s);
	queue_decisions_free(d, n);
	queue_decisions_free(h, nh);
	queue_item_free(it);
	free(ids);
	return (rc);
}

int
queue_rounds(struct queue *q, const char *since,
    int (*fn)(const struct queue_round *, void *), void *arg, char **cause)
{
	int64_t	after = 0;
	int	rc;

	if ((rc = quality_require_lead(q, "read the votes of review rounds",
	    cause)) != 0)
		return (rc);
	if (since != NULL && strcmp(since, "all") != 0 &&
	    (rc = queue_decision_before(q, since, &after, cause)) != 0)
		return (rc);
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	rc = quality_rounds_scan(q, after, 0, fn, arg, cause);
	store_end_read(q);
	return (rc);
}
