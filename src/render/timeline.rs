//! `callev timeline`: each call's events in time order, one block per call: a header with the
//! call's outcome and durations, then a row per event with its offset from the call's start, its
//! kind and the details that matter. Hold spans show in a gutter, long gaps as their own line,
//! repeated deliveries dimmed. The one view that holds events: only those it may show, and
//! only until their call has ended and `WINDOW` batches have passed without news of it (as
//! `summary` finishes calls), so memory follows the calls in flight, not the input.

use std::borrow::Cow;
use std::io::{self, Write};

use anyhow::Result;
use owo_colors::Style;
use serde::Serialize;

use crate::call::lifetime::{Arrival, Arriving, CallData, Lifetime};
use crate::call::step::Step;
use crate::call::{call_key, CallMatcher, CallState};
use crate::config::{Filter, Settings};
use crate::event::{Event, EventKind};
use crate::output::{safe, Format, RecordWriter};
use crate::record::Tally;
use crate::record::{Needs, Results};
use crate::render::details::push_details;
use crate::render::events::EventRecord;
use crate::render::fit::{self, Cell, Col, Fit};
use crate::render::View;
use crate::render::{kind_look, outcome_look, paint};
use crate::time::Millis;
use crate::timefmt::{human_duration, offset_clock, push_duration, push_offset_clock, Zone};

/// A gap between events long enough to show on its own line.
const LONG_GAP_MS: i64 = 10_000;

struct HeldEvent {
    line: u64,
    offset: Option<u64>,
    seq: u64,
    time: Option<Millis>,
    /// The vendor's name for it.
    name: Option<Cow<'static, str>>,
    /// The whole event, where a worker wrote nothing ahead of the caller (CSV).
    event: Option<Box<Event>>,
    source: u32,
    kind: EventKind,
    repeat: bool,
    /// A hash of each of its parties' values (0: not named), to show them only where they
    /// change.
    parties: [u64; PARTY_KEYS.len()],
    /// Its text as a worker wrote it, in its call's `text`: a table row's tail with the
    /// parties then without them (none: the same), or the events record with `seq` 0 at the
    /// middle: where it begins, and where its middle and end are after that.
    pre: Option<(u64, u32, u32)>,
}

/// How much of a call's held text stays in memory: beyond it, the text goes to a temporary
/// file, so a call of millions of events (a soak, a stuck loop) holds its events' places, not
/// their text (1.6 KB an event as JSON records).
const HELD_IN_MEMORY: usize = 32 << 20;

/// A call's block is written on to the output in pieces of about this size.
const PIECE: usize = 1 << 20;

/// A call's held text (see `HeldEvent::pre`): in memory, then, past `HELD_IN_MEMORY`, in a
/// temporary file (where one cannot be made, in memory still).
#[derive(Default)]
struct CallText {
    mem: Vec<u8>,
    file: Option<std::fs::File>,
    /// Bytes in the file: the text in memory begins there.
    spilled: u64,
}

impl CallText {
    fn len(&self) -> u64 {
        self.spilled + self.mem.len() as u64
    }

    /// Add a piece of text (whole: a piece is never split between file and memory); where it
    /// begins.
    fn push(&mut self, piece: &[u8]) -> u64 {
        if self.mem.len() + piece.len() > HELD_IN_MEMORY && !self.mem.is_empty() {
            self.spill();
        }
        let at = self.len();
        self.mem.extend_from_slice(piece);
        at
    }

    fn spill(&mut self) {
        if self.file.is_none() {
            self.file = tempfile::tempfile().ok();
        }
        let Some(file) = &mut self.file else { return };
        if file.write_all(&self.mem).is_ok() {
            self.spilled += self.mem.len() as u64;
            self.mem.clear();
        } else {
            // Left in memory; the file is not used again.
            self.file = None;
            self.spilled = 0;
        }
    }

