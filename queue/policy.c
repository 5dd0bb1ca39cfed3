/*
 * Parsing, validation and defaults of the triage policy, and the questions the
 * rest of hitl asks it (weights, roles, teams).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "json.h"
#include "policy.h"
#include "suggest.h"
#include "xmalloc.h"

static const char *const policy_default_entity_types[] = {
	"PERSON", "LOCATION", "NRP", "ORGANIZATION", "DATE_TIME",
	"PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "US_SSN",
	"IP_ADDRESS", "URL", NULL
};

/* By enum policy_hook_event; NULL-terminated for suggest_word. */
static const char *const policy_hook_names[] = {
	[POLICY_HOOK_ESCALATION_OPENED] = "escalation_opened",
	[POLICY_HOOK_ESCALATION_OVERDUE] = "escalation_overdue",
	[POLICY_HOOK_REVIEWER_PAUSED] = "reviewer_paused",
	[POLICY_HOOK_SUSPENDED] = "suspended",
	[POLICY_HOOK_ERASED] = "erased",
	[POLICY_NHOOKS] = NULL
};

static const char *const policy_role_names[] = {
	[POLICY_ROLE_NONE] = "none",
	[POLICY_ROLE_REVIEWER] = "reviewer",
	[POLICY_ROLE_LEAD] = "lead",
	[POLICY_ROLE_ADMIN] = "admin",
};

const char *
policy_role_name(enum policy_role role)
{
	return (policy_role_names[role]);
}

static int
policy_role_parse(const char *s, enum policy_role *role)
{
	enum policy_role r;

	for (r = POLICY_ROLE_REVIEWER; r <= POLICY_ROLE_ADMIN; r++) {
		if (strcmp(s, policy_role_names[r]) == 0) {
			*role = r;
			return (0);
		}
	}
	return (-1);
}

static struct policy *
policy_new(void)
{
	struct policy		*p;
	const char *const	*t;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup("default");
	p->lease_seconds = 900;
	p->undo_window_minutes = 1440;
	p->default_role = POLICY_ROLE_REVIEWER;
	p->auto_accept = 0.85;
	p->auto_reject = 0.30;
	for (t = policy_default_entity_types; *t != NULL; t++) {
		p->entity_types = xreallocarray(p->entity_types,
		    p->nentity_types + 1, sizeof *p->entity_types);
		p->entity_types[p->nentity_types++] = xstrdup(*t);
	}
	p->min_flag_score = 0.5;
	p->spot_check_rate = 0.05;
	p->target_precision = 0.9;
	p->overlap_reviewers = 2;
	p->min_gold_accuracy = 0.8;
	p->min_gold_items = 20;
	p->default_weight = 1.0;
	p->export_min_role = POLICY_ROLE_REVIEWER;
	p->export_unredacted_role = POLICY_ROLE_ADMIN;
	p->hook_timeout = POLICY_HOOK_TIMEOUT;
	p->erase_role = POLICY_ROLE_ADMIN;
	return (p);
}

struct policy *
policy_default(void)
{
	return (policy_new());
}

static void
policy_free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
policy_free_entries(struct policy_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].description);
	}
	free(e);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	for (i = 0; i < p->nlogins; i++)
		free(p->logins[i].login);
	free(p->logins);
	policy_free_strings(p->entity_types, p->nentity_types);
	free(p->purpose);
	policy_free_strings(p->categories, p->ncategories);
	for (i = 0; i < p->nweights; i++)
		free(p->weights[i].category);
	free(p->weights);
	policy_free_entries(p->labels, p->nlabels);
	for (i = 0; i < p->nteams; i++) {
		free(p->teams[i].id);
		free(p->teams[i].name);
		policy_free_strings(p->teams[i].members, p->teams[i].nmembers);
		policy_free_strings(p->teams[i].leads, p->teams[i].nleads);
	}
	free(p->teams);
	policy_free_entries(p->reason_codes, p->nreason_codes);
	for (i = 0; i < p->nseverities; i++)
		free(p->severities[i].id);
	free(p->severities);
	policy_free_strings(p->two_person.severities,
	    p->two_person.nseverities);
	policy_free_strings(p->two_person.flag_types,
	    p->two_person.nflag_types);
	policy_free_strings(p->two_person.entity_types,
	    p->two_person.nentity_types);
	for (i = 0; i < POLICY_NHOOKS; i++)
		free(p->hooks[i].command);
	free(p);
}

/* A number field within [lo, hi]; absent leaves *out at its default. */
static int
policy_number(const cJSON *obj, const char *path, const char *key, double lo,
    double hi, double *out, char **cause)
{
	double	d;
	int	rc;

	if ((rc = json_get_number(obj, path, key, &d, cause)) <= 0)
		return (rc);
	if (d < lo || d > hi) {
		xasprintf(cause, "%s%s%s: %g is out of range (%g to %g)",
		    path, *path != '\0' ? "." : "", key, d, lo, hi);
		return (-1);
	}
	*out = d;
	return (1);
}

/*
 * An id, login or name at path (ident.h says what one may hold); max is
 * IDENT_NAME_MAX, or IDENT_TEXT_MAX for descriptions.
 */
static int
policy_check_name(const char *s, const char *path, size_t max, char **cause)
{
	char *why;

	if (ident_check(s, max, &why) != 0) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		return (-1);
	}
	return (0);
}

static int
policy_check_id(const char *s, const char *path, char **cause)
{
	return (policy_check_name(s, path, IDENT_NAME_MAX, cause));
}

