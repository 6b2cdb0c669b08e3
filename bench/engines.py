#!/usr/bin/env python3
"""The whole path of a summary through a SQL engine, beside `callev summary`.

For each corpus (made by bench/run.py's generator, in bench/corpora/): callev's events records
written as NDJSON and as Parquet, loaded with `callev schema --sql` into DuckDB and into
ClickHouse's embedded engine (chdb), and the shipped `call_summary` view run over them; each
step timed (median of --runs), and the totals given as a ratio to `callev summary -o ndjson`
on the same corpus. Also the Parquet file's size against the NDJSON's.

    pip install duckdb chdb
    python3 bench/engines.py --sizes 1G --variants bare
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (bench/run.py: corpora, the release binary)

CALLEV = bench.CALLEV


def statements(text):
    for part in text.split(";"):
        body = "\n".join(l for l in part.splitlines() if not l.strip().startswith("--"))
        if body.strip():
            yield body


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


def callev(args, out_path):
    with open(out_path, "wb") as out:
        subprocess.run([CALLEV] + args, stdout=out, check=True)


def quiet_duckdb():
    """A DuckDB connection that prints no progress bar into the timings."""
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def duckdb_path(ddl, records, parquet):
    con = quiet_duckdb()
    for st in statements(ddl):
        con.execute(st)
    start = time.perf_counter()
    if parquet:
        con.execute("INSERT INTO call_events SELECT * FROM read_parquet(?)", [records])
    else:
        con.execute("INSERT INTO call_events SELECT * FROM call_events_json(?)", [records])
    loaded = time.perf_counter()
    calls = con.execute("SELECT count(*) FROM (SELECT * FROM call_summary)").fetchone()[0]
    return loaded - start, time.perf_counter() - loaded, calls


def duckdb_in_place(ddl, records, parquet):
    """The view over the Parquet file where it lies: `call_events` a view of read_parquet, not a
    table, so only the columns the view reads are read (nothing is loaded first)."""
    if not parquet:
        return None
    con = quiet_duckdb()
    for st in statements(ddl):
        if "CREATE TABLE" in st:
            con.execute("CREATE VIEW call_events AS SELECT * FROM read_parquet('%s')" % records)
        else:
            con.execute(st)
    start = time.perf_counter()
    calls = con.execute("SELECT count(*) FROM (SELECT * FROM call_summary)").fetchone()[0]
    return 0.0, time.perf_counter() - start, calls


# The columns `call_summary` reads from each record.
VIEW_COLUMNS = """call_id, "time", received_at, host, source, line, vendor, "event", kind, terminal,
    new_call, fingerprint, twin_key, "repeat", answered, call_started_at, call_answered_at,
    call_ended_at, outcome, end_reason, digit, reported_talk_ms, reported_total_ms, participants,
    parent_call_id, damaged"""

AGGREGATES = ", ".join(
    ["count(*)", 'min("time")', 'max("time")', "max(len(participants))"]
    + ["max(%s)" % c.strip() for c in VIEW_COLUMNS.split(",")[2:] if c.strip() != "participants"])

# The engine's own floor for any exact per-call summary over the Parquet in place: what the
# view cannot do without. Each query's result is hashed whole so that no column goes unread.
DUCKDB_FLOORS = [
    ("read the view's columns",
     "SELECT sum(hash(COLUMNS(*))) FROM (SELECT %s FROM read_parquet('{p}') WHERE call_id IS NOT NULL)"
     % VIEW_COLUMNS),
    ("group them by call (unordered aggregates)",
     "SELECT sum(hash(COLUMNS(*))) FROM (SELECT call_id, %s FROM read_parquet('{p}') "
     "WHERE call_id IS NOT NULL GROUP BY call_id)" % AGGREGATES),
    ("place each file's records (a window by file over the keys alone)",
     "SELECT sum(hash(COLUMNS(*))) FROM (SELECT host, source, line, \"time\", max(\"time\") OVER "
     "(PARTITION BY host, source ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
     "FROM read_parquet('{p}') WHERE call_id IS NOT NULL)"),
    ("put each call's records in order (one window)",
     "SELECT sum(hash(COLUMNS(*))) FROM (SELECT %s, row_number() OVER (PARTITION BY call_id "
     'ORDER BY "time" NULLS FIRST, received_at, host, source, line) AS ord '
     "FROM read_parquet('{p}') WHERE call_id IS NOT NULL)" % VIEW_COLUMNS),
]


def duckdb_floors(records, runs):
    """Each floor query's median time over the Parquet in place."""
    out = []
    for name, query in DUCKDB_FLOORS:
        t, _ = timed(lambda: quiet_duckdb().execute(query.format(p=records)).fetchone(), runs)
        out.append((name, t))
    return out


