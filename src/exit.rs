//! How a run ends, as the documented exit statuses, and the one place errors map to them.

use std::io;
use std::process::ExitCode;

/// The exit statuses the README and `--help` document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every record was read and, for `validate`, valid (a closed pipe too).
    Ok,
    /// The data has problems: unparseable records, unknown vendors, invalid records.
    DataProblems,
    /// A bad flag, a missing or unreadable file, no input on a terminal, a failed write.
    UsageOrIo,
    /// Ctrl-C: the output was finished as far as it was read.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::DataProblems => 1,
            Exit::UsageOrIo => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// A usage error: a bad flag value or no input on a terminal (exit code 2).
#[derive(Debug)]
pub(crate) struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

pub(crate) fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// Ctrl-C ended the run: the view finished its output, and the run stops here.
#[derive(Debug)]
pub(crate) struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// The status an error ends the run with: a closed pipe is a quiet success, Ctrl-C is 130, and
/// anything else (usage, reading, writing) is said on stderr and is 2. Data problems are never
/// errors: they are findings, counted.
pub fn of_error(err: &anyhow::Error) -> Exit {
    if err.downcast_ref::<Interrupted>().is_some() {
        return Exit::Interrupted;
    }
    if err.chain().any(is_broken_pipe) {
        return Exit::Ok;
    }
    crate::output::say(&format!("{err:#}"));
    Exit::UsageOrIo
}

/// Whether an error is, or wraps, a write to a closed pipe. serde_json and csv keep the I/O
/// error inside their own (serde_json's `source` skips it).
fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let kind = if let Some(io) = e.downcast_ref::<io::Error>() {
        Some(io.kind())
    } else if let Some(json) = e.downcast_ref::<serde_json::Error>() {
        json.io_error_kind()
    } else if let Some(csv) = e.downcast_ref::<csv::Error>() {
        match csv.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        }
    } else {
        None
    };
    kind == Some(io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_pipes_end_quietly_however_wrapped() {
        let pipe = || io::Error::new(io::ErrorKind::BrokenPipe, "closed");
        let wrapped = anyhow::Error::new(pipe()).context("failed to write");
        assert_eq!(of_error(&wrapped), Exit::Ok);
        let json = serde_json::to_writer(ClosedPipe, &serde_json::json!({"a": 1})).unwrap_err();
        assert_eq!(of_error(&anyhow::Error::new(json)), Exit::Ok);
        let full = anyhow::Error::new(io::Error::new(io::ErrorKind::StorageFull, "full"));
        assert_eq!(of_error(&full), Exit::UsageOrIo);
        assert_eq!(
            of_error(&anyhow::Error::new(Interrupted)),
            Exit::Interrupted
        );
    }

    struct ClosedPipe;

    impl io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
