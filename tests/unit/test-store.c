/* Unit tests for opening, migrating and protecting the store, and policies. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "queue.h"
#include "internal.h"
#include "records.h"
#include "testutil.h"

#define GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* A policy with roles: alice may load the next one, bob may not. */
static const char roles_policy[] = "{\"name\": \"p1\", \"roles\": "
    "{\"alice\": \"admin\", \"bob\": \"reviewer\"}}";

static int
setup(void **state)
{
	struct tu_db	*t;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return (-1);
	tu_db_init(t);
	*state = t;
	return (0);
}

static int
teardown(void **state)
{
	struct tu_db	*t = *state;

	tu_db_cleanup(t);
	free(t);
	return (0);
}

/*
 * The latest schema of the test's backend (queue_schema_latest is
 * SQLite's, whatever the database).
 */
static int
schema_latest(void)
{
	return (TU_PG ? store_pg_ops.latest() : queue_schema_latest());
}

static struct queue *
open_ok(const struct tu_db *t, int flags)
{
	struct queue	*q = NULL;
	char		*cause = NULL;

	if (tu_open(t, flags, &q, &cause) != 0) {
		print_error("queue_open %s: %s\n", t->path, cause);
		free(cause);
		fail();
	}
	assert_null(cause);
	assert_non_null(q);
	return (q);
}

/* Creates a hitl database in t and closes it. */
static void
create_db(const struct tu_db *t)
{
	queue_close(open_ok(t, QUEUE_OPEN_CREATE));
}

/* Whether SQLite left a -wal or -shm file next to path. */
static int
has_sidecars(const char *path)
{
	char	buf[320];

	snprintf(buf, sizeof buf, "%s-wal", path);
	if (tu_exists(buf))
		return (1);
	snprintf(buf, sizeof buf, "%s-shm", path);
	return (tu_exists(buf));
}

/* queue_open must fail with code and a message containing want. */
static void
assert_open_fails(const struct tu_db *t, int flags, int code,
    const char *want)
{
	struct queue	*q = (struct queue *)1;
	char		*cause = NULL;

	assert_int_equal(tu_open(t, flags, &q, &cause), code);
	assert_null(q);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("message \"%s\" lacks \"%s\"\n", cause, want);
		free(cause);
		fail();
	}
	free(cause);
}

static void
load_ok(struct queue *q, const char *json, const char *actor, int want)
{
	char	*cause = NULL;
	int	 v = -1;

	if (queue_policy_load(q, "test.json", json, strlen(json), actor, &v,
	    &cause) != 0) {
		print_error("queue_policy_load: %s\n", cause);
		free(cause);
		fail();
	}
	assert_int_equal(v, want);
}

static int
policy_version(struct queue *q)
{
	const struct policy	*p = NULL;
	char			*cause = NULL;
	int			 v = -1;

	assert_int_equal(queue_policy(q, &p, &v, &cause), 0);
	assert_non_null(p);
	return (v);
}

static int
is_hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return (0);
	}
	return (s[64] == '\0');
}

/*
 * How the database would run a claim (the portable SQL, ?N parameters).
 * PostgreSQL's plan is the generic one a prepared claim ends up with, as
 * PostgreSQL's backend words it (FOR UPDATE SKIP LOCKED). Its planner
 * weighs statistics, and the table is empty: with scans of the whole table
 * and sorts ruled out, the plan says whether the index serves the claim
 * in its order, as SQLite's does from the index's shape.
 */
static char *
query_plan(const char *path, const char *sql)
{
	char	buf[2048], *plan, *p;

	snprintf(buf, sizeof buf, TU_SQL("EXPLAIN QUERY PLAN %s",
	    "SET enable_seqscan = off; SET enable_bitmapscan = off; "
	    "SET enable_sort = off; SET plan_cache_mode = force_generic_plan; "
	    "PREPARE claim (bigint, bigint, text, text, text) AS %s "
	    "FOR UPDATE SKIP LOCKED; "
	    "EXPLAIN EXECUTE claim (0, 0, 'model_output', 'x', 'bob')"), sql);
	if (TU_PG) {
		for (p = strstr(buf, " AS "); (p = strchr(p, '?')) != NULL;)
			*p = '$';
	}
	plan = tu_sql_rows(path, buf);
	assert_non_null(plan);
	return (plan);
}

