/*
 * The waiting items a page at a time in claim order, by position rather
 * than offset so that every page is an index seek; counts and search.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

#define PAGE_COLUMNS \
	"SELECT requeue, priority, seq, ext_id, kind, top_type, top_score, " \
	"imported_at, created_at, CASE WHEN lease_expires > ?1 " \
	"THEN holder END, source_model, source_pipeline FROM items "
#define PAGE_WAITING "WHERE (state = 'queued' OR state = 'claimed') " \
	STORE_NOT_GOLD
#define PAGE_KIND "AND kind = ?2 "
#define PAGE_TYPE STORE_TYPE_FILTER("?3")

/*
 * The claim order is (requeue, priority DESC, seq): mixed directions, so
 * "after a position" is three seeks, tried in turn: the rest of its
 * priority, lower priorities in its turn, later turns. ?4, ?5, ?6 are the
 * position's requeue, priority and seq.
 */
static const char *const page_after[] = {
	"AND requeue = ?4 AND priority = ?5 AND seq > ?6 ",
	"AND requeue = ?4 AND priority < ?5 ",
	"AND requeue > ?4 ",
};
static const char *const page_before[] = {
	"AND requeue = ?4 AND priority = ?5 AND seq < ?6 ",
	"AND requeue = ?4 AND priority > ?5 ",
	"AND requeue < ?4 ",
};
#define PAGE_ORDER " ORDER BY requeue, priority DESC, seq LIMIT ?7"
#define PAGE_ORDER_BACK " ORDER BY requeue DESC, priority, seq DESC LIMIT ?7"

/*
 * Statement texts are cached by address, so each combination of filter,
 * part and direction is built once into this table and kept.
 */
static char *page_sql[2][2][4][2];

static const char *
page_text(int kind, int type, int part, int back)
{
	const char	*range = "";
	char		**slot = &page_sql[kind][type][part][back];

	if (*slot != NULL)
		return (*slot);
	if (part < 3)
		range = back ? page_before[part] : page_after[part];
	xasprintf(slot, "%s%s%s%s%s%s", PAGE_COLUMNS, PAGE_WAITING,
	    kind ? PAGE_KIND : "", type ? PAGE_TYPE : "", range,
	    back ? PAGE_ORDER_BACK : PAGE_ORDER);
	return (*slot);
}

static void
page_row(struct store_stmt *st, struct queue_row *r)
{
	enum queue_kind k = QUEUE_KIND_MODEL_OUTPUT;

	memset(r, 0, sizeof *r);
	r->pos.requeue = store_int(st, 0);
	r->pos.priority = store_real(st, 1);
	r->pos.seq = store_int(st, 2);
	r->item = store_column_text(st, 3);
	queue_kind_parse(store_text(st, 4), &k);
	r->kind = k;
	r->top_type = store_column_text(st, 5);
	r->top_score = store_real(st, 6);
	r->imported_at = store_column_text(st, 7);
	r->created_at = store_column_text(st, 8);
	r->holder = store_column_text(st, 9);
	r->source_model = store_column_text(st, 10);
	r->source_pipeline = store_column_text(st, 11);
}

/* One seek (part 3: from either end), appending up to limit rows in all. */
static int
page_run(struct queue *q, const struct queue_filter *f, int part, int back,
    const struct queue_pos *pos, size_t limit, struct queue_row **rows,
    size_t *n, char **cause)
{
	struct store_stmt	*st;
	int			 kind, type, rc;

	kind = f != NULL && f->kind != NULL;
	type = f != NULL && f->type != NULL;
	if ((st = store_stmt(q, page_text(kind, type, part, back),
	    cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, queue_now(q));
	if (kind)
		store_bind_text(st, 2, f->kind);
	if (type)
		store_bind_text(st, 3, f->type);
	if (pos != NULL) {
		store_bind_int(st, 4, pos->requeue);
		store_bind_real(st, 5, pos->priority);
		store_bind_int(st, 6, pos->seq);
	}
	store_bind_int(st, 7, (int64_t)(limit - *n));
	while ((rc = store_step(st, "queue", cause)) == STORE_ROW) {
		*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
		page_row(st, &(*rows)[(*n)++]);
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_page_read(struct queue *q, const struct queue_filter *f, int how,
    const struct queue_pos *pos, size_t limit, struct queue_row **rows,
    size_t *n, char **cause)
{
	struct queue_row	 tmp;
	size_t			 i;
	int			 part, back, rc = 0;

	*rows = NULL;
	*n = 0;
	back = how == QUEUE_PAGE_BEFORE || how == QUEUE_PAGE_LAST;
	if (how == QUEUE_PAGE_FIRST || how == QUEUE_PAGE_LAST)
		rc = page_run(q, f, 3, back, NULL, limit, rows, n, cause);
	else {
		for (part = 0; part < 3 && *n < limit && rc == 0; part++)
			rc = page_run(q, f, part, back, pos, limit, rows, n,
			    cause);
	}
	if (rc != 0) {
		queue_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return (rc);
	}
	/* Read backwards, returned in claim order. */
	for (i = 0; back && i < *n / 2; i++) {
		tmp = (*rows)[i];
		(*rows)[i] = (*rows)[*n - 1 - i];
		(*rows)[*n - 1 - i] = tmp;
	}
	return (0);
}

int
store_page_waiting(struct queue *q, uint64_t counts[QUEUE_NKINDS],
    char **cause)
{
	static const char sql[] = "SELECT kind, n FROM waiting";
	struct store_stmt	*st;
	enum queue_kind	 k;
	int		 rc;

	memset(counts, 0, sizeof counts[0] * QUEUE_NKINDS);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	while ((rc = store_step(st, "queue", cause)) == STORE_ROW) {
		if (queue_kind_parse(store_text(st, 0),
		    &k) == 0)
			counts[k] = (uint64_t)store_int(st, 1);
	}
	store_reset(st);
	if (rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_page_search(struct queue *q, const char *needle, struct queue_row *row,
    char **cause)
{
	/* instr(), not LIKE: the needle is text, not a pattern. */
	static const char sql[] = PAGE_COLUMNS PAGE_WAITING
	    "AND (substr(ext_id, 1, length(?2)) = ?2 OR instr(text, ?2) > 0) "
	    "ORDER BY requeue, priority DESC, seq LIMIT 1";
	struct store_stmt	*st;
	int		 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, queue_now(q));
	store_bind_text(st, 2, needle);
	rc = store_step(st, "search", cause);
	if (rc == STORE_ROW)
		page_row(st, row);
	store_reset(st);
	return (rc);
}
