//! Per-call aggregation: events folded into a small state per call (`state`), kept open as long
//! as one rule says (`lifetime`), their repeated deliveries told apart (`dedupe`), finished into
//! the summary record (`summary_record`), selected as the flags ask (`select`); `step` is what
//! aggregation reads of an event, and `shards` runs it on several threads for `summary`.

pub mod dedupe;
pub(crate) mod lifetime;
pub mod select;
pub(crate) mod shards;
pub mod state;
pub mod step;
pub mod summary_record;

pub use dedupe::Dedupe;
pub use lifetime::call_key;
pub use select::{names, same_party, CallMatcher, CallSelection};
pub use state::CallState;
pub use summary_record::{Brief, CallSummary, SummaryValue, SUMMARY_HEADER};

use crate::event::Event;
use crate::vendor_id::Vendor;
use step::Step;

/// One call folded on its own, outside any view's lifetime (tests, the fuzz target,
/// embedding): its state, and what tells its repeated deliveries.
#[derive(Debug, Clone)]
pub struct Call {
    dedupe: Dedupe,
    pub state: CallState,
}

impl Call {
    pub fn new(id: String, vendor: Vendor) -> Call {
        Call {
            dedupe: Dedupe::default(),
            state: CallState::new(id, vendor),
        }
    }

    /// Fold one event into the call. Returns `false` for a repeated delivery.
    pub fn add(&mut self, e: &Event) -> bool {
        self.add_step(&Step::of(e))
    }

    /// Fold what aggregation reads of one event. Returns `false` for a repeated delivery.
    pub fn add_step(&mut self, e: &Step) -> bool {
        if self.dedupe.repeats(e.fingerprint, e.twin, e.time) {
            self.state.repeated();
            return false;
        }
        self.state.apply(e);
        true
    }

    /// The call's numbers, derived.
    pub fn finish(&self) -> CallSummary {
        self.state.finish()
    }
}

#[cfg(test)]
mod tests;
