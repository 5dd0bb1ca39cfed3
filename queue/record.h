/*
 * One producer record (a line of the input JSON Lines), parsed and validated.
 * Strings point into the parsed tree, which record_done frees.
 */
#ifndef HITL_RECORD_H
#define HITL_RECORD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define RECORD_ID_MAX 256

enum record_kind {
	RECORD_MODEL_OUTPUT,
	RECORD_ANONYMIZATION
};

struct record_flag {
	const char	*type;
	double		 score;
	const char	*detector;
	const char	*rationale;
	int		 has_offsets;
	size_t		 start;		/* code points into the response */
	size_t		 end;		/* exclusive */
};

enum record_verdict {
	RECORD_SPAN_AMBIGUOUS,
	RECORD_SPAN_ACCEPTED,
	RECORD_SPAN_REJECTED
};

struct record_span {
	const char		*entity_type;
	size_t			 start;	/* code points into the text */
	size_t			 end;	/* exclusive */
	double			 score;
	const char		*recognizer;
	const cJSON		*explanation;
	enum record_verdict	 verdict;	/* set by triage */
};

struct record {
	cJSON			*root;
	const char		*id;
	enum record_kind	 kind;
	const char		*created_at;
	const cJSON		*source;
	const char		*source_model;
	const char		*source_pipeline;
	const cJSON		*metadata;
	int			 has_priority;
	double			 priority;

	const char		*text;		/* response or text */
	size_t			 text_cps;	/* its length in code points */
	const char		*prompt;
	const cJSON		*messages;

	struct record_flag	*flags;
	size_t			 nflags;
	struct record_span	*spans;
	size_t			 nspans;

	/* The expected decision of a gold item (checked by import). */
	const cJSON		*gold;

	/* The data subjects it names ("subjects"), for erasure. */
	const char		**subjects;
	size_t			 nsubjects;
};

/*
 * Parses and validates one line. On failure returns -1 and sets *cause to a
 * message naming the field ("spans[2].end 95 is past the end of text (88
 * characters)"); the record is then empty and need not be freed.
 */
int		 record_parse(const char *line, size_t len, struct record *,
		     char **cause);
void		 record_done(struct record *);

const char	*record_kind_name(enum record_kind);
const char	*record_verdict_name(enum record_verdict);
int		 record_check_time(const char *);

#endif
