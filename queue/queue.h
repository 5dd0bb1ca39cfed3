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
/*
 * The shared install's database: new files are 0660 (the key 0640) for the
 * install's group, and the test clock is never honoured.
 */
#define QUEUE_OPEN_SHARED	0x2
/*
 * With QUEUE_OPEN_CREATE: a database this open creates is marked as a demo
 * one (queue_is_demo), which hitl demo --reset may delete. Only a new
 * database gets the mark: no database becomes deletable later.
 */
#define QUEUE_OPEN_DEMO		0x4

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

/*
 * What a command may set when it opens the database. The test clock (Unix
 * seconds, as text: HITL_NOW) is refused when out of range, for the shared
 * database, and once a policy is in force that does not set
 * allow_clock_override.
 */
struct queue_options {
	const char	*path;
	int		 flags;		/* QUEUE_OPEN_* */
	const char	*clock;		/* NULL: the system's */
	int		 busy_timeout_ms;	/* 0: the default */
	/*
	 * Where the signing key of a server's database (postgresql://) is
	 * kept; a file's is beside it.
	 */
	const char	*keydir;
	/*
	 * A server's database: the role that is to own what the migrations
	 * make (hitl init --owner); NULL: the role hitl connects as.
	 */
	const char	*owner;
};
int		 queue_open_with(const struct queue_options *,
		     struct queue **, char **cause);
/*
 * A server's database: grants the role reviewers connect as what hitl
 * needs, and nothing that could change the record (hitl init --grant).
 */
int		 queue_grant(struct queue *, const char *role, char **cause);
/*
 * Copies the queue src holds, whole (policies, batches and items, shifts,
 * decisions, the audit log and its signatures, leases, escalations, export
 * runs, counters), into a new database o names, of either backend, with its
 * signing key: the copy verifies to the same head. Admins only.
 */
struct queue_copy_counts {
	uint64_t	rows[24];	/* per table */
	uint64_t	items, decisions, events;
};
int		 queue_copy(struct queue *src, const struct queue_options *o,
		     struct queue_copy_counts *, char **cause);

/* Whether this open made the database (hitl init). */
int		 queue_was_created(const struct queue *);
/* Whether a database's name is a server's (a postgresql:// URI). */
int		 queue_names_server(const char *);
/*
 * Whether path names one of the files the open database keeps (the file,
 * its -wal, -shm and -journal, its signing key): nothing may be written
 * there but by the store.
 */
int		 queue_owns_path(struct queue *, const char *path);
/*
 * path as an absolute name: its directory resolved, its last part kept as
 * it is (it need not exist). NULL, with errno, if the directory cannot be.
 */
char		*queue_absolute_path(const char *path);
void		 queue_close(struct queue *);
const char	*queue_path(const struct queue *);
int		 queue_schema_version(const struct queue *);
/* Whether the database was made as a demo one (QUEUE_OPEN_DEMO). */
int		 queue_is_demo(struct queue *);
int		 queue_schema_latest(void);

/*
 * Tests may pin the clock (seconds since the epoch; 0 unpins). Inside a write
 * the clock never goes before the last event's time.
 */
void		 queue_set_now(struct queue *, int64_t);
int64_t		 queue_now(const struct queue *);

const char	*queue_state_name(enum queue_state);
const char	*queue_kind_name(enum queue_kind);
int		 queue_kind_parse(const char *, enum queue_kind *);

/* The policy in force: the last one loaded, else the built-in default. */
int		 queue_policy(struct queue *, const struct policy **,
		     int *version, char **cause);
/*
 * A private copy of the policy in force, for callers that keep it across
 * other queue calls (which may load a newer version); policy_free it.
 */
int		 queue_policy_copy(struct queue *, struct policy **,
		     char **cause);
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
	/* of the queued, queued because their source is suspended */
	uint64_t	suspended;
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
 * says why; the run goes on), any other code when the run cannot go on (the
 * database refused a valid line, say): then nothing of the run is kept.
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
	/* The waiting item imported first; NULL (and 0s) if none waits. */
	char			*oldest_item;
	int64_t			 oldest_queued;	/* when it was imported */
	int64_t			 oldest_waiting; /* queue_waiting_seconds */
	struct queue_batch_info	*batches;	/* newest first */
	size_t			 nbatches;
	/*
	 * Review quality, for leads and admins (has_quality): rounds with a
	 * lead, rounds taking votes, and gold items (queued in counts, never
	 * waiting). Reviewers are not told how many gold items there are.
	 */
	int			 has_quality;
	uint64_t		 to_adjudicate, rounds_open, gold;
};

int		 queue_stats(struct queue *, size_t max_batches,
		     struct queue_stats *, char **cause);
void		 queue_stats_done(struct queue_stats *);

/*
 * The record of processing activities (GDPR Art. 30), as far as the store
 * knows it: the personal data held by type (spans by entity type, and the
 * pii.* flags of model outputs), with the items and values of each; every
 * actor of the audit log, with their events and first and last time; and
 * how the store is kept. Leads and admins only. The policy's part
 * (purposes, roles, retention) is queue_policy's, the recipients are the
 * export runs (queue_export_history).
 */
struct queue_processing_type {
	char		*type;
	int		 flag;		/* a flag's type, not a span's */
	uint64_t	 items, values;
};

struct queue_processing_actor {
	char		*actor;
	uint64_t	 events;
	char		*first, *last;	/* RFC 3339 */
};

/* Content removed: by cause (retention, erasure), from the tombstones. */
struct queue_processing_removal {
	char		*cause;
	uint64_t	 items;
	uint64_t	 runs;		/* purge or erase events */
	char		*first, *last;	/* RFC 3339 */
};

struct queue_processing {
	const char			*backend;	/* "sqlite", ... */
	int				 shared;	/* the shared install */
	int				 db_mode;	/* -1: no file */
	int				 key_mode;	/* -1: no key file */
	char				 key_id[17];	/* "": no key */
	struct queue_processing_type	*types;
	size_t				 ntypes;
	struct queue_processing_actor	*actors;
	size_t				 nactors;
	struct queue_processing_removal	*removals;
	size_t				 nremovals;
};
int		 queue_processing(struct queue *, struct queue_processing *,
		     char **cause);
void		 queue_processing_done(struct queue_processing *);

/*
 * Reviewer statistics: per actor of reviewer decisions (approve, correct,
 * escalate, skip, comment, undo) taken after since (an RFC 3339 time,
 * after it as for hitl export --since; NULL or "all": every decision),
 * ordered by name. Leads and admins get every reviewer; anyone else their
 * own line only (own_only set, a line of zeros if they have none).
 */
