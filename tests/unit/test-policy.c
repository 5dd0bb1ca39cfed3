/* Unit tests for parsing, validating and querying the triage policy. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "json.h"
#include "policy.h"
#include "testutil.h"
#include "xmalloc.h"

static struct policy *
parse_ok(const char *json)
{
	struct policy	*p = NULL;
	char		*cause = NULL;

	if (policy_parse(json, strlen(json), &p, &cause) != 0) {
		print_error("unexpected failure: %s\n", cause);
		free(cause);
		fail();
	}
	assert_null(cause);
	assert_non_null(p);
	return (p);
}

/* Parses json, expecting failure with exactly the message want. */
static void
assert_refused(const char *json, const char *want)
{
	struct policy	*p = (struct policy *)1;
	char		*cause = NULL;

	if (policy_parse(json, strlen(json), &p, &cause) == 0) {
		policy_free(p);
		print_error("accepted, expected \"%s\"\n", want);
		fail();
	}
	assert_null(p);
	assert_non_null(cause);
	if (strcmp(cause, want) != 0) {
		print_error("message \"%s\" is not \"%s\"\n", cause, want);
		free(cause);
		fail();
	}
	free(cause);
}

static char *
read_example(size_t *len)
{
	const char	*srcdir = getenv("SRCDIR");
	char		 path[1024], *buf;

	if (srcdir == NULL || *srcdir == '\0')
		srcdir = ".";
	snprintf(path, sizeof path, "%s/examples/policy.json", srcdir);
	buf = tu_read_file(path, len);
	if (buf == NULL) {
		print_error("cannot read %s\n", path);
		fail();
	}
	return (buf);
}

static void
test_empty_object_gives_the_defaults(void **state)
{
	struct policy	*p;

	(void)state;
	p = parse_ok("{}");
	assert_string_equal(p->name, "default");
	assert_int_equal(p->lease_seconds, 900);
	assert_int_equal(p->skip_to_end, 0);
	assert_int_equal(p->allow_reviewer_override, 0);
	assert_true(p->auto_accept == 0.85);
	assert_true(p->auto_reject == 0.30);
	assert_true(p->min_flag_score == 0.5);
	assert_true(p->spot_check_rate == 0.05);
	assert_true(p->default_weight == 1.0);
	assert_int_equal(p->default_role, POLICY_ROLE_REVIEWER);
	assert_int_equal(p->export_min_role, POLICY_ROLE_REVIEWER);
	assert_int_equal(p->nentity_types, 12);
	assert_true(policy_has_entity_type(p, "PERSON"));
	assert_true(policy_has_entity_type(p, "URL"));
	assert_int_equal(p->nlogins, 0);
	assert_int_equal(p->nteams, 0);
	assert_int_equal(p->nweights, 0);
	assert_int_equal(policy_role_of(p, "anyone"), POLICY_ROLE_REVIEWER);
	policy_free(p);
}

static void
test_builtin_default_matches_empty_object(void **state)
{
	struct policy	*a, *b;
	cJSON		*ja, *jb;
	char		*sa, *sb;

	(void)state;
	a = policy_default();
	b = parse_ok("{}");
	ja = policy_to_json(a);
	jb = policy_to_json(b);
	sa = json_print(ja);
	sb = json_print(jb);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	policy_free(a);
	policy_free(b);
}

