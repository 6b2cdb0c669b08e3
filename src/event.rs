//! The normalized event: what every vendor's record becomes after validation, and what the
//! `events`, `timeline` and `summary` views read. Vendor modules fill it; nothing after them
//! looks at vendor JSON again.

use std::borrow::Cow;
use std::hash::{BuildHasher, Hash, Hasher};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::time::Millis;
use crate::vendor_id::Vendor;

/// CLI.md's closed set of normalized kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Started,
    Ringing,
    Answered,
    Hold,
    Unhold,
    Dtmf,
    ParticipantJoined,
    ParticipantLeft,
    Transfer,
    Media,
    Recording,
    ChannelEnded,
    Ended,
    Failed,
    Missed,
    Other,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::Ringing => "ringing",
            EventKind::Answered => "answered",
            EventKind::Hold => "hold",
            EventKind::Unhold => "unhold",
            EventKind::Dtmf => "dtmf",
            EventKind::ParticipantJoined => "participant_joined",
            EventKind::ParticipantLeft => "participant_left",
            EventKind::Transfer => "transfer",
            EventKind::Media => "media",
            EventKind::Recording => "recording",
            EventKind::ChannelEnded => "channel_ended",
            EventKind::Ended => "ended",
            EventKind::Failed => "failed",
            EventKind::Missed => "missed",
            EventKind::Other => "other",
        }
    }

    /// Whether this event ends the call (CLI.md: `ended`, `failed`, `missed`).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            EventKind::Ended | EventKind::Failed | EventKind::Missed
        )
    }
}

/// Where an event's time came from: the payload itself, an envelope around it, or the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    Payload,
    Envelope,
    Log,
}

impl TimeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Payload => "payload",
            TimeSource::Envelope => "envelope",
            TimeSource::Log => "log",
        }
    }
}

/// One normalized extra of an event, kept as the type it has.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// Most details (numbers, codes, reasons) are short enough to be kept inline, without an
    /// allocation of their own.
    Str(compact_str::CompactString),
    Int(i64),
    Num(f64),
    Bool(bool),
    Json(serde_json::Value),
}

impl Detail {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Detail::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Detail::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as a person reads it in a table.
    pub fn display(&self) -> String {
        match self {
            Detail::Str(s) => s.to_string(),
            Detail::Int(i) => i.to_string(),
            Detail::Num(n) => n.to_string(),
            Detail::Bool(b) => b.to_string(),
            Detail::Json(v) => v.to_string(),
        }
    }
}

impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Detail::Str(v) => s.serialize_str(v),
            Detail::Int(v) => s.serialize_i64(*v),
            Detail::Num(v) => s.serialize_f64(*v),
            Detail::Bool(v) => s.serialize_bool(*v),
            Detail::Json(v) => v.serialize(s),
        }
    }
}

