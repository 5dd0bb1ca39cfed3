/*
 * Unit tests for export/place.c: what -o names, a run's files written under
 * temporaries and renamed into place, and a layout's directory, written
 * into only when it holds nothing but that layout's files.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "place.h"

static const char *const layout_names[] = {
	"train.jsonl", "test.jsonl", "README.md", "manifest.json", NULL
};

/* Each test in a new directory of its own, removed after it. */
static int
setup(void **state)
{
	char *dir;

	dir = strdup("/tmp/hitl-test-place.XXXXXX");
	if (dir == NULL || mkdtemp(dir) == NULL || chdir(dir) != 0)
		return (-1);
	*state = dir;
	return (0);
}

static int
teardown(void **state)
{
	char	*dir = *state, cmd[128];
	int	 rc;

	if (chdir("/") != 0)
		return (-1);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	rc = system(cmd);
	free(dir);
	return (rc == 0 ? 0 : -1);
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
get(const char *path)
{
	static char	 buf[256];
	FILE		*f = fopen(path, "r");
	size_t		 n;

	if (f == NULL)
		return (NULL);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

/* The names in a directory, sorted, space-separated. */
static char *
names(const char *dir)
{
	static char	  out[512];
	struct dirent	**v;
	int		  n, i;

	out[0] = '\0';
	n = scandir(dir, &v, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (v[i]->d_name[0] != '.' || (strcmp(v[i]->d_name, ".") != 0 &&
		    strcmp(v[i]->d_name, "..") != 0))
			snprintf(out + strlen(out), sizeof out - strlen(out),
			    "%s%s", out[0] != '\0' ? " " : "", v[i]->d_name);
		free(v[i]);
	}
	free(v);
	return (out);
}

static void
target_is(const char *path, int dir_ok, int want_rc, enum export_target want)
{
	enum export_target	 t;
	char			*cause = NULL;
	int			 rc;

	rc = export_target_of(path, dir_ok, &t, &cause);
	assert_int_equal(rc, want_rc);
	if (rc == 0)
		assert_int_equal(t, want);
	else
		assert_non_null(cause);
	free(cause);
}

static void
test_targets(void **state)
{
	(void)state;
	target_is("new.jsonl", 0, 0, EXPORT_TARGET_FILE);
	put("old.jsonl", "old\n");
	target_is("old.jsonl", 0, 0, EXPORT_TARGET_FILE);
	target_is("/dev/null", 0, 0, EXPORT_TARGET_PREVIEW);
	assert_int_equal(mkfifo("fifo", 0600), 0);
	target_is("fifo", 0, 0, EXPORT_TARGET_PREVIEW);
	/* A link to a device is written through; any other link refused. */
	assert_int_equal(symlink("/dev/null", "null-link"), 0);
	target_is("null-link", 0, 0, EXPORT_TARGET_PREVIEW);
	assert_int_equal(symlink("old.jsonl", "file-link"), 0);
	target_is("file-link", 0, EX_CANTCREAT, 0);
	assert_int_equal(symlink("nowhere", "dangling"), 0);
	target_is("dangling", 0, EX_CANTCREAT, 0);
	assert_int_equal(mkdir("dir", 0700), 0);
	target_is("dir", 0, EX_CANTCREAT, 0);
	target_is("dir/", 0, EX_CANTCREAT, 0);
	/* A layout writes a directory, new or existing, never a file. */
	target_is("dir", 1, 0, EXPORT_TARGET_DIR);
	target_is("new-dir", 1, 0, EXPORT_TARGET_DIR);
	target_is("old.jsonl", 1, EX_CANTCREAT, 0);
	assert_int_equal(symlink("dir", "dir-link"), 0);
	target_is("dir-link", 1, EX_CANTCREAT, 0);
	assert_string_equal(get("old.jsonl"), "old\n");
}

static void
test_two_files_placed(void **state)
{
	struct export_files		*fs;
	const struct queue_export_file	*p;
	FILE				*f;
	char				*cause = NULL;
	size_t				 n;

	(void)state;
	put("out.jsonl", "old\n");
	assert_int_equal(export_files_new(NULL, NULL, &fs, &cause), 0);
	assert_int_equal(export_files_add(fs, "out.jsonl", &f, &cause), 0);
	fputs("new\n", f);
	assert_int_equal(export_files_add(fs, "out.jsonl.manifest.json", &f,
	    &cause), 0);
	fputs("{}\n", f);
	assert_int_equal(export_files_ready(fs, &cause), 0);
	/* Recorded as absolute names, the temporary beside its destination. */
	p = export_files_pairs(fs, &n);
	assert_int_equal(n, 2);
	assert_true(p[0].dest[0] == '/');
	assert_int_equal(strlen(p[0].tmp), strlen(p[0].dest) + 11);
	assert_memory_equal(p[0].tmp, p[0].dest, strlen(p[0].dest));
	assert_string_equal(get("out.jsonl"), "old\n");
	assert_int_equal(export_files_place(fs, &cause), 0);
	assert_null(cause);
	export_files_free(fs);
	assert_string_equal(get("out.jsonl"), "new\n");
	assert_string_equal(get("out.jsonl.manifest.json"), "{}\n");
	assert_string_equal(names("."), "out.jsonl out.jsonl.manifest.json");
}

static void
test_discarded_files_leave_nothing(void **state)
{
	struct export_files	*fs;
	FILE			*f;
	char			*cause = NULL;

	(void)state;
	put("out.jsonl", "old\n");
	assert_int_equal(export_files_new(NULL, NULL, &fs, &cause), 0);
	assert_int_equal(export_files_add(fs, "out.jsonl", &f, &cause), 0);
	fputs("new\n", f);
	export_files_discard(fs);
	export_files_free(fs);
	assert_string_equal(names("."), "out.jsonl");
	assert_string_equal(get("out.jsonl"), "old\n");
}

static void
test_link_at_a_destination_refused(void **state)
{
	struct export_files	*fs;
	FILE			*f;
	char			*cause = NULL;

	(void)state;
	put("target", "precious\n");
	assert_int_equal(symlink("target", "out.jsonl.manifest.json"), 0);
	assert_int_equal(export_files_new(NULL, NULL, &fs, &cause), 0);
	assert_int_equal(export_files_add(fs, "out.jsonl", &f, &cause), 0);
	assert_int_equal(export_files_add(fs, "out.jsonl.manifest.json", &f,
	    &cause), EX_CANTCREAT);
	assert_non_null(strstr(cause, "is a symbolic link"));
	free(cause);
	export_files_discard(fs);
	export_files_free(fs);
	assert_string_equal(names("."), "out.jsonl.manifest.json target");
	assert_string_equal(get("target"), "precious\n");
}

/* A layout's files into a directory: made, then replaced into. */
static void
layout_write(const char *dir, const char *text, int want_rc)
{
	struct export_files	*fs;
	FILE			*f;
	char			*cause = NULL;
	size_t			 n;

	assert_int_equal(export_files_new(dir, layout_names, &fs, &cause),
	    want_rc);
	if (want_rc != 0) {
		assert_non_null(cause);
		free(cause);
		export_files_discard(fs);
		export_files_free(fs);
		return;
	}
	assert_int_equal(export_files_add(fs, "train.jsonl", &f, &cause), 0);
	fputs(text, f);
	assert_int_equal(export_files_add(fs, "README.md", &f, &cause), 0);
	fputs("# card\n", f);
	assert_int_equal(export_files_ready(fs, &cause), 0);
	(void)export_files_pairs(fs, &n);
	assert_int_equal(n, 2);
	assert_int_equal(export_files_place(fs, &cause), 0);
	export_files_free(fs);
}

static void
test_layout_directory(void **state)
{
	struct stat sb;

	(void)state;
	layout_write("ds", "one\n", 0);
	assert_int_equal(stat("ds", &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_string_equal(names("ds"), "README.md train.jsonl");
	/* Its own files: replaced. */
	layout_write("ds", "two\n", 0);
	assert_string_equal(get("ds/train.jsonl"), "two\n");
	/* Anything else in it: refused, and left as it was. */
	put("ds/notes.txt", "mine\n");
	layout_write("ds", "three\n", EX_CANTCREAT);
	assert_string_equal(get("ds/train.jsonl"), "two\n");
	assert_string_equal(names("ds"), "README.md notes.txt train.jsonl");
	/* One of its names as a link: refused. */
	assert_int_equal(mkdir("ds2", 0700), 0);
	assert_int_equal(symlink("/etc/passwd", "ds2/test.jsonl"), 0);
	layout_write("ds2", "four\n", EX_CANTCREAT);
	assert_string_equal(names("ds2"), "test.jsonl");
}

static void
test_layout_discarded_removes_its_directory(void **state)
{
	struct export_files	*fs;
	FILE			*f;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(export_files_new("ds", layout_names, &fs, &cause), 0);
	assert_int_equal(export_files_add(fs, "train.jsonl", &f, &cause), 0);
	export_files_discard(fs);
	export_files_free(fs);
	assert_string_equal(names("."), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_files_placed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_discarded_files_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_link_at_a_destination_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_directory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_layout_discarded_removes_its_directory, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
