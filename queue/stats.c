/*
 * What is in the store: counts by kind and state, the oldest waiting item and
 * the latest import batches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "xmalloc.h"

static int
stats_state_parse(const char *s, enum queue_state *out)
{
	int i;

	for (i = 0; i < QUEUE_NSTATES; i++) {
		if (strcmp(s, queue_state_name((enum queue_state)i)) == 0) {
			*out = (enum queue_state)i;
			return (0);
		}
	}
	return (-1);
}

static char *
stats_text(struct store_stmt *st, int col)
{
	const char *s = store_text(st, col);

	return (xstrdup(s != NULL ? s : ""));
}

static int
stats_batches(struct queue *q, size_t max, struct queue_stats *s,
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
queue_stats(struct queue *q, size_t max_batches, struct queue_stats *s,
    char **cause)
{
	/* Kept up to date by import and by the state's trigger. */
	static const char counts_sql[] =
	    "SELECT kind, state, n FROM state_counts";
	/* An index holds exactly the waiting items, in import order. */
	static const char oldest_sql[] =
	    "SELECT imported_at FROM items "
	    "WHERE state = 'queued' OR state = 'claimed' ORDER BY seq LIMIT 1";
	struct store_stmt		*st;
	enum queue_kind		 k;
	enum queue_state	 state;
	int			 rc;

	memset(s, 0, sizeof *s);
	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	s->policy_version = q->policy_version;
	s->policy_name = xstrdup(q->policy->name);
	/* One read transaction, so the numbers agree with each other. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, counts_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	while ((rc = store_step(st, "status", cause)) == STORE_ROW) {
		if (queue_kind_parse(store_text(st, 0),
		    &k) != 0 ||
		    stats_state_parse(store_text(st, 1),
		    &state) != 0)
			continue;
		s->counts[k][state] = (uint64_t)store_int(st, 2);
		s->total += s->counts[k][state];
	}
	if (rc != STORE_DONE)
		goto out;
	store_reset(st);
	if ((st = store_stmt(q, oldest_sql, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	if ((rc = store_step(st, "status", cause)) == STORE_ROW &&
	    !store_is_null(st, 0)) {
		struct tm	 tm;
		const char	*t = store_text(st, 0);

		memset(&tm, 0, sizeof tm);
		if (strptime(t, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL)
			s->oldest_queued = (int64_t)timegm(&tm);
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		goto out;
	rc = stats_batches(q, max_batches, s, cause);
out:
	store_end_read(q);
	if (rc != 0)
		queue_stats_done(s);
	return (rc);
}

void
queue_stats_done(struct queue_stats *s)
{
	size_t i;

	for (i = 0; i < s->nbatches; i++) {
		free(s->batches[i].started_at);
		free(s->batches[i].operator);
		free(s->batches[i].files);
	}
	free(s->batches);
	free(s->policy_name);
	memset(s, 0, sizeof *s);
}
