//! `callev events`: one row per event, in input order, normalized across vendors. Rows stream:
//! each batch is written as it arrives, as a table chunk or as records.

use std::io::{IoSlice, Write};

use anyhow::Result;

use crate::call::lifetime::{Arrival, Arriving, CallData, Lifetime};
use crate::call::CallMatcher;
use crate::config::{Filter, Settings};
use crate::event::Event;
use crate::output::{safe, Format, RecordWriter};
use crate::record::Tally;
use crate::record::{Needs, Results};
use crate::render::details::details_text;
use crate::render::fit::{self, Cell, Col, Fit};
use crate::render::short_id;
use crate::render::View;
use crate::timefmt::Zone;
use arrow_array::RecordBatch;

pub(crate) use crate::event_record::{EventRecord, Origin};

/// The events record's columns, the CSV header.
pub(crate) fn event_header() -> &'static [&'static str] {
    crate::event_record::names()
}

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

/// Numbers each call's events 1, 2, 3... in input order, and tells their repeats, keeping calls
/// as long as `Lifetime` says (as `summary` keeps them), so memory follows the calls still open,
/// not every call seen.
#[derive(Default)]
pub(crate) struct Sequencer {
    calls: Lifetime<Counter>,
    no_call: u64,
    order: u64,
}

struct Counter {
    id: Box<str>,
    seq: u64,
}

impl CallData for Counter {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Sequencer {
    /// Start a new batch.
    pub(crate) fn next_batch(&mut self) {
        self.calls.begin_batch();
    }

    /// The batch ended, at a tick of the input or not: calls that ended long ago are forgotten.
    pub(crate) fn end_batch(&mut self, tick: bool) {
        if self.calls.end_batch(tick) {
            for (order, key) in self.calls.due(false) {
                self.calls.finish(order, key);
            }
        }
    }

    /// The event's place in its call, whether it repeats an earlier event of it, and the id
    /// of its call when that is not the one it names (one of the call's other ids: see
    /// `call::alias`).
    pub(crate) fn next(&mut self, e: &Event) -> (u64, bool, Option<Box<str>>) {
        let Some(id) = e.call_id.as_deref() else {
            self.no_call += 1;
            return (self.no_call, false, None);
        };
        let key = crate::call::call_key(id);
        let make = |id: &str| Counter {
            id: id.into(),
            seq: 0,
        };
        match self
            .calls
            .arrive(key, id, self.order, &Arriving::of(e), make)
        {
            // An event of a call finished a while ago: first of what is left of it.
            Arrival::Late { repeat } => (1, repeat, None),
            Arrival::Event { call, repeat, .. } => {
                if call.order() == self.order {
                    self.order += 1;
                }
                call.data.seq += 1;
                let renamed = (*call.data.id != *id).then(|| call.data.id.clone());
                (call.data.seq, repeat, renamed)
            }
        }
    }
}

const SEQ_MARK: &[u8] = b",\"seq\":0,\"repeat\":false,\"details\":";

/// Where `false` stands after the `seq` placeholder.
const REPEAT_AT: usize = 11;

/// A record `render_record` wrote, with its `seq` and `repeat` put in: as pieces, for a writer
/// that takes them without copying.
pub(crate) fn spliced<'a>(
    record: &'a [u8],
    at: usize,
    seq: &'a [u8],
    repeat: bool,
) -> [&'a [u8]; 5] {
    let [before, between, after] = around(at, record.len());
    [
        &record[before],
        seq,
        &record[between],
        repeat_text(repeat),
        &record[after],
    ]
}

/// Where a record `render_record` wrote (`len` bytes, its `seq` placeholder at `at`) lies
/// around the seq and the repeat that take the placeholders' places: before the seq, between
/// the two, after the repeat.
fn around(at: usize, len: usize) -> [std::ops::Range<usize>; 3] {
    [0..at, at + 1..at + REPEAT_AT, at + REPEAT_AT + 5..len]
}

fn repeat_text(repeat: bool) -> &'static [u8] {
    if repeat {
        b"true"
    } else {
        b"false"
    }
}

/// An event's record written onto `text` with `seq` 0, and where the 0 is, for the caller to put
/// the real number in its place.
pub(crate) fn render_record(
    source: &str,
    at: (u64, Option<u64>),
    e: &Event,
    origin: Origin,
    text: &mut Vec<u8>,
) -> Option<crate::record::Rendered> {
    let start = text.len();
    let mut record = EventRecord::new(source, at.0, e, 0, origin);
    record.offset = at.1;
    record.write_json(text);
    // The mark cannot occur inside a string value (its quotes would be escaped), and the
    // record's fields come in a fixed order, so its first occurrence is the field itself.
    static MARK: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(SEQ_MARK));
    let at = MARK.find(&text[start..])?;
    Some(crate::record::Rendered {
        start,
        insert_at: start + at + 7,
        end: text.len(),
    })
}

