//! The whole pipeline from arbitrary bytes: framing (in pieces, as a pipe delivers them),
//! parsing, detection, validation, normalization, per-call aggregation and the machine records of
//! every view. Anything that panics, hangs or grows without bound is a bug.

#![no_main]

use std::collections::HashMap;
use std::io::Read;

use callev::call::{call_key, CallState};
use callev::call::step::Pack;
use callev::input::InputFormat;
use callev::record::{analyze_reader, Analysis};
use callev::render::events::EventRecord;
use libfuzzer_sys::fuzz_target;

struct Pieces<'a>(&'a [u8], usize);

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.1).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks how the input arrives and how it is framed.
    let (knobs, data) = match data.split_first() {
        Some((k, rest)) => (*k, rest),
        None => (0, data),
    };
    let piece = 1 + usize::from(knobs & 0x3f) * 37;
    let format = match knobs >> 6 {
        0 | 1 => InputFormat::Auto,
        2 => InputFormat::Json,
        _ => InputFormat::Log,
    };
    let analysis = Analysis {
        validate: true,
        normalize: true,
        forced: None,
        naive_offset: 0,
        lean: false,
        strict: false,
        vendors: callev::formats::Vendors::ALL,
        allowed: callev::diagnostic::Codes::NONE,
        hold: false,
    };
    let records = analyze_reader(Pieces(data, piece), format, "fuzz", "fuzz", &analysis).expect("memory reads do not fail");
    let mut calls: HashMap<String, CallState> = HashMap::new();
    // The same events packed as summary's workers pack them, folded as its shards fold them.
    let mut pack = Pack::default();
    for (i, r) in records.iter().enumerate() {
        let _ = r.reason_text();
        let Some(e) = &r.normalized else { continue };
        let _ = serde_json::to_vec(&EventRecord::new("fuzz", r.line, e, 1)).expect("events serialise");
        if let Some(id) = &e.call_id {
            calls.entry(id.clone()).or_insert_with(|| CallState::new(id.clone(), e.vendor)).add(e);
            pack.push(i as u32, call_key(id), true, e);
        }
    }
    let mut packed: HashMap<String, CallState> = HashMap::new();
    for (p, id, step) in pack.iter() {
        packed.entry(id.to_owned()).or_insert_with(|| CallState::new(id.to_owned(), p.vendor)).add_step(&step);
    }
    assert_eq!(calls.len(), packed.len());
    for (id, c) in &calls {
        let s = c.finish();
        let direct = serde_json::to_vec(&s).expect("summaries serialise");
        assert_eq!(direct, serde_json::to_vec(&packed[id].finish()).unwrap(), "packed and direct differ");
        let mut written = Vec::new();
        s.write_json(&mut written);
        assert_eq!(written, direct, "write_json and serde differ");
    }
});
