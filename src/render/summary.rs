//! `callev summary`: one row per call (durations, outcome, counts), then totals: answered share,
//! mean / median / p95 of talk and total time, counts per outcome and vendor.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Write;

use anyhow::{bail, Result};
use comfy_table::{Cell, CellAlignment};

use crate::app::{Tally, View};
use crate::call::{call_key, CallMatcher, CallState, CallSummary, SUMMARY_HEADER};
use crate::config::{Filter, Settings};
use crate::event::{Event, Outcome};
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::record::Results;
use crate::render::table::{header, new_table, outcome_cell, wrap_only_last};
use crate::render::{paint, short_id};
use crate::time::{human_duration, Zone};

/// A call being aggregated: its state, when it first appeared, whether any of its events passed
/// the filter, and when it was last heard of.
struct Open {
    state: CallState,
    order: u64,
    selected: bool,
    /// The batch of its terminal event, 0 while it is open.
    ended: u32,
    last: u32,
}

/// The calls in flight. A call that has ended is finished (its row produced, its state dropped)
/// once `WINDOW` batches (about 8 MB of input, far more than webhook retries or trailing
/// recording events lag) have passed without news of it, so memory follows the calls still open
/// rather than every call; a hash of its id is kept so a straggler that arrives later is
/// recognised and counted instead of starting a new call.
#[derive(Default)]
pub struct Calls {
    open: HashMap<String, Box<Open>, foldhash::fast::RandomState>,
    /// Calls in the order they ended, with the batch: sweeps look only here.
    ended: VecDeque<(u32, String)>,
    finished: HashSet<u64, foldhash::fast::RandomState>,
    next_order: u64,
    batch: u32,
    pub without_id: u64,
    /// Events that arrived after their call was finished.
    pub late: u64,
}

/// Calls are finished and written this many at a time, so the end of a large input never holds
/// all their summaries at once.
const CHUNK: usize = 10_000;

impl Calls {
    const WINDOW: u32 = 32;

    /// Fold an event into its call; returns whether it ended the call (a repeat never does).
    pub fn add(&mut self, e: &Event, filter: &Filter) -> bool {
        let Some(id) = e.call_id.as_deref() else {
            self.without_id += 1;
            return false;
        };
        let batch = self.batch.max(1);
        let call = match self.open.get_mut(id) {
            Some(c) => c,
            None => {
                if !self.finished.is_empty() && self.finished.contains(&call_key(id)) {
                    self.late += 1;
                    return false;
                }
                self.next_order += 1;
                let open = Open {
                    state: CallState::new(id.to_owned(), e.vendor),
                    order: self.next_order,
                    selected: false,
                    ended: 0,
                    last: batch,
                };
                self.open.entry(id.to_owned()).or_insert(Box::new(open))
            }
        };
        call.last = batch;
        call.selected |= filter.keeps_event(e);
        let fresh = call.state.add(e);
        if fresh && e.kind.is_terminal() {
            if call.ended == 0 {
                self.ended.push_back((batch, id.to_owned()));
            }
            call.ended = batch;
            return true;
        }
        false
    }

    /// The ids of calls that ended long enough ago (every ended call with `now`), in the order
    /// they first appeared.
    fn due(&mut self, now: bool) -> Vec<String> {
        let batch = self.batch;
        let mut due: Vec<(u64, String)> = Vec::new();
        while let Some((at, _)) = self.ended.front() {
            if !now && batch.saturating_sub(*at) < Self::WINDOW {
                break;
            }
            let Some((_, id)) = self.ended.pop_front() else {
                break;
            };
            let Some(c) = self.open.get(&id) else {
                continue;
            };
            if now || batch.saturating_sub(c.last) >= Self::WINDOW {
                due.push((c.order, id));
            } else {
                // Heard of since it ended: look again a window after that.
                self.ended.push_back((c.last, id));
            }
        }
        due.sort_unstable_by_key(|(order, _)| *order);
        due.into_iter().map(|(_, id)| id).collect()
    }

    /// Every call still open (the end of the input), in the order they first appeared.
    fn all(&mut self) -> Vec<String> {
        self.ended.clear();
        let mut all: Vec<(u64, String)> = self
            .open
            .iter()
            .map(|(id, c)| (c.order, id.clone()))
            .collect();
        all.sort_unstable_by_key(|(order, _)| *order);
        all.into_iter().map(|(_, id)| id).collect()
    }

    /// Finish these calls: drop their state, keep their id's hash.
    fn finish(&mut self, ids: &[String]) -> Vec<(bool, CallSummary)> {
        ids.iter()
            .filter_map(|id| {
                let c = self.open.remove(id)?;
                self.finished.insert(call_key(id));
                Some((c.selected, c.state.finish()))
            })
            .collect()
    }
}

/// What the totals need of every call, kept as numbers.
#[derive(Default)]
struct Totals {
    calls: u64,
    by_outcome: BTreeMap<Outcome, u64>,
    by_vendor: BTreeMap<&'static str, u64>,
    talk: Vec<i64>,
    total: Vec<i64>,
    first: Option<i64>,
    last: Option<i64>,
}

