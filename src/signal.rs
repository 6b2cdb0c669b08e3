//! Ctrl-C as a flag. The handler only sets it; the reader stops at the next read and the caller
//! finishes the current batch, so machine output never ends in half a line.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Install the handler once; a failure (another handler) leaves the default behaviour.
pub(crate) fn install() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
