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

/// The SQL engines the events records load into (`schema --sql` writes their DDL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Engine {
    #[value(name = "duckdb")]
    DuckDb,
    #[value(name = "clickhouse")]
    ClickHouse,
}

/// The version of the record's columns.
pub(crate) const VERSION: u32 = 1;

/// A column's type, as JSON carries it and as the engines declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnType {
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

impl ColumnType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Int => "integer",
            ColumnType::Bool => "boolean",
            ColumnType::Time => "timestamp",
            ColumnType::TextList => "list of text",
            ColumnType::Object => "object",
        }
    }

    /// The JSON Schema of a value of this type (`nullable`: or null).
    pub(crate) fn json_schema(self, nullable: bool) -> serde_json::Value {
        use serde_json::json;
        let base = match self {
            ColumnType::Text => json!({"type": "string"}),
            ColumnType::Int => json!({"type": "integer"}),
            ColumnType::Bool => json!({"type": "boolean"}),
            ColumnType::Time => json!({"type": "string", "format": "date-time"}),
            ColumnType::TextList => json!({"type": "array", "items": {"type": "string"}}),
            ColumnType::Object => json!({"type": "object"}),
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
pub(crate) struct RecordColumn {
    pub(crate) name: &'static str,
    pub(crate) kind: ColumnType,
    pub(crate) nullable: bool,
    pub(crate) meaning: &'static str,
}

const fn col(
    name: &'static str,
    kind: ColumnType,
    nullable: bool,
    meaning: &'static str,
) -> RecordColumn {
    RecordColumn {
        name,
        kind,
        nullable,
        meaning,
    }
}

/// The columns, in the order every writer writes them.
pub(crate) const COLUMNS: [RecordColumn; 35] = [
    col("source", ColumnType::Text, false, "the file the record was read from (`-`: standard input)"),
    col("line", ColumnType::Int, false, "its line in the source (from 1; again from 1 after a followed file was truncated or replaced)"),
    col("vendor", ColumnType::Text, false, "the vendor's id: workonflow, xelion, voximplant, bandwidth"),
    col("event", ColumnType::Text, true, "the vendor's own name of the event (call.ended, Call.Disconnected, hangup)"),
    col("kind", ColumnType::Text, false, "the normalized kind: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other"),
    col("call_id", ColumnType::Text, true, "the call it belongs to (null: it names none)"),
    col("time", ColumnType::Time, true, "when it happened, from the payload, an envelope or the log line (null: nothing says)"),
    col("time_source", ColumnType::Text, true, "where the time came from: payload, envelope, log"),
    col("seq", ColumnType::Int, false, "its place among its call's events in this run, from 1 (repeats included)"),
    col("repeat", ColumnType::Bool, false, "a repeated delivery of an earlier event of its call (same fingerprint, or the same event logged again in another form moments apart); the summary ignores it"),
    col("details", ColumnType::Object, false, "the vendor's extras, normalized (participant, digit, code, reason, cause, duration_ms, talk_ms, cost, url, headers, ...)"),
    col("call_started_at", ColumnType::Time, true, "when the payload says the whole call started (Xelion's date, Bandwidth v2's startTime): it dates the call, not the event"),
    col("call_answered_at", ColumnType::Time, true, "when the payload says the call was answered (Bandwidth v2's answerTime)"),
    col("call_ended_at", ColumnType::Time, true, "when the payload says the call ended (Bandwidth v2's endTime)"),
    col("outcome", ColumnType::Text, true, "the call's outcome this event's codes give (a SIP 486 gives busy, a missed-call event missed), else null"),
    col("terminal", ColumnType::Bool, false, "it ends the call (kind ended, failed or missed)"),
    col("end_reason", ColumnType::Text, true, "for a terminal event, the reason it gives the call ended, as the summary writes it (`486 Busy Here`: code and reason or cause); the summary shows the last one given, else the first terminal event's name"),
    col("digit", ColumnType::Text, true, "for a dtmf event, the key pressed"),
    col("code", ColumnType::Int, true, "a status code the event carries (SIP or the vendor's)"),
    col("cause", ColumnType::Text, true, "a cause or reason text the event carries"),
    col("reported_talk_ms", ColumnType::Int, true, "the talk time the vendor reports with this event"),
    col("reported_total_ms", ColumnType::Int, true, "the call's duration the vendor reports with this event"),
    col("participants", ColumnType::TextList, false, "the numbers and user ids it names (participant, caller, callee, from, to, phone)"),
    col("parent_call_id", ColumnType::Text, true, "the call this one is a leg of (a transfer's B-leg names its A-leg)"),
    col("new_call", ColumnType::Bool, false, "a start that begins a new call even where its id was used before (a Workonflow thread holds one call after another)"),
    col("fingerprint", ColumnType::Text, true, "what identifies a repeated delivery of this event (16 hex digits; null: none can be told); an odd last digit marks an untimed event's content, told apart from its call's other events of that content by its place among them"),
    col("twin_key", ColumnType::Text, true, "what identifies the same event logged twice in two forms moments apart (a VoxEngine session log's notation and the scenario's JSON; 16 hex digits)"),
    col("twin_notation", ColumnType::Bool, true, "for an event with a twin_key: whether this is the session log's notation form"),
    col("host", ColumnType::Text, false, "the machine callev read the record on"),
    col("record_id", ColumnType::Text, false, "a stable id of the record: a hash of host, source and line (16 hex digits)"),
    col("received_at", ColumnType::Time, false, "when callev read the record (following: when it arrived)"),
    col("events_schema", ColumnType::Int, false, "the version of these columns: 1"),
    col("offset", ColumnType::Int, true, "where the record's line begins in its source, in bytes of the decompressed stream (null for a value gathered from several lines)"),
    col("answered", ColumnType::Bool, false, "the event says a party answered (a Workonflow member event's answered: true), whatever its kind"),
    col("damaged", ColumnType::Text, true, "for a damaged record that still names its call: where it was read (source:line); a note on the call, not one of its events"),
];

/// The column names, the CSV header.
pub(crate) fn names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(|| COLUMNS.iter().map(|c| c.name).collect());
    &NAMES
}

/// Where a record was read: the host and the time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub(crate) host: &'a str,
    pub(crate) received_at: Millis,
}

