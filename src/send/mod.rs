//! `callev send` (and `trigger --to`): records made into HTTP requests to the user's handler.
//! The reading pipeline gathers each selected call's records as they were in their source
//! (`collect`), in the views' order, and hands finished calls over a bounded channel to the
//! delivery (`deliver`), which runs on the HTTP runtime: a call's requests one at a time, calls
//! in parallel up to `--concurrency`. The report is `render/send.rs`.

pub(crate) mod collect;
pub(crate) mod deliver;

use std::time::Duration;

use anyhow::{Context as _, Result};
use bytes::Bytes;

use crate::config::Settings;
use crate::exit::{usage, Exit};
use crate::http::{self, client};
pub(crate) use crate::render::send::{Origin, Skipped};
use crate::render::send::{Report, Totals};
use crate::time::Millis;

/// One request to make: a record as it was in its source, and where it came from.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) origin: Origin,
    /// When the vendor sent it: a capture's receive time, else the event's time (`--speed`).
    pub(crate) sent_at: Option<Millis>,
    /// The request, or why the record cannot be one.
    pub(crate) request: Result<Request, String>,
}

/// An HTTP request as a record gives it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The path under the handler's URL (a capture's), or none: the URL's own.
    pub(crate) path: Option<String>,
    pub(crate) query: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

impl Request {
    /// A record's JSON as a vendor POSTs it.
    pub(crate) fn json(body: Vec<u8>) -> Request {
        Request {
            method: "POST".to_owned(),
            path: None,
            query: None,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: Bytes::from(body),
        }
    }

    /// The request a record's exact bytes make: a capture record's request again, or the
    /// record POSTed as JSON.
    pub(crate) fn of_record(bytes: &[u8]) -> (Result<Request, String>, Option<Millis>) {
        let mut scratch = crate::json::fast::Scratch::default();
        match crate::json::Json::parse_with(bytes, &mut scratch) {
            Ok(value) => Request::of_value(bytes, &value),
            Err(_) => (Ok(Request::json(bytes.to_vec())), None),
        }
    }

    /// `of_record` for a record already parsed (`value` is `bytes` read).
    pub(crate) fn of_value(
        bytes: &[u8],
        value: &crate::json::Json<'_>,
    ) -> (Result<Request, String>, Option<Millis>) {
        if crate::capture::is_capture(value) {
            return match crate::capture::replay(value) {
                Ok(r) => (
                    Ok(Request {
                        method: r.method,
                        path: Some(r.path),
                        query: r.query,
                        headers: r.headers,
                        body: Bytes::from(r.body),
                    }),
                    r.received,
                ),
                Err(why) => (Err(why), None),
            };
        }
        if crate::event_record::is_record(value) {
            return (
                Err("a callev events record, not a vendor's payload: send the file it was read from".to_owned()),
                None,
            );
        }
        (Ok(Request::json(bytes.to_vec())), None)
    }
}

/// What `send` and `trigger --to` were told about sending.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) to: String,
    pub(crate) concurrency: usize,
    pub(crate) speed: Option<f64>,
    pub(crate) timeout: String,
    pub(crate) retries: u32,
    pub(crate) basic_auth: Option<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) cacert: Option<std::path::PathBuf>,
    pub(crate) repeats: bool,
}

impl Options {
    /// The delivery these options describe, checked.
    fn delivery(&self) -> Result<deliver::Delivery> {
        let base = client::parse_url("--to", &self.to)?;
        if self.concurrency == 0 || self.concurrency > 1024 {
            return Err(usage(format!(
                "--concurrency {}: expected 1 to 1024",
                self.concurrency
            )));
        }
        if let Some(s) = self.speed {
            if !(s.is_finite() && s > 0.0) {
                return Err(usage(format!(
                    "--speed {s}: expected a number above 0 (1 is real time, 10 ten times faster)"
                )));
            }
        }
        if self.retries > 10 {
            return Err(usage(format!("--retries {}: at most 10", self.retries)));
        }
        let timeout = http::parse_duration("--timeout", &self.timeout)?;
        let mut extra = Vec::new();
        if let Some(cred) = &self.basic_auth {
            if !cred.contains(':') {
                return Err(usage("--basic-auth: expected USER:PASS"));
            }
            use base64::Engine as _;
            let token = base64::engine::general_purpose::STANDARD.encode(cred);
            extra.push(("authorization".to_owned(), format!("Basic {token}")));
        }
        for h in &self.headers {
            let Some((name, value)) = h.split_once(':') else {
                return Err(usage(format!("--header {h:?}: expected 'Name: value'")));
            };
            let (name, value) = (name.trim(), value.trim());
            if hyper::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                || hyper::header::HeaderValue::from_str(value).is_err()
            {
                return Err(usage(format!(
                    "--header {h:?}: not a valid header name and value"
                )));
            }
            extra.push((name.to_ascii_lowercase(), value.to_owned()));
        }
        Ok(deliver::Delivery {
            client: client::Client::new(timeout, self.cacert.as_deref())?,
            base,
            extra,
            speed: self.speed,
            retries: self.retries,
        })
    }
}

