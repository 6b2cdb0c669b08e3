//! Voximplant VoxEngine `CallEvents`, as a scenario logged them: `{name: "Call.X", id, call, ...}`.
//! Every event of the v13 typings, the two `Call.Video.*` spellings and the events of the newer
//! typings (voximplant/voxengine-ci `typings/voxengine.d.ts`). An unknown `Call.*` name is a newer
//! event, not garbage.

mod session_log;

mod trigger;

use crate::formats::schema::{opt, req, EventSpec, Field, FieldType, Origin, Values};
use serde_json::json;

use crate::diagnostic::Diagnostic;
use crate::event::{Detail, Details, Event, EventKind, Outcome};
use crate::formats::schema;
use crate::formats::{event_name, find_spec, owned, Context, Descriptor, Detected, Recognised};
use crate::json::Json;

/// Every event's own fields, and those real events carry beyond the typings (Voximplant's
/// session logs show them; `eventSourceField` is what a scenario's `JSON.stringify` adds).
static COMMON: &[Field] = &[
    req("name", FieldType::String, "the name of the event"),
    req("id", FieldType::String, "the call's id"),
    opt(
        "call",
        FieldType::Any,
        "the call that triggered the event (a host object; its JSON form is undocumented)",
    ),
    opt(
        "sipCallId",
        FieldType::String,
        "the leg's SIP Call-ID (seen on real events)",
    ),
    opt(
        "sipTransport",
        FieldType::String,
        "the SIP transport, e.g. UDP (seen on real events)",
    ),
    opt(
        "displayName",
        FieldType::String,
        "the remote display name, may be empty (seen on real events)",
    ),
    opt(
        "encrypted",
        FieldType::Boolean,
        "whether the media is encrypted (seen on real events)",
    ),
    opt(
        "scheme",
        FieldType::Any,
        "codec negotiation, internal (seen on real events)",
    ),
    opt(
        "eventSourceField",
        FieldType::String,
        "which property held the source object, when a scenario serialised the event",
    ),
];

/// `AppEvents.CallAlerting`'s fields; logs add the call's `id` and SIP details.
static ALERTING: &[Field] = &[
    req("name", FieldType::String, "Application.CallAlerting"),
    opt(
        "id",
        FieldType::String,
        "the incoming call's id, the id of its every CallEvents event (logs add it)",
    ),
    opt("call", FieldType::Any, "the incoming call (a host object)"),
    req(
        "callerid",
        FieldType::String,
        "the caller's number or user name",
    ),
    req(
        "destination",
        FieldType::String,
        "the number or user dialled",
    ),
    opt("toURI", FieldType::String, "the SIP URI dialled"),
    opt("fromURI", FieldType::String, "the caller's SIP URI"),
    opt(
        "displayName",
        FieldType::String,
        "the caller's display name",
    ),
    HEADERS,
    opt(
        "customData",
        FieldType::String,
        "custom data sent with the call",
    ),
    opt("scheme", FieldType::Any, "codec negotiation, internal"),
    opt(
        "sipCallId",
        FieldType::String,
        "the leg's SIP Call-ID (logs)",
    ),
    opt(
        "sipTransport",
        FieldType::String,
        "the SIP transport (logs)",
    ),
    opt(
        "requestIP",
        FieldType::String,
        "the address the INVITE came from (logs)",
    ),
];

const HEADERS: Field = opt(
    "headers",
    FieldType::Headers,
    "SIP headers received with the message (X- headers and others such as Reason); a repeated header is an array of its values",
);
const BODY: Field = req("body", FieldType::String, "content of the message");
const MIME: Field = req("mimeType", FieldType::String, "MIME type of the message");
const URL: Field = req("url", FieldType::String, "link to the record file");
const ROLE: Field = opt("role", FieldType::String, "the transfer role").values(Values::OneOf {
    values: &["transferor", "target", "transferee"],
    explicit: true,
});
const STATES: Values = Values::OneOf {
    values: &["TERMINATED", "CONNECTED", "PROGRESSING", "ALERTING"],
    explicit: false,
};

