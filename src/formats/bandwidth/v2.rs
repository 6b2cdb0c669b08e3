//! Bandwidth's current Voice API (v2) callbacks: one JSON object per event, keyed by
//! `eventType` (`initiate`, `answer`, `disconnect`, `transferAnswer`, ...), timed by
//! `eventTime`, and carrying the call's own `startTime`, `answerTime` and `endTime`. Fields as
//! Bandwidth's webhook pages and Voice API spec list them
//! (<https://dev.bandwidth.com/docs/voice/webhooks>); every field but the event's name and time
//! is optional in Bandwidth's own SDK, so few are required here.

use crate::diagnostic::{Code, Diagnostic};
use crate::event::{Detail, Details, Event, EventKind, Outcome};
use crate::formats::schema::{self, opt, req, EventSpec, Field, FieldType, Origin, Values};
use crate::formats::{event_name, owned, Context, Detected, Recognised};
use crate::json::Json;

/// The form's name in `callev schema` and the JSON Schema.
pub(super) const FORM: &str = "v2 callback";

/// Why a call, leg or bridge ended; Bandwidth says the list is not closed.
const CAUSES: &[&str] = &[
    "hangup",
    "busy",
    "timeout",
    "cancel",
    "rejected",
    "callback-error",
    "invalid-bxml",
    "application-error",
    "account-limit",
    "node-capacity-exceeded",
    "error",
    "unknown",
];

const TIME: Field = req(
    "eventTime",
    FieldType::Timestamp,
    "when Bandwidth generated the event (approximate, UTC)",
);

/// What every call event may carry (the webhook pages list them per event; Bandwidth's SDK
/// makes every one optional), with the `cause` values the event's page gives.
macro_rules! call_fields {
    ($cause:expr) => {
        &[
            req("eventType", FieldType::String, "the event's name"),
            TIME,
            opt("accountId", FieldType::String, "the account number"),
            opt("applicationId", FieldType::String, "the application's id"),
            opt(
                "from",
                FieldType::String,
                "the caller (E.164, or Private, Restricted, Unavailable, Anonymous)",
            ),
            opt("to", FieldType::String, "the called number or SIP URI"),
            opt(
                "direction",
                FieldType::String,
                "inbound or outbound; never changes for a call",
            )
            .values(Values::OneOf {
                values: &["inbound", "outbound"],
                explicit: false,
            }),
            req("callId", FieldType::String, "the call leg's id"),
            opt(
                "callUrl",
                FieldType::String,
                "the call's URL (.../api/v2/accounts/{accountId}/calls/{callId})",
            ),
            opt(
                "enqueuedTime",
                FieldType::Timestamp,
                "when an outbound call was queued",
            ),
            opt(
                "startTime",
                FieldType::Timestamp,
                "when the call started (on recording events: the recording)",
            ),
            opt(
                "answerTime",
                FieldType::Timestamp,
                "when the call was answered; absent or null if never",
            )
            .nullable(),
            opt(
                "endTime",
                FieldType::Timestamp,
                "when the call ended (on recording events: the recording)",
            ),
            opt(
                "tag",
                FieldType::String,
                "the customer's tag, up to 256 characters",
            ),
            opt(
                "parentCallId",
                FieldType::String,
                "on a <Transfer> B-leg's events: the A-leg's callId",
            ),
            opt("transferCallerId", FieldType::String, "the B-leg's from"),
            opt("transferTo", FieldType::String, "the B-leg's to"),
            $cause,
            opt(
                "errorMessage",
                FieldType::String,
                "text about the error, when the end was one",
            )
            .nullable(),
            opt("errorId", FieldType::String, "Bandwidth's id of the error").nullable(),
            opt(
                "sipCallId",
                FieldType::String,
                "SIP Call-ID of the dialog with Bandwidth's SBC (newer SDK)",
            ),
            opt(
                "sipResponseCode",
                FieldType::Number,
                "SIP status an outbound INVITE was rejected with (newer SDK)",
            ),
            opt(
                "sipHeaders",
                FieldType::StringMap,
                "X-headers of the inbound INVITE, keys lower-cased (newer SDK)",
            ),
        ]
    };
}

/// Why a call, leg or bridge ended.
const CALL_CAUSE: Field = opt(
    "cause",
    FieldType::String,
    "why the call, leg or bridge ended",
)
.values(Values::OneOf {
    values: CAUSES,
    explicit: false,
});

/// Why a media stream or a real-time transcription was rejected or stopped: values of their
/// own, not the call's (the `mediaStream*` and `realTimeTranscription*` pages).
const STREAM_CAUSE: Field = opt(
    "cause",
    FieldType::String,
    "why the stream or transcription was rejected or stopped",
)
.values(Values::OneOf {
    values: &[
        "closed",
        "connection-error",
        "duplicate",
        "error",
        "track-limit",
    ],
    explicit: false,
});

