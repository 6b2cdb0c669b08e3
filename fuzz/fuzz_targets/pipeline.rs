//! The whole pipeline from arbitrary bytes, and what must hold of its output: see
//! `callev::invariants` (framing in pieces, parsing, detection, validation, normalization,
//! per-call aggregation packed and direct, the summary record, callev's own events records read
//! back as NDJSON and Parquet). Anything that panics, hangs or grows without bound is a bug.
//! Seeds: `fuzz/seeds/`; run `cargo +nightly fuzz run pipeline fuzz/seeds`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| callev::invariants::check(data));
