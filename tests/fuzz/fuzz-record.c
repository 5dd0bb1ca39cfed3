/*
 * libFuzzer target: one input line through the record validator, which must
 * either refuse it with a message or hand back a record whose offsets hold.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record	 r;
	char		*cause = NULL;
	size_t		 i, len;

	if (record_parse((const char *)data, size, &r, &cause) != 0) {
		/* A refusal always says why. */
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return (0);
	}
	len = strlen(r.text);
	if (!utf8_valid(r.text, len, NULL) ||
	    r.text_cps != utf8_cp_count(r.text, len))
		abort();
	for (i = 0; i < r.nspans; i++) {
		if (r.spans[i].start >= r.spans[i].end ||
		    r.spans[i].end > r.text_cps)
			abort();
	}
	for (i = 0; i < r.nflags; i++) {
		if (r.flags[i].has_offsets && (r.flags[i].start >=
		    r.flags[i].end || r.flags[i].end > r.text_cps))
			abort();
	}
	record_done(&r);
	return (0);
}
