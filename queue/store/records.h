/*
 * The record-level storage interface: what queue/'s rules read and write,
 * record by record. Nothing above it holds SQL; below it, queue/store/ does.
 */
#ifndef HITL_RECORDS_H
#define HITL_RECORDS_H

/*
 * Each function runs in the caller's transaction (see store_begin) and
 * returns 0 or a sysexits code with *cause saying what went wrong; a read
 * of one row that may find none returns STORE_ROW, or STORE_DONE when there
 * is none, so that the rule above says what a missing row means. Both
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

int		 store_item_children(struct queue *, struct queue_item *,
		     char **cause);
/* An item's history, without the role check (the caller made it). */
int		 store_item_history(struct queue *, const char *ext_id,
		     struct queue_decision_info **, size_t *, char **cause);
/*
 * The one place an item's state changes: to QUEUE_STATE_CLAIMED under the
 * lease l (held by the actor; its item's ext_id is returned in l->item), or
 * to any other state with the lease cleared. requeue, when not 0, is the
 * item's new turn at the end of the queue (a skip).
 */
int		 store_item_move(struct queue *, int64_t id, enum queue_state,
		     struct queue_lease *l, int64_t requeue, char **cause);
/* An item by row id (ext_id NULL) or by producer id. */
int		 store_item_get(struct queue *, int64_t id, const char *ext_id,
		     struct queue_item **, char **cause);

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
/*
 * The waiting item imported first and when (both NULL if none waits); the
 * caller frees them.
 */
int		 store_stats_oldest(struct queue *, char **item,
		     char **imported_at, char **cause);
/* Adds the newest max finished import batches to s, newest first. */
int		 store_stats_batches(struct queue *, size_t max,
		     struct queue_stats *, char **cause);

/* --- The record of processing (store/processing.c) --- */

/* Appends the personal data types seen, and the audit log's actors. */
int		 store_processing_types(struct queue *,
		     struct queue_processing *, char **cause);
int		 store_processing_removals(struct queue *,
		     struct queue_processing *, char **cause);
int		 store_processing_actors(struct queue *,
		     struct queue_processing *, char **cause);

/*
 * Every decision after id after, by item and then in order, with what
 * reviewer statistics weigh: action, actor, spent_ms (-1 for NULL), the
 * decision an undo withdraws (0: none) and a resolution's outcome (NULL
 * for any other decision). Text is valid until the next call.
 */
struct store_reviewer_row {
	int64_t		 id;
	int64_t		 item_id;
	const char	*action;
	const char	*reviewer;
	int64_t		 spent_ms;
	int64_t		 undoes;
	const char	*outcome;
};
int		 store_reviewer_scan(struct queue *, int64_t after,
		     struct store_scan **, char **cause);
int		 store_reviewer_next(struct store_scan *,
		     struct store_reviewer_row *, char **cause);

/* --- Decisions and history (store/decisions.c) --- */

/*
 * Reads that may find nothing return STORE_ROW or STORE_DONE (nothing
 * there), as *_next does, or a sysexits code.
 */

/* The decision as its audit event serializes it. */
int		 store_decision_json(struct queue *, int64_t id, cJSON **,
		     char **cause);

/* Seq the next audit event will get (inside a write transaction). */
int		 store_audit_next_seq(struct queue *, int64_t *, char **cause);

/* A decision row to append; the zero values say "none" (NULL). */
struct store_decision_new {
	int64_t		 item_id;
	const char	*action;
	const char	*reviewer;
	int64_t		 shift_id;	/* 0: none */
	int64_t		 lease_id;	/* 0: none */
	int		 policy_version;
	const char	*decided_at;
	int64_t		 spent_ms;	/* below 0: not known */
	const char	*payload;	/* JSON, or NULL */
	int64_t		 undoes;	/* 0: none */
	int64_t		 audit_seq;	/* of the event that records it */
	int		 vote;		/* a blind vote of a round */
};
/* Appends the row; stores its id. */
int		 store_decision_insert(struct queue *,
		     const struct store_decision_new *, int64_t *id,
		     char **cause);
/* The hook for exports: 1 if the decision was exported already. */
int		 store_decision_exported(struct queue *, int64_t id);

