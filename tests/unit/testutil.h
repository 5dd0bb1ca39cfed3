/*
 * Shared helpers for the unit tests: temporary databases, files and SQL, on
 * the backend the test program was built for (TU_PG: PostgreSQL).
 */
#ifndef HITL_TESTUTIL_H
#define HITL_TESTUTIL_H

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queue.h"
#include "internal.h"

/*
 * Each test program that works on a database is built twice: as itself for
 * SQLite, and with TU_PG set (test-NAME-pg) for PostgreSQL, where each
 * database is a fresh one in the throwaway cluster of tests/pg/cluster.sh.
 * TU_SQL picks the spelling of a statement the dialects write differently.
 */
#ifndef TU_PG
#define TU_PG		0
#endif
#if TU_PG
#include <libpq-fe.h>
#define TU_BACKEND	"postgresql"
#define TU_SQL(sqlite, pg) pg
#else
#include <sqlite3.h>
#define TU_BACKEND	"sqlite"
#define TU_SQL(sqlite, pg) sqlite
#endif

/* What tu_sql_exec returns when the SQL ran. */
#define TU_OK		0

/* A test for one backend only: skipped, and so reported, on the other. */
#define TU_ONLY(backend) do {						\
	if (strcmp(TU_BACKEND, (backend)) != 0) {			\
		print_message("only on %s\n", (backend));		\
		skip();							\
	}								\
} while (0)

/*
 * A database in a private temporary directory: an SQLite file there, or a
 * PostgreSQL database (its URI) whose signing key hitl keeps there.
 */
struct tu_db {
	char	dir[256];
	char	path[300];
	char	name[64];	/* PostgreSQL's name of the database */
};

#if TU_PG
/*
 * The cluster, as tests/pg/cluster.sh made it: the part of a database's URI
 * after its name ("?host=...&user=..."), and how many databases this
 * process made.
 */
static char	tu_pg_params[256];
static unsigned	tu_pg_made;
static int	tu_pg_server;	/* its version, as PQserverVersion says */

/* A connection with hitl's search path, or NULL (with a message). */
static inline PGconn *
tu_pg_connect(const char *uri)
{
	PGconn		*c = PQconnectdb(uri);
	PGresult	*res;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect to %s: %s", uri,
		    PQerrorMessage(c));
		PQfinish(c);
		return (NULL);
	}
	res = PQexec(c, "SET search_path = hitl; "
	    "SET client_min_messages = warning");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "%s: %s", uri, PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c);
		return (NULL);
	}
	PQclear(res);
	return (c);
}

/* Runs SQL on the cluster's maintenance database, postgres; aborts. */
static inline void
tu_pg_admin(const char *sql)
{
	char		 uri[300];
	PGconn		*c;
	PGresult	*res;

	snprintf(uri, sizeof uri, "postgresql:///postgres%s", tu_pg_params);
	if ((c = tu_pg_connect(uri)) == NULL)
		abort();
	res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(res));
		abort();
	}
	PQclear(res);
	PQfinish(c);
}

/*
 * A new database in the cluster (extra: " TEMPLATE x"); its URI in path.
 * Copying the template's files is quicker than logging them, for databases
 * so small (PostgreSQL 15 logs them unless told).
 */
static inline void
tu_pg_newdb(const char *name, const char *extra, char *path, size_t len)
{
	char	sql[256];

	/* One a run by hand left behind, whose process had this id. */
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    name);
	tu_pg_admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s%s%s", name, extra,
	    tu_pg_server >= 150000 ? " STRATEGY FILE_COPY" : "");
	tu_pg_admin(sql);
	if ((size_t)snprintf(path, len, "postgresql:///%s%s", name,
	    tu_pg_params) >= len)
		abort();
}

/* The value of NAME='value' in the output of cluster.sh env, or abort. */
static inline void
tu_pg_env_value(const char *env, const char *name, char *out, size_t len)
{
	char		 key[32];
	const char	*p;
	size_t		 n;

	snprintf(key, sizeof key, "%s='", name);
	if ((p = strstr(env, key)) == NULL) {
		fprintf(stderr, "cluster.sh env gave no %s: %s\n", name, env);
		exit(99);
	}
	p += strlen(key);
	n = strcspn(p, "'");
	if (p[n] != '\'' || n >= len)
		abort();
	memcpy(out, p, n);
	out[n] = '\0';
}
#endif

/*
 * Before the first test: for PostgreSQL, starts the cluster of
 * tests/pg/cluster.sh, shared with the other tests (make check's check-local
 * stops it; run by hand, it is the build tree's and stays up), or exits 77
 * (skipped) when no PostgreSQL server is installed.
 */
