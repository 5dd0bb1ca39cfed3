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

#include "queue.h"
#include "internal.h"
#include "records.h"

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

/*
 * Opens the database; a server's key is where hitl keeps it when
 * XDG_CONFIG_HOME is set (a benchmark on a queue hitl import made), else in
 * the current directory.
 */
static int
stress_queue_open(const char *path, int flags, struct queue **q,
    char **cause)
{
	struct queue_options	 o;
	const char		*base = getenv("XDG_CONFIG_HOME");
	char			 dir[4096];
	int			 rc;

	memset(&o, 0, sizeof o);
	o.path = path;
	o.flags = flags;
	if (base != NULL && *base == '/') {
		snprintf(dir, sizeof dir, "%s/hitl", base);
		o.keydir = dir;
	}
	rc = queue_open_with(&o, q, cause);
	return (rc);
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

	if (stress_queue_open(path, QUEUE_OPEN_CREATE, &q, &cause) != 0)
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

/* How long a worker keeps trying while the server is away. */
#define STRESS_RETRY_SECONDS	60

/* A pause before trying again: 50 ms. */
static void
stress_pause(void)
{
	usleep(50000);
}

/*
 * Appends one line to the log in one write (O_APPEND: whole lines, in
 * order, whatever the other workers do).
 */
static int
stress_log(int logfd, const char *what, int64_t id, const char *item,
    int64_t lease)
{
	char	buf[160];
	int	len;

	if (logfd == -1)
		return (0);
	len = snprintf(buf, sizeof buf, "%s %lld %s %lld\n", what,
	    (long long)id, item, (long long)lease);
	return (write(logfd, buf, (size_t)len) == len ? 0 : -1);
}

/*
 * Decides a claimed item, trying again while the server is away. Logs the
 * attempt first, then what hitl said of it: "committed", "failed" (hitl
 * said nothing was recorded) or "unknown" (hitl said it cannot know). A
 * try after an "unknown" that finds the lease gone is left unknown.
 */
static int
stress_decide(struct queue *q, struct queue_lease *l, int logfd,
    int64_t *id)
{
	struct queue_decision	 d;
	char			*cause = NULL;
	double			 until = stress_clock() + STRESS_RETRY_SECONDS;
	int			 rc, unknown = 0;

	memset(&d, 0, sizeof d);
	d.item = l->item;
	d.lease_id = l->lease_id;
	d.action = QUEUE_APPROVE;
	d.spent_ms = 1;
	if (stress_log(logfd, "attempt", 0, l->item, l->lease_id) != 0)
		return (1);
	for (;;) {
		if ((rc = queue_decide(q, &d, id, &cause)) == 0)
			return (stress_log(logfd, "committed", *id, l->item,
			    l->lease_id) != 0);
		if (rc == EX_TEMPFAIL && strstr(cause, "is unknown") != NULL)
			unknown = 1;
		if (rc != EX_TEMPFAIL || stress_clock() > until) {
			if (unknown) {
				/* It may have been recorded: the lease says. */
				free(cause);
				return (stress_log(logfd, "unknown", 0,
				    l->item, l->lease_id) != 0);
			}
			return (stress_die("decide", cause));
		}
		if (!unknown && stress_log(logfd, "failed", 0, l->item,
		    l->lease_id) != 0)
			return (1);
		free(cause);
		cause = NULL;
		stress_pause();
	}
}

/*
 * Claims the next item, trying again while the server is away. Returns 0,
 * EX_UNAVAILABLE when nothing is left, or another code after saying what
 * failed.
 */
static int
stress_claim(struct queue *q, struct queue_lease *l)
{
	char	*cause = NULL;
	double	 until = stress_clock() + STRESS_RETRY_SECONDS;
	int	 rc;

	while ((rc = queue_claim_next(q, NULL, l, &cause)) == EX_TEMPFAIL &&
	    stress_clock() < until) {
		free(cause);
		cause = NULL;
		stress_pause();
	}
	if (rc == EX_UNAVAILABLE)
		free(cause);
	else if (rc != 0)
		stress_die("claim", cause);
	return (rc);
}

/* Opens the queue as a reviewer, trying again while the server is away. */
static int
stress_open(const char *path, const char *name, int64_t now,
    struct queue **q)
{
	char	*cause = NULL;
	double	 until = stress_clock() + STRESS_RETRY_SECONDS;
	int	 rc;

	while ((rc = stress_queue_open(path, 0, q, &cause)) == EX_TEMPFAIL &&
	    stress_clock() < until) {
		free(cause);
		cause = NULL;
		stress_pause();
	}
	if (rc != 0)
		return (stress_die("open", cause));
	if (now != 0)
		queue_set_now(*q, now);
	if (queue_set_actor(*q, "stress", name, &cause) != 0) {
		queue_close(*q);
		return (stress_die("actor", cause));
	}
	return (0);
}

/*
 * One reviewer: claim and approve until nothing is left. What each attempt
 * came to goes to the log, so that however the process or the server dies
 * the log says what the database must hold and what it must not.
 */
static int
stress_worker(const char *path, const char *name, int logfd, int64_t now)
{
	struct queue_lease	 l;
	struct queue		*q;
	int64_t			 id;
	int			 rc;

	if (stress_open(path, name, now, &q) != 0)
		return (1);
	for (;;) {
		if ((rc = stress_claim(q, &l)) == EX_UNAVAILABLE)
			break;
		if (rc != 0 || stress_decide(q, &l, logfd, &id) != 0) {
			queue_close(q);
			return (1);
		}
		queue_lease_done(&l);
	}
	queue_close(q);
	return (0);
}

/*
 * Worker n of the run, in group n % groups: each group a host's reviewers,
 * under names of their own, on connections of their own.
 */
static pid_t
stress_spawn(const char *path, int n, int groups, int logfd)
{
	char	name[64];
	pid_t	pid;

	snprintf(name, sizeof name, "host%d-worker-%d", n % groups + 1, n);
	if ((pid = fork()) == 0)
		_exit(stress_worker(path, name, logfd, 0));
	return (pid);
}

/* One number from a query, in the read the caller began; -1 on failure. */
static long
stress_count(struct queue *q, const char *sql)
{
	struct store_stmt	*st;
	char			*cause = NULL;
	long			 n = -1;

	if ((st = store_stmt(q, sql, &cause)) != NULL &&
	    store_step(st, "count", &cause) == STORE_ROW)
		n = (long)store_int(st, 0);
	store_reset(st);
	if (n == -1)
		stress_die("count", cause);
	return (n);
}

/* A decision's row by its lease: its id and how many there are. */
static long
stress_by_lease(struct queue *q, const char *item, int64_t lease)
{
	static const char sql[] = "SELECT count(*) FROM decisions d JOIN "
	    "items i ON i.id = d.item_id WHERE i.ext_id = ?1 AND "
	    "d.lease_id = ?2 AND d.action = 'approve'";
	struct store_stmt	*st;
	char			*cause = NULL;
	long			 n = -1;

	if ((st = store_stmt(q, sql, &cause)) != NULL) {
		store_bind_text(st, 1, item);
		store_bind_int(st, 2, lease);
		if (store_step(st, "lease", &cause) == STORE_ROW)
			n = (long)store_int(st, 0);
	}
	store_reset(st);
	if (n == -1)
		stress_die("lease", cause);
	return (n);
}

/* The log's verdict on one lease: what the last line about it said. */
struct stress_seen {
	int64_t	lease;
	char	item[32];
	char	what[16];
};

static int
stress_seen_cmp(const void *a, const void *b)
{
	const struct stress_seen *x = a, *y = b;

	return (x->lease < y->lease ? -1 : x->lease > y->lease);
}

/*
 * Checks the log against the database: every decision a worker was told
 * had committed is there, as told; none that hitl said was not recorded
 * is; and every decision there was at least attempted (a worker killed in
 * the middle leaves an attempt and nothing after it).
 */
static int
stress_check_log(struct queue *q, const char *logpath)
{
	static const char all_sql[] = "SELECT d.lease_id FROM decisions d "
	    "WHERE d.action = 'approve' ORDER BY d.lease_id";
	struct stress_seen	*seen = NULL, key, *s;
	struct store_stmt	*st;
	FILE			*f;
	char			 what[16], item[32], *cause = NULL;
	long long		 id, lease;
	size_t			 n = 0, cap = 0, i, j;
	long			 committed = 0, failed = 0, unknown = 0;
	long			 missing = 0, phantom = 0, unlogged = 0;
	long			 retried = 0;

	if ((f = fopen(logpath, "r")) == NULL)
		return (-1);
	while (fscanf(f, "%15s %lld %31s %lld", what, &id, item, &lease) ==
	    4) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			seen = realloc(seen, cap * sizeof *seen);
		}
		seen[n].lease = lease;
		snprintf(seen[n].item, sizeof seen[n].item, "%s", item);
		snprintf(seen[n].what, sizeof seen[n].what, "%s", what);
		n++;
	}
	fclose(f);
	qsort(seen, n, sizeof *seen, stress_seen_cmp);
	for (i = 0; i < n; i = j) {
		/* The strongest word said of the lease decides. */
		int c = 0, u = 0, fl = 0;
		long in;

		for (j = i; j < n && seen[j].lease == seen[i].lease; j++) {
			c |= strcmp(seen[j].what, "committed") == 0;
			u |= strcmp(seen[j].what, "unknown") == 0;
			fl |= strcmp(seen[j].what, "failed") == 0;
		}
		in = stress_by_lease(q, seen[i].item, seen[i].lease);
		/*
		 * Told nothing was recorded, then committed when tried again
		 * on the same lease: had the first been recorded, the lease
		 * would have been spent and the retry refused.
		 */
		if (fl && c)
			retried++;
		if (c) {
			committed++;
			if (in != 1) {
				fprintf(stderr, "hitl-stress: the decision "
				    "on %s (lease %lld) reported committed is "
				    "missing\n", seen[i].item,
				    (long long)seen[i].lease);
				missing++;
			}
		} else if (u)
			unknown++;
		else if (fl) {
			failed++;
			if (in != 0) {
				fprintf(stderr, "hitl-stress: the decision "
				    "on %s (lease %lld) reported not recorded "
				    "is there\n", seen[i].item,
				    (long long)seen[i].lease);
				phantom++;
			}
		}
	}
	if ((st = store_prepare(q, all_sql, STORE_SCAN, &cause)) == NULL)
		return (stress_die("decisions", cause));
	while (store_step(st, "decisions", &cause) == STORE_ROW) {
		key.lease = store_int(st, 0);
		s = bsearch(&key, seen, n, sizeof *seen, stress_seen_cmp);
		if (s == NULL) {
			fprintf(stderr, "hitl-stress: a decision (lease %lld) "
			    "nobody attempted\n", (long long)key.lease);
			unlogged++;
		}
	}
	store_reset(st);
	free(cause);
	free(seen);
	printf("logged decisions: %ld, missing: %ld\n", committed, missing);
	printf("reported not recorded: %ld (then recorded on a retry: %ld), "
	    "there anyway: %ld\n", failed + retried, retried, phantom);
	printf("outcome unknown: %ld, decisions nobody attempted: %ld\n",
	    unknown, unlogged);
	return (missing + phantom + unlogged);
}

