/*
 * libFuzzer target: the UTF-8, code point and UTF-16 offset conversions
 * agree with each other and with a character-by-character walk.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Valid text: every conversion round-trips at the boundaries checked (each
 * conversion walks the text, so a long input has a sample of them checked).
 */
static void
fuzz_valid(const char *s, size_t len)
{
	size_t		i = 0, cp = 0, u16 = 0, b, c, u, every;
	uint32_t	v;
	char		enc[4];
	int		k;

	every = len / 16 + 1;
	while (i < len) {
		if (cp % every == 0 && (utf8_cp_to_byte(s, len, cp, &b) != 0 || b != i ||
		    utf8_byte_to_cp(s, len, i, &c) != 0 || c != cp ||
		    utf8_cp_to_u16(s, len, cp, &u) != 0 || u != u16 ||
		    utf8_u16_to_cp(s, len, u16, &c) != 0 || c != cp))
			abort();
		if ((k = utf8_decode(s + i, len - i, &v)) == 0 ||
		    utf8_encode(v, enc) != k || memcmp(enc, s + i,
		    (size_t)k) != 0)
			abort();
		/* Inside a character is not a boundary, nor is the middle
		 * of a surrogate pair. */
		if (cp % every == 0 && ((k > 1 && utf8_byte_to_cp(s, len,
		    i + 1, &c) == 0) || (v > 0xffff && utf8_u16_to_cp(s, len,
		    u16 + 1, &c) == 0)))
			abort();
		i += (size_t)k;
		cp++;
		u16 += v > 0xffff ? 2 : 1;
	}
	if (cp != utf8_cp_count(s, len) || u16 != utf8_u16_count(s, len) ||
	    utf8_cp_to_byte(s, len, cp, &b) != 0 || b != len ||
	    utf8_cp_to_byte(s, len, cp + 1, &b) == 0 ||
	    utf8_u16_to_cp(s, len, u16 + 1, &c) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	size_t		 bad, i = 0;
	uint32_t	 v;
	int		 k;

	if (utf8_valid(s, size, &bad)) {
		fuzz_valid(s, size);
		return (0);
	}
	/* The first bad byte is where the walk first fails to decode. */
	if (bad >= size)
		abort();
	while (i < size && (k = utf8_decode(s + i, size - i, &v)) != 0)
		i += (size_t)k;
	if (i != bad)
		abort();
	return (0);
}
