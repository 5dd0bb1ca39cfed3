/*
 * The model outputs not decided yet (waiting, held, escalated), by source,
 * for hitl models: the decided ones come from the outcomes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

#define STORE_OPEN_OUTPUTS \
	"WHERE kind = 'model_output' AND (state = 'queued' OR " \
	"state = 'claimed' OR state = 'escalated') " STORE_NOT_GOLD

int
store_open_outputs_scan(struct queue *q, int by_type, struct store_scan **out,
    char **cause)
{
	static const char sql[] =
	    "SELECT source_model, source_pipeline, state, "
	    "coalesce(created_at, imported_at), (SELECT max(f.score) FROM "
	    "flags f WHERE f.item_id = items.id), NULL FROM items "
	    STORE_OPEN_OUTPUTS "ORDER BY id";
	static const char sql_types[] =
	    "SELECT items.source_model, items.source_pipeline, items.state, "
	    "coalesce(items.created_at, items.imported_at), max(f.score), "
	    "f.type FROM items LEFT JOIN flags f ON f.item_id = items.id "
	    STORE_OPEN_OUTPUTS "GROUP BY items.id, f.type "
	    "ORDER BY items.id, f.type";

	if ((*out = store_scan_new(q, by_type ? sql_types : sql, 0, "items",
	    cause)) == NULL)
		return (EX_SOFTWARE);
	return (0);
}

int
store_open_outputs_next(struct store_scan *s, struct store_open_output *o,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	const char		*state;
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	o->model = store_text(st, 0);
	o->pipeline = store_text(st, 1);
	state = store_text(st, 2);
	o->escalated = state != NULL && strcmp(state, "escalated") == 0;
	o->at = store_text(st, 3);
	o->max_score = store_is_null(st, 4) ? 0 : store_real(st, 4);
	o->type = store_text(st, 5);
	return (STORE_ROW);
}
