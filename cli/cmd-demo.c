/*
 * hitl demo: seed a database with the example policy and demo queue, then
 * show it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "tui.h"
#include "xmalloc.h"

static int cmd_demo_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_demo_options[] = {
	{ "examples", required_argument, NULL, 'e' },
	{ "reset", no_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[--examples DIR] [--reset]",
	.summary = "seed a demo database from the examples and open it",
	.help =
	    "Creates the database (see --db) from DIR/policy.json and\n"
	    "DIR/demo.jsonl (DIR defaults to the installed examples), prints\n"
	    "its status and, on a terminal, opens the review console on it.\n"
	    "An existing database is kept unless --reset is given, which\n"
	    "deletes it first: only a database hitl demo made, never the\n"
	    "shared database of a shared install.",
	.args = { "e:r", 0, 0 },
	.longopts = cmd_demo_options,
	.exec = cmd_demo_exec,
};


/*
 * Whether there is a database to keep: the file, or a server's queue (a
 * server's database is there before hitl makes its queue in it).
 */
static int
demo_exists(const char *path)
{
	struct queue	*q;
	char		*cause = NULL;

	if (!queue_names_server(path))
		return (access(path, F_OK) == 0);
	if (queue_open(path, 0, &q, &cause) != 0) {
		free(cause);
		return (0);
	}
	queue_close(q);
	return (1);
}

/*
 * Deletes a demo database and its -wal and -shm (its key goes when the
 * next one is made); refuses anything hitl demo did not make (check), and
 * a server's queue, which only the owner of its schema may drop.
 */
static int
demo_reset(const char *path, int check)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", NULL };
	const struct cmd_entry	*e = &cmd_demo_entry;
	const char *const	*s;
	struct queue		*q;
	char			*name, *cause = NULL;
	int			 rc, demo;

	if (check && demo_exists(path)) {
		if ((rc = queue_open(path, 0, &q, &cause)) != 0) {
			name = cause;
			xasprintf(&cause, "will not delete %s: %s", path,
			    name);
			free(name);
			return (cmd_fail(e, rc, cause));
		}
		demo = queue_is_demo(q);
		queue_close(q);
		if (!demo) {
			xasprintf(&cause, "will not delete %s: hitl demo did "
			    "not make it (--reset deletes only a demo "
			    "database); name another with --db", path);
			return (cmd_fail(e, EX_NOPERM, cause));
		}
		if (queue_names_server(path)) {
			xasprintf(&cause, "will not delete %s: --reset deletes "
			    "a file; a server's demo queue goes when the owner "
			    "of its schema drops it (DROP SCHEMA hitl CASCADE)",
			    path);
			return (cmd_fail(e, EX_USAGE, cause));
		}
	}
	for (s = suffixes; *s != NULL; s++) {
		xasprintf(&name, "%s%s", path, *s);
		if (unlink(name) != 0 && errno != ENOENT) {
			cmd_line(stderr, "hitl demo: cannot remove %s: %s",
			    name, strerror(errno));
			free(name);
			return (EX_CANTCREAT);
		}
		free(name);
	}
	return (0);
}

/*
 * The example files a demo is seeded from can be read; when the installed
 * ones are missing (a build run from its tree), say where to point.
 */
static int
demo_examples(const char *dir)
{
	static const char *const names[] = { "policy.json", "demo.jsonl" };
	char	*path;
	size_t	 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if (access(path, R_OK) != 0) {
			cmd_line(stderr, "hitl demo: cannot open %s: %s%s",
			    path, strerror(errno), strcmp(dir,
			    HITL_EXAMPLES_DIR) == 0 ? " (the installed "
			    "examples; not installed yet, pass --examples "
			    "DIR, e.g. --examples examples in the source "
			    "tree)" : "");
			free(path);
			return (EX_NOINPUT);
		}
		free(path);
	}
	return (0);
}

