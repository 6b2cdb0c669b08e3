//! A vendor's schema as data: one table of fields per event. Validation walks these tables; the
//! `schema` command and the JSON Schema export print them. Nothing else restates a field.

use crate::diagnostic::{Code, Diagnostic};
use crate::event::EventKind;
use serde_json::{json, Map, Value};

use crate::json::{pointer_token, Json};

/// A field's JSON type, with the few vendor-specific shapes the documents describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    String,
    Number,
    Boolean,
    Object,
    /// Any JSON value, or none (Voximplant's `call` host object).
    Any,
    /// `{[header: string]: string}`
    StringMap,
    /// SIP headers: `{[header: string]: string}`, a repeated header as an array of strings.
    Headers,
    NumberArray,
    /// An ISO 8601 string or epoch milliseconds (Bandwidth).
    Timestamp,
    /// Epoch milliseconds as a number (Workonflow `createdAt`).
    EpochMillis,
    /// `yyyy-MM-dd HH:mm:ss` without a zone, or ISO 8601 (Xelion `date`).
    LocalDateTime,
    /// A string holding a whole number (Xelion `duration` in seconds).
    NumericString,
    /// One DTMF digit as a string, or as a number 0-9 (Workonflow's table says number, its
    /// example and real payloads send a string).
    Digit,
}

impl FieldType {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Object => "object",
            FieldType::Any => "any",
            FieldType::StringMap => "object of strings",
            FieldType::Headers => "object of strings (or arrays of strings, for repeated headers)",
            FieldType::NumberArray => "array of numbers",
            FieldType::Timestamp => "ISO 8601 string or epoch ms",
            FieldType::EpochMillis => "epoch ms (number)",
            FieldType::LocalDateTime => "date-time string",
            FieldType::NumericString => "string of digits",
            FieldType::Digit => "DTMF digit (string or number)",
        }
    }
}

/// What values a field may take beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Values {
    Any,
    /// One of these. `explicit`: the document closes the set (an error outside it) or only
    /// names examples (a warning).
    OneOf {
        values: &'static [&'static str],
        explicit: bool,
    },
    /// Each character one of `0-9 * #` (and `A-D` with a warning unless `explicit`).
    Dtmf {
        explicit: bool,
    },
    /// A 24-hex MongoDB ObjectId (warning otherwise).
    ObjectId,
    /// A UUID (warning otherwise).
    Uuid,
    /// Zero or more (warning otherwise).
    NonNegative,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: FieldType,
    pub(crate) required: bool,
    /// `null` is accepted (Xelion's optional fields; its required ones are `notNull`).
    pub(crate) nullable: bool,
    pub(crate) unit: Option<&'static str>,
    pub(crate) values: Values,
    pub(crate) doc: &'static str,
}

/// A required field.
pub(crate) const fn req(name: &'static str, ty: FieldType, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
        unit: None,
        values: Values::Any,
        doc,
    }
}

/// An optional field.
pub(crate) const fn opt(name: &'static str, ty: FieldType, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
        unit: None,
        values: Values::Any,
        doc,
    }
}

impl Field {
    pub(crate) const fn unit(mut self, unit: &'static str) -> Field {
        self.unit = Some(unit);
        self
    }
    pub(crate) const fn values(mut self, values: Values) -> Field {
        self.values = values;
        self
    }
    pub(crate) const fn nullable(mut self) -> Field {
        self.nullable = true;
        self
    }
}

/// Where an event's schema comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The vendor document in `shared/vendors/`.
    Documented,
    /// A later revision of the vendor's pages, or newer typings: fields as far as they are
    /// known.
    Later,
}

#[derive(Debug)]
pub(crate) struct EventSpec {
    /// The vendor's event name (the value of its event-name key).
    pub(crate) name: &'static str,
    /// The record shape it belongs to, for vendors with several (`callback`, `list item`, `frame`).
    pub(crate) form: &'static str,
    pub(crate) kind: EventKind,
    pub(crate) doc: &'static str,
    /// Fields shared by the vendor's events, then this event's own.
    pub(crate) common: &'static [Field],
    pub(crate) fields: &'static [Field],
    pub(crate) origin: Origin,
    /// Whether the field list is complete: only then do other keys get `unknown-field`, and only
    /// then is the event validated without an `unknown-event` warning.
    pub(crate) complete: bool,
}

impl EventSpec {
    pub(crate) fn all_fields(&self) -> impl Iterator<Item = &'static Field> {
        self.common.iter().chain(self.fields.iter())
    }
}

