//! What `browse` knows while it reads: a row per call (the summary's columns), each call's
//! state while it may still change, where each batch of input is (to read a call's records again
//! when it is opened) and the validation findings. Filled by the reading thread (`Collector`, a
//! `View`), drawn by the terminal's thread; shared behind a mutex held for a batch at a time.
//!
//! Memory grows with calls, not events: a finished call keeps its row and the batches its
//! records are in, not its events.

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Result;

use crate::call::lifetime::{Arrival, Arriving, CallData, Lifetime};
use crate::call::step::Step;
use crate::call::{call_key, CallMatcher, CallState, CallSummary};
use crate::config::Filter;
use crate::diagnostic::{Code, Severity};
use crate::event::Outcome;
use crate::input::Stored;
use crate::record::{Arrived, Needs, Results, Tally};
use crate::render::View;
use crate::time::Millis;
use crate::vendor_id::Vendor;

/// One call as the list shows it.
#[derive(Debug, Clone)]
pub(crate) struct CallRow {
    pub(crate) id: Box<str>,
    pub(crate) vendor: Vendor,
    pub(crate) outcome: Outcome,
    /// When it started, else its first timed event.
    pub(crate) started: Option<Millis>,
    pub(crate) ring: Option<i64>,
    pub(crate) talk: Option<i64>,
    pub(crate) total: Option<i64>,
    pub(crate) events: u32,
    pub(crate) duplicates: u32,
    pub(crate) anomalies: u16,
    pub(crate) end_reason: Option<Box<str>>,
    /// Who took part, as the summary lists them, joined by ", ".
    pub(crate) parties: Box<str>,
    /// It passes `--call`, `--outcome`, `--party`, `--since` and `--until`.
    pub(crate) selected: bool,
    /// Still changing: new events may come.
    pub(crate) open: bool,
    /// The batches its records are in (ascending), and where its first and last are
    /// (batch, line): what reading it again reads.
    pub(crate) batches: Vec<u32>,
    pub(crate) first: (u32, u64),
    pub(crate) last: (u32, u64),
}

impl CallRow {
    fn new(id: &str, vendor: Vendor, at: (u32, u64)) -> CallRow {
        CallRow {
            id: id.into(),
            vendor,
            outcome: Outcome::InProgress,
            started: None,
            ring: None,
            talk: None,
            total: None,
            events: 0,
            duplicates: 0,
            anomalies: 0,
            end_reason: None,
            parties: "".into(),
            selected: true,
            open: true,
            batches: vec![at.0],
            first: at,
            last: at,
        }
    }

    /// Take the call's numbers.
    fn update(&mut self, s: &CallSummary, keep: bool) {
        self.outcome = s.outcome;
        self.started = s.started_at.or(s.first_time);
        self.ring = s.ring_ms;
        self.talk = s.talk_ms;
        self.total = s.total_ms;
        self.events = u32::try_from(s.events).unwrap_or(u32::MAX);
        self.duplicates = u32::try_from(s.duplicates).unwrap_or(u32::MAX);
        self.anomalies = u16::try_from(s.anomalies.len()).unwrap_or(u16::MAX);
        if self.end_reason.as_deref() != s.end_reason.as_deref() {
            self.end_reason = s.end_reason.as_deref().map(Into::into);
        }
        let parties = s.participants.join(", ");
        if *self.parties != *parties {
            self.parties = parties.into();
        }
        self.selected = keep;
    }

    /// The text `/` matches: id, parties, end reason, vendor.
    pub(crate) fn matches(&self, needle: &str) -> bool {
        let has = |hay: &str| contains_ignoring_case(hay, needle);
        has(&self.id)
            || has(&self.parties)
            || self.end_reason.as_deref().is_some_and(has)
            || has(self.vendor.id())
    }
}

/// Whether `hay` contains `needle` (already lower case), in any case.
pub(crate) fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        return h
            .windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    hay.to_lowercase().contains(needle)
}

/// Where a batch of input is, to be read again: its source and place in a plain file, or its
/// bytes (zstd) when the file cannot be read again (standard input, compressed, followed).
#[derive(Debug)]
pub(crate) struct BatchAt {
    pub(crate) source: u32,
    /// The number of its first line.
    pub(crate) line: u64,
    pub(crate) stored: Option<Stored>,
    pub(crate) held: Option<Box<[u8]>>,
}

