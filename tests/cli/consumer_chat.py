#!/usr/bin/env python3
"""Loads a chat export the way its consumer does, by the consumer's
published rules (the consumers themselves are not installable here):

  sft         OpenAI's FineTuneChatRequestInput message schemas and the
              cookbook's format checks (Chat_finetuning_data_prep)
  dpo-openai  OpenAI's preference input (FineTunePreferenceRequestInput,
              and the DPO guide: one-turn inputs, assistant outputs)
  dpo, kto    TRL's dataset formats (trl/data_utils.py: key sets,
              is_conversational, the last prompt message's role, one
              format per dataset)

and every file as datasets.load_dataset("json") reads it: pyarrow's one
type per column, nested types included (null goes with any type, a
missing struct field is null).

usage: consumer_chat.py FORMAT FILE; prints the errors and exits 1 if any.
"""
import json
import sys

errors = []


def err(row, msg):
    errors.append("row %d: %s" % (row, msg))


# --- pyarrow: one type per column ---------------------------------------------

def arrow_type(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        t = None
        for x in v:
            t = arrow_merge(t, arrow_type(x), "[]")
        return ("list", t)
    return ("struct", {k: arrow_type(x) for k, x in v.items()})


def name(t):
    if isinstance(t, tuple):
        return "array" if t[0] == "list" else "object"
    return t


class Changed(Exception):
    pass


def arrow_merge(a, b, path):
    if a is None:
        return b
    if b is None:
        return a
    if a in ("int64", "double") and b in ("int64", "double"):
        return "double"
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "list":
            return ("list", arrow_merge(a[1], b[1], path + "[]"))
        fields = dict(a[1])
        for k, t in b[1].items():
            fields[k] = arrow_merge(fields.get(k), t, path + "/" + k)
        return ("struct", fields)
    if a == b:
        return a
    raise Changed("Column(%s) changed from %s to %s" % (path, name(a),
        name(b)))


def check_arrow(rows):
    cols = {}
    for n, r in enumerate(rows):
        for k, v in r.items():
            try:
                cols[k] = arrow_merge(cols.get(k), arrow_type(v), "/" + k)
            except Changed as e:
                err(n, "load_dataset(\"json\"): %s in row %d" % (e, n))


# --- OpenAI's chat message schemas ------------------------------------------

def text_content(v, parts_ok=True):
    if isinstance(v, str):
        return True
    return (parts_ok and isinstance(v, list) and len(v) > 0 and
        all(isinstance(p, dict) and p.get("type") == "text" and
            isinstance(p.get("text"), str) and set(p) == {"type", "text"}
            for p in v))


ALLOWED = {
    "system": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "name", "tool_calls", "weight",
        "refusal"},
    "tool": {"role", "content", "tool_call_id"},
}


def openai_message(n, m, where, calls, weights):
    if not isinstance(m, dict):
        return err(n, "%s: not an object" % where)
    role = m.get("role")
    if role not in ALLOWED:
        return err(n, "%s: role %r matches no message schema" % (where,
            role))
    extra = set(m) - ALLOWED[role]
    if extra:
        err(n, "%s: %s message with %s" % (where, role, sorted(extra)))
    if "name" in m and not isinstance(m["name"], str):
        err(n, "%s: name not a string" % where)
    if role == "assistant":
        tc = m.get("tool_calls")
        if tc is not None:
            if not isinstance(tc, list) or not tc:
                err(n, "%s: tool_calls not a non-empty array" % where)
                tc = []
            for c in tc:
                ok = (isinstance(c, dict) and set(c) == {"id", "type",
                    "function"} and isinstance(c["id"], str) and
                    c["type"] == "function" and isinstance(c["function"],
                    dict) and set(c["function"]) == {"name", "arguments"}
                    and all(isinstance(x, str) for x in
                    c["function"].values()))
                if not ok:
                    err(n, "%s: tool call %r" % (where, c))
                else:
                    calls.append(c["id"])
        c = m.get("content")
        if c is None:
            if not tc:
                err(n, "%s: assistant content required unless tool_calls"
                    % where)
        elif not text_content(c) or c == "":
            err(n, "%s: assistant content %r" % (where, c))
        if "weight" in m:
            if not weights:
                err(n, "%s: weight is not taken here" % where)
            elif m["weight"] not in (0, 1) or isinstance(m["weight"], bool):
                err(n, "%s: weight %r is not 0 or 1" % (where, m["weight"]))
        return
    if "content" not in m or not text_content(m["content"]):
        err(n, "%s: %s content %r" % (where, role, m.get("content")))
    if role == "tool":
        if not isinstance(m.get("tool_call_id"), str):
            err(n, "%s: tool message without tool_call_id" % where)
        elif m["tool_call_id"] not in calls:
            err(n, "%s: tool_call_id %r answers no earlier tool call" %
                (where, m["tool_call_id"]))


def openai_messages(n, msgs, where, weights):
    if not isinstance(msgs, list) or not msgs:
        return err(n, "%s: needs at least one message (minItems 1)" % where)
    calls = []
    for i, m in enumerate(msgs):
        openai_message(n, m, "%s[%d]" % (where, i), calls, weights)
    answered = {m.get("tool_call_id") for m in msgs if isinstance(m, dict)}
    for c in calls:
        if c not in answered:
            err(n, "%s: tool call %s is not answered" % (where, c))


