//! The browser's screens drawn on ratatui's test backend at 80x24 and 120x40, and its keys
//! driven without a terminal: events in, state out.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use super::draw::{draw, Looks};
use super::model::Shared;
use super::state::{Action, App, ListColumn, Screen};
use crate::cli::Cli;
use crate::config::{self, Env, Settings};
use clap::Parser;

/// Calls of every vendor, Voximplant's failures of every code, and invalid Workonflow records.
const INPUTS: [&str; 3] = [
    "fixtures/mixed/all-vendors.log",
    "fixtures/voximplant/failures-by-code.ndjson",
    "fixtures/workonflow/invalid.ndjson",
];

fn settings(extra: &[&str]) -> Settings {
    let mut args = vec!["callev", "browse"];
    args.extend(extra);
    args.extend(INPUTS);
    let cli = Cli::try_parse_from(&args).expect("the test's arguments parse");
    config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve")
}

/// The inputs read to the end, and the state the browser starts in.
fn browser(extra: &[&str]) -> (Settings, Shared, App) {
    let settings = settings(extra);
    let shared = super::read_all(&settings).expect("the fixtures read");
    let mut app = App::default();
    app.refresh(&shared.lock());
    (settings, shared, app)
}

const LOOKS: Looks = Looks {
    color: false,
    zone: crate::timefmt::Zone::Utc,
    full_ids: false,
};

/// The screen as text, trailing spaces cut.
fn screen(app: &mut App, shared: &Shared, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    let model = shared.lock();
    terminal
        .draw(|f| draw(f, app, &model, LOOKS))
        .expect("drawn");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(app: &mut App, shared: &Shared, code: KeyCode) -> Action {
    let model = shared.lock();
    let action = app.key(KeyEvent::new(code, KeyModifiers::NONE), &model);
    if app.stale {
        app.refresh(&model);
    }
    action
}

fn keys(app: &mut App, shared: &Shared, text: &str) {
    for c in text.chars() {
        key(app, shared, KeyCode::Char(c));
    }
}

/// Open what the action names, as the loop does.
fn act(app: &mut App, shared: &Shared, settings: &Settings, action: Action) {
    let analysis = super::analysis(settings);
    match action {
        Action::Open(row) => {
            let view = super::open_call(shared, row, settings, &analysis);
            app.screens.push(Screen::Call(Box::new(view)));
        }
        Action::OpenFinding(i) => {
            let view = super::open_finding(shared, i, settings, &analysis);
            app.screens.push(Screen::Call(Box::new(view)));
        }
        other => panic!("not an opening: {other:?}"),
    }
}

#[test]
fn the_list_shows_every_call_with_its_totals() {
    let (_, shared, mut app) = browser(&[]);
    let model = shared.lock();
    // all-vendors: 4 calls; failures-by-code: 8; invalid: 1 with an id.
    assert_eq!(app.visible.len(), model.rows.len());
    assert!(model.rows.len() >= 12, "{}", model.rows.len());
    drop(model);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        insta::assert_snapshot!(format!("list_{w}x{h}"), screen(&mut app, &shared, w, h));
    }
}

