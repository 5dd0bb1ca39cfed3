/*
 * The export driver: which decisions to take (--since), one pass of queue/
 * outcomes or decisions through the format's sink, a private temporary
 * file renamed when complete, its manifest, and the run on the record.
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
#include "sink.h"
#include "xmalloc.h"

/* 2: contains_personal_data may be "possible"; counts.desirable. */
#define EXPORT_MANIFEST_VERSION "2"

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
	cJSON				*by_kind;
	cJSON				*by_action;
	cJSON				*by_label;
	cJSON				*by_entity;
	cJSON				*by_desirable;
	/*
	 * The outcome (or decision) the sink is writing records of, and what
	 * its item holds, found at its first record (export_held).
	 */
	const struct queue_outcome	*cur;
	const struct queue_decision_info *cur_d;
	int				 cur_found;
	cJSON				*cur_payload;
	const cJSON			*cur_labels;
	int				 cur_personal, cur_possible;
	/* What the written records held, for contains_personal_data. */
	int				 held_personal, held_possible;
	cJSON				*skipped;
	cJSON				*reviewers;
	cJSON				*policies;
	char				 first_at[32];
	char				 last_at[32];
	int				 error;
	char				*cause;
	char				 scope[64];
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
	if (opt->form != NULL && (!sink->forms ||
	    (strcmp(opt->form, "standard") != 0 &&
	    strcmp(opt->form, "conversational") != 0))) {
		xasprintf(cause, sink->forms ? "--form is standard or "
		    "conversational" : "--form goes with sft, dpo and kto");
		return (EX_USAGE);
	}
	if (opt->utf16 && !sink->offsets) {
		xasprintf(cause, "%s writes no offsets: --offsets goes with "
		    "spans", sink->name);
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

/* The redaction the run applies: none for a format that keeps the text. */
static enum export_redact
export_redaction(const struct export_ctx *x)
{
	return (x->sink->personal ? EXPORT_REDACT_NONE : x->opt->redact);
}

/*
 * What the current outcome's item holds, for every record written of it:
 * the labels of its decision (the correction's, as the labels and
 * decisions records give them), whether confirmed personal data of it is
 * written as it is (a format that keeps the text, --redact none) or
 * pseudonymized (hash), and whether it carries pii flags without offsets,
 * whatever their verdict: redaction cannot find what to remove, and an
 * approval does not say the text holds none.
 */
static void
export_held(struct export_ctx *x)
{
	const struct queue_item	*it = x->cur->item;
	const cJSON		*corr;
	enum export_redact	 r = export_redaction(x);
	size_t			 i;

	x->cur_found = 1;
	/* Most decisions carry no labels: no second parse for them. */
	if (x->cur_d != NULL && x->cur_d->payload != NULL &&
	    strstr(x->cur_d->payload, "\"labels\"") != NULL) {
		x->cur_payload = export_payload(x->cur_d);
		corr = x->cur_payload;
		if (cJSON_GetObjectItemCaseSensitive(corr, "correction") !=
		    NULL)
			corr = cJSON_GetObjectItemCaseSensitive(corr,
			    "correction");
		x->cur_labels = cJSON_GetObjectItemCaseSensitive(corr,
		    "labels");
	}
	x->cur_personal = (r == EXPORT_REDACT_NONE ||
	    r == EXPORT_REDACT_HASH) && export_pii_confirmed(x->cur);
	for (i = 0; i < it->nflags && !x->cur_possible; i++)
		x->cur_possible = export_pii_type(it->flags[i].type) &&
		    !it->flags[i].has_offsets;
}

static void
export_held_done(struct export_ctx *x)
{
	cJSON_Delete(x->cur_payload);
	x->cur = NULL;
	x->cur_d = NULL;
	x->cur_found = 0;
	x->cur_payload = NULL;
	x->cur_labels = NULL;
	x->cur_personal = x->cur_possible = 0;
}

int
export_write(struct export_ctx *x, cJSON *record, const struct queue_item *it,
    const char *action)
{
	const cJSON	*l;
	int		 rc;

	if ((rc = export_writer_put(x->writer, record, &x->cause)) != 0)
		return (rc);
	x->records++;
	/* Every count is per record: kto writes two of a correction. */
	export_count(x->by_kind, queue_kind_name(it->kind));
	export_count(x->by_action, action);
	if (x->cur == NULL)
		return (0);
	if (!x->cur_found)
		export_held(x);
	cJSON_ArrayForEach(l, x->cur_labels) {
		if (cJSON_IsString(l))
			export_count(x->by_label, l->valuestring);
	}
	x->held_personal |= x->cur_personal;
	x->held_possible |= x->cur_possible;
	return (0);
}

void
export_count_entity(struct export_ctx *x, const char *entity_type)
{
	export_count(x->by_entity, entity_type);
}

void
export_count_desirable(struct export_ctx *x, int desirable)
{
	export_count(x->by_desirable, desirable ? "true" : "false");
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
	struct export_ctx	*x = arg;
	int			 rc;

	export_note_decision(x, o->final);
	x->cur = o;
	x->cur_d = o->final;
	rc = x->sink->outcome(x, o);
	export_held_done(x);
	return (rc);
}

static int
export_on_decision(const struct queue_decision_info *d,
    const struct queue_outcome *o, const char *hash, void *arg)
{
	struct export_ctx	*x = arg;
	int			 rc;

	export_note_decision(x, d);
	x->cur = o;
	x->cur_d = d;
	rc = x->sink->decision(x, d, o, hash);
	export_held_done(x);
	return (rc);
}

static int
export_since(struct export_ctx *x, int64_t *since, char **cause)
{
	const char	*s = x->opt->since != NULL ? x->opt->since : "last";
	int64_t		 d;
	int		 rc;

	if (strcmp(s, "all") == 0) {
		*since = 0;
		return (0);
	}
	if (strcmp(s, "last") == 0)
		return (queue_export_since(x->q, x->scope, since, cause));
	if ((rc = queue_decision_before(x->q, s, &d, cause)) != 0)
		return (rc);
	*since = d;
	return (0);
}

/*
 * The options the run used, as they took effect: the manifest's "options"
 * and the run's record (export --history) are this one object, so they
 * cannot differ. An option the format does not take is left out.
 */
static cJSON *
export_options_json(const struct export_ctx *x)
{
	const struct export_options	*opt = x->opt;
	cJSON				*o;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "since", opt->since != NULL ? opt->since :
	    "last");
	cJSON_AddStringToObject(o, "redact", export_redact_name(
	    export_redaction(x)));
	if (opt->kind != NULL)
		cJSON_AddStringToObject(o, "kind", opt->kind);
	if (opt->style != NULL)
		cJSON_AddStringToObject(o, "style", opt->style);
	/* The form the sink's begin chose, if --form did not say. */
	if (x->sink->forms && x->form != NULL)
		cJSON_AddStringToObject(o, "form", x->form);
	cJSON_AddBoolToObject(o, "include_auto", opt->include_auto);
	if (x->sink->offsets)
		cJSON_AddStringToObject(o, "offsets", opt->utf16 ? "utf16" :
		    "codepoints");
	return (o);
}

