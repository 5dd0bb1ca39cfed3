/*
 * The agreement report (hitl agreement), as a pure function of the rounds:
 * each round is added, its votes turned into rated units, and the report
 * finished into groups with their statistics. queue_agreement feeds it
 * the store's rounds; a test can feed it rounds made by hand.
 */
#ifndef HITL_AGREEMENT_REPORT_H
#define HITL_AGREEMENT_REPORT_H

#include "queue.h"

struct agreement_report;

/* What a report may be grouped by (NULL-terminated). */
extern const char *const agreement_report_by[];

/*
 * A report grouped by by (NULL: the scope "all" alone); EX_USAGE, with a
 * message listing the choices, if by is not one of agreement_report_by.
 */
int	agreement_report_new(const char *by, struct agreement_report **,
	    char **cause);
void	agreement_report_free(struct agreement_report *);
/*
 * Adds a round: one unit per question (its action; each label a vote of
 * the round gives, present or absent; each flag's verdict; each proposed
 * span's verdict, a retype to each type its own category), every vote a
 * rating of it; on an anonymization case, each pair of votes' spans for
 * span F1. EX_DATAERR if a vote does not fit the item. A round of fewer
 * than two votes measures nothing and is left out.
 */
int	agreement_report_add(struct agreement_report *,
	    const struct queue_round *, char **cause);
/*
 * The statistics of each group, [0] "all", the others by scope; the
 * report stays the caller's to free, and may take more rounds.
 */
void	agreement_report_finish(const struct agreement_report *,
	    struct queue_agreement *);

#endif
