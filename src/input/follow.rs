//! Following a file as it grows (`--follow`): at the end of the data, wait and read again; a file
//! that shrank (truncated) is read again from its start, and so is one truncated and written past
//! the old end while callev waited (its first bytes or the bytes last read are no longer what
//! they were); a file replaced
//! under its name (rotated) is reopened once the old one is drained. Ctrl-C ends it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::signal::interrupted;

/// How long to wait at the end of the data before looking again.
const POLL: Duration = Duration::from_millis(100);

/// How many of the first and of the last bytes read are kept to tell, after a wait, that the file
/// is still the one read (not truncated and written again past where reading stood).
const TAIL: usize = 256;

pub(crate) struct Follow {
    path: PathBuf,
    file: File,
    pos: u64,
    id: Option<(u64, u64)>,
    /// Set when reading started again: `TRUNCATED` or `REPLACED`; the framer takes it.
    restart: Arc<AtomicU8>,
    /// The first bytes of the file and the last bytes read (up to `TAIL` each), the latter
    /// ending at `pos`.
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Reading waited at the end of the data since the last read.
    waited: bool,
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

/// Without inodes (Windows), a file is told by its creation time: a rotated log's new file was
/// created after the one being read.
#[cfg(not(unix))]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    let created = meta.created().ok()?;
    let since = created.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((0, since.as_nanos() as u64))
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
            head: Vec::with_capacity(TAIL),
            tail: Vec::with_capacity(TAIL),
            waited: false,
        }
    }

    fn remember(&mut self, read: &[u8]) {
        let first = (TAIL - self.head.len()).min(read.len());
        self.head.extend_from_slice(&read[..first]);
        let keep = read.len().min(TAIL);
        let drop = (self.tail.len() + keep).saturating_sub(TAIL);
        self.tail.drain(..drop);
        self.tail.extend_from_slice(&read[read.len() - keep..]);
    }

    /// Whether the file behind the open handle was truncated: it is shorter than what was read,
    /// or the bytes last read are not there any more (truncated and written past the old end).
    fn truncated(&self) -> bool {
        let Ok(meta) = self.file.metadata() else {
            return false;
        };
        if meta.len() < self.pos {
            return true;
        }
        let changed = |kept: &[u8], at: u64| {
            let mut there = vec![0; kept.len()];
            read_at(&self.file, &mut there, at).is_ok_and(|n| there[..n] != *kept)
        };
        changed(&self.head, 0) || changed(&self.tail, self.pos - self.tail.len() as u64)
    }

    fn start_again(&mut self, how: u8) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.pos = 0;
        self.head.clear();
        self.tail.clear();
        self.restart.store(how, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], at + got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    // `seek_read` moves the handle's cursor: it is put back where reading stands.
    let mut handle = file;
    let back = handle.stream_position()?;
    let mut got = 0;
    while got < buf.len() {
        match file.seek_read(&mut buf[got..], at + got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    handle.seek(SeekFrom::Start(back))?;
    Ok(got)
}

/// Elsewhere no positioned read: the check by content is left out (the size still tells a
/// truncation).
#[cfg(not(any(unix, windows)))]
fn read_at(_file: &File, _buf: &mut [u8], _at: u64) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

impl Read for Follow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // After a wait, before reading on: is what was read still there?
            if std::mem::take(&mut self.waited) && self.truncated() {
                self.start_again(TRUNCATED)?;
            }
            let n = self.file.read(buf)?;
            if n > 0 {
                self.pos += n as u64;
                self.remember(&buf[..n]);
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
                        self.start_again(REPLACED)?;
                        continue;
                    }
                }
            }
            if self.truncated() {
                self.start_again(TRUNCATED)?;
                continue;
            }
            std::thread::sleep(POLL);
            self.waited = true;
        }
    }
}