/// On the workers: each event's record written out with `seq` 0 (see `render_record`).
fn prerender(source: &str, results: &mut Results) {
    let Results {
        records,
        text,
        read_at,
        ..
    } = results;
    let origin = Origin::read_at(*read_at);
    // Records of 700 to 900 bytes: grown from nothing the text was copied a dozen times.
    text.reserve(records.len() * 800);
    for r in records {
        let Some(e) = &mut r.normalized else { continue };
        r.rendered = render_record(source, (r.line, r.offset), e, origin, text);
        // Written out, the details are not read again: freed here, where they were made, rather
        // than held until the caller's thread drops the batch (unless the caller may write it
        // anew under another id of its call).
        if r.rendered.is_some() && !e.has_aliases() {
            e.details = crate::event::Details::default();
        }
    }
}

/// A piece of a batch's JSON output: its records lie in the text the workers wrote, their seq
/// and repeat (known only here) and the framing in bytes of this thread's (`Own`). Written
/// together, without copying the records (`output::write_all_vectored`).
enum Piece {
    /// Bytes of the batch's text.
    Text(std::ops::Range<usize>),
    /// Bytes of `Own`.
    Own(std::ops::Range<usize>),
    Repeat(bool),
}

impl Piece {
    fn bytes<'a>(&self, text: &'a [u8], own: &'a [u8]) -> &'a [u8] {
        match self {
            Piece::Text(r) => &text[r.clone()],
            Piece::Own(r) => &own[r.clone()],
            Piece::Repeat(repeat) => repeat_text(*repeat),
        }
    }
}

/// The bytes a batch's pieces take from this thread: seq numbers, the format's framing, and
/// records written anew here.
#[derive(Default)]
struct Own(Vec<u8>);

impl Own {
    fn put(&mut self, bytes: &[u8]) -> Piece {
        let start = self.0.len();
        self.0.extend_from_slice(bytes);
        Piece::Own(start..self.0.len())
    }

    /// What `write` writes, as a piece.
    fn written(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<Piece> {
        let start = self.0.len();
        write(&mut self.0)?;
        Ok(Piece::Own(start..self.0.len()))
    }

    /// A record's pieces (`record`) between what the format puts before and after it.
    fn framed(
        &mut self,
        writer: &mut RecordWriter,
        pieces: &mut Vec<Piece>,
        record: impl FnOnce(&mut Own, &mut Vec<Piece>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let start = self.0.len();
        writer.json_open(&mut self.0)?;
        if self.0.len() > start {
            pieces.push(Piece::Own(start..self.0.len()));
        }
        record(self, pieces)?;
        pieces.push(self.written(|v| writer.json_close(v))?);
        Ok(())
    }
}

pub(crate) struct Events {
    format: Format,
    width: Option<usize>,
    filter: Filter,
    calls: CallMatcher,
    seq: Sequencer,
    writer: RecordWriter,
    shown: u64,
    layout: Layout,
    /// Events without a time, left out by `--since`/`--until`.
    unplaced: u64,
    /// `-o parquet`: the columns being gathered.
    parquet: Option<crate::render::parquet::ParquetOut>,
}

impl Events {
    pub(crate) fn new(settings: &Settings) -> Events {
        Events {
            format: settings.format,
            width: settings.width,
            filter: settings.filter.clone(),
            calls: CallMatcher::new(&settings.filter.calls),
            seq: Sequencer::default(),
            writer: RecordWriter::new(settings.format, event_header()),
            shown: 0,
            layout: Layout::new(settings),
            unplaced: 0,
            parquet: None,
        }
    }

    /// The table's header, and once on stderr what a narrow terminal leaves out.
    fn header(&self, out: &mut Vec<u8>) {
        self.layout.header(out);
        let left_out = self.layout.tier.left_out();
        if !left_out.is_empty() {
            let note = fit::left_out_note(self.width.unwrap_or_default(), left_out);
            crate::output::say(&note);
        }
    }
}

/// How an events table is laid out: fixed column widths that do not depend on the rows, so that
/// any worker can write any row ahead of the caller (rows are written where records are parsed)
/// and the chunks of a long stream line up. The details, free text, wrap at word boundaries in
/// what is left of the terminal's width (`render::fit`).
#[derive(Debug, Clone)]
struct Layout {
    tier: Tier,
    color: bool,
    zone: Zone,
    short_ids: bool,
    fit: Fit,
}

/// The least room the details keep, however narrow the terminal.
const DETAILS_MIN: usize = 12;

impl Layout {
    fn new(settings: &Settings) -> Layout {
        // Ids written whole take 28 columns more than shortened ones.
        let tier = Tier::of(settings.width.map(|w| {
            if settings.short_ids {
                w
            } else {
                w.saturating_sub(28)
            }
        }));
        let (labels, widths) = tier.columns();
        let cols: Vec<Col> = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let mut width = widths.get(i).map_or(0, |w| usize::from(*w) - 2);
                if i == 1 && !settings.short_ids && tier != Tier::Narrowest {
                    // Ids written whole: UUIDs and Bandwidth's ids fit.
                    width = 40;
                }
                Col::new(label, width)
            })
            .collect();
        Layout {
            tier,
            color: settings.color,
            zone: settings.zone,
            short_ids: settings.short_ids,
            fit: fit::fit(&cols, Some(DETAILS_MIN), settings.width, fit::CELLS),
        }
    }