/* Whether the plan uses index name (and not just one it prefixes). */
static int
plan_uses_index(const char *plan, const char *name)
{
	const char	*word = TU_SQL("INDEX ", "using ");
	const char	*s = plan;
	size_t		 len = strlen(name);

	while ((s = strstr(s, word)) != NULL) {
		s += strlen(word);
		if (strncmp(s, name, len) == 0 &&
		    (s[len] == ' ' || s[len] == '\n' || s[len] == '\0'))
			return (1);
	}
	return (0);
}

/* Whether some step of the plan reads the whole table without an index. */
static int
plan_scans_table(const char *plan)
{
	const char	*s = plan;

	if (TU_PG)
		return (strstr(plan, "Seq Scan on items") != NULL);
	while ((s = strstr(s, "SCAN items")) != NULL) {
		s += 10;
		if (strncmp(s, " USING ", 7) != 0)
			return (1);
	}
	return (0);
}

/* Whether the plan sorts the rows itself, instead of the index. */
static int
plan_sorts(const char *plan)
{
	return (strstr(plan, TU_SQL("USE TEMP B-TREE FOR ORDER BY",
	    "Sort")) != NULL);
}

/*
 * What "left untouched" compares: an SQLite file's bytes; on PostgreSQL
 * every relation outside the catalogs, and the rows of sql.
 */
static char *
db_state(const struct tu_db *t, const char *sql)
{
	char	*rels, *rows, *all;
	size_t	 n;

	if (!TU_PG)
		return (tu_read_file(t->path, NULL));
	rels = tu_sql_rows(t->path, "SELECT n.nspname, c.relname, c.relkind "
	    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', "
	    "'pg_toast') ORDER BY 1, 2");
	rows = tu_sql_rows(t->path, sql);
	assert_non_null(rels);
	assert_non_null(rows);
	n = strlen(rels) + strlen(rows) + 2;
	all = malloc(n);
	assert_non_null(all);
	snprintf(all, n, "%s\n%s", rels, rows);
	free(rels);
	free(rows);
	return (all);
}

/* Whether t's directory holds a file (a key, say). */
static int
dir_is_empty(const struct tu_db *t)
{
	DIR		*d = opendir(t->dir);
	struct dirent	*e;
	int		 empty = 1;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		empty &= strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0;
	closedir(d);
	return (empty);
}

/* Creates the database in t with umask 0, as a careless shell might. */
static struct queue *
create_with_umask_0(const struct tu_db *t)
{
	struct queue	*q = NULL;
	char		*cause = NULL;
	mode_t		 old;
	int		 rc;

	old = umask(0);
	rc = tu_open(t, QUEUE_OPEN_CREATE, &q, &cause);
	umask(old);
	if (rc != 0) {
		print_error("queue_open: %s\n", cause);
		free(cause);
		fail();
	}
	return (q);
}

/*
 * What a new database is made of is 0600 whatever the umask: its key, and
 * on SQLite the file and its -wal (a server keeps its own files).
 */
