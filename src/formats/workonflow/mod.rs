//! Workonflow call webhooks: flat objects keyed by `eventType`. The 2018 document's seven
//! `call.*` events, and the later revisions of the API's `events/call.md` (October and November
//! 2018, workonflow/workonflow-bots-rest-api). No event carries a time.

mod trigger;

use super::schema::{opt, req, EventSpec, Field, FieldType, Origin, Values};
use std::borrow::Cow;

use serde_json::json;

use super::schema;
use super::{event_name, find_spec, owned, Context, Descriptor, Detected, Recognised};
use crate::diagnostic::{Code, Diagnostic};
use crate::event::{Detail, Details, Event, EventKind};
use crate::json::Json;

const ID: Field = req("callId", FieldType::String, "id of the call").values(Values::Uuid);
const THREAD: Field = req(
    "threadId",
    FieldType::String,
    "id of the thread the call happened in",
)
.values(Values::ObjectId);
const TYPE: Field = req("eventType", FieldType::String, "the event's type");
const CONTACT: Field =
    req("contactId", FieldType::String, "id of the user").values(Values::ObjectId);
const STREAM: Field = opt(
    "streamId",
    FieldType::String,
    "id of the stream the call is in (later revisions)",
)
.values(Values::ObjectId);
const TEAM: Field = opt(
    "teamId",
    FieldType::String,
    "id of the team (later revisions)",
);
/// Whether the member answered: the later revisions' member events carry it.
const ANSWERED: Field = opt(
    "answered",
    FieldType::Boolean,
    "whether the member answered (later revisions, on member events)",
);

/// The 2018 document's fields, and what the later revisions add to the same events (`streamId`,
/// `teamId`): real payloads of one carry the other's keys.
static COMMON: &[Field] = &[TYPE, ID, THREAD, STREAM, TEAM];
/// The dtmf table omits `threadId` and `callId`; the document's example and real payloads carry
/// them, so they are known but optional here.
static DTMF_COMMON: &[Field] = &[
    TYPE,
    opt(
        "callId",
        FieldType::String,
        "id of the call (in the example, not the table)",
    )
    .values(Values::Uuid),
    opt(
        "threadId",
        FieldType::String,
        "id of the thread (in the example, not the table)",
    )
    .values(Values::ObjectId),
];
/// The form of the later revisions' webhooks, whose tables differ from the 2018 document's
/// for the names both use.
const LATER: &str = "later webhook";

/// What the later revisions carry (the API's `events/call.md` history, October and November
/// 2018): `callId` leaves the events, `streamId` and `teamId` come, members are named by
/// `contactId` and `phoneNumber`, then by `userId` and `phone`.
static LATER_COMMON: &[Field] = &[
    TYPE,
    opt(
        "callId",
        FieldType::String,
        "id of the call (dropped from later revisions)",
    ),
    opt(
        "threadId",
        FieldType::String,
        "id of the thread the call is in",
    )
    .values(Values::ObjectId),
    opt(
        "streamId",
        FieldType::String,
        "id of the stream the call is in",
    )
    .values(Values::ObjectId),
    opt(
        "teamId",
        FieldType::String,
        "id of the team (capitalised revision)",
    ),
    opt("contactId", FieldType::String, "id of the user").values(Values::ObjectId),
    opt(
        "phoneNumber",
        FieldType::String,
        "the member's phone number (October revision)",
    ),
];
/// The capitalised revision's member events: who, by user id and phone.
const USER: Field = opt("userId", FieldType::String, "the member's user id");
const PHONE: Field = opt("phone", FieldType::String, "the member's phone number");

macro_rules! event {
    ($name:expr, $kind:ident, $doc:expr, $common:expr, $fields:expr) => {
        EventSpec {
            name: $name,
            form: "webhook",
            kind: EventKind::$kind,
            doc: $doc,
            common: $common,
            fields: $fields,
            origin: Origin::Documented,
            complete: true,
        }
    };
    (later $name:expr, $kind:ident, $doc:expr, $fields:expr, $complete:expr) => {
        EventSpec {
            name: $name,
            form: LATER,
            kind: EventKind::$kind,
            doc: $doc,
            common: LATER_COMMON,
            fields: $fields,
            origin: Origin::Later,
            complete: $complete,
        }
    };
}

