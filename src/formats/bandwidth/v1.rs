//! Bandwidth Catapult v1: the call-events list (`GET .../calls/{callId}/events`, items
//! `{id, time, name, data}` with every key optional and no call id inside) and the v1 callbacks
//! the platform POSTs (flat objects keyed by `eventType`). `data` may hold JSON inside a string.

use crate::diagnostic::{Code, Diagnostic};
use crate::event::{Detail, Details, Event, EventKind, Outcome};
use crate::formats::schema::{self, opt, req, EventSpec, Field, FieldType, Origin, Values};
use crate::formats::{event_name, owned, Context, Detected, Recognised};
use crate::json::Json;

pub(super) const ITEM: &str = "list item";
pub(super) const CALLBACK: &str = "callback";

pub(crate) static ITEM_FIELDS: &[Field] = &[
    opt(
        "id",
        FieldType::String,
        "the call event's id (not the call's)",
    ),
    opt(
        "time",
        FieldType::Timestamp,
        "when the event occurred (ISO 8601 UTC; epoch ms from the single-event endpoint)",
    ),
    opt("name", FieldType::String, "the event's name"),
    opt(
        "data",
        FieldType::String,
        "data about the event: plain text or JSON inside the string",
    ),
];

static CB: &[Field] = &[
    req("eventType", FieldType::String, "the callback's event"),
    req("callId", FieldType::String, "the call's id"),
    opt(
        "callUri",
        FieldType::String,
        "the call's resource URI (.../v1/users/{userId}/calls/{callId})",
    ),
    opt("from", FieldType::String, "the caller's number"),
    opt("to", FieldType::String, "the called number"),
    opt("callState", FieldType::String, "the call's state"),
    req(
        "time",
        FieldType::Timestamp,
        "when the event occurred (ISO 8601)",
    ),
    opt(
        "tag",
        FieldType::String,
        "the tag set on the call, only when one was",
    ),
    opt("applicationId", FieldType::String, "the application's id"),
    opt(
        "diversion",
        FieldType::Object,
        "the Diversion header: origTo, reason, screen, privacy, counter, limit",
    ),
    opt(
        "type",
        FieldType::String,
        "a type some callbacks carry (the platform sends it; its pages do not list it)",
    ),
];
/// Recording callbacks carry start and end times instead of `time`.
static CB_UNTIMED: &[Field] = &[
    CB[0],
    CB[1],
    CB[2],
    CB[3],
    CB[4],
    CB[5],
    opt(
        "time",
        FieldType::Timestamp,
        "when the event occurred (ISO 8601)",
    ),
    CB[7],
];
/// A transcription belongs to a recording; it may name no call at all.
static CB_TRANSCRIPTION: &[Field] = &[
    CB[0],
    opt(
        "callId",
        FieldType::String,
        "the call's id (a transcription belongs to a recording and may have none)",
    ),
    CB_UNTIMED[6],
    CB[7],
];
/// Conference callbacks are about a conference, not one call.
static CB_CONFERENCE: &[Field] = &[
    CB[0],
    opt("callId", FieldType::String, "the call's id, for a member"),
    opt("conferenceId", FieldType::String, "the conference's id"),
    opt(
        "conferenceUri",
        FieldType::String,
        "the conference's resource URI",
    ),
    opt(
        "status",
        FieldType::String,
        "created, completed; started, done (playback, speak)",
    ),
    opt(
        "time",
        FieldType::Timestamp,
        "when the event occurred (ISO 8601)",
    ),
    CB[7],
];
const STATE: Field = opt("state", FieldType::String, "the callback's state");

macro_rules! item {
    ($name:expr, $kind:ident, $doc:expr) => {
        EventSpec {
            name: $name,
            form: ITEM,
            kind: EventKind::$kind,
            doc: $doc,
            common: &[],
            fields: ITEM_FIELDS,
            origin: Origin::Documented,
            complete: true,
        }
    };
}
macro_rules! callback {
    ($name:expr, $kind:ident, $doc:expr, $common:expr, [$($field:expr),* $(,)?], $complete:expr) => {
        EventSpec { name: $name, form: CALLBACK, kind: EventKind::$kind, doc: $doc, common: $common, fields: &[$($field),*], origin: Origin::Later, complete: $complete }
    };
}

