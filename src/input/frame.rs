//! Framing: bytes into records, each with the 1-based line where it starts. One pass, line by
//! line, in a single thread; it only decides where records begin and end and leaves parsing to
//! the workers. A line that starts with `{` and ends with `}` (NDJSON, the common case) costs one
//! newline search. Pretty-printed values and arrays go through a small structural scanner that
//! tracks strings and brackets. After a broken value the framer resynchronises at the next line
//! that starts a record at column 0, so one bad record never costs the rest of the file.

use std::io::{self, Read};

/// How much is read at a time; a batch holds the complete lines of one read.
pub(crate) const BLOCK: usize = 256 * 1024;

/// The largest record accepted; a longer one is reported and skipped, keeping memory bounded.
pub(crate) const MAX_RECORD: usize = 64 << 20;

/// The longest of callev's own records read back (its Parquet): a record written from an input
/// record within `MAX_RECORD` repeats a value in up to three columns beside its details, so
/// what callev writes it reads.
pub(crate) const OWN_RECORD: usize = 4 * MAX_RECORD;

/// Whether a line begins as callev's own events record does (`{"source":"…","line":N,
/// "vendor":`): such a line, written from an input record within `MAX_RECORD`, may be longer
/// than any input record, and is taken up to `OWN_RECORD` so that what callev writes it reads.
pub(crate) fn own_record_start(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"{\"source\":\"") else {
        return false;
    };
    // The source's name (a path): look a little way in for the end of its string.
    let head = &rest[..rest.len().min(8192)];
    let mut i = 0;
    let end = loop {
        match head.get(i) {
            None => return false,
            Some(b'\\') => i += 2,
            Some(b'"') => break i,
            Some(_) => i += 1,
        }
    };
    let Some(rest) = head[end + 1..].strip_prefix(b",\"line\":") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b",\"vendor\":")
}

/// What makes these bytes not text, if anything: NUL bytes, or bytes that are not UTF-8
/// (binary data, a torn write, text in another encoding).
pub(crate) fn not_text(bytes: &[u8]) -> Option<&'static str> {
    if memchr::memchr(0, bytes).is_some() {
        Some("NUL bytes")
    } else if std::str::from_utf8(bytes).is_err() {
        Some("bytes that are not UTF-8")
    } else {
        None
    }
}

/// How much of a damaged record is kept with it: its first bytes name its vendor's event and its
/// call, if anything does.
const DAMAGED_KEPT: usize = 4096;

/// How an input is framed (`--input-format`): auto tells JSON, NDJSON and log lines apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InputFormat {
    Auto,
    Json,
    Ndjson,
    Log,
}

/// What a framed record is, before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One JSON value, or several concatenated on one line, or a whole array on one line.
    Json,
    /// One element of a top-level array that spans lines.
    Element,
    /// A log line: a text prefix, then a JSON object from `json_at` (absolute index into data).
    Log { json_at: usize },
    /// Bytes that cannot be a record, with the reason.
    Broken(String),
    /// A JSON value followed on its line by text that is not JSON (from `text_at`, absolute):
    /// the value is the record, the text a finding on it.
    Followed { text_at: usize },
    /// An array's elements that are not objects or arrays (`[0,0,…]`), this many, the first of
    /// this kind: not events, and one finding for them all.
    Scalars { count: u64, kind: &'static str },
    /// A line with no JSON value in it (log chatter, a stack frame, a banner): not a record.
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raw {
    pub(crate) line: u64,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) shape: Shape,
    /// Which top-level array of the source the record belongs to (1-based), 0 when none.
    pub(crate) group: u32,
    /// Whether it comes from a log rather than a capture of payloads: its line had a text
    /// prefix, or its source showed text or prefixed lines before it (or `--input-format log`).
    /// A JSON value of no known vendor is a log's other JSON, but a capture's unknown record.
    pub(crate) log: bool,
}

/// The records of one read of one source, and the bytes they point into.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub(crate) source: usize,
    pub(crate) data: Vec<u8>,
    pub(crate) records: Vec<Raw>,
    /// Reading a followed file started again before these records (their lines count from 1).
    pub(crate) restart: Option<super::follow::Restart>,
    /// The batch ends where the source's content passes a multiple of `BLOCK` bytes (at the
    /// first line end after it): where views that work in windows of input take stock. Those
    /// places depend on the content alone, not on how reads happened to return it (a file, a
    /// pipe, gzip), so the same content gives the same output.
    pub(crate) tick: bool,
    /// When the reader read it (milliseconds since the epoch): the records' `received_at`,
    /// which follows the order of reading whatever thread writes the records.
    pub(crate) read_at: crate::time::Millis,
    /// How much of `data` is the input's lines as read; copies of values that span lines
    /// follow.
    pub(crate) lines: usize,
    /// The number of its first line.
    pub(crate) first_line: u64,
    /// Where `data` begins in the source's (decompressed) stream.
    pub(crate) offset: u64,
    /// Its source is a plain file and no value was open at its start: its lines framed again
    /// from `offset` give the same records (`stored`).
    pub(crate) again: bool,
}

/// Where a batch's lines are in a plain file (`len` bytes from `offset`): what `browse` keeps
/// instead of the records, to read them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) offset: u64,
    pub(crate) len: u64,
}

impl Batch {
    pub(crate) fn text(&self, raw: &Raw) -> &[u8] {
        &self.data[raw.start..raw.end]
    }

    /// Where its lines are in their file, when they can be read again there.
    pub(crate) fn stored(&self) -> Option<Stored> {
        self.again.then_some(Stored {
            offset: self.offset,
            len: self.lines as u64,
        })
    }
}

/// The time now, in milliseconds since the epoch.
fn now() -> crate::time::Millis {
    chrono::Utc::now().timestamp_millis()
}

