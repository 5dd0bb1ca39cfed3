/*
 * Unit tests for the agreement report: rounds made by hand, their votes
 * turned into units, grouped, and the statistics each group comes to.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "agreement-report.h"

#define assert_near(a, b) do {						\
	double	a_ = (a), b_ = (b);					\
									\
	if (fabs(a_ - b_) > 1e-9) {					\
		print_error("%.6f is not %.6f\n", a_, b_);		\
		fail();							\
	}								\
} while (0)

static struct queue_flag flags[] = {
	{ .type = (char []){ "toxicity/insult" } },
	{ .type = (char []){ "pii/email" } },
};
/* A model output with two flags, and one with none. */
static struct queue_item flagged = {
	.ext_id = (char []){ "mo-1" }, .kind = QUEUE_KIND_MODEL_OUTPUT,
	.text = (char []){ "You are an idiot." }, .flags = flags, .nflags = 2,
};
static struct queue_item plain = {
	.ext_id = (char []){ "mo-2" }, .kind = QUEUE_KIND_MODEL_OUTPUT,
	.text = (char []){ "Hello." },
};
/* "Anna lives in Paris": LOCATION [14, 19) proposed and accepted. */
static struct queue_span spans[] = {
	{ .entity_type = (char []){ "LOCATION" }, .start = 14, .end = 19,
	    .triage = (char []){ "accepted" } },
};
static struct queue_item anon = {
	.ext_id = (char []){ "an-1" }, .kind = QUEUE_KIND_ANONYMIZATION,
	.text = (char []){ "Anna lives in Paris" }, .spans = spans,
	.nspans = 1,
};

static struct agreement_report *
report(const char *by)
{
	struct agreement_report	*r = NULL;
	char			*cause = NULL;

	assert_int_equal(agreement_report_new(by, &r, &cause), 0);
	assert_null(cause);
	return (r);
}

/* A round of votes by reviewers names[i], action/payload pairs. */
static void
add(struct agreement_report *r, const struct queue_item *it, size_t n,
    const char *const *names, const char *const *actions,
    const char *const *payloads)
{
	struct queue_vote	 v[8];
	struct queue_round	 round;
	char			*cause = NULL;
	size_t			 i;

	assert_true(n <= 8);
	memset(v, 0, sizeof v);
	for (i = 0; i < n; i++) {
		v[i].id = (int64_t)i + 1;
		v[i].reviewer = names[i];
		v[i].action = actions[i];
		v[i].payload = payloads != NULL ? payloads[i] : NULL;
	}
	memset(&round, 0, sizeof round);
	round.item = it;
	round.sample = "overlap";
	round.votes = v;
	round.nvotes = n;
	if (agreement_report_add(r, &round, &cause) != 0) {
		print_error("%s\n", cause);
		free(cause);
		fail();
	}
}

static const char *const ana_bob[] = { "bob", "ana" };

static const struct queue_agreement_group *
group(const struct queue_agreement *a, const char *scope)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i].scope, scope) == 0)
			return (&a->groups[i]);
	print_error("no group %s\n", scope);
	fail();
	return (NULL);
}

static void
test_full_agreement(void **state)
{
	static const char *const correct[] = { "correct", "correct" };
	static const char *const approve[] = { "approve", "approve" };
	static const char *const same[] = {
		"{\"labels\":[\"insult\"],\"flags\":[{\"verdict\":"
		"\"confirmed\"},{\"verdict\":\"overturned\"}]}",
		"{\"labels\":[\"insult\"],\"flags\":[{\"verdict\":"
		"\"confirmed\"},{\"verdict\":\"overturned\"}],\"note\":\"x\"}",
	};
	struct agreement_report			*r = report(NULL);
	struct queue_agreement			 a;
	const struct queue_agreement_group	*g;

	(void)state;
	add(r, &flagged, 2, ana_bob, correct, same);
	add(r, &flagged, 2, ana_bob, approve, NULL);
	add(r, &anon, 2, ana_bob, approve, NULL);
	agreement_report_finish(r, &a);
	assert_int_equal(a.ngroups, 1);
	g = &a.groups[0];
	assert_string_equal(g->scope, "all");
	assert_int_equal(g->items, 3);
	/* action, label, 2 flags; action, 2 flags; action, span */
	assert_int_equal(g->units, 9);
	assert_int_equal(g->reviewers, 2);
	assert_true(g->has_percent);
	assert_near(g->percent, 1);
	assert_true(g->has_ac1);
	assert_near(g->ac1, 1);
	/* One pair, named in order. */
	assert_int_equal(g->npairs, 1);
	assert_string_equal(g->pairs[0].a, "ana");
	assert_string_equal(g->pairs[0].b, "bob");
	assert_int_equal(g->pairs[0].items, 9);
	assert_true(g->pairs[0].defined);
	assert_near(g->pairs[0].kappa, 1);
	/* Both approved the anonymization case: the same spans. */
	assert_int_equal(g->nf1, 2);
	assert_null(g->f1[0].entity_type);
	assert_int_equal(g->f1[0].pairs, 1);
	assert_near(g->f1[0].exact_f1, 1);
	assert_string_equal(g->f1[1].entity_type, "LOCATION");
	queue_agreement_done(&a);
	agreement_report_free(r);
}

