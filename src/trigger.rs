//! `callev trigger`: calls made up in a vendor's own format, as the vendor would send them: the
//! ask (`Ask`: scenario, direction, ring and talk, numbers, start, seed), making the calls, and
//! printing or sending them. Each vendor's scenarios live with its format and are reached
//! through its descriptor (`Descriptor::trigger`, types in `formats/scenario.rs`); every scenario
//! says the outcome `callev summary` gives the call it makes, and a test holds every vendor's
//! every scenario to it.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use serde_json::Value;

use crate::config::Settings;
use crate::exit::usage;
pub(crate) use crate::formats::scenario::Direction;
use crate::formats::scenario::{Ids, Made, Plan, COMMON};
use crate::formats::{Descriptor, LIST};
use crate::time::Millis;

/// What the command line asks for, checked.
pub(crate) struct Ask {
    vendor: &'static Descriptor,
    scenario: &'static str,
    direction: Direction,
    count: u32,
    ring_ms: i64,
    talk_ms: i64,
    from: Option<String>,
    to: Option<String>,
    at: Millis,
    seed: u64,
}

impl Ask {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn resolve(
        vendor: &str,
        scenario: &str,
        direction: Option<Direction>,
        count: u32,
        (ring, talk): (&str, &str),
        (from, to): (Option<String>, Option<String>),
        at: Option<&str>,
        seed: Option<u64>,
    ) -> Result<Ask> {
        let Some(d) = LIST.iter().copied().find(|d| d.id == vendor) else {
            let ids: Vec<&str> = LIST.iter().map(|d| d.id).collect();
            return Err(usage(format!(
                "trigger: no vendor {vendor:?}; the vendors are {}",
                ids.join(", ")
            )));
        };
        let Some(t) = d.trigger else {
            return Err(usage(format!("trigger: {vendor} has no scenarios yet")));
        };
        let Some(s) = t.scenarios.iter().find(|s| s.name == scenario) else {
            let names: Vec<&str> = t.scenarios.iter().map(|s| s.name).collect();
            let why = if COMMON.contains(&scenario) {
                format!("{vendor}'s events cannot express {scenario}")
            } else {
                format!("no scenario {scenario:?}")
            };
            return Err(usage(format!(
                "trigger {vendor}: {why}; {vendor} makes {} (callev trigger --list)",
                names.join(", ")
            )));
        };
        // The scenario's first direction unless one is asked for.
        let direction = match (direction, s.outcome) {
            (Some(d), _) => d,
            (None, [Some(_), _]) => Direction::Inbound,
            (None, _) => Direction::Outbound,
        };
        if s.outcome[direction as usize].is_none() {
            return Err(usage(format!(
                "trigger {vendor} {scenario}: {vendor} makes it only {} (--direction {})",
                if direction == Direction::Inbound {
                    "outbound"
                } else {
                    "inbound"
                },
                if direction == Direction::Inbound {
                    "outbound"
                } else {
                    "inbound"
                },
            )));
        }
        if count == 0 || count > 1_000_000 {
            return Err(usage(format!("--count {count}: expected 1 to 1000000")));
        }
        let ms = |flag: &str, text: &str| -> Result<i64> {
            Ok(crate::http::parse_duration(flag, text)?.as_millis() as i64)
        };
        let at = match at {
            None => chrono::Utc::now().timestamp_millis(),
            Some(text) => crate::time::parse_iso(text, 0).ok_or_else(|| {
                usage(format!(
                    "--at {text:?}: expected RFC 3339 (2026-11-21T10:00:00Z) or a date"
                ))
            })?,
        };
        Ok(Ask {
            vendor: d,
            scenario: s.name,
            direction,
            count,
            ring_ms: ms("--ring", ring)?,
            talk_ms: ms("--talk", talk)?,
            from,
            to,
            at,
            seed: seed
                .unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64),
        })
    }
}

/// A made call: its vendor's id, its payloads in order.
pub(crate) struct Call {
    pub(crate) vendor: &'static str,
    pub(crate) events: Vec<Made>,
}

/// The calls asked for, one after another (each starts when the one before ended, plus a gap).
pub(crate) fn make(ask: &Ask) -> Vec<Call> {
    let ids = Ids::new(ask.seed);
    let make = ask.vendor.trigger.expect("resolved with a trigger").make;
    let mut start = ask.at;
    (0..ask.count)
        .map(|_| {
            let plan = Plan {
                scenario: ask.scenario,
                direction: ask.direction,
                start,
                ring_ms: ask.ring_ms,
                talk_ms: ask.talk_ms,
                from: ask.from.clone().unwrap_or_else(|| ids.number()),
                to: ask.to.clone().unwrap_or_else(|| ids.number()),
                ids: &ids,
            };
            let events = make(&plan);
            let end = events.iter().map(|m| m.at).max().unwrap_or(start);
            start = end + 1_000 + (ids.next() % 30_000) as i64;
            Call {
                vendor: ask.vendor.id,
                events,
            }
        })
        .collect()
}

