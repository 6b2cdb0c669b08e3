//! Reading in parallel while keeping input order. One thread reads and frames (cheap, sequential),
//! workers analyze whole batches (the expensive part, on every core), and the caller's thread
//! receives the results in input order: each batch's result travels through a one-shot channel
//! that is queued, in order, before the batch is handed to a worker. The queues are bounded, so
//! memory stays flat however large the input.
//!
//! Views that follow calls read several inputs merged by time (`Options::merge`): the reader
//! keeps the inputs open together and reads next from the one whose events it has seen least
//! far in time, so that a call whose events are spread over several hosts' logs, or over a log
//! and its rotated files given in any order, meets all of them within its window.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::channel;

use anyhow::{Error, Result};

use crate::input::{self, Batch, Framer, InputFormat, Source};
use crate::time::Millis;

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
    /// Reading sources merged: this one is open and will be read (before any of its batches),
    /// or has no more batches.
    Begun(usize),
    Ended(usize),
}

enum Slot<T> {
    Batch(usize, Receiver<T>),
    Failed(Error),
    Begun(usize),
    Ended(usize),
}

/// A batch to analyze, where to send what came of it, and its place among the batches read.
type Job<T> = (Batch, SyncSender<T>, u64);

/// A batch analyzed: its place among the batches read, and the latest event time in it.
type Report = (u64, Option<Millis>);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Options<'a> {
    pub(crate) format: InputFormat,
    pub(crate) threads: usize,
    /// Batches read ahead of the caller beyond one per worker: more absorbs a caller whose work
    /// comes in bursts (summary's sweeps), at the cost of memory.
    pub(crate) ahead: usize,
    /// Keep reading the last source as it grows.
    pub(crate) follow: bool,
    /// Read the sources merged by time (see `read_merged`), not one after another: asked only
    /// where there are several and an end to each (`reading::merges_events`), never following.
    pub(crate) merge: bool,
    /// Bytes read so far, as stored (before decompression), for progress.
    pub(crate) bytes_read: &'a Arc<AtomicU64>,
}

/// Run `map` over every batch of every source on worker threads and hand the results to `fold`
/// in input order (`map` also gives the latest event time of the batch, by which sources are
/// merged). An error from `fold` (a closed pipe, Ctrl-C) stops the run at once: the
/// workers end, and the reader, which may be blocked on input that never comes
/// (`tail -f log | callev events | head -1`), is left to end with the process.
pub(crate) fn run<T, M, F>(sources: &[Source], opts: Options, map: M, mut fold: F) -> Result<()>
where
    T: Send + 'static,
    M: Fn(&Batch) -> (T, Option<Millis>) + Sync,
    F: FnMut(Unit<T>) -> Result<()>,
{
    let threads = opts.threads.max(1);
    let merge = opts.merge;
    let (report_tx, report_rx) = channel::<Report>();
    let (order_tx, order_rx) = sync_channel::<Slot<T>>(threads + opts.ahead);
    let (work_tx, work_rx) = sync_channel::<Job<T>>(threads);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let stop = AtomicBool::new(false);
    // Named threads, so that a profile tells the stages apart.
    let (sources, format, follow) = (sources.to_vec(), opts.format, opts.follow);
    let bytes_read = Arc::clone(opts.bytes_read);
    std::thread::Builder::new()
        .name("callev-read".into())
        .spawn(move || {
            if merge {
                read_merged(
                    &sources,
                    format,
                    &bytes_read,
                    &order_tx,
                    &work_tx,
                    &report_rx,
                );
            } else {
                drop(report_rx);
                read_all(&sources, format, follow, &bytes_read, &order_tx, &work_tx);
            }
        })?;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let report = merge.then(|| report_tx.clone());
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
                let (batch, reply, index) = job;
                let (result, latest) = map(&batch);
                // The receiver is gone only when the caller stopped early.
                let _ = reply.send(result);
                if let Some(report) = &report {
                    let _ = report.send((index, latest));
                }
            };
            std::thread::Builder::new()
                .name("callev-work".into())
                .spawn_scoped(scope, worker)?;
        }
        // The workers hold the reports' senders: the reader learns that they stopped.
        drop(report_tx);
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
            Slot::Begun(source) => Unit::Begun(source),
            Slot::Ended(source) => Unit::Ended(source),
        };
        fold(unit)?;
        if crate::signal::interrupted() {
            fold(Unit::Interrupted)?;
        }
    }
}

/// Queue a batch for the caller, in order, and hand it to a worker; `false` once the run
/// stopped.
fn dispatch<T>(
    order: &SyncSender<Slot<T>>,
    work: &SyncSender<Job<T>>,
    batch: Batch,
    index: u64,
) -> bool {
    let (tx, rx) = sync_channel(1);
    order.send(Slot::Batch(batch.source, rx)).is_ok() && work.send((batch, tx, index)).is_ok()
}

type Reader = Framer<Box<dyn std::io::Read + Send>>;

