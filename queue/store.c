/*
 * Opening a hitl database safely (a new file is 0600; a foreign or newer file
 * is refused untouched), statement caching, transactions and error mapping.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "json.h"
#include "store.h"
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
	static const char sql[] =
	    "SELECT 1 FROM meta WHERE key = 'demo' AND value = '1'";
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 demo;

	if ((st = store_stmt(q, sql, &cause)) == NULL) {
		free(cause);
		return (0);
	}
	demo = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return (demo);
}

int
queue_schema_latest(void)
{
	return (store_migrations_latest());
}

/*
 * Whether the file may be had in MODE by the effective ids, those SQLite
 * opens it with (access() asks about the real ones, which differ when the
 * caller is setgid).
 */
static int
store_access(const char *path, int mode)
{
	return (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0);
}

/*
 * Cannot write: the file, its directory, or the -wal and -shm files that a
 * read of a read-only database leaves behind with its mode (which stay
 * read-only after the database is made writable again).
 */
static int
store_readonly(struct queue *q, const char *what, const char *msg,
    char **cause)
{
	static const char *const sides[] = { "-wal", "-shm" };
	char	*side;
	size_t	 i;

	for (i = 0; i < 2; i++) {
		xasprintf(&side, "%s%s", q->path, sides[i]);
		if (store_access(q->path, W_OK) && store_access(side, F_OK) &&
		    !store_access(side, W_OK)) {
			xasprintf(cause, "%s: cannot write to %s: %s is "
			    "read-only; make it writable like the database, "
			    "or remove it while no hitl runs", what, q->path,
			    side);
			free(side);
			return (EX_CANTCREAT);
		}
		free(side);
	}
	xasprintf(cause, "%s: cannot write to %s (or its directory): %s", what,
	    q->path, msg);
	return (EX_CANTCREAT);
}

int
store_error(struct queue *q, const char *what, char **cause)
{
	int		 code = sqlite3_errcode(q->db);
	const char	*msg = sqlite3_errmsg(q->db);

	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		xasprintf(cause, "%s: the database %s is busy: another "
		    "process held it longer than the busy timeout (%d ms); "
		    "try again", what, q->path, q->busy_timeout_ms);
		return (EX_TEMPFAIL);
	case SQLITE_FULL:
		xasprintf(cause, "%s: the disk holding %s is full; nothing "
		    "was changed, free some space and try again", what,
		    q->path);
		return (EX_IOERR);
	case SQLITE_IOERR:
		/* A full disk can come back as an I/O error (the -shm). */
		if (sqlite3_system_errno(q->db) == ENOSPC ||
		    sqlite3_system_errno(q->db) == EDQUOT)
			xasprintf(cause, "%s: the disk holding %s is full; "
			    "nothing was changed, free some space and try "
			    "again", what, q->path);
		else
			xasprintf(cause, "%s: I/O error on %s: %s", what,
			    q->path, msg);
		return (EX_IOERR);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return (store_readonly(q, what, msg, cause));
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		xasprintf(cause, "%s: %s is damaged (%s); hitl stops and "
		    "repairs nothing: restore it from a backup (hitl audit "
		    "verify checks the whole file)", what, q->path, msg);
		return (EX_DATAERR);
	case SQLITE_CONSTRAINT:
		xasprintf(cause, "%s: %s", what, msg);
		return (EX_DATAERR);
	default:
		xasprintf(cause, "%s: %s", what, msg);
		return (EX_SOFTWARE);
	}
}

sqlite3_stmt *
store_stmt(struct queue *q, const char *sql, char **cause)
{
	struct store_stmt	*s;
	size_t			 i;

	for (i = 0; i < q->nstmts; i++) {
		s = &q->stmts[i];
		if (s->sql == sql) {
			sqlite3_reset(s->stmt);
			sqlite3_clear_bindings(s->stmt);
			return (s->stmt);
		}
	}
	if (q->nstmts == STORE_MAX_STMTS) {
		xasprintf(cause, "internal error: too many statements");
		return (NULL);
	}
	s = &q->stmts[q->nstmts];
	if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->stmt, NULL) != SQLITE_OK) {
		store_error(q, "prepare", cause);
		return (NULL);
	}
	s->sql = sql;
	q->nstmts++;
	return (s->stmt);
}

int
store_exec(struct queue *q, const char *sql, char **cause)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return (store_error(q, "database", cause));
	return (0);
}

