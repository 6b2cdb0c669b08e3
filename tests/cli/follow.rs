//! `--follow`: on a file being appended to, truncated and replaced, and on a pipe; each record is
//! printed as it arrives, and Ctrl-C ends the run with whole lines only.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn spawn(args: &[&str], stdin: Stdio) -> (Child, Receiver<String>) {
    let mut child = crate::util::process()
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("callev starts");
    let stdout: ChildStdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    (child, rx)
}

fn next_line(rx: &Receiver<String>) -> String {
    rx.recv_timeout(WAIT)
        .expect("a line arrives while the input is still open")
}

fn fixture_lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn interrupt(child: &mut Child) -> i32 {
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    child.wait().expect("callev ends").code().unwrap_or(-1)
}

#[test]
fn following_a_file_through_appends_truncation_and_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("webhooks.log");
    std::fs::write(&log, "").unwrap();
    let lines = fixture_lines("fixtures/mixed/all-vendors.log");
    let (mut child, rx) = spawn(
        &["events", "-f", "-o", "ndjson", log.to_str().unwrap()],
        Stdio::null(),
    );
    let append = |text: &str| {
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        writeln!(f, "{text}").unwrap();
    };
    append(&lines[0]);
    let first: serde_json::Value = serde_json::from_str(&next_line(&rx)).unwrap();
    assert_eq!(first["event"], "call.started");
    append(&lines[1]);
    assert!(next_line(&rx).contains("newCallEvent"));
    // Truncated, then written again from the start: its lines count from 1 again.
    std::fs::write(&log, format!("{}\n", lines[2])).unwrap();
    let again: serde_json::Value = serde_json::from_str(&next_line(&rx)).unwrap();
    assert_eq!(
        (again["event"].as_str(), again["line"].as_u64()),
        (Some("call.user.invited"), Some(1))
    );
    // Rotated: the name now points at a new file, read from its line 1.
    std::fs::rename(&log, dir.path().join("webhooks.log.1")).unwrap();
    std::fs::write(&log, format!("{}\n", lines[3])).unwrap();
    let rotated: serde_json::Value = serde_json::from_str(&next_line(&rx)).unwrap();
    assert_eq!(
        (rotated["event"].as_str(), rotated["line"].as_u64()),
        (Some("incomingcall"), Some(1))
    );
    assert_eq!(interrupt(&mut child), 130);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("was truncated: reading it again from its start"),
        "{stderr}"
    );
    assert!(stderr.contains("was replaced (rotated)"), "{stderr}");
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "nothing after the interrupt"
    );
}

