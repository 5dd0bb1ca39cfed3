/*
 * hitl import: feed producers' JSON Lines into the queue, atomically unless
 * told to skip invalid lines, with a progress bar on a terminal.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "linereader.h"
#include "textsafe.h"
#include "xmalloc.h"

#define IMPORT_MAX_ERRORS	20
#define IMPORT_DEFAULT_MAX_LINE	(1024 * 1024)
/*
 * A line is stored twice (as sent, and its text), each below what the
 * stores take in one value (SQLite: 1e9 bytes; PostgreSQL: 1 GB).
 */
#define IMPORT_MAX_MAX_LINE	(256ULL * 1024 * 1024)
#define IMPORT_PROGRESS_MIN	(8 * 1024 * 1024)

static int cmd_import_check(const struct cmd_args *);
static int cmd_import_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_import_options[] = {
	{ "skip-invalid", no_argument, NULL, 's' },
	{ "rejects", required_argument, NULL, 'r' },
	{ "max-line", required_argument, NULL, 'm' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.usage = "[--skip-invalid] [--rejects FILE] [--max-line BYTES] "
	    "[--json] [--quiet] FILE...",
	.summary = "add producers' JSON Lines to the review queue",
	.help =
	    "Reads JSON Lines (- for standard input), validates every line and\n"
	    "triages it under the policy in force. By default the run is atomic:\n"
	    "one invalid line and nothing is imported (up to 20 errors are\n"
	    "listed, exit 65). With --skip-invalid the valid lines are imported\n"
	    "and the invalid ones written verbatim to the rejects file (default\n"
	    "hitl-rejects-TIME.jsonl). Re-importing an identical record counts\n"
	    "as a duplicate; the same id with other content is an error.",
	.args = { "sr:m:jq", 1, -1 },
	.longopts = cmd_import_options,
	.check = cmd_import_check,
	.exec = cmd_import_exec,
};

/*
 * An input as it was opened: a regular file is read where it is and must
 * not change while it is (its size and time of change are compared after);
 * anything else (a pipe, stdin from a terminal) is read to its end into a
 * private file first, so that no lock is held while a producer is slow.
 */
struct import_input {
	const char	*name;
	int		 fd;
	struct stat	 sb;
};

struct import_run {
	struct queue_import	*imp;
	int			 skip_invalid;
	const char		*rejects_path;
	char			*rejects_default;
	int			 rejects_fd;
	time_t			 now;		/* names the default file */
	size_t			 max_line;
	uint64_t		 errors;
	int			 quiet;
	int			 spill_rc;	/* writing an overlong line */
	char			*spill_cause;

	int			 progress;	/* on a terminal, large input */
	uint64_t		 total_bytes;	/* 0 if unknown */
	uint64_t		 done_bytes;	/* of finished files */
	double			 started;
	double			 last_draw;
};

static double
import_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
import_progress(struct import_run *run, struct linereader *lr, int final)
{
	struct queue_import_counts	c;
	double				now, rate, frac;
	uint64_t			bytes;
	char				n[32];

	if (!run->progress)
		return;
	now = import_clock();
	if (!final && now - run->last_draw < 0.2)
		return;
	run->last_draw = now;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	queue_import_counts(run->imp, &c);
	bytes = run->done_bytes + (lr != NULL ? linereader_offset(lr) : 0);
	rate = now > run->started ? (double)c.lines / (now - run->started) : 0;
	fprintf(stderr, "\r\033[K");
	if (run->total_bytes > 0) {
		frac = (double)bytes / (double)run->total_bytes;
		if (frac > 1)
			frac = 1;
		fprintf(stderr, "%3d%% %.1f of %.1f MB, %s lines, %.0f "
		    "lines/s", (int)(frac * 100), (double)bytes / 1e6,
		    (double)run->total_bytes / 1e6, cmd_count(c.lines, n),
		    rate);
		if (frac > 0.01 && frac < 1)
			fprintf(stderr, ", ETA %.0f s", (now - run->started) *
			    (1 - frac) / frac);
	} else
		fprintf(stderr, "%.1f MB, %s lines, %.0f lines/s",
		    (double)bytes / 1e6, cmd_count(c.lines, n), rate);
	fflush(stderr);
}

static int
import_open_rejects(struct import_run *run, char **cause)
{
	char		 stamp[32];
	time_t		 t;
	struct tm	 tm;
	const char	*path;
	int		 n;

	if ((path = run->rejects_path) != NULL) {
		/* Named by the user: appended to, never through a link. */
		run->rejects_fd = open(path, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
	} else {
		/* A new file, never one or a link someone placed there. */
		t = run->now;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		for (n = 1; n < 100 && run->rejects_fd == -1; n++) {
			free(run->rejects_default);
			if (n == 1)
				xasprintf(&run->rejects_default,
				    "hitl-rejects-%s.jsonl", stamp);
			else
				xasprintf(&run->rejects_default,
				    "hitl-rejects-%s-%d.jsonl", stamp, n);
			run->rejects_fd = open(run->rejects_default,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			    O_NOFOLLOW, 0600);
			if (run->rejects_fd == -1 && errno != EEXIST)
				break;
		}
		path = run->rejects_path = run->rejects_default;
	}
	if (run->rejects_fd == -1 || fchmod(run->rejects_fd, 0600) != 0) {
		xasprintf(cause, "cannot write rejects to %s: %s", path,
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	return (0);
}

/* Appends p[0..n) to the rejects file, which the first write opens. */
static int
import_write(struct import_run *run, const char *p, size_t n, char **cause)
{
	ssize_t	w;
	int	rc;

	if (run->rejects_fd == -1 && (rc = import_open_rejects(run,
	    cause)) != 0)
		return (rc);
	while (n > 0) {
		if ((w = write(run->rejects_fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			xasprintf(cause, "cannot write rejects to %s: %s",
			    run->rejects_path, w == 0 ? "nothing written" :
			    strerror(errno));
			return (EX_IOERR);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

static int
import_write_reject(struct import_run *run, const char *line, size_t len,
    char **cause)
{
	int rc;

	if ((rc = import_write(run, line, len, cause)) != 0)
		return (rc);
	return (import_write(run, "\n", 1, cause));
}

/*
 * A line past --max-line, as the reader reads it: written to the rejects
 * file whole, however long, without being held in memory. The reader then
 * reports the line as too long, and its "\n" is written after it.
 */
static int
import_spill(const char *p, size_t n, void *arg)
{
	struct import_run *run = arg;

	if (run->spill_rc == 0)
		run->spill_rc = import_write(run, p, n, &run->spill_cause);
	return (run->spill_rc == 0 ? 0 : -1);
}

static void
import_report(struct import_run *run, const char *file, uint64_t lineno,
    const char *msg)
{
	char *safe, *sfile;

	run->errors++;
	if (run->errors > IMPORT_MAX_ERRORS && !run->skip_invalid)
		return;
	if (run->quiet && run->skip_invalid)
		return;
	import_progress(run, NULL, 1);
	safe = textsafe_copy(msg, strlen(msg), 0, NULL);
	sfile = textsafe_copy(file, strlen(file), 0, NULL);
	fprintf(stderr, "hitl import: %s: line %llu: %s\n", sfile,
	    (unsigned long long)lineno, safe);
	free(sfile);
	free(safe);
}

static int
import_blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return (0);
	}
	return (1);
}

static int
import_file(struct import_run *run, const char *name, int fd, char **cause)
{
	struct linereader	*lr;
	const char		*line;
	char			*why = NULL, msg[160];
	size_t			 len;
	uint64_t		 lineno;
	int			 rc = 0, r, too_long;

	lr = linereader_new(fd, run->max_line, run->skip_invalid ?
	    import_spill : NULL, run);
	while ((r = linereader_next(lr, &line, &len, &too_long)) == 1) {
		lineno = linereader_lineno(lr);
		if ((rc = run->spill_rc) != 0) {
			*cause = run->spill_cause;
			run->spill_cause = NULL;
			break;
		}
		/*
		 * A UTF-8 byte order mark is not part of a record, on any
		 * line: files joined with cat carry one on each.
		 */
		if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0 &&
		    !too_long) {
			line += 3;
			len -= 3;
		}
		if (!too_long && import_blank(line, len))
			continue;	/* blank lines carry nothing */
		if (lineno == 1 && len >= 2 && (memcmp(line, "\xff\xfe", 2) ==
		    0 || memcmp(line, "\xfe\xff", 2) == 0)) {
			snprintf(msg, sizeof msg, "the file is UTF-16 (it "
			    "starts with a UTF-16 byte order mark); hitl reads "
			    "UTF-8: convert it with iconv -f UTF-16 -t UTF-8");
			queue_import_invalid(run->imp);
			import_report(run, name, lineno, msg);
			rc = EX_DATAERR;
		} else if (too_long) {
			snprintf(msg, sizeof msg, "line is %zu bytes, longer "
			    "than the limit of %zu (--max-line)", len,
			    run->max_line);
			queue_import_invalid(run->imp);
			import_report(run, name, lineno, msg);
			rc = EX_DATAERR;
		} else {
			rc = queue_import_line(run->imp, name, lineno, line,
			    len, &why);
			if (rc == EX_DATAERR)
				import_report(run, name, lineno, why);
			else if (rc != 0) {
				xasprintf(cause, "%s: line %llu: %s", name,
				    (unsigned long long)lineno, why);
				free(why);
				break;
			}
			free(why);
			why = NULL;
		}
		if (rc == EX_DATAERR) {
			/* An overlong line is in the file already, but "\n". */
			if (run->skip_invalid && (rc = too_long ?
			    import_write(run, "\n", 1, cause) :
			    import_write_reject(run, line, len, cause)) != 0)
				break;
			rc = 0;
			continue;
		}
		if ((lineno & 1023) == 0)
			import_progress(run, lr, 0);
	}
	if (r == -1) {
		xasprintf(cause, "cannot read %s: %s", name, strerror(errno));
		rc = EX_IOERR;
	}
	run->done_bytes += linereader_offset(lr);
	linereader_free(lr);
	return (rc);
}

/* Reads all of fd into a private, unlinked temporary file. */
static int
import_spool(struct import_input *in, char **cause)
{
	const char	*dir = getenv("TMPDIR");
	char		*path, buf[65536];
	ssize_t		 n, w, o;
	int		 fd, error;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	xasprintf(&path, "%s/hitl-import.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1) {
		error = errno;
		xasprintf(cause, "cannot keep %s while it is read: %s: %s",
		    in->name, path, strerror(error));
		free(path);
		return (EX_CANTCREAT);
	}
	unlink(path);
	free(path);
	for (;;) {
		if ((n = read(in->fd, buf, sizeof buf)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (o = 0; o < n; o += w) {
			if ((w = write(fd, buf + o, (size_t)(n - o))) <= 0) {
				error = errno;
				xasprintf(cause, "cannot keep %s while it is "
				    "read: %s", in->name, strerror(error));
				close(fd);
				return (error == ENOSPC ? EX_IOERR :
				    EX_CANTCREAT);
			}
		}
	}
	if (n == -1) {
		error = errno;
		xasprintf(cause, "cannot read %s: %s", in->name,
		    strerror(error));
		close(fd);
		return (EX_IOERR);
	}
	if (lseek(fd, 0, SEEK_SET) != 0 || fstat(fd, &in->sb) != 0) {
		error = errno;
		xasprintf(cause, "cannot read back %s: %s", in->name,
		    strerror(error));
		close(fd);
		return (EX_IOERR);
	}
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	in->fd = fd;
	return (0);
}

/* A file written to while it was read: its lines are of no one version. */
static int
import_unchanged(const struct import_input *in, char **cause)
{
	struct stat sb;

	if (fstat(in->fd, &sb) != 0 || sb.st_size != in->sb.st_size ||
	    sb.st_mtim.tv_sec != in->sb.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != in->sb.st_mtim.tv_nsec) {
		xasprintf(cause, "%s changed while it was being imported "
		    "(written to, or truncated): nothing was imported; import "
		    "it again once it is complete", in->name);
		return (EX_TEMPFAIL);
	}
	return (0);
}

static void
import_summary(const struct queue_import_counts *c, int64_t batch,
    const struct import_run *run, int json)
{
	cJSON	*o;
	char	 a[32], b[32], d[32], e[32], f[32];

	if (json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "batch", (double)batch);
		cJSON_AddNumberToObject(o, "lines", (double)c->lines);
		cJSON_AddNumberToObject(o, "imported", (double)c->imported);
		cJSON_AddNumberToObject(o, "queued", (double)c->queued);
		cJSON_AddNumberToObject(o, "auto_decided",
		    (double)c->auto_decided);
		cJSON_AddNumberToObject(o, "duplicates", (double)c->duplicates);
		cJSON_AddNumberToObject(o, "invalid", (double)c->invalid);
		if (c->suspended > 0)
			cJSON_AddNumberToObject(o, "suspended",
			    (double)c->suspended);
		if (run->rejects_fd != -1)
			cJSON_AddStringToObject(o, "rejects",
			    run->rejects_path);
		cmd_print_json(stdout, o, 0);
		return;
	}
	printf("imported %s: queued %s, auto-decided %s; duplicates %s; "
	    "invalid %s\n", cmd_count(c->imported, a), cmd_count(c->queued, b),
	    cmd_count(c->auto_decided, d), cmd_count(c->duplicates, e),
	    cmd_count(c->invalid, f));
	if (c->suspended > 0)
		printf("%s queued whatever their scores: their model or "
		    "pipeline is suspended\n", cmd_count(c->suspended, a));
	if (run->rejects_fd != -1)
		cmd_line(stdout, "invalid lines were written to %s",
		    run->rejects_path);
}

/* --max-line BYTES: 0 and *max, else -1. */
static int
import_max_line(const struct cmd_args *args, size_t *max)
{
	const char		*s = cmd_args_get(args, 'm');
	unsigned long long	 v;

	*max = IMPORT_DEFAULT_MAX_LINE;
	if (s == NULL)
		return (0);
	if (cmd_number(s, 64, IMPORT_MAX_MAX_LINE, &v) != 0)
		return (-1);
	*max = (size_t)v;
	return (0);
}

static int
cmd_import_check(const struct cmd_args *args)
{
	const struct cmd_entry	*e = &cmd_import_entry;
	const char		*rejects = cmd_args_get(args, 'r');
	char			*cause = NULL;
	size_t			 max;
	int			 rc;

	if (import_max_line(args, &max) != 0) {
		xasprintf(&cause, "--max-line: expected a number of bytes from "
		    "64 to %llu", IMPORT_MAX_MAX_LINE);
		return (cmd_fail(e, EX_USAGE, cause));
	}
	if (rejects != NULL && !cmd_args_has(args, 's')) {
		return (cmd_fail(e, EX_USAGE, xstrdup("--rejects goes with "
		    "--skip-invalid")));
	}
	/* Rejects are the user's: never in the state directory, nor a db. */
	if (cmd_args_has(args, 's') && (rc = cmd_check_output(rejects !=
	    NULL ? rejects : "./hitl-rejects-*.jsonl", &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	return (0);
}

/*
 * The database is opened here, not by cmd_run: only once every input is
 * open (and a pipe read to its end).
 */
static int
cmd_import_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *none)
{
	const struct cmd_entry		*e = &cmd_import_entry;
	struct import_run		 run;
	struct queue_import_counts	 c;
	struct queue			*q = NULL;
	struct import_input		*in = NULL;
	char				**argv = args->argv;
	int				 i, nfiles, json;
	int				 error;
	int				 rc = 0;
	int64_t				 batch = 0;
	char				*cause = NULL;

	(void)none;
	memset(&run, 0, sizeof run);
	run.rejects_fd = -1;
	import_max_line(args, &run.max_line);
	run.skip_invalid = cmd_args_has(args, 's') != 0;
	run.rejects_path = cmd_args_get(args, 'r');
	run.quiet = cmd_args_has(args, 'q') != 0;
	json = cmd_args_has(args, 'j') != 0;

	/*
	 * Every input must be readable, and pipes read to their end, before
	 * anything is imported: the database is locked only to store.
	 */
	nfiles = args->argc;
	in = xcalloc((size_t)nfiles, sizeof *in);
	for (i = 0; i < nfiles; i++)
		in[i].fd = -1;
	for (i = 0; i < nfiles; i++) {
		in[i].name = strcmp(argv[i], "-") == 0 ? "stdin" : argv[i];
		if (strcmp(argv[i], "-") == 0)
			in[i].fd = STDIN_FILENO;
		else if ((in[i].fd = open(argv[i], O_RDONLY |
		    O_CLOEXEC)) == -1) {
			error = errno;
			xasprintf(&cause, "cannot open %s: %s", argv[i],
			    strerror(error));
			rc = cmd_fail(e, error == ENOENT || error == EACCES ?
			    EX_NOINPUT : EX_IOERR, cause);
			goto out;
		}
		if (fstat(in[i].fd, &in[i].sb) != 0) {
			error = errno;
			xasprintf(&cause, "cannot read %s: %s", in[i].name,
			    strerror(error));
			rc = cmd_fail(e, EX_IOERR, cause);
			goto out;
		}
		if (S_ISDIR(in[i].sb.st_mode)) {
			xasprintf(&cause, "%s is a directory", argv[i]);
			rc = cmd_fail(e, EX_NOINPUT, cause);
			goto out;
		}
		if (!S_ISREG(in[i].sb.st_mode) && (rc = import_spool(&in[i],
		    &cause)) != 0) {
			rc = cmd_fail(e, rc, cause);
			goto out;
		}
		run.total_bytes += (uint64_t)in[i].sb.st_size;
	}
	if (isatty(STDERR_FILENO) && !run.quiet &&
	    run.total_bytes >= IMPORT_PROGRESS_MIN)
		run.progress = 1;

	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		goto out;
	run.now = (time_t)queue_now(q);
	if ((rc = queue_import_begin(q, queue_actor(q), !run.skip_invalid,
	    &run.imp, &cause)) != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	run.started = import_clock();
	for (i = 0; i < nfiles; i++) {
		if ((rc = import_file(&run, in[i].name, in[i].fd,
		    &cause)) != 0 || (rc = import_unchanged(&in[i],
		    &cause)) != 0) {
			import_progress(&run, NULL, 1);
			rc = cmd_fail(e, rc, cause);
			goto out;
		}
	}
	import_progress(&run, NULL, 1);
	if (run.errors > IMPORT_MAX_ERRORS && !run.skip_invalid)
		fprintf(stderr, "hitl import: ... and %llu more invalid "
		    "lines\n", (unsigned long long)(run.errors -
		    IMPORT_MAX_ERRORS));
	rc = queue_import_finish(run.imp, &c, &batch, &cause);
	if (rc != 0) {
		rc = cmd_fail(e, rc, cause);
		goto out;
	}
	import_summary(&c, batch, &run, json);

out:
	queue_import_free(run.imp);
	cmd_close(q);
	for (i = 0; in != NULL && i < nfiles; i++) {
		if (in[i].fd != -1 && in[i].fd != STDIN_FILENO)
			close(in[i].fd);
	}
	free(in);
	if (run.rejects_fd != -1)
		close(run.rejects_fd);
	free(run.rejects_default);
	free(run.spill_cause);
	return (rc);
}
