//! The VoxEngine session log: the text log Voximplant keeps of each JavaScript session (its
//! `log_file_url`), whose lines are `<time> <text>`. The platform's events reach the scenario as
//! `Sent event to JS onPhoneEvent with params [ … ]` in a notation of its own, not JSON:
//!
//! ```text
//! params = list | object
//! list   = "[" { value " ;" spaces } "]"
//! object = "{" { key " = " value " ;" spaces } "}"
//! value  = object | list | NULL | raw text up to the " ;" that ends it
//! ```
//!
//! Keys may be empty; strings are bare (spaces included) and carry no type, so fields are typed
//! by the event's table (a digits-only `destination` stays a string; a number where the table
//! says nothing is read as one); `NULL` and `void` are null;
//! a value that is JSON text (`{"…`) is read as JSON. The grammar is read off public session logs;
//! Voximplant does not document it.

use std::borrow::Cow;

use crate::formats::schema::{EventSpec, FieldType};
use crate::formats::LogLine;
use crate::json::{Json, Num};

/// The text that introduces a platform event, and that of any other logged call with params.
const EVENT: &str = "Sent event to JS onPhoneEvent with params ";
const WITH_PARAMS: &str = " with params ";

/// Read one log line: an event in the notation, another entry with params (a command, a
/// request: text, not events), or not the session log's (`None`). A line whose params are JSON
/// (`Sent event from JS …` in newer logs) is left to the JSON reader.
pub(crate) fn read(line: &[u8], prefix: usize) -> Option<LogLine<'_>> {
    // The marker stands right before the params' first brace (`with params {`, `with params
    // [{`): on every log line, a look at the prefix's end is all it costs.
    let head = &line[..line.len().min(prefix)];
    let at = if head.ends_with(b" with params [") {
        head.len() - WITH_PARAMS.len() - 1
    } else if head.ends_with(WITH_PARAMS.as_bytes()) {
        head.len() - WITH_PARAMS.len()
    } else {
        return None;
    };
    let line = std::str::from_utf8(line).ok()?;
    let params = line[at + WITH_PARAMS.len()..].trim_end();
    if params.starts_with("{\"") {
        return None;
    }
    let event_at = memchr::memmem::find(line.as_bytes(), EVENT.as_bytes());
    // A line too short to hold the marker before its params (" with params {" at its very
    // start) is no event either.
    if event_at.is_none() || event_at != (at + WITH_PARAMS.len()).checked_sub(EVENT.len()) {
        return Some(LogLine::NotAnEvent);
    }
    let mut p = Parser {
        text: params,
        at: 0,
    };
    let value = match p.value() {
        Ok(v) => v,
        Err(why) => return Some(LogLine::Damaged(format!("VoxEngine session log: {why}"))),
    };
    // The list's first item is the event.
    let event = match value {
        Json::Arr(mut items) if !items.is_empty() => items.swap_remove(0),
        v @ Json::Obj(_) => v,
        _ => {
            return Some(LogLine::Damaged(
                "VoxEngine session log: the params hold no event object".to_owned(),
            ))
        }
    };
    Some(LogLine::Event(typed(event)))
}

/// Give the event's fields the types its table says (the notation has none).
fn typed(event: Json<'_>) -> Json<'_> {
    let Json::Obj(members) = event else {
        return event;
    };
    let spec: Option<&EventSpec> = members
        .iter()
        .find(|(k, _)| k == "name")
        .and_then(|(_, v)| v.str())
        .and_then(|name| crate::formats::find_spec(super::EVENTS, name));
    let ty = |key: &str| {
        spec.and_then(|s| s.all_fields().find(|f| f.name == key))
            .map(|f| f.ty)
    };
    Json::Obj(
        members
            .into_iter()
            .map(|(k, v)| {
                let v = match (ty(&k), v) {
                    // A field the table does not know, written as a number, is likely one: the
                    // same event logged as JSON has a number there.
                    (Some(FieldType::Number) | None, Json::Str(s)) if number(&s).is_some() => {
                        number(&s).unwrap_or(Json::Str(s))
                    }
                    (Some(FieldType::Boolean) | None, Json::Str(s))
                        if s == "true" || s == "false" =>
                    {
                        Json::Bool(s == "true")
                    }
                    (_, v) => v,
                };
                (k, v)
            })
            .collect(),
    )
}

fn number(s: &str) -> Option<Json<'static>> {
    if let Ok(i) = s.parse::<i64>() {
        return Some(Json::Num(Num::Int(i)));
    }
    s.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| Json::Num(Num::Float(f)))
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(' ').len();
    }

    fn value(&mut self) -> Result<Json<'a>, String> {
        let rest = self.rest();
        if rest.starts_with("{\"") {
            return self.json();
        }
        match rest.as_bytes().first() {
            Some(b'{') => self.object(),
            Some(b'[') => self.list(),
            _ => Ok(self.raw()),
        }
    }

    /// Raw text up to the ` ;` that ends the item (or the ` }`/` ]` of the one form seen
    /// without it); `NULL` and `void` are null.
    fn raw(&mut self) -> Json<'a> {
        let rest = self.rest();
        let end = [" ;", " }", " ]"]
            .iter()
            .filter_map(|t| rest.find(t))
            .min()
            .unwrap_or(rest.len());
        self.at += end;
        match &rest[..end] {
            "NULL" | "void" => Json::Null,
            text => Json::Str(Cow::Borrowed(text)),
        }
    }

    /// JSON text standing as a value (`{"…}`), to its matching brace.
    fn json(&mut self) -> Result<Json<'a>, String> {
        let rest = self.rest();
        let mut scratch = Default::default();
        match Json::parse_first(rest.as_bytes(), &mut scratch) {
            Some(Ok((v, len))) => {
                self.at += len;
                Ok(v)
            }
            _ => Err("JSON text inside the params does not parse".to_owned()),
        }
    }

    /// The end of an item: ` ;` and the spaces after it.
    fn item_end(&mut self) {
        if self.rest().starts_with(" ;") {
            self.at += 2;
        }
        self.skip_spaces();
    }

    fn object(&mut self) -> Result<Json<'a>, String> {
        self.at += 1;
        let mut members = Vec::new();
        loop {
            self.skip_spaces();
            let rest = self.rest();
            if rest.starts_with('}') {
                self.at += 1;
                return Ok(Json::Obj(members));
            }
            if rest.is_empty() {
                return Err("an object never closes".to_owned());
            }
            // A key may be empty: ` = {` opens the value at once.
            let (key_end, eq) = if rest.starts_with("= ") {
                (0, 2)
            } else {
                match rest.find(" = ") {
                    Some(i) => (i, 3),
                    None => return Err(format!("expected `key = value` at {:?}", head(rest))),
                }
            };
            let key = &rest[..key_end];
            self.at += key_end + eq;
            let value = self.value()?;
            members.push((Cow::Borrowed(key), value));
            self.item_end();
        }
    }

    fn list(&mut self) -> Result<Json<'a>, String> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            let rest = self.rest();
            if rest.starts_with(']') {
                self.at += 1;
                return Ok(Json::Arr(items));
            }
            if rest.is_empty() {
                return Err("a list never closes".to_owned());
            }
            items.push(self.value()?);
            self.item_end();
        }
    }
}