struct queue_reviewer_stats {
	char		*reviewer;
	uint64_t	 approve, correct, escalate, skip;
	uint64_t	 comments, undos;	/* their own undos */
	uint64_t	 items;		/* distinct items approved, corrected
					   or escalated */
	/* spent_ms of approve, correct, escalate and skip; NULLs left out */
	uint64_t	 timed;
	double		 median_ms, p90_ms;	/* valid when timed > 0 */
	/*
	 * Of their approves and corrects: in force when someone else
	 * reopened the item (reopened), or the last in force before an
	 * escalation someone else resolved with another outcome (resolved);
	 * overturned counts each such decision once.
	 */
	uint64_t	 overturned, reopened, resolved;
	/*
	 * Review quality. Gold: votes on gold items scored, and the points
	 * of their decisions (action and each verdict) that match the gold
	 * answers. Audit: audit rounds whose first decision was theirs, and
	 * of those upheld by the settlement. adjudicated: their votes of
	 * settled rounds the settlement (a lead's, or a majority's) did not
	 * take; overturned counts them too. Peers: Cohen's kappa with each
	 * other reviewer over settled rounds both voted in, weighted by
	 * the units they shared (peer_units 0: none, or undefined). paused:
	 * gold accuracy has paused them.
	 */
	uint64_t	 gold_items, gold_right, gold_total;
	uint64_t	 audited, audit_upheld;
	uint64_t	 adjudicated;
	uint64_t	 peer_units;
	double		 peer_kappa;
	int		 paused;
};
struct queue_reviewers {
	struct queue_reviewer_stats	*rows;
	size_t				 n;
	int				 own_only;
	int64_t				 after;	/* decisions after this id */
};
int		 queue_reviewers(struct queue *, const char *since,
		     struct queue_reviewers *, char **cause);
void		 queue_reviewers_done(struct queue_reviewers *);
/*
 * The percent-th percentile (0 to 100) of n > 0 sorted values, by linear
 * interpolation between the closest ranks (Hyndman and Fan's type 7, as
 * R's default and Python's statistics.quantiles(method="inclusive")):
 * h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]),
 * in integers up to one division, so that 4.5 is 4.5 and not 4.4999...
 */
double		 queue_percentile(const int64_t *sorted, size_t n,
		     unsigned percent);

/*
 * Who is acting. The login is the operating system's; an override (from
 * --reviewer or HITL_REVIEWER) is accepted only where the policy allows it.
 * Every workflow call below acts as this actor and checks its role.
 */
int		 queue_set_actor(struct queue *, const char *login,
		     const char *override, char **cause);
const char	*queue_actor(const struct queue *);
enum policy_role queue_actor_role(struct queue *);

/*
 * Notifications. The workflow's rules tell of events (an escalation
 * opened, a reviewer paused, ...) once the action that caused them has
 * committed, and only when the policy's "hooks" names a command for the
 * event: the notifier (one per queue; none set, nothing is told) gets the
 * command, its timeout and the event as one JSON object, and runs it. It
 * cannot fail the action: the action is done. queue_hook_failed puts a
 * failure on the audit log ("hook_failed": the event and what became of
 * the command, never its output), as the actor.
 */
struct queue_event {
	const char	*event;		/* "escalation_opened", ... */
	const char	*item;		/* NULL: about no item */
	const char	*command;	/* for /bin/sh -c */
	int		 timeout_seconds;
	const char	*json;		/* the object, on one line */
};
typedef void	(*queue_notify_fn)(struct queue *,
		     const struct queue_event *, void *arg);
void		 queue_set_notifier(struct queue *, queue_notify_fn,
		     void *arg);
int		 queue_hook_failed(struct queue *, const struct queue_event *,
		     const char *what, char **cause);

/* Shifts: one open shift per reviewer; the first claim opens one. */
struct queue_shift {
	int64_t		 id;
	char		*reviewer;
	char		*started_at;
	char		*ended_at;	/* NULL while open */
	char		*note;
	char		*counts;	/* JSON: {"approve":3,...} */
};
int		 queue_shift_start(struct queue *, int64_t *id, char **cause);
int		 queue_shift_end(struct queue *, const char *note,
		     struct queue_shift *ended, char **cause);
int		 queue_shift_current(struct queue *, struct queue_shift *,
		     char **cause);
/* Newest first; reviewer NULL for everyone's (a lead's view). */
int		 queue_shifts(struct queue *, const char *reviewer, size_t max,
		     struct queue_shift **, size_t *, char **cause);
void		 queue_shift_done(struct queue_shift *);
void		 queue_shifts_free(struct queue_shift *, size_t);

/* An item as stored, with its flags or spans. */
struct queue_flag {
	char	*type;
	double	 score;
	char	*detector;
	char	*rationale;
	int	 has_offsets;
	size_t	 start, end;		/* code points */
};

struct queue_span {
	char	*entity_type;
	size_t	 start, end;		/* code points */
	double	 score;
	char	*recognizer;
	char	*explanation;		/* JSON or NULL */
	char	*triage;		/* accepted, rejected, ambiguous */
};

/*
 * A span's explanation (Presidio's analysis_explanation, as stored) as
 * lines "key: value": recognizer, pattern_name, pattern, original_score,
 * score, textual_explanation, score_context_improvement,
 * supportive_context_word, validation_result, regex_flags, then any other
 * key it holds; null and empty fields are left out, a value that is not a
 * string is its JSON. Values are the producer's: sanitize them before showing them.
 * Returns the number of lines (0 for NULL or unreadable JSON).
 */
struct queue_explain_line {
	char	*key;
	char	*value;
};

size_t		 queue_explain_lines(const char *json,
		     struct queue_explain_line **);
void		 queue_explain_free(struct queue_explain_line *, size_t);

/* A chat message's call of a tool (OpenAI's "function" tool calls). */
struct queue_tool_call {
	char	*id;
	char	*name;		/* the function's */
	char	*arguments;	/* as the model wrote them (JSON text) */
};

/*
 * A chat message as imported: the role (system, developer, user, assistant,
 * tool), the content (text parts joined; NULL only for an assistant's
 * message that calls tools without text), and what may go with it: a name,
 * an assistant's tool calls, a tool's answer to one (tool_call_id).
 */
struct queue_message {
	char			*role;
	char			*content;
	char			*name;
	char			*tool_call_id;
	struct queue_tool_call	*calls;
	size_t			 ncalls;
};

struct queue_item {
	int64_t			 id;
	char			*ext_id;
	enum queue_kind		 kind;
	enum queue_state	 state;
	double			 priority;
	char			*top_type;
	double			 top_score;
	char			*holder;
	int64_t			 lease_id;
	int64_t			 lease_expires;
	int64_t			 claimed_at;
	char			*created_at;
	char			*imported_at;
	char			*source_model;
	char			*source_pipeline;
	char			*metadata;	/* JSON */
	char			*prompt;
	char			*messages;	/* JSON array */
	struct queue_message	*msgs;		/* the same, parsed */
	size_t			 nmsgs;
	char			*text;
	char			*raw;
	struct queue_flag	*flags;
	size_t			 nflags;
	struct queue_span	*spans;
	size_t			 nspans;
};

