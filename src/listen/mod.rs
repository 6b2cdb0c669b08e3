//! `callev listen`: receive vendor callbacks over HTTP. Every request is one capture record
//! (`capture.rs`), appended to the capture file before the request is answered; the screen
//! (`render/listen.rs`) shows each request with the event it carried, its findings, and each
//! call as it ends. Without `--forward-to` callev answers itself (200 and an empty body, or
//! `--reply FILE`); with it, the request goes on to the user's app and the app's answer comes
//! back unchanged.

mod writer;

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, Result};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::{Request, Response, StatusCode, Uri};

use crate::capture::{self, Forwarded};
use crate::config::Settings;
use crate::exit::{usage, Exit};
use crate::http::client::{self, Client, Failure};
use crate::http::{self, Limits};

/// What `listen`'s flags ask for.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) bind: IpAddr,
    pub(crate) port: u16,
    pub(crate) capture: Option<PathBuf>,
    pub(crate) forward_to: Option<String>,
    pub(crate) forward_timeout: String,
    pub(crate) reply: Option<PathBuf>,
    pub(crate) basic_auth: Option<String>,
    pub(crate) max_body: String,
    pub(crate) fsync: bool,
}

/// What callev answers when it answers itself.
struct Reply {
    content_type: Option<&'static str>,
    body: Bytes,
}

/// What every request's handling shares.
struct Shared {
    seq: AtomicU64,
    writer: writer::Writer,
    reply: Reply,
    forward: Option<(Uri, String, Client)>,
    /// `user:pass`, when requests must carry it.
    credentials: Option<Vec<u8>>,
    limits: Limits,
}

/// Run the server until Ctrl-C or SIGTERM; then drain, flush, and report.
pub(crate) fn run(o: &Options, settings: Settings) -> Result<Exit> {
    let limits = Limits {
        max_body: http::parse_size("--max-body", &o.max_body)?,
        ..Limits::default()
    };
    let forward_timeout = http::parse_duration("--forward-timeout", &o.forward_timeout)?;
    let forward = match &o.forward_to {
        Some(url) => {
            let uri = client::parse_url("--forward-to", url)?;
            Some((uri, url.clone(), Client::new(forward_timeout, None)?))
        }
        None => None,
    };
    let reply = match &o.reply {
        Some(path) => Reply {
            content_type: Some(content_type_of(path)),
            body: Bytes::from(
                std::fs::read(path)
                    .with_context(|| format!("failed to read --reply {}", path.display()))?,
            ),
        },
        None => Reply {
            content_type: None,
            body: Bytes::new(),
        },
    };
    if o.reply.is_some() && forward.is_some() {
        return Err(usage(
            "--reply and --forward-to both say what to answer: give one".to_owned(),
        ));
    }
    let credentials = match &o.basic_auth {
        Some(c) if c.contains(':') => Some(c.as_bytes().to_vec()),
        Some(_) => {
            return Err(usage(
                "--basic-auth: expected USER:PASS (or CALLEV_BASIC_AUTH=USER:PASS)".to_owned(),
            ))
        }
        None => None,
    };
    let capture_path = o.capture.clone().unwrap_or_else(default_capture_name);
    let addr = SocketAddr::new(o.bind, o.port);
    let listener = match std::net::TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            return Err(usage(format!(
            "port {} on {} is already in use: give another with --port (--port 0 picks a free one)",
            o.port, o.bind
        )))
        }
        Err(e) => return Err(usage(format!("cannot listen on {addr}: {e}"))),
    };
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    let opened = writer::open(&capture_path)
        .with_context(|| format!("failed to open the capture {}", capture_path.display()))?;
    let capture_name = capture_path.display().to_string();

    let skipped = Arc::new(AtomicU64::new(0));
    let (screen_tx, screen_rx) = std::sync::mpsc::sync_channel(8192);
    let mut screen = crate::render::listen::Screen::new(&settings, &capture_name, opened.lines);
    if forward.is_some() || o.reply.is_some() {
        screen.answers_with_content();
    }
    if opened.mended {
        screen.note(&format!(
            "{capture_name} ended in the middle of a line (a run cut off while writing): that line stays as it was, a damaged record, and the new ones start after it"
        ));
    }
    let first_line = opened.lines + 1;
    let (writer, writer_thread) =
        writer::start(opened, o.fsync, Some(screen_tx), Arc::clone(&skipped))?;

    let url = format!("http://{local}/");
    let mut banner = vec![
        format!("listening on {url} (give the vendor this URL, or a tunnel's to it)"),
        format!("capture: {capture_name} (from line {first_line})"),
    ];
    match &forward {
        Some((_, url, _)) => banner.push(format!(
            "forwarding to {url} (timeout {})",
            o.forward_timeout
        )),
        None => match &o.reply {
            Some(p) => banner.push(format!("answering every request with {}", p.display())),
            None => banner.push("answering every request 200 with an empty body".to_owned()),
        },
    }
    if credentials.is_none() && !o.bind.is_loopback() {
        banner.push(format!(
            "warning: bound to {} without --basic-auth: anyone who can reach this port can send to it",
            o.bind
        ));
    }
    screen.banner(&banner);

    let shared = Arc::new(Shared {
        seq: AtomicU64::new(0),
        writer,
        reply,
        forward,
        credentials,
        limits,
    });
    let screen_thread = std::thread::Builder::new()
        .name("callev-screen".into())
        .spawn(move || screen.run(&screen_rx, &skipped))?;

    let runtime = http::runtime()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let handler = {
            let shared = Arc::clone(&shared);
            move |req, peer| handle(Arc::clone(&shared), req, peer)
        };
        http::server::serve(listener, limits, handler, stopped()).await;
        Ok::<_, anyhow::Error>(())
    })?;
    // Connections still open after the drain end here; then the last writer handle goes and
    // the capture thread finishes, then the screen.
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(shared);
    let _ = writer_thread.join();
    let _ = screen_thread.join();
    Ok(Exit::Ok)
}

