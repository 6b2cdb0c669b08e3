//! One framed record through parsing, detection, validation and normalization. This is what the
//! workers run, a batch at a time, in parallel; it reads only the batch and its settings.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::event::Event;
use crate::formats::{self, Context, LogLine, Undetected, Vendor};
use crate::input::{Batch, Raw, Shape};
use crate::json::fast::Scratch;
use crate::json::Json;
use crate::output::thousands;
use crate::time::Millis;

mod source;

/// What a view needs of the reading (each view says, `View::needs`): whether records are
/// validated and normalized, how much of them is kept, and, for `validate`, how findings count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needs {
    pub(crate) validate: bool,
    pub(crate) normalize: bool,
    /// Store only the details per-call aggregation reads (summary); the event's fingerprint
    /// still covers all of them.
    pub(crate) lean: bool,
    /// Hold each batch's bytes (compressed) when its file cannot be read again (`browse`).
    pub(crate) hold: bool,
    /// `validate --strict`: text lines and other JSON are findings too, and warnings fail.
    pub(crate) strict: bool,
    /// `validate --allow`: findings of these codes are dropped before validity is decided.
    pub(crate) allowed: crate::diagnostic::Codes,
    /// Each value's exact source bytes, in the batch's `text` (`send`; see `source`).
    pub(crate) source: bool,
}

impl Needs {
    /// Reading only: no validation, no normalization (`detect`).
    pub(crate) const DETECT: Needs = Needs {
        validate: false,
        normalize: false,
        lean: false,
        hold: false,
        strict: false,
        allowed: crate::diagnostic::Codes::NONE,
        source: false,
    };

    /// Normalized events (the views of events and calls).
    pub(crate) const EVENTS: Needs = Needs {
        normalize: true,
        ..Needs::DETECT
    };
}

/// What to work out for each record: what the view needs, and how the settings say records are
/// read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Analysis {
    pub(crate) validate: bool,
    pub(crate) normalize: bool,
    pub(crate) forced: Option<Vendor>,
    /// Seconds east of UTC for times written without a zone.
    pub(crate) naive_offset: i32,
    /// See `Needs::lean`.
    pub(crate) lean: bool,
    /// See `Needs::strict`.
    pub(crate) strict: bool,
    /// `--vendor`: other vendors' records are left out.
    pub(crate) vendors: crate::formats::Vendors,
    /// See `Needs::allowed`.
    pub(crate) allowed: crate::diagnostic::Codes,
    /// See `Needs::hold`.
    pub(crate) hold: bool,
    /// See `Needs::source`.
    pub(crate) source: bool,
}

impl Analysis {
    /// What a view needs, read as the settings say (`--as`, `--source-tz`, `--vendor`).
    pub(crate) fn new(
        needs: Needs,
        forced: Option<Vendor>,
        naive_offset: i32,
        vendors: crate::formats::Vendors,
    ) -> Analysis {
        Analysis {
            validate: needs.validate,
            normalize: needs.normalize,
            forced,
            naive_offset,
            lean: needs.lean,
            strict: needs.strict,
            vendors,
            allowed: needs.allowed,
            hold: needs.hold,
            source: needs.source,
        }
    }
}

/// How a record is accounted for (`validate -o json`'s summary: `records = valid + invalid +
/// unparseable + unknown`),
/// and what is read beside the records: a log's text lines and its other JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Valid,
    Invalid,
    Unparseable,
    Unknown,
    /// A line with no JSON value in it: not a record.
    Text,
    /// A JSON value in a log that is no vendor's, or a vendor's message that is not a call event
    /// (Bandwidth messaging): not a record.
    Other,
    /// A record of a vendor `--vendor` leaves out: counted apart, not this run's.
    Excluded,
}

/// Every record read, accounted for.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    pub(crate) records: u64,
    pub(crate) valid: u64,
    pub(crate) invalid: u64,
    /// Valid records with at least one warning.
    pub(crate) warnings: u64,
    pub(crate) unparseable: u64,
    pub(crate) unknown: u64,
    /// Beside the records: lines with no JSON value, and JSON values that are not call events.
    pub(crate) text_lines: u64,
    pub(crate) other_json: u64,
    /// Records of the vendors `--vendor` leaves out.
    pub(crate) excluded: u64,
    /// Findings `--allow` muted.
    pub(crate) muted: u64,
    /// Where the first other JSON value is, for the note on stderr.
    pub(crate) first_other: Option<String>,
    /// Records per vendor, in the list of formats' order (see `by_vendor`).
    pub(crate) vendors: [u64; formats::COUNT],
    pub(crate) files: u64,
    pub(crate) failed_sources: u64,
    /// Where the first unreadable and unknown records are, for the hint on stderr.
    pub(crate) first_problem: Option<String>,
    /// Ctrl-C (or SIGTERM, SIGHUP) stopped the reading: what the view writes is partial.
    pub(crate) interrupted: bool,
    /// The earliest and latest event times read: what a time filter that matched nothing
    /// says the input held.
    pub(crate) times: Option<(Millis, Millis)>,
}

