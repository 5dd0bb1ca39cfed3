/*
 * Triage: whether a record needs a human, and how urgently. Pure functions of
 * the record and the policy, so a re-import decides the same way.
 */
#ifndef HITL_TRIAGE_H
#define HITL_TRIAGE_H

#include "policy.h"
#include "record.h"

struct triage {
	int		 queued;	/* 0: decided by the policy */
	int		 spot_check;	/* queued only by the sample */
	double		 priority;
	const char	*top_type;	/* the flag or span that ranks it */
	double		 top_score;
};

/* Decides r under p; also sets each span's verdict. */
void	triage_record(const struct policy *p, struct record *r,
	    struct triage *t);

/*
 * After triage_record, for a record whose source is suspended: every item
 * to a human, every span to be judged (none accepted or rejected by its
 * score), no spot check; the priority stays as triage ranked it.
 */
void	triage_suspended(struct record *r, struct triage *t);

/* The deterministic sample: 1 if id falls within rate (0..1). */
int	triage_spot_check(const char *id, double rate);

#endif
