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
#include "xmalloc.h"

int
queue_last_decision(struct queue *q, int64_t *last, char **cause)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM decisions";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "export", cause)) != 0)
		return (rc);
	*last = store_int(st, 0);
	store_reset(st);
	return (0);
}

int
queue_export_since(struct queue *q, const char *scope, int64_t *since,
    char **cause)
{
	static const char sql[] =
	    "SELECT last_decision FROM exports WHERE scope = ? "
	    "ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*since = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, scope);
	if ((rc = store_step(st, "export", cause)) == STORE_ROW)
		*since = store_int(st, 0);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
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
		    a->outcome == ACTION_PASS)
			continue;
		if (a->outcome == ACTION_CLEARS)
			return (NULL);
		return (&h[i]);
	}
	return (NULL);
}

/*
 * Exports read a decision, its item and its audit hash in one joined row,
 * with the number of decisions on the item: the item's history is read
 * separately only when it has more than the one in hand, which is rare.
 */
#define EXPORT_SELECT \
    "SELECT " STORE_DECISION_COLUMNS ", a.hash, (SELECT count(*) FROM " \
    "decisions c WHERE c.item_id = d.item_id), " STORE_ITEM_COLUMNS " " \
    "FROM decisions d JOIN items i ON i.id = d.item_id " \
    "JOIN audit a ON a.seq = d.audit_seq "
#define EXPORT_HASH_COLUMN	STORE_DECISION_NCOLUMNS
#define EXPORT_COUNT_COLUMN	(STORE_DECISION_NCOLUMNS + 1)
#define EXPORT_ITEM_COLUMN	(STORE_DECISION_NCOLUMNS + 2)

struct export_row {
	struct queue_item		*item;
	struct queue_decision_info	*history;
	size_t				 nhistory;
	size_t				 at;	/* the row's decision */
};

static void
export_row_free(struct export_row *r)
{
	queue_item_free(r->item);
	queue_decisions_free(r->history, r->nhistory);
	memset(r, 0, sizeof *r);
}

static int
export_row_load(struct queue *q, struct store_stmt *st, struct export_row *r,
    char **cause)
{
	int64_t	id = store_int(st, 0);
	int	rc;

	memset(r, 0, sizeof *r);
	r->item = store_item_row(st, EXPORT_ITEM_COLUMN);
	if ((rc = store_item_children(q, r->item, cause)) != 0)
		return (rc);
	if (store_int(st, EXPORT_COUNT_COLUMN) == 1) {
		r->history = xcalloc(1, sizeof *r->history);
		r->nhistory = 1;
		store_decision_row(st, 0, r->history);
		return (0);
	}
	if ((rc = store_item_history(q, r->item->ext_id, &r->history,
	    &r->nhistory, cause)) != 0)
		return (rc);
	while (r->at < r->nhistory && r->history[r->at].id != id)
		r->at++;
	/* Inside the read transaction, the decision is in its history. */
	if (r->at == r->nhistory) {
		xasprintf(cause, "export: internal error: decision %lld is not "
		    "in the history of item %s", (long long)id, r->item->ext_id);
		return (EX_SOFTWARE);
	}
	return (0);
}

static void
export_row_outcome(const struct export_row *r, int64_t upto,
    struct queue_outcome *o)
{
	o->item = r->item;
	o->history = r->history;
	o->nhistory = r->nhistory;
	o->final = export_final(r->history, r->nhistory, upto);
}

/* Auto-decided items, which have no decision; only for --since all. */
static int
export_auto(struct queue *q, const char *kind,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	static const char sql[] =
	    "SELECT " STORE_ITEM_COLUMNS " FROM items i "
	    "WHERE i.state = 'auto' AND (CAST(?1 AS TEXT) IS NULL OR "
	    "i.kind = ?1) "
	    "ORDER BY i.id";
	struct queue_outcome	 o;
	struct queue_item	*it;
	struct store_stmt	*st;
	int			 rc = 0, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, kind);
	while (rc == 0 && (step = store_step(st, "export", cause)) == STORE_ROW) {
		it = store_item_row(st, 0);
		if ((rc = store_item_children(q, it, cause)) == 0) {
			memset(&o, 0, sizeof o);
			o.item = it;
			rc = fn(&o, arg);
		}
		queue_item_free(it);
	}
	if (rc == 0 && step != STORE_DONE)
		rc = step;
	store_reset(st);
	return (rc);
}

/* What a walk over export rows does with each; one of the two is set. */
struct export_visit {
	int64_t	  since, upto;
	int	(*outcome)(const struct queue_outcome *, void *);
	int	(*decision)(const struct queue_decision_info *,
		    const struct queue_outcome *, const char *, void *);
	void	 *arg;
};

/*
 * Both iterations stream: one statement walks the decisions while the
 * visitor runs (other statements may run meanwhile), inside the caller's
 * read transaction, so memory stays flat however many decisions an export
 * takes.
 */
static int
export_walk(struct queue *q, const char *sql, const char *kind,
    const struct export_visit *v, char **cause)
{
	struct queue_outcome	 o;
	struct export_row	 r;
	struct store_stmt	*st;
	int			 rc = 0, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, v->since);
	store_bind_int(st, 2, v->upto);
	store_bind_text(st, 3, kind);
	while (rc == 0 && (step = store_step(st, "database", cause)) == STORE_ROW) {
		if ((rc = export_row_load(q, st, &r, cause)) == 0) {
			export_row_outcome(&r, v->upto, &o);
			if (v->decision != NULL)
				rc = v->decision(&r.history[r.at], &o,
				    store_text(st,
				    EXPORT_HASH_COLUMN), v->arg);
			/* An outcome only when its decision is new. */
			else if (o.final != NULL && o.final->id > v->since)
				rc = v->outcome(&o, v->arg);
		}
		export_row_free(&r);
	}
	if (rc == 0 && step != STORE_DONE)
		rc = step;
	store_reset(st);
	return (rc);
}

