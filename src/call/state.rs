//! A call's state while its events arrive, folded one event at a time into a few numbers (not a
//! list of events, so `summary` grows with calls, not events), and what is derived from it when
//! the call is finished: times, durations, outcome and anomalies (`CallSummary`).

use super::step::Step;
use super::summary_record::CallSummary;
use crate::event::{EventKind, Outcome};
use crate::time::Millis;
use crate::vendor_id::Vendor;

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

#[derive(Debug, Clone)]
pub(crate) struct CallState {
    pub(crate) call_id: String,
    pub(crate) vendor: Vendor,
    pub(crate) events: u64,
    pub(crate) duplicates: u64,
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
    latest_flow_time: Option<Millis>,
    flow_after_terminal: u64,
    started_seen: bool,
    /// A ringing event: the call's beginning was seen, if not its `started` event.
    ringing_seen: bool,
    /// Hold, unhold or DTMF: the call was connected to something, answer seen or not.
    connected: bool,
    /// Damaged records that name the call, and where the first was read.
    damaged: u64,
    first_damaged: Option<String>,
    answered_before_started_untimed: bool,
}

const MAX_PARTICIPANTS: usize = 32;
const MAX_DTMF: usize = 256;

impl CallState {
    pub(crate) fn new(call_id: String, vendor: Vendor) -> CallState {
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
            latest_flow_time: None,
            flow_after_terminal: 0,
            started_seen: false,
            ringing_seen: false,
            connected: false,
            damaged: 0,
            first_damaged: None,
            answered_before_started_untimed: false,
        }
    }

    /// Count a repeated delivery of one of its events (not folded).
    pub(crate) fn repeated(&mut self) {
        self.duplicates += 1;
    }

    /// Fold an event known not to be a repeat.
    pub(crate) fn apply(&mut self, e: &Step) {
        // A damaged record is a note on the call, not one of its events.
        if let Some(at) = e.damaged {
            self.damaged += 1;
            if self.first_damaged.is_none() {
                self.first_damaged = Some(at.to_owned());
            }
            return;
        }
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
        // A member event that says the member answered (Workonflow's `answered: true`).
        if e.answered {
            self.answered = true;
        }
        self.connected |= matches!(
            e.kind,
            EventKind::Hold | EventKind::Unhold | EventKind::Dtmf
        );
        self.ringing_seen |= e.kind == EventKind::Ringing;
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
    pub(crate) fn start(&self) -> Option<Millis> {
        let reported = self.reported_answer.is_some() || self.reported_end.is_some();
        if reported {
            self.initiated.or(self.started_time).or(self.first_time)
        } else {
            self.started_time.or(self.initiated).or(self.first_time)
        }
    }

    /// The time of its earliest timed event.
    pub(crate) fn first_time(&self) -> Option<Millis> {
        self.first_time
    }

    /// The call's numbers, derived, leaving the call as it is.
    pub(crate) fn finish(&self) -> CallSummary {
        self.clone().into_summary()
    }

    /// The call's numbers, derived from the call's state, which they take the text of.
    pub(crate) fn into_summary(self) -> CallSummary {
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
        // A total needs something before the end: a lone terminal event says when the call
        // ended, not how long it lasted.
        let beginning_known = self.initiated.is_some()
            || self.started_time.is_some()
            || self
                .first_time
                .zip(ended_at)
                .is_some_and(|(first, end)| first < end);
        let measured_total = diff(started_at, ended_at).filter(|_| beginning_known);
        let hold_ms = match (self.open_hold, ended_at.or(self.last_time)) {
            (Some(open), Some(end)) => {
                Some(self.hold_ms.saturating_add(end.saturating_sub(open).max(0)))
            }
            _ if self.hold_ms > 0 => Some(self.hold_ms),
            _ if self.hold_untimed || self.open_hold.is_some() => None,
            _ => Some(0),
        };
        let answered = self.answered || self.reported_talk.is_some_and(|t| t > 0);
        // An outcome is stated only as firmly as the events allow; where they do not tell, the
        // call is `unknown`, and its anomalies say why.
        let mut unknown_why = None;
        let outcome = if answered && self.terminal.is_some() {
            Outcome::Answered
        } else if let Some(hint) = self.outcome_hint {
            hint
        } else {
            match self.terminal {
                Some(EventKind::Missed) => Outcome::Missed,
                Some(EventKind::Failed) => Outcome::Failed,
                Some(_) if self.connected => {
                    unknown_why =
                        Some("hold, unhold or DTMF seen but no answer: connected, answer not seen");
                    Outcome::Unknown
                }
                // Its beginning seen, or a talk time of nothing reported: it ended unanswered.
                Some(_)
                    if self.started_seen
                        || self.ringing_seen
                        || self.initiated.is_some()
                        || self.reported_talk == Some(0) =>
                {
                    // A damaged record may have been its answer: more than the events say.
                    if self.damaged > 0 {
                        Outcome::Unknown
                    } else {
                        Outcome::NoAnswer
                    }
                }
                Some(_) => {
                    unknown_why =
                        Some("only its end was seen: nothing says whether it was answered");
                    Outcome::Unknown
                }
                // No terminal event: the call is still in progress, answered or not.
                None if answered => Outcome::InProgress,
                // Nothing timed and no start: nothing says where it stands (a call known only
                // from damaged records too).
                None if !self.started_seen
                    && self.first_time.is_none()
                    && self.initiated.is_none() =>
                {
                    Outcome::Unknown
                }
                None => Outcome::InProgress,
            }
        };
        let mut anomalies = Vec::new();
        anomalies.extend(unknown_why.map(str::to_owned));
        if let Some(first) = &self.first_damaged {
            anomalies.push(match self.damaged {
                1 => format!("a damaged record names this call ({first})"),
                n => format!("{n} damaged records name this call, the first at {first}"),
            });
        }
        let times = [
            self.first_time,
            self.last_time,
            started_at,
            answered_at,
            ended_at,
        ];
        if let (Some(earliest), Some(latest)) =
            (times.iter().flatten().min(), times.iter().flatten().max())
        {
            let span = latest.saturating_sub(*earliest);
            if span > super::summary_record::ABSURD_SPAN_MS {
                anomalies.push(format!(
                    "its times span {} (more than a day: an id used by other calls too, or a damaged date), left out of the durations and the time range",
                    crate::timefmt::human_duration(span)
                ));
            }
        }
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

impl super::lifetime::CallData for CallState {
    fn id(&self) -> &str {
        &self.call_id
    }
}
