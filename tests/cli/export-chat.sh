#!/bin/sh
# Chat exports loaded the way their consumers load them: tests/data/chat.jsonl
# (tool calls and results, developer turns, text parts, multi-turn chats,
# items with only a prompt and with neither, a prompt ending in a tool turn,
# CJK, emoji with ZWJ, combining marks, CRLF) is decided through the CLI and
# exported as sft, dpo, dpo --style openai and kto in both forms and by
# default; tests/cli/consumer_chat.py checks each file by OpenAI's and TRL's
# published rules and pyarrow's one type per column, and the manifests
# count what was left out, and why. Import refuses bad tool shapes.
#
# Claimed in this order (priority), and decided:
#   ch-tool-1   system, developer, user, tool call, tool result   approve
#   ch-multi-1  text parts, CJK, an earlier assistant turn, ZWJ   correct
#   ch-dev-1    developer, user with a combining accent           correct
#   ch-prompt-1 a prompt with CRLF                                correct
#   ch-prompt-2 a prompt                                          approve
#   ch-none-1   neither prompt nor messages                       correct
#   ch-tool-2   tool call with text, result as parts, user last   escalated,
#                                                                 rejected
#   ch-named-1  a named user                                      escalated,
#                                                                 corrected
#   ch-empty-1  an empty system message                           approve
#   ch-blank-1  an empty response                                 approve
#   ch-late-1   a prompt, decided after the first exports         approve
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/review-lib.sh"

# consumer FORMAT FILE: FILE loads as FORMAT's consumer loads it.
consumer() {
	_lib_where="$2 loads as $1"
	python3 "$SRCDIR/tests/cli/consumer_chat.py" "$1" "$2" >"$T/py.out" \
	    2>&1 || fail "$2 is refused by its consumer ($1)" "$T/py.out"
}

# ex FILE ARGS...: bob exports to FILE; sets RECORDS.
ex() {
	_file=$1
	shift
	expect_exit 0 hitl_as bob export -o "$_file" "$@"
	RECORDS=$(wc -l <"$_file")
}

# skipped FILE JSON: the manifest's skipped counts are JSON.
skipped() {
	_lib_where="$1: skipped"
	jq -e --argjson w "$2" '.skipped == $w' "$1.manifest.json" \
	    >/dev/null || fail "$1: skipped is not $2" "$1.manifest.json"
}

# form FILE standard|conversational: every prompt of FILE is a string or a
# list.
form() {
	_t=string
	[ "$2" = standard ] || _t=array
	_lib_where="$1 is $2"
	[ "$(jq -r '.prompt | type' "$1" | sort -u)" = "$_t" ] ||
	    fail "$1 is not all $2" "$1"
}

step "init and import"
jq --arg login "$LOGIN" '.roles[$login] = "admin"' \
    "$SRCDIR/examples/policy.json" >base.json
expect_exit 0 "$HITL" init --policy base.json
expect_exit 0 "$HITL" import "$SRCDIR/tests/data/chat.jsonl"
expect_out "imported 12: queued 12, auto-decided 0"

# --- import refuses what no consumer could take -----------------------------

step "bad tool shapes"
# refused MESSAGES ERROR: a record with these messages is refused so.
n=0
refused() {
	n=$((n + 1))
	printf '{"id":"bad-%d","kind":"model_output","response":"r","messages":%s}\n' \
	    "$n" "$1" >bad.jsonl
	expect_exit 65 "$HITL" import bad.jsonl
	expect_err "$2"
}
U='{"role":"user","content":"q"}'
C='{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}'
refused "[$U,{\"role\":\"tool\",\"content\":\"x\"}]" \
    "messages[1].tool_call_id: missing (required: the id of the tool call this message answers)"
refused "[$U,$C,{\"role\":\"tool\",\"tool_call_id\":\"c9\",\"content\":\"x\"}]" \
    'messages[2].tool_call_id: "c9" names no tool call of an earlier assistant message'
refused "[{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"x\"},$C]" \
    'messages[0].tool_call_id: "c1" names no tool call of an earlier assistant message'
refused "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]" \
    'messages[0].content[0].type: "image_url" parts are not taken: only text'
refused "[{\"role\":\"user\",\"content\":\"q\",\"tool_calls\":[]}]" \
    "messages[0].tool_calls: only an assistant message calls tools, not a user message"