/* An array of strings; replaces *out. */
static int
policy_strings(const cJSON *obj, const char *path, const char *key,
    char ***out, size_t *nout, char **cause)
{
	const cJSON	*arr, *v;
	char		 where[256];
	size_t		 i = 0;
	int		 rc;

	if ((rc = json_get_array(obj, path, key, &arr, cause)) <= 0)
		return (rc);
	policy_free_strings(*out, *nout);
	*out = NULL;
	*nout = 0;
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "%s%s%s[%zu]", path,
		    *path != '\0' ? "." : "", key, i++);
		if (!cJSON_IsString(v)) {
			xasprintf(cause, "%s: expected a string, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		if (policy_check_id(v->valuestring, where, cause) != 0)
			return (-1);
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = xstrdup(v->valuestring);
	}
	return (1);
}

/*
 * An element of an array of objects that each carry a unique "id": checks
 * its shape and keys and returns the id; seen(id) says if it was listed.
 */
static int
policy_element(const cJSON *v, const char *where,
    const char *const *keys, int (*seen)(const struct policy *, const char *),
    const struct policy *p, const char **id, char **cause)
{
	char path[160];

	if (!cJSON_IsObject(v)) {
		xasprintf(cause, "%s: expected an object, got %s", where,
		    json_type_name(v));
		return (-1);
	}
	if (json_check_keys(v, where, keys, 1, cause) != 0)
		return (-1);
	*id = NULL;
	if (json_get_string(v, where, "id", id, cause) < 0)
		return (-1);
	if (*id == NULL) {
		xasprintf(cause, "%s.id: missing", where);
		return (-1);
	}
	snprintf(path, sizeof path, "%s.id", where);
	if (policy_check_id(*id, path, cause) != 0)
		return (-1);
	if (seen != NULL && seen(p, *id)) {
		xasprintf(cause, "%s.id: \"%s\" is listed twice", where, *id);
		return (-1);
	}
	return (0);
}

static int
policy_team_seen(const struct policy *p, const char *id)
{
	return (policy_find_team(p, id) != NULL);
}

static int
policy_severity_seen(const struct policy *p, const char *id)
{
	return (policy_find_severity(p, id) != NULL);
}

/* An array of {"id","description"} objects; ids unique. */
static int
policy_entries(const cJSON *obj, const char *key, struct policy_entry **out,
    size_t *nout, char **cause)
{
	static const char *const keys[] = { "id", "description", NULL };
	const cJSON	*arr, *v;
	const char	*id, *desc;
	char		 where[128], path[160];
	size_t		 i = 0, j;
	int		 rc;

	if ((rc = json_get_array(obj, "", key, &arr, cause)) <= 0)
		return (rc);
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "%s[%zu]", key, i++);
		desc = "";
		if (policy_element(v, where, keys, NULL, NULL, &id,
		    cause) != 0 ||
		    json_get_string(v, where, "description", &desc, cause) < 0)
			return (-1);
		/* Optional, so it may be empty; otherwise a name's rules. */
		snprintf(path, sizeof path, "%s.description", where);
		if (*desc != '\0' && policy_check_name(desc, path,
		    IDENT_TEXT_MAX, cause) != 0)
			return (-1);
		for (j = 0; j < *nout; j++) {
			if (strcmp((*out)[j].id, id) == 0) {
				xasprintf(cause, "%s.id: \"%s\" is listed "
				    "twice", where, id);
				return (-1);
			}
		}
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[*nout].id = xstrdup(id);
		(*out)[*nout].description = xstrdup(desc);
		(*nout)++;
	}
	return (1);
}

static int
policy_parse_teams(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = {
		"id", "name", "members", "leads", NULL
	};
	const cJSON		*arr, *v;
	struct policy_team	*t;
	const char		*id, *name;
	char			 where[64], path[80];
	size_t			 i = 0;
	int			 rc;

	if ((rc = json_get_array(root, "", "teams", &arr, cause)) <= 0)
		return (rc);
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "teams[%zu]", i++);
		if (policy_element(v, where, keys, policy_team_seen, p, &id,
		    cause) != 0)
			return (-1);
		name = id;
		if (json_get_string(v, where, "name", &name, cause) < 0)
			return (-1);
		snprintf(path, sizeof path, "%s.name", where);
		if (policy_check_name(name, path, IDENT_NAME_MAX, cause) != 0)
			return (-1);
		p->teams = xreallocarray(p->teams, p->nteams + 1,
		    sizeof *p->teams);
		t = &p->teams[p->nteams++];
		memset(t, 0, sizeof *t);
		t->id = xstrdup(id);
		t->name = xstrdup(name);
		if (policy_strings(v, where, "members", &t->members,
		    &t->nmembers, cause) < 0 ||
		    policy_strings(v, where, "leads", &t->leads, &t->nleads,
		    cause) < 0)
			return (-1);
	}
	return (1);
}

static int
policy_parse_severities(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = { "id", "response_minutes", NULL };
	const cJSON	*arr, *v;
	const char	*id;
	uint64_t	 minutes;
	char		 where[64];
	size_t		 i = 0;
	int		 rc;

	if ((rc = json_get_array(root, "", "severities", &arr, cause)) <= 0)
		return (rc);
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "severities[%zu]", i++);
		if (policy_element(v, where, keys, policy_severity_seen, p,
		    &id, cause) != 0)
			return (-1);
		minutes = 0;
		rc = json_get_uint(v, where, "response_minutes", 525600,
		    &minutes, cause);
		if (rc < 0)
			return (-1);
		if (rc == 0 || minutes == 0) {
			xasprintf(cause, "%s.response_minutes: missing or 0",
			    where);
			return (-1);
		}
		p->severities = xreallocarray(p->severities,
		    p->nseverities + 1, sizeof *p->severities);
		p->severities[p->nseverities].id = xstrdup(id);
		p->severities[p->nseverities].response_minutes = (int)minutes;
		p->nseverities++;
	}
	return (1);
}

