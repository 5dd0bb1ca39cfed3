/*
 * Drawing the item pane: a model output with its context and flagged
 * ranges, or an anonymization case with its spans by entity type (and,
 * opened from the inbox, the escalation first), wrapped and scrolled.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "item.h"
#include "xmalloc.h"

/* The pane's lines before wrapping: one block of cells a paragraph. */
struct iv_doc {
	struct item_pane	*ip;
	struct tui_cells	*blocks;
	size_t			 n;
	/*
	 * The lines that fill the screen from the scroll on (0: all): what
	 * lies past them is not made, as a long text or list of spans would
	 * cost every key its length. lines counts blocks [0, counted).
	 */
	size_t			 need;
	/*
	 * Or the lines that fill it up from the bottom (0: not at the end):
	 * the text and the span lines above them are then not made (elided
	 * set; hidden: what those would have said of hidden characters).
	 */
	size_t			 tail;
	int			 elided;
	int			 hidden;
	int			 width;
	size_t			 lines, counted;
};

/* A new empty block; capacity is every power of two (a line per span). */
static struct tui_cells *
iv_doc_add(struct iv_doc *d)
{
	struct tui_cells *c;

	if ((d->n & (d->n - 1)) == 0)
		d->blocks = xreallocarray(d->blocks, d->n == 0 ? 1 : d->n * 2,
		    sizeof *d->blocks);
	c = &d->blocks[d->n++];
	memset(c, 0, sizeof *c);
	return (c);
}

static struct tui_cells *
iv_block(struct iv_doc *d, const char *s, int attr)
{
	struct tui_cells *c;

	c = iv_doc_add(d);
	tui_cells_add(c, s, strlen(s), attr, 1);
	return (c);
}

/* The wrapped lines of the blocks made so far (final by now). */
static size_t
iv_doc_lines(struct iv_doc *d)
{
	for (; d->counted < d->n; d->counted++)
		d->lines += tui_cells_lines(&d->blocks[d->counted], d->width);
	return (d->lines);
}

static void
iv_doc_free(struct iv_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		tui_cells_free(&d->blocks[i]);
	free(d->blocks);
}

static const char *
iv_verdict_name(const struct item_pane *ip, size_t i)
{
	switch (ip->verdicts[i]) {
	case ITEM_ACCEPTED:
		return ("accepted");
	case ITEM_REJECTED:
		return ("not PII");
	case ITEM_RETYPED:
		return ("retyped");
	default:
		return ("");
	}
}

/*
 * A chat message: its role (and name, or the tool call a tool's message
 * answers), its text, and each tool call an assistant's makes: the
 * function, its arguments as the model wrote them, and the call's id.
 */
static void
iv_message(struct iv_doc *d, const struct queue_message *m)
{
	char	*s;
	size_t	 i;

	xasprintf(&s, "[%s]%s%s%s%s", m->role, m->name != NULL ? " " : "",
	    m->name != NULL ? m->name : "", m->tool_call_id != NULL ?
	    " result of " : "", m->tool_call_id != NULL ? m->tool_call_id : "");
	iv_block(d, s, tui_color_attr(TUI_C_DIM));
	free(s);
	if (m->content != NULL)
		iv_block(d, m->content, tui_color_attr(TUI_C_NORMAL));
	for (i = 0; i < m->ncalls; i++) {
		xasprintf(&s, "calls %s(%s)  %s", m->calls[i].name,
		    m->calls[i].arguments, m->calls[i].id);
		iv_block(d, s, tui_color_attr(TUI_C_NORMAL));
		free(s);
	}
}

/*
 * The item's text as a block, masked as the policy says unless revealed:
 * on an anonymization case the selected span is the one adjudicated, and
 * spans given a verdict are decided. The masks are counted in ip->masked.
 * With elide set the block is not made (NULL), only its masks and what it
 * says of hidden characters.
 */
