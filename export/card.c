/*
 * The dataset directory's split rule and its card (README.md): YAML front
 * matter for load_dataset, and the manifest told in words.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "card.h"
#include "utf8.h"
#include "xmalloc.h"

/* The text of the card as it grows. */
struct card_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void card_printf(struct card_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
card_printf(struct card_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->size - b->len)
			break;
		b->s = xrealloc(b->s, b->size = b->size * 2 + (size_t)n + 1);
	}
	b->len += (size_t)n;
}

int
export_split_is_test(const char *ext_id, double fraction)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	uint64_t	u = 0;
	int		i;

	if (fraction <= 0)
		return (0);
	EVP_Digest(ext_id, strlen(ext_id), md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 8; i++)
		u = u << 8 | md[i];
	/* Dividing by a power of two is exact: only the conversion rounds. */
	return ((double)u / 18446744073709551616.0 < fraction);
}

void
export_card_options(cJSON *o, const struct export_options *opt)
{
	if (opt->layout == NULL)
		return;
	cJSON_AddStringToObject(o, "layout", opt->layout);
	cJSON_AddNumberToObject(o, "test_fraction", opt->test_fraction);
}

cJSON *
export_card_splits(const struct export_split *sp, size_t n)
{
	cJSON	*a, *o;
	size_t	 i;

	a = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "split", sp[i].name);
		cJSON_AddStringToObject(o, "path", sp[i].path);
		cJSON_AddNumberToObject(o, "records", (double)sp[i].records);
		cJSON_AddStringToObject(o, "sha256", sp[i].sha256);
		cJSON_AddItemToArray(a, o);
	}
	return (a);
}

/*
 * Characters that would not show as themselves: controls, line and
 * paragraph separators, bidirectional and zero-width format characters.
 */
static int
card_invisible(uint32_t cp)
{
	return (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0xfffe || cp == 0xffff);
}

/*
 * A string from the database as Markdown text that renders as itself:
 * every ASCII punctuation character backslash-escaped (CommonMark allows it
 * for all of them), invisible characters and invalid bytes shown as
 * [U+XXXX] or [0xXX], and a leading space as an entity, so that nothing in
 * it makes a heading, a list, a link, HTML or code.
 */
static void
card_md(struct card_buf *b, const char *s)
{
	size_t		len = strlen(s), i = 0;
	uint32_t	cp;
	int		n;

	if (s[0] == ' ') {
		card_printf(b, "&#32;");
		i = 1;
	}
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			card_printf(b, "\\[0x%02X\\]", (unsigned char)s[i]);
			i++;
			continue;
		}
		if (card_invisible(cp))
			card_printf(b, "\\[U\\+%04X\\]", (unsigned)cp);
		else if (cp < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
		    (int)cp) != NULL)
			card_printf(b, "\\%c", (char)cp);
		else
			card_printf(b, "%.*s", n, s + i);
		i += (size_t)n;
	}
}

/* A YAML double-quoted scalar: escapes for what would end or break it. */
static void
card_yaml(struct card_buf *b, const char *s)
{
	size_t		len = strlen(s), i = 0;
	uint32_t	cp;
	int		n;

	card_printf(b, "\"");
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			card_printf(b, "\\uFFFD");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			card_printf(b, "\\%c", (char)cp);
		else if (card_invisible(cp))
			card_printf(b, "\\u%04X", (unsigned)cp);
		else
			card_printf(b, "%.*s", n, s + i);
		i += (size_t)n;
	}
	card_printf(b, "\"");
}

/* A hash as code when it is one (hex), else as escaped text. */
static void
card_hex(struct card_buf *b, const char *s)
{
	if (s[0] != '\0' && strspn(s, "0123456789abcdef") == strlen(s))
		card_printf(b, "`%s`", s);
	else
		card_md(b, s);
}

static const char *
card_str(const cJSON *o, const char *key)
{
	const char *s;

	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return (s != NULL ? s : "");
}

static unsigned long long
card_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return (cJSON_IsNumber(v) && v->valuedouble > 0 ?
	    (unsigned long long)v->valuedouble : 0);
}

static const char *
card_s(unsigned long long n)
{
	return (n == 1 ? "" : "s");
}

/* The shortest spelling that reads back as the same double. */
static void
card_double(struct card_buf *b, double d)
{
	char s[32];

	snprintf(s, sizeof s, "%.15g", d);
	if (strtod(s, NULL) != d)
		snprintf(s, sizeof s, "%.17g", d);
	card_printf(b, "%s", s);
}

