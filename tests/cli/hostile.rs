//! Hostile input: each gets a clear message, nothing crashes, memory stays bounded, and a closed
//! pipe is a quiet success.

use std::io::{Read, Write};
use std::process::Stdio;

use crate::util::{callev, ndjson, run_stdin, run_with};

fn findings(stdin: impl Into<Vec<u8>>) -> Vec<serde_json::Value> {
    ndjson(&run_stdin(&["validate", "-o", "ndjson"], stdin).stdout)
}

const GOOD: &str = r#"{"eventType":"call.started","threadId":"5f1e2d3c4b5a697887766554","callId":"0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b"}"#;

#[test]
fn nul_bytes_are_one_unparseable_record() {
    let f = findings(format!(
        "{GOOD}\n{{\"eventType\":\"call.\0started\"}}\n\0\0\0\n{GOOD}\n"
    ));
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f.iter().all(|x| x["code"] == "parse"));
    assert_eq!(
        (f[0]["line"].as_u64(), f[1]["line"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn deep_nesting_is_refused_without_a_crash() {
    for deep in [
        "[".repeat(100_000) + &"]".repeat(100_000),
        "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000),
        "[".repeat(100_000),
    ] {
        let r = run_stdin(&["validate", "-o", "ndjson"], format!("{deep}\n{GOOD}\n"));
        assert_eq!(r.code, 1, "{}", r.stderr);
        let f = ndjson(&r.stdout);
        assert!(!f.is_empty());
        assert!(
            f.iter()
                .all(|x| x["code"] == "parse" || x["code"] == "unknown-vendor"),
            "{f:?}"
        );
        let summary = run_stdin(&["detect", "-o", "ndjson"], format!("{deep}\n{GOOD}\n"));
        assert!(
            summary.stdout.contains("call.started"),
            "the record after it is still read"
        );
    }
}

#[test]
fn a_fifty_megabyte_line_is_read() {
    let text = "x".repeat(50 << 20);
    let line = format!(r#"{{"name":"Call.MessageReceived","id":"A1","text":"{text}"}}"#);
    let r = run_stdin(&["validate", "-o", "json"], format!("{line}\n{GOOD}\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(crate::util::json(&r.stdout)["summary"]["valid"], 2);
}

#[test]
fn an_endless_line_is_capped_reported_and_skipped() {
    let mut input = vec![b'x'; 70 << 20];
    input.push(b'\n');
    input.extend_from_slice(GOOD.as_bytes());
    input.push(b'\n');
    let r = run_with(
        callev()
            .args(["validate", "-o", "ndjson"])
            .write_stdin(input),
    );
    let f = ndjson(&r.stdout);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["code"].as_str()),
        (Some(1), Some("parse"))
    );
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("longer than 64 MiB"));
    let detect = ndjson(
        &run_stdin(
            &["detect", "-o", "ndjson"],
            [
                vec![b'{'; 70 << 20],
                b"\n".to_vec(),
                GOOD.as_bytes().to_vec(),
                b"\n".to_vec(),
            ]
            .concat(),
        )
        .stdout,
    );
    assert_eq!(
        detect.last().unwrap()["event"],
        "call.started",
        "reading resumes after the capped record"
    );
}

#[test]
fn huge_and_negative_zero_numbers() {
    // A number too large for a double is read as null: the record is kept, the field is of the
    // wrong type, and the reading says what it mended.
    let f = findings(format!(
        "{}\n",
        r#"{"eventType":"call.ended","threadId":"5f1e2d3c4b5a697887766554","callId":"0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b","dialogDuration":1e400,"callDuration":-0}"#
    ));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0]["code"], "wrong-type");
    assert_eq!(f[0]["path"], "/dialogDuration");
    assert_eq!(f[1]["code"], "parse");
    assert_eq!(f[1]["severity"], "warning");
    assert!(
        f[1]["message"]
            .as_str()
            .unwrap()
            .contains("`1e400`): read as null"),
        "{}",
        f[1]
    );
    let zero = findings(format!(
        "{}\n",
        r#"{"eventType":"call.ended","threadId":"5f1e2d3c4b5a697887766554","callId":"0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b","dialogDuration":-0,"callDuration":-0.0}"#
    ));
    assert!(zero.is_empty(), "{zero:?}");
}

#[test]
fn duplicate_keys_are_a_warning_and_the_first_wins() {
    let f = findings(format!(
        "{}\n",
        r#"{"eventType":"call.started","callId":"0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b","threadId":"5f1e2d3c4b5a697887766554","callId":"other"}"#
    ));
    assert_eq!(f.len(), 1);
    assert_eq!(
        (
            f[0]["code"].as_str(),
            f[0]["severity"].as_str(),
            f[0]["path"].as_str()
        ),
        (Some("inconsistent"), Some("warning"), Some("/callId"))
    );
    let e = ndjson(
        &run_stdin(
            &["events", "-o", "ndjson"],
            format!(
                "{}\n",
                r#"{"eventType":"call.started","callId":"first","callId":"second"}"#
            ),
        )
        .stdout,
    );
    assert_eq!(e[0]["call_id"], "first");
}

#[test]
fn many_distinct_call_ids() {
    let mut input = String::new();
    for i in 0..200_000 {
        input.push_str(&format!("{{\"name\":\"Call.Failed\",\"id\":\"C{i:08}\",\"code\":486,\"reason\":\"Busy Here\"}}\n"));
    }
    let r = run_stdin(&["summary", "-o", "ndjson"], input.clone());
    assert_eq!(r.code, 0);
    let rows = r.stdout.lines().count();
    assert_eq!(rows, 200_000);
    let events = run_stdin(&["events", "-o", "ndjson"], input);
    assert!(events.stdout.lines().all(|l| l.contains("\"seq\":1,")));
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let line = format!("{GOOD}\n");
    let mut child = crate::util::process()
        .args(["events", "-o", "ndjson"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if stdin.write_all(line.as_bytes()).is_err() {
                return;
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn escape_sequences_are_escaped_in_every_human_view_and_message() {
    let nasty = r#"{"name":"Call.Failed","id":"\u001b[2J\u0007","code":486,"reason":"\u001b]8;;https://example.test\u0007click\u001b]8;;\u0007\r"}"#;
    let bad = r#"{"name":"Call.ToneReceived","id":"x","tone":"\u001b[31m"}"#;
    let input = format!("{nasty}\n{bad}\n\u{1b}[2J not json\n");
    for cmd in ["detect", "validate", "events", "timeline", "summary"] {
        let r = run_stdin(
            &[cmd, "--explain"][..if cmd == "detect" { 2 } else { 1 }],
            input.clone(),
        );
        for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'),
                "{cmd} {what}: {text:?}"
            );
        }
    }
    let machine = ndjson(&run_stdin(&["summary", "-o", "ndjson"], input).stdout);
    assert_eq!(machine[0]["call_id"], "\u{1b}[2J\u{7}");
}

#[cfg(unix)]
#[test]
fn a_directory_and_dev_null() {
    let dir = crate::util::run(&["events", "fixtures"]);
    assert_eq!(dir.code, 2);
    assert!(dir.stderr.contains("fixtures: is a directory"));
    let null = crate::util::run(&["validate", "/dev/null"]);
    assert_eq!(null.code, 0);
    assert!(null.stdout.contains("checked 0 records"));
}