/// An event's normalized extras in a fixed order: a short vector serialised as a JSON object.
///
/// Every extra pushed goes into a running digest (what tells a repeated delivery from a new
/// event), but with `keep` only the keys it names are stored: summary keeps what per-call
/// aggregation reads and spends nothing on the rest (headers are hashed where they lie in the
/// record, never copied).
#[derive(Debug, Clone, Default)]
pub struct Details {
    items: Vec<(&'static str, Detail)>,
    keep: Option<fn(&str) -> bool>,
    digest: u64,
}

impl PartialEq for Details {
    fn eq(&self, other: &Details) -> bool {
        self.items == other.items
    }
}

impl Details {
    /// Extras that store only the keys `keep` says to, when given.
    pub fn new(keep: Option<fn(&str) -> bool>) -> Details {
        Details {
            items: Vec::new(),
            keep,
            digest: 0,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Detail> {
        self.items.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, Detail)> {
        self.items.iter()
    }

    /// Keep the extras `f` says to (the digest is unchanged).
    pub fn retain(&mut self, f: impl FnMut(&(&'static str, Detail)) -> bool) {
        self.items.retain(f);
    }

    /// What every extra pushed so far adds up to.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    fn kept(&self, key: &str) -> bool {
        self.keep.is_none_or(|keep| keep(key))
    }

    /// Fold one extra into the digest, in order.
    fn note(&mut self, key: &str, hash: impl FnOnce(&mut foldhash::fast::FoldHasher)) {
        let mut h = foldhash::fast::FixedState::with_seed(self.digest).build_hasher();
        key.hash(&mut h);
        hash(&mut h);
        self.digest = h.finish();
    }

    pub fn push(&mut self, key: &'static str, value: Detail) {
        self.note(key, |h| hash_detail(&value, h));
        if self.kept(key) {
            self.items.push((key, value));
        }
    }

    pub fn str(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(v) = value {
            self.note(key, |h| v.hash(h));
            if self.kept(key) {
                self.items.push((key, Detail::Str(v.into())));
            }
        }
    }

    pub fn int(&mut self, key: &'static str, value: Option<i64>) {
        if let Some(v) = value {
            self.push(key, Detail::Int(v));
        }
    }

    /// A JSON value from the record, copied only when it is kept.
    pub fn json(&mut self, key: &'static str, value: &crate::json::Json) {
        self.note(key, |h| hash_tree(value, h));
        if self.kept(key) {
            self.items.push((key, Detail::Json(value.to_value())));
        }
    }
}

fn hash_detail<H: Hasher>(v: &Detail, h: &mut H) {
    match v {
        Detail::Str(s) => s.as_str().hash(h),
        Detail::Int(i) => i.hash(h),
        Detail::Num(f) => f.to_bits().hash(h),
        Detail::Bool(b) => b.hash(h),
        Detail::Json(v) => hash_json(v, h),
    }
}

/// `hash_json`'s walk over the borrowed tree.
fn hash_tree<H: Hasher>(v: &crate::json::Json, h: &mut H) {
    use crate::json::Json;
    match v {
        Json::Null => 0u8.hash(h),
        Json::Bool(b) => b.hash(h),
        Json::Num(n) => Some(n.as_f64().to_bits()).hash(h),
        Json::Str(s) => s.as_ref().hash(h),
        Json::Arr(a) => a.iter().for_each(|x| hash_tree(x, h)),
        Json::Obj(o) => o.iter().for_each(|(k, x)| {
            k.as_ref().hash(h);
            hash_tree(x, h);
        }),
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.items.len()))?;
        for (k, v) in &self.items {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One vendor event, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub vendor: Vendor,
    /// The vendor's own event name (`call.ended`, `Call.Disconnected`, `hangup`), when known.
    pub event: Option<std::borrow::Cow<'static, str>>,
    pub kind: EventKind,
    pub call_id: Option<String>,
    pub time: Option<Millis>,
    pub time_source: Option<TimeSource>,
    /// When the payload says when the whole call started (Xelion `date`), not when this event
    /// happened: it dates the call, never the event.
    pub call_started: Option<Millis>,
    /// How the call ended, when this event's codes say so (SIP 486, `USER_BUSY`, a missed call).
    pub outcome: Option<Outcome>,
    pub details: Details,
    /// What identifies a repeated delivery of this event, when one can be recognised at all
    /// (see `Event::delivery_fingerprint`). Worked out on the workers, compared per call.
    pub fingerprint: Option<u64>,
}

/// Kinds a call has at most once: a second identical one is a repeated delivery.
fn once_per_call(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Started
            | EventKind::Ringing
            | EventKind::Answered
            | EventKind::Ended
            | EventKind::Failed
            | EventKind::Missed
            | EventKind::ParticipantJoined
            | EventKind::ParticipantLeft
    )
}

fn hash_json<H: Hasher>(v: &serde_json::Value, h: &mut H) {
    use serde_json::Value;
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.as_f64().map(f64::to_bits).hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(a) => a.iter().for_each(|x| hash_json(x, h)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            k.hash(h);
            hash_json(x, h);
        }),
    }
}

impl Event {
    /// What makes two deliveries the same event: name, kind, the payload's own time and the
    /// normalized extras (an envelope's or log line's time differs between deliveries). Only
    /// for events a call has once, or that carry their own time: two identical DTMF presses or
    /// holds without times may be real.
    pub fn delivery_fingerprint(&self) -> Option<u64> {
        if self.payload_time().is_none() && !once_per_call(self.kind) {
            return None;
        }
        let mut h = foldhash::fast::FixedState::with_seed(0x6361_6c6c_6576).build_hasher();
        self.event.hash(&mut h);
        self.kind.hash(&mut h);
        self.payload_time().hash(&mut h);
        self.details.digest().hash(&mut h);
        Some(h.finish())
    }