/// Tracks strings and brackets across lines to find where a value ends, and enough of the
/// grammar (which container is innermost, the last token) to tell where a value cannot go on:
/// there, a damaged value ends and the next one starts.
#[derive(Debug, Default, Clone)]
struct Scan {
    depth: u32,
    in_str: bool,
    esc: bool,
    /// One bit per open container, innermost at `depth - 1`: set for an object.
    objects: Vec<u64>,
    /// The last byte outside strings that is not whitespace (`"` for a string's end).
    last: u8,
}

impl Scan {
    /// Feed bytes; return the index just past the value's end when it ends inside `bytes`. A
    /// scalar element ends before a `,` or `]` at depth 0.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.in_str {
                if self.esc {
                    self.esc = false;
                } else if b == b'\\' {
                    self.esc = true;
                } else if b == b'"' {
                    self.in_str = false;
                    self.last = b'"';
                } else if let Some(skip) = memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                    // Jump over the string's plain run.
                    i += skip;
                    continue;
                } else {
                    return None;
                }
            } else {
                match b {
                    b'"' => self.in_str = true,
                    b'{' | b'[' => {
                        self.open(b == b'{');
                        self.last = b;
                    }
                    b'}' | b']' => {
                        if self.depth == 0 {
                            return Some(i);
                        }
                        self.depth -= 1;
                        self.last = b;
                        if self.depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    b',' if self.depth == 0 => return Some(i),
                    b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => self.last = b,
                }
            }
            i += 1;
        }
        None
    }

    fn open(&mut self, object: bool) {
        let (word, bit) = ((self.depth / 64) as usize, self.depth % 64);
        if word == self.objects.len() {
            self.objects.push(0);
        }
        if object {
            self.objects[word] |= 1 << bit;
        } else {
            self.objects[word] &= !(1 << bit);
        }
        self.depth += 1;
    }

    /// Whether the innermost open container is an object.
    fn in_object(&self) -> bool {
        self.depth > 0 && {
            let at = self.depth - 1;
            self.objects[(at / 64) as usize] & (1 << (at % 64)) != 0
        }
    }

    /// Whether `b` may come next, of `{`, `[` and `]`: where it may not, the value is damaged.
    fn accepts(&self, b: u8) -> bool {
        if self.in_str {
            return true;
        }
        match b {
            b'{' | b'[' if self.in_object() => self.last == b':',
            b'{' | b'[' => self.depth > 0 && matches!(self.last, b'[' | b','),
            // A scalar element (depth 0) ends at the array's `]`.
            b']' => !self.in_object(),
            _ => true,
        }
    }
}

/// A top-level array being framed, element by element.
#[derive(Debug)]
struct Array {
    group: u32,
    line: u64,
    /// Elements that are not objects or arrays (`[0,0,…]`): not events, one finding for them
    /// all (with the first's line and kind), not a record each.
    scalars: u64,
    scalar_line: u64,
    scalar_kind: &'static str,
    /// After a damaged element: skip lines until one at this indentation or less starts an
    /// element or closes the array.
    skip_to: Option<usize>,
    /// A damaged element that starts on the array's own line was reported: the array's not
    /// closing is the same damage, not a second finding.
    reported: bool,
}

/// A value spanning lines, being gathered.
#[derive(Debug, Default)]
struct Pending {
    bytes: Vec<u8>,
    line: u64,
    scan: Scan,
    element: bool,
    /// The indentation of the line it starts on.
    indent: usize,
}

#[derive(Debug)]
enum Mode {
    Top,
    /// Inside a top-level array (opened on `line`): elements become records.
    Array(Array),
    /// After an oversized record: skip lines until one starts a record at column 0.
    Skip,
}

pub(crate) struct Framer<R> {
    reader: R,
    source: usize,
    format: InputFormat,
    chunk: Box<[u8]>,
    buf: Vec<u8>,
    /// Number of the first line in `buf`.
    line: u64,
    eof: bool,
    /// The read that failed (a truncated zstd or bzip2 stream, a device error): reported once
    /// every whole line read before it is framed, and the partial last line as damage.
    failed: Option<io::Error>,
    at_start: bool,
    mode: Mode,
    pending: Option<Pending>,
    groups: u32,
    /// Discarding the rest of an over-long line.
    discarding: bool,
    /// The indentation of the line being framed.
    lead: usize,
    /// The source has shown a text line or a prefixed line: it is a log.
    log: bool,
    /// A followed file's restarts, and one taken but not yet handed on with a batch.
    restarts: Option<std::sync::Arc<std::sync::atomic::AtomicU8>>,
    restart: Option<super::follow::Restart>,
    /// Bytes framed since the last tick (see `Batch::tick`).
    framed: usize,
    /// Bytes of the stream before `buf`.
    consumed: u64,
    /// The stream is a plain file that can be read again at an offset (`Batch::stored`).
    seekable: bool,
    /// A read may wait for more input (a pipe, a followed file): lines already read are framed
    /// before reading again, never held back until more comes.
    may_block: bool,
    /// The longest record taken (`MAX_RECORD`; `OWN_RECORD` for callev's own records).
    max_record: usize,
}

/// Records found in one call to `Framer::line`, with copies of multi-line values.
struct Out<'a> {
    records: &'a mut Vec<Raw>,
    extra: &'a mut Vec<u8>,
    /// Where `extra` will start in the batch's data.
    base: usize,
}

