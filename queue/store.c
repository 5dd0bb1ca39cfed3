/*
 * An open queue above its backend: opening (the backend chosen by the
 * database's name), transactions with their clock and signature, the
 * signing key, and the small helpers every file uses.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "json.h"
#include "internal.h"
#include "records.h"
#include "xmalloc.h"

static const char *const queue_state_names[] = {
	[QUEUE_STATE_QUEUED] = "queued",
	[QUEUE_STATE_AUTO] = "auto",
	[QUEUE_STATE_CLAIMED] = "claimed",
	[QUEUE_STATE_DECIDED] = "decided",
	[QUEUE_STATE_ESCALATED] = "escalated",
	[QUEUE_STATE_RESOLVED] = "resolved",
};

static const char *const queue_kind_names[] = {
	[QUEUE_KIND_MODEL_OUTPUT] = "model_output",
	[QUEUE_KIND_ANONYMIZATION] = "anonymization",
};

const char *
queue_state_name(enum queue_state s)
{
	return (queue_state_names[s]);
}

const char *
queue_kind_name(enum queue_kind k)
{
	return (queue_kind_names[k]);
}

int
queue_kind_parse(const char *s, enum queue_kind *k)
{
	int i;

	for (i = 0; i < QUEUE_NKINDS; i++) {
		if (strcmp(s, queue_kind_names[i]) == 0) {
			*k = (enum queue_kind)i;
			return (0);
		}
	}
	return (-1);
}

void
queue_set_now(struct queue *q, int64_t now)
{
	q->now = now;
}

/*
 * Inside a write transaction the time is the transaction's, fixed when it
 * began and never before the event the log ends with: every row and event
 * it writes says the same time, and the log's times never go backwards.
 */
int64_t
queue_now(const struct queue *q)
{
	if (q->in_txn && q->txn_now != 0)
		return (q->txn_now);
	return (q->now != 0 ? q->now : (int64_t)time(NULL));
}

/*
 * The test clock may be pinned while no policy is loaded (whoever may write
 * the file may then load the first one anyway) or where the policy in force
 * allows it; never for the shared database.
 */
static int
store_clock_allowed(struct queue *q, char **cause)
{
	if (q->now == 0 || !q->clock_text)
		return (0);
	if (q->shared) {
		xasprintf(cause, "HITL_NOW is not honoured for the shared "
		    "database; unset it");
		return (EX_USAGE);
	}
	if (q->policy_version != 0 && !q->policy->allow_clock_override) {
		xasprintf(cause, "HITL_NOW is set, but the policy in force "
		    "(version %d) does not set allow_clock_override: unset "
		    "HITL_NOW (it is for tests and demos)", q->policy_version);
		return (EX_USAGE);
	}
	return (0);
}

static int
store_parse_clock(const char *text, int64_t *out, char **cause)
{
	char		*end;
	long long	 t;

	errno = 0;
	t = strtoll(text, &end, 10);
	if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 ||
	    t < 1 || t > STORE_CLOCK_MAX) {
		xasprintf(cause, "HITL_NOW must be Unix seconds from 1 to %lld "
		    "(the end of the year 9999), not \"%.40s\"",
		    (long long)STORE_CLOCK_MAX, text);
		return (EX_USAGE);
	}
	*out = t;
	return (0);
}

void
queue_format_time(int64_t t, char out[32])
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
queue_hex(const unsigned char *v, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[v[i] >> 4];
		out[2 * i + 1] = digits[v[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
store_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	queue_hex(md, 32, out);
}

void
queue_format_age(int64_t s, char out[24])
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, 24, "%llds", (long long)s);
	else if (s < 2 * 3600)
		snprintf(out, 24, "%lldm", (long long)s / 60);
	else if (s < 2 * 86400)
		snprintf(out, 24, "%lldh", (long long)s / 3600);
	else
		snprintf(out, 24, "%lldd", (long long)s / 86400);
}