pub(crate) static EVENTS: &[EventSpec] = &[
    event!("call.started", Started, "a call was created", COMMON, &[]),
    event!(
        "call.ended",
        Ended,
        "a call ended",
        COMMON,
        &[
            req("dialogDuration", FieldType::Number, "talk time")
                .unit("ms")
                .values(Values::NonNegative),
            req(
                "callDuration",
                FieldType::Number,
                "the whole call's duration"
            )
            .unit("ms")
            .values(Values::NonNegative),
        ]
    ),
    event!(
        "call.user.invited",
        ParticipantJoined,
        "a participant was invited",
        COMMON,
        &[CONTACT, USER, ANSWERED]
    ),
    event!(
        "call.user.removed",
        ParticipantLeft,
        "a participant was removed",
        COMMON,
        &[CONTACT, USER, ANSWERED]
    ),
    event!("call.on.paused", Hold, "the call was paused", COMMON, &[]),
    event!(
        "call.off.paused",
        Unhold,
        "the call was taken off pause",
        COMMON,
        &[]
    ),
    event!(
        "call.emit.dtmf",
        Dtmf,
        "a DTMF tone was sent",
        DTMF_COMMON,
        &[req(
            "dtmfNumber",
            FieldType::Digit,
            "the DTMF signal (the table says number; the example sends a string)"
        )
        .values(Values::Dtmf { explicit: false }),]
    ),
    event!(later "call.created", Started, "a call was created (late-2018 revision)", &[
        opt("createdAt", FieldType::EpochMillis, "when the call was created").unit("ms"),
    ], true),
    event!(later "call.ended", Ended, "a call ended (late-2018 revision: durations come later, in a comment)", &[
        opt("dialogDuration", FieldType::Number, "talk time (October revision only)").unit("ms").values(Values::NonNegative),
        opt("callDuration", FieldType::Number, "the whole call (October revision only)").unit("ms").values(Values::NonNegative),
    ], true),
    event!(later "call.dtmf", Dtmf, "a DTMF tone was sent (late-2018 revision)", &[
        opt("dtmf", FieldType::Digit, "the DTMF signal, as the example spells it").values(Values::Dtmf { explicit: false }),
        opt("dtmfNumber", FieldType::Digit, "the DTMF signal, as the table spells it").values(Values::Dtmf { explicit: false }),
    ], true),
    event!(later "call.user.invited", ParticipantJoined, "a participant was invited (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.endedInvite", Answered, "an invitation ended, answered or not (late-2018 revision)", &[
        USER,
        PHONE,
        opt("answered", FieldType::Boolean, "whether the invitation was accepted"),
    ], true),
    event!(later "call.user.removed", ParticipantLeft, "a participant was removed (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.leaved", ParticipantLeft, "a participant left (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.paused", Hold, "a participant paused the call (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.unpaused", Unhold, "a participant resumed the call (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.kicked", ParticipantLeft, "a participant was removed (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.held", Hold, "a participant was put on hold (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "call.user.unheld", Unhold, "a participant was taken off hold (late-2018 revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "Call.created", Started, "a call was created (capitalised revision)", &[
        opt("createdAt", FieldType::EpochMillis, "when the call was created").unit("ms"),
        opt("originateUserId", FieldType::String, "who started the call"),
        opt("destinationId", FieldType::String, "the user called"),
        opt("type", FieldType::String, "where the call was created: a thread or a stream"),
    ], true),
    event!(later "Call.ended", Ended, "a call ended (capitalised revision)", &[], true),
    event!(later "Call.Member.invited", ParticipantJoined, "a member was invited (capitalised revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "Call.Member.Invite.ended", Answered, "an invitation ended, answered or not (capitalised revision)", &[
        USER,
        PHONE,
        opt("answered", FieldType::Boolean, "whether the invited member answered"),
    ], true),
    event!(later "Call.Member.leaved", ParticipantLeft, "a member left (capitalised revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "Call.Member.held", Hold, "a member was put on hold (capitalised revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "Call.Member.unheld", Unhold, "a member was taken off hold (capitalised revision)", &[USER, PHONE, ANSWERED], true),
    event!(later "Call.Member.dtmf", Dtmf, "a member sent a DTMF tone (capitalised revision)", &[
        USER,
        PHONE,
        opt("dtmfNumber", FieldType::Digit, "the DTMF signal (table: number; example: string)").values(Values::Dtmf { explicit: false }),
        opt("dtmf", FieldType::Digit, "the DTMF signal, as one example spells it").values(Values::Dtmf { explicit: false }),
    ], true),
];

pub(crate) fn recognise(obj: &Json) -> Option<Recognised> {
    let name = obj.get_str("eventType")?;
    if !(name.starts_with("call.") || name.starts_with("Call.")) {
        return None;
    }
    let (event, spec, sign) = resolve(obj, name);
    Some(Recognised {
        event: Some(event),
        spec,
        sign,
        forced: false,
    })
}

/// The document's own dtmf example says `call.off.paused` yet carries `dtmfNumber`: such a
/// record is a DTMF event, read as `call.emit.dtmf`.
fn resolve(
    obj: &Json,
    name: &str,
) -> (Cow<'static, str>, Option<&'static EventSpec>, &'static str) {
    if name == "call.off.paused" && obj.get("dtmfNumber").is_some() {
        let spec = find_spec(EVENTS, "call.emit.dtmf");
        return (
            event_name("call.emit.dtmf", spec),
            spec,
            "eventType \"call.off.paused\" starts with `call.` and carries dtmfNumber: a DTMF event, as in the document's example",
        );
    }
    // A name both the 2018 document and a later revision use: without callId, the later one.
    let later = obj.get("callId").is_none();
    let spec = EVENTS
        .iter()
        .find(|s| s.name == name && later == (s.form == LATER))
        .or_else(|| find_spec(EVENTS, name));
    (
        event_name(name, spec),
        spec,
        if spec.is_some_and(|s| s.form == LATER) {
            "eventType {event} starts with `call.` and no callId: a later revision of the API"
        } else {
            "eventType {event} starts with `call.`"
        },
    )
}

pub(crate) fn recognise_forced(obj: &Json) -> Recognised {
    let name = obj.get_str("eventType");
    let (event, spec) = match name {
        Some(n) => {
            let (e, s, _) = resolve(obj, n);
            (Some(e), s)
        }
        None => (None, None),
    };
    Recognised {
        event,
        spec,
        sign: "eventType names the event",
        forced: false,
    }
}

fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    let (obj, rec, base) = (d.payload, &d.rec, d.path.as_str());
    let Some(spec) = rec.spec else {
        return match obj.get("eventType") {
            None => out.push(Diagnostic::error(
                Code::MissingField,
                format!("{base}/eventType"),
                "required field `eventType` is missing",
            )),
            Some(t) if t.str().is_none() => out.push(Diagnostic::error(
                Code::WrongType,
                format!("{base}/eventType"),
                format!("expected string, found {} {}", t.type_name(), t.preview()),
            )),
            Some(_) => super::unknown_event(
                rec,
                &format!("{base}/eventType"),
                "a documented Workonflow event",
                out,
            ),
        };
    };
    if obj.get_str("eventType") != Some(spec.name) {
        out.push(Diagnostic::warning(
            Code::Inconsistent,
            format!("{base}/eventType"),
            format!("eventType says {:?} but the record carries dtmfNumber; read as {} (the document's own example does this)", obj.get_str("eventType").unwrap_or_default(), spec.name),
        ));
    }
    if spec.origin == Origin::Later && !spec.complete {
        super::unknown_event(
            rec,
            &format!("{base}/eventType"),
            "in the 2018 document (a later revision whose fields are only partly known)",
            out,
        );
    }
    super::schema::check_fields(spec, obj, base, out);
    if let (Some(talk), Some(total)) = (
        obj.get("dialogDuration").and_then(Json::num),
        obj.get("callDuration").and_then(Json::num),
    ) {
        if talk.as_f64() > total.as_f64() {
            out.push(Diagnostic::warning(
                Code::Inconsistent,
                format!("{base}/dialogDuration"),
                format!("talk time {talk} ms is longer than the whole call, {total} ms"),
            ));
        }
    }
}

