//! What the views say on stderr beside their output: records not read as events, `--call`
//! prefixes that matched nothing, events that belong to no call.

use crate::call::CallMatcher;
use crate::output::{safe, thousands};
use crate::record::Tally;

/// Say on stderr which `--call` prefixes matched nothing and how many events had no call id.
pub fn note_calls(matcher: &CallMatcher, without_id: u64) {
    for p in matcher.unmatched() {
        eprintln!("callev: --call {p:?} matched no call");
    }
    if without_id > 0 {
        eprintln!(
            "callev: {} events carry no call id and belong to no call",
            thousands(without_id)
        );
    }
}

/// Say on stderr what was not read as events, and where to look.
pub fn note_unread(tally: &Tally) {
    let skipped = tally.unparseable + tally.unknown;
    if skipped == 0 {
        return;
    }
    let mut parts = Vec::new();
    if tally.unparseable > 0 {
        parts.push(format!("{} unparseable", thousands(tally.unparseable)));
    }
    if tally.unknown > 0 {
        parts.push(format!("{} of no known vendor", thousands(tally.unknown)));
    }
    let first = tally
        .first_problem
        .as_deref()
        .map(|p| format!(", the first at {}", safe(p)))
        .unwrap_or_default();
    eprintln!(
        "callev: {} of {} records skipped: {}{first}; `callev validate` shows why",
        thousands(skipped),
        thousands(tally.records),
        parts.join(", ")
    );
}
