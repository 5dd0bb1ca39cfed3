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

#include <openssl/rand.h>

#include "json.h"
#include "record.h"
#include "store.h"
#include "xmalloc.h"

int
queue_last_decision(struct queue *q, int64_t *last, char **cause)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM decisions";
	sqlite3_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return (store_error(q, "export", cause));
	}
	*last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (0);
}

int
queue_export_since(struct queue *q, const char *scope, int64_t *since,
    char **cause)
{
	static const char sql[] =
	    "SELECT last_decision FROM exports WHERE scope = ? "
	    "ORDER BY id DESC LIMIT 1";
	sqlite3_stmt	*st;
	int		 rc;

	*since = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*since = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (store_error(q, "export", cause));
	return (0);
}

/*
 * The decision in force: the last approve, correct or resolve not undone.
 * An escalation after it (not yet resolved) means there is none yet.
 */
static const struct queue_decision_info *
export_final(const struct queue_decision_info *h, size_t n, int64_t upto)
{
	size_t i;

	for (i = n; i-- > 0;) {
		/* Later than this export's bound: the next one takes it. */
		if (h[i].id > upto || (h[i].undone_by != 0 &&
		    h[i].undone_by <= upto))
			continue;
		if (strcmp(h[i].action, "undo") == 0 ||
		    strcmp(h[i].action, "comment") == 0 ||
		    strcmp(h[i].action, "skip") == 0)
			continue;
		if (strcmp(h[i].action, "escalate") == 0 ||
		    strcmp(h[i].action, "reopen") == 0)
			return (NULL);
		return (&h[i]);
	}
	return (NULL);
}

static int
export_one(struct queue *q, int64_t id, int64_t since, int64_t upto,
    const char *kind,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	struct queue_outcome		 o;
	struct queue_item		*it = NULL;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int				 rc;

	if ((rc = store_item_get(q, id, NULL, &it, cause)) != 0)
		return (rc);
	if (kind != NULL && strcmp(queue_kind_name(it->kind), kind) != 0)
		goto out;
	if ((rc = store_item_history(q, it->ext_id, &h, &n, cause)) != 0)
		goto out;
	memset(&o, 0, sizeof o);
	o.item = it;
	o.history = h;
	o.nhistory = n;
	o.final = export_final(h, n, upto);
	/* Only when the decision in force is new to this export. */
	if (it->state == QUEUE_STATE_AUTO && n == 0)
		rc = fn(&o, arg);
	else if (o.final != NULL && o.final->id > since)
		rc = fn(&o, arg);
out:
	queue_decisions_free(h, n);
	queue_item_free(it);
	return (rc);
}

/*
 * Both iterations stream: one statement walks the decisions while fn runs
 * (other statements may run meanwhile), inside one read transaction, so
 * memory stays flat however many decisions an export takes.
 */
