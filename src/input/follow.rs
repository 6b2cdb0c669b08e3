//! Following a file as it grows (`--follow`): at the end of the data, wait and read again; a file
//! that shrank (truncated) is read again from its start, and a file replaced under its name
//! (rotated) is reopened once the old one is drained. Ctrl-C ends it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::signal::interrupted;

/// How long to wait at the end of the data before looking again.
const POLL: Duration = Duration::from_millis(100);

pub(crate) struct Follow {
    path: PathBuf,
    file: File,
    pos: u64,
    id: Option<(u64, u64)>,
    /// Set when reading started again: `TRUNCATED` or `REPLACED`; the framer takes it.
    restart: Arc<AtomicU8>,
}

/// What `Follow::restart` says happened (0: nothing).
pub(crate) const TRUNCATED: u8 = 1;
pub(crate) const REPLACED: u8 = 2;

/// How reading a followed file started again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Restart {
    /// The file shrank: it is read again from its start.
    Truncated,
    /// Another file took its name (log rotation): the new one is read from its start.
    Replaced,
}

impl Restart {
    /// Take what happened since the last look, if anything.
    pub(crate) fn take(flag: &AtomicU8) -> Option<Restart> {
        match flag.swap(0, Ordering::Relaxed) {
            TRUNCATED => Some(Restart::Truncated),
            REPLACED => Some(Restart::Replaced),
            _ => None,
        }
    }
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

impl Follow {
    pub(crate) fn new(path: PathBuf, file: File, restart: Arc<AtomicU8>) -> Follow {
        let id = file.metadata().ok().as_ref().and_then(file_id);
        Follow {
            path,
            file,
            pos: 0,
            id,
            restart,
        }
    }
}

impl Read for Follow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.file.read(buf)?;
            if n > 0 {
                self.pos += n as u64;
                return Ok(n);
            }
            if interrupted() {
                return Ok(0);
            }
            if let Ok(meta) = std::fs::metadata(&self.path) {
                let id = file_id(&meta);
                if id.is_some() && id != self.id {
                    if let Ok(file) = File::open(&self.path) {
                        self.file = file;
                        self.id = id;
                        self.pos = 0;
                        self.restart.store(REPLACED, Ordering::Relaxed);
                        continue;
                    }
                } else if meta.len() < self.pos {
                    self.file.seek(SeekFrom::Start(0))?;
                    self.pos = 0;
                    self.restart.store(TRUNCATED, Ordering::Relaxed);
                    continue;
                }
            }
            std::thread::sleep(POLL);
        }
    }
}