    /// The text from `start` to `end`, read into `scratch` when it was spilled.
    fn get<'a>(&'a self, start: u64, end: u64, scratch: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        if start >= self.spilled {
            let (a, b) = (
                (start - self.spilled) as usize,
                (end - self.spilled) as usize,
            );
            return Ok(self.mem.get(a..b).unwrap_or_default());
        }
        let Some(file) = &self.file else {
            return Ok(&[]);
        };
        scratch.resize((end - start) as usize, 0);
        std::os::unix::fs::FileExt::read_exact_at(file, scratch, start)?;
        Ok(scratch)
    }
}

struct CallEvents {
    state: CallState,
    /// The events it may show (those `--event` keeps); none while following, which prints
    /// each as it comes.
    events: Vec<HeldEvent>,
    /// Events it has had, the repeats and those not held included.
    count: u64,
    /// Its held events' text, written on the workers (see `HeldEvent::pre`).
    text: CallText,
    selected: bool,
}

impl CallData for CallEvents {
    fn id(&self) -> &str {
        &self.state.call_id
    }
}

pub(crate) struct Timeline {
    format: Format,
    /// The rows' columns, fitted to the terminal.
    layout: Fit,
    /// The terminal's width, for the call headers.
    width: Option<usize>,
    color: bool,
    zone: Zone,
    follow: bool,
    filter: Filter,
    matcher: CallMatcher,
    sources: Vec<String>,
    /// The calls in flight, kept as long as `Lifetime` says (as `summary` keeps them).
    calls: Lifetime<CallEvents>,
    /// Where the next call stands in the input.
    next_order: u64,
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
    let mut header = crate::render::events::event_header().to_vec();
    header.push("offset_ms");
    header
});

#[derive(Serialize)]
struct CallRecord<'a> {
    call_id: &'a str,
    vendor: &'static str,
    events: Vec<EventRecord<'a>>,
}

impl CallEvents {
    fn new(id: &str, vendor: crate::vendor_id::Vendor) -> CallEvents {
        CallEvents {
            state: CallState::new(id.to_owned(), vendor),
            events: Vec::new(),
            count: 0,
            text: CallText::default(),
            selected: false,
        }
    }
}

