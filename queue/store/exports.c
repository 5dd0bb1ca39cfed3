/*
 * What exports read of the record (decisions with their items and audit
 * hashes, auto-decided items, the runs made before) and the runs they add.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

/* A statement's one number, with text (NULL: none) bound to ?1. */
static int
exports_number(struct queue *q, const char *sql, const char *text,
    int64_t *out, char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if (text != NULL)
		store_bind_text(st, 1, text);
	if ((rc = store_one(st, "export", cause)) != 0)
		return (rc);
	*out = store_int(st, 0);
	store_reset(st);
	return (0);
}

int
store_decision_last(struct queue *q, int64_t *last, char **cause)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM decisions";

	return (exports_number(q, sql, NULL, last, cause));
}

int
store_decision_before(struct queue *q, const char *utc, int64_t *id,
    char **cause)
{
	static const char sql[] =
	    "SELECT coalesce(max(id), 0) FROM decisions WHERE decided_at <= ?";

	return (exports_number(q, sql, utc, id, cause));
}

int
store_export_since(struct queue *q, const char *scope, int64_t *since,
    char **cause)
{
	static const char sql[] =
	    "SELECT last_decision FROM exports WHERE scope = ? "
	    "ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*since = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, scope);
	if ((rc = store_step(st, "export", cause)) == STORE_ROW)
		*since = store_int(st, 0);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

/*
 * Exports read a decision, its item and its audit hash in one joined row,
 * with the number of decisions on the item: the item's history is read
 * separately only when it has more than the one in hand, which is rare.
 */
/* Whether the item is tombstoned: exports skip it and count it. */
#define EXPORT_PURGED \
    "CASE WHEN EXISTS (SELECT 1 FROM tombstones t WHERE t.item_id = " \
    "i.id) THEN 1 ELSE 0 END"
#define EXPORT_SELECT \
    "SELECT " STORE_DECISION_COLUMNS ", a.hash, (SELECT count(*) FROM " \
    "decisions c WHERE c.item_id = d.item_id), " STORE_ITEM_COLUMNS ", " \
    EXPORT_PURGED " FROM decisions d JOIN items i ON i.id = d.item_id " \
    "JOIN audit a ON a.seq = d.audit_seq "
#define EXPORT_HASH_COLUMN	STORE_DECISION_NCOLUMNS
#define EXPORT_COUNT_COLUMN	(STORE_DECISION_NCOLUMNS + 1)
#define EXPORT_ITEM_COLUMN	(STORE_DECISION_NCOLUMNS + 2)
#define EXPORT_PURGED_COLUMN	(EXPORT_ITEM_COLUMN + STORE_ITEM_NCOLUMNS)

int
store_export_scan(struct queue *q, enum store_export_rows which,
    int64_t since, int64_t upto, const char *kind, struct store_scan **out,
    char **cause)
{
	/*
	 * Each item's last decision in the range stands for the item. The
	 * decisions one by one leave out gold items, and the votes of the
	 * two-person rule: a pending decision is never exported alone, and
	 * its settlement names it.
	 */
	static const char latest_sql[] = EXPORT_SELECT
	    "WHERE d.id IN (SELECT max(id) FROM decisions WHERE id > ?1 AND "
	    "id <= ?2 GROUP BY item_id) AND (CAST(?3 AS TEXT) IS NULL OR "
	    "i.kind = ?3) "
	    "ORDER BY d.item_id";
	static const char each_sql[] = EXPORT_SELECT
	    "WHERE d.id > ?1 AND d.id <= ?2 AND (CAST(?3 AS TEXT) IS NULL "
	    "OR i.kind = ?3) AND NOT EXISTS (SELECT 1 FROM samples g WHERE "
	    "g.item_id = d.item_id AND (g.sample = 'gold' OR "
	    "(g.sample = 'two_person' AND coalesce(d.vote, 0) = 1))) "
	    "ORDER BY d.id";
	struct store_stmt	*st;

	if ((*out = store_scan_new(q, which == STORE_EXPORT_LATEST ?
	    latest_sql : each_sql, 0, "database", cause)) == NULL)
		return (EX_SOFTWARE);
	st = store_scan_stmt(*out);
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, upto);
	store_bind_text(st, 3, kind);
	return (0);
}

