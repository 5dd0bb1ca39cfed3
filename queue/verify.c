/*
 * Verifying the record without trusting the file: its pages, the audit
 * chain and its signatures, and every table that grants authority or feeds
 * an export, each checked against the events that produced it.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/evp.h>

#include "json.h"
#include "record.h"
#include "records.h"
#include "triage.h"
#include "xmalloc.h"

/*
 * What the chain says about the rows checked after it: one entry per
 * policy load, import batch, shift, export run and acknowledgement, found
 * by the id its event names.
 */
struct verify_event {
	int64_t		 id;		/* the row's id in its table */
	int64_t		 seq;
	char		*at;
	char		*actor;
	cJSON		*data;
	int		 seen;		/* a row claimed it */
};

struct verify_list {
	struct verify_event	*v;
	size_t			 n;
};

struct verify_policy {
	int		 version;
	struct policy	*p;
};

struct verify {
	struct queue			*q;
	struct queue_verify_report	*r;
	struct sign_key			*key;		/* checks signatures */
	struct sign_key			*logged;	/* the log's own key */
	int64_t				 covered;	/* signed up to here */
	int64_t				 first_key;	/* seq of signing_key */
	int64_t				 key_from;	/* its first signed event */
	int64_t				 published_from; /* --key says */
	char				 uncovered[32];	/* event covered + 1 */

	struct verify_list		 policies, batches, shifts_start,
					 shifts_end, exports, acks, baselines,
					 overdue,
					 suspends, unsuspends;
	/*
	 * Purge and erase events: each batch's digests from then on (the
	 * last event naming it says), each tombstoned item's entry, and the
	 * decisions of tombstoned items whose payloads were rewritten (their
	 * hashes now, to be found in an entry).
	 */
	struct verify_list		 rebatched;
	cJSON				*tombstones;	/* ext_id: entry */
	cJSON				*rewritten;	/* decision: sha */
	/*
	 * First-format events of tombstoned items whose bodies no longer
	 * hash to their links: resealed, if a tombstone's entry lists each
	 * with its body's SHA-256 as it is now (verify_tombstones).
	 */
	cJSON				*resealed;
	struct verify_policy		*pols;
	size_t				 npols;
	int64_t				 decisions;	/* events naming one */
	int64_t				 pauses;	/* pause, resume */
	int64_t				 two_person;	/* rounds opened */
};

static void
verify_list_add(struct verify_list *l, int64_t id, int64_t seq,
    const char *at, const char *actor, cJSON *data)
{
	struct verify_event *e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	e->id = id;
	e->seq = seq;
	e->at = xstrdup(at);
	e->actor = xstrdup(actor);
	e->data = data;
	e->seen = 0;
}

static int
verify_event_cmp(const void *a, const void *b)
{
	const struct verify_event *x = a, *y = b;

	return (x->id < y->id ? -1 : x->id > y->id);
}

static struct verify_event *
verify_list_find(struct verify_list *l, int64_t id)
{
	struct verify_event key;

	if (l->n == 0)
		return (NULL);
	key.id = id;
	return (bsearch(&key, l->v, l->n, sizeof *l->v, verify_event_cmp));
}

/* Events come in order of seq; rows are looked up by id. */
static void
verify_list_sort(struct verify_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, verify_event_cmp);
}

static void
verify_list_free(struct verify_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].at);
		free(l->v[i].actor);
		cJSON_Delete(l->v[i].data);
	}
	free(l->v);
}

static void
verify_done(struct verify *v)
{
	size_t i;

	sign_key_free(v->key);
	sign_key_free(v->logged);
	verify_list_free(&v->policies);
	verify_list_free(&v->batches);
	verify_list_free(&v->shifts_start);
	verify_list_free(&v->shifts_end);
	verify_list_free(&v->exports);
	verify_list_free(&v->acks);
	verify_list_free(&v->overdue);
	verify_list_free(&v->baselines);
	verify_list_free(&v->suspends);
	verify_list_free(&v->unsuspends);
	verify_list_free(&v->rebatched);
	cJSON_Delete(v->tombstones);
	cJSON_Delete(v->resealed);
	cJSON_Delete(v->rewritten);
	for (i = 0; i < v->npols; i++)
		policy_free(v->pols[i].p);
	free(v->pols);
}

/* A number in an event's data, or -1. */
static int64_t
verify_num(const cJSON *data, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(data, key);

	return (cJSON_IsNumber(n) ? (int64_t)n->valuedouble : -1);
}

static const char *
verify_str(const cJSON *data, const char *key)
{
	return (cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data,
	    key)));
}

static int
verify_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static int64_t
verify_time(const char *at)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (at == NULL || strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (-1);
	return ((int64_t)timegm(&tm));
}

/*
 * A decision's event against its row. The event's body says its format:
 * version 2 holds the payload's hash (audit_commit_payload), the first
 * format the payload itself; the row is read back into the same form.
 */
/*
 * A decision of a tombstoned item whose payload purge or erase rewrote:
 * the rest must be as recorded; the payload's hash now is kept, for the
 * tombstone's event must name it (verify_tombstones).
 */
static int
verify_decision_rewritten(struct verify *v, const cJSON *data, cJSON *now)
{
	cJSON	*was, *sha;
	char	*a, *b, id[32];
	int	 same, found = 0;

	if (store_tombstone_exists(v->q,
	    verify_str(data, "item"), &found, NULL) != 0 || !found)
		return (0);
	if (cJSON_GetObjectItemCaseSensitive(now, "payload_sha256") == NULL)
		audit_commit_payload(now);
	sha = cJSON_DetachItemFromObjectCaseSensitive(now, "payload_sha256");
	was = cJSON_Duplicate(data, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(was, "payload");
	cJSON_DeleteItemFromObjectCaseSensitive(was, "payload_sha256");
	a = json_print(was);
	b = json_print(now);
	same = strcmp(a, b) == 0;
	free(a);
	free(b);
	cJSON_Delete(was);
	if (same) {
		if (v->rewritten == NULL)
			v->rewritten = cJSON_CreateObject();
		snprintf(id, sizeof id, "%lld", (long long)verify_num(data,
		    "decision"));
		cJSON_AddItemToObject(v->rewritten, id, sha);
	} else
		cJSON_Delete(sha);
	return (same);
}

static int
verify_decision(struct verify *v, int64_t seq, int version,
    const cJSON *data, char **cause)
{
	struct queue	*q = v->q;
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
	if (version >= 2)
		audit_commit_payload(now);
	a = json_print(data);
	b = json_print(now);
	if (strcmp(a, b) != 0 && !verify_decision_rewritten(v, data, now)) {
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
verify_columns(const struct store_verify_event *e, const cJSON *body,
    char **cause)
{
	static const char *const keys[] = { "at", "actor", "event", "item" };
	const char	*cols[] = { e->at, e->actor, e->event, e->item };
	const cJSON	*v;
	const char	*col;
	int64_t		 seq = e->seq;
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
		col = cols[i];
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

/* A "signing_key" event: the key the log says signs it from here on. */
static int
verify_key_event(struct verify *v, int64_t seq, const cJSON *data,
    char **cause)
{
	struct sign_key	*k = NULL;
	const char	*pem = verify_str(data, "public_key");
	char		*why = NULL;

	if (pem == NULL || sign_key_from_pem(pem, strlen(pem), &k,
	    &why) != 0 || !verify_streq(sign_key_id(k), verify_str(data,
	    "key_id"))) {
		xasprintf(cause, "audit event %lld (signing_key) holds no "
		    "usable key%s%s", (long long)seq, why != NULL ? ": " : "",
		    why != NULL ? why : "");
		free(why);
		sign_key_free(k);
		return (EX_DATAERR);
	}
	if (v->first_key == 0) {
		v->first_key = seq;
		v->key_from = verify_num(data, "from");
	}
	if (v->key != NULL && strcmp(v->r->key_from, "the key file") == 0 &&
	    !verify_streq(sign_key_id(v->key), sign_key_id(k))) {
		xasprintf(cause, "the key beside the database (key %s) is not "
		    "the key its log records (key %s, audit event %lld): the "
		    "key file was replaced; check the log with the key "
		    "published for it (--key)", sign_key_id(v->key),
		    sign_key_id(k), (long long)seq);
		sign_key_free(k);
		return (EX_DATAERR);
	}
	sign_key_free(v->logged);
	v->logged = k;
	return (0);
}

/*
 * A purge or erase event: its items' entries (with the event's time,
 * actor and seq) and its batches' digests, which replace those recorded
 * before (the event recomputed them after checking the log).
 */
static void
verify_tombstone_event(struct verify *v, int64_t seq, const char *at,
    const char *actor, const cJSON *data)
{
	const cJSON	*e, *b;
	cJSON		*c;
	const char	*id;
	size_t		 i;

	if (v->tombstones == NULL)
		v->tombstones = cJSON_CreateObject();
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(data,
	    "items")) {
		if ((id = verify_str(e, "item")) == NULL)
			continue;
		c = cJSON_Duplicate(e, 1);
		cJSON_AddNumberToObject(c, "seq", (double)seq);
		cJSON_AddStringToObject(c, "at", at);
		cJSON_AddStringToObject(c, "actor", actor);
		cJSON_AddItemToObject(c, "cause", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(data, "cause"), 1));
		cJSON_AddItemToObject(c, "reason", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(data, "reason"), 1));
		cJSON_DeleteItemFromObjectCaseSensitive(v->tombstones, id);
		cJSON_AddItemToObject(v->tombstones, id, c);
	}
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(data,
	    "batches")) {
		for (i = 0; i < v->rebatched.n; i++) {
			if (v->rebatched.v[i].id == verify_num(b, "batch"))
				break;
		}
		if (i < v->rebatched.n) {
			cJSON_Delete(v->rebatched.v[i].data);
			v->rebatched.v[i].data = cJSON_Duplicate(b, 1);
		} else
			verify_list_add(&v->rebatched, verify_num(b, "batch"),
			    seq, at, actor, cJSON_Duplicate(b, 1));
	}
}

