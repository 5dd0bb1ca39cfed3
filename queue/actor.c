/*
 * Who is acting and what the policy lets them do; small store helpers the
 * workflow files share.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ident.h"
#include "internal.h"
#include "xmalloc.h"

int
queue_set_actor(struct queue *q, const char *login, const char *override,
    char **cause)
{
	char	*why;
	int	 rc;

	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	if (override != NULL && *override != '\0' &&
	    strcmp(override, login) != 0) {
		if (!q->policy->allow_reviewer_override) {
			xasprintf(cause, "--reviewer/HITL_REVIEWER may not "
			    "replace your login (%s): policy %s does not set "
			    "allow_reviewer_override", login,
			    q->policy_version == 0 ? "default" :
			    "in force");
			return (EX_NOPERM);
		}
		login = override;
	}
	if (ident_check(login, IDENT_NAME_MAX, &why) != 0) {
		xasprintf(cause, "reviewer name %s: %s", login == override ?
		    "(--reviewer or HITL_REVIEWER)" : "(your login)", why);
		free(why);
		return (EX_USAGE);
	}
	free(q->actor);
	q->actor = xstrdup(login);
	return (0);
}

const char *
queue_actor(const struct queue *q)
{
	return (q->actor != NULL ? q->actor : "");
}

enum policy_role
queue_actor_role(struct queue *q)
{
	char *cause = NULL;

	if (q->actor == NULL || store_policy_refresh(q, &cause) != 0) {
		free(cause);
		return (POLICY_ROLE_NONE);
	}
	return (policy_role_of(q->policy, q->actor));
}

int
store_require_role(struct queue *q, enum policy_role min, const char *what,
    char **cause)
{
	enum policy_role	role;
	int			rc;

	if (q->actor == NULL) {
		xasprintf(cause, "internal error: no actor set");
		return (EX_SOFTWARE);
	}
	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	role = policy_role_of(q->policy, q->actor);
	if (role == POLICY_ROLE_NONE) {
		xasprintf(cause, "%s has no role in the policy in force "
		    "(version %d) and may not %s; ask an admin to add you",
		    q->actor, q->policy_version, what);
		return (EX_NOPERM);
	}
	if (role < min) {
		xasprintf(cause, "%s is %s %s and may not %s (%s %s may)",
		    q->actor, role == POLICY_ROLE_ADMIN ? "an" : "a",
		    policy_role_name(role), what,
		    min == POLICY_ROLE_ADMIN ? "an" : "a",
		    policy_role_name(min));
		return (EX_NOPERM);
	}
	return (0);
}

int
store_counter_next(struct queue *q, const char *key, int64_t *value,
    char **cause)
{
	return (q->ops->counter_next(q, key, value, cause));
}
