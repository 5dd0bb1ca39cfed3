#!/usr/bin/env python3
"""The one table of `make bench`, from bench/results.json, as Markdown (the
README's copy is this output). Every ratio is against a baseline measured in
the same run; "met" compares it with the goal of the issue that set it."""
import json
import sys


def speed(ratio):
    """A baseline-over-hitl time ratio in words."""
    if ratio >= 1:
        return "{:.2f}x faster".format(ratio)
    return "{:.2f}x slower".format(1 / ratio)


def row(rows, what, hitl, base, ratio, goal, met):
    rows.append((what, hitl, base, ratio, goal,
                 "-" if met is None else "yes" if met else "**no**"))


def main(path):
    r = json.load(open(path))
    rows = []
    m = r.get("machine", {})
    imp, sh, py = r.get("hitl_import"), r.get("sqlite3_shell"), \
        r.get("python_import")
    if imp and sh:
        n = r["input"]["items"]
        ratio = sh["seconds"] / imp["seconds"]
        row(rows, "import {:,} items".format(n),
            "{:.1f} s".format(imp["seconds"]),
            "sqlite3 shell {:.1f} s".format(sh["seconds"]),
            speed(ratio), ">= 1.5x faster", ratio >= 1.5)
    if imp and py:
        ratio = py["seconds"] / imp["seconds"]
        row(rows, "import {:,} items".format(r["input"]["items"]),
            "{:.1f} s".format(imp["seconds"]),
            "Python json+sqlite3 {:.1f} s".format(py["seconds"]),
            speed(ratio), "-", None)
    if imp and r.get("hitl_import_small"):
        s = r["hitl_import_small"]
        ratio = imp["peak_rss_kb"] / s["peak_rss_kb"]
        row(rows, "import peak memory, N vs N/10",
            "{:.0f} MB".format(imp["peak_rss_kb"] / 1024),
            "{:.0f} MB".format(s["peak_rss_kb"] / 1024),
            "{:.2f}x".format(ratio), "flat (<= 1.2x)", ratio <= 1.2)
    cd = r.get("claim_decide")
    if cd:
        row(rows, "claim+decide, {:,} vs 1,000 items".format(cd["n"]),
            "{:.0f} us".format(cd["us_at_n"]),
            "{:.0f} us".format(cd["us_at_1000"]),
            "{:.2f}x".format(cd["ratio"]), "<= 1.5x",
            cd["ratio"] <= cd.get("goal_ratio_max", 1.5))
    c8 = r.get("concurrent_8")
    if c8:
        row(rows, "8 processes claiming and deciding",
            "{:,} decisions/s".format(c8["decisions_per_second"]), "-", "-",
            "no lost or double decision", None)
    con = r.get("console")
    if con:
        row(rows, "console first screen, {:,} vs 1,000 items".format(
            con["items"]), "{:.0f} ms".format(con["first_screen_ms_n"]),
            "{:.0f} ms".format(con["first_screen_ms_1000"]),
            "{:.2f}x".format(con["ratio"]), "<= 1.5x", con["ratio"] <= 1.5)
        k1 = con.get("per_key_ms_1000")
        row(rows, "console per key, {:,} vs 1,000 items".format(
            con["items"]), "{:.2f} ms".format(con["per_key_ms"]),
            "-" if k1 is None else "{:.2f} ms".format(k1), "-", "<= 1 ms",
            con["per_key_ms"] <= 1)
        row(rows, "console peak memory, {:,} vs 1,000 items".format(
            con["items"]), "{:.0f} MB".format(con["peak_rss_kb_n"] / 1024),
            "{:.0f} MB".format(con["peak_rss_kb_1000"] / 1024),
            "{:.2f}x".format(con["rss_ratio"]), "<= 1.2x",
            con["rss_ratio"] <= 1.2)
    cs = r.get("console_spans")
    if cs:
        row(rows, "console per key, 1 item of {:,} vs {:,} spans".format(
            cs["spans"], cs["spans_small"]),
            "{:.2f} ms".format(cs["per_key_ms"]),
            "{:.2f} ms".format(cs["per_key_ms_small"]),
            "{:.2f}x".format(cs["ratio"]), "near 1x, <= 1 ms",
            cs["per_key_ms"] <= cs.get("goal_per_key_ms", 1))
    ex = r.get("export")
    if ex:
        row(rows, "export {:,} decisions".format(ex["decisions"]),
            "{:.1f} s".format(ex["hitl_seconds"]),
            "sqlite3 json_object {:.1f} s".format(ex["sqlite3_seconds"]),
            speed(ex["ratio"]), "no slower than before ({})".format(
                speed(ex.get("goal_ratio", 0.558))),
            ex["ratio"] >= ex.get("goal_ratio", 0.558))
        ratio = ex["peak_rss_kb"] / ex["peak_rss_kb_small"]
        row(rows, "export peak memory, N vs N/10",
            "{:.0f} MB".format(ex["peak_rss_kb"] / 1024),
            "{:.0f} MB".format(ex["peak_rss_kb_small"] / 1024),
            "{:.2f}x".format(ratio), "flat (<= 1.2x)", ratio <= 1.2)
    es = r.get("export_spans")
    if es:
        for fmt in ("spans", "decisions"):
            e = es[fmt]
            row(rows, "export 1 record of {:,} spans ({}) vs {:,}".format(
                es["record_spans"], fmt, es["record_spans_small"]),
                "{:.0f} ms".format(e["seconds"] * 1000),
                "{:.0f} ms".format(e["seconds_small"] * 1000),
                "{:.1f}x for 10x the work".format(e["ratio"]),
                "< 100 ms", e["seconds"] < es.get("goal_seconds", 0.1))
    pg = r.get("postgresql")
    if pg:
        i = pg["import"]
        ratio = i["sqlite_seconds"] / i["postgresql_seconds"]
        row(rows, "PostgreSQL: import {:,} items".format(i["items"]),
            "{:.1f} s".format(i["postgresql_seconds"]),
            "SQLite {:.1f} s".format(i["sqlite_seconds"]), speed(ratio),
            "-", None)
        cd = pg["claim_decide"]
        row(rows, "PostgreSQL: claim+decide, {:,} vs 1,000 items".format(
            cd["n"]), "{:.0f} us".format(cd["us_at_n"]),
            "{:.0f} us".format(cd["us_at_1000"]),
            "{:.2f}x".format(cd["ratio"]), "<= 1.5x",
            cd["ratio"] <= cd.get("goal_ratio_max", 1.5))
        c = pg["concurrent"]
        for k in (8, 32):
            row(rows, "{} reviewer processes".format(k),
                "PostgreSQL {:,.0f} decisions/s".format(
                    c["postgresql_{}".format(k)]),
                "SQLite {:,.0f} decisions/s".format(c["sqlite_{}".format(k)]),
                "-", "no lost or double decision", None)
        row(rows, "PostgreSQL 32 reviewers vs SQLite 8",
            "{:,.0f} decisions/s".format(c["postgresql_32"]),
            "{:,.0f} decisions/s".format(c["sqlite_8"]),
            "{:.2f}x".format(c["ratio_pg32_over_sqlite8"]), ">= 4x",
            c["ratio_pg32_over_sqlite8"] >= c.get("goal_ratio", 4))
        e = pg["export"]
        sq = e.get("sqlite_seconds")
        row(rows, "PostgreSQL: export {:,} decisions".format(e["decisions"]),
            "{:.1f} s".format(e["postgresql_seconds"]),
            "-" if sq is None else "SQLite {:.1f} s".format(sq),
            "-" if sq is None else speed(sq / e["postgresql_seconds"]),
            "-", None)

    print()
    print("Measured {} on {} ({} cores, {:.0f} GB, Linux {}):".format(
        r.get("date", "?"), m.get("cpu_model", "?"), m.get("nproc", "?"),
        m.get("memory_kb", 0) / 1048576, m.get("kernel", "?")))
    print()
    head = ("benchmark", "hitl", "baseline (same run)", "ratio", "goal",
            "met")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results.json")
