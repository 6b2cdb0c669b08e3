//! The calls `callev trigger voximplant` makes: VoxEngine `CallEvents` as a scenario sends them
//! with `Net.httpRequest(url, {method: "POST", postData: JSON.stringify(e)})` (the `call` object
//! as `JSON.stringify` gives it: its id). The events carry no times of their own: a capture's
//! receive times (`callev listen`, `--to`), or a log's, place them; talk is `Disconnected`'s
//! `duration` (seconds). Fields follow the VoxEngine typings v13
//! (<https://voximplant.com/docs/references/voxengine/callevents>).

use serde_json::{json, Value};

use crate::formats::scenario::{Made, Plan, Scenario, Trigger};

pub(crate) static TRIGGER: Trigger = Trigger {
    scenarios: &[
        Scenario {
            name: "answered",
            what: "inbound: Application.CallAlerting, the scenario answers (Connected); outbound: callPSTN rings and is answered; Disconnected with its duration",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "busy",
            what: "callPSTN: Call.Failed 486 Busy Here",
            outcome: [None, Some("busy")],
        },
        Scenario {
            name: "no-answer",
            what: "callPSTN rings, then Call.Failed 408 Request Timeout",
            outcome: [None, Some("no_answer")],
        },
        Scenario {
            name: "rejected",
            what: "callPSTN rings, then Call.Failed 603 Decline",
            outcome: [None, Some("rejected")],
        },
        Scenario {
            name: "failed",
            what: "callPSTN to a number that does not exist: Call.Failed 404 Not Found",
            outcome: [None, Some("failed")],
        },
        Scenario {
            name: "caller-hangup",
            what: "callPSTN rings and the scenario hangs up first: Call.Failed 487 Request Terminated",
            outcome: [None, Some("cancelled")],
        },
        Scenario {
            name: "transfer",
            what: "answered, then transferred: Call.TransferComplete (role transferor), Disconnected",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "hold",
            what: "answered, put on hold for a quarter of the talk (OnHold, OffHold)",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "dtmf",
            what: "answered; the caller presses four digits (ToneReceived)",
            outcome: [Some("answered"), Some("answered")],
        },
        Scenario {
            name: "recorded",
            what: "answered and recorded: RecordStarted, Disconnected, then RecordStopped with the recording's duration and cost",
            outcome: [Some("answered"), Some("answered")],
        },
    ],
    make,
};

fn make(p: &Plan<'_>) -> Vec<Made> {
    let id = p.ids.hex(32).to_ascii_uppercase();
    let event = |name: &str, at: i64, own: Value| -> Made {
        Made::of(at, json!({"name": name, "id": id, "call": {"id": id}}), own)
    };
    let inbound = p.inbound();
    let (start, answered, end) = (p.start, p.answered_at(), p.hung_up_at());
    let mut out = Vec::new();
    if inbound {
        let mut alerting = event(
            "Application.CallAlerting",
            start,
            json!({
                "callerid": p.from.trim_start_matches('+'),
                "destination": p.to.trim_start_matches('+'),
                "displayName": "",
                "headers": {},
            }),
        );
        // AppEvents carry no `call` object.
        if let Value::Object(m) = &mut alerting.body {
            m.remove("call");
        }
        out.push(alerting);
    } else {
        out.push(event(
            "Call.Ringing",
            start + 800.min(p.ring_ms / 2),
            json!({"headers": {}}),
        ));
    }
    let failed = |code: u16, reason: &str| {
        event(
            "Call.Failed",
            start + p.ring_ms,
            json!({"code": code, "reason": reason, "headers": {}}),
        )
    };
    match p.scenario {
        "busy" => {
            out.clear();
            out.push(event(
                "Call.Failed",
                start + p.ring_ms.min(2_000),
                json!({"code": 486, "reason": "Busy Here", "headers": {}}),
            ));
            return out;
        }
        "no-answer" => {
            out.push(failed(408, "Request Timeout"));
            return out;
        }
        "rejected" => {
            out.push(failed(603, "Decline"));
            return out;
        }
        "failed" => {
            out.clear();
            out.push(event(
                "Call.Failed",
                start + 600,
                json!({"code": 404, "reason": "Not Found", "headers": {}}),
            ));
            return out;
        }
        "caller-hangup" => {
            out.push(failed(487, "Request Terminated"));
            return out;
        }
        _ => {}
    }
    out.push(event("Call.Connected", answered, json!({"headers": {}})));
    let talk = |from: i64| answered + (end - answered) * from / 4;
    match p.scenario {
        "hold" => {
            out.push(event("Call.OnHold", talk(1), json!({})));
            out.push(event("Call.OffHold", talk(2), json!({})));
        }
        "dtmf" => {
            for (i, d) in p.ids.digits(4).chars().enumerate() {
                let at = (answered + 2_000 + 600 * i as i64).min(end - 1);
                out.push(event(
                    "Call.ToneReceived",
                    at,
                    json!({"tone": d.to_string()}),
                ));
            }
        }
        "transfer" => out.push(event(
            "Call.TransferComplete",
            talk(2),
            json!({"role": "transferor", "headers": {}}),
        )),
        _ => {}
    }
    let url = format!("https://storage.example.test/records/{}.mp3", p.ids.hex(16));
    if p.scenario == "recorded" {
        out.push(event(
            "Call.RecordStarted",
            answered + 200.min(p.talk_ms / 4),
            json!({"url": url}),
        ));
    }
    let seconds = (p.talk_ms as f64 / 1000.0).round() as i64;
    out.push(event(
        "Call.Disconnected",
        end,
        json!({
            "cost": 0.0014 * (seconds as f64 / 60.0).ceil(),
            "direction": if inbound { "incoming" } else { "pstn-out" },
            "duration": seconds,
            "internalCode": 200,
            "reason": "Normal call clearing",
            "headers": {},
        }),
    ));
    if p.scenario == "recorded" {
        out.push(event(
            "Call.RecordStopped",
            end + 300,
            json!({"url": url, "duration": (seconds - 1).max(0), "cost": "0.0010", "reason": "call ended"}),
        ));
    }
    out
}
