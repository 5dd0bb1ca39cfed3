/*
 * Unit tests for the audit log: a realistic day of work verifies, every kind
 * of event is recorded, the chain is what the documentation says, and each
 * way of tampering with the file behind hitl's back is caught and named.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "queue.h"
#include "testutil.h"

/* 2027-01-15T08:00:00Z */
#define NOW		1800000000

/* The example policy's people and teams, cut down; no spot checks. */
static const char policy[] = "{"
    "\"name\": \"audit-test\", \"lease_seconds\": 900, "
    "\"allow_reviewer_override\": true, "
    "\"roles\": {\"alice\": \"admin\", \"bob\": \"reviewer\", "
    "\"carol\": \"lead\", \"dana\": \"lead\"}, "
    "\"model_output\": {\"min_flag_score\": 0.5, \"spot_check_rate\": 0}, "
    "\"labels\": [{\"id\": \"bias.gender\", \"description\": \"gender\"}, "
    "{\"id\": \"ok\", \"description\": \"false alarm\"}], "
    "\"teams\": [{\"id\": \"legal\", \"name\": \"Legal\", \"members\": "
    "[\"carol\"], \"leads\": [\"carol\"]}], "
    "\"reason_codes\": [{\"id\": \"legal_risk\", \"description\": \"l\"}], "
    "\"severities\": [{\"id\": \"high\", \"response_minutes\": 240}]}";

/* Claim order: out-2 (5), anon-1 (3), out-3 (3), out-1 (2). */
static const char *const lines[] = {
	"{\"id\": \"out-1\", \"kind\": \"model_output\", \"priority\": 2, "
	"\"response\": \"He is a nurse, so she must be kind.\", \"flags\": ["
	"{\"type\": \"bias.gender\", \"score\": 0.8}]}",
	"{\"id\": \"out-2\", \"kind\": \"model_output\", \"priority\": 5, "
	"\"response\": \"Only an idiot would ask that.\", \"flags\": ["
	"{\"type\": \"toxicity\", \"score\": 0.92}]}",
	"{\"id\": \"anon-1\", \"kind\": \"anonymization\", \"priority\": 3, "
	"\"text\": \"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb Zo\xc3\xab "
	"called.\", \"spans\": [{\"entity_type\": \"PERSON\", \"start\": 4, "
	"\"end\": 7, \"score\": 0.6}]}",
	"{\"id\": \"out-3\", \"kind\": \"model_output\", \"priority\": 3, "
	"\"response\": \"Refunds take five business days.\", \"flags\": ["
	"{\"type\": \"hallucination\", \"score\": 0.7}]}",
};
#define NLINES (sizeof lines / sizeof lines[0])

/*
 * The events the scenario records, in order: the first write puts the
 * signing key on record as its last event. Decision ids: 1 bob's approve of
 * out-2 (event 6), 2 his correction of anon-1 (7), 3 its undo (8), 4 his
 * approve of anon-1 (9), 5 his escalation of out-3 (10), 6 carol's approve
 * of out-1 (13), 7 her resolution of out-3 (16).
 */
static const char *const scenario_events[] = {
	"policy_load", "signing_key", "import", "policy_load", "shift_start",
	"decision", "decision", "undo", "decision", "decision", "shift_start",
	"takeover", "decision", "escalation_ack", "shift_end", "resolution",
};
#define NEVENTS		16
#define NDECISIONS	7

struct fixture {
	struct tu_db	*golden;
	struct tu_db	 db;
	struct queue	*q;
};

static void
expect_rc(const char *what, int rc, char *why, int want, const char *needle)
{
	int ok;

	ok = rc == want && (want == 0 || why != NULL) &&
	    (needle == NULL || (why != NULL && strstr(why, needle) != NULL));
	if (!ok)
		print_error("%s: expected %d%s%s%s, got %d: %s\n", what, want,
		    needle != NULL ? " saying \"" : "",
		    needle != NULL ? needle : "", needle != NULL ? "\"" : "",
		    rc, why != NULL ? why : "(no message)");
	free(why);
	assert_true(ok);
}

#define EXPECT(call, want, needle) do {					\
	char *why = NULL;						\
	int rc_ = (call);						\
	expect_rc(#call, rc_, why, (want), (needle));			\
} while (0)
#define OK(call)	EXPECT(call, 0, NULL)

static void
as(struct queue *q, const char *who)
{
	OK(queue_set_actor(q, who, NULL, &why));
}

static int64_t
claim(struct queue *q, const char *want)
{
	struct queue_lease	 l;
	int64_t			 id;

	OK(queue_claim_next(q, NULL, &l, &why));
	assert_string_equal(l.item, want);
	id = l.lease_id;
	queue_lease_done(&l);
	return (id);
}

