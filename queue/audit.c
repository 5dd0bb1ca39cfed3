/*
 * The tamper-evident audit log: each event's hash is SHA-256 of the previous
 * hash (32 bytes, all zero for the first event) followed by the event's
 * canonical serialization. Appending, the head and the history; checking
 * it is verify's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "json.h"
#include "internal.h"
#include "records.h"
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

/*
 * A decision's data as the log holds it: its payload (corrections, notes,
 * reasons: content a reviewer wrote) replaced by the SHA-256 of the
 * payload's compact JSON, or null when it has none. The payload lives in
 * its decisions row, which purge and erase may empty; the event stays.
 */
void
audit_commit_payload(cJSON *data)
{
	cJSON	*p;
	char	*text, sha[65];

	p = cJSON_DetachItemFromObjectCaseSensitive(data, "payload");
	if (p == NULL || cJSON_IsNull(p))
		cJSON_AddNullToObject(data, "payload_sha256");
	else {
		text = json_print(p);
		store_sha256_hex(text, strlen(text), sha);
		free(text);
		cJSON_AddStringToObject(data, "payload_sha256", sha);
	}
	cJSON_Delete(p);
}

int
store_audit_append(struct queue *q, const char *event, const char *actor,
    const char *item, cJSON *data, char **cause)
{
	struct store_audit_row	 row;
	cJSON			*body = NULL;
	char			*text = NULL, prev[65], hash[65], now[32];
	int64_t			 seq = 1;
	int			 rc;

	/* A write begun without the log's lock takes it now. */
	if (q->txn_seq == 0 && q->ops->lock_log != NULL &&
	    (rc = q->ops->lock_log(q, cause)) != 0)
		goto out;
	if (q->txn_seq != 0) {
		/* Not the transaction's first event: its predecessor is ours. */
		seq = q->txn_seq + 1;
		memcpy(prev, q->txn_hash, sizeof prev);
	} else {
		if ((rc = store_audit_head(q, &seq, prev, cause)) != 0)
			goto out;
		seq++;
	}

	store_now_text(q, now);
	body = cJSON_CreateObject();
	/*
	 * "v": 2 says the body commits to content by hash (see
	 * audit_commit_payload); bodies without it are the first format,
	 * which held decision payloads whole.
	 */
	cJSON_AddNumberToObject(body, "v", AUDIT_BODY_VERSION);
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

	row.seq = seq;
	row.at = now;
	row.actor = actor;
	row.event = event;
	row.item = item;
	row.body = text;
	row.prev_hash = prev;
	row.hash = hash;
	if ((rc = store_audit_insert(q, &row, cause)) != 0)
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
	return (store_audit_head(q, events, head, cause));
}

int
queue_audit_log(struct queue *q, const char *item, const char *actor,
    int (*fn)(const struct queue_audit_event *, void *), void *arg,
    char **cause)
{
	struct queue_audit_event	 ev;
	struct store_scan		*scan = NULL;
	int				 rc, blind;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "read the audit log", cause)) != 0)
		return (rc);
	if ((rc = store_audit_scan(q, item, actor, &scan, cause)) != 0)
		goto out;
	while ((rc = store_audit_next(scan, &ev, cause)) == STORE_ROW) {
		/* Others' events on an item in a blind round are not shown. */
		if (ev.item != NULL && strcmp(ev.actor, q->actor) != 0) {
			if ((rc = quality_blind(q, ev.item, &blind,
			    cause)) != 0)
				goto out;
			if (blind)
				continue;
		}
		if ((rc = fn(&ev, arg)) != 0)
			goto out;
	}
	if (rc == STORE_DONE)
		rc = 0;
out:
	store_scan_free(scan);
	return (rc);
}
