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

/*
 * Where the bytes of a line past the limit go, in order, as they are read:
 * the whole line but the "\r" of a "\r\n" end, in pieces. Returns 0, or -1
 * to be given no more of the line.
 */
typedef int	 (*linereader_spill_cb)(const char *, size_t, void *);

/*
 * Lines past max_line are refused; at most max_line + 1 bytes of them are
 * held. With spill set, each such line is also handed to it whole.
 */
struct linereader *linereader_new(int fd, size_t max_line,
		       linereader_spill_cb spill, void *arg);
void		   linereader_free(struct linereader *);

/*
 * Reads the next line, without its "\n" or "\r\n". Returns 1 and the line in
 * *line and *len (valid until the next call), 0 at the end, -1 on a read error
 * (errno set). A line longer than max_line is returned with *too_long set and
 * *len its full length, but *line holding only its first max_line bytes or
 * more (the spill callback has had all of them).
 */
int		   linereader_next(struct linereader *, const char **line,
		       size_t *len, int *too_long);
uint64_t	   linereader_offset(const struct linereader *);
uint64_t	   linereader_lineno(const struct linereader *);

#endif
