//! Per-call aggregation: events folded into a small state per call (`state`), kept open as long
//! as one rule says (`lifetime`), their repeated deliveries told apart (`dedupe`), finished into
//! the summary record (`summary_record`), selected as the flags ask (`select`), sorted and
//! grouped (`order`); `step` is what aggregation reads of an event, and `shards` runs it on
//! several threads for `summary`.

pub(crate) mod alias;
pub(crate) mod dedupe;
pub(crate) mod lifetime;
pub(crate) mod order;
pub(crate) mod select;
pub(crate) mod shards;
pub(crate) mod state;
pub(crate) mod step;
pub(crate) mod summary_record;

pub(crate) use dedupe::Dedupe;
pub(crate) use select::{CallMatcher, CallSelection};
pub(crate) use state::CallState;
pub(crate) use summary_record::{Brief, CallSummary, SummaryValue, SUMMARY_HEADER};

use crate::event::Event;
use crate::vendor_id::Vendor;
use step::Step;

/// One call folded on its own, outside any view's lifetime (tests, the fuzz target,
/// embedding): its state, and what tells its repeated deliveries.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    dedupe: Dedupe,
    pub(crate) state: CallState,
}

impl Call {
    pub(crate) fn new(id: String, vendor: Vendor) -> Call {
        Call {
            dedupe: Dedupe::default(),
            state: CallState::new(id, vendor),
        }
    }

    /// Fold one event into the call. Returns `false` for a repeated delivery.
    pub(crate) fn add(&mut self, e: &Event) -> bool {
        self.add_step(&Step::of(e))
    }

    /// Fold what aggregation reads of one event. Returns `false` for a repeated delivery.
    pub(crate) fn add_step(&mut self, e: &Step) -> bool {
        if self.dedupe.repeats(e.fingerprint, e.twin, e.time) {
            self.state.repeated();
            return false;
        }
        self.state.apply(e);
        true
    }

    /// The call's numbers, derived.
    pub(crate) fn finish(&self) -> CallSummary {
        self.state.finish()
    }
}

#[cfg(test)]
mod tests;

/// A call id as a 64-bit key, for the views that remember calls compactly (one hash for every
/// view, the lifetime, aliases and the shards alike).
pub(crate) fn call_key(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x0000_6361_6c6c).hash_one(id)
}