def chdb_path(ddl, records, parquet, live=False):
    """The table and `call_summary`; with `live`, also the materialized view that keeps
    `call_summary_live` (inserts pay for it), and that view read instead."""
    from chdb import session
    with tempfile.TemporaryDirectory() as d:
        s = session.Session(d)
        for st in statements(ddl):
            if not live and ("call_records" in st or "call_summary_live" in st):
                continue
            s.query(st)
        start = time.perf_counter()
        if parquet:
            s.query(f"INSERT INTO call_events SELECT * FROM file('{records}', Parquet)")
        else:
            s.query(f"INSERT INTO call_events SELECT * FROM file('{records}', JSONEachRow) "
                    "SETTINGS date_time_input_format = 'best_effort', "
                    "input_format_json_read_objects_as_strings = 1")
        loaded = time.perf_counter()
        view = "call_summary_live" if live else "call_summary"
        calls = int(str(s.query(f"SELECT count() FROM (SELECT * FROM {view})", "CSV")).strip())
        done = time.perf_counter()
        s.close()
    return loaded - start, done - loaded, calls


def chdb_in_place(ddl, records, parquet):
    """The view over the Parquet file where it lies: `call_events` a view of `file()`, made
    before the statements (whose CREATE TABLE IF NOT EXISTS then leaves it be)."""
    if not parquet:
        return None
    from chdb import session
    with tempfile.TemporaryDirectory() as d:
        s = session.Session(d)
        s.query(f"CREATE VIEW call_events AS SELECT * FROM file('{records}', Parquet)")
        for st in statements(ddl):
            s.query(st)
        start = time.perf_counter()
        calls = int(str(s.query("SELECT count() FROM (SELECT * FROM call_summary)", "CSV")).strip())
        done = time.perf_counter()
        s.close()
    return 0.0, done - start, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1G")
    ap.add_argument("--variants", default="bare")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines",
                    default="duckdb,duckdb-in-place,duckdb-floor,chdb,chdb-in-place,chdb-live")
    ap.add_argument("--gen", default=None, help="the corpus generator, gen_corpus.py")
    args = ap.parse_args()
    bench.set_generator(args.gen)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=bench.ROOT, check=True)
    engines = {"duckdb": duckdb_path, "duckdb-in-place": duckdb_in_place, "chdb": chdb_path,
               "chdb-in-place": chdb_in_place,
               "chdb-live": lambda ddl, records, parquet: chdb_path(ddl, records, parquet, live=True)}
    print("| corpus | path | events s | load s | view s | total s | vs callev summary | calls |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        for variant in args.variants.split(","):
            corpus = bench.generate(size, variant)
            mb = os.path.getsize(corpus) / 1e6
            name = "%s %s (%.0f MB)" % (size, variant, mb)
            with tempfile.TemporaryDirectory(dir=bench.CORPORA) as d:
                summary_out = os.path.join(d, "summary.ndjson")
                base, _ = timed(lambda: callev(["summary", "-o", "ndjson", corpus], summary_out), args.runs)
                calls = sum(1 for _ in open(summary_out))
                print("| %s | callev summary -o ndjson | | | | %.2f | 1.0× | %d |" % (name, base, calls))
                sizes = {}
                for fmt in ("ndjson", "parquet"):
                    records = os.path.join(d, "events." + fmt)
                    made, _ = timed(lambda: callev(["events", "-o", fmt, corpus], records), args.runs)
                    sizes[fmt] = os.path.getsize(records)
                    for engine in args.engines.split(","):
                        if engine == "duckdb-floor":
                            if fmt == "parquet":
                                for what, t in duckdb_floors(records, args.runs):
                                    print("| %s | DuckDB floor: %s | | | %.2f | %.2f | %.1f× | |"
                                          % (name, what, t, t, t / base))
                            continue
                        ddl = subprocess.run([CALLEV, "schema", "--sql", "clickhouse" if engine.startswith("chdb") else "duckdb"],
                                             capture_output=True, text=True, check=True).stdout
                        runs = [engines[engine](ddl, records, fmt == "parquet") for _ in range(args.runs)]
                        if runs[0] is None:
                            continue
                        load = sorted(r[0] for r in runs)[len(runs) // 2]
                        view = sorted(r[1] for r in runs)[len(runs) // 2]
                        total = made + load + view
                        print("| %s | events -o %s, %s | %.2f | %.2f | %.2f | %.2f | %.1f× | %d |"
                              % (name, fmt, engine, made, load, view, total, total / base, runs[0][2]))
                        print("| %s | stored %s, %s | | %.2f | %.2f | %.2f | %.1f× | |"
                              % (name, fmt, engine, load, view, load + view, (load + view) / base))
                        sys.stdout.flush()
                print("| %s | sizes: NDJSON %.0f MB, Parquet %.1f MB (%.1f× smaller) | | | | | | |"
                      % (name, sizes["ndjson"] / 1e6, sizes["parquet"] / 1e6, sizes["ndjson"] / sizes["parquet"]))


if __name__ == "__main__":
    main()
