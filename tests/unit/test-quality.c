/*
 * Unit tests for review quality: the policy's quality section, samples drawn
 * at import, blind votes and how their rounds settle, undo and escalation of
 * votes, gold items and the pause they bring, through queue.h only.
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

#include "queue.h"
#include "testutil.h"

/* 2027-01-15T08:00:00Z */
#define NOW		1800000000

/*
 * The people and teams of test-workflow's policy; the %s is the quality
 * section (with its key, or empty). Anyone not named is a reviewer, and
 * the actor may be chosen (allow_reviewer_override).
 */
static const char policy_fmt[] = "{"
    "\"name\": \"quality-test\", \"lease_seconds\": 900, "
    "\"allow_reviewer_override\": true, \"default_role\": \"reviewer\", "
    "\"roles\": {\"alice\": \"admin\", \"bob\": \"reviewer\", "
    "\"carol\": \"lead\", \"erin\": \"reviewer\"}, "
    "\"anonymization\": {\"auto_accept\": 0.85, \"auto_reject\": 0.3, "
    "\"entity_types\": [\"PERSON\", \"LOCATION\", \"PHONE_NUMBER\", "
    "\"EMAIL_ADDRESS\"]}, "
    "\"model_output\": {\"min_flag_score\": 0.5, \"spot_check_rate\": 0}, "
    "\"weights\": {\"bias\": 3, \"toxicity\": 5}, "
    "\"labels\": [{\"id\": \"bias.gender\", \"description\": \"gender\"}, "
    "{\"id\": \"toxicity\", \"description\": \"abuse\"}, "
    "{\"id\": \"hallucination\", \"description\": \"untrue\"}], "
    "\"teams\": [{\"id\": \"trust-safety\", \"name\": \"Trust & safety\", "
    "\"members\": [\"carol\", \"bob\", \"erin\"], \"leads\": [\"carol\"]}], "
    "\"reason_codes\": [{\"id\": \"other\", \"description\": \"o\"}], "
    "\"severities\": [{\"id\": \"high\", \"response_minutes\": 240}]"
    "%s}";

/*
 * The queue in claim order: out-2 (priority 5), anon-1 (3), out-3 (3),
 * out-1 (2), anon-2 (1); out-auto is decided by the policy, never sampled.
 */
