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

int
store_open_outputs_scan(struct queue *q, struct store_scan **out,
    char **cause)
{
	static const char sql[] =
	    "SELECT source_model, source_pipeline, state, "
	    "coalesce(created_at, imported_at), (SELECT max(f.score) FROM "
	    "flags f WHERE f.item_id = items.id) FROM items "
	    "WHERE kind = 'model_output' AND (state = 'queued' OR "
	    "state = 'claimed' OR state = 'escalated') " STORE_NOT_GOLD
	    "ORDER BY id";

	if ((*out = store_scan_new(q, sql, 0, "items", cause)) == NULL)
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
	return (STORE_ROW);
}