int		 queue_item_get(struct queue *, const char *ext_id,
		     struct queue_item **, char **cause);
void		 queue_item_free(struct queue_item *);

/* A decision (or any event on the item's record) as stored. */
struct queue_decision_info {
	int64_t		 id;
	char		*item;
	char		*action;
	char		*reviewer;
	int64_t		 shift_id;
	int64_t		 lease_id;
	int		 policy_version;
	char		*decided_at;
	int64_t		 spent_ms;
	char		*payload;	/* JSON or NULL */
	int64_t		 undoes;
	int64_t		 undone_by;	/* 0 unless withdrawn by an undo */
	int		 vote;		/* a blind vote, not in force */
};
/*
 * Whether a decision sets the outcome in force when nothing withdraws or
 * clears it (an approve, correct, resolve or settle that is no vote).
 */
int		 queue_decision_sets_outcome(const struct queue_decision_info *);
/*
 * Whether an action's payload names its outcome and correction (a
 * resolution's, a settlement's): {"outcome", "correction"?, ...}.
 */
int		 queue_action_has_outcome(const char *action);
/*
 * An item's decisions, in order. On an item in a blind review round (see
 * queue_rounds) a reviewer gets their own only.
 */
int		 queue_item_history(struct queue *, const char *ext_id,
		     struct queue_decision_info **, size_t *, char **cause);
void		 queue_decisions_free(struct queue_decision_info *, size_t);

/* Claims. */
struct queue_filter {
	const char	*kind;		/* model_output, anonymization */
	const char	*type;		/* flag category prefix or entity type */
	/*
	 * A claim of this item alone (its producer id: a row the reviewer
	 * chose), under the same rules as any claim; kind and type are then
	 * not looked at.
	 */
	const char	*item;
};

struct queue_lease {
	char		*item;
	int64_t		 lease_id;	/* fencing token, new on every claim */
	int64_t		 expires;
	char		*holder;
};

/*
 * Claims the highest-priority available item matching the filter (or the
 * filter's one item). Returns EX_UNAVAILABLE with *cause "nothing to
 * review..." when there is none, or saying who holds the one item.
 */
int		 queue_claim_next(struct queue *, const struct queue_filter *,
		     struct queue_lease *, char **cause);
/* Leads and admins: take a claim another reviewer holds (recorded). */
int		 queue_takeover(struct queue *, const char *item,
		     struct queue_lease *, char **cause);
int		 queue_renew(struct queue *, const char *item,
		     int64_t lease_id, int64_t *expires, char **cause);
int		 queue_release(struct queue *, const char *item,
		     int64_t lease_id, char **cause);
void		 queue_lease_done(struct queue_lease *);

/*
 * Decisions. The payload (JSON, may be NULL) depends on the action:
 *   approve   {"note"?}
 *   correct   model_output: {"text"?, "labels":[ids], "flags":[{"verdict":
 *             "confirmed"|"overturned"}, ... one per flag], "note"?}
 *             anonymization: {"spans":[{"verdict":"accepted"|"rejected"|
 *             "retyped", "entity_type"?}, ... one per span], "added":
 *             [{"start","end","entity_type"}], "note"?}
 *   escalate  {"team","reason","severity","note"?}
 *   skip      {"note"?}
 *   comment   {"note"}
 * A refused decision changes nothing; the caller keeps its input.
 */
enum queue_action {
	QUEUE_APPROVE,
	QUEUE_CORRECT,
	QUEUE_ESCALATE,
	QUEUE_SKIP,
	QUEUE_COMMENT
};
const char	*queue_action_name(enum queue_action);
int		 queue_action_parse(const char *, enum queue_action *);

struct queue_decision {
	const char		*item;
	int64_t			 lease_id;	/* not needed for comment */
	enum queue_action	 action;
	const char		*payload;	/* JSON text or NULL */
	int64_t			 spent_ms;	/* -1: since the claim */
};
int		 queue_decide(struct queue *, const struct queue_decision *,
		     int64_t *decision_id, char **cause);
/*
 * The two-person rule (the policy's two_person section): an approve or
 * correction of an item it covers, not in a review round already, takes
 * no effect by itself. It is recorded as the item's pending decision (a
 * vote of a "two_person" round, audited as event "two_person") and the
 * item goes back to the queue, where its first reviewer is never served
 * it again; a second, different reviewer sees the pending decision
 * (queue_pending) and confirms it (queue_confirm: the same decision,
 * which puts it in force as an agreement naming both) or decides
 * differently, which sends the item to a lead's adjudication. An
 * escalation, skip or comment needs nobody's confirmation. Nobody may
 * confirm or replace their own pending decision (EX_NOPERM).
 *
 * queue_pending gives the item's pending decision (*pending NULL when
 * none waits; queue_decisions_free(*pending, 1)).
 */
int		 queue_pending(struct queue *, const char *item,
		     struct queue_decision_info **pending, char **cause);
/* Decides the item held under lease_id as its pending decision says. */
int		 queue_confirm(struct queue *, const char *item,
		     int64_t lease_id, int64_t spent_ms, int64_t *decision_id,
		     char **cause);

/*
 * Batch approval, for rows a reviewer selected: queue_batch_check says
 * whether an item may be approved without being opened (*ok 0: a review
 * round's item or one under the two-person rule, to be reviewed on its
 * own; one reason for all, as review is blind). queue_batch_approve claims
 * and approves each item in turn as its own decision (undone one by one),
 * and puts on record (event batch_approve) which decisions were taken
 * together. An item it could not approve (held by someone, decided
 * meanwhile, left out) is counted in refused with why[i] saying why; the
 * others stand. Errors are the record's alone. queue_batch_done(b, n)
 * frees why.
 */
struct queue_batch {
	size_t	  approved, refused;
	char	**why;		/* one per item: NULL if approved */
};
int		 queue_batch_check(struct queue *, const char *item, int *ok,
		     char **cause);
int		 queue_batch_approve(struct queue *, const char *const *items,
		     size_t n, struct queue_batch *, char **cause);
void		 queue_batch_done(struct queue_batch *, size_t n);

/*
 * Leads and admins: puts a decided (or resolved) item back in the queue,
 * with a note saying why; the next decision on it supersedes the last one
 * (an exported decision cannot be undone, only superseded).
 */
int		 queue_reopen(struct queue *, const char *item, const char *note,
		     int64_t *decision_id, char **cause);
/*
 * Withdraws the actor's most recent decision still in force, of the open
 * shift or of the policy's undo_window_minutes (across shifts), unless it
 * was exported or someone acted on the item since; the item comes back to
 * the actor, claimed (l). Repeated, it goes further back.
 */
