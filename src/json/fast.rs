//! The fast way into the borrowed tree: a small JSON reader for the common case, where the whole
//! record is valid UTF-8 with plain numbers and escapes, producing exactly the tree serde_json
//! would (the same numbers, bit for bit, and the same owned or borrowed strings). Anything it is
//! not sure of (an error, a lone surrogate, a huge number, deep nesting) makes it give up, and
//! serde_json reads the record instead: serde_json stays the authority on what is valid JSON and
//! the author of every error message; this only saves its generic visitor's cost, about half of
//! parsing, on the records that are fine. A property test holds the two readers to the same trees.

use std::borrow::Cow;

use super::{Json, Num};

/// serde_json's own nesting limit is 128; giving up earlier leaves the verdict to it.
const MAX_DEPTH: u32 = 100;

/// Not sure: let serde_json read it.
pub(crate) struct GiveUp;

type Fast<T> = Result<T, GiveUp>;

/// Room for the members of the containers being read, innermost last (each container takes its
/// own off the end into a vector of exactly its size). Kept for a whole batch, whose records all
/// borrow from the same buffer, so that reading a record does not grow it again.
#[derive(Default)]
pub struct Scratch<'a> {
    fields: Vec<(Cow<'a, str>, Json<'a>)>,
    items: Vec<Json<'a>>,
    /// The values `stream` read.
    pub(crate) values: Vec<Json<'a>>,
}

/// The value at the start of `text` (after whitespace) and the offset just past it.
pub(crate) fn value_at<'a>(text: &'a str, scratch: &mut Scratch<'a>) -> Fast<(Json<'a>, usize)> {
    // What a record given up half way left behind.
    scratch.fields.clear();
    scratch.items.clear();
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        fields: &mut scratch.fields,
        items: &mut scratch.items,
        bad: false,
    };
    r.skip_ws();
    let v = r.value(0);
    if r.bad {
        return Err(GiveUp);
    }
    Ok((v, r.pos))
}

/// The one value `text` holds, with nothing but whitespace around it.
pub(crate) fn whole<'a>(text: &'a [u8], scratch: &mut Scratch<'a>) -> Fast<Json<'a>> {
    let text = simdutf8::basic::from_utf8(text).map_err(|_| GiveUp)?;
    let (v, end) = value_at(text, scratch)?;
    if text.as_bytes()[end..].iter().all(|b| is_ws(*b)) {
        Ok(v)
    } else {
        Err(GiveUp)
    }
}

/// Every value of a stream of objects and arrays separated by whitespace (NDJSON lines,
/// concatenated values), into `scratch.values`; all of them or, given up, none.
pub(crate) fn stream<'a>(text: &'a [u8], scratch: &mut Scratch<'a>) -> Fast<()> {
    let text = simdutf8::basic::from_utf8(text).map_err(|_| GiveUp)?;
    scratch.values.clear();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let Some(start) = rest.bytes().position(|b| !is_ws(b)) else {
            return Ok(());
        };
        // Scalars run into each other (`1 2`, `truefalse`): serde_json's stream rules decide.
        if !matches!(rest.as_bytes()[start], b'{' | b'[') {
            scratch.values.clear();
            return Err(GiveUp);
        }
        match value_at(rest, scratch) {
            Ok((v, end)) => {
                scratch.values.push(v);
                at += end;
            }
            Err(GiveUp) => {
                scratch.values.clear();
                return Err(GiveUp);
            }
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

struct Reader<'a, 's> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    fields: &'s mut Vec<(Cow<'a, str>, Json<'a>)>,
    items: &'s mut Vec<Json<'a>>,
    bad: bool,
}

