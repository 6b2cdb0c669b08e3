//! `callev schema --sql`: the shipped tables load callev's events records in DuckDB and in
//! ClickHouse (chdb, its embedded engine) with the same types whatever vendors a file holds.
//! Both engines run in-process from Python; CI installs them (`.ci/run`), elsewhere the test says
//! it was skipped when they are missing.

use std::process::Command;

use crate::util::{present, run, walk, zstd_text};

/// Loads each NDJSON file given on its own into a fresh `call_events` made by the DDL in
/// argv[2] ("duckdb" or "clickhouse" in argv[1]), then all of them together, and prints one
/// line per load: rows, rows with a time, repeats, and the table's column types.
const LOADER: &str = r#"
import sys
sys.path.insert(0, "tests/cli")
from engines import chdb_loaded, duckdb_loaded
engine, ddl_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
ddl = open(ddl_path).read()
for group in [[f] for f in files] + [files]:
    if engine == "duckdb":
        con = duckdb_loaded(ddl, group)
        rows, timed, repeats = con.execute(
            "SELECT count(*), count(time), count(*) FILTER (WHERE repeat) FROM call_events").fetchone()
        types = con.execute(
            "SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'call_events'").fetchone()[0]
    else:
        with chdb_loaded(ddl, group) as s:
            out = s.query("SELECT count(), countIf(time IS NOT NULL), countIf(repeat) FROM call_events FINAL", "CSV")
            rows, timed, repeats = str(out).strip().split(",")
            types = str(s.query(
                "SELECT arrayStringConcat(groupArray(type), ',') FROM (SELECT type FROM system.columns WHERE table = 'call_events' ORDER BY position)",
                "TSVRaw")).strip()
    print(rows, timed, repeats, types)
"#;

/// Run a Python script that fills DuckDB tables `a` and `b` with the paths given; returns the
/// rows of `a`, and how many rows of each are not in the other.
fn compared(script: &str, args: &[&std::path::PathBuf]) -> (u64, [u64; 2]) {
    let script = format!(
        "{script}\nprint(*(con.execute(q).fetchone()[0] for q in (\"SELECT count(*) FROM a\", \
         \"SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)\", \
         \"SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a)\")))\n"
    );
    let text = python(
        "duckdb",
        Command::new("python3").args(["-c", &script]).args(args),
    );
    let counts: Vec<u64> = text
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (counts[0], [counts[1], counts[2]])
}

/// What a Python script run for `engine` printed; it must succeed.
fn python(engine: &str, command: &mut Command) -> String {
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{engine}: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Run callev with its standard output to a file (Parquet is binary).
fn write_parquet(args: &[&str], path: &std::path::Path) {
    let status = crate::util::process()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(path).unwrap())
        .status()
        .unwrap();
    assert!(status.success(), "{args:?}");
}

/// Whether Python has this module; in CI it must.
fn has(module: &str) -> bool {
    present(
        Command::new("python3").args(["-c", &format!("import {module}")]),
        &format!("the Python module {module} (pip install {module})"),
    )
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
        // The same records as Parquet, in the columns' order, load the same.
        let parquet = dir.path().join(format!("{i}.parquet"));
        write_parquet(&["events", "-o", "parquet", input], &parquet);
        files.push(parquet.to_string_lossy().into_owned());
        expected.push((rows.len(), timed, repeats));
    }
    let total = expected
        .iter()
        .fold((0, 0, 0), |t, e| (t.0 + e.0, t.1 + e.1, t.2 + e.2));
    assert_eq!(files.len(), expected.len());
    // Each record twice (NDJSON and Parquet): ClickHouse's table keeps one per record_id.
    let once = (total.0 / 2, total.1 / 2, total.2 / 2);
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
        let stdout = python(
            engine,
            Command::new("python3")
                .args(["-c", LOADER, engine, ddl_path.to_str().unwrap()])
                .args(&files),
        );
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), expected.len(), "{engine}: {stdout}");
        let mut types = None;
        let mut expected = expected.clone();
        if engine == "clickhouse" {
            *expected.last_mut().unwrap() = once;
        }
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

