//! The exact bytes each value of a framed record came from, for the one view that needs them
//! (`send` replays a record as it appeared in its source, not re-serialised). The record was
//! parsed already; this only finds where each of its values begins and ends, in the order the
//! parse gave them, so the n-th value of a line is the n-th analyzed record of that line.

use crate::input::{Batch, Raw, Shape};
use crate::record::{Analyzed, Rendered, Status};

/// Copy each value's source bytes of `raw` into `text` and point its analyzed record at them
/// (`Analyzed::rendered`). Records that are not values (damage, text) get none, and neither
/// does a line of a vendor's log notation, which holds no JSON to send.
pub(crate) fn mark(batch: &Batch, raw: &Raw, records: &mut [Analyzed], text: &mut Vec<u8>) {
    let data = &batch.data;
    if let Shape::Log { json_at } = raw.shape {
        if crate::formats::log_notation(batch.text(raw), json_at - raw.start).is_some() {
            return;
        }
    }
    let Some((start, end)) = super::json_text(batch, raw) else {
        return;
    };
    let spans: Vec<Option<(usize, usize)>> = match raw.shape {
        Shape::Json => stream_spans(&data[start..end])
            .into_iter()
            .map(|s| s.map(|(a, b)| (start + a, start + b)))
            .collect(),
        _ => one(&data[start..end], start),
    };
    for (r, span) in records.iter_mut().zip(spans) {
        let Some((a, b)) = span else { continue };
        // Damage is never sent; whatever else is a value keeps its bytes (a capture whose body
        // is no event is still a request to replay).
        if r.status == Status::Unparseable {
            continue;
        }
        let start = text.len();
        text.extend_from_slice(&data[a..b]);
        r.rendered = Some(Rendered {
            start,
            insert_at: text.len(),
            end: text.len(),
        });
    }
}

/// The first value of `bytes`, as a span offset by `base`.
fn one(bytes: &[u8], base: usize) -> Vec<Option<(usize, usize)>> {
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Vec::new();
    };
    vec![Some((base + start, base + value_end(bytes, start)))]
}

/// The values of a stream (NDJSON line, concatenated values), an array's elements standing for
/// the array as the parse expands them; an empty array is one place with no value.
fn stream_spans(bytes: &[u8]) -> Vec<Option<(usize, usize)>> {
    let mut spans = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return spans;
        }
        let end = value_end(bytes, i);
        if bytes[i] == b'[' {
            let before = spans.len();
            elements(bytes, i, end, &mut spans);
            if spans.len() == before {
                spans.push(None);
            }
        } else {
            spans.push(Some((i, end)));
        }
        if end <= i {
            return spans;
        }
        i = end;
    }
}

/// The elements of the array `bytes[open..close]`.
fn elements(bytes: &[u8], open: usize, close: usize, spans: &mut Vec<Option<(usize, usize)>>) {
    let mut i = open + 1;
    loop {
        while i < close && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        if i >= close || bytes[i] == b']' {
            return;
        }
        let end = value_end(bytes, i);
        spans.push(Some((i, end)));
        if end <= i {
            return;
        }
        i = end;
    }
}

/// Just past the JSON value that begins at `start` (the end of the bytes when it does not end).
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 0 {
                    return (i + 1).min(bytes.len());
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(bytes: &[u8]) -> Vec<Option<&str>> {
        stream_spans(bytes)
            .into_iter()
            .map(|s| s.map(|(a, b)| std::str::from_utf8(&bytes[a..b]).unwrap()))
            .collect()
    }

    #[test]
    fn values_are_found_as_written() {
        assert_eq!(texts(br#"{"a":"}\"{"}"#), vec![Some(r#"{"a":"}\"{"}"#)]);
        assert_eq!(
            texts(br#" {"a":1}  {"b":[1,2]} "#),
            vec![Some(r#"{"a":1}"#), Some(r#"{"b":[1,2]}"#)]
        );
        assert_eq!(
            texts(br#"[ {"a":1} , {"b":"x,]"} ]"#),
            vec![Some(r#"{"a":1}"#), Some(r#"{"b":"x,]"}"#)]
        );
        assert_eq!(texts(b"[] {\"c\":3}"), vec![None, Some("{\"c\":3}")]);
        assert_eq!(one(b"  {\"a\":1},\n", 10), vec![Some((12, 19))]);
    }
}
