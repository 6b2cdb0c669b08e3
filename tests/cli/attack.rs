//! The promise under attack: nothing lost, nothing counted twice, no input that blows up, and
//! nothing unsafe reaching the terminal. Each test is an attack that once broke it.

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
