/*
 * Personal data in exports: which strings a decision confirmed as personal
 * data, and their replacement wherever they occur, in any spelling that
 * folds to the same value (Presidio's "replace" by default; mask, keyed
 * hash or none on request).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <unicase.h>
#include <unictype.h>
#include <unigbrk.h>
#include <uninorm.h>
#include <uniwbrk.h>

#include "sink.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Matching is on folded text: per grapheme cluster, the default-ignorable
 * characters (zero-width spaces and joiners, variation selectors, soft
 * hyphens) dropped, then Unicode full case folding and NFKC. Folding a
 * cluster at a time keeps a map from folded bytes back to the text's, and
 * makes a match that starts or ends inside a cluster impossible to state.
 * A value folds alike: JOHN@EXAMPLE.COM, john@example.com, John@Exam<ZWSP>
 * ple.com and the fullwidth ｊｏｈｎ@... are one value; J.Smith is not
 * john.smith (folding changes no letters but their case).
 */
#define REDACT_NONE	UINT32_MAX

struct redact_fold {
	char		*buf;		/* the folded text */
	size_t		 len;
	size_t		*ostart;	/* per cluster: first byte in the text */
	size_t		*fstart;	/* per cluster: first byte in buf */
	size_t		 nclu;		/* [nclu]: the ends */
	uint32_t	*at;		/* per byte of buf and its end: the first
					   cluster starting there, or NONE */
};

struct redact_value {
	char		*fold;
	size_t		 len;
	int		 free_start;	/* confirmed inside a word: its start */
	int		 free_end;	/* or its end need not be a boundary */
};

/*
 * Aho-Corasick over the folded values: one pass over a folded text finds
 * every occurrence of every value, in time linear in the text, the values
 * and the occurrences (a hash of substrings at word boundaries would cost
 * the text times the longest value). A node's first child is the next
 * node, beside it in memory (for most nodes their only one); the root's
 * edges are a table; the other edges of a fork are one hash table keyed by
 * (node, byte): a 256-wide table per node would take a kilobyte a node.
 */
struct redact_node {
	uint32_t	 fail;		/* longest proper suffix in the trie */
	uint32_t	 out;		/* nearest value node on the fail chain,
					   itself included; 0: none */
	uint32_t	 child;		/* first child, in byte order */
	uint32_t	 sibling;	/* the next one */
	uint32_t	 depth;
	uint32_t	 value;		/* NONE unless a value ends here */
	unsigned char	 byte;		/* on the edge from the parent */
};

struct redact_edge {
	uint64_t	 key;		/* node << 8 | byte, + 1; 0: empty */
	uint32_t	 dst;
};

struct export_pii_index {
	struct redact_value	*v;
	size_t			 cap;
	uint32_t		*set;		/* value index + 1, 0: empty */
	size_t			 nset;		/* a power of two */
	/*
	 * The text offsets are into (the item's, known by its address and
	 * length: it does not change in place while the index lives), its
	 * breaks, and, once it is redacted, its fold and the result: the
	 * original and a final left as it was are one text, folded and
	 * redacted once.
	 */
	const char		*src;
	size_t			 srclen;
	char			*src_gb;
	char			*src_wb;
	size_t			*src_cp;	/* byte of every 32nd code point */
	size_t			 src_ncp;
	struct redact_fold	 src_fold;
	int			 src_folded;
	size_t			 src_hint;	/* the cluster of the last value */
	char			*src_out;	/* it redacted, under: */
	size_t			 src_out_n;	/* the first n values */
	enum export_redact	 src_out_mode;
	int			 src_out_keyed;
	unsigned char		 src_out_key[32];
	/* The matcher, over the first built values. */
	struct redact_node	*node;
	size_t			 nnode;
	struct redact_edge	*edge;
	size_t			 nedge;		/* a power of two */
	uint32_t		 root[256];	/* the root's edges; 0: none */
	size_t			 built;
};

#define REDACT_CP_STEP	32

static size_t
redact_seqlen(unsigned char c)
{
	return (c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4);
}

/* A default-ignorable code point: drawn as nothing, matched as nothing. */
static int
redact_ignorable(uint32_t cp)
{
	return (uc_is_property_default_ignorable_code_point(cp));
}

