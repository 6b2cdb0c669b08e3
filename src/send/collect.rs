//! The reading side of `send`: a view that gathers each selected call's records, exactly as
//! they were in their source, while the call is open (the calls' lifetime, as `timeline`
//! follows them), and hands each finished call to the delivery in the views' order: calls as
//! they first appeared, a call's events in time order. With `--call`, calls are held until the
//! input has been read, so a pattern that names two calls stops the run before anything is sent.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use tokio::sync::mpsc::Sender;

use super::{Outgoing, Request, Skipped};
use crate::call::lifetime::{Arrival, Arriving, CallData, Lifetime};
use crate::call::step::Step;
use crate::call::{call_key, CallMatcher, CallState};
use crate::config::{Filter, Settings};
use crate::event::Event;
use crate::record::{Needs, Results, Tally};
use crate::render::View;

struct Gathered {
    state: CallState,
    requests: Vec<Outgoing>,
    /// `--event` and `--since`/`--until` kept one of its events.
    selected: bool,
}

impl CallData for Gathered {
    fn id(&self) -> &str {
        &self.state.call_id
    }
}

pub(crate) struct Collect {
    filter: Filter,
    matcher: CallMatcher,
    /// `--call`, `--outcome` or `--party`: events with no call are not selected.
    selects_calls: bool,
    /// No selection flag at all: captured requests that hold no event (a binary body, a form
    /// no vendor's) are replayed too.
    selects_all: bool,
    repeats: bool,
    sources: Vec<Arc<str>>,
    calls: Lifetime<Gathered>,
    next_order: u64,
    /// With `--call`: finished calls, sent once the patterns are known to be unambiguous.
    held: Option<Vec<Vec<Outgoing>>>,
    /// None once the delivery has stopped (Ctrl-C): nothing more is gathered.
    tx: Option<Sender<Vec<Outgoing>>>,
    skipped: Skipped,
    /// Captured requests of no known vendor replayed all the same: not records lost.
    replayed_unknown: u64,
}

impl Collect {
    pub(crate) fn new(settings: &Settings, repeats: bool, tx: Sender<Vec<Outgoing>>) -> Collect {
        let filter = settings.filter.clone();
        let selects_calls = !filter.calls.is_empty()
            || !filter.select.outcomes.is_empty()
            || !filter.select.parties.is_empty();
        Collect {
            selects_calls,
            selects_all: !selects_calls
                && filter.events.is_empty()
                && filter.select.is_empty()
                && settings.vendors == crate::formats::Vendors::ALL,
            matcher: CallMatcher::new(&filter.calls),
            held: (!filter.calls.is_empty()).then(Vec::new),
            filter,
            repeats,
            sources: Vec::new(),
            calls: Lifetime::default(),
            next_order: 0,
            tx: Some(tx),
            skipped: Skipped::default(),
            replayed_unknown: 0,
        }
    }

    pub(crate) fn skipped(&self) -> Skipped {
        self.skipped
    }

    /// Records of no known vendor that were sent anyway (captured requests): not a problem of
    /// the data for `send`.
    pub(crate) fn replayed_unknown(&self) -> u64 {
        self.replayed_unknown
    }

    fn source(&mut self, name: &str) -> Arc<str> {
        if let Some(s) = self.sources.iter().find(|s| &***s == name) {
            return Arc::clone(s);
        }
        let s: Arc<str> = Arc::from(name);
        self.sources.push(Arc::clone(&s));
        s
    }

    /// Hand a call's requests to the delivery (or hold them, with `--call`).
    fn emit(&mut self, requests: Vec<Outgoing>) {
        if requests.is_empty() {
            return;
        }
        if let Some(held) = &mut self.held {
            held.push(requests);
            return;
        }
        if let Some(tx) = &self.tx {
            if tx.blocking_send(requests).is_err() {
                self.tx = None;
            }
        }
    }

    /// Finished calls (every call with `all`): the selected ones handed on, in order.
    fn sweep(&mut self, all: bool) {
        for (order, key) in self.calls.due(all) {
            let Some(call) = self.calls.finish(order, key) else {
                continue;
            };
            if !call.selected || !self.matcher.matches(&call.state.call_id) {
                continue;
            }
            if !self.filter.select.is_empty() && !self.filter.select.keeps(&call.state.finish()) {
                continue;
            }
            let requests = crate::render::timeline::in_time_order(call.requests, |o| o.sent_at);
            self.emit(requests);
        }
    }
}

/// The request one analyzed record makes.
fn outgoing(e: &Event, call: &str, bytes: Option<&[u8]>, source: Arc<str>, line: u64) -> Outgoing {
    let (request, received) = match bytes {
        Some(b) => Request::of_record(b),
        None => (
            Err("a line of a vendor's log notation, not a body a handler receives".to_owned()),
            None,
        ),
    };
    Outgoing {
        origin: crate::send::Origin {
            call: Arc::from(call),
            vendor: e.vendor.id(),
            event: e
                .event
                .as_deref()
                .map(str::to_owned)
                .unwrap_or_else(|| e.kind.as_str().to_owned()),
            source,
            line,
        },
        sent_at: received.or(e.time),
        request,
    }
}

