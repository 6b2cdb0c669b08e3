//! Several inputs' records put in one order by time, for the views that follow calls: a call
//! whose events are spread over several hosts' logs (or over a log and its rotated files, named
//! in any order) is folded from its events in the order they happened, as one file in time
//! order would give them. Each record is placed at the latest event time read so far in its own
//! file (an untimed record goes with the record before it; a file is never reordered), and the
//! files' records are merged by that place, then by the order the files were named. A record
//! is handed on once no file can still bring one placed before it, so what is held is the
//! stretch by which the files' times differ at the reader (see `pipeline::read_merged`, which
//! keeps it short).

use std::collections::VecDeque;
use std::sync::Arc;

use anyhow::Result;

use crate::record::{Arrived, Origins, Results, Run};
use crate::time::Millis;

/// Records handed on together at most: a merged chunk is a batch to the view.
const CHUNK: usize = 4096;

/// A record's place in the merge: its file's latest time up to it (none before the file's
/// first time), then its file's place among those named.
type Key = (Option<Millis>, usize);

/// A batch waiting in the merge, its records reversed (taken from the end).
struct Queued {
    results: Results,
    placed: Vec<Option<Millis>>,
    /// Its number among the batches taken in.
    batch: u32,
}

#[derive(Default)]
struct Source {
    queue: VecDeque<Queued>,
    /// Open and not yet at its end: it may still bring records.
    active: bool,
    /// The latest time of its records received so far.
    latest: Option<Millis>,
}

impl Source {
    fn head(&self, at: usize) -> Option<Key> {
        let q = self.queue.front()?;
        Some((*q.placed.last()?, at))
    }
}

pub(crate) struct Merger {
    sources: Vec<Source>,
    names: Arc<[String]>,
    chunk: Results,
    /// Where the chunk's records came from, and the batches taken in since the last chunk.
    origins: Origins,
    taken: u32,
    /// A spent batch's vector, kept for the next chunk's records (so chunks do not grow theirs).
    spare: Vec<crate::record::Analyzed>,
}

impl Merger {
    pub(crate) fn new(names: Arc<[String]>) -> Merger {
        Merger {
            sources: (0..names.len()).map(|_| Source::default()).collect(),
            names,
            chunk: Results::default(),
            origins: Origins::default(),
            taken: 0,
            spare: Vec::new(),
        }
    }

    /// A source was opened: until it ends, nothing placed after what it has given is handed on.
    pub(crate) fn begin(&mut self, source: usize) {
        if let Some(s) = self.sources.get_mut(source) {
            s.active = true;
        }
    }

    pub(crate) fn end(&mut self, source: usize) {
        if let Some(s) = self.sources.get_mut(source) {
            s.active = false;
        }
    }

    /// A batch of a source, in the source's order.
    pub(crate) fn push(&mut self, source: usize, mut results: Results) {
        let Some(s) = self.sources.get_mut(source) else {
            return;
        };
        let mut latest = s.latest;
        let mut placed: Vec<Option<Millis>> = results
            .records
            .iter()
            .map(|r| {
                latest = latest.max(r.normalized.as_ref().and_then(|e| e.time));
                latest
            })
            .collect();
        s.latest = latest;
        placed.reverse();
        results.records.reverse();
        let batch = self.taken;
        self.taken += 1;
        self.origins.arrived.push(Arrived {
            source: source as u32,
            first_line: results.first_line,
            stored: results.stored,
            held: results.held.take(),
        });
        s.queue.push_back(Queued {
            results,
            placed,
            batch,
        });
    }

