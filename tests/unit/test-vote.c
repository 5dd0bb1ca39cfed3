/*
 * Unit tests for votes: what an approve and a correction come to, on both
 * kinds of item, when two votes are one decision, and a vote's score
 * against a gold answer.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vote.h"

static char insult[] = "toxicity/insult", pii[] = "pii/email";
static char response[] = "You are an idiot.";
static struct queue_flag flags[] = {
	{ .type = insult, .score = 0.9 },
	{ .type = pii, .score = 0.4 },
};
static struct queue_item output = {
	.ext_id = (char []){ "mo" }, .kind = QUEUE_KIND_MODEL_OUTPUT,
	.text = response, .flags = flags, .nflags = 2,
};

/* "Anna lives in Austin.": PERSON accepted, LOCATION rejected by triage. */
static char person[] = "PERSON", location[] = "LOCATION";
static char accepted[] = "accepted", rejected[] = "rejected";
static struct queue_span spans[] = {
	{ .entity_type = person, .start = 0, .end = 4, .triage = accepted },
	{ .entity_type = location, .start = 14, .end = 20,
	    .triage = rejected },
};
static struct queue_item anon = {
	.ext_id = (char []){ "an" }, .kind = QUEUE_KIND_ANONYMIZATION,
	.text = (char []){ "Anna lives in Austin." }, .spans = spans,
	.nspans = 2,
};

/* The vote, which must be one. */
static void
vote_ok(const struct queue_item *it, const char *action, const char *payload,
    struct vote *v)
{
	char *cause = NULL;

	if (vote_from(it, action, payload, v, &cause) != 0) {
		print_error("%s %s: %s\n", action, payload ? payload : "-",
		    cause);
		free(cause);
		fail();
	}
}

/* The vote is refused, and the message names what was wrong. */
static void
vote_bad(const struct queue_item *it, const char *action, const char *payload,
    const char *says)
{
	struct vote	 v;
	char		*cause = NULL;

	assert_int_equal(vote_from(it, action, payload, &v, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, says) == NULL) {
		print_error("\"%s\" does not say \"%s\"\n", cause, says);
		free(cause);
		fail();
	}
	free(cause);
	/* Nothing is left to free, and done is harmless. */
	assert_null(v.labels);
	vote_done(&v);
}

static void
test_approve_model_output(void **state)
{
	struct vote v;

	(void)state;
	vote_ok(&output, "approve", NULL, &v);
	assert_int_equal(v.action, VOTE_APPROVE);
	assert_int_equal(v.nlabels, 0);
	assert_int_equal(v.nflags, 2);
	assert_int_equal(v.flags[0], VOTE_OVERTURNED);
	assert_int_equal(v.flags[1], VOTE_OVERTURNED);
	assert_null(v.text);
	assert_int_equal(v.nspans + v.nadded, 0);
	vote_done(&v);
	/* A note changes nothing. */
	vote_ok(&output, "approve", "{\"note\":\"fine\"}", &v);
	assert_int_equal(v.nflags, 2);
	vote_done(&v);
}

static void
test_correct_model_output(void **state)
{
	struct vote v;

	(void)state;
	vote_ok(&output, "correct", "{\"text\":\"Please stop.\",\"labels\":"
	    "[\"toxic\",\"insult\"],\"flags\":[{\"verdict\":\"confirmed\","
	    "\"type\":\"toxicity/insult\"},{\"verdict\":\"overturned\"}],"
	    "\"note\":\"rude\"}", &v);
	assert_int_equal(v.action, VOTE_CORRECT);
	assert_int_equal(v.nlabels, 2);
	/* Sorted. */
	assert_string_equal(v.labels[0], "insult");
	assert_string_equal(v.labels[1], "toxic");
	assert_int_equal(v.flags[0], VOTE_CONFIRMED);
	assert_int_equal(v.flags[1], VOTE_OVERTURNED);
	assert_string_equal(v.text, "Please stop.");
	vote_done(&v);
	/* The response written again is the response kept. */
	vote_ok(&output, "correct", "{\"text\":\"You are an idiot.\","
	    "\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":"
	    "\"confirmed\"}]}", &v);
	assert_null(v.text);
	assert_int_equal(v.nlabels, 0);
	vote_done(&v);
}

