//! Reading in parallel while keeping input order. One thread reads and frames (cheap, sequential),
//! workers analyze whole batches (the expensive part, on every core), and the caller's thread
//! receives the results in input order: each batch's result travels through a one-shot channel
//! that is queued, in order, before the batch is handed to a worker. The queues are bounded, so
//! memory stays flat however large the input.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Error, Result};

use crate::input::{self, Batch, Framer, InputFormat, Source};

/// What arrives at the caller, in input order.
pub(crate) enum Unit<T> {
    Batch {
        source: usize,
        result: T,
    },
    /// A source that could not be opened or read; the others go on.
    Failed {
        error: Error,
    },
    /// Ctrl-C was pressed: the caller finishes its output and ends the run.
    Interrupted,
    /// Nothing more has been read yet (a pipe or a followed file waiting for its writer): what
    /// was written so far is due on the output.
    Idle,
}

enum Slot<T> {
    Batch(usize, Receiver<T>),
    Failed(Error),
}

type Job<T> = (Batch, SyncSender<T>);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Options<'a> {
    pub(crate) format: InputFormat,
    pub(crate) threads: usize,
    /// Batches read ahead of the caller beyond one per worker: more absorbs a caller whose work
    /// comes in bursts (summary's sweeps), at the cost of memory.
    pub(crate) ahead: usize,
    /// Keep reading the last source as it grows.
    pub(crate) follow: bool,
    /// Bytes read so far, as stored (before decompression), for progress.
    pub(crate) bytes_read: &'a Arc<AtomicU64>,
}

/// Run `map` over every batch of every source on worker threads and hand the results to `fold`
/// in input order. An error from `fold` (a closed pipe, Ctrl-C) stops the run at once: the
/// workers end, and the reader, which may be blocked on input that never comes
/// (`tail -f log | callev events | head -1`), is left to end with the process.
pub(crate) fn run<T, M, F>(sources: &[Source], opts: Options, map: M, mut fold: F) -> Result<()>
where
    T: Send + 'static,
    M: Fn(&Batch) -> T + Sync,
    F: FnMut(Unit<T>) -> Result<()>,
{
    let threads = opts.threads.max(1);
    let (order_tx, order_rx) = sync_channel::<Slot<T>>(threads + opts.ahead);
    let (work_tx, work_rx) = sync_channel::<Job<T>>(threads);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let stop = AtomicBool::new(false);
    // Named threads, so that a profile tells the stages apart.
    let (sources, format, follow) = (sources.to_vec(), opts.format, opts.follow);
    let bytes_read = Arc::clone(opts.bytes_read);
    std::thread::Builder::new()
        .name("callev-read".into())
        .spawn(move || read_all(&sources, format, follow, &bytes_read, &order_tx, &work_tx))?;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let (map, stop) = (&map, &stop);
            let worker = move || loop {
                let job = match work_rx.lock() {
                    // Waiting in turns, a worker looks up now and then to see if the run stopped.
                    Ok(rx) => match rx.recv_timeout(Duration::from_millis(100)) {
                        Ok(job) => job,
                        Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => continue,
                        Err(_) => return,
                    },
                    Err(_) => return,
                };
                let (batch, reply) = job;
                // The receiver is gone only when the caller stopped early.
                let _ = reply.send(map(&batch));
            };
            std::thread::Builder::new()
                .name("callev-work".into())
                .spawn_scoped(scope, worker)?;
        }
        let folded = receive(order_rx, &mut fold);
        stop.store(true, Ordering::Relaxed);
        folded
    })
}

/// Hand each unit to `fold` in order until the reader is done or `fold` fails. The order queue
/// is dropped on return, so that the reader stops at its next send.
fn receive<T, F>(order_rx: Receiver<Slot<T>>, fold: &mut F) -> Result<()>
where
    F: FnMut(Unit<T>) -> Result<()>,
{
    let mut idle = false;
    loop {
        let slot = match order_rx.try_recv() {
            Ok(slot) => slot,
            Err(TryRecvError::Disconnected) => return Ok(()),
            Err(TryRecvError::Empty) => {
                // Once each time the reader falls behind: the output up to here is due.
                if !idle {
                    idle = true;
                    fold(Unit::Idle)?;
                }
                match order_rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(slot) => slot,
                    Err(RecvTimeoutError::Timeout) => {
                        if crate::signal::interrupted() {
                            fold(Unit::Interrupted)?;
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
        };
        idle = false;
        let unit = match slot {
            Slot::Batch(source, rx) => match rx.recv() {
                Ok(result) => Unit::Batch { source, result },
                Err(_) => continue,
            },
            Slot::Failed(error) => Unit::Failed { error },
        };
        fold(unit)?;
        if crate::signal::interrupted() {
            fold(Unit::Interrupted)?;
        }
    }
}

fn read_all<T>(
    sources: &[Source],
    format: InputFormat,
    follow_last: bool,
    bytes_read: &Arc<AtomicU64>,
    order: &SyncSender<Slot<T>>,
    work: &SyncSender<Job<T>>,
) {
    for (i, source) in sources.iter().enumerate() {
        if crate::signal::interrupted() {
            return;
        }
        let follow = follow_last && i + 1 == sources.len();
        let opened = match input::open(source, follow, bytes_read) {
            Ok(o) => o,
            Err(e) => {
                if order.send(Slot::Failed(e)).is_err() {
                    return;
                }
                continue;
            }
        };
        // A plain file, not followed, can be read again where a batch stands in it.
        let seekable = matches!(source, Source::Path(_)) && opened.compression.is_none() && !follow;
        let own = opened.compression == Some("parquet");
        let mut framer = Framer::new(opened.reader, i, format)
            .max_record(if own {
                crate::input::frame::OWN_RECORD
            } else {
                crate::input::frame::MAX_RECORD
            })
            .watching(opened.restarts)
            .seekable(seekable)
            .may_block(follow || matches!(source, Source::Stdin));
        loop {
            match framer.next_batch() {
                Ok(Some(batch)) => {
                    let (tx, rx) = sync_channel(1);
                    if order.send(Slot::Batch(i, rx)).is_err() || work.send((batch, tx)).is_err() {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let e = Error::new(e).context(format!("failed to read {}", source.name()));
                    if order.send(Slot::Failed(e)).is_err() {
                        return;
                    }
                    break;
                }
            }
        }
    }
}