/* Keeps what later checks need from an event's data. */
static int
verify_collect(struct verify *v, int64_t seq, const char *event,
    const char *at, const char *actor, const cJSON *body, char **cause)
{
	const cJSON		*data;
	struct verify_list	*l = NULL;
	const char		*key = NULL;
	int			 version;

	data = cJSON_GetObjectItemCaseSensitive(body, "data");
	version = (int)verify_num(body, "v");
	if (strcmp(event, "decision") == 0 || strcmp(event, "undo") == 0 ||
	    strcmp(event, "resolution") == 0 || strcmp(event, "reopen") == 0 ||
	    strcmp(event, "settlement") == 0) {
		v->decisions++;
		return (verify_decision(v, seq, version, data, cause));
	}
	if (strcmp(event, "purge") == 0 || strcmp(event, "erase") == 0) {
		verify_tombstone_event(v, seq, at, actor, data);
		return (0);
	}
	if (strcmp(event, "signing_key") == 0)
		return (verify_key_event(v, seq, data, cause));
	if (strcmp(event, "pause") == 0 || strcmp(event, "resume") == 0)
		v->pauses++;
	if (strcmp(event, "two_person") == 0)
		v->two_person++;
	if (strcmp(event, "policy_load") == 0) {
		l = &v->policies;
		key = "version";
	} else if (strcmp(event, "import") == 0) {
		l = &v->batches;
		key = "batch";
	} else if (strcmp(event, "shift_start") == 0) {
		l = &v->shifts_start;
		key = "shift";
	} else if (strcmp(event, "shift_end") == 0) {
		l = &v->shifts_end;
		key = "shift";
	} else if (strcmp(event, "export") == 0) {
		l = &v->exports;
		key = "export";
	} else if (strcmp(event, "escalation_ack") == 0) {
		l = &v->acks;
		key = "escalation";
	} else if (strcmp(event, "escalation_overdue") == 0) {
		l = &v->overdue;
		key = "escalation";
	} else if (strcmp(event, "baseline") == 0) {
		l = &v->baselines;
		key = "batch";
	} else if (strcmp(event, "suspend") == 0) {
		l = &v->suspends;
		key = "suspension";
	} else if (strcmp(event, "unsuspend") == 0) {
		l = &v->unsuspends;
		key = "suspension";
	}
	if (l != NULL)
		verify_list_add(l, verify_num(data, key), seq, at, actor,
		    cJSON_Duplicate(data, 1));
	return (0);
}

/*
 * The signature of one transaction's last event, over the events it wrote:
 * the ranges of the signatures must tile the log from its first event (or
 * from the first a database made before signing signed).
 */
static int
verify_signature(struct verify *v, int64_t first, int64_t seq,
    const char *event, const char *hash, const char *key_id, const char *sig,
    char **cause)
{
	if (v->key == NULL && v->logged != NULL) {
		/* No key given or beside the database: the log's own. */
		v->key = v->logged;
		v->logged = NULL;
		v->r->key_from = "the log";
	}
	if (v->covered == 0 && first > 1 && v->first_key == seq &&
	    v->key_from == first) {
		/* The first signature of a database made before signing. */
		v->r->legacy = first - 1;
		v->covered = first - 1;
	}
	if (first != v->covered + 1) {
		if (first > v->covered + 1)
			xasprintf(cause, "audit event %lld (%s) is unsigned: no "
			    "signature covers it, so the log was changed at or "
			    "after it without the signing key",
			    (long long)v->covered + 1, v->uncovered);
		else
			xasprintf(cause, "the signature of audit event %lld "
			    "claims events from %lld, which an earlier "
			    "signature covers: the log was rewritten",
			    (long long)seq, (long long)first);
		return (EX_DATAERR);
	}
	if (v->key == NULL || !verify_streq(key_id, sign_key_id(v->key)) ||
	    !sign_check(v->key, first, seq, hash, sig)) {
		xasprintf(cause, "audit event %lld (%s) is badly signed%s: "
		    "the log was changed at or before it (events up to %lld "
		    "are signed correctly)", (long long)seq, event,
		    v->key == NULL ? " (no key to check it with)" : "",
		    (long long)v->covered);
		return (EX_DATAERR);
	}
	v->covered = seq;
	v->r->signatures++;
	return (0);
}

/*
 * An event whose body does not hash to its link. Purge and erase reseal a
 * tombstoned item's first-format events (the payload, whole in them,
 * replaced by its hash) and leave the chain's hashes as they were, so that
 * signatures and published heads still hold: such an event's link is
 * taken as stored, to be matched once the whole log is read. Anything
 * else was changed.
 */
static int
verify_unhashed(struct verify *v, const struct store_verify_event *e,
    char hash[65], char **cause)
{
	cJSON	*o;
	char	 sha[65];
	int	 found = 0;

	if (e->body != NULL && e->event != NULL && e->item != NULL &&
	    e->hash != NULL && strlen(e->hash) == 64 &&
	    strncmp(e->body, "{\"v\":", 5) != 0 &&
	    store_tombstone_exists(v->q, e->item, &found, NULL) == 0 &&
	    found) {
		store_sha256_hex(e->body, strlen(e->body), sha);
		if (v->resealed == NULL)
			v->resealed = cJSON_CreateArray();
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)e->seq);
		cJSON_AddStringToObject(o, "event", e->event);
		cJSON_AddStringToObject(o, "item", e->item);
		cJSON_AddStringToObject(o, "body_sha256", sha);
		cJSON_AddItemToArray(v->resealed, o);
		memcpy(hash, e->hash, 65);
		return (0);
	}
	xasprintf(cause, "audit event %lld (%s) was changed after it was "
	    "recorded: its hash does not match", (long long)e->seq,
	    e->event != NULL ? e->event : "?");
	return (EX_DATAERR);
}

static int
verify_chain(struct verify *v, const char *expect, char **cause)
{
	struct queue			*q = v->q;
	struct store_scan		*s;
	struct store_verify_event	 e;
	cJSON				*body = NULL;
	const char			*text, *event;
	char				 prev[65], hash[65];
	int64_t				 expect_seq = 1, seq = 0, orphan;
	int				 rc = 0, step, found;

	memcpy(prev, STORE_AUDIT_GENESIS, sizeof prev);
	if ((rc = store_verify_event_scan(q, &s, cause)) != 0)
		return (rc);
	while ((step = store_verify_event_next(s, &e, cause)) == STORE_ROW) {
		seq = e.seq;
		text = e.body;
		event = e.event;
		rc = EX_DATAERR;
		if (seq != expect_seq) {
			xasprintf(cause, "audit event %lld is missing (the log "
			    "goes from %lld to %lld)", (long long)expect_seq,
			    (long long)expect_seq - 1, (long long)seq);
			goto out;
		}
		if (!verify_streq(e.prev_hash, prev)) {
			xasprintf(cause, "audit event %lld does not link to "
			    "event %lld: events were removed, inserted or "
			    "reordered", (long long)seq, (long long)seq - 1);
			goto out;
		}
		if ((text == NULL || event == NULL ||
		    store_audit_hash(prev, text, hash) != 0 ||
		    !verify_streq(hash, e.hash)) &&
		    (rc = verify_unhashed(v, &e, hash, cause)) != 0)
			goto out;
		rc = EX_DATAERR;
		cJSON_Delete(body);
		if ((body = cJSON_Parse(text)) == NULL) {
			xasprintf(cause, "audit event %lld: unreadable body",
			    (long long)seq);
			goto out;
		}
		if ((rc = verify_columns(&e, body, cause)) != 0 ||
		    (rc = verify_collect(v, seq, event, e.at, e.actor, body,
		    cause)) != 0)
			goto out;
		if (seq == v->covered + 1)
			snprintf(v->uncovered, sizeof v->uncovered, "%s",
			    event);
		if (e.signature != NULL &&
		    (rc = verify_signature(v, e.first_seq, seq, event, hash,
		    e.key_id, e.signature, cause)) != 0)
			goto out;
		if (expect != NULL && strcmp(hash, expect) == 0)
			v->r->expect_seq = seq;
		memcpy(prev, hash, sizeof prev);
		expect_seq++;
	}
	if (step != STORE_DONE) {
		rc = step;
		goto out;
	}
	store_scan_free(s);
	s = NULL;
	rc = EX_DATAERR;
	if (v->first_key == 0 && q->key_recorded) {
		xasprintf(cause, "the database says its log is signed, but no "
		    "event of the log names a signing key: the log was "
		    "rewritten");
		goto out;
	}
	if (v->first_key == 0) {
		/* Made before signing and never written since. */
		v->r->legacy = seq;
		v->covered = seq;
	}
	if (v->covered < seq) {
		xasprintf(cause, "audit event %lld (%s) is unsigned: the log was "
		    "extended or rewritten without the signing key%s",
		    (long long)v->covered + 1, v->uncovered, v->covered > 0 ?
		    "" : " (no event is signed)");
		goto out;
	}
	if (v->first_key == 0 && seq > 0 && v->key != NULL &&
	    strcmp(v->r->key_from, "--key") == 0) {
		xasprintf(cause, "no event of the log is signed, so nothing "
		    "in it can be checked against the key given with --key");
		goto out;
	}
	if (v->published_from > 0 && v->r->legacy + 1 != v->published_from) {
		xasprintf(cause, "the key given with --key signs this log from "
		    "event %lld, but its signatures start at event %lld: the "
		    "events before were rewritten and left unsigned",
		    (long long)v->published_from, (long long)v->r->legacy + 1);
		goto out;
	}
	if ((rc = store_verify_orphan(q, &found, &orphan, cause)) != 0)
		goto out;
	rc = EX_DATAERR;
	if (found) {
		xasprintf(cause, "audit_signatures holds a signature of event "
		    "%lld, which the log does not have: events were removed",
		    (long long)orphan);
		goto out;
	}
	if (expect != NULL && v->r->expect_seq == 0) {
		xasprintf(cause, "the published head %s is not in the chain: "
		    "the log was cut or rewritten after it was published",
		    expect);
		goto out;
	}
	v->r->events = seq;
	memcpy(v->r->head, prev, sizeof prev);
	rc = 0;
out:
	store_scan_free(s);
	cJSON_Delete(body);
	return (rc);
}

