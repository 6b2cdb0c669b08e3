//! Aggregation: durations, outcomes, repeats and anomalies from hand-made events.

use super::select::names;
use super::*;
use crate::event::{Details, EventKind, Outcome, TimeSource};
use crate::time::Millis;

fn ev(kind: EventKind, name: &str, time: Option<Millis>) -> Event {
    Event {
        vendor: Vendor::named("voximplant"),
        event: Some(name.to_owned().into()),
        kind,
        call_id: Some("c".to_owned()),
        time,
        time_source: time.map(|_| TimeSource::Log),
        call_started: None,
        call_answered: None,
        call_ended: None,
        outcome: None,
        details: Details::default(),
        twin: None,
        new_call: false,
        fingerprint: None,
    }
}

/// Fold an event as the pipeline does: its fingerprint worked out first.
fn add(c: &mut Call, e: &Event) -> bool {
    let mut e = e.clone();
    e.fingerprint = e.delivery_fingerprint();
    c.add(&e)
}

#[test]
fn durations_from_times() {
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    for e in [
        ev(EventKind::Ringing, "Call.Ringing", Some(1_000)),
        ev(EventKind::Started, "start", Some(0)),
        ev(EventKind::Answered, "Call.Connected", Some(5_000)),
        ev(EventKind::Hold, "Call.OnHold", Some(10_000)),
        ev(EventKind::Unhold, "Call.OffHold", Some(22_000)),
        ev(EventKind::Hold, "Call.OnHold", Some(30_000)),
        ev(EventKind::Ended, "Call.Disconnected", Some(65_000)),
    ] {
        assert!(add(&mut c, &e));
    }
    let s = c.finish();
    assert_eq!(
        (s.ring_ms, s.talk_ms, s.total_ms),
        (Some(5_000), Some(60_000), Some(65_000))
    );
    // The second hold is still open at the end and closes there.
    assert_eq!(s.hold_ms, Some(12_000 + 35_000));
    assert_eq!(s.outcome, Outcome::Answered);
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
}

#[test]
fn repeated_deliveries_are_counted_once() {
    let mut c = Call::new("c".into(), Vendor::named("xelion"));
    let mut hangup = ev(EventKind::Ended, "callHungUpEvent", Some(50_004));
    hangup.details.int("duration_ms", Some(45_000));
    assert!(add(&mut c, &hangup));
    let mut again = hangup.clone();
    again.time = Some(50_180);
    assert!(!add(&mut c, &again));
    assert_eq!((c.state.events, c.state.duplicates), (1, 1));
    // Legitimately repeated events (two identical DTMF presses) are not repeats.
    let mut digit = ev(EventKind::Dtmf, "Call.ToneReceived", None);
    digit.details.str("digit", Some("1"));
    assert!(add(&mut c, &digit));
    assert!(add(&mut c, &digit));
    assert_eq!(c.finish().dtmf, "11");
}

#[test]
fn no_terminal_event_is_in_progress_and_an_anomaly() {
    let mut c = Call::new("c".into(), Vendor::named("workonflow"));
    add(&mut c, &ev(EventKind::Started, "call.started", Some(0)));
    let s = c.finish();
    assert_eq!(s.outcome, Outcome::InProgress);
    assert_eq!(s.anomalies, vec!["no terminal event".to_owned()]);
}

#[test]
fn anomalies_events_after_end_answered_before_started_and_mismatched_durations() {
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    add(&mut c, &ev(EventKind::Answered, "Call.Connected", Some(0)));
    add(&mut c, &ev(EventKind::Started, "start", Some(2_000)));
    let mut end = ev(EventKind::Ended, "Call.Disconnected", Some(10_000));
    end.details.int("duration_ms", Some(60_000));
    add(&mut c, &end);
    add(&mut c, &ev(EventKind::Hold, "Call.OnHold", Some(11_000)));
    let s = c.finish();
    assert!(
        s.anomalies.iter().any(|a| a == "events after the end"),
        "{:?}",
        s.anomalies
    );
    assert!(s.anomalies.iter().any(|a| a == "answered before started"));
    assert!(s
        .anomalies
        .iter()
        .any(|a| a.starts_with("reported total duration 1m 00.0s")));
}

