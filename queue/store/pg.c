/*
 * The PostgreSQL backend (libpq): one queue in the schema "hitl" of a
 * server's database, for teams on many hosts. Writes that record events
 * lock the log's head row first, so events keep one total order as on
 * SQLite; claims take no such lock and skip rows others hold (SKIP LOCKED).
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

/*
 * libpq is loaded when a server's database is first opened, not when hitl
 * starts: it brings some twenty libraries (TLS, Kerberos, LDAP) whose
 * loading would double the start-up of every command on a SQLite file.
 * Each function this file calls is reached through a pointer of its own
 * type; the names below stand for the pointers.
 */
#define PG_LIBPQ_FUNCS \
	X(PQclear) X(PQstatus) X(PQresultStatus) X(PQexec) X(PQgetvalue) \
	X(PQresultErrorField) X(PQntuples) X(PQsetNoticeProcessor) \
	X(PQgetisnull) X(PQfinish) X(PQexecParams) X(PQerrorMessage) \
	X(PQsocket) X(PQresultErrorMessage) X(PQreset) X(PQprepare) X(PQport) \
	X(PQhost) X(PQgetlength) X(PQfreemem) X(PQexecPrepared) \
	X(PQescapeIdentifier) X(PQdb) X(PQconninfoFree) X(PQconninfo) \
	X(PQconnectStart) X(PQconnectPoll) X(PQcmdTuples) X(PQcmdStatus)
#define X(f) static __typeof__(f) *pg_##f;
PG_LIBPQ_FUNCS
#undef X
#define PQclear pg_PQclear
#define PQstatus pg_PQstatus
#define PQresultStatus pg_PQresultStatus
#define PQexec pg_PQexec
#define PQgetvalue pg_PQgetvalue
#define PQresultErrorField pg_PQresultErrorField
#define PQntuples pg_PQntuples
#define PQsetNoticeProcessor pg_PQsetNoticeProcessor
#define PQgetisnull pg_PQgetisnull
#define PQfinish pg_PQfinish
#define PQexecParams pg_PQexecParams
#define PQerrorMessage pg_PQerrorMessage
#define PQsocket pg_PQsocket
#define PQresultErrorMessage pg_PQresultErrorMessage
#define PQreset pg_PQreset
#define PQprepare pg_PQprepare
#define PQport pg_PQport
#define PQhost pg_PQhost
#define PQgetlength pg_PQgetlength
#define PQfreemem pg_PQfreemem
#define PQexecPrepared pg_PQexecPrepared
#define PQescapeIdentifier pg_PQescapeIdentifier
#define PQdb pg_PQdb
#define PQconninfoFree pg_PQconninfoFree
#define PQconninfo pg_PQconninfo
#define PQconnectStart pg_PQconnectStart
#define PQconnectPoll pg_PQconnectPoll
#define PQcmdTuples pg_PQcmdTuples
#define PQcmdStatus pg_PQcmdStatus

#include "internal.h"
#include "pg.h"
#include "xmalloc.h"

/* Rows a scan fetches from its cursor at a time. */
#define PG_FETCH	512
#define PG_MAX_PARAMS	64
#define PG_TEXTOID	25	/* pg_type.h: text */

struct pg_conn {
	PGconn		*conn;
	int64_t		 changes;	/* rows the last statement changed */
	int64_t		 last_id;	/* what it returned (STORE_NEW_ID) */
	int		 have_last_id;
	int		 locked;	/* this transaction holds the log */
	int		 in_txn;
	unsigned int	 generation;	/* counts reconnections */
	unsigned int	 next_name;
};

struct pg_stmt {
	struct store_stmt	 base;
	char			 name[24];	/* its prepared statement */
	unsigned int		 generation;	/* prepared on this connection */
	char			*text;		/* with $N parameters */
	int			 nparams;
	Oid			*types;		/* 0: the server infers it */
	int			 scan;		/* stream through a cursor */
	int			 new_id;	/* returns the new row's id */
	char			**values;
	PGresult		*res;
	int			 row, nrows;
	int			 cursor;	/* a cursor is open */
	int			 done;
};

#define PG_CONN(q)	((struct pg_conn *)(q)->conn)
#define PG_STMT(s)	((struct pg_stmt *)(s))

/*
 * The server's message: its primary text and detail, without the severity,
 * the context (the function a trigger ran, say) and the hint that libpq's
 * whole message has on lines of their own; else libpq's, for a connection
 * that failed.
 */
static const char *
pg_message(PGconn *c, const PGresult *res)
{
	const char	*m = NULL, *d = NULL;
	static char	 buf[512];
	size_t		 n;

	if (res != NULL) {
		m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		d = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	}
	if (m == NULL || *m == '\0') {
		m = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(c);
		d = NULL;
	}
	if (m == NULL || *m == '\0')
		m = c != NULL ? PQerrorMessage(c) : "unknown error";
	if (d != NULL && *d != '\0')
		snprintf(buf, sizeof buf, "%s (%s)", m, d);
	else
		snprintf(buf, sizeof buf, "%s", m);
	/* libpq ends its messages with a newline. */
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (buf);
}

/*
 * Maps a failed statement (or a lost connection) to a sysexits code and a
 * message the user can act on.
 */
