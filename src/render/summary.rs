//! `callev summary`: one row per call (durations, outcome, counts), then totals: answered share,
//! mean / median / p95 of talk and total time, counts per outcome and vendor.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use anyhow::{bail, Result};
use comfy_table::{Cell, CellAlignment};

use crate::app::{Tally, View};
use crate::call::{CallMatcher, CallState, CallSummary, SUMMARY_HEADER};
use crate::config::{Filter, Settings};
use crate::event::{Event, Outcome};
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::record::Results;
use crate::render::table::{header, new_table, outcome_cell, wrap_only_last};
use crate::render::{paint, short_id};
use crate::time::{human_duration, Zone};

/// Calls in the order they first appeared, with whether any of their events passed the filter.
#[derive(Default)]
pub struct Calls {
    pub states: Vec<CallState>,
    pub selected: Vec<bool>,
    index: HashMap<String, usize>,
    pub without_id: u64,
}

impl Calls {
    /// Fold an event into its call; returns the call's index and whether it was a repeat.
    pub fn add(&mut self, e: &Event, filter: &Filter) -> Option<(usize, bool)> {
        let Some(id) = e.call_id.as_deref() else {
            self.without_id += 1;
            return None;
        };
        let i = match self.index.get(id) {
            Some(i) => *i,
            None => {
                self.states.push(CallState::new(id.to_owned(), e.vendor));
                self.selected.push(false);
                self.index.insert(id.to_owned(), self.states.len() - 1);
                self.states.len() - 1
            }
        };
        let fresh = self.states[i].add(e);
        if filter.keeps_event(e) {
            self.selected[i] = true;
        }
        Some((i, !fresh))
    }
}

pub struct Summary {
    format: Format,
    color: bool,
    width: Option<usize>,
    zone: Zone,
    follow: bool,
    filter: Filter,
    calls: Calls,
    printed: Vec<bool>,
    header_written: bool,
    writer: RecordWriter,
}

impl Summary {
    pub fn new(settings: &Settings) -> Summary {
        Summary {
            format: settings.format,
            color: settings.color,
            width: settings.width,
            zone: settings.zone,
            follow: settings.follow,
            filter: settings.filter.clone(),
            calls: Calls::default(),
            printed: Vec::new(),
            header_written: false,
            writer: RecordWriter::new(settings.format, SUMMARY_HEADER),
        }
    }

    fn write_rows(&mut self, rows: &[CallSummary], out: &mut dyn Write) -> Result<()> {
        if self.format != Format::Table {
            for s in rows {
                self.writer.row(out, &s.record())?;
            }
            return Ok(());
        }
        if rows.is_empty() {
            return Ok(());
        }
        let mut table = new_table(self.width, self.color);
        // DTMF gets a column only when some call has digits; anomalies are listed under the table
        // at full width rather than squeezed into a cell.
        let with_dtmf = rows.iter().any(|s| !s.dtmf.is_empty());
        // Below 150 columns the start shows its time of day (the totals give the dates) and ids
        // are cut shorter.
        let narrow = self.width.is_some_and(|w| w < 150);
        if !self.header_written {
            self.header_written = true;
            let mut names = vec![
                "call", "vendor", "outcome", "started", "ring", "talk", "hold", "total", "events",
            ];
            if with_dtmf {
                names.push("dtmf");
            }
            names.push("end");
            table.set_header(header(&names));
        }
        let dur = |d: Option<i64>| d.map_or_else(|| "-".to_owned(), human_duration);
        for s in rows {
            let events = if s.duplicates > 0 {
                format!("{} (+{})", s.events, s.duplicates)
            } else {
                s.events.to_string()
            };
            let mut cells = vec![
                Cell::new(short_id(&safe(&s.call_id), if narrow { 14 } else { 20 })),
                Cell::new(s.vendor.id()),
                outcome_cell(s.outcome),
                Cell::new(s.started_at.map_or_else(
                    || "-".to_owned(),
                    |t| {
                        if narrow {
                            self.zone.format_clock(t)
                        } else {
                            self.zone.format(t)
                        }
                    },
                )),
                Cell::new(dur(s.ring_ms)).set_alignment(CellAlignment::Right),
                Cell::new(dur(s.talk_ms)).set_alignment(CellAlignment::Right),
                Cell::new(dur(s.hold_ms)).set_alignment(CellAlignment::Right),
                Cell::new(dur(s.total_ms)).set_alignment(CellAlignment::Right),
                Cell::new(events).set_alignment(CellAlignment::Right),
            ];
            if with_dtmf {
                cells.push(Cell::new(safe(&s.dtmf)));
            }
            cells.push(Cell::new(
                s.end_reason
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |r| safe(r).into_owned()),
            ));
            table.add_row(cells);
        }
        wrap_only_last(&mut table);
        writeln!(
            out,
            "{}",
            table
                .to_string()
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
        )?;
        for s in rows.iter().filter(|s| !s.anomalies.is_empty()) {
            let mark = paint(self.color, owo_colors::Style::new().red(), "!");
            writeln!(
                out,
                " {mark} {}: {}",
                safe(&s.call_id),
                s.anomalies.join("; ")
            )?;
        }
        Ok(())
    }
}

