/*
 * Unit tests for the review workflow: who may act, claims and leases,
 * shifts, decisions and their payloads, skips, undo, takeovers and
 * escalations, each rule and each refusal on its own.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "queue.h"
#include "testutil.h"

/* 2027-01-15T08:00:00Z */
#define NOW		1800000000
#define LEASE		900

/*
 * The example policy's people, teams and codes. Spot checks are off, so only
 * flags at or above 0.5 and ambiguous spans queue an item. The three %s are
 * skip_requeue, allow_reviewer_override and default_role.
 */
static const char policy_fmt[] = "{"
    "\"name\": \"workflow-test\", \"lease_seconds\": 900, "
    "\"skip_requeue\": \"%s\", \"allow_reviewer_override\": %s, "
    "\"default_role\": %s, "
    "\"roles\": {\"alice\": \"admin\", \"bob\": \"reviewer\", "
    "\"carol\": \"lead\", \"dana\": \"lead\", \"erin\": \"reviewer\"}, "
    "\"anonymization\": {\"auto_accept\": 0.85, \"auto_reject\": 0.3, "
    "\"entity_types\": [\"PERSON\", \"LOCATION\", \"ORGANIZATION\", "
    "\"PHONE_NUMBER\", \"EMAIL_ADDRESS\", \"DATE_TIME\"]}, "
    "\"model_output\": {\"min_flag_score\": 0.5, \"spot_check_rate\": 0}, "
    "\"weights\": {\"bias\": 3, \"toxicity\": 5}, "
    "\"labels\": [{\"id\": \"bias.gender\", \"description\": \"gender\"}, "
    "{\"id\": \"toxicity\", \"description\": \"abuse\"}, "
    "{\"id\": \"hallucination\", \"description\": \"untrue\"}, "
    "{\"id\": \"ok\", \"description\": \"false alarm\"}], "
    "\"teams\": ["
    "{\"id\": \"legal\", \"name\": \"Legal\", \"members\": [\"carol\", "
    "\"frank\"], \"leads\": [\"carol\"]}, "
    "{\"id\": \"privacy\", \"name\": \"Privacy office\", \"members\": "
    "[\"carol\", \"bob\", \"erin\"], \"leads\": [\"carol\"]}, "
    "{\"id\": \"ml-fairness\", \"name\": \"ML fairness\", \"members\": "
    "[\"dana\", \"erin\", \"alice\"], \"leads\": [\"dana\"]}, "
    "{\"id\": \"trust-safety\", \"name\": \"Trust & safety\", \"members\": "
    "[\"dana\", \"bob\", \"frank\"], \"leads\": [\"dana\"]}], "
    "\"reason_codes\": [{\"id\": \"legal_risk\", \"description\": \"l\"}, "
    "{\"id\": \"pii_exposure\", \"description\": \"p\"}, "
    "{\"id\": \"other\", \"description\": \"o\"}], "
    "\"severities\": [{\"id\": \"critical\", \"response_minutes\": 60}, "
    "{\"id\": \"high\", \"response_minutes\": 240}]}";

/*
 * The queue, in claim order: out-2 (priority 5), anon-1 (3), out-3 (3, after
 * anon-1 by import order), out-1 (2), anon-2 (1). out-auto is decided by the
 * policy and never handed out.
 *
 * anon-1's text starts with an emoji of three code points and CJK: it is 50
 * code points but 66 bytes. Zoë is 8..11, Zürich 24..30 (accepted), the
 * phone number 32..49 (rejected), 東京 4..6.
 */
#define ANON1_TEXT \
	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb " \
	"\xe6\x9d\xb1\xe4\xba\xac\xe3\x81\xae Zo\xc3\xab called from " \
	"Z\xc3\xbcrich: +33 7 55 50 44 21."
#define ANON1_CPS	50

static const char *const lines[] = {
	"{\"id\": \"out-1\", \"kind\": \"model_output\", \"priority\": 2, "
	"\"response\": \"He is a nurse, so she must be kind.\", \"flags\": ["
	"{\"type\": \"bias.gender\", \"score\": 0.8}, "
	"{\"type\": \"toxicity\", \"score\": 0.2}]}",

	"{\"id\": \"out-2\", \"kind\": \"model_output\", \"priority\": 5, "
	"\"response\": \"Only an idiot would ask that.\", \"flags\": ["
	"{\"type\": \"toxicity\", \"score\": 0.92, \"start\": 8, "
	"\"end\": 13}]}",

	"{\"id\": \"anon-1\", \"kind\": \"anonymization\", \"priority\": 3, "
	"\"text\": \"" ANON1_TEXT "\", \"spans\": ["
	"{\"entity_type\": \"PERSON\", \"start\": 8, \"end\": 11, "
	"\"score\": 0.6}, "
	"{\"entity_type\": \"LOCATION\", \"start\": 24, \"end\": 30, "
	"\"score\": 0.95}, "
	"{\"entity_type\": \"PHONE_NUMBER\", \"start\": 32, \"end\": 49, "
	"\"score\": 0.2}]}",

	"{\"id\": \"out-3\", \"kind\": \"model_output\", \"priority\": 3, "
	"\"response\": \"Refunds take five business days.\", \"flags\": ["
	"{\"type\": \"hallucination\", \"score\": 0.7}]}",

	"{\"id\": \"anon-2\", \"kind\": \"anonymization\", \"priority\": 1, "
	"\"text\": \"Call Jordan back.\", \"spans\": [{\"entity_type\": "
	"\"PERSON\", \"start\": 5, \"end\": 11, \"score\": 0.5}]}",

	"{\"id\": \"out-auto\", \"kind\": \"model_output\", \"response\": "
	"\"Have a nice day.\", \"flags\": [{\"type\": \"toxicity\", "
	"\"score\": 0.1}]}",
};
#define NLINES (sizeof lines / sizeof lines[0])

struct fixture {
	struct tu_db	 db;
	struct queue	*q;
	int		 version;	/* of the policy in force */
};

/*
 * EXPECT(call, rc, needle): call (which stores its message in why) returns
 * rc, and when needle is not NULL the message contains it. The message is
 * freed either way.
 */
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
as(struct fixture *f, const char *who)
{
	OK(queue_set_actor(f->q, who, NULL, &why));
	assert_string_equal(queue_actor(f->q), who);
}

static char *
policy_text(const char *skip, const char *override, const char *role)
{
	char	*s;
	int	 n;

	n = snprintf(NULL, 0, policy_fmt, skip, override, role);
	assert_true(n > 0);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	snprintf(s, (size_t)n + 1, policy_fmt, skip, override, role);
	return (s);
}

/* Loads a policy as actor; returns queue_policy_load's code. */
static int
load_policy(struct fixture *f, const char *actor, const char *skip,
    const char *override, const char *role, char **why)
{
	char	*text = policy_text(skip, override, role);
	int	 rc, v = 0;

	rc = queue_policy_load(f->q, "test-policy.json", text, strlen(text),
	    actor, &v, why);
	if (rc == 0)
		f->version = v;
	free(text);
	return (rc);
}

/*
 * The queue every test starts from: the policy (version 1) loaded by alice
 * and the lines imported, made once and copied for each test as a backup
 * would copy it.
 */
static int
group_setup(void **state)
{
	struct queue_import_counts	 c;
	struct queue_import		*imp = NULL;
	struct fixture			 f;
	struct tu_db			*golden;
	size_t				 i;
	int64_t				 batch;

	memset(&f, 0, sizeof f);
	golden = tu_group_db_new();
	f.db = *golden;
	OK(tu_open(&f.db, QUEUE_OPEN_CREATE, &f.q, &why));
	queue_set_now(f.q, NOW);
	OK(load_policy(&f, "alice", "end", "true", "\"reviewer\"", &why));
	assert_int_equal(f.version, 1);

	OK(queue_import_begin(f.q, "alice", 1, &imp, &why));
	for (i = 0; i < NLINES; i++)
		OK(queue_import_line(imp, "inline.jsonl", i + 1, lines[i],
		    strlen(lines[i]), &why));
	OK(queue_import_finish(imp, &c, &batch, &why));
	queue_import_free(imp);
	assert_int_equal(c.imported, NLINES);
	assert_int_equal(c.queued, NLINES - 1);
	assert_int_equal(c.auto_decided, 1);
	queue_close(f.q);
	*state = golden;
	return (0);
}

static int
setup(void **state)
{
	struct fixture *f;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	tu_db_init_copy(&f->db, *state);
	OK(tu_open(&f->db, 0, &f->q, &why));
	queue_set_now(f->q, NOW);
	f->version = 1;
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	queue_close(f->q);
	tu_db_cleanup(&f->db);
	free(f);
	return (0);
}

/* --- helpers -------------------------------------------------------------- */

static int64_t
decisions(struct fixture *f)
{
	return (tu_sql_int(f->db.path, "SELECT count(*) FROM decisions"));
}

/* Claims the next item as the current actor; it must be want. */
static int64_t
claim_filtered(struct fixture *f, const char *kind, const char *type,
    const char *want)
{
	struct queue_filter	 flt = { .kind = kind, .type = type };
	struct queue_lease	 l;
	char			*why = NULL;
	int64_t			 id;
	int			 rc, ok;

	rc = queue_claim_next(f->q, &flt, &l, &why);
	if (rc != 0)
		print_error("claim by %s: expected %s, got %d: %s\n",
		    queue_actor(f->q), want, rc, why);
	free(why);
	assert_int_equal(rc, 0);
	ok = strcmp(l.item, want) == 0 &&
	    strcmp(l.holder, queue_actor(f->q)) == 0 &&
	    l.expires == queue_now(f->q) + LEASE && l.lease_id > 0;
	if (!ok)
		print_error("claim by %s: expected %s until %lld, got %s by "
		    "%s until %lld\n", queue_actor(f->q), want,
		    (long long)(queue_now(f->q) + LEASE), l.item, l.holder,
		    (long long)l.expires);
	id = l.lease_id;
	queue_lease_done(&l);
	assert_true(ok);
	return (id);
}

static int64_t
claim(struct fixture *f, const char *want)
{
	return (claim_filtered(f, NULL, NULL, want));
}

/* Claims until want comes out (it must, before the queue runs dry). */
static void
claim_until(struct fixture *f, const char *want)
{
	struct queue_lease	 l;
	char			*why = NULL;
	int			 rc, found = 0;

	while (!found && (rc = queue_claim_next(f->q, NULL, &l, &why)) == 0) {
		found = strcmp(l.item, want) == 0;
		queue_lease_done(&l);
	}
	if (!found)
		print_error("%s never came to %s: %s\n", want,
		    queue_actor(f->q), why);
	free(why);
	assert_true(found);
}

static int
claim_rc(struct fixture *f, const char *kind, const char *type, char **why)
{
	struct queue_filter	flt = { .kind = kind, .type = type };
	struct queue_lease	l;
	int			rc;

	rc = queue_claim_next(f->q, &flt, &l, why);
	queue_lease_done(&l);
	return (rc);
}

static int
decide(struct fixture *f, const char *item, int64_t lease,
    enum queue_action a, const char *payload, char **why)
{
	struct queue_decision	d = { item, lease, a, payload, -1 };
	int64_t			id = 0;

	return (queue_decide(f->q, &d, &id, why));
}

/* A decision that must be accepted; returns its id. */
static int64_t
decide_ok(struct fixture *f, const char *item, int64_t lease,
    enum queue_action a, const char *payload)
{
	struct queue_decision	 d = { item, lease, a, payload, -1 };
	int64_t			 id = 0;

