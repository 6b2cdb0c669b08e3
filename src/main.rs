//! The `callev` binary: `main` only maps the result of `app::run` to an exit code; a closed pipe
//! is a quiet success.

use callev::app;

use std::process::ExitCode;

/// Records are parsed into many small short-lived allocations on several threads, and batch
/// buffers are large: mimalloc handles both without the system allocator's lock contention and
/// mmap churn (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match app::run() {
        Ok(code) => code,
        Err(err) => app::report(&err),
    }
}