impl Origin<'static> {
    /// This machine, now.
    pub(crate) fn now() -> Origin<'static> {
        Origin::read_at(chrono::Utc::now().timestamp_millis())
    }

    /// This machine, at the time a batch was read.
    pub(crate) fn read_at(received_at: Millis) -> Origin<'static> {
        Origin {
            host: host(),
            received_at,
        }
    }
}

/// This machine's name, once.
pub(crate) fn host() -> &'static str {
    static HOST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        gethostname::gethostname()
            .into_string()
            .unwrap_or_else(|h| h.to_string_lossy().into_owned())
    });
    &HOST
}

/// A hex digest of 64 bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hex(pub u64);

impl Hex {
    /// Its 16 lowercase hex digits.
    pub(crate) fn digits(self) -> [u8; 16] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 16];
        for (i, b) in text.iter_mut().enumerate() {
            *b = DIGITS[(self.0 >> (60 - 4 * i) & 0xf) as usize];
        }
        text
    }
}

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Hex digits are ASCII.
        s.serialize_str(std::str::from_utf8(&self.digits()).unwrap_or_default())
    }
}

/// A record's id: its host, source and line, hashed.
pub(crate) fn record_id(host: &str, source: &str, line: u64) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x6576_656e_7473).build_hasher();
    host.hash(&mut h);
    source.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// The events record (`COLUMNS`, in order).
#[derive(Serialize)]
pub(crate) struct EventRecord<'a> {
    pub(crate) source: &'a str,
    pub(crate) line: u64,
    pub(crate) vendor: &'static str,
    pub(crate) event: Option<&'a str>,
    pub(crate) kind: &'static str,
    pub(crate) call_id: Option<&'a str>,
    pub(crate) time: Option<Stamp>,
    pub(crate) time_source: Option<&'static str>,
    pub(crate) seq: u64,
    pub(crate) repeat: bool,
    pub(crate) details: &'a Details,
    pub(crate) call_started_at: Option<Stamp>,
    pub(crate) call_answered_at: Option<Stamp>,
    pub(crate) call_ended_at: Option<Stamp>,
    pub(crate) outcome: Option<&'static str>,
    pub(crate) terminal: bool,
    pub(crate) end_reason: Option<std::borrow::Cow<'a, str>>,
    pub(crate) digit: Option<&'a str>,
    pub(crate) code: Option<i64>,
    pub(crate) cause: Option<&'a str>,
    pub(crate) reported_talk_ms: Option<i64>,
    pub(crate) reported_total_ms: Option<i64>,
    /// At most `PARTY_KEYS`' six, held in place (a vector was an allocation a record).
    pub(crate) participants: smallvec::SmallVec<[&'a str; 6]>,
    pub(crate) parent_call_id: Option<&'a str>,
    pub(crate) new_call: bool,
    pub(crate) fingerprint: Option<Hex>,
    pub(crate) twin_key: Option<Hex>,
    pub(crate) twin_notation: Option<bool>,
    pub(crate) host: &'a str,
    pub(crate) record_id: Hex,
    pub(crate) received_at: Stamp,
    pub(crate) events_schema: u32,
    pub(crate) offset: Option<u64>,
    pub(crate) answered: bool,
    pub(crate) damaged: Option<&'a str>,
    /// Timeline only: milliseconds from the call's first timed event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) offset_ms: Option<i64>,
}

