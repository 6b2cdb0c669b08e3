//! Timestamps as vendors write them, read into one form: milliseconds since the Unix epoch, UTC.
//! Used by validation (is this a time at all?) and normalization (the event's time); how times
//! are written out is `timefmt.rs`.

use chrono::NaiveDate;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub(crate) type Millis = i64;

/// Read a timestamp the way the vendors write them: ISO 8601 with `Z`, `±HH:MM`, `±HHMM` or an
/// hour-only `±HH` offset, with or without a fraction, `T` or a space between date and time.
/// A time without a zone is read in `naive_offset` (seconds east of UTC).
pub(crate) fn parse_iso(s: &str, naive_offset: i32) -> Option<Millis> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0u32, |acc, d| {
            acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ' || b[10] == b't')
        || b[13] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut second = 0;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1..i + 3)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            // Keep milliseconds; finer digits are truncated, shorter fractions scaled.
            let digits = &b[start..end.min(start + 3)];
            millis = digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            for _ in digits.len()..3 {
                millis *= 10;
            }
            i = end;
        }
    }
    let offset_secs: i32 = match b.get(i) {
        None => naive_offset,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                2 => (num(i + 1..i + 3)?, 0),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    // A leap second (`:60`) is read as the last millisecond before the next minute.
    let (second, millis) = if second == 60 {
        (59, 999)
    } else {
        (second, millis)
    };
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let naive = date.and_hms_milli_opt(hour, minute, second, millis)?;
    Some(naive.and_utc().timestamp_millis() - i64::from(offset_secs) * 1000)
}

/// An epoch number: seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude
/// (any time after 1973 in milliseconds is above 1e11; seconds stay below it until year 5138).
pub(crate) fn from_epoch(n: f64) -> Option<Millis> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let ms = if n < 1e11 {
        n * 1e3
    } else if n < 1e14 {
        n
    } else if n < 1e17 {
        n / 1e3
    } else {
        n / 1e6
    };
    if ms > LATEST_MS {
        return None;
    }
    Some(ms as Millis)
}

/// 9999-12-31T23:59:59.999Z: no later time is read.
const LATEST_MS: f64 = 253_402_300_799_999.0;

/// A timestamp documented as an ISO string or epoch milliseconds (Bandwidth's `time`,
/// Workonflow's `createdAt`): a number is milliseconds whatever its size (`1000` is one second
/// after 1970, not 1970 plus 1000 seconds).
pub(crate) fn from_json_ms(v: &crate::json::Json) -> Option<Millis> {
    json_time(v, 0, |n| {
        (n.is_finite() && (0.0..=LATEST_MS).contains(&n)).then_some(n as Millis)
    })
}

/// A call event's time documented as an ISO string or epoch milliseconds (`from_json_ms`), if
/// it is one a call can have (`PLAUSIBLE`): what normalization uses.
pub(crate) fn call_time_ms(v: &crate::json::Json) -> Option<Millis> {
    from_json_ms(v).filter(|t| PLAUSIBLE.contains(t))
}

/// The years a call event's time may fall in: 2000 up to 2100. A time outside them is a unit
/// read wrongly or a damaged value, not a call's (it would make durations of decades).
pub(crate) const PLAUSIBLE: std::ops::Range<Millis> = 946_684_800_000..4_102_444_800_000;

/// The longest duration a vendor may report for a call: a day, as a call's times may span (a
/// longer one is a damaged value or the wrong unit, and would swamp the totals).
pub(crate) const LONGEST_CALL_MS: i64 = 86_400_000;

/// A reported duration in `unit` milliseconds (1000: seconds), if it is one a call can have: zero
/// up to a day.
pub(crate) fn duration_ms(value: f64, unit: f64) -> Option<i64> {
    let ms = (value * unit).round();
    (ms.is_finite() && (0.0..=LONGEST_CALL_MS as f64).contains(&ms)).then_some(ms as i64)
}

/// A timestamp in a JSON value: an ISO string, an epoch number, or an epoch number in a string.
pub(crate) fn from_json(v: &crate::json::Json, naive_offset: i32) -> Option<Millis> {
    json_time(v, naive_offset, from_epoch)
}

