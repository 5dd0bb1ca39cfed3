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

/*
 * Reads that may find nothing return STORE_ROW or STORE_DONE (nothing
 * there), as *_next does, or a sysexits code.
 */

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
};
/* Appends the row; stores its id. */
int		 store_decision_insert(struct queue *,
		     const struct store_decision_new *, int64_t *id,
		     char **cause);
/* The hook for exports: 1 if the decision was exported already. */
int		 store_decision_exported(struct queue *, int64_t id);

/*
 * The reviewer's latest decision of the shift that an undo may withdraw (a
 * reviewer's action, not undone), and its item as it is now, locked to the
 * commit; store_undoable_done frees what it holds (an empty one too).
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
		     int64_t shift, struct store_undoable *, char **cause);
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
		     const struct store_escalation_new *, char **cause);
/*
 * The escalation a decision opened: its state and who acknowledged or
 * resolved it ("" if nobody), copies in *state and *by.
 */
int		 store_escalation_of_decision(struct queue *, int64_t decision,
		     char **state, char **by, char **cause);
/* Marks the escalation a decision opened withdrawn (its undo). */
int		 store_escalation_withdraw(struct queue *, int64_t decision,
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
		     struct queue_item **, char **cause);

/* Records a run (the caller records its event); stores its id. */
int		 store_export_insert(struct queue *,
		     const struct queue_export_run *, const char *exported_at,
		     const char *actor, const char *audit_head, int64_t *id,
		     char **cause);
/*
 * The runs on record, in order; the text is valid until the next call, and
 * run's scope and callbacks are not set.
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

/* --- The whole record, read in order for audit verify (store/verify.c) --- */

/* --- Shifts (store/shifts.c) --- */

/* --- Escalations (store/escalations.c) --- */

/* --- Policies (store/policies.c) --- */

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
