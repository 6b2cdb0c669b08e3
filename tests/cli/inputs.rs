//! Every input shape: pretty arrays, concatenated values, log lines, envelopes, gzip, BOM and CRLF,
//! truncated lines, invalid UTF-8, stray text; and the origins (source, line) records keep.

use crate::util::{json, ndjson, run, run_stdin};

fn detect_rows(file: &str) -> Vec<serde_json::Value> {
    ndjson(&run(&["detect", "-o", "ndjson", file]).stdout)
}

fn lines_of(rows: &[serde_json::Value]) -> Vec<u64> {
    rows.iter().map(|r| r["line"].as_u64().unwrap()).collect()
}

#[test]
fn pretty_array_elements_keep_their_lines() {
    let rows = detect_rows("fixtures/edge/pretty-array.json");
    assert_eq!(lines_of(&rows), vec![2, 7, 17]);
    let vendors: Vec<&str> = rows.iter().map(|r| r["vendor"].as_str().unwrap()).collect();
    assert_eq!(vendors, vec!["workonflow", "voximplant", "xelion"]);
}

#[test]
fn concatenated_pretty_objects() {
    let rows = detect_rows("fixtures/edge/concatenated-pretty.json");
    assert_eq!(lines_of(&rows), vec![1, 6]);
    assert_eq!(rows[1]["event"], "call.ended");
}

#[test]
fn log_lines_give_their_time_to_untimed_events() {
    let r = run(&["events", "-o", "ndjson", "fixtures/edge/log-lines.log"]);
    let rows = ndjson(&r.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["time"], "2026-11-21T10:00:00.123Z");
    assert_eq!(rows[0]["time_source"], "log");
    assert_eq!(rows[1]["time"], "2026-11-21T10:00:01.500Z");
    // A syslog prefix has no ISO time: the event stays untimed, the JSON still reads.
    assert_eq!(rows[2]["time"], serde_json::Value::Null);
    assert_eq!(rows[2]["event"], "Call.OnHold");
}

#[test]
fn envelopes_are_unwrapped_and_their_time_used() {
    let rows = ndjson(&run(&["events", "-o", "ndjson", "fixtures/edge/envelopes.ndjson"]).stdout);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        (rows[0]["time"].as_str(), rows[0]["time_source"].as_str()),
        (Some("2026-11-21T10:00:00.000Z"), Some("envelope"))
    );
    assert_eq!(rows[1]["vendor"], "voximplant");
    assert_eq!(rows[2]["time"], "2026-11-21T09:00:02.000Z");
    // A payload's own time beats the envelope's.
    assert_eq!(
        (rows[3]["time"].as_str(), rows[3]["time_source"].as_str()),
        (Some("2026-11-21T13:00:04.120Z"), Some("payload"))
    );
    let findings =
        ndjson(&run(&["validate", "-o", "ndjson", "fixtures/edge/envelopes.ndjson"]).stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["code"].as_str()),
        (Some(5), Some("unknown-vendor"))
    );
}

#[test]
fn gzip_is_read_by_its_magic_bytes() {
    let r = run(&["validate", "fixtures/edge/compressed.ndjson.gz"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("checked 2 records"));
    let piped = run_stdin(
        &["detect", "-o", "ndjson"],
        std::fs::read("fixtures/edge/compressed.ndjson.gz").unwrap(),
    );
    assert_eq!(ndjson(&piped.stdout).len(), 2);
}

#[test]
fn bom_crlf_and_blank_lines_are_accepted() {
    let r = run(&["validate", "-o", "ndjson", "fixtures/edge/bom-crlf.ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "");
    assert_eq!(
        lines_of(&detect_rows("fixtures/edge/bom-crlf.ndjson")),
        vec![1, 4]
    );
}

#[test]
fn a_truncated_line_is_reported_and_reading_resumes() {
    let r = run(&[
        "validate",
        "-o",
        "ndjson",
        "fixtures/edge/truncated-line.ndjson",
    ]);
    assert_eq!(r.code, 1);
    let rows = ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["code"].as_str()),
        (Some(2), Some("parse"))
    );
    assert_eq!(
        lines_of(&detect_rows("fixtures/edge/truncated-line.ndjson")),
        vec![1, 2, 3]
    );
}

#[test]
fn invalid_utf8_is_one_unparseable_record() {
    let r = run(&[
        "validate",
        "-o",
        "ndjson",
        "fixtures/edge/invalid-utf8.ndjson",
    ]);
    let rows = ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["line"], 2);
    assert!(
        rows[0]["message"].as_str().unwrap().contains("unicode"),
        "{}",
        rows[0]
    );
}

#[test]
fn stray_text_lines_are_counted_beside_the_records() {
    let r = run(&["validate", "fixtures/edge/stray-text.log"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r
        .stdout
        .contains("2 valid, 0 invalid, 0 unparseable, 0 unknown vendor; beside them 2 text lines"));
    let summary = run(&["summary", "fixtures/edge/stray-text.log"]);
    assert_eq!(summary.code, 0);
    assert!(
        summary.stderr.contains("beside the records, 2 text lines"),
        "{}",
        summary.stderr
    );
    // Only --strict makes them findings.
    let strict = run(&[
        "validate",
        "--strict",
        "-o",
        "json",
        "fixtures/edge/stray-text.log",
    ]);
    assert_eq!(strict.code, 1);
    let doc = json(&strict.stdout);
    let lines: Vec<u64> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3]);
    assert_eq!(doc["summary"]["text_lines"], 2);
    assert_eq!(doc["summary"]["records"], 2);
}

