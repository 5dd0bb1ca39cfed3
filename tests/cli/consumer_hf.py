#!/usr/bin/env python3
"""Loads a dataset directory the way datasets.load_dataset(DIR) does, by
its published rules (datasets is not installable here):

  README.md   the YAML front matter (huggingface_hub's block: "---" lines
              at the top, yaml.safe_load), its "configs": a list of
              {config_name, data_files: [{split, path}]}, config names
              unique, split names matching ^\\w+(\\.\\w+)*$ (datasets'
              splits.py), every path a file of DIR
  files       JSON Lines, one type per column over the whole config
              (consumer_chat.py's pyarrow rule)

and what hitl promises besides: the manifest's splits are the declared
files (records, sha256), the card's hash is in the manifest, the body says
the manifest's numbers (CommonMark escapes undone), nothing in the body
is a heading, HTML or link it did not mean, and, given --id FIELD, every
record's split follows from SHA-256 of its id and the test fraction.

usage: consumer_hf.py DIR [--id FIELD]; prints the errors, exits 1 if any.
"""
import hashlib
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consumer_chat  # noqa: E402

errors = []
SPLIT_RE = re.compile(r"^\w+(\.\w+)*$")
# huggingface_hub's repocard.py
YAML_BLOCK = re.compile(r"^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))")
FRONT_KEYS = {"pretty_name", "tags", "task_categories", "size_categories",
              "configs"}
HEADINGS = ["# hitl %s export", "## What was reviewed",
            "## Redaction and personal data", "## Splits", "## Files"]


def err(msg):
    errors.append(msg)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def is_test(ext_id, fraction):
    h = hashlib.sha256(ext_id.encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < fraction


def unescape(s):
    """CommonMark: a backslash before ASCII punctuation is the character."""
    s = s.replace("&#32;", " ")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)


def size_category(n):
    for i, name in enumerate(["n<1K", "1K<n<10K", "10K<n<100K",
                              "100K<n<1M", "1M<n<10M", "10M<n<100M",
                              "100M<n<1B", "1B<n<10B", "10B<n<100B",
                              "100B<n<1T"]):
        if n < 1000 * 10**i:
            return name
    return "n>1T"


def load_card(d):
    text = open(os.path.join(d, "README.md"), encoding="utf-8").read()
    m = YAML_BLOCK.search(text)
    if m is None:
        err("README.md: no YAML front matter")
        return {}, text
    meta = yaml.safe_load(m.group(2))
    if not isinstance(meta, dict):
        err("README.md: the front matter is not a mapping: %r" % (meta,))
        return {}, text
    return meta, text[m.end():]


def check_configs(d, meta):
    """datasets' MetadataConfigs: the files of each split of default."""
    configs = meta.get("configs")
    if configs is None:
        return {}
    if not isinstance(configs, list):
        err("configs is not a list")
        return {}
    names = [c.get("config_name") if isinstance(c, dict) else None
             for c in configs]
    if names != ["default"]:
        err("configs: config names %r, not [default]" % names)
        return {}
    files = {}
    df = configs[0].get("data_files")
    if not isinstance(df, list):
        err("data_files is not a list of {split, path}")
        return {}
    for e in df:
        if not isinstance(e, dict) or set(e) != {"split", "path"}:
            err("data_files entry %r is not {split, path}" % (e,))
            continue
        if not isinstance(e["split"], str) or not SPLIT_RE.match(e["split"]):
            err("split name %r does not match %s" % (e["split"],
                SPLIT_RE.pattern))
        if e["split"] in files:
            err("split %s declared twice" % e["split"])
        p = e["path"]
        if not isinstance(p, str) or not os.path.isfile(os.path.join(d, p)):
            err("split %s: path %r is not a file of %s" % (e["split"], p, d))
            continue
        if re.search(r"[*?\[]", p):
            err("split %s: path %r is a glob pattern" % (e["split"], p))
        files[e["split"]] = p
    return files


def load_rows(path):
    rows = []
    with open(path, "rb") as f:
        for n, line in enumerate(f):
            try:
                r = json.loads(line.decode("utf-8"))
            except ValueError as e:
                err("%s: line %d is not JSON: %s" % (path, n + 1, e))
                continue
            if not isinstance(r, dict):
                err("%s: line %d is not an object" % (path, n + 1))
                continue
            rows.append(r)
    return rows


def section(body, title):
    """The lines of the body after "title:" up to the next blank line
    after the list."""
    lines = body.split("\n")
    out = {}
    for i, l in enumerate(lines):
        if l == title + ":":
            for l2 in lines[i + 2:]:
                if not l2.startswith("- "):
                    break
                m = re.match(r"^- (.*): (\d+)$", l2)
                if m is None:
                    err("%s: %r is not '- NAME: N'" % (title, l2))
                    continue
                out[unescape(m.group(1))] = int(m.group(2))
            return out
    return None


