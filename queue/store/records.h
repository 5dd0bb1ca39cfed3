/*
 * The record-level storage interface: what queue/'s rules read and write,
 * record by record. Nothing above it holds SQL; below it, queue/store/ does.
 */
#ifndef HITL_RECORDS_H
#define HITL_RECORDS_H

/*
 * Each function runs in the caller's transaction (see store_begin) and
 * returns 0 or a sysexits code with *cause saying what went wrong. Both
 * backends take the same SQL for these, so each is written once, in
 * queue/store/<record>.c, on the statements of store.h; what the backends
 * do differently is in their ops tables (queue/store/sqlite.c, pg.c).
 *
 * Reads of many rows are scans: *_scan starts one, *_next fills the next
 * row (its text valid until the next call) and returns STORE_ROW, or
 * STORE_DONE at the end, or a sysexits code; store_scan_free ends it at
 * any point.
 */

#include <stdint.h>

#include "internal.h"

struct store_scan;
void		 store_scan_free(struct store_scan *);

/* --- Items, their flags and spans, their state (store/items.c) --- */

/*
 * (store_item_get, store_item_children, store_item_history, store_item_move
 * and the readers store_item_row, store_decision_row are declared in
 * internal.h, where the rules that call them look.)
 */

/* A state by its name: 0, or -1 for a name that is none. */
int		 store_state_parse(const char *, enum queue_state *);

/*
 * An item's lease columns, as claims check and change them; holder is the
 * caller's (store_item_lease_done).
 */
struct store_item_lease {
	int64_t			 id;
	enum queue_state	 state;
	char			*holder;	/* NULL: none */
	int64_t			 lease_id;
	int64_t			 expires;
};
/*
 * The item whose producer id is ext_id, its row locked until the
 * transaction ends (the claim or decision changes it): STORE_ROW, STORE_DONE
 * if there is none, or an error's code.
 */
int		 store_item_lease(struct queue *, const char *ext_id,
		     struct store_item_lease *, char **cause);
void		 store_item_lease_done(struct store_item_lease *);

/* --- Claims and leases (store/leases.c) --- */

/*
 * A lease is a row of its own (who, since and until when, who took it over)
 * and the item's lease columns, which say the lease in force: the functions
 * below keep the two in step, store_item_move changes the item's.
 */

/* The statement that finds the next item for a filter (tests explain it). */
const char	*claim_select_sql(const struct queue_filter *);
/*
 * The item the shift's next claim takes under the filter: the first waiting
 * one in claim order that no live lease holds and the shift did not skip,
 * nobody else's claim holding it meanwhile (PostgreSQL: SKIP LOCKED).
 * STORE_ROW with its row id, STORE_DONE if there is none, or an error's code.
 */
int		 store_claim_next(struct queue *, const struct queue_filter *,
		     int64_t shift, int64_t *id, char **cause);
/* Records the lease l (its id, holder, expiry) on the item, from claimed_at. */
int		 store_lease_insert(struct queue *, int64_t item_id,
		     const struct queue_lease *l, int64_t claimed_at,
		     char **cause);

/* A lease's row; its text is the caller's (store_lease_done). */
struct store_lease {
	int64_t		 item_id;
	char		*holder;
	int64_t		 expires;
	char		*taken_over_by;	/* NULL: not taken over */
};
/* STORE_ROW with the lease, STORE_DONE if there is none, or an error's code. */
int		 store_lease_get(struct queue *, int64_t lease_id,
		     struct store_lease *, char **cause);
void		 store_lease_done(struct store_lease *);
/*
 * The last decision but undos the reviewer made under the lease: STORE_ROW
 * with its action and time (the caller frees them), STORE_DONE if none.
 */
int		 store_lease_spent(struct queue *, int64_t lease_id,
		     const char *reviewer, char **action, char **decided_at,
		     char **cause);
/* The lease on the item now ends at expires, in its row and the item's. */
int		 store_lease_renew(struct queue *, int64_t item_id,
		     int64_t lease_id, int64_t expires, char **cause);
/* Marks the lease as taken over by another (a lead). */
int		 store_lease_take_over(struct queue *, int64_t lease_id,
		     const char *by, char **cause);

/* --- Paging and search (store/page.c), stats (store/stats.c) --- */

/*
 * The rows' text below is the caller's (queue_rows_free); holder is set
 * only for an item a lease holds at queue_now.
 */

/*
 * Up to limit waiting items matching the filter, in claim order: the first
 * or last ones, or those after or before pos (how: QUEUE_PAGE_*).
 */
int		 store_page_read(struct queue *, const struct queue_filter *,
		     int how, const struct queue_pos *pos, size_t limit,
		     struct queue_row **, size_t *, char **cause);
/* Items waiting for a human, by kind. */
int		 store_page_waiting(struct queue *,
		     uint64_t counts[QUEUE_NKINDS], char **cause);
/*
 * The first waiting item, in claim order, whose id starts with or whose text
 * contains needle: STORE_ROW with it, STORE_DONE if none, or an error's code.
 */
int		 store_page_search(struct queue *, const char *needle,
		     struct queue_row *, char **cause);

/* Adds the items' counts by kind and state, and their total, to s. */
int		 store_stats_counts(struct queue *, struct queue_stats *,
		     char **cause);
/* When the oldest waiting item was imported (0: none waits). */
int		 store_stats_oldest(struct queue *, int64_t *at, char **cause);
/* Adds the newest max finished import batches to s, newest first. */
int		 store_stats_batches(struct queue *, size_t max,
		     struct queue_stats *, char **cause);

/* --- Decisions and history (store/decisions.c) --- */

/* --- Exports (store/exports.c) --- */

/* --- The audit log, its signatures and key (store/audit.c) --- */

/* --- The whole record, read in order for audit verify (store/verify.c) --- */

/* --- Shifts (store/shifts.c) --- */

/* --- Escalations (store/escalations.c) --- */

/* --- Policies (store/policies.c) --- */

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
