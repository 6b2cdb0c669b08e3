//! What `send` and `trigger --to` say: a line per request as it is answered (time, status,
//! latency, call, event, and the handler's answer when it is short), or a result record per
//! request (`-o ndjson`, json, csv); then, on stderr, the counts by status, the latencies and
//! each failure with its record's `source:line`.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use owo_colors::Style;
use serde::Serialize;

use crate::config::Settings;
use crate::http::client::Failure;
use crate::output::{safe, Format, RecordWriter};
use crate::render::{paint, short_id};
use crate::timefmt::Zone;

/// How much of an answer a result keeps.
const HEAD: usize = 1024;
/// Failures listed at the end (all of them are in the result records).
const LISTED: usize = 20;

/// Where a request's record came from, and whose it is.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) call: Arc<str>,
    pub(crate) vendor: &'static str,
    /// The vendor's name for the event, or its kind.
    pub(crate) event: String,
    pub(crate) source: Arc<str>,
    pub(crate) line: u64,
}

/// What became of one request, after its tries.
pub(crate) struct Outcome {
    pub(crate) answer: std::result::Result<(u16, bytes::Bytes), Failure>,
    pub(crate) latency: std::time::Duration,
    pub(crate) attempts: u32,
}

/// Records read but not sent, and why.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Skipped {
    /// Repeated deliveries of events already sent (`--repeats` sends them).
    pub(crate) repeats: u64,
}

/// One request's result.
#[derive(Debug, Serialize)]
pub(crate) struct Sent {
    pub(crate) source: Arc<str>,
    pub(crate) line: u64,
    pub(crate) call_id: Arc<str>,
    pub(crate) vendor: &'static str,
    pub(crate) event: String,
    pub(crate) method: Option<String>,
    pub(crate) url: Option<String>,
    /// The answer's status; none when there was no answer.
    pub(crate) status: Option<u16>,
    pub(crate) latency_ms: Option<f64>,
    pub(crate) attempts: u32,
    pub(crate) error: Option<String>,
    pub(crate) response_head: Option<String>,
    /// When the answer came (RFC 3339).
    pub(crate) at: String,
}

/// The result record's fields, in order (CSV's header).
const FIELDS: [&str; 13] = [
    "source",
    "line",
    "call_id",
    "vendor",
    "event",
    "method",
    "url",
    "status",
    "latency_ms",
    "attempts",
    "error",
    "response_head",
    "at",
];

impl Sent {
    fn base(o: Origin) -> Sent {
        Sent {
            source: o.source,
            line: o.line,
            call_id: o.call,
            vendor: o.vendor,
            event: o.event,
            method: None,
            url: None,
            status: None,
            latency_ms: None,
            attempts: 0,
            error: None,
            response_head: None,
            at: crate::capture::stamp(std::time::SystemTime::now()),
        }
    }

    /// A record that makes no request, and why.
    pub(crate) fn not_sent(o: Origin, why: String) -> Sent {
        Sent {
            error: Some(format!("not sent: {why}")),
            ..Sent::base(o)
        }
    }

    pub(crate) fn of(o: Origin, method: String, url: String, outcome: Outcome) -> Sent {
        let mut r = Sent {
            method: Some(method),
            url: Some(url),
            attempts: outcome.attempts,
            latency_ms: Some((outcome.latency.as_secs_f64() * 1e6).round() / 1e3),
            ..Sent::base(o)
        };
        match outcome.answer {
            Ok((status, body)) => {
                r.status = Some(status);
                if !body.is_empty() {
                    let cut = &body[..body.len().min(HEAD)];
                    r.response_head = Some(String::from_utf8_lossy(cut).into_owned());
                }
            }
            Err(Failure::Timeout) => r.error = Some("no answer within --timeout".to_owned()),
            Err(Failure::Unreachable(why)) => r.error = Some(why),
        }
        r
    }

    fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// `calls.ndjson:12`
    fn place(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }
}

/// What was sent, counted.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    url: String,
    requests: u64,
    by_status: BTreeMap<u16, u64>,
    /// Requests with no answer, and records that made none.
    unanswered: u64,
    not_sent: u64,
    latencies: Latencies,
    failures: Vec<String>,
    failed: u64,
    color: bool,
    pub(crate) interrupted: bool,
}

impl Totals {
    /// Requests that did not end in a 2xx answer, and records that could not be sent.
    pub(crate) fn failed(&self) -> u64 {
        self.failed
    }

