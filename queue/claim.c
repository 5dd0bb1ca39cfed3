/*
 * Claims: leases on items, handed out in priority order one index lookup at
 * a time; renewal, release and a lead's takeover.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "xmalloc.h"

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
	"AND item_id = items.id) "
#define CLAIM_TYPE STORE_TYPE_FILTER("?4")
#define CLAIM_ORDER "ORDER BY requeue, priority DESC, seq LIMIT 1"

static const char claim_any_sql[] = CLAIM_SELECT CLAIM_ORDER;
static const char claim_kind_sql[] = CLAIM_SELECT "AND kind = ?3 "
    CLAIM_ORDER;
static const char claim_type_sql[] = CLAIM_SELECT CLAIM_TYPE CLAIM_ORDER;
static const char claim_kind_type_sql[] = CLAIM_SELECT "AND kind = ?3 "
    CLAIM_TYPE CLAIM_ORDER;

static int
claim_set(struct queue *q, int64_t id, struct queue_lease *l, char **cause)
{
	static const char lease_sql[] =
	    "INSERT INTO leases (id, item_id, holder, claimed_at, expires) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct store_stmt	*st;
	int64_t			 now = queue_now(q);
	int			 rc;

	if ((rc = store_counter_next(q, "next_lease", &l->lease_id,
	    cause)) != 0)
		return (rc);
	l->expires = now + q->policy->lease_seconds;
	if ((rc = store_item_move(q, id, QUEUE_STATE_CLAIMED, l, 0,
	    cause)) != 0)
		return (rc);
	l->holder = xstrdup(q->actor);
	if ((st = store_stmt(q, lease_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, l->lease_id);
	store_bind_int(st, 2, id);
	store_bind_text(st, 3, q->actor);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, l->expires);
		return (store_run(st, "claim", cause));
}

int
claim_item(struct queue *q, int64_t id, struct queue_lease *l, char **cause)
{
	return (claim_set(q, id, l, cause));
}

const char *
claim_select_sql(const struct queue_filter *f)
{
	if (f != NULL && f->kind != NULL)
		return (f->type != NULL ? claim_kind_type_sql : claim_kind_sql);
	return (f != NULL && f->type != NULL ? claim_type_sql :
	    claim_any_sql);
}

int
queue_claim_next(struct queue *q, const struct queue_filter *f,
    struct queue_lease *l, char **cause)
{
	enum queue_kind		 kind;
	struct store_stmt	*st;
	const char		*sql;
	int64_t			 shift, id = 0;
	int			 rc;

	memset(l, 0, sizeof *l);
	if (f != NULL && f->kind != NULL &&
	    queue_kind_parse(f->kind, &kind) != 0) {
		xasprintf(cause, "unknown kind \"%s\" (model_output or "
		    "anonymization)", f->kind);
		return (EX_USAGE);
	}
	/*
	 * A claim records no event (but the first of a shift, which takes
	 * the log's lock then): PostgreSQL runs claims side by side, each
	 * taking the first item nobody else holds.
	 */
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "claim items",
	    cause)) != 0 ||
	    (rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = store_shift_id(q, 1, &shift, cause)) != 0)
		goto fail;
	sql = claim_select_sql(f);
	if ((st = store_prepare(q, sql, STORE_SKIP_LOCKED, cause)) == NULL) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	store_bind_int(st, 1, queue_now(q));
	store_bind_int(st, 2, shift);
	if (f != NULL && f->kind != NULL)
		store_bind_text(st, 3, f->kind);
	if (f != NULL && f->type != NULL)
		store_bind_text(st, 4, f->type);
	rc = store_step(st, "claim", cause);
	if (rc == STORE_ROW)
		id = store_int(st, 0);
	else if (rc != STORE_DONE)
		goto fail;
	store_reset(st);
	if (id == 0) {
		xasprintf(cause, "nothing to review%s: every item is decided, "
		    "held by someone, or skipped by you in this shift",
		    f != NULL && (f->kind != NULL || f->type != NULL) ?
		    " matching the filter" : "");
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = claim_set(q, id, l, cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	return (0);

fail:
	store_rollback(q);
	queue_lease_done(l);
	return (rc);
}

/* The item's lease columns, for the checks below. */
struct claim_row {
	int64_t		 id;
	char		*state;
	char		*holder;
	int64_t		 lease_id;
	int64_t		 expires;
};

static int
claim_row(struct queue *q, const char *item, struct claim_row *r,
    char **cause)
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
	store_bind_text(st, 1, item);
	rc = store_step(st, "claim", cause);
	if (rc == STORE_DONE) {
		store_reset(st);
		xasprintf(cause, "no item \"%s\"", item);
		return (EX_NOINPUT);
	}
	if (rc != STORE_ROW)
		return (rc);
	r->id = store_int(st, 0);
	r->state = store_column_text(st, 1);
	r->holder = store_column_text(st, 2);
	r->lease_id = store_int(st, 3);
	r->expires = store_int(st, 4);
	store_reset(st);
	return (0);
}

