//! callev: read, validate and summarise telephony call-event JSON from Workonflow, Xelion,
//! Voximplant and Bandwidth. The pipeline runs one way: `input` (sources, framing) -> `record`
//! (parse, then `formats`: detect, validate, normalize; on worker threads via `pipeline`) ->
//! `call` (per-call aggregation) -> `render` (views) -> `output`. The binary is `main.rs`.
//!
//! The library's surface is what the binary, the fuzz target and the examples use: `app::run`
//! and its `exit` status, `invariants` (the pipeline on arbitrary bytes, with what must hold of
//! its output), and the JSON reader `json`. Everything else is the crate's own.

pub mod app;
mod browse;
mod call;
mod capture;
mod cli;
mod config;
mod diagnostic;
mod event;
mod event_record;
pub mod exit;
mod formats;
mod http;
mod input;
pub mod invariants;
pub mod json;
mod listen;
mod merge;
mod output;
mod pipeline;
mod pool;
mod progress;
mod reading;
mod record;
mod render;
mod send;
mod signal;
mod time;
mod timefmt;
mod trigger;
mod vendor_id;