static void
test_approve_anonymization(void **state)
{
	struct vote v;

	(void)state;
	vote_ok(&anon, "approve", NULL, &v);
	assert_int_equal(v.action, VOTE_APPROVE);
	assert_int_equal(v.nspans, 2);
	assert_int_equal(v.spans[0].verdict, VOTE_ACCEPTED);
	/* What triage rejected an approve leaves rejected. */
	assert_int_equal(v.spans[1].verdict, VOTE_REJECTED);
	assert_null(v.spans[0].type);
	assert_int_equal(v.nadded, 0);
	assert_int_equal(v.nflags, 0);
	vote_done(&v);
}

static void
test_correct_anonymization(void **state)
{
	struct vote v;

	(void)state;
	vote_ok(&anon, "correct", "{\"spans\":[{\"verdict\":\"retyped\","
	    "\"entity_type\":\"ORG\"},{\"verdict\":\"accepted\"}],\"added\":"
	    "[{\"start\":5,\"end\":10,\"entity_type\":\"VERB\"},{\"start\":0,"
	    "\"end\":2,\"entity_type\":\"X\"}]}", &v);
	assert_int_equal(v.action, VOTE_CORRECT);
	assert_int_equal(v.spans[0].verdict, VOTE_RETYPED);
	assert_string_equal(v.spans[0].type, "ORG");
	assert_int_equal(v.spans[1].verdict, VOTE_ACCEPTED);
	assert_null(v.spans[1].type);
	/* Added spans sorted by start. */
	assert_int_equal(v.nadded, 2);
	assert_int_equal(v.added[0].start, 0);
	assert_string_equal(v.added[0].type, "X");
	assert_int_equal(v.added[1].end, 10);
	vote_done(&v);
	/* No "added": none. */
	vote_ok(&anon, "correct", "{\"spans\":[{\"verdict\":\"rejected\"},"
	    "{\"verdict\":\"rejected\"}]}", &v);
	assert_int_equal(v.nadded, 0);
	assert_int_equal(v.spans[0].verdict, VOTE_REJECTED);
	vote_done(&v);
}

static void
test_bad_payloads(void **state)
{
	(void)state;
	vote_bad(&output, "escalate", NULL, "approve or a correction");
	vote_bad(&output, "correct", NULL, "a correction needs one");
	vote_bad(&output, "correct", "{\"flags\":", "payload: ");
	vote_bad(&output, "correct", "[]", "expected an object");
	vote_bad(&output, "approve", "{\"labels\":[]}", "labels");
	/* A correction of a model output gives a verdict per flag. */
	vote_bad(&output, "correct", "{\"labels\":[\"toxic\"]}",
	    "each of the item's 2 flags (got 0)");
	vote_bad(&output, "correct", "{\"flags\":[{\"verdict\":\"confirmed\"},"
	    "{\"verdict\":\"maybe\"}]}", "payload.flags[1].verdict");
	vote_bad(&output, "correct", "{\"flags\":[{\"verdict\":\"confirmed\","
	    "\"type\":\"other\"},{\"verdict\":\"confirmed\"}]}",
	    "does not match");
	vote_bad(&output, "correct", "{\"labels\":[\"a\",\"a\"],\"flags\":["
	    "{\"verdict\":\"confirmed\"},{\"verdict\":\"confirmed\"}]}",
	    "listed twice");
	vote_bad(&output, "correct", "{\"labels\":[1],\"flags\":["
	    "{\"verdict\":\"confirmed\"},{\"verdict\":\"confirmed\"}]}",
	    "payload.labels[0]: expected a string");
	vote_bad(&output, "correct", "{\"text\":\" \",\"flags\":["
	    "{\"verdict\":\"confirmed\"},{\"verdict\":\"confirmed\"}]}",
	    "empty");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\"}]}",
	    "2 spans (got 1)");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"retyped\"},"
	    "{\"verdict\":\"accepted\"}]}", "missing");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\","
	    "\"entity_type\":\"ORG\"},{\"verdict\":\"accepted\"}]}",
	    "only a retyped span");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"retyped\","
	    "\"entity_type\":\"PERSON\"},{\"verdict\":\"accepted\"}]}",
	    "already PERSON");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\"},"
	    "{\"verdict\":\"accepted\"}],\"added\":[{\"start\":3,\"end\":3,"
	    "\"entity_type\":\"X\"}]}", "not before end");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\"},"
	    "{\"verdict\":\"accepted\"}],\"added\":[{\"start\":3,\"end\":99,"
	    "\"entity_type\":\"X\"}]}", "payload.added[0]");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\"},"
	    "{\"verdict\":\"accepted\"}],\"added\":[{\"start\":3,\"end\":5}]}",
	    "required");
	vote_bad(&anon, "correct", "{\"spans\":[{\"verdict\":\"accepted\"},"
	    "{\"verdict\":\"accepted\"}],\"labels\":[]}", "labels");
}