    /// The header line.
    fn header(&self, out: &mut Vec<u8>) {
        self.fit.header(self.tier.columns().0, self.color, out);
    }

    /// An event's row, with its details wrapped onto lines of their own where they do not fit.
    fn row(&self, e: &Event, out: &mut Vec<u8>) {
        let tier = self.tier;
        let mut time = String::with_capacity(32);
        match e.time {
            None => time.push('-'),
            Some(t) => match tier {
                Tier::Wide => self.zone.push(&mut time, t),
                Tier::Normal => time.push_str(&self.zone.format_short(t)),
                Tier::Compact | Tier::Narrowest => time.push_str(&self.zone.format_time_of_day(t)),
            },
        }
        let call = match e.call_id.as_deref() {
            None => "-".to_owned(),
            Some(c) if self.short_ids => {
                short_id(&safe(c), if tier == Tier::Wide { 14 } else { 12 })
            }
            Some(c) => safe(c).into_owned(),
        };
        let kind = self.color.then(|| crate::render::kind_look(e.kind).style());
        let name = safe(e.event.as_deref().unwrap_or("-"));
        let details = details_text(e.vendor, &e.details);
        // The tier's columns, in order (no allocation: a row per event).
        let shown = [
            Some((time.as_str(), None)),
            (tier != Tier::Narrowest).then_some((call.as_str(), None)),
            (tier == Tier::Wide).then_some((e.vendor.id(), None)),
            matches!(tier, Tier::Wide | Tier::Normal).then_some((e.kind.as_str(), kind)),
            Some((&*name, None)),
            Some((details.as_str(), None)),
        ];
        let mut cells: [Cell; 6] = [("", None); 6];
        let mut n = 0;
        for cell in shown.into_iter().flatten() {
            cells[n] = cell;
            n += 1;
        }
        self.fit.row(&cells[..n], self.color, out);
    }
}

/// On the workers: each event's table row written out, for the caller to copy.
fn prerender_rows(layout: &Layout, results: &mut Results) {
    let Results { records, text, .. } = results;
    for r in records {
        let Some(e) = &r.normalized else { continue };
        let start = text.len();
        layout.row(e, text);
        r.rendered = Some(crate::record::Rendered {
            start,
            insert_at: text.len(),
            end: text.len(),
        });
        if let Some(e) = r.normalized.as_mut().filter(|e| !e.has_aliases()) {
            e.details = crate::event::Details::default();
        }
    }
}

impl View for Events {
    fn needs(&self) -> Needs {
        Needs::EVENTS
    }

    /// Batches queued ahead of this thread: with one, the reader, two workers and this thread
    /// took turns on two cores and left a tenth of them idle (1.24 s against 1.11 s on 300 MB,
    /// medians of five); sixteen, as timeline and summary, cost about 20 MB.
    fn read_ahead(&self) -> usize {
        16
    }

    fn call_matcher(&self) -> Option<&CallMatcher> {
        Some(&self.calls)
    }