/*
 * What the file holds, from its records: true when confirmed personal
 * data is written as it is or pseudonymized (a keyed hash is still
 * personal data: GDPR Recital 26), "possible" when an item carried pii
 * flags that redaction could not locate, false otherwise.
 */
static cJSON *
export_personal_json(const struct export_ctx *x)
{
	if (x->held_personal)
		return (cJSON_CreateTrue());
	if (x->held_possible)
		return (cJSON_CreateString("possible"));
	return (cJSON_CreateFalse());
}

/* Writes the manifest under a temporary name (*tmp); the caller renames. */
static int
export_manifest(struct export_ctx *x, const char *path, const char *sha,
    const char *head, int64_t since, int64_t last, char **tmpout,
    char **cause)
{
	cJSON	*m, *o;
	char	*text, *mpath, *tmp;
	int	 fd, rc = 0;
	size_t	 len;

	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "format", x->opt->format);
	cJSON_AddStringToObject(m, "format_version", x->sink->version);
	cJSON_AddStringToObject(m, "manifest_version",
	    EXPORT_MANIFEST_VERSION);
	cJSON_AddItemToObject(m, "options", export_options_json(x));
	cJSON_AddNumberToObject(m, "records", (double)x->records);
	o = cJSON_AddObjectToObject(m, "counts");
	cJSON_AddItemToObject(o, "kind", x->by_kind);
	cJSON_AddItemToObject(o, "action", x->by_action);
	cJSON_AddItemToObject(o, "label", x->by_label);
	cJSON_AddItemToObject(o, "entity_type", x->by_entity);
	cJSON_AddItemToObject(o, "desirable", x->by_desirable);
	cJSON_AddItemToObject(m, "skipped", x->skipped);
	x->by_kind = x->by_action = x->by_label = x->by_entity = NULL;
	x->by_desirable = NULL;
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
	cJSON_AddStringToObject(m, "redaction", export_redact_name(
	    export_redaction(x)));
	cJSON_AddItemToObject(m, "contains_personal_data",
	    export_personal_json(x));
	cJSON_AddBoolToObject(m, "pseudonymized", x->held_personal &&
	    export_redaction(x) == EXPORT_REDACT_HASH);
	cJSON_AddStringToObject(m, "sha256", sha);
	cJSON_AddStringToObject(m, "audit_head", head);
	text = cJSON_Print(m);
	cJSON_Delete(m);
	xasprintf(&mpath, "%s.manifest.json", path);
	/* A new private name: never a file or link someone placed. */
	xasprintf(&tmp, "%s.tmp.XXXXXX", mpath);
	len = strlen(text);
	fd = mkstemp(tmp);
	if (fd == -1 || fchmod(fd, 0600) != 0 ||
	    write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0 || close(fd) != 0) {
		xasprintf(cause, "cannot write %s: %s", mpath,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		tmp = NULL;
		rc = EX_IOERR;
	}
	free(text);
	free(mpath);
	*tmpout = tmp;
	return (rc);
}

