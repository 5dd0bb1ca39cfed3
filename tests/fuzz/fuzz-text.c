/*
 * libFuzzer target: untrusted text as the console shows it. The sanitized
 * copy is valid UTF-8 with nothing left that could steer a terminal, and
 * the console's cells wrap within any width; as JSON output, the text is as
 * safe and parses back to itself.
 */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cjson/cJSON.h>

#include "textsafe.h"
#include "tui.h"
#include "utf8.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Display widths are the C.UTF-8 locale's, as in the tests. */
	setlocale(LC_ALL, "C.UTF-8");
	return (0);
}

static void
fuzz_safe(const char *s, size_t len, int flags)
{
	char		*out, mark[24];
	size_t		 n, i = 0;
	uint32_t	 cp;
	int		 k;

	out = textsafe_copy(s, len, flags, NULL);
	n = strlen(out);
	if (!utf8_valid(out, n, NULL))
		abort();
	while (i < n) {
		k = utf8_decode(out + i, n - i, &cp);
		i += (size_t)k;
		if ((cp == '\n' && (flags & TEXTSAFE_KEEP_NEWLINES)) ||
		    (cp == '\t' && (flags & TEXTSAFE_KEEP_TABS)))
			continue;
		/* A joiner inside an emoji sequence is shown as itself. */
		if ((textsafe_mark(cp, mark) &&
		    !textsafe_zwj_joins(out, n, i - (size_t)k)) || cp < 0x20 ||
		    (cp >= 0x7f && cp < 0xa0))
			abort();
	}
	free(out);
}

static void
fuzz_json(const char *s, size_t len)
{
	cJSON	*o, *back;
	char	*str, *printed, *out;

	str = malloc(len + 1);
	memcpy(str, s, len);
	str[len] = '\0';
	o = cJSON_CreateString(str);
	printed = cJSON_PrintUnformatted(o);
	out = textsafe_json(printed);
	if (textsafe_first_unsafe(out) != NULL)
		abort();
	if (utf8_valid(str, strlen(str), NULL)) {
		back = cJSON_Parse(out);
		if (!cJSON_IsString(back) ||
		    strcmp(cJSON_GetStringValue(back), str) != 0)
			abort();
		cJSON_Delete(back);
	}
	free(out);
	free(printed);
	cJSON_Delete(o);
	free(str);
}

static void
fuzz_wrap(const struct tui_cells *c, int width)
{
	size_t	*starts, n, l, i, end;
	int	 col, cells;

	n = tui_cells_wrap(c, width, &starts);
	if (n == 0 || starts[0] != 0)
		abort();
	for (l = 0; l < n; l++) {
		end = l + 1 < n ? starts[l + 1] : c->n;
		if (end < starts[l] || end > c->n)
			abort();
		/* A line is within the width, or one cell too wide for it. */
		col = cells = 0;
		for (i = starts[l]; i < end && c->v[i].wc[0] != L'\n'; i++) {
			col += c->v[i].width == -1 ? 8 - col % 8 :
			    c->v[i].width;
			cells++;
		}
		if (col > width && cells > 1)
			abort();
	}
	free(starts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*s = (const char *)data;
	struct tui_cells	 c;
	size_t			 i;
	char			 mark[24];

	fuzz_safe(s, size, 0);
	fuzz_safe(s, size, TEXTSAFE_KEEP_NEWLINES | TEXTSAFE_KEEP_TABS);
	fuzz_json(s, size);

	memset(&c, 0, sizeof c);
	tui_cells_add(&c, s, size, 0, 1);
	for (i = 0; i < c.n; i++) {
		/* Only printable characters reach the screen. */
		if (c.v[i].wc[0] != L'\n' && c.v[i].wc[0] != L'\t' &&
		    (textsafe_mark((uint32_t)c.v[i].wc[0], mark) ||
		    wcwidth(c.v[i].wc[0]) < 0))
			abort();
		/* Nothing is stacked on a visible mark. */
		if (c.v[i].mark && c.v[i].wc[1] != 0)
			abort();
	}
	fuzz_wrap(&c, 1);
	fuzz_wrap(&c, 7);
	fuzz_wrap(&c, 80);
	tui_cells_free(&c);
	return (0);
}