pub(super) static EVENTS: &[EventSpec] = &[
    item!("create", Started, "the call was created"),
    item!("answer", Answered, "the call was answered"),
    item!(
        "hangup",
        Ended,
        "the call hung up; data is the hangup cause"
    ),
    item!("reject", Failed, "the call was rejected"),
    item!("timeout", Failed, "the call was not answered in time"),
    item!("playback", Media, "audio playback; data is start or done"),
    item!("speak", Media, "text to speech; data is start or done"),
    item!("dtmf", Dtmf, "a DTMF digit; data is the digit"),
    item!("gather", Dtmf, "digits were gathered"),
    item!("recording", Recording, "recording started or stopped"),
    item!("transfer", Transfer, "the call was transferred"),
    item!("error", Failed, "the call ended in an error; data is free text"),
    item!(
        "CHANNEL_EXECUTE",
        Other,
        "the switch ran an application; data is JSON"
    ),
    item!(
        "CHANNEL_EXECUTE_COMPLETE",
        Other,
        "a switch application completed; data is JSON"
    ),
    callback!("incomingcall", Started, "a call arrived", CB, [], true),
    callback!(
        "reject",
        Failed,
        "the call was rejected (the Java SDK's name; the platform sends a CALL_REJECTED hangup)",
        CB,
        [opt("cause", FieldType::String, "the cause")],
        true
    ),
    callback!(
        "error",
        Failed,
        "the call ended in an error",
        CB_UNTIMED,
        [
            opt("cause", FieldType::String, "the cause"),
            opt("message", FieldType::String, "what went wrong"),
            opt("category", FieldType::String, "the error's category"),
            opt("code", FieldType::String, "the error's code"),
        ],
        false
    ),
    callback!(
        "transferComplete",
        Transfer,
        "a BXML transfer's B-leg was connected (sent to the original call)",
        CB,
        [],
        true
    ),
    callback!(
        "redirect",
        Other,
        "a BXML redirect",
        CB_UNTIMED,
        [],
        true
    ),
    callback!("answer", Answered, "the call was answered", CB, [], true),
    callback!(
        "hangup",
        Ended,
        "the call hung up",
        CB,
        [
            req(
                "cause",
                FieldType::String,
                "the hangup cause: NORMAL_CLEARING, USER_BUSY, CALL_REJECTED, NO_ANSWER, ORIGINATOR_CANCEL, UNALLOCATED_NUMBER, NORMAL_TEMPORARY_FAILURE, NO_USER_RESPONSE; anything else is an internal error"
            ),
        ],
        true
    ),
    callback!(
        "timeout",
        Failed,
        "the call was not answered in time",
        CB,
        [],
        true
    ),
    callback!(
        "playback",
        Media,
        "audio playback started or finished",
        CB,
        [
            req("status", FieldType::String, "started or done").values(Values::OneOf {
                values: &["started", "done"],
                explicit: false
            }),
        ],
        true
    ),
    callback!(
        "speak",
        Media,
        "text to speech started or finished",
        CB,
        [
            req("status", FieldType::String, "started or done").values(Values::OneOf {
                values: &["started", "done"],
                explicit: false
            }),
            opt("state", FieldType::String, "PLAYBACK_START or PLAYBACK_STOP"),
        ],
        true
    ),
    callback!(
        "dtmf",
        Dtmf,
        "a DTMF digit arrived",
        CB,
        [
            req("dtmfDigit", FieldType::String, "the digit").values(Values::Dtmf { explicit: false }),
            opt(
                "dtmfDuration",
                FieldType::String,
                "how long the key was held, a number in a string (ms, inferred)"
            ),
        ],
        true
    ),
    callback!(
        "gather",
        Dtmf,
        "digits were gathered",
        CB,
        [
            opt("gatherId", FieldType::String, "the gather's id"),
            opt("digits", FieldType::String, "the digits gathered"),
            opt("reason", FieldType::String, "why the gather ended").values(Values::OneOf {
                values: &[
                    "max-digits",
                    "terminating-digit",
                    "inter-digit-timeout",
                    "hung-up"
                ],
                explicit: false
            }),
            opt("state", FieldType::String, "the gather's state"),
            opt("terminatingDigit", FieldType::String, "the digit that ended it"),
        ],
        true
    ),
    callback!(
        "recording",
        Recording,
        "a recording changed state",
        CB_UNTIMED,
        [
            opt("recordingId", FieldType::String, "the recording's id"),
            opt("recordingUri", FieldType::String, "the recording's resource URI"),
            STATE,
            opt("status", FieldType::String, "the recording's status: complete or error"),
            opt("startTime", FieldType::Timestamp, "when recording started"),
            opt("endTime", FieldType::Timestamp, "when recording ended"),
        ],
        true
    ),
    callback!(
        "transcription",
        Recording,
        "a transcription is ready (it belongs to a recording)",
        CB_TRANSCRIPTION,
        [
            opt("transcriptionId", FieldType::String, "the transcription's id"),
            opt("transcriptionUri", FieldType::String, "the transcription's resource URI"),
            opt("recordingId", FieldType::String, "the recording transcribed"),
            STATE,
            opt("status", FieldType::String, "completed or error"),
            opt("text", FieldType::String, "the text, its first 1026 characters"),
            opt("textSize", FieldType::Number, "the whole text's length"),
            opt("textUrl", FieldType::String, "where the whole text is"),
        ],
        true
    ),
    callback!(
        "conference",
        Other,
        "a conference changed state",
        CB_CONFERENCE,
        [
            opt("createdTime", FieldType::Timestamp, "when the conference was created"),
            opt("completedTime", FieldType::Timestamp, "when the conference completed"),
        ],
        true
    ),
    callback!(
        "conference-member",
        Other,
        "a conference member changed state",
        CB_CONFERENCE,
        [
            opt("memberId", FieldType::String, "the member's id"),
            opt("memberUri", FieldType::String, "the member's resource URI"),
            STATE,
            opt("hold", FieldType::Boolean, "whether the member is on hold"),
            opt("mute", FieldType::Boolean, "whether the member is muted"),
            opt("activeMembers", FieldType::Number, "how many members are active"),
        ],
        true
    ),
    callback!(
        "conference-playback",
        Media,
        "conference playback",
        CB_CONFERENCE,
        [],
        false
    ),
    callback!(
        "conference-speak",
        Media,
        "conference text to speech",
        CB_CONFERENCE,
        [],
        false
    ),
];