/// Open source `i` and set up its framer, as both readers read it.
fn frame(
    source: &Source,
    i: usize,
    format: InputFormat,
    follow: bool,
    bytes_read: &Arc<AtomicU64>,
) -> Result<Reader> {
    let opened = input::open(source, follow, bytes_read)?;
    // A plain file, not followed, can be read again where a batch stands in it.
    let seekable = matches!(source, Source::Path(_)) && opened.compression.is_none() && !follow;
    let own = opened.compression == Some("parquet");
    Ok(Framer::new(opened.reader, i, format)
        .max_record(if own {
            crate::input::frame::OWN_RECORD
        } else {
            crate::input::frame::MAX_RECORD
        })
        .watching(opened.restarts)
        .seekable(seekable)
        .may_block(follow || matches!(source, Source::Stdin)))
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
        let mut framer = match frame(source, i, format, follow, bytes_read) {
            Ok(f) => f,
            Err(e) => {
                if order.send(Slot::Failed(e)).is_err() {
                    return;
                }
                continue;
            }
        };
        loop {
            match framer.next_batch() {
                Ok(Some(batch)) => {
                    if !dispatch(order, work, batch, 0) {
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

/// How many sources `read_merged` keeps open at once: the rest wait their turn, in the order
/// given, so descriptors and decoders stay bounded however many files are named.
const MERGED: usize = 32;

/// How many batches the reader reads ahead of what it knows of their times: enough to keep the
/// workers busy. A constant (not the number of threads), so that the order sources are read in
/// depends on their content alone.
const LAG: u64 = 8;

/// A source being read in a merge.
struct Merging {
    source: usize,
    framer: Reader,
    /// The latest event time of its batches known so far (none yet: it is read first).
    latest: Option<Millis>,
    /// Its first batch's place, until its time is known: what is known of a source includes
    /// its first batch.
    first: Option<u64>,
    begun: bool,
}

/// Read the sources merged by time: next from the open source whose batches, as far as they are
/// known, reach least far in event time (one with no time yet first; ties to the one named
/// first). What is known is the same whatever the workers' pace: every batch up to `LAG` before
/// the one being read, and each open source's first, waited for where need be. So a given set
/// of inputs is always read in the same order, and each source's batches stay in its own order.
fn read_merged<T>(
    sources: &[Source],
    format: InputFormat,
    bytes_read: &Arc<AtomicU64>,
    order: &SyncSender<Slot<T>>,
    work: &SyncSender<Job<T>>,
    reports: &Receiver<Report>,
) {
    let mut open: Vec<Merging> = Vec::new();
    let mut next = 0;
    // The source of each batch read, from the first not yet known on.
    let mut pending: VecDeque<usize> = VecDeque::new();
    let mut known: u64 = 0;
    // Reports that came before they were needed (workers finish in any order).
    let mut early: HashMap<u64, Option<Millis>> = HashMap::new();
    let report = |at: u64, early: &mut HashMap<u64, Option<Millis>>| loop {
        if let Some(latest) = early.remove(&at) {
            return Some(latest);
        }
        let (i, latest) = reports.recv().ok()?;
        early.insert(i, latest);
    };
    let mut index: u64 = 0;
    loop {
        if crate::signal::interrupted() {
            return;
        }
        while open.len() < MERGED && next < sources.len() {
            match frame(&sources[next], next, format, false, bytes_read) {
                Ok(framer) => {
                    if order.send(Slot::Begun(next)).is_err() {
                        return;
                    }
                    open.push(Merging {
                        source: next,
                        framer,
                        latest: None,
                        first: None,
                        begun: false,
                    });
                }
                Err(e) => {
                    if order.send(Slot::Failed(e)).is_err() {
                        return;
                    }
                }
            }
            next += 1;
        }
        if open.is_empty() {
            return;
        }
        // What is known when this batch is read: every batch up to LAG before it ...
        while known < index.saturating_sub(LAG) {
            let Some(latest) = report(known, &mut early) else {
                return;
            };
            let source = pending.pop_front();
            if let Some(m) = open.iter_mut().find(|m| Some(m.source) == source) {
                m.latest = m.latest.max(latest);
            }
            known += 1;
        }
        // ... and each open source's first batch (its time counts once however often seen).
        for m in &mut open {
            if let Some(first) = m.first.take().filter(|&f| f >= known) {
                let Some(latest) = report(first, &mut early) else {
                    return;
                };
                early.insert(first, latest);
                m.latest = m.latest.max(latest);
            }
        }
        let Some(at) = (0..open.len()).min_by_key(|&at| (open[at].latest, open[at].source)) else {
            return;
        };
        let m = &mut open[at];
        match m.framer.next_batch() {
            Ok(Some(batch)) => {
                if !m.begun {
                    m.begun = true;
                    m.first = Some(index);
                }
                pending.push_back(m.source);
                if !dispatch(order, work, batch, index) {
                    return;
                }
                index += 1;
            }
            Ok(None) => {
                let source = open.remove(at).source;
                if order.send(Slot::Ended(source)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let source = open.remove(at).source;
                let e = Error::new(e).context(format!("failed to read {}", sources[source].name()));
                if order.send(Slot::Failed(e)).is_err() || order.send(Slot::Ended(source)).is_err()
                {
                    return;
                }
            }
        }
    }
}
