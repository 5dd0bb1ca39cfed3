/*
 * Presidio configuration candidates from the reviewers' span verdicts: an
 * allow_list of values rejected as not PII, deny_list values they added,
 * and the context words seen before accepted and rejected spans.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "utf8.h"
#include "xmalloc.h"

/* Presidio's LemmaContextAwareEnhancer looks this many words back. */
#define PRESIDIO_WINDOW	5

enum presidio_what {
	PRESIDIO_REJECTED,
	PRESIDIO_ACCEPTED,
	PRESIDIO_RETYPED,
	PRESIDIO_ADDED
};

/*
 * One observation: a value with its verdict (group: the entity type an
 * added value was given, else ""), or a context word (group: the
 * recognizer, or the entity type of an added span) on one side.
 */
struct presidio_obs {
	char			*group;
	char			*text;
	enum presidio_what	 what;
};

struct queue_presidio {
	struct presidio_obs	*values;
	size_t			 nvalues;
	struct presidio_obs	*words;		/* by recognizer */
	size_t			 nwords;
	struct presidio_obs	*added_words;	/* by added entity type */
	size_t			 nadded_words;
	uint64_t		 items, skipped_content, skipped_suspended;
	int64_t			*ids;		/* the items counted */
};

/* A word of a text: its bytes and its code points, ends exclusive. */
struct presidio_word {
	size_t	start, end;
	size_t	cp, cp_end;
};

struct presidio_ctx {
	struct queue_presidio	*acc;
	const char		*since;
};

struct queue_presidio *
queue_presidio_new(void)
{
	return (xcalloc(1, sizeof (struct queue_presidio)));
}

static void
presidio_obs_free(struct presidio_obs *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].group);
		free(v[i].text);
	}
	free(v);
}

void
queue_presidio_free(struct queue_presidio *a)
{
	if (a == NULL)
		return;
	presidio_obs_free(a->values, a->nvalues);
	presidio_obs_free(a->words, a->nwords);
	presidio_obs_free(a->added_words, a->nadded_words);
	free(a->ids);
	free(a);
}

static void
presidio_obs_add(struct presidio_obs **v, size_t *n, const char *group,
    char *text, enum presidio_what what)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].group = xstrdup(group);
	(*v)[*n].text = text;
	(*v)[*n].what = what;
	(*n)++;
}

/*
 * Word characters: ASCII letters and digits, and any code point from
 * U+00C0 on outside the general punctuation blocks (letters of other
 * scripts, roughly: no table of Unicode categories is at hand). Lower
 * case: ASCII and Latin-1, as Python's lower() has them.
 */
static int
presidio_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'));
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return (0);
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f))
		return (0);
	return (1);
}

static uint32_t
presidio_lower_cp(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde &&
	    cp != 0xd7))
		return (cp + 0x20);
	return (cp);
}

/* The words of s[0, len), in order; returns the count. */
static size_t
presidio_words(const char *s, size_t len, struct presidio_word **out)
{
	struct presidio_word	*w = NULL;
	size_t			 n = 0, off = 0, cp = 0, k;
	uint32_t		 c;
	int			 in = 0, l;

	while (off < len) {
		if ((l = utf8_decode(s + off, len - off, &c)) <= 0) {
			l = 1;
			c = 0xfffd;
		}
		k = presidio_word_cp(c);
		if (k && !in) {
			w = xreallocarray(w, n + 1, sizeof *w);
			w[n].start = off;
			w[n].cp = cp;
			n++;
		}
		if (!k && in) {
			w[n - 1].end = off;
			w[n - 1].cp_end = cp;
		}
		in = (int)k;
		off += (size_t)l;
		cp++;
	}
	if (in) {
		w[n - 1].end = off;
		w[n - 1].cp_end = cp;
	}
	*out = w;
	return (n);
}