/*
 * The reviewer's latest decision that an undo may withdraw (a reviewer's
 * action, not undone), taken in the shift or at or after since (an RFC 3339
 * UTC time), and its item as it is now, locked to the commit;
 * store_undoable_done frees what it holds (an empty one too).
 */
struct store_undoable {
	int64_t	 id;		/* the decision */
	int64_t	 item_id;
	char	*action;
	char	*item;		/* the item's ext_id */
	char	*state;		/* the item's state now */
	char	*holder;
	int64_t	 expires;	/* the holder's lease */
};
int		 store_decision_undoable(struct queue *, const char *reviewer,
		     int64_t shift, const char *since,
		     struct store_undoable *, char **cause);
void		 store_undoable_done(struct store_undoable *);
/*
 * The first decision on the item since the decision after that is still in
 * force and changed something (neither a comment nor an undo), which an
 * undo of after would overrule: only its reviewer, action and decided_at
 * are set, in *out (free it with queue_decisions_free(*out, 1)).
 */
int		 store_decision_later(struct queue *, int64_t item_id,
		     int64_t after, struct queue_decision_info **out,
		     char **cause);

/*
 * A skip remembers the item's place in the queue before it (insert reads
 * both from the decision and its item), so that undo gives the item its
 * place back and forgets the skip.
 */
int		 store_skip_insert(struct queue *, int64_t decision,
		     char **cause);
int		 store_skip_undo(struct queue *, int64_t decision,
		     char **cause);

/* --- Exports (store/exports.c) --- */

/* The newest decision's id (0: none yet). */
int		 store_decision_last(struct queue *, int64_t *, char **cause);
/* The last decision decided at or before utc (RFC 3339, UTC; 0: none). */
int		 store_decision_before(struct queue *, const char *utc,
		     int64_t *id, char **cause);
/* The last decision the latest run of a scope took (0: no run yet). */
int		 store_export_since(struct queue *, const char *scope,
		     int64_t *since, char **cause);

/*
 * The decisions an export takes, in (since, upto] and of kind (NULL: any):
 * each item's latest, in item order, or each one, in decision order.
 */
enum store_export_rows {
	STORE_EXPORT_LATEST,
	STORE_EXPORT_EACH
};
/*
 * A row: the decision's item (with its flags or spans) and history, which
 * the row owns (store_export_row_done frees them), and its event's hash.
 */
struct store_export_row {
	struct queue_item		*item;
	struct queue_decision_info	*history;
	size_t				 nhistory;
	size_t				 at;	/* the row's decision */
	const char			*hash;	/* valid until the next */
	int				 purged;	/* tombstoned */
};
int		 store_export_scan(struct queue *, enum store_export_rows,
		     int64_t since, int64_t upto, const char *kind,
		     struct store_scan **, char **cause);
int		 store_export_next(struct store_scan *,
		     struct store_export_row *, char **cause);
void		 store_export_row_done(struct store_export_row *);
/*
 * Auto-decided items of kind (NULL: any), which have no decision; next
 * gives each with its flags or spans, for the caller to free.
 */
int		 store_export_auto_scan(struct queue *, const char *kind,
		     struct store_scan **, char **cause);
int		 store_export_auto_next(struct store_scan *,
		     struct queue_item **, int *purged, char **cause);

/*
 * Sets *any if an item with a decision in (since, upto] (or, with auto,
 * one the policy decided) of kind (NULL: any) has chat messages.
 */
int		 store_export_have_messages(struct queue *, int64_t since,
		     int64_t upto, const char *kind, int with_auto, int *any,
		     char **cause);

/* Records a run (the caller records its event); stores its id. */
int		 store_export_insert(struct queue *,
		     const struct queue_export_run *, const char *exported_at,
		     const char *actor, const char *audit_head, int64_t *id,
		     char **cause);
/* A file of run id still to be placed (see queue_export_pending). */
int		 store_export_file_insert(struct queue *, int64_t id,
		     int64_t seq, const char *owner, const char *tmp,
		     const char *dest, char **cause);
int		 store_export_pending_scan(struct queue *, const char *owner,
		     struct store_scan **, char **cause);
int		 store_export_pending_next(struct store_scan *, int64_t *id,
		     const char **tmp, const char **dest, char **cause);
