/*
 * Shifts as stored: the reviewer's open one, its start and end, and the
 * counts of the decisions made in it.
 */
#include "config.h"

#include <string.h>
#include <sysexits.h>

#include "records.h"

/* The columns shift_read reads, for every statement that returns shifts. */
#define SHIFT_COLUMNS "id, reviewer, started_at, ended_at, note, counts"

static void
shift_read(struct store_stmt *st, struct queue_shift *s)
{
	s->id = store_int(st, 0);
	s->reviewer = store_column_text(st, 1);
	s->started_at = store_column_text(st, 2);
	s->ended_at = store_column_text(st, 3);
	s->note = store_column_text(st, 4);
	s->counts = store_column_text(st, 5);
}

int
store_shift_open_id(struct queue *q, const char *reviewer, int64_t *id,
    char **cause)
{
	static const char sql[] =
	    "SELECT id FROM shifts WHERE reviewer = ? AND ended_at IS NULL "
	    "ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*id = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	rc = store_step(st, "shift", cause);
	if (rc == STORE_ROW)
		*id = store_int(st, 0);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_shift_open(struct queue *q, const char *reviewer, struct queue_shift *s,
    char **cause)
{
	static const char sql[] =
	    "SELECT " SHIFT_COLUMNS " "
	    "FROM shifts WHERE reviewer = ? AND ended_at IS NULL "
	    "ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	memset(s, 0, sizeof *s);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	rc = store_step(st, "shift", cause);
	if (rc == STORE_ROW)
		shift_read(st, s);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_shift_insert(struct queue *q, const char *reviewer,
    const char *started_at, int64_t *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO shifts (reviewer, started_at) VALUES (?, ?)";
	struct store_stmt	*st;
	int			 rc;

	*id = 0;
	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	store_bind_text(st, 2, started_at);
	if ((rc = store_run(st, "shift", cause)) != 0)
		return (rc);
	*id = q->ops->last_id(q);
	return (0);
}

int
store_shift_end(struct queue *q, int64_t id, const char *ended_at,
    const char *note, const char *counts, struct queue_shift *ended,
    char **cause)
{
	static const char sql[] =
	    "UPDATE shifts SET ended_at = ?, note = ?, counts = ? WHERE id = ? "
	    "RETURNING " SHIFT_COLUMNS;
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ended_at);
	store_bind_text(st, 2, note);
	store_bind_text(st, 3, counts);
	store_bind_int(st, 4, id);
	if ((rc = store_one(st, "shift", cause)) != 0)
		return (rc);
	if (ended != NULL)
		shift_read(st, ended);
	store_reset(st);
	return (0);
}

int
store_shift_scan(struct queue *q, const char *reviewer, size_t max,
    struct store_scan **scan, char **cause)
{
	static const char sql[] =
	    "SELECT " SHIFT_COLUMNS " "
	    "FROM shifts WHERE CAST(?1 AS TEXT) IS NULL OR reviewer = ?1 "
	    "ORDER BY id DESC LIMIT ?2";
	struct store_stmt *st;

	if ((*scan = store_scan_new(q, sql, 0, "shifts", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(*scan);
	store_bind_text(st, 1, reviewer);
	store_bind_int(st, 2, (int64_t)max);
	return (0);
}

int
store_shift_next(struct store_scan *scan, struct queue_shift *s, char **cause)
{
	int rc;

	if ((rc = store_scan_step(scan, cause)) == STORE_ROW)
		shift_read(store_scan_stmt(scan), s);
	return (rc);
}

int
store_shift_count_scan(struct queue *q, int64_t id, struct store_scan **scan,
    char **cause)
{
	static const char sql[] =
	    "SELECT action, count(*) FROM decisions d WHERE shift_id = ? "
	    "AND action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u "
	    "WHERE u.undoes = d.id) GROUP BY action ORDER BY action";

	if ((*scan = store_scan_new(q, sql, 0, "shift", cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(store_scan_stmt(*scan), 1, id);
	return (0);
}

int
store_shift_count_next(struct store_scan *scan, struct store_shift_count *c,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(scan);
	int			 rc;

	if ((rc = store_scan_step(scan, cause)) == STORE_ROW) {
		c->action = store_text(st, 0);
		c->n = store_int(st, 1);
	}
	return (rc);
}
