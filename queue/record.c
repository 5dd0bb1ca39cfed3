/*
 * Validation of producer records: JSON syntax, required fields and types,
 * scores and code point offsets, before anything reaches the store.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unigbrk.h>

#include "ident.h"
#include "json.h"
#include "record.h"
#include "utf8.h"
#include "xmalloc.h"

/* Offsets are JSON numbers; keep them exact as doubles. */
#define RECORD_OFFSET_MAX ((uint64_t)1 << 53)

/*
 * Spans and flags per item: past these, an item is a document to split,
 * not one case for a reviewer (and the console lists every one).
 */
#define RECORD_SPANS_MAX 10000
#define RECORD_FLAGS_MAX 10000
/* The data subjects a record may name: opaque ids, erase's key. */
#define RECORD_SUBJECTS_MAX 100

static const char *const record_common_keys[] = {
	"id", "kind", "created_at", "source", "metadata", "priority",
	"response", "prompt", "messages", "flags", "text", "spans", "gold",
	"subjects", NULL
};

static const char *const record_flag_keys[] = {
	"type", "score", "detector", "rationale", "start", "end", NULL
};

static const char *const record_span_keys[] = {
	"entity_type", "start", "end", "score", "analysis_explanation",
	"recognizer", "recognition_metadata", NULL
};

/* OpenAI's chat message shapes, as producers log them. */
static const char *const record_message_keys[] = {
	"role", "content", "name", "tool_calls", "tool_call_id", NULL
};

static const char *const record_part_keys[] = { "type", "text", NULL };

static const char *const record_call_keys[] = {
	"id", "type", "function", NULL
};

static const char *const record_function_keys[] = {
	"name", "arguments", NULL
};

/*
 * What each role may carry: tool calls (an assistant's; its content may
 * then be null or absent), or the result of one (a tool's, which names the
 * call by tool_call_id).
 */
static const struct record_role {
	const char	*name;
	int		 calls;
	int		 result;
} record_roles[] = {
	{ "system",	0, 0 },
	{ "developer",	0, 0 },
	{ "user",	0, 0 },
	{ "assistant",	1, 0 },
	{ "tool",	0, 1 },
	{ NULL,		0, 0 }
};

/* OpenAI's rule for a function's name: a-z, A-Z, 0-9, _ and -, 1 to 64. */
#define RECORD_FUNCTION_MAX 64

const char *
record_kind_name(enum record_kind kind)
{
	return (kind == RECORD_MODEL_OUTPUT ? "model_output" :
	    "anonymization");
}

const char *
record_verdict_name(enum record_verdict v)
{
	switch (v) {
	case RECORD_SPAN_ACCEPTED:
		return ("accepted");
	case RECORD_SPAN_REJECTED:
		return ("rejected");
	default:
		return ("ambiguous");
	}
}

static int
record_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return (v);
}

/* RFC 3339: 2026-11-27T09:14:03Z, with optional fraction and offset. */
int
record_check_time(const char *s)
{
	static const char	shape[] = "dddd-dd-ddTdd:dd:dd";
	static const int	mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	size_t			i;
	int			y, mo, d;

	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    (s[i] != shape[i] && !(shape[i] == 'T' && s[i] == 't')))
			return (-1);
	}
	y = record_digits(s, 4);
	mo = record_digits(s + 5, 2);
	d = record_digits(s + 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 &&
	    y % 400 != 0))) || record_digits(s + 11, 2) > 23 ||
	    record_digits(s + 14, 2) > 59 || record_digits(s + 17, 2) > 60)
		return (-1);
	s += i;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return (-1);
		while (isdigit((unsigned char)*s))
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return (0);
	if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && s[3] == ':' &&
	    isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) &&
	    s[6] == '\0' && record_digits(s + 1, 2) <= 23 &&
	    record_digits(s + 4, 2) <= 59)
		return (0);
	return (-1);
}

/* An id or name (ids, types, detector names) at path.field. */
static int
record_check_name(const char *s, const char *path, const char *field,
    size_t max, char **cause)
{
	char *why;

	if (ident_check(s, max, &why) != 0) {
		xasprintf(cause, "%s%s%s: %s", path, *path != '\0' ? "." : "",
		    field, why);
		free(why);
		return (-1);
	}
	return (0);
}

