//! Detection, validation and normalization per vendor, on the documents' own examples.

use super::*;
use crate::diagnostic::{Code, Severity};
use crate::event::{EventKind, Outcome};
use crate::json::Json;

fn detect_text(text: &str) -> Result<(Vendor, Option<String>), Undetected> {
    let v = Json::parse(text.as_bytes()).unwrap();
    detect(&v, None, 0).map(|d| (d.vendor, d.rec.event.map(|e| e.into_owned())))
}

fn findings(text: &str) -> Vec<(Code, Severity, String)> {
    let v = Json::parse(text.as_bytes()).unwrap();
    let d = detect(&v, None, 0).unwrap();
    let mut out = Vec::new();
    validate(&d, &mut out);
    out.into_iter()
        .map(|d| (d.code, d.severity, d.path))
        .collect()
}

fn normalized(text: &str, stem: &str, group: u32) -> Event {
    let v = Json::parse(text.as_bytes()).unwrap();
    let d = detect(&v, None, 0).unwrap();
    normalize(
        &d,
        &Context {
            stem,
            group,
            naive_offset: 0,
            keep: None,
            notation: false,
        },
        None,
    )
}

/// Every example body in the vendors' documents and their later pages, with the vendor it must
/// be.
const EXAMPLES: &[(&str, &str)] = &[
    (
        r#"{"eventType":"call.started","threadId":"595b405b81d3f8001497603d","callId":"522a2f93-4463-4040-8176-947b2c77bd0f"}"#,
        "workonflow",
    ),
    (
        r#"{"eventType":"call.ended","threadId":"595b405b81d3f8001497603d","callId":"522a2f93-4463-4040-8176-947b2c77bd0f","dialogDuration":5554,"callDuration":5599}"#,
        "workonflow",
    ),
    (
        r#"{"eventType":"call.off.paused","threadId":"595b405b81d3f8001497603d","dtmfNumber":"1","callId":"522a2f93-4463-4040-8176-947b2c77bd0f"}"#,
        "workonflow",
    ),
    (
        r#"{"eventType":"Call.Member.Invite.ended","teamId":"t","callId":"c","answered":false}"#,
        "workonflow",
    ),
    (
        r#"{"notificationType":"newCallEvent","notification":{"date":"2021-06-29 09:50:33","callId":"186ba647df1ef222","calleeFlowId":"a","callerFlowId":"b"}}"#,
        "xelion",
    ),
    (
        r#"{"notificationType":"presenceListEvent","messageType":"notification","notification":{}}"#,
        "xelion",
    ),
    (
        r#"{"date":"2021-06-29 09:50:33","callId":"186ba647df1ef222","calleeFlowId":"a","callerFlowId":"b","duration":"12"}"#,
        "xelion",
    ),
    (
        r#"{"name":"Call.Connected","id":"abc","call":{}}"#,
        "voximplant",
    ),
    (
        r#"{"name":"Call.Video.FirstPacket","id":"abc","url":"u"}"#,
        "voximplant",
    ),
    (r#"{"name":"Call.Unheard","id":"abc"}"#, "voximplant"),
    (r#"{"id":"abc","name":"Call.Disconnected"}"#, "voximplant"),
    (
        r#"{"id":"{callEventId1}","time":"2012-09-19T13:55:41.343Z","name":"create"}"#,
        "bandwidth",
    ),
    (
        r#"{"id":"{callEventId3}","time":"2012-09-19T13:55:45.583Z","name":"CHANNEL_EXECUTE","data":"{\"applicationName\":\"park\"}"}"#,
        "bandwidth",
    ),
    (
        r#"{"id":"ev","time":1419032854964,"name":"answer"}"#,
        "bandwidth",
    ),
    (
        r#"{"eventType":"hangup","callId":"c-1","callUri":"https://api.catapult.inetwork.com/v1/users/u-1/calls/c-1","cause":"USER_BUSY","time":"2013-05-09T18:02:33Z"}"#,
        "bandwidth",
    ),
    (
        r#"{"eventType":"recording","callId":"c-1","recordingId":"r","status":"complete","startTime":"2013-05-09T18:02:33Z"}"#,
        "bandwidth",
    ),
    (
        r#"{"eventType":"initiate","eventTime":"2026-11-21T10:00:00Z","callUrl":"https://x/calls/1","accountId":"1"}"#,
        "bandwidth",
    ),
    (
        r#"{"eventType":"answer","eventTime":"2026-11-21T10:00:00Z","callUrl":"https://x/calls/1"}"#,
        "bandwidth",
    ),
];

#[test]
fn every_document_example_is_its_own_vendor() {
    for (text, vendor) in EXAMPLES {
        assert_eq!(
            detect_text(text).map(|d| d.0),
            Ok(Vendor::named(vendor)),
            "{text}"
        );
    }
}

#[test]
fn no_example_is_claimed_by_another_vendor_when_forced_elsewhere() {
    // Each vendor's recogniser only answers for its own records.
    for (text, vendor) in EXAMPLES {
        let v = Json::parse(text.as_bytes()).unwrap();
        for other in Vendor::all().filter(|o| o.id() != *vendor) {
            let f = other.format();
            let claimed = (f.recognise)(&v).is_some()
                || f.recognise_weak.is_some_and(|weak| weak(&v).is_some());
            assert!(!claimed, "{other} claims {text}");
        }
    }
}

#[test]
fn records_of_no_vendor_say_why() {
    for text in [
        r#"{}"#,
        r#"{"foo":1}"#,
        r#"{"name":"Connected","id":"x","call":{}}"#,
        r#"{"eventType":["call","started"],"callId":"x"}"#,
    ] {
        match detect_text(text) {
            Err(Undetected::NoVendor(why)) => assert!(!why.is_empty(), "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    assert!(detect_text("[1]").is_err());
}

#[test]
fn bandwidth_messaging_is_a_vendor_message_but_no_call_event() {
    for text in [
        r#"{"eventType":"sms","direction":"in","from":"+15550100001","to":"+15550100002","messageId":"m-abc","messageUri":"https://api.catapult.inetwork.com/v1/users/u-1/messages/m-abc","text":"hi","applicationId":"a-1","time":"2026-11-21T10:00:00Z","state":"received"}"#,
        r#"{"eventType":"mms","direction":"out","messageId":"m-abd","media":["https://example.test/1.jpg"],"state":"sent"}"#,
        r#"{"type":"message-delivered","time":"2026-11-21T10:00:00Z","description":"ok","to":"+15550100002","message":{"id":"m-1","direction":"out"}}"#,
        r#"{"receivedAt":"2026-11-21T10:00:00Z","payload":{"eventType":"sms","messageId":"m-abe"}}"#,
        r#"{"event":{"body":{"eventType":"mms","messageId":"m-abf"}}}"#,
    ] {
        match detect_text(text) {
            Err(Undetected::NotACall { vendor, what, .. }) => {
                assert_eq!(vendor, Vendor::named("bandwidth"));
                assert!(what.contains("messaging"), "{what}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn envelopes_are_unwrapped_with_their_time() {
    let v = Json::parse(br#"{"receivedAt":"2026-11-21T10:00:00.000Z","payload":{"eventType":"call.started","callId":"c"}}"#).unwrap();
    let d = detect(&v, None, 0).unwrap();
    assert_eq!(d.path, "/payload");
    assert_eq!(d.envelope_time, Some(1_795_255_200_000));
    let nested =
        Json::parse(br#"{"ts":1795255200,"body":{"data":{"name":"Call.OnHold","id":"x"}}}"#)
            .unwrap();
    let d = detect(&nested, None, 0).unwrap();
    assert_eq!(
        (d.vendor, d.path.as_str()),
        (Vendor::named("voximplant"), "/body/data")
    );
    assert_eq!(d.envelope_time, Some(1_795_255_200_000));
    // Xelion's frame is the vendor format itself, not an envelope.
    let frame =
        Json::parse(br#"{"notificationType":"newCallEvent","notification":{"callerFlowId":"a"}}"#)
            .unwrap();
    assert_eq!(detect(&frame, None, 0).unwrap().path, "");
}

#[test]
fn forced_vendor_reads_any_object() {
    let v = Json::parse(br#"{"name":"create"}"#).unwrap();
    let d = detect(&v, Some(Vendor::named("voximplant")), 0).unwrap();
    assert_eq!(d.vendor, Vendor::named("voximplant"));
    assert!(d.rec.forced);
    assert!(describe(
        d.rec.sign,
        d.rec.event.as_deref(),
        Some(Vendor::named("voximplant")),
        &d.path
    )
    .starts_with("--as voximplant"));
}

#[test]
fn workonflow_quirks_are_accepted_with_a_word() {
    // The document's dtmf example: eventType call.off.paused with a string dtmfNumber.
    let f = findings(
        r#"{"eventType":"call.off.paused","threadId":"595b405b81d3f8001497603d","dtmfNumber":"1","callId":"522a2f93-4463-4040-8176-947b2c77bd0f"}"#,
    );
    assert_eq!(
        f,
        vec![(
            Code::Inconsistent,
            Severity::Warning,
            "/eventType".to_owned()
        )]
    );
    let e = normalized(
        r#"{"eventType":"call.off.paused","dtmfNumber":"1","callId":"c"}"#,
        "x",
        0,
    );
    assert_eq!(
        (e.kind, e.details.get("digit").map(|d| d.display())),
        (EventKind::Dtmf, Some("1".to_owned()))
    );
    // The table's number type is valid too.
    assert!(findings(r#"{"eventType":"call.emit.dtmf","dtmfNumber":1}"#).is_empty());
}

#[test]
fn workonflow_durations_are_milliseconds() {
    let e = normalized(
        r#"{"eventType":"call.ended","threadId":"595b405b81d3f8001497603d","callId":"c","dialogDuration":5554,"callDuration":5599}"#,
        "x",
        0,
    );
    assert_eq!(
        e.details.get("talk_ms").and_then(|d| d.as_i64()),
        Some(5554)
    );
    assert_eq!(
        e.details.get("duration_ms").and_then(|d| d.as_i64()),
        Some(5599)
    );
    assert_eq!(e.time, None);
}

#[test]
fn xelion_date_dates_the_call_not_the_event() {
    let e = normalized(
        r#"{"notificationType":"callHungUpEvent","notification":{"date":"2021-06-29 09:50:33","callId":"c","calleeFlowId":"a","callerFlowId":"b","duration":"12"}}"#,
        "x",
        0,
    );
    assert_eq!(e.time, None);
    assert_eq!(
        e.call_started,
        crate::time::parse_iso("2021-06-29T09:50:33Z", 0)
    );
    assert_eq!(
        e.details.get("duration_ms").and_then(|d| d.as_i64()),
        Some(12_000)
    );
    assert_eq!(e.kind, EventKind::Ended);
    let missed = normalized(
        r#"{"notificationType":"missedCallEvent","notification":{"date":"2021-06-29 09:50:33","callId":"c","calleeFlowId":"a","callerFlowId":"b"}}"#,
        "x",
        0,
    );
    assert_eq!(
        (missed.kind, missed.outcome),
        (EventKind::Missed, Some(Outcome::Missed))
    );
}

#[test]
fn xelion_optional_fields_may_be_null_but_required_ones_not() {
    let ok = r#"{"notificationType":"newCallEvent","notification":{"date":"2021-06-29 09:50:33","callId":"c","calleeFlowId":"a","callerFlowId":"b","calleeUser":null}}"#;
    assert!(findings(ok).is_empty());
    let bad = r#"{"notificationType":"newCallEvent","notification":{"date":"2021-06-29 09:50:33","callId":null,"calleeFlowId":"a","callerFlowId":"b"}}"#;
    assert_eq!(
        findings(bad),
        vec![(
            Code::WrongType,
            Severity::Error,
            "/notification/callId".to_owned()
        )]
    );
}

#[test]
fn voximplant_codes_give_outcomes() {
    for (code, outcome) in [
        (486, Outcome::Busy),
        (408, Outcome::NoAnswer),
        (480, Outcome::NoAnswer),
        (603, Outcome::Rejected),
        (487, Outcome::Cancelled),
        (404, Outcome::Failed),
        (402, Outcome::Failed),
    ] {
        let e = normalized(
            &format!(r#"{{"name":"Call.Failed","id":"x","code":{code},"reason":"r"}}"#),
            "s",
            0,
        );
        assert_eq!(e.outcome, Some(outcome), "{code}");
    }
    let e = normalized(
        r#"{"name":"Call.Disconnected","id":"x","cost":0.1,"direction":"in","duration":95,"internalCode":200,"reason":"ok"}"#,
        "s",
        0,
    );
    assert_eq!((e.kind, e.outcome), (EventKind::Ended, None));
    // `Disconnected.duration` is the talk time.
    assert_eq!(
        e.details.get("talk_ms").and_then(|d| d.as_i64()),
        Some(95_000)
    );
    // The far end's Q.850 cause is the end reason, named as switches name it; its outcome
    // counts where the platform's code gives none.
    let e = normalized(
        r#"{"name":"Call.Disconnected","id":"x","duration":0,"internalCode":16,"headers":{"Reason":["SIP;cause=200;text=\"x\"","Q.850;cause=17;text=\"busy\""]}}"#,
        "s",
        0,
    );
    assert_eq!(
        e.details.get("cause").and_then(|d| d.as_str()),
        Some("USER_BUSY")
    );
    assert_eq!(e.outcome, Some(Outcome::Busy));
    let step = crate::call::step::Step::of(&e);
    assert_eq!(step.reason.as_deref(), Some("USER_BUSY"));
}

#[test]
fn voximplant_tone_values_are_checked_strictly() {
    assert!(findings(r##"{"name":"Call.ToneReceived","id":"x","tone":"#"}"##).is_empty());
    assert_eq!(
        findings(r#"{"name":"Call.ToneReceived","id":"x","tone":"A"}"#),
        vec![(Code::BadValue, Severity::Error, "/tone".to_owned())]
    );
    assert_eq!(
        findings(r#"{"name":"Call.Newer","id":"x"}"#),
        vec![(Code::UnknownEvent, Severity::Warning, "/name".to_owned())]
    );
}

#[test]
fn bandwidth_list_items_take_their_call_from_the_file_name() {
    let e = normalized(
        r#"{"id":"e1","time":"2012-09-19T13:55:58.323Z","name":"hangup","data":"NORMAL_CLEARING"}"#,
        "c-abc",
        1,
    );
    assert_eq!(e.call_id.as_deref(), Some("c-abc"));
    assert_eq!(e.time, Some(1_348_062_958_323));
    assert_eq!(
        e.details.get("cause").map(|d| d.display()).as_deref(),
        Some("NORMAL_CLEARING")
    );
    let second = normalized(r#"{"name":"create"}"#, "c-abc", 2);
    assert_eq!(second.call_id.as_deref(), Some("c-abc#2"));
    let json_data = normalized(
        r#"{"name":"CHANNEL_EXECUTE","data":"{\"applicationName\":\"playback\",\"applicationData\":\"test.mp3\"}"}"#,
        "c",
        0,
    );
    assert_eq!(
        json_data
            .details
            .get("application")
            .map(|d| d.display())
            .as_deref(),
        Some("playback")
    );
    assert!(
        matches!(json_data.details.get("data"), Some(crate::event::Detail::Json(v)) if v["applicationData"] == "test.mp3")
    );
}

#[test]
fn bandwidth_causes_give_outcomes() {
    for (cause, outcome) in [
        ("USER_BUSY", Some(Outcome::Busy)),
        ("NO_ANSWER", Some(Outcome::NoAnswer)),
        ("CALL_REJECTED", Some(Outcome::Rejected)),
        ("ORIGINATOR_CANCEL", Some(Outcome::Cancelled)),
        ("UNALLOCATED_NUMBER", Some(Outcome::Failed)),
        ("NORMAL_CLEARING", None),
    ] {
        let e = normalized(
            &format!(
                r#"{{"eventType":"hangup","callId":"c","cause":"{cause}","time":"2013-05-09T18:02:33Z"}}"#
            ),
            "s",
            0,
        );
        assert_eq!(e.outcome, outcome, "{cause}");
    }
    let t = normalized(
        r#"{"eventType":"timeout","callId":"c","time":"2013-05-09T18:02:33-03"}"#,
        "s",
        0,
    );
    assert_eq!(
        (t.kind, t.outcome),
        (EventKind::Failed, Some(Outcome::NoAnswer))
    );
    assert_eq!(t.time, crate::time::parse_iso("2013-05-09T21:02:33Z", 0));
}

#[test]
fn every_spec_has_unique_names_and_documented_fields() {
    for v in Vendor::all() {
        let specs: Vec<&EventSpec> = v.events().collect();
        for (i, s) in specs.iter().enumerate() {
            assert!(!s.doc.is_empty(), "{v} {}", s.name);
            assert!(
                !specs[..i]
                    .iter()
                    .any(|o| o.name == s.name && o.form == s.form),
                "{v} {} twice",
                s.name
            );
            for f in s.all_fields() {
                assert!(!f.doc.is_empty(), "{v} {}.{}", s.name, f.name);
            }
        }
    }
    assert_eq!(
        workonflow::EVENTS
            .iter()
            .filter(|s| s.origin == schema::Origin::Documented)
            .count(),
        7
    );
    assert_eq!(xelion::EVENTS.len(), 5);
    // The v13 typings' 37 CallEvents, the two Video spellings, the newer three, and CallAlerting.
    assert_eq!(voximplant::EVENTS.len(), 41);
}

#[test]
fn every_format_file_has_its_descriptor_in_the_list_and_a_fixtures_folder() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // A format is a file, or a folder (with a mod.rs) for a vendor with several record forms.
    let mut files: Vec<String> = std::fs::read_dir(root.join("src/formats"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs") || p.join("mod.rs").is_file())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .filter(|stem| !matches!(stem.as_str(), "mod" | "scenario" | "schema" | "tests"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = ids().map(str::to_owned).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "each file in src/formats/ exports a descriptor named as the file, listed in formats::LIST"
    );
    for id in ids() {
        assert!(
            root.join("fixtures").join(id).is_dir(),
            "fixtures/{id}/ holds the format's fixtures"
        );
        assert_eq!(Vendor::find(id).map(Vendor::id), Some(id));
    }
}

#[test]
fn the_details_aggregation_reads_are_the_documented_ones() {
    for (key, ty, _) in AGGREGATED_DETAILS {
        assert!(crate::call::step::Step::reads(key), "{key} is not read");
        assert!(
            matches!(*ty, "string" | "integer" | "boolean"),
            "{key}: {ty}"
        );
    }
    for key in ["headers", "status", "cost", "media_ms"] {
        assert!(
            !crate::call::step::Step::reads(key),
            "{key} is read but not documented"
        );
    }
}
