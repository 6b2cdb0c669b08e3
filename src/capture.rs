//! The capture record: one HTTP request as `callev listen` received it, one JSON object a line
//! (README, "Capture files"; `callev schema --capture`). A format of its own beside the
//! vendors': `listen` writes it, `send` replays it, and every view reads it like any input, the
//! request's body (JSON, a form, or a GET's query parameters) being the vendor's event and the
//! receive time the event's time when the event has none.
//!
//! The body is kept exactly: as text when it is UTF-8 (JSON escaping round-trips every byte,
//! `\/` included), else as base64. Credentials and cookies are the only things changed.

use std::borrow::Cow;

use base64::Engine as _;
use serde::Serialize;

use crate::json::Json;
use crate::time::Millis;

/// The key that marks a capture record, and its value: the version of the record's fields.
pub(crate) const MARK: &str = "callev_capture";
pub(crate) const VERSION: u32 = 1;

/// Headers whose values are never written (they carry credentials).
pub(crate) const REDACTED: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];
/// What a redacted header's value becomes.
pub(crate) const REDACTED_VALUE: &str = "[redacted]";

/// Headers that belong to one connection, not to the request: never passed on.
pub(crate) const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The capture record's fields, in order: name, type, meaning (`callev schema --capture`).
pub(crate) const FIELDS: [(&str, &str, &str); 15] = [
    ("callev_capture", "integer", "the version of these fields (1); marks the line as a capture record"),
    ("seq", "integer", "the request's number in this run of listen, from 1, in order of arrival"),
    ("received_at", "timestamp", "when the request's head arrived (UTC, microseconds)"),
    ("peer", "text", "the client's address and port"),
    ("method", "text", "the HTTP method"),
    ("path", "text", "the request's path, as sent (percent-encoding kept)"),
    ("query", "text or null", "the raw query string after `?`, as sent (null: none)"),
    ("headers", "list of [name, value]", "the headers in the order received, names in lower case; authorization, cookie and proxy-authorization values are [redacted]"),
    ("body", "text or null", "the body exactly as received: UTF-8 text, or base64 (see body_encoding); null when it was not kept (see dropped)"),
    ("body_encoding", "text", "utf-8 or base64"),
    ("body_bytes", "integer", "the body's length in bytes (as announced, when it was not kept)"),
    ("dropped", "text or null", "why the body was not kept: too large, no or wrong credentials, cut off"),
    ("status", "integer", "the status answered (by callev, or the forwarded app's)"),
    ("latency_ms", "number", "from the request's arrival to its answer being ready, in milliseconds"),
    ("forward", "object or null", "with --forward-to: {url, status, latency_ms, body_head, error}: what the app answered, or why it could not"),
];

/// One request, as it is written.
#[derive(Debug, Serialize)]
pub(crate) struct Request<'a> {
    pub(crate) callev_capture: u32,
    pub(crate) seq: u64,
    pub(crate) received_at: String,
    pub(crate) peer: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: Vec<[Cow<'a, str>; 2]>,
    pub(crate) body: Option<Cow<'a, str>>,
    pub(crate) body_encoding: &'static str,
    pub(crate) body_bytes: u64,
    pub(crate) dropped: Option<&'a str>,
    pub(crate) status: u16,
    pub(crate) latency_ms: f64,
    pub(crate) forward: Option<Forwarded>,
}

/// What the forwarded app answered, or why it could not be asked.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Forwarded {
    pub(crate) url: String,
    pub(crate) status: Option<u16>,
    pub(crate) latency_ms: f64,
    /// The start of the app's answer (up to `BODY_HEAD` bytes, as text).
    pub(crate) body_head: Option<String>,
    pub(crate) error: Option<String>,
}

/// How much of a forwarded app's answer the capture keeps.
pub(crate) const BODY_HEAD: usize = 1024;

/// A time as the capture writes it: RFC 3339, UTC, microseconds.
pub(crate) fn stamp(t: std::time::SystemTime) -> String {
    let t: chrono::DateTime<chrono::Utc> = t.into();
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A header's value as text, redacted where it carries credentials.
pub(crate) fn header_value<'a>(name: &str, value: &'a [u8]) -> Cow<'a, str> {
    if REDACTED.contains(&name) {
        return Cow::Borrowed(REDACTED_VALUE);
    }
    String::from_utf8_lossy(value)
}

