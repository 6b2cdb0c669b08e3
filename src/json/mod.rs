//! A borrowed JSON tree: what every record is parsed into before detection, validation and
//! normalization. Strings without escapes borrow from the input buffer and objects are small
//! vectors, so parsing a record allocates a handful of times instead of once per key; this is
//! the per-record hot path of every command.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

pub mod fast;
pub(crate) mod repair;
pub(crate) mod write;

#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    /// Keys in document order; a duplicated key keeps every occurrence (`get` finds the first).
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Num {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Uint(u) => u as f64,
            Num::Float(f) => f,
        }
    }

    /// The value as an integer when it is one (`5`, `5.0`), else `None`.
    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Uint(u) => i64::try_from(u).ok(),
            Num::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Num::Float(_) => None,
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Uint(u) => write!(f, "{u}"),
            Num::Float(x) => write!(f, "{x}"),
        }
    }
}

impl<'a> Json<'a> {
    /// The tree with nothing borrowed (for a value parsed from mended text, which does not
    /// outlive its parse).
    pub(crate) fn into_owned(self) -> Json<'static> {
        let owned = |s: Cow<'a, str>| Cow::Owned(s.into_owned());
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Num(n) => Json::Num(n),
            Json::Str(s) => Json::Str(owned(s)),
            Json::Arr(items) => Json::Arr(items.into_iter().map(Json::into_owned).collect()),
            Json::Obj(fields) => Json::Obj(
                fields
                    .into_iter()
                    .map(|(k, v)| (owned(k), v.into_owned()))
                    .collect(),
            ),
        }
    }

    /// The one value `text` holds.
    #[cfg(test)]
    pub(crate) fn parse(text: &'a [u8]) -> Result<Json<'a>, serde_json::Error> {
        Json::parse_with(text, &mut fast::Scratch::default())
    }

    /// `parse`, reusing a batch's scratch space.
    pub fn parse_with(
        text: &'a [u8],
        scratch: &mut fast::Scratch<'a>,
    ) -> Result<Json<'a>, serde_json::Error> {
        match fast::whole(text, scratch) {
            Ok(v) => Ok(v),
            Err(fast::GiveUp) => serde_json::from_slice(text),
        }
    }

    /// Every value of a stream (NDJSON line, concatenated values) in turn, up to and including
    /// the first error.
    pub(crate) fn parse_stream(
        text: &'a [u8],
        scratch: &mut fast::Scratch<'a>,
        mut each: impl FnMut(usize, Result<Json<'a>, serde_json::Error>),
    ) {
        if fast::stream(text, scratch).is_ok() {
            for (i, v) in scratch.values.drain(..).enumerate() {
                each(i, Ok(v));
            }
            return;
        }
        for (i, item) in serde_json::Deserializer::from_slice(text)
            .into_iter::<Json>()
            .enumerate()
        {
            let failed = item.is_err();
            each(i, item);
            if failed {
                break;
            }
        }
    }

    /// The value at the start of `text` and the offset just past it, whatever follows it (a log
    /// line's trailing text), or `None` when there is only whitespace.
    pub(crate) fn parse_first(
        text: &'a [u8],
        scratch: &mut fast::Scratch<'a>,
    ) -> Option<Result<(Json<'a>, usize), serde_json::Error>> {
        if let Ok(s) = simdutf8::basic::from_utf8(text) {
            if let Ok(found) = fast::value_at(s, scratch) {
                return Some(Ok(found));
            }
        }
        let mut values = serde_json::Deserializer::from_slice(text).into_iter::<Json>();
        let first = values.next()?;
        Some(first.map(|v| (v, values.byte_offset())))
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn num(&self) -> Option<Num> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub(crate) fn fields(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Obj(fields) => Some(fields),
            _ => None,
        }
    }

    pub(crate) fn is_obj(&self) -> bool {
        matches!(self, Json::Obj(_))
    }

    /// The key's value as a string, when the key is present and holds one.
    pub(crate) fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Json::str)
    }

    /// A short word for the value's JSON type, as validation messages say it.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Num(_) => "number",
            Json::Str(_) => "string",
            Json::Arr(_) => "array",
            Json::Obj(_) => "object",
        }
    }

    /// The value in a message: strings quoted and cut short, containers summarised.
    pub(crate) fn preview(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Num(n) => n.to_string(),
            Json::Str(s) => {
                let mut t: String = s.chars().take(40).collect();
                if t.len() < s.len() {
                    t.push('…');
                }
                format!("{t:?}")
            }
            Json::Arr(a) => format!("an array of {}", a.len()),
            Json::Obj(o) => format!("an object with {} keys", o.len()),
        }
    }

    /// An owned `serde_json::Value`, for the few values carried into normalized events.
    pub(crate) fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Num(Num::Int(i)) => Value::from(*i),
            Json::Num(Num::Uint(u)) => Value::from(*u),
            Json::Num(Num::Float(f)) => Value::from(*f),
            Json::Str(s) => Value::String(s.to_string()),
            Json::Arr(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Obj(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Num(Num::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Json::Num(Num::Int(i)),
            Err(_) => Json::Num(Num::Uint(v)),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Json::Num(Num::Float(v)))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Most vendor objects have up to 16 keys (Xelion's CallEvent up to 21).
        let mut fields = Vec::with_capacity(16);
        while let Some(key) = map.next_key::<KeyCow<'de>>()? {
            let value = map.next_value()?;
            fields.push((key.0, value));
        }
        Ok(Json::Obj(fields))
    }
}

/// A map key that borrows when it can.
struct KeyCow<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for KeyCow<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyCow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Escape one JSON Pointer reference token (RFC 6901).
pub(crate) fn pointer_token(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings_and_owns_escaped_ones() {
        let text = br#"{"a":"plain","b":"esc\"aped","n":-3,"f":1.5,"u":18446744073709551615}"#;
        let v = Json::parse(text).unwrap();
        assert!(matches!(
            v.get("a"),
            Some(Json::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(v.get("b"), Some(Json::Str(Cow::Owned(s))) if s == "esc\"aped"));
        assert_eq!(
            v.get("n").and_then(Json::num).and_then(Num::as_i64),
            Some(-3)
        );
        assert_eq!(v.get("f").and_then(Json::num).map(Num::as_f64), Some(1.5));
        assert_eq!(v.get("u").and_then(Json::num), Some(Num::Uint(u64::MAX)));
    }

    #[test]
    fn duplicate_keys_are_kept_and_get_finds_the_first() {
        let v = Json::parse(br#"{"k":1,"k":2}"#).unwrap();
        assert_eq!(v.fields().unwrap().len(), 2);
        assert_eq!(v.get("k").and_then(Json::num), Some(Num::Int(1)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
        assert_eq!(pointer_token("plain"), "plain");
    }
}