macro_rules! event {
    ($name:expr, $kind:ident, $doc:expr, [$($field:expr),* $(,)?]) => {
        EventSpec { name: $name, form: "CallEvents", kind: EventKind::$kind, doc: $doc, common: COMMON, fields: &[$($field),*], origin: Origin::Documented, complete: true }
    };
    (later $name:expr, $kind:ident, $doc:expr, [$($field:expr),* $(,)?]) => {
        EventSpec { name: $name, form: "CallEvents", kind: EventKind::$kind, doc: $doc, common: COMMON, fields: &[$($field),*], origin: Origin::Later, complete: true }
    };
}

pub(crate) static EVENTS: &[EventSpec] = &[
    event!(
        "Call.AudioIdentificationError",
        Media,
        "voicemail detection failed",
        []
    ),
    event!(
        "Call.AudioIdentificationStarted",
        Media,
        "voicemail detection started",
        []
    ),
    event!(
        "Call.AudioIdentificationStopped",
        Media,
        "voicemail detection stopped",
        []
    ),
    event!(
        "Call.AudioStarted",
        Media,
        "the remote peer answered or started early media",
        [
            HEADERS,
            opt("code", FieldType::Number, "the SIP provisional code that brought early media (183)")
        ]
    ),
    event!(
        "Call.BlindTransferRequested",
        Transfer,
        "a blind transfer was requested",
        [
            HEADERS,
            req("transferTo", FieldType::String, "the username to transfer to")
        ]
    ),
    event!(
        "Call.Connected",
        Answered,
        "the call was connected",
        [
            opt(
                "customData",
                FieldType::String,
                "custom data passed by the client with the accept command"
            ),
            HEADERS
        ]
    ),
    event!(
        "Call.Disconnected",
        Ended,
        "the call was terminated",
        [
            req("cost", FieldType::Number, "call cost in the account's currency"),
            req(
                "direction",
                FieldType::String,
                "call direction type according to billing"
            ),
            req("duration", FieldType::Number, "total call duration")
                .unit("s")
                .values(Values::NonNegative),
            HEADERS,
            opt(
                "internalCode",
                FieldType::Number,
                "status code of the call: a SIP code (486) or a Q.850 cause (16); real events may omit it"
            ),
            opt(
                "reason",
                FieldType::String,
                "reason of the call failure; real events may omit it"
            ),
        ]
    ),
    event!(
        "Call.Failed",
        Failed,
        "an outgoing call ended before it connected",
        [
            req("code", FieldType::Number, "status code of the call (e.g. 486)"),
            HEADERS,
            req("reason", FieldType::String, "status message of the failure"),
        ]
    ),
    event!(
        "Call.FirstAudioPacketReceived",
        Media,
        "the first audio packet arrived",
        []
    ),
    event!(
        "Call.Video.FirstPacket",
        Media,
        "the first video packet arrived (CallEvents.FirstVideoPacket)",
        [opt("url", FieldType::String, "record URL")]
    ),
    event!(
        "Call.FirstVideoPacketReceived",
        Media,
        "the first video packet arrived",
        []
    ),
    event!(
        "Call.Forwarding",
        Transfer,
        "the call is being forwarded",
        []
    ),
    event!(
        "Call.InfoReceived",
        Other,
        "a SIP INFO message arrived",
        [BODY, HEADERS, MIME]
    ),
    event!(
        "Call.MessageReceived",
        Other,
        "a text message arrived",
        [HEADERS, req("text", FieldType::String, "content of the message")]
    ),
    event!(
        "Call.MicStatusChange",
        Media,
        "the microphone status changed",
        [req(
            "active",
            FieldType::Boolean,
            "whether the microphone is active"
        )]
    ),
    event!("Call.OffHold", Unhold, "the call was taken off hold", []),
    event!("Call.OnHold", Hold, "the call was put on hold", []),
    event!(
        "Call.PlaybackFinished",
        Media,
        "audio playback finished",
        [opt(
            "error",
            FieldType::String,
            "error that occurred during the playback"
        )]
    ),
    event!(
        "Call.PlaybackReady",
        Media,
        "the audio to play is in the cache",
        []
    ),
    event!(
        "Call.PlaybackStarted",
        Media,
        "audio playback started",
        [req(
            "duration",
            FieldType::Number,
            "playback duration (milliseconds: a 5-second tone logs 5000)"
        )
        .unit("ms")
        .values(Values::NonNegative)]
    ),
    event!(
        "Call.PushSent",
        Other,
        "a push notification was sent",
        [req("result", FieldType::String, "the push result")]
    ),
    event!(
        "Call.ReInviteAccepted",
        Media,
        "a re-INVITE was accepted",
        [BODY, HEADERS, MIME]
    ),
    event!(
        "Call.ReInviteReceived",
        Media,
        "a re-INVITE arrived (video, screen sharing, hold)",
        [BODY, HEADERS, MIME]
    ),
    event!(
        "Call.ReInviteRejected",
        Media,
        "a re-INVITE was rejected",
        [HEADERS]
    ),
    event!(
        "Call.RecordError",
        Recording,
        "recording failed",
        [req("error", FieldType::String, "what went wrong")]
    ),
    event!("Call.RecordStarted", Recording, "recording started", [URL]),
    event!(
        "Call.RecordStopped",
        Recording,
        "recording stopped (after Disconnected)",
        [
            req(
                "cost",
                FieldType::String,
                "record cost in the account's currency (a string, unlike Disconnected.cost)"
            ),
            req("duration", FieldType::Number, "record duration")
                .unit("s")
                .values(Values::NonNegative),
            URL,
            opt("reason", FieldType::String, "why recording stopped (seen on real events)"),
        ]
    ),
    event!(
        "Call.Ringing",
        Ringing,
        "the outgoing call received a progress signal",
        [HEADERS]
    ),
    event!("Call.RtpResumed", Media, "RTP resumed", []),
    event!("Call.RtpStopped", Media, "RTP stopped", []),
    event!(
        "Call.StateChanged",
        Other,
        "the call's state changed",
        [
            req("newState", FieldType::String, "the new state").values(STATES),
            req("oldState", FieldType::String, "the old state").values(STATES),
        ]
    ),
    event!("Call.Statistics", Other, "call statistics changed", []),
    event!(
        "Call.ToneDetected",
        Media,
        "a dial or busy tone was detected",
        [
            req(
                "ProgressTone",
                FieldType::Boolean,
                "whether the tone is a dial tone"
            ),
            req(
                "VoicemailTone",
                FieldType::Boolean,
                "whether the tone is a voicemail tone"
            ),
        ]
    ),
    event!(
        "Call.ToneReceived",
        Dtmf,
        "a DTMF tone arrived",
        [
            req("tone", FieldType::String, "the tone: 0-9, * or #")
                .values(Values::Dtmf { explicit: true }),
            opt(
                "type",
                FieldType::String,
                "how it arrived: 1 RFC 2833, 2 in-band, 3 SIP INFO (newer typings)"
            )
            .values(Values::OneOf {
                values: &["1", "2", "3"],
                explicit: false
            }),
        ]
    ),
    event!(
        "Call.TransferComplete",
        Transfer,
        "a transfer completed",
        [HEADERS, ROLE]
    ),
    event!(
        "Call.TransferFailed",
        Transfer,
        "a transfer failed",
        [
            req(
                "code",
                FieldType::Number,
                "the failed transfer's status (e.g. 486)"
            ),
            HEADERS,
            req(
                "reason",
                FieldType::String,
                "the failed transfer's status message"
            ),
            ROLE,
        ]
    ),
    event!(
        "Call.Video.TrackCreated",
        Media,
        "a video track was created (CallEvents.VideoTrackCreated)",
        [URL]
    ),
    event!(later "Call.BeepDetectionComplete", Media, "beep detection finished (2025 typings)", [
        opt("frequencies", FieldType::NumberArray, "the detected frequencies"),
        opt("timeout", FieldType::Boolean, "whether detection timed out"),
    ]),
    event!(later "Call.BeepDetectionError", Media, "beep detection failed (2025 typings)", [req("reason", FieldType::String, "why it failed")]),
    event!(later "Call.AudioQualityDetected", Media, "the audio quality was detected (2025 typings)", [
        req("quality", FieldType::String, "HD or Standard").values(Values::OneOf { values: &["HD", "Standard"], explicit: true }),
    ]),
    EventSpec {
        name: "Application.CallAlerting",
        form: "AppEvents",
        kind: EventKind::Started,
        doc: "an incoming call arrived: it opens the call's timeline (AppEvents.CallAlerting)",
        common: ALERTING,
        fields: &[],
        origin: Origin::Later,
        complete: true,
    },
];

