/*
 * hitl completion: bash and zsh completion scripts written from the command
 * table (commands, their options, the words options and arguments take),
 * and the item ids the scripts offer for show and decide.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static int cmd_completion_exec(struct cmd_ctx *, struct cmd_args *,
    struct queue *);

static const char *const completion_shells[] = { "bash", "zsh", "ids", NULL };
static const struct option completion_options_none[] = { { NULL, 0, NULL, 0 } };

const struct cmd_entry cmd_completion_entry = {
	.name = "completion",
	.usage = "bash | zsh | ids [PREFIX]",
	.summary = "print a shell completion script",
	.help =
	    "'bash' and 'zsh' print a completion script for that shell, made\n"
	    "from hitl's command table: commands, options, the values of\n"
	    "options such as --format, subcommands, and the ids of waiting\n"
	    "items for show and decide (which the script asks 'hitl completion\n"
	    "ids PREFIX' for: the first 200 waiting items whose id starts with\n"
	    "PREFIX, one a line). make install installs both scripts.",
	.args = { "", 1, 2 },
	.longopts = completion_options_none,
	.subcommand_what = "shell",
	.exec = cmd_completion_exec,
	.subcommands = completion_shells,
};

/* The words as one line, space-separated (none holds a space or quote). */
static void
completion_list(FILE *f, const char *const *w)
{
	size_t i;

	for (i = 0; w != NULL && w[i] != NULL; i++)
		fprintf(f, "%s%s", i > 0 ? " " : "", w[i]);
}

/* "--name" of each long option, and of the arguments' too with args. */
static void
completion_options(FILE *f, const struct option *o, int with_arg)
{
	size_t	i;
	int	n = 0;

	for (i = 0; o != NULL && o[i].name != NULL; i++) {
		if (with_arg && o[i].has_arg == no_argument)
			continue;
		fprintf(f, "%s--%s", n++ > 0 ? " " : "", o[i].name);
	}
}

/* The short letters that take an argument, as "-o -n". */
static void
completion_short_args(FILE *f, const char *optstring)
{
	size_t i;

	for (i = 0; optstring != NULL && optstring[i] != '\0'; i++)
		if (optstring[i] != ':' && optstring[i + 1] == ':')
			fprintf(f, " -%c", optstring[i]);
}

/*
 * The shell functions both scripts share, written for any POSIX shell:
 * _hitl_commands, _hitl_opts CMD, _hitl_argopts CMD (the options that take
 * a value), _hitl_words CMD WHAT (an option's values, or positional N's)
 * and _hitl_item CMD (which positional is an item id).
 */
