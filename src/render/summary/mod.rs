//! `callev summary`: one row per call (durations, outcome, counts), then totals: answered share,
//! mean / median / p95 of talk and total time, counts per outcome and vendor.

mod sorted;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use anyhow::Result;

use crate::call::alias::Aliases;
use crate::call::lifetime::Ticks;
use crate::call::shards::{shard_of, Keep, Merged, Shards, Sweep, WriteRow, CHUNK};
use crate::call::step::Pack;
use crate::call::{call_key, Brief, CallMatcher, CallSummary, SUMMARY_HEADER};
use crate::config::{Filter, Settings, SummaryOptions};
use crate::event::Outcome;
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::pool::Pool;
use crate::record::Tally;
use crate::record::{source_of, Needs, Prework, Results};
use crate::render::fit::{hang, together};
use crate::render::notes::NoCall;
use crate::render::View;
use crate::render::{paint, push_short_id};
use crate::timefmt::{human_duration, Zone};
use groups::{stats, Groups, TableLook};
use table::{FixedTable, Shown, COLUMNS};

pub(crate) mod groups;
mod table;

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
    anomalous: u64,
    /// Calls whose times span more than a day, left out of the durations and the time range.
    absurd: u64,
}

impl Totals {
    fn add(&mut self, c: &Brief) {
        self.calls += 1;
        *self.by_outcome.entry(c.outcome).or_default() += 1;
        *self.by_vendor.entry(c.vendor.id()).or_default() += 1;
        self.anomalous += u64::from(c.anomalous);
        self.absurd += u64::from(c.absurd);
        self.talk.extend(c.talk_ms);
        self.total.extend(c.total_ms);
        if let Some(t) = c.from {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
        }
        if let Some(t) = c.to {
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }
}

pub(crate) struct Summary {
    shards: Shards,
    /// Packs the shards are done with, for the workers to fill again.
    packs: Arc<Pool<Pack>>,
    /// The event and time filters, applied on the workers.
    filter: Filter,
    /// Several inputs merged by time: events are packed here after the merge, not on the
    /// workers.
    merged: bool,
    /// Ticks of the input read so far.
    ticks: Ticks,
    /// Calls' other ids (a Workonflow thread's), bound in input order before events go to the
    /// shard of their call.
    aliases: Aliases,
    no_call: NoCall,
    rows: Rows,
}

/// What becomes of finished calls: totals, and rows written as they come.
struct Rows {
    format: Format,
    color: bool,
    width: Option<usize>,
    zone: Zone,
    follow: bool,
    matcher: CallMatcher,
    totals: Totals,
    header_written: bool,
    /// Rows have been written before the end of the input: tables use fixed column widths so
    /// that the chunks line up.
    streamed: bool,
    writer: RecordWriter,
    /// List each call's anomalies, or (by default) tally them by kind under the totals.
    list_anomalies: bool,
    /// Whether the columns left out to fit the terminal were said.
    noted_left_out: bool,
    short_ids: bool,
    /// Calls with each kind of anomaly: how many, and the first few.
    anomaly_kinds: BTreeMap<String, (u64, Vec<String>)>,
    /// `--sort` and `--by`: calls held to the end of the input rather than written as they end.
    held: HeldCalls,
    /// `-o parquet`: the columns being gathered.
    parquet: Option<crate::render::parquet::ParquetSummary>,
}

/// Calls held to the end of the input.
enum HeldCalls {
    Nothing,
    Sorted(sorted::Sorted),
    Grouped(Groups),
}

/// Batches read ahead of the caller (see `read_ahead`).
const SUMMARY_AHEAD: usize = 16;

/// Batches a shard may have queued before the caller waits for it.
const SHARD_LAG: usize = 8;

/// How many calls a kind of anomaly names in the tally.
const FIRST_CALLS: usize = 3;

/// The kind of an anomaly: its words before the first number or parenthesis (`reported total
/// duration`); damaged records naming the call, one or many, are one kind.
fn anomaly_kind(text: &str) -> &str {
    if text.contains("damaged record") {
        return "damaged records name the call";
    }
    let end = text
        .find(|c: char| c.is_ascii_digit() || c == '(')
        .unwrap_or(text.len());
    text[..end].trim_end()
}

/// What a kind of anomaly means, in a few words, for the tally under the totals.
fn anomaly_meaning(kind: &str) -> Option<&'static str> {
    Some(match kind {
        k if k.starts_with("its times span") => {
            "its events are more than a day apart: its durations are left out of the totals"
        }
        "no terminal event" => "the call never ends in the input (cut short, or still going)",
        "events after the end" => "events of the call arrived after its end",
        "answered before started" => "its answer is timed before its start",
        k if k.starts_with("reported") => {
            "the vendor's own duration disagrees with the one measured from the events"
        }
        k if k.contains("damaged record") => {
            "damaged lines name this call: some of its events may be lost"
        }
        _ => return None,
    })
}

