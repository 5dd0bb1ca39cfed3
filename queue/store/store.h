/*
 * What the record files stand on: each backend (SQLite, PostgreSQL) is one
 * ops table of connection and schema, transactions, statements, and the
 * few record operations whose SQL differs between them. The record-level
 * interface the rules call (records.h) is written once, in the record
 * files of queue/store/, on the statements declared here; their SQL uses
 * ?N parameters (PostgreSQL's backend renumbers them), CAST wherever a
 * parameter's type is not implied, and no dialect's own functions.
 */
#ifndef HITL_STORE_H
#define HITL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "queue.h"

struct queue;
struct store_stmt;

/* What store_step returns, besides a sysexits code on failure. */
#define STORE_DONE	0
#define STORE_ROW	1

/* store_prepare flags. */
#define STORE_SCAN	0x1	/* many rows: stream them (PostgreSQL cursors) */
/*
 * A read of rows the transaction will change, which writes that record no
 * events (claims) may change meanwhile: PostgreSQL locks them (FOR UPDATE),
 * or, for a claim, takes the first row nobody else holds (SKIP LOCKED).
 * SQLite's writers take turns anyway.
 */
#define STORE_FOR_UPDATE	0x2
#define STORE_SKIP_LOCKED	0x4
/*
 * An INSERT into a table with an id column whose new id last_id will be
 * asked for: PostgreSQL returns it with the INSERT (RETURNING id) rather
 * than in a second round trip; SQLite knows it anyway.
 */
#define STORE_NEW_ID		0x8

/* Transactions: see store_begin. */
#define STORE_READ	0	/* a consistent snapshot */
#define STORE_WRITE	1	/* may record events: takes the log's lock */
#define STORE_WRITE_UNLOGGED 2	/* records none (claims, renewals): not */

struct store_ops {
	const char	*name;		/* "sqlite", "postgresql" */

	/* Connection and schema. */
	int		(*open)(struct queue *, int flags, int *created,
			    char **cause);
	void		(*close)(struct queue *);
	/*
	 * How messages name the database at path (the caller frees it);
	 * NULL: by path itself.
	 */
	char		*(*label)(const char *path);
	/* Removes a database the open made but could not finish. */
	void		(*unmake)(struct queue *);
	/* Where the database's signing key is kept; the caller frees it. */
	char		*(*key_path)(struct queue *);
	/* Brings the schema to the latest version. */
	int		(*migrate)(struct queue *, char **cause);
	int		(*latest)(void);
	int		(*begin)(struct queue *, int how, char **cause);
	int		(*commit)(struct queue *, char **cause);
	void		(*rollback)(struct queue *);
	int		(*exec)(struct queue *, const char *sql, char **cause);

	/*
	 * Statements, cached by store_prepare by the address of their
	 * (static) text; reset clears the bindings too.
	 */
	struct store_stmt *(*prepare)(struct queue *, const char *sql,
			    int flags, char **cause);
	void		(*finalize)(struct store_stmt *);
	void		(*bind_int)(struct store_stmt *, int, int64_t);
	void		(*bind_real)(struct store_stmt *, int, double);
	/* The text must stay valid until the statement is stepped. */
	void		(*bind_text)(struct store_stmt *, int, const char *,
			    size_t);
	void		(*bind_null)(struct store_stmt *, int);
	int		(*step)(struct store_stmt *, const char *what,
			    char **cause);
	int		(*is_null)(struct store_stmt *, int);
	int64_t		(*col_int)(struct store_stmt *, int);
	double		(*col_real)(struct store_stmt *, int);
	/* NULL for SQL NULL; valid until the next step or reset. */
	const char	*(*col_text)(struct store_stmt *, int, size_t *);
	void		(*reset)(struct store_stmt *);
	/* Rows the last INSERT, UPDATE or DELETE changed. */
	int64_t		(*changes)(struct queue *);
	/* The id of the row the last INSERT made. */
	int64_t		(*last_id)(struct queue *);