int		 queue_undo(struct queue *, struct queue_decision_info *undone,
		     struct queue_lease *, char **cause);

/*
 * The review queue as a list, for the console: the items waiting for a human
 * (queued or claimed) in claim order, a page at a time. A page starts after
 * (or, backwards, before) a row's position, so paging costs the same at any
 * depth of the queue. Rows are copies; look the item up again before acting.
 */
struct queue_pos {
	int64_t		 requeue;
	double		 priority;
	int64_t		 seq;
};

struct queue_row {
	struct queue_pos	 pos;
	char			*item;
	enum queue_kind		 kind;
	char			*top_type;
	double			 top_score;
	char			*imported_at;
	char			*created_at;
	char			*holder;	/* NULL unless held by a live lease */
	char			*source_model;	/* NULL: none */
	char			*source_pipeline;
	int			 suspended;	/* its source is suspended */
};

#define QUEUE_PAGE_FIRST	0	/* from the start; pos ignored */
#define QUEUE_PAGE_AFTER	1	/* rows after pos */
#define QUEUE_PAGE_BEFORE	2	/* rows before pos, returned in order */
#define QUEUE_PAGE_LAST		3	/* the last rows; pos ignored */

int		 queue_page(struct queue *, const struct queue_filter *,
		     int how, const struct queue_pos *, size_t limit,
		     struct queue_row **, size_t *, char **cause);
void		 queue_rows_free(struct queue_row *, size_t);
/* Items waiting for a human, by kind. */
int		 queue_waiting(struct queue *, uint64_t counts[QUEUE_NKINDS],
		     char **cause);
/* The first item whose id starts with, or whose text contains, needle. */
int		 queue_search(struct queue *, const char *needle,
		     struct queue_row *, int *found, char **cause);

/*
 * What exports read. An outcome is an item with the decision now in force
 * on it (approve, correct, or an escalation's resolution); escalations not
 * yet resolved have none and are not outcomes. Items decided by the policy
 * are outcomes without a decision.
 */
struct queue_outcome {
	const struct queue_item			*item;
	const struct queue_decision_info	*final;	/* NULL: by policy */
	const struct queue_decision_info	*history;
	size_t					 nhistory;
	/*
	 * Left out: its source is suspended and the decision came after the
	 * suspension began (queue_suspend). The callback writes nothing of
	 * it and only counts it.
	 */
	int					 suspended;
	/* Tombstoned (purge, erase): its content is gone; skip and count. */
	int					 purged;
};

/*
 * The spans a decision accepts on an anonymization case. payload is the
 * decision's (a resolution's "correction" is looked into): a correction's
 * verdicts keep the spans it accepts or retypes (with their new type) and
 * the spans it adds; any other payload, or NULL, is an approve, which keeps
 * the proposed spans triage did not reject, and with by_policy (an item
 * the policy decided, no decision) only those triage accepted. The set is
 * sorted by start, end and type; index is the proposed span's, or nspans +
 * i for added[i]; entity_type points into the item or the payload, which
 * must outlive the set. Returns the count; *out is malloc'd (NULL if 0).
 * Two accepted spans may not overlap: spaCy refuses such entities (E103),
 * doccano keeps one of them, so the decide rules refuse such a set.
 */
struct queue_final_span {
	size_t		 start, end;	/* code points, end exclusive */
	const char	*entity_type;
	size_t		 index;
};
size_t		 queue_spans_final(const struct queue_item *,
		     const cJSON *payload, int by_policy,
		     struct queue_final_span **);
/*
 * The next group of overlapping spans in a sorted set, from index from on:
 * returns its first index and sets *len (at least 2), or returns n.
 */
size_t		 queue_spans_overlap(const struct queue_final_span *,
		     size_t n, size_t from, size_t *len);
/*
 * Whether a text has nothing a reader could see: empty, or only white
 * space and invisible characters (a correction may not be such a text).
 */
int		 queue_text_blank(const char *);

/*
 * Minimum exposure (the policy's privacy.mask): the parts of an item's text
 * the console and hitl show replace by a mark of their type, "⟦EMAIL_ADDRESS⟧",
 * unless the item is revealed. Masked: on an anonymization case the spans
 * triage accepted and those decided[i] says have a verdict (decided may be
 * NULL), but never the span selected (the one being adjudicated; another
 * index, QUEUE_MASK_NO_SPAN, for none) nor one whose decided[i] is
 * QUEUE_MASK_AT_HAND (several at hand: votes that disagree on them), not
 * even where another overlaps it; on a model output the ranges of its
 * pii.* flags with offsets.
 * Overlapping ranges are one mask, adjacent ones two. Sorted, byte and code
 * point offsets into the item's text; entity_type points into the item.
 * Returns the count; *out is malloc'd (NULL if 0, and always with
 * privacy.mask "none").
 */
#define QUEUE_MASK_NO_SPAN	((size_t)-1)
#define QUEUE_MASK_AT_HAND	2	/* decided[i]: shown, as if selected */
#define QUEUE_MASK_LABEL_MAX	160	/* a type of 128 bytes and the marks */
struct queue_mask {
	size_t		 start, end;		/* bytes, end exclusive */
	size_t		 cp_start, cp_end;	/* code points */
	const char	*entity_type;
};
size_t		 queue_mask_ranges(const struct queue_item *,
		     const struct policy *, size_t selected,
		     const unsigned char *decided, struct queue_mask **);
/*
 * The same ranges by code point only (start and end are not set, and a
 * range may lie past the text's end): a caller showing part of a long text
 * converts only what it shows.
 */
size_t		 queue_mask_ranges_cp(const struct queue_item *,
		     const struct policy *, size_t selected,
		     const unsigned char *decided, struct queue_mask **);
/* The mark shown for a mask, "⟦TYPE⟧", cut to len. */
void		 queue_mask_label(const struct queue_mask *, char *buf,
		     size_t len);
/* text with each mask replaced by its mark; the caller frees it. */
char		*queue_mask_text(const char *text, const struct queue_mask *,
		     size_t n);
/*
 * Records that the actor had the masked values of item shown (audit event
 * "reveal", {"reason"}); the reason (NULL: none) is required when the
 * policy sets privacy.reveal_reason (EX_USAGE without one).
 */
int		 queue_reveal(struct queue *, const char *item,
		     const char *reason, char **cause);

/* The newest decision id; exports take decisions up to it. */
int		 queue_last_decision(struct queue *, int64_t *, char **cause);
/*
 * The last decision the previous export of a scope took (0 if none); a
 * scope is a format and the kind it was limited to ("labels/all").
 */
int		 queue_export_since(struct queue *, const char *scope,
		     int64_t *since, char **cause);
