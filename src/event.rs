//! The normalized event: what every vendor's record becomes after validation, and what the
//! `events`, `timeline` and `summary` views read. Vendor modules fill it; nothing after them
//! looks at vendor JSON again.

use std::hash::{BuildHasher, Hash, Hasher};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::time::Millis;
use crate::vendor_id::Vendor;

/// The closed set of normalized kinds (`kind` in the events records; `--event` takes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum EventKind {
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
    /// Every kind, in the order `callev events --help` lists them.
    pub(crate) const ALL: [EventKind; 16] = [
        EventKind::Started,
        EventKind::Ringing,
        EventKind::Answered,
        EventKind::Hold,
        EventKind::Unhold,
        EventKind::Dtmf,
        EventKind::ParticipantJoined,
        EventKind::ParticipantLeft,
        EventKind::Transfer,
        EventKind::Media,
        EventKind::Recording,
        EventKind::ChannelEnded,
        EventKind::Ended,
        EventKind::Failed,
        EventKind::Missed,
        EventKind::Other,
    ];

    pub(crate) fn as_str(self) -> &'static str {
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

    /// Whether this event ends the call: `ended`, `failed`, `missed`.
    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            EventKind::Ended | EventKind::Failed | EventKind::Missed
        )
    }
}

/// Where an event's time came from: the payload itself, an envelope around it, or the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSource {
    Payload,
    Envelope,
    Log,
}

impl TimeSource {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TimeSource::Payload => "payload",
            TimeSource::Envelope => "envelope",
            TimeSource::Log => "log",
        }
    }
}

/// One normalized extra of an event, kept as the type it has.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Detail {
    /// Most details (numbers, codes, reasons) are short enough to be kept inline, without an
    /// allocation of their own.
    Str(compact_str::CompactString),
    Int(i64),
    Num(f64),
    Bool(bool),
    Json(serde_json::Value),
}

