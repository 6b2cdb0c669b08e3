//! `summary --by`: calls counted in groups (by vendor, outcome, end reason, party, hour or day,
//! one or two levels), each group's answered share, outcomes and talk and total p50/p95, with a
//! bar of its calls in the table so the shape of a day is seen at a glance.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde::ser::{Serialize, SerializeMap, Serializer};
use unicode_width::UnicodeWidthStr;

use crate::call::order::GroupKey;
use crate::call::CallSummary;
use crate::event::Outcome;
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::render::fit::{self, Cell, Col};
use crate::time::Millis;
use crate::timefmt::{human_duration, rfc3339, Zone};

/// A group's value for one key: a time bucket's start, or text; `None` when the call has none
/// (no start time, no end reason, no party).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Value {
    Time(Millis),
    Text(String),
}

type Label = Vec<Option<Value>>;

/// One group's numbers.
#[derive(Debug, Default, Clone)]
struct Group {
    calls: u64,
    outcomes: [u64; Outcome::ALL.len()],
    talk: Vec<i64>,
    total: Vec<i64>,
}

/// Calls counted into groups as they finish.
pub(crate) struct Groups {
    keys: Vec<GroupKey>,
    zone: Zone,
    groups: HashMap<Label, Group>,
}

/// Buckets filled in between a time key's first and last at most: a year's hours.
const MAX_FILLED: i64 = 9_000;

/// The widest a bar is drawn, and the least room it keeps.
const BAR_MAX: usize = 40;
const BAR_MIN: usize = 10;

/// The widest a group's key column is before its keys wrap.
const KEY_CAP: usize = 24;

impl Groups {
    pub(crate) fn new(keys: Vec<GroupKey>, zone: Zone) -> Groups {
        Groups {
            keys,
            zone,
            groups: HashMap::new(),
        }
    }

    /// The start of the bucket `t` falls in, in the zone's local time.
    fn bucket(&self, key: GroupKey, t: Millis) -> Millis {
        let offset = i64::from(self.zone.offset_secs_at(t)) * 1000;
        (t + offset).div_euclid(key.step()) * key.step() - offset
    }

    fn values(&self, key: GroupKey, s: &CallSummary) -> Vec<Option<Value>> {
        let text = |t: &str| Some(Value::Text(t.to_owned()));
        match key {
            GroupKey::Vendor => vec![text(s.vendor.id())],
            GroupKey::Outcome => vec![text(s.outcome.as_str())],
            GroupKey::EndReason => vec![s.end_reason.as_deref().and_then(text)],
            GroupKey::Party if s.participants.is_empty() => vec![None],
            GroupKey::Party => s.participants.iter().map(|p| text(p)).collect(),
            GroupKey::Hour | GroupKey::Day => {
                vec![s
                    .started_at
                    .or(s.first_time)
                    .map(|t| Value::Time(self.bucket(key, t)))]
            }
        }
    }

    /// Count a call in each group it belongs to.
    pub(crate) fn add(&mut self, s: &CallSummary) {
        let mut labels: Vec<Label> = vec![Vec::new()];
        for &key in &self.keys {
            let values = self.values(key, s);
            labels = labels
                .into_iter()
                .flat_map(|l| {
                    values.iter().map(move |v| {
                        let mut l = l.clone();
                        l.push(v.clone());
                        l
                    })
                })
                .collect();
        }
        let outcome = Outcome::ALL
            .iter()
            .position(|o| *o == s.outcome)
            .unwrap_or(Outcome::ALL.len() - 1);
        for label in labels {
            let g = self.groups.entry(label).or_default();
            g.calls += 1;
            g.outcomes[outcome] += 1;
            // A call spanning more than a day says nothing true of durations.
            if !s.absurd() {
                g.talk.extend(s.talk_ms);
                g.total.extend(s.total_ms);
            }
        }
    }

