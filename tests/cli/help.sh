#!/bin/sh
# Every command's --help and -h, "did you mean" for misspelt commands,
# options and option values, and the "hitl CMD: " prefix on errors.
if [ "${HITL_TEST_BACKEND:-sqlite}" != sqlite ]; then
	# Help and usage errors come before any database is opened.
	echo "SKIP: help: no database is involved: its run on sqlite checks it"
	exit 77
fi
. "$SRCDIR/tests/cli/lib.sh"

ESC=$(printf '\033')

# expect_line TEXT: stderr is exactly this one line.
expect_line() {
	_lib_where="stderr is: $1"
	[ "$(cat "$T/err")" = "$1" ] || fail "stderr is not \"$1\"" "$T/err"
}

# expect_prefix CMD: every line of stderr starts with "hitl CMD: ".
expect_prefix() {
	_lib_where="stderr's lines start with hitl $1:"
	[ -s "$T/err" ] || fail "no error from hitl $1"
	! grep -v -e "^hitl $1: " "$T/err" >/dev/null ||
	    fail "a line of stderr lacks \"hitl $1: \"" "$T/err"
}

# --- --help and -h for every command in the table ----------------------------

step "--help and -h"
expect_exit 0 "$HITL" help
cmds=$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$T/out")
[ "$(echo "$cmds" | wc -l)" -ge 20 ] ||
    fail "hitl help lists fewer than 20 commands" "$T/out"
for c in $cmds; do
	expect_exit 0 "$HITL" help "$c"
	cp "$T/out" "$T/help-$c"
	[ "$(head -n 1 "$T/help-$c" | cut -c 1-$((13 + ${#c})))" = \
	    "usage: hitl $c " ] ||
	    fail "hitl help $c does not start with its usage" "$T/help-$c"
	for h in --help -h; do
		# Where a database would be, none is made or opened.
		expect_exit 0 "$HITL" --db "$T/none.db" "$c" "$h"
		expect_no_err
		cmp -s "$T/out" "$T/help-$c" ||
		    fail "hitl $c $h differs from hitl help $c" "$T/out" \
		    "$T/help-$c"
	done
	[ ! -e "$T/none.db" ] || fail "hitl $c --help made a database"
done
# Usage, then the summary as a sentence, then the help text.
expect_exit 0 "$HITL" export --help
expect_out "usage: hitl export --format sft|dpo|kto|spans|labels|decisions"
expect_out "Write decisions as training data, with a manifest."
expect_out "--layout hf -o DIR writes a Hugging Face dataset directory"
# Among other options and arguments too, as getopt reads them.
expect_exit 0 "$HITL" export --format sft -h -o x.jsonl
expect_out "usage: hitl export "
expect_exit 0 "$HITL" shift start --help
expect_out "usage: hitl shift "
expect_exit 0 "$HITL" help --help
expect_out "usage: hitl help [COMMAND]"
# An option's value is not a request for help.
expect_exit 64 "$HITL" decide item-1 --note --help approve
expect_line "hitl decide: approve needs --lease (from 'hitl next')"

# --- did you mean ----------------------------------------------------------------

step "misspelt commands"
expect_exit 64 "$HITL" exprot
expect_line 'hitl: unknown command "exprot"; did you mean "export"?'
expect_exit 64 "$HITL" help exprot
expect_line 'hitl help: unknown command "exprot"; did you mean "export"?'
expect_exit 64 "$HITL" reviewrs
expect_line 'hitl: unknown command "reviewrs"; did you mean "reviewers"?'
# A subcommand word misspelt: its own command says so.
expect_exit 64 "$HITL" reviewer resme bob
expect_line 'hitl reviewer: unknown subcommand "resme" (resume); did you mean "resume"?'
expect_exit 64 "$HITL" adjudication lsit
expect_line 'hitl adjudication: unknown subcommand "lsit" (list, show, decide); did you mean "list"?'
expect_exit 64 "$HITL" frobnicate
expect_line "hitl: unknown command \"frobnicate\"; 'hitl help' lists them"
expect_exit 64 "$HITL" ""
expect_line "hitl: unknown command \"\"; 'hitl help' lists them"
# What the user typed is shown, an escape sequence visibly.
expect_exit 64 "$HITL" "$(printf 'exp\033]0;pwned\007ort')"
expect_line "hitl: unknown command \"exp^[]0;pwned^Gort\"; 'hitl help' lists them"
expect_exit 64 "$HITL" "$(printf 'exp\033ort')"
expect_line 'hitl: unknown command "exp^[ort"; did you mean "export"?'
expect_no_err "$ESC"

