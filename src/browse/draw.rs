//! The browser's screens, drawn with ratatui from the state (`state::App`) and the model: the
//! call list, a call's timeline with the selected record as read, the findings, the keys.
//! Every value passes `output::safe`, so no control character reaches the terminal.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Clear, Paragraph, Row as TableRow, Table, TableState, Wrap,
};
use ratatui::Frame;

use super::model::{CallRow, Model};
use super::state::{codes_found, findings_of, App, CallView, FindingsView, ListColumn, Screen};
use crate::event::{EventKind, Outcome};
use crate::output::{safe, thousands};
use crate::render::fit::{self, Col};
use crate::timefmt::{human_duration, offset_clock, Zone};

/// How the screens look: colors or not, the zone times are shown in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Looks {
    pub(crate) color: bool,
    pub(crate) zone: Zone,
    /// `--full-ids`: the list's ids whole (wider), not shortened.
    pub(crate) full_ids: bool,
}

impl Looks {
    fn paint(self, look: crate::render::Look) -> Style {
        let (color, bold, dim) = look.parts();
        let mut s = Style::default();
        if self.color {
            if let Some(c) = color {
                use crate::render::Hue;
                s = s.fg(match c {
                    Hue::Cyan => Color::Cyan,
                    Hue::Green => Color::Green,
                    Hue::Yellow => Color::Yellow,
                    Hue::Magenta => Color::Magenta,
                    Hue::Blue => Color::Blue,
                    Hue::Red => Color::Red,
                });
            }
        }
        if bold {
            s = s.add_modifier(Modifier::BOLD);
        }
        if dim {
            s = s.add_modifier(Modifier::DIM);
        }
        s
    }

    fn outcome(self, o: Outcome) -> Style {
        self.paint(crate::render::outcome_look(o))
    }

    fn kind(self, k: EventKind) -> Style {
        self.paint(crate::render::kind_look(k))
    }