static void
redact_put(char **buf, size_t *len, size_t *cap, const void *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap < 64 ? 64 : *cap * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
}

/* Folds one cluster s[0..n) onto buf. */
static void
redact_fold_cluster(const char *s, size_t n, char **buf, size_t *len,
    size_t *cap, char **tmp, size_t *tcap)
{
	uint8_t		 res[64], *r;
	size_t		 i, k, tn = 0, rl = sizeof res;
	uint32_t	 cp;
	char		 c;

	if (n == 1 || (n == 2 && s[0] == '\r' && s[1] == '\n')) {
		if ((unsigned char)s[0] < 0x80) {
			/* ASCII: NFKC leaves it, folding lowers A-Z. */
			c = s[0] >= 'A' && s[0] <= 'Z' ? s[0] + 32 : s[0];
			redact_put(buf, len, cap, &c, 1);
			if (n == 2)
				redact_put(buf, len, cap, s + 1, 1);
			return;
		}
	}
	for (i = 0; i < n; i += k) {
		if ((k = (size_t)utf8_decode(s + i, n - i, &cp)) == 0)
			k = 1;
		else if (redact_ignorable(cp))
			continue;
		redact_put(tmp, &tn, tcap, s + i, k);
	}
	if (tn == 0)
		return;
	r = u8_casefold((const uint8_t *)*tmp, tn, NULL, UNINORM_NFKC, res,
	    &rl);
	if (r == NULL) {
		/* Not UTF-8 (no text that reached here): as it is. */
		redact_put(buf, len, cap, *tmp, tn);
		return;
	}
	redact_put(buf, len, cap, r, rl);
	if (r != res)
		free(r);
}

/*
 * Folds s[0..len). With map, also the clusters and where they start on
 * both sides; gb, if not NULL, holds the grapheme breaks of s.
 */
static void
redact_fold(const char *s, size_t len, const char *gb, int map,
    struct redact_fold *f)
{
	char	*own = NULL, *tmp = NULL;
	size_t	 cap = len + 16, tcap = 0, a, b, k, ccap = 0;

	memset(f, 0, sizeof *f);
	f->buf = xmalloc(cap);
	if (gb == NULL && len > 0) {
		own = xmalloc(len);
		u8_grapheme_breaks((const uint8_t *)s, len, own);
		gb = own;
	}
	for (a = 0; a < len; a = b) {
		for (b = a + 1; b < len && !gb[b]; b++)
			;
		if (map) {
			if (f->nclu + 2 > ccap) {
				ccap = ccap == 0 ? len / 2 + 2 : ccap * 2;
				f->ostart = xreallocarray(f->ostart, ccap,
				    sizeof *f->ostart);
				f->fstart = xreallocarray(f->fstart, ccap,
				    sizeof *f->fstart);
			}
			f->ostart[f->nclu] = a;
			f->fstart[f->nclu++] = f->len;
		}
		redact_fold_cluster(s + a, b - a, &f->buf, &f->len, &cap, &tmp,
		    &tcap);
	}
	f->buf[f->len] = '\0';
	if (map) {
		if (f->ostart == NULL) {
			f->ostart = xmalloc(sizeof *f->ostart);
			f->fstart = xmalloc(sizeof *f->fstart);
		}
		f->ostart[f->nclu] = len;
		f->fstart[f->nclu] = f->len;
		f->at = xreallocarray(NULL, f->len + 1, sizeof *f->at);
		memset(f->at, 0xff, (f->len + 1) * sizeof *f->at);
		for (k = f->nclu + 1; k-- > 0;)
			f->at[f->fstart[k]] = (uint32_t)k;
	}
	free(tmp);
	free(own);
}

static void
redact_fold_done(struct redact_fold *f)
{
	free(f->buf);
	free(f->ostart);
	free(f->fstart);
	free(f->at);
}

static uint64_t
redact_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (h ^ (h >> 29));
}