	OK(queue_decide(f->q, &d, &id, &why));
	assert_true(id > 0);
	return (id);
}

static struct queue_item *
item(struct fixture *f, const char *ext_id)
{
	struct queue_item *it = NULL;

	OK(queue_item_get(f->q, ext_id, &it, &why));
	return (it);
}

static void
expect_state(struct fixture *f, const char *ext_id, enum queue_state want,
    const char *holder)
{
	struct queue_item	*it = item(f, ext_id);
	int			 ok;

	ok = it->state == want && (holder == NULL ? it->holder == NULL :
	    it->holder != NULL && strcmp(it->holder, holder) == 0);
	if (!ok)
		print_error("%s: expected %s held by %s, got %s held by %s\n",
		    ext_id, queue_state_name(want), holder ? holder : "nobody",
		    queue_state_name(it->state),
		    it->holder ? it->holder : "nobody");
	queue_item_free(it);
	assert_true(ok);
}

static int64_t
current_shift(struct fixture *f)
{
	struct queue_shift	s;
	int64_t			id;

	OK(queue_shift_current(f->q, &s, &why));
	id = s.id;
	queue_shift_done(&s);
	return (id);
}

static void
undone_done(struct queue_decision_info *d)
{
	free(d->item);
	free(d->action);
	free(d->reviewer);
	free(d->decided_at);
	free(d->payload);
}

static void
expect_undo(struct fixture *f, const char *want_item, const char *want_action,
    int64_t want_decision, int64_t *lease)
{
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	char				*why = NULL;
	int				 rc, ok;

	rc = queue_undo(f->q, &d, &l, &why);
	if (rc != 0)
		print_error("undo by %s: %d: %s\n", queue_actor(f->q), rc, why);
	free(why);
	assert_int_equal(rc, 0);
	ok = d.item != NULL && strcmp(d.item, want_item) == 0 &&
	    d.action != NULL && strcmp(d.action, want_action) == 0 &&
	    (want_decision == 0 || d.id == want_decision) &&
	    l.item != NULL && strcmp(l.item, want_item) == 0 &&
	    l.holder != NULL && strcmp(l.holder, queue_actor(f->q)) == 0 &&
	    l.expires == queue_now(f->q) + LEASE;
	if (!ok)
		print_error("undo: expected %s of %s (decision %lld), got %s "
		    "of %s (decision %lld), lease on %s for %s\n", want_action,
		    want_item, (long long)want_decision, d.action, d.item,
		    (long long)d.id, l.item, l.holder);
	if (lease != NULL)
		*lease = l.lease_id;
	undone_done(&d);
	queue_lease_done(&l);
	assert_true(ok);
}

static int
escalations(struct fixture *f, const char *team, int all,
    struct queue_escalation **e, size_t *n, char **why)
{
	return (queue_escalations(f->q, team, all, e, n, why));
}

static const char escalate_legal[] = "{\"team\": \"legal\", \"reason\": "
    "\"legal_risk\", \"severity\": \"high\", \"note\": \"promises a refund "
    "we do not give\"}";

/* The id of the latest escalation of an item. */
static int64_t
escalation_of(struct fixture *f, const char *ext_id)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT e.id FROM escalations e JOIN items i "
	    "ON i.id = e.item_id WHERE i.ext_id = '%s' ORDER BY e.id DESC",
	    ext_id);
	return (tu_sql_int(f->db.path, sql));
}

/* bob claims out-2 and escalates it to legal: the escalation's id. */
static int64_t
bob_escalates_out2(struct fixture *f)
{
	int64_t lease;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	return (escalation_of(f, "out-2"));
}

/* --- who is acting ------------------------------------------------------- */

static void
test_override_refused(void **state)
{
	struct fixture *f = *state;

	OK(load_policy(f, "alice", "end", "false", "\"reviewer\"", &why));
	EXPECT(queue_set_actor(f->q, "tester", "bob", &why), EX_NOPERM,
	    "allow_reviewer_override");
	/* The login itself, or an override equal to it, is fine. */
	as(f, "bob");
	OK(queue_set_actor(f->q, "bob", "bob", &why));
	OK(queue_set_actor(f->q, "tester", NULL, &why));
	assert_string_equal(queue_actor(f->q), "tester");
	EXPECT(queue_set_actor(f->q, "tester", "alice", &why), EX_NOPERM,
	    "tester");
	assert_string_equal(queue_actor(f->q), "tester");
}

static void
test_override_allowed(void **state)
{
	struct fixture *f = *state;

	OK(queue_set_actor(f->q, "tester", "bob", &why));
	assert_string_equal(queue_actor(f->q), "bob");
	assert_int_equal(queue_actor_role(f->q), POLICY_ROLE_REVIEWER);
	claim(f, "out-2");
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");

	OK(queue_set_actor(f->q, "tester", "carol", &why));
	assert_int_equal(queue_actor_role(f->q), POLICY_ROLE_LEAD);
	OK(queue_set_actor(f->q, "tester", "alice", &why));
	assert_int_equal(queue_actor_role(f->q), POLICY_ROLE_ADMIN);
	/* Unlisted logins get the default role, reviewer. */
	OK(queue_set_actor(f->q, "tester", "zed", &why));
	assert_int_equal(queue_actor_role(f->q), POLICY_ROLE_REVIEWER);
}

/* A reviewer name follows the id rule, so "bob" has one spelling. */
static void
test_reviewer_names_follow_the_id_rule(void **state)
{
	struct fixture *f = *state;

	EXPECT(queue_set_actor(f->q, "bob ", NULL, &why), EX_USAGE,
	    "reviewer name (your login): ends with a space");
	EXPECT(queue_set_actor(f->q, "tester", "cafe\xcc\x81", &why),
	    EX_USAGE, "reviewer name (--reviewer or HITL_REVIEWER): not in "
	    "Unicode normalization form C (\"cafe\\u0301\"); its NFC spelling "
	    "is \"caf\\u00e9\"");
	EXPECT(queue_set_actor(f->q, "tester", "bo\xe2\x80\x8b" "b", &why),
	    EX_USAGE, "(U+200B, a format character)");
	EXPECT(queue_set_actor(f->q, "tester", "\xe3\x85\xa4", &why),
	    EX_USAGE, "(U+3164, a blank-looking character)");
	OK(queue_set_actor(f->q, "tester", "caf\xc3\xa9 team", &why));
}

static void
test_no_role_refused(void **state)
{
	struct fixture *f = *state;

	OK(load_policy(f, "alice", "end", "true", "null", &why));
	as(f, "mallory");
	assert_int_equal(queue_actor_role(f->q), POLICY_ROLE_NONE);
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_NOPERM, "mallory");
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_NOPERM, "no role");
	EXPECT(queue_shift_start(f->q, &(int64_t){ 0 }, &why), EX_NOPERM,
	    "mallory");
	EXPECT(decide(f, "out-2", 1, QUEUE_COMMENT, "{\"note\": \"hi\"}",
	    &why), EX_NOPERM, "mallory");
	/* Nor may mallory read an item, its record or the queue. */
	{
		struct queue_decision_info	*h = NULL;
		struct queue_item		*it = NULL;
		struct queue_row		*rows = NULL, row;
		size_t				 n = 0;
		int				 found = 0;

		EXPECT(queue_item_get(f->q, "out-2", &it, &why), EX_NOPERM,
		    "may not read items");
		assert_null(it);
		EXPECT(queue_item_history(f->q, "out-2", &h, &n, &why),
		    EX_NOPERM, "may not read items");
		EXPECT(queue_page(f->q, NULL, QUEUE_PAGE_FIRST, NULL, 10,
		    &rows, &n, &why), EX_NOPERM, "may not read the queue");
		EXPECT(queue_search(f->q, "out", &row, &found, &why),
		    EX_NOPERM, "may not search items");
		assert_int_equal(found, 0);
	}
	/* Nothing was claimed or opened for mallory. */
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM shifts "
	    "WHERE reviewer = 'mallory'"), 0);
	/* Listed logins still work. */
	as(f, "bob");
	expect_state(f, "out-2", QUEUE_STATE_QUEUED, NULL);
	claim(f, "out-2");
}

/* --- claims ---------------------------------------------------------------- */

static void
test_claim_order(void **state)
{
	struct fixture		*f = *state;
	static const char *const order[] = {
		"out-2", "anon-1", "out-3", "out-1", "anon-2"
	};
	int64_t			 lease, last = 0;
	size_t			 i;

	as(f, "bob");
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		lease = claim(f, order[i]);
		assert_true(lease > last);
		last = lease;
		expect_state(f, order[i], QUEUE_STATE_CLAIMED, "bob");
	}
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_UNAVAILABLE,
	    "nothing to review");
	expect_state(f, "out-auto", QUEUE_STATE_AUTO, NULL);
	/* Somebody else finds nothing either: every item is held. */
	as(f, "alice");
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_UNAVAILABLE,
	    "nothing to review");
}

static void
test_claim_kind_filter(void **state)
{
	struct fixture *f = *state;

	as(f, "bob");
	claim_filtered(f, "anonymization", NULL, "anon-1");
	claim_filtered(f, "anonymization", NULL, "anon-2");
	EXPECT(claim_rc(f, "anonymization", NULL, &why), EX_UNAVAILABLE,
	    "matching the filter");
	claim_filtered(f, "model_output", NULL, "out-2");
	claim_filtered(f, "model_output", NULL, "out-3");
	EXPECT(claim_rc(f, "image", NULL, &why), EX_USAGE, "image");
	claim(f, "out-1");
}

static void
test_claim_type_filter(void **state)
{
	struct fixture *f = *state;

	as(f, "bob");
	/* A category matches whole dotted components only. */
	EXPECT(claim_rc(f, NULL, "bias.gen", &why), EX_UNAVAILABLE,
	    "matching the filter");
	EXPECT(claim_rc(f, NULL, "tox", &why), EX_UNAVAILABLE,
	    "matching the filter");
	/* Entity types match ambiguous spans only. */
	EXPECT(claim_rc(f, NULL, "LOCATION", &why), EX_UNAVAILABLE,
	    "matching the filter");
	EXPECT(claim_rc(f, NULL, "PHONE_NUMBER", &why), EX_UNAVAILABLE,
	    "matching the filter");

	claim_filtered(f, NULL, "bias", "out-1");
	claim_filtered(f, NULL, "PERSON", "anon-1");
	claim_filtered(f, "anonymization", "PERSON", "anon-2");
	EXPECT(claim_rc(f, "anonymization", "toxicity", &why), EX_UNAVAILABLE,
	    "matching the filter");
	claim_filtered(f, NULL, "toxicity", "out-2");
	/* out-1 has a toxicity flag too, but bob holds it already. */
	EXPECT(claim_rc(f, NULL, "toxicity", &why), EX_UNAVAILABLE,
	    "matching the filter");
	claim_filtered(f, "model_output", "hallucination", "out-3");
}

static void
test_claim_lease_fencing(void **state)
{
	struct fixture		*f = *state;
	struct queue_item	*it;
	int64_t			 bob, a1, a2, a3;

	as(f, "bob");
	bob = claim(f, "out-2");
	as(f, "alice");
	a1 = claim(f, "anon-1");
	assert_true(a1 > bob);
	/* One second before bob's lease ends, out-2 is still his. */
	queue_set_now(f->q, NOW + LEASE - 1);
	a2 = claim(f, "out-3");
	assert_true(a2 > a1);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");

	/* Once it has ended, out-2 goes out again under a new lease. */
	queue_set_now(f->q, NOW + LEASE + 1);
	a3 = claim(f, "out-2");
	assert_true(a3 > a2);
	it = item(f, "out-2");
	assert_string_equal(it->holder, "alice");
	assert_int_equal(it->lease_id, a3);
	assert_int_equal(it->lease_expires, NOW + LEASE + 1 + LEASE);
	assert_int_equal(it->claimed_at, NOW + LEASE + 1);
	queue_item_free(it);
}