static int
pg_error(struct queue *q, const PGresult *res, const char *what,
    char **cause)
{
	PGconn		*c = PG_CONN(q)->conn;
	const char	*state = NULL, *msg = pg_message(c, res);

	if (res != NULL)
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (PQstatus(c) == CONNECTION_BAD || state == NULL ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) {
		xasprintf(cause, "%s: the database server is unreachable at %s "
		    "(%s); nothing was changed: try again once it is back",
		    what, q->path, msg);
		return (EX_TEMPFAIL);
	}
	/* The busy timeout (lock_timeout) ran out, as SQLite's says. */
	if (strcmp(state, "55P03") == 0) {
		xasprintf(cause, "%s: the database %s is busy: another "
		    "process held it longer than the busy timeout (%d ms); "
		    "nothing was changed: try again", what, q->path,
		    q->busy_timeout_ms);
		return (EX_TEMPFAIL);
	}
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		xasprintf(cause, "%s: the database was busy with another "
		    "writer (%s); nothing was changed: try again", what, msg);
		return (EX_TEMPFAIL);
	}
	if (strcmp(state, "53100") == 0) {
		xasprintf(cause, "%s: the database server's disk is full; "
		    "nothing was changed, free some space and try again", what);
		return (EX_IOERR);
	}
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0) {
		xasprintf(cause, "%s: the database server failed: %s", what,
		    msg);
		return (EX_IOERR);
	}
	/* A standby, or a database whose transactions are read-only. */
	if (strcmp(state, "25006") == 0) {
		xasprintf(cause, "%s: cannot write to %s: the server takes only "
		    "reads there (%s)", what, q->path, msg);
		return (EX_CANTCREAT);
	}
	if (strcmp(state, "42501") == 0) {
		xasprintf(cause, "%s: the database refused it: %s (the role "
		    "hitl connects as lacks the privilege)", what, msg);
		return (EX_NOPERM);
	}
	/*
	 * A constraint, or a trigger that raised an exception (P0001, as
	 * RAISE does unless told otherwise): the database refused the data,
	 * as SQLite's constraints and RAISE(ABORT) do.
	 */
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0) {
		xasprintf(cause, "%s: %s", what, msg);
		return (EX_DATAERR);
	}
	if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0) {
		xasprintf(cause, "%s: the database at %s is damaged (%s); hitl "
		    "repairs nothing: restore it from a backup", what, q->path,
		    msg);
		return (EX_DATAERR);
	}
	xasprintf(cause, "%s: %s", what, msg);
	return (EX_SOFTWARE);
}

/* Runs SQL text (no parameters); returns 0 or the error's code. */
static int
pg_exec(struct queue *q, const char *sql, char **cause)
{
	PGresult	*res;
	char		*why = NULL;
	int		 rc = 0;

	res = PQexec(PG_CONN(q)->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* A caller cleaning up after a failure (NULL) needs no why. */
		rc = pg_error(q, res, "database", cause != NULL ? cause : &why);
		free(why);
	}
	PQclear(res);
	return (rc);
}

/* One value of a one-row, one-column query, or NULL; the caller frees. */
static int
pg_value(struct queue *q, const char *sql, char **out, char **cause)
{
	PGresult	*res;
	int		 rc = 0;

	*out = NULL;
	res = PQexec(PG_CONN(q)->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(q, res, "open", cause);
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		*out = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (rc);
}

/* A notice from the server (CREATE ... IF NOT EXISTS says it skipped). */
static void
pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int
pg_session(struct queue *q, char **cause)
{
	PGresult	*res;
	char		 ms[32];
	const char	*param = ms;
	int		 rc;

	PQsetNoticeProcessor(PG_CONN(q)->conn, pg_notice, NULL);
	/*
	 * Only hitl's schema and the catalog are searched: nothing another
	 * role created elsewhere can stand in for hitl's tables.
	 */
	if ((rc = pg_exec(q, "SET search_path = hitl, pg_catalog", cause)) != 0)
		return (rc);
	if ((rc = pg_exec(q, "SET client_encoding = 'UTF8'", cause)) != 0)
		return (rc);
	/*
	 * The busy timeout: a writer waits that long for another's locks (the
	 * log's head row, an item's), as SQLite's writers wait for its lock,
	 * then gives up (55P03: busy, try again).
	 */
	snprintf(ms, sizeof ms, "%dms", q->busy_timeout_ms);
	res = PQexecParams(PG_CONN(q)->conn,
	    "SELECT set_config('lock_timeout', $1, false)", 1, NULL, &param,
	    NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(q, res, "open", cause);
	PQclear(res);
	return (rc);
}

static int	pg_set_owner(struct queue *, char **);
static int	pg_make_schema(struct queue *, char **);

static int
pg_latest(void)
{
	return (pg_migrations[pg_nmigrations - 1].version);
}

/*
 * Refuses a schema "hitl" that is not ours or that a newer hitl wrote; a
 * database without one is acceptable only when creating.
 */
static int
pg_check_identity(struct queue *q, int create, int *created, char **cause)
{
	char	*v = NULL;
	int	 rc;

	if ((rc = pg_value(q, "SELECT to_regclass('hitl.migrations') IS NOT "
	    "NULL", &v, cause)) != 0)
		return (rc);
	if (v == NULL || strcmp(v, "t") != 0) {
		free(v);
		if ((rc = pg_value(q, "SELECT 1 FROM pg_namespace WHERE "
		    "nspname = 'hitl'", &v, cause)) != 0)
			return (rc);
		if (v != NULL) {
			free(v);
			xasprintf(cause, "%s has a schema \"hitl\" that is not "
			    "a hitl queue; it was left untouched", q->path);
			return (EX_DATAERR);
		}
		if (!create) {
			xasprintf(cause, "no hitl queue at %s: create one with "
			    "'hitl init' or name another with --db", q->path);
			return (EX_NOINPUT);
		}
		/* pg_migrate makes the schema, in its transaction. */
		*created = 1;
		q->schema = 0;
		return (0);
	}
	free(v);
	if ((rc = pg_value(q, "SELECT coalesce(max(version), 0) FROM "
	    "hitl.migrations", &v, cause)) != 0)
		return (rc);
	q->schema = v != NULL ? atoi(v) : 0;
	free(v);
	if (q->schema > pg_latest()) {
		xasprintf(cause, "%s was written by a newer hitl (schema "
		    "version %d; this hitl knows up to %d): upgrade hitl; "
		    "the database was left untouched", q->path, q->schema,
		    pg_latest());
		return (EX_DATAERR);
	}
	return (0);
}

/* The connection's connect_timeout, in milliseconds (-1: none). */
static int
pg_connect_timeout(PGconn *c)
{
	PQconninfoOption	*o, *all;
	int			 ms = -1;

	if ((all = PQconninfo(c)) == NULL)
		return (-1);
	for (o = all; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "connect_timeout") == 0 &&
		    o->val != NULL && atoi(o->val) > 0)
			ms = atoi(o->val) * 1000;
	}
	PQconninfoFree(all);
	return (ms);
}