impl Tally {
    pub(crate) fn add(&mut self, source: &str, r: &Analyzed) {
        self.muted += u64::from(r.muted);
        match r.status {
            Status::Text => return self.text_lines += 1,
            Status::Excluded => return self.excluded += 1,
            Status::Other => {
                self.other_json += 1;
                if self.first_other.is_none() {
                    self.first_other = Some(format!("{}:{}", source, r.line));
                }
                return;
            }
            _ => self.records += 1,
        }
        match r.status {
            Status::Valid => {
                self.valid += 1;
                if r.has_warnings() {
                    self.warnings += 1;
                }
            }
            Status::Invalid => self.invalid += 1,
            Status::Unparseable => self.unparseable += 1,
            Status::Unknown => self.unknown += 1,
            Status::Text | Status::Other | Status::Excluded => {}
        }
        if let Some(v) = r.vendor {
            self.vendors[v.index()] += 1;
        }
        if let Some(t) = r.normalized.as_ref().and_then(|e| e.time) {
            self.times = Some(match self.times {
                Some((a, b)) => (a.min(t), b.max(t)),
                None => (t, t),
            });
        }
        if matches!(r.status, Status::Unparseable | Status::Unknown) && self.first_problem.is_none()
        {
            self.first_problem = Some(format!("{}:{}", source, r.line));
        }
    }

    /// The vendors records were of, with how many, in `Vendor`'s order.
    pub(crate) fn by_vendor(&self) -> BTreeMap<Vendor, u64> {
        Vendor::all()
            .zip(self.vendors)
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Add another tally (of records read after these).
    pub(crate) fn merge(&mut self, other: Tally) {
        self.records += other.records;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.warnings += other.warnings;
        self.unparseable += other.unparseable;
        self.unknown += other.unknown;
        self.text_lines += other.text_lines;
        self.other_json += other.other_json;
        self.excluded += other.excluded;
        self.muted += other.muted;
        if self.first_other.is_none() {
            self.first_other = other.first_other;
        }
        for (mine, theirs) in self.vendors.iter_mut().zip(other.vendors) {
            *mine += theirs;
        }
        self.files += other.files;
        self.failed_sources += other.failed_sources;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
        self.times = match (self.times, other.times) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (mine, theirs) => mine.or(theirs),
        };
    }