/// `callev send`: read the settings' inputs, send the selected calls, report.
pub(crate) fn run(o: &Options, settings: Settings) -> Result<Exit> {
    check_format(&settings)?;
    if settings.follow {
        return Err(usage(
            "send reads its inputs to their end: -f is for the views (send a capture once it is written)",
        ));
    }
    let delivery = o.delivery()?;
    crate::signal::install();
    let (tx, rx) = tokio::sync::mpsc::channel(o.concurrency * 2 + 16);
    let report = Report::new(&settings, o.to.clone());
    let concurrency = o.concurrency;
    let sending = std::thread::Builder::new()
        .name("callev-send".to_owned())
        .spawn(move || deliver::run(delivery, concurrency, rx, report))
        .context("failed to start the sending thread")?;
    let mut collect = collect::Collect::new(&settings, o.repeats, tx);
    // The report owns stdout: the reading writes nothing (`Collect` hands calls over instead).
    let read = crate::reading::read_into(&settings, &mut collect, &mut std::io::sink());
    let skipped = collect.skipped();
    let replayed_unknown = collect.replayed_unknown();
    drop(collect);
    let totals = sending
        .join()
        .map_err(|_| anyhow::anyhow!("the sending thread failed"))??;
    let tally = match read {
        Ok(tally) => tally,
        Err(e) if e.downcast_ref::<crate::exit::Interrupted>().is_some() => {
            totals.say(&skipped);
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let problems = tally.unparseable + tally.unknown.saturating_sub(replayed_unknown) > 0;
    let exit = conclude(&totals, &skipped, problems)?;
    Ok(if tally.failed_sources > 0 {
        Exit::UsageOrIo
    } else {
        exit
    })
}

/// Send calls made here (`trigger --to`), each a list of requests in order.
pub(crate) fn run_calls(
    o: &Options,
    settings: &Settings,
    calls: Vec<Vec<Outgoing>>,
) -> Result<Exit> {
    check_format(settings)?;
    let delivery = o.delivery()?;
    crate::signal::install();
    let (tx, rx) = tokio::sync::mpsc::channel(calls.len().max(1));
    for call in calls {
        tx.try_send(call).ok();
    }
    drop(tx);
    let report = Report::new(settings, o.to.clone());
    let totals = deliver::run(delivery, o.concurrency, rx, report)?;
    conclude(&totals, &Skipped::default(), false)
}

/// Say what was sent, and the status it ends with: Ctrl-C's, or 1 when a request failed or the
/// data had `problems`.
fn conclude(totals: &Totals, skipped: &Skipped, problems: bool) -> Result<Exit> {
    totals.say(skipped);
    if totals.interrupted {
        return Err(crate::exit::Interrupted.into());
    }
    Ok(if totals.failed() > 0 || problems {
        Exit::DataProblems
    } else {
        Exit::Ok
    })
}

fn check_format(settings: &Settings) -> Result<()> {
    if settings.format == crate::output::Format::Parquet {
        return Err(usage(
            "-o parquet is for events and summary; send writes a table, json, ndjson or csv",
        ));
    }
    Ok(())
}

/// How long to wait before the `attempt`-th try again (from 1): 0.5 s doubling, at most 8 s.
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64 << attempt.saturating_sub(1).min(4))
}
