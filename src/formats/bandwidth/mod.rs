//! Bandwidth: the Catapult v1 call-events list and callbacks (`v1.rs`) and the current Voice
//! API's v2 callbacks (`v2.rs`), one vendor with three record forms, told apart by their keys;
//! and its messaging callbacks, which may share a webhook URL with calls and are no call events.

mod trigger;
mod v1;
mod v2;

use serde_json::{json, Value};

use super::schema::{self, EventSpec};
use super::{Context, Descriptor, Detected};
use crate::diagnostic::Diagnostic;
use crate::event::Event;
use crate::json::Json;

pub(crate) use v1::ITEM_FIELDS;

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: "bandwidth",
    title: "Bandwidth call events: Catapult v1 list items and callbacks, Voice API v2 callbacks",
    forms: &[v1::EVENTS, v2::EVENTS],
    recognise: |obj| v2::recognise(obj).or_else(|| v1::recognise(obj)),
    recognise_weak: Some(v1::recognise_item),
    read_as: |obj| v2::recognise(obj).unwrap_or_else(|| v1::recognise_forced(obj)),
    not_a_call: Some(messaging),
    log_notation: None,
    salvage: |text| {
        let event = super::damaged_string(text, "eventType")?;
        Some(super::Salvaged {
            vendor: super::Vendor::find("bandwidth")?,
            event: event.to_owned(),
            call_id: super::damaged_string(text, "callId")?.to_owned(),
        })
    },
    validate,
    normalize,
    record_schema,
    other_events: || {
        vec![
            (
                "bandwidth.other-callback".into(),
                json!({"type": "object", "properties": {"eventType": {"type": "string", "not": {"enum": schema::names_of(v1::EVENTS, v1::CALLBACK)}}}, "required": ["eventType"], "not": {"required": ["eventTime"]}}),
            ),
            (
                "bandwidth.other-v2-callback".into(),
                json!({"type": "object", "properties": {"eventType": {"type": "string", "not": {"enum": schema::names_of(v2::EVENTS, v2::FORM)}}, "eventTime": {"type": "string"}}, "required": ["eventType", "eventTime"]}),
            ),
            (
                "bandwidth.other-list-item".into(),
                json!({"type": "object", "properties": {
                    "id": {"type": "string"},
                    "time": schema::field_schema(&ITEM_FIELDS[1]),
                    "name": {"type": "string", "not": {"enum": schema::names_of(v1::EVENTS, v1::ITEM)}},
                    "data": {"type": "string"},
                }, "required": ["name"], "additionalProperties": false}),
            ),
        ]
    },
    hidden_details: &[],
    answered_callbacks: (
        &BXML_CALLBACKS,
        "expects BXML in the answer (Content-Type: application/xml); an empty answer hangs the \
         call up",
    ),
    trigger: Some(&trigger::TRIGGER),
};

/// The callbacks whose answer is BXML that drives the call (Bandwidth Voice API, "Webhooks",
/// <https://dev.bandwidth.com/docs/voice/webhooks/>, and the v1 BXML callbacks, which arrive
/// as GETs).
const BXML_CALLBACKS: [&str; 13] = [
    "answer",
    "initiate",
    "redirect",
    "gather",
    "recordComplete",
    "transferAnswer",
    "transferComplete",
    "bridgeComplete",
    "bridgeTargetComplete",
    "conferenceCreated",
    "conferenceMemberJoin",
    "conferenceMemberExit",
    "conferenceRedirect",
];

fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    if v2::is_v2(d.payload) {
        v2::validate(d, out)
    } else {
        v1::validate(d, out)
    }
}

fn normalize(d: &Detected, ctx: &Context) -> Event {
    if v2::is_v2(d.payload) {
        v2::normalize(d, ctx)
    } else {
        v1::normalize(d, ctx)
    }
}

/// Bandwidth's messaging callbacks, which may share the application's webhook URL with its calls:
/// v1's `sms` and `mms` (`messageId`, `messageUri`), v2's `message-…` types with a `message`
/// object. They are not call events.
fn messaging(obj: &Json) -> Option<(String, String)> {
    let kind = match obj.get_str("eventType") {
        Some(kind @ ("sms" | "mms")) => kind,
        _ => obj.get_str("type").filter(|k| {
            k.starts_with("message-") && obj.get("message").is_some_and(Json::is_obj)
        })?,
    };
    Some((
        kind.to_owned(),
        format!("a Bandwidth messaging callback ({kind}), not a call event"),
    ))
}

/// A v1 callback names its event under `eventType`; a list item under `name`, and is told from
/// a callback by having no `eventType`, as detection does; a v2 callback has `eventTime` too.
fn record_schema(s: &'static EventSpec) -> Value {
    match s.form {
        // Its table requires eventTime, which v1's callbacks never have.
        v2::FORM => schema::named_schema("eventType", s),
        v1::CALLBACK => {
            let mut cb = schema::named_schema("eventType", s);
            cb["not"] = json!({"required": ["eventTime"]});
            cb
        }
        _ => {
            let mut item = schema::named_schema("name", s);
            item["not"] = json!({"required": ["eventType"]});
            item
        }
    }
}