#[test]
fn sorting_filtering_and_toggles_change_the_list_and_keep_the_selection() {
    let (_, shared, mut app) = browser(&[]);
    // Select the third call, then sort: the new order is shown from its top.
    key(&mut app, &shared, KeyCode::Down);
    key(&mut app, &shared, KeyCode::Down);
    assert_eq!(app.position, 2);
    keys(&mut app, &shared, "ss");
    assert_eq!(app.sort.column, ListColumn::Call);
    assert_eq!(app.position, 0);
    assert_eq!(app.selected, app.visible.first().copied());
    let model = shared.lock();
    let ids: Vec<&str> = app
        .visible
        .iter()
        .map(|&r| &*model.rows[r as usize].id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    drop(model);
    insta::assert_snapshot!("sorted_80x24", screen(&mut app, &shared, 80, 24));
    // Reversed.
    key(&mut app, &shared, KeyCode::Char('r'));
    assert!(app.sort.descending);
    // Totals, largest first, unknown last.
    for _ in 0..4 {
        key(&mut app, &shared, KeyCode::Char('s'));
    }
    assert_eq!(app.sort.column, ListColumn::Total);
    let model = shared.lock();
    let totals: Vec<Option<i64>> = app
        .visible
        .iter()
        .map(|&r| model.rows[r as usize].total)
        .collect();
    let known: Vec<i64> = totals.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    assert!(totals
        .iter()
        .skip_while(|t| t.is_some())
        .all(Option::is_none));
    drop(model);
    // Typing a filter narrows the list as it is typed; Esc on the list clears it.
    key(&mut app, &shared, KeyCode::Char('/'));
    keys(&mut app, &shared, "BUSY");
    assert!(app.typing.is_some());
    let model = shared.lock();
    assert!(!app.visible.is_empty());
    assert!(app.visible.iter().all(|&r| {
        let row = &model.rows[r as usize];
        row.end_reason
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()
            .contains("busy")
            || row.id.to_lowercase().contains("busy")
    }));
    drop(model);
    insta::assert_snapshot!("filtering_80x24", screen(&mut app, &shared, 80, 24));
    // Esc while typing goes back to the filter before it.
    let narrowed = app.visible.len();
    key(&mut app, &shared, KeyCode::Esc);
    assert_eq!(app.filter, "");
    assert!(app.visible.len() > narrowed);
    key(&mut app, &shared, KeyCode::Char('/'));
    keys(&mut app, &shared, "busy");
    key(&mut app, &shared, KeyCode::Enter);
    assert_eq!(app.filter, "busy");
    assert!(app.typing.is_none());
    key(&mut app, &shared, KeyCode::Esc);
    assert_eq!(app.filter, "");
    // o shows one outcome, then the next, and after the last all again.
    let all = app.visible.len();
    key(&mut app, &shared, KeyCode::Char('o'));
    assert_eq!(app.outcome, Some(crate::event::Outcome::Answered));
    let model = shared.lock();
    assert!(app
        .visible
        .iter()
        .all(|&r| model.rows[r as usize].outcome == crate::event::Outcome::Answered));
    drop(model);
    for _ in 0..crate::event::Outcome::ALL.len() {
        key(&mut app, &shared, KeyCode::Char('o'));
    }
    assert_eq!(app.outcome, None);
    assert_eq!(app.visible.len(), all);
    // v the same for vendors.
    key(&mut app, &shared, KeyCode::Char('v'));
    assert!(app.vendor.is_some());
    assert!(app.visible.len() < all);
}

#[test]
fn enter_opens_the_call_with_its_timeline_and_the_record_as_read() {
    let (settings, shared, mut app) = browser(&[]);
    // The Workonflow call with holds and a digit (the list begins with calls whose records
    // hold no time: they come first in the inputs' time order).
    let workonflow = "4d5e6f70-3333-4333-8333-000000000004";
    for _ in 0..20 {
        let row = app.selected.expect("a row is selected");
        if &*shared.lock().rows[row as usize].id == workonflow {
            break;
        }
        key(&mut app, &shared, KeyCode::Down);
    }
    let action = key(&mut app, &shared, KeyCode::Enter);
    let Action::Open(row) = action else {
        panic!("Enter on a call opens it: {action:?}")
    };
    act(&mut app, &shared, &settings, action);
    let Some(Screen::Call(view)) = app.screens.last() else {
        panic!("a call is on screen")
    };
    assert_eq!(view.row, Some(row));
    assert!(view.error.is_none(), "{:?}", view.error);
    let events = {
        let model = shared.lock();
        model.rows[row as usize].events + model.rows[row as usize].duplicates
    };
    assert_eq!(view.records.len() as u32, events);
    // Beside each other from 160 columns.
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        insta::assert_snapshot!(format!("call_{w}x{h}"), screen(&mut app, &shared, w, h));
    }
    // Moving through the events shows each record.
    key(&mut app, &shared, KeyCode::Down);
    key(&mut app, &shared, KeyCode::Down);
    let text = screen(&mut app, &shared, 80, 24);
    assert!(text.contains("all-vendors.log:"), "{text}");
    // Esc goes back to the list, where the call is still selected.
    key(&mut app, &shared, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::List));
    assert_eq!(app.selected, Some(row));
    assert_eq!(key(&mut app, &shared, KeyCode::Char('q')), Action::Quit);
}