impl<'a> EventRecord<'a> {
    pub(crate) fn new(
        source: &'a str,
        line: u64,
        e: &'a Event,
        seq: u64,
        origin: Origin<'a>,
    ) -> EventRecord<'a> {
        let (step, cause, code) = Step::with_cause(e);
        let end_reason = step.reason.clone();
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
            code,
            cause,
            reported_talk_ms: step.talk_ms,
            reported_total_ms: step.duration_ms,
            participants: step.parties.iter().flatten().copied().collect(),
            parent_call_id: step.parent,
            new_call: e.new_call,
            fingerprint: e.fingerprint.map(Hex),
            twin_key: e.twin.map(|t| Hex(t.key)),
            twin_notation: e.twin.map(|t| t.notation),
            host: origin.host,
            record_id: Hex(record_id(origin.host, source, line)),
            received_at: Stamp(origin.received_at),
            events_schema: VERSION,
            offset: None,
            answered: step.answered,
            damaged: step.damaged,
            offset_ms: None,
        }
    }
}

impl EventRecord<'_> {
    /// The record as JSON, byte for byte as `serde_json::to_writer(out, self)` writes it, in a
    /// fraction of the time: the keys are known, most strings need no escaping (`events -o
    /// ndjson` writes one per event; serde's generic path was a fifth of its work).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        use crate::json::write::{
            bool as flag, int, opt_bool, opt_int, opt_str, opt_uint, str, uint,
        };
        let time = |out: &mut Vec<u8>, t: Option<Stamp>| Stamp::write_json(t, out);
        let hex = |out: &mut Vec<u8>, h: Option<Hex>| match h {
            Some(h) => {
                out.push(b'"');
                out.extend_from_slice(&h.digits());
                out.push(b'"');
            }
            None => out.extend_from_slice(b"null"),
        };
        // Each key with its quotes and separator is written as one slice.
        out.extend_from_slice(b"{\"source\":");
        str(out, self.source);
        out.extend_from_slice(b",\"line\":");
        uint(out, self.line);
        out.extend_from_slice(b",\"vendor\":");
        str(out, self.vendor);
        out.extend_from_slice(b",\"event\":");
        opt_str(out, self.event);
        out.extend_from_slice(b",\"kind\":");
        str(out, self.kind);
        out.extend_from_slice(b",\"call_id\":");
        opt_str(out, self.call_id);
        out.extend_from_slice(b",\"time\":");
        time(out, self.time);
        out.extend_from_slice(b",\"time_source\":");
        opt_str(out, self.time_source);
        out.extend_from_slice(b",\"seq\":");
        uint(out, self.seq);
        out.extend_from_slice(b",\"repeat\":");
        flag(out, self.repeat);
        out.extend_from_slice(b",\"details\":");
        self.details.write_json(out);
        out.extend_from_slice(b",\"call_started_at\":");
        time(out, self.call_started_at);
        out.extend_from_slice(b",\"call_answered_at\":");
        time(out, self.call_answered_at);
        out.extend_from_slice(b",\"call_ended_at\":");
        time(out, self.call_ended_at);
        out.extend_from_slice(b",\"outcome\":");
        opt_str(out, self.outcome);
        out.extend_from_slice(b",\"terminal\":");
        flag(out, self.terminal);
        out.extend_from_slice(b",\"end_reason\":");
        opt_str(out, self.end_reason.as_deref());
        out.extend_from_slice(b",\"digit\":");
        opt_str(out, self.digit);
        out.extend_from_slice(b",\"code\":");
        opt_int(out, self.code);
        out.extend_from_slice(b",\"cause\":");
        opt_str(out, self.cause);
        out.extend_from_slice(b",\"reported_talk_ms\":");
        opt_int(out, self.reported_talk_ms);
        out.extend_from_slice(b",\"reported_total_ms\":");
        opt_int(out, self.reported_total_ms);
        out.extend_from_slice(b",\"participants\":");
        out.push(b'[');
        for (i, p) in self.participants.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            str(out, p);
        }
        out.push(b']');
        out.extend_from_slice(b",\"parent_call_id\":");
        opt_str(out, self.parent_call_id);
        out.extend_from_slice(b",\"new_call\":");
        flag(out, self.new_call);
        out.extend_from_slice(b",\"fingerprint\":");
        hex(out, self.fingerprint);
        out.extend_from_slice(b",\"twin_key\":");
        hex(out, self.twin_key);
        out.extend_from_slice(b",\"twin_notation\":");
        opt_bool(out, self.twin_notation);
        out.extend_from_slice(b",\"host\":");
        str(out, self.host);
        out.extend_from_slice(b",\"record_id\":");
        hex(out, Some(self.record_id));
        out.extend_from_slice(b",\"received_at\":");
        time(out, Some(self.received_at));
        out.extend_from_slice(b",\"events_schema\":");
        uint(out, u64::from(self.events_schema));
        out.extend_from_slice(b",\"offset\":");
        opt_uint(out, self.offset);
        out.extend_from_slice(b",\"answered\":");
        flag(out, self.answered);
        out.extend_from_slice(b",\"damaged\":");
        opt_str(out, self.damaged);
        if let Some(ms) = self.offset_ms {
            out.extend_from_slice(b",\"offset_ms\":");
            int(out, ms);
        }
        out.push(b'}');
    }
}