/* Each policy version is the one its load recorded, byte for byte. */
static int
verify_policies(struct verify *v, char **cause)
{
	struct verify_event		*e;
	struct policy			*p;
	struct store_scan		*s;
	struct store_verify_policy	 row;
	size_t				 blen;
	const char			*body;
	char				 sha[65], *why = NULL;
	int				 version, rc, step;

	if ((rc = store_verify_policy_scan(v->q, &s, cause)) != 0)
		return (rc);
	rc = EX_DATAERR;
	while ((step = store_verify_policy_next(s, &row, cause)) == STORE_ROW) {
		version = row.version;
		body = row.body;
		blen = row.bodylen;
		store_sha256_hex(body != NULL ? body : "", body != NULL ? blen :
		    0, sha);
		if ((e = verify_list_find(&v->policies, version)) == NULL) {
			xasprintf(cause, "policy version %d was not loaded "
			    "through hitl: the log has no event for it",
			    version);
			goto out;
		}
		e->seen = 1;
		if (!verify_streq(sha, verify_str(e->data, "sha256")) ||
		    !verify_streq(sha, row.sha256)) {
			xasprintf(cause, "policy version %d was changed after "
			    "it was loaded (audit event %lld): its text no "
			    "longer has the SHA-256 recorded then", version,
			    (long long)e->seq);
			goto out;
		}
		if (!verify_streq(e->actor, row.loaded_by) ||
		    !verify_streq(e->at, row.loaded_at)) {
			xasprintf(cause, "policy version %d: who loaded it or "
			    "when was changed after audit event %lld recorded "
			    "it", version, (long long)e->seq);
			goto out;
		}
		if (policy_parse(body, blen, &p, &why) != 0) {
			xasprintf(cause, "policy version %d no longer "
			    "validates: %s", version, why);
			free(why);
			goto out;
		}
		v->pols = xreallocarray(v->pols, v->npols + 1,
		    sizeof *v->pols);
		v->pols[v->npols].version = version;
		v->pols[v->npols++].p = p;
		v->r->policies++;
	}
	if (step != STORE_DONE) {
		rc = step;
		goto out;
	}
	rc = 0;
out:
	store_scan_free(s);
	return (rc);
}

/* Every event of a kind must have its row; names the first without. */
static int
verify_all_seen(const struct verify_list *l, const char *what,
    char **cause)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!l->v[i].seen) {
			xasprintf(cause, "%s %lld, recorded by audit event "
			    "%lld, is missing from the database", what,
			    (long long)l->v[i].id, (long long)l->v[i].seq);
			return (EX_DATAERR);
		}
	}
	return (0);
}

static const struct policy *
verify_policy_at(struct verify *v, int version)
{
	static struct policy	*builtin;
	size_t			 i;

	for (i = 0; i < v->npols; i++) {
		if (v->pols[i].version == version)
			return (v->pols[i].p);
	}
	if (version != 0)
		return (NULL);
	if (builtin == NULL)
		builtin = policy_default();
	return (builtin);
}

/* An import batch's row says what its event says. */
static int
verify_batch_row(struct verify *v, const struct store_verify_batch *b,
    char **cause)
{
	static const char *const counts[] = {
		"imported", "queued", "auto_decided", "duplicates", "invalid"
	};
	const int64_t		 stored[] = {
		b->imported, b->queued, b->auto_decided, b->duplicates,
		b->invalid
	};
	struct verify_event	*e;
	const cJSON		*files;
	int64_t			 id = b->id;
	char			*text;
	int			 i, same;

	if ((e = verify_list_find(&v->batches, id)) == NULL) {
		xasprintf(cause, "import batch %lld was not imported through "
		    "hitl: the log has no event for it", (long long)id);
		return (EX_DATAERR);
	}
	e->seen = 1;
	files = cJSON_GetObjectItemCaseSensitive(e->data, "files");
	text = json_print(files);
	same = verify_streq(text, b->files) &&
	    verify_streq(e->actor, b->operator) &&
	    verify_streq(e->at, b->started_at) &&
	    verify_num(e->data, "policy_version") == b->policy_version &&
	    verify_streq(verify_str(e->data, "content_sha256"),
	    b->content_sha256);
	for (i = 0; i < 5; i++) {
		if (verify_num(e->data, counts[i]) != stored[i])
			same = 0;
	}
	free(text);
	if (!same) {
		xasprintf(cause, "import batch %lld was changed after audit "
		    "event %lld recorded it", (long long)id, (long long)e->seq);
		return (EX_DATAERR);
	}
	return (0);
}

/*
 * The scans read beside the items', merged by item id: flags and spans
 * (and, for verify, decisions), each standing on its next row.
 */
struct verify_merge {
	struct store_scan		*fl, *sp, *dc;
	struct store_verify_flag	 flag;
	struct store_verify_span	 span;
	struct store_verify_decision	 decision;
	int				 fl_row, sp_row, dc_row;
};

/* Opens the scans (m zeroed by the caller) and steps each to its first row. */
static int
verify_merge_open(struct queue *q, struct verify_merge *m, int decisions,
    char **cause)
{
	int	rc;

	if ((rc = store_verify_flag_scan(q, &m->fl, cause)) != 0 ||
	    (rc = store_verify_span_scan(q, &m->sp, cause)) != 0 ||
	    (decisions && (rc = store_verify_decision_scan(q, &m->dc,
	    cause)) != 0))
		return (rc);
	m->fl_row = store_verify_flag_next(m->fl, &m->flag, cause);
	m->sp_row = store_verify_span_next(m->sp, &m->span, cause);
	if (decisions)
		m->dc_row = store_verify_decision_next(m->dc, &m->decision,
		    cause);
	return (0);
}

static void
verify_merge_close(struct verify_merge *m)
{
	store_scan_free(m->fl);
	store_scan_free(m->sp);
	store_scan_free(m->dc);
	m->fl = m->sp = m->dc = NULL;
}

/* An items row into the digest of its batch (state auto: triage decided). */
static void
verify_item_digest(struct store_verify_item *it, struct digest *d)
{
	it->content.auto_decided = verify_streq(it->state, "auto");
	digest_item(d, &it->content);
}

/* The item's flags and spans rows, in order, into the digest. */
static void
verify_item_children(struct verify_merge *m,
    const struct store_verify_item *it, struct digest *d, char **cause)
{
	const struct store_verify_flag	*f = &m->flag;
	const struct store_verify_span	*s = &m->span;

	while (m->fl_row == STORE_ROW && f->item_id < it->id)
		m->fl_row = store_verify_flag_next(m->fl, &m->flag, cause);
	for (; m->fl_row == STORE_ROW && f->item_id == it->id;
	    m->fl_row = store_verify_flag_next(m->fl, &m->flag, cause))
		digest_flag(d, f->idx, f->type, f->score, f->detector,
		    f->rationale, f->has_offsets, f->start, f->end);
	while (m->sp_row == STORE_ROW && s->item_id < it->id)
		m->sp_row = store_verify_span_next(m->sp, &m->span, cause);
	for (; m->sp_row == STORE_ROW && s->item_id == it->id;
	    m->sp_row = store_verify_span_next(m->sp, &m->span, cause))
		digest_span(d, s->idx, s->entity_type, s->start, s->end,
		    s->score, s->recognizer, s->explanation, s->triage);
}

/*
 * The item's state must be where its decisions, taken in order, leave it
 * (queued and claimed are one: claims are leases, not decisions).
 */
struct verify_step {
	int64_t				 id;
	const struct action_info	*action;
	enum queue_state		 before;
};

