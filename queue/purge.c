/*
 * Retention and erasure: an item's content replaced by a tombstone, in one
 * audited event that commits to what was removed and to what is left.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "json.h"
#include "records.h"
#include "xmalloc.h"

/* What of a payload is content a reviewer wrote: removed with the item. */
static const char *const purge_content_keys[] = {
	"text", "note", "correction", NULL
};

void
queue_tombstone_report_done(struct queue_tombstone_report *r)
{
	struct queue_tombstoned	*t;
	size_t			 i, j;

	for (i = 0; i < r->nitems; i++) {
		t = &r->items[i];
		free(t->item);
		free(t->kind);
		free(t->state);
		queue_decisions_free(t->decisions, t->ndecisions);
		for (j = 0; j < t->nexports; j++) {
			free(t->exports[j].format);
			free(t->exports[j].path);
			free(t->exports[j].exported_at);
			free(t->exports[j].actor);
		}
		free(t->exports);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* The payload without its content; NULL stays NULL. */
static char *
purge_payload(const char *payload)
{
	const char *const	*k;
	cJSON			*p;
	char			*out;

	if (payload == NULL || (p = cJSON_Parse(payload)) == NULL)
		return (NULL);
	for (k = purge_content_keys; *k != NULL; k++)
		cJSON_DeleteItemFromObjectCaseSensitive(p, *k);
	out = json_print(p);
	cJSON_Delete(p);
	return (out);
}

/* {"decision": id, "payload_sha256": ...} as verify recomputes it. */
static cJSON *
purge_decision_entry(int64_t id, const char *payload)
{
	cJSON *o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "decision", (double)id);
	if (payload != NULL)
		cJSON_AddItemToObject(o, "payload", cJSON_Parse(payload));
	audit_commit_payload(o);
	return (o);
}

/*
 * The item's events of the first format hold its decisions' payloads
 * whole: each gets the payload's hash in its place, as the later format
 * has it. The chain's hashes stay as they were (signatures and a published
 * head still hold); the item's entry lists each event resealed with the
 * SHA-256 of its new body, which verify checks in place of its link.
 */
static int
purge_reseal(struct queue *q, const char *ext_id, cJSON *entry, char **cause)
{
	struct store_audit_body	*b = NULL;
	const cJSON		*p;
	cJSON			*body, *data, *list = NULL, *o;
	char			*text, sha[65];
	size_t			 n, i;
	int			 rc;

	if ((rc = store_audit_first_format(q, ext_id, &b, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n && rc == 0; i++) {
		body = cJSON_Parse(b[i].body);
		data = cJSON_GetObjectItemCaseSensitive(body, "data");
		p = cJSON_GetObjectItemCaseSensitive(data, "payload");
		/* None, or null: nothing of the item's content is in it. */
		if (!cJSON_IsObject(data) || p == NULL || cJSON_IsNull(p)) {
			cJSON_Delete(body);
			continue;
		}
		audit_commit_payload(data);
		text = json_print(body);
		cJSON_Delete(body);
		if ((rc = store_audit_body_set(q, b[i].seq, text,
		    cause)) == 0) {
			store_sha256_hex(text, strlen(text), sha);
			if (list == NULL)
				list = cJSON_AddArrayToObject(entry,
				    "resealed");
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "seq", (double)b[i].seq);
			cJSON_AddStringToObject(o, "body_sha256", sha);
			cJSON_AddItemToArray(list, o);
		}
		free(text);
	}
	store_audit_bodies_free(b, n);
	return (rc);
}

/*
 * Tombstones one item: the hash of what goes (its line, text, context and
 * its decisions' payloads, in that order, as a digest), its decisions'
 * payloads without their content, its first-format events resealed, the
 * tombstone. Its entry for the event
 * goes into items.
 */
static int
purge_item(struct queue *q, const struct store_doomed *d,
    const char *causeword, const char *reason, int64_t seq, const char *now,
    char sha[65], cJSON *items, char **cause)
{
	struct store_content	 c;
	struct store_tombstone	 t;
	struct digest		 dg;
	cJSON			*e, *decs;
	char			*p;
	size_t			 i;
	int			 rc;

	if ((rc = store_content_get(q, d->id, &c, cause)) != 0)
		return (rc);
	digest_init(&dg);
	digest_str(&dg, c.raw);
	digest_str(&dg, c.text);
	digest_str(&dg, c.prompt);
	digest_str(&dg, c.messages);
	for (i = 0; i < c.ndecisions; i++) {
		digest_int(&dg, c.decisions[i].id);
		digest_str(&dg, c.decisions[i].payload);
	}
	rc = digest_final(&dg, sha);
	digest_done(&dg);
	if (rc != 0) {
		xasprintf(cause, "purge: cannot compute SHA-256");
		rc = EX_SOFTWARE;
		goto out;
	}
	memset(&t, 0, sizeof t);
	t.item_id = d->id;
	t.audit_seq = seq;
	t.removed_at = now;
	t.actor = q->actor;
	t.cause = causeword;
	t.reason = reason;
	t.content_sha256 = sha;
	/* The tombstone first: the guard lets payloads move only then. */
	if ((rc = store_tombstone_insert(q, &t, cause)) != 0)
		goto out;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "item", d->ext_id);
	cJSON_AddStringToObject(e, "kind", d->kind);
	cJSON_AddStringToObject(e, "state", d->state);
	cJSON_AddStringToObject(e, "sha256", sha);
	decs = cJSON_AddArrayToObject(e, "decisions");
	cJSON_AddItemToArray(items, e);
	for (i = 0; i < c.ndecisions; i++) {
		p = purge_payload(c.decisions[i].payload);
		if (p != NULL && (rc = store_decision_payload_set(q,
		    c.decisions[i].id, p, cause)) != 0) {
			free(p);
			goto out;
		}
		cJSON_AddItemToArray(decs, purge_decision_entry(
		    c.decisions[i].id, p));
		free(p);
	}
	rc = purge_reseal(q, d->ext_id, e, cause);
out:
	store_content_done(&c);
	return (rc);
}

/* The digests of each batch the run touched, as they are now. */
static int
purge_batches(struct queue *q, const struct store_doomed *d, size_t n,
    cJSON *out, char **cause)
{
	cJSON	*b;
	char	 content[65], stored[65];
	size_t	 i, j;
	int	 rc;

	for (i = 0; i < n; i++) {
		if (d[i].tombstoned)
			continue;
		for (j = 0; j < i && (d[j].tombstoned ||
		    d[j].batch != d[i].batch); j++)
			;
		if (j < i)
			continue;
		if ((rc = verify_batch_digests(q, d[i].batch, content, stored,
		    cause)) != 0)
			return (rc);
		b = cJSON_CreateObject();
		cJSON_AddNumberToObject(b, "batch", (double)d[i].batch);
		cJSON_AddStringToObject(b, "content_sha256", content);
		cJSON_AddStringToObject(b, "stored_sha256", stored);
		cJSON_AddItemToArray(out, b);
	}
	return (0);
}

static void
purge_report_add(struct queue_tombstone_report *r, const struct store_doomed *d,
    const char *sha)
{
	struct queue_tombstoned *t;

	r->items = xreallocarray(r->items, r->nitems + 1, sizeof *r->items);
	t = &r->items[r->nitems++];
	memset(t, 0, sizeof *t);
	t->item = xstrdup(d->ext_id);
	t->kind = xstrdup(d->kind);
	t->state = xstrdup(d->state);
	t->already = d->tombstoned;
	snprintf(t->sha256, sizeof t->sha256, "%s", sha != NULL ? sha : "");
	if (!d->tombstoned)
		r->removed++;
}

/*
 * Tombstones the items not tombstoned yet, in the caller's transaction,
 * and appends the event (data gets "items" and "batches").
 */
static int
purge_run(struct queue *q, const struct store_doomed *d, size_t n,
    const char *event, const char *causeword, const char *reason,
    cJSON *data, struct queue_tombstone_report *r, char **cause)
{
	cJSON	*items, *batches;
	char	 now[32], sha[65];
	int64_t	 seq;
	size_t	 i;
	int	 rc;

	store_now_text(q, now);
	if ((rc = store_audit_next_seq(q, &seq, cause)) != 0) {
		cJSON_Delete(data);
		return (rc);
	}
	cJSON_AddStringToObject(data, "cause", causeword);
	json_add_string_or_null(data, "reason", reason);
	items = cJSON_AddArrayToObject(data, "items");
	batches = cJSON_AddArrayToObject(data, "batches");
	for (i = 0; i < n; i++) {
		sha[0] = '\0';
		if (!d[i].tombstoned && (rc = purge_item(q, &d[i], causeword,
		    reason, seq, now, sha, items, cause)) != 0)
			goto fail;
		purge_report_add(r, &d[i], d[i].tombstoned ? NULL : sha);
	}
	cJSON_AddNumberToObject(data, "tombstoned", (double)r->removed);
	if ((rc = purge_batches(q, d, n, batches, cause)) != 0)
		goto fail;
	r->event = seq;
	return (store_audit_append(q, event, q->actor, NULL, data, cause));
fail:
	cJSON_Delete(data);
	return (rc);
}

/* The log must verify before content goes: purge would launder damage. */
static int
purge_check_log(struct queue *q, char **cause)
{
	struct queue_verify_report	 vr;
	char				*why = NULL;
	int				 rc;

	if ((rc = queue_audit_verify(q, NULL, &vr, &why)) != 0) {
		xasprintf(cause, "the audit log does not verify, so nothing "
		    "was removed (the events removing content would commit "
		    "to a damaged record): %s", why);
		free(why);
	}
	return (rc);
}

int
queue_purge(struct queue *q, int dry_run, struct queue_tombstone_report *r,
    char **cause)
{
	struct store_doomed	*d = NULL;
	size_t			 n = 0, i;
	int			 rc;

	memset(r, 0, sizeof *r);
	if ((rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_require_role(q, POLICY_ROLE_ADMIN,
	    "purge item content", cause)) != 0)
		return (rc);
	r->content_days = q->policy->content_days;
	r->audit_days = q->policy->audit_days;
	if (r->content_days == 0)
		return (0);	/* kept for ever: nothing is due */
	queue_format_time(queue_now(q) - (int64_t)r->content_days * 86400,
	    r->before);
	if (!dry_run && (rc = purge_check_log(q, cause)) != 0)
		return (rc);
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_tombstone_due(q, r->before, &d, &n, cause)) != 0)
		goto fail;
	if (dry_run || n == 0) {
		for (i = 0; i < n; i++)
			purge_report_add(r, &d[i], NULL);
		store_rollback(q);
		store_doomed_free(d, n);
		return (0);
	}
	if ((rc = purge_run(q, d, n, "purge", "retention", NULL,
	    cJSON_CreateObject(), r, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	store_doomed_free(d, n);
	return (0);
fail:
	store_rollback(q);
	store_doomed_free(d, n);
	queue_tombstone_report_done(r);
	return (rc);
}

/* The receipt's part of an item: its decisions and the runs it went to. */
static int
erase_receipt(struct queue *q, const struct store_doomed *d,
    struct queue_tombstoned *t, char **cause)
{
	struct store_scan	*s = NULL;
	struct store_recipient	 e;
	struct queue_recipient	*x;
	int			 rc;

	if ((rc = store_item_history(q, d->ext_id, &t->decisions,
	    &t->ndecisions, cause)) != 0 ||
	    (rc = store_item_exports_scan(q, d->id, &s, cause)) != 0)
		goto out;
	while ((rc = store_item_exports_next(s, &e, cause)) == STORE_ROW) {
		t->exports = xreallocarray(t->exports, t->nexports + 1,
		    sizeof *t->exports);
		x = &t->exports[t->nexports++];
		x->id = e.id;
		x->format = xstrdup(e.format);
		x->path = xstrdup(e.path);
		x->exported_at = xstrdup(e.exported_at);
		x->actor = xstrdup(e.actor);
	}
	if (rc == STORE_DONE)
		rc = 0;
out:
	store_scan_free(s);
	return (rc);
}

/*
 * The erased hook, told after the commit: the subject (the log keeps only
 * its hash; the hook runs for the one who erased it), its items and the
 * export runs that held them, the recipients Art. 19 says to tell.
 */
static void
erase_notify(struct queue *q, const char *subject, const char *reason,
    const struct queue_tombstone_report *r)
{
	cJSON	*o, *items, *runs;
	size_t	 i, j, k;
	int64_t	 id;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "subject", subject);
	json_add_string_or_null(o, "reason", reason);
	items = cJSON_AddArrayToObject(o, "items");
	runs = cJSON_AddArrayToObject(o, "export_runs");
	for (i = 0; i < r->nitems; i++) {
		cJSON_AddItemToArray(items,
		    cJSON_CreateString(r->items[i].item));
		for (j = 0; j < r->items[i].nexports; j++) {
			id = r->items[i].exports[j].id;
			for (k = 0; k < (size_t)cJSON_GetArraySize(runs) &&
			    (int64_t)cJSON_GetArrayItem(runs,
			    (int)k)->valuedouble != id; k++)
				;
			if (k == (size_t)cJSON_GetArraySize(runs))
				cJSON_AddItemToArray(runs,
				    cJSON_CreateNumber((double)id));
		}
	}
	queue_notify(q, "erased", NULL, o);
}

int
queue_erase(struct queue *q, const char *subject, const char *reason,
    struct queue_tombstone_report *r, char **cause)
{
	struct store_doomed	*d = NULL;
	cJSON			*data;
	char			 sha[65];
	size_t			 n = 0, i;
	int			 rc;

	memset(r, 0, sizeof *r);
	if ((rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_require_role(q, q->policy->erase_role,
	    "erase a data subject", cause)) != 0 ||
	    (rc = purge_check_log(q, cause)) != 0)
		return (rc);
	/* Before the writes: what they overwrite or delete is zeroed. */
	if ((rc = q->ops->scrub(q, 0, cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_subject_items(q, subject, &d, &n, cause)) != 0)
		goto fail;
	if (n == 0) {
		xasprintf(cause, "no item names the data subject given (%s "
		    "records none, or it was erased already)", q->path);
		rc = EX_NOINPUT;
		goto fail;
	}
	/* The log keeps the subject's hash, not the subject. */
	store_sha256_hex(subject, strlen(subject), sha);
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "subject_sha256", sha);
	if ((rc = purge_run(q, d, n, "erase", "erasure", reason, data, r,
	    cause)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((rc = erase_receipt(q, &d[i], &r->items[i], cause)) != 0)
			goto fail;
	}
	erase_notify(q, subject, reason, r);
	if ((rc = store_subject_delete(q, subject, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	store_doomed_free(d, n);
	/* After the commit: no copy left in the files, as far as can be. */
	return (q->ops->scrub(q, 1, cause));
fail:
	store_rollback(q);
	store_doomed_free(d, n);
	queue_tombstone_report_done(r);
	return (rc);
}
