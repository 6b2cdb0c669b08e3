//! The views: one file per command's output. Each receives resolved settings (format, color,
//! width, zone) and writes to the buffered stdout it is given; none probes the terminal.

pub mod detect;
pub mod events;
pub mod schema;
pub mod shell;
pub mod summary;
pub mod table;
pub mod timeline;
pub mod validate;

use owo_colors::{OwoColorize, Style};

use crate::event::{EventKind, Outcome};

/// Paint text when color is on.
pub fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        text.style(style).to_string()
    } else {
        text.to_owned()
    }
}

pub fn kind_style(kind: EventKind) -> Style {
    let s = Style::new();
    match kind {
        EventKind::Started | EventKind::Ringing => s.cyan(),
        EventKind::Answered => s.green().bold(),
        EventKind::Hold | EventKind::Unhold => s.yellow(),
        EventKind::Dtmf => s.magenta(),
        EventKind::ParticipantJoined | EventKind::ParticipantLeft | EventKind::Transfer => s.blue(),
        EventKind::Media | EventKind::Recording | EventKind::Other => s.dimmed(),
        EventKind::ChannelEnded => s.yellow().dimmed(),
        EventKind::Ended => s.bold(),
        EventKind::Failed | EventKind::Missed => s.red().bold(),
    }
}

pub fn outcome_style(outcome: Outcome) -> Style {
    let s = Style::new();
    match outcome {
        Outcome::Answered => s.green(),
        Outcome::InProgress => s.cyan(),
        Outcome::Unknown => s.dimmed(),
        Outcome::Missed | Outcome::NoAnswer | Outcome::Cancelled => s.yellow(),
        Outcome::Busy | Outcome::Rejected | Outcome::Failed => s.red(),
    }
}

/// Cut a long id for a table cell, keeping its start (what `--call` prefixes match) and its end.
pub fn short_id(id: &str, max: usize) -> String {
    let n = id.chars().count();
    if n <= max || max < 6 {
        return id.to_owned();
    }
    let head = max - 5;
    let start: String = id.chars().take(head).collect();
    let end: String = id.chars().skip(n - 4).collect();
    format!("{start}…{end}")
}
