//! `callev listen` over real HTTP on 127.0.0.1 with a plain client: what was answered 2xx is in
//! the capture, exactly; the views read the capture as they read the fixtures. No sleeps: every
//! wait is on a condition, with a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{ndjson, process, run};

struct Listening {
    child: Child,
    port: u16,
    capture: PathBuf,
    _dir: tempfile::TempDir,
}

/// Start `listen --port 0` with these flags; wait (at most 20 s) for its URL on stderr.
fn listen(flags: &[&str]) -> Listening {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture.ndjson");
    let mut child = process()
        .args(["listen", "--port", "0", "--capture"])
        .arg(&capture)
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let port = loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("listen says where it listens");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
        }
    };
    Listening {
        child,
        port,
        capture,
        _dir: dir,
    }
}

impl Listening {
    /// SIGTERM (or SIGKILL), then wait for the end (at most 20 s); its stdout and exit status.
    fn stop(mut self, signal: &str) -> (Option<i32>, String, PathBuf, tempfile::TempDir) {
        let status = std::process::Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let code = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s.code();
            }
            assert!(Instant::now() < deadline, "listen did not stop");
            std::thread::yield_now();
            std::thread::park_timeout(Duration::from_millis(20));
        };
        let mut out = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_string(&mut out);
        }
        (code, out, self.capture, self._dir)
    }
}

/// One request on its own connection: the status, the headers (lower case) and the body.
fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    // A server may answer (413) before the whole body is sent, and close.
    let _ = s.write_all(body);
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no head"))?;
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((status, head, answer[split + 4..].to_vec()))
}

fn post_json(port: u16, path: &str, body: &[u8]) -> u16 {
    request(
        port,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
    .unwrap()
    .0
}

fn capture_records(path: &Path) -> Vec<Value> {
    ndjson(&std::fs::read_to_string(path).unwrap())
}

/// What a summary says of each call that does not depend on when it was received, by call id
/// (several files are read merged by time, so their calls may come in another order than the
/// capture's).
fn calls(summary: &str) -> Vec<Value> {
    let mut calls: Vec<Value> = ndjson(summary)
        .into_iter()
        .map(|c| {
            serde_json::json!([
                c["call_id"],
                c["vendor"],
                c["outcome"],
                c["events"],
                c["end_reason"],
                c["dtmf"],
                c["participants"],
                c["duplicates"]
            ])
        })
        .collect();
    calls.sort_by_key(|c| c[0].to_string());
    calls
}

#[test]
fn every_vendor_fixture_posted_reads_back_as_the_same_calls() {
    let fixtures = [
        "fixtures/bandwidth/v2-each-outcome.ndjson",
        "fixtures/bandwidth/busy-and-no-answer.ndjson",
        "fixtures/voximplant/all-events.ndjson",
        "fixtures/workonflow/member-answered.ndjson",
        "fixtures/xelion/all-events-frames.ndjson",
    ];
    let server = listen(&[]);
    let mut sent = 0;
    for f in fixtures {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(f)).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            assert_eq!(post_json(server.port, "/callbacks", line.as_bytes()), 200);
            sent += 1;
        }
    }
    let (code, _, capture, _dir) = server.stop("-TERM");
    assert_eq!(code, Some(0), "a signal is listen's normal end");
    let records = capture_records(&capture);
    assert_eq!(records.len(), sent);
    let capture = capture.to_str().unwrap();
    let from_capture = calls(&run(&["summary", "-o", "ndjson", capture]).stdout);
    let mut args = vec!["summary", "-o", "ndjson"];
    args.extend(fixtures);
    let from_files = calls(&run(&args).stdout);
    assert!(!from_files.is_empty());
    assert_eq!(from_capture, from_files);
    // The findings point into the capture.
    let v = run(&["validate", "-o", "ndjson", capture]);
    for f in ndjson(&v.stdout) {
        assert_eq!(f["source"], capture);
    }
}

