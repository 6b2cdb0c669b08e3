//! `callev detect`: vendor per record, reasons, machine formats.

use crate::util::{json, ndjson, run};

#[test]
fn every_vendor_fixture_is_detected_as_its_vendor() {
    for vendor in ["workonflow", "xelion", "voximplant", "bandwidth"] {
        let dir = format!("fixtures/{vendor}");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        files.sort();
        let mut args = vec!["detect", "-o", "ndjson"];
        args.extend(files.iter().map(String::as_str));
        let r = run(&args);
        let rows = ndjson(&r.stdout);
        assert!(rows.len() > 5, "{vendor}: {}", r.stdout);
        for row in &rows {
            let reason = row["reason"].as_str().unwrap();
            // A vendor's logs may hold other systems' JSON too (the scenario's own).
            if !reason.starts_with("other JSON in a log") {
                assert_eq!(row["vendor"], vendor, "{row}");
            }
            assert!(!reason.is_empty());
        }
    }
}

#[test]
fn explain_names_the_deciding_fields() {
    let r = run(&["detect", "--explain", "fixtures/mixed/all-vendors.log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("eventType \"call.started\" starts with `call.`"));
    assert!(r
        .stdout
        .contains("notificationType \"newCallEvent\" with a notification object"));
    assert!(r
        .stdout
        .contains("name \"Call.Ringing\" starts with `Call.` and id is present"));
    assert!(r.stdout.contains("Catapult callback name"));
    assert!(
        r.stdout.contains(
            "read 16 records in 1 input: 7 workonflow, 3 xelion, 4 voximplant, 2 bandwidth"
        ),
        "{}",
        r.stdout
    );
    // Without --explain the reasons stay out of the way.
    let plain = run(&["detect", "fixtures/mixed/all-vendors.log"]);
    assert!(!plain.stdout.contains("starts with"));
}

#[test]
fn records_of_no_vendor_say_so_and_exit_1() {
    let r = run(&["detect", "fixtures/edge/unknown-vendor.ndjson"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("fixtures/edge/unknown-vendor.ndjson:1"));
    assert!(r.stdout.contains("unknown"));
    assert!(r
        .stdout
        .contains("no vendor's signs among the keys (event, who)"));
    let rows = ndjson(
        &run(&[
            "detect",
            "-o",
            "ndjson",
            "fixtures/edge/unknown-vendor.ndjson",
        ])
        .stdout,
    );
    // `[1, 2]`: two elements that are not events, one record for them both.
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r["vendor"].is_null() && r["event"].is_null()));
    assert_eq!(
        rows.iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
}

#[test]
fn json_and_csv_carry_the_same_records() {
    let j = json(
        &run(&[
            "detect",
            "-o",
            "json",
            "fixtures/bandwidth/c-doc-example.json",
        ])
        .stdout,
    );
    let rows = j.as_array().unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["source"], "fixtures/bandwidth/c-doc-example.json");
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[8]["line"], 48);
    assert_eq!(rows[2]["event"], "CHANNEL_EXECUTE");
    let csv = run(&[
        "detect",
        "-o",
        "csv",
        "fixtures/bandwidth/c-doc-example.json",
    ])
    .stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["source", "line", "vendor", "event", "reason"]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 9);
    assert_eq!(&records[1][1], "7");
    assert_eq!(&records[1][2], "bandwidth");
    assert_eq!(&records[1][3], "answer");
}

#[test]
fn as_skips_detection() {
    let r = run(&[
        "detect",
        "-o",
        "ndjson",
        "--as",
        "bandwidth",
        "fixtures/edge/unknown-vendor.ndjson",
    ]);
    let rows = ndjson(&r.stdout);
    assert_eq!(rows[0]["vendor"], "bandwidth");
    assert!(rows[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("--as bandwidth"));
}

#[test]
fn vendor_keeps_that_vendors_records_and_counts_the_others_apart() {
    let f = "fixtures/mixed/all-vendors.log";
    let r = run(&["summary", "-o", "ndjson", "--vendor", "xelion", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    // Detection still runs: no call of another vendor is relabelled.
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["vendor"], "xelion");
    assert_eq!(calls[0]["outcome"], "answered");
    assert!(
        r.stderr
            .contains("records of other vendors left out (--vendor)"),
        "{}",
        r.stderr
    );
    let two = run(&[
        "detect",
        "-o",
        "ndjson",
        "--vendor",
        "xelion",
        "--vendor",
        "bandwidth",
        f,
    ]);
    let vendors: std::collections::BTreeSet<String> = ndjson(&two.stdout)
        .iter()
        .map(|r| r["vendor"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        vendors.into_iter().collect::<Vec<_>>(),
        ["bandwidth", "xelion"]
    );
    let v = json(&run(&["validate", "-o", "json", "--vendor", "voximplant", f]).stdout);
    assert_eq!(
        v["summary"]["records"].as_u64().unwrap() + v["summary"]["excluded"].as_u64().unwrap(),
        json(&run(&["validate", "-o", "json", f]).stdout)["summary"]["records"]
            .as_u64()
            .unwrap()
    );
}

#[test]
fn columns_line_up_as_line_numbers_grow() {
    let r = run(&[
        "detect",
        "fixtures/bandwidth/v1-errors-and-messaging.ndjson",
    ]);
    let starts: Vec<usize> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("fixtures/"))
        .map(|l| l.find("  bandwidth").unwrap())
        .collect();
    assert!(starts.len() > 10);
    assert!(starts.iter().all(|s| *s == starts[0]), "{starts:?}");
}
