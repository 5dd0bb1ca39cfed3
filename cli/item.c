/*
 * Printing an item, its lease and its history: the stable JSON of --json and
 * a sanitized text form for terminals.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "textsafe.h"
#include "xmalloc.h"

static void
item_add_opt(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

/* Stored JSON text back as a value (it was validated on the way in). */
static void
item_add_raw(cJSON *o, const char *key, const char *json)
{
	cJSON *v = json != NULL ? cJSON_Parse(json) : NULL;

	cJSON_AddItemToObject(o, key, v != NULL ? v : cJSON_CreateNull());
}

cJSON *
cmd_lease_json(const struct queue_lease *l)
{
	cJSON	*o;
	char	 t[32];

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)l->lease_id);
	cJSON_AddStringToObject(o, "holder", l->holder);
	queue_format_time(l->expires, t);
	cJSON_AddStringToObject(o, "expires", t);
	return (o);
}

void
cmd_pending_print(FILE *fp, const struct queue_decision_info *d,
    int64_t lease)
{
	char l[32] = "L";

	if (lease != 0)
		snprintf(l, sizeof l, "%lld", (long long)lease);
	cmd_line(fp, "pending confirmation: %s %s %s (decision %lld, %s)",
	    d->reviewer, strcmp(d->action, "correct") == 0 ? "corrected" :
	    strcmp(d->action, "approve") == 0 ? "approved" : d->action,
	    d->item, (long long)d->id, d->decided_at);
	cmd_line(fp, "  the two-person rule: confirm it (hitl decide %s "
	    "--lease %s confirm) or decide differently (a lead then "
	    "adjudicates)", d->item, l);
}

cJSON *
cmd_decision_json(const struct queue_decision_info *d)
{
	cJSON *o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "decision", (double)d->id);
	cJSON_AddStringToObject(o, "item", d->item);
	cJSON_AddStringToObject(o, "action", d->action);
	cJSON_AddStringToObject(o, "reviewer", d->reviewer);
	item_add_opt(o, "at", d->decided_at);
	if (d->shift_id != 0)
		cJSON_AddNumberToObject(o, "shift", (double)d->shift_id);
	else
		cJSON_AddNullToObject(o, "shift");
	if (d->lease_id != 0)
		cJSON_AddNumberToObject(o, "lease", (double)d->lease_id);
	else
		cJSON_AddNullToObject(o, "lease");
	cJSON_AddNumberToObject(o, "policy_version", d->policy_version);
	if (d->spent_ms >= 0)
		cJSON_AddNumberToObject(o, "spent_ms", (double)d->spent_ms);
	else
		cJSON_AddNullToObject(o, "spent_ms");
	item_add_raw(o, "payload", d->payload);
	if (d->undoes != 0)
		cJSON_AddNumberToObject(o, "undoes", (double)d->undoes);
	else
		cJSON_AddNullToObject(o, "undoes");
	if (d->undone_by != 0)
		cJSON_AddNumberToObject(o, "undone_by", (double)d->undone_by);
	else
		cJSON_AddNullToObject(o, "undone_by");
	return (o);
}

cJSON *
cmd_item_json(const struct queue_item *it, int history,
    const struct queue_decision_info *hist, size_t nhist)
{
	cJSON	*o, *arr, *f, *src;
	char	 t[32];
	size_t	 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", it->ext_id);
	cJSON_AddStringToObject(o, "kind", queue_kind_name(it->kind));
	cJSON_AddStringToObject(o, "state", queue_state_name(it->state));
	cJSON_AddNumberToObject(o, "priority", it->priority);
	item_add_opt(o, "created_at", it->created_at);
	item_add_opt(o, "imported_at", it->imported_at);
	src = cJSON_AddObjectToObject(o, "source");
	item_add_opt(src, "model", it->source_model);
	item_add_opt(src, "pipeline", it->source_pipeline);
	item_add_raw(o, "metadata", it->metadata);
	if (it->state == QUEUE_STATE_CLAIMED && it->holder != NULL) {
		f = cJSON_AddObjectToObject(o, "claim");
		cJSON_AddStringToObject(f, "holder", it->holder);
		cJSON_AddNumberToObject(f, "lease", (double)it->lease_id);
		queue_format_time(it->lease_expires, t);
		cJSON_AddStringToObject(f, "expires", t);
	} else
		cJSON_AddNullToObject(o, "claim");
	if (it->kind == QUEUE_KIND_MODEL_OUTPUT) {
		item_add_opt(o, "prompt", it->prompt);
		item_add_raw(o, "messages", it->messages);
		cJSON_AddStringToObject(o, "response", it->text);
		arr = cJSON_AddArrayToObject(o, "flags");
		for (i = 0; i < it->nflags; i++) {
			f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "type", it->flags[i].type);
			cJSON_AddNumberToObject(f, "score",
			    it->flags[i].score);
			item_add_opt(f, "detector", it->flags[i].detector);
			item_add_opt(f, "rationale", it->flags[i].rationale);
			if (it->flags[i].has_offsets) {
				cJSON_AddNumberToObject(f, "start",
				    (double)it->flags[i].start);
				cJSON_AddNumberToObject(f, "end",
				    (double)it->flags[i].end);
			}
			cJSON_AddItemToArray(arr, f);
		}
	} else {
		cJSON_AddStringToObject(o, "text", it->text);
		arr = cJSON_AddArrayToObject(o, "spans");
		for (i = 0; i < it->nspans; i++) {
			f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "entity_type",
			    it->spans[i].entity_type);
			cJSON_AddNumberToObject(f, "start",
			    (double)it->spans[i].start);
			cJSON_AddNumberToObject(f, "end",
			    (double)it->spans[i].end);
			cJSON_AddNumberToObject(f, "score",
			    it->spans[i].score);
			item_add_opt(f, "recognizer",
			    it->spans[i].recognizer);
			item_add_raw(f, "explanation",
			    it->spans[i].explanation);
			cJSON_AddStringToObject(f, "triage",
			    it->spans[i].triage);
			cJSON_AddItemToArray(arr, f);
		}
	}
	if (history) {
		arr = cJSON_AddArrayToObject(o, "history");
		for (i = 0; i < nhist; i++)
			cJSON_AddItemToArray(arr, cmd_decision_json(&hist[i]));
	}
	return (o);
}