    /// The counts, latencies and failures, on stderr, as notes.
    pub(crate) fn say(&self, skipped: &Skipped) {
        let n = |k: u64, one: &str, many: &str| {
            format!(
                "{} {}",
                crate::output::thousands(k),
                if k == 1 { one } else { many }
            )
        };
        let mut parts: Vec<String> = self
            .by_status
            .iter()
            .map(|(s, k)| format!("{} {s}", crate::output::thousands(*k)))
            .collect();
        if self.unanswered > 0 {
            parts.push(format!(
                "{} unanswered",
                crate::output::thousands(self.unanswered)
            ));
        }
        let mut line = format!(
            "{}sent {} to {}",
            if self.interrupted {
                "interrupted: "
            } else {
                ""
            },
            n(self.requests, "request", "requests"),
            safe(&self.url)
        );
        if !parts.is_empty() {
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
        if let Some(l) = self.latencies.line() {
            line.push_str(&format!("; latency {l}"));
        }
        let say = crate::output::say;
        say(&line);
        if self.not_sent > 0 {
            say(&format!(
                "{} not sent (listed below)",
                n(self.not_sent, "record", "records")
            ));
        }
        if skipped.repeats > 0 {
            say(&format!(
                "{} of events already sent left out (--repeats sends them)",
                n(skipped.repeats, "repeated delivery", "repeated deliveries")
            ));
        }
        for f in &self.failures {
            say(&paint(self.color, Style::new().red(), f));
        }
        let more = self.failed.saturating_sub(self.failures.len() as u64);
        if more > 0 {
            say(&format!(
                "… and {} more (-o ndjson lists every result)",
                n(more, "failure", "failures")
            ));
        }
    }
}

/// Latencies as a histogram of buckets 1% wide (from 1 µs), so a run of any length keeps the
/// same few kilobytes; percentiles are read to within 1%, the maximum exactly.
#[derive(Debug)]
struct Latencies {
    buckets: Vec<u64>,
    count: u64,
    max: f64,
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            buckets: vec![0; Latencies::BUCKETS],
            count: 0,
            max: 0.0,
        }
    }
}

impl Latencies {
    /// 1 µs to about 30 minutes at 1% steps.
    const BUCKETS: usize = 2_200;

    fn bucket(ms: f64) -> usize {
        let us = (ms * 1000.0).max(1.0);
        ((us.ln() / 1.01f64.ln()) as usize).min(Self::BUCKETS - 1)
    }

    /// The bucket's upper bound, in milliseconds.
    fn upper(bucket: usize) -> f64 {
        1.01f64.powi(bucket as i32 + 1) / 1000.0
    }

    fn add(&mut self, ms: f64) {
        self.buckets[Self::bucket(ms)] += 1;
        self.count += 1;
        self.max = self.max.max(ms);
    }

    fn quantile(&self, q: f64) -> f64 {
        let rank = ((self.count - 1) as f64 * q).round() as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen > rank {
                return Self::upper(i).min(self.max);
            }
        }
        self.max
    }

    /// `p50 3.1 ms, p95 8.0 ms, max 9.2 ms`
    fn line(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let ms = |v: f64| {
            if v >= 1000.0 {
                format!("{:.2} s", v / 1000.0)
            } else {
                format!("{v:.1} ms")
            }
        };
        Some(format!(
            "p50 {}, p95 {}, max {}",
            ms(self.quantile(0.5)),
            ms(self.quantile(0.95)),
            ms(self.max)
        ))
    }
}

/// The report as requests are answered.
pub(crate) struct Report {
    format: Format,
    color: bool,
    width: Option<usize>,
    zone: Zone,
    short_ids: bool,
    screen: bool,
    writer: RecordWriter,
    totals: Totals,
}

impl Report {
    pub(crate) fn new(settings: &Settings, url: String) -> Report {
        Report {
            format: settings.format,
            color: settings.color,
            width: settings.width,
            zone: settings.zone,
            short_ids: settings.short_ids,
            writer: RecordWriter::new(settings.format, &FIELDS),
            screen: settings.screen,
            totals: Totals {
                url,
                color: settings.color,
                ..Totals::default()
            },
        }
    }

