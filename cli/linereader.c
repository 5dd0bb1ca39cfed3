/*
 * A line reader over a file descriptor: large reads, memchr for the newline,
 * and bounded memory whatever the input holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linereader.h"
#include "xmalloc.h"

#define LINEREADER_CHUNK (1024 * 1024)

struct linereader {
	int			 fd;
	size_t			 max;
	size_t			 keep;		/* max + 1: room for a "\r" */
	char			*buf;		/* read buffer */
	size_t			 start, end;	/* unread: buf[start..end) */
	int			 eof;
	char			*line;		/* a line that spans reads */
	size_t			 linecap;
	uint64_t		 offset;	/* bytes consumed */
	uint64_t		 lineno;

	linereader_spill_cb	 spill;
	void			*arg;
	int			 spilling;	/* this line goes to spill */
	int			 cr;		/* a "\r" held back from it */
	int			 spill_done;	/* spill wants no more */
};

struct linereader *
linereader_new(int fd, size_t max_line, linereader_spill_cb spill, void *arg)
{
	struct linereader *lr;

	lr = xcalloc(1, sizeof *lr);
	lr->fd = fd;
	lr->max = max_line;
	lr->keep = max_line + 1;
	lr->buf = xmalloc(LINEREADER_CHUNK);
	lr->spill = spill;
	lr->arg = arg;
	return (lr);
}

void
linereader_free(struct linereader *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr->line);
	free(lr);
}

static int
linereader_fill(struct linereader *lr)
{
	ssize_t n;

	lr->start = lr->end = 0;
	do {
		n = read(lr->fd, lr->buf, LINEREADER_CHUNK);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);
	if (n == 0)
		lr->eof = 1;
	lr->end = (size_t)n;
	return (0);
}

/*
 * Hands p[0..n) of an overlong line to the spill callback. A "\r" at the end
 * of a piece is held back until more of the line follows: it may be the
 * "\r" of the line's "\r\n", which is not part of the line.
 */
static void
linereader_spill(struct linereader *lr, const char *p, size_t n)
{
	if (n == 0 || lr->spill_done)
		return;
	if (lr->cr) {
		lr->cr = 0;
		if (lr->spill("\r", 1, lr->arg) != 0) {
			lr->spill_done = 1;
			return;
		}
	}
	if (p[n - 1] == '\r') {
		lr->cr = 1;
		n--;
	}
	if (n > 0 && lr->spill(p, n, lr->arg) != 0)
		lr->spill_done = 1;
}

/*
 * Appends p[0..n) to the spanning line: at most keep bytes are held, and
 * once the line is longer than that, all of it goes to the spill callback.
 */
static void
linereader_take(struct linereader *lr, size_t *len, const char *p, size_t n)
{
	size_t room, take;

	room = *len < lr->keep ? lr->keep - *len : 0;
	take = n < room ? n : room;
	if (take > 0) {
		if (*len + take > lr->linecap) {
			lr->linecap = (*len + take) * 2;
			if (lr->linecap > lr->keep)
				lr->linecap = lr->keep;
			lr->line = xrealloc(lr->line, lr->linecap);
		}
		memcpy(lr->line + *len, p, take);
	}
	*len += n;
	if (lr->spill == NULL || *len <= lr->keep)
		return;
	if (!lr->spilling) {
		lr->spilling = 1;
		linereader_spill(lr, lr->line, lr->keep);
		linereader_spill(lr, p + take, n - take);
	} else
		linereader_spill(lr, p, n);
}

int
linereader_next(struct linereader *lr, const char **line, size_t *len,
    int *too_long)
{
	char	*nl;
	size_t	 n, total = 0;
	int	 spanning = 0;

	*too_long = 0;
	lr->spilling = lr->cr = lr->spill_done = 0;
	for (;;) {
		if (lr->start == lr->end) {
			if (lr->eof || linereader_fill(lr) != 0) {
				if (!lr->eof)
					return (-1);
			}
			if (lr->start == lr->end) {
				/* End of input: a last line without "\n". */
				if (!spanning)
					return (0);
				break;
			}
		}
		n = lr->end - lr->start;
		nl = memchr(lr->buf + lr->start, '\n', n);
		if (nl != NULL)
			n = (size_t)(nl - (lr->buf + lr->start));
		if (!spanning && nl != NULL) {
			/* The common case: the whole line is in the buffer. */
			*line = lr->buf + lr->start;
			total = n;
			lr->start += n + 1;
			lr->offset += n + 1;
			goto found;
		}
		spanning = 1;
		linereader_take(lr, &total, lr->buf + lr->start, n);
		lr->start += n;
		lr->offset += n;
		if (nl != NULL) {
			lr->start++;
			lr->offset++;
			break;
		}
	}
	*line = lr->line != NULL ? lr->line : "";
found:
	/* The "\r" of "\r\n" goes; a spilt line's was held back. */
	if (lr->spilling)
		total -= lr->cr;
	else if (total > 0 && (!spanning || total <= lr->keep) &&
	    (*line)[total - 1] == '\r')
		total--;
	*len = total;
	if (total > lr->max) {
		*too_long = 1;
		/* Not spilt yet: all of it is at *line. */
		if (!lr->spilling && lr->spill != NULL)
			linereader_spill(lr, *line, total);
	}
	lr->lineno++;
	return (1);
}

uint64_t
linereader_offset(const struct linereader *lr)
{
	return (lr->offset);
}

uint64_t
linereader_lineno(const struct linereader *lr)
{
	return (lr->lineno);
}
