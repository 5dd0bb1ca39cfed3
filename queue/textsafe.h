/*
 * Untrusted text made safe to show: control characters, escape sequences,
 * bidi overrides and invisible characters become visible marks, invalid
 * UTF-8 bytes become ⟨\xff⟩; in JSON output the same characters become \u
 * escapes. Nothing in the result can steer a terminal.
 */
#ifndef HITL_TEXTSAFE_H
#define HITL_TEXTSAFE_H

#include <stddef.h>
#include <stdint.h>

#define TEXTSAFE_KEEP_NEWLINES	0x1	/* keep \n as a line break */
#define TEXTSAFE_KEEP_TABS	0x2	/* keep \t (the caller expands it) */

/*
 * How a code point is shown: 0 as itself, else its replacement is written to
 * out (at most 24 bytes, NUL-terminated) and 1 returned.
 */
int	textsafe_mark(uint32_t cp, char out[24]);

/* The marks themselves: ⟨U+202E⟩ for a code point, ⟨\xff⟩ for a bad byte. */
void	textsafe_mark_code(uint32_t cp, char out[24]);
void	textsafe_mark_byte(unsigned char b, char out[24]);

/* 1 for bidi controls, zero-width and other invisible format characters. */
int	textsafe_is_hidden(uint32_t cp);
/*
 * Whether s[at] (of s[0..len)) is a zero-width joiner inside an emoji ZWJ
 * sequence (UTS #51: an Extended_Pictographic character before it, with
 * its U+FE0F or skin-tone modifier, and one after it, as in 👩‍💻):
 * that joiner is part of what the reader sees and is shown as itself.
 */
int	textsafe_zwj_joins(const char *s, size_t len, size_t at);

/*
 * The first character of s (NUL-terminated UTF-8) that would have to be
 * shown as a mark, or NULL: names and ids must not contain any.
 */
const char *textsafe_first_unsafe(const char *s);

/*
 * Returns a newly allocated, sanitized copy of s[0..len). If hidden is not
 * NULL it is set when anything had to be made visible.
 */
char	*textsafe_copy(const char *s, size_t len, int flags, int *hidden);

/*
 * JSON text as cJSON prints it, made safe for a terminal: every character
 * from DEL up that textsafe_mark would show as a mark (DEL, C1 controls,
 * bidi and invisible characters) becomes a \u escape, a surrogate pair past
 * U+FFFF; a byte that is not UTF-8 becomes \ufffd. cJSON already escapes
 * the C0 controls inside strings, and outside strings prints nothing but
 * ASCII, so the result parses to the same value. Returns a new string.
 */
char	*textsafe_json(const char *json);

#endif
