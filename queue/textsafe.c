/*
 * Making untrusted text visible rather than interpreted: the one place that
 * decides how control, bidi and invisible characters are shown, as marks in
 * text and as \u escapes in JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>

#include "textsafe.h"
#include "utf8.h"
#include "xmalloc.h"

int
textsafe_is_hidden(uint32_t cp)
{
	return ((cp >= 0x200b && cp <= 0x200f) ||	/* ZW space, ZWJ, marks */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* bidi embeddings */
	    (cp >= 0x2060 && cp <= 0x2064) ||		/* word joiner, ... */
	    (cp >= 0x2066 && cp <= 0x2069) ||		/* bidi isolates */
	    cp == 0x061c || cp == 0x00ad || cp == 0xfeff ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x180e ||
	    (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0xe0000 && cp <= 0xe007f));		/* tag characters */
}

/* What may stand between an emoji and a ZWJ: FE0F, a skin tone. */
static int
textsafe_emoji_trail(uint32_t cp)
{
	return (cp == 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff));
}

int
textsafe_zwj_joins(const char *s, size_t len, size_t at)
{
	uint32_t	cp;
	size_t		i = at;
	int		k;

	if (at >= len || (k = utf8_decode(s + at, len - at, &cp)) == 0 ||
	    cp != 0x200d)
		return (0);
	/* The emoji after it... */
	if (utf8_decode(s + at + k, len - at - k, &cp) == 0 ||
	    !uc_is_property_extended_pictographic(cp))
		return (0);
	/* ...and the one before, over its presentation and modifier. */
	for (;;) {
		if (i == 0)
			return (0);
		do
			i--;
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80);
		/* The character must end where the next begins: stray
		 * continuation bytes are shown as marks, which join nothing. */
		if (utf8_decode(s + i, at - i, &cp) != (int)(at - i))
			return (0);
		if (!textsafe_emoji_trail(cp))
			return (uc_is_property_extended_pictographic(cp));
		at = i;
	}
}

void
textsafe_mark_code(uint32_t cp, char out[24])
{
	snprintf(out, 24, "\xe2\x9f\xa8U+%04X\xe2\x9f\xa9", (unsigned int)cp);
}

void
textsafe_mark_byte(unsigned char b, char out[24])
{
	snprintf(out, 24, "\xe2\x9f\xa8\\x%02x\xe2\x9f\xa9", b);
}

int
textsafe_mark(uint32_t cp, char out[24])
{
	if (cp == 0x1b) {
		snprintf(out, 24, "^[");
		return (1);
	}
	if (cp == '\r') {
		snprintf(out, 24, "\xe2\x90\x8d");	/* ␍ */
		return (1);
	}
	if (cp < 0x20) {
		snprintf(out, 24, "^%c", (char)(cp + 0x40));
		return (1);
	}
	if (cp == 0x7f) {
		snprintf(out, 24, "^?");
		return (1);
	}
	/* C1 controls (CSI as U+009B among them) and hidden characters. */
	if ((cp >= 0x80 && cp < 0xa0) || textsafe_is_hidden(cp)) {
		textsafe_mark_code(cp, out);
		return (1);
	}
	return (0);
}

char *
textsafe_copy(const char *s, size_t len, int flags, int *hidden)
{
	char		*out, mark[24];
	size_t		 i = 0, o = 0, cap, n;
	uint32_t	 cp;
	int		 k;

	if (hidden != NULL)
		*hidden = 0;
	cap = len * 2 + 16;
	out = xmalloc(cap);
	while (i < len) {
		if (o + 32 > cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		k = utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			textsafe_mark_byte((unsigned char)s[i], mark);
			n = strlen(mark);
			memcpy(out + o, mark, n);
			o += n;
			if (hidden != NULL)
				*hidden = 1;
			i++;
			continue;
		}
		if ((cp == '\n' && (flags & TEXTSAFE_KEEP_NEWLINES)) ||
		    (cp == '\t' && (flags & TEXTSAFE_KEEP_TABS)) ||
		    !textsafe_mark(cp, mark) || textsafe_zwj_joins(s, len, i)) {
			memcpy(out + o, s + i, (size_t)k);
			o += (size_t)k;
		} else {
			n = strlen(mark);
			memcpy(out + o, mark, n);
			o += n;
			if (hidden != NULL)
				*hidden = 1;
		}
		i += (size_t)k;
	}
	out[o] = '\0';
	return (out);
}

const char *
textsafe_first_unsafe(const char *s)
{
	char		mark[24];
	size_t		i = 0, len = strlen(s);
	uint32_t	cp;
	int		k;

	while (i < len) {
		if ((k = utf8_decode(s + i, len - i, &cp)) == 0 ||
		    (textsafe_mark(cp, mark) && !textsafe_zwj_joins(s, len, i)))
			return (s + i);
		i += (size_t)k;
	}
	return (NULL);
}

/* Appends "\uXXXX" (6 bytes) for one UTF-16 code unit. */
static size_t
textsafe_json_unit(char *out, uint32_t unit)
{
	snprintf(out, 7, "\\u%04x", (unsigned int)(unit & 0xffff));
	return (6);
}

char *
textsafe_json(const char *json)
{
	char		*out, mark[24];
	size_t		 i = 0, o = 0, len = strlen(json), cap;
	uint32_t	 cp;
	int		 k;

	cap = len + 16;
	out = xmalloc(cap);
	while (i < len) {
		if (o + 16 > cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		/* ASCII below DEL: the layout, and strings as escaped. */
		if ((unsigned char)json[i] < 0x7f) {
			out[o++] = json[i++];
			continue;
		}
		if ((k = utf8_decode(json + i, len - i, &cp)) == 0) {
			o += textsafe_json_unit(out + o, 0xfffd);
			i++;
			continue;
		}
		if (!textsafe_mark(cp, mark)) {
			memcpy(out + o, json + i, (size_t)k);
			o += (size_t)k;
		} else if (cp > 0xffff) {
			cp -= 0x10000;
			o += textsafe_json_unit(out + o, 0xd800 + (cp >> 10));
			o += textsafe_json_unit(out + o, 0xdc00 + (cp & 0x3ff));
		} else
			o += textsafe_json_unit(out + o, cp);
		i += (size_t)k;
	}
	out[o] = '\0';
	return (out);
}
