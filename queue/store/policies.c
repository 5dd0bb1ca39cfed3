/*
 * Policies as stored: each version's text, kept whole, with who loaded it,
 * when, from where, and its SHA-256.
 */
#include "config.h"

#include <string.h>
#include <sysexits.h>

#include "records.h"
#include "xmalloc.h"

int
store_policy_newest(struct queue *q, int have, int *version, char **body,
    size_t *len, char **cause)
{
	static const char sql[] =
	    "SELECT version, CASE WHEN version = ?1 THEN NULL ELSE body END "
	    "FROM policies ORDER BY version DESC LIMIT 1";
	struct store_stmt	*st;
	const char		*text;
	int			 rc;

	*version = 0;
	*body = NULL;
	*len = 0;
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, have);
	rc = store_step(st, "policy", cause);
	if (rc == STORE_ROW) {
		*version = (int)store_int(st, 0);
		/* The text as stored, to the byte: a NUL in it is its own. */
		if ((text = store_bytes(st, 1, len)) != NULL) {
			*body = xmalloc(*len + 1);
			memcpy(*body, text, *len);
			(*body)[*len] = '\0';
		} else
			*len = 0;
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}

int
store_policy_insert(struct queue *q, const struct store_policy_row *p,
    char **cause)
{
	static const char sql[] =
	    "INSERT INTO policies (version, loaded_at, loaded_by, source, "
	    "sha256, body) VALUES (?, ?, ?, ?, ?, ?)";
	struct store_stmt *st;

	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	store_bind_int(st, 1, p->version);
	store_bind_text(st, 2, p->loaded_at);
	store_bind_text(st, 3, p->loaded_by);
	store_bind_text(st, 4, p->source);
	store_bind_text(st, 5, p->sha256);
	store_bind_bytes(st, 6, p->body, p->len);
	return (store_run(st, "policy", cause));
}

int
store_policy_info(struct queue *q, struct queue_policy_info *info,
    char **cause)
{
	static const char sql[] =
	    "SELECT version, loaded_at, loaded_by, source, sha256 "
	    "FROM policies ORDER BY version DESC LIMIT 1";
	struct store_stmt	*st;
	int			 rc;

	memset(info, 0, sizeof *info);
	if ((st = store_stmt(q, sql, cause)) == NULL)
		return (EX_SOFTWARE);
	rc = store_step(st, "policy", cause);
	if (rc == STORE_ROW) {
		info->version = (int)store_int(st, 0);
		info->loaded_at = store_column_text(st, 1);
		info->loaded_by = store_column_text(st, 2);
		info->source = store_column_text(st, 3);
		info->sha256 = store_column_text(st, 4);
	}
	store_reset(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return (rc);
	return (0);
}
