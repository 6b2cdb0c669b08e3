//! The formats stage: which vendor and event a record is (detection), whether it matches the
//! vendor's documented schema (validation), and what it means (normalization).
//!
//! Each vendor format is one file that exports one `Descriptor`; `LIST` names them all, and
//! everything else (detection, `--vendor`'s values, the tallies, `callev schema`, the JSON Schema
//! export, the tables) iterates over that list. Adding a format is one new file, one line in
//! `LIST` and one fixtures folder. A descriptor's `normalize` fills the details that per-call
//! aggregation reads by the names and types in `AGGREGATED_DETAILS`.

pub(crate) mod bandwidth;
pub(crate) mod scenario;
pub(crate) mod schema;
pub(crate) mod voximplant;
pub(crate) mod workonflow;
pub(crate) mod xelion;

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::event::{Event, TimeSource};
use crate::json::Json;
use crate::time::Millis;
pub(crate) use crate::vendor_id::Vendor;
use schema::EventSpec;

/// Every vendor format callev reads, in the order they are listed, counted and tried.
pub(crate) static LIST: &[&Descriptor] = &[
    &workonflow::DESCRIPTOR,
    &xelion::DESCRIPTOR,
    &voximplant::DESCRIPTOR,
    &bandwidth::DESCRIPTOR,
];

/// How many formats there are: the size of per-vendor tallies.
pub(crate) const COUNT: usize = LIST.len();
const _: () = assert!(COUNT <= 64, "a set of vendors is a 64-bit mask");

/// A set of vendors (`--vendor`): empty means every vendor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Vendors(u64);

impl Vendors {
    /// Every vendor.
    pub(crate) const ALL: Vendors = Vendors(0);

    /// Whether records of this vendor are kept.
    pub(crate) fn keeps(self, v: Vendor) -> bool {
        self.0 == 0 || self.0 & (1 << v.index()) != 0
    }
}

impl FromIterator<Vendor> for Vendors {
    fn from_iter<I: IntoIterator<Item = Vendor>>(iter: I) -> Vendors {
        Vendors(iter.into_iter().fold(0, |m, v| m | (1 << v.index())))
    }
}

/// One vendor format: what it is called, its schema tables, and the functions that recognise,
/// validate and normalize its records.
pub(crate) struct Descriptor {
    /// The id users type (`--vendor`) and machine output carries; the name of its file and of
    /// its fixtures folder.
    pub(crate) id: &'static str,
    /// What the vendor's documents describe, for `callev schema`.
    pub(crate) title: &'static str,
    /// One table per event, from which validation, `callev schema` and the JSON Schema come;
    /// grouped by the record forms the vendor sends (Bandwidth: v1 and v2).
    pub(crate) forms: &'static [&'static [EventSpec]],
    /// The record's strong signs: `Some` when the record is this vendor's.
    pub(crate) recognise: fn(&Json) -> Option<Recognised>,
    /// Weak signs, tried only after every vendor's strong signs and envelopes (Bandwidth's bare
    /// list items, whose keys are merely within `{id, time, name, data}`).
    pub(crate) recognise_weak: Option<fn(&Json) -> Option<Recognised>>,
    /// Read a record as this vendor's whatever its signs (`--as`).
    pub(crate) read_as: fn(&Json) -> Recognised,
    /// The vendor's messages that are not call events but may arrive on the same webhook URL
    /// (Bandwidth's messaging callbacks): the message's name and what it is, for the count of
    /// other JSON.
    pub(crate) not_a_call: Option<NotACall>,
    /// The vendor's own notation in its logs (Voximplant's session log), read from a whole log
    /// line; `None` for a line that is not the notation's.
    pub(crate) log_notation: Option<LogNotation>,
    /// What a damaged record of the vendor's (truncated JSON) still says in its first bytes: its
    /// event's name and its call, when both show (`Salvaged`).
    pub(crate) salvage: fn(&[u8]) -> Option<Salvaged>,
    /// Findings about a detected record, against `events`.
    pub(crate) validate: fn(&Detected, &mut Vec<Diagnostic>),
    /// The normalized event. The time is the payload's own (the caller falls back to an
    /// envelope's or the log line's); details that aggregation reads follow
    /// `AGGREGATED_DETAILS`.
    pub(crate) normalize: fn(&Detected, &Context) -> Event,
    /// The JSON Schema of one event's record (a frame and a bare object, a list item).
    pub(crate) record_schema: fn(&'static EventSpec) -> Value,
    /// JSON Schema definitions for events the tables do not list, which callev reads with an
    /// `unknown-event` warning: `(definition name, schema)`.
    pub(crate) other_events: fn() -> Vec<(String, Value)>,
    /// Details that tables leave out (ids of internal objects, whole header maps).
    pub(crate) hidden_details: &'static [&'static str],
    /// Callbacks whose HTTP answer the vendor acts on (Bandwidth's BXML callbacks), and what an
    /// empty answer does: `listen` says so once when it answers one of them with nothing.
    pub(crate) answered_callbacks: (&'static [&'static str], &'static str),
    /// The calls `callev trigger` makes in this vendor's format.
    pub(crate) trigger: Option<&'static scenario::Trigger>,
}

