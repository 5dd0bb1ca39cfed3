/*
 * What a reviewer types outside the console's own prompts: text edited in
 * $VISUAL or $EDITOR, and corrections kept in private files when they could
 * not be saved, so that nothing typed is lost.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "queue.h"
#include "tui.h"
#include "xmalloc.h"

/* A whole file as a string (NULL if it cannot be read); *len its size. */
static char *
edit_read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*out, chunk[4096];
	size_t	 k;

	*len = 0;
	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	out = xmalloc(1);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
		out = xrealloc(out, *len + k + 1);
		memcpy(out + *len, chunk, k);
		*len += k;
	}
	out[*len] = '\0';
	fclose(f);
	return (out);
}

/*
 * The file name of an item's kept correction: its id with every byte but
 * [A-Za-z0-9._-] written %XX, so that two ids never share a file; past 200
 * bytes, "%sha256-" and the SHA-256 of the id, which no escaped id can
 * spell (an escape is % and two hex digits).
 */
static char *
edit_recovery_name(const char *item)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		*name, hex[65];
	const char	*c;
	size_t		 o = 0;

	name = xmalloc(strlen(item) * 3 + 1);
	for (c = item; *c != '\0'; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' ||
		    *c == '_')
			name[o++] = *c;
		else
			o += (size_t)sprintf(name + o, "%%%02X",
			    (unsigned char)*c);
	}
	name[o] = '\0';
	if (o > 200) {
		EVP_Digest(item, strlen(item), md, &mdlen, EVP_sha256(), NULL);
		queue_hex(md, 32, hex);
		free(name);
		xasprintf(&name, "%%sha256-%s", hex);
	}
	return (name);
}

/*
 * Where a correction that could not be saved is kept (mode 0600), so that
 * it survives a lost claim or a closed console: $XDG_STATE_HOME/hitl, else
 * ~/.local/state/hitl, one file per item (NAME.correction, NAME as above).
 * Its first line names the item, and is checked when it is read back.
 */
static char *
edit_recovery_path(const char *item)
{
	const char	*base = getenv("XDG_STATE_HOME"), *home;
	char		*dir, *path, *name;

	if (base != NULL && *base != '\0')
		xasprintf(&dir, "%s/hitl", base);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		xasprintf(&dir, "%s/.local/state/hitl", home);
	else
		return (NULL);
	name = edit_recovery_name(item);
	xasprintf(&path, "%s/%s.correction", dir, name);
	free(name);
	free(dir);
	return (path);
}

/* The first line of a kept correction: which item it is of. */
static char *
edit_recovery_header(const char *item)
{
	cJSON	*id = cJSON_CreateString(item);
	char	*json, *line;

	json = cJSON_PrintUnformatted(id);
	xasprintf(&line, "hitl: a correction of item %s, kept when it could "
	    "not be saved\n", json);
	cJSON_free(json);
	cJSON_Delete(id);
	return (line);
}

int
tui_recovery_save(const char *item, const char *text, char **where)
{
	char	*path, *p, *head;
	int	 fd, ok;
	size_t	 len = strlen(text), hlen;

	*where = NULL;
	if ((path = edit_recovery_path(item)) == NULL)
		return (-1);
	/* Make each missing directory, private. */
	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	head = edit_recovery_header(item);
	hlen = strlen(head);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	ok = fd != -1 && fchmod(fd, 0600) == 0 &&
	    write(fd, head, hlen) == (ssize_t)hlen &&
	    write(fd, text, len) == (ssize_t)len;
	if (fd != -1)
		close(fd);
	free(head);
	if (!ok) {
		free(path);
		return (-1);
	}
	*where = path;
	return (0);
}

/*
 * A correction kept from an earlier attempt, if any: only a file whose
 * first line names this item is taken (a file of another item is left
 * alone). A file with no such line is an earlier hitl's, taken when the
 * item's id is one its naming could not have confused with another's
 * (made of [A-Za-z0-9.-] only: it replaced every other byte with _).
 */
