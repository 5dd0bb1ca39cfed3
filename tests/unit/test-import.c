/* Unit tests for import runs: triage, storage, idempotence and atomicity. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "internal.h"
#include "queue.h"
#include "testutil.h"

/* 2026-11-28T12:55:35Z */
#define NOW		1795870535
#define NOW_TEXT	"2026-11-28T12:55:35Z"

/* Weights for the priorities below; no spot checks, so triage is exact. */
static const char test_policy[] = "{\"name\": \"import-test\", "
    "\"weights\": {\"bias\": 3, \"PERSON\": 2, \"toxicity\": 5}, "
    "\"model_output\": {\"spot_check_rate\": 0}}";

/*
 * Demo-like records: an output queued by its flag, one decided by the policy
 * (its flag starts after an emoji: code points 9 to 13, bytes 12 to 16), an
 * anonymization case with an ambiguous span (Zürich is code points 13 to 19,
 * bytes 14 to 21) and one whose spans are all decided. Odd spacing and key
 * order are kept as sent.
 */
static const char *const lines[] = {
	"{\"id\": \"out-1\", \"kind\": \"model_output\", "
	"\"created_at\": \"2026-11-25T03:22:07Z\", \"source\": {\"model\": "
	"\"hr-assistant-1\", \"pipeline\": \"hr-faq\"}, \"metadata\": "
	"{\"locale\": \"en-GB\"}, \"response\": \"Candidates over 50 tend to "
	"struggle here.\", \"prompt\": \"Can I apply?\", \"flags\": ["
	"{\"type\": \"bias.age\", \"score\": 0.96, \"detector\": \"bias-clf\", "
	"\"rationale\": \"Age.\", \"start\": 0, \"end\": 18}, "
	"{\"type\": \"policy.legal_advice\", \"score\": 0.33}]}",

	"{ \"kind\":\"model_output\",  \"id\":\"out-2\",\"response\":"
	"\"\xf0\x9f\x98\x80 Please kill the helper process.\",\"messages\":"
	"[{\"role\":\"user\",\"content\":\"It froze.\"}],\"flags\":[{\"type\":"
	"\"toxicity\",\"score\":0.18,\"start\":9,\"end\":13}]}",

	"{\"id\": \"anon-1\", \"kind\": \"anonymization\", \"text\": "
	"\"Zo\xc3\xab lives in Z\xc3\xbcrich.\", \"spans\": ["
	"{\"entity_type\": \"PERSON\", \"start\": 0, \"end\": 3, "
	"\"score\": 0.6, \"recognizer\": \"SpacyRecognizer\", "
	"\"analysis_explanation\": {\"score\": 0.6}}, "
	"{\"entity_type\": \"DATE_TIME\", \"start\": 4, \"end\": 9, "
	"\"score\": 0.1}, "
	"{\"entity_type\": \"LOCATION\", \"start\": 13, \"end\": 19, "
	"\"score\": 0.95}]}",

	"{\"id\": \"anon-2\", \"kind\": \"anonymization\", \"text\": "
	"\"Call +33 7 55 50 44 21.\", \"spans\": [{\"entity_type\": "
	"\"PHONE_NUMBER\", \"start\": 5, \"end\": 22, \"score\": 0.95, "
	"\"recognition_metadata\": {\"recognizer_name\": "
	"\"PhoneRecognizer\"}}]}",
};
#define NLINES (sizeof lines / sizeof lines[0])

static const char invalid_line[] = "{\"id\": \"bad-1\", \"kind\": "
    "\"model_output\", \"response\": \"x\", \"flags\": [{\"type\": "
    "\"bias\", \"score\": 1.5}]}";

struct fixture {
	struct tu_db	 db;
	struct queue	*q;
};

/*
 * The queue every test starts from, with the test policy loaded: made once,
 * and copied for each test as a backup would copy it.
 */
static int
group_setup(void **state)
{
	struct tu_db	*golden;
	struct queue	*q = NULL;
	char		*cause = NULL;
	int		 v, rc;

	golden = tu_group_db_new();
	if ((rc = tu_open(golden, QUEUE_OPEN_CREATE, &q, &cause)) == 0) {
		/* Before the first event: the log's times never go back. */
		queue_set_now(q, NOW);
		rc = queue_policy_load(q, "test.json", test_policy,
		    sizeof test_policy - 1, "root", &v, &cause);
	}
	queue_close(q);
	if (rc != 0) {
		fprintf(stderr, "setup: %s\n", cause);
		free(cause);
		return (-1);
	}
	*state = golden;
	return (0);
}

