//! The promise under attack: nothing lost, nothing counted twice, no input that blows up, and
//! nothing unsafe reaching the terminal. Each test is an attack that once broke it.

use std::collections::BTreeMap;

use crate::util::{ndjson, run};

#[test]
fn help_and_version_to_a_full_disk_fail_as_every_write_does() {
    for args in [&["--help"][..], &["--version"], &["summary", "--help"]] {
        let out = crate::util::process()
            .args(args)
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full is there"))
            .status()
            .expect("callev runs");
        assert_eq!(out.code(), Some(2), "{args:?}");
    }
}

#[test]
fn flags_beyond_sense_are_usage_errors() {
    let threads = run(&[
        "summary",
        "--threads",
        "30000",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert_eq!(threads.code, 2);
    assert!(threads.stderr.contains("at most 256"), "{}", threads.stderr);
    let inverted = run(&[
        "events",
        "--since",
        "2026-11-22",
        "--until",
        "2026-11-21",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert_eq!(inverted.code, 2);
    assert!(
        inverted.stderr.contains("is after --until"),
        "{}",
        inverted.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.ndjson");
    let path = dir.path().join(name);
    std::fs::copy("fixtures/bandwidth/lone-hangup.ndjson", &path).unwrap();
    let out = crate::util::process()
        .args(["summary", "-o", "ndjson"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(ndjson(&String::from_utf8_lossy(&out.stdout)).len(), 3);
}

/// An id that would clear the screen (C1 CSI) and break the line (U+2028), in a Bandwidth answer.
const HOSTILE_ID: &str = "c-\u{9b}2J\u{2028}x";

fn hostile_answer() -> String {
    format!(
        "{{\"eventType\":\"answer\",\"callId\":\"{HOSTILE_ID}\",\"eventTime\":\"2026-01-01T00:00:00Z\",\
         \"from\":\"+15550000001\",\"to\":\"+15550000002\",\"direction\":\"inbound\",\
         \"accountId\":\"1\",\"applicationId\":\"a\"}}\n"
    )
}

#[test]
fn machine_output_on_a_terminal_is_escaped_and_exact_into_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.json");
    std::fs::write(&file, hostile_answer()).unwrap();
    let args = ["events", "-o", "ndjson", file.to_str().unwrap()];

    // Into a pipe: the bytes the data holds, as JSON writes them.
    let piped = run(&args);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(ndjson(&piped.stdout)[0]["call_id"], HOSTILE_ID);
    assert!(piped.stdout.contains(HOSTILE_ID));

    // On a terminal (`script` gives the run one): escaped, and still the same JSON value.
    let command = format!(
        "{} {}",
        assert_cmd::cargo::cargo_bin("callev").display(),
        args.join(" ")
    );
    let Ok(out) = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("COLUMNS")
        .stdin(std::process::Stdio::null())
        .output()
    else {
        panic!("`script` (util-linux) runs the command on a terminal; install it");
    };
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        !shown.contains('\u{9b}') && !shown.contains('\u{2028}'),
        "{shown:?}"
    );
    let line = shown.lines().next().expect("a line").trim_end_matches('\r');
    let value: serde_json::Value = serde_json::from_str(line).expect("still JSON");
    assert_eq!(value["call_id"], HOSTILE_ID);
}

/// `summary` of an input, its calls by id (duplicates set aside) and their duplicates.
fn calls_of(files: &[&str]) -> (BTreeMap<String, serde_json::Value>, u64) {
    let mut args = vec!["summary", "-o", "ndjson"];
    args.extend_from_slice(files);
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut calls = BTreeMap::new();
    let mut duplicates = 0;
    for mut call in ndjson(&out.stdout) {
        duplicates += call["duplicates"].as_u64().unwrap();
        call["duplicates"] = 0.into();
        let id = call["call_id"].as_str().unwrap().to_owned();
        assert!(
            calls.insert(id.clone(), call).is_none(),
            "{id} listed twice"
        );
    }
    (calls, duplicates)
}

/// The same input given twice (overlapping rotated logs): every call once, with what it had
/// once (holds and digits not doubled), near together or far apart, timed or not.
#[test]
fn the_same_input_twice_counts_each_call_once_however_far_apart() {
    let dir = tempfile::tempdir().unwrap();
    let timed = std::fs::read_to_string("fixtures/voximplant/full-call.log").unwrap();
    // The same call's payloads without their log lines: no times at all.
    let untimed: String = timed
        .lines()
        .filter_map(|l| l.split_once("event: ").map(|(_, json)| format!("{json}\n")))
        .collect();
    // About 9 MB of other calls: far more than callev keeps finished calls open for.
    let filler: String = (0..30_000)
        .map(|n| {
            let at = format!("2026-11-21T{:02}:{:02}:{:02}.000Z", n / 3600 % 24, n / 60 % 60, n % 60);
            ["initiate", "disconnect"]
                .map(|kind| {
                    format!(
                        "{{\"eventType\":\"{kind}\",\"callId\":\"c-filler-{n:06}\",\"eventTime\":\"{at}\",\
                         \"from\":\"+15550000001\",\"to\":\"+15550000002\",\"direction\":\"inbound\",\
                         \"accountId\":\"1\",\"applicationId\":\"a\",\"cause\":\"hangup\"}}\n"
                    )
                })
                .concat()
        })
        .collect();
    // Given twice, a file's copies are read merged by time, so near together; written twice
    // into one input, far apart.
    let far = untimed.clone() + &filler;
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let near = write("near.log", &timed);
    let doubled = write("doubled.log", &(far.clone() + &far));
    let far = write("far.log", &far);
    for (name, path, given, once) in [
        ("near", &near, 2, &near),
        ("far", &far, 2, &far),
        ("doubled", &doubled, 1, &far),
    ] {
        let (once, _) = calls_of(&[once.as_str()]);
        let (twice, duplicates) = calls_of(&vec![path.as_str(); given]);
        assert_eq!(once, twice, "{name}");
        let call = &twice["1F2E3D4C5B6A79880000000000000002"];
        assert_eq!(
            (call["dtmf"].as_str(), call["events"].as_u64()),
            (Some("12"), Some(8)),
            "{name}"
        );
        // Near together, every event of the copy is a duplicate of its call's; far apart, the
        // call was written long before, and stderr says its copy was not counted again.
        if given == 2 {
            let events: u64 = once.values().map(|c| c["events"].as_u64().unwrap()).sum();
            assert_eq!(duplicates, events, "{name}");
        }
    }
    let out = run(&["summary", &doubled]);
    assert!(
        out.stderr
            .contains("repeat events of calls already finished"),
        "{}",
        out.stderr
    );
}

/// Bytes that are not text are damage, never a log's text lines: a binary file's lines are each
/// unparseable, and a log line whose prefix holds NUL bytes or bytes that are not UTF-8 keeps
/// its whole record and says the line is damaged before it.
#[test]
fn bytes_that_are_not_text_are_damage_and_a_good_record_after_them_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic bytes of every value (a splitmix-like walk), cut into lines.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let binary: Vec<u8> = (0..20_000)
        .map(|_| {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let z = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            (z >> 56) as u8
        })
        .collect();
    let bin = dir.path().join("data.bin");
    std::fs::write(&bin, &binary).unwrap();
    let v = run(&["validate", "-o", "json", bin.to_str().unwrap()]);
    let totals = &crate::util::json(&v.stdout)["summary"];
    assert_eq!(totals["text_lines"], 0, "{}", v.stdout);
    assert!(totals["unparseable"].as_u64().unwrap() > 10, "{}", v.stdout);

    let log = dir.path().join("torn.log");
    let mut text = b"\x00\x00\xff\xfe 2026-11-21T10:00:00Z INFO ".to_vec();
    text.extend_from_slice(
        br#"{"eventType":"hangup","callId":"c-torn","time":"2026-11-21T10:00:00Z","cause":"hangup"}"#,
    );
    text.push(b'\n');
    std::fs::write(&log, &text).unwrap();
    let v = run(&["validate", log.to_str().unwrap()]);
    assert!(
        v.stdout.contains("torn.log:1: warning[parse]"),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("NUL bytes"), "{}", v.stdout);
    let calls = ndjson(&run(&["summary", "-o", "ndjson", log.to_str().unwrap()]).stdout);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["call_id"], "c-torn");
}

/// Calls that never end do not pile up: one silent for over a day of the input's time is given
/// up, written as it stood (no end seen) and counted on stderr; every call is still written
/// once, in summary and timeline alike.
#[test]
fn calls_that_never_end_are_given_up_after_a_day_of_silence_and_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open.ndjson");
    // 216 calls, one every 20 minutes over three days, each only answered; a tag of 40 KB
    // each makes the input long enough (8 MB) for the calls to be looked at on the way.
    let tag = "x".repeat(40_000);
    let text: String = (0..216)
        .map(|i| {
            let (day, minute) = (21 + i / 72, (i % 72) * 20);
            format!(
                "{{\"eventType\":\"answer\",\"callId\":\"c-open{i:04}\",\"time\":\"2026-11-{day}T{:02}:{:02}:00.000Z\",\"tag\":\"{tag}\"}}\n",
                minute / 60,
                minute % 60
            )
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let r = run(&["summary", "-o", "ndjson", p]);
    let rows = ndjson(&r.stdout);
    let ids: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!((rows.len(), ids.len()), (216, 216));
    assert!(rows.iter().all(|c| c["outcome"] == "in_progress"));
    assert!(r.stderr.contains("given up"), "{}", r.stderr);
    let t = run(&["timeline", p]);
    assert_eq!(
        t.stdout.matches("▶ call c-open").count(),
        216,
        "{}",
        t.stderr
    );
    assert!(t.stderr.contains("given up"), "{}", t.stderr);
}

/// A Parquet file callev wrote and that was damaged since is an error, never other numbers: a
/// single flipped bit anywhere in it either fails the read or leaves the summary as it was
/// (the bit was in what the summary does not read).
#[test]
fn a_flipped_bit_in_callevs_parquet_is_an_error_not_a_different_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.parquet");
    let out = crate::util::process()
        .args(["events", "-o", "parquet", "fixtures/mixed/all-vendors.log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let bytes = out.stdout;
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    let whole = run(&["summary", "-o", "ndjson", p]);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let (mut failed, mut x) = (0, 0x2545_f491_4f6c_dd1du64);
    for _ in 0..64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (at, bit) = ((x >> 8) as usize % bytes.len(), (x & 7) as u8);
        let mut damaged = bytes.clone();
        damaged[at] ^= 1 << bit;
        std::fs::write(&path, &damaged).unwrap();
        let r = run(&["summary", "-o", "ndjson", p]);
        if r.code == 0 {
            assert_eq!(
                r.stdout, whole.stdout,
                "bit {bit} of byte {at} changed the summary"
            );
        } else {
            failed += 1;
        }
    }
    assert!(failed > 16, "{failed} of 64 flips failed the read");
}

/// What callev writes it reads: an events record larger than an input record may be (a 22 MB
/// cause repeats in three of its columns: 88 MB), written by `events -o FORMAT` from one input
/// record within the line limit, gives its call back whole when read by `summary`. Returns the
/// written file's size.
fn big_record_reads_back(dir: &std::path::Path, format: &str) -> usize {
    let big = "x".repeat(22_000_000);
    let input = dir.join("big.ndjson");
    std::fs::write(
        &input,
        format!(
            "{{\"eventType\":\"hangup\",\"callId\":\"c-big\",\"time\":\"2026-11-21T10:00:00Z\",\"cause\":\"{big}\",\"tag\":\"{big}\"}}\n"
        ),
    )
    .unwrap();
    let out = crate::util::process()
        .args(["events", "-o", format, input.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let records = dir.join(format!("events.{format}"));
    std::fs::write(&records, &out.stdout).unwrap();
    let r = run(&["summary", "-o", "ndjson", records.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["call_id"], "c-big");
    assert_eq!(
        calls[0]["end_reason"].as_str().map(str::len),
        Some(22_000_000)
    );
    out.stdout.len()
}

#[test]
fn an_events_record_larger_than_an_input_record_reads_back_from_parquet() {
    let dir = tempfile::tempdir().unwrap();
    big_record_reads_back(dir.path(), "parquet");
}

/// The same as NDJSON, a line longer than the input limit; a line of another shape that long is
/// still refused.
#[test]
fn an_events_record_larger_than_an_input_record_reads_back_from_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let written = big_record_reads_back(dir.path(), "ndjson");
    assert!(written > 64 << 20, "{written} bytes");
    // An input line of that length that is not callev's record meets the limit.
    let other = dir.path().join("other.ndjson");
    let mut line = b"{\"eventType\":\"hangup\",\"pad\":\"".to_vec();
    line.resize(70 << 20, b'y');
    line.extend_from_slice(b"\"}\n");
    std::fs::write(&other, line).unwrap();
    let r = run(&["validate", other.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("longer than 64 MiB") || r.stdout.contains("longer than 64 MiB"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}
