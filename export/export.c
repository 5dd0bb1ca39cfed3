/*
 * The export driver: which decisions to take (--since, per cursor), one
 * pass of queue/ outcomes or decisions through the format's sink, and
 * either a preview (not recorded) or a run: its file and manifest under
 * temporary names, the run on the record, then the files in place.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "json.h"
#include "place.h"
#include "sink.h"
#include "xmalloc.h"

#define EXPORT_MANIFEST_VERSION "1"

static const struct export_sink *const export_sinks[] = {
	&export_sft_sink,
	&export_dpo_sink,
	&export_kto_sink,
	&export_spans_sink,
	&export_labels_sink,
	&export_decisions_sink,
	NULL
};

struct export_ctx {
	struct queue			*q;
	const struct export_options	*opt;
	const struct export_sink	*sink;
	FILE				*f;
	struct export_writer		*writer;
	unsigned char			 key[32];	/* hash redaction */
	uint64_t			 records;
	int				 personal;	/* unredacted PII */
	cJSON				*by_kind;
	cJSON				*by_action;
	cJSON				*by_label;
	cJSON				*by_entity;
	cJSON				*skipped;
	cJSON				*reviewers;
	cJSON				*policies;
	char				 first_at[32];
	char				 last_at[32];
	int				 error;
	char				*cause;
	char				 scope[128];
	int64_t				 since, last;
	const char			*form;
};

const struct export_sink *
export_find(const char *format)
{
	const struct export_sink *const *s;

	for (s = export_sinks; *s != NULL; s++) {
		if (strcmp((*s)->name, format) == 0)
			return (*s);
	}
	return (NULL);
}

static int
export_cursor_check(const char *name)
{
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-");

	return (n >= 1 && n <= 64 && name[n] == '\0' ? 0 : -1);
}

const char *
export_cursor_name(const char *scope)
{
	const char *at = scope != NULL ? strchr(scope, '@') : NULL;

	return (at != NULL ? at + 1 : "default");
}

/* What the options ask of the sink, checked before anything is read. */
static int
export_check(const struct export_sink *sink, const struct export_options *opt,
    char **cause)
{
	const char *const	*st;
	char			 list[128] = "";

	if (opt->style != NULL) {
		for (st = sink->styles; st != NULL && *st != NULL; st++) {
			if (strcmp(*st, opt->style) == 0)
				break;
		}
		if (st == NULL || *st == NULL) {
			for (st = sink->styles; st != NULL && *st != NULL;
			    st++)
				snprintf(list + strlen(list), sizeof list -
				    strlen(list), "%s%s", list[0] != '\0' ?
				    ", " : "", *st);
			if (list[0] == '\0')
				xasprintf(cause, "%s has no --style", sink->name);
			else
				xasprintf(cause, "%s --style is one of: %s",
				    sink->name, list);
			return (EX_USAGE);
		}
	}
	if (opt->cursor != NULL && export_cursor_check(opt->cursor) != 0) {
		xasprintf(cause, "--cursor: a name of 1 to 64 letters, digits, "
		    "'.', '_' and '-'");
		return (EX_USAGE);
	}
	if (opt->form != NULL && (!sink->forms ||
	    (strcmp(opt->form, "standard") != 0 &&
	    strcmp(opt->form, "conversational") != 0))) {
		xasprintf(cause, sink->forms ? "--form is standard or "
		    "conversational" : "--form goes with sft, dpo and kto");
		return (EX_USAGE);
	}
	return (0);
}

int
export_redact_parse(const char *s, enum export_redact *r)
{
	static const char *const names[] = { "replace", "mask", "hash", "none" };
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*r = (enum export_redact)i;
			return (0);
		}
	}
	return (-1);
}

static const char *
export_redact_name(enum export_redact r)
{
	static const char *const names[] = { "replace", "mask", "hash", "none" };

	return (names[r]);
}

const struct export_options *
export_opts(const struct export_ctx *x)
{
	return (x->opt);
}

