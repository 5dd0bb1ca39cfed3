/*
 * Review quality's rows: what import sampled, the votes in force on each
 * item, gold scores, pauses, and the claim that serves a gold item.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "columns.h"
#include "records.h"
#include "xmalloc.h"

int
store_sample_insert(struct queue *q, int64_t item_id, const char *sample,
    int64_t votes, const char *gold, char **cause)
{
	static const char sql[] =
	    "INSERT INTO samples (item_id, sample, votes, gold, state) "
	    "VALUES (?, ?, ?, ?, 'open')";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, sample);
	store_bind_int(st, 3, votes);
	if (gold != NULL)
		store_bind_text(st, 4, gold);
	return (store_run(st, "import", cause));
}

/* By row id, or (item_id 0) by the item's ext_id. */
int
store_sample_get(struct queue *q, int64_t item_id, const char *ext_id,
    struct store_sample *s, char **cause)
{
	static const char id_sql[] =
	    "SELECT item_id, sample, votes, gold, state FROM samples "
	    "WHERE item_id = ?";
	static const char ext_sql[] =
	    "SELECT s.item_id, s.sample, s.votes, s.gold, s.state FROM "
	    "samples s JOIN items i ON i.id = s.item_id WHERE i.ext_id = ?";
	struct store_stmt	*st;
	int			 rc;

	memset(s, 0, sizeof *s);
	if ((st = store_stmt(q, item_id != 0 ? id_sql : ext_sql,
	    cause)) == NULL)
		return (EX_SOFTWARE);
	if (item_id != 0)
		store_bind_int(st, 1, item_id);
	else
		store_bind_text(st, 1, ext_id);
	if ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		s->item_id = store_int(st, 0);
		s->sample = store_column_text(st, 1);
		s->votes = store_int(st, 2);
		s->gold = store_column_text(st, 3);
		s->state = store_column_text(st, 4);
	}
	store_reset(st);
	return (rc);
}

void
store_sample_done(struct store_sample *s)
{
	free(s->sample);
	free(s->gold);
	free(s->state);
	memset(s, 0, sizeof *s);
}

int
store_samples_count(struct queue *q, uint64_t *adjudication, uint64_t *open,
    uint64_t *gold, char **cause)
{
	static const char sql[] =
	    "SELECT coalesce(sum(CASE WHEN state = 'adjudication' THEN 1 "
	    "ELSE 0 END), 0), coalesce(sum(CASE WHEN state = 'open' AND "
	    "sample <> 'gold' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN "
	    "sample = 'gold' THEN 1 ELSE 0 END), 0) FROM samples";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "status", cause)) != 0)
		return (rc);
	*adjudication = (uint64_t)store_int(st, 0);
	*open = (uint64_t)store_int(st, 1);
	*gold = (uint64_t)store_int(st, 2);
	store_reset(st);
	return (0);
}

int
store_sample_set(struct queue *q, int64_t item_id, const char *state,
    int64_t votes, char **cause)
{
	static const char sql[] =
	    "UPDATE samples SET state = ?, votes = ? WHERE item_id = ?";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, state);
	store_bind_int(st, 2, votes);
	store_bind_int(st, 3, item_id);
	return (store_run(st, "decide", cause));
}

int
store_ballot_insert(struct queue *q, int64_t item_id, const char *reviewer,
    int64_t decision_id, char **cause)
{
	static const char sql[] =
	    "INSERT INTO ballots (item_id, reviewer, decision_id) "
	    "VALUES (?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, reviewer);
	store_bind_int(st, 3, decision_id);
	return (store_run(st, "decide", cause));
}

