//! `callev browse`: a full-screen call list that fills while the input is read in the
//! background, each call's timeline with its records as read, and the findings by code.
//!
//! The reading thread runs the same pipeline as the other views into a `Collector`; this thread
//! owns the terminal: it draws the model (`draw.rs`) from the state keys change (`state.rs`),
//! and reads a call's records again when one is opened (`reread.rs`). The terminal is restored
//! however the browser ends: `q`, Ctrl-C, SIGTERM or SIGHUP, or a panic (a hook restores first).

pub(crate) mod draw;
pub(crate) mod model;
pub(crate) mod reread;
pub(crate) mod state;

#[cfg(test)]
mod tests;

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::prelude::CrosstermBackend;
use ratatui::Terminal;

use crate::config::Settings;
use crate::exit::Exit;
use crate::record::Analysis;
use model::{Collector, Shared};
use state::{Action, App, CallView, Screen};

/// Put the terminal back as it was: the main screen, the cursor, cooked mode, no mouse.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, whichever way the browser ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// How `browse` reads records (the collector's needs; its calls' records are read again the
/// same way).
pub(crate) fn analysis(settings: &Settings) -> Analysis {
    crate::reading::analysis(Collector::NEEDS, settings)
}

/// Run the browser on the settings' inputs.
pub(crate) fn run(settings: Settings) -> Result<Exit> {
    let analysis = analysis(&settings);
    if !std::io::stdout().is_terminal() {
        return Err(crate::config::usage(
            "callev browse draws on a terminal; for pipes and scripts, `callev summary` lists the calls and `callev timeline` their events",
        ));
    }
    crate::signal::install();
    let names: Vec<String> = settings.sources.iter().map(|s| s.name()).collect();
    let shared = Shared::new(names);
    let reader = {
        let shared = shared.clone();
        let mut settings = settings.clone();
        settings.progress = false;
        std::thread::Builder::new()
            .name("callev-browse-read".into())
            .spawn(move || {
                let mut collector = Collector::new(shared.clone(), settings.filter.clone());
                let read =
                    crate::reading::read_into(&settings, &mut collector, &mut std::io::sink());
                let mut model = shared.lock();
                if let Err(e) = read {
                    if !e.is::<crate::exit::Interrupted>() {
                        model.notes.push(format!("{e:#}"));
                    }
                }
                model.done = true;
                model.version += 1;
            })?
    };
    // The terminal: raw, the other screen, the mouse; a panic restores it before it prints.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    // Once asked to stop (Ctrl-C sent as a signal, SIGTERM, SIGHUP when the terminal goes
    // away), the loop ends within its next poll; but a terminal that hung up can keep
    // crossterm's poll spinning on it, so a watchman restores the terminal and ends the process
    // if the loop has not ended half a second later.
    let ended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let ended = std::sync::Arc::clone(&ended);
        std::thread::Builder::new()
            .name("callev-browse-watch".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(100));
                if crate::signal::interrupted() {
                    std::thread::sleep(Duration::from_millis(500));
                    if !ended.load(std::sync::atomic::Ordering::SeqCst) {
                        restore();
                        std::process::exit(i32::from(Exit::Interrupted.code()));
                    }
                    return;
                }
            })?;
    }
    enable_raw_mode()?;
    let _restore = Restore;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let looks = draw::Looks {
        color: settings.color,
        zone: settings.zone,
        full_ids: !settings.short_ids,
    };
    let mut app = App::default();
    let exit = browse(
        &mut terminal,
        &mut app,
        &shared,
        &settings,
        &analysis,
        looks,
    );
    ended.store(true, std::sync::atomic::Ordering::SeqCst);
    drop(terminal);
    drop(reader);
    exit
}

/// The loop: draw, wait for a key, the mouse or news from the reader; act.
fn browse<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    app: &mut App,
    shared: &Shared,
    settings: &Settings,
    analysis: &Analysis,
    looks: draw::Looks,
) -> Result<Exit> {
    let mut drawn: Option<u64> = None;
    let mut refreshed_at = Instant::now();
    let mut refresh_cost = Duration::ZERO;
    let mut redraw = true;
    loop {
        if crate::signal::interrupted() {
            return Ok(Exit::Interrupted);
        }
        {
            let model = shared.lock();
            // The list is made again when asked, or when the model moved, at most as often as
            // making it allows (millions of rows take a while to sort).
            let moved = app.made_from != Some(model.version);
            let due = refreshed_at.elapsed() >= (refresh_cost * 8).max(Duration::from_millis(200));
            if app.stale || (moved && (due || model.done)) {
                let t = Instant::now();
                app.refresh(&model);
                refresh_cost = t.elapsed();
                refreshed_at = Instant::now();
                redraw = true;
            }
            if redraw || drawn != Some(model.version) && !moved {
                terminal.draw(|f| draw::draw(f, app, &model, looks))?;
                drawn = Some(model.version);
                redraw = false;
            }
        }
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        let action = {
            let model = shared.lock();
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => app.key(k, &model),
                Event::Mouse(m) => app.mouse(m, &model),
                _ => Action::None,
            }
        };
        redraw = true;
        match action {
            Action::None => {}
            Action::Quit => return Ok(Exit::Ok),
            Action::Open(row) => {
                let view = open_call(shared, row, settings, analysis);
                app.screens.push(Screen::Call(Box::new(view)));
            }
            Action::OpenFinding(i) => {
                let view = open_finding(shared, i, settings, analysis);
                app.screens.push(Screen::Call(Box::new(view)));
            }
            Action::Copy(text) => {
                use base64::Engine;
                let code = base64::engine::general_purpose::STANDARD.encode(&text);
                let out = terminal.backend_mut();
                write!(out, "\x1b]52;c;{code}\x07")?;
                out.flush()?;
                app.status = Some(format!("copied {text}"));
            }
            Action::Export => {
                if let Some(Screen::Call(view)) = app.screens.last() {
                    app.status = Some(match export(view, std::path::Path::new(".")) {
                        Ok(s) => s,
                        Err(e) => format!("{e:#}"),
                    });
                }
            }
        }
    }
}