struct queue *
export_queue(const struct export_ctx *x)
{
	return (x->q);
}

void
export_range(const struct export_ctx *x, int64_t *since, int64_t *last)
{
	*since = x->since;
	*last = x->last;
}

const char *
export_form(const struct export_ctx *x)
{
	return (x->form);
}

void
export_set_form(struct export_ctx *x, const char *form)
{
	x->form = form;
}

static void
export_count(cJSON *o, const char *key)
{
	cJSON *v;

	if (key == NULL)
		return;
	if ((v = cJSON_GetObjectItemCaseSensitive(o, key)) != NULL)
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(o, key, 1);
}

int
export_write(struct export_ctx *x, cJSON *record, const struct queue_item *it,
    const char *action, const char *label, const char *entity_type)
{
	int rc;

	if ((rc = export_writer_put(x->writer, record, &x->cause)) != 0)
		return (rc);
	x->records++;
	if (it != NULL)
		export_count(x->by_kind, queue_kind_name(it->kind));
	export_count(x->by_action, action);
	export_count(x->by_label, label);
	export_count(x->by_entity, entity_type);
	return (0);
}

cJSON *
export_string_take(char *s)
{
	cJSON *v;

	/* A reference that owns its text: cJSON_Delete frees it. */
	v = cJSON_CreateStringReference(s);
	v->type &= ~cJSON_IsReference;
	return (v);
}

void
export_str_take(cJSON *o, const char *key, char *s)
{
	cJSON_AddItemToObjectCS(o, key, s != NULL ? export_string_take(s) :
	    cJSON_CreateNull());
}

void
export_str(cJSON *o, const char *key, const char *s)
{
	cJSON_AddItemToObjectCS(o, key, s != NULL ? cJSON_CreateString(s) :
	    cJSON_CreateNull());
}

void
export_item(cJSON *o, const char *key, cJSON *v)
{
	cJSON_AddItemToObjectCS(o, key, v);
}

void
export_write_count(struct export_ctx *x, const char *label,
    const char *entity_type)
{
	export_count(x->by_label, label);
	export_count(x->by_entity, entity_type);
}

void
export_skip(struct export_ctx *x, const char *reason)
{
	export_count(x->skipped, reason);
}

cJSON *
export_payload(const struct queue_decision_info *d)
{
	if (d == NULL || d->payload == NULL)
		return (NULL);
	return (cJSON_Parse(d->payload));
}

char *
export_redact_text(struct export_ctx *x, const struct export_pii *p,
    const char *text)
{
	if (x->sink->personal)
		return (xstrdup(text));
	return (export_redact_text_mode(p, text, x->opt->redact, x->key));
}

const char *
export_final_text(const struct queue_item *it, const cJSON *payload,
    int *corrected)
{
	const cJSON	*corr = payload;
	const char	*text;

	*corrected = 0;
	if (cJSON_GetObjectItemCaseSensitive(payload, "correction") != NULL)
		corr = cJSON_GetObjectItemCaseSensitive(payload, "correction");
	text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(corr,
	    "text"));
	if (text != NULL && strcmp(text, it->text) != 0) {
		*corrected = 1;
		return (text);
	}
	return (it->text);
}

/* Who and when, for the manifest. */
static void
export_note_decision(struct export_ctx *x, const struct queue_decision_info *d)
{
	cJSON	*v;
	char	 num[16];

	if (d == NULL)
		return;
	export_count(x->reviewers, d->reviewer);
	snprintf(num, sizeof num, "%d", d->policy_version);
	if ((v = cJSON_GetObjectItemCaseSensitive(x->policies, num)) == NULL)
		cJSON_AddTrueToObject(x->policies, num);
	if (x->first_at[0] == '\0' || strcmp(d->decided_at, x->first_at) < 0)
		snprintf(x->first_at, sizeof x->first_at, "%s", d->decided_at);
	if (strcmp(d->decided_at, x->last_at) > 0)
		snprintf(x->last_at, sizeof x->last_at, "%s", d->decided_at);
}

