/*
 * The review queue: hitl's store and every rule of its workflow.
 *
 * An item is one model output or anonymization case sent by a producer, kept
 * with its original input line, its detector flags or PII spans, and a
 * priority. Import validates it and the triage policy either decides it on the
 * record ("auto") or queues it ("queued"). A reviewer claims the next queued
 * item under a lease ("claimed"); deciding it makes it "decided", escalating
 * it hands it to an accountable team ("escalated") whose lead settles it
 * ("resolved"). Decisions are append-only events, and every change is chained
 * into a tamper-evident audit log in the transaction that makes it. Who may do
 * what comes from the policy; the rules are enforced here, not in the console.
 *
 * Every function that can fail returns 0 or a sysexits.h code and sets *cause
 * to a message the user can act on; the caller frees it.
 */
#ifndef HITL_QUEUE_H
#define HITL_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "policy.h"

struct queue;

#define QUEUE_OPEN_CREATE	0x1	/* create a new database if missing */

enum queue_state {
	QUEUE_STATE_QUEUED,
	QUEUE_STATE_AUTO,
	QUEUE_STATE_CLAIMED,
	QUEUE_STATE_DECIDED,
	QUEUE_STATE_ESCALATED,
	QUEUE_STATE_RESOLVED,
	QUEUE_NSTATES
};

enum queue_kind {
	QUEUE_KIND_MODEL_OUTPUT,
	QUEUE_KIND_ANONYMIZATION,
	QUEUE_NKINDS
};

/* Opening and closing. */
int		 queue_open(const char *path, int flags, struct queue **,
		     char **cause);
void		 queue_close(struct queue *);
const char	*queue_path(const struct queue *);
int		 queue_schema_version(const struct queue *);
int		 queue_schema_latest(void);

/* Tests and demos may pin the clock (seconds since the epoch; 0 unpins). */
void		 queue_set_now(struct queue *, int64_t);
int64_t		 queue_now(const struct queue *);
const char	*queue_state_name(enum queue_state);
const char	*queue_kind_name(enum queue_kind);
int		 queue_kind_parse(const char *, enum queue_kind *);

/* The policy in force: the last one loaded, else the built-in default. */
int		 queue_policy(struct queue *, const struct policy **,
		     int *version, char **cause);
int		 queue_policy_load(struct queue *, const char *source,
		     const char *json, size_t len, const char *actor,
		     int *version, char **cause);

/* Where the policy in force came from; all NULL for the built-in default. */
struct queue_policy_info {
	int	 version;
	char	*loaded_at;
	char	*loaded_by;
	char	*source;
	char	*sha256;
};
int		 queue_policy_info(struct queue *, struct queue_policy_info *,
		     char **cause);
void		 queue_policy_info_done(struct queue_policy_info *);

/* Import: one run is one transaction and one batch. */
struct queue_import;

struct queue_import_counts {
	uint64_t	lines;		/* non-blank lines read */
	uint64_t	imported;	/* new items */
	uint64_t	queued;		/* of which queued for a human */
	uint64_t	auto_decided;	/* of which decided by the policy */
	uint64_t	duplicates;	/* identical records already stored */
	uint64_t	invalid;	/* lines refused */
};

/*
 * Starts an import run. With atomic set, a single invalid line makes
 * queue_import_finish store nothing.
 */
int		 queue_import_begin(struct queue *, const char *operator,
		     int atomic, struct queue_import **, char **cause);
/*
 * Imports one line (without its line terminator). Returns 0 when the line was
 * imported or was a duplicate, EX_DATAERR when the line was refused (cause
 * says why; the run goes on), any other code when the run cannot go on.
 */
int		 queue_import_line(struct queue_import *, const char *file,
		     uint64_t lineno, const char *line, size_t len,
		     char **cause);
/* Counts a line the caller refused itself (too long, say) as invalid. */
void		 queue_import_invalid(struct queue_import *);
/* Commits the run (or, atomic and with invalid lines, rolls it back). */
int		 queue_import_finish(struct queue_import *,
		     struct queue_import_counts *, int64_t *batch,
		     char **cause);
/* Abandons an unfinished run: nothing of it is stored. */
void		 queue_import_free(struct queue_import *);
void		 queue_import_counts(const struct queue_import *,
		     struct queue_import_counts *);

/* Status. */
struct queue_batch_info {
	int64_t		 id;
	char		*started_at;
	char		*operator;
	char		*files;		/* JSON array of names */
	uint64_t	 imported, queued, auto_decided, duplicates, invalid;
};

struct queue_stats {
	uint64_t		 counts[QUEUE_NKINDS][QUEUE_NSTATES];
	uint64_t		 total;
	int			 policy_version;
	char			*policy_name;
	int64_t			 oldest_queued;	/* imported at; 0 if none */
	struct queue_batch_info	*batches;	/* newest first */
	size_t			 nbatches;
};

int		 queue_stats(struct queue *, size_t max_batches,
		     struct queue_stats *, char **cause);
void		 queue_stats_done(struct queue_stats *);

/* Audit log. */
int		 queue_audit_head(struct queue *, int64_t *events,
		     char head[65], char **cause);

/* Formats a time as RFC 3339 UTC, "2026-11-28T13:05:35Z". */
void		 queue_format_time(int64_t, char out[32]);

#endif
