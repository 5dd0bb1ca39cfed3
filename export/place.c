/*
 * Placing an export's files: what -o names, private temporaries beside the
 * destinations, the renames after the run's commit and their replay.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "place.h"
#include "xmalloc.h"

/*
 * A temporary's name is its destination's and this, then six characters;
 * PLACE_RM marks one that stands for a destination to remove (of the same
 * length, so that both are told apart by name alone).
 */
#define PLACE_TMP	".tmp."
#define PLACE_RM	".rmv."
#define PLACE_TMPLEN	(sizeof PLACE_TMP - 1 + 6)

/* Whether name is dest's (of len bytes) with a temporary's suffix. */
static int
place_is_temp(const char *name, const char *dest, size_t len)
{
	return (strlen(name) == len + PLACE_TMPLEN &&
	    strncmp(name, dest, len) == 0 &&
	    (strncmp(name + len, PLACE_TMP, sizeof PLACE_TMP - 1) == 0 ||
	    strncmp(name + len, PLACE_RM, sizeof PLACE_RM - 1) == 0) &&
	    strchr(name + len + 1, '/') == NULL);
}

/* Whether a temporary stands for a removal. */
static int
place_is_removal(const char *tmp, size_t len)
{
	return (strncmp(tmp + len, PLACE_RM, sizeof PLACE_RM - 1) == 0);
}

struct export_file {
	char		*shown;		/* as the user named it */
	char		*dest;		/* absolute */
	char		*tmp;		/* absolute: dest PLACE_TMP XXXXXX */
	FILE		*f;
	int		 remove;	/* placed, then removed */
};

struct export_files {
	char			*dir;	/* a layout's, absolute; or NULL */
	char			*shown_dir;
	int			 made_dir;
	int			 lock;	/* the destinations' directory, or -1 */
	const char *const	*names;
	struct export_file	*v;
	size_t			 n;
	struct queue_export_file *pairs;
};

/*
 * The temporaries no record names yet, for export_temps_unlink (a signal
 * handler's: it only reads this array and calls unlink). A slot is
 * cleared before its string is freed.
 */
#define PLACE_LIVE	16
static char *volatile place_live[PLACE_LIVE];

static void
place_live_add(char *tmp)
{
	size_t i;

	for (i = 0; i < PLACE_LIVE; i++) {
		if (place_live[i] == NULL) {
			place_live[i] = tmp;
			return;
		}
	}
}

static void
place_live_drop(const char *tmp)
{
	size_t i;

	for (i = 0; i < PLACE_LIVE; i++) {
		if (place_live[i] == tmp)
			place_live[i] = NULL;
	}
}

void
export_temps_unlink(void)
{
	size_t i;

	for (i = 0; i < PLACE_LIVE; i++) {
		if (place_live[i] != NULL)
			unlink(place_live[i]);
	}
}

/*
 * Runs into one directory take turns from their first temporary to their
 * last rename (flock on the directory), so that two never mix their files.
 */
static int
place_lock(const char *dir, int *fd, char **cause)
{
	if ((*fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || flock(*fd, LOCK_EX) != 0) {
		xasprintf(cause, "cannot lock %s: %s", dir, strerror(errno));
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		return (EX_CANTCREAT);
	}
	return (0);
}

/* The directory of an absolute name. */
static char *
place_parent(const char *path)
{
	const char *slash = strrchr(path, '/');

	return (slash == NULL || slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path)));
}

/* Why a destination cannot be replaced (NULL: it can, or is absent). */
static const char *
place_refusal(const struct stat *sb)
{
	if (S_ISREG(sb->st_mode))
		return (NULL);
	if (S_ISLNK(sb->st_mode))
		return ("is a symbolic link: hitl does not write through links "
		    "(name the file itself, or a new one)");
	if (S_ISDIR(sb->st_mode))
		return ("is a directory: name a file in it");
	return ("is not a regular file: hitl writes previews to it but "
	    "never replaces it");
}

static int
place_dest_check(const char *dest, const char *shown, char **cause)
{
	struct stat	 sb;
	const char	*why;

	if (lstat(dest, &sb) != 0) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "cannot write %s: %s", shown,
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	if ((why = place_refusal(&sb)) != NULL) {
		xasprintf(cause, "%s %s", shown, why);
		return (EX_CANTCREAT);
	}
	return (0);
}