static void
test_new_database_is_mode_0600_even_with_umask_0(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	struct stat	 sb;
	char		 key[512], wal[320];

	q = create_with_umask_0(t);
	assert_true(queue_was_created(q));
	assert_string_equal(queue_path(q), t->path);
	/* A server's key is in the key directory hitl is given. */
	tu_key_path(t, key, sizeof key);
	assert_memory_equal(key, t->dir, strlen(t->dir));
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	if (!TU_PG) {
		assert_int_equal(stat(t->path, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
		/* The -wal file takes the database's mode. */
		snprintf(wal, sizeof wal, "%s-wal", t->path);
		assert_int_equal(stat(wal, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
	}
	queue_close(q);
}

/*
 * SQLite only: a missing file (a server's database without a queue:
 * test_database_without_queue_is_adopted_only_with_create).
 */
static void
test_missing_database_without_create_creates_nothing(void **state)
{
	struct tu_db	*t = *state;
	char		 wal[320];

	TU_ONLY("sqlite");
	assert_open_fails(t, 0, EX_NOINPUT, "no database at");
	assert_false(tu_exists(t->path));
	snprintf(wal, sizeof wal, "%s-wal", t->path);
	assert_false(tu_exists(wal));
	snprintf(wal, sizeof wal, "%s-journal", t->path);
	assert_false(tu_exists(wal));
}

/* SQLite only: an empty file, as mktemp makes. */
static void
test_empty_file_is_adopted_only_with_create(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;

	TU_ONLY("sqlite");
	assert_int_equal(tu_write_file(t->path, "", 0), 0);
	assert_open_fails(t, 0, EX_NOINPUT, "is empty, not a hitl "
	    "database");
	assert_true(tu_file_equals(t->path, "", 0));
	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_schema_version(q), schema_latest());
	queue_close(q);
}

/* SQLite only: a file of another kind (nothing is like it on a server). */
static void
test_file_that_is_not_sqlite_is_refused_untouched(void **state)
{
	struct tu_db	*t = *state;

	TU_ONLY("sqlite");
	assert_int_equal(tu_write_file(t->path, "hello", 5), 0);
	assert_open_fails(t, 0, EX_DATAERR, "not a hitl database");
	assert_true(tu_file_equals(t->path, "hello", 5));
	/* Asking to create one does not overwrite it either. */
	assert_open_fails(t, QUEUE_OPEN_CREATE, EX_DATAERR,
	    "not a hitl database");
	assert_true(tu_file_equals(t->path, "hello", 5));
	assert_false(has_sidecars(t->path));
}

/*
 * SQLite only: another application's file (on a server, another's schema
 * named hitl is refused, and its tables elsewhere are left alone: see
 * test_other_schema_named_hitl_is_refused_untouched and the next).
 */
static void
test_other_applications_sqlite_database_is_refused_untouched(void **state)
{
	struct tu_db	*t = *state;
	char		*before;
	size_t		 len;

	TU_ONLY("sqlite");
	assert_int_equal(tu_sql_exec(t->path, "CREATE TABLE notes (body TEXT);"
	    "INSERT INTO notes VALUES ('keep me');", NULL), TU_OK);
	before = tu_read_file(t->path, &len);
	assert_non_null(before);
	assert_open_fails(t, 0, EX_DATAERR,
	    "is an SQLite database but not a hitl one");
	assert_open_fails(t, QUEUE_OPEN_CREATE, EX_DATAERR,
	    "not a hitl one");
	assert_true(tu_file_equals(t->path, before, len));
	assert_false(has_sidecars(t->path));
	free(before);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "sqlite_master WHERE name = 'items'"), 0);
}

/*
 * PostgreSQL: a database without a queue is adopted only with create;
 * without, nothing is made in it, not even the key.
 */
static void
test_database_without_queue_is_adopted_only_with_create(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;

	TU_ONLY("postgresql");
	assert_open_fails(t, 0, EX_NOINPUT, "no hitl queue at");
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "pg_namespace WHERE nspname = 'hitl'"), 0);
	assert_true(dir_is_empty(t));
	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_true(queue_was_created(q));
	assert_int_equal(queue_schema_version(q), schema_latest());
	queue_close(q);
}

/* PostgreSQL: a schema "hitl" that is not a queue is refused, untouched. */
static void
test_other_schema_named_hitl_is_refused_untouched(void **state)
{
	static const char	 rows[] = "SELECT * FROM hitl.notes";
	struct tu_db		*t = *state;
	char			*before, *after;

	TU_ONLY("postgresql");
	assert_int_equal(tu_sql_exec(t->path, "CREATE SCHEMA hitl; "
	    "CREATE TABLE hitl.notes (body text); "
	    "INSERT INTO hitl.notes VALUES ('keep me')", NULL), TU_OK);
	before = db_state(t, rows);
	assert_open_fails(t, 0, EX_DATAERR, "has a schema \"hitl\" that is "
	    "not a hitl queue");
	assert_open_fails(t, QUEUE_OPEN_CREATE, EX_DATAERR, "left untouched");
	after = db_state(t, rows);
	assert_string_equal(before, after);
	assert_non_null(strstr(after, "keep me"));
	assert_true(dir_is_empty(t));
	free(before);
	free(after);
}

/* PostgreSQL: the queue keeps to its schema, beside other applications'. */
static void
test_other_applications_tables_are_left_alone(void **state)
{
	struct tu_db	*t = *state;
	char		*rows;

	TU_ONLY("postgresql");
	assert_int_equal(tu_sql_exec(t->path, "CREATE TABLE public.notes "
	    "(body text); INSERT INTO public.notes VALUES ('keep me')", NULL),
	    TU_OK);
	create_db(t);
	rows = tu_sql_rows(t->path, "SELECT table_schema, table_name FROM "
	    "information_schema.tables WHERE table_schema = 'public' OR "
	    "table_name = 'notes' OR table_name = 'items' ORDER BY 1");
	assert_string_equal(rows, "hitl|items\npublic|notes\n");
	free(rows);
	rows = tu_sql_rows(t->path, "SELECT body FROM public.notes");
	assert_string_equal(rows, "keep me\n");
	free(rows);
}

