/*
 * The span editor of an anonymization case: the span-mode requests, the
 * verdicts and added spans as a correction, and the settling of spans
 * that overlap before they are committed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "item.h"
#include "utf8.h"
#include "xmalloc.h"

cJSON *
item_spans_payload(const struct item_pane *ip)
{
	cJSON	*o, *arr, *s;
	size_t	 i;
	int	 changed = ip->nadded > 0;

	for (i = 0; i < ip->item->nspans; i++)
		changed |= ip->verdicts[i] == ITEM_REJECTED ||
		    ip->verdicts[i] == ITEM_RETYPED;
	if (!changed)
		return (NULL);
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "spans");
	for (i = 0; i < ip->item->nspans; i++) {
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "verdict",
		    ip->verdicts[i] == ITEM_REJECTED ? "rejected" :
		    ip->verdicts[i] == ITEM_RETYPED ? "retyped" : "accepted");
		if (ip->verdicts[i] == ITEM_RETYPED)
			cJSON_AddStringToObject(s, "entity_type", ip->types[i]);
		cJSON_AddItemToArray(arr, s);
	}
	arr = cJSON_AddArrayToObject(o, "added");
	for (i = 0; i < ip->nadded; i++) {
		s = cJSON_CreateObject();
		cJSON_AddNumberToObject(s, "start", (double)ip->added[i].start);
		cJSON_AddNumberToObject(s, "end", (double)ip->added[i].end);
		cJSON_AddStringToObject(s, "entity_type", ip->added[i].type);
		cJSON_AddItemToArray(arr, s);
	}
	return (o);
}

/* One span as the overlap picker lists it: type, offsets, its text. */
static char *
iv_span_choice(const struct item_pane *ip, const struct queue_final_span *s)
{
	const char	*text = ip->item->text;
	size_t		 len = strlen(text), bs = len, be = len;
	char		*out;

	if (utf8_cp_to_byte(text, len, s->start, &bs) != 0 ||
	    utf8_cp_to_byte(text, len, s->end, &be) != 0 || be < bs)
		bs = be = len;
	xasprintf(&out, "%s%-14s [%zu, %zu) %.*s", s->index < ip->item->nspans ?
	    "" : "+", s->entity_type, s->start, s->end, (int)(be - bs),
	    text + bs);
	tui_utf8_trim(out);
	return (out);
}

/*
 * The queue refuses accepted spans that overlap: for each group the
 * reviewer keeps one, and the spans that overlap it are rejected (added
 * ones dropped), on screen as well, so a cancel keeps what was picked.
 * Returns 0 when no overlap is left, -1 when the reviewer cancelled.
 */
int
item_spans_settle(struct tui *t, struct item_pane *ip)
{
	struct queue_final_span	*s, keep;
	cJSON			*o;
	char			**choices;
	size_t			 n, first, len, i, picked, k;
	int			 rc;

	for (;;) {
		o = item_spans_payload(ip);
		n = queue_spans_final(ip->item, o, 0, &s);
		if ((first = queue_spans_overlap(s, n, 0, &len)) == n) {
			free(s);
			cJSON_Delete(o);
			return (0);
		}
		choices = xcalloc(len, sizeof *choices);
		for (i = 0; i < len; i++)
			choices[i] = iv_span_choice(ip, &s[first + i]);
		rc = tui_prompt_pick(t, "these spans overlap; keep which?",
		    (const char *const *)choices, len, &picked);
		for (i = 0; i < len; i++)
			free(choices[i]);
		free(choices);
		if (rc != 0) {
			free(s);
			cJSON_Delete(o);
			tui_message(t, 1, "nothing decided: overlapping spans "
			    "cannot all be kept (x rejects one)");
			return (-1);
		}
		keep = s[first + picked];
		for (i = 0; i < n; i++) {
			if (s[i].index != keep.index && s[i].index <
			    ip->item->nspans && s[i].end > keep.start &&
			    s[i].start < keep.end)
				ip->verdicts[s[i].index] = ITEM_REJECTED;
		}
		/* Added spans from the last: the earlier indices stay. */
		for (k = ip->nadded; k-- > 0;) {
			for (i = 0; i < n; i++) {
				if (s[i].index == ip->item->nspans + k &&
				    s[i].index != keep.index &&
				    s[i].end > keep.start &&
				    s[i].start < keep.end)
					break;
			}
			if (i == n)
				continue;
			free(ip->added[k].type);
			memmove(&ip->added[k], &ip->added[k + 1],
			    (ip->nadded - k - 1) * sizeof *ip->added);
			ip->nadded--;
		}
		free(s);
		cJSON_Delete(o);
	}
}