static int
policy_parse_roles(const cJSON *root, struct policy *p, char **cause)
{
	const cJSON	*obj, *v;
	const char	*s = NULL;
	char		 where[192];
	int		 rc;

	if (cJSON_GetObjectItemCaseSensitive(root, "default_role") != NULL &&
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root,
	    "default_role")))
		p->default_role = POLICY_ROLE_NONE;
	else if ((rc = json_get_string(root, "", "default_role", &s,
	    cause)) < 0)
		return (-1);
	else if (rc > 0 && policy_role_parse(s, &p->default_role) != 0) {
		xasprintf(cause, "default_role: \"%s\" is not a role "
		    "(reviewer, lead, admin or null)", s);
		return (-1);
	}

	if ((rc = json_get_object(root, "", "roles", &obj, cause)) <= 0)
		return (rc);
	cJSON_ArrayForEach(v, obj) {
		if (v->string[0] == '#')
			continue;
		snprintf(where, sizeof where, "roles.%s", v->string);
		if (policy_check_id(v->string, where, cause) != 0)
			return (-1);
		p->logins = xreallocarray(p->logins, p->nlogins + 1,
		    sizeof *p->logins);
		if (!cJSON_IsString(v) ||
		    policy_role_parse(v->valuestring,
		    &p->logins[p->nlogins].role) != 0) {
			xasprintf(cause, "%s: expected \"reviewer\", \"lead\" "
			    "or \"admin\"", where);
			return (-1);
		}
		p->logins[p->nlogins++].login = xstrdup(v->string);
	}
	return (1);
}

static int
policy_parse_weights(const cJSON *root, struct policy *p, char **cause)
{
	const cJSON	*obj, *v;
	char		 where[192];
	int		 rc;

	if (policy_number(root, "", "default_weight", 0, 1e6,
	    &p->default_weight, cause) < 0)
		return (-1);
	if ((rc = json_get_object(root, "", "weights", &obj, cause)) <= 0)
		return (rc);
	cJSON_ArrayForEach(v, obj) {
		if (v->string[0] == '#')
			continue;
		snprintf(where, sizeof where, "weights.%s", v->string);
		if (policy_check_id(v->string, where, cause) != 0)
			return (-1);
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
		    v->valuedouble < 0 || v->valuedouble > 1e6) {
			xasprintf(cause, "%s: expected a number from 0 to "
			    "1000000", where);
			return (-1);
		}
		p->weights = xreallocarray(p->weights, p->nweights + 1,
		    sizeof *p->weights);
		p->weights[p->nweights].category = xstrdup(v->string);
		p->weights[p->nweights].weight = v->valuedouble;
		p->nweights++;
	}
	return (1);
}

static int
policy_parse_quality(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = {
		"overlap_rate", "overlap_reviewers", "gold_rate",
		"min_gold_accuracy", "min_gold_items", "audit_rate",
		"adjudication", NULL
	};
	const cJSON	*obj;
	const char	*s = NULL;
	uint64_t	 u;
	int		 rc;

	if ((rc = json_get_object(root, "", "quality", &obj, cause)) <= 0)
		return (rc);
	if (json_check_keys(obj, "quality", keys, 1, cause) != 0 ||
	    policy_number(obj, "quality", "overlap_rate", 0, 1,
	    &p->overlap_rate, cause) < 0 ||
	    policy_number(obj, "quality", "gold_rate", 0, 1, &p->gold_rate,
	    cause) < 0 ||
	    policy_number(obj, "quality", "min_gold_accuracy", 0, 1,
	    &p->min_gold_accuracy, cause) < 0 ||
	    policy_number(obj, "quality", "audit_rate", 0, 1,
	    &p->audit_rate, cause) < 0)
		return (-1);
	if ((rc = json_get_uint(obj, "quality", "overlap_reviewers", 9, &u,
	    cause)) < 0)
		return (-1);
	if (rc > 0 && u < 2) {
		xasprintf(cause, "quality.overlap_reviewers: %llu is too few "
		    "(2 to 9: a double review needs two reviewers)",
		    (unsigned long long)u);
		return (-1);
	}
	if (rc > 0)
		p->overlap_reviewers = (int)u;
	if ((rc = json_get_uint(obj, "quality", "min_gold_items", 100000, &u,
	    cause)) < 0)
		return (-1);
	if (rc > 0 && u < 1) {
		xasprintf(cause, "quality.min_gold_items: 0 would pause a "
		    "reviewer before any gold item is scored (at least 1)");
		return (-1);
	}
	if (rc > 0)
		p->min_gold_items = (int)u;
	if (p->overlap_rate + p->audit_rate > 1) {
		xasprintf(cause, "quality: overlap_rate %g and audit_rate %g "
		    "add up to more than every item", p->overlap_rate,
		    p->audit_rate);
		return (-1);
	}
	if (json_get_string(obj, "quality", "adjudication", &s, cause) < 0)
		return (-1);
	if (s != NULL && strcmp(s, "extra_reviewer") == 0)
		p->adjudication = POLICY_ADJUDICATE_EXTRA_REVIEWER;
	else if (s != NULL && strcmp(s, "lead") != 0) {
		xasprintf(cause, "quality.adjudication: \"%s\" is neither "
		    "\"lead\" nor \"extra_reviewer\"", s);
		return (-1);
	}
	return (0);
}