static int
verify_item_state(struct verify_merge *m, const struct store_verify_item *it,
    char **cause)
{
	const struct store_verify_decision	*dc = &m->decision;
	const struct action_info		*a;
	struct verify_step			*hist = NULL;
	enum queue_state			 want;
	const char				*state, *ext_id;
	size_t					 n = 0, i;
	int64_t					 undoes;
	int					 rc = 0;

	ext_id = it->content.ext_id;
	want = it->content.auto_decided ? QUEUE_STATE_AUTO : QUEUE_STATE_QUEUED;
	while (m->dc_row == STORE_ROW && dc->item_id < it->id)
		m->dc_row = store_verify_decision_next(m->dc, &m->decision,
		    cause);
	for (; m->dc_row == STORE_ROW && dc->item_id == it->id;
	    m->dc_row = store_verify_decision_next(m->dc, &m->decision,
	    cause)) {
		hist = xreallocarray(hist, n + 1, sizeof *hist);
		hist[n].id = dc->id;
		hist[n].before = want;
		hist[n].action = a = action_find(dc->action);
		if (a == NULL) {
			xasprintf(cause, "item %s: decision %lld has an action "
			    "hitl does not know (\"%s\")", ext_id,
			    (long long)hist[n].id, dc->action);
			rc = EX_DATAERR;
			goto out;
		}
		if (a->to == ACTION_STATE_BACK) {
			undoes = dc->undoes;
			for (i = 0; i < n && hist[i].id != undoes; i++)
				;
			if (i == n) {
				xasprintf(cause, "item %s: undo %lld withdraws "
				    "no decision of the item", ext_id,
				    (long long)hist[n].id);
				rc = EX_DATAERR;
				goto out;
			}
			/*
			 * What the withdrawn decision changed comes back (undo
			 * refuses when anyone acted since); a comment changed
			 * nothing, and may be withdrawn whatever came after.
			 */
			if (hist[i].action->to != ACTION_STATE_SAME)
				want = hist[i].before;
		} else if (dc->vote)
			want = QUEUE_STATE_QUEUED;
		else if (a->to != ACTION_STATE_SAME)
			want = (enum queue_state)a->to;
		n++;
	}
	state = it->state;
	if (state != NULL && strcmp(state, "claimed") == 0)
		state = "queued";
	if (!verify_streq(state, queue_state_name(want))) {
		xasprintf(cause, "item %s is %s, but its decisions leave it "
		    "%s: its state was changed behind hitl's back", ext_id,
		    state != NULL ? state : "without a state",
		    queue_state_name(want));
		rc = EX_DATAERR;
	}
out:
	free(hist);
	return (rc);
}

/* --- naming what changed, once a batch's digest says something did -------- */

static int
verify_num_eq(double a, double b)
{
	return (a == b || (isnan(a) && isnan(b)));
}

/* Whether a column of JSON text (NULL: SQL NULL) holds want. */
static int
verify_json_eq(const char *col, const cJSON *want)
{
	char	*text;
	int	 same;

	if (want == NULL)
		return (col == NULL);
	text = json_print(want);
	same = verify_streq(col, text);
	free(text);
	return (same);
}

/*
 * Which column of an items row differs from what re-importing its input
 * line under its policy version gives; NULL if none does. (The digest is
 * what verify relies on: a later hitl may import the same line otherwise.)
 */
static const char *
verify_explain_columns(const struct store_verify_item *it,
    const struct record *r, const struct triage *t)
{
	const struct digest_item	*c = &it->content;

	if (!verify_streq(c->ext_id, r->id))
		return ("id");
	if (!verify_streq(c->kind, record_kind_name(r->kind)))
		return ("kind");
	if (!verify_num_eq(c->priority, t->priority) ||
	    c->spot_check != t->spot_check ||
	    !verify_streq(c->top_type, t->top_type) || (t->top_type != NULL &&
	    !verify_num_eq(c->top_score, t->top_score)) ||
	    verify_streq(it->state, "auto") == t->queued)
		return ("triage (priority, rank, spot check or auto)");
	if (!verify_streq(c->created_at, r->created_at))
		return ("created_at");
	if (!verify_streq(c->source_model, r->source_model) ||
	    !verify_streq(c->source_pipeline, r->source_pipeline) ||
	    !verify_json_eq(c->source, r->source))
		return ("source");
	if (!verify_json_eq(c->metadata, r->metadata))
		return ("metadata");
	if (!verify_streq(c->prompt, r->prompt) ||
	    !verify_json_eq(c->messages, r->messages))
		return ("context (prompt or messages)");
	if (!verify_streq(c->text, r->text))
		return ("text");
	return (NULL);
}

/* Whether the item's flags or spans rows are what its record gives. */
static const char *
verify_explain_children(struct queue *q, int64_t id, const struct record *r)
{
	const char			*what = NULL;
	struct store_scan		*s;
	struct store_verify_flag	 fl;
	struct store_verify_span	 sp;
	char				*expl, *why = NULL;
	size_t				 i = 0;

	if (store_verify_item_flag_scan(q, id, &s, &why) != 0) {
		free(why);
		return (NULL);
	}
	for (i = 0; what == NULL &&
	    store_verify_item_flag_next(s, &fl, &why) == STORE_ROW; i++) {
		const struct record_flag *f = &r->flags[i];

		if (i >= r->nflags || fl.idx != (int64_t)i ||
		    !verify_streq(fl.type, f->type) ||
		    !verify_num_eq(fl.score, f->score) ||
		    !verify_streq(fl.detector, f->detector) ||
		    !verify_streq(fl.rationale, f->rationale) ||
		    (f->has_offsets ? fl.start != (int64_t)f->start ||
		    fl.end != (int64_t)f->end : fl.has_offsets))
			what = "flags";
	}
	store_scan_free(s);
	free(why);
	why = NULL;
	if (what == NULL && i != r->nflags)
		what = "flags";
	if (what != NULL || store_verify_item_span_scan(q, id, &s,
	    &why) != 0) {
		free(why);
		return (what);
	}
	for (i = 0; what == NULL &&
	    store_verify_item_span_next(s, &sp, &why) == STORE_ROW; i++) {
		const struct record_span *rs = &r->spans[i];

		if (i >= r->nspans) {
			what = "spans";
			break;
		}
		expl = rs->explanation != NULL ? json_print(rs->explanation) :
		    NULL;
		if (sp.idx != (int64_t)i ||
		    !verify_streq(sp.entity_type, rs->entity_type) ||
		    sp.start != (int64_t)rs->start ||
		    sp.end != (int64_t)rs->end ||
		    !verify_num_eq(sp.score, rs->score) ||
		    !verify_streq(sp.recognizer, rs->recognizer) ||
		    !verify_streq(sp.explanation, expl) ||
		    !verify_streq(sp.triage, record_verdict_name(rs->verdict)))
			what = "spans";
		free(expl);
	}
	store_scan_free(s);
	free(why);
	if (what == NULL && i != r->nspans)
		what = "spans";
	return (what);
}

/*
 * Whether the record's source was suspended when its batch was imported:
 * the import's event counts its items by source ("model gpt-x").
 */
static int
verify_was_suspended(struct verify *v, int64_t batch, const struct record *r)
{
	const struct verify_event	*e;
	const cJSON			*by;
	char				*key;
	int				 was = 0;

	if ((e = verify_list_find(&v->batches, batch)) == NULL ||
	    (by = cJSON_GetObjectItemCaseSensitive(e->data,
	    "suspended")) == NULL)
		return (0);
	if (r->source_model != NULL) {
		xasprintf(&key, "model %s", r->source_model);
		was = cJSON_GetObjectItemCaseSensitive(by, key) != NULL;
		free(key);
	}
	if (!was && r->source_pipeline != NULL) {
		xasprintf(&key, "pipeline %s", r->source_pipeline);
		was = cJSON_GetObjectItemCaseSensitive(by, key) != NULL;
		free(key);
	}
	return (was);
}

/*
 * A batch failed its digest: name the first of its items whose columns no
 * longer follow from its stored input line. Returns EX_DATAERR with that
 * in *cause, or 0 if each item still reads as its line (then only the
 * digest can tell, and the caller names the batch).
 */
static int
verify_explain_batch(struct verify *v, int64_t batch, char **cause)
{
	const struct policy		*p;
	struct record			 r;
	struct triage			 t;
	struct store_scan		*s;
	struct store_verify_item	 it;
	const char			*id, *what = NULL;
	char				*why = NULL;
	int				 rc = 0;

	if (store_verify_batch_item_scan(v->q, batch, &s, &why) != 0) {
		free(why);
		return (0);
	}
	while (rc == 0 && store_verify_item_next(s, &it, &why) == STORE_ROW) {
		id = it.content.ext_id;
		if (it.raw == NULL || record_parse(it.raw, it.rawlen, &r,
		    &why) != 0) {
			xasprintf(cause, "item %s: its stored input line was "
			    "changed after import (%s)", id != NULL ? id : "?",
			    why != NULL ? why : "missing");
			free(why);
			why = NULL;
			rc = EX_DATAERR;
			break;
		}
		if ((p = verify_policy_at(v, it.content.policy_version)) !=
		    NULL) {
			triage_record(p, &r, &t);
			if (verify_was_suspended(v, batch, &r))
				triage_suspended(&r, &t);
			if ((what = verify_explain_columns(&it, &r, &t)) ==
			    NULL)
				what = verify_explain_children(v->q, it.id, &r);
		}
		if (what != NULL) {
			xasprintf(cause, "item %s: its %s %s changed after "
			    "import (it no longer matches its stored input "
			    "line)", id, what, strcmp(what, "flags") == 0 ||
			    strcmp(what, "spans") == 0 ? "were" : "was");
			rc = EX_DATAERR;
		}
		record_done(&r);
	}
	store_scan_free(s);
	free(why);
	return (rc);
}