static void
completion_helpers(FILE *f)
{
	const struct cmd_entry *const	*e;
	const struct option		*o;
	const char *const		*w;
	char				 n[4];
	int				 i;

	fprintf(f, "_hitl_commands() {\n\techo \"");
	for (e = cmd_table; *e != NULL; e++)
		fprintf(f, "%s%s", e != cmd_table ? " " : "", (*e)->name);
	fprintf(f, "\"\n}\n\n_hitl_globals() {\n\techo \"");
	completion_options(f, cmd_global_options, 0);
	fprintf(f, "\"\n}\n\n_hitl_opts() {\n\tcase $1 in\n");
	for (e = cmd_table; *e != NULL; e++) {
		fprintf(f, "\t%s) echo \"", (*e)->name);
		completion_options(f, (*e)->longopts, 0);
		fprintf(f, "%s--help\" ;;\n", (*e)->longopts != NULL &&
		    (*e)->longopts[0].name != NULL ? " " : "");
	}
	fprintf(f, "\tesac\n}\n\n_hitl_argopts() {\n\tcase $1 in\n");
	for (e = cmd_table; *e != NULL; e++) {
		fprintf(f, "\t%s) echo \" ", (*e)->name);
		completion_options(f, (*e)->longopts, 1);
		completion_short_args(f, (*e)->args.optstring);
		fprintf(f, " \" ;;\n");
	}
	fprintf(f, "\tesac\n}\n\n_hitl_words() {\n\tcase \"$1 $2\" in\n");
	for (e = cmd_table; *e != NULL; e++) {
		if ((*e)->subcommands != NULL) {
			fprintf(f, "\t\"%s 1\") echo \"", (*e)->name);
			completion_list(f, (*e)->subcommands);
			fprintf(f, "\" ;;\n");
		}
		if ((*e)->words == NULL)
			continue;
		for (o = (*e)->longopts; o != NULL && o->name != NULL; o++) {
			/* None: a file, a time, a note; the shell's own. */
			if (o->has_arg == no_argument ||
			    (w = (*e)->words(o->name)) == NULL)
				continue;
			fprintf(f, "\t\"%s --%s\") echo \"", (*e)->name,
			    o->name);
			completion_list(f, w);
			fprintf(f, "\" ;;\n");
		}
		for (i = 1; i <= 9; i++) {
			snprintf(n, sizeof n, "%d", i);
			if ((w = (*e)->words(n)) == NULL)
				continue;
			fprintf(f, "\t\"%s %d\") echo \"", (*e)->name, i);
			completion_list(f, w);
			fprintf(f, "\" ;;\n");
		}
	}
	fprintf(f, "\t*) return 1 ;;\n\tesac\n}\n\n_hitl_item() {\n"
	    "\tcase $1 in\n");
	for (e = cmd_table; *e != NULL; e++)
		if ((*e)->item_arg > 0)
			fprintf(f, "\t%s) echo %d ;;\n", (*e)->name,
			    (*e)->item_arg);
	fprintf(f, "\t*) echo 0 ;;\n\tesac\n}\n\n");
	/*
	 * Where the cursor is: _hitl_cmd, the command; _hitl_pos, the
	 * positional argument it is on (1 the first); _hitl_db, a --db typed
	 * before the command, for the item ids. Arguments: the words before
	 * the cursor's, the command's name first.
	 */
	fprintf(f,
	    "_hitl_where() {\n"
	    "\t_hitl_cmd= _hitl_pos=1 _hitl_db=\n"
	    "\tshift\n"
	    "\twhile [ $# -gt 0 ]; do\n"
	    "\t\tif [ -z \"$_hitl_cmd\" ]; then\n"
	    "\t\t\tcase $1 in\n"
	    "\t\t\t--db) _hitl_db=$2; shift ;;\n"
	    "\t\t\t--db=*) _hitl_db=${1#--db=} ;;\n"
	    "\t\t\t--reviewer) shift ;;\n"
	    "\t\t\t-*) ;;\n"
	    "\t\t\t*) _hitl_cmd=$1 ;;\n"
	    "\t\t\tesac\n"
	    "\t\telse\n"
	    "\t\t\tcase $1 in\n"
	    "\t\t\t--*=*) ;;\n"
	    "\t\t\t-*) case $(_hitl_argopts \"$_hitl_cmd\") in\n"
	    "\t\t\t\t*\" $1 \"*) shift ;;\n"
	    "\t\t\t\tesac ;;\n"
	    "\t\t\t*) _hitl_pos=$((_hitl_pos + 1)) ;;\n"
	    "\t\t\tesac\n"
	    "\t\tfi\n"
	    "\t\t[ $# -gt 0 ] && shift\n"
	    "\tdone\n"
	    "}\n\n"
	    "_hitl_ids() {\n"
	    "\tif [ -n \"$_hitl_db\" ]; then\n"
	    "\t\thitl --db \"$_hitl_db\" completion ids \"$1\" 2>/dev/null\n"
	    "\telse\n"
	    "\t\thitl completion ids \"$1\" 2>/dev/null\n"
	    "\tfi\n"
	    "}\n\n");
}

static void
completion_bash(FILE *f)
{
	fprintf(f, "# bash completion for hitl, written by 'hitl completion "
	    "bash' from its command table.\n\n");
	completion_helpers(f);
	fprintf(f,
	    "_hitl() {\n"
	    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= words IFS=$' \\t\\n'\n"
	    "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\t_hitl_where \"${COMP_WORDS[@]:0:COMP_CWORD}\"\n"
	    "\tCOMPREPLY=()\n"
	    "\tif [ -z \"$_hitl_cmd\" ]; then\n"
	    "\t\tcase $prev in\n"
	    "\t\t--db) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	    "\t\t--reviewer) return ;;\n"
	    "\t\tesac\n"
	    "\t\tcase $cur in\n"
	    "\t\t-*) words=$(_hitl_globals) ;;\n"
	    "\t\t*) words=$(_hitl_commands) ;;\n"
	    "\t\tesac\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\tcase $(_hitl_argopts \"$_hitl_cmd\") in\n"
	    "\t*\" $prev \"*)\n"
	    "\t\tif words=$(_hitl_words \"$_hitl_cmd\" \"$prev\"); then\n"
	    "\t\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	    "\t\telse\n"
	    "\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\t\tfi\n"
	    "\t\treturn ;;\n"
	    "\tesac\n"
	    "\tcase $cur in\n"
	    "\t-*) COMPREPLY=($(compgen -W \"$(_hitl_opts \"$_hitl_cmd\")\" "
	    "-- \"$cur\")); return ;;\n"
	    "\tesac\n"
	    "\tif [ \"$(_hitl_item \"$_hitl_cmd\")\" = \"$_hitl_pos\" ]; then\n"
	    "\t\tlocal IFS=$'\\n'\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$(_hitl_ids \"$cur\")\" -- "
	    "\"$cur\"))\n"
	    "\telif words=$(_hitl_words \"$_hitl_cmd\" \"$_hitl_pos\"); then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	    "\telse\n"
	    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\tfi\n"
	    "}\n"
	    "complete -F _hitl hitl\n");
}

