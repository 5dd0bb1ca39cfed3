/*
 * The tamper-evident audit log: each event's hash is SHA-256 of the previous
 * hash (32 bytes, all zero for the first event) followed by the event's
 * canonical serialization. Appending, the head and the history; checking
 * it is verify's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "json.h"
#include "internal.h"
#include "xmalloc.h"

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

int
store_audit_hash(const char *prev_hex, const char *body, char out[65])
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
	struct store_stmt	*st;
	cJSON			*body = NULL;
	char			*text = NULL, prev[65], hash[65], now[32];
	int64_t			 seq = 1;
	int			 rc;

	/* A write begun without the log's lock takes it now. */
	if (q->txn_seq == 0 && q->ops->lock_log != NULL &&
	    (rc = q->ops->lock_log(q, cause)) != 0)
		goto out;
	memcpy(prev, STORE_AUDIT_GENESIS, sizeof prev);
	if (q->txn_seq != 0) {
		/* Not the transaction's first event: its predecessor is ours. */
		seq = q->txn_seq + 1;
		memcpy(prev, q->txn_hash, sizeof prev);
	} else {
		if ((st = store_stmt(q, last_sql, cause)) == NULL) {
			rc = EX_SOFTWARE;
			goto out;
		}
		rc = store_step(st, "audit", cause);
		if (rc == STORE_ROW) {
			seq = store_int(st, 0) + 1;
			snprintf(prev, sizeof prev, "%s",
			    store_text(st, 1));
		} else if (rc != STORE_DONE)
			goto out;
		store_reset(st);
	}

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
	if (store_audit_hash(prev, text, hash) != 0) {
		xasprintf(cause, "audit: cannot compute SHA-256");
		rc = EX_SOFTWARE;
		goto out;
	}

	if ((st = store_stmt(q, insert_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	store_bind_int(st, 1, seq);
	store_bind_text(st, 2, now);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, event);
	if (item != NULL)
		store_bind_text(st, 5, item);
	store_bind_text(st, 6, text);
	store_bind_text(st, 7, prev);
	store_bind_text(st, 8, hash);
	if ((rc = store_run(st, "audit", cause)) != 0)
		goto out;
	/* store_commit signs the transaction's last event. */
	if (q->txn_seq == 0)
		q->txn_first_seq = seq;
	q->txn_seq = seq;
	memcpy(q->txn_hash, hash, sizeof q->txn_hash);
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
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	*events = 0;
	memcpy(head, STORE_AUDIT_GENESIS, 65);
	rc = store_step(st, "audit", cause);
	if (rc == STORE_ROW) {
		*events = store_int(st, 0);
		snprintf(head, 65, "%s",
		    store_text(st, 1));
	} else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
queue_audit_log(struct queue *q, const char *item, const char *actor,
    int (*fn)(const struct queue_audit_event *, void *), void *arg,
    char **cause)
{
	static const char sql[] =
	    "SELECT seq, at, actor, event, item, body, hash FROM audit "
	    "WHERE (CAST(?1 AS TEXT) IS NULL OR item = ?1) AND "
	    "(CAST(?2 AS TEXT) IS NULL OR actor = ?2) "
	    "ORDER BY seq";
	struct queue_audit_event	 ev;
	struct store_stmt		*st;
	int				 rc, step;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "read the audit log", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (item != NULL)
		store_bind_text(st, 1, item);
	if (actor != NULL)
		store_bind_text(st, 2, actor);
	while ((step = store_step(st, "database", cause)) == STORE_ROW) {
		ev.seq = store_int(st, 0);
		ev.at = (char *)store_text(st, 1);
		ev.actor = (char *)store_text(st, 2);
		ev.event = (char *)store_text(st, 3);
		ev.item = (char *)store_text(st, 4);
		ev.body = (char *)store_text(st, 5);
		ev.hash = (char *)store_text(st, 6);
		if ((rc = fn(&ev, arg)) != 0) {
			store_reset(st);
			return (rc);
		}
	}
	store_reset(st);
	if (step != STORE_DONE)
		return (step);
	return (0);
}
