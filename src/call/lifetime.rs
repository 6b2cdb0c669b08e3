//! How long a call is kept open: one rule for every view that follows calls (`summary`'s
//! shards, `timeline`, `events`' numbering, `browse`'s list). A call that has ended is finished
//! once `WINDOW` ticks of input have passed without news of it; its key is remembered for a
//! window or two more, so that a straggler is counted rather than taken for a new call; a start
//! after the end begins a new call under the same id (a Workonflow thread holds one call after
//! another); repeated deliveries are told by the call's `Dedupe` while it is open, and by the
//! fingerprints of finished calls' events (`Delivered`) after: the same file read twice counts
//! its calls once, however far apart the copies. Ticks are places in the
//! input's content (see `Batch::tick`), not reads, so every view takes stock at the same places
//! whether the input came from a file, a pipe or gzip.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet, VecDeque};

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

use super::alias::Aliases;
use super::call_key;
use super::dedupe::Dedupe;
use super::step::Step;
use crate::event::{Event, Twin};
use crate::time::Millis;

/// How many ticks (of about 256 KB of input) a call that has ended is kept without news of it
/// before it is finished: about 4 MB of input, far more than webhook retries or trailing
/// recording events lag. Shorter keeps fewer calls in memory (and in the processor's caches:
/// 32 made `summary` 5% slower).
pub(crate) const WINDOW: u32 = 16;

/// How often (in ticks) views look for calls to finish.
pub(crate) const SWEEP_EVERY: u32 = 8;

/// How many fingerprints of finished calls' events a generation of `Delivered` holds: two
/// generations remember the last 256 to 512 thousand events of finished calls (some 50,000 calls,
/// tens of MB of input) in about 10 MB.
const DELIVERED: usize = 1 << 18;

/// The fingerprints of finished calls' events, each mixed with its call's key, in two
/// generations: when the newer is full, the older is forgotten. Memory is bounded whatever the
/// input; a repeat further behind than the generations reach is taken for new.
#[derive(Default)]
struct Delivered {
    generations: [HashSet<u64, foldhash::fast::RandomState>; 2],
}

impl Delivered {
    /// Marks a call whose copy is arriving again.
    const REPLAYING: u64 = u64::MAX;

    fn mix(key: u64, fingerprint: u64) -> u64 {
        (key ^ fingerprint.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn insert(&mut self, key: u64, fingerprint: u64) {
        if self.generations[0].len() >= DELIVERED {
            self.generations.swap(0, 1);
            self.generations[0].clear();
        }
        self.generations[0].insert(Self::mix(key, fingerprint));
    }

    fn contains(&self, key: u64, fingerprint: u64) -> bool {
        let mixed = Self::mix(key, fingerprint);
        self.generations.iter().any(|g| g.contains(&mixed))
    }
}

/// The ticks a view counts for `WINDOW` and `SWEEP_EVERY`: batches between two ticks of the
/// input count as one.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Ticks {
    count: u32,
    /// The last batch ended at a tick: the next one begins the next.
    pending: bool,
}

impl Ticks {
    /// A batch begins: the tick it belongs to (from 1).
    pub(crate) fn begin(&mut self) -> u32 {
        if self.pending || self.count == 0 {
            self.count += 1;
            self.pending = false;
        }
        self.count
    }

