#!/usr/bin/env python3
"""Generate realistic hitl input records for the import benchmark.

    gen-items.py N [--seed S] > items.jsonl

Writes N JSON lines in the format of doc/formats.md / queue/record.c: about
60% model_output records (a response, a prompt or a message list as context,
0-3 detector flags, some with start/end offsets into the response) and 40%
anonymization records (text plus Presidio spans, some with an
analysis_explanation).  Text mixes accented and non-Latin names, CJK and
emoji (including ZWJ sequences) ahead of the flagged parts, so offsets have
to be counted in code points, as hitl does.  Lines average about 300 bytes.

The output depends only on N and the seed (stdlib only, no clock, no hash
randomisation).  For speed every text fragment is JSON-escaped once up
front together with its length in code points; a line is then assembled by
concatenating pre-escaped pieces, and offsets are sums of those lengths.
"""

import argparse
import json
import random
import sys


def esc(s):
    """JSON string body (no quotes) for s, UTF-8 left as is."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


def frag(s):
    """A text fragment: (escaped JSON body, length in code points)."""
    return (esc(s), len(s))


# --- shared pools --------------------------------------------------------

PERSONS = [
    "Jürgen Müller", "Nguyễn Thị Mai", "山田太郎", "José García", "Zoë Ødegaard",
    "Siobhán O'Neill", "Amélie Dubois", "Łukasz Wójcik", "Ana María Núñez",
    "Oğuz Yılmaz", "李小龙", "Priya Natarajan", "Björn Åström", "María José",
    "Chloé Lefèvre", "Kim Min-jun", "Dmitri Ivanov", "Fatima Al-Sayed",
    "John Smith", "Emily Clarke",
]
LOCATIONS = [
    "München", "Zürich", "東京", "São Paulo", "Kraków", "Hà Nội", "Denver",
    "Tbilisi", "Montréal", "İstanbul", "Cusco", "Reykjavík", "大阪", "Aarhus",
]
ORGS = [
    "Müller & Söhne GmbH", "Northwind", "Harlow & Finch", "株式会社サクラ",
    "Wayfarer Travel", "Café Noël SARL", "Contoso Bank",
]
EMAILS = [
    "j.mueller@example.de", "mai.nguyen@example.vn", "taro.yamada@example.jp",
    "jose.garcia@example.es", "zoe@example.no", "p.natarajan@example.in",
]
PHONES = [
    "+49 89 1234567", "+84 912 345 678", "090-1234-5678", "(303) 555-0147",
    "+34 612 34 56 78", "+44 20 7946 0958",
]
DATES = ["12 March 1987", "2026-11-03", "3月14日", "last Tuesday", "07/04/1990"]
SSNS = ["078-05-1120", "219-09-9999", "457-55-5462"]
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "3782 822463 10005"]
IBANS = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32"]
IPS = ["192.168.4.17", "10.0.0.254", "2001:db8::ff00:42:8329"]
URLS = ["https://example.com/u/jmueller", "http://intra.example.jp/~yamada"]
NRPS = ["Vietnamese", "Catholic", "Japanese", "Bavarian"]

ENTITY_VALUES = {
    "PERSON": PERSONS, "LOCATION": LOCATIONS, "ORGANIZATION": ORGS,
    "EMAIL_ADDRESS": EMAILS, "PHONE_NUMBER": PHONES, "DATE_TIME": DATES,
    "US_SSN": SSNS, "CREDIT_CARD": CARDS, "IBAN_CODE": IBANS,
    "IP_ADDRESS": IPS, "URL": URLS, "NRP": NRPS,
}
RECOGNIZERS = {
    "PERSON": "SpacyRecognizer", "LOCATION": "SpacyRecognizer",
    "ORGANIZATION": "SpacyRecognizer", "DATE_TIME": "SpacyRecognizer",
    "NRP": "SpacyRecognizer", "EMAIL_ADDRESS": "EmailRecognizer",
    "PHONE_NUMBER": "PhoneRecognizer", "US_SSN": "UsSsnRecognizer",
    "CREDIT_CARD": "CreditCardRecognizer", "IBAN_CODE": "IbanRecognizer",
    "IP_ADDRESS": "IpRecognizer", "URL": "UrlRecognizer",
}

# Openers placed before the interesting part: non-ASCII, CJK and emoji
# (ZWJ sequences, flags, skin tones) so byte and code point offsets differ.
LEADS = [
    "", "", "", "", "", "",
    "👋 ", "Hi! 😊 ", "お問い合わせ：", "👩‍💻 Ticket update: ", "回复：",
    "🇩🇪 ", "Re: Bestätigung — ", "👨‍👩‍👧‍👦 Family plan: ", "✅ ", "Привет! ",
    "🙏🏽 Thanks. ", "Xin chào! ",
]

# --- anonymization -------------------------------------------------------

# Sentence templates: literal text and {ENTITY_TYPE} slots.
ANON_TEMPLATES = [
    "Please call {PERSON} on {PHONE_NUMBER} about the refund.",
    "My name is {PERSON} and I live in {LOCATION}.",
    "Send the contract to {EMAIL_ADDRESS} before {DATE_TIME}.",
    "For the background check my SSN is {US_SSN}.",
    "Card {CREDIT_CARD} was charged twice, can you reverse it?",
    "{PERSON} from {ORGANIZATION} asked for an update.",
    "Wire it to {IBAN_CODE}, account holder {PERSON}.",
    "Login attempts from {IP_ADDRESS} were blocked.",
    "Profile: {URL} (owner {PERSON}).",
    "We met in {LOCATION} on {DATE_TIME}; {PERSON} was there too.",
    "山田さんの電話番号は{PHONE_NUMBER}です。",
    "{PERSON} ({NRP}) moved to {LOCATION} last year.",
    "Bitte an {EMAIL_ADDRESS} schicken, danke 🙂",
    "Thanks for the help with my order!",
    "Ask {PERSON} for the keys.",
    "Ping me at {EMAIL_ADDRESS} 📧",
    "Flight lands in {LOCATION} at 9.",
    "Call {PHONE_NUMBER} after 5pm.",
]


def parse_template(t):
    """Split 'a {X} b' into ['a ', ('X',), ' b'] with fragments pre-escaped."""
    parts, rest = [], t
    while "{" in rest:
        pre, rest = rest.split("{", 1)
        name, rest = rest.split("}", 1)
        if pre:
            parts.append(frag(pre))
        parts.append(name)
    if rest:
        parts.append(frag(rest))
    return parts


def explanation(etype, recognizer, score):
    pattern = recognizer != "SpacyRecognizer"
    exp = {
        "recognizer": recognizer,
        "pattern_name": etype.lower() + " (medium)" if pattern else None,
        "pattern": r"\b\d{3}[- .]\d{2}[- .]\d{4}\b" if pattern else None,
        "original_score": round(max(0.0, score - 0.35), 2) if pattern else score,
        "score": score,
        "textual_explanation": ("Detected by `%s`" % recognizer) if pattern
        else "Identified as %s by Spacy's Named Entity Recognition" % etype,
        "score_context_improvement": 0.35 if pattern else 0.0,
        "supportive_context_word": "ssn" if etype == "US_SSN" else "",
    }
    return json.dumps(exp, ensure_ascii=False, separators=(",", ":"))


# --- model outputs -------------------------------------------------------

# Flag type -> (flagged sentences, detector, rationales).  The sentence is
# what a flag with offsets points at.
FLAG_KINDS = {
    "bias.gender": (
        ["She may be less available after maternity leave, so pick him.",
         "Men usually handle negotiations better.",
         "女性は管理職に向いていません。"],
        "bias-clf-2", ["Gendered assumption about availability.", ""]),
    "bias.age": (
        ["Candidates over 50 tend to struggle with our pace.",
         "Younger staff adapt faster to new tools."],
        "bias-clf-2", ["Discourages an applicant because of age."]),
    "toxicity": (
        ["Honestly, that is a stupid question.",
         "Stop whining and read the manual. 🙄"],
        "perspective-tox", ["Belittling tone.", "Insult aimed at the user."]),
    "pii.leak": (
        ["The account belongs to Nguyễn Thị Mai, +84 912 345 678.",
         "Jürgen Müller's address is Leopoldstraße 12, München.",
         "山田太郎さんのメールは taro.yamada@example.jp です。"],
        "pii-scan-3", ["Discloses another customer's contact data."]),
    "hallucination.policy": (
        ["Loyalty members get a full refund on non-refundable rooms.",
         "Returns are accepted for 365 days, no receipt needed."],
        "factcheck-0.4", ["No such policy exists.", ""]),
    "policy.medical_advice": (
        ["Take 800 mg of ibuprofen every four hours.",
         "You can stop the antibiotics once you feel better."],
        "policy-guard-1", ["Dosing advice outside the assistant's remit."]),
    "policy.legal_advice": (
        ["Non-compete clauses are unenforceable, just ignore yours.",],
        "policy-guard-1", ["Overbroad legal conclusion."]),
}
FLAG_TYPES = list(FLAG_KINDS)

NEUTRAL = [
    "Thanks for reaching out.", "I checked your order.",
    "Here is what I found.", "Let me help with that.",
    "Your booking is confirmed.", "ご確認ありがとうございます。",
    "Merci pour votre patience.", "Hope this helps! 🚀",
]
PROMPTS = [
    "Can I get a refund for my order?", "Who owns account 4471?",
    "Is ibuprofen OK for my back pain?", "Should I hire Zoë or Björn?",
    "注文をキャンセルできますか？", "Why is my app frozen? 😡",
    "Can I cancel my non-refundable room?", "Does my non-compete apply?",
]
SYSTEMS = [
    "You are Northwind's support assistant.",
    "You are the HR FAQ assistant. No legal or medical advice.",
    "You are a booking assistant for Wayfarer Travel.",
]
SOURCES = [
    ("support-bot-v4", "tickets"), ("hr-assistant-1", "hr-faq"),
    ("travel-agent-2", "chat"), ("pii-redactor", "presidio"),
]
LOCALES = ["en-US", "en-GB", "de-DE", "ja-JP", "vi-VN", "es-ES"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of lines")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rand = rng.random
    out = sys.stdout.buffer

    # Scores as (value, JSON text), 0.00 .. 1.00.
    scores = [(i / 100, "%.2f" % (i / 100)) for i in range(101)]
    scores[100] = (1.0, "1.0")
    scores[0] = (0.0, "0.0")

    leads = [frag(s) for s in LEADS]
    neutral = [frag(s) for s in NEUTRAL]
    ents = {k: [frag(v) for v in vals] for k, vals in ENTITY_VALUES.items()}
    templates = [parse_template(t) for t in ANON_TEMPLATES]
    flagkinds = []
    for ftype in FLAG_TYPES:
        sents, det, rats = FLAG_KINDS[ftype]
        flagkinds.append((ftype, [frag(s) for s in sents], det,
                          [esc(r) for r in rats]))

    # Prefixes holding created_at's date, by day; times of day.
    days = ["2026-11-%02d" % d for d in range(1, 31)]
    hms = ["%02d:%02d:%02d" % (t // 3600, t // 60 % 60, t % 60)
           for t in range(86400)]

    src_mo = ['"source":{"model":"%s","pipeline":"%s"},' % s
              for s in SOURCES[:3]]
    src_an = '"source":{"model":"%s","pipeline":"%s"},' % SOURCES[3]
    meta_mo = ['"metadata":{"locale":"%s"},' % l for l in LOCALES]
    meta_an = ['"metadata":{"analyzer":"presidio-analyzer","language":"en"},',
               '"metadata":{"analyzer":"presidio-analyzer","language":"ja"},']
    prompts = ['"prompt":"%s",' % esc(p) for p in PROMPTS]
    messages = ['"messages":[{"role":"system","content":"%s"},'
                '{"role":"user","content":"%s"}],' % (esc(s), esc(p))
                for s in SYSTEMS for p in PROMPTS]
    explanations = {}

    buf = []
    t0 = 1_000_000  # seconds into November; ~2.6 s apart per record
    for i in range(1, args.n + 1):
        t = t0 + i * 13 // 5
        created = days[t // 86400 % 30] + "T" + hms[t % 86400] + "Z"
        r = rand()
        if r < 0.6:
            # --- model_output: lead + [flagged sentence] + neutral tail
            lead = leads[int(rand() * len(leads))]
            nflags = (0, 0, 0, 1, 1, 1, 1, 1, 2, 3)[int(rand() * 10)]
            kind = flagkinds[int(rand() * len(flagkinds))]
            sent = kind[1][int(rand() * len(kind[1]))]
            tail = neutral[int(rand() * len(neutral))] if rand() < 0.35 \
                else ("", -1)
            resp = lead[0] + sent[0] + (" " + tail[0] if tail[0] else "")
            resp_cps = lead[1] + sent[1] + 1 + tail[1]
            flags = []
            for k in range(nflags):
                if k > 0:
                    kind = flagkinds[int(rand() * len(flagkinds))]
                sc = scores[int(rand() * rand() * 101)] if k else \
                    scores[int(rand() * 101)]
                f = '{"type":"%s","score":%s' % (kind[0], sc[1])
                if rand() < 0.85:
                    f += ',"detector":"%s"' % kind[2]
                rat = kind[3][int(rand() * len(kind[3]))]
                if rat and rand() < 0.2:
                    f += ',"rationale":"%s"' % rat
                if k == 0 and rand() < 0.8:
                    f += ',"start":%d,"end":%d' % (lead[1], lead[1] + sent[1])
                elif k > 0 and tail[0] and rand() < 0.4:
                    s = lead[1] + sent[1] + 1
                    f += ',"start":%d,"end":%d' % (s, resp_cps)
                flags.append(f + "}")
            c = rand()
            if c < 0.5:
                ctx = prompts[int(rand() * len(prompts))]
            elif c < 0.6:
                ctx = messages[int(rand() * len(messages))]
            else:
                ctx = ""
            line = ('{"id":"out-%d-%07d","kind":"model_output",'
                    '"created_at":"%s",%s%s"response":"%s",%s'
                    '"flags":[%s]}' % (
                        args.seed, i, created,
                        src_mo[int(rand() * 3)] if rand() < 0.3 else "",
                        meta_mo[int(rand() * len(meta_mo))]
                        if rand() < 0.2 else "",
                        resp, ctx, ",".join(flags)))
        else:
            # --- anonymization: lead + template with entity slots
            lead = leads[int(rand() * len(leads))]
            parts = [lead[0]]
            pos = lead[1]
            spans = []
            for p in templates[int(rand() * len(templates))]:
                if type(p) is tuple:
                    parts.append(p[0])
                    pos += p[1]
                    continue
                v = ents[p][int(rand() * len(ents[p]))]
                parts.append(v[0])
                sc = scores[30 + int(rand() * 71)] if rand() < 0.7 else \
                    scores[int(rand() * 101)]
                rec = RECOGNIZERS[p]
                s = '{"entity_type":"%s","start":%d,"end":%d,"score":%s' % (
                    p, pos, pos + v[1], sc[1])
                if rand() < 0.8:
                    s += ',"recognizer":"%s"' % rec
                    if rand() < 0.03:
                        key = (p, sc[0])
                        e = explanations.get(key)
                        if e is None:
                            e = explanations[key] = explanation(p, rec, sc[0])
                        s += ',"analysis_explanation":' + e
                spans.append(s + "}")
                # Presidio often also reports a weaker second reading.
                if p == "PERSON" and rand() < 0.1:
                    spans.append('{"entity_type":"LOCATION","start":%d,'
                                 '"end":%d,"score":0.%02d}' % (
                                     pos, pos + v[1], 10 + int(rand() * 50)))
                pos += v[1]
            line = ('{"id":"anon-%d-%07d","kind":"anonymization",'
                    '"created_at":"%s",%s%s"text":"%s","spans":[%s]}' % (
                        args.seed, i, created,
                        src_an if rand() < 0.3 else "",
                        meta_an[int(rand() * 2)] if rand() < 0.2 else "",
                        "".join(parts), ",".join(spans)))
        buf.append(line)
        if len(buf) >= 4096:
            buf.append("")
            out.write("\n".join(buf).encode())
            buf = []
    if buf:
        buf.append("")
        out.write("\n".join(buf).encode())


if __name__ == "__main__":
    main()
