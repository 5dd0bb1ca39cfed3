/*
 * The reports of hitl report, one file each: the options of the report
 * entry a report takes, what it checks before the database is opened, and
 * what it does.
 */
#ifndef HITL_REPORT_H
#define HITL_REPORT_H

#include "cmd.h"

struct report_kind {
	const char	*name;
	/* The letters of the entry's options it takes; any other is refused. */
	const char	*options;
	/* Optional: as a cmd_entry's check, with the entry to name. */
	int		(*check)(const struct cmd_entry *,
			    const struct cmd_args *);
	int		(*exec)(const struct cmd_entry *, struct cmd_ctx *,
			    struct cmd_args *, struct queue *);
};

extern const struct report_kind report_processing;
extern const struct report_kind report_quality;

#endif
