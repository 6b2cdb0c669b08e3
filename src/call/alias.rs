//! Other names of a call. A vendor may name one call by several ids: a Workonflow event carries
//! its call's `callId` beside the `threadId` and `streamId` it happened in, and the later
//! revisions' events name the call by the thread alone. An event that names its call by its own
//! id binds its other ids to it; a later event named only by one of those ids belongs to that
//! call, not to a second call under the thread's id, until a start of its own begins the
//! thread's next call. Aliases are read from an event's `thread` and `stream` details (see
//! `formats::AGGREGATED_DETAILS`), in the order events arrive, by every view that follows calls.

use std::collections::HashMap;

use super::call_key;

/// Bindings held at most; past it the oldest half is forgotten (a thread's calls are minutes
/// long, and a capture holds far fewer threads).
const MAX_BOUND: usize = 100_000;

/// The calls other ids are bound to, by the other id's `call_key`.
#[derive(Debug, Default)]
pub(crate) struct Aliases {
    bound: HashMap<u64, Binding, foldhash::fast::RandomState>,
    /// Bindings made, for forgetting the oldest.
    made: u64,
}

#[derive(Debug)]
struct Binding {
    alias: Box<str>,
    call: Box<str>,
    made: u64,
}

impl Aliases {
    /// The call an event names by `id` belongs to, when `id` is bound to another call; binds the
    /// event's other ids (`aliases`) to `id` when it names its call by an id of its own. A start
    /// named by an alias (`new_call`) begins the alias's own next call: its binding ends.
    pub(crate) fn resolve(
        &mut self,
        id: &str,
        aliases: [Option<&str>; 2],
        new_call: bool,
    ) -> Option<&str> {
        let named_by_alias = aliases.iter().flatten().any(|a| *a == id);
        if !named_by_alias {
            for alias in aliases.iter().flatten().filter(|a| !a.is_empty()) {
                self.bind(alias, id);
            }
            return None;
        }
        let key = call_key(id);
        if new_call {
            self.bound.remove(&key);
            return None;
        }
        self.bound
            .get(&key)
            .filter(|b| &*b.alias == id)
            .map(|b| &*b.call)
    }

    fn bind(&mut self, alias: &str, call: &str) {
        let key = call_key(alias);
        if let Some(b) = self.bound.get(&key) {
            if &*b.alias == alias && &*b.call == call {
                return;
            }
        }
        if self.bound.len() >= MAX_BOUND {
            let cut = self.made - MAX_BOUND as u64 / 2;
            self.bound.retain(|_, b| b.made >= cut);
        }
        self.made += 1;
        self.bound.insert(
            key,
            Binding {
                alias: alias.into(),
                call: call.into(),
                made: self.made,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_named_with_a_call_belongs_to_that_call_until_its_next_start() {
        let mut a = Aliases::default();
        // Not bound yet: the thread is its own call.
        assert_eq!(a.resolve("t1", [Some("t1"), None], false), None);
        // `call.created` with callId, threadId and streamId binds both.
        assert_eq!(a.resolve("c-1", [Some("t1"), Some("s1")], true), None);
        assert_eq!(
            a.resolve("t1", [Some("t1"), Some("s1")], false),
            Some("c-1")
        );
        assert_eq!(a.resolve("s1", [None, Some("s1")], false), Some("c-1"));
        // The thread's next call, started by the thread alone, is its own.
        assert_eq!(a.resolve("t1", [Some("t1"), Some("s1")], true), None);
        assert_eq!(a.resolve("t1", [Some("t1"), Some("s1")], false), None);
    }
}
