/*
 * Reading one item back: its columns, flags or spans, and its history of
 * decisions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "store.h"
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

static enum queue_state
item_state(const char *s)
{
	int i;

	for (i = 0; i < QUEUE_NSTATES; i++) {
		if (strcmp(s, queue_state_name((enum queue_state)i)) == 0)
			return ((enum queue_state)i);
	}
	return (QUEUE_STATE_QUEUED);
}

/* Chat messages as validated on import: role and content strings. */
static void
item_messages(struct queue_item *it)
{
	cJSON		*arr, *m;
	const char	*role, *content;

	if (it->messages == NULL || (arr = cJSON_Parse(it->messages)) == NULL)
		return;
	cJSON_ArrayForEach(m, arr) {
		role = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(m, "role"));
		content = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(m, "content"));
		if (role == NULL || content == NULL)
			continue;
		it->msgs = xreallocarray(it->msgs, it->nmsgs + 1,
		    sizeof *it->msgs);
		it->msgs[it->nmsgs].role = xstrdup(role);
		it->msgs[it->nmsgs++].content = xstrdup(content);
	}
	cJSON_Delete(arr);
}

static int
item_flags(struct queue *q, struct queue_item *it, char **cause)
{
	struct queue_flag	*f;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = store_stmt(q, flags_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_int64(st, 1, it->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		it->flags = xreallocarray(it->flags, it->nflags + 1,
		    sizeof *it->flags);
		f = &it->flags[it->nflags++];
		f->type = store_column_text(st, 0);
		f->score = sqlite3_column_double(st, 1);
		f->detector = store_column_text(st, 2);
		f->rationale = store_column_text(st, 3);
		f->has_offsets = sqlite3_column_type(st, 4) != SQLITE_NULL;
		f->start = (size_t)sqlite3_column_int64(st, 4);
		f->end = (size_t)sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return (store_error(q, "item", cause));
	return (0);
}

static int
item_spans(struct queue *q, struct queue_item *it, char **cause)
{
	struct queue_span	*s;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = store_stmt(q, spans_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_int64(st, 1, it->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		it->spans = xreallocarray(it->spans, it->nspans + 1,
		    sizeof *it->spans);
		s = &it->spans[it->nspans++];
		s->entity_type = store_column_text(st, 0);
		s->start = (size_t)sqlite3_column_int64(st, 1);
		s->end = (size_t)sqlite3_column_int64(st, 2);
		s->score = sqlite3_column_double(st, 3);
		s->recognizer = store_column_text(st, 4);
		s->explanation = store_column_text(st, 5);
		s->triage = store_column_text(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return (store_error(q, "item", cause));
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
store_item_row(sqlite3_stmt *st, int first)
{
	struct queue_item	*it;
	enum queue_kind		 kind = QUEUE_KIND_MODEL_OUTPUT;
	int			 c = first;

	it = xcalloc(1, sizeof *it);
	it->id = sqlite3_column_int64(st, c++);
	it->ext_id = store_column_text(st, c++);
	queue_kind_parse((const char *)sqlite3_column_text(st, c++), &kind);
	it->kind = kind;
	it->state = item_state((const char *)sqlite3_column_text(st, c++));
	it->priority = sqlite3_column_double(st, c++);
	it->top_type = store_column_text(st, c++);
	it->top_score = sqlite3_column_double(st, c++);
	it->holder = store_column_text(st, c++);
	it->lease_id = sqlite3_column_int64(st, c++);
	it->lease_expires = sqlite3_column_int64(st, c++);
	it->claimed_at = sqlite3_column_int64(st, c++);
	it->created_at = store_column_text(st, c++);
	it->imported_at = store_column_text(st, c++);
	it->source_model = store_column_text(st, c++);
	it->source_pipeline = store_column_text(st, c++);
	it->metadata = store_column_text(st, c++);
	it->prompt = store_column_text(st, c++);
	it->messages = store_column_text(st, c++);
	it->text = store_column_text(st, c++);
	item_messages(it);
	return (it);
}

/* Reading an item's content or record is reviewers' work, whoever asks. */
int
queue_item_get(struct queue *q, const char *ext_id, struct queue_item **out,
    char **cause)
{
	int rc;

	*out = NULL;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0)
		return (rc);
	return (store_item_get(q, 0, ext_id, out, cause));
}

int
store_item_get(struct queue *q, int64_t id, const char *ext_id,
    struct queue_item **out, char **cause)
{
	struct queue_item	*it;
	sqlite3_stmt		*st;
	int			 rc;

	*out = NULL;
	if ((st = store_stmt(q, ext_id != NULL ? item_sql : item_id_sql,
	    cause)) == NULL)
		return (EX_SOFTWARE);
	if (ext_id != NULL)
		sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		if (ext_id != NULL)
			xasprintf(cause, "no item \"%s\" in %s", ext_id,
			    q->path);
		else
			xasprintf(cause, "no item %lld in %s", (long long)id,
			    q->path);
		return (EX_NOINPUT);
	}
	if (rc != SQLITE_ROW)
		return (store_error(q, "item", cause));
	it = store_item_row(st, 0);
	it->raw = store_column_text(st, STORE_ITEM_NCOLUMNS);
	sqlite3_reset(st);
	if ((rc = store_item_children(q, it, cause)) != 0) {
		queue_item_free(it);
		return (rc);
	}
	*out = it;
	return (0);
}

void
queue_item_free(struct queue_item *it)
{
	size_t i;

	if (it == NULL)
		return;
	for (i = 0; i < it->nflags; i++) {
		free(it->flags[i].type);
		free(it->flags[i].detector);
		free(it->flags[i].rationale);
	}
	free(it->flags);
	for (i = 0; i < it->nspans; i++) {
		free(it->spans[i].entity_type);
		free(it->spans[i].recognizer);
		free(it->spans[i].explanation);
		free(it->spans[i].triage);
	}
	free(it->spans);
	free(it->ext_id);
	free(it->top_type);
	free(it->holder);
	free(it->created_at);
	free(it->imported_at);
	free(it->source_model);
	free(it->source_pipeline);
	free(it->metadata);
	free(it->prompt);
	free(it->messages);
	for (i = 0; i < it->nmsgs; i++) {
		free(it->msgs[i].role);
		free(it->msgs[i].content);
	}
	free(it->msgs);
	free(it->text);
	free(it->raw);
	free(it);
}

int
queue_item_history(struct queue *q, const char *ext_id,
    struct queue_decision_info **out, size_t *n, char **cause)
{
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read items",
	    cause)) != 0)
		return (rc);
	return (store_item_history(q, ext_id, out, n, cause));
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
	sqlite3_stmt			*st;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		d = &(*out)[(*n)++];
		store_decision_row(st, 0, d);
		d->undone_by = sqlite3_column_int64(st,
		    STORE_DECISION_NCOLUMNS);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		queue_decisions_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (store_error(q, "history", cause));
	}
	return (0);
}

/* The STORE_DECISION_COLUMNS of a row, from column first on. */
void
store_decision_row(sqlite3_stmt *st, int first, struct queue_decision_info *d)
{
	int c = first;

	d->id = sqlite3_column_int64(st, c++);
	d->item = store_column_text(st, c++);
	d->action = store_column_text(st, c++);
	d->reviewer = store_column_text(st, c++);
	d->shift_id = sqlite3_column_int64(st, c++);
	d->lease_id = sqlite3_column_int64(st, c++);
	d->policy_version = sqlite3_column_int(st, c++);
	d->decided_at = store_column_text(st, c++);
	d->spent_ms = sqlite3_column_type(st, c) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, c);
	c++;
	d->payload = store_column_text(st, c++);
	d->undoes = sqlite3_column_int64(st, c);
	d->undone_by = 0;
}

void
queue_decisions_free(struct queue_decision_info *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].item);
		free(d[i].action);
		free(d[i].reviewer);
		free(d[i].decided_at);
		free(d[i].payload);
	}
	free(d);
}