    /// `1,204 records in 3 files`
    pub(crate) fn read_phrase(&self) -> String {
        let files = if self.files == 1 {
            "1 input".to_owned()
        } else {
            format!("{} inputs", thousands(self.files))
        };
        let records = if self.records == 1 {
            "1 record".to_owned()
        } else {
            format!("{} records", thousands(self.records))
        };
        format!("{records} in {files}")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Analyzed {
    pub(crate) line: u64,
    /// Where its text begins in its source (bytes, decompressed), when it is a line of its own
    /// or a part of one (not a value copied together from lines it spans).
    pub(crate) offset: Option<u64>,
    pub(crate) status: Status,
    pub(crate) vendor: Option<Vendor>,
    pub(crate) event: Option<std::borrow::Cow<'static, str>>,
    /// Why detection decided as it did, or why the record could not be read.
    pub(crate) reason: Reason,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) normalized: Option<Event>,
    /// Findings `--allow` dropped.
    pub(crate) muted: u32,
    /// The record already written out by a worker, as a range of the batch's `text`, with the
    /// position where the caller inserts what only it knows (an event's `seq`); or, read for
    /// `send` (`Needs::source`), its exact source bytes.
    pub(crate) rendered: Option<Rendered>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Rendered {
    pub(crate) start: usize,
    /// The one placeholder byte the caller replaces (or, for a timeline row, where its second
    /// form begins).
    pub(crate) insert_at: usize,
    pub(crate) end: usize,
}

/// A batch's vectors, handed back to be filled again (see `pool`): its records, and the text
/// the view's pre-work wrote (a megabyte a batch for `events -o ndjson`, grown from nothing
/// each time before).
#[derive(Default)]
pub(crate) struct Spare {
    pub(crate) records: Vec<Analyzed>,
    pub(crate) text: Vec<u8>,
}

/// A batch's analyzed records, and what views made of them on the workers: text rendered ahead
/// of the caller, and whatever else the view's pre-work makes (`payload`: summary's events
/// packed for aggregation, events' Parquet columns).
#[derive(Default)]
pub(crate) struct Results {
    pub(crate) records: Vec<Analyzed>,
    pub(crate) text: Vec<u8>,
    /// What the view's pre-work made for its own `batch`, which alone knows its type.
    pub(crate) payload: Option<Box<dyn std::any::Any + Send>>,
    /// The batch ends at a tick of its source's content (see `frame::Batch::tick`).
    pub(crate) tick: bool,
    /// When the batch was read (`frame::Batch::read_at`).
    pub(crate) read_at: crate::time::Millis,
    /// Where the batch stands in its file (`frame::Batch::stored`), and its first line.
    pub(crate) stored: Option<crate::input::Stored>,
    pub(crate) first_line: u64,
    /// The batch's bytes, zstd-compressed, when the analysis asks to hold them
    /// (`Analysis::hold`) and they cannot be read again from a file.
    pub(crate) held: Option<Vec<u8>>,
    /// Records of several sources merged by time (see `merge`): which source each came from.
    /// Such a chunk leaves `stored`, `first_line`, `held` and `read_at` empty: its batches'
    /// are in `Origins::arrived`.
    pub(crate) origins: Option<Origins>,
}

/// Where a merged chunk's records came from: runs of records of one batch of one source, by
/// the index of the run's first record; and the batches the merge took in since the last chunk,
/// numbered from 0 in the order taken, with where each stands in its source (for `browse`,
/// which reads a call's batches again).
#[derive(Debug, Default)]
pub(crate) struct Origins {
    pub(crate) names: std::sync::Arc<[String]>,
    pub(crate) runs: Vec<Run>,
    pub(crate) arrived: Vec<Arrived>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) first: u32,
    pub(crate) source: u32,
    /// The batch's number among those the merge took in.
    pub(crate) batch: u32,
}

/// A batch the merge took in: its source, and what says where it stands there.
#[derive(Debug)]
pub(crate) struct Arrived {
    pub(crate) source: u32,
    pub(crate) first_line: u64,
    pub(crate) stored: Option<crate::input::Stored>,
    pub(crate) held: Option<Vec<u8>>,
}

impl Origins {
    /// The run record `i` is in.
    pub(crate) fn run(&self, i: usize) -> Option<Run> {
        let run = self.runs.partition_point(|r| r.first as usize <= i);
        run.checked_sub(1).map(|r| self.runs[r])
    }

    /// The name of the source record `i` came from.
    pub(crate) fn name(&self, i: usize) -> Option<&str> {
        self.run(i)
            .and_then(|r| self.names.get(r.source as usize))
            .map(String::as_str)
    }
}

/// The name of the source record `i` of a batch came from: `batch`, the batch's own source,
/// unless its records were merged from several (`origins`).
pub(crate) fn source_of<'a>(origins: Option<&'a Origins>, i: usize, batch: &'a str) -> &'a str {
    origins.and_then(|o| o.name(i)).unwrap_or(batch)
}

/// Work a view does on the workers after analysis (given the source's name), ahead of the
/// caller.
pub(crate) type Prework = dyn Fn(&str, &mut Results) + Send + Sync;

/// Why a record was read as it was: detection's sign, rendered only when shown, or a message.
#[derive(Debug, Clone)]
pub(crate) enum Reason {
    Sign {
        sign: &'static str,
        forced: Option<Vendor>,
        envelope: String,
    },
    Text(String),
}

impl Analyzed {
    /// The reason as a person reads it.
    pub(crate) fn reason_text(&self) -> String {
        match &self.reason {
            Reason::Sign {
                sign,
                forced,
                envelope,
            } => formats::describe(sign, self.event.as_deref(), *forced, envelope),
            Reason::Text(t) => t.clone(),
        }
    }

    fn failed(line: u64, status: Status, code: Code, reason: String) -> Analyzed {
        Analyzed {
            line,
            offset: None,
            status,
            vendor: None,
            event: None,
            diagnostics: vec![Diagnostic::error(code, "", reason.clone())],
            reason: Reason::Text(reason),
            normalized: None,
            rendered: None,
            muted: 0,
        }
    }

