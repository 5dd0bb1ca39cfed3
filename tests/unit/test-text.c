/*
 * Unit tests for drawing a long text in part: the cells made up to a cut
 * are the first cells of the whole text, and the hidden characters found
 * from the scan equal those a whole build finds, masks changing between.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "tui.h"
#include "utf8.h"

/* Plain text, joiners and emoji, combining marks, controls, bad bytes. */
static const char *pieces[] = {
	"a", " ", "b", "\xe2\x80\x8d", "\xf0\x9f\x91\xa9", "\xf0\x9f\x92\xbb",
	"\xcc\x81", "\xe2\x80\xae", "\x01", "\n", "\t", "\xef\xb8\x8f",
	"\xf0\x9f\x8f\xbd", "\xe4\xb8\xad", "\xff", "x", "\xe2\x80\x8b"
};
#define NPIECES	(sizeof pieces / sizeof pieces[0])
/* Labels too may hold what must be shown as marks. */
static const char *types[] = { "PERSON", "EMAIL", ("\xe2\x80\xae" "BAD"),
    "X\x01" };

static unsigned long seed = 1;

/* The same numbers everywhere: not rand(). */
static size_t
next(size_t n)
{
	seed = seed * 1103515245 + 12345;
	return ((size_t)((seed >> 16) % n));
}

/* Masks by code point, and by byte as queue_mask_ranges gives them. */
static size_t
masks(const char *s, size_t len, size_t ncp, struct queue_mask *cpm,
    struct queue_mask *bm, size_t *nb)
{
	size_t	n = 0, at = 0, a, off = 0, cp = 0;

	while (n < 16 && at < ncp + 2 && next(20) != 0) {
		a = at + next(60);
		cpm[n].cp_start = a;
		cpm[n].cp_end = a + 1 + next(3);
		cpm[n].entity_type = types[next(4)];
		at = cpm[n].cp_end + next(2);
		n++;
	}
	while (n > 0 && cpm[n - 1].cp_start >= ncp)
		n--;
	for (a = *nb = 0; a < n; a++) {
		bm[*nb] = cpm[a];
		bm[*nb].start = utf8_cp_walk(s, len, &off, &cp,
		    cpm[a].cp_start) == 0 ? off : len;
		bm[*nb].end = utf8_cp_walk(s, len, &off, &cp,
		    cpm[a].cp_end) == 0 ? off : len;
		if (bm[*nb].start < bm[*nb].end)
			(*nb)++;
	}
	return (n);
}

static void
test_part_as_whole(void **state)
{
	struct tui_text_scan	 sc;
	struct tui_cells	 whole, part;
	struct queue_mask	 cpm[16], bm[16];
	char			 s[8192];
	size_t			 trial, round, i, np, len, ncp, n, nb, lines;
	size_t			*starts, cuts = 0;
	int			 width, all;

	(void)state;
	for (trial = 0; trial < 2000; trial++) {
		np = 1 + next(900);
		for (s[0] = '\0', i = 0; i < np; i++)
			strcat(s, pieces[next(NPIECES)]);
		len = strlen(s);
		ncp = utf8_cp_count(s, len);
		tui_text_scan(&sc, s, len, 1);
		/* Each round's masks are a change from the last's. */
		for (round = 0; round < 4; round++) {
			n = masks(s, len, ncp, cpm, bm, &nb);
			memset(&whole, 0, sizeof whole);
			tui_cells_add_masked(&whole, s, len, 0, 1, bm, nb);
			assert_int_equal(tui_text_scan_hidden(&sc, s, len, 1,
			    cpm, n), whole.hidden);
			memset(&part, 0, sizeof part);
			width = 1 + (int)next(30);
			lines = 1 + next(20);
			all = tui_cells_add_masked_part(&part, s, len, 0, 1,
			    cpm, n, width, lines);
			assert_true(part.n <= whole.n);
			assert_memory_equal(part.v, whole.v,
			    part.n * sizeof *part.v);
			if (all)
				assert_int_equal(part.n, whole.n);
			else {
				cuts++;
				assert_true(tui_cells_wrap(&part, width,
				    &starts) >= lines);
				free(starts);
			}
			tui_cells_free(&part);
			tui_cells_free(&whole);
		}
		tui_text_scan_free(&sc);
	}
	assert_true(cuts > 1000);	/* the cut was tried */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_part_as_whole),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