/* "subjects": a list of ids (as ids are checked), none repeated. */
static int
record_parse_subjects(struct record *r, char **cause)
{
	const cJSON	*arr, *v;
	char		 where[32];
	size_t		 i;

	arr = cJSON_GetObjectItemCaseSensitive(r->root, "subjects");
	if (arr == NULL)
		return (0);
	if (!cJSON_IsArray(arr)) {
		xasprintf(cause, "subjects: expected an array of ids, got %s",
		    json_type_name(arr));
		return (-1);
	}
	if (cJSON_GetArraySize(arr) > RECORD_SUBJECTS_MAX) {
		xasprintf(cause, "subjects: more than %d", RECORD_SUBJECTS_MAX);
		return (-1);
	}
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "subjects[%zu]", r->nsubjects);
		if (!cJSON_IsString(v)) {
			xasprintf(cause, "%s: expected a string, got %s", where,
			    json_type_name(v));
			return (-1);
		}
		if (record_check_name(v->valuestring, "", where, 256,
		    cause) != 0)
			return (-1);
		for (i = 0; i < r->nsubjects; i++) {
			if (strcmp(r->subjects[i], v->valuestring) == 0) {
				xasprintf(cause, "%s: \"%.64s\" is named twice",
				    where, v->valuestring);
				return (-1);
			}
		}
		r->subjects = xreallocarray(r->subjects, r->nsubjects + 1,
		    sizeof *r->subjects);
		r->subjects[r->nsubjects++] = v->valuestring;
	}
	return (0);
}

static int
record_required_string(const cJSON *obj, const char *path, const char *key,
    const char **out, char **cause)
{
	int rc;

	if ((rc = json_get_string(obj, path, key, out, cause)) < 0)
		return (-1);
	if (rc == 0) {
		xasprintf(cause, "%s%s%s: missing (required)", path,
		    *path != '\0' ? "." : "", key);
		return (-1);
	}
	return (0);
}

static int
record_score(const cJSON *obj, const char *path, double *out, char **cause)
{
	int rc;

	if ((rc = json_get_number(obj, path, "score", out, cause)) < 0)
		return (-1);
	if (rc == 0) {
		xasprintf(cause, "%s.score: missing (required)", path);
		return (-1);
	}
	if (*out < 0 || *out > 1) {
		xasprintf(cause, "%s.score %g is outside [0, 1]", path, *out);
		return (-1);
	}
	return (0);
}

/* start and end: 0 <= start < end <= length of the text in code points. */
static int
record_offsets(const cJSON *obj, const char *path, const char *textname,
    size_t textlen, int required, int *present, size_t *start, size_t *end,
    char **cause)
{
	uint64_t	s = 0, e = 0;
	int		hs, he;

	if ((hs = json_get_uint(obj, path, "start", RECORD_OFFSET_MAX, &s,
	    cause)) < 0 ||
	    (he = json_get_uint(obj, path, "end", RECORD_OFFSET_MAX, &e,
	    cause)) < 0)
		return (-1);
	if (hs != he || (required && hs == 0)) {
		xasprintf(cause, "%s.%s: missing (%s)", path,
		    hs ? "end" : "start",
		    required ? "required" : "start and end go together");
		return (-1);
	}
	*present = hs;
	if (!hs)
		return (0);
	if (e > textlen) {
		xasprintf(cause, "%s.end %llu is past the end of %s (%zu "
		    "characters)", path, (unsigned long long)e, textname,
		    textlen);
		return (-1);
	}
	if (s >= e) {
		xasprintf(cause, "%s.start %llu is not before end %llu", path,
		    (unsigned long long)s, (unsigned long long)e);
		return (-1);
	}
	*start = (size_t)s;
	*end = (size_t)e;
	return (0);
}

/*
 * Per code point of the text, and its end: whether a grapheme cluster (a
 * user-perceived character) starts there. Made on first use.
 */
static const char *
record_clusters(const struct record *r, char **cb)
{
	size_t	 len, b, n = 0;
	char	*gb;

	if (*cb != NULL)
		return (*cb);
	len = strlen(r->text);
	gb = xmalloc(len + 1);
	u8_grapheme_breaks((const uint8_t *)r->text, len, gb);
	*cb = xmalloc(r->text_cps + 1);
	for (b = 0; b < len; b++) {
		if (((unsigned char)r->text[b] & 0xc0) != 0x80)
			(*cb)[n++] = b == 0 || gb[b];
	}
	(*cb)[n] = 1;
	free(gb);
	return (*cb);
}