impl Totals {
    fn add(&mut self, c: &CallSummary) {
        self.calls += 1;
        *self.by_outcome.entry(c.outcome).or_default() += 1;
        *self.by_vendor.entry(c.vendor.id()).or_default() += 1;
        self.talk.extend(c.talk_ms);
        self.total.extend(c.total_ms);
        if let Some(t) = c.started_at.or(c.first_time) {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
        }
        if let Some(t) = c.ended_at.or(c.last_time) {
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
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
    matcher: CallMatcher,
    totals: Totals,
    header_written: bool,
    /// Rows have been written before the end of the input: tables use fixed column widths so
    /// that the chunks line up.
    streamed: bool,
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
            matcher: CallMatcher::new(&settings.filter.calls),
            totals: Totals::default(),
            header_written: false,
            streamed: false,
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
        let with_dtmf = self.streamed || rows.iter().any(|s| !s.dtmf.is_empty());
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
        if self.streamed {
            fixed_widths(&mut table, narrow);
        } else {
            wrap_only_last(&mut table);
        }
        writeln!(out, "{}", crate::render::table::text(&table))?;
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

impl Summary {
    /// Finish these calls a chunk at a time: count them in the totals and write the rows shown.
    fn emit(&mut self, ids: Vec<String>, out: &mut dyn Write) -> Result<()> {
        if ids.len() > CHUNK || self.follow {
            self.streamed = true;
        }
        for chunk in ids.chunks(CHUNK) {
            let mut rows = Vec::with_capacity(chunk.len());
            for (selected, s) in self.calls.finish(chunk) {
                if selected && self.matcher.matches(&s.call_id) {
                    self.totals.add(&s);
                    rows.push(s);
                }
            }
            if let Some(msg) = self.matcher.ambiguity() {
                bail!(crate::config::UsageError(msg));
            }
            self.write_rows(&rows, out)?;
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
        self.calls.batch += 1;
        let mut ended = false;
        for r in &results.records {
            if let Some(e) = &r.normalized {
                ended |= self.calls.add(e, &self.filter);
            }
        }
        // Following, a call is shown as soon as it ends; otherwise calls are finished in sweeps.
        if (self.follow && ended) || (!self.follow && self.calls.batch % 16 == 0) {
            let due = self.calls.due(self.follow);
            if !due.is_empty() {
                self.streamed = true;
                self.emit(due, out)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        let all = self.calls.all();
        self.emit(all, out)?;
        if self.format == Format::Table {
            totals(&mut self.totals, self.color, self.zone, out)?;
        } else {
            self.writer.finish(out)?;
        }
        note_unread(tally);
        note_calls(&self.matcher, self.calls.without_id);
        if self.calls.late > 0 {
            eprintln!(
                "callev: {} events arrived long after their call ended and are not counted in it",
                thousands(self.calls.late)
            );
        }
        Ok(())
    }
}

/// Column widths that do not depend on the rows, for tables written in chunks.
fn fixed_widths(table: &mut comfy_table::Table, narrow: bool) {
    let widths: [u16; 10] = if narrow {
        [16, 12, 13, 17, 8, 10, 9, 10, 10, 10]
    } else {
        [22, 12, 13, 32, 8, 10, 9, 10, 10, 10]
    };
    crate::render::table::fix_widths(table, &widths);
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

fn totals(t: &mut Totals, color: bool, zone: Zone, out: &mut dyn Write) -> Result<()> {
    let n = t.calls;
    if n == 0 {
        writeln!(out, "no calls")?;
        return Ok(());
    }
    let answered = t.by_outcome.get(&Outcome::Answered).copied().unwrap_or(0);
    let bold = owo_colors::Style::new().bold();
    writeln!(out)?;
    writeln!(
        out,
        "{} {}, {} answered ({:.1}%)",
        paint(color, bold, &thousands(n)),
        if n == 1 { "call" } else { "calls" },
        thousands(answered),
        answered as f64 * 100.0 / n as f64
    )?;
    if let (Some(a), Some(b)) = (t.first, t.last) {
        writeln!(out, "  from      {} to {}", zone.format(a), zone.format(b))?;
    }
    let outcomes: Vec<String> = t
        .by_outcome
        .iter()
        .map(|(o, c)| format!("{} {}", o.as_str(), thousands(*c)))
        .collect();
    writeln!(out, "  outcomes  {}", outcomes.join(" · "))?;
    let vendors: Vec<String> = t
        .by_vendor
        .iter()
        .map(|(v, c)| format!("{v} {}", thousands(*c)))
        .collect();
    writeln!(out, "  vendors   {}", vendors.join(" · "))?;
    for (label, values) in [("talk", &mut t.talk), ("total", &mut t.total)] {
        let known = values.len();
        match stats(values) {
            Some((mean, median, p95)) => writeln!(
                out,
                "  {label:<8}  mean {} · median {} · p95 {}   ({} of {} calls)",
                human_duration(mean),
                human_duration(median),
                human_duration(p95),
                thousands(known as u64),
                thousands(n)
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