int64_t
queue_parse_utc(const char *at)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if (at == NULL || (end = strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm)) ==
	    NULL || *end != '\0')
		return (0);
	return ((int64_t)timegm(&tm));
}

int64_t
queue_waiting_seconds(const struct queue *q, const char *imported_at)
{
	int64_t at = queue_parse_utc(imported_at);

	return (at != 0 && queue_now(q) > at ? queue_now(q) - at : 0);
}

void
store_now_text(const struct queue *q, char out[32])
{
	queue_format_time(queue_now(q), out);
}

const char *
queue_path(const struct queue *q)
{
	return (q->path);
}

int
queue_schema_version(const struct queue *q)
{
	return (q->schema);
}

int
queue_is_demo(struct queue *q)
{
	char	*cause = NULL;
	int	 demo, rc;

	/* A database that cannot say is no demo's: hitl demo keeps it. */
	rc = store_meta_demo(q, &demo, &cause);
	free(cause);
	return (rc == 0 && demo);
}

int
queue_schema_latest(void)
{
	return (store_sqlite_ops.latest());
}

/*
 * Reads the log's tip: the time of its last event, before which no new one
 * goes, and the policy, loaded again if a newer one came. Under the log's
 * lock (locked) the tip holds to the transaction's end.
 */
static int
store_read_tip(struct queue *q, int locked, char **cause)
{
	struct store_tip	*t = &q->tip;
	struct tm		 tm;
	int			 rc;

	q->tip_valid = 0;
	if ((rc = store_audit_tip(q, t, cause)) != 0)
		return (rc);
	if ((q->policy == NULL || t->policy_version != q->policy_version) &&
	    (rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	q->clock_floor = 0;
	memset(&tm, 0, sizeof tm);
	if (*t->at != '\0' && strptime(t->at, "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    NULL)
		q->clock_floor = (int64_t)timegm(&tm);
	q->tip_valid = locked;
	return (0);
}

static int
store_begin_how(struct queue *q, int how, char **cause)
{
	int rc;

	if ((rc = q->ops->begin(q, how, cause)) != 0)
		return (rc);
	q->in_txn = 1;
	q->txn_seq = 0;
	q->txn_now = 0;
	q->tip_valid = 0;
	if (q->schema != q->ops->latest())
		return (0);
	/*
	 * A policy loaded while we waited for the lock applies to what this
	 * transaction records (once the schema has its policies table). The
	 * tip holds if the begin took the log's lock: SQLite's writers all
	 * do, PostgreSQL's logged ones.
	 */
	if ((rc = store_read_tip(q, how == STORE_WRITE ||
	    q->ops->lock_log == NULL, cause)) != 0)
		goto fail;
	if ((rc = store_clock_allowed(q, cause)) != 0)
		goto fail;
	if (q->key == NULL) {
		/* Reads go on; nothing is changed without the key. */
		xasprintf(cause, "%s", q->key_error != NULL ? q->key_error :
		    "the database has no signing key");
		rc = q->key_rc != 0 ? q->key_rc : EX_NOINPUT;
		goto fail;
	}
	q->txn_now = q->now != 0 ? q->now : (int64_t)time(NULL);
	if (q->txn_now < q->clock_floor)
		q->txn_now = q->clock_floor;
	return (0);
fail:
	store_rollback(q);
	return (rc);
}

int
store_begin(struct queue *q, char **cause)
{
	return (store_begin_how(q, STORE_WRITE, cause));
}

int
store_begin_unlogged(struct queue *q, char **cause)
{
	return (store_begin_how(q, STORE_WRITE_UNLOGGED, cause));
}

int
store_lock_log(struct queue *q, char **cause)
{
	int	version = q->policy_version, rc;

	/* SQLite's writers hold the file's lock from their begin. */
	if (q->ops->lock_log == NULL)
		return (0);
	if ((rc = q->ops->lock_log(q, cause)) != 0 ||
	    (rc = store_read_tip(q, 1, cause)) != 0)
		return (rc);
	if (q->policy_version != version) {
		xasprintf(cause, "a new policy (version %d) came into force "
		    "meanwhile; nothing was changed: try again under it",
		    q->policy_version);
		return (EX_TEMPFAIL);
	}
	if (q->txn_now < q->clock_floor)
		q->txn_now = q->clock_floor;
	return (0);
}

int
store_begin_read(struct queue *q, char **cause)
{
	return (q->ops->begin(q, STORE_READ, cause));
}

void
store_end_read(struct queue *q)
{
	char *cause = NULL;

	/* A read changed nothing: there is nothing a failure could lose. */
	if (q->ops->commit(q, &cause) != 0) {
		free(cause);
		q->ops->rollback(q);
	}
}

/*
 * Puts a key the log does not name yet on the record, as the transaction's
 * last event: "signing_key" with its public half and the first event it
 * covers (those before are a database's made before signing).
 */
static int
store_key_record(struct queue *q, char **cause)
{
	cJSON	*data;
	char	*pem;
	int	 rc;

	if ((rc = store_signing_key_insert(q, sign_key_id(q->key),
	    cause)) != 0)
		return (rc);
	pem = sign_key_public_pem(q->key);
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "key_id", sign_key_id(q->key));
	cJSON_AddStringToObject(data, "public_key", pem != NULL ? pem : "");
	json_add_int(data, "from", q->txn_first_seq);
	free(pem);
	q->key_recorded_txn = 1;
	return (store_audit_append(q, "signing_key", "hitl", NULL, data,
	    cause));
}

/*
 * The log must end, before this transaction, on an event hitl signed: a
 * signature covers the chain up to it, so signing on top of events nobody
 * signed would vouch for them. What a transaction after the forgery would
 * launder is refused instead.
 */
static int
store_check_head(struct queue *q, char **cause)
{
	char	*hash = NULL, *sig = NULL;
	int64_t	 prev = q->txn_first_seq - 1, first;
	int	 ok, rc;

	/* The first events, or those of a log made before signing. */
	if (prev <= 0 || !q->key_recorded)
		return (0);
	if ((rc = store_signature_at(q, prev, &hash, &first, &sig,
	    cause)) != 0)
		goto out;
	ok = sig != NULL && sign_check(q->key, first, prev, hash, sig);
	if (!ok) {
		xasprintf(cause, "the audit log of %s ends on event %lld, which "
		    "hitl did not sign: the log was changed behind hitl's "
		    "back. Nothing was written; run 'hitl audit verify' and "
		    "restore the database from a backup", q->path,
		    (long long)prev);
		rc = EX_DATAERR;
	}
out:
	free(hash);
	free(sig);
	return (rc);
}

/* Signs the events the transaction wrote, by its last event's hash. */
static int
store_sign_txn(struct queue *q, char **cause)
{
	struct store_signature	 row;
	char			 sig[SIGN_HEX_LEN + 1];
	int			 rc;

	if (q->key == NULL) {
		xasprintf(cause, "%s", q->key_error != NULL ? q->key_error :
		    "the database has no signing key");
		return (q->key_rc != 0 ? q->key_rc : EX_NOINPUT);
	}
	if ((rc = store_check_head(q, cause)) != 0 ||
	    (!q->key_recorded && (rc = store_key_record(q, cause)) != 0))
		return (rc);
	if ((rc = sign_head(q->key, q->txn_first_seq, q->txn_seq, q->txn_hash,
	    sig, cause)) != 0)
		return (rc);
	row.seq = q->txn_seq;
	row.first_seq = q->txn_first_seq;
	row.key_id = sign_key_id(q->key);
	row.signature = sig;
	return (store_signature_insert(q, &row, cause));
}

int
store_commit(struct queue *q, char **cause)
{
	int rc;

	if ((q->txn_seq != 0 && (rc = store_sign_txn(q, cause)) != 0) ||
	    (rc = q->ops->commit(q, cause)) != 0) {
		store_rollback(q);
		return (rc);
	}
	q->in_txn = 0;
	q->txn_seq = 0;
	q->txn_now = 0;
	q->tip_valid = 0;
	if (q->key_recorded_txn)
		q->key_recorded = 1;
	q->key_recorded_txn = 0;
	/* The action is done: what it told of is told now, and only now. */
	notify_flush(q);
	return (0);
}

void
store_rollback(struct queue *q)
{
	q->ops->rollback(q);
	q->in_txn = 0;
	q->txn_seq = 0;
	q->txn_now = 0;
	q->tip_valid = 0;
	q->key_recorded_txn = 0;
	notify_forget(q);
}

char *
store_key_path(const struct queue *q)
{
	return (q->ops->key_path((struct queue *)q));
}

/*
 * The signing key beside the database: read it, or make it for a new
 * database or one made before signing (the first write that records events
 * puts it on the record). When it cannot be had, the database still opens
 * for reading; transactions that record events then fail with the reason
 * kept in key_error.
 */
static int
store_key_setup(struct queue *q, int created, char **cause)
{
	char	*path, *recorded = NULL, *why = NULL;
	int	 rc;

	path = store_key_path(q);
	if ((rc = store_signing_key_get(q, &recorded, cause)) != 0)
		goto out;
	if (created)
		unlink(path);	/* a key left by a database that is gone */
	rc = sign_key_load(path, &q->key, &why);
	if (rc == EX_NOINPUT && recorded == NULL) {
		free(why);
		why = NULL;
		rc = sign_key_create(path, q->shared ? 0640 : 0600, &q->key,
		    &why);
		if (rc == EX_CANTCREAT && access(path, F_OK) == 0) {
			/* Another process made it first: use theirs. */
			free(why);
			why = NULL;
			rc = sign_key_load(path, &q->key, &why);
		}
	} else if (rc == EX_NOINPUT) {
		free(why);
		xasprintf(&why, "the signing key %s is missing (this "
		    "database's log is signed with key %s): restore it from a "
		    "backup; until then hitl can read %s but not change it",
		    path, recorded, q->path);
		rc = EX_NOINPUT;
	} else if (rc == 0 && recorded != NULL &&
	    strcmp(recorded, sign_key_id(q->key)) != 0) {
		xasprintf(&why, "%s is key %s, but this database's log is "
		    "signed with key %s: put the right key back; until then "
		    "hitl can read %s but not change it", path,
		    sign_key_id(q->key), recorded, q->path);
		sign_key_free(q->key);
		q->key = NULL;
		rc = EX_DATAERR;
	}
	if (rc != 0) {
		/* Reads go on; writes that record events say why not. */
		if (created) {
			*cause = why;
			why = NULL;
			goto out;
		}
		q->key_error = why;
		q->key_rc = rc;
		why = NULL;
		rc = 0;
		goto out;
	}
	q->key_recorded = recorded != NULL;
out:
	free(why);
	free(recorded);
	free(path);
	return (rc);
}

/*
 * Once, after a database made before signing was upgraded: record what its
 * batches stored. Without the key or write access it waits for a command
 * that has them; reads go on.
 */
static int
store_baseline_due(struct queue *q, char **cause)
{
	char	*why = NULL;
	int	 due, rc;

	if (q->key == NULL)
		return (0);
	if ((rc = store_meta_needs_baseline(q, &due, cause)) != 0)
		return (rc);
	if (due && store_baseline(q, &why) != 0)
		free(why);
	return (0);
}

int
queue_open(const char *path, int flags, struct queue **out, char **cause)
{
	struct queue_options o;

	memset(&o, 0, sizeof o);
	o.path = path;
	o.flags = flags;
	return (queue_open_with(&o, out, cause));
}

int
queue_was_created(const struct queue *q)
{
	return (q->created);
}

int
queue_grant(struct queue *q, const char *role, char **cause)
{
	if (q->ops->grant == NULL) {
		xasprintf(cause, "--grant is for a server's database "
		    "(postgresql://): a file's access is its mode");
		return (EX_USAGE);
	}
	return (q->ops->grant(q, role, cause));
}

int
queue_names_server(const char *path)
{
	return (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0);
}

/* The backend a database's name asks for: a connection URI, or a file. */
static const struct store_ops *
store_backend(const char *path)
{
	return (queue_names_server(path) ? &store_pg_ops : &store_sqlite_ops);
}

int
queue_open_with(const struct queue_options *o, struct queue **out,
    char **cause)
{
	struct queue	*q;
	char		*keypath;
	int64_t		 now = 0;
	int		 rc, created = 0;

	*out = NULL;
	if (o->clock != NULL && (rc = store_parse_clock(o->clock, &now,
	    cause)) != 0)
		return (rc);
	q = xcalloc(1, sizeof *q);
	q->ops = store_backend(o->path);
	q->open_path = xstrdup(o->path);
	q->path = q->ops->label != NULL ? q->ops->label(o->path) :
	    xstrdup(o->path);
	q->keydir = o->keydir != NULL ? xstrdup(o->keydir) : NULL;
	q->owner = o->owner != NULL ? xstrdup(o->owner) : NULL;
	q->busy_timeout_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms :
	    STORE_BUSY_TIMEOUT_MS;
	q->shared = (o->flags & QUEUE_OPEN_SHARED) != 0;
	q->now = now;
	q->clock_text = now != 0;
	if ((rc = q->ops->open(q, o->flags, &created, cause)) != 0 ||
	    (rc = q->ops->migrate(q, cause)) != 0 ||
	    (rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_clock_allowed(q, cause)) != 0 ||
	    (rc = store_key_setup(q, created, cause)) != 0 ||
	    (rc = store_baseline_due(q, cause)) != 0)
		goto fail;
	q->created = created;
	if (created && (o->flags & QUEUE_OPEN_DEMO) &&
	    (rc = store_meta_demo_set(q, cause)) != 0)
		goto fail;
	*out = q;
	return (0);

fail:
	if (created) {
		keypath = store_key_path(q);
		q->ops->unmake(q);
		unlink(keypath);
		free(keypath);
	}
	queue_close(q);
	return (rc);
}

char *
queue_absolute_path(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir, real[PATH_MAX], *out;

	dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	if (realpath(dir, real) == NULL) {
		free(dir);
		return (NULL);
	}
	free(dir);
	xasprintf(&out, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
	    slash == NULL ? path : slash + 1);
	return (out);
}

int
queue_owns_path(struct queue *q, const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	char	*want, *p, *a;
	size_t	 i;
	int	 owns = 0;

	if ((want = queue_absolute_path(path)) == NULL)
		return (0);
	for (i = 0; !owns && i <= sizeof sides / sizeof sides[0]; i++) {
		if (i == sizeof sides / sizeof sides[0])
			p = store_key_path(q);
		else if (queue_names_server(q->path))
			continue;
		else
			xasprintf(&p, "%s%s", q->path, sides[i]);
		if (p != NULL && (a = queue_absolute_path(p)) != NULL) {
			owns = strcmp(a, want) == 0;
			free(a);
		}
		free(p);
	}
	free(want);
	return (owns);
}

void
queue_close(struct queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nstmts; i++)
		q->ops->finalize(q->stmts[i]);
	q->ops->close(q);
	notify_forget(q);
	policy_free(q->policy);
	sign_key_free(q->key);
	free(q->key_error);
	free(q->actor);
	free(q->keydir);
	free(q->owner);
	free(q->path);
	free(q->open_path);
	free(q);
}