/// Pack each event with a call id for the shard of its call (`count` shards), taking it out of
/// its record: the records left with an event belong to no call.
fn pack(count: usize, filter: &Filter, spares: &Pool<Pack>, results: &mut Results) {
    let per_shard = results.records.len() / count + 1;
    let mut packs: Vec<Pack> = (0..count)
        .map(|_| {
            let mut pack = spares.take();
            pack.reserve(per_shard);
            pack
        })
        .collect();
    for (i, r) in results.records.iter_mut().enumerate() {
        let Some(e) = &r.normalized else { continue };
        let Some(id) = e.call_id.as_deref() else {
            continue;
        };
        let key = call_key(id);
        // A batch holds far fewer than 2^32 records.
        packs[shard_of(key, count)].push(i as u32, key, filter.keeps_event(e), e);
        r.normalized = None;
    }
    results.payload = Some(Box::new(packs));
}

impl Summary {
    pub(crate) fn new(settings: &Settings, shape: SummaryOptions) -> Result<Summary> {
        // Spare packs, one per shard, for every batch in flight: the batches the records'
        // vectors are kept for (`reading::read_into`: on the workers, read ahead, two more) and
        // the jobs a shard may queue. With fewer, most packs started empty and grew again.
        // As many workers as shards: `Shards::new` makes one per thread.
        let threads = settings.threads.max(1);
        let in_flight = (threads + SUMMARY_AHEAD + 2) + (SHARD_LAG + 1);
        let packs = Arc::new(Pool::new(in_flight * threads));
        let held = match (shape.sort, shape.by.is_empty()) {
            (_, false) => HeldCalls::Grouped(Groups::new(shape.by.clone(), settings.zone)),
            (Some(order), true) => HeldCalls::Sorted(sorted::Sorted::new(order)),
            (None, true) => HeldCalls::Nothing,
        };
        let holds = !matches!(held, HeldCalls::Nothing);
        let writer = match &held {
            HeldCalls::Grouped(_) => {
                RecordWriter::in_document(settings.format, groups::header(&shape.by), "groups")
            }
            _ => RecordWriter::in_document(settings.format, SUMMARY_HEADER, "calls"),
        };
        Ok(Summary {
            packs: Arc::clone(&packs),
            shards: Shards::new(
                settings.threads,
                if holds { None } else { row_writer(settings) },
                if holds { Keep::All } else { keep(settings) },
                settings.filter.calls.clone().into(),
                Arc::new(settings.filter.select.clone()),
                // Following, each batch's calls are shown before the next batch is read.
                if settings.follow { 0 } else { SHARD_LAG },
                packs,
            )?,
            filter: settings.filter.clone(),
            merged: crate::reading::merges_events(settings),
            ticks: Ticks::default(),
            aliases: Aliases::default(),
            no_call: NoCall::default(),
            rows: Rows {
                format: settings.format,
                color: settings.color,
                width: settings.width,
                zone: settings.zone,
                follow: settings.follow,
                matcher: CallMatcher::new(&settings.filter.calls),
                totals: Totals::default(),
                header_written: false,
                streamed: false,
                writer,
                list_anomalies: shape.list_anomalies,
                noted_left_out: false,
                short_ids: settings.short_ids,
                anomaly_kinds: BTreeMap::new(),
                held,
                parquet: None,
            },
        })
    }
}

impl Rows {
    /// Below 150 columns the start shows its time of day (the totals give the dates) and ids are
    /// cut shorter.
    fn narrow(&self) -> bool {
        self.width.is_some_and(|w| w < 150)
    }

    fn fixed(&self) -> FixedTable {
        FixedTable::new(self.color, self.zone, self.width, self.short_ids)
    }

