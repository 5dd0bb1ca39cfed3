/* Shared helpers for the unit tests: temporary databases, files and SQL. */
#ifndef HITL_TESTUTIL_H
#define HITL_TESTUTIL_H

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* A database path in a private temporary directory. */
struct tu_db {
	char	dir[256];
	char	path[300];
};

static inline void
tu_db_init(struct tu_db *t)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(t->dir, sizeof t->dir, "%s/hitl-test.XXXXXX", tmp);
	if (mkdtemp(t->dir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", t->dir, strerror(errno));
		abort();
	}
	snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

/* A sibling of the database in the same directory ("other.db"). */
static inline void
tu_db_sibling(const struct tu_db *t, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", t->dir, name);
}

static inline void
tu_unlink_db(const char *path)
{
	char	buf[512];

	unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-journal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s.key", path);
	unlink(buf);
}

/* Removes the database, its -wal and -shm files and the directory. */
static inline void
tu_db_cleanup(struct tu_db *t)
{
	tu_unlink_db(t->path);
	if (rmdir(t->dir) != 0)
		fprintf(stderr, "rmdir %s: %s\n", t->dir, strerror(errno));
}

static inline int
tu_exists(const char *path)
{
	struct stat	sb;

	return (lstat(path, &sb) == 0);
}

/* Reads a whole file, NUL-terminated; NULL if it cannot be read. */
static inline char *
tu_read_file(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[8192];

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		char *nbuf = realloc(buf, len + n + 1);

		if (nbuf == NULL) {
			free(buf);
			fclose(f);
			return (NULL);
		}
		buf = nbuf;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return (NULL);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static inline int
tu_write_file(const char *path, const char *data, size_t len)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "wb")) == NULL)
		return (-1);
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = 0;
	return (ok ? 0 : -1);
}

/* Whether path holds exactly len bytes equal to data. */
static inline int
tu_file_equals(const char *path, const char *data, size_t len)
{
	char	*buf;
	size_t	 n;
	int	 same;

	if ((buf = tu_read_file(path, &n)) == NULL)
		return (0);
	same = n == len && memcmp(buf, data, len) == 0;
	free(buf);
	return (same);
}

static inline sqlite3 *
tu_sql_open(const char *path)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite3_open %s: %s\n", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		abort();
	}
	sqlite3_busy_timeout(db, 5000);
	return (db);
}

/*
 * Runs sql (one or more statements). Returns the SQLite result code; on
 * failure, if errmsg is not NULL, stores a copy of the message (free it).
 */
static inline int
tu_sql_exec(const char *path, const char *sql, char **errmsg)
{
	sqlite3	*db = tu_sql_open(path);
	char	*msg = NULL;
	int	 rc;

	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (errmsg != NULL)
		*errmsg = msg != NULL ? strdup(msg) : NULL;
	sqlite3_free(msg);
	sqlite3_close(db);
	return (rc);
}

/* The first column of the first row as an integer; -1 if there is none. */
static inline int64_t
tu_sql_int(const char *path, const char *sql)
{
	sqlite3		*db = tu_sql_open(path);
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (-1);
	}
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (v);
}

/* The first column of the first row as text (free it); NULL if none. */
static inline char *
tu_sql_text(const char *path, const char *sql)
{
	sqlite3			*db = tu_sql_open(path);
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			*v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (NULL);
	}
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (s = sqlite3_column_text(st, 0)) != NULL)
		v = strdup((const char *)s);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (v);
}

/*
 * Every row of the query, columns separated by '|' and rows by '\n' (free
 * it); NULL if the query fails.
 */
static inline char *
tu_sql_rows(const char *path, const char *sql)
{
	sqlite3			*db = tu_sql_open(path);
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			*out;
	size_t			 len = 0, size = 256, n;
	int			 i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (NULL);
	}
	if ((out = malloc(size)) == NULL)
		abort();
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			s = sqlite3_column_text(st, i);
			if (s == NULL)
				s = (const unsigned char *)"NULL";
			n = strlen((const char *)s) + 2;
			while (len + n + 1 > size) {
				size *= 2;
				if ((out = realloc(out, size)) == NULL)
					abort();
			}
			len += (size_t)snprintf(out + len, size - len, "%s%s",
			    i > 0 ? "|" : "", (const char *)s);
		}
		if (len + 2 > size) {
			size *= 2;
			if ((out = realloc(out, size)) == NULL)
				abort();
		}
		out[len++] = '\n';
		out[len] = '\0';
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (out);
}

#endif
