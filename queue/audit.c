/*
 * The tamper-evident audit log: each event's hash is SHA-256 of the previous
 * hash (32 bytes, all zero for the first event) followed by the event's
 * canonical serialization.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "json.h"
#include "store.h"
#include "xmalloc.h"

#define AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

static int
audit_unhex(const char *hex, unsigned char out[32])
{
	int	i, hi, lo;

	if (strlen(hex) != 64)
		return (-1);
	for (i = 0; i < 32; i++) {
		hi = hex[2 * i];
		lo = hex[2 * i + 1];
		hi = hi >= 'a' ? hi - 'a' + 10 : hi - '0';
		lo = lo >= 'a' ? lo - 'a' + 10 : lo - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			return (-1);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (0);
}

/* hash = SHA-256(prev ‖ body), as lower-case hex. */
static int
audit_hash(const char *prev_hex, const char *body, char out[65])
{
	unsigned char		 prev[32], md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	EVP_MD_CTX		*ctx;
	int			 ok;

	if (audit_unhex(prev_hex, prev) != 0)
		return (-1);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, prev, sizeof prev) &&
	    EVP_DigestUpdate(ctx, body, strlen(body)) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen != 32)
		return (-1);
	queue_hex(md, 32, out);
	return (0);
}

int
store_audit_append(struct queue *q, const char *event, const char *actor,
    const char *item, cJSON *data, char **cause)
{
	static const char last_sql[] =
	    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	static const char insert_sql[] =
	    "INSERT INTO audit (seq, at, actor, event, item, body, prev_hash, "
	    "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;
	cJSON		*body = NULL;
	char		*text = NULL, prev[65], hash[65], now[32];
	int64_t		 seq = 1;
	int		 rc;

	if ((st = store_stmt(q, last_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	memcpy(prev, AUDIT_GENESIS, sizeof prev);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE) {
		rc = store_error(q, "audit", cause);
		goto out;
	}
	sqlite3_reset(st);

	store_now_text(q, now);
	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "seq", (double)seq);
	cJSON_AddStringToObject(body, "at", now);
	cJSON_AddStringToObject(body, "actor", actor);
	cJSON_AddStringToObject(body, "event", event);
	if (item != NULL)
		cJSON_AddStringToObject(body, "item", item);
	else
		cJSON_AddNullToObject(body, "item");
	cJSON_AddItemToObject(body, "data",
	    data != NULL ? data : cJSON_CreateObject());
	data = NULL;
	text = json_print(body);
	if (audit_hash(prev, text, hash) != 0) {
		xasprintf(cause, "audit: cannot compute SHA-256");
		rc = EX_SOFTWARE;
		goto out;
	}

	if ((st = store_stmt(q, insert_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, event, -1, SQLITE_STATIC);
	if (item != NULL)
		sqlite3_bind_text(st, 5, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_error(q, "audit", cause);
		goto out;
	}
	sqlite3_reset(st);
	rc = 0;

out:
	cJSON_Delete(data);
	cJSON_Delete(body);
	free(text);
	return (rc);
}

int
queue_audit_head(struct queue *q, int64_t *events, char head[65],
    char **cause)
{
	static const char sql[] =
	    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	*events = 0;
	memcpy(head, AUDIT_GENESIS, 65);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*events = sqlite3_column_int64(st, 0);
		snprintf(head, 65, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE)
		return (store_error(q, "audit", cause));
	sqlite3_reset(st);
	return (0);
}

static int
audit_verify_decision(struct queue *q, int64_t seq, const cJSON *data,
    char **cause)
{
	const cJSON	*d;
	cJSON		*now = NULL;
	char		*a = NULL, *b = NULL, *why = NULL;
	int		 rc = 0;

	d = cJSON_GetObjectItemCaseSensitive(data, "decision");
	if (!cJSON_IsNumber(d)) {
		xasprintf(cause, "audit event %lld names no decision",
		    (long long)seq);
		return (EX_DATAERR);
	}
	if (store_decision_json(q, (int64_t)d->valuedouble, &now,
	    &why) != 0) {
		xasprintf(cause, "audit event %lld: %s (deleted after it was "
		    "recorded)", (long long)seq, why);
		free(why);
		return (EX_DATAERR);
	}
	a = json_print(data);
	b = json_print(now);
	if (strcmp(a, b) != 0) {
		xasprintf(cause, "audit event %lld: decision %lld was changed "
		    "after it was recorded (recorded %s, now %s)",
		    (long long)seq, (long long)d->valuedouble, a, b);
		rc = EX_DATAERR;
	}
	free(a);
	free(b);
	cJSON_Delete(now);
	return (rc);
}

/* The row's columns must say what its hashed body says. */
static int
audit_verify_columns(sqlite3_stmt *st, int64_t seq, const cJSON *body,
    char **cause)
{
	static const char *const keys[] = { "at", "actor", "event", "item" };
	const cJSON	*v;
	const char	*col;
	int		 i;

	v = cJSON_GetObjectItemCaseSensitive(body, "seq");
	if (!cJSON_IsNumber(v) || (int64_t)v->valuedouble != seq) {
		xasprintf(cause, "audit event %lld holds the body of event "
		    "%g: events were reordered", (long long)seq,
		    cJSON_IsNumber(v) ? v->valuedouble : -1.0);
		return (EX_DATAERR);
	}
	for (i = 0; i < 4; i++) {
		v = cJSON_GetObjectItemCaseSensitive(body, keys[i]);
		col = (const char *)sqlite3_column_text(st, i + 1);
		if (cJSON_IsNull(v) && col == NULL)
			continue;
		if (!cJSON_IsString(v) || col == NULL ||
		    strcmp(v->valuestring, col) != 0) {
			xasprintf(cause, "audit event %lld: its %s column was "
			    "changed after it was recorded", (long long)seq,
			    keys[i]);
			return (EX_DATAERR);
		}
	}
	return (0);
}

/*
 * The file itself first: SQLite's integrity check reads every page, so
 * damage in pages no command has read yet is found here.
 */
static int
audit_integrity(struct queue *q, char **cause)
{
	static const char sql[] = "PRAGMA integrity_check(10)";
	sqlite3_stmt	*st;
	const char	*first = NULL;
	char		*what = NULL;
	int		 n = 0, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		first = (const char *)sqlite3_column_text(st, 0);
		if (n++ == 0 && strcmp(first, "ok") != 0)
			what = xstrdup(first);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		free(what);
		return (store_error(q, "verify", cause));
	}
	if (what == NULL)
		return (0);
	xasprintf(cause, "%s is damaged: %s%s; hitl repairs nothing: restore "
	    "it from a backup", q->path, what, n > 1 ? " (and more)" : "");
	free(what);
	return (EX_DATAERR);
}

int
queue_audit_verify(struct queue *q, int64_t *events, char head[65],
    char **cause)
{
	static const char sql[] =
	    "SELECT seq, at, actor, event, item, body, prev_hash, hash "
	    "FROM audit ORDER BY seq";
	static const char count_sql[] = "SELECT count(*) FROM decisions";
	sqlite3_stmt	*st = NULL;
	cJSON		*body = NULL;
	const char	*text, *event;
	char		 prev[65], hash[65];
	int64_t		 expect = 1, seq, referenced = 0, stored;
	int		 rc, step;

	*events = 0;
	memcpy(prev, AUDIT_GENESIS, sizeof prev);
	/* One read transaction: a consistent snapshot of log and decisions. */
	if ((rc = store_exec(q, "BEGIN", cause)) != 0)
		return (rc);
	if ((rc = audit_integrity(q, cause)) != 0)
		goto out;
	if ((st = store_stmt(q, sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		text = (const char *)sqlite3_column_text(st, 5);
		event = (const char *)sqlite3_column_text(st, 3);
		rc = EX_DATAERR;
		if (seq != expect) {
			xasprintf(cause, "audit event %lld is missing (the log "
			    "goes from %lld to %lld)", (long long)expect,
			    (long long)expect - 1, (long long)seq);
			goto out;
		}
		if (strcmp((const char *)sqlite3_column_text(st, 6),
		    prev) != 0) {
			xasprintf(cause, "audit event %lld does not link to "
			    "event %lld: events were removed, inserted or "
			    "reordered", (long long)seq, (long long)seq - 1);
			goto out;
		}
		if (audit_hash(prev, text, hash) != 0 ||
		    strcmp(hash, (const char *)sqlite3_column_text(st, 7))) {
			xasprintf(cause, "audit event %lld (%s) was changed "
			    "after it was recorded: its hash does not match",
			    (long long)seq, event);
			goto out;
		}
		cJSON_Delete(body);
		if ((body = cJSON_Parse(text)) == NULL) {
			xasprintf(cause, "audit event %lld: unreadable body",
			    (long long)seq);
			goto out;
		}
		if ((rc = audit_verify_columns(st, seq, body, cause)) != 0)
			goto out;
		if (strcmp(event, "decision") == 0 ||
		    strcmp(event, "undo") == 0 ||
		    strcmp(event, "resolution") == 0 ||
		    strcmp(event, "reopen") == 0) {
			referenced++;
			if ((rc = audit_verify_decision(q, seq,
			    cJSON_GetObjectItemCaseSensitive(body, "data"),
			    cause)) != 0)
				goto out;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
	}
	if (step != SQLITE_DONE) {
		rc = store_error(q, "audit", cause);
		goto out;
	}
	sqlite3_reset(st);
	if ((st = store_stmt(q, count_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	stored = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) :
	    -1;
	if (stored != referenced) {
		xasprintf(cause, "the decisions table holds %lld decisions but "
		    "the audit log records %lld: decisions were added outside "
		    "hitl", (long long)stored, (long long)referenced);
		rc = EX_DATAERR;
		goto out;
	}
	*events = expect - 1;
	memcpy(head, prev, 65);
	rc = 0;
out:
	if (st != NULL)
		sqlite3_reset(st);
	cJSON_Delete(body);
	sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	return (rc);
}

int
queue_audit_log(struct queue *q, const char *item, const char *actor,
    int (*fn)(const struct queue_audit_event *, void *), void *arg,
    char **cause)
{
	static const char sql[] =
	    "SELECT seq, at, actor, event, item, body, hash FROM audit "
	    "WHERE (?1 IS NULL OR item = ?1) AND (?2 IS NULL OR actor = ?2) "
	    "ORDER BY seq";
	struct queue_audit_event	 ev;
	sqlite3_stmt			*st;
	int				 rc, step;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "read the audit log", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (item != NULL)
		sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	if (actor != NULL)
		sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		ev.seq = sqlite3_column_int64(st, 0);
		ev.at = (char *)sqlite3_column_text(st, 1);
		ev.actor = (char *)sqlite3_column_text(st, 2);
		ev.event = (char *)sqlite3_column_text(st, 3);
		ev.item = (char *)sqlite3_column_text(st, 4);
		ev.body = (char *)sqlite3_column_text(st, 5);
		ev.hash = (char *)sqlite3_column_text(st, 6);
		if ((rc = fn(&ev, arg)) != 0) {
			sqlite3_reset(st);
			return (rc);
		}
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return (store_error(q, "audit", cause));
	return (0);
}
