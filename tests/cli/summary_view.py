"""Runs the call_summary view `callev schema --sql ENGINE` ships over callev's events records and
compares it, call for call and field for field, with `callev summary -o ndjson`.

    summary_view.py ENGINE DDL GROUP...

GROUP is `SUMMARY=EVENTS[,EVENTS...]`: the summary of an input and the events records (NDJSON or
Parquet, from one run or many) loaded together into a fresh call_events. One line per group:
`rows differing-in-callev differing-in-view`, then what differs for the first few calls."""
import collections, datetime, json, sys

from engines import chdb_loaded, duckdb_loaded

TIMES = ["first_time", "last_time", "started_at", "answered_at", "ended_at"]


def ms(stamp):
    t = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round(t.timestamp() * 1000)


def canonical(row):
    return json.dumps(row, sort_keys=True)


def duckdb_rows(ddl, files):
    con = duckdb_loaded(ddl, files)
    times = ", ".join(f"epoch_ms({t}) AS {t}" for t in TIMES)
    cur = con.execute(f"SELECT * REPLACE ({times}) FROM call_summary")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def clickhouse_rows(ddl, files):
    with chdb_loaded(ddl, files) as s:
        times = ", ".join(f"toUnixTimestamp64Milli({t}) AS {t}" for t in TIMES)
        out = str(s.query(f"SELECT * REPLACE ({times}) FROM call_summary "
                          "SETTINGS output_format_json_quote_64bit_integers = 0", "JSONEachRow"))
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def main():
    engine, ddl_path, groups = sys.argv[1], sys.argv[2], sys.argv[3:]
    ddl = open(ddl_path).read()
    for group in groups:
        summary, files = group.split("=", 1)
        mine = [json.loads(l) for l in open(summary) if l.strip()]
        for row in mine:
            for t in TIMES:
                row[t] = None if row[t] is None else ms(row[t])
        load = duckdb_rows if engine == "duckdb" else clickhouse_rows
        view = load(ddl, files.split(","))
        a = collections.Counter(canonical(r) for r in mine)
        b = collections.Counter(canonical(r) for r in view)
        only_a = sorted((a - b).elements())
        only_b = sorted((b - a).elements())
        print(len(mine), len(only_a), len(only_b))
        for r in only_a[:3]:
            r = json.loads(r)
            print(f"  {summary}: call {r['call_id']}")
            for o in (json.loads(o) for o in only_b):
                if o["call_id"] == r["call_id"]:
                    for k in r:
                        if r[k] != o.get(k):
                            print(f"    {k}: callev {r[k]!r}, view {o.get(k)!r}")
                    break


if __name__ == "__main__":
    main()
