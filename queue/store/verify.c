/*
 * The whole record as audit verify reads it: every table, in the order of
 * its ids, one row at a time.
 */

#include "config.h"

#include <sysexits.h>

#include "records.h"

/* All of verify's reads name themselves "verify" in errors. */
static int
verify_scan_open(struct queue *q, const char *sql, struct store_scan **s,
    char **cause)
{
	if ((*s = store_scan_new(q, sql, 0, "verify", cause)) == NULL)
		return (EX_SOFTWARE);
	return (0);
}

/* The same, for a statement of one parameter: the row id given. */
static int
verify_scan_open_id(struct queue *q, const char *sql, int64_t id,
    struct store_scan **s, char **cause)
{
	int	rc;

	if ((rc = verify_scan_open(q, sql, s, cause)) == 0)
		store_bind_int(store_scan_stmt(*s), 1, id);
	return (rc);
}

int
store_verify_event_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT a.seq, a.at, a.actor, a.event, a.item, a.body, "
	    "a.prev_hash, a.hash, s.key_id, s.signature, s.first_seq "
	    "FROM audit a LEFT JOIN audit_signatures s ON s.seq = a.seq "
	    "ORDER BY a.seq";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_event_next(struct store_scan *s, struct store_verify_event *e,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	e->seq = store_int(st, 0);
	e->at = store_text(st, 1);
	e->actor = store_text(st, 2);
	e->event = store_text(st, 3);
	e->item = store_text(st, 4);
	e->body = store_text(st, 5);
	e->prev_hash = store_text(st, 6);
	e->hash = store_text(st, 7);
	e->key_id = store_text(st, 8);
	e->signature = store_text(st, 9);
	e->first_seq = store_int(st, 10);
	return (rc);
}

int
store_verify_orphan(struct queue *q, int *found, int64_t *seq, char **cause)
{
	static const char sql[] =
	    "SELECT seq FROM audit_signatures WHERE seq NOT IN "
	    "(SELECT seq FROM audit) ORDER BY seq LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*found = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_step(st, "verify", cause)) == STORE_ROW) {
		*found = 1;
		*seq = store_int(st, 0);
	}
	store_reset(st);
	return (rc == STORE_ROW ? 0 : rc);
}

int
store_verify_policy_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT version, loaded_at, loaded_by, sha256, body FROM policies "
	    "ORDER BY version";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_policy_next(struct store_scan *s, struct store_verify_policy *p,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	p->version = (int)store_int(st, 0);
	p->loaded_at = store_text(st, 1);
	p->loaded_by = store_text(st, 2);
	p->sha256 = store_text(st, 3);
	p->body = store_bytes(st, 4, &p->bodylen);
	return (rc);
}

int
store_verify_batch_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT id, started_at, operator, files, policy_version, "
	    "imported, queued, auto_decided, duplicates, invalid, "
	    "content_sha256 FROM batches ORDER BY id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_batch_next(struct store_scan *s, struct store_verify_batch *b,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	b->id = store_int(st, 0);
	b->started_at = store_text(st, 1);
	b->operator = store_text(st, 2);
	b->files = store_text(st, 3);
	b->policy_version = store_int(st, 4);
	b->imported = store_int(st, 5);
	b->queued = store_int(st, 6);
	b->auto_decided = store_int(st, 7);
	b->duplicates = store_int(st, 8);
	b->invalid = store_int(st, 9);
	b->content_sha256 = store_text(st, 10);
	return (rc);
}

#define VERIFY_ITEM_SQL \
	"SELECT id, ext_id, kind, priority, spot_check, top_type, " \
	"top_score, created_at, imported_at, batch_id, policy_version, " \
	"source_model, source_pipeline, source, metadata, prompt, messages, " \
	"text, raw, state, src_file, src_line FROM items"

int
store_verify_item_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] = VERIFY_ITEM_SQL " ORDER BY id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_batch_item_scan(struct queue *q, int64_t batch,
    struct store_scan **s, char **cause)
{
	static const char sql[] = VERIFY_ITEM_SQL
	    " WHERE batch_id = ? ORDER BY id";

	return (verify_scan_open_id(q, sql, batch, s, cause));
}

