//! Parquet input: callev's own records as `events -o parquet` writes them, read back as the
//! NDJSON records they hold, so every view (summary over many hosts' files) reads them as it
//! reads `events -o ndjson`.

use std::io::{self, Read};

use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

/// A Parquet file's rows as NDJSON lines.
pub(crate) struct Lines {
    batches: ParquetRecordBatchReader,
    text: Vec<u8>,
    at: usize,
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("Parquet: {e}"))
}

/// The key-value entry of the footer that holds the length and CRC-32 (`LEN:8 hex digits`) of
/// the file's data, every byte from its start to the end of its last row group (the page indexes
/// and the footer follow): the parquet crate writes no page checksums, and without one a flipped
/// bit in the data reads as other values. Written by `render::parquet`, checked here.
pub(crate) const CHECKSUM_KEY: &str = "callev.data_crc32";

/// The checksum callev writes in the footer (`CHECKSUM_KEY`), checked against
/// the data it covers: a damaged copy is an error, not other values. Files written by
/// other tools carry none (their page checksums, where they wrote them, are checked as pages
/// are read).
fn verify(bytes: &[u8], metadata: &parquet::file::metadata::ParquetMetaData) -> io::Result<()> {
    let key = CHECKSUM_KEY;
    let Some(expected) = metadata
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|e| e.key == key))
        .and_then(|e| e.value.as_deref())
    else {
        return Ok(());
    };
    let (len, expected) = expected
        .split_once(':')
        .and_then(|(len, sum)| Some((len.parse::<usize>().ok()?, sum)))
        .filter(|(len, _)| *len <= bytes.len())
        .ok_or_else(|| invalid(format!("{key} is damaged: {expected:?}")))?;
    let actual = format!("{:08x}", crc32fast::hash(&bytes[..len]));
    if actual != expected {
        return Err(invalid(format!(
            "the data does not match the checksum callev wrote with it (CRC-32 {actual}, \
             written {expected}): the file is damaged"
        )));
    }
    Ok(())
}

impl Lines {
    pub(crate) fn new(bytes: Vec<u8>) -> io::Result<Lines> {
        let bytes = bytes::Bytes::from(bytes);
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(invalid)?;
        verify(&bytes, builder.metadata())?;
        let batches = builder.with_batch_size(4096).build().map_err(invalid)?;
        Ok(Lines {
            batches,
            text: Vec::new(),
            at: 0,
        })
    }

    /// The next batch of rows as lines; `false` at the end.
    fn fill(&mut self) -> io::Result<bool> {
        let Some(batch) = self.batches.next() else {
            return Ok(false);
        };
        let batch = batch.map_err(invalid)?;
        self.text.clear();
        self.at = 0;
        let mut writer = arrow_json::LineDelimitedWriter::new(&mut self.text);
        writer.write(&batch).map_err(invalid)?;
        writer.finish().map_err(invalid)?;
        Ok(true)
    }
}

impl Read for Lines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.text.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.text.len() - self.at);
        buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