    /// The groups in the order shown: time keys in time order (hours or days without calls
    /// filled in, so a chart has no holes), the others by calls, most first; unknown last.
    fn ordered(&mut self) -> Vec<(Label, Group)> {
        self.fill_gaps();
        let mut firsts: HashMap<Option<Value>, u64> = HashMap::new();
        for (label, g) in &self.groups {
            *firsts.entry(label[0].clone()).or_default() += g.calls;
        }
        let keys = self.keys.clone();
        let mut rows: Vec<(Label, Group)> = self.groups.drain().collect();
        let rank = |level: usize, v: &Option<Value>, calls: u64| {
            let unknown = v.is_none();
            let count = if keys[level].is_time() { 0 } else { calls };
            (unknown, std::cmp::Reverse(count), v.clone())
        };
        rows.sort_by(|(a, ga), (b, gb)| {
            let first = rank(0, &a[0], firsts[&a[0]]).cmp(&rank(0, &b[0], firsts[&b[0]]));
            first.then_with(|| {
                (1..a.len())
                    .map(|l| rank(l, &a[l], ga.calls).cmp(&rank(l, &b[l], gb.calls)))
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        });
        rows
    }

    /// Empty groups for the buckets a time key (the last level) skips, within each group of the
    /// level above.
    fn fill_gaps(&mut self) {
        let Some(&key) = self.keys.last().filter(|k| k.is_time()) else {
            return;
        };
        let level = self.keys.len() - 1;
        let mut spans: HashMap<Label, (Millis, Millis)> = HashMap::new();
        for label in self.groups.keys() {
            if let Some(Value::Time(t)) = &label[level] {
                let span = spans.entry(label[..level].to_vec()).or_insert((*t, *t));
                span.0 = span.0.min(*t);
                span.1 = span.1.max(*t);
            }
        }
        for (parent, (first, last)) in spans {
            if (last - first) / key.step() > MAX_FILLED {
                continue;
            }
            let mut t = first;
            while t < last {
                // Stepping in UTC crosses a daylight-saving change: bucket again.
                t = self.bucket(key, t + key.step() + key.step() / 2);
                let mut label = parent.clone();
                label.push(Some(Value::Time(t)));
                self.groups.entry(label).or_default();
            }
        }
    }

    /// Write the groups as records (`json` inside the summary's document) or as a table with
    /// bars.
    pub(crate) fn write(
        &mut self,
        format: Format,
        writer: &mut RecordWriter,
        table: TableLook,
        out: &mut dyn Write,
    ) -> Result<()> {
        let rows = self.ordered();
        if format != Format::Table {
            for (label, g) in &rows {
                writer.row(out, &self.record(label, g))?;
            }
            return Ok(());
        }
        self.table(&rows, table, out)
    }

    fn record<'a>(&'a self, label: &'a Label, g: &Group) -> GroupRecord<'a> {
        let mut talk = g.talk.clone();
        let mut total = g.total.clone();
        GroupRecord {
            keys: &self.keys,
            label,
            zone: self.zone,
            calls: g.calls,
            outcomes: g.outcomes,
            talk: stats(&mut talk).map(|(_, p50, p95)| (p50, p95)),
            total: stats(&mut total).map(|(_, p50, p95)| (p50, p95)),
        }
    }

    /// A key's value as the table shows it: hours with their date only when the groups span
    /// more than one day.
    fn shown(&self, key: GroupKey, v: &Option<Value>, dates: bool) -> String {
        match v {
            None => "-".to_owned(),
            Some(Value::Text(t)) => safe(t).into_owned(),
            Some(Value::Time(t)) => {
                let full = self.zone.format(*t);
                match key {
                    GroupKey::Day => full[..10].to_owned(),
                    _ if dates => format!("{} {}", &full[..16], &full[24..]),
                    _ => format!("{} {}", &full[11..16], &full[24..]),
                }
            }
        }
    }

    fn table(&self, rows: &[(Label, Group)], look: TableLook, out: &mut dyn Write) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let days: Vec<i64> = rows
            .iter()
            .flat_map(|(l, _)| l.iter())
            .filter_map(|v| match v {
                Some(Value::Time(t)) => Some(self.bucket(GroupKey::Day, *t)),
                _ => None,
            })
            .collect();
        let dates = days.iter().min() != days.iter().max();
        // Answered calls are in the share already.
        let seen: Vec<usize> = (1..Outcome::ALL.len())
            .filter(|&i| rows.iter().any(|(_, g)| g.outcomes[i] > 0))
            .collect();
        // Columns: the keys, calls, answered share, talk and total p50/p95, an outcome each
        // (those some group has), then the bar. Narrow terminals drop from the right of the
        // numbers: outcomes first, then the p95s, then the p50s.
        let mut columns: Vec<(String, bool, Vec<String>)> = Vec::new();
        for (level, key) in self.keys.iter().enumerate() {
            let last = level + 1 == self.keys.len();
            let cells = rows
                .iter()
                .enumerate()
                .map(|(i, (l, _))| {
                    // An upper level's value is shown where it changes.
                    if !last && i > 0 && rows[i - 1].0[..=level] == l[..=level] {
                        String::new()
                    } else {
                        self.shown(*key, &l[level], dates)
                    }
                })
                .collect();
            columns.push((key.name().to_owned(), false, cells));
        }
        let duration = |v: Option<(i64, i64)>, p95: bool| {
            v.map_or("-".to_owned(), |(a, b)| {
                human_duration(if p95 { b } else { a })
            })
        };
        let numbers: Vec<(String, Vec<String>)> = {
            let mut n = vec![
                (
                    "calls".to_owned(),
                    rows.iter().map(|(_, g)| thousands(g.calls)).collect(),
                ),
                (
                    "answered".to_owned(),
                    rows.iter()
                        .map(|(_, g)| match g.calls {
                            0 => "-".to_owned(),
                            c => format!("{:.1}%", g.outcomes[0] as f64 * 100.0 / c as f64),
                        })
                        .collect(),
                ),
            ];
            let records: Vec<GroupRecord> = rows.iter().map(|(l, g)| self.record(l, g)).collect();
            for (label, pick, p95) in [
                ("talk p50", 0, false),
                ("total p50", 1, false),
                ("talk p95", 0, true),
                ("total p95", 1, true),
            ] {
                n.push((
                    label.to_owned(),
                    records
                        .iter()
                        .map(|r| duration(if pick == 0 { r.talk } else { r.total }, p95))
                        .collect(),
                ));
            }
            for &i in &seen {
                n.push((
                    Outcome::ALL[i].as_str().to_owned(),
                    rows.iter().map(|(_, g)| thousands(g.outcomes[i])).collect(),
                ));
            }
            n
        };
        columns.extend(numbers.into_iter().map(|(l, c)| (l, true, c)));
        // The keys, calls and the answered share always show; the rest go from the right until
        // a bar of at least 10 fits.
        let fixed = self.keys.len() + 2;
        let mut cols: Vec<Col> = columns
            .iter()
            .enumerate()
            .map(|(i, (label, right, cells))| Col {
                label,
                width: cells
                    .iter()
                    .map(|c| c.width())
                    .chain([label.width()])
                    .max()
                    .unwrap_or(0),
                // Durations go first (p95, then p50), so the outcome counts keep their room.
                drop: match i {
                    i if i < fixed => 0,
                    _ if label.ends_with("p95") => 3,
                    _ if label.ends_with("p50") => 2,
                    _ => 1,
                },
                right: *right,
                // A long key (an end reason in words) wraps rather than crowd out the counts.
                cap: (i < self.keys.len())
                    .then(|| KEY_CAP.max(fit::longest_word(cells.iter().map(String::as_str)))),
            })
            .collect();
        cols.push(Col::new("", 0));
        let fitted = fit::fit(&cols, Some(BAR_MIN), look.width, fit::CELLS);
        if let Some(note) = fitted.note() {
            crate::output::say(&note);
        }
        let bar_room = look
            .width
            .map_or(BAR_MAX, |w| w.saturating_sub(fitted.free_at()).min(BAR_MAX));
        let most = rows.iter().map(|(_, g)| g.calls).max().unwrap_or(0).max(1);
        let mut text = Vec::new();
        let labels: Vec<&str> = cols.iter().map(|c| c.label).collect();
        fitted.header(&labels, look.color, &mut text);
        let cyan = look.color.then(|| owo_colors::Style::new().cyan());
        for (i, (_, g)) in rows.iter().enumerate() {
            let bar = bar(g.calls, most, bar_room);
            let mut cells: Vec<Cell> = columns.iter().map(|c| (c.2[i].as_str(), None)).collect();
            cells.push((&bar, cyan));
            fitted.row(&cells, look.color, &mut text);
        }
        out.write_all(&text)?;
        Ok(())
    }
}

/// How the group table is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableLook {
    pub(crate) width: Option<usize>,
    pub(crate) color: bool,
}

