//! The calls `callev trigger bandwidth` makes: Voice API v2 callbacks as Bandwidth sends them
//! ("Voice API v2: callbacks", <https://dev.bandwidth.com/docs/voice/webhooks/>), and two
//! Catapult v1 callback calls. An inbound call is answered by the app's BXML (v2 sends no
//! `answer` for it; `answerTime` shows on what follows); an outbound call's first callback is
//! its `answer`, or, unanswered, its `disconnect` alone.

use serde_json::{json, Map, Value};

use crate::formats::scenario::{iso, Made, Plan, Scenario, Trigger};

pub(crate) static TRIGGER: Trigger = Trigger {
    scenarios: &[
        Scenario {
            name: "answered",
            what: "answered, the parties talk, the caller hangs up (cause hangup)",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "busy",
            what: "the callee is busy (cause busy)",
            outcome: [None, Some("busy")],
        },
        Scenario {
            name: "no-answer",
            what: "nobody answers before the call times out (cause timeout)",
            outcome: [None, Some("no_answer")],
        },
        Scenario {
            name: "rejected",
            what: "the callee rejects the call (cause rejected)",
            outcome: [None, Some("rejected")],
        },
        Scenario {
            name: "failed",
            what: "the call fails: the app's callback URL could not be reached (cause callback-error, with errorMessage and errorId)",
            outcome: [Some("failed"), Some("failed")],
        },
        Scenario {
            name: "caller-hangup",
            what: "inbound: the caller hangs up before the app answers (cause hangup, no answerTime); outbound: the app cancels while it rings (cause cancel)",
            outcome: [Some("no_answer"), Some("cancelled")],
        },
        Scenario {
            name: "transfer",
            what: "answered, then <Transfer> to a third number: transferAnswer and transferDisconnect on the B-leg, transferComplete and disconnect on the A-leg",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "dtmf",
            what: "answered; the caller presses digits (dtmf events) and a <Gather> collects them",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "machine-detection",
            what: "an outbound call answered by a machine: machineDetectionComplete (answering-machine), then the app hangs up",
            outcome: [None, Some("answered")],
        },
        Scenario {
            name: "recording",
            what: "answered and recorded: recordComplete after the recording, recordingAvailable after the disconnect",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "v1-answered",
            what: "Catapult v1 callbacks: incomingcall, answer, hangup (NORMAL_CLEARING)",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "v1-busy",
            what: "Catapult v1 callbacks: incomingcall, hangup (USER_BUSY)",
            outcome: [Some("busy"), None],
        },
    ],
    make,
};

