/*
 * The export's writer: prints each record into one buffer that grows to the
 * longest, writes it as a line and hashes what was written.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "sink.h"
#include "textsafe.h"
#include "xmalloc.h"

struct export_writer {
	FILE		*f;
	EVP_MD_CTX	*sha;
	int		 error;		/* errno of a failed write, or 0 */
	int		 safe;		/* for a terminal: textsafe_json */
	char		*line;
	size_t		 linesize;
};

struct export_writer *
export_writer_new(FILE *f)
{
	struct export_writer *w;

	w = xcalloc(1, sizeof *w);
	w->f = f;
	w->sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL);
	w->line = xmalloc(w->linesize = 4096);
	return (w);
}

int
export_writer_put(struct export_writer *w, cJSON *record, char **cause)
{
	size_t	 len;
	char	*safe;

	/*
	 * A thread of its own for this was measured: with glibc's malloc,
	 * trees built on one thread and freed on another made 1,000,000
	 * decisions slower than one thread doing everything.
	 */
	while (!cJSON_PrintPreallocated(record, w->line, (int)w->linesize - 1,
	    0))
		w->line = xrealloc(w->line, w->linesize *= 2);
	cJSON_Delete(record);
	if (w->safe) {
		safe = textsafe_json(w->line);
		free(w->line);
		w->line = safe;
		w->linesize = strlen(safe) + 1;
		w->line = xrealloc(w->line, w->linesize *= 2);
	}
	len = strlen(w->line);
	w->line[len++] = '\n';
	if (fwrite(w->line, 1, len, w->f) != len) {
		w->error = errno != 0 ? errno : EIO;
		xasprintf(cause, "cannot write the export: %s",
		    strerror(w->error));
		return (EX_IOERR);
	}
	EVP_DigestUpdate(w->sha, w->line, len);
	return (0);
}

void
export_writer_safe(struct export_writer *w)
{
	w->safe = 1;
}

int
export_writer_finish(struct export_writer *w, char sha[65], char **cause)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	EVP_DigestFinal_ex(w->sha, md, &mdlen);
	queue_hex(md, 32, sha);
	if (w->error != 0) {
		xasprintf(cause, "cannot write the export: %s",
		    strerror(w->error));
		return (EX_IOERR);
	}
	return (0);
}

void
export_writer_free(struct export_writer *w)
{
	if (w == NULL)
		return;
	EVP_MD_CTX_free(w->sha);
	free(w->line);
	free(w);
}
