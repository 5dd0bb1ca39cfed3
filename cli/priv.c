/*
 * The group privilege of a shared install: kept as the saved set-group-ID,
 * raised only around opening and closing the shared database, given up for
 * good otherwise; which path is the shared database; hitl's environment.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "priv.h"
#include "xmalloc.h"

static gid_t	priv_group;	/* the install's group, while held */
static int	priv_have;	/* the group is the saved set-group-ID */
static int	priv_shared;	/* working on the shared database */

/*
 * The environment variables hitl reads, and whether the shared database
 * honours them. HITL_DB is checked by priv_select_db; HITL_REVIEWER is read
 * to be refused (the login is the identity); HITL_SCRIPT only reads keys
 * and writes screen dumps, as the user alone.
 */
static struct priv_env {
	const char	*name;
	int		 shared;
	int		 noted;
} priv_env[] = {
	{ "HITL_DB", 1, 0 },
	{ "HITL_REVIEWER", 1, 0 },
	{ "HITL_SCRIPT", 1, 0 },
	{ "HITL_NOW", 0, 0 },
	{ "HITL_BUSY_TIMEOUT", 0, 0 },
};

/* What ncurses reads terminfo from, and HOME for ~/.terminfo. */
static const char *const priv_term_vars[] = {
	"TERMINFO", "TERMINFO_DIRS", "TERMCAP", "HOME"
};
#define PRIV_NTERM (sizeof priv_term_vars / sizeof priv_term_vars[0])
static char	*priv_term_saved[PRIV_NTERM];
static int	 priv_term_hidden;

/* Going on with the wrong group is not an option. */
static void
priv_fatal(const char *what)
{
	fprintf(stderr, "hitl: cannot %s: %s\n", what, strerror(errno));
	_exit(EX_OSERR);
}

void
priv_init(void)
{
	gid_t rgid, egid, sgid;

	if (getresgid(&rgid, &egid, &sgid) != 0)
		priv_fatal("read the process's groups");
	if (egid == rgid && sgid == rgid)
		return;
#ifdef HITL_SHARED_GROUP
	/* Lowered first: even the group lookup runs as the user. */
	if (egid != rgid) {
		struct group *gr;

		if (setresgid((gid_t)-1, rgid, egid) != 0)
			priv_fatal("lower the group privilege");
		/* Only the install's own group is a privilege to keep. */
		if ((gr = getgrnam(HITL_SHARED_GROUP)) != NULL &&
		    gr->gr_gid == egid) {
			priv_group = egid;
			priv_have = 1;
			return;
		}
	}
#endif
	priv_drop();
}

void
priv_raise(void)
{
	if (priv_have && setresgid((gid_t)-1, priv_group, (gid_t)-1) != 0)
		priv_fatal("raise the group privilege");
}

void
priv_lower(void)
{
	if (priv_have && setresgid((gid_t)-1, getgid(), (gid_t)-1) != 0)
		priv_fatal("lower the group privilege");
}

void
priv_drop(void)
{
	gid_t	gid = getgid(), r, e, s;

	if (setresgid(gid, gid, gid) != 0)
		priv_fatal("give up the group privilege");
	if (getresgid(&r, &e, &s) != 0 || r != gid || e != gid || s != gid) {
		errno = EPERM;
		priv_fatal("give up the group privilege");
	}
	priv_have = 0;
}

int
priv_held(void)
{
	return (priv_have);
}

const char *
priv_getenv(const char *name)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof priv_env / sizeof priv_env[0]; i++) {
		if (strcmp(priv_env[i].name, name) != 0)
			continue;
		if ((v = getenv(name)) == NULL || *v == '\0')
			return (NULL);
		if (priv_shared && !priv_env[i].shared) {
			if (!priv_env[i].noted)
				fprintf(stderr, "hitl: %s is ignored for the "
				    "shared database\n", name);
			priv_env[i].noted = 1;
			return (NULL);
		}
		return (v);
	}
	return (NULL);	/* not hitl's: never read */
}

#ifdef HITL_SHARED_GROUP
#define PRIV_SHARED_DB	HITL_STATEDIR "/hitl.db"
#define PRIV_SHARED_URI	HITL_STATEDIR "/database"

enum priv_where {
	PRIV_ELSEWHERE,
	PRIV_IN_STATEDIR,
	PRIV_SHARED_DATABASE
};

/*
 * Where PATH leads, as the user: its directory resolved by realpath, links
 * in its last component followed here by readlink, since the user may not
 * search the state directory (where realpath would stop). NULL when it
 * cannot be resolved; the user, without the group, cannot reach the state
 * directory through it either.
 */
static char *
priv_resolve(const char *path)
{
	struct stat	 sb;
	char		*cur, *dir, *real, *out = NULL, *slash, link[PATH_MAX];
	const char	*base;
	ssize_t		 n;
	int		 hops;

	cur = xstrdup(path);
	for (hops = 0; hops < 40; hops++) {
		if ((slash = strrchr(cur, '/')) == NULL) {
			dir = xstrdup(".");
			base = cur;
		} else {
			dir = slash == cur ? xstrdup("/") :
			    xstrndup(cur, (size_t)(slash - cur));
			base = slash + 1;
		}
		if (*base == '\0' || strcmp(base, ".") == 0 ||
		    strcmp(base, "..") == 0) {
			out = realpath(cur, NULL);	/* a directory */
			free(dir);
			break;
		}
		real = realpath(dir, NULL);
		free(dir);
		if (real == NULL)
			break;
		xasprintf(&out, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
		    base);
		free(real);
		if (lstat(out, &sb) != 0 || !S_ISLNK(sb.st_mode) ||
		    (n = readlink(out, link, sizeof link - 1)) <= 0)
			break;
		link[n] = '\0';
		free(cur);
		slash = strrchr(out, '/');
		if (link[0] == '/')
			cur = xstrdup(link);
		else
			xasprintf(&cur, "%.*s/%s", (int)(slash - out), out,
			    link);
		free(out);
		out = NULL;
	}
	free(cur);
	return (out);
}

