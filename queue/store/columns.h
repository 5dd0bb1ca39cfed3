/*
 * SQL the record files share: fragments of statements, and the readers of
 * the columns they name. Nothing above the store includes this.
 */
#ifndef HITL_COLUMNS_H
#define HITL_COLUMNS_H

#include "records.h"

/*
 * SQL text (never user data): items with a flag of category P (or below it,
 * "bias" matching "bias.gender") or an ambiguous span of entity type P, P
 * being the parameter named.
 */
#define STORE_TYPE_FILTER(P) \
	"AND (EXISTS (SELECT 1 FROM flags f WHERE f.item_id = items.id " \
	"AND (f.type = " P " OR substr(f.type, 1, length(" P ") + 1) = " \
	P " || '.')) OR EXISTS (SELECT 1 FROM spans s WHERE s.item_id = " \
	"items.id AND s.entity_type = " P " AND s.triage = 'ambiguous')) "

/*
 * The columns an item or a decision is read from, for statements that name
 * items "i" and decisions "d"; store_item_row and store_decision_row read
 * them back from any column on.
 */
#define STORE_ITEM_COLUMNS \
	"i.id, i.ext_id, i.kind, i.state, i.priority, i.top_type, " \
	"i.top_score, i.holder, i.lease_id, i.lease_expires, i.claimed_at, " \
	"i.created_at, i.imported_at, i.source_model, i.source_pipeline, " \
	"i.metadata, i.prompt, i.messages, i.text"
#define STORE_ITEM_NCOLUMNS	19
#define STORE_DECISION_COLUMNS \
	"d.id, i.ext_id, d.action, d.reviewer, d.shift_id, d.lease_id, " \
	"d.policy_version, d.decided_at, d.spent_ms, d.payload, d.undoes, " \
	"d.vote"
#define STORE_DECISION_NCOLUMNS	12
/*
 * Gold items stay queued for every reviewer in turn: lists, counts and
 * searches of the waiting items leave them out (claims serve them apart).
 */
#define STORE_NOT_GOLD \
	"AND NOT EXISTS (SELECT 1 FROM samples g WHERE g.item_id = items.id " \
	"AND g.sample = 'gold') "
struct queue_item *store_item_row(struct store_stmt *, int first);
/* Sets every field but undone_by, which is 0. */
void		 store_decision_row(struct store_stmt *, int first,
		     struct queue_decision_info *);

#endif