    /// Say once on stderr which columns the table leaves out to fit the terminal.
    fn note_left_out(&mut self, note: Option<String>) {
        if let Some(note) = note.filter(|_| !self.noted_left_out) {
            self.noted_left_out = true;
            crate::output::say(&note);
        }
    }

    /// Count finished calls in the totals and write the rows shown. Calls finished before the
    /// end of the input (or, at the end, more than a chunk of them) make the table one of fixed
    /// widths, written a chunk at a time (rows the shard threads have mostly written already).
    fn emit(&mut self, merged: Merged, out: &mut dyn Write) -> Result<()> {
        if (!merged.end || merged.total > CHUNK || self.follow)
            && matches!(self.held, HeldCalls::Nothing)
        {
            self.streamed = true;
        }
        let fixed = self.format == Format::Table && self.streamed;
        // Summaries still to write (a table of its own widths, CSV), or, for a fixed table, the
        // ones with anomalies to list under the chunk.
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for mut f in merged.rows {
            // With `--call`, the shards hand back only the calls it names, with their ids.
            if let Some(id) = &f.id {
                self.matcher.matches(id);
            }
            if !f.selected {
                continue;
            }
            self.totals.add(&f.brief);
            match (&mut self.held, f.summary) {
                (HeldCalls::Nothing, summary) => f.summary = summary,
                (HeldCalls::Sorted(sorted), Some(s)) => {
                    sorted.push(&s)?;
                    continue;
                }
                (HeldCalls::Grouped(groups), Some(s)) => {
                    groups.add(&s);
                    self.count_anomalies(&s);
                    continue;
                }
                // Held calls are all kept whole (`Keep::All`).
                (_, None) => continue,
            }
            let text = &merged.text[f.text];
            if fixed {
                if !self.header_written {
                    self.header_written = true;
                    let fixed = self.fixed();
                    self.note_left_out(fixed.note());
                    fixed.header(&mut lines);
                }
                match &f.summary {
                    Some(s) if text.is_empty() => self.fixed().row(s, &mut lines),
                    _ => lines.extend_from_slice(text),
                }
                if let Some(s) = f.summary.filter(|s| !s.anomalies.is_empty()) {
                    rows.push(*s);
                }
            } else if !text.is_empty() && self.format != Format::Table {
                self.writer.json_pieces(out, &[text])?;
            } else if let Some(s) = f.summary {
                rows.push(*s);
            }
        }
        if fixed {
            out.write_all(&lines)?;
            return self.anomalies(&rows, out);
        }
        self.write_rows(&rows, out)
    }

    /// Rows in a machine format, or a table sized to them.
    fn write_rows(&mut self, rows: &[CallSummary], out: &mut dyn Write) -> Result<()> {
        if self.format == Format::Parquet {
            let parquet = match &mut self.parquet {
                Some(p) => p,
                None => self
                    .parquet
                    .insert(crate::render::parquet::ParquetSummary::new()?),
            };
            for s in rows {
                parquet.push(s, out)?;
            }
            return Ok(());
        }
        if self.format != Format::Table {
            for s in rows {
                self.writer.row(out, s)?;
            }
            return Ok(());
        }
        if rows.is_empty() {
            return Ok(());
        }
        // DTMF gets a column only when some call has digits; anomalies are tallied under the
        // totals rather than squeezed into a cell.
        let with_dtmf = rows.iter().any(|s| !s.dtmf.is_empty());
        let day =
            |t: i64| (t + i64::from(self.zone.offset_secs_at(t)) * 1000).div_euclid(86_400_000);
        let days: Vec<i64> = rows.iter().filter_map(|s| s.started_at).map(day).collect();
        let mut shown = Shown {
            zone: self.zone,
            narrow: self.narrow(),
            short_ids: self.short_ids,
            dates: days.iter().min() != days.iter().max(),
            years: {
                let starts = rows.iter().filter_map(|s| s.started_at);
                let year = |t: i64| self.zone.format(t)[..4].to_owned();
                starts.clone().min().map(year) != starts.max().map(year)
            },
        };
        let candidate = |i: &usize| with_dtmf || *i != table::DTMF;
        let mut texts: [String; COLUMNS.len()] = Default::default();
        let measure = |shown: Shown, texts: &mut [String; COLUMNS.len()]| {
            let mut widths = COLUMNS.map(|c| crate::render::fit::width_of(c.label));
            for s in rows {
                let cells = table::cells(s, shown, self.color, texts);
                for (w, (text, _)) in widths.iter_mut().zip(cells) {
                    *w = (*w).max(crate::render::fit::width_of(text));
                }
            }
            widths
        };
        // Ids are shortened only when the table would not fit with them whole (a wide
        // terminal shows them whole).
        let mut widths = measure(
            Shown {
                short_ids: false,
                ..shown
            },
            &mut texts,
        );
        let whole: usize = (0..COLUMNS.len())
            .filter(candidate)
            .map(|i| widths[i] + 2)
            .sum::<usize>()
            + 1;
        if shown.short_ids && self.width.is_some_and(|w| whole <= w) {
            shown.short_ids = false;
        } else if shown.short_ids {
            widths = measure(shown, &mut texts);
        }
        let fit = table::fit_columns(self.width, |i| widths[i], with_dtmf);
        self.note_left_out(fit.note());
        let mut lines = Vec::new();
        if !self.header_written {
            self.header_written = true;
            let labels: Vec<&str> = (0..COLUMNS.len())
                .filter(candidate)
                .map(|i| COLUMNS[i].label)
                .collect();
            fit.header(&labels, self.color, &mut lines);
        }
        for s in rows {
            let cells = table::cells(s, shown, self.color, &mut texts);
            let cells: Vec<_> = (0..COLUMNS.len())
                .filter(candidate)
                .map(|i| cells[i])
                .collect();
            fit.row(&cells, self.color, &mut lines);
        }
        out.write_all(&lines)?;
        self.anomalies(rows, out)
    }

