//! `callev timeline`: each call's events in time order, one block per call: a header with the
//! call's outcome and durations, then a row per event with its offset from the call's start, its
//! kind and the details that matter. Hold spans show in a gutter, long gaps as their own line,
//! repeated deliveries dimmed. The one view that holds events: only those it may show, and
//! only until their call has ended and `WINDOW` batches have passed without news of it (as
//! `summary` finishes calls), so memory follows the calls in flight, not the input.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::{bail, Result};
use owo_colors::Style;
use serde::Serialize;

use crate::call::{call_key, CallMatcher, CallState, SWEEP_EVERY, WINDOW};
use crate::config::{Filter, Settings};
use crate::event::{Event, EventKind};
use crate::output::{safe, Format, RecordWriter};
use crate::record::Results;
use crate::record::Tally;
use crate::render::events::EventRecord;
use crate::render::table::details_text;
use crate::render::View;
use crate::render::{kind_look, outcome_look, paint};
use crate::timefmt::{human_duration, offset_clock, Zone};

/// A gap between events long enough to show on its own line.
const LONG_GAP_MS: i64 = 10_000;

struct Held {
    source: usize,
    line: u64,
    event: Event,
    seq: u64,
    repeat: bool,
}

struct CallEvents {
    state: CallState,
    /// The events it may show (those `--event` keeps); none while following, which prints
    /// each as it comes.
    events: Vec<Held>,
    /// Events it has had, the repeats and those not held included.
    count: u64,
    selected: bool,
    /// The batch of its terminal event, 0 while it is open.
    ended: u32,
    /// The batch it was last heard of.
    last: u32,
}

type FastHash = foldhash::fast::RandomState;

pub struct Timeline {
    format: Format,
    color: bool,
    zone: Zone,
    follow: bool,
    filter: Filter,
    matcher: CallMatcher,
    sources: Vec<String>,
    /// The calls in flight, by where they first appeared in the input.
    calls: HashMap<u64, CallEvents, FastHash>,
    /// Each id's latest call (a start after a call ended begins a new one with the same id).
    index: HashMap<String, u64, FastHash>,
    /// Where the next call stands in the input.
    next_order: u64,
    /// Batches read so far.
    batch: u32,
    /// The keys of calls finished in this window and the one before: a straggler of one is
    /// counted, not taken for a new call (as `summary` does).
    finished: [HashSet<u64, FastHash>; 2],
    window_began: u32,
    late: u64,
    /// Calls `--since`/`--until` could not place in time.
    unplaced: u64,
    /// Call blocks written so far.
    written: u64,
    no_call: super::notes::NoCall,
    writer: RecordWriter,
    /// In follow mode, the call whose header was printed last.
    current: Option<u64>,
}

/// The CSV columns: the events record's, then the offset from the call's start.
static CSV_HEADER: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut header = crate::render::events::EVENT_HEADER.to_vec();
    header.push("offset_ms");
    header
});

#[derive(Serialize)]
struct CallRecord<'a> {
    call_id: &'a str,
    vendor: &'static str,
    events: Vec<EventRecord<'a>>,
}

impl Timeline {
    pub fn new(settings: &Settings) -> Timeline {
        Timeline {
            format: settings.format,
            color: settings.color,
            zone: settings.zone,
            follow: settings.follow,
            filter: settings.filter.clone(),
            matcher: CallMatcher::new(&settings.filter.calls),
            sources: Vec::new(),
            calls: HashMap::default(),
            index: HashMap::default(),
            next_order: 0,
            batch: 0,
            finished: Default::default(),
            window_began: 0,
            late: 0,
            unplaced: 0,
            written: 0,
            no_call: Default::default(),
            // CSV is flat: a row per event, the calls one after another (as following writes).
            writer: RecordWriter::new(
                settings.format,
                if settings.format == Format::Csv {
                    &CSV_HEADER[..]
                } else {
                    &["call_id", "vendor", "events"]
                },
            ),
            current: None,
        }
    }

    fn source_index(&mut self, source: &str) -> usize {
        match self.sources.iter().position(|s| s == source) {
            Some(i) => i,
            None => {
                self.sources.push(source.to_owned());
                self.sources.len() - 1
            }
        }
    }