/* The files of a run and, while it is recorded, the ones they replace. */
struct export_place {
	const char	*tmp[2];
	const char	*dest[2];
	char		*old[2];
	int		 placed[2];
};

/* A second name for a file about to be replaced, so it can come back. */
static int
export_keep_old(const char *dest, char **old, char **cause)
{
	int fd, tries;

	*old = NULL;
	if (access(dest, F_OK) != 0)
		return (0);
	for (tries = 0; tries < 10; tries++) {
		xasprintf(old, "%s.old.XXXXXX", dest);
		if ((fd = mkstemp(*old)) == -1)
			break;
		close(fd);
		unlink(*old);
		if (link(dest, *old) == 0)
			return (0);
		if (errno != EEXIST)
			break;
		free(*old);
	}
	xasprintf(cause, "cannot keep the previous %s aside: %s", dest,
	    strerror(errno));
	free(*old);
	*old = NULL;
	return (EX_CANTCREAT);
}

static void
export_unplace(void *arg)
{
	struct export_place	*pl = arg;
	int			 i;

	for (i = 1; i >= 0; i--) {
		if (!pl->placed[i])
			continue;
		if (pl->old[i] != NULL)
			rename(pl->old[i], pl->dest[i]);
		else
			unlink(pl->dest[i]);
		free(pl->old[i]);
		pl->old[i] = NULL;
		pl->placed[i] = 0;
	}
}

static int
export_place(void *arg, char **cause)
{
	struct export_place	*pl = arg;
	int			 i, rc;

	for (i = 0; i < 2; i++) {
		if ((rc = export_keep_old(pl->dest[i], &pl->old[i],
		    cause)) != 0) {
			export_unplace(pl);
			return (rc);
		}
		if (rename(pl->tmp[i], pl->dest[i]) != 0) {
			xasprintf(cause, "cannot rename to %s: %s",
			    pl->dest[i], strerror(errno));
			if (pl->old[i] != NULL)
				unlink(pl->old[i]);
			free(pl->old[i]);
			pl->old[i] = NULL;
			export_unplace(pl);
			return (EX_IOERR);
		}
		pl->placed[i] = 1;
	}
	return (0);
}

/* After the record: the replaced files go, or come back if it failed. */
static void
export_place_done(struct export_place *pl, int recorded)
{
	int i;

	if (!recorded)
		export_unplace(pl);
	for (i = 0; i < 2; i++) {
		if (pl->old[i] != NULL)
			unlink(pl->old[i]);
		free(pl->old[i]);
	}
}