/*
 * Calls fn for every item whose decision in force was taken in
 * (since, upto], of kind (NULL: both); with include_auto, also the items
 * the policy decided (all of them when since is 0). fn returns non-zero to
 * stop; that value is returned. Items of a suspended source decided after
 * its suspension began come with suspended set. scope is the cursor since
 * comes from (queue_export_since), NULL if it is not one: the first run of
 * a cursor after a resume also takes the items the cursor's runs left out
 * while the source was suspended.
 */
int		 queue_outcomes(struct queue *, const char *scope,
		     int64_t since, int64_t upto,
		     const char *kind, int include_auto,
		     int (*fn)(const struct queue_outcome *, void *),
		     void *arg, char **cause);
/*
 * Sets *any if an item queue_outcomes would visit (the same arguments) has
 * chat messages: one query, so a chat format can choose the one form of
 * its file before the pass. An item whose decision in the range is not in
 * force (an escalation still open) counts too: the file is one form all
 * the same; so does one in the window of a suspension since resumed,
 * which a run of a cursor may take back.
 */
int		 queue_outcomes_have_messages(struct queue *, int64_t since,
		     int64_t upto, const char *kind, int include_auto,
		     int *any, char **cause);
/*
 * Calls fn for every decision in (since, upto], in order, with its item;
 * suspensions and scope as for queue_outcomes.
 */
int		 queue_decisions_each(struct queue *, const char *scope,
		     int64_t since,
		     int64_t upto, const char *kind,
		     int (*fn)(const struct queue_decision_info *,
		     const struct queue_outcome *, const char *audit_hash,
		     void *), void *arg, char **cause);
/* Was the decision in an export already? */
int		 queue_decision_exported(struct queue *, int64_t id);
/*
 * Feedback to the detectors (hitl detectors), for leads and admins. Every
 * decision in force is a verdict on its item's flags and spans: a flag is
 * confirmed or overturned as queue_flag_verdict says; a proposed span is
 * accepted (kept as its type), retyped (kept as another) or rejected (not
 * PII), and a span the reviewers added that no recognizer proposed is a
 * miss. Items the policy decided count apart (auto_decided: nobody looked
 * at them); reviewed ones scored below the threshold in force (flags:
 * model_output.min_flag_score; spans: anonymization.auto_accept) are spot
 * checks of what the policy decides alone (below_*). Rows are, by
 * detector, per flag detector and per span recognizer (the span's, or its
 * explanation's); by type, per flag type and per entity type; by
 * recognizer or entity type, for spans alone; the most reviewed first. since (NULL: all) keeps the
 * decisions taken at or after it (items the policy decided: imported).
 */
enum queue_detector_by {
	QUEUE_DETECTOR_BY_DETECTOR,
	QUEUE_DETECTOR_BY_TYPE,
	QUEUE_DETECTOR_BY_RECOGNIZER,
	QUEUE_DETECTOR_BY_ENTITY_TYPE
};
const char *const *queue_detector_by_names(void);
int		 queue_detector_by_parse(const char *,
		     enum queue_detector_by *);

struct queue_detector_row {
	char		*key;		/* "(none)": not named */
	const char	*kind;		/* "flag" or "span" */
	uint64_t	 reviewed, confirmed, overturned, retyped, added;
	char		*retyped_to;	/* the commonest new type, or NULL */
	uint64_t	 auto_decided;
	uint64_t	 below_reviewed, below_confirmed;
	double		 precision, precision_lo, precision_hi; /* Wilson 95% */
	/* The score band [band, band + 0.1) of most overturns; -1: none. */
	double		 band;
	uint64_t	 band_overturned;
	/*
	 * The lowest score at or above which the reviewed verdicts meet
	 * the policy's feedback.target_precision (-1: no threshold does),
	 * and the policy's threshold for the same.
	 */
	double		 threshold_advice, threshold_in_force;
};
struct queue_detector_report {
	struct queue_detector_row	*rows;
	size_t				 n;
	double				 target_precision;
};
int		 queue_detectors(struct queue *, const char *since,
		     enum queue_detector_by, struct queue_detector_report *,
		     char **cause);
void		 queue_detector_report_done(struct queue_detector_report *);
/*
 * The verdict on a model output's flag i under the decision in force
 * (payload parsed; NULL for none): a correction's own, "confirmed" or
 * "overturned"; without one, an approve says the flags were false alarms
 * and a resolution rejecting the output confirms them.
 */
const char	*queue_flag_verdict(const cJSON *payload, size_t i);
/*
 * The recognizer a span names: its own, else its explanation's
 * (analysis_explanation.recognizer), else NULL; *owned is set to what the
 * caller frees (NULL when the name points into the span).
 */
const char	*queue_span_recognizer(const struct queue_span *,
		     char **owned);
/* The Wilson score interval (95%) of k successes in n. */
void		 queue_wilson(uint64_t k, uint64_t n, double *lo, double *hi);

/*
 * Presidio configuration candidates (hitl detectors --presidio-config), for
 * leads and admins, from the decisions reviewers took on anonymization
 * cases (the policy's alone are not reviewers' verdicts): a value is the
 * text of a span (its code points in the item's text). The allow_list
 * holds the values rejected (not PII) at least min_count times; deny holds,
 * by entity type, the values reviewers added (no recognizer proposed them)
 * at least min_count times as that type, with the words seen before those
 * additions; context, by recognizer (the span's, or its explanation's),
 * the words seen before the spans it proposed that were accepted and those
 * rejected. Words are the PRESIDIO_WINDOW (5, as Presidio's context
 * enhancer) before a span, lower-cased; a word found inside any span of
 * the item is never one (it would tell a value); words too are kept when
 * seen at least min_count times. Each value carries its verdicts: n is the
 * count it is listed for (allow: rejected; deny: added as the type), the
 * others are over all the value's spans. Values are in clear only when the
 * actor may export unredacted (queue_export_allowed), else the SHA-256 hex
 * of the value's UTF-8. Items whose content is gone (purge, erase) and
 * those of a suspended source are skipped and counted. since (NULL: all)
 * keeps the decisions taken at or after it.
 */
struct queue_presidio_value {
	char		*value;		/* in clear, or SHA-256 hex */
	uint64_t	 n;
	uint64_t	 rejected, accepted, retyped, added;
};
struct queue_presidio_word {
	char		*word;
	uint64_t	 n;
};
struct queue_presidio_deny {
	char				*entity_type;
	struct queue_presidio_value	*values;
	size_t				 nvalues;
	struct queue_presidio_word	*context;
	size_t				 ncontext;
};
struct queue_presidio_context {
	char				*recognizer;
	struct queue_presidio_word	*accepted, *rejected;
	size_t				 naccepted, nrejected;
};
struct queue_presidio_report {
	int				 clear;
	unsigned			 min_count;
	int				 policy_version;
	char				 generated_at[32];
	uint64_t			 items;	/* cases counted */
	int64_t				*ids;	/* theirs: erase names the file */
	uint64_t			 skipped_content, skipped_suspended;
	struct queue_presidio_value	*allow;	/* the most rejected first */
	size_t				 nallow;
	struct queue_presidio_deny	*deny;	/* by entity type */
	size_t				 ndeny;
	struct queue_presidio_context	*context; /* by recognizer */
	size_t				 ncontext;
};
int		 queue_presidio_config(struct queue *, const char *since,
		     unsigned min_count, struct queue_presidio_report *,
		     char **cause);
