//! `events`, `timeline` and `summary`: machine output decoded field by field; human views as
//! snapshots with color off and a fixed width.

use serde_json::Value;

use crate::util::{callev, json, ndjson, run, run_with, walk, zstd_text};

fn summary(files: &[&str]) -> Vec<Value> {
    let mut args = vec!["summary", "-o", "ndjson"];
    args.extend(files);
    ndjson(&run(&args).stdout)
}

fn call<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["call_id"] == id)
        .unwrap_or_else(|| panic!("no call {id}"))
}

#[test]
fn summary_records_have_every_field() {
    let rows = summary(&["fixtures/mixed/all-vendors.log"]);
    assert_eq!(rows.len(), 4);
    for key in [
        "call_id",
        "vendor",
        "events",
        "first_time",
        "last_time",
        "started_at",
        "answered_at",
        "ended_at",
        "ring_ms",
        "talk_ms",
        "hold_ms",
        "total_ms",
        "reported_talk_ms",
        "reported_total_ms",
        "outcome",
        "end_reason",
        "participants",
        "dtmf",
        "duplicates",
        "anomalies",
    ] {
        assert!(rows.iter().all(|r| r.get(key).is_some()), "{key}");
    }
}

#[test]
fn workonflow_full_call_from_log_times() {
    let rows = summary(&["fixtures/mixed/all-vendors.log"]);
    let w = call(&rows, "4d5e6f70-3333-4333-8333-000000000004");
    assert_eq!(w["outcome"], "answered");
    assert_eq!(w["started_at"], "2026-11-21T09:00:00.000Z");
    assert_eq!(w["ended_at"], "2026-11-21T09:02:05.000Z");
    assert_eq!(w["answered_at"], Value::Null);
    assert_eq!(w["total_ms"], 125_000);
    assert_eq!(w["talk_ms"], 120_650);
    assert_eq!(w["hold_ms"], 12_000);
    assert_eq!(w["reported_talk_ms"], 120_650);
    assert_eq!(w["reported_total_ms"], 125_100);
    assert_eq!(w["dtmf"], "5");
    assert_eq!(
        w["participants"],
        serde_json::json!(["5f1e2d3c4b5a697887760001", "5f1e2d3c4b5a697887760002"])
    );
    assert_eq!(w["anomalies"], serde_json::json!([]));
}

