/*
 * The export driver: which decisions to take (--since, per cursor), one
 * pass of queue/ outcomes or decisions through the format's sink, and
 * either a preview (not recorded) or a run: its file and manifest under
 * temporary names, the run on the record, then the files in place.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "card.h"
#include "json.h"
#include "place.h"
#include "sink.h"
#include "suggest.h"
#include "xmalloc.h"

/* 2: contains_personal_data may be "possible"; counts.desirable. */
#define EXPORT_MANIFEST_VERSION "3"

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
	FILE				*test_f;	/* --layout hf */
	struct export_writer		*test_writer;	/* NULL: no split */
	uint64_t			 test_records;
	unsigned char			 key[32];	/* hash redaction */
	uint64_t			 records;
	cJSON				*by_kind;
	cJSON				*by_action;
	cJSON				*by_label;
	cJSON				*by_entity;
	cJSON				*by_desirable;
	cJSON				*by_review;
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
	char				 scope[128];
	int64_t				 since, last;
	const char			*form;
	/* Tombstoned items left out; the items written (ids, for erase). */
	int64_t				*items;
	size_t				 nitems;
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

#define EXPORT_NSINKS (sizeof export_sinks / sizeof export_sinks[0])

const char *const *
export_format_names(void)
{
	static const char	*names[EXPORT_NSINKS];
	size_t			 i;

	if (names[0] == NULL)
		for (i = 0; export_sinks[i] != NULL; i++)
			names[i] = export_sinks[i]->name;
	return (names);
}

const char *const *
export_style_names(void)
{
	static const char	*names[32];
	size_t			 i, j, k, n = 0;

	if (names[0] != NULL)
		return (names);
	for (i = 0; export_sinks[i] != NULL; i++) {
		for (j = 0; export_sinks[i]->styles != NULL &&
		    export_sinks[i]->styles[j] != NULL; j++) {
			for (k = 0; k < n && strcmp(names[k],
			    export_sinks[i]->styles[j]) != 0; k++)
				;
			if (k == n && n + 1 < sizeof names / sizeof names[0])
				names[n++] = export_sinks[i]->styles[j];
		}
	}
	return (names);
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

/* Adds "; did you mean \"NAME\"?" to *cause when a name is near word. */
static void
export_suggest(char **cause, const char *word, const char *const *names)
{
	const char	*near;
	char		*was;

	if ((near = suggest_word(word, names)) != NULL) {
		was = *cause;
		xasprintf(cause, "%s; did you mean \"%s\"?", was, near);
		free(was);
	}
}

const char *const export_form_names[] = { "standard", "conversational",
    NULL };
const char *const export_layout_names[] = { "hf", NULL };

/* What the options ask of the sink, checked before anything is read. */
static int
export_check(const struct export_sink *sink, const struct export_options *opt,
    char **cause)
{
	const char *const	*forms = export_form_names;
	const char *const	*layouts = export_layout_names;
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
			else {
				xasprintf(cause, "%s --style is one of: %s",
				    sink->name, list);
				export_suggest(cause, opt->style, sink->styles);
			}
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
		    "conversational (chat messages)" : "--form goes with sft, "
		    "dpo and kto");
		if (sink->forms)
			export_suggest(cause, opt->form, forms);
		return (EX_USAGE);
	}
	if (opt->utf16 && !sink->offsets) {
		xasprintf(cause, "%s writes no offsets: --offsets goes with "
		    "spans", sink->name);
		return (EX_USAGE);
	}
	if (opt->layout != NULL && strcmp(opt->layout, "hf") != 0) {
		xasprintf(cause, "--layout is hf");
		export_suggest(cause, opt->layout, layouts);
		return (EX_USAGE);
	}
	if (opt->layout != NULL && (opt->path == NULL ||
	    strcmp(opt->path, "-") == 0)) {
		xasprintf(cause, "--layout hf writes a directory: name it with "
		    "-o DIR");
		return (EX_USAGE);
	}
	/* Written so that NaN fails too. */
	if (opt->layout != NULL && !(opt->test_fraction >= 0 &&
	    opt->test_fraction < 1)) {
		xasprintf(cause, "--test-fraction is a number from 0 (no test "
		    "split) up to, but not including, 1");
		return (EX_USAGE);
	}
	return (0);
}

/* In the order of enum export_redact. */
const char *const export_redact_names[] = { "replace", "mask", "hash", "none",
    NULL };

int
export_redact_parse(const char *s, enum export_redact *r)
{
	int i;

	for (i = 0; export_redact_names[i] != NULL; i++) {
		if (strcmp(s, export_redact_names[i]) == 0) {
			*r = (enum export_redact)i;
			return (0);
		}
	}
	return (-1);
}