/* A span or flag whose offsets split a grapheme cluster is refused. */
static int
record_check_clusters(const struct record *r, const char *where,
    size_t start, size_t end, char **cb, char **cause)
{
	const char	*c = record_clusters(r, cb);
	size_t		 off, lo, hi;
	const char	*which;

	if (c[start] && c[end])
		return (0);
	which = c[start] ? "end" : "start";
	off = c[start] ? end : start;
	for (lo = off; !c[lo]; lo--)
		;
	for (hi = off; !c[hi]; hi++)
		;
	xasprintf(cause, "%s.%s %zu splits a character (a grapheme cluster, "
	    "such as a letter and its combining accent or an emoji "
	    "sequence, from %zu to %zu): give %zu or %zu", where, which, off,
	    lo, hi, lo, hi);
	return (-1);
}

/* At most max elements in the array called what. */
static int
record_check_count(const cJSON *arr, const char *what, size_t max,
    char **cause)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);

	if (n <= max)
		return (0);
	xasprintf(cause, "%s: %zu of them; at most %zu per item (split the "
	    "text into several items)", what, n, max);
	return (-1);
}

static int
record_parse_flags(struct record *r, char **cause)
{
	const cJSON		*arr, *v;
	struct record_flag	*f;
	char			 where[48], *cb = NULL;
	int			 rc;

	if ((rc = json_get_array(r->root, "", "flags", &arr, cause)) <= 0)
		return (rc);
	if (record_check_count(arr, "flags", RECORD_FLAGS_MAX, cause) != 0)
		return (-1);
	r->flags = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof *r->flags);
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "flags[%zu]", r->nflags);
		f = &r->flags[r->nflags++];
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			goto fail;
		}
		if (json_check_keys(v, where, record_flag_keys, 0, cause) ||
		    record_required_string(v, where, "type", &f->type, cause) ||
		    record_check_name(f->type, where, "type", 128, cause) ||
		    record_score(v, where, &f->score, cause) ||
		    json_get_string(v, where, "detector", &f->detector,
		    cause) < 0 ||
		    json_get_string(v, where, "rationale", &f->rationale,
		    cause) < 0 ||
		    record_offsets(v, where, "response", r->text_cps, 0,
		    &f->has_offsets, &f->start, &f->end, cause) ||
		    (f->has_offsets && record_check_clusters(r, where,
		    f->start, f->end, &cb, cause)))
			goto fail;
		if (f->detector != NULL &&
		    record_check_name(f->detector, where, "detector", 128,
		    cause))
			goto fail;
	}
	free(cb);
	return (0);

fail:
	free(cb);
	return (-1);
}

/*
 * The recognizer analysis_explanation names, when it is a name hitl would
 * take as recognizer; otherwise the span keeps none (the explanation, shown
 * as it came, still says it), so no line that imported before is refused.
 */
static void
record_explained_by(struct record_span *s)
{
	const cJSON	*v;
	char		*why = NULL;

	v = cJSON_GetObjectItemCaseSensitive(s->explanation, "recognizer");
	if (cJSON_IsString(v) && ident_check(v->valuestring, 128, &why) == 0)
		s->recognizer = v->valuestring;
	free(why);
}

