/*
 * Key bindings as data: one table of (view, key, request). The console's
 * keys, its footer, its help screen and the README's table all come from it.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

#define KEY_CTRL(c)	((c) & 0x1f)
#define KEY_ESC		0x1b
#define KEY_RETURN	'\r'
#define KEY_TAB		'\t'

static const struct tui_binding tui_bindings[] = {
	{ "*", 'j', TUI_REQ_DOWN },
	{ "*", KEY_DOWN, TUI_REQ_DOWN },
	{ "*", 'k', TUI_REQ_UP },
	{ "*", KEY_UP, TUI_REQ_UP },
	{ "*", KEY_NPAGE, TUI_REQ_PAGE_DOWN },
	{ "*", ' ', TUI_REQ_PAGE_DOWN },
	{ "*", KEY_PPAGE, TUI_REQ_PAGE_UP },
	{ "*", 'g', TUI_REQ_FIRST },
	{ "*", KEY_HOME, TUI_REQ_FIRST },
	{ "*", 'G', TUI_REQ_LAST },
	{ "*", KEY_END, TUI_REQ_LAST },
	{ "*", '?', TUI_REQ_HELP },
	{ "*", 'q', TUI_REQ_QUIT },

	{ "queue", KEY_RETURN, TUI_REQ_OPEN },
	{ "queue", KEY_ENTER, TUI_REQ_OPEN },
	{ "queue", 'n', TUI_REQ_NEXT },
	{ "queue", '/', TUI_REQ_SEARCH },
	{ "queue", 'f', TUI_REQ_FILTER },
	{ "queue", 'u', TUI_REQ_UNDO },
	{ "queue", 'E', TUI_REQ_INBOX },
	{ "queue", 'H', TUI_REQ_HANDOFF },
	{ "queue", 'A', TUI_REQ_ADJUDICATE },
	{ "queue", 'R', TUI_REQ_REVIEWERS },

	{ "item", 'a', TUI_REQ_APPROVE },
	{ "item", 'c', TUI_REQ_CORRECT },
	{ "item", 'e', TUI_REQ_ESCALATE },
	{ "item", 's', TUI_REQ_SKIP },
	{ "item", 'u', TUI_REQ_UNDO },
	{ "item", 'm', TUI_REQ_COMMENT },
	{ "item", 'C', TUI_REQ_CONFIRM },
	{ "item", KEY_TAB, TUI_REQ_SPAN_NEXT },
	{ "item", KEY_BTAB, TUI_REQ_SPAN_PREV },
	{ "item", 'y', TUI_REQ_SPAN_ACCEPT },
	{ "item", 'x', TUI_REQ_SPAN_REJECT },
	{ "item", 't', TUI_REQ_SPAN_RETYPE },
	{ "item", 'v', TUI_REQ_SELECT },
	{ "item", KEY_RETURN, TUI_REQ_SELECT },
	{ "item", KEY_LEFT, TUI_REQ_CURSOR_LEFT },
	{ "item", 'h', TUI_REQ_CURSOR_LEFT },
	{ "item", KEY_RIGHT, TUI_REQ_CURSOR_RIGHT },
	{ "item", 'l', TUI_REQ_CURSOR_RIGHT },
	{ "item", KEY_ESC, TUI_REQ_BACK },

	{ "inbox", KEY_RETURN, TUI_REQ_OPEN },
	{ "inbox", 'A', TUI_REQ_ACK },
	{ "inbox", 'R', TUI_REQ_RESOLVE },
	{ "inbox", KEY_ESC, TUI_REQ_BACK },

	/* An escalated item from the inbox; span mode makes a correction. */
	{ "escalation", 'A', TUI_REQ_ACK },
	{ "escalation", 'R', TUI_REQ_RESOLVE },
	{ "escalation", KEY_ESC, TUI_REQ_BACK },
	{ "escalation", KEY_TAB, TUI_REQ_SPAN_NEXT },
	{ "escalation", KEY_BTAB, TUI_REQ_SPAN_PREV },
	{ "escalation", 'y', TUI_REQ_SPAN_ACCEPT },
	{ "escalation", 'x', TUI_REQ_SPAN_REJECT },
	{ "escalation", 't', TUI_REQ_SPAN_RETYPE },
	{ "escalation", 'v', TUI_REQ_SELECT },
	{ "escalation", KEY_RETURN, TUI_REQ_SELECT },
	{ "escalation", KEY_LEFT, TUI_REQ_CURSOR_LEFT },
	{ "escalation", 'h', TUI_REQ_CURSOR_LEFT },
	{ "escalation", KEY_RIGHT, TUI_REQ_CURSOR_RIGHT },
	{ "escalation", 'l', TUI_REQ_CURSOR_RIGHT },

	/* Digits take the vote of that column. */
	{ "adjudication", '1', TUI_REQ_CHOOSE },
	{ "adjudication", '2', TUI_REQ_CHOOSE },
	{ "adjudication", '3', TUI_REQ_CHOOSE },
	{ "adjudication", '4', TUI_REQ_CHOOSE },
	{ "adjudication", '5', TUI_REQ_CHOOSE },
	{ "adjudication", '6', TUI_REQ_CHOOSE },
	{ "adjudication", '7', TUI_REQ_CHOOSE },
	{ "adjudication", '8', TUI_REQ_CHOOSE },
	{ "adjudication", '9', TUI_REQ_CHOOSE },
	{ "adjudication", 'a', TUI_REQ_SETTLE_APPROVE },
	{ "adjudication", KEY_ESC, TUI_REQ_BACK },

	{ "reviewers", KEY_ESC, TUI_REQ_BACK },

	{ "help", KEY_ESC, TUI_REQ_BACK },

	/* A choice on top of any view: a team, a label, a span to keep. */
	{ "picker", KEY_RETURN, TUI_REQ_PICK },
	{ "picker", KEY_ENTER, TUI_REQ_PICK },
	{ "picker", KEY_ESC, TUI_REQ_CANCEL },
	{ "picker", 'q', TUI_REQ_CANCEL },
};