static void
decide(struct queue *q, const char *item, int64_t lease, enum queue_action a,
    const char *payload)
{
	struct queue_decision d = { item, lease, a, payload, -1 };

	OK(queue_decide(q, &d, NULL, &why));
}

/* The day's work, on a new database. */
static void
scenario(const struct tu_db *db)
{
	struct queue_import_counts	 c;
	struct queue_import		*imp = NULL;
	struct queue_escalation		*e = NULL;
	struct queue_decision_info	 u;
	struct queue_shift		 s;
	struct queue_lease		 l;
	struct queue			*q = NULL;
	size_t				 i, n = 0;
	int64_t				 lease;

	OK(tu_open(db, QUEUE_OPEN_CREATE, &q, &why));
	queue_set_now(q, NOW);
	OK(queue_policy_load(q, "audit-test.json", policy, strlen(policy),
	    "alice", NULL, &why));
	OK(queue_import_begin(q, "alice", 1, &imp, &why));
	for (i = 0; i < NLINES; i++)
		OK(queue_import_line(imp, "inline.jsonl", i + 1, lines[i],
		    strlen(lines[i]), &why));
	OK(queue_import_finish(imp, &c, NULL, &why));
	queue_import_free(imp);
	assert_int_equal(c.queued, NLINES);
	queue_set_now(q, NOW + 10);
	OK(queue_policy_load(q, "audit-test.json", policy, strlen(policy),
	    "alice", NULL, &why));

	as(q, "bob");
	queue_set_now(q, NOW + 60);
	lease = claim(q, "out-2");
	decide(q, "out-2", lease, QUEUE_APPROVE, "{\"note\": \"looks fine\"}");
	lease = claim(q, "anon-1");
	decide(q, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": [{\"verdict\": "
	    "\"retyped\", \"entity_type\": \"LOCATION\"}]}");
	OK(queue_undo(q, &u, &l, &why));
	free(u.item);
	free(u.action);
	free(u.reviewer);
	decide(q, "anon-1", l.lease_id, QUEUE_APPROVE, NULL);
	queue_lease_done(&l);
	lease = claim(q, "out-3");
	decide(q, "out-3", lease, QUEUE_ESCALATE, "{\"team\": \"legal\", "
	    "\"reason\": \"legal_risk\", \"severity\": \"high\"}");
	claim(q, "out-1");

	as(q, "carol");
	queue_set_now(q, NOW + 120);
	OK(queue_takeover(q, "out-1", &l, &why));
	decide(q, "out-1", l.lease_id, QUEUE_APPROVE, NULL);
	queue_lease_done(&l);
	OK(queue_escalations(q, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 1);
	OK(queue_escalation_ack(q, e[0].id, &why));

	as(q, "bob");
	queue_set_now(q, NOW + 180);
	OK(queue_shift_end(q, "handoff: out-3 is with legal", &s, &why));
	queue_shift_done(&s);

	as(q, "carol");
	queue_set_now(q, NOW + 240);
	OK(queue_escalation_resolve(q, e[0].id, "reject", NULL,
	    "invented refund rule", &why));
	queue_escalations_free(e, n);
	queue_close(q);
}

static int
group_setup(void **state)
{
	struct tu_db	*g;
	char		 wal[320];

	g = tu_group_db_new();
	scenario(g);
	/* Closed: everything is in the main file, which may be copied. */
	snprintf(wal, sizeof wal, "%s-wal", g->path);
	if (!TU_PG)
		assert_false(tu_exists(wal));
	*state = g;
	return (0);
}

/* Each test works on its own copy of the day's database. */
static int
setup(void **state)
{
	struct fixture *f;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->golden = *state;
	tu_db_init_copy(&f->db, f->golden);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	*state = f->golden;
	if (f->q != NULL)
		queue_close(f->q);
	tu_db_cleanup(&f->db);
	free(f);
	return (0);
}

static struct queue *
open_copy(struct fixture *f)
{
	if (f->q == NULL) {
		OK(tu_open(&f->db, 0, &f->q, &why));
		queue_set_now(f->q, NOW + 300);
	}
	return (f->q);
}

/*
 * Runs SQL directly on the copy, as someone who owns the database could,
 * with the named guards out of the way (see tu_sql_exec_unguarded).
 */
static void
tamper(struct fixture *f, const char *guards, const char *sql)
{
	char	*err = NULL;
	int	 rc;

	assert_null(f->q);
	rc = tu_sql_exec_unguarded(f->db.path, guards, sql, &err);
	if (rc != TU_OK)
		print_error("%s: %s\n", sql, err);
	free(err);
	assert_int_equal(rc, TU_OK);
}

static void
expect_verify_fails(struct fixture *f, const char *needle1,
    const char *needle2)
{
	struct queue_verify_report	 report;
	char				*why = NULL;
	int				 rc, ok;

	rc = queue_audit_verify(open_copy(f), NULL, &report, &why);
	ok = rc == EX_DATAERR && why != NULL && strstr(why, needle1) != NULL &&
	    (needle2 == NULL || strstr(why, needle2) != NULL);
	if (!ok)
		print_error("verify: expected %d naming \"%s\"%s%s, got %d: "
		    "%s\n", EX_DATAERR, needle1, needle2 ? " and " : "",
		    needle2 ? needle2 : "", rc, why ? why : "(no message)");
	free(why);
	assert_true(ok);
}

/* --- the untouched log ------------------------------------------------------ */

static void
test_verify_ok(void **state)
{
	struct fixture	*f = *state;
	struct queue	*q = open_copy(f);
	struct queue_verify_report	 r;
	char				 head[65], head2[65], *last;
	int64_t				 events2 = 0;

	OK(queue_audit_verify(q, NULL, &r, &why));
	assert_int_equal(r.events, NEVENTS);
	memcpy(head, r.head, sizeof head);
	assert_int_equal(strlen(head), 64);
	/* Every write signed, by the key beside the database. */
	assert_int_equal(r.legacy, 0);
	assert_true(r.signatures >= 10);
	assert_string_equal(r.key_from, "the key file");
	assert_int_equal(r.items, NLINES);
	assert_int_equal(r.batches, 1);
	assert_int_equal(r.policies, 2);
	assert_int_equal(r.decisions, NDECISIONS);
	assert_int_equal(r.escalations, 1);
	OK(queue_audit_head(q, &events2, head2, &why));
	assert_int_equal(events2, NEVENTS);
	assert_string_equal(head, head2);
	last = tu_sql_text(f->db.path,
	    "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1");
	assert_non_null(last);
	assert_string_equal(head, last);
	free(last);
	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT count(*) FROM decisions"), NDECISIONS);

	/* Verifying changes nothing; a second run agrees. */
	OK(queue_audit_verify(q, NULL, &r, &why));
	assert_int_equal(r.events, NEVENTS);
	assert_string_equal(head, r.head);
}

static void
test_empty_log(void **state)
{
	struct tu_db	 db;
	struct queue	*q = NULL;
	struct queue_verify_report	 r;

	(void)state;
	tu_db_init(&db);
	OK(tu_open(&db, QUEUE_OPEN_CREATE, &q, &why));
	OK(queue_audit_verify(q, NULL, &r, &why));
	assert_int_equal(r.events, 0);
	assert_string_equal(r.head, "00000000000000000000000000000000"
	    "00000000000000000000000000000000");
	queue_close(q);
	tu_db_cleanup(&db);
}

struct seen {
	int64_t	 seq[64];
	char	 event[64][32];
	char	 actor[64][16];
	size_t	 n;
};

static int
collect(const struct queue_audit_event *ev, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 64);
	s->seq[s->n] = ev->seq;
	snprintf(s->event[s->n], sizeof s->event[0], "%s", ev->event);
	snprintf(s->actor[s->n], sizeof s->actor[0], "%s", ev->actor);
	assert_int_equal(strlen(ev->hash), 64);
	assert_non_null(ev->at);
	s->n++;
	return (0);
}

