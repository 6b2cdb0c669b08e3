//! Properties of the whole reading path, on arbitrary and on damaged-but-plausible input: nothing
//! panics, every record is accounted for, and the result does not depend on how the input arrives
//! in pieces or how many threads read it.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::call::Call;
use crate::input::{InputFormat, Source};

const ALL: Analysis = Analysis {
    validate: true,
    normalize: true,
    forced: None,
    naive_offset: 0,
    lean: false,
    strict: false,
    vendors: crate::formats::Vendors::ALL,
    allowed: crate::diagnostic::Codes::NONE,
    hold: false,
    source: false,
};

/// Serves its bytes in pieces of a fixed size, as a pipe would.
struct Pieces<'a> {
    data: &'a [u8],
    size: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.size).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

type Outline = Vec<(u64, Status, Option<Vendor>, Option<String>, usize)>;

fn outline(records: &[Analyzed]) -> Outline {
    records
        .iter()
        .map(|r| {
            (
                r.line,
                r.status,
                r.vendor,
                r.event.as_deref().map(str::to_owned),
                r.diagnostics.len(),
            )
        })
        .collect()
}

fn read_in_pieces(data: &[u8], size: usize) -> Vec<Analyzed> {
    analyze_reader(Pieces { data, size }, InputFormat::Auto, "x", "x", &ALL)
        .expect("reading memory does not fail")
}

/// Through the threaded pipeline, from a file.
fn read_threaded(data: &[u8], threads: usize) -> Outline {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.log");
    std::fs::write(&path, data).unwrap();
    let sources = [Source::Path(path)];
    let bytes = Arc::new(AtomicU64::new(0));
    let opts = crate::pipeline::Options {
        format: InputFormat::Auto,
        threads,
        ahead: 2,
        follow: false,
        merge: false,
        bytes_read: &bytes,
    };
    let mut all = Vec::new();
    crate::pipeline::run(
        &sources,
        opts,
        |b| (analyze_batch(b, "x", "x", &ALL, Default::default()), None),
        |u| {
            if let crate::pipeline::Unit::Batch { result, .. } = u {
                all.extend(result.records);
            }
            Ok(())
        },
    )
    .unwrap();
    outline(&all)
}

/// Fold every event into calls and finish them, as `summary` does.
fn aggregate(records: &[Analyzed]) -> usize {
    let mut calls: std::collections::HashMap<String, Call> = Default::default();
    for e in records.iter().filter_map(|r| r.normalized.as_ref()) {
        if let Some(id) = &e.call_id {
            calls
                .entry(id.clone())
                .or_insert_with(|| Call::new(id.clone(), e.vendor))
                .add(e);
        }
    }
    calls.values().map(|c| c.finish().anomalies.len()).sum()
}

/// Every call's summary record as JSON, by id: from the events themselves, or (`packed`) as
/// `summary` gets them, packed on the workers and folded from the packs.
fn summaries(records: &[Analyzed], packed: bool) -> BTreeMap<String, String> {
    let mut calls: BTreeMap<String, Call> = BTreeMap::new();
    let mut pack = crate::call::step::Pack::default();
    for (i, r) in records.iter().enumerate() {
        let Some(e) = &r.normalized else { continue };
        let Some(id) = &e.call_id else { continue };
        if packed {
            pack.push(i as u32, crate::call::call_key(id), true, e);
        } else {
            calls
                .entry(id.clone())
                .or_insert_with(|| Call::new(id.clone(), e.vendor))
                .add(e);
        }
    }
    for (p, id, step) in pack.iter() {
        calls
            .entry(id.to_owned())
            .or_insert_with(|| Call::new(id.to_owned(), p.vendor))
            .add_step(&step);
    }
    calls
        .into_iter()
        .map(|(id, c)| (id, serde_json::to_string(&c.finish()).unwrap()))
        .collect()
}