/*
 * Cohen's example as Wikipedia gives it, on the action: 20 items both
 * corrected, 5 only the first, 10 only the second, 15 both approved: p_o
 * 0.7, p_e 0.5, kappa 0.4.
 */
static void
test_cohen_on_the_action(void **state)
{
	static const char *const cells[4][2] = {
		{ "correct", "correct" }, { "correct", "approve" },
		{ "approve", "correct" }, { "approve", "approve" },
	};
	static const size_t counts[4] = { 20, 5, 10, 15 };
	static const char *const names[] = { "ana", "bob" };
	struct agreement_report			*r = report("kind");
	struct queue_agreement			 a;
	const struct queue_agreement_group	*g;
	const char				*payloads[2];
	size_t					 c, i;

	(void)state;
	payloads[0] = payloads[1] = "{}";
	for (c = 0; c < 4; c++)
		for (i = 0; i < counts[c]; i++)
			add(r, &plain, 2, names, cells[c], payloads);
	agreement_report_finish(r, &a);
	g = &a.groups[0];
	assert_string_equal(g->scope, "all");
	assert_int_equal(g->items, 50);
	assert_int_equal(g->units, 50);
	assert_near(g->percent, 0.7);
	/* Two raters, nothing missing: Fleiss' is Scott's pi, 0.195/0.495. */
	assert_near(g->fleiss, 0.195 / 0.495);
	assert_int_equal(g->npairs, 1);
	assert_int_equal(g->pairs[0].items, 50);
	assert_true(g->pairs[0].defined);
	assert_near(g->pairs[0].kappa, 0.4);
	/* No span F1 where no anonymization case was decided. */
	assert_int_equal(g->nf1, 0);
	/* By kind: the one kind seen, the same. */
	assert_int_equal(a.ngroups, 2);
	g = group(&a, "kind:model_output");
	assert_int_equal(g->items, 50);
	assert_near(g->pairs[0].kappa, 0.4);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

static void
test_by_label(void **state)
{
	static const char *const correct[] = { "correct", "correct" };
	static const char *const one[] = {
		"{\"labels\":[\"toxic\",\"insult\"]}", "{\"labels\":[\"toxic\"]}",
	};
	static const char *const two[] = {
		"{\"labels\":[\"toxic\"]}", "{\"labels\":[\"toxic\"]}",
	};
	struct agreement_report			*r = report("label");
	struct queue_agreement			 a;
	const struct queue_agreement_group	*g;

	(void)state;
	add(r, &plain, 2, ana_bob, correct, one);
	add(r, &plain, 2, ana_bob, correct, two);
	agreement_report_finish(r, &a);
	/* "all" first, then by scope. */
	assert_int_equal(a.ngroups, 3);
	assert_string_equal(a.groups[0].scope, "all");
	assert_string_equal(a.groups[1].scope, "label:insult");
	assert_string_equal(a.groups[2].scope, "label:toxic");
	/* 2 actions, insult once, toxic twice: one disagreement in 5. */
	assert_int_equal(a.groups[0].units, 5);
	assert_near(a.groups[0].percent, 0.8);
	g = &a.groups[1];
	assert_int_equal(g->items, 1);
	assert_int_equal(g->units, 1);
	assert_near(g->percent, 0);
	g = &a.groups[2];
	assert_int_equal(g->items, 2);
	assert_int_equal(g->units, 2);
	assert_near(g->percent, 1);
	/* Every rating "present": no variation, kappa undefined. */
	assert_false(g->has_fleiss);
	assert_false(g->has_alpha);
	assert_int_equal(g->npairs, 1);
	assert_false(g->pairs[0].defined);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

static void
test_by_flag_and_reviewer(void **state)
{
	static const char *const three[] = { "cy", "ana", "bob" };
	static const char *const ana_cy[] = { "ana", "cy" };
	static const char *const acts3[] = { "correct", "correct", "approve" };
	static const char *const acts2[] = { "approve", "approve" };
	static const char *const pay3[] = {
		"{\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":"
		"\"confirmed\"}]}",
		"{\"flags\":[{\"verdict\":\"confirmed\"},{\"verdict\":"
		"\"overturned\"}]}",
		NULL,
	};
	struct agreement_report			*r;
	struct queue_agreement			 a;
	const struct queue_agreement_group	*g;

	(void)state;
	r = report("flag");
	add(r, &flagged, 3, three, acts3, pay3);
	add(r, &flagged, 2, ana_cy, acts2, NULL);
	agreement_report_finish(r, &a);
	assert_int_equal(a.ngroups, 3);
	assert_string_equal(a.groups[1].scope, "flag:pii/email");
	assert_string_equal(a.groups[2].scope, "flag:toxicity/insult");
	g = &a.groups[1];
	assert_int_equal(g->units, 2);
	assert_int_equal(g->reviewers, 3);
	/* Pairs by name; bob and cy shared one item only. */
	assert_int_equal(g->npairs, 3);
	assert_string_equal(g->pairs[0].a, "ana");
	assert_string_equal(g->pairs[0].b, "bob");
	assert_int_equal(g->pairs[0].items, 1);
	assert_string_equal(g->pairs[1].b, "cy");
	assert_int_equal(g->pairs[1].items, 2);
	assert_string_equal(g->pairs[2].a, "bob");
	assert_int_equal(g->pairs[2].items, 1);
	queue_agreement_done(&a);
	agreement_report_free(r);

	r = report("reviewer");
	add(r, &flagged, 3, three, acts3, pay3);
	add(r, &flagged, 2, ana_cy, acts2, NULL);
	agreement_report_finish(r, &a);
	assert_int_equal(a.ngroups, 4);
	g = group(&a, "reviewer:bob");
	/* The rounds bob voted in, with every rater of them. */
	assert_int_equal(g->items, 1);
	assert_int_equal(g->units, 3);
	assert_int_equal(g->reviewers, 3);
	g = group(&a, "reviewer:ana");
	assert_int_equal(g->items, 2);
	assert_int_equal(g->units, 6);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

/*
 * Span F1 on a constructed pair: both keep LOCATION [14, 19); one adds
 * PERSON [0, 4), the other PERSON [0, 3). Exact: 1 match of 2 + 2 spans,
 * 0.5; overlap: every span meets one of the other's, 1.
 */
static void
test_span_f1(void **state)
{
	static const char *const correct[] = { "correct", "correct" };
	static const char *const payloads[] = {
		"{\"spans\":[{\"verdict\":\"accepted\"}],\"added\":[{\"start\":"
		"0,\"end\":4,\"entity_type\":\"PERSON\"}]}",
		"{\"spans\":[{\"verdict\":\"accepted\"}],\"added\":[{\"start\":"
		"0,\"end\":3,\"entity_type\":\"PERSON\"}]}",
	};
	struct agreement_report			*r = report("entity_type");
	struct queue_agreement			 a;
	const struct queue_agreement_group	*g;

	(void)state;
	add(r, &anon, 2, ana_bob, correct, payloads);
	agreement_report_finish(r, &a);
	g = &a.groups[0];
	assert_int_equal(g->nf1, 3);
	assert_null(g->f1[0].entity_type);
	assert_int_equal(g->f1[0].a, 2);
	assert_int_equal(g->f1[0].b, 2);
	assert_int_equal(g->f1[0].exact, 1);
	assert_near(g->f1[0].exact_f1, 0.5);
	assert_near(g->f1[0].overlap_f1, 1);
	assert_string_equal(g->f1[1].entity_type, "LOCATION");
	assert_near(g->f1[1].exact_f1, 1);
	assert_string_equal(g->f1[2].entity_type, "PERSON");
	assert_near(g->f1[2].exact_f1, 0);
	assert_near(g->f1[2].overlap_f1, 1);
	/* Grouped by entity type: each type's F1 alone. */
	assert_int_equal(a.ngroups, 3);
	g = group(&a, "entity_type:LOCATION");
	assert_int_equal(g->units, 1);
	assert_int_equal(g->nf1, 1);
	assert_near(g->f1[0].exact_f1, 1);
	g = group(&a, "entity_type:PERSON");
	/* Proposed by none: no span unit, but its F1. */
	assert_int_equal(g->units, 0);
	assert_int_equal(g->items, 1);
	assert_false(g->has_percent);
	assert_near(g->f1[0].exact_f1, 0);
	assert_near(g->f1[0].overlap_f1, 1);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

/* A retype to another type is another answer. */
static void
test_retype_categories(void **state)
{
	static const char *const correct[] = { "correct", "correct" };
	static const char *const payloads[] = {
		"{\"spans\":[{\"verdict\":\"retyped\",\"entity_type\":"
		"\"CITY\"}]}",
		"{\"spans\":[{\"verdict\":\"retyped\",\"entity_type\":"
		"\"COUNTRY\"}]}",
	};
	struct agreement_report	*r = report(NULL);
	struct queue_agreement	 a;

	(void)state;
	add(r, &anon, 2, ana_bob, correct, payloads);
	agreement_report_finish(r, &a);
	/* The action agrees, the span does not. */
	assert_int_equal(a.groups[0].units, 2);
	assert_near(a.groups[0].percent, 0.5);
	assert_int_equal(a.groups[0].f1[0].exact, 0);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

static void
test_empty_and_errors(void **state)
{
	static const char *const names[] = { "ana", "bob" };
	static const char *const correct[] = { "correct", "correct" };
	static const char *const bad[] = { "{\"labels\":[]}", "{\"x\":1}" };
	struct agreement_report	*r = NULL;
	struct queue_agreement	 a;
	struct queue_vote	 v[2];
	struct queue_round	 round;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(agreement_report_new("labels", &r, &cause),
	    EX_USAGE);
	assert_null(r);
	assert_non_null(strstr(cause, "label, flag, entity_type, reviewer "
	    "or kind"));
	free(cause);
	cause = NULL;

	/* Nothing added: "all", with nothing defined. */
	r = report(NULL);
	agreement_report_finish(r, &a);
	assert_int_equal(a.ngroups, 1);
	assert_string_equal(a.groups[0].scope, "all");
	assert_int_equal(a.groups[0].items, 0);
	assert_int_equal(a.groups[0].units, 0);
	assert_false(a.groups[0].has_percent);
	assert_false(a.groups[0].has_fleiss);
	assert_false(a.groups[0].has_alpha);
	assert_false(a.groups[0].has_ac1);
	assert_int_equal(a.groups[0].npairs, 0);
	assert_int_equal(a.groups[0].nf1, 0);
	queue_agreement_done(&a);

	/* A vote that does not fit the item is named. */
	memset(v, 0, sizeof v);
	memset(&round, 0, sizeof round);
	v[0].id = 7;
	v[0].reviewer = names[0];
	v[0].action = correct[0];
	v[0].payload = bad[0];
	v[1].id = 8;
	v[1].reviewer = names[1];
	v[1].action = correct[1];
	v[1].payload = bad[1];
	round.item = &plain;
	round.votes = v;
	round.nvotes = 2;
	assert_int_equal(agreement_report_add(r, &round, &cause), EX_DATAERR);
	assert_non_null(strstr(cause, "item mo-2: decision 8 by bob"));
	free(cause);
	cause = NULL;
	/* One vote measures nothing. */
	round.nvotes = 1;
	assert_int_equal(agreement_report_add(r, &round, &cause), 0);
	agreement_report_finish(r, &a);
	assert_int_equal(a.groups[0].items, 0);
	queue_agreement_done(&a);
	agreement_report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_agreement),
		cmocka_unit_test(test_cohen_on_the_action),
		cmocka_unit_test(test_by_label),
		cmocka_unit_test(test_by_flag_and_reviewer),
		cmocka_unit_test(test_span_f1),
		cmocka_unit_test(test_retype_categories),
		cmocka_unit_test(test_empty_and_errors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