#[test]
fn following_a_pipe_prints_each_record_as_it_arrives() {
    let lines = fixture_lines("fixtures/mixed/all-vendors.log");
    let (mut child, rx) = spawn(&["timeline", "-f"], Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", lines[0]).unwrap();
    stdin.flush().unwrap();
    assert!(next_line(&rx).contains("▶ call 4d5e6f70-3333-4333-8333-000000000004"));
    assert!(next_line(&rx).contains("call.started"));
    writeln!(stdin, "{}", lines[2]).unwrap();
    stdin.flush().unwrap();
    assert!(next_line(&rx).contains("call.user.invited"));
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn summary_follow_prints_a_call_when_it_ends_and_open_calls_at_the_end() {
    let (mut child, rx) = spawn(&["summary", "-f", "-o", "ndjson"], Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    for line in fixture_lines("fixtures/bandwidth/busy-and-no-answer.ndjson")
        .iter()
        .take(2)
    {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    let ended: serde_json::Value = serde_json::from_str(&next_line(&rx)).unwrap();
    assert_eq!(
        (ended["call_id"].as_str(), ended["outcome"].as_str()),
        (Some("c-busy000000000000000000001"), Some("busy"))
    );
    for line in fixture_lines("fixtures/edge/no-terminal-event.ndjson") {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let open: serde_json::Value = serde_json::from_str(&next_line(&rx)).unwrap();
    assert_eq!(open["outcome"], "in_progress");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// Follow a copy of `fixture` with `args` (the file last), press Ctrl-C once `records` JSON
/// records have begun on their own lines, and return the exit code, everything written, and
/// what was said on stderr.
/// (A JSON array's last record ends its line only when the next one comes, so bytes are counted,
/// not lines.)
fn follow_then_interrupt(
    args: &[&str],
    fixture: &str,
    records: usize,
) -> (Option<i32>, String, String) {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("live.log");
    std::fs::write(&log, std::fs::read(fixture).unwrap()).unwrap();
    let mut child = crate::util::process()
        .args(args)
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut chunk) {
            if tx.send(chunk[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut text = Vec::new();
    let begun = |t: &[u8]| t.windows(2).filter(|w| w == b"\n{").count();
    while begun(&text) < records {
        text.extend(
            rx.recv_timeout(WAIT)
                .expect("records arrive while following"),
        );
    }
    let code = interrupt(&mut child);
    text.extend(rx.iter().flatten());
    let said = said.join().unwrap_or_default();
    (Some(code), String::from_utf8(text).unwrap(), said)
}

#[test]
fn interrupted_json_output_is_still_a_whole_document() {
    let (code, stdout, stderr) = follow_then_interrupt(
        &["events", "-f", "-o", "json"],
        "fixtures/voximplant/all-events.ndjson",
        40,
    );
    assert_eq!(code, Some(130));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("a complete JSON document");
    assert_eq!(doc.as_array().unwrap().len(), 40);
    assert!(stderr.contains("callev: interrupted after"), "{stderr}");
}

#[test]
fn interrupted_summary_writes_every_call_as_a_whole_document() {
    // Its four calls end, and each is written as it ends.
    let (code, stdout, stderr) = follow_then_interrupt(
        &["summary", "-f", "-o", "json"],
        "fixtures/mixed/all-vendors.log",
        4,
    );
    assert_eq!(code, Some(130));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("a complete JSON document");
    let calls = doc["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 4);
    assert_eq!(doc["totals"]["calls"], 4);
    assert!(calls.iter().all(|c| c["call_id"].is_string()));
    // What was written says it is partial.
    assert_eq!(doc["complete"], false);
    assert!(
        stderr.contains("interrupted after 16 records: what was written is partial"),
        "{stderr}"
    );
}

/// A Bandwidth callback of its own call, `phase-n`, one line.
fn soak_line(phase: &str, n: usize) -> String {
    format!(
        "{{\"eventType\":\"initiate\",\"callId\":\"c-{phase}-{n:05}\",\"eventTime\":\"2026-01-01T00:00:00.000Z\",\
         \"from\":\"+15550000001\",\"to\":\"+15550000002\",\"direction\":\"inbound\",\"accountId\":\"1\",\
         \"applicationId\":\"a\",\"padding\":\"{}\"}}\n",
        "x".repeat(n % 200)
    )
}

fn soak_text(phase: &str, count: usize) -> String {
    (0..count).map(|n| soak_line(phase, n)).collect()
}

/// Wait for `count` records of `phase` and check that each of its calls came exactly once.
fn expect_phase(rx: &Receiver<String>, phase: &str, count: usize) {
    let mut seen = std::collections::BTreeMap::<String, u32>::new();
    let prefix = format!("c-{phase}-");
    while seen.len() < count {
        let line = rx
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("{phase}: {} of {count} records came", seen.len()));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        let id = record["call_id"].as_str().unwrap_or_default().to_owned();
        assert!(id.starts_with(&prefix), "{phase}: {id} came now");
        *seen.entry(id).or_default() += 1;
    }
    assert!(
        seen.values().all(|n| *n == 1),
        "{phase}: a record came twice"
    );
}

/// Bursts larger than a read, each followed by silence, through a truncation, a file rewritten
/// in place past where reading stood, and a rotation: every record is printed once, each burst
/// before the next is written.
#[test]
fn following_through_bursts_truncation_rewriting_and_rotation_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("burst.log");
    std::fs::write(&log, "").unwrap();
    let (mut child, rx) = spawn(
        &["events", "-f", "-o", "ndjson", log.to_str().unwrap()],
        Stdio::null(),
    );
    let append = |text: &str| {
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    };
    // A burst of about 1 MB, then silence: all of it comes without more input.
    append(&soak_text("burst", 3000));
    expect_phase(&rx, "burst", 3000);
    // Truncated and written again, shorter.
    std::fs::write(&log, soak_text("truncated", 2000)).unwrap();
    expect_phase(&rx, "truncated", 2000);
    // Written over in place from the start, longer than before: the file never looks shorter.
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(&log).unwrap();
        f.write_all(soak_text("rewritten", 4000).as_bytes())
            .unwrap();
    }
    expect_phase(&rx, "rewritten", 4000);
    // Rotated, the new file holding more than one read's worth.
    std::fs::rename(&log, dir.path().join("burst.log.1")).unwrap();
    std::fs::write(&log, soak_text("rotated", 2500)).unwrap();
    expect_phase(&rx, "rotated", 2500);
    assert_eq!(interrupt(&mut child), 130);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr.matches("was truncated").count(), 2, "{stderr}");
    assert_eq!(stderr.matches("was replaced").count(), 1, "{stderr}");
}

/// A pipe whose writer pauses: what it wrote is out before it writes again, with or without
/// `--follow` (no record waits in a buffer for more input).
#[test]
fn a_pipe_that_pauses_gets_all_its_records_out() {
    for args in [
        &["events", "-o", "ndjson"][..],
        &["events", "-f", "-o", "ndjson"],
    ] {
        let (mut child, rx) = spawn(args, Stdio::piped());
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(soak_text("piped", 3000).as_bytes())
            .unwrap();
        stdin.flush().unwrap();
        expect_phase(&rx, "piped", 3000);
        stdin.write_all(soak_text("later", 10).as_bytes()).unwrap();
        drop(stdin);
        expect_phase(&rx, "later", 10);
        assert_eq!(child.wait().unwrap().code(), Some(0), "{args:?}");
    }
}
