//! What tells a call's repeated deliveries: the fingerprints of its events so far (see
//! `Event::delivery_fingerprint`; an untimed event's with its place among the call's events of
//! that content, counted again from where a copy of the call begins, its first event again),
//! and its events of the last `Twin::WINDOW_MS` that may be logged again in another form (a
//! VoxEngine session log's notation and the scenario's JSON).
//! `summary` counts repeats as duplicates, `events` flags them, `timeline` dims them.

use std::collections::{HashMap, HashSet};

use crate::event::{Twin, COUNTED};
use crate::time::Millis;

/// Fingerprints kept in a short list before a set: most calls have a handful of events, and a
/// call's millions (a soak test, a stuck loop) must not cost a scan each.
const LISTED: usize = 16;

#[derive(Debug, Clone, Default)]
pub(crate) struct Dedupe {
    listed: Vec<u64>,
    /// Boxed: most calls never need one, and every open call carries this field.
    #[allow(clippy::box_collection)]
    set: Option<Box<HashSet<u64, foldhash::fast::RandomState>>>,
    twins: Vec<(Twin, Millis)>,
    /// The fingerprint of the call's first event: when it comes again, a copy of the call
    /// begins, and untimed events are counted from their first again.
    first: Option<u64>,
    /// How many of each untimed content the call has had (since its copy began).
    #[allow(clippy::box_collection)]
    counts: Option<Box<HashMap<u64, u32, foldhash::fast::RandomState>>>,
}

impl Dedupe {
    /// Whether the event repeats one already seen (by its fingerprint, or as the twin of one
    /// seen in its other form moments ago); remembers it otherwise.
    pub(crate) fn repeats(
        &mut self,
        fingerprint: Option<u64>,
        twin: Option<Twin>,
        time: Option<Millis>,
    ) -> bool {
        self.is_repeat(fingerprint) || self.is_twin(twin, time)
    }

    /// Whether an event with this fingerprint has been seen (without remembering it).
    pub(crate) fn has_seen(&self, fingerprint: Option<u64>) -> bool {
        let Some(fp) = fingerprint else {
            return false;
        };
        match &self.set {
            Some(set) => set.contains(&fp),
            None => self.listed.contains(&fp),
        }
    }

    /// Every fingerprint seen.
    pub(crate) fn fingerprints(&self) -> impl Iterator<Item = u64> + '_ {
        self.listed
            .iter()
            .chain(self.set.iter().flat_map(|set| set.iter()))
            .copied()
    }

    /// The fingerprint an untimed event has at its `place` among its call's events of the same
    /// content (from 1); any other fingerprint as it is.
    pub(crate) fn placed(fingerprint: u64, place: u32) -> u64 {
        if fingerprint & COUNTED == 0 {
            return fingerprint;
        }
        (fingerprint ^ u64::from(place).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | COUNTED
    }

    /// Whether an event with this fingerprint repeats one already seen; remembers it.
    fn is_repeat(&mut self, fingerprint: Option<u64>) -> bool {
        let Some(mut fp) = fingerprint else {
            return false;
        };
        match self.first {
            None => self.first = Some(fp),
            // A copy of the call begins: its untimed events are counted from the first again.
            Some(first) if first == fp => {
                if let Some(counts) = &mut self.counts {
                    counts.clear();
                }
            }
            Some(_) => {}
        }
        if fp & COUNTED != 0 {
            let counts = self.counts.get_or_insert_with(Default::default);
            let place = counts.entry(fp).or_insert(0);
            *place += 1;
            fp = Self::placed(fp, *place);
        }
        if let Some(set) = &mut self.set {
            return !set.insert(fp);
        }
        if self.listed.contains(&fp) {
            return true;
        }
        if self.listed.len() < LISTED {
            self.listed.push(fp);
        } else {
            let mut set: HashSet<u64, _> = self.listed.drain(..).collect();
            set.insert(fp);
            self.listed = Vec::new();
            self.set = Some(Box::new(set));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_seen_once_repeats_however_many_came_between() {
        let mut d = Dedupe::default();
        for fp in 0..10_000 {
            assert!(!d.repeats(Some(fp * 2), None, None));
        }
        assert!(d.repeats(Some(6), None, None));
        assert!(d.repeats(Some(19_998), None, None));
        assert!(d.has_seen(Some(34)) && !d.has_seen(Some(20_000)));
        // Without a fingerprint nothing can be told.
        assert!(!d.repeats(None, None, None) && !d.repeats(None, None, None));
    }

    #[test]
    fn untimed_events_are_told_by_their_place_and_a_copy_counts_from_its_start() {
        let (start, five, hold) = (10, 21 | COUNTED, 31 | COUNTED);
        let call = [start, five, hold, five];
        let mut d = Dedupe::default();
        // Two presses of 5 in one call are two events.
        assert_eq!(call.map(|fp| d.repeats(Some(fp), None, None)), [false; 4]);
        // The same call delivered again: its start, then the same presses, all repeats.
        assert_eq!(call.map(|fp| d.repeats(Some(fp), None, None)), [true; 4]);
        // A third press after that is new.
        assert!(!d.repeats(Some(five), None, None));
        // A call first seen from a copy's start knows its first press by its place.
        let mut fresh = Dedupe::default();
        assert!(!fresh.repeats(Some(five), None, None));
        assert!(d.has_seen(Some(Dedupe::placed(five, 1))));
    }

    #[test]
    fn a_twin_in_the_other_form_within_a_second_is_a_repeat() {
        let mut d = Dedupe::default();
        let notation = Twin {
            key: 7,
            notation: true,
        };
        let json = Twin {
            key: 7,
            notation: false,
        };
        assert!(!d.repeats(None, Some(notation), Some(1_000)));
        assert!(d.repeats(None, Some(json), Some(1_400)));
        // Too far apart: two events.
        assert!(!d.repeats(None, Some(notation), Some(5_000)));
        assert!(!d.repeats(None, Some(json), Some(6_500)));
    }
}