static struct tui_cells *
iv_text_block(struct tui *t, struct iv_doc *d, int elide)
{
	struct item_pane	*ip = d->ip;
	const struct policy	*p;
	const struct queue_mask	*m = NULL;
	struct tui_cells	*c;
	unsigned char		*decided;
	char			*why = NULL;
	const char		*text = ip->item->text;
	size_t			 i, n = 0, len = strlen(text), lines = 0, span;

	if (!ip->revealed) {
		if (queue_policy(t->q, &p, NULL, &why) != 0) {
			/* No policy to say what may be shown: show nothing. */
			tui_message(t, 1, "%s", why);
			free(why);
			ip->masked = 0;
			return (iv_block(d, "(the text is hidden: the policy "
			    "could not be read)", tui_color_attr(TUI_C_ERROR)));
		}
		decided = xcalloc(ip->item->nspans + 1, 1);
		for (i = 0; i < ip->item->nspans; i++)
			decided[i] = ip->verdicts[i] != ITEM_NONE;
		span = ip->item->kind == QUEUE_KIND_ANONYMIZATION ? ip->span :
		    QUEUE_MASK_NO_SPAN;
		/* A key that moved neither the selection nor a verdict (the
		 * cursor, scrolling) keeps the masks. */
		if (ip->masks.decided == NULL || ip->masks.span != span ||
		    ip->masks.none != p->mask_none || memcmp(ip->masks.decided,
		    decided, ip->item->nspans) != 0) {
			free(ip->masks.v);
			free(ip->masks.decided);
			ip->masks.n = queue_mask_ranges_cp(ip->item, p, span,
			    decided, &ip->masks.v);
			/* Past the text's end (none import lets in): not
			 * shown. */
			while (ip->masks.n > 0 && ip->masks.v[ip->masks.n -
			    1].cp_start >= ip->textlen)
				ip->masks.n--;
			ip->masks.decided = decided;
			ip->masks.span = span;
			ip->masks.none = p->mask_none;
		} else
			free(decided);
		m = ip->masks.v;
		n = ip->masks.n;
	}
	ip->masked = n;
	if (!ip->scanned) {
		tui_text_scan(&ip->scan, text, len, 1);
		for (i = 0, ip->plain = 1; i < ip->item->nspans; i++)
			ip->plain &= tui_text_plain(
			    ip->item->spans[i].entity_type);
		ip->scanned = 1;
	}
	if (elide) {
		d->elided = 1;
		d->hidden |= tui_text_scan_hidden(&ip->scan, text, len, 1, m,
		    n);
		return (NULL);
	}
	if (d->need > 0)
		lines = d->need > iv_doc_lines(d) ? d->need - d->lines : 1;
	c = iv_doc_add(d);
	(void)tui_cells_add_masked_part(c, text, len,
	    tui_color_attr(TUI_C_NORMAL), 1, m, n, d->width, lines);
	/* The whole text's, even where only part of it was made. */
	c->hidden = tui_text_scan_hidden(&ip->scan, text, len, 1, m, n);
	return (c);
}

static void
iv_doc_output(struct tui *t, struct iv_doc *d)
{
	struct item_pane	*ip = d->ip;
	struct tui_cells	*c;
	char			 buf[1024];
	size_t			 i;

	iv_block(d, "Context", tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (ip->item->prompt != NULL)
		iv_block(d, ip->item->prompt, tui_color_attr(TUI_C_NORMAL));
	for (i = 0; i < ip->item->nmsgs; i++)
		iv_message(d, &ip->item->msgs[i]);
	iv_block(d, "", 0);
	iv_block(d, ip->kept != NULL ? "Response (your correction, not yet "
	    "saved)" : "Response", tui_color_attr(TUI_C_DIM) | A_BOLD);
	/* The reviewer's own correction is theirs: no offsets hold there. */
	if (ip->kept != NULL) {
		c = iv_block(d, ip->kept, tui_color_attr(TUI_C_NORMAL));
		ip->masked = 0;
	} else
		c = iv_text_block(t, d, 0);
	for (i = 0; ip->kept == NULL && i < ip->item->nflags; i++) {
		if (ip->item->flags[i].has_offsets)
			tui_cells_mark(c, ip->item->flags[i].start,
			    ip->item->flags[i].end, tui_color_attr(TUI_C_FLAG));
	}
	iv_block(d, "", 0);
	iv_block(d, "Flags", tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (ip->item->nflags == 0)
		iv_block(d, "none: sampled for a spot check",
		    tui_color_attr(TUI_C_DIM));
	for (i = 0; i < ip->item->nflags; i++) {
		const struct queue_flag *fl = &ip->item->flags[i];

		/* "type score  detector: rationale", each part if given. */
		snprintf(buf, sizeof buf, "%s %.3f  %s%s%s", fl->type,
		    fl->score, fl->detector != NULL ? fl->detector : "",
		    fl->detector != NULL && fl->rationale != NULL ? ": " : "",
		    fl->rationale != NULL ? fl->rationale : "");
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(TUI_C_FLAG));
	}
}

static void
iv_explanation(struct iv_doc *d, const char *json)
{
	struct queue_explain_line	*l;
	char				 buf[512];
	size_t				 i, n;

	/* The fields hitl show prints too, in Presidio's order. */
	n = queue_explain_lines(json, &l);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "  %s: %s", l[i].key, l[i].value);
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(TUI_C_DIM));
	}
	queue_explain_free(l, n);
}

