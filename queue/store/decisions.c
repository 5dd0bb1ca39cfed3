/*
 * Decisions and the skip rows they leave behind: appending them, reading
 * them back, and undoing them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

int
store_audit_next_seq(struct queue *q, int64_t *seq, char **cause)
{
	char	hash[65];
	int	rc;

	if (q->txn_seq != 0) {
		*seq = q->txn_seq + 1;
		return (0);
	}
	if ((rc = store_audit_head(q, seq, hash, cause)) != 0)
		return (rc);
	(*seq)++;
	return (0);
}

int
store_decision_insert(struct queue *q, const struct store_decision_new *d,
    int64_t *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO decisions (item_id, action, reviewer, shift_id, "
	    "lease_id, policy_version, decided_at, spent_ms, payload, undoes, "
	    "audit_seq, vote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	/* What is left unbound is NULL: reset clears the bindings. */
	store_bind_int(st, 1, d->item_id);
	store_bind_text(st, 2, d->action);
	store_bind_text(st, 3, d->reviewer);
	if (d->shift_id != 0)
		store_bind_int(st, 4, d->shift_id);
	if (d->lease_id != 0)
		store_bind_int(st, 5, d->lease_id);
	store_bind_int(st, 6, d->policy_version);
	store_bind_text(st, 7, d->decided_at);
	if (d->spent_ms >= 0)
		store_bind_int(st, 8, d->spent_ms);
	if (d->payload != NULL)
		store_bind_text(st, 9, d->payload);
	if (d->undoes != 0)
		store_bind_int(st, 10, d->undoes);
	store_bind_int(st, 11, d->audit_seq);
	if (d->vote)
		store_bind_int(st, 12, 1);
	if ((rc = store_run(st, "decide", cause)) != 0)
		return (rc);
	*id = q->ops->last_id(q);
	return (0);
}

int
store_decision_json(struct queue *q, int64_t id, cJSON **out, char **cause)
{
	static const char sql[] =
	    "SELECT d.id, i.ext_id, d.action, d.reviewer, d.shift_id, "
	    "d.lease_id, d.policy_version, d.decided_at, d.spent_ms, "
	    "d.payload, d.undoes, d.supersedes, d.audit_seq, d.vote "
	    "FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = ?";
	/* Each column's key, and whether it is a number ('i') or JSON. */
	static const struct {
		const char	*name;
		int		 type;
	} cols[] = {
		{ "decision", 'i' }, { "item", 's' }, { "action", 's' },
		{ "reviewer", 's' }, { "shift", 'i' }, { "lease", 'i' },
		{ "policy_version", 'i' }, { "decided_at", 's' },
		{ "spent_ms", 'i' }, { "payload", 'j' }, { "undoes", 'i' },
		{ "supersedes", 'i' }, { "audit_seq", 'i' }, { "vote", 'b' },
	};
	struct store_stmt	*st;
	cJSON			*o, *v;
	size_t			 i;
	int			 rc;

	*out = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, "decision", cause)) != STORE_ROW) {
		store_reset(st);
		if (rc == STORE_DONE) {
			xasprintf(cause, "decision %lld is missing",
			    (long long)id);
			return (EX_DATAERR);
		}
		return (rc);
	}
	o = cJSON_CreateObject();
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		/* A vote says so; other decisions read as before it. */
		if (cols[i].type == 'b' && store_is_null(st, (int)i))
			continue;
		if (cols[i].type == 'b')
			v = cJSON_CreateBool(store_int(st, (int)i) != 0);
		else if (store_is_null(st, (int)i))
			v = cJSON_CreateNull();
		else if (cols[i].type == 'i')
			v = cJSON_CreateNumber((double)store_int(st, (int)i));
		else if (cols[i].type == 'j' &&
		    (v = cJSON_Parse(store_text(st, (int)i))) != NULL)
			;
		else
			v = cJSON_CreateString(store_text(st, (int)i));
		cJSON_AddItemToObject(o, cols[i].name, v);
	}
	store_reset(st);
	*out = o;
	return (0);
}

int
store_decision_exported(struct queue *q, int64_t id)
{
	static const char sql[] =
	    "SELECT 1 FROM exports WHERE last_decision >= ?1 AND "
	    "since_decision < ?1 LIMIT 1";
	struct store_stmt	*st;
	char			*why = NULL;
	int			 found;

	if ((st = store_stmt(q, sql, &why)) == NULL) {
		free(why);
		return (1);	/* unsure: refuse rather than undo */
	}
	store_bind_int(st, 1, id);
	found = store_step(st, "export", &why);
	free(why);
	store_reset(st);
	/* Unsure (an error): refuse rather than undo. */
	return (found != STORE_DONE);
}

