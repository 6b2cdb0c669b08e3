//! Per-call aggregation on several threads. Each call belongs to one shard (by a hash of its id),
//! and each shard thread folds its calls' events in input order, finishes the calls that have
//! ended, and writes their records; the caller's thread only splits each batch's events between
//! the shards and merges what they finish back into one order (the order calls first appeared).
//! The result is the same whatever the number of shards.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;

use super::lifetime::{Arrival, Arriving, CallData, Late, Lifetime};
use super::step::{Pack, Packed, Step};
use super::{Brief, CallMatcher, CallSelection, CallState, CallSummary};
use crate::pool::Pool;

/// A call being aggregated: its state, and whether any of its events passed the filter.
struct Aggregated {
    state: CallState,
    selected: bool,
}

impl CallData for Aggregated {
    fn id(&self) -> &str {
        &self.state.call_id
    }
}

/// The calls in flight of one shard, kept as long as `Lifetime` says, and what the shard
/// counts beside them.
#[derive(Default)]
struct Calls {
    life: Lifetime<Aggregated>,
    /// Batches received: with an event's place in its batch, where the event stands in the input.
    jobs: u32,
    /// Calls left out because `--since`/`--until` was given and nothing in them has a time.
    unplaced: u64,
}

impl Calls {
    /// Fold an event into its call, `order` being where the event stands in the input; returns
    /// whether it ended the call (a repeat never does).
    fn add(&mut self, order: u64, p: &Packed, id: &str, step: &Step) -> bool {
        let arriving = Arriving::of_step(step);
        let make = |id: &str| Aggregated {
            state: CallState::new(id.to_owned(), p.vendor),
            selected: false,
        };
        match self.life.arrive(p.key, id, order, &arriving, make) {
            Arrival::Late { .. } => false,
            Arrival::Event { call, repeat, ends } => {
                call.data.selected |= p.selected;
                if repeat {
                    call.data.state.repeated();
                } else {
                    call.data.state.apply(step);
                }
                ends
            }
        }
    }
}

/// A finished call, as a shard hands it back.
pub(crate) struct Finished {
    /// Where the call's first event stands in the input: the merge order.
    pub(crate) order: u64,
    /// Whether any of its events passed the event and time filters.
    pub(crate) selected: bool,
    /// Its id, when `--call` is given (and matched it): the caller tells ambiguous prefixes.
    pub(crate) id: Option<String>,
    pub(crate) brief: Brief,
    /// Its row as the view's `WriteRow` wrote it: where it lies in the text handed over with it.
    pub(crate) text: Range<usize>,
    /// The whole summary, when the view keeps it (see `Keep`).
    pub(crate) summary: Option<Box<CallSummary>>,
    /// The last of the calls a shard finished together (whose text it frees).
    last: bool,
}

/// How a shard writes a finished call's row ahead of the caller (the view decides).
pub(crate) type WriteRow = Arc<RowFn>;
pub(crate) type RowFn = dyn Fn(&CallSummary, &mut Vec<u8>) + Send + Sync;

/// Which finished calls the caller gets whole, beyond their brief and their row's text. Most
/// views need few or none, and the rest are dropped where they were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    All,
    /// Those with anomalies, which a table lists under its rows.
    Anomalous,
    Nothing,
}

impl Keep {
    fn wants(self, s: &CallSummary) -> bool {
        match self {
            Keep::All => true,
            Keep::Anomalous => !s.anomalies.is_empty(),
            Keep::Nothing => false,
        }
    }
}

/// When a batch's shards finish calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sweep {
    /// Not this batch.
    No,
    /// The calls that ended a window ago and have not been heard of since.
    Due,
    /// Every ended call, at once, when this batch ended one (following).
    Ended,
}

enum Job {
    Batch {
        events: Pack,
        sweep: Sweep,
        /// The batch ends at a tick of the input.
        tick: bool,
    },
    /// The end of the input: every call still open, kept as asked.
    End(Keep),
}

enum Reply {
    /// How many calls this job finishes, ahead of them.
    Count(usize),
    /// Some of them, in order, and the text of their rows.
    Rows(Vec<Finished>, Vec<u8>),
    /// The job is done; `late` counts stragglers so far.
    Done { late: Late, unplaced: u64 },
}