void		 queue_presidio_report_done(struct queue_presidio_report *);
/*
 * The counting alone, outcome by outcome (the unit tests give crafted
 * ones): queue_presidio_finish fills a report (its policy_version and
 * generated_at left unset) from what was added.
 */
struct queue_presidio;
struct queue_presidio *queue_presidio_new(void);
void		 queue_presidio_add(struct queue_presidio *,
		     const struct queue_outcome *);
void		 queue_presidio_finish(struct queue_presidio *,
		     unsigned min_count, int clear,
		     struct queue_presidio_report *);
void		 queue_presidio_free(struct queue_presidio *);
/*
 * The lowest score s such that, of the n votes scored s or more, a share
 * of at least target were right; -1 if none.
 */
double		 queue_threshold_advice(const double *scores,
		     const int *right, size_t n, double target);
/*
 * Feedback to the models (hitl models), for leads and admins: per source
 * (model and pipeline; by model or by pipeline alone; or per flag type,
 * across sources, an output counted under each type it was flagged with,
 * type NULL for outputs with no flag), over all time or
 * per day or week (of when the output was made, else imported, UTC; a
 * week starts on Monday): outputs seen (the policy's and people's alike,
 * waiting ones too; gold items are none), flagged (a flag at or above
 * min_flag_score), reviewed by a person, approved, corrected, rejected at
 * an escalation's resolution, escalated (ever), not decided yet (open);
 * the flags confirmed by type and the corrections by label. since (NULL:
 * all) keeps what was decided (or, not decided, made) at or after it.
 */
enum queue_models_by {
	QUEUE_MODELS_BY_SOURCE,
	QUEUE_MODELS_BY_MODEL,
	QUEUE_MODELS_BY_PIPELINE,
	QUEUE_MODELS_BY_TYPE
};
enum queue_models_every {
	QUEUE_MODELS_ALL,
	QUEUE_MODELS_DAY,
	QUEUE_MODELS_WEEK
};
const char *const *queue_models_by_names(void);
const char *const *queue_models_every_names(void);
int		 queue_models_by_parse(const char *, enum queue_models_by *);
int		 queue_models_every_parse(const char *,
		     enum queue_models_every *);

struct queue_model_count {
	char		*key;
	uint64_t	 n;
};
struct queue_model_row {
	char				*model, *pipeline; /* NULL: none, or
							      not grouped */
	char				*type;	/* by type; NULL: no flag */
	char				 period[11];	/* "": all time */
	uint64_t			 seen, flagged, reviewed, approved,
					 corrected, rejected, escalated, open;
	struct queue_model_count	*confirmed;	/* by flag type */
	size_t				 nconfirmed;
	struct queue_model_count	*labels;	/* corrections' */
	size_t				 nlabels;
};
struct queue_models_report {
	struct queue_model_row	*rows;	/* by model, pipeline, period */
	size_t			 n;
};
int		 queue_models(struct queue *, const char *since,
		     enum queue_models_by, enum queue_models_every,
		     struct queue_models_report *, char **cause);
void		 queue_models_report_done(struct queue_models_report *);
/* An RFC 3339 time as stored, UTC to the second ("...Z"). */
int		 queue_time_utc(const char *time, char utc[32], char **cause);

/* The last decision taken at or before an RFC 3339 time. */
int		 queue_decision_before(struct queue *, const char *time,
		     int64_t *id, char **cause);

/* A file of a run: written under tmp, renamed to dest (absolute paths). */
struct queue_export_file {
	const char	*tmp;
	const char	*dest;
};

struct queue_export_run {
	const char	*format;
	const char	*scope;		/* see queue_export_since */
	const char	*options;	/* JSON */
	const char	*path;
	uint64_t	 records;
	int64_t		 since;		/* exclusive */
	int64_t		 last;		/* inclusive */
	const char	*sha256;
	/*
	 * Recording: the cursor's name (for messages) and where it stood
	 * (queue_export_since of scope) when the run read it: the record is
	 * refused if another run of the scope was recorded since. The files
	 * to place once the run is committed, and their owner (who may
	 * place them after a crash; see queue_export_pending).
	 */
	const char	*cursor;
	int64_t		 cursor_at;
	const struct queue_export_file *files;
	size_t		 nfiles;
	const char	*owner;
	/* History: some of its files are not placed yet. */
	int		 pending;
	/* The items (ids) the run's files hold: erase names the run. */
	const int64_t	*items;
	size_t		 nitems;
};
/*
 * May the actor export under the policy (unredacted: with personal data
 * left in, which needs exports.unredacted_role)?
 */
int		 queue_export_allowed(struct queue *, int unredacted,
		     char **cause);
/* Records a finished run and its audit event; gives the head after it. */
/*
 * Records a run, its audit event and its files still to be placed, in one
 * transaction; head is the log's head before the event, *id the run's.
 * EX_TEMPFAIL if another run of the scope was recorded since the run read
 * its cursor (both would take the same decisions).
 */
int		 queue_export_record(struct queue *,
		     const struct queue_export_run *, char head[65],
		     int64_t *id, char **cause);
/*
 * Files recorded runs of owner have not placed yet (a run killed between
 * its commit and its renames), in order, run by run; fn returns non-zero
 * to stop. queue_export_placed forgets those of run id once they are.
 */
int		 queue_export_pending(struct queue *, const char *owner,
		     int (*fn)(int64_t id, const char *tmp, const char *dest,
		     void *), void *arg, char **cause);
int		 queue_export_placed(struct queue *, int64_t id, char **cause);
int		 queue_export_history(struct queue *,
		     int (*fn)(const struct queue_export_run *, int64_t id,
		     const char *at, const char *actor, void *), void *arg,
		     char **cause);
/*
 * The key of hash redaction's HMAC: derived from the signing key, so the
 * same value hashes the same way in every export of the database, and
 * nobody who can only read the database can recompute it.
 */
int		 queue_redaction_key(struct queue *, unsigned char key[32],
		     char **cause);

/* Escalations. */
struct queue_escalation {
	int64_t		 id;
	char		*item;
	char		*team;
	char		*reason;
	char		*severity;
	char		*note;
	char		*opened_by;
	int64_t		 opened_at;
	int64_t		 due_at;
	char		*state;		/* open, acknowledged, resolved, ... */
	char		*acked_by;
	int64_t		 acked_at;
	char		*resolved_by;
	int64_t		 resolved_at;
	char		*outcome;
	int64_t		 notified_overdue_at;	/* 0: not told overdue */
};
/*
 * Overdue: nobody of the team has acknowledged (or resolved) it past its
 * due time, the severity's response time after it was opened.
 */