/// A validation finding, where it is.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) batch: u32,
    pub(crate) line: u64,
    pub(crate) severity: Severity,
    pub(crate) code: Code,
    pub(crate) text: Box<str>,
    /// The call of the record, when it names one (its row).
    pub(crate) row: Option<u32>,
}

/// Findings kept to show one by one; all are counted.
pub(crate) const MAX_FINDINGS: usize = 100_000;

/// A call still open: its state, its row, and whether the row must take its new numbers.
struct OpenCall {
    state: CallState,
    row: u32,
    dirty: bool,
    /// One of its events passes `--event`.
    selected: bool,
}

impl CallData for OpenCall {
    fn id(&self) -> &str {
        &self.state.call_id
    }
}

/// Everything `browse` shows, as far as read.
#[derive(Default)]
pub(crate) struct Model {
    pub(crate) rows: Vec<CallRow>,
    pub(crate) batches: Vec<BatchAt>,
    pub(crate) findings: Vec<Finding>,
    /// Findings by code: errors and warnings.
    pub(crate) by_code: [(u64, u64); Code::ALL.len()],
    pub(crate) tally: Tally,
    pub(crate) sources: Vec<String>,
    /// Bytes held for inputs that cannot be read again, compressed.
    pub(crate) held_bytes: u64,
    /// The inputs (places in `sources`) whose bytes are held.
    pub(crate) held_inputs: std::collections::BTreeSet<u32>,
    /// Reading has ended (the input's end, or an error).
    pub(crate) done: bool,
    /// Messages for the user: sources that failed, files truncated.
    pub(crate) notes: Vec<String>,
    /// Records that name a call, and the rows: bumped at every change (the list is sorted
    /// again only when this moved).
    pub(crate) version: u64,
    /// Events of calls finished a while ago (counted, as `summary` does).
    pub(crate) stragglers: u64,
    /// The calls still open, kept as long as `Lifetime` says (as `summary` keeps them).
    open: Lifetime<OpenCall>,
}

/// The model behind its lock.
#[derive(Clone, Default)]
pub(crate) struct Shared(Arc<Mutex<Model>>);

impl Shared {
    pub(crate) fn new(sources: Vec<String>) -> Shared {
        Shared(Arc::new(Mutex::new(Model {
            sources,
            ..Model::default()
        })))
    }

    /// The model, even after a panic elsewhere (what it holds stays consistent per batch).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Model> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The reading side: a `View` that puts each batch into the model.
pub(crate) struct Collector {
    shared: Shared,
    /// `--call`, `--event`, `--outcome`, `--party`, `--since`, `--until`: which calls are
    /// listed (as `summary` selects them).
    filter: Filter,
}

impl Collector {
    /// Findings and events, and each batch's bytes held when its file cannot be read again.
    pub(crate) const NEEDS: Needs = Needs {
        validate: true,
        hold: true,
        ..Needs::EVENTS
    };

    pub(crate) fn new(shared: Shared, filter: Filter) -> Collector {
        Collector { shared, filter }
    }