/// The JSON Schema (draft 2020-12) of a record.
pub(crate) fn json_schema() -> serde_json::Value {
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

/// Whether a JSON value is one of callev's own events records (it says its `events_schema`).
pub(crate) fn is_record(v: &crate::json::Json) -> bool {
    v.get("events_schema").is_some() && v.get("kind").is_some() && v.get("vendor").is_some()
}

/// One of callev's own events records read back into the event it was written from, as far as
/// the views need it (`summary` over records collected from many hosts); `None` when it is not a
/// well-formed v1 record of a known vendor. `keep` says which details to keep (as `Details::new`).
pub(crate) fn read_record(v: &crate::json::Json, keep: Option<fn(&str) -> bool>) -> Option<Event> {
    use crate::event::{Detail, EventKind, Outcome, TimeSource, Twin};
    use crate::json::Json;
    let version = v.get("events_schema")?.num()?.as_i64()?;
    if version != i64::from(VERSION) {
        return None;
    }
    let text = |key: &str| v.get_str(key);
    let time = |key: &str| text(key).and_then(|t| crate::time::parse_iso(t, 0));
    let hex = |key: &str| text(key).and_then(|h| u64::from_str_radix(h, 16).ok());
    let flag = |key: &str| match v.get(key) {
        Some(Json::Bool(b)) => Some(*b),
        _ => None,
    };
    let vendor = crate::vendor_id::Vendor::find(text("vendor")?)?;
    let kind = EventKind::ALL
        .into_iter()
        .find(|k| Some(k.as_str()) == text("kind"))?;
    let mut details = Details::new(keep);
    // Read back from Parquet, the details are their JSON text.
    if let Some(Ok(serde_json::Value::Object(fields))) = v
        .get_str("details")
        .map(serde_json::from_str::<serde_json::Value>)
    {
        for (k, value) in fields {
            let Some(key) = intern(&k) else { continue };
            let detail = match value {
                serde_json::Value::String(s) => Detail::Str(s.into()),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Detail::Int(i),
                    None => Detail::Num(n.as_f64().unwrap_or(f64::NAN)),
                },
                serde_json::Value::Bool(b) => Detail::Bool(b),
                serde_json::Value::Null => continue,
                other => Detail::Json(other),
            };
            details.push(key, detail);
        }
    }
    if let Some(fields) = v.get("details").and_then(Json::fields) {
        for (k, value) in fields {
            let Some(key) = intern(k) else { continue };
            let detail = match value {
                Json::Str(s) => Detail::Str(s.as_ref().into()),
                Json::Num(n) => match n.as_i64() {
                    Some(i) if !matches!(n, crate::json::Num::Float(_)) => Detail::Int(i),
                    _ => Detail::Num(n.as_f64()),
                },
                Json::Bool(b) => Detail::Bool(*b),
                Json::Null => continue,
                other => Detail::Json(other.to_value()),
            };
            details.push(key, detail);
        }
    }
    Some(Event {
        vendor,
        event: text("event").map(|e| std::borrow::Cow::Owned(e.to_owned())),
        kind,
        call_id: text("call_id").map(str::to_owned),
        time: time("time"),
        time_source: match text("time_source") {
            Some("payload") => Some(TimeSource::Payload),
            Some("envelope") => Some(TimeSource::Envelope),
            Some("log") => Some(TimeSource::Log),
            _ => None,
        },
        call_started: time("call_started_at"),
        call_answered: time("call_answered_at"),
        call_ended: time("call_ended_at"),
        outcome: text("outcome").and_then(Outcome::find),
        details,
        twin: hex("twin_key").map(|key| Twin {
            key,
            notation: flag("twin_notation").unwrap_or(false),
        }),
        new_call: flag("new_call").unwrap_or(false),
        fingerprint: hex("fingerprint"),
    })
}