/*
 * Whether a special file may take a preview: one of the user's own (a
 * FIFO, a socket, a terminal) or a device of root's (/dev/null); never
 * another user's, which would be a channel out to them.
 */
static int
place_preview_check(const char *path, const struct stat *sb, char **cause)
{
	if (sb->st_uid == getuid() || (S_ISCHR(sb->st_mode) &&
	    sb->st_uid == 0))
		return (0);
	xasprintf(cause, "%s belongs to another user: hitl writes a preview "
	    "only to a special file of yours or to a device such as "
	    "/dev/null", path);
	return (EX_CANTCREAT);
}

int
export_target_of(const char *path, int dir_ok, enum export_target *t,
    char **cause)
{
	struct stat	sb, tb;
	size_t		len = strlen(path);

	*t = dir_ok ? EXPORT_TARGET_DIR : EXPORT_TARGET_FILE;
	if (len == 0 || path[len - 1] == '/') {
		xasprintf(cause, "%s names a directory: name a file", path);
		return (EX_CANTCREAT);
	}
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		return (EX_CANTCREAT);
	}
	/*
	 * A link to a special file (/dev/fd/1, say) is written through, if
	 * the file is one a preview may take.
	 */
	if (S_ISLNK(sb.st_mode) && stat(path, &tb) == 0 &&
	    !S_ISREG(tb.st_mode) && !S_ISDIR(tb.st_mode)) {
		*t = EXPORT_TARGET_PREVIEW;
		return (place_preview_check(path, &tb, cause));
	}
	if (S_ISDIR(sb.st_mode) && dir_ok)
		return (0);
	if (S_ISREG(sb.st_mode) && dir_ok) {
		xasprintf(cause, "%s is a file: this layout writes a "
		    "directory", path);
		return (EX_CANTCREAT);
	}
	if (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode) ||
	    S_ISLNK(sb.st_mode))
		return (place_dest_check(path, path, cause));
	*t = EXPORT_TARGET_PREVIEW;
	return (place_preview_check(path, &sb, cause));
}

static int
place_socket_open(const char *path, int *fd, char **cause)
{
	struct sockaddr_un	sun;
	struct stat		sb;
	int			rc = 0;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "cannot connect to %s: the name is too long",
		    path);
		return (EX_CANTCREAT);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (stat(path, &sb) != 0 || (rc = place_preview_check(path, &sb,
	    cause)) != 0) {
		if (rc == 0)
			xasprintf(cause, "cannot connect to %s: %s", path,
			    strerror(errno));
		*fd = -1;
		return (EX_CANTCREAT);
	}
	if ((*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(*fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		xasprintf(cause, "cannot connect to %s: %s", path,
		    strerror(errno));
		if (*fd != -1)
			close(*fd);
		return (EX_CANTCREAT);
	}
	return (0);
}

int
export_preview_open(const char *path, FILE **f, char **cause)
{
	struct stat	sb;
	int		fd, rc;

	*f = NULL;
	/* Without O_CREAT or O_TRUNC: what is there is written, not made. */
	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno == ENXIO && stat(path, &sb) == 0 &&
		    S_ISSOCK(sb.st_mode)) {
			if ((rc = place_socket_open(path, &fd, cause)) != 0)
				return (rc);
		} else {
			xasprintf(cause, "cannot write %s: %s", path,
			    strerror(errno));
			return (EX_CANTCREAT);
		}
	}
	/*
	 * A regular file put there since would be written over unrecorded;
	 * what was opened must still be a special file a preview may take.
	 */
	if (fstat(fd, &sb) != 0 || S_ISREG(sb.st_mode) ||
	    S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s changed while hitl opened it: run the "
		    "export again", path);
		close(fd);
		return (EX_CANTCREAT);
	}
	if (!S_ISSOCK(sb.st_mode) && (rc = place_preview_check(path, &sb,
	    cause)) != 0) {
		close(fd);
		return (rc);
	}
	if ((*f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		return (EX_OSERR);
	}
	return (0);
}