impl Out<'_> {
    fn push_copy(&mut self, line: u64, bytes: &[u8], shape: Shape, group: u32, log: bool) {
        let start = self.base + self.extra.len();
        self.extra.extend_from_slice(bytes);
        self.records.push(Raw {
            line,
            start,
            end: start + bytes.len(),
            shape,
            group,
            log,
        });
    }

    fn empty(&mut self, line: u64, shape: Shape) {
        let at = self.base + self.extra.len();
        self.records.push(Raw {
            line,
            start: at,
            end: at,
            shape,
            group: 0,
            log: false,
        });
    }

    fn broken(&mut self, line: u64, why: String) {
        self.empty(line, Shape::Broken(why));
    }

    /// A damaged record, keeping its first bytes: enough to tell which call it names.
    fn broken_with(&mut self, line: u64, why: String, bytes: &[u8], log: bool) {
        let keep = &bytes[..bytes.len().min(DAMAGED_KEPT)];
        self.push_copy(line, keep, Shape::Broken(why), 0, log);
    }

    fn text(&mut self, line: u64) {
        self.empty(line, Shape::Text);
    }

    /// An array's elements that are not objects, as one record.
    fn scalars(&mut self, array: &Array, log: bool) {
        if array.scalars > 0 {
            self.empty(
                array.scalar_line,
                Shape::Scalars {
                    count: array.scalars,
                    kind: array.scalar_kind,
                },
            );
            if let Some(r) = self.records.last_mut() {
                r.group = array.group;
                r.log = log;
            }
        }
    }
}

/// What kind of JSON value a scalar element is, by its text; `None` when it is not one.
fn scalar_kind(text: &[u8]) -> Option<&'static str> {
    serde_json::from_slice::<serde::de::IgnoredAny>(text).ok()?;
    Some(match text.first() {
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    })
}

fn trim_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
        end -= 1;
    }
    &b[..end]
}

fn leading_ws(b: &[u8]) -> usize {
    b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count()
}

/// Whether a line at column 0 starts a new record, which ends a pending value that never closed.
fn starts_record(raw: &[u8]) -> bool {
    matches!(raw.first(), Some(b'{' | b'['))
        || (raw.first() == Some(&b',') && raw.get(1) == Some(&b'{'))
}

/// Whether a line cannot go on a JSON value spanning lines: at column 0 it begins with a letter
/// or a digit and is not a bare JSON literal or number (`true,`, `12`). Log lines (a timestamp
/// or a level first) and text are such lines: a value still open before one never closes, and
/// the line is read afresh, so one damaged record never takes the lines after it.
fn cannot_continue_json(raw: &[u8]) -> bool {
    let Some(first) = raw.first() else {
        return false;
    };
    if !first.is_ascii_alphanumeric() {
        return false;
    }
    let end = raw
        .iter()
        .rposition(|b| !matches!(b, b',' | b']' | b'}' | b' ' | b'\t'))
        .map_or(0, |i| i + 1);
    !is_json_scalar(&raw[..end])
}

