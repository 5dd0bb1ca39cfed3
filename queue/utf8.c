/*
 * Strict UTF-8 decoding and encoding, and conversion of text offsets between
 * code points, UTF-8 bytes and UTF-16 code units.
 */
#include "config.h"

#include "utf8.h"

/*
 * Length in bytes of the character at s, always at least 1. The conversions
 * are documented for valid text only, but a bad byte must not stall or
 * overrun the walk, so it is stepped over as one character of its own (as a
 * decoder substituting U+FFFD would count it).
 */
static size_t
utf8_step(const char *s, size_t len, uint32_t *cp)
{
	int	n;

	n = utf8_decode(s, len, cp);
	return (n == 0 ? 1 : (size_t)n);
}

/* Code points past the BMP need a surrogate pair in UTF-16. */
static size_t
utf8_u16_units(uint32_t cp)
{
	return (cp > 0xffff ? 2 : 1);
}

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	unsigned char		 lo = 0x80, hi = 0xbf;
	size_t			 n, i;

	if (len == 0) {
		*cp = 0;
		return (0);
	}
	c = p[0];
	*cp = c;

	/*
	 * The lead byte fixes the length. The ranges allowed for the second
	 * byte are narrowed where RFC 3629 says so, which is what rules out
	 * overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values
	 * past U+10FFFF (F4 90..BF); C0, C1 and F5..FF can never start a valid
	 * sequence and 80..BF are continuation bytes.
	 */
	if (c < 0x80)
		return (1);
	if (c < 0xc2)
		return (0);
	if (c < 0xe0) {
		n = 2;
		c &= 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		c &= 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		n = 4;
		c &= 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (len < n)
		return (0);

	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return (0);
		/* Only the second byte has a narrowed range. */
		lo = 0x80;
		hi = 0xbf;
		c = (c << 6) | (p[i] & 0x3f);
	}
	*cp = c;
	return ((int)n);
}

int
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*p = (unsigned char *)out;

	if (cp < 0x80) {
		p[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		p[0] = 0xc0 | (cp >> 6);
		p[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			return (0);
		p[0] = 0xe0 | (cp >> 12);
		p[1] = 0x80 | ((cp >> 6) & 0x3f);
		p[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	if (cp <= 0x10ffff) {
		p[0] = 0xf0 | (cp >> 18);
		p[1] = 0x80 | ((cp >> 12) & 0x3f);
		p[2] = 0x80 | ((cp >> 6) & 0x3f);
		p[3] = 0x80 | (cp & 0x3f);
		return (4);
	}
	return (0);
}

int
utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t		off = 0;
	uint32_t	cp;
	int		n;

	while (off < len) {
		/* Most input is ASCII: step over it without decoding. */
		if ((unsigned char)s[off] < 0x80) {
			off++;
			continue;
		}
		n = utf8_decode(s + off, len - off, &cp);
		if (n == 0) {
			/* Report where the bad sequence starts. */
			if (bad != NULL)
				*bad = off;
			return (0);
		}
		off += n;
	}
	return (1);
}

size_t
utf8_cp_count(const char *s, size_t len)
{
	size_t		off = 0, count = 0;
	uint32_t	cp;

	while (off < len) {
		off += utf8_step(s + off, len - off, &cp);
		count++;
	}
	return (count);
}

size_t
utf8_u16_count(const char *s, size_t len)
{
	size_t		off = 0, count = 0;
	uint32_t	cp;

	while (off < len) {
		off += utf8_step(s + off, len - off, &cp);
		count += utf8_u16_units(cp);
	}
	return (count);
}

int
utf8_cp_walk(const char *s, size_t len, size_t *off, size_t *cp,
    size_t target)
{
	uint32_t	c;

	while (*cp < target && *off < len) {
		*off += utf8_step(s + *off, len - *off, &c);
		(*cp)++;
	}
	return (*cp == target ? 0 : -1);
}

int
utf8_cp_to_byte(const char *s, size_t len, size_t cp, size_t *byte)
{
	size_t	off = 0, count = 0;

	if (utf8_cp_walk(s, len, &off, &count, cp) != 0)
		return (-1);
	*byte = off;
	return (0);
}

int
utf8_byte_to_cp(const char *s, size_t len, size_t byte, size_t *cp)
{
	size_t		off = 0, count = 0;
	uint32_t	c;

	if (byte > len)
		return (-1);
	while (off < byte) {
		off += utf8_step(s + off, len - off, &c);
		count++;
	}
	/* Overshooting means byte fell inside a character. */
	if (off != byte)
		return (-1);
	*cp = count;
	return (0);
}

int
utf8_cp_to_u16(const char *s, size_t len, size_t cp, size_t *u16)
{
	size_t		off = 0, count = 0, units = 0;
	uint32_t	c;

	while (count < cp && off < len) {
		off += utf8_step(s + off, len - off, &c);
		units += utf8_u16_units(c);
		count++;
	}
	if (count != cp)
		return (-1);
	*u16 = units;
	return (0);
}

int
utf8_u16_to_cp(const char *s, size_t len, size_t u16, size_t *cp)
{
	size_t		off = 0, count = 0, units = 0;
	uint32_t	c;

	while (units < u16 && off < len) {
		off += utf8_step(s + off, len - off, &c);
		units += utf8_u16_units(c);
		count++;
	}
	/*
	 * Running out of text leaves units short; overshooting means u16
	 * pointed between the halves of a surrogate pair.
	 */
	if (units != u16)
		return (-1);
	*cp = count;
	return (0);
}
