/*
 * The one rule for names that people compare and that are shown as they are:
 * item ids, reviewer logins, team, label, reason code and severity ids,
 * entity and flag types, detector and source names, and the policy's own
 * name and descriptions.
 *
 * Two such names that look the same must be the same bytes, and a name must
 * never need a mark to be shown safely. So a name is valid UTF-8 in Unicode
 * normalization form C (NFC: "café" is one spelling, not two), holds no
 * control, format (bidi controls, zero-width characters), default-ignorable
 * or blank-looking character (U+2800, the Hangul fillers) and no white space
 * but the plain space U+0020, and neither starts nor ends with a space.
 * Spaces and punctuation inside a name are allowed ("a b", "bias.gender").
 */
#ifndef HITL_IDENT_H
#define HITL_IDENT_H

#include <stddef.h>

/* Limits of the names that are not the producer's item ids. */
#define IDENT_NAME_MAX	128		/* logins, team and label ids, ... */
#define IDENT_TEXT_MAX	1024		/* descriptions */

/*
 * Checks s (NUL-terminated) against the rule above and a length of 1 to max
 * bytes. Returns 0, or -1 with *why saying what is wrong without naming the
 * field ("contains a control or invisible character at byte 4 (U+202E, a
 * format character)", "is not in Unicode normalization form C: ...; its NFC
 * spelling is \"caf\\u00e9\""); the caller puts the field's path before it.
 */
int	ident_check(const char *s, size_t max, char **why);

#endif