    fn dim(self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    fn bold(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    fn red(self) -> Style {
        if self.color {
            Style::default().fg(Color::Red)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    fn selection(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

/// Draw the screen on top.
pub(crate) fn draw(f: &mut Frame, app: &mut App, model: &Model, looks: Looks) {
    let area = f.area();
    // The keys are drawn over what was on screen.
    let help = matches!(app.screens.last(), Some(Screen::Help));
    let shown = app.screens.len().saturating_sub(1 + usize::from(help));
    match app.screens.get(shown) {
        Some(Screen::Call(view)) => {
            let status = app.status.as_deref().filter(|_| !help);
            draw_call(f, area, view, model, looks, status);
        }
        Some(Screen::Findings(view)) => draw_findings(f, area, view, model, looks),
        _ => draw_list(f, area, app, model, looks),
    }
    if help {
        draw_help(f, area, looks);
    }
}

/// The end of `text` in `width` columns: a place's file and line matter more than its folders.
fn tail(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_owned();
    }
    let mut out = String::from("…");
    out.extend(text.chars().skip(n + 1 - width));
    out
}

fn ms(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_owned(), human_duration)
}

/// What reading has done: the header's right part.
fn reading(model: &Model) -> String {
    let mut s = if model.done {
        format!("read {} records", thousands(model.tally.records))
    } else {
        format!("reading… {} records", thousands(model.tally.records))
    };
    if model.held_bytes > 0 {
        let held = if model.held_bytes < 1_000_000 {
            format!("{} KB", model.held_bytes.div_ceil(1000))
        } else {
            format!("{} MB", model.held_bytes.div_ceil(1_000_000))
        };
        let n = model.held_inputs.len();
        let inputs = if n == 1 { "input" } else { "inputs" };
        s.push_str(&format!(" · {n} {inputs} held in memory ({held})"));
    }
    s
}

/// Why the list is empty: the filters that are on, and the keys that clear them.
fn no_match(app: &App) -> String {
    let mut on = Vec::new();
    if let Some(o) = app.outcome {
        on.push(format!("outcome {} (o cycles it off)", o.as_str()));
    }
    if let Some(v) = app.vendor {
        on.push(format!("vendor {} (v cycles it off)", v.id()));
    }
    if !app.filter.is_empty() {
        on.push(format!("text \"{}\" (Esc clears it)", app.filter));
    }
    if on.is_empty() {
        "no call matches".to_owned()
    } else {
        format!("no call matches {}", on.join(", "))
    }
}

/// The header: the totals of the calls listed, and how reading goes.
fn header(app: &App, model: &Model, looks: Looks, width: u16) -> Text<'static> {
    let mut outcomes = [0u64; Outcome::ALL.len()];
    for &r in &app.visible {
        outcomes[model.rows[r as usize].outcome as usize] += 1;
    }
    let calls = app.visible.len() as u64;
    let answered = outcomes[Outcome::Answered as usize];
    let mut first = vec![
        Span::styled("callev browse", looks.bold()),
        Span::raw(format!(
            "  {} {}",
            thousands(calls),
            if calls == 1 { "call" } else { "calls" }
        )),
    ];
    if let Some(share) = (answered * 100 + calls / 2).checked_div(calls) {
        first.push(Span::raw(format!(" · answered {share}%")));
    }
    let right = reading(model);
    let used: usize = first.iter().map(|s| s.content.chars().count()).sum();
    let pad = usize::from(width).saturating_sub(used + right.chars().count());
    if pad > 0 {
        first.push(Span::raw(" ".repeat(pad)));
        first.push(Span::styled(right, looks.dim()));
    }
    let mut second = Vec::new();
    let mut order: Vec<Outcome> = Outcome::ALL
        .into_iter()
        .filter(|o| outcomes[*o as usize] > 0)
        .collect();
    order.sort_by_key(|o| std::cmp::Reverse(outcomes[*o as usize]));
    // The findings keep their place; the outcomes take the rest, the rarest left out behind a
    // `…` on a narrow screen.
    let found: u64 = model.by_code.iter().map(|(e, w)| e + w).sum();
    let findings = (found > 0).then(|| format!("{} findings (f)", thousands(found)));
    let room = usize::from(width).saturating_sub(findings.as_ref().map_or(0, |f| f.len() + 4));
    let mut used = 0;
    for (i, o) in order.iter().enumerate() {
        let count = format!(" {}", thousands(outcomes[*o as usize]));
        let sep = if second.is_empty() { 0 } else { 2 };
        let more = if i + 1 < order.len() { 3 } else { 0 };
        let w = sep + o.as_str().len() + count.len();
        if used + w + more > room {
            second.push(Span::raw(if second.is_empty() { "…" } else { "  …" }));
            break;
        }
        used += w;
        if sep > 0 {
            second.push(Span::raw("  "));
        }
        second.push(Span::styled(o.as_str(), looks.outcome(*o)));
        second.push(Span::raw(count));
    }
    if let Some(findings) = findings {
        second.push(Span::raw("  · "));
        second.push(Span::styled(findings, looks.red()));
    }
    Text::from(vec![Line::from(first), Line::from(second)])
}

/// The list's columns: each one's width (0: the free end reason, what is left) and when it is
/// left out on a narrow screen (see `fit::Col::drop`).
const LIST_COLUMNS: [(ListColumn, u16, u8); 9] = [
    (ListColumn::Call, 16, 0),
    (ListColumn::Vendor, 10, 3),
    (ListColumn::Started, 8, 2),
    (ListColumn::Ring, 7, 4),
    (ListColumn::Talk, 8, 1),
    (ListColumn::Total, 8, 0),
    (ListColumn::Outcome, 11, 0),
    (ListColumn::Events, 6, 5),
    (ListColumn::EndReason, 0, 0),
];

/// The columns that fit `width`, with their widths (0: what is left, at least 12); whole ids
/// take 36 columns.
fn fitting(width: u16, full_ids: bool, dates: bool) -> Vec<(ListColumn, u16)> {
    let cols: Vec<Col> = LIST_COLUMNS
        .iter()
        .map(|&(column, width, drop)| Col {
            label: column.label(),
            width: usize::from(match column {
                ListColumn::Call if full_ids => 36,
                ListColumn::Started if dates => 14,
                _ => width,
            }),
            drop,
            right: false,
            cap: None,
        })
        .collect();
    let fitted = fit::fit(&cols, Some(12), Some(usize::from(width)), fit::TIGHT);
    fitted
        .shown()
        .map(|(i, w)| (LIST_COLUMNS[i].0, u16::try_from(w).unwrap_or(u16::MAX)))
        .collect()
}

/// A cell cut to its column's width ends with `…`, so a cut value never passes for a whole one
/// (`1h 44m 0` for `1h 44m 05s`); 0 is the free column, which takes what is left.
fn marked(span: Span<'static>, width: usize) -> Span<'static> {
    let text = span.content.as_ref();
    if width == 0 || fit::width_of(text) <= width {
        return span;
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    Span::styled(cut, span.style)
}

fn cell(
    row: &CallRow,
    column: ListColumn,
    looks: Looks,
    id_width: usize,
    dates: bool,
) -> Span<'static> {
    let text = match column {
        ListColumn::Arrival | ListColumn::Call => crate::render::short_id(&safe(&row.id), id_width),
        ListColumn::Vendor => row.vendor.id().to_owned(),
        ListColumn::Started => row.started.map_or_else(
            || "-".to_owned(),
            |t| {
                let full = looks.zone.format(t);
                // `11-21 09:00:00` where the calls span days, else the time of day.
                let part = if dates {
                    full.get(5..19)
                } else {
                    full.get(11..19)
                };
                part.unwrap_or_default().to_owned()
            },
        ),
        ListColumn::Ring => ms(row.ring),
        ListColumn::Talk => ms(row.talk),
        ListColumn::Total => ms(row.total),
        ListColumn::Outcome => row.outcome.as_str().to_owned(),
        ListColumn::EndReason => row
            .end_reason
            .as_deref()
            .map_or_else(String::new, |r| safe(r).into_owned()),
        ListColumn::Events => {
            if row.duplicates > 0 {
                format!("{}+{}", row.events, row.duplicates)
            } else {
                row.events.to_string()
            }
        }
    };
    match column {
        ListColumn::Outcome => Span::styled(text, looks.outcome(row.outcome)),
        // A call with anomalies stands out (its view lists them).
        ListColumn::Call if row.anomalies > 0 => Span::styled(text, looks.red()),
        _ => Span::raw(text),
    }
}

fn draw_list(f: &mut Frame, area: Rect, app: &mut App, model: &Model, looks: Looks) {
    let [top, table, bar, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(header(app, model, looks, area.width)), top);
    // Whole ids on a wide screen, or when asked; there, starts with their date when the calls
    // span more than one day.
    let wide = table.width >= 120;
    let day = |t: i64| (t + i64::from(looks.zone.offset_secs_at(t)) * 1000).div_euclid(86_400_000);
    let dates = wide
        && app
            .starts
            .is_some_and(|(first, last)| day(first) != day(last));
    let columns: Vec<(ListColumn, u16)> = fitting(table.width, looks.full_ids || wide, dates);
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&(_, width)| {
            if width == 0 {
                Constraint::Fill(1)
            } else {
                Constraint::Length(width)
            }
        })
        .collect();
    // What the free column (width 0) is given: the rest, after the others and a space each.
    let rest = {
        let used: u16 = columns.iter().map(|&(_, w)| w + 1).sum();
        table.width.saturating_sub(used.saturating_sub(1))
    };
    let arrow = if app.sort.descending { "↓" } else { "↑" };
    let head = TableRow::new(columns.iter().map(|&(column, _)| {
        let mut label = column.label().to_owned();
        if column == app.sort.column {
            label.push_str(arrow);
        }
        Span::styled(label, looks.bold())
    }));
    // Only the rows on screen are made: the list may hold millions.
    let height = usize::from(table.height.saturating_sub(1));
    if app.position < app.list_offset {
        app.list_offset = app.position;
    } else if height > 0 && app.position >= app.list_offset + height {
        app.list_offset = app.position + 1 - height;
    }
    app.list_offset = app
        .list_offset
        .min(app.visible.len().saturating_sub(height.max(1)));
    app.list_area = Rect {
        y: table.y + 1,
        height: table.height.saturating_sub(1),
        ..table
    };
    let id_width = columns
        .iter()
        .find(|(column, _)| *column == ListColumn::Call)
        .map_or(16, |&(_, width)| usize::from(width));
    let rows: Vec<TableRow> = app
        .visible
        .iter()
        .skip(app.list_offset)
        .take(height)
        .map(|&r| {
            let row = &model.rows[r as usize];
            let cells: Vec<Span> = columns
                .iter()
                .map(|&(column, width)| {
                    let width = if width == 0 { rest } else { width };
                    marked(
                        cell(row, column, looks, id_width, dates),
                        usize::from(width),
                    )
                })
                .collect();
            TableRow::new(cells)
        })
        .collect();
    let mut state = TableState::default();
    if !app.visible.is_empty() {
        state.select(Some(app.position - app.list_offset));
    }
    let empty = app.visible.is_empty();
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(head)
            .row_highlight_style(looks.selection()),
        table,
        &mut state,
    );
    if empty {
        let why = if model.rows.is_empty() {
            if model.done {
                "no calls in the input".to_owned()
            } else {
                "reading…".to_owned()
            }
        } else {
            no_match(app)
        };
        f.render_widget(
            Paragraph::new(Span::styled(why, looks.dim())),
            Rect {
                y: table.y + 2,
                height: 1,
                ..table
            },
        );
    }
    // The filters in force, or the text being typed.
    let mut filters = vec![Span::raw(format!(
        "sort {} {arrow}",
        app.sort.column.label()
    ))];
    if let Some(o) = app.outcome {
        filters.push(Span::raw(" · outcome "));
        filters.push(Span::styled(o.as_str(), looks.outcome(o)));
    }
    if let Some(v) = app.vendor {
        filters.push(Span::raw(format!(" · vendor {}", v.id())));
    }
    if let Some(t) = &app.typing {
        filters.push(Span::raw(" · filter /"));
        filters.push(Span::styled(format!("{}▏", safe(t)), looks.bold()));
    } else if !app.filter.is_empty() {
        filters.push(Span::raw(format!(" · filter /{}", safe(&app.filter))));
    }
    if let Some(s) = &app.status {
        filters.push(Span::styled(format!(" · {}", safe(s)), looks.bold()));
    } else if let Some(n) = model.notes.last() {
        filters.push(Span::styled(format!(" · {}", safe(n)), looks.red()));
    }
    f.render_widget(Paragraph::new(Line::from(filters)), bar);
    let help = if app.typing.is_some() {
        "type to filter by id, party, end reason, vendor · ↵ keep · Esc cancel"
    } else {
        "↵ open  / filter  s sort  r reverse  o outcome  v vendor  f findings  y copy id  ? keys  q quit"
    };
    f.render_widget(Paragraph::new(Span::styled(help, looks.dim())), keys);
}

/// The selected record as read: where it is, its JSON pretty-printed, its findings.
fn record_text<'a>(view: &'a CallView, looks: Looks) -> Text<'a> {
    let Some((r, repeat)) = view.records.get(view.selected) else {
        return Text::raw("");
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}:{}", safe(&r.source), r.line), looks.bold()),
        Span::styled(
            if *repeat { "  a repeated delivery" } else { "" },
            looks.dim(),
        ),
    ])];
    for d in &r.analyzed.diagnostics {
        let style = match d.severity {
            crate::diagnostic::Severity::Error => looks.red(),
            crate::diagnostic::Severity::Warning => Style::default().fg(if looks.color {
                Color::Yellow
            } else {
                Color::Reset
            }),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}[{}] ", d.severity.as_str(), d.code.as_str()),
                style,
            ),
            Span::raw(format!("{} {}", safe(&d.path), safe(&d.message))),
        ]));
    }
    let text = r.text.trim_end();
    let json_at = text.find(['{', '[']).unwrap_or(0);
    let (prefix, json) = text.split_at(json_at);
    if !prefix.trim().is_empty() {
        lines.push(Line::styled(
            safe(prefix.trim_end()).into_owned(),
            looks.dim(),
        ));
    }
    let pretty = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| json.to_owned());
    for l in pretty.lines() {
        lines.push(Line::raw(safe(l).into_owned()));
    }
    Text::from(lines)
}