/* The slot of value fold[0..n) in the set: its index + 1 there, or 0. */
static uint32_t *
redact_set_find(struct export_pii_index *ix, const char *fold, size_t n)
{
	size_t			 i = (size_t)redact_hash(fold, n) &
				    (ix->nset - 1);
	struct redact_value	*v;

	for (;; i = (i + 1) & (ix->nset - 1)) {
		if (ix->set[i] == 0)
			return (&ix->set[i]);
		v = &ix->v[ix->set[i] - 1];
		if (v->len == n && memcmp(v->fold, fold, n) == 0)
			return (&ix->set[i]);
	}
}

/* Room for one more beside the n values. */
static void
redact_set_grow(struct export_pii_index *ix, size_t n)
{
	size_t	 i;

	if (ix->nset >= 2 * (n + 1))
		return;
	free(ix->set);
	ix->nset = ix->nset == 0 ? 16 : ix->nset;
	while (ix->nset < 2 * (n + 1))
		ix->nset *= 2;
	ix->set = xcalloc(ix->nset, sizeof *ix->set);
	for (i = 0; i < n; i++)
		*redact_set_find(ix, ix->v[i].fold, ix->v[i].len) =
		    (uint32_t)i + 1;
}

/* The breaks of the text offsets are given in, computed once per text. */
static void
redact_source(struct export_pii_index *ix, const char *text, size_t len)
{
	size_t	 b, n = 0;

	if (ix->src == text && ix->srclen == len)
		return;
	free(ix->src_gb);
	free(ix->src_wb);
	free(ix->src_cp);
	redact_fold_done(&ix->src_fold);
	ix->src_folded = 0;
	ix->src_hint = 0;
	free(ix->src_out);
	ix->src_out = NULL;
	ix->src = text;
	ix->srclen = len;
	ix->src_gb = xmalloc(len + 1);
	ix->src_wb = xmalloc(len + 1);
	u8_grapheme_breaks((const uint8_t *)text, len, ix->src_gb);
	u8_wordbreaks((const uint8_t *)text, len, ix->src_wb);
	ix->src_gb[0] = ix->src_wb[0] = 1;
	ix->src_gb[len] = ix->src_wb[len] = 1;
	ix->src_cp = xreallocarray(NULL, len / REDACT_CP_STEP + 2,
	    sizeof *ix->src_cp);
	for (b = 0; b < len; b += redact_seqlen((unsigned char)text[b])) {
		if (n % REDACT_CP_STEP == 0)
			ix->src_cp[n / REDACT_CP_STEP] = b;
		n++;
	}
	if (n % REDACT_CP_STEP == 0)
		ix->src_cp[n / REDACT_CP_STEP] = len;
	ix->src_ncp = n;
}

static size_t
redact_cp_byte(const struct export_pii_index *ix, size_t cp)
{
	size_t b = ix->src_cp[cp / REDACT_CP_STEP], k;

	for (k = cp % REDACT_CP_STEP; k > 0; k--)
		b += redact_seqlen((unsigned char)ix->src[b]);
	return (b);
}

/*
 * The cluster of the folded source starting at byte b (a cluster start),
 * at from or after it (every cluster before from starts before b): a
 * gallop from there, so that values given in order, and a value's end
 * after its start, cost the log of the distance, not of the text.
 */
