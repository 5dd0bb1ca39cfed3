/*
 * Claims and leases: the next item a claim takes, one index lookup at a
 * time, and the leases' rows, kept in step with the items' lease columns.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"

/*
 * One statement per filter shape, so that each can use its index: an
 * expression such as "?1 IS NULL OR kind = ?1" would hide it from the
 * planner. Items held by a live lease and items this shift skipped are
 * stepped over; there are few of either.
 */
#define CLAIM_SELECT \
	"SELECT id FROM items WHERE (state = 'queued' OR state = 'claimed') " \
	"AND (lease_expires IS NULL OR lease_expires <= ?1) " \
	"AND NOT EXISTS (SELECT 1 FROM skips WHERE shift_id = ?2 " \
	"AND item_id = items.id) " CLAIM_QUALITY
/*
 * Of the items sampled for review quality, a round still taking votes is
 * claimed by reviewers who have not voted in it; gold items are served
 * apart (store_claim_gold), and adjudication is a lead's. An item whose
 * round is over and that a lead reopened is claimed as any other.
 */
#define CLAIM_QUALITY \
	"AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.item_id = items.id " \
	"AND (s.state = 'adjudication' OR s.sample = 'gold' OR " \
	"(s.state = 'open' AND EXISTS (SELECT 1 FROM ballots b WHERE " \
	"b.item_id = items.id AND b.reviewer = ?5)))) "
#define CLAIM_TYPE STORE_TYPE_FILTER("?4")
#define CLAIM_ORDER "ORDER BY requeue, priority DESC, seq LIMIT 1"

static const char claim_any_sql[] = CLAIM_SELECT CLAIM_ORDER;
static const char claim_kind_sql[] = CLAIM_SELECT "AND kind = ?3 "
    CLAIM_ORDER;
static const char claim_type_sql[] = CLAIM_SELECT CLAIM_TYPE CLAIM_ORDER;
static const char claim_kind_type_sql[] = CLAIM_SELECT "AND kind = ?3 "
    CLAIM_TYPE CLAIM_ORDER;
static const char claim_one_sql[] = CLAIM_SELECT "AND ext_id = ?6 "
    CLAIM_ORDER;

const char *
claim_select_sql(const struct queue_filter *f)
{
	if (f != NULL && f->item != NULL)
		return (claim_one_sql);
	if (f != NULL && f->kind != NULL)
		return (f->type != NULL ? claim_kind_type_sql : claim_kind_sql);
	return (f != NULL && f->type != NULL ? claim_type_sql :
	    claim_any_sql);
}

int
store_claim_next(struct queue *q, const struct queue_filter *f,
    int64_t shift, int64_t *id, char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	*id = 0;
	if ((st = store_prepare(q, claim_select_sql(f), STORE_SKIP_LOCKED,
	    cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, queue_now(q));
	store_bind_int(st, 2, shift);
	store_bind_text(st, 5, q->actor);
	if (f != NULL && f->item != NULL)
		store_bind_text(st, 6, f->item);
	else if (f != NULL && f->kind != NULL)
		store_bind_text(st, 3, f->kind);
	if (f != NULL && f->item == NULL && f->type != NULL)
		store_bind_text(st, 4, f->type);
	rc = store_step(st, "claim", cause);
	if (rc == STORE_ROW)
		*id = store_int(st, 0);
	else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (rc);
}

int
store_lease_insert(struct queue *q, int64_t item_id,
    const struct queue_lease *l, int64_t claimed_at, char **cause)
{
	static const char sql[] =
	    "INSERT INTO leases (id, item_id, holder, claimed_at, expires) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, l->lease_id);
	store_bind_int(st, 2, item_id);
	store_bind_text(st, 3, l->holder);
	store_bind_int(st, 4, claimed_at);
	store_bind_int(st, 5, l->expires);
	return (store_run(st, "claim", cause));
}

int
store_lease_get(struct queue *q, int64_t lease_id, struct store_lease *l,
    char **cause)
{
	static const char sql[] =
	    "SELECT item_id, holder, expires, taken_over_by FROM leases "
	    "WHERE id = ?";
	struct store_stmt	*st;
	int			 rc;

	memset(l, 0, sizeof *l);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, lease_id);
	if ((rc = store_step(st, "claim", cause)) == STORE_ROW) {
		l->item_id = store_int(st, 0);
		l->holder = store_column_text(st, 1);
		l->expires = store_int(st, 2);
		l->taken_over_by = store_column_text(st, 3);
	}
	store_reset(st);
	return (rc);
}

void
store_lease_done(struct store_lease *l)
{
	free(l->holder);
	free(l->taken_over_by);
	memset(l, 0, sizeof *l);
}

int
store_lease_spent(struct queue *q, int64_t lease_id, const char *reviewer,
    char **action, char **decided_at, char **cause)
{
	static const char sql[] =
	    "SELECT action, decided_at FROM decisions WHERE lease_id = ? AND "
	    "reviewer = ? AND action <> 'undo' ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*action = *decided_at = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, lease_id);
	store_bind_text(st, 2, reviewer);
	if ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		*action = store_column_text(st, 0);
		*decided_at = store_column_text(st, 1);
	}
	store_reset(st);
	return (rc);
}

/*
 * Sets a lease's column in its row or its item's (sql: ?1 the row's id, ?2
 * the value, text if not NULL).
 */
static int
lease_set(struct queue *q, const char *sql, int64_t id, int64_t value,
    const char *text, char **cause)
{
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	if (text != NULL)
		store_bind_text(st, 2, text);
	else
		store_bind_int(st, 2, value);
	return (store_run(st, "claim", cause));
}

int
store_lease_renew(struct queue *q, int64_t item_id, int64_t lease_id,
    int64_t expires, char **cause)
{
	static const char item_sql[] =
	    "UPDATE items SET lease_expires = ?2 WHERE id = ?1";
	static const char lease_sql[] =
	    "UPDATE leases SET expires = ?2 WHERE id = ?1";
	int rc;

	if ((rc = lease_set(q, item_sql, item_id, expires, NULL, cause)) != 0)
		return (rc);
	return (lease_set(q, lease_sql, lease_id, expires, NULL, cause));
}

int
store_lease_take_over(struct queue *q, int64_t lease_id, const char *by,
    char **cause)
{
	static const char sql[] =
	    "UPDATE leases SET taken_over_by = ?2 WHERE id = ?1";

	return (lease_set(q, sql, lease_id, 0, by, cause));
}