/*
 * What a batch's event (or, for a batch imported before signing, the
 * baseline recorded when the database was upgraded) says it stored.
 */
static const char *
verify_stored_sha(struct verify *v, const struct verify_event *e)
{
	const struct verify_event *b;

	if (verify_str(e->data, "stored_sha256") != NULL)
		return (verify_str(e->data, "stored_sha256"));
	if ((b = verify_list_find(&v->baselines, e->id)) != NULL)
		return (verify_str(b->data, "stored_sha256"));
	return (NULL);
}

/* A batch's items must hash to what its event recorded. */
static int
verify_batch_end(struct verify *v, int64_t batch, EVP_MD_CTX *md,
    struct digest *d, uint64_t n, char **cause)
{
	struct verify_event	*e, *r;
	unsigned char		 raw[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	const char		*want;
	char			 sha[65], stored[65];

	if ((e = verify_list_find(&v->batches, batch)) == NULL) {
		xasprintf(cause, "internal error: batch %lld vanished",
		    (long long)batch);
		return (EX_SOFTWARE);
	}
	EVP_DigestFinal_ex(md, raw, &mdlen);
	queue_hex(raw, 32, sha);
	/* Purged or erased from: the digests its last such event says. */
	if ((r = verify_list_find(&v->rebatched, batch)) != NULL) {
		if (digest_final(d, stored) != 0) {
			xasprintf(cause, "verify: cannot compute SHA-256");
			return (EX_SOFTWARE);
		}
		if (!verify_streq(sha, verify_str(r->data,
		    "content_sha256")) || !verify_streq(stored,
		    verify_str(r->data, "stored_sha256"))) {
			xasprintf(cause, "import batch %lld: its items are not "
			    "what audit event %lld (%s) left of them: an item's "
			    "text, context, source, triage, state, flags or "
			    "spans were changed behind hitl's back",
			    (long long)batch, (long long)r->seq,
			    "purge or erase");
			return (EX_DATAERR);
		}
		v->r->items += n;
		v->r->batches++;
		return (0);
	}
	if (!verify_streq(sha, verify_str(e->data, "content_sha256")) ||
	    (int64_t)n != verify_num(e->data, "imported")) {
		if (verify_explain_batch(v, batch, cause) != 0)
			return (EX_DATAERR);
		xasprintf(cause, "import batch %lld: its items are not the "
		    "%lld lines audit event %lld recorded (items were added, "
		    "removed, or their input lines changed)", (long long)batch,
		    (long long)verify_num(e->data, "imported"),
		    (long long)e->seq);
		return (EX_DATAERR);
	}
	if (digest_final(d, stored) != 0) {
		xasprintf(cause, "verify: cannot compute SHA-256");
		return (EX_SOFTWARE);
	}
	if ((want = verify_stored_sha(v, e)) == NULL)
		v->r->unbaselined++;
	else if (strcmp(want, stored) != 0) {
		if (verify_explain_batch(v, batch, cause) != 0)
			return (EX_DATAERR);
		xasprintf(cause, "import batch %lld: what is stored of its "
		    "items is not what audit event %lld recorded: an item's "
		    "text, context, source, triage, state (auto), flags or "
		    "spans were changed behind hitl's back", (long long)batch,
		    (long long)e->seq);
		return (EX_DATAERR);
	}
	v->r->items += n;
	v->r->batches++;
	return (0);
}

/*
 * An item into its batch's two hashes: its stored rows into the digest,
 * its input line (empty once tombstoned) into the content hash.
 */
static void
verify_item_hash(struct verify_merge *m, struct store_verify_item *it,
    struct digest *d, EVP_MD_CTX *md, char **cause)
{
	verify_item_digest(it, d);
	verify_item_children(m, it, d, cause);
	digest_flush(d);
	EVP_DigestUpdate(md, it->raw != NULL ? it->raw : "",
	    it->raw != NULL ? it->rawlen : 0);
	EVP_DigestUpdate(md, "\n", 1);
}

int
verify_batch_digests(struct queue *q, int64_t batch, char content[65],
    char stored[65], char **cause)
{
	struct store_scan		*is = NULL;
	struct store_verify_item	 it;
	struct verify_merge		 m;
	struct digest			 d;
	EVP_MD_CTX			*md;
	unsigned char			 raw[EVP_MAX_MD_SIZE];
	unsigned int			 mdlen = 0;
	int				 rc, row;

	memset(&m, 0, sizeof m);
	digest_init(&d);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = EX_SOFTWARE;
		goto out;
	}
	if ((rc = store_verify_batch_item_scan(q, batch, &is, cause)) != 0 ||
	    (rc = verify_merge_open(q, &m, 0, cause)) != 0)
		goto out;
	while ((row = store_verify_item_next(is, &it, cause)) == STORE_ROW)
		verify_item_hash(&m, &it, &d, md, cause);
	if (row != STORE_DONE) {
		rc = row;
		goto out;
	}
	EVP_DigestFinal_ex(md, raw, &mdlen);
	queue_hex(raw, 32, content);
	if (digest_final(&d, stored) != 0) {
		xasprintf(cause, "purge: cannot compute SHA-256");
		rc = EX_SOFTWARE;
	}
out:
	digest_done(&d);
	EVP_MD_CTX_free(md);
	store_scan_free(is);
	verify_merge_close(&m);
	return (rc);
}

/*
 * Batches and their items: each batch row against its event; its items'
 * input lines against the batch's content hash, and what was stored of
 * them (every column and child row) against the digest import recorded;
 * each item's state against its decisions. Items are read in row order,
 * which is import order (rows are never deleted), so a batch's items come
 * together, in the order they were hashed.
 */
static int
verify_items(struct verify *v, char **cause)
{
	struct queue			*q = v->q;
	struct store_scan		*bs = NULL, *is = NULL;
	struct store_verify_batch	 b;
	struct store_verify_item	 it;
	struct verify_merge		 m;
	struct digest			 d;
	EVP_MD_CTX			*md = NULL;
	uint64_t			 n = 0;
	int64_t				 batch = 0;
	int				 rc, row, brow;

	memset(&d, 0, sizeof d);
	memset(&m, 0, sizeof m);
	if ((rc = store_verify_batch_scan(q, &bs, cause)) != 0 ||
	    (rc = store_verify_item_scan(q, &is, cause)) != 0 ||
	    (rc = verify_merge_open(q, &m, 1, cause)) != 0)
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	row = store_verify_item_next(is, &it, cause);
	while ((brow = store_verify_batch_next(bs, &b, cause)) == STORE_ROW) {
		if ((rc = verify_batch_row(v, &b, cause)) != 0)
			goto out;
		batch = b.id;
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		digest_done(&d);
		digest_init(&d);
		n = 0;
		for (; row == STORE_ROW && it.batch <= batch;
		    row = store_verify_item_next(is, &it, cause)) {
			rc = EX_DATAERR;
			if (it.batch != batch) {
				xasprintf(cause, "item %s belongs to batch %lld "
				    "but was stored with batch %lld: it was "
				    "moved behind hitl's back", it.content.ext_id,
				    (long long)it.batch, (long long)batch);
				goto out;
			}
			if (!verify_streq(it.content.imported_at,
			    b.started_at)) {
				xasprintf(cause, "item %s: its import time was "
				    "changed after import", it.content.ext_id);
				goto out;
			}
			verify_item_hash(&m, &it, &d, md, cause);
			if ((rc = verify_item_state(&m, &it, cause)) != 0)
				goto out;
			n++;
		}
		if ((rc = verify_batch_end(v, batch, md, &d, n, cause)) != 0)
			goto out;
	}
	rc = EX_DATAERR;
	if (row == STORE_ROW) {
		xasprintf(cause, "item %s belongs to no import batch (it names "
		    "batch %lld): it was added behind hitl's back",
		    it.content.ext_id, (long long)it.batch);
		goto out;
	}
	if (brow != STORE_DONE || row != STORE_DONE) {
		rc = brow != STORE_DONE ? brow : row;
		goto out;
	}
	rc = verify_all_seen(&v->batches, "import batch", cause);
out:
	digest_done(&d);
	EVP_MD_CTX_free(md);
	store_scan_free(bs);
	store_scan_free(is);
	verify_merge_close(&m);
	return (rc);
}

/* Whether the item's tombstone entry lists the event, with its body now. */
static int
verify_resealed(struct verify *v, const cJSON *r)
{
	const cJSON *e, *x;

	e = cJSON_GetObjectItemCaseSensitive(v->tombstones, verify_str(r,
	    "item"));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e,
	    "resealed")) {
		if (verify_num(x, "seq") == verify_num(r, "seq") &&
		    verify_streq(verify_str(x, "body_sha256"),
		    verify_str(r, "body_sha256")))
			return (1);
	}
	return (0);
}

/*
 * Each tombstone is what its event recorded (when, who, why, the hash of
 * what was removed), its item's content is gone, and every rewritten
 * payload of a tombstoned item's decisions is the one that event left.
 */