int
store_ballot_delete(struct queue *q, int64_t decision_id, char **cause)
{
	static const char ballot_sql[] =
	    "DELETE FROM ballots WHERE decision_id = ?";
	static const char score_sql[] =
	    "DELETE FROM gold_scores WHERE decision_id = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, ballot_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision_id);
	if ((rc = store_run(st, "undo", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, score_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision_id);
	return (store_run(st, "undo", cause));
}

int
store_ballot_of(struct queue *q, int64_t decision_id, int *found,
    char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM ballots WHERE decision_id = ?";
	struct store_stmt	*st;
	int			 rc;

	*found = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision_id);
	rc = store_step(st, "database", cause);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	*found = rc == STORE_ROW;
	return (0);
}

int
store_ballots(struct queue *q, int64_t item_id,
    struct queue_decision_info **out, size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT " STORE_DECISION_COLUMNS " FROM ballots b "
	    "JOIN decisions d ON d.id = b.decision_id "
	    "JOIN items i ON i.id = d.item_id WHERE b.item_id = ? "
	    "ORDER BY d.id";
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		store_decision_row(st, 0, &(*out)[(*n)++]);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		queue_decisions_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

int
store_gold_score_insert(struct queue *q, int64_t decision_id,
    int64_t item_id, const char *reviewer, unsigned right, unsigned total,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO gold_scores (decision_id, item_id, reviewer, "
	    "right_n, total_n) VALUES (?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, decision_id);
	store_bind_int(st, 2, item_id);
	store_bind_text(st, 3, reviewer);
	store_bind_int(st, 4, right);
	store_bind_int(st, 5, total);
	return (store_run(st, "decide", cause));
}

int
store_gold_totals(struct queue *q, const char *reviewer, int64_t after,
    struct store_gold_totals *t, char **cause)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(right_n), 0), "
	    "coalesce(sum(total_n), 0) FROM gold_scores "
	    "WHERE reviewer = ? AND decision_id > ?";
	struct store_stmt	*st;
	int			 rc;

	memset(t, 0, sizeof *t);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	store_bind_int(st, 2, after);
	if ((rc = store_one(st, "database", cause)) != 0)
		return (rc);
	t->items = (uint64_t)store_int(st, 0);
	t->right = (uint64_t)store_int(st, 1);
	t->total = (uint64_t)store_int(st, 2);
	store_reset(st);
	return (0);
}

int
store_pause_insert(struct queue *q, const struct store_pause_new *p,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO pauses (reviewer, event, at, actor, scored, accuracy, "
	    "after_decision, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, p->reviewer);
	store_bind_text(st, 2, p->event);
	store_bind_text(st, 3, p->at);
	store_bind_text(st, 4, p->actor);
	store_bind_int(st, 5, (int64_t)p->scored);
	if (p->accuracy >= 0)
		store_bind_real(st, 6, p->accuracy);
	store_bind_int(st, 7, p->after_decision);
	store_bind_int(st, 8, p->audit_seq);
	return (store_run(st, "database", cause));
}

int
store_pause_last(struct queue *q, const char *reviewer, struct store_pause *p,
    char **cause)
{
	static const char sql[] =
	    "SELECT event, at, actor, scored, accuracy, after_decision "
	    "FROM pauses WHERE reviewer = ? ORDER BY id DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	memset(p, 0, sizeof *p);
	p->accuracy = -1;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	if ((rc = store_step(st, "database", cause)) == STORE_ROW) {
		p->event = store_column_text(st, 0);
		p->at = store_column_text(st, 1);
		p->actor = store_column_text(st, 2);
		p->scored = (uint64_t)store_int(st, 3);
		if (!store_is_null(st, 4))
			p->accuracy = store_real(st, 4);
		p->after_decision = store_int(st, 5);
	}
	store_reset(st);
	return (rc);
}

void
store_pause_done(struct store_pause *p)
{
	free(p->event);
	free(p->at);
	free(p->actor);
	memset(p, 0, sizeof *p);
}

int
store_claim_count(struct queue *q, const char *reviewer, int64_t *n,
    char **cause)
{
	static const char sql[] =
	    "SELECT count(*) FROM leases WHERE holder = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, reviewer);
	if ((rc = store_one(st, "claim", cause)) != 0)
		return (rc);
	*n = store_int(st, 0);
	store_reset(st);
	return (0);
}

int
store_claim_gold(struct queue *q, const char *kind, int64_t shift,
    int64_t *id, char **cause)
{
	/* A gold item the claimer never voted on, nor skipped this shift. */
	static const char sql[] =
	    "SELECT id FROM items WHERE id IN (SELECT item_id FROM samples "
	    "WHERE sample = 'gold') AND (state = 'queued' OR "
	    "state = 'claimed') AND (lease_expires IS NULL OR "
	    "lease_expires <= ?1) AND NOT EXISTS (SELECT 1 FROM ballots b "
	    "WHERE b.item_id = items.id AND b.reviewer = ?2) AND NOT EXISTS "
	    "(SELECT 1 FROM skips WHERE shift_id = ?3 AND "
	    "item_id = items.id) AND (CAST(?4 AS TEXT) IS NULL OR kind = ?4) "
	    "ORDER BY priority DESC, seq LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*id = 0;
	if ((st = store_prepare(q, sql, STORE_SKIP_LOCKED, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, queue_now(q));
	store_bind_text(st, 2, q->actor);
	store_bind_int(st, 3, shift);
	store_bind_text(st, 4, kind);
	rc = store_step(st, "claim", cause);
	if (rc == STORE_ROW)
		*id = store_int(st, 0);
	else if (rc != STORE_DONE)
		return (rc);
	store_reset(st);
	return (rc);
}

/* Steps a bound statement whose rows are item ids into *ids. */
static int
store_quality_ids(struct store_stmt *st, const char *what, int64_t **ids,
    size_t *n, char **cause)
{
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = store_step(st, what, cause)) == STORE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = store_int(st, 0);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

int
store_round_items(struct queue *q, int64_t after, int64_t **ids, size_t *n,
    char **cause)
{
	/*
	 * Rounds of two votes or more, the last cast after "after". The
	 * two-person rule's are not blind (the second person sees the
	 * first's decision): they measure no agreement between reviewers.
	 */
	static const char sql[] =
	    "SELECT s.item_id FROM samples s WHERE s.sample <> 'gold' AND "
	    "s.sample <> 'two_person' AND "
	    "(SELECT count(*) FROM ballots b WHERE b.item_id = s.item_id) "
	    ">= 2 AND (SELECT max(b.decision_id) FROM ballots b WHERE "
	    "b.item_id = s.item_id) > ? ORDER BY s.item_id";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, after);
	return (store_quality_ids(st, "agreement", ids, n, cause));
}

int
store_samples_waiting(struct queue *q, const char *state, int64_t **ids,
    size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT item_id FROM samples WHERE state = ? ORDER BY item_id";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, state);
	return (store_quality_ids(st, "database", ids, n, cause));
}