static void
test_example_policy_parses(void **state)
{
	struct policy			*p;
	const struct policy_team	*t;
	char				*buf, *cause = NULL;
	size_t				 len;

	(void)state;
	buf = read_example(&len);
	assert_int_equal(policy_parse(buf, len, &p, &cause), 0);
	assert_null(cause);
	free(buf);
	assert_string_equal(p->name, "support-bot oversight (example)");
	assert_int_equal(p->lease_seconds, 900);
	assert_int_equal(p->skip_to_end, 1);
	assert_int_equal(p->allow_reviewer_override, 1);
	assert_int_equal(p->nlogins, 5);
	assert_int_equal(policy_role_of(p, "alice"), POLICY_ROLE_ADMIN);
	assert_int_equal(p->nentity_types, 12);
	assert_int_equal(p->nweights, 13);
	assert_true(policy_weight(p, "bias.age") == 3);
	assert_int_equal(p->nlabels, 10);
	assert_non_null(policy_find_entry(p->labels, p->nlabels, "ok"));
	assert_int_equal(p->nteams, 4);
	t = policy_find_team(p, "privacy");
	assert_non_null(t);
	assert_string_equal(t->name, "Privacy office");
	assert_int_equal(t->nmembers, 3);
	assert_true(policy_leads_team(p, "carol", "privacy"));
	assert_false(policy_leads_team(p, "bob", "privacy"));
	assert_int_equal(p->nreason_codes, 6);
	assert_int_equal(p->nseverities, 4);
	assert_int_equal(policy_find_severity(p, "high")->response_minutes,
	    240);
	assert_int_equal(p->export_min_role, POLICY_ROLE_REVIEWER);
	policy_free(p);
}

static void
test_auto_accept_out_of_range_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"anonymization\": {\"auto_accept\": 1.5}}",
	    "anonymization.auto_accept: 1.5 is out of range (0 to 1)");
	assert_refused("{\"anonymization\": {\"auto_accept\": -0.1}}",
	    "anonymization.auto_accept: -0.1 is out of range (0 to 1)");
	assert_refused("{\"anonymization\": {\"auto_accept\": \"high\"}}",
	    "anonymization.auto_accept: expected a number, got a string");
	assert_refused("{\"model_output\": {\"spot_check_rate\": 2}}",
	    "model_output.spot_check_rate: 2 is out of range (0 to 1)");
}

static void
test_auto_reject_above_auto_accept_is_refused(void **state)
{
	struct policy	*p;

	(void)state;
	assert_refused("{\"anonymization\": {\"auto_accept\": 0.6, "
	    "\"auto_reject\": 0.7}}",
	    "anonymization.auto_reject: 0.7 is above auto_accept 0.6");
	/* Against the default auto_accept 0.85. */
	assert_refused("{\"anonymization\": {\"auto_reject\": 0.9}}",
	    "anonymization.auto_reject: 0.9 is above auto_accept 0.85");
	/* Equal thresholds leave no ambiguous band, which is allowed. */
	p = parse_ok("{\"anonymization\": {\"auto_accept\": 0.5, "
	    "\"auto_reject\": 0.5}}");
	assert_true(p->auto_accept == 0.5);
	assert_true(p->auto_reject == 0.5);
	policy_free(p);
}

static void
test_unknown_top_level_field_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"lease_second\": 60}", "lease_second: unknown field");
}

static void
test_hooks_are_parsed_and_unknown_events_refused(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"hooks\": {\"erased\": \"logger erased\", "
	    "\"suspended\": {\"command\": \"x\", \"timeout_seconds\": 2}, "
	    "\"timeout_seconds\": 30, \"#\": \"a comment\"}}");
	assert_int_equal(p->hook_timeout, 30);
	assert_string_equal(policy_hook_of(p, "erased")->command,
	    "logger erased");
	assert_int_equal(policy_hook_of(p, "erased")->timeout_seconds, 0);
	assert_int_equal(policy_hook_of(p, "suspended")->timeout_seconds, 2);
	assert_null(policy_hook_of(p, "escalation_opened"));
	assert_null(policy_hook_of(p, "no_such_event"));
	policy_free(p);
	p = parse_ok("{}");
	assert_int_equal(p->hook_timeout, POLICY_HOOK_TIMEOUT);
	policy_free(p);
	assert_refused("{\"hooks\": {\"erase\": \"x\"}}",
	    "hooks.erase: unknown event (the events are escalation_opened, "
	    "escalation_overdue, reviewer_paused, suspended, erased, "
	    "timeout_seconds sets the default timeout); did you mean "
	    "\"erased\"?");
	assert_refused("{\"hooks\": {\"erased\": {\"cmd\": \"x\"}}}",
	    "hooks.erased.cmd: unknown field");
	assert_refused("{\"hooks\": {\"erased\": {}}}",
	    "hooks.erased.command: missing");
	assert_refused("{\"hooks\": {\"erased\": \"a\\nb\"}}",
	    "hooks.erased: the command holds a control character (byte 1)");
	assert_refused("{\"hooks\": {\"timeout_seconds\": 0}}",
	    "hooks.timeout_seconds: 0 would kill every hook at once (1 to "
	    "3600)");
	assert_refused("{\"hooks\": {\"timeout_seconds\": 3601}}",
	    "hooks.timeout_seconds: expected a whole number from 0 to 3600, "
	    "got 3601");
}