static CALL: &[Field] = call_fields!(CALL_CAUSE);

/// The text a real-time transcription carries (`realTimeTranscription*` callbacks).
const TRANSCRIPTION: Field = opt(
    "transcription",
    FieldType::Object,
    "the text so far: text, confidence (as transcriptionAvailable gives it)",
);

/// The call fields of `mediaStream*` and `realTimeTranscription*` callbacks.
static STREAMING: &[Field] = call_fields!(STREAM_CAUSE);

/// Conference events are about the conference; member events name the member's call.
static CONFERENCE: &[Field] = &[
    req("eventType", FieldType::String, "the event's name"),
    TIME,
    opt("conferenceId", FieldType::String, "the conference's id"),
    opt("name", FieldType::String, "the conference's name"),
    opt("accountId", FieldType::String, "the account number"),
    opt(
        "callId",
        FieldType::String,
        "the member's call, on member events",
    ),
    opt("from", FieldType::String, "the member's caller"),
    opt("to", FieldType::String, "the member's called number"),
    opt("tag", FieldType::String, "the customer's tag"),
];

const RECORDING: [Field; 5] = [
    opt(
        "recordingId",
        FieldType::String,
        "the recording's id (r-...)",
    ),
    opt(
        "mediaUrl",
        FieldType::String,
        "where the recording's media is",
    )
    .nullable(),
    opt(
        "duration",
        FieldType::String,
        "the recording's length, an ISO 8601 duration (PT13.67S)",
    ),
    opt("channels", FieldType::Number, "1 or 2"),
    opt("fileFormat", FieldType::String, "wav or mp3"),
];

macro_rules! event {
    ($name:expr, $kind:ident, $doc:expr, $common:expr, [$($field:expr),* $(,)?]) => {
        EventSpec { name: $name, form: FORM, kind: EventKind::$kind, doc: $doc, common: $common, fields: &[$($field),*], origin: Origin::Later, complete: true }
    };
}