    /// Sorted calls merged from runs on disk, a chunk at a time: rows of the fixed-width table
    /// (or records), then the chunk's anomalies.
    fn write_chunk(&mut self, rows: &[CallSummary], out: &mut dyn Write) -> Result<()> {
        if self.format != Format::Table {
            return self.write_rows(rows, out);
        }
        let fixed = self.fixed();
        let mut lines = Vec::new();
        if !self.header_written {
            self.header_written = true;
            self.note_left_out(fixed.note());
            fixed.header(&mut lines);
        }
        for s in rows {
            fixed.row(s, &mut lines);
        }
        out.write_all(&lines)?;
        self.anomalies(rows, out)
    }

    /// The anomalies by kind, with the first calls of each (`--anomalies` lists them all).
    fn anomaly_tally(&self, out: &mut dyn Write) -> Result<()> {
        if self.anomaly_kinds.is_empty() {
            return Ok(());
        }
        writeln!(out, "  anomalies (--anomalies lists every call)")?;
        let mark = paint(self.color, owo_colors::Style::new().red(), "!");
        for (kind, (count, first)) in &self.anomaly_kinds {
            let first: Vec<String> = first
                .iter()
                .map(|id| {
                    let mut shown = String::new();
                    match self.short_ids {
                        true => push_short_id(&mut shown, &safe(id), 14),
                        false => shown.push_str(&safe(id)),
                    }
                    shown
                })
                .collect();
            let more = if *count > first.len() as u64 {
                ", ..."
            } else {
                ""
            };
            let line = format!(
                "{kind}: {}  ({}{more})",
                thousands(*count),
                first.join(", ")
            );
            out.write_all(hang(&format!("  {mark} "), "    ", &line, self.width).as_bytes())?;
            if let Some(meaning) = anomaly_meaning(kind) {
                let dim = (self.color, owo_colors::Style::new().dimmed());
                crate::render::write_hung(out, dim, ("      ", "      "), meaning, self.width)?;
            }
        }
        Ok(())
    }

    /// Count a call's anomalies by kind, for the tally under the totals.
    fn count_anomalies(&mut self, s: &CallSummary) {
        for a in &s.anomalies {
            let (count, first) = self
                .anomaly_kinds
                .entry(anomaly_kind(a).to_owned())
                .or_default();
            *count += 1;
            if first.len() < FIRST_CALLS && !first.contains(&s.call_id) {
                first.push(s.call_id.clone());
            }
        }
    }