/// Resolves at Ctrl-C, SIGTERM or SIGHUP.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                    _ = hup.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `callev-capture-YYYYMMDD-HHMMSS.ndjson` in the current directory.
fn default_capture_name() -> PathBuf {
    let now = chrono::Utc::now();
    PathBuf::from(format!(
        "callev-capture-{}.ndjson",
        now.format("%Y%m%d-%H%M%S")
    ))
}

/// A reply file's content type, by its extension (BXML is XML).
fn content_type_of(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xml" | "bxml") => "application/xml",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html" | "htm") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `header` (an Authorization value) carries the expected `user:pass`; compared in
/// time that does not depend on where they differ.
fn authorized(expected: &[u8], header: Option<&HeaderValue>) -> bool {
    let Some(value) = header.map(HeaderValue::as_bytes) else {
        return false;
    };
    let Some(encoded) = value
        .get(..6)
        .filter(|s| s.eq_ignore_ascii_case(b"basic "))
        .map(|_| value[6..].trim_ascii())
    else {
        return false;
    };
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return false;
    };
    let mut diff = (given.len() ^ expected.len()) as u8 | u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ given.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// How one request went, for its record and its answer.
struct Outcome {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    dropped: Option<String>,
    forwarded: Option<Forwarded>,
}

impl Outcome {
    fn callev(status: StatusCode, text: &str, dropped: Option<String>) -> Outcome {
        let mut headers = vec![(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )];
        if status == StatusCode::UNAUTHORIZED {
            headers.push((
                hyper::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"callev listen\""),
            ));
        }
        // A body not read is not waited for: the connection ends with this answer.
        if dropped.is_some() {
            headers.push((hyper::header::CONNECTION, HeaderValue::from_static("close")));
        }
        Outcome {
            status,
            headers,
            body: Bytes::from(format!("{text}\n")),
            dropped,
            forwarded: None,
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let received = SystemTime::now();
    let start = Instant::now();
    let seq = shared.seq.fetch_add(1, Ordering::Relaxed) + 1;
    let (parts, body) = req.into_parts();
    let announced = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let max = shared.limits.max_body;
    let mut kept = Bytes::new();
    let outcome = if shared
        .credentials
        .as_deref()
        .is_some_and(|c| !authorized(c, parts.headers.get(hyper::header::AUTHORIZATION)))
    {
        Outcome::callev(
            StatusCode::UNAUTHORIZED,
            "callev listen: credentials required",
            Some("no or wrong credentials".to_owned()),
        )
    } else if announced.is_some_and(|n| n > max) {
        too_large(max)
    } else {
        match Limited::new(body, max as usize).collect().await {
            Ok(collected) => {
                kept = collected.to_bytes();
                answer(&shared, &parts, &kept).await
            }
            Err(e) if e.is::<http_body_util::LengthLimitError>() => too_large(max),
            Err(e) => Outcome::callev(
                StatusCode::BAD_REQUEST,
                "callev listen: the body broke off",
                Some(format!("the body broke off: {e}")),
            ),
        }
    };
    let latency = start.elapsed();
    let peer_text = peer.to_string();
    let headers: Vec<[Cow<str>; 2]> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            [
                Cow::Borrowed(n.as_str()),
                capture::header_value(n.as_str(), v.as_bytes()),
            ]
        })
        .collect();
    let (body_text, encoding) = capture::body_text(&kept);
    let record = capture::Request {
        callev_capture: capture::VERSION,
        seq,
        received_at: capture::stamp(received),
        peer: &peer_text,
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers,
        body: outcome.dropped.is_none().then_some(body_text),
        body_encoding: encoding,
        body_bytes: if outcome.dropped.is_some() {
            announced.unwrap_or(0)
        } else {
            kept.len() as u64
        },
        dropped: outcome.dropped.as_deref(),
        status: outcome.status.as_u16(),
        latency_ms: millis(latency),
        forward: outcome.forwarded.clone(),
    };
    // Nothing is acknowledged before it is kept.
    if let Err(e) = shared.writer.append(record.line()).await {
        let mut resp = Response::new(Full::new(Bytes::from(format!(
            "callev listen: the capture could not be written: {e}\n"
        ))));
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return resp;
    }
    let mut resp = Response::new(Full::new(outcome.body));
    *resp.status_mut() = outcome.status;
    for (name, value) in outcome.headers {
        resp.headers_mut().append(name, value);
    }
    resp
}

