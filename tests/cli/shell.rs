//! Completions, the man page and `callev schema`.

use crate::util::{callev, json, run, run_with};

#[test]
fn committed_completions_and_man_page_match_the_binary() {
    for (args, file) in [
        (&["completions", "bash"][..], "completions/callev.bash"),
        (&["completions", "zsh"], "completions/_callev"),
        (&["completions", "fish"], "completions/callev.fish"),
        (&["completions", "powershell"], "completions/_callev.ps1"),
        (&["completions", "elvish"], "completions/callev.elv"),
        (&["man"], "completions/callev.1"),
    ]
    .into_iter()
    .map(|(args, file)| (args.to_vec(), file.to_owned()))
    .chain(
        subcommands()
            .into_iter()
            .map(|page| (vec!["man", page], format!("completions/callev-{page}.1"))),
    ) {
        let r = run(&args);
        assert_eq!(r.code, 0);
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == r.stdout,
            "{file} is out of date: run `cargo run -- {} > {file}`",
            args.join(" ")
        );
    }
}

/// The subcommands `callev --help` lists (each has a man page of its own).
fn subcommands() -> Vec<&'static str> {
    let help = run(&["--help"]).stdout;
    let listed: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description's second line is indented further.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(listed.len() >= 9, "{help}");
    listed.into_iter().map(|c| &*c.leak()).collect()
}

/// The vendor ids, in the order callev lists them (the command line's contract).
const VENDORS: [&str; 4] = ["workonflow", "xelion", "voximplant", "bandwidth"];

#[test]
fn schema_lists_vendors_events_and_fields() {
    let all = json(&run(&["schema", "-o", "json"]).stdout);
    let ids: Vec<&str> = VENDORS.to_vec();
    let listed: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["vendor"].as_str())
        .collect();
    assert_eq!(listed, ids);
    let vox = json(&run(&["schema", "voximplant", "-o", "json"]).stdout);
    assert_eq!(vox.as_array().unwrap().len(), 41);
    let ended = json(&run(&["schema", "workonflow", "call.ended", "-o", "json"]).stdout);
    let fields = ended[0]["fields"].as_array().unwrap();
    let talk = fields
        .iter()
        .find(|f| f["name"] == "dialogDuration")
        .unwrap();
    assert_eq!(
        (
            talk["type"].as_str(),
            talk["unit"].as_str(),
            talk["required"].as_bool()
        ),
        (Some("number"), Some("ms"), Some(true))
    );
    let table = run(&["schema", "xelion", "callHungUpEvent"]);
    assert!(table.stdout.contains("duration"));
    assert!(table.stdout.contains("string of digits"));
    let missing = run(&["schema", "xelion", "nope"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("newCallEvent"));
}

#[test]
fn json_schema_export_is_draft_2020_12() {
    let one = json(&run(&["schema", "--json-schema", "voximplant", "Call.ToneReceived"]).stdout);
    assert_eq!(
        one["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(one["properties"]["name"]["const"], "Call.ToneReceived");
    assert_eq!(one["properties"]["tone"]["pattern"], "^[0-9*#]+$");
    let everything = json(&run(&["schema", "--json-schema"]).stdout);
    let defs = everything["$defs"].as_object().unwrap();
    let total: usize = VENDORS
        .iter()
        .map(|v| {
            json(&run(&["schema", v, "-o", "json"]).stdout)
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    // One definition per event, and per vendor at least one for the events the documents do
    // not list.
    let others: Vec<&String> = defs.keys().filter(|k| k.contains(".other")).collect();
    assert!(VENDORS
        .iter()
        .all(|v| others.iter().any(|k| k.starts_with(&format!("{v}.other")))));
    assert_eq!(defs.len(), total + others.len());
}

/// Run under a pseudo-terminal (util-linux `script`), as a person would.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("callev");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "COLUMNS"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("util-linux `script` is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn color_on_a_terminal_unless_no_color() {
    let colored = on_a_terminal(
        "timeline fixtures/voximplant/full-call.log",
        &[("TERM", "xterm")],
    );
    assert!(colored.contains("Call.Connected"), "{colored}");
    assert!(
        colored.contains("\u{1b}["),
        "no color on a terminal: {colored:?}"
    );
    let plain = on_a_terminal(
        "timeline fixtures/voximplant/full-call.log",
        &[("TERM", "xterm"), ("NO_COLOR", "1")],
    );
    assert!(plain.contains("Call.Connected"));
    assert!(
        !plain.contains("\u{1b}["),
        "color despite NO_COLOR: {plain:?}"
    );
    let empty = on_a_terminal(
        "timeline fixtures/voximplant/full-call.log",
        &[("TERM", "xterm"), ("NO_COLOR", "")],
    );
    assert!(
        empty.contains("\u{1b}["),
        "an empty NO_COLOR does not disable color"
    );
}

#[test]
fn machine_output_on_a_terminal_has_no_color() {
    let out = on_a_terminal(
        "events -o ndjson fixtures/voximplant/full-call.log",
        &[("TERM", "xterm")],
    );
    assert!(!out.contains('\u{1b}'));
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line.trim_end_matches('\r'))
            .expect("valid JSON on a terminal");
    }
}

#[test]
fn tables_fit_columns() {
    let narrow = run_with(
        callev()
            .args(["events", "fixtures/mixed/all-vendors.log"])
            .env("COLUMNS", "100"),
    );
    let wide = run_with(
        callev()
            .args(["events", "fixtures/mixed/all-vendors.log"])
            .env("COLUMNS", "200"),
    );
    assert!(
        narrow.stdout.lines().all(|l| l.chars().count() <= 100),
        "{}",
        narrow.stdout
    );
    assert!(!narrow.stdout.lines().next().unwrap().contains("vendor"));
    assert!(wide.stdout.lines().next().unwrap().contains("vendor"));
    let summary = run_with(
        callev()
            .args(["summary", "fixtures/mixed/all-vendors.log"])
            .env("COLUMNS", "110"),
    );
    assert!(
        summary.stdout.lines().all(|l| l.chars().count() <= 110),
        "{}",
        summary.stdout
    );
}

#[test]
fn every_command_has_examples_and_every_flag_help() {
    for cmd in [
        "detect",
        "validate",
        "events",
        "timeline",
        "summary",
        "browse",
        "listen",
        "send",
        "trigger",
        "schema",
        "completions",
        "man",
    ] {
        let r = run(&[cmd, "--help"]);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("Example"), "{cmd} --help has no examples");
        assert!(
            r.stdout
                .trim_end()
                .lines()
                .last()
                .unwrap()
                .contains("callev "),
            "{cmd} --help does not end with an example"
        );
    }
    // The version, the commit it was built from and the target it was built for.
    let version = run(&["--version"]);
    let text = version.stdout.trim();
    let prefix = format!("callev {} (", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&prefix), "{text}");
    let (commit, target) = text[prefix.len()..]
        .trim_end_matches(')')
        .split_once(", ")
        .unwrap();
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{text}"
    );
    assert!(target.contains('-'), "{text}");
}