    /// The calls or groups held to the end, written now: sorted, or counted in groups.
    fn write_held(&mut self, out: &mut dyn Write) -> Result<()> {
        match std::mem::replace(&mut self.held, HeldCalls::Nothing) {
            HeldCalls::Nothing => Ok(()),
            HeldCalls::Sorted(sorted) => match sorted.finish()? {
                sorted::Finished::Values(calls) => self.write_rows(&calls, out),
                // More calls than a run holds: written as the streamed table is, a chunk at a
                // time with fixed widths, in the merged order.
                sorted::Finished::Merged(mut merge) => {
                    self.streamed = true;
                    let mut chunk = Vec::with_capacity(CHUNK);
                    loop {
                        let next = merge.next_call()?;
                        let done = next.is_none();
                        chunk.extend(next);
                        if chunk.len() >= CHUNK || (done && !chunk.is_empty()) {
                            self.write_chunk(&chunk, out)?;
                            chunk.clear();
                        }
                        if done {
                            return Ok(());
                        }
                    }
                }
            },
            HeldCalls::Grouped(mut groups) => {
                let look = TableLook {
                    width: self.width,
                    color: self.color,
                };
                groups.write(self.format, &mut self.writer, look, out)
            }
        }
    }

    /// What looks wrong with these calls: under their rows with `--anomalies`, else counted by
    /// kind for the tally under the totals.
    fn anomalies(&mut self, rows: &[CallSummary], out: &mut dyn Write) -> Result<()> {
        if !self.list_anomalies {
            for s in rows {
                self.count_anomalies(s);
            }
            return Ok(());
        }
        for s in rows.iter().filter(|s| !s.anomalies.is_empty()) {
            let mark = paint(self.color, owo_colors::Style::new().red(), "!");
            let line = format!("{}: {}", safe(&s.call_id), s.anomalies.join("; "));
            out.write_all(hang(&format!(" {mark} "), "    ", &line, self.width).as_bytes())?;
        }
        Ok(())
    }
}

impl View for Summary {
    fn needs(&self) -> Needs {
        Needs {
            lean: true,
            ..Needs::EVENTS
        }
    }

