/*
 * Where keys come from: the terminal, or a script for tests (keys are taken
 * only when the console is idle, between redraws). A script line is a
 * comment (#), a command (:screen-dump FILE, :resize COLSxLINES) or keys,
 * with named keys in angle brackets ("jj<Enter>a"). Anything else in it (an
 * unknown command or key name, a dump that cannot be written) ends the
 * script as an error, so that a typo never skips a comparison.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

static FILE	*input_script;
static char	 input_line[4096];
static size_t	 input_pos;
static int	 input_have;
static int	 input_ended;	/* the script ran out */
static unsigned	 input_lineno;
static char	*input_error;	/* what ended it, if not its end */

/* Ends the script: "key script line N: WHAT THING". */
static void
input_fail(const char *what, const char *thing)
{
	free(input_error);
	xasprintf(&input_error, "key script line %u: %s %s", input_lineno,
	    what, thing);
	input_ended = 1;
}

const char *
tui_input_error(void)
{
	return (input_error);
}

int
tui_input_open(const char *script, char **cause)
{
	if (script == NULL)
		return (0);
	if ((input_script = fopen(script, "r")) == NULL) {
		xasprintf(cause, "cannot open script %s: %s", script,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

void
tui_input_close(void)
{
	if (input_script != NULL)
		fclose(input_script);
	input_script = NULL;
	free(input_error);
	input_error = NULL;
}

int
tui_input_scripted(void)
{
	return (input_script != NULL);
}

/* The screen as text, trailing spaces trimmed, one line per row. */
static void
input_dump(const char *path)
{
	FILE	*f;
	cchar_t	 cc;
	wchar_t	 wc[CCHARW_MAX + 1];
	attr_t	 attrs;
	short	 pair;
	char	 mb[64], *line;
	size_t	 o, cap;
	int	 y, x, n;

	if ((f = fopen(path, "w")) == NULL) {
		input_fail("cannot write the screen dump", path);
		return;
	}
	cap = (size_t)COLS * 32 + 1;
	line = xmalloc(cap);
	for (y = 0; y < LINES; y++) {
		o = 0;
		for (x = 0; x < COLS; x++) {
			if (mvin_wch(y, x, &cc) == ERR)
				break;
			getcchar(&cc, wc, &attrs, &pair, NULL);
			/* The right half of a wide character is empty. */
			if (wc[0] == 0)
				continue;
			/* Line drawing, as the terminal shows it. */
			if (attrs & A_ALTCHARSET) {
				wc[0] = wc[0] == 'q' ? L'\x2500' :
				    wc[0] == 'x' ? L'\x2502' : wc[0];
				wc[1] = 0;
			}
			n = (int)wcstombs(mb, wc, sizeof mb);
			if (n <= 0 || o + (size_t)n >= cap)
				continue;
			memcpy(line + o, mb, (size_t)n);
			o += (size_t)n;
			/* A wide character fills the next column too. */
			if (wcwidth(wc[0]) == 2)
				x++;
		}
		while (o > 0 && line[o - 1] == ' ')
			o--;
		line[o] = '\0';
		fprintf(f, "%s\n", line);
	}
	free(line);
	fclose(f);
}

static int
input_command(struct tui *t, char *cmd)
{
	int c, l;

	cmd[strcspn(cmd, "\r\n")] = '\0';
	if (strncmp(cmd, ":screen-dump ", 13) == 0) {
		input_dump(cmd + 13);
		return (0);
	}
	if (strncmp(cmd, ":resize ", 8) == 0 &&
	    sscanf(cmd + 8, "%dx%d", &c, &l) == 2 && c > 0 && l > 0) {
		resizeterm(l, c);
		t->lines = l;
		t->cols = c;
		return (KEY_RESIZE);
	}
	input_fail("unknown command (:screen-dump FILE or :resize COLSxLINES):",
	    cmd);
	return (TUI_KEY_EOF);
}

int
tui_input_ended(void)
{
	return (input_ended);
}

int
tui_input_key(struct tui *t)
{
	size_t	len;
	int	key;

	if (input_script == NULL) {
		key = getch();
		if (key == KEY_RESIZE) {
			t->lines = LINES;
			t->cols = COLS;
		}
		return (key);
	}
	if (input_ended)
		return (TUI_KEY_EOF);
	for (;;) {
		if (!input_have || input_line[input_pos] == '\0' ||
		    input_line[input_pos] == '\n') {
			if (fgets(input_line, sizeof input_line,
			    input_script) == NULL) {
				input_ended = 1;
				return (TUI_KEY_EOF);
			}
			input_pos = 0;
			input_have = 1;
			input_lineno++;
			if (input_line[0] == '#' || input_line[0] == '\n')
				input_have = 0;
			else if (input_line[0] == ':') {
				input_have = 0;
				if ((key = input_command(t, input_line)) != 0)
					return (key);
				if (input_ended)
					return (TUI_KEY_EOF);
			}
			continue;
		}
		key = tui_key_parse(input_line + input_pos, &len);
		if (key == -1) {
			input_line[input_pos + len] = '\0';
			input_fail("unknown key", input_line + input_pos);
			return (TUI_KEY_EOF);
		}
		input_pos += len;
		return (key);
	}
}