#[test]
fn a_get_callback_is_the_same_event_as_its_post_and_bodies_are_kept_exactly() {
    let server = listen(&[]);
    let event = r#"{"eventType":"answer","callId":"c-get0000000000000000000001","callUri":"https:\/\/api.example.test\/v1\/calls\/c-get0000000000000000000001","from":"+15550100","to":"+15550101","callState":"active","time":"2026-11-21T14:00:00Z"}"#;
    assert_eq!(post_json(server.port, "/cb", event.as_bytes()), 200);
    let query = "eventType=answer&callId=c-get0000000000000000000001&callUri=https%3A%2F%2Fapi.example.test%2Fv1%2Fcalls%2Fc-get0000000000000000000001&from=%2B15550100&to=%2B15550101&callState=active&time=2026-11-21T14%3A00%3A00Z";
    assert_eq!(
        request(server.port, "GET", &format!("/cb?{query}"), &[], b"")
            .unwrap()
            .0,
        200
    );
    let form = b"eventType=hangup&callId=c-get0000000000000000000001&cause=NORMAL_CLEARING&callState=completed&time=2026-11-21T14%3A01%3A00Z";
    let (status, _, _) = request(
        server.port,
        "POST",
        "/cb",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form,
    )
    .unwrap();
    assert_eq!(status, 200);
    let not_json = "not JSON at all: caf\u{e9} \\/ {".as_bytes();
    assert_eq!(
        request(
            server.port,
            "POST",
            "/cb",
            &[("Content-Type", "text/plain")],
            not_json
        )
        .unwrap()
        .0,
        200
    );
    let binary = [0u8, 0xff, 0xfe, 0x80];
    assert_eq!(
        request(server.port, "PUT", "/bin", &[], &binary).unwrap().0,
        200
    );
    let (_, _, capture, _dir) = server.stop("-TERM");
    let records = capture_records(&capture);
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[0]["body"].as_str().unwrap(),
        event,
        "the body exactly, \\/ included"
    );
    assert_eq!(records[1]["query"].as_str().unwrap(), query);
    assert_eq!(records[3]["body"].as_str().unwrap().as_bytes(), not_json);
    assert_eq!(records[4]["body_encoding"], "base64");
    assert_eq!(records[4]["body"], "AP/+gA==");
    let capture = capture.to_str().unwrap();
    let events = ndjson(&run(&["events", "-o", "ndjson", capture]).stdout);
    assert_eq!(events.len(), 3);
    for key in ["vendor", "event", "kind", "call_id", "time"] {
        assert_eq!(
            events[0][key], events[1][key],
            "{key}: the GET reads as the POST"
        );
    }
    assert_eq!(events[2]["kind"], "ended");
    assert_eq!(events[2]["line"], 3);
    let v = run(&["validate", "-o", "ndjson", capture]);
    assert_eq!(v.code, 1);
    let findings = ndjson(&v.stdout);
    assert!(
        findings
            .iter()
            .any(|f| f["line"] == 4 && f["code"] == "parse"),
        "{findings:?}"
    );
    assert!(findings.iter().any(|f| f["line"] == 5), "{findings:?}");
}

#[test]
fn credentials_and_size_are_enforced_and_nothing_secret_is_kept() {
    let server = listen(&["--basic-auth", "hooks:s3cret-value", "--max-body", "1MiB"]);
    let body = br#"{"eventType":"hangup","callId":"c-auth","cause":"NORMAL_CLEARING","time":"2026-11-21T14:00:00Z","callState":"completed"}"#;
    let (status, head, _) = request(server.port, "POST", "/", &[], body).unwrap();
    assert_eq!(status, 401);
    assert!(head.contains("www-authenticate: basic"), "{head}");
    // hooks:wrong
    assert_eq!(
        request(
            server.port,
            "POST",
            "/",
            &[("Authorization", "Basic aG9va3M6d3Jvbmc=")],
            body
        )
        .unwrap()
        .0,
        401
    );
    // hooks:s3cret-value
    let good = ("Authorization", "Basic aG9va3M6czNjcmV0LXZhbHVl");
    assert_eq!(
        request(server.port, "POST", "/", &[good], body).unwrap().0,
        200
    );
    let big = vec![b'x'; 2 << 20];
    match request(server.port, "POST", "/", &[good], &big) {
        Ok((status, _, _)) => assert_eq!(status, 413),
        // The server may close before the client has read the answer.
        Err(e) => panic!("no answer to a 2 MiB body: {e}"),
    }
    let (_, _, capture, _dir) = server.stop("-TERM");
    let text = std::fs::read_to_string(&capture).unwrap();
    assert!(
        !text.contains("aG9va3M6czNjcmV0LXZhbHVl") && !text.contains("s3cret"),
        "{text}"
    );
    let records = ndjson(&text);
    let statuses: Vec<_> = records
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [401, 401, 200, 413]);
    assert!(records[0]["body"].is_null() && records[3]["body"].is_null());
    assert_eq!(records[3]["body_bytes"], 2 << 20);
    assert_eq!(records[2]["body"].as_str().unwrap().as_bytes(), body);
}