fn too_large(max: u64) -> Outcome {
    Outcome::callev(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("callev listen: the body is larger than --max-body ({max} bytes)"),
        Some(format!("larger than --max-body ({max} bytes)")),
    )
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// The answer to a request that was read whole: callev's own, or the forwarded app's.
async fn answer(shared: &Shared, parts: &hyper::http::request::Parts, body: &Bytes) -> Outcome {
    let Some((base, url, client)) = &shared.forward else {
        let mut headers = Vec::new();
        if let Some(ct) = shared.reply.content_type {
            headers.push((CONTENT_TYPE, HeaderValue::from_static(ct)));
        }
        return Outcome {
            status: StatusCode::OK,
            headers,
            body: shared.reply.body.clone(),
            dropped: None,
            forwarded: None,
        };
    };
    let target = match client::join(base, parts.uri.path(), parts.uri.query()) {
        Ok(t) => t,
        Err(e) => {
            return forward_failed(
                url,
                StatusCode::BAD_GATEWAY,
                format!("no URL for this path: {e}"),
                Duration::ZERO,
            )
        }
    };
    let mut req = Request::new(Full::new(body.clone()));
    *req.method_mut() = parts.method.clone();
    *req.uri_mut() = target;
    for (name, value) in &parts.headers {
        if name == HOST || http::HOP_BY_HOP.contains(&name.as_str()) {
            continue;
        }
        req.headers_mut().append(name, value.clone());
    }
    if let Some(authority) = base.authority() {
        if let Ok(host) = HeaderValue::from_str(authority.as_str()) {
            req.headers_mut().insert(HOST, host);
        }
    }
    match client.send(req).await {
        Ok(a) => {
            let head = String::from_utf8_lossy(&a.body[..a.body.len().min(capture::BODY_HEAD)])
                .into_owned();
            let headers = a
                .parts
                .headers
                .iter()
                .filter(|(n, _)| !http::HOP_BY_HOP.contains(&n.as_str()) && *n != CONTENT_LENGTH)
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            Outcome {
                status: a.parts.status,
                headers,
                body: a.body,
                dropped: None,
                forwarded: Some(Forwarded {
                    url: url.to_owned(),
                    status: Some(a.parts.status.as_u16()),
                    latency_ms: millis(a.latency),
                    body_head: Some(head),
                    error: None,
                }),
            }
        }
        Err((Failure::Timeout, took)) => forward_failed(
            url,
            StatusCode::GATEWAY_TIMEOUT,
            format!(
                "no answer within --forward-timeout ({:.1} s)",
                took.as_secs_f64()
            ),
            took,
        ),
        Err((Failure::Unreachable(why), took)) => {
            forward_failed(url, StatusCode::BAD_GATEWAY, why, took)
        }
    }
}

fn forward_failed(url: &str, status: StatusCode, why: String, took: Duration) -> Outcome {
    let mut outcome = Outcome::callev(
        status,
        &format!("callev listen: forwarding to {url} failed: {why}"),
        None,
    );
    outcome.forwarded = Some(Forwarded {
        url: url.to_owned(),
        status: None,
        latency_ms: millis(took),
        body_head: None,
        error: Some(why),
    });
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_must_match_exactly() {
        let ok = HeaderValue::from_static("Basic dXNlcjpwYXNz"); // user:pass
        assert!(authorized(b"user:pass", Some(&ok)));
        assert!(authorized(
            b"user:pass",
            Some(&HeaderValue::from_static("basic dXNlcjpwYXNz"))
        ));
        assert!(!authorized(b"user:pas", Some(&ok)));
        assert!(!authorized(b"user:passs", Some(&ok)));
        assert!(!authorized(
            b"user:pass",
            Some(&HeaderValue::from_static("Bearer dXNlcjpwYXNz"))
        ));
        assert!(!authorized(b"user:pass", None));
        assert!(!authorized(
            b"user:pass",
            Some(&HeaderValue::from_static("Basic ???"))
        ));
    }
}