static size_t
redact_src_cluster(const struct export_pii_index *ix, size_t b, size_t from)
{
	const struct redact_fold	*f = &ix->src_fold;
	size_t				 lo = from, hi = from + 1, step = 1, mid;

	while (hi <= f->nclu && f->ostart[hi] < b) {
		lo = hi;
		step *= 2;
		hi = lo + step;
	}
	if (hi > f->nclu)
		hi = f->nclu;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->ostart[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * Offsets are code points into the source. A value confirmed across part
 * of a grapheme cluster is widened to the whole clusters (a span splitting
 * e from its accent would otherwise match every e); one confirmed inside a
 * word matches without a boundary on that side (redact more, never less).
 */
static void
redact_add(struct export_pii *p, size_t start, size_t end, const char *type)
{
	struct export_pii_index	*ix = p->index;
	struct redact_fold	 f;
	struct redact_value	*v;
	uint32_t		*slot;
	size_t			 len = ix->srclen, bs, be, fs, k;

	if (end <= start || end > ix->src_ncp)
		return;
	if (type == NULL)
		type = "PII";
	bs = redact_cp_byte(ix, start);
	be = redact_cp_byte(ix, end);
	while (bs > 0 && !ix->src_gb[bs])
		bs--;
	while (be < len && !ix->src_gb[be])
		be++;
	/*
	 * Folded a cluster at a time (the source's clusters), the value is
	 * the folded source there, if that is at hand.
	 */
	if (ix->src_folded) {
		if (ix->src_hint > ix->src_fold.nclu ||
		    ix->src_fold.ostart[ix->src_hint] > bs)
			ix->src_hint = 0;
		ix->src_hint = k = redact_src_cluster(ix, bs, ix->src_hint);
		fs = ix->src_fold.fstart[k];
		f.len = ix->src_fold.fstart[redact_src_cluster(ix, be, k)] - fs;
		f.buf = ix->src_fold.buf + fs;
	} else {
		redact_fold(ix->src + bs, be - bs, ix->src_gb + bs, 0, &f);
	}
	if (f.len == 0)
		goto done;
	redact_set_grow(ix, p->n);
	slot = redact_set_find(ix, f.buf, f.len);
	if (*slot != 0) {
		v = &ix->v[*slot - 1];
		v->free_start |= !ix->src_wb[bs];
		v->free_end |= !ix->src_wb[be];
		goto done;
	}
	if (p->n == ix->cap) {
		ix->cap = ix->cap == 0 ? 8 : ix->cap * 2;
		ix->v = xreallocarray(ix->v, ix->cap, sizeof *ix->v);
		p->text = xreallocarray(p->text, ix->cap, sizeof *p->text);
		p->type = xreallocarray(p->type, ix->cap, sizeof *p->type);
	}
	v = &ix->v[p->n];
	v->fold = ix->src_folded ? xstrndup(f.buf, f.len) : f.buf;
	v->len = f.len;
	v->free_start = !ix->src_wb[bs];
	v->free_end = !ix->src_wb[be];
	f.buf = NULL;
	p->text[p->n] = xstrndup(ix->src + bs, be - bs);
	p->type[p->n] = xstrdup(type);
	*slot = (uint32_t)++p->n;
done:
	if (!ix->src_folded)
		free(f.buf);
}

void
export_pii_add(struct export_pii *p, const char *text, size_t start,
    size_t end, const char *type)
{
	if (end <= start)
		return;
	if (p->index == NULL)
		p->index = xcalloc(1, sizeof *p->index);
	redact_source(p->index, text, strlen(text));
	redact_add(p, start, end, type);
}

void
export_pii_source(struct export_pii *p, const char *text)
{
	p->source = text;
}

/*
 * Many values of one text, which is redacted next: its fold, needed then,
 * is made now, and each value's is a slice of it.
 */
void
export_pii_add_at(struct export_pii *p, size_t start, size_t end,
    const char *type)
{
	struct export_pii_index	*ix;

	if (end <= start)
		return;
	if (p->source != NULL) {
		if ((ix = p->index) == NULL)
			ix = p->index = xcalloc(1, sizeof *ix);
		redact_source(ix, p->source, strlen(p->source));
		if (!ix->src_folded) {
			redact_fold(ix->src, ix->srclen, ix->src_gb, 1,
			    &ix->src_fold);
			ix->src_folded = 1;
		}
		p->source = NULL;
	}
	if (p->index != NULL)
		redact_add(p, start, end, type);
}

static void
redact_matcher_free(struct export_pii_index *ix)
{
	free(ix->node);
	free(ix->edge);
	ix->node = NULL;
	ix->edge = NULL;
	ix->nnode = ix->nedge = ix->built = 0;
	memset(ix->root, 0, sizeof ix->root);
}

void
export_pii_done(struct export_pii *p)
{
	struct export_pii_index	*ix = p->index;
	size_t			 i;

	for (i = 0; i < p->n; i++) {
		free(p->text[i]);
		free(p->type[i]);
		if (ix != NULL)
			free(ix->v[i].fold);
	}
	if (ix != NULL) {
		redact_matcher_free(ix);
		free(ix->v);
		free(ix->set);
		free(ix->src_gb);
		free(ix->src_wb);
		free(ix->src_cp);
		redact_fold_done(&ix->src_fold);
		free(ix->src_out);
		free(ix);
	}
	free(p->text);
	free(p->type);
	memset(p, 0, sizeof *p);
}

/* The edge's slot: its key there, or an empty slot. */
static size_t
redact_edge_slot(const struct export_pii_index *ix, uint32_t node,
    unsigned char c)
{
	uint64_t	key = ((uint64_t)node << 8 | c) + 1;
	size_t		i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) &
			    (ix->nedge - 1);

	while (ix->edge[i].key != 0 && ix->edge[i].key != key)
		i = (i + 1) & (ix->nedge - 1);
	return (i);
}

/* The node the edge from node on c leads to; 0: none. */
static uint32_t
redact_edge(const struct export_pii_index *ix, uint32_t node, unsigned char c)
{
	const struct redact_node	*nd = ix->node;
	uint32_t			 w;
	size_t				 i;

	if (node == 0)
		return (ix->root[c]);
	if ((w = nd[node].child) == 0)
		return (0);
	if (nd[w].byte == c)
		return (w);
	if (nd[w].sibling == 0)
		return (0);
	i = redact_edge_slot(ix, node, c);
	return (ix->edge[i].key != 0 ? ix->edge[i].dst : 0);
}

/* Folded values in byte order: a prefix first. */
static int
redact_value_cmp(const void *a, const void *b)
{
	const struct redact_value *x = *(const struct redact_value *const *)a;
	const struct redact_value *y = *(const struct redact_value *const *)b;
	int			   c;

	c = memcmp(x->fold, y->fold, x->len < y->len ? x->len : y->len);
	if (c != 0)
		return (c);
	return (x->len < y->len ? -1 : x->len > y->len);
}

static size_t
redact_lcp(const struct redact_value *x, const struct redact_value *y)
{
	size_t i, n = x->len < y->len ? x->len : y->len;

	for (i = 0; i < n && x->fold[i] == y->fold[i]; i++)
		;
	return (i);
}

/*
 * The trie is built from the values in byte order: each adds the nodes
 * past its common prefix with the one before (path holds that one's
 * nodes), so a node's children come in byte order, a chain's nodes are
 * consecutive, and no lookup is needed to build it. Only a fork's later
 * children go into the edge table.
 */
static void
redact_matcher_build(const struct export_pii *p)
{
	struct export_pii_index	*ix = p->index;
	const struct redact_value **sv;
	struct redact_node	*nd;
	uint32_t		*queue, *path, u, v, w, f;
	size_t			 total = 1, i, j, l, qh = 0, qt = 0, s,
				 nfork = 0, maxlen = 0;
	unsigned char		 c;

	redact_matcher_free(ix);
	sv = xreallocarray(NULL, p->n, sizeof *sv);
	for (i = 0; i < p->n; i++) {
		sv[i] = &ix->v[i];
		if (ix->v[i].len > maxlen)
			maxlen = ix->v[i].len;
	}
	qsort(sv, p->n, sizeof *sv, redact_value_cmp);
	for (i = 0; i < p->n; i++)
		total += sv[i]->len - (i > 0 ? redact_lcp(sv[i - 1], sv[i]) :
		    0);
	ix->node = nd = xcalloc(total, sizeof *nd);
	path = xcalloc(maxlen + 1, sizeof *path);
	ix->nnode = 1;
	nd[0].value = REDACT_NONE;
	for (i = 0; i < p->n; i++) {
		/* Distinct values: none is a prefix of the one before. */
		l = i > 0 ? redact_lcp(sv[i - 1], sv[i]) : 0;
		u = path[l];
		for (j = l; j < sv[i]->len; j++) {
			v = (uint32_t)ix->nnode++;
			nd[v].value = REDACT_NONE;
			nd[v].depth = (uint32_t)j + 1;
			nd[v].byte = (unsigned char)sv[i]->fold[j];
			if (j == l && i > 0 && sv[i - 1]->len > l) {
				/* After u's last child, the one before's. */
				nd[path[l + 1]].sibling = v;
				if (u != 0)
					nfork++;
			} else
				nd[u].child = v;
			if (u == 0)
				ix->root[nd[v].byte] = v;
			path[j + 1] = u = v;
		}
		nd[u].value = (uint32_t)(sv[i] - ix->v);
	}
	free(path);
	free(sv);
	for (ix->nedge = 16; ix->nedge < 2 * nfork; ix->nedge *= 2)
		;
	ix->edge = xcalloc(ix->nedge, sizeof *ix->edge);
	for (u = 1; u < ix->nnode; u++) {
		if (nd[u].child == 0)
			continue;
		for (v = nd[nd[u].child].sibling; v != 0; v = nd[v].sibling) {
			s = redact_edge_slot(ix, u, nd[v].byte);
			ix->edge[s].key = ((uint64_t)u << 8 | nd[v].byte) + 1;
			ix->edge[s].dst = v;
		}
	}
	/* Breadth first: a node's fail link is shallower than itself. */
	queue = xreallocarray(NULL, ix->nnode, sizeof *queue);
	for (v = nd[0].child; v != 0; v = nd[v].sibling) {
		nd[v].fail = 0;
		queue[qt++] = v;
	}
	while (qh < qt) {
		u = queue[qh++];
		nd[u].out = nd[u].value != REDACT_NONE ? u : nd[nd[u].fail].out;
		for (v = nd[u].child; v != 0; v = nd[v].sibling) {
			c = nd[v].byte;
			for (f = nd[u].fail;; f = nd[f].fail) {
				w = redact_edge(ix, f, c);
				if (w != 0 || f == 0)
					break;
			}
			nd[v].fail = w;
			queue[qt++] = v;
		}
	}
	free(queue);
	ix->built = p->n;
}

/* Whether folded offset fs begins a match: its original byte, or NONE. */
static size_t
redact_start_byte(const struct redact_fold *f, size_t fs)
{
	size_t k = f->at[fs];

	/* Past the clusters that folded to nothing (ignorables before it). */
	while (k < f->nclu && f->fstart[k + 1] == fs)
		k++;
	return (f->ostart[k]);
}

static int
redact_word_edge(const char *wb, size_t len, size_t b)
{
	return (b == 0 || b == len || wb[b]);
}

/* A keyed hash keeps 128 bits: too many to search for a phone number. */
#define REDACT_HASH_BYTES	16

/*
 * The replacement of text[os..oe), which folds to fold[0..flen): hash the
 * folded form, so that every spelling of a value hashes alike.
 */
static void
redact_one(char **out, size_t *o, size_t *cap, const char *orig, size_t olen,
    const char *fold, size_t flen, const char *type, enum export_redact mode,
    const unsigned char *key)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 mdlen = 0, n;
	char		 hex[2 * REDACT_HASH_BYTES + 1], *s;

	switch (mode) {
	case EXPORT_REDACT_MASK:
		for (n = utf8_cp_count(orig, olen); n > 0; n--)
			redact_put(out, o, cap, "*", 1);
		return;
	case EXPORT_REDACT_HASH:
		/*
		 * HMAC-SHA-256 under the database's redaction key: the same
		 * value hashes the same way in every export, and nobody
		 * without the key can test guesses against it.
		 */
		if (key == NULL || EVP_Q_mac(NULL, "HMAC", NULL, "SHA256",
		    NULL, key, 32, (const unsigned char *)fold, flen, md,
		    sizeof md, &mdlen) == NULL || mdlen < REDACT_HASH_BYTES)
			memset(md, 0, sizeof md);
		queue_hex(md, REDACT_HASH_BYTES, hex);
		xasprintf(&s, "<%s:%s>", type, hex);
		break;
	default:
		xasprintf(&s, "<%s>", type);
		break;
	}
	redact_put(out, o, cap, s, strlen(s));
	free(s);
}

