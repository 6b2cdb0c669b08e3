//! callev's JSON reader (`callev::json::Json::parse_with`: a borrowed tree, a hand-written fast
//! path and serde_json behind it) against serde_json's own `Value`, sonic-rs's `Value`, sonic-rs
//! building callev's tree through serde, and simd-json's borrowed value, one record a line, one
//! core, best of five passes, MB/s.

use std::time::Instant;

use callev::json::{fast, Json};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: callev-parsers-bench FILE.ndjson");
        std::process::exit(2);
    };
    let data = std::fs::read(&path).expect("the corpus reads");
    let lines: Vec<&[u8]> = data
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mb = data.len() as f64 / 1e6;
    let mut copy: Vec<u8> = Vec::new();
    for name in [
        "callev",
        "serde_json::Value",
        "sonic_rs::Value",
        "sonic_rs into callev's",
        "simd_json borrowed",
    ] {
        let mut best = f64::MAX;
        let mut read = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let mut scratch = fast::Scratch::default();
            read = 0;
            for l in &lines {
                let ok = match name {
                    "callev" => Json::parse_with(l, &mut scratch).is_ok(),
                    "serde_json::Value" => serde_json::from_slice::<serde_json::Value>(l).is_ok(),
                    "sonic_rs::Value" => sonic_rs::from_slice::<sonic_rs::Value>(l).is_ok(),
                    // sonic-rs's serde deserializer building callev's borrowed tree: what
                    // adopting it without rewriting the stages would parse into.
                    "sonic_rs into callev's" => sonic_rs::from_slice::<Json>(l).is_ok(),
                    _ => {
                        // simd-json parses in place: the copy is part of its cost.
                        copy.clear();
                        copy.extend_from_slice(l);
                        simd_json::to_borrowed_value(&mut copy).is_ok()
                    }
                };
                read += usize::from(ok);
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{name:>20}: {:>6.0} MB/s ({read} of {} lines)",
            mb / best,
            lines.len()
        );
    }
}