#[test]
fn the_findings_list_codes_and_open_their_records() {
    let (settings, shared, mut app) = browser(&[]);
    key(&mut app, &shared, KeyCode::Char('f'));
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("findings_{w}x{h}"), screen(&mut app, &shared, w, h));
    }
    key(&mut app, &shared, KeyCode::Enter);
    let text = screen(&mut app, &shared, 80, 24);
    assert!(text.contains("invalid.ndjson:"), "{text}");
    let action = key(&mut app, &shared, KeyCode::Enter);
    assert!(matches!(action, Action::OpenFinding(_)), "{action:?}");
    act(&mut app, &shared, &settings, action);
    let text = screen(&mut app, &shared, 80, 24);
    assert!(text.contains("invalid.ndjson:"), "{text}");
    assert!(
        text.contains("error[") || text.contains("warning["),
        "{text}"
    );
    // Back twice: the findings, then the list.
    key(&mut app, &shared, KeyCode::Esc);
    key(&mut app, &shared, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::List));
}

#[test]
fn help_lists_the_keys_and_any_key_closes_it() {
    let (_, shared, mut app) = browser(&[]);
    key(&mut app, &shared, KeyCode::Char('?'));
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&mut app, &shared, w, h));
    }
    key(&mut app, &shared, KeyCode::Char('x'));
    assert!(matches!(app.screen(), Screen::List));
}

#[test]
fn the_flags_set_the_calls_listed() {
    let (_, shared, app) = browser(&["--outcome", "busy"]);
    let model = shared.lock();
    assert!(!app.visible.is_empty());
    assert!(app
        .visible
        .iter()
        .all(|&r| model.rows[r as usize].outcome == crate::event::Outcome::Busy));
    let (_, shared, app) = browser(&["--vendor", "voximplant"]);
    let model = shared.lock();
    assert!(app
        .visible
        .iter()
        .all(|&r| model.rows[r as usize].vendor.id() == "voximplant"));
}

#[test]
fn copy_gives_the_call_id_and_export_writes_its_records() {
    let (settings, shared, mut app) = browser(&[]);
    let action = key(&mut app, &shared, KeyCode::Char('y'));
    let id = shared.lock().rows[app.selected.unwrap() as usize]
        .id
        .to_string();
    assert_eq!(action, Action::Copy(id.clone()));
    let open = key(&mut app, &shared, KeyCode::Enter);
    act(&mut app, &shared, &settings, open);
    assert_eq!(key(&mut app, &shared, KeyCode::Char('e')), Action::Export);
    let Some(Screen::Call(view)) = app.screens.last() else {
        panic!("a call is on screen")
    };
    let dir = tempfile::tempdir().unwrap();
    let said = super::export(view, dir.path()).unwrap();
    let path = std::path::PathBuf::from(said.rsplit(' ').next().unwrap());
    assert!(path.starts_with(dir.path()), "{said}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written.lines().count(), view.records.len());
    for line in written.lines() {
        assert!(line.contains(&id), "{line}");
    }
    // Read back, the export is the same call: its start, durations and outcome (log lines keep
    // their prefix, whose time is the event's).
    let analysis = super::analysis(&settings);
    let records = crate::record::analyze_reader(
        written.as_bytes(),
        crate::input::InputFormat::Auto,
        "export",
        "export",
        &analysis,
    )
    .unwrap();
    let mut call = crate::call::Call::new(id.clone(), records[0].vendor.unwrap());
    for e in records.iter().filter_map(|r| r.normalized.as_ref()) {
        call.add(e);
    }
    let again = call.finish();
    let model = shared.lock();
    let row = &model.rows[app.selected.unwrap() as usize];
    assert_eq!(
        (
            again.started_at.or(again.first_time),
            again.talk_ms,
            again.total_ms,
            again.outcome
        ),
        (row.started, row.talk, row.total, row.outcome)
    );
    drop(model);
    // A file of that name, or a link planted there, is never written over.
    #[cfg(unix)]
    {
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let said = super::export(view, dir.path()).unwrap();
        assert!(said.ends_with("-2.ndjson"), "{said}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
}

#[test]
fn control_characters_in_values_never_reach_the_screen_raw() {
    let args = [
        "callev",
        "browse",
        "fixtures/edge/control-characters.ndjson",
    ];
    let cli = Cli::try_parse_from(args).expect("parses");
    let settings =
        config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve");
    let shared = super::read_all(&settings).expect("the fixture reads");
    let mut app = App::default();
    app.refresh(&shared.lock());
    assert!(!app.visible.is_empty());
    let list = screen(&mut app, &shared, 120, 40);
    let action = key(&mut app, &shared, KeyCode::Enter);
    act(&mut app, &shared, &settings, action);
    let call = screen(&mut app, &shared, 120, 40);
    for text in [&list, &call] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "a control character on screen:\n{text:?}"
        );
    }
}

/// Run a view over `files` in-process, its machine output as JSON lines.
fn view_lines(
    args: &[&str],
    files: &[&str],
    view: fn(&Settings) -> Box<dyn crate::render::View>,
) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.extend(files);
    let cli = Cli::try_parse_from(&all).expect("the test's arguments parse");
    let settings =
        config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve");
    let mut view = view(&settings);
    let mut out = Vec::new();
    crate::reading::read_into(&settings, view.as_mut(), &mut out).expect("the inputs read");
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect()
}