/* An occurrence: folded bytes [s, e) of one value. */
struct redact_match {
	size_t		 s;
	size_t		 e;
	uint32_t	 value;
};

/* By start, the longest first. */
static int
redact_match_cmp(const void *a, const void *b)
{
	const struct redact_match *x = a, *y = b;

	if (x->s != y->s)
		return (x->s < y->s ? -1 : 1);
	return (x->e > y->e ? -1 : x->e < y->e);
}

/* The redacted text, once a text's fold and word breaks are at hand. */
static char *
redact_scan(const struct export_pii *p, const char *text, size_t tlen,
    const struct redact_fold *f, const char *wb, enum export_redact mode,
    const unsigned char *key)
{
	const struct export_pii_index *ix = p->index;
	const struct redact_node *nd = ix->node;
	const struct redact_value *v;
	struct redact_match	*m = NULL;
	char			*out;
	size_t			 nm = 0, mcap = 0, cap, o = 0, i, j, e, s, os,
				 oe, ge, copied = 0;
	uint32_t		 st = 0, w, nx;

	/*
	 * Every occurrence ending at a cluster boundary (the out chain),
	 * kept if it starts on one and both of its ends are word boundaries
	 * in the text (unless its value was confirmed inside a word).
	 */
	for (i = 0; i < f->len; i++) {
		while ((nx = redact_edge(ix, st, (unsigned char)f->buf[i])) ==
		    0 && st != 0)
			st = nd[st].fail;
		st = nx;
		e = i + 1;
		if (f->at[e] == REDACT_NONE)
			continue;
		for (w = nd[st].out; w != 0; w = nd[nd[w].fail].out) {
			s = e - nd[w].depth;
			if (f->at[s] == REDACT_NONE)
				continue;
			v = &ix->v[nd[w].value];
			if ((!v->free_start && !redact_word_edge(wb, tlen,
			    redact_start_byte(f, s))) || (!v->free_end &&
			    !redact_word_edge(wb, tlen, f->ostart[f->at[e]])))
				continue;
			if (nm == mcap) {
				mcap = mcap == 0 ? 64 : mcap * 2;
				m = xreallocarray(m, mcap, sizeof *m);
			}
			m[nm].s = s;
			m[nm].e = e;
			m[nm++].value = nd[w].value;
		}
	}
	if (nm > 1)
		qsort(m, nm, sizeof *m, redact_match_cmp);

	cap = tlen + 64;
	out = xmalloc(cap);
	/*
	 * Left to right, the longest occurrence at the first start; those
	 * that overlap it join it (none leaks past the replacement), under
	 * its type.
	 */
	for (i = 0; i < nm; i = j) {
		ge = m[i].e;
		for (j = i + 1; j < nm && m[j].s < ge; j++) {
			if (m[j].e > ge)
				ge = m[j].e;
		}
		os = redact_start_byte(f, m[i].s);
		oe = f->ostart[f->at[ge]];
		redact_put(&out, &o, &cap, text + copied, os - copied);
		redact_one(&out, &o, &cap, text + os, oe - os, f->buf + m[i].s,
		    ge - m[i].s, p->type[m[i].value], mode, key);
		copied = oe;
	}
	redact_put(&out, &o, &cap, text + copied, tlen - copied);
	out[o] = '\0';
	free(m);
	return (out);
}

