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

impl Lines {
    pub(crate) fn new(bytes: Vec<u8>) -> io::Result<Lines> {
        let batches = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .and_then(|b| b.with_batch_size(4096).build())
            .map_err(invalid)?;
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
