//! `summary --sort` over any number of calls in bounded memory, as `sort(1)` does it: the calls
//! are kept encoded compactly (about a fifth of their size as values) with their sort keys; when
//! a run grows past `RUN_BYTES` it is sorted and written to a temporary file, and at the end the
//! runs are merged. An input whose calls fit in one run never touches the disk and comes back as
//! values, so the table can be fitted to its rows as before.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use anyhow::{Context as _, Result};

use crate::call::order::Order;
use crate::call::CallSummary;
use crate::event::Outcome;
use crate::vendor_id::Vendor;

/// Encoded calls kept in memory before a run is written out.
const RUN_BYTES: usize = 32 << 20;

/// The order of two calls: known values first (ascending, or descending by inverting), then
/// arrival (a stable sort).
type Key = (bool, i64, u64);

pub(crate) struct Sorted {
    order: Order,
    seq: u64,
    run: Vec<(Key, Vec<u8>)>,
    run_bytes: usize,
    runs: Vec<std::fs::File>,
    limit: usize,
}

/// The calls in order: as values when they fit in one run, else read back merged, one at a time.
pub(crate) enum Finished {
    Values(Vec<CallSummary>),
    Merged(Merge),
}

impl Sorted {
    pub(crate) fn new(order: Order) -> Sorted {
        Sorted::with_limit(order, RUN_BYTES)
    }

    fn with_limit(order: Order, limit: usize) -> Sorted {
        Sorted {
            order,
            seq: 0,
            run: Vec::new(),
            run_bytes: 0,
            runs: Vec::new(),
            limit,
        }
    }

    fn key(&self, s: &CallSummary) -> Key {
        match self.order.value(s) {
            Some(v) if self.order.descending => (false, !v, self.seq),
            Some(v) => (false, v, self.seq),
            None => (true, 0, self.seq),
        }
    }

    pub(crate) fn push(&mut self, s: &CallSummary) -> Result<()> {
        let key = self.key(s);
        self.seq += 1;
        let bytes = encode(s);
        self.run_bytes += bytes.len() + 48;
        self.run.push((key, bytes));
        if self.run_bytes >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// The run sorted and written to a file of its own: `key, length, bytes` a call.
    fn spill(&mut self) -> Result<()> {
        self.run.sort_unstable_by_key(|(k, _)| *k);
        let file = tempfile::tempfile().context("failed to make a temporary file for --sort")?;
        let mut w = BufWriter::new(file);
        for ((unknown, v, seq), bytes) in self.run.drain(..) {
            w.write_all(&[u8::from(unknown)])?;
            w.write_all(&v.to_le_bytes())?;
            w.write_all(&seq.to_le_bytes())?;
            w.write_all(&(bytes.len() as u32).to_le_bytes())?;
            w.write_all(&bytes)?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        self.runs.push(file);
        self.run_bytes = 0;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<Finished> {
        if self.runs.is_empty() {
            self.run.sort_unstable_by_key(|(k, _)| *k);
            return Ok(Finished::Values(
                self.run.iter().map(|(_, b)| decode(b)).collect(),
            ));
        }
        if !self.run.is_empty() {
            self.spill()?;
        }
        let mut readers: Vec<BufReader<std::fs::File>> =
            self.runs.into_iter().map(BufReader::new).collect();
        let mut heap = BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some((key, bytes)) = read_entry(r)? {
                heap.push(Reverse((key, i, bytes)));
            }
        }
        Ok(Finished::Merged(Merge { readers, heap }))
    }
}

/// The runs merged: the next call in order at each step.
pub(crate) struct Merge {
    readers: Vec<BufReader<std::fs::File>>,
    heap: BinaryHeap<Reverse<(Key, usize, Vec<u8>)>>,
}

impl Merge {
    pub(crate) fn next_call(&mut self) -> Result<Option<CallSummary>> {
        let Some(Reverse((_, i, bytes))) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some((key, next)) = read_entry(&mut self.readers[i])? {
            self.heap.push(Reverse((key, i, next)));
        }
        Ok(Some(decode(&bytes)))
    }
}

fn read_entry(r: &mut impl Read) -> Result<Option<(Key, Vec<u8>)>> {
    let mut head = [0u8; 21];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let word = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().unwrap_or_default());
    let key = (head[0] != 0, word(1) as i64, word(9));
    let len = u32::from_le_bytes(head[17..21].try_into().unwrap_or_default()) as usize;
    let mut bytes = vec![0; len];
    r.read_exact(&mut bytes)?;
    Ok(Some((key, bytes)))
}

/// A call's summary in a few hundred bytes: every field, in order.
fn encode(s: &CallSummary) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + s.call_id.len());
    let str_ = |out: &mut Vec<u8>, t: &str| {
        out.extend_from_slice(&(t.len() as u32).to_le_bytes());
        out.extend_from_slice(t.as_bytes());
    };
    let opt = |out: &mut Vec<u8>, v: Option<i64>| match v {
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_le_bytes());
        }
        None => out.push(0),
    };
    let opt_str = |out: &mut Vec<u8>, v: &Option<String>| match v {
        Some(t) => {
            out.push(1);
            str_(out, t);
        }
        None => out.push(0),
    };
    let list = |out: &mut Vec<u8>, v: &[String]| {
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        for t in v {
            str_(out, t);
        }
    };
    str_(&mut out, &s.call_id);
    out.push(s.vendor.index() as u8);
    out.extend_from_slice(&s.events.to_le_bytes());
    for v in [
        s.first_time,
        s.last_time,
        s.started_at,
        s.answered_at,
        s.ended_at,
        s.ring_ms,
        s.talk_ms,
        s.hold_ms,
        s.total_ms,
        s.reported_talk_ms,
        s.reported_total_ms,
    ] {
        opt(&mut out, v);
    }
    out.push(
        Outcome::ALL
            .iter()
            .position(|o| *o == s.outcome)
            .unwrap_or(0) as u8,
    );
    opt_str(&mut out, &s.end_reason);
    list(&mut out, &s.participants);
    str_(&mut out, &s.dtmf);
    out.extend_from_slice(&s.duplicates.to_le_bytes());
    list(&mut out, &s.anomalies);
    opt_str(&mut out, &s.parent_call_id);
    out
}

