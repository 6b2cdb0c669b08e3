//! What the views say on stderr beside their output: records not read as events, `--call`
//! prefixes that matched nothing, events that belong to no call.

use crate::call::CallMatcher;
use crate::output::{safe, thousands};
use crate::record::Tally;

/// Events that belong to no call (nothing in them says which), counted with the first's place.
#[derive(Debug, Default)]
pub(crate) struct NoCall {
    count: u64,
    first: Option<String>,
}

impl NoCall {
    pub(crate) fn add(&mut self, source: &str, line: u64) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(format!("{source}:{line}"));
        }
    }
}

/// A time filter that selected nothing says what the input held: `--since 2026-11-21
/// 12:00:00.000 +00:00 matched no call; the input's events run from ... to ...`.
pub(crate) fn note_no_match(
    select: &crate::call::CallSelection,
    shown: u64,
    what: &str,
    tally: &Tally,
    zone: crate::timefmt::Zone,
) {
    if shown > 0 || (select.since.is_none() && select.until.is_none()) || tally.interrupted {
        return;
    }
    let mut flags = Vec::new();
    if let Some(t) = select.since {
        flags.push(format!("--since {}", zone.format(t)));
    }
    if let Some(t) = select.until {
        flags.push(format!("--until {}", zone.format(t)));
    }
    let held = match tally.times {
        Some((a, b)) => format!(
            "the input's events run from {} to {}",
            zone.format(a),
            zone.format(b)
        ),
        None => "the input has no event with a time".to_owned(),
    };
    crate::output::say(&format!("{} matched no {what}; {held}", flags.join(" ")));
}

/// Say on stderr which `--call` prefixes matched nothing and which events had no call id.
pub(crate) fn note_calls(matcher: &CallMatcher, no_call: &NoCall) {
    for p in matcher.unmatched() {
        crate::output::say(&format!("--call {p:?} matched no call"));
    }
    if no_call.count > 0 {
        let first = no_call.first.as_deref().map(safe).unwrap_or_default();
        crate::output::say(&format!(
            "{} {} no call id and {} to no call; the first at {first}",
            thousands(no_call.count),
            if no_call.count == 1 {
                "event carries"
            } else {
                "events carry"
            },
            if no_call.count == 1 {
                "belongs"
            } else {
                "belong"
            },
        ));
    }
}

/// What was read beside the records, `2 text lines and 3 other JSON values`, if anything.
pub(crate) fn beside(tally: &Tally) -> Option<String> {
    let count = |n: u64, one: &str, many: &str| {
        (n > 0).then(|| format!("{} {}", thousands(n), if n == 1 { one } else { many }))
    };
    let parts: Vec<String> = [
        count(tally.text_lines, "text line", "text lines"),
        count(tally.other_json, "other JSON value", "other JSON values"),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// Say on stderr what was read beside the records: a log's text lines and its JSON that is no
/// call event. Neither is damage.
pub(crate) fn note_beside(tally: &Tally) {
    if tally.excluded > 0 {
        crate::output::say(&format!(
            "{} of other vendors left out (--vendor)",
            if tally.excluded == 1 {
                "1 record".to_owned()
            } else {
                format!("{} records", thousands(tally.excluded))
            }
        ));
    }
    let Some(what) = beside(tally) else { return };
    let first = tally
        .first_other
        .as_deref()
        .map(|p| format!(" (the first other JSON at {})", safe(p)))
        .unwrap_or_default();
    crate::output::say(&format!(
        "beside the records, {what}: not call events{first}"
    ));
}

/// Say on stderr how many calls or events `--since`/`--until` could not place in time.
pub(crate) fn note_unplaced(what: &str, count: u64) {
    if count > 0 {
        crate::output::say(&format!(
            "{} {what} no time and cannot be placed in --since/--until; left out",
            thousands(count)
        ));
    }
}

/// Say on stderr what was not read as events, and where to look.
pub(crate) fn note_unread(tally: &Tally) {
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
    crate::output::say(&format!(
        "{} of {} records skipped: {}{first}; `callev validate` shows why",
        thousands(skipped),
        thousands(tally.records),
        parts.join(", ")
    ));
}

/// Events that came after their call was finished: repeats of what it had (the same input read
/// twice), and others (`verb`: what they are not, "counted in" its summary).
pub(crate) fn note_late(late: crate::call::lifetime::Late, verb: &str) {
    if late.replayed > 0 {
        let one = late.replayed == 1;
        crate::output::say(&format!("{} {} already finished (the same input read twice? overlapping logs?) and {} not {verb} {} again",
            thousands(late.replayed),
            if one {
                "event repeats an event of a call"
            } else {
                "events repeat events of calls"
            },
            if one { "is" } else { "are" },
            if one { "it" } else { "them" },
        ));
    }
    if late.given_up > 0 {
        let one = late.given_up == 1;
        crate::output::say(&format!(
            "{} {} no end and nothing more for over a day of the input's time: {} as {} stood \
             (no end seen), not held open to the end",
            thousands(late.given_up),
            if one { "call had" } else { "calls had" },
            if one {
                "it is given up and written"
            } else {
                "they are given up and written"
            },
            if one { "it" } else { "they" },
        ));
    }
    let other = late.events - late.replayed;
    if other > 0 {
        crate::output::say(&format!(
            "{} {} long after {} call ended and {} not {verb} it",
            thousands(other),
            if other == 1 {
                "event arrived"
            } else {
                "events arrived"
            },
            if other == 1 { "its" } else { "their" },
            if other == 1 { "is" } else { "are" },
        ));
    }
}