/* The time of the event the log ends with: no new event goes before it. */
static int
store_clock_floor(struct queue *q, char **cause)
{
	static const char sql[] =
	    "SELECT at FROM audit ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt	*st;
	struct tm	 tm;
	const char	*at;
	int		 rc;

	q->clock_floor = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		at = (const char *)sqlite3_column_text(st, 0);
		memset(&tm, 0, sizeof tm);
		if (at != NULL && strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm) !=
		    NULL)
			q->clock_floor = (int64_t)timegm(&tm);
	} else if (rc != SQLITE_DONE)
		return (store_error(q, "audit", cause));
	sqlite3_reset(st);
	return (0);
}

int
store_begin(struct queue *q, char **cause)
{
	int rc;

	if ((rc = store_exec(q, "BEGIN IMMEDIATE", cause)) != 0)
		return (rc);
	q->in_txn = 1;
	q->txn_seq = 0;
	q->txn_now = 0;
	if (q->schema != store_migrations_latest())
		return (0);
	/*
	 * A policy loaded while we waited for the lock applies to what this
	 * transaction records (once the schema has its policies table).
	 */
	if ((rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_clock_floor(q, cause)) != 0)
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

/*
 * Puts a key the log does not name yet on the record, as the transaction's
 * last event: "signing_key" with its public half and the first event it
 * covers (those before are a database's made before signing).
 */
static int
store_key_record(struct queue *q, char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES ('signing_key', ?)";
	sqlite3_stmt	*st;
	cJSON		*data;
	char		*pem;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_text(st, 1, sign_key_id(q->key), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return (store_error(q, "audit", cause));
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
	static const char sql[] =
	    "SELECT a.hash, s.first_seq, s.signature FROM audit a LEFT JOIN "
	    "audit_signatures s ON s.seq = a.seq WHERE a.seq = ?";
	sqlite3_stmt	*st;
	int64_t		 prev = q->txn_first_seq - 1;
	int		 ok;

	/* The first events, or those of a log made before signing. */
	if (prev <= 0 || !q->key_recorded)
		return (0);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_int64(st, 1, prev);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return (store_error(q, "audit", cause));
	}
	ok = sqlite3_column_type(st, 2) != SQLITE_NULL &&
	    sign_check(q->key, sqlite3_column_int64(st, 1), prev,
	    (const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	if (!ok) {
		xasprintf(cause, "the audit log of %s ends on event %lld, which "
		    "hitl did not sign: the log was changed behind hitl's "
		    "back. Nothing was written; run 'hitl audit verify' and "
		    "restore the database from a backup", q->path,
		    (long long)prev);
		return (EX_DATAERR);
	}
	return (0);
}

/* Signs the events the transaction wrote, by its last event's hash. */
static int
store_sign_txn(struct queue *q, char **cause)
{
	static const char sql[] =
	    "INSERT INTO audit_signatures (seq, first_seq, key_id, signature) "
	    "VALUES (?, ?, ?, ?)";
	sqlite3_stmt	*st;
	char		 sig[SIGN_HEX_LEN + 1];
	int		 rc;

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
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_int64(st, 1, q->txn_seq);
	sqlite3_bind_int64(st, 2, q->txn_first_seq);
	sqlite3_bind_text(st, 3, sign_key_id(q->key), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sig, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return (store_error(q, "audit", cause));
	return (0);
}

int
store_commit(struct queue *q, char **cause)
{
	int rc;

	if ((q->txn_seq != 0 && (rc = store_sign_txn(q, cause)) != 0) ||
	    (rc = store_exec(q, "COMMIT", cause)) != 0) {
		store_rollback(q);
		return (rc);
	}
	q->in_txn = 0;
	q->txn_seq = 0;
	q->txn_now = 0;
	if (q->key_recorded_txn)
		q->key_recorded = 1;
	q->key_recorded_txn = 0;
	return (0);
}

void
store_rollback(struct queue *q)
{
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	q->in_txn = 0;
	q->txn_seq = 0;
	q->txn_now = 0;
	q->key_recorded_txn = 0;
}

static int
store_pragma_int(struct queue *q, const char *sql, int *out, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return (store_error(q, "open", cause));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (store_error(q, "open", cause));
	return (0);
}

/*
 * Creates the file ourselves so that it is 0600 (0660 when shared) whatever
 * the umask; SQLite gives its -wal and -shm files the database file's mode.
 */
static int
store_create_file(const char *path, mode_t mode, int *created, char **cause)
{
	struct stat	sb;
	int		fd, error;

	*created = 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd == -1) {
		error = errno;
		if (error == EEXIST && stat(path, &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			xasprintf(cause, "%s is a directory; name a database "
			    "file", path);
			return (EX_CANTCREAT);
		}
		if (error == EEXIST)
			return (0);
		xasprintf(cause, "cannot create %s: %s", path,
		    strerror(error));
		return (error == ENOSPC || error == EIO ? EX_IOERR :
		    EX_CANTCREAT);
	}
	if (fchmod(fd, mode) != 0) {
		xasprintf(cause, "cannot set the mode of %s: %s", path,
		    strerror(errno));
		close(fd);
		return (EX_IOERR);
	}
	close(fd);
	*created = 1;
	return (0);
}

/*
 * Refuses, before anything is written, a file that is not ours or that a
 * newer hitl wrote. An empty file (new, or created by someone for us) is
 * acceptable only when creating.
 */
static int
store_check_identity(struct queue *q, int create, char **cause)
{
	int	appid = 0, version = 0, pages = 0, rc;

	if ((rc = store_pragma_int(q, "PRAGMA page_count", &pages,
	    cause)) != 0) {
		free(*cause);
		*cause = NULL;
		if ((sqlite3_errcode(q->db) & 0xff) == SQLITE_NOTADB) {
			xasprintf(cause, "%s is not a hitl database (not an "
			    "SQLite file); it was left untouched", q->path);
			return (EX_DATAERR);
		}
		return (store_error(q, "open", cause));
	}
	if ((rc = store_pragma_int(q, "PRAGMA application_id", &appid,
	    cause)) != 0 ||
	    (rc = store_pragma_int(q, "PRAGMA user_version", &version,
	    cause)) != 0)
		return (rc);
	if (pages == 0) {
		if (!create) {
			xasprintf(cause, "%s is empty, not a hitl database; "
			    "create one with 'hitl init'", q->path);
			return (EX_NOINPUT);
		}
		return (0);
	}
	if (appid != STORE_APPLICATION_ID) {
		xasprintf(cause, "%s is an SQLite database but not a hitl "
		    "one; it was left untouched", q->path);
		return (EX_DATAERR);
	}
	if (version > store_migrations_latest()) {
		xasprintf(cause, "%s was written by a newer hitl (schema "
		    "version %d; this hitl knows up to %d): upgrade hitl; "
		    "the file was left untouched", q->path, version,
		    store_migrations_latest());
		return (EX_DATAERR);
	}
	q->schema = version;
	return (0);
}

/*
 * Waiting for another writer. SQLite's own handler backs off to 100 ms
 * sleeps, so under steady contention a process that has waited longest
 * sleeps longest and others keep taking the lock: with eight reviewers at
 * synchronous=FULL some waited out the timeout. Short, jittered sleeps keep
 * every waiter in the running until the timeout.
 */
static int
store_busy(void *arg, int count)
{
	struct queue	*q = arg;
	struct timespec	 now, ts;
	double		 waited;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		q->busy_since = now;
	/* xorshift, seeded per process: no two waiters sleep in step. */
	if (q->busy_rand == 0)
		q->busy_rand = (((uint32_t)getpid() * 2654435761u) ^
		    (uint32_t)now.tv_nsec) | 1;
	q->busy_rand ^= q->busy_rand << 13;
	q->busy_rand ^= q->busy_rand >> 17;
	q->busy_rand ^= q->busy_rand << 5;
	waited = (double)(now.tv_sec - q->busy_since.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - q->busy_since.tv_nsec) / 1e6;
	if (waited >= q->busy_timeout_ms)
		return (0);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(500 + q->busy_rand % 2500) * 1000;
	nanosleep(&ts, NULL);
	return (1);
}

char *
store_key_path(const struct queue *q)
{
	char *p;

	xasprintf(&p, "%s%s", q->path, SIGN_KEY_SUFFIX);
	return (p);
}

/* The id of the key the log says signs it (meta), or NULL. */
static int
store_key_recorded(struct queue *q, char **id, char **cause)
{
	static const char sql[] =
	    "SELECT value FROM meta WHERE key = 'signing_key'";
	sqlite3_stmt	*st;
	int		 rc;

	*id = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = store_column_text(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (store_error(q, "open", cause));
	return (0);
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
	if ((rc = store_key_recorded(q, &recorded, cause)) != 0)
		goto out;
	if (created)
		unlink(path);	/* a key left by a database that is gone */
	rc = sign_key_load(path, &q->key, &why);
	if (rc == EX_NOINPUT && recorded == NULL) {
		free(why);
		why = NULL;
		rc = sign_key_create(path, q->shared ? 0640 : 0600, &q->key,
		    &why);
		if (rc == EX_CANTCREAT && store_access(path, F_OK)) {
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
	static const char sql[] =
	    "SELECT 1 FROM meta WHERE key = 'needs_baseline'";
	sqlite3_stmt	*st;
	char		*why = NULL;
	int		 due;

	if (q->key == NULL)
		return (0);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	due = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
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
queue_open_with(const struct queue_options *o, struct queue **out,
    char **cause)
{
	const char	*path = o->path;
	int		 flags = o->flags;
	struct queue	*q;
	char		 sql[64], *keypath;
	int64_t		 now = 0;
	int		 rc, created = 0;

	*out = NULL;
	if (o->clock != NULL && (rc = store_parse_clock(o->clock, &now,
	    cause)) != 0)
		return (rc);
	if (flags & QUEUE_OPEN_CREATE) {
		if ((rc = store_create_file(path, (flags & QUEUE_OPEN_SHARED) ?
		    0660 : 0600, &created, cause)) != 0)
			return (rc);
	} else if (!store_access(path, F_OK)) {
		if (errno != ENOENT) {
			xasprintf(cause, "cannot open %s: %s", path,
			    strerror(errno));
			return (EX_NOINPUT);
		}
		xasprintf(cause, "no database at %s: create one with 'hitl "
		    "init' or name another with --db", path);
		return (EX_NOINPUT);
	}

	q = xcalloc(1, sizeof *q);
	q->path = xstrdup(path);
	q->busy_timeout_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms :
	    STORE_BUSY_TIMEOUT_MS;
	q->shared = (flags & QUEUE_OPEN_SHARED) != 0;
	q->now = now;
	q->clock_text = now != 0;
	/*
	 * A connection is used by one thread only: no mutexes. Before the
	 * first connection, memory statistics (a global mutex) are turned off.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = store_error(q, "open", cause);
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_handler(q->db, store_busy, q);

	if ((rc = store_check_identity(q, flags & QUEUE_OPEN_CREATE,
	    cause)) != 0)
		goto fail;
	/*
	 * Only now, knowing the file is ours, may anything be written. A new
	 * database gets larger pages than SQLite's 4 KiB: records are a few
	 * hundred bytes with their input line, and fewer, fuller pages mean
	 * fewer b-tree levels and WAL frames (measured: bench/).
	 */
	if (q->schema == 0 &&
	    (rc = store_exec(q, "PRAGMA page_size=16384", cause)) != 0)
		goto fail;
	if ((rc = store_exec(q, "PRAGMA journal_mode=WAL", cause)) != 0 ||
	    (rc = store_exec(q, "PRAGMA foreign_keys=ON", cause)) != 0 ||
	    (rc = store_exec(q, "PRAGMA temp_store=MEMORY", cause)) != 0 ||
	    (rc = store_exec(q, "PRAGMA synchronous=FULL", cause)) != 0)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", 32 * 1024);
	if ((rc = store_exec(q, sql, cause)) != 0 ||
	    (rc = store_migrate(q, cause)) != 0 ||
	    (rc = store_policy_refresh(q, cause)) != 0 ||
	    (rc = store_clock_allowed(q, cause)) != 0 ||
	    (rc = store_key_setup(q, created, cause)) != 0 ||
	    (rc = store_baseline_due(q, cause)) != 0)
		goto fail;
	if (created && (flags & QUEUE_OPEN_DEMO) && (rc = store_exec(q,
	    "INSERT INTO meta (key, value) VALUES ('demo', '1')", cause)) != 0)
		goto fail;
	*out = q;
	return (0);

fail:
	queue_close(q);
	if (created) {
		unlink(path);
		xasprintf(&keypath, "%s%s", path, SIGN_KEY_SUFFIX);
		unlink(keypath);
		free(keypath);
	}
	return (rc);
}


void
queue_close(struct queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nstmts; i++)
		sqlite3_finalize(q->stmts[i].stmt);
	if (q->db != NULL)
		sqlite3_close(q->db);
	policy_free(q->policy);
	sign_key_free(q->key);
	free(q->key_error);
	free(q->actor);
	free(q->path);
	free(q);
}