	/* Record operations whose SQL differs. */
	/* The next value of a named counter (lease ids, queue order). */
	int		(*counter_next)(struct queue *, const char *,
			    int64_t *, char **cause);
	/* Checks every page (SQLite) or what the server can (PostgreSQL). */
	int		(*integrity)(struct queue *, char **cause);
	/* The append-only guards: the name of the first one missing. */
	int		(*guard_missing)(struct queue *, const char **name,
			    char **cause);
	/*
	 * A bulk import's transaction: commits need not wait for the disk
	 * (re-running an import is idempotent) and the cache is larger; off
	 * puts the connection back as it was.
	 */
	int		(*bulk)(struct queue *, int on, char **cause);
	/*
	 * Takes the log's lock in a write begun without it, before its first
	 * event (NULL: every write has it already).
	 */
	int		(*lock_log)(struct queue *, char **cause);
	/* A counter's next value, without taking it; and setting it. */
	int		(*counter_peek)(struct queue *, const char *,
			    int64_t *next, char **cause);
	int		(*counter_set)(struct queue *, const char *,
			    int64_t next, char **cause);
	/* After rows were copied in with their ids: ids go on after them. */
	int		(*after_copy)(struct queue *, char **cause);
	/* What the role reviewers connect as may do (NULL: no such roles). */
	int		(*grant)(struct queue *, const char *role, char **cause);
	/*
	 * Erasure: before the writes (after 0), that what they delete is
	 * overwritten; after the commit (1), that no copy is left in the
	 * store's files (the WAL, free pages) as far as the backend can.
	 */
	int		(*scrub)(struct queue *, int after, char **cause);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/*
 * A schema migration: applied in order, once, in one transaction. Never
 * edit one that has shipped: add the next.
 */
struct store_migration {
	int		 version;
	const char	*description;
	const char	*sql;
};

/* Every statement begins with this; the backend's own state follows. */
struct store_stmt {
	const struct store_ops	*ops;
	struct queue		*q;
	const char		*sql;	/* its address is the cache's key */
};

/* A cached statement, reset and with its bindings cleared. */
struct store_stmt *store_prepare(struct queue *, const char *sql, int flags,
		     char **cause);
#define store_stmt(q, sql, cause) store_prepare((q), (sql), 0, (cause))

static inline void
store_bind_int(struct store_stmt *st, int i, int64_t v)
{
	st->ops->bind_int(st, i, v);
}

static inline void
store_bind_real(struct store_stmt *st, int i, double v)
{
	st->ops->bind_real(st, i, v);
}

/* NUL-terminated text; NULL binds SQL NULL. */
static inline void
store_bind_text(struct store_stmt *st, int i, const char *s)
{
	if (s == NULL)
		st->ops->bind_null(st, i);
	else
		st->ops->bind_text(st, i, s, (size_t)-1);
}

/* Text of a given length (it may not be NUL-terminated). */
static inline void
store_bind_bytes(struct store_stmt *st, int i, const char *s, size_t len)
{
	st->ops->bind_text(st, i, s, len);
}

static inline void
store_bind_null(struct store_stmt *st, int i)
{
	st->ops->bind_null(st, i);
}

/*
 * STORE_ROW, STORE_DONE, or a sysexits code with *cause saying what (the
 * operation, "claim" say) met: a busy database, a full disk, damage.
 */
static inline int
store_step(struct store_stmt *st, const char *what, char **cause)
{
	return (st->ops->step(st, what, cause));
}

static inline int
store_is_null(struct store_stmt *st, int col)
{
	return (st->ops->is_null(st, col));
}

static inline int64_t
store_int(struct store_stmt *st, int col)
{
	return (st->ops->col_int(st, col));
}

static inline double
store_real(struct store_stmt *st, int col)
{
	return (st->ops->col_real(st, col));
}

static inline const char *
store_text(struct store_stmt *st, int col)
{
	return (st->ops->col_text(st, col, NULL));
}

static inline const char *
store_bytes(struct store_stmt *st, int col, size_t *len)
{
	return (st->ops->col_text(st, col, len));
}

static inline void
store_reset(struct store_stmt *st)
{
	if (st != NULL)
		st->ops->reset(st);
}

/* A copy of a column's text (NULL for NULL); the caller frees it. */
char		*store_column_text(struct store_stmt *, int);

/*
 * Steps a statement that must return a row (RETURNING, say): 0 with the row
 * to read, or the error's code.
 */
int		 store_one(struct store_stmt *, const char *what, char **cause);
/* Steps a statement that returns no rows: 0, or the error's code. */
int		 store_run(struct store_stmt *, const char *what, char **cause);
/*
 * The first of n names for which sql (one parameter: the name) finds no
 * row, in *name, or NULL: the backends' check of their guards.
 */
int		 store_first_missing(struct queue *, const char *sql,
		     const char *const names[], size_t n, const char **name,
		     char **cause);
/*
 * For the record files' scans (records.h): a statement to bind (through
 * store_scan_stmt) and step; what names the operation in errors.
 */
struct store_scan *store_scan_new(struct queue *, const char *sql, int flags,
		     const char *what, char **cause);
struct store_stmt *store_scan_stmt(const struct store_scan *);
int		 store_scan_step(struct store_scan *, char **cause);
/* Runs SQL text (no parameters, no rows), as a backend runs it. */
int		 store_exec(struct queue *, const char *sql, char **cause);

#endif
