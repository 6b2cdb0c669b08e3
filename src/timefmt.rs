//! Times and durations as callev writes them: RFC 3339 with milliseconds in machine output
//! (`Stamp`), a chosen zone in human output (`Zone`), and durations a person reads
//! (`human_duration`). Reading vendors' times is `time.rs`.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, Offset, TimeZone, Timelike, Utc};

use crate::time::Millis;

/// RFC 3339 in UTC with milliseconds, the one form of machine output.
pub(crate) fn rfc3339(ms: Millis) -> String {
    Stamp(ms).to_string()
}

/// A time as machine output writes it (`2026-11-21T10:00:00.123Z`), serialised without building
/// a `String` first: summary writes five per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(pub Millis);

impl Stamp {
    /// An optional time as a JSON value: the string, or `null`.
    pub(crate) fn write_json(t: Option<Stamp>, out: &mut Vec<u8>) {
        match t {
            Some(t) => match t.bytes() {
                Some(b) => {
                    out.push(b'"');
                    out.extend_from_slice(&b);
                    out.push(b'"');
                }
                None => crate::json::write::str(out, &t.to_string()),
            },
            None => out.extend_from_slice(b"null"),
        }
    }

    /// The 24 bytes, for years 0 to 9999; `None` beyond. By arithmetic on the day number
    /// (every events record writes five of these; chrono's calendar was a tenth of writing one).
    pub(crate) fn bytes(self) -> Option<[u8; 24]> {
        const DAY: i64 = 86_400_000;
        let (year, month, day) = civil(self.0.div_euclid(DAY));
        let year = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
        let ms = self.0.rem_euclid(DAY) as u32;
        let secs = ms / 1000;
        let mut b = *b"0000-00-00T00:00:00.000Z";
        let mut put2 = |at: usize, v: u32| {
            b[at] = b'0' + (v / 10) as u8;
            b[at + 1] = b'0' + (v % 10) as u8;
        };
        put2(0, year / 100);
        put2(2, year % 100);
        put2(5, month);
        put2(8, day);
        put2(11, secs / 3600);
        put2(14, secs / 60 % 60);
        put2(17, secs % 60);
        let milli = ms % 1000;
        put2(21, milli % 100);
        b[20] = b'0' + (milli / 100) as u8;
        Some(b)
    }
}

/// A time in chrono's calendar, in machine output's form (any year chrono holds), or `None`
/// beyond chrono's range.
fn by_chrono(ms: Millis) -> Option<String> {
    let t = DateTime::<Utc>::from_timestamp_millis(ms)?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        ms.rem_euclid(1000)
    ))
}

/// The proleptic Gregorian date (year, month, day) of a day number counted from 1970-01-01
/// (Howard Hinnant's `civil_from_days`, <https://howardhinnant.github.io/date_algorithms.html>).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bytes() {
            Some(b) => f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?),
            // Years beyond four digits keep chrono's own form.
            None => match by_chrono(self.0) {
                Some(t) => f.write_str(&t),
                None => write!(f, "{}", self.0),
            },
        }
    }
}

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.bytes() {
            Some(b) => s.serialize_str(std::str::from_utf8(&b).map_err(serde::ser::Error::custom)?),
            None => s.collect_str(self),
        }
    }
}

