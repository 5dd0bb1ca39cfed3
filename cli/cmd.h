/*
 * The hitl command: global options, the table of subcommands and what they
 * share (opening the database, who is running, number formatting).
 */
#ifndef HITL_CMD_H
#define HITL_CMD_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "queue.h"

struct cmd_ctx {
	/* --db, $HITL_DB, else ./hitl.db or, shared, the shared database */
	const char	*db_path;
	int		 shared;	/* db_path is the shared database */
	const char	*reviewer;	/* --reviewer or $HITL_REVIEWER */
	/* hitl init: the role that owns a server's schema (--owner) */
	const char	*owner;
	const char	*progname;
};

struct cmd_entry;

/*
 * What the command line gave a command, parsed once (cmd_run) by its
 * entry's options: each option's last value and how often it was given,
 * looked up by the option's letter, and the arguments after the options.
 */
#define CMD_ARGS_NOPTS	128
struct cmd_args {
	const struct cmd_entry	*entry;
	int			 argc;	/* argv[0] is the first argument */
	char			**argv;
	const char		*value[CMD_ARGS_NOPTS];	/* "" for a flag */
	unsigned		 count[CMD_ARGS_NOPTS];
	char			*payload;	/* CMD_PAYLOAD's text, or NULL */
};

/* The number of times option ch was given (0: not given). */
unsigned	 cmd_args_has(const struct cmd_args *, int ch);
/* Option ch's value (its last one if repeated), or NULL if not given. */
const char	*cmd_args_get(const struct cmd_args *, int ch);

/* What a command needs opened before its exec runs. */
#define CMD_DB		0x1	/* the database (cmd_open) */
#define CMD_ACTOR	0x2	/* the database and who acts (cmd_open_actor) */
/* --payload (option 'p'), read before the open (cmd_read_payload) */
#define CMD_PAYLOAD	0x4

struct cmd_entry {
	const char		*name;
	const char		*usage;		/* after "hitl NAME " */
	const char		*summary;	/* one line for "hitl help" */
	const char		*help;		/* paragraph for "hitl help NAME" */
	/*
	 * The getopt string, and the bounds on the number of arguments after
	 * the options (upper -1: any number), checked by cmd_run with the
	 * usage as the error, like tmux's .args.
	 */
	struct {
		const char	*optstring;
		int		 lower;
		int		 upper;
	}			 args;
	/* NULL: no options at all, "-x" too is an argument (help's). */
	const struct option	*longopts;
	/*
	 * CMD_DB or CMD_ACTOR, with CMD_PAYLOAD; or 0: nothing, or what
	 * the exec opens itself
	 * (init and demo create it, import reads its inputs first, review
	 * opens none for --keys, completion only for ids, copy another).
	 */
	int			 flags;
	/*
	 * Optional: what the arguments must be beyond their count, checked
	 * before anything is opened (the usage or a message naming the
	 * option); returns a sysexits code, having said why.
	 */
	int			(*check)(const struct cmd_args *);
	/*
	 * What the command does, with the queue its flags asked for (else
	 * NULL), which cmd_run closes afterwards; returns a sysexits code.
	 */
	int			(*exec)(struct cmd_ctx *, struct cmd_args *,
				    struct queue *);
	/*
	 * For shell completion (hitl completion): the words a long option
	 * takes ("format" for --format) or a positional argument is ("1",
	 * "2"), NULL-terminated, or NULL (a file, a time, a note: the shell
	 * offers files); and which positional argument is an item id (0:
	 * none).
	 */
	const char *const	*(*words)(const char *what);
	/*
	 * The first argument's words (a subcommand), or NULL; cmd_run refuses
	 * another word, as an unknown "subcommand" (or subcommand_what),
	 * before it checks the count.
	 */
	const char *const	*subcommands;
	const char		*subcommand_what;
	int			 item_arg;
};

extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_policy_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_next_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_decide_entry;
extern const struct cmd_entry cmd_undo_entry;
extern const struct cmd_entry cmd_release_entry;
extern const struct cmd_entry cmd_takeover_entry;
extern const struct cmd_entry cmd_shift_entry;
extern const struct cmd_entry cmd_shifts_entry;
extern const struct cmd_entry cmd_reviewers_entry;
extern const struct cmd_entry cmd_agreement_entry;
extern const struct cmd_entry cmd_detectors_entry;
extern const struct cmd_entry cmd_models_entry;
extern const struct cmd_entry cmd_adjudication_entry;
extern const struct cmd_entry cmd_reviewer_entry;
extern const struct cmd_entry cmd_escalations_entry;
extern const struct cmd_entry cmd_escalation_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_review_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_reopen_entry;
extern const struct cmd_entry cmd_copy_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_completion_entry;
extern const struct cmd_entry cmd_suspend_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_purge_entry;
extern const struct cmd_entry cmd_erase_entry;

/* NULL-terminated, in the order "hitl help" lists them. */
extern const struct cmd_entry *const cmd_table[];

/* --kind's values, NULL-terminated. */
extern const char *const cmd_kind_names[];

/* hitl's own options, before the command name. */
extern const struct option cmd_global_options[];

/* The options of commands that take only --json. */
extern const struct option cmd_json_options[];

const struct cmd_entry *cmd_find(const char *name);
/*
 * "WHO: unknown command \"NAME\"; did you mean \"X\"?" (or where the list
 * is), made safe, on stderr; returns EX_USAGE.
 */
int	cmd_unknown(const char *who, const char *name);

/*
 * Runs a command: parses its options into a struct cmd_args (an error in
 * them: cmd_getopt's message and the usage), refuses an unknown subcommand,
 * checks the number of arguments against the entry's bounds (the usage
 * again), runs its check, reads the payload and opens what its flags ask
 * for, runs its exec and closes the queue; returns the sysexits code.
 * argv[0] is the command name.
 */
int	cmd_run(struct cmd_ctx *, const struct cmd_entry *, int, char **);

/*
 * getopt_long over the command's options, with getopt's own messages (which
 * echo the argument raw) silenced: on an unknown option or a missing or
 * unexpected value it prints "hitl NAME: unknown option --foo; 'hitl help
 * NAME' shows the options" (or "did you mean --for?" when a long option's
 * name is near), the option made safe, and returns '?'.
 */
int	cmd_getopt(const struct cmd_entry *, int, char **);
/* The same for hitl's global options (before the command name). */
int	cmd_getopt_global(int, char **, const char *optstring,
	    const struct option *);

/*
 * Prints one line for a person: formatted, then made safe as a whole (any
 * control, bidi or invisible character, a newline too, shown as a mark), and
 * a newline. Untrusted strings are printed through this.
 */
