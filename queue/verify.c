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
#include "internal.h"
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
					 shifts_end, exports, acks, baselines;
	struct verify_policy		*pols;
	size_t				 npols;
	int64_t				 decisions;	/* events naming one */
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
	verify_list_free(&v->baselines);
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

static int
verify_decision(struct queue *q, int64_t seq, const cJSON *data,
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
verify_columns(struct store_stmt *st, int64_t seq, const cJSON *body,
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
		col = store_text(st, i + 1);
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

/* Keeps what later checks need from an event's data. */
static int
verify_collect(struct verify *v, int64_t seq, const char *event,
    const char *at, const char *actor, const cJSON *body, char **cause)
{
	const cJSON		*data;
	struct verify_list	*l = NULL;
	const char		*key = NULL;

	data = cJSON_GetObjectItemCaseSensitive(body, "data");
	if (strcmp(event, "decision") == 0 || strcmp(event, "undo") == 0 ||
	    strcmp(event, "resolution") == 0 || strcmp(event, "reopen") == 0) {
		v->decisions++;
		return (verify_decision(v->q, seq, data, cause));
	}
	if (strcmp(event, "signing_key") == 0)
		return (verify_key_event(v, seq, data, cause));
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
	} else if (strcmp(event, "baseline") == 0) {
		l = &v->baselines;
		key = "batch";
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

static int
verify_chain(struct verify *v, const char *expect, char **cause)
{
	static const char sql[] =
	    "SELECT a.seq, a.at, a.actor, a.event, a.item, a.body, "
	    "a.prev_hash, a.hash, s.key_id, s.signature, s.first_seq "
	    "FROM audit a LEFT JOIN audit_signatures s ON s.seq = a.seq "
	    "ORDER BY a.seq";
	static const char orphan_sql[] =
	    "SELECT seq FROM audit_signatures WHERE seq NOT IN "
	    "(SELECT seq FROM audit) ORDER BY seq LIMIT 1";
	struct queue		*q = v->q;
	struct store_stmt	*st;
	cJSON			*body = NULL;
	const char		*text, *event, *stored;
	char			 prev[65], hash[65];
	int64_t			 expect_seq = 1, seq = 0;
	int			 rc = 0, step;

	memcpy(prev, STORE_AUDIT_GENESIS, sizeof prev);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((step = store_step(st, "verify", cause)) == STORE_ROW) {
		seq = store_int(st, 0);
		text = store_text(st, 5);
		event = store_text(st, 3);
		stored = store_text(st, 7);
		rc = EX_DATAERR;
		if (seq != expect_seq) {
			xasprintf(cause, "audit event %lld is missing (the log "
			    "goes from %lld to %lld)", (long long)expect_seq,
			    (long long)expect_seq - 1, (long long)seq);
			goto out;
		}
		if (!verify_streq(store_text(st, 6),
		    prev)) {
			xasprintf(cause, "audit event %lld does not link to "
			    "event %lld: events were removed, inserted or "
			    "reordered", (long long)seq, (long long)seq - 1);
			goto out;
		}
		if (text == NULL || event == NULL ||
		    store_audit_hash(prev, text, hash) != 0 ||
		    !verify_streq(hash, stored)) {
			xasprintf(cause, "audit event %lld (%s) was changed "
			    "after it was recorded: its hash does not match",
			    (long long)seq, event != NULL ? event : "?");
			goto out;
		}
		cJSON_Delete(body);
		if ((body = cJSON_Parse(text)) == NULL) {
			xasprintf(cause, "audit event %lld: unreadable body",
			    (long long)seq);
			goto out;
		}
		if ((rc = verify_columns(st, seq, body, cause)) != 0 ||
		    (rc = verify_collect(v, seq, event,
		    store_text(st, 1),
		    store_text(st, 2), body,
		    cause)) != 0)
			goto out;
		if (seq == v->covered + 1)
			snprintf(v->uncovered, sizeof v->uncovered, "%s",
			    event);
		if (!store_is_null(st, 9) &&
		    (rc = verify_signature(v, store_int(st, 10),
		    seq, event, hash, store_text(st, 8),
		    store_text(st, 9), cause)) != 0)
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
	store_reset(st);
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
	if ((st = store_stmt(q, orphan_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	if (store_step(st, "verify", cause) == STORE_ROW) {
		xasprintf(cause, "audit_signatures holds a signature of event "
		    "%lld, which the log does not have: events were removed",
		    (long long)store_int(st, 0));
		goto out;
	}
	store_reset(st);
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
	store_reset(st);
	cJSON_Delete(body);
	return (rc);
}

/* Each policy version is the one its load recorded, byte for byte. */
static int
verify_policies(struct verify *v, char **cause)
{
	static const char sql[] =
	    "SELECT version, loaded_at, loaded_by, sha256, body FROM policies "
	    "ORDER BY version";
	struct queue		*q = v->q;
	struct verify_event	*e;
	struct policy		*p;
	struct store_stmt	*st;
	size_t			 blen = 0;
	const char		*body;
	char			 sha[65], *why = NULL;
	int			 version, rc = EX_DATAERR, step;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((step = store_step(st, "verify", cause)) == STORE_ROW) {
		version = (int)store_int(st, 0);
		body = store_bytes(st, 4, &blen);
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
		    !verify_streq(sha, store_text(st,
		    3))) {
			xasprintf(cause, "policy version %d was changed after "
			    "it was loaded (audit event %lld): its text no "
			    "longer has the SHA-256 recorded then", version,
			    (long long)e->seq);
			goto out;
		}
		if (!verify_streq(e->actor, store_text(
		    st, 2)) || !verify_streq(e->at, store_text(st, 1))) {
			xasprintf(cause, "policy version %d: who loaded it or "
			    "when was changed after audit event %lld recorded "
			    "it", version, (long long)e->seq);
			goto out;
		}
		if (policy_parse(body, blen, &p,
		    &why) != 0) {
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
	store_reset(st);
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
verify_batch_row(struct verify *v, struct store_stmt *st, char **cause)
{
	static const char *const counts[] = {
		"imported", "queued", "auto_decided", "duplicates", "invalid"
	};
	struct verify_event	*e;
	const cJSON		*files;
	int64_t			 id = store_int(st, 0);
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
	same = verify_streq(text, store_text(st, 3)) &&
	    verify_streq(e->actor, store_text(st, 2)) &&
	    verify_streq(e->at, store_text(st, 1)) &&
	    verify_num(e->data, "policy_version") ==
	    store_int(st, 4) &&
	    verify_streq(verify_str(e->data, "content_sha256"),
	    store_text(st, 10));
	for (i = 0; i < 5; i++) {
		if (verify_num(e->data, counts[i]) !=
		    store_int(st, 5 + i))
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

/* An item as verification follows it through its batch. */
struct verify_item {
	int64_t		 id;
	const char	*ext_id;
	int64_t		 batch;
	int		 auto_decided;	/* triage decided it: state auto */
};

static int
verify_text_col(struct store_stmt *st, int col, const char *want)
{
	return (verify_streq(store_text(st, col),
	    want));
}

#define VERIFY_ITEM_SQL \
	"SELECT id, ext_id, kind, priority, spot_check, top_type, " \
	"top_score, created_at, imported_at, batch_id, policy_version, " \
	"source_model, source_pipeline, source, metadata, prompt, messages, " \
	"text, raw, state, src_file, src_line FROM items"

/* Column text, or NULL. */
static const char *
verify_col(struct store_stmt *st, int col)
{
	return (store_text(st, col));
}

/* Items row st (VERIFY_ITEM_SQL) into the digest of its batch. */
static void
verify_item_digest(struct store_stmt *st, struct digest *d, struct verify_item *it)
{
	struct digest_item di;

	it->id = store_int(st, 0);
	it->ext_id = verify_col(st, 1);
	it->batch = store_int(st, 9);
	it->auto_decided = verify_streq(verify_col(st, 19), "auto");
	memset(&di, 0, sizeof di);
	di.ext_id = it->ext_id;
	di.kind = verify_col(st, 2);
	di.auto_decided = it->auto_decided;
	di.priority = store_real(st, 3);
	di.spot_check = (int)store_int(st, 4);
	di.top_type = verify_col(st, 5);
	di.top_score = store_real(st, 6);
	di.created_at = verify_col(st, 7);
	di.imported_at = verify_col(st, 8);
	di.src_file = verify_col(st, 20);
	di.src_line = store_int(st, 21);
	di.policy_version = (int)store_int(st, 10);
	di.source_model = verify_col(st, 11);
	di.source_pipeline = verify_col(st, 12);
	di.source = verify_col(st, 13);
	di.metadata = verify_col(st, 14);
	di.prompt = verify_col(st, 15);
	di.messages = verify_col(st, 16);
	di.text = verify_col(st, 17);
	digest_item(d, &di);
}

/* The item's flags and spans rows, in order, into the digest. */
static void
verify_item_children(struct store_stmt *fl, struct store_stmt *sp, int *fl_row,
    int *sp_row, const struct verify_item *it, struct digest *d, char **cause)
{
	while (*fl_row == STORE_ROW && store_int(fl, 0) < it->id)
		*fl_row = store_step(fl, "verify", cause);
	for (; *fl_row == STORE_ROW && store_int(fl, 0) == it->id;
	    *fl_row = store_step(fl, "verify", cause))
		digest_flag(d, store_int(fl, 1), verify_col(fl, 2),
		    store_real(fl, 3), verify_col(fl, 4),
		    verify_col(fl, 5), !store_is_null(fl, 6), store_int(fl, 6),
		    store_int(fl, 7));
	while (*sp_row == STORE_ROW && store_int(sp, 0) < it->id)
		*sp_row = store_step(sp, "verify", cause);
	for (; *sp_row == STORE_ROW && store_int(sp, 0) == it->id;
	    *sp_row = store_step(sp, "verify", cause))
		digest_span(d, store_int(sp, 1), verify_col(sp, 2),
		    store_int(sp, 3), store_int(sp, 4),
		    store_real(sp, 5), verify_col(sp, 6),
		    verify_col(sp, 7), verify_col(sp, 8));
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
verify_item_state(struct store_stmt *dc, int *dc_row, struct store_stmt *st,
    const struct verify_item *it, char **cause)
{
	const struct action_info	*a;
	struct verify_step		*hist = NULL;
	enum queue_state		 want;
	const char			*state;
	size_t				 n = 0, i;
	int64_t				 undoes;
	int				 rc = 0;

	want = it->auto_decided ? QUEUE_STATE_AUTO : QUEUE_STATE_QUEUED;
	while (*dc_row == STORE_ROW && store_int(dc, 0) < it->id)
		*dc_row = store_step(dc, "verify", cause);
	for (; *dc_row == STORE_ROW && store_int(dc, 0) == it->id;
	    *dc_row = store_step(dc, "verify", cause)) {
		hist = xreallocarray(hist, n + 1, sizeof *hist);
		hist[n].id = store_int(dc, 1);
		hist[n].before = want;
		hist[n].action = a = action_find(store_text(dc, 2));
		if (a == NULL) {
			xasprintf(cause, "item %s: decision %lld has an action "
			    "hitl does not know (\"%s\")", it->ext_id,
			    (long long)hist[n].id, store_text(dc, 2));
			rc = EX_DATAERR;
			goto out;
		}
		if (a->to == ACTION_STATE_BACK) {
			undoes = store_int(dc, 3);
			for (i = 0; i < n && hist[i].id != undoes; i++)
				;
			if (i == n) {
				xasprintf(cause, "item %s: undo %lld withdraws "
				    "no decision of the item", it->ext_id,
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
		} else if (a->to != ACTION_STATE_SAME)
			want = (enum queue_state)a->to;
		n++;
	}
	state = store_text(st, 19);
	if (state != NULL && strcmp(state, "claimed") == 0)
		state = "queued";
	if (!verify_streq(state, queue_state_name(want))) {
		xasprintf(cause, "item %s is %s, but its decisions leave it "
		    "%s: its state was changed behind hitl's back", it->ext_id,
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

static int
verify_json_col(struct store_stmt *st, int col, const cJSON *want)
{
	char	*text;
	int	 same;

	if (want == NULL)
		return (store_is_null(st, col));
	text = json_print(want);
	same = verify_text_col(st, col, text);
	free(text);
	return (same);
}

/*
 * Which column of items row st differs from what re-importing its input
 * line under its policy version gives; NULL if none does. (The digest is
 * what verify relies on: a later hitl may import the same line otherwise.)
 */
static const char *
verify_explain_columns(struct store_stmt *st, const struct record *r,
    const struct triage *t)
{
	if (!verify_text_col(st, 1, r->id))
		return ("id");
	if (!verify_text_col(st, 2, record_kind_name(r->kind)))
		return ("kind");
	if (!verify_num_eq(store_real(st, 3), t->priority) ||
	    (int)store_int(st, 4) != t->spot_check ||
	    !verify_text_col(st, 5, t->top_type) || (t->top_type != NULL &&
	    !verify_num_eq(store_real(st, 6), t->top_score)) ||
	    verify_streq(verify_col(st, 19), "auto") == t->queued)
		return ("triage (priority, rank, spot check or auto)");
	if (!verify_text_col(st, 7, r->created_at))
		return ("created_at");
	if (!verify_text_col(st, 11, r->source_model) ||
	    !verify_text_col(st, 12, r->source_pipeline) ||
	    !verify_json_col(st, 13, r->source))
		return ("source");
	if (!verify_json_col(st, 14, r->metadata))
		return ("metadata");
	if (!verify_text_col(st, 15, r->prompt) ||
	    !verify_json_col(st, 16, r->messages))
		return ("context (prompt or messages)");
	if (!verify_text_col(st, 17, r->text))
		return ("text");
	return (NULL);
}

/* Whether the item's flags or spans rows are what its record gives. */
static const char *
verify_explain_children(struct queue *q, int64_t id, const struct record *r)
{
	static const char flags_sql[] =
	    "SELECT idx, type, score, detector, rationale, start_cp, end_cp "
	    "FROM flags WHERE item_id = ? ORDER BY idx";
	static const char spans_sql[] =
	    "SELECT idx, entity_type, start_cp, end_cp, score, recognizer, "
	    "explanation, triage FROM spans WHERE item_id = ? ORDER BY idx";
	const char		*what = NULL;
	struct store_stmt	*st;
	char			*expl, *why = NULL;
	size_t			 i = 0;

	if ((st = store_stmt(q, flags_sql, &why)) == NULL) {
		free(why);
		return (NULL);
	}
	store_bind_int(st, 1, id);
	for (i = 0; what == NULL && store_step(st, "verify", &why) == STORE_ROW;
	    i++) {
		const struct record_flag *f = &r->flags[i];

		if (i >= r->nflags || store_int(st, 0) !=
		    (int64_t)i || !verify_text_col(st, 1, f->type) ||
		    !verify_num_eq(store_real(st, 2), f->score) ||
		    !verify_text_col(st, 3, f->detector) ||
		    !verify_text_col(st, 4, f->rationale) ||
		    (f->has_offsets ? store_int(st, 5) !=
		    (int64_t)f->start || store_int(st, 6) !=
		    (int64_t)f->end : !store_is_null(st, 5)))
			what = "flags";
	}
	store_reset(st);
	if (what == NULL && i != r->nflags)
		what = "flags";
	if (what != NULL || (st = store_stmt(q, spans_sql, &why)) == NULL) {
		free(why);
		return (what);
	}
	store_bind_int(st, 1, id);
	for (i = 0; what == NULL && store_step(st, "verify", &why) == STORE_ROW;
	    i++) {
		const struct record_span *sp = &r->spans[i];

		if (i >= r->nspans) {
			what = "spans";
			break;
		}
		expl = sp->explanation != NULL ? json_print(sp->explanation) :
		    NULL;
		if (store_int(st, 0) != (int64_t)i ||
		    !verify_text_col(st, 1, sp->entity_type) ||
		    store_int(st, 2) != (int64_t)sp->start ||
		    store_int(st, 3) != (int64_t)sp->end ||
		    !verify_num_eq(store_real(st, 4), sp->score) ||
		    !verify_text_col(st, 5, sp->recognizer) ||
		    !verify_text_col(st, 6, expl) ||
		    !verify_text_col(st, 7, record_verdict_name(sp->verdict)))
			what = "spans";
		free(expl);
	}
	store_reset(st);
	if (what == NULL && i != r->nspans)
		what = "spans";
	return (what);
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
	static const char sql[] = VERIFY_ITEM_SQL
	    " WHERE batch_id = ? ORDER BY id";
	const struct policy	*p;
	struct record		 r;
	struct triage		 t;
	struct store_stmt		*st;
	const char		*raw, *id, *what = NULL;
	size_t			 rawlen = 0;
	char			*why = NULL;
	int			 rc = 0;

	if ((st = store_stmt(v->q, sql, &why)) == NULL) {
		free(why);
		return (0);
	}
	store_bind_int(st, 1, batch);
	while (rc == 0 && store_step(st, "verify", &why) == STORE_ROW) {
		id = verify_col(st, 1);
		raw = store_bytes(st, 18, &rawlen);
		if (raw == NULL || record_parse(raw, rawlen, &r, &why) != 0) {
			xasprintf(cause, "item %s: its stored input line was "
			    "changed after import (%s)", id != NULL ? id : "?",
			    why != NULL ? why : "missing");
			free(why);
			why = NULL;
			rc = EX_DATAERR;
			break;
		}
		if ((p = verify_policy_at(v, (int)store_int(st,
		    10))) != NULL) {
			triage_record(p, &r, &t);
			if ((what = verify_explain_columns(st, &r, &t)) ==
			    NULL)
				what = verify_explain_children(v->q,
				    store_int(st, 0), &r);
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
	store_reset(st);
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
	struct verify_event	*e;
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
	static const char batch_sql[] =
	    "SELECT id, started_at, operator, files, policy_version, "
	    "imported, queued, auto_decided, duplicates, invalid, "
	    "content_sha256 FROM batches ORDER BY id";
	static const char items_sql[] = VERIFY_ITEM_SQL " ORDER BY id";
	static const char flags_sql[] =
	    "SELECT item_id, idx, type, score, detector, rationale, start_cp, "
	    "end_cp FROM flags ORDER BY item_id, idx";
	static const char spans_sql[] =
	    "SELECT item_id, idx, entity_type, start_cp, end_cp, score, "
	    "recognizer, explanation, triage FROM spans ORDER BY item_id, idx";
	static const char decisions_sql[] =
	    "SELECT item_id, id, action, undoes FROM decisions "
	    "ORDER BY item_id, id";
	struct queue		*q = v->q;
	struct verify_item	 it;
	struct digest		 d;
	const char		*raw;
	size_t			 rawlen = 0;
	struct store_stmt		*bt = NULL, *st = NULL, *fl = NULL, *sp = NULL,
				*dc = NULL;
	EVP_MD_CTX		*md = NULL;
	uint64_t		 n = 0;
	int64_t			 batch = 0;
	int			 rc = EX_SOFTWARE, row, brow, fl_row, sp_row,
				 dc_row;

	memset(&d, 0, sizeof d);
	if ((bt = store_stmt(q, batch_sql, cause)) == NULL ||
	    (st = store_stmt(q, items_sql, cause)) == NULL ||
	    (fl = store_stmt(q, flags_sql, cause)) == NULL ||
	    (sp = store_stmt(q, spans_sql, cause)) == NULL ||
	    (dc = store_stmt(q, decisions_sql, cause)) == NULL ||
	    (md = EVP_MD_CTX_new()) == NULL)
		goto out;
	fl_row = store_step(fl, "verify", cause);
	sp_row = store_step(sp, "verify", cause);
	dc_row = store_step(dc, "verify", cause);
	row = store_step(st, "verify", cause);
	while ((brow = store_step(bt, "verify", cause)) == STORE_ROW) {
		if ((rc = verify_batch_row(v, bt, cause)) != 0)
			goto out;
		batch = store_int(bt, 0);
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		digest_done(&d);
		digest_init(&d);
		n = 0;
		for (; row == STORE_ROW && store_int(st, 9) <= batch;
		    row = store_step(st, "verify", cause)) {
			verify_item_digest(st, &d, &it);
			rc = EX_DATAERR;
			if (it.batch != batch) {
				xasprintf(cause, "item %s belongs to batch %lld "
				    "but was stored with batch %lld: it was "
				    "moved behind hitl's back", it.ext_id,
				    (long long)it.batch, (long long)batch);
				goto out;
			}
			if (!verify_text_col(st, 8, store_text(bt, 1))) {
				xasprintf(cause, "item %s: its import time was "
				    "changed after import", it.ext_id);
				goto out;
			}
			verify_item_children(fl, sp, &fl_row, &sp_row, &it, &d,
			    cause);
			digest_flush(&d);
			if ((rc = verify_item_state(dc, &dc_row, st, &it,
			    cause)) != 0)
				goto out;
			raw = store_bytes(st, 18, &rawlen);
			EVP_DigestUpdate(md, raw != NULL ? raw : "", raw !=
			    NULL ? rawlen : 0);
			EVP_DigestUpdate(md, "\n", 1);
			n++;
		}
		if ((rc = verify_batch_end(v, batch, md, &d, n, cause)) != 0)
			goto out;
	}
	rc = EX_DATAERR;
	if (row == STORE_ROW) {
		xasprintf(cause, "item %s belongs to no import batch (it names "
		    "batch %lld): it was added behind hitl's back",
		    store_text(st, 1),
		    (long long)store_int(st, 9));
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
	/* store_reset(NULL) is a no-op. */
	store_reset(bt);
	store_reset(st);
	store_reset(fl);
	store_reset(sp);
	store_reset(dc);
	return (rc);
}

/*
 * An escalation row is what its escalate decision opened, moved on only by
 * the events that may move it: an acknowledgement, a resolution, an undo.
 */
static int
verify_escalations(struct verify *v, char **cause)
{
	static const char sql[] =
	    "SELECT e.id, e.item_id, e.team, e.reason, e.severity, e.note, "
	    "e.opened_by, e.opened_at, e.due_at, e.state, e.acked_by, "
	    "e.acked_at, e.resolved_by, e.resolved_at, e.outcome, "
	    "e.resolution_id, d.item_id, d.action, d.reviewer, d.decided_at, "
	    "d.payload, d.policy_version, "
	    "(SELECT count(*) FROM decisions u WHERE u.undoes = d.id), "
	    "r.action, r.reviewer, r.decided_at, r.payload, r.item_id "
	    "FROM escalations e LEFT JOIN decisions d ON d.id = e.decision_id "
	    "LEFT JOIN decisions r ON r.id = e.resolution_id ORDER BY e.id";
	const struct policy_severity	*sev;
	const struct policy		*pol;
	struct verify_event		*ack;
	struct store_stmt		*st;
	cJSON				*p = NULL, *res = NULL;
	const char			*state, *what = NULL;
	int64_t				 id = 0, opened;
	int				 rc = EX_DATAERR, step;

	if ((st = store_stmt(v->q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (what == NULL && (step = store_step(st, "verify", cause)) == STORE_ROW) {
		id = store_int(st, 0);
		state = store_text(st, 9);
		cJSON_Delete(p);
		cJSON_Delete(res);
		p = res = NULL;
		if (!verify_streq(store_text(st, 17),
		    "escalate") || store_int(st, 1) !=
		    store_int(st, 16) || (p = cJSON_Parse(
		    store_text(st, 20))) == NULL) {
			what = "it was opened by no escalate decision";
			break;
		}
		opened = verify_time(store_text(st,
		    19));
		pol = verify_policy_at(v, (int)store_int(st, 21));
		sev = pol != NULL ? policy_find_severity(pol,
		    verify_str(p, "severity")) : NULL;
		if (!verify_text_col(st, 2, verify_str(p, "team")) ||
		    !verify_text_col(st, 3, verify_str(p, "reason")) ||
		    !verify_text_col(st, 4, verify_str(p, "severity")) ||
		    !verify_text_col(st, 5, verify_str(p, "note")) ||
		    !verify_text_col(st, 6, store_text(
		    st, 18)) || store_int(st, 7) != opened ||
		    sev == NULL || store_int(st, 8) != opened +
		    (int64_t)sev->response_minutes * 60) {
			what = "it no longer says what its escalate decision "
			    "said (team, reason, severity, note, who, when or "
			    "its target)";
			break;
		}
		ack = verify_list_find(&v->acks, id);
		if (ack != NULL)
			ack->seen = 1;
		if (store_int(st, 22) > 0) {
			if (!verify_streq(state, "withdrawn"))
				what = "its escalation was undone, so it is "
				    "withdrawn";
			continue;
		}
		if (!store_is_null(st, 15)) {
			res = cJSON_Parse(store_text(st,
			    26));
			if (!verify_streq(state, "resolved") ||
			    !verify_streq(store_text(st,
			    23), "resolve") || verify_num(res, "escalation") !=
			    id || !verify_text_col(st, 14, verify_str(res,
			    "outcome")) || !verify_text_col(st, 12,
			    store_text(st, 24)) ||
			    store_int(st, 13) != verify_time(
			    store_text(st, 25)))
				what = "its resolution no longer says what the "
				    "resolving decision said";
			else if (ack != NULL && (!verify_text_col(st, 10,
			    ack->actor) || store_int(st, 11) !=
			    verify_time(ack->at)))
				what = "its acknowledgement no longer says "
				    "what its event said";
			continue;
		}
		if (!store_is_null(st, 12) ||
		    !store_is_null(st, 14))
			what = "it holds a resolution no decision made";
		else if (ack != NULL && (!verify_streq(state, "acknowledged") ||
		    !verify_text_col(st, 10, ack->actor) ||
		    store_int(st, 11) != verify_time(ack->at)))
			what = "its acknowledgement no longer says what its "
			    "event said";
		else if (ack == NULL && (!verify_streq(state, "open") ||
		    !store_is_null(st, 10)))
			what = "no event moved it from open";
	}
	store_reset(st);
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
	    cause)) != 0)
		return (rc);
	return (0);
}

/* Shifts: who started them and when, and what their end recorded. */
static int
verify_shifts(struct verify *v, char **cause)
{
	static const char sql[] =
	    "SELECT id, reviewer, started_at, ended_at, note, counts "
	    "FROM shifts ORDER BY id";
	struct verify_event	*s, *e;
	struct store_stmt	*st;
	char			*counts = NULL;
	int64_t			 id = 0;
	int			 bad = 0, step;

	if ((st = store_stmt(v->q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (!bad && (step = store_step(st, "verify", cause)) == STORE_ROW) {
		id = store_int(st, 0);
		s = verify_list_find(&v->shifts_start, id);
		e = verify_list_find(&v->shifts_end, id);
		if (s == NULL || !verify_text_col(st, 1, s->actor) ||
		    !verify_text_col(st, 2, s->at)) {
			bad = 1;
			break;
		}
		s->seen = 1;
		if (e == NULL) {
			bad = !store_is_null(st, 3) ||
			    !store_is_null(st, 5);
			continue;
		}
		e->seen = 1;
		free(counts);
		counts = json_print(cJSON_GetObjectItemCaseSensitive(e->data,
		    "counts"));
		bad = !verify_text_col(st, 3, e->at) ||
		    !verify_text_col(st, 4, verify_str(e->data, "note")) ||
		    !verify_text_col(st, 5, counts) || !verify_streq(e->actor,
		    s->actor);
	}
	store_reset(st);
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
	static const char sql[] =
	    "SELECT id, format, path, exported_at, actor, records, "
	    "since_decision, last_decision, sha256, audit_head, options, "
	    "scope FROM exports ORDER BY id";
	struct verify_event	*e;
	struct store_stmt	*st;
	char			*options;
	int64_t			 id = 0;
	int			 bad = 0, step;

	if ((st = store_stmt(v->q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (!bad && (step = store_step(st, "verify", cause)) == STORE_ROW) {
		id = store_int(st, 0);
		if ((e = verify_list_find(&v->exports, id)) == NULL) {
			bad = 1;
			break;
		}
		e->seen = 1;
		options = json_print(cJSON_GetObjectItemCaseSensitive(e->data,
		    "options"));
		bad = !verify_text_col(st, 1, verify_str(e->data, "format")) ||
		    !verify_text_col(st, 2, verify_str(e->data, "path")) ||
		    !verify_text_col(st, 3, e->at) ||
		    !verify_text_col(st, 4, e->actor) ||
		    store_int(st, 5) != verify_num(e->data,
		    "records") ||
		    store_int(st, 6) != verify_num(e->data,
		    "since_decision") ||
		    store_int(st, 7) != verify_num(e->data,
		    "last_decision") ||
		    !verify_text_col(st, 8, verify_str(e->data, "sha256")) ||
		    !verify_text_col(st, 9, verify_str(e->data,
		    "audit_head")) || !verify_text_col(st, 10, options) ||
		    !verify_text_col(st, 11, verify_str(e->data, "scope"));
		free(options);
		v->r->exports++;
	}
	store_reset(st);
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
	static const char decisions_sql[] = "SELECT count(*) FROM decisions";
	static const char esc_sql[] = "SELECT count(*) FROM escalations";
	static const char shifts_sql[] = "SELECT count(*) FROM shifts";
	static const char waiting_sql[] =
	    "SELECT w.kind, w.n, (SELECT count(*) FROM items i WHERE "
	    "i.kind = w.kind AND (i.state = 'queued' OR i.state = 'claimed')) "
	    "FROM waiting w";
	struct store_stmt	*st;
	int64_t		 stored;
	int		 rc = 0;

	if ((st = store_stmt(v->q, decisions_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	stored = store_step(st, "verify", cause) == STORE_ROW ? store_int(st, 0) :
	    -1;
	store_reset(st);
	if (stored != v->decisions) {
		xasprintf(cause, "the decisions table holds %lld decisions but "
		    "the audit log records %lld: decisions were added outside "
		    "hitl", (long long)stored, (long long)v->decisions);
		return (EX_DATAERR);
	}
	v->r->decisions = (uint64_t)stored;
	if ((st = store_stmt(v->q, esc_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (store_step(st, "verify", cause) == STORE_ROW)
		v->r->escalations = (uint64_t)store_int(st, 0);
	store_reset(st);
	if ((st = store_stmt(v->q, shifts_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (store_step(st, "verify", cause) == STORE_ROW)
		v->r->shifts = (uint64_t)store_int(st, 0);
	store_reset(st);
	if ((st = store_stmt(v->q, waiting_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while (rc == 0 && store_step(st, "verify", cause) == STORE_ROW) {
		if (store_int(st, 1) != store_int(st,
		    2)) {
			xasprintf(cause, "the count of waiting %s items says "
			    "%lld but %lld wait: it was changed behind hitl's "
			    "back (the console's header shows it)",
			    store_text(st, 0),
			    (long long)store_int(st, 1),
			    (long long)store_int(st, 2));
			rc = EX_DATAERR;
		}
	}
	store_reset(st);
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
	verify_list_sort(&v.baselines);
	if ((rc = verify_policies(&v, cause)) != 0 ||
	    (rc = verify_all_seen(&v.policies, "policy version",
	    cause)) != 0 ||
	    (rc = verify_items(&v, cause)) != 0 ||
	    (rc = verify_escalations(&v, cause)) != 0 ||
	    (rc = verify_shifts(&v, cause)) != 0 ||
	    (rc = verify_exports(&v, cause)) != 0 ||
	    (rc = verify_counts(&v, cause)) != 0 ||
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
	static const char first_sql[] =
	    "SELECT body FROM audit WHERE event = 'signing_key' "
	    "ORDER BY seq LIMIT 1";
	static const char head_sql[] = "SELECT coalesce(max(seq), 0) FROM audit";
	struct store_stmt	*st;
	cJSON		*body = NULL, *data;
	const char	*logged = NULL;
	char		*pem = NULL;
	int64_t		 from = 0;
	int		 rc;

	*out = NULL;
	if ((st = store_stmt(q, first_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_step(st, "audit", cause)) == STORE_ROW &&
	    (body = cJSON_Parse(store_text(st,
	    0))) != NULL) {
		data = cJSON_GetObjectItemCaseSensitive(body, "data");
		logged = verify_str(data, "public_key");
		from = verify_num(data, "from");
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE) {
		cJSON_Delete(body);
		return (rc);
	}
	if (body == NULL) {
		/* Not on record yet: the next write signs from the next event. */
		if ((st = store_stmt(q, head_sql, cause)) == NULL)
			return (EX_SOFTWARE);
		if (store_step(st, "verify", cause) == STORE_ROW)
			from = store_int(st, 0) + 1;
		store_reset(st);
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
	static const char items_sql[] = VERIFY_ITEM_SQL " ORDER BY id";
	static const char flags_sql[] =
	    "SELECT item_id, idx, type, score, detector, rationale, start_cp, "
	    "end_cp FROM flags ORDER BY item_id, idx";
	static const char spans_sql[] =
	    "SELECT item_id, idx, entity_type, start_cp, end_cp, score, "
	    "recognizer, explanation, triage FROM spans ORDER BY item_id, idx";
	static const char done_sql[] =
	    "DELETE FROM meta WHERE key = 'needs_baseline'";
	struct verify_item	 it;
	struct digest		 d;
	struct store_stmt		*st = NULL, *fl = NULL, *sp = NULL;
	cJSON			*data;
	char			 stored[65];
	uint64_t		 n = 0;
	int64_t			 batch = 0;
	int			 rc, row, fl_row, sp_row;

	memset(&d, 0, sizeof d);
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	rc = EX_SOFTWARE;
	if ((st = store_stmt(q, items_sql, cause)) == NULL ||
	    (fl = store_stmt(q, flags_sql, cause)) == NULL ||
	    (sp = store_stmt(q, spans_sql, cause)) == NULL)
		goto fail;
	fl_row = store_step(fl, "verify", cause);
	sp_row = store_step(sp, "verify", cause);
	row = store_step(st, "verify", cause);
	while (row == STORE_ROW || batch != 0) {
		if (batch != 0 && (row != STORE_ROW ||
		    store_int(st, 9) != batch)) {
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
			batch = store_int(st, 9);
			digest_init(&d);
			n = 0;
		}
		verify_item_digest(st, &d, &it);
		verify_item_children(fl, sp, &fl_row, &sp_row, &it, &d,
			    cause);
		digest_flush(&d);
		n++;
		row = store_step(st, "baseline", cause);
	}
	if (row != STORE_DONE) {
		rc = row;
		goto fail;
	}
	store_reset(st);
	store_reset(fl);
	store_reset(sp);
	if ((rc = store_exec(q, done_sql, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	digest_done(&d);
	return (0);
fail:
	store_reset(st);
	store_reset(fl);
	store_reset(sp);
	store_rollback(q);
	digest_done(&d);
	return (rc);
}
