/*
 * The meta table's flags: whether a database is a demo's, and whether its
 * batches made before signing still wait for their baseline.
 */
#include "config.h"

#include <sysexits.h>

#include "records.h"

/* Whether sql (no parameters) finds a row; a flag is set by being there. */
static int
store_meta_has(struct queue *q, const char *sql, const char *what, int *set,
    char **cause)
{
	struct store_stmt	*st;
	int			 rc;

	*set = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	rc = store_step(st, what, cause);
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	*set = rc == STORE_ROW;
	return (0);
}

int
store_meta_demo(struct queue *q, int *demo, char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM meta WHERE key = 'demo' AND value = '1'";

	return (store_meta_has(q, sql, "demo", demo, cause));
}

int
store_meta_demo_set(struct queue *q, char **cause)
{
	static const char sql[] =
	    "INSERT INTO meta (key, value) VALUES ('demo', '1')";

	return (store_exec(q, sql, cause));
}

int
store_meta_needs_baseline(struct queue *q, int *due, char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM meta WHERE key = 'needs_baseline'";

	return (store_meta_has(q, sql, "open", due, cause));
}