fn make(p: &Plan<'_>) -> Vec<Made> {
    if let Some(v1) = p.scenario.strip_prefix("v1-") {
        return make_v1(p, v1);
    }
    let account = format!("99{}", p.ids.digits(5));
    let app = p.ids.uuid();
    let call = format!("c-{}", p.ids.uuid());
    let call_url =
        |id: &str| format!("https://voice.bandwidth.com/api/v2/accounts/{account}/calls/{id}");
    let direction = if p.inbound() { "inbound" } else { "outbound" };
    let start = p.start;
    let answered = p.answered_at();
    let end = p.hung_up_at();
    // The fields every call event of this call carries, then the event's own.
    let event = |name: &str, at: i64, answer: bool, own: Value| -> Made {
        let mut m = Map::new();
        m.insert("eventType".into(), name.into());
        m.insert("eventTime".into(), iso(at).into());
        m.insert("accountId".into(), account.clone().into());
        m.insert("applicationId".into(), app.clone().into());
        m.insert("from".into(), p.from.clone().into());
        m.insert("to".into(), p.to.clone().into());
        m.insert("direction".into(), direction.into());
        m.insert("callId".into(), call.clone().into());
        m.insert("callUrl".into(), call_url(&call).into());
        m.insert("startTime".into(), iso(start).into());
        if answer {
            m.insert("answerTime".into(), iso(answered).into());
        }
        Made::of(at, Value::Object(m), own)
    };
    let mut out = Vec::new();
    if p.inbound() {
        out.push(event("initiate", start + 12, false, json!({})));
    } else if matches!(
        p.scenario,
        "answered" | "transfer" | "dtmf" | "recording" | "machine-detection"
    ) {
        out.push(event("answer", answered + 10, true, json!({})));
    }
    let disconnect = |at: i64, answer: bool, cause: &str| {
        let mut own = json!({"endTime": iso(at), "cause": cause});
        if !matches!(cause, "hangup" | "busy" | "timeout" | "cancel" | "rejected") {
            own["errorMessage"] = "The callback could not be delivered to the application".into();
            own["errorId"] = p.ids.uuid().into();
        }
        event("disconnect", at + 20, answer, own)
    };
    match p.scenario {
        "busy" => out.push(disconnect(start + p.ring_ms.min(2_000), false, "busy")),
        "no-answer" => out.push(disconnect(start + p.ring_ms, false, "timeout")),
        "rejected" => out.push(disconnect(start + p.ring_ms, false, "rejected")),
        "caller-hangup" => out.push(disconnect(
            start + p.ring_ms,
            false,
            if p.inbound() { "hangup" } else { "cancel" },
        )),
        "failed" => out.push(disconnect(start + 1_500, false, "callback-error")),
        "dtmf" => {
            let digits = p.ids.digits(4);
            for (i, d) in digits.chars().enumerate() {
                let at = answered + 3_000 + 700 * i as i64;
                out.push(event(
                    "dtmf",
                    at.min(end - 1),
                    true,
                    json!({"digit": d.to_string()}),
                ));
            }
            let gathered = answered + 3_000 + 700 * digits.len() as i64;
            out.push(event(
                "gather",
                gathered.min(end - 1),
                true,
                json!({"digits": digits, "terminatingDigit": "#"}),
            ));
            out.push(disconnect(end, true, "hangup"));
        }
        "machine-detection" => {
            out.push(event(
                "machineDetectionComplete",
                answered + 4_000.min(p.talk_ms / 2),
                true,
                json!({"machineDetectionResult": {"value": "answering-machine", "duration": "PT4S"}}),
            ));
            out.push(disconnect(end, true, "hangup"));
        }
        "recording" => {
            let rec = format!("r-{}", p.ids.uuid());
            let rec_start = answered + 1_000.min(p.talk_ms / 4);
            let rec_end = end - 1_000.min(p.talk_ms / 4);
            let media = format!("{}/recordings/{rec}/media", call_url(&call));
            let recording = |status: Option<&str>| {
                let mut r = json!({
                    "recordingId": rec, "mediaUrl": media,
                    "duration": format!("PT{:.1}S", (rec_end - rec_start) as f64 / 1000.0),
                    "channels": 1, "fileFormat": "wav", "endTime": iso(rec_end),
                    "startTime": iso(rec_start),
                });
                if let Some(s) = status {
                    r["status"] = s.into();
                }
                r
            };
            out.push(event("recordComplete", rec_end + 40, true, recording(None)));
            out.push(disconnect(end, true, "hangup"));
            let mut available = event(
                "recordingAvailable",
                end + 2_500,
                false,
                recording(Some("complete")),
            );
            // Recording events carry the recording's times, not the call's.
            available.body["startTime"] = iso(rec_start).into();
            out.push(available);
        }
        "transfer" => {
            // The A-leg talks for a third of the time, then the B-leg takes the rest.
            let b_call = format!("c-{}", p.ids.uuid());
            let third = p.to.clone();
            let transfer_to = format!("+1{}5550{}", 2 + p.ids.next() % 8, 150 + p.ids.next() % 50);
            let b_start = answered + p.talk_ms / 3;
            let b_answer = b_start + 3_000.min(p.talk_ms / 6);
            let b_leg = |name: &str, at: i64, own: Value| -> Made {
                let mut m = event(name, at, true, own);
                m.body["direction"] = "outbound".into();
                m.body["callId"] = b_call.clone().into();
                m.body["callUrl"] = call_url(&b_call).into();
                m.body["startTime"] = iso(b_start).into();
                m.body["answerTime"] = iso(b_answer).into();
                m.body["parentCallId"] = call.clone().into();
                m.body["transferCallerId"] = third.clone().into();
                m.body["transferTo"] = transfer_to.clone().into();
                m
            };
            out.push(b_leg("transferAnswer", b_answer + 10, json!({})));
            out.push(b_leg(
                "transferDisconnect",
                end + 5,
                json!({"endTime": iso(end), "cause": "hangup"}),
            ));
            out.push(event(
                "transferComplete",
                end + 10,
                true,
                json!({"transferCallerId": third, "transferTo": transfer_to, "cause": "hangup"}),
            ));
            out.push(disconnect(end, true, "hangup"));
        }
        _ => out.push(disconnect(end, true, "hangup")),
    }
    out.sort_by_key(|m| m.at);
    out
}

/// Catapult v1 callbacks: `incomingcall`, then `answer` and `hangup`.
fn make_v1(p: &Plan<'_>, scenario: &str) -> Vec<Made> {
    let user = format!("u-{}", p.ids.hex(12));
    let call = format!("c-{}", p.ids.hex(26));
    let uri = format!("https://api.catapult.inetwork.com/v1/users/{user}/calls/{call}");
    let event = |name: &str, at: i64, own: Value| -> Made {
        Made::of(
            at,
            json!({
                "eventType": name, "callId": call, "callUri": uri,
                "from": p.from, "to": p.to, "callState": "active", "time": iso(at),
            }),
            own,
        )
    };
    let mut out = vec![event("incomingcall", p.start, json!({}))];
    match scenario {
        "busy" => out.push(event(
            "hangup",
            p.start + p.ring_ms.min(2_000),
            json!({"callState": "completed", "cause": "USER_BUSY"}),
        )),
        _ => {
            out.push(event("answer", p.answered_at(), json!({})));
            out.push(event(
                "hangup",
                p.hung_up_at(),
                json!({"callState": "completed", "cause": "NORMAL_CLEARING"}),
            ));
        }
    }
    out
}
