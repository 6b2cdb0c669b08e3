//! comfy-table set up from the resolved settings: it never probes the terminal itself, so tests
//! and pipes get the same table for the same width.

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};

use crate::event::{Details, EventKind, Outcome};
use crate::formats::Vendor;

pub fn new_table(width: Option<usize>, color: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    t.force_no_tty();
    if color {
        t.enforce_styling();
    }
    match width {
        Some(w) => {
            t.set_width(u16::try_from(w).unwrap_or(u16::MAX));
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

pub fn header(names: &[&str]) -> Vec<Cell> {
    names
        .iter()
        .map(|n| Cell::new(n).add_attribute(Attribute::Bold))
        .collect()
}

pub fn kind_cell(kind: EventKind) -> Cell {
    super::kind_look(kind).cell(kind.as_str())
}

pub fn outcome_cell(outcome: Outcome) -> Cell {
    super::outcome_look(outcome).cell(outcome.as_str())
}

/// The details that matter to a person, `key value` pairs, escaped for the terminal; the format
/// says which it hides. Decoded switch data is shown by its most telling part only.
pub fn details_text(vendor: Vendor, details: &Details) -> String {
    let mut text = String::new();
    push_details(vendor, details, |_| true, &mut text);
    text
}

/// `details_text` of the details whose keys `keep` takes, written onto `out` (after two spaces
/// when it holds some already).
pub fn push_details(
    vendor: Vendor,
    details: &Details,
    keep: impl Fn(&str) -> bool,
    out: &mut String,
) {
    let hidden = vendor.format().hidden_details;
    for (k, v) in details.iter() {
        if hidden.contains(k) || !keep(k) {
            continue;
        }
        use std::borrow::Cow;
        let text: Cow<str> = match (*k, v) {
            ("data", crate::event::Detail::Json(j)) => {
                match j.get("applicationData").and_then(|d| d.as_str()) {
                    Some(d) => Cow::Borrowed(d),
                    None => continue,
                }
            }
            ("duration_ms" | "talk_ms" | "media_ms", crate::event::Detail::Int(ms)) => {
                Cow::Owned(crate::timefmt::human_duration(*ms))
            }
            (_, crate::event::Detail::Str(s)) => Cow::Borrowed(s.as_str()),
            _ => Cow::Owned(v.display()),
        };
        let key = match *k {
            "duration_ms" => "duration",
            "talk_ms" => "talk",
            "media_ms" => "media",
            k => k,
        };
        if !out.is_empty() {
            out.push_str("  ");
        }
        out.push_str(key);
        out.push(' ');
        out.push_str(&crate::output::safe(&text));
    }
}

/// The table as text without comfy-table's trailing padding.
pub fn text(table: &Table) -> String {
    table
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keep every column but the last at its content's width: only the last (free text) wraps
/// when the terminal is narrow.
pub fn wrap_only_last(table: &mut Table) {
    let widths = table.column_max_content_widths();
    let last = widths.len().saturating_sub(1);
    let fitted: Vec<u16> = widths.iter().take(last).map(|w| w + 2).collect();
    fix_widths(table, &fitted);
}

/// Give the first columns these widths (content plus padding); the rest share what is left.
/// Tables written in chunks use widths that do not depend on the rows, so the chunks line up.
pub fn fix_widths(table: &mut Table, widths: &[u16]) {
    for (i, w) in widths.iter().enumerate() {
        if let Some(col) = table.column_mut(i) {
            col.set_constraint(comfy_table::ColumnConstraint::Absolute(
                comfy_table::Width::Fixed(*w),
            ));
        }
    }
}