impl Timeline {
    pub(crate) fn new(settings: &Settings) -> Timeline {
        Timeline {
            format: settings.format,
            layout: layout(settings.width),
            width: settings.width,
            color: settings.color,
            zone: settings.zone,
            follow: settings.follow,
            filter: settings.filter.clone(),
            matcher: CallMatcher::new(&settings.filter.calls),
            sources: Vec::new(),
            calls: Lifetime::default(),
            next_order: 0,
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
    fn follow_row(
        &mut self,
        call: (u64, u64),
        e: &Event,
        at: Place,
        out: &mut dyn Write,
    ) -> Result<()> {
        let (order, key) = call;
        let Some(call) = self.calls.get(order, key).map(|c| &c.data) else {
            return Ok(());
        };
        if self.format != Format::Table {
            let origin = crate::event_record::Origin::now();
            let mut rec = EventRecord::new(&self.sources[at.source], at.line, e, at.seq, origin);
            rec.offset = at.offset;
            rec.repeat = at.repeat;
            rec.offset_ms = offset(call, e.time);
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
        let offset = match (e.time, start) {
            (Some(t), Some(s)) => offset_clock(t - s),
            _ => format!("#{}", at.seq),
        };
        let time = e.time.map(|t| self.zone.format(t)).unwrap_or_default();
        let mut details = Vec::new();
        push_details_text(e, &mut details);
        let mut row = Vec::new();
        let name = e.event.as_deref();
        push_row(
            &self.layout,
            &offset,
            ' ',
            (e.kind, name),
            &text_of(&details),
            at.repeat,
            self.color,
            &mut row,
        );
        row.pop();
        out.write_all(&row)?;
        writeln!(out, "  {}", paint(self.color, Style::new().dimmed(), &time))?;
        Ok(())
    }

    /// The calls that ended a window ago and have not been heard of since (every call with
    /// `all`), in the order they first appeared: written (those selected) and forgotten.
    fn sweep(&mut self, all: bool, out: &mut dyn Write) -> Result<()> {
        for (order, key) in self.calls.due(all) {
            let Some(call) = self.calls.finish(order, key) else {
                continue;
            };
            if !self.follow {
                self.write_call(call, out)?;
            }
        }
        Ok(())
    }

    /// A finished call, if it is selected: its block, record or CSV rows.
    fn write_call(&mut self, call: CallEvents, out: &mut dyn Write) -> Result<()> {
        if !call.selected || !self.matcher.matches(&call.state.call_id) {
            return Ok(());
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
        let first = self.written == 0;
        self.written += 1;
        if self.format == Format::Table {
            if !first {
                writeln!(out)?;
            }
            return self.block(call, out);
        }
        let call = &call;
        let events = ordered(&call.events);
        match self.format {
            Format::Csv => {
                for h in events {
                    let Some(e) = &h.event else { continue };
                    let source = &self.sources[h.source as usize];
                    let origin = crate::event_record::Origin::now();
                    let mut r = EventRecord::new(source, h.line, e, h.seq, origin);
                    r.offset = h.offset;
                    r.repeat = h.repeat;
                    r.offset_ms = offset(call, h.time);
                    self.writer.row(out, &r)?;
                }
            }
            // Records written on the workers, spliced; any written anew here (an event named by
            // another id of its call) written in between.
            Format::Json | Format::Ndjson => {
                // Written on in pieces of about a MB: a call may hold millions of events.
                let mut buf = Vec::with_capacity((call.text.len() as usize).min(PIECE) + 256);
                let mut scratch = Vec::new();
                self.writer.json_open(out)?;
                buf.extend_from_slice(b"{\"call_id\":");
                serde_json::to_writer(&mut buf, &call.state.call_id)?;
                buf.extend_from_slice(b",\"vendor\":\"");
                buf.extend_from_slice(call.state.vendor.id().as_bytes());
                buf.extend_from_slice(b"\",\"events\":[");
                let mut digits = itoa::Buffer::new();
                for (n, h) in events.iter().enumerate() {
                    if n > 0 {
                        buf.push(b',');
                    }
                    if buf.len() >= PIECE {
                        out.write_all(&buf)?;
                        buf.clear();
                    }
                    let Some((a, b, c)) = h.pre else {
                        if let Some(e) = h.event.as_deref() {
                            let source = &self.sources[h.source as usize];
                            let origin = crate::event_record::Origin::now();
                            let mut r = EventRecord::new(source, h.line, e, h.seq, origin);
                            r.offset = h.offset;
                            r.repeat = h.repeat;
                            r.offset_ms = offset(call, h.time);
                            serde_json::to_writer(&mut buf, &r)?;
                        }
                        continue;
                    };
                    let mut seq = [0u8; 20];
                    let seq = {
                        let d = digits.format(h.seq).as_bytes();
                        seq[..d.len()].copy_from_slice(d);
                        &seq[..d.len()]
                    };
                    let held = call.text.get(a, a + u64::from(c), &mut scratch)?;
                    let pieces = crate::render::events::spliced(held, b as usize, seq, h.repeat);
                    for piece in pieces {
                        buf.extend_from_slice(piece);
                    }
                    // The record's closing brace, after which the offset goes.
                    buf.pop();
                    if let Some(ms) = offset(call, h.time) {
                        buf.extend_from_slice(b",\"offset_ms\":");
                        buf.extend_from_slice(digits.format(ms).as_bytes());
                    }
                    buf.push(b'}');
                }
                buf.extend_from_slice(b"]}");
                out.write_all(&buf)?;
                self.writer.json_close(out)?;
            }
            Format::Parquet => {
                let rec = CallRecord {
                    call_id: &call.state.call_id,
                    vendor: call.state.vendor.id(),
                    events: events
                        .iter()
                        .filter_map(|h| {
                            let source = &self.sources[h.source as usize];
                            let origin = crate::event_record::Origin::now();
                            let e = h.event.as_deref()?;
                            let mut r = EventRecord::new(source, h.line, e, h.seq, origin);
                            r.offset = h.offset;
                            r.repeat = h.repeat;
                            r.offset_ms = offset(call, h.time);
                            Some(r)
                        })
                        .collect(),
                };
                self.writer.row(out, &rec)?;
            }
            // Written above.
            Format::Table => {}
        }
        Ok(())
    }
}

/// Milliseconds from the call's first timed event.
fn offset(call: &CallEvents, time: Option<Millis>) -> Option<i64> {
    Some(time? - call.state.first_time()?)
}

/// Where an event is: its source, line and place in its call, and whether it repeats one.
#[derive(Debug, Clone, Copy)]
struct Place {
    source: usize,
    line: u64,
    offset: Option<u64>,
    seq: u64,
    repeat: bool,
}

/// Events in time order: timed events by their time (stable), untimed ones kept after the event
/// they arrived after.
fn ordered(events: &[HeldEvent]) -> Vec<&HeldEvent> {
    in_time_order(events.iter().collect(), |h| h.time)
}

/// `items` (in the order they arrived) in time order: timed ones by their time (stable),
/// untimed ones kept after the item they arrived after (the timeline's and `browse`'s order).
pub(crate) fn in_time_order<T>(items: Vec<T>, time: impl Fn(&T) -> Option<Millis>) -> Vec<T> {
    // Most calls' events arrive in time order already.
    let mut latest = i64::MIN;
    if items.iter().all(|item| match time(item) {
        Some(t) if t < latest => false,
        Some(t) => {
            latest = t;
            true
        }
        None => true,
    }) {
        return items;
    }
    let mut carry = i64::MIN;
    let mut keyed: Vec<(i64, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            if let Some(t) = time(&item) {
                carry = t;
            }
            (carry, i, item)
        })
        .collect();
    keyed.sort_by_key(|(t, i, _)| (*t, *i));
    keyed.into_iter().map(|(_, _, item)| item).collect()
}

/// Details that describe the parties rather than the event: shown once per call, again only when
/// they change.
const PARTY_KEYS: [&str; 5] = ["caller", "callee", "initiation", "from", "to"];

/// A hash of each party the event names (by `PARTY_KEYS`), 0 for those it does not.
fn party_hashes(e: &Event) -> [u64; PARTY_KEYS.len()] {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hashes = [0; PARTY_KEYS.len()];
    for (k, v) in e.details.iter() {
        let Some(i) = PARTY_KEYS.iter().position(|p| p == k) else {
            continue;
        };
        let mut h = foldhash::fast::FixedState::default().build_hasher();
        match v {
            crate::event::Detail::Str(s) => s.hash(&mut h),
            other => other.display().hash(&mut h),
        }
        hashes[i] = h.finish().max(1);
    }
    hashes
}

impl HeldEvent {
    /// The parties it names, as (index in `PARTY_KEYS`, hash of the value).
    fn parties(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.parties
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, h)| *h != 0)
    }

    fn names_parties(&self) -> bool {
        self.parties.iter().any(|h| *h != 0)
    }
}

/// An event's details as its row shows them, the parties last, without trailing spaces;
/// returns where the parties begin (the end when it names none), so that the details without
/// them are the text up to there.
fn push_details_text(e: &Event, out: &mut Vec<u8>) -> usize {
    push_details_text_with(e, &mut String::new(), out)
}

/// `push_details_text` with a scratch string of the caller's (the workers write millions).
fn push_details_text_with(e: &Event, details: &mut String, out: &mut Vec<u8>) -> usize {
    details.clear();
    push_details(e.vendor, &e.details, |k| !PARTY_KEYS.contains(&k), details);
    let bare = details.trim_end().len();
    push_details(e.vendor, &e.details, |k| PARTY_KEYS.contains(&k), details);
    let start = out.len();
    out.extend_from_slice(details.trim_end().as_bytes());
    start + bare
}

/// On the workers: each event's details (see `push_details_text`).
fn prerender_details(results: &mut Results) {
    let Results { records, text, .. } = results;
    // Details of 30 to 100 bytes: grown from nothing the text was copied a dozen times.
    text.reserve(records.len() * 96);
    let mut details = String::with_capacity(256);
    for r in records {
        let Some(e) = &r.normalized else { continue };
        let start = text.len();
        let split = push_details_text_with(e, &mut details, text);
        r.rendered = Some(crate::record::Rendered {
            start,
            insert_at: split,
            end: text.len(),
        });
    }
}

/// Text the workers wrote (UTF-8 but for a fault), as text.
fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The timeline's columns: the offset from the call's start, the hold gutter, the kind, the
/// vendor's name, then the details, free text that wraps under itself.
fn layout(width: Option<usize>) -> Fit {
    let cols = [
        Col::new("at", 11).right(),
        Col::new("", 1),
        Col::new("kind", 18).drop(1),
        Col::new("event", 28),
        Col::new("details", 0),
    ];
    fit::fit(&cols, Some(DETAILS_MIN), width, fit::TIGHT)
}

/// The least room an event's details keep before the kind is left out (the vendor's event name
/// tells it too).
const DETAILS_MIN: usize = 30;

/// One event's row: the offset, the gutter, kind, name and details (a repeated delivery all
/// dimmed, its details left out).
#[allow(clippy::too_many_arguments)]
fn push_row(
    layout: &Fit,
    at: &str,
    gutter: char,
    (kind, name): (EventKind, Option<&str>),
    details: &str,
    repeat: bool,
    color: bool,
    out: &mut Vec<u8>,
) {
    let mut buf = [0; 4];
    let gutter = &*gutter.encode_utf8(&mut buf);
    let name = safe(name.unwrap_or("-"));
    let dim = Some(Style::new().dimmed());
    let cells: [Cell; 5] = if repeat {
        [
            (at, dim),
            (gutter, dim),
            (kind.as_str(), dim),
            (&name, dim),
            ("repeated delivery, ignored", dim),
        ]
    } else {
        [
            (at, dim),
            (gutter, Some(Style::new().yellow())),
            (kind.as_str(), Some(kind_look(kind).style())),
            (&name, None),
            (details, None),
        ]
    };
    layout.row(&cells, color, out);
}

impl View for Timeline {
    fn merges_events(&self) -> bool {
        true
    }