/// The zone human output shows times in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Zone {
    Utc,
    Local,
    Fixed(i32),
    /// An IANA zone (`Europe/Amsterdam`): the offset follows its daylight-saving rules.
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `UTC`, `local`, `Z`, an offset `±HH:MM` / `±HHMM` / `±HH`, or an IANA zone name.
    pub(crate) fn parse(s: &str) -> Option<Zone> {
        match s {
            "UTC" | "utc" | "Z" | "z" => Some(Zone::Utc),
            "local" | "LOCAL" | "Local" => Some(Zone::Local),
            _ => parse_offset(s)
                .map(Zone::Fixed)
                .or_else(|| s.parse::<chrono_tz::Tz>().ok().map(Zone::Named)),
        }
    }

    /// The zone's offset from UTC at that moment, in seconds.
    pub(crate) fn offset_secs_at(self, ms: Millis) -> i32 {
        self.offset_at(ms).local_minus_utc()
    }

    fn offset_at(self, ms: Millis) -> FixedOffset {
        let utc = FixedOffset::east_opt(0).expect("zero offset is valid");
        match self {
            Zone::Utc => utc,
            Zone::Fixed(secs) => FixedOffset::east_opt(secs).unwrap_or(utc),
            Zone::Named(tz) => DateTime::<Utc>::from_timestamp_millis(ms)
                .map(|t| tz.offset_from_utc_datetime(&t.naive_utc()).fix())
                .unwrap_or(utc),
            Zone::Local => DateTime::<Utc>::from_timestamp_millis(ms)
                .map(|t| chrono::Local.offset_from_utc_datetime(&t.naive_utc()).fix())
                .unwrap_or(utc),
        }
    }

    /// `2026-11-21 10:00:00.123 +00:00`: human output always shows the offset.
    pub(crate) fn format(self, ms: Millis) -> String {
        let mut out = String::with_capacity(30);
        self.push(&mut out, ms);
        out
    }

    /// `format` written onto the end of `out`.
    pub(crate) fn push(self, out: &mut String, ms: Millis) {
        let off = self.offset_at(ms);
        let secs = off.local_minus_utc();
        // The common case without chrono's format strings (summary's table writes one per call):
        // four-digit years, offsets in whole minutes.
        let local = ms.checked_add(i64::from(secs) * 1000);
        if let Some(b) = local
            .filter(|_| secs % 60 == 0)
            .and_then(|l| Stamp(l).bytes())
        {
            for &c in &b[..23] {
                out.push(if c == b'T' { ' ' } else { char::from(c) });
            }
            let (sign, abs) = if secs < 0 { ('-', -secs) } else { ('+', secs) };
            let (h, m) = (abs / 3600, abs % 3600 / 60);
            out.push(' ');
            out.push(sign);
            for d in [h / 10, h % 10] {
                out.push(char::from(b'0' + d as u8));
            }
            out.push(':');
            for d in [m / 10, m % 10] {
                out.push(char::from(b'0' + d as u8));
            }
            return;
        }
        out.push_str(&self.format_chrono(ms));
    }

    fn format_chrono(self, ms: Millis) -> String {
        let off = self.offset_at(ms);
        match DateTime::<Utc>::from_timestamp_millis(ms) {
            Some(t) => {
                let t = t.with_timezone(&off);
                format!("{} {}", t.format("%Y-%m-%d %H:%M:%S%.3f"), t.format("%:z"))
            }
            None => ms.to_string(),
        }
    }
}

impl Zone {
    /// `11-21 10:00:00.123 +00:00`: for narrow tables, still with the offset.
    pub(crate) fn format_short(self, ms: Millis) -> String {
        let full = self.format(ms);
        full.get(5..).map_or(full.clone(), str::to_owned)
    }

    /// `10:00:00.123`: the time of day to the millisecond, without date or offset, for narrow
    /// event tables.
    pub(crate) fn format_time_of_day(self, ms: Millis) -> String {
        let full = self.format(ms);
        full.get(11..23).map_or(full.clone(), str::to_owned)
    }

    /// `10:00:00 +00:00`: the time of day alone, for the narrowest tables.
    pub(crate) fn format_clock(self, ms: Millis) -> String {
        let full = self.format(ms);
        match (full.get(11..19), full.get(24..)) {
            (Some(clock), Some(offset)) => format!("{clock} {offset}"),
            _ => full,
        }
    }
}