fn spec(form: &str, name: &str) -> Option<&'static EventSpec> {
    EVENTS.iter().find(|s| s.form == form && s.name == name)
}

fn is_call_uri(s: &str) -> bool {
    s.contains("/v1/users/") && s.contains("/calls/")
}

/// A v1 callback: its `eventType` is a Catapult callback name, or it has a Catapult call URI.
pub(super) fn recognise(obj: &Json) -> Option<Recognised> {
    let name = obj.get_str("eventType")?;
    let uri = obj.get_str("callUri").filter(|u| is_call_uri(u));
    // Bandwidth's v2 callbacks (eventTime, callUrl, accountId) are a different format.
    if uri.is_none()
        && obj.get("time").is_none()
        && (obj.get("eventTime").is_some() || obj.get("callUrl").is_some())
    {
        return None;
    }
    let found = spec(CALLBACK, name);
    let sign = match (found.is_some(), uri.is_some()) {
        (true, true) => {
            "eventType {event} is a Catapult callback name and callUri is a Catapult call URI"
        }
        (true, false) => "eventType {event} is a Catapult callback name",
        (false, true) => {
            "callUri is a Catapult call URI (eventType {event} is not a documented callback)"
        }
        (false, false) => return None,
    };
    Some(Recognised {
        event: Some(event_name(name, found)),
        spec: found,
        sign,
        forced: false,
    })
}

/// An item of the call-events list: keys within `{id, time, name, data}` and a `name` that is
/// not a Voximplant `Call.*` name. The weakest sign, tried last.
pub(super) fn recognise_item(obj: &Json) -> Option<Recognised> {
    let fields = obj.fields()?;
    let within = fields
        .iter()
        .all(|(k, _)| matches!(k.as_ref(), "id" | "time" | "name" | "data"));
    if !within
        || (obj.get("name").is_none() && obj.get("time").is_none())
        || obj.get("data").is_some_and(Json::is_obj)
    {
        return None;
    }
    let name = obj.get("name");
    if name
        .and_then(Json::str)
        .is_some_and(|n| n.starts_with("Call."))
    {
        return None;
    }
    let name = name.and_then(Json::str);
    let spec = name.and_then(|n| spec(ITEM, n));
    Some(Recognised {
        event: name.map(|n| event_name(n, spec)),
        spec,
        sign: "keys within {id, time, name, data} and name not `Call.*` (a Catapult call-events list item)",
        forced: false,
    })
}

pub(super) fn recognise_forced(obj: &Json) -> Recognised {
    if let Some(r) = recognise(obj).or_else(|| recognise_item(obj)) {
        return r;
    }
    if let Some(name) = obj.get_str("eventType") {
        return Recognised {
            event: Some(event_name(name, None)),
            spec: None,
            sign: "eventType names the callback",
            forced: false,
        };
    }
    Recognised {
        event: obj.get_str("name").map(|n| event_name(n, None)),
        spec: None,
        sign: "read as a call-events list item",
        forced: false,
    }
}

fn item_shape() -> &'static EventSpec {
    &EVENTS[0]
}

