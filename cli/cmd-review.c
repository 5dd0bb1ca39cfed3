/*
 * hitl review: the console in which reviewers spend their shift, with the
 * reviewer's own key bindings; also the bindings in force as a table
 * (--keys), which for the defaults is the README's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "hooks.h"
#include "priv.h"
#include "tui.h"
#include "xmalloc.h"

static int cmd_review_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const struct option cmd_review_options[] = {
	{ "script", required_argument, NULL, 's' },
	{ "keys", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.usage = "[--script FILE] | --keys",
	.summary = "open the review console",
	.help =
	    "Opens the console on the database: the queue list, the item under\n"
	    "review, decisions with single keys ('?' lists them), the\n"
	    "escalation inbox for leads (E). Quitting ends the shift and asks\n"
	    "for a hand-off note. --script FILE (or $HITL_SCRIPT) takes the\n"
	    "keys from FILE instead of the terminal, for tests. Key bindings\n"
	    "come from $XDG_CONFIG_HOME/hitl/keys (else ~/.config/hitl/keys)\n"
	    "when it exists: lines 'bind VIEW KEY ACTION'. --keys prints the\n"
	    "bindings in force as a Markdown table.",
	.args = { "s:k", 0, 0 },
	.longopts = cmd_review_options,
	.exec = cmd_review_exec,
};

/*
 * The reviewer's keys file, read as the user (the process has only their
 * group here): $XDG_CONFIG_HOME/hitl/keys, else ~/.config/hitl/keys.
 */
static int
review_keys(const struct cmd_entry *e)
{
	const char	*base, *home;
	char		*path = NULL, *cause = NULL;
	int		 rc = 0;

	if ((base = getenv("XDG_CONFIG_HOME")) != NULL && *base == '/')
		xasprintf(&path, "%s/hitl/keys", base);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.config/hitl/keys", home);
	if (path != NULL && tui_bind_load(path, &cause) != 0)
		rc = cmd_fail(e, EX_CONFIG, cause);
	free(path);
	return (rc);
}

/*
 * The database is opened here, not by cmd_run: after the reviewer's keys
 * are read, and not at all for --keys.
 */
static int
cmd_review_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *none)
{
	const struct cmd_entry	*e = &cmd_review_entry;
	struct tui_options	 opt;
	struct queue		*q;
	char			*cause = NULL;
	int			 rc;

	(void)none;
	memset(&opt, 0, sizeof opt);
	/* Its keys are read, and its screen dumps written, as the user. */
	opt.script = priv_getenv("HITL_SCRIPT");
	if (opt.script != NULL && *opt.script == '\0')
		opt.script = NULL;
	if (cmd_args_has(args, 's'))
		opt.script = cmd_args_get(args, 's');
	if ((rc = review_keys(e)) != 0)
		goto out;
	if (cmd_args_has(args, 'k')) {
		tui_bind_markdown(stdout);
		goto out;
	}
	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		goto out;
	/* queue_path: a server's password is never shown. */
	opt.db_label = queue_path(q);
	/* While the group can be raised, ncurses reads only system terminfo. */
	priv_terminal_hide();
	opt.terminal_ready = priv_terminal_ready;
	opt.before_exec = priv_child;
	/* A hook's warning would land on the screen: it waits for the end. */
	hooks_defer(1);
	rc = tui_run(q, &opt, &cause);
	hooks_defer(0);
	if (rc != 0)
		rc = cmd_fail(e, rc, cause);
	cmd_close(q);
out:
	tui_bind_free();
	return (rc);
}