/// `±HH:MM`, `±HHMM` or `±HH` into seconds east of UTC.
pub(crate) fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4)
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || rest.len() > 5
    {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// A human duration: `850ms`, `5.3s`, `1m 05.3s`, `2h 03m 10s`.
pub(crate) fn human_duration(ms: i64) -> String {
    let mut out = String::with_capacity(12);
    push_duration(&mut out, ms);
    out
}

/// `human_duration` written onto the end of `out`, for rows written by the thousand.
pub(crate) fn push_duration(out: &mut String, ms: i64) {
    use std::fmt::Write;
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    // Writing into a String cannot fail.
    let _ = if ms == 0 {
        write!(out, "0s")
    } else if ms < 1000 {
        write!(out, "{sign}{ms}ms")
    } else {
        let tenths = (ms % 1000) / 100;
        let secs = ms / 1000;
        if secs < 60 {
            write!(out, "{sign}{secs}.{tenths}s")
        } else if secs < 3600 {
            write!(out, "{sign}{}m {:02}.{tenths}s", secs / 60, secs % 60)
        } else {
            write!(
                out,
                "{sign}{}h {:02}m {:02}s",
                secs / 3600,
                (secs % 3600) / 60,
                secs % 60
            )
        }
    };
}

/// An offset from a call's start: `+00:05.000`, `+1:02:03.450`.
pub(crate) fn offset_clock(ms: i64) -> String {
    let mut out = String::with_capacity(12);
    push_offset_clock(&mut out, ms);
    out
}

/// `offset_clock` written onto the end of `out`, for rows written by the thousand.
pub(crate) fn push_offset_clock(out: &mut String, ms: i64) {
    out.push(if ms < 0 { '-' } else { '+' });
    let ms = ms.unsigned_abs();
    let (h, m, s, f) = (
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000,
    );
    if h > 0 {
        out.push_str(itoa::Buffer::new().format(h));
        out.push(':');
    }
    let digit = |d: u64| char::from(b'0' + d as u8);
    for c in [
        digit(m / 10),
        digit(m % 10),
        ':',
        digit(s / 10),
        digit(s % 10),
        '.',
        digit(f / 100),
        digit(f / 10 % 10),
        digit(f % 10),
    ] {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_348_062_941_343; // 2012-09-19T13:55:41.343Z

    /// chrono's calendar for four-digit years, as `Stamp::bytes` wrote it before doing the
    /// arithmetic itself.
    fn by_chrono_4(ms: Millis) -> Option<String> {
        let t = DateTime::<Utc>::from_timestamp_millis(ms)?;
        (0..=9999)
            .contains(&t.year())
            .then(|| by_chrono(ms))
            .flatten()
    }

    fn by_arithmetic(ms: Millis) -> Option<String> {
        Stamp(ms)
            .bytes()
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
    }

    #[test]
    fn stamps_are_chrono_s_calendar_at_the_edges() {
        let edges = [
            0,
            -1,
            T,
            951_782_400_000,     // 2000-02-29
            4_107_542_399_999,   // 2100-02-28T23:59:59.999
            -62_167_219_200_000, // 0000-01-01
            -62_167_219_200_001, // the year before
            253_402_300_799_999, // 9999-12-31T23:59:59.999
            253_402_300_800_000, // 10000
            i64::MIN,
            i64::MAX,
        ];
        for ms in edges {
            assert_eq!(by_arithmetic(ms), by_chrono_4(ms), "{ms}");
        }
    }

    proptest::proptest! {
        #[test]
        fn stamps_are_chrono_s_calendar(ms in -63_000_000_000_000i64..254_000_000_000_000) {
            proptest::prop_assert_eq!(by_arithmetic(ms), by_chrono_4(ms));
        }
    }

    #[test]
    fn human_times_are_chrono_s_form() {
        let zones = [
            Zone::Utc,
            Zone::parse("+05:30").unwrap(),
            Zone::parse("-09:00").unwrap(),
            Zone::parse("Europe/Amsterdam").unwrap(),
            Zone::parse("America/St_Johns").unwrap(),
        ];
        let times = [
            T,
            0,
            -1,
            1_795_000_000_123,
            253_402_300_799_999,
            -62_135_596_800_000,
        ];
        for z in zones {
            for t in times {
                assert_eq!(z.format(t), z.format_chrono(t), "{z:?} {t}");
            }
        }
    }

    #[test]
    fn machine_times_outside_four_digit_years_keep_their_form() {
        // 10000-01-01T00:00:00.005Z and 0001-01-01T00:00:00.000Z less a millisecond.
        let far = 253_402_300_800_005;
        let before_year_one = -62_135_596_800_001;
        assert_eq!(rfc3339(far), "10000-01-01T00:00:00.005Z");
        assert_eq!(rfc3339(before_year_one), "0000-12-31T23:59:59.999Z");
        assert_eq!(rfc3339(-62_167_219_200_001), "-001-12-31T23:59:59.999Z");
        for t in [T, far, before_year_one, -62_167_219_200_001, i64::MAX] {
            let json = serde_json::to_string(&Stamp(t)).unwrap();
            assert_eq!(json, format!("{:?}", rfc3339(t)));
        }
    }

    #[test]
    fn formats_machine_and_human_times() {
        assert_eq!(rfc3339(T), "2012-09-19T13:55:41.343Z");
        assert_eq!(Zone::Utc.format(T), "2012-09-19 13:55:41.343 +00:00");
        assert_eq!(
            Zone::parse("+05:30").unwrap().format(T),
            "2012-09-19 19:25:41.343 +05:30"
        );
        assert_eq!(
            Zone::parse("-03").unwrap().format(T),
            "2012-09-19 10:55:41.343 -03:00"
        );
        assert_eq!(Zone::parse("nowhere"), None);
        // Named zones follow daylight saving: +01:00 in winter, +02:00 in summer.
        let amsterdam = Zone::parse("Europe/Amsterdam").unwrap();
        assert_eq!(amsterdam.format(T), "2012-09-19 15:55:41.343 +02:00");
        assert_eq!(
            amsterdam.format(T + 100 * 86_400_000),
            "2012-12-28 14:55:41.343 +01:00"
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(850), "850ms");
        assert_eq!(human_duration(5_340), "5.3s");
        assert_eq!(human_duration(65_300), "1m 05.3s");
        assert_eq!(human_duration(7_390_000), "2h 03m 10s");
        assert_eq!(offset_clock(5_000), "+00:05.000");
        assert_eq!(offset_clock(3_723_450), "+1:02:03.450");
    }
}
