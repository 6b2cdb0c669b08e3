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
    repeats: bool,
    sources: Vec<Arc<str>>,
    calls: Lifetime<Gathered>,
    next_order: u64,
    /// With `--call`: finished calls, sent once the patterns are known to be unambiguous.
    held: Option<Vec<Vec<Outgoing>>>,
    /// None once the delivery has stopped (Ctrl-C): nothing more is gathered.
    tx: Option<Sender<Vec<Outgoing>>>,
    skipped: Skipped,
}

impl Collect {
    pub(crate) fn new(settings: &Settings, repeats: bool, tx: Sender<Vec<Outgoing>>) -> Collect {
        let filter = settings.filter.clone();
        Collect {
            selects_calls: !filter.calls.is_empty()
                || !filter.select.outcomes.is_empty()
                || !filter.select.parties.is_empty(),
            matcher: CallMatcher::new(&filter.calls),
            held: (!filter.calls.is_empty()).then(Vec::new),
            filter,
            repeats,
            sources: Vec::new(),
            calls: Lifetime::default(),
            next_order: 0,
            tx: Some(tx),
            skipped: Skipped::default(),
        }
    }

    pub(crate) fn skipped(&self) -> Skipped {
        self.skipped
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
        call: Arc::from(call),
        vendor: e.vendor.id(),
        event: e
            .event
            .as_deref()
            .map(str::to_owned)
            .unwrap_or_else(|| e.kind.as_str().to_owned()),
        source,
        line,
        sent_at: received.or(e.time),
        request,
    }
}

impl View for Collect {
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
        let src = self.source(source);
        let Results { records, text, .. } = results;
        for r in records.iter() {
            let Some(e) = r.normalized.as_ref() else {
                continue;
            };
            let bytes = r.rendered.map(|p| &text[p.start..p.end]);
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
        crate::render::notes::note_unread(tally);
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
        for p in self.matcher.unmatched() {
            eprintln!("callev: --call {p:?} matched no call");
        }
        self.tx = None;
        Ok(())
    }
}
