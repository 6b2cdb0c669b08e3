//! The events record, schema v1: what `callev events` writes for each event (json, ndjson, csv)
//! and `callev schema --events` documents, from one table of columns. Beside what the event
//! says (vendor, name, kind, time, details) it carries, as flat typed columns, everything the
//! summary reads of it (`call::step::Step`), so engines that load the records (DuckDB,
//! ClickHouse) can rebuild the summary without copying callev's rules, and where it was read
//! (host, source, line, when), so records from many hosts can be told apart and ordered.
//!
//! Within v1 changes only add columns; `events_schema` says which version a record follows.

use serde::Serialize;

use crate::call::step::Step;
use crate::event::{Details, Event};
use crate::time::Millis;
use crate::timefmt::Stamp;

/// The version of the record's columns.
pub const VERSION: u32 = 1;

/// A column's type, as JSON carries it and as the engines declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Int,
    Bool,
    /// RFC 3339 in UTC with milliseconds, in JSON.
    Time,
    /// A JSON array of text.
    TextList,
    /// A JSON object: the event's extras.
    Object,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Text => "text",
            Type::Int => "integer",
            Type::Bool => "boolean",
            Type::Time => "timestamp",
            Type::TextList => "list of text",
            Type::Object => "object",
        }
    }

    /// The JSON Schema of a value of this type (`nullable`: or null).
    pub fn json_schema(self, nullable: bool) -> serde_json::Value {
        use serde_json::json;
        let base = match self {
            Type::Text => json!({"type": "string"}),
            Type::Int => json!({"type": "integer"}),
            Type::Bool => json!({"type": "boolean"}),
            Type::Time => json!({"type": "string", "format": "date-time"}),
            Type::TextList => json!({"type": "array", "items": {"type": "string"}}),
            Type::Object => json!({"type": "object"}),
        };
        if nullable {
            json!({"anyOf": [base, {"type": "null"}]})
        } else {
            base
        }
    }
}

/// One column of the record.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Type,
    pub nullable: bool,
    pub meaning: &'static str,
}

const fn col(name: &'static str, kind: Type, nullable: bool, meaning: &'static str) -> Column {
    Column {
        name,
        kind,
        nullable,
        meaning,
    }
}

/// The columns, in the order every writer writes them.
pub const COLUMNS: [Column; 30] = [
    col("source", Type::Text, false, "the file the record was read from (`-`: standard input)"),
    col("line", Type::Int, false, "its line in the source (from 1; again from 1 after a followed file was truncated or replaced)"),
    col("vendor", Type::Text, false, "the vendor's id: workonflow, xelion, voximplant, bandwidth"),
    col("event", Type::Text, true, "the vendor's own name of the event (call.ended, Call.Disconnected, hangup)"),
    col("kind", Type::Text, false, "the normalized kind: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other"),
    col("call_id", Type::Text, true, "the call it belongs to (null: it names none)"),
    col("time", Type::Time, true, "when it happened, from the payload, an envelope or the log line (null: nothing says)"),
    col("time_source", Type::Text, true, "where the time came from: payload, envelope, log"),
    col("seq", Type::Int, false, "its place among its call's events in this run, from 1 (repeats included)"),
    col("repeat", Type::Bool, false, "a repeated delivery of an earlier event of its call (same fingerprint, or the same event logged again in another form moments apart); the summary ignores it"),
    col("details", Type::Object, false, "the vendor's extras, normalized (participant, digit, code, reason, cause, duration_ms, talk_ms, cost, url, headers, ...)"),
    col("call_started_at", Type::Time, true, "when the payload says the whole call started (Xelion's date, Bandwidth v2's startTime): it dates the call, not the event"),
    col("call_answered_at", Type::Time, true, "when the payload says the call was answered (Bandwidth v2's answerTime)"),
    col("call_ended_at", Type::Time, true, "when the payload says the call ended (Bandwidth v2's endTime)"),
    col("outcome", Type::Text, true, "the call's outcome this event's codes give (a SIP 486 gives busy, a missed-call event missed), else null"),
    col("terminal", Type::Bool, false, "it ends the call (kind ended, failed or missed)"),
    col("end_reason", Type::Text, true, "for a terminal event, the reason it gives the call ended, as the summary writes it (`486 Busy Here`: code and reason or cause); the summary shows the last one given, else the first terminal event's name"),
    col("digit", Type::Text, true, "for a dtmf event, the key pressed"),
    col("code", Type::Int, true, "a status code the event carries (SIP or the vendor's)"),
    col("cause", Type::Text, true, "a cause or reason text the event carries"),
    col("reported_talk_ms", Type::Int, true, "the talk time the vendor reports with this event"),
    col("reported_total_ms", Type::Int, true, "the call's duration the vendor reports with this event"),
    col("participants", Type::TextList, false, "the numbers and user ids it names (participant, caller, callee, from, to, phone)"),
    col("parent_call_id", Type::Text, true, "the call this one is a leg of (a transfer's B-leg names its A-leg)"),
    col("new_call", Type::Bool, false, "a start that begins a new call even where its id was used before (a Workonflow thread holds one call after another)"),
    col("fingerprint", Type::Text, true, "what identifies a repeated delivery of this event (16 hex digits; null: none can be told)"),
    col("host", Type::Text, false, "the machine callev read the record on"),
    col("record_id", Type::Text, false, "a stable id of the record: a hash of host, source and line (16 hex digits)"),
    col("received_at", Type::Time, false, "when callev read the record (following: when it arrived)"),
    col("events_schema", Type::Int, false, "the version of these columns: 1"),
];