pub(super) fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    let (obj, rec, base) = (d.payload, &d.rec, d.path.as_str());
    let is_callback = obj.get("eventType").is_some();
    match rec.spec {
        Some(spec) => schema::check_fields(spec, obj, base, out),
        None if is_callback => {
            let Some(t) = obj.get("eventType") else {
                return;
            };
            if t.str().is_none() {
                out.push(Diagnostic::error(
                    Code::WrongType,
                    format!("{base}/eventType"),
                    format!("expected string, found {} {}", t.type_name(), t.preview()),
                ));
                return;
            }
            crate::formats::unknown_event(
                rec,
                &format!("{base}/eventType"),
                "a documented Catapult callback",
                out,
            );
        }
        None => {
            schema::check_fields(item_shape(), obj, base, out);
            match obj.get("name") {
                None => out.push(Diagnostic::warning(Code::MissingField, format!("{base}/name"), "`name` is optional in the document, but an event without a name says nothing about the call")),
                Some(n) if n.str().is_some() => crate::formats::unknown_event(rec, &format!("{base}/name"), "a known Catapult event name (the set is open)", out),
                Some(_) => {}
            }
        }
    }
    if rec.spec.is_some_and(|s| s.form == CALLBACK) {
        if let (Some(id), Some(uri)) = (obj.get_str("callId"), obj.get_str("callUri")) {
            if is_call_uri(uri) && !uri.trim_end_matches('/').ends_with(id) {
                out.push(Diagnostic::warning(
                    Code::Inconsistent,
                    format!("{base}/callUri"),
                    format!("callUri names another call than callId {id:?}"),
                ));
            }
        }
    }
}

/// A hangup cause as an outcome; a normal clearing says nothing beyond what the call's events say.
fn cause_outcome(cause: &str) -> Option<Outcome> {
    match cause {
        "NORMAL_CLEARING" | "" => None,
        "USER_BUSY" => Some(Outcome::Busy),
        "CALL_REJECTED" => Some(Outcome::Rejected),
        "NO_ANSWER" | "NO_USER_RESPONSE" => Some(Outcome::NoAnswer),
        "ORIGINATOR_CANCEL" => Some(Outcome::Cancelled),
        _ => Some(Outcome::Failed),
    }
}

pub(super) fn normalize(d: &Detected, ctx: &Context) -> Event {
    let (obj, rec) = (d.payload, &d.rec);
    let callback = obj.get("eventType").is_some();
    // A call whose state is `error` has ended, failed, whatever the callback.
    let errored = obj.get_str("callState") == Some("error");
    let kind = if errored {
        EventKind::Failed
    } else {
        rec.spec.map_or(EventKind::Other, |s| s.kind)
    };
    let mut details = Details::new(ctx.keep);
    let mut outcome = None;
    let name = rec.event.as_deref().unwrap_or_default();
    if callback {
        details.str("from", obj.get_str("from"));
        details.str("to", obj.get_str("to"));
        details.str("cause", obj.get_str("cause"));
        details.str("status", obj.get_str("status"));
        details.str(
            "digit",
            obj.get_str("dtmfDigit").or_else(|| obj.get_str("digits")),
        );
        details.str(
            "reason",
            obj.get_str("reason").or_else(|| obj.get_str("message")),
        );
        details.str("tag", obj.get_str("tag"));
        details.str("recording_id", obj.get_str("recordingId"));
        outcome = obj.get_str("cause").and_then(cause_outcome);
    } else if let Some(data) = obj.get_str("data") {
        let trimmed = data.trim_start();
        let decoded = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            serde_json::from_str::<serde_json::Value>(data).ok()
        } else {
            None
        };
        match (decoded, name) {
            (Some(v), _) => {
                if let Some(app) = v.get("applicationName").and_then(|a| a.as_str()) {
                    details.push("application", Detail::Str(app.into()));
                }
                details.push("data", Detail::Json(v));
            }
            (None, "hangup") => {
                details.str("cause", Some(data));
                outcome = cause_outcome(data);
            }
            (None, "dtmf" | "gather") => details.str("digit", Some(data)),
            (None, "error") => details.str("reason", Some(data)),
            (None, "playback" | "speak" | "recording" | "transfer") => {
                details.str("status", Some(data))
            }
            (None, _) if !data.is_empty() => details.str("data", Some(data)),
            _ => {}
        }
    }
    if outcome.is_none() {
        outcome = match name {
            "timeout" => Some(Outcome::NoAnswer),
            "reject" => Some(Outcome::Rejected),
            "error" => Some(Outcome::Failed),
            _ if errored => Some(Outcome::Failed),
            _ => None,
        };
    }
    let call_id = if callback {
        owned(obj, "callId")
    } else if ctx.group > 1 {
        Some(format!("{}#{}", ctx.stem, ctx.group))
    } else {
        Some(ctx.stem.to_owned())
    };
    let time = obj
        .get("time")
        .or_else(|| obj.get("startTime"))
        .and_then(crate::time::call_time_ms);
    Event {
        vendor: d.vendor,
        event: rec.event.clone(),
        kind,
        call_id,
        time,
        time_source: None,
        call_started: None,
        call_answered: None,
        call_ended: None,
        outcome,
        details,
        twin: None,
        new_call: false,
        fingerprint: None,
    }
}