static int
setup(void **state)
{
	struct fixture	*f;
	char		*cause = NULL;

	if ((f = calloc(1, sizeof *f)) == NULL)
		return (-1);
	tu_db_init_copy(&f->db, *state);
	if (tu_open(&f->db, 0, &f->q, &cause) != 0) {
		fprintf(stderr, "setup: %s\n", cause);
		free(cause);
		return (-1);
	}
	queue_set_now(f->q, NOW);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	queue_close(f->q);
	tu_db_cleanup(&f->db);
	free(f);
	return (0);
}

static struct queue_import *
begin(struct queue *q, int atomic)
{
	struct queue_import	*imp = NULL;
	char			*cause = NULL;

	if (queue_import_begin(q, "op", atomic, &imp, &cause) != 0) {
		print_error("queue_import_begin: %s\n", cause);
		free(cause);
		fail();
	}
	assert_non_null(imp);
	return (imp);
}

static void
line_ok(struct queue_import *imp, const char *file, uint64_t lineno,
    const char *line)
{
	char	*cause = NULL;

	if (queue_import_line(imp, file, lineno, line, strlen(line),
	    &cause) != 0) {
		print_error("line %llu: %s\n", (unsigned long long)lineno,
		    cause);
		free(cause);
		fail();
	}
	assert_null(cause);
}

/* The line must be refused with want in the message. */
static void
line_refused(struct queue_import *imp, const char *file, uint64_t lineno,
    const char *line, const char *want)
{
	char	*cause = NULL;

	assert_int_equal(queue_import_line(imp, file, lineno, line,
	    strlen(line), &cause), EX_DATAERR);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("message \"%s\" lacks \"%s\"\n", cause, want);
		free(cause);
		fail();
	}
	free(cause);
}

static void
finish_ok(struct queue_import *imp, struct queue_import_counts *c,
    int64_t *batch)
{
	char	*cause = NULL;

	if (queue_import_finish(imp, c, batch, &cause) != 0) {
		print_error("queue_import_finish: %s\n", cause);
		free(cause);
		fail();
	}
	queue_import_free(imp);
}

/* Imports every line of lines[] from file as one run. */
static void
import_all(struct queue *q, const char *file, struct queue_import_counts *c,
    int64_t *batch)
{
	struct queue_import	*imp = begin(q, 1);
	size_t			 i;

	for (i = 0; i < NLINES; i++)
		line_ok(imp, file, i + 1, lines[i]);
	finish_ok(imp, c, batch);
}

/* An item's priority to four places, as text. */
#define PRIORITY TU_SQL("printf('%.4f', priority)", \
	"CAST(round(CAST(priority AS numeric), 4) AS text)")

static int64_t
count(struct fixture *f, const char *sql)
{
	return (tu_sql_int(f->db.path, sql));
}

static void
assert_text(struct fixture *f, const char *sql, const char *want)
{
	char	*s = tu_sql_text(f->db.path, sql);

	if (s == NULL || strcmp(s, want) != 0) {
		print_error("%s: \"%s\" is not \"%s\"\n", sql,
		    s != NULL ? s : "(null)", want);
		free(s);
		fail();
	}
	free(s);
}

/* What an unchanged database must still show. */
struct snapshot {
	int64_t	items, batches, flags, spans, events;
	char	head[65];
};

static void
snap(struct fixture *f, struct snapshot *s)
{
	char	*cause = NULL;

	s->items = count(f, "SELECT count(*) FROM items");
	s->batches = count(f, "SELECT count(*) FROM batches");
	s->flags = count(f, "SELECT count(*) FROM flags");
	s->spans = count(f, "SELECT count(*) FROM spans");
	assert_int_equal(queue_audit_head(f->q, &s->events, s->head, &cause),
	    0);
}

