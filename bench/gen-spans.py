#!/usr/bin/env python3
"""One anonymization record with many spans, for the redaction benchmark.

    gen-spans.py SPANS [--seed S] [--id ID] [--accept-every K] > item.jsonl

A text of sentences from gen-items.py's templates (names, places, emails,
phones, cards... with accents, CJK and emoji), each slot a distinct value
(numbered emails and phones, first and last names combined), and one
Presidio span per slot: SPANS spans, about 36 bytes of text each. Scores
put every span between auto_reject and auto_accept of the example policy,
so the item is queued for a reviewer rather than decided at import; with
--accept-every K, every K-th span scores above auto_accept instead (accepted
at import, so the console masks it). The output depends only on the
arguments.
"""

import argparse
import importlib.util
import os
import random
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_items", os.path.join(here, "gen-items.py"))
gi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gi)


def values(etype, rng, k):
    """The k-th value of etype: distinct for every k."""
    if etype == "PERSON":
        first = gi.PERSONS[k % len(gi.PERSONS)].split()[0]
        last = gi.PERSONS[(k // len(gi.PERSONS)) % len(gi.PERSONS)]
        return "%s %s%d" % (first, last.split()[-1], k)
    if etype == "EMAIL_ADDRESS":
        user, dom = gi.EMAILS[k % len(gi.EMAILS)].split("@")
        return "%s%d@%s" % (user, k, dom)
    if etype == "PHONE_NUMBER":
        return "+%d %03d %07d" % (1 + k % 89, k % 1000, k)
    pool = gi.ENTITY_VALUES[etype]
    return "%s %d" % (pool[k % len(pool)], k)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spans", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--id", default=None)
    ap.add_argument("--accept-every", type=int, default=0, metavar="K",
                    help="every K-th span scores above auto_accept")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    templates = [gi.parse_template(t) for t in gi.ANON_TEMPLATES]
    templates = [t for t in templates if any(type(p) is str for p in t)]
    parts, spans, pos, k = [], [], 0, 0
    while len(spans) < args.spans:
        lead = gi.LEADS[int(rng.random() * len(gi.LEADS))]
        parts.append(gi.esc(lead))
        pos += len(lead)
        for p in templates[int(rng.random() * len(templates))]:
            if type(p) is tuple:
                parts.append(p[0])
                pos += p[1]
                continue
            if len(spans) == args.spans:
                break
            v = values(p, rng, k)
            k += 1
            parts.append(gi.esc(v))
            score = 40 + int(rng.random() * 40)
            if args.accept_every > 0 and k % args.accept_every == 0:
                score = 90  # accepted at import, so masked
            spans.append('{"entity_type":"%s","start":%d,"end":%d,'
                         '"score":0.%02d}' % (p, pos, pos + len(v), score))
            pos += len(v)
        parts.append(" ")
        pos += 1
    sys.stdout.write('{"id":"%s","kind":"anonymization","text":"%s",'
                     '"spans":[%s]}\n' % (
                         args.id or "spans-%d" % args.spans, "".join(parts),
                         ",".join(spans)))


if __name__ == "__main__":
    main()
