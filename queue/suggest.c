/*
 * "Did you mean": edit distances (Damerau-Levenshtein, adjacent
 * transpositions counting one) between a typed word and known names.
 */
#include "config.h"

#include <string.h>

#include "suggest.h"

/*
 * The fewest insertions, deletions, substitutions and swaps of neighbours
 * that make a into b; with free set, into any part of b (what b's text
 * before and after the match costs nothing), so that "outputs" is near
 * "model_output". Both at most SUGGEST_MAX bytes.
 */
static size_t
suggest_distance(const char *a, size_t m, const char *b, size_t n, int free)
{
	size_t	d[3][SUGGEST_MAX + 1], best, i, j, c;

	/* Rows i - 2, i - 1 and i, at i % 3. */
	for (j = 0; j <= n; j++)
		d[0][j] = free ? 0 : j;
	for (i = 1; i <= m; i++) {
		d[i % 3][0] = i;
		for (j = 1; j <= n; j++) {
			c = d[(i - 1) % 3][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[(i - 1) % 3][j] + 1 < c)
				c = d[(i - 1) % 3][j] + 1;
			if (d[i % 3][j - 1] + 1 < c)
				c = d[i % 3][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[(i - 2) % 3][j - 2] + 1 < c)
				c = d[(i - 2) % 3][j - 2] + 1;
			d[i % 3][j] = c;
		}
	}
	if (!free)
		return (d[m % 3][n]);
	for (best = d[m % 3][0], j = 1; j <= n; j++) {
		if (d[m % 3][j] < best)
			best = d[m % 3][j];
	}
	return (best);
}

void
suggest_init(struct suggest *s, const char *word)
{
	memset(s, 0, sizeof *s);
	s->word = word;
}

/*
 * Near enough: one edit for a word of up to 3 bytes, two for a longer one.
 * A word of 4 bytes or more may also be near a part of the name ("outputs":
 * model_output), and a name of 4 or more near a part of the word
 * ("hash256": hash), at one edit more than the part's own distance. The
 * nearest wins, then the one nearest to the whole word, then the first.
 */
void
suggest_add(struct suggest *s, const char *name)
{
	size_t	m, n, d, full, x;

	m = s->word != NULL ? strlen(s->word) : 0;
	n = strlen(name);
	if (m == 0 || m > SUGGEST_MAX || n == 0 || n > SUGGEST_MAX)
		return;
	d = full = suggest_distance(s->word, m, name, n, 0);
	if (m >= 4 && (x = suggest_distance(s->word, m, name, n, 1) + 1) < d)
		d = x;
	if (n >= 4 && (x = suggest_distance(name, n, s->word, m, 1) + 1) < d)
		d = x;
	if (d > (m <= 3 ? 1 : 2) || d >= m || d >= n)
		return;
	if (s->best == NULL || d < s->dist || (d == s->dist &&
	    full < s->full)) {
		s->best = name;
		s->dist = d;
		s->full = full;
	}
}

const char *
suggest_word(const char *word, const char *const *names)
{
	struct suggest	s;

	suggest_init(&s, word);
	for (; names != NULL && *names != NULL; names++)
		suggest_add(&s, *names);
	return (s.best);
}