/// The body as the record keeps it: text, or base64 when it is not UTF-8.
pub(crate) fn body_text(body: &[u8]) -> (Cow<'_, str>, &'static str) {
    match std::str::from_utf8(body) {
        Ok(text) => (Cow::Borrowed(text), "utf-8"),
        Err(_) => (
            Cow::Owned(base64::engine::general_purpose::STANDARD.encode(body)),
            "base64",
        ),
    }
}

impl Request<'_> {
    /// The record as one line, ending in a newline.
    pub(crate) fn line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        line
    }
}

/// A capture record as the views read it.
#[derive(Debug)]
pub(crate) struct Captured<'r> {
    pub(crate) method: &'r str,
    pub(crate) path: &'r str,
    pub(crate) received: Option<Millis>,
    pub(crate) payload: Payload<'r>,
}

/// What a request carries for the views.
#[derive(Debug)]
pub(crate) enum Payload<'r> {
    /// A body to parse as JSON.
    Json(&'r str),
    /// A form body or a query string's parameters: an object of strings.
    Pairs(Vec<(String, String)>),
    /// Nothing that could be an event, and why (not damage: a tunnel's health check, a body
    /// not kept).
    Nothing(String),
    /// A body that is not text.
    Binary(u64),
}

/// Whether a JSON value is a capture record.
pub(crate) fn is_capture(v: &Json) -> bool {
    v.get(MARK).is_some_and(|m| m.num().is_some()) && v.get("method").is_some()
}

/// Read a capture record (see `is_capture`).
pub(crate) fn read<'r>(v: &'r Json<'_>, naive_offset: i32) -> Captured<'r> {
    let method = v.get_str("method").unwrap_or("");
    let path = v.get_str("path").unwrap_or("");
    let received = v
        .get("received_at")
        .and_then(|t| crate::time::from_json(t, naive_offset));
    let query = v.get_str("query").filter(|q| !q.is_empty());
    let content_type = header(v, "content-type").unwrap_or("");
    let body = v.get_str("body");
    let binary = v.get_str("body_encoding") == Some("base64");
    let payload = match body {
        None => Payload::Nothing(match v.get_str("dropped") {
            Some(why) => format!("{method} {path}: the body was not kept ({why})"),
            None => format!("{method} {path}: no body"),
        }),
        Some(b) if binary => Payload::Binary(b.len() as u64 * 3 / 4),
        Some(b) if b.trim().is_empty() => match query {
            Some(q) => Payload::Pairs(pairs(q)),
            None => Payload::Nothing(format!("{method} {path}: no body and no query")),
        },
        Some(b) if is_form(content_type, b) => Payload::Pairs(pairs(b)),
        Some(b) => Payload::Json(b),
    };
    Captured {
        method,
        path,
        received,
        payload,
    }
}

/// A captured request as `send` makes it again.
#[derive(Debug)]
pub(crate) struct Replay {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    /// The headers to send again: those received, less the connection's own (hop-by-hop,
    /// `host`, `content-length`, which the new connection sets) and the redacted ones.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) received: Option<Millis>,
}

/// Read a capture record for replaying it, or say why it cannot be (its body was not kept).
pub(crate) fn replay(v: &Json<'_>) -> Result<Replay, String> {
    let method = v.get_str("method").unwrap_or("POST").to_owned();
    let path = v.get_str("path").unwrap_or("/").to_owned();
    let body = match (v.get_str("body"), v.get_str("body_encoding")) {
        (Some(b), Some("base64")) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| format!("{method} {path}: the body's base64 does not decode: {e}"))?,
        (Some(b), _) => b.as_bytes().to_vec(),
        (None, _) => match v.get_str("dropped") {
            Some(why) => {
                return Err(format!(
                    "{method} {path}: the capture did not keep the body ({why})"
                ))
            }
            None => Vec::new(),
        },
    };
    let mut headers = Vec::new();
    if let Some(Json::Arr(list)) = v.get("headers") {
        for h in list {
            let Json::Arr(pair) = h else { continue };
            let (Some(name), Some(value)) = (
                pair.first().and_then(Json::str),
                pair.get(1).and_then(Json::str),
            ) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if HOP_BY_HOP.contains(&lower.as_str())
                || matches!(lower.as_str(), "host" | "content-length")
                || REDACTED.contains(&lower.as_str())
                || value == REDACTED_VALUE
            {
                continue;
            }
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok(Replay {
        method,
        path,
        query: v.get_str("query").map(str::to_owned),
        headers,
        body,
        received: v
            .get("received_at")
            .and_then(|t| crate::time::from_json(t, 0)),
    })
}

/// The first value of a header in a capture record (names are lower case there).
fn header<'r>(v: &'r Json<'_>, name: &str) -> Option<&'r str> {
    let Json::Arr(headers) = v.get("headers")? else {
        return None;
    };
    headers.iter().find_map(|h| match h {
        Json::Arr(pair) if pair.len() == 2 && pair[0].str() == Some(name) => pair[1].str(),
        _ => None,
    })
}

/// A form body: so declared, or (for senders that do not say) text of `key=value&...` that is
/// not JSON.
fn is_form(content_type: &str, body: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        return true;
    }
    if ct.contains("json") {
        return false;
    }
    let t = body.trim_start();
    !t.starts_with(['{', '[']) && t.contains('=') && !t.contains(['\n', ' ', '{'])
}