    fn call_matcher(&self) -> Option<&CallMatcher> {
        Some(&self.rows.matcher)
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()> {
        self.ticks.begin();
        // Records merged from several inputs are packed here, in their merged order.
        if self.merged && results.payload.is_none() {
            pack(self.shards.len(), &self.filter, &self.packs, results);
        }
        // Events with a call id were packed on the workers; those left belong to no call.
        let origins = results.origins.as_ref();
        for (i, r) in results.records.iter().enumerate() {
            if r.normalized.is_some() {
                self.no_call.add(source_of(origins, i, source), r.line);
            }
        }
        // The workers made one pack per shard (`prework`); the count is only guarded here.
        let packed = results
            .payload
            .take()
            .and_then(|p| p.downcast::<Vec<Pack>>().ok());
        let mut parts = packed.map(|p| *p).unwrap_or_default();
        if parts.iter().any(Pack::aliased) {
            resolve_aliases(&mut self.aliases, &mut parts);
        }
        parts.resize_with(self.shards.len(), Pack::default);
        // Following, a call is shown as soon as it ends; otherwise calls are finished in sweeps.
        let due = self.ticks.end(results.tick);
        let sweep = if self.rows.follow {
            Sweep::Ended
        } else if due {
            Sweep::Due
        } else {
            Sweep::No
        };
        let rows = &mut self.rows;
        self.shards
            .batch(parts, sweep, results.tick, &mut |m| rows.emit(m, out))
    }

    /// Each event with a call id packed for the shard of its call (merged from several
    /// inputs, after the merge: see `batch`).
    fn prework(&self) -> Option<Box<Prework>> {
        if self.merged {
            return None;
        }
        let count = self.shards.len();
        let filter = self.filter.clone();
        let spares = Arc::clone(&self.packs);
        Some(Box::new(move |_source: &str, results: &mut Results| {
            pack(count, &filter, &spares, results);
        }))
    }

    fn merges_events(&self) -> bool {
        true
    }

    /// Sweeps make the work here come in bursts; 16 batches (4 MB) read ahead keep the workers
    /// busy through them (measured: 5.2 s with 4, 4.0 s with 16 on 1 GB, no gain beyond).
    fn read_ahead(&self) -> usize {
        SUMMARY_AHEAD
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        let rows = &mut self.rows;
        // A table not written in chunks yet may still be one of fitted widths, from summaries.
        let all = rows.format == Format::Table && !rows.streamed;
        self.shards.end(all, &mut |m| rows.emit(m, out))?;
        rows.write_held(out)?;
        if rows.format == Format::Parquet {
            let parquet = match rows.parquet.take() {
                Some(p) => p,
                None => crate::render::parquet::ParquetSummary::new()?,
            };
            parquet.finish(out)?;
        } else if rows.format == Format::Table {
            totals(&mut rows.totals, rows.color, rows.zone, rows.width, out)?;
            rows.anomaly_tally(out)?;
        } else {
            let totals = totals_json(&mut rows.totals);
            let complete = serde_json::Value::Bool(!tally.interrupted);
            rows.writer
                .finish_document(out, &[("totals", totals), ("complete", complete)])?;
        }
        crate::render::notes::note_unread(tally);
        crate::render::notes::note_beside(tally);
        crate::render::notes::note_calls(&rows.matcher, &self.no_call);
        crate::render::notes::note_no_match(
            &self.filter.select,
            rows.totals.calls,
            "call",
            tally,
            rows.zone,
        );
        let unplaced = self.shards.unplaced();
        crate::render::notes::note_unplaced(
            if unplaced == 1 {
                "call has"
            } else {
                "calls have"
            },
            unplaced,
        );
        crate::render::notes::note_late(self.shards.late(), "counted in");
        Ok(())
    }
}

/// Events named by another id of their call (a Workonflow thread) put under the call's id, in
/// the shard of that call: bindings are made and read in input order, across the packs.
fn resolve_aliases(aliases: &mut Aliases, parts: &mut [Pack]) {
    let mut found: Vec<(u32, usize, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(shard, pack)| {
            pack.aliased_at()
                .into_iter()
                .map(move |(index, pos)| (index, shard, pos))
        })
        .collect();
    found.sort_unstable();
    // Renames, made once every binding is read (positions stay valid until then).
    let mut renames: Vec<(usize, usize, String)> = Vec::new();
    for &(_, shard, pos) in &found {
        let Some((_, id, step)) = parts[shard].at(pos) else {
            continue;
        };
        if let Some(call) = aliases.resolve(id, step.aliases, step.new_call) {
            renames.push((shard, pos, call.to_owned()));
        }
    }
    // From the last position back, so that the earlier ones stay where they were.
    renames.sort_unstable_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    for (shard, pos, call) in renames {
        let to = shard_of(call_key(&call), parts.len());
        let mut from = std::mem::take(&mut parts[shard]);
        if let Some((p, _, step)) = from.at(pos) {
            let p = p.clone();
            if to == shard {
                let mut renamed = Pack::default();
                renamed.insert_renamed(&p, &call, &step);
                from.replace(pos, renamed);
            } else {
                parts[to].insert_renamed(&p, &call, &step);
                from.remove(pos);
            }
        }
        parts[shard] = from;
    }
}

/// How the shard threads write each finished call's row ahead of the caller: the JSON record, or
/// a fixed-width table line (used once the table is written in chunks); CSV is left to the
/// caller.
fn row_writer(settings: &Settings) -> Option<WriteRow> {
    match settings.format {
        Format::Json | Format::Ndjson => Some(Arc::new(|s: &CallSummary, out: &mut Vec<u8>| {
            // A record is 300 to 500 bytes: grown from nothing it was copied six times.
            out.reserve(512);
            s.write_json(out);
        })),
        Format::Table => {
            let fixed = FixedTable::new(
                settings.color,
                settings.zone,
                settings.width,
                settings.short_ids,
            );
            Some(Arc::new(move |s: &CallSummary, out: &mut Vec<u8>| {
                fixed.row(s, out)
            }))
        }
        Format::Csv | Format::Parquet => None,
    }
}

/// Which finished calls the caller needs whole: CSV rows (written by the caller), the anomalies
/// listed under a table's rows; JSON needs none.
fn keep(settings: &Settings) -> Keep {
    match settings.format {
        Format::Json | Format::Ndjson => Keep::Nothing,
        Format::Table => Keep::Anomalous,
        Format::Csv | Format::Parquet => Keep::All,
    }
}

/// The totals under the table, as the JSON document's `totals`.
fn totals_json(t: &mut Totals) -> serde_json::Value {
    use serde_json::json;
    let answered = t.by_outcome.get(&Outcome::Answered).copied().unwrap_or(0);
    let spread = |values: &mut Vec<i64>| {
        let known = values.len();
        match stats(values) {
            Some((mean, p50, p95)) => {
                json!({"known": known, "mean": mean, "p50": p50, "p95": p95})
            }
            None => json!({"known": 0, "mean": null, "p50": null, "p95": null}),
        }
    };
    json!({
        "calls": t.calls,
        "answered": answered,
        "answered_share": groups::share(answered, t.calls),
        "first_time": t.first.map(crate::timefmt::rfc3339),
        "last_time": t.last.map(crate::timefmt::rfc3339),
        "outcomes": Outcome::ALL
            .iter()
            .map(|o| (o.as_str().to_owned(), json!(t.by_outcome.get(o).copied().unwrap_or(0))))
            .collect::<serde_json::Map<_, _>>(),
        "vendors": t
            .by_vendor
            .iter()
            .map(|(v, n)| ((*v).to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>(),
        "talk_ms": spread(&mut t.talk),
        "total_ms": spread(&mut t.total),
        "with_anomalies": t.anomalous,
        "spanning_more_than_a_day": t.absurd,
    })
}

/// The totals' continuation lines start under their values.
const INDENT: &str = "            ";

fn totals(
    t: &mut Totals,
    color: bool,
    zone: Zone,
    width: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    // A list of counts, wrapped between its items on a narrow terminal.
    let list = |label: &str, items: &[String], out: &mut dyn Write| -> Result<()> {
        let mut line = format!("  {label:<8}");
        let mut first = true;
        for item in items {
            let sep = if first { "  " } else { " · " };
            let fits = width.is_none_or(|w| line.chars().count() + sep.len() + item.len() <= w);
            if !first && !fits {
                writeln!(out, "{}", line.trim_end())?;
                line = " ".repeat(12);
            } else {
                line.push_str(if first { "  " } else { " · " });
            }
            line.push_str(item);
            first = false;
        }
        writeln!(out, "{line}")?;
        Ok(())
    };
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
        let range = format!(
            "{} to {}",
            together(&zone.format(a)),
            together(&zone.format(b))
        );
        out.write_all(hang("  from      ", INDENT, &range, width).as_bytes())?;
    }
    let outcomes: Vec<String> = t
        .by_outcome
        .iter()
        .map(|(o, c)| format!("{} {}", o.as_str(), thousands(*c)))
        .collect();
    list("outcomes", &outcomes, out)?;
    let vendors: Vec<String> = t
        .by_vendor
        .iter()
        .map(|(v, c)| format!("{v} {}", thousands(*c)))
        .collect();
    list("vendors", &vendors, out)?;
    for (label, values) in [("talk", &mut t.talk), ("total", &mut t.total)] {
        let known = values.len();
        match stats(values) {
            Some((mean, median, p95)) => {
                let line = format!(
                    "mean {} · median {} · p95 {}   {}",
                    human_duration(mean),
                    human_duration(median),
                    human_duration(p95),
                    together(&format!(
                        "({} of {} {})",
                        thousands(known as u64),
                        thousands(n),
                        if n == 1 { "call" } else { "calls" }
                    ))
                );
                let first = format!("  {label:<8}  ");
                out.write_all(hang(&first, INDENT, &line, width).as_bytes())?;
            }
            None => {
                let why = if label == "talk"
                    && t.by_outcome.get(&Outcome::Answered).copied().unwrap_or(0) == 0
                {
                    "no call was answered"
                } else {
                    "no call has times or reported durations"
                };
                let first = format!("  {label:<8}  ");
                let line = format!("unknown ({why})");
                out.write_all(hang(&first, INDENT, &line, width).as_bytes())?;
            }
        }
    }
    if t.absurd > 0 {
        let first = format!("  {} ", paint(color, owo_colors::Style::new().red(), "!"));
        let line = format!(
            "{} {} more than a day: left out of the durations and the time range",
            thousands(t.absurd),
            if t.absurd == 1 {
                "call spans"
            } else {
                "calls span"
            }
        );
        out.write_all(hang(&first, "    ", &line, width).as_bytes())?;
    }
    Ok(())
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