impl<'a> Reader<'a, '_> {
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if !is_ws(*b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn peek(&self) -> Fast<u8> {
        self.bytes.get(self.pos).copied().ok_or(GiveUp)
    }

    fn eat(&mut self, want: u8) -> Fast<()> {
        if self.peek()? == want {
            self.pos += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// Give up on the record; the value returned is a placeholder nobody reads.
    #[cold]
    fn give_up(&mut self) -> Json<'a> {
        self.bad = true;
        Json::Null
    }

    fn literal(&mut self, word: &[u8], v: Json<'a>) -> Json<'a> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            v
        } else {
            self.give_up()
        }
    }

    // Values are returned bare, with failure in `bad`: a `Result` around the tree's enum made
    // every value travel through misaligned stack copies (a third of the reader's time).
    fn value(&mut self, depth: u32) -> Json<'a> {
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => match self.plain() {
                Some(s) => Json::Str(Cow::Borrowed(s)),
                None => match self.string() {
                    Ok(s) => Json::Str(s),
                    Err(GiveUp) => self.give_up(),
                },
            },
            Some(b't') => self.literal(b"true", Json::Bool(true)),
            Some(b'f') => self.literal(b"false", Json::Bool(false)),
            Some(b'n') => self.literal(b"null", Json::Null),
            Some(b'-' | b'0'..=b'9') => match self.number() {
                Ok(n) => Json::Num(n),
                Err(GiveUp) => self.give_up(),
            },
            _ => self.give_up(),
        }
    }

    fn object(&mut self, depth: u32) -> Json<'a> {
        if depth > MAX_DEPTH {
            return self.give_up();
        }
        self.pos += 1;
        let start = self.fields.len();
        self.skip_ws();
        if self.peek().ok() == Some(b'}') {
            self.pos += 1;
            return Json::Obj(Vec::new());
        }
        loop {
            self.skip_ws();
            let key = match self.plain() {
                Some(k) => Cow::Borrowed(k),
                None => match self.string() {
                    Ok(k) => k,
                    Err(GiveUp) => return self.give_up(),
                },
            };
            self.skip_ws();
            if self.eat(b':').is_err() {
                return self.give_up();
            }
            self.skip_ws();
            // A plain string value (most of them) goes straight into place from registers.
            if let Some(v) = self.plain() {
                self.fields.push((key, Json::Str(Cow::Borrowed(v))));
            } else {
                let v = self.value(depth);
                if self.bad {
                    return Json::Null;
                }
                self.fields.push((key, v));
            }
            self.skip_ws();
            match self.peek() {
                Ok(b',') => self.pos += 1,
                Ok(b'}') => {
                    self.pos += 1;
                    return Json::Obj(self.fields.drain(start..).collect());
                }
                _ => return self.give_up(),
            }
        }
    }

    fn array(&mut self, depth: u32) -> Json<'a> {
        if depth > MAX_DEPTH {
            return self.give_up();
        }
        self.pos += 1;
        let start = self.items.len();
        self.skip_ws();
        if self.peek().ok() == Some(b']') {
            self.pos += 1;
            return Json::Arr(Vec::new());
        }
        loop {
            self.skip_ws();
            let v = self.value(depth);
            if self.bad {
                return Json::Null;
            }
            self.items.push(v);
            self.skip_ws();
            match self.peek() {
                Ok(b',') => self.pos += 1,
                Ok(b']') => {
                    self.pos += 1;
                    return Json::Arr(self.items.drain(start..).collect());
                }
                _ => return self.give_up(),
            }
        }
    }

    /// A string without escapes at `pos`, and past it; `None` (not moved) for anything else.
    #[inline]
    fn plain(&mut self) -> Option<&'a str> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let start = self.pos + 1;
        let end = plain_run(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            Some(&self.text[start..end])
        } else {
            None
        }
    }

    /// A string at `pos` (its opening quote): borrowed when it has no escapes, as serde_json's
    /// `visit_borrowed_str` gives it.
    #[inline]
    fn string(&mut self) -> Fast<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return Err(GiveUp);
        }
        let start = self.pos + 1;
        let i = plain_run(self.bytes, start);
        match self.bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok(Cow::Borrowed(&self.text[start..i]))
            }
            Some(b'\\') => self.escaped(start, i).map(Cow::Owned),
            _ => Err(GiveUp),
        }
    }

    /// The rest of a string from its first backslash at `i`.
    #[cold]
    fn escaped(&mut self, start: usize, mut i: usize) -> Fast<String> {
        let mut s = String::with_capacity(i - start + 16);
        s.push_str(&self.text[start..i]);
        let mut run = i;
        loop {
            match self.bytes.get(i) {
                Some(b'"') => {
                    s.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    return Ok(s);
                }
                Some(b'\\') => {
                    s.push_str(&self.text[run..i]);
                    let esc = *self.bytes.get(i + 1).ok_or(GiveUp)?;
                    i += 2;
                    match esc {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let hex = self.bytes.get(i..i + 4).ok_or(GiveUp)?;
                            let hex = std::str::from_utf8(hex).map_err(|_| GiveUp)?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return Err(GiveUp);
                            }
                            let code = u32::from_str_radix(hex, 16).map_err(|_| GiveUp)?;
                            // Surrogate pairs and lone surrogates: serde_json's rules.
                            s.push(char::from_u32(code).ok_or(GiveUp)?);
                            i += 4;
                        }
                        _ => return Err(GiveUp),
                    }
                    run = i;
                }
                Some(b) if *b < 0x20 => return Err(GiveUp),
                Some(_) => i += 1,
                None => return Err(GiveUp),
            }
        }
    }

    /// A number as serde_json reads it: integers while they fit in 64 bits, else a double from
    /// the significand and the power of ten. Longer or larger numbers are left to serde_json.
    fn number(&mut self) -> Fast<Num> {
        let negative = self.bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let mut significand: u64 = match self.peek()? {
            b'0' => {
                self.pos += 1;
                if self.peek().is_ok_and(|b| b.is_ascii_digit()) {
                    return Err(GiveUp);
                }
                0
            }
            b @ b'1'..=b'9' => {
                self.pos += 1;
                u64::from(b - b'0')
            }
            _ => return Err(GiveUp),
        };
        while let Some(d) = self.digit() {
            significand = significand
                .checked_mul(10)
                .and_then(|s| s.checked_add(d))
                .ok_or(GiveUp)?;
        }
        let mut exponent: i32 = 0;
        let mut float = false;
        if self.peek().ok() == Some(b'.') {
            self.pos += 1;
            float = true;
            let before = self.pos;
            while let Some(d) = self.digit() {
                significand = significand
                    .checked_mul(10)
                    .and_then(|s| s.checked_add(d))
                    .ok_or(GiveUp)?;
                exponent -= 1;
            }
            if self.pos == before {
                return Err(GiveUp);
            }
        }
        if matches!(self.peek().ok(), Some(b'e' | b'E')) {
            self.pos += 1;
            float = true;
            let minus = match self.peek()? {
                b'-' => {
                    self.pos += 1;
                    true
                }
                b'+' => {
                    self.pos += 1;
                    false
                }
                _ => false,
            };
            let before = self.pos;
            let mut e: i32 = 0;
            while let Some(d) = self.digit() {
                if self.pos - before > 4 {
                    return Err(GiveUp);
                }
                e = e * 10 + d as i32;
            }
            if self.pos == before {
                return Err(GiveUp);
            }
            exponent += if minus { -e } else { e };
        }
        if !float {
            return Ok(if !negative {
                match i64::try_from(significand) {
                    Ok(i) => Num::Int(i),
                    Err(_) => Num::Uint(significand),
                }
            } else {
                let neg = (significand as i64).wrapping_neg();
                // `-0` and integers below i64::MIN are floats to serde_json.
                if neg >= 0 {
                    Num::Float(-(significand as f64))
                } else {
                    Num::Int(neg)
                }
            });
        }
        // Exact operands and one rounding: correctly rounded, as serde_json's `float_roundtrip`
        // reading is. Beyond 2^53 or 10^22 that no longer holds.
        if significand > 1 << 53 || exponent.unsigned_abs() > 22 {
            return Err(GiveUp);
        }
        let pow = POW10[exponent.unsigned_abs() as usize];
        let f = if exponent >= 0 {
            significand as f64 * pow
        } else {
            significand as f64 / pow
        };
        Ok(Num::Float(if negative { -f } else { f }))
    }

    fn digit(&mut self) -> Option<u64> {
        match self.bytes.get(self.pos) {
            Some(b @ b'0'..=b'9') => {
                self.pos += 1;
                Some(u64::from(b - b'0'))
            }
            _ => None,
        }
    }
}