/// The column names, the CSV header.
pub fn names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(|| COLUMNS.iter().map(|c| c.name).collect());
    &NAMES
}

/// Where a record was read: the host and the time.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub host: &'a str,
    pub received_at: Millis,
}

impl Origin<'static> {
    /// This machine, now.
    pub fn now() -> Origin<'static> {
        Origin {
            host: host(),
            received_at: chrono::Utc::now().timestamp_millis(),
        }
    }
}

/// This machine's name, once.
pub fn host() -> &'static str {
    static HOST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        gethostname::gethostname()
            .into_string()
            .unwrap_or_else(|h| h.to_string_lossy().into_owned())
    });
    &HOST
}

/// A hex digest of 64 bits.
#[derive(Debug, Clone, Copy)]
pub struct Hex(pub u64);

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 16];
        for (i, b) in text.iter_mut().enumerate() {
            *b = DIGITS[(self.0 >> (60 - 4 * i) & 0xf) as usize];
        }
        // Hex digits are ASCII.
        s.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// A record's id: its host, source and line, hashed.
pub fn record_id(host: &str, source: &str, line: u64) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x6576_656e_7473).build_hasher();
    host.hash(&mut h);
    source.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// The events record (`COLUMNS`, in order).
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
    pub repeat: bool,
    pub details: &'a Details,
    pub call_started_at: Option<Stamp>,
    pub call_answered_at: Option<Stamp>,
    pub call_ended_at: Option<Stamp>,
    pub outcome: Option<&'static str>,
    pub terminal: bool,
    pub end_reason: Option<std::borrow::Cow<'a, str>>,
    pub digit: Option<&'a str>,
    pub code: Option<i64>,
    pub cause: Option<&'a str>,
    pub reported_talk_ms: Option<i64>,
    pub reported_total_ms: Option<i64>,
    pub participants: Vec<&'a str>,
    pub parent_call_id: Option<&'a str>,
    pub new_call: bool,
    pub fingerprint: Option<Hex>,
    pub host: &'a str,
    pub record_id: Hex,
    pub received_at: Stamp,
    pub events_schema: u32,
    /// Timeline only: milliseconds from the call's first timed event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_ms: Option<i64>,
}

impl<'a> EventRecord<'a> {
    pub fn new(
        source: &'a str,
        line: u64,
        e: &'a Event,
        seq: u64,
        origin: Origin<'a>,
    ) -> EventRecord<'a> {
        let step = Step::of(e);
        let end_reason = step.reason.clone();
        let text = |key: &str| e.details.get(key).and_then(crate::event::Detail::as_str);
        let cause = text("cause").or_else(|| text("reason"));
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
            repeat: false,
            details: &e.details,
            call_started_at: e.call_started.map(Stamp),
            call_answered_at: e.call_answered.map(Stamp),
            call_ended_at: e.call_ended.map(Stamp),
            outcome: e.outcome.map(|o| o.as_str()),
            terminal: e.kind.is_terminal(),
            end_reason,
            digit: step.digit,
            code: e.details.get("code").and_then(crate::event::Detail::as_i64),
            cause,
            reported_talk_ms: step.talk_ms,
            reported_total_ms: step.duration_ms,
            participants: step.parties.iter().flatten().copied().collect(),
            parent_call_id: step.parent,
            new_call: e.new_call,
            fingerprint: e.fingerprint.map(Hex),
            host: origin.host,
            record_id: Hex(record_id(origin.host, source, line)),
            received_at: Stamp(origin.received_at),
            events_schema: VERSION,
            offset_ms: None,
        }
    }
}

/// The JSON Schema (draft 2020-12) of a record.
pub fn json_schema() -> serde_json::Value {
    use serde_json::json;
    let properties: serde_json::Map<String, serde_json::Value> = COLUMNS
        .iter()
        .map(|c| {
            let mut s = c.kind.json_schema(c.nullable);
            s["description"] = json!(c.meaning);
            (c.name.to_owned(), s)
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "callev events record, schema v1",
        "type": "object",
        "required": COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>(),
        "properties": properties,
    })
}