/*
 * Connects with hitl's notice processor in place from the start: a notice
 * the server sends while the connection starts (that it truncated the
 * application_name, say) quotes the URI, which may hold anything, and
 * libpq's own processor would print it raw. As PQconnectdb does, but for
 * that: the connect_timeout is kept, for the whole connection.
 */
static PGconn *
pg_connect(const char *uri, int *timed_out)
{
	PostgresPollingStatusType	 st = PGRES_POLLING_WRITING;
	PGconn				*c;
	struct pollfd			 pfd;
	struct timespec			 t0, t;
	int				 ms, left, n;

	*timed_out = 0;
	if ((c = PQconnectStart(uri)) == NULL)
		return (NULL);
	PQsetNoticeProcessor(c, pg_notice, NULL);
	ms = pg_connect_timeout(c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (PQstatus(c) != CONNECTION_BAD && st != PGRES_POLLING_OK &&
	    st != PGRES_POLLING_FAILED) {
		left = -1;
		if (ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
			    (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left < 0)
				left = 0;
		}
		pfd.fd = PQsocket(c);
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, left)) == -1 && errno == EINTR)
			continue;
		if (n == 0) {
			PQfinish(c);
			*timed_out = 1;
			return (NULL);
		}
		st = PQconnectPoll(c);
	}
	return (c);
}

/*
 * Why a server refused a connection, as an exit code: a database or login
 * that does not exist (66) and a refused authentication (77) will not go
 * away by trying again, as an unreachable server (75) may. libpq gives no
 * SQLSTATE for a failed start, so this reads the server's words; a server
 * that speaks another language gets 75 and its own words.
 */
static const struct {
	const char	*says;
	int		 code;
	const char	*remedy;
} pg_refusals[] = {
	{ "does not exist", EX_NOINPUT,
	  "check the URI's database and user names (hitl init creates the "
	  "schema in a database that exists: createdb makes one)" },
	{ "authentication failed", EX_NOPERM,
	  "check the password or the server's pg_hba.conf" },
	{ "no pg_hba.conf entry", EX_NOPERM,
	  "the server's pg_hba.conf does not let this login in" },
	{ "permission denied", EX_NOPERM,
	  "the login may not connect to this database (GRANT CONNECT)" },
};

static int
pg_connect_failed(struct queue *q, char **cause)
{
	const char	*m = pg_message(PG_CONN(q)->conn, NULL);
	size_t		 i;

	for (i = 0; i < sizeof pg_refusals / sizeof pg_refusals[0]; i++) {
		if (strstr(m, pg_refusals[i].says) == NULL)
			continue;
		xasprintf(cause, "cannot connect to %s: %s; %s", q->path, m,
		    pg_refusals[i].remedy);
		return (pg_refusals[i].code);
	}
	xasprintf(cause, "cannot connect to %s: the database server is "
	    "unreachable (%s): try again once it is back", q->path, m);
	return (EX_TEMPFAIL);
}

