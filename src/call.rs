//! Per-call aggregation: events folded into a small state per call (not a list of events), so
//! `summary` grows with calls, not events. Repeated deliveries are recognised and counted; the
//! call's times, durations, outcome and anomalies are derived when it is finished.

use serde::Serialize;

use crate::event::{Event, EventKind, Outcome, Twin};
use crate::time::Millis;
use crate::timefmt::Stamp;
use crate::vendor_id::Vendor;
use step::Step;

/// Kinds that belong to the call's flow: one of them after the end is an anomaly (recordings,
/// media and switch chatter legitimately trail the hang-up).
fn call_flow(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Started
            | EventKind::Ringing
            | EventKind::Answered
            | EventKind::Hold
            | EventKind::Unhold
            | EventKind::Dtmf
            | EventKind::ParticipantJoined
            | EventKind::ParticipantLeft
            | EventKind::Transfer
    )
}

/// How many batches (of about 256 KB) views keep a call that has ended, without news of it,
/// before they forget it: about 4 MB of input, far more than webhook retries or trailing
/// recording events lag. Shorter keeps fewer calls in memory (and in the processor's caches:
/// 32 batches made `summary` 5% slower).
pub const WINDOW: u32 = 16;

/// How often (in batches) views look for calls to forget.
pub const SWEEP_EVERY: u32 = 8;

/// The batches a view counts for `WINDOW` and `SWEEP_EVERY`: ticks of the input's content (see
/// `Batch::tick`), not reads, so that the same content is finished in the same places whether
/// it came from a file, a pipe or gzip. Batches between two ticks count as one.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ticks {
    count: u32,
    /// The last batch ended at a tick: the next one begins the next.
    pending: bool,
}

impl Ticks {
    /// A batch begins: the tick it belongs to (from 1).
    pub fn begin(&mut self) -> u32 {
        if self.pending || self.count == 0 {
            self.count += 1;
            self.pending = false;
        }
        self.count
    }

    /// The batch ended, at a tick or not; whether it is time to sweep (every `SWEEP_EVERY`
    /// ticks, at the tick).
    pub fn end(&mut self, tick: bool) -> bool {
        self.pending = tick;
        tick && self.count.is_multiple_of(SWEEP_EVERY)
    }

    pub fn count(self) -> u32 {
        self.count
    }
}

/// Where a view that finishes calls stands in the input (the tick its current batch belongs
/// to), and the keys of the calls it finished in this window (`WINDOW` ticks) and the one
/// before: an event of one of those is a straggler, counted rather than taken for a new call.
#[derive(Debug, Default)]
pub struct Window {
    ticks: Ticks,
    tick: u32,
    began: u32,
    finished: [std::collections::HashSet<u64, foldhash::fast::RandomState>; 2],
}

impl Window {
    /// A batch begins: at a new tick, a window after the last, forget the calls finished a
    /// window before. Returns the tick (from 1).
    pub fn begin(&mut self) -> u32 {
        let tick = self.ticks.begin();
        if tick != self.tick {
            self.tick = tick;
            if tick - self.began >= WINDOW {
                self.began = tick;
                self.finished.swap(0, 1);
                self.finished[0].clear();
            }
        }
        tick
    }

    /// The batch ended, at a tick or not; whether it is time to sweep (`Ticks::end`).
    pub fn end(&mut self, tick: bool) -> bool {
        self.ticks.end(tick)
    }

    /// The current batch's tick.
    pub fn tick(&self) -> u32 {
        self.tick
    }

    /// Remember a finished call's key.
    pub fn finish(&mut self, key: u64) {
        self.finished[0].insert(key);
    }

    /// Whether a call with this key was finished lately.
    pub fn finished(&self, key: u64) -> bool {
        self.finished
            .iter()
            .any(|f| !f.is_empty() && f.contains(&key))
    }
}

/// A call id as a 64-bit key, for the views that remember calls compactly.
pub fn call_key(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x0000_6361_6c6c).hash_one(id)
}

/// What tells a call's repeated deliveries: the fingerprints of its events so far, and its
/// events of the last `Twin::WINDOW_MS` that may be logged again in another form (a VoxEngine
/// session log's notation and the scenario's JSON). `summary` counts repeats as duplicates;
/// `events` flags them.
#[derive(Debug, Clone, Default)]
pub struct Dedupe {
    fingerprints: Vec<u64>,
    twins: Vec<(Twin, Millis)>,
}