    /// What is read beside the records (a text line, other JSON): a warning only for
    /// `validate --strict`.
    fn beside(line: u64, status: Status, code: Code, reason: String, strict: bool) -> Analyzed {
        Analyzed {
            line,
            offset: None,
            status,
            vendor: None,
            event: None,
            diagnostics: if strict {
                vec![Diagnostic::warning(code, "", reason.clone())]
            } else {
                Vec::new()
            },
            reason: Reason::Text(reason),
            normalized: None,
            rendered: None,
            muted: 0,
        }
    }

    /// A record of a vendor `--vendor` leaves out: counted apart, not this run's.
    fn left_out(line: u64, vendor: Vendor) -> Analyzed {
        let mut left_out = Analyzed::beside(
            line,
            Status::Excluded,
            Code::UnknownVendor,
            format!("a {vendor} record, left out by --vendor"),
            false,
        );
        left_out.vendor = Some(vendor);
        left_out
    }

    pub(crate) fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
}

/// Analyze every record of a batch into `records` (a spare vector, emptied). `stem` names a
/// Catapult list's call.
pub(crate) fn analyze_batch(
    batch: &Batch,
    name: &str,
    stem: &str,
    a: &Analysis,
    spare: Spare,
) -> Results {
    let Spare {
        mut records,
        mut text,
    } = spare;
    records.clear();
    records.reserve(batch.records.len());
    text.clear();
    let mut scratch = Scratch::default();
    let mut parsed = Vec::new();
    for raw in &batch.records {
        let before = records.len();
        analyze_raw(
            batch,
            raw,
            name,
            stem,
            a,
            &mut scratch,
            &mut parsed,
            &mut records,
        );
        if raw.start < batch.lines {
            let offset = batch.offset + raw.start as u64;
            for r in &mut records[before..] {
                r.offset = Some(offset);
            }
        }
        if a.source {
            source::mark(batch, raw, &mut records[before..], &mut text);
        }
    }
    Results {
        records,
        text,
        tick: batch.tick,
        read_at: batch.read_at,
        stored: batch.stored(),
        first_line: batch.first_line,
        held: (a.hold && !batch.again)
            .then(|| zstd::bulk::compress(&batch.data[..batch.lines], 1).unwrap_or_default()),
        ..Results::default()
    }
}

/// serde_json's message without its own location, which is relative to the record.
fn parse_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn parse_error(raw_line: u64, err: &serde_json::Error, column_shift: usize, what: &str) -> String {
    let line = raw_line + err.line().saturating_sub(1) as u64;
    let column = if err.line() <= 1 {
        err.column() + column_shift
    } else {
        err.column()
    };
    format!(
        "{what}: {} (line {line}, column {column})",
        parse_message(err)
    )
}

/// One JSON value read from a framed record: an event candidate with the time its log line gave,
/// or why the bytes could not be read. A line may hold several (concatenated values, an array).
pub(crate) enum Parsed<'a> {
    Value {
        value: Json<'a>,
        group: u32,
        log_time: Option<Millis>,
        /// From a log rather than a capture of payloads (see `Raw::log`).
        log: bool,
        /// Read from a vendor's log notation, not JSON.
        notation: bool,
        /// What was mended for the value to be read at all (`json::repair`), as findings.
        mended: Vec<String>,
    },
    /// Not events: what it is instead.
    Empty(String),
    Error(String),
    /// A line with no JSON value in it.
    Text,
}

/// Where the JSON value of a log line begins: the first `{` that opens an object (`{"`, `{}`),
/// so that braces in the log's own text (`{anonymous}`, `[worker-{3}]`) are passed over. None
/// when the line holds no JSON value at all.
fn object_start(text: &[u8]) -> Option<usize> {
    // The common case: the first brace opens the object.
    if let (Some(b'{'), Some(b'"')) = (text.first(), text.get(1)) {
        return Some(0);
    }
    memchr::memchr_iter(b'{', text).find(|&i| {
        text[i + 1..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'"' | b'}'))
    })
}

/// Parse a framed record into its values. JSON that fails only for a number too large for a
/// double or a lone surrogate escape is read mended, and says so (`json::repair`).
pub(crate) fn parse<'a>(
    batch: &'a Batch,
    raw: &Raw,
    naive_offset: i32,
    scratch: &mut Scratch<'a>,
    out: &mut Vec<Parsed<'a>>,
) {
    let before = out.len();
    parse_strict(batch, raw, naive_offset, scratch, out);
    if out[before..].iter().any(|p| matches!(p, Parsed::Error(_))) {
        if let Some(mended) = mend(batch, raw, naive_offset) {
            out.truncate(before);
            out.extend(mended);
        }
    }
}