/// A capture record that holds no event, as a request of its own (its body replayed as it is).
fn captured_request(bytes: &[u8], source: Arc<str>, line: u64) -> Option<Outgoing> {
    let mut scratch = crate::json::fast::Scratch::default();
    let value = crate::json::Json::parse_with(bytes, &mut scratch).ok()?;
    if !crate::capture::is_capture(&value) {
        return None;
    }
    let event = format!(
        "{} {}",
        value.get_str("method").unwrap_or("?"),
        value.get_str("path").unwrap_or("?")
    );
    let (request, received) = Request::of_value(bytes, &value);
    Some(Outgoing {
        origin: crate::send::Origin {
            call: Arc::from(""),
            vendor: "",
            event,
            source,
            line,
        },
        sent_at: received,
        request,
    })
}

impl View for Collect {
    fn merges_events(&self) -> bool {
        true
    }

    fn needs(&self) -> Needs {
        Needs {
            source: true,
            ..Needs::EVENTS
        }
    }

    fn call_matcher(&self) -> Option<&CallMatcher> {
        Some(&self.matcher)
    }

    fn batch(&mut self, source: &str, results: &mut Results, _out: &mut dyn Write) -> Result<()> {
        if self.tx.is_none() {
            return Ok(());
        }
        self.calls.begin_batch();
        let batch_src = self.source(source);
        let Results {
            records,
            text,
            origins,
            ..
        } = results;
        for (i, r) in records.iter().enumerate() {
            // Records merged from several inputs name theirs.
            let src = match origins.as_ref().and_then(|o| o.name(i)) {
                Some(name) => self.source(name),
                None => Arc::clone(&batch_src),
            };
            let bytes = r.rendered.map(|p| &text[p.start..p.end]);
            let Some(e) = r.normalized.as_ref() else {
                if let Some(one) = bytes
                    .filter(|_| self.selects_all)
                    .and_then(|b| captured_request(b, Arc::clone(&src), r.line))
                {
                    if r.status == crate::record::Status::Unknown {
                        self.replayed_unknown += 1;
                    }
                    self.emit(vec![one]);
                }
                continue;
            };
            let keep = self.filter.keeps_event(e)
                && self.filter.select.event_in_time(e.time) != Some(false);
            let Some(id) = e.call_id.as_deref() else {
                if keep && !self.selects_calls {
                    let one = outgoing(e, "", bytes, Arc::clone(&src), r.line);
                    self.emit(vec![one]);
                }
                continue;
            };
            if !self.filter.calls.is_empty() && !CallMatcher::selects(&self.filter.calls, id) {
                continue;
            }
            let key = call_key(id);
            let order = self.next_order;
            let make = |id: &str| Gathered {
                state: CallState::new(id.to_owned(), e.vendor),
                requests: Vec::new(),
                selected: false,
            };
            let (call, repeat) = match self.calls.arrive(key, id, order, &Arriving::of(e), make) {
                Arrival::Event { call, repeat, .. } => (call, repeat),
                // After its call was sent: a repeat is left out as any is, a straggler goes
                // on its own.
                Arrival::Late { repeat } => {
                    if repeat && !self.repeats {
                        self.skipped.repeats += 1;
                    } else if keep {
                        let one = outgoing(e, id, bytes, Arc::clone(&src), r.line);
                        self.emit(vec![one]);
                    }
                    continue;
                }
            };
            if call.order() == order {
                self.next_order += 1;
            }
            if repeat {
                call.data.state.repeated();
            } else {
                call.data.state.apply(&Step::of(e));
            }
            let call = &mut call.data;
            if !keep {
                continue;
            }
            call.selected = true;
            if repeat && !self.repeats {
                self.skipped.repeats += 1;
                continue;
            }
            let id = call.state.call_id.clone();
            call.requests
                .push(outgoing(e, &id, bytes, Arc::clone(&src), r.line));
        }
        if self.calls.end_batch(results.tick) {
            self.sweep(false);
        }
        Ok(())
    }

    fn read_ahead(&self) -> usize {
        2
    }

    fn finish(&mut self, tally: &Tally, _out: &mut dyn Write) -> Result<()> {
        let mut unread = tally.clone();
        unread.unknown -= self.replayed_unknown.min(unread.unknown);
        crate::render::notes::note_unread(&unread);
        if tally.interrupted {
            self.tx = None;
            return Ok(());
        }
        self.sweep(true);
        if let Some(held) = self.held.take() {
            self.matcher.check()?;
            for call in held {
                self.emit(call);
            }
        }
        crate::render::notes::note_calls(&self.matcher, &Default::default());
        self.tx = None;
        Ok(())
    }
}