int
export_run(struct queue *q, const struct export_options *opt,
    uint64_t *records, char **cause)
{
	struct export_ctx	 x;
	struct queue_export_run	 run;
	char			*tmp = NULL, sha[65], head[65], *options;
	char			*mtmp = NULL, *mpath = NULL;
	struct export_place	 pl;
	int64_t			 since, last;
	int			 fd, rc, wrc, to_stdout;
	cJSON			*o;

	memset(&x, 0, sizeof x);
	x.q = q;
	x.opt = opt;
	*records = 0;
	snprintf(x.scope, sizeof x.scope, "%s/%s", opt->format,
	    opt->kind != NULL ? opt->kind : "all");
	if ((x.sink = export_find(opt->format)) == NULL) {
		xasprintf(cause, "unknown format \"%s\" (sft, dpo, kto, spans, "
		    "labels, decisions)", opt->format);
		return (EX_USAGE);
	}
	if ((rc = export_check(x.sink, opt, cause)) != 0)
		return (rc);
	if ((rc = queue_export_allowed(q, x.sink->personal ||
	    opt->redact == EXPORT_REDACT_NONE, cause)) != 0 ||
	    (opt->redact == EXPORT_REDACT_HASH && !x.sink->personal &&
	    (rc = queue_redaction_key(q, x.key, cause)) != 0) ||
	    (rc = export_since(&x, &since, cause)) != 0 ||
	    (rc = queue_last_decision(q, &last, cause)) != 0)
		return (rc);
	to_stdout = opt->path == NULL || strcmp(opt->path, "-") == 0;
	if (to_stdout)
		x.f = stdout;
	else {
		/* Complete or nothing: a private temporary name, renamed. */
		xasprintf(&tmp, "%s.tmp.XXXXXX", opt->path);
		if ((fd = mkstemp(tmp)) == -1 || fchmod(fd, 0600) != 0 ||
		    (x.f = fdopen(fd, "w")) == NULL) {
			xasprintf(cause, "cannot create %s: %s", opt->path,
			    strerror(errno));
			free(tmp);
			return (EX_CANTCREAT);
		}
	}
	x.writer = export_writer_new(x.f);
	x.by_kind = cJSON_CreateObject();
	x.by_action = cJSON_CreateObject();
	x.by_label = cJSON_CreateObject();
	x.by_entity = cJSON_CreateObject();
	x.by_desirable = cJSON_CreateObject();
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
	if (rc == 0 && (fflush(x.f) != 0 || (!to_stdout &&
	    fsync(fileno(x.f)) != 0))) {
		xasprintf(cause, "cannot write %s: %s", opt->path,
		    strerror(errno));
		rc = EX_IOERR;
	}
	if (!to_stdout) {
		if (fclose(x.f) != 0 && rc == 0) {
			xasprintf(cause, "cannot write %s: %s", opt->path,
			    strerror(errno));
			rc = EX_IOERR;
		}
	}
	/*
	 * Data and manifest complete under temporary names; they are renamed
	 * into place inside the transaction that records the run, and what
	 * they replace is kept aside until it commits: there is no export
	 * without its record, nor the reverse, and a failed export leaves the
	 * previous one where it was.
	 */
	memset(&pl, 0, sizeof pl);
	if (rc == 0 && !to_stdout) {
		int64_t events;

		if ((rc = queue_audit_head(q, &events, head, cause)) == 0)
			rc = export_manifest(&x, opt->path, sha, head, since,
			    last, &mtmp, cause);
		xasprintf(&mpath, "%s.manifest.json", opt->path);
		pl.tmp[0] = tmp;
		pl.dest[0] = opt->path;
		pl.tmp[1] = mtmp;
		pl.dest[1] = mpath;
	}
	if (rc == 0) {
		o = export_options_json(&x);
		options = json_print(o);
		cJSON_Delete(o);
		memset(&run, 0, sizeof run);
		run.format = opt->format;
		run.scope = x.scope;
		run.options = options;
		run.path = to_stdout ? "-" : opt->path;
		run.records = x.records;
		run.since = since;
		run.last = last;
		run.sha256 = sha;
		if (!to_stdout) {
			run.place = export_place;
			run.unplace = export_unplace;
			run.arg = &pl;
		}
		rc = queue_export_record(q, &run, head, cause);
		free(options);
	}
	/* Kept aside: dropped now that the run is on the record (or not). */
	export_place_done(&pl, rc == 0);
	if (rc != 0 && !pl.placed[0] && tmp != NULL)
		unlink(tmp);
	if (rc != 0 && !pl.placed[1] && mtmp != NULL)
		unlink(mtmp);
	free(mtmp);
	free(mpath);
	*records = x.records;
	export_writer_free(x.writer);
	cJSON_Delete(x.by_kind);
	cJSON_Delete(x.by_action);
	cJSON_Delete(x.by_label);
	cJSON_Delete(x.by_entity);
	cJSON_Delete(x.by_desirable);
	cJSON_Delete(x.skipped);
	cJSON_Delete(x.reviewers);
	cJSON_Delete(x.policies);
	free(x.cause);
	free(tmp);
	OPENSSL_cleanse(x.key, sizeof x.key);
	return (rc);
}
