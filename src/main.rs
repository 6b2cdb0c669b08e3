//! The `callev` binary: `main` only maps the end of `app::run` to an exit code (`exit.rs`).

use callev::{app, exit};

use std::process::ExitCode;

/// Records are parsed into many small short-lived allocations on several threads, and batch
/// buffers are large: mimalloc handles both without the system allocator's lock contention and
/// mmap churn (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match app::run() {
        Ok(status) => status.into(),
        Err(err) => exit::of_error(&err).into(),
    }
}
