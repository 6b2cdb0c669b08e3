//! Reading every input through the pipeline into a view: framing on the reader thread,
//! analysis (what the view needs, read as the settings say) on the workers, the view fed in
//! input order on the calling thread, with progress, notes about sources that failed or were
//! truncated, `--call` checked once for every view, and Ctrl-C finishing what was read.

use std::io::Write;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Result;

use crate::config::Settings;
use crate::exit::Interrupted;
use crate::input::follow::Restart;
use crate::merge::Merger;
use crate::output;
use crate::pipeline::{self, Unit};
use crate::pool::Pool;
use crate::progress::Progress;
use crate::record::{self, Analysis, Needs, Results, Spare, Tally};
use crate::render::View;

/// Whether several inputs are read merged by time for views that take records so
/// (`View::merges_events`): more than one input, and an end to each.
pub(crate) fn merges_events(settings: &Settings) -> bool {
    settings.sources.len() > 1 && !settings.follow
}

/// What a view needs, read as the settings say (`--as`, `--source-tz`, `--vendor`).
pub(crate) fn analysis(needs: Needs, settings: &Settings) -> Analysis {
    Analysis::new(
        needs,
        settings.forced,
        settings.naive_offset,
        settings.vendors,
    )
}

/// Read every source through the pipeline into the view, printing unreadable sources on stderr.
/// With `--call` (and not following), the view's output is held until the input has been read:
/// a pattern that proves to name two calls is an error before any of it is written.
pub(crate) fn read(settings: &Settings, view: &mut dyn View) -> Result<Tally> {
    let mut stdout = output::stdout(settings.screen);
    if settings.filter.calls.is_empty() || settings.follow {
        return read_into(settings, view, &mut stdout);
    }
    let mut held = Vec::new();
    let tally = read_into(settings, view, &mut held);
    // What was read is written, interrupted or not, unless the patterns were wrong.
    if let Err(e) = &tally {
        if e.downcast_ref::<crate::config::UsageError>().is_some() {
            return tally;
        }
    }
    stdout.write_all(&held)?;
    stdout.flush()?;
    tally
}