/// The record's JSON text mended and read again, every value owned; `None` when mending does
/// not explain the failure (the text still fails, or there was nothing to mend).
fn mend<'a>(batch: &'a Batch, raw: &Raw, naive_offset: i32) -> Option<Vec<Parsed<'a>>> {
    let (start, end) = json_text(batch, raw)?;
    let text = &batch.data[start..end];
    let (log_time, log) = match raw.shape {
        Shape::Log { .. } => {
            let prefix = String::from_utf8_lossy(&batch.data[raw.start..start]);
            (crate::time::leading_timestamp(&prefix, naive_offset), true)
        }
        _ => (None, raw.log),
    };
    let (fixed, notes) = crate::json::repair::repair(text)?;
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(&fixed).into_iter::<Json>();
    for (i, item) in stream.by_ref().enumerate() {
        // A log line's text after its object is the log's, not the record's.
        let item = match (item, &raw.shape) {
            (Ok(v), _) => v,
            (Err(_), Shape::Log { .. }) if i > 0 => break,
            (Err(_), _) => return None,
        };
        let group = if i == 0 { raw.group } else { 0 };
        let value = |value: Json<'_>| Parsed::Value {
            value: value.into_owned(),
            group,
            log_time,
            log,
            notation: false,
            mended: notes.clone(),
        };
        match item {
            Json::Arr(items) if matches!(raw.shape, Shape::Json) => {
                values.extend(items.into_iter().map(value));
            }
            other => values.push(value(other)),
        }
        if matches!(raw.shape, Shape::Log { .. }) {
            break;
        }
    }
    (!values.is_empty()).then_some(values)
}

/// Where a framed record's JSON text is in its batch (start, end): the whole record, the value
/// before a line's trailing text, or a log line's object after its prefix; `None` for what holds
/// no JSON (damage, text, a scalar array's count).
fn json_text(batch: &Batch, raw: &Raw) -> Option<(usize, usize)> {
    match &raw.shape {
        Shape::Json | Shape::Element => Some((raw.start, raw.end)),
        Shape::Followed { text_at } => Some((raw.start, *text_at)),
        Shape::Log { json_at } => {
            object_start(&batch.data[*json_at..raw.end]).map(|found| (json_at + found, raw.end))
        }
        Shape::Broken(_) | Shape::Scalars { .. } | Shape::Text => None,
    }
}