static int
export_on_outcome(const struct queue_outcome *o, void *arg)
{
	struct export_ctx *x = arg;

	export_note_decision(x, o->final);
	return (x->sink->outcome(x, o));
}

static int
export_on_decision(const struct queue_decision_info *d,
    const struct queue_outcome *o, const char *hash, void *arg)
{
	struct export_ctx *x = arg;

	export_note_decision(x, d);
	return (x->sink->decision(x, d, o, hash));
}

static int
export_since(struct export_ctx *x, int64_t at, int64_t *since, char **cause)
{
	const char	*s = x->opt->since != NULL ? x->opt->since : "last";
	int64_t		 d;
	int		 rc;

	if (strcmp(s, "all") == 0) {
		*since = 0;
		return (0);
	}
	if (strcmp(s, "last") == 0) {
		*since = at;
		return (0);
	}
	if ((rc = queue_decision_before(x->q, s, &d, cause)) != 0)
		return (rc);
	*since = d;
	return (0);
}

/* Writes the manifest, another of the run's files (fs). */
static int
export_manifest(struct export_ctx *x, const char *path, const char *sha,
    const char *head, int64_t since, int64_t last, struct export_files *fs,
    char **cause)
{
	cJSON	*m, *o;
	char	*text, *mpath;
	FILE	*f;
	int	 rc;

	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "format", x->opt->format);
	cJSON_AddStringToObject(m, "format_version", x->sink->version);
	cJSON_AddStringToObject(m, "manifest_version",
	    EXPORT_MANIFEST_VERSION);
	o = cJSON_AddObjectToObject(m, "options");
	cJSON_AddStringToObject(o, "since", x->opt->since != NULL ?
	    x->opt->since : "last");
	cJSON_AddStringToObject(o, "redact", export_redact_name(
	    x->opt->redact));
	if (x->opt->kind != NULL)
		cJSON_AddStringToObject(o, "kind", x->opt->kind);
	if (x->opt->style != NULL)
		cJSON_AddStringToObject(o, "style", x->opt->style);
	if (x->form != NULL)
		cJSON_AddStringToObject(o, "form", x->form);
	cJSON_AddBoolToObject(o, "include_auto", x->opt->include_auto);
	cJSON_AddStringToObject(o, "offsets", x->opt->utf16 ? "utf16" :
	    "codepoints");
	cJSON_AddStringToObject(o, "cursor", export_cursor_name(x->scope));
	cJSON_AddNumberToObject(m, "records", (double)x->records);
	o = cJSON_AddObjectToObject(m, "counts");
	cJSON_AddItemToObject(o, "kind", x->by_kind);
	cJSON_AddItemToObject(o, "action", x->by_action);
	cJSON_AddItemToObject(o, "label", x->by_label);
	cJSON_AddItemToObject(o, "entity_type", x->by_entity);
	cJSON_AddItemToObject(m, "skipped", x->skipped);
	x->by_kind = x->by_action = x->by_label = x->by_entity = NULL;
	x->skipped = NULL;
	cJSON_AddNumberToObject(m, "reviewers",
	    cJSON_GetArraySize(x->reviewers));
	o = cJSON_AddArrayToObject(m, "policy_versions");
	{
		cJSON *p;

		cJSON_ArrayForEach(p, x->policies)
			cJSON_AddItemToArray(o, cJSON_CreateNumber(
			    atof(p->string)));
	}
	o = cJSON_AddObjectToObject(m, "decisions");
	cJSON_AddNumberToObject(o, "after", (double)since);
	cJSON_AddNumberToObject(o, "through", (double)last);
	if (x->first_at[0] != '\0') {
		cJSON_AddStringToObject(o, "first_at", x->first_at);
		cJSON_AddStringToObject(o, "last_at", x->last_at);
	}
	cJSON_AddStringToObject(m, "redaction", x->sink->personal ? "none" :
	    export_redact_name(x->opt->redact));
	cJSON_AddBoolToObject(m, "contains_personal_data", x->sink->personal ||
	    x->opt->redact == EXPORT_REDACT_NONE);
	cJSON_AddStringToObject(m, "sha256", sha);
	cJSON_AddStringToObject(m, "audit_head", head);
	text = cJSON_Print(m);
	cJSON_Delete(m);
	xasprintf(&mpath, "%s.manifest.json", path);
	if ((rc = export_files_add(fs, mpath, &f, cause)) == 0 &&
	    (fputs(text, f) == EOF || fputc('\n', f) == EOF)) {
		xasprintf(cause, "cannot write %s: %s", mpath,
		    strerror(errno));
		rc = EX_IOERR;
	}
	free(text);
	free(mpath);
	return (rc);
}