#[test]
fn pretty_printed_json_on_standard_input() {
    let body = std::fs::read("fixtures/bandwidth/c-doc-example.json").unwrap();
    let rows = ndjson(&run_stdin(&["events", "-o", "ndjson"], body).stdout);
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["source"], "-");
    // The list's call is named by the file; standard input has none.
    assert_eq!(rows[0]["call_id"], "-");
}

#[test]
fn forced_input_formats() {
    let r = run(&[
        "detect",
        "-o",
        "ndjson",
        "--input-format",
        "ndjson",
        "fixtures/edge/pretty-array.json",
    ]);
    assert!(ndjson(&r.stdout).iter().all(|r| r["vendor"].is_null()));
    let log = run(&[
        "detect",
        "-o",
        "ndjson",
        "--input-format",
        "log",
        "fixtures/edge/log-lines.log",
    ]);
    assert_eq!(ndjson(&log.stdout).len(), 3);
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let r = run(&["events", "fixtures/edge/control-characters.ndjson"]);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\u{7}'));
    assert!(r.stdout.contains("\\e[2J"));
    let machine = ndjson(
        &run(&[
            "events",
            "-o",
            "ndjson",
            "fixtures/edge/control-characters.ndjson",
        ])
        .stdout,
    );
    assert_eq!(
        machine[0]["details"]["text"]
            .as_str()
            .unwrap()
            .chars()
            .next(),
        Some('\u{1b}')
    );
}

#[cfg(unix)]
#[test]
fn empty_input_is_fine() {
    let r = run_stdin(&["validate", "-o", "json"], "");
    assert_eq!(r.code, 0);
    assert_eq!(crate::util::json(&r.stdout)["summary"]["records"], 0);
    let dev_null = run(&["summary", "/dev/null"]);
    assert_eq!(dev_null.code, 0);
    assert!(dev_null.stdout.contains("no calls"));
}

#[test]
fn an_array_that_never_closes_is_reported_after_its_elements() {
    // A lone `[`: the whole input is one unreadable record, not none.
    let r = run_stdin(&["validate", "-o", "ndjson"], "[");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["code"].as_str()),
        (Some(1), Some("parse"))
    );
    assert!(
        rows[0]["message"]
            .as_str()
            .unwrap()
            .contains("never closes"),
        "{}",
        r.stdout
    );
    // Elements read before the cut are records as usual.
    let cut = "[\n{\"name\":\"Call.Connected\",\"id\":\"v-1\"},\n{\"name\":\"Call.Connected\",\"id\":\"v-2\"}\n";
    let r = run_stdin(&["validate", "-o", "json"], cut);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = crate::util::json(&r.stdout);
    assert_eq!(doc["summary"]["records"], 3);
    assert_eq!(doc["summary"]["valid"], 2);
    assert_eq!(doc["summary"]["unparseable"], 1);
    // Found at the end of the input, it is reported last, at the line the array opened.
    let last = doc["diagnostics"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["line"].as_u64(), last["code"].as_str()),
        (Some(1), Some("parse"))
    );
}

#[test]
fn zstd_xz_and_bzip2_are_read_and_other_compressions_are_named() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read("fixtures/mixed/all-vendors.log").unwrap();
    let expected = run(&["summary", "-o", "ndjson", "fixtures/mixed/all-vendors.log"]).stdout;
    let zst = zstd::stream::encode_all(&plain[..], 3).unwrap();
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(&plain).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&plain).unwrap();
    for (name, bytes) in [
        ("calls.log.zst", zst),
        ("calls.log.xz", xz.finish().unwrap()),
        // The name says nothing: the magic bytes do.
        ("calls.log", bz.finish().unwrap()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let r = run(&["summary", "-o", "ndjson", path.to_str().unwrap()]);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (0, expected.as_str()),
            "{name}: {}",
            r.stderr
        );
    }
    let lz4 = dir.path().join("calls.log.lz4");
    std::fs::write(&lz4, [0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0, 0]).unwrap();
    let r = run(&["validate", lz4.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("lz4-compressed data, which callev does not read"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

/// A compressed stream cut short keeps every whole line decoded before the cut; the partial
/// line is one damaged record, and the run says the read failed (exit 2).
#[test]
fn a_truncated_compressed_stream_keeps_its_whole_lines() {
    use std::io::Read;
    let mut text = String::new();
    for i in 0..6000 {
        text.push_str(&format!(
            r#"{{"eventType":"dtmf","eventTime":"2026-11-21T10:00:00.000Z","accountId":"9900000","applicationId":"a","from":"+15550100001","to":"+15550100901","direction":"inbound","callId":"c-cut{i:06}","callUrl":"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-cut{i:06}","startTime":"2026-11-21T10:00:00.000Z","answerTime":"2026-11-21T10:00:01.000Z","digit":"{}"}}"#,
            i % 10
        ));
        text.push('\n');
    }
    let packed = zstd::stream::encode_all(text.as_bytes(), 3).unwrap();
    let cut = &packed[..packed.len() / 3];
    // What a decoder gives before the cut.
    let mut decoded = Vec::new();
    let mut d = zstd::stream::read::Decoder::new(cut).unwrap();
    let mut buf = [0u8; 4096];
    while let Ok(n) = d.read(&mut buf) {
        if n == 0 {
            break;
        }
        decoded.extend_from_slice(&buf[..n]);
    }
    let whole = decoded.iter().filter(|b| **b == b'\n').count() as u64;
    assert!(whole > 1000, "{whole}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.ndjson.zst");
    std::fs::write(&path, cut).unwrap();
    let r = run(&["validate", "-o", "json", path.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("failed to read"), "{}", r.stderr);
    let summary = &json(&r.stdout)["summary"];
    assert_eq!(summary["valid"], whole, "{summary}");
    let partial = u64::from(decoded.last() != Some(&b'\n'));
    assert_eq!(summary["unparseable"], partial, "{summary}");
}
