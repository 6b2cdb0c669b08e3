//! The client: requests to the user's own handler (usually on this machine), over http or
//! https (rustls, the usual roots and `--cacert`), with a deadline for the whole exchange and a
//! cap on the answer's size. Redirects are answers, never followed: only the URL given is
//! contacted.

use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::http::response::Parts;
use hyper::{Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::rt::TokioExecutor;

use crate::exit::usage;

/// The largest answer read back from a handler.
const MAX_ANSWER: usize = 16 << 20;

#[derive(Clone)]
pub(crate) struct Client {
    pool: Pool<HttpsConnector<HttpConnector>, Full<Bytes>>,
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
    /// A client whose requests each take at most `timeout`, trusting the usual roots and the
    /// certificates of `cacert` (PEM) for https.
    pub(crate) fn new(timeout: Duration, cacert: Option<&std::path::Path>) -> Result<Client> {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        http.enforce_http(false);
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = cacert {
            use rustls_pki_types::pem::PemObject as _;
            let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| usage(format!("--cacert {}: {e}", path.display())))?;
            if certs.is_empty() {
                return Err(usage(format!(
                    "--cacert {}: holds no PEM certificate",
                    path.display()
                )));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| usage(format!("--cacert {}: {e}", path.display())))?;
            }
        }
        // ring rather than aws-lc: no cmake or assembler toolchain to build callev.
        #[allow(deprecated)]
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Client {
            pool: Pool::builder(TokioExecutor::new()).build(connector),
            timeout,
        })
    }

    pub(crate) async fn send(
        &self,
        req: Request<Full<Bytes>>,
    ) -> Result<Answer, (Failure, Duration)> {
        let start = Instant::now();
        let exchange = async {
            let resp = self.pool.request(req).await.map_err(|e| {
                Failure::Unreachable(if e.is_connect() {
                    format!("cannot connect: {}", innermost(&e))
                } else {
                    error_text(&e)
                })
            })?;
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

/// The deepest cause of an error: what the system said (`Connection refused (os error 111)`).
fn innermost(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
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

/// A handler's URL: http or https, with a host.
pub(crate) fn parse_url(flag: &str, text: &str) -> Result<Uri> {
    let uri: Uri = text.parse().map_err(|_| {
        usage(format!(
            "{flag} {text:?}: not a URL (expected http://HOST:PORT/PATH)"
        ))
    })?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.host().is_some() => Ok(uri),
        _ => Err(usage(format!(
            "{flag} {text:?}: expected http://HOST:PORT/PATH or https://HOST/PATH"
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
        assert!(parse_url("--to", "https://example.test/").is_ok());
        assert!(parse_url("--to", "ftp://example.test/").is_err());
        assert!(parse_url("--to", "not a url").is_err());
    }
}
