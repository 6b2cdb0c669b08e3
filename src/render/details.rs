//! An event's details as a person reads them: `key value` pairs, escaped for the terminal, the
//! ones a format hides left out (events' and timeline's rows, browse's call view).

use crate::event::Details;
use crate::formats::Vendor;

/// The details that matter to a person, `key value` pairs, escaped for the terminal; the format
/// says which it hides. Decoded switch data is shown by its most telling part only.
pub(crate) fn details_text(vendor: Vendor, details: &Details) -> String {
    let mut text = String::new();
    push_details(vendor, details, |_| true, &mut text);
    text
}

/// `details_text` of the details whose keys `keep` takes, written onto `out` (after two spaces
/// when it holds some already).
pub(crate) fn push_details(
    vendor: Vendor,
    details: &Details,
    keep: impl Fn(&str) -> bool,
    out: &mut String,
) {
    let hidden = vendor.format().hidden_details;
    for (k, v) in details.iter() {
        if hidden.contains(k) || !keep(k) {
            continue;
        }
        use std::borrow::Cow;
        let text: Cow<str> = match (*k, v) {
            ("data", crate::event::Detail::Json(j)) => {
                match j.get("applicationData").and_then(|d| d.as_str()) {
                    Some(d) => Cow::Borrowed(d),
                    None => continue,
                }
            }
            ("duration_ms" | "talk_ms" | "media_ms", crate::event::Detail::Int(ms)) => {
                Cow::Owned(crate::timefmt::human_duration(*ms))
            }
            (_, crate::event::Detail::Str(s)) => Cow::Borrowed(s.as_str()),
            _ => Cow::Owned(v.display()),
        };
        let key = match *k {
            "duration_ms" => "duration",
            "talk_ms" => "talk",
            "media_ms" => "media",
            k => k,
        };
        if !out.is_empty() {
            out.push_str("  ");
        }
        out.push_str(key);
        out.push(' ');
        out.push_str(&crate::output::safe(&text));
    }
}
