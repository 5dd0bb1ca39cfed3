/*
 * What exports read from the record: the outcome in force on each item,
 * every decision in order, and the runs already made (for --since last and
 * for refusing undo of an exported decision).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>


#include "json.h"
#include "record.h"
#include "internal.h"
#include "records.h"
#include "xmalloc.h"

int
queue_last_decision(struct queue *q, int64_t *last, char **cause)
{
	return (store_decision_last(q, last, cause));
}

int
queue_export_since(struct queue *q, const char *scope, int64_t *since,
    char **cause)
{
	return (store_export_since(q, scope, since, cause));
}

/*
 * The decision in force: the last one whose action sets the outcome
 * (ACTION_FINAL in the action table), not undone; one that clears it after
 * (an escalation not yet resolved, a reopen) means there is none yet.
 */
static const struct queue_decision_info *
export_final(const struct queue_decision_info *h, size_t n, int64_t upto)
{
	const struct action_info	*a;
	size_t				 i;

	for (i = n; i-- > 0;) {
		/* Later than this export's bound: the next one takes it. */
		if (h[i].id > upto || (h[i].undone_by != 0 &&
		    h[i].undone_by <= upto))
			continue;
		if ((a = action_find(h[i].action)) == NULL ||
		    a->outcome == ACTION_PASS || h[i].vote)
			continue;
		if (a->outcome == ACTION_CLEARS)
			return (NULL);
		return (&h[i]);
	}
	return (NULL);
}

static void
export_row_outcome(const struct store_export_row *r, int64_t upto,
    struct queue_outcome *o)
{
	o->item = r->item;
	o->history = r->history;
	o->nhistory = r->nhistory;
	o->final = export_final(r->history, r->nhistory, upto);
	o->purged = r->purged;
}

/* Auto-decided items, which have no decision; only for --since all. */
static int
export_auto(struct queue *q, const char *kind,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	struct queue_outcome	 o;
	struct queue_item	*it;
	struct store_scan	*s;
	int			 rc, purged;

	if ((rc = store_export_auto_scan(q, kind, &s, cause)) != 0)
		return (rc);
	while ((rc = store_export_auto_next(s, &it, &purged,
	    cause)) == STORE_ROW) {
		memset(&o, 0, sizeof o);
		o.item = it;
		o.purged = purged;
		rc = fn(&o, arg);
		queue_item_free(it);
		if (rc != 0)
			break;
	}
	store_scan_free(s);
	return (rc);
}

/*
 * What a walk over export rows does with each; one of the two is set.
 * The rows are those of decisions in (from, to]; a decision is new when
 * after since, and the one in force is the last up to upto. With release
 * set, only items of its source are taken (the walk over what runs left
 * out while it was suspended).
 */
struct export_visit {
	int64_t				  from, to;
	int64_t				  since, upto;
	int				(*outcome)(const struct queue_outcome *,
					      void *);
	int				(*decision)(
					      const struct queue_decision_info *,
					      const struct queue_outcome *,
					      const char *, void *);
	void				 *arg;
	const struct queue_suspension	 *susp;		/* every one */
	size_t				  nsusp;
	const struct queue_suspension	 *release;
};

/* Whether the item is of suspension s's source. */
static int
export_of_source(const struct queue_suspension *s,
    const struct queue_item *it)
{
	const char *have;

	have = s->kind == QUEUE_SOURCE_MODEL ? it->source_model :
	    it->source_pipeline;
	return (have != NULL && strcmp(have, s->value) == 0);
}

/*
 * A decision of the item (its id) is left out while a suspension of its
 * source that began before it is in force.
 */
static int
export_suspended(const struct export_visit *v, const struct queue_item *it,
    int64_t id)
{
	const struct queue_suspension *s;

	s = queue_suspension_find(v->susp, v->nsusp, it->source_model,
	    it->source_pipeline);
	return (s != NULL && id > s->since_decision);
}

/*
 * Whether a walk over what suspension r left out takes the item's
 * decision id: of r's source, in r's window, and not in the window of a
 * suspension released before it in this run (a model's and a pipeline's
 * may cover the same item).
 */