int
store_verify_item_next(struct store_scan *s, struct store_verify_item *it,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	struct digest_item	*c = &it->content;
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	it->id = store_int(st, 0);
	it->batch = store_int(st, 9);
	it->state = store_text(st, 19);
	it->raw = store_bytes(st, 18, &it->rawlen);
	c->ext_id = store_text(st, 1);
	c->kind = store_text(st, 2);
	c->auto_decided = 0;
	c->priority = store_real(st, 3);
	c->spot_check = (int)store_int(st, 4);
	c->top_type = store_text(st, 5);
	c->top_score = store_real(st, 6);
	c->created_at = store_text(st, 7);
	c->imported_at = store_text(st, 8);
	c->src_file = store_text(st, 20);
	c->src_line = store_int(st, 21);
	c->policy_version = (int)store_int(st, 10);
	c->source_model = store_text(st, 11);
	c->source_pipeline = store_text(st, 12);
	c->source = store_text(st, 13);
	c->metadata = store_text(st, 14);
	c->prompt = store_text(st, 15);
	c->messages = store_text(st, 16);
	c->text = store_text(st, 17);
	return (rc);
}

/* A flag's columns from first on (idx, type, ... end_cp). */
static void
verify_flag_read(struct store_stmt *st, int first, struct store_verify_flag *f)
{
	f->idx = store_int(st, first);
	f->type = store_text(st, first + 1);
	f->score = store_real(st, first + 2);
	f->detector = store_text(st, first + 3);
	f->rationale = store_text(st, first + 4);
	/* Whether start_cp is NULL before it is read as a number. */
	f->has_offsets = !store_is_null(st, first + 5);
	f->start = store_int(st, first + 5);
	f->end = store_int(st, first + 6);
}

int
store_verify_flag_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT item_id, idx, type, score, detector, rationale, start_cp, "
	    "end_cp FROM flags ORDER BY item_id, idx";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_flag_next(struct store_scan *s, struct store_verify_flag *f,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	f->item_id = store_int(st, 0);
	verify_flag_read(st, 1, f);
	return (rc);
}

int
store_verify_item_flag_scan(struct queue *q, int64_t item_id,
    struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT idx, type, score, detector, rationale, start_cp, end_cp "
	    "FROM flags WHERE item_id = ? ORDER BY idx";

	return (verify_scan_open_id(q, sql, item_id, s, cause));
}

int
store_verify_item_flag_next(struct store_scan *s, struct store_verify_flag *f,
    char **cause)
{
	int	rc;

	if ((rc = store_scan_step(s, cause)) == STORE_ROW)
		verify_flag_read(store_scan_stmt(s), 0, f);
	return (rc);
}

/* A span's columns from first on (idx, entity_type, ... triage). */
static void
verify_span_read(struct store_stmt *st, int first, struct store_verify_span *sp)
{
	sp->idx = store_int(st, first);
	sp->entity_type = store_text(st, first + 1);
	sp->start = store_int(st, first + 2);
	sp->end = store_int(st, first + 3);
	sp->score = store_real(st, first + 4);
	sp->recognizer = store_text(st, first + 5);
	sp->explanation = store_text(st, first + 6);
	sp->triage = store_text(st, first + 7);
}

int
store_verify_span_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT item_id, idx, entity_type, start_cp, end_cp, score, "
	    "recognizer, explanation, triage FROM spans ORDER BY item_id, idx";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_span_next(struct store_scan *s, struct store_verify_span *sp,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	sp->item_id = store_int(st, 0);
	verify_span_read(st, 1, sp);
	return (rc);
}

int
store_verify_item_span_scan(struct queue *q, int64_t item_id,
    struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT idx, entity_type, start_cp, end_cp, score, recognizer, "
	    "explanation, triage FROM spans WHERE item_id = ? ORDER BY idx";

	return (verify_scan_open_id(q, sql, item_id, s, cause));
}

int
store_verify_item_span_next(struct store_scan *s, struct store_verify_span *sp,
    char **cause)
{
	int	rc;

	if ((rc = store_scan_step(s, cause)) == STORE_ROW)
		verify_span_read(store_scan_stmt(s), 0, sp);
	return (rc);
}

int
store_verify_decision_scan(struct queue *q, struct store_scan **s,
    char **cause)
{
	static const char sql[] =
	    "SELECT item_id, id, action, undoes, vote FROM decisions "
	    "ORDER BY item_id, id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_decision_next(struct store_scan *s,
    struct store_verify_decision *d, char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	d->item_id = store_int(st, 0);
	d->id = store_int(st, 1);
	d->action = store_text(st, 2);
	d->undoes = store_int(st, 3);
	d->vote = store_int(st, 4) != 0;
	return (rc);
}

