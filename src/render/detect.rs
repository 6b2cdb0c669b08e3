//! `callev detect`: one row per record, saying which vendor and event it is and, with
//! `--explain`, which fields decided it.

use std::io::Write;

use anyhow::Result;
use owo_colors::Style;
use serde::Serialize;

use crate::config::Settings;
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::record::Tally;
use crate::record::{Needs, Results, Status};
use crate::render::paint;
use crate::render::View;

#[derive(Serialize)]
struct DetectRecord<'a> {
    source: &'a str,
    line: u64,
    vendor: Option<&'static str>,
    event: Option<&'a str>,
    reason: &'a str,
}

const HEADER: &[&str] = &["source", "line", "vendor", "event", "reason"];

pub(crate) struct Detect {
    format: Format,
    color: bool,
    explain: bool,
    writer: RecordWriter,
}

impl Detect {
    pub(crate) fn new(settings: &Settings, explain: bool) -> Detect {
        Detect {
            format: settings.format,
            color: settings.color,
            explain,
            writer: RecordWriter::new(settings.format, HEADER),
        }
    }
}

impl View for Detect {
    fn needs(&self) -> Needs {
        Needs::DETECT
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()> {
        let records = &results.records;
        // Text lines are no records; other JSON is listed, as not a call event.
        for r in records
            .iter()
            .filter(|r| !matches!(r.status, Status::Text | Status::Excluded))
        {
            if self.format != Format::Table {
                let row = DetectRecord {
                    source,
                    line: r.line,
                    vendor: r.vendor.map(|v| v.id()),
                    event: r.event.as_deref(),
                    reason: &r.reason_text(),
                };
                self.writer.row(out, &row)?;
                continue;
            }
            let location = format!("{}:{}", safe(source), r.line);
            let (vendor, event) = match r.status {
                Status::Unparseable => (
                    paint(self.color, Style::new().red(), "unparseable"),
                    String::new(),
                ),
                Status::Unknown => (
                    paint(self.color, Style::new().yellow(), "unknown"),
                    String::new(),
                ),
                Status::Other if r.vendor.is_none() => (
                    paint(self.color, Style::new().dimmed(), "other"),
                    String::new(),
                ),
                _ => (
                    paint(
                        self.color,
                        Style::new().bold(),
                        r.vendor.map_or("?", |v| v.id()),
                    ),
                    r.event
                        .as_deref()
                        .map_or_else(|| "(no event name)".to_owned(), |e| safe(e).into_owned()),
                ),
            };
            let pad = |s: &str, visible: usize, width: usize| {
                format!("{s}{}", " ".repeat(width.saturating_sub(visible)))
            };
            let vendor_width = r.vendor.map_or(
                match r.status {
                    Status::Unparseable => 11,
                    Status::Other => 5,
                    _ => 7,
                },
                |v| v.id().len(),
            );
            // Wide enough for the source and seven digits of line numbers, so that rows do not
            // shift as the numbers grow.
            let location_width = (safe(source).chars().count() + 8).max(24);
            write!(
                out,
                "{}  {}  {}",
                pad(&location, location.chars().count(), location_width),
                pad(&vendor, vendor_width, 11),
                pad(&event, event.chars().count(), 30)
            )?;
            let problem = matches!(
                r.status,
                Status::Unparseable | Status::Unknown | Status::Other
            );
            if self.explain || problem {
                write!(
                    out,
                    "  {}",
                    paint(self.color, Style::new().dimmed(), &safe(&r.reason_text()))
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    fn finish(&mut self, tally: &Tally, out: &mut dyn Write) -> Result<()> {
        if self.format != Format::Table {
            self.writer.finish(out)?;
            return Ok(());
        }
        let mut parts: Vec<String> = tally
            .by_vendor()
            .iter()
            .map(|(v, n)| format!("{} {v}", thousands(*n)))
            .collect();
        if tally.unknown > 0 {
            parts.push(format!("{} unknown vendor", thousands(tally.unknown)));
        }
        if tally.unparseable > 0 {
            parts.push(format!("{} unparseable", thousands(tally.unparseable)));
        }
        if let Some(what) = crate::render::notes::beside(tally) {
            parts.push(format!("beside them {what}"));
        }
        let tail = if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        };
        writeln!(out, "read {}{tail}", tally.read_phrase())?;
        Ok(())
    }
}
