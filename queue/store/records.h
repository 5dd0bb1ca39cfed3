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

/* --- Escalations (store/escalations.c) --- */

/* --- Policies (store/policies.c) --- */

/* --- Import batches (store/batches.c) --- */

/* --- Copies between databases (store/copy.c) --- */

/* --- The meta table: counters, flags, schema facts (store/meta.c) --- */

#endif
