//! The `callev` binary: `main` only maps the end of `app::run` to an exit code (`exit.rs`).

use callev::{app, exit};

use std::process::ExitCode;

/// Records are parsed into many small short-lived allocations on several threads, and batch
/// buffers are large: mimalloc handles both without the system allocator's lock contention and
/// mmap churn (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc commits its first 1 GiB arena eagerly where the OS overcommits (Linux), which with
/// transparent huge pages shows as ~25 MB more resident memory from the start. Commit on demand
/// instead. Set here, before `main` and any allocation, rather than as a C flag of mimalloc's
/// build: `cargo install` from crates.io reads no `.cargo/config.toml`, and the binary must be
/// the same wherever it is built (BENCHMARKS.md).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static COMMIT_ON_DEMAND: extern "C" fn() = commit_on_demand;

#[cfg(target_os = "linux")]
extern "C" fn commit_on_demand() {
    /// `mi_option_arena_eager_commit` in mimalloc.h's `mi_option_e` (the -sys crate does not
    /// name it): 0 never, 1 always, 2 (the default) where the OS overcommits.
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: sets an option's value; mimalloc reads it when it reserves its first arena.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    match app::run() {
        Ok(status) => status.into(),
        Err(err) => exit::of_error(&err).into(),
    }
}