    /// Report every result the channel gives, until it closes; then the totals.
    pub(crate) fn run(mut self, results: std::sync::mpsc::Receiver<Sent>) -> Result<Totals> {
        let mut out = crate::output::stdout(self.screen);
        for r in results {
            self.add(r, &mut out)?;
        }
        if self.format != Format::Table {
            self.writer.finish(&mut out)?;
        }
        out.flush()?;
        Ok(self.totals)
    }

    fn add(&mut self, r: Sent, out: &mut dyn Write) -> Result<()> {
        let t = &mut self.totals;
        if r.method.is_some() {
            t.requests += 1;
        }
        match r.status {
            Some(s) => *t.by_status.entry(s).or_default() += 1,
            None if r.method.is_some() => t.unanswered += 1,
            None => t.not_sent += 1,
        }
        if let Some(l) = r.latency_ms.filter(|_| r.status.is_some()) {
            t.latencies.add(l);
        }
        if !r.ok() {
            t.failed += 1;
            if t.failures.len() < LISTED {
                let what = match (r.status, &r.error) {
                    (Some(s), _) => format!("answered {s}"),
                    (None, Some(e)) => e.clone(),
                    (None, None) => "no answer".to_owned(),
                };
                let call = if r.call_id.is_empty() {
                    String::new()
                } else {
                    format!("call {}, ", r.call_id)
                };
                t.failures
                    .push(safe(&format!("{} ({call}{}): {what}", r.place(), r.event)).into_owned());
            }
        }
        if self.format == Format::Table {
            let line = self.line(&r);
            writeln!(out, "{line}")?;
            // A person watches: each answer shows as it comes.
            out.flush()?;
        } else {
            self.writer.row(out, &r)?;
        }
        Ok(())
    }

    /// `14:03:07.123  200    3.2 ms  c-7f3a…0001  answer  <Response/>`
    fn line(&self, r: &Sent) -> String {
        let now = chrono::Utc::now().timestamp_millis();
        let time = self.zone.format_time_of_day(now);
        let (status, style) = match r.status {
            Some(s) if (200..300).contains(&s) => (s.to_string(), Style::new().green()),
            Some(s) => (s.to_string(), Style::new().red().bold()),
            None if r.method.is_none() => ("-".to_owned(), Style::new().yellow()),
            None => ("ERR".to_owned(), Style::new().red().bold()),
        };
        let latency = r
            .latency_ms
            .filter(|_| r.method.is_some())
            .map(|l| format!("{l:.1} ms"))
            .unwrap_or_default();
        let call = if r.call_id.is_empty() {
            "(no call)".to_owned()
        } else if self.short_ids {
            short_id(&safe(&r.call_id), 20)
        } else {
            safe(&r.call_id).into_owned()
        };
        let tail = match (&r.error, &r.response_head) {
            (Some(e), _) => e.clone(),
            (None, Some(h)) => h.split_whitespace().collect::<Vec<_>>().join(" "),
            (None, None) => String::new(),
        };
        let head = format!(
            "{time}  {}  {latency:>9}  {call}  {}",
            paint(self.color, style, &format!("{status:<3}")),
            safe(&r.event)
        );
        let shown = 12 + 2 + 3 + 2 + 9 + 2 + call.chars().count() + 2 + r.event.chars().count();
        let tail = safe(&tail).into_owned();
        if tail.is_empty() {
            return head;
        }
        let room = self
            .width
            .map_or(usize::MAX, |w| w.saturating_sub(shown + 2));
        if room < 8 {
            return head;
        }
        let tail = if tail.chars().count() > room {
            let mut cut: String = tail.chars().take(room - 1).collect();
            cut.push('…');
            cut
        } else {
            tail
        };
        let tail = if r.error.is_some() {
            paint(self.color, Style::new().red(), &tail)
        } else {
            paint(self.color, Style::new().dimmed(), &tail)
        };
        format!("{head}  {tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_read_as_percentiles() {
        assert_eq!(Latencies::default().line(), None);
        let mut l = Latencies::default();
        for ms in 1..=100 {
            l.add(f64::from(ms));
        }
        let (p50, p95) = (l.quantile(0.5), l.quantile(0.95));
        assert!((50.5..=51.6).contains(&p50), "{p50}");
        assert!((94.5..=96.0).contains(&p95), "{p95}");
        assert_eq!(l.max, 100.0);
        let mut one = Latencies::default();
        one.add(1500.0);
        assert_eq!(one.line().unwrap(), "p50 1.50 s, p95 1.50 s, max 1.50 s");
    }
}
