//! Which calls a view shows: `--outcome`, `--party`, `--since` and `--until` (`CallSelection`),
//! and `--call` (`CallMatcher`), which resolves prefixes and shortened ids against the ids seen
//! and tells an ambiguous one.

use super::summary_record::CallSummary;
use crate::event::Outcome;
use crate::time::Millis;

/// Which finished calls a view shows: `--outcome`, `--party`, `--since` and `--until` (`--call`
/// is matched apart, by `CallMatcher`, which also tells ambiguous patterns).
#[derive(Debug, Clone, Default)]
pub(crate) struct CallSelection {
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) parties: Vec<String>,
    /// `--since`, `--until`: calls whose span meets this range.
    pub(crate) since: Option<Millis>,
    pub(crate) until: Option<Millis>,
}

impl CallSelection {
    pub(crate) fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
            && self.parties.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether the call's span (from its start, Xelion's `date` included, else its first timed
    /// event, to its end or last timed event) meets `--since`/`--until`; `None` when a range is
    /// given and nothing in the call has a time to place in it.
    pub(crate) fn in_time(&self, s: &CallSummary) -> Option<bool> {
        if self.since.is_none() && self.until.is_none() {
            return Some(true);
        }
        let from = s.started_at.or(s.first_time)?;
        let to = s.ended_at.or(s.last_time).unwrap_or(from).max(from);
        Some(self.meets(from, to))
    }

    /// Whether an event's time is within `--since`/`--until` (`events` selects events so);
    /// `None` when a range is given and the event has no time to place in it.
    pub(crate) fn event_in_time(&self, t: Option<Millis>) -> Option<bool> {
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
    pub(crate) fn keeps(&self, s: &CallSummary) -> bool {
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
pub(crate) fn same_party(want: &str, party: &str) -> bool {
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
/// a table shows (`4d5e6f70-…0004`, or typed with three dots: `4d5e6f70-...0004`: its start and
/// its end).
pub(crate) fn names(pattern: &str, id: &str) -> bool {
    let starts = |head: &str| {
        id.get(..head.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(head))
    };
    match pattern
        .split_once('…')
        .or_else(|| pattern.split_once("..."))
    {
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

/// How many of the ids a pattern matched are named in the error.
const NAMED: usize = 4;

/// Ids counted beyond those named, at most: an ambiguous pattern stops the run anyway.
const COUNTED: usize = 10_000;

/// One `--call` pattern, and what it matched: the first few ids, and how many in all.
#[derive(Debug)]
struct Pattern {
    text: String,
    seen: Vec<String>,
    /// Hashes of the ids matched beyond those named.
    others: std::collections::HashSet<u64>,
    count: u64,
    /// It matched an id exactly (an exact id is never ambiguous).
    exact: bool,
}

/// Resolves `--call` patterns against the ids seen: a pattern matching two calls is ambiguous.
#[derive(Debug, Default)]
pub(crate) struct CallMatcher {
    patterns: Vec<Pattern>,
}

impl CallMatcher {
    pub(crate) fn new(patterns: &[String]) -> CallMatcher {
        CallMatcher {
            patterns: patterns
                .iter()
                .map(|p| Pattern {
                    text: p.clone(),
                    seen: Vec::new(),
                    others: Default::default(),
                    count: 0,
                    exact: false,
                })
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether one of the patterns names the id (the rule `matches` applies, without
    /// remembering anything, for threads that only select).
    pub(crate) fn selects(patterns: &[String], id: &str) -> bool {
        patterns.iter().any(|p| names(p, id))
    }

    /// Whether the id is selected; remembers which ids each pattern matched. Give each call's
    /// id once, or as often as its events: an id already seen is not counted again.
    pub(crate) fn matches(&mut self, id: &str) -> bool {
        if self.patterns.is_empty() {
            return true;
        }
        let mut hit = false;
        for p in &mut self.patterns {
            if !names(&p.text, id) {
                continue;
            }
            hit = true;
            p.exact |= p.text.eq_ignore_ascii_case(id);
            if p.seen.iter().any(|s| s == id) {
                continue;
            }
            if p.seen.len() < NAMED {
                p.seen.push(id.to_owned());
                p.count += 1;
            } else if p.others.len() < COUNTED && p.others.insert(super::call_key(id)) {
                p.count += 1;
            }
        }
        hit
    }

    /// A usage error when a pattern names more than one call (an exact id never does), with
    /// the calls it matched.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        let Some(p) = self.patterns.iter().find(|p| p.count > 1 && !p.exact) else {
            return Ok(());
        };
        let others = p.count - p.seen.len() as u64;
        let more = match others {
            0 => String::new(),
            n if n as usize >= COUNTED => format!(" and {COUNTED} more or more"),
            n => format!(" and {n} more"),
        };
        Err(crate::exit::usage(format!(
            "--call {:?} is ambiguous: it matches {}{more} (give more of the id)",
            p.text,
            p.seen.join(", ")
        )))
    }

    /// Patterns that matched nothing.
    pub(crate) fn unmatched(&self) -> Vec<&str> {
        self.patterns
            .iter()
            .filter(|p| p.count == 0)
            .map(|p| p.text.as_str())
            .collect()
    }
}
