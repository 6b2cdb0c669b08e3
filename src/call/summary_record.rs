//! The summary record: one call's numbers, its fields listed once (`summary_fields!`), from which
//! the JSON record (written by hand and through serde), the CSV header and the rows come.

use serde::Serialize;

use crate::event::Outcome;
use crate::time::Millis;
use crate::timefmt::Stamp;
use crate::vendor_id::Vendor;

/// One call's numbers: the summary record (`callev summary -o json`, the README's summary
/// section).
#[derive(Debug, Clone)]
pub(crate) struct CallSummary {
    pub(crate) call_id: String,
    pub(crate) vendor: Vendor,
    pub(crate) events: u64,
    pub(crate) first_time: Option<Millis>,
    pub(crate) last_time: Option<Millis>,
    pub(crate) started_at: Option<Millis>,
    pub(crate) answered_at: Option<Millis>,
    pub(crate) ended_at: Option<Millis>,
    pub(crate) ring_ms: Option<i64>,
    pub(crate) talk_ms: Option<i64>,
    pub(crate) hold_ms: Option<i64>,
    pub(crate) total_ms: Option<i64>,
    pub(crate) reported_talk_ms: Option<i64>,
    pub(crate) reported_total_ms: Option<i64>,
    pub(crate) outcome: Outcome,
    pub(crate) end_reason: Option<String>,
    pub(crate) participants: Vec<String>,
    pub(crate) dtmf: String,
    pub(crate) duplicates: u64,
    pub(crate) anomalies: Vec<String>,
    /// The call this one is a leg of (a transfer's B-leg names its A-leg).
    pub(crate) parent_call_id: Option<String>,
}

/// What a call adds to the totals under a summary table: its numbers, without its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Brief {
    pub(crate) outcome: Outcome,
    pub(crate) vendor: Vendor,
    pub(crate) talk_ms: Option<i64>,
    pub(crate) total_ms: Option<i64>,
    /// When it started (else its first timed event) and ended (else its last).
    pub(crate) from: Option<Millis>,
    pub(crate) to: Option<Millis>,
    /// It has anomalies.
    pub(crate) anomalous: bool,
    /// Its times span more than a day: left out of durations and the time range.
    pub(crate) absurd: bool,
}

/// One value of the summary record, as the record's writers read it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SummaryValue<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Count(u64),
    /// Milliseconds, or unknown.
    Ms(Option<i64>),
    Time(Option<Millis>),
    List(&'a [String]),
}

/// The summary record's fields in order, each with its value: the one list that the JSON record
/// (written by hand and through serde), the CSV header and the CSV rows come from.
macro_rules! summary_fields {
    (|$s:ident| $($name:ident => $value:expr),* $(,)?) => {
        /// The summary record's field names, in order (the README's summary record; the CSV
        /// header).
        pub(crate) const SUMMARY_HEADER: &[&str] = &[$(stringify!($name)),*];

        impl CallSummary {
            /// Each field's name and value, in the record's order.
            pub(crate) fn fields(&self) -> [(&'static str, SummaryValue<'_>); SUMMARY_HEADER.len()] {
                use SummaryValue::*;
                let $s = self;
                [$((stringify!($name), $value)),*]
            }

            /// The summary record as JSON, as `serde_json::to_writer(out, self)` writes it,
            /// about twice as fast: each field written in place (summary writes one per call).
            pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
                use SummaryValue::*;
                let $s = self;
                let mut first = true;
                $(
                    crate::json::write::key(out, stringify!($name), first);
                    first = false;
                    $value.write_json(out);
                )*
                let _ = first;
                out.push(b'}');
            }
        }
    };
}

summary_fields! { |s|
    call_id => Text(&s.call_id),
    vendor => Text(s.vendor.id()),
    events => Count(s.events),
    first_time => Time(s.first_time),
    last_time => Time(s.last_time),
    started_at => Time(s.started_at),
    answered_at => Time(s.answered_at),
    ended_at => Time(s.ended_at),
    ring_ms => Ms(s.ring_ms),
    talk_ms => Ms(s.talk_ms),
    hold_ms => Ms(s.hold_ms),
    total_ms => Ms(s.total_ms),
    reported_talk_ms => Ms(s.reported_talk_ms),
    reported_total_ms => Ms(s.reported_total_ms),
    outcome => Text(s.outcome.as_str()),
    end_reason => OptText(s.end_reason.as_deref()),
    participants => List(&s.participants),
    dtmf => Text(&s.dtmf),
    duplicates => Count(s.duplicates),
    anomalies => List(&s.anomalies),
    parent_call_id => OptText(s.parent_call_id.as_deref()),
}

impl SummaryValue<'_> {
    /// The value as JSON, as serde writes it (inlined into each field's write: the variant is
    /// known there).
    #[inline(always)]
    fn write_json(self, out: &mut Vec<u8>) {
        use crate::json::write;
        match self {
            SummaryValue::Text(t) => write::str(out, t),
            SummaryValue::OptText(t) => write::opt_str(out, t),
            SummaryValue::Count(n) => write::uint(out, n),
            SummaryValue::Ms(ms) => write::opt_int(out, ms),
            SummaryValue::Time(t) => Stamp::write_json(t.map(Stamp), out),
            SummaryValue::List(items) => write::strs(out, items),
        }
    }
}

impl Serialize for SummaryValue<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match *self {
            SummaryValue::Text(t) => ser.serialize_str(t),
            SummaryValue::OptText(t) => t.serialize(ser),
            SummaryValue::Count(n) => ser.serialize_u64(n),
            SummaryValue::Ms(ms) => ms.serialize(ser),
            SummaryValue::Time(t) => t.map(Stamp).serialize(ser),
            SummaryValue::List(items) => items.serialize(ser),
        }
    }
}

/// The summary record through serde (CSV rows, tests); `write_json` writes the same bytes faster.
impl Serialize for CallSummary {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let fields = self.fields();
        let mut map = ser.serialize_map(Some(fields.len()))?;
        for (name, value) in fields {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

/// The longest a call's events may span before the span is taken for an id used again by
/// another call (a documentation example's, a placeholder such as `{callId}`) or a damaged date.
pub(crate) const ABSURD_SPAN_MS: i64 = 86_400_000;

impl CallSummary {
    pub(crate) fn brief(&self) -> Brief {
        // A call whose events span more than a day says nothing true of durations or of when
        // the calls ran: it is counted, and said apart.
        let absurd = self.absurd();
        Brief {
            outcome: self.outcome,
            vendor: self.vendor,
            talk_ms: self.talk_ms.filter(|_| !absurd),
            total_ms: self.total_ms.filter(|_| !absurd),
            from: self.started_at.or(self.first_time).filter(|_| !absurd),
            to: self.ended_at.or(self.last_time).filter(|_| !absurd),
            anomalous: !self.anomalies.is_empty(),
            absurd,
        }
    }

    /// From its earliest time to its latest (events, start, answer, end).
    pub(crate) fn span_ms(&self) -> Option<i64> {
        let times = [
            self.first_time,
            self.last_time,
            self.started_at,
            self.answered_at,
            self.ended_at,
        ];
        let earliest = times.iter().flatten().min()?;
        let latest = times.iter().flatten().max()?;
        Some(latest.saturating_sub(*earliest))
    }

    /// Its times span more than a day (`ABSURD_SPAN_MS`).
    pub(crate) fn absurd(&self) -> bool {
        self.span_ms().is_some_and(|s| s > ABSURD_SPAN_MS)
    }
}