static void
test_every_event_type(void **state)
{
	struct fixture		*f = *state;
	struct queue		*q = open_copy(f);
	struct seen		 s;
	static const char *const types[] = {
		"import", "policy_load", "shift_start", "decision", "undo",
		"takeover", "escalation_ack", "resolution", "shift_end",
		"signing_key",
	};
	size_t			 i, j;
	int			 found;

	as(q, "alice");
	memset(&s, 0, sizeof s);
	OK(queue_audit_log(q, NULL, NULL, collect, &s, &why));
	assert_int_equal(s.n, NEVENTS);
	for (i = 0; i < s.n; i++) {
		assert_int_equal(s.seq[i], (int64_t)i + 1);
		assert_string_equal(s.event[i], scenario_events[i]);
	}
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		found = 0;
		for (j = 0; j < s.n; j++)
			found |= strcmp(s.event[j], types[i]) == 0;
		if (!found)
			print_error("no %s event in the log\n", types[i]);
		assert_true(found);
	}
	assert_string_equal(s.actor[0], "alice");
	assert_string_equal(s.actor[1], "hitl");
	assert_string_equal(s.actor[2], "alice");
	assert_string_equal(s.actor[11], "carol");

	/* One item's history, and one person's. */
	memset(&s, 0, sizeof s);
	OK(queue_audit_log(q, "out-3", NULL, collect, &s, &why));
	assert_int_equal(s.n, 3);
	assert_string_equal(s.event[0], "decision");
	assert_string_equal(s.event[1], "escalation_ack");
	assert_string_equal(s.event[2], "resolution");
	memset(&s, 0, sizeof s);
	OK(queue_audit_log(q, NULL, "carol", collect, &s, &why));
	assert_int_equal(s.n, 5);
	assert_string_equal(s.event[0], "shift_start");
	assert_string_equal(s.event[1], "takeover");
	assert_string_equal(s.event[2], "decision");
	assert_string_equal(s.event[3], "escalation_ack");
	assert_string_equal(s.event[4], "resolution");
	memset(&s, 0, sizeof s);
	OK(queue_audit_log(q, "out-1", "bob", collect, &s, &why));
	assert_int_equal(s.n, 0);
}