fn normalize(d: &Detected, ctx: &Context) -> Event {
    let (obj, rec) = (d.payload, &d.rec);
    let spec = rec.spec;
    let mut kind = spec.map_or(EventKind::Other, |s| s.kind);
    let mut details = Details::new(ctx.keep);
    // The later revisions name members and parties by keys of their own.
    let later = spec.is_none_or(|s| s.origin == Origin::Later);
    details.str(
        "participant",
        obj.get_str("contactId")
            .or_else(|| later.then(|| obj.get_str("userId")).flatten()),
    );
    if later {
        details.str(
            "phone",
            obj.get_str("phoneNumber").or_else(|| obj.get_str("phone")),
        );
        details.str("caller", obj.get_str("originateUserId"));
        details.str("callee", obj.get_str("destinationId"));
    }
    details.str("thread", obj.get_str("threadId"));
    details.str("stream", obj.get_str("streamId"));
    if let Some(d) = obj.get("dtmfNumber").or_else(|| obj.get("dtmf")) {
        details.str("digit", digit(d).as_deref());
    }
    let duration = |key: &str| {
        obj.get(key)
            .and_then(Json::num)
            .and_then(|n| crate::time::duration_ms(n.as_f64(), 1.0))
    };
    if let Some(ms) = duration("dialogDuration") {
        details.push("talk_ms", Detail::Int(ms));
    }
    if let Some(ms) = duration("callDuration") {
        details.push("duration_ms", Detail::Int(ms));
    }
    if let Some(Json::Bool(answered)) = obj.get("answered") {
        details.push("answered", Detail::Bool(*answered));
        if !answered {
            kind = EventKind::Other;
        }
    }
    let time = obj.get("createdAt").and_then(crate::time::call_time_ms);
    Event {
        vendor: d.vendor,
        event: rec.event.clone(),
        kind,
        call_id: call_id(obj, later),
        new_call: later && kind == EventKind::Started && obj.get("callId").is_none(),
        time,
        time_source: None,
        call_started: None,
        call_answered: None,
        call_ended: None,
        outcome: None,
        details,
        twin: None,
        fingerprint: None,
    }
}