static int
stress_verify(const char *path, long n, const char *logpath)
{
	struct queue_verify_report	 report;
	struct queue			*q;
	char				*cause = NULL;
	long				 decided, twice, decisions, bad = 0;

	if (stress_queue_open(path, 0, &q, &cause) != 0)
		return (stress_die("open", cause));
	if (q->ops->integrity(q, &cause) != 0) {
		stress_die("integrity", cause);
		cause = NULL;
		bad = 1;
	} else
		printf("integrity_check: ok\n");
	if (q->ops->begin(q, STORE_READ, &cause) != 0)
		return (stress_die("begin", cause));
	decided = stress_count(q, "SELECT count(*) FROM items WHERE state = "
	    "'decided'");
	decisions = stress_count(q, "SELECT count(*) FROM decisions WHERE "
	    "action = 'approve'");
	twice = stress_count(q, "SELECT count(*) FROM (SELECT item_id FROM "
	    "decisions WHERE action = 'approve' GROUP BY item_id "
	    "HAVING count(*) > 1) t");
	printf("items: %ld, decided: %ld, decisions: %ld, decided twice: "
	    "%ld\n", n, decided, decisions, twice);
	if (decided != n || decisions != n || twice != 0)
		bad = 1;
	if (logpath != NULL && stress_check_log(q, logpath) != 0)
		bad = 1;
	q->ops->rollback(q);

	if (queue_audit_verify(q, NULL, &report, &cause) != 0) {
		stress_die("audit verify", cause);
		bad = 1;
	} else
		printf("audit chain verified: %lld events\n",
		    (long long)report.events);
	queue_close(q);
	return (bad ? 1 : 0);
}

