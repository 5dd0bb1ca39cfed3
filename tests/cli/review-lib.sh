#!/bin/sh
# Shared by the workflow, escalation, audit and export tests (sourced after
# lib.sh): a pinned clock, acting as a reviewer, claiming, checking JSON.

# 2027-01-15T08:00:00Z
NOW=1800000000
HITL_NOW=$NOW
export HITL_NOW

# hitl_as WHO ARGS...: hitl acting as WHO.
hitl_as() {
	_who=$1
	shift
	HITL_REVIEWER=$_who "$HITL" "$@"
}

# at SECONDS: the clock, SECONDS after NOW.
at() {
	HITL_NOW=$((NOW + $1))
	export HITL_NOW
}

# jq_ok WHAT [JQ-OPTIONS] FILTER: $T/out satisfies the jq FILTER.
jq_ok() {
	_what=$1
	shift
	_lib_where=$_what
	jq -e "$@" "$T/out" >/dev/null || fail "$_what" "$T/out"
}

# claim WHO ITEM: WHO claims the next item, which must be ITEM; sets LEASE.
claim() {
	expect_exit 0 hitl_as "$1" next --json
	expect_eq "$1's next item" "$(jq -r .item.id "$T/out")" "$2"
	LEASE=$(jq -r .lease.id "$T/out")
}