/* "title:" and one "- name: N" line per count, or nothing when none. */
static void
card_counts(struct card_buf *b, const char *title, const cJSON *o)
{
	const cJSON *v;

	if (cJSON_GetArraySize(o) == 0)
		return;
	card_printf(b, "%s:\n\n", title);
	cJSON_ArrayForEach(v, o) {
		card_printf(b, "- ");
		card_md(b, v->string);
		card_printf(b, ": %llu\n", cJSON_IsNumber(v) ?
		    (unsigned long long)v->valuedouble : 0);
	}
	card_printf(b, "\n");
}

/* HF's size_categories by the number of records. */
static const char *
card_size(unsigned long long n)
{
	static const char *const names[] = { "n<1K", "1K<n<10K",
	    "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M",
	    "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T" };
	unsigned long long	limit = 1000;
	size_t			i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++, limit *= 10) {
		if (n < limit)
			return (names[i]);
	}
	return ("n>1T");
}

/* The task a format's records train for, in HF's task_categories. */
static const char *
card_task(const char *format)
{
	if (strcmp(format, "sft") == 0 || strcmp(format, "dpo") == 0 ||
	    strcmp(format, "kto") == 0)
		return ("text-generation");
	if (strcmp(format, "spans") == 0)
		return ("token-classification");
	if (strcmp(format, "labels") == 0)
		return ("text-classification");
	return (NULL);
}

static void
card_front(struct card_buf *b, const cJSON *m, const struct export_split *sp,
    size_t n)
{
	const char	*format = card_str(m, "format"), *task;
	char		*name;
	size_t		 i;

	card_printf(b, "---\npretty_name: ");
	xasprintf(&name, "hitl %s export", format);
	card_yaml(b, name);
	free(name);
	card_printf(b, "\ntags:\n- hitl\n- human-review\n- ");
	card_yaml(b, format);
	card_printf(b, "\n");
	if ((task = card_task(format)) != NULL)
		card_printf(b, "task_categories:\n- %s\n", task);
	card_printf(b, "size_categories:\n- \"%s\"\n",
	    card_size(card_num(m, "records")));
	if (n > 0) {
		card_printf(b, "configs:\n- config_name: default\n"
		    "  data_files:\n");
		for (i = 0; i < n; i++) {
			card_printf(b, "  - split: %s\n    path: ", sp[i].name);
			card_yaml(b, sp[i].path);
			card_printf(b, "\n");
		}
	}
	card_printf(b, "---\n\n");
}

static void
card_reviewed(struct card_buf *b, const cJSON *m, const struct export_split *sp,
    size_t n)
{
	const cJSON		*counts, *pv, *d, *o, *v;
	unsigned long long	 records = card_num(m, "records"), r;
	int			 np, i;
	size_t			 k;

	counts = cJSON_GetObjectItemCaseSensitive(m, "counts");
	card_printf(b, "## What was reviewed\n\n%llu record%s", records,
	    card_s(records));
	for (k = 0; k < n; k++)
		card_printf(b, "%s%llu in the %s split", k == 0 ? ": " :
		    k + 1 == n ? " and " : ", ", (unsigned long long)
		    sp[k].records, sp[k].name);
	card_printf(b, ".\n\n");
	card_counts(b, "By kind of item", cJSON_GetObjectItemCaseSensitive(
	    counts, "kind"));
	card_counts(b, "By action", cJSON_GetObjectItemCaseSensitive(counts,
	    "action"));
	card_counts(b, "By label", cJSON_GetObjectItemCaseSensitive(counts,
	    "label"));
	card_counts(b, "By entity type", cJSON_GetObjectItemCaseSensitive(
	    counts, "entity_type"));

	r = card_num(m, "reviewers");
	pv = cJSON_GetObjectItemCaseSensitive(m, "policy_versions");
	np = cJSON_GetArraySize(pv);
	card_printf(b, "Decided by %llu reviewer%s", r, card_s(r));
	if (np > 0)
		card_printf(b, " under policy version%s", np == 1 ? "" : "s");
	for (i = 0; i < np; i++) {
		v = cJSON_GetArrayItem(pv, i);
		card_printf(b, "%s%lld", i == 0 ? " " : i + 1 == np ? " and " :
		    ", ", cJSON_IsNumber(v) ? (long long)v->valuedouble : 0);
	}
	d = cJSON_GetObjectItemCaseSensitive(m, "decisions");
	if (cJSON_GetObjectItemCaseSensitive(d, "first_at") != NULL) {
		card_printf(b, ", from ");
		card_md(b, card_str(d, "first_at"));
		card_printf(b, " to ");
		card_md(b, card_str(d, "last_at"));
	}
	if (card_num(d, "through") > card_num(d, "after"))
		card_printf(b, ": the decisions after number %llu through "
		    "number %llu of the database.", card_num(d, "after"),
		    card_num(d, "through"));
	else
		card_printf(b, ", in none of the database's numbered "
		    "decisions.");
	o = cJSON_GetObjectItemCaseSensitive(m, "options");
	card_printf(b, " Decisions made by the policy, without a reviewer, "
	    "are %s.\n\n", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "include_auto")) ? "included" : "left out");

	o = cJSON_GetObjectItemCaseSensitive(m, "skipped");
	if (cJSON_GetArraySize(o) == 0)
		card_printf(b, "Nothing was left out.\n\n");
	else
		card_counts(b, "Left out because their consumer could not "
		    "load them", o);
}