/* Loads libpq, once: 0, or EX_UNAVAILABLE saying what to install. */
static int
pg_load(char **cause)
{
	static void	*lib;
	const char	*missing = NULL;

	if (lib != NULL)
		return (0);
	if ((lib = dlopen(PG_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		xasprintf(cause, "PostgreSQL's client library cannot be "
		    "loaded (%s): install the Debian package libpq5", dlerror());
		return (EX_UNAVAILABLE);
	}
	/* POSIX's way to store a function's address dlsym found. */
#define X(f) \
	if (missing == NULL && (*(void **)&pg_##f = dlsym(lib, #f)) == NULL) \
		missing = #f;
	PG_LIBPQ_FUNCS
#undef X
	if (missing != NULL) {
		xasprintf(cause, "%s lacks %s: hitl needs libpq 13 or later",
		    PG_LIBPQ_SONAME, missing);
		dlclose(lib);
		lib = NULL;
		return (EX_UNAVAILABLE);
	}
	return (0);
}

static int
pg_open(struct queue *q, int flags, int *created, char **cause)
{
	struct pg_conn	*c;
	int		 rc, timed_out;

	*created = 0;
	if ((rc = pg_load(cause)) != 0)
		return (rc);
	q->conn = c = xcalloc(1, sizeof *c);
	if ((c->conn = pg_connect(q->open_path, &timed_out)) == NULL) {
		/* libpq's words, as PQconnectdb says them. */
		xasprintf(cause, "cannot connect to %s: %s", q->path,
		    timed_out ? "timeout expired" : "out of memory");
		return (EX_TEMPFAIL);
	}
	if (PQstatus(c->conn) != CONNECTION_OK)
		return (pg_connect_failed(q, cause));
	if ((rc = pg_session(q, cause)) != 0)
		return (rc);
	return (pg_check_identity(q, flags & QUEUE_OPEN_CREATE, created,
	    cause));
}

static void
pg_close(struct queue *q)
{
	struct pg_conn *c = q->conn;

	if (c == NULL)
		return;
	PQfinish(c->conn);
	free(c);
	q->conn = NULL;
}

/* Whether a URI's parameter (n bytes, %XX decoded) is "password". */
static int
pg_is_password(const char *key, size_t n)
{
	static const char	 want[] = "password";
	char			 k[sizeof want], hex[3];
	size_t			 i, o = 0;

	for (i = 0; i < n; i++) {
		if (o == sizeof want - 1)
			return (0);
		if (key[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)key[i + 1]) &&
		    isxdigit((unsigned char)key[i + 2])) {
			hex[0] = key[i + 1];
			hex[1] = key[i + 2];
			hex[2] = '\0';
			k[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			k[o++] = key[i];
	}
	k[o] = '\0';
	return (strcmp(k, want) == 0);
}

/*
 * A server's URI as messages show it: any password in it (user:PASSWORD@,
 * password=PASSWORD), read as libpq reads it, becomes "***".
 */
static char *
pg_label(const char *uri)
{
	const char	*p, *auth, *colon, *end;
	char		*out;
	size_t		 o = 0, n;

	/* Each "***" may stand for less: 3 more bytes at most per byte. */
	out = xmalloc(strlen(uri) * 4 + 1);
	if ((p = strstr(uri, "://")) == NULL) {
		strcpy(out, uri);
		return (out);
	}
	auth = p += 3;
	/* The user's part ends at the first @, if it comes before a /. */
	while (*p != '\0' && *p != '@' && *p != '/')
		p++;
	if (*p == '@' && (colon = memchr(auth, ':', (size_t)(p - auth))) !=
	    NULL) {
		o = (size_t)(colon + 1 - uri);
		memcpy(out, uri, o);
		memcpy(out + o, "***", 3);
		o += 3;
	} else {
		o = (size_t)(p - uri);
		memcpy(out, uri, o);
	}
	/* The parameters: after the first ?, separated by &. */
	n = strcspn(p, "?");
	memcpy(out + o, p, n);
	o += n;
	p += n;
	while (*p != '\0') {
		out[o++] = *p++;	/* ? or & */
		end = p + strcspn(p, "&");
		n = strcspn(p, "=&");
		if (p[n] == '=' && pg_is_password(p, n)) {
			memcpy(out + o, p, n + 1);
			o += n + 1;
			memcpy(out + o, "***", 3);
			o += 3;
		} else {
			memcpy(out + o, p, (size_t)(end - p));
			o += (size_t)(end - p);
		}
		p = end;
	}
	out[o] = '\0';
	return (out);
}

/* A schema the open made but could not finish is left for its owner. */
static void
pg_unmake(struct queue *q)
{
	(void)q;
}

/*
 * The key of a server's queue is not beside a file: it lives in the key
 * directory hitl is given (per user, or the shared install's), named after
 * the server and database, and must be copied to every host that reviews.
 */
static char *
pg_key_path(struct queue *q)
{
	PGconn		*c = PG_CONN(q) != NULL ? PG_CONN(q)->conn : NULL;
	const char	*host = c != NULL ? PQhost(c) : NULL;
	const char	*port = c != NULL ? PQport(c) : NULL;
	const char	*db = c != NULL ? PQdb(c) : NULL;
	char		*name, *p;

	xasprintf(&name, "%s-%s-%s", host != NULL && *host != '\0' ? host :
	    "local", port != NULL && *port != '\0' ? port : "5432",
	    db != NULL ? db : "postgres");
	for (p = name; *p != '\0'; p++) {
		if (*p == '/' || *p == '.' || *p == ' ' || *p == ':')
			*p = '_';
	}
	xasprintf(&p, "%s/%s%s", q->keydir != NULL ? q->keydir : ".", name,
	    SIGN_KEY_SUFFIX);
	free(name);
	return (p);
}

/*
 * Once a connection was lost, the next transaction tries it again; the
 * statements prepared on the old one are prepared again when next used.
 */
static int
pg_reconnect(struct queue *q, char **cause)
{
	struct pg_conn *c = PG_CONN(q);

	if (PQstatus(c->conn) == CONNECTION_OK)
		return (0);
	PQreset(c->conn);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		xasprintf(cause, "the database server is unreachable at %s "
		    "(%s): try again once it is back", q->path,
		    pg_message(c->conn, NULL));
		return (EX_TEMPFAIL);
	}
	c->generation++;
	return (pg_session(q, cause));
}

/* Reads see one snapshot; writes see what committed before them. */
static const char pg_begin_read[] =
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

static int
pg_begin(struct queue *q, int how, char **cause)
{
	struct pg_conn	*c = PG_CONN(q);
	int		 rc;

	if ((rc = pg_reconnect(q, cause)) != 0)
		return (rc);
	if ((rc = pg_exec(q, how == STORE_READ ? pg_begin_read : "BEGIN",
	    cause)) == EX_TEMPFAIL && PQstatus(c->conn) == CONNECTION_BAD) {
		/* The server went away since the last transaction: anew. */
		free(*cause);
		*cause = NULL;
		if ((rc = pg_reconnect(q, cause)) == 0)
			rc = pg_exec(q, how == STORE_READ ? pg_begin_read :
			    "BEGIN", cause);
	}
	if (rc != 0)
		return (rc);
	c->in_txn = 1;
	c->locked = 0;
	if (how == STORE_WRITE && (rc = pg_lock_log(q, cause)) != 0) {
		pg_exec(q, "ROLLBACK", NULL);
		c->in_txn = 0;
	}
	return (rc);
}

/*
 * Writes that record events take the log's head row, and hold it to their
 * commit: one after another, as SQLite's writers are.
 */
int
pg_lock_log(struct queue *q, char **cause)
{
	struct pg_conn	*c = PG_CONN(q);
	int		 rc;

	if (c->locked)
		return (0);
	if ((rc = pg_exec(q, "SELECT one FROM audit_head FOR UPDATE",
	    cause)) != 0)
		return (rc);
	c->locked = 1;
	return (0);
}

static int
pg_commit(struct queue *q, char **cause)
{
	struct pg_conn	*c = PG_CONN(q);
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(c->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQstatus(c->conn) == CONNECTION_BAD) {
		/*
		 * The server may have committed before the connection went:
		 * only the record can tell, so say so rather than "nothing
		 * was changed".
		 */
		xasprintf(cause, "commit: the connection to the database "
		    "server was lost while committing (%s); whether this "
		    "change was recorded is unknown: look (hitl show ITEM, "
		    "hitl audit log --item ITEM) before doing it again",
		    pg_message(c->conn, res));
		rc = EX_TEMPFAIL;
	} else if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_error(q, res, "commit", cause);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* The transaction had failed already. */
		xasprintf(cause, "commit: the transaction was rolled back");
		rc = EX_SOFTWARE;
	}
	PQclear(res);
	c->in_txn = 0;
	c->locked = 0;
	return (rc);
}

static void
pg_rollback(struct queue *q)
{
	struct pg_conn *c = PG_CONN(q);

	if (c->in_txn && PQstatus(c->conn) == CONNECTION_OK)
		PQclear(PQexec(c->conn, "ROLLBACK"));
	c->in_txn = 0;
	c->locked = 0;
}

/*
 * Portable SQL to PostgreSQL's: ?N becomes $N and a bare ? the next one;
 * text in quotes is copied as it is; the few functions SQLite names
 * otherwise get PostgreSQL's name.
 */
static char *
pg_translate(const char *sql, int flags, int *nparams, unsigned char used[],
    size_t nused)
{
	static const struct {
		const char	*from, *to;
	} names[] = {
		{ "instr(", "strpos(" },
	};
	const char	*p;
	char		*out;
	size_t		 o = 0, cap = strlen(sql) * 2 + 32, i;
	int		 next = 0, n, max = 0;

	out = xmalloc(cap);
	for (p = sql; *p != '\0';) {
		if (o + 32 > cap)
			out = xrealloc(out, cap *= 2);
		if (*p == '\'') {
			do {
				out[o++] = *p++;
				if (o + 2 > cap)
					out = xrealloc(out, cap *= 2);
			} while (*p != '\0' && *p != '\'');
			if (*p == '\'')
				out[o++] = *p++;
			continue;
		}
		if (*p == '?') {
			p++;
			if (*p >= '0' && *p <= '9') {
				n = 0;
				while (*p >= '0' && *p <= '9')
					n = n * 10 + (*p++ - '0');
			} else
				n = ++next;
			if (n > max)
				max = n;
			if (n >= 1 && (size_t)n <= nused)
				used[n - 1] = 1;
			o += (size_t)snprintf(out + o, cap - o, "$%d", n);
			continue;
		}
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (strncmp(p, names[i].from, strlen(names[i].from)) ==
			    0 && (p == sql || !(p[-1] == '_' ||
			    (p[-1] >= 'a' && p[-1] <= 'z'))))
				break;
		}
		if (i < sizeof names / sizeof names[0]) {
			memcpy(out + o, names[i].to, strlen(names[i].to));
			o += strlen(names[i].to);
			p += strlen(names[i].from);
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	if (flags & (STORE_FOR_UPDATE | STORE_SKIP_LOCKED)) {
		out = xrealloc(out, o + 32);
		strcat(out, (flags & STORE_SKIP_LOCKED) ?
		    " FOR UPDATE SKIP LOCKED" : " FOR UPDATE");
	} else if (flags & STORE_NEW_ID) {
		out = xrealloc(out, o + 32);
		strcat(out, " RETURNING id");
	}
	*nparams = max;
	return (out);
}

static struct store_stmt *
pg_prepare(struct queue *q, const char *sql, int flags, char **cause)
{
	struct pg_stmt	*s;
	unsigned char	 used[PG_MAX_PARAMS];
	int		 i;

	(void)cause;
	memset(used, 0, sizeof used);
	s = xcalloc(1, sizeof *s);
	s->text = pg_translate(sql, flags, &s->nparams, used, sizeof used);
	s->scan = (flags & STORE_SCAN) != 0;
	s->new_id = (flags & STORE_NEW_ID) != 0;
	s->values = xcalloc((size_t)s->nparams + 1, sizeof *s->values);
	/*
	 * A parameter the text does not use (a filter left out, say) has no
	 * type the server could infer: say it is text.
	 */
	s->types = xcalloc((size_t)s->nparams + 1, sizeof *s->types);
	for (i = 0; i < s->nparams && i < PG_MAX_PARAMS; i++)
		s->types[i] = used[i] ? 0 : PG_TEXTOID;
	snprintf(s->name, sizeof s->name, "hitl%u", PG_CONN(q)->next_name++);
	s->generation = (unsigned int)-1;
	s->row = -1;
	return (&s->base);
}

static void
pg_clear(struct pg_stmt *s)
{
	int i;

	for (i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
}

static void
pg_reset(struct store_stmt *base)
{
	struct pg_stmt	*s = PG_STMT(base);
	struct pg_conn	*c = PG_CONN(base->q);
	char		 sql[64];

	PQclear(s->res);
	s->res = NULL;
	if (s->cursor) {
		snprintf(sql, sizeof sql, "CLOSE c%s", s->name);
		if (PQstatus(c->conn) == CONNECTION_OK)
			PQclear(PQexec(c->conn, sql));
		s->cursor = 0;
	}
	s->row = -1;
	s->nrows = 0;
	s->done = 0;
	pg_clear(s);
}

static void
pg_finalize(struct store_stmt *base)
{
	struct pg_stmt *s = PG_STMT(base);

	pg_reset(base);
	free(s->values);
	free(s->types);
	free(s->text);
	free(s);
}

static void
pg_bind(struct store_stmt *base, int i, char *v)
{
	struct pg_stmt *s = PG_STMT(base);

	if (i < 1 || i > s->nparams) {
		free(v);
		return;
	}
	free(s->values[i - 1]);
	s->values[i - 1] = v;
}

static void
pg_bind_int(struct store_stmt *s, int i, int64_t v)
{
	char *t;

	xasprintf(&t, "%lld", (long long)v);
	pg_bind(s, i, t);
}

/* 17 significant digits: the double comes back the same. */
static void
pg_bind_real(struct store_stmt *s, int i, double v)
{
	char *t;

	xasprintf(&t, "%.17g", v);
	pg_bind(s, i, t);
}

static void
pg_bind_text(struct store_stmt *s, int i, const char *v, size_t len)
{
	pg_bind(s, i, len == (size_t)-1 ? xstrdup(v) : xstrndup(v, len));
}

static void
pg_bind_null(struct store_stmt *s, int i)
{
	pg_bind(s, i, NULL);
}

/* Fetches the next rows of a scan's cursor. */
static int
pg_fetch(struct queue *q, struct pg_stmt *s, const char *what, char **cause)
{
	char sql[64];

	PQclear(s->res);
	snprintf(sql, sizeof sql, "FETCH %d FROM c%s", PG_FETCH, s->name);
	s->res = PQexec(PG_CONN(q)->conn, sql);
	if (PQresultStatus(s->res) != PGRES_TUPLES_OK)
		return (pg_error(q, s->res, what, cause));
	s->nrows = PQntuples(s->res);
	s->row = 0;
	if (s->nrows < PG_FETCH)
		s->done = 1;
	return (0);
}

static int
pg_run(struct queue *q, struct pg_stmt *s, const char *what, char **cause)
{
	struct pg_conn	*c = PG_CONN(q);
	PGresult	*res;
	char		*sql, *tuples;
	int		 rc;

	/*
	 * A statement outside a transaction (a policy's refresh, say) may be
	 * the first to find the connection lost: it tries again, as a
	 * transaction's begin does. Inside one, a lost connection fails it.
	 */
	if (!c->in_txn && (rc = pg_reconnect(q, cause)) != 0)
		return (rc);
	if (s->scan && c->in_txn) {
		xasprintf(&sql, "DECLARE c%s NO SCROLL CURSOR FOR %s", s->name,
		    s->text);
		res = PQexecParams(c->conn, sql, s->nparams, s->types,
		    (const char *const *)s->values, NULL, NULL, 0);
		free(sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = pg_error(q, res, what, cause);
			PQclear(res);
			return (rc);
		}
		PQclear(res);
		s->cursor = 1;
		return (pg_fetch(q, s, what, cause));
	}
	if (s->generation != c->generation) {
		res = PQprepare(c->conn, s->name, s->text, s->nparams,
		    s->types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = pg_error(q, res, what, cause);
			PQclear(res);
			return (rc);
		}
		PQclear(res);
		s->generation = c->generation;
	}
	s->res = PQexecPrepared(c->conn, s->name, s->nparams,
	    (const char *const *)s->values, NULL, NULL, 0);
	switch (PQresultStatus(s->res)) {
	case PGRES_TUPLES_OK:
		s->nrows = PQntuples(s->res);
		break;
	case PGRES_COMMAND_OK:
		s->nrows = 0;
		break;
	default:
		return (pg_error(q, s->res, what, cause));
	}
	tuples = PQcmdTuples(s->res);
	c->changes = tuples != NULL && *tuples != '\0' ? atoll(tuples) : 0;
	/* The INSERT's id is kept for last_id; its caller sees no row. */
	c->have_last_id = s->new_id && s->nrows == 1;
	if (c->have_last_id) {
		c->last_id = strtoll(PQgetvalue(s->res, 0, 0), NULL, 10);
		s->nrows = 0;
	}
	s->row = 0;
	s->done = 1;
	return (0);
}

/*
 * A read outside a transaction that found the connection lost may be run
 * again on a new one: it changed nothing.
 */
static int
pg_retryable(struct queue *q, const struct pg_stmt *s)
{
	struct pg_conn *c = PG_CONN(q);

	return (!c->in_txn && PQstatus(c->conn) == CONNECTION_BAD &&
	    strncmp(s->text, "SELECT ", 7) == 0);
}

static int
pg_step(struct store_stmt *base, const char *what, char **cause)
{
	struct pg_stmt	*s = PG_STMT(base);
	int		 rc;

	if (s->row == -1) {
		rc = pg_run(base->q, s, what, cause);
		if (rc == EX_TEMPFAIL && pg_retryable(base->q, s)) {
			/* Lost before anything was done: once more, anew. */
			free(*cause);
			*cause = NULL;
			PQclear(s->res);
			s->res = NULL;
			rc = pg_run(base->q, s, what, cause);
		}
		if (rc != 0) {
			pg_reset(base);
			return (rc);
		}
	} else
		s->row++;
	if (s->row < s->nrows)
		return (STORE_ROW);
	if (s->done)
		return (STORE_DONE);
	if ((rc = pg_fetch(base->q, s, what, cause)) != 0) {
		pg_reset(base);
		return (rc);
	}
	return (s->row < s->nrows ? STORE_ROW : STORE_DONE);
}

static int
pg_is_null(struct store_stmt *base, int col)
{
	struct pg_stmt *s = PG_STMT(base);

	return (s->res == NULL || PQgetisnull(s->res, s->row, col));
}

static int64_t
pg_col_int(struct store_stmt *base, int col)
{
	struct pg_stmt	*s = PG_STMT(base);
	const char	*v;

	if (pg_is_null(base, col))
		return (0);
	v = PQgetvalue(s->res, s->row, col);
	/* A boolean comes back as t or f. */
	if (*v == 't')
		return (1);
	return (strtoll(v, NULL, 10));
}

static double
pg_col_real(struct store_stmt *base, int col)
{
	struct pg_stmt *s = PG_STMT(base);

	if (pg_is_null(base, col))
		return (0);
	return (strtod(PQgetvalue(s->res, s->row, col), NULL));
}

static const char *
pg_col_text(struct store_stmt *base, int col, size_t *len)
{
	struct pg_stmt *s = PG_STMT(base);

	if (pg_is_null(base, col)) {
		if (len != NULL)
			*len = 0;
		return (NULL);
	}
	if (len != NULL)
		*len = (size_t)PQgetlength(s->res, s->row, col);
	return (PQgetvalue(s->res, s->row, col));
}

static int64_t
pg_changes(struct queue *q)
{
	return (PG_CONN(q)->changes);
}

static int64_t
pg_last_id(struct queue *q)
{
	char	*v = NULL, *cause = NULL;
	int64_t	 id = 0;

	if (PG_CONN(q)->have_last_id)
		return (PG_CONN(q)->last_id);
	if (pg_value(q, "SELECT lastval()", &v, &cause) == 0 && v != NULL)
		id = strtoll(v, NULL, 10);
	free(v);
	free(cause);
	return (id);
}

/* Counters are sequences: claims take them without waiting on each other. */
static int
pg_counter_next(struct queue *q, const char *key, int64_t *value,
    char **cause)
{
	static const char sql[] = "SELECT nextval(CAST(?1 AS regclass))";
	struct store_stmt	*st;
	char			 name[64];
	int			 rc;

	snprintf(name, sizeof name, "hitl.%s", key);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, name);
	if ((rc = store_one(st, "counter", cause)) != 0)
		return (rc);
	*value = store_int(st, 0);
	store_reset(st);
	return (0);
}

/* A counter's sequence: its next value, and setting it. */
static int
pg_counter_peek(struct queue *q, const char *key, int64_t *next,
    char **cause)
{
	char	*sql, *v = NULL;
	int	 rc;

	*next = 1;
	if (strcmp(key, "next_lease") != 0 && strcmp(key, "next_requeue") != 0) {
		xasprintf(cause, "internal error: no counter %s", key);
		return (EX_SOFTWARE);
	}
	xasprintf(&sql, "SELECT CASE WHEN is_called THEN last_value + 1 ELSE "
	    "last_value END FROM hitl.%s", key);
	rc = pg_value(q, sql, &v, cause);
	free(sql);
	if (rc == 0 && v != NULL)
		*next = strtoll(v, NULL, 10);
	free(v);
	return (rc);
}

static int
pg_counter_set(struct queue *q, const char *key, int64_t next,
    char **cause)
{
	static const char sql[] =
	    "SELECT setval(CAST(?1 AS regclass), CAST(?2 AS BIGINT), false)";
	struct store_stmt	*st;
	char			 name[64];
	int			 rc;

	snprintf(name, sizeof name, "hitl.%s", key);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, name);
	store_bind_int(st, 2, next > 0 ? next : 1);
	if ((rc = store_one(st, "counter", cause)) != 0)
		return (rc);
	store_reset(st);
	return (0);
}

/* Rows copied in with their ids: each identity goes on after the largest. */
static int
pg_after_copy(struct queue *q, char **cause)
{
	static const char *const tables[] = {
		"batches", "items", "shifts", "decisions", "escalations",
		"exports", "pauses", "suspensions",
	};
	char	*sql;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; rc == 0 && i < sizeof tables / sizeof tables[0]; i++) {
		xasprintf(&sql, "SELECT setval(pg_get_serial_sequence('hitl.%s',"
		    " 'id'), coalesce(max(id), 0) + 1, false) FROM hitl.%s",
		    tables[i], tables[i]);
		rc = pg_exec(q, sql, cause);
		free(sql);
	}
	return (rc);
}

/*
 * The server keeps its own pages (and its checksums, where the cluster
 * has them on); what hitl can check is the record, which verify does.
 */
static int
pg_integrity(struct queue *q, char **cause)
{
	(void)q;
	(void)cause;
	return (0);
}

static int
pg_guard_missing(struct queue *q, const char **name, char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
	    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
	    "n.nspname = 'hitl' AND t.tgname = ?1 AND t.tgenabled <> 'D'";
	static const char *const guards[] = {
		"decisions_no_update", "decisions_no_delete",
		"decisions_no_truncate", "audit_no_update", "audit_no_delete",
		"audit_no_truncate", "audit_signatures_no_update",
		"audit_signatures_no_delete", "audit_signatures_no_truncate",
		"policies_no_update", "policies_no_delete",
		"policies_no_truncate", "exports_no_update",
		"exports_no_delete", "exports_no_truncate",
		"batches_no_update", "batches_no_delete",
		"batches_no_truncate", "items_no_delete", "items_no_truncate",
		"tombstones_no_update", "tombstones_no_delete",
	};

	return (store_first_missing(q, sql, guards,
	    sizeof guards / sizeof guards[0], name, cause));
}

/* A bulk import need not wait for each commit to reach the disk. */
static int
pg_bulk(struct queue *q, int on, char **cause)
{
	/*
	 * Back to the session's own setting (the DBA's, for a replica say:
	 * remote_apply), not to "on".
	 */
	if (!on) {
		if (PQstatus(PG_CONN(q)->conn) == CONNECTION_OK)
			PQclear(PQexec(PG_CONN(q)->conn,
			    "RESET synchronous_commit"));
		return (0);
	}
	return (pg_exec(q, "SET synchronous_commit = off", cause));
}

static int
pg_record_migration(struct queue *q, const struct store_migration *m,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO migrations (version, applied_at, description) "
	    "VALUES (?, ?, ?)";
	struct store_stmt	*st;
	char			 now[32];

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_now_text(q, now);
	store_bind_int(st, 1, m->version);
	store_bind_text(st, 2, now);
	store_bind_text(st, 3, m->description);
	return (store_run(st, "migrate", cause));
}

/*
 * Applies the migrations the schema lacks, in one transaction, holding an
 * advisory lock so two hitl processes never migrate at once. It takes the
 * schema's owner (hitl init as it): the role hitl reviews as may not.
 */
static int
pg_migrate(struct queue *q, char **cause)
{
	char	*v = NULL, *why = NULL;
	size_t	 i;
	int	 rc, current;

	if (q->schema == pg_latest())
		return (0);
	if ((rc = pg_exec(q, "BEGIN", cause)) != 0)
		return (rc);
	PG_CONN(q)->in_txn = 1;
	if ((rc = pg_exec(q, "SELECT pg_advisory_xact_lock(1751742060)",
	    cause)) != 0)
		goto fail;
	/* Another process may have migrated while we waited for the lock. */
	current = 0;
	if ((rc = pg_make_schema(q, cause)) != 0 ||
	    (rc = pg_set_owner(q, cause)) != 0 ||
	    (rc = pg_value(q, "SELECT to_regclass('hitl.migrations') IS NOT "
	    "NULL", &v, cause)) != 0)
		goto fail;
	if (v != NULL && strcmp(v, "t") == 0) {
		free(v);
		if ((rc = pg_value(q, "SELECT coalesce(max(version), 0) FROM "
		    "hitl.migrations", &v, cause)) != 0)
			goto fail;
		current = v != NULL ? atoi(v) : 0;
	}
	free(v);
	for (i = 0; i < pg_nmigrations; i++) {
		if (pg_migrations[i].version <= current)
			continue;
		if ((rc = pg_exec(q, pg_migrations[i].sql, &why)) != 0) {
			xasprintf(cause, "cannot bring the schema of %s to "
			    "version %d (%s): run 'hitl init' as the role that "
			    "owns it", q->path, pg_migrations[i].version, why);
			free(why);
			goto fail;
		}
		if ((rc = pg_record_migration(q, &pg_migrations[i],
		    cause)) != 0)
			goto fail;
	}
	if (current == 0 && (rc = pg_exec(q, "INSERT INTO meta (key, value) "
	    "VALUES ('application_id', 'hitl')", cause)) != 0)
		goto fail;
	if ((rc = pg_commit(q, cause)) != 0)
		return (rc);
	pg_exec(q, "RESET ROLE", NULL);
	q->schema = pg_latest();
	return (0);
fail:
	pg_rollback(q);
	pg_exec(q, "RESET ROLE", NULL);
	return (rc);
}

/* A role's name as an identifier; NULL (with a message) if it is none. */
static char *
pg_role(struct queue *q, const char *role, char **cause)
{
	char	*id, *out;

	if (role == NULL || *role == '\0' || strlen(role) > 63 ||
	    (id = PQescapeIdentifier(PG_CONN(q)->conn, role,
	    strlen(role))) == NULL) {
		xasprintf(cause, "\"%s\" is not a role name", role != NULL ?
		    role : "");
		return (NULL);
	}
	out = xstrdup(id);
	PQfreemem(id);
	return (out);
}

/*
 * The schema, made by the role hitl init connects as (which may create
 * schemas in the database) for --owner, when one is named.
 */
static int
pg_make_schema(struct queue *q, char **cause)
{
	char	*role, *sql;
	int	 rc;

	if (q->owner == NULL)
		return (pg_exec(q, "CREATE SCHEMA IF NOT EXISTS hitl", cause));
	if ((role = pg_role(q, q->owner, cause)) == NULL)
		return (EX_USAGE);
	xasprintf(&sql, "CREATE SCHEMA IF NOT EXISTS hitl AUTHORIZATION %s",
	    role);
	rc = pg_exec(q, sql, cause);
	free(sql);
	free(role);
	return (rc);
}

/*
 * What the migrations make belongs to --owner (a role that logs in to
 * nothing, say): hitl init runs as a member of it, SET ROLE makes it so.
 */
static int
pg_set_owner(struct queue *q, char **cause)
{
	char	*role, *sql;
	int	 rc;

	if (q->owner == NULL)
		return (0);
	if ((role = pg_role(q, q->owner, cause)) == NULL)
		return (EX_USAGE);
	xasprintf(&sql, "SET ROLE %s", role);
	rc = pg_exec(q, sql, cause);
	free(sql);
	free(role);
	return (rc);
}

/*
 * What the role reviewers connect as may do, and no more: read, add to the
 * append-only tables, change only what the workflow changes. It may not
 * update, delete or truncate the log, its signatures, decisions, policies
 * or export runs (and the guards refuse the owner too).
 */
/*
 * PostgreSQL keeps a row's old versions until VACUUM marks their space
 * reusable; it does not overwrite them, nor the WAL segments that hold
 * them (README: erasure). VACUUM of the tables erase writes is what can be
 * done from a connection; only the owner may, so a failure is reported.
 */
static int
pg_scrub(struct queue *q, int after, char **cause)
{
	if (!after)
		return (0);
	return (pg_exec(q, "VACUUM items, decisions, escalations, subjects",
	    cause));
}

static int
pg_grant(struct queue *q, const char *name, char **cause)
{
	/* Each is followed by the role. */
	static const char *const grants[] = {
		"GRANT USAGE ON SCHEMA hitl TO ",
		"GRANT SELECT ON ALL TABLES IN SCHEMA hitl TO ",
		"GRANT INSERT ON decisions, audit, audit_signatures, policies, "
		"exports, batches, items, flags, spans, shifts, escalations, "
		"leases, meta, skips, samples, ballots, gold_scores, pauses, "
		"suspensions TO ",
		"GRANT UPDATE ON items, batches, shifts, escalations, leases, "
		"meta, waiting, state_counts, audit_head, samples, "
		"suspensions TO ",
		"GRANT DELETE ON skips, ballots, gold_scores TO ",
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA hitl TO ",
		("REVOKE UPDATE, DELETE, TRUNCATE ON decisions, audit, "
		"audit_signatures, policies, exports, pauses FROM "),
		/*
		 * Import records subjects, export its items. Purge and erase
		 * rewrite decisions: the owner's (README: Retention).
		 */
		"GRANT INSERT ON subjects, export_items TO ",
	};
	char	*role, *sql;
	size_t	 i;
	int	 rc = 0;

	if ((role = pg_role(q, name, cause)) == NULL)
		return (EX_USAGE);
	if ((rc = pg_exec(q, "BEGIN", cause)) != 0 ||
	    (rc = pg_set_owner(q, cause)) != 0)
		goto out;
	for (i = 0; rc == 0 && i < sizeof grants / sizeof grants[0]; i++) {
		xasprintf(&sql, "%s%s", grants[i], role);
		rc = pg_exec(q, sql, cause);
		free(sql);
	}
	if (rc == 0 && (rc = pg_exec(q, "REVOKE ALL ON ALL TABLES IN SCHEMA "
	    "hitl FROM PUBLIC", cause)) == 0)
		rc = pg_exec(q, "COMMIT", cause);
out:
	if (rc != 0)
		pg_exec(q, "ROLLBACK", NULL);
	pg_exec(q, "RESET ROLE", NULL);
	free(role);
	return (rc);
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.label = pg_label,
	.unmake = pg_unmake,
	.key_path = pg_key_path,
	.migrate = pg_migrate,
	.latest = pg_latest,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_real = pg_bind_real,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.is_null = pg_is_null,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.reset = pg_reset,
	.changes = pg_changes,
	.last_id = pg_last_id,
	.counter_next = pg_counter_next,
	.integrity = pg_integrity,
	.guard_missing = pg_guard_missing,
	.bulk = pg_bulk,
	.lock_log = pg_lock_log,
	.counter_peek = pg_counter_peek,
	.counter_set = pg_counter_set,
	.after_copy = pg_after_copy,
	.grant = pg_grant,
	.scrub = pg_scrub,
};
