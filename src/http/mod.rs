//! HTTP, in one place for the commands that speak it: one server loop (`listen`), one client
//! (`listen --forward-to`), their timeouts and limits. Only these commands start an async
//! runtime (tokio, two worker threads); the reading pipeline stays plain threads.

pub(crate) mod client;
pub(crate) mod server;

use std::time::Duration;

use anyhow::Result;

use crate::exit::usage;

/// The limits every connection is held to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// A request body larger than this is answered 413 and not kept.
    pub(crate) max_body: u64,
    /// A client that has not sent a request's head this long after connecting, or after its
    /// previous request, is dropped.
    pub(crate) header_timeout: Duration,
    /// Connections open at once; more wait to be accepted (backpressure, not memory).
    pub(crate) max_connections: usize,
    /// How long requests in flight may take to finish once the server is asked to stop.
    pub(crate) drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            header_timeout: Duration::from_secs(10),
            max_connections: 2048,
            drain: Duration::from_secs(5),
        }
    }
}

/// The runtime the HTTP commands run on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("callev-http")
        .enable_io()
        .enable_time()
        .build()?)
}

/// Headers that belong to one connection (kept with the capture record, which replays none).
pub(crate) use crate::capture::HOP_BY_HOP;

/// A duration as users write it: `500ms`, `10s`, `2m`, or a number of seconds.
pub(crate) fn parse_duration(flag: &str, text: &str) -> Result<Duration> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 1.0)
    };
    match number.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && n * scale <= 86_400.0 => {
            Ok(Duration::from_secs_f64(n * scale))
        }
        _ => Err(usage(format!(
            "{flag} {text:?}: expected a duration such as 500ms, 10s or 2m"
        ))),
    }
}

/// A size as users write it: `1MiB`, `512KiB`, `2MB`, `1048576`.
pub(crate) fn parse_size(flag: &str, text: &str) -> Result<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => -1.0,
    };
    match number.parse::<f64>() {
        Ok(n) if scale > 0.0 && n >= 1.0 && n * scale <= 16e9 => Ok((n * scale) as u64),
        _ => Err(usage(format!(
            "{flag} {text:?}: expected a size such as 1MiB, 512KiB or 2000000"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_as_written() {
        assert_eq!(
            parse_duration("--t", "500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(
            parse_duration("--t", "10s").unwrap(),
            Duration::from_secs(10)
        );
        assert_eq!(
            parse_duration("--t", "2m").unwrap(),
            Duration::from_secs(120)
        );
        assert_eq!(parse_duration("--t", "3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("--t", "-1s").is_err());
        assert!(parse_duration("--t", "soon").is_err());
        assert_eq!(parse_size("--s", "1MiB").unwrap(), 1 << 20);
        assert_eq!(parse_size("--s", "512KiB").unwrap(), 512 << 10);
        assert_eq!(parse_size("--s", "2MB").unwrap(), 2_000_000);
        assert_eq!(parse_size("--s", "1048576").unwrap(), 1 << 20);
        assert!(parse_size("--s", "1 parsec").is_err());
        assert!(parse_size("--s", "0").is_err());
    }
}
