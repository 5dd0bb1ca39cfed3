/*
 * Items as the rules read and change them: an item's columns, its flags or
 * spans, its lease columns, the moves between states, and its decisions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

#define ITEM_SELECT \
    "SELECT " STORE_ITEM_COLUMNS ", i.raw FROM items i "
static const char item_sql[] = ITEM_SELECT "WHERE i.ext_id = ?";
static const char item_id_sql[] = ITEM_SELECT "WHERE i.id = ?";

static const char flags_sql[] =
    "SELECT type, score, detector, rationale, start_cp, end_cp FROM flags "
    "WHERE item_id = ? ORDER BY idx";

static const char spans_sql[] =
    "SELECT entity_type, start_cp, end_cp, score, recognizer, explanation, "
    "triage FROM spans WHERE item_id = ? ORDER BY idx";

int
store_state_parse(const char *s, enum queue_state *out)
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

/* The schema's CHECK admits only the states' names. */
static enum queue_state
item_state(const char *s)
{
	enum queue_state state = QUEUE_STATE_QUEUED;

	store_state_parse(s, &state);
	return (state);
}

int
store_item_move(struct queue *q, int64_t id, enum queue_state to,
    struct queue_lease *l, int64_t requeue, char **cause)
{
	static const char claim_sql[] =
	    "UPDATE items SET state = ?1, holder = ?2, lease_id = ?3, "
	    "lease_expires = ?4, claimed_at = ?5 WHERE id = ?6 "
	    "RETURNING ext_id";
	static const char move_sql[] =
	    "UPDATE items SET state = ?1, holder = NULL, lease_id = NULL, "
	    "lease_expires = NULL, claimed_at = NULL, "
	    "requeue = coalesce(?2, requeue) WHERE id = ?3";
	struct store_stmt	*st;
	int			 rc;