/*
 * A link of the chain: SHA-256 of the previous hash (32 bytes) and the
 * body, into link, and both in hex.
 */
static void
chain_link(const unsigned char prev[32], const char *body,
    unsigned char link[32], char prev_hex[65], char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx;

	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	EVP_DigestUpdate(ctx, prev, 32);
	EVP_DigestUpdate(ctx, body, strlen(body));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++) {
		snprintf(prev_hex + 2 * i, 3, "%02x", prev[i]);
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	}
	memcpy(link, md, 32);
}

/* hash = SHA-256(previous hash as 32 bytes ‖ body), recomputed here. */
struct chain {
	unsigned char	prev[32];
	int64_t		seq;
};

static int
chain_row(void *arg, int ncols, const char *const *v)
{
	struct chain	*c = arg;
	char		 prev_hex[65], hex[65], want[64];

	assert_int_equal(ncols, 4);
	c->seq++;
	assert_int_equal(strtoll(v[0], NULL, 10), c->seq);
	/* The canonical body: v, seq, at, actor, event, item, data. */
	snprintf(want, sizeof want, "{\"v\":2,\"seq\":%lld,\"at\":\"",
	    (long long)c->seq);
	assert_memory_equal(v[1], want, strlen(want));
	assert_non_null(strstr(v[1], "\",\"actor\":\""));
	assert_non_null(strstr(v[1], ",\"item\":"));
	assert_non_null(strstr(v[1], ",\"data\":{"));
	chain_link(c->prev, v[1], c->prev, prev_hex, hex);
	assert_string_equal(v[2], prev_hex);
	assert_string_equal(v[3], hex);
	return (0);
}

static void
test_chain_as_documented(void **state)
{
	struct fixture	*f = *state;
	struct chain	 c;

	memset(&c, 0, sizeof c);
	assert_int_equal(tu_sql_each(f->db.path, "SELECT seq, body, "
	    "prev_hash, hash FROM audit ORDER BY seq", chain_row, &c), 0);
	assert_int_equal(c.seq, NEVENTS);
}

/* --- the guards while they stand --------------------------------------------- */

static void
expect_refused(struct fixture *f, const char *sql, const char *needle)
{
	char	*err = NULL;
	int	 rc, ok;

	rc = tu_sql_exec(f->db.path, sql, &err);
	ok = rc != TU_OK && err != NULL && strstr(err, needle) != NULL;
	if (!ok)
		print_error("%s: expected a refusal, got %d: %s\n", sql, rc,
		    err ? err : "(no message)");
	free(err);
	assert_true(ok);
}