/* An entity type of the policy, picked; 0 with *out, or -1. */
static int
iv_pick_type(struct tui *t, const char *title, char **out)
{
	struct policy	*p;
	char		*why = NULL;
	size_t		 picked;
	int		 rc = -1;

	if (queue_policy_copy(t->q, &p, &why) != 0) {
		free(why);
		return (-1);
	}
	if (tui_pick_taxonomy(t, p, TUI_TAX_ENTITY_TYPE, title, NULL, 0,
	    &picked) == 0) {
		*out = xstrdup(tui_taxonomy_id(p, TUI_TAX_ENTITY_TYPE, picked));
		rc = 0;
	}
	policy_free(p);
	return (rc);
}

int
item_spans_request(struct tui *t, struct item_pane *ip,
    enum tui_request req, int key)
{
	char	*type;
	size_t	 lo, hi;

	if (ip->item->kind != QUEUE_KIND_ANONYMIZATION)
		return (0);
	switch (req) {
	case TUI_REQ_SPAN_NEXT:
		if (ip->item->nspans > 0) {
			ip->span = (ip->span + 1) % ip->item->nspans;
			ip->cursor = ip->item->spans[ip->span].start;
		}
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_PREV:
		if (ip->item->nspans > 0) {
			ip->span = (ip->span + ip->item->nspans - 1) %
			    ip->item->nspans;
			ip->cursor = ip->item->spans[ip->span].start;
		}
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_ACCEPT:
	case TUI_REQ_SPAN_REJECT:
		if (ip->span < ip->item->nspans)
			ip->verdicts[ip->span] = req == TUI_REQ_SPAN_ACCEPT ?
			    ITEM_ACCEPTED : ITEM_REJECTED;
		return (TUI_REDRAW);
	case TUI_REQ_SPAN_RETYPE:
		if (ip->span < ip->item->nspans &&
		    iv_pick_type(t, "retype the span as", &type) == 0) {
			if (strcmp(type, ip->item->spans[ip->span].entity_type)
			    == 0) {
				free(type);
				ip->verdicts[ip->span] = ITEM_ACCEPTED;
			} else {
				free(ip->types[ip->span]);
				ip->types[ip->span] = type;
				ip->verdicts[ip->span] = ITEM_RETYPED;
			}
		}
		return (TUI_REDRAW);
	case TUI_REQ_CURSOR_LEFT:
		if (ip->cursor > 0)
			ip->cursor--;
		return (TUI_REDRAW);
	case TUI_REQ_CURSOR_RIGHT:
		if (ip->cursor + 1 < ip->textlen)
			ip->cursor++;
		return (TUI_REDRAW);
	case TUI_REQ_SELECT:
		if (!ip->selecting && key == '\r')
			return (0);	/* Enter only ends a selection */
		if (!ip->selecting) {
			ip->selecting = 1;
			ip->mark = ip->cursor;
			tui_message(t, 0, "selecting: move with h/l, v again "
			    "to add the span");
			return (TUI_REDRAW);
		}
		ip->selecting = 0;
		lo = ip->mark < ip->cursor ? ip->mark : ip->cursor;
		hi = ip->mark < ip->cursor ? ip->cursor : ip->mark;
		if (iv_pick_type(t, "entity type of the missed span",
		    &type) == 0) {
			ip->added = xreallocarray(ip->added, ip->nadded + 1,
			    sizeof *ip->added);
			ip->added[ip->nadded].start = lo;
			ip->added[ip->nadded].end = hi + 1;
			ip->added[ip->nadded++].type = type;
		}
		return (TUI_REDRAW);
	default:
		return (0);
	}
}