/// An ISO string, or a number (or a number in a string) read by `epoch`.
fn json_time(
    v: &crate::json::Json,
    naive_offset: i32,
    epoch: impl Fn(f64) -> Option<Millis>,
) -> Option<Millis> {
    match v {
        crate::json::Json::Str(s) => parse_iso(s, naive_offset).or_else(|| {
            let t = s.trim();
            if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
                t.parse::<f64>().ok().and_then(&epoch)
            } else {
                None
            }
        }),
        crate::json::Json::Num(n) => epoch(n.as_f64()),
        _ => None,
    }
}

/// A timestamp at the start of a log line's text prefix: ISO 8601 (bracketed or not).
/// Returns the time when the prefix begins with one.
pub(crate) fn leading_timestamp(prefix: &str, naive_offset: i32) -> Option<Millis> {
    let p = prefix.trim_start().trim_start_matches('[');
    // The timestamp is the first token, or the first two when a space separates date and time.
    let end = p.find([' ', ']', '\t']).unwrap_or(p.len());
    let first = &p[..end];
    if let Some(t) = parse_iso(first, naive_offset) {
        return Some(t);
    }
    let rest = &p[end..];
    if first.len() == 10 && rest.starts_with(' ') {
        let second_end = rest[1..]
            .find([' ', ']', '\t'])
            .map_or(rest.len(), |i| i + 1);
        return parse_iso(&p[..end + second_end], naive_offset);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_348_062_941_343; // 2012-09-19T13:55:41.343Z

    #[test]
    fn reads_every_iso_variant_the_vendors_use() {
        assert_eq!(parse_iso("2012-09-19T13:55:41.343Z", 0), Some(T));
        assert_eq!(parse_iso("2012-09-19T13:55:41Z", 0), Some(T - 343));
        assert_eq!(parse_iso("2012-09-19T10:55:41.343-03", 0), Some(T));
        assert_eq!(parse_iso("2012-09-19T11:55:41.343-02:00", 0), Some(T));
        assert_eq!(parse_iso("2012-09-19T15:55:41.343+0200", 0), Some(T));
        assert_eq!(parse_iso("2012-09-19T13:55:41.343999Z", 0), Some(T));
        assert_eq!(parse_iso("2012-09-19T13:55:41.3Z", 0), Some(T - 43));
        assert_eq!(parse_iso("2012-09-19 13:55:41", 0), Some(T - 343));
        assert_eq!(parse_iso("2012-09-19 14:55:41", 3600), Some(T - 343));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2012-13-01T00:00:00Z",
            "2012-02-30T00:00:00Z",
            "2012-09-19T13:55:41.Z",
            "2012-09-19T13:55:41Q",
            "2012-09-19T25:00:00Z",
            "٢٠١٢-09-19T13:55:41Z",
        ] {
            assert_eq!(parse_iso(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn documented_milliseconds_are_milliseconds_and_durations_are_bounded() {
        let num = |n: f64| crate::json::Json::Num(crate::json::Num::Float(n));
        assert_eq!(from_json_ms(&num(1000.0)), Some(1000));
        assert_eq!(from_json_ms(&num(-1.0)), None);
        assert!(!PLAUSIBLE.contains(&from_json_ms(&num(1_763_719_260.0)).unwrap()));
        assert!(PLAUSIBLE.contains(&from_json_ms(&num(1_763_719_260_000.0)).unwrap()));
        assert_eq!(duration_ms(65.3, 1000.0), Some(65_300));
        assert_eq!(duration_ms(-5.0, 1.0), None);
        assert_eq!(duration_ms(1.2e29, 1.0), None);
        assert_eq!(duration_ms(f64::NAN, 1.0), None);
        assert_eq!(duration_ms(86_400.0, 1000.0), Some(LONGEST_CALL_MS));
    }

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        assert_eq!(from_epoch(1_419_032_854.964), Some(1_419_032_854_964));
        assert_eq!(from_epoch(1_419_032_854_964.0), Some(1_419_032_854_964));
        assert_eq!(from_epoch(1_419_032_854_964_000.0), Some(1_419_032_854_964));
        assert_eq!(from_epoch(-1.0), None);
        assert_eq!(from_epoch(f64::INFINITY), None);
    }

    #[test]
    fn log_prefixes_give_their_leading_time() {
        assert_eq!(
            leading_timestamp("2012-09-19T13:55:41.343Z INFO webhook received: ", 0),
            Some(T)
        );
        assert_eq!(
            leading_timestamp("[2012-09-19 13:55:41.343] info ", 0),
            Some(T)
        );
        assert_eq!(leading_timestamp("INFO no time here ", 0), None);
    }
}