static char *
presidio_lower(const char *s, size_t len)
{
	char		*out, *p;
	size_t		 off = 0;
	uint32_t	 c;
	int		 l;

	p = out = xmalloc(len * 3 + 1);
	while (off < len) {
		if ((l = utf8_decode(s + off, len - off, &c)) <= 0) {
			l = 1;
			c = 0xfffd;
		}
		p += utf8_encode(presidio_lower_cp(c), p);
		off += (size_t)l;
	}
	*p = '\0';
	return (out);
}

static int
presidio_strp_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * An item's text, its words, the words inside its spans (lower-cased,
 * sorted) and the spans' code point ranges (sorted by start, with the
 * greatest end so far): a context word among the first, or over one of
 * the ranges (a span may start inside a word), would tell a value.
 */
struct presidio_range {
	size_t	start, end, max_end;
};
struct presidio_item {
	const char		*text;
	size_t			 len;
	struct presidio_word	*w;
	size_t			 nw;
	char			**span_words;
	size_t			 nspan_words;
	struct presidio_range	*r;
	size_t			 nr;
};

static int
presidio_range_cmp(const void *a, const void *b)
{
	const struct presidio_range *x = a, *y = b;

	return (x->start < y->start ? -1 : x->start > y->start);
}

/* Whether code points [start, end) meet a span of the item. */
static int
presidio_over_span(const struct presidio_item *pi, size_t start, size_t end)
{
	size_t i = 0, k = pi->nr, mid;

	/* The ranges starting before end: does one of them end after start? */
	while (i < k) {
		mid = i + (k - i) / 2;
		if (pi->r[mid].start < end)
			i = mid + 1;
		else
			k = mid;
	}
	return (i > 0 && pi->r[i - 1].max_end > start);
}

static void
presidio_item_span(struct presidio_item *pi, size_t cps, size_t cpe,
    size_t start, size_t end)
{
	struct presidio_word	*w;
	size_t			 n, i;

	pi->r = xreallocarray(pi->r, pi->nr + 1, sizeof *pi->r);
	pi->r[pi->nr].start = cps;
	pi->r[pi->nr++].end = cpe;

	n = presidio_words(pi->text + start, end - start, &w);
	pi->span_words = xreallocarray(pi->span_words, pi->nspan_words + n + 1,
	    sizeof *pi->span_words);
	for (i = 0; i < n; i++)
		pi->span_words[pi->nspan_words++] = presidio_lower(pi->text +
		    start + w[i].start, w[i].end - w[i].start);
	free(w);
}

static int
presidio_in_span(const struct presidio_item *pi, const char *word)
{
	return (pi->nspan_words > 0 && bsearch(&word, pi->span_words,
	    pi->nspan_words, sizeof *pi->span_words, presidio_strp_cmp) !=
	    NULL);
}

/* Up to PRESIDIO_WINDOW words before code point cp, none of a span's. */
static void
presidio_context(const struct presidio_item *pi, size_t cp,
    struct presidio_obs **v, size_t *n, const char *group,
    enum presidio_what what)
{
	size_t	 i, k, taken;
	char	*word;

	/* The first word not ended by cp: the ones before it. */
	for (i = 0, k = pi->nw; i < k; ) {
		size_t mid = i + (k - i) / 2;

		if (pi->w[mid].cp_end <= cp)
			i = mid + 1;
		else
			k = mid;
	}
	for (taken = 0; i > 0 && taken < PRESIDIO_WINDOW; i--, taken++) {
		if (presidio_over_span(pi, pi->w[i - 1].cp,
		    pi->w[i - 1].cp_end))
			continue;
		word = presidio_lower(pi->text + pi->w[i - 1].start,
		    pi->w[i - 1].end - pi->w[i - 1].start);
		if (presidio_in_span(pi, word))
			free(word);
		else
			presidio_obs_add(v, n, group, word, what);
	}
}

