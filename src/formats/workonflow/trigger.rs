//! The calls `callev trigger workonflow` makes: the documented call events (`call.started` …
//! `call.ended` with `dialogDuration` and `callDuration`, "Call events" in Workonflow's bot
//! documentation), and a call of the later revision (`Call.created` with `createdAt`, members by
//! `userId` and `phone`, `answered` on `Call.Member.Invite.ended`). The events say no direction
//! and carry no times of their own but `createdAt`: talk and total come from the durations.

use serde_json::{json, Value};

use crate::formats::scenario::{merged, Made, Plan, Scenario, Trigger};

pub(crate) static TRIGGER: Trigger = Trigger {
    scenarios: &[
        Scenario {
            name: "answered",
            what: "call.started, two members invited, one removed, call.ended with dialogDuration and callDuration",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "no-answer",
            what: "the member invited never joins: call.ended with dialogDuration 0",
            outcome: [Some("no_answer"), None],
        },
        Scenario {
            name: "transfer",
            what: "answered; the member hands the call on: a third member invited, the first removed",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "hold",
            what: "answered, paused for a quarter of the talk (call.on.paused, call.off.paused)",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "dtmf",
            what: "answered; three digits (call.emit.dtmf with dtmfNumber)",
            outcome: [Some("answered"), None],
        },
        Scenario {
            name: "revision-2018",
            what: "the later revision: Call.created with createdAt, Call.Member.invited, Call.Member.Invite.ended answered, held and unheld, Call.Member.leaved, Call.ended",
            outcome: [Some("answered"), None],
        },
    ],
    make,
};

/// A MongoDB ObjectId, as Workonflow's ids are.
fn object_id(p: &Plan<'_>) -> String {
    p.ids.hex(24)
}

fn make(p: &Plan<'_>) -> Vec<Made> {
    if p.scenario == "revision-2018" {
        return revision_2018(p);
    }
    let thread = object_id(p);
    let call = p.ids.uuid();
    let event = |name: &str, at: i64, own: Value| -> Made {
        Made::of(
            at,
            json!({"eventType": name, "threadId": thread, "callId": call}),
            own,
        )
    };
    let (agent, other, third) = (object_id(p), object_id(p), object_id(p));
    let (start, answered, end) = (p.start, p.answered_at(), p.hung_up_at());
    let mut out = vec![
        event("call.started", start, json!({})),
        event("call.user.invited", start + 50, json!({"contactId": agent})),
    ];
    if p.scenario == "no-answer" {
        out.push(event(
            "call.user.removed",
            start + p.ring_ms,
            json!({"contactId": agent}),
        ));
        out.push(event(
            "call.ended",
            start + p.ring_ms + 50,
            json!({"dialogDuration": 0, "callDuration": p.ring_ms}),
        ));
        return out;
    }
    out.push(event(
        "call.user.invited",
        answered,
        json!({"contactId": other}),
    ));
    let quarter = |n: i64| answered + (end - answered) * n / 4;
    match p.scenario {
        "hold" => {
            out.push(event("call.on.paused", quarter(1), json!({})));
            out.push(event("call.off.paused", quarter(2), json!({})));
        }
        "dtmf" => {
            for (i, d) in p.ids.digits(3).chars().enumerate() {
                out.push(event(
                    "call.emit.dtmf",
                    (answered + 1_500 + 500 * i as i64).min(end - 1),
                    json!({"dtmfNumber": d.to_string()}),
                ));
            }
        }
        "transfer" => {
            out.push(event(
                "call.user.invited",
                quarter(2),
                json!({"contactId": third}),
            ));
            out.push(event(
                "call.user.removed",
                quarter(2) + 500,
                json!({"contactId": agent}),
            ));
        }
        _ => {}
    }
    out.push(event("call.user.removed", end, json!({"contactId": other})));
    out.push(event(
        "call.ended",
        end + 50,
        json!({"dialogDuration": p.talk_ms, "callDuration": end - start}),
    ));
    out
}

/// The later revision's call: a thread's call, its member by `userId` and `phone`.
fn revision_2018(p: &Plan<'_>) -> Vec<Made> {
    let (team, stream, thread) = (object_id(p), object_id(p), object_id(p));
    let (user, member) = (object_id(p), object_id(p));
    let event = |name: &str, at: i64, own: Value| -> Made {
        Made::of(
            at,
            json!({"eventType": name, "teamId": team, "streamId": stream, "threadId": thread}),
            own,
        )
    };
    let member_of = |extra: Value| merged(json!({"userId": member, "phone": p.to}), extra);
    let (start, answered, end) = (p.start, p.answered_at(), p.hung_up_at());
    let quarter = |n: i64| answered + (end - answered) * n / 4;
    vec![
        event(
            "Call.created",
            start,
            json!({"createdAt": start, "originateUserId": user, "destinationId": member, "type": "thread"}),
        ),
        event("Call.Member.invited", start + 50, member_of(json!({}))),
        event(
            "Call.Member.Invite.ended",
            answered,
            member_of(json!({"answered": true})),
        ),
        event("Call.Member.held", quarter(1), member_of(json!({}))),
        event("Call.Member.unheld", quarter(2), member_of(json!({}))),
        event("Call.Member.leaved", end, member_of(json!({}))),
        event("Call.ended", end + 50, json!({})),
    ]
}
