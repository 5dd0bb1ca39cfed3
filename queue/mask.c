/*
 * Minimum exposure: which parts of an item's text the console and hitl show
 * hide behind a mark of their entity type, and the audited reveal of them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "records.h"
#include "utf8.h"
#include "xmalloc.h"

/* "⟦" and "⟧": brackets no entity type or flag type may hold. */
#define MASK_OPEN	"\xe2\x9f\xa6"
#define MASK_CLOSE	"\xe2\x9f\xa7"
#define REVEAL_REASON_MAX 1024

static int
mask_cmp(const void *a, const void *b)
{
	const struct queue_mask *x = a, *y = b;

	if (x->cp_start != y->cp_start)
		return (x->cp_start < y->cp_start ? -1 : 1);
	/* The longer first: a merged mask takes the enclosing span's type. */
	if (x->cp_end != y->cp_end)
		return (x->cp_end > y->cp_end ? -1 : 1);
	return (0);
}

static void
mask_add(struct queue_mask **v, size_t *n, size_t start, size_t end,
    const char *type)
{
	if (start >= end)
		return;
	/* Capacity is the next power of two: an item's thousands of spans
	 * are added in linear time. */
	if ((*n & (*n - 1)) == 0)
		*v = xreallocarray(*v, *n == 0 ? 1 : *n * 2, sizeof **v);
	memset(&(*v)[*n], 0, sizeof **v);
	(*v)[*n].cp_start = start;
	(*v)[*n].cp_end = end;
	(*v)[*n].entity_type = type;
	(*n)++;
}

/* A flag of personal data: "pii" or a type under it ("pii.email"). */
static int
mask_pii_flag(const struct queue_flag *f)
{
	return (f->has_offsets && strncmp(f->type, "pii", 3) == 0 &&
	    (f->type[3] == '\0' || f->type[3] == '.'));
}

/* The ranges sorted already (spans usually are): qsort is skipped. */
static int
mask_sorted(const struct queue_mask *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (mask_cmp(&v[i - 1], &v[i]) > 0)
			return (0);
	}
	return (1);
}

/*
 * Cuts range keep out of the n sorted, disjoint masks *v: the masks it
 * overlaps are found by bisection, and only the first can keep a part
 * before it, only the last a part after it. Returns the new count.
 */
