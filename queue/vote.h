/*
 * A decision reduced to what reviewers can agree on: its action, labels,
 * flag and span verdicts, added spans and corrected text. Blind double
 * review compares votes, gold items score them, agreement counts them.
 */
#ifndef HITL_VOTE_H
#define HITL_VOTE_H

#include <stddef.h>

#include "queue.h"

enum vote_action {
	VOTE_APPROVE,
	VOTE_CORRECT,
	VOTE_NACTIONS
};

enum vote_verdict {
	VOTE_ACCEPTED,		/* span: PII of its proposed type */
	VOTE_REJECTED,		/* span: not PII */
	VOTE_RETYPED,		/* span: PII of another type (type) */
	VOTE_CONFIRMED,		/* flag: the detector was right */
	VOTE_OVERTURNED		/* flag: it was not */
};

struct vote_span {
	enum vote_verdict	 verdict;
	char			*type;	/* retyped: the new type; else NULL */
};

struct vote_added {
	size_t	 start, end;		/* code points */
	char	*type;
};

/*
 * What an approve means is written out: a model output's approve leaves
 * no labels, every flag overturned (the output is fine as it is) and the
 * text as it is; an anonymization case's approve accepts the proposed
 * spans triage did not reject and rejects the others, adding none.
 */
struct vote {
	enum vote_action	 action;
	char			**labels;	/* sorted, each once */
	size_t			 nlabels;
	enum vote_verdict	*flags;		/* one per item flag */
	size_t			 nflags;
	struct vote_span	*spans;		/* one per proposed span */
	size_t			 nspans;
	struct vote_added	*added;		/* sorted by start, end, type */
	size_t			 nadded;
	char			*text;		/* corrected text; NULL: kept */
};

/*
 * The vote of a decision (action "approve" or "correct", payload its JSON
 * or NULL) on the item: 0, or -1 with *cause when the action is another
 * or the payload does not fit the item (the decide rules refuse those).
 */
int	vote_from(const struct queue_item *, const char *action,
	    const char *payload, struct vote *, char **cause);
/*
 * A gold answer (the record's "gold": {"action", and a correction's
 * fields}) as a vote: the same rules as vote_from.
 */
int	vote_from_gold(const struct queue_item *, const char *gold,
	    struct vote *, char **cause);
void	vote_done(struct vote *);
/*
 * Whether two votes are one decision: the same action, labels, flag and
 * span verdicts (and new types), added spans and corrected text.
 */
int	vote_equal(const struct vote *, const struct vote *);
/*
 * A vote against the gold answer, per decision: the action, then each
 * label of either (present in both or absent in both), each flag verdict,
 * each span verdict (and type) and each added span of either; *right of
 * *total are as the gold answer says.
 */
void	vote_score(const struct vote *gold, const struct vote *,
	    unsigned *right, unsigned *total);

#endif