/// Calls are finished, written and merged this many at a time, so the end of a large input
/// never holds all their summaries at once.
pub(crate) const CHUNK: usize = 10_000;

struct Shard {
    jobs: SyncSender<Job>,
    replies: Receiver<Reply>,
    /// At the end of the input, the shard writes its next chunk only when asked: every call
    /// still open is finished then, and unasked it would turn them all into rows at once.
    more: SyncSender<()>,
    /// Texts merged, back to the shard to write rows into again: buffers of megabytes made
    /// and freed at this rate would otherwise stay with the allocator by the dozen.
    spent: SyncSender<Vec<u8>>,
    /// Chunks received in the current job.
    chunks: usize,
    /// Rows received and not yet merged, the texts they lie in (oldest first), and whether the
    /// current job is done.
    rows: VecDeque<Finished>,
    texts: VecDeque<Vec<u8>>,
    done: bool,
    /// Its stragglers so far.
    late: Late,
    /// Its calls that could not be placed in `--since`/`--until`, so far.
    unplaced: u64,
}

/// The shard threads, and the batches handed to them whose calls are not merged yet.
pub(crate) struct Shards {
    shards: Vec<Shard>,
    /// Which finished calls come back whole.
    keep: Keep,
    /// The merged rows' text, reused from chunk to chunk.
    text: Vec<u8>,
    waiting: usize,
    /// Batches the shards may run behind the caller (0: merge each batch before the next).
    lag: usize,
    /// The input has ended: what is merged now is every call still open.
    ending: bool,
}