/*
 * two_person: what needs a second reviewer. Severities must be the
 * policy's (parsed before), entity types its taxonomy's; flag types are
 * the producers' and only need to be ids.
 */
static int
policy_parse_two_person(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = {
		"severities", "flag_types", "entity_types", NULL
	};
	struct policy_two_person	*t = &p->two_person;
	const cJSON			*obj;
	size_t				 i;
	int				 rc;

	if ((rc = json_get_object(root, "", "two_person", &obj, cause)) <= 0)
		return (rc);
	if (json_check_keys(obj, "two_person", keys, 1, cause) != 0 ||
	    policy_strings(obj, "two_person", "severities", &t->severities,
	    &t->nseverities, cause) < 0 ||
	    policy_strings(obj, "two_person", "flag_types", &t->flag_types,
	    &t->nflag_types, cause) < 0 ||
	    policy_strings(obj, "two_person", "entity_types",
	    &t->entity_types, &t->nentity_types, cause) < 0)
		return (-1);
	for (i = 0; i < t->nseverities; i++) {
		if (policy_find_severity(p, t->severities[i]) == NULL) {
			xasprintf(cause, "two_person.severities[%zu]: \"%s\" "
			    "is not one of the policy's severities", i,
			    t->severities[i]);
			return (-1);
		}
	}
	for (i = 0; i < t->nentity_types; i++) {
		if (!policy_has_entity_type(p, t->entity_types[i])) {
			xasprintf(cause, "two_person.entity_types[%zu]: \"%s\" "
			    "is not one of the policy's entity types", i,
			    t->entity_types[i]);
			return (-1);
		}
	}
	return (0);
}

static int
policy_listed(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (1);
	return (0);
}

int
policy_two_person_matches(const struct policy *p,
    const char *const *flag_types, size_t nflags,
    const char *const *entity_types, size_t nspans,
    const char *const *severities, size_t nseverities, const char **what,
    const char **why)
{
	const struct policy_two_person	*t = &p->two_person;
	size_t				 i;

	*what = *why = NULL;
	for (i = 0; i < nflags; i++) {
		if (policy_listed(t->flag_types, t->nflag_types,
		    flag_types[i])) {
			*what = "flag type";
			*why = flag_types[i];
			return (1);
		}
	}
	for (i = 0; i < nspans; i++) {
		if (policy_listed(t->entity_types, t->nentity_types,
		    entity_types[i])) {
			*what = "entity type";
			*why = entity_types[i];
			return (1);
		}
	}
	for (i = 0; i < nseverities; i++) {
		if (policy_listed(t->severities, t->nseverities,
		    severities[i])) {
			*what = "severity";
			*why = severities[i];
			return (1);
		}
	}
	return (0);
}

/* A hook's timeout at path: 1 to POLICY_HOOK_TIMEOUT_MAX seconds. */
static int
policy_hook_timeout(const cJSON *obj, const char *path, int *out,
    char **cause)
{
	uint64_t	u;
	int		rc;

	if ((rc = json_get_uint(obj, path, "timeout_seconds",
	    POLICY_HOOK_TIMEOUT_MAX, &u, cause)) <= 0)
		return (rc);
	if (u < 1) {
		xasprintf(cause, "%s.timeout_seconds: 0 would kill every hook "
		    "at once (1 to %d)", path, POLICY_HOOK_TIMEOUT_MAX);
		return (-1);
	}
	*out = (int)u;
	return (1);
}

/*
 * One event's hook: its command, or {"command": ..., "timeout_seconds":
 * N}. The command is run by /bin/sh -c: any text but control characters
 * (a tab aside), which would not show in policy show or a warning.
 */
static int
policy_parse_hook(const cJSON *v, const char *name, struct policy_hook *h,
    char **cause)
{
	static const char *const keys[] = {
		"command", "timeout_seconds", NULL
	};
	const char	*cmd = NULL;
	char		 path[64];
	size_t		 i, len;

	snprintf(path, sizeof path, "hooks.%s", name);
	if (cJSON_IsString(v))
		cmd = v->valuestring;
	else if (cJSON_IsObject(v)) {
		if (json_check_keys(v, path, keys, 1, cause) != 0 ||
		    json_get_string(v, path, "command", &cmd, cause) < 0 ||
		    policy_hook_timeout(v, path, &h->timeout_seconds,
		    cause) < 0)
			return (-1);
		if (cmd == NULL) {
			xasprintf(cause, "%s.command: missing", path);
			return (-1);
		}
	} else {
		xasprintf(cause, "%s: expected a command (a string) or an "
		    "object with \"command\", got %s", path,
		    json_type_name(v));
		return (-1);
	}
	len = strlen(cmd);
	if (len == 0 || len > POLICY_HOOK_COMMAND_MAX) {
		xasprintf(cause, "%s: a command of 1 to %d bytes, not %zu",
		    path, POLICY_HOOK_COMMAND_MAX, len);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if (((unsigned char)cmd[i] < 0x20 && cmd[i] != '\t') ||
		    cmd[i] == 0x7f) {
			xasprintf(cause, "%s: the command holds a control "
			    "character (byte %zu)", path, i);
			return (-1);
		}
	}
	h->command = xstrdup(cmd);
	return (0);
}