pub(crate) fn recognise(obj: &Json) -> Option<Recognised> {
    match obj.get_str("name") {
        Some(name @ "Application.CallAlerting") => Some(Recognised {
            event: Some(event_name(name, find_spec(EVENTS, name))),
            spec: find_spec(EVENTS, name),
            sign: "name {event} (a Voximplant incoming call)",
            forced: false,
        }),
        Some(name) if name.starts_with("Call.") => {
            let spec = find_spec(EVENTS, name);
            Some(Recognised {
                event: Some(event_name(name, spec)),
                spec,
                sign: if obj.get("id").is_some() {
                    "name {event} starts with `Call.` and id is present"
                } else {
                    "name {event} starts with `Call.`"
                },
                forced: false,
            })
        }
        // Every event carries the `call` host object beside its `id`: a nameless one is still
        // Voximplant's, with a missing name.
        None if obj.get("name").is_none()
            && obj.get("id").is_some()
            && obj.get("call").is_some_and(Json::is_obj) =>
        {
            Some(Recognised {
                event: None,
                spec: None,
                sign: "id beside a call object (a Voximplant event without its name)",
                forced: false,
            })
        }
        _ => None,
    }
}

pub(crate) fn recognise_forced(obj: &Json) -> Recognised {
    recognise(obj).unwrap_or_else(|| {
        let spec = obj.get_str("name").and_then(|n| find_spec(EVENTS, n));
        Recognised {
            event: obj.get_str("name").map(|n| event_name(n, spec)),
            spec,
            sign: "name names the event",
            forced: false,
        }
    })
}

fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    let (obj, rec, base) = (d.payload, &d.rec, d.path.as_str());
    match rec.spec {
        Some(spec) => schema::check_fields(spec, obj, base, out),
        None => {
            // The common fields are known for every event, named or not.
            let common = EventSpec {
                name: "CallEvents",
                form: "",
                kind: EventKind::Other,
                doc: "",
                common: COMMON,
                fields: &[],
                origin: Origin::Documented,
                complete: false,
            };
            schema::check_fields(&common, obj, base, out);
            if obj.get_str("name").is_some() {
                crate::formats::unknown_event(
                    rec,
                    &format!("{base}/name"),
                    "in the v13 or the newer typings (a newer event?)",
                    out,
                );
            }
        }
    }
}

fn normalize(d: &Detected, ctx: &Context) -> Event {
    let (obj, rec) = (d.payload, &d.rec);
    let kind = rec.spec.map_or(EventKind::Other, |s| s.kind);
    let mut details = Details::new(ctx.keep);
    let num = |k: &str| obj.get(k).and_then(Json::num);
    if kind == EventKind::Started {
        details.str("caller", obj.get_str("callerid"));
        details.str("callee", obj.get_str("destination"));
    }
    details.str("digit", obj.get_str("tone"));
    let code = num("internalCode")
        .or_else(|| num("code"))
        .and_then(|n| n.as_i64());
    details.int("code", code);
    details.str("reason", obj.get_str("reason"));
    // The standard cause the far end gave (`Reason: Q.850;cause=16`), where it gave one: the
    // call's end reason, named as other switches name it, beside the platform's own code.
    let q850 = obj.get("headers").and_then(q850_cause);
    if kind.is_terminal() {
        details.str("cause", q850.map(q850_name).as_deref());
    }
    if kind == EventKind::Ended {
        // `Disconnected.duration` is the talk time (seconds): a call whose answer was lost
        // still reports it.
        if let Some(ms) = num("duration").and_then(|n| crate::time::duration_ms(n.as_f64(), 1000.0))
        {
            details.push("talk_ms", Detail::Int(ms));
        }
    } else if let Some(d) = num("duration") {
        // Playback durations are milliseconds; recordings', like the call's, seconds.
        let ms = if rec.event.as_deref() == Some("Call.PlaybackStarted") {
            d.as_f64()
        } else {
            d.as_f64() * 1000.0
        };
        details.push("media_ms", Detail::Int(ms.round() as i64));
    }
    match obj.get("cost") {
        Some(Json::Num(n)) => details.push("cost", Detail::Num(n.as_f64())),
        Some(Json::Str(s)) => details.push("cost", Detail::Str(s.as_ref().into())),
        _ => {}
    }
    details.str("direction", obj.get_str("direction"));
    details.str("participant", obj.get_str("transferTo"));
    details.str("role", obj.get_str("role"));
    details.str("url", obj.get_str("url"));
    details.str("state", obj.get_str("newState"));
    details.str("text", obj.get_str("text"));
    details.str("error", obj.get_str("error"));
    if let Some(h) = obj.get("headers").filter(|h| h.is_obj()) {
        details.json("headers", h);
    }
    let outcome = match kind {
        EventKind::Failed | EventKind::Ended => code
            .and_then(sip_outcome)
            .or_else(|| q850.and_then(q850_outcome))
            .or((kind == EventKind::Failed).then_some(Outcome::Failed)),
        _ => None,
    };
    let twin = Some(crate::event::Twin::of(
        rec.event.as_deref(),
        kind,
        &details,
        ctx.notation,
    ));
    Event {
        vendor: d.vendor,
        event: rec.event.clone(),
        kind,
        call_id: owned(obj, "id"),
        time: None,
        time_source: None,
        call_started: None,
        call_answered: None,
        call_ended: None,
        outcome,
        details,
        twin,
        new_call: false,
        fingerprint: None,
    }
}

