/*
 * What queue/'s files share: the state of an open queue, the vocabulary of
 * actions, transactions with the log's signing and clock, the audit chain,
 * digests, and the checks the workflow's rules have in common. Nothing
 * outside queue/ includes this; the storage below is in store.h.
 */
#ifndef HITL_INTERNAL_H
#define HITL_INTERNAL_H

#include <time.h>

#include <openssl/evp.h>

#include "queue.h"
#include "sign.h"
#include "store.h"

/*
 * An action as the decisions table stores it: the state it moves the item
 * to (or ACTION_STATE_SAME, or ACTION_STATE_BACK: where the item was before
 * the decision an undo withdraws), the least role that may take it, whether
 * it needs the actor's live lease, the audit event that records it, and
 * what it does to the outcome in force on the item (the one exports take,
 * the last ACTION_FINAL not undone): sets it, clears it until a later one
 * (an escalation, a reopen), or passes over it.
 */
#define ACTION_STATE_SAME	(-1)
#define ACTION_STATE_BACK	(-2)
enum action_outcome {
	ACTION_PASS,
	ACTION_FINAL,
	ACTION_CLEARS
};
struct action_info {
	const char		*name;
	int			 to;
	enum policy_role	 role;
	int			 lease;
	const char		*event;
	enum action_outcome	 outcome;
};
/*
 * A decision that is a blind vote (queue_decision_info.vote) sets no
 * outcome and leaves the item queued, whatever its action: its round's
 * settlement does.
 */
const struct action_info *action_find(const char *);

/* Parses an item's messages (the JSON column) into its msgs. */
void	queue_item_messages(struct queue_item *);

/*
 * The log's tip: its last event (seq 0 and the genesis hash when it has
 * none), that event's time and signature, and the newest policy's version.
 */
struct store_tip {
	int		 policy_version;
	int64_t		 seq;
	char		 hash[65];
	char		 at[32];	/* "": the log is empty */
	int		 is_signed;	/* a well-formed signature ends on it */
	int64_t		 first_seq;	/* ...covering first_seq to seq */
	char		 signature[SIGN_HEX_LEN + 1];
};

#define STORE_BUSY_TIMEOUT_MS	5000
#define STORE_MAX_STMTS		192
/* 9999-12-31T23:59:59Z: the last second RFC 3339 times can say. */
#define STORE_CLOCK_MAX		253402300799LL

struct queue {
	const struct store_ops	*ops;		/* the backend */
	void			*conn;		/* its connection */
	/*
	 * The database as messages and queue_path name it, and what the
	 * backend opens: a file's path both; a server's URI, but path shows
	 * no password it holds (the shared install's does, which reviewers
	 * may not read).
	 */
	char			*path;
	char			*open_path;	/* file or connection URI */
	char			*keydir;	/* for a server's key (NULL: .) */
	char			*owner;		/* to own what migrations make */
	int			 schema;
	int			 created;	/* by this open */
	int64_t			 now;		/* pinned clock, 0 if none */
	int			 clock_text;	/* pinned by HITL_NOW */
	int			 busy_timeout_ms;

	struct policy		*policy;	/* cache, by version */
	int			 policy_version;

	char			*actor;		/* who acts; see queue_set_actor */
	int			 shared;	/* the shared install's database */

	/*
	 * The signing key, or NULL with key_error saying why a transaction
	 * that records events cannot commit (reads still work).
	 */
	struct sign_key		*key;
	char			*key_error;
	int			 key_rc;
	int			 key_recorded;	/* the log names the key */
	int			 key_recorded_txn; /* ...from this write on */

	/* The write transaction under way: its last event, its clock. */
	int64_t			 txn_seq;	/* 0: no event yet */
	int64_t			 txn_first_seq;
	char			 txn_hash[65];
	int64_t			 clock_floor;	/* the last event's time */
	int64_t			 txn_now;	/* the transaction's time */
	/*
	 * The tip as the write found it once it held the log's lock
	 * (tip_valid): nobody else appends until the write ends, so its
	 * first event's seq, predecessor and the check of that predecessor's
	 * signature need no further read.
	 */
	struct store_tip	 tip;
	int			 tip_valid;

	struct store_stmt	*stmts[STORE_MAX_STMTS];
	size_t			 nstmts;
	int			 in_txn;

	/* The notifier, and what the write under way will tell on commit. */
	queue_notify_fn		 notify_fn;
	void			*notify_arg;
	struct notify_pending	*pending;
	size_t			 npending;
};

