//! Integration tests through the binary: one test binary, a module per area.

mod util;

// The modules marked unix use Unix tools (kill, script, tmux, /dev/full).

#[cfg(unix)]
mod attack;
#[cfg(unix)]
mod browse;
mod detect;
mod event_record;
#[cfg(unix)]
mod follow;
mod hostile;
mod inputs;
#[cfg(unix)]
mod listen;
#[cfg(unix)]
mod send;
#[cfg(unix)]
mod shell;
mod sql;
mod trust;
mod validate;
mod views;
