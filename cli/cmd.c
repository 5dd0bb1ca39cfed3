/*
 * What the subcommands share: parsing and running them, usage and error
 * messages, opening the database, the login of the user, output helpers.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "hooks.h"
#include "place.h"
#include "priv.h"
#include "suggest.h"
#include "textsafe.h"
#include "xmalloc.h"

/* The val of the --help every command takes: no short option's letter. */
#define CMD_OPT_HELP	0x100

int
cmd_usage(const struct cmd_entry *e)
{
	fprintf(stderr, "hitl %s: usage: hitl %s %s\n", e->name, e->name,
	    e->usage);
	return (EX_USAGE);
}

void
cmd_help_print(FILE *f, const struct cmd_entry *e)
{
	/* The summary is a phrase ("describe the commands"): a sentence. */
	fprintf(f, "usage: hitl %s %s\n\n%c%s.\n\n%s\n", e->name, e->usage,
	    e->summary[0] >= 'a' && e->summary[0] <= 'z' ? e->summary[0] -
	    'a' + 'A' : e->summary[0], e->summary + 1, e->help);
}

/*
 * Whether --help or -h is among the command's options, as getopt_long would
 * read them (not, say, the value of --note): parsed once more on a copy of
 * argv (glibc's getopt reorders it), with the command's own options and
 * these two; any error is left for the command's own parse to report.
 */
int
cmd_help_asked(const struct cmd_entry *e, int argc, char **argv)
{
	struct option	*lo;
	char		**av, *optstring;
	size_t		 n = 0;
	int		 ch, asked = 0;

	while (e->longopts != NULL && e->longopts[n].name != NULL)
		n++;
	lo = xcalloc(n + 2, sizeof *lo);
	if (n > 0)
		memcpy(lo, e->longopts, n * sizeof *lo);
	lo[n].name = "help";
	lo[n].has_arg = no_argument;
	lo[n].val = CMD_OPT_HELP;
	xasprintf(&optstring, "%sh", e->args.optstring);
	av = xcalloc((size_t)argc + 1, sizeof *av);
	memcpy(av, argv, (size_t)argc * sizeof *av);
	opterr = 0;
	optind = 0;
	while (!asked && (ch = getopt_long(argc, av, optstring, lo,
	    NULL)) != -1)
		asked = ch == CMD_OPT_HELP || ch == 'h';
	optind = 0;	/* glibc: the command's own parse starts afresh */
	free(av);
	free(optstring);
	free(lo);
	return (asked);
}

int
cmd_choice(const struct cmd_entry *e, const char *what, const char *word,
    const char *const *names)
{
	char	*list = xstrdup(""), *was, *msg;
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(word, names[i]) == 0) {
			free(list);
			return (i);
		}
		was = list;
		xasprintf(&list, "%s%s%s", was, i > 0 ? ", " : "", names[i]);
		free(was);
	}
	xasprintf(&msg, "unknown %s \"%s\" (%s)", what, word, list);
	cmd_fail_value(e, word, names, msg);
	free(msg);
	free(list);
	return (-1);
}

int
cmd_fail_value(const struct cmd_entry *e, const char *value,
    const char *const *names, const char *msg)
{
	const char	*near;
	char		*cause;

	if ((near = suggest_word(value, names)) != NULL)
		xasprintf(&cause, "%s; did you mean \"%s\"?", msg, near);
	else
		cause = xstrdup(msg);
	return (cmd_fail(e, EX_USAGE, cause));
}

int
cmd_fail(const struct cmd_entry *e, int rc, char *cause)
{
	/* Causes may quote what a record contained. */
	cmd_line(stderr, "hitl %s: %s", e->name, cause != NULL ? cause :
	    "failed");
	free(cause);
	return (rc);
}

void
cmd_line(FILE *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *safe;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	safe = textsafe_copy(s, strlen(s), 0, NULL);
	fputs(safe, f);
	fputc('\n', f);
	free(safe);
	free(s);
}

/*
 * What getopt_long refused, said without echoing more than the option's name.
 * A long option is always behind optind once refused; optopt is 0 when it is
 * unknown (or ambiguous), else its value. A short one may still be at optind,
 * inside a cluster, and optopt is its letter.
 */
