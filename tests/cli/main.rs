//! Integration tests through the binary: one test binary, a module per area.

mod util;

mod attack;
mod browse;
mod detect;
mod event_record;
mod follow;
mod hostile;
mod inputs;
mod listen;
mod send;
mod shell;
mod sql;
mod trust;
mod validate;
mod views;
