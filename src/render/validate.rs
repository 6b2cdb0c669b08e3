//! `callev validate`: one line per finding (`source:line: severity[code] vendor event /pointer:
//! message`) and a count line; or the findings as records with a summary.

use std::io::Write;

use anyhow::Result;
use owo_colors::Style;
use serde::Serialize;

use crate::config::Settings;
use crate::diagnostic::{Code, Severity};
use crate::output::{safe, thousands, Format, RecordWriter};
use crate::record::Tally;
use crate::record::{Needs, Results};
use crate::render::fit::hang;
use crate::render::View;
use crate::render::{paint, write_hung};

#[derive(Serialize)]
struct FindingRecord<'a> {
    source: &'a str,
    line: u64,
    vendor: Option<&'static str>,
    event: Option<&'a str>,
    severity: &'static str,
    code: &'static str,
    path: &'a str,
    message: &'a str,
}

const HEADER: &[&str] = &[
    "source", "line", "vendor", "event", "severity", "code", "path", "message",
];

pub(crate) struct Validate {
    format: Format,
    color: bool,
    /// The terminal's width: findings and totals wrap to it.
    width: Option<usize>,
    writer: RecordWriter,
    started: bool,
    /// Findings reported, by code and severity, for the tally at the end.
    by_code: [[u64; 2]; Code::ALL.len()],
    /// `--strict` and `--allow`.
    needs: Needs,
}

impl Validate {
    pub(crate) fn new(settings: &Settings, strict: bool, allow: &[String]) -> Validate {
        Validate {
            needs: Needs {
                validate: true,
                strict,
                allowed: allow.iter().filter_map(|c| Code::find(c)).collect(),
                ..Needs::DETECT
            },
            format: settings.format,
            color: settings.color,
            width: settings.width,
            writer: RecordWriter::new(settings.format, HEADER),
            started: false,
            by_code: [[0; 2]; Code::ALL.len()],
        }
    }
}

impl View for Validate {
    fn needs(&self) -> Needs {
        self.needs
    }

