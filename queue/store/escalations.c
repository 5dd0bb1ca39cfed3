/*
 * Escalations as stored: the one an escalate decision opens (and its undo
 * withdraws), a team's list, one by id, and the marks its acknowledgement
 * and resolution leave on it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

/* What escalation_read reads; the item's row id follows, for the get. */
#define ESCALATION_COLUMNS \
	"e.id, i.ext_id, e.team, e.reason, e.severity, e.note, e.opened_by, " \
	"e.opened_at, e.due_at, e.state, e.acked_by, e.acked_at, " \
	"e.resolved_by, e.resolved_at, e.outcome, e.item_id"

static void
escalation_read(struct store_stmt *st, struct queue_escalation *e)
{
	e->id = store_int(st, 0);
	e->item = store_column_text(st, 1);
	e->team = store_column_text(st, 2);
	e->reason = store_column_text(st, 3);
	e->severity = store_column_text(st, 4);
	e->note = store_column_text(st, 5);
	e->opened_by = store_column_text(st, 6);
	e->opened_at = store_int(st, 7);
	e->due_at = store_int(st, 8);
	e->state = store_column_text(st, 9);
	e->acked_by = store_column_text(st, 10);
	e->acked_at = store_int(st, 11);
	e->resolved_by = store_column_text(st, 12);
	e->resolved_at = store_int(st, 13);
	e->outcome = store_column_text(st, 14);
}

int
store_escalation_scan(struct queue *q, const char *team, int all,
    struct store_scan **scan, char **cause)
{
	static const char sql[] =
	    "SELECT " ESCALATION_COLUMNS " FROM escalations e "
	    "JOIN items i ON i.id = e.item_id WHERE e.team = ?1 AND "
	    "(?2 OR e.state IN ('open','acknowledged')) ORDER BY e.due_at, e.id";
	struct store_stmt *st;

	if ((*scan = store_scan_new(q, sql, 0, "escalations", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(*scan);
	store_bind_text(st, 1, team);
	store_bind_int(st, 2, all);
	return (0);
}

int
store_escalation_next(struct store_scan *scan, struct queue_escalation *e,
    char **cause)
{
	int rc;

	if ((rc = store_scan_step(scan, cause)) == STORE_ROW)
		escalation_read(store_scan_stmt(scan), e);
	return (rc);
}

int
store_escalation_get(struct queue *q, int64_t id, struct queue_escalation *e,
    int64_t *item_id, char **cause)
{
	static const char sql[] =
	    "SELECT " ESCALATION_COLUMNS " FROM escalations e "
	    "JOIN items i ON i.id = e.item_id WHERE e.id = ?";
	struct store_stmt	*st;
	int			 rc;

	memset(e, 0, sizeof *e);
	*item_id = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	rc = store_step(st, "escalation", cause);
	if (rc == STORE_ROW) {
		escalation_read(st, e);
		*item_id = store_int(st, 15);
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_escalation_ack(struct queue *q, int64_t id, const char *by, int64_t at,
    char **cause)
{
	static const char sql[] =
	    "UPDATE escalations SET state = 'acknowledged', acked_by = ?, "
	    "acked_at = ? WHERE id = ?";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_int(st, 3, id);
	return (store_run(st, "escalation", cause));
}

int
store_escalation_resolve(struct queue *q, int64_t id, const char *by,
    int64_t at, const char *outcome, int64_t resolution_id, char **cause)
{
	static const char sql[] =
	    "UPDATE escalations SET state = 'resolved', resolved_by = ?1, "
	    "resolved_at = ?2, outcome = ?3, resolution_id = ?4, "
	    "acked_by = coalesce(acked_by, ?1), acked_at = coalesce(acked_at, "
	    "?2) WHERE id = ?5";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_text(st, 3, outcome);
	store_bind_int(st, 4, resolution_id);
	store_bind_int(st, 5, id);
	return (store_run(st, "escalation", cause));
}

int
store_escalation_insert(struct queue *q, const struct store_escalation_new *e,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO escalations (item_id, decision_id, team, reason, "
	    "severity, note, opened_by, opened_at, due_at, state) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, e->item_id);
	store_bind_int(st, 2, e->decision_id);
	store_bind_text(st, 3, e->team);
	store_bind_text(st, 4, e->reason);
	store_bind_text(st, 5, e->severity);
	if (e->note != NULL)
		store_bind_text(st, 6, e->note);
	store_bind_text(st, 7, e->opened_by);
	store_bind_int(st, 8, e->opened_at);
	store_bind_int(st, 9, e->due_at);
	return (store_run(st, "escalate", cause));
}

int
store_escalation_of_decision(struct queue *q, int64_t decision, char **state,
    char **by, char **cause)
{
	static const char sql[] =
	    "SELECT state, coalesce(acked_by, resolved_by, '') FROM "
	    "escalations WHERE decision_id = ?";
	struct store_stmt	*st;
	int			 rc;

	*state = *by = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision);
	if ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		*state = store_column_text(st, 0);
		*by = store_column_text(st, 1);
	}
	store_reset(st);
	return (rc);
}

int
store_escalation_withdraw(struct queue *q, int64_t decision, char **cause)
{
	static const char sql[] =
	    "UPDATE escalations SET state = 'withdrawn' WHERE decision_id = ?";

	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision);
	return (store_run(st, "undo", cause));
}

int
store_escalation_severities(struct queue *q, int64_t item_id, char ***out,
    size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT DISTINCT severity FROM escalations WHERE item_id = ? "
	    "AND state <> 'withdrawn' ORDER BY severity";
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = store_column_text(st, 0);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		while (*n > 0)
			free((*out)[--(*n)]);
		free(*out);
		*out = NULL;
		return (rc);
	}
	return (0);
}
