//! The summary's table of calls: its columns (label, alignment, fixed widths, how a cell is
//! written, when it is left out), fitted to the terminal by `render::fit`, either to the rows'
//! own widths (a small input) or to fixed widths (rows written in chunks, by any thread).

use std::borrow::Cow;

use crate::call::CallSummary;
use crate::output::safe;
use crate::render::fit::{self, Cell, Col, Fit};
use crate::render::push_short_id;
use crate::timefmt::{push_duration, Zone};

/// How a call's row is shown: its times in a zone, and, on a narrow terminal, shorter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shown {
    pub(super) zone: Zone,
    /// Below 150 columns the start shows its time of day (the totals give the dates) and ids
    /// are cut shorter.
    pub(super) narrow: bool,
    /// Ids are shortened (on a terminal, without `--full-ids`).
    pub(super) short_ids: bool,
    /// The rows span more than one day: a narrow table's start keeps its date.
    pub(super) dates: bool,
    /// The rows span more than one year: a narrow table's start keeps the year too.
    pub(super) years: bool,
}

/// One column of the summary table: its label, alignment, fixed widths (wide and narrow
/// terminals), when it is left out (see `fit::Col::drop`) and how its cell is written.
pub(super) struct SummaryColumn {
    pub(super) label: &'static str,
    right: bool,
    widths: [usize; 2],
    drop: u8,
    fill: fn(&CallSummary, Shown, &mut String),
}

fn duration(d: Option<i64>, out: &mut String) {
    match d {
        Some(d) => push_duration(out, d),
        None => out.push('-'),
    }
}

/// The outcome's column, which has its own colour, and the DTMF column, shown only when some
/// call has digits.
pub(super) const OUTCOME: usize = 2;
pub(super) const DTMF: usize = 9;

/// The room the end reason (the last, free column) keeps at least.
const END_MIN: usize = 16;

// Durations up to `-59m 59.9s` and counts up to `9999 (+99)` fit their fixed widths. Left out
// first when the table does not fit, least useful first: hold, dtmf, ring, events, vendor,
// talk, started; the call, its outcome, total and end always show.
pub(super) const COLUMNS: [SummaryColumn; 11] = [
    SummaryColumn {
        label: "call",
        right: false,
        widths: [20, 14],
        drop: 0,
        fill: |s, shown, out| match shown.short_ids {
            true => push_short_id(out, &safe(&s.call_id), if shown.narrow { 14 } else { 20 }),
            false => out.push_str(&safe(&s.call_id)),
        },
    },
    SummaryColumn {
        label: "vendor",
        right: false,
        widths: [10, 10],
        drop: 3,
        fill: |s, _, out| out.push_str(s.vendor.id()),
    },
    SummaryColumn {
        label: "outcome",
        right: false,
        widths: [11, 11],
        drop: 0,
        fill: |s, _, out| out.push_str(s.outcome.as_str()),
    },
    SummaryColumn {
        label: "started",
        right: false,
        widths: [30, 15],
        drop: 1,
        fill: |s, shown, out| match s.started_at {
            Some(t) if shown.narrow && shown.years => shown.zone.push(out, t),
            Some(t) if shown.narrow && shown.dates => out.push_str(&shown.zone.format_short(t)),
            Some(t) if shown.narrow => out.push_str(&shown.zone.format_clock(t)),
            Some(t) => shown.zone.push(out, t),
            None => out.push('-'),
        },
    },
    SummaryColumn {
        label: "ring",
        right: true,
        widths: [10, 10],
        drop: 5,
        fill: |s, _, out| duration(s.ring_ms, out),
    },
    SummaryColumn {
        label: "talk",
        right: true,
        widths: [10, 10],
        drop: 2,
        fill: |s, _, out| duration(s.talk_ms, out),
    },
    SummaryColumn {
        label: "hold",
        right: true,
        widths: [10, 10],
        drop: 7,
        fill: |s, _, out| duration(s.hold_ms, out),
    },
    SummaryColumn {
        label: "total",
        right: true,
        widths: [10, 10],
        drop: 0,
        fill: |s, _, out| duration(s.total_ms, out),
    },
    SummaryColumn {
        label: "events",
        right: true,
        widths: [10, 10],
        drop: 4,
        fill: |s, _, out| {
            use std::fmt::Write;
            // Writing into a String cannot fail.
            let _ = if s.duplicates > 0 {
                write!(out, "{} (+{})", s.events, s.duplicates)
            } else {
                write!(out, "{}", s.events)
            };
        },
    },
    SummaryColumn {
        label: "dtmf",
        right: false,
        widths: [8, 8],
        drop: 6,
        fill: |s, _, out| out.push_str(&safe(&s.dtmf)),
    },
    SummaryColumn {
        label: "end",
        right: false,
        widths: [0, 0],
        drop: 0,
        fill: |s, _, out| out.push_str(&s.end_reason.as_deref().map_or(Cow::Borrowed("-"), safe)),
    },
];