/* Whether the two decisions' votes are equal. */
static int
equal(const struct queue_item *it, const char *a1, const char *p1,
    const char *a2, const char *p2)
{
	struct vote	a, b;
	int		eq;

	vote_ok(it, a1, p1, &a);
	vote_ok(it, a2, p2, &b);
	eq = vote_equal(&a, &b);
	assert_int_equal(vote_equal(&b, &a), eq);
	vote_done(&a);
	vote_done(&b);
	return (eq);
}

#define FLAGS_CC "\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":" \
	"\"confirmed\"}]"
#define SPANS_AA "\"spans\":[{\"verdict\":\"accepted\"},{\"verdict\":" \
	"\"accepted\"}]"

static void
test_equal(void **state)
{
	(void)state;
	assert_true(equal(&output, "approve", NULL, "approve",
	    "{\"note\":\"ok\"}"));
	/* The same verdicts, but one is an approve: not one decision. */
	assert_false(equal(&output, "approve", NULL, "correct",
	    "{\"flags\":[{\"verdict\":\"overturned\"},{\"verdict\":"
	    "\"overturned\"}]}"));
	assert_true(equal(&output, "correct", "{\"labels\":[\"a\",\"b\"],"
	    FLAGS_CC ",\"note\":\"x\"}", "correct", "{\"labels\":[\"b\","
	    "\"a\"]," FLAGS_CC ",\"note\":\"y\"}"));
	assert_false(equal(&output, "correct", "{\"labels\":[\"a\"],"
	    FLAGS_CC "}", "correct", "{\"labels\":[\"b\"]," FLAGS_CC "}"));
	assert_false(equal(&output, "correct", "{" FLAGS_CC "}", "correct",
	    "{\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":"
	    "\"overturned\"}]}"));
	/* Corrected text: equal only when the same. */
	assert_true(equal(&output, "correct", "{\"text\":\"Stop.\","
	    FLAGS_CC "}", "correct", "{\"text\":\"Stop.\"," FLAGS_CC "}"));
	assert_false(equal(&output, "correct", "{\"text\":\"Stop.\","
	    FLAGS_CC "}", "correct", "{\"text\":\"Stop!\"," FLAGS_CC "}"));
	assert_false(equal(&output, "correct", "{\"text\":\"Stop.\","
	    FLAGS_CC "}", "correct", "{" FLAGS_CC "}"));
	/* Spans: the verdicts, a retype's new type, the added spans. */
	assert_true(equal(&anon, "correct", "{" SPANS_AA "}", "correct",
	    "{" SPANS_AA ",\"added\":[]}"));
	assert_false(equal(&anon, "approve", NULL, "correct",
	    "{" SPANS_AA "}"));
	assert_true(equal(&anon, "correct", "{\"spans\":[{\"verdict\":"
	    "\"retyped\",\"entity_type\":\"ORG\"},{\"verdict\":\"rejected\"}]}",
	    "correct", "{\"spans\":[{\"verdict\":\"retyped\",\"entity_type\":"
	    "\"ORG\"},{\"verdict\":\"rejected\"}]}"));
	assert_false(equal(&anon, "correct", "{\"spans\":[{\"verdict\":"
	    "\"retyped\",\"entity_type\":\"ORG\"},{\"verdict\":\"rejected\"}]}",
	    "correct", "{\"spans\":[{\"verdict\":\"retyped\",\"entity_type\":"
	    "\"NAME\"},{\"verdict\":\"rejected\"}]}"));
	assert_true(equal(&anon, "correct", "{" SPANS_AA ",\"added\":[{"
	    "\"start\":5,\"end\":10,\"entity_type\":\"X\"},{\"start\":0,"
	    "\"end\":1,\"entity_type\":\"Y\"}]}", "correct", "{" SPANS_AA
	    ",\"added\":[{\"start\":0,\"end\":1,\"entity_type\":\"Y\"},{"
	    "\"start\":5,\"end\":10,\"entity_type\":\"X\"}]}"));
	assert_false(equal(&anon, "correct", "{" SPANS_AA ",\"added\":[{"
	    "\"start\":5,\"end\":10,\"entity_type\":\"X\"}]}", "correct",
	    "{" SPANS_AA ",\"added\":[{\"start\":5,\"end\":11,"
	    "\"entity_type\":\"X\"}]}"));
	assert_false(equal(&anon, "correct", "{" SPANS_AA ",\"added\":[{"
	    "\"start\":5,\"end\":10,\"entity_type\":\"X\"}]}", "correct",
	    "{" SPANS_AA ",\"added\":[{\"start\":5,\"end\":10,"
	    "\"entity_type\":\"Z\"}]}"));
}