static int
record_parse_spans(struct record *r, char **cause)
{
	const cJSON		*arr = NULL, *v, *meta;
	struct record_span	*s;
	char			 where[48], *cb = NULL;
	int			 present;

	if (json_get_array(r->root, "", "spans", &arr, cause) < 0)
		return (-1);
	if (arr == NULL) {
		xasprintf(cause, "spans: missing (required; [] if the "
		    "detector found nothing)");
		return (-1);
	}
	if (record_check_count(arr, "spans", RECORD_SPANS_MAX, cause) != 0)
		return (-1);
	r->spans = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof *r->spans);
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "spans[%zu]", r->nspans);
		s = &r->spans[r->nspans++];
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			goto fail;
		}
		if (json_check_keys(v, where, record_span_keys, 0, cause) ||
		    record_required_string(v, where, "entity_type",
		    &s->entity_type, cause) ||
		    record_check_name(s->entity_type, where, "entity_type", 128,
		    cause) ||
		    record_score(v, where, &s->score, cause) ||
		    record_offsets(v, where, "text", r->text_cps, 1, &present,
		    &s->start, &s->end, cause) ||
		    record_check_clusters(r, where, s->start, s->end, &cb,
		    cause) ||
		    json_get_string(v, where, "recognizer", &s->recognizer,
		    cause) < 0)
			goto fail;
		s->explanation = cJSON_GetObjectItemCaseSensitive(v,
		    "analysis_explanation");
		if (s->explanation != NULL && !cJSON_IsObject(s->explanation) &&
		    !cJSON_IsNull(s->explanation)) {
			xasprintf(cause, "%s.analysis_explanation: expected an "
			    "object or null, got %s", where,
			    json_type_name(s->explanation));
			goto fail;
		}
		if (cJSON_IsNull(s->explanation))
			s->explanation = NULL;
		/* Presidio's to_dict() names the recognizer in metadata. */
		meta = cJSON_GetObjectItemCaseSensitive(v,
		    "recognition_metadata");
		if (s->recognizer == NULL && cJSON_IsObject(meta) &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(meta,
		    "recognizer_name")))
			s->recognizer = cJSON_GetObjectItemCaseSensitive(meta,
			    "recognizer_name")->valuestring;
		if (s->recognizer != NULL && record_check_name(s->recognizer,
		    where, "recognizer", 128, cause) != 0)
			goto fail;
		/* Presidio's REST API names it in the explanation only. */
		if (s->recognizer == NULL && s->explanation != NULL)
			record_explained_by(s);
	}
	free(cb);
	return (0);

fail:
	free(cb);
	return (-1);
}

/* The ids of the tool calls made so far in a chat, for tool results. */
struct record_calls {
	const char	**id;
	size_t		  n;
};

static int
record_function_name(const char *s, const char *where, char **cause)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			break;
	}
	if (i == 0 || s[i] != '\0' || i > RECORD_FUNCTION_MAX) {
		xasprintf(cause, "%s.name: \"%.64s\" is not a function name "
		    "(a-z, A-Z, 0-9, _ and -, at most %d characters)", where, s,
		    RECORD_FUNCTION_MAX);
		return (-1);
	}
	return (0);
}

/* An assistant's tool_calls: [{"id", "type": "function", "function"}]. */
static int
record_tool_calls(const cJSON *arr, const char *path, struct record_calls *c,
    char **cause)
{
	const cJSON	*v, *fn;
	const char	*id, *type, *name, *args;
	char		 where[80], fwhere[96];
	size_t		 i = 0, j;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
		xasprintf(cause, "%s.tool_calls: expected a non-empty array, "
		    "got %s", path, cJSON_IsArray(arr) ? "[]" :
		    json_type_name(arr));
		return (-1);
	}
	cJSON_ArrayForEach(v, arr) {
		snprintf(where, sizeof where, "%s.tool_calls[%zu]", path, i++);
		if (!cJSON_IsObject(v)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(v));
			return (-1);
		}
		if (json_check_keys(v, where, record_call_keys, 0, cause) ||
		    record_required_string(v, where, "id", &id, cause) ||
		    record_check_name(id, where, "id", 256, cause) ||
		    record_required_string(v, where, "type", &type, cause))
			return (-1);
		if (strcmp(type, "function") != 0) {
			xasprintf(cause, "%s.type: \"%.64s\" is not a tool call "
			    "type (only \"function\")", where, type);
			return (-1);
		}
		snprintf(fwhere, sizeof fwhere, "%s.function", where);
		if ((fn = cJSON_GetObjectItemCaseSensitive(v,
		    "function")) == NULL) {
			xasprintf(cause, "%s: missing (required)", fwhere);
			return (-1);
		}
		if (!cJSON_IsObject(fn)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    fwhere, json_type_name(fn));
			return (-1);
		}
		if (json_check_keys(fn, fwhere, record_function_keys, 0,
		    cause) ||
		    record_required_string(fn, fwhere, "name", &name, cause) ||
		    record_function_name(name, fwhere, cause) ||
		    record_required_string(fn, fwhere, "arguments", &args,
		    cause))
			return (-1);
		/* A result names its call: two calls of one id are one too many. */
		for (j = 0; j < c->n; j++) {
			if (strcmp(c->id[j], id) == 0) {
				xasprintf(cause, "%s.id: \"%.64s\" is the id of "
				    "an earlier tool call", where, id);
				return (-1);
			}
		}
		c->id = xreallocarray(c->id, c->n + 1, sizeof *c->id);
		c->id[c->n++] = id;
	}
	return (0);
}

