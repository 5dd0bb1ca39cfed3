/*
 * Exports: queue/ hands over outcomes (an item with the decision in force)
 * or decisions; each format is a sink that turns them into JSON Lines
 * records, built with cJSON: an optional begin, then one call per outcome
 * (or per decision, for the record's formats); there is no finish, the
 * driver closes the file. The driver (export.c)
 * counts for the manifest what each written record holds (export_write),
 * writes to a temporary file and renames it when complete; redact.c finds
 * and replaces confirmed personal data.
 */
#ifndef HITL_EXPORT_SINK_H
#define HITL_EXPORT_SINK_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "queue.h"

enum export_redact {
	EXPORT_REDACT_REPLACE,	/* <PERSON> */
	EXPORT_REDACT_MASK,	/* ***** */
	EXPORT_REDACT_HASH,	/* <PERSON:1a2b3c4d5e6f> */
	EXPORT_REDACT_NONE
};
/* What an export does without --redact. */
#define EXPORT_REDACT_DEFAULT	EXPORT_REDACT_REPLACE

struct export_options {
	const char		*format;
	const char		*style;		/* one of the sink's styles */
	const char		*form;		/* chat formats: standard or
						   conversational; NULL: by
						   the items */
	int			 utf16;		/* spans: UTF-16 offsets */
	enum export_redact	 redact;
	int			 include_auto;
	const char		*kind;
	const char		*since;		/* last, all or an RFC 3339 time */
	const char		*path;		/* NULL or "-": stdout */
	/* A dataset directory at path (card.h), split by item id. */
	const char		*layout;	/* NULL: one file; "hf" */
	double			 test_fraction;	/* 0 <= f < 1 */
	const char		*cursor;	/* "since last" is per format,
						   kind and cursor; NULL:
						   "default" */
};

/*
 * Confirmed personal data of one item: the strings and their types, one
 * per folded value (redact.c's index: the folded values, a hash set of
 * them and the matcher; NULL until the first is added).
 */
struct export_pii_index;
struct export_pii {
	char			**text;
	char			**type;
	size_t			  n;
	struct export_pii_index	 *index;
	const char		 *source;	/* export_pii_source's text,
						   until a value is added */
};

struct export_ctx;

struct export_sink {
	const char	*name;
	const char	*version;	/* of the record layout */
	int		 personal;	/* keeps personal data (not redacted) */
	int		 per_decision;	/* fed decisions, not outcomes */
	int		 forms;		/* takes --form */
	int		 offsets;	/* writes offsets: takes --offsets utf16 */
	const char *const *styles;	/* NULL-terminated; NULL: none */
	/* Before the pass, or NULL: e.g. a chat format picks its form. */
	int		(*begin)(struct export_ctx *, char **cause);
	/* Writes the records of one outcome (or decision); 0 or sysexits. */
	int		(*outcome)(struct export_ctx *,
			    const struct queue_outcome *);
	int		(*decision)(struct export_ctx *,
			    const struct queue_decision_info *,
			    const struct queue_outcome *, const char *hash);
};

extern const struct export_sink export_sft_sink;
extern const struct export_sink export_dpo_sink;
extern const struct export_sink export_kto_sink;
extern const struct export_sink export_spans_sink;
extern const struct export_sink export_labels_sink;
extern const struct export_sink export_decisions_sink;

/*
 * The writer (writer.c): records given to it (and freed by it) are printed,
 * written to f as lines and hashed; finish gives the SHA-256 of all that
 * was written.
 */
struct export_writer;
struct export_writer *export_writer_new(FILE *);
int	export_writer_put(struct export_writer *, cJSON *record, char **cause);
/* For a terminal: what could steer it is written as \u escapes. */
void	export_writer_safe(struct export_writer *);
int	export_writer_finish(struct export_writer *, char sha[65],
	    char **cause);
void	export_writer_free(struct export_writer *);

/*
 * The driver: runs one export to its file and its manifest, recorded; or,
 * to standard output or a special file, a preview (*preview set), which is
 * not recorded and moves no cursor.
 */
int	export_run(struct queue *, const struct export_options *,
	    uint64_t *records, int *preview, char **cause);
const struct export_sink *export_find(const char *format);
/*
 * The formats' names, and every style of any format, NULL-terminated (for
 * shell completion); static, built on first use.
 */