/// Lines from the fixtures, damaged in the ways real captures are.
fn plausible() -> impl Strategy<Value = Vec<u8>> {
    let lines: Vec<String> = [
        include_str!("../../fixtures/mixed/all-vendors.log"),
        include_str!("../../fixtures/workonflow/invalid.ndjson"),
        include_str!("../../fixtures/xelion/attended-transfer.log"),
        include_str!("../../fixtures/bandwidth/c-doc-example.json"),
        include_str!("../../fixtures/edge/envelopes.ndjson"),
        include_str!("../../fixtures/voximplant/invalid.ndjson"),
    ]
    .iter()
    .flat_map(|f| f.lines().map(str::to_owned))
    .collect();
    let line = (0..lines.len(), 0usize..4, any::<u8>(), 0usize..400).prop_map(
        move |(i, damage, byte, at)| {
            let mut l = lines[i].clone().into_bytes();
            let at = at.min(l.len());
            match damage {
                0 => {}
                1 => l.truncate(at),
                2 => l.insert(at, byte),
                _ => {
                    if at < l.len() {
                        l[at] = byte;
                    }
                }
            }
            l
        },
    );
    prop::collection::vec(line, 0..40).prop_map(|ls| ls.join(&b"\n"[..]))
}

/// Single-line records of every vendor, as a webhook receiver logs them.
fn record_lines() -> Vec<String> {
    [
        include_str!("../../fixtures/workonflow/full-call-no-times.ndjson"),
        include_str!("../../fixtures/xelion/all-events-frames.ndjson"),
        include_str!("../../fixtures/voximplant/all-events.ndjson"),
        include_str!("../../fixtures/bandwidth/callbacks-full-call.ndjson"),
        include_str!("../../fixtures/edge/envelopes.ndjson"),
    ]
    .iter()
    .flat_map(|f| f.lines())
    .filter(|l| {
        Json::parse(l.as_bytes()).is_ok_and(|v| crate::formats::detect(&v, None, 0).is_ok())
    })
    .map(str::to_owned)
    .collect()
}

