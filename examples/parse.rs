//! How fast records are read into callev's JSON tree, by callev's reader and by serde_json's, on
//! one core: `cargo run --release --example parse -- FILE.ndjson` (one record per line).

use std::time::Instant;

use callev::json::{fast, Json};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse FILE.ndjson");
        std::process::exit(2);
    };
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("parse: failed to read {path}: {e}");
            std::process::exit(2);
        }
    };
    let lines: Vec<&[u8]> = data
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mb = data.len() as f64 / 1e6;
    for (name, reader) in [("callev", 0), ("serde_json", 1)] {
        let mut best = f64::MAX;
        let mut read = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let mut scratch = fast::Scratch::default();
            read = 0;
            for l in &lines {
                let ok = if reader == 0 {
                    Json::parse_with(l, &mut scratch).is_ok()
                } else {
                    serde_json::from_slice::<Json>(l).is_ok()
                };
                read += usize::from(ok);
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{name:>10}: {:>5.0} MB/s ({read} of {} lines read)",
            mb / best,
            lines.len()
        );
    }
}
