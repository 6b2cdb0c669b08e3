//! What the browser shows and how keys change it, apart from any terminal: events in, state and
//! actions out (the tests drive it so). Reading files, copying and writing are actions the loop
//! in `mod.rs` carries out.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::model::{CallRow, Model};
use super::reread::ReadRecord;
use crate::event::Outcome;
use crate::vendor_id::Vendor;

/// The list's columns, which it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListColumn {
    /// Arrival: the order calls first appeared in.
    Arrival,
    Call,
    Vendor,
    Started,
    Ring,
    Talk,
    Total,
    Outcome,
    EndReason,
    Events,
}

impl ListColumn {
    /// In the order `s` steps through them.
    pub(crate) const ALL: [ListColumn; 10] = [
        ListColumn::Arrival,
        ListColumn::Started,
        ListColumn::Call,
        ListColumn::Vendor,
        ListColumn::Ring,
        ListColumn::Talk,
        ListColumn::Total,
        ListColumn::Outcome,
        ListColumn::EndReason,
        ListColumn::Events,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            ListColumn::Arrival => "arrival",
            ListColumn::Call => "call",
            ListColumn::Vendor => "vendor",
            ListColumn::Started => "started",
            ListColumn::Ring => "ring",
            ListColumn::Talk => "talk",
            ListColumn::Total => "total",
            ListColumn::Outcome => "outcome",
            ListColumn::EndReason => "end reason",
            ListColumn::Events => "events",
        }
    }
}

/// The list's order: a column, ascending or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sort {
    pub(crate) column: ListColumn,
    pub(crate) descending: bool,
}

