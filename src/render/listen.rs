//! `callev listen`'s screen: a line per request as it is captured (time, method, path, the
//! answer's status and latency, the event it carried), its findings under it as `validate`
//! says them, a line when a call ends (its outcome and durations, as `summary` works them
//! out), a status line of counts on a terminal, and what was received when it stops. With
//! `-o ndjson`, the events records instead (as `events -o ndjson` writes them). The screen reads
//! the capture's lines as they are written: what it shows is what the capture holds.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use owo_colors::Style;

use crate::call::state::CallState;
use crate::call::step::Step;
use crate::config::Settings;
use crate::event::Event;
use crate::event_record::{EventRecord, Origin};
use crate::json::Json;
use crate::output::{safe, Format};
use crate::record::{self, Analysis, Analyzed, Needs, Status};
use crate::render::fit::{shorten_middle, width_of, wrap};
use crate::render::{kind_look, outcome_look, paint, short_id};
use crate::timefmt::{human_duration, Zone};

/// Calls followed at once; beyond, new calls are shown but not followed to their end.
const MAX_CALLS: usize = 100_000;

/// What was received, said in the status line and at the end.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) requests: u64,
    pub(crate) events: u64,
    pub(crate) not_events: u64,
    pub(crate) calls_ended: u64,
    pub(crate) findings: u64,
    pub(crate) rejected: u64,
    pub(crate) failed_answers: u64,
}

struct Followed {
    state: CallState,
    seq: u64,
    seen: HashSet<u64>,
    /// Its end was shown (its later events, a hangup after a timeout, are still numbered).
    ended: bool,
}

pub(crate) struct Screen {
    format: Format,
    color: bool,
    width: Option<usize>,
    zone: Zone,
    short_ids: bool,
    screen_safe: bool,
    status_line: bool,
    capture: String,
    stem: String,
    analysis: Analysis,
    calls: HashMap<String, Followed>,
    /// Calls followed whose end has not been seen.
    open: usize,
    counts: Counts,
    first_line: u64,
    last_line: u64,
    /// callev answers with an empty 200 (no --reply, no --forward-to).
    empty_answers: bool,
    bxml_said: bool,
}

impl Screen {
    pub(crate) fn new(settings: &Settings, capture: &str, lines_before: u64) -> Screen {
        let mut needs = Needs::EVENTS;
        needs.validate = true;
        let stem = crate::input::Source::from_arg(capture).stem();
        Screen {
            format: settings.format,
            color: settings.color,
            width: settings.width,
            zone: settings.zone,
            short_ids: settings.short_ids,
            screen_safe: settings.screen,
            status_line: settings.progress && settings.format == Format::Table,
            capture: capture.to_owned(),
            stem,
            analysis: crate::reading::analysis(needs, settings),
            calls: HashMap::new(),
            open: 0,
            counts: Counts::default(),
            first_line: lines_before + 1,
            last_line: lines_before,
            empty_answers: true,
            bxml_said: false,
        }
    }

    /// callev answers with something (`--reply`, `--forward-to`): no hint about empty answers.
    pub(crate) fn answers_with_content(&mut self) {
        self.empty_answers = false;
    }

    /// A message for the person watching, on stderr.
    pub(crate) fn note(&self, text: &str) {
        // A closed stderr does not stop the server.
        let mut err = std::io::stderr().lock();
        for line in wrap(&format!("callev: {text}"), self.width.unwrap_or(100)) {
            let _ = writeln!(err, "{line}");
        }
    }

    /// The lines said when listening starts.
    pub(crate) fn banner(&self, lines: &[String]) {
        for l in lines {
            self.note(l);
        }
    }