/* A span's text, by code points; NULL if it is not inside the text. */
static int
presidio_range(const struct presidio_item *pi, size_t cps, size_t cpe,
    size_t *bs, size_t *be)
{
	return (cps < cpe && utf8_cp_to_byte(pi->text, pi->len, cps, bs) == 0 &&
	    utf8_cp_to_byte(pi->text, pi->len, cpe, be) == 0 && *bs < *be);
}

void
queue_presidio_add(struct queue_presidio *a, const struct queue_outcome *o)
{
	const struct queue_item	*it = o->item;
	struct presidio_item	 pi;
	struct queue_final_span	*fin = NULL;
	enum presidio_what	 what;
	const char		*kept, *rec;
	cJSON			*payload = NULL;
	char			*owned;
	size_t			 n, i, j, bs, be;

	if (it->kind != QUEUE_KIND_ANONYMIZATION || o->final == NULL)
		return;
	if (o->purged || it->text == NULL) {
		a->skipped_content++;
		return;
	}
	if (o->suspended) {
		a->skipped_suspended++;
		return;
	}
	a->ids = xreallocarray(a->ids, a->items + 1, sizeof *a->ids);
	a->ids[a->items++] = it->id;
	memset(&pi, 0, sizeof pi);
	pi.text = it->text;
	pi.len = strlen(it->text);
	if (o->final->payload != NULL)
		payload = cJSON_Parse(o->final->payload);
	n = queue_spans_final(it, payload, 0, &fin);
	pi.nw = presidio_words(pi.text, pi.len, &pi.w);
	for (i = 0; i < it->nspans; i++) {
		if (presidio_range(&pi, it->spans[i].start, it->spans[i].end,
		    &bs, &be))
			presidio_item_span(&pi, it->spans[i].start,
			    it->spans[i].end, bs, be);
	}
	for (j = 0; j < n; j++) {
		if (fin[j].index >= it->nspans && presidio_range(&pi,
		    fin[j].start, fin[j].end, &bs, &be))
			presidio_item_span(&pi, fin[j].start, fin[j].end, bs,
			    be);
	}
	if (pi.nspan_words > 0)
		qsort(pi.span_words, pi.nspan_words, sizeof *pi.span_words,
		    presidio_strp_cmp);
	if (pi.nr > 0)
		qsort(pi.r, pi.nr, sizeof *pi.r, presidio_range_cmp);
	for (i = 0; i < pi.nr; i++)
		pi.r[i].max_end = i > 0 && pi.r[i - 1].max_end > pi.r[i].end ?
		    pi.r[i - 1].max_end : pi.r[i].end;

	for (i = 0; i < it->nspans; i++) {
		const struct queue_span *s = &it->spans[i];

		if (!presidio_range(&pi, s->start, s->end, &bs, &be))
			continue;
		for (kept = NULL, j = 0; j < n && kept == NULL; j++) {
			if (fin[j].index == i)
				kept = fin[j].entity_type;
		}
		what = kept == NULL ? PRESIDIO_REJECTED :
		    strcmp(kept, s->entity_type) != 0 ? PRESIDIO_RETYPED :
		    PRESIDIO_ACCEPTED;
		presidio_obs_add(&a->values, &a->nvalues, "",
		    xstrndup(pi.text + bs, be - bs), what);
		/* A retyped span says nothing of the recognizer's context. */
		if (what == PRESIDIO_RETYPED ||
		    (rec = queue_span_recognizer(s, &owned)) == NULL)
			continue;
		presidio_context(&pi, s->start, &a->words, &a->nwords, rec,
		    what);
		free(owned);
	}
	for (j = 0; j < n; j++) {
		if (fin[j].index < it->nspans || !presidio_range(&pi,
		    fin[j].start, fin[j].end, &bs, &be))
			continue;
		presidio_obs_add(&a->values, &a->nvalues, fin[j].entity_type,
		    xstrndup(pi.text + bs, be - bs), PRESIDIO_ADDED);
		presidio_context(&pi, fin[j].start, &a->added_words,
		    &a->nadded_words, fin[j].entity_type, PRESIDIO_ADDED);
	}

	for (i = 0; i < pi.nspan_words; i++)
		free(pi.span_words[i]);
	free(pi.span_words);
	free(pi.r);
	free(pi.w);
	free(fin);
	cJSON_Delete(payload);
}