/// A log line in a vendor's own notation.
#[derive(Debug)]
pub(crate) enum LogLine<'a> {
    /// An event, as the JSON tree its vendor's JSON would give.
    Event(Json<'a>),
    /// An entry of the notation that is no event (a command the scenario sent): text.
    NotAnEvent,
    /// An event whose notation does not read.
    Damaged(String),
}

/// What a damaged record still says: whose it is, the event's name, and the call it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Salvaged {
    pub(crate) vendor: Vendor,
    pub(crate) event: String,
    pub(crate) call_id: String,
}

/// The first vendor whose event and call a damaged record's bytes still show.
pub(crate) fn salvage(text: &[u8]) -> Option<Salvaged> {
    LIST.iter().find_map(|f| (f.salvage)(text))
}

/// The string value of `"key"` in damaged JSON text, when it is whole (a value cut short is no
/// value); escapes are not read (ids and event names have none).
pub(crate) fn damaged_string<'t>(text: &'t [u8], key: &str) -> Option<&'t str> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&text[from..], quoted.as_bytes()) {
        let mut i = from + at + quoted.len();
        from = i;
        let skip = |i: &mut usize| {
            while text.get(*i).is_some_and(u8::is_ascii_whitespace) {
                *i += 1;
            }
        };
        skip(&mut i);
        if text.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        skip(&mut i);
        if text.get(i) != Some(&b'"') {
            continue;
        }
        let start = i + 1;
        let len = memchr::memchr2(b'"', b'\\', &text[start..])?;
        if text[start + len] != b'"' || len == 0 {
            return None;
        }
        return std::str::from_utf8(&text[start..start + len]).ok();
    }
    None
}

/// Reads a whole log line in a vendor's own notation, given how long its text prefix is (up to
/// the first brace); `None` for a line that is not.
pub(crate) type LogNotation = fn(&[u8], usize) -> Option<LogLine<'_>>;

/// Read a log line in any vendor's notation.
pub(crate) fn log_notation(line: &[u8], prefix: usize) -> Option<LogLine<'_>> {
    LIST.iter()
        .filter_map(|f| f.log_notation)
        .find_map(|read| read(line, prefix))
}

/// Tells a vendor's message that is not a call event: its name and what it is.
pub(crate) type NotACall = fn(&Json) -> Option<(String, String)>;