/// Records in the timeline's order, each with whether it repeats an earlier one (told in the
/// order read, as the summary tells them).
fn timeline_order(records: Vec<reread::ReadRecord>) -> Vec<(reread::ReadRecord, bool)> {
    let mut dedupe = crate::call::Dedupe::default();
    let marked = records
        .into_iter()
        .map(|r| {
            let repeat = r
                .analyzed
                .normalized
                .as_ref()
                .is_some_and(|e| dedupe.repeats(e.fingerprint, e.twin, e.time));
            (r, repeat)
        })
        .collect();
    crate::render::timeline::in_time_order(marked, |(r, _)| {
        r.analyzed.normalized.as_ref().and_then(|e| e.time)
    })
}

/// Read a call's records again.
pub(crate) fn open_call(
    shared: &Shared,
    row: u32,
    settings: &Settings,
    analysis: &Analysis,
) -> CallView {
    let model = shared.lock();
    let records = match model.rows.get(row as usize) {
        Some(r) => reread::call_records(
            r,
            &model.batches,
            &settings.sources,
            settings.input_format,
            analysis,
        )
        .map(timeline_order)
        .map_err(|e| format!("its records could not be read again: {e:#}")),
        None => Err("no such call".to_owned()),
    };
    drop(model);
    CallView::new(Some(row), records)
}

/// Open a finding's record: in its call, selected, when it names one; else alone.
fn open_finding(shared: &Shared, i: usize, settings: &Settings, analysis: &Analysis) -> CallView {
    let Some(finding) = shared.lock().findings.get(i).cloned() else {
        return CallView::new(None, Err("no such finding".to_owned()));
    };
    if let Some(row) = finding.row {
        let mut view = open_call(shared, row, settings, analysis);
        // By its source and line: two inputs have lines of the same numbers.
        let source = {
            let model = shared.lock();
            model
                .batches
                .get(finding.batch as usize)
                .and_then(|at| model.sources.get(at.source as usize))
                .cloned()
        };
        if let Some(at) = view
            .records
            .iter()
            .position(|(r, _)| r.line == finding.line && Some(&r.source) == source.as_ref())
        {
            view.selected = at;
        }
        return view;
    }
    let model = shared.lock();
    let records = match model.batches.get(finding.batch as usize) {
        Some(at) => reread::batch_records(at, &settings.sources, settings.input_format, analysis)
            .map(|records| {
                records
                    .into_iter()
                    .filter(|r| r.line == finding.line)
                    .map(|r| (r, false))
                    .collect()
            })
            .map_err(|e| format!("the record could not be read again: {e:#}")),
        None => Err("no such record".to_owned()),
    };
    drop(model);
    CallView::new(None, records)
}

/// Write the call's records to a new file `callev-<id>.ndjson` (or `-2`, `-3`, ... when that is
/// taken) in `dir`, a record a line as read (a log line with its prefix, a value spanning lines
/// put on one), so that callev reads the same call from it; says what it did.
pub(crate) fn export(view: &CallView, dir: &std::path::Path) -> Result<String> {
    let id = view
        .records
        .iter()
        .find_map(|(r, _)| r.analyzed.normalized.as_ref()?.call_id.clone())
        .unwrap_or_else(|| "record".to_owned());
    let safe_id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let mut text = String::new();
    let mut records: Vec<&reread::ReadRecord> = view.records.iter().map(|(r, _)| r).collect();
    // In the order read, not the timeline's.
    records.sort_by(|a, b| (&a.source, a.line).cmp(&(&b.source, b.line)));
    for r in &records {
        // As read, a log line's prefix and all (its time is the event's); JSON strings hold no
        // raw line ends, so a value read from several lines goes on one, its line ends spaces.
        text.push_str(&r.text.trim().replace(['\r', '\n'], " "));
        text.push('\n');
    }
    // A file of its own, made new: never one that is there already, nor a link planted there.
    let mut n = 1;
    let (path, mut file) = loop {
        let name = match n {
            1 => format!("callev-{safe_id}.ndjson"),
            n => format!("callev-{safe_id}-{n}.ndjson"),
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => break (path, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("failed to create {}", path.display()))
                )
            }
        }
    };
    file.write_all(text.as_bytes())?;
    Ok(format!(
        "wrote {} records to {}",
        records.len(),
        path.display()
    ))
}

/// The model filled from the settings' inputs, read to the end on this thread (tests).
#[cfg(test)]
pub(crate) fn read_all(settings: &Settings) -> Result<Shared> {
    let names: Vec<String> = settings.sources.iter().map(|s| s.name()).collect();
    let shared = Shared::new(names);
    let mut collector = Collector::new(shared.clone(), settings.filter.clone());
    crate::reading::read_into(settings, &mut collector, &mut std::io::sink())?;
    let mut model = shared.lock();
    model.done = true;
    model.version += 1;
    drop(model);
    Ok(shared)
}
