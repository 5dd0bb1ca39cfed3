/*
 * Personal data in exports: which strings a decision confirmed as personal
 * data, and their replacement wherever they occur (Presidio's "replace" by
 * default; mask, keyed hash or none on request).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sink.h"
#include "utf8.h"
#include "xmalloc.h"

void
export_pii_add(struct export_pii *p, const char *text, size_t start,
    size_t end, const char *type)
{
	size_t	bs, be, len = strlen(text), i;

	if (utf8_cp_to_byte(text, len, start, &bs) != 0 ||
	    utf8_cp_to_byte(text, len, end, &be) != 0 || be <= bs)
		return;
	for (i = 0; i < p->n; i++) {
		if (strlen(p->text[i]) == be - bs &&
		    memcmp(p->text[i], text + bs, be - bs) == 0)
			return;
	}
	p->text = xreallocarray(p->text, p->n + 1, sizeof *p->text);
	p->type = xreallocarray(p->type, p->n + 1, sizeof *p->type);
	p->text[p->n] = xstrndup(text + bs, be - bs);
	p->type[p->n++] = xstrdup(type);
}

void
export_pii_done(struct export_pii *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->text[i]);
		free(p->type[i]);
	}
	free(p->text);
	free(p->type);
	memset(p, 0, sizeof *p);
}

static const char *
redact_verdict(const cJSON *spans, size_t i, const char **type)
{
	const cJSON	*s = cJSON_GetArrayItem(spans, (int)i);
	const char	*v;

	v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s,
	    "verdict"));
	*type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s,
	    "entity_type"));
	return (v != NULL ? v : "accepted");
}

static void
redact_spans(const struct queue_item *it, const cJSON *corr,
    struct export_pii *p)
{
	const cJSON	*spans, *added, *a;
	const char	*v, *type;
	size_t		 i;

	spans = cJSON_GetObjectItemCaseSensitive(corr, "spans");
	for (i = 0; i < it->nspans; i++) {
		v = redact_verdict(spans, i, &type);
		if (strcmp(v, "rejected") == 0)
			continue;
		export_pii_add(p, it->text, it->spans[i].start,
		    it->spans[i].end, type != NULL ? type :
		    it->spans[i].entity_type);
	}
	added = cJSON_GetObjectItemCaseSensitive(corr, "added");
	cJSON_ArrayForEach(a, added) {
		export_pii_add(p, it->text, (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "start")),
		    (size_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(a, "end")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a,
		    "entity_type")));
	}
}

/*
 * Confirmed personal data: the spans a reviewer kept (or, approved, the
 * spans proposed; by the policy, the accepted ones), and the pii.* flags
 * with offsets a reviewer confirmed (all of them in a rejected output).
 */
void
export_pii_find(const struct queue_outcome *o, struct export_pii *p)
{
	const struct queue_item	*it = o->item;
	cJSON			*payload, *corr = NULL;
	const cJSON		*flags, *f;
	const char		*outcome = NULL, *v;
	size_t			 i;
	int			 all_pii = 0;

	memset(p, 0, sizeof *p);
	payload = export_payload(o->final);
	if (o->final != NULL && strcmp(o->final->action, "resolve") == 0) {
		outcome = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(payload, "outcome"));
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
		all_pii = outcome != NULL && strcmp(outcome, "reject") == 0;
	} else if (o->final != NULL && strcmp(o->final->action, "correct") ==
	    0)
		corr = payload;

	if (it->kind == QUEUE_KIND_ANONYMIZATION) {
		if (corr != NULL)
			redact_spans(it, corr, p);
		else {
			for (i = 0; i < it->nspans; i++) {
				if (strcmp(it->spans[i].triage, "rejected") ==
				    0 || (o->final == NULL &&
				    strcmp(it->spans[i].triage, "accepted")))
					continue;
				export_pii_add(p, it->text,
				    it->spans[i].start, it->spans[i].end,
				    it->spans[i].entity_type);
			}
		}
		cJSON_Delete(payload);
		return;
	}
	flags = cJSON_GetObjectItemCaseSensitive(corr, "flags");
	for (i = 0; i < it->nflags; i++) {
		if (strncmp(it->flags[i].type, "pii", 3) != 0 ||
		    (it->flags[i].type[3] != '\0' &&
		    it->flags[i].type[3] != '.') || !it->flags[i].has_offsets)
			continue;
		f = cJSON_GetArrayItem(flags, (int)i);
		v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f,
		    "verdict"));
		if (all_pii || (v != NULL && strcmp(v, "confirmed") == 0))
			export_pii_add(p, it->text, it->flags[i].start,
			    it->flags[i].end, it->flags[i].type);
	}
	cJSON_Delete(payload);
}

/* A keyed hash keeps 128 bits: too many to search for a phone number. */
#define REDACT_HASH_BYTES	16

static char *
redact_one(const char *value, const char *type, enum export_redact mode,
    const unsigned char *key)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 mdlen = 0;
	char		*out, hex[2 * REDACT_HASH_BYTES + 1];
	size_t		 n;

	switch (mode) {
	case EXPORT_REDACT_MASK:
		n = utf8_cp_count(value, strlen(value));
		out = xmalloc(n + 1);
		memset(out, '*', n);
		out[n] = '\0';
		return (out);
	case EXPORT_REDACT_HASH:
		/*
		 * HMAC-SHA-256 under the database's redaction key: the same
		 * value hashes the same way in every export, and nobody
		 * without the key can test guesses against it.
		 */
		if (key == NULL || EVP_Q_mac(NULL, "HMAC", NULL, "SHA256",
		    NULL, key, 32, (const unsigned char *)value, strlen(value),
		    md, sizeof md, &mdlen) == NULL || mdlen < REDACT_HASH_BYTES)
			memset(md, 0, sizeof md);
		queue_hex(md, REDACT_HASH_BYTES, hex);
		xasprintf(&out, "<%s:%s>", type, hex);
		return (out);
	default:
		xasprintf(&out, "<%s>", type);
		return (out);
	}
}

char *
export_redact_text_mode(const struct export_pii *p, const char *text,
    enum export_redact mode, const unsigned char *key)
{
	char	*out, *rep;
	size_t	 o = 0, cap, i, best, blen, len;
	size_t	 pos = 0, tlen;

	if (text == NULL)
		return (NULL);
	tlen = strlen(text);
	if (mode == EXPORT_REDACT_NONE || p->n == 0)
		return (xstrdup(text));
	cap = tlen + 64;
	out = xmalloc(cap);
	while (pos < tlen) {
		best = p->n;
		blen = 0;
		for (i = 0; i < p->n; i++) {
			len = strlen(p->text[i]);
			if (len > blen && len <= tlen - pos &&
			    memcmp(text + pos, p->text[i], len) == 0) {
				best = i;
				blen = len;
			}
		}
		if (best == p->n) {
			if (o + 1 >= cap)
				out = xrealloc(out, cap *= 2);
			out[o++] = text[pos++];
			continue;
		}
		rep = redact_one(p->text[best], p->type[best], mode, key);
		len = strlen(rep);
		while (o + len + 1 >= cap)
			out = xrealloc(out, cap *= 2);
		memcpy(out + o, rep, len);
		o += len;
		free(rep);
		pos += blen;
	}
	out[o] = '\0';
	return (out);
}