int
store_verify_escalation_scan(struct queue *q, struct store_scan **s,
    char **cause)
{
	/* r.item_id is read by no one: kept, as the text is the cache's key. */
	static const char sql[] =
	    "SELECT e.id, e.item_id, e.team, e.reason, e.severity, e.note, "
	    "e.opened_by, e.opened_at, e.due_at, e.state, e.acked_by, "
	    "e.acked_at, e.resolved_by, e.resolved_at, e.outcome, "
	    "e.resolution_id, d.item_id, d.action, d.reviewer, d.decided_at, "
	    "d.payload, d.policy_version, "
	    "(SELECT count(*) FROM decisions u WHERE u.undoes = d.id), "
	    "r.action, r.reviewer, r.decided_at, r.payload, r.item_id "
	    "FROM escalations e LEFT JOIN decisions d ON d.id = e.decision_id "
	    "LEFT JOIN decisions r ON r.id = e.resolution_id ORDER BY e.id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_escalation_next(struct store_scan *s,
    struct store_verify_escalation *e, char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	e->id = store_int(st, 0);
	e->item_id = store_int(st, 1);
	e->team = store_text(st, 2);
	e->reason = store_text(st, 3);
	e->severity = store_text(st, 4);
	e->note = store_text(st, 5);
	e->opened_by = store_text(st, 6);
	e->opened_at = store_int(st, 7);
	e->due_at = store_int(st, 8);
	e->state = store_text(st, 9);
	e->acked_by = store_text(st, 10);
	e->acked_at = store_int(st, 11);
	e->resolved_by = store_text(st, 12);
	e->resolved_at = store_int(st, 13);
	e->outcome = store_text(st, 14);
	e->has_resolution = !store_is_null(st, 15);
	e->opened.item_id = store_int(st, 16);
	e->opened.action = store_text(st, 17);
	e->opened.reviewer = store_text(st, 18);
	e->opened.decided_at = store_text(st, 19);
	e->opened.payload = store_text(st, 20);
	e->opened.policy_version = store_int(st, 21);
	e->opened.undos = store_int(st, 22);
	e->resolution.action = store_text(st, 23);
	e->resolution.reviewer = store_text(st, 24);
	e->resolution.decided_at = store_text(st, 25);
	e->resolution.payload = store_text(st, 26);
	return (rc);
}

int
store_verify_shift_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT id, reviewer, started_at, ended_at, note, counts "
	    "FROM shifts ORDER BY id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_shift_next(struct store_scan *s, struct store_verify_shift *sh,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	sh->id = store_int(st, 0);
	sh->reviewer = store_text(st, 1);
	sh->started_at = store_text(st, 2);
	sh->ended_at = store_text(st, 3);
	sh->note = store_text(st, 4);
	sh->counts = store_text(st, 5);
	return (rc);
}

int
store_verify_export_scan(struct queue *q, struct store_scan **s, char **cause)
{
	static const char sql[] =
	    "SELECT id, format, path, exported_at, actor, records, "
	    "since_decision, last_decision, sha256, audit_head, options, "
	    "scope FROM exports ORDER BY id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_export_next(struct store_scan *s, struct store_verify_export *x,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	x->id = store_int(st, 0);
	x->format = store_text(st, 1);
	x->path = store_text(st, 2);
	x->exported_at = store_text(st, 3);
	x->actor = store_text(st, 4);
	x->records = store_int(st, 5);
	x->since_decision = store_int(st, 6);
	x->last_decision = store_int(st, 7);
	x->sha256 = store_text(st, 8);
	x->audit_head = store_text(st, 9);
	x->options = store_text(st, 10);
	x->scope = store_text(st, 11);
	return (rc);
}

/* The one number sql (a count) returns. */
static int
verify_count(struct queue *q, const char *sql, int64_t *n, char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "verify", cause)) != 0)
		return (rc);
	*n = store_int(st, 0);
	store_reset(st);
	return (0);
}

int
store_verify_counts(struct queue *q, struct store_verify_counts *c,
    char **cause)
{
	static const char decisions_sql[] = "SELECT count(*) FROM decisions";
	static const char esc_sql[] = "SELECT count(*) FROM escalations";
	static const char shifts_sql[] = "SELECT count(*) FROM shifts";
	int	rc;

	if ((rc = verify_count(q, decisions_sql, &c->decisions, cause)) != 0 ||
	    (rc = verify_count(q, esc_sql, &c->escalations, cause)) != 0 ||
	    (rc = verify_count(q, shifts_sql, &c->shifts, cause)) != 0)
		return (rc);
	return (0);
}