static inline void
tu_backend_start(void)
{
#if TU_PG
	char	 cmd[1024], env[1024], host[200], user[64];
	FILE	*p;
	PGconn	*c;
	int	 status;
	size_t	 n;

	if (strchr(TU_CLUSTER_SH, '\'') != NULL)
		abort();
	if (getenv("HITL_PG_DIR") == NULL &&
	    setenv("HITL_PG_DIR", TU_BUILDDIR "/tests/pg/cluster", 1) != 0)
		abort();
	snprintf(cmd, sizeof cmd, "sh '%s' env", TU_CLUSTER_SH);
	if ((p = popen(cmd, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", cmd, strerror(errno));
		exit(99);
	}
	n = fread(env, 1, sizeof env - 1, p);
	env[n] = '\0';
	status = pclose(p);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "SKIP: no PostgreSQL server to run these "
		    "tests on\n");
		exit(77);
	}
	if (status != 0) {
		fprintf(stderr, "%s failed (%d): %s\n", cmd, status, env);
		exit(99);
	}
	tu_pg_env_value(env, "HITL_PG_HOST", host, sizeof host);
	tu_pg_env_value(env, "HITL_PG_USER", user, sizeof user);
	if ((size_t)snprintf(tu_pg_params, sizeof tu_pg_params,
	    "?host=%s&user=%s", host, user) >= sizeof tu_pg_params)
		abort();
	snprintf(cmd, sizeof cmd, "postgresql:///postgres%s", tu_pg_params);
	if ((c = tu_pg_connect(cmd)) == NULL)
		exit(99);
	tu_pg_server = PQserverVersion(c);
	PQfinish(c);
	fprintf(stderr, "backend: PostgreSQL %d, %s\n", tu_pg_server,
	    tu_pg_params);
#endif
}

/* A new directory for t; for PostgreSQL, t's name in the cluster. */
static inline void
tu_db_dir(struct tu_db *t)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "%s/hitl-test.XXXXXX", tmp);
	if (mkdtemp(t->dir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", t->dir, strerror(errno));
		abort();
	}
#if TU_PG
	snprintf(t->name, sizeof t->name, "tu_%ld_%u", (long)getpid(),
	    ++tu_pg_made);
#endif
}

static inline void
tu_db_init(struct tu_db *t)
{
	tu_db_dir(t);
#if TU_PG
	tu_pg_newdb(t->name, "", t->path, sizeof t->path);
#else
	snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
#endif
}

/*
 * Another database beside t, not yet made: a file "name" in the same
 * directory, or for PostgreSQL a new, empty database with its key there.
 */
static inline void
tu_db_sibling(const struct tu_db *t, const char *name, struct tu_db *out)
{
	*out = *t;
#if TU_PG
	if ((size_t)snprintf(out->name, sizeof out->name, "%s_%.*s", t->name,
	    (int)strcspn(name, "."), name) >= sizeof out->name)
		abort();
	tu_pg_newdb(out->name, "", out->path, sizeof out->path);
#else
	snprintf(out->path, sizeof out->path, "%s/%s", t->dir, name);
#endif
}

/*
 * Opens the queue in t, as hitl would: for PostgreSQL, its signing key is
 * in t's directory. tu_options sets the options for it, to change some.
 */
static inline void
tu_options(const struct tu_db *t, int flags, struct queue_options *o)
{
	memset(o, 0, sizeof *o);
	o->path = t->path;
	o->flags = flags;
	o->keydir = t->dir;
}

static inline int
tu_open(const struct tu_db *t, int flags, struct queue **q, char **cause)
{
	struct queue_options	o;

	tu_options(t, flags, &o);
	return (queue_open_with(&o, q, cause));
}

/*
 * Where the database's signing key is: beside the file (DB.key), or for
 * PostgreSQL wherever hitl says, which takes an open.
 */
static inline void
tu_key_path(const struct tu_db *t, char *out, size_t len)
{
#if TU_PG
	struct queue	*q = NULL;
	char		*cause = NULL, *path;

	if (tu_open(t, 0, &q, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", t->path, cause);
		abort();
	}
	path = store_key_path(q);
	queue_close(q);
	if ((size_t)snprintf(out, len, "%s", path) >= len)
		abort();
	free(path);
#else
	if ((size_t)snprintf(out, len, "%s.key", t->path) >= len)
		abort();
#endif
}

/* Removes the database (a file: its -wal, -shm and key files too). */
static inline void
tu_db_remove(const struct tu_db *t)
{
#if TU_PG
	char	sql[128];

	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    t->name);
	tu_pg_admin(sql);
#else
	static const char *const sides[] = { "", "-wal", "-shm", "-journal",
	    ".key" };
	char	buf[512];
	size_t	i;

	for (i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", t->path, sides[i]);
		unlink(buf);
	}
#endif
}

