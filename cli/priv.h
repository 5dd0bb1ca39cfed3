/*
 * The group privilege of a shared install (configure --with-shared-group):
 * hitl is setgid GROUP over a state directory only GROUP may enter, and
 * reviewers, who are not in GROUP, reach the shared database only through
 * it. The process runs with the user's own group from the start of main;
 * GROUP stays only as the saved set-group-ID, raised to open and to close
 * the shared database and its key, and given up for good for any other
 * database and in a child before it runs a program. Everything else hitl
 * reads or writes for the user (inputs, exports, rejects, scripts, screen
 * dumps, recovery files) is therefore read and written as the user alone.
 *
 * In a single-user build there is no privilege: a group hitl was somehow
 * made setgid to is given up at once, and the rest does nothing.
 */
#ifndef HITL_PRIV_H
#define HITL_PRIV_H

/* The very first thing main does. */
void		 priv_init(void);

/*
 * Which database hitl works on: ASKED (--db or HITL_DB) or, when NULL, the
 * default (the shared database in a shared install: a server's when the
 * state directory's "database" file names one, else its hitl.db; ./hitl.db
 * otherwise).
 * Any spelling of the shared database (a link, "..") becomes its own path,
 * and sets *shared; any other file in the state directory is refused
 * (EX_NOPERM); for every other file the group privilege is given up for
 * good before this returns.
 */
int		 priv_select_db(const char *asked, const char **path,
		     int *shared, char **cause);

/*
 * Around queue_open and queue_close of the shared database only; both do
 * nothing once the privilege is given up (or in a single-user build).
 * Failing to lower it again is fatal: the process exits.
 */
void		 priv_raise(void);
void		 priv_lower(void);
/* Gives the group up for good (fatal if it cannot). */
void		 priv_drop(void);
/* Whether this process can still raise the group. */
int		 priv_held(void);

/*
 * The one reader of hitl's environment variables. For the shared database
 * those that change what hitl records or how (HITL_NOW, HITL_BUSY_TIMEOUT)
 * are ignored, with a note on stderr; for any other database they work as
 * in a single-user build. (secure_getenv does not fit: it answers NULL for
 * the whole life of a setgid process, also once it has given the group up
 * for a database of the user's own.)
 */
const char	*priv_getenv(const char *name);

/*
 * Where the key of the shared database is kept when it is a server's (the
 * state directory); NULL for any other database.
 */
const char	*priv_keydir(void);

/*
 * Refuses (EX_NOPERM) a file to be written for the user in the state
 * directory: nothing hitl writes for a person goes there.
 */
int		 priv_check_output(const char *path, char **cause);

/*
 * The console, when the privilege is held: ncurses trusts TERMINFO,
 * TERMINFO_DIRS, TERMCAP and ~/.terminfo as soon as the effective group is
 * the real one, so they are taken out of its sight before it starts
 * (priv_terminal_hide), HOME comes back once the terminal is set up
 * (priv_terminal_ready), and all of them in the child that runs the editor,
 * which gives the group up for good first (priv_child).
 */
void		 priv_terminal_hide(void);
void		 priv_terminal_ready(void);
void		 priv_child(void);

#endif
