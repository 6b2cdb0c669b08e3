//! How calls are put in order and in groups (`summary --sort`, `summary --by`): which value of
//! the summary record a sort reads, and what a group's key is.

use super::summary_record::CallSummary;

/// What `--sort` orders calls by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortField {
    Total,
    Talk,
    Ring,
    Started,
    Events,
}

/// `--sort FIELD` or `-FIELD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Order {
    pub(crate) field: SortField,
    pub(crate) descending: bool,
}

impl Order {
    /// `total`, `-talk`, ...; `None` for anything else.
    pub(crate) fn parse(s: &str) -> Option<Order> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let field = match name {
            "total" => SortField::Total,
            "talk" => SortField::Talk,
            "ring" => SortField::Ring,
            "started" => SortField::Started,
            "events" => SortField::Events,
            _ => return None,
        };
        Some(Order { field, descending })
    }

    pub(crate) fn value(self, s: &CallSummary) -> Option<i64> {
        match self.field {
            SortField::Total => s.total_ms,
            SortField::Talk => s.talk_ms,
            SortField::Ring => s.ring_ms,
            SortField::Started => s.started_at.or(s.first_time),
            SortField::Events => i64::try_from(s.events).ok(),
        }
    }

    /// Sort calls so (stable: ties keep the order the calls began in); calls without the value
    /// go last either way.
    /// The order in memory, whole: what `summary --sort`'s runs on disk must give (a test holds
    /// them to it).
    #[cfg(test)]
    pub(crate) fn sort(self, calls: &mut [CallSummary]) {
        calls.sort_by(|a, b| match (self.value(a), self.value(b)) {
            (Some(x), Some(y)) if self.descending => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
}

/// What calls are grouped by (`summary --by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum GroupKey {
    Vendor,
    Outcome,
    EndReason,
    // Each number or user id taking part: a call counts once in each of its parties' groups.
    // (Plain comments: a doc comment on a variant would be its help in `--help`.)
    Party,
    // The hour the call started in (in `--tz`).
    Hour,
    // The day the call started on (in `--tz`).
    Day,
}

impl GroupKey {
    pub(crate) fn name(self) -> &'static str {
        match self {
            GroupKey::Vendor => "vendor",
            GroupKey::Outcome => "outcome",
            GroupKey::EndReason => "end_reason",
            GroupKey::Party => "party",
            GroupKey::Hour => "hour",
            GroupKey::Day => "day",
        }
    }

    pub(crate) fn is_time(self) -> bool {
        matches!(self, GroupKey::Hour | GroupKey::Day)
    }

    /// A time bucket's length.
    pub(crate) fn step(self) -> i64 {
        match self {
            GroupKey::Day => 86_400_000,
            _ => 3_600_000,
        }
    }
}