static int
verify_tombstones(struct verify *v, char **cause)
{
	struct store_scan		*s = NULL;
	struct store_tombstone_row	 t;
	const cJSON			*e, *d, *sha;
	const char			*want;
	char				 id[32];
	int				 rc, step;
	int64_t				 n = 0;

	if ((rc = store_tombstone_scan(v->q, &s, cause)) != 0)
		return (rc);
	rc = EX_DATAERR;
	while ((step = store_tombstone_next(s, &t, cause)) == STORE_ROW) {
		e = cJSON_GetObjectItemCaseSensitive(v->tombstones, t.ext_id);
		if (e == NULL || verify_num(e, "seq") != t.audit_seq ||
		    !verify_streq(verify_str(e, "at"), t.removed_at) ||
		    !verify_streq(verify_str(e, "actor"), t.actor) ||
		    !verify_streq(verify_str(e, "cause"), t.cause) ||
		    !verify_streq(verify_str(e, "reason"), t.reason) ||
		    !verify_streq(verify_str(e, "sha256"), t.content_sha256)) {
			xasprintf(cause, "item %s: its tombstone is not what a "
			    "purge or erase event recorded: it was made or "
			    "changed behind hitl's back", t.ext_id);
			goto out;
		}
		if (!t.emptied) {
			xasprintf(cause, "item %s is tombstoned, but content "
			    "was put back in it behind hitl's back", t.ext_id);
			goto out;
		}
		cJSON_AddTrueToObject((cJSON *)e, "seen");
		n++;
	}
	if (step != STORE_DONE) {
		rc = step;
		goto out;
	}
	cJSON_ArrayForEach(e, v->tombstones) {
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e,
		    "seen"))) {
			xasprintf(cause, "item %s was tombstoned by audit event "
			    "%lld, but its tombstone is gone", e->string,
			    (long long)verify_num(e, "seq"));
			goto out;
		}
	}
	cJSON_ArrayForEach(sha, v->rewritten) {
		want = NULL;
		cJSON_ArrayForEach(e, v->tombstones) {
			cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(
			    e, "decisions")) {
				snprintf(id, sizeof id, "%lld",
				    (long long)verify_num(d, "decision"));
				if (strcmp(id, sha->string) == 0)
					want = verify_str(d, "payload_sha256");
			}
		}
		if (!verify_streq(want, cJSON_GetStringValue(sha))) {
			xasprintf(cause, "decision %s of a tombstoned item was "
			    "changed after its tombstone's event recorded it",
			    sha->string);
			goto out;
		}
	}
	cJSON_ArrayForEach(d, v->resealed) {
		if (!verify_resealed(v, d)) {
			xasprintf(cause, "audit event %lld (%s) was changed after "
			    "it was recorded: its hash does not match, and no "
			    "purge or erasure resealed it as it is now",
			    (long long)verify_num(d, "seq"),
			    verify_str(d, "event"));
			goto out;
		}
		v->r->resealed++;
	}
	v->r->tombstoned = (uint64_t)n;
	rc = 0;
out:
	store_scan_free(s);
	return (rc);
}

/*
 * An escalation row is what its escalate decision opened, moved on only by
 * the events that may move it: an acknowledgement, a resolution, an undo.
 */
static int
verify_escalations(struct verify *v, char **cause)
{
	const struct policy_severity	*sev;
	const struct policy		*pol;
	struct verify_event		*ack, *told;
	struct store_scan		*s;
	struct store_verify_escalation	 e;
	cJSON				*p = NULL, *res = NULL;
	const char			*state, *what = NULL;
	int64_t				 id = 0, opened;
	int				 rc, step;

	if ((rc = store_verify_escalation_scan(v->q, &s, cause)) != 0)
		return (rc);
	while (what == NULL &&
	    (step = store_verify_escalation_next(s, &e, cause)) == STORE_ROW) {
		id = e.id;
		state = e.state;
		cJSON_Delete(p);
		cJSON_Delete(res);
		p = res = NULL;
		if (!verify_streq(e.opened.action, "escalate") ||
		    e.item_id != e.opened.item_id ||
		    (p = cJSON_Parse(e.opened.payload)) == NULL) {
			what = "it was opened by no escalate decision";
			break;
		}
		opened = verify_time(e.opened.decided_at);
		pol = verify_policy_at(v, (int)e.opened.policy_version);
		sev = pol != NULL ? policy_find_severity(pol,
		    verify_str(p, "severity")) : NULL;
		if (!verify_streq(e.team, verify_str(p, "team")) ||
		    !verify_streq(e.reason, verify_str(p, "reason")) ||
		    !verify_streq(e.severity, verify_str(p, "severity")) ||
		    !verify_streq(e.note, verify_str(p, "note")) ||
		    !verify_streq(e.opened_by, e.opened.reviewer) ||
		    e.opened_at != opened || sev == NULL ||
		    e.due_at != opened + (int64_t)sev->response_minutes * 60) {
			what = "it no longer says what its escalate decision "
			    "said (team, reason, severity, note, who, when or "
			    "its target)";
			break;
		}
		ack = verify_list_find(&v->acks, id);
		if (ack != NULL)
			ack->seen = 1;
		/* Told overdue (--notify-overdue) exactly when its event says. */
		told = verify_list_find(&v->overdue, id);
		if (told != NULL)
			told->seen = 1;
		if ((told != NULL) != (e.notified_overdue_at != 0) ||
		    (told != NULL && e.notified_overdue_at !=
		    verify_time(told->at))) {
			what = "its overdue notice no longer says what its "
			    "event said";
			break;
		}
		if (e.opened.undos > 0) {
			if (!verify_streq(state, "withdrawn"))
				what = "its escalation was undone, so it is "
				    "withdrawn";
			continue;
		}
		if (e.has_resolution) {
			res = cJSON_Parse(e.resolution.payload);
			if (!verify_streq(state, "resolved") ||
			    !verify_streq(e.resolution.action, "resolve") ||
			    verify_num(res, "escalation") != id ||
			    !verify_streq(e.outcome, verify_str(res,
			    "outcome")) ||
			    !verify_streq(e.resolved_by, e.resolution.reviewer) ||
			    e.resolved_at != verify_time(
			    e.resolution.decided_at))
				what = "its resolution no longer says what the "
				    "resolving decision said";
			else if (ack != NULL && (!verify_streq(e.acked_by,
			    ack->actor) || e.acked_at != verify_time(ack->at)))
				what = "its acknowledgement no longer says "
				    "what its event said";
			continue;
		}
		if (e.resolved_by != NULL || e.outcome != NULL)
			what = "it holds a resolution no decision made";
		else if (ack != NULL && (!verify_streq(state, "acknowledged") ||
		    !verify_streq(e.acked_by, ack->actor) ||
		    e.acked_at != verify_time(ack->at)))
			what = "its acknowledgement no longer says what its "
			    "event said";
		else if (ack == NULL && (!verify_streq(state, "open") ||
		    e.acked_by != NULL))
			what = "no event moved it from open";
	}
	store_scan_free(s);
	cJSON_Delete(p);
	cJSON_Delete(res);
	if (what != NULL) {
		xasprintf(cause, "escalation %lld was changed behind hitl's "
		    "back: %s", (long long)id, what);
		return (EX_DATAERR);
	}
	if (step != STORE_DONE && step != STORE_ROW)
		return (step);
	if ((rc = verify_all_seen(&v->acks, "the escalation acknowledged",
	    cause)) != 0 ||
	    (rc = verify_all_seen(&v->overdue, "the escalation told overdue",
	    cause)) != 0)
		return (rc);
	return (0);
}

/* Shifts: who started them and when, and what their end recorded. */
static int
verify_shifts(struct verify *v, char **cause)
{
	struct verify_event		*s, *e;
	struct store_scan		*scan;
	struct store_verify_shift	 sh;
	char				*counts = NULL;
	int64_t				 id = 0;
	int				 bad = 0, rc, step;

	if ((rc = store_verify_shift_scan(v->q, &scan, cause)) != 0)
		return (rc);
	while (!bad &&
	    (step = store_verify_shift_next(scan, &sh, cause)) == STORE_ROW) {
		id = sh.id;
		s = verify_list_find(&v->shifts_start, id);
		e = verify_list_find(&v->shifts_end, id);
		if (s == NULL || !verify_streq(sh.reviewer, s->actor) ||
		    !verify_streq(sh.started_at, s->at)) {
			bad = 1;
			break;
		}
		s->seen = 1;
		if (e == NULL) {
			bad = sh.ended_at != NULL || sh.counts != NULL;
			continue;
		}
		e->seen = 1;
		free(counts);
		counts = json_print(cJSON_GetObjectItemCaseSensitive(e->data,
		    "counts"));
		bad = !verify_streq(sh.ended_at, e->at) ||
		    !verify_streq(sh.note, verify_str(e->data, "note")) ||
		    !verify_streq(sh.counts, counts) || !verify_streq(e->actor,
		    s->actor);
	}
	store_scan_free(scan);
	free(counts);
	if (bad) {
		xasprintf(cause, "shift %lld was changed behind hitl's back: "
		    "its reviewer, times, counts or hand-off note are not "
		    "what its events recorded", (long long)id);
		return (EX_DATAERR);
	}
	if (step != STORE_DONE && step != STORE_ROW)
		return (step);
	if (verify_all_seen(&v->shifts_start, "shift", cause) != 0 ||
	    verify_all_seen(&v->shifts_end, "the end of shift", cause) != 0)
		return (EX_DATAERR);
	return (0);
}