void
store_undoable_done(struct store_undoable *t)
{
	free(t->action);
	free(t->item);
	free(t->state);
	free(t->holder);
	memset(t, 0, sizeof *t);
}

/*
 * The item as it is now, locked to the commit: a claim (which runs side by
 * side with this on PostgreSQL) must not take it meanwhile.
 */
static int
decisions_undoable_item(struct queue *q, struct store_undoable *t,
    char **cause)
{
	static const char sql[] =
	    "SELECT state, holder, lease_expires FROM items WHERE id = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_FOR_UPDATE, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	if ((rc = store_one(st, "undo", cause)) != 0)
		return (rc);
	t->state = store_column_text(st, 0);
	t->holder = store_column_text(st, 1);
	t->expires = store_int(st, 2);
	store_reset(st);
	return (0);
}

int
store_decision_undoable(struct queue *q, const char *reviewer, int64_t shift,
    const char *since, struct store_undoable *t, char **cause)
{
	/* decided_at is RFC 3339 UTC throughout: text order is time order. */
	static const char sql[] =
	    "SELECT d.id, d.item_id, d.action, i.ext_id "
	    "FROM decisions d JOIN items i ON i.id = d.item_id "
	    "WHERE d.reviewer = ?1 AND (d.shift_id = ?2 OR "
	    "d.decided_at >= ?3) AND d.action IN "
	    "('approve','correct','escalate','skip','comment') AND NOT EXISTS "
	    "(SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
	    "ORDER BY d.id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	memset(t, 0, sizeof *t);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	store_bind_int(st, 2, shift);
	store_bind_text(st, 3, since);
	rc = store_step(st, "undo", cause);
	if (rc == STORE_DONE) {
		store_reset(st);
		return (STORE_DONE);
	}
	if (rc != STORE_ROW)
		return (rc);
	t->id = store_int(st, 0);
	t->item_id = store_int(st, 1);
	t->action = store_column_text(st, 2);
	t->item = store_column_text(st, 3);
	store_reset(st);
	if ((rc = decisions_undoable_item(q, t, cause)) != 0) {
		store_undoable_done(t);
		return (rc);
	}
	return (STORE_ROW);
}

int
store_decision_later(struct queue *q, int64_t item_id, int64_t after,
    struct queue_decision_info **out, char **cause)
{
	static const char sql[] =
	    "SELECT reviewer, action, decided_at FROM decisions d "
	    "WHERE item_id = ?1 AND id > ?2 AND action NOT IN "
	    "('comment','undo') "
	    "AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
	    "ORDER BY id LIMIT 1";
	struct queue_decision_info	*d;
	struct store_stmt		*st;
	int				 rc;

	*out = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, after);
	if ((rc = store_step(st, "undo", cause)) == STORE_ROW) {
		d = xcalloc(1, sizeof *d);
		d->reviewer = store_column_text(st, 0);
		d->action = store_column_text(st, 1);
		d->decided_at = store_column_text(st, 2);
		*out = d;
	}
	store_reset(st);
	return (rc);
}

/* A statement on the row a decision made, by the decision's id. */
static int
decisions_run(struct queue *q, const char *sql, int64_t decision,
    const char *what, char **cause)
{
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision);
	return (store_run(st, what, cause));
}

int
store_skip_insert(struct queue *q, int64_t decision, char **cause)
{
	static const char sql[] =
	    "INSERT INTO skips (shift_id, item_id, decision_id, "
	    "requeue_before) SELECT d.shift_id, d.item_id, d.id, i.requeue "
	    "FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = ?";

	return (decisions_run(q, sql, decision, "skip", cause));
}

int
store_skip_undo(struct queue *q, int64_t decision, char **cause)
{
	static const char requeue_sql[] =
	    "UPDATE items SET requeue = (SELECT requeue_before FROM skips "
	    "WHERE decision_id = ?1) WHERE id = (SELECT item_id FROM skips "
	    "WHERE decision_id = ?1)";
	static const char delete_sql[] =
	    "DELETE FROM skips WHERE decision_id = ?";
	int rc;

	if ((rc = decisions_run(q, requeue_sql, decision, "undo", cause)) != 0)
		return (rc);
	return (decisions_run(q, delete_sql, decision, "undo", cause));
}