static void
test_triggers(void **state)
{
	struct fixture	*f = *state;
	struct queue_verify_report	 r;

	/* PostgreSQL's guards refuse TRUNCATE too (CASCADE: theirs first). */
	static const char *const truncated[] = {
		"decisions", "audit", "audit_signatures", "policies",
		"exports", "batches",
	};
	char	sql[64];
	size_t	i;

	expect_refused(f, "UPDATE decisions SET payload = '{}' WHERE id = 1",
	    "decisions are append-only");
	expect_refused(f, "DELETE FROM decisions WHERE id = 1",
	    "decisions are append-only");
	expect_refused(f, "DELETE FROM decisions",
	    "decisions are append-only");
	expect_refused(f, "UPDATE audit SET actor = 'mallory' WHERE seq = 5",
	    "the audit log is append-only");
	expect_refused(f, "DELETE FROM audit WHERE seq = 15",
	    "the audit log is append-only");
	expect_refused(f, "DELETE FROM audit", "the audit log is append-only");
	expect_refused(f, "UPDATE audit_signatures SET signature = 'x'",
	    "audit signatures are append-only");
	expect_refused(f, "DELETE FROM audit_signatures",
	    "audit signatures are append-only");
	expect_refused(f, "UPDATE policies SET loaded_by = 'mallory'",
	    "policies are append-only");
	expect_refused(f, "DELETE FROM policies", "policies are append-only");
	expect_refused(f, "UPDATE batches SET operator = 'mallory'",
	    "finished batches are fixed");
	expect_refused(f, "DELETE FROM batches", "batches are append-only");
	expect_refused(f, "DELETE FROM items", "items are never deleted");
	if (TU_PG) {
		for (i = 0; i < sizeof truncated / sizeof truncated[0]; i++) {
			snprintf(sql, sizeof sql, "TRUNCATE %s CASCADE",
			    truncated[i]);
			expect_refused(f, sql, "append-only");
		}
		expect_refused(f, "TRUNCATE items CASCADE",
		    "items are never deleted");
	}
	OK(queue_audit_verify(open_copy(f), NULL, &r, &why));
	assert_int_equal(r.events, NEVENTS);
	assert_int_equal(r.decisions, NDECISIONS);
}

/* A guard dropped (or on PostgreSQL, disabled) is schema changed. */
static void
test_dropped_guard(void **state)
{
	struct fixture *f = *state;

	tamper(f, "", TU_SQL("DROP TRIGGER audit_signatures_no_update",
	    "DROP TRIGGER audit_signatures_no_update ON audit_signatures"));
	expect_verify_fails(f, "the append-only guard "
	    "audit_signatures_no_update was removed", "behind hitl's back");
}

static void
test_disabled_guard(void **state)
{
	struct fixture *f = *state;

	TU_ONLY("postgresql");
	tamper(f, "", "ALTER TABLE decisions DISABLE TRIGGER "
	    "decisions_no_truncate");
	expect_verify_fails(f, "the append-only guard decisions_no_truncate "
	    "was removed", NULL);
}

/* --- tampering, each on its own copy ------------------------------------------ */

static void
test_edited_decision(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT audit_seq FROM decisions WHERE id = 1"), 6);
	tamper(f, "decisions_no_update",
	    "UPDATE decisions SET payload = '{\"note\":\"looks bad\"}' "
	    "WHERE id = 1");
	expect_verify_fails(f, "audit event 6:", "decision 1 was changed");
}

static void
test_edited_decision_reviewer(void **state)
{
	struct fixture *f = *state;

	tamper(f, "decisions_no_update",
	    "UPDATE decisions SET reviewer = 'alice' WHERE id = 6");
	expect_verify_fails(f, "audit event 13:", "changed");
}

static void
test_deleted_decision(void **state)
{
	struct fixture *f = *state;

	tamper(f, "decisions_no_delete",
	    "DELETE FROM decisions WHERE id = 4");
	expect_verify_fails(f, "audit event 9:", "missing");
	expect_verify_fails(f, "audit event 9:", "deleted");
}

static void
test_inserted_decision(void **state)
{
	struct fixture *f = *state;

	tamper(f, "", "INSERT INTO decisions (item_id, action, reviewer, "
	    "policy_version, decided_at, audit_seq) VALUES (1, 'approve', "
	    "'mallory', 2, '2027-01-15T09:00:00Z', 17)");
	expect_verify_fails(f, "the decisions table holds 8 decisions",
	    "audit log records 7");
}

static void
test_swapped_events(void **state)
{
	struct fixture *f = *state;

	tamper(f, "audit_no_update",
	    "UPDATE audit SET seq = -6 WHERE seq = 6; "
	    "UPDATE audit SET seq = 6 WHERE seq = 5; "
	    "UPDATE audit SET seq = 5 WHERE seq = -6");
	expect_verify_fails(f, "audit event 5 does not link to event 4",
	    NULL);
}