/// What DuckDB reads from `events -o parquet` is what `events -o ndjson` says, value for value
/// (but `received_at`, the time each run read the record).
#[test]
fn parquet_holds_the_same_records_as_ndjson() {
    if !has("duckdb") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = "fixtures/mixed/all-vendors.log";
    let ndjson = dir.path().join("e.ndjson");
    let parquet = dir.path().join("e.parquet");
    std::fs::write(&ndjson, run(&["events", "-o", "ndjson", input]).stdout).unwrap();
    write_parquet(
        &[
            "events", "-o", "parquet", "--event", "dtmf", "--event", "ended", input,
        ],
        &parquet,
    );
    let ddl = dir.path().join("d.sql");
    std::fs::write(&ddl, run(&["schema", "--sql", "duckdb"]).stdout).unwrap();
    let script = r#"
import sys
sys.path.insert(0, "tests/cli")
from engines import duckdb_loaded
ddl, nd, pq = sys.argv[1:]
con = duckdb_loaded(open(ddl).read(), [])
con.execute("CREATE TABLE a AS SELECT * EXCLUDE (received_at) FROM call_events_json(?) WHERE kind IN ('dtmf', 'ended') OR event IN ('dtmf', 'ended')", [nd])
con.execute("CREATE TABLE b AS SELECT * EXCLUDE (received_at) REPLACE (details::JSON AS details) FROM read_parquet(?)", [pq])
"#;
    let (rows, differ) = compared(script, &[&ddl, &ndjson, &parquet]);
    assert!(rows >= 4, "{rows}");
    assert_eq!(differ, [0, 0], "rows differ between ndjson and parquet");
    // Parquet is for the events and the calls, not for findings or groups.
    for args in [
        vec!["validate", "-o", "parquet", input],
        vec!["summary", "-o", "parquet", "--by", "hour", input],
    ] {
        let refused = run(&args);
        assert_eq!(refused.code, 2, "{args:?}");
        assert!(refused.stderr.contains("-o parquet"), "{}", refused.stderr);
    }
}

/// `summary -o parquet` holds what `summary -o ndjson` says, call for call.
#[test]
fn summary_parquet_holds_the_same_calls_as_ndjson() {
    if !has("duckdb") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inputs = [
        "fixtures/mixed/all-vendors.log",
        "fixtures/voximplant/failures-by-code.ndjson",
        "fixtures/bandwidth/v2-transfer.ndjson",
        "fixtures/edge/no-terminal-event.ndjson",
    ];
    let ndjson = dir.path().join("s.ndjson");
    let parquet = dir.path().join("s.parquet");
    let mut args = vec!["summary", "-o", "ndjson"];
    args.extend(inputs);
    std::fs::write(&ndjson, run(&args).stdout).unwrap();
    args[2] = "parquet";
    write_parquet(&args, &parquet);
    let script = r#"
import sys, duckdb
nd, pq = sys.argv[1:]
con = duckdb.connect()
con.execute("CREATE TABLE b AS SELECT * FROM read_parquet(?)", [pq])
types = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'b' ORDER BY ordinal_position").fetchall()
columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in types) + "}"
con.execute(f"CREATE TABLE a AS SELECT * FROM read_json(?, columns = {columns})", [nd])
"#;
    let (rows, differ) = compared(script, &[&ndjson, &parquet]);
    assert!(rows >= 15, "{rows}");
    assert_eq!(differ, [0, 0], "calls differ between ndjson and parquet");
}

/// The generated corpus (`tests/data/make_corpus.py`): 3,000 calls of every vendor as log lines.
fn corpus() -> String {
    zstd_text("tests/data/corpus-3000.log.zst")
}