/// The call's facts: its numbers, end, anomalies.
fn call_facts(view: &CallView, model: &Model, looks: Looks) -> Vec<Line<'static>> {
    let mut call: Option<crate::call::Call> = None;
    for (r, _) in &view.records {
        if let Some(e) = &r.analyzed.normalized {
            call.get_or_insert_with(|| {
                crate::call::Call::new(e.call_id.clone().unwrap_or_default(), e.vendor)
            })
            .add(e);
        }
    }
    let Some(s) = call.map(|c| c.finish()) else {
        let title = view
            .row
            .and_then(|r| model.rows.get(r as usize))
            .map_or_else(
                || "a record".to_owned(),
                |r| format!("call {}", safe(&r.id)),
            );
        return vec![Line::styled(format!("▶ {title}"), looks.bold())];
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("▶ call {}", safe(&s.call_id)), looks.bold()),
        Span::raw(format!("  {}  ", s.vendor)),
        Span::styled(
            s.outcome.as_str(),
            looks.outcome(s.outcome).add_modifier(Modifier::BOLD),
        ),
    ])];
    let mut facts = crate::render::timeline::facts(&s, looks.zone);
    if !s.dtmf.is_empty() {
        facts.push(format!("dtmf {}", safe(&s.dtmf)));
    }
    lines.push(Line::raw(format!("  {}", facts.join(" · "))));
    for a in &s.anomalies {
        lines.push(Line::from(vec![
            Span::styled("  ! ", looks.red()),
            Span::raw(a.clone()),
        ]));
    }
    lines
}