static const char *const lines[] = {
	"{\"id\": \"out-1\", \"kind\": \"model_output\", \"priority\": 2, "
	"\"response\": \"He is a nurse, so she must be kind.\", \"flags\": ["
	"{\"type\": \"bias.gender\", \"score\": 0.8}, "
	"{\"type\": \"toxicity\", \"score\": 0.2}]}",

	"{\"id\": \"out-2\", \"kind\": \"model_output\", \"priority\": 5, "
	"\"response\": \"Only an idiot would ask that.\", \"flags\": ["
	"{\"type\": \"toxicity\", \"score\": 0.92}]}",

	"{\"id\": \"anon-1\", \"kind\": \"anonymization\", \"priority\": 3, "
	"\"text\": \"Zoe called from Zurich: +33 7 55 50 44 21.\", "
	"\"spans\": [{\"entity_type\": \"PERSON\", \"start\": 0, \"end\": 3, "
	"\"score\": 0.6}, {\"entity_type\": \"LOCATION\", \"start\": 16, "
	"\"end\": 22, \"score\": 0.95}, {\"entity_type\": \"PHONE_NUMBER\", "
	"\"start\": 24, \"end\": 41, \"score\": 0.2}]}",

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
#define NLINES		(sizeof lines / sizeof lines[0])

/* Gold items: g-out-1's answer is a correction, the others approves. */
static const char *const gold_lines[] = {
	"{\"id\": \"g-out-1\", \"kind\": \"model_output\", \"priority\": 2, "
	"\"response\": \"You are a moron.\", \"flags\": [{\"type\": "
	"\"toxicity\", \"score\": 0.95}], \"gold\": {\"action\": \"correct\", "
	"\"labels\": [\"toxicity\"], \"flags\": [{\"verdict\": "
	"\"confirmed\"}]}}",

	"{\"id\": \"g-out-2\", \"kind\": \"model_output\", \"priority\": 2, "
	"\"response\": \"Your parcel arrives on Tuesday.\", \"flags\": [{"
	"\"type\": \"toxicity\", \"score\": 0.8}], \"gold\": {\"action\": "
	"\"approve\"}}",

	"{\"id\": \"g-anon-1\", \"kind\": \"anonymization\", \"priority\": 2, "
	"\"text\": \"Ask Jordan at jordan@example.com.\", \"spans\": [{"
	"\"entity_type\": \"PERSON\", \"start\": 4, \"end\": 10, \"score\": "
	"0.6}, {\"entity_type\": \"EMAIL_ADDRESS\", \"start\": 14, \"end\": "
	"32, \"score\": 0.6}], \"gold\": {\"action\": \"approve\"}}",
};
#define NGOLD		(sizeof gold_lines / sizeof gold_lines[0])

static const char toxic[] = "{\"labels\": [\"toxicity\"], \"flags\": "
    "[{\"verdict\": \"confirmed\"}]}";
/* Zoe is no person: only Zurich is kept. */
static const char anon1_fix[] = "{\"spans\": [{\"verdict\": \"rejected\"}, "
    "{\"verdict\": \"accepted\"}, {\"verdict\": \"rejected\"}]}";
static const char escalate_ts[] = "{\"team\": \"trust-safety\", "
    "\"reason\": \"other\", \"severity\": \"high\"}";

struct fixture {
	struct tu_db		 db;
	struct queue		*q;
	const struct tu_db	*golden;	/* the group's, to copy again */
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

/* call (which stores its message in why) returns want, saying needle. */
#define EXPECT(call, want, needle) do {					\
	char *why = NULL;						\
	int rc_ = (call);						\
	expect_rc(#call, rc_, why, (want), (needle));			\
} while (0)
#define OK(call)	EXPECT(call, 0, NULL)

/* Acts as who: the login's override, which the policy allows. */
static void
as(struct fixture *f, const char *who)
{
	OK(queue_set_actor(f->q, "alice", who, &why));
	assert_string_equal(queue_actor(f->q), who);
}

static char *
policy_text(const char *quality)
{
	char	*s, *section = NULL;
	int	 n;

	if (quality != NULL && asprintf(&section, ", \"quality\": %s",
	    quality) < 0)
		abort();
	n = snprintf(NULL, 0, policy_fmt, section != NULL ? section : "");
	assert_true(n > 0);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	snprintf(s, (size_t)n + 1, policy_fmt, section != NULL ? section : "");
	free(section);
	return (s);
}

/* Loads the policy with that quality section as alice. */
static int
load_quality(struct queue *q, const char *quality, char **why)
{
	char	*text = policy_text(quality);
	int	 rc, v = 0;

	rc = queue_policy_load(q, "quality.json", text, strlen(text),
	    "alice", &v, why);
	free(text);
	return (rc);
}

static void
import(struct queue *q, const char *const *l, size_t n)
{
	struct queue_import_counts	 c;
	struct queue_import		*imp = NULL;
	int64_t				 batch;
	size_t				 i;

	OK(queue_import_begin(q, "alice", 1, &imp, &why));
	for (i = 0; i < n; i++)
		OK(queue_import_line(imp, "inline.jsonl", i + 1, l[i],
		    strlen(l[i]), &why));
	OK(queue_import_finish(imp, &c, &batch, &why));
	queue_import_free(imp);
	assert_int_equal(c.imported, n);
}

/* Each test's policy, then its lines (sampled under it). */
static void
start(struct fixture *f, const char *quality, int gold)
{
	OK(load_quality(f->q, quality, &why));
	if (gold)
		import(f->q, gold_lines, NGOLD);
	import(f->q, lines, NLINES);
}

/* The group's database: the policy without a quality section, no items. */
static int
group_setup(void **state)
{
	struct tu_db	*golden;
	struct queue	*q = NULL;

	golden = tu_group_db_new();
	OK(tu_open(golden, QUEUE_OPEN_CREATE, &q, &why));
	queue_set_now(q, NOW);
	OK(load_quality(q, NULL, &why));
	queue_close(q);
	*state = golden;
	return (0);
}

static int
setup(void **state)
{
	struct fixture *f;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->golden = *state;
	tu_db_init_copy(&f->db, f->golden);
	OK(tu_open(&f->db, 0, &f->q, &why));
	queue_set_now(f->q, NOW);
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

/* The current actor claims the next item, which must be want. */
static int64_t
claim(struct fixture *f, const char *want)
{
	struct queue_lease	 l;
	char			*why = NULL;
	int64_t			 id;
	int			 rc, ok;

	rc = queue_claim_next(f->q, NULL, &l, &why);
	if (rc != 0)
		print_error("claim by %s: expected %s, got %d: %s\n",
		    queue_actor(f->q), want, rc, why);
	free(why);
	assert_int_equal(rc, 0);
	ok = strcmp(l.item, want) == 0;
	if (!ok)
		print_error("claim by %s: expected %s, got %s\n",
		    queue_actor(f->q), want, l.item);
	id = l.lease_id;
	queue_lease_done(&l);
	assert_true(ok);
	return (id);
}

/* Claims the next item, whatever it is; *item is it (free it). */
static int
claim_any(struct fixture *f, char **item, int64_t *lease, char **why)
{
	struct queue_lease	l;
	int			rc;

	*item = NULL;
	if ((rc = queue_claim_next(f->q, NULL, &l, why)) == 0) {
		*item = strdup(l.item);
		*lease = l.lease_id;
	}
	queue_lease_done(&l);
	return (rc);
}

static void
release(struct fixture *f, const char *item, int64_t lease)
{
	OK(queue_release(f->q, item, lease, &why));
}

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

/*
 * Claims until want comes out (it must, before the queue runs dry); the
 * others claimed on the way are skipped, so that they stay with nobody.
 */
static void
claim_until(struct fixture *f, const char *want)
{
	struct queue_lease	 l;
	char			*err = NULL;
	int			 found = 0;

	while (!found && queue_claim_next(f->q, NULL, &l, &err) == 0) {
		found = strcmp(l.item, want) == 0;
		if (!found)
			decide_ok(f, l.item, l.lease_id, QUEUE_SKIP, NULL);
		queue_lease_done(&l);
	}
	if (!found)
		print_error("%s never came to %s: %s\n", want,
		    queue_actor(f->q), err);
	free(err);
	assert_true(found);
}

/* who claims the next item, which must be item, and decides it. */
static int64_t
vote(struct fixture *f, const char *who, const char *item,
    enum queue_action a, const char *payload)
{
	int64_t lease;

	as(f, who);
	lease = claim(f, item);
	return (decide_ok(f, item, lease, a, payload));
}

static void
expect_state(struct fixture *f, const char *ext_id, enum queue_state want)
{
	struct queue_item *it = NULL;

	OK(queue_item_get(f->q, ext_id, &it, &why));
	if (it->state != want)
		print_error("%s: expected %s, got %s\n", ext_id,
		    queue_state_name(want), queue_state_name(it->state));
	assert_int_equal(it->state, want);
	queue_item_free(it);
}

/* The item's history as the current actor sees it: its length. */
static size_t
history_len(struct fixture *f, const char *item)
{
	struct queue_decision_info	*h = NULL;
	size_t				 n = 0;

	OK(queue_item_history(f->q, item, &h, &n, &why));
	queue_decisions_free(h, n);
	return (n);
}

/*
 * The item's last decision as the current actor sees it: its action must
 * be want; the payload's "how" is how (if not NULL); returns the payload's
 * "chose" (0 if none) and sets *nvotes to its votes' count.
 */
static int64_t
expect_last(struct fixture *f, const char *item, const char *want,
    const char *how, size_t *nvotes)
{
	struct queue_decision_info	*h = NULL;
	cJSON				*p = NULL, *v;
	size_t				 n = 0;
	int64_t				 chose = 0;

	OK(queue_item_history(f->q, item, &h, &n, &why));
	assert_true(n > 0);
	assert_string_equal(h[n - 1].action, want);
	if (h[n - 1].payload != NULL)
		p = cJSON_Parse(h[n - 1].payload);
	if (how != NULL) {
		assert_non_null(p);
		v = cJSON_GetObjectItemCaseSensitive(p, "how");
		assert_true(cJSON_IsString(v));
		assert_string_equal(v->valuestring, how);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "chose")) != NULL &&
	    cJSON_IsNumber(v))
		chose = (int64_t)v->valuedouble;
	if (nvotes != NULL)
		*nvotes = (size_t)cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(p, "votes"));
	cJSON_Delete(p);
	queue_decisions_free(h, n);
	return (chose);
}

/* Events of the audit log on an item: all, and those by one actor. */
struct audit_count {
	const char	*actor;
	const char	*item;		/* NULL: any */
	size_t		 all, by;
};

static int
audit_count_one(const struct queue_audit_event *ev, void *arg)
{
	struct audit_count *c = arg;

	c->all++;
	c->by += strcmp(ev->actor, c->actor) == 0 && (c->item == NULL ||
	    (ev->item != NULL && strcmp(ev->item, c->item) == 0));
	return (0);
}

static size_t
audit_by(struct fixture *f, const char *item, const char *actor)
{
	struct audit_count c = { actor, NULL, 0, 0 };

	OK(queue_audit_log(f->q, item, NULL, audit_count_one, &c, &why));
	return (c.by);
}

