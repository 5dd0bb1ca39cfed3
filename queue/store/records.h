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

struct record_flag;
struct record_span;

/* Opens an import's batch (its files still none); its row id in *id. */
int		 store_batch_insert(struct queue *, const char *started_at,
		     const char *operator, int policy_version, int64_t *id,
		     char **cause);
/* Closes batch id with what the run read, stored and counted. */
int		 store_batch_close(struct queue *, int64_t id,
		     const char *finished_at, const char *files,
		     const struct queue_import_counts *,
		     const char *content_sha256, char **cause);
/*
 * The turn in the queue the next imported item takes (*seq is left as it is
 * while the database keeps none), and setting it when a run ends.
 */
int		 store_batch_next_seq(struct queue *, int64_t *seq,
		     char **cause);
int		 store_batch_set_next_seq(struct queue *, int64_t seq,
		     char **cause);

/*
 * An item as an import stores it: what the batch's digest covers of it (its
 * state is auto if auto_decided, else queued; source, metadata and messages
 * are compact JSON), its turn in the queue, its batch and the line read.
 */
struct store_batch_item {
	struct digest_item	 d;
	int64_t			 seq;
	int64_t			 batch;
	const char		*raw;
	size_t			 rawlen;
};
/*
 * Stores the item unless its ext_id is taken: *id is its row id, or 0 when
 * the id was taken and nothing was stored.
 */
int		 store_batch_item_insert(struct queue *,
		     const struct store_batch_item *, int64_t *id,
		     char **cause);
/*
 * The item that holds ext_id, against the line that would take it: the same
 * bytes (same), or where the stored one came from (src_file is the caller's
 * to free).
 */
struct store_batch_taken {
	int		 same;
	char		*src_file;
	int64_t		 src_line;
	int64_t		 batch;
};
int		 store_batch_item_taken(struct queue *, const char *ext_id,
		     const char *line, size_t len, struct store_batch_taken *,
		     char **cause);
/* A flag or span of item item_id, idx its place; explanation is JSON. */
int		 store_batch_flag_insert(struct queue *, int64_t item_id,
		     int64_t idx, const struct record_flag *, char **cause);
int		 store_batch_span_insert(struct queue *, int64_t item_id,
		     int64_t idx, const struct record_span *,
		     const char *explanation, char **cause);
/*
 * Adds a run's items, by kind (QUEUE_NKINDS each), to the counts kept of
 * those waiting and of each state.
 */
int		 store_batch_counts_add(struct queue *, const uint64_t queued[],
		     const uint64_t autos[], char **cause);

/* --- Copies between databases (store/copy.c) --- */

/*
 * The tables a copy moves row for row and id for id, in the order their
 * rows may be added: what a row refers to comes first.
 */
enum store_copy_table {
	STORE_COPY_POLICIES,
	STORE_COPY_BATCHES,
	STORE_COPY_ITEMS,
	STORE_COPY_FLAGS,
	STORE_COPY_SPANS,
	STORE_COPY_SHIFTS,
	STORE_COPY_DECISIONS,
	STORE_COPY_AUDIT,
	STORE_COPY_SIGNATURES,
	STORE_COPY_SKIPS,
	STORE_COPY_LEASES,
	STORE_COPY_ESCALATIONS,
	STORE_COPY_EXPORTS,
	STORE_COPY_NTABLES
};
/*
 * How much of a queue's record a database holds: its events, items and
 * policies together (0: none).
 */
int		 store_copy_size(struct queue *, int64_t *n, char **cause);
/* Every row of one table of src, as it is, into dst; adds them to *rows. */
int		 store_copy_rows(struct queue *src, struct queue *dst,
		     enum store_copy_table, uint64_t *rows, char **cause);
/*
 * What is the queue's state rather than its record, over dst's own: the
 * counts kept beside the rows, the meta rows, the counters, and whatever
 * dst's backend does after rows came in with their ids.
 */
int		 store_copy_state(struct queue *src, struct queue *dst,
		     char **cause);

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
