/*
 * "Did you mean": the name in a known list (commands, options, formats,
 * styles) nearest to a word the user typed, when it is near enough.
 */
#ifndef HITL_SUGGEST_H
#define HITL_SUGGEST_H

#include <stddef.h>

/*
 * A search for the name nearest to word: suggest_init, suggest_add for each
 * name, then best is the suggestion, or NULL when none is near enough (and
 * for an empty word, or one of more than SUGGEST_MAX bytes).
 */
#define SUGGEST_MAX	64

struct suggest {
	const char	*word;
	const char	*best;		/* NULL: nothing near enough */
	size_t		 dist;		/* best's distance, then ... */
	size_t		 full;		/* ... its distance to the whole word */
};

void		 suggest_init(struct suggest *, const char *word);
void		 suggest_add(struct suggest *, const char *name);
/* The same over a NULL-terminated list. */
const char	*suggest_word(const char *word, const char *const *names);

#endif