impl Dedupe {
    /// Whether the event repeats one already seen (by its fingerprint, or as the twin of one
    /// seen in its other form moments ago); remembers it otherwise.
    pub fn repeats(&mut self, e: &Step) -> bool {
        self.repeats_event(e.fingerprint, e.twin, e.time)
    }

    /// `repeats`, given what it reads of the event.
    pub fn repeats_event(
        &mut self,
        fingerprint: Option<u64>,
        twin: Option<Twin>,
        time: Option<Millis>,
    ) -> bool {
        self.is_repeat(fingerprint) || self.is_twin(twin, time)
    }

    /// Whether an event with this fingerprint has been seen (without remembering it).
    pub fn has_seen(&self, fingerprint: Option<u64>) -> bool {
        fingerprint.is_some_and(|fp| self.fingerprints.contains(&fp))
    }

    /// Whether an event with this fingerprint repeats one already seen.
    fn is_repeat(&mut self, fingerprint: Option<u64>) -> bool {
        let Some(fp) = fingerprint else {
            return false;
        };
        if self.fingerprints.contains(&fp) {
            return true;
        }
        self.fingerprints.push(fp);
        false
    }

    /// Whether the event is one already seen in its other form moments ago. Only timed events
    /// can be told so.
    fn is_twin(&mut self, twin: Option<Twin>, time: Option<Millis>) -> bool {
        let (Some(twin), Some(t)) = (twin, time) else {
            return false;
        };
        // JSON comes after its notation twin: without a notation event, nothing to match.
        if !twin.notation && self.twins.is_empty() {
            return false;
        }
        self.twins
            .retain(|(_, at)| t.saturating_sub(*at).abs() <= Twin::WINDOW_MS);
        let found = self
            .twins
            .iter()
            .position(|(seen, _)| seen.key == twin.key && seen.notation != twin.notation);
        match found {
            Some(i) => {
                self.twins.swap_remove(i);
                true
            }
            None => {
                self.twins.push((twin, t));
                false
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct CallState {
    pub call_id: String,
    pub vendor: Vendor,
    pub events: u64,
    pub duplicates: u64,
    first_time: Option<Millis>,
    last_time: Option<Millis>,
    started_time: Option<Millis>,
    /// When the payload says the call was initiated (Xelion `date`, Bandwidth v2 `startTime`).
    initiated: Option<Millis>,
    /// When the payload says the call was answered and ended (Bandwidth v2 `answerTime`,
    /// `endTime`): the vendor's own milestones, which win over when events happened.
    reported_answer: Option<Millis>,
    reported_end: Option<Millis>,
    answered_time: Option<Millis>,
    answered: bool,
    ended_time: Option<Millis>,
    terminal: Option<EventKind>,
    end_reason: Option<String>,
    outcome_hint: Option<Outcome>,
    open_hold: Option<Millis>,
    hold_ms: i64,
    hold_untimed: bool,
    reported_talk: Option<i64>,
    reported_total: Option<i64>,
    participants: Vec<String>,
    dtmf: String,
    parent: Option<String>,
    dedupe: Dedupe,
    latest_flow_time: Option<Millis>,
    flow_after_terminal: u64,
    started_seen: bool,
    answered_before_started_untimed: bool,
}

const MAX_PARTICIPANTS: usize = 32;
const MAX_DTMF: usize = 256;

impl CallState {
    pub fn new(call_id: String, vendor: Vendor) -> CallState {
        CallState {
            call_id,
            vendor,
            events: 0,
            duplicates: 0,
            first_time: None,
            last_time: None,
            started_time: None,
            initiated: None,
            reported_answer: None,
            reported_end: None,
            answered_time: None,
            answered: false,
            ended_time: None,
            terminal: None,
            end_reason: None,
            outcome_hint: None,
            open_hold: None,
            hold_ms: 0,
            hold_untimed: false,
            reported_talk: None,
            reported_total: None,
            participants: Vec::new(),
            dtmf: String::new(),
            parent: None,
            dedupe: Dedupe::default(),
            latest_flow_time: None,
            flow_after_terminal: 0,
            started_seen: false,
            answered_before_started_untimed: false,
        }
    }

    /// Whether this event begins a new call with the same id: a start that says so, not a
    /// repeat, after the call ended (Workonflow's later revisions name a call by its thread,
    /// which holds one call after another).
    pub fn restarts(&self, e: &Step) -> bool {
        e.new_call && self.terminal.is_some() && !self.dedupe.has_seen(e.fingerprint)
    }

    /// Whether a terminal event has ended it.
    pub fn ended(&self) -> bool {
        self.terminal.is_some()
    }

    /// Fold one event into the call. Returns `false` for a repeated delivery.
    pub fn add(&mut self, e: &Event) -> bool {
        self.add_step(&Step::of(e))
    }

    /// Fold what aggregation reads of one event into the call. Returns `false` for a repeated
    /// delivery.
    pub fn add_step(&mut self, e: &Step) -> bool {
        if self.dedupe.repeats(e) {
            self.duplicates += 1;
            return false;
        }
        self.apply(e);
        true
    }

    /// Fold an event known not to be a repeat.
    fn apply(&mut self, e: &Step) {
        self.events += 1;
        let t = e.time;
        if let Some(t) = t {
            self.first_time = Some(self.first_time.map_or(t, |f| f.min(t)));
            self.last_time = Some(self.last_time.map_or(t, |l| l.max(t)));
        }
        if self.initiated.is_none() {
            self.initiated = e.call_started;
        }
        if let Some(t) = e.call_answered {
            self.answered = true;
            self.reported_answer = Some(self.reported_answer.map_or(t, |a| a.min(t)));
        }
        if let Some(t) = e.call_ended {
            self.reported_end = Some(self.reported_end.map_or(t, |x| x.max(t)));
        }
        if self.parent.is_none() {
            self.parent = e.parent.map(str::to_owned);
        }
        if call_flow(e.kind) {
            if let Some(t) = t {
                self.latest_flow_time = Some(self.latest_flow_time.map_or(t, |l| l.max(t)));
            } else if self.terminal.is_some() && e.kind != EventKind::Answered {
                self.flow_after_terminal += 1;
            }
        }
        match e.kind {
            EventKind::Started => {
                // Untimed, order is all there is: a start arriving after an answer is out of
                // order. (A call with an answer and no start at all, such as a transfer's new
                // leg, is not.)
                if self.answered && self.answered_time.is_none() && t.is_none() {
                    self.answered_before_started_untimed = true;
                }
                self.started_seen = true;
                if let Some(t) = t {
                    self.started_time = Some(self.started_time.map_or(t, |s| s.min(t)));
                }
            }
            EventKind::Answered => {
                self.answered = true;
                if let Some(t) = t {
                    self.answered_time = Some(self.answered_time.map_or(t, |a| a.min(t)));
                }
            }
            EventKind::Hold => match t {
                Some(t) => {
                    if self.open_hold.is_none() {
                        self.open_hold = Some(t);
                    }
                }
                None => self.hold_untimed = true,
            },
            EventKind::Unhold => {
                if let (Some(open), Some(t)) = (self.open_hold.take(), t) {
                    self.hold_ms = self.hold_ms.saturating_add(t.saturating_sub(open).max(0));
                }
            }
            EventKind::Dtmf => {
                if let Some(d) = e.digit {
                    if self.dtmf.len() + d.len() <= MAX_DTMF {
                        self.dtmf.push_str(d);
                    }
                }
            }
            k if k.is_terminal() => {
                self.terminal = Some(k);
                if let Some(t) = t {
                    self.ended_time = Some(self.ended_time.map_or(t, |x| x.max(t)));
                }
                if self.outcome_hint.is_none() {
                    self.outcome_hint = e.outcome;
                }
                if let Some(reason) = &e.reason {
                    self.end_reason = Some(reason.as_ref().to_owned());
                } else if self.end_reason.is_none() {
                    self.end_reason = e.name.map(str::to_owned);
                }
            }
            _ => {}
        }
        if e.kind.is_terminal() || e.kind == EventKind::ChannelEnded {
            if let Some(ms) = e.talk_ms {
                self.reported_talk = Some(ms);
            }
            if e.kind.is_terminal() {
                if let Some(ms) = e.duration_ms {
                    self.reported_total = Some(ms);
                }
            }
        }
        for p in e.parties.iter().flatten() {
            if !p.is_empty()
                && self.participants.len() < MAX_PARTICIPANTS
                && !self.participants.iter().any(|x| x == p)
            {
                self.participants.push((*p).to_owned());
            }
        }
    }

    /// When the call started. A vendor that reports the call's milestones (a start with an
    /// answer or an end: Bandwidth v2's `startTime`, `answerTime`, `endTime`) dates the call by
    /// them; otherwise its `started` event does, then a start the payload gives alone (Xelion's
    /// `date`, which has no zone of its own), then its first timed event.
    /// else its first timed event.
    pub fn start(&self) -> Option<Millis> {
        let reported = self.reported_answer.is_some() || self.reported_end.is_some();
        if reported {
            self.initiated.or(self.started_time).or(self.first_time)
        } else {
            self.started_time.or(self.initiated).or(self.first_time)
        }
    }

    /// The time of its earliest timed event.
    pub fn first_time(&self) -> Option<Millis> {
        self.first_time
    }

    /// The call's numbers, derived, leaving the call as it is.
    pub fn finish(&self) -> CallSummary {
        self.clone().into_summary()
    }

    /// The call's numbers, derived from the call's state, which they take the text of.
    pub fn into_summary(self) -> CallSummary {
        let started_at = self.start();
        let answered_at = self.reported_answer.or(self.answered_time);
        let ended_at = self.reported_end.or(self.ended_time);
        let diff = |a: Option<Millis>, b: Option<Millis>| match (a, b) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        // Ring time needs a start before the answer: when the first event seen is the answer
        // itself, the call rang for an unknown time, not none.
        let start_known = self.initiated.is_some()
            || self.started_time.is_some()
            || self
                .first_time
                .zip(answered_at)
                .is_some_and(|(first, answer)| first < answer);
        let ring_ms = diff(started_at, answered_at).filter(|_| start_known);
        let measured_talk = diff(answered_at, ended_at);
        let measured_total = diff(started_at, ended_at);
        let hold_ms = match (self.open_hold, ended_at.or(self.last_time)) {
            (Some(open), Some(end)) => {
                Some(self.hold_ms.saturating_add(end.saturating_sub(open).max(0)))
            }
            _ if self.hold_ms > 0 => Some(self.hold_ms),
            _ if self.hold_untimed || self.open_hold.is_some() => None,
            _ => Some(0),
        };
        let answered = self.answered || self.reported_talk.is_some_and(|t| t > 0);
        // No terminal event: the call is still in progress, answered or not (CLI.md).
        let outcome = if answered && self.terminal.is_some() {
            Outcome::Answered
        } else if let Some(hint) = self.outcome_hint {
            hint
        } else {
            match self.terminal {
                Some(EventKind::Missed) => Outcome::Missed,
                Some(EventKind::Failed) => Outcome::Failed,
                Some(_) => Outcome::NoAnswer,
                None if answered => Outcome::InProgress,
                None if self.events > 0
                    && !self.started_seen
                    && self.first_time.is_none()
                    && self.initiated.is_none() =>
                {
                    Outcome::Unknown
                }
                None => Outcome::InProgress,
            }
        };
        let mut anomalies = Vec::new();
        if self.terminal.is_none() {
            anomalies.push("no terminal event".to_owned());
        }
        let late = match (self.latest_flow_time, ended_at) {
            (Some(l), Some(e)) if l > e => 1,
            _ => 0,
        } + self.flow_after_terminal;
        if late > 0 {
            anomalies.push("events after the end".to_owned());
        }
        if matches!((started_at, answered_at), (Some(s), Some(a)) if a < s)
            || self.answered_before_started_untimed
        {
            anomalies.push("answered before started".to_owned());
        }
        // A reported talk time is compared with the measured talk; a reported duration whose span
        // the document leaves open (Xelion, Voximplant) may match either.
        for (what, reported, candidates) in [
            ("talk", self.reported_talk, [measured_talk, None]),
            (
                "total",
                self.reported_total,
                [measured_talk, measured_total],
            ),
        ] {
            let Some(r) = reported else { continue };
            // An unanswered call reporting no time at all says nothing that could disagree.
            if r == 0 && !answered {
                continue;
            }
            // Reported durations come from the payload and may be absurd (saturated): compare
            // without overflow.
            let near = |m: Option<i64>| m.is_some_and(|m| m.abs_diff(r) <= 1000);
            if candidates.iter().any(Option::is_some) && !candidates.iter().any(|c| near(*c)) {
                anomalies.push(format!(
                    "reported {what} duration {} matches neither the measured talk ({}) nor total ({})",
                    crate::timefmt::human_duration(r),
                    measured_talk.map_or("?".to_owned(), crate::timefmt::human_duration),
                    measured_total.map_or("?".to_owned(), crate::timefmt::human_duration)
                ));
            }
        }
        CallSummary {
            call_id: self.call_id,
            vendor: self.vendor,
            events: self.events,
            first_time: self.first_time,
            last_time: self.last_time,
            started_at,
            answered_at,
            ended_at,
            ring_ms,
            talk_ms: measured_talk.or(if answered_at.is_none() {
                self.reported_talk
            } else {
                None
            }),
            hold_ms,
            total_ms: measured_total.or(if ended_at.is_none() || started_at.is_none() {
                self.reported_total
            } else {
                None
            }),
            reported_talk_ms: self.reported_talk,
            reported_total_ms: self.reported_total,
            outcome,
            end_reason: self.end_reason,
            participants: self.participants,
            dtmf: self.dtmf,
            duplicates: self.duplicates,
            anomalies,
            parent_call_id: self.parent,
        }
    }
}

/// One call's numbers: CLI.md's summary record.
#[derive(Debug, Clone)]
pub struct CallSummary {
    pub call_id: String,
    pub vendor: Vendor,
    pub events: u64,
    pub first_time: Option<Millis>,
    pub last_time: Option<Millis>,
    pub started_at: Option<Millis>,
    pub answered_at: Option<Millis>,
    pub ended_at: Option<Millis>,
    pub ring_ms: Option<i64>,
    pub talk_ms: Option<i64>,
    pub hold_ms: Option<i64>,
    pub total_ms: Option<i64>,
    pub reported_talk_ms: Option<i64>,
    pub reported_total_ms: Option<i64>,
    pub outcome: Outcome,
    pub end_reason: Option<String>,
    pub participants: Vec<String>,
    pub dtmf: String,
    pub duplicates: u64,
    pub anomalies: Vec<String>,
    /// The call this one is a leg of (a transfer's B-leg names its A-leg).
    pub parent_call_id: Option<String>,
}

/// What a call adds to the totals under a summary table: its numbers, without its text.
#[derive(Debug, Clone, Copy)]
pub struct Brief {
    pub outcome: Outcome,
    pub vendor: Vendor,
    pub talk_ms: Option<i64>,
    pub total_ms: Option<i64>,
    /// When it started (else its first timed event) and ended (else its last).
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    /// It has anomalies.
    pub anomalous: bool,
}

/// One value of the summary record, as the record's writers read it.
#[derive(Debug, Clone, Copy)]
pub enum SummaryValue<'a> {
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
        /// The summary record's field names, in order (CLI.md's summary record; the CSV header).
        pub const SUMMARY_HEADER: &[&str] = &[$(stringify!($name)),*];

        impl CallSummary {
            /// Each field's name and value, in the record's order.
            pub fn fields(&self) -> [(&'static str, SummaryValue<'_>); SUMMARY_HEADER.len()] {
                use SummaryValue::*;
                let $s = self;
                [$((stringify!($name), $value)),*]
            }

            /// The summary record as JSON, as `serde_json::to_writer(out, self)` writes it,
            /// about twice as fast: each field written in place (summary writes one per call).
            pub fn write_json(&self, out: &mut Vec<u8>) {
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

impl CallSummary {
    pub fn brief(&self) -> Brief {
        Brief {
            outcome: self.outcome,
            vendor: self.vendor,
            talk_ms: self.talk_ms,
            total_ms: self.total_ms,
            from: self.started_at.or(self.first_time),
            to: self.ended_at.or(self.last_time),
            anomalous: !self.anomalies.is_empty(),
        }
    }
}

/// Which finished calls a view shows: `--outcome`, `--party`, `--since` and `--until` (`--call`
/// is matched apart, by `CallMatcher`, which also tells ambiguous patterns).
#[derive(Debug, Clone, Default)]
pub struct CallSelection {
    pub outcomes: Vec<Outcome>,
    pub parties: Vec<String>,
    /// `--since`, `--until`: calls whose span meets this range.
    pub since: Option<Millis>,
    pub until: Option<Millis>,
}

impl CallSelection {
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
            && self.parties.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether the call's span (from its start, Xelion's `date` included, else its first timed
    /// event, to its end or last timed event) meets `--since`/`--until`; `None` when a range is
    /// given and nothing in the call has a time to place in it.
    pub fn in_time(&self, s: &CallSummary) -> Option<bool> {
        if self.since.is_none() && self.until.is_none() {
            return Some(true);
        }
        let from = s.started_at.or(s.first_time)?;
        let to = s.ended_at.or(s.last_time).unwrap_or(from).max(from);
        Some(self.meets(from, to))
    }

    /// Whether an event's time is within `--since`/`--until` (`events` selects events so);
    /// `None` when a range is given and the event has no time to place in it.
    pub fn event_in_time(&self, t: Option<Millis>) -> Option<bool> {
        if self.since.is_none() && self.until.is_none() {
            return Some(true);
        }
        let t = t?;
        Some(self.meets(t, t))
    }

    fn meets(&self, from: Millis, to: Millis) -> bool {
        !(self.since.is_some_and(|since| to < since) || self.until.is_some_and(|u| from > u))
    }

    /// Whether the call has one of the outcomes asked for, one of the parties, and is in time
    /// (a call that cannot be placed in time is not).
    pub fn keeps(&self, s: &CallSummary) -> bool {
        self.in_time(s) == Some(true)
            && (self.outcomes.is_empty() || self.outcomes.contains(&s.outcome))
            && (self.parties.is_empty()
                || self
                    .parties
                    .iter()
                    .any(|want| s.participants.iter().any(|p| same_party(want, p))))
    }
}

/// Whether two ways of writing a party name the same one: equal in any case, or, for numbers,
/// the same digits (`+1 555-0100` is `15550100`), a national number matching the end of an
/// international one.
pub fn same_party(want: &str, party: &str) -> bool {
    if want.eq_ignore_ascii_case(party) {
        return true;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (w, p) = (digits(want), digits(party));
    let number = |s: &str, d: &str| {
        d.len() >= 7
            && s.chars()
                .all(|c| c.is_ascii_digit() || "+-() .".contains(c))
    };
    number(want, &w) && number(party, &p) && (w == p || p.ends_with(&w) || w.ends_with(&p))
}

/// Whether `--call`'s pattern names this id: a prefix of it in any case, or the shortened form
/// a table shows (`4d5e6f70-…0004`: its start and its end).
pub fn names(pattern: &str, id: &str) -> bool {
    let starts = |head: &str| {
        id.get(..head.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(head))
    };
    match pattern.split_once('…') {
        Some((head, tail)) => {
            id.len() >= head.len() + tail.len()
                && starts(head)
                && id
                    .get(id.len() - tail.len()..)
                    .is_some_and(|end| end.eq_ignore_ascii_case(tail))
        }
        None => starts(pattern),
    }
}

/// Resolves `--call` prefixes against the ids seen: a prefix matching two calls is ambiguous.
#[derive(Debug, Default)]
pub struct CallMatcher {
    prefixes: Vec<(String, Vec<String>)>,
}

impl CallMatcher {
    pub fn new(prefixes: &[String]) -> CallMatcher {
        CallMatcher {
            prefixes: prefixes.iter().map(|p| (p.clone(), Vec::new())).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }

    /// Whether one of the prefixes begins the id (the rule `matches` applies, without
    /// remembering anything, for threads that only select).
    pub fn selects(prefixes: &[String], id: &str) -> bool {
        prefixes.iter().any(|p| names(p, id))
    }

    /// Whether the id is selected; remembers which ids each prefix matched.
    pub fn matches(&mut self, id: &str) -> bool {
        if self.prefixes.is_empty() {
            return true;
        }
        let mut hit = false;
        for (prefix, seen) in &mut self.prefixes {
            if names(prefix, id) {
                hit = true;
                if seen.len() < 8 && !seen.iter().any(|s| s == id) {
                    seen.push(id.to_owned());
                }
            }
        }
        hit
    }

    /// The first prefix that matched more than one call, with its candidates; an exact id is
    /// never ambiguous.
    pub fn ambiguity(&self) -> Option<String> {
        self.prefixes
            .iter()
            .find(|(p, seen)| seen.len() > 1 && !seen.iter().any(|s| s.eq_ignore_ascii_case(p)))
            .map(|(p, seen)| {
                format!(
                    "--call {p:?} is ambiguous: it matches {} (give more of the id)",
                    seen.join(", ")
                )
            })
    }

    /// Prefixes that matched nothing.
    pub fn unmatched(&self) -> Vec<&str> {
        self.prefixes
            .iter()
            .filter(|(_, seen)| seen.is_empty())
            .map(|(p, _)| p.as_str())
            .collect()
    }
}

pub mod shards;
pub mod step;

#[cfg(test)]
mod tests;