/*
 * Removes the database, its side files and the directory (with the keys
 * of PostgreSQL's databases in it: the tests' and their siblings').
 */
static inline void
tu_db_cleanup(struct tu_db *t)
{
#if TU_PG
	DIR		*d;
	struct dirent	*e;
	char		 buf[512];
	size_t		 n;

	if ((d = opendir(t->dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			n = strlen(e->d_name);
			if (n < 4 || strcmp(e->d_name + n - 4, ".key") != 0)
				continue;
			snprintf(buf, sizeof buf, "%s/%s", t->dir, e->d_name);
			unlink(buf);
		}
		closedir(d);
	}
#endif
	tu_db_remove(t);
	if (rmdir(t->dir) != 0)
		fprintf(stderr, "rmdir %s: %s\n", t->dir, strerror(errno));
}

static inline int
tu_exists(const char *path)
{
	struct stat	sb;

	return (lstat(path, &sb) == 0);
}

/* Reads a whole file, NUL-terminated; NULL if it cannot be read. */
static inline char *
tu_read_file(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[8192];

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		char *nbuf = realloc(buf, len + n + 1);

		if (nbuf == NULL) {
			free(buf);
			fclose(f);
			return (NULL);
		}
		buf = nbuf;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return (NULL);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static inline int
tu_write_file(const char *path, const char *data, size_t len)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "wb")) == NULL)
		return (-1);
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = 0;
	return (ok ? 0 : -1);
}

/* Whether path holds exactly len bytes equal to data. */
static inline int
tu_file_equals(const char *path, const char *data, size_t len)
{
	char	*buf;
	size_t	 n;
	int	 same;

	if ((buf = tu_read_file(path, &n)) == NULL)
		return (0);
	same = n == len && memcmp(buf, data, len) == 0;
	free(buf);
	return (same);
}

static inline void
tu_copy_file(const char *from, const char *to)
{
	char	*buf;
	size_t	 len;

	if ((buf = tu_read_file(from, &len)) == NULL ||
	    tu_write_file(to, buf, len) != 0) {
		fprintf(stderr, "copy %s to %s: %s\n", from, to,
		    strerror(errno));
		abort();
	}
	free(buf);
}

#if TU_PG
/* The one key in a database's directory (it has no sibling). */
static inline void
tu_pg_only_key(const struct tu_db *t, char *out, size_t len)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n;
	int		 found = 0;

	if ((d = opendir(t->dir)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 4, ".key") != 0)
			continue;
		if (found++ > 0 || (size_t)snprintf(out, len, "%s/%s", t->dir,
		    e->d_name) >= len)
			abort();
	}
	closedir(d);
	if (!found) {
		fprintf(stderr, "no key in %s\n", t->dir);
		abort();
	}
}
#endif

/*
 * A new database to, a copy of the closed database from and its signing
 * key, as a backup would make.
 */
static inline void
tu_db_init_copy(struct tu_db *to, const struct tu_db *from)
{
	char	kfrom[512], kto[512];

	tu_db_dir(to);
#if TU_PG
	{
		char extra[128];

		/*
		 * Found without connecting to from: CREATE DATABASE waits
		 * for its template's connections to end.
		 */
		tu_pg_only_key(from, kfrom, sizeof kfrom);
		snprintf(extra, sizeof extra, " TEMPLATE %s", from->name);
		tu_pg_newdb(to->name, extra, to->path, sizeof to->path);
	}
#else
	tu_key_path(from, kfrom, sizeof kfrom);
	snprintf(to->path, sizeof to->path, "%s/test.db", to->dir);
	tu_copy_file(from->path, to->path);
#endif
	tu_key_path(to, kto, sizeof kto);
	tu_copy_file(kfrom, kto);
}

/*
 * The database a group of tests starts from, each test on a copy of it
 * (tu_db_init_copy): a group's setup makes it with tu_group_db_new, and
 * tu_group_db_free is the group's teardown.
 */
static inline struct tu_db *
tu_group_db_new(void)
{
	struct tu_db *g;

	if ((g = calloc(1, sizeof *g)) == NULL)
		abort();
	tu_db_init(g);
	return (g);
}