pub(super) static EVENTS: &[EventSpec] = &[
    event!(
        "initiate",
        Started,
        "an inbound call arrived (its first event)",
        CALL,
        [
            opt(
                "diversion",
                FieldType::Object,
                "the last Diversion header: origTo, reason, screen, privacy, counter, limit"
            ),
            opt(
                "stirShaken",
                FieldType::Object,
                "STIR/SHAKEN verification: verstat, attestationIndicator, originatingId"
            ),
            opt(
                "uui",
                FieldType::String,
                "the User-to-User header value, with its encoding"
            ),
        ]
    ),
    event!(
        "answer",
        Answered,
        "an outbound call was answered",
        CALL,
        [opt(
            "machineDetectionResult",
            FieldType::Object,
            "with synchronous machine detection: value and duration"
        ),]
    ),
    event!(
        "machineDetectionComplete",
        Media,
        "answering-machine detection has a result",
        CALL,
        [opt(
            "machineDetectionResult",
            FieldType::Object,
            "value (human, answering-machine, silence, timeout, ...) and duration"
        ),]
    ),
    event!(
        "redirect",
        Other,
        "<Redirect> ran, or the call was redirected through the API",
        CALL,
        []
    ),
    event!(
        "gather",
        Dtmf,
        "a <Gather> finished",
        CALL,
        [
            opt(
                "digits",
                FieldType::String,
                "the digits entered; empty on timeout"
            ),
            opt(
                "terminatingDigit",
                FieldType::String,
                "the digit that ended the gather"
            ),
        ]
    ),
    event!(
        "dtmf",
        Dtmf,
        "a digit after <StartGather>",
        CALL,
        [req("digit", FieldType::String, "the digit").values(Values::Dtmf { explicit: false }),]
    ),
    event!(
        "recordComplete",
        Recording,
        "<Record> finished and the call is still up",
        CALL,
        [
            RECORDING[0],
            RECORDING[1],
            RECORDING[2],
            RECORDING[3],
            RECORDING[4],
        ]
    ),
    event!(
        "recordingComplete",
        Recording,
        "the spec's spelling of recordComplete",
        CALL,
        [
            RECORDING[0],
            RECORDING[1],
            RECORDING[2],
            RECORDING[3],
            RECORDING[4],
        ]
    ),
    event!(
        "recordingAvailable",
        Recording,
        "a call recording can be downloaded",
        CALL,
        [
            RECORDING[0],
            RECORDING[1],
            RECORDING[2],
            RECORDING[3],
            RECORDING[4],
            opt(
                "status",
                FieldType::String,
                "complete, partial, error (the spec adds processing, deleted)"
            ),
        ]
    ),
    event!(
        "transcriptionAvailable",
        Recording,
        "a recording's transcription can be downloaded",
        CALL,
        [
            RECORDING[0],
            RECORDING[1],
            RECORDING[2],
            RECORDING[4],
            opt(
                "transcription",
                FieldType::Object,
                "the transcription: id, url, status, completedTime; or text, confidence"
            ),
        ]
    ),
    event!(
        "transferAnswer",
        Answered,
        "a <Transfer> target (B-leg) answered",
        CALL,
        []
    ),
    event!(
        "transferComplete",
        Transfer,
        "a <Transfer> B-leg ended and the A-leg is still up",
        CALL,
        []
    ),
    event!(
        "transferDisconnect",
        Ended,
        "a <Transfer> B-leg ended, for any reason",
        CALL,
        []
    ),
    event!(
        "bridgeComplete",
        Transfer,
        "the bridge target left a <Bridge> (or bridging failed)",
        CALL,
        []
    ),
    event!(
        "bridgeTargetComplete",
        Transfer,
        "the call that ran <Bridge> left it first",
        CALL,
        []
    ),
    event!(
        "disconnect",
        Ended,
        "the call ended, for any reason",
        CALL,
        []
    ),
    event!(
        "conferenceCreated",
        Other,
        "a conference was created",
        CONFERENCE,
        []
    ),
    event!(
        "conferenceRedirect",
        Other,
        "a conference was modified through the API",
        CONFERENCE,
        []
    ),
    event!(
        "conferenceCompleted",
        Other,
        "the last member left a conference",
        CONFERENCE,
        []
    ),
    event!(
        "conferenceMemberJoin",
        ParticipantJoined,
        "a call joined a conference",
        CONFERENCE,
        []
    ),
    event!(
        "conferenceMemberExit",
        ParticipantLeft,
        "a call left a conference",
        CONFERENCE,
        []
    ),
    event!(
        "conferenceRecordingAvailable",
        Recording,
        "a conference recording can be downloaded",
        CONFERENCE,
        [
            RECORDING[0],
            RECORDING[1],
            RECORDING[2],
            RECORDING[3],
            RECORDING[4],
            opt(
                "startTime",
                FieldType::Timestamp,
                "when the recording started"
            ),
            opt("endTime", FieldType::Timestamp, "when the recording ended"),
            opt("status", FieldType::String, "the recording's status"),
        ]
    ),
    event!(
        "mediaStreamStarted",
        Media,
        "<StartStream> media streaming started",
        STREAMING,
        [opt(
            "mediaStream",
            FieldType::Object,
            "id, name, destination, startTime, tracks, type"
        ),]
    ),
    event!(
        "mediaStreamRejected",
        Media,
        "a media stream was rejected",
        STREAMING,
        [
            opt("mediaStream", FieldType::Object, "the stream"),
            opt(
                "originalMediaStream",
                FieldType::Object,
                "the existing stream, when the cause is duplicate"
            ),
        ]
    ),
    event!(
        "mediaStreamStopped",
        Media,
        "a media stream stopped",
        STREAMING,
        [opt(
            "mediaStream",
            FieldType::Object,
            "the stream, with its duration"
        ),]
    ),
    event!(
        "realTimeTranscriptionStarted",
        Media,
        "<StartTranscription> started",
        STREAMING,
        [
            opt(
                "realTimeTranscription",
                FieldType::Object,
                "id, name, startTime, tracks, destination, stabilized"
            ),
            TRANSCRIPTION,
        ]
    ),
    event!(
        "realTimeTranscriptionAvailable",
        Media,
        "a real-time transcription is available",
        STREAMING,
        [
            opt(
                "realTimeTranscription",
                FieldType::Object,
                "the transcription, with status, url, completedTime"
            ),
            TRANSCRIPTION,
        ]
    ),
    event!(
        "realTimeTranscriptionRejected",
        Media,
        "a real-time transcription was rejected",
        STREAMING,
        [
            opt(
                "realTimeTranscription",
                FieldType::Object,
                "the transcription"
            ),
            opt(
                "originalTranscription",
                FieldType::Object,
                "the existing one, when the cause is duplicate"
            ),
            TRANSCRIPTION,
        ]
    ),
    event!(
        "realTimeTranscriptionStopped",
        Media,
        "a real-time transcription stopped",
        STREAMING,
        [
            opt(
                "realTimeTranscription",
                FieldType::Object,
                "the transcription, with its duration"
            ),
            TRANSCRIPTION,
        ]
    ),
];