/*
 * The absolute name of path (its directory resolved, its last part kept
 * as it is), so that a replay from another directory finds it.
 */
static int
place_absolute(const char *path, char **out, char **cause)
{
	if ((*out = queue_absolute_path(path)) == NULL) {
		xasprintf(cause, "cannot create %s: %s", path,
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	return (0);
}

/* Whether a layout's directory holds only its files (and temporaries). */
static int
place_dir_check(const struct export_files *fs, char **cause)
{
	DIR			*d;
	struct dirent		*e;
	struct stat		 sb;
	const char *const	*nm;
	size_t			 len;
	int			 rc = 0;

	if ((d = opendir(fs->dir)) == NULL) {
		xasprintf(cause, "cannot read %s: %s", fs->shown_dir,
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (nm = fs->names; nm != NULL && *nm != NULL; nm++) {
			len = strlen(*nm);
			if (strcmp(e->d_name, *nm) == 0 ||
			    place_is_temp(e->d_name, *nm, len))
				break;
		}
		if (nm == NULL || *nm == NULL) {
			xasprintf(cause, "%s holds %s, which this export does "
			    "not write, so it is not a directory hitl wrote: "
			    "nothing was written; remove it or name another "
			    "directory", fs->shown_dir, e->d_name);
			rc = EX_CANTCREAT;
		} else if (fstatat(dirfd(d), e->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0 && place_refusal(&sb) != NULL) {
			xasprintf(cause, "%s/%s %s", fs->shown_dir, e->d_name,
			    place_refusal(&sb));
			rc = EX_CANTCREAT;
		}
	}
	closedir(d);
	return (rc);
}

int
export_files_new(const char *dir, const char *const *names,
    struct export_files **out, char **cause)
{
	struct export_files	*fs;
	enum export_target	 t;
	int			 rc;

	fs = xcalloc(1, sizeof *fs);
	fs->lock = -1;
	*out = fs;
	if (dir == NULL)
		return (0);
	fs->names = names;
	fs->shown_dir = xstrdup(dir);
	if ((rc = export_target_of(dir, 1, &t, cause)) != 0)
		return (rc);
	if (t != EXPORT_TARGET_DIR) {
		xasprintf(cause, "%s is not a directory: this layout writes "
		    "one", dir);
		return (EX_CANTCREAT);
	}
	if (mkdir(dir, 0700) == 0)
		fs->made_dir = 1;
	else if (errno != EEXIST) {
		xasprintf(cause, "cannot create %s: %s", dir, strerror(errno));
		return (EX_CANTCREAT);
	}
	if ((rc = place_absolute(dir, &fs->dir, cause)) != 0 ||
	    (rc = place_lock(fs->dir, &fs->lock, cause)) != 0)
		return (rc);
	return (place_dir_check(fs, cause));
}

int
export_files_add(struct export_files *fs, const char *name, FILE **f,
    char **cause)
{
	struct export_file	*e;
	int			 fd, rc;

	*f = NULL;
	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof *fs->v);
	e = &fs->v[fs->n];
	memset(e, 0, sizeof *e);
	if (fs->dir != NULL) {
		xasprintf(&e->shown, "%s/%s", fs->shown_dir, name);
		xasprintf(&e->dest, "%s/%s", fs->dir, name);
	} else {
		e->shown = xstrdup(name);
		if ((rc = place_absolute(name, &e->dest, cause)) != 0)
			goto fail;
	}
	if (fs->lock == -1) {
		char *parent = place_parent(e->dest);

		rc = place_lock(parent, &fs->lock, cause);
		free(parent);
		if (rc != 0)
			goto fail;
	}
	if ((rc = place_dest_check(e->dest, e->shown, cause)) != 0)
		goto fail;
	/* A new private name: never a file or link someone placed. */
	xasprintf(&e->tmp, "%s" PLACE_TMP "XXXXXX", e->dest);
	if ((fd = mkstemp(e->tmp)) == -1) {
		xasprintf(cause, "cannot create %s: %s", e->shown,
		    strerror(errno));
		rc = EX_CANTCREAT;
		goto fail;
	}
	fs->n++;
	place_live_add(e->tmp);
	if (fchmod(fd, 0600) != 0 || (e->f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "cannot create %s: %s", e->shown,
		    strerror(errno));
		close(fd);
		return (EX_CANTCREAT);
	}
	*f = e->f;
	return (0);
fail:
	free(e->shown);
	free(e->dest);
	free(e->tmp);
	return (rc);
}

int
export_files_remove(struct export_files *fs, const char *name, char **cause)
{
	struct export_file	*e;
	char			*rm;
	size_t			 i, len;

	for (i = 0; i < fs->n; i++) {
		e = &fs->v[i];
		if (e->remove || (strcmp(e->shown, name) != 0 &&
		    (fs->dir == NULL || strcmp(e->dest + strlen(fs->dir) + 1,
		    name) != 0)))
			continue;
		/* Renamed to say so: a replay after a kill removes it too. */
		len = strlen(e->dest);
		rm = xstrdup(e->tmp);
		memcpy(rm + len, PLACE_RM, sizeof PLACE_RM - 1);
		if (rename(e->tmp, rm) != 0) {
			xasprintf(cause, "cannot create %s: %s", e->shown,
			    strerror(errno));
			free(rm);
			return (EX_CANTCREAT);
		}
		place_live_drop(e->tmp);
		free(e->tmp);
		e->tmp = rm;
		place_live_add(e->tmp);
		e->remove = 1;
	}
	return (0);
}

int
export_files_ready(struct export_files *fs, char **cause)
{
	struct export_file	*e;
	size_t			 i;
	int			 rc = 0, bad;

	for (i = 0; i < fs->n; i++) {
		e = &fs->v[i];
		if (e->f == NULL)
			continue;
		bad = fflush(e->f) != 0 || fsync(fileno(e->f)) != 0;
		bad = fclose(e->f) != 0 || bad;
		e->f = NULL;
		if (bad && rc == 0) {
			xasprintf(cause, "cannot write %s: %s", e->shown,
			    strerror(errno));
			rc = EX_IOERR;
		}
	}
	/* What may have appeared at a destination while the files were made. */
	for (i = 0; rc == 0 && i < fs->n; i++)
		rc = place_dest_check(fs->v[i].dest, fs->v[i].shown, cause);
	if (rc == 0 && fs->dir != NULL)
		rc = place_dir_check(fs, cause);
	return (rc);
}

void
export_files_recorded(struct export_files *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		place_live_drop(fs->v[i].tmp);
}

const struct queue_export_file *
export_files_pairs(struct export_files *fs, size_t *n)
{
	size_t i;

	free(fs->pairs);
	fs->pairs = xcalloc(fs->n > 0 ? fs->n : 1, sizeof *fs->pairs);
	for (i = 0; i < fs->n; i++) {
		fs->pairs[i].tmp = fs->v[i].tmp;
		fs->pairs[i].dest = fs->v[i].dest;
	}
	*n = fs->n;
	return (fs->pairs);
}

/* Makes the renames in dest's directory durable. */
static void
place_sync_dir(const char *dest)
{
	char	*dir;
	int	 fd;

	dir = xstrndup(dest, (size_t)(strrchr(dest, '/') - dest));
	if ((fd = open(dir[0] != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * One rename. In a replay, a temporary already gone was placed, if its
 * destination is there (by the run itself, or another replay); in the
 * run, or with no destination either, someone removed it.
 */
static int
place_one(const char *tmp, const char *dest, int replay, char **cause)
{
	int rc;

	if ((rc = place_dest_check(dest, dest, cause)) != 0)
		return (rc);
	if (rename(tmp, dest) != 0) {
		if (errno == ENOENT && replay && access(dest, F_OK) == 0)
			return (0);
		xasprintf(cause, errno == ENOENT ? "%s was removed before it "
		    "could become %s: the run's files are lost; export again" :
		    "cannot rename %s to %s: %s", tmp, dest, strerror(errno));
		return (EX_CANTCREAT);
	}
	place_sync_dir(dest);
	return (0);
}

/*
 * A removal: the destination goes (if it is a regular file), then its
 * marker; a marker already gone was done (by a replay, say).
 */
static int
place_remove(const char *tmp, const char *dest, const char *shown,
    char **cause)
{
	struct stat	sb;
	int		rc;

	if (lstat(tmp, &sb) != 0 && errno == ENOENT)
		return (0);
	if ((rc = place_dest_check(dest, shown, cause)) != 0)
		return (rc);
	/* Another replay may be doing the same: gone is done. */
	if ((unlink(dest) != 0 && errno != ENOENT) ||
	    (unlink(tmp) != 0 && errno != ENOENT)) {
		xasprintf(cause, "cannot remove %s: %s", shown,
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	place_sync_dir(dest);
	return (0);
}

int
export_files_place(struct export_files *fs, char **cause)
{
	size_t	i;
	int	rc;

	for (i = 0; i < fs->n; i++) {
		if ((rc = fs->v[i].remove ? place_remove(fs->v[i].tmp,
		    fs->v[i].dest, fs->v[i].shown, cause) :
		    place_one(fs->v[i].tmp, fs->v[i].dest, 0, cause)) != 0)
			return (rc);
	}
	return (0);
}

/* Closes what is still open of the set's temporaries (a failed run's). */
static void
place_close(struct export_files *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].f != NULL)
			fclose(fs->v[i].f);
		fs->v[i].f = NULL;
	}
}

void
export_files_discard(struct export_files *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	place_close(fs);
	for (i = 0; i < fs->n; i++) {
		place_live_drop(fs->v[i].tmp);
		unlink(fs->v[i].tmp);
	}
	if (fs->made_dir)
		rmdir(fs->dir != NULL ? fs->dir : fs->shown_dir);
	fs->made_dir = 0;
}

void
export_files_free(struct export_files *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	place_close(fs);
	for (i = 0; i < fs->n; i++) {
		place_live_drop(fs->v[i].tmp);
		free(fs->v[i].shown);
		free(fs->v[i].dest);
		free(fs->v[i].tmp);
	}
	if (fs->lock != -1)
		close(fs->lock);
	free(fs->v);
	free(fs->pairs);
	free(fs->dir);
	free(fs->shown_dir);
	free(fs);
}

const char *
export_owner(void)
{
	static char	owner[320];
	char		host[256];

	if (owner[0] == '\0') {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		snprintf(owner, sizeof owner, "uid:%lu@%s",
		    (unsigned long)getuid(), host);
	}
	return (owner);
}

/* The files of one owner's unplaced runs, read before any is placed. */
struct place_pending {
	int64_t	*id;
	char	**tmp, **dest;
	size_t	 n;
};

static int
place_pending_add(int64_t id, const char *tmp, const char *dest, void *arg)
{
	struct place_pending *p = arg;

	p->id = xreallocarray(p->id, p->n + 1, sizeof *p->id);
	p->tmp = xreallocarray(p->tmp, p->n + 1, sizeof *p->tmp);
	p->dest = xreallocarray(p->dest, p->n + 1, sizeof *p->dest);
	p->id[p->n] = id;
	p->tmp[p->n] = xstrdup(tmp);
	p->dest[p->n] = xstrdup(dest);
	p->n++;
	return (0);
}

/*
 * Whether dest is a regular file modified after its temporary tmp was: a
 * later export to the same path (from another host, say) came after this
 * run, whose files must then not replace it.
 */
static int
place_newer(const char *tmp, const char *dest)
{
	struct stat sb, tb;

	if (lstat(tmp, &tb) != 0 || lstat(dest, &sb) != 0 ||
	    !S_ISREG(sb.st_mode))
		return (0);
	return (sb.st_mtim.tv_sec > tb.st_mtim.tv_sec ||
	    (sb.st_mtim.tv_sec == tb.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec > tb.st_mtim.tv_nsec));
}

/*
 * A recorded temporary is placed only if it is what hitl made: its
 * destination's absolute name and a temporary suffix, a regular file of
 * this user (the record names paths; it does not get to rename any file).
 */
static int
place_replay_one(int64_t id, const char *tmp, const char *dest,
    int superseded, char **cause)
{
	struct stat	sb;
	size_t		len = strlen(dest);

	if (dest[0] != '/' || dest[len - 1] == '/' ||
	    !place_is_temp(tmp, dest, len)) {
		xasprintf(cause, "export run %lld names a file hitl did not "
		    "make (%s): it is left alone", (long long)id, tmp);
		return (EX_DATAERR);
	}
	if (lstat(tmp, &sb) != 0) {
		/* Gone: placed already, unless its destination is gone too. */
		if (errno == ENOENT && (place_is_removal(tmp, len) ||
		    access(dest, F_OK) == 0))
			return (0);
		xasprintf(cause, errno == ENOENT ? "export run %lld: %s was "
		    "removed before it could become %s: the run's files are "
		    "lost; export again" : "export run %lld: cannot read %s: "
		    "%s", (long long)id, tmp, errno == ENOENT ? dest :
		    strerror(errno));
		return (EX_CANTCREAT);
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != getuid()) {
		xasprintf(cause, "export run %lld names %s, which is not a "
		    "file hitl made for you: it is left alone", (long long)id,
		    tmp);
		return (EX_DATAERR);
	}
	/* A later run's files stand: this one's temporaries go. */
	if (superseded) {
		unlink(tmp);
		return (0);
	}
	if (place_is_removal(tmp, len))
		return (place_remove(tmp, dest, dest, cause));
	return (place_one(tmp, dest, 1, cause));
}

int
export_replay(struct queue *q, char **cause)
{
	struct place_pending	p;
	char			*why = NULL, *parent;
	size_t			 i, j;
	int			 rc, bad, lock = -1, superseded;

	memset(&p, 0, sizeof p);
	if ((rc = queue_export_pending(q, export_owner(), place_pending_add,
	    &p, cause)) != 0)
		goto out;
	for (i = 0; rc == 0 && i < p.n; i = j) {
		/* In turn with a run placing into the same directory. */
		parent = place_parent(p.dest[i]);
		bad = place_lock(parent, &lock, &why) != 0;
		free(parent);
		/*
		 * A run is placed whole or not at all: if a later file stands
		 * at any of its destinations, the run was superseded there,
		 * and its files (its manifest among them) stay out.
		 */
		superseded = 0;
		for (j = i; j < p.n && p.id[j] == p.id[i]; j++)
			superseded |= place_newer(p.tmp[j], p.dest[j]);
		for (j = i; j < p.n && p.id[j] == p.id[i]; j++) {
			if (!bad && place_replay_one(p.id[j], p.tmp[j],
			    p.dest[j], superseded, &why) != 0)
				bad = 1;
		}
		if (lock != -1)
			close(lock);
		if (bad) {
			xasprintf(cause, "export run %lld was recorded but "
			    "not put in place (hitl was stopped): %s; fix that "
			    "and run hitl export again", (long long)p.id[i],
			    why);
			free(why);
			rc = EX_CANTCREAT;
		} else
			rc = queue_export_placed(q, p.id[i], cause);
	}
out:
	for (i = 0; i < p.n; i++) {
		free(p.tmp[i]);
		free(p.dest[i]);
	}
	free(p.id);
	free(p.tmp);
	free(p.dest);
	return (rc);
}

int
export_files_commit(struct export_files *fs, struct queue *q,
    struct queue_export_run *run, char head[65], int64_t *id, char **cause)
{
	sigset_t	 stop, old;
	char		*why = NULL;
	int		 rc;

	run->files = export_files_pairs(fs, &run->nfiles);
	run->owner = export_owner();
	/*
	 * From the record to the last rename, a ^C or a SIGTERM waits:
	 * before, it removes the temporaries (export_temps_unlink); after
	 * the commit they are the record's, to be placed.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	rc = queue_export_record(q, run, head, id, cause);
	if (rc == 0)
		export_files_recorded(fs);
	if (rc == 0 && (rc = export_files_place(fs, cause)) != 0) {
		why = *cause;
		xasprintf(cause, "export run %lld is recorded but not in "
		    "place: %s; the next hitl export places it",
		    (long long)*id, why);
		free(why);
	} else if (rc == 0 && queue_export_placed(q, *id, &why) != 0)
		free(why);	/* placed: the next export forgets them */
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (rc);
}
