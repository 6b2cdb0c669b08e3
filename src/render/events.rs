//! `callev events`: one row per event, in input order, normalized across vendors. Rows stream:
//! each batch is written as it arrives, as a table chunk or as records.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{bail, Result};
use comfy_table::Cell;
use serde::Serialize;

use crate::call::CallMatcher;
use crate::call::{SWEEP_EVERY, WINDOW};
use crate::config::{Filter, Settings};
use crate::event::{Details, Event};
use crate::output::{safe, Format, RecordWriter};
use crate::record::Results;
use crate::record::Tally;
use crate::render::short_id;
use crate::render::table::{details_text, header, kind_cell, new_table};
use crate::render::View;
use crate::timefmt::{Stamp, Zone};

/// CLI.md's events record.
#[derive(Serialize)]
pub struct EventRecord<'a> {
    pub source: &'a str,
    pub line: u64,
    pub vendor: &'static str,
    pub event: Option<&'a str>,
    pub kind: &'static str,
    pub call_id: Option<&'a str>,
    pub time: Option<Stamp>,
    pub time_source: Option<&'static str>,
    pub seq: u64,
    pub details: &'a Details,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_ms: Option<i64>,
}

impl<'a> EventRecord<'a> {
    pub fn new(source: &'a str, line: u64, e: &'a Event, seq: u64) -> EventRecord<'a> {
        EventRecord {
            source,
            line,
            vendor: e.vendor.id(),
            event: e.event.as_deref(),
            kind: e.kind.as_str(),
            call_id: e.call_id.as_deref(),
            time: e.time.map(Stamp),
            time_source: e.time_source.map(|s| s.as_str()),
            seq,
            details: &e.details,
            offset_ms: None,
        }
    }
}

pub const EVENT_HEADER: &[&str] = &[
    "source",
    "line",
    "vendor",
    "event",
    "kind",
    "call_id",
    "time",
    "time_source",
    "seq",
    "details",
];

/// How much an events table shows, by the terminal's width: everything on a wide one; below
/// 150 columns no vendor (the event's own name tells it) and times without the year; below 100
/// no kind either and times as the clock; below 70 no call either. The details, free text,
/// keep the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Wide,
    Normal,
    Compact,
    Narrowest,
}

impl Tier {
    fn of(width: Option<usize>) -> Tier {
        match width {
            None => Tier::Wide,
            Some(w) if w >= 150 => Tier::Wide,
            Some(w) if w >= 100 => Tier::Normal,
            Some(w) if w >= 70 => Tier::Compact,
            Some(_) => Tier::Narrowest,
        }
    }

    /// The header and the fixed widths (with padding) of every column but the details.
    fn columns(self) -> (&'static [&'static str], &'static [u16]) {
        match self {
            Tier::Wide => (
                &["time", "call", "vendor", "kind", "event", "details"],
                &[32, 16, 12, 20, 30],
            ),
            Tier::Normal => (
                &["time", "call", "kind", "event", "details"],
                &[27, 14, 20, 24],
            ),
            Tier::Compact => (&["time", "call", "event", "details"], &[14, 14, 26]),
            Tier::Narrowest => (&["time", "event", "details"], &[14, 26]),
        }
    }

    fn left_out(self) -> &'static str {
        match self {
            Tier::Wide => "",
            Tier::Normal => "vendor and the times' year",
            Tier::Compact => "vendor, kind and the times' date",
            Tier::Narrowest => "call, vendor, kind and the times' date",
        }
    }
}

/// Numbers each call's events 1, 2, 3... in input order. Calls are kept by a hash of their id;
/// a call that ended is forgotten once `WINDOW` batches have passed without news of it, so memory
/// follows the calls still open, not every call ever seen. An event arriving later than that
/// (more than about 4 MB of input after its call's end, as for `summary`) starts its call's
/// numbering again.
#[derive(Debug, Default)]
pub struct Sequencer {
    calls: HashMap<u64, Counter, foldhash::fast::RandomState>,
    no_call: u64,
    batch: u32,
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    seq: u64,
    /// The batch of the call's last terminal event, 0 while it is open.
    ended: u32,
    last: u32,
}

impl Sequencer {
    /// Start a new batch; every so often, forget calls that ended long ago.
    pub fn next_batch(&mut self) {
        self.batch += 1;
        if self.batch % SWEEP_EVERY == 0 {
            let now = self.batch;
            self.calls
                .retain(|_, c| c.ended == 0 || now - c.last < WINDOW);
        }
    }

    pub fn next(&mut self, call: Option<&str>, terminal: bool) -> u64 {
        let Some(id) = call else {
            self.no_call += 1;
            return self.no_call;
        };
        let batch = self.batch.max(1);
        let c = self
            .calls
            .entry(crate::call::call_key(id))
            .or_insert(Counter {
                seq: 0,
                ended: 0,
                last: batch,
            });
        c.seq += 1;
        c.last = batch;
        if terminal {
            c.ended = batch;
        }
        c.seq
    }
}

const SEQ_MARK: &[u8] = b",\"seq\":0,\"details\":";

/// On the workers: each event's record written out with `seq` 0; the caller puts the real number
/// in its place.
fn prerender(source: &str, results: &mut Results) {
    let Results { records, text, .. } = results;
    for r in records {
        let Some(e) = &r.normalized else { continue };
        let start = text.len();
        if serde_json::to_writer(&mut *text, &EventRecord::new(source, r.line, e, 0)).is_err() {
            text.truncate(start);
            continue;
        }
        // The mark cannot occur inside a string value (its quotes would be escaped), and the
        // record's fields come in a fixed order, so its first occurrence is the field itself.
        let Some(at) = memchr::memmem::find(&text[start..], SEQ_MARK) else {
            continue;
        };
        let insert_at = start + at + 7;
        r.rendered = Some(crate::record::Rendered {
            start,
            insert_at,
            end: text.len(),
        });
        // Written out, the details are not read again: freed here, where they were made, rather
        // than held until the caller's thread drops the batch.
        if let Some(e) = &mut r.normalized {
            e.details = crate::event::Details::default();
        }
    }
}

