/*
 * Key bindings as data: one table of (view, key, request), made of the
 * defaults (the global ones here, each view's in its ops), which the
 * reviewer's keys file may change (tig's "bind"). The console's
 * keys, its footer, its help screen and the README's table all come from
 * the bindings in force.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "tui.h"
#include "xmalloc.h"

/*
 * The bindings of every view ("*") and of the picker, which opens over any
 * view; each view's own are in its ops (keys), after these in the order
 * of the registry.
 */
static const struct tui_key tui_bind_global[] = {
	{ 'j', TUI_REQ_DOWN },
	{ KEY_DOWN, TUI_REQ_DOWN },
	{ 'k', TUI_REQ_UP },
	{ KEY_UP, TUI_REQ_UP },
	{ KEY_NPAGE, TUI_REQ_PAGE_DOWN },
	{ ' ', TUI_REQ_PAGE_DOWN },
	{ KEY_PPAGE, TUI_REQ_PAGE_UP },
	{ 'g', TUI_REQ_FIRST },
	{ KEY_HOME, TUI_REQ_FIRST },
	{ 'G', TUI_REQ_LAST },
	{ KEY_END, TUI_REQ_LAST },
	{ '?', TUI_REQ_HELP },
	{ 'q', TUI_REQ_QUIT },
};

/* A choice on top of any view: a team, a label, a span to keep. */
static const struct tui_key tui_bind_picker[] = {
	{ TUI_KEY_RETURN, TUI_REQ_PICK },
	{ KEY_ENTER, TUI_REQ_PICK },
	{ TUI_KEY_ESC, TUI_REQ_CANCEL },
	{ 'q', TUI_REQ_CANCEL },
};

/* The bindings in force: the defaults, then what a keys file changed. */
static struct tui_binding	*tui_bindings;
static size_t			 tui_nbindings;

/*
 * What a binding may name: "*" for every view, each view of the registry,
 * and the picker, which opens over any of them.
 */
#define TUI_NSCOPES	(TUI_NVIEWS + 2)

static const char *
bind_scope(size_t i)
{
	if (i == 0)
		return ("*");
	return (i <= TUI_NVIEWS ? tui_views[i - 1]->name : "picker");
}

/* Adds n default bindings of view. */
static void
bind_add(const char *view, const struct tui_key *k, size_t n)
{
	size_t i;

	tui_bindings = xreallocarray(tui_bindings, tui_nbindings + n,
	    sizeof *tui_bindings);
	for (i = 0; i < n; i++) {
		tui_bindings[tui_nbindings].view = view;
		tui_bindings[tui_nbindings].key = k[i].key;
		tui_bindings[tui_nbindings++].req = k[i].req;
	}
}

/* The defaults: the global ones, each view's, then the picker's. */
static void
bind_ready(void)
{
	size_t i;

	if (tui_bindings != NULL)
		return;
	bind_add("*", tui_bind_global, sizeof tui_bind_global /
	    sizeof tui_bind_global[0]);
	for (i = 0; i < TUI_NVIEWS; i++)
		bind_add(tui_views[i]->name, tui_views[i]->keys,
		    tui_views[i]->nkeys);
	bind_add("picker", tui_bind_picker, sizeof tui_bind_picker /
	    sizeof tui_bind_picker[0]);
}

static const struct {
	const char	*name;
	const char	*help;
} tui_requests[] = {
#define R(id, name, help) { name, help },
	TUI_REQ_INFO
#undef R
};