/// The details per-call aggregation reads (`call::Step`), by name, with their types: a
/// format that has such a fact stores it under this name, as this type, and aggregation needs
/// nothing else of it. Other details are extras, shown and written but not aggregated.
#[cfg(test)]
pub(crate) const AGGREGATED_DETAILS: &[(&str, &str, &str)] = &[
    ("digit", "string", "the key(s) pressed, on `dtmf` events"),
    (
        "cause",
        "string",
        "why a terminal event ended the call (a switch or vendor cause)",
    ),
    (
        "reason",
        "string",
        "the reason text of a terminal event, when there is no cause",
    ),
    (
        "code",
        "integer",
        "a SIP-style or vendor status code of a terminal event",
    ),
    (
        "talk_ms",
        "integer",
        "talk time the vendor reported, in milliseconds",
    ),
    (
        "duration_ms",
        "integer",
        "the call's duration the vendor reported, in milliseconds",
    ),
    ("participant", "string", "a user or number that took part"),
    ("caller", "string", "the calling party"),
    ("callee", "string", "the called party"),
    ("from", "string", "the calling number"),
    ("to", "string", "the called number"),
    ("phone", "string", "a member's phone number"),
    (
        "parent_call",
        "string",
        "the call this one is a leg of (a transfer's B-leg)",
    ),
    (
        "answered",
        "boolean",
        "a party answered (a member event's `answered: true`)",
    ),
    (
        "thread",
        "string",
        "another id the call goes by: the thread it happened in (Workonflow)",
    ),
    (
        "stream",
        "string",
        "another id the call goes by: the stream it happened in (Workonflow)",
    ),
    (
        "damaged",
        "string",
        "on a note of a damaged record that names the call: where it was read",
    ),
];

impl Vendor {
    /// Every vendor, in `LIST`'s order.
    pub(crate) fn all() -> impl Iterator<Item = Vendor> {
        (0..COUNT).map(Vendor::at)
    }

    /// The vendor whose id this is.
    pub(crate) fn find(id: &str) -> Option<Vendor> {
        LIST.iter().position(|f| f.id == id).map(Vendor::at)
    }

    pub(crate) fn format(self) -> &'static Descriptor {
        LIST[self.index()]
    }

    pub(crate) fn id(self) -> &'static str {
        self.format().id
    }

    pub(crate) fn title(self) -> &'static str {
        self.format().title
    }

    /// Every event table of the vendor, form after form.
    pub(crate) fn events(self) -> impl Iterator<Item = &'static EventSpec> + Clone {
        self.format().forms.iter().flat_map(|form| form.iter())
    }
}

#[cfg(test)]
impl Vendor {
    /// The vendor with this id, for tests that name one.
    pub(crate) fn named(id: &str) -> Vendor {
        Vendor::find(id).unwrap_or_else(|| panic!("no vendor {id:?}"))
    }
}