static int
export_released(const struct export_visit *v, const struct queue_item *it,
    int64_t id)
{
	const struct queue_suspension	*s;

	if (!export_of_source(v->release, it) || id <= v->from || id > v->to)
		return (0);
	for (s = v->susp; s < v->release; s++) {
		if (s->resumed_at != NULL && export_of_source(s, it) &&
		    id > s->since_decision && id <= s->until_decision &&
		    id <= v->since)
			return (0);
	}
	return (1);
}

/*
 * Both iterations stream: one scan walks the decisions while the visitor
 * runs (each row's item and history are read meanwhile), inside the
 * caller's read transaction, so memory stays flat however many decisions an
 * export takes.
 */
static int
export_walk(struct queue *q, enum store_export_rows which, const char *kind,
    const struct export_visit *v, char **cause)
{
	struct queue_outcome	 o;
	struct store_export_row	 r;
	struct store_scan	*s;
	int64_t			 id;
	int			 rc;

	if ((rc = store_export_scan(q, which, v->from, v->to, kind, &s,
	    cause)) != 0)
		return (rc);
	while ((rc = store_export_next(s, &r, cause)) == STORE_ROW) {
		export_row_outcome(&r, v->upto, &o);
		rc = 0;
		id = v->decision != NULL ? r.history[r.at].id :
		    o.final != NULL ? o.final->id : 0;
		o.suspended = export_suspended(v, r.item, id);
		/* A release walk takes only what the cursor's runs left out. */
		if (v->release != NULL && !export_released(v, r.item, id))
			goto next;
		if (v->decision != NULL)
			rc = v->decision(&r.history[r.at], &o, r.hash, v->arg);
		/*
		 * An outcome only when its decision is new to the cursor: in
		 * the range, or left out by its runs before.
		 */
		else if (o.final != NULL && (id > v->since ||
		    v->release != NULL))
			rc = v->outcome(&o, v->arg);
next:
		store_export_row_done(&r);
		if (rc != 0)
			break;
	}
	store_scan_free(s);
	return (rc);
}

/*
 * Every walk of a run: the decisions in (since, upto], then, for a cursor
 * whose last run came before a resume, what its runs left out of that
 * suspension's window: decisions after it began, up to the resume, that
 * the cursor had passed (up to since). Decisions taken after the resume
 * are in the range itself.
 */
static int
export_walks(struct queue *q, enum store_export_rows which,
    const char *scope, const char *kind, struct export_visit *v,
    char **cause)
{
	struct queue_suspension	*susp = NULL;
	size_t			 nsusp = 0, i;
	int64_t			 last_run = 0;
	int			 rc;

	if ((rc = store_suspensions(q, 1, &susp, &nsusp, cause)) != 0)
		return (rc);
	v->susp = susp;
	v->nsusp = nsusp;
	v->from = v->since;
	v->to = v->upto;
	if ((rc = export_walk(q, which, kind, v, cause)) != 0 ||
	    scope == NULL || v->since == 0 ||
	    (rc = store_export_last_run(q, scope, &last_run, cause)) != 0)
		goto out;
	for (i = 0; i < nsusp && rc == 0; i++) {
		if (susp[i].resumed_at == NULL || last_run == 0 ||
		    last_run > susp[i].resumed_export ||
		    v->since <= susp[i].since_decision)
			continue;
		v->release = &susp[i];
		v->from = susp[i].since_decision;
		v->to = susp[i].until_decision < v->since ?
		    susp[i].until_decision : v->since;
		rc = export_walk(q, which, kind, v, cause);
	}
out:
	v->release = NULL;
	v->susp = NULL;
	v->nsusp = 0;
	queue_suspensions_free(susp, nsusp);
	return (rc);
}

