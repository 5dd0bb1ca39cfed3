/*
 * Validation of ids and names: NFC, and nothing invisible or blank-looking,
 * with the character properties of libunistring rather than tables of our own.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>

#include "ident.h"
#include "textsafe.h"
#include "utf8.h"
#include "xmalloc.h"

static int
ident_is_control(uint32_t cp)
{
	return (uc_is_general_category(cp, UC_CATEGORY_Cc));
}

/* Bidi controls, zero-width characters, U+FEFF, tags: category Cf. */
static int
ident_is_format(uint32_t cp)
{
	return (uc_is_general_category(cp, UC_CATEGORY_Cf) ||
	    uc_is_property_bidi_control(cp));
}

/* No-break, em, ideographic spaces, line separators...: all but U+0020. */
static int
ident_is_space(uint32_t cp)
{
	return (cp != ' ' && uc_is_property_white_space(cp));
}

/*
 * Letters and symbols drawn as nothing, which no property names: the
 * Braille blank, and the Hangul fillers (default-ignorable as well, but
 * called what they look like).
 */
static int
ident_is_blank(uint32_t cp)
{
	static const uint32_t blanks[] = {
		0x115f, 0x1160, 0x2800, 0x3164, 0xffa0
	};
	size_t i;

	for (i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
		if (blanks[i] == cp)
			return (1);
	}
	return (0);
}

/* Combining grapheme joiner, variation selectors, ...: drawn as nothing. */
static int
ident_is_ignorable(uint32_t cp)
{
	return (uc_is_property_default_ignorable_code_point(cp));
}

/* Whatever the one sanitizer would show as a mark, should it know more. */
static int
ident_is_marked(uint32_t cp)
{
	char mark[24];

	return (textsafe_mark(cp, mark));
}

/* What a name may not contain, in the order a character is tested. */
static const struct ident_class {
	int		 (*is)(uint32_t);
	const char	*what;
} ident_classes[] = {
	{ ident_is_control, "a control character" },
	{ ident_is_format, "a format character" },
	{ ident_is_space, "white space other than a space" },
	{ ident_is_blank, "a blank-looking character" },
	{ ident_is_ignorable, "a default-ignorable character" },
	{ ident_is_marked, "a character shown as a mark" },
};

/*
 * s[0..len) with everything but printable ASCII as JSON escapes (\u00e9,
 * \ud83d\ude00), so that two spellings that look alike read differently.
 */
static char *
ident_escape(const char *s, size_t len)
{
	char		*out;
	size_t		 i = 0, o = 0;
	uint32_t	 cp;
	int		 k;

	out = xmalloc(len * 12 + 1);
	while (i < len) {
		if ((k = utf8_decode(s + i, len - i, &cp)) == 0) {
			cp = (unsigned char)s[i];
			k = 1;
		}
		i += (size_t)k;
		if (cp == '"' || cp == '\\')
			o += (size_t)sprintf(out + o, "\\%c", (char)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			out[o++] = (char)cp;
		else if (cp > 0xffff)
			o += (size_t)sprintf(out + o, "\\u%04x\\u%04x",
			    (unsigned int)(0xd800 + ((cp - 0x10000) >> 10)),
			    (unsigned int)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
		else
			o += (size_t)sprintf(out + o, "\\u%04x",
			    (unsigned int)cp);
	}
	out[o] = '\0';
	return (out);
}

/* Refuses a name that is not in NFC, giving both spellings. */
static int
ident_check_nfc(const char *s, size_t len, char **why)
{
	uint8_t	*nfc;
	char	*given, *want;
	size_t	 n;

	if ((nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL,
	    &n)) == NULL) {
		xasprintf(why, "cannot be normalized: %s", strerror(errno));
		return (-1);
	}
	if (n == len && memcmp(nfc, s, len) == 0) {
		free(nfc);
		return (0);
	}
	given = ident_escape(s, len);
	want = ident_escape((const char *)nfc, n);
	xasprintf(why, "not in Unicode normalization form C (\"%s\"); its NFC "
	    "spelling is \"%s\"", given, want);
	free(want);
	free(given);
	free(nfc);
	return (-1);
}

int
ident_check(const char *s, size_t max, char **why)
{
	const struct ident_class	*c;
	size_t				 len = strlen(s), i;
	uint32_t			 cp;
	int				 k, ascii = 1;

	if (len == 0) {
		xasprintf(why, "must not be empty");
		return (-1);
	}
	if (len > max) {
		xasprintf(why, "longer than %zu bytes", max);
		return (-1);
	}
	for (i = 0; i < len; i += (size_t)k) {
		/* Most names are printable ASCII: nothing to look up. */
		k = 1;
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			continue;
		if ((k = utf8_decode(s + i, len - i, &cp)) == 0) {
			xasprintf(why, "not valid UTF-8 (byte %zu)", i + 1);
			return (-1);
		}
		ascii = ascii && cp < 0x80;
		for (c = ident_classes; c < ident_classes +
		    sizeof ident_classes / sizeof ident_classes[0]; c++) {
			if (c->is(cp)) {
				xasprintf(why, "contains a control or "
				    "invisible character at byte %zu (U+%04X, "
				    "%s)", i + 1, (unsigned int)cp, c->what);
				return (-1);
			}
		}
	}
	if (s[0] == ' ' || s[len - 1] == ' ') {
		xasprintf(why, "%s with a space", s[0] == ' ' ? "starts" :
		    "ends");
		return (-1);
	}
	return (ascii ? 0 : ident_check_nfc(s, len, why));
}