/*
 * The workers, with kills SIGKILLs of random ones at random moments (each
 * replaced), and restart run once by the shell a moment in (the server's
 * restart, say).
 */
static int
stress_run(const char *path, int workers, int groups, int kills,
    const char *restart, const char *logpath)
{
	pid_t	pids[STRESS_MAX_WORKERS], rpid = 0;
	double	start;
	int	i, logfd = -1, status, next = 0, failed = 0, k;

	if (logpath != NULL && (logfd = open(logpath, O_WRONLY | O_CREAT |
	    O_TRUNC | O_APPEND, 0600)) == -1)
		return (1);
	start = stress_clock();
	for (i = 0; i < workers; i++)
		pids[i] = stress_spawn(path, next++, groups, logfd);
	if (restart != NULL) {
		usleep(300000);
		if ((rpid = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", restart, (char *)NULL);
			_exit(127);
		}
	}
	srand((unsigned int)getpid());
	for (k = 0; k < kills; k++) {
		usleep((useconds_t)(20000 + rand() % 150000));
		i = rand() % workers;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		pids[i] = stress_spawn(path, next++, groups, logfd);
	}
	if (rpid != 0) {
		waitpid(rpid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "hitl-stress: the restart failed\n");
			failed++;
		}
	}
	for (i = 0; i < workers; i++) {
		waitpid(pids[i], &status, 0);
		if (WIFSIGNALED(status))
			fprintf(stderr, "hitl-stress: a worker died of signal "
			    "%d\n", WTERMSIG(status));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	printf("workers: %d (%d killed%s), %.2f s\n", workers, kills,
	    restart != NULL ? ", server restarted" : "",
	    stress_clock() - start);
	if (kills > 0 || restart != NULL) {
		/* Leases of killed workers run out: finish as if an hour on. */
		if (stress_worker(path, "sweeper", logfd,
		    (int64_t)time(NULL) + 3600) != 0)
			failed++;
	}
	if (logfd != -1)
		close(logfd);
	return (failed != 0);
}

/*
 * A queue of n items, each approved once, for the export benchmarks: the
 * decisions written STRESS_DECIDED_TXN to a transaction (a million claims
 * would take hours), each with its event in the chain, signed at each
 * commit as any write is, so hitl takes the queue as its own. Not all in
 * one: on PostgreSQL every decision moves its item and so updates the
 * same row of state_counts, and a transaction that updates one row a
 * million times walks all its versions each time.
 */
#define STRESS_DECIDED_TXN	1000
static int
stress_decided(const char *path, long n)
{
	static const char items_sql[] =
	    "SELECT id, ext_id FROM items WHERE state = 'queued' ORDER BY id";
	static const char decision_sql[] =
	    "INSERT INTO decisions (item_id, action, reviewer, shift_id, "
	    "lease_id, policy_version, decided_at, spent_ms, audit_seq) "
	    "VALUES (?1, 'approve', ?2, ?3, ?4, ?5, ?6, 1000, ?7)";
	struct store_stmt	*st, *ins;
	struct queue		*q;
	cJSON			*data;
	int64_t			*ids = NULL, shift, seq, did;
	char			**ext = NULL, now[32], *cause = NULL;
	long			 i, k = 0;
	int			 rc = 1;

	if (stress_setup(path, n) != 0 || stress_open(path, "bench", 0,
	    &q) != 0)
		return (1);
	ids = calloc((size_t)n, sizeof *ids);
	ext = calloc((size_t)n, sizeof *ext);
	if (ids == NULL || ext == NULL || store_begin(q, &cause) != 0)
		goto out;
	if ((st = store_prepare(q, items_sql, STORE_SCAN, &cause)) == NULL)
		goto fail;
	while (k < n && store_step(st, "items", &cause) == STORE_ROW) {
		ids[k] = store_int(st, 0);
		ext[k++] = store_column_text(st, 1);
	}
	store_reset(st);
	if (store_shift_id(q, 1, &shift, &cause) != 0)
		goto fail;
	store_now_text(q, now);
	for (i = 0; i < k; i++) {
		if (i > 0 && i % STRESS_DECIDED_TXN == 0 &&
		    (store_commit(q, &cause) != 0 ||
		    store_begin(q, &cause) != 0))
			goto fail;
		if (store_audit_next_seq(q, &seq, &cause) != 0 ||
		    (ins = store_stmt(q, decision_sql, &cause)) == NULL)
			goto fail;
		store_bind_int(ins, 1, ids[i]);
		store_bind_text(ins, 2, queue_actor(q));
		store_bind_int(ins, 3, shift);
		store_bind_int(ins, 4, i + 1);
		store_bind_int(ins, 5, 1);
		store_bind_text(ins, 6, now);
		store_bind_int(ins, 7, seq);
		if (store_run(ins, "decide", &cause) != 0)
			goto fail;
		did = q->ops->last_id(q);
		if (store_decision_json(q, did, &data, &cause) != 0 ||
		    store_audit_append(q, "decision", queue_actor(q), ext[i],
		    data, &cause) != 0 ||
		    store_item_move(q, ids[i], QUEUE_STATE_DECIDED, NULL, 0,
		    &cause) != 0)
			goto fail;
	}
	if (store_commit(q, &cause) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(q);
out:
	if (rc != 0)
		stress_die("decided", cause);
	for (i = 0; i < k; i++)
		free(ext[i]);
	free(ext);
	free(ids);
	queue_close(q);
	return (rc);
}

/* Times claim+approve cycles on a queue of n items: microseconds each. */
static int
stress_cycle(const char *path, long n, long cycles)
{
	struct queue_lease	 l;
	struct queue		*q;
	double			 start, secs;
	int64_t			 id;
	long			 i;

	/* No items to make: the queue there already (a benchmark's import). */
	if ((n > 0 && stress_setup(path, n) != 0) || stress_open(path,
	    "bench", 0, &q) != 0)
		return (1);
	start = stress_clock();
	for (i = 0; i < cycles; i++) {
		if (stress_claim(q, &l) != 0 || stress_decide(q, &l, -1,
		    &id) != 0)
			return (1);
		queue_lease_done(&l);
	}
	secs = stress_clock() - start;
	queue_close(q);
	printf("cycle_us %.1f\n", secs * 1e6 / (double)cycles);
	return (0);
}

static int
stress_usage(void)
{
	fprintf(stderr, "usage: hitl-stress [-g GROUPS] [-k KILLS] [-l LOG] "
	    "[-r COMMAND] DB ITEMS WORKERS\n"
	    "       hitl-stress cycle DB ITEMS|0 CYCLES\n"
	    "       hitl-stress setup DB ITEMS\n"
	    "       hitl-stress decided DB ITEMS\n");
	return (EX_USAGE);
}

/*
 * DB is a file or a postgresql:// URI. -g splits the workers into groups
 * (hosts), -k kills that many at random, -l logs what each was told, -r
 * runs a command (a server restart) a moment after they start.
 */
int
main(int argc, char **argv)
{
	const char	*path, *logpath = NULL, *restart = NULL;
	long		 n;
	int		 workers, kills = 0, groups = 1, ch;
	double		 start, secs;

	if (argc == 4 && strcmp(argv[1], "setup") == 0)
		return (stress_setup(argv[2], atol(argv[3])));
	if (argc == 4 && strcmp(argv[1], "decided") == 0)
		return (stress_decided(argv[2], atol(argv[3])));
	if (argc == 5 && strcmp(argv[1], "cycle") == 0)
		return (stress_cycle(argv[2], atol(argv[3]), atol(argv[4])));
	while ((ch = getopt(argc, argv, "g:k:l:r:")) != -1) {
		switch (ch) {
		case 'g':
			groups = atoi(optarg);
			break;
		case 'k':
			kills = atoi(optarg);
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'r':
			restart = optarg;
			break;
		default:
			return (stress_usage());
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		return (stress_usage());
	path = argv[0];
	n = atol(argv[1]);
	workers = atoi(argv[2]);
	if (workers < 1 || workers > STRESS_MAX_WORKERS || n < 1 ||
	    groups < 1 || groups > workers || kills < 0)
		return (stress_usage());
	if (stress_setup(path, n) != 0)
		return (1);
	start = stress_clock();
	if (stress_run(path, workers, groups, kills, restart, logpath) != 0) {
		fprintf(stderr, "hitl-stress: a worker failed\n");
		return (1);
	}
	secs = stress_clock() - start;
	printf("decisions per second: %.0f\n", (double)n / secs);
	return (stress_verify(path, n, logpath));
}