/* Untrusted text, made visible, indented under a label. */
static void
item_print_text(FILE *f, const char *label, const char *s)
{
	char	*safe, *line, *next;

	safe = textsafe_copy(s, strlen(s), TEXTSAFE_KEEP_NEWLINES |
	    TEXTSAFE_KEEP_TABS, NULL);
	cmd_line(f, "%s:", label);
	for (line = safe; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fprintf(f, "  | %s\n", line);
	}
	free(safe);
}

/* prefix and untrusted s, made visible; nothing if s is NULL. */
static void
item_print_field(FILE *f, const char *prefix, const char *s)
{
	char *safe;

	if (s == NULL)
		return;
	safe = textsafe_copy(s, strlen(s), 0, NULL);
	fputs(prefix, f);
	fputs(safe, f);
	free(safe);
}

/* A chat message: its text, and the tool calls it makes or answers. */
static void
item_print_message(FILE *f, const struct queue_message *m)
{
	char	label[64];
	size_t	i;

	snprintf(label, sizeof label, "message (%s)", m->role);
	if (m->content != NULL)
		item_print_text(f, label, m->content);
	else
		cmd_line(f, "%s:", label);
	if (m->name != NULL) {
		item_print_field(f, "  name: ", m->name);
		fputc('\n', f);
	}
	if (m->tool_call_id != NULL) {
		item_print_field(f, "  answers tool call ", m->tool_call_id);
		fputc('\n', f);
	}
	for (i = 0; i < m->ncalls; i++) {
		item_print_field(f, "  calls ", m->calls[i].name);
		item_print_field(f, " ", m->calls[i].arguments);
		item_print_field(f, " (tool call ", m->calls[i].id);
		fputs(")\n", f);
	}
}

/* Sets *hidden if s (may be NULL) has anything shown as a mark. */
static void
item_hidden(const char *s, int *hidden)
{
	int h = 0;

	if (s == NULL || *hidden)
		return;
	free(textsafe_copy(s, strlen(s), TEXTSAFE_KEEP_NEWLINES |
	    TEXTSAFE_KEEP_TABS, &h));
	*hidden = h;
}

/*
 * Its two times, each named: the producer's (when the output was made) and
 * the queue's (when it came in), with how long it has waited if it waits.
 */
static void
item_print_times(FILE *f, struct queue *q, const struct queue_item *it)
{
	char age[24];

	item_print_field(f, "created  ", it->created_at);
	if (it->created_at != NULL)
		fputs(" (by the producer)\n", f);
	item_print_field(f, "imported ", it->imported_at);
	if (it->imported_at != NULL && (it->state == QUEUE_STATE_QUEUED ||
	    it->state == QUEUE_STATE_CLAIMED)) {
		queue_format_age(queue_waiting_seconds(q, it->imported_at),
		    age);
		fprintf(f, " (waiting %s)", age);
	}
	if (it->imported_at != NULL)
		fputc('\n', f);
}

/* A span's explanation, a line a field, under the span. */
static void
item_print_explanation(FILE *f, const char *json)
{
	struct queue_explain_line	*ex;
	size_t				 i, n;

	n = queue_explain_lines(json, &ex);
	for (i = 0; i < n; i++) {
		item_print_field(f, "  ", ex[i].key);
		item_print_field(f, ": ", ex[i].value);
		fputc('\n', f);
	}
	queue_explain_free(ex, n);
}