/*
 * PostgreSQL: a password in a server's URI (user:PASSWORD@, password=, its
 * name %-encoded or not) is shown nowhere: not by queue_path, not in a
 * message naming the database, not when the server is not there, whose
 * messages name it.
 */
static void
test_password_in_uri_is_never_shown(void **state)
{
	struct tu_db	*t = *state, db;
	struct queue	*q = NULL;
	char		 want[400], *cause = NULL;
	const char	*rest = t->path + strlen("postgresql://");

	TU_ONLY("postgresql");
	db = *t;
	/* The cluster trusts its local users: no password is asked for. */
	if ((size_t)snprintf(db.path, sizeof db.path, "postgresql://"
	    "mallory:s3cret@%s&password=s3cret%%21", rest) >= sizeof db.path)
		fail();
	snprintf(want, sizeof want, "postgresql://mallory:***@%s"
	    "&password=***", rest);
	assert_int_equal(tu_open(&db, 0, &q, &cause), EX_NOINPUT);
	assert_non_null(strstr(cause, want));
	assert_null(strstr(cause, "s3cret"));
	free(cause);
	cause = NULL;
	q = open_ok(&db, QUEUE_OPEN_CREATE);
	assert_string_equal(queue_path(q), want);
	queue_close(q);

	if ((size_t)snprintf(db.path, sizeof db.path, "postgres://:s3cret@/x?"
	    "host=%s/nowhere&%%70assword=s3cret&passfile=kept", t->dir) >=
	    sizeof db.path)
		fail();
	snprintf(want, sizeof want, "cannot connect to postgres://:***@/x?"
	    "host=%s/nowhere&%%70assword=***&passfile=kept", t->dir);
	assert_int_equal(tu_open(&db, 0, &q, &cause), EX_TEMPFAIL);
	assert_null(q);
	if (strstr(cause, want) == NULL || strstr(cause, "s3cret") != NULL ||
	    strstr(cause, "/nowhere/.s.PGSQL.5432") == NULL) {
		print_error("%s\n", cause);
		fail();
	}
	free(cause);
}

static void
test_newer_schema_is_refused_untouched(void **state)
{
	static const char	 rows[] = "SELECT * FROM migrations ORDER BY "
	    "version";
	struct tu_db		*t = *state;
	char			 sql[160], *before, *after;

	create_db(t);
	snprintf(sql, sizeof sql, TU_SQL("PRAGMA user_version = %d",
	    "INSERT INTO migrations (version, applied_at, description) "
	    "VALUES (%d, '2030-01-01T00:00:00Z', 'from a newer hitl')"),
	    schema_latest() + 1);
	assert_int_equal(tu_sql_exec(t->path, sql, NULL), TU_OK);
	before = db_state(t, rows);
	assert_non_null(before);
	assert_open_fails(t, 0, EX_DATAERR, "newer");
	assert_open_fails(t, QUEUE_OPEN_CREATE, EX_DATAERR, "newer");
	after = db_state(t, rows);
	assert_string_equal(before, after);
	assert_false(has_sidecars(t->path));
	free(before);
	free(after);
	assert_int_equal(tu_sql_int(t->path, TU_SQL("PRAGMA user_version",
	    "SELECT max(version) FROM migrations")),
	    schema_latest() + 1);
}

static void
test_migrations_bring_new_database_to_latest(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	char		*journal;
	int		 latest = schema_latest();

	assert_true(latest >= 1);
	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_schema_version(q), latest);
	if (TU_PG) {
		journal = tu_sql_text(t->path, "SELECT value FROM meta "
		    "WHERE key = 'application_id'");
		assert_string_equal(journal, "hitl");
		free(journal);
	} else {
		assert_int_equal(tu_sql_int(t->path, "PRAGMA user_version"),
		    latest);
		assert_int_equal(tu_sql_int(t->path, "PRAGMA application_id"),
		    0x6869746c);
	}
	/* One row per migration, numbered 1 to latest. */
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "migrations"), latest);
	assert_int_equal(tu_sql_int(t->path, "SELECT min(version) FROM "
	    "migrations"), 1);
	assert_int_equal(tu_sql_int(t->path, "SELECT max(version) FROM "
	    "migrations"), latest);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "migrations WHERE description = '' OR applied_at NOT LIKE "
	    "'____-__-__T__:__:__Z'"), 0);
	assert_int_equal(tu_sql_int(t->path, TU_SQL("SELECT count(*) FROM "
	    "sqlite_master WHERE type = 'table'", "SELECT count(*) FROM "
	    "information_schema.tables WHERE table_schema = 'hitl' AND "
	    "table_type = 'BASE TABLE'") " AND " TU_SQL("name", "table_name")
	    " IN ('items', 'flags', 'spans', 'batches', 'policies', "
	    "'decisions', 'audit')"), 7);
	if (!TU_PG) {
		journal = tu_sql_text(t->path, "PRAGMA journal_mode");
		assert_string_equal(journal, "wal");
		free(journal);
	}
	queue_close(q);
}

