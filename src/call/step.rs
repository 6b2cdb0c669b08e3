//! What per-call aggregation reads of an event (`Step`), and how a batch's events travel to the
//! aggregating threads without heap parts of their own (`Pack`). The details read are the ones
//! `formats::AGGREGATED_DETAILS` documents.

use std::borrow::Cow;

use super::call_key;
use crate::event::{Detail, Event, EventKind, Outcome, Twin};
use crate::time::Millis;
use crate::vendor_id::Vendor;

/// The names of the details that say who took part in a call, in the order a call lists them.
const PARTY_KEYS: [&str; 6] = ["participant", "caller", "callee", "from", "to", "phone"];

/// What per-call aggregation reads of an event, borrowed: from an `Event`, or from a `Pack` that
/// holds it without heap parts of its own.
#[derive(Debug, Clone)]
pub(crate) struct Step<'a> {
    pub(crate) kind: EventKind,
    pub(crate) time: Option<Millis>,
    pub(crate) call_started: Option<Millis>,
    pub(crate) call_answered: Option<Millis>,
    pub(crate) call_ended: Option<Millis>,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) fingerprint: Option<u64>,
    pub(crate) twin: Option<Twin>,
    pub(crate) new_call: bool,
    /// The key pressed (DTMF).
    pub(crate) digit: Option<&'a str>,
    /// What a terminal event gives as the reason the call ended (`486 Busy Here`).
    pub(crate) reason: Option<Cow<'a, str>>,
    /// The vendor's name of a terminal event, for an end reason when it gives none.
    pub(crate) name: Option<&'a str>,
    pub(crate) talk_ms: Option<i64>,
    pub(crate) duration_ms: Option<i64>,
    /// `PARTY_KEYS`' values, when given as text.
    pub(crate) parties: [Option<&'a str>; 6],
    /// The call this one is a leg of (a transfer's B-leg names its A-leg).
    pub(crate) parent: Option<&'a str>,
    /// The event says a party answered (Workonflow's `answered: true` on a member event).
    pub(crate) answered: bool,
    /// Not an event: a damaged record that names the call, read here (`source:line`).
    pub(crate) damaged: Option<&'a str>,
    /// Other ids the call goes by: the thread and the stream it happened in (see `alias`).
    pub(crate) aliases: [Option<&'a str>; 2],
}

impl<'a> Step<'a> {
    /// Whether `of` reads this detail: `summary` stores no others on the workers.
    pub(crate) fn reads(key: &str) -> bool {
        matches!(
            key,
            "digit"
                | "cause"
                | "reason"
                | "code"
                | "talk_ms"
                | "duration_ms"
                | "parent_call"
                | "answered"
                | "damaged"
                | "thread"
                | "stream"
        ) || PARTY_KEYS.contains(&key)
    }

    pub(crate) fn of(e: &'a Event) -> Step<'a> {
        Step::with_cause(e).0
    }

    /// The step, and the event's `cause` (else its `reason`) as text and its `code` as a number,
    /// as `Details::get` finds them: what an events record says beside the end reason, found in
    /// the same pass.
    pub(crate) fn with_cause(e: &'a Event) -> (Step<'a>, Option<&'a str>, Option<i64>) {
        // One pass over the details, the first of each key counting (as `Details::get` finds).
        let mut step = Step {
            kind: e.kind,
            time: e.time,
            call_started: e.call_started,
            call_answered: e.call_answered,
            call_ended: e.call_ended,
            outcome: e.outcome,
            fingerprint: e.fingerprint,
            twin: e.twin,
            new_call: e.new_call,
            digit: None,
            reason: None,
            name: None,
            talk_ms: None,
            duration_ms: None,
            parties: [None; 6],
            parent: None,
            answered: false,
            damaged: None,
            aliases: [None; 2],
        };
        let (mut cause, mut why, mut code) = (None, None, None);
        let first = |slot: &mut Option<&'a Detail>, v: &'a Detail| {
            slot.get_or_insert(v);
        };
        let (mut digit, mut talk, mut duration) = (None, None, None);
        let mut parties: [Option<&'a Detail>; 6] = [None; 6];
        for (key, value) in e.details.iter() {
            match *key {
                "digit" => first(&mut digit, value),
                "cause" => first(&mut cause, value),
                "reason" => first(&mut why, value),
                "code" => first(&mut code, value),
                "talk_ms" => first(&mut talk, value),
                "duration_ms" => first(&mut duration, value),
                "parent_call" => {
                    step.parent = step.parent.or(value.as_str());
                }
                "answered" => step.answered |= *value == Detail::Bool(true),
                "damaged" => step.damaged = step.damaged.or(value.as_str()),
                "thread" => step.aliases[0] = step.aliases[0].or(value.as_str()),
                "stream" => step.aliases[1] = step.aliases[1].or(value.as_str()),
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
            // An empty cause or reason says nothing.
            let given = |d: &&Detail| d.as_str() != Some("");
            let text = |d: &'a Detail| match d {
                Detail::Str(s) => Cow::Borrowed(s.as_str()),
                d => Cow::Owned(d.display()),
            };
            // A cause (a switch's or a standard one) is the end reason alone, so calls of every
            // vendor group by the same reasons; else the vendor's code with its reason text.
            step.reason = match (
                cause.filter(given),
                why.filter(given),
                code.and_then(Detail::as_i64),
            ) {
                (Some(c), _, _) => Some(text(c)),
                (None, Some(r), Some(c)) => Some(Cow::Owned(format!("{c} {}", text(r)))),
                (None, Some(r), None) => Some(text(r)),
                (None, None, Some(c)) => Some(Cow::Owned(c.to_string())),
                (None, None, None) => None,
            };
        }
        let said = cause
            .and_then(Detail::as_str)
            .or_else(|| why.and_then(Detail::as_str));
        (step, said, code.and_then(Detail::as_i64))
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

/// The flags of a `Packed`.
const FINGERPRINT: u8 = 1;
const TWIN: u8 = 2;
const TWIN_NOTATION: u8 = 4;
const NEW_CALL: u8 = 8;
const ANSWERED: u8 = 16;

/// Optional numbers as values and a bit each for whether they are given.
fn packed(numbers: [Option<i64>; 6]) -> ([i64; 6], u8) {
    let present = numbers
        .iter()
        .enumerate()
        .fold(0u8, |bits, (i, n)| bits | (u8::from(n.is_some()) << i));
    (numbers.map(Option::unwrap_or_default), present)
}

fn unpacked(numbers: [i64; 6], present: u8) -> [Option<i64>; 6] {
    let mut i = 0;
    numbers.map(|n| {
        let given = present & (1 << i) != 0;
        i += 1;
        given.then_some(n)
    })
}

/// An event as a `Pack` holds it: what aggregation reads, its texts in the pack's buffer.
#[derive(Debug, Clone)]
pub(crate) struct Packed {
    /// Where the event stands in its batch.
    pub(crate) index: u32,
    /// Its call id's `call_key`.
    pub(crate) key: u64,
    pub(crate) vendor: Vendor,
    /// Whether the event passes the event and time filters.
    pub(crate) selected: bool,
    kind: EventKind,
    outcome: Option<Outcome>,
    /// `FINGERPRINT`, `TWIN`, `TWIN_NOTATION`, `NEW_CALL`, `ANSWERED`: which of the keys below
    /// are given, and the flags of the event.
    flags: u8,
    /// The event's time, the call's start, answer and end, its talk and duration, each given
    /// when its bit of `present` is set (a pack crosses threads once per event: kept small).
    numbers: [i64; 6],
    present: u8,
    fingerprint: u64,
    twin: u64,
    id: Span,
    digit: Span,
    parent: Span,
    damaged: Span,
    aliases: [Span; 2],
    reason: Span,
    name: Span,
    parties: [Span; 6],
}

/// Events of one batch bound for per-call aggregation, in input order, with no heap parts of
/// their own: made on the workers (where the events are), read on the aggregating threads, so
/// no event's allocations are made on one thread and freed on another.
#[derive(Debug, Default)]
pub(crate) struct Pack {
    events: Vec<Packed>,
    text: String,
    /// Events whose call goes by other ids too (see `alias`).
    aliased: u32,
}

impl Pack {
    /// Empty it, keeping its room.
    pub(crate) fn clear(&mut self) {
        self.events.clear();
        self.text.clear();
        self.aliased = 0;
    }

    /// Room for `events` more events (and their texts, about a line's worth each) without
    /// growing while they are pushed.
    pub(crate) fn reserve(&mut self, events: usize) {
        self.events.reserve(events);
        self.text.reserve(events * 96);
    }

    /// Add an event that has a call id (others belong to no call and are not packed).
    pub(crate) fn push(&mut self, index: u32, key: u64, selected: bool, e: &Event) {
        self.push_step(index, key, selected, e, &Step::of(e));
    }

    /// `push`, with what aggregation reads of the event worked out already.
    pub(crate) fn push_step(
        &mut self,
        index: u32,
        key: u64,
        selected: bool,
        e: &Event,
        step: &Step,
    ) {
        let Some(id) = e.call_id.as_deref() else {
            return;
        };
        let packed = self.packed(index, key, e.vendor, selected, id, step);
        self.events.push(packed);
    }

    /// An event as packed, its texts put in the pack's buffer.
    fn packed(
        &mut self,
        index: u32,
        key: u64,
        vendor: Vendor,
        selected: bool,
        id: &str,
        step: &Step,
    ) -> Packed {
        self.aliased += u32::from(step.aliases != [None; 2]);
        let id = self.put(Some(id));
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let flags = flag(step.fingerprint.is_some(), FINGERPRINT)
            | flag(step.twin.is_some(), TWIN)
            | flag(step.twin.is_some_and(|t| t.notation), TWIN_NOTATION)
            | flag(step.new_call, NEW_CALL)
            | flag(step.answered, ANSWERED);
        let (numbers, present) = packed([
            step.time,
            step.call_started,
            step.call_answered,
            step.call_ended,
            step.talk_ms,
            step.duration_ms,
        ]);
        Packed {
            index,
            key,
            vendor,
            selected,
            kind: step.kind,
            outcome: step.outcome,
            flags,
            numbers,
            present,
            fingerprint: step.fingerprint.unwrap_or_default(),
            twin: step.twin.map_or(0, |t| t.key),
            id,
            digit: self.put(step.digit),
            parent: self.put(step.parent),
            damaged: self.put(step.damaged),
            aliases: step.aliases.map(|a| self.put(a)),
            reason: self.put(step.reason.as_deref()),
            name: self.put(step.name),
            parties: step.parties.map(|p| self.put(p)),
        }
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

    /// Whether some of its events' calls go by other ids too (see `alias`).
    pub(crate) fn aliased(&self) -> bool {
        self.aliased > 0
    }

    /// Where those events are: their places in the batch, and in the pack.
    pub(crate) fn aliased_at(&self) -> Vec<(u32, usize)> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, p)| p.aliases.iter().any(|s| s.start != u32::MAX))
            .map(|(pos, p)| (p.index, pos))
            .collect()
    }

    /// The event at `pos`, with its call id and what aggregation reads of it.
    pub(crate) fn at(&self, pos: usize) -> Option<(&Packed, &str, Step<'_>)> {
        self.events.get(pos).map(|p| self.unpack(p))
    }

    /// Take the event at `pos` out.
    pub(crate) fn remove(&mut self, pos: usize) {
        self.events.remove(pos);
    }

    /// Put the one event of `other` in place of the event at `pos`.
    pub(crate) fn replace(&mut self, pos: usize, other: Pack) {
        let Some(mut p) = other.events.into_iter().next() else {
            return;
        };
        let shift = self.text.len() as u32;
        self.text.push_str(&other.text);
        let spans = [
            &mut p.id,
            &mut p.digit,
            &mut p.parent,
            &mut p.damaged,
            &mut p.reason,
            &mut p.name,
        ];
        for span in spans
            .into_iter()
            .chain(p.parties.iter_mut())
            .chain(p.aliases.iter_mut())
        {
            if span.start != u32::MAX {
                span.start += shift;
            }
        }
        if let Some(slot) = self.events.get_mut(pos) {
            *slot = p;
        }
    }

    /// Put an event in under another call id, at its place in input order.
    pub(crate) fn insert_renamed(&mut self, p: &Packed, id: &str, step: &Step) {
        let packed = self.packed(p.index, call_key(id), p.vendor, p.selected, id, step);
        let at = self.events.partition_point(|e| e.index < p.index);
        self.events.insert(at, packed);
    }

    /// Each event with its call id and what aggregation reads of it.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Packed, &str, Step<'_>)> {
        self.events.iter().map(|p| self.unpack(p))
    }

    /// An event with its call id and what aggregation reads of it.
    fn unpack<'p>(&'p self, p: &'p Packed) -> (&'p Packed, &'p str, Step<'p>) {
        let [time, call_started, call_answered, call_ended, talk_ms, duration_ms] =
            unpacked(p.numbers, p.present);
        let step = Step {
            kind: p.kind,
            time,
            call_started,
            call_answered,
            call_ended,
            outcome: p.outcome,
            fingerprint: (p.flags & FINGERPRINT != 0).then_some(p.fingerprint),
            twin: (p.flags & TWIN != 0).then_some(Twin {
                key: p.twin,
                notation: p.flags & TWIN_NOTATION != 0,
            }),
            new_call: p.flags & NEW_CALL != 0,
            answered: p.flags & ANSWERED != 0,
            digit: self.get(p.digit),
            parent: self.get(p.parent),
            damaged: self.get(p.damaged),
            aliases: p.aliases.map(|s| self.get(s)),
            reason: self.get(p.reason).map(Cow::Borrowed),
            name: self.get(p.name),
            talk_ms,
            duration_ms,
            parties: p.parties.map(|s| self.get(s)),
        };
        (p, self.get(p.id).unwrap_or_default(), step)
    }
}