/// A capture of those lines, bare or after a log prefix, some damaged (cut, a byte inserted or
/// replaced, never a line break), with which lines were left whole.
fn damaged_capture() -> impl Strategy<Value = (Vec<u8>, Vec<bool>)> {
    let lines = record_lines();
    let line = (
        0..lines.len(),
        any::<bool>(),
        prop::option::weighted(0.3, (0usize..3, any::<u8>(), 0usize..400)),
    )
        .prop_map(move |(i, wrapped, damage)| {
            let mut l = if wrapped {
                format!(
                    "2026-11-21T10:00:{:02}.000Z INFO webhook received: {}",
                    i % 60,
                    lines[i]
                )
                .into_bytes()
            } else {
                lines[i].clone().into_bytes()
            };
            if let Some((kind, byte, at)) = damage {
                let byte = if byte == b'\n' { b'x' } else { byte };
                let at = at.min(l.len());
                match kind {
                    0 => l.truncate(at),
                    1 => l.insert(at, byte),
                    _ if at < l.len() => l[at] = byte,
                    _ => l.push(byte),
                }
            }
            (l, damage.is_none())
        });
    prop::collection::vec(line, 1..60).prop_map(|ls| {
        let whole = ls.iter().map(|(_, w)| *w).collect();
        (
            ls.into_iter()
                .map(|(l, _)| l)
                .collect::<Vec<_>>()
                .join(&b"\n"[..]),
            whole,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_damaged_record_never_takes_a_good_one_with_it((data, whole) in damaged_capture()) {
        let records = read_in_pieces(&data, usize::MAX);
        for (i, intact) in whole.iter().enumerate() {
            if !intact {
                continue;
            }
            let line = i as u64 + 1;
            let at: Vec<&Analyzed> = records.iter().filter(|r| r.line == line).collect();
            prop_assert_eq!(at.len(), 1, "line {}: {:?}", line, at.iter().map(|r| (r.status, r.reason_text())).collect::<Vec<_>>());
            prop_assert!(at[0].vendor.is_some(), "line {}: {:?} {}", line, at[0].status, at[0].reason_text());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_are_accounted_for(data in prop::collection::vec(any::<u8>(), 0..3000)) {
        let records = read_in_pieces(&data, 4096);
        aggregate(&records);
        for r in &records {
            // Only records read as a vendor's have one (and other JSON a vendor sends).
            let read = matches!(r.status, Status::Valid | Status::Invalid);
            prop_assert!(read == r.vendor.is_some() || r.status == Status::Other);
            prop_assert!(r.status != Status::Invalid || r.diagnostics.iter().any(|d| d.severity == crate::diagnostic::Severity::Error));
        }
    }

    #[test]
    fn damaged_captures_read_the_same_in_any_pieces(data in plausible(), size in 1usize..300) {
        let whole = outline(&read_in_pieces(&data, usize::MAX));
        let pieces = read_in_pieces(&data, size);
        aggregate(&pieces);
        prop_assert_eq!(&whole, &outline(&pieces));
        // Every record or text line starts on a line of the input.
        let lines = data.split(|b| *b == b'\n').count() as u64;
        prop_assert!(whole.iter().all(|r| (1..=lines).contains(&r.0)));
    }

    #[test]
    fn summary_lean_and_packed_sums_up_calls_as_the_events_do(data in plausible()) {
        let full = read_in_pieces(&data, usize::MAX);
        let lean = analyze_reader(&data[..], InputFormat::Auto, "x", "x", &Analysis { lean: true, ..ALL })
            .expect("reading memory does not fail");
        prop_assert_eq!(outline(&full), outline(&lean));
        prop_assert_eq!(summaries(&full, false), summaries(&lean, true));
    }

    #[test]
    fn records_are_the_same_whatever_the_thread_count(data in plausible()) {
        let one = read_threaded(&data, 1);
        prop_assert_eq!(&one, &read_threaded(&data, 3));
        prop_assert_eq!(&one, &outline(&read_in_pieces(&data, 1 << 20)));
    }
}

/// How many records a fixture holds, counted without callev's framer: the values of a file that
/// is JSON throughout, else its lines that hold something; an array's elements that are objects
/// or arrays count each, the rest once for them all (an empty array once).
fn records_counted_apart(bytes: &[u8]) -> usize {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let count = |v: &serde_json::Value| {
        v.as_array().map_or(1, |a| {
            let values = a.iter().filter(|e| e.is_object() || e.is_array()).count();
            (values + usize::from(values < a.len())).max(1)
        })
    };
    let values: Result<Vec<serde_json::Value>, _> = serde_json::Deserializer::from_slice(bytes)
        .into_iter()
        .collect();
    match values {
        Ok(values) => values.iter().map(count).sum(),
        Err(_) => bytes
            .split(|b| *b == b'\n')
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
            .map(|l| serde_json::from_slice(l).map_or(1, |v| count(&v)))
            .sum(),
    }
}

#[test]
fn every_fixture_record_is_accounted_for() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(dir).unwrap() {
            let file = file.unwrap().path();
            let counter = Arc::new(AtomicU64::new(0));
            let opened = crate::input::open(&Source::Path(file.clone()), false, &counter).unwrap();
            let mut bytes = Vec::new();
            let mut reader = opened.reader;
            reader.read_to_end(&mut bytes).unwrap();
            let records = analyze_reader(&bytes[..], InputFormat::Auto, "x", "x", &ALL).unwrap();
            let mut tally = Tally::default();
            for r in &records {
                tally.add("x", r);
            }
            assert_eq!(
                records.len(),
                records_counted_apart(&bytes),
                "{}",
                file.display()
            );
            assert_eq!(
                tally.records,
                tally.valid + tally.invalid + tally.unparseable + tally.unknown,
                "{}",
                file.display()
            );
            assert_eq!(
                tally.by_vendor().values().sum::<u64>(),
                tally.valid + tally.invalid,
                "{}: every valid or invalid record has a vendor",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} fixtures");
}
