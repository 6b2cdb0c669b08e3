//! `callev send` and `callev trigger` against a small handler on 127.0.0.1 that keeps every
//! request it gets and answers by path: the handler receives exactly the selected records, byte
//! for byte, a call's events in order; failures are reported per request and the run goes on.
//! Waits are on conditions with deadlines; the only sleep is the hanging handler's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{ndjson, process, run, run_stdin};

#[derive(Debug, Clone)]
struct Got {
    /// When it arrived.
    at: Instant,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

struct Handler {
    port: u16,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Handler {
    /// A handler on a free port: `/fail` answers 500, `/hang` never answers, `/reset` closes the
    /// connection, `/redirect` answers 302 elsewhere, anything else 200.
    fn start() -> Handler {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&got);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || serve(conn, &kept));
            }
        });
        Handler { port, got }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

fn serve(conn: TcpStream, kept: &Mutex<Vec<Got>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
        );
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        kept.lock().unwrap().push(Got {
            at: Instant::now(),
            method,
            target: target.clone(),
            headers,
            body,
        });
        let answer = if target.ends_with("/fail") {
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\n\r\noops".to_owned()
        } else if target.ends_with("/hang") {
            // Never answers: the client's timeout or Ctrl-C ends the exchange.
            std::thread::sleep(Duration::from_secs(60));
            return;
        } else if target.ends_with("/reset") {
            return;
        } else if target.ends_with("/redirect") {
            "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/elsewhere\r\ncontent-length: 0\r\n\r\n"
                .to_owned()
        } else {
            "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: 21\r\n\r\n<Response></Response>"
                .to_owned()
        };
        if conn.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// A capture record as `callev listen` writes it.
fn capture_line(seq: u64, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> String {
    use base64::Engine as _;
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_owned(), "utf-8"),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            "base64",
        ),
    };
    serde_json::json!({
        "callev_capture": 1, "seq": seq,
        "received_at": format!("2026-11-21T10:00:0{seq}.000000Z"),
        "peer": "127.0.0.1:40000", "method": method, "path": path, "query": query,
        "headers": [["content-type", "application/json"], ["authorization", "[redacted]"],
                    ["x-request-id", format!("r-{seq}")], ["host", "example.test"],
                    ["content-length", body.len().to_string()]],
        "body": text, "body_encoding": encoding, "body_bytes": body.len(),
        "dropped": null, "status": 200, "latency_ms": 0.1, "forward": null,
    })
    .to_string()
}