/// The vendors' ids, in `LIST`'s order (`--vendor`'s values).
pub(crate) fn ids() -> impl Iterator<Item = &'static str> {
    LIST.iter().map(|f| f.id)
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What detection found: the vendor, the event (when the record names one; borrowed from the
/// schema table when the event is known), its schema, and the sign that decided it.
#[derive(Debug, Clone)]
pub(crate) struct Recognised {
    pub(crate) event: Option<Cow<'static, str>>,
    pub(crate) spec: Option<&'static EventSpec>,
    /// A sentence about the record's signs, `{event}` standing for the event's name. Only
    /// `detect` shows it, so it is rendered there and never built per record.
    pub(crate) sign: &'static str,
    /// Read as this vendor because of `--as`.
    pub(crate) forced: bool,
}

/// An event name from a record: borrowed from the schema when the event is known.
pub(crate) fn event_name(name: &str, spec: Option<&'static EventSpec>) -> Cow<'static, str> {
    match spec {
        Some(s) => Cow::Borrowed(s.name),
        None => Cow::Owned(name.to_owned()),
    }
}

/// The detection reason as a person reads it.
pub(crate) fn describe(
    rec_sign: &str,
    event: Option<&str>,
    forced: Option<Vendor>,
    envelope: &str,
) -> String {
    let mut text = rec_sign.replace("{event}", &format!("{:?}", event.unwrap_or_default()));
    if !envelope.is_empty() {
        text = format!(
            "in an envelope under `{}`: {text}",
            envelope.trim_start_matches('/')
        );
    }
    if let Some(v) = forced {
        text = format!("--as {v}: {text}");
    }
    text
}

/// A detected record: the vendor event, where it sits in the record, and the time an envelope
/// around it gave.
#[derive(Debug)]
pub(crate) struct Detected<'r, 'a> {
    pub(crate) vendor: Vendor,
    pub(crate) rec: Recognised,
    pub(crate) payload: &'r Json<'a>,
    /// JSON Pointer of the payload inside the record (`""` when the record is the event).
    pub(crate) path: String,
    pub(crate) envelope_time: Option<Millis>,
}

/// Keys an envelope holds its event under, and the keys of the time beside it.
const ENVELOPE_KEYS: [&str; 4] = ["payload", "body", "event", "data"];
const ENVELOPE_TIME_KEYS: [&str; 6] = [
    "receivedAt",
    "received_at",
    "timestamp",
    "@timestamp",
    "ts",
    "time",
];

/// Why a record is not a vendor's call event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Undetected {
    /// A vendor's message that is not a call event: whose, its name, what it is.
    NotACall {
        vendor: Vendor,
        event: String,
        what: String,
    },
    /// No vendor's signs: why, naming what was looked at.
    NoVendor(String),
}

/// Detect the vendor of one record. `forced` skips detection (`--as`). Every format's strong
/// signs are tried first, in `LIST`'s order; then envelopes; then the weak signs.
pub(crate) fn detect<'r, 'a>(
    record: &'r Json<'a>,
    forced: Option<Vendor>,
    naive_offset: i32,
) -> Result<Detected<'r, 'a>, Undetected> {
    if !record.is_obj() {
        return Err(Undetected::NoVendor(format!(
            "{} is not an event object",
            record.preview()
        )));
    }
    let at_top = |vendor: Vendor, rec: Recognised| Detected {
        vendor,
        rec,
        payload: record,
        path: String::new(),
        envelope_time: None,
    };
    if let Some(vendor) = forced {
        if let Some(rec) = (vendor.format().recognise)(record) {
            return Ok(at_top(vendor, rec));
        }
        if let Ok(d) = unwrap_envelope(record, Some(vendor), naive_offset, 0) {
            return Ok(d);
        }
        let mut rec = (vendor.format().read_as)(record);
        rec.forced = true;
        return Ok(at_top(vendor, rec));
    }
    if let Some((vendor, rec)) = strong(record) {
        return Ok(at_top(vendor, rec));
    }
    if let Some(not) = not_a_call(record) {
        return Err(not);
    }
    let enveloped_not_a_call = match unwrap_envelope(record, None, naive_offset, 0) {
        Ok(d) => return Ok(d),
        Err(not) => not,
    };
    if let Some((vendor, rec)) = weak(record) {
        return Ok(at_top(vendor, rec));
    }
    Err(enveloped_not_a_call.unwrap_or_else(|| Undetected::NoVendor(no_vendor_reason(record))))
}

/// What a vendor's message that is not a call event is, when the object is one.
fn not_a_call(obj: &Json) -> Option<Undetected> {
    Vendor::all().find_map(|vendor| {
        let (event, what) = (vendor.format().not_a_call?)(obj)?;
        Some(Undetected::NotACall {
            vendor,
            event,
            what,
        })
    })
}

/// The first format whose strong signs the object has.
fn strong(obj: &Json) -> Option<(Vendor, Recognised)> {
    Vendor::all().find_map(|v| (v.format().recognise)(obj).map(|r| (v, r)))
}

/// The first format whose weak signs the object has.
fn weak(obj: &Json) -> Option<(Vendor, Recognised)> {
    Vendor::all().find_map(|v| {
        v.format()
            .recognise_weak
            .and_then(|recognise| recognise(obj))
            .map(|r| (v, r))
    })
}

/// The call event an envelope (`{"payload": {…}, "receivedAt": …}`) wraps, a few levels deep;
/// failing that, the first vendor's message that is not a call found inside one (only when
/// detecting: a forced vendor reads whatever it is given).
fn unwrap_envelope<'r, 'a>(
    record: &'r Json<'a>,
    forced: Option<Vendor>,
    naive_offset: i32,
    depth: u8,
) -> Result<Detected<'r, 'a>, Option<Undetected>> {
    if depth > 2 {
        return Err(None);
    }
    let mut not_call = None;
    for key in ENVELOPE_KEYS {
        let Some(inner) = record.get(key).filter(|v| v.is_obj()) else {
            continue;
        };
        let found = match forced {
            Some(v) => (v.format().recognise)(inner).map(|r| (v, r)),
            None => strong(inner).or_else(|| weak(inner)),
        };
        let time = || {
            ENVELOPE_TIME_KEYS
                .iter()
                .find_map(|k| record.get(k))
                .and_then(|t| crate::time::from_json(t, naive_offset))
        };
        if let Some((vendor, rec)) = found {
            return Ok(Detected {
                vendor,
                rec,
                payload: inner,
                path: format!("/{key}"),
                envelope_time: time(),
            });
        }
        match unwrap_envelope(inner, forced, naive_offset, depth + 1) {
            Ok(mut d) => {
                d.path = format!("/{key}{}", d.path);
                d.envelope_time = d.envelope_time.or_else(time);
                return Ok(d);
            }
            Err(deeper) if not_call.is_none() && forced.is_none() => {
                not_call = not_a_call(inner).or(deeper);
            }
            Err(_) => {}
        }
    }
    Err(not_call)
}

/// Why a record matched no vendor, naming what was looked at.
fn no_vendor_reason(record: &Json) -> String {
    if let Some(t) = record.get("eventType") {
        return match t.str() {
            Some(_) => format!("eventType {} is neither a Workonflow call.* name nor a Catapult callback name, and there is no Catapult callUri", t.preview()),
            None => format!("eventType is {}, not a string", t.type_name()),
        };
    }
    if let Some(n) = record.get("name") {
        return format!(
            "name {} does not start with `Call.` and the keys are not only id, time, name, data",
            n.preview()
        );
    }
    let keys: Vec<&str> = record
        .fields()
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| k.as_ref())
        .take(6)
        .collect();
    if keys.is_empty() {
        "an empty object".to_owned()
    } else {
        format!("no vendor's signs among the keys ({})", keys.join(", "))
    }
}