static void
test_unknown_nested_field_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"anonymization\": {\"auto_acept\": 0.9}}",
	    "anonymization.auto_acept: unknown field");
	assert_refused("{\"model_output\": {\"min_score\": 0.9}}",
	    "model_output.min_score: unknown field");
	assert_refused("{\"teams\": [{\"id\": \"a\"}, {\"id\": \"b\", "
	    "\"lead\": [\"x\"]}]}", "teams[1].lead: unknown field");
	assert_refused("{\"labels\": [{\"id\": \"a\", \"descr\": \"x\"}]}",
	    "labels[0].descr: unknown field");
	assert_refused("{\"exports\": {\"min_rol\": \"admin\"}}",
	    "exports.min_rol: unknown field");
}

static void
test_duplicate_team_id_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"teams\": [{\"id\": \"legal\"}, {\"id\": \"legal\", "
	    "\"name\": \"Legal 2\"}]}",
	    "teams[1].id: \"legal\" is listed twice");
	assert_refused("{\"teams\": [{\"name\": \"Legal\"}]}",
	    "teams[0].id: missing");
}

static void
test_duplicate_label_and_reason_ids_are_refused(void **state)
{
	(void)state;
	assert_refused("{\"labels\": [{\"id\": \"ok\"}, {\"id\": \"bias\"}, "
	    "{\"id\": \"ok\"}]}", "labels[2].id: \"ok\" is listed twice");
	assert_refused("{\"reason_codes\": [{\"id\": \"x\"}, {\"id\": \"x\"}]}",
	    "reason_codes[1].id: \"x\" is listed twice");
}

static void
test_severity_without_response_minutes_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"severities\": [{\"id\": \"critical\"}]}",
	    "severities[0].response_minutes: missing or 0");
	assert_refused("{\"severities\": [{\"id\": \"critical\", "
	    "\"response_minutes\": 0}]}",
	    "severities[0].response_minutes: missing or 0");
	assert_refused("{\"severities\": [{\"id\": \"low\", "
	    "\"response_minutes\": 1.5}]}",
	    "severities[0].response_minutes: expected a whole number from 0 "
	    "to 525600, got 1.5");
}

static void
test_role_that_is_not_a_role_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"roles\": {\"alice\": \"admin\", \"x\": \"boss\"}}",
	    "roles.x: expected \"reviewer\", \"lead\" or \"admin\"");
	assert_refused("{\"roles\": {\"x\": 3}}",
	    "roles.x: expected \"reviewer\", \"lead\" or \"admin\"");
	assert_refused("{\"roles\": {\"x\": \"none\"}}",
	    "roles.x: expected \"reviewer\", \"lead\" or \"admin\"");
	assert_refused("{\"default_role\": \"guest\"}",
	    "default_role: \"guest\" is not a role (reviewer, lead, admin or "
	    "null)");
	assert_refused("{\"exports\": {\"min_role\": \"boss\"}}",
	    "exports.min_role: \"boss\" is not a role (reviewer, lead or "
	    "admin)");
}

static void
test_lease_seconds_too_short_is_refused(void **state)
{
	struct policy	*p;

	(void)state;
	assert_refused("{\"lease_seconds\": 10}",
	    "lease_seconds: 10 is too short (at least 30)");
	assert_refused("{\"lease_seconds\": 86401}",
	    "lease_seconds: expected a whole number from 0 to 86400, got "
	    "86401");
	p = parse_ok("{\"lease_seconds\": 30}");
	assert_int_equal(p->lease_seconds, 30);
	policy_free(p);
}