/// Writes `input` to `dir/name`, and its events records (NDJSON, or Parquet for a `.parquet`
/// name) and summary beside it; returns the records' path and the summary's.
fn records_and_summary(dir: &std::path::Path, name: &str, input: &str) -> (String, String) {
    let path = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let events = path(name);
    if name.ends_with(".parquet") {
        write_parquet(
            &["events", "-o", "parquet", input],
            std::path::Path::new(&events),
        );
    } else {
        let r = run(&["events", "-o", "ndjson", input]);
        std::fs::write(&events, r.stdout).unwrap();
    }
    let summary = path(&format!("{name}.summary"));
    let r = run(&["summary", "-o", "ndjson", input]);
    std::fs::write(&summary, r.stdout).unwrap();
    (events, summary)
}

/// Host `host`'s share of `text` (every third line from its own, as three hosts receiving one
/// stream in turn), written to `NAME.log` in `dir`; its path.
fn host_file(dir: &std::path::Path, name: &str, text: &str, host: usize) -> String {
    let part: String = text
        .lines()
        .skip(host)
        .step_by(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let path = dir.join(format!("{name}.log"));
    std::fs::write(&path, part).unwrap();
    path.to_string_lossy().into_owned()
}

/// The `call_summary` view each engine gets from `callev schema --sql` gives, from the events
/// records, every field of every call `callev summary -o ndjson` gives: on every fixture, on a
/// generated corpus bare, as log lines and with damaged lines, from Parquet (loaded, and read in
/// place through a view), and with the log lines spread over three hosts' files read in separate
/// runs and loaded together (and their Parquet files read in place together).
#[test]
fn the_call_summary_view_gives_what_callev_summary_gives() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut groups = Vec::new();
    let mut live_steps: Vec<String> = Vec::new();
    let mut bare_steps: Vec<String> = Vec::new();
    let mut in_place: Vec<String> = Vec::new();
    let mut fixtures: Vec<_> = walk("fixtures")
        .into_iter()
        .filter(|p| !p.ends_with("README.md"))
        .collect();
    fixtures.sort();
    for (i, fixture) in fixtures.iter().enumerate() {
        let (events, summary) = records_and_summary(d, &format!("f{i}.ndjson"), fixture);
        if !std::fs::read_to_string(&summary).unwrap().is_empty() {
            groups.push((fixture.clone(), summary, vec![events]));
        }
    }
    assert!(groups.len() >= 35, "{}", groups.len());
    // The corpus as log lines, bare (the payloads alone: Workonflow and Voximplant untimed), and
    // with every 97th line cut short or emptied of its time.
    let logline = corpus();
    let bare: String = logline
        .lines()
        .map(|l| format!("{}\n", &l[l.find('{').unwrap_or(0)..]))
        .collect();
    let damaged: String = logline
        .lines()
        .enumerate()
        .map(|(i, l)| match i % 97 {
            0 => format!("{}\n", &l[..l.len() / 2]),
            50 => format!("{}\n", l.replacen("\"time\":", "\"time\":[],\"was\":", 1)),
            _ => format!("{l}\n"),
        })
        .collect();
    for (name, text) in [("log", &logline), ("bare", &bare), ("damaged", &damaged)] {
        let input = d.join(format!("{name}.log"));
        std::fs::write(&input, text).unwrap();
        let input = input.to_string_lossy().into_owned();
        let (events, summary) = records_and_summary(d, &format!("{name}.ndjson"), &input);
        groups.push((format!("corpus {name}"), summary.clone(), vec![events]));
        if name == "bare" {
            // For the live view: the bare payloads (Workonflow's and Voximplant's untimed, each
            // placed by the records before it in its file) over three hosts, inserted a host at
            // a time; after the first, the first host's summary. (callev's one run over the
            // three files orders untimed records of different files otherwise than runs read
            // one after another: compared with `call_summary` only after the others.)
            for h in 0..3 {
                let path = host_file(d, &format!("bare-host{h}"), text, h);
                let (events, alone) =
                    records_and_summary(d, &format!("bare-host{h}.ndjson"), &path);
                bare_steps.push(if h == 0 {
                    format!("{events}={alone}")
                } else {
                    events
                });
            }
        }
        if name == "log" {
            let (parquet, _) = records_and_summary(d, "log.parquet", &input);
            groups.push((
                "corpus log, Parquet".to_owned(),
                summary.clone(),
                vec![parquet.clone()],
            ));
            // The Parquet read where it lies: `call_events` a view over the file, not a table.
            groups.push((
                "corpus log, Parquet in place".to_owned(),
                summary.clone(),
                vec![format!("in-place:{parquet}")],
            ));
            // Three hosts, each receiving every third line: separate runs, loaded together.
            let hosts: Vec<String> = (0..3)
                .map(|h| {
                    let path = host_file(d, &format!("host{h}"), &logline, h);
                    let (events, alone) = records_and_summary(d, &format!("host{h}.ndjson"), &path);
                    let (parquet, _) = records_and_summary(d, &format!("host{h}.parquet"), &path);
                    in_place.push(format!("in-place:{parquet}"));
                    // Inserted one host at a time: the first host's summary alone, all three's
                    // the whole log's.
                    live_steps.push(match h {
                        0 => format!("{events}={alone}"),
                        2 => format!("{events}={summary}"),
                        _ => events.clone(),
                    });
                    events
                })
                .collect();
            groups.push((
                "corpus log over three hosts".to_owned(),
                summary.clone(),
                hosts,
            ));
            groups.push((
                "corpus log over three hosts, their Parquet in place".to_owned(),
                summary,
                std::mem::take(&mut in_place),
            ));
        }
    }
    let calls: usize =
        crate::util::ndjson(&std::fs::read_to_string(&groups.last().unwrap().1).unwrap()).len();
    assert!(calls >= 3000, "{calls}");
    for (engine, module) in [("duckdb", "duckdb"), ("clickhouse", "chdb")] {
        if !has(module) {
            continue;
        }
        let ddl = d.join(format!("{engine}.sql"));
        std::fs::write(&ddl, run(&["schema", "--sql", engine]).stdout).unwrap();
        let stdout = python(
            engine,
            Command::new("python3")
                .arg("tests/cli/summary_view.py")
                .arg(engine)
                .arg(&ddl)
                .args(
                    groups
                        .iter()
                        .map(|(_, summary, events)| format!("{summary}={}", events.join(","))),
                ),
        );
        let counts: Vec<&str> = stdout.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(counts.len(), groups.len(), "{engine}: {stdout}");
        for ((what, summary, _), line) in groups.iter().zip(counts) {
            let rows = crate::util::ndjson(&std::fs::read_to_string(summary).unwrap()).len();
            assert_eq!(
                line,
                format!("{rows} 0 0"),
                "{engine}, {what}: calls, and calls differing in callev and in the view\n{stdout}"
            );
        }
    }
    // ClickHouse's `call_summary_live`, kept by a materialized view as records are inserted (in
    // blocks that begin inside files): after each host's INSERT it gives what `call_summary`
    // gives, and what callev gives for the first host alone; for the log lines, also for the
    // three hosts together (the whole log).
    if has("chdb") {
        let ddl = d.join("clickhouse-live.sql");
        std::fs::write(&ddl, run(&["schema", "--sql", "clickhouse"]).stdout).unwrap();
        for steps in [&live_steps, &bare_steps] {
            let stdout = python(
                "clickhouse",
                Command::new("python3")
                    .arg("tests/cli/live_view.py")
                    .arg(&ddl)
                    .args(steps),
            );
            let lines: Vec<&str> = stdout.lines().collect();
            assert_eq!(lines.len(), 3, "{stdout}");
            for line in &lines {
                let counts: Vec<u64> = line.split(' ').map(|n| n.parse().unwrap()).collect();
                assert!(counts[0] > 1000, "{stdout}");
                assert_eq!(
                    counts[1..],
                    [0, 0],
                    "calls, differing from call_summary, from callev: {stdout}"
                );
            }
        }
    }
}