/// VoxEngine's other event families (`Application.Started`, `Player.*`, `WebSocket.*`, ...),
/// which its session log carries beside the calls' events: Voximplant's, but no call's.
fn not_a_call(obj: &Json) -> Option<(String, String)> {
    const FAMILIES: [&str; 7] = [
        "Application.",
        "Player.",
        "WebSocket.",
        "Recorder.",
        "ASR.",
        "Conference.",
        "SmartQueue.",
    ];
    let name = obj.get_str("name")?;
    (FAMILIES.iter().any(|f| name.starts_with(f)) && name != "Application.CallAlerting").then(
        || {
            (
                name.to_owned(),
                format!("a VoxEngine {name} event, not a call's"),
            )
        },
    )
}

/// The Q.850 cause of a `Reason` header (`Q.850;cause=16;text="..."`), given alone or among
/// repeated headers (an array of values).
fn q850_cause(headers: &Json) -> Option<u16> {
    let reason = headers
        .fields()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("reason"))
        .map(|(_, v)| v)?;
    let values: Vec<&str> = match reason {
        Json::Str(s) => vec![s.as_ref()],
        Json::Arr(items) => items.iter().filter_map(Json::str).collect(),
        _ => return None,
    };
    values.into_iter().find_map(|v| {
        let rest = v.trim().strip_prefix("Q.850")?;
        let at = rest.find("cause=")? + "cause=".len();
        let digits: String = rest[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

/// A Q.850 cause by the name switches give it (ITU-T Q.850; the names FreeSWITCH and
/// Bandwidth's Catapult use), so that calls of every vendor group by the same end reasons.
pub(crate) fn q850_name(cause: u16) -> std::borrow::Cow<'static, str> {
    let name = match cause {
        1 => "UNALLOCATED_NUMBER",
        2 => "NO_ROUTE_TRANSIT_NET",
        3 => "NO_ROUTE_DESTINATION",
        6 => "CHANNEL_UNACCEPTABLE",
        16 => "NORMAL_CLEARING",
        17 => "USER_BUSY",
        18 => "NO_USER_RESPONSE",
        19 => "NO_ANSWER",
        20 => "SUBSCRIBER_ABSENT",
        21 => "CALL_REJECTED",
        22 => "NUMBER_CHANGED",
        27 => "DESTINATION_OUT_OF_ORDER",
        28 => "INVALID_NUMBER_FORMAT",
        29 => "FACILITY_REJECTED",
        31 => "NORMAL_UNSPECIFIED",
        34 => "NORMAL_CIRCUIT_CONGESTION",
        38 => "NETWORK_OUT_OF_ORDER",
        41 => "NORMAL_TEMPORARY_FAILURE",
        42 => "SWITCH_CONGESTION",
        44 => "REQUESTED_CHAN_UNAVAIL",
        47 => "RESOURCE_UNAVAILABLE",
        50 => "FACILITY_NOT_SUBSCRIBED",
        52 => "OUTGOING_CALL_BARRED",
        54 => "INCOMING_CALL_BARRED",
        57 => "BEARERCAPABILITY_NOTAUTH",
        58 => "BEARERCAPABILITY_NOTAVAIL",
        65 => "BEARERCAPABILITY_NOTIMPL",
        69 => "FACILITY_NOT_IMPLEMENTED",
        88 => "INCOMPATIBLE_DESTINATION",
        102 => "RECOVERY_ON_TIMER_EXPIRE",
        111 => "PROTOCOL_ERROR",
        127 => "INTERWORKING",
        _ => return format!("Q.850 cause {cause}").into(),
    };
    name.into()
}

/// A Q.850 cause as an outcome: busy, no answer, rejected, a failure to connect; a normal
/// clearing says nothing beyond the call's events.
fn q850_outcome(cause: u16) -> Option<Outcome> {
    match cause {
        17 => Some(Outcome::Busy),
        18..=20 => Some(Outcome::NoAnswer),
        21 => Some(Outcome::Rejected),
        16 | 31 => None,
        1..=15 | 22..=30 | 32..=127 => Some(Outcome::Failed),
        _ => None,
    }
}

/// A SIP status code as Voximplant reports it, as an outcome (2xx says nothing). A code outside
/// SIP's range is a Q.850 cause (`internalCode = 16`): no outcome of its own.
fn sip_outcome(code: i64) -> Option<Outcome> {
    match code {
        200..=299 => None,
        ..100 | 700.. => None,
        486 | 600 => Some(Outcome::Busy),
        408 | 480 => Some(Outcome::NoAnswer),
        603 => Some(Outcome::Rejected),
        487 => Some(Outcome::Cancelled),
        _ => Some(Outcome::Failed),
    }
}

pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: "voximplant",
    title: "Voximplant VoxEngine CallEvents (typings v13 and newer)",
    forms: &[EVENTS],
    recognise,
    recognise_weak: None,
    read_as: recognise_forced,
    not_a_call: Some(not_a_call),
    log_notation: Some(session_log::read),
    salvage: |text| {
        let event = super::damaged_string(text, "name").filter(|n| n.starts_with("Call."))?;
        Some(super::Salvaged {
            vendor: super::Vendor::find("voximplant")?,
            event: event.to_owned(),
            call_id: super::damaged_string(text, "id")?.to_owned(),
        })
    },
    validate,
    normalize,
    record_schema: |s| schema::named_schema("name", s),
    other_events: || {
        vec![(
            "voximplant.other".into(),
            json!({"type": "object", "properties": {
                "name": {"type": "string", "pattern": "^Call\\.", "not": {"enum": schema::names_of(EVENTS, "CallEvents")}},
                "id": {"type": "string"},
            }, "required": ["name", "id"]}),
        )]
    },
    hidden_details: &["headers"],
    answered_callbacks: (&[], ""),
    trigger: Some(&trigger::TRIGGER),
};