/// A capture file of these records, one a line.
fn write_capture(dir: &Path, lines: &[String]) -> String {
    write(dir, "capture.ndjson", &(lines.join("\n") + "\n"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

const ANSWER: &str = r#"{"eventType":"answer","eventTime":"2026-11-21T10:00:05.010Z","accountId":"9900000","applicationId":"0a1b2c3d-0000-4000-8000-00000000abcd","from":"+15550100001","to":"+15550100901","direction":"outbound","callId":"c-send0001","callUrl":"https:\/\/voice.bandwidth.com\/api\/v2\/accounts\/9900000\/calls\/c-send0001","startTime":"2026-11-21T10:00:00.000Z","answerTime":"2026-11-21T10:00:05.000Z"}"#;

#[test]
fn the_handler_receives_exactly_the_records_byte_for_byte() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let query = "eventType=answer&callId=c-get0001&callUri=https%3A%2F%2Fapi.example.test%2Fv1%2Fcalls%2Fc-get0001&from=%2B15550100&to=%2B15550101&callState=active&time=2026-11-21T14%3A00%3A00Z";
    let binary: &[u8] = &[0xff, 0xfe, b'{', 0x00, b'}'];
    let capture = write_capture(
        dir.path(),
        &[
            capture_line(1, "POST", "/cb", None, ANSWER.as_bytes()),
            capture_line(2, "GET", "/v1", Some(query), b""),
            capture_line(3, "POST", "/raw", None, binary),
        ],
    );
    // A record as a scenario logged it, with its own spacing: sent as written, not re-serialised.
    let logged = r#"{ "name" : "Call.Connected", "id":"AB0000000000000000000000000000EF", "call":{"id":"AB0000000000000000000000000000EF"}, "note":"\u00e9\/x" }"#;
    let plain = write(dir.path(), "plain.ndjson", &format!("{logged}\n"));
    let r = run(&[
        "send",
        &capture,
        &plain,
        "--to",
        &handler.url("/base"),
        "-o",
        "ndjson",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let results = ndjson(&r.stdout);
    assert_eq!(results.len(), 4, "{}", r.stdout);
    assert!(results.iter().all(|x| x["status"] == 200), "{}", r.stdout);
    let got = handler.got();
    assert_eq!(got.len(), 4, "each record once: {got:?}");
    let by_target = |t: &str| got.iter().find(|g| g.target.starts_with(t)).unwrap();
    let post = by_target("/base/cb");
    assert_eq!(post.method, "POST");
    assert_eq!(post.body, ANSWER.as_bytes());
    assert!(post
        .headers
        .contains(&("x-request-id".into(), "r-1".into())));
    assert!(
        !post
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" || v == "[redacted]"),
        "redacted headers are not sent: {:?}",
        post.headers
    );
    assert!(post
        .headers
        .contains(&("host".into(), format!("127.0.0.1:{}", handler.port))));
    let get = by_target("/base/v1");
    assert_eq!(get.method, "GET");
    assert_eq!(get.target, format!("/base/v1?{query}"));
    assert!(get.body.is_empty());
    assert_eq!(by_target("/base/raw").body, binary);
    let plain = got.iter().find(|g| g.target == "/base").unwrap();
    assert_eq!(plain.method, "POST");
    assert_eq!(plain.body, logged.as_bytes());
    let ct = &plain.headers;
    assert!(ct.contains(&("content-type".into(), "application/json".into())));
}

#[test]
fn failures_are_reported_per_request_and_the_run_goes_on() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let paths = ["/ok", "/fail", "/hang", "/reset", "/redirect", "/ok"];
    let lines: Vec<String> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let body = ANSWER.replace("c-send0001", &format!("c-fail000{i}"));
            capture_line(i as u64 + 1, "POST", p, None, body.as_bytes())
        })
        .collect();
    let capture = write_capture(dir.path(), &lines);
    let r = run(&[
        "send",
        &capture,
        "--to",
        &handler.url(""),
        "--timeout",
        "500ms",
        "-o",
        "ndjson",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let results = ndjson(&r.stdout);
    let statuses: Vec<Value> = results.iter().map(|x| x["status"].clone()).collect();
    assert_eq!(
        statuses,
        [
            200.into(),
            500.into(),
            Value::Null,
            Value::Null,
            302.into(),
            200.into()
        ],
        "{}",
        r.stdout
    );
    assert!(results[2]["error"].as_str().unwrap().contains("timeout"));
    assert!(results[3]["error"].is_string());
    // Each went once (no retries asked), and the redirect was not followed.
    let got = handler.got();
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(r.stderr.contains("sent 6 requests"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{capture}:2")), "{}", r.stderr);
    assert!(r.stderr.contains("answered 500"), "{}", r.stderr);
}

#[test]
fn retries_try_a_5xx_again_and_stop() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = write_capture(
        dir.path(),
        &[capture_line(1, "POST", "/fail", None, ANSWER.as_bytes())],
    );
    let r = run(&[
        "send",
        &capture,
        "--to",
        &handler.url(""),
        "--retries",
        "2",
        "-o",
        "ndjson",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(handler.got().len(), 3);
    assert_eq!(ndjson(&r.stdout)[0]["attempts"], 3);
}

#[test]
fn a_calls_events_go_in_time_order_and_only_the_call_asked_for() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let b = |event: &str, t: &str, call: &str| {
        format!(
            r#"{{"eventType":"{event}","eventTime":"2026-11-21T10:00:{t}Z","accountId":"9900000","applicationId":"a","from":"+15550100001","to":"+15550100901","direction":"inbound","callId":"{call}","callUrl":"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{call}","startTime":"2026-11-21T10:00:00.000Z"}}"#
        )
    };
    // The file has the call's events out of order; another call between them.
    let text = [
        b("disconnect", "30.000", "c-order01"),
        b("initiate", "00.010", "c-other01"),
        b("initiate", "00.010", "c-order01"),
        b("dtmf", "10.000", "c-order01"),
    ]
    .join("\n")
    .replace(
        r#""eventType":"disconnect","#,
        r#""eventType":"disconnect","endTime":"2026-11-21T10:00:30.000Z","cause":"hangup","#,
    )
    .replace(
        r#""eventType":"dtmf","#,
        r#""eventType":"dtmf","digit":"5","answerTime":"2026-11-21T10:00:02.000Z","#,
    );
    let file = write(dir.path(), "calls.ndjson", &(text + "\n"));
    let r = run(&[
        "send",
        &file,
        "--call",
        "c-order",
        "--to",
        &handler.url("/h"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<String> = handler
        .got()
        .iter()
        .map(|g| {
            let v: Value = serde_json::from_slice(&g.body).unwrap();
            format!(
                "{} {}",
                v["callId"].as_str().unwrap(),
                v["eventType"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "c-order01 initiate",
            "c-order01 dtmf",
            "c-order01 disconnect"
        ]
    );
    // The table names each request's call and event.
    assert!(r.stdout.contains("c-order01"), "{}", r.stdout);
    assert!(r.stdout.contains("disconnect"), "{}", r.stdout);
    // A prefix that names two calls sends nothing.
    let before = handler.got().len();
    let r = run(&["send", &file, "--call", "c-", "--to", &handler.url("/h")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
    assert_eq!(handler.got().len(), before);
}

#[test]
fn ctrl_c_stops_sending_at_once_and_says_what_was_sent() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        capture_line(1, "POST", "/ok", None, ANSWER.as_bytes()),
        capture_line(
            2,
            "POST",
            "/hang",
            None,
            ANSWER.replace("answer\"", "dtmf\"").as_bytes(),
        ),
        capture_line(
            3,
            "POST",
            "/ok",
            None,
            ANSWER.replace("c-send0001", "c-send0002").as_bytes(),
        ),
    ];
    let capture = write_capture(dir.path(), &lines);
    let mut child = process()
        .args([
            "send",
            &capture,
            "--to",
            &handler.url(""),
            "--timeout",
            "60s",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !handler.got().iter().any(|g| g.target == "/hang") {
        assert!(
            Instant::now() < deadline,
            "the hanging request never arrived"
        );
        std::thread::park_timeout(Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "send did not stop at Ctrl-C");
        std::thread::park_timeout(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("sent 1 request"), "{stderr}");
    // The third record was never sent.
    assert_eq!(handler.got().len(), 2);
}

/// Every vendor's every scenario, both directions where it has them: valid by callev's own
/// strict checks, and the call `callev summary` reads is the one asked for.
#[test]
fn every_trigger_scenario_is_valid_and_summarises_as_asked() {
    let list = ndjson(&run(&["trigger", "--list", "-o", "ndjson"]).stdout);
    assert!(list.len() >= 30, "{list:?}");
    let mut checked = 0;
    for s in &list {
        let (vendor, scenario) = (
            s["vendor"].as_str().unwrap(),
            s["scenario"].as_str().unwrap(),
        );
        for direction in ["inbound", "outbound"] {
            let Some(want) = s[direction].as_str() else {
                continue;
            };
            let made = run(&[
                "trigger",
                vendor,
                scenario,
                "--direction",
                direction,
                "--seed",
                "7",
                "--at",
                "2026-11-21T10:00:00Z",
                "--ring",
                "5s",
                "--talk",
                "60s",
            ]);
            assert_eq!(made.code, 0, "{vendor} {scenario}: {}", made.stderr);
            let strict = run_stdin(
                &["validate", "--strict", "-o", "ndjson"],
                made.stdout.clone(),
            );
            assert_eq!(
                strict.code, 0,
                "{vendor} {scenario} {direction}: {}",
                strict.stdout
            );
            assert_eq!(strict.stdout, "", "{vendor} {scenario}: findings");
            let calls = ndjson(&run_stdin(&["summary", "-o", "ndjson"], made.stdout).stdout);
            let first = &calls[0];
            assert_eq!(
                first["outcome"], want,
                "{vendor} {scenario} {direction}: {first}"
            );
            if want == "answered" {
                // What the vendor's events give of the durations is what was asked.
                if !first["ring_ms"].is_null() {
                    assert_eq!(first["ring_ms"], 5000, "{vendor} {scenario}: {first}");
                }
                if !first["talk_ms"].is_null() {
                    assert_eq!(first["talk_ms"], 60000, "{vendor} {scenario}: {first}");
                }
                if scenario != "transfer" && !first["total_ms"].is_null() {
                    assert_eq!(first["total_ms"], 65000, "{vendor} {scenario}: {first}");
                }
                assert!(
                    !(first["talk_ms"].is_null() && first["total_ms"].is_null())
                        || scenario == "revision-2018",
                    "{vendor} {scenario}: no duration at all: {first}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn trigger_makes_the_same_calls_from_the_same_seed_and_sends_what_it_prints() {
    let args = [
        "trigger",
        "bandwidth",
        "dtmf",
        "--count",
        "3",
        "--seed",
        "11",
        "--at",
        "2026-11-21T10:00:00Z",
    ];
    let printed = run(&args);
    assert_eq!(printed.code, 0);
    assert_eq!(printed.stdout, run(&args).stdout);
    let other = run(&[
        "trigger",
        "bandwidth",
        "dtmf",
        "--count",
        "3",
        "--seed",
        "12",
        "--at",
        "2026-11-21T10:00:00Z",
    ]);
    assert_ne!(printed.stdout, other.stdout);
    // Fictional numbers only: +1 NXX 555-01XX.
    for v in ndjson(&printed.stdout) {
        for k in ["from", "to"] {
            let n = v[k].as_str().unwrap();
            assert!(
                n.len() == 12 && &n[5..9] == "5550" && &n[9..10] == "1",
                "{n}"
            );
        }
    }
    let handler = Handler::start();
    let mut with_to = args.to_vec();
    let url = handler.url("/cb");
    with_to.extend(["--to", &url]);
    let sent = run(&with_to);
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let bodies: Vec<String> = handler
        .got()
        .iter()
        .map(|g| String::from_utf8(g.body.clone()).unwrap())
        .collect();
    let lines: Vec<&str> = printed.stdout.lines().collect();
    assert_eq!(bodies, lines);
}

#[test]
fn trigger_says_what_a_vendor_cannot_make() {
    let r = run(&["trigger", "bandwidth", "hold"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot express hold"), "{}", r.stderr);
    let r = run(&["trigger", "voximplant", "busy", "--direction", "inbound"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("only outbound"), "{}", r.stderr);
    // Without --direction, the direction the scenario has.
    assert_eq!(run(&["trigger", "voximplant", "busy"]).code, 0);
}

#[test]
fn https_is_spoken_and_a_bad_certificate_file_is_a_usage_error() {
    let handler = Handler::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = write_capture(
        dir.path(),
        &[capture_line(1, "POST", "/cb", None, ANSWER.as_bytes())],
    );
    // The handler speaks plain HTTP: the TLS handshake fails, and says so for the request.
    let url = format!("https://127.0.0.1:{}/", handler.port);
    let r = run(&[
        "send",
        &capture,
        "--to",
        &url,
        "--timeout",
        "5s",
        "-o",
        "ndjson",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let results = ndjson(&r.stdout);
    assert_eq!(results.len(), 1);
    assert!(results[0]["status"].is_null());
    assert!(results[0]["error"].is_string(), "{}", r.stdout);
    let not_pem = write(dir.path(), "not.pem", "no certificate here\n");
    let r = run(&["send", &capture, "--to", &url, "--cacert", &not_pem]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--cacert"), "{}", r.stderr);
    let r = run(&["send", &capture, "--to", "ftp://127.0.0.1/"]);
    assert_eq!(r.code, 2);
}

#[test]
fn speed_keeps_the_gaps_between_a_calls_events_divided() {
    let handler = Handler::start();
    // Events 1.2 s apart in the call's own times; at --speed 4 the second is sent 0.3 s after the
    // call's first was: at the handler at least 0.25 s after it (the first request's own
    // connection set-up is inside the 0.3 s; a loaded machine only makes the gap longer).
    let made = run(&[
        "trigger",
        "bandwidth",
        "answered",
        "--ring",
        "1200ms",
        "--talk",
        "1200ms",
        "--seed",
        "3",
        "--at",
        "2026-11-21T10:00:00Z",
        "--direction",
        "outbound",
        "--speed",
        "4",
        "--to",
        &handler.url("/cb"),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let got = handler.got();
    assert_eq!(got.len(), 2, "answer, disconnect");
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(250),
        "{:?}",
        got[1].at - got[0].at
    );
}