static inline int
tu_group_db_free(void **state)
{
	struct tu_db *g = *state;

	tu_db_cleanup(g);
	free(g);
	return (0);
}

#if !TU_PG
static inline sqlite3 *
tu_sqlite_open(const char *path)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite3_open %s: %s\n", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		abort();
	}
	sqlite3_busy_timeout(db, 5000);
	return (db);
}
#endif

/*
 * Runs sql (one or more statements). Returns TU_OK, or not; on failure, if
 * errmsg is not NULL, stores a copy of the message (free it).
 */
static inline int
tu_sql_exec(const char *path, const char *sql, char **errmsg)
{
#if TU_PG
	PGconn		*c;
	PGresult	*res;
	int		 rc = TU_OK;

	if (errmsg != NULL)
		*errmsg = NULL;
	if ((c = tu_pg_connect(path)) == NULL)
		abort();
	res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = 1;
		if (errmsg != NULL)
			*errmsg = strdup(PQresultErrorMessage(res));
	}
	PQclear(res);
	PQfinish(c);
	return (rc);
#else
	sqlite3	*db = tu_sqlite_open(path);
	char	*msg = NULL;
	int	 rc;

	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (errmsg != NULL)
		*errmsg = msg != NULL ? strdup(msg) : NULL;
	sqlite3_free(msg);
	sqlite3_close(db);
	return (rc == SQLITE_OK ? TU_OK : rc);
#endif
}

/*
 * Another process's transaction, open until tu_txn_end: on SQLite it holds
 * the write lock (BEGIN IMMEDIATE); sql, when not NULL, runs in it.
 */
static inline void *
tu_txn_begin(const char *path, const char *sql)
{
	char	*all, *err = NULL;
	size_t	 len = (sql != NULL ? strlen(sql) : 0) + 32;
	int	 rc;
#if TU_PG
	PGconn	*c;
	PGresult *res;
#else
	sqlite3	*c;
#endif

	if ((all = malloc(len)) == NULL)
		abort();
	snprintf(all, len, "%s; %s", TU_SQL("BEGIN IMMEDIATE", "BEGIN"),
	    sql != NULL ? sql : "");
#if TU_PG
	if ((c = tu_pg_connect(path)) == NULL)
		abort();
	res = PQexec(c, all);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK ? TU_OK : 1;
	if (rc != TU_OK)
		err = strdup(PQresultErrorMessage(res));
	PQclear(res);
#else
	c = tu_sqlite_open(path);
	rc = sqlite3_exec(c, all, NULL, NULL, &err);
#endif
	if (rc != TU_OK) {
		fprintf(stderr, "%s: %s\n", all, err);
		abort();
	}
	free(all);
	return (c);
}

/* Rolls the transaction back and ends its connection. */
static inline void
tu_txn_end(void *c)
{
#if TU_PG
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
#else
	sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(c);
#endif
}

/*
 * Runs sql with the append-only guards out of the way, as someone who owns
 * the database could: on SQLite the named triggers (separated by spaces)
 * are dropped first; on PostgreSQL the session turns off every trigger and
 * foreign key check (session_replication_role, as the superuser the tests
 * connect as), leaving the guards in place.
 */
static inline int
tu_sql_exec_unguarded(const char *path, const char *guards, const char *sql,
    char **errmsg)
{
	char		*all;
	size_t		 len, o = 0;
	const char	*g = guards;
	size_t		 n;
	int		 rc;

	len = strlen(guards) * 2 + strlen(sql) + 64;
	if ((all = malloc(len)) == NULL)
		abort();
	all[0] = '\0';
	if (TU_PG)
		o = (size_t)snprintf(all, len,
		    "SET session_replication_role = replica; ");
	else {
		while (*(g += strspn(g, " ")) != '\0') {
			n = strcspn(g, " ");
			o += (size_t)snprintf(all + o, len - o,
			    "DROP TRIGGER IF EXISTS %.*s; ", (int)n, g);
			g += n;
		}
	}
	snprintf(all + o, len - o, "%s", sql);
	rc = tu_sql_exec(path, all, errmsg);
	free(all);
	return (rc);
}

/*
 * Calls fn with each row of the query (NULL for SQL NULL), until it returns
 * non-zero. PostgreSQL runs every statement of sql and gives the last one's
 * rows; SQLite only the first. Returns 0, or -1 if the query failed.
 */
#define TU_MAX_COLS	32
typedef int	tu_row_fn(void *, int ncols, const char *const *values);