/// Check an object against a field table; findings get `base` (a JSON Pointer) before each key.
/// One pass over the object's members: each is looked up in the table (at most 64 fields, marked
/// in a bit set), and JSON Pointers are only built for findings. This runs on every record.
pub(crate) fn check_fields(spec: &EventSpec, obj: &Json, base: &str, out: &mut Vec<Diagnostic>) {
    let Some(members) = obj.fields() else {
        out.push(Diagnostic::error(
            Code::WrongType,
            base,
            format!("expected an object, found {}", obj.type_name()),
        ));
        return;
    };
    let path = |key: &str| format!("{base}/{}", pointer_token(key));
    let mut seen: u64 = 0;
    // Keys beyond the documented ones, to tell their repeats in linear time (an object of 2M
    // keys is read in one pass, not 2M scans back).
    let mut others: hashbrown::HashSet<&str, foldhash::fast::RandomState> = Default::default();
    for (key, value) in members {
        let found = spec
            .all_fields()
            .enumerate()
            .find(|(_, f)| f.name == key.as_ref());
        let repeated = match found {
            Some((i, _)) if i < 64 => {
                let bit = 1u64 << i;
                let again = seen & bit != 0;
                seen |= bit;
                again
            }
            _ => !others.insert(key.as_ref()),
        };
        if repeated {
            out.push(Diagnostic::warning(
                Code::Inconsistent,
                path(key),
                format!("key `{key}` appears more than once; the first is used"),
            ));
            continue;
        }
        match found {
            Some((_, field)) => check_value(field, value, base, out),
            None if spec.complete => out.push(Diagnostic::warning(
                Code::UnknownField,
                path(key),
                format!("`{key}` is not in the documented fields of {}", spec.name),
            )),
            None => {}
        }
    }
    for (i, field) in spec.all_fields().enumerate() {
        let present = if i < 64 {
            seen & (1 << i) != 0
        } else {
            obj.get(field.name).is_some()
        };
        if field.required && !present {
            out.push(Diagnostic::error(
                Code::MissingField,
                path(field.name),
                format!(
                    "required field `{}` is missing (expected {})",
                    field.name,
                    field.ty.describe()
                ),
            ));
        }
    }
}

fn wrong_type(field: &Field, value: &Json, base: &str, out: &mut Vec<Diagnostic>) {
    let path = format!("{base}/{}", pointer_token(field.name));
    let expected = with_article(field.ty.describe());
    out.push(Diagnostic::error(
        Code::WrongType,
        path,
        match value {
            Json::Null => format!("expected {expected}, found null"),
            // A map of strings with a member that is not one: say which.
            Json::Obj(members) => match members.iter().find(|(_, v)| !member_ok(field.ty, v)) {
                Some((key, v)) => format!("expected {expected}, but `{key}` is {}", found(v)),
                None => format!("expected {expected}, found {}", value.preview()),
            },
            _ => format!("expected {expected}, found {}", found(value)),
        },
    ));
}

/// Whether a member of a map-typed field is what the type allows: a string, and for headers
/// an array of strings too.
fn member_ok(ty: FieldType, v: &Json) -> bool {
    match v {
        Json::Arr(items) if ty == FieldType::Headers => items.iter().all(|i| i.str().is_some()),
        v => v.str().is_some(),
    }
}

/// A value as a message names it: `a string "x"`, `a number 3`, `an array of 2`.
fn found(value: &Json) -> String {
    match value {
        Json::Arr(_) | Json::Obj(_) => value.preview(),
        Json::Null => "null".to_owned(),
        _ => format!("{} {}", with_article(value.type_name()), value.preview()),
    }
}

/// `an object`, `a string`: what a message says of a type.
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn bad_value(
    explicit: bool,
    field: &Field,
    base: &str,
    message: String,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("{base}/{}", pointer_token(field.name));
    out.push(if explicit {
        Diagnostic::error(Code::BadValue, path, message)
    } else {
        Diagnostic::warning(Code::BadValue, path, message)
    });
}