/// The call column's width for ids written whole: UUIDs and Bandwidth's ids fit.
const FULL_ID_WIDTH: usize = 40;

/// The summary's columns fitted to `width`, each as wide as `widths` says; without `dtmf` the
/// DTMF column is no candidate (no call has digits), and its cell is not given.
pub(super) fn fit_columns(
    width: Option<usize>,
    widths: impl Fn(usize) -> usize,
    dtmf: bool,
) -> Fit {
    let cols: Vec<Col> = COLUMNS
        .iter()
        .enumerate()
        .filter(|(i, _)| dtmf || *i != DTMF)
        .map(|(i, c)| Col {
            label: c.label,
            width: widths(i),
            drop: c.drop,
            right: c.right,
            cap: None,
        })
        .collect();
    fit::fit(&cols, Some(END_MIN), width, fit::CELLS)
}

/// A call's cells, one per column (written into `texts`, which it clears).
pub(super) fn cells<'a>(
    s: &CallSummary,
    shown: Shown,
    color: bool,
    texts: &'a mut [String; COLUMNS.len()],
) -> [Cell<'a>; COLUMNS.len()] {
    for (c, text) in COLUMNS.iter().zip(texts.iter_mut()) {
        text.clear();
        (c.fill)(s, shown, text);
    }
    let outcome = color.then(|| crate::render::outcome_look(s.outcome).style());
    let mut i = 0;
    texts.each_ref().map(|t| {
        let style = if i == OUTCOME { outcome } else { None };
        i += 1;
        (t.as_str(), style)
    })
}

/// Tables written in chunks (large inputs, following): column widths that do not depend on the
/// rows, so that the chunks line up and any thread can write any row. A cell wider than its
/// column pushes the rest of its line right.
#[derive(Debug, Clone)]
pub(crate) struct FixedTable {
    color: bool,
    zone: Zone,
    narrow: bool,
    short_ids: bool,
    fit: Fit,
}

impl FixedTable {
    /// The fixed-width table for a terminal this wide (any width when not a terminal).
    pub(crate) fn new(color: bool, zone: Zone, width: Option<usize>, short_ids: bool) -> Self {
        let narrow = width.is_some_and(|w| w < 150);
        let widths = |i: usize| {
            if i == 0 && !short_ids {
                FULL_ID_WIDTH
            } else {
                COLUMNS[i].widths[usize::from(narrow)]
            }
        };
        FixedTable {
            color,
            zone,
            narrow,
            short_ids,
            fit: fit_columns(width, widths, true),
        }
    }

    /// What the table leaves out to fit, to say once on stderr.
    pub(super) fn note(&self) -> Option<String> {
        self.fit.note()
    }

    fn shown(&self) -> Shown {
        Shown {
            zone: self.zone,
            narrow: self.narrow,
            short_ids: self.short_ids,
            // Rows written in chunks cannot know the span ahead: the time of day, as the
            // totals give the dates.
            dates: false,
            years: false,
        }
    }

    pub(super) fn header(&self, out: &mut Vec<u8>) {
        let labels = COLUMNS.map(|c| c.label);
        self.fit.header(&labels, self.color, out);
    }

    /// A call's line, written straight onto `out`: the shard threads write one per call.
    pub(crate) fn row(&self, s: &CallSummary, out: &mut Vec<u8>) {
        thread_local! {
            // The cells' texts, kept from row to row: the shards write a row per call.
            static TEXTS: std::cell::RefCell<[String; COLUMNS.len()]> = Default::default();
        }
        TEXTS.with_borrow_mut(|texts| {
            let cells = cells(s, self.shown(), self.color, texts);
            self.fit.row(&cells, self.color, out);
        });
    }
}