impl Detail {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Detail::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Detail::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as a person reads it in a table.
    pub(crate) fn display(&self) -> String {
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
pub(crate) struct Details {
    items: Vec<(&'static str, Detail)>,
    keep: Option<fn(&str) -> bool>,
    digest: u64,
    /// An alias key is among the items (`ALIAS_KEYS`): known here, on the workers, so that
    /// the thread following calls does not look for them in every event.
    aliased: bool,
}

/// The extras that name other ids of the event's call (a Workonflow thread or stream: see
/// `call::alias`).
pub(crate) const ALIAS_KEYS: [&str; 2] = ["thread", "stream"];

impl PartialEq for Details {
    fn eq(&self, other: &Details) -> bool {
        self.items == other.items
    }
}

impl Details {
    /// Extras that store only the keys `keep` says to, when given.
    pub(crate) fn new(keep: Option<fn(&str) -> bool>) -> Details {
        Details {
            items: Vec::new(),
            keep,
            digest: 0,
            aliased: false,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Detail> {
        self.items.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(&'static str, Detail)> {
        self.items.iter()
    }

    /// What every extra pushed so far adds up to.
    pub(crate) fn digest(&self) -> u64 {
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

    /// Store an item (kept, as `kept` says).
    fn store(&mut self, key: &'static str, value: Detail) {
        self.aliased |= ALIAS_KEYS.contains(&key);
        self.items.push((key, value));
    }

    /// Whether an item names another id of the call (`ALIAS_KEYS`).
    pub(crate) fn aliased(&self) -> bool {
        self.aliased
    }

    pub(crate) fn push(&mut self, key: &'static str, value: Detail) {
        self.note(key, |h| hash_detail(&value, h));
        if self.kept(key) {
            self.store(key, value);
        }
    }

    pub(crate) fn str(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(v) = value {
            self.note(key, |h| v.hash(h));
            if self.kept(key) {
                self.store(key, Detail::Str(v.into()));
            }
        }
    }

    pub(crate) fn int(&mut self, key: &'static str, value: Option<i64>) {
        if let Some(v) = value {
            self.push(key, Detail::Int(v));
        }
    }

    /// A JSON value from the record, copied only when it is kept.
    pub(crate) fn json(&mut self, key: &'static str, value: &crate::json::Json) {
        self.note(key, |h| hash_tree(value, h));
        if self.kept(key) {
            self.store(key, Detail::Json(value.to_value()));
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

impl Details {
    /// The details as JSON, as `serde_json::to_writer(out, self)` writes them (numbers and
    /// nested values through serde: rare and exact).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        use crate::json::write;
        out.push(b'{');
        for (i, (k, v)) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write::str(out, k);
            out.push(b':');
            match v {
                Detail::Str(v) => write::str(out, v),
                Detail::Int(v) => write::int(out, *v),
                Detail::Bool(v) => write::bool(out, *v),
                other => {
                    let _ = serde_json::to_writer(&mut *out, other);
                }
            }
        }
        out.push(b'}');
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
pub(crate) struct Event {
    pub(crate) vendor: Vendor,
    /// The vendor's own event name (`call.ended`, `Call.Disconnected`, `hangup`), when known.
    pub(crate) event: Option<std::borrow::Cow<'static, str>>,
    pub(crate) kind: EventKind,
    pub(crate) call_id: Option<String>,
    pub(crate) time: Option<Millis>,
    pub(crate) time_source: Option<TimeSource>,
    /// When the payload says when the whole call started (Xelion `date`), not when this event
    /// happened: it dates the call, never the event.
    pub(crate) call_started: Option<Millis>,
    /// When the payload says the call was answered (Bandwidth v2's `answerTime`, on every event
    /// after the answer): an inbound call is answered without an event of its own.
    pub(crate) call_answered: Option<Millis>,
    /// When the payload says the call ended (Bandwidth v2's `endTime` on its last events).
    pub(crate) call_ended: Option<Millis>,
    /// How the call ended, when this event's codes say so (SIP 486, `USER_BUSY`, a missed call).
    pub(crate) outcome: Option<Outcome>,
    pub(crate) details: Details,
    /// What makes this event the same as one logged in another form moments apart (a
    /// VoxEngine session log writes an event natively, and the scenario logs it again as JSON).
    pub(crate) twin: Option<Twin>,
    /// A start that begins a new call even where the id was used before: the id names a
    /// container of calls one after another (a Workonflow thread), not one call.
    pub(crate) new_call: bool,
    /// What identifies a repeated delivery of this event, when one can be recognised at all
    /// (see `Event::delivery_fingerprint`). Worked out on the workers, compared per call.
    pub(crate) fingerprint: Option<u64>,
}

/// An event's name, kind and details, and which form it was read from: a session log's
/// notation or JSON. The same key in the other form within `Twin::WINDOW_MS` is one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Twin {
    pub(crate) key: u64,
    pub(crate) notation: bool,
}

impl Twin {
    /// How far apart the two forms of one event are logged, at most.
    pub(crate) const WINDOW_MS: i64 = 1000;

    /// The twin key of an event with these name, kind and details.
    pub(crate) fn of(
        event: Option<&str>,
        kind: EventKind,
        details: &Details,
        notation: bool,
    ) -> Twin {
        let mut h = foldhash::fast::FixedState::with_seed(0x7477_696e).build_hasher();
        event.hash(&mut h);
        kind.hash(&mut h);
        details.digest().hash(&mut h);
        Twin {
            key: h.finish(),
            notation,
        }
    }
}

/// The fingerprint's bit that marks it as an untimed event's content, told apart from an
/// identical event of the same call by its place among them (see `Event::delivery_fingerprint`).
pub(crate) const COUNTED: u64 = 1;

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
    /// What makes two deliveries the same event: name, kind, a time and the normalized extras.
    /// An event a call has once is the same whenever it was delivered: only the payload's own
    /// time counts (an envelope's or a log line's differs between retries). An event a call may
    /// have many times (a DTMF press, a hold) is the same only at the same time, whoever gave
    /// it: the same log line read twice (overlapping rotated logs) repeats, two presses of `5`
    /// a second apart do not. Such an event without any time is told by its content and its
    /// place among its call's events of that content (the second `5` of a call is not its first
    /// again): its fingerprint is the content's, marked `COUNTED` for the call's `Dedupe` to add
    /// the place to.
    pub(crate) fn delivery_fingerprint(&self) -> Option<u64> {
        let once = once_per_call(self.kind);
        let time = if once { self.payload_time() } else { self.time };
        let mut h = foldhash::fast::FixedState::with_seed(0x6361_6c6c_6576).build_hasher();
        self.event.hash(&mut h);
        self.kind.hash(&mut h);
        time.hash(&mut h);
        self.details.digest().hash(&mut h);
        let content = h.finish();
        Some(if once || time.is_some() {
            content & !COUNTED
        } else {
            content | COUNTED
        })
    }

    /// Whether its call goes by other ids too (a Workonflow thread or stream, see
    /// `call::alias`): a view may find it belongs to a call named otherwise, and write it anew.
    pub(crate) fn has_aliases(&self) -> bool {
        self.details.aliased()
    }

    /// A time the payload itself gave (never an envelope's or a log line's, which differ between
    /// deliveries of the same event).
    pub(crate) fn payload_time(&self) -> Option<Millis> {
        match self.time_source {
            Some(TimeSource::Payload) => self.time,
            _ => None,
        }
    }
}

/// How a call ended: the closed set `--outcome` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Outcome {
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
    /// Every outcome, in the order `--outcome` lists them.
    pub(crate) const ALL: [Outcome; 9] = [
        Outcome::Answered,
        Outcome::Missed,
        Outcome::Busy,
        Outcome::NoAnswer,
        Outcome::Rejected,
        Outcome::Cancelled,
        Outcome::Failed,
        Outcome::InProgress,
        Outcome::Unknown,
    ];

    pub(crate) fn find(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }

    pub(crate) fn as_str(self) -> &'static str {
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
}
