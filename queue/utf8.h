/*
 * Strict UTF-8 and the three ways of counting a position in text.
 *
 * Inputs (Presidio, spaCy, Python) give offsets in Unicode code points, end
 * exclusive; C works in UTF-8 bytes; some tools count UTF-16 code units. Every
 * part of hitl converts between them here and nowhere else. Decoding is strict
 * (RFC 3629): overlong forms, surrogates (U+D800..U+DFFF), values past
 * U+10FFFF and truncated sequences are all invalid.
 */
#ifndef HITL_UTF8_H
#define HITL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at s (len bytes available). Returns the sequence's
 * length (1 to 4) and stores the code point in *cp, or returns 0 if the bytes
 * at s do not start a valid sequence (*cp is then the first byte's value).
 * len must be at least 1.
 */
int	utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Encodes cp (a Unicode scalar value) into out (at least 4 bytes). Returns the
 * number of bytes written, or 0 if cp is a surrogate or past U+10FFFF.
 */
int	utf8_encode(uint32_t cp, char *out);

/*
 * Returns 1 if s[0..len) is entirely valid UTF-8. Otherwise returns 0 and, if
 * bad is not NULL, stores the byte offset of the first invalid byte.
 */
int	utf8_valid(const char *s, size_t len, size_t *bad);

/* Number of code points / UTF-16 code units in valid UTF-8 text. */
size_t	utf8_cp_count(const char *s, size_t len);
size_t	utf8_u16_count(const char *s, size_t len);

/*
 * Offset conversions over valid UTF-8 text s[0..len). Each returns 0 and
 * stores the converted offset, or -1 if the offset is past the end of the
 * text (or, for utf8_byte_to_cp, not on a character boundary; for
 * utf8_u16_to_cp, between the two halves of a surrogate pair). An offset equal
 * to the length is valid (it is the end).
 */
int	utf8_cp_to_byte(const char *s, size_t len, size_t cp, size_t *byte);
int	utf8_byte_to_cp(const char *s, size_t len, size_t byte, size_t *cp);
int	utf8_cp_to_u16(const char *s, size_t len, size_t cp, size_t *u16);
int	utf8_u16_to_cp(const char *s, size_t len, size_t u16, size_t *cp);
/*
 * The same as a walk: from byte *off, code point *cp, steps on to code point
 * target (not back), updating both; -1 if the text ends first. Converting
 * sorted offsets by one walk costs the text once, not once per offset.
 */
int	utf8_cp_walk(const char *s, size_t len, size_t *off, size_t *cp,
	    size_t target);

#endif