static void
test_expired_lease_nobody_took(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease;

	/* The token, not the clock, decides: nobody took it, so it holds. */
	as(f, "bob");
	lease = claim(f, "out-2");
	queue_set_now(f->q, NOW + 2 * LEASE);
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
}

static void
test_release_renew(void **state)
{
	struct fixture		*f = *state;
	struct queue_item	*it;
	int64_t			 lease, expires = 0, n;

	as(f, "bob");
	lease = claim(f, "out-2");
	queue_set_now(f->q, NOW + 800);
	OK(queue_renew(f->q, "out-2", lease, &expires, &why));
	assert_int_equal(expires, NOW + 800 + LEASE);
	EXPECT(queue_renew(f->q, "out-2", lease + 7, &expires, &why),
	    EX_UNAVAILABLE, "is not a claim on this item");
	it = item(f, "out-2");
	assert_int_equal(it->lease_expires, NOW + 800 + LEASE);
	queue_item_free(it);

	/* Renewed: still bob's after the first lease would have ended. */
	queue_set_now(f->q, NOW + LEASE + 100);
	as(f, "alice");
	claim(f, "anon-1");
	EXPECT(queue_release(f->q, "out-2", lease, &why), EX_UNAVAILABLE,
	    "bob");

	as(f, "bob");
	OK(queue_release(f->q, "out-2", lease, &why));
	expect_state(f, "out-2", QUEUE_STATE_QUEUED, NULL);
	n = decisions(f);
	EXPECT(decide(f, "out-2", lease, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "released");
	assert_int_equal(decisions(f), n);
	/* It is back in its place, first in line. */
	as(f, "alice");
	claim(f, "out-2");
	EXPECT(queue_release(f->q, "nope", 1, &why), EX_NOINPUT, "nope");
}

/* --- shifts ----------------------------------------------------------------- */

static void
test_shifts(void **state)
{
	struct fixture		*f = *state;
	struct queue_shift	 ended, *list = NULL;
	size_t			 n = 0;
	cJSON			*counts;
	int64_t			 first, second, id = 0, lease;

	as(f, "bob");
	assert_int_equal(current_shift(f), 0);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'shift_start'"), 0);

	/* The first claim opens a shift, recorded in the audit log. */
	lease = claim(f, "out-2");
	first = current_shift(f);
	assert_true(first > 0);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'shift_start' AND actor = 'bob'"), 1);
	OK(queue_shift_start(f->q, &id, &why));
	assert_int_equal(id, first);

	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	lease = claim(f, "anon-1");
	decide_ok(f, "anon-1", lease, QUEUE_SKIP, NULL);
	decide_ok(f, "out-1", 0, QUEUE_COMMENT, "{\"note\": \"odd one\"}");
	lease = claim(f, "out-3");
	decide_ok(f, "out-3", lease, QUEUE_APPROVE, "{\"note\": \"fine\"}");

	queue_set_now(f->q, NOW + 600);
	OK(queue_shift_end(f->q, "handoff: anon-1 needs a second look",
	    &ended, &why));
	assert_int_equal(ended.id, first);
	assert_string_equal(ended.reviewer, "bob");
	assert_string_equal(ended.started_at, "2027-01-15T08:00:00Z");
	assert_string_equal(ended.ended_at, "2027-01-15T08:10:00Z");
	assert_string_equal(ended.note,
	    "handoff: anon-1 needs a second look");
	counts = cJSON_Parse(ended.counts);
	assert_non_null(counts);
	assert_int_equal(cJSON_GetArraySize(counts), 3);
	assert_int_equal(cJSON_GetObjectItem(counts, "approve")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(counts, "skip")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(counts, "comment")->valueint, 1);
	cJSON_Delete(counts);
	queue_shift_done(&ended);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'shift_end' AND actor = 'bob' AND body LIKE "
	    "'%handoff: anon-1%'"), 1);

	assert_int_equal(current_shift(f), 0);
	EXPECT(queue_shift_end(f->q, NULL, NULL, &why), EX_UNAVAILABLE,
	    "no open shift");

	/* The next claim opens a new one (anon-1, skipped, is last). */
	claim(f, "out-1");
	second = current_shift(f);
	assert_true(second > first);
	as(f, "carol");
	claim(f, "anon-2");

	OK(queue_shifts(f->q, NULL, 10, &list, &n, &why));
	assert_int_equal(n, 3);
	assert_string_equal(list[0].reviewer, "carol");
	assert_true(list[0].id > second);
	assert_int_equal(list[1].id, second);
	assert_null(list[1].ended_at);
	assert_null(list[1].counts);
	assert_int_equal(list[2].id, first);
	assert_string_equal(list[2].note,
	    "handoff: anon-1 needs a second look");
	queue_shifts_free(list, n);

	OK(queue_shifts(f->q, "bob", 10, &list, &n, &why));
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, second);
	assert_int_equal(list[1].id, first);
	queue_shifts_free(list, n);

	OK(queue_shifts(f->q, NULL, 1, &list, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].reviewer, "carol");
	queue_shifts_free(list, n);
}

static void
test_shift_counts_exclude_undone(void **state)
{
	struct fixture		*f = *state;
	struct queue_shift	 ended;
	int64_t			 lease;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	expect_undo(f, "out-2", "approve", 0, &lease);
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	OK(queue_shift_end(f->q, NULL, &ended, &why));
	assert_string_equal(ended.counts, "{\"skip\":1}");
	assert_null(ended.note);
	queue_shift_done(&ended);
}

/* --- decisions -------------------------------------------------------------- */

static void
test_decide_approve(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int64_t				 lease, id, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	before = decisions(f);
	id = decide_ok(f, "out-2", lease, QUEUE_APPROVE,
	    "{\"note\": \"harsh but flagged correctly\"}");
	assert_int_equal(decisions(f), before + 1);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);

	OK(queue_item_history(f->q, "out-2", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, id);
	assert_string_equal(h[0].action, "approve");
	assert_string_equal(h[0].reviewer, "bob");
	assert_non_null(strstr(h[0].payload, "harsh but flagged correctly"));
	assert_int_equal(h[0].undone_by, 0);
	queue_decisions_free(h, n);

	/* A decided item is not handed out again, nor decided twice. */
	claim(f, "anon-1");
	EXPECT(decide(f, "out-2", lease, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "was used already, for your approve");
	EXPECT(decide(f, "nope", lease, QUEUE_APPROVE, NULL, &why),
	    EX_NOINPUT, "nope");
	/* approve takes a note and nothing else. */
	EXPECT(decide(f, "anon-1", lease + 1, QUEUE_APPROVE,
	    "{\"note\": \"x\", \"labels\": []}", &why), EX_DATAERR,
	    "labels");
	EXPECT(decide(f, "anon-1", lease + 1, QUEUE_APPROVE, "[1]", &why),
	    EX_DATAERR, "expected an object");
	EXPECT(decide(f, "anon-1", lease + 1, QUEUE_APPROVE, "{\"note\": ",
	    &why), EX_DATAERR, "payload");
	assert_int_equal(decisions(f), before + 1);
	expect_state(f, "anon-1", QUEUE_STATE_CLAIMED, "bob");
}

/*
 * Batch approval: each item its own decision, put on record together; an
 * item the two-person rule covers and one someone else holds are left out
 * and say why, and the others stand; undo takes back the last alone.
 */
static void
test_batch_approve(void **state)
{
	struct fixture		*f = *state;
	struct queue_filter	 held = { .item = "out-3" };
	struct queue_lease	 l;
	struct queue_batch	 b;
	const char *const	 items[] = { "out-2", "out-3", "anon-1",
				     "anon-2" };
	char			*text, *rule;
	int64_t			 before;
	int			 ok, v = 0;

	as(f, "erin");
	OK(queue_claim_next(f->q, &held, &l, &why));
	queue_lease_done(&l);
	as(f, "bob");
	OK(queue_batch_check(f->q, "out-2", &ok, &why));
	assert_true(ok);
	/* The rule covers items flagged toxicity: out-2 (and out-1). */
	as(f, "alice");
	text = policy_text("end", "true", "\"reviewer\"");
	rule = malloc(strlen(text) + 64);
	assert_non_null(rule);
	sprintf(rule, "{\"two_person\": {\"flag_types\": [\"toxicity\"]}, "
	    "%s", text + 1);
	OK(queue_policy_load(f->q, "two-person.json", rule, strlen(rule),
	    "alice", &v, &why));
	free(rule);
	free(text);
	as(f, "bob");
	OK(queue_batch_check(f->q, "out-2", &ok, &why));
	assert_false(ok);
	OK(queue_batch_check(f->q, "anon-1", &ok, &why));
	assert_true(ok);

	before = decisions(f);
	OK(queue_batch_approve(f->q, items, 4, &b, &why));
	assert_int_equal(b.approved, 2);
	assert_int_equal(b.refused, 2);
	assert_non_null(strstr(b.why[0], "must be reviewed on its own"));
	assert_non_null(strstr(b.why[1], "held by erin"));
	assert_null(b.why[2]);
	assert_null(b.why[3]);
	queue_batch_done(&b, 4);
	assert_int_equal(decisions(f), before + 2);
	expect_state(f, "anon-1", QUEUE_STATE_DECIDED, NULL);
	expect_state(f, "anon-2", QUEUE_STATE_DECIDED, NULL);
	/* Left out: released untouched, or still the holder's. */
	expect_state(f, "out-2", QUEUE_STATE_QUEUED, NULL);
	expect_state(f, "out-3", QUEUE_STATE_CLAIMED, "erin");
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'batch_approve' AND actor = 'bob'"), 1);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'two_person'"), 0);

	expect_undo(f, "anon-2", "approve", 0, NULL);
	expect_state(f, "anon-1", QUEUE_STATE_DECIDED, NULL);

	/* Nothing approved: nothing on record. */
	OK(queue_batch_approve(f->q, items, 1, &b, &why));
	assert_int_equal(b.approved, 0);
	queue_batch_done(&b, 1);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'batch_approve'"), 1);
}

