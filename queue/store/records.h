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

/* --- Claims and leases (store/leases.c) --- */

/* --- Paging and search (store/page.c), stats (store/stats.c) --- */

/* --- Decisions and history (store/decisions.c) --- */

/* --- Exports (store/exports.c) --- */

/* --- The audit log, its signatures and key (store/audit.c) --- */

/* The last event's seq and hash: 0 and STORE_AUDIT_GENESIS for none. */
int		 store_audit_head(struct queue *, int64_t *seq, char hash[65],
		     char **cause);
/* The time the last event says (NULL: no event); the caller frees it. */
int		 store_audit_last_at(struct queue *, char **at, char **cause);
/* An event as the log stores it; item may be NULL. */
struct store_audit_row {
	int64_t		 seq;
	const char	*at, *actor, *event, *item, *body, *prev_hash, *hash;
};
int		 store_audit_insert(struct queue *,
		     const struct store_audit_row *, char **cause);
/* The events of an item and by an actor (NULL: any), in their order. */
int		 store_audit_scan(struct queue *, const char *item,
		     const char *actor, struct store_scan **, char **cause);
int		 store_audit_next(struct store_scan *,
		     struct queue_audit_event *, char **cause);
/*
 * A transaction's signature: of its events first_seq to seq, by the hash
 * of its last (seq).
 */
struct store_signature {
	int64_t		 seq, first_seq;
	const char	*key_id, *signature;
};
int		 store_signature_insert(struct queue *,
		     const struct store_signature *, char **cause);
/*
 * Event seq's hash and the signature that ends on it (*signature NULL: none,
 * *first_seq then 0); the caller frees both texts. A missing event is an
 * internal error.
 */
int		 store_signature_at(struct queue *, int64_t seq, char **hash,
		     int64_t *first_seq, char **signature, char **cause);
/* The id of the key the log says signs it (NULL: none); the caller frees it. */
int		 store_signing_key_get(struct queue *, char **id, char **cause);
/* Says the log is signed by key id from now on. */
int		 store_signing_key_insert(struct queue *, const char *id,
		     char **cause);

/* --- The whole record, read in order for audit verify (store/verify.c) --- */

/* --- Shifts (store/shifts.c) --- */

/* --- Escalations (store/escalations.c) --- */

/* --- Policies (store/policies.c) --- */

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

/*
 * Whether the database was made as a demo one (the only kind hitl demo
 * --reset deletes); and marking a new one so.
 */
int		 store_meta_demo(struct queue *, int *demo, char **cause);
int		 store_meta_demo_set(struct queue *, char **cause);
/* Whether the batches made before signing still wait for their baseline. */
int		 store_meta_needs_baseline(struct queue *, int *due,
		     char **cause);

#endif