int
queue_outcomes(struct queue *q, int64_t since, int64_t upto,
    const char *kind, int include_auto,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	/* Each item's last decision in the range stands for the item. */
	static const char sql[] = EXPORT_SELECT
	    "WHERE d.id IN (SELECT max(id) FROM decisions WHERE id > ?1 AND "
	    "id <= ?2 GROUP BY item_id) AND (CAST(?3 AS TEXT) IS NULL OR "
	    "i.kind = ?3) "
	    "ORDER BY d.item_id";
	struct export_visit	v = { since, upto, fn, NULL, arg };
	int			rc;

	/* Exports read every item's content: the policy says who may. */
	if ((rc = queue_export_allowed(q, 0, cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	rc = export_walk(q, sql, kind, &v, cause);
	if (rc == 0 && include_auto && since == 0)
		rc = export_auto(q, kind, fn, arg, cause);
	store_end_read(q);
	return (rc);
}

int
queue_decisions_each(struct queue *q, int64_t since, int64_t upto,
    const char *kind,
    int (*fn)(const struct queue_decision_info *, const struct queue_outcome *,
    const char *, void *), void *arg, char **cause)
{
	static const char sql[] = EXPORT_SELECT
	    "WHERE d.id > ?1 AND d.id <= ?2 AND (CAST(?3 AS TEXT) IS NULL "
	    "OR i.kind = ?3) "
	    "ORDER BY d.id";
	struct export_visit	v = { since, upto, NULL, fn, arg };
	int			rc;

	if ((rc = queue_export_allowed(q, 0, cause)) != 0 ||
	    (rc = store_begin_read(q, cause)) != 0)
		return (rc);
	rc = export_walk(q, sql, kind, &v, cause);
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
    char head[65], char **cause)
{
	static const char sql[] =
	    "INSERT INTO exports (format, options, path, exported_at, actor, "
	    "records, since_decision, last_decision, sha256, audit_head, "
	    "scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt	*st;
	cJSON			*data;
	char			 now[32];
	int64_t			 events;
	int			 rc;

	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = queue_audit_head(q, &events, head, cause)) != 0)
		goto fail;
	store_now_text(q, now);
	if ((st = store_stmt(q, sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	store_bind_text(st, 1, r->format);
	store_bind_text(st, 2, r->options);
	store_bind_text(st, 3, r->path);
	store_bind_text(st, 4, now);
	store_bind_text(st, 5, q->actor);
	store_bind_int(st, 6, (int64_t)r->records);
	store_bind_int(st, 7, r->since);
	store_bind_int(st, 8, r->last);
	store_bind_text(st, 9, r->sha256);
	store_bind_text(st, 10, head);
	store_bind_text(st, 11, r->scope);
	if ((rc = store_run(st, "export", cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "export",
	    (double)q->ops->last_id(q));
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
	    cause)) != 0)
		goto fail;
	if (r->place != NULL && (rc = r->place(r->arg, cause)) != 0)
		goto fail;
	if ((rc = store_commit(q, cause)) != 0) {
		if (r->unplace != NULL)
			r->unplace(r->arg);
		goto fail;
	}
	return (0);
fail:
	store_rollback(q);
	return (rc);
}

int
queue_export_history(struct queue *q,
    int (*fn)(const struct queue_export_run *, int64_t, const char *,
    const char *, void *), void *arg, char **cause)
{
	static const char sql[] =
	    "SELECT id, format, options, path, exported_at, actor, records, "
	    "since_decision, last_decision, sha256 FROM exports ORDER BY id";
	struct queue_export_run	 r;
	struct store_stmt	*st;
	int			 rc = 0, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (rc == 0 && (step = store_step(st, "database", cause)) == STORE_ROW) {
		r.format = store_text(st, 1);
		r.options = store_text(st, 2);
		r.path = store_text(st, 3);
		r.records = (uint64_t)store_int(st, 6);
		r.since = store_int(st, 7);
		r.last = store_int(st, 8);
		r.sha256 = store_text(st, 9);
		rc = fn(&r, store_int(st, 0),
		    store_text(st, 4),
		    store_text(st, 5), arg);
	}
	store_reset(st);
	return (rc);
}

int
queue_decision_exported(struct queue *q, int64_t id)
{
	return (store_decision_exported(q, id));
}

int
queue_decision_before(struct queue *q, const char *time, int64_t *id,
    char **cause)
{
	static const char sql[] =
	    "SELECT coalesce(max(id), 0) FROM decisions WHERE decided_at <= ?";
	struct store_stmt	*st;
	struct tm		 tm;
	const char		*p;
	char			 utc[32];
	int64_t			 t;
	int			 sign, rc;

	if (record_check_time(time) != 0) {
		xasprintf(cause, "--since: \"%s\" is not last, all or an RFC "
		    "3339 time (2026-11-27T09:14:03Z)", time);
		return (EX_USAGE);
	}
	/* Decision times are UTC to the second: bring the bound there. */
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
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, utc);
	if ((rc = store_one(st, "export", cause)) != 0)
		return (rc);
	*id = store_int(st, 0);
	store_reset(st);
	return (0);
}