impl View for Summary {
    fn batch(
        &mut self,
        _source: &str,
        _stem: &str,
        results: &Results,
        out: &mut dyn Write,
    ) -> Result<()> {
        let records = &results.records;
        let mut ended = Vec::new();
        for r in records {
            let Some(e) = &r.normalized else { continue };
            if let Some((i, repeat)) = self.calls.add(e, &self.filter) {
                if self.follow && !repeat && e.kind.is_terminal() {
                    ended.push(i);
                }
            }
        }
        if self.follow && !ended.is_empty() {
            self.printed.resize(self.calls.states.len(), false);
            let mut matcher = CallMatcher::new(&self.filter.calls);
            let mut rows = Vec::new();
            for i in ended {
                if !self.printed[i]
                    && self.calls.selected[i]
                    && matcher.matches(&self.calls.states[i].call_id)
                {
                    self.printed[i] = true;
                    rows.push(self.calls.states[i].finish());
                }
            }
            self.write_rows(&rows, out)?;
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        self.printed.resize(self.calls.states.len(), false);
        let mut matcher = CallMatcher::new(&self.filter.calls);
        let mut chosen = Vec::new();
        for (i, state) in self.calls.states.iter().enumerate() {
            if self.calls.selected[i] && matcher.matches(&state.call_id) {
                chosen.push(i);
            }
        }
        if let Some(msg) = matcher.ambiguity() {
            bail!(crate::config::UsageError(msg));
        }
        let all: Vec<CallSummary> = chosen
            .iter()
            .map(|i| self.calls.states[*i].finish())
            .collect();
        let unprinted: Vec<CallSummary> = chosen
            .iter()
            .zip(&all)
            .filter(|(i, _)| !self.printed[**i])
            .map(|(_, s)| s.clone())
            .collect();
        self.write_rows(&unprinted, out)?;
        if self.format == Format::Table {
            totals(&all, self.color, self.zone, out)?;
        } else {
            self.writer.finish(out)?;
        }
        note_unread(tally, "calls");
        if self.calls.without_id > 0 {
            eprintln!(
                "callev: {} events carry no call id and belong to no call",
                thousands(self.calls.without_id)
            );
        }
        for p in matcher.unmatched() {
            eprintln!("callev: --call {p:?} matched no call");
        }
        Ok(())
    }
}

/// Mean, median and 95th percentile of some durations.
pub fn stats(values: &mut [i64]) -> Option<(i64, i64, i64)> {
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

fn totals(calls: &[CallSummary], color: bool, zone: Zone, out: &mut dyn Write) -> Result<()> {
    let n = calls.len();
    if n == 0 {
        writeln!(out, "no calls")?;
        return Ok(());
    }
    let mut by_outcome: BTreeMap<Outcome, u64> = BTreeMap::new();
    let mut by_vendor: BTreeMap<&str, u64> = BTreeMap::new();
    for c in calls {
        *by_outcome.entry(c.outcome).or_default() += 1;
        *by_vendor.entry(c.vendor.id()).or_default() += 1;
    }
    let answered = by_outcome.get(&Outcome::Answered).copied().unwrap_or(0);
    let bold = owo_colors::Style::new().bold();
    writeln!(out)?;
    writeln!(
        out,
        "{} {}, {} answered ({:.1}%)",
        paint(color, bold, &thousands(n as u64)),
        if n == 1 { "call" } else { "calls" },
        thousands(answered),
        answered as f64 * 100.0 / n as f64
    )?;
    let first = calls
        .iter()
        .filter_map(|c| c.started_at.or(c.first_time))
        .min();
    let last = calls
        .iter()
        .filter_map(|c| c.ended_at.or(c.last_time))
        .max();
    if let (Some(a), Some(b)) = (first, last) {
        writeln!(out, "  from      {} to {}", zone.format(a), zone.format(b))?;
    }
    let outcomes: Vec<String> = by_outcome
        .iter()
        .map(|(o, c)| format!("{} {}", o.as_str(), thousands(*c)))
        .collect();
    writeln!(out, "  outcomes  {}", outcomes.join(" · "))?;
    let vendors: Vec<String> = by_vendor
        .iter()
        .map(|(v, c)| format!("{v} {}", thousands(*c)))
        .collect();
    writeln!(out, "  vendors   {}", vendors.join(" · "))?;
    for (label, pick) in [("talk", 0), ("total", 1)] {
        let mut values: Vec<i64> = calls
            .iter()
            .filter_map(|c| if pick == 0 { c.talk_ms } else { c.total_ms })
            .collect();
        let known = values.len();
        match stats(&mut values) {
            Some((mean, median, p95)) => writeln!(
                out,
                "  {label:<8}  mean {} · median {} · p95 {}   ({} of {} calls)",
                human_duration(mean),
                human_duration(median),
                human_duration(p95),
                thousands(known as u64),
                thousands(n as u64)
            )?,
            None => writeln!(
                out,
                "  {label:<8}  unknown (no call has times or reported durations)"
            )?,
        }
    }
    Ok(())
}

/// Say on stderr what was not read as events, and where to look.
pub fn note_unread(tally: &Tally, _what: &str) {
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

#[cfg(test)]
mod tests {
    use super::stats;

    #[test]
    fn mean_median_p95() {
        assert_eq!(stats(&mut []), None);
        assert_eq!(stats(&mut [5]), Some((5, 5, 5)));
        assert_eq!(stats(&mut [4, 1, 3, 2]), Some((2, 2, 4)));
        let mut hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(stats(&mut hundred), Some((50, 50, 95)));
    }
}