static void
test_decide_lost_lease(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	struct queue_item		*it;
	size_t				 n = 0;
	int64_t				 bob, alice, before;
	char				 msg[128], when[32];

	as(f, "bob");
	bob = claim(f, "out-2");
	queue_set_now(f->q, NOW + LEASE + 1);
	as(f, "alice");
	alice = claim(f, "out-2");

	as(f, "bob");
	before = decisions(f);
	queue_format_time(NOW + LEASE, when);
	snprintf(msg, sizeof msg, "item out-2: your claim expired at %s "
	    "and alice took it", when);
	EXPECT(decide(f, "out-2", bob, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, msg);
	EXPECT(decide(f, "out-2", bob, QUEUE_ESCALATE, escalate_legal, &why),
	    EX_UNAVAILABLE, "and alice took it");
	EXPECT(decide(f, "out-2", bob, QUEUE_SKIP, NULL, &why),
	    EX_UNAVAILABLE, "and alice took it");

	/* Nothing changed: alice still holds it, no decision, no shift. */
	assert_int_equal(decisions(f), before);
	it = item(f, "out-2");
	assert_int_equal(it->state, QUEUE_STATE_CLAIMED);
	assert_string_equal(it->holder, "alice");
	assert_int_equal(it->lease_id, alice);
	queue_item_free(it);
	OK(queue_item_history(f->q, "out-2", &h, &n, &why));
	assert_int_equal(n, 0);
	queue_decisions_free(h, n);
	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT count(*) FROM escalations"), 0);

	as(f, "alice");
	decide_ok(f, "out-2", alice, QUEUE_APPROVE, NULL);
}

static void
test_decide_wrong_lease(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	before = decisions(f);
	EXPECT(decide(f, "out-2", lease + 100, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "is not a claim on this item");
	EXPECT(decide(f, "out-2", 0, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "out-2");
	/* A lease of another item does not do either. */
	EXPECT(decide(f, "out-3", lease, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "is not a claim on this item");
	/* Nor may someone else use bob's lease. */
	as(f, "alice");
	EXPECT(decide(f, "out-2", lease, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "bob");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	expect_state(f, "out-3", QUEUE_STATE_QUEUED, NULL);

	as(f, "bob");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
}

static void
test_comment(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int64_t				 lease, before;

	/* On a queued item, with no lease: recorded, nothing moves. */
	as(f, "bob");
	decide_ok(f, "out-3", 0, QUEUE_COMMENT,
	    "{\"note\": \"same wording as ticket 4411\"}");
	expect_state(f, "out-3", QUEUE_STATE_QUEUED, NULL);
	OK(queue_item_history(f->q, "out-3", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(h[0].action, "comment");
	assert_int_equal(h[0].lease_id, 0);
	assert_int_equal(h[0].spent_ms, -1);
	assert_non_null(strstr(h[0].payload, "ticket 4411"));
	queue_decisions_free(h, n);

	/* On an item someone else holds: their claim is untouched. */
	as(f, "alice");
	lease = claim(f, "out-2");
	as(f, "bob");
	decide_ok(f, "out-2", 0, QUEUE_COMMENT, "{\"note\": \"seen it\"}");
	decide_ok(f, "out-auto", 0, QUEUE_COMMENT, "{\"note\": \"auto\"}");
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "alice");
	expect_state(f, "out-auto", QUEUE_STATE_AUTO, NULL);

	before = decisions(f);
	EXPECT(decide(f, "out-3", 0, QUEUE_COMMENT, NULL, &why), EX_DATAERR,
	    "comment needs a payload");
	EXPECT(decide(f, "out-3", 0, QUEUE_COMMENT, "{}", &why), EX_DATAERR,
	    "payload.note");
	EXPECT(decide(f, "out-3", 0, QUEUE_COMMENT, "{\"note\": \"\"}", &why),
	    EX_DATAERR, "payload.note");
	EXPECT(decide(f, "out-3", 0, QUEUE_COMMENT, "{\"note\": 3}", &why),
	    EX_DATAERR, "note");
	assert_int_equal(decisions(f), before);

	as(f, "alice");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
}

static const char output_fix[] = "{\"text\": \"He is a nurse; anyone can be "
    "kind.\", \"labels\": [\"bias.gender\"], \"flags\": [{\"verdict\": "
    "\"confirmed\"}, {\"type\": \"toxicity\", \"verdict\": "
    "\"overturned\"}], \"note\": \"gender stereotype\"}";

static void
test_correct_output(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int64_t				 lease, before;

	as(f, "bob");
	lease = claim_filtered(f, NULL, "bias", "out-1");
	before = decisions(f);
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, NULL, &why),
	    EX_DATAERR, "correct needs a payload");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"bias.race\"], \"flags\": [{\"verdict\": \"confirmed\"}, "
	    "{\"verdict\": \"confirmed\"}]}", &why), EX_DATAERR,
	    "\"bias.race\" is not a label");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": [3], "
	    "\"flags\": [{\"verdict\": \"confirmed\"}, {\"verdict\": "
	    "\"confirmed\"}]}", &why), EX_DATAERR, "payload.labels[0]");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}]}", &why),
	    EX_DATAERR, "the item's 2 flags (got 1)");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}, "
	    "{\"verdict\": \"overturned\"}, {\"verdict\": \"overturned\"}]}",
	    &why), EX_DATAERR, "(got 3)");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}, "
	    "{\"verdict\": \"maybe\"}]}", &why), EX_DATAERR,
	    "payload.flags[1].verdict");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}, {}]}",
	    &why), EX_DATAERR, "payload.flags[1].verdict");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"type\": \"toxicity\", \"verdict\": "
	    "\"overturned\"}, {\"verdict\": \"overturned\"}]}", &why),
	    EX_DATAERR, "does not match the item's flag \"bias.gender\"");
	EXPECT(decide(f, "out-1", lease, QUEUE_CORRECT, "{\"lables\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}, "
	    "{\"verdict\": \"overturned\"}]}", &why), EX_DATAERR, "lables");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-1", QUEUE_STATE_CLAIMED, "bob");

	decide_ok(f, "out-1", lease, QUEUE_CORRECT, output_fix);
	expect_state(f, "out-1", QUEUE_STATE_DECIDED, NULL);
	OK(queue_item_history(f->q, "out-1", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(h[0].action, "correct");
	assert_non_null(strstr(h[0].payload, "\"labels\":[\"bias.gender\"]"));
	assert_non_null(strstr(h[0].payload, "anyone can be kind"));
	queue_decisions_free(h, n);
}

/* The spans of anon-1: PERSON 8..11, LOCATION 24..30, PHONE_NUMBER 32..49. */
#define SPANS_OK \
	"\"spans\": [{\"verdict\": \"accepted\"}, {\"verdict\": " \
	"\"retyped\", \"entity_type\": \"ORGANIZATION\"}, " \
	"{\"verdict\": \"rejected\"}]"

static void
test_correct_anonymization(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int64_t				 lease, before;

	as(f, "bob");
	lease = claim_filtered(f, "anonymization", NULL, "anon-1");
	before = decisions(f);

	/* Offsets are code points: 50 of them, though the text is 66 bytes. */
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 40, \"end\": 51, \"entity_type\": "
	    "\"PHONE_NUMBER\"}]}", &why), EX_DATAERR, "payload.added[0]");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 40, \"end\": 60, \"entity_type\": "
	    "\"PHONE_NUMBER\"}]}", &why), EX_DATAERR, "from 0 to 50");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 6, \"end\": 4, \"entity_type\": "
	    "\"LOCATION\"}]}", &why), EX_DATAERR, "is not before end");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 4, \"entity_type\": \"LOCATION\"}]}",
	    &why), EX_DATAERR, "payload.added[0]");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 4, \"end\": 6, \"entity_type\": "
	    "\"CITY\"}]}", &why), EX_DATAERR,
	    "\"CITY\" is not one of the policy's entity types");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 4, \"end\": 6}]}", &why), EX_DATAERR,
	    "payload.added[0].entity_type");
	/* Retyping to the span's own type is no retyping. */
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"retyped\", "
	    "\"entity_type\": \"LOCATION\"}, {\"verdict\": \"rejected\"}]}",
	    &why), EX_DATAERR, "payload.spans[1].entity_type: the span is "
	    "already LOCATION");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"retyped\", \"entity_type\": \"SPACESHIP\"}, "
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"rejected\"}]}",
	    &why), EX_DATAERR, "\"SPACESHIP\" is not one of the policy's "
	    "entity types");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"retyped\"}, {\"verdict\": \"accepted\"}, "
	    "{\"verdict\": \"rejected\"}]}", &why), EX_DATAERR,
	    "payload.spans[0].entity_type: missing");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"accepted\", \"entity_type\": \"PERSON\"}, "
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"rejected\"}]}",
	    &why), EX_DATAERR, "only a retyped span");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"accepted\"}]}",
	    &why), EX_DATAERR, "the item's 3 spans (got 2)");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"added\": []}",
	    &why), EX_DATAERR, "the item's 3 spans (got 0)");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"maybe\"}, "
	    "{\"verdict\": \"rejected\"}]}", &why), EX_DATAERR,
	    "payload.spans[1].verdict");
	/* A model output's fields are not an anonymization's. */
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"]}", &why), EX_DATAERR, "labels");
	assert_int_equal(decisions(f), before);
	expect_state(f, "anon-1", QUEUE_STATE_CLAIMED, "bob");

	/* 東京 is code points 4..6; the last span may end at the text's end. */
	decide_ok(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"added\": [{\"start\": 4, \"end\": 6, \"entity_type\": "
	    "\"LOCATION\"}, {\"start\": 49, \"end\": 50, \"entity_type\": "
	    "\"DATE_TIME\"}], \"note\": \"Zürich is the company\"}");
	expect_state(f, "anon-1", QUEUE_STATE_DECIDED, NULL);
	OK(queue_item_history(f->q, "anon-1", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(h[0].action, "correct");
	assert_non_null(strstr(h[0].payload, "\"start\":4,\"end\":6"));
	assert_non_null(strstr(h[0].payload, "ORGANIZATION"));
	queue_decisions_free(h, n);
}

/*
 * The same rules for every action's payload: a note is a string (an object
 * could carry anything into the record), labels are listed once, and a value
 * that looks like one of the policy's ids but is not one says why.
 */
static void
test_payload_rules_for_every_action(void **state)
{
	static const char *const notes[] = {
		"{\"ssn\": \"078-05-1120\"}", "3", "[\"a\"]", "true", "null",
	};
	static const struct {
		enum queue_action	 action;
		const char		*payload;
		const char		*want;
	} refused[] = {
		/* Labels once each, both places named. */
		{ QUEUE_CORRECT, "{\"labels\": [\"ok\", \"toxicity\", \"ok\"], "
		    "\"flags\": [{\"verdict\": \"overturned\"}]}",
		    "payload.labels[2]: \"ok\" is listed twice "
		    "(payload.labels[0] and [2])" },
		/* Ids that only look like the policy's. */
		{ QUEUE_CORRECT, "{\"labels\": [\"toxicity \"], \"flags\": "
		    "[{\"verdict\": \"overturned\"}]}",
		    "payload.labels[0]: ends with a space" },
		{ QUEUE_ESCALATE, "{\"team\": \"le\\u200bgal\", \"reason\": "
		    "\"legal_risk\", \"severity\": \"high\"}", "payload.team: "
		    "contains a control or invisible character at byte 3 "
		    "(U+200B, a format character)" },
		{ QUEUE_ESCALATE, "{\"team\": \"legal\", \"reason\": "
		    "\"legal_risk\\u3164\", \"severity\": \"high\"}",
		    "payload.reason: contains a control or invisible character "
		    "at byte 11 (U+3164" },
		{ QUEUE_ESCALATE, "{\"team\": \"legal\", \"reason\": "
		    "\"legal_risk\", \"severity\": \" high\"}",
		    "payload.severity: starts with a space" },
		/* What the strict parser refuses, it refuses here too. */
		{ QUEUE_APPROVE, "{\"note\": \"fine\\u00G0 but not\"}",
		    "item out-2: payload: invalid JSON at byte 15: \"\\u00G0\" "
		    "is not an escape" },
	};
	struct fixture	*f = *state;
	char		 payload[256];
	size_t		 i;
	int64_t		 lease, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	before = decisions(f);
	for (i = 0; i < sizeof notes / sizeof notes[0]; i++) {
		snprintf(payload, sizeof payload, "{\"note\": %s}", notes[i]);
		EXPECT(decide(f, "out-2", lease, QUEUE_APPROVE, payload, &why),
		    EX_DATAERR, "payload.note: expected a string, got");
		EXPECT(decide(f, "out-2", lease, QUEUE_SKIP, payload, &why),
		    EX_DATAERR, "payload.note: expected a string, got");
		EXPECT(decide(f, "out-2", 0, QUEUE_COMMENT, payload, &why),
		    EX_DATAERR, "payload.note: expected a string, got");
		snprintf(payload, sizeof payload, "{\"labels\": [\"ok\"], "
		    "\"flags\": [{\"verdict\": \"overturned\"}], \"note\": %s}",
		    notes[i]);
		EXPECT(decide(f, "out-2", lease, QUEUE_CORRECT, payload, &why),
		    EX_DATAERR, "payload.note: expected a string, got");
		snprintf(payload, sizeof payload, "{\"team\": \"legal\", "
		    "\"reason\": \"legal_risk\", \"severity\": \"high\", "
		    "\"note\": %s}", notes[i]);
		EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, payload,
		    &why), EX_DATAERR, "payload.note: expected a string, got");
	}
	EXPECT(decide(f, "out-2", lease, QUEUE_CORRECT, "{\"labels\": "
	    "[\"ok\"], \"flags\": [{\"verdict\": \"overturned\"}], \"note\": "
	    "{\"ssn\": \"078-05-1120\"}}", &why), EX_DATAERR,
	    "item out-2: payload.note: expected a string, got an object");
	EXPECT(decide(f, "out-2", 0, QUEUE_COMMENT, "{\"note\": \"\"}", &why),
	    EX_DATAERR, "payload.note: missing (a comment needs text)");

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
		EXPECT(decide(f, "out-2", lease, refused[i].action,
		    refused[i].payload, &why), EX_DATAERR, refused[i].want);
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");

	lease = claim_filtered(f, "anonymization", NULL, "anon-1");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"note\": 42}", &why), EX_DATAERR,
	    "payload.note: expected a string, got a number");
	EXPECT(decide(f, "anon-1", lease, QUEUE_CORRECT, "{\"spans\": ["
	    "{\"verdict\": \"accepted\"}, {\"verdict\": \"retyped\", "
	    "\"entity_type\": \"ORGANIZATION\\ufe0f\"}, {\"verdict\": "
	    "\"rejected\"}]}", &why), EX_DATAERR, "payload.spans[1]."
	    "entity_type: contains a control or invisible character at byte 13 "
	    "(U+FE0F");
	assert_int_equal(decisions(f), before);
	decide_ok(f, "anon-1", lease, QUEUE_CORRECT, "{" SPANS_OK ", "
	    "\"note\": \"a string is fine\"}");
}

