//! What must hold of any input, checked on arbitrary bytes: the body of the fuzz target
//! (`fuzz/fuzz_targets/pipeline.rs`) and of the property tests. The whole pipeline runs in this
//! thread: framing (the input arriving in pieces, as a pipe delivers it), parsing, detection,
//! validation, normalization, per-call aggregation as `summary`'s workers pack events and as its
//! shards fold them, the summary record written by hand and through serde, and callev's own
//! events records (schema v1, with their origin) written and read back as NDJSON and, now and
//! then, as Parquet. Anything that panics, hangs or grows without bound, or breaks one of the
//! checks below, is a bug.

use std::collections::BTreeMap;
use std::io::Read;

use crate::call::step::Pack;
use crate::call::{call_key, Call};
use crate::event::Event;
use crate::event_record::{EventRecord, Origin};
use crate::formats::Vendors;
use crate::input::InputFormat;
use crate::record::{analyze_reader, Analysis, Needs, Status, Tally};

/// A reader that hands out its bytes a few at a time.
struct Pieces<'a>(&'a [u8], usize);

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.1).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Run the pipeline over `data` and check what must hold of its output; panics when something
/// does not. The first byte picks how the input arrives and how it is framed.
pub fn check(data: &[u8]) {
    let (knobs, data) = match data.split_first() {
        Some((k, rest)) => (*k, rest),
        None => (0, data),
    };
    let piece = 1 + usize::from(knobs & 0x1f) * 37;
    // The Parquet round trip (a writer thread, zstd) costs most of a run: one run in eight.
    let parquet = knobs & 0x38 == 0x38;
    let format = match knobs >> 6 {
        0 | 1 => InputFormat::Auto,
        2 => InputFormat::Json,
        _ => InputFormat::Log,
    };
    let needs = Needs {
        validate: true,
        ..Needs::EVENTS
    };
    let analysis = Analysis::new(needs, None, 0, Vendors::ALL);
    let records = analyze_reader(Pieces(data, piece), format, "fuzz", "fuzz", &analysis)
        .expect("reading memory does not fail");
    // Every record is accounted for, once.
    let mut tally = Tally::default();
    for r in &records {
        let _ = r.reason_text();
        tally.add("fuzz", r);
    }
    assert_eq!(
        tally.records,
        tally.valid + tally.invalid + tally.unparseable + tally.unknown,
        "records = valid + invalid + unparseable + unknown"
    );
    let beside = records
        .iter()
        .filter(|r| matches!(r.status, Status::Text | Status::Other | Status::Excluded))
        .count() as u64;
    assert_eq!(tally.records + beside, records.len() as u64);
    let events: Vec<(u64, &Event)> = records
        .iter()
        .filter_map(|r| Some((r.line, r.normalized.as_ref()?)))
        .collect();
    let direct = summaries(events.iter().map(|(_, e)| *e));
    // The same events packed as summary's workers pack them, folded as its shards fold them.
    let mut pack = Pack::default();
    for (i, (_, e)) in events.iter().enumerate() {
        if let Some(id) = &e.call_id {
            pack.push(i as u32, call_key(id), true, e);
        }
    }
    let mut packed: BTreeMap<String, Call> = BTreeMap::new();
    for (p, id, step) in pack.iter() {
        packed
            .entry(id.to_owned())
            .or_insert_with(|| Call::new(id.to_owned(), p.vendor))
            .add_step(&step);
    }
    let packed: BTreeMap<String, Vec<u8>> = packed
        .iter()
        .map(|(id, c)| {
            (
                id.clone(),
                serde_json::to_vec(&c.finish()).expect("serialises"),
            )
        })
        .collect();
    assert_eq!(direct, packed, "packed and direct aggregation differ");
    for call in direct.values() {
        let value: serde_json::Value = serde_json::from_slice(call).expect("the record is JSON");
        assert!(value.is_object());
    }
    // Callev's own events records, written with their origin and read back, give the same calls.
    let origin = Origin::read_at(1_764_000_000_000);
    let mut written = Vec::new();
    for (seq, (line, e)) in events.iter().enumerate() {
        let record = EventRecord::new("fuzz", *line, e, seq as u64 + 1, origin);
        let at = written.len();
        serde_json::to_writer(&mut written, &record).expect("events records serialise");
        // The hand-written record (what `events -o ndjson` writes) is serde's, byte for byte.
        let mut fast = Vec::new();
        record.write_json(&mut fast);
        assert_eq!(
            String::from_utf8_lossy(&fast),
            String::from_utf8_lossy(&written[at..]),
            "the events record written by hand differs from serde's"
        );
        written.push(b'\n');
    }
    assert_eq!(
        read_back(&written, &analysis),
        direct,
        "the events records read back give other calls"
    );
    if parquet {
        let bytes = crate::render::parquet::events_file("fuzz", &records)
            .expect("events records are written as Parquet");
        let mut lines = Vec::new();
        crate::input::parquet::Lines::new(bytes)
            .expect("callev reads the Parquet it wrote")
            .read_to_end(&mut lines)
            .expect("callev reads the Parquet it wrote");
        assert_eq!(
            read_back(&lines, &analysis),
            direct,
            "the events records read back from Parquet give other calls"
        );
    }
}

