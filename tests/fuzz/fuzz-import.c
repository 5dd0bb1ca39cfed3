/*
 * libFuzzer target: an input file through the importer, line by line, into
 * a real database, atomically: a file with a refused line stores nothing,
 * and a file that imports leaves the counts it reports.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "queue.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct queue	*fuzz_q;
static char		 fuzz_dir[] = "/tmp/hitl-fuzz-import.XXXXXX";
static char		 fuzz_db[64];
static unsigned		 fuzz_runs;

/* A new database now and then, so that it stays small and fast. */
static void
fuzz_open(void)
{
	char *cause = NULL;

	if (fuzz_q != NULL && ++fuzz_runs % 2000 != 0)
		return;
	if (fuzz_q == NULL && mkdtemp(fuzz_dir) == NULL)
		abort();
	queue_close(fuzz_q);
	snprintf(fuzz_db, sizeof fuzz_db, "%s/fuzz.db", fuzz_dir);
	unlink(fuzz_db);
	if (queue_open(fuzz_db, QUEUE_OPEN_CREATE, &fuzz_q, &cause) != 0)
		abort();
	/* The deterministic clock keeps runs reproducible. */
	queue_set_now(fuzz_q, 1795000000);
}

static uint64_t
fuzz_items(void)
{
	struct queue_stats	 st;
	char			*cause = NULL;
	uint64_t		 n = 0;
	int			 k, s;

	if (queue_stats(fuzz_q, 0, &st, &cause) != 0)
		abort();
	for (k = 0; k < QUEUE_NKINDS; k++)
		for (s = 0; s < QUEUE_NSTATES; s++)
			n += st.counts[k][s];
	queue_stats_done(&st);
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	const char			*s = (const char *)data, *nl;
	char				*cause = NULL;
	uint64_t			 before, lineno = 0;
	size_t				 at = 0, len;
	int				 rc = 0, refused = 0;

	fuzz_open();
	before = fuzz_items();
	if (queue_import_begin(fuzz_q, "fuzz", 1, &imp, &cause) != 0)
		abort();
	while (at < size && rc == 0) {
		nl = memchr(s + at, '\n', size - at);
		len = nl != NULL ? (size_t)(nl - (s + at)) : size - at;
		lineno++;
		rc = queue_import_line(imp, "fuzz.jsonl", lineno, s + at, len,
		    &cause);
		if (rc != 0 && (cause == NULL || *cause == '\0'))
			abort();
		if (rc == EX_DATAERR) {
			refused = 1;
			rc = 0;
		}
		free(cause);
		cause = NULL;
		at += len + 1;
	}
	if (rc != 0)
		abort();
	if (queue_import_finish(imp, &c, NULL, &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	queue_import_free(imp);
	/* Atomic: one refused line and nothing of the file is stored. */
	if (refused ? fuzz_items() != before :
	    fuzz_items() != before + c.imported)
		abort();
	return (0);
}