#[test]
fn outcome_from_codes_unless_answered() {
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    let mut failed = ev(EventKind::Failed, "Call.Failed", None);
    failed.outcome = Some(Outcome::Busy);
    failed.details.int("code", Some(486));
    failed.details.str("reason", Some("Busy Here"));
    add(&mut c, &failed);
    let s = c.finish();
    assert_eq!(
        (s.outcome, s.end_reason.as_deref()),
        (Outcome::Busy, Some("486 Busy Here"))
    );
    assert_eq!((s.talk_ms, s.total_ms), (None, None));
}

#[test]
fn reported_durations_stand_in_for_missing_times() {
    let mut c = Call::new("c".into(), Vendor::named("workonflow"));
    add(&mut c, &ev(EventKind::Started, "call.started", None));
    let mut end = ev(EventKind::Ended, "call.ended", None);
    end.details.int("talk_ms", Some(5_554));
    end.details.int("duration_ms", Some(5_599));
    add(&mut c, &end);
    let s = c.finish();
    assert_eq!((s.talk_ms, s.total_ms), (Some(5_554), Some(5_599)));
    assert_eq!(
        (s.reported_talk_ms, s.reported_total_ms),
        (Some(5_554), Some(5_599))
    );
    assert_eq!(s.outcome, Outcome::Answered);
    assert!(s.anomalies.is_empty());
}

#[test]
fn call_prefixes_resolve_or_are_ambiguous() {
    let mut m = CallMatcher::new(&["ab".to_owned()]);
    assert!(m.matches("abc1"));
    assert!(!m.matches("xyz"));
    assert!(m.matches("abc1"));
    assert!(m.check().is_ok());
    assert!(m.matches("abc2"));
    let err = m.check().unwrap_err().to_string();
    assert!(err.contains("it matches abc1, abc2 (give"), "{err}");
    for i in 3..10 {
        m.matches(&format!("abc{i}"));
    }
    let err = m.check().unwrap_err().to_string();
    assert!(err.contains("abc1, abc2, abc3, abc4 and 5 more"), "{err}");
    assert_eq!(CallMatcher::new(&["q".to_owned()]).unmatched(), vec!["q"]);
    // An exact id is never ambiguous; a shortened id matches typed with three dots too.
    let mut exact = CallMatcher::new(&["abc1".to_owned()]);
    assert!(exact.matches("abc1") && exact.matches("abc12") && exact.check().is_ok());
    assert!(names(
        "4d5e6f70-...0004",
        "4d5e6f70-3333-4333-8333-000000000004"
    ));
    assert!(names(
        "4d5e6f70-…0004",
        "4d5e6f70-3333-4333-8333-000000000004"
    ));
}

#[test]
fn untimed_order_anomaly_needs_a_start_after_the_answer() {
    // A transfer's new leg: answered, never started. Not an anomaly.
    let mut leg = Call::new("c".into(), Vendor::named("xelion"));
    add(
        &mut leg,
        &ev(EventKind::Answered, "callConnectedEvent", None),
    );
    add(&mut leg, &ev(EventKind::Ended, "callHungUpEvent", None));
    assert!(leg.finish().anomalies.is_empty());
    let mut late_start = Call::new("c".into(), Vendor::named("xelion"));
    add(
        &mut late_start,
        &ev(EventKind::Answered, "callConnectedEvent", None),
    );
    add(
        &mut late_start,
        &ev(EventKind::Started, "newCallEvent", None),
    );
    add(
        &mut late_start,
        &ev(EventKind::Ended, "callHungUpEvent", None),
    );
    assert_eq!(
        late_start.finish().anomalies,
        vec!["answered before started".to_owned()]
    );
}