/// Parse a framed record into its values, as strict JSON.
fn parse_strict<'a>(
    batch: &'a Batch,
    raw: &Raw,
    naive_offset: i32,
    scratch: &mut Scratch<'a>,
    out: &mut Vec<Parsed<'a>>,
) {
    match &raw.shape {
        Shape::Broken(why) => out.push(Parsed::Error(why.clone())),
        Shape::Text => out.push(Parsed::Text),
        Shape::Scalars { count, kind } => out.push(Parsed::Empty(if *count == 1 {
            format!("an array element that is {kind}, not an event object")
        } else {
            format!(
                "{} elements of this array are not event objects (the first is {kind}), \
                 counted as one record",
                crate::output::thousands(*count)
            )
        })),
        Shape::Followed { text_at } => {
            match Json::parse_with(&batch.data[raw.start..*text_at], scratch) {
                Ok(value) => out.push(Parsed::Value {
                    value,
                    group: raw.group,
                    log_time: None,
                    log: raw.log,
                    notation: false,
                    mended: Vec::new(),
                }),
                Err(e) => out.push(Parsed::Error(parse_error(raw.line, &e, 0, "invalid JSON"))),
            }
        }
        Shape::Element => match Json::parse_with(batch.text(raw), scratch) {
            Ok(value) => out.push(Parsed::Value {
                value,
                group: raw.group,
                log_time: None,
                log: raw.log,
                notation: false,
                mended: Vec::new(),
            }),
            Err(e) => out.push(Parsed::Error(parse_error(raw.line, &e, 0, "invalid JSON"))),
        },
        Shape::Json => {
            Json::parse_stream(batch.text(raw), scratch, |i, item| match item {
                Ok(Json::Arr(items)) => {
                    // Only the line's first value is the array the framer counted.
                    let group = if i == 0 { raw.group } else { 0 };
                    if items.is_empty() {
                        out.push(Parsed::Empty("an empty array holds no events".to_owned()));
                    }
                    out.extend(items.into_iter().map(|value| Parsed::Value {
                        value,
                        group,
                        log_time: None,
                        log: raw.log,
                        notation: false,
                        mended: Vec::new(),
                    }));
                }
                Ok(value) => out.push(Parsed::Value {
                    value,
                    group: 0,
                    log_time: None,
                    log: raw.log,
                    notation: false,
                    mended: Vec::new(),
                }),
                Err(e) => {
                    let what = if i == 0 {
                        "invalid JSON"
                    } else {
                        "invalid JSON after the first value"
                    };
                    out.push(Parsed::Error(parse_error(raw.line, &e, 0, what)));
                }
            });
        }
        Shape::Log { json_at } => {
            // A vendor's own notation (Voximplant's session log) is read before any JSON in it.
            match crate::formats::log_notation(batch.text(raw), json_at - raw.start) {
                Some(LogLine::Event(value)) => {
                    let prefix = String::from_utf8_lossy(&batch.data[raw.start..*json_at]);
                    return out.push(Parsed::Value {
                        value,
                        group: 0,
                        log_time: crate::time::leading_timestamp(&prefix, naive_offset),
                        log: true,
                        notation: true,
                        mended: Vec::new(),
                    });
                }
                Some(LogLine::NotAnEvent) => return out.push(Parsed::Text),
                Some(LogLine::Damaged(why)) => return out.push(Parsed::Error(why)),
                None => {}
            }
            // A line with no record in it is the log's text, if it is text at all.
            let text_or_damage = || match crate::input::frame::not_text(batch.text(raw)) {
                Some(what) => {
                    Parsed::Error(format!("binary data ({what}) on a line with no record"))
                }
                None => Parsed::Text,
            };
            let Some(found) = object_start(&batch.data[*json_at..raw.end]) else {
                return out.push(text_or_damage());
            };
            let json_at = json_at + found;
            let prefix_bytes = &batch.data[raw.start..json_at];
            let prefix = String::from_utf8_lossy(prefix_bytes);
            let log_time = crate::time::leading_timestamp(&prefix, naive_offset);
            let text = &batch.data[json_at..raw.end];
            // Text after the object (`(took 3ms)`) is the log's, not the record's.
            match Json::parse_first(text, scratch) {
                Some(Ok((value, _))) => out.push(Parsed::Value {
                    value,
                    group: 0,
                    log_time,
                    log: true,
                    notation: false,
                    // The record is whole; what comes before it on its line is damaged (a torn
                    // write, NULs a crashed writer left): kept, and said.
                    mended: damaged_prefix(prefix_bytes).into_iter().collect(),
                }),
                Some(Err(e)) => out.push(Parsed::Error(parse_error(
                    raw.line,
                    &e,
                    json_at - raw.start,
                    "log line: the JSON after the prefix does not parse",
                ))),
                None => out.push(text_or_damage()),
            }
        }
    }
}

