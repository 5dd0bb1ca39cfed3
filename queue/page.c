/*
 * The review queue as reviewers read it: a page at a time in claim order,
 * counts of what waits, and search.
 */
#include "config.h"

#include <stdlib.h>

#include "records.h"

/* Rows whose source is suspended are marked (inside the caller's read). */
static int
page_mark(struct queue *q, struct queue_row *rows, size_t n, char **cause)
{
	struct queue_suspension	*s;
	size_t			 ns, i;
	int			 rc;

	if ((rc = store_suspensions(q, 0, &s, &ns, cause)) != 0)
		return (rc);
	for (i = 0; i < n && ns > 0; i++)
		rows[i].suspended = queue_suspension_find(s, ns,
		    rows[i].source_model, rows[i].source_pipeline) != NULL;
	queue_suspensions_free(s, ns);
	return (0);
}

int
queue_page(struct queue *q, const struct queue_filter *f, int how,
    const struct queue_pos *pos, size_t limit, struct queue_row **rows,
    size_t *n, char **cause)
{
	int rc;

	*rows = NULL;
	*n = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "read the queue",
	    cause)) != 0)
		return (rc);
	if (limit == 0)
		return (0);
	/* One read transaction: the page is one consistent snapshot. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((rc = store_page_read(q, f, how, pos, limit, rows, n,
	    cause)) == 0)
		rc = page_mark(q, *rows, *n, cause);
	store_end_read(q);
	if (rc != 0) {
		queue_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return (rc);
}

void
queue_rows_free(struct queue_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].item);
		free(rows[i].top_type);
		free(rows[i].imported_at);
		free(rows[i].created_at);
		free(rows[i].holder);
		free(rows[i].source_model);
		free(rows[i].source_pipeline);
	}
	free(rows);
}

int
queue_waiting(struct queue *q, uint64_t counts[QUEUE_NKINDS], char **cause)
{
	return (store_page_waiting(q, counts, cause));
}

int
queue_search(struct queue *q, const char *needle, struct queue_row *row,
    int *found, char **cause)
{
	int rc;

	*found = 0;
	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER, "search items",
	    cause)) != 0)
		return (rc);
	rc = store_page_search(q, needle, row, cause);
	if (rc == STORE_ROW) {
		/* A position to page from: the page marks its rows. */
		*found = 1;
		free(row->source_model);
		free(row->source_pipeline);
		row->source_model = row->source_pipeline = NULL;
	}
	else if (rc != STORE_DONE)
		return (rc);
	return (0);
}