static void
test_skip_requeue_bad_value_is_refused(void **state)
{
	struct policy	*p;

	(void)state;
	assert_refused("{\"skip_requeue\": \"start\"}",
	    "skip_requeue: \"start\" is neither \"in_place\" nor \"end\"");
	assert_refused("{\"skip_requeue\": true}",
	    "skip_requeue: expected a string, got a boolean");
	p = parse_ok("{\"skip_requeue\": \"in_place\"}");
	assert_int_equal(p->skip_to_end, 0);
	policy_free(p);
	p = parse_ok("{\"skip_requeue\": \"end\"}");
	assert_int_equal(p->skip_to_end, 1);
	policy_free(p);
}

static void
test_bad_weights_are_refused(void **state)
{
	(void)state;
	assert_refused("{\"weights\": {\"bias\": -1}}",
	    "weights.bias: expected a number from 0 to 1000000");
	assert_refused("{\"weights\": {\"bias\": \"3\"}}",
	    "weights.bias: expected a number from 0 to 1000000");
	assert_refused("{\"default_weight\": 2e6}",
	    "default_weight: 2e+06 is out of range (0 to 1e+06)");
}

static void
test_comment_keys_are_ignored_everywhere(void **state)
{
	struct policy	*p;

	(void)state;
	p = parse_ok("{\"#\": \"top\", \"#name\": 3, "
	    "\"anonymization\": {\"#auto_accept\": \"note\", "
	    "\"auto_accept\": 0.9}, "
	    "\"model_output\": {\"#x\": null}, "
	    "\"roles\": {\"#roles\": \"note\", \"alice\": \"admin\"}, "
	    "\"weights\": {\"#w\": \"note\", \"bias\": 2}, "
	    "\"labels\": [{\"#\": 1, \"id\": \"ok\"}], "
	    "\"teams\": [{\"#\": 1, \"id\": \"t\"}], "
	    "\"severities\": [{\"#\": 1, \"id\": \"s\", "
	    "\"response_minutes\": 5}], "
	    "\"exports\": {\"#\": 1}}");
	assert_true(p->auto_accept == 0.9);
	assert_int_equal(p->nlogins, 1);
	assert_string_equal(p->logins[0].login, "alice");
	assert_int_equal(p->nweights, 1);
	assert_string_equal(p->weights[0].category, "bias");
	assert_int_equal(p->nlabels, 1);
	assert_int_equal(p->nteams, 1);
	assert_int_equal(p->nseverities, 1);
	assert_string_equal(p->name, "default");
	policy_free(p);
}

static void
test_weight_uses_longest_dotted_prefix(void **state)
{
	struct policy	*p;

	(void)state;
	p = parse_ok("{\"weights\": {\"bias\": 3, \"bias.gender\": 4, "
	    "\"bias.gender.slur\": 6, \"PERSON\": 2}, "
	    "\"default_weight\": 0.5}");
	assert_true(policy_weight(p, "bias") == 3);
	assert_true(policy_weight(p, "bias.age") == 3);
	assert_true(policy_weight(p, "bias.gender") == 4);
	assert_true(policy_weight(p, "bias.gender.pronoun") == 4);
	assert_true(policy_weight(p, "bias.gender.slur") == 6);
	/* A prefix that is not a whole dotted component does not count. */
	assert_true(policy_weight(p, "biased") == 0.5);
	assert_true(policy_weight(p, "bias.genderless") == 3);
	assert_true(policy_weight(p, "bia") == 0.5);
	assert_true(policy_weight(p, "PERSON") == 2);
	assert_true(policy_weight(p, "person") == 0.5);
	assert_true(policy_weight(p, "toxicity") == 0.5);
	policy_free(p);
}

