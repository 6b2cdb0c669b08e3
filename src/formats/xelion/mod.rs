//! Xelion `CallEvent` notifications: WebSocket frames `{notificationType, notification}` or the
//! bare CallEvent object. One field table serves the five event names. `date` is when the call
//! was initiated (the same on every event), so it dates the call, never the event.

mod trigger;

use super::schema::{opt, req, EventSpec, Field, FieldType, Origin, Values};
use std::borrow::Cow;

use serde_json::{json, Value};

use super::schema;
use super::{event_name, find_spec, owned, Context, Descriptor, Detected, Recognised};
use crate::diagnostic::{Code, Diagnostic};
use crate::event::{Detail, Details, Event, EventKind, Outcome};
use crate::json::Json;

const fn s(name: &'static str, doc: &'static str) -> Field {
    opt(name, FieldType::String, doc).nullable()
}

static FIELDS: &[Field] = &[
    s(
        "initiation",
        "how the call was initiated (an Initiation enum whose values are not published)",
    ),
    req(
        "date",
        FieldType::LocalDateTime,
        "when the call was initiated (yyyy-MM-dd HH:mm:ss, no zone)",
    ),
    req("callId", FieldType::String, "the unique id of this call"),
    req(
        "calleeFlowId",
        FieldType::String,
        "follows the callee through the whole call flow (transfer, fallback)",
    ),
    s("calleeUser", "the callee user profile object id"),
    s(
        "calleeUserAddressable",
        "the callee user profile addressable object id",
    ),
    s("calleePhoneNumber", "the callee phone number"),
    s("calleeAddressable", "the callee addressable object id"),
    s("calleeAddressableSyncId", "the callee addressable sync id"),
    s(
        "calleeAddressableSyncSource",
        "the callee addressable sync source",
    ),
    s("calleeCallLogOid", "the callee call log object id"),
    s("calleePhoneLineOid", "the callee phone line object id"),
    req(
        "callerFlowId",
        FieldType::String,
        "follows the caller through the whole call flow (transfer, fallback)",
    ),
    s("callerUser", "the caller user profile object id"),
    s(
        "callerUserAddressable",
        "the caller user profile addressable object id",
    ),
    s("callerPhoneNumber", "the caller phone number"),
    s("callerAddressable", "the caller addressable object id"),
    s("callerAddressableSyncId", "the caller addressable sync id"),
    s(
        "callerAddressableSyncSource",
        "the caller addressable sync source",
    ),
    s("callerCallLogOid", "the caller call log object id"),
    opt(
        "duration",
        FieldType::NumericString,
        "the call's duration, only on callHungUpEvent",
    )
    .unit("s")
    .nullable()
    .values(Values::NonNegative),
];

/// The frame around a CallEvent on the WebSocket.
static FRAME: &[Field] = &[
    req(
        "notificationType",
        FieldType::String,
        "the notification's name",
    ),
    req("notification", FieldType::Object, "the CallEvent"),
    opt(
        "messageType",
        FieldType::String,
        "the message's type (seen in client code)",
    ),
];

macro_rules! event {
    ($name:expr, $kind:ident, $doc:expr) => {
        EventSpec {
            name: $name,
            form: "CallEvent",
            kind: EventKind::$kind,
            doc: $doc,
            common: &[],
            fields: FIELDS,
            origin: Origin::Documented,
            complete: true,
        }
    };
}

pub(crate) static EVENTS: &[EventSpec] = &[
    event!("newCallEvent", Started, "a new call (administrators only)"),
    event!("callConnectedEvent", Answered, "a call was connected (administrators only)"),
    event!("callHungUpEvent", Ended, "a call was hung up (administrators only); carries duration"),
    event!("missedCallEvent", Missed, "a call was missed"),
    event!("channelHungUpEvent", ChannelEnded, "one channel hung up, not the call (line hunting, picked up elsewhere); only one side is filled"),
];

/// The frame's own table, validated before the notification inside it.
static FRAME_SPEC: EventSpec = EventSpec {
    name: "frame",
    form: "frame",
    kind: EventKind::Other,
    doc: "",
    common: &[],
    fields: FRAME,
    origin: Origin::Documented,
    complete: true,
};

fn has_flow_ids(obj: &Json) -> bool {
    obj.get("callerFlowId").is_some() || obj.get("calleeFlowId").is_some()
}

pub(crate) fn recognise(obj: &Json) -> Option<Recognised> {
    let notification = obj.get("notification").filter(|n| n.is_obj());
    if let (Some(name), Some(_)) = (obj.get_str("notificationType"), notification) {
        let spec = find_spec(EVENTS, name);
        return Some(Recognised {
            event: Some(event_name(name, spec)),
            spec,
            sign: "notificationType {event} with a notification object (a Xelion WebSocket frame)",
            forced: false,
        });
    }
    if notification.is_some_and(has_flow_ids) {
        return Some(Recognised {
            event: None,
            spec: None,
            sign: "a notification object with callerFlowId/calleeFlowId (a Xelion frame without its notificationType)",
            forced: false,
        });
    }
    has_flow_ids(obj).then(|| bare(obj, false))
}

