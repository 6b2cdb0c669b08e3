//! The vendor stage: which vendor and event a record is (detection), whether it matches the
//! vendor's documented schema (validation), and what it means (normalization). Each vendor is one
//! file exposing the same few items: `EVENTS` (its schema tables), `recognise`, `validate` and
//! `normalize`; this file dispatches on the closed `Vendor` enum and unwraps envelopes.

pub mod bandwidth;
pub mod schema;
pub mod voximplant;
pub mod workonflow;
pub mod xelion;

use std::borrow::Cow;
use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::event::{Event, TimeSource};
use crate::json::Json;
use crate::time::Millis;
use schema::EventSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vendor {
    Workonflow,
    Xelion,
    Voximplant,
    Bandwidth,
}

impl Vendor {
    pub const ALL: [Vendor; 4] = [
        Vendor::Workonflow,
        Vendor::Xelion,
        Vendor::Voximplant,
        Vendor::Bandwidth,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Vendor::Workonflow => "workonflow",
            Vendor::Xelion => "xelion",
            Vendor::Voximplant => "voximplant",
            Vendor::Bandwidth => "bandwidth",
        }
    }

    /// What the vendor's documents describe, for `callev schema`.
    pub fn title(self) -> &'static str {
        match self {
            Vendor::Workonflow => {
                "Workonflow call webhooks (bot REST API, 2018, and later revisions)"
            }
            Vendor::Xelion => "Xelion CallEvent notifications (WebSocket API)",
            Vendor::Voximplant => "Voximplant VoxEngine CallEvents (typings v13 and newer)",
            Vendor::Bandwidth => "Bandwidth Catapult v1 call events (list items and callbacks)",
        }
    }

    pub fn events(self) -> &'static [EventSpec] {
        match self {
            Vendor::Workonflow => workonflow::EVENTS,
            Vendor::Xelion => xelion::EVENTS,
            Vendor::Voximplant => voximplant::EVENTS,
            Vendor::Bandwidth => bandwidth::EVENTS,
        }
    }

    fn recognise(self, obj: &Json) -> Option<Recognised> {
        match self {
            Vendor::Workonflow => workonflow::recognise(obj),
            Vendor::Xelion => xelion::recognise(obj),
            Vendor::Voximplant => voximplant::recognise(obj),
            Vendor::Bandwidth => bandwidth::recognise(obj),
        }
    }

    /// Read a record as this vendor's whatever its signs (`--vendor`).
    fn recognise_forced(self, obj: &Json) -> Recognised {
        match self {
            Vendor::Workonflow => workonflow::recognise_forced(obj),
            Vendor::Xelion => xelion::recognise_forced(obj),
            Vendor::Voximplant => voximplant::recognise_forced(obj),
            Vendor::Bandwidth => bandwidth::recognise_forced(obj),
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What detection found: the vendor, the event (when the record names one; borrowed from the
/// schema table when the event is known), its schema, and the sign that decided it.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub vendor: Vendor,
    pub event: Option<Cow<'static, str>>,
    pub spec: Option<&'static EventSpec>,
    /// A sentence about the record's signs, `{event}` standing for the event's name. Only
    /// `detect` shows it, so it is rendered there and never built per record.
    pub sign: &'static str,
    /// Read as this vendor because of `--vendor`.
    pub forced: bool,
}

/// An event name from a record: borrowed from the schema when the event is known.
pub fn event_name(name: &str, spec: Option<&'static EventSpec>) -> Cow<'static, str> {
    match spec {
        Some(s) => Cow::Borrowed(s.name),
        None => Cow::Owned(name.to_owned()),
    }
}

/// The detection reason as a person reads it.
pub fn describe(
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
        text = format!("--vendor {v}: {text}");
    }
    text
}

/// A detected record: the vendor event, where it sits in the record, and the time an envelope
/// around it gave.
#[derive(Debug)]
pub struct Detected<'r, 'a> {
    pub rec: Recognised,
    pub payload: &'r Json<'a>,
    /// JSON Pointer of the payload inside the record (`""` when the record is the event).
    pub path: String,
    pub envelope_time: Option<Millis>,
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

/// Vendors in the order their signs are tried: the strong signs first; Bandwidth's list items
/// (an object whose keys are within `{id, time, name, data}`) are the weakest and come last,
/// after envelopes.
const ORDER: [Vendor; 4] = [
    Vendor::Xelion,
    Vendor::Workonflow,
    Vendor::Voximplant,
    Vendor::Bandwidth,
];

/// Detect the vendor of one record. `forced` skips detection (`--vendor`).
pub fn detect<'r, 'a>(
    record: &'r Json<'a>,
    forced: Option<Vendor>,
    naive_offset: i32,
) -> Result<Detected<'r, 'a>, String> {
    if !record.is_obj() {
        return Err(format!("{} is not an event object", record.preview()));
    }
    if let Some(vendor) = forced {
        if let Some(rec) = vendor.recognise(record) {
            return Ok(Detected {
                rec,
                payload: record,
                path: String::new(),
                envelope_time: None,
            });
        }
        if let Some(d) = unwrap_envelope(record, Some(vendor), naive_offset, 0) {
            return Ok(d);
        }
        let mut rec = vendor.recognise_forced(record);
        rec.forced = true;
        return Ok(Detected {
            rec,
            payload: record,
            path: String::new(),
            envelope_time: None,
        });
    }
    for vendor in ORDER {
        if let Some(rec) = vendor.recognise(record) {
            return Ok(Detected {
                rec,
                payload: record,
                path: String::new(),
                envelope_time: None,
            });
        }
    }
    if let Some(d) = unwrap_envelope(record, None, naive_offset, 0) {
        return Ok(d);
    }
    if let Some(rec) = bandwidth::recognise_item(record) {
        return Ok(Detected {
            rec,
            payload: record,
            path: String::new(),
            envelope_time: None,
        });
    }
    Err(no_vendor_reason(record))
}

fn unwrap_envelope<'r, 'a>(
    record: &'r Json<'a>,
    forced: Option<Vendor>,
    naive_offset: i32,
    depth: u8,
) -> Option<Detected<'r, 'a>> {
    if depth > 2 {
        return None;
    }
    for key in ENVELOPE_KEYS {
        let Some(inner) = record.get(key).filter(|v| v.is_obj()) else {
            continue;
        };
        let found = match forced {
            Some(v) => v.recognise(inner),
            None => ORDER
                .iter()
                .find_map(|v| v.recognise(inner))
                .or_else(|| bandwidth::recognise_item(inner)),
        };
        let time = || {
            ENVELOPE_TIME_KEYS
                .iter()
                .find_map(|k| record.get(k))
                .and_then(|t| crate::time::from_json(t, naive_offset))
        };
        if let Some(rec) = found {
            return Some(Detected {
                rec,
                payload: inner,
                path: format!("/{key}"),
                envelope_time: time(),
            });
        }
        if let Some(mut d) = unwrap_envelope(inner, forced, naive_offset, depth + 1) {
            d.path = format!("/{key}{}", d.path);
            d.envelope_time = d.envelope_time.or_else(time);
            return Some(d);
        }
    }
    None
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
pub struct Context<'c> {
    /// The source's file name without extensions (a Catapult list's call id).
    pub stem: &'c str,
    /// Which top-level array of the source the record came from (0 for none).
    pub group: u32,
    /// Seconds east of UTC for times written without a zone (`--source-tz`).
    pub naive_offset: i32,
    /// Store only these details (see `Details::new`).
    pub keep: Option<fn(&str) -> bool>,
}

pub fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    match d.rec.vendor {
        Vendor::Workonflow => workonflow::validate(d.payload, &d.rec, &d.path, out),
        Vendor::Xelion => xelion::validate(d.payload, &d.rec, &d.path, out),
        Vendor::Voximplant => voximplant::validate(d.payload, &d.rec, &d.path, out),
        Vendor::Bandwidth => bandwidth::validate(d.payload, &d.rec, &d.path, out),
    }
}

/// The normalized event, with the time from the payload, else the envelope, else the log line.
pub fn normalize(d: &Detected, ctx: &Context, log_time: Option<Millis>) -> Event {
    let mut event = match d.rec.vendor {
        Vendor::Workonflow => workonflow::normalize(d.payload, &d.rec, ctx),
        Vendor::Xelion => xelion::normalize(d.payload, &d.rec, ctx),
        Vendor::Voximplant => voximplant::normalize(d.payload, &d.rec, ctx),
        Vendor::Bandwidth => bandwidth::normalize(d.payload, &d.rec, ctx),
    };
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
pub fn find_spec(specs: &'static [EventSpec], name: &str) -> Option<&'static EventSpec> {
    specs.iter().find(|s| s.name == name)
}

/// The findings every vendor reports the same way for an event name it does not know.
pub fn unknown_event(rec: &Recognised, path: &str, what: &str, out: &mut Vec<Diagnostic>) {
    use crate::diagnostic::Code;
    let name: &str = rec.event.as_deref().unwrap_or("(none)");
    out.push(Diagnostic::warning(
        Code::UnknownEvent,
        path,
        format!("{name:?} is not {what}; its fields are not checked"),
    ));
}

/// A string field of the payload, owned, for the normalized event.
pub fn owned(obj: &Json, key: &str) -> Option<String> {
    obj.get_str(key).map(str::to_owned)
}

#[cfg(test)]
mod tests;