/// Found by the fuzzer: a Xelion `duration` of twenty digits saturates to i64::MAX, and comparing
/// it with a measured span overflowed.
#[test]
fn absurd_reported_durations_do_not_overflow() {
    for reported in [i64::MAX, i64::MIN, i64::MAX - 1] {
        let mut c = Call::new("c".into(), Vendor::named("xelion"));
        add(
            &mut c,
            &ev(
                EventKind::Started,
                "newCallEvent",
                Some(-62_000_000_000_000),
            ),
        );
        add(
            &mut c,
            &ev(EventKind::Answered, "callConnectedEvent", Some(0)),
        );
        let mut end = ev(
            EventKind::Ended,
            "callHungUpEvent",
            Some(253_402_300_799_999),
        );
        end.details.int("duration_ms", Some(reported));
        end.details.int("talk_ms", Some(reported));
        add(&mut c, &end);
        let s = c.finish();
        assert!(
            s.anomalies
                .iter()
                .any(|a| a.starts_with("reported total duration")),
            "{:?}",
            s.anomalies
        );
    }
}

mod written_json {
    use proptest::prelude::*;

    use super::*;

    fn summary() -> impl Strategy<Value = CallSummary> {
        let text = "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}]){0,12}";
        let time = proptest::option::of(-62_135_596_800_000i64..253_402_300_799_999);
        let ms = proptest::option::of(any::<i64>());
        (
            (
                text,
                0..crate::formats::COUNT,
                any::<u64>(),
                time.clone(),
                time.clone(),
                time,
            ),
            (ms.clone(), ms.clone(), ms.clone(), ms),
            (
                proptest::option::of(text),
                proptest::collection::vec(text, 0..3),
                text,
                any::<u64>(),
                proptest::collection::vec(text, 0..2),
                proptest::option::of(text),
            ),
        )
            .prop_map(|(a, b, c)| CallSummary {
                call_id: a.0,
                vendor: Vendor::at(a.1),
                events: a.2,
                first_time: a.3,
                last_time: a.5,
                started_at: a.4,
                answered_at: a.3,
                ended_at: a.5,
                ring_ms: b.0,
                talk_ms: b.1,
                hold_ms: b.2,
                total_ms: b.3,
                reported_talk_ms: b.0,
                reported_total_ms: b.3,
                outcome: Outcome::Answered,
                end_reason: c.0,
                participants: c.1,
                dtmf: c.2,
                duplicates: c.3,
                anomalies: c.4,
                parent_call_id: c.5,
            })
    }

    proptest! {
        #[test]
        fn the_same_bytes_as_serde_json(s in summary()) {
            let mut fast = Vec::new();
            s.write_json(&mut fast);
            let serde = serde_json::to_vec(&s).unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&serde));
        }
    }
}

#[test]
fn ring_is_unknown_when_the_first_event_seen_is_the_answer() {
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    add(
        &mut c,
        &ev(EventKind::Answered, "Call.Connected", Some(1_000)),
    );
    add(
        &mut c,
        &ev(EventKind::Ended, "Call.Disconnected", Some(31_000)),
    );
    let s = c.finish();
    assert_eq!((s.ring_ms, s.talk_ms), (None, Some(30_000)));
    // With anything timed before the answer, the ring is measured.
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    add(&mut c, &ev(EventKind::Ringing, "Call.Ringing", Some(0)));
    add(
        &mut c,
        &ev(EventKind::Answered, "Call.Connected", Some(1_000)),
    );
    assert_eq!(c.finish().ring_ms, Some(1_000));
}

#[test]
fn an_answered_call_with_no_terminal_event_is_in_progress() {
    for time in [Some(1_000), None] {
        let mut c = Call::new("c".into(), Vendor::named("voximplant"));
        add(&mut c, &ev(EventKind::Answered, "Call.Connected", time));
        let s = c.finish();
        assert_eq!(s.outcome, Outcome::InProgress, "{time:?}");
        assert_eq!(s.anomalies, ["no terminal event"]);
    }
}

#[test]
fn an_unanswered_call_reporting_no_duration_is_no_anomaly() {
    let mut c = Call::new("c".into(), Vendor::named("voximplant"));
    add(
        &mut c,
        &ev(EventKind::Started, "Application.CallAlerting", Some(0)),
    );
    let mut end = ev(EventKind::Ended, "Call.Disconnected", Some(20_000));
    end.details
        .push("duration_ms", crate::event::Detail::Int(0));
    add(&mut c, &end);
    let s = c.finish();
    assert_eq!(
        (s.outcome, s.reported_total_ms),
        (Outcome::NoAnswer, Some(0))
    );
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
}