    /// Show each written line until the capture closes, then say what was received.
    pub(crate) fn run(mut self, rx: &Receiver<(u64, Vec<u8>)>, skipped: &AtomicU64) {
        let mut out = crate::output::stdout(self.screen_safe);
        let bar = self.status_line.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_message(self.status_text(skipped));
            bar
        });
        let mut text = Vec::new();
        loop {
            let (line, bytes) = match rx.recv_timeout(Duration::from_millis(250)) {
                Ok(item) => item,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            };
            self.show(line, &bytes, &mut text);
            // Everything waiting is shown before the terminal is written to.
            while let Ok((line, bytes)) = rx.try_recv() {
                self.show(line, &bytes, &mut text);
                if text.len() > 1 << 16 {
                    break;
                }
            }
            let written = match &bar {
                Some(bar) => bar.suspend(|| out.write_all(&text).and_then(|()| out.flush())),
                None => out.write_all(&text).and_then(|()| out.flush()),
            };
            text.clear();
            // stdout closed (`| head`): the capture goes on; the screen stops.
            if written.is_err() {
                self.status_line = false;
            }
            if let Some(bar) = &bar {
                bar.set_message(self.status_text(skipped));
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let _ = out.flush();
        drop(out);
        self.report(skipped.load(Ordering::Relaxed));
    }

    fn status_text(&self, skipped: &AtomicU64) -> String {
        let c = &self.counts;
        let mut text = format!(
            "{} requests · {} events · calls {} open, {} ended · {} findings · {} rejected",
            c.requests, c.events, self.open, c.calls_ended, c.findings, c.rejected
        );
        let skipped = skipped.load(Ordering::Relaxed);
        if skipped > 0 {
            text.push_str(&format!(" · {skipped} not shown (all captured)"));
        }
        match self.width {
            Some(w) => shorten_middle(&text, w.saturating_sub(1)),
            None => text,
        }
    }

    /// One captured line: its request, its event, its findings, the call it ended.
    fn show(&mut self, line: u64, bytes: &[u8], text: &mut Vec<u8>) {
        self.last_line = line;
        self.counts.requests += 1;
        let request = RequestLine::of(bytes);
        if (400..500).contains(&request.status) && request.dropped {
            self.counts.rejected += 1;
        } else if request.status >= 500 {
            self.counts.failed_answers += 1;
        }
        let analyzed = record::analyze_reader(
            Cursor::new(bytes),
            crate::input::InputFormat::Ndjson,
            &self.capture,
            &self.stem,
            &self.analysis,
        )
        .unwrap_or_default();
        for mut r in analyzed {
            r.line = line;
            self.counts.findings += r.diagnostics.len() as u64;
            match r.normalized.take() {
                Some(e) if matches!(r.status, Status::Valid | Status::Invalid) => {
                    self.counts.events += 1;
                    self.event(&request, &r, &e, text);
                }
                _ => {
                    self.counts.not_events += 1;
                    if self.format == Format::Table {
                        self.request_row(&request, None, &r.reason_text(), text);
                        self.findings(&r, text);
                    }
                }
            }
        }
    }

    fn event(&mut self, request: &RequestLine, r: &Analyzed, e: &Event, text: &mut Vec<u8>) {
        let (seq, ended) = self.follow(e);
        if self.format != Format::Table {
            let mut record = EventRecord::new(&self.capture, r.line, e, seq, Origin::now());
            record.offset = None;
            if serde_json::to_writer(&mut *text, &record).is_ok() {
                text.push(b'\n');
            }
            return;
        }
        let id = e.call_id.as_deref().unwrap_or("-");
        let id = if self.short_ids {
            short_id(id, 14)
        } else {
            id.to_owned()
        };
        let name = e.event.as_deref().unwrap_or("-");
        // Below 100 columns the event's own name tells the vendor, as in `events`.
        let what = if self.width.is_some_and(|w| w < 100) {
            format!("{} {} {}", safe(name), safe(&id), e.kind.as_str())
        } else {
            format!(
                "{} {} {} {}",
                e.vendor,
                safe(name),
                safe(&id),
                e.kind.as_str()
            )
        };
        self.request_row(request, Some((e, &what)), "", text);
        self.findings(r, text);
        let (answered, what) = e.vendor.format().answered_callbacks;
        if self.empty_answers
            && !self.bxml_said
            && request.status == 200
            && answered.contains(&name)
        {
            self.bxml_said = true;
            let hint = format!(
                "{}'s {name} callback {what}: answer with --reply FILE (e.g. answer.xml holding <Response><SpeakSentence>Hello</SpeakSentence></Response>) or --forward-to your app",
                e.vendor
            );
            self.indented(&hint, Style::new().yellow(), text);
        }
        if let Some(summary) = ended {
            let mut line = format!("call {} ended: {}", safe(&id), summary.outcome.as_str());
            for (label, value) in [
                ("ring", summary.ring_ms),
                ("talk", summary.talk_ms),
                ("total", summary.total_ms),
            ] {
                if let Some(ms) = value {
                    line.push_str(&format!(", {label} {}", human_duration(ms)));
                }
            }
            if let Some(reason) = &summary.end_reason {
                line.push_str(&format!(", {}", safe(reason)));
            }
            if !summary.anomalies.is_empty() {
                line.push_str(&format!(" ({} anomalies)", summary.anomalies.len()));
            }
            self.indented(&line, outcome_look(summary.outcome).style(), text);
        }
    }

    /// Fold an event into its call: its number within the call, and the call's summary when
    /// the event ended it.
    fn follow(&mut self, e: &Event) -> (u64, Option<crate::call::summary_record::CallSummary>) {
        let Some(id) = e.call_id.as_deref() else {
            return (0, None);
        };
        if !self.calls.contains_key(id) {
            if self.calls.len() >= MAX_CALLS {
                self.calls.retain(|_, c| !c.ended);
            }
            if self.calls.len() >= MAX_CALLS {
                return (0, None);
            }
            self.calls.insert(
                id.to_owned(),
                Followed {
                    state: CallState::new(id.to_owned(), e.vendor),
                    seq: 0,
                    seen: HashSet::new(),
                    ended: false,
                },
            );
            self.open += 1;
        }
        let Some(call) = self.calls.get_mut(id) else {
            return (0, None);
        };
        call.seq += 1;
        let seq = call.seq;
        if let Some(fp) = e.fingerprint {
            if !call.seen.insert(fp) {
                call.state.repeated();
                return (seq, None);
            }
        }
        call.state.apply(&Step::of(e));
        if !e.kind.is_terminal() || call.ended {
            return (seq, None);
        }
        call.ended = true;
        self.open -= 1;
        self.counts.calls_ended += 1;
        (seq, Some(call.state.finish()))
    }

    /// `14:00:01.234 POST /cb/answer 200 1.2ms  bandwidth answer c-1 answered`, fitted.
    fn request_row(
        &self,
        r: &RequestLine,
        event: Option<(&Event, &str)>,
        why: &str,
        text: &mut Vec<u8>,
    ) {
        let clock = r
            .received
            .map(|ms| self.zone.format_time_of_day(ms))
            .unwrap_or_else(|| "-".repeat(12));
        let status = r.status.to_string();
        let latency = format!("{:.1}ms", r.latency_ms);
        let rest = match event {
            Some((_, what)) => what.to_owned(),
            None => why.to_owned(),
        };
        let fixed =
            width_of(&clock) + 1 + r.method.len() + 1 + 1 + status.len() + 1 + latency.len() + 2;
        let (path, rest) = match self.width {
            Some(w) => {
                let room = w.saturating_sub(fixed);
                let path_room = room.min(width_of(&r.path)).min((room / 3).max(12));
                let path = shorten_middle(&r.path, path_room.max(4));
                let rest_room = w.saturating_sub(fixed + width_of(&path));
                (path, shorten_middle(&rest, rest_room.max(8)))
            }
            None => (r.path.clone(), rest),
        };
        let status_style = match r.status {
            200..=299 => Style::new().green(),
            400..=499 => Style::new().yellow(),
            _ => Style::new().red(),
        };
        let rest = match event {
            Some((e, _)) => paint(self.color, kind_look(e.kind).style(), &rest),
            None => paint(self.color, Style::new().dimmed(), &rest),
        };
        let _ = writeln!(
            text,
            "{} {} {} {} {}  {}",
            paint(self.color, Style::new().dimmed(), &clock),
            safe(&r.method),
            safe(&path),
            paint(self.color, status_style, &status),
            paint(self.color, Style::new().dimmed(), &latency),
            rest
        );
    }

    /// A record's findings, as validate says them, under its request.
    fn findings(&self, r: &Analyzed, text: &mut Vec<u8>) {
        for d in &r.diagnostics {
            let (word, style) = match d.severity {
                crate::diagnostic::Severity::Error => ("error", Style::new().red()),
                crate::diagnostic::Severity::Warning => ("warning", Style::new().yellow()),
            };
            let at = if d.path.is_empty() {
                String::new()
            } else {
                format!(" {}", d.path)
            };
            let line = format!(
                "{}:{}: {word}[{}]{at}: {}",
                self.capture,
                r.line,
                d.code.as_str(),
                d.message
            );
            self.indented(&safe(&line), style, text);
        }
    }

    /// Text under a request, indented and wrapped at word boundaries.
    fn indented(&self, line: &str, style: Style, text: &mut Vec<u8>) {
        let width = self
            .width
            .unwrap_or(usize::MAX / 2)
            .saturating_sub(4)
            .max(20);
        for part in wrap(line, width) {
            let _ = writeln!(text, "    {}", paint(self.color, style, &part));
        }
    }

    /// What was received, on stderr, when listening stops.
    fn report(&self, skipped: u64) {
        let c = &self.counts;
        let lines = if c.requests == 0 {
            "nothing written".to_owned()
        } else {
            format!("lines {}-{}", self.first_line, self.last_line)
        };
        let mut text = format!(
            "stopped: {} requests ({} events, {} not events); calls: {} ended, {} still open; {} findings; {} rejected",
            c.requests,
            c.events,
            c.not_events,
            c.calls_ended,
            self.open,
            c.findings,
            c.rejected
        );
        if c.failed_answers > 0 {
            text.push_str(&format!(", {} answered 5xx", c.failed_answers));
        }
        if skipped > 0 {
            text.push_str(&format!(
                ", {skipped} not shown (the screen fell behind; all are in the capture)"
            ));
        }
        text.push_str(&format!("; capture: {} ({lines})", self.capture));
        self.note(&text);
    }
}

/// What a capture record says of its request, for its row.
struct RequestLine {
    received: Option<i64>,
    method: String,
    path: String,
    status: u16,
    latency_ms: f64,
    dropped: bool,
}

impl RequestLine {
    fn of(bytes: &[u8]) -> RequestLine {
        let mut scratch = crate::json::fast::Scratch::default();
        let parsed = Json::parse_with(bytes.trim_ascii_end(), &mut scratch).ok();
        let v = parsed.as_ref();
        let text = |k: &str| v.and_then(|v| v.get_str(k)).unwrap_or("-").to_owned();
        let num = |k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Json::num)
                .map(|n| n.as_f64())
        };
        let mut path = text("path");
        if let Some(q) = v.and_then(|v| v.get_str("query")) {
            path.push('?');
            path.push_str(q);
        }
        RequestLine {
            received: v
                .and_then(|v| v.get("received_at"))
                .and_then(|t| crate::time::from_json(t, 0)),
            method: text("method"),
            path,
            status: num("status").unwrap_or(0.0) as u16,
            latency_ms: num("latency_ms").unwrap_or(0.0),
            dropped: v.and_then(|v| v.get_str("dropped")).is_some(),
        }
    }
}
