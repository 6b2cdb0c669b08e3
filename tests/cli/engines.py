"""Loading callev's events records into DuckDB and ClickHouse's embedded chdb with the statements
`callev schema --sql ENGINE` prints: what the SQL tests (tests/cli/sql.rs and summary_view.py)
share. Files ending in .parquet are read as Parquet, the others as NDJSON. Files named
`in-place:FILE.parquet` are not loaded: `call_events` is made a view over them before the DDL
runs (the DDL's `CREATE TABLE IF NOT EXISTS` then leaves it be), as the README shows."""
import contextlib
import tempfile


def statements(text):
    """The statements of a script, comment lines left out."""
    for part in text.split(";"):
        body = "\n".join(l for l in part.splitlines() if not l.strip().startswith("--"))
        if body.strip():
            yield body


IN_PLACE = "in-place:"


def in_place(files, read):
    """The statement making call_events a view over the files marked in place (each read by
    `read`, a format string of the engine's Parquet reader), or None; and the other files."""
    marked = [f[len(IN_PLACE):] for f in files if f.startswith(IN_PLACE)]
    rest = [f for f in files if not f.startswith(IN_PLACE)]
    if not marked:
        return None, rest
    union = " UNION ALL ".join("SELECT * FROM " + read.format(f) for f in marked)
    return f"CREATE VIEW call_events AS {union}", rest


def duckdb_loaded(ddl, files):
    """A fresh DuckDB connection with the DDL run and the files inserted into call_events."""
    import duckdb
    con = duckdb.connect()
    view, files = in_place(files, "read_parquet('{}')")
    if view:
        con.execute(view)
    for st in statements(ddl):
        con.execute(st)
    for f in files:
        if f.endswith(".parquet"):
            con.execute("INSERT INTO call_events SELECT * FROM read_parquet(?)", [f])
        else:
            con.execute("INSERT INTO call_events SELECT * FROM call_events_json(?)", [f])
    return con


@contextlib.contextmanager
def chdb_loaded(ddl, files):
    """A fresh chdb session (in a folder of its own) with the DDL run and the files inserted
    into call_events."""
    from chdb import session
    with tempfile.TemporaryDirectory() as d:
        s = session.Session(d)
        try:
            view, files = in_place(files, "file('{}', Parquet)")
            if view:
                s.query(view)
            for st in statements(ddl):
                s.query(st)
            for f in files:
                if f.endswith(".parquet"):
                    s.query(f"INSERT INTO call_events SELECT * FROM file('{f}', Parquet)")
                else:
                    s.query(f"INSERT INTO call_events SELECT * FROM file('{f}', JSONEachRow) "
                            "SETTINGS date_time_input_format = 'best_effort', "
                            "input_format_json_read_objects_as_strings = 1")
            yield s
        finally:
            s.close()
