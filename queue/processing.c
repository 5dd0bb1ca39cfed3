/*
 * The record of processing activities (GDPR Art. 30) as far as the store
 * knows it: the personal data held, who acted on it, what was removed of
 * it (purge, erase), how it is kept.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "sign.h"
#include "xmalloc.h"

/* A file's permission bits, or -1 if there is no such file. */
static int
processing_mode(const char *path)
{
	struct stat sb;

	if (path == NULL || stat(path, &sb) != 0)
		return (-1);
	return ((int)(sb.st_mode & 07777));
}

int
queue_processing(struct queue *q, struct queue_processing *p, char **cause)
{
	char	*key;
	int	 rc, file;

	memset(p, 0, sizeof *p);
	p->db_mode = p->key_mode = -1;
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD, "read the record "
	    "of processing", cause)) != 0)
		return (rc);
	p->backend = q->ops->name;
	p->shared = q->shared;
	file = !queue_names_server(q->open_path);
	if (file)
		p->db_mode = processing_mode(q->open_path);
	key = store_key_path(q);
	p->key_mode = processing_mode(key);
	free(key);
	if (q->key != NULL)
		snprintf(p->key_id, sizeof p->key_id, "%s", sign_key_id(q->key));
	/* One read transaction, so the numbers agree with each other. */
	if ((rc = store_begin_read(q, cause)) != 0)
		return (rc);
	if ((rc = store_processing_types(q, p, cause)) == 0 &&
	    (rc = store_processing_actors(q, p, cause)) == 0)
		rc = store_processing_removals(q, p, cause);
	store_end_read(q);
	if (rc != 0)
		queue_processing_done(p);
	return (rc);
}

void
queue_processing_done(struct queue_processing *p)
{
	size_t i;

	for (i = 0; i < p->ntypes; i++)
		free(p->types[i].type);
	free(p->types);
	for (i = 0; i < p->nactors; i++) {
		free(p->actors[i].actor);
		free(p->actors[i].first);
		free(p->actors[i].last);
	}
	free(p->actors);
	for (i = 0; i < p->nremovals; i++) {
		free(p->removals[i].cause);
		free(p->removals[i].first);
		free(p->removals[i].last);
	}
	free(p->removals);
	memset(p, 0, sizeof *p);
}
