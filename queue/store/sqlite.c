/*
 * The SQLite backend: one file, opened safely (a new file is 0600, or 0660
 * for the shared install; a foreign or newer file is refused untouched),
 * WAL, every write BEGIN IMMEDIATE, errors mapped to sysexits codes.
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

#include <sqlite3.h>

#include "internal.h"
#include "sqlite.h"
#include "xmalloc.h"

/* "hitl" in ASCII, in the SQLite header's application_id field. */
#define SQLITE_APPLICATION_ID	0x6869746c

struct sqlite_conn {
	sqlite3		*db;
	struct timespec	 busy_since;	/* see sqlite_busy */
	uint32_t	 busy_rand;
};

struct sqlite_stmt {
	struct store_stmt	 base;
	sqlite3_stmt		*st;
};

#define SQLITE_DB(q)	(((struct sqlite_conn *)(q)->conn)->db)
#define SQLITE_ST(s)	(((struct sqlite_stmt *)(s))->st)

static int	sqlite_latest(void);

/*
 * Whether the file may be had in MODE by the effective ids, those SQLite
 * opens it with (access() asks about the real ones, which differ when the
 * caller is setgid).
 */
static int
sqlite_access(const char *path, int mode)
{
	return (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0);
}

/*
 * Cannot write: the file, its directory, or the -wal and -shm files that a
 * read of a read-only database leaves behind with its mode (which stay
 * read-only after the database is made writable again).
 */
