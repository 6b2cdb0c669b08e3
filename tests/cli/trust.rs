//! Every number right: outcomes stated only as firmly as the events allow, what the vendors
//! report used as they mean it, no warning on what the vendors document or send, and every view
//! saying the same of a call.

use serde_json::Value;

use crate::util::{json, ndjson, run};

fn calls(files: &[&str]) -> Vec<Value> {
    let mut args = vec!["summary", "-o", "ndjson"];
    args.extend(files);
    ndjson(&run(&args).stdout)
}

fn call<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["call_id"] == id)
        .unwrap_or_else(|| panic!("no call {id}"))
}

fn anomalies(call: &Value) -> Vec<&str> {
    call["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_lone_terminal_event_is_no_evidence_of_no_answer() {
    let rows = calls(&["fixtures/bandwidth/lone-hangup.ndjson"]);
    let lone = call(&rows, "c-lone0000000000000000000001");
    assert_eq!(lone["outcome"], "unknown");
    assert_eq!(
        anomalies(lone),
        ["only its end was seen: nothing says whether it was answered"]
    );
    // Nothing before the end: no total, and an empty cause is no end reason.
    assert_eq!(lone["total_ms"], Value::Null);
    assert_eq!(lone["end_reason"], "hangup");
    // Its beginning seen and no answer: it ended unanswered.
    let rang = call(&rows, "c-lone0000000000000000000002");
    assert_eq!(rang["outcome"], "no_answer");
    assert!(anomalies(rang).is_empty());
    // DTMF means it was connected to something: never no_answer.
    let keyed = call(&rows, "c-lone0000000000000000000003");
    assert_eq!(keyed["outcome"], "unknown");
    assert!(anomalies(keyed)[0].starts_with("hold, unhold or DTMF seen but no answer"));
}

#[test]
fn a_member_who_answered_makes_the_call_answered() {
    let rows = calls(&["fixtures/workonflow/member-answered.ndjson"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["outcome"], "answered");
    let findings = run(&[
        "validate",
        "--strict",
        "fixtures/workonflow/member-answered.ndjson",
    ]);
    assert_eq!(findings.code, 0, "{}", findings.stdout);
}

#[test]
fn voximplant_reports_talk_and_the_standard_cause() {
    let rows = calls(&["fixtures/voximplant/q850-reason.ndjson"]);
    // Connected was lost, but Disconnected reports 5 s of talk.
    let talked = call(&rows, "9C0000000000000000000000000000A1");
    assert_eq!(
        (
            talked["outcome"].as_str(),
            talked["reported_talk_ms"].as_i64(),
            talked["talk_ms"].as_i64(),
            talked["end_reason"].as_str()
        ),
        (
            Some("answered"),
            Some(5000),
            Some(5000),
            Some("NORMAL_CLEARING")
        )
    );
    let busy = call(&rows, "9C0000000000000000000000000000A2");
    assert_eq!(
        (busy["outcome"].as_str(), busy["end_reason"].as_str()),
        (Some("busy"), Some("USER_BUSY"))
    );
    // Grouped by end reason with Bandwidth's calls, like with like.
    let groups = ndjson(
        &run(&[
            "summary",
            "--by",
            "end_reason",
            "-o",
            "ndjson",
            "fixtures/voximplant/q850-reason.ndjson",
            "fixtures/bandwidth/lone-hangup.ndjson",
        ])
        .stdout,
    );
    let normal = groups
        .iter()
        .find(|g| g["end_reason"] == "NORMAL_CLEARING")
        .unwrap();
    assert_eq!(normal["calls"], 3);
}

#[test]
fn a_call_spanning_more_than_a_day_is_left_out_of_durations_and_the_range() {
    let r = run(&["summary", "-o", "json", "fixtures/edge/absurd-span.log"]);
    let doc = json(&r.stdout);
    let rows = doc["calls"].as_array().unwrap();
    let damaged = call(rows, "c-span000000000000000000001");
    assert!(anomalies(damaged)[0].starts_with("its times span 17520h"));
    let totals = &doc["totals"];
    assert_eq!(totals["spanning_more_than_a_day"], 1);
    // The damaged date does not move the report's start back two years.
    assert_eq!(totals["first_time"], "2026-11-21T10:02:00.000Z");
    assert_eq!(totals["total_ms"]["known"], 1);
    let table = run(&["summary", "fixtures/edge/absurd-span.log"]);
    assert!(table
        .stdout
        .contains("1 call spans more than a day: left out of the durations and the time range"));
}

#[test]
fn a_damaged_record_that_names_a_call_is_not_forgotten() {
    let r = run(&[
        "summary",
        "-o",
        "ndjson",
        "fixtures/edge/damaged-names-a-call.ndjson",
    ]);
    // The damaged records are still damage: counted, and the exit says so.
    assert_eq!(r.code, 1);
    let rows = ndjson(&r.stdout);
    // An answer lost to damage: not unanswered, but unknown, and the anomaly says where.
    let bandwidth = call(&rows, "c-dmg00000000000000000000001");
    assert_eq!(bandwidth["outcome"], "unknown");
    assert_eq!(bandwidth["events"], 2);
    assert_eq!(
        anomalies(bandwidth),
        ["a damaged record names this call (fixtures/edge/damaged-names-a-call.ndjson:2)"]
    );
    // Connected lost, but the vendor reports 5 s of talk: answered.
    let voximplant = call(&rows, "9D0000000000000000000000000000B1");
    assert_eq!(voximplant["outcome"], "answered");
    assert_eq!(voximplant["talk_ms"], 5000);
    // The events records say where, as a note that is no event.
    let events = ndjson(
        &run(&[
            "events",
            "-o",
            "ndjson",
            "fixtures/edge/damaged-names-a-call.ndjson",
        ])
        .stdout,
    );
    let notes: Vec<&Value> = events.iter().filter(|e| !e["damaged"].is_null()).collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["event"], "answer");
    assert_eq!(notes[0]["kind"], "other");
}

#[test]
fn a_thread_named_with_its_call_belongs_to_that_call() {
    let file = "fixtures/workonflow/thread-bound-to-call.ndjson";
    let rows = calls(&[file]);
    // `call.created` names the call and its thread: the member events that name only the
    // thread are that call's, not a second call's; the thread's next call is its own.
    let ids: Vec<&str> = rows.iter().filter_map(|c| c["call_id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "7a7a7a7a-0000-4000-8000-000000000001",
            "5f00000000000000000000b9"
        ]
    );
    assert_eq!(rows[0]["events"], 4);
    assert_eq!(rows[0]["outcome"], "answered");
    // The events records carry the call's id, so every engine groups them as callev does.
    let events = ndjson(&run(&["events", "-o", "ndjson", file]).stdout);
    let named: Vec<&str> = events
        .iter()
        .filter_map(|e| e["call_id"].as_str())
        .collect();
    assert_eq!(named[..4], ["7a7a7a7a-0000-4000-8000-000000000001"; 4]);
    let timeline = ndjson(&run(&["timeline", "-o", "ndjson", file]).stdout);
    assert_eq!(timeline[0]["events"].as_array().unwrap().len(), 4);
}

#[test]
fn no_warning_on_what_the_vendors_document_or_send() {
    for file in [
        "fixtures/bandwidth/v2-streams-and-transcription.ndjson",
        "fixtures/workonflow/member-answered.ndjson",
        "fixtures/workonflow/late-2018-calls.ndjson",
    ] {
        let r = run(&["validate", "--strict", "-o", "ndjson", file]);
        assert_eq!(r.code, 0, "{file}: {}", r.stdout);
        assert!(r.stdout.is_empty(), "{file}: {}", r.stdout);
    }
}

#[test]
fn an_ambiguous_call_prints_nothing_and_names_what_it_matched() {
    for cmd in ["summary", "events", "timeline"] {
        let r = run(&[
            cmd,
            "--call",
            "c-lone",
            "fixtures/bandwidth/lone-hangup.ndjson",
        ]);
        assert_eq!(r.code, 2, "{cmd}");
        assert!(r.stdout.is_empty(), "{cmd}: {}", r.stdout);
        assert!(
            r.stderr.contains("--call \"c-lone\" is ambiguous: it matches c-lone0000000000000000000001, c-lone0000000000000000000002, c-lone0000000000000000000003"),
            "{cmd}: {}",
            r.stderr
        );
    }
    // The shortened form a table shows, typed with three dots.
    let r = run(&[
        "summary",
        "-o",
        "ndjson",
        "--call",
        "c-lone000...0002",
        "fixtures/bandwidth/lone-hangup.ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(ndjson(&r.stdout).len(), 1);
}

/// A value that is no call's time or duration is a finding and is left out of the numbers: a
/// Bandwidth `time` documented as epoch milliseconds is read as milliseconds (`1000` is 1970,
/// not a time of 1970 plus 1000 seconds read as a date), a time before 2000 is used for nothing;
/// a negative duration or one longer than a day (`1.2e29` ms) is reported and not averaged.
#[test]
fn values_no_call_can_have_are_findings_and_stay_out_of_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let bandwidth = dir.path().join("bandwidth.ndjson");
    std::fs::write(
        &bandwidth,
        concat!(
            r#"{"eventType":"answer","callId":"c-ms","time":1763719200000}"#,
            "\n",
            r#"{"eventType":"hangup","callId":"c-ms","time":1763719260000,"cause":"hangup"}"#,
            "\n",
            r#"{"eventType":"hangup","callId":"c-secs","time":1763719260,"cause":"hangup"}"#,
            "\n",
        ),
    )
    .unwrap();
    let workonflow = dir.path().join("workonflow.ndjson");
    std::fs::write(
        &workonflow,
        concat!(
            r#"{"eventType":"call.ended","threadId":"5f1e2d3c4b5a697887766554","callId":"0f9e8d7c-6b5a-4433-8221-000000000001","dialogDuration":-5,"callDuration":70512}"#,
            "\n",
            r#"{"eventType":"call.ended","threadId":"5f1e2d3c4b5a697887766555","callId":"0f9e8d7c-6b5a-4433-8221-000000000002","dialogDuration":65300,"callDuration":123456789012345678901234567890}"#,
            "\n",
        ),
    )
    .unwrap();
    let (b, w) = (bandwidth.to_str().unwrap(), workonflow.to_str().unwrap());
    let rows = calls(&[b, w]);
    // Milliseconds: the answered call lasted a minute, on 2025-11-21.
    let ms = call(&rows, "c-ms");
    assert_eq!(ms["talk_ms"], 60_000, "{ms}");
    assert!(
        ms["answered_at"]
            .as_str()
            .unwrap()
            .starts_with("2025-11-21"),
        "{ms}"
    );
    // Seconds where milliseconds belong: 1970, so no time at all.
    assert_eq!(call(&rows, "c-secs")["ended_at"], Value::Null);
    // Neither the negative talk nor the decades-long total is used.
    let negative = call(&rows, "0f9e8d7c-6b5a-4433-8221-000000000001");
    assert_eq!(negative["talk_ms"], Value::Null, "{negative}");
    assert_eq!(negative["total_ms"], 70_512, "{negative}");
    let huge = call(&rows, "0f9e8d7c-6b5a-4433-8221-000000000002");
    assert_eq!(huge["talk_ms"], 65_300, "{huge}");
    assert_eq!(huge["total_ms"], Value::Null, "{huge}");
    // Each is a finding that says what it is and that it was left out.
    let v = run(&["validate", b, w]);
    let lines: Vec<&str> = v.stdout.lines().collect();
    let found = |at: &str, says: &str| lines.iter().any(|l| l.contains(at) && l.contains(says));
    assert!(found("bandwidth.ndjson:3", "1970-01-21"), "{}", v.stdout);
    assert!(!v.stdout.contains("bandwidth.ndjson:1:"), "{}", v.stdout);
    assert!(found("workonflow.ndjson:1", "left out"), "{}", v.stdout);
    assert!(
        found("workonflow.ndjson:2", "longer than a day"),
        "{}",
        v.stdout
    );
}

/// One host's share of a log: every `hosts`-th line from `host` on, each followed by a line of
/// the host's own chatter, so that each host's file is larger than the window calls are kept
/// open in (a few MB of input).
fn host_log(log: &str, host: usize, hosts: usize) -> String {
    let chatter = format!("host{host} INFO {}\n", "worker heartbeat ok ".repeat(60));
    log.lines()
        .skip(host)
        .step_by(hosts)
        .flat_map(|l| [format!("{l}\n"), chatter.clone()])
        .collect()
}

/// The summary rows by call id, without what names where a call was read.
fn by_call(rows: Vec<Value>) -> std::collections::BTreeMap<String, Value> {
    rows.into_iter()
        .map(|mut r| {
            let o = r.as_object_mut().unwrap();
            o.remove("source");
            o.remove("line");
            o.remove("first_seen");
            (r["call_id"].as_str().unwrap().to_owned(), r)
        })
        .collect()
}

/// A fleet's logs: each call's events spread over three hosts' files, each file larger than a
/// call's window. Read together, in any order, they give each call once, with what the whole
/// log in time order gives: its events, durations, outcome, and digits and holds in the order
/// they happened (read one file after another, calls were split where a host's file ended and
/// digits came in file order); and `timeline` gives each call's events as the whole log does.
#[test]
fn calls_spread_over_hosts_logs_are_whole_whatever_order_the_files_come_in() {
    let log = crate::util::zstd_text("tests/data/corpus-3000.log.zst");
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.log");
    std::fs::write(&whole, &log).unwrap();
    let hosts: Vec<String> = (0..3)
        .map(|h| {
            let path = dir.path().join(format!("host{h}.log"));
            let text = host_log(&log, h, 3);
            assert!(text.len() > 5 << 20, "host{h}: {} bytes", text.len());
            std::fs::write(&path, text).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect();
    let expected = by_call(calls(&[whole.to_str().unwrap()]));
    assert!(expected.len() >= 3000, "{}", expected.len());
    // timeline: each call's events, all but where each was read, as the whole log's.
    // (Calls are written as they are finished, which the input's size paces: compared by id.)
    let timeline = |files: &[&str]| {
        let mut args = vec!["timeline", "-o", "ndjson"];
        args.extend(files);
        let mut calls: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for mut call in ndjson(&run(&args).stdout) {
            for e in call["events"].as_array_mut().unwrap() {
                let e = e.as_object_mut().unwrap();
                for key in [
                    "source",
                    "line",
                    "offset",
                    "received_at",
                    "record_id",
                    "host",
                ] {
                    e.remove(key);
                }
            }
            let id = call["call_id"].as_str().unwrap().to_owned();
            calls.entry(id).or_default().push(call);
        }
        calls
    };
    let whole_timeline = timeline(&[whole.to_str().unwrap()]);
    let host_files: Vec<&str> = hosts.iter().map(String::as_str).collect();
    assert!(whole_timeline == timeline(&host_files), "timeline differs");
    for order in [[0, 1, 2], [2, 0, 1]] {
        let files: Vec<&str> = order.iter().map(|&h| hosts[h].as_str()).collect();
        let got = by_call(calls(&files));
        let differ: Vec<String> = expected
            .iter()
            .filter(|(id, row)| got.get(*id) != Some(row))
            .map(|(id, row)| format!("{id}: {row}\n  got {:?}", got.get(id)))
            .collect();
        assert!(
            differ.is_empty() && got.len() == expected.len(),
            "{order:?}: {} calls, {} expected; {} differ, e.g.\n{}",
            got.len(),
            expected.len(),
            differ.len(),
            differ
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