static const char *
export_redact_name(enum export_redact r)
{
	return (export_redact_names[r]);
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

/*
 * How the decision a record comes from was reached: by one reviewer
 * ("single"), by a review round's settlement ("agreement", "majority",
 * "adjudication"), by the policy ("policy": no decision), or it is a
 * round's vote (the decisions format writes every decision).
 */
static const char *
export_review(const struct queue_decision_info *d)
{
	static const char *const hows[] = {
		"agreement", "majority", "adjudication", NULL
	};
	const char	*how, *found = "settlement";
	cJSON		*p;
	size_t		 i;

	if (d == NULL)
		return ("policy");
	if (d->vote)
		return ("vote");
	if (strcmp(d->action, "settle") != 0)
		return ("single");
	p = export_payload(d);
	how = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
	    "how"));
	for (i = 0; how != NULL && hows[i] != NULL; i++) {
		if (strcmp(how, hows[i]) == 0)
			found = hows[i];
	}
	cJSON_Delete(p);
	return (found);
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
	struct export_writer	*w = x->writer;
	const cJSON		*l;
	int			 rc;

	/* A record of no item goes to train. */
	if (x->test_writer != NULL && it != NULL &&
	    export_split_is_test(it->ext_id, x->opt->test_fraction)) {
		w = x->test_writer;
		x->test_records++;
	}
	if ((rc = export_writer_put(w, record, &x->cause)) != 0)
		return (rc);
	x->records++;
	/* Records of one item come together: it is listed once. */
	if (it != NULL && (x->nitems == 0 ||
	    x->items[x->nitems - 1] != it->id)) {
		x->items = xreallocarray(x->items, x->nitems + 1,
		    sizeof *x->items);
		x->items[x->nitems++] = it->id;
	}
	/* Every count is per record: kto writes two of a correction. */
	export_count(x->by_kind, queue_kind_name(it->kind));
	export_count(x->by_action, action);
	if (x->cur == NULL)
		return (0);
	export_count(x->by_review, export_review(x->cur_d));
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

/*
 * Left out of every format, and counted under "skipped" with the sinks'
 * own reasons: a tombstoned item (purge, erase: its content is gone) and
 * one whose source is suspended (until resumed).
 */
static int
export_left_out(struct export_ctx *x, const struct queue_outcome *o)
{
	if (o->purged)
		export_skip(x, "purged");
	else if (o->suspended)
		export_skip(x, "suspended");
	return (o->purged || o->suspended);
}