/// What is wrong with a log line's text before its JSON, if it is not text.
fn damaged_prefix(prefix: &[u8]) -> Option<String> {
    crate::input::frame::not_text(prefix).map(|what| {
        format!(
            "the log line's text before its JSON holds {what}: the line is damaged there (the \
             record after it is read)"
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn analyze_raw<'a>(
    batch: &'a Batch,
    raw: &Raw,
    name: &str,
    stem: &str,
    a: &Analysis,
    scratch: &mut Scratch<'a>,
    parsed: &mut Vec<Parsed<'a>>,
    out: &mut Vec<Analyzed>,
) {
    parse(batch, raw, a.naive_offset, scratch, parsed);
    for parsed in parsed.drain(..) {
        out.push(match parsed {
            Parsed::Value {
                value,
                group,
                log_time,
                log,
                notation,
                mended,
            } => {
                let ctx = Context {
                    stem,
                    group,
                    naive_offset: a.naive_offset,
                    keep: a.lean.then_some(crate::call::step::Step::reads),
                    notation,
                };
                let mut r = analyze_value(&value, raw.line, &ctx, log_time, log, a);
                // Kept, and said: what had to be mended for the record to be read.
                for note in mended {
                    if a.allowed.contains(Code::Parse) {
                        r.muted += 1;
                    } else {
                        r.diagnostics
                            .push(Diagnostic::warning(Code::Parse, "", note));
                    }
                }
                r
            }
            Parsed::Text => Analyzed::beside(
                raw.line,
                Status::Text,
                Code::Parse,
                "a line with no JSON value (log text, not a record)".to_owned(),
                a.strict,
            ),
            Parsed::Empty(why) => {
                Analyzed::failed(raw.line, Status::Unknown, Code::UnknownVendor, why)
            }
            Parsed::Error(why) => {
                let mut damaged = Analyzed::failed(raw.line, Status::Unparseable, Code::Parse, why);
                // What it still says of its call goes to that call, as a note, not an event.
                if a.normalize {
                    damaged.normalized = damaged_event(batch.text(raw), name, raw.line, a);
                }
                damaged
            }
        });
        if let (Shape::Followed { text_at }, Some(r)) = (&raw.shape, out.last_mut()) {
            if a.validate && r.status != Status::Unparseable {
                let text = String::from_utf8_lossy(&batch.data[*text_at..raw.end]);
                let shown: String = text.chars().take(24).collect();
                let more = if shown.len() < text.len() { "…" } else { "" };
                let finding = Diagnostic::warning(
                    Code::Parse,
                    "",
                    format!(
                        "text after the JSON value is not JSON (`{shown}{more}`): the value is \
                         read, the text left aside"
                    ),
                );
                if a.allowed.contains(Code::Parse) {
                    r.muted += 1;
                } else {
                    r.diagnostics.push(finding);
                }
            }
        }
        // Damaged and unknown records stay what they are; --allow only hides their finding.
        if let Some(r) = out.last_mut().filter(|_| !a.allowed.is_empty()) {
            if matches!(r.status, Status::Unparseable | Status::Unknown)
                && r.diagnostics.iter().any(|d| a.allowed.contains(d.code))
            {
                r.muted += r.diagnostics.len() as u32;
                r.diagnostics.clear();
            }
        }
    }
}

fn analyze_value(
    v: &Json,
    line: u64,
    ctx: &Context,
    log_time: Option<Millis>,
    log: bool,
    a: &Analysis,
) -> Analyzed {
    if a.forced.is_none() && crate::event_record::is_record(v) {
        return own_record(v, line, ctx, a);
    }
    if crate::capture::is_capture(v) {
        return captured(v, line, ctx, a);
    }
    detect_value(v, line, ctx, log_time, None, log, a)
}

/// A request `callev listen` captured: its body (or form, or query) read as the record, the
/// receive time as the event's time where the event has none.
fn captured(v: &Json, line: u64, ctx: &Context, a: &Analysis) -> Analyzed {
    use crate::capture::Payload;
    let c = crate::capture::read(v, a.naive_offset);
    let at = |r: Analyzed| Analyzed {
        reason: match r.reason {
            Reason::Sign {
                sign,
                forced,
                envelope,
            } => Reason::Sign {
                sign,
                forced,
                envelope: format!("/body{envelope}"),
            },
            other => other,
        },
        ..r
    };
    match c.payload {
        Payload::Json(body) => {
            let mut scratch = crate::json::fast::Scratch::default();
            match Json::parse_with(body.as_bytes(), &mut scratch) {
                Ok(value) => at(detect_value(&value, line, ctx, None, c.received, false, a)),
                Err(e) => {
                    let why = format!(
                        "the body of {} {} is not JSON: {} (kept as received in the capture)",
                        c.method,
                        c.path,
                        parse_message(&e)
                    );
                    Analyzed::failed(line, Status::Unparseable, Code::Parse, why)
                }
            }
        }
        Payload::Pairs(pairs) => {
            let value = crate::capture::pairs_object(&pairs);
            at(detect_value(&value, line, ctx, None, c.received, false, a))
        }
        Payload::Nothing(why) => {
            Analyzed::beside(line, Status::Other, Code::UnknownVendor, why, a.strict)
        }
        Payload::Binary(bytes) => Analyzed::failed(
            line,
            Status::Unknown,
            Code::UnknownVendor,
            format!(
                "the body of {} {} is not text ({bytes} bytes, base64 in the capture)",
                c.method, c.path
            ),
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn detect_value(
    v: &Json,
    line: u64,
    ctx: &Context,
    log_time: Option<Millis>,
    received: Option<Millis>,
    log: bool,
    a: &Analysis,
) -> Analyzed {
    let mut detected = match formats::detect(v, a.forced, a.naive_offset) {
        Ok(d) => d,
        Err(Undetected::NotACall {
            vendor,
            event,
            what,
        }) => {
            let mut other =
                Analyzed::beside(line, Status::Other, Code::UnknownVendor, what, a.strict);
            other.vendor = Some(vendor);
            other.event = Some(event.into());
            return other;
        }
        // A log holds other systems' JSON; a capture of webhooks is supposed to hold webhooks.
        Err(Undetected::NoVendor(why)) if log => {
            return Analyzed::beside(
                line,
                Status::Other,
                Code::UnknownVendor,
                format!("other JSON in a log, of no known vendor: {why}"),
                a.strict,
            )
        }
        Err(Undetected::NoVendor(why)) => {
            return Analyzed::failed(
                line,
                Status::Unknown,
                Code::UnknownVendor,
                format!("no vendor recognised: {why}"),
            )
        }
    };
    if !a.vendors.keeps(detected.vendor) {
        return Analyzed::left_out(line, detected.vendor);
    }
    detected.envelope_time = detected.envelope_time.or(received);
    let mut diagnostics = Vec::new();
    let mut muted = 0;
    if a.validate {
        formats::validate(&detected, &mut diagnostics);
        if !a.allowed.is_empty() {
            let before = diagnostics.len();
            diagnostics.retain(|d| !a.allowed.contains(d.code));
            muted = (before - diagnostics.len()) as u32;
        }
    }
    let status = if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        Status::Invalid
    } else {
        Status::Valid
    };
    let normalized = a
        .normalize
        .then(|| formats::normalize(&detected, ctx, log_time));
    Analyzed {
        line,
        offset: None,
        status,
        vendor: Some(detected.vendor),
        event: detected.rec.event,
        reason: Reason::Sign {
            sign: detected.rec.sign,
            forced: detected.rec.forced.then_some(detected.vendor),
            envelope: detected.path,
        },
        diagnostics,
        normalized,
        rendered: None,
        muted,
    }
}

/// A damaged record that still shows a vendor's event name and a call id: a note for that call
/// (`damaged` in its details says where), kind `other`, not counted as an event.
fn damaged_event(text: &[u8], source: &str, line: u64, a: &Analysis) -> Option<Event> {
    let found = formats::salvage(text)?;
    let keep = a
        .lean
        .then_some(crate::call::step::Step::reads as fn(&str) -> bool);
    let mut details = crate::event::Details::new(keep);
    details.str("damaged", Some(&format!("{source}:{line}")));
    Some(Event {
        vendor: found.vendor,
        event: Some(found.event.into()),
        kind: crate::event::EventKind::Other,
        call_id: Some(found.call_id),
        time: None,
        time_source: None,
        call_started: None,
        call_answered: None,
        call_ended: None,
        outcome: None,
        details,
        twin: None,
        new_call: false,
        fingerprint: None,
    })
}

/// One of callev's own events records (`events -o ndjson|json` output, from this host or
/// another), read back as the event it was written from: valid as it stands (its vendor's
/// schema was checked when the raw record was read).
fn own_record(v: &Json, line: u64, ctx: &Context, a: &Analysis) -> Analyzed {
    let Some(event) = crate::event_record::read_record(v, ctx.keep) else {
        return Analyzed::failed(
            line,
            Status::Unknown,
            Code::UnknownVendor,
            "a callev events record of another schema version, or of no known vendor or kind"
                .to_owned(),
        );
    };
    if !a.vendors.keeps(event.vendor) {
        return Analyzed::left_out(line, event.vendor);
    }
    Analyzed {
        line,
        offset: None,
        status: Status::Valid,
        vendor: Some(event.vendor),
        event: event.event.clone(),
        reason: Reason::Sign {
            sign: "a callev events record (events_schema 1)",
            forced: None,
            envelope: String::new(),
        },
        diagnostics: Vec::new(),
        normalized: a.normalize.then_some(event),
        rendered: None,
        muted: 0,
    }
}

/// Frame and analyze a whole input in this thread, in order: what the pipeline does, without the
/// threads. For the fuzz target and property tests, and for embedding.
pub(crate) fn analyze_reader<R: std::io::Read>(
    reader: R,
    format: crate::input::InputFormat,
    name: &str,
    stem: &str,
    a: &Analysis,
) -> std::io::Result<Vec<Analyzed>> {
    let mut framer = crate::input::Framer::new(reader, 0, format);
    let mut all = Vec::new();
    while let Some(batch) = framer.next_batch()? {
        all.extend(analyze_batch(&batch, name, stem, a, Spare::default()).records);
    }
    Ok(all)
}

#[cfg(test)]
mod tests;