/*
 * Tells of an event (the policy's hook names, policy.h): the item it is
 * about (NULL: none) and its own fields (an object, consumed; NULL: none),
 * merged into {"event", "at", "actor", "item", "database", ...}. Inside a
 * write transaction it is kept until the commit, and forgotten if the write
 * is rolled back; outside one it is told at once. Called by the rule that
 * carried out the action, e.g. queue_notify(q, "suspended", NULL, data).
 */
void		 queue_notify(struct queue *, const char *event,
		     const char *item, cJSON *fields);
/* After a commit (store_commit): tells what the write kept. */
void		 notify_flush(struct queue *);
/* Forgets what it kept (a rollback, the close). */
void		 notify_forget(struct queue *);

/*
 * Write transactions take the writers' lock (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: the log's head row), so writes that record events are one
 * after another; a failed one is rolled back. A commit signs the chain's
 * head when the transaction recorded events. store_begin_unlogged is for
 * writes that record none (claims, renewals): PostgreSQL runs them side by
 * side. Reads see one consistent snapshot between store_begin_read and
 * store_end_read.
 */
int		 store_begin(struct queue *, char **cause);
int		 store_begin_unlogged(struct queue *, char **cause);
/*
 * In a write begun unlogged, before its first write: takes the log's lock
 * (what store_begin takes at once), so that the reads and checks before it
 * run side by side on PostgreSQL. The transaction's time and policy are
 * then brought up to the log's: a policy loaded meanwhile fails it (75).
 */
int		 store_lock_log(struct queue *, char **cause);
int		 store_commit(struct queue *, char **cause);
void		 store_rollback(struct queue *);
int		 store_begin_read(struct queue *, char **cause);
void		 store_end_read(struct queue *);

/*
 * Appends an event to the hash chain, inside the caller's transaction. data
 * is consumed. The canonical serialization is the compact JSON of
 * {"v","seq","at","actor","event","item","data"} in that order; "v" is the
 * body's format (2: content by hash; absent in the first format).
 */
#define AUDIT_BODY_VERSION	2
/* What a batch's items hash to now (purge and erase record it). */
int		 verify_batch_digests(struct queue *, int64_t batch,
		     char content[65], char stored[65], char **cause);
void		 audit_commit_payload(cJSON *data);
int		 store_audit_append(struct queue *, const char *event,
		     const char *actor, const char *item, cJSON *data,
		     char **cause);

/* hash = SHA-256(prev ‖ body) as hex; -1 if prev is not 64 hex digits. */
#define STORE_AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"
int		 store_audit_hash(const char *prev_hex, const char *body,
		     char out[65]);

/*
 * The digest of what a batch stored of its items (import computes it, audit
 * verify recomputes it from the columns): each item's content columns, the
 * fact that triage decided it (state auto), then its flags or spans, in
 * their order. Values are tagged and length-prefixed; reals are their bits.
 */
struct digest {
	EVP_MD_CTX	*ctx;
	unsigned char	*buf;
	size_t		 len, cap;
	int		 failed;
};

struct digest_item {
	const char	*ext_id, *kind;
	int		 auto_decided;
	double		 priority;
	int		 spot_check;
	const char	*top_type;	/* NULL: no top_score either */
	double		 top_score;
	const char	*created_at, *imported_at, *src_file;
	int64_t		 src_line;
	int		 policy_version;
	const char	*source_model, *source_pipeline, *source, *metadata;
	const char	*prompt, *messages, *text;
};

void	digest_init(struct digest *);
void	digest_str(struct digest *, const char *);
void	digest_int(struct digest *, int64_t);
void	digest_real(struct digest *, double);
void	digest_flush(struct digest *);
int	digest_final(struct digest *, char hex[65]);
void	digest_done(struct digest *);
void	digest_item(struct digest *, const struct digest_item *);
void	digest_flag(struct digest *, int64_t idx, const char *type,
	    double score, const char *detector, const char *rationale,
	    int has_offsets, int64_t start, int64_t end);
void	digest_span(struct digest *, int64_t idx, const char *entity_type,
	    int64_t start, int64_t end, double score, const char *recognizer,
	    const char *explanation, const char *triage);

/*
 * Puts on record what the batches of a database made before signing stored
 * (one "baseline" event each); run once, by the first write after the
 * upgrade (meta needs_baseline).
 */
int	store_baseline(struct queue *, char **cause);

/* The current policy, loaded from the database when its version changed. */
int		 store_policy_refresh(struct queue *, char **cause);