static void
assert_unchanged(struct fixture *f, const struct snapshot *before)
{
	struct snapshot	now;

	snap(f, &now);
	assert_int_equal(now.items, before->items);
	assert_int_equal(now.batches, before->batches);
	assert_int_equal(now.flags, before->flags);
	assert_int_equal(now.spans, before->spans);
	assert_int_equal(now.events, before->events);
	assert_string_equal(now.head, before->head);
}

static void
test_import_counts_imported_queued_and_auto(void **state)
{
	struct fixture			*f = *state;
	struct queue_import_counts	 c;
	int64_t				 batch = 0;

	import_all(f->q, "demo.jsonl", &c, &batch);
	assert_int_equal(c.lines, 4);
	assert_int_equal(c.imported, 4);
	assert_int_equal(c.queued, 2);
	assert_int_equal(c.auto_decided, 2);
	assert_int_equal(c.duplicates, 0);
	assert_int_equal(c.invalid, 0);
	assert_true(batch > 0);
	assert_int_equal(count(f, "SELECT count(*) FROM items"), 4);
}

static void
test_items_have_state_priority_and_top_type(void **state)
{
	struct fixture	*f = *state;

	import_all(f->q, "demo.jsonl", NULL, NULL);
	/* 3 x 0.96 for bias.age; 2 x 0.6 for the ambiguous PERSON. */
	assert_text(f, "SELECT state || ' ' || " PRIORITY " || "
	    "' ' || top_type FROM items WHERE ext_id = 'out-1'",
	    "queued 2.8800 bias.age");
	assert_text(f, "SELECT state || ' ' || " PRIORITY " "
	    "FROM items WHERE ext_id = 'out-2'", "auto 0.0000");
	assert_text(f, "SELECT state || ' ' || " PRIORITY " || "
	    "' ' || top_type FROM items WHERE ext_id = 'anon-1'",
	    "queued 1.2000 PERSON");
	assert_text(f, "SELECT state || ' ' || " PRIORITY " "
	    "FROM items WHERE ext_id = 'anon-2'", "auto 0.0000");
	assert_text(f, "SELECT kind FROM items WHERE ext_id = 'anon-2'",
	    "anonymization");
	/* Where each came from, and under which policy. */
	assert_text(f, "SELECT src_file || ':' || src_line || ' v' || "
	    "policy_version || ' ' || imported_at FROM items WHERE "
	    "ext_id = 'anon-1'", "demo.jsonl:3 v1 " NOW_TEXT);
	assert_text(f, "SELECT source_model || '/' || source_pipeline || ' ' "
	    "|| created_at || ' ' || prompt FROM items WHERE ext_id = 'out-1'",
	    "hr-assistant-1/hr-faq 2026-11-25T03:22:07Z Can I apply?");
	assert_text(f, "SELECT text FROM items WHERE ext_id = 'anon-1'",
	    "Zo\xc3\xab lives in Z\xc3\xbcrich.");
	/* Queue order follows the input. */
	assert_int_equal(count(f, "SELECT count(*) FROM items a, items b "
	    "WHERE a.src_line < b.src_line AND a.seq >= b.seq"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM items WHERE "
	    "spot_check != 0"), 0);
}

