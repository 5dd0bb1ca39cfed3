#!/usr/bin/env python3
"""Loads a hitl spans export the way its consumer does, by the consumer's
published rules (none of them is installable here):

  spans     spaCy: doc.ents from character offsets (Doc.char_span): each
            offset an int within the text, start < end, and no character in
            two entities (Doc.ents raises E103 on overlapping spans).
  doccano   doccano's JSONL import for sequence labeling: "text" and
            "label": [[start, end, "TYPE"], ...], offsets in code points
            (Python's str); a project that does not allow overlapping spans
            (the default) keeps one of two overlapping labels, so hitl must
            write none.
  presidio  presidio-research: InputSample.from_json(row) calls
            InputSample(**row, create_tags_from_span=True) and Span(**span)
            for each span, so a row holds only the constructor's keywords
            and a span exactly entity_type, entity_value, start_position,
            end_position; entity_value is full_text[start_position:
            end_position]; read_dataset_json() json.load()s an array.

Usage: consumer_spans.py spans|doccano|presidio FILE [--utf16 CPFILE]
With --utf16, FILE's offsets are UTF-16 code units (JavaScript's): node
slices each text with them, and the slices must be those CPFILE (the same
export in code points) gives. Prints what it loaded; exits 1 naming the
first record a consumer would refuse or misread.
"""
import json
import subprocess
import sys

INPUT_SAMPLE_PARAMS = {
    "full_text", "spans", "masked", "tokens", "tags", "token_model_version",
    "scheme", "metadata", "sample_id", "template_id",
}
SPAN_PARAMS = ["entity_type", "entity_value", "start_position",
               "end_position"]


class Refused(Exception):
    pass


def lines(path):
    with open(path, encoding="utf-8") as f:
        data = f.read()
    if data and not data.endswith("\n"):
        raise Refused(path + ": no final newline")
    return [json.loads(l) for l in data.split("\n")[:-1]]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_offsets(where, text, ents):
    """spaCy's rules for doc.ents given as (start, end, label) in code
    points: within the text, not empty, no character in two entities."""
    for s, e, label in ents:
        if not (is_int(s) and is_int(e)):
            raise Refused("%s: offsets must be ints: %r" % (where, (s, e)))
        if not 0 <= s < e <= len(text):
            raise Refused("%s: span %r outside the text or empty (len %d)"
                          % (where, (s, e, label), len(text)))
        if not isinstance(label, str) or not label:
            raise Refused("%s: label %r" % (where, label))
    last = None
    for s, e, label in sorted(ents):
        if last is not None and s < last[1]:
            raise Refused("%s: [E103] Trying to set conflicting doc.ents: "
                          "%r and %r" % (where, last, (s, e, label)))
        if last is None or e > last[1]:
            last = (s, e, label)


def load_spans(path):
    out = []
    for n, r in enumerate(lines(path), 1):
        where = "%s:%d" % (path, n)
        if not isinstance(r.get("text"), str) or not isinstance(
                r.get("spans"), list):
            raise Refused(where + ": needs text and spans")
        ents = [(s.get("start"), s.get("end"), s.get("label"))
                for s in r["spans"]]
        check_offsets(where, r["text"], ents)
        out.append((r["id"], r["text"], ents))
    return out


def load_doccano(path):
    out = []
    for n, r in enumerate(lines(path), 1):
        where = "%s:%d" % (path, n)
        if not isinstance(r.get("text"), str):
            raise Refused(where + ": doccano needs \"text\"")
        labels = r.get("label")
        if not isinstance(labels, list) or not all(
                isinstance(l, list) and len(l) == 3 for l in labels):
            raise Refused(where + ": \"label\" must be [[start, end, T]]")
        ents = [tuple(l) for l in labels]
        # allow_overlapping_spans is off in a new project.
        check_offsets(where, r["text"], ents)
        out.append((r.get("id"), r["text"], ents))
    return out


def load_presidio(path):
    out = []
    rows = lines(path)
    for n, r in enumerate(rows, 1):
        where = "%s:%d" % (path, n)
        extra = set(r) - INPUT_SAMPLE_PARAMS
        if extra:
            raise Refused("%s: InputSample.__init__() got an unexpected "
                          "keyword argument %r" % (where, sorted(extra)[0]))
        if not isinstance(r.get("full_text"), str):
            raise Refused(where + ": full_text must be a string")
        ents = []
        for s in r.get("spans") or []:
            if not isinstance(s, dict) or sorted(s) != sorted(SPAN_PARAMS):
                raise Refused("%s: Span(**%r): its keywords are %s" %
                              (where, s, SPAN_PARAMS))
            a, b = s["start_position"], s["end_position"]
            ents.append((a, b, s["entity_type"]))
            check_offsets(where, r["full_text"], [(a, b, s["entity_type"])])
            if r["full_text"][a:b] != s["entity_value"]:
                raise Refused("%s: entity_value %r is not full_text[%d:%d] "
                              "%r" % (where, s["entity_value"], a, b,
                                      r["full_text"][a:b]))
        # span_to_tag gives each token one tag: spans may not overlap.
        check_offsets(where, r["full_text"], ents)
        meta = r.get("metadata") or {}
        out.append((meta.get("id"), r["full_text"], ents))
    # read_dataset_json: the same rows as one JSON array (jq -s).
    if json.loads(json.dumps(rows)) != rows:
        raise Refused(path + ": rows do not survive a JSON array")
    return out


def node_slices(path):
    """Each record's spans as JavaScript slices its text (UTF-16 units)."""
    js = r"""
const fs = require("fs");
const out = [];
for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
  if (l === "") continue;
  const r = JSON.parse(l);
  out.push(r.spans.map(s => [r.text.slice(s.start, s.end), s.label,
    s.start >= 0 && s.start < s.end && s.end <= r.text.length]));
}
console.log(JSON.stringify(out));
"""
    p = subprocess.run(["node", "-e", js, path], capture_output=True,
                       text=True, check=True)
    return json.loads(p.stdout)


def main(argv):
    fmt, path = argv[1], argv[2]
    try:
        if len(argv) > 4 and argv[3] == "--utf16":
            ref = load_spans(argv[4])
            want = [[[t[s:e], label, True] for s, e, label in ents]
                    for _, t, ents in ref]
            got = node_slices(path)
            if got != want:
                raise Refused("%s: UTF-16 slices %r, code points give %r" %
                              (path, got, want))
            recs = ref
        else:
            recs = {"spans": load_spans, "doccano": load_doccano,
                    "presidio": load_presidio}[fmt](path)
    except Refused as e:
        print("refused: " + str(e))
        return 1
    for rid, text, ents in recs:
        print(json.dumps([rid, [text[s:e] + "/" + l for s, e, l in ents]],
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
