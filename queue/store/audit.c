/*
 * The audit log's rows, the signatures of the transactions that wrote them,
 * and the record of the key that signs them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

int
store_audit_head(struct queue *q, int64_t *seq, char hash[65], char **cause)
{
	static const char sql[] =
	    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	/*
	 * Under the log's lock, until the write appends, the tip it read is
	 * still the head.
	 */
	if (q->tip_valid && q->txn_seq == 0) {
		*seq = q->tip.seq;
		memcpy(hash, q->tip.hash, 65);
		return (0);
	}
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	*seq = 0;
	memcpy(hash, STORE_AUDIT_GENESIS, 65);
	rc = store_step(st, "audit", cause);
	if (rc == STORE_ROW) {
		*seq = store_int(st, 0);
		snprintf(hash, 65, "%s", store_text(st, 1));
	} else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
store_audit_tip(struct queue *q, struct store_tip *t, char **cause)
{
	static const char sql[] =
	    "SELECT (SELECT coalesce(max(version), 0) FROM policies), "
	    "a.seq, a.at, a.hash, s.first_seq, s.signature "
	    "FROM (SELECT 1 AS one) o "
	    "LEFT JOIN (SELECT seq, at, hash FROM audit ORDER BY seq DESC "
	    "LIMIT 1) a ON 1 = 1 "
	    "LEFT JOIN audit_signatures s ON s.seq = a.seq";
	struct store_stmt	*st;
	const char		*v;
	int			 rc;

	memset(t, 0, sizeof *t);
	memcpy(t->hash, STORE_AUDIT_GENESIS, sizeof t->hash);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "audit", cause)) != 0)
		return (rc);
	t->policy_version = (int)store_int(st, 0);
	if (!store_is_null(st, 1)) {
		t->seq = store_int(st, 1);
		if ((v = store_text(st, 2)) != NULL)
			snprintf(t->at, sizeof t->at, "%s", v);
		if ((v = store_text(st, 3)) != NULL)
			snprintf(t->hash, sizeof t->hash, "%s", v);
	}
	/* What is not a signature's shape (forged, say) is none. */
	if ((v = store_text(st, 5)) != NULL && strlen(v) == SIGN_HEX_LEN &&
	    (v = store_text(st, 3)) != NULL && strlen(v) == 64) {
		v = store_text(st, 5);
		t->is_signed = 1;
		t->first_seq = store_int(st, 4);
		memcpy(t->signature, v, sizeof t->signature);
	}
	store_reset(st);
	return (0);
}

int
store_audit_insert(struct queue *q, const struct store_audit_row *r,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO audit (seq, at, actor, event, item, body, prev_hash, "
	    "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt	*st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, r->seq);
	store_bind_text(st, 2, r->at);
	store_bind_text(st, 3, r->actor);
	store_bind_text(st, 4, r->event);
	if (r->item != NULL)
		store_bind_text(st, 5, r->item);
	store_bind_text(st, 6, r->body);
	store_bind_text(st, 7, r->prev_hash);
	store_bind_text(st, 8, r->hash);
	return (store_run(st, "audit", cause));
}

int
store_audit_scan(struct queue *q, const char *item, const char *actor,
    struct store_scan **out, char **cause)
{
	static const char sql[] =
	    "SELECT seq, at, actor, event, item, body, hash FROM audit "
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR item = ?1) AND "
	    "(CAST(?2 AS TEXT) IS NULL OR actor = ?2) "
	    "ORDER BY seq";
	struct store_stmt	*st;

	if ((*out = store_scan_new(q, sql, 0, "database", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(*out);
	if (item != NULL)
		store_bind_text(st, 1, item);
	if (actor != NULL)
		store_bind_text(st, 2, actor);
	return (0);
}

int
store_audit_next(struct store_scan *s, struct queue_audit_event *ev,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	ev->seq = store_int(st, 0);
	ev->at = (char *)store_text(st, 1);
	ev->actor = (char *)store_text(st, 2);
	ev->event = (char *)store_text(st, 3);
	ev->item = (char *)store_text(st, 4);
	ev->body = (char *)store_text(st, 5);
	ev->hash = (char *)store_text(st, 6);
	return (STORE_ROW);
}

int
store_signature_at(struct queue *q, int64_t seq, char **hash,
    int64_t *first_seq, char **signature, char **cause)
{
	static const char sql[] =
	    "SELECT a.hash, s.first_seq, s.signature FROM audit a LEFT JOIN "
	    "audit_signatures s ON s.seq = a.seq WHERE a.seq = ?";
	struct store_stmt	*st;
	int			 rc;

	*hash = *signature = NULL;
	*first_seq = 0;
	if (q->tip_valid && seq == q->tip.seq) {
		*hash = xstrdup(q->tip.hash);
		if (q->tip.is_signed) {
			*first_seq = q->tip.first_seq;
			*signature = xstrdup(q->tip.signature);
		}
		return (0);
	}
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, seq);
	if ((rc = store_one(st, "audit", cause)) != 0)
		return (rc);
	*hash = store_column_text(st, 0);
	if (!store_is_null(st, 2)) {
		*first_seq = store_int(st, 1);
		*signature = store_column_text(st, 2);
	}
	store_reset(st);
	return (0);
}

int
store_signature_insert(struct queue *q, const struct store_signature *sig,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO audit_signatures (seq, first_seq, key_id, signature) "
	    "VALUES (?, ?, ?, ?)";
	struct store_stmt	*st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, sig->seq);
	store_bind_int(st, 2, sig->first_seq);
	store_bind_text(st, 3, sig->key_id);
	store_bind_text(st, 4, sig->signature);
	return (store_run(st, "audit", cause));
}

int
store_signing_key_get(struct queue *q, char **id, char **cause)
{
	static const char sql[] =
	    "SELECT value FROM meta WHERE key = 'signing_key'";
	struct store_stmt	*st;
	int			 rc;

	*id = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_step(st, "open", cause)) == STORE_ROW)
		*id = store_column_text(st, 0);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_signing_key_insert(struct queue *q, const char *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES ('signing_key', ?)";
	struct store_stmt	*st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, id);
	return (store_run(st, "audit", cause));
}
