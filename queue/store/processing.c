/*
 * What the record of processing counts in the store: the personal data seen,
 * by type, who acted on the record, and the content removed, by cause.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

/* Runs sql, handing each row to row (which appends it to p). */
static int
processing_scan(struct queue *q, const char *sql,
    void (*row)(struct store_stmt *, struct queue_processing *),
    struct queue_processing *p, char **cause)
{
	struct store_scan	*s;
	int			 rc;

	if ((s = store_scan_new(q, sql, 0, "report", cause)) == NULL)
		return (EX_SOFTWARE);
	while ((rc = store_scan_step(s, cause)) == STORE_ROW)
		row(store_scan_stmt(s), p);
	store_scan_free(s);
	return (rc == STORE_DONE ? 0 : rc);
}

static void
processing_type(struct store_stmt *st, struct queue_processing *p)
{
	struct queue_processing_type *t;

	p->types = xreallocarray(p->types, p->ntypes + 1, sizeof *p->types);
	t = &p->types[p->ntypes++];
	t->type = store_column_text(st, 0);
	t->flag = store_int(st, 1) != 0;
	t->items = (uint64_t)store_int(st, 2);
	t->values = (uint64_t)store_int(st, 3);
}

int
store_processing_types(struct queue *q, struct queue_processing *p,
    char **cause)
{
	/* Spans by entity type, then the pii.* flags of model outputs. */
	static const char sql[] =
	    "SELECT entity_type, 0, COUNT(DISTINCT item_id), COUNT(*) "
	    "FROM spans GROUP BY entity_type "
	    "UNION ALL "
	    "SELECT type, 1, COUNT(DISTINCT item_id), COUNT(*) "
	    "FROM flags WHERE substr(type, 1, 4) = 'pii.' GROUP BY type "
	    "ORDER BY 2, 1";

	return (processing_scan(q, sql, processing_type, p, cause));
}

static void
processing_actor(struct store_stmt *st, struct queue_processing *p)
{
	struct queue_processing_actor *a;

	p->actors = xreallocarray(p->actors, p->nactors + 1,
	    sizeof *p->actors);
	a = &p->actors[p->nactors++];
	a->actor = store_column_text(st, 0);
	a->events = (uint64_t)store_int(st, 1);
	a->first = store_column_text(st, 2);
	a->last = store_column_text(st, 3);
}

int
store_processing_actors(struct queue *q, struct queue_processing *p,
    char **cause)
{
	static const char sql[] =
	    "SELECT actor, COUNT(*), MIN(at), MAX(at) FROM audit "
	    "GROUP BY actor ORDER BY actor";

	return (processing_scan(q, sql, processing_actor, p, cause));
}

static void
processing_removal(struct store_stmt *st, struct queue_processing *p)
{
	struct queue_processing_removal *r;

	p->removals = xreallocarray(p->removals, p->nremovals + 1,
	    sizeof *p->removals);
	r = &p->removals[p->nremovals++];
	r->cause = store_column_text(st, 0);
	r->items = (uint64_t)store_int(st, 1);
	r->runs = (uint64_t)store_int(st, 2);
	r->first = store_column_text(st, 3);
	r->last = store_column_text(st, 4);
}

int
store_processing_removals(struct queue *q, struct queue_processing *p,
    char **cause)
{
	/* A purge's tombstones say retention, an erase's erasure. */
	static const char sql[] =
	    "SELECT t.cause, COUNT(*), COUNT(DISTINCT t.audit_seq), "
	    "MIN(t.removed_at), MAX(t.removed_at) FROM tombstones t "
	    "GROUP BY t.cause ORDER BY t.cause";

	return (processing_scan(q, sql, processing_removal, p, cause));
}