char *
export_redact_text_mode(const struct export_pii *p, const char *text,
    enum export_redact mode, const unsigned char *key)
{
	struct export_pii_index	*ix = p->index;
	struct redact_fold	 f;
	char			*out, *wb;
	size_t			 tlen;

	if (text == NULL)
		return (NULL);
	tlen = strlen(text);
	if (mode == EXPORT_REDACT_NONE || p->n == 0 || ix == NULL)
		return (xstrdup(text));
	if (ix->built != p->n)
		redact_matcher_build(p);
	if (text != ix->src || tlen != ix->srclen) {
		redact_fold(text, tlen, NULL, 1, &f);
		wb = xmalloc(tlen + 1);
		u8_wordbreaks((const uint8_t *)text, tlen, wb);
		out = redact_scan(p, text, tlen, &f, wb, mode, key);
		free(wb);
		redact_fold_done(&f);
		return (out);
	}
	/*
	 * The item's text (the original, and a final left as it was): folded
	 * when the values were added, redacted once per mode and key.
	 */
	if (!ix->src_folded) {
		redact_fold(ix->src, tlen, ix->src_gb, 1, &ix->src_fold);
		ix->src_folded = 1;
	}
	if (ix->src_out == NULL || ix->src_out_n != p->n ||
	    ix->src_out_mode != mode || (key != NULL) != ix->src_out_keyed ||
	    (key != NULL && memcmp(key, ix->src_out_key, 32) != 0)) {
		free(ix->src_out);
		ix->src_out = redact_scan(p, ix->src, tlen, &ix->src_fold,
		    ix->src_wb, mode, key);
		ix->src_out_n = p->n;
		ix->src_out_mode = mode;
		if ((ix->src_out_keyed = key != NULL))
			memcpy(ix->src_out_key, key, 32);
	}
	return (xstrdup(ix->src_out));
}

