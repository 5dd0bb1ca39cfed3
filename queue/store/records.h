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

/*
 * Audit verify reads every table once, each in the order of its ids, and
 * checks each row against the events the log holds; import's digest of a
 * batch is recomputed from items, flags and spans read side by side (three
 * scans open at once, merged by item id). The scans below are that read:
 * whole tables, in order; their rows' text is SQL NULL as NULL.
 */

/* The log in order of seq, each event with its transaction's signature. */
struct store_verify_event {
	int64_t		 seq;
	const char	*at, *actor, *event, *item;
	const char	*body, *prev_hash, *hash;
	/* signature NULL: the event ends no transaction's signed range. */
	const char	*key_id, *signature;
	int64_t		 first_seq;
};
int		 store_verify_event_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_event_next(struct store_scan *,
		     struct store_verify_event *, char **cause);
/* Whether a signature names an event the log lacks; the first, in *seq. */
int		 store_verify_orphan(struct queue *, int *found, int64_t *seq,
		     char **cause);

/* Policy versions in order, with the text each loaded. */
struct store_verify_policy {
	int		 version;
	const char	*loaded_at, *loaded_by, *sha256;
	const char	*body;
	size_t		 bodylen;
};
int		 store_verify_policy_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_policy_next(struct store_scan *,
		     struct store_verify_policy *, char **cause);

/* Import batches in order of id. */
struct store_verify_batch {
	int64_t		 id;
	const char	*started_at, *operator, *files;
	int64_t		 policy_version;
	int64_t		 imported, queued, auto_decided, duplicates, invalid;
	const char	*content_sha256;
};
int		 store_verify_batch_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_batch_next(struct store_scan *,
		     struct store_verify_batch *, char **cause);

/*
 * Items in row order (which is import order: a batch's items come
 * together), every one or a batch's. content holds the columns a batch's
 * digest takes; its auto_decided is left 0 (what state means is the
 * rules' to say).
 */
struct store_verify_item {
	int64_t			 id;
	int64_t			 batch;
	const char		*state;
	const char		*raw;		/* the input line, rawlen bytes */
	size_t			 rawlen;
	struct digest_item	 content;
};
int		 store_verify_item_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_batch_item_scan(struct queue *, int64_t batch,
		     struct store_scan **, char **cause);
int		 store_verify_item_next(struct store_scan *,
		     struct store_verify_item *, char **cause);

/*
 * Flags and spans by item, then idx: every item's, or (item_id not set)
 * one item's.
 */
struct store_verify_flag {
	int64_t		 item_id, idx;
	const char	*type, *detector, *rationale;
	double		 score;
	int		 has_offsets;	/* start and end are set */
	int64_t		 start, end;
};
int		 store_verify_flag_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_flag_next(struct store_scan *,
		     struct store_verify_flag *, char **cause);
int		 store_verify_item_flag_scan(struct queue *, int64_t item_id,
		     struct store_scan **, char **cause);
int		 store_verify_item_flag_next(struct store_scan *,
		     struct store_verify_flag *, char **cause);
struct store_verify_span {
	int64_t		 item_id, idx;
	const char	*entity_type;
	int64_t		 start, end;
	double		 score;
	const char	*recognizer, *explanation, *triage;
};
int		 store_verify_span_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_span_next(struct store_scan *,
		     struct store_verify_span *, char **cause);
int		 store_verify_item_span_scan(struct queue *, int64_t item_id,
		     struct store_scan **, char **cause);
int		 store_verify_item_span_next(struct store_scan *,
		     struct store_verify_span *, char **cause);

/* Decisions by item, then id: what moves the item's state. */
struct store_verify_decision {
	int64_t		 item_id, id;
	const char	*action;
	int64_t		 undoes;
};
int		 store_verify_decision_scan(struct queue *,
		     struct store_scan **, char **cause);
int		 store_verify_decision_next(struct store_scan *,
		     struct store_verify_decision *, char **cause);

/*
 * Escalations in order of id, each with the decision that opened it and
 * the one that resolved it (their columns NULL or 0 if there is none).
 */
struct store_verify_escalation {
	int64_t		 id, item_id;
	const char	*team, *reason, *severity, *note, *opened_by;
	int64_t		 opened_at, due_at;
	const char	*state, *acked_by;
	int64_t		 acked_at;
	const char	*resolved_by;
	int64_t		 resolved_at;
	const char	*outcome;
	int		 has_resolution;	/* resolution_id is set */
	struct {
		int64_t		 item_id;
		const char	*action, *reviewer, *decided_at, *payload;
		int64_t		 policy_version;
		int64_t		 undos;		/* decisions undoing it */
	} opened;
	struct {
		const char	*action, *reviewer, *decided_at, *payload;
	} resolution;
};
int		 store_verify_escalation_scan(struct queue *,
		     struct store_scan **, char **cause);
int		 store_verify_escalation_next(struct store_scan *,
		     struct store_verify_escalation *, char **cause);

/* Shifts in order of id; ended_at and counts NULL while one is open. */
struct store_verify_shift {
	int64_t		 id;
	const char	*reviewer, *started_at, *ended_at, *note, *counts;
};
int		 store_verify_shift_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_shift_next(struct store_scan *,
		     struct store_verify_shift *, char **cause);

/* Export runs in order of id. */
struct store_verify_export {
	int64_t		 id;
	const char	*format, *path, *exported_at, *actor;
	int64_t		 records, since_decision, last_decision;
	const char	*sha256, *audit_head, *options, *scope;
};
int		 store_verify_export_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_verify_export_next(struct store_scan *,
		     struct store_verify_export *, char **cause);

/* How many rows decisions, escalations and shifts hold. */
struct store_verify_counts {
	int64_t		 decisions, escalations, shifts;
};
int		 store_verify_counts(struct queue *,
		     struct store_verify_counts *, char **cause);
/* Each kind's count of waiting items, beside how many items wait. */
struct store_verify_waiting {
	const char	*kind;
	int64_t		 n, waiting;
};
int		 store_verify_waiting_scan(struct queue *,
		     struct store_scan **, char **cause);
int		 store_verify_waiting_next(struct store_scan *,
		     struct store_verify_waiting *, char **cause);

/*
 * For hitl audit key: the body of the log's first signing_key event (the
 * caller frees it; NULL if there is none), and the log's last seq (0 if
 * it is empty).
 */
int		 store_verify_key_event(struct queue *, char **body,
		     char **cause);
int		 store_verify_last_seq(struct queue *, int64_t *seq,
		     char **cause);

/* The baseline is on record: meta no longer asks for it. */
int		 store_baseline_done(struct queue *, char **cause);

/* --- Shifts (store/shifts.c) --- */

/* --- Escalations (store/escalations.c) --- */

/* --- Policies (store/policies.c) --- */

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