/// Check one present field's value; `base` is the pointer of the object holding it.
pub(crate) fn check_value(field: &Field, value: &Json, base: &str, out: &mut Vec<Diagnostic>) {
    if matches!(value, Json::Null) {
        if !field.nullable && field.ty != FieldType::Any {
            wrong_type(field, value, base, out);
        }
        return;
    }
    let type_ok = match field.ty {
        FieldType::String | FieldType::LocalDateTime => value.str().is_some(),
        FieldType::Number => value.num().is_some(),
        FieldType::EpochMillis => value.num().and_then(|n| n.as_i64()).is_some(),
        FieldType::Boolean => matches!(value, Json::Bool(_)),
        FieldType::Object => value.is_obj(),
        FieldType::Any => true,
        FieldType::StringMap | FieldType::Headers => value
            .fields()
            .is_some_and(|m| m.iter().all(|(_, v)| member_ok(field.ty, v))),
        FieldType::NumberArray => {
            matches!(value, Json::Arr(items) if items.iter().all(|i| i.num().is_some()))
        }
        FieldType::Timestamp => value.str().is_some() || value.num().is_some(),
        FieldType::NumericString => value.str().is_some(),
        FieldType::Digit => value.str().is_some() || value.num().is_some(),
    };
    if !type_ok {
        return wrong_type(field, value, base, out);
    }
    // Values the type admits but the field does not. A time is read once, as normalization
    // reads it: one documented in epoch milliseconds must also be one a call can have.
    let time = match field.ty {
        FieldType::Timestamp | FieldType::EpochMillis => Some(crate::time::from_json_ms(value)),
        FieldType::LocalDateTime => Some(crate::time::from_json(value, 0)),
        _ => None,
    };
    match time {
        Some(None) => bad_value(
            true,
            field,
            base,
            format!(
                "expected {}, found {} that is not a time",
                field.ty.describe(),
                value.preview()
            ),
            out,
        ),
        Some(Some(t))
            if field.ty != FieldType::LocalDateTime && !crate::time::PLAUSIBLE.contains(&t) =>
        {
            bad_value(
                false,
                field,
                base,
                format!(
                    "{} is {}, not a time a call has (expected {}; seconds where milliseconds \
                     belong?); left out of the call's times",
                    value.preview(),
                    crate::timefmt::Zone::Utc.format(t),
                    field.ty.describe(),
                ),
                out,
            );
        }
        _ => {}
    }
    match field.ty {
        FieldType::NumericString => {
            let s = value.str().unwrap_or_default();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                bad_value(
                    true,
                    field,
                    base,
                    format!(
                        "expected a whole number of {} in a string, found {}",
                        field.unit.unwrap_or("units"),
                        value.preview()
                    ),
                    out,
                );
            }
        }
        FieldType::Digit => {
            if let Some(n) = value.num() {
                if !matches!(n.as_i64(), Some(0..=9)) {
                    bad_value(
                        true,
                        field,
                        base,
                        format!("expected a DTMF digit, found {}", value.preview()),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
    match field.values {
        Values::Any => {}
        Values::OneOf { values, explicit } => {
            if let Some(s) = value.str() {
                if !values.contains(&s) {
                    let what = if explicit {
                        "one of"
                    } else {
                        "a documented value such as"
                    };
                    bad_value(
                        explicit,
                        field,
                        base,
                        format!(
                            "expected {what} {}, found {}",
                            values.join(", "),
                            value.preview()
                        ),
                        out,
                    );
                }
            }
        }
        Values::Dtmf { explicit } => {
            if let Some(s) = value.str() {
                let digits_ok = !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_digit() || c == '*' || c == '#');
                if !digits_ok {
                    bad_value(
                        explicit,
                        field,
                        base,
                        format!("expected DTMF tones 0-9, * or #, found {}", value.preview()),
                        out,
                    );
                }
            }
        }
        Values::ObjectId => {
            if let Some(s) = value.str() {
                if !(s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())) {
                    bad_value(
                        false,
                        field,
                        base,
                        format!("expected a 24-hex ObjectId, found {}", value.preview()),
                        out,
                    );
                }
            }
        }
        Values::Uuid => {
            if let Some(s) = value.str() {
                if !is_uuid(s) {
                    bad_value(
                        false,
                        field,
                        base,
                        format!("expected a UUID, found {}", value.preview()),
                        out,
                    );
                }
            }
        }
        Values::NonNegative => {
            let number = match field.ty {
                FieldType::NumericString => value.str().and_then(|s| s.trim().parse::<f64>().ok()),
                _ => value.num().map(|n| n.as_f64()),
            };
            let unit = match field.unit {
                Some("ms") => Some(1.0),
                Some("s") => Some(1000.0),
                _ => None,
            };
            let used = "left out of the call's durations";
            if number.is_some_and(|n| n < 0.0) {
                let why = if unit.is_some() {
                    format!("; {used}")
                } else {
                    String::new()
                };
                bad_value(
                    false,
                    field,
                    base,
                    format!("expected zero or more, found {}{why}", value.preview()),
                    out,
                );
            } else if let (Some(n), Some(unit)) = (number, unit) {
                if crate::time::duration_ms(n, unit).is_none() {
                    bad_value(
                        false,
                        field,
                        base,
                        format!(
                            "{} ({}) is longer than a day, not a call's duration; {used}",
                            value.preview(),
                            field.unit.unwrap_or_default()
                        ),
                        out,
                    );
                }
            }
        }
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

// The JSON Schema of the tables: what `callev schema --json-schema` exports.

/// A time string as `callev` reads one (checked fully by validation; the pattern is its shape).
const ISO_PATTERN: &str =
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$";

/// The JSON Schema of one field: errors only, since warnings never make a record invalid.
pub(crate) fn field_schema(f: &Field) -> Value {
    let mut s = match f.ty {
        FieldType::String => json!({"type": "string"}),
        FieldType::Number => json!({"type": "number"}),
        FieldType::EpochMillis => json!({"type": "integer", "minimum": 0}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::Object => json!({"type": "object"}),
        FieldType::Any => json!({}),
        FieldType::StringMap => {
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        }
        FieldType::Headers => json!({"type": "object", "additionalProperties": {"anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
        ]}}),
        FieldType::NumberArray => json!({"type": "array", "items": {"type": "number"}}),
        FieldType::Timestamp => {
            json!({"anyOf": [{"type": "string", "pattern": ISO_PATTERN}, {"type": "number", "minimum": 0}]})
        }
        FieldType::LocalDateTime => json!({"type": "string", "pattern": ISO_PATTERN}),
        FieldType::NumericString => json!({"type": "string", "pattern": "^[0-9]+$"}),
        FieldType::Digit => {
            json!({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0, "maximum": 9}]})
        }
    };
    if let Value::Object(m) = &mut s {
        match f.values {
            Values::OneOf {
                values,
                explicit: true,
            } => {
                m.insert("enum".into(), json!(values));
            }
            Values::Dtmf { explicit: true } => {
                m.insert("pattern".into(), json!("^[0-9*#]+$"));
            }
            _ => {}
        }
        m.insert(
            "description".into(),
            json!(match f.unit {
                Some(u) => format!("{} ({u})", f.doc),
                None => f.doc.to_owned(),
            }),
        );
    }
    if f.nullable {
        s = json!({"anyOf": [s, {"type": "null"}]});
    }
    s
}

pub(crate) fn object_schema(
    fields: impl Iterator<Item = &'static Field>,
    name_key: Option<(&str, &str)>,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields {
        properties.insert(f.name.to_owned(), field_schema(f));
        if f.required {
            required.push(f.name);
        }
    }
    if let Some((key, name)) = name_key {
        properties.insert(key.to_owned(), json!({"const": name}));
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// The JSON Schema of an event whose name sits under `key`: its table's fields, the name fixed.
pub(crate) fn named_schema(key: &str, s: &'static EventSpec) -> Value {
    object_schema(s.all_fields(), Some((key, s.name)))
}

/// The names of a format's events of one form (`known` in the catch-all definitions).
pub(crate) fn names_of(events: &'static [EventSpec], form: &str) -> Vec<&'static str> {
    events
        .iter()
        .filter(|s| s.form == form)
        .map(|s| s.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static FIELDS: &[Field] = &[
        req("id", FieldType::String, "an id"),
        opt("n", FieldType::Number, "a number").values(Values::NonNegative),
        opt("tone", FieldType::String, "a tone").values(Values::Dtmf { explicit: true }),
        opt("state", FieldType::String, "a state").values(Values::OneOf {
            values: &["A", "B"],
            explicit: false,
        }),
    ];
    static SPEC: EventSpec = EventSpec {
        name: "test",
        form: "",
        kind: EventKind::Other,
        doc: "",
        common: &[],
        fields: FIELDS,
        origin: Origin::Documented,
        complete: true,
    };

    fn codes(text: &str) -> Vec<(Code, String, crate::diagnostic::Severity)> {
        let v = Json::parse(text.as_bytes()).unwrap();
        let mut out = Vec::new();
        check_fields(&SPEC, &v, "/p", &mut out);
        out.into_iter()
            .map(|d| (d.code, d.path, d.severity))
            .collect()
    }

    #[test]
    fn each_kind_of_finding() {
        use crate::diagnostic::Severity::*;
        assert!(codes(r#"{"id":"x","n":3,"tone":"*1#","state":"A"}"#).is_empty());
        assert_eq!(
            codes(r#"{}"#),
            vec![(Code::MissingField, "/p/id".into(), Error)]
        );
        assert_eq!(
            codes(r#"{"id":5}"#),
            vec![(Code::WrongType, "/p/id".into(), Error)]
        );
        assert_eq!(
            codes(r#"{"id":"x","n":-1}"#),
            vec![(Code::BadValue, "/p/n".into(), Warning)]
        );
        assert_eq!(
            codes(r#"{"id":"x","tone":"x"}"#),
            vec![(Code::BadValue, "/p/tone".into(), Error)]
        );
        assert_eq!(
            codes(r#"{"id":"x","state":"C"}"#),
            vec![(Code::BadValue, "/p/state".into(), Warning)]
        );
        assert_eq!(
            codes(r#"{"id":"x","a/b":1}"#),
            vec![(Code::UnknownField, "/p/a~1b".into(), Warning)]
        );
        assert_eq!(
            codes(r#"{"id":"x","id":"y"}"#),
            vec![(Code::Inconsistent, "/p/id".into(), Warning)]
        );
    }
}