static void
cmd_option_error(const char *who, const char *hint, int argc, char **argv,
    const char *optstring, const struct option *longopts)
{
	const struct option	*lo = NULL;
	struct suggest		 near;
	const char		*word = "", *p;
	char			*name;
	size_t			 n = 0;

	if (optind >= 1 && optind <= argc) {
		word = argv[optind - 1];
		n = strcspn(word, "=");
	}
	if (strncmp(word, "--", 2) == 0) {
		/* getopt_long takes any unambiguous prefix of the name. */
		for (lo = longopts; lo != NULL && lo->name != NULL; lo++) {
			if (lo->val == optopt &&
			    strncmp(lo->name, word + 2, n - 2) == 0)
				break;
		}
		if (lo != NULL && lo->name == NULL)
			lo = NULL;
	}
	if (optopt == 0 && strncmp(word, "--", 2) == 0 && n > 2) {
		/* Every command takes --help too (cmd_help_asked). */
		name = xstrndup(word + 2, n - 2);
		suggest_init(&near, name);
		for (lo = longopts; lo != NULL && lo->name != NULL; lo++)
			suggest_add(&near, lo->name);
		suggest_add(&near, "help");
		if (near.best != NULL)
			cmd_line(stderr, "%s: unknown option %.*s; did you mean "
			    "--%s?", who, (int)n, word, near.best);
		else
			cmd_line(stderr, "%s: unknown option %.*s; %s", who,
			    (int)n, word, hint);
		free(name);
	} else if (optopt == 0)
		cmd_line(stderr, "%s: unknown option %.*s; %s", who, (int)n,
		    word, hint);
	else if (lo != NULL)
		cmd_line(stderr, "%s: option --%s %s; %s", who, lo->name,
		    lo->has_arg == required_argument ? "needs a value" :
		    "takes no value", hint);
	else if (optopt != ':' && optopt != '+' &&
	    (p = strchr(optstring, optopt)) != NULL && p[1] == ':')
		cmd_line(stderr, "%s: option -%c needs a value; %s", who,
		    optopt, hint);
	else
		cmd_line(stderr, "%s: unknown option -%c; %s", who, optopt,
		    hint);
}

int
cmd_getopt(const struct cmd_entry *e, int argc, char **argv)
{
	char	*who, *hint;
	int	 ch;

	opterr = 0;
	ch = getopt_long(argc, argv, e->args.optstring, e->longopts, NULL);
	if (ch == '?') {
		xasprintf(&who, "hitl %s", e->name);
		xasprintf(&hint, "'hitl help %s' shows the options", e->name);
		cmd_option_error(who, hint, argc, argv, e->args.optstring,
		    e->longopts);
		free(hint);
		free(who);
	}
	return (ch);
}

int
cmd_getopt_global(int argc, char **argv, const char *optstring,
    const struct option *longopts)
{
	int ch;

	opterr = 0;
	ch = getopt_long(argc, argv, optstring, longopts, NULL);
	if (ch == '?')
		cmd_option_error("hitl", "'hitl --help' shows the options",
		    argc, argv, optstring, longopts);
	return (ch);
}

/*
 * A server's database keeps its signing key in a directory of hitl's: the
 * shared install's state directory, else $XDG_CONFIG_HOME/hitl (made 0700
 * if missing). Copy the key there on every host that reviews the queue.
 */
int
cmd_keydir(const char **out, char **cause)
{
	static char	*dir;
	const char	*base, *home;
	char		*parent = NULL;
	int		 rc = 0;

	if ((*out = priv_keydir()) != NULL || dir != NULL) {
		if (*out == NULL)
			*out = dir;
		return (0);
	}
	if ((base = getenv("XDG_CONFIG_HOME")) != NULL && *base == '/')
		xasprintf(&dir, "%s/hitl", base);
	else if ((home = getenv("HOME")) != NULL && *home == '/') {
		xasprintf(&parent, "%s/.config", home);
		if (mkdir(parent, 0700) != 0 && errno != EEXIST)
			rc = EX_CANTCREAT;
		xasprintf(&dir, "%s/hitl", parent);
	} else
		dir = xstrdup(".");
	if (rc == 0 && mkdir(dir, 0700) != 0 && errno != EEXIST)
		rc = EX_CANTCREAT;
	if (rc != 0)
		xasprintf(cause, "cannot make %s for the signing keys of server "
		    "databases: %s", parent != NULL && access(parent, F_OK) !=
		    0 ? parent : dir, strerror(errno));
	free(parent);
	*out = dir;
	return (rc);
}

int
cmd_open(struct cmd_ctx *ctx, const struct cmd_entry *e, int flags,
    struct queue **q)
{
	struct queue_options	 o;
	const char		*env;
	char			*cause = NULL;
	int			 rc;

