/*
 * The vocabulary of decisions: every action the decisions table may hold,
 * what it does to an item's state and to the outcome in force, who may take
 * it and whether it needs the actor's lease. The store, the audit check and
 * the exports read it here.
 */
#include "config.h"

#include <string.h>

#include "internal.h"

static const struct action_info action_table[] = {
	{ "approve", QUEUE_STATE_DECIDED, POLICY_ROLE_REVIEWER, 1,
	    "decision", ACTION_FINAL },
	{ "correct", QUEUE_STATE_DECIDED, POLICY_ROLE_REVIEWER, 1,
	    "decision", ACTION_FINAL },
	{ "escalate", QUEUE_STATE_ESCALATED, POLICY_ROLE_REVIEWER, 1,
	    "decision", ACTION_CLEARS },
	{ "skip", QUEUE_STATE_QUEUED, POLICY_ROLE_REVIEWER, 1, "decision",
	    ACTION_PASS },
	{ "comment", ACTION_STATE_SAME, POLICY_ROLE_REVIEWER, 0, "decision",
	    ACTION_PASS },
	/* Puts back the state before the decision it withdraws. */
	{ "undo", ACTION_STATE_BACK, POLICY_ROLE_REVIEWER, 0, "undo",
	    ACTION_PASS },
	{ "resolve", QUEUE_STATE_RESOLVED, POLICY_ROLE_LEAD, 0, "resolution",
	    ACTION_FINAL },
	{ "reopen", QUEUE_STATE_QUEUED, POLICY_ROLE_LEAD, 0, "reopen",
	    ACTION_CLEARS },
	/*
	 * What a review round's votes settled on (agreement, majority) or a
	 * lead adjudicated: its payload is a resolution's (outcome,
	 * correction), with how, the vote it chose and every vote.
	 */
	{ "settle", QUEUE_STATE_DECIDED, POLICY_ROLE_REVIEWER, 0, "settlement",
	    ACTION_FINAL },
};

int
queue_decision_sets_outcome(const struct queue_decision_info *d)
{
	const struct action_info *a = action_find(d->action);

	return (a != NULL && a->outcome == ACTION_FINAL && !d->vote);
}

int
queue_action_has_outcome(const char *action)
{
	return (strcmp(action, "resolve") == 0 ||
	    strcmp(action, "settle") == 0);
}

const struct action_info *
action_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof action_table / sizeof action_table[0]; i++) {
		if (name != NULL && strcmp(action_table[i].name, name) == 0)
			return (&action_table[i]);
	}
	return (NULL);
}