def check_body(body, man, files):
    fmt = man["format"]
    heads = [l for l in body.split("\n") if l.startswith("#")]
    if heads != [HEADINGS[0] % fmt] + HEADINGS[1:]:
        err("card: headings %r" % heads)
    for n, l in enumerate(body.split("\n")):
        # Every <, [ and ` that is not ours is escaped.
        raw = re.sub(r"\\.", "", l)
        raw = re.sub(r"`[^`]*`", "", raw)
        if "<" in raw or "](" in raw or re.match(r"^\s*(---|===)\s*$", l):
            err("card line %d: unescaped markup: %r" % (n + 1, l))
    total = man["records"]
    word = "record" if total == 1 else "records"
    splits = {s["split"]: s for s in man["splits"]}
    m = re.search(r"^(\d+) %s(: .*)?\.$" % word, body, re.M)
    if m is None or int(m.group(1)) != total:
        err("card: total is not %d %s" % (total, word))
    else:
        said = dict((s, int(n)) for n, s in
                    re.findall(r"(\d+) in the (\w+) split", m.group(0)))
        want = {k: v["records"] for k, v in splits.items()}
        if said != want:
            err("card: splits %r, manifest %r" % (said, want))
    for title, key in [("By kind of item", "kind"), ("By action", "action"),
                       ("By label", "label"),
                       ("By entity type", "entity_type")]:
        got = section(body, title)
        want = man["counts"][key]
        if (got or {}) != want:
            err("card: %s %r, manifest %r" % (title, got, want))
    got = section(body, "Left out because their consumer could not load "
                  "them")
    if (got or {}) != man["skipped"]:
        err("card: skipped %r, manifest %r" % (got, man["skipped"]))
    if not man["skipped"] and "Nothing was left out." not in body:
        err("card: does not say nothing was left out")
    r = man["reviewers"]
    if not re.search(r"^Decided by %d reviewers?\b" % r, body, re.M):
        err("card: not decided by %d reviewers" % r)
    pv = man["policy_versions"]
    m = re.search(r"under policy versions? ([\d, and]+?)"
                  r"(?=, from |: |, in none)", body)
    said = [int(x) for x in re.findall(r"\d+", m.group(1))] if m else []
    if said != pv:
        err("card: policy versions %r, manifest %r" % (said, pv))
    dec = man["decisions"]
    if "first_at" in dec and ("from %s to %s" % (dec["first_at"],
                              dec["last_at"])) not in unescape(body):
        err("card: the decision window %s..%s is not said" %
            (dec["first_at"], dec["last_at"]))
    if dec["through"] > dec["after"] and (
            "after number %d through number %d" % (dec["after"],
            dec["through"])) not in body:
        err("card: decisions %d..%d not said" % (dec["after"],
            dec["through"]))
    red = {"replace": "replaced by its entity type (", "mask": "masked",
           "hash": "keyed hash", "none": "Nothing is redacted."}
    if red[man["redaction"]] not in body:
        err("card: redaction %s not said" % man["redaction"])
    c = man["contains_personal_data"]
    phrase = {True: "**The files contain personal data.**",
              "possible": "**The files may contain personal data**",
              False: "No personal data is known to remain"}[c]
    if phrase not in body:
        err("card: contains_personal_data %r not said" % (c,))
    if man.get("pseudonymized") is True and "pseudonymized" not in body:
        err("card: pseudonymized not said")
    f = man["options"]["test_fraction"]
    m = re.search(r"fraction of 2\^64, are below ([0-9.e+-]+), ", body)
    if m is None or float(m.group(1)) != f:
        err("card: test fraction is not %r" % f)
    for s in man["splits"]:
        want = "- `%s`: the %s split, %d record%s, SHA-256 `%s`" % (
            s["path"], s["split"], s["records"],
            "" if s["records"] == 1 else "s", s["sha256"])
        if want not in body:
            err("card: no line %r" % want)
    if len(re.findall(r"SHA-256 `[0-9a-f]{64}`", body)) != len(files):
        err("card: hashes of files that are not declared")
    if "`%s`" % man["audit_head"] not in body:
        err("card: audit head not said")


def main():
    d = sys.argv[1]
    idf = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--id" \
        else None
    man = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
    meta, body = load_card(d)
    if not set(meta) <= FRONT_KEYS:
        err("front matter keys %r" % sorted(meta))
    if meta.get("size_categories") != [size_category(man["records"])]:
        err("size_categories %r for %d records" % (meta.get(
            "size_categories"), man["records"]))
    if meta.get("pretty_name") != "hitl %s export" % man["format"]:
        err("pretty_name %r" % meta.get("pretty_name"))
    files = check_configs(d, meta)
    declared = {s["split"]: s["path"] for s in man["splits"]}
    if files != declared:
        err("card declares %r, manifest %r" % (files, declared))
    on_disk = sorted(x for x in os.listdir(d) if x.endswith(".jsonl"))
    if on_disk != sorted(files.values()):
        err("%s holds %r, card declares %r" % (d, on_disk, files))
    if man["card"] != {"path": "README.md",
                       "sha256": sha256(os.path.join(d, "README.md"))}:
        err("manifest's card %r is not README.md's hash" % man["card"])
    allrows = []
    fraction = man["options"]["test_fraction"]
    for s in man["splits"]:
        p = os.path.join(d, s["path"])
        rows = load_rows(p)
        if len(rows) != s["records"] or s["records"] == 0:
            err("%s: %d rows, manifest %d" % (p, len(rows), s["records"]))
        if sha256(p) != s["sha256"]:
            err("%s: sha256 is not the manifest's" % p)
        if idf is not None:
            for r in rows:
                if is_test(r[idf], fraction) != (s["split"] == "test"):
                    err("%s: %s belongs to the other split" % (p, r[idf]))
        allrows += rows
    if sum(s["records"] for s in man["splits"]) != man["records"]:
        err("splits do not add up to %d records" % man["records"])
    consumer_chat.check_arrow(allrows)
    errors.extend(consumer_chat.errors)
    check_body(body, man, files)
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