/* An escalation's correcting resolution is checked like a correction. */
static void
test_resolution_payload_rules(void **state)
{
	struct fixture	*f = *state;
	int64_t		 e, before;

	e = bob_escalates_out2(f);
	as(f, "carol");
	before = decisions(f);
	EXPECT(queue_escalation_resolve(f->q, e, "correct", "{\"labels\": "
	    "[\"toxicity\"], \"flags\": [{\"verdict\": \"confirmed\"}], "
	    "\"note\": {\"ssn\": \"078-05-1120\"}}", NULL, &why), EX_DATAERR,
	    "item out-2: payload.note: expected a string, got an object");
	EXPECT(queue_escalation_resolve(f->q, e, "correct", "{\"labels\": "
	    "[\"toxicity\", \"toxicity\"], \"flags\": [{\"verdict\": "
	    "\"confirmed\"}]}", NULL, &why), EX_DATAERR,
	    "payload.labels[1]: \"toxicity\" is listed twice "
	    "(payload.labels[0] and [1])");
	EXPECT(queue_escalation_resolve(f->q, e, "correct", "{\"labels\": "
	    "[\"toxicity\"], \"flags\": [{\"verdict\": \"confirmed\"}], "
	    "\"note\": \"x\\u00zz\"}", NULL, &why), EX_DATAERR,
	    "payload: invalid JSON at byte");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED, NULL);
	OK(queue_escalation_resolve(f->q, e, "correct", "{\"labels\": "
	    "[\"toxicity\"], \"flags\": [{\"verdict\": \"confirmed\"}], "
	    "\"note\": \"confirmed\"}", NULL, &why));
}

/* --- escalations -------------------------------------------------------------- */

