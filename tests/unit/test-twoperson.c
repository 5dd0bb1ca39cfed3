/* Unit tests for the two-person rule's policy section and its matching. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "testutil.h"

static const char rule[] =
    "{\"severities\": [{\"id\": \"critical\", \"response_minutes\": 60},"
    " {\"id\": \"low\", \"response_minutes\": 600}],"
    " \"two_person\": {\"severities\": [\"critical\"],"
    " \"flag_types\": [\"toxicity\", \"self_harm\"],"
    " \"entity_types\": [\"PHONE_NUMBER\"]}}";

static struct policy *
parse_rule(void)
{
	struct policy	*p = NULL;
	char		*cause = NULL;

	if (policy_parse(rule, strlen(rule), &p, &cause) != 0) {
		print_error("unexpected failure: %s\n", cause);
		free(cause);
		fail();
	}
	return (p);
}

/* json is refused with a message that contains want. */
static void
refused(const char *json, const char *want)
{
	struct policy	*p = NULL;
	char		*cause = NULL;

	assert_int_equal(policy_parse(json, strlen(json), &p, &cause), -1);
	assert_null(p);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("message \"%s\" does not say \"%s\"\n", cause,
		    want);
		free(cause);
		fail();
	}
	free(cause);
}

static void
test_flag_type_matches(void **state)
{
	struct policy		*p = parse_rule();
	const char *const	 flags[] = { "hallucination", "self_harm" };
	const char		*what, *why;

	(void)state;
	assert_true(policy_two_person_matches(p, flags, 2, NULL, 0, NULL, 0,
	    &what, &why));
	assert_string_equal(what, "flag type");
	assert_string_equal(why, "self_harm");
	policy_free(p);
}

static void
test_flag_type_is_exact_not_a_prefix(void **state)
{
	struct policy		*p = parse_rule();
	const char *const	 flags[] = { "toxicity.insult", "toxic" };
	const char		*what, *why;

	(void)state;
	assert_false(policy_two_person_matches(p, flags, 2, NULL, 0, NULL, 0,
	    &what, &why));
	assert_null(what);
	assert_null(why);
	policy_free(p);
}

static void
test_entity_type_matches(void **state)
{
	struct policy		*p = parse_rule();
	const char *const	 spans[] = { "PERSON", "PHONE_NUMBER" };
	const char		*what, *why;

	(void)state;
	assert_true(policy_two_person_matches(p, NULL, 0, spans, 2, NULL, 0,
	    &what, &why));
	assert_string_equal(what, "entity type");
	assert_string_equal(why, "PHONE_NUMBER");
	policy_free(p);
}

static void
test_severity_on_record_matches(void **state)
{
	struct policy		*p = parse_rule();
	const char *const	 low[] = { "low" };
	const char *const	 both[] = { "low", "critical" };
	const char		*what, *why;

	(void)state;
	assert_false(policy_two_person_matches(p, NULL, 0, NULL, 0, low, 1,
	    &what, &why));
	assert_true(policy_two_person_matches(p, NULL, 0, NULL, 0, both, 2,
	    &what, &why));
	assert_string_equal(what, "severity");
	assert_string_equal(why, "critical");
	policy_free(p);
}

static void
test_no_section_matches_nothing(void **state)
{
	struct policy		*p = policy_default();
	const char *const	 flags[] = { "toxicity" };
	const char *const	 spans[] = { "PHONE_NUMBER" };
	const char		*what, *why;

	(void)state;
	assert_false(policy_two_person_matches(p, flags, 1, spans, 1, NULL, 0,
	    &what, &why));
	policy_free(p);
}

static void
test_bad_sections_are_refused(void **state)
{
	(void)state;
	refused("{\"two_person\": []}", "two_person");
	refused("{\"two_person\": {\"severities\": \"high\"}}",
	    "two_person.severities");
	refused("{\"two_person\": {\"flag_types\": [1]}}",
	    "two_person.flag_types[0]: expected a string");
	refused("{\"two_person\": {\"flag_type\": []}}", "flag_type");
	refused("{\"two_person\": {\"severities\": [\"urgent\"]}}",
	    "two_person.severities[0]: \"urgent\" is not one of the "
	    "policy's severities");
	refused("{\"two_person\": {\"entity_types\": [\"SSN\"]}}",
	    "two_person.entity_types[0]: \"SSN\" is not one of the "
	    "policy's entity types");
}

static void
test_section_round_trips(void **state)
{
	struct policy	*p = parse_rule(), *q = NULL;
	cJSON		*j;
	char		*text, *cause = NULL;
	const char	*what, *why;
	const char *const spans[] = { "PHONE_NUMBER" };

	(void)state;
	j = policy_to_json(p);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	assert_int_equal(policy_parse(text, strlen(text), &q, &cause), 0);
	assert_true(policy_two_person_matches(q, NULL, 0, spans, 1, NULL, 0,
	    &what, &why));
	assert_int_equal(q->two_person.nflag_types, 2);
	assert_int_equal(q->two_person.nseverities, 1);
	free(text);
	policy_free(p);
	policy_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_type_matches),
		cmocka_unit_test(test_flag_type_is_exact_not_a_prefix),
		cmocka_unit_test(test_entity_type_matches),
		cmocka_unit_test(test_severity_on_record_matches),
		cmocka_unit_test(test_no_section_matches_nothing),
		cmocka_unit_test(test_bad_sections_are_refused),
		cmocka_unit_test(test_section_round_trips),
	};

	return (cmocka_run_group_tests_name("twoperson", tests, NULL, NULL));
}
