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

/* --- The whole record, read in order for audit verify (store/verify.c) --- */

/* --- Shifts (store/shifts.c) --- */

/* The id of the reviewer's open shift (the newest), or 0 if none. */
int		 store_shift_open_id(struct queue *, const char *reviewer,
		     int64_t *id, char **cause);
/* The reviewer's open shift, the caller's; all zero (id 0) if none. */
int		 store_shift_open(struct queue *, const char *reviewer,
		     struct queue_shift *, char **cause);
/* Opens a shift at started_at; stores its id. */
int		 store_shift_insert(struct queue *, const char *reviewer,
		     const char *started_at, int64_t *id, char **cause);
/*
 * Ends shift id with its note (NULL: none) and counts (JSON text); ended,
 * if not NULL, is filled with the row as it now is (the caller's).
 */
int		 store_shift_end(struct queue *, int64_t id,
		     const char *ended_at, const char *note, const char *counts,
		     struct queue_shift *ended, char **cause);
/*
 * Shifts newest first, at most max, the reviewer's (NULL: everyone's).
 * store_shift_next fills a queue_shift the caller then owns (its fields are
 * copies, freed by queue_shift_done).
 */
int		 store_shift_scan(struct queue *, const char *reviewer,
		     size_t max, struct store_scan **, char **cause);
int		 store_shift_next(struct store_scan *, struct queue_shift *,
		     char **cause);
/*
 * Of a shift's decisions still in force (neither undos nor undone): how
 * many by action, in the order of the actions' names.
 */
struct store_shift_count {
	const char	*action;
	int64_t		 n;
};
int		 store_shift_count_scan(struct queue *, int64_t shift,
		     struct store_scan **, char **cause);
int		 store_shift_count_next(struct store_scan *,
		     struct store_shift_count *, char **cause);

/* --- Escalations (store/escalations.c) --- */

/*
 * A team's escalations, by due time; all: the closed ones too.
 * store_escalation_next fills a queue_escalation the caller then owns (its
 * fields are copies, freed by queue_escalations_free).
 */
int		 store_escalation_scan(struct queue *, const char *team, int all,
		     struct store_scan **, char **cause);
int		 store_escalation_next(struct store_scan *,
		     struct queue_escalation *, char **cause);
/*
 * Escalation id, the caller's, and its item's row id; all zero (id 0) if
 * there is none.
 */
int		 store_escalation_get(struct queue *, int64_t id,
		     struct queue_escalation *, int64_t *item_id, char **cause);
/* Marks it acknowledged by whom, when. */
int		 store_escalation_ack(struct queue *, int64_t id,
		     const char *by, int64_t at, char **cause);
/*
 * Marks it resolved (and acknowledged, if it was not) by whom, when, with
 * its outcome and the decision that resolved it.
 */
int		 store_escalation_resolve(struct queue *, int64_t id,
		     const char *by, int64_t at, const char *outcome,
		     int64_t resolution_id, char **cause);

/* --- Policies (store/policies.c) --- */

/* A version of the policy as loaded: its text is len bytes, kept whole. */
struct store_policy_row {
	int		 version;
	const char	*loaded_at;
	const char	*loaded_by;
	const char	*source;
	const char	*sha256;
	const char	*body;
	size_t		 len;
};
/*
 * The newest version and a copy of its text (the caller frees it; NULL if
 * the row has none, len 0), or version 0 and NULL if none was loaded.
 */
int		 store_policy_newest(struct queue *, int *version,
		     char **body, size_t *len, char **cause);
int		 store_policy_insert(struct queue *,
		     const struct store_policy_row *, char **cause);
/* The newest version's facts, the caller's; all zero if none. */
int		 store_policy_info(struct queue *, struct queue_policy_info *,
		     char **cause);

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