int
store_export_have_messages(struct queue *q, int64_t since, int64_t upto,
    const char *kind, int with_auto, int *any, char **cause)
{
	/* Both stop at the first: the decisions by their key, in range. */
	static const char sql[] =
	    "SELECT CASE WHEN EXISTS (SELECT 1 FROM decisions d "
	    "JOIN items i ON i.id = d.item_id WHERE d.id > ?1 AND d.id <= ?2 "
	    "AND i.messages IS NOT NULL AND i.messages <> '[]' AND "
	    "(CAST(?3 AS TEXT) IS NULL OR i.kind = ?3)) OR (?4 <> 0 AND "
	    "EXISTS (SELECT 1 FROM items i WHERE i.state = 'auto' AND "
	    "i.messages IS NOT NULL AND i.messages <> '[]' AND "
	    "(CAST(?3 AS TEXT) IS NULL OR i.kind = ?3))) THEN 1 ELSE 0 END";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, upto);
	store_bind_text(st, 3, kind);
	store_bind_int(st, 4, with_auto);
	if ((rc = store_one(st, "export", cause)) != 0)
		return (rc);
	*any = store_int(st, 0) != 0;
	store_reset(st);
	return (0);
}

void
store_export_row_done(struct store_export_row *r)
{
	queue_item_free(r->item);
	queue_decisions_free(r->history, r->nhistory);
	memset(r, 0, sizeof *r);
}

int
store_export_next(struct store_scan *s, struct store_export_row *r,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	struct queue		*q = st->q;
	int64_t			 id;
	int			 rc;

	memset(r, 0, sizeof *r);
	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	id = store_int(st, 0);
	r->item = store_item_row(st, EXPORT_ITEM_COLUMN);
	if ((rc = store_item_children(q, r->item, cause)) != 0)
		goto fail;
	if (store_int(st, EXPORT_COUNT_COLUMN) == 1) {
		r->history = xcalloc(1, sizeof *r->history);
		r->nhistory = 1;
		store_decision_row(st, 0, r->history);
	} else {
		if ((rc = store_item_history(q, r->item->ext_id, &r->history,
		    &r->nhistory, cause)) != 0)
			goto fail;
		while (r->at < r->nhistory && r->history[r->at].id != id)
			r->at++;
		/* Inside the read transaction, it is in its history. */
		if (r->at == r->nhistory) {
			xasprintf(cause, "export: internal error: decision "
			    "%lld is not in the history of item %s",
			    (long long)id, r->item->ext_id);
			rc = EX_SOFTWARE;
			goto fail;
		}
	}
	r->hash = store_text(st, EXPORT_HASH_COLUMN);
	r->purged = store_int(st, EXPORT_PURGED_COLUMN) != 0;
	return (STORE_ROW);

fail:
	store_export_row_done(r);
	return (rc);
}

int
store_export_auto_scan(struct queue *q, const char *kind,
    struct store_scan **out, char **cause)
{
	static const char sql[] =
	    "SELECT " STORE_ITEM_COLUMNS ", " EXPORT_PURGED " FROM items i "
	    "WHERE i.state = 'auto' AND (CAST(?1 AS TEXT) IS NULL OR "
	    "i.kind = ?1) "
	    "ORDER BY i.id";