char *
tui_recovery_load(const char *item)
{
	static const char	 mark[] = "hitl: a correction of item ";
	char			*path, *text, *head, *out = NULL;
	size_t			 len, hlen;

	if ((path = edit_recovery_path(item)) == NULL)
		return (NULL);
	text = edit_read_file(path, &len);
	head = edit_recovery_header(item);
	hlen = strlen(head);
	if (text != NULL && len >= hlen && memcmp(text, head, hlen) == 0)
		out = xstrdup(text + hlen);
	else if (text != NULL && strncmp(text, mark, sizeof mark - 1) != 0 &&
	    strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == strlen(item)) {
		out = text;
		text = NULL;
	}
	free(head);
	free(text);
	free(path);
	return (out);
}

void
tui_recovery_drop(const char *item)
{
	char *path;

	if ((path = edit_recovery_path(item)) != NULL) {
		unlink(path);
		free(path);
	}
}

/*
 * Runs the editor and waits, renewing the lease meanwhile. The console's
 * own signals (a resize, ^C meant for the editor) must not end the wait.
 */
static int
edit_run(struct tui *t, const char *cmd, const char *path)
{
	struct sigaction	ign, old_int, old_quit;
	struct timespec		ts = { 0, 200 * 1000 * 1000 };
	pid_t			pid, r;
	int			status = -1;

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	if ((pid = fork()) == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		if (t->opt->before_exec != NULL)
			t->opt->before_exec();
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	while (pid != -1) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			status = -1;
			break;
		}
		tui_idle(t);
		nanosleep(&ts, NULL);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return (status);
}

/*
 * Edits text in $VISUAL or $EDITOR (as git does), through a private file;
 * returns the new text, or NULL; if the editor failed, what it wrote so far
 * replaces *kept, so that nothing typed is lost.
 */
/* What became of the editor, in words: its exit status or its signal. */
static void
edit_failed(struct tui *t, int status)
{
	const char *how = "nothing was changed, your text is kept";

	if (status == -1)
		tui_message(t, 1, "the editor could not be run: %s", how);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		tui_message(t, 1, "the editor was not found (exit status 127; "
		    "check $VISUAL and $EDITOR): %s", how);
	else if (WIFEXITED(status))
		tui_message(t, 1, "the editor exited with status %d: %s",
		    WEXITSTATUS(status), how);
	else if (WIFSIGNALED(status))
		tui_message(t, 1, "the editor was killed by signal %d (%s): %s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)), how);
	else
		tui_message(t, 1, "the editor failed: %s", how);
}

char *
tui_edit_text(struct tui *t, const char *editor, const char *text,
    char **kept)
{
	const char	*dir = getenv("TMPDIR");
	char		*path, *out = NULL, *cmd;
	size_t		 len, n;
	int		 fd, status;

	/*
	 * In $TMPDIR (an absolute one) or /tmp, named .txt so that the editor
	 * picks plain text; private to the reviewer (mkstemps: 0600).
	 */
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	xasprintf(&path, "%s/hitl-edit-XXXXXX.txt", dir);
	if ((fd = mkstemps(path, 4)) == -1) {
		tui_message(t, 1, "cannot create a file to edit in %s: %s",
		    dir, strerror(errno));
		free(path);
		return (NULL);
	}
	fchmod(fd, 0600);
	len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len) {
		tui_message(t, 1, "cannot write %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		free(path);
		return (NULL);
	}
	close(fd);
	def_prog_mode();
	endwin();
	xasprintf(&cmd, "%s \"$1\"", editor);
	status = edit_run(t, cmd, path);
	free(cmd);
	reset_prog_mode();
	refresh();
	/* What was written so far is kept all the same. */
	if (status != 0)
		edit_failed(t, status);
	/* Editors add a final newline the text did not have. */
	if ((out = edit_read_file(path, &n)) != NULL && n > 0 &&
	    out[n - 1] == '\n' && (len == 0 || text[len - 1] != '\n'))
		out[n - 1] = '\0';
	unlink(path);
	free(path);
	if (status != 0 && out != NULL) {
		free(*kept);
		*kept = out;
		return (NULL);
	}
	return (out);
}
