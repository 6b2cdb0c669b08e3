//! `callev validate`: findings with origins, counts, exit codes, machine formats.

use crate::util::{json, ndjson, run, run_stdin};

#[test]
fn valid_fixtures_exit_0() {
    let r = run(&[
        "validate",
        "fixtures/workonflow/full-call-no-times.ndjson",
        "fixtures/voximplant/all-events.ndjson",
        "fixtures/bandwidth/c-doc-example.json",
        "fixtures/xelion/all-events-frames.ndjson",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "checked 66 records in 4 inputs: 66 valid, 0 invalid, 0 unparseable, 0 unknown vendor\n"
    );
}

#[test]
fn findings_point_at_file_line_and_field() {
    let r = run(&["validate", "fixtures/workonflow/invalid.ndjson"]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "fixtures/workonflow/invalid.ndjson:1: error[missing-field] workonflow call.started /callId: required field `callId` is missing (expected string)");
    assert_eq!(lines[1], "fixtures/workonflow/invalid.ndjson:2: error[wrong-type] workonflow call.ended /callDuration: expected a number, found a string \"5599\"");
    assert!(r.stdout.contains("\nchecked 7 records in 1 input: 4 valid (4 with warnings), 3 invalid, 0 unparseable, 0 unknown vendor\n"), "{}", r.stdout);
    assert_eq!(lines.last().copied(), Some("findings by code: unknown-event 1 warning · missing-field 1 error · wrong-type 1 error · bad-value 1 error + 1 warning · unknown-field 1 warning · inconsistent 1 warning"));
}

#[test]
fn every_finding_code_appears_in_the_invalid_fixtures() {
    let r = run(&[
        "validate",
        "-o",
        "ndjson",
        "fixtures/workonflow/invalid.ndjson",
        "fixtures/xelion/invalid.ndjson",
        "fixtures/voximplant/invalid.ndjson",
        "fixtures/bandwidth/invalid.ndjson",
        "fixtures/edge/truncated-line.ndjson",
        "fixtures/edge/unknown-vendor.ndjson",
    ]);
    let rows = ndjson(&r.stdout);
    for code in [
        "parse",
        "unknown-vendor",
        "unknown-event",
        "missing-field",
        "wrong-type",
        "bad-value",
        "unknown-field",
        "inconsistent",
    ] {
        assert!(rows.iter().any(|f| f["code"] == code), "no {code} finding");
    }
    for f in &rows {
        for key in [
            "source", "line", "vendor", "event", "severity", "code", "path", "message",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        let path = f["path"].as_str().unwrap();
        assert!(path.is_empty() || path.starts_with('/'), "{path}");
    }
    // Nested pointers go through the Xelion frame.
    assert!(rows.iter().any(|f| f["path"] == "/notification/date"
        && f["code"] == "missing-field"
        && f["line"] == 1));
}

#[test]
fn json_output_has_summary_and_diagnostics() {
    let r = run(&[
        "validate",
        "-o",
        "json",
        "fixtures/voximplant/invalid.ndjson",
        "fixtures/edge/truncated-line.ndjson",
        "fixtures/edge/unknown-vendor.ndjson",
    ]);
    assert_eq!(r.code, 1);
    let doc = json(&r.stdout);
    let s = &doc["summary"];
    assert_eq!(s["records"], 14);
    assert_eq!(s["valid"], 4);
    assert_eq!(s["invalid"], 5);
    assert_eq!(s["warnings"], 2);
    assert_eq!(s["unparseable"], 1);
    assert_eq!(s["unknown"], 4);
    assert_eq!(s["by_vendor"]["voximplant"], 7);
    assert_eq!(s["by_vendor"]["workonflow"], 2);
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(
        n("records"),
        n("valid") + n("invalid") + n("unparseable") + n("unknown")
    );
    assert!(doc["diagnostics"].as_array().unwrap().len() >= 10);
    let empty = json(
        &run(&[
            "validate",
            "-o",
            "json",
            "fixtures/voximplant/all-events.ndjson",
        ])
        .stdout,
    );
    assert_eq!(empty["diagnostics"], serde_json::json!([]));
    assert_eq!(empty["summary"]["valid"], 40);
}

#[test]
fn csv_output_decodes() {
    let r = run(&["validate", "-o", "csv", "fixtures/bandwidth/invalid.ndjson"]);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    assert_eq!(reader.headers().unwrap().len(), 8);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(&rows[0][5], "missing-field");
    assert_eq!(&rows[0][6], "/callId");
}

#[test]
fn warnings_fail_only_with_strict() {
    let f = "fixtures/xelion/other-notifications.ndjson";
    assert_eq!(run(&["validate", f]).code, 0);
    assert_eq!(run(&["validate", "--strict", f]).code, 1);
}

#[test]
fn a_missing_file_among_good_ones_is_reported_and_exits_2() {
    let r = run(&[
        "validate",
        "fixtures/workonflow/full-call-no-times.ndjson",
        "no/such/file.json",
        "fixtures/voximplant/all-events.ndjson",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("callev: failed to open no/such/file.json"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("checked 50 records in 3 inputs: 50 valid"),
        "{}",
        r.stdout
    );
    let dir = run(&["validate", "fixtures"]);
    assert_eq!(dir.code, 2);
    assert!(dir.stderr.contains("is a directory"));
}

#[test]
fn bad_flags_are_usage_errors() {
    assert_eq!(run(&["validate", "--no-such-flag"]).code, 2);
    let r = run(&[
        "--tz",
        "Mars/Base",
        "summary",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--tz"));
}

#[test]
fn standard_input_by_dash_and_by_default() {
    let body = std::fs::read("fixtures/workonflow/invalid.ndjson").unwrap();
    for args in [
        &["validate", "-o", "ndjson", "-"][..],
        &["validate", "-o", "ndjson"],
    ] {
        let r = run_stdin(args, body.clone());
        assert_eq!(r.code, 1);
        let rows = ndjson(&r.stdout);
        assert_eq!(rows[0]["source"], "-");
        assert_eq!(rows[0]["line"], 1);
    }
}

#[test]
fn allow_mutes_a_code_and_the_tally_counts_by_code() {
    let f = "fixtures/workonflow/invalid.ndjson";
    let all = json(&run(&["validate", "-o", "json", f]).stdout);
    assert_eq!(all["summary"]["by_code"]["wrong-type"], 1);
    assert_eq!(all["summary"]["invalid"], 3);
    let allowed = run(&["validate", "-o", "json", "--allow", "wrong-type", f]);
    let doc = json(&allowed.stdout);
    // The record whose only error was a wrong type is valid now; the finding is counted as muted.
    assert_eq!(doc["summary"]["invalid"], 2);
    assert_eq!(doc["summary"]["muted"], 1);
    assert!(doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["code"] != "wrong-type"));
    let table = run(&["validate", "--allow", "unknown-field", f]);
    assert!(
        table.stdout.contains("findings by code: "),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("1 finding muted by --allow"));
    // Damage stays damage: allowing parse hides the rows, not the failure.
    let damaged = run(&[
        "validate",
        "--allow",
        "parse",
        "fixtures/edge/truncated-line.ndjson",
    ]);
    assert_eq!(damaged.code, 1);
    assert!(
        !damaged.stdout.contains("error[parse]"),
        "{}",
        damaged.stdout
    );
    assert!(
        damaged.stdout.contains("1 unparseable"),
        "{}",
        damaged.stdout
    );
}

#[test]
fn strict_says_in_its_last_line_why_it_failed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("w.ndjson");
    std::fs::write(
        &f,
        "{\"eventType\":\"hangup\",\"callId\":\"c-1\",\"cause\":\"NORMAL_CLEARING\",\"time\":\"2026-11-21T14:00:00Z\",\"callState\":\"completed\",\"zzz\":1}\n",
    )
    .unwrap();
    let f = f.to_str().unwrap();
    let strict = crate::util::run(&["validate", "--strict", f]);
    assert_eq!(strict.code, 1);
    assert_eq!(
        strict.stdout.lines().last(),
        Some("strict: 1 record with warnings counts as a failure")
    );
    let plain = crate::util::run(&["validate", f]);
    assert_eq!(plain.code, 0);
    assert!(!plain.stdout.contains("strict"));
}

/// A number too large for a double and a lone surrogate escape are read mended: the record is
/// kept, its call counted, and the mending is a finding on it.
#[test]
fn a_huge_number_or_a_lone_surrogate_keeps_its_record_and_says_so() {
    let text = concat!(
        r#"{"eventType":"dtmf","eventTime":"2026-11-21T10:00:00.000Z","callId":"c-big1","digit":"1","n":1e999999}"#,
        "\n",
        r#"{"eventType":"dtmf","eventTime":"2026-11-21T10:00:01.000Z","callId":"c-sur1","digit":"2","name":"a\ud800b"}"#,
        "\n",
    );
    let r = run_stdin(&["validate", "-o", "json"], text);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let doc = json(&r.stdout);
    assert_eq!(doc["summary"]["valid"], 2, "{}", r.stdout);
    assert_eq!(doc["summary"]["unparseable"], 0);
    let messages = r.stdout.to_string();
    assert!(messages.contains("too large for a double"), "{messages}");
    assert!(messages.contains("lone UTF-16 surrogate"), "{messages}");
    let calls = ndjson(&run_stdin(&["summary", "-o", "ndjson"], text).stdout);
    assert_eq!(calls.len(), 2);
}