/* "suspended: model gpt-x since TIME by carol: REASON", if it is. */
static void
item_print_suspended(FILE *f, struct queue *q, const struct queue_item *it)
{
	const struct queue_suspension	*s;
	struct queue_suspension		*all;
	size_t				 n;
	char				*why = NULL;

	if (queue_suspensions(q, 0, &all, &n, &why) != 0) {
		free(why);
		return;
	}
	if ((s = queue_suspension_find(all, n, it->source_model,
	    it->source_pipeline)) != NULL)
		cmd_suspension_line(f, "suspended: ", s);
	queue_suspensions_free(all, n);
}

void
cmd_item_print(FILE *f, struct queue *q, const struct queue_item *it,
    const struct queue_decision_info *hist, size_t nhist)
{
	struct queue_explain_line	*ex;
	char				 t[32];
	size_t				 i, j, n;
	int				 hidden = 0;

	/* Any field the reviewer reads, not only the text. */
	item_hidden(it->text, &hidden);
	item_hidden(it->prompt, &hidden);
	item_hidden(it->source_model, &hidden);
	item_hidden(it->source_pipeline, &hidden);
	for (i = 0; i < it->nmsgs; i++) {
		item_hidden(it->msgs[i].role, &hidden);
		item_hidden(it->msgs[i].content, &hidden);
		item_hidden(it->msgs[i].name, &hidden);
		item_hidden(it->msgs[i].tool_call_id, &hidden);
		for (j = 0; j < it->msgs[i].ncalls; j++) {
			item_hidden(it->msgs[i].calls[j].id, &hidden);
			item_hidden(it->msgs[i].calls[j].name, &hidden);
			item_hidden(it->msgs[i].calls[j].arguments, &hidden);
		}
	}
	for (i = 0; i < it->nflags; i++)
		item_hidden(it->flags[i].rationale, &hidden);
	for (i = 0; i < it->nspans; i++) {
		item_hidden(it->spans[i].recognizer, &hidden);
		n = queue_explain_lines(it->spans[i].explanation, &ex);
		for (j = 0; j < n; j++)
			item_hidden(ex[j].value, &hidden);
		queue_explain_free(ex, n);
	}
	item_print_field(f, "item ", it->ext_id);
	fprintf(f, " (%s, %s, priority %.2f)\n", queue_kind_name(it->kind),
	    queue_state_name(it->state), it->priority);
	if (hidden)
		fprintf(f, "warning: contains hidden characters (shown as "
		    "marks)\n");
	item_print_field(f, "source: ", it->source_model);
	item_print_field(f, " / ", it->source_pipeline);
	if (it->source_model != NULL || it->source_pipeline != NULL)
		fputc('\n', f);
	item_print_suspended(f, q, it);
	item_print_times(f, q, it);
	if (it->state == QUEUE_STATE_CLAIMED && it->holder != NULL) {
		queue_format_time(it->lease_expires, t);
		item_print_field(f, "claimed by ", it->holder);
		fprintf(f, " (lease %lld, until %s)\n",
		    (long long)it->lease_id, t);
	}
	if (it->prompt != NULL)
		item_print_text(f, "prompt", it->prompt);
	for (i = 0; i < it->nmsgs; i++)
		item_print_message(f, &it->msgs[i]);
	item_print_text(f, it->kind == QUEUE_KIND_MODEL_OUTPUT ? "response" :
	    "text", it->text);
	for (i = 0; i < it->nflags; i++) {
		item_print_field(f, "flag ", it->flags[i].type);
		fprintf(f, " %.3f", it->flags[i].score);
		item_print_field(f, " by ", it->flags[i].detector);
		if (it->flags[i].has_offsets)
			fprintf(f, " [%zu, %zu)", it->flags[i].start,
			    it->flags[i].end);
		item_print_field(f, ": ", it->flags[i].rationale);
		fputc('\n', f);
	}
	for (i = 0; i < it->nspans; i++) {
		item_print_field(f, "span ", it->spans[i].entity_type);
		fprintf(f, " [%zu, %zu) %.3f", it->spans[i].start,
		    it->spans[i].end, it->spans[i].score);
		item_print_field(f, " ", it->spans[i].triage);
		item_print_field(f, " by ", it->spans[i].recognizer);
		fputc('\n', f);
		item_print_explanation(f, it->spans[i].explanation);
	}
	for (i = 0; i < nhist; i++) {
		item_print_field(f, "", hist[i].decided_at);
		fprintf(f, " %lld", (long long)hist[i].id);
		item_print_field(f, " ", hist[i].action);
		item_print_field(f, " by ", hist[i].reviewer);
		if (hist[i].undone_by != 0)
			fprintf(f, " (undone by %lld)",
			    (long long)hist[i].undone_by);
		item_print_field(f, " ", hist[i].payload);
		fputc('\n', f);
	}
}