/// Compare two rows by a column; unknown values last whichever the direction.
fn compare(a: &CallRow, b: &CallRow, column: ListColumn, descending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let known = |x: Option<i64>, y: Option<i64>| match (x, y) {
        (Some(x), Some(y)) => {
            let o = x.cmp(&y);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let plain = |o: Ordering| if descending { o.reverse() } else { o };
    match column {
        ListColumn::Arrival => Ordering::Equal,
        ListColumn::Call => plain(a.id.cmp(&b.id)),
        ListColumn::Vendor => plain(a.vendor.id().cmp(b.vendor.id())),
        ListColumn::Started => known(a.started, b.started),
        ListColumn::Ring => known(a.ring, b.ring),
        ListColumn::Talk => known(a.talk, b.talk),
        ListColumn::Total => known(a.total, b.total),
        ListColumn::Outcome => plain(a.outcome.as_str().cmp(b.outcome.as_str())),
        ListColumn::EndReason => match (&a.end_reason, &b.end_reason) {
            (Some(x), Some(y)) => plain(x.cmp(y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        ListColumn::Events => plain(a.events.cmp(&b.events)),
    }
}

/// A call opened: its records read again, the event selected, how far the record is scrolled.
#[derive(Debug)]
pub(crate) struct CallView {
    /// Its row (none: a record that names no call, opened from the findings).
    pub(crate) row: Option<u32>,
    /// Its records in the timeline's order (by time; untimed ones after the one they came
    /// after), and whether each repeats an earlier one.
    pub(crate) records: Vec<(ReadRecord, bool)>,
    /// Why its records could not be read again.
    pub(crate) error: Option<String>,
    pub(crate) selected: usize,
    pub(crate) scroll: u16,
}

impl CallView {
    /// The first record selected, or why there are none.
    pub(crate) fn new(
        row: Option<u32>,
        records: Result<Vec<(ReadRecord, bool)>, String>,
    ) -> CallView {
        let (records, error) = match records {
            Ok(records) => (records, None),
            Err(why) => (Vec::new(), Some(why)),
        };
        CallView {
            row,
            records,
            error,
            selected: 0,
            scroll: 0,
        }
    }
}

/// The findings: by code, then the findings of one code.
#[derive(Debug, Default)]
pub(crate) struct FindingsView {
    pub(crate) selected: usize,
    /// The code opened, and the finding selected among its own.
    pub(crate) code: Option<(crate::diagnostic::Code, usize)>,
}

/// What is on the screen.
#[derive(Debug)]
pub(crate) enum Screen {
    List,
    Call(Box<CallView>),
    Findings(FindingsView),
    Help,
}

/// What the loop does after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    None,
    Quit,
    /// Read the call of this row again and show it.
    Open(u32),
    /// Show the record of this finding (in its call when it has one).
    OpenFinding(usize),
    /// Copy this text (the terminal's clipboard, OSC 52).
    Copy(String),
    /// Write the call on screen's records to a file.
    Export,
}

/// The browser's state.
#[derive(Debug)]
pub(crate) struct App {
    /// Screens open, the list at the bottom.
    pub(crate) screens: Vec<Screen>,
    pub(crate) sort: Sort,
    /// `/`'s text, lower case, and the text being typed (while typing), with the filter it
    /// replaces (what Esc goes back to).
    pub(crate) filter: String,
    pub(crate) typing: Option<String>,
    before_typing: String,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) vendor: Option<Vendor>,
    /// The rows shown, in order, and the model's version they were made from.
    pub(crate) visible: Vec<u32>,
    pub(crate) made_from: Option<u64>,
    /// The earliest and latest start among the rows shown (whether starts need their date).
    pub(crate) starts: Option<(crate::time::Millis, crate::time::Millis)>,
    /// The list's selected row (by row, so it stays put while the list changes) and position.
    pub(crate) selected: Option<u32>,
    pub(crate) position: usize,
    /// A message for the status line (what an action did).
    pub(crate) status: Option<String>,
    /// Where the list's rows were last drawn (for mouse clicks) and how far it was scrolled.
    pub(crate) list_area: Rect,
    pub(crate) list_offset: usize,
    /// The list was changed by a key: make it again now, not at the next refresh.
    pub(crate) stale: bool,
}

impl Default for App {
    fn default() -> Self {
        App {
            screens: vec![Screen::List],
            sort: Sort {
                column: ListColumn::Arrival,
                descending: false,
            },
            filter: String::new(),
            typing: None,
            before_typing: String::new(),
            outcome: None,
            vendor: None,
            visible: Vec::new(),
            starts: None,
            made_from: None,
            selected: None,
            position: 0,
            status: None,
            list_area: Rect::default(),
            list_offset: 0,
            stale: true,
        }
    }
}

impl App {
    pub(crate) fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&Screen::List)
    }

    fn screen_mut(&mut self) -> &mut Screen {
        if self.screens.is_empty() {
            self.screens.push(Screen::List);
        }
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// Whether a row passes the filters the keys set.
    fn shows(&self, row: &CallRow) -> bool {
        row.selected
            && self.outcome.is_none_or(|o| row.outcome == o)
            && self.vendor.is_none_or(|v| row.vendor == v)
            && row.matches(&self.filter)
    }

    /// Make the list again from the model: filtered, sorted, the selection kept on its row.
    pub(crate) fn refresh(&mut self, model: &Model) {
        let mut visible: Vec<u32> = (0..model.rows.len() as u32)
            .filter(|&i| self.shows(&model.rows[i as usize]))
            .collect();
        let sort = self.sort;
        if sort.column != ListColumn::Arrival {
            visible.sort_by(|&a, &b| {
                compare(
                    &model.rows[a as usize],
                    &model.rows[b as usize],
                    sort.column,
                    sort.descending,
                )
            });
        } else if sort.descending {
            visible.reverse();
        }
        let mut starts = visible
            .iter()
            .filter_map(|&i| model.rows[i as usize].started);
        self.starts = starts
            .next()
            .map(|first| starts.fold((first, first), |(a, b), t| (a.min(t), b.max(t))));
        self.visible = visible;
        self.made_from = Some(model.version);
        self.stale = false;
        self.position = match self.selected {
            Some(row) => self
                .visible
                .iter()
                .position(|&r| r == row)
                .unwrap_or(self.position.min(self.visible.len().saturating_sub(1))),
            None => 0,
        };
        self.selected = self.visible.get(self.position).copied();
    }

    /// A new order starts at its top: the cursor staying on a call somewhere in the middle
    /// made a sort look as if it had done nothing.
    fn show_from_top(&mut self) {
        self.selected = None;
        self.position = 0;
        self.list_offset = 0;
        self.stale = true;
    }

    fn select(&mut self, position: usize) {
        if self.visible.is_empty() {
            self.position = 0;
            self.selected = None;
            return;
        }
        self.position = position.min(self.visible.len() - 1);
        self.selected = Some(self.visible[self.position]);
    }

    /// The page size of the list: the rows its area holds.
    fn page(&self) -> usize {
        usize::from(self.list_area.height).max(1)
    }

    /// Take a key; what the loop must do.
    pub(crate) fn key(&mut self, key: KeyEvent, model: &Model) -> Action {
        self.status = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            return Action::Quit;
        }
        if let Some(text) = &mut self.typing {
            match key.code {
                KeyCode::Enter => {
                    self.filter = text.to_lowercase();
                    self.typing = None;
                    self.stale = true;
                }
                KeyCode::Esc => {
                    self.typing = None;
                    self.filter = std::mem::take(&mut self.before_typing);
                    self.stale = true;
                }
                KeyCode::Backspace => {
                    text.pop();
                    self.filter = text.to_lowercase();
                    self.stale = true;
                }
                KeyCode::Char(c) if !ctrl => {
                    text.push(c);
                    self.filter = text.to_lowercase();
                    self.stale = true;
                }
                _ => {}
            }
            return Action::None;
        }
        match self.screen() {
            Screen::Help => {
                if matches!(key.code, KeyCode::Char('q')) {
                    return Action::Quit;
                }
                self.screens.pop();
                Action::None
            }
            Screen::List => self.list_key(key, model),
            Screen::Call(_) => self.call_key(key, model),
            Screen::Findings(_) => self.findings_key(key, model),
        }
    }

    fn common(&mut self, key: &KeyEvent) -> Option<Action> {
        match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.screens.push(Screen::Help);
                Some(Action::None)
            }
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Left if self.screens.len() > 1 => {
                self.screens.pop();
                Some(Action::None)
            }
            _ => None,
        }
    }

    fn list_key(&mut self, key: KeyEvent, model: &Model) -> Action {
        if let Some(a) = self.common(&key) {
            return a;
        }
        let page = self.page();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.select(self.position + 1),
            KeyCode::Up | KeyCode::Char('k') => self.select(self.position.saturating_sub(1)),
            KeyCode::PageDown | KeyCode::Char(' ') => self.select(self.position + page),
            KeyCode::PageUp => self.select(self.position.saturating_sub(page)),
            KeyCode::Home | KeyCode::Char('g') => self.select(0),
            KeyCode::End | KeyCode::Char('G') => self.select(usize::MAX),
            KeyCode::Enter | KeyCode::Right => {
                if let Some(row) = self.selected {
                    return Action::Open(row);
                }
            }
            KeyCode::Char('/') => {
                self.before_typing = self.filter.clone();
                self.typing = Some(self.filter.clone());
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.stale = true;
            }
            KeyCode::Char('s') => {
                let i = ListColumn::ALL
                    .iter()
                    .position(|c| *c == self.sort.column)
                    .unwrap_or(0);
                let column = ListColumn::ALL[(i + 1) % ListColumn::ALL.len()];
                // Durations and counts read best largest first.
                let descending = matches!(
                    column,
                    ListColumn::Ring | ListColumn::Talk | ListColumn::Total | ListColumn::Events
                );
                self.sort = Sort { column, descending };
                self.show_from_top();
            }
            KeyCode::Char('r') | KeyCode::Char('S') => {
                self.sort.descending = !self.sort.descending;
                self.show_from_top();
            }
            KeyCode::Char('o') => {
                self.outcome = cycle(&Outcome::ALL, self.outcome);
                self.stale = true;
            }
            KeyCode::Char('v') => {
                let vendors: Vec<Vendor> = (0..crate::formats::COUNT).map(Vendor::at).collect();
                self.vendor = cycle(&vendors, self.vendor);
                self.stale = true;
            }
            KeyCode::Char('f') | KeyCode::Char('!') => {
                self.screens.push(Screen::Findings(FindingsView::default()));
            }
            KeyCode::Char('y') => {
                if let Some(row) = self.selected {
                    return Action::Copy(model.rows[row as usize].id.to_string());
                }
            }
            _ => {}
        }
        Action::None
    }

    fn call_key(&mut self, key: KeyEvent, model: &Model) -> Action {
        if let Some(a) = self.common(&key) {
            return a;
        }
        let Screen::Call(view) = self.screen_mut() else {
            return Action::None;
        };
        let last = view.records.len().saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                view.selected = (view.selected + 1).min(last);
                view.scroll = 0;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                view.selected = view.selected.saturating_sub(1);
                view.scroll = 0;
            }
            KeyCode::Home | KeyCode::Char('g') => {
                view.selected = 0;
                view.scroll = 0;
            }
            KeyCode::End | KeyCode::Char('G') => {
                view.selected = last;
                view.scroll = 0;
            }
            KeyCode::PageDown | KeyCode::Char(' ') => view.scroll = view.scroll.saturating_add(10),
            KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(10),
            KeyCode::Char('y') => {
                if let Some(row) = view.row {
                    return Action::Copy(model.rows[row as usize].id.to_string());
                }
            }
            KeyCode::Char('e') => return Action::Export,
            _ => {}
        }
        Action::None
    }

    fn findings_key(&mut self, key: KeyEvent, model: &Model) -> Action {
        if let Some(a) = self.common(&key) {
            return a;
        }
        let codes = codes_found(model);
        let Screen::Findings(view) = self.screen_mut() else {
            return Action::None;
        };
        match &mut view.code {
            None => {
                let last = codes.len().saturating_sub(1);
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        view.selected = (view.selected + 1).min(last)
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        view.selected = view.selected.saturating_sub(1)
                    }
                    KeyCode::Enter | KeyCode::Right => {
                        if let Some(code) = codes.get(view.selected) {
                            view.code = Some((*code, 0));
                        }
                    }
                    _ => {}
                }
            }
            Some((code, selected)) => {
                let of_code: Vec<usize> = findings_of(model, *code);
                let last = of_code.len().saturating_sub(1);
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => *selected = (*selected + 1).min(last),
                    KeyCode::Up | KeyCode::Char('k') => *selected = selected.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => {
                        *selected = (*selected + 10).min(last)
                    }
                    KeyCode::PageUp => *selected = selected.saturating_sub(10),
                    KeyCode::Enter | KeyCode::Right => {
                        if let Some(&i) = of_code.get(*selected) {
                            return Action::OpenFinding(i);
                        }
                    }
                    KeyCode::Char('h') => view.code = None,
                    _ => {}
                }
            }
        }
        Action::None
    }

    /// Take a mouse event: the wheel moves the selection, a click on the list selects its row
    /// (a click on the selected row opens it).
    pub(crate) fn mouse(&mut self, m: MouseEvent, model: &Model) -> Action {
        let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
        let up = KeyEvent::new(KeyCode::Up, KeyModifiers::NONE);
        match m.kind {
            MouseEventKind::ScrollDown => self.key(down, model),
            MouseEventKind::ScrollUp => self.key(up, model),
            MouseEventKind::Down(MouseButton::Left) if matches!(self.screen(), Screen::List) => {
                let area = self.list_area;
                if m.row >= area.y && m.row < area.y + area.height && m.column >= area.x {
                    let at = self.list_offset + usize::from(m.row - area.y);
                    if at < self.visible.len() {
                        if at == self.position {
                            return Action::Open(self.visible[at]);
                        }
                        self.select(at);
                    }
                }
                Action::None
            }
            _ => Action::None,
        }
    }
}

/// The next of `all` after `current` (none after the last: all again).
fn cycle<T: Copy + PartialEq>(all: &[T], current: Option<T>) -> Option<T> {
    match current {
        None => all.first().copied(),
        Some(c) => {
            let i = all.iter().position(|x| *x == c)?;
            all.get(i + 1).copied()
        }
    }
}

/// The codes that have findings, most first.
pub(crate) fn codes_found(model: &Model) -> Vec<crate::diagnostic::Code> {
    let mut codes: Vec<_> = crate::diagnostic::Code::ALL
        .into_iter()
        .filter(|c| {
            let (e, w) = model.by_code[*c as usize];
            e + w > 0
        })
        .collect();
    codes.sort_by_key(|c| {
        let (e, w) = model.by_code[*c as usize];
        std::cmp::Reverse(e + w)
    });
    codes
}

/// The findings kept of one code, by their place in `model.findings`.
pub(crate) fn findings_of(model: &Model, code: crate::diagnostic::Code) -> Vec<usize> {
    model
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.code == code)
        .map(|(i, _)| i)
        .collect()
}