#[test]
fn workonflow_call_without_any_times_uses_reported_durations() {
    let rows = summary(&["fixtures/workonflow/full-call-no-times.ndjson"]);
    let w = &rows[0];
    assert_eq!(
        (w["talk_ms"].as_i64(), w["total_ms"].as_i64()),
        (Some(65_300), Some(70_512))
    );
    assert_eq!(
        (w["started_at"].clone(), w["ended_at"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(w["hold_ms"], Value::Null);
    assert_eq!(w["dtmf"], "42#");
    assert_eq!(w["events"], 10);
    let timeline = run(&["timeline", "fixtures/workonflow/full-call-no-times.ndjson"]);
    assert!(timeline
        .stdout
        .contains("times unknown: events in arrival order"));
    assert!(timeline.stdout.contains("#1"));
}

#[test]
fn xelion_attended_transfer_counts_the_repeated_hangup_once() {
    let rows = summary(&["fixtures/xelion/attended-transfer.log"]);
    assert_eq!(rows.len(), 3);
    let x = call(&rows, "1c0ffee000000001");
    let y = call(&rows, "1c0ffee000000002");
    let z = call(&rows, "1c0ffee000000003");
    assert_eq!(
        (y["events"].as_u64(), y["duplicates"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        (x["duplicates"].as_u64(), z["duplicates"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(rows.iter().all(|r| r["outcome"] == "answered"));
    assert_eq!(x["ring_ms"], 6_500);
    assert_eq!(x["talk_ms"], 83_500);
    assert_eq!(x["reported_total_ms"], 83_000);
    assert_eq!(y["talk_ms"], 45_004);
    // Z's start is Xelion's `date`, when the transferred call was initiated.
    assert_eq!(z["started_at"], "2026-11-21T11:01:30.000Z");
    assert_eq!(z["total_ms"], 150_000);
    assert!(
        rows.iter().all(|r| r["anomalies"] == serde_json::json!([])),
        "{rows:?}"
    );
}

#[test]
fn xelion_missed_call() {
    let rows = summary(&["fixtures/xelion/all-events-frames.ndjson"]);
    let m = call(&rows, "186ba647df1ef333");
    assert_eq!(m["outcome"], "missed");
    assert_eq!(m["started_at"], "2026-11-21T10:05:00.000Z");
    let answered = call(&rows, "186ba647df1ef222");
    assert_eq!(answered["outcome"], "answered");
    assert_eq!(answered["reported_total_ms"], 95_000);
}

#[test]
fn voximplant_failures_by_code() {
    let rows = summary(&["fixtures/voximplant/failures-by-code.ndjson"]);
    let outcomes: Vec<&str> = rows
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        vec![
            "busy",
            "no_answer",
            "no_answer",
            "rejected",
            "cancelled",
            "failed",
            "failed",
            "busy"
        ]
    );
    assert_eq!(rows[0]["end_reason"], "486 Busy Here");
    let full = summary(&["fixtures/voximplant/full-call.log"]);
    let v = &full[0];
    assert_eq!(
        (
            v["ring_ms"].as_i64(),
            v["talk_ms"].as_i64(),
            v["hold_ms"].as_i64()
        ),
        (Some(7_250), Some(95_000), Some(30_000))
    );
    // `Disconnected.duration` is the talk time.
    assert_eq!(v["reported_talk_ms"], 95_000);
    assert_eq!(v["dtmf"], "12");
}

#[test]
fn bandwidth_document_list_sorts_by_time() {
    let r = run(&[
        "timeline",
        "-o",
        "json",
        "fixtures/bandwidth/c-doc-example.json",
    ]);
    let calls = json(&r.stdout);
    assert_eq!(calls.as_array().unwrap().len(), 1);
    assert_eq!(calls[0]["call_id"], "c-doc-example");
    let events = calls[0]["events"].as_array().unwrap();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "create",
            "answer",
            "CHANNEL_EXECUTE",
            "playback",
            "playback",
            "CHANNEL_EXECUTE",
            "CHANNEL_EXECUTE_COMPLETE",
            "hangup",
            "CHANNEL_EXECUTE_COMPLETE"
        ]
    );
    let offsets: Vec<i64> = events
        .iter()
        .map(|e| e["offset_ms"].as_i64().unwrap())
        .collect();
    assert_eq!(
        offsets,
        vec![0, 4_240, 4_240, 4_240, 4_240, 9_940, 14_160, 16_980, 17_000]
    );
    assert_eq!(events[5]["details"]["data"]["applicationData"], "test.mp3");
    assert_eq!(events[5]["seq"], 4);
    let s = &summary(&["fixtures/bandwidth/c-doc-example.json"])[0];
    assert_eq!(
        (
            s["outcome"].as_str(),
            s["ring_ms"].as_i64(),
            s["talk_ms"].as_i64(),
            s["total_ms"].as_i64()
        ),
        (Some("answered"), Some(4_240), Some(12_740), Some(16_980))
    );
}

#[test]
fn bandwidth_busy_and_no_answer_callbacks() {
    let rows = summary(&["fixtures/bandwidth/busy-and-no-answer.ndjson"]);
    assert_eq!(
        call(&rows, "c-busy000000000000000000001")["outcome"],
        "busy"
    );
    let na = call(&rows, "c-noanswer0000000000000001");
    assert_eq!(na["outcome"], "no_answer");
    assert_eq!(na["total_ms"], 30_050);
    assert_eq!(na["end_reason"], "NO_ANSWER");
}

#[test]
fn a_call_without_terminal_event_is_in_progress() {
    let rows = summary(&["fixtures/edge/no-terminal-event.ndjson"]);
    assert_eq!(rows[0]["outcome"], "in_progress");
    assert_eq!(
        rows[0]["anomalies"],
        serde_json::json!(["no terminal event"])
    );
}

#[test]
fn webhook_retries_are_counted_as_duplicates() {
    let rows = summary(&["fixtures/workonflow/retried-webhooks.ndjson"]);
    assert_eq!(
        (rows[0]["events"].as_u64(), rows[0]["duplicates"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(rows[0]["total_ms"], 90_100);
}

#[test]
fn events_records_and_seq() {
    let rows = ndjson(&run(&["events", "-o", "ndjson", "fixtures/mixed/all-vendors.log"]).stdout);
    assert_eq!(rows.len(), 16);
    for key in [
        "source",
        "line",
        "vendor",
        "event",
        "kind",
        "call_id",
        "time",
        "time_source",
        "seq",
        "details",
    ] {
        assert!(rows.iter().all(|r| r.get(key).is_some()), "{key}");
    }
    let dtmf = rows
        .iter()
        .find(|r| r["event"] == "Call.ToneReceived")
        .unwrap();
    assert_eq!(
        (
            dtmf["kind"].as_str(),
            dtmf["seq"].as_u64(),
            dtmf["line"].as_u64()
        ),
        (Some("dtmf"), Some(3), Some(9))
    );
    assert_eq!(dtmf["details"]["digit"], "1");
    let csv = run(&["events", "-o", "csv", "fixtures/mixed/all-vendors.log"]).stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 16);
    let headers = reader.headers().unwrap().clone();
    let details_at = headers.iter().position(|h| h == "details").unwrap();
    let details: Value = serde_json::from_str(&records[3][details_at]).unwrap();
    assert_eq!(details["from"], "+15550110");
}

#[test]
fn filters_by_call_event_and_time() {
    let by_prefix = ndjson(
        &run(&[
            "events",
            "-o",
            "ndjson",
            "--call",
            "AB00",
            "fixtures/mixed/all-vendors.log",
        ])
        .stdout,
    );
    assert_eq!(by_prefix.len(), 4);
    assert!(by_prefix.iter().all(|r| r["vendor"] == "voximplant"));
    let kinds = ndjson(
        &run(&[
            "events",
            "-o",
            "ndjson",
            "--event",
            "dtmf",
            "--event",
            "call.on.paused",
            "fixtures/mixed/all-vendors.log",
        ])
        .stdout,
    );
    assert_eq!(kinds.len(), 3);
    let window = ndjson(
        &run(&[
            "events",
            "-o",
            "ndjson",
            "--since",
            "2026-11-21T09:00:05Z",
            "--until",
            "2026-11-21T09:00:10Z",
            "fixtures/mixed/all-vendors.log",
        ])
        .stdout,
    );
    assert_eq!(window.len(), 4);
    let calls = summary(&[
        "--event",
        "missed",
        "fixtures/xelion/all-events-frames.ndjson",
    ]);
    assert_eq!(calls.len(), 1);
    let ambiguous = run(&[
        "summary",
        "--call",
        "F00D",
        "fixtures/voximplant/failures-by-code.ndjson",
    ]);
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("ambiguous"),
        "{}",
        ambiguous.stderr
    );
    assert!(ambiguous
        .stderr
        .contains("F00D0000000000000000000000000000, F00D0000000000000000000000000001"));
}

#[test]
fn times_are_shown_in_the_chosen_zone_with_the_offset() {
    let r = run(&["events", "--tz", "+02:00", "fixtures/edge/log-lines.log"]);
    assert!(
        r.stdout.contains("2026-11-21 12:00:00.123 +02:00"),
        "{}",
        r.stdout
    );
    let utc = run(&["events", "fixtures/edge/log-lines.log"]);
    assert!(utc.stdout.contains("2026-11-21 10:00:00.123 +00:00"));
}

#[test]
fn unreadable_records_are_accounted_for_on_stderr() {
    let r = run(&["summary", "fixtures/edge/truncated-line.ndjson"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("1 of 3 records skipped: 1 unparseable, the first at fixtures/edge/truncated-line.ndjson:2"), "{}", r.stderr);
}

fn human(args: &[&str]) -> String {
    let r = run_with(callev().args(args).env("COLUMNS", "120"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn timeline_snapshot() {
    insta::assert_snapshot!(human(&[
        "timeline",
        "fixtures/mixed/all-vendors.log",
        "fixtures/xelion/attended-transfer.log"
    ]));
}

#[test]
fn summary_snapshot() {
    insta::assert_snapshot!(human(&[
        "summary",
        "fixtures/mixed/all-vendors.log",
        "fixtures/voximplant/failures-by-code.ndjson",
        "fixtures/bandwidth/c-doc-example.json"
    ]));
}

#[test]
fn events_snapshot() {
    insta::assert_snapshot!(human(&["events", "fixtures/bandwidth/c-doc-example.json"]));
}

#[test]
fn color_only_when_asked() {
    let plain = human(&["timeline", "fixtures/voximplant/full-call.log"]);
    assert!(!plain.contains('\u{1b}'));
    let colored = run(&[
        "timeline",
        "--color",
        "always",
        "fixtures/voximplant/full-call.log",
    ]);
    assert!(colored.stdout.contains('\u{1b}'));
    let forced = run_with(
        callev()
            .args(["timeline", "fixtures/voximplant/full-call.log"])
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(forced.stdout.contains('\u{1b}'));
    let vetoed = run_with(
        callev()
            .args(["timeline", "fixtures/voximplant/full-call.log"])
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(!vetoed.stdout.contains('\u{1b}'));
}

/// Many overlapping calls (the full Workonflow call under fresh ids, each delivered with a
/// repeat), enough input for calls to be finished in sweeps while reading.
fn many_calls(calls: usize) -> String {
    let call = std::fs::read_to_string("fixtures/workonflow/full-call-no-times.ndjson").unwrap();
    let lines: Vec<&str> = call.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = String::new();
    // Calls in flight three at a time, their events interleaved.
    for group in 0..calls / 3 {
        for line in &lines {
            for k in 0..3 {
                let id = format!("call-{:06}", group * 3 + k);
                let l = line.replace("0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b", &id);
                out.push_str(&l);
                out.push('\n');
                if k == 1 {
                    out.push_str(&l);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn summary_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.ndjson");
    // About 12 MB: sweeps finish calls every 2 MB, a window (4 MB) after they end.
    std::fs::write(&path, many_calls(8_100)).unwrap();
    let path = path.to_str().unwrap();
    let one = run(&["summary", "-o", "ndjson", "--threads", "1", path]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let rows = ndjson(&one.stdout);
    assert_eq!(rows.len(), 8_100);
    // Rows come in the order calls first appeared, and repeated deliveries are counted.
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["call_id"], format!("call-{i:06}"));
        assert_eq!(row["outcome"], "answered");
    }
    assert_eq!(rows[0]["duplicates"], 0);
    assert!(rows[1]["duplicates"].as_u64().unwrap() > 0);
    for threads in ["2", "3"] {
        let many = run(&["summary", "-o", "ndjson", "--threads", threads, path]);
        assert_eq!(many.code, 0, "{}", many.stderr);
        assert!(many.stdout == one.stdout, "--threads {threads} differs");
    }
    // The table is written in chunks of fixed widths: one line per call, under one header, the
    // same whoever wrote the rows.
    let table = run(&["summary", "--threads", "1", path]);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with(" call "), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| l.starts_with(" call ")).count(), 1);
    let calls: Vec<&&str> = lines.iter().filter(|l| l.starts_with(" call-")).collect();
    assert_eq!(calls.len(), 8_100);
    let end = calls[0].find("call.ended").unwrap();
    assert!(calls.iter().all(|l| l.find("call.ended") == Some(end)));
    assert_eq!(
        run(&["summary", "--threads", "2", path]).stdout,
        table.stdout
    );
}

#[test]
fn a_summary_written_in_chunks_still_lists_anomalies_and_finds_calls() {
    let fixture = std::fs::read_to_string("fixtures/workonflow/full-call-no-times.ndjson").unwrap();
    let lines: Vec<&str> = fixture.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_call = |l: &str, id: &str| l.replace("0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b", id) + "\n";
    // A call that never ends, at the start; one whose end comes first (so the rest of its
    // events come after it), finished by a sweep long before the end of the input.
    let mut text = as_call(lines[0], "open-1");
    text += &as_call(lines[lines.len() - 1], "late-1");
    for l in &lines[..lines.len() - 1] {
        text += &as_call(l, "late-1");
    }
    text += &many_calls(8_100);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.ndjson");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();

    let table = run(&["summary", "--anomalies", path]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let rows = table
        .stdout
        .lines()
        .filter(|l| l.starts_with(" call-") || l.starts_with(" open-") || l.starts_with(" late-"));
    assert_eq!(rows.count(), 8_102);
    assert!(
        table.stdout.contains(" ! late-1: events after the end"),
        "{}",
        &table.stdout[..2000]
    );
    assert!(table.stdout.contains(" ! open-1: no terminal event"));
    assert_eq!(table.stdout.matches(" ! ").count(), 2);
    // By default, a tally by kind under the totals, with the first calls of each.
    let tallied = run(&["summary", path]).stdout;
    assert!(
        tallied.contains("  ! events after the end: 1  (late-1)"),
        "{}",
        &tallied[tallied.len() - 800..]
    );
    assert!(tallied.contains("  ! no terminal event: 1  (open-1)"));
    assert_eq!(tallied.matches(" ! ").count(), 2);

    let one = ndjson(&run(&["summary", "-o", "ndjson", "--call", "late-1", path]).stdout);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["call_id"], "late-1");
    assert_eq!(one[0]["anomalies"][0], "events after the end");

    let csv = run(&["summary", "-o", "csv", "--threads", "1", path]);
    assert_eq!(csv.stdout.lines().count(), 1 + 8_102);
    assert!(csv.stdout.starts_with("call_id,vendor,events,"));
    assert_eq!(
        run(&["summary", "-o", "csv", "--threads", "3", path]).stdout,
        csv.stdout
    );
}

#[test]
fn bandwidth_v2_calls_of_every_outcome_with_their_own_milestones() {
    let r = run(&[
        "summary",
        "-o",
        "ndjson",
        "fixtures/bandwidth/v2-each-outcome.ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    let outcomes: Vec<&str> = calls
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "answered",
            "answered",
            "busy",
            "no_answer",
            "rejected",
            "cancelled",
            "failed"
        ]
    );
    // Inbound, answered without an answer event: the call's startTime, answerTime, endTime.
    let inbound = &calls[0];
    assert_eq!(inbound["started_at"], "2026-11-21T10:00:00.000Z");
    assert_eq!(inbound["answered_at"], "2026-11-21T10:00:02.500Z");
    assert_eq!(inbound["ended_at"], "2026-11-21T10:01:30.000Z");
    assert_eq!(
        (
            inbound["ring_ms"].as_i64(),
            inbound["talk_ms"].as_i64(),
            inbound["total_ms"].as_i64()
        ),
        (Some(2500), Some(87_500), Some(90_000))
    );
    assert_eq!(inbound["dtmf"], "442");
    // Outbound, whose first event is its answer: the start is still the call's own.
    assert_eq!(calls[1]["ring_ms"], 6000);
    // The cause is the end reason; the SIP code that came with it stays in the details.
    assert_eq!(calls[2]["end_reason"], "busy");
    assert_eq!(calls[2]["answered_at"], serde_json::Value::Null);
}

#[test]
fn a_bandwidth_v2_transfer_leg_names_its_parent_call() {
    let r = run(&[
        "summary",
        "-o",
        "ndjson",
        "fixtures/bandwidth/v2-transfer.ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    assert_eq!(calls.len(), 2);
    let (a, b) = (&calls[0], &calls[1]);
    assert_eq!(a["parent_call_id"], serde_json::Value::Null);
    assert_eq!(b["parent_call_id"], a["call_id"]);
    assert_eq!(
        (a["outcome"].as_str(), b["outcome"].as_str()),
        (Some("answered"), Some("answered"))
    );
    assert_eq!(b["talk_ms"], 120_000);
    let timeline = run(&[
        "timeline",
        "--call",
        "c-2a0f0021",
        "fixtures/bandwidth/v2-transfer.ndjson",
    ]);
    assert!(timeline
        .stdout
        .contains("a leg of call c-2a0f0020-0000-4000-8000-000000000020"));
    let detect = run(&[
        "detect",
        "--explain",
        "fixtures/bandwidth/v2-transfer.ndjson",
    ]);
    assert!(
        detect.stdout.contains("Bandwidth Voice API v2 callback"),
        "{}",
        detect.stdout
    );
}

#[test]
fn bandwidth_v1_errors_end_calls_as_failed_and_messages_are_no_calls() {
    let files = [
        "fixtures/bandwidth/v1-errors-and-messaging.ndjson",
        "fixtures/bandwidth/c-error-item.json",
    ];
    let r = run(&["summary", "-o", "ndjson", files[0], files[1]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    let outcomes: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| {
            (
                c["call_id"].as_str().unwrap(),
                c["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("c-v1err000000000000000000001", "failed"),
            ("c-v1err000000000000000000002", "answered"),
            ("c-v1err000000000000000000003", "failed"),
            ("c-error-item", "failed"),
        ]
    );
    assert_eq!(calls[1]["dtmf"], "17#");
    assert!(r.stderr.contains("2 other JSON values"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1 event carries no call id and belongs to no call; the first at fixtures/bandwidth/v1-errors-and-messaging.ndjson:9"),
        "{}",
        r.stderr
    );
    // Every field these callbacks carry is documented: no finding at all.
    let v = run(&["validate", "-o", "ndjson", files[0], files[1]]);
    assert_eq!(v.code, 0);
    assert_eq!(v.stdout, "");
}

#[test]
fn a_voxengine_session_log_is_read_as_voximplant_events_each_once() {
    let f = "fixtures/voximplant/session-log.log";
    let r = run(&["summary", "-o", "ndjson", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert_eq!(c["call_id"], "5F1E2D3C4B5A6978.1776847090.1");
    // CallAlerting opens the call; each line's time is its event's.
    assert_eq!(c["started_at"], "2026-04-22T08:38:10.100Z");
    assert_eq!(c["answered_at"], "2026-04-22T08:38:10.400Z");
    assert_eq!(c["ended_at"], "2026-04-22T08:38:15.215Z");
    assert_eq!(c["outcome"], "answered");
    assert_eq!(
        c["participants"],
        serde_json::json!(["15550100001", "15550100901"])
    );
    // Connected, one tone and Disconnected are logged natively and again as JSON: once each.
    assert_eq!(
        (c["events"].as_u64(), c["duplicates"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(c["dtmf"], "44");
    assert!(
        r.stderr
            .contains("17 text lines and 3 other JSON values: not call events"),
        "{}",
        r.stderr
    );
    let v = run(&["validate", "-o", "json", f]);
    assert_eq!(v.code, 0);
    let doc = json(&v.stdout);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(doc["summary"]["records"], 8);
}

#[test]
fn workonflow_later_revisions_group_calls_by_thread_one_after_another() {
    let f = "fixtures/workonflow/late-2018-calls.ndjson";
    let r = run(&["summary", "-o", "ndjson", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = ndjson(&r.stdout);
    let ids: Vec<&str> = calls
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "5f00000000000000000000b1",
            "5f00000000000000000000b1",
            "5f00000000000000000000b2"
        ]
    );
    assert_eq!(
        (calls[0]["outcome"].as_str(), calls[1]["outcome"].as_str()),
        (Some("answered"), Some("no_answer"))
    );
    assert_eq!(
        (calls[0]["events"].as_u64(), calls[1]["events"].as_u64()),
        (Some(8), Some(4))
    );
    assert_eq!(calls[0]["dtmf"], "7");
    assert_eq!(
        calls[0]["participants"],
        serde_json::json!([
            "5f00000000000000000000d1",
            "5f00000000000000000000d2",
            "+15550100041"
        ])
    );
    assert_eq!(calls[0]["started_at"], "2026-11-21T10:00:00.000Z");
    assert!(
        r.stderr.contains("1 event carries no call id and belongs to no call; the first at fixtures/workonflow/late-2018-calls.ndjson:17"),
        "{}",
        r.stderr
    );
    let timeline = run(&["timeline", f]);
    assert_eq!(
        timeline
            .stdout
            .matches("▶ call 5f00000000000000000000b1")
            .count(),
        2
    );
    let v = run(&["validate", "-o", "ndjson", f]);
    assert_eq!((v.code, v.stdout.as_str()), (0, ""));
}

#[test]
fn an_event_name_that_exists_nowhere_is_a_usage_error_with_suggestions() {
    let r = run(&[
        "events",
        "--event",
        "Call.Conected",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is neither a kind (started, ringing"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean Call.Connected"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    // A kind and a vendor's own event name are both fine.
    for name in ["dtmf", "callHungUpEvent"] {
        assert_eq!(
            run(&["events", "--event", name, "fixtures/mixed/all-vendors.log"]).code,
            0
        );
    }
}

#[test]
fn summary_tables_fit_narrow_terminals_by_leaving_columns_out() {
    for (width, path) in [
        ("60", "fixtures/mixed/all-vendors.log"),
        ("80", "fixtures/mixed/all-vendors.log"),
        ("80", "fixtures/bandwidth/v2-each-outcome.ndjson"),
    ] {
        let r = run_with(callev().args(["summary", path]).env("COLUMNS", width));
        assert_eq!(r.code, 0);
        let limit: usize = width.parse().unwrap();
        let table: Vec<&str> = r.stdout.lines().take_while(|l| !l.is_empty()).collect();
        assert!(table[0].starts_with(" call "), "{}", r.stdout);
        for line in &table {
            assert!(line.chars().count() <= limit, "{width}: {line:?}");
        }
        // Every row keeps its call, outcome and end, and the note says what was left out.
        assert!(table[0].contains("outcome") && table[0].contains("end"));
        assert!(r.stderr.contains("the table leaves out"), "{}", r.stderr);
    }
    let wide = run_with(
        callev()
            .args(["summary", "fixtures/mixed/all-vendors.log"])
            .env("COLUMNS", "200"),
    );
    assert!(!wide.stderr.contains("leaves out"));
}

/// Every view of every fixture at 60, 80, 120 and 200 columns: no line wider than the terminal,
/// and no word that is not a word of the same view at 400 columns (a word cut at a line's end,
/// `USER_BUS` for `USER_BUSY`), but for what a narrow table shortens on purpose: an id or a
/// value marked `…`, a time without its date or milliseconds, a bar.
#[test]
fn every_view_fits_every_width_with_words_whole() {
    let mut fixtures: Vec<String> = walk("fixtures")
        .into_iter()
        .filter(|p| !p.ends_with("README.md"))
        .collect();
    fixtures.sort();
    let views: [&[&str]; 5] = [
        &["summary"],
        &["summary", "--anomalies"],
        &["timeline"],
        &["events"],
        &["validate"],
    ];
    let at = |args: &[&str], width: usize| {
        run_with(callev().args(args).env("COLUMNS", width.to_string())).stdout
    };
    let shortened = |word: &str| {
        word.contains('…')
            || word.chars().all(|c| "█▉▊▋▌▍▎▏".contains(c))
            || word
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '-')
    };
    let failures: Vec<String> = std::thread::scope(|scope| {
        let jobs: Vec<_> = fixtures
            .chunks(fixtures.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for fixture in chunk {
                        for view in views {
                            let args: Vec<&str> =
                                view.iter().copied().chain([fixture.as_str()]).collect();
                            let wide = at(&args, 400);
                            let words: std::collections::HashSet<&str> =
                                wide.split_whitespace().collect();
                            for width in [60, 80, 120, 200] {
                                let text = at(&args, width);
                                for line in text.lines() {
                                    if line.chars().count() > width {
                                        failures.push(format!("{args:?} at {width}: {line:?}"));
                                    }
                                }
                                for word in text.split_whitespace() {
                                    if !words.contains(word) && !shortened(word) {
                                        failures.push(format!("{args:?} at {width}: {word:?}"));
                                    }
                                }
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    assert!(fixtures.len() >= 40, "{}", fixtures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn events_tables_fit_narrow_terminals() {
    for width in [60usize, 80, 120] {
        let r = run_with(
            callev()
                .args(["events", "fixtures/mixed/all-vendors.log"])
                .env("COLUMNS", width.to_string()),
        );
        assert_eq!(r.code, 0);
        for line in r.stdout.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}");
        }
        // Each event is one row, plus at most two lines of wrapped details.
        assert!(
            r.stdout.lines().count() <= 1 + 16 * 3,
            "{width}: {}",
            r.stdout
        );
        assert!(r.stderr.contains("the table leaves out"), "{}", r.stderr);
    }
}

#[test]
fn ids_are_whole_when_piped_and_call_takes_what_a_table_shows() {
    let f = "fixtures/mixed/all-vendors.log";
    // Piped, no width to fit: ids whole.
    let piped = run(&["summary", f]);
    assert!(
        piped
            .stdout
            .contains(" 4d5e6f70-3333-4333-8333-000000000004 "),
        "{}",
        piped.stdout
    );
    // On a terminal's width they are shortened, unless --full-ids.
    let narrow = run_with(callev().args(["summary", f]).env("COLUMNS", "100"));
    let short = narrow
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert!(short.contains('…'), "{short}");
    let full = run_with(
        callev()
            .args(["summary", "--full-ids", f])
            .env("COLUMNS", "100"),
    );
    assert!(full.stdout.contains("4d5e6f70-3333-4333-8333-000000000004"));
    // Whatever a table shows, --call accepts it, in any case.
    for pattern in [short.as_str(), "4D5E6F70", "ab00"] {
        let one = ndjson(&run(&["summary", "-o", "ndjson", "--call", pattern, f]).stdout);
        assert_eq!(one.len(), 1, "{pattern}");
    }
}

#[test]
fn outcome_and_party_select_calls_in_summary_and_timeline() {
    let f = "fixtures/bandwidth/v2-each-outcome.ndjson";
    let outcomes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["summary", "-o", "ndjson"];
        all.extend_from_slice(args);
        all.push(f);
        ndjson(&run(&all).stdout)
            .iter()
            .map(|c| c["outcome"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        outcomes(&["--outcome", "busy", "--outcome", "cancelled"]),
        ["busy", "cancelled"]
    );
    // A number matches however it is written: by its digits.
    let by_party =
        ndjson(&run(&["summary", "-o", "ndjson", "--party", "+1 555 010 0002", f]).stdout);
    assert_eq!(by_party.len(), 1);
    assert_eq!(
        by_party[0]["call_id"],
        "c-2a0f0002-0000-4000-8000-000000000002"
    );
    let none = run(&["summary", "--outcome", "missed", f]);
    assert_eq!((none.code, none.stdout.trim()), (0, "no calls"));
    let timeline = run(&["timeline", "--outcome", "failed", f]);
    assert_eq!(timeline.stdout.matches("▶ call").count(), 1);
    assert!(
        timeline.stdout.contains("c-2a0f0007"),
        "{}",
        timeline.stdout
    );
}

#[test]
fn since_and_until_select_calls_by_their_span_and_count_what_has_no_time() {
    let f = "fixtures/mixed/all-vendors.log";
    let day = run(&[
        "summary",
        "-o",
        "ndjson",
        "--since",
        "2026-11-21",
        "--until",
        "2026-11-21",
        f,
    ]);
    assert_eq!(ndjson(&day.stdout).len(), 4);
    // A call is in range when its span meets it: the Workonflow call runs 09:00:00 to 09:02:05.
    let late = ndjson(
        &run(&[
            "summary",
            "-o",
            "ndjson",
            "--since",
            "2026-11-21T09:01:00Z",
            f,
        ])
        .stdout,
    );
    let ids: Vec<&str> = late.iter().map(|c| c["vendor"].as_str().unwrap()).collect();
    assert_eq!(ids, ["workonflow", "xelion"]);
    assert_eq!(
        run(&["summary", "--since", "3d", f]).stdout.trim(),
        "no calls"
    );
    // Untimed calls cannot be placed: left out, and said.
    let untimed = run(&[
        "summary",
        "--since",
        "2026-11-21",
        "fixtures/workonflow/full-call-no-times.ndjson",
    ]);
    assert!(
        untimed
            .stderr
            .contains("1 call has no time and cannot be placed"),
        "{}",
        untimed.stderr
    );
    let events = run(&[
        "events",
        "--until",
        "2026-11-21T09:00:01Z",
        "fixtures/workonflow/full-call-no-times.ndjson",
    ]);
    assert!(
        events
            .stderr
            .contains("events have no time and cannot be placed"),
        "{}",
        events.stderr
    );
    let bad = run(&["summary", "--since", "last tuesday", f]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("a time ago (15m, 2h, 3d)"));
}

#[test]
fn timeline_csv_is_a_row_per_event_in_call_order() {
    let r = run(&["timeline", "-o", "csv", "fixtures/mixed/all-vendors.log"]);
    assert_eq!(r.code, 0);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers.first().map(String::as_str), Some("source"));
    assert_eq!(headers.last().map(String::as_str), Some("offset_ms"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let events = ndjson(&run(&["events", "-o", "ndjson", "fixtures/mixed/all-vendors.log"]).stdout);
    assert_eq!(rows.len(), events.len());
    // The calls one after another: a call's rows are together.
    let call = headers.iter().position(|h| h == "call_id").unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| &r[call]).collect();
    let mut seen: Vec<&str> = ids.clone();
    seen.dedup();
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(seen.len(), distinct.len(), "{ids:?}");
}

#[test]
fn a_narrow_table_keeps_dates_when_its_rows_span_days() {
    let two_days = concat!(
        r#"{"eventType":"incomingcall","callId":"c-day1","callUri":"https://api.catapult.inetwork.com/v1/users/u/calls/c-day1","time":"2026-11-21T23:59:00Z"}"#,
        "\n",
        r#"{"eventType":"incomingcall","callId":"c-day2","callUri":"https://api.catapult.inetwork.com/v1/users/u/calls/c-day2","time":"2026-11-22T00:01:00Z"}"#,
        "\n"
    );
    let r = run_with(
        callev()
            .arg("summary")
            .env("COLUMNS", "100")
            .write_stdin(two_days),
    );
    assert!(
        r.stdout.contains("11-21 23:59:00.000 +00:00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("11-22 00:01:00.000 +00:00"));
    // One day: the time of day is enough (the totals give the date).
    let one = run_with(
        callev()
            .args(["summary", "fixtures/mixed/all-vendors.log"])
            .env("COLUMNS", "100"),
    );
    assert!(one.stdout.contains(" 09:00:00 +00:00 "), "{}", one.stdout);
}

/// Calls at 10:05, 10:40 and 13:20 (a 486 busy one), for the groups: hours 11 and 12 have
/// none.
const THREE_CALLS: &str = concat!(
    r#"{"eventType":"initiate","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g1","from":"+15550100001","to":"+15550100100","eventTime":"2026-11-21T10:05:00.000Z","startTime":"2026-11-21T10:05:00.000Z"}"#,
    "\n",
    r#"{"eventType":"answer","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g1","from":"+15550100001","to":"+15550100100","eventTime":"2026-11-21T10:05:04.000Z","startTime":"2026-11-21T10:05:00.000Z","answerTime":"2026-11-21T10:05:04.000Z"}"#,
    "\n",
    r#"{"eventType":"disconnect","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g1","from":"+15550100001","to":"+15550100100","eventTime":"2026-11-21T10:06:04.000Z","startTime":"2026-11-21T10:05:00.000Z","answerTime":"2026-11-21T10:05:04.000Z","endTime":"2026-11-21T10:06:04.000Z","cause":"hangup"}"#,
    "\n",
    r#"{"eventType":"initiate","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g2","from":"+15550100002","to":"+15550100100","eventTime":"2026-11-21T10:40:00.000Z","startTime":"2026-11-21T10:40:00.000Z"}"#,
    "\n",
    r#"{"eventType":"answer","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g2","from":"+15550100002","to":"+15550100100","eventTime":"2026-11-21T10:40:02.000Z","startTime":"2026-11-21T10:40:00.000Z","answerTime":"2026-11-21T10:40:02.000Z"}"#,
    "\n",
    r#"{"eventType":"disconnect","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g2","from":"+15550100002","to":"+15550100100","eventTime":"2026-11-21T10:43:02.000Z","startTime":"2026-11-21T10:40:00.000Z","answerTime":"2026-11-21T10:40:02.000Z","endTime":"2026-11-21T10:43:02.000Z","cause":"hangup"}"#,
    "\n",
    r#"{"eventType":"initiate","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g3","from":"+15550100001","to":"+15550100200","eventTime":"2026-11-21T13:20:00.000Z","startTime":"2026-11-21T13:20:00.000Z"}"#,
    "\n",
    r#"{"eventType":"disconnect","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","direction":"inbound","callId":"c-g3","from":"+15550100001","to":"+15550100200","eventTime":"2026-11-21T13:20:20.000Z","startTime":"2026-11-21T13:20:00.000Z","endTime":"2026-11-21T13:20:20.000Z","cause":"busy","sipResponseCode":486}"#,
    "\n",
);

#[test]
fn summary_by_hour_counts_calls_per_hour_with_the_empty_hours_in_between() {
    let r = crate::util::run_stdin(&["summary", "--by", "hour", "-o", "ndjson"], THREE_CALLS);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let groups = ndjson(&r.stdout);
    let hours: Vec<(&str, u64)> = groups
        .iter()
        .map(|g| (g["hour"].as_str().unwrap(), g["calls"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        hours,
        [
            ("2026-11-21T10:00:00.000Z", 2),
            ("2026-11-21T11:00:00.000Z", 0),
            ("2026-11-21T12:00:00.000Z", 0),
            ("2026-11-21T13:00:00.000Z", 1),
        ]
    );
    let ten = &groups[0];
    assert_eq!(ten["answered"], 2);
    assert_eq!(ten["answered_share"], 1.0);
    // Talk 60 s and 180 s: the median of two is their mean, p95 the longer.
    assert_eq!(ten["talk_p50_ms"], 120_000);
    assert_eq!(ten["talk_p95_ms"], 180_000);
    assert_eq!(groups[3]["busy"], 1);
    assert_eq!(groups[3]["talk_p50_ms"], Value::Null);
    assert_eq!(groups[1]["answered_share"], Value::Null);
    // In another zone the hours are that zone's, written in UTC.
    let r = crate::util::run_stdin(
        &["summary", "--by", "hour", "--tz", "+05:30", "-o", "ndjson"],
        THREE_CALLS,
    );
    let first = &ndjson(&r.stdout)[0];
    assert_eq!(first["hour"], "2026-11-21T09:30:00.000Z");
    // The table draws a bar for each hour, none for the empty ones.
    let table = run_with(
        callev()
            .args(["summary", "--by", "hour"])
            .env("COLUMNS", "80")
            .write_stdin(THREE_CALLS),
    );
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with(" hour"), "{}", table.stdout);
    assert!(
        lines[1].starts_with(" 10:00 +00:00") && lines[1].ends_with('█'),
        "{}",
        table.stdout
    );
    assert!(
        !lines[2].contains('█') && !lines[3].contains('█'),
        "{}",
        table.stdout
    );
    assert!(lines[4].contains('█'), "{}", table.stdout);
    // Bars in eighths of a cell: twice the calls, twice as long (to the eighth).
    let bar = |l: &str| -> usize {
        l.chars()
            .map(|c| match c {
                '█' => 8,
                // U+2589 (seven eighths) down to U+258F (one eighth).
                '\u{2589}'..='\u{258F}' => 0x258F - c as usize + 1,
                _ => 0,
            })
            .sum()
    };
    assert!(
        bar(lines[1]).abs_diff(2 * bar(lines[4])) <= 1,
        "{}",
        table.stdout
    );
}

#[test]
fn summary_by_groups_agree_with_the_calls_in_every_format() {
    let files = [
        "fixtures/mixed/all-vendors.log",
        "fixtures/voximplant/failures-by-code.ndjson",
        "fixtures/bandwidth/v2-each-outcome.ndjson",
    ];
    let calls = summary(&files);
    let run_by = |by: &[&str], format: &str| {
        let mut args = vec!["summary", "-o", format];
        for k in by {
            args.extend(["--by", k]);
        }
        args.extend(files);
        run(&args)
    };
    let groups = ndjson(&run_by(&["vendor"], "ndjson").stdout);
    assert_eq!(groups.len(), 4);
    for g in &groups {
        let mine: Vec<&Value> = calls
            .iter()
            .filter(|c| c["vendor"] == g["vendor"])
            .collect();
        assert_eq!(g["calls"].as_u64().unwrap(), mine.len() as u64, "{g}");
        let outcomes: u64 = [
            "answered",
            "missed",
            "busy",
            "no_answer",
            "rejected",
            "cancelled",
            "failed",
            "in_progress",
            "unknown",
        ]
        .iter()
        .map(|o| g[*o].as_u64().unwrap())
        .sum();
        assert_eq!(outcomes, mine.len() as u64, "{g}");
        let answered = mine.iter().filter(|c| c["outcome"] == "answered").count();
        assert_eq!(g["answered"].as_u64().unwrap(), answered as u64);
    }
    // Most calls first.
    let counts: Vec<u64> = groups
        .iter()
        .map(|g| g["calls"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // Two levels: each vendor's outcomes add up to the vendor's calls.
    let two = ndjson(&run_by(&["vendor", "outcome"], "ndjson").stdout);
    for g in &groups {
        let sum: u64 = two
            .iter()
            .filter(|t| t["vendor"] == g["vendor"])
            .map(|t| t["calls"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, g["calls"].as_u64().unwrap());
    }
    assert!(two
        .iter()
        .all(|t| t[t["outcome"].as_str().unwrap()] == t["calls"]));
    // CSV: the keys, then the numbers, a row per group.
    let csv = run_by(&["vendor", "outcome"], "csv").stdout;
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("vendor,outcome,calls,answered_share,answered,"));
    assert_eq!(lines.count(), two.len());
    // JSON: the groups and the totals the table prints.
    let doc = json(&run_by(&["vendor"], "json").stdout);
    assert_eq!(doc["groups"].as_array().unwrap().len(), 4);
    assert_eq!(doc["totals"]["calls"].as_u64().unwrap(), calls.len() as u64);
    // A call counts once for each of its parties.
    let parties = ndjson(&run_by(&["party"], "ndjson").stdout);
    let taking_part: u64 = calls
        .iter()
        .map(|c| c["participants"].as_array().unwrap().len().max(1) as u64)
        .sum();
    let counted: u64 = parties.iter().map(|g| g["calls"].as_u64().unwrap()).sum();
    assert_eq!(counted, taking_part);
}

#[test]
fn summary_json_carries_the_totals_the_table_prints() {
    let f = "fixtures/mixed/all-vendors.log";
    let doc = json(&run(&["summary", "-o", "json", f]).stdout);
    let calls = doc["calls"].as_array().unwrap();
    let t = &doc["totals"];
    assert_eq!(t["calls"].as_u64().unwrap(), calls.len() as u64);
    let answered = calls.iter().filter(|c| c["outcome"] == "answered").count() as u64;
    assert_eq!(t["answered"].as_u64().unwrap(), answered);
    assert_eq!(t["outcomes"]["answered"].as_u64().unwrap(), answered);
    let talks: Vec<i64> = calls.iter().filter_map(|c| c["talk_ms"].as_i64()).collect();
    assert_eq!(t["talk_ms"]["known"].as_u64().unwrap(), talks.len() as u64);
    assert_eq!(
        t["talk_ms"]["mean"].as_i64().unwrap(),
        talks.iter().sum::<i64>() / talks.len() as i64
    );
    let table = run_with(callev().args(["summary", f]).env("COLUMNS", "200")).stdout;
    assert!(
        table.contains(&format!("{} calls, {answered} answered", calls.len())),
        "{table}"
    );
    // No calls: an empty list and zero totals.
    let empty = json(&crate::util::run_stdin(&["summary", "-o", "json"], "").stdout);
    assert_eq!(empty["calls"], serde_json::json!([]));
    assert_eq!(empty["totals"]["calls"], 0);
}

#[test]
fn summary_sort_orders_calls_with_unknown_values_last() {
    let files = [
        "fixtures/mixed/all-vendors.log",
        "fixtures/voximplant/failures-by-code.ndjson",
        "fixtures/bandwidth/v2-each-outcome.ndjson",
    ];
    let unsorted = summary(&files);
    for (field, key) in [
        ("total", "total_ms"),
        ("talk", "talk_ms"),
        ("ring", "ring_ms"),
        ("events", "events"),
    ] {
        for descending in [false, true] {
            let sort = if descending {
                format!("-{field}")
            } else {
                field.to_owned()
            };
            let mut args = vec!["summary", "-o", "ndjson", "--sort", &sort];
            args.extend(files);
            let sorted = ndjson(&run(&args).stdout);
            assert_eq!(sorted.len(), unsorted.len());
            let values: Vec<Option<i64>> = sorted.iter().map(|c| c[key].as_i64()).collect();
            let known = values.iter().take_while(|v| v.is_some()).count();
            assert!(
                values[known..].iter().all(Option::is_none),
                "{sort}: {values:?}"
            );
            let known: Vec<i64> = values.iter().flatten().copied().collect();
            assert!(
                known.windows(2).all(|w| if descending {
                    w[0] >= w[1]
                } else {
                    w[0] <= w[1]
                }),
                "{sort}: {known:?}"
            );
            let mut ids: Vec<&str> = sorted
                .iter()
                .map(|c| c["call_id"].as_str().unwrap())
                .collect();
            let mut all: Vec<&str> = unsorted
                .iter()
                .map(|c| c["call_id"].as_str().unwrap())
                .collect();
            ids.sort_unstable();
            all.sort_unstable();
            assert_eq!(ids, all);
        }
    }
    let started = ndjson(
        &crate::util::run_stdin(
            &["summary", "-o", "ndjson", "--sort", "-started"],
            THREE_CALLS,
        )
        .stdout,
    );
    let ids: Vec<&str> = started
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c-g3", "c-g2", "c-g1"]);
}

#[test]
fn by_and_sort_are_refused_where_they_cannot_work() {
    let f = "fixtures/mixed/all-vendors.log";
    for (args, says) in [
        (
            vec![
                "summary", "--by", "hour", "--by", "day", "--by", "vendor", f,
            ],
            "two levels",
        ),
        (
            vec!["summary", "--by", "hour", "--by", "hour", f],
            "must differ",
        ),
        (
            vec!["summary", "--by", "hour", "--sort", "total", f],
            "give one of them",
        ),
        (vec!["summary", "-f", "--sort", "total", f], "--follow"),
        (vec!["summary", "--sort", "duration", f], "total"),
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
}

/// A record, or a timeline's call, without what says where and when it was read.
fn without_origin(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("received_at");
            m.remove("record_id");
            m.values_mut().for_each(without_origin);
        }
        Value::Array(a) => a.iter_mut().for_each(without_origin),
        _ => {}
    }
}

/// Calls that end at different distances from their start: each tenth call ends after some
/// thousand others have come and gone, so when a call is finished depends on where the views
/// take stock of the input.
fn calls_of_many_lengths(calls: usize) -> String {
    let call = std::fs::read_to_string("fixtures/workonflow/full-call-no-times.ndjson").unwrap();
    let lines: Vec<&str> = call.lines().filter(|l| !l.trim().is_empty()).collect();
    let (body, end) = lines.split_at(lines.len() - 1);
    let of = |l: &str, i: usize| {
        l.replace(
            "0f9e8d7c-6b5a-4433-8221-100f0e0d0c0b",
            &format!("len-{i:06}"),
        ) + "\n"
    };
    let mut out = String::new();
    let mut ends: Vec<(usize, usize)> = Vec::new();
    for i in 0..calls {
        for l in body {
            out.push_str(&of(l, i));
        }
        let late = if i % 10 == 0 { 1_000 + i % 700 } else { 0 };
        ends.push((i + late, i));
        ends.sort_unstable();
        while ends.first().is_some_and(|(at, _)| *at <= i) {
            let (_, call) = ends.remove(0);
            out.push_str(&of(end[0], call));
        }
    }
    for (_, call) in ends {
        out.push_str(&of(end[0], call));
    }
    out
}

#[test]
fn the_same_content_gives_the_same_output_from_a_file_gzip_or_a_pipe_on_any_thread_count() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let text = calls_of_many_lengths(11_000);
    assert!(text.len() > 10 << 20, "{} bytes", text.len());
    let plain = dir.path().join("calls.ndjson");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("calls.ndjson.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let (plain, gz) = (plain.to_str().unwrap(), gz.to_str().unwrap());
    for view in ["summary", "timeline"] {
        let from_file = run(&[view, "-o", "ndjson", "--threads", "2", plain]);
        assert_eq!(from_file.code, 0, "{}", from_file.stderr);
        let ids: Vec<String> = ndjson(&from_file.stdout)
            .iter()
            .map(|r| r["call_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 11_000);
        // Calls are finished as they end, not all at the end: the long ones come later than
        // calls that began after them, so where sweeps fall shows in the order.
        let mut sorted = ids.clone();
        sorted.sort();
        assert_ne!(ids, sorted, "{view}: every call was held to the end");
        // What says where and when a record was read differs by run and by source.
        let content = |text: &str, name: &str| -> Vec<Value> {
            let mut rows = ndjson(&text.replace(
                &format!("\"source\":\"{name}\""),
                &format!("\"source\":\"{plain}\""),
            ));
            rows.iter_mut().for_each(without_origin);
            rows
        };
        let expected = content(&from_file.stdout, plain);
        let same = |r: crate::util::Run, what: &str, name: &str| {
            assert_eq!(r.code, 0, "{view} {what}: {}", r.stderr);
            assert!(
                content(&r.stdout, name) == expected,
                "{view}: {what} differs from the file"
            );
        };
        same(
            run(&[view, "-o", "ndjson", "--threads", "2", gz]),
            "gzip",
            gz,
        );
        let piped = run_with(
            callev()
                .args([view, "-o", "ndjson", "--threads", "2"])
                .write_stdin(text.clone()),
        );
        same(piped, "stdin", "-");
        for threads in ["1", "3"] {
            let r = run(&[view, "-o", "ndjson", "--threads", threads, plain]);
            same(r, threads, plain);
        }
    }
}

/// The generated corpus against the generator's own account of each call it made
/// (`tests/data/make_corpus.py`): every call found, none made up, its events counted once with
/// repeated deliveries apart, its start where the generator put it, and its outcome what the
/// payloads can tell (the generator's busy or failed Workonflow and Xelion calls carry no cause:
/// callev can only see that nobody answered).
#[test]
fn summary_agrees_with_the_generators_account_of_each_call() {
    let account = ndjson(&zstd_text("tests/data/corpus-3000.truth.zst"));
    let out = run(&["summary", "-o", "ndjson", "tests/data/corpus-3000.log.zst"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = ndjson(&out.stdout);
    assert_eq!(rows.len(), account.len(), "calls found against calls made");
    assert!(account.len() > 3000, "{}", account.len());
    let by_id: std::collections::HashMap<&str, &Value> = rows
        .iter()
        .map(|r| (r["call_id"].as_str().unwrap(), r))
        .collect();
    let time = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("{v}")))
            .unwrap()
            .timestamp_millis()
    };
    let answered = [
        "answered",
        "transfer",
        "consultation",
        "transferred",
        "transfer-target",
    ];
    for meant in &account {
        let id = meant["callId"].as_str().unwrap();
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("call {id} not found"));
        assert_eq!(row["vendor"], meant["vendor"], "{id}");
        let delivered = row["events"].as_u64().unwrap() + row["duplicates"].as_u64().unwrap();
        assert_eq!(Some(delivered), meant["events"].as_u64(), "{id}: events");
        let late = time(&row["first_time"]) - time(&meant["start"]);
        assert!(
            (0..=20).contains(&late),
            "{id}: first event {late} ms after its start"
        );
        let (outcome, intent) = (
            row["outcome"].as_str().unwrap(),
            meant["outcome"].as_str().unwrap(),
        );
        assert_eq!(
            outcome == "answered",
            answered.contains(&intent),
            "{id}: {outcome}, meant {intent}"
        );
        if intent == "busy" && matches!(meant["vendor"].as_str(), Some("bandwidth" | "voximplant"))
        {
            assert_eq!(outcome, "busy", "{id}");
        }
        assert!(
            !matches!(outcome, "in_progress" | "unknown"),
            "{id}: {outcome}"
        );
    }
}

#[test]
fn a_time_filter_that_matches_nothing_says_what_the_input_held() {
    for (command, what) in [
        ("summary", "call"),
        ("timeline", "call"),
        ("events", "event"),
    ] {
        let r = crate::util::run(&[
            command,
            "--since",
            "2030-01-01",
            "fixtures/mixed/all-vendors.log",
        ]);
        assert_eq!(r.code, 0, "{command}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "--since 2030-01-01 00:00:00.000 +00:00 matched no {what}; the input's events run from 2026-11-21 09:00:00.000 +00:00 to 2026-11-21 09:02:05.000 +00:00"
            )),
            "{command}: {}",
            r.stderr
        );
    }
    // A filter that matches says nothing of the kind.
    let r = crate::util::run(&[
        "summary",
        "--since",
        "2026-11-21",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert!(!r.stderr.contains("matched no"), "{}", r.stderr);
}
