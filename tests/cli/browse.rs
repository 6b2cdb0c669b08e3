//! `callev browse`: refused where there is no terminal, and run for real in tmux (`.ci/run`
//! installs it): opened on a fixture, a call opened, the list filtered, quit, the screen given
//! back as it was.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::{present, run};

#[test]
fn without_a_terminal_browse_says_which_commands_to_use() {
    let r = run(&["browse", "fixtures/mixed/all-vendors.log"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("terminal"), "{}", r.stderr);
    assert!(r.stderr.contains("callev summary"), "{}", r.stderr);
    assert!(r.stderr.contains("callev timeline"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

/// A tmux server of the test's own (the shell in its pane waits for a line after browse ends,
/// so that the screen it gives back can be read).
struct Tmux {
    socket: String,
}

impl Tmux {
    /// A server of its own named `name`, with a session `browse` of `width`x24 running
    /// `script` in `sh`.
    fn start(name: &str, width: u16, script: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("{name}-{}", std::process::id()),
        };
        let width = width.to_string();
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "browse",
            "-x",
            &width,
            "-y",
            "24",
            "sh",
            "-c",
            script,
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "browse"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "browse"];
        args.extend(keys);
        self.run(&args);
    }

    /// The screen once `done` holds of it; the screen as it was after ten seconds otherwise.
    fn until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn has_tmux() -> bool {
    present(Command::new("tmux").arg("-V"), "tmux")
}

#[test]
fn browse_in_a_real_terminal_opens_a_call_filters_and_gives_the_screen_back() {
    if !has_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let status = dir.path().join("status");
    let bin = assert_cmd::cargo::cargo_bin("callev");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mixed/all-vendors.log");
    let script = format!(
        "printf 'BEFORE\\n'; '{}' browse '{}'; echo \"exit=$?\" > '{}'; printf 'AFTER\\n'; read done",
        bin.display(),
        fixture.display(),
        status.display()
    );
    let tmux = Tmux::start("callev-test", 80, &script);
    // The list, read to the end, at 80 columns.
    let list = tmux.until("the call list", |s| {
        s.contains("callev browse") && s.contains("read 16 records")
    });
    assert!(list.contains("4 calls"), "{list}");
    assert!(list.contains("USER_BUSY"), "{list}");
    assert!(list.lines().all(|l| l.chars().count() <= 80), "{list}");
    // Enter opens the first call: its facts, timeline and first record.
    tmux.keys(&["Enter"]);
    let call = tmux.until("the call view", |s| {
        s.contains("▶ call") && s.contains("record as read")
    });
    assert!(
        call.contains("4d5e6f70-3333-4333-8333-000000000004"),
        "{call}"
    );
    assert!(call.contains("call.on.paused"), "{call}");
    assert!(call.contains("all-vendors.log:1"), "{call}");
    // Back, then a filter typed: only the busy call is left.
    tmux.keys(&["Escape"]);
    tmux.until("the list again", |s| s.contains("sort arrival"));
    tmux.keys(&["/", "b", "u", "s", "y", "Enter"]);
    let filtered = tmux.until("the filtered list", |s| s.contains("filter /busy"));
    assert!(filtered.contains("1 call "), "{filtered}");
    assert!(filtered.contains("USER_BUSY"), "{filtered}");
    assert!(!filtered.contains("call.ended"), "{filtered}");
    // q quits with 0 and the shell's screen is back as it was.
    tmux.keys(&["q"]);
    let after = tmux.until("the shell after browse", |s| s.contains("AFTER"));
    assert_eq!(std::fs::read_to_string(&status).unwrap().trim(), "exit=0");
    assert!(after.contains("BEFORE"), "{after}");
    assert!(!after.contains("sort arrival"), "{after}");
    assert!(!after.contains("callev browse"), "{after}");
}

#[test]
fn browse_following_a_file_updates_its_calls_as_events_arrive() {
    if !has_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("live.log");
    let all = std::fs::read_to_string("fixtures/mixed/all-vendors.log").unwrap();
    let lines: Vec<&str> = all.lines().collect();
    std::fs::write(&log, format!("{}\n", lines[..8].join("\n"))).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("callev");
    let script = format!(
        "'{}' browse -f '{}'; read done",
        bin.display(),
        log.display()
    );
    let tmux = Tmux::start("callev-test-follow", 100, &script);
    // The first events of four calls: none has ended yet.
    let open = tmux.until("the open calls", |s| s.contains("reading… 8 records"));
    assert!(open.contains("4 calls"), "{open}");
    assert!(open.contains("in_progress 4"), "{open}");
    // The rest arrives: the same calls end, and the list says how.
    let mut rest = lines[8..].join("\n");
    rest.push('\n');
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(rest.as_bytes())
        .unwrap();
    let ended = tmux.until("the ended calls", |s| s.contains("answered 3  busy 1"));
    assert!(ended.contains("4 calls"), "{ended}");
    tmux.keys(&["q"]);
}