/// The payloads as NDJSON, one a line, in the order they are sent.
pub(crate) fn print(calls: &[Call], out: &mut dyn Write) -> Result<()> {
    for call in calls {
        for m in &call.events {
            out.write_all(&json_bytes(&m.body))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Keys a vendor writes first: the event's name and time, then the call it names.
const FIRST: [&str; 8] = [
    "eventType",
    "notificationType",
    "name",
    "eventTime",
    "time",
    "id",
    "callId",
    "threadId",
];

/// A payload as one line of JSON, its name, time and call first (as the vendors write them;
/// the rest in name order).
pub(crate) fn json_bytes(body: &Value) -> Vec<u8> {
    let Value::Object(map) = body else {
        return serde_json::to_vec(body).unwrap_or_default();
    };
    let mut out = vec![b'{'];
    let first = FIRST.iter().filter_map(|k| map.get_key_value(*k));
    let rest = map.iter().filter(|(k, _)| !FIRST.contains(&k.as_str()));
    for (i, (k, v)) in first.chain(rest).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend(serde_json::to_vec(k).unwrap_or_default());
        out.push(b':');
        out.extend(serde_json::to_vec(v).unwrap_or_default());
    }
    out.push(b'}');
    out
}

/// The calls as requests for `send`'s delivery: each payload POSTed as JSON at its time.
pub(crate) fn outgoing(calls: Vec<Call>) -> Vec<Vec<crate::send::Outgoing>> {
    let source: Arc<str> = Arc::from("trigger");
    let mut line = 0;
    calls
        .into_iter()
        .map(|call| {
            let id: Arc<str> = Arc::from(call_id(&call).as_str());
            call.events
                .into_iter()
                .map(|m| {
                    line += 1;
                    crate::send::Outgoing {
                        origin: crate::send::Origin {
                            // A leg of its own (a transfer's B-leg) under its own id.
                            call: id_in(&m.body).map_or_else(|| Arc::clone(&id), Arc::from),
                            vendor: call.vendor,
                            event: event_name(&m.body),
                            source: Arc::clone(&source),
                            line,
                        },
                        sent_at: Some(m.at),
                        request: Ok(crate::send::Request::json(json_bytes(&m.body))),
                    }
                })
                .collect()
        })
        .collect()
}

/// The first id-like field of a call's first payload, for the report.
fn call_id(call: &Call) -> String {
    call.events
        .first()
        .and_then(|m| id_in(&m.body))
        .unwrap_or_default()
        .to_owned()
}

/// The call a payload names: its own id field (a Xelion frame's inside its notification).
fn id_in(body: &Value) -> Option<&str> {
    let body = body.get("notification").unwrap_or(body);
    ["callId", "id", "threadId"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
}

fn event_name(body: &Value) -> String {
    ["eventType", "name", "event", "type", "notificationType"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// `callev trigger --list`: each vendor's scenarios, what they make and the outcome.
pub(crate) fn list(settings: &Settings, out: &mut dyn Write) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        vendor: &'a str,
        scenario: &'a str,
        /// The outcome of the call it makes, in each direction (null: not in that one).
        inbound: Option<&'a str>,
        outbound: Option<&'a str>,
        #[serde(skip)]
        outcome: String,
        what: &'a str,
    }
    let rows: Vec<Row> = LIST
        .iter()
        .filter_map(|d| Some((d.id, d.trigger?)))
        .flat_map(|(id, t)| {
            t.scenarios.iter().map(move |s| Row {
                vendor: id,
                scenario: s.name,
                inbound: s.outcome[0],
                outbound: s.outcome[1],
                outcome: match s.outcome {
                    [Some(i), Some(o)] if i == o => i.to_owned(),
                    [Some(i), Some(o)] => format!("{i}, out: {o}"),
                    [Some(i), None] => format!("{i}, in only"),
                    [None, Some(o)] => format!("{o}, out only"),
                    [None, None] => String::new(),
                },
                what: s.what,
            })
        })
        .collect();
    if settings.format != crate::output::Format::Table {
        let mut w = crate::output::RecordWriter::new(
            settings.format,
            &["vendor", "scenario", "inbound", "outbound", "what"],
        );
        for r in &rows {
            w.row(out, r)?;
        }
        w.finish(out)?;
        return Ok(());
    }
    let width = settings.width.unwrap_or(usize::MAX);
    let name_w = rows.iter().map(|r| r.scenario.len()).max().unwrap_or(0);
    let outcome_w = rows.iter().map(|r| r.outcome.len()).max().unwrap_or(0);
    let mut last = "";
    for r in &rows {
        if r.vendor != last {
            if !last.is_empty() {
                writeln!(out)?;
            }
            writeln!(
                out,
                "{}",
                crate::render::paint(settings.color, owo_colors::Style::new().bold(), r.vendor)
            )?;
            last = r.vendor;
        }
        let head = format!("  {:<name_w$}  {:<outcome_w$}  ", r.scenario, r.outcome);
        let room = width.saturating_sub(head.len()).max(20);
        let mut lines = textwrap::wrap(r.what, room).into_iter();
        writeln!(out, "{head}{}", lines.next().unwrap_or_default())?;
        for l in lines {
            writeln!(out, "{:width$}{l}", "", width = head.len())?;
        }
    }
    Ok(())
}