    /// The batch ended, at a tick or not; whether it is time to sweep (every `SWEEP_EVERY`
    /// ticks, at the tick).
    pub(crate) fn end(&mut self, tick: bool) -> bool {
        self.pending = tick;
        tick && self.count.is_multiple_of(SWEEP_EVERY)
    }
}

/// What the lifetime reads of an arriving event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arriving<'a> {
    pub(crate) terminal: bool,
    pub(crate) new_call: bool,
    pub(crate) fingerprint: Option<u64>,
    pub(crate) twin: Option<Twin>,
    pub(crate) time: Option<Millis>,
    /// Other ids its call goes by (see `alias`).
    pub(crate) aliases: [Option<&'a str>; 2],
}

impl<'a> Arriving<'a> {
    pub(crate) fn of(e: &'a Event) -> Arriving<'a> {
        let text = |key| e.details.get(key).and_then(crate::event::Detail::as_str);
        let [thread, stream] = crate::event::ALIAS_KEYS;
        Arriving {
            terminal: e.kind.is_terminal(),
            new_call: e.new_call,
            fingerprint: e.fingerprint,
            twin: e.twin,
            time: e.time,
            aliases: if e.has_aliases() {
                [text(thread), text(stream)]
            } else {
                [None; 2]
            },
        }
    }

    pub(crate) fn of_step(s: &Step<'a>) -> Arriving<'a> {
        Arriving {
            terminal: s.kind.is_terminal(),
            new_call: s.new_call,
            fingerprint: s.fingerprint,
            twin: s.twin,
            time: s.time,
            aliases: s.aliases,
        }
    }
}

/// What a view keeps of each call it follows: at least the call's id.
pub(crate) trait CallData {
    fn id(&self) -> &str;
}

/// A call being followed: the view's data, and what its lifetime needs.
#[derive(Debug)]
pub(crate) struct Tracked<T> {
    key: u64,
    /// Where it first appeared (as the view counts): its place in the views' order.
    order: u64,
    /// The tick of its terminal event, 0 while it is open.
    ended: u32,
    /// The tick it was last heard of.
    last: u32,
    /// A new call with the same id began after it ended: it only waits for its sweep.
    superseded: bool,
    /// The latest time its events carry (none yet: `None`).
    heard: Option<Millis>,
    dedupe: Dedupe,
    pub(crate) data: T,
}

impl<T> Tracked<T> {
    pub(crate) fn order(&self) -> u64 {
        self.order
    }

    /// The `call_key` of its id (not of another id an event named it by).
    pub(crate) fn key(&self) -> u64 {
        self.key
    }
}

/// Events that arrived after their call was finished: counted, not folded into it. And the
/// calls given up: open, and silent for longer than a call lasts (`GIVE_UP_MS` of event time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Late {
    pub(crate) events: u64,
    /// Of them, repeated deliveries of events the call had (the same input read twice).
    pub(crate) replayed: u64,
    /// Calls with no end seen, finished as they stood once the input's events had moved on
    /// more than `GIVE_UP_MS` past their last one.
    pub(crate) given_up: u64,
}

/// How long after a call's last event (in the input's event time) an open call is given up:
/// a day, the longest a call's times may span before they are an anomaly. Memory then follows
/// the calls heard of within a day, not every call that never ended.
pub(crate) const GIVE_UP_MS: Millis = crate::time::LONGEST_CALL_MS;

impl std::ops::Add for Late {
    type Output = Late;
    fn add(self, other: Late) -> Late {
        Late {
            events: self.events + other.events,
            replayed: self.replayed + other.replayed,
            given_up: self.given_up + other.given_up,
        }
    }
}

impl std::iter::Sum for Late {
    fn sum<I: Iterator<Item = Late>>(iter: I) -> Late {
        iter.fold(Late::default(), |a, b| a + b)
    }
}

/// What became of an arriving event.
pub(crate) enum Arrival<'a, T> {
    /// An event of a call finished lately (within a window or two), or a repeat of an event of
    /// a call finished at any time (`repeat`): counted, not folded.
    Late { repeat: bool },
    /// An event of this call; `repeat` when it repeats one the call has had, `ends` when it is
    /// the call's first terminal event.
    Event {
        call: &'a mut Tracked<T>,
        repeat: bool,
        ends: bool,
    },
}

/// The calls a view follows, by the hash of their id (`call_key`) and then the id itself, so
/// the id is hashed once and stored once (in the view's data), and two ids with the same hash
/// are still two calls. Memory follows the calls still open (and those ended within a window),
/// not every call seen.
pub(crate) struct Lifetime<T> {
    open: HashTable<Box<Tracked<T>>>,
    /// Calls in the order they ended, with the tick, by key and order (unique to a call):
    /// sweeps look only here.
    ended: VecDeque<(u32, u64, u64)>,
    ticks: Ticks,
    /// The tick of the current batch, and the one the current window began at.
    tick: u32,
    began: u32,
    /// Keys of the calls finished in this window and the one before.
    finished: [HashSet<u64, foldhash::fast::RandomState>; 2],
    /// Events that arrived after their call was finished.
    late: u64,
    /// Of them, repeated deliveries of events the finished call had (see `Delivered`).
    replayed: u64,
    delivered: Delivered,
    /// Calls' other ids, bound as events name them.
    aliases: Aliases,
    /// The latest event time seen, and the open calls by the latest time they were heard of
    /// (one entry a call, looked at again when it comes up: see `due`).
    latest: Millis,
    quiet: BinaryHeap<Reverse<(Millis, u64, u64)>>,
    given_up: u64,
}

impl<T> Default for Lifetime<T> {
    fn default() -> Self {
        Lifetime {
            open: HashTable::new(),
            ended: VecDeque::new(),
            ticks: Ticks::default(),
            tick: 0,
            began: 0,
            finished: Default::default(),
            late: 0,
            replayed: 0,
            delivered: Delivered::default(),
            aliases: Aliases::default(),
            latest: Millis::MIN,
            quiet: BinaryHeap::new(),
            given_up: 0,
        }
    }
}

impl<T: CallData> Lifetime<T> {
    /// A batch begins: at a new tick, a window after the last, forget the calls finished a
    /// window before. Returns the tick (from 1).
    pub(crate) fn begin_batch(&mut self) -> u32 {
        let tick = self.ticks.begin();
        if tick != self.tick {
            self.tick = tick;
            if tick - self.began >= WINDOW {
                self.began = tick;
                self.finished.swap(0, 1);
                self.finished[0].clear();
            }
        }
        tick
    }