static void
test_role_of_listed_lead_unknown_and_none(void **state)
{
	struct policy	*p;

	(void)state;
	p = parse_ok("{\"roles\": {\"alice\": \"admin\", "
	    "\"bob\": \"reviewer\", \"dana\": \"reviewer\"}, "
	    "\"teams\": [{\"id\": \"legal\", "
	    "\"members\": [\"carol\", \"frank\"], "
	    "\"leads\": [\"carol\", \"dana\"]}]}");
	assert_int_equal(policy_role_of(p, "alice"), POLICY_ROLE_ADMIN);
	assert_int_equal(policy_role_of(p, "bob"), POLICY_ROLE_REVIEWER);
	/* Leads a team without being listed. */
	assert_int_equal(policy_role_of(p, "carol"), POLICY_ROLE_LEAD);
	/* Listed wins over leading a team. */
	assert_int_equal(policy_role_of(p, "dana"), POLICY_ROLE_REVIEWER);
	/* A member who is not a lead gets the default. */
	assert_int_equal(policy_role_of(p, "frank"), POLICY_ROLE_REVIEWER);
	assert_int_equal(policy_role_of(p, "mallory"), POLICY_ROLE_REVIEWER);
	assert_string_equal(policy_role_name(policy_role_of(p, "carol")),
	    "lead");
	policy_free(p);

	p = parse_ok("{\"default_role\": null, \"roles\": {\"alice\": "
	    "\"lead\"}}");
	assert_int_equal(p->default_role, POLICY_ROLE_NONE);
	assert_int_equal(policy_role_of(p, "alice"), POLICY_ROLE_LEAD);
	assert_int_equal(policy_role_of(p, "mallory"), POLICY_ROLE_NONE);
	assert_string_equal(policy_role_name(POLICY_ROLE_NONE), "none");
	policy_free(p);

	p = parse_ok("{\"default_role\": \"admin\"}");
	assert_int_equal(policy_role_of(p, "anyone"), POLICY_ROLE_ADMIN);
	policy_free(p);
}

