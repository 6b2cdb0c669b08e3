//! Build facts for `callev --version`: the commit the binary was built from and the target it
//! was built for. The commit comes from git in a checkout, or from `.cargo_vcs_info.json` in a
//! package from crates.io (cargo writes it there); `unknown` when neither says.

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = from_git()
        .or_else(from_package)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CALLEV_COMMIT={commit}");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=CALLEV_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
    // Only files that exist: a missing one would run this script on every build.
    for f in [".git/HEAD", ".git/index", ".cargo_vcs_info.json"] {
        if Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
}

fn from_git() -> Option<String> {
    if !Path::new(".git").exists() {
        return None;
    }
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

fn from_package() -> Option<String> {
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + 6..];
    let start = rest.find('"')? + 1;
    let len = rest[start..].find('"')?;
    Some(rest[start..start + len.min(12)].to_owned())
}