pub struct Events {
    format: Format,
    color: bool,
    width: Option<usize>,
    zone: Zone,
    filter: Filter,
    calls: CallMatcher,
    seq: Sequencer,
    writer: RecordWriter,
    shown: u64,
    short_ids: bool,
    /// Events without a time, left out by `--since`/`--until`.
    unplaced: u64,
}

impl Events {
    pub fn new(settings: &Settings) -> Events {
        Events {
            format: settings.format,
            color: settings.color,
            width: settings.width,
            zone: settings.zone,
            filter: settings.filter.clone(),
            calls: CallMatcher::new(&settings.filter.calls),
            seq: Sequencer::default(),
            writer: RecordWriter::new(settings.format, EVENT_HEADER),
            shown: 0,
            short_ids: settings.short_ids,
            unplaced: 0,
        }
    }

    fn table_chunk(&mut self, rows: &[(&Event, u64)], out: &mut dyn Write) -> Result<()> {
        // Ids written whole take 28 columns more than shortened ones.
        let tier = Tier::of(self.width.map(|w| {
            if self.short_ids {
                w
            } else {
                w.saturating_sub(28)
            }
        }));
        let mut table = new_table(self.width, self.color);
        if self.shown == 0 {
            table.set_header(header(tier.columns().0));
            let left_out = tier.left_out();
            if !left_out.is_empty() {
                eprintln!(
                    "callev: to fit {} columns the table leaves out {}; a wider terminal, COLUMNS or -o json show them",
                    self.width.unwrap_or_default(),
                    left_out
                );
            }
        }
        for (e, _) in rows {
            let time = e.time.map_or_else(
                || "-".to_owned(),
                |t| match tier {
                    Tier::Wide => self.zone.format(t),
                    Tier::Normal => self.zone.format_short(t),
                    Tier::Compact | Tier::Narrowest => self.zone.format_time_of_day(t),
                },
            );
            let call = || match e.call_id.as_deref() {
                None => "-".to_owned(),
                Some(c) if self.short_ids => {
                    short_id(&safe(c), if tier == Tier::Wide { 14 } else { 12 })
                }
                Some(c) => safe(c).into_owned(),
            };
            let mut cells = vec![Cell::new(time)];
            if tier != Tier::Narrowest {
                cells.push(Cell::new(call()));
            }
            if tier == Tier::Wide {
                cells.push(Cell::new(e.vendor.id()));
            }
            if matches!(tier, Tier::Wide | Tier::Normal) {
                cells.push(kind_cell(e.kind));
            }
            cells.extend([
                Cell::new(safe(e.event.as_deref().unwrap_or("-"))),
                Cell::new(details_text(e.vendor, &e.details)),
            ]);
            table.add_row(cells);
        }
        // Fixed widths (content plus padding) keep the chunks of a long stream aligned.
        let mut widths = tier.columns().1.to_vec();
        if !self.short_ids && tier != Tier::Narrowest {
            // Ids written whole: UUIDs and Bandwidth's ids fit.
            widths[1] = 42;
        }
        crate::render::table::fix_widths(&mut table, &widths);
        writeln!(out, "{}", crate::render::table::text(&table))?;
        Ok(())
    }
}

impl View for Events {
    fn prework(&self) -> Option<Box<crate::record::Prework>> {
        matches!(self.format, Format::Json | Format::Ndjson)
            .then(|| Box::new(prerender) as Box<crate::record::Prework>)
    }

    fn batch(
        &mut self,
        source: &str,
        _stem: &str,
        results: &mut Results,
        out: &mut dyn Write,
    ) -> Result<()> {
        let records = &results.records;
        let mut rows: Vec<(&Event, u64)> = Vec::new();
        self.seq.next_batch();
        let mut digits = itoa::Buffer::new();
        for r in records {
            let Some(e) = &r.normalized else { continue };
            let seq = self.seq.next(e.call_id.as_deref(), e.kind.is_terminal());
            if !self.calls.is_empty()
                && !e.call_id.as_deref().is_some_and(|c| self.calls.matches(c))
            {
                continue;
            }
            if let Some(msg) = self.calls.ambiguity() {
                bail!(crate::config::UsageError(msg));
            }
            if !self.filter.keeps_event(e) {
                continue;
            }
            match self.filter.select.event_in_time(e.time) {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    self.unplaced += 1;
                    continue;
                }
            }
            if self.format == Format::Table {
                rows.push((e, seq));
            } else if let (Some(p), Format::Json | Format::Ndjson) = (r.rendered, self.format) {
                let t = &results.text;
                self.writer.json_pieces(
                    out,
                    &[
                        &t[p.start..p.insert_at],
                        digits.format(seq).as_bytes(),
                        &t[p.insert_at + 1..p.end],
                    ],
                )?;
                self.shown += 1;
            } else {
                self.writer
                    .row(out, &EventRecord::new(source, r.line, e, seq))?;
                self.shown += 1;
            }
        }
        if !rows.is_empty() {
            self.table_chunk(&rows, out)?;
            self.shown += rows.len() as u64;
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        self.writer.finish(out)?;
        super::notes::note_unread(tally);
        super::notes::note_beside(tally);
        super::notes::note_calls(&self.calls, &Default::default());
        super::notes::note_unplaced(
            if self.unplaced == 1 {
                "event has"
            } else {
                "events have"
            },
            self.unplaced,
        );
        Ok(())
    }
}