	memset(&o, 0, sizeof o);
	o.path = ctx->db_path;
	o.flags = flags | (ctx->shared ? QUEUE_OPEN_SHARED : 0);
	o.owner = ctx->owner;
	if (queue_names_server(o.path) && (rc = cmd_keydir(&o.keydir,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	/* For tests and reproducible demos only; documented in hitl(1). */
	o.clock = priv_getenv("HITL_NOW");
	if ((env = priv_getenv("HITL_BUSY_TIMEOUT")) != NULL)
		o.busy_timeout_ms = atoi(env);
	/*
	 * The database, its -wal and -shm and the key are all opened in
	 * queue_open (it reads and migrates), and stay open until the close.
	 */
	priv_raise();
	rc = queue_open_with(&o, q, &cause);
	priv_lower();
	if (rc != 0)
		return (cmd_fail(e, rc, cause));
	/* The policy's hooks run for what the command does. */
	hooks_install(*q, e->name);
	return (0);
}

void
cmd_close(struct queue *q)
{
	priv_raise();
	queue_close(q);
	priv_lower();
}

int
cmd_check_output(const char *path, char **cause)
{
	static const char	magic[16] = "SQLite format 3";
	struct stat		sb;
	char			head[16];
	int			fd, rc;
	ssize_t			n;

	if ((rc = priv_check_output(path, cause)) != 0)
		return (rc);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return (0);
	n = read(fd, head, sizeof head);
	close(fd);
	if (n == (ssize_t)sizeof head && memcmp(head, magic,
	    sizeof head) == 0) {
		xasprintf(cause, "%s is a database: hitl will not write over "
		    "it; name another file", path);
		return (EX_CANTCREAT);
	}
	return (0);
}

/*
 * Stopped by ^C, a hang-up or a SIGTERM while writing: what no record
 * names yet goes (it may hold personal data), then the default action.
 */
static void
cmd_temps_stopped(int sig)
{
	export_temps_unlink();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
cmd_temps_signals(void)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_temps_stopped;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

int
cmd_number(const char *s, unsigned long long lo, unsigned long long hi,
    unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < lo || *v > hi)
		return (-1);
	return (0);
}

const char *
cmd_login(void)
{
	static char	 name[256];
	struct passwd	*pw;

	/* The real uid: a setgid hitl's user is who ran it. */
	if (name[0] == '\0') {
		if ((pw = getpwuid(getuid())) != NULL)
			snprintf(name, sizeof name, "%s", pw->pw_name);
		else
			snprintf(name, sizeof name, "uid%lu",
			    (unsigned long)getuid());
	}
	return (name);
}

const char *
cmd_count(uint64_t n, char buf[32])
{
	char	tmp[32];
	size_t	len, i, o = 0;

	len = (size_t)snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return (buf);
}

void
cmd_print_json(FILE *f, cJSON *v, int pretty)
{
	char *s, *safe;

	s = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v);
	if (s != NULL) {
		safe = textsafe_json(s);
		fputs(safe, f);
		fputc('\n', f);
		free(safe);
	}
	free(s);
	cJSON_Delete(v);
}

int
cmd_read_file(const char *path, char **buf, size_t *len, char **cause)
{
	FILE	*f;
	char	 chunk[65536];
	size_t	 n;
	int	 rc = 0, error;

	*buf = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL) {
		error = errno;
		xasprintf(cause, "cannot open %s: %s", path, strerror(error));
		return (error == ENOENT || error == EACCES ? EX_NOINPUT :
		    EX_IOERR);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		*buf = xrealloc(*buf, *len + n + 1);
		memcpy(*buf + *len, chunk, n);
		*len += n;
	}
	if (ferror(f)) {
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		rc = EX_IOERR;
	}
	if (f != stdin)
		fclose(f);
	if (*buf == NULL)
		*buf = xstrdup("");
	else
		(*buf)[*len] = '\0';
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
	}
	return (rc);
}

int
cmd_read_payload(const char *arg, char **out, char **cause)
{
	const char	*nul;
	size_t		 len;
	int		 rc;

	if (arg[0] == '{') {
		*out = xstrdup(arg);
		return (0);
	}
	if ((rc = cmd_read_file(arg, out, &len, cause)) != 0)
		return (rc);
	/* Read to its end: a NUL would end the payload early for C. */
	if ((nul = memchr(*out, '\0', len)) != NULL) {
		xasprintf(cause, "payload %s: NUL byte at byte %zu (a payload "
		    "is JSON text, which holds none)", strcmp(arg, "-") == 0 ?
		    "(standard input)" : arg, (size_t)(nul - *out) + 1);
		free(*out);
		*out = NULL;
		return (EX_DATAERR);
	}
	return (0);
}