/// A call as the views describe it: id, outcome, start, talk, total, events, repeats.
type CallFacts = (
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    u64,
    u64,
);

/// What browse, summary and the events records each say of every call of `files`: the calls,
/// their outcomes, starts, talk and total times, events and repeats must be the same.
fn views_agree(files: &[&str]) {
    let cli = Cli::try_parse_from([&["callev", "browse"][..], files].concat()).expect("parses");
    let settings =
        config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve");
    let shared = super::read_all(&settings).expect("the inputs read");
    let model = shared.lock();
    let stamp = |t: Option<i64>| t.map(crate::timefmt::rfc3339);
    let browsed: Vec<CallFacts> = model
        .rows
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.outcome.as_str().to_owned(),
                stamp(r.started),
                r.talk,
                r.total,
                u64::from(r.events),
                u64::from(r.duplicates),
            )
        })
        .collect();
    drop(model);
    let summary = view_lines(&["callev", "summary", "-o", "ndjson"], files, |s| {
        Box::new(
            crate::render::summary::Summary::new(s, Default::default())
                .expect("shard threads start"),
        )
    });
    let summarized: Vec<_> = summary
        .iter()
        .map(|c| {
            (
                c["call_id"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
                c["started_at"]
                    .as_str()
                    .or(c["first_time"].as_str())
                    .map(str::to_owned),
                c["talk_ms"].as_i64(),
                c["total_ms"].as_i64(),
                c["events"].as_u64().unwrap(),
                c["duplicates"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut b = browsed.clone();
    let mut s = summarized.clone();
    b.sort();
    s.sort();
    assert_eq!(b, s, "browse and summary differ on {files:?}");
    // The events records: every call's events and repeats, by its id.
    let events = view_lines(&["callev", "events", "-o", "ndjson"], files, |s| {
        Box::new(crate::render::events::Events::new(s))
    });
    let mut counted: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for e in &events {
        let Some(id) = e["call_id"].as_str() else {
            continue;
        };
        let c = counted.entry(id.to_owned()).or_default();
        // A damaged record that names a call is a note on it, not one of its events.
        if !e["damaged"].is_null() {
            continue;
        }
        if e["repeat"] == true {
            c.1 += 1;
        } else {
            c.0 += 1;
        }
    }
    let mut by_id: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for (id, _, _, _, _, events, repeats) in &summarized {
        let c = by_id.entry(id.clone()).or_default();
        c.0 += events;
        c.1 += repeats;
    }
    assert_eq!(
        counted, by_id,
        "the events records and summary differ on {files:?}"
    );
}

#[test]
fn browse_summary_and_the_events_records_agree_on_every_fixture() {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e != "md") {
                files.push(path.display().to_string());
            }
        }
    }
    files.sort();
    for f in &files {
        views_agree(&[f]);
    }
    let all: Vec<&str> = files.iter().map(String::as_str).collect();
    views_agree(&all);
}

#[test]
fn browse_summary_and_the_events_records_agree_on_the_generated_corpus() {
    views_agree(&["tests/data/corpus-3000.log.zst"]);
}

#[test]
fn a_finding_opens_its_own_record_and_records_are_counted_as_validate_counts_them() {
    // Two inputs with findings at the same line numbers.
    let args = [
        "callev",
        "browse",
        "fixtures/workonflow/invalid.ndjson",
        "fixtures/voximplant/invalid.ndjson",
    ];
    let cli = Cli::try_parse_from(args).expect("parses");
    let settings =
        config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve");
    let shared = super::read_all(&settings).expect("the fixtures read");
    let analysis = super::analysis(&settings);
    let model = shared.lock();
    let (i, finding) = model
        .findings
        .iter()
        .enumerate()
        .find(|(_, f)| f.row.is_some() && model.batches[f.batch as usize].source == 1)
        .map(|(i, f)| (i, f.clone()))
        .expect("a finding of the second input names a call");
    // The records counted are `validate`'s (not the text and other JSON beside them).
    let records = model.tally.records;
    drop(model);
    let cli = Cli::try_parse_from([
        "callev",
        "validate",
        "-o",
        "json",
        "fixtures/workonflow/invalid.ndjson",
        "fixtures/voximplant/invalid.ndjson",
    ])
    .expect("parses");
    let validating =
        config::resolve(&cli.command.options(), &Env::default()).expect("settings resolve");
    let mut view = crate::render::validate::Validate::new(&validating, false, &[]);
    let mut out = Vec::new();
    crate::reading::read_into(&validating, &mut view, &mut out).expect("the inputs read");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("a JSON document");
    assert_eq!(doc["summary"]["records"], records);
    let view = super::open_finding(&shared, i, &settings, &analysis);
    let (record, _) = &view.records[view.selected];
    assert_eq!(record.source, "fixtures/voximplant/invalid.ndjson");
    assert_eq!(record.line, finding.line);
}

#[test]
fn an_empty_list_names_the_filters_that_are_on() {
    let (_, shared, mut app) = browser(&[]);
    key(&mut app, &shared, KeyCode::Char('/'));
    keys(&mut app, &shared, "nothing-like-this");
    key(&mut app, &shared, KeyCode::Enter);
    assert!(app.visible.is_empty());
    let text = screen(&mut app, &shared, 100, 24);
    assert!(
        text.contains("no call matches text \"nothing-like-this\" (Esc clears it)"),
        "{text}"
    );
    assert!(!text.contains("cycles it off"), "{text}");
}

#[test]
fn a_small_screen_wraps_the_help_and_marks_what_it_cannot_hold() {
    let (_, shared, mut app) = browser(&[]);
    key(&mut app, &shared, KeyCode::Char('?'));
    let text = screen(&mut app, &shared, 46, 12);
    assert!(text.contains("a taller terminal shows every key"), "{text}");
    // A key's text goes on under its column, whole words only.
    assert!(text.contains("filter by id, party, end"), "{text}");
    assert!(text.contains("                reason, vendor"), "{text}");
}

#[test]
fn a_wide_screen_dates_the_starts_when_the_calls_span_days() {
    let (_, shared, mut app) = browser(&["fixtures/bandwidth/c-doc-example.json"]);
    let text = screen(&mut app, &shared, 130, 30);
    // The 2012 call and the 2026 ones: each start with its month and day.
    assert!(text.contains("09-19 13:55:41"), "{text}");
    assert!(text.contains("11-21 09:00:00"), "{text}");
    // Ids whole at this width.
    assert!(
        text.contains("4d5e6f70-3333-4333-8333-000000000004"),
        "{text}"
    );
    // A narrower screen: the time of day, as before.
    let text = screen(&mut app, &shared, 100, 30);
    assert!(!text.contains("09-19 13:55:41"), "{text}");
}

#[test]
fn a_narrow_header_marks_the_outcomes_it_leaves_out_and_keeps_the_findings() {
    let (_, shared, mut app) = browser(&[]);
    let wide = screen(&mut app, &shared, 160, 10);
    let second = |text: &str| text.lines().nth(1).unwrap().to_owned();
    let all = second(&wide);
    assert!(!all.contains('…') && all.contains("findings (f)"), "{all}");
    let narrow = second(&screen(&mut app, &shared, 44, 10));
    assert!(narrow.chars().count() <= 44, "{narrow}");
    assert!(
        narrow.contains('…') && narrow.ends_with("findings (f)"),
        "{narrow}"
    );
    // What it shows is the start of what a wide screen shows.
    let shown = narrow.split("  …").next().unwrap();
    assert!(all.starts_with(shown), "{all}\n{narrow}");
}