static void
test_deleted_last_event(void **state)
{
	struct fixture	*f = *state;
	char		 head[65];
	int64_t		 events = 0;

	tamper(f, "audit_no_delete",
	    "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
	/* The chain itself is whole; its last signature gives it away. */
	expect_verify_fails(f, "a signature of event 16", "which the log does "
	    "not have");
	OK(queue_audit_head(f->q, &events, head, &why));
	assert_int_equal(events, NEVENTS - 1);
}

static void
test_deleted_middle_event(void **state)
{
	struct fixture *f = *state;

	tamper(f, "audit_no_delete",
	    "DELETE FROM audit WHERE seq = 4");
	expect_verify_fails(f, "audit event 4 is missing", NULL);
}

static void
test_changed_actor_column(void **state)
{
	struct fixture *f = *state;

	tamper(f, "audit_no_update",
	    "UPDATE audit SET actor = 'mallory' WHERE seq = 11");
	expect_verify_fails(f, "audit event 11:", "actor column was changed");
}

static void
test_changed_item_column(void **state)
{
	struct fixture *f = *state;

	tamper(f, "audit_no_update",
	    "UPDATE audit SET item = 'out-2' WHERE seq = 9");
	expect_verify_fails(f, "audit event 9:", "item column was changed");
}

static void
test_changed_body(void **state)
{
	struct fixture *f = *state;

	tamper(f, "audit_no_update",
	    "UPDATE audit SET body = replace(body, '\"bob\"', '\"eve\"') "
	    "WHERE seq = 9");
	expect_verify_fails(f, "audit event 9 (decision) was changed",
	    "hash does not match");
}

static void
test_rehashed_body(void **state)
{
	struct fixture *f = *state;

	/* Even with its own hash made to fit, the next link breaks. */
	tamper(f, "audit_no_update",
	    "UPDATE audit SET hash = '" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef' WHERE seq = 3");
	expect_verify_fails(f, "audit event 3", NULL);
}

/* --- forgeries by someone without the key --------------------------------------- */

/*
 * Recomputes every hash of the copy's chain from its bodies, as anyone with
 * the file can: SHA-256 of the previous hash (32 bytes, zeros for the first)
 * and the body. Returns the first event whose hash changed, or 0.
 */
struct rehash {
	unsigned char	 prev[32];
	int64_t		 first;
	char		*sql;		/* the updates */
	size_t		 len, size;
};

static int
rehash_row(void *arg, int ncols, const char *const *v)
{
	struct rehash	*r = arg;
	char		 prev_hex[65], hex[65];

	assert_int_equal(ncols, 3);
	chain_link(r->prev, v[1], r->prev, prev_hex, hex);
	if (r->first == 0 && strcmp(hex, v[2]) != 0)
		r->first = strtoll(v[0], NULL, 10);
	if (r->len + 256 > r->size) {
		r->size = r->size * 2 + 256;
		r->sql = realloc(r->sql, r->size);
		assert_non_null(r->sql);
	}
	r->len += (size_t)snprintf(r->sql + r->len, r->size - r->len,
	    "UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = %s; ",
	    prev_hex, hex, v[0]);
	return (0);
}

static int64_t
rehash(struct fixture *f)
{
	struct rehash	r;

	memset(&r, 0, sizeof r);
	assert_int_equal(tu_sql_each(f->db.path, "SELECT seq, body, hash FROM "
	    "audit ORDER BY seq", rehash_row, &r), 0);
	assert_non_null(r.sql);
	tamper(f, "audit_no_update", r.sql);
	free(r.sql);
	return (r.first);
}

static void
sha256_text(const char *s, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	assert_int_equal(EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(),
	    NULL), 1);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/*
 * A decision's payload forged in its row and in the hash its event (body
 * version 2) commits to: from replaced by to in both, then extra.
 */
static void
forge_payload(struct fixture *f, int64_t decision, int64_t seq,
    const char *from, const char *to, const char *guards, const char *extra)
{
	char	 sql[2048], *was, *now, was_sha[65], now_sha[65];

	snprintf(sql, sizeof sql, "SELECT payload FROM decisions WHERE id = "
	    "%lld", (long long)decision);
	assert_non_null(was = tu_sql_text(f->db.path, sql));
	snprintf(sql, sizeof sql, "SELECT replace(payload, '%s', '%s') FROM "
	    "decisions WHERE id = %lld", from, to, (long long)decision);
	assert_non_null(now = tu_sql_text(f->db.path, sql));
	sha256_text(was, was_sha);
	sha256_text(now, now_sha);
	snprintf(sql, sizeof sql, "UPDATE decisions SET payload = "
	    "replace(payload, '%s', '%s') WHERE id = %lld; UPDATE audit SET "
	    "body = replace(body, '%s', '%s') WHERE seq = %lld; %s", from, to,
	    (long long)decision, was_sha, now_sha, (long long)seq,
	    extra != NULL ? extra : "");
	tamper(f, guards, sql);
	free(was);
	free(now);
}

/* bob's approve of out-2 (decision 1, event 6) said otherwise, row and event. */
#define forge_decision_1(f) forge_payload((f), 1, 6, "looks fine", \
	"looks bad", "decisions_no_update audit_no_update", NULL)

/*
 * A decision's event (body version 2) holds its payload's SHA-256, not the
 * payload: the note is in the row only, and the hash is the row's.
 */
static void
test_body_commits_payload_by_hash(void **state)
{
	struct fixture	*f = *state;
	char		*body, *payload, sha[65], want[128];

	assert_non_null(body = tu_sql_text(f->db.path,
	    "SELECT body FROM audit WHERE seq = 6"));
	assert_non_null(payload = tu_sql_text(f->db.path,
	    "SELECT payload FROM decisions WHERE id = 1"));
	assert_non_null(strstr(payload, "looks fine"));
	assert_null(strstr(body, "looks fine"));
	assert_memory_equal(body, "{\"v\":2,", 7);
	sha256_text(payload, sha);
	snprintf(want, sizeof want, "\"payload_sha256\":\"%s\"", sha);
	assert_non_null(strstr(body, want));
	free(body);
	free(payload);
}

static void
test_forged_chain_badly_signed(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM "
	    "audit_signatures WHERE seq = 5 OR seq = 6"), 2);
	forge_decision_1(f);
	assert_int_equal(rehash(f), 6);
	expect_verify_fails(f, "audit event 6 (decision) is badly signed",
	    "events up to 5 are signed correctly");
}