# The cookbook's checks, with the keys and role the tool schemas added
# (tool_calls stands where function_call does).
def cookbook(n, ex):
    if not isinstance(ex, dict):
        return err(n, "data_type")
    msgs = ex.get("messages")
    if not msgs:
        return err(n, "missing_messages_list")
    for m in msgs:
        if "role" not in m or "content" not in m:
            err(n, "message_missing_key")
        if any(k not in ("role", "content", "name", "function_call",
                "weight", "tool_calls", "tool_call_id") for k in m):
            err(n, "message_unrecognized_key")
        if m.get("role") not in ("system", "user", "assistant", "function",
                "tool"):
            err(n, "unrecognized_role")
        content = m.get("content")
        call = m.get("function_call") or m.get("tool_calls")
        if (not content and not call) or (content is not None and
                not isinstance(content, str)):
            err(n, "missing_content")
    if not any(m.get("role") == "assistant" for m in msgs):
        err(n, "example_missing_assistant_message")


def check_sft(rows):
    for n, r in enumerate(rows):
        if set(r) != {"messages"}:
            err(n, "keys %s" % sorted(r))
        openai_messages(n, r.get("messages"), "messages", True)
        cookbook(n, r)
        msgs = r.get("messages") or []
        # Only the reviewed (last) turn is trained on.
        last = max((i for i, m in enumerate(msgs)
            if m.get("role") == "assistant"), default=None)
        if last != len(msgs) - 1:
            err(n, "the last message is not the assistant's")
        for i, m in enumerate(msgs[:-1]):
            if m.get("role") == "assistant" and m.get("weight") != 0:
                err(n, "messages[%d]: an earlier assistant turn without "
                    "weight 0" % i)


def check_dpo_openai(rows):
    for n, r in enumerate(rows):
        if set(r) != {"input", "preferred_output", "non_preferred_output"}:
            err(n, "keys %s" % sorted(r))
        inp = r.get("input")
        if not isinstance(inp, dict) or set(inp) - {"messages", "tools",
                "parallel_tool_calls"}:
            err(n, "input %r" % inp)
            continue
        msgs = inp.get("messages")
        openai_messages(n, msgs, "input.messages", False)
        if isinstance(msgs, list) and msgs:
            if any(m.get("role") in ("assistant", "tool") for m in msgs):
                err(n, "input: not a one-turn conversation")
            if msgs[-1].get("role") != "user":
                err(n, "input: does not end in a user message")
        for k in ("preferred_output", "non_preferred_output"):
            out = r.get(k)
            if (not isinstance(out, list) or not any(isinstance(m, dict) and
                    m.get("role") == "assistant" for m in out) or
                    any(m.get("role") not in ("assistant", "tool")
                    for m in out)):
                err(n, "%s: %r" % (k, out))
                continue
            openai_messages(n, out, k, False)


# --- TRL ------------------------------------------------------------------------

def is_conversational(ex):
    # trl/data_utils.py: the first supported key's value, a list whose first
    # element is a dict with "role" and "content" (any key of the set may be
    # the one popped: all must agree).
    found = set()
    for key in ("prompt", "chosen", "rejected", "completion", "messages"):
        if key in ex:
            v = ex[key]
            found.add(isinstance(v, list) and isinstance(v[0], dict) and
                "role" in v[0] and "content" in v[0] if isinstance(v, list)
                and v else False)
    if len(found) != 1:
        raise ValueError("keys disagree on the format")
    return found.pop()


def check_trl(rows, keys):
    forms = set()
    for n, r in enumerate(rows):
        if set(r) != keys:
            err(n, "Invalid keys in the example: %s" % sorted(r))
            continue
        if "label" in r and not isinstance(r["label"], bool):
            err(n, "label %r" % r["label"])
        try:
            conv = is_conversational(r)
        except (ValueError, IndexError) as e:
            err(n, "is_conversational: %s" % e)
            continue
        forms.add(conv)
        answers = [k for k in ("chosen", "rejected", "completion") if k in r]
        if not conv:
            for k in ["prompt"] + answers:
                if not isinstance(r[k], str):
                    err(n, "standard form: %s is not a string" % k)
            if r["prompt"] == "" or any(r[k] == "" for k in answers):
                err(n, "an empty prompt or answer")
            continue
        for k in ["prompt"] + answers:
            for i, m in enumerate(r[k]):
                if m.get("role") not in ("system", "user", "assistant",
                        "tool"):
                    err(n, "Invalid role in message: %s" % m.get("role"))
                if "content" not in m:
                    err(n, "%s[%d]: no content" % (k, i))
        # TRL before 0.26: user, or assistant (continued); we answer a user.
        last = r["prompt"][-1].get("role")
        if last != "user":
            err(n, "Invalid role in the last message: %s" % last)
        for k in answers:
            if [m.get("role") for m in r[k]] != ["assistant"] or \
                    not r[k][0].get("content"):
                err(n, "%s: not one assistant message with text" % k)
    if len(forms) > 1:
        errors.append("one file mixes standard and conversational rows "
            "(TRL takes one format per dataset)")
    return forms


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    check_arrow(rows)
    if fmt == "sft":
        check_sft(rows)
    elif fmt == "dpo-openai":
        check_dpo_openai(rows)
    elif fmt == "dpo":
        check_trl(rows, {"prompt", "chosen", "rejected"})
    elif fmt == "kto":
        check_trl(rows, {"prompt", "completion", "label"})
    else:
        raise SystemExit("unknown format " + fmt)
    if errors:
        print("%s (%s):" % (path, fmt))
        print("\n".join(errors[:50]))
        sys.exit(1)


if __name__ == "__main__":
    main()