/* Whether two paths name one directory (a bind mount counts). */
static int
priv_same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return (stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    S_ISDIR(sa.st_mode) && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino);
}

static enum priv_where
priv_where(const char *path)
{
	enum priv_where	 w = PRIV_ELSEWHERE;
	char		*p, *sd, *dir, *slash;
	size_t		 len;

	if ((p = priv_resolve(path)) == NULL)
		return (PRIV_ELSEWHERE);
	if ((sd = realpath(HITL_STATEDIR, NULL)) == NULL)
		sd = xstrdup(HITL_STATEDIR);
	len = strlen(sd);
	slash = strrchr(p, '/');
	dir = slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p));
	if (priv_same_dir(dir, sd))
		w = strcmp(slash + 1, "hitl.db") == 0 ?
		    PRIV_SHARED_DATABASE : PRIV_IN_STATEDIR;
	else if ((strncmp(p, sd, len) == 0 && (p[len] == '\0' ||
	    p[len] == '/')) || priv_same_dir(p, sd))
		w = PRIV_IN_STATEDIR;
	free(dir);
	free(sd);
	free(p);
	return (w);
}
#endif

#ifdef HITL_SHARED_GROUP
/*
 * The shared database: STATEDIR/database, when it exists, names a server's
 * (a connection URI, with its password if it needs one; only GROUP may read
 * it, so reviewers cannot connect with psql themselves); else the file
 * STATEDIR/hitl.db.
 */
static int
priv_shared_db(const char **path, char **cause)
{
	static char	*uri;
	char		 buf[4096];
	ssize_t		 n;
	size_t		 len;
	int		 fd, error;

	*path = PRIV_SHARED_DB;
	if (uri != NULL) {
		*path = uri;
		return (0);
	}
	priv_raise();
	fd = open(PRIV_SHARED_URI, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	error = errno;
	n = fd != -1 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd != -1)
		close(fd);
	priv_lower();
	if (fd == -1 && error == ENOENT)
		return (0);
	if (fd == -1) {
		xasprintf(cause, "cannot read %s: %s", PRIV_SHARED_URI,
		    strerror(error));
		return (EX_NOPERM);
	}
	if (n <= 0) {
		xasprintf(cause, "%s is empty: it should hold the shared "
		    "database's connection URI", PRIV_SHARED_URI);
		return (EX_CONFIG);
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	uri = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	*path = uri;
	return (0);
}
#endif

int
priv_select_db(const char *asked, const char **path, int *shared,
    char **cause)
{
	*shared = 0;
#ifdef HITL_SHARED_GROUP
	if (asked == NULL || priv_where(asked) == PRIV_SHARED_DATABASE) {
		*shared = priv_shared = 1;
		return (priv_shared_db(path, cause));
	}
	switch (priv_where(asked)) {
	case PRIV_SHARED_DATABASE:
		break;
	case PRIV_IN_STATEDIR:
		priv_drop();
		xasprintf(cause, "%s is in hitl's state directory %s, where "
		    "only the shared database is opened: leave out --db and "
		    "HITL_DB for it, or name a database of your own elsewhere",
		    asked, HITL_STATEDIR);
		return (EX_NOPERM);
	case PRIV_ELSEWHERE:
		break;
	}
	/* The user's own file: the single-user tool, without the group. */
	priv_drop();
	*path = asked;
#else
	*path = asked != NULL ? asked : "hitl.db";
	(void)cause;
#endif
	return (0);
}

const char *
priv_keydir(void)
{
#ifdef HITL_SHARED_GROUP
	if (priv_shared)
		return (HITL_STATEDIR);
#endif
	return (NULL);
}

int
priv_check_output(const char *path, char **cause)
{
#ifdef HITL_SHARED_GROUP
	if (priv_where(path) != PRIV_ELSEWHERE) {
		xasprintf(cause, "%s is in hitl's state directory %s, where "
		    "hitl writes nothing for you: name a file elsewhere", path,
		    HITL_STATEDIR);
		return (EX_NOPERM);
	}
#else
	(void)path;
	(void)cause;
#endif
	return (0);
}

void
priv_terminal_hide(void)
{
	const char	*v;
	size_t		 i;

	if (!priv_have || priv_term_hidden)
		return;
	for (i = 0; i < PRIV_NTERM; i++) {
		v = getenv(priv_term_vars[i]);
		priv_term_saved[i] = v != NULL ? xstrdup(v) : NULL;
		unsetenv(priv_term_vars[i]);
	}
	priv_term_hidden = 1;
}

/* Puts back HOME (all: every variable hidden). */
static void
priv_terminal_restore(int all)
{
	size_t i;

	if (!priv_term_hidden)
		return;
	for (i = 0; i < PRIV_NTERM; i++) {
		if (priv_term_saved[i] != NULL && (all ||
		    strcmp(priv_term_vars[i], "HOME") == 0))
			setenv(priv_term_vars[i], priv_term_saved[i], 1);
	}
}

void
priv_terminal_ready(void)
{
	priv_terminal_restore(0);
}

void
priv_child(void)
{
	priv_drop();
	priv_terminal_restore(1);
}