/*
 * "hooks": {"EVENT": hook, ..., "timeout_seconds": N}. An unknown event is
 * refused by name, with the events there are.
 */
static int
policy_parse_hooks(const cJSON *root, struct policy *p, char **cause)
{
	const cJSON	*obj, *c;
	const char	*near;
	char		*list = NULL, *was;
	int		 rc, i;

	if ((rc = json_get_object(root, "", "hooks", &obj, cause)) <= 0)
		return (rc);
	if (policy_hook_timeout(obj, "hooks", &p->hook_timeout, cause) < 0)
		return (-1);
	for (c = obj->child; c != NULL; c = c->next) {
		if (c->string[0] == '#' ||
		    strcmp(c->string, "timeout_seconds") == 0)
			continue;
		if ((i = policy_hook_find(c->string)) != -1) {
			if (policy_parse_hook(c, c->string, &p->hooks[i],
			    cause) != 0)
				return (-1);
			continue;
		}
		list = xstrdup("");
		for (i = 0; i < POLICY_NHOOKS; i++) {
			was = list;
			xasprintf(&list, "%s%s, ", was, policy_hook_names[i]);
			free(was);
		}
		near = suggest_word(c->string, policy_hook_names);
		xasprintf(cause, "hooks.%s: unknown event (the events are "
		    "%stimeout_seconds sets the default timeout)%s%s%s",
		    c->string, list, near != NULL ? "; did you mean \"" : "",
		    near != NULL ? near : "", near != NULL ? "\"?" : "");
		free(list);
		return (-1);
	}
	return (1);
}

static int
policy_parse_privacy(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = {
		"mask", "reveal_reason", "purpose", "categories", "erase_role",
		NULL
	};
	const cJSON	*obj;
	const char	*s = NULL;
	int		 rc;

	if ((rc = json_get_object(root, "", "privacy", &obj, cause)) <= 0)
		return (rc);
	if (json_check_keys(obj, "privacy", keys, 1, cause) != 0 ||
	    json_get_string(obj, "privacy", "mask", &s, cause) < 0)
		return (-1);
	if (s != NULL && strcmp(s, "none") == 0)
		p->mask_none = 1;
	else if (s != NULL && strcmp(s, "entities") != 0) {
		xasprintf(cause, "privacy.mask: \"%s\" is neither "
		    "\"entities\" nor \"none\"", s);
		return (-1);
	}
	if (json_get_bool(obj, "privacy", "reveal_reason",
	    &p->reveal_reason, cause) < 0)
		return (-1);
	s = NULL;
	if (json_get_string(obj, "privacy", "purpose", &s, cause) < 0 ||
	    (s != NULL && policy_check_name(s, "privacy.purpose",
	    IDENT_TEXT_MAX, cause) != 0))
		return (-1);
	if (s != NULL)
		p->purpose = xstrdup(s);
	if (policy_strings(obj, "privacy", "categories", &p->categories,
	    &p->ncategories, cause) < 0)
		return (-1);
	s = NULL;
	if (json_get_string(obj, "privacy", "erase_role", &s, cause) < 0)
		return (-1);
	if (s != NULL && (policy_role_parse(s, &p->erase_role) != 0 ||
	    p->erase_role < POLICY_ROLE_LEAD)) {
		xasprintf(cause, "privacy.erase_role: \"%s\" is not lead or "
		    "admin", s);
		return (-1);
	}
	return (1);
}

static int
policy_parse_retention(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = {
		"content_days", "audit_days", NULL
	};
	const cJSON	*obj;
	uint64_t	 u;
	int		 rc;

	if ((rc = json_get_object(root, "", "retention", &obj, cause)) < 0)
		return (-1);
	if (rc > 0) {
		if (json_check_keys(obj, "retention", keys, 1, cause) != 0 ||
		    (rc = json_get_uint(obj, "retention", "content_days",
		    36500, &u, cause)) < 0)
			return (-1);
		if (rc > 0 && u < 1) {
			xasprintf(cause, "retention.content_days: 0 would purge "
			    "an item as soon as it is decided (at least 1; "
			    "leave it out to keep content)");
			return (-1);
		}
		if (rc > 0)
			p->content_days = (int)u;
		if ((rc = json_get_uint(obj, "retention", "audit_days", 36500,
		    &u, cause)) < 0)
			return (-1);
		if (rc > 0 && u < POLICY_MIN_AUDIT_DAYS) {
			xasprintf(cause, "retention.audit_days: %llu is below "
			    "%d days, the EU AI Act's minimum for keeping "
			    "automatically generated logs (six months, Art. 19 "
			    "and 26(6))", (unsigned long long)u,
			    POLICY_MIN_AUDIT_DAYS);
			return (-1);
		}
		if (rc > 0)
			p->audit_days = (int)u;
	}
	return (0);
}

/* feedback: what hitl detectors measures the detectors against. */
static int
policy_parse_feedback(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const keys[] = { "target_precision", NULL };
	const cJSON	*obj;
	int		 rc;

	if ((rc = json_get_object(root, "", "feedback", &obj, cause)) <= 0)
		return (rc);
	if (json_check_keys(obj, "feedback", keys, 1, cause) != 0)
		return (-1);
	return (policy_number(obj, "feedback", "target_precision", 0.5, 1,
	    &p->target_precision, cause) < 0 ? -1 : 0);
}