static inline int
tu_sql_each(const char *path, const char *sql, tu_row_fn *fn, void *arg)
{
	const char	*v[TU_MAX_COLS];
	int		 i, n;
#if TU_PG
	PGconn		*c;
	PGresult	*res;
	int		 row, rc = 0;

	if ((c = tu_pg_connect(path)) == NULL)
		abort();
	res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(res));
		rc = -1;
	}
	n = rc == 0 ? PQnfields(res) : 0;
	if (n > TU_MAX_COLS)
		abort();
	for (row = 0; rc == 0 && row < PQntuples(res); row++) {
		for (i = 0; i < n; i++)
			v[i] = PQgetisnull(res, row, i) ? NULL :
			    PQgetvalue(res, row, i);
		if (fn(arg, n, v) != 0)
			break;
	}
	PQclear(res);
	PQfinish(c);
	return (rc);
#else
	sqlite3		*db = tu_sqlite_open(path);
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (-1);
	}
	if ((n = sqlite3_column_count(st)) > TU_MAX_COLS)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(arg, n, v) != 0)
			break;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (0);
#endif
}

/* The first row's first column, copied; the row was there (or not). */
struct tu_first {
	char	*value;
	int	 found;
};

static inline int
tu_sql_first_row(void *arg, int ncols, const char *const *v)
{
	struct tu_first *f = arg;

	f->found = 1;
	if (ncols > 0 && v[0] != NULL && (f->value = strdup(v[0])) == NULL)
		abort();
	return (1);
}

/* The first column of the first row as text (free it); NULL if none. */
static inline char *
tu_sql_text(const char *path, const char *sql)
{
	struct tu_first f = { NULL, 0 };

	tu_sql_each(path, sql, tu_sql_first_row, &f);
	return (f.value);
}

/*
 * The first column of the first row as an integer (a boolean is 1 or 0);
 * -1 if there is none.
 */
static inline int64_t
tu_sql_int(const char *path, const char *sql)
{
	char	*s = tu_sql_text(path, sql);
	int64_t	 v;

	if (s == NULL)
		return (-1);
	v = strcmp(s, "t") == 0 ? 1 : strtoll(s, NULL, 10);
	free(s);
	return (v);
}

struct tu_rows {
	char	*out;
	size_t	 len, size;
};

static inline int
tu_sql_add_row(void *arg, int ncols, const char *const *v)
{
	struct tu_rows	*r = arg;
	const char	*s;
	size_t		 n;
	int		 i;

	for (i = 0; i < ncols; i++) {
		s = v[i] != NULL ? v[i] : "NULL";
		n = strlen(s) + 2;
		while (r->len + n + 2 > r->size) {
			r->size *= 2;
			if ((r->out = realloc(r->out, r->size)) == NULL)
				abort();
		}
		r->len += (size_t)snprintf(r->out + r->len, r->size - r->len,
		    "%s%s", i > 0 ? "|" : "", s);
	}
	r->out[r->len++] = '\n';
	r->out[r->len] = '\0';
	return (0);
}

/*
 * Every row of the query, columns separated by '|' and rows by '\n' (free
 * it); NULL if the query fails.
 */
static inline char *
tu_sql_rows(const char *path, const char *sql)
{
	struct tu_rows r = { NULL, 0, 256 };

	if ((r.out = malloc(r.size)) == NULL)
		abort();
	r.out[0] = '\0';
	if (tu_sql_each(path, sql, tu_sql_add_row, &r) != 0) {
		free(r.out);
		return (NULL);
	}
	return (r.out);
}

#if TU_PG
/* Whether the database takes connections: down, as far as hitl can tell. */
static inline void
tu_pg_allow_connections(const struct tu_db *t, int allow)
{
	char	sql[128];

	snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS %s",
	    t->name, allow ? "true" : "false");
	tu_pg_admin(sql);
}
#else
#define tu_pg_allow_connections(t, allow) abort()
#endif

/*
 * PostgreSQL: ends every other connection to the database at path, as a
 * restart of the server would, once they are gone; returns how many there
 * were. (Nothing outside a process ends its connection to a file.)
 */
static inline int64_t
tu_pg_disconnect_others(const char *path)
{
	if (!TU_PG)
		abort();
	/* OFFSET 0: the others are chosen before any is ended. */
	return (tu_sql_int(path, "SELECT count(*) FROM (SELECT pid FROM "
	    "pg_stat_activity WHERE datname = current_database() AND "
	    "backend_type = 'client backend' AND pid <> pg_backend_pid() "
	    "OFFSET 0) AS others WHERE pg_terminate_backend(pid, 10000)"));
}

#endif
