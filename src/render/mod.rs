//! The views: one file per command's output. Each receives resolved settings (format, color,
//! width, zone) and writes to the buffered stdout it is given; none probes the terminal.

pub(crate) mod details;
pub(crate) mod detect;
pub(crate) mod events;
pub(crate) mod fit;
pub(crate) mod listen;
pub(crate) mod notes;
pub(crate) mod parquet;
pub(crate) mod schema;
pub(crate) mod send;
pub(crate) mod shell;
pub(crate) mod sql;
pub(crate) mod summary;
pub(crate) mod timeline;
pub(crate) mod validate;

use std::io::Write;

use anyhow::Result;
use owo_colors::{OwoColorize, Style};

use crate::call::CallMatcher;
use crate::event::{EventKind, Outcome};
use crate::record::{Needs, Prework, Results, Tally};

/// The per-command part of a run: takes each batch's analyzed records in input order.
pub(crate) trait View {
    /// What it needs of the reading: validation, normalized events, how much is kept. Every
    /// view says, so a new one cannot read the wrong way by default.
    fn needs(&self) -> Needs;

    /// Its `--call` patterns, checked after every batch: one that names two calls is a usage
    /// error, said before anything of the run's output is written.
    fn call_matcher(&self) -> Option<&CallMatcher> {
        None
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()>;
    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()>;
    /// What this view does on the workers, ahead of `batch`.
    fn prework(&self) -> Option<Box<Prework>> {
        None
    }
    /// Batches to read ahead of this view (see `pipeline::Options::ahead`). One keeps the
    /// workers busy for views whose work per batch is even (measured: events on 1 GB the same
    /// speed with 1 as with 2, and 3 to 8 MB less peak memory).
    fn read_ahead(&self) -> usize {
        1
    }

    /// Whether, reading several inputs, the view takes their records merged into one order by
    /// time (see `merge`), in batches of records from several sources (`Results::origins`
    /// names each record's source and batch): views that fold calls from their events in order. The
    /// reader then reads the inputs in time order too (`pipeline::read_merged`), so that what
    /// the merge holds stays short.
    fn merges_events(&self) -> bool {
        false
    }

    /// Whether a batch's records are freed by the worker that takes their vector again rather
    /// than on the caller's thread: for views that leave much in them and whose own work holds
    /// the caller's thread (timeline). Freed there, they are held a little longer, so the others
    /// free them here (measured on 1 GB: validate's peak 12.5 MB against 28.5).
    fn frees_on_workers(&self) -> bool {
        false
    }

    /// A message about the run (a source that failed, a followed file truncated): `true` when
    /// the view shows it itself (`browse`, whose screen stderr would break), else it goes to
    /// stderr.
    fn note(&mut self, _text: &str) -> bool {
        false
    }
}

/// Paint text when color is on.
pub(crate) fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        text.style(style).to_string()
    } else {
        text.to_owned()
    }
}

/// Prose wrapped under its first line (`fit::hang`), each line's text painted and its indent
/// left plain.
pub(crate) fn write_hung(
    out: &mut dyn std::io::Write,
    look: (bool, Style),
    indent: (&str, &str),
    text: &str,
    width: Option<usize>,
) -> std::io::Result<()> {
    for line in fit::hang(indent.0, indent.1, text, width).lines() {
        let words = line.trim_start();
        let lead = &line[..line.len() - words.len()];
        writeln!(out, "{lead}{}", paint(look.0, look.1, words))?;
    }
    Ok(())
}

/// The colors callev paints with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hue {
    Cyan,
    Green,
    Yellow,
    Magenta,
    Blue,
    Red,
}

/// How a kind or an outcome looks, decided once and rendered by the text views (owo-colors)
/// and `browse` (ratatui).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look {
    color: Option<Hue>,
    bold: bool,
    dim: bool,
}

const fn look(color: Option<Hue>, bold: bool, dim: bool) -> Look {
    Look { color, bold, dim }
}

pub(crate) fn kind_look(kind: EventKind) -> Look {
    use Hue::*;
    match kind {
        EventKind::Started | EventKind::Ringing => look(Some(Cyan), false, false),
        EventKind::Answered => look(Some(Green), true, false),
        EventKind::Hold | EventKind::Unhold | EventKind::ChannelEnded => {
            look(Some(Yellow), false, false)
        }
        EventKind::Dtmf => look(Some(Magenta), false, false),
        EventKind::ParticipantJoined | EventKind::ParticipantLeft | EventKind::Transfer => {
            look(Some(Blue), false, false)
        }
        EventKind::Media | EventKind::Recording | EventKind::Other => look(None, false, true),
        EventKind::Ended => look(None, true, false),
        EventKind::Failed | EventKind::Missed => look(Some(Red), true, false),
    }
}

pub(crate) fn outcome_look(outcome: Outcome) -> Look {
    use Hue::*;
    match outcome {
        Outcome::Answered => look(Some(Green), false, false),
        Outcome::InProgress => look(Some(Cyan), false, false),
        Outcome::Unknown => look(None, false, true),
        Outcome::Missed | Outcome::NoAnswer | Outcome::Cancelled => {
            look(Some(Yellow), false, false)
        }
        Outcome::Busy | Outcome::Rejected | Outcome::Failed => look(Some(Red), false, false),
    }
}

impl Look {
    /// Its color, boldness and dimness, for renderers of their own (`browse`).
    pub(crate) fn parts(self) -> (Option<Hue>, bool, bool) {
        (self.color, self.bold, self.dim)
    }

    pub(crate) fn style(self) -> Style {
        let mut s = match self.color {
            Some(Hue::Cyan) => Style::new().cyan(),
            Some(Hue::Green) => Style::new().green(),
            Some(Hue::Yellow) => Style::new().yellow(),
            Some(Hue::Magenta) => Style::new().magenta(),
            Some(Hue::Blue) => Style::new().blue(),
            Some(Hue::Red) => Style::new().red(),
            None => Style::new(),
        };
        if self.bold {
            s = s.bold();
        }
        if self.dim {
            s = s.dimmed();
        }
        s
    }
}

/// Cut a long id for a table cell, keeping its start (what `--call` prefixes match) and its end.
pub(crate) fn short_id(id: &str, max: usize) -> String {
    let mut out = String::with_capacity(id.len().min(max * 4));
    push_short_id(&mut out, id, max);
    out
}

/// `short_id` written onto the end of `out`.
pub(crate) fn push_short_id(out: &mut String, id: &str, max: usize) {
    if id.len() <= max || max < 6 {
        out.push_str(id);
        return;
    }
    if id.is_ascii() {
        out.push_str(&id[..max - 5]);
        out.push('…');
        out.push_str(&id[id.len() - 4..]);
        return;
    }
    let n = id.chars().count();
    if n <= max {
        out.push_str(id);
        return;
    }
    out.extend(id.chars().take(max - 5));
    out.push('…');
    out.extend(id.chars().skip(n - 4));
}

#[cfg(test)]
mod tests;