int		 queue_escalation_overdue(const struct queue_escalation *,
		     int64_t now);
/*
 * As hitl escalations --json prints it (and the escalation hooks are told
 * of it), at the time now.
 */
cJSON		*queue_escalation_json(const struct queue_escalation *,
		     int64_t now);
/* team NULL: every team the actor may see; all: also closed ones. */
int		 queue_escalations(struct queue *, const char *team, int all,
		     struct queue_escalation **, size_t *, char **cause);
void		 queue_escalations_free(struct queue_escalation *, size_t);
void		 queue_escalation_done(struct queue_escalation *);
int		 queue_escalation_ack(struct queue *, int64_t id,
		     char **cause);
/*
 * Tells (the escalation_overdue hook) of each escalation of the teams the
 * actor may see that is overdue and was not told of before, marks it told
 * and audits it ("escalation_overdue"): once each, whatever the hook
 * does. Returns those told (*out, *n; queue_escalations_free); EX_CONFIG
 * when the policy has no escalation_overdue hook.
 */
int		 queue_escalations_notify_overdue(struct queue *,
		     struct queue_escalation **out, size_t *n, char **cause);
/*
 * outcome: approve, correct (payload as for a correction) or reject (the
 * output must never be used). Final.
 */
int		 queue_escalation_resolve(struct queue *, int64_t id,
		     const char *outcome, const char *payload,
		     const char *note, char **cause);

/* Audit log. */
struct queue_audit_event {
	int64_t		 seq;
	char		*at;
	char		*actor;
	char		*event;
	char		*item;
	char		*body;
	char		*hash;
};
/*
 * What verification checks against: key (PEM, public or private) is the
 * key to trust, else the key beside the database, else the one the log
 * records; expect is a head published earlier that the chain must still
 * contain.
 */
struct queue_verify_options {
	const char	*key;
	size_t		 keylen;
	const char	*expect;
};

struct queue_verify_report {
	int64_t		 events;
	char		 head[65];
	int64_t		 signatures;
	int64_t		 legacy;	/* events made before signing */
	char		 key_id[17];	/* "" when nothing is signed */
	const char	*key_from;	/* "--key", "the key file", "the log" */
	int64_t		 expect_seq;	/* the event whose hash is expect */
	uint64_t	 items, batches, policies, decisions, escalations,
			 shifts, exports;
	uint64_t	 unbaselined;	/* batches made before signing whose
					   items are not yet on record */
	uint64_t	 tombstoned;	/* items whose content purge or erase
					   removed */
	uint64_t	 resealed;	/* first-format events of theirs whose
					   payloads purge or erase replaced by
					   hashes, links kept */
};
/*
 * Checks every page of the file, recomputes the chain, checks each
 * transaction's signature, and checks every table that grants authority or
 * feeds an export against the events that produced it: policies, batches
 * and their items, decisions, escalations, shifts and export runs. Returns
 * 0 with the report, or EX_DATAERR naming the first damage, broken link,
 * bad or missing signature or row that disagrees with its events.
 */
int		 queue_audit_verify(struct queue *,
		     const struct queue_verify_options *,
		     struct queue_verify_report *, char **cause);
/*
 * The public key that signs the log, as PEM after a line saying from which
 * event it signs (verify --key checks that too); the caller frees it.
 */
int		 queue_audit_key(struct queue *, char **text, char **cause);
/* That event, from such text (0 if it has no such line). */
int64_t		 queue_audit_key_from(const char *, size_t);
/* Calls fn for each event in order; item/actor filter when not NULL. */
int		 queue_audit_log(struct queue *, const char *item,
		     const char *actor,
		     int (*fn)(const struct queue_audit_event *, void *),
		     void *arg, char **cause);
int		 queue_audit_head(struct queue *, int64_t *events,
		     char head[65], char **cause);

/*
 * Retention and erasure. An item's content (text, prompt, messages, its
 * input line, and its decisions' corrections and notes) can be removed,
 * leaving a tombstone: the item's id, kind and state, the SHA-256 of what
 * was removed, when, by whom and why. purge removes the content of final
 * items last decided more than the policy's retention.content_days ago;
 * erase that of every item naming a data subject, and the subject's rows.
 * Each run checks the log first (queue_audit_verify) and is one audited
 * event committing to what it removed and to what is left, so the log
 * verifies after. Admins (erase: privacy.erase_role) only.
 */
struct queue_recipient {
	int64_t		 id;		/* the export run */
	char		*format, *path, *exported_at, *actor;
};
struct queue_tombstoned {
	char				*item, *kind, *state;
	char				 sha256[65];	/* of what was removed */
	int				 already;	/* tombstoned before */
	struct queue_decision_info	*decisions;	/* erase only */
	size_t				 ndecisions;
	struct queue_recipient		*exports;	/* erase only */
	size_t				 nexports;
};
struct queue_tombstone_report {
	struct queue_tombstoned	*items;
	size_t			 nitems;
	size_t			 removed;	/* tombstoned by this run */
	int64_t			 event;		/* its audit event; 0: none */
	char			 before[32];	/* purge: decided before */
	int			 content_days;	/* purge: the policy's */
	int			 audit_days;
};
void		 queue_tombstone_report_done(struct queue_tombstone_report *);
/* dry_run: what would go, nothing changed. */
int		 queue_purge(struct queue *, int dry_run,
		     struct queue_tombstone_report *, char **cause);
int		 queue_erase(struct queue *, const char *subject,
		     const char *reason, struct queue_tombstone_report *,
		     char **cause);

/*
 * Review quality (the policy's quality section). Import samples items by a
 * hash of their id and the policy version, and records the sample: an
 * "overlap" item goes to quality.overlap_reviewers distinct reviewers, an
 * "audit" item to one reviewer and then, blind, to a second; a "gold" item
 * (a record with a "gold" answer) is served at gold_rate of each
 * reviewer's claims and scored, never exported. Decisions on these items
 * are votes ("blind"): none is in force by itself, and nobody but leads
 * and admins sees another reviewer's vote until all are cast. Then equal
 * votes put one in force ("agreement"); unequal ones go to a lead
 * ("adjudication") or to one more reviewer until a majority, as the policy
 * says; either way a "settle" decision records what came into force, how,
 * and which vote it took.
 */