static void
iv_doc_spans(struct tui *t, struct iv_doc *d)
{
	struct item_pane	*ip = d->ip;
	struct tui_cells	*c;
	struct queue_span	*s;
	char			 buf[512];
	size_t			 i, lo, hi, rows, first = 0;
	int			 attr, part;

	/*
	 * Lines below the screen are left out, and at the end of the item
	 * lines above it, if none could hide a mark; at the end the text is
	 * left out when the span lines alone fill the screen.
	 */
	rows = ip->item->nspans + ip->nadded;
	part = ip->plain;
	for (i = 0; part && i < ip->item->nspans; i++)
		part = tui_text_plain(ip->types[i]);
	for (i = 0; part && i < ip->nadded; i++)
		part = tui_text_plain(ip->added[i].type);
	if (part && d->tail > 0 && rows > d->tail) {
		first = rows - d->tail;
		d->elided = 1;
	}
	iv_block(d, "Text", tui_color_attr(TUI_C_DIM) | A_BOLD);
	c = iv_text_block(t, d, d->tail > 0 && rows >= d->tail);
	for (i = 0; c != NULL && i < ip->item->nspans; i++) {
		s = &ip->item->spans[i];
		if (c->n == 0 || s->start > c->v[c->n - 1].cp)
			continue;	/* past the part made */
		if (ip->verdicts[i] == ITEM_REJECTED ||
		    (ip->verdicts[i] == ITEM_NONE &&
		    strcmp(s->triage, "rejected") == 0))
			attr = tui_color_attr(TUI_C_REJECTED);
		else if (strcmp(s->triage, "ambiguous") == 0 &&
		    ip->verdicts[i] == ITEM_NONE)
			attr = tui_color_attr(TUI_C_AMBIGUOUS);
		else
			attr = tui_color_span(ip->verdicts[i] == ITEM_RETYPED ?
			    ip->types[i] : s->entity_type);
		if (i == ip->span)
			attr |= A_REVERSE;
		tui_cells_mark(c, s->start, s->end, attr);
	}
	for (i = 0; c != NULL && i < ip->nadded; i++)
		tui_cells_mark(c, ip->added[i].start, ip->added[i].end,
		    tui_color_span(ip->added[i].type) | A_BOLD);
	if (c != NULL && ip->selecting) {
		lo = ip->mark < ip->cursor ? ip->mark : ip->cursor;
		hi = ip->mark < ip->cursor ? ip->cursor : ip->mark;
		tui_cells_mark(c, lo, hi + 1, tui_color_attr(TUI_C_SELECTED));
	}
	if (c != NULL)
		tui_cells_mark(c, ip->cursor, ip->cursor + 1,
		    tui_color_attr(TUI_C_SELECTED) | A_UNDERLINE);
	iv_block(d, "", 0);
	iv_block(d, "Spans", tui_color_attr(TUI_C_DIM) | A_BOLD);
	for (i = first; i < rows; i++) {
		if (part && d->need > 0 && iv_doc_lines(d) >= d->need)
			break;
		if (i >= ip->item->nspans) {
			snprintf(buf, sizeof buf, "+ %-14s [%zu, %zu) added by "
			    "you", ip->added[i - ip->item->nspans].type,
			    ip->added[i - ip->item->nspans].start,
			    ip->added[i - ip->item->nspans].end);
			tui_utf8_trim(buf);
			iv_block(d, buf, tui_color_attr(TUI_C_NORMAL));
			continue;
		}
		s = &ip->item->spans[i];
		snprintf(buf, sizeof buf, "%s %-14s %.2f %-9s %s%s%s",
		    i == ip->span ? ">" : " ", s->entity_type, s->score,
		    s->triage, iv_verdict_name(ip, i),
		    ip->verdicts[i] == ITEM_RETYPED ? " to " : "",
		    ip->verdicts[i] == ITEM_RETYPED ? ip->types[i] : "");
		tui_utf8_trim(buf);
		iv_block(d, buf, tui_color_attr(i == ip->span ?
		    TUI_C_SELECTED : TUI_C_NORMAL));
	}
	if (ip->span < ip->item->nspans) {
		s = &ip->item->spans[ip->span];
		snprintf(buf, sizeof buf, "Selected: %s, score %.2f, %s%s",
		    s->entity_type, s->score, s->triage,
		    s->recognizer != NULL ? ", by " : "");
		tui_utf8_trim(buf);
		iv_block(d, "", 0);
		c = iv_block(d, buf, tui_color_attr(TUI_C_DIM) | A_BOLD);
		if (s->recognizer != NULL)
			tui_cells_add(c, s->recognizer, strlen(s->recognizer),
			    tui_color_attr(TUI_C_DIM) | A_BOLD, 0);
		iv_explanation(d, s->explanation);
	}
}