static const struct {
	int		 key;
	const char	*name;
} tui_keys[] = {
	{ KEY_DOWN, "Down" },
	{ KEY_UP, "Up" },
	{ KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" },
	{ KEY_NPAGE, "PgDn" },
	{ KEY_PPAGE, "PgUp" },
	{ KEY_HOME, "Home" },
	{ KEY_END, "End" },
	{ TUI_KEY_RETURN, "Enter" },
	{ KEY_ENTER, "KEnter" },
	{ TUI_KEY_TAB, "Tab" },
	{ KEY_BTAB, "S-Tab" },
	{ TUI_KEY_ESC, "Esc" },
	{ KEY_BACKSPACE, "Backspace" },
	{ ' ', "Space" },
	{ KEY_RESIZE, "Resize" },
};

const char *
tui_req_name(enum tui_request r)
{
	return (tui_requests[r].name);
}

const char *
tui_req_help(enum tui_request r)
{
	return (tui_requests[r].help);
}

const char *
tui_key_name(int key)
{
	static char	buf[16];
	size_t		i;

	for (i = 0; i < sizeof tui_keys / sizeof tui_keys[0]; i++) {
		if (tui_keys[i].key == key)
			return (tui_keys[i].name);
	}
	if (key > ' ' && key < 0x7f)
		snprintf(buf, sizeof buf, "%c", key);
	else if (key >= 0 && key < ' ')
		snprintf(buf, sizeof buf, "C-%c", key + 'a' - 1);
	else
		snprintf(buf, sizeof buf, "#%d", key);
	return (buf);
}

/* "<Name>" at s, as in scripts; *len is what it used. -1 if unknown. */
int
tui_key_parse(const char *s, size_t *len)
{
	const char	*end;
	size_t		 i, n;

	if (*s != '<' || (end = strchr(s, '>')) == NULL) {
		*len = 1;
		return ((unsigned char)*s);
	}
	n = (size_t)(end - s - 1);
	*len = n + 2;
	for (i = 0; i < sizeof tui_keys / sizeof tui_keys[0]; i++) {
		if (strlen(tui_keys[i].name) == n &&
		    strncmp(tui_keys[i].name, s + 1, n) == 0)
			return (tui_keys[i].key);
	}
	if (n == 3 && s[1] == 'C' && s[2] == '-')
		return (TUI_KEY_CTRL(s[3]));
	return (-1);
}

enum tui_request
tui_bind_lookup(const char *view, int key)
{
	size_t i;

	bind_ready();
	/* The view's own bindings first, then the global ones. */
	for (i = 0; i < tui_nbindings; i++) {
		if (tui_bindings[i].key == key &&
		    strcmp(tui_bindings[i].view, view) == 0)
			return (tui_bindings[i].req);
	}
	for (i = 0; i < tui_nbindings; i++) {
		if (tui_bindings[i].key == key &&
		    strcmp(tui_bindings[i].view, "*") == 0)
			return (tui_bindings[i].req);
	}
	return (TUI_REQ_NONE);
}

void
tui_bind_each(const char *view, void (*fn)(const struct tui_binding *,
    void *), void *arg)
{
	size_t i;

	bind_ready();
	for (i = 0; i < tui_nbindings; i++) {
		if (strcmp(tui_bindings[i].view, view) == 0)
			fn(&tui_bindings[i], arg);
	}
}

/* The first key of each request of view, for the footer. */
void
tui_bind_footer(const char *view, int (*skip)(void *, enum tui_request),
    void *state, char *buf, size_t len)
{
	int	seen[TUI_NREQ];
	size_t	i, o = 0;
	int	n;

	bind_ready();
	memset(seen, 0, sizeof seen);
	buf[0] = '\0';
	for (i = 0; i < tui_nbindings && o < len; i++) {
		if (strcmp(tui_bindings[i].view, view) != 0 ||
		    seen[tui_bindings[i].req] ||
		    (skip != NULL && skip(state, tui_bindings[i].req)))
			continue;
		seen[tui_bindings[i].req] = 1;
		n = snprintf(buf + o, len - o, "%s%s %s", o > 0 ? "  " : "",
		    tui_key_name(tui_bindings[i].key),
		    tui_req_name(tui_bindings[i].req));
		if (n < 0 || (size_t)n >= len - o) {
			buf[o] = '\0';
			break;
		}
		o += (size_t)n;
	}
}

void
tui_bind_markdown(FILE *f)
{
	const char	*view;
	size_t		 i, v;

	bind_ready();
	fprintf(f, "| view | key | action | what it does |\n");
	fprintf(f, "|---|---|---|---|\n");
	for (v = 0; v < TUI_NSCOPES; v++) {
		view = bind_scope(v);
		for (i = 0; i < tui_nbindings; i++) {
			if (strcmp(tui_bindings[i].view, view) != 0)
				continue;
			fprintf(f, "| %s | `%s` | %s | %s |\n",
			    v == 0 ? "all" : view,
			    tui_key_name(tui_bindings[i].key),
			    tui_req_name(tui_bindings[i].req),
			    tui_req_help(tui_bindings[i].req));
		}
	}
}

/* A key as a keys file names it: one character, or a name (<Enter>, C-x). */
static int
bind_key_word(const char *word)
{
	char	*named;
	size_t	 len;
	int	 key;

	if (word[0] != '\0' && word[1] == '\0' &&
	    (unsigned char)word[0] > ' ' && (unsigned char)word[0] < 0x7f)
		return ((unsigned char)word[0]);
	if (word[0] == '<')
		named = xstrdup(word);
	else
		xasprintf(&named, "<%s>", word);
	key = tui_key_parse(named, &len);
	if (len != strlen(named))
		key = -1;
	free(named);
	return (key == KEY_RESIZE ? -1 : key);
}

/* Sets view's binding of key to req (TUI_REQ_NONE: takes it away). */
static void
bind_set(const char *view, int key, enum tui_request req)
{
	size_t i;

	bind_ready();
	for (i = 0; i < tui_nbindings; i++) {
		if (tui_bindings[i].key != key ||
		    strcmp(tui_bindings[i].view, view) != 0)
			continue;
		if (req != TUI_REQ_NONE) {
			tui_bindings[i].req = req;
			return;
		}
		memmove(&tui_bindings[i], &tui_bindings[i + 1],
		    (tui_nbindings - i - 1) * sizeof *tui_bindings);
		tui_nbindings--;
		return;
	}
	if (req == TUI_REQ_NONE)
		return;
	tui_bindings = xreallocarray(tui_bindings, tui_nbindings + 1,
	    sizeof *tui_bindings);
	tui_bindings[tui_nbindings].view = view;
	tui_bindings[tui_nbindings].key = key;
	tui_bindings[tui_nbindings++].req = req;
}

/* One "bind VIEW KEY ACTION" line; 0, or -1 with *msg. */
static int
bind_line(char *line, char **msg)
{
	const char	*views[TUI_NSCOPES + 1];
	const char	*names[TUI_NREQ + 1], *near;
	char		*word[5], *p, *last, known[256];
	size_t		 n = 0, v, r, o = 0;
	int		 key;

	for (p = strtok_r(line, " \t", &last); p != NULL && n < 5;
	    p = strtok_r(NULL, " \t", &last))
		word[n++] = p;
	if (n != 4 || strcmp(word[0], "bind") != 0) {
		xasprintf(msg, "expected \"bind VIEW KEY ACTION\"");
		return (-1);
	}
	/* A file says "all" where the table says "*". */
	for (v = 0; v < TUI_NSCOPES; v++) {
		views[v] = v == 0 ? "all" : bind_scope(v);
		if (o < sizeof known)
			o += (size_t)snprintf(known + o, sizeof known - o,
			    "%s%s", v > 0 ? ", " : "", views[v]);
	}
	views[v] = NULL;
	for (v = 0; views[v] != NULL && strcmp(word[1], views[v]) != 0; v++)
		;
	if (views[v] == NULL) {
		near = suggest_word(word[1], views);
		xasprintf(msg, "unknown view \"%s\" (%s)%s%s%s", word[1], known,
		    near != NULL ? "; did you mean \"" : "",
		    near != NULL ? near : "", near != NULL ? "\"?" : "");
		return (-1);
	}
	if ((key = bind_key_word(word[2])) == -1) {
		xasprintf(msg, "unknown key \"%s\" (one character, or a name: "
		    "Enter, Esc, Tab, S-Tab, Space, Up, Down, Left, Right, "
		    "PgUp, PgDn, Home, End, Backspace, C-x)", word[2]);
		return (-1);
	}
	for (r = 0; r < TUI_NREQ; r++) {
		names[r] = tui_requests[r].name;
		if (strcmp(word[3], names[r]) == 0)
			break;
	}
	if (r == TUI_NREQ) {
		names[TUI_NREQ] = NULL;
		near = suggest_word(word[3], names);
		xasprintf(msg, "unknown action \"%s\" ('hitl review --keys' "
		    "lists them; none takes a key away)%s%s%s", word[3],
		    near != NULL ? "; did you mean \"" : "",
		    near != NULL ? near : "", near != NULL ? "\"?" : "");
		return (-1);
	}
	bind_set(bind_scope(v), key, (enum tui_request)r);
	return (0);
}

int
tui_bind_load(const char *path, char **cause)
{
	FILE		*f;
	char		 line[1024], *msg = NULL;
	unsigned	 lineno = 0;
	size_t		 len;
	int		 rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
			xasprintf(cause, "%s line %u: longer than %zu bytes",
			    path, lineno, sizeof line - 2);
			rc = -1;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		len = strspn(line, " \t");
		if (line[len] == '\0' || line[len] == '#')
			continue;
		if (bind_line(line + len, &msg) != 0) {
			xasprintf(cause, "%s line %u: %s", path, lineno, msg);
			free(msg);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return (rc);
}

void
tui_bind_free(void)
{
	free(tui_bindings);
	tui_bindings = NULL;
	tui_nbindings = 0;
}