refused "[{\"role\":\"user\",\"content\":\"q\",\"tool_call_id\":\"c1\"}]" \
    "messages[0].tool_call_id: only a tool message answers a tool call, not a user message"
refused "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"retrieval\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]" \
    'messages[0].tool_calls[0].type: "retrieval" is not a tool call type (only "function")'
refused "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get weather\",\"arguments\":\"{}\"}}]}]" \
    'messages[0].tool_calls[0].function.name: "get weather" is not a function name'
refused "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}]" \
    "messages[0].tool_calls[0].function.arguments: missing (required)"
refused "[$C,$C]" 'messages[1].tool_calls[0].id: "c1" is the id of an earlier tool call'
refused "[{\"role\":\"assistant\"}]" \
    "messages[0].content: missing (required unless an assistant message has tool_calls)"
refused "[{\"role\":\"user\",\"content\":[]}]" \
    "messages[0].content: expected a string or a non-empty array of text parts, got []"

# --- decisions through the CLI ----------------------------------------------

step "decisions"
decide() {
	claim bob "$1"
	shift
	expect_exit 0 hitl_as bob decide "$(jq -r .item.id "$T/out")" \
	    --lease "$LEASE" "$@"
}
fix() {
	printf '{"text": "%s", "flags": [{"verdict": "overturned"}]}' "$1"
}
claim bob ch-tool-1
expect_exit 0 hitl_as bob show ch-tool-1
expect_out "calls get_order {\"order\": \"4411\"} (tool call call_a1)"
expect_out "answers tool call call_a1"
expect_exit 0 hitl_as bob decide ch-tool-1 --lease "$LEASE" approve
decide ch-multi-1 correct --payload "$(fix "The family bundle ships with order 77.")"
decide ch-dev-1 correct --payload "$(fix "Yes: José works on Monday.")"
decide ch-prompt-1 correct --payload "$(fix "Returns are free for 30 days.")"
decide ch-prompt-2 approve
decide ch-none-1 correct --payload "$(fix "Thanks for writing: have a nice day.")"
decide ch-tool-2 escalate --team legal --reason legal_risk --severity high
decide ch-named-1 escalate --team legal --reason legal_risk --severity low
decide ch-empty-1 approve
decide ch-blank-1 approve
at 60
expect_exit 0 hitl_as carol escalation resolve 1 reject --note "never refund so"
expect_exit 0 hitl_as carol escalation resolve 2 correct \
    --payload "$(fix "I can cancel it: shall I?")"

# --- the exports, each as its consumer loads it -------------------------------

at 600
step "sft"
ex sft.jsonl --format sft
consumer sft sft.jsonl
expect_eq "sft records" "$RECORDS" 7
skipped sft.jsonl '{"empty message": 1, "empty response": 1}'
python3 - <<'PY' >"$T/py.out" 2>&1 || fail "sft: the tool chat" "$T/py.out"
import json
rows = [json.loads(l) for l in open("sft.jsonl", encoding="utf-8")]
tool = [r["messages"] for r in rows if len(r["messages"]) == 6][0]
assert [m["role"] for m in tool] == ["system", "system", "user",
    "assistant", "tool", "assistant"], tool
assert tool[3] == {"role": "assistant", "content": None, "tool_calls": [
    {"id": "call_a1", "type": "function", "function": {"name": "get_order",
    "arguments": "{\"order\": \"4411\"}"}}], "weight": 0}, tool[3]
assert tool[4] == {"role": "tool", "content":
    "{\"order\": \"4411\",\r\n \"ships\": \"Friday\"}",
    "tool_call_id": "call_a1"}, tool[4]
assert tool[5] == {"role": "assistant",
    "content": "Your order 4411 ships on Friday 📦."}, tool[5]
multi = [r["messages"] for r in rows if r["messages"][0]["content"] ==
    "Answer in the user's language."][0]
assert multi[1]["content"] == "我的包裹在哪里？ 订单 77", multi
assert multi[2]["weight"] == 0 and multi[3]["name"] == "ana_g", multi
assert multi[3]["content"] == "Thanks 👩‍💻! And the 👨‍👩‍👧‍👦 bundle?"
none = [r["messages"] for r in rows if len(r["messages"]) == 1][0]
assert none == [{"role": "assistant",
    "content": "Thanks for writing: have a nice day."}], none