    /// The batch ended, at a tick of the input or not: whether it is time to sweep.
    pub(crate) fn end_batch(&mut self, tick: bool) -> bool {
        self.ticks.end(tick)
    }

    /// Events that arrived after their call was finished, so far.
    pub(crate) fn late(&self) -> Late {
        Late {
            events: self.late,
            replayed: self.replayed,
            given_up: self.given_up,
        }
    }

    /// The call at this order, with this key.
    pub(crate) fn get(&self, order: u64, key: u64) -> Option<&Tracked<T>> {
        self.open.find(key, |c| c.order == order).map(|c| &**c)
    }

    /// The calls followed, open or ended and not yet finished.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Tracked<T>> {
        self.open.iter().map(|c| &**c)
    }

    /// The data of every call followed.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.open.iter_mut().map(|c| &mut c.data)
    }

    /// An event of the call with this id (and its `call_key`) arrives; a new call takes
    /// `order` and the data `make` gives for its id (another than `id` when `id` is one of an
    /// open call's other names: see `alias`).
    pub(crate) fn arrive(
        &mut self,
        key: u64,
        id: &str,
        order: u64,
        e: &Arriving,
        make: impl FnOnce(&str) -> T,
    ) -> Arrival<'_, T> {
        let tick = self.tick.max(1);
        let bound = (e.aliases != [None; 2])
            .then(|| self.aliases.resolve(id, e.aliases, e.new_call))
            .flatten()
            .map(str::to_owned);
        let (key, id) = match &bound {
            Some(call) => (call_key(call), call.as_str()),
            None => (key, id),
        };
        // The table holds boxes (a call's data is large, the table's slots small).
        #[allow(clippy::borrowed_box)]
        let current = |c: &Box<Tracked<T>>| !c.superseded && c.data.id() == id;
        // A start after the call ended begins a new call with the same id (looked up again only
        // for the rare event that may: lookups are the main cost of following calls).
        if e.new_call {
            if let Some(c) = self.open.find_mut(key, current) {
                c.superseded = c.ended != 0 && !c.dedupe.has_seen(e.fingerprint);
            }
        }
        let call = match self.open.entry(key, current, |c| c.key) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(room) => {
                // A repeat of an event a finished call had: the call is not begun again, and
                // the rest of its copy (events that carry no fingerprint among them) is part of
                // the repeat, not a new call, unless a start that is new begins one.
                let replay = e
                    .fingerprint
                    .is_some_and(|fp| self.delivered.contains(key, Dedupe::placed(fp, 1)));
                if replay {
                    self.delivered.insert(key, Delivered::REPLAYING);
                }
                if replay || !e.new_call && self.delivered.contains(key, Delivered::REPLAYING) {
                    self.late += 1;
                    self.replayed += 1;
                    return Arrival::Late { repeat: true };
                }
                let finished = &self.finished;
                if !e.new_call && finished.iter().any(|f| !f.is_empty() && f.contains(&key)) {
                    self.late += 1;
                    return Arrival::Late { repeat: false };
                }
                let call = Tracked {
                    key,
                    order,
                    ended: 0,
                    last: tick,
                    superseded: false,
                    heard: None,
                    dedupe: Dedupe::default(),
                    data: make(id),
                };
                room.insert(Box::new(call)).into_mut()
            }
        };
        call.last = tick;
        if let Some(t) = e.time {
            self.latest = self.latest.max(t);
            if call.heard.is_none() {
                self.quiet.push(Reverse((t, key, call.order)));
            }
            call.heard = Some(call.heard.map_or(t, |h| h.max(t)));
        }
        let repeat = call.dedupe.repeats(e.fingerprint, e.twin, e.time);
        let ends = !repeat && e.terminal && call.ended == 0;
        if !repeat && e.terminal {
            if call.ended == 0 {
                self.ended.push_back((tick, key, call.order));
            }
            call.ended = tick;
        }
        Arrival::Event { call, repeat, ends }
    }

    /// The calls to finish now, as `(order, key)` in the order they first appeared: those that
    /// ended a window ago and have not been heard of since, or, with `all` (the end of the
    /// input), every call.
    pub(crate) fn due(&mut self, all: bool) -> Vec<(u64, u64)> {
        if all {
            self.ended.clear();
            self.quiet.clear();
            let mut every: Vec<(u64, u64)> = self.open.iter().map(|c| (c.order, c.key)).collect();
            every.sort_unstable();
            return every;
        }
        let tick = self.tick;
        let mut due = Vec::new();
        while let Some(&(at, key, order)) = self.ended.front() {
            if tick.saturating_sub(at) < WINDOW {
                break;
            }
            self.ended.pop_front();
            let Some(c) = self.open.find(key, |c| c.order == order) else {
                continue;
            };
            if tick.saturating_sub(c.last) >= WINDOW {
                due.push((order, key));
            } else {
                // Heard of since it ended: look again a window after that.
                self.ended.push_back((c.last, key, order));
            }
        }
        // Open calls silent for longer than a call lasts, in the input's time: given up.
        let horizon = self.latest.saturating_sub(GIVE_UP_MS);
        while let Some(&Reverse((heard, key, order))) = self.quiet.peek() {
            if heard >= horizon {
                break;
            }
            self.quiet.pop();
            let Some(c) = self.open.find(key, |c| c.order == order) else {
                continue;
            };
            match c.heard {
                Some(later) if later > heard => self.quiet.push(Reverse((later, key, order))),
                // Ended calls are finished by the window above.
                _ if c.ended != 0 => {}
                _ => {
                    self.given_up += 1;
                    due.push((order, key));
                }
            }
        }
        due.sort_unstable();
        due.dedup();
        due
    }

    /// Every call that has ended, at once (following: a call is shown as soon as it ends).
    pub(crate) fn due_ended(&mut self) -> Vec<(u64, u64)> {
        let mut due: Vec<(u64, u64)> = self.ended.drain(..).map(|(_, k, o)| (o, k)).collect();
        due.sort_unstable();
        due.dedup();
        due
    }

    /// Finish a call: its data, given back; its key is remembered for a while, so that a
    /// straggler is counted rather than taken for a new call.
    pub(crate) fn finish(&mut self, order: u64, key: u64) -> Option<T> {
        let entry = self.open.find_entry(key, |c| c.order == order).ok()?;
        let (c, _) = entry.remove();
        self.finished[0].insert(key);
        for fingerprint in c.dedupe.fingerprints() {
            self.delivered.insert(key, fingerprint);
        }
        Some(c.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Id(&'static str);

    impl CallData for Id {
        fn id(&self) -> &str {
            self.0
        }
    }

    fn arriving(terminal: bool) -> Arriving<'static> {
        Arriving {
            terminal,
            new_call: false,
            fingerprint: None,
            twin: None,
            time: None,
            aliases: [None; 2],
        }
    }

    /// Run ticks of `(id, terminal)` events through a lifetime, sweeping as the views do;
    /// the ids finished, in order, and the stragglers.
    fn run(ticks: &[Vec<(&'static str, bool)>]) -> (Vec<&'static str>, u64) {
        let mut life: Lifetime<Id> = Lifetime::default();
        let mut finished = Vec::new();
        let mut order = 0;
        for events in ticks {
            life.begin_batch();
            for &(id, terminal) in events {
                order += 1;
                let _ = life.arrive(call_key(id), id, order, &arriving(terminal), |_| Id(id));
            }
            if life.end_batch(true) {
                for (o, k) in life.due(false) {
                    finished.extend(life.finish(o, k).map(|c| c.0));
                }
            }
        }
        for (o, k) in life.due(true) {
            finished.extend(life.finish(o, k).map(|c| c.0));
        }
        (finished, life.late().events)
    }

    #[test]
    fn an_open_call_silent_for_over_a_day_of_event_time_is_given_up() {
        let mut life: Lifetime<Id> = Lifetime::default();
        let hour = 3_600_000;
        let at = |t: Millis| Arriving {
            time: Some(t),
            ..arriving(false)
        };
        let mut finished = Vec::new();
        // "quiet" is heard of once; "busy" every hour; "late" begins a day and a half in.
        for h in 0..40 {
            life.begin_batch();
            if h == 0 {
                let _ = life.arrive(call_key("quiet"), "quiet", 1, &at(0), |_| Id("quiet"));
            }
            let _ = life.arrive(call_key("busy"), "busy", 2, &at(h * hour), |_| Id("busy"));
            if h == 36 {
                let _ = life.arrive(call_key("late"), "late", 3, &at(h * hour), |_| Id("late"));
            }
            for (o, k) in life.due(false) {
                finished.extend(life.finish(o, k).map(|c| (h, c.0)));
            }
        }
        // Given up at the first sweep more than a day after its last event, and only it.
        assert_eq!(finished, [(25, "quiet")]);
        assert_eq!(life.late().given_up, 1);
        assert_eq!(life.iter().count(), 2);
    }

    #[test]
    fn an_ended_call_is_finished_a_window_after_its_last_news() {
        let mut ticks = vec![vec![("b", false), ("a", false), ("c", false)]];
        ticks.push(vec![("c", true), ("a", true)]);
        ticks.extend((0..30).map(|_| Vec::new()));
        ticks.push(vec![("d", false), ("b", true)]);
        // a and c were finished by a sweep, before b and d at the end.
        assert_eq!(run(&ticks), (vec!["a", "c", "b", "d"], 0));
    }

    #[test]
    fn news_after_the_end_keeps_a_call_another_window() {
        let mut ticks = vec![vec![("a", false), ("a", true)]];
        ticks.extend((0..10).map(|_| Vec::new()));
        // A recording trails the hang-up: the call waits a window after it.
        ticks.push(vec![("a", false)]);
        ticks.extend((0..12).map(|_| Vec::new()));
        ticks.push(vec![("z", false)]);
        let (finished, late) = run(&ticks);
        assert_eq!((finished, late), (vec!["a", "z"], 0));
    }

    #[test]
    fn a_straggler_within_two_windows_is_counted_not_a_new_call() {
        let mut ticks = vec![vec![("a", false), ("a", true)]];
        ticks.extend((0..28).map(|_| Vec::new()));
        ticks.push(vec![("a", false), ("b", false)]);
        assert_eq!(run(&ticks), (vec!["a", "b"], 1));
    }

    #[test]
    fn a_call_heard_of_long_after_it_was_finished_starts_again() {
        let mut ticks = vec![vec![("a", false), ("a", true)]];
        ticks.extend((0..100).map(|_| Vec::new()));
        ticks.push(vec![("a", false), ("b", false)]);
        assert_eq!(run(&ticks), (vec!["a", "a", "b"], 0));
    }

    #[test]
    fn a_call_delivered_again_long_after_it_was_finished_counts_once() {
        use crate::event::COUNTED;
        let mut life: Lifetime<Id> = Lifetime::default();
        // An untimed first event (counted by its place), a start, an end.
        let call = [
            Arriving {
                fingerprint: Some(7 | COUNTED),
                ..arriving(false)
            },
            Arriving {
                fingerprint: Some(2),
                ..arriving(false)
            },
            Arriving {
                fingerprint: Some(4),
                ..arriving(true)
            },
        ];
        let mut begun = 0;
        let mut order = 0;
        for copy in 0..2 {
            life.begin_batch();
            for e in &call {
                order += 1;
                if let Arrival::Event { call, .. } =
                    life.arrive(call_key("a"), "a", order, e, |_| Id("a"))
                {
                    begun += u64::from(call.order() == order);
                }
            }
            // Far apart: the first copy is finished long before the second comes.
            for _ in 0..(if copy == 0 { 200 } else { 0 }) {
                life.begin_batch();
                if life.end_batch(true) {
                    for (o, k) in life.due(false) {
                        life.finish(o, k);
                    }
                }
            }
        }
        assert_eq!(begun, 1, "the copy began no call");
        assert_eq!(
            life.late(),
            Late {
                events: 3,
                replayed: 3,
                given_up: 0,
            }
        );
    }

    #[test]
    fn a_start_after_the_end_begins_a_new_call_under_the_same_id() {
        let mut life: Lifetime<Id> = Lifetime::default();
        life.begin_batch();
        let start = |fp| Arriving {
            new_call: true,
            fingerprint: Some(fp),
            ..arriving(false)
        };
        let end = Arriving {
            fingerprint: Some(10),
            ..arriving(true)
        };
        let mut orders = Vec::new();
        for (n, e) in [start(2), end, start(2), start(4), end].iter().enumerate() {
            if let Arrival::Event { call, repeat, .. } =
                life.arrive(call_key("t"), "t", n as u64, e, |_| Id("t"))
            {
                orders.push((call.order(), repeat));
            }
        }
        // The first start delivered again is a repeat; a start of its own begins call 3.
        assert_eq!(
            orders,
            [(0, false), (0, false), (0, true), (3, false), (3, false)]
        );
        assert_eq!(life.due(true).len(), 2);
    }
}