/* A time as the console shows it: local date and minute, and its age. */
static void
iv_when(struct tui *t, int64_t when, int age, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)when;
	char		day[32];
	int64_t		ago = queue_now(t->q) - when;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(day, sizeof day, "%lld", (long long)when);
	if (ago < 0)
		ago = 0;
	if (!age)
		snprintf(buf, len, "%s", day);
	else if (ago < 3600)
		snprintf(buf, len, "%s (%lldm ago)", day, (long long)ago / 60);
	else
		snprintf(buf, len, "%s (%lldh ago)", day, (long long)ago /
		    3600);
}

/* A line of untrusted text (the policy's, a reviewer's) after a label. */
static void
iv_esc_line(struct iv_doc *d, const char *label, const char *text)
{
	struct tui_cells *c;

	c = iv_block(d, label, tui_color_attr(TUI_C_DIM));
	if (text != NULL)
		tui_cells_add(c, text, strlen(text),
		    tui_color_attr(TUI_C_NORMAL), 1);
}

/*
 * What a lead needs to settle an escalation: the team, the reason (and
 * what the policy says it means), the severity and its target, who
 * escalated it and when, their note, and whether it was acknowledged.
 */
static void
iv_doc_escalation(struct tui *t, struct iv_doc *d)
{
	struct item_pane	*ip = d->ip;
	const struct policy		*p = NULL;
	const struct policy_team	*team = NULL;
	const struct policy_entry	*reason = NULL;
	const struct policy_severity	*sev = NULL;
	char				 buf[512], when[64], *s;
	char				*why = NULL;
	int64_t				 now = queue_now(t->q);

	if (queue_policy(t->q, &p, NULL, &why) != 0) {
		free(why);
		p = NULL;
	}
	if (p != NULL) {
		team = policy_find_team(p, ip->esc->team);
		reason = policy_find_entry(p->reason_codes, p->nreason_codes,
		    ip->esc->reason);
		sev = policy_find_severity(p, ip->esc->severity);
	}
	snprintf(buf, sizeof buf, "Escalation %lld (%s)",
	    (long long)ip->esc->id, ip->esc->state);
	iv_block(d, buf, tui_color_attr(TUI_C_DIM) | A_BOLD);
	if (team != NULL && strcmp(team->name, team->id) != 0)
		xasprintf(&s, "%s (%s)", team->name, team->id);
	else
		s = xstrdup(ip->esc->team);
	iv_esc_line(d, "team: ", s);
	free(s);
	if (reason != NULL && reason->description != NULL)
		xasprintf(&s, "%s: %s", ip->esc->reason, reason->description);
	else
		s = xstrdup(ip->esc->reason);
	iv_esc_line(d, "reason: ", s);
	free(s);
	iv_when(t, ip->esc->due_at, 0, when, sizeof when);
	if (sev != NULL)
		xasprintf(&s, "%s, answer within %d min (due %s%s)",
		    ip->esc->severity, sev->response_minutes, when,
		    strcmp(ip->esc->state, "open") == 0 &&
		    now > ip->esc->due_at ? ", OVERDUE" : "");
	else
		s = xstrdup(ip->esc->severity);
	iv_esc_line(d, "severity: ", s);
	free(s);
	iv_when(t, ip->esc->opened_at, 1, when, sizeof when);
	xasprintf(&s, "%s at %s", ip->esc->opened_by, when);
	iv_esc_line(d, "escalated by: ", s);
	free(s);
	iv_esc_line(d, "note: ", ip->esc->note != NULL && *ip->esc->note !=
	    '\0' ? ip->esc->note : "none");
	if (ip->esc->acked_by != NULL) {
		iv_when(t, ip->esc->acked_at, 1, when, sizeof when);
		xasprintf(&s, "by %s at %s", ip->esc->acked_by, when);
	} else
		s = xstrdup("not yet (A acknowledges)");
	iv_esc_line(d, "acknowledged: ", s);
	free(s);
	if (ip->esc->resolved_by != NULL) {
		xasprintf(&s, "%s by %s", ip->esc->outcome != NULL ?
		    ip->esc->outcome : "", ip->esc->resolved_by);
		iv_esc_line(d, "resolved: ", s);
		free(s);
	}
	iv_block(d, "", 0);
}