int
export_run(struct queue *q, const struct export_options *opt,
    uint64_t *records, int *preview, char **cause)
{
	struct export_ctx	 x;
	struct queue_export_run	 run;
	struct export_files	*fs = NULL;
	enum export_target	 target = EXPORT_TARGET_PREVIEW;
	char			 sha[65], head[65], *options, *why = NULL;
	int64_t			 since, last, at, id = 0;
	int			 rc, wrc;
	cJSON			*o;

	memset(&x, 0, sizeof x);
	x.q = q;
	x.opt = opt;
	*records = 0;
	*preview = 1;
	if ((x.sink = export_find(opt->format)) == NULL) {
		xasprintf(cause, "unknown format \"%s\" (sft, dpo, kto, spans, "
		    "labels, decisions)", opt->format);
		return (EX_USAGE);
	}
	if ((rc = export_check(x.sink, opt, cause)) != 0)
		return (rc);
	/* The default cursor keeps the scope runs had before cursors. */
	snprintf(x.scope, sizeof x.scope, "%s/%s%s%s", opt->format,
	    opt->kind != NULL ? opt->kind : "all", opt->cursor != NULL &&
	    strcmp(opt->cursor, "default") != 0 ? "@" : "", opt->cursor !=
	    NULL && strcmp(opt->cursor, "default") != 0 ? opt->cursor : "");
	/* Standard output and special files get a preview, never a run. */
	if (opt->path != NULL && strcmp(opt->path, "-") != 0 &&
	    (rc = export_target_of(opt->path, 0, &target, cause)) != 0)
		return (rc);
	*preview = target == EXPORT_TARGET_PREVIEW;
	/* A run killed before its files were placed is finished first. */
	if ((rc = export_replay(q, cause)) != 0 ||
	    (rc = queue_export_allowed(q, x.sink->personal ||
	    opt->redact == EXPORT_REDACT_NONE, cause)) != 0 ||
	    (opt->redact == EXPORT_REDACT_HASH && !x.sink->personal &&
	    (rc = queue_redaction_key(q, x.key, cause)) != 0) ||
	    (rc = queue_export_since(q, x.scope, &at, cause)) != 0 ||
	    (rc = export_since(&x, at, &since, cause)) != 0 ||
	    (rc = queue_last_decision(q, &last, cause)) != 0)
		return (rc);
	if (!*preview) {
		if ((rc = export_files_new(NULL, NULL, &fs, cause)) != 0 ||
		    (rc = export_files_add(fs, opt->path, &x.f, cause)) != 0)
			goto out;
	} else if (opt->path == NULL || strcmp(opt->path, "-") == 0)
		x.f = stdout;
	else if ((rc = export_preview_open(opt->path, &x.f, cause)) != 0)
		return (rc);
	x.writer = export_writer_new(x.f);
	/* Records are untrusted text: none reaches a terminal raw. */
	if (isatty(fileno(x.f)))
		export_writer_safe(x.writer);
	x.by_kind = cJSON_CreateObject();
	x.by_action = cJSON_CreateObject();
	x.by_label = cJSON_CreateObject();
	x.by_entity = cJSON_CreateObject();
	x.skipped = cJSON_CreateObject();
	x.reviewers = cJSON_CreateObject();
	x.policies = cJSON_CreateObject();
	x.since = since;
	x.last = last;
	x.form = opt->form;

	rc = x.sink->begin != NULL ? x.sink->begin(&x, cause) : 0;
	if (rc == 0 && x.sink->per_decision)
		rc = queue_decisions_each(q, since, last, opt->kind,
		    export_on_decision, &x, cause);
	else if (rc == 0)
		rc = queue_outcomes(q, since, last, opt->kind,
		    opt->include_auto, export_on_outcome, &x, cause);
	if (rc != 0 && x.cause != NULL) {
		free(*cause);
		*cause = x.cause;
		x.cause = NULL;
	}
	if ((wrc = export_writer_finish(x.writer, sha, &x.cause)) != 0 &&
	    rc == 0) {
		rc = wrc;
		free(*cause);
		*cause = x.cause;
		x.cause = NULL;
	}
	if (*preview) {
		wrc = fflush(x.f) != 0;
		if (x.f != stdout)
			wrc = fclose(x.f) != 0 || wrc;
		if (wrc && rc == 0) {
			xasprintf(cause, "cannot write %s: %s", opt->path !=
			    NULL ? opt->path : "standard output",
			    strerror(errno));
			rc = EX_IOERR;
		}
		goto out;
	}
	/*
	 * Data and manifest complete under temporary names, the run is
	 * recorded with them and committed, and only then are they renamed
	 * into place: a kill in between leaves a run whose files the next
	 * export places (export_replay); a failed record leaves nothing.
	 */
	if (rc == 0) {
		int64_t events;

		if ((rc = queue_audit_head(q, &events, head, cause)) == 0)
			rc = export_manifest(&x, opt->path, sha, head, since,
			    last, fs, cause);
	}
	if (rc == 0)
		rc = export_files_ready(fs, cause);
	if (rc == 0) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "since", opt->since != NULL ?
		    opt->since : "last");
		cJSON_AddStringToObject(o, "redact",
		    export_redact_name(opt->redact));
		if (opt->kind != NULL)
			cJSON_AddStringToObject(o, "kind", opt->kind);
		if (opt->style != NULL)
			cJSON_AddStringToObject(o, "style", opt->style);
		cJSON_AddBoolToObject(o, "include_auto", opt->include_auto);
		cJSON_AddBoolToObject(o, "utf16", opt->utf16);
		cJSON_AddStringToObject(o, "cursor",
		    export_cursor_name(x.scope));
		options = json_print(o);
		cJSON_Delete(o);
		memset(&run, 0, sizeof run);
		run.format = opt->format;
		run.scope = x.scope;
		run.options = options;
		run.path = opt->path;
		run.records = x.records;
		run.since = since;
		run.last = last;
		run.sha256 = sha;
		run.cursor = export_cursor_name(x.scope);
		run.cursor_at = at;
		run.files = export_files_pairs(fs, &run.nfiles);
		run.owner = export_owner();
		rc = queue_export_record(q, &run, head, &id, cause);
		free(options);
		if (rc == 0 && (rc = export_files_place(fs, cause)) != 0) {
			why = *cause;
			xasprintf(cause, "export run %lld is recorded but not "
			    "in place: %s; the next hitl export places it",
			    (long long)id, why);
			free(why);
		} else if (rc == 0 && queue_export_placed(q, id, &why) != 0)
			free(why);	/* placed: the next export forgets them */
	}
out:
	/* Not on the record: its temporaries go. */
	if (rc != 0 && id == 0)
		export_files_discard(fs);
	*records = x.records;
	export_files_free(fs);
	export_writer_free(x.writer);
	cJSON_Delete(x.by_kind);
	cJSON_Delete(x.by_action);
	cJSON_Delete(x.by_label);
	cJSON_Delete(x.by_entity);
	cJSON_Delete(x.skipped);
	cJSON_Delete(x.reviewers);
	cJSON_Delete(x.policies);
	free(x.cause);
	OPENSSL_cleanse(x.key, sizeof x.key);
	return (rc);
}