/// The call an event belongs to: its `callId`; in the later revisions, which dropped it, the
/// thread the call is in (every event carries `threadId`; the API names it the call's id for a
/// call started in a thread), else its stream. Calls one after another in a thread are told
/// apart by aggregation, at each `Call.created` after an end.
fn call_id(obj: &Json, later: bool) -> Option<String> {
    owned(obj, "callId").or_else(|| {
        later
            .then(|| owned(obj, "threadId").or_else(|| owned(obj, "streamId")))
            .flatten()
    })
}

fn digit(v: &Json) -> Option<String> {
    match v {
        Json::Str(s) => Some(s.to_string()),
        Json::Num(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: "workonflow",
    title: "Workonflow call webhooks (bot REST API, 2018, and later revisions)",
    forms: &[EVENTS],
    recognise,
    recognise_weak: None,
    read_as: recognise_forced,
    not_a_call: None,
    log_notation: None,
    salvage: |text| {
        let event = super::damaged_string(text, "eventType")
            .filter(|e| e.starts_with("call.") || e.starts_with("Call."))?;
        let call = ["callId", "threadId", "streamId"]
            .iter()
            .find_map(|k| super::damaged_string(text, k))?;
        Some(super::Salvaged {
            vendor: super::Vendor::find("workonflow")?,
            event: event.to_owned(),
            call_id: call.to_owned(),
        })
    },
    validate,
    normalize,
    record_schema: |s| schema::named_schema("eventType", s),
    other_events: || {
        vec![(
            "workonflow.other".into(),
            json!({"type": "object", "properties": {"eventType": {"type": "string", "pattern": "^[cC]all\\.", "not": {"enum": EVENTS.iter().map(|s| s.name).collect::<Vec<_>>()}}}, "required": ["eventType"]}),
        )]
    },
    hidden_details: &["thread", "stream"],
    answered_callbacks: (&[], ""),
    trigger: Some(&trigger::TRIGGER),
};