	if ((to == QUEUE_STATE_CLAIMED) != (l != NULL)) {
		xasprintf(cause, "internal error: a claim needs its lease");
		return (EX_SOFTWARE);
	}
	if ((st = store_stmt(q, l != NULL ? claim_sql : move_sql,
	    cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, queue_state_name(to));
	if (l == NULL) {
		if (requeue != 0)
			store_bind_int(st, 2, requeue);
		store_bind_int(st, 3, id);
		return (store_run(st, "item", cause));
	}
	store_bind_text(st, 2, q->actor);
	store_bind_int(st, 3, l->lease_id);
	store_bind_int(st, 4, l->expires);
	store_bind_int(st, 5, queue_now(q));
	store_bind_int(st, 6, id);
	if ((rc = store_one(st, "claim", cause)) != 0)
		return (rc);
	l->item = store_column_text(st, 0);
	store_step(st, "database", cause);
	store_reset(st);
	return (0);
}

int
store_item_lease(struct queue *q, const char *ext_id,
    struct store_item_lease *r, char **cause)
{
	static const char sql[] =
	    "SELECT id, state, holder, lease_id, lease_expires FROM items "
	    "WHERE ext_id = ?";
	struct store_stmt	*st;
	int			 rc;

	memset(r, 0, sizeof *r);
	/* The row a claim or decision changes: locked until it commits. */
	if ((st = store_prepare(q, sql, STORE_FOR_UPDATE, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ext_id);
	rc = store_step(st, "claim", cause);
	if (rc == STORE_DONE)
		store_reset(st);
	if (rc != STORE_ROW)
		return (rc);
	r->id = store_int(st, 0);
	r->state = item_state(store_text(st, 1));
	r->holder = store_column_text(st, 2);
	r->lease_id = store_int(st, 3);
	r->expires = store_int(st, 4);
	store_reset(st);
	return (STORE_ROW);
}

void
store_item_lease_done(struct store_item_lease *r)
{
	free(r->holder);
	r->holder = NULL;
}

static int
item_flags(struct queue *q, struct queue_item *it, char **cause)
{
	struct queue_flag	*f;
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, flags_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, it->id);
	while ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		it->flags = xreallocarray(it->flags, it->nflags + 1,
		    sizeof *it->flags);
		f = &it->flags[it->nflags++];
		f->type = store_column_text(st, 0);
		f->score = store_real(st, 1);
		f->detector = store_column_text(st, 2);
		f->rationale = store_column_text(st, 3);
		f->has_offsets = !store_is_null(st, 4);
		f->start = (size_t)store_int(st, 4);
		f->end = (size_t)store_int(st, 5);
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return (rc);
	return (0);
}

static int
item_spans(struct queue *q, struct queue_item *it, char **cause)
{
	struct queue_span	*s;
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, spans_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, it->id);
	while ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		it->spans = xreallocarray(it->spans, it->nspans + 1,
		    sizeof *it->spans);
		s = &it->spans[it->nspans++];
		s->entity_type = store_column_text(st, 0);
		s->start = (size_t)store_int(st, 1);
		s->end = (size_t)store_int(st, 2);
		s->score = store_real(st, 3);
		s->recognizer = store_column_text(st, 4);
		s->explanation = store_column_text(st, 5);
		s->triage = store_column_text(st, 6);
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return (rc);
	return (0);
}

/*
 * Flags belong to model outputs and spans to anonymization cases (import
 * refuses anything else), so an item has one kind of children to read.
 */
int
store_item_children(struct queue *q, struct queue_item *it, char **cause)
{
	if (it->kind == QUEUE_KIND_ANONYMIZATION)
		return (item_spans(q, it, cause));
	return (item_flags(q, it, cause));
}

/* The STORE_ITEM_COLUMNS of a row, from column first on; no children. */
struct queue_item *
store_item_row(struct store_stmt *st, int first)
{
	struct queue_item	*it;
	enum queue_kind		 kind = QUEUE_KIND_MODEL_OUTPUT;
	int			 c = first;

	it = xcalloc(1, sizeof *it);
	it->id = store_int(st, c++);
	it->ext_id = store_column_text(st, c++);
	queue_kind_parse(store_text(st, c++), &kind);
	it->kind = kind;
	it->state = item_state(store_text(st, c++));
	it->priority = store_real(st, c++);
	it->top_type = store_column_text(st, c++);
	it->top_score = store_real(st, c++);
	it->holder = store_column_text(st, c++);
	it->lease_id = store_int(st, c++);
	it->lease_expires = store_int(st, c++);
	it->claimed_at = store_int(st, c++);
	it->created_at = store_column_text(st, c++);
	it->imported_at = store_column_text(st, c++);
	it->source_model = store_column_text(st, c++);
	it->source_pipeline = store_column_text(st, c++);
	it->metadata = store_column_text(st, c++);
	it->prompt = store_column_text(st, c++);
	it->messages = store_column_text(st, c++);
	it->text = store_column_text(st, c++);
	queue_item_messages(it);
	return (it);
}

int
store_item_get(struct queue *q, int64_t id, const char *ext_id,
    struct queue_item **out, char **cause)
{
	struct queue_item	*it;
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	if ((st = store_stmt(q, ext_id != NULL ? item_sql : item_id_sql,
	    cause)) == NULL)
		return (EX_SOFTWARE);
	if (ext_id != NULL)
		store_bind_text(st, 1, ext_id);
	else
		store_bind_int(st, 1, id);
	rc = store_step(st, "item", cause);
	if (rc == STORE_DONE) {
		store_reset(st);
		if (ext_id != NULL)
			xasprintf(cause, "no item \"%s\" in %s", ext_id,
			    q->path);
		else
			xasprintf(cause, "no item %lld in %s", (long long)id,
			    q->path);
		return (EX_NOINPUT);
	}
	if (rc != STORE_ROW)
		return (rc);
	it = store_item_row(st, 0);
	it->raw = store_column_text(st, STORE_ITEM_NCOLUMNS);
	store_reset(st);
	if ((rc = store_item_children(q, it, cause)) != 0) {
		queue_item_free(it);
		return (rc);
	}
	*out = it;
	return (0);
}

int
store_item_history(struct queue *q, const char *ext_id,
    struct queue_decision_info **out, size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT " STORE_DECISION_COLUMNS ", (SELECT u.id FROM decisions u "
	    "WHERE u.undoes = d.id) FROM decisions d JOIN items i "
	    "ON i.id = d.item_id WHERE i.ext_id = ? ORDER BY d.id";
	struct queue_decision_info	*d;
	struct store_stmt		*st;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ext_id);
	while ((rc = store_step(st, "history", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		d = &(*out)[(*n)++];
		store_decision_row(st, 0, d);
		d->undone_by = store_int(st,
		    STORE_DECISION_NCOLUMNS);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		queue_decisions_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

/* The STORE_DECISION_COLUMNS of a row, from column first on. */
void
store_decision_row(struct store_stmt *st, int first,
    struct queue_decision_info *d)
{
	int c = first;

	d->id = store_int(st, c++);
	d->item = store_column_text(st, c++);
	d->action = store_column_text(st, c++);
	d->reviewer = store_column_text(st, c++);
	d->shift_id = store_int(st, c++);
	d->lease_id = store_int(st, c++);
	d->policy_version = (int)store_int(st, c++);
	d->decided_at = store_column_text(st, c++);
	d->spent_ms = store_is_null(st, c) ? -1 :
	    store_int(st, c);
	c++;
	d->payload = store_column_text(st, c++);
	d->undoes = store_int(st, c++);
	d->vote = store_int(st, c) != 0;
	d->undone_by = 0;
}