#define NBINDINGS (sizeof tui_bindings / sizeof tui_bindings[0])

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
	{ KEY_RETURN, "Enter" },
	{ KEY_ENTER, "KEnter" },
	{ KEY_TAB, "Tab" },
	{ KEY_BTAB, "S-Tab" },
	{ KEY_ESC, "Esc" },
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
		return (KEY_CTRL(s[3]));
	return (-1);
}

enum tui_request
tui_bind_lookup(const char *view, int key)
{
	size_t i;

	/* The view's own bindings first, then the global ones. */
	for (i = 0; i < NBINDINGS; i++) {
		if (tui_bindings[i].key == key &&
		    strcmp(tui_bindings[i].view, view) == 0)
			return (tui_bindings[i].req);
	}
	for (i = 0; i < NBINDINGS; i++) {
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

	for (i = 0; i < NBINDINGS; i++) {
		if (strcmp(tui_bindings[i].view, view) == 0)
			fn(&tui_bindings[i], arg);
	}
}

/* The first key of each request of view, for the footer. */
void
tui_bind_footer(const char *view, int (*skip)(enum tui_request), char *buf,
    size_t len)
{
	int	seen[TUI_NREQ];
	size_t	i, o = 0;
	int	n;

	memset(seen, 0, sizeof seen);
	buf[0] = '\0';
	for (i = 0; i < NBINDINGS && o < len; i++) {
		if (strcmp(tui_bindings[i].view, view) != 0 ||
		    seen[tui_bindings[i].req] ||
		    (skip != NULL && skip(tui_bindings[i].req)))
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
	static const char *const views[] = {
		"*", "queue", "item", "inbox", "escalation", "adjudication",
		"reviewers", "help", "picker"
	};
	size_t	i, v;

	fprintf(f, "| view | key | action | what it does |\n");
	fprintf(f, "|---|---|---|---|\n");
	for (v = 0; v < sizeof views / sizeof views[0]; v++) {
		for (i = 0; i < NBINDINGS; i++) {
			if (strcmp(tui_bindings[i].view, views[v]) != 0)
				continue;
			fprintf(f, "| %s | `%s` | %s | %s |\n",
			    strcmp(views[v], "*") == 0 ? "all" : views[v],
			    tui_key_name(tui_bindings[i].key),
			    tui_req_name(tui_bindings[i].req),
			    tui_req_help(tui_bindings[i].req));
		}
	}
}
