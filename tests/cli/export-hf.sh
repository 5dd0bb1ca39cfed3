#!/bin/sh
# --layout hf: a dataset directory that datasets.load_dataset(DIR) loads.
# 300 anonymization items (auto-decided, one with a hostile entity type)
# and three model outputs decided by bob and erin under two policy
# versions whose labels hold Markdown and YAML syntax are exported as
# spans and labels; tests/cli/consumer_hf.py reads each directory as
# datasets does (front matter, configs, split names, files, one type per
# column), recomputes every record's split from SHA-256 of its id, and
# checks that the card says the manifest's numbers and escapes the rest.
# Then: the split is the same in two exports, --test-fraction 0 writes and
# declares no test split (and removes an old one), bad fractions and
# options are refused, and a directory that is not such a dataset (other
# files, a symbolic link, a file) is refused and left as it was.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# dataset DIR [ARGS...]: DIR loads as datasets loads it.
dataset() {
	_d=$1
	shift
	_lib_where="$_d loads as a dataset"
	python3 "$SRCDIR/tests/cli/consumer_hf.py" "$_d" "$@" >"$T/py.out" \
	    2>&1 || fail "$_d is refused by load_dataset's rules" "$T/py.out" \
	    "$_d/README.md" "$_d/manifest.json"
}

# listing DIR: the names, sizes and hashes of what DIR holds.
listing() {
	(cd "$1" && find . -exec ls -ld {} + | awk '{print $1, $5, $NF}' &&
	    find . -type f -exec sha256sum {} +) | sort
}

step "init and import"
L1='<b>bad</b> | *y* `z` [l](http://e): 9'
jq --arg login "$LOGIN" --arg l1 "$L1" '.roles[$login] = "admin" |
    .labels += [{"id": $l1, "description": "markup"},
    {"id": "---", "description": "a YAML document marker"}]' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
python3 - <<'PY' >items.jsonl
import json
for i in range(300):
    et = "<img src=x> # _Q_" if i == 7 else "PERSON"
    print(json.dumps({"id": "an-%d" % i, "kind": "anonymization",
        "text": "Call Jordan %d." % i, "spans": [{"entity_type": et,
        "start": 5, "end": 11, "score": 0.95}]}))
for i in range(3):
    print(json.dumps({"id": "out-%d" % i, "kind": "model_output",
        "priority": 9 - i, "prompt": "q%d" % i, "response": "r%d" % i,
        "flags": [{"type": "toxicity", "score": 0.9}]}))
PY
expect_exit 0 "$HITL" import items.jsonl
expect_out "imported 303: queued 3, auto-decided 300"

step "decide"
at 60
claim bob out-0
expect_exit 0 hitl_as bob decide out-0 --lease "$LEASE" correct \
    --payload '{"labels": ["<b>bad</b> | *y* `z` [l](http://e): 9"],
    "flags": [{"verdict": "confirmed"}]}'
jq '.name = "second"' base.json >v2.json
expect_exit 0 "$HITL" policy load v2.json
at 120
claim erin out-1
expect_exit 0 hitl_as erin decide out-1 --lease "$LEASE" correct \
    --payload '{"labels": ["---"], "flags": [{"verdict": "confirmed"}]}'
claim erin out-2
expect_exit 0 hitl_as erin decide out-2 --lease "$LEASE" approve

# --- loads, by datasets' rules -----------------------------------------------

step "spans"
expect_exit 0 hitl_as alice export --format spans --since all \
    --include-auto --layout hf -o spans-ds
expect_err "exported 300 spans records to the dataset spans-ds"
dataset spans-ds --id id
expect_eq "spans: both splits" "$(jq -c '[.splits[].split]' \
    spans-ds/manifest.json)" '["train","test"]'
expect_mode spans-ds 700
expect_mode spans-ds/train.jsonl 600
expect_mode spans-ds/README.md 600
_lib_where="spans card: the hostile entity type, escaped"
grep -F -q -e '- \<img src\=x\> \# \_Q\_: 1' spans-ds/README.md ||
    fail "the entity type is not escaped" spans-ds/README.md