static void
test_reopen_keeps_data_and_does_not_rerun_migrations(void **state)
{
	struct tu_db		*t = *state;
	struct queue		*q;
	const struct policy	*p;
	char			*before, *after, *cause = NULL;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	load_ok(q, roles_policy, "root", 1);
	queue_close(q);
	before = tu_sql_rows(t->path, "SELECT * FROM migrations ORDER BY "
	    "version");
	assert_non_null(before);

	q = open_ok(t, 0);
	assert_int_equal(queue_schema_version(q), schema_latest());
	assert_int_equal(queue_policy(q, &p, NULL, &cause), 0);
	assert_string_equal(p->name, "p1");
	assert_int_equal(policy_version(q), 1);
	queue_close(q);

	after = tu_sql_rows(t->path, "SELECT * FROM migrations ORDER BY "
	    "version");
	assert_non_null(after);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "migrations"), schema_latest());
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "policies"), 1);
}

/*
 * A database left at schema 1 (as the first release wrote it: no workflow
 * tables) is upgraded in place on open, keeping its items.
 */
static void
test_schema_1_database_is_upgraded_keeping_data(void **state)
{
	static const char downgrade[] =
	    "DROP TRIGGER audit_no_update;"
	    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	    "DROP TABLE tombstones; DROP TABLE subjects;"
	    "DROP TABLE export_items; DROP TRIGGER decisions_no_update;"
	    "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions"
	    "  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	    "ALTER TABLE decisions DROP COLUMN vote;"
	    "DROP TABLE samples; DROP TABLE ballots; DROP TABLE gold_scores;"
	    "DROP TABLE pauses; DROP TABLE suspensions;"
	    "DROP TABLE escalations; DROP TABLE skips; DROP TABLE leases;"
	    "DROP TABLE waiting; DROP TRIGGER waiting_update;"
	    "DROP INDEX shifts_open; DROP INDEX decisions_reviewer;"
	    "DROP INDEX decisions_undoes;"
	    "ALTER TABLE items DROP COLUMN claimed_at;"
	    "ALTER TABLE shifts DROP COLUMN counts;"
	    "DROP TABLE export_files; DROP TABLE exports;"
	    "DROP TABLE audit_signatures; DROP TRIGGER policies_no_update;"
	    "DROP TRIGGER policies_no_delete; DROP TRIGGER batches_no_update;"
	    "DROP TRIGGER batches_no_delete; DROP TRIGGER items_no_delete;"
	    "DELETE FROM meta WHERE key = 'signing_key';"
	    "DROP TABLE state_counts; DROP INDEX items_waiting_seq;"
	    "DROP TRIGGER state_counts_update;"
	    "DELETE FROM migrations WHERE version > 1;"
	    "PRAGMA user_version = 1;";
	static const char line[] = "{\"id\":\"m-1\",\"kind\":"
	    "\"model_output\",\"response\":\"hi\",\"flags\":[{\"type\":"
	    "\"toxicity\",\"score\":0.9}]}";
	struct tu_db			*t = *state;
	struct queue			*q;
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	char				*cause = NULL, *err = NULL;

	/* PostgreSQL's schema starts where SQLite's upgrades end. */
	TU_ONLY("sqlite");
	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_import_begin(q, "root", 1, &imp, &cause), 0);
	assert_int_equal(queue_import_line(imp, "t", 1, line,
	    sizeof line - 1, &cause), 0);
	assert_int_equal(queue_import_finish(imp, &c, NULL, &cause), 0);
	queue_import_free(imp);
	queue_close(q);
	assert_int_equal(tu_sql_exec(t->path, downgrade, &err), 0);
	free(err);
	assert_int_equal(tu_sql_int(t->path, "PRAGMA user_version"), 1);

	q = open_ok(t, 0);
	assert_int_equal(queue_schema_version(q), schema_latest());
	queue_close(q);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "migrations"), schema_latest());
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM items "
	    "WHERE ext_id = 'm-1' AND claimed_at IS NULL"), 1);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "escalations"), 0);
}

