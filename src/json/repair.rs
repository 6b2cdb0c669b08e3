//! The two things that make otherwise sound JSON unreadable to a strict parser, mended so the
//! record is kept and the mending said: a number too large for a double (`1e999999`, read as
//! `null`) and a lone UTF-16 surrogate in a string escape (`\ud800`, read as U+FFFD). Used only
//! where parsing failed, so well-formed input never pays for it.

/// The text mended, and what was mended (one note per kind), or `None` when there was nothing
/// of either kind to mend.
pub(crate) fn repair(text: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    let mut out = Vec::with_capacity(text.len());
    let (mut numbers, mut surrogates) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b == b'"' {
            // A string: copied, its lone surrogate escapes replaced.
            out.push(b);
            i += 1;
            while i < text.len() && text[i] != b'"' {
                if text[i] == b'\\' && text.get(i + 1) == Some(&b'u') {
                    if let Some(unit) = hex4(text, i + 2) {
                        let high = (0xD800..0xDC00).contains(&unit);
                        let low = (0xDC00..0xE000).contains(&unit);
                        let paired = high
                            && text.get(i + 6) == Some(&b'\\')
                            && text.get(i + 7) == Some(&b'u')
                            && hex4(text, i + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
                        if paired {
                            out.extend_from_slice(&text[i..i + 12]);
                            i += 12;
                            continue;
                        }
                        if high || low {
                            surrogates.push(String::from_utf8_lossy(&text[i..i + 6]).into_owned());
                            out.extend_from_slice(b"\\ufffd");
                            i += 6;
                            continue;
                        }
                    }
                }
                if text[i] == b'\\' && i + 1 < text.len() {
                    out.extend_from_slice(&text[i..i + 2]);
                    i += 2;
                    continue;
                }
                out.push(text[i]);
                i += 1;
            }
            if i < text.len() {
                out.push(b'"');
                i += 1;
            }
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < text.len()
                && matches!(text[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            let token = &text[start..i];
            let huge = std::str::from_utf8(token)
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
                .is_some_and(f64::is_infinite);
            if huge {
                numbers.push(String::from_utf8_lossy(token).into_owned());
                out.extend_from_slice(b"null");
            } else {
                out.extend_from_slice(token);
            }
            continue;
        }
        out.push(b);
        i += 1;
    }
    if numbers.is_empty() && surrogates.is_empty() {
        return None;
    }
    let mut notes = Vec::new();
    if let Some(first) = numbers.first() {
        notes.push(format!(
            "{} too large for a double (the first `{}`): read as null",
            if numbers.len() == 1 {
                "a number"
            } else {
                "numbers"
            },
            shorten(first)
        ));
    }
    if let Some(first) = surrogates.first() {
        notes.push(format!(
            "{} in a string (the first `{first}`): read as U+FFFD",
            if surrogates.len() == 1 {
                "a lone UTF-16 surrogate"
            } else {
                "lone UTF-16 surrogates"
            }
        ));
    }
    Some((out, notes))
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

fn shorten(token: &str) -> String {
    if token.len() <= 24 {
        token.to_owned()
    } else {
        format!("{}…", &token[..20])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_numbers_and_lone_surrogates_are_mended_and_said() {
        let (text, notes) = repair(br#"{"n":1e999999,"m":-2E+400,"ok":1.5e10}"#).unwrap();
        assert_eq!(text, br#"{"n":null,"m":null,"ok":1.5e10}"#);
        assert_eq!(
            notes,
            ["numbers too large for a double (the first `1e999999`): read as null"]
        );
        let (text, notes) = repair(br#"{"s":"a\ud800b","p":"\ud83d\ude00","l":"\udc00"}"#).unwrap();
        assert_eq!(text, br#"{"s":"a\ufffdb","p":"\ud83d\ude00","l":"\ufffd"}"#);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("lone UTF-16 surrogates"));
        // Sound JSON, and numbers inside strings, are left alone.
        assert!(repair(br#"{"a":"1e999999","b":[1,2.5,-3]}"#).is_none());
        // The mended text parses.
        let (text, _) = repair(br#"{"n":1e999999,"s":"\ud800"}"#).unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&text).is_ok());
    }
}