    /// Hand on, in chunks, every record no source can still bring one before; with `all` (the
    /// end of the input, or Ctrl-C), every record held. `spent` takes the emptied batches.
    pub(crate) fn release(
        &mut self,
        all: bool,
        emit: &mut dyn FnMut(&str, Results) -> Result<()>,
        spent: &mut dyn FnMut(Results),
    ) -> Result<()> {
        loop {
            // Batches with no records are spent at once (one at a tick ends a chunk).
            for at in 0..self.sources.len() {
                while self.sources[at]
                    .queue
                    .front()
                    .is_some_and(|q| q.placed.is_empty())
                {
                    let Some(done) = self.sources[at].queue.pop_front() else {
                        break;
                    };
                    let tick = done.results.tick;
                    spent(done.results);
                    if tick {
                        self.chunk.tick = true;
                        self.flush(emit)?;
                    }
                }
            }
            // The first record held, and what bounds the run it begins: the next source's
            // first, or the least a source with nothing held may still bring.
            let mut best: Option<Key> = None;
            let mut bound: Option<Key> = None;
            let lower = |slot: &mut Option<Key>, k: Key| {
                if slot.is_none_or(|s| k < s) {
                    *slot = Some(k);
                }
            };
            for (at, s) in self.sources.iter().enumerate() {
                match s.head(at) {
                    Some(k) => {
                        if best.is_none_or(|b| k < b) {
                            if let Some(b) = best {
                                lower(&mut bound, b);
                            }
                            best = Some(k);
                        } else {
                            lower(&mut bound, k);
                        }
                    }
                    None if s.active && !all => lower(&mut bound, (s.latest, at)),
                    None => {}
                }
            }
            let Some(head) = best else { break };
            if bound.is_some_and(|b| head > b) {
                break;
            }
            let from = head.1;
            // The run: records of `from` placed before the bound.
            let mut flush = false;
            {
                let Merger {
                    sources,
                    chunk,
                    origins,
                    spare,
                    ..
                } = self;
                let source = &mut sources[from];
                let Some(q) = source.queue.front_mut() else {
                    break;
                };
                let run = Run {
                    first: chunk.records.len() as u32,
                    source: from as u32,
                    batch: q.batch,
                };
                if origins
                    .runs
                    .last()
                    .is_none_or(|r| (r.source, r.batch) != (run.source, run.batch))
                {
                    origins.runs.push(run);
                }
                while let Some(&p) = q.placed.last() {
                    if bound.is_some_and(|b| (p, from) > b) || chunk.records.len() >= CHUNK {
                        break;
                    }
                    q.placed.pop();
                    let Some(mut r) = q.results.records.pop() else {
                        break;
                    };
                    // Its text written ahead, moved into the chunk's.
                    if let Some(mut at) = r.rendered {
                        let text = q.results.text.get(at.start..at.end).unwrap_or_default();
                        let base = chunk.text.len();
                        chunk.text.extend_from_slice(text);
                        at.insert_at = base + (at.insert_at - at.start);
                        at.end = base + (at.end - at.start);
                        at.start = base;
                        r.rendered = Some(at);
                    }
                    chunk.records.push(r);
                }
                if q.placed.is_empty() {
                    // A batch ending at a tick of its input ends the chunk, so the views
                    // count every tick (see `lifetime::Ticks`).
                    if let Some(mut done) = source.queue.pop_front() {
                        chunk.tick |= done.results.tick;
                        flush = done.results.tick;
                        if spare.capacity() == 0 {
                            *spare = std::mem::take(&mut done.results.records);
                        }
                        spent(done.results);
                    }
                }
                flush |= chunk.records.len() >= CHUNK;
            }
            if flush {
                self.flush(emit)?;
            }
        }
        if all {
            self.flush(emit)?;
        }
        Ok(())
    }