    fn prework(&self) -> Option<Box<crate::record::Prework>> {
        match self.format {
            Format::Json | Format::Ndjson => Some(Box::new(prerender)),
            Format::Table => {
                let layout = self.layout.clone();
                Some(Box::new(move |_: &str, results: &mut Results| {
                    prerender_rows(&layout, results)
                }))
            }
            Format::Parquet => Some(Box::new(|source: &str, results: &mut Results| {
                // A batch whose columns cannot be made is a bug in making them, not in the
                // input: its events are reported missing rather than the run stopped.
                if let Err(e) = crate::render::parquet::columns_of(source, results) {
                    crate::output::say(&format!("{source}: events not written as Parquet: {e:#}"));
                }
            })),
            Format::Csv => None,
        }
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()> {
        let records = &results.records;
        let mut rows: Vec<u8> = Vec::new();
        // `-o parquet`: the rows whose call goes by another id than the event names.
        let mut renames: Vec<(usize, Box<str>)> = Vec::new();
        self.seq.next_batch();
        let mut digits = itoa::Buffer::new();
        // `-o json`/`ndjson`: the batch's output, in pieces (see `Piece`).
        let (mut pieces, mut own) = (Vec::new(), Own::default());
        // `-o parquet`: each event's seq and repeat, and whether the filters keep it.
        let (mut seqs, mut repeats, mut keep) = (Vec::new(), Vec::new(), Vec::new());
        for r in records {
            let Some(e) = &r.normalized else { continue };
            let (seq, repeat, renamed) = self.seq.next(e);
            // An event of a call it names by another id is written anew, under its call's id.
            let renamed_event = renamed.as_ref().map(|id| {
                let mut e = e.clone();
                e.call_id = Some(id.to_string());
                e
            });
            if let (Some(id), Format::Parquet) = (&renamed, self.format) {
                renames.push((seqs.len(), id.clone()));
            }
            let (e, rendered) = match &renamed_event {
                Some(e) => (e, None),
                None => (e, r.rendered),
            };
            if self.format == Format::Parquet {
                seqs.push(i64::try_from(seq).unwrap_or(i64::MAX));
                repeats.push(repeat);
                // Left out unless the filters keep it below.
                keep.push(false);
            }
            if !self.calls.is_empty()
                && !e.call_id.as_deref().is_some_and(|c| self.calls.matches(c))
            {
                continue;
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
            if self.format == Format::Parquet {
                if let Some(k) = keep.last_mut() {
                    *k = true;
                }
                self.shown += 1;
            } else if self.format == Format::Table {
                if self.shown == 0 && rows.is_empty() {
                    self.header(&mut rows);
                }
                match rendered {
                    Some(p) => rows.extend_from_slice(&results.text[p.start..p.end]),
                    None => self.layout.row(e, &mut rows),
                }
            } else if let (Some(p), Format::Json | Format::Ndjson) = (rendered, self.format) {
                // The record as the worker wrote it, its seq and repeat put in: pieces of the
                // batch's text and of `own`, written together below.
                own.framed(&mut self.writer, &mut pieces, |own, pieces| {
                    let [before, between, after] = around(p.insert_at - p.start, p.end - p.start)
                        .map(|r| Piece::Text(p.start + r.start..p.start + r.end));
                    pieces.push(before);
                    pieces.push(own.put(digits.format(seq).as_bytes()));
                    pieces.push(between);
                    pieces.push(Piece::Repeat(repeat));
                    pieces.push(after);
                    Ok(())
                })?;
                self.shown += 1;
            } else if matches!(self.format, Format::Json | Format::Ndjson) {
                let origin = Origin::read_at(results.read_at);
                let mut record = EventRecord::new(source, r.line, e, seq, origin);
                record.offset = r.offset;
                record.repeat = repeat;
                let writer = &mut self.writer;
                pieces.push(own.written(|own| writer.row(own, &record))?);
                self.shown += 1;
            } else {
                let origin = Origin::read_at(results.read_at);
                let mut record = EventRecord::new(source, r.line, e, seq, origin);
                record.offset = r.offset;
                record.repeat = repeat;
                self.writer.row(out, &record)?;
                self.shown += 1;
            }
        }
        if !rows.is_empty() {
            out.write_all(&rows)?;
            self.shown += 1;
        }
        if !pieces.is_empty() {
            let mut slices: Vec<IoSlice> = pieces
                .iter()
                .map(|p| IoSlice::new(p.bytes(&results.text, &own.0)))
                .collect();
            crate::output::write_all_vectored(out, &mut slices)?;
        }
        let columns = results
            .payload
            .take()
            .and_then(|p| p.downcast::<RecordBatch>().ok());
        if let Some(columns) = columns {
            let parquet = match &mut self.parquet {
                Some(p) => p,
                None => self
                    .parquet
                    .insert(crate::render::parquet::ParquetOut::events()?),
            };
            let all = keep.iter().all(|k| *k);
            let columns = crate::render::parquet::renamed(*columns, &renames)?;
            parquet.push(columns, seqs, repeats, (!all).then_some(keep), out)?;
        }
        self.seq.end_batch(results.tick);
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        if self.format == Format::Parquet {
            let parquet = match self.parquet.take() {
                Some(p) => p,
                None => crate::render::parquet::ParquetOut::events()?,
            };
            parquet.finish(out)?;
        }
        self.writer.finish(out)?;
        super::notes::note_unread(tally);
        super::notes::note_beside(tally);
        super::notes::note_calls(&self.calls, &Default::default());
        super::notes::note_no_match(
            &self.filter.select,
            self.shown,
            "event",
            tally,
            self.layout.zone,
        );
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