/* By value: the verdicts of one value come together. */
static int
presidio_value_cmp(const void *a, const void *b)
{
	const struct presidio_obs *x = a, *y = b;

	return (strcmp(x->text, y->text));
}

/* By group, value or word, then side. */
static int
presidio_group_cmp(const void *a, const void *b)
{
	const struct presidio_obs	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->group, y->group)) != 0 ||
	    (c = strcmp(x->text, y->text)) != 0)
		return (c);
	return ((int)x->what - (int)y->what);
}

/* The most seen first, then by text (the hash when values are hashed). */
static int
presidio_entry_cmp(const void *a, const void *b)
{
	const struct queue_presidio_value *x = a, *y = b;

	if (x->n != y->n)
		return (x->n > y->n ? -1 : 1);
	return (strcmp(x->value, y->value));
}

static int
presidio_word_cmp(const void *a, const void *b)
{
	const struct queue_presidio_word *x = a, *y = b;

	if (x->n != y->n)
		return (x->n > y->n ? -1 : 1);
	return (strcmp(x->word, y->word));
}

/* A value as written: in clear, or its SHA-256 as hex. */
static char *
presidio_shown(const char *value, int clear)
{
	char hex[65];

	if (clear)
		return (xstrdup(value));
	store_sha256_hex(value, strlen(value), hex);
	return (xstrdup(hex));
}

/* The verdicts on one value, from the values sorted by value. */
static void
presidio_value_counts(const struct presidio_obs *v, size_t n, const char *text,
    struct queue_presidio_value *out)
{
	struct presidio_obs	 key;
	const struct presidio_obs *p;
	size_t			 i;

	key.text = (char *)text;
	out->rejected = out->accepted = out->retyped = out->added = 0;
	if ((p = bsearch(&key, v, n, sizeof *v, presidio_value_cmp)) == NULL)
		return;
	/* bsearch finds one of them: back to the first. */
	for (i = (size_t)(p - v); i > 0 && strcmp(v[i - 1].text, text) == 0;
	    i--)
		continue;
	for (; i < n && strcmp(v[i].text, text) == 0; i++) {
		switch (v[i].what) {
		case PRESIDIO_REJECTED:
			out->rejected++;
			break;
		case PRESIDIO_ACCEPTED:
			out->accepted++;
			break;
		case PRESIDIO_RETYPED:
			out->retyped++;
			break;
		case PRESIDIO_ADDED:
			out->added++;
			break;
		}
	}
}

/*
 * The words of group g from i on (sorted by group, word, side) seen at
 * least min times on side what; returns the index past the group.
 */
static size_t
presidio_group_words(const struct presidio_obs *v, size_t n, size_t i,
    enum presidio_what what, unsigned min, struct queue_presidio_word **out,
    size_t *nout)
{
	const char	*g = v[i].group;
	size_t		 j, k;

	*out = NULL;
	*nout = 0;
	for (j = i; j < n && strcmp(v[j].group, g) == 0; j = k) {
		uint64_t c = 0;

		for (k = j; k < n && strcmp(v[k].group, g) == 0 &&
		    strcmp(v[k].text, v[j].text) == 0; k++)
			c += v[k].what == what;
		if (c < min || c == 0)
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[*nout].word = xstrdup(v[j].text);
		(*out)[*nout].n = c;
		(*nout)++;
	}
	if (*nout > 0)
		qsort(*out, *nout, sizeof **out, presidio_word_cmp);
	return (j);
}

static void
presidio_context_words(struct queue_presidio *a, unsigned min,
    struct queue_presidio_report *r)
{
	struct queue_presidio_context	*c;
	size_t				 i, next;