void	cmd_line(FILE *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Prints "hitl NAME: usage: hitl NAME USAGE" to stderr and returns
 * EX_USAGE.
 */
int	cmd_usage(const struct cmd_entry *);
/* "hitl NAME --help", "-h" and "hitl help NAME": usage, summary, help. */
void	cmd_help_print(FILE *, const struct cmd_entry *);
/*
 * Whether the command's arguments ask for its help (--help or -h as an
 * option): main prints it instead of running the command. Leaves getopt
 * ready for the command's own parse.
 */
int	cmd_help_asked(const struct cmd_entry *, int, char **);
/*
 * A value not among the names an option takes: prints "hitl NAME: MSG",
 * with "; did you mean \"X\"?" when one of names (NULL-terminated) is near
 * value, and returns EX_USAGE.
 */
int	cmd_fail_value(const struct cmd_entry *, const char *value,
	    const char *const *names, const char *msg);
/*
 * A word that must be one of names (a subcommand, decide's action): its
 * index, else prints "hitl NAME: unknown WHAT \"WORD\" (a, b); did you mean
 * \"a\"?" (cmd_fail_value) and returns -1.
 */
int	cmd_choice(const struct cmd_entry *, const char *what,
	    const char *word, const char *const *names);
/* Prints "hitl NAME: MESSAGE" to stderr, frees cause, returns rc. */
int	cmd_fail(const struct cmd_entry *, int rc, char *cause);

/*
 * Opens the database (the shared one with the group privilege raised for
 * the open alone); cmd_close closes it the same way, so that the last
 * close may remove the -wal and -shm files.
 */
int	cmd_open(struct cmd_ctx *, const struct cmd_entry *, int flags,
	    struct queue **);
void	cmd_close(struct queue *);

/*
 * Refuses a file about to be written for the user (an export, rejects)
 * that is in the state directory or is an SQLite database, which it would
 * replace or damage: a sysexits code, with the reason in *cause.
 */
int	cmd_check_output(const char *path, char **cause);

/* The operating-system login of the real user: never the environment. */
const char *cmd_login(void);

/*
 * From here on, ^C, a hang-up, SIGTERM or SIGQUIT first removes the
 * temporaries of files being written for the user that no export record
 * names (export_temps_unlink): they may hold personal data.
 */
void	cmd_temps_signals(void);

/* A decimal number from lo to hi, and nothing else: 0 and *v, else -1. */
int	cmd_number(const char *s, unsigned long long lo, unsigned long long hi,
	    unsigned long long *v);

/* "1,000,000" */
const char *cmd_count(uint64_t, char buf[32]);

/*
 * Prints a JSON value on one line (or indented) and frees it; DEL, C1
 * controls, bidi and invisible characters are written as \u escapes.
 */
void	cmd_print_json(FILE *, struct cJSON *, int pretty);

/* Reads a whole file ("-" is stdin); returns a sysexits code. */
int	cmd_read_file(const char *path, char **buf, size_t *len,
	    char **cause);
/*
 * The --payload of decide and escalation resolve: inline JSON if it starts
 * with "{", else a file ("-" is stdin), refused (EX_DATAERR, with the byte)
 * if it holds a NUL byte.
 */
int	cmd_read_payload(const char *arg, char **out, char **cause);

/* Items, leases and decisions as JSON (stable) or sanitized text. */
/* With history set, the item carries "history" (hist may then be empty). */
cJSON	*cmd_item_json(const struct queue_item *, int history,
	    const struct queue_decision_info *, size_t);
cJSON	*cmd_lease_json(const struct queue_lease *);
cJSON	*cmd_decision_json(const struct queue_decision_info *);
/*
 * The decision on an item that waits for a second reviewer (the
 * two-person rule), as a line saying how to confirm it; lease 0 leaves
 * the lease out of that.
 */
void	 cmd_pending_print(FILE *, const struct queue_decision_info *,
	    int64_t lease);
/* A purge's or erase's items (receipt: with decisions and export runs). */
cJSON	*cmd_tombstones_json(const struct queue_tombstone_report *,
	    int receipt);
/* q's clock says how long a waiting item has waited. */
void	 cmd_item_print(FILE *, struct queue *, const struct queue_item *,
	    const struct queue_decision_info *, size_t);

/*
 * Where a server's database keeps its signing key: the shared install's
 * state directory, else $XDG_CONFIG_HOME/hitl (made 0700 if missing).
 */
int	cmd_keydir(const char **, char **cause);

/*
 * Opens the database and sets who is acting (login, or the override);
 * cmd_set_actor sets it on a queue already open. On the shared database
 * an override is refused, before anything is opened.
 */
int	cmd_open_actor(struct cmd_ctx *, const struct cmd_entry *, int flags,
	    struct queue **);
int	cmd_set_actor(struct cmd_ctx *, const struct cmd_entry *,
	    struct queue *);

/* Shared by init, demo and policy: validate and load a policy file. */
int	cmd_policy_load_file(struct cmd_ctx *, const struct cmd_entry *,
	    struct queue *, const char *path);
/*
 * Shared by suspend and resume: their options, --model M or --pipeline P
 * (one of them, checked by cmd_source_check), --reason and --json; and the
 * whole of both, told apart by args->entry. The JSON of a suspension and
 * its line for people (made safe), shared with status.
 */
extern const struct option cmd_source_options[];
int	 cmd_source_check(const struct cmd_args *);
int	 cmd_source_exec(struct cmd_ctx *, struct cmd_args *, struct queue *);
cJSON	*cmd_suspension_json(const struct queue_suspension *);
void	 cmd_suspension_line(FILE *, const char *indent,
	    const struct queue_suspension *);

/* Shared by status and demo. */
int	cmd_status_print(struct queue *, int json, char **cause);

#endif
