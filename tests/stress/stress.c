/*
 * Many reviewers at once: worker processes loop claim -> approve on one
 * database, optionally killed with SIGKILL at random moments, then the
 * outcome is checked (each item decided exactly once, chain intact). Also
 * times single claim+decide cycles, for the benchmarks.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "queue.h"

#define STRESS_MAX_WORKERS 64

static const char stress_policy[] =
    "{\"name\":\"stress\",\"allow_reviewer_override\":true,"
    "\"default_role\":\"reviewer\",\"lease_seconds\":30}";

static double
stress_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
stress_die(const char *what, char *cause)
{
	fprintf(stderr, "hitl-stress: %s: %s\n", what, cause ? cause : "?");
	free(cause);
	return (1);
}

/* Creates the database with n queued model outputs. */
static int
stress_setup(const char *path, long n)
{
	struct queue_import_counts	 c;
	struct queue_import		*imp;
	struct queue			*q;
	char				*cause = NULL, line[512];
	long				 i;
	int				 len;

	if (queue_open(path, QUEUE_OPEN_CREATE, &q, &cause) != 0)
		return (stress_die("open", cause));
	if (queue_policy_load(q, "stress", stress_policy,
	    sizeof stress_policy - 1, "stress", NULL, &cause) != 0 ||
	    queue_import_begin(q, "stress", 1, &imp, &cause) != 0)
		return (stress_die("setup", cause));
	for (i = 0; i < n; i++) {
		len = snprintf(line, sizeof line, "{\"id\":\"s-%07ld\","
		    "\"kind\":\"model_output\",\"response\":\"answer %ld\","
		    "\"flags\":[{\"type\":\"toxicity\",\"score\":%.3f}]}", i, i,
		    0.5 + (double)(i % 500) / 1000.0);
		if (queue_import_line(imp, "stress", (uint64_t)i + 1, line,
		    (size_t)len, &cause) != 0)
			return (stress_die("import", cause));
	}
	if (queue_import_finish(imp, &c, NULL, &cause) != 0)
		return (stress_die("import", cause));
	queue_import_free(imp);
	queue_close(q);
	return (0);
}

/*
 * Claims the next item and approves it. Returns 0, EX_UNAVAILABLE when
 * nothing is left, or another code after saying what failed.
 */
static int
stress_approve_next(struct queue *q, struct queue_lease *l, int64_t *id)
{
	struct queue_decision	 d;
	char			*cause = NULL;
	int			 rc;

	if ((rc = queue_claim_next(q, NULL, l, &cause)) != 0) {
		if (rc == EX_UNAVAILABLE)
			free(cause);
		else
			stress_die("claim", cause);
		return (rc);
	}
	memset(&d, 0, sizeof d);
	d.item = l->item;
	d.lease_id = l->lease_id;
	d.action = QUEUE_APPROVE;
	d.spent_ms = 1;
	if ((rc = queue_decide(q, &d, id, &cause)) != 0) {
		stress_die("decide", cause);
		queue_lease_done(l);
	}
	return (rc);
}

/*
 * One reviewer: claim and approve until nothing is left. Each committed
 * decision is then appended to the log, so the log is a subset of what the
 * database must hold, however the process dies.
 */
static int
stress_worker(const char *path, const char *name, int logfd, int64_t now)
{
	struct queue_lease	 l;
	struct queue		*q;
	char			*cause = NULL, buf[128];
	int64_t			 id;
	int			 rc, len;

	if (queue_open(path, 0, &q, &cause) != 0)
		return (stress_die("open", cause));
	if (now != 0)
		queue_set_now(q, now);
	if (queue_set_actor(q, "stress", name, &cause) != 0)
		return (stress_die("actor", cause));
	for (;;) {
		rc = stress_approve_next(q, &l, &id);
		if (rc == EX_UNAVAILABLE)
			break;
		if (rc != 0)
			return (1);
		if (logfd != -1) {
			len = snprintf(buf, sizeof buf, "%lld %s %lld\n",
			    (long long)id, l.item, (long long)l.lease_id);
			if (write(logfd, buf, (size_t)len) != len)
				return (1);
		}
		queue_lease_done(&l);
	}
	queue_close(q);
	return (0);
}

static pid_t
stress_spawn(const char *path, int n, int logfd)
{
	char	name[32];
	pid_t	pid;

	snprintf(name, sizeof name, "worker-%d", n);
	if ((pid = fork()) == 0)
		_exit(stress_worker(path, name, logfd, 0));
	return (pid);
}

static long
stress_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

/* Each logged decision must be in the database, as logged. */
static long
stress_check_log(sqlite3 *db, const char *logpath)
{
	sqlite3_stmt	*st;
	FILE		*f;
	char		 item[64];
	long long	 id, lease;
	long		 n = 0, missing = 0;

	if ((f = fopen(logpath, "r")) == NULL)
		return (-1);
	sqlite3_prepare_v2(db, "SELECT count(*) FROM decisions d JOIN items i "
	    "ON i.id = d.item_id WHERE d.id = ? AND i.ext_id = ? AND "
	    "d.lease_id = ?", -1, &st, NULL);
	while (fscanf(f, "%lld %63s %lld", &id, item, &lease) == 3) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, item, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, lease);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    sqlite3_column_int64(st, 0) != 1) {
			fprintf(stderr, "hitl-stress: logged decision %lld on "
			    "%s is missing\n", id, item);
			missing++;
		}
		n++;
	}
	sqlite3_finalize(st);
	fclose(f);
	printf("logged decisions: %ld, missing: %ld\n", n, missing);
	return (missing);
}