fn head(text: &str) -> String {
    text.chars().take(30).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Json<'_> {
        match read(line.as_bytes(), line.find('{').unwrap_or(line.len())) {
            Some(LogLine::Event(e)) => e,
            _ => panic!("no event in {line:?}"),
        }
    }

    #[test]
    fn reads_the_notation_nested_lists_null_and_empty_values() {
        let line = "2026-04-22 08:38:12.215 Sent event to JS onPhoneEvent with params [{id = Ab.1 ; name = Call.Disconnected ; duration = 12 ; cost = 0.0123 ; internalCode = 16 ; headers = {Reason = Q.850;cause=16 ; VI-Client-IP = 192.0.2.1 ; } ; displayName =  ; call = NULL ; scheme = { = {codec = PCMA ; } ; } ; note = two words ; } ;  ]";
        let e = event(line);
        assert_eq!(e.get_str("name"), Some("Call.Disconnected"));
        assert_eq!(e.get_str("id"), Some("Ab.1"));
        assert_eq!(e.get("duration"), Some(&Json::Num(Num::Int(12))));
        assert_eq!(e.get("cost"), Some(&Json::Num(Num::Float(0.0123))));
        assert_eq!(
            e.get("headers").and_then(|h| h.get_str("Reason")),
            Some("Q.850;cause=16")
        );
        assert_eq!(e.get_str("displayName"), Some(""));
        assert_eq!(e.get("call"), Some(&Json::Null));
        assert_eq!(e.get_str("note"), Some("two words"));
        assert!(e.get("scheme").and_then(|s| s.get("")).is_some());
    }

    #[test]
    fn digits_stay_strings_where_the_table_says_string() {
        let e = event("2026-04-22 08:38:10.001 Sent event to JS onPhoneEvent with params [{callerid = 15550100001 ; destination = 15550100901 ; id = Ab.1 ; name = Application.CallAlerting ; } ;  ]");
        assert_eq!(e.get_str("destination"), Some("15550100901"));
    }

    #[test]
    fn json_inside_a_value_and_the_unterminated_form() {
        let e = event(
            r#"2019-01-01 00:00:00 Sent event to JS onPhoneEvent with params [{id = x ; name = WebSocket.Message ; text = {"a": [1, 2]} ; } ;  ]"#,
        );
        assert_eq!(
            e.get("text").and_then(|t| t.get("a")).map(|a| a.preview()),
            Some("an array of 2".to_owned())
        );
        let e = event("2019-01-01 00:00:00 Sent event to JS onPhoneEvent with params {name = Call.Ringing ; id = X }");
        assert_eq!(e.get_str("id"), Some("X"));
    }

    #[test]
    fn commands_are_text_json_params_are_json_and_other_lines_are_not_ours() {
        let read = |l: &'static str| read(l.as_bytes(), l.find('{').unwrap_or(l.len()));
        assert!(matches!(
            read("2026-04-22 08:38:12.300 Executing JS command: AcceptCall with params [{id = Ab.1 ; } ;  ]"),
            Some(LogLine::NotAnEvent)
        ));
        assert!(read(r#"2026-04-22 08:38:12.300 Sent event from JS onPhoneEvent with params {"name":"Call.Connected"}"#).is_none());
        assert!(read("2026-04-22 08:38:12.300 VoxEngine version: 1.2.3").is_none());
        assert!(matches!(
            read("2026-04-22 08:38:12.300 Sent event to JS onPhoneEvent with params [{id = Ab.1 ; name = Call.Connected"),
            Some(LogLine::Damaged(_))
        ));
    }
}