static int
demo_seed(struct cmd_ctx *ctx, struct queue *q, const char *dir)
{
	const struct cmd_entry		*e = &cmd_demo_entry;
	struct queue_import		*imp = NULL;
	struct queue_import_counts	 c;
	FILE				*f;
	char				*path, *line = NULL, *cause = NULL;
	char				 a[32], b[32];
	size_t				 cap = 0;
	ssize_t				 n;
	uint64_t			 lineno = 0;
	int				 rc;

	xasprintf(&path, "%s/policy.json", dir);
	rc = cmd_policy_load_file(ctx, e, q, path);
	free(path);
	if (rc != 0)
		return (rc);
	xasprintf(&path, "%s/demo.jsonl", dir);
	if ((f = fopen(path, "r")) == NULL) {
		cmd_line(stderr, "hitl demo: cannot open %s: %s", path,
		    strerror(errno));
		free(path);
		return (EX_NOINPUT);
	}
	if ((rc = queue_import_begin(q, cmd_login(), 1, &imp, &cause)) != 0)
		goto out;
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((rc = queue_import_line(imp, path, lineno, line,
		    (size_t)n, &cause)) != 0)
			goto out;
	}
	if ((rc = queue_import_finish(imp, &c, NULL, &cause)) != 0)
		goto out;
	printf("demo queue: imported %s items, %s of them waiting for "
	    "review\n\n", cmd_count(c.imported, a), cmd_count(c.queued, b));
	rc = cmd_status_print(q, 0, &cause);
out:
	if (rc != 0 && cause != NULL)
		rc = cmd_fail(e, rc, cause);
	queue_import_free(imp);
	free(line);
	fclose(f);
	free(path);
	return (rc);
}

/*
 * The database is opened here, not by cmd_run: made (or first removed,
 * --reset) and seeded, once the examples are found.
 */
static int
cmd_demo_exec(struct cmd_ctx *ctx, struct cmd_args *args, struct queue *none)
{
	const struct cmd_entry	*e = &cmd_demo_entry;
	struct queue		*q;
	const char		*dir = HITL_EXAMPLES_DIR;
	char			*cause = NULL;
	int			 rc, reset = cmd_args_has(args, 'r') != 0;
	int			 existed;

	(void)none;
	if (cmd_args_has(args, 'e'))
		dir = cmd_args_get(args, 'e');
	/* The demo's clock and reviewers are no part of a shared record. */
	if (ctx->shared) {
		xasprintf(&cause, "the demo never uses the shared database: "
		    "name a database of your own with --db");
		return (cmd_fail(e, EX_NOPERM, cause));
	}
	if (reset && (rc = demo_reset(ctx->db_path, 1)) != 0)
		return (rc);
	existed = demo_exists(ctx->db_path);
	/*
	 * The examples must be there before a database is made: a server's
	 * queue, once made, is not removed again.
	 */
	if (!existed && (rc = demo_examples(dir)) != 0)
		return (rc);
	if ((rc = cmd_open(ctx, e, QUEUE_OPEN_CREATE | QUEUE_OPEN_DEMO,
	    &q)) != 0)
		return (rc);
	if (!existed) {
		/* A half-seeded demo would be kept and shown next time. */
		if ((rc = demo_seed(ctx, q, dir)) != 0) {
			cmd_close(q);
			demo_reset(ctx->db_path, 0);
			return (rc);
		}
	} else {
		cmd_line(stdout, "%s exists; showing it (--reset starts "
		    "afresh)", queue_path(q));
		putchar('\n');
		if ((rc = cmd_status_print(q, 0, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
	}
	/* On a terminal, the demo is the console itself. */
	if (rc == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct tui_options opt;

		memset(&opt, 0, sizeof opt);
		opt.db_label = queue_path(q);
		if ((rc = queue_set_actor(q, cmd_login(), ctx->reviewer,
		    &cause)) != 0 || (rc = tui_run(q, &opt, &cause)) != 0)
			rc = cmd_fail(e, rc, cause);
	}
	cmd_close(q);
	return (rc);
}
