//! What tells a call's repeated deliveries: the fingerprints of its events so far (see
//! `Event::delivery_fingerprint`), and its events of the last `Twin::WINDOW_MS` that may be
//! logged again in another form (a VoxEngine session log's notation and the scenario's JSON).
//! `summary` counts repeats as duplicates, `events` flags them, `timeline` dims them.

use std::collections::HashSet;

use crate::event::Twin;
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

    /// Whether an event with this fingerprint repeats one already seen; remembers it.
    fn is_repeat(&mut self, fingerprint: Option<u64>) -> bool {
        let Some(fp) = fingerprint else {
            return false;
        };
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
            assert!(!d.repeats(Some(fp), None, None));
        }
        assert!(d.repeats(Some(3), None, None));
        assert!(d.repeats(Some(9_999), None, None));
        assert!(d.has_seen(Some(17)) && !d.has_seen(Some(10_000)));
        // Without a fingerprint nothing can be told.
        assert!(!d.repeats(None, None, None) && !d.repeats(None, None, None));
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
