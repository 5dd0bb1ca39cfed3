/*
 * Reading JSON Lines: a buffered reader that keeps NUL bytes, refuses lines
 * past a length limit without holding them in memory, and counts bytes for
 * the progress bar.
 */
#ifndef HITL_LINEREADER_H
#define HITL_LINEREADER_H

#include <stddef.h>
#include <stdint.h>

struct linereader;

/* Lines past max_line are refused; at most keep bytes of them are held. */
struct linereader *linereader_new(int fd, size_t max_line, size_t keep);
void		   linereader_free(struct linereader *);

/*
 * Reads the next line, without its "\n" or "\r\n". Returns 1 and the line in
 * *line and *len (valid until the next call), 0 at the end, -1 on a read error
 * (errno set). A line longer than max_line is returned with *too_long set and
 * *len its full length, but *line holding only its first keep bytes.
 */
int		   linereader_next(struct linereader *, const char **line,
		       size_t *len, int *too_long);
uint64_t	   linereader_offset(const struct linereader *);
uint64_t	   linereader_lineno(const struct linereader *);

#endif