static void
test_escalate(void **state)
{
	struct fixture		*f = *state;
	struct queue_escalation	*e = NULL;
	size_t			 n = 0;
	int64_t			 lease, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	before = decisions(f);
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, NULL, &why),
	    EX_DATAERR, "escalate needs a payload");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"team\": "
	    "\"marketing\", \"reason\": \"legal_risk\", \"severity\": "
	    "\"high\"}", &why), EX_DATAERR, "payload.team: \"marketing\"");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"reason\": "
	    "\"legal_risk\", \"severity\": \"high\"}", &why), EX_DATAERR,
	    "payload.team: missing");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"team\": "
	    "\"legal\", \"reason\": \"bad_vibes\", \"severity\": \"high\"}",
	    &why), EX_DATAERR, "payload.reason: bad_vibes");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"team\": "
	    "\"legal\", \"reason\": \"legal_risk\", \"severity\": "
	    "\"apocalyptic\"}", &why), EX_DATAERR,
	    "payload.severity: apocalyptic");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"team\": "
	    "\"legal\", \"reason\": \"legal_risk\"}", &why), EX_DATAERR,
	    "payload.severity");
	EXPECT(decide(f, "out-2", lease, QUEUE_ESCALATE, "{\"team\": "
	    "\"legal\", \"reason\": \"legal_risk\", \"severity\": \"high\", "
	    "\"urgent\": true}", &why), EX_DATAERR, "urgent");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT count(*) FROM escalations"), 0);

	queue_set_now(f->q, NOW + 60);
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED, NULL);
	/* An escalated item is not handed out. */
	claim(f, "anon-1");

	/* carol leads legal: she sees it, due after the severity's time. */
	as(f, "carol");
	OK(escalations(f, NULL, 0, &e, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(e[0].item, "out-2");
	assert_string_equal(e[0].team, "legal");
	assert_string_equal(e[0].reason, "legal_risk");
	assert_string_equal(e[0].severity, "high");
	assert_string_equal(e[0].note, "promises a refund we do not give");
	assert_string_equal(e[0].opened_by, "bob");
	assert_string_equal(e[0].state, "open");
	assert_int_equal(e[0].opened_at, NOW + 60);
	assert_int_equal(e[0].due_at, e[0].opened_at + 240 * 60);
	assert_null(e[0].acked_by);
	queue_escalations_free(e, n);
	OK(escalations(f, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 1);
	queue_escalations_free(e, n);
	OK(escalations(f, "privacy", 0, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);

	/* bob is not in legal; his own teams have nothing. */
	as(f, "bob");
	EXPECT(escalations(f, "legal", 0, &e, &n, &why), EX_NOPERM,
	    "bob is not a member of team legal");
	assert_null(e);
	OK(escalations(f, NULL, 0, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);
	EXPECT(escalations(f, "marketing", 0, &e, &n, &why), EX_USAGE,
	    "marketing");
	as(f, "dana");
	OK(escalations(f, NULL, 0, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);
	/* Admins see every team. */
	as(f, "alice");
	OK(escalations(f, NULL, 0, &e, &n, &why));
	assert_int_equal(n, 1);
	queue_escalations_free(e, n);
}

static void
test_escalation_ack_resolve(void **state)
{
	struct fixture			*f = *state;
	struct queue_escalation		*e = NULL;
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;
	int64_t				 lease, e1, e2, e3, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	lease = claim(f, "anon-1");
	decide_ok(f, "anon-1", lease, QUEUE_ESCALATE, "{\"team\": \"legal\", "
	    "\"reason\": \"pii_exposure\", \"severity\": \"critical\"}");
	lease = claim(f, "out-3");
	decide_ok(f, "out-3", lease, QUEUE_ESCALATE, escalate_legal);
	e1 = escalation_of(f, "out-2");
	e2 = escalation_of(f, "anon-1");
	e3 = escalation_of(f, "out-3");
	assert_true(e1 > 0 && e2 > 0 && e3 > 0);

	/* A reviewer may do neither. */
	EXPECT(queue_escalation_ack(f->q, e1, &why), EX_NOPERM,
	    "bob is a reviewer");
	EXPECT(queue_escalation_resolve(f->q, e1, "reject", NULL, NULL, &why),
	    EX_NOPERM, "bob");
	/* (dana, a lead of other teams: test_escalation_other_lead.) */

	as(f, "carol");
	queue_set_now(f->q, NOW + 300);
	OK(queue_escalation_ack(f->q, e1, &why));
	EXPECT(queue_escalation_ack(f->q, e1, &why), EX_UNAVAILABLE,
	    "acknowledged already");
	EXPECT(queue_escalation_ack(f->q, 99, &why), EX_NOINPUT,
	    "no escalation 99");
	OK(escalations(f, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 3);
	/* critical (60 min) is due first. */
	assert_int_equal(e[0].id, e2);
	assert_int_equal(e[0].due_at, NOW + 60 * 60);
	assert_int_equal(e[1].id, e1);
	assert_string_equal(e[1].state, "acknowledged");
	assert_string_equal(e[1].acked_by, "carol");
	assert_int_equal(e[1].acked_at, NOW + 300);
	queue_escalations_free(e, n);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM audit "
	    "WHERE event = 'escalation_ack' AND actor = 'carol' AND "
	    "item = 'out-2'"), 1);

	/* Refused resolutions change nothing. */
	before = decisions(f);
	EXPECT(queue_escalation_resolve(f->q, e1, "maybe", NULL, NULL, &why),
	    EX_USAGE, "not \"maybe\"");
	EXPECT(queue_escalation_resolve(f->q, e1, "correct", NULL, NULL,
	    &why), EX_USAGE, "needs the correction");
	EXPECT(queue_escalation_resolve(f->q, e1, "correct", "{\"labels\": "
	    "[\"nope\"], \"flags\": [{\"verdict\": \"confirmed\"}]}", NULL,
	    &why), EX_DATAERR, "\"nope\" is not a label");
	EXPECT(queue_escalation_resolve(f->q, e1, "correct", "{\"labels\": "
	    "[\"toxicity\"], \"flags\": []}", NULL, &why), EX_DATAERR,
	    "the item's 1 flags (got 0)");
	EXPECT(queue_escalation_resolve(f->q, e1, "correct", "{\"labels\": ",
	    NULL, &why), EX_DATAERR, "payload");
	EXPECT(queue_escalation_resolve(f->q, e1, "approve", "{}", NULL,
	    &why), EX_USAGE, "only a correcting resolution");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED, NULL);

	queue_set_now(f->q, NOW + 600);
	OK(queue_escalation_resolve(f->q, e1, "reject", NULL,
	    "never send this", &why));
	expect_state(f, "out-2", QUEUE_STATE_RESOLVED, NULL);
	EXPECT(queue_escalation_resolve(f->q, e1, "approve", NULL, NULL,
	    &why), EX_UNAVAILABLE, "final");
	EXPECT(queue_escalation_ack(f->q, e1, &why), EX_UNAVAILABLE,
	    "resolved");
	OK(queue_item_history(f->q, "out-2", &h, &n, &why));
	assert_int_equal(n, 2);
	assert_string_equal(h[1].action, "resolve");
	assert_string_equal(h[1].reviewer, "carol");
	assert_non_null(strstr(h[1].payload, "\"outcome\":\"reject\""));
	assert_non_null(strstr(h[1].payload, "never send this"));
	queue_decisions_free(h, n);

	/* Resolved ones leave the open list but stay with all. */
	OK(escalations(f, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 2);
	queue_escalations_free(e, n);
	OK(escalations(f, "legal", 1, &e, &n, &why));
	assert_int_equal(n, 3);
	/* By due time: e2 (critical), then e1 and e3 (high). */
	assert_int_equal(e[1].id, e1);
	assert_string_equal(e[1].state, "resolved");
	assert_string_equal(e[1].resolved_by, "carol");
	assert_int_equal(e[1].resolved_at, NOW + 600);
	assert_string_equal(e[1].outcome, "reject");
	queue_escalations_free(e, n);

	/* carol corrects out-3 (a valid correction of its one flag). */
	OK(queue_escalation_resolve(f->q, e3, "correct", "{\"labels\": "
	    "[\"hallucination\"], \"flags\": [{\"verdict\": \"confirmed\"}]}",
	    NULL, &why));
	expect_state(f, "out-3", QUEUE_STATE_RESOLVED, NULL);

	/* An admin may settle any team's. */
	as(f, "alice");
	OK(queue_escalation_resolve(f->q, e2, "approve", NULL, NULL, &why));
	expect_state(f, "anon-1", QUEUE_STATE_RESOLVED, NULL);
	OK(escalations(f, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);
}

/*
 * A lead of other teams may not settle legal's escalations. (Last in the
 * list: the refusal used to free the escalation twice and abort.)
 */
static void
test_escalation_other_lead(void **state)
{
	struct fixture	*f = *state;
	int64_t		 e1, before;

	e1 = bob_escalates_out2(f);
	before = decisions(f);

	as(f, "dana");
	EXPECT(queue_escalation_ack(f->q, e1, &why), EX_NOPERM,
	    "dana may not settle escalation");
	EXPECT(queue_escalation_ack(f->q, e1, &why), EX_NOPERM,
	    "only leads of team legal");
	EXPECT(queue_escalation_resolve(f->q, e1, "reject", NULL, NULL, &why),
	    EX_NOPERM, "only leads of team legal");
	assert_int_equal(decisions(f), before);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM "
	    "escalations WHERE state = 'open'"), 1);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED, NULL);
}

/* --- skips ------------------------------------------------------------------- */

static void
test_skip_end_twice(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease;

	/* Each skip goes behind everything, earlier skips included. */
	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	lease = claim(f, "anon-1");
	decide_ok(f, "anon-1", lease, QUEUE_SKIP, "{\"note\": \"later\"}");
	expect_state(f, "anon-1", QUEUE_STATE_QUEUED, NULL);
	as(f, "carol");
	claim(f, "out-3");
	claim(f, "out-1");
	claim(f, "anon-2");
	claim(f, "out-2");
	claim(f, "anon-1");
}

static void
test_skip_end_behind_everything(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease;

	/*
	 * "end" moves a skipped item behind everything currently queued
	 * (examples/policy.json), whatever its priority.
	 */
	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	as(f, "carol");
	claim(f, "anon-1");
	claim(f, "out-3");
	claim(f, "out-1");
	claim(f, "anon-2");
	claim(f, "out-2");
}

static void
test_skip_not_back_same_shift(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	claim(f, "anon-1");
	claim(f, "out-3");
	claim(f, "out-1");
	claim(f, "anon-2");
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_UNAVAILABLE,
	    "skipped by you in this shift");
	/* Even with every lease run out, out-2 is not bob's this shift. */
	queue_set_now(f->q, NOW + LEASE + 1);
	claim(f, "anon-1");
	claim(f, "out-3");
	claim(f, "out-1");
	claim(f, "anon-2");
	EXPECT(claim_rc(f, NULL, NULL, &why), EX_UNAVAILABLE,
	    "nothing to review");
	/* Another reviewer gets it. */
	as(f, "erin");
	claim(f, "out-2");
}

static void
test_skip_back_after_new_shift(void **state)
{
	struct fixture		*f = *state;
	struct queue_shift	 s;
	int64_t			 lease;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	lease = claim(f, "anon-1");
	decide_ok(f, "anon-1", lease, QUEUE_APPROVE, NULL);
	OK(queue_shift_end(f->q, "done for today", &s, &why));
	queue_shift_done(&s);
	/* A new shift: the skip was that shift's; out-2 comes back last. */
	queue_set_now(f->q, NOW + 3600);
	claim(f, "out-3");
	claim(f, "out-1");
	claim(f, "anon-2");
	claim(f, "out-2");
}

static void
test_skip_in_place(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease;

	OK(load_policy(f, "alice", "in_place", "true", "\"reviewer\"", &why));
	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	lease = claim(f, "anon-1");
	decide_ok(f, "anon-1", lease, QUEUE_SKIP, NULL);
	claim(f, "out-3");
	/* For everyone else both keep their place, ahead of out-3. */
	as(f, "carol");
	claim(f, "out-2");
	claim(f, "anon-1");
	claim(f, "out-1");
}

/* --- undo --------------------------------------------------------------------- */

static void
test_undo_latest(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	struct queue_item		*it;
	size_t				 n = 0;
	int64_t				 lease, again, d1, d2;

	as(f, "bob");
	lease = claim(f, "out-2");
	d1 = decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	queue_set_now(f->q, NOW + 30);
	expect_undo(f, "out-2", "approve", d1, &again);
	assert_true(again > lease);

	it = item(f, "out-2");
	assert_int_equal(it->state, QUEUE_STATE_CLAIMED);
	assert_string_equal(it->holder, "bob");
	assert_int_equal(it->lease_id, again);
	assert_int_equal(it->lease_expires, NOW + 30 + LEASE);
	queue_item_free(it);

	OK(queue_item_history(f->q, "out-2", &h, &n, &why));
	assert_int_equal(n, 2);
	assert_int_equal(h[0].id, d1);
	assert_string_equal(h[1].action, "undo");
	assert_string_equal(h[1].reviewer, "bob");
	assert_int_equal(h[1].undoes, d1);
	assert_int_equal(h[0].undone_by, h[1].id);
	assert_int_equal(h[1].lease_id, again);
	queue_decisions_free(h, n);

	/* The old lease is dead; the new one decides. */
	EXPECT(decide(f, "out-2", lease, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "was used already");
	d2 = decide_ok(f, "out-2", again, QUEUE_CORRECT, "{\"labels\": "
	    "[\"toxicity\"], \"flags\": [{\"verdict\": \"confirmed\"}]}");
	assert_true(d2 > d1);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
}

static void
test_undo_twice(void **state)
{
	struct fixture	*f = *state;
	int64_t		 l1, l2, d1, d2;

	as(f, "bob");
	l1 = claim(f, "out-2");
	d1 = decide_ok(f, "out-2", l1, QUEUE_APPROVE, NULL);
	l2 = claim(f, "anon-1");
	d2 = decide_ok(f, "anon-1", l2, QUEUE_APPROVE, NULL);
	expect_undo(f, "anon-1", "approve", d2, NULL);
	expect_undo(f, "out-2", "approve", d1, NULL);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	expect_state(f, "anon-1", QUEUE_STATE_CLAIMED, "bob");
	EXPECT(queue_undo(f->q, NULL, &(struct queue_lease){ 0 }, &why),
	    EX_UNAVAILABLE, "nothing to undo");
}

static void
test_undo_after_reopen(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease, d1;

	as(f, "bob");
	lease = claim(f, "out-2");
	d1 = decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	queue_close(f->q);
	f->q = NULL;

	OK(tu_open(&f->db, 0, &f->q, &why));
	queue_set_now(f->q, NOW + 120);
	as(f, "bob");
	expect_undo(f, "out-2", "approve", d1, NULL);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
}

/* Percentiles by linear interpolation (type 7), exact where they can be. */
static void
test_reviewers_percentile(void **state)
{
	static const int64_t one[] = { 7 }, two[] = { 1000, 2000 },
	    ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
	    six[] = { 1000, 2000, 3000, 4000, 9000, 10000 };

	(void)state;
	assert_true(queue_percentile(one, 1, 50) == 7);
	assert_true(queue_percentile(one, 1, 90) == 7);
	assert_true(queue_percentile(two, 2, 50) == 1500);
	assert_true(queue_percentile(two, 2, 90) == 1900);
	assert_true(queue_percentile(two, 2, 0) == 1000);
	assert_true(queue_percentile(two, 2, 100) == 2000);
	assert_true(queue_percentile(ten, 10, 50) == 5.5);
	/* h = 8.1: 9 + 0.1, with no binary fraction of 0.9 in it. */
	assert_true(queue_percentile(ten, 10, 90) == 9.1);
	assert_true(queue_percentile(six, 6, 50) == 3500);
	assert_true(queue_percentile(six, 6, 90) == 9500);
}

/* The index of who's line, or rv->n. */
static size_t
reviewer_line(const struct queue_reviewers *rv, const char *who)
{
	size_t i;

	for (i = 0; i < rv->n; i++)
		if (strcmp(rv->rows[i].reviewer, who) == 0)
			break;
	return (i);
}

/*
 * Overturned: a reopen by someone else counts, one's own reopen does not;
 * a resolution with the outcome of the decision it supersedes does not,
 * nor does a reopen of a resolution (a lead's, not a reviewer's).
 */
static void
test_reviewers_overturned(void **state)
{
	struct fixture				*f = *state;
	struct queue_escalation			*e = NULL;
	const struct queue_reviewer_stats	*l;
	struct queue_reviewers			 rv;
	size_t					 n, i;
	int64_t					 lease;

	as(f, "carol");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	OK(queue_reopen(f->q, "out-2", "my own slip", NULL, &why));
	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	as(f, "dana");
	OK(queue_reopen(f->q, "out-2", "look again", NULL, &why));
	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	as(f, "carol");
	OK(queue_escalations(f->q, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 1);
	OK(queue_escalation_resolve(f->q, e[0].id, "approve", NULL, NULL,
	    &why));
	queue_escalations_free(e, n);
	OK(queue_reopen(f->q, "out-2", "the resolution", NULL, &why));

	OK(queue_reviewers(f->q, NULL, &rv, &why));
	assert_false(rv.own_only);
	assert_int_equal(rv.n, 2);
	assert_true((i = reviewer_line(&rv, "bob")) < rv.n);
	l = &rv.rows[i];
	assert_int_equal(l->approve, 1);
	assert_int_equal(l->escalate, 1);
	assert_int_equal(l->items, 1);
	assert_int_equal(l->timed, 2);
	assert_int_equal(l->overturned, 1);
	assert_int_equal(l->reopened, 1);
	assert_int_equal(l->resolved, 0);
	assert_true((i = reviewer_line(&rv, "carol")) < rv.n);
	l = &rv.rows[i];
	assert_int_equal(l->approve, 1);
	assert_int_equal(l->overturned, 0);
	assert_int_equal(reviewer_line(&rv, "dana"), rv.n);
	queue_reviewers_done(&rv);

	/* bob sees his line only; erin, who decided nothing, a line of 0. */
	as(f, "bob");
	OK(queue_reviewers(f->q, NULL, &rv, &why));
	assert_true(rv.own_only);
	assert_int_equal(rv.n, 1);
	assert_string_equal(rv.rows[0].reviewer, "bob");
	queue_reviewers_done(&rv);
	as(f, "erin");
	OK(queue_reviewers(f->q, "2000-01-01T00:00:00Z", &rv, &why));
	assert_int_equal(rv.n, 1);
	assert_string_equal(rv.rows[0].reviewer, "erin");
	assert_int_equal(rv.rows[0].approve + rv.rows[0].timed, 0);
	queue_reviewers_done(&rv);
	EXPECT(queue_reviewers(f->q, "soon", &rv, &why), EX_USAGE,
	    "is not all or an RFC 3339 time");
}

static void
test_undo_nothing(void **state)
{
	struct fixture		*f = *state;
	struct queue_lease	 l;
	int64_t			 lease, id;

	as(f, "bob");
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "nothing to undo: bob has no decision still in force from this "
	    "shift or the last 1440 minutes");
	OK(queue_shift_start(f->q, &id, &why));
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "nothing to undo");
	/* Somebody else's decisions are not bob's to undo. */
	as(f, "carol");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	as(f, "bob");
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "nothing to undo");
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
	assert_int_equal(tu_sql_int(f->db.path, "SELECT count(*) FROM "
	    "decisions WHERE action = 'undo'"), 0);
}

