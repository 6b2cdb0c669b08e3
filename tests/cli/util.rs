//! A command helper that scrubs the environment a developer's shell would leak into the run.

use assert_cmd::Command;
use serde_json::Value;

/// The variables a developer's shell may set that change what callev writes.
pub const SCRUBBED: [&str; 5] = ["NO_COLOR", "CLICOLOR_FORCE", "COLUMNS", "TERM", "TZ"];

/// The binary as a plain process, environment scrubbed, in the project's folder: for tests that
/// spawn it and talk to it while it runs. Every test process starts here.
pub fn process() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("callev"));
    for var in SCRUBBED {
        c.env_remove(var);
    }
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

pub fn callev() -> Command {
    let mut c = Command::from_std(process());
    // Never a terminal: tests pipe their input.
    c.write_stdin("");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_with(callev().args(args))
}

pub fn run_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    run_with(callev().args(args).write_stdin(stdin))
}

pub fn run_with(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("callev runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Decode NDJSON output, one value per line.
pub fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"))
}

/// A zstd-compressed text file of `tests/data`, as text.
pub fn zstd_text(path: &str) -> String {
    let packed = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8(zstd::decode_all(&packed[..]).unwrap()).unwrap()
}

/// Whether a tool a test needs runs here (`probe` succeeds). In CI it must (`.ci/run` installs
/// it); elsewhere the test is skipped, saying so.
pub fn present(probe: &mut std::process::Command, what: &str) -> bool {
    let ok = probe.output().is_ok_and(|o| o.status.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "CI must have {what} (.ci/run installs it)"
    );
    if !ok {
        // Written to stderr itself, not through `eprintln!`, which the test harness captures:
        // whoever runs `cargo test` sees what was not tested.
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "note: a test skipped: no {what} here");
    }
    ok
}

/// The files under `dir`, at any depth.
pub fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(path.to_str().unwrap()));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}
