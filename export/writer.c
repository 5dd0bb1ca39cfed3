/*
 * The export's writer: a thread that prints records, hashes and writes them
 * in order while the driver reads and builds the next ones, so that a large
 * export keeps two cores busy rather than one.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <openssl/evp.h>

#include "sink.h"
#include "xmalloc.h"

/* Records in flight: enough to ride out a slow write, small in memory. */
#define WRITER_RING 512

struct export_writer {
	FILE		*f;
	EVP_MD_CTX	*sha;
	pthread_t	 thread;
	int		 running;

	pthread_mutex_t	 lock;
	pthread_cond_t	 nonempty;
	pthread_cond_t	 nonfull;
	cJSON		*ring[WRITER_RING];
	size_t		 head, tail;	/* head - tail records queued */
	int		 closing;
	int		 error;		/* errno of a failed write, or 0 */

	char		*line;		/* the writer's own buffer */
	size_t		 linesize;
};

/* One record: printed into the buffer that grows to the longest one. */
static int
writer_one(struct export_writer *w, cJSON *record)
{
	size_t len;

	while (!cJSON_PrintPreallocated(record, w->line, (int)w->linesize - 1,
	    0))
		w->line = xrealloc(w->line, w->linesize *= 2);
	len = strlen(w->line);
	w->line[len++] = '\n';
	if (fwrite(w->line, 1, len, w->f) != len)
		return (errno != 0 ? errno : EIO);
	EVP_DigestUpdate(w->sha, w->line, len);
	return (0);
}

static void *
writer_main(void *arg)
{
	struct export_writer	*w = arg;
	cJSON			*record;
	int			 error = 0;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == w->tail && !w->closing)
			pthread_cond_wait(&w->nonempty, &w->lock);
		if (w->head == w->tail) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		record = w->ring[w->tail % WRITER_RING];
		w->tail++;
		pthread_cond_signal(&w->nonfull);
		pthread_mutex_unlock(&w->lock);

		/* After a failed write, the rest is only freed. */
		if (error == 0 && (error = writer_one(w, record)) != 0) {
			pthread_mutex_lock(&w->lock);
			w->error = error;
			pthread_mutex_unlock(&w->lock);
		}
		cJSON_Delete(record);
	}
	return (NULL);
}

struct export_writer *
export_writer_new(FILE *f)
{
	struct export_writer *w;

	w = xcalloc(1, sizeof *w);
	w->f = f;
	w->sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL);
	w->line = xmalloc(w->linesize = 4096);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->nonempty, NULL);
	pthread_cond_init(&w->nonfull, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		export_writer_free(w);
		return (NULL);
	}
	w->running = 1;
	return (w);
}

int
export_writer_put(struct export_writer *w, cJSON *record, char **cause)
{
	int error;

	pthread_mutex_lock(&w->lock);
	while (w->head - w->tail == WRITER_RING && w->error == 0)
		pthread_cond_wait(&w->nonfull, &w->lock);
	if ((error = w->error) == 0) {
		w->ring[w->head % WRITER_RING] = record;
		w->head++;
		pthread_cond_signal(&w->nonempty);
	}
	pthread_mutex_unlock(&w->lock);
	if (error != 0) {
		cJSON_Delete(record);
		xasprintf(cause, "cannot write the export: %s", strerror(error));
		return (EX_IOERR);
	}
	return (0);
}

/* Lets the thread write what is queued, and waits for it. */
static void
writer_stop(struct export_writer *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->closing = 1;
	pthread_cond_signal(&w->nonempty);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = 0;
}

int
export_writer_finish(struct export_writer *w, char sha[65], char **cause)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	writer_stop(w);
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
	writer_stop(w);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->nonempty);
	pthread_cond_destroy(&w->nonfull);
	EVP_MD_CTX_free(w->sha);
	free(w->line);
	free(w);
}
