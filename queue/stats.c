/*
 * What is in the store: counts by kind and state, the oldest waiting item and
 * the latest import batches, under the policy in force.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "xmalloc.h"

int
queue_stats(struct queue *q, size_t max_batches, struct queue_stats *s,
    char **cause)
{
	char	*at = NULL;
	int	 rc;

	memset(s, 0, sizeof *s);
	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	s->policy_version = q->policy_version;
	s->policy_name = xstrdup(q->policy->name);
	/* One read transaction, so the numbers agree with each other. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((rc = store_stats_counts(q, s, cause)) == 0 &&
	    (rc = store_stats_oldest(q, &s->oldest_item, &at, cause)) == 0)
		rc = store_stats_batches(q, max_batches, s, cause);
	if (rc == 0 && queue_actor(q) != NULL &&
	    queue_actor_role(q) >= POLICY_ROLE_LEAD) {
		s->has_quality = 1;
		rc = store_samples_count(q, &s->to_adjudicate, &s->rounds_open,
		    &s->gold, cause);
	}
	store_end_read(q);
	if (s->oldest_item != NULL) {
		s->oldest_queued = queue_parse_utc(at);
		s->oldest_waiting = queue_waiting_seconds(q, at);
	}
	free(at);
	if (rc != 0)
		queue_stats_done(s);
	return (rc);
}

void
queue_stats_done(struct queue_stats *s)
{
	size_t i;

	for (i = 0; i < s->nbatches; i++) {
		free(s->batches[i].started_at);
		free(s->batches[i].operator);
		free(s->batches[i].files);
	}
	free(s->batches);
	free(s->policy_name);
	free(s->oldest_item);
	memset(s, 0, sizeof *s);
}