void		 store_now_text(const struct queue *, char out[32]);
/* SHA-256 of data as lower-case hex. */
void		 store_sha256_hex(const void *, size_t, char out[65]);
/* PATH.key beside the database; the caller frees it. */
char		*store_key_path(const struct queue *);

/*
 * The actor's role under the current policy, refusing (EX_NOPERM) when it is
 * below min; what says what was attempted ("claim items").
 */
int		 store_require_role(struct queue *, enum policy_role min,
		     const char *what, char **cause);
/* The actor's open shift, opened (and recorded) if create is set. */
int		 store_shift_id(struct queue *, int create, int64_t *id,
		     char **cause);
/* Next value of a counter kept in meta (lease ids, queue order). */
int		 store_counter_next(struct queue *, const char *key,
		     int64_t *value, char **cause);

/* Gives the item to the actor under a new lease (claims, undo). */
int		 claim_item(struct queue *, int64_t id, struct queue_lease *,
		     char **cause);
/*
 * Refuses (EX_UNAVAILABLE, saying who holds it now) unless the actor holds the
 * item under lease_id; stores the item's row id.
 */
int		 claim_check(struct queue *, const char *item,
		     int64_t lease_id, int64_t *id, char **cause);

/* Validates a correction payload; shared with escalation resolutions. */
int		 decide_check_correction(const struct policy *,
		     const struct queue_item *, const cJSON *, char **cause);
/*
 * Refuses an approve (payload NULL or an approve's) or a correction of an
 * anonymization case whose accepted spans would overlap, naming them.
 */
int		 decide_check_overlap(const struct queue_item *,
		     const cJSON *, char **cause);
/* Validates a decision's payload (NULL: none) against the item. */
int		 decide_check_payload(const struct policy *,
		     const struct queue_item *, enum queue_action, const cJSON *,
		     char **cause);
/* Appends a decision row and its audit event (event); stores its id. */
int		 decide_append(struct queue *, int64_t item_id,
		     const char *ext_id, const char *action, int64_t shift,
		     int64_t lease, int64_t spent_ms, const char *payload,
		     int64_t undoes, int vote, const char *event, int64_t *id,
		     char **cause);

/*
 * Review quality (quality.c). The sample import records for a record of
 * id under the policy (NULL: none), and the votes it needs; a record's
 * gold answer checked as a decision on its item (*out: its JSON).
 */
struct record;
const char	*quality_sample_of(const struct policy *, int version,
		     const char *id, int gold, int64_t *votes);
int		 quality_gold_check(const struct policy *,
		     const struct record *, char **out, char **cause);
/*
 * Whether other reviewers' decisions on the item (by ext_id) are hidden
 * from the actor: on a gold item always, on an overlap or audit item
 * until its round is over; leads and admins see everything.
 */
int		 quality_blind(struct queue *, const char *item, int *blind,
		     char **cause);
/*
 * After the vote did on the item (appended): its ballot, and the round
 * settled, sent on, or (gold) scored; the item's state follows.
 */
struct store_sample;
int		 quality_vote(struct queue *, const struct queue_item *,
		     struct store_sample *, int64_t did, char **cause);
/* EX_NOPERM, saying why and who can lift it, if the actor is paused. */
int		 quality_paused(struct queue *, char **cause);
/* STORE_ROW with a gold item when this claim is served one. */
int		 quality_claim_gold(struct queue *, const struct queue_filter *,
		     int64_t shift, int64_t *id, char **cause);
/*
 * queue_rounds without the role check, inside the caller's read: rounds
 * whose last vote is after decision after; with settled, only those a
 * settlement ended.
 */
int		 quality_rounds_scan(struct queue *, int64_t after,
		     int settled, int (*fn)(const struct queue_round *, void *),
		     void *arg, char **cause);
/*
 * The two-person rule (twoperson.c). Whether the policy's two_person
 * section covers the item (*why, malloc'd: what matched); EX_NOPERM if
 * the item's pending decision is the actor's own; and the round the first
 * decision did opens (recorded, audited), *s becoming its sample.
 */
int		 twoperson_match(struct queue *, const struct queue_item *,
		     int *match, char **why, char **cause);
int		 twoperson_refuse_self(struct queue *,
		     const struct queue_item *, char **cause);
int		 twoperson_open(struct queue *, const struct queue_item *,
		     int64_t did, const char *why, struct store_sample *s,
		     char **cause);

/* Checks and carries out what undoing the decision means to its round. */
int		 quality_undo(struct queue *, int64_t item_id, const char *item,
		     int64_t decision, const char *action, int *vote,
		     char **cause);

#endif