/* The same, reading the whole log (no item filter). */
static size_t
audit_all_by(struct fixture *f, const char *item, const char *actor)
{
	struct audit_count c = { actor, item, 0, 0 };

	OK(queue_audit_log(f->q, NULL, NULL, audit_count_one, &c, &why));
	return (c.by);
}

/* A lead's queue_reviewers line of who, its numbers (it must be there). */
static struct queue_reviewer_stats
reviewer_stats(struct fixture *f, const char *who)
{
	struct queue_reviewers		rv;
	struct queue_reviewer_stats	st;
	size_t				i;

	as(f, "carol");
	OK(queue_reviewers(f->q, NULL, &rv, &why));
	for (i = 0; i < rv.n && strcmp(rv.rows[i].reviewer, who) != 0; i++)
		;
	if (i == rv.n)
		print_error("no line of %s in queue_reviewers\n", who);
	assert_true(i < rv.n);
	st = rv.rows[i];
	st.reviewer = NULL;
	queue_reviewers_done(&rv);
	return (st);
}

/* Rounds as text, "item sample how votes" a line. */
struct text {
	char	*s;
	size_t	 len;
};

static void
text_add(struct text *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	t->s = realloc(t->s, t->len + (size_t)n + 1);
	assert_non_null(t->s);
	memcpy(t->s + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
	free(line);
}

static int
round_line(const struct queue_round *r, void *arg)
{
	text_add(arg, "%s %s %s %zu\n", r->item->ext_id, r->sample,
	    r->settled_how != NULL ? r->settled_how : "open", r->nvotes);
	return (0);
}

static char *
rounds(struct fixture *f)
{
	struct text t = { NULL, 0 };

	as(f, "carol");
	text_add(&t, "%s", "");
	OK(queue_rounds(f->q, NULL, round_line, &t, &why));
	return (t.s);
}

/* Outcomes as text, "item action-in-force id" a line. */
static int
outcome_line(const struct queue_outcome *o, void *arg)
{
	text_add(arg, "%s %s %lld\n", o->item->ext_id,
	    o->final != NULL ? o->final->action : "policy",
	    o->final != NULL ? (long long)o->final->id : 0LL);
	return (0);
}

/* The spans an outcome keeps, "TYPE start end" each, for anonymizations. */
static int
outcome_spans(const struct queue_outcome *o, void *arg)
{
	struct queue_final_span	*fs = NULL;
	cJSON			*p = NULL;
	size_t			 n, i;

	if (o->item->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	if (o->final != NULL && o->final->payload != NULL)
		p = cJSON_Parse(o->final->payload);
	n = queue_spans_final(o->item, p, o->final == NULL, &fs);
	text_add(arg, "%s:", o->item->ext_id);
	for (i = 0; i < n; i++)
		text_add(arg, " %s %zu %zu", fs[i].entity_type, fs[i].start,
		    fs[i].end);
	text_add(arg, "\n");
	free(fs);
	cJSON_Delete(p);
	return (0);
}

static char *
outcomes(struct fixture *f)
{
	struct text	 t = { NULL, 0 };
	int64_t		 last = 0;

	text_add(&t, "%s", "");
	OK(queue_last_decision(f->q, &last, &why));
	OK(queue_outcomes(f->q, NULL, 0, last, NULL, 1, outcome_line, &t,
	    &why));
	return (t.s);
}

static void
verify(struct fixture *f)
{
	struct queue_verify_report r;

	OK(queue_audit_verify(f->q, NULL, &r, &why));
}

/* --- the policy's quality section ---------------------------------------- */

static void
test_policy_defaults(void **state)
{
	struct fixture		*f = *state;
	const struct policy	*p;
	int			 v;

	OK(load_quality(f->q, "{}", &why));
	OK(queue_policy(f->q, &p, &v, &why));
	assert_int_equal(v, 2);
	assert_true(p->overlap_rate == 0 && p->audit_rate == 0 &&
	    p->gold_rate == 0);
	assert_int_equal(p->overlap_reviewers, 2);
	assert_true(p->min_gold_accuracy == 0.8);
	assert_int_equal(p->min_gold_items, 20);
	assert_int_equal(p->adjudication, POLICY_ADJUDICATE_LEAD);

	OK(load_quality(f->q, "{\"overlap_rate\": 0.3, \"overlap_reviewers\": "
	    "3, \"gold_rate\": 0.1, \"min_gold_accuracy\": 0.9, "
	    "\"min_gold_items\": 5, \"audit_rate\": 0.7, \"adjudication\": "
	    "\"extra_reviewer\"}", &why));
	OK(queue_policy(f->q, &p, &v, &why));
	assert_int_equal(v, 3);
	assert_true(p->overlap_rate == 0.3 && p->audit_rate == 0.7 &&
	    p->gold_rate == 0.1 && p->min_gold_accuracy == 0.9);
	assert_int_equal(p->overlap_reviewers, 3);
	assert_int_equal(p->min_gold_items, 5);
	assert_int_equal(p->adjudication, POLICY_ADJUDICATE_EXTRA_REVIEWER);
}

static void
test_policy_refused(void **state)
{
	static const struct {
		const char	*quality;
		const char	*says;
	} bad[] = {
		{ "{\"overlap_reviewers\": 1}",
		    "quality.overlap_reviewers: 1 is too few" },
		{ "{\"overlap_reviewers\": 10}", "quality.overlap_reviewers" },
		{ "{\"overlap_rate\": 1.5}",
		    "quality.overlap_rate: 1.5 is out of range (0 to 1)" },
		{ "{\"audit_rate\": -0.1}", "quality.audit_rate: -0.1 is out" },
		{ "{\"gold_rate\": 2}", "quality.gold_rate: 2 is out of range" },
		{ "{\"min_gold_accuracy\": 1.2}",
		    "quality.min_gold_accuracy: 1.2 is out of range" },
		{ "{\"min_gold_items\": 0}", "quality.min_gold_items: 0" },
		{ "{\"overlap_rate\": 0.6, \"audit_rate\": 0.5}",
		    "add up to more than every item" },
		{ "{\"adjudication\": \"vote\"}",
		    "quality.adjudication: \"vote\" is neither \"lead\" nor "
		    "\"extra_reviewer\"" },
		{ "{\"sample_rate\": 0.1}", "quality.sample_rate" },
		{ "{\"overlap_rate\": \"half\"}", "quality.overlap_rate" },
		{ "[]", "quality" },
	};
	struct fixture		*f = *state;
	const struct policy	*p;
	size_t			 i;
	int			 v;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		EXPECT(load_quality(f->q, bad[i].quality, &why), EX_DATAERR,
		    bad[i].says);
	/* Nothing was loaded. */
	OK(queue_policy(f->q, &p, &v, &why));
	assert_int_equal(v, 1);
	/* The bounds themselves are fine. */
	OK(load_quality(f->q, "{\"overlap_rate\": 0.5, \"audit_rate\": 0.5, "
	    "\"overlap_reviewers\": 9, \"min_gold_accuracy\": 1}", &why));
}

/* --- samples -------------------------------------------------------------- */

#define NSAMPLE		30

/*
 * Every item of the sampling test reviewed once by bob, and again by erin
 * where they are handed it (a sampled item waits for a second reviewer);
 * then the rounds, as a lead reads them. *once is the items bob's vote
 * left waiting.
 */
static char *
sample_run(struct fixture *f, struct queue *q, char **once)
{
	struct queue	*keep = f->q;
	struct text	 t = { NULL, 0 };
	char		*err = NULL, *it, *r;
	int64_t		 lease;
	const char	*who[] = { "bob", "erin" };
	size_t		 w;
	int		 rc;

	f->q = q;
	text_add(&t, "%s", "");
	for (w = 0; w < 2; w++) {
		as(f, who[w]);
		while ((rc = claim_any(f, &it, &lease, &err)) == 0) {
			decide_ok(f, it, lease, QUEUE_APPROVE, NULL);
			if (w == 0) {
				struct queue_item *qi = NULL;

				OK(queue_item_get(q, it, &qi, &why));
				if (qi->state == QUEUE_STATE_QUEUED)
					text_add(&t, "%s\n", it);
				queue_item_free(qi);
			}
			free(it);
		}
		expect_rc("claim until the queue is empty", rc, err,
		    EX_UNAVAILABLE, "nothing to review");
		err = NULL;
	}
	*once = t.s;
	r = rounds(f);
	f->q = keep;
	return (r);
}

static size_t
count_lines(const char *s, const char *needle)
{
	size_t		 n = 0;
	const char	*p = s;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return (n);
}

/*
 * Two databases importing the same lines under the same policy sample the
 * same items, at about the policy's rates, and every sampled round is one
 * two reviewers agreed on.
 */
static void
test_samples_reproducible(void **state)
{
	static const char quality[] = "{\"overlap_rate\": 0.5, "
	    "\"audit_rate\": 0.25}";
	struct fixture	*f = *state;
	struct tu_db	 other;
	struct queue	*q2 = NULL;
	char		*l[NSAMPLE], *r1, *r2, *once1, *once2;
	size_t		 i, n_overlap, n_audit;

	for (i = 0; i < NSAMPLE; i++)
		assert_true(asprintf(&l[i], "{\"id\": \"s-%02zu\", \"kind\": "
		    "\"model_output\", \"response\": \"r %zu\", \"flags\": "
		    "[{\"type\": \"toxicity\", \"score\": 0.9}]}", i, i) > 0);
	tu_db_init_copy(&other, f->golden);
	OK(tu_open(&other, 0, &q2, &why));
	queue_set_now(q2, NOW);

	OK(load_quality(f->q, quality, &why));
	import(f->q, (const char *const *)l, NSAMPLE);
	OK(load_quality(q2, quality, &why));
	import(q2, (const char *const *)l, NSAMPLE);

	r1 = sample_run(f, f->q, &once1);
	r2 = sample_run(f, q2, &once2);
	if (strcmp(r1, r2) != 0)
		print_error("one database:\n%s\nthe other:\n%s\n", r1, r2);
	assert_string_equal(r1, r2);
	assert_string_equal(once1, once2);
	n_overlap = count_lines(r1, " overlap agreement 2\n");
	n_audit = count_lines(r1, " audit agreement 2\n");
	/* 15 and 7.5 expected; three standard deviations either side. */
	if (n_overlap < 7 || n_overlap > 23 || n_audit < 1 || n_audit > 14)
		print_error("sampled %zu overlap, %zu audit of %d:\n%s",
		    n_overlap, n_audit, NSAMPLE, r1);
	assert_true(n_overlap >= 7 && n_overlap <= 23);
	assert_true(n_audit >= 1 && n_audit <= 14);
	/* Exactly the items bob's vote left waiting had a round. */
	assert_int_equal(count_lines(once1, "\n"), n_overlap + n_audit);
	assert_int_equal(count_lines(r1, "\n"), n_overlap + n_audit);

	for (i = 0; i < NSAMPLE; i++)
		free(l[i]);
	free(r1);
	free(r2);
	free(once1);
	free(once2);
	queue_close(q2);
	tu_db_cleanup(&other);
}

/* --- rounds --------------------------------------------------------------- */

static const char both[] = "{\"overlap_rate\": 1, \"overlap_reviewers\": 2}";

/*
 * A first vote decides nothing and is blind: its reviewer is not handed
 * the item again, the second reviewer sees nothing of it, a lead does.
 * An equal second vote settles the round by agreement, and then everyone
 * sees every vote.
 */
static void
test_round_agreement(void **state)
{
	struct fixture	*f = *state;
	int64_t		 lease, v1, v2, chose;
	size_t		 nvotes;
	char		*o;

	start(f, both, 0);
	v1 = vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	/* bob is handed another item, not the one he voted on. */
	lease = claim(f, "anon-1");
	release(f, "anon-1", lease);
	assert_int_equal(history_len(f, "out-2"), 1);

	as(f, "erin");
	lease = claim(f, "out-2");
	assert_int_equal(history_len(f, "out-2"), 0);
	assert_int_equal(audit_by(f, "out-2", "bob"), 0);
	assert_int_equal(audit_all_by(f, "out-2", "bob"), 0);
	as(f, "carol");
	assert_int_equal(history_len(f, "out-2"), 1);
	assert_true(audit_by(f, "out-2", "bob") >= 1);
	assert_true(audit_all_by(f, "out-2", "bob") >= 1);
	/* Nothing is in force yet: no outcome. */
	o = outcomes(f);
	assert_null(strstr(o, "out-2"));
	free(o);

	as(f, "erin");
	v2 = decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
	chose = expect_last(f, "out-2", "settle", "agreement", &nvotes);
	assert_int_equal(chose, v1);
	assert_int_equal(nvotes, 2);
	assert_true(v2 > v1);
	/* Settled: bob sees erin's vote and the settlement. */
	as(f, "bob");
	assert_int_equal(history_len(f, "out-2"), 3);
	assert_true(audit_by(f, "out-2", "erin") >= 1);
	verify(f);
}

/*
 * Unequal votes go to a lead: nobody else is handed the item, reviewers
 * may not list it, the lead settles it by choosing a vote, and the
 * settlement is what the item's outcome is.
 */
static void
test_round_adjudication(void **state)
{
	struct fixture			*f = *state;
	struct queue_adjudication	*a = NULL;
	size_t				 n = 0, i;
	int64_t				 bob, erin, settle, lease, other;
	char				*o, *r, line[64];

	start(f, both, 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	vote(f, "erin", "out-2", QUEUE_APPROVE, NULL);
	/* out-2's settlement: a decision, but no vote of anon-1's. */
	as(f, "carol");
	{
		struct queue_decision_info	*h = NULL;
		size_t				 nh = 0;

		OK(queue_item_history(f->q, "out-2", &h, &nh, &why));
		assert_int_equal(nh, 3);
		other = h[2].id;
		queue_decisions_free(h, nh);
	}

	bob = vote(f, "bob", "anon-1", QUEUE_APPROVE, NULL);
	erin = vote(f, "erin", "anon-1", QUEUE_CORRECT, anon1_fix);
	expect_state(f, "anon-1", QUEUE_STATE_QUEUED);

	as(f, "carol");
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].item, "anon-1");
	assert_string_equal(a[0].sample, "overlap");
	assert_int_equal(a[0].nvotes, 2);
	for (i = 0; i < a[0].nvotes; i++)
		assert_true(a[0].votes[i].id == bob ||
		    a[0].votes[i].id == erin);
	queue_adjudications_free(a, n);
	a = NULL;

	as(f, "bob");
	EXPECT(queue_adjudications(f->q, &a, &n, &why), EX_NOPERM,
	    "adjudicate");
	assert_null(a);
	EXPECT(queue_adjudicate(f->q, "anon-1", erin, NULL, NULL, NULL,
	    &settle, &why), EX_NOPERM, "adjudicate");
	/* It is a lead's now: a third reviewer is not handed it. */
	as(f, "frank");
	lease = claim(f, "out-3");
	release(f, "out-3", lease);
	/* Still blind to its voters. */
	as(f, "bob");
	assert_int_equal(history_len(f, "anon-1"), 1);

	as(f, "carol");
	EXPECT(queue_adjudicate(f->q, "anon-1", other, NULL, NULL, NULL,
	    &settle, &why), EX_DATAERR, "not one of the votes");
	EXPECT(queue_adjudicate(f->q, "anon-1", 0, "skip", NULL, NULL,
	    &settle, &why), EX_USAGE, "approve or correct");
	expect_state(f, "anon-1", QUEUE_STATE_QUEUED);
	settle = 0;
	OK(queue_adjudicate(f->q, "anon-1", erin, NULL, NULL, "a place",
	    &settle, &why));
	assert_true(settle > erin);
	expect_state(f, "anon-1", QUEUE_STATE_DECIDED);
	assert_int_equal(expect_last(f, "anon-1", "settle", "adjudication",
	    NULL), erin);
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 0);
	queue_adjudications_free(a, n);
	EXPECT(queue_adjudicate(f->q, "anon-1", erin, NULL, NULL, NULL,
	    &settle, &why), EX_UNAVAILABLE, "not waiting for adjudication");

	/* What is exported is the settlement's. */
	o = outcomes(f);
	snprintf(line, sizeof line, "anon-1 settle %lld\n", (long long)settle);
	if (strstr(o, line) == NULL)
		print_error("outcomes:\n%s", o);
	assert_non_null(strstr(o, line));
	assert_non_null(strstr(o, "out-2 settle "));
	free(o);
	/* The spans exported are erin's correction's, not bob's approve. */
	{
		struct text	t = { NULL, 0 };
		int64_t		last = 0;

		text_add(&t, "%s", "");
		OK(queue_last_decision(f->q, &last, &why));
		OK(queue_outcomes(f->q, NULL, 0, last, "anonymization", 0,
		    outcome_spans, &t, &why));
		assert_string_equal(t.s, "anon-1: LOCATION 16 22\n");
		free(t.s);
	}
	r = rounds(f);
	assert_non_null(strstr(r, "anon-1 overlap adjudication 2\n"));
	assert_non_null(strstr(r, "out-2 overlap agreement 2\n"));
	free(r);
	as(f, "bob");
	EXPECT(queue_rounds(f->q, NULL, round_line, NULL, &why), EX_NOPERM,
	    NULL);
	/* bob's vote was not taken; erin's was. */
	assert_int_equal(reviewer_stats(f, "bob").adjudicated, 1);
	assert_int_equal(reviewer_stats(f, "erin").adjudicated, 0);
	verify(f);
}