/* policy_to_json, printed, parses back to the same policy. */
static void
assert_round_trips(const char *json, size_t len)
{
	struct policy	*p, *q;
	cJSON		*j1, *j2;
	char		*s1, *s2, *cause = NULL;

	assert_int_equal(policy_parse(json, len, &p, &cause), 0);
	j1 = policy_to_json(p);
	s1 = json_print(j1);
	if (policy_parse(s1, strlen(s1), &q, &cause) != 0) {
		print_error("round trip refused: %s\n%s\n", cause, s1);
		free(cause);
		fail();
	}
	j2 = policy_to_json(q);
	s2 = json_print(j2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	policy_free(p);
	policy_free(q);
}

static void
test_to_json_round_trips_through_parse(void **state)
{
	static const char	 custom[] = "{\"name\": \"x\", "
	    "\"lease_seconds\": 45, \"default_role\": null, "
	    "\"roles\": {\"a\": \"admin\"}, \"anonymization\": "
	    "{\"auto_accept\": 0.7, \"auto_reject\": 0.1, "
	    "\"entity_types\": [\"PERSON\"]}, \"model_output\": "
	    "{\"min_flag_score\": 0.25, \"spot_check_rate\": 0}, "
	    "\"weights\": {\"b.c\": 0.125}, \"default_weight\": 2, "
	    "\"exports\": {\"min_role\": \"admin\"}}";
	struct policy		*p, *q;
	cJSON			*j;
	char			*buf, *s, *cause = NULL;
	size_t			 len;

	(void)state;
	buf = read_example(&len);
	assert_round_trips(buf, len);
	free(buf);
	assert_round_trips("{}", 2);
	assert_round_trips("{\"hooks\": {\"erased\": \"x\", \"suspended\": "
	    "{\"command\": \"y\", \"timeout_seconds\": 5}}}", 79);
	assert_round_trips(custom, sizeof custom - 1);
	/* Found by fuzz-policy: an empty list came back as the default. */
	assert_round_trips("{\"anonymization\": {\"entity_types\": []}}",
	    39);

	/* The fields survive, not only the text. */
	p = parse_ok(custom);
	j = policy_to_json(p);
	s = json_print(j);
	assert_int_equal(policy_parse(s, strlen(s), &q, &cause), 0);
	assert_string_equal(q->name, "x");
	assert_int_equal(q->lease_seconds, 45);
	assert_int_equal(q->default_role, POLICY_ROLE_NONE);
	assert_int_equal(policy_role_of(q, "a"), POLICY_ROLE_ADMIN);
	assert_true(q->auto_accept == 0.7);
	assert_true(q->auto_reject == 0.1);
	assert_int_equal(q->nentity_types, 1);
	assert_true(q->min_flag_score == 0.25);
	assert_true(q->spot_check_rate == 0);
	assert_true(policy_weight(q, "b.c.d") == 0.125);
	assert_true(policy_weight(q, "z") == 2);
	assert_int_equal(q->export_min_role, POLICY_ROLE_ADMIN);
	free(s);
	cJSON_Delete(j);
	policy_free(p);
	policy_free(q);
}

/*
 * cJSON read "mallory\u00zz (disabled)" as "mallory": the role went to a
 * login other than the one written. The key is refused, naming its byte.
 */
static void
test_broken_escape_in_a_role_key_grants_nothing(void **state)
{
	(void)state;
	assert_refused("{\"roles\": {\"mallory\\u00zz (disabled)\": "
	    "\"admin\"}}", "invalid JSON at byte 20: \"\\u00zz\" is not an "
	    "escape: \\u must be followed by four hex digits (0-9, a-f)");
	assert_refused("{\"name\": \"p\\u00G0\"}",
	    "invalid JSON at byte 12: \"\\u00G0\" is not an escape: \\u must "
	    "be followed by four hex digits (0-9, a-f)");
}

/* Logins and ids that look like others are refused where they are. */
static void
test_ids_and_logins_follow_the_id_rule(void **state)
{
	(void)state;
	assert_refused("{\"roles\": {\"cafe\\u0301\": \"admin\"}}",
	    "roles.cafe\xcc\x81: not in Unicode normalization form C "
	    "(\"cafe\\u0301\"); its NFC spelling is \"caf\\u00e9\"");
	assert_refused("{\"roles\": {\"alice \": \"admin\"}}",
	    "roles.alice : ends with a space");
	assert_refused("{\"teams\": [{\"id\": \"legal\", \"leads\": "
	    "[\"bob\\u200b\"]}]}", "teams[0].leads[0]: contains a control or "
	    "invisible character at byte 4 (U+200B, a format character)");
	assert_refused("{\"teams\": [{\"id\": \"le\\u2800gal\"}]}",
	    "teams[0].id: contains a control or invisible character at byte 3 "
	    "(U+2800, a blank-looking character)");
	assert_refused("{\"labels\": [{\"id\": \" wrong\"}]}",
	    "labels[0].id: starts with a space");
	assert_refused("{\"reason_codes\": [{\"id\": \"x\\u3164\"}]}",
	    "reason_codes[0].id: contains a control or invisible character at "
	    "byte 2 (U+3164, a blank-looking character)");
	assert_refused("{\"severities\": [{\"id\": \"high\\ufe0f\", "
	    "\"response_minutes\": 5}]}", "severities[0].id: contains a "
	    "control or invisible character at byte 5 (U+FE0F, a "
	    "default-ignorable character)");
	assert_refused("{\"anonymization\": {\"entity_types\": "
	    "[\"PERSON\\u00a0\"]}}", "anonymization.entity_types[0]: contains "
	    "a control or invisible character at byte 7 (U+00A0, white space "
	    "other than a space)");
	assert_refused("{\"weights\": {\"bias\\u206a\": 2}}",
	    "weights.bias\xe2\x81\xaa: contains a control or invisible "
	    "character at byte 5 (U+206A, a format character)");
}

/*
 * The policy's name, its teams' names and the descriptions of labels and
 * reason codes are shown as they are: the same rule, descriptions longer.
 */
static void
test_names_and_descriptions_are_validated_like_ids(void **state)
{
	struct policy	*p;
	char		*json, desc[IDENT_TEXT_MAX + 2];

	(void)state;
	assert_refused("{\"name\": \"prod\\u202e\"}", "name: contains a "
	    "control or invisible character at byte 5 (U+202E, a format "
	    "character)");
	assert_refused("{\"name\": \"prod \"}", "name: ends with a space");
	assert_refused("{\"name\": \"\"}", "name: must not be empty");
	assert_refused("{\"teams\": [{\"id\": \"legal\", \"name\": "
	    "\"Legal\\u2028Team\"}]}", "teams[0].name: contains a control or "
	    "invisible character at byte 6 (U+2028, white space other than a "
	    "space)");
	assert_refused("{\"labels\": [{\"id\": \"tone\", \"description\": "
	    "\"Wrong tone\\n\"}]}", "labels[0].description: contains a control "
	    "or invisible character at byte 11 (U+000A, a control character)");
	assert_refused("{\"reason_codes\": [{\"id\": \"x\", \"description\": "
	    "\"\\u2800\"}]}", "reason_codes[0].description: contains a control "
	    "or invisible character at byte 1 (U+2800, a blank-looking "
	    "character)");
	assert_refused("{\"labels\": [{\"id\": \"tone\", \"description\": "
	    "\"Wrong tone \"}]}", "labels[0].description: ends with a space");
	/* Inner spaces and punctuation, an empty description: fine. */
	p = parse_ok("{\"name\": \"Prod policy (v2)\", \"labels\": [{\"id\": "
	    "\"tone\", \"description\": \"Wrong tone: rude, curt; or "
	    "\\\"off\\\".\"}, {\"id\": \"other\", \"description\": \"\"}]}");
	assert_string_equal(p->name, "Prod policy (v2)");
	policy_free(p);
	memset(desc, 'd', sizeof desc - 1);
	desc[sizeof desc - 1] = '\0';
	xasprintf(&json, "{\"labels\": [{\"id\": \"x\", \"description\": "
	    "\"%s\"}]}", desc);
	assert_refused(json, "labels[0].description: longer than 1024 bytes");
	free(json);
}

static void
test_invalid_json_is_refused(void **state)
{
	(void)state;
	assert_refused("[]", "expected a JSON object, got an array");
	assert_refused("{\"name\": \"a\", \"name\": \"b\"}",
	    "duplicate key \"name\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_object_gives_the_defaults),
		cmocka_unit_test(test_builtin_default_matches_empty_object),
		cmocka_unit_test(test_example_policy_parses),
		cmocka_unit_test(test_auto_accept_out_of_range_is_refused),
		cmocka_unit_test(test_auto_reject_above_auto_accept_is_refused),
		cmocka_unit_test(test_unknown_top_level_field_is_refused),
		cmocka_unit_test(test_unknown_nested_field_is_refused),
		cmocka_unit_test(
		    test_hooks_are_parsed_and_unknown_events_refused),
		cmocka_unit_test(test_duplicate_team_id_is_refused),
		cmocka_unit_test(
		    test_duplicate_label_and_reason_ids_are_refused),
		cmocka_unit_test(
		    test_severity_without_response_minutes_is_refused),
		cmocka_unit_test(test_role_that_is_not_a_role_is_refused),
		cmocka_unit_test(test_lease_seconds_too_short_is_refused),
		cmocka_unit_test(test_skip_requeue_bad_value_is_refused),
		cmocka_unit_test(test_bad_weights_are_refused),
		cmocka_unit_test(test_comment_keys_are_ignored_everywhere),
		cmocka_unit_test(test_weight_uses_longest_dotted_prefix),
		cmocka_unit_test(test_role_of_listed_lead_unknown_and_none),
		cmocka_unit_test(test_to_json_round_trips_through_parse),
		cmocka_unit_test(
		    test_broken_escape_in_a_role_key_grants_nothing),
		cmocka_unit_test(test_ids_and_logins_follow_the_id_rule),
		cmocka_unit_test(
		    test_names_and_descriptions_are_validated_like_ids),
		cmocka_unit_test(test_invalid_json_is_refused),
	};

	return (cmocka_run_group_tests_name("policy", tests, NULL, NULL));
}