static void
test_create_flag_on_existing_database_keeps_it(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	load_ok(q, roles_policy, "root", 1);
	queue_close(q);
	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(policy_version(q), 1);
	queue_close(q);
}

/* Only a database made with QUEUE_OPEN_DEMO is a demo one, for good. */
static void
test_demo_mark_only_when_made_so(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	struct tu_db	 other;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_false(queue_is_demo(q));
	queue_close(q);
	/* An existing database does not become a demo one. */
	q = open_ok(t, QUEUE_OPEN_CREATE | QUEUE_OPEN_DEMO);
	assert_false(queue_is_demo(q));
	queue_close(q);
	tu_db_sibling(t, "demo.db", &other);
	q = open_ok(&other, QUEUE_OPEN_CREATE | QUEUE_OPEN_DEMO);
	assert_true(queue_is_demo(q));
	queue_close(q);
	q = open_ok(&other, 0);
	assert_true(queue_is_demo(q));
	queue_close(q);
	tu_db_remove(&other);
}

static void
test_decisions_refuse_update_and_delete(void **state)
{
	struct tu_db	*t = *state;
	char		*err = NULL;

	create_db(t);
	/* There is no item 1: PostgreSQL skips its foreign key for this. */
	assert_int_equal(tu_sql_exec_unguarded(t->path, "", "INSERT INTO "
	    "decisions (item_id, action, reviewer, policy_version, "
	    "decided_at, audit_seq) VALUES (1, 'accept', 'bob', 0, "
	    "'2026-11-28T13:05:35Z', 1)", &err), TU_OK);
	assert_null(err);

	assert_int_not_equal(tu_sql_exec(t->path, "UPDATE decisions SET "
	    "action = 'reject'", &err), TU_OK);
	assert_non_null(err);
	assert_non_null(strstr(err, "decisions are append-only"));
	free(err);
	assert_int_not_equal(tu_sql_exec(t->path, "DELETE FROM decisions",
	    &err), TU_OK);
	assert_non_null(strstr(err, "decisions are append-only"));
	free(err);
	if (TU_PG) {
		assert_int_not_equal(tu_sql_exec(t->path, "TRUNCATE decisions "
		    "CASCADE", &err), TU_OK);
		assert_non_null(strstr(err, "decisions are append-only"));
		free(err);
	}

	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM decisions "
	    "WHERE action = 'accept' AND reviewer = 'bob'"), 1);
}

static void
test_audit_log_refuses_update_and_delete(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	char		*err = NULL, *hash;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	load_ok(q, roles_policy, "root", 1);
	queue_close(q);
	/* Events 1 and 2: the load, and the signing key it put on record. */
	assert_int_equal(tu_sql_exec(t->path, "INSERT INTO audit (seq, at, "
	    "actor, event, body, prev_hash, hash) VALUES (3, "
	    "'2026-11-28T13:05:35Z', 'x', 'forged', '{}', '', '')", &err),
	    TU_OK);
	hash = tu_sql_text(t->path, "SELECT hash FROM audit WHERE seq = 1");
	assert_non_null(hash);

	assert_int_not_equal(tu_sql_exec(t->path, "UPDATE audit SET "
	    "actor = 'mallory' WHERE seq = 1", &err), TU_OK);
	assert_non_null(err);
	assert_non_null(strstr(err, "the audit log is append-only"));
	free(err);
	assert_int_not_equal(tu_sql_exec(t->path, "DELETE FROM audit WHERE "
	    "seq = 3", &err), TU_OK);
	assert_non_null(strstr(err, "the audit log is append-only"));
	free(err);
	if (TU_PG) {
		assert_int_not_equal(tu_sql_exec(t->path, "TRUNCATE audit "
		    "CASCADE", &err), TU_OK);
		assert_non_null(strstr(err, "the audit log is append-only"));
		free(err);
	}

	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit"), 3);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit "
	    "WHERE seq = 1 AND actor = 'root' AND event = 'policy_load'"), 1);
	free(hash);
}

static void
test_claim_query_uses_items_next(void **state)
{
	struct tu_db	*t = *state;
	char		*plan;

	create_db(t);
	plan = query_plan(t->path, claim_select_sql(NULL));
	if (!plan_uses_index(plan, "items_next") || plan_scans_table(plan) ||
	    plan_sorts(plan)) {
		print_error("plan:\n%s", plan);
		free(plan);
		fail();
	}
	free(plan);
}