impl Shards {
    /// Start `count` shard threads (at least one). With `calls` (`--call` prefixes), only the
    /// calls whose ids one of them begins are handed back.
    pub(crate) fn new(
        count: usize,
        write: Option<WriteRow>,
        keep: Keep,
        calls: Arc<[String]>,
        select: Arc<CallSelection>,
        lag: usize,
        packs: Arc<Pool<Pack>>,
    ) -> anyhow::Result<Shards> {
        let shards = (0..count.max(1))
            .map(|_| {
                let (jobs, job_rx) = sync_channel(lag + 1);
                let (reply_tx, replies) = channel();
                let (more, more_rx) = sync_channel(1);
                let (spent, spent_rx) = sync_channel(4);
                let write = write.clone();
                let packs = Arc::clone(&packs);
                let calls = Arc::clone(&calls);
                let select = Arc::clone(&select);
                std::thread::Builder::new()
                    .name("callev-calls".into())
                    .spawn(move || {
                        let link = Link {
                            jobs: job_rx,
                            replies: reply_tx,
                            more: more_rx,
                            spent: spent_rx,
                        };
                        run(&link, write.as_deref(), keep, &calls, &select, &packs);
                    })
                    .map_err(|e| anyhow::anyhow!("failed to start a thread: {e}"))?;
                Ok(Shard {
                    jobs,
                    replies,
                    more,
                    spent,
                    chunks: 0,
                    rows: VecDeque::new(),
                    texts: VecDeque::new(),
                    done: false,
                    late: Late::default(),
                    unplaced: 0,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Shards {
            shards,
            keep,
            text: Vec::new(),
            waiting: 0,
            lag,
            ending: false,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.shards.len()
    }

    /// Events that arrived after their call was finished, as far as merged.
    pub(crate) fn late(&self) -> Late {
        self.shards.iter().map(|s| s.late).sum()
    }

    /// Calls left out because nothing in them has a time to place in `--since`/`--until`.
    pub(crate) fn unplaced(&self) -> u64 {
        self.shards.iter().map(|s| s.unplaced).sum()
    }

    /// Hand one batch's events to the shards (`parts[i]` to shard `i`, the events of the calls
    /// `shard_of` gives it), then merge the batches the shards are done with, handing finished
    /// calls to `emit` in chunks.
    pub(crate) fn batch<F>(
        &mut self,
        parts: Vec<Pack>,
        sweep: Sweep,
        tick: bool,
        emit: &mut F,
    ) -> anyhow::Result<()>
    where
        F: FnMut(Merged) -> anyhow::Result<()>,
    {
        debug_assert_eq!(parts.len(), self.shards.len());
        for (shard, events) in self.shards.iter().zip(parts) {
            shard
                .jobs
                .send(Job::Batch {
                    events,
                    sweep,
                    tick,
                })
                .map_err(|_| stopped())?;
        }
        self.waiting += 1;
        while self.waiting > self.lag {
            self.merge(emit)?;
        }
        Ok(())
    }

    /// Merge what is left, then finish every call still open: every one of them whole with
    /// `all`, else as `Keep` says.
    pub(crate) fn end<F>(&mut self, all: bool, emit: &mut F) -> anyhow::Result<()>
    where
        F: FnMut(Merged) -> anyhow::Result<()>,
    {
        while self.waiting > 0 {
            self.merge(emit)?;
        }
        for shard in &self.shards {
            let keep = if all { Keep::All } else { self.keep };
            shard.jobs.send(Job::End(keep)).map_err(|_| stopped())?;
        }
        self.waiting = 1;
        self.ending = true;
        self.merge(emit)
    }

    /// Merge the oldest waiting batch's finished calls from every shard, in order.
    fn merge<F>(&mut self, emit: &mut F) -> anyhow::Result<()>
    where
        F: FnMut(Merged) -> anyhow::Result<()>,
    {
        self.waiting -= 1;
        let mut total = 0;
        for shard in &mut self.shards {
            shard.done = false;
            shard.chunks = 0;
            match shard.replies.recv() {
                Ok(Reply::Count(n)) => total += n,
                _ => return Err(stopped()),
            }
        }
        let mut chunk = Vec::with_capacity(total.min(CHUNK));
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        loop {
            // Top up every shard that has nothing in hand, then take the smallest order.
            for shard in &mut self.shards {
                while shard.rows.is_empty() && !shard.done {
                    if self.ending && shard.chunks > 0 {
                        // Full only if the shard has not taken the last one (it is done).
                        let _ = shard.more.try_send(());
                    }
                    match shard.replies.recv() {
                        Ok(Reply::Rows(mut rows, text)) => {
                            shard.chunks += 1;
                            if let Some(last) = rows.last_mut() {
                                last.last = true;
                                shard.texts.push_back(text);
                            }
                            shard.rows.extend(rows);
                        }
                        Ok(Reply::Done { late, unplaced }) => {
                            shard.unplaced = unplaced;
                            shard.done = true;
                            shard.late = late;
                        }
                        _ => return Err(stopped()),
                    }
                }
            }
            let next = self
                .shards
                .iter_mut()
                .filter_map(|s| s.rows.front().map(|f| f.order).zip(Some(s)))
                .min_by_key(|(order, _)| *order);
            let Some((_, shard)) = next else { break };
            let Some(mut f) = shard.rows.pop_front() else {
                break;
            };
            // The row's text moves into the chunk's, in order.
            let start = text.len();
            if let Some(t) = shard.texts.front() {
                text.extend_from_slice(t.get(f.text.clone()).unwrap_or_default());
            }
            if f.last {
                if let Some(t) = shard.texts.pop_front() {
                    // Dropped here when the shard has enough.
                    let _ = shard.spent.try_send(t);
                }
            }
            f.text = start..text.len();
            chunk.push(f);
            if chunk.len() == CHUNK {
                emit(Merged {
                    rows: std::mem::take(&mut chunk),
                    text: &text,
                    total,
                    end: self.ending,
                })?;
                text.clear();
            }
        }
        if !chunk.is_empty() {
            emit(Merged {
                rows: chunk,
                text: &text,
                total,
                end: self.ending,
            })?;
        }
        self.text = text;
        Ok(())
    }
}

/// Calls finished together, in order: a chunk of `total`.
pub(crate) struct Merged<'a> {
    pub(crate) rows: Vec<Finished>,
    /// Their rows' text, in order (each `Finished::text` is a range of it).
    pub(crate) text: &'a [u8],
    pub(crate) total: usize,
    /// The calls still open at the end of the input, rather than a sweep's.
    pub(crate) end: bool,
}

/// The shard of a call with this key among `count`.
pub(crate) fn shard_of(key: u64, count: usize) -> usize {
    // High bits: the tables inside the shards index by the low ones.
    ((key >> 40) % count.max(1) as u64) as usize
}

/// A shard thread ended early: it panicked (a bug), since they end only when told to.
fn stopped() -> anyhow::Error {
    anyhow::anyhow!("a call-aggregation thread stopped")
}

/// A shard thread's ends of its channels.
struct Link {
    jobs: Receiver<Job>,
    replies: Sender<Reply>,
    more: Receiver<()>,
    spent: Receiver<Vec<u8>>,
}

/// One shard's thread: fold, sweep, finish and write, a job at a time, until `End`.
fn run(
    link: &Link,
    write: Option<&RowFn>,
    keep: Keep,
    calls_asked: &[String],
    select: &CallSelection,
    packs: &Pool<Pack>,
) {
    let replies = &link.replies;
    let mut calls = Calls::default();
    while let Ok(job) = link.jobs.recv() {
        let (end, keep) = match job {
            Job::End(at_end) => (true, at_end),
            Job::Batch { .. } => (false, keep),
        };
        let due = match job {
            Job::Batch {
                events,
                sweep,
                tick,
            } => {
                calls.jobs += 1;
                calls.life.begin_batch();
                let mut ended = false;
                let base = u64::from(calls.jobs) << 32;
                for (p, id, step) in events.iter() {
                    ended |= calls.add(base | u64::from(p.index), p, id, &step);
                }
                let mut events = events;
                events.clear();
                packs.give(events);
                calls.life.end_batch(tick);
                match sweep {
                    Sweep::No => Vec::new(),
                    Sweep::Due => calls.life.due(false),
                    Sweep::Ended if ended => calls.life.due_ended(),
                    Sweep::Ended => Vec::new(),
                }
            }
            Job::End(_) => calls.life.due(true),
        };
        if replies.send(Reply::Count(due.len())).is_err() {
            return;
        }
        for (n, ids) in due.chunks(CHUNK).enumerate() {
            if end && n > 0 && link.more.recv().is_err() {
                return;
            }
            let mut text = link.spent.try_recv().unwrap_or_default();
            text.clear();
            let rows = ids
                .iter()
                .filter_map(|&(order, key)| {
                    let call = calls.life.finish(order, key)?;
                    let (selected, summary) = (call.selected, call.state.into_summary());
                    let asked = !calls_asked.is_empty();
                    if asked && !CallMatcher::selects(calls_asked, &summary.call_id) {
                        return None;
                    }
                    if !select.is_empty() && !select.keeps(&summary) {
                        calls.unplaced += u64::from(select.in_time(&summary).is_none());
                        return None;
                    }
                    let start = text.len();
                    if let Some(write) = write {
                        write(&summary, &mut text);
                    }
                    Some(Finished {
                        order,
                        selected,
                        id: asked.then(|| summary.call_id.clone()),
                        brief: summary.brief(),
                        text: start..text.len(),
                        summary: keep.wants(&summary).then(|| Box::new(summary)),
                        last: false,
                    })
                })
                .collect();
            if replies.send(Reply::Rows(rows, text)).is_err() {
                return;
            }
        }
        let done = Reply::Done {
            late: calls.life.late(),
            unplaced: calls.unplaced,
        };
        if replies.send(done).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::call_key;
    use crate::call::lifetime::SWEEP_EVERY;
    use crate::event::{Details, Event, EventKind};
    use crate::formats::Vendor;

    fn event(id: &str, kind: EventKind) -> Event {
        Event {
            vendor: Vendor::named("workonflow"),
            event: None,
            kind,
            call_id: Some(id.to_owned()),
            time: None,
            time_source: None,
            call_started: None,
            call_answered: None,
            call_ended: None,
            outcome: None,
            details: Details::default(),
            twin: None,
            new_call: false,
            fingerprint: None,
        }
    }

    /// Run batches of events through `count` shards, sweeping as summary does; the finished
    /// calls in the order they were handed back, and the stragglers.
    fn run_batches(count: usize, batches: &[Vec<(&str, EventKind)>]) -> (Vec<String>, u64) {
        // Each call's row is its id.
        let write: WriteRow = Arc::new(|s: &CallSummary, out: &mut Vec<u8>| {
            out.extend_from_slice(s.call_id.as_bytes())
        });
        let packs = Arc::new(Pool::new(4));
        let mut shards = Shards::new(
            count,
            Some(write),
            Keep::Nothing,
            Arc::from([]),
            Arc::default(),
            2,
            packs,
        )
        .unwrap();
        let mut finished = Vec::new();
        let mut emit = |m: Merged| {
            finished.extend(
                m.rows
                    .iter()
                    .map(|f| String::from_utf8_lossy(&m.text[f.text.clone()]).into_owned()),
            );
            Ok(())
        };
        for (b, events) in batches.iter().enumerate() {
            let batch = b as u64 + 1;
            let mut parts: Vec<Pack> = (0..shards.len()).map(|_| Pack::default()).collect();
            for (i, (id, kind)) in events.iter().enumerate() {
                let key = call_key(id);
                let shard = shard_of(key, shards.len());
                parts[shard].push(i as u32, key, true, &event(id, *kind));
            }
            let sweep = if batch.is_multiple_of(u64::from(SWEEP_EVERY)) {
                Sweep::Due
            } else {
                Sweep::No
            };
            shards.batch(parts, sweep, true, &mut emit).unwrap();
        }
        shards.end(false, &mut emit).unwrap();
        let late = shards.late();
        (finished, late.events)
    }

    #[test]
    fn calls_come_back_in_first_appearance_order_whatever_the_shards() {
        let mut batches = vec![vec![
            ("b", EventKind::Started),
            ("a", EventKind::Started),
            ("c", EventKind::Started),
        ]];
        batches.push(vec![("c", EventKind::Ended), ("a", EventKind::Ended)]);
        batches.extend((0..60).map(|_| Vec::new()));
        batches.push(vec![("d", EventKind::Started), ("b", EventKind::Ended)]);
        for count in [1, 2, 3, 8] {
            let (finished, late) = run_batches(count, &batches);
            // a and c were finished by a sweep, before b and d at the end.
            assert_eq!(finished, ["a", "c", "b", "d"], "{count} shards");
            assert_eq!(late, 0);
        }
    }

    #[test]
    fn calls_open_at_the_end_come_back_in_order_a_chunk_at_a_time() {
        let ids: Vec<String> = (0..25_000).map(|i| format!("call-{i:05}")).collect();
        let batches = vec![ids
            .iter()
            .map(|id| (id.as_str(), EventKind::Started))
            .collect()];
        for count in [1, 2, 3] {
            let (finished, _) = run_batches(count, &batches);
            assert!(finished == ids, "{count} shards");
        }
    }

    #[test]
    fn an_event_long_after_its_call_was_finished_is_counted_not_a_new_call() {
        // a ends in batch 1 and is finished by the sweep of batch 24; its straggler comes in
        // batch 30, within the window its id is remembered.
        let mut batches = vec![vec![("a", EventKind::Started), ("a", EventKind::Ended)]];
        batches.extend((0..28).map(|_| Vec::new()));
        batches.push(vec![("a", EventKind::Recording), ("b", EventKind::Started)]);
        for count in [1, 2] {
            let (finished, late) = run_batches(count, &batches);
            assert_eq!(finished, ["a", "b"], "{count} shards");
            assert_eq!(late, 1);
        }
    }

    #[test]
    fn finished_calls_are_forgotten_two_windows_on() {
        // Memory follows the open calls: an id heard of again long after its call was finished
        // (here 100 batches, about 25 MB of input) starts its call again.
        let mut batches = vec![vec![("a", EventKind::Started), ("a", EventKind::Ended)]];
        batches.extend((0..100).map(|_| Vec::new()));
        batches.push(vec![("a", EventKind::Recording), ("b", EventKind::Started)]);
        for count in [1, 2] {
            let (finished, late) = run_batches(count, &batches);
            assert_eq!(finished, ["a", "a", "b"], "{count} shards");
            assert_eq!(late, 0);
        }
    }
}