char *
export_redact_id(struct export_ctx *x, const struct export_pii *p,
    const struct queue_item *it)
{
	char	*r, *out;

	r = export_redact_text(x, p, it->ext_id);
	if (r == NULL || strcmp(r, it->ext_id) == 0)
		return (r);
	xasprintf(&out, "%s~%lld", r, (long long)it->id);
	free(r);
	return (out);
}

/*
 * Confirmed personal data: the spans a reviewer kept (or, approved, the
 * spans proposed; by the policy, the accepted ones), and the pii.* flags
 * with offsets a reviewer confirmed (all of them in a rejected output).
 * Added to p; with p NULL, 1 at the first one (the manifest asks only
 * whether there is any, and folding every value to learn it would cost
 * what redacting does).
 */
static int
export_pii_walk(const struct queue_outcome *o, struct export_pii *p)
{
	const struct queue_item	*it = o->item;
	cJSON			*payload, *corr = NULL;
	const cJSON		*flags, *f;
	const char		*outcome = NULL, *v;
	struct queue_final_span	*fs;
	size_t			 i, n;
	int			 all_pii = 0, any = 0;

	if (p != NULL)
		memset(p, 0, sizeof *p);
	payload = export_payload(o->final);
	if (o->final != NULL && queue_action_has_outcome(o->final->action)) {
		outcome = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(payload, "outcome"));
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
		all_pii = outcome != NULL && strcmp(outcome, "reject") == 0;
	} else if (o->final != NULL && strcmp(o->final->action, "correct") ==
	    0)
		corr = payload;

	if (it->kind == QUEUE_KIND_ANONYMIZATION) {
		/* The spans the decision accepts, as the decide rules see it. */
		n = queue_spans_final(it, payload, o->final == NULL, &fs);
		/* One text, many values: folded once (export_pii_add_at). */
		if (p != NULL)
			export_pii_source(p, it->text);
		for (i = 0; i < n && !any; i++) {
			if (p != NULL)
				export_pii_add_at(p, fs[i].start, fs[i].end,
				    fs[i].entity_type);
			else
				any = fs[i].end > fs[i].start;
		}
		free(fs);
		cJSON_Delete(payload);
		return (any);
	}
	flags = cJSON_GetObjectItemCaseSensitive(corr, "flags");
	f = cJSON_IsArray(flags) ? flags->child : NULL;
	for (i = 0; i < it->nflags && !any; i++,
	    f = f != NULL ? f->next : NULL) {
		if (!export_pii_type(it->flags[i].type) ||
		    !it->flags[i].has_offsets)
			continue;
		v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f,
		    "verdict"));
		if (!all_pii && (v == NULL || strcmp(v, "confirmed") != 0))
			continue;
		if (p != NULL)
			export_pii_add(p, it->text, it->flags[i].start,
			    it->flags[i].end, it->flags[i].type);
		else
			any = it->flags[i].end > it->flags[i].start;
	}
	cJSON_Delete(payload);
	return (any);
}

void
export_pii_find(const struct queue_outcome *o, struct export_pii *p)
{
	export_pii_walk(o, p);
}

int
export_pii_confirmed(const struct queue_outcome *o)
{
	return (export_pii_walk(o, NULL));
}

int
export_pii_type(const char *type)
{
	return (strncmp(type, "pii", 3) == 0 && (type[3] == '\0' ||
	    type[3] == '.'));
}