int
queue_outcomes(struct queue *q, const char *scope, int64_t since,
    int64_t upto, const char *kind, int include_auto,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	struct export_visit	v;
	int			rc;

	memset(&v, 0, sizeof v);
	v.since = since;
	v.upto = upto;
	v.outcome = fn;
	v.arg = arg;
	/* Exports read every item's content: the policy says who may. */
	if ((rc = queue_export_allowed(q, 0, cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	/* Each item's last decision in the range stands for the item. */
	rc = export_walks(q, STORE_EXPORT_LATEST, scope, kind, &v, cause);
	if (rc == 0 && include_auto && since == 0)
		rc = export_auto(q, kind, fn, arg, cause);
	store_end_read(q);
	return (rc);
}

int
queue_outcomes_have_messages(struct queue *q, int64_t since, int64_t upto,
    const char *kind, int include_auto, int *any, char **cause)
{
	struct queue_suspension	*susp;
	size_t			 nsusp, i;
	int64_t			 to;
	int			 rc;

	*any = 0;
	if ((rc = queue_export_allowed(q, 0, cause)) != 0 ||
	    (rc = store_export_have_messages(q, since, upto, kind,
	    include_auto && since == 0, any, cause)) != 0 || *any ||
	    (rc = store_suspensions(q, 1, &susp, &nsusp, cause)) != 0)
		return (rc);
	/*
	 * What a run may take back after a resume lies in the suspension's
	 * window, before since: any item with messages decided there (of
	 * whatever source) counts, as the conversational form holds both.
	 */
	for (i = 0; i < nsusp && rc == 0 && !*any; i++) {
		to = susp[i].until_decision < since ? susp[i].until_decision :
		    since;
		if (susp[i].resumed_at != NULL && susp[i].since_decision < to)
			rc = store_export_have_messages(q,
			    susp[i].since_decision, to, kind, 0, any, cause);
	}
	queue_suspensions_free(susp, nsusp);
	return (rc);
}

int
queue_decisions_each(struct queue *q, const char *scope, int64_t since,
    int64_t upto, const char *kind,
    int (*fn)(const struct queue_decision_info *, const struct queue_outcome *,
    const char *, void *), void *arg, char **cause)
{
	struct export_visit	v;
	int			rc;

	memset(&v, 0, sizeof v);
	v.since = since;
	v.upto = upto;
	v.decision = fn;
	v.arg = arg;
	if ((rc = queue_export_allowed(q, 0, cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	rc = export_walks(q, STORE_EXPORT_EACH, scope, kind, &v, cause);
	store_end_read(q);
	return (rc);
}

int
queue_export_allowed(struct queue *q, int unredacted, char **cause)
{
	int rc;

	if ((rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_require_role(q, q->policy->export_min_role,
	    "export training data", cause)) != 0)
		return (rc);
	if (unredacted)
		return (store_require_role(q, q->policy->export_unredacted_role,
		    "export personal data unredacted (--redact none, or the "
		    "spans format, which keeps the text)", cause));
	return (0);
}

int
queue_redaction_key(struct queue *q, unsigned char key[32], char **cause)
{
	if (q->key == NULL) {
		xasprintf(cause, "hash redaction is keyed by the database's "
		    "signing key, which cannot be read: %s", q->key_error !=
		    NULL ? q->key_error : "it is missing");
		return (q->key_rc != 0 ? q->key_rc : EX_NOINPUT);
	}
	return (sign_redaction_key(q->key, key, cause));
}

int
queue_export_record(struct queue *q, const struct queue_export_run *r,
    char head[65], int64_t *id, char **cause)
{
	cJSON			*data;
	char			 now[32];
	int64_t			 events, at;
	size_t			 i;
	int			 rc;

	*id = 0;
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	/*
	 * The cursor where the run read it, under the write lock: two runs
	 * of one cursor would otherwise both take the decisions after it.
	 */
	if ((rc = store_export_since(q, r->scope, &at, cause)) != 0)
		goto fail;
	if (at != r->cursor_at) {
		xasprintf(cause, "another export of cursor %s (%s) ran "
		    "meanwhile and took the decisions through %lld; nothing "
		    "was recorded: run the export again", r->cursor != NULL ?
		    r->cursor : "default", r->format, (long long)at);
		rc = EX_TEMPFAIL;
		goto fail;
	}
	if ((rc = queue_audit_head(q, &events, head, cause)) != 0)
		goto fail;
	store_now_text(q, now);
	if ((rc = store_export_insert(q, r, now, q->actor, head, id,
	    cause)) != 0)
		goto fail;
	for (i = 0; i < r->nfiles; i++) {
		if ((rc = store_export_file_insert(q, *id, (int64_t)i,
		    r->owner, r->files[i].tmp, r->files[i].dest, cause)) != 0)
			goto fail;
	}
	for (i = 0; i < r->nitems; i++) {
		if ((rc = store_export_item_insert(q, *id, r->items[i],
		    cause)) != 0)
			goto fail;
	}
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "export", (double)*id);
	cJSON_AddStringToObject(data, "format", r->format);
	cJSON_AddStringToObject(data, "scope", r->scope);
	cJSON_AddItemToObject(data, "options", cJSON_Parse(r->options));
	cJSON_AddStringToObject(data, "path", r->path);
	cJSON_AddNumberToObject(data, "records", (double)r->records);
	cJSON_AddNumberToObject(data, "since_decision", (double)r->since);
	cJSON_AddNumberToObject(data, "last_decision", (double)r->last);
	cJSON_AddStringToObject(data, "sha256", r->sha256);
	cJSON_AddStringToObject(data, "audit_head", head);
	if ((rc = store_audit_append(q, "export", q->actor, NULL, data,
	    cause)) != 0 || (rc = store_commit(q, cause)) != 0)
		goto fail;
	return (0);
fail:
	if (q->in_txn)
		store_rollback(q);
	*id = 0;
	return (rc);
}

int
queue_export_pending(struct queue *q, const char *owner,
    int (*fn)(int64_t, const char *, const char *, void *), void *arg,
    char **cause)
{
	struct store_scan	*s;
	const char		*tmp, *dest;
	int64_t			 id;
	int			 rc;

	if ((rc = store_export_pending_scan(q, owner, &s, cause)) != 0)
		return (rc);
	while ((rc = store_export_pending_next(s, &id, &tmp, &dest,
	    cause)) == STORE_ROW) {
		if ((rc = fn(id, tmp, dest, arg)) != 0)
			break;
	}
	store_scan_free(s);
	return (rc == STORE_DONE ? 0 : rc);
}

int
queue_export_placed(struct queue *q, int64_t id, char **cause)
{
	int rc;

	/* Bookkeeping, not the record: no event. */
	if ((rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = store_export_files_delete(q, id, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0) {
		if (q->in_txn)
			store_rollback(q);
		return (rc);
	}
	return (0);
}

int
queue_export_history(struct queue *q,
    int (*fn)(const struct queue_export_run *, int64_t, const char *,
    const char *, void *), void *arg, char **cause)
{
	struct store_export_run	 r;
	struct store_scan	*s;
	int			 rc = 0;

	if ((rc = store_export_run_scan(q, &s, cause)) != 0)
		return (rc);
	while (rc == 0 && store_export_run_next(s, &r, cause) == STORE_ROW)
		rc = fn(&r.run, r.id, r.exported_at, r.actor, arg);
	store_scan_free(s);
	return (rc);
}

int
queue_decision_exported(struct queue *q, int64_t id)
{
	return (store_decision_exported(q, id));
}

int
queue_time_utc(const char *time, char utc[32], char **cause)
{
	struct tm	 tm;
	const char	*p;
	int64_t		 t;
	int		 sign;

	if (record_check_time(time) != 0) {
		xasprintf(cause, "\"%s\" is not an RFC 3339 time "
		    "(2026-11-27T09:14:03Z)", time);
		return (EX_USAGE);
	}
	/* Stored times are UTC to the second: bring the bound there. */
	memset(&tm, 0, sizeof tm);
	p = strptime(time, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		p = strptime(time, "%Y-%m-%dt%H:%M:%S", &tm);
	t = p != NULL ? (int64_t)timegm(&tm) : 0;
	while (p != NULL && *p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (p != NULL && (*p == '+' || *p == '-')) {
		sign = *p == '+' ? 1 : -1;
		t -= sign * ((p[1] - '0') * 36000 + (p[2] - '0') * 3600 +
		    (p[4] - '0') * 600 + (p[5] - '0') * 60);
	}
	queue_format_time(t, utc);
	return (0);
}

int
queue_decision_before(struct queue *q, const char *time, int64_t *id,
    char **cause)
{
	char	utc[32], *why = NULL;

	if (queue_time_utc(time, utc, &why) != 0) {
		free(why);
		xasprintf(cause, "--since: \"%s\" is not last, all or an RFC "
		    "3339 time (2026-11-27T09:14:03Z)", time);
		return (EX_USAGE);
	}
	return (store_decision_before(q, utc, id, cause));
}