static void
test_kind_filtered_claim_query_uses_items_next_kind(void **state)
{
	struct tu_db	*t = *state;
	struct queue_filter	 f = { .kind = "model_output" };
	char			*plan;

	create_db(t);
	plan = query_plan(t->path, claim_select_sql(&f));
	if (!plan_uses_index(plan, "items_next_kind") ||
	    plan_scans_table(plan) || plan_sorts(plan)) {
		print_error("plan:\n%s", plan);
		free(plan);
		fail();
	}
	free(plan);
}

static void
test_new_database_has_builtin_default_policy(void **state)
{
	struct tu_db			*t = *state;
	struct queue			*q;
	const struct policy		*p = NULL;
	struct queue_policy_info	 info;
	char				*cause = NULL;
	int				 v = -1;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_policy(q, &p, &v, &cause), 0);
	assert_int_equal(v, 0);
	assert_string_equal(p->name, "default");
	assert_int_equal(p->lease_seconds, 900);
	assert_int_equal(queue_policy_info(q, &info, &cause), 0);
	assert_int_equal(info.version, 0);
	assert_null(info.loaded_by);
	assert_null(info.sha256);
	queue_policy_info_done(&info);
	queue_close(q);
}

static void
test_policy_loads_are_numbered_versions(void **state)
{
	struct tu_db			*t = *state;
	struct queue			*q;
	const struct policy		*p = NULL;
	struct queue_policy_info	 info;
	char				*cause = NULL, when[32];

	q = open_ok(t, QUEUE_OPEN_CREATE);
	queue_set_now(q, 1795870535);
	queue_format_time(1795870535, when);
	assert_string_equal(when, "2026-11-28T12:55:35Z");
	load_ok(q, roles_policy, "root", 1);
	assert_int_equal(policy_version(q), 1);
	load_ok(q, "{\"name\": \"p2\", \"roles\": {\"alice\": \"admin\"}, "
	    "\"lease_seconds\": 60}", "alice", 2);
	assert_int_equal(queue_policy(q, &p, NULL, &cause), 0);
	assert_string_equal(p->name, "p2");
	assert_int_equal(p->lease_seconds, 60);
	assert_int_equal(queue_policy_info(q, &info, &cause), 0);
	assert_int_equal(info.version, 2);
	assert_string_equal(info.loaded_by, "alice");
	assert_string_equal(info.source, "test.json");
	assert_string_equal(info.loaded_at, when);
	assert_true(is_hex64(info.sha256));
	queue_policy_info_done(&info);
	queue_close(q);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM policies"),
	    2);
}

static void
test_non_admin_may_not_load_a_policy_once_roles_exist(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	char		*cause = NULL;
	int		 v = -1;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	load_ok(q, roles_policy, "root", 1);
	load_ok(q, roles_policy, "alice", 2);
	assert_int_equal(queue_policy_load(q, "test.json", "{}", 2, "bob", &v,
	    &cause), EX_NOPERM);
	assert_non_null(strstr(cause, "bob may not load policies"));
	free(cause);
	cause = NULL;
	/* Not listed: the default role, reviewer. */
	assert_int_equal(queue_policy_load(q, "test.json", "{}", 2, "mallory",
	    &v, &cause), EX_NOPERM);
	free(cause);
	assert_int_equal(v, -1);
	assert_int_equal(policy_version(q), 2);
	queue_close(q);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM policies"),
	    2);
	/* Two loads, and the signing key the first put on record. */
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit"), 3);
}

static void
test_invalid_policy_is_refused_and_nothing_stored(void **state)
{
	static const char	 bad[] =
	    "{\"anonymization\": {\"auto_accept\": 1.5}}";
	struct tu_db		*t = *state;
	struct queue		*q;
	char			*cause = NULL;
	int			 v = -1;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_policy_load(q, "bad.json", bad, sizeof bad - 1,
	    "root", &v, &cause), EX_DATAERR);
	assert_string_equal(cause, "policy bad.json: anonymization."
	    "auto_accept: 1.5 is out of range (0 to 1)");
	free(cause);
	assert_int_equal(v, -1);
	assert_int_equal(policy_version(q), 0);
	queue_close(q);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM policies"),
	    0);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit"), 0);
}