/* A string, or an array of text parts (other parts are not text). */
static int
record_content(const cJSON *v, const char *path, char **cause)
{
	const cJSON	*p;
	const char	*type, *text;
	char		 where[80];
	size_t		 i = 0;

	if (cJSON_IsString(v))
		return (0);
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
		xasprintf(cause, "%s.content: expected a string or a non-empty "
		    "array of text parts, got %s", path, cJSON_IsArray(v) ?
		    "[]" : json_type_name(v));
		return (-1);
	}
	cJSON_ArrayForEach(p, v) {
		snprintf(where, sizeof where, "%s.content[%zu]", path, i++);
		if (!cJSON_IsObject(p)) {
			xasprintf(cause, "%s: expected an object, got %s",
			    where, json_type_name(p));
			return (-1);
		}
		if (record_required_string(p, where, "type", &type, cause))
			return (-1);
		if (strcmp(type, "text") != 0) {
			xasprintf(cause, "%s.type: \"%.64s\" parts are not "
			    "taken: only text (the reviewer could not see it, "
			    "nor an export carry it)", where, type);
			return (-1);
		}
		if (json_check_keys(p, where, record_part_keys, 0, cause) ||
		    record_required_string(p, where, "text", &text, cause))
			return (-1);
	}
	return (0);
}

static int
record_parse_message(const cJSON *m, const char *where,
    struct record_calls *calls, char **cause)
{
	const struct record_role	*ro;
	const cJSON			*content, *tc;
	const char			*role, *name = NULL, *id = NULL;
	size_t				 j;

	if (!cJSON_IsObject(m)) {
		xasprintf(cause, "%s: expected an object, got %s", where,
		    json_type_name(m));
		return (-1);
	}
	if (json_check_keys(m, where, record_message_keys, 0, cause) != 0 ||
	    record_required_string(m, where, "role", &role, cause))
		return (-1);
	for (ro = record_roles; ro->name != NULL; ro++) {
		if (strcmp(ro->name, role) == 0)
			break;
	}
	if (ro->name == NULL) {
		xasprintf(cause, "%s.role: \"%.64s\" is not one of system, "
		    "developer, user, assistant, tool", where, role);
		return (-1);
	}
	if (json_get_string(m, where, "name", &name, cause) < 0 ||
	    (name != NULL && record_check_name(name, where, "name", 128,
	    cause)))
		return (-1);
	tc = cJSON_GetObjectItemCaseSensitive(m, "tool_calls");
	if (tc != NULL && !ro->calls) {
		xasprintf(cause, "%s.tool_calls: only an assistant message "
		    "calls tools, not a %s message", where, role);
		return (-1);
	}
	if (tc != NULL && record_tool_calls(tc, where, calls, cause) != 0)
		return (-1);
	content = cJSON_GetObjectItemCaseSensitive(m, "content");
	if (content == NULL || cJSON_IsNull(content)) {
		if (tc == NULL) {
			xasprintf(cause, "%s.content: missing (required unless "
			    "an assistant message has tool_calls)", where);
			return (-1);
		}
	} else if (record_content(content, where, cause) != 0)
		return (-1);
	if (json_get_string(m, where, "tool_call_id", &id, cause) < 0)
		return (-1);
	if (id != NULL && !ro->result) {
		xasprintf(cause, "%s.tool_call_id: only a tool message answers "
		    "a tool call, not a %s message", where, role);
		return (-1);
	}
	if (!ro->result)
		return (0);
	if (id == NULL) {
		xasprintf(cause, "%s.tool_call_id: missing (required: the id "
		    "of the tool call this message answers)", where);
		return (-1);
	}
	for (j = 0; j < calls->n; j++) {
		if (strcmp(calls->id[j], id) == 0)
			return (0);
	}
	xasprintf(cause, "%s.tool_call_id: \"%.64s\" names no tool call of an "
	    "earlier assistant message", where, id);
	return (-1);
}

static int
record_parse_messages(struct record *r, char **cause)
{
	struct record_calls	 calls = { NULL, 0 };
	const cJSON		*m;
	char			 where[48];
	size_t			 i = 0;
	int			 rc = 0;

	cJSON_ArrayForEach(m, r->messages) {
		snprintf(where, sizeof where, "messages[%zu]", i++);
		if ((rc = record_parse_message(m, where, &calls, cause)) != 0)
			break;
	}
	free(calls.id);
	return (rc);
}