/* Export runs: the windows that since-last exports and undo rely on. */
static int
verify_exports(struct verify *v, char **cause)
{
	struct verify_event		*e;
	struct store_scan		*s;
	struct store_verify_export	 x;
	char				*options;
	int64_t				 id = 0;
	int				 bad = 0, rc, step;

	if ((rc = store_verify_export_scan(v->q, &s, cause)) != 0)
		return (rc);
	while (!bad &&
	    (step = store_verify_export_next(s, &x, cause)) == STORE_ROW) {
		id = x.id;
		if ((e = verify_list_find(&v->exports, id)) == NULL) {
			bad = 1;
			break;
		}
		e->seen = 1;
		options = json_print(cJSON_GetObjectItemCaseSensitive(e->data,
		    "options"));
		bad = !verify_streq(x.format, verify_str(e->data, "format")) ||
		    !verify_streq(x.path, verify_str(e->data, "path")) ||
		    !verify_streq(x.exported_at, e->at) ||
		    !verify_streq(x.actor, e->actor) ||
		    x.records != verify_num(e->data, "records") ||
		    x.since_decision != verify_num(e->data,
		    "since_decision") ||
		    x.last_decision != verify_num(e->data, "last_decision") ||
		    !verify_streq(x.sha256, verify_str(e->data, "sha256")) ||
		    !verify_streq(x.audit_head, verify_str(e->data,
		    "audit_head")) || !verify_streq(x.options, options) ||
		    !verify_streq(x.scope, verify_str(e->data, "scope"));
		free(options);
		v->r->exports++;
	}
	store_scan_free(s);
	if (bad) {
		xasprintf(cause, "export run %lld was changed behind hitl's "
		    "back: it is not what its audit event recorded",
		    (long long)id);
		return (EX_DATAERR);
	}
	if (step != STORE_DONE && step != STORE_ROW)
		return (step);
	return (verify_all_seen(&v->exports, "export run", cause));
}

/* Simple counts the rows must agree on. */
static int
verify_counts(struct verify *v, char **cause)
{
	struct store_verify_counts	 c;
	struct store_verify_waiting	 w;
	struct store_scan		*s;
	int				 rc, step;

	if ((rc = store_verify_counts(v->q, &c, cause)) != 0)
		return (rc);
	if (c.decisions != v->decisions) {
		xasprintf(cause, "the decisions table holds %lld decisions but "
		    "the audit log records %lld: decisions were added outside "
		    "hitl", (long long)c.decisions, (long long)v->decisions);
		return (EX_DATAERR);
	}
	v->r->decisions = (uint64_t)c.decisions;
	v->r->escalations = (uint64_t)c.escalations;
	v->r->shifts = (uint64_t)c.shifts;
	if ((rc = store_verify_waiting_scan(v->q, &s, cause)) != 0)
		return (rc);
	while (rc == 0 &&
	    (step = store_verify_waiting_next(s, &w, cause)) == STORE_ROW) {
		if (w.n != w.waiting) {
			xasprintf(cause, "the count of waiting %s items says "
			    "%lld but %lld wait: it was changed behind hitl's "
			    "back (the console's header shows it)", w.kind,
			    (long long)w.n, (long long)w.waiting);
			rc = EX_DATAERR;
		}
	}
	store_scan_free(s);
	if (rc == 0 && step != STORE_DONE)
		rc = step;
	return (rc);
}

/*
 * A sample must be what import draws for the item's line under its policy
 * version, with the line's gold answer; the counts, what the imports'
 * events drew.
 */
static int
verify_samples(struct verify *v, const struct store_verify_quality *c,
    char **cause)
{
	struct store_verify_sample	 s;
	struct store_scan		*scan;
	struct record			 r;
	const struct policy		*p;
	const char			*want;
	const cJSON			*n;
	char				*why = NULL, *gold;
	int64_t				 drew[3] = { 0, 0, 0 }, votes;
	size_t				 i, k;
	int				 rc = 0, step, same;
	static const char *const kinds[] = { "overlap", "audit", "gold" };
	const int64_t			 have[3] = {
		c->overlap, c->audit, c->gold
	};

	/* An import that drew none says nothing of samples. */
	for (i = 0; i < v->batches.n; i++) {
		n = cJSON_GetObjectItemCaseSensitive(v->batches.v[i].data,
		    "samples");
		for (k = 0; n != NULL && k < 3; k++)
			if (verify_num(n, kinds[k]) > 0)
				drew[k] += verify_num(n, kinds[k]);
	}
	for (i = 0; i < 3; i++) {
		if (drew[i] != have[i]) {
			xasprintf(cause, "the samples table holds %lld %s "
			    "items but the imports drew %lld: samples were "
			    "changed behind hitl's back", (long long)have[i],
			    kinds[i], (long long)drew[i]);
			return (EX_DATAERR);
		}
	}
	if ((rc = store_verify_sample_scan(v->q, &scan, cause)) != 0)
		return (rc);
	while (rc == 0 &&
	    (step = store_verify_sample_next(scan, &s, cause)) == STORE_ROW) {
		if (record_parse(s.raw, strlen(s.raw), &r, &why) != 0) {
			xasprintf(cause, "item %s: its line no longer parses: "
			    "%s", s.ext_id, why);
			free(why);
			rc = EX_DATAERR;
			break;
		}
		want = NULL;
		if ((p = verify_policy_at(v, s.policy_version)) != NULL)
			want = quality_sample_of(p, s.policy_version, s.ext_id,
			    r.gold != NULL, &votes);
		gold = r.gold != NULL ? json_print(r.gold) : NULL;
		same = gold == NULL ? s.gold == NULL :
		    s.gold != NULL && strcmp(gold, s.gold) == 0;
		if (want == NULL || strcmp(want, s.sample) != 0 || !same) {
			xasprintf(cause, "item %s: its review sample (%s%s) is "
			    "not what its line draws under policy version %d "
			    "(%s): samples were changed behind hitl's back",
			    s.ext_id, s.sample, s.gold != NULL ? ", gold" : "",
			    s.policy_version, want != NULL ? want : "none");
			rc = EX_DATAERR;
		}
		free(gold);
		record_done(&r);
	}
	store_scan_free(scan);
	if (rc == 0 && step != STORE_DONE)
		rc = step;
	return (rc);
}

/*
 * Review quality's rows derive from the record: samples from the items'
 * lines, ballots from the votes in force, gold scores from the gold
 * ballots, pauses from their events. Any row added or removed behind
 * hitl's back (a ballot dropped to vote twice, a pause deleted) is found.
 */
static int
verify_quality(struct verify *v, char **cause)
{
	struct store_verify_quality	c;
	int				rc;

	if ((rc = store_verify_quality_counts(v->q, &c, cause)) != 0 ||
	    (rc = verify_samples(v, &c, cause)) != 0)
		return (rc);
	if (c.ballots != c.votes || c.ballots_of_votes != c.ballots) {
		xasprintf(cause, "the ballots table holds %lld votes but the "
		    "decisions record %lld votes in force (%lld of the ballots "
		    "match one): ballots were changed behind hitl's back",
		    (long long)c.ballots, (long long)c.votes,
		    (long long)c.ballots_of_votes);
		return (EX_DATAERR);
	}
	if (c.scores != c.gold_ballots || c.scores_of_ballots != c.scores) {
		xasprintf(cause, "the gold scores table holds %lld scores for "
		    "%lld votes on gold items: gold scores were changed "
		    "behind hitl's back", (long long)c.scores,
		    (long long)c.gold_ballots);
		return (EX_DATAERR);
	}
	if (c.pauses != v->pauses) {
		xasprintf(cause, "the pauses table holds %lld pauses and "
		    "resumes but the audit log records %lld: pauses were "
		    "changed behind hitl's back", (long long)c.pauses,
		    (long long)v->pauses);
		return (EX_DATAERR);
	}
	if (c.two_person != v->two_person) {
		xasprintf(cause, "the samples table holds %lld two-person "
		    "rounds but the audit log opened %lld: samples were "
		    "changed behind hitl's back", (long long)c.two_person,
		    (long long)v->two_person);
		return (EX_DATAERR);
	}
	return (0);
}

/*
 * Whether a suspension row is what its event (and its resume's) recorded:
 * exports leave out and later take items by since_decision, until_decision
 * and resumed_export, so a row changed behind hitl's back would change
 * what they carry.
 */
static int
verify_suspension(struct verify *v, const struct queue_suspension *s,
    char **cause)
{
	struct verify_event	*e, *u;
	const char		*what = NULL;

	if ((e = verify_list_find(&v->suspends, s->id)) == NULL) {
		xasprintf(cause, "suspension %lld (%s %s) has no suspend event "
		    "in the audit log: it was added behind hitl's back",
		    (long long)s->id, queue_source_name(s->kind), s->value);
		return (EX_DATAERR);
	}
	e->seen = 1;
	u = verify_list_find(&v->unsuspends, s->id);
	if (!verify_streq(verify_str(e->data, "source_kind"),
	    queue_source_name(s->kind)) ||
	    !verify_streq(verify_str(e->data, "source_value"), s->value))
		what = "source";
	else if (!verify_streq(verify_str(e->data, "reason"), s->reason) ||
	    !verify_streq(e->actor, s->by) || !verify_streq(e->at, s->since) ||
	    verify_num(e->data, "since_decision") != s->since_decision)
		what = "suspension";
	else if ((u == NULL) != (s->resumed_at == NULL))
		what = "resume";
	else if (u != NULL && (!verify_streq(u->actor, s->resumed_by) ||
	    !verify_streq(u->at, s->resumed_at) ||
	    !verify_streq(verify_str(u->data, "reason"), s->resume_reason) ||
	    verify_num(u->data, "until_decision") != s->until_decision ||
	    verify_num(u->data, "after_export") != s->resumed_export))
		what = "resume";
	if (what != NULL) {
		xasprintf(cause, "suspension %lld (%s %s): its %s is not what "
		    "audit event %lld recorded: it was changed behind hitl's "
		    "back", (long long)s->id, queue_source_name(s->kind),
		    s->value, what, (long long)(u != NULL &&
		    strcmp(what, "resume") == 0 ? u->seq : e->seq));
		return (EX_DATAERR);
	}
	if (u != NULL)
		u->seen = 1;
	return (0);
}