/// Reads `encode`'s bytes in order.
struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let part = &self.b[self.at..self.at + n];
        self.at += n;
        part
    }

    fn byte(&mut self) -> u8 {
        self.take(1)[0]
    }

    fn word(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().unwrap_or_default())
    }

    fn len(&mut self) -> usize {
        u32::from_le_bytes(self.take(4).try_into().unwrap_or_default()) as usize
    }

    fn string(&mut self) -> String {
        let n = self.len();
        String::from_utf8_lossy(self.take(n)).into_owned()
    }

    fn opt_string(&mut self) -> Option<String> {
        (self.byte() == 1).then(|| self.string())
    }

    fn list(&mut self) -> Vec<String> {
        let n = self.len();
        (0..n).map(|_| self.string()).collect()
    }
}

/// `encode`'s bytes back into the summary (written by this run: a fault is a bug, not input).
fn decode(b: &[u8]) -> CallSummary {
    let mut r = Bytes { b, at: 0 };
    let call_id = r.string();
    let vendor = Vendor::at(usize::from(r.byte()));
    let events = r.word();
    let mut opts = [None; 11];
    for v in &mut opts {
        if r.byte() == 1 {
            *v = Some(r.word() as i64);
        }
    }
    let outcome = Outcome::ALL[usize::from(r.byte())];
    let end_reason = r.opt_string();
    let participants = r.list();
    let dtmf = r.string();
    let duplicates = r.word();
    let anomalies = r.list();
    let parent_call_id = r.opt_string();
    let [first_time, last_time, started_at, answered_at, ended_at, ring_ms, talk_ms, hold_ms, total_ms, reported_talk_ms, reported_total_ms] =
        opts;
    CallSummary {
        call_id,
        vendor,
        events,
        first_time,
        last_time,
        started_at,
        answered_at,
        ended_at,
        ring_ms,
        talk_ms,
        hold_ms,
        total_ms,
        reported_talk_ms,
        reported_total_ms,
        outcome,
        end_reason,
        participants,
        dtmf,
        duplicates,
        anomalies,
        parent_call_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(i: u64, total: Option<i64>) -> CallSummary {
        CallSummary {
            call_id: format!("c-{i:04}"),
            vendor: Vendor::at(i as usize % crate::formats::COUNT),
            events: i,
            first_time: Some(i as i64),
            last_time: None,
            started_at: Some(1_800_000_000_000 + i as i64),
            answered_at: None,
            ended_at: Some(-5),
            ring_ms: None,
            talk_ms: Some(7),
            hold_ms: None,
            total_ms: total,
            reported_talk_ms: None,
            reported_total_ms: Some(i64::MAX),
            outcome: Outcome::ALL[i as usize % Outcome::ALL.len()],
            end_reason: i.is_multiple_of(2).then(|| "486 Busy Here".to_owned()),
            participants: vec!["+15550100".to_owned(), "ü".to_owned()],
            dtmf: "12#".to_owned(),
            duplicates: 1,
            anomalies: vec!["no terminal event".to_owned()],
            parent_call_id: i.is_multiple_of(3).then(|| "c-parent".to_owned()),
        }
    }

    fn ids(order: &str, limit: usize, calls: &[CallSummary]) -> Vec<String> {
        let mut sorted = Sorted::with_limit(Order::parse(order).unwrap(), limit);
        for c in calls {
            sorted.push(c).unwrap();
        }
        match sorted.finish().unwrap() {
            Finished::Values(v) => v.into_iter().map(|c| c.call_id).collect(),
            Finished::Merged(mut m) => {
                let mut out = Vec::new();
                while let Some(c) = m.next_call().unwrap() {
                    out.push(c.call_id);
                }
                out
            }
        }
    }

    #[test]
    fn spilled_runs_merge_to_the_order_held_in_memory_gives() {
        let calls: Vec<CallSummary> = (0..500)
            .map(|i| call(i, (!i.is_multiple_of(7)).then_some(((i * 37) % 101) as i64)))
            .collect();
        for order in ["total", "-total", "events", "-started"] {
            let mut expected = calls.clone();
            Order::parse(order).unwrap().sort(&mut expected);
            let expected: Vec<String> = expected.into_iter().map(|c| c.call_id).collect();
            assert_eq!(
                ids(order, usize::MAX, &calls),
                expected,
                "{order} in memory"
            );
            assert_eq!(ids(order, 2_000, &calls), expected, "{order} spilled");
        }
    }

    #[test]
    fn a_summary_reads_back_as_it_was_written() {
        let c = call(6, Some(-3));
        let back = decode(&encode(&c));
        assert_eq!(format!("{back:?}"), format!("{c:?}"));
    }
}