static void
claim_row_done(struct claim_row *r)
{
	free(r->state);
	free(r->holder);
}

/* An expired lease nobody else took still counts: the token matters. */
/* What became of a lease that no longer holds the item, for the message. */
struct claim_lease {
	int64_t	 item_id;
	char	*holder;
	int64_t	 expires;
	char	*taken_over_by;
};

static int
claim_lease_get(struct queue *q, int64_t lease_id, struct claim_lease *l)
{
	static const char sql[] =
	    "SELECT item_id, holder, expires, taken_over_by FROM leases "
	    "WHERE id = ?";
	struct store_stmt	*st;
	char			*why = NULL;
	int			 found = 0;

	memset(l, 0, sizeof *l);
	if ((st = store_stmt(q, sql, &why)) == NULL) {
		free(why);
		return (0);
	}
	store_bind_int(st, 1, lease_id);
	if (store_step(st, "claim", &why) == STORE_ROW) {
		l->item_id = store_int(st, 0);
		l->holder = store_column_text(st, 1);
		l->expires = store_int(st, 2);
		l->taken_over_by = store_column_text(st, 3);
		found = 1;
	}
	free(why);
	store_reset(st);
	return (found);
}

/* A lease already spent on a decision of the actor's: says which. */
static int
claim_lease_used(struct queue *q, int64_t lease_id, const char *item,
    char **cause)
{
	static const char sql[] =
	    "SELECT action, decided_at FROM decisions WHERE lease_id = ? AND "
	    "reviewer = ? AND action <> 'undo' ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	char			*why = NULL;
	int			 used = 0;

	if ((st = store_stmt(q, sql, &why)) == NULL) {
		free(why);
		return (0);
	}
	store_bind_int(st, 1, lease_id);
	store_bind_text(st, 2, q->actor);
	if (store_step(st, "database", cause) == STORE_ROW) {
		xasprintf(cause, "item %s: lease %lld was used already, for "
		    "your %s at %s", item, (long long)lease_id,
		    store_text(st, 0), store_text(st, 1));
		used = 1;
	}
	store_reset(st);
	return (used);
}

int
claim_check(struct queue *q, const char *item, int64_t lease_id, int64_t *id,
    char **cause)
{
	struct claim_row	r;
	struct claim_lease	l;
	char			when[32];
	int			rc;

	if ((rc = claim_row(q, item, &r, cause)) != 0)
		return (rc);
	*id = r.id;
	if (strcmp(r.state, "claimed") == 0 && r.holder != NULL &&
	    strcmp(r.holder, q->actor) == 0 && r.lease_id == lease_id) {
		claim_row_done(&r);
		return (0);
	}
	rc = EX_UNAVAILABLE;
	if (!claim_lease_get(q, lease_id, &l) || l.item_id != r.id) {
		xasprintf(cause, "item %s: lease %lld is not a claim on this "
		    "item", item, (long long)lease_id);
		goto out;
	}
	if (strcmp(l.holder, q->actor) != 0) {
		xasprintf(cause, "item %s: lease %lld is %s's, not yours", item,
		    (long long)lease_id, l.holder);
		goto out;
	}
	queue_format_time(l.expires, when);
	if (claim_lease_used(q, lease_id, item, cause))
		goto out;
	if (l.taken_over_by != NULL)
		xasprintf(cause, "item %s: %s took over your claim (lease "
		    "%lld)", item, l.taken_over_by, (long long)lease_id);
	else if (strcmp(r.state, "claimed") == 0 && r.holder != NULL &&
	    strcmp(r.holder, q->actor) != 0 && l.expires > queue_now(q))
		xasprintf(cause, "item %s: your claim (lease %lld) was released "
		    "and %s holds it now", item, (long long)lease_id, r.holder);
	else if (strcmp(r.state, "claimed") == 0 && r.holder != NULL &&
	    strcmp(r.holder, q->actor) != 0)
		xasprintf(cause, "item %s: your claim expired at %s and %s "
		    "took it", item, when, r.holder);
	else if (strcmp(r.state, "claimed") == 0)
		xasprintf(cause, "item %s: lease %lld is not current: you "
		    "claimed it again since (lease %lld)", item,
		    (long long)lease_id, (long long)r.lease_id);
	else if (strcmp(r.state, "queued") == 0)
		xasprintf(cause, "item %s: your claim (lease %lld) ended "
		    "(released or expired at %s); claim it again", item,
		    (long long)lease_id, when);
	else
		xasprintf(cause, "item %s: your claim expired at %s and the "
		    "item is %s now", item, when, r.state);
out:
	free(l.holder);
	free(l.taken_over_by);
	claim_row_done(&r);
	return (rc);
}