/// Each subcommand's `--help` lists the flags that apply to it, each with its help, and no
/// other; a flag that does not apply is a usage error.
#[test]
fn each_command_lists_only_its_flags() {
    let reading = [
        "--output",
        "--color",
        "--vendor",
        "--as",
        "--input-format",
        "--follow",
        "--threads",
    ];
    let viewing = [
        "--tz",
        "--source-tz",
        "--full-ids",
        "--call",
        "--event",
        "--since",
        "--until",
    ];
    let calls = ["--outcome", "--party"];
    let mut all: Vec<&str> = [&reading[..], &viewing, &calls].concat();
    all.extend([
        "--explain",
        "--strict",
        "--allow",
        "--anomalies",
        "--by",
        "--sort",
    ]);
    let cases: [(&str, Vec<&str>); 7] = [
        ("detect", [&reading[..], &["--explain"]].concat()),
        (
            "validate",
            [&reading[..], &["--strict", "--allow"]].concat(),
        ),
        ("events", [&reading[..], &viewing].concat()),
        ("timeline", [&reading[..], &viewing, &calls].concat()),
        (
            "summary",
            [
                &reading[..],
                &viewing,
                &calls,
                &["--anomalies", "--by", "--sort"],
            ]
            .concat(),
        ),
        ("browse", [&reading[1..], &viewing, &calls].concat()),
        ("schema", vec!["--output", "--color"]),
    ];
    for (cmd, flags) in cases {
        let help = run(&[cmd, "--help"]).stdout;
        for flag in &all {
            let line = help
                .lines()
                .find(|l| l.split([' ', ',', '=']).any(|w| w == *flag));
            if flags.contains(flag) {
                let line = line.unwrap_or_else(|| panic!("{cmd} --help lacks {flag}"));
                assert!(
                    line.len() > flag.len() + 12 || help.contains(&format!("{flag} ")),
                    "{cmd}: {flag} has no help"
                );
            } else {
                assert!(line.is_none(), "{cmd} --help lists {flag}: {line:?}");
            }
        }
    }
    let refused = run(&[
        "validate",
        "--call",
        "abc",
        "fixtures/mixed/all-vendors.log",
    ]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--call"), "{}", refused.stderr);
}

#[test]
fn progress_shows_on_a_terminal_for_slow_reads_only() {
    let bin = assert_cmd::cargo::cargo_bin("callev");
    let f = "fixtures/voximplant/all-events.ndjson";
    let slow = format!(
        "sh -c '(cat {f}; sleep 1.5; cat {f}) | {} validate'",
        bin.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &slow, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .output()
        .expect("util-linux `script` is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("records,"),
        "no progress on a terminal: {text:?}"
    );
    assert!(text.contains("checked 80 records"));
    // The byte rate is over the whole read: tens of kilobytes over 1.5 s, not gigabytes.
    assert!(text.contains("B/s"), "{text:?}");
    assert!(
        !text.contains("GiB/s") && !text.contains("MiB/s"),
        "{text:?}"
    );
    // Not a terminal: never.
    let piped = crate::util::run_stdin(
        &["validate"],
        [std::fs::read(f).unwrap(), std::fs::read(f).unwrap()].concat(),
    );
    assert!(!piped.stderr.contains("records,"));
}

#[test]
fn schema_writes_csv_and_ndjson_as_other_commands_do() {
    let ids: Vec<&str> = VENDORS.to_vec();
    let csv = run(&["schema", "-o", "csv"]);
    assert_eq!(csv.code, 0);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["vendor", "title", "events"]
    );
    let vendors: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(vendors, ids);
    let events = crate::util::ndjson(&run(&["schema", "xelion", "-o", "ndjson"]).stdout);
    let listed = json(&run(&["schema", "-o", "json"]).stdout);
    let xelion = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vendor"] == "xelion")
        .unwrap();
    assert_eq!(events.len(), xelion["events"].as_array().unwrap().len());
    assert!(events
        .iter()
        .all(|e| e["vendor"] == "xelion" && e["fields"].is_array()));
}

#[test]
fn a_closed_pipe_ends_schema_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = crate::util::process()
        .args(["schema", "--json-schema"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "{\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_failed_write_is_an_io_error() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        &["summary", "fixtures/mixed/all-vendors.log"][..],
        &["schema"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = crate::util::process()
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr.contains("No space left"), "{stderr}");
    }
}