grep -F -q '**The files contain personal data.**' spans-ds/README.md ||
    fail "spans: the card does not say it holds personal data" \
    spans-ds/README.md

step "labels: two reviewers, two policies"
expect_exit 0 hitl_as alice export --format labels --since all \
    --layout hf --test-fraction 0.7 -o labels-ds/
dataset labels-ds --id id
expect_eq "labels: reviewers and policies" "$(jq -c \
    '[.reviewers, .policy_versions, .options.test_fraction]' \
    labels-ds/manifest.json)" '[2,[1,2],0.7]'
expect_eq "labels: one in test" "$(jq -c "[.splits[].records]" \
    labels-ds/manifest.json)" "[2,1]"
_lib_where="labels card"
grep -F -q 'Decided by 2 reviewers under policy versions 1 and 2, from' \
    labels-ds/README.md || fail "labels card: who and when" \
    labels-ds/README.md
grep -F -q -e '- \<b\>bad\<\/b\> \| \*y\* \`z\` \[l\]\(http\:\/\/e\)\: 9: 1' \
    labels-ds/README.md || fail "labels card: the label" labels-ds/README.md
grep -F -q -e '- \-\-\-: 1' labels-ds/README.md ||
    fail "labels card: the --- label" labels-ds/README.md
grep -F -q 'No personal data is known to remain' labels-ds/README.md ||
    fail "labels card: personal data" labels-ds/README.md

step "the run on the record"
expect_exit 0 "$HITL" export --history --json
expect_eq "the run's path and hash" "$(tail -n 1 "$T/out" | jq -c \
    '[.path, .sha256, .records, .options.layout, .options.test_fraction]')" \
    "$(jq -nc --arg s "$(sha256sum labels-ds/manifest.json | cut -c1-64)" \
    '["labels-ds", $s, 3, "hf", 0.7]')"

# --- the split ---------------------------------------------------------------

step "the same split twice"
expect_exit 0 hitl_as alice export --format spans --since all \
    --include-auto --layout hf -o spans-again
for f in train.jsonl test.jsonl; do
	cmp -s spans-ds/$f spans-again/$f ||
	    fail "a second export splits otherwise: $f" spans-again/$f
done

step "--test-fraction 0, over a dataset with a test split"
expect_exit 0 hitl_as alice export --format spans --since all \
    --include-auto --layout hf --test-fraction 0 -o spans-again
dataset spans-again --id id
expect_eq "no test split" "$(ls spans-again | tr '\n' ' ')" \
    "README.md manifest.json train.jsonl "
expect_eq "train holds all" "$(wc -l <spans-again/train.jsonl)" 300
expect_exit 1 grep -q -e "split: test" -e "test.jsonl" spans-again/README.md

# A dataset's run killed after its commit (by strace, at its first rename
# after the one that marks test.jsonl for removal): recorded, not placed;
# the next export places every file and removes the stale split.
if command -v strace >/dev/null 2>&1 &&
    strace -f -o /dev/null true >/dev/null 2>&1; then
	step "a dataset's run killed between its commit and its renames"
	expect_exit 0 hitl_as alice export --format spans --since all \
	    --include-auto --layout hf -o killed-ds
	[ -s killed-ds/test.jsonl ] || fail "no test split to remove"
	_rc=0
	{ HITL_REVIEWER=alice strace -f -o /dev/null -e trace=rename \
	    -e inject=rename:signal=KILL:when=2 "$HITL" export \
	    --format spans --since all --include-auto --layout hf \
	    --test-fraction 0 -o killed-ds >"$T/out" 2>"$T/err"; } \
	    2>/dev/null || _rc=$?
	expect_eq "killed at its second rename" "$_rc" 137
	expect_exit 0 "$HITL" export --history --json
	tail -n 1 "$T/out" >last.json
	jq -e '.path == "killed-ds" and .placed == false' last.json \
	    >/dev/null || fail "the killed run is not on record as unplaced" \
	    last.json
	# A preview changes nothing; the next run places it.
	expect_exit 0 hitl_as alice export --format spans -o /dev/null
	[ -e killed-ds/test.jsonl ] || fail "a preview placed the killed run"
	expect_exit 0 hitl_as alice export --format labels --cursor next \
	    -o next.jsonl
	expect_eq "the dataset after the replay" \
	    "$(ls -A killed-ds | tr '\n' ' ')" "README.md manifest.json train.jsonl "
	expect_eq "the run's hash" "$(sha256sum killed-ds/manifest.json |
	    cut -c1-64)" "$(jq -r .sha256 last.json)"
	dataset killed-ds --id id
	expect_eq "train holds all" "$(wc -l <killed-ds/train.jsonl)" 300