/// A detail's key as the `&'static str` `Details` holds: the names callev writes are few, each
/// kept once for the run; past `MAX_KEYS` distinct names (no longer callev's own records),
/// further ones are dropped.
fn intern(key: &str) -> Option<&'static str> {
    use std::collections::HashSet;
    use std::sync::Mutex;
    const MAX_KEYS: usize = 4096;
    static KEYS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut keys = KEYS.lock().ok()?;
    let keys = keys.get_or_insert_with(HashSet::new);
    if let Some(k) = keys.get(key) {
        return Some(k);
    }
    if keys.len() >= MAX_KEYS {
        return None;
    }
    let k: &'static str = Box::leak(key.to_owned().into_boxed_str());
    keys.insert(k);
    Some(k)
}

/// One column's value of a record, for the writers of typed columns (Parquet).
#[derive(Debug)]
pub(crate) enum ColumnValue<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bool(Option<bool>),
    /// Milliseconds since the epoch.
    Time(Option<Millis>),
    List(&'a [&'a str]),
    /// A hex id, written as its 16 digits.
    Hex(Option<Hex>),
    /// The details, written as JSON text.
    Details(&'a crate::event::Details),
}

impl EventRecord<'_> {
    /// Each column's value, in `COLUMNS`' order. Nothing is allocated: the hex ids and the
    /// details are written by the column's writer, where they go.
    pub(crate) fn values(&self) -> [ColumnValue<'_>; COLUMNS.len()] {
        let time = |s: Option<Stamp>| ColumnValue::Time(s.map(|s| s.0));
        [
            ColumnValue::Text(Some(self.source)),
            ColumnValue::Int(i64::try_from(self.line).ok()),
            ColumnValue::Text(Some(self.vendor)),
            ColumnValue::Text(self.event),
            ColumnValue::Text(Some(self.kind)),
            ColumnValue::Text(self.call_id),
            time(self.time),
            ColumnValue::Text(self.time_source),
            ColumnValue::Int(i64::try_from(self.seq).ok()),
            ColumnValue::Bool(Some(self.repeat)),
            ColumnValue::Details(self.details),
            time(self.call_started_at),
            time(self.call_answered_at),
            time(self.call_ended_at),
            ColumnValue::Text(self.outcome),
            ColumnValue::Bool(Some(self.terminal)),
            ColumnValue::Text(self.end_reason.as_deref()),
            ColumnValue::Text(self.digit),
            ColumnValue::Int(self.code),
            ColumnValue::Text(self.cause),
            ColumnValue::Int(self.reported_talk_ms),
            ColumnValue::Int(self.reported_total_ms),
            ColumnValue::List(&self.participants),
            ColumnValue::Text(self.parent_call_id),
            ColumnValue::Bool(Some(self.new_call)),
            ColumnValue::Hex(self.fingerprint),
            ColumnValue::Hex(self.twin_key),
            ColumnValue::Bool(self.twin_notation),
            ColumnValue::Text(Some(self.host)),
            ColumnValue::Hex(Some(self.record_id)),
            time(Some(self.received_at)),
            ColumnValue::Int(Some(i64::from(self.events_schema))),
            ColumnValue::Int(self.offset.and_then(|o| i64::try_from(o).ok())),
            ColumnValue::Bool(Some(self.answered)),
            ColumnValue::Text(self.damaged),
        ]
    }
}