    fn batch(&mut self, source: &str, results: &mut Results, out: &mut dyn Write) -> Result<()> {
        let records = &results.records;
        for r in records {
            for d in &r.diagnostics {
                self.by_code[d.code as usize][usize::from(d.severity == Severity::Error)] += 1;
                let row = FindingRecord {
                    source,
                    line: r.line,
                    vendor: r.vendor.map(|v| v.id()),
                    event: r.event.as_deref(),
                    severity: d.severity.as_str(),
                    code: d.code.as_str(),
                    path: &d.path,
                    message: &d.message,
                };
                match self.format {
                    // One document with the summary: the findings stream first, the summary
                    // (known only at the end) follows.
                    Format::Json => {
                        out.write_all(if self.started {
                            b",\n"
                        } else {
                            b"{\"diagnostics\":[\n"
                        })?;
                        self.started = true;
                        serde_json::to_writer(&mut *out, &row)?;
                    }
                    Format::Ndjson | Format::Csv | Format::Parquet => self.writer.row(out, &row)?,
                    Format::Table => {
                        let (word, style) = match d.severity {
                            Severity::Error => ("error", Style::new().red().bold()),
                            Severity::Warning => ("warning", Style::new().yellow().bold()),
                        };
                        let what = match (&r.vendor, &r.event) {
                            (Some(v), Some(e)) => format!(" {v} {}", safe(e)),
                            (Some(v), None) => format!(" {v}"),
                            _ => String::new(),
                        };
                        let path = if d.path.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", safe(&d.path))
                        };
                        let line = format!(
                            "{}: {}{}{}: {}",
                            paint(
                                self.color,
                                Style::new().bold(),
                                &format!("{}:{}", safe(source), r.line)
                            ),
                            paint(self.color, style, &format!("{word}[{}]", d.code.as_str())),
                            what,
                            paint(self.color, Style::new().cyan(), &path),
                            safe(&d.message)
                        );
                        out.write_all(hang("", "    ", &line, self.width).as_bytes())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, t: &Tally, out: &mut dyn Write) -> Result<()> {
        match self.format {
            Format::Json => {
                if !self.started {
                    out.write_all(b"{\"diagnostics\":[")?;
                }
                let summary = serde_json::json!({
                    "records": t.records,
                    "valid": t.valid,
                    "invalid": t.invalid,
                    "warnings": t.warnings,
                    "unparseable": t.unparseable,
                    "unknown": t.unknown,
                    "text_lines": t.text_lines,
                    "other_json": t.other_json,
                    "excluded": t.excluded,
                    "muted": t.muted,
                    "by_code": Code::ALL
                        .iter()
                        .filter(|c| self.by_code[**c as usize] != [0, 0])
                        .map(|c| (c.as_str().to_owned(), serde_json::Value::from(self.by_code[*c as usize].iter().sum::<u64>())))
                        .collect::<serde_json::Map<_, _>>(),
                    "by_vendor": t.by_vendor().iter().map(|(v, n)| (v.id().to_owned(), serde_json::Value::from(*n))).collect::<serde_json::Map<_, _>>(),
                    "complete": !t.interrupted,
                });
                writeln!(out, "],\n\"summary\":{summary}}}")?;
            }
            Format::Ndjson | Format::Csv | Format::Parquet => {
                self.writer.finish(out)?;
                crate::render::notes::note_beside(t);
            }
            Format::Table => {
                let warn = if t.warnings > 0 {
                    format!(" ({} with warnings)", thousands(t.warnings))
                } else {
                    String::new()
                };
                let mut line = format!(
                    "checked {}: {} valid{warn}, {} invalid, {} unparseable, {} unknown vendor",
                    t.read_phrase(),
                    thousands(t.valid),
                    thousands(t.invalid),
                    thousands(t.unparseable),
                    thousands(t.unknown)
                );
                if let Some(what) = crate::render::notes::beside(t) {
                    line.push_str(&format!("; beside them {what}, not call events"));
                }
                let ok = t.invalid + t.unparseable + t.unknown == 0;
                let look = if ok {
                    Style::new().green()
                } else {
                    Style::new().bold()
                };
                write_hung(out, (self.color, look), ("", "  "), &line, self.width)?;
                self.tally_by_code(t, out)?;
                if let Some(why) = strict_failure(self.needs.strict, t) {
                    let bold = (self.color, Style::new().bold());
                    write_hung(out, bold, ("", "  "), &why, self.width)?;
                }
            }
        }
        Ok(())
    }
}

/// With `--strict`, what fails the run that would pass without it: the last line says so.
fn strict_failure(strict: bool, t: &Tally) -> Option<String> {
    if !strict {
        return None;
    }
    let count = |n: u64, one: &str, many: &str| {
        (n > 0).then(|| format!("{} {}", thousands(n), if n == 1 { one } else { many }))
    };
    let parts: Vec<String> = [
        count(t.warnings, "record with warnings", "records with warnings"),
        count(t.text_lines, "text line", "text lines"),
        count(t.other_json, "other JSON value", "other JSON values"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        return None;
    }
    let verb = if parts.len() == 1 && parts[0].starts_with("1 ") {
        "counts"
    } else {
        "count"
    };
    Some(format!("strict: {} {verb} as a failure", parts.join(", ")))
}

impl Validate {
    /// The findings reported, by code (errors and warnings), and those `--allow` muted: what a
    /// long run of findings adds up to, under it.
    fn tally_by_code(&self, t: &Tally, out: &mut dyn Write) -> Result<()> {
        let parts: Vec<String> = Code::ALL
            .iter()
            .filter_map(|c| {
                let [warnings, errors] = self.by_code[*c as usize];
                let count = |n: u64, one: &str, many: &str| {
                    (n > 0).then(|| format!("{} {}", thousands(n), if n == 1 { one } else { many }))
                };
                let counts: Vec<String> = [
                    count(errors, "error", "errors"),
                    count(warnings, "warning", "warnings"),
                ]
                .into_iter()
                .flatten()
                .collect();
                (!counts.is_empty()).then(|| format!("{} {}", c.as_str(), counts.join(" + ")))
            })
            .collect();
        if parts.len() > 1 {
            // Wrapped between codes, never inside one's counts.
            let mut items = parts;
            items[0] = format!("findings by code: {}", items[0]);
            for (i, line) in crate::render::fit::pack(&items, " · ", 2, self.width)
                .into_iter()
                .enumerate()
            {
                let indent = if i == 0 { "" } else { "  " };
                writeln!(out, "{indent}{}", line.join(" · "))?;
            }
        }
        if t.muted > 0 {
            let what = if t.muted == 1 { "finding" } else { "findings" };
            writeln!(out, "{} {what} muted by --allow", thousands(t.muted))?;
        }
        Ok(())
    }
}