/* The score of a decision against the gold answer. */
static void
score(const struct queue_item *it, const char *gold, const char *action,
    const char *payload, unsigned right, unsigned total)
{
	struct vote	 g, v;
	char		*cause = NULL;
	unsigned	 r = 99, t = 99;

	if (vote_from_gold(it, gold, &g, &cause) != 0) {
		print_error("gold %s: %s\n", gold, cause);
		free(cause);
		fail();
	}
	vote_ok(it, action, payload, &v);
	vote_score(&g, &v, &r, &t);
	if (r != right || t != total) {
		print_error("%s: %u of %u, not %u of %u\n", payload ?
		    payload : action, r, t, right, total);
		fail();
	}
	vote_done(&g);
	vote_done(&v);
}

static void
test_score(void **state)
{
	(void)state;
	/* The action, and two flags. */
	score(&output, "{\"action\":\"approve\"}", "approve", NULL, 3, 3);
	score(&output, "{\"action\":\"approve\",\"note\":\"x\"}", "correct",
	    "{" FLAGS_CC "}", 0, 3);
	/*
	 * Gold: labels a, b, flags confirmed/overturned. The vote: labels
	 * b, c, both confirmed. Action right; labels a (wrong), b (right),
	 * c (wrong); flag 0 right, flag 1 wrong: 3 of 6.
	 */
	score(&output, "{\"action\":\"correct\",\"labels\":[\"a\",\"b\"],"
	    "\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":"
	    "\"overturned\"}],\"note\":\"gold\"}", "correct",
	    "{\"labels\":[\"c\",\"b\"]," FLAGS_CC "}", 3, 6);
	/* Spans: action, two verdicts (a retype right only with its type). */
	score(&anon, "{\"action\":\"approve\"}", "approve", NULL, 3, 3);
	score(&anon, "{\"action\":\"correct\",\"spans\":[{\"verdict\":"
	    "\"retyped\",\"entity_type\":\"ORG\"},{\"verdict\":\"rejected\"}]}",
	    "correct", "{\"spans\":[{\"verdict\":\"retyped\",\"entity_type\":"
	    "\"NAME\"},{\"verdict\":\"rejected\"}]}", 2, 3);
	/*
	 * Added spans of either: [0,1) X in both (right), [5,10) X in the
	 * gold only, [5,10) Y in the vote only: action, 2 verdicts, 1 of 3.
	 */
	score(&anon, "{\"action\":\"correct\"," SPANS_AA ",\"added\":[{"
	    "\"start\":0,\"end\":1,\"entity_type\":\"X\"},{\"start\":5,"
	    "\"end\":10,\"entity_type\":\"X\"}]}", "correct", "{" SPANS_AA
	    ",\"added\":[{\"start\":5,\"end\":10,\"entity_type\":\"Y\"},{"
	    "\"start\":0,\"end\":1,\"entity_type\":\"X\"}]}", 4, 6);
}

static void
test_bad_gold(void **state)
{
	struct vote	 v;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(vote_from_gold(&output, "{\"labels\":[]}", &v,
	    &cause), -1);
	assert_non_null(strstr(cause, "gold.action"));
	free(cause);
	cause = NULL;
	assert_int_equal(vote_from_gold(&output, "{\"action\":\"correct\"}",
	    &v, &cause), -1);
	assert_non_null(strstr(cause, "gold.flags"));
	free(cause);
	cause = NULL;
	assert_int_equal(vote_from_gold(&output, "{\"action\":\"approve\","
	    "\"labels\":[]}", &v, &cause), -1);
	assert_non_null(strstr(cause, "gold"));
	free(cause);
	cause = NULL;
	assert_int_equal(vote_from_gold(&output, "[1]", &v, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(vote_from_gold(&output, "{", &v, &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_approve_model_output),
		cmocka_unit_test(test_correct_model_output),
		cmocka_unit_test(test_approve_anonymization),
		cmocka_unit_test(test_correct_anonymization),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_bad_gold),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