/*
 * A row the reviewer chose (the console's Enter) is claimed under the same
 * rules as the next one; when it cannot be, the refusal says why.
 */
static void
test_claim_chosen(void **state)
{
	struct fixture		*f = *state;
	struct queue_filter	 one = { .item = "anon-1" };
	struct queue_lease	 l;
	int64_t			 lease;

	as(f, "bob");
	OK(queue_claim_next(f->q, &one, &l, &why));
	assert_string_equal(l.item, "anon-1");
	assert_string_equal(l.holder, "bob");
	lease = l.lease_id;
	queue_lease_done(&l);
	as(f, "carol");
	EXPECT(queue_claim_next(f->q, &one, &l, &why), EX_UNAVAILABLE,
	    "anon-1 is held by bob until");
	as(f, "bob");
	decide_ok(f, "anon-1", lease, QUEUE_APPROVE, NULL);
	as(f, "carol");
	EXPECT(queue_claim_next(f->q, &one, &l, &why), EX_UNAVAILABLE,
	    "anon-1 is decided: nothing to review");
	one.item = "no-such-item";
	EXPECT(queue_claim_next(f->q, &one, &l, &why), EX_NOINPUT,
	    "no item \"no-such-item\"");
	/* Skipped in this shift: not carol's to take again now. */
	one.item = "out-2";
	OK(queue_claim_next(f->q, &one, &l, &why));
	decide_ok(f, "out-2", l.lease_id, QUEUE_SKIP, NULL);
	queue_lease_done(&l);
	EXPECT(queue_claim_next(f->q, &one, &l, &why), EX_UNAVAILABLE,
	    "out-2 is not yours to review now");
	expect_state(f, "out-2", QUEUE_STATE_QUEUED, NULL);
}

/*
 * Undo reaches into an ended shift within the policy's window (a day by
 * default), and no further.
 */
static void
test_undo_previous_shift(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	 d;
	struct queue_shift		 s;
	struct queue_lease		 l;
	int64_t				 lease;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	OK(queue_shift_end(f->q, NULL, &s, &why));
	queue_shift_done(&s);
	queue_set_now(f->q, NOW + 1440 * 60 - 60);
	OK(queue_undo(f->q, &d, &l, &why));
	assert_string_equal(d.item, "out-2");
	assert_string_equal(d.action, "approve");
	free(d.item);
	free(d.action);
	free(d.reviewer);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	decide_ok(f, "out-2", l.lease_id, QUEUE_APPROVE, NULL);
	queue_lease_done(&l);
	OK(queue_shift_end(f->q, NULL, &s, &why));
	queue_shift_done(&s);
	/* A day and a minute after the new decision: out of reach. */
	queue_set_now(f->q, NOW + 2 * 1440 * 60 + 60);
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "the last 1440 minutes");
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
}

static void
test_undo_after_other_decided(void **state)
{
	struct fixture		*f = *state;
	struct queue_lease	 l;
	int64_t			 lease, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	as(f, "alice");
	lease = claim_filtered(f, NULL, "toxicity", "out-1");
	OK(queue_release(f->q, "out-1", lease, &why));
	lease = claim_filtered(f, "model_output", "toxicity", "out-1");
	lease = claim_filtered(f, "model_output", "toxicity", "out-2");

	/* While alice holds it, bob may not take it back. */
	as(f, "bob");
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "alice holds it now");
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "alice");

	/* Once she decided it, bob's skip may not overrule her. */
	as(f, "alice");
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	as(f, "bob");
	before = decisions(f);
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "alice decided it since");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
}

static void
test_undo_escalation(void **state)
{
	struct fixture		*f = *state;
	struct queue_escalation	*e = NULL;
	struct queue_lease	 l;
	size_t			 n = 0;
	int64_t			 lease, before;

	as(f, "bob");
	lease = claim(f, "out-2");
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	/* Before anyone acted on it, the escalation may be withdrawn. */
	expect_undo(f, "out-2", "escalate", 0, &lease);
	as(f, "carol");
	OK(escalations(f, "legal", 0, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);
	OK(escalations(f, "legal", 1, &e, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(e[0].state, "withdrawn");
	queue_escalations_free(e, n);

	/* Escalated again and acknowledged: no longer bob's to undo. */
	as(f, "bob");
	decide_ok(f, "out-2", lease, QUEUE_ESCALATE, escalate_legal);
	as(f, "carol");
	OK(queue_escalation_ack(f->q, escalation_of(f, "out-2"), &why));
	as(f, "bob");
	before = decisions(f);
	EXPECT(queue_undo(f->q, NULL, &l, &why), EX_UNAVAILABLE,
	    "carol has acknowledged it");
	assert_int_equal(decisions(f), before);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED, NULL);
}

static void
test_undo_skip(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease, d;

	as(f, "bob");
	lease = claim(f, "out-2");
	d = decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	expect_undo(f, "out-2", "skip", d, &lease);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT count(*) FROM skips"), 0);
	/* The skip is gone: once released, bob may get out-2 again. */
	OK(queue_release(f->q, "out-2", lease, &why));
	claim_until(f, "out-2");
}

static void
test_undo_skip_restores_place(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease, d;

	/*
	 * An undone skip leaves no trace: released, out-2 is back in its
	 * place, first in line, not behind everything as the skip put it.
	 */
	as(f, "bob");
	lease = claim(f, "out-2");
	d = decide_ok(f, "out-2", lease, QUEUE_SKIP, NULL);
	expect_undo(f, "out-2", "skip", d, &lease);
	OK(queue_release(f->q, "out-2", lease, &why));
	as(f, "carol");
	claim(f, "out-2");
}

static void
test_undo_comment(void **state)
{
	struct fixture		*f = *state;
	struct queue_decision_info	 d;
	struct queue_lease	 l;
	int64_t			 c;

	as(f, "bob");
	OK(queue_shift_start(f->q, &c, &why));
	c = decide_ok(f, "out-3", 0, QUEUE_COMMENT, "{\"note\": \"typo\"}");
	OK(queue_undo(f->q, &d, &l, &why));
	assert_int_equal(d.id, c);
	assert_string_equal(d.action, "comment");
	/* A comment moved nothing, so nothing comes back claimed. */
	assert_null(l.item);
	undone_done(&d);
	queue_lease_done(&l);
	expect_state(f, "out-3", QUEUE_STATE_QUEUED, NULL);
}

/* --- takeover ----------------------------------------------------------------- */

struct events {
	int	takeovers;
	int	other;
	char	from[32];
};

static int
collect(const struct queue_audit_event *ev, void *arg)
{
	struct events	*e = arg;
	cJSON		*body, *from;

	if (strcmp(ev->event, "takeover") != 0) {
		e->other++;
		return (0);
	}
	e->takeovers++;
	assert_string_equal(ev->actor, "carol");
	assert_string_equal(ev->item, "out-2");
	body = cJSON_Parse(ev->body);
	assert_non_null(body);
	from = cJSON_GetObjectItem(cJSON_GetObjectItem(body, "data"), "from");
	snprintf(e->from, sizeof e->from, "%s",
	    cJSON_IsString(from) ? from->valuestring : "?");
	cJSON_Delete(body);
	return (0);
}

static void
test_takeover(void **state)
{
	struct fixture		*f = *state;
	struct queue_lease	 l;
	struct events		 ev;
	int64_t			 bob, before;
	char			 msg[64];

	as(f, "bob");
	bob = claim(f, "out-2");
	as(f, "erin");
	claim(f, "anon-1");

	/* A reviewer may not take anyone's claim. */
	as(f, "bob");
	EXPECT(queue_takeover(f->q, "anon-1", &l, &why), EX_NOPERM,
	    "bob is a reviewer and may not take over");
	expect_state(f, "anon-1", QUEUE_STATE_CLAIMED, "erin");

	as(f, "carol");
	EXPECT(queue_takeover(f->q, "out-3", &l, &why), EX_UNAVAILABLE,
	    "not held by anyone else");
	EXPECT(queue_takeover(f->q, "nope", &l, &why), EX_NOINPUT, "nope");
	queue_set_now(f->q, NOW + 60);
	OK(queue_takeover(f->q, "out-2", &l, &why));
	assert_string_equal(l.item, "out-2");
	assert_string_equal(l.holder, "carol");
	assert_true(l.lease_id > bob);
	assert_int_equal(l.expires, NOW + 60 + LEASE);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "carol");

	/* bob's lease is dead and he is told who has the item. */
	as(f, "bob");
	before = decisions(f);
	snprintf(msg, sizeof msg, "lease %lld", (long long)bob);
	EXPECT(decide(f, "out-2", bob, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, "carol");
	EXPECT(decide(f, "out-2", bob, QUEUE_APPROVE, NULL, &why),
	    EX_UNAVAILABLE, msg);
	assert_int_equal(decisions(f), before);

	as(f, "carol");
	EXPECT(queue_takeover(f->q, "out-2", &(struct queue_lease){ 0 },
	    &why), EX_UNAVAILABLE, "not held by anyone else");
	decide_ok(f, "out-2", l.lease_id, QUEUE_APPROVE, NULL);
	queue_lease_done(&l);

	memset(&ev, 0, sizeof ev);
	OK(queue_audit_log(f->q, "out-2", NULL, collect, &ev, &why));
	assert_int_equal(ev.takeovers, 1);
	assert_string_equal(ev.from, "bob");
	assert_int_equal(ev.other, 1);	/* carol's approve */

	/* Admins may take over too. */
	as(f, "alice");
	OK(queue_takeover(f->q, "anon-1", &l, &why));
	assert_string_equal(l.holder, "alice");
	queue_lease_done(&l);
}

/* --- what a decision records -------------------------------------------------- */

static void
test_decision_record(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	*h = NULL;
	struct queue_decision		 d;
	size_t				 n = 0;
	int64_t				 lease, shift, id;

	as(f, "bob");
	lease = claim(f, "out-2");
	shift = current_shift(f);
	queue_set_now(f->q, NOW + 42);
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);

	OK(queue_item_history(f->q, "out-2", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(h[0].item, "out-2");
	assert_string_equal(h[0].reviewer, "bob");
	assert_int_equal(h[0].shift_id, shift);
	assert_int_equal(h[0].lease_id, lease);
	assert_int_equal(h[0].policy_version, 1);
	assert_int_equal(h[0].spent_ms, 42000);
	assert_string_equal(h[0].decided_at, "2027-01-15T08:00:42Z");
	assert_null(h[0].payload);
	assert_int_equal(h[0].undoes, 0);
	queue_decisions_free(h, n);

	/* A time the console measured is kept as given; a new policy's
	 * version is recorded. */
	OK(load_policy(f, "alice", "end", "true", "\"reviewer\"", &why));
	assert_int_equal(f->version, 2);
	as(f, "bob");
	lease = claim(f, "anon-1");
	d.item = "anon-1";
	d.lease_id = lease;
	d.action = QUEUE_SKIP;
	d.payload = "{\"note\": \"unsure\"}";
	d.spent_ms = 1234;
	OK(queue_decide(f->q, &d, &id, &why));
	OK(queue_item_history(f->q, "anon-1", &h, &n, &why));
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, id);
	assert_int_equal(h[0].spent_ms, 1234);
	assert_int_equal(h[0].policy_version, 2);
	assert_int_equal(h[0].shift_id, shift);
	assert_string_equal(h[0].payload, "{\"note\":\"unsure\"}");
	queue_decisions_free(h, n);
}

/* --- roles enforced in the library ----------------------------------------- */

static void
test_policy_load_roles(void **state)
{
	struct fixture	*f = *state;
	int		 v = 0;

	EXPECT(load_policy(f, "bob", "end", "true", "\"reviewer\"", &why),
	    EX_NOPERM, "bob may not load policies");
	EXPECT(load_policy(f, "carol", "end", "true", "\"reviewer\"", &why),
	    EX_NOPERM, "carol");
	EXPECT(load_policy(f, "zed", "end", "true", "\"reviewer\"", &why),
	    EX_NOPERM, "zed");
	assert_int_equal(f->version, 1);
	assert_int_equal(tu_sql_int(f->db.path,
	    "SELECT count(*) FROM policies"), 1);
	{
		const struct policy *p;

		OK(queue_policy(f->q, &p, &v, &why));
		assert_int_equal(v, 1);
	}
	OK(load_policy(f, "alice", "end", "true", "\"reviewer\"", &why));
	assert_int_equal(f->version, 2);
}

/* --- the database under other processes and the server -------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * An operation that must not wait for ever: if it is still waiting after a
 * minute, the test program fails, saying so (watchdog(0) disarms it).
 */
static void
watchdog_bark(int sig)
{
	static const char	msg[] = "waited a minute for another "
	    "process's lock: the busy timeout was not kept\n";
	ssize_t			n;

	(void)sig;
	n = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)n;
	_exit(1);
}

static void
watchdog(int on)
{
	signal(SIGALRM, watchdog_bark);
	alarm(on ? 60 : 0);
}

/* Reopens the queue as bob, waiting at most ms for another's lock. */
static void
reopen_waiting(struct fixture *f, int ms)
{
	struct queue_options o;

	queue_close(f->q);
	f->q = NULL;
	tu_options(&f->db, 0, &o);
	o.busy_timeout_ms = ms;
	OK(queue_open_with(&o, &f->q, &why));
	queue_set_now(f->q, NOW);
	as(f, "bob");
}

/*
 * rc, with a message saying each of the needles (up to a NULL); the message
 * is freed.
 */
static void
expect_says(const char *what, int rc, char *why, int want, ...)
{
	va_list		 ap;
	const char	*needle;
	int		 ok = rc == want && why != NULL;

	va_start(ap, want);
	while (ok && (needle = va_arg(ap, const char *)) != NULL)
		ok = strstr(why, needle) != NULL;
	va_end(ap);
	if (!ok)
		print_error("%s: expected %d, got %d: %s\n", what, want, rc,
		    why != NULL ? why : "(no message)");
	free(why);
	assert_true(ok);
}

/* EXPECT, with a message saying each of the needles. */
#define EXPECT_SAYS(call, want, ...) do {				\
	char *why = NULL;						\
	int rc_ = (call);						\
	expect_says(#call, rc_, why, (want), __VA_ARGS__,		\
	    (const char *)NULL);					\
} while (0)

