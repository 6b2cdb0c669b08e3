//! A call's records read again when it is opened: from its file at the places its batches were
//! (a plain file), or from the bytes held for an input that cannot be read again; framed and
//! analyzed as the first reading did, so the events, their findings and the text are exactly
//! what was read.

use std::io::{Read, Seek, SeekFrom};

use anyhow::{Context, Result};

use super::model::{BatchAt, CallRow};
use crate::input::{Framer, InputFormat, Source};
use crate::record::{analyze_batch, Analysis, Analyzed};

/// One record of a call, read again.
#[derive(Debug)]
pub(crate) struct ReadRecord {
    pub(crate) source: String,
    pub(crate) line: u64,
    /// Its text as read (a log line's JSON with its prefix).
    pub(crate) text: String,
    pub(crate) analyzed: Analyzed,
}

/// The bytes of a batch, as first read.
fn bytes(at: &BatchAt, sources: &[Source]) -> Result<Vec<u8>> {
    if let Some(held) = &at.held {
        return zstd::bulk::decompress(held, 1 << 30).context("the held input is damaged");
    }
    let (Some(stored), Some(Source::Path(path))) = (at.stored, sources.get(at.source as usize))
    else {
        anyhow::bail!("this input was not kept and cannot be read again");
    };
    let mut file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    file.seek(SeekFrom::Start(stored.offset))?;
    let mut data = Vec::with_capacity(usize::try_from(stored.len).unwrap_or_default());
    file.take(stored.len).read_to_end(&mut data)?;
    Ok(data)
}

/// The records of one batch, with their text.
pub(crate) fn batch_records(
    at: &BatchAt,
    sources: &[Source],
    format: InputFormat,
    analysis: &Analysis,
) -> Result<Vec<ReadRecord>> {
    let data = bytes(at, sources)?;
    let source = sources
        .get(at.source as usize)
        .map(Source::name)
        .unwrap_or_default();
    let stem = sources
        .get(at.source as usize)
        .map(Source::stem)
        .unwrap_or_default();
    let line = at.line;
    // Framed once already: what was taken then (callev's own records too) is taken again.
    let mut framer = Framer::new(std::io::Cursor::new(data), 0, format)
        .max_record(crate::input::frame::OWN_RECORD)
        .starting_at(line);
    // Read again, nothing is held.
    let analysis = Analysis {
        hold: false,
        ..*analysis
    };
    let mut out = Vec::new();
    while let Some(batch) = framer.next_batch()? {
        let results = analyze_batch(&batch, &source, &stem, &analysis, Default::default());
        for analyzed in results.records {
            let text = batch
                .records
                .iter()
                .find(|raw| raw.line == analyzed.line)
                .map(|raw| String::from_utf8_lossy(batch.text(raw)).into_owned())
                .unwrap_or_default();
            out.push(ReadRecord {
                source: source.clone(),
                line: analyzed.line,
                text,
                analyzed,
            });
        }
    }
    Ok(out)
}

/// The records of the call a row shows, in the order read.
pub(crate) fn call_records(
    row: &CallRow,
    batches: &[BatchAt],
    sources: &[Source],
    format: InputFormat,
    analysis: &Analysis,
) -> Result<Vec<ReadRecord>> {
    let mut out = Vec::new();
    for &b in &row.batches {
        let Some(at) = batches.get(b as usize) else {
            continue;
        };
        for r in batch_records(at, sources, format, analysis)? {
            let place = (b, r.line);
            let ours = r
                .analyzed
                .normalized
                .as_ref()
                .and_then(|e| e.call_id.as_deref())
                == Some(&*row.id);
            if ours && place >= row.first && place <= row.last {
                out.push(r);
            }
        }
    }
    Ok(out)
}