    /// A time the payload itself gave (never an envelope's or a log line's, which differ between
    /// deliveries of the same event).
    pub fn payload_time(&self) -> Option<Millis> {
        match self.time_source {
            Some(TimeSource::Payload) => self.time,
            _ => None,
        }
    }
}

/// How a call ended, CLI.md's closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Answered,
    Missed,
    Busy,
    NoAnswer,
    Rejected,
    Cancelled,
    Failed,
    InProgress,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Missed => "missed",
            Outcome::Busy => "busy",
            Outcome::NoAnswer => "no_answer",
            Outcome::Rejected => "rejected",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed => "failed",
            Outcome::InProgress => "in_progress",
            Outcome::Unknown => "unknown",
        }
    }

    /// A SIP-style status code as Voximplant reports it.
    pub fn from_sip(code: i64) -> Option<Outcome> {
        match code {
            200..=299 => None,
            486 | 600 => Some(Outcome::Busy),
            408 | 480 => Some(Outcome::NoAnswer),
            603 => Some(Outcome::Rejected),
            487 => Some(Outcome::Cancelled),
            _ => Some(Outcome::Failed),
        }
    }
}

/// The names of the details that say who took part in a call, in the order a call lists them.
const PARTY_KEYS: [&str; 5] = ["participant", "caller", "callee", "from", "to"];

/// What per-call aggregation reads of an event, borrowed: from an `Event`, or from a `Pack` that
/// holds it without heap parts of its own.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub kind: EventKind,
    pub time: Option<Millis>,
    pub call_started: Option<Millis>,
    pub outcome: Option<Outcome>,
    pub fingerprint: Option<u64>,
    /// The key pressed (DTMF).
    pub digit: Option<&'a str>,
    /// What a terminal event gives as the reason the call ended (`486 Busy Here`).
    pub reason: Option<Cow<'a, str>>,
    /// The vendor's name of a terminal event, for an end reason when it gives none.
    pub name: Option<&'a str>,
    pub talk_ms: Option<i64>,
    pub duration_ms: Option<i64>,
    /// `PARTY_KEYS`' values, when given as text.
    pub parties: [Option<&'a str>; 5],
}

impl<'a> Step<'a> {
    /// Whether `of` reads this detail: `summary` stores no others on the workers.
    pub fn reads(key: &str) -> bool {
        matches!(
            key,
            "digit" | "cause" | "reason" | "code" | "talk_ms" | "duration_ms"
        ) || PARTY_KEYS.contains(&key)
    }

    pub fn of(e: &'a Event) -> Step<'a> {
        // One pass over the details, the first of each key counting (as `Details::get` finds).
        let mut step = Step {
            kind: e.kind,
            time: e.time,
            call_started: e.call_started,
            outcome: e.outcome,
            fingerprint: e.fingerprint,
            digit: None,
            reason: None,
            name: None,
            talk_ms: None,
            duration_ms: None,
            parties: [None; 5],
        };
        let (mut cause, mut why, mut code) = (None, None, None);
        let first = |slot: &mut Option<&'a Detail>, v: &'a Detail| {
            slot.get_or_insert(v);
        };
        let (mut digit, mut talk, mut duration) = (None, None, None);
        let mut parties: [Option<&'a Detail>; 5] = [None; 5];
        for (key, value) in e.details.iter() {
            match *key {
                "digit" => first(&mut digit, value),
                "cause" => first(&mut cause, value),
                "reason" => first(&mut why, value),
                "code" => first(&mut code, value),
                "talk_ms" => first(&mut talk, value),
                "duration_ms" => first(&mut duration, value),
                k => {
                    if let Some(i) = PARTY_KEYS.iter().position(|p| *p == k) {
                        first(&mut parties[i], value);
                    }
                }
            }
        }
        if e.kind == EventKind::Dtmf {
            step.digit = digit.and_then(Detail::as_str);
        }
        step.talk_ms = talk.and_then(Detail::as_i64);
        step.duration_ms = duration.and_then(Detail::as_i64);
        step.parties = parties.map(|p| p.and_then(Detail::as_str));
        if e.kind.is_terminal() {
            step.name = e.event.as_deref();
            let why = cause.or(why).map(|d| match d {
                Detail::Str(s) => Cow::Borrowed(s.as_str()),
                d => Cow::Owned(d.display()),
            });
            step.reason = match (why, code.and_then(Detail::as_i64)) {
                (Some(r), Some(c)) => Some(Cow::Owned(format!("{c} {r}"))),
                (Some(r), None) => Some(r),
                (None, Some(c)) => Some(Cow::Owned(c.to_string())),
                (None, None) => None,
            };
        }
        step
    }
}

/// A stretch of a `Pack`'s text; `NONE` for a value not given.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    const NONE: Span = Span {
        start: u32::MAX,
        len: 0,
    };
}