static void
test_forged_chain_unsigned(void **state)
{
	struct fixture *f = *state;

	forge_decision_1(f);
	assert_int_equal(rehash(f), 6);
	tamper(f, "audit_signatures_no_delete",
	    "DELETE FROM audit_signatures WHERE seq >= 6");
	expect_verify_fails(f, "audit event 6 (decision) is unsigned", NULL);
}

/* The copy's public key, as hitl audit key prints it. */
static char *
published_key(struct fixture *f)
{
	char *pem = NULL;

	OK(queue_audit_key(open_copy(f), &pem, &why));
	queue_close(f->q);
	f->q = NULL;
	return (pem);
}

/* Verify options checking the signatures with the public key pem. */
static void
key_options(struct queue_verify_options *o, const char *pem)
{
	memset(o, 0, sizeof *o);
	o->key = pem;
	o->keylen = strlen(pem);
}

/*
 * A forged tail whose signatures were dropped: the next honest write would
 * launder it by signing on top; it refuses instead, and verify with the key
 * published before the forgery still fails.
 */
static void
test_forged_tail_then_honest_write(void **state)
{
	struct fixture			*f = *state;
	struct queue_verify_options	 o;
	struct queue_verify_report	 r;
	char				*pem = published_key(f), *cause = NULL;
	int64_t				 shift;
	int				 rc;

	/* carol's resolution of escalation 1 (event 16): approve, not reject. */
	forge_payload(f, 7, 16, "\"reject\"", "\"approve\"",
	    "decisions_no_update audit_no_update audit_signatures_no_delete",
	    "UPDATE escalations SET outcome = 'approve' WHERE id = 1; "
	    "DELETE FROM audit_signatures WHERE seq = 16");
	assert_int_equal(rehash(f), 16);
	expect_verify_fails(f, "audit event 16 (resolution) is unsigned", NULL);

	/* The next honest write sees it and refuses to sign on top of it. */
	as(f->q, "bob");
	EXPECT(queue_shift_start(f->q, &shift, &why), EX_DATAERR,
	    "ends on event 16, which hitl did not sign");
	key_options(&o, pem);
	rc = queue_audit_verify(f->q, &o, &r, &cause);
	if (rc != EX_DATAERR)
		print_error("a forged tail under an honest write: verify "
		    "--key returned %d (%s)\n", rc, cause ? cause : "passed");
	free(cause);
	free(pem);
	assert_int_equal(rc, EX_DATAERR);
}

static char *
new_public_key(void)
{
	EVP_PKEY	*k;
	BIO		*bio;
	char		*data, *pem;
	long		 len;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(k);
	bio = BIO_new(BIO_s_mem());
	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PUBKEY(bio, k), 1);
	len = BIO_get_mem_data(bio, &data);
	pem = calloc(1, (size_t)len + 1);
	assert_non_null(pem);
	memcpy(pem, data, (size_t)len);
	BIO_free(bio);
	EVP_PKEY_free(k);
	return (pem);
}