	for (i = 0; i < a->nwords; i = next) {
		r->context = xreallocarray(r->context, r->ncontext + 1,
		    sizeof *r->context);
		c = &r->context[r->ncontext++];
		memset(c, 0, sizeof *c);
		c->recognizer = xstrdup(a->words[i].group);
		presidio_group_words(a->words, a->nwords, i, PRESIDIO_ACCEPTED,
		    min, &c->accepted, &c->naccepted);
		next = presidio_group_words(a->words, a->nwords, i,
		    PRESIDIO_REJECTED, min, &c->rejected, &c->nrejected);
		if (c->naccepted == 0 && c->nrejected == 0) {
			free(c->recognizer);
			r->ncontext--;
		}
	}
}

/*
 * The added values of each type seen at least min times, in clear for now;
 * the values sorted by group, value and side.
 */
static void
presidio_deny(struct queue_presidio *a, unsigned min,
    struct queue_presidio_report *r)
{
	struct queue_presidio_deny	*d = NULL;
	struct queue_presidio_value	*e;
	const struct presidio_obs	*v = a->values;
	size_t				 i, k;
	uint64_t			 c;

	for (i = 0; i < a->nvalues; i = k) {
		for (c = 0, k = i; k < a->nvalues && strcmp(v[k].group,
		    v[i].group) == 0 && strcmp(v[k].text, v[i].text) == 0; k++)
			c += v[k].what == PRESIDIO_ADDED;
		if (c < min || c == 0)
			continue;
		if (d == NULL || strcmp(d->entity_type, v[i].group) != 0) {
			r->deny = xreallocarray(r->deny, r->ndeny + 1,
			    sizeof *r->deny);
			d = &r->deny[r->ndeny++];
			memset(d, 0, sizeof *d);
			d->entity_type = xstrdup(v[i].group);
		}
		d->values = xreallocarray(d->values, d->nvalues + 1,
		    sizeof *d->values);
		e = &d->values[d->nvalues++];
		memset(e, 0, sizeof *e);
		e->value = xstrdup(v[i].text);
		e->n = c;
	}
}

/* The values rejected at least min times; the values sorted by value. */
static void
presidio_allow(struct queue_presidio *a, unsigned min,
    struct queue_presidio_report *r)
{
	struct queue_presidio_value	 e;
	size_t				 i, k;

	for (i = 0; i < a->nvalues; i = k) {
		for (k = i; k < a->nvalues && strcmp(a->values[k].text,
		    a->values[i].text) == 0; k++)
			continue;
		presidio_value_counts(a->values, a->nvalues,
		    a->values[i].text, &e);
		if (e.rejected < min || e.rejected == 0)
			continue;
		e.value = xstrdup(a->values[i].text);
		e.n = e.rejected;
		r->allow = xreallocarray(r->allow, r->nallow + 1,
		    sizeof *r->allow);
		r->allow[r->nallow++] = e;
	}
}

/* Each value hashed unless in clear, the most seen first. */
static void
presidio_values_shown(struct queue_presidio_value *v, size_t n, int clear)
{
	char	*s;
	size_t	 i;

	for (i = 0; i < n; i++) {
		s = presidio_shown(v[i].value, clear);
		free(v[i].value);
		v[i].value = s;
	}
	if (n > 0)
		qsort(v, n, sizeof *v, presidio_entry_cmp);
}

void
queue_presidio_finish(struct queue_presidio *a, unsigned min, int clear,
    struct queue_presidio_report *r)
{
	struct queue_presidio_deny	*d;
	struct queue_presidio_value	*e;
	uint64_t			 added;
	size_t				 i, k, g;

