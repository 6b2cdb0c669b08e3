//! `callev trigger`: calls made up in a vendor's own format, as the vendor would send them. What
//! is common lives here: the ask (`Ask`: scenario, direction, ring and talk, numbers, start,
//! seed), the plan one call is made from (`Plan`, with its seeded ids), and printing or sending
//! what was made. Each vendor's scenarios live with its format and are reached through its
//! descriptor (`Descriptor::trigger`); every scenario says the outcome `callev summary` gives
//! the call it makes, and a test holds every vendor's every scenario to it.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use serde_json::Value;

use crate::config::Settings;
use crate::exit::usage;
use crate::formats::{Descriptor, LIST};
use crate::time::Millis;

/// Who placed the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Direction {
    /// A caller outside calls in
    Inbound,
    /// The vendor's user or app calls out
    Outbound,
}

/// The scenarios a vendor makes, and how.
pub(crate) struct Trigger {
    /// Name, what happens, and the outcome `callev summary` gives.
    pub(crate) scenarios: &'static [Scenario],
    /// The payloads of one call, in the order the vendor sends them.
    pub(crate) make: fn(&Plan<'_>) -> Vec<Made>,
}

/// A scenario a vendor can express.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) what: &'static str,
    /// The outcome the call has (`callev summary`), inbound and outbound; `None` where the
    /// vendor cannot place such a call in that direction.
    pub(crate) outcome: [Option<&'static str>; 2],
}

/// The names every vendor that can express them uses alike.
pub(crate) const COMMON: [&str; 9] = [
    "answered",
    "busy",
    "no-answer",
    "rejected",
    "failed",
    "caller-hangup",
    "transfer",
    "hold",
    "dtmf",
];

/// One payload: when the vendor sends it, and its JSON.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    pub(crate) at: Millis,
    pub(crate) body: Value,
}

/// Ids and numbers from a seed: the same seed, the same call.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    state: std::cell::Cell<u64>,
}

impl Ids {
    pub(crate) fn new(seed: u64) -> Ids {
        Ids {
            state: std::cell::Cell::new(seed ^ 0x9e37_79b9_7f4a_7c15),
        }
    }

    /// The next 64 random bits (splitmix64).
    pub(crate) fn next(&self) -> u64 {
        let s = self.state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.state.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` lower-case hex digits.
    pub(crate) fn hex(&self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(n);
        s
    }

    /// A version-4 UUID.
    pub(crate) fn uuid(&self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-{}{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            ["8", "9", "a", "b"][(self.next() % 4) as usize],
            &h[17..20],
            &h[20..32]
        )
    }

    /// `n` decimal digits.
    pub(crate) fn digits(&self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }

    /// A fictional North American number: +1 NXX 555-01XX.
    pub(crate) fn number(&self) -> String {
        format!(
            "+1{}{}5550{}",
            2 + self.next() % 8,
            self.digits(2),
            100 + self.next() % 100
        )
    }
}

/// One call to make.
pub(crate) struct Plan<'a> {
    pub(crate) scenario: &'a str,
    pub(crate) direction: Direction,
    /// When the call begins (its first event).
    pub(crate) start: Millis,
    pub(crate) ring_ms: i64,
    pub(crate) talk_ms: i64,
    /// The caller's and the callee's numbers.
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) ids: &'a Ids,
}

impl Plan<'_> {
    pub(crate) fn inbound(&self) -> bool {
        self.direction == Direction::Inbound
    }

    /// When it is answered (for scenarios that are).
    pub(crate) fn answered_at(&self) -> Millis {
        self.start + self.ring_ms
    }

    /// When an answered call ends.
    pub(crate) fn hung_up_at(&self) -> Millis {
        self.answered_at() + self.talk_ms
    }
}

/// RFC 3339 in UTC with milliseconds, as the vendors write times.
pub(crate) fn iso(ms: Millis) -> String {
    crate::timefmt::rfc3339(ms)
}

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
                        call: Arc::clone(&id),
                        vendor: call.vendor,
                        event: event_name(&m.body),
                        source: Arc::clone(&source),
                        line,
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
    let Some(first) = call.events.first() else {
        return String::new();
    };
    let body = first.body.get("data").unwrap_or(&first.body);
    ["callId", "call_id", "callid", "id", "threadId"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .or_else(|| {
            body.get("call")
                .and_then(|c| c.get("id"))
                .and_then(Value::as_str)
        })
        .unwrap_or_default()
        .to_owned()
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
