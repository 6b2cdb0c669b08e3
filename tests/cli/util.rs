//! A command helper that scrubs the environment a developer's shell would leak into the run.

use assert_cmd::Command;
use serde_json::Value;

pub fn callev() -> Command {
    let mut c = Command::cargo_bin("callev").expect("the callev binary is built");
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "COLUMNS", "TERM", "TZ"] {
        c.env_remove(var);
    }
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
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
