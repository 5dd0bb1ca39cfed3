/*
 * Copying a whole queue between two databases of any backends, row for row
 * and id for id, so that the copy's audit chain, signatures and every row
 * the chain covers are the same: audit verify on the copy gives the same
 * head.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "records.h"
#include "xmalloc.h"

/* A copy makes a new queue: it adds to nothing. */
static int
copy_check_empty(struct queue *dst, char **cause)
{
	int64_t	n;
	int	rc;

	if ((rc = store_copy_size(dst, &n, cause)) != 0)
		return (rc);
	if (n != 0) {
		xasprintf(cause, "%s is not empty: hitl copy makes a new "
		    "queue and adds to none", dst->path);
		return (EX_CANTCREAT);
	}
	return (0);
}

int
queue_copy(struct queue *src, const struct queue_options *o,
    struct queue_copy_counts *counts, char **cause)
{
	struct queue_options	 dopt;
	struct queue		*dst = NULL;
	char			*from = NULL, *to = NULL;
	int			 t, rc;

	memset(counts, 0, sizeof *counts);
	if ((rc = store_require_role(src, POLICY_ROLE_ADMIN, "copy the whole "
	    "queue (every item and decision in clear)", cause)) != 0)
		return (rc);
	dopt = *o;
	dopt.flags |= QUEUE_OPEN_CREATE;
	if ((rc = queue_open_with(&dopt, &dst, cause)) != 0)
		return (rc);
	if ((rc = copy_check_empty(dst, cause)) != 0)
		goto out;
	/*
	 * The copy is signed by the source's key: its log goes on being
	 * signed by it, and verifies with the key published for it.
	 */
	from = store_key_path(src);
	to = store_key_path(dst);
	if ((rc = sign_key_copy(from, to, dst->shared ? 0640 : 0600,
	    cause)) != 0)
		goto out;
	sign_key_free(dst->key);
	dst->key = NULL;
	if ((rc = sign_key_load(to, &dst->key, cause)) != 0)
		goto out;
	if ((rc = store_begin_read(src, cause)) != 0)
		goto out;
	if ((rc = store_begin(dst, cause)) != 0) {
		store_end_read(src);
		goto out;
	}
	for (t = 0; rc == 0 && t < STORE_COPY_NTABLES; t++)
		rc = store_copy_rows(src, dst, (enum store_copy_table)t,
		    &counts->rows[t], cause);
	if (rc == 0)
		rc = store_copy_state(src, dst, cause);
	store_end_read(src);
	if (rc != 0 || (rc = store_commit(dst, cause)) != 0) {
		store_rollback(dst);
		goto out;
	}
	counts->items = counts->rows[STORE_COPY_ITEMS];
	counts->decisions = counts->rows[STORE_COPY_DECISIONS];
	counts->events = counts->rows[STORE_COPY_AUDIT];
out:
	if (rc != 0 && dst != NULL && dst->created) {
		/* Nothing half copied is left behind. */
		dst->ops->unmake(dst);
		if (to != NULL)
			unlink(to);
	}
	free(from);
	free(to);
	queue_close(dst);
	return (rc);
}