/// An event as a `Pack` holds it: what aggregation reads, its texts in the pack's buffer.
#[derive(Debug, Clone)]
pub struct Packed {
    /// Where the event stands in its batch.
    pub index: u32,
    /// Its call id's `call_key`.
    pub key: u64,
    pub vendor: Vendor,
    /// Whether the event passes the event and time filters.
    pub selected: bool,
    kind: EventKind,
    outcome: Option<Outcome>,
    time: Option<Millis>,
    call_started: Option<Millis>,
    fingerprint: Option<u64>,
    talk_ms: Option<i64>,
    duration_ms: Option<i64>,
    id: Span,
    digit: Span,
    reason: Span,
    name: Span,
    parties: [Span; 5],
}

/// Events of one batch bound for per-call aggregation, in input order, with no heap parts of
/// their own: made on the workers (where the events are), read on the aggregating threads, so
/// no event's allocations are made on one thread and freed on another.
#[derive(Debug, Default)]
pub struct Pack {
    events: Vec<Packed>,
    text: String,
}

impl Pack {
    /// Empty it, keeping its room.
    pub fn clear(&mut self) {
        self.events.clear();
        self.text.clear();
    }

    /// Add an event that has a call id (others belong to no call and are not packed).
    pub fn push(&mut self, index: u32, key: u64, selected: bool, e: &Event) {
        let Some(id) = e.call_id.as_deref() else {
            return;
        };
        let step = Step::of(e);
        let id = self.put(Some(id));
        let packed = Packed {
            index,
            key,
            vendor: e.vendor,
            selected,
            kind: step.kind,
            outcome: step.outcome,
            time: step.time,
            call_started: step.call_started,
            fingerprint: step.fingerprint,
            talk_ms: step.talk_ms,
            duration_ms: step.duration_ms,
            id,
            digit: self.put(step.digit),
            reason: self.put(step.reason.as_deref()),
            name: self.put(step.name),
            parties: step.parties.map(|p| self.put(p)),
        };
        self.events.push(packed);
    }

    fn put(&mut self, s: Option<&str>) -> Span {
        let Some(s) = s else { return Span::NONE };
        // A batch's text is far below 4 GiB (records are capped at 64 MiB).
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    fn get(&self, span: Span) -> Option<&str> {
        if span.start == u32::MAX {
            return None;
        }
        let start = span.start as usize;
        self.text.get(start..start + span.len as usize)
    }

    /// Each event with its call id and what aggregation reads of it.
    pub fn iter(&self) -> impl Iterator<Item = (&Packed, &str, Step<'_>)> {
        self.events.iter().map(|p| {
            let step = Step {
                kind: p.kind,
                time: p.time,
                call_started: p.call_started,
                outcome: p.outcome,
                fingerprint: p.fingerprint,
                digit: self.get(p.digit),
                reason: self.get(p.reason).map(Cow::Borrowed),
                name: self.get(p.name),
                talk_ms: p.talk_ms,
                duration_ms: p.duration_ms,
                parties: p.parties.map(|s| self.get(s)),
            };
            (p, self.get(p.id).unwrap_or_default(), step)
        })
    }
}
