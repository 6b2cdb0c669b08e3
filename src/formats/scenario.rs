//! What a vendor's made-up calls are made of (`callev trigger`): the scenarios a format
//! declares (`Trigger`, `Scenario`), the plan one call is made from (`Plan`, with its seeded
//! `Ids`) and the payloads it gives (`Made`). Each format's `trigger.rs` fills them in; the
//! command (`src/trigger.rs`) asks, prints and sends.

use serde_json::Value;

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

impl Made {
    /// A payload sent at `at`: the fields every event of its call carries, then the event's own.
    pub(crate) fn of(at: Millis, common: Value, own: Value) -> Made {
        Made {
            at,
            body: merged(common, own),
        }
    }
}

/// An object with another's fields added (replacing those of the same name).
pub(crate) fn merged(mut base: Value, more: Value) -> Value {
    if let (Value::Object(m), Value::Object(more)) = (&mut base, more) {
        m.extend(more);
    }
    base
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