int
queue_outcomes(struct queue *q, int64_t since, int64_t upto,
    const char *kind, int include_auto,
    int (*fn)(const struct queue_outcome *, void *), void *arg,
    char **cause)
{
	static const char touched_sql[] =
	    "SELECT DISTINCT item_id FROM decisions WHERE id > ? AND id <= ? "
	    "ORDER BY item_id";
	static const char auto_sql[] =
	    "SELECT id FROM items WHERE state = 'auto' ORDER BY id";
	sqlite3_stmt	*st;
	int		 rc = 0, step;

	if ((rc = store_exec(q, "BEGIN", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, touched_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, upto);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = export_one(q, sqlite3_column_int64(st, 0), since, upto,
		    kind, fn, arg, cause);
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_error(q, "export", cause);
	sqlite3_reset(st);
	if (rc != 0 || !include_auto || since != 0)
		goto out;
	if ((st = store_stmt(q, auto_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = export_one(q, sqlite3_column_int64(st, 0), since, upto,
		    kind, fn, arg, cause);
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_error(q, "export", cause);
	sqlite3_reset(st);
out:
	sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	return (rc);
}

int
queue_decisions_each(struct queue *q, int64_t since, int64_t upto,
    const char *kind,
    int (*fn)(const struct queue_decision_info *, const struct queue_outcome *,
    const char *, void *), void *arg, char **cause)
{
	static const char sql[] =
	    "SELECT d.id, d.item_id, a.hash FROM decisions d "
	    "JOIN audit a ON a.seq = d.audit_seq "
	    "WHERE d.id > ? AND d.id <= ? ORDER BY d.id";
	struct queue_item		*it = NULL;
	struct queue_decision_info	*h = NULL;
	struct queue_outcome		 o;
	sqlite3_stmt			*st;
	size_t				 n = 0, k;
	int64_t				 id, item;
	int				 rc = 0, step;

	if ((rc = store_exec(q, "BEGIN", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, upto);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		item = sqlite3_column_int64(st, 1);
		if (it == NULL || it->id != item) {
			queue_item_free(it);
			queue_decisions_free(h, n);
			it = NULL;
			h = NULL;
			n = 0;
			if ((rc = store_item_get(q, item, NULL, &it,
			    cause)) != 0 ||
			    (rc = store_item_history(q, it->ext_id, &h, &n,
			    cause)) != 0)
				break;
		}
		if (kind != NULL && strcmp(queue_kind_name(it->kind), kind))
			continue;
		for (k = 0; k < n; k++) {
			if (h[k].id != id)
				continue;
			o.item = it;
			o.history = h;
			o.nhistory = n;
			o.final = export_final(h, n, upto);
			rc = fn(&h[k], &o, (const char *)sqlite3_column_text(st,
			    2), arg);
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_error(q, "export", cause);
	sqlite3_reset(st);
out:
	sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	queue_item_free(it);
	queue_decisions_free(h, n);
	return (rc);
}

int
queue_export_allowed(struct queue *q, char **cause)
{
	int rc;

	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	return (store_require_role(q, q->policy->export_min_role,
	    "export training data", cause));
}

int
queue_export_record(struct queue *q, const struct queue_export_run *r,
    char head[65], char **cause)
{
	static const char sql[] =
	    "INSERT INTO exports (format, options, path, exported_at, actor, "
	    "records, since_decision, last_decision, sha256, audit_head, "
	    "scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;
	cJSON		*data;
	char		 now[32];
	int64_t		 events;
	int		 rc;

	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = queue_audit_head(q, &events, head, cause)) != 0)
		goto fail;
	store_now_text(q, now);
	if ((st = store_stmt(q, sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	sqlite3_bind_text(st, 1, r->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->options, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)r->records);
	sqlite3_bind_int64(st, 7, r->since);
	sqlite3_bind_int64(st, 8, r->last);
	sqlite3_bind_text(st, 9, r->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, head, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->scope, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_error(q, "export", cause);
		goto fail;
	}
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "export",
	    (double)sqlite3_last_insert_rowid(q->db));
	cJSON_AddStringToObject(data, "format", r->format);
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
	sqlite3_stmt		*st;
	int			 rc = 0, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		r.format = (const char *)sqlite3_column_text(st, 1);
		r.options = (const char *)sqlite3_column_text(st, 2);
		r.path = (const char *)sqlite3_column_text(st, 3);
		r.records = (uint64_t)sqlite3_column_int64(st, 6);
		r.since = sqlite3_column_int64(st, 7);
		r.last = sqlite3_column_int64(st, 8);
		r.sha256 = (const char *)sqlite3_column_text(st, 9);
		rc = fn(&r, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5), arg);
	}
	sqlite3_reset(st);
	return (rc);
}

int
queue_redaction_salt(struct queue *q, char hex[33], char **cause)
{
	static const char get_sql[] =
	    "SELECT value FROM meta WHERE key = 'redaction_salt'";
	static const char put_sql[] =
	    "INSERT OR IGNORE INTO meta (key, value) "
	    "VALUES ('redaction_salt', ?)";
	unsigned char	 salt[16];
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(q, get_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(hex, 33, "%s", sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return (0);
	}
	sqlite3_reset(st);
	if (RAND_bytes(salt, sizeof salt) != 1) {
		xasprintf(cause, "cannot make a random salt");
		return (EX_SOFTWARE);
	}
	queue_hex(salt, sizeof salt, hex);
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, put_sql, cause)) == NULL) {
		store_rollback(q);
		return (EX_SOFTWARE);
	}
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_error(q, "export", cause);
		store_rollback(q);
		return (rc);
	}
	if ((rc = store_commit(q, cause)) != 0)
		return (rc);
	/* Another process may have made one first: use what is stored. */
	return (queue_redaction_salt(q, hex, cause));
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
	sqlite3_stmt *st;

	struct tm	 tm;
	const char	*p;
	char		 utc[32];
	int64_t		 t;
	int		 sign;

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
	sqlite3_bind_text(st, 1, utc, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return (store_error(q, "export", cause));
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (0);
}
