//! Buffers handed back to the threads that fill them. A batch's vectors are made on one thread
//! and emptied on another; freed there, their memory (a few hundred kilobytes each, thousands of
//! times a second) stays with the allocator of the thread that freed them, and every new one
//! starts on fresh pages. Handed back, the same few buffers are filled again.

use std::sync::Mutex;

/// At most `cap` spare buffers, shared between the threads that fill them and those that empty
/// them.
pub(crate) struct Pool<T> {
    spares: Mutex<Vec<T>>,
    cap: usize,
}

impl<T: Default> Pool<T> {
    pub(crate) fn new(cap: usize) -> Pool<T> {
        Pool {
            spares: Mutex::new(Vec::new()),
            cap,
        }
    }

    /// A spare (emptied by whoever gave it back), else a new one.
    pub(crate) fn take(&self) -> T {
        self.spares
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default()
    }

    /// Keep an emptied buffer for the next `take`, unless there are enough.
    pub(crate) fn give(&self, spare: T) {
        if let Ok(mut s) = self.spares.lock() {
            if s.len() < self.cap {
                s.push(spare);
            }
        }
    }
}