    /// Hand on the chunk gathered so far (and the batches taken in since the last).
    fn flush(&mut self, emit: &mut dyn FnMut(&str, Results) -> Result<()>) -> Result<()> {
        if self.chunk.records.is_empty() && !self.chunk.tick && self.origins.arrived.is_empty() {
            return Ok(());
        }
        let mut chunk = std::mem::take(&mut self.chunk);
        self.chunk.records = std::mem::take(&mut self.spare);
        let origins = Origins {
            names: Arc::clone(&self.names),
            runs: std::mem::take(&mut self.origins.runs),
            arrived: std::mem::take(&mut self.origins.arrived),
        };
        let first = origins.runs.first().map_or(0, |r| r.source as usize);
        chunk.origins = Some(origins);
        let names = Arc::clone(&self.names);
        emit(names.get(first).map_or("", String::as_str), chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputFormat;
    use crate::record::{analyze_reader, Analysis, Needs};

    /// A source's records: a call event per entry, at second `t` of a minute (a log line's
    /// time), or untimed (`None`: the payload alone).
    fn batch(name: &str, times: &[Option<u32>], tick: bool) -> Results {
        let ids: Vec<(String, Option<u32>)> = times.iter().map(|&t| ("c1".to_owned(), t)).collect();
        batch_of(name, &ids, tick)
    }

    /// `batch`, each record of its own call.
    fn batch_of(name: &str, records: &[(String, Option<u32>)], tick: bool) -> Results {
        let text: String = records
            .iter()
            .map(|(id, t)| {
                let body = format!(
                    r#"{{"eventType":"call.started","threadId":"5f0000000000000000000001","callId":"{id}"}}"#
                );
                match t {
                    Some(s) => format!("2026-11-21T10:{:02}:{:02}.000Z INFO got: {body}\n", s / 60, s % 60),
                    None => format!("{body}\n"),
                }
            })
            .collect();
        let analysis = Analysis::new(Needs::EVENTS, None, 0, crate::formats::Vendors::ALL);
        let records_read =
            analyze_reader(text.as_bytes(), InputFormat::Auto, name, name, &analysis)
                .expect("reading memory does not fail");
        assert_eq!(records_read.len(), records.len());
        Results {
            records: records_read,
            tick,
            ..Results::default()
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Whatever the files' times and however their batches arrive: every record handed on
        /// once, each file's in its own order, all in the order of their places (the file's
        /// latest time up to the record, then the file), and every tick handed on.
        #[test]
        fn any_arrival_gives_the_merged_order(
            files in proptest::collection::vec(
                proptest::collection::vec(
                    (proptest::collection::vec(proptest::option::weighted(0.8, 0u32..40), 0..4),
                     proptest::bool::ANY),
                    1..4),
                1..4),
            schedule in proptest::collection::vec(0usize..4, 0..16),
        ) {
            let names: Arc<[String]> = (0..files.len()).map(|f| format!("f{f}")).collect();
            let mut merger = Merger::new(Arc::clone(&names));
            for f in 0..files.len() {
                merger.begin(f);
            }
            // Each record's id and place, by file, in its file's order.
            let mut want: Vec<(Option<Millis>, usize, String)> = Vec::new();
            let mut batches: Vec<std::collections::VecDeque<Results>> = Vec::new();
            let mut ticks = 0;
            for (f, file) in files.iter().enumerate() {
                let mut latest: Option<Millis> = None;
                let mut n = 0;
                let mut queue = std::collections::VecDeque::new();
                for (times, tick) in file {
                    let records: Vec<(String, Option<u32>)> = times
                        .iter()
                        .map(|&t| {
                            n += 1;
                            (format!("f{f}-{n}"), t)
                        })
                        .collect();
                    for (id, t) in &records {
                        let t = t.map(|s| 1_795_255_200_000 + i64::from(s) * 1000);
                        latest = latest.max(t);
                        want.push((latest, f, id.clone()));
                    }
                    ticks += usize::from(*tick);
                    queue.push_back(batch_of(&names[f], &records, *tick));
                }
                batches.push(queue);
            }
            want.sort_by_key(|w| (w.0, w.1));
            let mut got: Vec<String> = Vec::new();
            let mut got_ticks = 0;
            let mut emit = |_: &str, chunk: Results| {
                got_ticks += usize::from(chunk.tick);
                got.extend(chunk.records.iter().filter_map(|r| {
                    r.normalized.as_ref().and_then(|e| e.call_id.clone())
                }));
                Ok(())
            };
            // Batches arrive as the schedule picks files, then the rest in turn.
            let picks = schedule.iter().copied().chain((0..files.len()).cycle().take(16));
            for pick in picks {
                let f = pick % files.len();
                if let Some(b) = batches[f].pop_front() {
                    merger.push(f, b);
                    if batches[f].is_empty() {
                        merger.end(f);
                    }
                    merger.release(false, &mut emit, &mut |_| {}).unwrap();
                }
            }
            merger.release(true, &mut emit, &mut |_| {}).unwrap();
            let want: Vec<String> = want.into_iter().map(|w| w.2).collect();
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(got_ticks, ticks);
        }
    }

    #[test]
    fn records_come_in_time_order_each_file_in_its_own_with_every_tick() {
        let names: Arc<[String]> = vec!["a".to_owned(), "b".to_owned()].into();
        let mut merger = Merger::new(Arc::clone(&names));
        let mut got: Vec<(String, Option<Millis>)> = Vec::new();
        let mut ticks = Vec::new();
        let mut spent = 0;
        let mut step = |merger: &mut Merger, all: bool, got: &mut Vec<_>, ticks: &mut Vec<_>| {
            let mut emit = |first: &str, chunk: Results| {
                let o = chunk
                    .origins
                    .as_ref()
                    .expect("a merged chunk names its sources");
                assert_eq!(o.name(0), Some(first));
                for (i, r) in chunk.records.iter().enumerate() {
                    let t = r.normalized.as_ref().and_then(|e| e.time);
                    got.push((o.name(i).unwrap().to_owned(), t));
                }
                ticks.push((chunk.records.len(), chunk.tick));
                Ok(())
            };
            merger.release(all, &mut emit, &mut |_| spent += 1).unwrap();
        };
        merger.begin(0);
        merger.begin(1);
        merger.push(0, batch("a", &[None, Some(1), Some(3), Some(3)], true));
        step(&mut merger, false, &mut got, &mut ticks);
        merger.push(1, batch("b", &[Some(2), None, Some(4), Some(5)], true));
        step(&mut merger, false, &mut got, &mut ticks);
        merger.push(0, batch("a", &[Some(6)], false));
        step(&mut merger, false, &mut got, &mut ticks);
        // b may still bring a record before a's at 6: held until b ends.
        assert_eq!(got.len(), 8, "{got:?}");
        merger.end(1);
        step(&mut merger, false, &mut got, &mut ticks);
        merger.end(0);
        step(&mut merger, true, &mut got, &mut ticks);
        let at = |s: u32| Some(1_795_255_200_000 + i64::from(s) * 1000);
        let want = [
            ("a", None),
            ("a", at(1)),
            ("b", at(2)),
            ("b", None),
            ("a", at(3)),
            ("a", at(3)),
            ("b", at(4)),
            ("b", at(5)),
            ("a", at(6)),
        ];
        let want: Vec<(String, Option<Millis>)> =
            want.iter().map(|(s, t)| ((*s).to_owned(), *t)).collect();
        assert_eq!(got, want);
        // Both ticks handed on, each at the end of a chunk.
        assert_eq!(ticks.iter().filter(|t| t.1).count(), 2, "{ticks:?}");
        assert_eq!(spent, 3);
    }
}