    fn needs(&self) -> Needs {
        Needs::EVENTS
    }

    fn call_matcher(&self) -> Option<&CallMatcher> {
        Some(&self.matcher)
    }

    /// Rows (tables) or records (JSON) written on the workers; the caller adds what only it
    /// knows: offsets, holds, which parties to show again, `seq`.
    fn prework(&self) -> Option<Box<crate::record::Prework>> {
        if self.follow {
            return None;
        }
        match self.format {
            Format::Table => Some(Box::new(|_: &str, results: &mut Results| {
                prerender_details(results)
            })),
            Format::Json | Format::Ndjson => {
                Some(Box::new(|source: &str, results: &mut Results| {
                    let Results {
                        records,
                        text,
                        read_at,
                        ..
                    } = results;
                    let origin = crate::event_record::Origin::read_at(*read_at);
                    for r in records {
                        if let Some(e) = &r.normalized {
                            r.rendered = crate::render::events::render_record(
                                source,
                                (r.line, r.offset),
                                e,
                                origin,
                                text,
                            );
                        }
                    }
                }))
            }
            Format::Csv | Format::Parquet => None,
        }
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()> {
        self.calls.begin_batch();
        let batch_src = self.source_index(source);
        let wanted = self.filter.calls.clone();
        let Results {
            records,
            text,
            origins,
            ..
        } = results;
        for (i, r) in records.iter_mut().enumerate() {
            // Left in its record, an event is freed by the worker that takes the batch's
            // vector again (see `reading::read`); only one a row must be written from is taken.
            let Some(e) = r.normalized.as_ref() else {
                continue;
            };
            // Records merged from several inputs name theirs.
            let (name, src) = match origins.as_ref().and_then(|o| o.name(i)) {
                Some(name) => (name, self.source_index(name)),
                None => (source, batch_src),
            };
            let Some(id) = e.call_id.as_deref() else {
                self.no_call.add(name, r.line);
                continue;
            };
            // Calls `--call` does not name are not followed at all.
            if !wanted.is_empty() && !CallMatcher::selects(&wanted, id) {
                continue;
            }
            let keep = self.filter.keeps_event(e);
            let key = call_key(id);
            let order = self.next_order;
            let make = |id: &str| CallEvents::new(id, e.vendor);
            let Arrival::Event { call, repeat, .. } =
                self.calls.arrive(key, id, order, &Arriving::of(e), make)
            else {
                continue;
            };
            if call.order() == order {
                self.next_order += 1;
            }
            if repeat {
                call.data.state.repeated();
            } else {
                call.data.state.apply(&Step::of(e));
            }
            let call_at = (call.order(), call.key());
            // Named by another of its call's ids: its record is written anew under the call's.
            let renamed = (call.data.state.call_id != id).then(|| call.data.state.call_id.clone());
            let call = &mut call.data;
            call.count += 1;
            call.selected |= keep;
            let place = Place {
                source: src,
                line: r.line,
                offset: r.offset,
                seq: call.count,
                repeat,
            };
            if self.follow {
                let id = e.call_id.as_deref().unwrap_or_default();
                if keep && self.matcher.matches(id) {
                    self.follow_row(call_at, e, place, out)?;
                }
                continue;
            }
            if !keep {
                continue;
            }
            let records = matches!(self.format, Format::Json | Format::Ndjson);
            let pre = r
                .rendered
                .filter(|_| renamed.is_none() || !records)
                .and_then(|p| {
                    let mid = u32::try_from(p.insert_at - p.start).ok()?;
                    let end = u32::try_from(p.end - p.start).ok()?;
                    Some((call.text.push(&text[p.start..p.end]), mid, end))
                });
            call.events.push(HeldEvent {
                line: r.line,
                offset: r.offset,
                seq: call.count,
                time: e.time,
                name: e.event.clone(),
                parties: if self.format == Format::Table {
                    party_hashes(e)
                } else {
                    [0; PARTY_KEYS.len()]
                },
                pre,
                source: src as u32,
                kind: e.kind,
                repeat,
                event: if pre.is_none() {
                    r.normalized.take().map(|mut e| {
                        if let Some(id) = renamed {
                            e.call_id = Some(id);
                        }
                        Box::new(e)
                    })
                } else {
                    None
                },
            });
        }
        if self.calls.end_batch(results.tick) {
            self.sweep(false, out)?;
        }
        Ok(())
    }

    /// Sweeps make the work here come in bursts, as for `summary`: batches read ahead keep the
    /// workers busy through them.
    fn read_ahead(&self) -> usize {
        16
    }

    /// Its events stay in their records (`batch`), to be freed off this thread.
    fn frees_on_workers(&self) -> bool {
        true
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
        super::notes::note_late(self.calls.late(), "shown in");
        if !self.follow {
            super::notes::note_calls(&self.matcher, &self.no_call);
            super::notes::note_no_match(
                &self.filter.select,
                self.written,
                "call",
                tally,
                self.zone,
            );
        }
        Ok(())
    }
}

/// A call's facts as its header line lists them: start, durations, events and repeats, end,
/// parent call (the timeline's block and `browse`'s call view).
pub(crate) fn facts(s: &crate::call::CallSummary, zone: Zone) -> Vec<String> {
    // Written piece by piece (a timeline writes one set per call).
    let fact = |label: &str| {
        let mut f = String::with_capacity(40);
        f.push_str(label);
        f
    };
    let mut facts: Vec<String> = Vec::with_capacity(8);
    if let Some(t) = s.started_at {
        let mut f = fact("started ");
        zone.push(&mut f, t);
        facts.push(f);
    }
    for (label, v) in [
        ("ring ", s.ring_ms),
        ("talk ", s.talk_ms),
        ("hold ", s.hold_ms.filter(|h| *h > 0)),
        ("total ", s.total_ms),
    ] {
        if let Some(ms) = v {
            let mut f = fact(label);
            push_duration(&mut f, ms);
            facts.push(f);
        }
    }
    let mut f = fact(itoa::Buffer::new().format(s.events));
    f.push_str(if s.events == 1 { " event" } else { " events" });
    if s.duplicates > 0 {
        f.push_str(", ");
        f.push_str(itoa::Buffer::new().format(s.duplicates));
        f.push_str(" repeated");
    }
    facts.push(f);
    if let Some(r) = &s.end_reason {
        let mut f = fact("end ");
        f.push_str(&safe(r));
        facts.push(f);
    }
    if let Some(parent) = &s.parent_call_id {
        let mut f = fact("a leg of call ");
        f.push_str(&safe(parent));
        facts.push(f);
    }
    facts
}

impl Timeline {
    /// A call's block: its header, facts and anomalies, then a row per event.
    fn block(&self, call: CallEvents, out: &mut dyn Write) -> Result<()> {
        let CallEvents {
            state,
            events: held,
            text: call_text,
            ..
        } = call;
        let events = ordered(&held);
        // The call is done with: its summary takes its state's text.
        let s = state.into_summary();
        let c = self.color;
        // The header's parts and facts break between them to fit, never inside one.
        let head = [
            format!("▶ call {}", safe(&s.call_id)),
            s.vendor.to_string(),
            s.outcome.as_str().to_owned(),
        ];
        for (n, line) in fit::pack(&head, "  ", 0, self.width)
            .into_iter()
            .enumerate()
        {
            let painted: Vec<String> = line
                .iter()
                .map(|part| {
                    let style = if part.starts_with("▶ call") {
                        Style::new().bold()
                    } else if part == s.outcome.as_str() {
                        outcome_look(s.outcome).style().bold()
                    } else {
                        Style::new()
                    };
                    paint(c, style, part)
                })
                .collect();
            let indent = if n == 0 { "" } else { "  " };
            writeln!(out, "{indent}{}", painted.join("  "))?;
        }
        let facts = facts(&s, self.zone);
        for line in fit::pack(&facts, " · ", 2, self.width) {
            writeln!(out, "  {}", line.join(" · "))?;
        }
        let timed = events.iter().any(|h| h.time.is_some());
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
            let mark = format!("  {} ", paint(c, Style::new().red(), "!"));
            out.write_all(fit::hang(&mark, "    ", a, self.width).as_bytes())?;
        }
        let start = s.started_at.or(s.first_time);
        let mut on_hold = false;
        let mut previous: Option<i64> = None;
        let mut shown_parties = [0u64; PARTY_KEYS.len()];
        let mut text = Vec::with_capacity((call_text.len() as usize).min(PIECE) + 256);
        let mut tail = Vec::new();
        let mut scratch = Vec::new();
        let mut at = String::new();
        for (n, h) in events.iter().enumerate() {
            // Written on in pieces of about a MB: a call may hold millions of events.
            if text.len() >= PIECE {
                out.write_all(&text)?;
                text.clear();
            }
            if let (Some(p), Some(t)) = (previous, h.time) {
                if t - p >= LONG_GAP_MS {
                    let gap = human_duration(t - p);
                    let dim = Some(Style::new().dimmed());
                    // Under the kind, or the event's name when the kind is left out.
                    let mut cells = [("", None), ("⋮", dim), ("", None), ("", None)];
                    cells[if self.layout.shows(2) { 2 } else { 3 }] = (gap.as_str(), dim);
                    self.layout.row(&cells, c, &mut text);
                }
            }
            previous = h.time.or(previous);
            at.clear();
            match (h.time, start, timed) {
                (Some(t), Some(s0), _) => push_offset_clock(&mut at, t - s0),
                (None, _, true) => at.push('?'),
                _ => {
                    at.push('#');
                    at.push_str(itoa::Buffer::new().format(n + 1));
                }
            }
            let gutter = match h.kind {
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
            // Parties are shown where they first appear and where one of them changes.
            let parties = !h.repeat && h.names_parties() && {
                let mut changed = false;
                for (k, v) in h.parties() {
                    if shown_parties[k] != v {
                        shown_parties[k] = v;
                        changed = true;
                    }
                }
                changed
            };
            let row: &[u8] = match h.pre {
                Some((first, _, end)) if parties => {
                    call_text.get(first, first + u64::from(end), &mut scratch)?
                }
                Some((first, bare, _)) => {
                    call_text.get(first, first + u64::from(bare), &mut scratch)?
                }
                None => {
                    tail.clear();
                    if let Some(e) = &h.event {
                        let bare = push_details_text(e, &mut tail);
                        if !parties {
                            tail.truncate(bare);
                        }
                    }
                    &tail
                }
            };
            push_row(
                &self.layout,
                &at,
                gutter,
                (h.kind, h.name.as_deref()),
                &text_of(row),
                h.repeat,
                c,
                &mut text,
            );
        }
        out.write_all(&text)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whether or not the items arrive in time order already (then they are given back as
        /// they are), the order is the one the carried sort gives: timed items by time, stable,
        /// untimed ones after the item they arrived after.
        #[test]
        fn time_order_is_the_carried_sort(times in proptest::collection::vec(
            proptest::option::of(0i64..6), 0..24)) {
            let items: Vec<(usize, Option<i64>)> = times.iter().copied().enumerate().collect();
            let mut carry = i64::MIN;
            let mut expected: Vec<(i64, usize)> = items
                .iter()
                .map(|&(i, t)| {
                    carry = t.unwrap_or(carry);
                    (carry, i)
                })
                .collect();
            expected.sort();
            let got: Vec<usize> = in_time_order(items, |(_, t)| *t).into_iter().map(|(i, _)| i).collect();
            let expected: Vec<usize> = expected.into_iter().map(|(_, i)| i).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    /// A call's text past `HELD_IN_MEMORY` goes to a file, and every piece reads back as it was
    /// pushed, from the file or from memory.
    #[test]
    fn a_large_calls_text_is_spilled_and_read_back_whole() {
        let mut text = CallText::default();
        let mut pieces = Vec::new();
        let mut n = 0u64;
        while text.len() < (HELD_IN_MEMORY as u64) * 5 / 2 {
            let piece = format!(
                "{{\"seq\":{n},\"pad\":\"{}\"}}",
                "x".repeat((n % 97) as usize)
            )
            .repeat(64);
            pieces.push((text.push(piece.as_bytes()), piece));
            n += 1;
        }
        assert!(text.file.is_some(), "spilled");
        assert!(text.mem.len() <= HELD_IN_MEMORY);
        assert!(text.spilled >= HELD_IN_MEMORY as u64);
        let mut scratch = Vec::new();
        for (at, piece) in &pieces {
            let got = text
                .get(*at, at + piece.len() as u64, &mut scratch)
                .unwrap();
            assert_eq!(got, piece.as_bytes());
        }
    }
}
