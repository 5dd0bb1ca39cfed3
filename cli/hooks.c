/*
 * The notifier of the policy's hooks: each event's command run by /bin/sh,
 * the event on its standard input, without hitl's group, under a timeout.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "hooks.h"
#include "priv.h"
#include "xmalloc.h"

/* What of a hook's stderr is kept for the warning: its first line. */
#define HOOKS_ERR_KEEP	512
#define HOOKS_ERR_SHOW	200
/* How often the wait looks whether the hook has ended, at most (ms). */
#define HOOKS_TICK_MS	50

/* What became of one run. */
struct hooks_run {
	int	 started;	/* 0: errno_start says why not */
	int	 errno_start;
	int	 status;	/* waitpid's */
	int	 timed_out;
	char	 err[HOOKS_ERR_KEEP + 1];
	size_t	 errlen;
};

static int	  hooks_deferring;
static char	**hooks_kept;		/* warnings, while deferring */
static size_t	  hooks_nkept;

static void	 hooks_warn(const char *, ...)
		     __attribute__((format(printf, 1, 2)));

/* A warning, made safe (cmd_line); kept while the console runs. */
static void
hooks_warn(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (hooks_deferring) {
		hooks_kept = xreallocarray(hooks_kept, hooks_nkept + 1,
		    sizeof *hooks_kept);
		hooks_kept[hooks_nkept++] = s;
		return;
	}
	cmd_line(stderr, "%s", s);
	free(s);
}

void
hooks_defer(int on)
{
	size_t i;

	hooks_deferring = on;
	if (on)
		return;
	for (i = 0; i < hooks_nkept; i++) {
		cmd_line(stderr, "%s", hooks_kept[i]);
		free(hooks_kept[i]);
	}
	free(hooks_kept);
	hooks_kept = NULL;
	hooks_nkept = 0;
}

/*
 * The hook's whole environment: a search path of the system's, who the
 * user is (from the password database, as cmd_login, never from hitl's own
 * environment) and the event's name. Nothing else of hitl's environment
 * goes on: HITL_DB, a server's PG* variables or credentials the user keeps
 * there are none of the hook's business, and a hook behaves the same from
 * a shell, cron or a timer.
 */
static char **
hooks_env(const char *event)
{
	struct passwd	*pw;
	char		**env, path[1024];
	const char	*home = "/";
	size_t		 n;

	n = confstr(_CS_PATH, path, sizeof path);
	if (n == 0 || n > sizeof path)
		snprintf(path, sizeof path, "/usr/bin:/bin");
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    *pw->pw_dir != '\0')
		home = pw->pw_dir;
	env = xcalloc(6, sizeof *env);
	xasprintf(&env[0], "PATH=%s", path);
	xasprintf(&env[1], "HOME=%s", home);
	xasprintf(&env[2], "USER=%s", cmd_login());
	xasprintf(&env[3], "LOGNAME=%s", cmd_login());
	xasprintf(&env[4], "HITL_EVENT=%s", event);
	return (env);
}

static void
hooks_env_free(char **env)
{
	size_t i;

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* Every descriptor from 3 up: the database's and the key's among them. */
static void
hooks_close_from(int lowfd)
{
#ifdef HAVE_CLOSE_RANGE
	if (close_range((unsigned)lowfd, ~0U, 0) == 0)
		return;
#endif
	{
		long	max = sysconf(_SC_OPEN_MAX);
		int	fd;

		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = lowfd; fd < max; fd++)
			close(fd);
	}
}

/*
 * In the child: its own process group (the timeout kills the group), the
 * group privilege given up for good first, default signals, stdin the
 * event, stdout nowhere, stderr to hitl, nothing else open.
 */
static void
hooks_child(const char *command, int in, int err, char **env)
{
	static const int	 sigs[] = {
		SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP,
		SIGTTIN, SIGTTOU, SIGWINCH
	};
	sigset_t		 none;
	size_t			 i;
	int			 nul;

	priv_drop();
	(void)setpgid(0, 0);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((nul = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(in, 0) == -1 || dup2(nul, 1) == -1 || dup2(err, 2) == -1)
		_exit(126);
	hooks_close_from(3);
	execle("/bin/sh", "sh", "-c", command, (char *)NULL, env);
	_exit(127);
}

static int64_t
hooks_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* More of the event; closed once all is written, or the hook quit. */
static void
hooks_write(int *fd, const char *data, size_t len, size_t *off)
{
	ssize_t k;

	if ((k = write(*fd, data + *off, len - *off)) > 0)
		*off += (size_t)k;
	if ((k < 0 && errno != EAGAIN && errno != EINTR) || *off == len) {
		close(*fd);
		*fd = -1;
	}
}

/*
 * What the hook wrote on stderr: its start kept, the rest read over.
 * Returns what read returned.
 */
static ssize_t
hooks_read(int *fd, struct hooks_run *r)
{
	char	buf[4096];
	ssize_t	k;
	size_t	take;

	if ((k = read(*fd, buf, sizeof buf)) > 0) {
		take = (size_t)k;
		if (take > HOOKS_ERR_KEEP - r->errlen)
			take = HOOKS_ERR_KEEP - r->errlen;
		memcpy(r->err + r->errlen, buf, take);
		r->errlen += take;
	} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
		close(*fd);
		*fd = -1;
	}
	return (k);
}