/* A line saying the item's source is suspended, by whom and why. */
static void
iv_doc_suspended(struct tui *t, struct iv_doc *d)
{
	struct item_pane	*ip = d->ip;
	const struct queue_suspension	*s;
	struct queue_suspension		*all;
	size_t				 n;
	char				*why = NULL, *line;

	if (queue_suspensions(t->q, 0, &all, &n, &why) != 0) {
		free(why);
		return;
	}
	if ((s = queue_suspension_find(all, n, ip->item->source_model,
	    ip->item->source_pipeline)) != NULL) {
		xasprintf(&line, "SUSPENDED: %s %s, since %s by %s: %s",
		    queue_source_name(s->kind), s->value, s->since, s->by,
		    s->reason);
		iv_block(d, line, tui_color_attr(TUI_C_ERROR));
		free(line);
	}
	queue_suspensions_free(all, n);
}

/*
 * The decision that waits for this reviewer's confirmation: who took it,
 * what it was, and the keys (the cells sanitize the login).
 */
static void
iv_doc_pending(struct iv_doc *d)
{
	struct item_pane	*ip = d->ip;
	struct tui_cells	*c;
	const char		*a = ip->pending->action;
	char			 buf[160];

	c = iv_block(d, "pending confirmation: ",
	    tui_color_attr(TUI_C_DIFFER) | A_BOLD);
	tui_cells_add(c, ip->pending->reviewer, strlen(ip->pending->reviewer),
	    tui_color_attr(TUI_C_DIFFER) | A_BOLD, 0);
	snprintf(buf, sizeof buf, " %s it (decision %lld, %s)",
	    strcmp(a, "correct") == 0 ? "corrected" : strcmp(a, "approve") ==
	    0 ? "approved" : a, (long long)ip->pending->id,
	    ip->pending->decided_at);
	tui_cells_add(c, buf, strlen(buf), tui_color_attr(TUI_C_DIFFER), 0);
	iv_block(d, "C confirms it; deciding otherwise sends the item to a "
	    "lead (two-person rule)", tui_color_attr(TUI_C_DIM));
}