fi

step "nothing new: the dataset stays as it was"
n=$(sql "SELECT count(*) FROM exports")
cp -p spans-again/manifest.json before.json
expect_exit 0 hitl_as alice export --format spans --layout hf -o spans-again
expect_err "no spans records to export: the dataset spans-again is left as it was, and no run is recorded"
cmp -s before.json spans-again/manifest.json ||
    fail "an empty export replaced the dataset" spans-again/manifest.json
expect_eq "files after an empty export" "$(ls -A spans-again | tr '\n' ' ')" \
    "README.md manifest.json train.jsonl "
expect_eq "runs after an empty export" "$(sql "SELECT count(*) FROM exports")" "$n"
expect_exit 0 hitl_as alice export --format spans --layout hf -o empty-ds
expect_err "no spans records to export: nothing was written to empty-ds"
expect_exit 1 test -e empty-ds

step "refused fractions and options"
for f in 1 1.5 -0.1 abc nan "" 0.1x inf; do
	expect_exit 64 hitl_as alice export --format spans --since all \
	    --layout hf --test-fraction "$f" -o bad-ds
	expect_err "--test-fraction is a number from 0 (no test split) up to, but not including, 1"
done
expect_exit 64 hitl_as alice export --format spans --test-fraction 0.2 \
    -o x.jsonl
expect_err "--test-fraction goes with --layout hf"
expect_exit 64 hitl_as alice export --format spans --layout hf
expect_err "--layout hf writes a directory: name it with -o DIR"
expect_exit 64 hitl_as alice export --format spans --layout csv -o bad-ds
expect_err "--layout is hf"
[ ! -e bad-ds ] || fail "a refused export made bad-ds"

step "directories that are not a dataset hitl wrote"
expect_exit 0 "$HITL" export --history
runs=$(wc -l <"$T/out")
mkdir notes && echo "mine" >notes/todo.txt && cp labels-ds/README.md notes/
listing notes >before
expect_exit 73 hitl_as alice export --format labels --since all \
    --layout hf -o notes
expect_err "notes holds todo.txt, which this export does not write, so it is not a directory hitl wrote"
listing notes >after
cmp -s before after || fail "notes was changed" before after
mkdir linked && ln -s ../labels-ds/README.md linked/README.md
expect_exit 73 hitl_as alice export --format labels --since all \
    --layout hf -o linked
expect_err "linked/README.md is a symbolic link: hitl does not write through links"
ln -s labels-ds link-ds
listing labels-ds >before
for d in link-ds link-ds/; do
	expect_exit 73 hitl_as alice export --format labels --since all \
	    --layout hf -o "$d"
	expect_err "link-ds is a symbolic link"
done
expect_exit 73 hitl_as alice export --format labels --since all \
    --layout hf -o items.jsonl
expect_err "items.jsonl is a file: this layout writes a directory"
listing labels-ds >after
cmp -s before after || fail "labels-ds was changed through its link" \
    before after
expect_exit 0 "$HITL" export --history
expect_eq "no run recorded for refused exports" "$(wc -l <"$T/out")" "$runs"

[ -z "$BUGS" ] || fail "the checks above found bugs"
pass