/*
 * audit_rate: a decided item goes, blind, to a second reviewer; their
 * disagreement goes to a lead, and the first reviewer's audit counts it.
 */
static void
test_round_audit(void **state)
{
	struct fixture			*f = *state;
	struct queue_adjudication	*a = NULL;
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	struct queue_reviewer_stats	 st;
	size_t				 n = 0;
	int64_t				 lease, erin, settle;
	char				*r;

	start(f, "{\"audit_rate\": 1}", 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	as(f, "erin");
	lease = claim(f, "out-2");
	assert_int_equal(history_len(f, "out-2"), 0);
	erin = decide_ok(f, "out-2", lease, QUEUE_CORRECT, toxic);
	as(f, "carol");
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].item, "out-2");
	assert_string_equal(a[0].sample, "audit");
	assert_int_equal(a[0].nvotes, 2);
	queue_adjudications_free(a, n);
	/* With a lead: neither vote can be undone. */
	as(f, "bob");
	memset(&d, 0, sizeof d);
	EXPECT(queue_undo(f->q, &d, &l, &why), EX_UNAVAILABLE,
	    "review round");
	as(f, "erin");
	EXPECT(queue_undo(f->q, &d, &l, &why), EX_UNAVAILABLE,
	    "with a lead for adjudication");
	as(f, "carol");
	OK(queue_adjudicate(f->q, "out-2", erin, NULL, NULL, NULL, &settle,
	    &why));
	r = rounds(f);
	assert_non_null(strstr(r, "out-2 audit adjudication 2\n"));
	free(r);
	st = reviewer_stats(f, "bob");
	assert_int_equal(st.audited, 1);
	assert_int_equal(st.audit_upheld, 0);
	assert_int_equal(st.adjudicated, 1);
	assert_int_equal(reviewer_stats(f, "erin").audited, 0);
	verify(f);
}