int		 store_export_files_delete(struct queue *, int64_t id,
		     char **cause);
/*
 * The runs on record, in order, with their scope and whether files are
 * still to be placed; the text is valid until the next call, and run's
 * cursor and files are not set.
 */
struct store_export_run {
	int64_t			 id;
	struct queue_export_run	 run;
	const char		*exported_at;
	const char		*actor;
};
int		 store_export_run_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_export_run_next(struct store_scan *,
		     struct store_export_run *, char **cause);

/* --- The audit log, its signatures and key (store/audit.c) --- */

/* The log's tip (struct store_tip), in one read. */
int		 store_audit_tip(struct queue *, struct store_tip *,
		     char **cause);

/* The last event's seq and hash: 0 and STORE_AUDIT_GENESIS for none. */
int		 store_audit_head(struct queue *, int64_t *seq, char hash[65],
		     char **cause);
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
	int		 vote;
};
/* Review quality's rows, counted against what they derive from. */
struct store_verify_quality {
	int64_t	 overlap, audit, gold;		/* samples */
	int64_t	 ballots, ballots_of_votes;	/* ...naming a vote in force */
	int64_t	 votes;				/* votes in force */
	int64_t	 scores, scores_of_ballots;	/* ...of a gold ballot */
	int64_t	 gold_ballots;
	int64_t	 pauses;
	int64_t	 two_person;			/* rounds a decision opened */
};
int		 store_verify_quality_counts(struct queue *,
		     struct store_verify_quality *, char **cause);
struct store_verify_sample {
	const char	*ext_id;
	int		 policy_version;
	const char	*raw;
	const char	*sample;
	const char	*gold;
};
int		 store_verify_sample_scan(struct queue *,
		     struct store_scan **, char **cause);
int		 store_verify_sample_next(struct store_scan *,
		     struct store_verify_sample *, char **cause);
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
	int64_t		 notified_overdue_at;	/* 0: not told overdue */
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

/* The escalation an escalate decision opens. */
struct store_escalation_new {
	int64_t		 item_id;
	int64_t		 decision_id;
	const char	*team;
	const char	*reason;
	const char	*severity;
	const char	*note;		/* NULL: none */
	const char	*opened_by;
	int64_t		 opened_at;
	int64_t		 due_at;
};
int		 store_escalation_insert(struct queue *,
		     const struct store_escalation_new *, int64_t *id,
		     char **cause);
/* Marks it told overdue (escalations --notify-overdue), when. */
int		 store_escalation_notified(struct queue *, int64_t id,
		     int64_t at, char **cause);
/*
 * The escalation a decision opened: its state and who acknowledged or
 * resolved it ("" if nobody), copies in *state and *by.
 */
int		 store_escalation_of_decision(struct queue *, int64_t decision,
		     char **state, char **by, char **cause);
/*
 * The severities of an item's escalations on record (not withdrawn),
 * each once; the two-person rule reads them.
 */
int		 store_escalation_severities(struct queue *, int64_t item_id,
		     char ***severities, size_t *n, char **cause);
/* Marks the escalation a decision opened withdrawn (its undo). */
int		 store_escalation_withdraw(struct queue *, int64_t decision,
		     char **cause);

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
 * the row has none, len 0), or version 0 and NULL if none was loaded. The
 * text of the version the caller has (have) is not sent again: NULL.
 */
