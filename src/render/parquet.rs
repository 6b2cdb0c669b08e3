//! `-o parquet`: callev's events records as a Parquet file (typed columns, zstd), written a row
//! group at a time to a file or a pipe. The columns are `event_record::COLUMNS`, in their order, so
//! `INSERT INTO call_events SELECT * FROM read_parquet(...)` fills the table `callev schema
//! --sql` makes.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use arrow_array::builder::{
    BooleanBuilder, Int64Builder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::event_record::{ColumnType, ColumnValue, EventRecord, COLUMNS};

/// Rows per row group: a few MB of columns held at a time.
const ROWS: usize = 64 * 1024;

fn data_type(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::Text | ColumnType::Object => DataType::Utf8,
        ColumnType::Int => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Time => DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into())),
        ColumnType::TextList => DataType::List(list_item()),
    }
}

/// A list's item: a string, never null (so an engine reading the file in place types the
/// column as the `call_events` table does, ClickHouse's `Array(String)`).
fn list_item() -> FieldRef {
    Arc::new(Field::new("item", DataType::Utf8, false))
}

/// The Arrow schema of the events records.
pub(crate) fn event_schema() -> SchemaRef {
    Arc::new(Schema::new(
        COLUMNS
            .iter()
            .map(|c| Field::new(c.name, data_type(c.kind), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    Time(TimestampMillisecondBuilder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    /// A column of `rows` rows, its room made at once (a batch's column grown from nothing was
    /// copied a dozen times); text columns get `bytes` a row.
    fn new(kind: ColumnType, rows: usize, bytes: usize) -> Builder {
        match kind {
            ColumnType::Text | ColumnType::Object => {
                Builder::Text(StringBuilder::with_capacity(rows, rows * bytes))
            }
            ColumnType::Int => Builder::Int(Int64Builder::with_capacity(rows)),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            ColumnType::Time => Builder::Time(
                TimestampMillisecondBuilder::with_capacity(rows).with_timezone("+00:00"),
            ),
            ColumnType::TextList => Builder::List(
                ListBuilder::with_capacity(StringBuilder::with_capacity(rows, rows * bytes), rows)
                    .with_field(list_item()),
            ),
        }
    }

    /// A value appended; `scratch` is where the details are written first.
    fn append(&mut self, v: &ColumnValue, scratch: &mut Vec<u8>) {
        match (self, v) {
            (Builder::Text(b), ColumnValue::Text(t)) => b.append_option(*t),
            (Builder::Text(b), ColumnValue::Hex(h)) => match h {
                // Hex digits are ASCII.
                Some(h) => b.append_value(std::str::from_utf8(&h.digits()).unwrap_or_default()),
                None => b.append_null(),
            },
            (Builder::Text(b), ColumnValue::Details(d)) => {
                scratch.clear();
                d.write_json(scratch);
                match simdutf8::basic::from_utf8(scratch) {
                    Ok(text) => b.append_value(text),
                    // Written from strings, the JSON is UTF-8; were it not, it is kept as text.
                    Err(_) => b.append_value(String::from_utf8_lossy(scratch)),
                }
            }
            (Builder::Int(b), ColumnValue::Int(n)) => b.append_option(*n),
            (Builder::Bool(b), ColumnValue::Bool(x)) => b.append_option(*x),
            (Builder::Time(b), ColumnValue::Time(t)) => b.append_option(*t),
            (Builder::List(b), ColumnValue::List(items)) => {
                for i in items.iter() {
                    b.values().append_value(i);
                }
                b.append(true);
            }
            // The record's values come in `COLUMNS`' order and types (a test holds them so).
            (Builder::Text(b), _) => b.append_null(),
            (Builder::Int(b), _) => b.append_null(),
            (Builder::Bool(b), _) => b.append_null(),
            (Builder::Time(b), _) => b.append_null(),
            (Builder::List(b), _) => b.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Time(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
        }
    }
}

/// Column numbers of what only the caller knows: an event's place in its call, and whether it
/// repeats an earlier one.
const SEQ: usize = 8;
const REPEAT: usize = 9;

/// On the workers: a batch's events as typed columns (`seq` and `repeat` left for the caller).
pub(crate) fn columns_of(source: &str, results: &mut crate::record::Results) -> Result<()> {
    let origin = crate::event_record::Origin::read_at(results.read_at);
    let rows = results.records.len();
    // Text of ids, names and paths a row; the details (Object) run longer.
    let bytes = |kind| if kind == ColumnType::Object { 128 } else { 24 };
    let mut builders: Vec<Builder> = COLUMNS
        .iter()
        .map(|c| Builder::new(c.kind, rows, bytes(c.kind)))
        .collect();
    let mut scratch = Vec::new();
    for r in &mut results.records {
        let Some(e) = &mut r.normalized else { continue };
        let mut record = EventRecord::new(source, r.line, e, 0, origin);
        record.offset = r.offset;
        for (b, v) in builders.iter_mut().zip(record.values()) {
            b.append(&v, &mut scratch);
        }
        drop(record);
        // In the columns now: freed here, where they were made.
        if !e.has_aliases() {
            e.details = crate::event::Details::default();
        }
    }
    let columns = builders.iter_mut().map(Builder::finish).collect();
    results.payload = Some(Box::new(RecordBatch::try_new(event_schema(), columns)?));
    Ok(())
}

/// A batch's columns with some rows' call ids replaced (`(row, id)`): events a view found to
/// belong to a call they name by another id (`call::alias`).
pub(crate) fn renamed(batch: RecordBatch, renames: &[(usize, Box<str>)]) -> Result<RecordBatch> {
    if renames.is_empty() {
        return Ok(batch);
    }
    let at = COLUMNS
        .iter()
        .position(|c| c.name == "call_id")
        .ok_or_else(|| anyhow::anyhow!("the events records have no call_id"))?;
    let ids = batch
        .column(at)
        .as_any()
        .downcast_ref::<arrow_array::StringArray>()
        .ok_or_else(|| anyhow::anyhow!("call_id is not text"))?;
    let mut values: Vec<Option<&str>> = ids.iter().collect();
    for (row, id) in renames {
        if let Some(v) = values.get_mut(*row) {
            *v = Some(id);
        }
    }
    let mut columns = batch.columns().to_vec();
    columns[at] = Arc::new(arrow_array::StringArray::from(values));
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// The events of some analyzed records as a whole Parquet file, numbered in order (`seq` from 1,
/// no repeats): what `events -o parquet` writes for them, for checking that it reads back
/// (`invariants`).
pub(crate) fn events_file(source: &str, records: &[crate::record::Analyzed]) -> Result<Vec<u8>> {
    let mut results = crate::record::Results {
        records: records.to_vec(),
        ..Default::default()
    };
    columns_of(source, &mut results)?;
    let rows = records.iter().filter(|r| r.normalized.is_some()).count();
    let mut out = Vec::new();
    let mut parquet = ParquetOut::events()?;
    if let Some(Ok(batch)) = results.payload.map(|p| p.downcast::<RecordBatch>()) {
        let seq = (1..=rows as i64).collect();
        parquet.push(*batch, seq, vec![false; rows], None, &mut out)?;
    }
    parquet.finish(&mut out)?;
    Ok(out)
}

/// Events records as Parquet: each batch's columns made on the workers (`columns_of`); here
/// only `seq`, `repeat` and the rows the filters keep are put in; a thread of its own encodes,
/// compresses and lays out the row groups (`ArrowWriter`), whose bytes come back to be written
/// in order. Built and encoded on the caller's thread, which every row passes through,
/// `-o parquet` ran at half the speed of `-o ndjson`.
pub(crate) struct ParquetOut {
    to_writer: Option<std::sync::mpsc::SyncSender<RecordBatch>>,
    from_writer: std::sync::mpsc::Receiver<Result<Vec<u8>, String>>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl ParquetOut {
    /// Events records: `event_schema`.
    pub(crate) fn events() -> Result<ParquetOut> {
        ParquetOut::new(event_schema())
    }

    pub(crate) fn new(schema: SchemaRef) -> Result<ParquetOut> {
        // Level 1: most of zstd's gain at a fraction of level 3's time. Ids unique per row, an
        // event's details and its byte offset gain nothing from a dictionary: one was built for
        // each and given up (a 300 MB corpus's events file 3% larger, and slower, with them).
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
            .set_max_row_group_row_count(Some(ROWS));
        for unique in [
            "record_id",
            "fingerprint",
            "twin_key",
            "line",
            "seq",
            "details",
            "offset",
        ] {
            props = props.set_column_dictionary_enabled(unique.into(), false);
        }
        let writer = ArrowWriter::try_new(Vec::new(), schema, Some(props.build()))?;
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<RecordBatch>(8);
        let (bytes, from_writer) = std::sync::mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("callev-parquet".into())
            .spawn(move || {
                // The data's checksum, as the bytes go out (see `input::parquet::CHECKSUM_KEY`).
                let mut crc = crc32fast::Hasher::new();
                let mut writer = Some(writer);
                let mut step = |batch: Option<RecordBatch>| -> Result<Vec<u8>> {
                    let Some(w) = writer.as_mut() else {
                        anyhow::bail!("the Parquet file was finished already");
                    };
                    if let Some(b) = batch {
                        w.write(&b)?;
                        let bytes = std::mem::take(w.inner_mut());
                        crc.update(&bytes);
                        return Ok(bytes);
                    }
                    // The end: the last row group and every buffered byte out first, so that
                    // the checksum in the footer covers every byte before it.
                    let Some(done) = writer.take() else {
                        anyhow::bail!("the Parquet file was finished already");
                    };
                    let (mut file, _) = done.into_serialized_writer()?;
                    file.flush()?;
                    let mut bytes = std::mem::take(file.inner_mut());
                    crc.update(&bytes);
                    let sum = format!("{}:{:08x}", file.bytes_written(), crc.clone().finalize());
                    file.append_key_value_metadata(KeyValue::new(
                        crate::input::parquet::CHECKSUM_KEY.to_owned(),
                        sum,
                    ));
                    file.finish()?;
                    bytes.append(file.inner_mut());
                    Ok(bytes)
                };
                for batch in batches.iter().map(Some).chain([None]) {
                    let done = batch.is_none();
                    let sent = bytes.send(step(batch).map_err(|e| format!("{e:#}")));
                    if sent.is_err() || done {
                        return;
                    }
                }
            })?;
        Ok(ParquetOut {
            to_writer: Some(to_writer),
            from_writer,
            writer: Some(handle),
        })
    }

    /// A batch's columns with each row's `seq` and `repeat`, keeping the rows `keep` says; what
    /// the writing thread has written so far goes out.
    pub(crate) fn push(
        &mut self,
        batch: RecordBatch,
        seq: Vec<i64>,
        repeat: Vec<bool>,
        keep: Option<Vec<bool>>,
        out: &mut dyn Write,
    ) -> Result<()> {
        let mut columns = batch.columns().to_vec();
        columns[SEQ] = Arc::new(arrow_array::Int64Array::from(seq));
        columns[REPEAT] = Arc::new(arrow_array::BooleanArray::from(repeat));
        let mut batch = RecordBatch::try_new(batch.schema(), columns)?;
        if let Some(keep) = keep {
            let mask = arrow_array::BooleanArray::from(keep);
            batch = arrow_select::filter::filter_record_batch(&batch, &mask)?;
        }
        self.send(batch, out)
    }

    /// A batch of rows for the writing thread; what it has written so far goes out.
    pub(crate) fn send(&mut self, batch: RecordBatch, out: &mut dyn Write) -> Result<()> {
        if batch.num_rows() > 0 {
            match &self.to_writer {
                Some(tx) if tx.send(batch).is_ok() => {}
                _ => return Err(self.failure()),
            }
        }
        while let Ok(bytes) = self.from_writer.try_recv() {
            out.write_all(&bytes.map_err(anyhow::Error::msg)?)?;
        }
        Ok(())
    }

    /// Why the writing thread stopped.
    fn failure(&mut self) -> anyhow::Error {
        while let Ok(bytes) = self.from_writer.recv() {
            if let Err(e) = bytes {
                return anyhow::Error::msg(e);
            }
        }
        anyhow::anyhow!("the Parquet writing thread stopped")
    }

    /// The last row group and the file's footer, and every byte not yet written.
    pub(crate) fn finish(mut self, out: &mut dyn Write) -> Result<()> {
        self.to_writer = None;
        for bytes in self.from_writer.iter() {
            out.write_all(&bytes.map_err(anyhow::Error::msg)?)?;
        }
        if let Some(h) = self.writer.take() {
            h.join()
                .map_err(|_| anyhow::anyhow!("the Parquet writing thread panicked"))?;
        }
        Ok(())
    }
}

/// The summary record's columns, typed by its values (`CallSummary::fields`).
pub(crate) fn summary_schema() -> SchemaRef {
    let probe = crate::call::CallState::new(String::new(), crate::vendor_id::Vendor::default())
        .into_summary();
    Arc::new(Schema::new(
        probe
            .fields()
            .iter()
            .map(|(name, v)| {
                let (kind, nullable) = summary_type(v);
                Field::new(*name, data_type(kind), nullable)
            })
            .collect::<Vec<_>>(),
    ))
}

fn summary_type(v: &crate::call::SummaryValue) -> (ColumnType, bool) {
    use crate::call::SummaryValue as V;
    match v {
        V::Text(_) => (ColumnType::Text, false),
        V::OptText(_) => (ColumnType::Text, true),
        V::Count(_) => (ColumnType::Int, false),
        V::Ms(_) => (ColumnType::Int, true),
        V::Time(_) => (ColumnType::Time, true),
        V::List(_) => (ColumnType::TextList, false),
    }
}

/// Summary records as Parquet: rows gathered into columns, a row group at a time.
pub(crate) struct ParquetSummary {
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
    out: ParquetOut,
}

impl ParquetSummary {
    pub(crate) fn new() -> Result<ParquetSummary> {
        let schema = summary_schema();
        Ok(ParquetSummary {
            builders: schema
                .fields()
                .iter()
                .map(|f| {
                    Builder::new(
                        match f.data_type() {
                            DataType::Int64 => ColumnType::Int,
                            DataType::Timestamp(..) => ColumnType::Time,
                            DataType::List(_) => ColumnType::TextList,
                            _ => ColumnType::Text,
                        },
                        0,
                        0,
                    )
                })
                .collect(),
            out: ParquetOut::new(Arc::clone(&schema))?,
            schema,
            rows: 0,
        })
    }

    pub(crate) fn push(&mut self, s: &crate::call::CallSummary, out: &mut dyn Write) -> Result<()> {
        use crate::call::SummaryValue as V;
        for (b, (_, v)) in self.builders.iter_mut().zip(s.fields()) {
            let items: Vec<&str>;
            let value = match v {
                V::Text(t) => ColumnValue::Text(Some(t)),
                V::OptText(t) => ColumnValue::Text(t),
                V::Count(n) => ColumnValue::Int(i64::try_from(n).ok()),
                V::Ms(ms) => ColumnValue::Int(ms),
                V::Time(t) => ColumnValue::Time(t),
                V::List(l) => {
                    items = l.iter().map(String::as_str).collect();
                    ColumnValue::List(&items)
                }
            };
            b.append(&value, &mut Vec::new());
        }
        self.rows += 1;
        if self.rows >= ROWS {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut dyn Write) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let columns = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), columns)?;
        self.rows = 0;
        self.out.send(batch, out)
    }

    pub(crate) fn finish(mut self, out: &mut dyn Write) -> Result<()> {
        self.flush(out)?;
        self.out.finish(out)
    }
}