/// What normalization needs beyond the record itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'c> {
    /// The source's file name without extensions (a Catapult list's call id).
    pub(crate) stem: &'c str,
    /// Which top-level array of the source the record came from (0 for none).
    pub(crate) group: u32,
    /// Seconds east of UTC for times written without a zone (`--source-tz`).
    pub(crate) naive_offset: i32,
    /// Store only these details (see `Details::new`).
    pub(crate) keep: Option<fn(&str) -> bool>,
    /// The record was read from a vendor's log notation rather than JSON.
    pub(crate) notation: bool,
}

pub(crate) fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    (d.vendor.format().validate)(d, out);
}

/// The normalized event, with the time from the payload, else the envelope, else the log line.
pub(crate) fn normalize(d: &Detected, ctx: &Context, log_time: Option<Millis>) -> Event {
    let mut event = (d.vendor.format().normalize)(d, ctx);
    if event.time.is_some() {
        event.time_source = Some(TimeSource::Payload);
    } else if let Some(t) = d.envelope_time {
        event.time = Some(t);
        event.time_source = Some(TimeSource::Envelope);
    } else if let Some(t) = log_time {
        event.time = Some(t);
        event.time_source = Some(TimeSource::Log);
    }
    event.fingerprint = event.delivery_fingerprint();
    event
}

/// Look up an event's schema by the vendor's name for it.
pub(crate) fn find_spec(specs: &'static [EventSpec], name: &str) -> Option<&'static EventSpec> {
    specs.iter().find(|s| s.name == name)
}

/// The findings every vendor reports the same way for an event name it does not know.
pub(crate) fn unknown_event(rec: &Recognised, path: &str, what: &str, out: &mut Vec<Diagnostic>) {
    use crate::diagnostic::Code;
    let name: &str = rec.event.as_deref().unwrap_or("(none)");
    out.push(Diagnostic::warning(
        Code::UnknownEvent,
        path,
        format!("{name:?} is not {what}; its fields are not checked"),
    ));
}

/// A string field of the payload, owned, for the normalized event.
pub(crate) fn owned(obj: &Json, key: &str) -> Option<String> {
    obj.get_str(key).map(str::to_owned)
}

#[cfg(test)]
mod tests;