    /// Follow mode: print the event now, under its call's header when the call changes.
    fn follow_row(&mut self, order: u64, h: &Held, out: &mut dyn Write) -> Result<()> {
        let Some(call) = self.calls.get(&order) else {
            return Ok(());
        };
        if self.format != Format::Table {
            let mut rec = EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
            rec.offset_ms = offset(call, &h.event);
            return Ok(self.writer.row(out, &rec)?);
        }
        if self.current != Some(order) {
            writeln!(
                out,
                "{} {}  {}",
                paint(self.color, Style::new().bold(), "▶ call"),
                paint(self.color, Style::new().bold(), &safe(&call.state.call_id)),
                call.state.vendor
            )?;
            self.current = Some(order);
        }
        let start = call.state.start();
        let at = match (h.event.time, start) {
            (Some(t), Some(s)) => offset_clock(t - s),
            _ => format!("#{}", h.seq),
        };
        let time = h
            .event
            .time
            .map(|t| self.zone.format(t))
            .unwrap_or_default();
        let row = event_row(&at, ' ', &h.event, h.repeat, self.color, &mut Vec::new());
        writeln!(
            out,
            "{row}  {}",
            paint(self.color, Style::new().dimmed(), &time)
        )?;
        Ok(())
    }

    /// The calls that ended a window ago and have not been heard of since (every call with
    /// `all`), in the order they first appeared: written (those selected) and forgotten.
    fn sweep(&mut self, all: bool, out: &mut dyn Write) -> Result<()> {
        let batch = self.batch;
        let mut due: Vec<u64> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                all || (c.ended > 0
                    && batch.saturating_sub(c.ended) >= WINDOW
                    && batch.saturating_sub(c.last) >= WINDOW)
            })
            .map(|(order, _)| *order)
            .collect();
        due.sort_unstable();
        for order in due {
            let Some(call) = self.calls.remove(&order) else {
                continue;
            };
            let id = &call.state.call_id;
            if self.index.get(id) == Some(&order) {
                self.index.remove(id);
            }
            self.finished[0].insert(call_key(id));
            if !self.follow {
                self.write_call(&call, out)?;
            }
        }
        Ok(())
    }

    /// A finished call, if it is selected: its block, record or CSV rows.
    fn write_call(&mut self, call: &CallEvents, out: &mut dyn Write) -> Result<()> {
        if !call.selected || !self.matcher.matches(&call.state.call_id) {
            return Ok(());
        }
        if let Some(msg) = self.matcher.ambiguity() {
            bail!(crate::config::UsageError(msg));
        }
        if !self.filter.select.is_empty() {
            let summary = call.state.finish();
            if self.filter.select.in_time(&summary).is_none() {
                self.unplaced += 1;
            }
            if !self.filter.select.keeps(&summary) {
                return Ok(());
            }
        }
        let events = ordered(&call.events);
        match self.format {
            Format::Csv => {
                for h in events {
                    let mut r = EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
                    r.offset_ms = offset(call, &h.event);
                    self.writer.row(out, &r)?;
                }
            }
            Format::Json | Format::Ndjson => {
                let rec = CallRecord {
                    call_id: &call.state.call_id,
                    vendor: call.state.vendor.id(),
                    events: events
                        .iter()
                        .map(|h| {
                            let mut r =
                                EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
                            r.offset_ms = offset(call, &h.event);
                            r
                        })
                        .collect(),
                };
                self.writer.row(out, &rec)?;
            }
            Format::Table => {
                if self.written > 0 {
                    writeln!(out)?;
                }
                self.block(call, &events, out)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Start the next batch; a window after the last, forget the calls finished a window
    /// before.
    fn next_batch(&mut self) {
        self.batch += 1;
        if self.batch - self.window_began >= WINDOW {
            self.window_began = self.batch;
            self.finished.swap(0, 1);
            self.finished[0].clear();
        }
    }
}

/// Milliseconds from the call's first timed event.
fn offset(call: &CallEvents, e: &Event) -> Option<i64> {
    Some(e.time? - call.state.first_time()?)
}

/// Events in time order: timed events by their time (stable), untimed ones kept after the event
/// they arrived after.
fn ordered(events: &[Held]) -> Vec<&Held> {
    let mut keyed: Vec<(i64, usize, &Held)> = Vec::with_capacity(events.len());
    let mut carry = i64::MIN;
    for (i, h) in events.iter().enumerate() {
        if let Some(t) = h.event.time {
            carry = t;
        }
        keyed.push((h.event.time.unwrap_or(carry), i, h));
    }
    keyed.sort_by_key(|(t, i, _)| (*t, *i));
    keyed.into_iter().map(|(_, _, h)| h).collect()
}

/// Details that describe the parties rather than the event: shown once per call, again only when
/// they change.
const PARTY_KEYS: [&str; 5] = ["caller", "callee", "initiation", "from", "to"];

fn event_row(
    at: &str,
    gutter: char,
    e: &Event,
    repeat: bool,
    color: bool,
    parties: &mut Vec<(&'static str, String)>,
) -> String {
    let name = safe(e.event.as_deref().unwrap_or("-")).into_owned();
    let mut shown = e.details.clone();
    shown.retain(|(k, v)| {
        if !PARTY_KEYS.contains(k) {
            return true;
        }
        let value = v.display();
        match parties.iter_mut().find(|(pk, _)| pk == k) {
            Some((_, old)) if *old == value => false,
            Some((_, old)) => {
                *old = value;
                true
            }
            None => {
                parties.push((k, value));
                true
            }
        }
    });
    let details = details_text(e.vendor, &shown);
    let kind = format!("{:<18}", e.kind.as_str());
    let text = if repeat {
        paint(
            color,
            Style::new().dimmed(),
            &format!("{at:>11} {gutter} {kind} {name:<28} repeated delivery, ignored"),
        )
    } else {
        format!(
            "{} {} {} {:<28} {}",
            paint(color, Style::new().dimmed(), &format!("{at:>11}")),
            paint(color, Style::new().yellow(), &gutter.to_string()),
            paint(color, kind_look(e.kind).style(), &kind),
            name,
            details
        )
    };
    text.trim_end().to_owned()
}

impl View for Timeline {
    fn batch(
        &mut self,
        source: &str,
        _stem: &str,
        results: &mut Results,
        out: &mut dyn Write,
    ) -> Result<()> {
        self.next_batch();
        let batch = self.batch;
        let records = &results.records;
        let src = self.source_index(source);
        let wanted = self.filter.calls.clone();
        for r in records {
            let Some(e) = &r.normalized else { continue };
            let Some(id) = e.call_id.as_deref() else {
                self.no_call.add(source, r.line);
                continue;
            };
            // Calls `--call` does not name are not followed at all.
            if !wanted.is_empty() && !CallMatcher::selects(&wanted, id) {
                continue;
            }
            // A start after the call ended begins a new call with the same id.
            let current = self.index.get(id).copied().filter(|o| {
                !e.new_call
                    || !self.calls[o]
                        .state
                        .restarts(&crate::call::step::Step::of(e))
            });
            let order = match current {
                Some(o) => o,
                None => {
                    let key = call_key(id);
                    if !e.new_call && self.finished.iter().any(|f| f.contains(&key)) {
                        self.late += 1;
                        continue;
                    }
                    let order = self.next_order;
                    self.next_order += 1;
                    self.calls.insert(
                        order,
                        CallEvents {
                            state: CallState::new(id.to_owned(), e.vendor),
                            events: Vec::new(),
                            count: 0,
                            selected: false,
                            ended: 0,
                            last: batch,
                        },
                    );
                    self.index.insert(id.to_owned(), order);
                    order
                }
            };
            let keep = self.filter.keeps_event(e);
            let Some(call) = self.calls.get_mut(&order) else {
                continue;
            };
            let repeat = !call.state.add(e);
            call.count += 1;
            call.last = batch;
            if !repeat && e.kind.is_terminal() {
                call.ended = batch;
            }
            call.selected |= keep;
            let held = Held {
                source: src,
                line: r.line,
                event: e.clone(),
                seq: call.count,
                repeat,
            };
            if self.follow {
                if keep && self.matcher.matches(id) {
                    if let Some(msg) = self.matcher.ambiguity() {
                        bail!(crate::config::UsageError(msg));
                    }
                    self.follow_row(order, &held, out)?;
                }
            } else if keep {
                call.events.push(held);
            }
        }
        if self.batch % SWEEP_EVERY == 0 {
            self.sweep(false, out)?;
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        super::notes::note_unread(tally);
        super::notes::note_beside(tally);
        self.sweep(true, out)?;
        self.writer.finish(out)?;
        super::notes::note_unplaced(
            if self.unplaced == 1 {
                "call has"
            } else {
                "calls have"
            },
            self.unplaced,
        );
        if self.late > 0 {
            eprintln!(
                "callev: {} events arrived long after their call ended and are not shown in it",
                crate::output::thousands(self.late)
            );
        }
        if !self.follow {
            super::notes::note_calls(&self.matcher, &self.no_call);
        }
        Ok(())
    }
}

impl Timeline {
    fn block(&self, call: &CallEvents, events: &[&Held], out: &mut dyn Write) -> Result<()> {
        let s = call.state.finish();
        let c = self.color;
        writeln!(
            out,
            "{} {}  {}  {}",
            paint(c, Style::new().bold(), "▶ call"),
            paint(c, Style::new().bold(), &safe(&s.call_id)),
            s.vendor,
            paint(
                c,
                outcome_look(s.outcome).style().bold(),
                s.outcome.as_str()
            )
        )?;
        let dur =
            |label: &str, v: Option<i64>| v.map(|ms| format!("{label} {}", human_duration(ms)));
        let mut facts: Vec<String> = Vec::new();
        if let Some(t) = s.started_at {
            facts.push(format!("started {}", self.zone.format(t)));
        }
        facts.extend(
            [
                dur("ring", s.ring_ms),
                dur("talk", s.talk_ms),
                dur("hold", s.hold_ms.filter(|h| *h > 0)),
                dur("total", s.total_ms),
            ]
            .into_iter()
            .flatten(),
        );
        let repeats = if s.duplicates > 0 {
            format!(", {} repeated", s.duplicates)
        } else {
            String::new()
        };
        facts.push(format!("{} events{repeats}", s.events));
        if let Some(r) = &s.end_reason {
            facts.push(format!("end {}", safe(r)));
        }
        if let Some(parent) = &s.parent_call_id {
            facts.push(format!("a leg of call {}", safe(parent)));
        }
        writeln!(out, "  {}", facts.join(" · "))?;
        let timed = events.iter().any(|h| h.event.time.is_some());
        if !timed {
            writeln!(
                out,
                "  {}",
                paint(
                    c,
                    Style::new().dimmed(),
                    "times unknown: events in arrival order"
                )
            )?;
        }
        for a in &s.anomalies {
            writeln!(out, "  {} {a}", paint(c, Style::new().red(), "!"))?;
        }
        let start = s.started_at.or(s.first_time);
        let mut on_hold = false;
        let mut previous: Option<i64> = None;
        let mut parties = Vec::new();
        for (n, h) in events.iter().enumerate() {
            let e = &h.event;
            if let (Some(p), Some(t)) = (previous, e.time) {
                if t - p >= LONG_GAP_MS {
                    writeln!(
                        out,
                        "{}",
                        paint(
                            c,
                            Style::new().dimmed(),
                            &format!("{:>11} ⋮ {}", "", human_duration(t - p))
                        )
                    )?;
                }
            }
            previous = e.time.or(previous);
            let at = match (e.time, start, timed) {
                (Some(t), Some(s0), _) => offset_clock(t - s0),
                (None, _, true) => "?".to_owned(),
                _ => format!("#{}", n + 1),
            };
            let gutter = match e.kind {
                EventKind::Hold if !h.repeat => {
                    on_hold = true;
                    '┬'
                }
                EventKind::Unhold if on_hold && !h.repeat => {
                    on_hold = false;
                    '┴'
                }
                _ if on_hold => '│',
                _ => ' ',
            };
            writeln!(
                out,
                "{}",
                event_row(&at, gutter, e, h.repeat, c, &mut parties)
            )?;
        }
        Ok(())
    }
}
