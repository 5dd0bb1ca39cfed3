/*
 * The statements the record files are written on: a cache of prepared
 * statements keyed by their text's address, and the ways of stepping them.
 */
#include "config.h"

#include <stdlib.h>
#include <sysexits.h>

#include "internal.h"
#include "xmalloc.h"

struct store_stmt *
store_prepare(struct queue *q, const char *sql, int flags, char **cause)
{
	struct store_stmt	*st;
	size_t			 i;

	for (i = 0; i < q->nstmts; i++) {
		st = q->stmts[i];
		if (st->sql == sql) {
			q->ops->reset(st);
			return (st);
		}
	}
	if (q->nstmts == STORE_MAX_STMTS) {
		xasprintf(cause, "internal error: too many statements");
		return (NULL);
	}
	if ((st = q->ops->prepare(q, sql, flags, cause)) == NULL)
		return (NULL);
	st->ops = q->ops;
	st->q = q;
	st->sql = sql;
	q->stmts[q->nstmts++] = st;
	return (st);
}

int
store_run(struct store_stmt *st, const char *what, char **cause)
{
	int rc;

	if ((rc = store_step(st, what, cause)) == STORE_ROW)
		rc = STORE_DONE;
	store_reset(st);
	return (rc);
}

int
store_one(struct store_stmt *st, const char *what, char **cause)
{
	int rc;

	if ((rc = store_step(st, what, cause)) == STORE_ROW)
		return (0);
	if (rc == STORE_DONE) {
		xasprintf(cause, "%s: internal error: no row came back", what);
		rc = EX_SOFTWARE;
	}
	store_reset(st);
	return (rc);
}

int
store_exec(struct queue *q, const char *sql, char **cause)
{
	return (q->ops->exec(q, sql, cause));
}

char *
store_column_text(struct store_stmt *st, int col)
{
	const char *s = store_text(st, col);

	return (s != NULL ? xstrdup(s) : NULL);
}

int
store_first_missing(struct queue *q, const char *sql,
    const char *const names[], size_t n, const char **name, char **cause)
{
	struct store_stmt	*st;
	size_t			 i;
	int			 rc;

	*name = NULL;
	for (i = 0; i < n; i++) {
		if ((st = store_stmt(q, sql, cause)) == NULL)
			return (EX_SOFTWARE);
		store_bind_text(st, 1, names[i]);
		rc = store_step(st, "verify", cause);
		store_reset(st);
		if (rc == STORE_DONE) {
			*name = names[i];
			return (0);
		}
		if (rc != STORE_ROW)
			return (rc);
	}
	return (0);
}