/// The call's events, one line each: offset, hold gutter, kind, name, details; long gaps on a
/// line of their own, repeats dimmed.
fn timeline_lines(view: &CallView, looks: Looks) -> (Vec<Line<'static>>, usize) {
    let start = view
        .records
        .iter()
        .filter_map(|(r, _)| r.analyzed.normalized.as_ref()?.time)
        .min();
    let timed = start.is_some();
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut on_hold = false;
    let mut previous = None;
    for (n, (r, repeat)) in view.records.iter().enumerate() {
        let Some(e) = &r.analyzed.normalized else {
            if n == view.selected {
                selected_line = lines.len();
            }
            lines.push(Line::styled(
                format!("{:>11}   (a record of no call event) line {}", "", r.line),
                looks.dim(),
            ));
            continue;
        };
        if let (Some(p), Some(t)) = (previous, e.time) {
            if t - p >= 10_000 {
                lines.push(Line::styled(
                    format!("{:>11} ⋮ {}", "", human_duration(t - p)),
                    looks.dim(),
                ));
            }
        }
        previous = e.time.or(previous);
        let at = match (e.time, start) {
            (Some(t), Some(s0)) => offset_clock(t - s0),
            (None, _) if timed => "?".to_owned(),
            _ => format!("#{}", n + 1),
        };
        let gutter = match e.kind {
            EventKind::Hold if !repeat => {
                on_hold = true;
                "┬"
            }
            EventKind::Unhold if on_hold && !repeat => {
                on_hold = false;
                "┴"
            }
            _ if on_hold => "│",
            _ => " ",
        };
        let mut details = String::new();
        crate::render::details::push_details(e.vendor, &e.details, |_| true, &mut details);
        let name = e.event.as_deref().unwrap_or_default();
        let mut spans = vec![
            Span::raw(format!("{at:>11} {gutter} ")),
            Span::styled(format!("{:<18}", e.kind.as_str()), looks.kind(e.kind)),
            Span::raw(format!(" {} ", safe(name))),
            Span::styled(safe(&details).into_owned(), looks.dim()),
        ];
        if !r.analyzed.diagnostics.is_empty() {
            spans.push(Span::styled(
                format!("  {} finding(s)", r.analyzed.diagnostics.len()),
                looks.red(),
            ));
        }
        let mut line = Line::from(spans);
        if *repeat {
            line = line.style(looks.dim());
        }
        if n == view.selected {
            selected_line = lines.len();
            line = line.style(looks.selection());
        }
        lines.push(line);
    }
    (lines, selected_line)
}

