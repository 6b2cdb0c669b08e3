//! The sending side of `send` and `trigger --to`, on the HTTP runtime: calls taken from the
//! channel in order, up to `concurrency` at once; a call's requests one at a time, each after
//! the previous one's answer (as a vendor sends them), paced by `--speed`, tried again on
//! connection errors and 5xx answers with `--retries`. Ctrl-C stops at once: requests in
//! flight are dropped and reported as not answered.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Uri;
use tokio::sync::mpsc::Receiver;

use super::{backoff, Outgoing, Request};
use crate::http::client::{self, Client, Failure};
use crate::render::send::{Outcome, Report, Sent, Totals};

/// Where and how requests go.
pub(crate) struct Delivery {
    pub(crate) client: Client,
    pub(crate) base: Uri,
    /// Headers added to every request, replacing those of the same name (lower case).
    pub(crate) extra: Vec<(String, String)>,
    pub(crate) speed: Option<f64>,
    pub(crate) retries: u32,
}

/// Send every call the channel gives, reporting each request as it is answered; returns the
/// totals once the channel is closed and every call is done, or at Ctrl-C.
pub(crate) fn run(
    delivery: Delivery,
    concurrency: usize,
    mut calls: Receiver<Vec<Outgoing>>,
    report: Report,
) -> Result<Totals> {
    let runtime = crate::http::runtime()?;
    let delivery = Arc::new(delivery);
    runtime.block_on(async move {
        let (results_tx, results_rx) = std::sync::mpsc::channel::<Sent>();
        let reporter = std::thread::Builder::new()
            .name("callev-report".to_owned())
            .spawn(move || report.run(results_rx))?;
        let permits = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let mut running = tokio::task::JoinSet::new();
        loop {
            let next = tokio::select! {
                call = calls.recv() => call,
                () = interruption() => None,
            };
            let Some(call) = next else { break };
            let permit = tokio::select! {
                p = Arc::clone(&permits).acquire_owned() => p.ok(),
                () = interruption() => None,
            };
            let Some(permit) = permit else { break };
            let delivery = Arc::clone(&delivery);
            let results = results_tx.clone();
            running.spawn(async move {
                send_call(&delivery, call, &results).await;
                drop(permit);
            });
            // Finished calls' tasks are reaped as they go, so the set stays small.
            while running.try_join_next().is_some() {}
        }
        // Closing the channel lets the reading side stop waiting to hand calls over.
        calls.close();
        while running.join_next().await.is_some() {}
        drop(results_tx);
        let mut totals = reporter
            .join()
            .map_err(|_| anyhow::anyhow!("the report failed"))??;
        totals.interrupted = crate::signal::interrupted();
        Ok(totals)
    })
}

/// Resolves when Ctrl-C has been pressed.
async fn interruption() {
    while !crate::signal::interrupted() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A call's requests, in order, each after the previous one's answer.
async fn send_call(d: &Delivery, call: Vec<Outgoing>, results: &std::sync::mpsc::Sender<Sent>) {
    let start = Instant::now();
    let first = call.iter().find_map(|o| o.sent_at);
    for Outgoing {
        origin,
        sent_at,
        request,
    } in call
    {
        if crate::signal::interrupted() {
            return;
        }
        if let (Some(speed), Some(t0), Some(t)) = (d.speed, first, sent_at) {
            let gap = Duration::from_secs_f64((t - t0).max(0) as f64 / 1000.0 / speed);
            tokio::select! {
                () = tokio::time::sleep_until((start + gap).into()) => {}
                () = interruption() => return,
            }
        }
        let sent = match request {
            Err(why) => Sent::not_sent(origin, why),
            Ok(req) => {
                let url = match client::join(
                    &d.base,
                    req.path.as_deref().unwrap_or(""),
                    req.query.as_deref(),
                ) {
                    Ok(url) => url,
                    Err(e) => {
                        let why = format!("the record's path makes no URL: {e}");
                        let _ = results.send(Sent::not_sent(origin, why));
                        continue;
                    }
                };
                let outcome = tokio::select! {
                    r = send_one(d, &req, &url) => r,
                    () = interruption() => return,
                };
                Sent::of(origin, req.method, url.to_string(), outcome)
            }
        };
        if results.send(sent).is_err() {
            return;
        }
    }
}

async fn send_one(d: &Delivery, req: &Request, url: &Uri) -> Outcome {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let built = build(d, req, url);
        let (answer, latency) = match built {
            Err(why) => (Err(Failure::Unreachable(why)), Duration::ZERO),
            Ok(r) => match d.client.send(r).await {
                Ok(a) => (Ok((a.parts.status.as_u16(), a.body)), a.latency),
                Err((f, latency)) => (Err(f), latency),
            },
        };
        let again = match &answer {
            Ok((status, _)) => *status >= 500,
            Err(Failure::Unreachable(_)) => true,
            Err(Failure::Timeout) => false,
        };
        if !again || attempts > d.retries {
            return Outcome {
                answer,
                latency,
                attempts,
            };
        }
        tokio::time::sleep(backoff(attempts)).await;
    }
}

/// The HTTP request: the record's method, headers and exact body, the extra headers over them.
fn build(
    d: &Delivery,
    req: &Request,
    url: &Uri,
) -> std::result::Result<hyper::Request<Full<Bytes>>, String> {
    let method = hyper::Method::from_bytes(req.method.as_bytes())
        .map_err(|_| format!("{:?} is not an HTTP method", req.method))?;
    let mut b = hyper::Request::builder().method(method).uri(url.clone());
    for (name, value) in &req.headers {
        if d.extra.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        b = b.header(name.as_str(), value.as_str());
    }
    for (name, value) in &d.extra {
        b = b.header(name.as_str(), value.as_str());
    }
    b.body(Full::new(req.body.clone()))
        .map_err(|e| format!("the record's request cannot be made: {e}"))
}
