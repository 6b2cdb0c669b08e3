//! The calls `callev trigger xelion` makes: `CallEvent` notifications as the WebSocket frames an
//! administrator's connection receives (`{notificationType, notification}`, Xelion's "CallEvent"
//! notification object). `date` is when the call was initiated, the same on every event, and
//! `duration` (seconds, as text) comes only on `callHungUpEvent`: frames carry no other time.
//! Inbound, an outside number calls an internal user; outbound, the user calls out.

use serde_json::{json, Value};

use crate::formats::scenario::{Made, Plan, Scenario, Trigger};

pub(crate) static TRIGGER: Trigger = Trigger {
    scenarios: &[
        Scenario {
            name: "answered",
            what: "newCallEvent, callConnectedEvent, callHungUpEvent with the call's duration",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "no-answer",
            what: "nobody picks up: newCallEvent, missedCallEvent, callHungUpEvent with duration 0",
            outcome: [Some("missed"), Some("missed")],
        },
        Scenario {
            name: "line-hunting",
            what: "the call rings two users; one answers, the other's channel is hung up (channelHungUpEvent)",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "transfer",
            what: "the document's attended transfer: customer C calls A, A calls B (its hang-up sent twice), A transfers C to B",
            outcome: [Some("answered"), None],
        },
    ],
    make,
};

/// One side of a call: a user's extension and ids, or an outside number.
struct Side {
    number: String,
    user: Option<(String, String, String)>,
    flow: String,
    log: String,
}

fn user(p: &Plan<'_>, ext: &str) -> Side {
    Side {
        number: ext.to_owned(),
        user: Some((p.ids.digits(7), p.ids.digits(8), p.ids.digits(8))),
        flow: p.ids.hex(32),
        log: p.ids.digits(8),
    }
}

fn outside(p: &Plan<'_>, number: &str) -> Side {
    Side {
        number: number.to_owned(),
        user: None,
        flow: p.ids.hex(32),
        log: p.ids.digits(8),
    }
}

/// The notification's fields for a call between `caller` and `callee`.
fn notification(date: &str, call: &str, caller: &Side, callee: &Side) -> Value {
    let mut n = json!({"initiation": "DIAL", "date": date, "callId": call});
    for (role, side) in [("callee", callee), ("caller", caller)] {
        n[format!("{role}FlowId")] = side.flow.clone().into();
        n[format!("{role}PhoneNumber")] = side.number.clone().into();
        n[format!("{role}CallLogOid")] = side.log.clone().into();
        if let Some((u, ua, a)) = &side.user {
            n[format!("{role}User")] = u.clone().into();
            n[format!("{role}UserAddressable")] = ua.clone().into();
            n[format!("{role}Addressable")] = a.clone().into();
        }
    }
    n
}

fn frame(kind: &str, at: i64, notification: Value) -> Made {
    Made {
        at,
        body: json!({"notificationType": kind, "notification": notification}),
    }
}

/// Xelion's `date`: local time without a zone, read as UTC unless `--source-tz` says otherwise.
fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn make(p: &Plan<'_>) -> Vec<Made> {
    // Xelion's dates are whole seconds.
    let start = p.start - p.start.rem_euclid(1000);
    let call = p.ids.hex(16);
    let (caller, callee) = if p.inbound() {
        (
            outside(p, &p.from),
            user(p, &format!("2{}", p.ids.digits(2))),
        )
    } else {
        (user(p, &format!("2{}", p.ids.digits(2))), outside(p, &p.to))
    };
    let d = date(start);
    let n = notification(&d, &call, &caller, &callee);
    let seconds = |ms: i64| ((ms as f64) / 1000.0).round() as i64;
    let hung_up = |at: i64, n: &Value, secs: i64| {
        let mut n = n.clone();
        n["duration"] = secs.to_string().into();
        frame("callHungUpEvent", at, n)
    };
    let (answered, end) = (start + p.ring_ms, start + p.ring_ms + p.talk_ms);
    match p.scenario {
        "no-answer" => vec![
            frame("newCallEvent", start, n.clone()),
            frame("missedCallEvent", start + p.ring_ms, n.clone()),
            hung_up(start + p.ring_ms + 20, &n, 0),
        ],
        "line-hunting" => {
            let other = user(p, &format!("2{}", p.ids.digits(2)));
            // The other user's channel: only the side still there is filled.
            let mut channel = json!({"initiation": "DIAL", "date": d, "callId": call,
                "calleeFlowId": other.flow, "callerFlowId": caller.flow,
                "callerPhoneNumber": caller.number, "callerCallLogOid": caller.log});
            channel["calleeFlowId"] = other.flow.clone().into();
            vec![
                frame("newCallEvent", start, n.clone()),
                frame("channelHungUpEvent", answered - 10, channel),
                frame("callConnectedEvent", answered, n.clone()),
                hung_up(end, &n, seconds(end - start)),
            ]
        }
        "transfer" => {
            // C calls A; A calls B; A transfers C to B.
            let a = callee;
            let b = user(p, &format!("2{}", p.ids.digits(2)));
            let (ab_call, cb_call) = (p.ids.hex(16), p.ids.hex(16));
            let consult = start + p.ring_ms + p.talk_ms / 3;
            let ab = notification(&date(consult), &ab_call, &a, &b);
            let handed = consult + p.talk_ms / 6;
            let cb = notification(&date(handed), &cb_call, &caller, &b);
            vec![
                frame("newCallEvent", start, n.clone()),
                frame("callConnectedEvent", answered, n.clone()),
                frame("newCallEvent", consult, ab.clone()),
                frame("callConnectedEvent", consult + 3_000, ab.clone()),
                hung_up(handed, &n, seconds(handed - start)),
                hung_up(handed + 5, &ab, seconds(handed - consult)),
                hung_up(handed + 10, &ab, seconds(handed - consult)),
                frame("newCallEvent", handed + 20, cb.clone()),
                frame("callConnectedEvent", handed + 40, cb.clone()),
                hung_up(end, &cb, seconds(end - handed)),
            ]
        }
        _ => vec![
            frame("newCallEvent", start, n.clone()),
            frame("callConnectedEvent", answered, n.clone()),
            hung_up(end, &n, seconds(end - start)),
        ],
    }
}