	memset(r, 0, sizeof *r);
	r->clear = clear;
	r->min_count = min;
	r->items = a->items;
	r->ids = a->ids;	/* the report's now */
	a->ids = NULL;
	r->skipped_content = a->skipped_content;
	r->skipped_suspended = a->skipped_suspended;
	if (a->nvalues > 0)
		qsort(a->values, a->nvalues, sizeof *a->values,
		    presidio_group_cmp);
	presidio_deny(a, min, r);
	if (a->nvalues > 0)
		qsort(a->values, a->nvalues, sizeof *a->values,
		    presidio_value_cmp);
	presidio_allow(a, min, r);
	if (a->nadded_words > 0)
		qsort(a->added_words, a->nadded_words, sizeof *a->added_words,
		    presidio_group_cmp);
	for (i = 0; i < r->ndeny; i++) {
		d = &r->deny[i];
		for (k = 0; k < d->nvalues; k++) {
			e = &d->values[k];
			added = e->n;
			presidio_value_counts(a->values, a->nvalues, e->value,
			    e);
			/* This type's additions, not the value's under all. */
			e->added = e->n = added;
		}
		presidio_values_shown(d->values, d->nvalues, clear);
		for (g = 0; g < a->nadded_words && strcmp(a->added_words[g].group,
		    d->entity_type) != 0; g++)
			continue;
		if (g < a->nadded_words)
			presidio_group_words(a->added_words, a->nadded_words, g,
			    PRESIDIO_ADDED, min, &d->context, &d->ncontext);
	}
	presidio_values_shown(r->allow, r->nallow, clear);
	if (a->nwords > 0)
		qsort(a->words, a->nwords, sizeof *a->words,
		    presidio_group_cmp);
	presidio_context_words(a, min, r);
}

static int
presidio_outcome(const struct queue_outcome *o, void *arg)
{
	struct presidio_ctx *c = arg;

	if (c->since != NULL && o->final != NULL &&
	    strcmp(o->final->decided_at, c->since) < 0)
		return (0);
	queue_presidio_add(c->acc, o);
	return (0);
}

int
queue_presidio_config(struct queue *q, const char *since, unsigned min,
    struct queue_presidio_report *r, char **cause)
{
	struct presidio_ctx	 c;
	const struct policy	*p;
	char			 utc[32], *why = NULL;
	int			 rc, version = 0, clear;

	memset(r, 0, sizeof *r);
	memset(&c, 0, sizeof c);
	if ((rc = store_require_role(q, POLICY_ROLE_LEAD,
	    "make Presidio configuration candidates", cause)) != 0 ||
	    (rc = queue_policy(q, &p, &version, cause)) != 0)
		return (rc);
	if (since != NULL && (rc = queue_time_utc(since, utc, cause)) != 0)
		return (rc);
	/* Values in clear only for whom the policy lets export them so. */
	clear = queue_export_allowed(q, 1, &why) == 0;
	free(why);
	c.since = since != NULL ? utc : NULL;
	c.acc = queue_presidio_new();
	if ((rc = queue_outcomes(q, NULL, 0, INT64_MAX, "anonymization", 0,
	    presidio_outcome, &c, cause)) == 0) {
		queue_presidio_finish(c.acc, min, clear, r);
		r->policy_version = version;
		queue_format_time(queue_now(q), r->generated_at);
	}
	queue_presidio_free(c.acc);
	return (rc);
}

static void
presidio_words_free(struct queue_presidio_word *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(w[i].word);
	free(w);
}

static void
presidio_values_free(struct queue_presidio_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

void
queue_presidio_report_done(struct queue_presidio_report *r)
{
	size_t i;

	presidio_values_free(r->allow, r->nallow);
	free(r->ids);
	for (i = 0; i < r->ndeny; i++) {
		free(r->deny[i].entity_type);
		presidio_values_free(r->deny[i].values, r->deny[i].nvalues);
		presidio_words_free(r->deny[i].context, r->deny[i].ncontext);
	}
	free(r->deny);
	for (i = 0; i < r->ncontext; i++) {
		free(r->context[i].recognizer);
		presidio_words_free(r->context[i].accepted,
		    r->context[i].naccepted);
		presidio_words_free(r->context[i].rejected,
		    r->context[i].nrejected);
	}
	free(r->context);
	memset(r, 0, sizeof *r);
}