static int
stress_verify(const char *path, long n, const char *logpath)
{
	struct queue_verify_report	 report;
	struct queue			*q;
	sqlite3				*db;
	char				*cause = NULL;
	long				 decided, twice, decisions, bad = 0;
	char				 ok[16] = "";
	sqlite3_stmt			*st;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return (1);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ok, sizeof ok, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	decided = stress_count(db, "SELECT count(*) FROM items WHERE state = "
	    "'decided'");
	decisions = stress_count(db, "SELECT count(*) FROM decisions WHERE "
	    "action = 'approve'");
	twice = stress_count(db, "SELECT count(*) FROM (SELECT item_id FROM "
	    "decisions WHERE action = 'approve' GROUP BY item_id "
	    "HAVING count(*) > 1)");
	printf("integrity_check: %s\nitems: %ld, decided: %ld, decisions: "
	    "%ld, decided twice: %ld\n", ok, n, decided, decisions, twice);
	if (strcmp(ok, "ok") != 0 || decided != n || decisions != n ||
	    twice != 0)
		bad = 1;
	if (logpath != NULL && stress_check_log(db, logpath) != 0)
		bad = 1;
	sqlite3_close(db);

	if (queue_open(path, 0, &q, &cause) != 0)
		return (stress_die("open", cause));
	if (queue_audit_verify(q, NULL, &report, &cause) != 0) {
		stress_die("audit verify", cause);
		bad = 1;
	} else
		printf("audit chain verified: %lld events\n",
		    (long long)report.events);
	queue_close(q);
	return (bad ? 1 : 0);
}

static int
stress_run(const char *path, int workers, int kills, const char *logpath)
{
	pid_t	pids[STRESS_MAX_WORKERS];
	double	start;
	int	i, logfd = -1, status, next = 0, failed = 0, k, live;

	if (logpath != NULL && (logfd = open(logpath, O_WRONLY | O_CREAT |
	    O_TRUNC | O_APPEND, 0600)) == -1)
		return (1);
	start = stress_clock();
	for (i = 0; i < workers; i++)
		pids[i] = stress_spawn(path, next++, logfd);
	/* Kill a random worker at a random moment, and replace it. */
	srand((unsigned int)getpid());
	for (k = 0; k < kills; k++) {
		usleep((useconds_t)(20000 + rand() % 150000));
		i = rand() % workers;
		if (pids[i] == 0)
			continue;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		pids[i] = stress_spawn(path, next++, logfd);
	}
	for (live = 0, i = 0; i < workers; i++) {
		if (pids[i] == 0)
			continue;
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
		live++;
	}
	printf("workers: %d (%d killed), %.2f s\n", workers, kills,
	    stress_clock() - start);
	if (kills > 0) {
		/* Killed workers' leases run out: finish as if an hour on. */
		if (stress_worker(path, "sweeper", logfd,
		    (int64_t)time(NULL) + 3600) != 0)
			failed++;
	}
	if (logfd != -1)
		close(logfd);
	return (failed != 0);
}

/* Times claim+approve cycles on a queue of n items: microseconds each. */
static int
stress_cycle(const char *path, long n, long cycles)
{
	struct queue_lease	 l;
	struct queue		*q;
	char			*cause = NULL;
	double			 start, secs;
	long			 i;

	if (stress_setup(path, n) != 0)
		return (1);
	if (queue_open(path, 0, &q, &cause) != 0 ||
	    queue_set_actor(q, "stress", "bench", &cause) != 0)
		return (stress_die("open", cause));
	start = stress_clock();
	for (i = 0; i < cycles; i++) {
		if (stress_approve_next(q, &l, NULL) != 0)
			return (1);
		queue_lease_done(&l);
	}
	secs = stress_clock() - start;
	queue_close(q);
	printf("cycle_us %.1f\n", secs * 1e6 / (double)cycles);
	return (0);
}

int
main(int argc, char **argv)
{
	const char	*path, *logpath = NULL;
	long		 n;
	int		 workers, kills = 0;
	double		 start, secs;

	if (argc == 4 && strcmp(argv[1], "setup") == 0)
		return (stress_setup(argv[2], atol(argv[3])));
	if (argc == 5 && strcmp(argv[1], "cycle") == 0)
		return (stress_cycle(argv[2], atol(argv[3]), atol(argv[4])));
	if (argc < 4) {
		fprintf(stderr, "usage: hitl-stress DB ITEMS WORKERS [KILLS "
		    "[LOG]]\n       hitl-stress cycle DB ITEMS CYCLES\n"
		    "       hitl-stress setup DB ITEMS\n");
		return (EX_USAGE);
	}
	path = argv[1];
	n = atol(argv[2]);
	workers = atoi(argv[3]);
	if (argc > 4)
		kills = atoi(argv[4]);
	if (argc > 5)
		logpath = argv[5];
	if (workers < 1 || workers > STRESS_MAX_WORKERS || n < 1)
		return (EX_USAGE);
	if (stress_setup(path, n) != 0)
		return (1);
	start = stress_clock();
	if (stress_run(path, workers, kills, logpath) != 0) {
		fprintf(stderr, "hitl-stress: a worker failed\n");
		return (1);
	}
	secs = stress_clock() - start;
	printf("decisions per second: %.0f\n", (double)n / secs);
	return (stress_verify(path, n, logpath));
}