/// Whether the bytes are a bare JSON literal or number, a value rather than a line of text.
fn is_json_scalar(value: &[u8]) -> bool {
    matches!(value, b"true" | b"false" | b"null")
        || (value.iter().any(u8::is_ascii_digit)
            && value
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')))
}

impl<R: Read> Framer<R> {
    pub(crate) fn new(reader: R, source: usize, format: InputFormat) -> Self {
        Framer {
            reader,
            source,
            format,
            chunk: vec![0; BLOCK].into_boxed_slice(),
            buf: Vec::with_capacity(BLOCK),
            line: 1,
            eof: false,
            failed: None,
            at_start: true,
            mode: Mode::Top,
            pending: None,
            groups: 0,
            discarding: false,
            lead: 0,
            log: format == InputFormat::Log,
            restarts: None,
            restart: None,
            framed: 0,
            consumed: 0,
            seekable: false,
            may_block: false,
            max_record: MAX_RECORD,
        }
    }

    /// Take records up to `max` bytes (callev's own records: `OWN_RECORD`).
    pub(crate) fn max_record(mut self, max: usize) -> Self {
        self.max_record = max;
        self
    }

    /// Reads may wait for more input (see `Framer::may_block`).
    pub(crate) fn may_block(mut self, may_block: bool) -> Self {
        self.may_block = may_block;
        self
    }

    /// The stream is a plain file, read from its start, that can be read again at an offset:
    /// batches say where they are in it (`Batch::stored`).
    pub(crate) fn seekable(mut self, seekable: bool) -> Self {
        self.seekable = seekable;
        self
    }

    /// Number the first line `line` (framing part of a file again, from a batch's start).
    pub(crate) fn starting_at(mut self, line: u64) -> Self {
        self.line = line;
        self
    }

    /// Where the buffer's next tick falls: the end of the first line that reaches the next
    /// multiple of `BLOCK` bytes, if the buffer has it.
    fn tick_at(&self) -> Option<usize> {
        let need = BLOCK.saturating_sub(self.framed).max(1);
        if self.buf.len() < need {
            return None;
        }
        memchr::memchr(b'\n', &self.buf[need - 1..]).map(|i| need + i)
    }

    /// Watch a followed file's restarts: after one, line numbers start at 1 again and the
    /// unfinished last line of what was read before is dropped.
    pub(crate) fn watching(
        mut self,
        restarts: Option<std::sync::Arc<std::sync::atomic::AtomicU8>>,
    ) -> Self {
        self.restarts = restarts;
        self
    }

    /// The next batch of records; `None` at the end of the input. Each read's complete lines are
    /// framed at once, so a slow pipe yields small batches promptly.
    pub(crate) fn next_batch(&mut self) -> io::Result<Option<Batch>> {
        loop {
            if self.eof && self.buf.is_empty() {
                let last = self.finish();
                return match (last, self.failed.take()) {
                    (Some(batch), failed) => {
                        self.failed = failed;
                        Ok(Some(batch))
                    }
                    (None, Some(e)) => Err(e),
                    (None, None) => Ok(None),
                };
            }
            let lines_waiting = self.may_block && memchr::memchr(b'\n', &self.buf).is_some();
            if !self.discarding && (lines_waiting || self.tick_at().is_some()) {
                if let Some(batch) = self.frame_buffered() {
                    return Ok(Some(batch));
                }
            }
            if !self.eof {
                // Read into a buffer zeroed once and reused, then append: a small read (a slow
                // pipe, a followed file) costs what it brings, not a block's worth of zeroes.
                // A read stops at the next tick, so that batches come whole: one of a block,
                // not one short of it and then a line (a few bytes past, to find the line end).
                let room = BLOCK.saturating_sub(self.framed + self.buf.len());
                let size = if room >= 4096 {
                    room.min(self.chunk.len())
                } else {
                    self.chunk.len()
                };
                let n = loop {
                    match self.reader.read(&mut self.chunk[..size]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        // What was read before stays read: the input ends here, and the error
                        // is said after it (see `failed`).
                        Err(e) => {
                            self.failed = Some(e);
                            break 0;
                        }
                    }
                };
                let before = self.buf.len();
                self.buf.extend_from_slice(&self.chunk[..n]);
                if n == 0 {
                    self.eof = true;
                }
                let restart = self
                    .restarts
                    .as_deref()
                    .and_then(super::follow::Restart::take);
                if let Some(restart) = restart {
                    // The old file's lines were framed before this read (`may_block`): what is
                    // left of it is a line or a value it never finished, reported as such.
                    let old: Vec<u8> = self.buf.drain(..before).collect();
                    let lost = self.unfinished(&old, restart);
                    self.consumed = 0;
                    self.line = 1;
                    self.mode = Mode::Top;
                    self.discarding = false;
                    self.restart = Some(restart);
                    if let Some(lost) = lost {
                        return Ok(Some(lost));
                    }
                }
            }
            if let Some(batch) = self.frame_buffered() {
                return Ok(Some(batch));
            }
        }
    }

    /// Frame the complete lines in the buffer (all of it at the end of input).
    fn frame_buffered(&mut self) -> Option<Batch> {
        let mut records = Vec::new();
        let mut extra = Vec::new();
        if self.discarding {
            match memchr::memchr(b'\n', &self.buf) {
                Some(nl) => {
                    self.buf.drain(..=nl);
                    self.consumed += nl as u64 + 1;
                    self.line += 1;
                    self.discarding = false;
                }
                None => {
                    self.consumed += self.buf.len() as u64;
                    self.buf.clear();
                    return None;
                }
            }
        }
        let tick = if self.discarding {
            None
        } else {
            self.tick_at()
        };
        let consumed = if let Some(at) = tick {
            at
        } else if self.eof {
            self.buf.len()
        } else {
            match memchr::memrchr(b'\n', &self.buf) {
                Some(nl) => nl + 1,
                None => {
                    let mut max = self.max_record;
                    if self.buf.len() > max && max < OWN_RECORD && own_record_start(&self.buf) {
                        max = OWN_RECORD;
                    }
                    if self.buf.len() > max {
                        let mut out = Out {
                            records: &mut records,
                            extra: &mut extra,
                            base: 0,
                        };
                        out.broken(
                            self.line,
                            format!(
                                "line longer than {} MiB; skipped to the next line",
                                max >> 20
                            ),
                        );
                        self.consumed += self.buf.len() as u64;
                        self.buf.clear();
                        self.discarding = true;
                        return Some(self.without_lines(records, self.line));
                    }
                    return None;
                }
            }
        };
        self.framed = match tick {
            Some(_) => 0,
            None => self.framed + consumed,
        };
        let first_line = self.line;
        let offset = self.consumed;
        // Framed again from here, the batch gives the same records when no value is open.
        let again = self.seekable && self.pending.is_none() && matches!(self.mode, Mode::Top);
        self.consumed += consumed as u64;
        let data: Vec<u8> = if consumed == self.buf.len() {
            std::mem::take(&mut self.buf)
        } else {
            let rest = self.buf.split_off(consumed);
            std::mem::replace(&mut self.buf, rest)
        };
        {
            let mut out = Out {
                records: &mut records,
                extra: &mut extra,
                base: data.len(),
            };
            let mut pos = 0;
            while pos < data.len() {
                let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
                self.line_at(&data, pos, end, &mut out);
                self.line += 1;
                pos = end + 1;
            }
        }
        let mut data = data;
        let lines = data.len();
        data.extend_from_slice(&extra);
        if records.is_empty() && !self.eof && tick.is_none() {
            return None;
        }
        Some(Batch {
            source: self.source,
            data,
            records,
            restart: self.restart.take(),
            tick: tick.is_some(),
            read_at: now(),
            lines,
            first_line,
            offset,
            again,
        })
    }

    /// A batch of records that stand for no lines (a line skipped for its length, a value the
    /// input ends inside).
    fn without_lines(&mut self, records: Vec<Raw>, line: u64) -> Batch {
        Batch {
            source: self.source,
            data: Vec::new(),
            records,
            restart: self.restart.take(),
            tick: false,
            read_at: now(),
            lines: 0,
            first_line: line,
            offset: self.consumed,
            again: false,
        }
    }

    /// What a followed file held when it was truncated or replaced and that never ended: a value
    /// still open, a last line without its end. A batch of damaged records, if any.
    fn unfinished(&mut self, partial: &[u8], restart: super::follow::Restart) -> Option<Batch> {
        let what = match restart {
            super::follow::Restart::Truncated => "truncated",
            super::follow::Restart::Replaced => "replaced",
        };
        let mut records = Vec::new();
        let mut extra = Vec::new();
        let mut out = Out {
            records: &mut records,
            extra: &mut extra,
            base: 0,
        };
        let pending = self.pending.take();
        let open = pending.is_some();
        if let Some(mut p) = pending {
            // Its unfinished last line is the same damage.
            p.bytes.push(b'\n');
            p.bytes.extend_from_slice(partial);
            out.broken_with(
                p.line,
                format!("the file was {what} before this JSON value was finished"),
                &p.bytes,
                self.log,
            );
        }
        if let Mode::Array(array) = std::mem::replace(&mut self.mode, Mode::Top) {
            out.scalars(&array, self.log);
        }
        if !open && !trim_end(partial).is_empty() && !self.discarding {
            out.broken_with(
                self.line,
                format!("the file was {what} before this line was finished"),
                partial,
                self.log,
            );
        }
        let line = records.first()?.line;
        let mut batch = self.without_lines(records, line);
        batch.data = extra;
        Some(batch)
    }

    /// At the end of input: a value still open is reported as cut short.
    fn finish(&mut self) -> Option<Batch> {
        let mut records = Vec::new();
        let mut extra = Vec::new();
        let mut out = Out {
            records: &mut records,
            extra: &mut extra,
            base: 0,
        };
        let pending = self.pending.take();
        let open = pending.is_some();
        if let Some(p) = pending {
            out.broken_with(
                p.line,
                "the input ends inside this JSON value (truncated?)".to_owned(),
                &p.bytes,
                self.log,
            );
        }
        if let Mode::Array(array) = std::mem::replace(&mut self.mode, Mode::Top) {
            // Its elements so far are records; the array itself is cut short, unless that is
            // the damage already reported.
            if !open && !array.reported {
                out.broken(
                    array.line,
                    "the input ends inside this JSON array, which never closes (truncated?)"
                        .to_owned(),
                );
            }
            out.scalars(&array, self.log);
        }
        let line = records.first()?.line;
        let mut batch = self.without_lines(records, line);
        batch.data = extra;
        Some(batch)
    }

    fn line_at(&mut self, data: &[u8], start: usize, end: usize, out: &mut Out) {
        let mut start = start;
        if self.at_start {
            self.at_start = false;
            if data[start..end].starts_with(b"\xEF\xBB\xBF") {
                start += 3;
            }
        }
        let raw = trim_end(&data[start..end]);
        let lead = leading_ws(raw);
        self.lead = lead;
        if let Some(mut p) = self.pending.take() {
            // Where an element's text cannot go on (`{` after a member's value, `]` inside an
            // object) on a line indented no deeper than the element's own start, a new element
            // starts or the array closes: the damaged element ends there, not with the array.
            let resync = p.element
                && lead <= p.indent
                && raw
                    .get(lead)
                    .is_some_and(|&b| matches!(b, b'{' | b'[' | b']') && !p.scan.accepts(b));
            if starts_record(raw) || cannot_continue_json(raw) || resync {
                let why = if p.element {
                    format!(
                        "this array element never closes; reading goes on at line {}",
                        self.line
                    )
                } else {
                    format!(
                        "this JSON value never closes; the next record starts at line {}",
                        self.line
                    )
                };
                self.mark_reported(&p);
                out.broken_with(p.line, why, &p.bytes, self.log);
            } else {
                p.bytes.push(b'\n');
                let end = start + raw.len();
                // An element that ends here: what follows it on the line is the array's.
                if let Some(next) = self.continue_value(p, data, start, end, out) {
                    self.array_items(data, next, end, out);
                }
                return;
            }
        }
        if let Mode::Array(array) = &mut self.mode {
            if cannot_continue_json(raw) {
                if !array.reported {
                    out.broken(
                        array.line,
                        format!(
                            "this JSON array never closes; reading goes on at line {}",
                            self.line
                        ),
                    );
                }
                out.scalars(array, self.log);
                self.mode = Mode::Top;
            } else if let Some(indent) = array.skip_to {
                let resumes = lead <= indent
                    && (matches!(raw.get(lead), Some(b'{' | b'[' | b']'))
                        || raw[lead..].starts_with(b",{"));
                if !resumes {
                    return;
                }
                array.skip_to = None;
            }
        }
        if let Mode::Skip = self.mode {
            if raw.is_empty()
                || matches!(raw[0], b' ' | b'\t' | b'"' | b'}' | b']' | b',') && !starts_record(raw)
            {
                return;
            }
            self.mode = Mode::Top;
        }
        self.frame_from(data, start + lead, start + raw.len(), out);
    }

    /// A damaged element that starts on its array's own line is that array's damage too.
    fn mark_reported(&mut self, p: &Pending) {
        if let Mode::Array(array) = &mut self.mode {
            if p.element && p.line == array.line {
                array.reported = true;
            }
        }
    }

    /// Frame the text from `at` to `end` of the current line, outside any pending value.
    fn frame_from(&mut self, data: &[u8], at: usize, end: usize, out: &mut Out) {
        if at >= end {
            return;
        }
        if let Mode::Array(_) = self.mode {
            self.array_items(data, at, end, out);
            return;
        }
        let text = &data[at..end];
        let line = self.line;
        let log = self.log;
        let push = |out: &mut Out, shape: Shape, group: u32| {
            let log = log || matches!(shape, Shape::Log { .. });
            out.records.push(Raw {
                line,
                start: at,
                end,
                shape,
                group,
                log,
            });
        };
        match self.format {
            InputFormat::Ndjson => return push(out, Shape::Json, 0),
            InputFormat::Log => {
                return match memchr::memchr(b'{', text) {
                    Some(i) => push(out, Shape::Log { json_at: at + i }, 0),
                    None => out.text(line),
                }
            }
            InputFormat::Auto | InputFormat::Json => {}
        }
        let first = text[0];
        let last = text[text.len() - 1];
        let array_start = first == b'['
            && (self.format == InputFormat::Json
                || last == b']'
                || matches!(
                    text[1..].iter().find(|c| !c.is_ascii_whitespace()),
                    None | Some(b'{' | b'[' | b'"' | b']')
                ));
        if first == b'{' {
            if last == b'}' {
                return push(out, Shape::Json, 0);
            }
            let p = Pending {
                bytes: Vec::new(),
                line,
                scan: Scan::default(),
                element: false,
                indent: self.lead,
            };
            self.continue_value(p, data, at, end, out);
        } else if array_start {
            // Element by element, on one line or many: memory goes by the element, not the
            // array, and a damaged element costs only itself.
            self.groups += 1;
            self.mode = Mode::Array(Array {
                group: self.groups,
                line,
                scalars: 0,
                scalar_line: 0,
                scalar_kind: "",
                skip_to: None,
                reported: false,
            });
            self.array_items(data, at + 1, end, out);
        } else if self.format == InputFormat::Auto && first != b'"' && !is_json_scalar(text) {
            // Whatever the line holds, the source is a log from here on.
            self.log = true;
            match memchr::memchr(b'{', text) {
                Some(i) => push(out, Shape::Log { json_at: at + i }, 0),
                // Bytes that are not text are damage (a binary file, a torn write), not a
                // log's text.
                None => match not_text(text) {
                    Some(what) => out.broken(
                        line,
                        format!("binary data ({what}) on a line of neither JSON nor text"),
                    ),
                    None => out.text(line),
                },
            }
        } else {
            push(out, Shape::Json, 0);
        }
    }

    /// Inside a multi-line array: skip separators, start elements, end at `]`.
    fn array_items(&mut self, data: &[u8], mut at: usize, end: usize, out: &mut Out) {
        while at < end {
            match data[at] {
                b' ' | b'\t' | b',' | b'\r' => at += 1,
                // A closing brace where an element should start: nothing to frame, and the
                // scanner would stop before it; report it and step over.
                b'}' => {
                    out.broken(
                        self.line,
                        "unexpected `}` between array elements".to_owned(),
                    );
                    at += 1;
                }
                b']' => {
                    if let Mode::Array(array) = std::mem::replace(&mut self.mode, Mode::Top) {
                        out.scalars(&array, self.log);
                    }
                    let rest = at + 1 + leading_ws(&data[at + 1..end]);
                    if rest < end && data[rest] != b',' {
                        self.frame_from(data, rest, end, out);
                    }
                    return;
                }
                _ => {
                    let p = Pending {
                        bytes: Vec::new(),
                        line: self.line,
                        scan: Scan::default(),
                        element: true,
                        indent: self.lead,
                    };
                    let used = self.continue_value(p, data, at, end, out);
                    match used {
                        Some(next) => at = next,
                        None => return,
                    }
                }
            }
        }
    }

    /// Feed the line's text to a pending value. When it closes, emit it and frame the rest of
    /// the line (returned for array elements, framed here otherwise).
    fn continue_value(
        &mut self,
        mut p: Pending,
        data: &[u8],
        at: usize,
        end: usize,
        out: &mut Out,
    ) -> Option<usize> {
        let text = &data[at..end];
        match p.scan.feed(text) {
            Some(close)
                if p.element && !matches!(p.bytes.first().unwrap_or(&text[0]), b'{' | b'[') =>
            {
                p.bytes.extend_from_slice(&text[..close]);
                let value = trim_end(&p.bytes);
                match (scalar_kind(value), &mut self.mode) {
                    (Some(kind), Mode::Array(array)) => {
                        if array.scalars == 0 {
                            array.scalar_line = p.line;
                            array.scalar_kind = kind;
                        }
                        array.scalars += 1;
                    }
                    _ => {
                        self.mark_reported(&p);
                        out.broken_with(
                            p.line,
                            "invalid JSON: an array element that is not a JSON value".to_owned(),
                            value,
                            self.log,
                        );
                    }
                }
                Some(at + close)
            }
            Some(close) => {
                let shape = if p.element {
                    Shape::Element
                } else {
                    Shape::Json
                };
                let group = match &self.mode {
                    Mode::Array(array) if p.element => array.group,
                    _ => 0,
                };
                if p.bytes.is_empty() {
                    // Begun on this line: the record is its text where it stands.
                    out.records.push(Raw {
                        line: p.line,
                        start: at,
                        end: at + close,
                        shape,
                        group,
                        log: self.log,
                    });
                } else {
                    p.bytes.extend_from_slice(&text[..close]);
                    out.push_copy(p.line, &p.bytes, shape, group, self.log);
                }
                let rest = at + close;
                if p.element {
                    return Some(rest);
                }
                let rest = rest + leading_ws(&data[rest..end]);
                if rest < end {
                    if data[rest] == b'{' || data[rest] == b'[' {
                        self.frame_from(data, rest, end, out);
                    } else if let Some(r) = out.records.last_mut() {
                        // Text after the value: the value is the record, the text a finding on
                        // it, not a record of its own.
                        let text_at = r.end;
                        if r.start >= out.base {
                            out.extra.extend_from_slice(&data[at + close..end]);
                            r.end = text_at + (end - at - close);
                        } else {
                            r.end = end;
                        }
                        r.shape = Shape::Followed { text_at };
                    }
                }
                None
            }
            None if p.scan.in_str => {
                p.bytes
                    .extend_from_slice(&text[..text.len().min(DAMAGED_KEPT)]);
                self.mark_reported(&p);
                out.broken_with(
                    p.line,
                    "a string runs to the end of the line (truncated JSON?)".to_owned(),
                    &p.bytes,
                    self.log,
                );
                // The value's other lines are not records: skip them, to the next element of
                // an array or the next record.
                match &mut self.mode {
                    Mode::Array(array) => array.skip_to = Some(p.indent),
                    _ => self.mode = Mode::Skip,
                }
                None
            }
            None => {
                p.bytes.extend_from_slice(text);
                if p.bytes.len() > self.max_record {
                    self.mark_reported(&p);
                    out.broken(
                        p.line,
                        format!(
                            "JSON value larger than {} MiB; skipped",
                            self.max_record >> 20
                        ),
                    );
                    match &mut self.mode {
                        Mode::Array(array) => array.skip_to = Some(p.indent),
                        _ => self.mode = Mode::Skip,
                    }
                } else {
                    self.pending = Some(p);
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame a whole input, reading it in small pieces to exercise the carry-over.
    pub(crate) fn frame_all(input: &[u8], format: InputFormat) -> Vec<(u64, Shape, String, u32)> {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(7);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut f = Framer::new(Trickle(input), 0, format);
        let mut all = Vec::new();
        while let Some(b) = f.next_batch().unwrap() {
            for r in &b.records {
                all.push((
                    r.line,
                    r.shape.clone(),
                    String::from_utf8_lossy(b.text(r)).into_owned(),
                    r.group,
                ));
            }
        }
        all
    }

    fn lines_and_texts(input: &str) -> Vec<(u64, String)> {
        frame_all(input.as_bytes(), InputFormat::Auto)
            .into_iter()
            .map(|(l, s, t, _)| match s {
                Shape::Broken(_) => (l, "BROKEN".to_owned()),
                _ => (l, t),
            })
            .collect()
    }

    #[test]
    fn own_records_are_known_by_how_they_begin() {
        assert!(own_record_start(
            br#"{"source":"a.log","line":12,"vendor":"bandwidth","event":"x"#
        ));
        assert!(own_record_start(
            br#"{"source":"C:\\logs\\\"a\".log","line":1,"vendor":"#
        ));
        for not in [
            &br#"{"source":"a.log","vendor":"bandwidth""#[..],
            br#"{"source":"a.log","line":"12","vendor":"#,
            br#"{"source":"a.log","line":,"vendor":"#,
            br#"{"eventType":"hangup","source":"a"#,
            br#"{"source":"unterminated"#,
            b"",
        ] {
            assert!(!own_record_start(not), "{}", String::from_utf8_lossy(not));
        }
    }

    #[test]
    fn ndjson_lines_with_bom_crlf_and_blanks() {
        let input = "\u{feff}{\"a\":1}\r\n\r\n  \n{\"b\":2}  \r\n{\"c\":3}";
        assert_eq!(
            lines_and_texts(input),
            vec![
                (1, "{\"a\":1}".into()),
                (4, "{\"b\":2}".into()),
                (5, "{\"c\":3}".into())
            ]
        );
    }

    #[test]
    fn pretty_printed_objects_start_where_their_brace_is() {
        let input = "{\n  \"a\": 1,\n  \"s\": \"}{\"\n}\n\n{\n  \"b\": {\"c\": [1]}\n}\n";
        assert_eq!(
            lines_and_texts(input),
            vec![
                (1, "{\n  \"a\": 1,\n  \"s\": \"}{\"\n}".into()),
                (6, "{\n  \"b\": {\"c\": [1]}\n}".into())
            ]
        );
    }

    #[test]
    fn multi_line_arrays_yield_elements_with_their_lines_and_group() {
        let input = "[\n  {\n    \"name\": \"create\"\n  },\n  {\"name\": \"answer\"}\n]\n[\n{\"x\":1}\n,{\"y\":2}\n]\n";
        let got = frame_all(input.as_bytes(), InputFormat::Auto);
        let summary: Vec<(u64, &str, u32)> = got
            .iter()
            .map(|(l, _, t, g)| (*l, t.as_str(), *g))
            .collect();
        assert_eq!(
            summary,
            vec![
                (2, "{\n    \"name\": \"create\"\n  }", 1),
                (5, "{\"name\": \"answer\"}", 1),
                (8, "{\"x\":1}", 2),
                (9, "{\"y\":2}", 2),
            ]
        );
        assert!(got.iter().all(|(_, s, _, _)| *s == Shape::Element));
    }

    #[test]
    fn one_line_arrays_are_framed_element_by_element_in_a_group() {
        let got = frame_all(b"[{\"a\":1},{\"b\":2}]\n[{\"c\":3}]\n", InputFormat::Auto);
        assert_eq!(
            got.iter()
                .map(|r| (r.0, r.2.as_str(), r.3))
                .collect::<Vec<_>>(),
            vec![
                (1, "{\"a\":1}", 1),
                (1, "{\"b\":2}", 1),
                (2, "{\"c\":3}", 2)
            ]
        );
        assert!(got.iter().all(|r| r.1 == Shape::Element));
    }

    #[test]
    fn an_array_of_scalars_is_one_record_whatever_its_length() {
        let mut input = b"[".to_vec();
        for _ in 0..100_000 {
            input.extend_from_slice(b"0,\"x\",");
        }
        input.extend_from_slice(b"{\"a\":1},null]\n[\n  1,\n  2\n]\n");
        let got = frame_all(&input, InputFormat::Auto);
        let shapes: Vec<(u64, Shape, u32)> = got.iter().map(|r| (r.0, r.1.clone(), r.3)).collect();
        assert_eq!(
            shapes,
            vec![
                (1, Shape::Element, 1),
                (
                    1,
                    Shape::Scalars {
                        count: 200_001,
                        kind: "a number"
                    },
                    1
                ),
                (
                    3,
                    Shape::Scalars {
                        count: 2,
                        kind: "a number"
                    },
                    2
                ),
            ]
        );
    }

    #[test]
    fn a_damaged_element_of_an_indented_array_costs_only_itself() {
        // JSON.stringify(events, null, 2) with one element's closing brace lost.
        let input = "[\n  {\n    \"n\": 1\n  },\n  {\n    \"n\": 2\n  ,\n  {\n    \"n\": 3,\n    \"s\": [\n      {\"x\": 1}\n    ]\n  }\n]\n";
        assert_eq!(
            lines_and_texts(input),
            vec![
                (2, "{\n    \"n\": 1\n  }".into()),
                (5, "BROKEN".into()),
                (
                    8,
                    "{\n    \"n\": 3,\n    \"s\": [\n      {\"x\": 1}\n    ]\n  }".into()
                ),
            ]
        );
        // An element whose last member lost its `}` before the array's `]`.
        assert_eq!(
            lines_and_texts("[\n  {\n    \"n\": 1\n]\n{\"b\":2}\n"),
            vec![(2, "BROKEN".into()), (5, "{\"b\":2}".into())]
        );
    }

    #[test]
    fn valid_json_laid_out_oddly_is_never_cut() {
        // A value on the line after its key, at the element's own indentation; a nested array
        // closing to the left of it; an element that ends where the next starts.
        let input = "[\n  {\"a\":\n  {\"b\":1}},\n  {\"c\": [\n1\n], \"d\": 2}\n, {\"e\":\n  5}, {\"f\":6}]\n";
        assert_eq!(
            lines_and_texts(input),
            vec![
                (2, "{\"a\":\n  {\"b\":1}}".into()),
                (4, "{\"c\": [\n1\n], \"d\": 2}".into()),
                (7, "{\"e\":\n  5}".into()),
                (8, "{\"f\":6}".into())
            ]
        );
    }

    #[test]
    fn one_damaged_stretch_is_one_finding() {
        // An array that never closes, its first element with it.
        assert_eq!(
            lines_and_texts("[[[\n{\"a\":1}\n"),
            vec![(1, "BROKEN".into()), (2, "{\"a\":1}".into())]
        );
        // A string cut short in a pretty-printed element: the element's other lines are not
        // records of their own.
        let input =
            "[\n  {\n    \"a\": \"cut\n    \"b\": 2,\n    \"c\": [1]\n  },\n  {\"d\": 4}\n]\n";
        assert_eq!(
            lines_and_texts(input),
            vec![(2, "BROKEN".into()), (7, "{\"d\": 4}".into())]
        );
        // The same in a pretty-printed object.
        let input = "{\n  \"a\": \"cut\n  \"b\": 2\n}\n{\"c\":3}\n";
        assert_eq!(
            lines_and_texts(input),
            vec![(1, "BROKEN".into()), (5, "{\"c\":3}".into())]
        );
    }

    #[test]
    fn log_lines_point_at_their_json() {
        let input = "2026-11-21T10:00:00.123Z INFO webhook received: {\"eventType\":\"call.started\"}\n[2026-11-21 10:00:01] x {\"a\":1}\nplain text\n";
        let got = frame_all(input.as_bytes(), InputFormat::Auto);
        assert!(matches!(got[0].1, Shape::Log { json_at } if json_at == 48));
        assert!(matches!(got[1].1, Shape::Log { .. }));
        assert_eq!(got[2].1, Shape::Text);
        assert_eq!(got[2].0, 3);
    }

    #[test]
    fn a_truncated_line_is_reported_and_the_next_lines_survive() {
        let input = "{\"a\":1,\"b\":\"cut\n{\"c\":3}\n{\"d\":{\"e\":\n{\"f\":6}\n";
        assert_eq!(
            lines_and_texts(input),
            vec![
                (1, "BROKEN".into()),
                (2, "{\"c\":3}".into()),
                (3, "BROKEN".into()),
                (4, "{\"f\":6}".into())
            ]
        );
    }

    #[test]
    fn an_unclosed_value_at_the_end_is_reported() {
        assert_eq!(
            lines_and_texts("{\"a\":1}\n{\n  \"b\": 2,\n"),
            vec![(1, "{\"a\":1}".into()), (2, "BROKEN".into())]
        );
    }

    #[test]
    fn text_after_a_value_stays_with_it() {
        let got = frame_all(
            b"{\"a\":1} trailing\n{\n\"b\":2\n} more\n",
            InputFormat::Auto,
        );
        assert_eq!(
            got.iter().map(|r| (r.0, r.2.as_str())).collect::<Vec<_>>(),
            vec![(1, "{\"a\":1} trailing"), (2, "{\n\"b\":2\n} more")]
        );
        assert!(got.iter().all(|r| matches!(r.1, Shape::Followed { .. })));
    }

    #[test]
    fn a_stray_brace_in_an_array_is_reported_once() {
        assert_eq!(
            lines_and_texts("[\n} {\"a\":1}\n]\n{\"b\":2}\n"),
            vec![
                (2, "BROKEN".into()),
                (2, "{\"a\":1}".into()),
                (4, "{\"b\":2}".into())
            ]
        );
    }

    #[test]
    fn what_a_followed_file_never_finished_is_reported_when_it_starts_again() {
        use std::sync::atomic::{AtomicU8, Ordering};
        use std::sync::Arc;
        struct Rotating {
            reads: Vec<&'static [u8]>,
            flag: Arc<AtomicU8>,
        }
        impl Read for Rotating {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.reads.is_empty() {
                    return Ok(0);
                }
                let next = self.reads.remove(0);
                if self.reads.is_empty() {
                    self.flag
                        .store(super::super::follow::REPLACED, Ordering::Relaxed);
                }
                buf[..next.len()].copy_from_slice(next);
                Ok(next.len())
            }
        }
        let flag = Arc::new(AtomicU8::new(0));
        for (old, broken_line) in [
            (&b"{\"a\":1}\n{\"b\":\n  2"[..], 2),
            (b"{\"a\":1}\n{\"b\":2", 2),
        ] {
            let reader = Rotating {
                reads: vec![old, b"{\"c\":3}\n"],
                flag: Arc::clone(&flag),
            };
            let mut f = Framer::new(reader, 0, InputFormat::Auto)
                .watching(Some(Arc::clone(&flag)))
                .may_block(true);
            let mut got = Vec::new();
            while let Some(b) = f.next_batch().unwrap() {
                for r in &b.records {
                    got.push((
                        r.line,
                        r.shape.clone(),
                        String::from_utf8_lossy(b.text(r)).into_owned(),
                    ));
                }
            }
            assert_eq!(got.len(), 3, "{got:?}");
            assert_eq!((got[0].0, got[0].2.as_str()), (1, "{\"a\":1}"));
            assert!(
                matches!(&got[1].1, Shape::Broken(why) if why.contains("replaced before")),
                "{got:?}"
            );
            assert_eq!(got[1].0, broken_line);
            assert_eq!((got[2].0, got[2].2.as_str()), (1, "{\"c\":3}"));
        }
    }

    #[test]
    fn forced_formats() {
        let got = frame_all(b"not json\n{\"a\":1}\n", InputFormat::Ndjson);
        assert_eq!(
            got.iter().map(|r| r.1.clone()).collect::<Vec<_>>(),
            vec![Shape::Json, Shape::Json]
        );
        let got = frame_all(b"{\"a\":1}\nx\n", InputFormat::Log);
        assert!(matches!(got[0].1, Shape::Log { json_at: 0 }));
        assert_eq!(got[1].1, Shape::Text);
    }
}