/*
 * Writes the event while the hook runs (it may read it late, or never),
 * keeps the start of its stderr, and waits for it until the deadline,
 * when its process group is killed. Stops reading once the hook itself
 * has ended, whatever it left running with stderr open.
 */
static void
hooks_wait(pid_t pid, int in, int err, const char *data, size_t len,
    int timeout, struct hooks_run *r)
{
	struct pollfd	 pfd[2];
	int64_t		 deadline, left;
	size_t		 off = 0;
	nfds_t		 n;
	pid_t		 w;

	deadline = hooks_ms() + (int64_t)timeout * 1000;
	for (;;) {
		n = 0;
		if (in != -1) {
			pfd[n].fd = in;
			pfd[n++].events = POLLOUT;
		}
		if (err != -1) {
			pfd[n].fd = err;
			pfd[n++].events = POLLIN;
		}
		left = deadline - hooks_ms();
		if (left > HOOKS_TICK_MS)
			left = HOOKS_TICK_MS;
		if (left > 0 && poll(pfd, n, (int)left) > 0) {
			if (in != -1)
				hooks_write(&in, data, len, &off);
			if (err != -1)
				(void)hooks_read(&err, r);
		}
		if ((w = waitpid(pid, &r->status, WNOHANG)) == pid) {
			/* What it wrote before it ended is in the pipe. */
			while (err != -1 && r->errlen < HOOKS_ERR_KEEP &&
			    hooks_read(&err, r) > 0)
				;
			break;
		}
		if (w == -1 && errno != EINTR) {
			r->status = -1;
			break;
		}
		if (hooks_ms() >= deadline) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);	/* should setpgid have failed */
			while (waitpid(pid, &r->status, 0) == -1 &&
			    errno == EINTR)
				;
			break;
		}
	}
	if (in != -1)
		close(in);
	if (err != -1)
		close(err);
	r->err[r->errlen] = '\0';
}

static void
hooks_run(const struct queue_event *ev, struct hooks_run *r)
{
	struct sigaction	 ign, old;
	char			**env, *data;
	int			 in[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t			 pid;

	memset(r, 0, sizeof *r);
	xasprintf(&data, "%s\n", ev->json);
	env = hooks_env(ev->event);
	/* A hook that quits without reading must not end hitl. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1) {
		r->errno_start = errno;
		goto out;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		r->errno_start = errno;
		goto out;
	}
	if (pid == 0)
		hooks_child(ev->command, in[0], err[1], env);
	(void)setpgid(pid, pid);	/* no race with the kill */
	r->started = 1;
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
	hooks_wait(pid, in[1], err[0], data, strlen(data),
	    ev->timeout_seconds, r);
	in[1] = err[0] = -1;	/* closed by hooks_wait */
out:
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	if (err[0] != -1)
		close(err[0]);
	if (err[1] != -1)
		close(err[1]);
	sigaction(SIGPIPE, &old, NULL);
	hooks_env_free(env);
	free(data);
}

/* What went wrong, in words (NULL: nothing did). */
static char *
hooks_failure(const struct queue_event *ev, const struct hooks_run *r)
{
	char *what = NULL;

	if (!r->started)
		xasprintf(&what, "could not be started: %s",
		    strerror(r->errno_start));
	else if (r->timed_out)
		xasprintf(&what, "killed after the timeout of %d s",
		    ev->timeout_seconds);
	else if (r->status == -1)
		what = xstrdup("lost: hitl could not wait for it");
	else if (WIFEXITED(r->status) && WEXITSTATUS(r->status) != 0)
		xasprintf(&what, "exit %d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		xasprintf(&what, "killed by signal %d (%s)",
		    WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	return (what);
}

/*
 * The notifier: runs the hook; a failure is warned of, with the first line
 * of what the hook wrote on stderr, and put on the audit log. Neither
 * changes what the action's command does or returns.
 */
static void
hooks_notify(struct queue *q, const struct queue_event *ev, void *arg)
{
	const char	*cmdname = arg;
	struct hooks_run r;
	char		*what, *cause = NULL;
	size_t		 len;

	hooks_run(ev, &r);
	if ((what = hooks_failure(ev, &r)) == NULL)
		return;
	len = strcspn(r.err, "\r\n");
	if (len > HOOKS_ERR_SHOW)
		len = HOOKS_ERR_SHOW;
	hooks_warn("hitl %s: hook %s failed: %s%s%.*s", cmdname, ev->event,
	    what, len > 0 ? ": " : "", (int)len, r.err);
	if (queue_hook_failed(q, ev, what, &cause) != 0) {
		hooks_warn("hitl %s: the failure of hook %s is not on the "
		    "audit log: %s", cmdname, ev->event, cause);
		free(cause);
	}
	free(what);
}

void
hooks_install(struct queue *q, const char *cmdname)
{
	queue_set_notifier(q, hooks_notify, (void *)(uintptr_t)cmdname);
}
