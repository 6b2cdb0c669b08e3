//! The capture file: each request's record appended as one whole line, written (and with
//! `--fsync` made durable) before the request is answered. One thread writes; requests hand it
//! their lines and wait. Lines that arrive while it writes go out together, and one `fsync`
//! covers them all (group commit), so durability costs one sync per burst, not per request.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// A written line, for the screen: its line number in the capture and its bytes.
pub(crate) type Written = (u64, Vec<u8>);

struct Job {
    line: Vec<u8>,
    done: oneshot::Sender<io::Result<u64>>,
}

/// Where requests hand their lines.
#[derive(Clone)]
pub(crate) struct Writer {
    tx: Sender<Job>,
}

/// The capture file opened for appending, and where its lines stand.
pub(crate) struct Opened {
    file: File,
    /// Lines already in the file (the next line written is `lines + 1`).
    pub(crate) lines: u64,
    /// It ended in the middle of a line (a run killed while writing): a newline was added so
    /// that the damaged line stays one damaged record and takes no new one with it.
    pub(crate) mended: bool,
}

/// Open (or create) the capture for appending.
pub(crate) fn open(path: &Path) -> io::Result<Opened> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let mut lines = 0;
    let mut last = b'\n';
    let mut buf = vec![0u8; 1 << 16];
    file.seek(SeekFrom::Start(0))?;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        last = buf[n - 1];
    }
    let mended = last != b'\n';
    if mended {
        file.write_all(b"\n")?;
        lines += 1;
    }
    Ok(Opened {
        file,
        lines,
        mended,
    })
}

/// Start the writing thread. Written lines go on to `screen` when it has room (the screen may
/// fall behind under load; the capture never does): `skipped` counts those it did not take.
pub(crate) fn start(
    opened: Opened,
    fsync: bool,
    screen: Option<SyncSender<Written>>,
    skipped: Arc<AtomicU64>,
) -> io::Result<(Writer, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("callev-capture".into())
        .spawn(move || write_all(opened, fsync, &rx, screen.as_ref(), &skipped))?;
    Ok((Writer { tx }, handle))
}

fn write_all(
    opened: Opened,
    fsync: bool,
    rx: &Receiver<Job>,
    screen: Option<&SyncSender<Written>>,
    skipped: &AtomicU64,
) {
    let Opened {
        mut file,
        mut lines,
        ..
    } = opened;
    let mut jobs = Vec::new();
    while let Ok(first) = rx.recv() {
        jobs.push(first);
        while jobs.len() < 4096 {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        // One write per line, so that a process killed while writing leaves whole lines
        // before the one it was writing.
        let mut result = Ok(());
        for job in &jobs {
            result = file.write_all(&job.line);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() && fsync {
            result = file.sync_data();
        }
        for job in jobs.drain(..) {
            match &result {
                Ok(()) => {
                    lines += 1;
                    let _ = job.done.send(Ok(lines));
                    if let Some(screen) = screen {
                        if let Err(TrySendError::Full(_)) = screen.try_send((lines, job.line)) {
                            skipped.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                Err(e) => {
                    let _ = job.done.send(Err(io::Error::new(e.kind(), e.to_string())));
                }
            }
        }
        // After a failed write the file's end is unknown: count from what it holds now.
        if result.is_err() {
            break;
        }
    }
    // Requests still waiting are told it failed rather than left hanging.
    for job in rx.try_iter() {
        let _ = job
            .done
            .send(Err(io::Error::other("the capture stopped after an error")));
    }
}

impl Writer {
    /// Append a line; resolves with its line number once it is written (and synced).
    pub(crate) async fn append(&self, line: Vec<u8>) -> io::Result<u64> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { line, done })
            .map_err(|_| io::Error::other("the capture is closed"))?;
        wait.await
            .map_err(|_| io::Error::other("the capture stopped"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_cut_mid_line_is_mended_and_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.ndjson");
        std::fs::write(&path, b"{\"a\":1}\n{\"a\":").unwrap();
        let opened = open(&path).unwrap();
        assert_eq!((opened.lines, opened.mended), (2, true));
        let (screen_tx, screen_rx) = mpsc::sync_channel(4);
        let (writer, handle) =
            start(opened, true, Some(screen_tx), Arc::new(AtomicU64::new(0))).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let n = rt.block_on(writer.append(b"{\"b\":2}\n".to_vec())).unwrap();
        assert_eq!(n, 3);
        drop(writer);
        handle.join().unwrap();
        assert_eq!(screen_rx.recv().unwrap(), (3, b"{\"b\":2}\n".to_vec()));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"a\":\n{\"b\":2}\n"
        );
    }
}