/// Whether an object is a v2 callback: its `eventType` comes with `eventTime`, `callUrl` or
/// `accountId`, and it has none of v1's `time`, `callUri` or `callState`.
pub(super) fn is_v2(obj: &Json) -> bool {
    obj.get_str("eventType").is_some()
        && (obj.get("eventTime").is_some()
            || obj.get("callUrl").is_some()
            || obj.get("accountId").is_some())
        && obj.get("callState").is_none()
        && obj.get("callUri").is_none()
        && obj.get("time").is_none()
}

fn spec(name: &str) -> Option<&'static EventSpec> {
    EVENTS.iter().find(|s| s.name == name)
}

pub(super) fn recognise(obj: &Json) -> Option<Recognised> {
    if !is_v2(obj) {
        return None;
    }
    let name = obj.get_str("eventType")?;
    let found = spec(name);
    Some(Recognised {
        event: Some(event_name(name, found)),
        spec: found,
        sign: if found.is_some() {
            "eventType {event} with eventTime, callUrl or accountId and no callState (a Bandwidth Voice API v2 callback)"
        } else {
            "eventTime, callUrl or accountId and no callState (a Bandwidth Voice API v2 callback; eventType {event} is not a documented one)"
        },
        forced: false,
    })
}

pub(super) fn validate(d: &Detected, out: &mut Vec<Diagnostic>) {
    let (obj, rec, base) = (d.payload, &d.rec, d.path.as_str());
    match rec.spec {
        Some(spec) => schema::check_fields(spec, obj, base, out),
        None => crate::formats::unknown_event(
            rec,
            &format!("{base}/eventType"),
            "a documented Voice API v2 callback (a newer one?)",
            out,
        ),
    }
    if let (Some(id), Some(url)) = (obj.get_str("callId"), obj.get_str("callUrl")) {
        if !url.trim_end_matches('/').ends_with(id) {
            out.push(Diagnostic::warning(
                Code::Inconsistent,
                format!("{base}/callUrl"),
                format!("callUrl names another call than callId {id:?}"),
            ));
        }
    }
}

/// A v2 `cause` as an outcome: a hang-up says nothing beyond the call's events, the error causes
/// are failures, and a cause Bandwidth adds later says nothing either.
fn cause_outcome(cause: &str) -> Option<Outcome> {
    match cause {
        "busy" => Some(Outcome::Busy),
        "timeout" => Some(Outcome::NoAnswer),
        "rejected" => Some(Outcome::Rejected),
        "cancel" => Some(Outcome::Cancelled),
        "callback-error"
        | "invalid-bxml"
        | "application-error"
        | "account-limit"
        | "node-capacity-exceeded"
        | "error"
        | "unknown" => Some(Outcome::Failed),
        _ => None,
    }
}

pub(super) fn normalize(d: &Detected, ctx: &Context) -> Event {
    let (obj, rec) = (d.payload, &d.rec);
    let kind = rec.spec.map_or(EventKind::Other, |s| s.kind);
    let time = |key: &str| obj.get(key).and_then(crate::time::call_time_ms);
    let mut details = Details::new(ctx.keep);
    details.str("from", obj.get_str("from"));
    details.str("to", obj.get_str("to"));
    details.str("direction", obj.get_str("direction"));
    details.str("cause", obj.get_str("cause"));
    if let Some(code) = obj
        .get("sipResponseCode")
        .and_then(Json::num)
        .and_then(|n| n.as_i64())
    {
        details.push("code", Detail::Int(code));
    }
    details.str(
        "digit",
        obj.get_str("digit").or_else(|| obj.get_str("digits")),
    );
    details.str("parent_call", obj.get_str("parentCallId"));
    details.str("participant", obj.get_str("transferTo"));
    details.str("error", obj.get_str("errorMessage"));
    details.str("recording_id", obj.get_str("recordingId"));
    details.str("status", obj.get_str("status"));
    details.str("tag", obj.get_str("tag"));
    if let Some(result) = obj
        .get("machineDetectionResult")
        .and_then(|m| m.get_str("value"))
    {
        details.str("machine", Some(result));
    }
    let outcome = match kind {
        EventKind::Ended => obj.get_str("cause").and_then(cause_outcome),
        _ => None,
    };
    // Recording events carry the recording's start and end, never the call's.
    let call_times = kind != EventKind::Recording;
    Event {
        vendor: d.vendor,
        event: rec.event.clone(),
        kind,
        call_id: owned(obj, "callId"),
        time: time("eventTime"),
        time_source: None,
        call_started: call_times.then(|| time("startTime")).flatten(),
        call_answered: call_times.then(|| time("answerTime")).flatten(),
        call_ended: call_times.then(|| time("endTime")).flatten(),
        outcome,
        details,
        twin: None,
        new_call: false,
        fingerprint: None,
    }
}
