/*
 * What the record of processing counts in the store: the personal data seen,
 * by type, and who acted on the record.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

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
	struct queue_processing_type	*t;
	struct store_scan		*s;
	struct store_stmt		*st;
	int				 rc;

	if ((s = store_scan_new(q, sql, 0, "report", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(s);
	while ((rc = store_scan_step(s, cause)) == STORE_ROW) {
		p->types = xreallocarray(p->types, p->ntypes + 1,
		    sizeof *p->types);
		t = &p->types[p->ntypes++];
		t->type = store_column_text(st, 0);
		t->flag = store_int(st, 1) != 0;
		t->items = (uint64_t)store_int(st, 2);
		t->values = (uint64_t)store_int(st, 3);
	}
	store_scan_free(s);
	return (rc == STORE_DONE ? 0 : rc);
}

int
store_processing_actors(struct queue *q, struct queue_processing *p,
    char **cause)
{
	static const char sql[] =
	    "SELECT actor, COUNT(*), MIN(at), MAX(at) FROM audit "
	    "GROUP BY actor ORDER BY actor";
	struct queue_processing_actor	*a;
	struct store_scan		*s;
	struct store_stmt		*st;
	int				 rc;

	if ((s = store_scan_new(q, sql, 0, "report", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(s);
	while ((rc = store_scan_step(s, cause)) == STORE_ROW) {
		p->actors = xreallocarray(p->actors, p->nactors + 1,
		    sizeof *p->actors);
		a = &p->actors[p->nactors++];
		a->actor = store_column_text(st, 0);
		a->events = (uint64_t)store_int(st, 1);
		a->first = store_column_text(st, 2);
		a->last = store_column_text(st, 3);
	}
	store_scan_free(s);
	return (rc == STORE_DONE ? 0 : rc);
}