#[test]
fn forwarding_returns_the_apps_answer_and_a_down_app_is_502_still_captured() {
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let app_port = app.local_addr().unwrap().port();
    let bxml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><SpeakSentence>Hello \u{e9}</SpeakSentence></Response>";
    let (seen_tx, seen_rx) = mpsc::channel();
    std::thread::spawn(move || {
        // One request, answered with BXML; it tells what it received.
        let (mut s, _) = app.accept().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains("\"c-fwd\"}") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        let _ = seen_tx.send(String::from_utf8_lossy(&got).into_owned());
        let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nX-App: yes\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{bxml}", bxml.len());
        s.write_all(answer.as_bytes()).unwrap();
    });
    let server = listen(&["--forward-to", &format!("http://127.0.0.1:{app_port}/app")]);
    let body = br#"{"eventType":"answer","callId":"c-fwd"}"#;
    let (status, head, answer) = request(
        server.port,
        "POST",
        "/cb/answer?x=1",
        &[("Content-Type", "application/json")],
        body,
    )
    .unwrap();
    assert_eq!(status, 200);
    assert_eq!(answer, bxml.as_bytes(), "the app's answer byte for byte");
    assert!(
        head.contains("x-app: yes") && head.contains("application/xml"),
        "{head}"
    );
    let seen = seen_rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        seen.starts_with("POST /app/cb/answer?x=1 HTTP/1.1"),
        "{seen}"
    );
    assert!(
        seen.contains(&format!("host: 127.0.0.1:{app_port}")),
        "{seen}"
    );
    let (_, _, capture, _dir) = server.stop("-TERM");
    let records = capture_records(&capture);
    assert_eq!(records[0]["forward"]["status"], 200);
    assert_eq!(records[0]["forward"]["body_head"].as_str().unwrap(), bxml);

    // An app that is not there.
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let gone_port = gone.local_addr().unwrap().port();
    drop(gone);
    let server = listen(&["--forward-to", &format!("http://127.0.0.1:{gone_port}/")]);
    assert_eq!(post_json(server.port, "/cb", body), 502);
    let (_, _, capture, _dir) = server.stop("-TERM");
    let records = capture_records(&capture);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["status"], 502);
    assert!(records[0]["forward"]["error"].is_string());
    assert_eq!(records[0]["body"].as_str().unwrap().as_bytes(), body);
}

/// Clients post numbered events as fast as they are answered until the server goes; every
/// number answered 2xx must be in the capture, and the capture must hold only whole lines.
fn under_load(signal: &str) {
    let server = listen(&[]);
    let port = server.port;
    let (tx, rx) = mpsc::channel::<Vec<u64>>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    for client in 0..4u64 {
        let (tx, started_tx) = (tx.clone(), started_tx.clone());
        std::thread::spawn(move || {
            let mut acked = Vec::new();
            for i in 0..2000u64 {
                let id = client * 100_000 + i;
                let body = format!(
                    r#"{{"eventType":"dtmf","callId":"c-load{client}","dtmfDigit":"1","n":{id},"time":"2026-11-21T14:00:00Z"}}"#
                );
                match request(
                    port,
                    "POST",
                    "/cb",
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                ) {
                    Ok((200, _, _)) => acked.push(id),
                    _ => break,
                }
                if i == 50 {
                    let _ = started_tx.send(());
                }
            }
            let _ = tx.send(acked);
        });
    }
    drop(tx);
    for _ in 0..4 {
        started_rx.recv_timeout(Duration::from_secs(60)).unwrap();
    }
    let (code, _, capture, _dir) = server.stop(signal);
    let acked: Vec<u64> = rx.iter().flatten().collect();
    let text = std::fs::read(&capture).unwrap();
    let mut kept = std::collections::HashSet::new();
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let (last, whole) = lines.split_last().unwrap();
    assert!(last.is_empty() || signal == "-KILL");
    for line in whole {
        let r: Value = serde_json::from_slice(line).expect("every line is whole");
        let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
        kept.insert(body["n"].as_u64().unwrap());
    }
    assert!(acked.len() >= 200, "{} acknowledged", acked.len());
    let lost: Vec<_> = acked.iter().filter(|n| !kept.contains(n)).collect();
    assert!(lost.is_empty(), "acknowledged and not captured: {lost:?}");
    if signal == "-TERM" {
        assert_eq!(code, Some(0));
        assert!(last.is_empty(), "the capture ends with a whole line");
    }
}

#[test]
fn sigterm_under_load_drains_and_loses_nothing_acknowledged() {
    under_load("-TERM");
}

#[test]
fn kill_9_under_load_leaves_every_acknowledged_request() {
    under_load("-KILL");
}

#[test]
fn a_port_in_use_is_a_usage_error_naming_it() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let r = run(&[
        "listen",
        "--port",
        &port,
        "--capture",
        capture.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&port) && r.stderr.contains("--port"),
        "{}",
        r.stderr
    );
}