/* hash = SHA-256(unhex(prev_hash) || body), as lower-case hex. */
static void
assert_audit_row_chains(const char *path, int seq)
{
	char		 sql[128], *prev, *body, *hash, hex[65];
	unsigned char	 raw[32], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i, byte;

	snprintf(sql, sizeof sql, "SELECT prev_hash FROM audit WHERE seq = %d",
	    seq);
	prev = tu_sql_text(path, sql);
	snprintf(sql, sizeof sql, "SELECT body FROM audit WHERE seq = %d", seq);
	body = tu_sql_text(path, sql);
	snprintf(sql, sizeof sql, "SELECT hash FROM audit WHERE seq = %d", seq);
	hash = tu_sql_text(path, sql);
	assert_non_null(prev);
	assert_non_null(body);
	assert_non_null(hash);
	assert_true(is_hex64(prev));
	for (i = 0; i < 32; i++) {
		assert_int_equal(sscanf(prev + 2 * i, "%2x", &byte), 1);
		raw[i] = (unsigned char)byte;
	}
	{
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		assert_non_null(ctx);
		assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
		assert_true(EVP_DigestUpdate(ctx, raw, sizeof raw));
		assert_true(EVP_DigestUpdate(ctx, body, strlen(body)));
		assert_true(EVP_DigestFinal_ex(ctx, md, &mdlen));
		EVP_MD_CTX_free(ctx);
	}
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, hash);
	free(prev);
	free(body);
	free(hash);
}

static void
test_audit_head_after_two_policy_loads(void **state)
{
	struct tu_db	*t = *state;
	struct queue	*q;
	int64_t		 events = -1;
	char		 head[65], *last, *prev2, *hash1, *cause = NULL;

	q = open_ok(t, QUEUE_OPEN_CREATE);
	assert_int_equal(queue_audit_head(q, &events, head, &cause), 0);
	assert_int_equal(events, 0);
	assert_string_equal(head, GENESIS);

	load_ok(q, roles_policy, "root", 1);
	load_ok(q, roles_policy, "alice", 2);
	assert_int_equal(queue_audit_head(q, &events, head, &cause), 0);
	assert_null(cause);
	assert_int_equal(events, 3);	/* with the signing key */
	assert_true(is_hex64(head));
	assert_string_not_equal(head, GENESIS);
	queue_close(q);

	last = tu_sql_text(t->path, "SELECT hash FROM audit WHERE seq = 3");
	assert_non_null(last);
	assert_string_equal(head, last);
	free(last);
	/* The chain: genesis, then each event's prev_hash is the last hash. */
	prev2 = tu_sql_text(t->path, "SELECT prev_hash FROM audit WHERE "
	    "seq = 2");
	hash1 = tu_sql_text(t->path, "SELECT hash FROM audit WHERE seq = 1");
	assert_string_equal(prev2, hash1);
	free(prev2);
	free(hash1);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit "
	    "WHERE seq = 1 AND prev_hash = '" GENESIS "'"), 1);
	assert_audit_row_chains(t->path, 1);
	assert_audit_row_chains(t->path, 2);
	assert_audit_row_chains(t->path, 3);
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM audit "
	    "WHERE event = 'policy_load'"), 2);
	/* Each write is signed: its last event. */
	assert_int_equal(tu_sql_int(t->path, "SELECT count(*) FROM "
	    "audit_signatures"), 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_database_is_mode_0600_even_with_umask_0),
		T(test_missing_database_without_create_creates_nothing),
		T(test_empty_file_is_adopted_only_with_create),
		T(test_file_that_is_not_sqlite_is_refused_untouched),
		T(test_other_applications_sqlite_database_is_refused_untouched),
		T(test_database_without_queue_is_adopted_only_with_create),
		T(test_other_schema_named_hitl_is_refused_untouched),
		T(test_other_applications_tables_are_left_alone),
		T(test_password_in_uri_is_never_shown),
		T(test_newer_schema_is_refused_untouched),
		T(test_migrations_bring_new_database_to_latest),
		T(test_reopen_keeps_data_and_does_not_rerun_migrations),
		T(test_schema_1_database_is_upgraded_keeping_data),
		T(test_create_flag_on_existing_database_keeps_it),
		T(test_demo_mark_only_when_made_so),
		T(test_decisions_refuse_update_and_delete),
		T(test_audit_log_refuses_update_and_delete),
		T(test_claim_query_uses_items_next),
		T(test_kind_filtered_claim_query_uses_items_next_kind),
		T(test_new_database_has_builtin_default_policy),
		T(test_policy_loads_are_numbered_versions),
		T(test_non_admin_may_not_load_a_policy_once_roles_exist),
		T(test_invalid_policy_is_refused_and_nothing_stored),
		T(test_audit_head_after_two_policy_loads),
	};

	tu_backend_start();
	return (cmocka_run_group_tests_name("store (" TU_BACKEND ")",
	    tests, NULL, NULL));
}
