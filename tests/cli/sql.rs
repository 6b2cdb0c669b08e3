//! `callev schema --sql`: the shipped tables load callev's events records in DuckDB and in
//! ClickHouse (chdb, its embedded engine) with the same types whatever vendors a file holds.
//! Both engines run in-process from Python; CI installs them (`.ci/run`), elsewhere the test says
//! it was skipped when they are missing.

use std::process::Command;

use crate::util::run;

/// Loads each NDJSON file given on its own into a fresh `call_events` made by the DDL in
/// argv[2] ("duckdb" or "clickhouse" in argv[1]), then all of them together, and prints one
/// line per load: rows, rows with a time, repeats, and the table's column types.
const LOADER: &str = r#"
import sys, tempfile, os
engine, ddl_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
ddl = open(ddl_path).read()
def statements(text):
    for part in text.split(";"):
        body = "\n".join(l for l in part.splitlines() if not l.strip().startswith("--"))
        if body.strip():
            yield body
def loads():
    for f in files:
        yield [f]
    yield files
if engine == "duckdb":
    import duckdb
    for group in loads():
        con = duckdb.connect()
        for st in statements(ddl):
            con.execute(st)
        for f in group:
            con.execute("INSERT INTO call_events SELECT * FROM call_events_json(?)", [f])
        rows, timed, repeats = con.execute(
            "SELECT count(*), count(time), count(*) FILTER (WHERE repeat) FROM call_events").fetchone()
        types = con.execute(
            "SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'call_events'").fetchone()[0]
        print(rows, timed, repeats, types)
else:
    from chdb import session
    for group in loads():
        with tempfile.TemporaryDirectory() as d:
            s = session.Session(d)
            for st in statements(ddl):
                s.query(st)
            for f in group:
                s.query(f"INSERT INTO call_events SELECT * FROM file('{f}', JSONEachRow) "
                        "SETTINGS date_time_input_format = 'best_effort', "
                        "input_format_json_read_objects_as_strings = 1")
            out = s.query("SELECT count(), countIf(time IS NOT NULL), countIf(repeat) FROM call_events", "CSV")
            rows, timed, repeats = str(out).strip().split(",")
            types = str(s.query(
                "SELECT arrayStringConcat(groupArray(type), ',') FROM (SELECT type FROM system.columns WHERE table = 'call_events' ORDER BY position)",
                "TSVRaw")).strip()
            print(rows, timed, repeats, types)
            s.close()
"#;

/// Whether Python has this module; in CI it must.
fn has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "CI must have the Python module {module} (.ci/run installs it)"
    );
    if !ok {
        eprintln!("skipped: python3 has no {module} (pip install {module})");
    }
    ok
}

#[test]
fn the_shipped_tables_load_every_vendor_with_the_same_types() {
    let dir = tempfile::tempdir().unwrap();
    // One file per vendor, and the edge cases, each loaded alone, then all together.
    let inputs = [
        "fixtures/workonflow/full-call-no-times.ndjson",
        "fixtures/workonflow/retried-webhooks.ndjson",
        "fixtures/xelion/attended-transfer.log",
        "fixtures/voximplant/session-log.log",
        "fixtures/bandwidth/v2-each-outcome.ndjson",
        "fixtures/bandwidth/c-doc-example.json",
        "fixtures/mixed/all-vendors.log",
    ];
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let r = run(&["events", "-o", "ndjson", input]);
        let rows = crate::util::ndjson(&r.stdout);
        let timed = rows.iter().filter(|e| !e["time"].is_null()).count();
        let repeats = rows.iter().filter(|e| e["repeat"] == true).count();
        expected.push((rows.len(), timed, repeats));
        let path = dir.path().join(format!("{i}.ndjson"));
        std::fs::write(&path, r.stdout).unwrap();
        files.push(path.to_string_lossy().into_owned());
    }
    let total = expected
        .iter()
        .fold((0, 0, 0), |t, e| (t.0 + e.0, t.1 + e.1, t.2 + e.2));
    expected.push(total);
    assert!(expected.iter().any(|e| e.2 > 0), "some fixture has repeats");
    for (engine, module) in [("duckdb", "duckdb"), ("clickhouse", "chdb")] {
        if !has(module) {
            continue;
        }
        let ddl = run(&["schema", "--sql", engine]);
        assert_eq!(ddl.code, 0, "{}", ddl.stderr);
        assert!(ddl
            .stdout
            .contains("CREATE TABLE IF NOT EXISTS call_events"));
        let ddl_path = dir.path().join(format!("{engine}.sql"));
        std::fs::write(&ddl_path, &ddl.stdout).unwrap();
        let out = Command::new("python3")
            .args(["-c", LOADER, engine, ddl_path.to_str().unwrap()])
            .args(&files)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{engine}: {}{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), expected.len(), "{engine}: {stdout}");
        let mut types = None;
        for (line, (rows, timed, repeats)) in lines.iter().zip(&expected) {
            let mut parts = line.splitn(4, ' ');
            let got: Vec<usize> = (0..3)
                .map(|_| parts.next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(got, [*rows, *timed, *repeats], "{engine}: {line}");
            // The same column types whatever the file held.
            let t = parts.next().unwrap().to_owned();
            assert_eq!(types.get_or_insert(t.clone()), &t, "{engine}");
        }
    }
}
