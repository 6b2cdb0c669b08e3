//! Writing JSON by hand where serde's generic serializer was a measurable share of a command's
//! time (summary writes a 20-field record per call). Byte for byte what serde_json writes: strings
//! escaped by serde_json itself whenever they need escaping at all.

/// A JSON string.
pub(crate) fn str(out: &mut Vec<u8>, s: &str) {
    // Eight bytes at a time: most strings need no escaping at all.
    if super::fast::plain_run(s.as_bytes(), 0) < s.len() {
        // Writing to memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// A JSON string or `null`.
pub(crate) fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

pub(crate) fn int(out: &mut Vec<u8>, n: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

pub(crate) fn uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

pub(crate) fn opt_uint(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => uint(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

pub(crate) fn bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

pub(crate) fn opt_bool(out: &mut Vec<u8>, b: Option<bool>) {
    match b {
        Some(b) => bool(out, b),
        None => out.extend_from_slice(b"null"),
    }
}

pub(crate) fn opt_int(out: &mut Vec<u8>, n: Option<i64>) {
    match n {
        Some(n) => int(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// An array of strings.
pub(crate) fn strs(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        str(out, s);
    }
    out.push(b']');
}

/// `"key":`, after a `,` unless it is the object's first.
pub(crate) fn key(out: &mut Vec<u8>, key: &str, first: bool) {
    out.extend_from_slice(if first { b"{\"" } else { b",\"" });
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}