static int
policy_parse_sections(const cJSON *root, struct policy *p, char **cause)
{
	static const char *const anon_keys[] = {
		"auto_accept", "auto_reject", "entity_types", NULL
	};
	static const char *const output_keys[] = {
		"min_flag_score", "spot_check_rate", NULL
	};
	static const char *const export_keys[] = {
		"min_role", "unredacted_role", NULL
	};
	const cJSON	*obj;
	const char	*s;
	int		 rc;

	if ((rc = json_get_object(root, "", "anonymization", &obj,
	    cause)) < 0)
		return (-1);
	if (rc > 0) {
		if (json_check_keys(obj, "anonymization", anon_keys, 1,
		    cause) != 0 ||
		    policy_number(obj, "anonymization", "auto_accept", 0, 1,
		    &p->auto_accept, cause) < 0 ||
		    policy_number(obj, "anonymization", "auto_reject", 0, 1,
		    &p->auto_reject, cause) < 0 ||
		    policy_strings(obj, "anonymization", "entity_types",
		    &p->entity_types, &p->nentity_types, cause) < 0)
			return (-1);
		if (p->auto_reject > p->auto_accept) {
			xasprintf(cause, "anonymization.auto_reject: %g is "
			    "above auto_accept %g", p->auto_reject,
			    p->auto_accept);
			return (-1);
		}
	}
	if ((rc = json_get_object(root, "", "model_output", &obj, cause)) < 0)
		return (-1);
	if (rc > 0) {
		if (json_check_keys(obj, "model_output", output_keys, 1,
		    cause) != 0 ||
		    policy_number(obj, "model_output", "min_flag_score", 0, 1,
		    &p->min_flag_score, cause) < 0 ||
		    policy_number(obj, "model_output", "spot_check_rate", 0, 1,
		    &p->spot_check_rate, cause) < 0)
			return (-1);
	}
	if ((rc = json_get_object(root, "", "exports", &obj, cause)) < 0)
		return (-1);
	if (rc > 0) {
		if (json_check_keys(obj, "exports", export_keys, 1,
		    cause) != 0)
			return (-1);
		s = NULL;
		if (json_get_string(obj, "exports", "min_role", &s, cause) < 0)
			return (-1);
		if (s != NULL && policy_role_parse(s, &p->export_min_role)) {
			xasprintf(cause, "exports.min_role: \"%s\" is not a "
			    "role (reviewer, lead or admin)", s);
			return (-1);
		}
		s = NULL;
		if (json_get_string(obj, "exports", "unredacted_role", &s,
		    cause) < 0)
			return (-1);
		if (s != NULL && policy_role_parse(s,
		    &p->export_unredacted_role)) {
			xasprintf(cause, "exports.unredacted_role: \"%s\" is "
			    "not a role (reviewer, lead or admin)", s);
			return (-1);
		}
	}
	if (policy_parse_privacy(root, p, cause) < 0 ||
	    policy_parse_retention(root, p, cause) < 0 ||
	    policy_parse_feedback(root, p, cause) < 0)
		return (-1);
	return (policy_parse_quality(root, p, cause));
}

int
policy_parse(const char *json, size_t len, struct policy **out, char **cause)
{
	static const char *const keys[] = {
		"name", "lease_seconds", "undo_window_minutes", "skip_requeue",
		"allow_reviewer_override", "allow_clock_override",
		"default_role", "roles",
		"anonymization", "model_output", "weights", "default_weight",
		"labels", "teams", "reason_codes", "severities", "exports",
		"quality", "two_person", "hooks", "privacy", "retention",
		"feedback", NULL
	};
	cJSON		*root = NULL;
	struct policy	*p;
	const char	*s;
	uint64_t	 u;
	char		*why = NULL;
	int		 rc = -1;

	*out = NULL;
	p = policy_new();
	if (json_parse_strict(json, len, &root, &why) != 0) {
		xasprintf(cause, "%s", why);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		xasprintf(cause, "expected a JSON object, got %s",
		    json_type_name(root));
		goto out;
	}
	if (json_check_keys(root, "", keys, 1, cause) != 0)
		goto out;

	s = NULL;
	if (json_get_string(root, "", "name", &s, cause) < 0 ||
	    (s != NULL && policy_check_id(s, "name", cause) != 0))
		goto out;
	if (s != NULL) {
		free(p->name);
		p->name = xstrdup(s);
	}
	if ((rc = json_get_uint(root, "", "lease_seconds", 86400, &u,
	    cause)) < 0)
		goto out;
	if (rc > 0) {
		if (u < 30) {
			xasprintf(cause, "lease_seconds: %llu is too short "
			    "(at least 30)", (unsigned long long)u);
			rc = -1;
			goto out;
		}
		p->lease_seconds = (int)u;
	}
	/* A week: past it, a lead's reopen is the way back. */
	if ((rc = json_get_uint(root, "", "undo_window_minutes", 10080, &u,
	    cause)) < 0)
		goto out;
	if (rc > 0)
		p->undo_window_minutes = (int)u;
	rc = -1;
	s = NULL;
	if (json_get_string(root, "", "skip_requeue", &s, cause) < 0)
		goto out;
	if (s != NULL) {
		if (strcmp(s, "end") == 0)
			p->skip_to_end = 1;
		else if (strcmp(s, "in_place") != 0) {
			xasprintf(cause, "skip_requeue: \"%s\" is neither "
			    "\"in_place\" nor \"end\"", s);
			goto out;
		}
	}
	if (json_get_bool(root, "", "allow_reviewer_override",
	    &p->allow_reviewer_override, cause) < 0 ||
	    json_get_bool(root, "", "allow_clock_override",
	    &p->allow_clock_override, cause) < 0)
		goto out;
	if (policy_parse_roles(root, p, cause) < 0 ||
	    policy_parse_sections(root, p, cause) < 0 ||
	    policy_parse_weights(root, p, cause) < 0 ||
	    policy_entries(root, "labels", &p->labels, &p->nlabels,
	    cause) < 0 ||
	    policy_entries(root, "reason_codes", &p->reason_codes,
	    &p->nreason_codes, cause) < 0 ||
	    policy_parse_teams(root, p, cause) < 0 ||
	    policy_parse_severities(root, p, cause) < 0 ||
	    policy_parse_two_person(root, p, cause) < 0 ||
	    policy_parse_hooks(root, p, cause) < 0)
		goto out;
	rc = 0;

out:
	free(why);
	cJSON_Delete(root);
	if (rc != 0)
		policy_free(p);
	else
		*out = p;
	return (rc);
}