const char *const *export_format_names(void);
const char *const *export_style_names(void);
/* --form's and --layout's values, NULL-terminated. */
extern const char *const export_form_names[];
extern const char *const export_layout_names[];
/* The cursor a run's scope names: what follows "@", or "default". */
const char *export_cursor_name(const char *scope);
int	export_redact_parse(const char *, enum export_redact *);
/* --redact's values, NULL-terminated: for a "did you mean". */
extern const char *const export_redact_names[];

/* For sinks: the options, the queue, and writing one record (consumed). */
const struct export_options *export_opts(const struct export_ctx *);
struct queue	*export_queue(const struct export_ctx *);
/* The decisions the run takes: after since, through last. */
void	export_range(const struct export_ctx *, int64_t *since, int64_t *last);
/*
 * The form every record of a chat format takes, "standard" or
 * "conversational": --form, or what the sink's begin set (NULL: unset).
 */
const char *export_form(const struct export_ctx *);
void	export_set_form(struct export_ctx *, const char *);
/*
 * Writes one record (consumed) of the outcome (or decision) the sink was
 * given, and counts it for the manifest, the one place that does: its
 * item's kind, the action, the labels of its decision, and what personal
 * data its item held (contains_personal_data).
 */
int	export_write(struct export_ctx *, cJSON *record,
	    const struct queue_item *, const char *action);
/* What only some formats' records carry, counted after export_write. */
void	export_count_entity(struct export_ctx *, const char *entity_type);
void	export_count_desirable(struct export_ctx *, int desirable);
/*
 * Record fields. Keys are string literals, never copied; export_str copies
 * its value (NULL writes null), export_str_take and export_string_take take
 * a malloc'd string over: a large export makes millions of fields, and
 * every copy is a malloc and a free.
 */
void	export_str(cJSON *, const char *key, const char *);
void	export_str_take(cJSON *, const char *key, char *);
cJSON	*export_string_take(char *);
void	export_item(cJSON *, const char *key, cJSON *);
/*
 * An outcome (or a part of one) left out because its consumer could not
 * load it: counted in the manifest's "skipped" under reason, a short
 * phrase such as "no prompt" or "overlapping spans".
 */
void	export_skip(struct export_ctx *, const char *reason);
/* The item's confirmed personal data and text with it redacted. */
void	export_pii_find(const struct queue_outcome *, struct export_pii *);
void	export_pii_add(struct export_pii *, const char *text, size_t start,
	    size_t end, const char *type);
/*
 * The same in two steps, for many values of one text: the text offsets
 * are into (its breaks found once, at the first value; it must not change
 * in place while p lives), then each value by its offsets into it.
 */
void	export_pii_source(struct export_pii *, const char *text);
void	export_pii_add_at(struct export_pii *, size_t start, size_t end,
	    const char *type);
void	export_pii_done(struct export_pii *);
/* Whether the outcome's item has any confirmed personal data. */
int	export_pii_confirmed(const struct queue_outcome *);
/* "pii" or "pii.*": a flag of personal data. */
int	export_pii_type(const char *);
char	*export_redact_text(struct export_ctx *, const struct export_pii *,
	    const char *text);
/*
 * Every occurrence of every confirmed value, whatever its case, its
 * compatibility form (NFKC) or the default-ignorable characters inside it,
 * that starts and ends on grapheme and word boundaries; the leftmost
 * longest, and overlapping occurrences as one. key is the HMAC key of hash
 * redaction (32 bytes; NULL for the other modes).
 */
char	*export_redact_text_mode(const struct export_pii *, const char *text,
	    enum export_redact, const unsigned char *key);
/*
 * The item's id as a redacted format writes it: the id itself, or, when it
 * holds a confirmed value, the id redacted as text is followed by "~" and
 * the item's number in the store, so that ids stay unique.
 */
char	*export_redact_id(struct export_ctx *, const struct export_pii *,
	    const struct queue_item *);
/* The final payload of an outcome, parsed (NULL if none). */
cJSON	*export_payload(const struct queue_decision_info *);
/* The final text: the correction if there is one, else the original. */
const char *export_final_text(const struct queue_item *, const cJSON *payload,
	    int *corrected);

#endif