/// Where the run of bytes that need no attention inside a string ends: at a quote, a backslash,
/// a control character or the end. Eight bytes at a time while they last.
pub(crate) fn plain_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte below 0x20, equal to '"' or equal to '\\' sets its high bit here (bytes with the
        // high bit already set are excluded by `!w`).
        let low = w.wrapping_sub(ONES * 0x20);
        let quote = (w ^ (ONES * b'"' as u64)).wrapping_sub(ONES);
        let slash = (w ^ (ONES * b'\\' as u64)).wrapping_sub(ONES);
        let hit = (low | quote | slash) & !w & HIGH;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The same tree, bit for bit: floats by their bits (`-0.0` is not `0.0`), strings borrowed or
    /// owned alike.
    fn same(a: &Json, b: &Json) -> bool {
        match (a, b) {
            (Json::Num(Num::Float(x)), Json::Num(Num::Float(y))) => x.to_bits() == y.to_bits(),
            (Json::Str(x), Json::Str(y)) => {
                x == y && matches!(x, Cow::Borrowed(_)) == matches!(y, Cow::Borrowed(_))
            }
            (Json::Arr(x), Json::Arr(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Json::Obj(x), Json::Obj(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y).all(|((kx, vx), (ky, vy))| {
                        kx == ky
                            && matches!(kx, Cow::Borrowed(_)) == matches!(ky, Cow::Borrowed(_))
                            && same(vx, vy)
                    })
            }
            _ => a == b,
        }
    }

    /// Whatever the fast reader accepts, serde_json accepts as the same tree.
    fn agrees(text: &[u8]) -> Result<(), TestCaseError> {
        let serde = serde_json::from_slice::<Json>(text);
        if let Ok(fast) = whole(text, &mut Scratch::default()) {
            let Ok(serde) = serde else {
                return Err(TestCaseError::fail(format!(
                    "fast accepted what serde_json rejects: {:?}",
                    String::from_utf8_lossy(text)
                )));
            };
            prop_assert!(same(&fast, &serde), "{fast:?} != {serde:?}");
        }
        let mut serde_stream = Vec::new();
        for v in serde_json::Deserializer::from_slice(text).into_iter::<Json>() {
            match v {
                Ok(v) => serde_stream.push(v),
                Err(_) => {
                    prop_assert!(stream(text, &mut Scratch::default()).is_err());
                    return Ok(());
                }
            }
        }
        let mut scratch = Scratch::default();
        if stream(text, &mut scratch).is_ok() {
            let fast = &scratch.values;
            prop_assert_eq!(fast.len(), serde_stream.len());
            for (f, s) in fast.iter().zip(&serde_stream) {
                prop_assert!(same(f, s), "{f:?} != {s:?}");
            }
        }
        Ok(())
    }

    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?(0|[1-9][0-9]{0,21})(\\.[0-9]{1,21})?([eE][+-]?[0-9]{1,4})?",
            any::<i64>().prop_map(|i| i.to_string()),
            any::<u64>().prop_map(|u| u.to_string()),
            any::<f64>().prop_map(|f| f.to_string()),
            Just("-0".to_owned()),
            Just("1e400".to_owned()),
            Just("-9223372036854775808".to_owned()),
            Just("-9223372036854775809".to_owned()),
            Just("18446744073709551616".to_owned()),
        ]
    }

    fn string() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 +:.-]{0,12}",
            "\\\\[\"\\\\/bfnrt]",
            "\\\\u[0-9a-fA-F]{4}",
            "\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}",
            "[\u{80}-\u{10ffff}]{1,3}",
            "[\u{0}-\u{1f}]",
            Just("\\".to_owned()),
        ];
        proptest::collection::vec(piece, 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
    }

    fn value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            number(),
            string(),
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("null".to_owned()),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec((string(), inner), 0..6).prop_map(|m| {
                    let members: Vec<String> =
                        m.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    format!("{{ {} }}", members.join(" ,"))
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_reads_what_serde_json_reads(v in value(), ws in "[ \t\r\n]{0,2}") {
            agrees(format!("{ws}{v}{ws}").as_bytes())?;
            agrees(format!("{v}{ws}{v}").as_bytes())?;
        }

        #[test]
        fn damaged_json_is_never_read_differently(
            v in value(),
            cut in any::<prop::sample::Index>(),
            insert in any::<u8>(),
        ) {
            let mut bytes = v.into_bytes();
            if !bytes.is_empty() {
                let at = cut.index(bytes.len());
                let mut cut = bytes.clone();
                cut.truncate(at);
                agrees(&cut)?;
                bytes.insert(at, insert);
            }
            agrees(&bytes)?;
        }
    }

    #[test]
    fn plain_records_take_the_fast_way() {
        let text =
            br#"{"eventType":"call.started","n":-12,"f":8.958,"e":1.5e3,"a":[1,{"b":null}]}"#;
        assert!(whole(text, &mut Scratch::default()).is_ok());
        // And each of these is left to serde_json.
        for odd in [
            &br#"{"a":1e400}"#[..],
            br#"{"a":"\ud800"}"#,
            b"{\"a\":1,}",
            b"[01]",
        ] {
            assert!(whole(odd, &mut Scratch::default()).is_err(), "{odd:?}");
        }
    }
}
