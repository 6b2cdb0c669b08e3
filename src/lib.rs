//! callev: read, validate and summarise telephony call-event JSON from Workonflow, Xelion,
//! Voximplant and Bandwidth. The pipeline runs one way: `input` (sources, framing) -> `record`
//! (parse, then `formats`: detect, validate, normalize; on worker threads via `pipeline`) -> `call` (per-call
//! aggregation) -> `render` (views) -> `output`. The binary is `main.rs`; the library exists so
//! the fuzz target and property tests can drive the same pipeline.

pub mod app;
pub mod browse;
pub mod call;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod event;
pub mod events_v1;
pub mod exit;
pub mod formats;
pub mod input;
pub mod json;
pub mod output;
pub mod pipeline;
pub mod pool;
pub mod progress;
pub mod reading;
pub mod record;
pub mod render;
pub mod signal;
pub mod time;
pub mod timefmt;
pub mod vendor_id;