int		 store_policy_newest(struct queue *, int have, int *version,
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
 * those waiting (gold items never are) and of each state.
 */
int		 store_batch_counts_add(struct queue *, const uint64_t waiting[],
		     const uint64_t queued[], const uint64_t autos[],
		     char **cause);

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
	STORE_COPY_SAMPLES,
	STORE_COPY_BALLOTS,
	STORE_COPY_GOLD_SCORES,
	STORE_COPY_PAUSES,
	STORE_COPY_SUSPENSIONS,
	STORE_COPY_TOMBSTONES,
	STORE_COPY_SUBJECTS,
	STORE_COPY_EXPORT_ITEMS,
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

/*
 * Whether the database was made as a demo one (the only kind hitl demo
 * --reset deletes); and marking a new one so.
 */
int		 store_meta_demo(struct queue *, int *demo, char **cause);
int		 store_meta_demo_set(struct queue *, char **cause);
/* Whether the batches made before signing still wait for their baseline. */
int		 store_meta_needs_baseline(struct queue *, int *due,
		     char **cause);


/* Review quality (queue/store/quality.c). */
struct store_sample {
	int64_t	 item_id;
	char	*sample;	/* overlap, audit, gold */
	int64_t	 votes;		/* needed; gold: 0 */
	char	*gold;		/* the answer (JSON), gold only */
	char	*state;		/* open, adjudication, closed */
};
int		 store_sample_insert(struct queue *, int64_t item_id,
		     const char *sample, int64_t votes, const char *gold,
		     char **cause);
/*
 * STORE_ROW with the item's sample, STORE_DONE if it has none; the item
 * by row id, or (0) by its ext_id.
 */
int		 store_sample_get(struct queue *, int64_t item_id,
		     const char *ext_id, struct store_sample *, char **cause);
void		 store_sample_done(struct store_sample *);
int		 store_sample_set(struct queue *, int64_t item_id,
		     const char *state, int64_t votes, char **cause);
/* Rounds with a lead, rounds taking votes, gold items. */
int		 store_samples_count(struct queue *, uint64_t *adjudication,
		     uint64_t *open, uint64_t *gold, char **cause);
/* Items whose round is in that state, by row id. */
int		 store_samples_waiting(struct queue *, const char *state,
		     int64_t **ids, size_t *n, char **cause);
int		 store_ballot_insert(struct queue *, int64_t item_id,
		     const char *reviewer, int64_t decision_id, char **cause);
/* Withdraws a vote: its ballot and its gold score go. */
int		 store_ballot_delete(struct queue *, int64_t decision_id,
		     char **cause);
/* Whether the decision is a vote in force. */
int		 store_ballot_of(struct queue *, int64_t decision_id,
		     int *found, char **cause);
/* The votes in force on an item, in order. */
int		 store_ballots(struct queue *, int64_t item_id,
		     struct queue_decision_info **, size_t *, char **cause);
int		 store_gold_score_insert(struct queue *, int64_t decision_id,
		     int64_t item_id, const char *reviewer, unsigned right,
		     unsigned total, char **cause);
struct store_gold_totals {
	uint64_t	 items, right, total;
};
/* A reviewer's gold scores of votes after decision "after". */
int		 store_gold_totals(struct queue *, const char *reviewer,
		     int64_t after, struct store_gold_totals *, char **cause);
struct store_pause {
	char		*event;		/* pause, resume */
	char		*at;
	char		*actor;
	uint64_t	 scored;
	double		 accuracy;	/* below 0: none */
	int64_t		 after_decision;	/* scores count after it */
};
struct store_pause_new {
	const char	*reviewer;
	const char	*event;
	const char	*at;
	const char	*actor;
	uint64_t	 scored;
	double		 accuracy;	/* below 0: none */
	int64_t		 after_decision;
	int64_t		 audit_seq;
};
int		 store_pause_insert(struct queue *,
		     const struct store_pause_new *, char **cause);
/* STORE_ROW with the reviewer's last pause or resume, or STORE_DONE. */
int		 store_pause_last(struct queue *, const char *reviewer,
		     struct store_pause *, char **cause);
void		 store_pause_done(struct store_pause *);
/* How many claims the reviewer ever made (leases). */
int		 store_claim_count(struct queue *, const char *reviewer,
		     int64_t *n, char **cause);
/* STORE_ROW with a gold item to serve the actor, or STORE_DONE. */
int		 store_claim_gold(struct queue *, const char *kind,
		     int64_t shift, int64_t *id, char **cause);
/* Overlap and audit items with two votes or more, the last after after. */
int		 store_round_items(struct queue *, int64_t after, int64_t **ids,
		     size_t *n, char **cause);

/*
 * Suspensions: added (the row's id set in s), lifted (the resume's columns
 * of s), listed (active only, or all) oldest first.
 */
int		 store_suspension_insert(struct queue *,
		     struct queue_suspension *, int64_t audit_seq,
		     char **cause);
int		 store_suspension_resume(struct queue *,
		     const struct queue_suspension *, char **cause);
int		 store_suspensions(struct queue *, int all,
		     struct queue_suspension **, size_t *, char **cause);
/* The newest export run (of scope; NULL: of any), 0 if none. */
int		 store_export_last_run(struct queue *, const char *scope,
		     int64_t *id, char **cause);

/* --- Tombstones, data subjects, export membership (store/tombstones.c) --- */

/* An item purge or erase is to tombstone (or, erase, has already). */
struct store_doomed {
	int64_t		 id, batch;
	char		*ext_id, *kind, *state;
	int		 tombstoned;
};
void		 store_doomed_free(struct store_doomed *, size_t);
/* Final items (decided, resolved, auto) last decided before before. */
int		 store_tombstone_due(struct queue *, const char *before,
		     struct store_doomed **, size_t *, char **cause);
/* Every item that names subject, tombstoned or not. */
int		 store_subject_items(struct queue *, const char *subject,
		     struct store_doomed **, size_t *, char **cause);

/* What purge removes of an item (its row locked to the commit). */
struct store_content {
	char		*raw, *text, *prompt, *messages;
	struct {
		int64_t	 id;
		char	*action, *payload;
	}		*decisions;
	size_t		 ndecisions;
};
int		 store_content_get(struct queue *, int64_t item,
		     struct store_content *, char **cause);
void		 store_content_done(struct store_content *);

struct store_tombstone {
	int64_t		 item_id, audit_seq;
	const char	*removed_at, *actor, *cause, *reason, *content_sha256;
};
/* Records the tombstone and empties the item's content columns. */
int		 store_tombstone_insert(struct queue *,
		     const struct store_tombstone *, char **cause);
/* A tombstoned item's decision payload, rewritten (the guard checks). */
int		 store_decision_payload_set(struct queue *, int64_t decision,
		     const char *payload, char **cause);
int		 store_tombstone_exists(struct queue *, const char *ext_id,
		     int *found, char **cause);
/* Model outputs not decided yet, by source (store/models.c). */
struct store_open_output {
	const char	*model, *pipeline, *at;	/* at: created, else imported */
	const char	*type;		/* by type: the flag type (NULL: none) */
	double		 max_score;	/* its flags' (of the type) highest */
	int		 escalated;	/* else waiting or held */
};
/* by_type: a row for each flag type of an output (one if it has none). */
int		 store_open_outputs_scan(struct queue *, int by_type,
		     struct store_scan **, char **cause);
int		 store_open_outputs_next(struct store_scan *,
		     struct store_open_output *, char **cause);

/*
 * The events naming an item whose bodies are in the first format (no "v":
 * a decision's payload whole), for purge and erase to reseal; and the
 * rewrite of one such body, which the guard allows only for a tombstoned
 * item's first-format event, its chain columns as they were.
 */
struct store_audit_body {
	int64_t	 seq;
	char	*body;
};
int		 store_audit_first_format(struct queue *, const char *ext_id,
		     struct store_audit_body **, size_t *, char **cause);
void		 store_audit_bodies_free(struct store_audit_body *, size_t);
int		 store_audit_body_set(struct queue *, int64_t seq,
		     const char *body, char **cause);

/* Tombstones by item, with whether the item's content is gone. */
struct store_tombstone_row {
	const char	*ext_id, *removed_at, *actor, *cause, *reason;
	const char	*content_sha256;
	int64_t		 audit_seq;
	int		 emptied;
};
int		 store_tombstone_scan(struct queue *, struct store_scan **,
		     char **cause);
int		 store_tombstone_next(struct store_scan *,
		     struct store_tombstone_row *, char **cause);

int		 store_subject_insert(struct queue *, const char *subject,
		     int64_t item, char **cause);
int		 store_subject_delete(struct queue *, const char *subject,
		     char **cause);

/* Export membership: which runs wrote an item. */
struct store_recipient {
	int64_t		 id;
	const char	*format, *path, *exported_at, *actor;
};
int		 store_export_item_insert(struct queue *, int64_t export_id,
		     int64_t item, char **cause);
int		 store_item_exports_scan(struct queue *, int64_t item,
		     struct store_scan **, char **cause);
int		 store_item_exports_next(struct store_scan *,
		     struct store_recipient *, char **cause);

#endif