    /// Whether a call is listed: one of its events passes `--event`, and the call the rest.
    fn keeps(&self, s: &CallSummary, any_event: bool) -> bool {
        let f = &self.filter;
        any_event
            && (f.calls.is_empty() || CallMatcher::selects(&f.calls, &s.call_id))
            && (f.select.is_empty() || f.select.keeps(s))
    }
}

impl Model {
    /// Fold in a batch of the source at this place of `sources`.
    fn add(&mut self, source: u32, results: &mut Results, collector: &Collector) {
        let mut batch = u32::try_from(self.batches.len()).unwrap_or(u32::MAX);
        // Records merged from several inputs: the batches they came from are taken in first,
        // numbered as the merge numbers them (from 0, in the order it took them in).
        let mut origins = results.origins.take();
        let arrived = match origins.as_mut() {
            Some(o) => std::mem::take(&mut o.arrived),
            None => vec![Arrived {
                source,
                first_line: results.first_line,
                stored: results.stored,
                held: results.held.take(),
            }],
        };
        for a in arrived {
            let held = a.held.map(Vec::into_boxed_slice);
            if let Some(h) = &held {
                self.held_bytes += h.len() as u64;
                self.held_inputs.insert(a.source);
            }
            self.batches.push(BatchAt {
                source: a.source,
                line: a.first_line,
                stored: a.stored,
                held,
            });
        }
        self.open.begin_batch();
        for (i, r) in results.records.iter().enumerate() {
            let run = origins.as_ref().and_then(|o| o.run(i));
            if let Some(run) = run {
                batch = run.batch;
            }
            let from = run.map_or(source, |r| r.source);
            let name = self.sources.get(from as usize).map_or("", String::as_str);
            // Counted as `validate` counts them: records, not the text and other JSON beside.
            self.tally.add(name, r);
            let mut row_of_record = None;
            if let Some(e) = &r.normalized {
                if let Some(id) = e.call_id.as_deref() {
                    let selected = collector.filter.keeps_event(e);
                    row_of_record = self.add_event(id, e, (batch, r.line), selected);
                }
            }
            for d in &r.diagnostics {
                let counts = &mut self.by_code[d.code as usize];
                match d.severity {
                    Severity::Error => counts.0 += 1,
                    Severity::Warning => counts.1 += 1,
                }
                if self.findings.len() < MAX_FINDINGS {
                    let text = if d.path.is_empty() {
                        d.message.clone()
                    } else {
                        format!("{}: {}", d.path, d.message)
                    };
                    self.findings.push(Finding {
                        batch,
                        line: r.line,
                        severity: d.severity,
                        code: d.code,
                        text: text.into(),
                        row: row_of_record,
                    });
                }
            }
        }
        // The rows of the calls this batch touched take their new numbers.
        for open in self.open.iter_mut().filter(|o| o.dirty) {
            open.dirty = false;
            let s = open.state.finish();
            let keep = collector.keeps(&s, open.selected);
            self.rows[open.row as usize].update(&s, keep);
        }
        if self.open.end_batch(results.tick) {
            for (order, key) in self.open.due(false) {
                if let Some(o) = self.open.finish(order, key) {
                    let row = &mut self.rows[o.row as usize];
                    row.open = false;
                    row.batches.shrink_to_fit();
                }
            }
        }
        self.stragglers = self.open.late().events;
        self.version += 1;
    }

    /// Fold one event of call `id` in; returns its row (none for a straggler).
    fn add_event(
        &mut self,
        id: &str,
        e: &crate::event::Event,
        at: (u32, u64),
        selected: bool,
    ) -> Option<u32> {
        let rows = &mut self.rows;
        let order = rows.len() as u64;
        let make = |id: &str| {
            rows.push(CallRow::new(id, e.vendor, at));
            OpenCall {
                state: CallState::new(id.to_owned(), e.vendor),
                row: u32::try_from(order).unwrap_or(u32::MAX),
                dirty: true,
                selected: false,
            }
        };
        let Arrival::Event { call, repeat, .. } =
            self.open
                .arrive(call_key(id), id, order, &Arriving::of(e), make)
        else {
            return None;
        };
        let open = &mut call.data;
        if repeat {
            open.state.repeated();
        } else {
            open.state.apply(&Step::of(e));
        }
        open.selected |= selected;
        open.dirty = true;
        let row = &mut self.rows[open.row as usize];
        // Ascending, each once: several inputs merged by time may bring an earlier batch's
        // record after a later one's.
        if row.batches.last() != Some(&at.0) {
            if let Err(place) = row.batches.binary_search(&at.0) {
                row.batches.insert(place, at.0);
            }
        }
        row.first = row.first.min(at);
        row.last = row.last.max(at);
        Some(open.row)
    }
}

impl View for Collector {
    fn merges_events(&self) -> bool {
        true
    }

    fn needs(&self) -> Needs {
        Collector::NEEDS
    }

    fn batch(&mut self, source: &str, results: &mut Results, _out: &mut dyn Write) -> Result<()> {
        let shared = self.shared.clone();
        let mut model = shared.lock();
        let index = model
            .sources
            .iter()
            .position(|s| s == source)
            .map_or(0, |i| u32::try_from(i).unwrap_or_default());
        model.add(index, results, self);
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, _out: &mut dyn Write) -> Result<()> {
        let shared = self.shared.clone();
        let mut model = shared.lock();
        // Every call still open takes its last numbers.
        let opens: Vec<(u32, CallSummary, bool)> = model
            .open
            .iter()
            .map(|o| (o.data.row, o.data.state.finish(), o.data.selected))
            .collect();
        for (row, s, selected) in opens {
            let keep = self.keeps(&s, selected);
            model.rows[row as usize].update(&s, keep);
        }
        model.tally = tally.clone();
        model.version += 1;
        Ok(())
    }

    fn note(&mut self, text: &str) -> bool {
        let mut model = self.shared.lock();
        model.notes.push(text.to_owned());
        model.version += 1;
        true
    }
}