static void
test_flags_and_spans_are_stored_with_code_point_offsets(void **state)
{
	struct fixture	*f = *state;
	char		*rows;

	import_all(f->q, "demo.jsonl", NULL, NULL);
	rows = tu_sql_rows(f->db.path, "SELECT f.idx, f.type, f.score, "
	    "f.detector, f.start_cp, f.end_cp FROM flags f JOIN items i ON "
	    "i.id = f.item_id WHERE i.ext_id = 'out-1' ORDER BY f.idx");
	assert_string_equal(rows, "0|bias.age|0.96|bias-clf|0|18\n"
	    "1|policy.legal_advice|0.33|NULL|NULL|NULL\n");
	free(rows);
	/* After the emoji: code points, not bytes (12 to 16). */
	rows = tu_sql_rows(f->db.path, "SELECT f.type, f.start_cp, f.end_cp "
	    "FROM flags f JOIN items i ON i.id = f.item_id WHERE "
	    "i.ext_id = 'out-2'");
	assert_string_equal(rows, "toxicity|9|13\n");
	free(rows);

	rows = tu_sql_rows(f->db.path, "SELECT s.idx, s.entity_type, "
	    "s.start_cp, s.end_cp, s.triage, s.recognizer FROM spans s JOIN "
	    "items i ON i.id = s.item_id WHERE i.ext_id = 'anon-1' "
	    "ORDER BY s.idx");
	assert_string_equal(rows,
	    "0|PERSON|0|3|ambiguous|SpacyRecognizer\n"
	    "1|DATE_TIME|4|9|rejected|NULL\n"
	    "2|LOCATION|13|19|accepted|NULL\n");
	free(rows);
	assert_text(f, "SELECT s.explanation FROM spans s JOIN items i ON "
	    "i.id = s.item_id WHERE i.ext_id = 'anon-1' AND s.idx = 0",
	    "{\"score\":0.6}");
	rows = tu_sql_rows(f->db.path, "SELECT s.triage, s.recognizer FROM "
	    "spans s JOIN items i ON i.id = s.item_id WHERE "
	    "i.ext_id = 'anon-2'");
	assert_string_equal(rows, "accepted|PhoneRecognizer\n");
	free(rows);
	assert_int_equal(count(f, "SELECT count(*) FROM flags"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM spans"), 4);
}

static void
test_raw_column_is_byte_identical_to_the_line(void **state)
{
	struct fixture	*f = *state;
	char		 sql[128], *raw;
	size_t		 i;

	import_all(f->q, "demo.jsonl", NULL, NULL);
	for (i = 0; i < NLINES; i++) {
		snprintf(sql, sizeof sql, "SELECT raw FROM items WHERE "
		    "src_line = %zu", i + 1);
		raw = tu_sql_text(f->db.path, sql);
		assert_non_null(raw);
		assert_int_equal(strlen(raw), strlen(lines[i]));
		assert_memory_equal(raw, lines[i], strlen(lines[i]));
		free(raw);
		snprintf(sql, sizeof sql, "SELECT %s FROM items WHERE "
		    "src_line = %zu", TU_SQL("length(CAST(raw AS BLOB))",
		    "octet_length(raw)"), i + 1);
		assert_int_equal(count(f, sql), strlen(lines[i]));
	}
}

static void
test_reimport_counts_duplicates_and_adds_nothing(void **state)
{
	struct fixture			*f = *state;
	struct queue_import_counts	 c;
	int64_t				 b1 = 0, b2 = 0;

	import_all(f->q, "demo.jsonl", NULL, &b1);
	import_all(f->q, "demo.jsonl", &c, &b2);
	assert_int_equal(c.lines, 4);
	assert_int_equal(c.imported, 0);
	assert_int_equal(c.queued, 0);
	assert_int_equal(c.auto_decided, 0);
	assert_int_equal(c.duplicates, 4);
	assert_int_equal(c.invalid, 0);
	assert_true(b2 > b1);
	assert_int_equal(count(f, "SELECT count(*) FROM items"), 4);
	assert_int_equal(count(f, "SELECT count(*) FROM flags"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM spans"), 4);
	/* The items still say they came from the first batch. */
	assert_int_equal(count(f, "SELECT count(DISTINCT batch_id) FROM "
	    "items"), 1);
	assert_int_equal(count(f, "SELECT batch_id FROM items LIMIT 1"), b1);
}

static void
test_duplicate_line_within_one_run_is_counted_once(void **state)
{
	struct fixture			*f = *state;
	struct queue_import		*imp;
	struct queue_import_counts	 c;

	imp = begin(f->q, 1);
	line_ok(imp, "a.jsonl", 1, lines[0]);
	line_ok(imp, "a.jsonl", 2, lines[0]);
	finish_ok(imp, &c, NULL);
	assert_int_equal(c.imported, 1);
	assert_int_equal(c.duplicates, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM items"), 1);
}

static void
test_conflicting_id_names_earlier_file_line_batch(void **state)
{
	struct fixture			*f = *state;
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	char				 want[160];
	int64_t				 b1 = 0;

	import_all(f->q, "first.jsonl", NULL, &b1);
	snprintf(want, sizeof want, "id \"anon-2\" was already imported from "
	    "first.jsonl line 4 (batch %lld) with different content",
	    (long long)b1);

	imp = begin(f->q, 0);
	line_refused(imp, "second.jsonl", 7, "{\"id\": \"anon-2\", \"kind\": "
	    "\"anonymization\", \"text\": \"Call me.\", \"spans\": []}", want);
	finish_ok(imp, &c, NULL);
	assert_int_equal(c.invalid, 1);
	assert_int_equal(c.imported, 0);
	assert_text(f, "SELECT text FROM items WHERE ext_id = 'anon-2'",
	    "Call +33 7 55 50 44 21.");
	/* The same record with other whitespace is other content too. */
	imp = begin(f->q, 1);
	line_refused(imp, "third.jsonl", 1, "{\"id\":\"anon-2\",\"kind\":"
	    "\"anonymization\",\"text\":\"Call +33 7 55 50 44 21.\",\"spans\":"
	    "[{\"entity_type\":\"PHONE_NUMBER\",\"start\":5,\"end\":22,"
	    "\"score\":0.95,\"recognition_metadata\":{\"recognizer_name\":"
	    "\"PhoneRecognizer\"}}]}", "first.jsonl line 4");
	queue_import_free(imp);
}

static void
test_conflicting_id_in_one_run_names_earlier_line(void **state)
{
	struct fixture		*f = *state;
	struct queue_import	*imp;

	imp = begin(f->q, 0);
	line_ok(imp, "a.jsonl", 1, lines[0]);
	line_refused(imp, "a.jsonl", 2, "{\"id\": \"out-1\", \"kind\": "
	    "\"model_output\", \"response\": \"other\"}", "a.jsonl line 1");
	queue_import_free(imp);
}

static void
test_atomic_run_with_an_invalid_line_changes_nothing(void **state)
{
	struct fixture			*f = *state;
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	struct snapshot			 before;
	char				*cause = NULL;
	int64_t				 batch = -1;

	/* Something already stored, so "unchanged" is not just "empty". */
	imp = begin(f->q, 1);
	line_ok(imp, "old.jsonl", 1, lines[3]);
	finish_ok(imp, NULL, NULL);
	snap(f, &before);

	imp = begin(f->q, 1);
	line_ok(imp, "new.jsonl", 1, lines[0]);
	line_ok(imp, "new.jsonl", 2, lines[1]);
	line_refused(imp, "new.jsonl", 3, invalid_line,
	    "flags[0].score 1.5 is outside [0, 1]");
	line_ok(imp, "new.jsonl", 4, lines[2]);
	assert_int_equal(queue_import_finish(imp, &c, &batch, &cause),
	    EX_DATAERR);
	assert_string_equal(cause, "nothing was imported: 1 of 4 lines are "
	    "invalid (fix them, or use --skip-invalid)");
	free(cause);
	queue_import_free(imp);
	assert_int_equal(c.lines, 4);
	assert_int_equal(c.invalid, 1);
	assert_int_equal(batch, -1);
	assert_unchanged(f, &before);
	assert_int_equal(count(f, "SELECT count(*) FROM items WHERE ext_id "
	    "IN ('out-1', 'out-2', 'anon-1')"), 0);

	/* The connection is usable: a clean run afterwards goes through. */
	import_all(f->q, "new.jsonl", &c, NULL);
	assert_int_equal(c.imported, 3);
	assert_int_equal(c.duplicates, 1);
}

static void
test_atomic_run_with_a_conflicting_id_changes_nothing(void **state)
{
	struct fixture		*f = *state;
	struct queue_import	*imp;
	struct snapshot		 before;
	char			*cause = NULL;

	imp = begin(f->q, 1);
	line_ok(imp, "old.jsonl", 1, lines[0]);
	finish_ok(imp, NULL, NULL);
	snap(f, &before);

	imp = begin(f->q, 1);
	line_ok(imp, "new.jsonl", 1, lines[2]);
	line_refused(imp, "new.jsonl", 2, "{\"id\": \"out-1\", \"kind\": "
	    "\"model_output\", \"response\": \"other\"}", "old.jsonl line 1");
	assert_int_equal(queue_import_finish(imp, NULL, NULL, &cause),
	    EX_DATAERR);
	free(cause);
	queue_import_free(imp);
	assert_unchanged(f, &before);
}

static void
test_non_atomic_run_imports_valid_lines_and_counts_invalid(void **state)
{
	struct fixture			*f = *state;
	struct queue_import		*imp;
	struct queue_import_counts	 c;
	int64_t				 batch = 0;

	imp = begin(f->q, 0);
	line_ok(imp, "mixed.jsonl", 1, lines[0]);
	line_refused(imp, "mixed.jsonl", 2, invalid_line, "flags[0].score");
	line_refused(imp, "mixed.jsonl", 3, "{\"id\": \"x\"", "invalid JSON");
	queue_import_invalid(imp);	/* a line too long to read, say */
	line_ok(imp, "mixed.jsonl", 5, lines[2]);
	finish_ok(imp, &c, &batch);
	assert_int_equal(c.lines, 5);
	assert_int_equal(c.imported, 2);
	assert_int_equal(c.queued, 2);
	assert_int_equal(c.invalid, 3);
	assert_int_equal(count(f, "SELECT count(*) FROM items"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM items WHERE "
	    "ext_id = 'bad-1'"), 0);
	assert_text(f, "SELECT lines || ' ' || imported || ' ' || invalid "
	    "FROM batches ORDER BY id DESC LIMIT 1", "5 2 3");
}

static void
test_free_without_finish_stores_nothing(void **state)
{
	struct fixture		*f = *state;
	struct queue_import	*imp;
	struct snapshot		 before;

	snap(f, &before);
	imp = begin(f->q, 1);
	line_ok(imp, "a.jsonl", 1, lines[0]);
	line_ok(imp, "a.jsonl", 2, lines[2]);
	queue_import_free(imp);
	assert_unchanged(f, &before);
	assert_int_equal(before.items, 0);
	assert_int_equal(before.batches, 0);
	/* And a new run starts cleanly. */
	import_all(f->q, "a.jsonl", NULL, NULL);
	assert_int_equal(count(f, "SELECT count(*) FROM items"), 4);
}

static void
test_finished_import_records_batch_and_one_audit_event(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	 before, after;
	int64_t		 batch = 0;
	char		 sql[160];

	snap(f, &before);
	import_all(f->q, "demo.jsonl", NULL, &batch);
	snap(f, &after);
	assert_int_equal(after.batches, 1);
	snprintf(sql, sizeof sql, "SELECT operator || ' ' || files || ' ' || "
	    "lines || ' ' || imported || ' ' || queued || ' ' || auto_decided "
	    "|| ' ' || policy_version FROM batches WHERE id = %lld",
	    (long long)batch);
	assert_text(f, sql, "op [\"demo.jsonl\"] 4 4 2 2 1");
	snprintf(sql, sizeof sql, "SELECT started_at || ' ' || finished_at "
	    "|| ' ' || length(content_sha256) FROM batches WHERE id = %lld",
	    (long long)batch);
	assert_text(f, sql, NOW_TEXT " " NOW_TEXT " 64");

	assert_int_equal(after.events, before.events + 1);
	assert_string_not_equal(after.head, before.head);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE "
	    "event = 'import'"), 1);
	assert_text(f, "SELECT actor || ' ' || at FROM audit WHERE "
	    "event = 'import'", "op " NOW_TEXT);
	{
		char want[64];

		snprintf(want, sizeof want, "%lld 4", (long long)batch);
		assert_text(f, TU_SQL("SELECT json_extract(body, "
		    "'$.data.batch') || ' ' || json_extract(body, "
		    "'$.data.imported') FROM audit WHERE event = 'import'",
		    "SELECT (CAST(body AS json) #>> '{data,batch}') || ' ' || "
		    "(CAST(body AS json) #>> '{data,imported}') FROM audit "
		    "WHERE event = 'import'"), want);
	}
}

static void
test_stats_count_items_by_kind_and_state(void **state)
{
	struct fixture		*f = *state;
	struct queue_stats	 s;
	struct queue_import	*imp;
	char			*cause = NULL;

	import_all(f->q, "demo.jsonl", NULL, NULL);
	imp = begin(f->q, 0);
	line_ok(imp, "more.jsonl", 1, "{\"id\": \"out-3\", \"kind\": "
	    "\"model_output\", \"response\": \"fine\"}");
	finish_ok(imp, NULL, NULL);

	assert_int_equal(queue_stats(f->q, 10, &s, &cause), 0);
	assert_int_equal(s.counts[QUEUE_KIND_MODEL_OUTPUT][QUEUE_STATE_QUEUED],
	    1);
	assert_int_equal(s.counts[QUEUE_KIND_MODEL_OUTPUT][QUEUE_STATE_AUTO],
	    2);
	assert_int_equal(
	    s.counts[QUEUE_KIND_ANONYMIZATION][QUEUE_STATE_QUEUED], 1);
	assert_int_equal(s.counts[QUEUE_KIND_ANONYMIZATION][QUEUE_STATE_AUTO],
	    1);
	assert_int_equal(
	    s.counts[QUEUE_KIND_ANONYMIZATION][QUEUE_STATE_DECIDED], 0);
	assert_int_equal(s.total, 5);
	assert_int_equal(s.policy_version, 1);
	assert_string_equal(s.policy_name, "import-test");
	assert_int_equal(s.oldest_queued, NOW);
	assert_non_null(s.oldest_item);
	assert_int_equal(s.oldest_waiting, 0);
	/* Newest batch first. */
	assert_int_equal(s.nbatches, 2);
	assert_int_equal(s.batches[0].imported, 1);
	assert_int_equal(s.batches[0].auto_decided, 1);
	assert_string_equal(s.batches[0].files, "[\"more.jsonl\"]");
	assert_int_equal(s.batches[1].imported, 4);
	assert_int_equal(s.batches[1].queued, 2);
	assert_string_equal(s.batches[1].operator, "op");
	assert_true(s.batches[0].id > s.batches[1].id);
	queue_stats_done(&s);

	assert_int_equal(queue_stats(f->q, 1, &s, &cause), 0);
	assert_int_equal(s.nbatches, 1);
	queue_stats_done(&s);
}

#if TU_PG
/*
 * A bulk import gives the connection's synchronous_commit back as the
 * database sets it (remote_write, say, beside a standby), not as "on".
 */
static void
test_bulk_import_gives_back_the_commit_setting(void **state)
{
	struct fixture			*f = *state;
	struct queue_import_counts	 c;
	struct store_stmt		*st;
	struct queue			*q = NULL;
	char				*cause = NULL, sql[256];

	snprintf(sql, sizeof sql, "ALTER DATABASE %s SET synchronous_commit "
	    "= remote_write", f->db.name);
	tu_pg_admin(sql);
	assert_int_equal(tu_open(&f->db, 0, &q, &cause), 0);
	queue_set_now(q, NOW);
	import_all(q, "bulk.jsonl", &c, NULL);
	assert_int_equal(c.imported, NLINES);
	st = store_stmt(q, "SELECT current_setting('synchronous_commit')",
	    &cause);
	assert_non_null(st);
	assert_int_equal(store_step(st, "test", &cause), STORE_ROW);
	assert_string_equal(store_text(st, 0), "remote_write");
	store_reset(st);
	queue_close(q);
}
#endif

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_import_counts_imported_queued_and_auto),
		T(test_items_have_state_priority_and_top_type),
		T(test_flags_and_spans_are_stored_with_code_point_offsets),
		T(test_raw_column_is_byte_identical_to_the_line),
		T(test_reimport_counts_duplicates_and_adds_nothing),
		T(test_duplicate_line_within_one_run_is_counted_once),
		T(test_conflicting_id_names_earlier_file_line_batch),
		T(test_conflicting_id_in_one_run_names_earlier_line),
		T(test_atomic_run_with_an_invalid_line_changes_nothing),
		T(test_atomic_run_with_a_conflicting_id_changes_nothing),
		T(test_non_atomic_run_imports_valid_lines_and_counts_invalid),
		T(test_free_without_finish_stores_nothing),
		T(test_finished_import_records_batch_and_one_audit_event),
		T(test_stats_count_items_by_kind_and_state),
#if TU_PG
		T(test_bulk_import_gives_back_the_commit_setting),
#endif
	};

	tu_backend_start();
	return (cmocka_run_group_tests_name("import (" TU_BACKEND ")",
	    tests, group_setup, tu_group_db_free));
}