step "misspelt options"
expect_exit 64 "$HITL" export --sinse all --format sft
expect_err "hitl export: unknown option --sinse; did you mean --since?"
expect_prefix export
expect_exit 64 "$HITL" export --fromat=sft
expect_err "hitl export: unknown option --fromat; did you mean --format?"
expect_exit 64 "$HITL" status --hlep
expect_err "hitl status: unknown option --hlep; did you mean --help?"
expect_exit 64 "$HITL" review --keyz
expect_err "hitl review: unknown option --keyz; did you mean --keys?"
expect_exit 64 "$HITL" status --frobnicate
expect_err "hitl status: unknown option --frobnicate; 'hitl help status' shows the options"
expect_exit 64 "$HITL" --reviwer ann status
expect_err "hitl: unknown option --reviwer; did you mean --reviewer?"
expect_exit 64 "$HITL" export "$(printf -- '--sinc\033e')" all
expect_err "hitl export: unknown option --sinc^[e; did you mean --since?"
expect_no_err "$ESC"

step "misspelt option values"
# Checked before the database is opened ...
expect_exit 64 "$HITL" export --format spans --offsets utf8 -o x.jsonl
expect_line 'hitl export: --offsets is utf16 or codepoints (the default); did you mean "utf16"?'
expect_exit 64 "$HITL" export --format sft --redact hash256 -o x.jsonl
expect_line 'hitl export: --redact is replace, mask, hash or none; did you mean "hash"?'
expect_exit 64 "$HITL" export --format sft --kind outputs -o x.jsonl
expect_line 'hitl export: --kind is model_output or anonymization; did you mean "model_output"?'
expect_exit 64 "$HITL" export --format sft --redact "" -o x.jsonl
expect_line 'hitl export: --redact is replace, mask, hash or none'
expect_exit 64 "$HITL" agreement --by lable
expect_line 'hitl agreement: --by is label, flag, entity_type, reviewer or kind; did you mean "label"?'
expect_exit 64 "$HITL" agreement --by ""
expect_line 'hitl agreement: --by is label, flag, entity_type, reviewer or kind'
expect_exit 64 "$HITL" decide item-1 --lease 1 aprove
expect_line 'hitl decide: unknown action "aprove" (approve, correct, escalate, skip, comment, confirm); did you mean "approve"?'
expect_exit 64 "$HITL" audit verfy
expect_line 'hitl audit: unknown subcommand "verfy" (verify, head, key, log); did you mean "verify"?'
expect_exit 64 "$HITL" shift strat
expect_line 'hitl shift: unknown subcommand "strat" (start, end); did you mean "start"?'
expect_exit 64 "$HITL" escalation resolv 1 approve
expect_line 'hitl escalation: unknown subcommand "resolv" (ack, resolve); did you mean "resolve"?'
expect_exit 64 "$HITL" policy shwo
expect_line 'hitl policy: unknown subcommand "shwo" (show, load); did you mean "show"?'
# ... and by the export, with the database open.
expect_exit 0 "$HITL" init
expect_exit 64 "$HITL" export --format sftt -o x.jsonl
expect_line 'hitl export: unknown format "sftt" (sft, dpo, kto, spans, labels, decisions); did you mean "sft"?'
expect_exit 64 "$HITL" export --format spans --style docano -o x.jsonl
expect_line 'hitl export: spans --style is one of: doccano, presidio; did you mean "doccano"?'
expect_exit 64 "$HITL" export --format sft --form chat -o x.jsonl
expect_line 'hitl export: --form is standard or conversational (chat messages)'
expect_exit 64 "$HITL" export --format sft --form conversationl -o x.jsonl
expect_line 'hitl export: --form is standard or conversational (chat messages); did you mean "conversational"?'
expect_exit 64 "$HITL" export --format "" -o x.jsonl
expect_line 'hitl export: unknown format "" (sft, dpo, kto, spans, labels, decisions)'

# --- one prefix on errors ----------------------------------------------------

step "the error prefix"
expect_exit 64 "$HITL" import
expect_line "hitl import: usage: hitl import [--skip-invalid] [--rejects FILE] [--max-line BYTES] [--json] [--quiet] FILE..."
expect_exit 64 "$HITL" import --rejects r.jsonl in.jsonl
expect_prefix import
expect_exit 64 "$HITL" import --max-line 1 in.jsonl
expect_prefix import
expect_exit 64 "$HITL" export --format sft --test-fraction 0.5 -o x.jsonl
expect_line "hitl export: --test-fraction goes with --layout hf"
expect_exit 64 "$HITL" audit verify --expect abc
expect_prefix audit
expect_exit 64 "$HITL" decide item-1 --lease 1 --payload '{}' --note n approve
expect_prefix decide
expect_exit 64 "$HITL" next --kind
expect_err "hitl next: option --kind needs a value; 'hitl help next' shows the options"
expect_err "hitl next: usage: hitl next [--kind KIND]"
expect_prefix next
expect_exit 64 "$HITL" status --bogus
expect_prefix status
expect_exit 64 "$HITL" shift
expect_prefix shift
expect_exit 64 "$HITL" shift x
expect_line 'hitl shift: unknown subcommand "x" (start, end)'
expect_exit 64 "$HITL" init extra-argument
expect_prefix init

pass