PY
expect_exit 64 hitl_as bob export --format sft --form standard -o x.jsonl
expect_err "sft is conversational (chat messages): --form standard goes with dpo and kto"

step "dpo"
ex dpo.jsonl --format dpo
consumer dpo dpo.jsonl
form dpo.jsonl conversational
expect_eq "dpo records" "$RECORDS" 4
skipped dpo.jsonl '{"no prompt": 1}'
ex dpo-c.jsonl --format dpo --form conversational --since all
cmp -s dpo.jsonl dpo-c.jsonl || fail "dpo by default is not conversational"
ex dpo-s.jsonl --format dpo --form standard --since all
consumer dpo dpo-s.jsonl
form dpo-s.jsonl standard
expect_eq "dpo standard records" "$RECORDS" 1
skipped dpo-s.jsonl '{"chat in standard form": 3, "no prompt": 1}'
jq -e '.prompt == "Line one\r\nLine two: can I return it?" and
    .chosen == "Returns are free for 30 days." and
    .rejected == "No returns, ever."' dpo-s.jsonl >/dev/null ||
    fail "dpo standard: the prompt with its CRLF" dpo-s.jsonl

step "dpo --style openai"
ex dpo-openai.jsonl --format dpo --style openai --since all
consumer dpo-openai dpo-openai.jsonl
expect_eq "dpo openai records" "$RECORDS" 3
skipped dpo-openai.jsonl '{"multi-turn context": 1, "no prompt": 1}'
jq -s -e 'any(.[]; .input.messages[0] == {"role": "system",
    "content": "Be brief."} and
    .input.messages[1].content == "Is Jose\u0301 on the rota for Café Bonjour?")' \
    dpo-openai.jsonl >/dev/null ||
    fail "dpo openai: developer as system, the accent kept" dpo-openai.jsonl
expect_exit 64 hitl_as bob export --format dpo --style openai \
    --form standard -o x.jsonl

step "kto"
ex kto.jsonl --format kto --since all
consumer kto kto.jsonl
form kto.jsonl conversational
expect_eq "kto records" "$RECORDS" 10
skipped kto.jsonl '{"prompt ends in a tool message": 1, "empty message": 1,
    "empty response": 1, "no prompt": 1}'
jq -s -e 'any(.[]; .label == false and (.prompt | length) == 5 and
    .prompt[1].tool_calls[0].id == "call_b1" and
    .prompt[1].content == "Checking." and
    .prompt[2].content == "{\"refundable\": false}")' kto.jsonl >/dev/null ||
    fail "kto: the rejected tool chat" kto.jsonl
ex kto-s.jsonl --format kto --form standard --since all
consumer kto kto-s.jsonl
form kto-s.jsonl standard
expect_eq "kto standard records" "$RECORDS" 3
skipped kto-s.jsonl '{"chat in standard form": 5, "empty message": 1,
    "empty response": 1, "no prompt": 1}'

# Only prompts in the run: by default, the standard form.
step "kto of a later run"
at 700
decide ch-late-1 approve
at 800
ex kto-2.jsonl --format kto
consumer kto kto-2.jsonl
form kto-2.jsonl standard
expect_eq "kto of the later run" "$RECORDS" 1

# The checker itself refuses what the consumers refuse.
step "the consumer check"
printf '%s\n' '{"prompt":"a","completion":"b","label":true}' \
    '{"prompt":[{"role":"user","content":"a"}],"completion":[{"role":"assistant","content":"b"}],"label":true}' \
    >mixed.jsonl
! python3 "$SRCDIR/tests/cli/consumer_chat.py" kto mixed.jsonl >"$T/out" ||
    fail "consumer_chat.py takes a file of two forms"
expect_out "Column(/prompt) changed from string to array in row 1"
printf '%s\n' '{"messages":[{"role":"developer","content":"a"},{"role":"tool","content":"x"},{"role":"assistant","content":""}]}' >bad-sft.jsonl
! python3 "$SRCDIR/tests/cli/consumer_chat.py" sft bad-sft.jsonl >"$T/out" ||
    fail "consumer_chat.py takes a developer message"
expect_out "unrecognized_role"
expect_out "missing_content"
expect_out "tool message without tool_call_id"

step "audit"
expect_exit 0 "$HITL" audit verify
pass