static void
test_verify_key(void **state)
{
	struct fixture			*f = *state;
	struct queue_verify_options	 o;
	struct queue_verify_report	 r;
	char				*right = published_key(f);
	char				*wrong = new_public_key();

	key_options(&o, right);
	OK(queue_audit_verify(open_copy(f), &o, &r, &why));
	assert_string_equal(r.key_from, "--key");
	assert_int_equal(r.legacy, 0);

	/* Another key: the first signed event is named. */
	key_options(&o, wrong);
	EXPECT(queue_audit_verify(f->q, &o, &r, &why), EX_DATAERR,
	    "audit event 2 (signing_key) is badly signed");
	/* Not a key at all. */
	key_options(&o, "-----BEGIN PUBLIC KEY-----\nnot base64\n");
	EXPECT(queue_audit_verify(f->q, &o, &r, &why), EX_DATAERR, "--key:");
	free(right);
	free(wrong);
}

static void
test_verify_expect(void **state)
{
	struct fixture			*f = *state;
	struct queue_verify_options	 o;
	struct queue_verify_report	 r;
	char				*head10, *last;

	head10 = tu_sql_text(f->db.path, "SELECT hash FROM audit WHERE "
	    "seq = 10");
	last = tu_sql_text(f->db.path, "SELECT hash FROM audit WHERE "
	    "seq = 16");
	memset(&o, 0, sizeof o);
	o.expect = head10;
	OK(queue_audit_verify(open_copy(f), &o, &r, &why));
	assert_int_equal(r.expect_seq, 10);
	o.expect = last;
	OK(queue_audit_verify(f->q, &o, &r, &why));
	assert_int_equal(r.expect_seq, NEVENTS);
	o.expect = "00000000000000000000000000000000"
	    "00000000000000000000000000000001";
	EXPECT(queue_audit_verify(f->q, &o, &r, &why), EX_DATAERR,
	    "is not in the chain");
	queue_close(f->q);
	f->q = NULL;

	/* Rewritten from event 6 on: the head published at 10 is gone. */
	forge_decision_1(f);
	assert_int_equal(rehash(f), 6);
	o.expect = head10;
	EXPECT(queue_audit_verify(open_copy(f), &o, &r, &why), EX_DATAERR,
	    "audit event 6");
	free(head10);
	free(last);
}

/*
 * The record of processing: for leads only; the personal data held (anon-1's
 * PERSON span; no pii flags in the scenario) and every actor of the log,
 * whose events add up to the log's.
 */
static void
test_processing(void **state)
{
	struct fixture			*f = *state;
	struct queue			*q = open_copy(f);
	struct queue_processing		 p;
	uint64_t			 events = 0;
	size_t				 i;

	as(q, "bob");
	EXPECT(queue_processing(q, &p, &why), EX_NOPERM, "a lead may");
	as(q, "carol");
	OK(queue_processing(q, &p, &why));
	assert_string_equal(p.backend, TU_BACKEND);
	assert_int_equal(p.ntypes, 1);
	assert_string_equal(p.types[0].type, "PERSON");
	assert_false(p.types[0].flag);
	assert_int_equal(p.types[0].items, 1);
	assert_int_equal(p.types[0].values, 1);
	assert_int_equal(p.nactors, tu_sql_int(f->db.path,
	    "SELECT count(DISTINCT actor) FROM audit"));
	for (i = 0; i < p.nactors; i++) {
		events += p.actors[i].events;
		assert_true(strcmp(p.actors[i].first, p.actors[i].last) <= 0);
		if (i > 0)
			assert_true(strcmp(p.actors[i - 1].actor,
			    p.actors[i].actor) < 0);
	}
	assert_int_equal(events, NEVENTS);
	assert_int_equal(strlen(p.key_id), 16);
	/* The fixture copied the key: its mode is the copy's, as it stands. */
	assert_true(p.key_mode > 0);
	queue_processing_done(&p);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_verify_ok),
		T(test_empty_log),
		T(test_every_event_type),
		T(test_chain_as_documented),
		T(test_triggers),
		T(test_dropped_guard),
		T(test_disabled_guard),
		T(test_edited_decision),
		T(test_body_commits_payload_by_hash),
		T(test_edited_decision_reviewer),
		T(test_deleted_decision),
		T(test_inserted_decision),
		T(test_swapped_events),
		T(test_deleted_last_event),
		T(test_deleted_middle_event),
		T(test_changed_actor_column),
		T(test_changed_item_column),
		T(test_changed_body),
		T(test_rehashed_body),
		T(test_forged_chain_badly_signed),
		T(test_forged_chain_unsigned),
		T(test_forged_tail_then_honest_write),
		T(test_verify_key),
		T(test_verify_expect),
		T(test_processing),
	};

	tu_backend_start();
	return (cmocka_run_group_tests_name("audit (" TU_BACKEND ")",
	    tests, group_setup, tu_group_db_free));
}
