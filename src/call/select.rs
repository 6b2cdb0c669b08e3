//! Which calls a view shows: `--outcome`, `--party`, `--since` and `--until` (`CallSelection`),
//! and `--call` (`CallMatcher`), which resolves prefixes and shortened ids against the ids seen
//! and tells an ambiguous one.

use super::summary_record::CallSummary;
use crate::event::Outcome;
use crate::time::Millis;

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