static int
sqlite_readonly(struct queue *q, const char *what, const char *msg,
    char **cause)
{
	static const char *const sides[] = { "-wal", "-shm" };
	char	*side;
	size_t	 i;

	for (i = 0; i < 2; i++) {
		xasprintf(&side, "%s%s", q->path, sides[i]);
		if (sqlite_access(q->path, W_OK) && sqlite_access(side, F_OK) &&
		    !sqlite_access(side, W_OK)) {
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

/* Maps the connection's last error to a sysexits code and message. */
static int
sqlite_error(struct queue *q, const char *what, char **cause)
{
	sqlite3		*db = SQLITE_DB(q);
	int		 code = sqlite3_errcode(db);
	const char	*msg = sqlite3_errmsg(db);

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
		if (sqlite3_system_errno(db) == ENOSPC ||
		    sqlite3_system_errno(db) == EDQUOT)
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
		return (sqlite_readonly(q, what, msg, cause));
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

static int
sqlite_exec(struct queue *q, const char *sql, char **cause)
{
	if (sqlite3_exec(SQLITE_DB(q), sql, NULL, NULL, NULL) != SQLITE_OK)
		return (sqlite_error(q, "database", cause));
	return (0);
}

static int
sqlite_pragma_int(struct queue *q, const char *sql, int *out, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(SQLITE_DB(q), sql, -1, &st, NULL) != SQLITE_OK)
		return (sqlite_error(q, "open", cause));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (sqlite_error(q, "open", cause));
	return (0);
}

/*
 * Creates the file ourselves so that it is 0600 (0660 when shared) whatever
 * the umask; SQLite gives its -wal and -shm files the database file's mode.
 */
static int
sqlite_create_file(const char *path, mode_t mode, int *created, char **cause)
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
sqlite_check_identity(struct queue *q, int create, char **cause)
{
	int	appid = 0, version = 0, pages = 0, rc;

	if ((rc = sqlite_pragma_int(q, "PRAGMA page_count", &pages,
	    cause)) != 0) {
		free(*cause);
		*cause = NULL;
		if ((sqlite3_errcode(SQLITE_DB(q)) & 0xff) == SQLITE_NOTADB) {
			xasprintf(cause, "%s is not a hitl database (not an "
			    "SQLite file); it was left untouched", q->path);
			return (EX_DATAERR);
		}
		return (sqlite_error(q, "open", cause));
	}
	if ((rc = sqlite_pragma_int(q, "PRAGMA application_id", &appid,
	    cause)) != 0 ||
	    (rc = sqlite_pragma_int(q, "PRAGMA user_version", &version,
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
	if (appid != SQLITE_APPLICATION_ID) {
		xasprintf(cause, "%s is an SQLite database but not a hitl "
		    "one; it was left untouched", q->path);
		return (EX_DATAERR);
	}
	if (version > sqlite_latest()) {
		xasprintf(cause, "%s was written by a newer hitl (schema "
		    "version %d; this hitl knows up to %d): upgrade hitl; "
		    "the file was left untouched", q->path, version,
		    sqlite_latest());
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
sqlite_busy(void *arg, int count)
{
	struct queue		*q = arg;
	struct sqlite_conn	*c = q->conn;
	struct timespec		 now, ts;
	double			 waited;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		c->busy_since = now;
	/* xorshift, seeded per process: no two waiters sleep in step. */
	if (c->busy_rand == 0)
		c->busy_rand = (((uint32_t)getpid() * 2654435761u) ^
		    (uint32_t)now.tv_nsec) | 1;
	c->busy_rand ^= c->busy_rand << 13;
	c->busy_rand ^= c->busy_rand >> 17;
	c->busy_rand ^= c->busy_rand << 5;
	waited = (double)(now.tv_sec - c->busy_since.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - c->busy_since.tv_nsec) / 1e6;
	if (waited >= q->busy_timeout_ms)
		return (0);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(500 + c->busy_rand % 2500) * 1000;
	nanosleep(&ts, NULL);
	return (1);
}

static int
sqlite_open(struct queue *q, int flags, int *created, char **cause)
{
	struct sqlite_conn	*c;
	char			 sql[64];
	int			 rc;

	*created = 0;
	if (flags & QUEUE_OPEN_CREATE) {
		if ((rc = sqlite_create_file(q->path, (flags &
		    QUEUE_OPEN_SHARED) ? 0660 : 0600, created, cause)) != 0)
			return (rc);
	} else if (!sqlite_access(q->path, F_OK)) {
		if (errno != ENOENT) {
			xasprintf(cause, "cannot open %s: %s", q->path,
			    strerror(errno));
			return (EX_NOINPUT);
		}
		xasprintf(cause, "no database at %s: create one with 'hitl "
		    "init' or name another with --db", q->path);
		return (EX_NOINPUT);
	}
	q->conn = c = xcalloc(1, sizeof *c);
	/*
	 * A connection is used by one thread only: no mutexes. Before the
	 * first connection, memory statistics (a global mutex) are turned off.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(q->path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return (sqlite_error(q, "open", cause));
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_handler(c->db, sqlite_busy, q);
	if ((rc = sqlite_check_identity(q, flags & QUEUE_OPEN_CREATE,
	    cause)) != 0)
		return (rc);
	/*
	 * Only now, knowing the file is ours, may anything be written. A new
	 * database gets larger pages than SQLite's 4 KiB: records are a few
	 * hundred bytes with their input line, and fewer, fuller pages mean
	 * fewer b-tree levels and WAL frames (measured: bench/).
	 */
	if (q->schema == 0 &&
	    (rc = sqlite_exec(q, "PRAGMA page_size=16384", cause)) != 0)
		return (rc);
	if ((rc = sqlite_exec(q, "PRAGMA journal_mode=WAL", cause)) != 0 ||
	    (rc = sqlite_exec(q, "PRAGMA foreign_keys=ON", cause)) != 0 ||
	    (rc = sqlite_exec(q, "PRAGMA temp_store=MEMORY", cause)) != 0 ||
	    (rc = sqlite_exec(q, "PRAGMA synchronous=FULL", cause)) != 0)
		return (rc);
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", 32 * 1024);
	return (sqlite_exec(q, sql, cause));
}

static void
sqlite_close(struct queue *q)
{
	struct sqlite_conn *c = q->conn;

	if (c == NULL)
		return;
	if (c->db != NULL)
		sqlite3_close(c->db);
	free(c);
	q->conn = NULL;
}

/* A database the open made and could not finish: the file goes. */
static void
sqlite_unmake(struct queue *q)
{
	unlink(q->path);
}

static char *
sqlite_key_path(struct queue *q)
{
	char *p;

	xasprintf(&p, "%s%s", q->path, SIGN_KEY_SUFFIX);
	return (p);
}

static int
sqlite_begin(struct queue *q, int how, char **cause)
{
	return (sqlite_exec(q, how == STORE_READ ? "BEGIN" : "BEGIN IMMEDIATE",
	    cause));
}

static int
sqlite_commit(struct queue *q, char **cause)
{
	return (sqlite_exec(q, "COMMIT", cause));
}

static void
sqlite_rollback(struct queue *q)
{
	if (!sqlite3_get_autocommit(SQLITE_DB(q)))
		sqlite3_exec(SQLITE_DB(q), "ROLLBACK", NULL, NULL, NULL);
}

static struct store_stmt *
sqlite_prepare(struct queue *q, const char *sql, int flags, char **cause)
{
	struct sqlite_stmt	*s;
	sqlite3_stmt		*st;

	(void)flags;
	if (sqlite3_prepare_v3(SQLITE_DB(q), sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sqlite_error(q, "prepare", cause);
		return (NULL);
	}
	s = xcalloc(1, sizeof *s);
	s->st = st;
	return (&s->base);
}

static void
sqlite_finalize(struct store_stmt *s)
{
	sqlite3_finalize(SQLITE_ST(s));
	free(s);
}

static void
sqlite_bind_int(struct store_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(SQLITE_ST(s), i, v);
}

static void
sqlite_bind_real(struct store_stmt *s, int i, double v)
{
	sqlite3_bind_double(SQLITE_ST(s), i, v);
}

static void
sqlite_bind_text(struct store_stmt *s, int i, const char *v, size_t len)
{
	sqlite3_bind_text(SQLITE_ST(s), i, v, len == (size_t)-1 ? -1 :
	    (int)len, SQLITE_STATIC);
}

static void
sqlite_bind_null(struct store_stmt *s, int i)
{
	sqlite3_bind_null(SQLITE_ST(s), i);
}

static int
sqlite_step(struct store_stmt *s, const char *what, char **cause)
{
	int rc = sqlite3_step(SQLITE_ST(s));

	if (rc == SQLITE_ROW)
		return (STORE_ROW);
	if (rc == SQLITE_DONE)
		return (STORE_DONE);
	rc = sqlite_error(s->q, what, cause);
	sqlite3_reset(SQLITE_ST(s));
	return (rc);
}

static int
sqlite_is_null(struct store_stmt *s, int col)
{
	return (sqlite3_column_type(SQLITE_ST(s), col) == SQLITE_NULL);
}

static int64_t
sqlite_col_int(struct store_stmt *s, int col)
{
	return (sqlite3_column_int64(SQLITE_ST(s), col));
}

static double
sqlite_col_real(struct store_stmt *s, int col)
{
	return (sqlite3_column_double(SQLITE_ST(s), col));
}

static const char *
sqlite_col_text(struct store_stmt *s, int col, size_t *len)
{
	const char *t = (const char *)sqlite3_column_text(SQLITE_ST(s), col);

	if (len != NULL)
		*len = (size_t)sqlite3_column_bytes(SQLITE_ST(s), col);
	return (t);
}

static void
sqlite_reset(struct store_stmt *s)
{
	sqlite3_reset(SQLITE_ST(s));
	sqlite3_clear_bindings(SQLITE_ST(s));
}

static int64_t
sqlite_changes(struct queue *q)
{
	return (sqlite3_changes(SQLITE_DB(q)));
}

static int64_t
sqlite_last_id(struct queue *q)
{
	return (sqlite3_last_insert_rowid(SQLITE_DB(q)));
}

static int
sqlite_counter_next(struct queue *q, const char *key, int64_t *value,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES (?1, 2) "
	    "ON CONFLICT (key) DO UPDATE SET value = value + 1 "
	    "RETURNING value - 1";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, key);
	if ((rc = store_step(st, "counter", cause)) != STORE_ROW)
		return (rc == STORE_DONE ? EX_SOFTWARE : rc);
	*value = store_int(st, 0);
	rc = store_step(st, "counter", cause);
	store_reset(st);
	return (rc == STORE_DONE ? 0 : rc);
}

/* Counters live in meta, as the next value they hand out. */
static int
sqlite_counter_peek(struct queue *q, const char *key, int64_t *next,
    char **cause)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
	struct store_stmt	*st;
	int			 rc;

	*next = 1;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, key);
	if ((rc = store_step(st, "counter", cause)) == STORE_ROW)
		*next = store_int(st, 0);
	store_reset(st);
	return (rc == STORE_ROW || rc == STORE_DONE ? 0 : rc);
}

static int
sqlite_counter_set(struct queue *q, const char *key, int64_t next,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, key);
	store_bind_int(st, 2, next);
	return (store_run(st, "counter", cause));
}

/* Row ids go on from the largest there is: nothing to do. */
static int
sqlite_after_copy(struct queue *q, char **cause)
{
	(void)q;
	(void)cause;
	return (0);
}

/*
 * The file itself: SQLite's integrity check reads every page, so damage in
 * pages no command has read yet is found here.
 */
static int
sqlite_integrity(struct queue *q, char **cause)
{
	static const char sql[] = "PRAGMA integrity_check(10)";
	struct store_stmt	*st;
	const char		*first;
	char			*what = NULL;
	int			 n = 0, rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((rc = store_step(st, "verify", cause)) == STORE_ROW) {
		first = store_text(st, 0);
		if (n++ == 0 && first != NULL && strcmp(first, "ok") != 0)
			what = xstrdup(first);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		free(what);
		return (rc);
	}
	if (what == NULL)
		return (0);
	xasprintf(cause, "%s is damaged: %s%s; hitl repairs nothing: restore "
	    "it from a backup", q->path, what, n > 1 ? " (and more)" : "");
	free(what);
	return (EX_DATAERR);
}

static int
sqlite_guard_missing(struct queue *q, const char **name, char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?";
	static const char *const guards[] = {
		"decisions_no_update", "decisions_no_delete",
		"audit_no_update", "audit_no_delete",
		"audit_signatures_no_update", "audit_signatures_no_delete",
		"policies_no_update", "policies_no_delete",
		"exports_no_update", "exports_no_delete",
		"batches_no_update", "batches_no_delete", "items_no_delete",
		"tombstones_no_update", "tombstones_no_delete",
	};

	return (store_first_missing(q, sql, guards,
	    sizeof guards / sizeof guards[0], name, cause));
}

/*
 * secure_delete zeroes what the erasing writes delete or overwrite, in
 * the pages they write (and so in the WAL's frames of them). Afterwards
 * the WAL, which still holds older frames with the content, is
 * checkpointed and truncated to nothing; VACUUM rewrites the file without
 * its free pages (through the WAL: checkpointed and truncated again).
 */
static int
sqlite_scrub(struct queue *q, int after, char **cause)
{
	static const char *const steps[] = {
		"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM",
		"PRAGMA wal_checkpoint(TRUNCATE)",
	};
	size_t	i;
	char	*err = NULL;

	if (!after)
		return (sqlite_exec(q, "PRAGMA secure_delete=ON", cause));
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (sqlite3_exec(SQLITE_DB(q), steps[i], NULL, NULL,
		    &err) != SQLITE_OK) {
			xasprintf(cause, "erase: %s: %s (the erased content may "
			    "be left in %s's free pages or its -wal file; run "
			    "it again when no one else has the database open)",
			    steps[i], err != NULL ? err : "failed", q->path);
			sqlite3_free(err);
			return (EX_TEMPFAIL);
		}
	}
	return (0);
}

/*
 * The page cache of a bulk import, in KiB: what bounds its memory however
 * large the input. Smaller spills to the WAL sooner and slows large runs.
 */
#ifndef SQLITE_IMPORT_CACHE_KB
#define SQLITE_IMPORT_CACHE_KB "65536"
#endif

static int
sqlite_bulk(struct queue *q, int on, char **cause)
{
	int rc;

	if (!on) {
		sqlite3_exec(SQLITE_DB(q), "PRAGMA synchronous=FULL", NULL,
		    NULL, NULL);
		sqlite3_exec(SQLITE_DB(q), "PRAGMA cache_size=-32768", NULL,
		    NULL, NULL);
		return (0);
	}
	/*
	 * A bulk import may skip the fsync of each commit: the run is one
	 * transaction and re-running it is idempotent.
	 */
	if ((rc = sqlite_exec(q, "PRAGMA synchronous=NORMAL", cause)) != 0)
		return (rc);
	return (sqlite_exec(q, "PRAGMA cache_size=-" SQLITE_IMPORT_CACHE_KB,
	    cause));
}

static int
sqlite_latest(void)
{
	return (sqlite_migrations[sqlite_nmigrations - 1].version);
}

static int
sqlite_record_migration(struct queue *q, const struct store_migration *m,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO migrations (version, applied_at, description) "
	    "VALUES (?, ?, ?)";
	struct store_stmt	*st;
	char			 now[32], pragma[64];
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_now_text(q, now);
	store_bind_int(st, 1, m->version);
	store_bind_text(st, 2, now);
	store_bind_text(st, 3, m->description);
	if ((rc = store_run(st, "migrate", cause)) != 0)
		return (rc);
	/* PRAGMA takes no parameters; the value is our own integer. */
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", m->version);
	return (sqlite_exec(q, pragma, cause));
}

/* Applies the migrations the file lacks, in one write transaction. */
static int
sqlite_migrate(struct queue *q, char **cause)
{
	char	pragma[64];
	size_t	i;
	int	rc, current = 0;

	if (q->schema == sqlite_latest())
		return (0);
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = sqlite_pragma_int(q, "PRAGMA user_version", &current,
	    cause)) != 0)
		goto fail;
	for (i = 0; i < sqlite_nmigrations; i++) {
		if (sqlite_migrations[i].version <= current)
			continue;
		if ((rc = sqlite_exec(q, sqlite_migrations[i].sql,
		    cause)) != 0 ||
		    (rc = sqlite_record_migration(q, &sqlite_migrations[i],
		    cause)) != 0)
			goto fail;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA application_id=%d",
	    SQLITE_APPLICATION_ID);
	if ((rc = sqlite_exec(q, pragma, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	q->schema = sqlite_latest();
	return (0);
fail:
	store_rollback(q);
	return (rc);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.unmake = sqlite_unmake,
	.key_path = sqlite_key_path,
	.migrate = sqlite_migrate,
	.latest = sqlite_latest,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.bind_int = sqlite_bind_int,
	.bind_real = sqlite_bind_real,
	.bind_text = sqlite_bind_text,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.is_null = sqlite_is_null,
	.col_int = sqlite_col_int,
	.col_real = sqlite_col_real,
	.col_text = sqlite_col_text,
	.reset = sqlite_reset,
	.changes = sqlite_changes,
	.last_id = sqlite_last_id,
	.counter_next = sqlite_counter_next,
	.integrity = sqlite_integrity,
	.guard_missing = sqlite_guard_missing,
	.bulk = sqlite_bulk,
	.lock_log = NULL,	/* every write takes the file's lock */
	.counter_peek = sqlite_counter_peek,
	.counter_set = sqlite_counter_set,
	.after_copy = sqlite_after_copy,
	.grant = NULL,		/* a file has its mode, not roles */
	.scrub = sqlite_scrub,
};