/// A bare CallEvent names no event; only `duration` (filled on hang-ups alone) tells one.
fn bare(obj: &Json, forced: bool) -> Recognised {
    let hung_up = obj
        .get("duration")
        .is_some_and(|d| !matches!(d, Json::Null));
    let spec = if hung_up { &EVENTS[2] } else { &EVENTS[0] };
    Recognised {
        event: hung_up.then_some(Cow::Borrowed(spec.name)),
        spec: Some(spec),
        sign: match (hung_up, forced) {
            (true, false) => "callerFlowId/calleeFlowId (a bare Xelion CallEvent); duration is present, so callHungUpEvent (inferred)",
            (false, false) => "callerFlowId/calleeFlowId (a bare Xelion CallEvent); it names no event",
            (true, true) => "read as a bare CallEvent; duration is present, so callHungUpEvent (inferred)",
            (false, true) => "read as a bare CallEvent; it names no event",
        },
        forced: false,
    }
}

pub(crate) fn recognise_forced(obj: &Json) -> Recognised {
    recognise(obj).unwrap_or_else(|| bare(obj, true))
}

fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    let (obj, rec, base) = (d.payload, &d.rec, d.path.as_str());
    let framed = obj.get("notification").is_some_and(Json::is_obj);
    let (event, path) = if framed {
        super::schema::check_fields(&FRAME_SPEC, obj, base, out);
        (
            obj.get("notification").unwrap_or(obj),
            format!("{base}/notification"),
        )
    } else {
        (obj, base.to_owned())
    };
    let spec = match rec.spec {
        Some(spec) => spec,
        None if framed && rec.event.is_some() => {
            return super::unknown_event(
                rec,
                &format!("{base}/notificationType"),
                "one of the five CallEvent notifications (another Xelion notification)",
                out,
            );
        }
        None => &EVENTS[0],
    };
    super::schema::check_fields(spec, event, &path, out);
    if framed
        && spec.name != "callHungUpEvent"
        && event
            .get("duration")
            .is_some_and(|d| !matches!(d, Json::Null))
    {
        out.push(Diagnostic::warning(
            Code::Inconsistent,
            format!("{path}/duration"),
            format!(
                "duration is documented only on callHungUpEvent, not on {}",
                spec.name
            ),
        ));
    }
}

fn normalize(d: &Detected, ctx: &Context) -> Event {
    let (obj, rec) = (d.payload, &d.rec);
    let event = obj
        .get("notification")
        .filter(|n| n.is_obj())
        .unwrap_or(obj);
    let kind = match (&rec.event, rec.spec) {
        (Some(_), Some(spec)) => spec.kind,
        _ => EventKind::Other,
    };
    let mut details = Details::new(ctx.keep);
    details.str("caller", event.get_str("callerPhoneNumber"));
    details.str("callee", event.get_str("calleePhoneNumber"));
    details.str("initiation", event.get_str("initiation"));
    if let Some(ms) = event
        .get_str("duration")
        .and_then(|d| d.trim().parse::<f64>().ok())
        .and_then(|secs| crate::time::duration_ms(secs, 1000.0))
    {
        details.push("duration_ms", Detail::Int(ms));
    }
    details.str("caller_flow", event.get_str("callerFlowId"));
    details.str("callee_flow", event.get_str("calleeFlowId"));
    Event {
        vendor: d.vendor,
        event: rec.event.clone(),
        kind,
        call_id: owned(event, "callId"),
        time: None,
        time_source: None,
        call_answered: None,
        call_ended: None,
        call_started: event
            .get("date")
            .and_then(|d| crate::time::from_json(d, ctx.naive_offset)),
        outcome: (kind == EventKind::Missed).then_some(Outcome::Missed),
        details,
        twin: None,
        new_call: false,
        fingerprint: None,
    }
}

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: "xelion",
    title: "Xelion CallEvent notifications (WebSocket API)",
    forms: &[EVENTS],
    recognise,
    recognise_weak: None,
    read_as: recognise_forced,
    not_a_call: None,
    log_notation: None,
    salvage: |text| {
        let event = super::damaged_string(text, "notificationType")
            .or_else(|| super::damaged_string(text, "callerFlowId").map(|_| "CallEvent"))?;
        Some(super::Salvaged {
            vendor: super::Vendor::find("xelion")?,
            event: event.to_owned(),
            call_id: super::damaged_string(text, "callId")?.to_owned(),
        })
    },
    validate,
    normalize,
    record_schema,
    other_events: || {
        vec![(
            "xelion.other-notification".into(),
            json!({"type": "object", "properties": {
                "notificationType": {"type": "string", "not": {"enum": schema::names_of(EVENTS, "CallEvent")}},
                "notification": {"type": "object"},
            }, "required": ["notificationType", "notification"]}),
        )]
    },
    hidden_details: &["caller_flow", "callee_flow"],
    answered_callbacks: (&[], ""),
    trigger: Some(&trigger::TRIGGER),
};

/// A CallEvent comes in a frame or bare: either shape is the event's.
fn record_schema(s: &'static EventSpec) -> Value {
    let bare = schema::object_schema(s.all_fields(), None);
    let frame = json!({
        "type": "object",
        "properties": {
            "notificationType": {"const": s.name},
            "notification": bare.clone(),
            "messageType": {"type": "string"},
        },
        "required": ["notificationType", "notification"],
    });
    json!({"anyOf": [frame, bare]})
}