/*
 * A write that another process's transaction holds up waits as long as the
 * busy timeout, then gives up: 75, saying so, and nothing changed; once the
 * other is done it goes through. (On PostgreSQL the writers' lock is the
 * log's head row; the claim before it takes none but the shift's.)
 */
static void
test_write_held_up_past_busy_timeout(void **state)
{
	struct fixture	*f = *state;
	void		*other;
	int64_t		 lease, t0, waited;

	reopen_waiting(f, 300);
	lease = claim(f, "out-2");
	other = tu_txn_begin(f->db.path, TU_SQL(NULL,
	    "SELECT one FROM audit_head FOR UPDATE"));
	watchdog(1);
	t0 = now_ms();
	EXPECT_SAYS(decide(f, "out-2", lease, QUEUE_APPROVE, NULL, &why),
	    EX_TEMPFAIL, "busy", "300 ms", "try again");
	waited = now_ms() - t0;
	watchdog(0);
	if (waited < 250 || waited > 5000)
		print_error("gave up after %lld ms\n", (long long)waited);
	assert_true(waited >= 250 && waited <= 5000);
	assert_int_equal(decisions(f), 0);
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED, "bob");
	tu_txn_end(other);
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	assert_int_equal(decisions(f), 1);
}

/*
 * PostgreSQL: claims run side by side. An item another's transaction
 * holds (a claim under way) is passed over at once for the next one (a
 * claim that waited for it would give up, busy, after 300 ms).
 */
/* A tool chat comes back as the console and the exports read it. */
static void
test_tool_chat_is_read_back(void **state)
{
	struct fixture			*f = *state;
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	struct queue_item		*it;
	const struct queue_message	*m;
	int64_t				 batch;
	static const char		 line[] =
	    "{\"id\": \"chat-1\", \"kind\": \"model_output\", \"response\": "
	    "\"Friday.\", \"messages\": [{\"role\": \"user\", \"name\": "
	    "\"ana_g\", \"content\": [{\"type\": \"text\", \"text\": \"Where "
	    "is \"}, {\"type\": \"text\", \"text\": \"order 7?\"}]}, "
	    "{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"call_1\", "
	    "\"type\": \"function\", \"function\": {\"name\": \"get_order\", "
	    "\"arguments\": \"{\\\"id\\\": 7}\"}}]}, {\"role\": \"tool\", "
	    "\"tool_call_id\": \"call_1\", \"content\": \"Friday\"}], "
	    "\"flags\": [{\"type\": \"toxicity\", \"score\": 0.9}]}";

	OK(queue_import_begin(f->q, "alice", 1, &imp, &why));
	OK(queue_import_line(imp, "chat.jsonl", 1, line, strlen(line), &why));
	OK(queue_import_finish(imp, &c, &batch, &why));
	queue_import_free(imp);
	as(f, "bob");
	it = item(f, "chat-1");
	assert_int_equal(it->nmsgs, 3);
	m = &it->msgs[0];
	assert_string_equal(m->role, "user");
	assert_string_equal(m->content, "Where is order 7?");
	assert_string_equal(m->name, "ana_g");
	assert_null(m->tool_call_id);
	assert_int_equal(m->ncalls, 0);
	m = &it->msgs[1];
	assert_null(m->content);
	assert_int_equal(m->ncalls, 1);
	assert_string_equal(m->calls[0].id, "call_1");
	assert_string_equal(m->calls[0].name, "get_order");
	assert_string_equal(m->calls[0].arguments, "{\"id\": 7}");
	m = &it->msgs[2];
	assert_string_equal(m->role, "tool");
	assert_string_equal(m->tool_call_id, "call_1");
	assert_string_equal(m->content, "Friday");
	queue_item_free(it);
}

static void
test_claim_passes_over_a_held_item(void **state)
{
	struct fixture	*f = *state;
	void		*other;

	TU_ONLY("postgresql");
	reopen_waiting(f, 300);
	other = tu_txn_begin(f->db.path, "SELECT id FROM items WHERE "
	    "ext_id = 'out-2' FOR UPDATE");
	watchdog(1);
	claim(f, "anon-1");
	watchdog(0);
	tu_txn_end(other);
	as(f, "carol");
	claim(f, "out-2");
}

/*
 * PostgreSQL: the server restarted between two operations (the connection
 * dropped) goes unnoticed: the next one connects anew, its statements
 * prepared again. A server that cannot be reached fails each operation
 * with 75, naming it, and nothing changed; once it is back, the next one
 * goes through on a new connection, reads and writes alike.
 */
static void
test_server_outage_then_reconnect(void **state)
{
	struct fixture			*f = *state;
	struct queue_verify_report	 r;
	struct queue_item		*it = NULL;
	int64_t				 lease;

	TU_ONLY("postgresql");
	as(f, "bob");
	lease = claim(f, "out-2");
	/* Statements of the read and the write are prepared by now. */
	queue_item_free(item(f, "out-2"));

	assert_int_equal(tu_pg_disconnect_others(f->db.path), 1);
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	assert_int_equal(decisions(f), 1);

	/* Down: the database takes no connection. */
	assert_int_equal(tu_pg_disconnect_others(f->db.path), 1);
	tu_pg_allow_connections(&f->db, 0);
	EXPECT_SAYS(claim_rc(f, NULL, NULL, &why), EX_TEMPFAIL,
	    "the database server is unreachable", f->db.path, "try again");
	EXPECT_SAYS(queue_item_get(f->q, "out-2", &it, &why), EX_TEMPFAIL,
	    "the database server is unreachable", f->db.path, "try again");
	assert_null(it);
	tu_pg_allow_connections(&f->db, 1);
	assert_int_equal(decisions(f), 1);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED, NULL);
	claim(f, "anon-1");
	OK(queue_audit_verify(f->q, NULL, &r, &why));
	assert_int_equal(r.decisions, 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tool_chat_is_read_back),
		T(test_override_refused),
		T(test_override_allowed),
		T(test_reviewer_names_follow_the_id_rule),
		T(test_no_role_refused),
		T(test_claim_order),
		T(test_claim_kind_filter),
		T(test_claim_type_filter),
		T(test_claim_lease_fencing),
		T(test_expired_lease_nobody_took),
		T(test_release_renew),
		T(test_shifts),
		T(test_shift_counts_exclude_undone),
		T(test_decide_approve),
		T(test_batch_approve),
		T(test_decide_lost_lease),
		T(test_decide_wrong_lease),
		T(test_comment),
		T(test_correct_output),
		T(test_correct_anonymization),
		T(test_payload_rules_for_every_action),
		T(test_escalate),
		T(test_escalation_ack_resolve),
		T(test_skip_end_twice),
		T(test_skip_end_behind_everything),
		T(test_skip_not_back_same_shift),
		T(test_skip_back_after_new_shift),
		T(test_skip_in_place),
		T(test_undo_latest),
		T(test_undo_twice),
		T(test_undo_after_reopen),
		T(test_reviewers_percentile),
		T(test_reviewers_overturned),
		T(test_claim_chosen),
		T(test_undo_nothing),
		T(test_undo_previous_shift),
		T(test_undo_after_other_decided),
		T(test_undo_escalation),
		T(test_undo_skip),
		T(test_undo_skip_restores_place),
		T(test_undo_comment),
		T(test_takeover),
		T(test_decision_record),
		T(test_policy_load_roles),
		T(test_resolution_payload_rules),
		T(test_escalation_other_lead),
		T(test_write_held_up_past_busy_timeout),
		T(test_claim_passes_over_a_held_item),
		T(test_server_outage_then_reconnect),
	};

	tu_backend_start();
	return (cmocka_run_group_tests_name("workflow (" TU_BACKEND ")",
	    tests, group_setup, tu_group_db_free));
}