struct queue_vote {
	int64_t		 id;		/* the decision's */
	const char	*reviewer;
	const char	*action;	/* approve or correct */
	const char	*payload;	/* JSON or NULL */
	const char	*decided_at;
};
struct queue_round {
	const struct queue_item	*item;
	const char		*sample;	/* overlap or audit */
	const struct queue_vote	*votes;		/* in order, one per reviewer */
	size_t			 nvotes;
	const char		*settled_how;	/* agreement, adjudication,
						   majority; NULL: open */
	/* The settlement's payload (JSON): outcome, correction, chose. */
	const char		*settlement;
};
/*
 * Calls fn for each overlap or audit item with two votes or more not
 * withdrawn, the last cast after since (an RFC 3339 time as for hitl
 * export --since; NULL or "all": every one), in item order. Leads and
 * admins only (the votes of open rounds are blind to reviewers).
 */
int		 queue_rounds(struct queue *, const char *since,
		     int (*fn)(const struct queue_round *, void *), void *arg,
		     char **cause);

/*
 * The items waiting for a lead's adjudication (leads and admins), oldest
 * first, each with its votes.
 */
struct queue_adjudication {
	char				*item;
	char				*sample;	/* overlap, audit */
	struct queue_decision_info	*votes;
	size_t				 nvotes;
};
int		 queue_adjudications(struct queue *,
		     struct queue_adjudication **, size_t *, char **cause);
void		 queue_adjudications_free(struct queue_adjudication *, size_t);
/*
 * A lead settles an item waiting for adjudication: with chose, the
 * decision of that vote (action NULL); else action (approve or correct)
 * and its payload, decided anew. note is kept with the settlement.
 */
int		 queue_adjudicate(struct queue *, const char *item,
		     int64_t chose, const char *action, const char *payload,
		     const char *note, int64_t *decision_id, char **cause);

/*
 * Gold accuracy and pauses: a reviewer's gold votes scored since they were
 * last resumed, and whether they are paused (by whom resumed, when).
 */
struct queue_pause {
	int		 paused;
	char		*at;		/* of the last pause or resume */
	char		*by;		/* who resumed; NULL for a pause */
	uint64_t	 gold_items;	/* scored since the last resume */
	uint64_t	 right, total;
};
int		 queue_reviewer_pause(struct queue *, const char *login,
		     struct queue_pause *, char **cause);
void		 queue_pause_done(struct queue_pause *);
/* Leads and admins: lifts a reviewer's pause; scores start again. */
int		 queue_reviewer_resume(struct queue *, const char *login,
		     const char *note, char **cause);

/*
 * Agreement over the rounds (hitl agreement): the whole scope "all", and
 * with by ("label", "flag", "entity_type", "reviewer", "kind") one group
 * per value seen ("label:toxicity", "reviewer:ana", "kind:anonymization").
 */
struct queue_agreement_pair {
	char		*a, *b;		/* reviewers, a < b */
	size_t		 items;		/* units both rated */
	int		 defined;	/* kappa is defined */
	double		 kappa;
};
struct queue_agreement_f1 {
	char		*entity_type;	/* NULL: every type */
	size_t		 pairs;		/* reviewer pairs on items */
	size_t		 a, b, exact, a_hit, b_hit;
	double		 exact_f1, overlap_f1;
};
struct queue_agreement_group {
	char				*scope;
	size_t				 items;		/* rounds */
	size_t				 units;		/* rated questions */
	size_t				 reviewers;
	int				 has_percent, has_fleiss, has_alpha,
					 has_ac1;
	double				 percent, fleiss, alpha, ac1;
	struct queue_agreement_pair	*pairs;
	size_t				 npairs;
	struct queue_agreement_f1	*f1;		/* [0]: every type */
	size_t				 nf1;
};
struct queue_agreement {
	struct queue_agreement_group	*groups;	/* [0]: "all" */
	size_t				 ngroups;
};
int		 queue_agreement(struct queue *, const char *by,
		     const char *since, struct queue_agreement *,
		     char **cause);
void		 queue_agreement_done(struct queue_agreement *);

/*
 * Suspensions (EU AI Act Art. 14(4)(e): the overseer can interrupt the
 * system). A lead or admin suspends a source, a model or a pipeline, with
 * a reason: from then on import queues every item of it for a human (no
 * auto-accept, no auto-reject, no spot-check sampling, every span to be
 * judged), the console marks its waiting items, and exports leave out its
 * items decided after the suspension began. queue_resume lifts it; the
 * first export of each cursor after that takes what its runs left out.
 * Both are audited ("suspend", "unsuspend"). One suspension per
 * source at a time.
 */
enum queue_source {
	QUEUE_SOURCE_MODEL,
	QUEUE_SOURCE_PIPELINE
};
const char	*queue_source_name(enum queue_source);	/* model, pipeline */

struct queue_suspension {
	int64_t			 id;
	enum queue_source	 kind;
	char			*value;
	char			*reason;
	char			*by;
	char			*since;		/* RFC 3339 */
	int64_t			 since_decision; /* newest when it began */
	char			*resumed_at;	/* NULL while in force */
	char			*resumed_by;
	char			*resume_reason;	/* NULL: none given */
	int64_t			 until_decision; /* newest at the resume */
	int64_t			 resumed_export; /* newest run at the resume */
};
int		 queue_suspend(struct queue *, enum queue_source,
		     const char *value, const char *reason,
		     struct queue_suspension *, char **cause);
/* reason may be NULL. */
int		 queue_resume(struct queue *, enum queue_source,
		     const char *value, const char *reason,
		     struct queue_suspension *, char **cause);
/* In force (all 0) or every one (all 1), oldest first; anyone may read. */
int		 queue_suspensions(struct queue *, int all,
		     struct queue_suspension **, size_t *, char **cause);
/* The suspension in force among s[0..n) an item's source falls under. */
const struct queue_suspension *queue_suspension_find(
		     const struct queue_suspension *, size_t n,
		     const char *source_model, const char *source_pipeline);
void		 queue_suspension_done(struct queue_suspension *);
void		 queue_suspensions_free(struct queue_suspension *, size_t);

/* Formats a time as RFC 3339 UTC, "2026-11-28T13:05:35Z". */
void		 queue_format_time(int64_t, char out[32]);
/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void		 queue_hex(const unsigned char *, size_t n, char *out);
/* Formats a duration for people: "45s", "12m", "5h", "3d". */
void		 queue_format_age(int64_t seconds, char out[24]);
/*
 * How long an item has waited for a human: the seconds from its import,
 * when it entered the queue, to now. This is the one age hitl status and
 * the console's WAITING column show (review-time targets are about the
 * queue, and imported_at is hitl's own clock); the producer's created_at,
 * when the output was made, is shown beside it by hitl show. 0 for a time
 * that is not RFC 3339 UTC as import writes it ("2026-11-28T13:05:35Z").
 */
int64_t		 queue_waiting_seconds(const struct queue *,
		     const char *imported_at);
/* Unix seconds of such a time; 0 if it is not one. */
int64_t		 queue_parse_utc(const char *);

#endif