static int
record_parse_kind(struct record *r, char **cause)
{
	static const char *const output_only[] = {
		"response", "prompt", "messages", "flags", NULL
	};
	static const char *const anon_only[] = { "text", "spans", NULL };
	const char *const	*wrong;
	const char		*textkey;
	int			 rc;

	wrong = r->kind == RECORD_MODEL_OUTPUT ? anon_only : output_only;
	for (; *wrong != NULL; wrong++) {
		if (cJSON_GetObjectItemCaseSensitive(r->root, *wrong)) {
			xasprintf(cause, "%s: not a field of %s %s record",
			    *wrong, r->kind == RECORD_MODEL_OUTPUT ? "a" : "an",
			    record_kind_name(r->kind));
			return (-1);
		}
	}
	textkey = r->kind == RECORD_MODEL_OUTPUT ? "response" : "text";
	if (record_required_string(r->root, "", textkey, &r->text, cause))
		return (-1);
	r->text_cps = utf8_cp_count(r->text, strlen(r->text));
	if (r->kind == RECORD_ANONYMIZATION)
		return (record_parse_spans(r, cause));

	if (json_get_string(r->root, "", "prompt", &r->prompt, cause) < 0 ||
	    (rc = json_get_array(r->root, "", "messages", &r->messages,
	    cause)) < 0)
		return (-1);
	if (r->prompt != NULL && r->messages != NULL) {
		xasprintf(cause, "prompt and messages: give the context one "
		    "way, not both");
		return (-1);
	}
	if (r->messages != NULL && record_parse_messages(r, cause) != 0)
		return (-1);
	return (record_parse_flags(r, cause));
}

int
record_parse(const char *line, size_t len, struct record *r, char **cause)
{
	const char	*kind = NULL;
	int		 rc;

	memset(r, 0, sizeof *r);
	if (json_parse_strict(line, len, &r->root, cause) != 0)
		return (-1);
	if (!cJSON_IsObject(r->root)) {
		xasprintf(cause, "expected a JSON object, got %s",
		    json_type_name(r->root));
		goto fail;
	}
	if (json_check_keys(r->root, "", record_common_keys, 0, cause) != 0)
		goto fail;
	if (record_required_string(r->root, "", "id", &r->id, cause) ||
	    record_check_name(r->id, "", "id", RECORD_ID_MAX, cause) ||
	    record_required_string(r->root, "", "kind", &kind, cause))
		goto fail;
	if (strcmp(kind, "model_output") == 0)
		r->kind = RECORD_MODEL_OUTPUT;
	else if (strcmp(kind, "anonymization") == 0)
		r->kind = RECORD_ANONYMIZATION;
	else {
		xasprintf(cause, "kind: \"%.64s\" is neither \"model_output\" "
		    "nor \"anonymization\"", kind);
		goto fail;
	}
	if (json_get_string(r->root, "", "created_at", &r->created_at,
	    cause) < 0)
		goto fail;
	if (r->created_at != NULL && record_check_time(r->created_at) != 0) {
		xasprintf(cause, "created_at: \"%.64s\" is not an RFC 3339 "
		    "time (2026-11-27T09:14:03Z)", r->created_at);
		goto fail;
	}
	if (json_get_object(r->root, "", "source", &r->source, cause) < 0 ||
	    json_get_object(r->root, "", "metadata", &r->metadata,
	    cause) < 0)
		goto fail;
	if (r->source != NULL &&
	    (json_get_string(r->source, "source", "model", &r->source_model,
	    cause) < 0 ||
	    json_get_string(r->source, "source", "pipeline",
	    &r->source_pipeline, cause) < 0 ||
	    (r->source_model != NULL && record_check_name(r->source_model,
	    "source", "model", 256, cause) != 0) ||
	    (r->source_pipeline != NULL && record_check_name(
	    r->source_pipeline, "source", "pipeline", 256, cause) != 0)))
		goto fail;
	if ((rc = json_get_number(r->root, "", "priority", &r->priority,
	    cause)) < 0)
		goto fail;
	r->has_priority = rc;
	r->gold = cJSON_GetObjectItemCaseSensitive(r->root, "gold");
	if (record_parse_subjects(r, cause) != 0 ||
	    record_parse_kind(r, cause) != 0)
		goto fail;
	return (0);

fail:
	record_done(r);
	return (-1);
}

void
record_done(struct record *r)
{
	free(r->flags);
	free(r->spans);
	free(r->subjects);
	cJSON_Delete(r->root);
	memset(r, 0, sizeof *r);
}
