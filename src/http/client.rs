//! The client: one request at a time to a plain-HTTP URL (the user's own handler, usually on
//! this machine), with a deadline for the whole exchange and a cap on the answer's size.

use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::http::response::Parts;
use hyper::{Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::rt::TokioExecutor;

use crate::exit::usage;

/// The largest answer read back from a handler.
const MAX_ANSWER: usize = 16 << 20;

#[derive(Clone)]
pub(crate) struct Client {
    pool: Pool<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

/// What became of a request.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No answer within the deadline.
    Timeout,
    /// The handler could not be reached, or the exchange broke off.
    Unreachable(String),
}

/// A handler's answer and how long it took.
pub(crate) struct Answer {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) latency: Duration,
}

impl Client {
    pub(crate) fn new(timeout: Duration) -> Client {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(timeout));
        Client {
            pool: Pool::builder(TokioExecutor::new()).build(connector),
            timeout,
        }
    }

    pub(crate) async fn send(
        &self,
        req: Request<Full<Bytes>>,
    ) -> Result<Answer, (Failure, Duration)> {
        let start = Instant::now();
        let exchange = async {
            let resp = self
                .pool
                .request(req)
                .await
                .map_err(|e| Failure::Unreachable(error_text(&e)))?;
            let (parts, body) = resp.into_parts();
            let body = Limited::new(body, MAX_ANSWER)
                .collect()
                .await
                .map_err(|e| Failure::Unreachable(format!("the answer broke off: {e}")))?
                .to_bytes();
            Ok::<_, Failure>((parts, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok((parts, body))) => Ok(Answer {
                parts,
                body,
                latency: start.elapsed(),
            }),
            Ok(Err(f)) => Err((f, start.elapsed())),
            Err(_) => Err((Failure::Timeout, start.elapsed())),
        }
    }
}

/// An error and its causes, as one line.
fn error_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// A handler's URL: plain HTTP with a host (TLS is the tunnel's business, not the handler's).
pub(crate) fn parse_url(flag: &str, text: &str) -> Result<Uri> {
    let uri: Uri = text.parse().map_err(|_| {
        usage(format!(
            "{flag} {text:?}: not a URL (expected http://HOST:PORT/PATH)"
        ))
    })?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some() => Ok(uri),
        Some("https") => Err(usage(format!(
            "{flag} {text:?}: https is not supported; give your handler's plain-HTTP address (http://127.0.0.1:PORT/...)"
        ))),
        _ => Err(usage(format!(
            "{flag} {text:?}: expected http://HOST:PORT/PATH"
        ))),
    }
}

/// The URL a request for `path_and_query` goes to: the handler's path, then the request's.
pub(crate) fn join(base: &Uri, path: &str, query: Option<&str>) -> Result<Uri> {
    let base_path = base.path().trim_end_matches('/');
    let mut pq = format!("{base_path}{path}");
    if pq.is_empty() {
        pq.push('/');
    }
    if let Some(q) = query {
        pq.push('?');
        pq.push_str(q);
    }
    let mut parts = base.clone().into_parts();
    parts.path_and_query = Some(pq.parse()?);
    Ok(Uri::from_parts(parts)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_path_goes_under_the_handlers_path() {
        let base = parse_url("--to", "http://127.0.0.1:3000/hooks/").unwrap();
        assert_eq!(
            join(&base, "/cb/answer", Some("a=1")).unwrap().to_string(),
            "http://127.0.0.1:3000/hooks/cb/answer?a=1"
        );
        let base = parse_url("--to", "http://127.0.0.1:3000").unwrap();
        assert_eq!(
            join(&base, "/", None).unwrap().to_string(),
            "http://127.0.0.1:3000/"
        );
        assert!(parse_url("--to", "https://example.test/").is_err());
        assert!(parse_url("--to", "not a url").is_err());
    }
}