/* Refused before anything is opened: see cmd_open_actor. */
static int
cmd_refuse_override(struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	char *cause;

	/* On the shared host, whatever the policy: the login is who acts. */
	if (ctx->shared && ctx->reviewer != NULL && *ctx->reviewer != '\0') {
		xasprintf(&cause, "--reviewer and HITL_REVIEWER are refused "
		    "for the shared database: you act as your login (%s); "
		    "unset HITL_REVIEWER", cmd_login());
		return (cmd_fail(e, EX_NOPERM, cause));
	}
	return (0);
}

int
cmd_set_actor(struct cmd_ctx *ctx, const struct cmd_entry *e,
    struct queue *q)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = cmd_refuse_override(ctx, e)) != 0)
		return (rc);
	if ((rc = queue_set_actor(q, cmd_login(), ctx->reviewer,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	return (0);
}

int
cmd_open_actor(struct cmd_ctx *ctx, const struct cmd_entry *e, int flags,
    struct queue **q)
{
	int rc;

	if ((rc = cmd_refuse_override(ctx, e)) != 0 ||
	    (rc = cmd_open(ctx, e, flags, q)) != 0)
		return (rc);
	if ((rc = cmd_set_actor(ctx, e, *q)) != 0) {
		cmd_close(*q);
		*q = NULL;
	}
	return (rc);
}

const char *const cmd_kind_names[] = { "model_output", "anonymization",
    NULL };

const struct option cmd_json_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

unsigned
cmd_args_has(const struct cmd_args *args, int ch)
{
	return (ch > 0 && ch < CMD_ARGS_NOPTS ? args->count[ch] : 0);
}

const char *
cmd_args_get(const struct cmd_args *args, int ch)
{
	return (ch > 0 && ch < CMD_ARGS_NOPTS ? args->value[ch] : NULL);
}

/* The options into args, 0; -1 on an error in them (cmd_getopt said it). */
static int
cmd_args_parse(const struct cmd_entry *e, int argc, char **argv,
    struct cmd_args *args)
{
	int ch;

	memset(args, 0, sizeof *args);
	args->entry = e;
	optind = 0;	/* glibc: getopt starts afresh */
	if (e->longopts == NULL)
		optind = 1;	/* no options: every word is an argument */
	while (e->longopts != NULL &&
	    (ch = cmd_getopt(e, argc, argv)) != -1) {
		/* Every option's val is a letter of its optstring. */
		if (ch <= 0 || ch >= CMD_ARGS_NOPTS || ch == '?' || ch == ':')
			return (-1);
		args->value[ch] = optarg != NULL ? optarg : "";
		args->count[ch]++;
	}
	args->argc = argc - optind;
	args->argv = argv + optind;
	return (0);
}

int
cmd_run(struct cmd_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv)
{
	struct cmd_args	 args;
	struct queue	*q = NULL;
	const char	*payload;
	char		*cause = NULL;
	int		 rc = 0;

	if (cmd_args_parse(e, argc, argv, &args) != 0)
		return (cmd_usage(e));
	if (e->subcommands != NULL && args.argc >= 1 && cmd_choice(e,
	    e->subcommand_what != NULL ? e->subcommand_what : "subcommand",
	    args.argv[0], e->subcommands) == -1)
		return (EX_USAGE);
	if (args.argc < e->args.lower || (e->args.upper != -1 &&
	    args.argc > e->args.upper))
		return (cmd_usage(e));
	if (e->check != NULL && (rc = e->check(&args)) != 0)
		return (rc);
	/* A payload is read whole (a pipe to its end) before the open. */
	if ((e->flags & CMD_PAYLOAD) && (payload = cmd_args_get(&args,
	    'p')) != NULL && (rc = cmd_read_payload(payload, &args.payload,
	    &cause)) != 0)
		return (cmd_fail(e, rc, cause));
	if (e->flags & CMD_ACTOR)
		rc = cmd_open_actor(ctx, e, 0, &q);
	else if (e->flags & CMD_DB)
		rc = cmd_open(ctx, e, 0, &q);
	if (rc == 0)
		rc = e->exec(ctx, &args, q);
	if (q != NULL)
		cmd_close(q);
	free(args.payload);
	return (rc);
}
