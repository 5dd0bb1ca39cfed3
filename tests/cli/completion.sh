#!/bin/sh
# Shell completion: the bash and zsh scripts hitl writes from its command
# table complete commands, options, option values, subcommands and the ids
# of waiting items, as each shell's completion calls them.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

expect_exit 0 "$HITL" init --policy "$SRCDIR/examples/policy.json"
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/workflow.jsonl"
expect_exit 0 "$HITL" completion bash
cp "$T/out" hitl.bash
expect_exit 0 "$HITL" completion zsh
cp "$T/out" hitl.zsh
bash -n hitl.bash || fail "the bash script does not parse" hitl.bash

# The item ids, for the scripts: waiting items by prefix, one a line.
expect_exit 0 "$HITL" completion ids wf-anon
expect_eq "ids by prefix" "$(cat "$T/out")" "$(printf 'wf-anon-1\nwf-anon-2')"
expect_exit 64 "$HITL" completion fish
expect_err 'unknown shell "fish"'

# complete WORDS...: what bash offers for the last word, one a line.
complete_bash() {
	HITL_DB=$HITL_DB bash -c '
		hitl() { "$HITL" "$@"; }
		. ./hitl.bash
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_hitl
		printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
# The same for zsh: its completion calls _hitl with words and CURRENT set;
# compadd (which keeps what the word typed so far begins) and _files are
# stood in for.
complete_zsh() {
	HITL_DB=$HITL_DB zsh -fc '
		hitl() { "$HITL" "$@" }
		compadd() {
			local w
			[[ $1 == -- ]] && shift
			for w; do
				[[ $w == ${words[CURRENT]}* ]] && print -r -- $w
			done
			return 0
		}
		_files() { print -- "(files)" }
		words=("$@")
		CURRENT=$#
		. ./hitl.zsh' zsh "$@"
}
check() {
	_want=$1
	shift
	for _sh in bash zsh; do
		[ "$_sh" = zsh ] && ! command -v zsh >/dev/null && continue
		_got=$(complete_$_sh "$@" | sort | tr '\n' ' ')
		_lib_where="$_sh: $*"
		[ "$_got" = "$_want" ] ||
		    fail "$_sh completes \"$*\" as \"$_got\", not \"$_want\""
	done
}
export HITL HITL_DB
check "export " hitl exp
check "adjudication agreement audit " hitl a
check "--db --help --reviewer --version " hitl -
check "--db " hitl --d
check "decide " hitl --db "$HITL_DB" dec
check "--form --format " hitl export --for
check "decisions dpo " hitl export --format d
check "sft spans " hitl export --format s
check "openai " hitl export --format sft --style o
check "hash " hitl export -o x.jsonl --redact h
check "approve " hitl escalation resolve 3 app
check "verify " hitl audit ver
check "wf-out-1 wf-out-2 wf-out-3 " hitl show wf-out
check "wf-out-1 wf-out-2 wf-out-3 " hitl --db "$HITL_DB" show wf-out
check "wf-out-1 wf-out-2 wf-out-3 " hitl decide --lease 4 wf-out
check "comment confirm correct " hitl decide wf-out-1 co
check "model_output " hitl next --kind m
check "--lease " hitl release wf-out-1 --lea
pass