static int
verify_suspensions(struct verify *v, char **cause)
{
	struct queue_suspension	*s;
	size_t			 n, i;
	int			 rc;

	if ((rc = store_suspensions(v->q, 1, &s, &n, cause)) != 0)
		return (rc);
	for (i = 0; i < n && rc == 0; i++)
		rc = verify_suspension(v, &s[i], cause);
	queue_suspensions_free(s, n);
	if (rc == 0)
		rc = verify_all_seen(&v->suspends, "suspension", cause);
	if (rc == 0)
		rc = verify_all_seen(&v->unsuspends, "the resume of suspension",
		    cause);
	return (rc);
}

/*
 * The append-only guards (triggers) must all stand: dropping one is
 * changing the schema behind hitl's back, even when nothing else changed.
 */
static int
verify_guards(struct verify *v, char **cause)
{
	const char	*missing;
	int		 rc;

	if ((rc = v->q->ops->guard_missing(v->q, &missing, cause)) != 0)
		return (rc);
	if (missing != NULL) {
		xasprintf(cause, "the append-only guard %s was removed from %s: "
		    "its schema was changed behind hitl's back", missing,
		    v->q->path);
		return (EX_DATAERR);
	}
	return (0);
}

/* The key to check signatures with: --key, else the one beside the file. */
static int
verify_key(struct verify *v, const struct queue_verify_options *o,
    char **cause)
{
	char	*path, *why = NULL;
	int	 rc;

	if (o != NULL && o->key != NULL) {
		if ((rc = sign_key_from_pem(o->key, o->keylen, &v->key,
		    &why)) != 0) {
			xasprintf(cause, "--key: %s", why);
			free(why);
			return (EX_DATAERR);
		}
		v->r->key_from = "--key";
		v->published_from = queue_audit_key_from(o->key, o->keylen);
		return (0);
	}
	if (v->q->key != NULL) {
		char *pem = sign_key_public_pem(v->q->key);

		rc = sign_key_from_pem(pem, strlen(pem), &v->key, cause);
		free(pem);
		v->r->key_from = "the key file";
		return (rc);
	}
	/* Unreadable or missing: fall back to the log's own (weaker). */
	path = store_key_path(v->q);
	rc = sign_key_load(path, &v->key, &why);
	free(path);
	free(why);
	if (rc == 0)
		v->r->key_from = "the key file";
	return (0);
}

int
queue_audit_verify(struct queue *q, const struct queue_verify_options *o,
    struct queue_verify_report *r, char **cause)
{
	struct verify	v;
	int		rc;

	memset(r, 0, sizeof *r);
	memset(&v, 0, sizeof v);
	v.q = q;
	v.r = r;
	r->key_from = "";
	if ((rc = verify_key(&v, o, cause)) != 0)
		return (rc);
	/* One read transaction: a consistent snapshot of every table. */
	if ((rc = store_begin_read(q, cause)) != 0)
		goto out;
	if ((rc = q->ops->integrity(q, cause)) != 0 ||
	    (rc = verify_chain(&v, o != NULL ? o->expect : NULL, cause)) != 0)
		goto end;
	verify_list_sort(&v.policies);
	verify_list_sort(&v.batches);
	verify_list_sort(&v.shifts_start);
	verify_list_sort(&v.shifts_end);
	verify_list_sort(&v.exports);
	verify_list_sort(&v.acks);
	verify_list_sort(&v.overdue);
	verify_list_sort(&v.baselines);
	verify_list_sort(&v.suspends);
	verify_list_sort(&v.unsuspends);
	verify_list_sort(&v.rebatched);
	if ((rc = verify_policies(&v, cause)) != 0 ||
	    (rc = verify_all_seen(&v.policies, "policy version",
	    cause)) != 0 ||
	    (rc = verify_items(&v, cause)) != 0 ||
	    (rc = verify_tombstones(&v, cause)) != 0 ||
	    (rc = verify_escalations(&v, cause)) != 0 ||
	    (rc = verify_shifts(&v, cause)) != 0 ||
	    (rc = verify_exports(&v, cause)) != 0 ||
	    (rc = verify_counts(&v, cause)) != 0 ||
	    (rc = verify_quality(&v, cause)) != 0 ||
	    (rc = verify_suspensions(&v, cause)) != 0 ||
	    (rc = verify_guards(&v, cause)) != 0)
		goto end;
	if (v.key != NULL)
		snprintf(r->key_id, sizeof r->key_id, "%s", sign_key_id(v.key));
end:
	store_end_read(q);
out:
	verify_done(&v);
	return (rc);
}

/*
 * The first event a published key signs, from the line "hitl audit key"
 * writes above the PEM ("... signs the log of PATH from event N"); 0 if
 * the text has none.
 */
int64_t
queue_audit_key_from(const char *text, size_t len)
{
	static const char	 tag[] = " from event ";
	const char		*p, *end = text + len;
	long long		 n = 0;

	for (p = text; p + sizeof tag < end && strncmp(p, "-----", 5) != 0;
	    p++) {
		if (strncmp(p, tag, sizeof tag - 1) == 0 &&
		    sscanf(p + sizeof tag - 1, "%lld", &n) == 1 && n > 0)
			return (n);
	}
	return (0);
}

int
queue_audit_key(struct queue *q, char **out, char **cause)
{
	cJSON		*body = NULL, *data;
	const char	*logged = NULL;
	char		*text, *pem = NULL;
	int64_t		 from = 0, last;
	int		 rc;

	*out = NULL;
	if ((rc = store_verify_key_event(q, &text, cause)) != 0)
		return (rc);
	if (text != NULL && (body = cJSON_Parse(text)) != NULL) {
		data = cJSON_GetObjectItemCaseSensitive(body, "data");
		logged = verify_str(data, "public_key");
		from = verify_num(data, "from");
	}
	free(text);
	if (body == NULL) {
		/* Not on record yet: the next write signs from the next event. */
		if ((rc = store_verify_last_seq(q, &last, cause)) != 0)
			return (rc);
		from = last + 1;
	}
	/* The key file's, else (it cannot be read) the one the log holds. */
	if (q->key != NULL)
		pem = sign_key_public_pem(q->key);
	else if (logged != NULL)
		pem = xstrdup(logged);
	cJSON_Delete(body);
	if (pem == NULL) {
		xasprintf(cause, "%s has no signing key: %s", q->path,
		    q->key_error != NULL ? q->key_error : "its log is unsigned");
		return (EX_NOINPUT);
	}
	/* The line above the PEM tells --key where signing began. */
	xasprintf(out, "hitl signing key: signs this database's log from event "
	    "%lld on\n%s", (long long)(from > 0 ? from : 1), pem);
	free(pem);
	return (0);
}

/*
 * A database made before signing: what its batches stored of their items
 * was never recorded, so the first write after the upgrade records it now
 * (a "baseline" event per batch), and from then on audit verify holds the
 * items to it. Edits made before the upgrade cannot be told apart.
 */
int
store_baseline(struct queue *q, char **cause)
{
	struct store_scan		*is = NULL;
	struct store_verify_item	 it;
	struct verify_merge		 m;
	struct digest			 d;
	cJSON				*data;
	char				 stored[65];
	uint64_t			 n = 0;
	int64_t				 batch = 0;
	int				 rc, row;

	memset(&d, 0, sizeof d);
	memset(&m, 0, sizeof m);
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = store_verify_item_scan(q, &is, cause)) != 0 ||
	    (rc = verify_merge_open(q, &m, 0, cause)) != 0)
		goto fail;
	rc = EX_SOFTWARE;
	row = store_verify_item_next(is, &it, cause);
	while (row == STORE_ROW || batch != 0) {
		if (batch != 0 && (row != STORE_ROW || it.batch != batch)) {
			/* The batch ends: put what it stored on record. */
			if (digest_final(&d, stored) != 0)
				goto fail;
			data = cJSON_CreateObject();
			json_add_int(data, "batch", batch);
			json_add_int(data, "items", (int64_t)n);
			cJSON_AddStringToObject(data, "stored_sha256", stored);
			if ((rc = store_audit_append(q, "baseline", "hitl", NULL,
			    data, cause)) != 0)
				goto fail;
			rc = EX_SOFTWARE;
			digest_done(&d);
			batch = 0;
			continue;
		}
		if (batch == 0) {
			batch = it.batch;
			digest_init(&d);
			n = 0;
		}
		verify_item_digest(&it, &d);
		verify_item_children(&m, &it, &d, cause);
		digest_flush(&d);
		n++;
		row = store_verify_item_next(is, &it, cause);
	}
	if (row != STORE_DONE) {
		rc = row;
		goto fail;
	}
	store_scan_free(is);
	is = NULL;
	verify_merge_close(&m);
	if ((rc = store_baseline_done(q, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	digest_done(&d);
	return (0);
fail:
	store_scan_free(is);
	verify_merge_close(&m);
	store_rollback(q);
	digest_done(&d);
	return (rc);
}