/* Records what happened to a lease (sql: ?1 its id, then ?2 a value). */
static int
claim_lease_update(struct queue *q, const char *sql, int64_t lease_id,
    int64_t value, const char *text, char **cause)
{
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, lease_id);
	if (text != NULL)
		store_bind_text(st, 2, text);
	else
		store_bind_int(st, 2, value);
	return (store_run(st, "claim", cause));
}

/*
 * Changes a held item's lease with sql, whose ?1 is the item's row id and ?2
 * the new expiry; without sql, ends the claim (the item is queued again).
 */
static int
claim_change(struct queue *q, const char *item, int64_t lease_id,
    const char *sql, int64_t expires, char **cause)
{
	struct store_stmt	*st;
	int64_t			 id;
	int			 rc;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "hold items",
	    cause)) != 0 ||
	    (rc = store_begin_unlogged(q, cause)) != 0)
		return (rc);
	if ((rc = claim_check(q, item, lease_id, &id, cause)) != 0)
		goto fail;
	if (sql == NULL)
		rc = store_item_move(q, id, QUEUE_STATE_QUEUED, NULL, 0, cause);
	else if ((st = store_stmt(q, sql, cause)) == NULL)
		rc = EX_SOFTWARE;
	else {
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, expires);
		rc = store_run(st, "claim", cause);
	}
	if (rc != 0)
		goto fail;
	if (expires != 0 && (rc = claim_lease_update(q,
	    "UPDATE leases SET expires = ?2 WHERE id = ?1", lease_id, expires,
	    NULL, cause)) != 0)
		goto fail;
	if ((rc = store_commit(q, cause)) != 0)
		goto fail;
	return (0);
fail:
	store_rollback(q);
	return (rc);
}

int
queue_renew(struct queue *q, const char *item, int64_t lease_id,
    int64_t *expires, char **cause)
{
	static const char sql[] =
	    "UPDATE items SET lease_expires = ?2 WHERE id = ?1";
	int rc;

	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	*expires = queue_now(q) + q->policy->lease_seconds;
	return (claim_change(q, item, lease_id, sql, *expires, cause));
}

int
queue_release(struct queue *q, const char *item, int64_t lease_id,
    char **cause)
{
	return (claim_change(q, item, lease_id, NULL, 0, cause));
}

int
queue_takeover(struct queue *q, const char *item, struct queue_lease *l,
    char **cause)
{
	struct claim_row	 r;
	cJSON			*data;
	int64_t			 shift;
	int			 rc;

	memset(l, 0, sizeof *l);
	memset(&r, 0, sizeof r);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "take over other reviewers' claims", cause)) != 0 ||
	    (rc = store_begin(q, cause)) != 0)
		return (rc);
	if ((rc = claim_row(q, item, &r, cause)) != 0)
		goto fail;
	if (strcmp(r.state, "claimed") != 0 || r.holder == NULL ||
	    strcmp(r.holder, q->actor) == 0) {
		xasprintf(cause, "item %s is not held by anyone else (it is "
		    "%s)", item, r.state);
		rc = EX_UNAVAILABLE;
		goto fail;
	}
	if ((rc = store_shift_id(q, 1, &shift, cause)) != 0 ||
	    (rc = claim_lease_update(q, "UPDATE leases SET taken_over_by = ?2 "
	    "WHERE id = ?1", r.lease_id, 0, q->actor, cause)) != 0 ||
	    (rc = claim_set(q, r.id, l, cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "from", r.holder);
	cJSON_AddNumberToObject(data, "old_lease", (double)r.lease_id);
	cJSON_AddNumberToObject(data, "old_expires", (double)r.expires);
	cJSON_AddNumberToObject(data, "lease", (double)l->lease_id);
	if ((rc = store_audit_append(q, "takeover", q->actor, item, data,
	    cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	claim_row_done(&r);
	return (0);

fail:
	store_rollback(q);
	claim_row_done(&r);
	queue_lease_done(l);
	return (rc);
}

void
queue_lease_done(struct queue_lease *l)
{
	free(l->item);
	free(l->holder);
	memset(l, 0, sizeof *l);
}
