/*
 * Canonical digests of stored rows: import computes one over what it stores
 * of a batch's items, audit verify recomputes it from the columns, so an
 * item edited behind hitl's back is found whatever rules imported it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"
#include "xmalloc.h"

/* Each value: a tag, then 8 bytes big-endian (a length or the value). */
#define DIGEST_NULL	'n'
#define DIGEST_STR	's'
#define DIGEST_INT	'i'
#define DIGEST_REAL	'r'

void
digest_init(struct digest *d)
{
	memset(d, 0, sizeof d[0]);
	if ((d->ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL))
		d->failed = 1;
}

static void
digest_put(struct digest *d, int tag, uint64_t v, const void *p, size_t n)
{
	unsigned char	*o;
	int		 i;

	if (d->len + 9 + n > d->cap) {
		d->cap = (d->len + 9 + n) * 2 + 256;
		d->buf = xrealloc(d->buf, d->cap);
	}
	o = d->buf + d->len;
	*o++ = (unsigned char)tag;
	for (i = 7; i >= 0; i--)
		*o++ = (unsigned char)(v >> (8 * i));
	if (n > 0)
		memcpy(o, p, n);
	d->len += 9 + n;
}

void
digest_str(struct digest *d, const char *s)
{
	size_t n;

	if (s == NULL) {
		digest_put(d, DIGEST_NULL, 0, NULL, 0);
		return;
	}
	n = strlen(s);
	digest_put(d, DIGEST_STR, n, s, n);
}

void
digest_int(struct digest *d, int64_t v)
{
	digest_put(d, DIGEST_INT, (uint64_t)v, NULL, 0);
}

/* The double's own bits: no printing, no rounding. */
void
digest_real(struct digest *d, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof bits);
	digest_put(d, DIGEST_REAL, bits, NULL, 0);
}

/* One call into the hash per row: small updates cost more than bytes. */
void
digest_flush(struct digest *d)
{
	if (d->len > 0 && !d->failed &&
	    !EVP_DigestUpdate(d->ctx, d->buf, d->len))
		d->failed = 1;
	d->len = 0;
}

int
digest_final(struct digest *d, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	digest_flush(d);
	if (d->failed || !EVP_DigestFinal_ex(d->ctx, md, &mdlen) ||
	    mdlen != 32)
		return (-1);
	queue_hex(md, 32, hex);
	return (0);
}

void
digest_done(struct digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	free(d->buf);
	memset(d, 0, sizeof d[0]);
}

void
digest_item(struct digest *d, const struct digest_item *it)
{
	digest_str(d, it->ext_id);
	digest_str(d, it->kind);
	digest_int(d, it->auto_decided);
	digest_real(d, it->priority);
	digest_int(d, it->spot_check);
	digest_str(d, it->top_type);
	if (it->top_type != NULL)
		digest_real(d, it->top_score);
	digest_str(d, it->created_at);
	digest_str(d, it->imported_at);
	digest_str(d, it->src_file);
	digest_int(d, it->src_line);
	digest_int(d, it->policy_version);
	digest_str(d, it->source_model);
	digest_str(d, it->source_pipeline);
	digest_str(d, it->source);
	digest_str(d, it->metadata);
	digest_str(d, it->prompt);
	digest_str(d, it->messages);
	digest_str(d, it->text);
}

void
digest_flag(struct digest *d, int64_t idx, const char *type, double score,
    const char *detector, const char *rationale, int has_offsets,
    int64_t start, int64_t end)
{
	digest_str(d, "flag");
	digest_int(d, idx);
	digest_str(d, type);
	digest_real(d, score);
	digest_str(d, detector);
	digest_str(d, rationale);
	digest_int(d, has_offsets);
	if (has_offsets) {
		digest_int(d, start);
		digest_int(d, end);
	}
}

void
digest_span(struct digest *d, int64_t idx, const char *entity_type,
    int64_t start, int64_t end, double score, const char *recognizer,
    const char *explanation, const char *triage)
{
	digest_str(d, "span");
	digest_int(d, idx);
	digest_str(d, entity_type);
	digest_int(d, start);
	digest_int(d, end);
	digest_real(d, score);
	digest_str(d, recognizer);
	digest_str(d, explanation);
	digest_str(d, triage);
}
