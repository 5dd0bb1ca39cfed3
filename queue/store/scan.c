/*
 * Scans: a statement's rows handed to the rules one at a time, without the
 * rules seeing the statement.
 */

#include "config.h"

#include <stdlib.h>

#include "records.h"
#include "xmalloc.h"

struct store_scan {
	struct store_stmt	*st;
	const char		*what;
};

struct store_scan *
store_scan_new(struct queue *q, const char *sql, int flags, const char *what,
    char **cause)
{
	struct store_scan	*s;
	struct store_stmt	*st;

	if ((st = store_prepare(q, sql, flags, cause)) == NULL)
		return (NULL);
	s = xcalloc(1, sizeof *s);
	s->st = st;
	s->what = what;
	return (s);
}

struct store_stmt *
store_scan_stmt(const struct store_scan *s)
{
	return (s->st);
}

int
store_scan_step(struct store_scan *s, char **cause)
{
	return (store_step(s->st, s->what, cause));
}

void
store_scan_free(struct store_scan *s)
{
	if (s == NULL)
		return;
	store_reset(s->st);
	free(s);
}