static cJSON *
policy_entries_json(const struct policy_entry *e, size_t n)
{
	cJSON	*arr, *o;
	size_t	 i;

	arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", e[i].id);
		cJSON_AddStringToObject(o, "description", e[i].description);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}

static cJSON *
policy_strings_json(char *const *v, size_t n)
{
	/* cJSON makes no array of no strings: an empty list stays one. */
	if (n == 0)
		return (cJSON_CreateArray());
	return (cJSON_CreateStringArray((const char *const *)v, (int)n));
}

cJSON *
policy_to_json(const struct policy *p)
{
	cJSON	*root, *o, *t;
	size_t	 i;

	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "name", p->name);
	cJSON_AddNumberToObject(root, "lease_seconds", p->lease_seconds);
	cJSON_AddNumberToObject(root, "undo_window_minutes",
	    p->undo_window_minutes);
	cJSON_AddStringToObject(root, "skip_requeue",
	    p->skip_to_end ? "end" : "in_place");
	cJSON_AddBoolToObject(root, "allow_reviewer_override",
	    p->allow_reviewer_override);
	cJSON_AddBoolToObject(root, "allow_clock_override",
	    p->allow_clock_override);
	if (p->default_role == POLICY_ROLE_NONE)
		cJSON_AddNullToObject(root, "default_role");
	else
		cJSON_AddStringToObject(root, "default_role",
		    policy_role_name(p->default_role));
	o = cJSON_AddObjectToObject(root, "roles");
	for (i = 0; i < p->nlogins; i++)
		cJSON_AddStringToObject(o, p->logins[i].login,
		    policy_role_name(p->logins[i].role));
	o = cJSON_AddObjectToObject(root, "anonymization");
	cJSON_AddNumberToObject(o, "auto_accept", p->auto_accept);
	cJSON_AddNumberToObject(o, "auto_reject", p->auto_reject);
	cJSON_AddItemToObject(o, "entity_types",
	    policy_strings_json(p->entity_types, p->nentity_types));
	o = cJSON_AddObjectToObject(root, "model_output");
	cJSON_AddNumberToObject(o, "min_flag_score", p->min_flag_score);
	cJSON_AddNumberToObject(o, "spot_check_rate", p->spot_check_rate);
	o = cJSON_AddObjectToObject(root, "weights");
	for (i = 0; i < p->nweights; i++)
		cJSON_AddNumberToObject(o, p->weights[i].category,
		    p->weights[i].weight);
	cJSON_AddNumberToObject(root, "default_weight", p->default_weight);
	cJSON_AddItemToObject(root, "labels",
	    policy_entries_json(p->labels, p->nlabels));
	o = cJSON_AddArrayToObject(root, "teams");
	for (i = 0; i < p->nteams; i++) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "id", p->teams[i].id);
		cJSON_AddStringToObject(t, "name", p->teams[i].name);
		cJSON_AddItemToObject(t, "members", policy_strings_json(
		    p->teams[i].members, p->teams[i].nmembers));
		cJSON_AddItemToObject(t, "leads", policy_strings_json(
		    p->teams[i].leads, p->teams[i].nleads));
		cJSON_AddItemToArray(o, t);
	}
	cJSON_AddItemToObject(root, "reason_codes",
	    policy_entries_json(p->reason_codes, p->nreason_codes));
	o = cJSON_AddArrayToObject(root, "severities");
	for (i = 0; i < p->nseverities; i++) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "id", p->severities[i].id);
		cJSON_AddNumberToObject(t, "response_minutes",
		    p->severities[i].response_minutes);
		cJSON_AddItemToArray(o, t);
	}
	o = cJSON_AddObjectToObject(root, "quality");
	cJSON_AddNumberToObject(o, "overlap_rate", p->overlap_rate);
	cJSON_AddNumberToObject(o, "overlap_reviewers", p->overlap_reviewers);
	cJSON_AddNumberToObject(o, "gold_rate", p->gold_rate);
	cJSON_AddNumberToObject(o, "min_gold_accuracy", p->min_gold_accuracy);
	cJSON_AddNumberToObject(o, "min_gold_items", p->min_gold_items);
	cJSON_AddNumberToObject(o, "audit_rate", p->audit_rate);
	cJSON_AddStringToObject(o, "adjudication", p->adjudication ==
	    POLICY_ADJUDICATE_LEAD ? "lead" : "extra_reviewer");
	o = cJSON_AddObjectToObject(root, "privacy");
	cJSON_AddStringToObject(o, "mask", p->mask_none ? "none" : "entities");
	cJSON_AddBoolToObject(o, "reveal_reason", p->reveal_reason);
	/* Absent rather than null: the copy parses this JSON again. */
	if (p->purpose != NULL)
		cJSON_AddStringToObject(o, "purpose", p->purpose);
	cJSON_AddItemToObject(o, "categories",
	    policy_strings_json(p->categories, p->ncategories));
	cJSON_AddStringToObject(o, "erase_role",
	    policy_role_name(p->erase_role));
	o = cJSON_AddObjectToObject(root, "two_person");
	cJSON_AddItemToObject(o, "severities", policy_strings_json(
	    p->two_person.severities, p->two_person.nseverities));
	cJSON_AddItemToObject(o, "flag_types", policy_strings_json(
	    p->two_person.flag_types, p->two_person.nflag_types));
	cJSON_AddItemToObject(o, "entity_types", policy_strings_json(
	    p->two_person.entity_types, p->two_person.nentity_types));
	o = cJSON_AddObjectToObject(root, "exports");
	cJSON_AddStringToObject(o, "min_role",
	    policy_role_name(p->export_min_role));
	cJSON_AddStringToObject(o, "unredacted_role",
	    policy_role_name(p->export_unredacted_role));
	o = cJSON_AddObjectToObject(root, "hooks");
	cJSON_AddNumberToObject(o, "timeout_seconds", p->hook_timeout);
	for (i = 0; i < POLICY_NHOOKS; i++) {
		if (p->hooks[i].command == NULL)
			continue;
		t = cJSON_AddObjectToObject(o, policy_hook_names[i]);
		cJSON_AddStringToObject(t, "command", p->hooks[i].command);
		if (p->hooks[i].timeout_seconds != 0)
			cJSON_AddNumberToObject(t, "timeout_seconds",
			    p->hooks[i].timeout_seconds);
	}
	/* Only when set: a policy without them reads as it did. */
	if (p->content_days > 0 || p->audit_days > 0) {
		o = cJSON_AddObjectToObject(root, "retention");
		if (p->content_days > 0)
			cJSON_AddNumberToObject(o, "content_days",
			    p->content_days);
		if (p->audit_days > 0)
			cJSON_AddNumberToObject(o, "audit_days",
			    p->audit_days);
	}
	if (p->target_precision < 0.9 || p->target_precision > 0.9) {
		o = cJSON_AddObjectToObject(root, "feedback");
		cJSON_AddNumberToObject(o, "target_precision",
		    p->target_precision);
	}
	return (root);
}

