//! The progress bar on stderr for long reads: it appears only after a second of work, shows bytes
//! read of the total (when the inputs are files) with records and rate, and is cleared at the end.
//! Output written while it shows goes through `suspend`, so the two never mix on the screen.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::Source;

const DELAY: Duration = Duration::from_secs(1);

pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    total: Option<u64>,
    bytes: Arc<AtomicU64>,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `enabled` is decided by the settings (stderr a terminal, no follow, no machine output
    /// into a pipe).
    pub(crate) fn new(enabled: bool, sources: &[Source], bytes: Arc<AtomicU64>) -> Progress {
        // The total is known when every input is a regular file.
        let total = sources
            .iter()
            .map(|s| match s {
                Source::Path(p) => std::fs::metadata(p)
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len()),
                Source::Stdin => None,
            })
            .sum::<Option<u64>>();
        Progress {
            enabled,
            started: Instant::now(),
            total,
            bytes,
            bar: None,
        }
    }

    /// Update after a batch; draws only once the read has taken more than a second.
    pub(crate) fn tick(&mut self, records: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() {
            if self.started.elapsed() < DELAY {
                return;
            }
            // The line never wraps (a wrapped line leaves stale copies as it redraws): the bar
            // takes a quarter of a narrow terminal, and the message is cut to what is left.
            let columns = terminal_size::terminal_size_of(std::io::stderr())
                .map_or(80, |(w, _)| usize::from(w.0));
            let bar_width = (columns / 4).clamp(8, 30);
            let bar = match self.total {
                Some(total) => {
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template(&format!(
                                "{{bar:{bar_width}}} {{bytes}}/{{total_bytes}}  {{wide_msg}}"
                            ))
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                        )
                }
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{spinner} {bytes}  {wide_msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
            };
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            let bytes = self.bytes.load(Ordering::Relaxed);
            bar.set_position(bytes);
            // Rates over the whole read: the bar appears a second in, and indicatif's own rate
            // took everything read before as one instant's step (17 GiB/s for 0.65).
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{}/s  {} records, {}/s",
                indicatif::HumanBytes((bytes as f64 / secs) as u64),
                crate::output::thousands(records),
                crate::output::thousands((records as f64 / secs) as u64)
            ));
        }
    }

    /// Run output while the bar is hidden.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub(crate) fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    pub(crate) fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
