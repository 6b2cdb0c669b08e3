//! The events records, schema v1: every record has every documented column, of its documented
//! type, in the documented order; and what the summary reads of the events is in them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{json, ndjson, run};

/// Every fixture that holds call events.
fn fixtures() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [
        "workonflow",
        "xelion",
        "voximplant",
        "bandwidth",
        "mixed",
        "edge",
    ] {
        let mut names: Vec<String> = std::fs::read_dir(format!("fixtures/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path().to_string_lossy().into_owned())
            .collect();
        names.sort();
        files.extend(names);
    }
    files
}

#[test]
fn every_record_has_the_documented_columns_in_order_and_of_their_types() {
    let columns = json(&run(&["schema", "--events", "-o", "json"]).stdout);
    let names: Vec<&str> = columns
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["column"].as_str().unwrap())
        .collect();
    assert!(names.len() >= 30, "{names:?}");
    let schema = json(&run(&["schema", "--events", "--json-schema"]).stdout);
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let mut records = 0;
    for file in fixtures() {
        let r = run(&["events", "-o", "ndjson", &file]);
        for line in r.stdout.lines() {
            let row: Value = serde_json::from_str(line).unwrap();
            records += 1;
            assert_eq!(row.as_object().unwrap().len(), names.len(), "{file}");
            // In order: each column's key comes after the one before (its last occurrence:
            // `details`, before most columns, may hold keys of the same names).
            let at: Vec<usize> = names
                .iter()
                .map(|n| line.rfind(&format!("\"{n}\":")).unwrap())
                .collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{file}: {line}");
            let errors: Vec<String> = validator.iter_errors(&row).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{file}: {row}: {errors:?}");
            assert_eq!(row["events_schema"], 1);
        }
    }
    assert!(records > 200, "{records}");
    // CSV: the same columns as its header.
    let csv = run(&["events", "-o", "csv", "fixtures/mixed/all-vendors.log"]).stdout;
    assert_eq!(csv.lines().next().unwrap(), names.join(","));
    // The table of columns names them all.
    let table = run(&["schema", "--events"]).stdout;
    assert!(names.iter().all(|n| table.contains(n)));
}

/// Per call: what the summary says, and what its events records say when read as it reads them
/// (repeats skipped).
#[test]
fn the_records_carry_what_the_summary_reads() {
    for file in fixtures() {
        let rows = ndjson(&run(&["summary", "-o", "ndjson", &file]).stdout);
        let events = ndjson(&run(&["events", "-o", "ndjson", &file]).stdout);
        let mut by_call: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for e in &events {
            if let Some(id) = e["call_id"].as_str() {
                by_call.entry(id.to_owned()).or_default().push(e);
            }
        }
        // Repeats are what the summary counts as duplicates, under an id of several calls too
        // (a Workonflow thread's second call may end as its first did: no repeat).
        for (id, evs) in &by_call {
            let duplicates: u64 = rows
                .iter()
                .filter(|c| c["call_id"] == id.as_str())
                .map(|c| c["duplicates"].as_u64().unwrap())
                .sum();
            let repeats = evs.iter().filter(|e| e["repeat"] == true).count() as u64;
            assert_eq!(duplicates, repeats, "{file} {id}");
        }
        let calls: BTreeMap<String, Value> = rows
            .into_iter()
            .map(|c| (c["call_id"].as_str().unwrap().to_owned(), c))
            .collect();
        for (id, call) in &calls {
            // A Workonflow thread holding calls one after another is one id of several calls.
            if calls
                .values()
                .filter(|c| c["call_id"] == call["call_id"])
                .count()
                > 1
            {
                continue;
            }
            let Some(evs) = by_call.get(id) else { continue };
            if evs.iter().any(|e| e["new_call"] == true) {
                continue;
            }
            let repeats = evs.iter().filter(|e| e["repeat"] == true).count() as u64;
            assert_eq!(call["duplicates"].as_u64().unwrap(), repeats, "{file} {id}");
            // Neither repeats nor the notes of damaged records that name the call are events.
            let kept: Vec<&&Value> = evs
                .iter()
                .filter(|e| e["repeat"] == false && e["damaged"].is_null())
                .collect();
            assert_eq!(
                call["events"].as_u64().unwrap(),
                kept.len() as u64,
                "{file} {id}"
            );
            let dtmf: String = kept
                .iter()
                .filter(|e| e["kind"] == "dtmf")
                .filter_map(|e| e["digit"].as_str())
                .collect();
            assert_eq!(call["dtmf"], dtmf, "{file} {id}");
            // The end reason is the last one a terminal event gives, else the first terminal
            // event's name.
            let terminal: Vec<&&&Value> = kept.iter().filter(|e| e["terminal"] == true).collect();
            let reason = terminal
                .iter()
                .filter_map(|e| e["end_reason"].as_str())
                .next_back()
                .or_else(|| terminal.first().and_then(|e| e["event"].as_str()));
            if let Some(reason) = reason {
                assert_eq!(call["end_reason"], reason, "{file} {id}");
            }
            for p in call["participants"].as_array().unwrap() {
                assert!(
                    kept.iter()
                        .any(|e| e["participants"].as_array().unwrap().contains(p)),
                    "{file} {id}: {p}"
                );
            }
        }
    }
}