static void
card_personal(struct card_buf *b, const cJSON *m)
{
	const char	*red = card_str(m, "redaction");
	const cJSON	*c, *p;

	card_printf(b, "## Redaction and personal data\n\n");
	if (strcmp(red, "replace") == 0)
		card_printf(b, "Personal data that a reviewer confirmed is "
		    "replaced by its entity type (such as \\<PERSON\\>), in "
		    "every spelling of the value.");
	else if (strcmp(red, "mask") == 0)
		card_printf(b, "Personal data that a reviewer confirmed is "
		    "masked with asterisks, in every spelling of the value.");
	else if (strcmp(red, "hash") == 0)
		card_printf(b, "Personal data that a reviewer confirmed is "
		    "replaced by its entity type and a keyed hash of the value "
		    "(such as \\<PERSON:1a2b3c4d5e6f\\>), the same value hashing "
		    "alike in every export of the database.");
	else if (strcmp(red, "none") == 0)
		card_printf(b, "Nothing is redacted.");
	else {
		card_printf(b, "Redaction: ");
		card_md(b, red);
		card_printf(b, ".");
	}
	c = cJSON_GetObjectItemCaseSensitive(m, "contains_personal_data");
	if (cJSON_IsTrue(c))
		card_printf(b, " **The files contain personal data.**");
	else if (cJSON_IsString(c) && strcmp(c->valuestring, "possible") == 0)
		card_printf(b, " **The files may contain personal data**: "
		    "some of the items carried personal-data flags that "
		    "redaction could not act on.");
	else if (cJSON_IsFalse(c))
		card_printf(b, " No personal data is known to remain: nothing "
		    "flagged as personal data is left unredacted. Text that "
		    "no detector or reviewer flagged was not checked.");
	else
		card_printf(b, " Whether the files contain personal data is "
		    "not known.");
	p = cJSON_GetObjectItemCaseSensitive(m, "pseudonymized");
	if (cJSON_IsTrue(p))
		card_printf(b, " Values are pseudonymized, not anonymized: a "
		    "keyed hash links the same value across records.");
	else if (cJSON_IsString(p)) {
		card_printf(b, " Pseudonymized: ");
		card_md(b, p->valuestring);
		card_printf(b, ".");
	}
	card_printf(b, "\n\n");
}

char *
export_card_text(const cJSON *m, const struct export_split *sp, size_t n)
{
	struct card_buf	 b;
	const cJSON	*o;
	const char	*format = card_str(m, "format");
	size_t		 i;

	b.size = 4096;
	b.s = xmalloc(b.size);
	b.s[0] = '\0';
	b.len = 0;
	card_front(&b, m, sp, n);
	card_printf(&b, "# hitl %s export\n\nThe outcomes of reviewing LLM "
	    "outputs in hitl, a console for human oversight, exported as `%s` "
	    "records (format version ", format, format);
	card_md(&b, card_str(m, "format_version"));
	card_printf(&b, "). `manifest.json` says the same in numbers.\n\n");
	card_reviewed(&b, m, sp, n);
	card_personal(&b, m);

	o = cJSON_GetObjectItemCaseSensitive(m, "options");
	card_printf(&b, "## Splits\n\nAn item goes to the test split when "
	    "the first 8 bytes of the SHA-256 of its id, read as a big-endian "
	    "fraction of 2^64, are below ");
	card_double(&b, cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	    o, "test_fraction")));
	card_printf(&b, ", and to the train split otherwise: an item stays in "
	    "its split from one export to the next. Only splits with records "
	    "are written.\n\n## Files\n\n");
	for (i = 0; i < n; i++)
		card_printf(&b, "- `%s`: the %s split, %llu record%s, SHA-256 "
		    "`%s`\n", sp[i].path, sp[i].name, (unsigned long long)
		    sp[i].records, card_s(sp[i].records), sp[i].sha256);
	card_printf(&b, "- `manifest.json`: the manifest, with this card's "
	    "SHA-256; hitl's record of the run (`hitl export --history`) "
	    "holds the manifest's.\n\nWhen the files were written, the audit "
	    "log's head was ");
	card_hex(&b, card_str(m, "audit_head"));
	card_printf(&b, " (`hitl audit verify --expect` checks a log against "
	    "it).\n");
	return (b.s);
}