static size_t
mask_cut(struct queue_mask **v, size_t n, const struct queue_mask *keep)
{
	struct queue_mask	piece[2];
	size_t			lo = 0, hi = n, mid, a, b, k = 0;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((*v)[mid].cp_end <= keep->cp_start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (a = b = lo; b < n && (*v)[b].cp_start < keep->cp_end; b++)
		;
	if (a == b)
		return (n);
	if ((*v)[a].cp_start < keep->cp_start) {
		piece[k] = (*v)[a];
		piece[k++].cp_end = keep->cp_start;
	}
	if ((*v)[b - 1].cp_end > keep->cp_end) {
		piece[k] = (*v)[b - 1];
		piece[k++].cp_start = keep->cp_end;
	}
	if (a + k > b) {
		/* One range cut in two: room for one more. */
		*v = xreallocarray(*v, n + 1, sizeof **v);
	}
	memmove(&(*v)[a + k], &(*v)[b], (n - b) * sizeof **v);
	memcpy(&(*v)[a], piece, k * sizeof *piece);
	return (n - (b - a) + k);
}

size_t
queue_mask_ranges_cp(const struct queue_item *it, const struct policy *p,
    size_t selected, const unsigned char *decided, struct queue_mask **out)
{
	struct queue_mask	*v = NULL, *m, *keep = NULL;
	size_t			 n = 0, nm = 0, nkeep = 0, i, k;

	*out = NULL;
	if (p->mask_none || it->text == NULL)
		return (0);
	if (it->kind == QUEUE_KIND_ANONYMIZATION) {
		for (i = 0; i < it->nspans; i++) {
			if (i == selected || (decided != NULL &&
			    decided[i] == QUEUE_MASK_AT_HAND)) {
				mask_add(&keep, &nkeep, it->spans[i].start,
				    it->spans[i].end, NULL);
				continue;
			}
			if (strcmp(it->spans[i].triage, "accepted") == 0 ||
			    (decided != NULL && decided[i]))
				mask_add(&v, &n, it->spans[i].start,
				    it->spans[i].end, it->spans[i].entity_type);
		}
	} else {
		for (i = 0; i < it->nflags; i++) {
			if (mask_pii_flag(&it->flags[i]))
				mask_add(&v, &n, it->flags[i].start,
				    it->flags[i].end, it->flags[i].type);
		}
	}
	if (n == 0) {
		free(keep);
		return (0);
	}
	if (!mask_sorted(v, n))
		qsort(v, n, sizeof *v, mask_cmp);
	/*
	 * Overlapping ranges are one mask (of the type of the one that starts
	 * first, the longest of those): a value is never shown in part
	 * between two marks. Adjacent ones stay two.
	 * The spans being adjudicated are cut out of what is left: they are
	 * always shown, even where an accepted span overlaps one.
	 */
	for (i = 0; i < n; i++) {
		if (nm > 0 && v[i].cp_start < v[nm - 1].cp_end) {
			if (v[i].cp_end > v[nm - 1].cp_end)
				v[nm - 1].cp_end = v[i].cp_end;
			continue;
		}
		v[nm++] = v[i];
	}
	m = v;
	for (k = 0; k < nkeep; k++)
		nm = mask_cut(&m, nm, &keep[k]);
	free(keep);
	if (nm == 0) {
		free(m);
		return (0);
	}
	*out = m;
	return (nm);
}

size_t
queue_mask_ranges(const struct queue_item *it, const struct policy *p,
    size_t selected, const unsigned char *decided, struct queue_mask **out)
{
	struct queue_mask	*v;
	size_t			 n, nm, i, len, off = 0, cp = 0;

	if ((n = queue_mask_ranges_cp(it, p, selected, decided, &v)) == 0) {
		*out = NULL;
		return (0);
	}
	len = strlen(it->text);
	/*
	 * Sorted and disjoint: one walk over the text converts them all.
	 * Offsets past the text (none import lets in) mask to its end.
	 */
	for (i = 0; i < n; i++) {
		v[i].start = utf8_cp_walk(it->text, len, &off, &cp,
		    v[i].cp_start) == 0 ? off : len;
		v[i].end = utf8_cp_walk(it->text, len, &off, &cp,
		    v[i].cp_end) == 0 ? off : len;
	}
	for (i = 0, nm = 0; i < n; i++) {
		if (v[i].start < v[i].end)
			v[nm++] = v[i];
	}
	if ((n = nm) == 0) {
		free(v);
		return (0);
	}
	*out = v;
	return (n);
}

void
queue_mask_label(const struct queue_mask *m, char *buf, size_t len)
{
	snprintf(buf, len, MASK_OPEN "%s" MASK_CLOSE, m->entity_type);
}

char *
queue_mask_text(const char *text, const struct queue_mask *m, size_t n)
{
	char	*out, label[QUEUE_MASK_LABEL_MAX];
	size_t	 i, at = 0, cap, o = 0, k;

	cap = strlen(text) + 1;
	for (i = 0; i < n; i++)
		cap += sizeof label;
	out = xmalloc(cap);
	for (i = 0; i < n; i++) {
		memcpy(out + o, text + at, m[i].start - at);
		o += m[i].start - at;
		queue_mask_label(&m[i], label, sizeof label);
		k = strlen(label);
		memcpy(out + o, label, k);
		o += k;
		at = m[i].end;
	}
	strcpy(out + o, text + at);
	return (out);
}

int
queue_reveal(struct queue *q, const char *item, const char *reason,
    char **cause)
{
	const struct policy	*p;
	struct queue_item	*it = NULL;
	cJSON			*data;
	int			 rc;

	if ((rc = store_require_role(q, POLICY_ROLE_REVIEWER,
	    "reveal masked values", cause)) != 0 ||
	    (rc = queue_policy(q, &p, NULL, cause)) != 0)
		return (rc);
	if (reason != NULL && queue_text_blank(reason))
		reason = NULL;
	if (reason == NULL && p->reveal_reason) {
		xasprintf(cause, "the policy asks a reason for every reveal "
		    "(privacy.reveal_reason): give one");
		return (EX_USAGE);
	}
	if (reason != NULL && (strlen(reason) > REVEAL_REASON_MAX ||
	    !utf8_valid(reason, strlen(reason), NULL))) {
		xasprintf(cause, "the reason must be valid UTF-8 of at most "
		    "%d bytes", REVEAL_REASON_MAX);
		return (EX_DATAERR);
	}
	if ((rc = store_begin(q, cause)) != 0)
		return (rc);
	/* The item must exist: the event names it. */
	if ((rc = store_item_get(q, 0, item, &it, cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	if (reason != NULL)
		cJSON_AddStringToObject(data, "reason", reason);
	else
		cJSON_AddNullToObject(data, "reason");
	if ((rc = store_audit_append(q, "reveal", q->actor, it->ext_id, data,
	    cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	queue_item_free(it);
	return (0);
fail:
	store_rollback(q);
	queue_item_free(it);
	return (rc);
}