#[test]
fn records_say_where_they_were_read() {
    let rows = ndjson(&run(&["events", "-o", "ndjson", "fixtures/mixed/all-vendors.log"]).stdout);
    let ids: std::collections::HashSet<&str> = rows
        .iter()
        .map(|r| r["record_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), rows.len(), "record ids are unique");
    assert!(rows
        .iter()
        .all(|r| r["host"].as_str().is_some_and(|h| !h.is_empty())));
    // The same record read again has the same id.
    let again = ndjson(&run(&["events", "-o", "ndjson", "fixtures/mixed/all-vendors.log"]).stdout);
    assert_eq!(rows[3]["record_id"], again[3]["record_id"]);
}

/// `summary` over callev's own events records gives what it gives over the raw input: records
/// collected from many hosts can be summarised by callev too.
#[test]
fn summary_over_its_own_events_records_equals_summary_over_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for file in fixtures() {
        let raw = run(&["summary", "-o", "ndjson", &file]);
        let records = run(&["events", "-o", "ndjson", &file]);
        let again = crate::util::run_stdin(&["summary", "-o", "ndjson"], records.stdout.clone());
        assert_eq!(again.code, 0, "{file}: {}", again.stderr);
        assert_eq!(ndjson(&again.stdout), ndjson(&raw.stdout), "{file}");
        checked += ndjson(&raw.stdout).len();
        // And from `events -o json`, one document.
        let doc = run(&["events", "-o", "json", &file]);
        let from_doc = crate::util::run_stdin(&["summary", "-o", "ndjson"], doc.stdout);
        assert_eq!(
            ndjson(&from_doc.stdout),
            ndjson(&raw.stdout),
            "{file} (json)"
        );
        // And from `events -o parquet`, a file.
        let parquet = dir.path().join("e.parquet");
        let status = crate::util::process()
            .args(["events", "-o", "parquet", &file])
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&parquet).unwrap())
            .status()
            .unwrap();
        // Damaged records in the input fail the run as they fail the summary's.
        assert_eq!(status.code(), Some(raw.code), "{file}");
        let from_parquet = run(&["summary", "-o", "ndjson", parquet.to_str().unwrap()]);
        assert_eq!(from_parquet.code, 0, "{file}: {}", from_parquet.stderr);
        assert_eq!(
            ndjson(&from_parquet.stdout),
            ndjson(&raw.stdout),
            "{file} (parquet)"
        );
    }
    assert!(checked > 50, "{checked} calls");
    // A record of a version callev does not know is said to be so, not misread.
    let future = r#"{"events_schema":2,"vendor":"xelion","kind":"started","call_id":"x"}"#;
    let r = crate::util::run_stdin(&["summary"], format!("{future}\n"));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("1 of no known vendor"), "{}", r.stderr);
    let why = crate::util::run_stdin(&["validate", "-o", "ndjson"], format!("{future}\n"));
    assert!(
        why.stdout.contains("another schema version"),
        "{}",
        why.stdout
    );
}

/// A record's `offset` is where its line begins in its source: the bytes before it hold
/// `line - 1` line ends (in the decompressed stream for a compressed file).
#[test]
fn offsets_point_at_the_records_lines() {
    for (file, text) in [
        (
            "fixtures/mixed/all-vendors.log",
            std::fs::read("fixtures/mixed/all-vendors.log").unwrap(),
        ),
        (
            "fixtures/edge/stray-text.log",
            std::fs::read("fixtures/edge/stray-text.log").unwrap(),
        ),
        ("fixtures/edge/compressed.ndjson.gz", {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(
                std::fs::File::open("fixtures/edge/compressed.ndjson.gz").unwrap(),
            )
            .read_to_end(&mut out)
            .unwrap();
            out
        }),
    ] {
        let records = ndjson(&run(&["events", "-o", "ndjson", file]).stdout);
        assert!(!records.is_empty(), "{file}");
        for r in &records {
            let offset = r["offset"]
                .as_u64()
                .expect("a line of its own has an offset") as usize;
            let line = r["line"].as_u64().unwrap() as usize;
            assert_eq!(memchr_count(&text[..offset]), line - 1, "{file}: {r}");
            assert!(offset == 0 || text[offset - 1] == b'\n', "{file}: {r}");
        }
    }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}