/// Each call's summary record, by id, folding events in order.
fn summaries<'e>(events: impl Iterator<Item = &'e Event>) -> BTreeMap<String, Vec<u8>> {
    let mut calls: BTreeMap<String, Call> = BTreeMap::new();
    for e in events {
        if let Some(id) = &e.call_id {
            calls
                .entry(id.clone())
                .or_insert_with(|| Call::new(id.clone(), e.vendor))
                .add(e);
        }
    }
    calls
        .iter()
        .map(|(id, c)| {
            let s = c.finish();
            let by_serde = serde_json::to_vec(&s).expect("summaries serialise");
            let mut by_hand = Vec::new();
            s.write_json(&mut by_hand);
            assert_eq!(by_hand, by_serde, "write_json and serde differ");
            (id.clone(), by_serde)
        })
        .collect()
}

/// The calls of events records read back.
fn read_back(records: &[u8], analysis: &Analysis) -> BTreeMap<String, Vec<u8>> {
    let read = analyze_reader(records, InputFormat::Ndjson, "records", "records", analysis)
        .expect("reading memory does not fail");
    for r in &read {
        assert_eq!(
            r.status,
            Status::Valid,
            "an events record reads back: {r:?}"
        );
    }
    summaries(read.iter().filter_map(|r| r.normalized.as_ref()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Every file of `fixtures/`, as bytes.
    fn fixtures() -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("fixtures are here")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e != "md") {
                    let bytes = std::fs::read(&path).expect("a fixture reads");
                    files.push((path.display().to_string(), bytes));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn hold_on_every_fixture_however_it_arrives_and_is_framed() {
        for (name, bytes) in fixtures() {
            // Pieces of 1 and 38 bytes, whole, framed as found, as JSON and as log lines; the
            // last two with the Parquet round trip.
            for knob in [0x00u8, 0x01, 0x1f, 0x80, 0xf8, 0x3f] {
                let mut data = vec![knob];
                data.extend_from_slice(&bytes);
                let run = std::panic::catch_unwind(|| super::check(&data));
                assert!(run.is_ok(), "{name} with knob {knob:#x}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Fixtures cut and spliced at random places, as damaged captures are.
        #[test]
        fn hold_on_fixtures_cut_and_spliced(
            knob in any::<u8>(),
            picks in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..400), 1..5),
        ) {
            let files = fixtures();
            let mut data = vec![knob];
            for (file, at, len) in picks {
                let bytes = &files[file.index(files.len())].1;
                let start = at.index(bytes.len().max(1)).min(bytes.len());
                data.extend_from_slice(&bytes[start..(start + len).min(bytes.len())]);
            }
            super::check(&data);
        }
    }
}
