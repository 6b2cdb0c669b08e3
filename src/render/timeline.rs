//! `callev timeline`: each call's events in time order, one block per call: a header with the
//! call's outcome and durations, then a row per event with its offset from the call's start, its
//! kind and the details that matter. Hold spans show in a gutter, long gaps as their own line,
//! repeated deliveries dimmed. The one view that holds events, and only for the calls it shows.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{bail, Result};
use owo_colors::Style;
use serde::Serialize;

use crate::call::{CallMatcher, CallState};
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
    events: Vec<Held>,
    selected: bool,
}

pub struct Timeline {
    format: Format,
    color: bool,
    zone: Zone,
    follow: bool,
    filter: Filter,
    matcher: CallMatcher,
    sources: Vec<String>,
    calls: Vec<CallEvents>,
    index: HashMap<String, usize, foldhash::fast::RandomState>,
    no_call: super::notes::NoCall,
    writer: RecordWriter,
    /// In follow mode, the call whose header was printed last.
    current: Option<usize>,
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
            calls: Vec::new(),
            index: HashMap::default(),
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
    fn follow_row(&mut self, i: usize, out: &mut dyn Write) -> Result<()> {
        let call = &self.calls[i];
        let Some(h) = call.events.last() else {
            return Ok(());
        };
        if self.format != Format::Table {
            let mut rec = EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
            rec.offset_ms = offset(call, &h.event);
            return Ok(self.writer.row(out, &rec)?);
        }
        if self.current != Some(i) {
            writeln!(
                out,
                "{} {}  {}",
                paint(self.color, Style::new().bold(), "▶ call"),
                paint(self.color, Style::new().bold(), &safe(&call.state.call_id)),
                call.state.vendor
            )?;
            self.current = Some(i);
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
        let records = &results.records;
        let src = self.source_index(source);
        for r in records {
            let Some(e) = &r.normalized else { continue };
            let Some(id) = e.call_id.as_deref() else {
                self.no_call.add(source, r.line);
                continue;
            };
            // A start after the call ended begins a new call with the same id.
            let current = self.index.get(id).copied().filter(|i| {
                !e.new_call
                    || !self.calls[*i]
                        .state
                        .restarts(&crate::call::step::Step::of(e))
            });
            let i = match current {
                Some(i) => i,
                None => {
                    self.calls.push(CallEvents {
                        state: CallState::new(id.to_owned(), e.vendor),
                        events: Vec::new(),
                        selected: false,
                    });
                    self.index.insert(id.to_owned(), self.calls.len() - 1);
                    self.calls.len() - 1
                }
            };
            let call = &mut self.calls[i];
            let repeat = !call.state.add(e);
            let seq = call.events.len() as u64 + 1;
            let keep = self.filter.keeps_event(e);
            call.selected |= keep;
            call.events.push(Held {
                source: src,
                line: r.line,
                event: e.clone(),
                seq,
                repeat,
            });
            if self.follow && (self.filter.events.is_empty() || keep) && self.matcher.matches(id) {
                if let Some(msg) = self.matcher.ambiguity() {
                    bail!(crate::config::UsageError(msg));
                }
                self.follow_row(i, out)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        super::notes::note_unread(tally);
        super::notes::note_beside(tally);
        if self.follow {
            self.writer.finish(out)?;
            return Ok(());
        }
        let matcher = &mut self.matcher;
        let mut unplaced = 0;
        let chosen: Vec<usize> = (0..self.calls.len())
            .filter(|i| {
                let call = &self.calls[*i];
                call.selected
                    && matcher.matches(&call.state.call_id)
                    && (self.filter.select.is_empty() || {
                        let summary = call.state.finish();
                        unplaced += u64::from(self.filter.select.in_time(&summary).is_none());
                        self.filter.select.keeps(&summary)
                    })
            })
            .collect();
        super::notes::note_unplaced(
            if unplaced == 1 {
                "call has"
            } else {
                "calls have"
            },
            unplaced,
        );
        if let Some(msg) = matcher.ambiguity() {
            bail!(crate::config::UsageError(msg));
        }
        for (n, i) in chosen.into_iter().enumerate() {
            let call = &self.calls[i];
            let events = ordered(&call.events);
            if self.format == Format::Csv {
                for h in events
                    .iter()
                    .filter(|h| self.filter.events.is_empty() || self.filter.keeps_event(&h.event))
                {
                    let mut r = EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
                    r.offset_ms = offset(call, &h.event);
                    self.writer.row(out, &r)?;
                }
                continue;
            }
            if self.format != Format::Table {
                let rec = CallRecord {
                    call_id: &call.state.call_id,
                    vendor: call.state.vendor.id(),
                    events: events
                        .iter()
                        .filter(|h| {
                            self.filter.events.is_empty() || self.filter.keeps_event(&h.event)
                        })
                        .map(|h| {
                            let mut r =
                                EventRecord::new(&self.sources[h.source], h.line, &h.event, h.seq);
                            r.offset_ms = offset(call, &h.event);
                            r
                        })
                        .collect(),
                };
                self.writer.row(out, &rec)?;
                continue;
            }
            if n > 0 {
                writeln!(out)?;
            }
            self.block(call, &events, out)?;
        }
        self.writer.finish(out)?;
        super::notes::note_calls(&self.matcher, &self.no_call);
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