int
store_verify_waiting_scan(struct queue *q, struct store_scan **s,
    char **cause)
{
	static const char sql[] =
	    "SELECT w.kind, w.n, (SELECT count(*) FROM items i WHERE "
	    "i.kind = w.kind AND (i.state = 'queued' OR i.state = 'claimed') "
	    "AND NOT EXISTS (SELECT 1 FROM samples g WHERE g.item_id = i.id "
	    "AND g.sample = 'gold')) FROM waiting w";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_waiting_next(struct store_scan *s, struct store_verify_waiting *w,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	w->kind = store_text(st, 0);
	w->n = store_int(st, 1);
	w->waiting = store_int(st, 2);
	return (rc);
}

int
store_verify_key_event(struct queue *q, char **body, char **cause)
{
	static const char sql[] =
	    "SELECT body FROM audit WHERE event = 'signing_key' "
	    "ORDER BY seq LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	*body = NULL;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_step(st, "audit", cause)) == STORE_ROW)
		*body = store_column_text(st, 0);
	store_reset(st);
	return (rc == STORE_ROW ? 0 : rc);
}

int
store_verify_last_seq(struct queue *q, int64_t *seq, char **cause)
{
	static const char sql[] = "SELECT coalesce(max(seq), 0) FROM audit";

	return (verify_count(q, sql, seq, cause));
}

int
store_baseline_done(struct queue *q, char **cause)
{
	static const char sql[] =
	    "DELETE FROM meta WHERE key = 'needs_baseline'";

	return (store_exec(q, sql, cause));
}

int
store_verify_quality_counts(struct queue *q, struct store_verify_quality *c,
    char **cause)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM samples WHERE sample = 'overlap'), "
	    "(SELECT count(*) FROM samples WHERE sample = 'audit'), "
	    "(SELECT count(*) FROM samples WHERE sample = 'gold'), "
	    "(SELECT count(*) FROM ballots), "
	    "(SELECT count(*) FROM ballots b JOIN decisions d ON "
	    "d.id = b.decision_id WHERE d.vote = 1 AND d.item_id = b.item_id "
	    "AND d.reviewer = b.reviewer AND NOT EXISTS (SELECT 1 FROM "
	    "decisions u WHERE u.undoes = d.id)), "
	    "(SELECT count(*) FROM decisions d WHERE d.vote = 1 AND NOT EXISTS "
	    "(SELECT 1 FROM decisions u WHERE u.undoes = d.id)), "
	    "(SELECT count(*) FROM gold_scores), "
	    "(SELECT count(*) FROM gold_scores g JOIN ballots b ON "
	    "b.decision_id = g.decision_id JOIN samples s ON "
	    "s.item_id = b.item_id WHERE s.sample = 'gold' AND "
	    "g.item_id = b.item_id AND g.reviewer = b.reviewer), "
	    "(SELECT count(*) FROM ballots b JOIN samples s ON "
	    "s.item_id = b.item_id WHERE s.sample = 'gold'), "
	    "(SELECT count(*) FROM pauses), "
	    "(SELECT count(*) FROM samples WHERE sample = 'two_person')";
	struct store_stmt	*st;
	int			 rc, i;
	int64_t			*out[] = {
		&c->overlap, &c->audit, &c->gold, &c->ballots,
		&c->ballots_of_votes, &c->votes, &c->scores,
		&c->scores_of_ballots, &c->gold_ballots, &c->pauses,
		&c->two_person
	};

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	if ((rc = store_one(st, "verify", cause)) != 0)
		return (rc);
	for (i = 0; i < (int)(sizeof out / sizeof out[0]); i++)
		*out[i] = store_int(st, i);
	store_reset(st);
	return (0);
}

int
store_verify_sample_scan(struct queue *q, struct store_scan **s,
    char **cause)
{
	static const char sql[] =
	    "SELECT i.ext_id, i.policy_version, i.raw, s.sample, s.gold "
	    "FROM samples s JOIN items i ON i.id = s.item_id "
	    "WHERE s.sample <> 'two_person' ORDER BY s.item_id";

	return (verify_scan_open(q, sql, s, cause));
}

int
store_verify_sample_next(struct store_scan *s, struct store_verify_sample *r,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	r->ext_id = store_text(st, 0);
	r->policy_version = (int)store_int(st, 1);
	r->raw = store_text(st, 2);
	r->sample = store_text(st, 3);
	r->gold = store_text(st, 4);
	return (rc);
}