	if ((*out = store_scan_new(q, sql, 0, "export", cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(store_scan_stmt(*out), 1, kind);
	return (0);
}

int
store_export_auto_next(struct store_scan *s, struct queue_item **out,
    int *purged, char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	struct queue_item	*it;
	int			 rc;

	*out = NULL;
	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	it = store_item_row(st, 0);
	*purged = store_int(st, STORE_ITEM_NCOLUMNS) != 0;
	if ((rc = store_item_children(st->q, it, cause)) != 0) {
		queue_item_free(it);
		return (rc);
	}
	*out = it;
	return (STORE_ROW);
}

int
store_export_insert(struct queue *q, const struct queue_export_run *r,
    const char *exported_at, const char *actor, const char *audit_head,
    int64_t *id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO exports (format, options, path, exported_at, actor, "
	    "records, since_decision, last_decision, sha256, audit_head, "
	    "scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_prepare(q, sql, STORE_NEW_ID, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, r->format);
	store_bind_text(st, 2, r->options);
	store_bind_text(st, 3, r->path);
	store_bind_text(st, 4, exported_at);
	store_bind_text(st, 5, actor);
	store_bind_int(st, 6, (int64_t)r->records);
	store_bind_int(st, 7, r->since);
	store_bind_int(st, 8, r->last);
	store_bind_text(st, 9, r->sha256);
	store_bind_text(st, 10, audit_head);
	store_bind_text(st, 11, r->scope);
	if ((rc = store_run(st, "export", cause)) != 0)
		return (rc);
	*id = q->ops->last_id(q);
	return (0);
}

int
store_export_file_insert(struct queue *q, int64_t id, int64_t seq,
    const char *owner, const char *tmp, const char *dest, char **cause)
{
	static const char sql[] =
	    "INSERT INTO export_files (export_id, seq, owner, tmp, dest) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct store_stmt	*st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, seq);
	store_bind_text(st, 3, owner);
	store_bind_text(st, 4, tmp);
	store_bind_text(st, 5, dest);
	return (store_run(st, "export", cause));
}

int
store_export_pending_scan(struct queue *q, const char *owner,
    struct store_scan **out, char **cause)
{
	static const char sql[] =
	    "SELECT export_id, tmp, dest FROM export_files WHERE owner = ? "
	    "ORDER BY export_id, seq";

	if ((*out = store_scan_new(q, sql, 0, "database", cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(store_scan_stmt(*out), 1, owner);
	return (0);
}

int
store_export_pending_next(struct store_scan *s, int64_t *id,
    const char **tmp, const char **dest, char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	*id = store_int(st, 0);
	*tmp = store_text(st, 1);
	*dest = store_text(st, 2);
	return (STORE_ROW);
}

int
store_export_files_delete(struct queue *q, int64_t id, char **cause)
{
	static const char sql[] =
	    "DELETE FROM export_files WHERE export_id = ?";
	struct store_stmt	*st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, id);
	return (store_run(st, "export", cause));
}

int
store_export_run_scan(struct queue *q, struct store_scan **out, char **cause)
{
	static const char sql[] =
	    "SELECT id, format, options, path, exported_at, actor, records, "
	    "since_decision, last_decision, sha256, scope, EXISTS (SELECT 1 "
	    "FROM export_files f WHERE f.export_id = exports.id) "
	    "FROM exports ORDER BY id";

	if ((*out = store_scan_new(q, sql, 0, "database", cause)) == NULL)
		return (EX_SOFTWARE);
	return (0);
}

int
store_export_run_next(struct store_scan *s, struct store_export_run *r,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	memset(r, 0, sizeof *r);
	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	r->id = store_int(st, 0);
	r->run.format = store_text(st, 1);
	r->run.options = store_text(st, 2);
	r->run.path = store_text(st, 3);
	r->exported_at = store_text(st, 4);
	r->actor = store_text(st, 5);
	r->run.records = (uint64_t)store_int(st, 6);
	r->run.since = store_int(st, 7);
	r->run.last = store_int(st, 8);
	r->run.sha256 = store_text(st, 9);
	r->run.scope = store_text(st, 10);
	r->run.pending = store_int(st, 11) != 0;
	return (STORE_ROW);
}
