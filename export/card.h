/*
 * The dataset directory of --layout hf: DIR/train.jsonl and DIR/test.jsonl
 * (an item's split follows from its id alone), DIR/manifest.json and
 * DIR/README.md, a Hugging Face dataset card made from the manifest: YAML
 * front matter declaring the splits for datasets' load_dataset(DIR), and a
 * body that says in words what the manifest says in numbers.
 */
#ifndef HITL_EXPORT_CARD_H
#define HITL_EXPORT_CARD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sink.h"

/* One data file of the directory; only splits with records are written. */
struct export_split {
	const char	*name;		/* train, test */
	const char	*path;		/* file name inside the directory */
	uint64_t	 records;
	char		 sha256[65];
};

/*
 * Whether the item goes to test: the first 8 bytes of SHA-256(ext_id), read
 * as a big-endian fraction of 2^64, are below fraction (0: never).
 */
int	 export_split_is_test(const char *ext_id, double fraction);
/* The options of the layout, for the manifest and the run (none: no layout). */
void	 export_card_options(cJSON *, const struct export_options *);
/* The manifest's "splits": [{split, path, records, sha256}]. */
cJSON	*export_card_splits(const struct export_split *, size_t);
/*
 * README.md: front matter declaring the splits given (the non-empty ones),
 * and the manifest m in words; every string from the database is escaped.
 */
char	*export_card_text(const cJSON *m, const struct export_split *, size_t);

#endif
