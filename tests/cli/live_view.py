"""Loads events records into chdb one INSERT at a time and, after each, compares the summary
`call_summary_live` keeps (a materialized view's per-call states) with `call_summary` over the
same table and, where given, with `callev summary -o ndjson`. Each INSERT goes in blocks of a
few hundred records, as a server's would at a file's end.

    live_view.py DDL STEP...

STEP is `EVENTS[=SUMMARY]`. One line per step: `rows differing-from-view differing-from-callev`
(the last 0 where no summary is given)."""
import collections, json, sys

from engines import chdb_loaded
from summary_view import TIMES, canonical, ms

# Records an insert block holds.
BLOCK = 300


def rows(s, view):
    times = ", ".join(f"toUnixTimestamp64Milli({t}) AS {t}" for t in TIMES)
    out = str(s.query(f"SELECT * REPLACE ({times}) FROM {view} "
                      "SETTINGS output_format_json_quote_64bit_integers = 0", "JSONEachRow"))
    return collections.Counter(canonical(json.loads(l)) for l in out.splitlines() if l.strip())


def main():
    ddl = open(sys.argv[1]).read()
    with chdb_loaded(ddl, []) as s:
        for step in sys.argv[2:]:
            events, _, summary = step.partition("=")
            # In blocks of a few hundred records, so that blocks begin inside files (the view
            # runs a block at a time, and must place a record by the blocks before its own).
            s.query(f"INSERT INTO call_events SELECT * FROM file('{events}', JSONEachRow) "
                    "SETTINGS date_time_input_format = 'best_effort', "
                    "input_format_json_read_objects_as_strings = 1, "
                    f"max_insert_block_size = {BLOCK}, min_insert_block_size_rows = {BLOCK}, "
                    "min_insert_block_size_bytes = 0, max_block_size = " + str(BLOCK))
            live = rows(s, "call_summary_live")
            view = rows(s, "call_summary")
            off_callev = 0
            if summary:
                mine = [json.loads(l) for l in open(summary) if l.strip()]
                for row in mine:
                    for t in TIMES:
                        row[t] = None if row[t] is None else ms(row[t])
                callev = collections.Counter(canonical(r) for r in mine)
                off_callev = sum((live - callev).values()) + sum((callev - live).values())
            print(sum(live.values()), sum((live - view).values()) + sum((view - live).values()),
                  off_callev)


main()