void
item_draw(struct tui *t, struct item_pane *ip, const struct tui_rect *r)
{
	struct iv_doc	 d;
	struct tui_cells *c;
	size_t		**starts, *nlines, i, j, total = 0, end, room, top;
	char		 buf[512];
	int		 y = 0, hidden = 0;

	if (ip->item == NULL)
		return;
	memset(&d, 0, sizeof d);
	d.ip = ip;
	d.width = r->w;
	if (ip->at_end)
		d.tail = ip->back + (size_t)r->h;
	else
		d.need = (size_t)ip->scroll + (size_t)r->h;
	c = iv_block(&d, "", tui_color_attr(TUI_C_TITLE));
	/* Claimed: its lease; from the inbox: nothing is held, so no lease. */
	if (ip->esc != NULL)
		snprintf(buf, sizeof buf, "%s  %s  priority %.2f  escalated",
		    queue_kind_name(ip->item->kind), ip->item->source_model !=
		    NULL ? ip->item->source_model : "", ip->item->priority);
	else
		snprintf(buf, sizeof buf, "%s  %s  priority %.2f  lease %lld",
		    queue_kind_name(ip->item->kind), ip->item->source_model !=
		    NULL ? ip->item->source_model : "", ip->item->priority,
		    (long long)ip->lease);
	tui_utf8_trim(buf);
	tui_cells_add(c, ip->item->ext_id, strlen(ip->item->ext_id),
	    tui_color_attr(TUI_C_TITLE) | A_BOLD, 0);
	tui_cells_add(c, "  ", 2, tui_color_attr(TUI_C_TITLE), 0);
	tui_cells_add(c, buf, strlen(buf), tui_color_attr(TUI_C_TITLE), 0);
	iv_doc_suspended(t, &d);
	if (ip->esc != NULL)
		iv_doc_escalation(t, &d);
	if (ip->pending != NULL)
		iv_doc_pending(&d);
	if (ip->item->kind == QUEUE_KIND_MODEL_OUTPUT)
		iv_doc_output(t, &d);
	else
		iv_doc_spans(t, &d);
	for (i = 0, hidden = d.hidden; i < d.n; i++)
		hidden |= d.blocks[i].hidden;
	if (hidden)
		tui_text_draw(r->y, r->x, r->w, "! contains hidden characters "
		    "(shown as marks such as ^[ and \xe2\x9f\xa8U+202E\xe2\x9f\xa9)",
		    tui_color_attr(TUI_C_ERROR));
	y = hidden ? 1 : 0;
	room = (size_t)(r->h - y);
	/*
	 * Wrapped first, drawn second: scrolling stops with the last line at
	 * the bottom before anything is drawn, so G never shows past the end.
	 */
	starts = xcalloc(d.n, sizeof *starts);
	nlines = xcalloc(d.n, sizeof *nlines);
	for (i = 0; i < d.n; i++) {
		nlines[i] = tui_cells_wrap(&d.blocks[i], r->w, &starts[i]);
		total += nlines[i];
	}
	/*
	 * From the bottom: what was left out lies above the lines made, at
	 * least tail of them. If all was made, the top counts again.
	 */
	if (ip->at_end && !d.elided) {
		ip->at_end = 0;
		ip->scroll = total > room + ip->back ? (int)(total - room -
		    ip->back) : 0;
	}
	if (ip->at_end)
		top = total - room - ip->back;
	else {
		if (total <= room)
			ip->scroll = 0;
		else if ((size_t)ip->scroll > total - room)
			ip->scroll = (int)(total - room);
		top = (size_t)ip->scroll;
	}
	for (total = 0, i = 0; i < d.n; i++) {
		for (j = 0; j < nlines[i]; j++, total++) {
			if (total < top || y >= r->h)
				continue;
			end = j + 1 < nlines[i] ? starts[i][j + 1] :
			    d.blocks[i].n;
			tui_cells_draw(&d.blocks[i], starts[i][j], end,
			    r->y + y++, r->x, r->w);
		}
		free(starts[i]);
	}
	free(starts);
	free(nlines);
	iv_doc_free(&d);
}