double
policy_weight(const struct policy *p, const char *category)
{
	size_t	i, len, best = 0;
	double	w = p->default_weight;

	/* "bias" matches "bias" and "bias.gender", not "biased". */
	for (i = 0; i < p->nweights; i++) {
		len = strlen(p->weights[i].category);
		if (strncmp(category, p->weights[i].category, len) != 0)
			continue;
		if (category[len] != '\0' && category[len] != '.')
			continue;
		if (len > best) {
			best = len;
			w = p->weights[i].weight;
		}
	}
	return (w);
}

int
policy_leads_team(const struct policy *p, const char *login,
    const char *team)
{
	const struct policy_team	*t;
	size_t				 i;

	if ((t = policy_find_team(p, team)) == NULL)
		return (0);
	for (i = 0; i < t->nleads; i++) {
		if (strcmp(t->leads[i], login) == 0)
			return (1);
	}
	return (0);
}

enum policy_role
policy_role_of(const struct policy *p, const char *login)
{
	size_t i, j;

	for (i = 0; i < p->nlogins; i++) {
		if (strcmp(p->logins[i].login, login) == 0)
			return (p->logins[i].role);
	}
	for (i = 0; i < p->nteams; i++) {
		for (j = 0; j < p->teams[i].nleads; j++) {
			if (strcmp(p->teams[i].leads[j], login) == 0)
				return (POLICY_ROLE_LEAD);
		}
	}
	return (p->default_role);
}

const struct policy_team *
policy_find_team(const struct policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nteams; i++) {
		if (strcmp(p->teams[i].id, id) == 0)
			return (&p->teams[i]);
	}
	return (NULL);
}

const struct policy_entry *
policy_find_entry(const struct policy_entry *e, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i].id, id) == 0)
			return (&e[i]);
	}
	return (NULL);
}

const struct policy_severity *
policy_find_severity(const struct policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nseverities; i++) {
		if (strcmp(p->severities[i].id, id) == 0)
			return (&p->severities[i]);
	}
	return (NULL);
}

int
policy_has_entity_type(const struct policy *p, const char *type)
{
	size_t i;

	for (i = 0; i < p->nentity_types; i++) {
		if (strcmp(p->entity_types[i], type) == 0)
			return (1);
	}
	return (0);
}

const char *
policy_hook_name(enum policy_hook_event e)
{
	return (policy_hook_names[e]);
}

int
policy_hook_find(const char *name)
{
	int i;

	for (i = 0; i < POLICY_NHOOKS; i++) {
		if (strcmp(name, policy_hook_names[i]) == 0)
			return (i);
	}
	return (-1);
}

const struct policy_hook *
policy_hook_of(const struct policy *p, const char *event)
{
	int i;

	if ((i = policy_hook_find(event)) == -1 ||
	    p->hooks[i].command == NULL)
		return (NULL);
	return (&p->hooks[i]);
}