/// A bar `room` cells long at most for `value` of `most`, in eighths of a cell; a group with
/// calls always shows at least a sliver.
fn bar(value: u64, most: u64, room: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (value as u128 * room as u128 * 8 / most as u128) as usize;
    let eighths = if value > 0 { eighths.max(1) } else { 0 };
    let mut s: String = std::iter::repeat_n('█', eighths / 8).collect();
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8]);
    }
    s
}

/// One group as a machine record: its key values, then `calls`, `answered_share`, a count per
/// outcome, and talk and total p50/p95 in milliseconds.
pub(crate) struct GroupRecord<'a> {
    keys: &'a [GroupKey],
    label: &'a Label,
    zone: Zone,
    calls: u64,
    outcomes: [u64; Outcome::ALL.len()],
    talk: Option<(i64, i64)>,
    total: Option<(i64, i64)>,
}

/// `part` of `whole` as a fraction to four places; unknown of nothing.
pub(crate) fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// The group record's fields after its keys and before its outcome counts (one per
/// `Outcome::ALL`), and after them: the record's order, and the CSV header's.
const FIRST: [&str; 2] = ["calls", "answered_share"];
const LAST: [&str; 4] = ["talk_p50_ms", "talk_p95_ms", "total_p50_ms", "total_p95_ms"];