fn draw_call(
    f: &mut Frame,
    area: Rect,
    view: &CallView,
    model: &Model,
    looks: Looks,
    status: Option<&str>,
) {
    let facts = call_facts(view, model, looks);
    // Each line as wrapped to the width.
    let width = usize::from(area.width.max(1));
    let wrapped: usize = facts.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let facts_height = u16::try_from(wrapped)
        .unwrap_or(u16::MAX)
        .min(area.height / 3);
    let [top, body, keys] = Layout::vertical([
        Constraint::Length(facts_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(facts).wrap(Wrap { trim: false }), top);
    // Side by side on a wide screen, one above the other otherwise.
    let [events_area, record_area] = if body.width >= 160 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
    };
    if let Some(error) = &view.error {
        f.render_widget(
            Paragraph::new(Span::styled(safe(error).into_owned(), looks.red()))
                .block(Block::default().borders(Borders::TOP).title(" events ")),
            events_area,
        );
    } else {
        let (lines, selected) = timeline_lines(view, looks);
        let inner = events_area.height.saturating_sub(1);
        let scroll = selected.saturating_sub(usize::from(inner) / 2);
        f.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::TOP).title(format!(
                    " events {}/{} ",
                    view.selected + 1,
                    view.records.len()
                )))
                .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
            events_area,
        );
    }
    f.render_widget(
        Paragraph::new(record_text(view, looks))
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" record as read "),
            )
            .wrap(Wrap { trim: false })
            .scroll((view.scroll, 0)),
        record_area,
    );
    let help = match status {
        Some(s) => Span::styled(safe(s).into_owned(), looks.bold()),
        None => Span::styled(
            "↑↓ event  PgUp/PgDn record  y copy id  e write events  Esc back  ? keys  q quit",
            looks.dim(),
        ),
    };
    f.render_widget(Paragraph::new(help), keys);
}