fn pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Pairs as a JSON object of strings; a key given twice keeps its first value (as `get` does).
pub(crate) fn pairs_object(pairs: &[(String, String)]) -> Json<'_> {
    Json::Obj(
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    Cow::Borrowed(k.as_str()),
                    Json::Str(Cow::Borrowed(v.as_str())),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> Json<'_> {
        Json::parse(line.as_bytes()).unwrap()
    }

    #[test]
    fn a_record_round_trips_its_body_exactly() {
        let body = br#"{"eventType":"answer","callUrl":"https:\/\/x\/y","n":1.50}"#;
        let (text, enc) = body_text(body);
        let req = Request {
            callev_capture: VERSION,
            seq: 1,
            received_at: "2026-12-06T14:00:00.123456Z".into(),
            peer: "127.0.0.1:5000",
            method: "POST",
            path: "/cb",
            query: None,
            headers: vec![
                [
                    Cow::Borrowed("content-type"),
                    Cow::Borrowed("application/json"),
                ],
                [
                    Cow::Borrowed("authorization"),
                    header_value("authorization", b"Basic dTpw"),
                ],
            ],
            body: Some(text),
            body_encoding: enc,
            body_bytes: body.len() as u64,
            dropped: None,
            status: 200,
            latency_ms: 0.1,
            forward: None,
        };
        let line = String::from_utf8(req.line()).unwrap();
        assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
        assert!(!line.contains("dTpw"), "{line}");
        let v = parsed(line.trim_end());
        assert!(is_capture(&v));
        let c = read(&v, 0);
        assert_eq!((c.method, c.path), ("POST", "/cb"));
        assert_eq!(c.received, Some(1_796_565_600_123));
        match c.payload {
            Payload::Json(b) => assert_eq!(b.as_bytes(), body),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_body_that_is_not_utf8_is_base64() {
        let (text, enc) = body_text(&[0xff, 0xfe, 0x00]);
        assert_eq!((text.as_ref(), enc), ("//4A", "base64"));
    }

    #[test]
    fn a_get_reads_its_query_and_a_form_its_body() {
        let v = parsed(
            r#"{"callev_capture":1,"method":"GET","path":"/cb","query":"eventType=answer&callId=c%2D1","headers":[],"body":"","body_encoding":"utf-8"}"#,
        );
        match read(&v, 0).payload {
            Payload::Pairs(p) => assert_eq!(
                p,
                [
                    ("eventType".into(), "answer".into()),
                    ("callId".into(), "c-1".into())
                ]
            ),
            other => panic!("{other:?}"),
        }
        let v = parsed(
            r#"{"callev_capture":1,"method":"POST","path":"/cb","query":null,"headers":[["content-type","application/x-www-form-urlencoded"]],"body":"a=1&b=two+words","body_encoding":"utf-8"}"#,
        );
        match read(&v, 0).payload {
            Payload::Pairs(p) => assert_eq!(p[1], ("b".into(), "two words".into())),
            other => panic!("{other:?}"),
        }
        let v = parsed(
            r#"{"callev_capture":1,"method":"HEAD","path":"/","query":null,"headers":[],"body":"","body_encoding":"utf-8"}"#,
        );
        assert!(matches!(read(&v, 0).payload, Payload::Nothing(_)));
    }
}