/*
 * extra_reviewer without a majority after overlap_reviewers + 2 votes:
 * a lead adjudicates.
 */
static void
test_majority_cap(void **state)
{
	struct fixture			*f = *state;
	struct queue_adjudication	*a = NULL;
	size_t				 n = 0;

	start(f, "{\"overlap_rate\": 1, \"adjudication\": "
	    "\"extra_reviewer\"}", 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	vote(f, "erin", "out-2", QUEUE_CORRECT, toxic);
	vote(f, "frank", "out-2", QUEUE_CORRECT, "{\"labels\": "
	    "[\"hallucination\"], \"flags\": [{\"verdict\": "
	    "\"overturned\"}]}");
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	as(f, "carol");
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 0);
	queue_adjudications_free(a, n);
	/* Two of four is no majority, and four votes are the most. */
	vote(f, "gina", "out-2", QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	as(f, "carol");
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].item, "out-2");
	assert_int_equal(a[0].nvotes, 4);
	queue_adjudications_free(a, n);
	/* Nobody else is handed it. */
	as(f, "hugo");
	claim(f, "anon-1");
}

/* A lead decides anew, not taking either vote: chose is null. */
static void
test_adjudicate_anew(void **state)
{
	struct fixture	*f = *state;
	int64_t		 settle = 0;

	start(f, both, 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	vote(f, "erin", "out-2", QUEUE_CORRECT, toxic);
	as(f, "carol");
	EXPECT(queue_adjudicate(f->q, "out-2", 0, "correct",
	    "{\"labels\": [\"nonsense\"], \"flags\": [{\"verdict\": "
	    "\"confirmed\"}]}", NULL, &settle, &why), EX_DATAERR, "nonsense");
	OK(queue_adjudicate(f->q, "out-2", 0, "correct", "{\"labels\": "
	    "[\"bias.gender\"], \"flags\": [{\"verdict\": \"overturned\"}]}",
	    NULL, &settle, &why));
	assert_int_equal(expect_last(f, "out-2", "settle", "adjudication",
	    NULL), 0);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
}

/*
 * extra_reviewer: a disagreement hands the item to a third reviewer, and
 * a majority settles it.
 */
static void
test_round_majority(void **state)
{
	struct fixture			*f = *state;
	struct queue_adjudication	*a = NULL;
	size_t				 n = 0, nvotes;
	int64_t				 erin;

	start(f, "{\"overlap_rate\": 1, \"adjudication\": "
	    "\"extra_reviewer\"}", 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	erin = vote(f, "erin", "out-2", QUEUE_CORRECT, toxic);
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	as(f, "carol");
	OK(queue_adjudications(f->q, &a, &n, &why));
	assert_int_equal(n, 0);
	queue_adjudications_free(a, n);
	/* bob and erin have voted: frank is handed it. */
	as(f, "bob");
	claim(f, "anon-1");
	vote(f, "frank", "out-2", QUEUE_CORRECT, toxic);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
	assert_int_equal(expect_last(f, "out-2", "settle", "majority",
	    &nvotes), erin);
	assert_int_equal(nvotes, 3);
	verify(f);
}

/* --- undo and escalation of votes ----------------------------------------- */

/*
 * A vote undone while its round is open comes back claimed to its
 * reviewer and counts no more; once the round settled, undo is refused.
 */
static void
test_undo_vote(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	size_t				 nvotes;
	int64_t				 v1, v2;

	start(f, both, 0);
	v1 = vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	memset(&d, 0, sizeof d);
	OK(queue_undo(f->q, &d, &l, &why));
	assert_int_equal(d.id, v1);
	assert_string_equal(d.item, "out-2");
	assert_string_equal(l.item, "out-2");
	assert_string_equal(l.holder, "bob");
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED);
	v2 = decide_ok(f, "out-2", l.lease_id, QUEUE_CORRECT, toxic);
	free(d.item);
	free(d.action);
	free(d.reviewer);
	free(d.decided_at);
	free(d.payload);
	queue_lease_done(&l);

	vote(f, "erin", "out-2", QUEUE_CORRECT, toxic);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
	/* The withdrawn vote is no vote of the round. */
	assert_int_equal(expect_last(f, "out-2", "settle", "agreement",
	    &nvotes), v2);
	assert_int_equal(nvotes, 2);

	memset(&d, 0, sizeof d);
	EXPECT(queue_undo(f->q, &d, &l, &why), EX_UNAVAILABLE,
	    "review round");
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
	as(f, "bob");
	EXPECT(queue_undo(f->q, &d, &l, &why), EX_UNAVAILABLE,
	    "review round");
	verify(f);
}

/*
 * A voter's escalation escalates the item and ends its round; undoing it
 * opens the round again, and the votes go on.
 */
static void
test_escalate_vote(void **state)
{
	struct fixture			*f = *state;
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	size_t				 nvotes;
	int64_t				 v1, esc;

	start(f, both, 0);
	v1 = vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	esc = vote(f, "erin", "out-2", QUEUE_ESCALATE, escalate_ts);
	expect_state(f, "out-2", QUEUE_STATE_ESCALATED);
	/* The round is over: bob sees the escalation. */
	as(f, "bob");
	assert_int_equal(history_len(f, "out-2"), 2);

	as(f, "erin");
	memset(&d, 0, sizeof d);
	OK(queue_undo(f->q, &d, &l, &why));
	assert_int_equal(d.id, esc);
	assert_string_equal(l.holder, "erin");
	expect_state(f, "out-2", QUEUE_STATE_CLAIMED);
	/* Open again: blind to bob, and erin's approve is a vote. */
	as(f, "bob");
	assert_int_equal(history_len(f, "out-2"), 1);
	as(f, "erin");
	decide_ok(f, "out-2", l.lease_id, QUEUE_APPROVE, NULL);
	expect_state(f, "out-2", QUEUE_STATE_DECIDED);
	assert_int_equal(expect_last(f, "out-2", "settle", "agreement",
	    &nvotes), v1);
	assert_int_equal(nvotes, 2);
	free(d.item);
	free(d.action);
	free(d.reviewer);
	free(d.decided_at);
	free(d.payload);
	queue_lease_done(&l);
	verify(f);
}

/* --- gold ----------------------------------------------------------------- */

/* A gold answer that does not fit its item is refused, naming "gold". */
static void
test_gold_checked_at_import(void **state)
{
	static const struct {
		const char	*line;
		const char	*says;
	} bad[] = {
		{ "{\"id\": \"b-1\", \"kind\": \"model_output\", \"response\": "
		    "\"x\", \"flags\": [{\"type\": \"toxicity\", \"score\": "
		    "0.9}], \"gold\": {\"action\": \"correct\", \"labels\": "
		    "[\"nonsense\"], \"flags\": [{\"verdict\": "
		    "\"confirmed\"}]}}",
		    "gold: labels[0]: \"nonsense\" is not a label" },
		{ "{\"id\": \"b-2\", \"kind\": \"model_output\", \"response\": "
		    "\"x\", \"flags\": [{\"type\": \"toxicity\", \"score\": "
		    "0.9}], \"gold\": {\"action\": \"correct\", \"labels\": "
		    "[\"toxicity\"], \"flags\": []}}", "gold: flags" },
		{ "{\"id\": \"b-3\", \"kind\": \"model_output\", \"response\": "
		    "\"x\", \"flags\": [{\"type\": \"toxicity\", \"score\": "
		    "0.9}], \"gold\": {\"action\": \"skip\"}}", "gold.action" },
		{ "{\"id\": \"b-4\", \"kind\": \"model_output\", \"response\": "
		    "\"x\", \"flags\": [{\"type\": \"toxicity\", \"score\": "
		    "0.9}], \"gold\": \"approve\"}", "gold: expected an object" },
		{ "{\"id\": \"b-5\", \"kind\": \"anonymization\", \"text\": "
		    "\"Ask Jordan Smith now.\", \"spans\": [{\"entity_type\": "
		    "\"PERSON\", \"start\": 4, \"end\": 10, \"score\": 0.6}, "
		    "{\"entity_type\": \"PERSON\", \"start\": 4, \"end\": 16, "
		    "\"score\": 0.6}], \"gold\": {\"action\": \"approve\"}}",
		    "gold: the spans it would accept overlap" },
	};
	struct fixture			*f = *state;
	struct queue_import		*imp = NULL;
	struct queue_import_counts	 c;
	struct queue_item		*it = NULL;
	int64_t				 batch;
	size_t				 i;

	OK(load_quality(f->q, "{\"gold_rate\": 1}", &why));
	OK(queue_import_begin(f->q, "alice", 0, &imp, &why));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		EXPECT(queue_import_line(imp, "gold.jsonl", i + 1, bad[i].line,
		    strlen(bad[i].line), &why), EX_DATAERR, bad[i].says);
	OK(queue_import_line(imp, "gold.jsonl", i + 1, gold_lines[0],
	    strlen(gold_lines[0]), &why));
	OK(queue_import_finish(imp, &c, &batch, &why));
	queue_import_free(imp);
	assert_int_equal(c.invalid, sizeof bad / sizeof bad[0]);
	assert_int_equal(c.imported, 1);
	as(f, "carol");
	EXPECT(queue_item_get(f->q, "b-1", &it, &why), EX_NOINPUT, "b-1");
	assert_null(it);
}

/* Items of the queue's list (a page of 50), as text. */
static char *
page(struct fixture *f)
{
	struct queue_row	*rows = NULL;
	struct text		 t = { NULL, 0 };
	size_t			 n = 0, i;

	text_add(&t, "%s", "");
	OK(queue_page(f->q, NULL, QUEUE_PAGE_FIRST, NULL, 50, &rows, &n,
	    &why));
	for (i = 0; i < n; i++)
		text_add(&t, "%s\n", rows[i].item);
	queue_rows_free(rows, n);
	return (t.s);
}

/* The reviewer's pause as login sees it. */
static void
expect_pause(struct fixture *f, const char *login, int paused,
    uint64_t items, int accurate)
{
	struct queue_pause p;

	OK(queue_reviewer_pause(f->q, login, &p, &why));
	if (p.paused != paused || p.gold_items != items)
		print_error("%s: paused %d over %llu gold items\n", login,
		    p.paused, (unsigned long long)p.gold_items);
	assert_int_equal(p.paused, paused);
	assert_int_equal(p.gold_items, items);
	if (items > 0)
		assert_int_equal(p.right * 10 >= p.total * 8, accurate);
	queue_pause_done(&p);
}

/*
 * Gold at gold_rate 1 is served before anything else, each item once to
 * each reviewer, blind, and never in the queue's list, counts or outcomes.
 * A reviewer below min_gold_accuracy is paused until a lead resumes them.
 */
static void
test_gold_served_scored_paused(void **state)
{
	struct fixture			*f = *state;
	struct queue_reviewer_stats	 st;
	struct queue_stats		 qs;
	uint64_t			 counts[QUEUE_NKINDS];
	int64_t				 lease;
	char				*s;

	start(f, "{\"gold_rate\": 1, \"min_gold_items\": 2, "
	    "\"min_gold_accuracy\": 0.8}", 1);
	/* Imported first, gold is still not the oldest waiting item. */
	as(f, "carol");
	OK(queue_stats(f->q, 0, &qs, &why));
	assert_non_null(qs.oldest_item);
	assert_string_equal(qs.oldest_item, "out-1");
	queue_stats_done(&qs);
	/* The queue's list and counts know nothing of gold. */
	as(f, "bob");
	s = page(f);
	assert_string_equal(s, "out-2\nanon-1\nout-3\nout-1\nanon-2\n");
	free(s);
	OK(queue_waiting(f->q, counts, &why));
	assert_int_equal(counts[QUEUE_KIND_MODEL_OUTPUT], 3);
	assert_int_equal(counts[QUEUE_KIND_ANONYMIZATION], 2);

	/* bob gets both gold outputs wrong. */
	vote(f, "bob", "g-out-1", QUEUE_APPROVE, NULL);
	expect_pause(f, "bob", 0, 1, 0);
	vote(f, "bob", "g-out-2", QUEUE_CORRECT, toxic);
	expect_state(f, "g-out-2", QUEUE_STATE_QUEUED);
	EXPECT(queue_claim_next(f->q, NULL, &(struct queue_lease){ 0 }, &why),
	    EX_NOPERM, "hitl reviewer resume bob");
	expect_pause(f, "bob", 1, 2, 0);
	st = reviewer_stats(f, "bob");
	assert_true(st.paused);
	assert_int_equal(st.gold_items, 2);
	assert_true(st.gold_right < st.gold_total);

	/* erin is served the same gold, blind, each once, then real work. */
	as(f, "erin");
	lease = claim(f, "g-out-1");
	assert_int_equal(history_len(f, "g-out-1"), 0);
	assert_int_equal(audit_by(f, "g-out-1", "bob"), 0);
	decide_ok(f, "g-out-1", lease, QUEUE_CORRECT, toxic);
	assert_int_equal(history_len(f, "g-out-1"), 1);
	vote(f, "erin", "g-out-2", QUEUE_APPROVE, NULL);
	vote(f, "erin", "g-anon-1", QUEUE_APPROVE, NULL);
	lease = claim(f, "out-2");
	expect_pause(f, "erin", 0, 3, 1);
	st = reviewer_stats(f, "erin");
	assert_false(st.paused);
	assert_int_equal(st.gold_items, 3);
	assert_int_equal(st.gold_right, st.gold_total);
	as(f, "erin");
	EXPECT(queue_reviewer_pause(f->q, "bob", &(struct queue_pause){ 0 },
	    &why), EX_NOPERM, NULL);

	/* Gold stays out of the list, the counts and the outcomes. */
	s = page(f);
	assert_null(strstr(s, "g-"));
	free(s);
	OK(queue_waiting(f->q, counts, &why));
	assert_int_equal(counts[QUEUE_KIND_MODEL_OUTPUT], 3);
	decide_ok(f, "out-2", lease, QUEUE_APPROVE, NULL);
	s = outcomes(f);
	assert_null(strstr(s, "g-"));
	assert_non_null(strstr(s, "out-2 approve"));
	free(s);

	/* Only a lead lifts the pause, and only of someone paused. */
	as(f, "bob");
	EXPECT(queue_reviewer_resume(f->q, "bob", NULL, &why), EX_NOPERM,
	    NULL);
	as(f, "carol");
	expect_pause(f, "bob", 1, 2, 0);
	OK(queue_reviewer_resume(f->q, "bob", "retrained", &why));
	EXPECT(queue_reviewer_resume(f->q, "bob", NULL, &why),
	    EX_UNAVAILABLE, "bob is not paused");
	EXPECT(queue_reviewer_resume(f->q, "erin", NULL, &why),
	    EX_UNAVAILABLE, "erin is not paused");
	{
		struct queue_pause p;

		OK(queue_reviewer_pause(f->q, "bob", &p, &why));
		assert_int_equal(p.paused, 0);
		assert_non_null(p.by);
		assert_string_equal(p.by, "carol");
		/* Scores start again. */
		assert_int_equal(p.gold_items, 0);
		queue_pause_done(&p);
	}
	/* bob is served the gold he has not seen. */
	as(f, "bob");
	lease = claim(f, "g-anon-1");
	decide_ok(f, "g-anon-1", lease, QUEUE_APPROVE, NULL);
	expect_pause(f, "bob", 0, 1, 1);
	s = outcomes(f);
	assert_null(strstr(s, "g-"));
	free(s);
	verify(f);
}

/*
 * A gold item's escalation is a vote, scored, that opens no escalation;
 * an undone gold vote takes its score with it; a kind filter is served
 * gold of that kind, a type filter none.
 */
static void
test_gold_escalate_undo_filters(void **state)
{
	struct fixture			*f = *state;
	struct queue_escalation		*e = NULL;
	struct queue_decision_info	 d;
	struct queue_lease		 l;
	struct queue_filter		 anon = { .kind = "anonymization" };
	struct queue_filter		 tox = { .type = "toxicity" };
	size_t				 n = 0;
	int64_t				 lease;

	start(f, "{\"gold_rate\": 1, \"min_gold_items\": 5}", 1);
	vote(f, "erin", "g-out-1", QUEUE_ESCALATE, escalate_ts);
	expect_state(f, "g-out-1", QUEUE_STATE_QUEUED);
	expect_pause(f, "erin", 0, 1, 0);
	as(f, "carol");
	OK(queue_escalations(f->q, NULL, 1, &e, &n, &why));
	assert_int_equal(n, 0);
	queue_escalations_free(e, n);

	vote(f, "bob", "g-out-1", QUEUE_APPROVE, NULL);
	expect_pause(f, "bob", 0, 1, 0);
	memset(&d, 0, sizeof d);
	OK(queue_undo(f->q, &d, &l, &why));
	assert_string_equal(l.item, "g-out-1");
	assert_string_equal(l.holder, "bob");
	expect_pause(f, "bob", 0, 0, 0);
	decide_ok(f, "g-out-1", l.lease_id, QUEUE_CORRECT, toxic);
	expect_pause(f, "bob", 0, 1, 1);
	free(d.item);
	free(d.action);
	free(d.reviewer);
	free(d.decided_at);
	free(d.payload);
	queue_lease_done(&l);

	OK(queue_claim_next(f->q, &anon, &l, &why));
	assert_string_equal(l.item, "g-anon-1");
	lease = l.lease_id;
	queue_lease_done(&l);
	release(f, "g-anon-1", lease);
	OK(queue_claim_next(f->q, &tox, &l, &why));
	assert_string_equal(l.item, "out-2");
	queue_lease_done(&l);
	verify(f);
}

/*
 * A lead's reopen of an item whose review round is over (settled, the way
 * undo's refusal points to: "a lead can reopen it (hitl reopen)"; or
 * escalated by a voter and resolved) puts it back in the queue, shown
 * waiting, and someone is handed it, as any reopened item.
 */
static void
test_reopen_settled_round(void **state)
{
	struct fixture		*f = *state;
	struct queue_escalation	*e = NULL;
	uint64_t		 counts[QUEUE_NKINDS];
	size_t			 n = 0;
	int64_t			 did = 0;
	char			*s;

	start(f, both, 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	vote(f, "erin", "out-2", QUEUE_APPROVE, NULL);
	vote(f, "bob", "anon-1", QUEUE_APPROVE, NULL);
	vote(f, "erin", "anon-1", QUEUE_ESCALATE, escalate_ts);
	as(f, "carol");
	OK(queue_escalations(f->q, NULL, 0, &e, &n, &why));
	assert_int_equal(n, 1);
	OK(queue_escalation_resolve(f->q, e[0].id, "approve", NULL, "fine",
	    &why));
	queue_escalations_free(e, n);
	OK(queue_reopen(f->q, "out-2", "the label set changed", &did, &why));
	OK(queue_reopen(f->q, "anon-1", "the label set changed", &did, &why));
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	expect_state(f, "anon-1", QUEUE_STATE_QUEUED);
	/* They are shown waiting... */
	s = page(f);
	assert_non_null(strstr(s, "out-2\n"));
	assert_non_null(strstr(s, "anon-1\n"));
	free(s);
	OK(queue_waiting(f->q, counts, &why));
	assert_int_equal(counts[QUEUE_KIND_MODEL_OUTPUT], 3);
	assert_int_equal(counts[QUEUE_KIND_ANONYMIZATION], 2);
	/* ...and someone must be handed them. */
	as(f, "frank");
	claim_until(f, "out-2");
	claim_until(f, "anon-1");
}

/* --- edge cases ----------------------------------------------------------- */

static void
test_adjudicate_not_waiting(void **state)
{
	struct fixture	*f = *state;
	int64_t		 id = 0;

	start(f, both, 0);
	vote(f, "bob", "out-2", QUEUE_APPROVE, NULL);
	as(f, "carol");
	/* A round still open, an item never sampled, none at all. */
	EXPECT(queue_adjudicate(f->q, "out-2", 0, "approve", NULL, NULL, &id,
	    &why), EX_UNAVAILABLE, "not waiting for adjudication");
	EXPECT(queue_adjudicate(f->q, "out-auto", 0, "approve", NULL, NULL,
	    &id, &why), EX_UNAVAILABLE, "not waiting for adjudication");
	EXPECT(queue_adjudicate(f->q, "nosuch", 0, "approve", NULL, NULL, &id,
	    &why), EX_NOINPUT, "nosuch");
	expect_state(f, "out-2", QUEUE_STATE_QUEUED);
	EXPECT(queue_reviewer_resume(f->q, "frank", NULL, &why),
	    EX_UNAVAILABLE, "frank is not paused");
	verify(f);
}



#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_policy_defaults),
		T(test_policy_refused),
		T(test_samples_reproducible),
		T(test_round_agreement),
		T(test_round_adjudication),
		T(test_round_audit),
		T(test_majority_cap),
		T(test_adjudicate_anew),
		T(test_round_majority),
		T(test_undo_vote),
		T(test_escalate_vote),
		T(test_gold_checked_at_import),
		T(test_gold_served_scored_paused),
		T(test_gold_escalate_undo_filters),
		T(test_reopen_settled_round),
		T(test_adjudicate_not_waiting),
	};

	tu_backend_start();
	return (cmocka_run_group_tests_name("quality (" TU_BACKEND ")",
	    tests, group_setup, tu_group_db_free));
}