/// The CSV header of groups by these keys: the keys, then the fields.
pub(crate) fn header(keys: &[GroupKey]) -> &'static [&'static str] {
    let names: Vec<&'static str> = keys
        .iter()
        .map(|k| k.name())
        .chain(FIRST)
        .chain(Outcome::ALL.iter().map(|o| o.as_str()))
        .chain(LAST)
        .collect();
    // One header per run, for its life.
    Vec::leak(names)
}

impl Serialize for GroupRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(
            self.keys.len() + FIRST.len() + Outcome::ALL.len() + LAST.len(),
        ))?;
        for (key, value) in self.keys.iter().zip(self.label) {
            match value {
                None => m.serialize_entry(key.name(), &None::<&str>)?,
                Some(Value::Text(t)) => m.serialize_entry(key.name(), t)?,
                Some(Value::Time(t)) if *key == GroupKey::Day => {
                    m.serialize_entry(key.name(), &self.zone.format(*t)[..10])?
                }
                Some(Value::Time(t)) => m.serialize_entry(key.name(), &rfc3339(*t))?,
            }
        }
        m.serialize_entry("calls", &self.calls)?;
        let share = share(self.outcomes[0], self.calls);
        m.serialize_entry("answered_share", &share)?;
        for (o, n) in Outcome::ALL.iter().zip(self.outcomes) {
            m.serialize_entry(o.as_str(), &n)?;
        }
        m.serialize_entry("talk_p50_ms", &self.talk.map(|t| t.0))?;
        m.serialize_entry("talk_p95_ms", &self.talk.map(|t| t.1))?;
        m.serialize_entry("total_p50_ms", &self.total.map(|t| t.0))?;
        m.serialize_entry("total_p95_ms", &self.total.map(|t| t.1))?;
        m.end()
    }
}

/// Mean, median and 95th percentile of some durations.
pub(crate) fn stats(values: &mut [i64]) -> Option<(i64, i64, i64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let mean = values.iter().map(|v| *v as i128).sum::<i128>() / n as i128;
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    };
    // Nearest rank.
    let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n);
    Some((mean as i64, median, values[rank - 1]))
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_in_eighths_and_never_vanish() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▏");
        assert_eq!(bar(1, 1000, 4), "▏");
        assert_eq!(bar(0, 10, 4), "");
    }
}