static void
completion_zsh(FILE *f)
{
	fprintf(f, "#compdef hitl\n# zsh completion for hitl, written by "
	    "'hitl completion zsh' from its command table.\n\n");
	completion_helpers(f);
	fprintf(f,
	    "_hitl() {\n"
	    "\tlocal cur=${words[CURRENT]} prev=${words[CURRENT-1]} w\n"
	    "\tlocal -a list\n"
	    "\t_hitl_where \"${(@)words[1,CURRENT-1]}\"\n"
	    "\tif [[ -z $_hitl_cmd ]]; then\n"
	    "\t\tcase $prev in\n"
	    "\t\t--db) _files; return ;;\n"
	    "\t\t--reviewer) return ;;\n"
	    "\t\tesac\n"
	    "\t\tif [[ $cur == -* ]]; then w=$(_hitl_globals); "
	    "else w=$(_hitl_commands); fi\n"
	    "\t\tcompadd -- ${=w}\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\tif [[ $(_hitl_argopts $_hitl_cmd) == *\" $prev \"* ]]; then\n"
	    "\t\tif w=$(_hitl_words $_hitl_cmd $prev); then compadd -- ${=w}; "
	    "else _files; fi\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\tif [[ $cur == -* ]]; then\n"
	    "\t\tw=$(_hitl_opts $_hitl_cmd); compadd -- ${=w}\n"
	    "\telif [[ $(_hitl_item $_hitl_cmd) == $_hitl_pos ]]; then\n"
	    "\t\tlist=(\"${(@f)$(_hitl_ids \"$cur\")}\")\n"
	    "\t\t(( ${#list} )) && [[ -n ${list[1]} ]] && compadd -- "
	    "\"${list[@]}\"\n"
	    "\telif w=$(_hitl_words $_hitl_cmd $_hitl_pos); then\n"
	    "\t\tcompadd -- ${=w}\n"
	    "\telse\n"
	    "\t\t_files\n"
	    "\tfi\n"
	    "}\n"
	    "\n"
	    "_hitl \"$@\"\n");
}

/* Waiting items whose id starts with prefix: at most 200, made safe. */
static int
completion_ids(struct cmd_ctx *ctx, const char *prefix)
{
	const struct cmd_entry	*e = &cmd_completion_entry;
	struct queue_row	*rows = NULL;
	struct queue		*q;
	size_t			 n = 0, i, len = strlen(prefix);
	char			*cause = NULL;
	int			 rc;

	if ((rc = cmd_open_actor(ctx, e, 0, &q)) != 0)
		return (rc);
	if ((rc = queue_page(q, NULL, QUEUE_PAGE_FIRST, NULL, 200, &rows, &n,
	    &cause)) != 0)
		rc = cmd_fail(e, rc, cause);
	for (i = 0; i < n; i++)
		if (strncmp(rows[i].item, prefix, len) == 0)
			cmd_line(stdout, "%s", rows[i].item);
	queue_rows_free(rows, n);
	cmd_close(q);
	return (rc);
}

/*
 * The database is opened here, not by cmd_run: only for the ids, the
 * scripts need none.
 */
static int
cmd_completion_exec(struct cmd_ctx *ctx, struct cmd_args *args,
    struct queue *none)
{
	const struct cmd_entry	*e = &cmd_completion_entry;
	const char		*shell = args->argv[0];

	(void)none;
	if (strcmp(shell, "ids") == 0)
		return (completion_ids(ctx, args->argc == 2 ? args->argv[1] :
		    ""));
	if (args->argc != 1)
		return (cmd_usage(e));
	if (strcmp(shell, "bash") == 0)
		completion_bash(stdout);
	else
		completion_zsh(stdout);
	return (EX_OK);
}