fn draw_findings(f: &mut Frame, area: Rect, view: &FindingsView, model: &Model, looks: Looks) {
    let [top, body, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let total: u64 = model.by_code.iter().map(|(e, w)| e + w).sum();
    let kept = if model.findings.len() >= super::model::MAX_FINDINGS {
        format!(
            " (the first {} kept to show)",
            thousands(model.findings.len() as u64)
        )
    } else {
        String::new()
    };
    f.render_widget(
        Paragraph::new(vec![
            Line::styled(
                format!("findings: {}{kept}", thousands(total)),
                looks.bold(),
            ),
            Line::styled(
                "what the vendors' documented schemas say of the records read",
                looks.dim(),
            ),
        ]),
        top,
    );
    match view.code {
        None => {
            let codes = codes_found(model);
            let rows: Vec<TableRow> = codes
                .iter()
                .map(|c| {
                    let (e, w) = model.by_code[*c as usize];
                    TableRow::new(vec![
                        Span::raw(c.as_str()),
                        Span::styled(thousands(e), if e > 0 { looks.red() } else { looks.dim() }),
                        Span::raw(thousands(w)),
                    ])
                })
                .collect();
            let mut state = TableState::default();
            if !codes.is_empty() {
                state.select(Some(view.selected.min(codes.len() - 1)));
            }
            f.render_stateful_widget(
                Table::new(
                    rows,
                    [
                        Constraint::Length(16),
                        Constraint::Length(10),
                        Constraint::Length(10),
                    ],
                )
                .header(TableRow::new(vec!["code", "errors", "warnings"]).style(looks.bold()))
                .row_highlight_style(looks.selection()),
                body,
                &mut state,
            );
            if codes.is_empty() {
                f.render_widget(
                    Paragraph::new(Span::styled("no findings", looks.dim())),
                    Rect {
                        y: body.y + 1,
                        height: 1,
                        ..body
                    },
                );
            }
        }
        Some((code, selected)) => {
            let of_code = findings_of(model, code);
            let height = usize::from(body.height.saturating_sub(1)).max(1);
            let offset = selected.saturating_sub(height / 2);
            let rows: Vec<TableRow> = of_code
                .iter()
                .skip(offset)
                .take(height)
                .map(|&i| {
                    let d = &model.findings[i];
                    let source = model
                        .batches
                        .get(d.batch as usize)
                        .and_then(|b| model.sources.get(b.source as usize))
                        .map_or("", String::as_str);
                    TableRow::new(vec![
                        Span::raw(tail(&format!("{}:{}", safe(source), d.line), 28)),
                        Span::styled(
                            d.severity.as_str(),
                            match d.severity {
                                crate::diagnostic::Severity::Error => looks.red(),
                                crate::diagnostic::Severity::Warning => Style::default(),
                            },
                        ),
                        Span::raw(safe(&d.text).into_owned()),
                    ])
                })
                .collect();
            let mut state = TableState::default();
            if !of_code.is_empty() {
                state.select(Some(selected - offset));
            }
            f.render_stateful_widget(
                Table::new(
                    rows,
                    [
                        Constraint::Length(28),
                        Constraint::Length(8),
                        Constraint::Fill(1),
                    ],
                )
                .header(
                    TableRow::new(vec![
                        format!("{} at", code.as_str()),
                        "".into(),
                        "finding".into(),
                    ])
                    .style(looks.bold()),
                )
                .row_highlight_style(looks.selection()),
                body,
                &mut state,
            );
        }
    }
    let help = if view.code.is_some() {
        "↑↓ finding  ↵ open its record  h codes  Esc back  q quit"
    } else {
        "↑↓ code  ↵ its findings  Esc back  q quit"
    };
    f.render_widget(Paragraph::new(Span::styled(help, looks.dim())), keys);
}

const KEYS: [(&str, &str); 16] = [
    ("↑ ↓  j k", "move"),
    ("PgUp PgDn  g G", "page, first, last"),
    ("↵  click", "open the call (its timeline and records)"),
    ("/", "filter by id, party, end reason, vendor"),
    ("s  r", "sort by the next column, reverse"),
    ("o", "show one outcome (again: the next, then all)"),
    ("v", "show one vendor (again: the next, then all)"),
    ("f", "findings by code"),
    ("y", "copy the call id (the terminal's clipboard)"),
    ("e", "write the open call's records to a file"),
    ("Esc  ←", "back (on the list: clear the filter)"),
    ("?", "these keys"),
    ("q  Ctrl-C", "quit"),
    ("", ""),
    ("", "a call's records are read again from its files when"),
    ("", "it opens; piped and compressed input is held, zstd"),
];

fn draw_help(f: &mut Frame, area: Rect, looks: Looks) {
    let width = area.width.min(72);
    // Each key's text wraps under its column; what a short screen cannot hold ends in a marker.
    let room = usize::from(width.saturating_sub(2 + 17)).max(8);
    let mut lines: Vec<Line> = Vec::new();
    for (k, what) in KEYS {
        for (n, part) in textwrap::wrap(what, room).into_iter().enumerate() {
            let key = if n == 0 {
                format!(" {k:<16}")
            } else {
                " ".repeat(17)
            };
            lines.push(Line::from(vec![
                Span::styled(key, looks.bold()),
                Span::raw(part.into_owned()),
            ]));
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let shown = usize::from(height.saturating_sub(2));
    if lines.len() > shown && shown > 0 {
        lines.truncate(shown - 1);
        lines.push(Line::from(Span::styled(
            " … (a taller terminal shows every key)",
            looks.dim(),
        )));
    }
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys (any key closes) ")),
        popup,
    );
}