/// `read`, the view writing to `out` (`browse`'s view writes nothing, and the terminal is not
/// the reading thread's).
pub(crate) fn read_into(
    settings: &Settings,
    view: &mut dyn View,
    out: &mut dyn Write,
) -> Result<Tally> {
    let analysis = &analysis(view.needs(), settings);
    let prework = view.prework();
    // The records' vectors go back to the workers (see `pool`).
    let spares = Pool::new(settings.threads + view.read_ahead() + 2);
    let names: Vec<String> = settings.sources.iter().map(|s| s.name()).collect();
    let stems: Vec<String> = settings.sources.iter().map(|s| s.stem()).collect();
    let mut tally = Tally {
        files: settings.sources.len() as u64,
        ..Tally::default()
    };
    // Several inputs merged by time, for the views that take records so.
    let merging = view.merges_events() && merges_events(settings);
    let mut merger = merging.then(|| Merger::new(names.clone().into()));
    // Else emptied by the worker that takes them again (`analyze_batch`).
    let frees = view.frees_on_workers();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut progress = Progress::new(settings.progress, &settings.sources, Arc::clone(&bytes));
    let follow = settings.follow;
    let opts = pipeline::Options {
        format: settings.input_format,
        threads: settings.threads,
        ahead: view.read_ahead(),
        follow,
        merge: merging,
        bytes_read: &bytes,
    };
    pipeline::run(
        &settings.sources,
        opts,
        |batch| {
            let name = &names[batch.source];
            let mut results =
                record::analyze_batch(batch, name, &stems[batch.source], analysis, spares.take());
            // Counted here, on every core, before the view's pre-work takes what it packs.
            let mut counted = Tally::default();
            // The batch's latest event time, by which the reader merges inputs.
            let mut latest = None;
            for r in &results.records {
                counted.add(name, r);
                if merging {
                    latest = latest.max(r.normalized.as_ref().and_then(|e| e.time));
                }
            }
            if let Some(work) = prework.as_deref() {
                work(name, &mut results);
            }
            ((results, counted, batch.restart), latest)
        },
        |unit| {
            match unit {
                Unit::Batch {
                    source,
                    result: (mut result, counted, restart),
                } => {
                    if let Some(restart) = restart {
                        out.flush()?;
                        let what = match restart {
                            Restart::Truncated => "was truncated: reading it again from its start",
                            Restart::Replaced => "was replaced (rotated): reading the new file",
                        };
                        let name = crate::output::safe(&names[source]).into_owned();
                        let text = format!("{name} {what}; lines count from 1");
                        if !view.note(&text) {
                            progress.suspend(|| crate::output::say(&text));
                        }
                    }
                    tally.merge(counted);
                    progress.tick(tally.records);
                    if let Some(merger) = merger.as_mut() {
                        merger.push(source, result);
                        release(merger, false, view, &mut progress, out, (&spares, frees))?;
                        return Ok(());
                    }
                    deliver(view, &mut progress, out, &names[source], &mut result)?;
                    if follow {
                        out.flush()?;
                    }
                    spend((&spares, frees), result);
                }
                Unit::Begun(source) => {
                    if let Some(merger) = merger.as_mut() {
                        merger.begin(source);
                    }
                }
                Unit::Ended(source) => {
                    if let Some(merger) = merger.as_mut() {
                        merger.end(source);
                        release(merger, false, view, &mut progress, out, (&spares, frees))?;
                    }
                }
                Unit::Failed { error } => {
                    out.flush()?;
                    tally.failed_sources += 1;
                    let text = format!("{error:#}");
                    if !view.note(&text) {
                        progress.suspend(|| crate::output::say(&text));
                    }
                }
                // The reader waits for its input: what was written is due, not held in a
                // buffer until more comes.
                Unit::Idle => out.flush()?,
                Unit::Interrupted => {
                    // Finish what was read (summary -f prints the calls still open), close the
                    // document, and stop without waiting for a blocked reader.
                    if let Some(merger) = merger.as_mut() {
                        release(merger, true, view, &mut progress, out, (&spares, frees))?;
                    }
                    progress.clear();
                    tally.interrupted = true;
                    view.finish(&tally, out)?;
                    out.flush()?;
                    // Said for every view, once: what was written stops where reading did.
                    let records = if tally.records == 1 {
                        "record"
                    } else {
                        "records"
                    };
                    crate::output::say(&format!("interrupted after {} {records}: what was written is partial (totals, sorted tables and timelines included)",
                        crate::output::thousands(tally.records)
                    ));
                    return Err(Interrupted.into());
                }
            }
            Ok(())
        },
    )?;
    if let Some(merger) = merger.as_mut() {
        release(merger, true, view, &mut progress, out, (&spares, frees))?;
    }
    progress.clear();
    view.finish(&tally, out)?;
    check_calls(view)?;
    out.flush()?;
    Ok(tally)
}

/// Hand a batch to the view (the progress line put aside while it writes).
fn deliver(
    view: &mut dyn View,
    progress: &mut Progress,
    out: &mut dyn Write,
    name: &str,
    results: &mut Results,
) -> Result<()> {
    if progress.is_visible() {
        progress.suspend(|| -> Result<()> {
            view.batch(name, results, out)?;
            Ok(out.flush()?)
        })?;
    } else {
        view.batch(name, results, out)?;
    }
    check_calls(view)
}

/// A batch's vectors, given back to be filled again (emptied here unless the view
/// leaves that to the workers: `View::frees_on_workers`).
fn spend((spares, frees): (&Pool<Spare>, bool), mut results: Results) {
    if !frees {
        results.records.clear();
    }
    let mut text = std::mem::take(&mut results.text);
    // A batch of huge records leaves no huge buffer behind.
    if text.capacity() > SPARE_TEXT {
        text = Vec::new();
    }
    text.clear();
    spares.give(Spare {
        records: results.records,
        text,
    });
}

/// The most text a spare keeps (a batch's records as NDJSON take about a megabyte).
const SPARE_TEXT: usize = 8 << 20;

/// Hand the view what the merge of several inputs can give now (`all`: everything held).
fn release(
    merger: &mut Merger,
    all: bool,
    view: &mut dyn View,
    progress: &mut Progress,
    out: &mut dyn Write,
    spares: (&Pool<Spare>, bool),
) -> Result<()> {
    let mut hand = |name: &str, mut chunk: Results| -> Result<()> {
        deliver(view, progress, out, name, &mut chunk)?;
        spend(spares, chunk);
        Ok(())
    };
    merger.release(all, &mut hand, &mut |r| spend(spares, r))
}

/// A `--call` pattern that names two calls is a usage error (see `CallMatcher::check`).
fn check_calls(view: &dyn View) -> Result<()> {
    match view.call_matcher() {
        Some(matcher) => matcher.check(),
        None => Ok(()),
    }
}
