/*
 * What is in the store, in numbers: counts by kind and state, the oldest
 * waiting item and the latest import batches.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

int
store_stats_counts(struct queue *q, struct queue_stats *s, char **cause)
{
	/* Kept up to date by import and by the state's trigger. */
	static const char sql[] =
	    "SELECT kind, state, n FROM state_counts";
	struct store_stmt	*st;
	enum queue_kind		 k;
	enum queue_state	 state;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((rc = store_step(st, "status", cause)) == STORE_ROW) {
		if (queue_kind_parse(store_text(st, 0),
		    &k) != 0 ||
		    store_state_parse(store_text(st, 1),
		    &state) != 0)
			continue;
		s->counts[k][state] = (uint64_t)store_int(st, 2);
		s->total += s->counts[k][state];
	}
	if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
store_stats_oldest(struct queue *q, char **item, char **imported_at,
    char **cause)
{
	/* An index holds exactly the waiting items, in import order. */
	static const char sql[] =
	    "SELECT ext_id, imported_at FROM items "
	    "WHERE (state = 'queued' OR state = 'claimed') " STORE_NOT_GOLD
	    "ORDER BY seq LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*item = *imported_at = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_step(st, "status", cause)) == STORE_ROW) {
		*item = store_column_text(st, 0);
		*imported_at = store_column_text(st, 1);
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

static char *
stats_text(struct store_stmt *st, int col)
{
	const char *s = store_text(st, col);

	return (xstrdup(s != NULL ? s : ""));
}

int
store_stats_batches(struct queue *q, size_t max, struct queue_stats *s,
    char **cause)
{
	static const char sql[] =
	    "SELECT id, started_at, operator, files, imported, queued, "
	    "auto_decided, duplicates, invalid FROM batches "
	    "WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?";
	struct queue_batch_info	*b;
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, (int64_t)max);
	while ((rc = store_step(st, "status", cause)) == STORE_ROW) {
		s->batches = xreallocarray(s->batches, s->nbatches + 1,
		    sizeof *s->batches);
		b = &s->batches[s->nbatches++];
		b->id = store_int(st, 0);
		b->started_at = stats_text(st, 1);
		b->operator = stats_text(st, 2);
		b->files = stats_text(st, 3);
		b->imported = (uint64_t)store_int(st, 4);
		b->queued = (uint64_t)store_int(st, 5);
		b->auto_decided = (uint64_t)store_int(st, 6);
		b->duplicates = (uint64_t)store_int(st, 7);
		b->invalid = (uint64_t)store_int(st, 8);
	}
	if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (0);
}

int
store_reviewer_scan(struct queue *q, int64_t after, struct store_scan **scan,
    char **cause)
{
	/*
	 * An escalation names the resolution that settled it; its item
	 * leads the join to the escalations_item index.
	 */
	static const char sql[] =
	    "SELECT d.id, d.item_id, d.action, d.reviewer, d.spent_ms, "
	    "d.undoes, e.outcome FROM decisions d "
	    "LEFT JOIN escalations e ON e.item_id = d.item_id "
	    "AND e.resolution_id = d.id "
	    "WHERE d.id > ? ORDER BY d.item_id, d.id";

	if ((*scan = store_scan_new(q, sql, STORE_SCAN, "reviewers",
	    cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(store_scan_stmt(*scan), 1, after);
	return (0);
}

int
store_reviewer_next(struct store_scan *scan, struct store_reviewer_row *r,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(scan);
	int			 rc;

	if ((rc = store_scan_step(scan, cause)) == STORE_ROW) {
		r->id = store_int(st, 0);
		r->item_id = store_int(st, 1);
		r->action = store_text(st, 2);
		r->reviewer = store_text(st, 3);
		r->spent_ms = store_is_null(st, 4) ? -1 : store_int(st, 4);
		r->undoes = store_is_null(st, 5) ? 0 : store_int(st, 5);
		r->outcome = store_text(st, 6);
	}
	return (rc);
}
