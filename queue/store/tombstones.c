/*
 * Tombstones (what purge and erase leave of an item), the data subjects
 * records name, and which items each export run wrote.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

void
store_doomed_free(struct store_doomed *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].ext_id);
		free(d[i].kind);
		free(d[i].state);
	}
	free(d);
}

/* Rows of (id, ext_id, kind, state, batch_id, tombstoned) into *out. */
static int
tombstones_items(struct store_stmt *st, struct store_doomed **out, size_t *n,
    char **cause)
{
	struct store_doomed	*d;
	int			 rc;

	*out = NULL;
	*n = 0;
	while ((rc = store_step(st, "purge", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		d = &(*out)[(*n)++];
		d->id = store_int(st, 0);
		d->ext_id = store_column_text(st, 1);
		d->kind = store_column_text(st, 2);
		d->state = store_column_text(st, 3);
		d->batch = store_int(st, 4);
		d->tombstoned = store_int(st, 5) != 0;
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		store_doomed_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

int
store_tombstone_due(struct queue *q, const char *before,
    struct store_doomed **out, size_t *n, char **cause)
{
	/* An auto item's final decision is its import. */
	static const char sql[] =
	    "SELECT i.id, i.ext_id, i.kind, i.state, i.batch_id, 0 "
	    "FROM items i WHERE (i.state = 'decided' OR i.state = 'resolved' "
	    "OR i.state = 'auto') AND NOT EXISTS (SELECT 1 FROM tombstones t "
	    "WHERE t.item_id = i.id) AND coalesce((SELECT max(d.decided_at) "
	    "FROM decisions d WHERE d.item_id = i.id), i.imported_at) < ? "
	    "ORDER BY i.id";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, before);
	return (tombstones_items(st, out, n, cause));
}

int
store_subject_items(struct queue *q, const char *subject,
    struct store_doomed **out, size_t *n, char **cause)
{
	static const char sql[] =
	    "SELECT i.id, i.ext_id, i.kind, i.state, i.batch_id, "
	    "CASE WHEN EXISTS (SELECT 1 FROM tombstones t WHERE t.item_id = "
	    "i.id) THEN 1 ELSE 0 END FROM subjects s JOIN items i ON i.id = "
	    "s.item_id WHERE s.subject = ? ORDER BY i.id";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, subject);
	return (tombstones_items(st, out, n, cause));
}

void
store_content_done(struct store_content *c)
{
	size_t i;

	free(c->raw);
	free(c->text);
	free(c->prompt);
	free(c->messages);
	for (i = 0; i < c->ndecisions; i++) {
		free(c->decisions[i].action);
		free(c->decisions[i].payload);
	}
	free(c->decisions);
	memset(c, 0, sizeof *c);
}

int
store_content_get(struct queue *q, int64_t item, struct store_content *c,
    char **cause)
{
	static const char item_sql[] =
	    "SELECT raw, text, prompt, messages FROM items WHERE id = ?";
	static const char dec_sql[] =
	    "SELECT id, action, payload FROM decisions WHERE item_id = ? "
	    "ORDER BY id";
	struct store_stmt	*st;
	int			 rc;

	memset(c, 0, sizeof *c);
	if ((st = store_prepare(q, item_sql, STORE_FOR_UPDATE, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, item);
	if ((rc = store_one(st, "purge", cause)) != 0)
		return (rc);
	c->raw = store_column_text(st, 0);
	c->text = store_column_text(st, 1);
	c->prompt = store_column_text(st, 2);
	c->messages = store_column_text(st, 3);
	store_reset(st);
	if ((st = store_stmt(q, dec_sql, cause)) == NULL) {
		store_content_done(c);
		return (EX_SOFTWARE);
	}
	store_bind_int(st, 1, item);
	while ((rc = store_step(st, "purge", cause)) == STORE_ROW) {
		c->decisions = xreallocarray(c->decisions, c->ndecisions + 1,
		    sizeof *c->decisions);
		c->decisions[c->ndecisions].id = store_int(st, 0);
		c->decisions[c->ndecisions].action = store_column_text(st, 1);
		c->decisions[c->ndecisions].payload = store_column_text(st, 2);
		c->ndecisions++;
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		store_content_done(c);
		return (rc);
	}
	return (0);
}

int
store_tombstone_insert(struct queue *q, const struct store_tombstone *t,
    char **cause)
{
	static const char ins_sql[] =
	    "INSERT INTO tombstones (item_id, removed_at, actor, cause, "
	    "reason, content_sha256, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)";
	/* The item keeps its id, kind and state; its content goes. */
	static const char item_sql[] =
	    "UPDATE items SET text = '', raw = '', prompt = NULL, "
	    "messages = NULL WHERE id = ?";
	static const char esc_sql[] =
	    "UPDATE escalations SET note = NULL WHERE item_id = ?";
	struct store_stmt	*st;
	int			 rc;

	if ((st = store_stmt(q, ins_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	store_bind_text(st, 2, t->removed_at);
	store_bind_text(st, 3, t->actor);
	store_bind_text(st, 4, t->cause);
	store_bind_text(st, 5, t->reason);
	store_bind_text(st, 6, t->content_sha256);
	store_bind_int(st, 7, t->audit_seq);
	if ((rc = store_run(st, "purge", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, item_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	if ((rc = store_run(st, "purge", cause)) != 0)
		return (rc);
	if ((st = store_stmt(q, esc_sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, t->item_id);
	return (store_run(st, "purge", cause));
}

int
store_decision_payload_set(struct queue *q, int64_t decision,
    const char *payload, char **cause)
{
	static const char sql[] =
	    "UPDATE decisions SET payload = ? WHERE id = ?";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, payload);
	store_bind_int(st, 2, decision);
	return (store_run(st, "purge", cause));
}

int
store_audit_first_format(struct queue *q, const char *ext_id,
    struct store_audit_body **out, size_t *n, char **cause)
{
	/* Every later format's body starts with its version. */
	static const char sql[] =
	    "SELECT seq, body FROM audit WHERE item = ? AND "
	    "substr(body, 1, 5) <> '{\"v\":' ORDER BY seq";
	struct store_stmt	*st;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ext_id);
	while ((rc = store_step(st, "audit", cause)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[*n].seq = store_int(st, 0);
		(*out)[*n].body = store_column_text(st, 1);
		(*n)++;
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		store_audit_bodies_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (rc);
	}
	return (0);
}

void
store_audit_bodies_free(struct store_audit_body *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].body);
	free(v);
}

int
store_audit_body_set(struct queue *q, int64_t seq, const char *body,
    char **cause)
{
	static const char sql[] = "UPDATE audit SET body = ? WHERE seq = ?";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, body);
	store_bind_int(st, 2, seq);
	return (store_run(st, "purge", cause));
}

int
store_tombstone_exists(struct queue *q, const char *ext_id, int *found,
    char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM tombstones t JOIN items i ON i.id = t.item_id "
	    "WHERE i.ext_id = ?";
	struct store_stmt	*st;
	int			 rc;

	*found = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, ext_id);
	rc = store_step(st, "audit", cause);
	store_reset(st);
	if (rc == STORE_ROW)
		*found = 1;
	else if (rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_tombstone_scan(struct queue *q, struct store_scan **out, char **cause)
{
	static const char sql[] =
	    "SELECT i.ext_id, t.removed_at, t.actor, t.cause, t.reason, "
	    "t.content_sha256, t.audit_seq, i.text, i.raw, i.prompt, "
	    "i.messages FROM tombstones t JOIN items i ON i.id = t.item_id "
	    "ORDER BY t.item_id";

	if ((*out = store_scan_new(q, sql, 0, "audit", cause)) == NULL)
		return (EX_SOFTWARE);
	return (0);
}

int
store_tombstone_next(struct store_scan *s, struct store_tombstone_row *t,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	t->ext_id = store_text(st, 0);
	t->removed_at = store_text(st, 1);
	t->actor = store_text(st, 2);
	t->cause = store_text(st, 3);
	t->reason = store_text(st, 4);
	t->content_sha256 = store_text(st, 5);
	t->audit_seq = store_int(st, 6);
	/* Gone: no text, no line, no context. */
	t->emptied = store_text(st, 7) != NULL &&
	    store_text(st, 7)[0] == '\0' && store_text(st, 8) != NULL &&
	    store_text(st, 8)[0] == '\0' && store_is_null(st, 9) &&
	    store_is_null(st, 10);
	return (STORE_ROW);
}

int
store_subject_insert(struct queue *q, const char *subject, int64_t item,
    char **cause)
{
	/* A record that names a subject twice names it once. */
	static const char sql[] =
	    "INSERT INTO subjects (subject, item_id) VALUES (?, ?) "
	    "ON CONFLICT DO NOTHING";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, subject);
	store_bind_int(st, 2, item);
	return (store_run(st, "import", cause));
}

int
store_subject_delete(struct queue *q, const char *subject, char **cause)
{
	static const char sql[] = "DELETE FROM subjects WHERE subject = ?";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_text(st, 1, subject);
	return (store_run(st, "erase", cause));
}

int
store_export_item_insert(struct queue *q, int64_t export_id, int64_t item,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO export_items (export_id, item_id) VALUES (?, ?) "
	    "ON CONFLICT DO NOTHING";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, export_id);
	store_bind_int(st, 2, item);
	return (store_run(st, "export", cause));
}

int
store_item_exports_scan(struct queue *q, int64_t item, struct store_scan **out,
    char **cause)
{
	static const char sql[] =
	    "SELECT e.id, e.format, e.path, e.exported_at, e.actor "
	    "FROM export_items x JOIN exports e ON e.id = x.export_id "
	    "WHERE x.item_id = ? ORDER BY e.id";

	if ((*out = store_scan_new(q, sql, 0, "erase", cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(store_scan_stmt(*out), 1, item);
	return (0);
}

int
store_item_exports_next(struct store_scan *s, struct store_recipient *e,
    char **cause)
{
	struct store_stmt	*st = store_scan_stmt(s);
	int			 rc;

	if ((rc = store_scan_step(s, cause)) != STORE_ROW)
		return (rc);
	e->id = store_int(st, 0);
	e->format = store_text(st, 1);
	e->path = store_text(st, 2);
	e->exported_at = store_text(st, 3);
	e->actor = store_text(st, 4);
	return (STORE_ROW);
}