static int
export_on_outcome(const struct queue_outcome *o, void *arg)
{
	struct export_ctx	*x = arg;
	int			 rc;

	if (export_left_out(x, o))
		return (0);
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

	if (export_left_out(x, o))
		return (0);
	export_note_decision(x, d);
	x->cur = o;
	x->cur_d = d;
	rc = x->sink->decision(x, d, o, hash);
	export_held_done(x);
	return (rc);
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
	export_card_options(o, opt);
	cJSON_AddStringToObject(o, "cursor", export_cursor_name(x->scope));
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

/* The manifest; sha NULL: a directory's, whose data files are its splits. */
static cJSON *
export_manifest(struct export_ctx *x, const char *sha, const char *head,
    int64_t since, int64_t last)
{
	cJSON	*m, *o;

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
	cJSON_AddItemToObject(o, "review", x->by_review);
	cJSON_AddItemToObject(m, "skipped", x->skipped);
	x->by_kind = x->by_action = x->by_label = x->by_entity = NULL;
	x->by_desirable = x->by_review = NULL;
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
	if (sha != NULL)
		cJSON_AddStringToObject(m, "sha256", sha);
	cJSON_AddStringToObject(m, "audit_head", head);
	return (m);
}

static void
export_sha256(const char *s, size_t len, char sha[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL);
	queue_hex(md, 32, sha);
}

/*
 * One more of the run's files, name (a path, or a name in the layout's
 * directory), holding text; its SHA-256 in sha, if not NULL.
 */
static int
export_text_file(struct export_files *fs, const char *name, const char *text,
    char sha[65], char **cause)
{
	FILE	*f;
	int	 rc;

	if (sha != NULL)
		export_sha256(text, strlen(text), sha);
	if ((rc = export_files_add(fs, name, &f, cause)) == 0 &&
	    fputs(text, f) == EOF) {
		xasprintf(cause, "cannot write %s: %s", name, strerror(errno));
		rc = EX_IOERR;
	}
	return (rc);
}

/* The manifest as its file holds it; its hash in msha, if not NULL. */
static int
export_manifest_file(struct export_files *fs, const char *name, cJSON *m,
    char msha[65], char **cause)
{
	char	*text, *line;
	int	 rc;

	text = cJSON_Print(m);
	xasprintf(&line, "%s\n", text);
	free(text);
	rc = export_text_file(fs, name, line, msha, cause);
	free(line);
	return (rc);
}

/* The files of --layout hf, in the order they are added. */
enum { EXPORT_DIR_TRAIN, EXPORT_DIR_TEST, EXPORT_DIR_CARD, EXPORT_DIR_MANIFEST,
    EXPORT_FILES };
static const char *const export_dir_names[EXPORT_FILES + 1] = {
	"train.jsonl", "test.jsonl", "README.md", "manifest.json", NULL
};

/*
 * The directory's card and manifest: the splits with records (a split with
 * none is removed when the files are placed, so that what an earlier
 * export left there goes), the card made from the manifest, and the
 * manifest naming the card's hash; msha is the manifest's, the run's hash.
 */
static int
export_dir_finish(struct export_ctx *x, struct export_files *fs,
    const char *sha, const char *tsha, const char *head, int64_t since,
    int64_t last, char msha[65], char **cause)
{
	struct export_split	 sp[2];
	size_t			 n = 0;
	cJSON			*m, *c;
	char			*card, csha[65];
	int			 rc;

	memset(sp, 0, sizeof sp);
	if (x->records > x->test_records) {
		sp[n].name = "train";
		sp[n].path = export_dir_names[EXPORT_DIR_TRAIN];
		sp[n].records = x->records - x->test_records;
		memcpy(sp[n++].sha256, sha, 65);
	} else if ((rc = export_files_remove(fs,
	    export_dir_names[EXPORT_DIR_TRAIN], cause)) != 0)
		return (rc);
	if (x->test_records > 0) {
		sp[n].name = "test";
		sp[n].path = export_dir_names[EXPORT_DIR_TEST];
		sp[n].records = x->test_records;
		memcpy(sp[n++].sha256, tsha, 65);
	} else if ((rc = export_files_remove(fs,
	    export_dir_names[EXPORT_DIR_TEST], cause)) != 0)
		return (rc);
	m = export_manifest(x, NULL, head, since, last);
	cJSON_AddItemToObject(m, "splits", export_card_splits(sp, n));
	card = export_card_text(m, sp, n);
	rc = export_text_file(fs, export_dir_names[EXPORT_DIR_CARD], card, csha,
	    cause);
	free(card);
	c = cJSON_AddObjectToObject(m, "card");
	cJSON_AddStringToObject(c, "path", export_dir_names[EXPORT_DIR_CARD]);
	cJSON_AddStringToObject(c, "sha256", csha);
	if (rc == 0)
		rc = export_manifest_file(fs,
		    export_dir_names[EXPORT_DIR_MANIFEST], m, msha, cause);
	cJSON_Delete(m);
	return (rc);
}

/* The writer of one file: finished, and its hash in sha. */
static int
export_writer_done(struct export_ctx *x, struct export_writer *w,
    char sha[65], int rc, char **cause)
{
	int wrc;

	if ((wrc = export_writer_finish(w, sha, &x->cause)) != 0 && rc == 0) {
		free(*cause);
		*cause = x->cause;
		x->cause = NULL;
		return (wrc);
	}
	return (rc);
}

/*
 * An export writes none of the database's own files (the file, its -wal,
 * its key): path, and its manifest, or a layout's files in it.
 */
static int
export_not_store(struct queue *q, const char *path, int dir, char **cause)
{
	char	*p;
	size_t	 i;
	int	 owned = 0;

	for (i = 0; !owned && i < (dir ? EXPORT_FILES : 2); i++) {
		if (dir)
			xasprintf(&p, "%s/%s", path, export_dir_names[i]);
		else
			xasprintf(&p, i == 0 ? "%s" : "%s.manifest.json", path);
		if ((owned = queue_owns_path(q, p)) != 0)
			xasprintf(cause, "%s is one of the database's own files "
			    "(it, its -wal, -shm or -journal, its key): hitl "
			    "will not write over it; name another file", p);
		free(p);
	}
	return (owned ? EX_CANTCREAT : 0);
}

int
export_run(struct queue *q, const struct export_options *opt,
    uint64_t *records, int *preview, char **cause)
{
	struct export_ctx	 x;
	struct queue_export_run	 run;
	struct export_files	*fs = NULL;
	enum export_target	 target = EXPORT_TARGET_PREVIEW;
	char			 sha[65], tsha[65], msha[65], head[65];
	char			*options, *mpath = NULL;
	char			*dir = NULL;
	int64_t			 since, last, at, id = 0;
	int			 rc, wrc, empty = 0, to_stdout;
	size_t			 len;
	const char		*cursor;
	cJSON			*m;

	memset(&x, 0, sizeof x);
	x.q = q;
	x.opt = opt;
	*records = 0;
	*preview = 1;
	if ((x.sink = export_find(opt->format)) == NULL) {
		xasprintf(cause, "unknown format \"%s\" (sft, dpo, kto, spans, "
		    "labels, decisions)", opt->format);
		export_suggest(cause, opt->format, export_format_names());
		return (EX_USAGE);
	}
	if ((rc = export_check(x.sink, opt, cause)) != 0)
		return (rc);
	/* The default cursor keeps the scope runs had before cursors. */
	snprintf(x.scope, sizeof x.scope, "%s/%s%s%s", opt->format,
	    opt->kind != NULL ? opt->kind : "all", opt->cursor != NULL &&
	    strcmp(opt->cursor, "default") != 0 ? "@" : "", opt->cursor !=
	    NULL && strcmp(opt->cursor, "default") != 0 ? opt->cursor : "");
	/* A layout's directory, as typed but for trailing slashes. */
	if (opt->layout != NULL) {
		dir = xstrdup(opt->path);
		len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			dir[--len] = '\0';
	}
	/*
	 * Standard output (-, or /dev/stdout, whatever it is redirected to)
	 * and special files get a preview, never a run.
	 */
	to_stdout = opt->path == NULL || strcmp(opt->path, "-") == 0 ||
	    strcmp(opt->path, "/dev/stdout") == 0;
	if (!to_stdout && (rc = export_target_of(dir != NULL ? dir :
	    opt->path, dir != NULL, &target, cause)) != 0)
		goto out;
	if (dir != NULL && to_stdout) {
		xasprintf(cause, "--layout hf writes a dataset directory: name "
		    "it with -o DIR");
		rc = EX_USAGE;
		goto out;
	}
	if (!to_stdout && (rc = export_not_store(q, dir != NULL ? dir :
	    opt->path, dir != NULL, cause)) != 0)
		goto out;
	if (dir != NULL && target == EXPORT_TARGET_PREVIEW) {
		xasprintf(cause, "%s is not a directory: --layout hf writes a "
		    "dataset directory", opt->path);
		rc = EX_CANTCREAT;
		goto out;
	}
	*preview = target == EXPORT_TARGET_PREVIEW;
	/*
	 * A run killed before its files were placed is finished first, by a
	 * run: a preview changes no file and no record.
	 */
	if ((!*preview && (rc = export_replay(q, cause)) != 0) ||
	    (rc = queue_export_allowed(q, x.sink->personal ||
	    opt->redact == EXPORT_REDACT_NONE, cause)) != 0 ||
	    (opt->redact == EXPORT_REDACT_HASH && !x.sink->personal &&
	    (rc = queue_redaction_key(q, x.key, cause)) != 0))
		goto out;
	/*
	 * The files first: a run into a directory another run is writing to
	 * waits for it here, before it reads where its cursor stands.
	 */
	if (!*preview) {
		if ((rc = export_files_new(dir, dir != NULL ? export_dir_names :
		    NULL, &fs, cause)) != 0 || (rc = export_files_add(fs,
		    dir != NULL ? export_dir_names[EXPORT_DIR_TRAIN] : opt->path,
		    &x.f, cause)) != 0 || (dir != NULL && (rc =
		    export_files_add(fs, export_dir_names[EXPORT_DIR_TEST],
		    &x.test_f, cause)) != 0))
			goto out;
	} else if (to_stdout)
		x.f = stdout;
	else if ((rc = export_preview_open(opt->path, &x.f, cause)) != 0)
		goto out;
	if ((rc = queue_export_since(q, x.scope, &at, cause)) != 0 ||
	    (rc = export_since(&x, at, &since, cause)) != 0 ||
	    (rc = queue_last_decision(q, &last, cause)) != 0)
		goto out;
	/*
	 * Read from the cursor, the run also takes what its runs before left
	 * out while a source was suspended, once it is resumed.
	 */
	cursor = opt->since == NULL || strcmp(opt->since, "last") == 0 ?
	    x.scope : NULL;
	x.writer = export_writer_new(x.f);
	/* Records are untrusted text: none reaches a terminal raw. */
	if (isatty(fileno(x.f)))
		export_writer_safe(x.writer);
	/* Only a split of some items has a test file. */
	if (x.test_f != NULL && opt->test_fraction > 0)
		x.test_writer = export_writer_new(x.test_f);
	x.by_kind = cJSON_CreateObject();
	x.by_action = cJSON_CreateObject();
	x.by_label = cJSON_CreateObject();
	x.by_entity = cJSON_CreateObject();
	x.by_desirable = cJSON_CreateObject();
	x.by_review = cJSON_CreateObject();
	x.skipped = cJSON_CreateObject();
	x.reviewers = cJSON_CreateObject();
	x.policies = cJSON_CreateObject();
	x.since = since;
	x.last = last;
	x.form = opt->form;

	rc = x.sink->begin != NULL ? x.sink->begin(&x, cause) : 0;
	if (rc == 0 && x.sink->per_decision)
		rc = queue_decisions_each(q, cursor, since, last, opt->kind,
		    export_on_decision, &x, cause);
	else if (rc == 0)
		rc = queue_outcomes(q, cursor, since, last, opt->kind,
		    opt->include_auto, export_on_outcome, &x, cause);
	if (rc != 0 && x.cause != NULL) {
		free(*cause);
		*cause = x.cause;
		x.cause = NULL;
	}
	rc = export_writer_done(&x, x.writer, sha, rc, cause);
	if (x.test_writer != NULL)
		rc = export_writer_done(&x, x.test_writer, tsha, rc, cause);
	if (*preview) {
		wrc = fflush(x.f) != 0;
		if (x.f != stdout)
			wrc = fclose(x.f) != 0 || wrc;
		x.f = NULL;
		if (wrc && rc == 0) {
			xasprintf(cause, "cannot write %s: %s", opt->path !=
			    NULL ? opt->path : "standard output",
			    strerror(errno));
			rc = EX_IOERR;
		}
		goto out;
	}
	/*
	 * A dataset of no records would not load (no data files to declare):
	 * nothing is placed or recorded, and DIR stays as it was.
	 */
	if (rc == 0 && dir != NULL && x.records == 0) {
		empty = 1;
		goto out;
	}
	/*
	 * Data and manifest (and card) complete under temporary names, the
	 * run is recorded with them and committed, and only then are they
	 * renamed into place: a kill in between leaves a run whose files the
	 * next export places (export_replay); a failed record leaves nothing.
	 */
	if (rc == 0) {
		int64_t events;

		if ((rc = queue_audit_head(q, &events, head, cause)) == 0 &&
		    dir != NULL)
			rc = export_dir_finish(&x, fs, sha, tsha, head, since,
			    last, msha, cause);
		else if (rc == 0) {
			m = export_manifest(&x, sha, head, since, last);
			xasprintf(&mpath, "%s.manifest.json", opt->path);
			rc = export_manifest_file(fs, mpath, m, NULL, cause);
			cJSON_Delete(m);
		}
	}
	if (rc == 0)
		rc = export_files_ready(fs, cause);
	if (rc == 0) {
		m = export_options_json(&x);
		options = json_print(m);
		cJSON_Delete(m);
		memset(&run, 0, sizeof run);
		run.format = opt->format;
		run.scope = x.scope;
		run.options = options;
		run.path = dir != NULL ? dir : opt->path;
		run.records = x.records;
		run.since = since;
		run.last = last;
		/* A directory's hash is its manifest's, which hashes the rest. */
		run.sha256 = dir != NULL ? msha : sha;
		run.cursor = export_cursor_name(x.scope);
		run.cursor_at = at;
		run.items = x.items;
		run.nitems = x.nitems;
		rc = export_files_commit(fs, q, &run, head, &id, cause);
		free(options);
	}
out:
	/* A preview's special file; a run's files are the set's. */
	if (*preview && x.f != NULL && x.f != stdout)
		fclose(x.f);
	/* Not on the record: its temporaries go. */
	if ((rc != 0 || empty) && id == 0)
		export_files_discard(fs);
	*records = x.records;
	export_files_free(fs);
	export_writer_free(x.writer);
	export_writer_free(x.test_writer);
	cJSON_Delete(x.by_kind);
	cJSON_Delete(x.by_action);
	cJSON_Delete(x.by_label);
	cJSON_Delete(x.by_entity);
	cJSON_Delete(x.by_desirable);
	cJSON_Delete(x.by_review);
	cJSON_Delete(x.skipped);
	cJSON_Delete(x.reviewers);
	cJSON_Delete(x.policies);
	free(x.cause);
	free(x.items);
	free(mpath);
	free(dir);
	OPENSSL_cleanse(x.key, sizeof x.key);
	return (rc);
}
