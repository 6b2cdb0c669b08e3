//! The `callev` binary: `main` only maps the result of `app::run` to an exit code; a closed pipe
//! is a quiet success.

use callev::{app, config};

use std::process::ExitCode;

/// Records are parsed into many small short-lived allocations on several threads, and batch
/// buffers are large: mimalloc handles both without the system allocator's lock contention and
/// mmap churn (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match app::run() {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("callev: {err:#}");
            ExitCode::from(if err.downcast_ref::<config::UsageError>().is_some() {
                2
            } else {
                1
            })
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
