//! The one buffered stdout, the machine formats (json, ndjson, csv) written as a stream, and the
//! escaping that keeps control characters from vendor data out of a person's terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

/// How records are written: a table for people, or a machine format (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
    // Typed columns in a Parquet file (events and summary). A plain comment: a doc comment
    // would be its help in `--help`.
    Parquet,
}

/// Say a note on stderr: `callev: ` and the text, wrapped at word boundaries to the terminal's
/// width when stderr is one (the lines after the first under the text), whole otherwise (a
/// pipe, a log). The one way notes are written.
pub(crate) fn say(text: &str) {
    // Unit tests run the views in the test process: their notes are kept for the test, not
    // mixed into `cargo test`'s output.
    #[cfg(test)]
    SAID.with_borrow_mut(|said| said.push(text.to_owned()));
    #[cfg(not(test))]
    {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(wrapped(text, stderr_width()).as_bytes());
    }
}

#[cfg(test)]
thread_local! {
    /// What `say` said on this thread (unit tests).
    pub(crate) static SAID: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `callev: TEXT` and a newline, wrapped to `width` columns when there is one.
fn wrapped(text: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w > 30) else {
        return format!("callev: {text}\n");
    };
    let options = textwrap::Options::new(width)
        .initial_indent("callev: ")
        .subsequent_indent("        ")
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for line in text.lines() {
        for l in textwrap::wrap(line, &options) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// The width of the terminal stderr is, if it is one (`COLUMNS` first, as for stdout).
#[cfg_attr(test, allow(dead_code))]
fn stderr_width() -> Option<usize> {
    use std::io::IsTerminal as _;
    static WIDTH: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    *WIDTH.get_or_init(|| {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .or_else(|| {
                terminal_size::terminal_size_of(std::io::stderr()).map(|(w, _)| usize::from(w.0))
            })
    })
}

/// Standard output, locked and buffered once for the whole run; on a `screen` (machine output
/// to a terminal), through `TerminalSafe`.
pub(crate) fn stdout(screen: bool) -> Stdout {
    let out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if screen {
        Stdout::Screen(TerminalSafe::new(out))
    } else {
        Stdout::Exact(out)
    }
}

pub(crate) enum Stdout {
    Exact(io::BufWriter<io::StdoutLock<'static>>),
    Screen(TerminalSafe<io::BufWriter<io::StdoutLock<'static>>>),
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stdout::Exact(out) => out.write(buf),
            Stdout::Screen(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stdout::Exact(out) => out.write_all(buf),
            Stdout::Screen(out) => out.write_all(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stdout::Exact(out) => out.write_vectored(bufs),
            Stdout::Screen(out) => out.write_vectored(bufs),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stdout::Exact(out) => out.flush(),
            Stdout::Screen(out) => out.flush(),
        }
    }
}

/// Write every byte of `bufs`, in order, with as few copies as `w` allows: pieces of a batch's
/// records that lie in several buffers go to the kernel as they lie (`writev`) once they are
/// more than the stdout buffer holds, rather than copied into it first.
pub(crate) fn write_all_vectored(
    w: &mut dyn Write,
    mut bufs: &mut [io::IoSlice<'_>],
) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match w.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes records in a machine format as they come: a JSON array, one object per line, or CSV
/// with a header row (nested values as JSON text).
pub(crate) struct RecordWriter {
    format: Format,
    header: &'static [&'static str],
    rows: u64,
    /// JSON only: the records are the array `{"NAME": [...]}` of a document that closes with
    /// more fields (`finish_document`), not the whole document.
    document: Option<&'static str>,
}

impl RecordWriter {
    pub(crate) fn new(format: Format, header: &'static [&'static str]) -> RecordWriter {
        RecordWriter {
            format,
            header,
            rows: 0,
            document: None,
        }
    }

    /// Records that a JSON document holds under `name`, beside what `finish_document` adds.
    pub(crate) fn in_document(
        format: Format,
        header: &'static [&'static str],
        name: &'static str,
    ) -> RecordWriter {
        RecordWriter {
            document: Some(name),
            ..RecordWriter::new(format, header)
        }
    }

    /// What opens the JSON array, before the first record.
    fn open(&self) -> String {
        match self.document {
            Some(name) => format!("{{\"{name}\": [\n"),
            None => "[\n".to_owned(),
        }
    }

    pub(crate) fn row<W: Write + ?Sized, T: Serialize>(
        &mut self,
        w: &mut W,
        row: &T,
    ) -> io::Result<()> {
        match self.format {
            Format::Json => {
                if self.rows == 0 {
                    w.write_all(self.open().as_bytes())?;
                } else {
                    w.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *w, row)?;
            }
            Format::Ndjson => {
                serde_json::to_writer(&mut *w, row)?;
                w.write_all(b"\n")?;
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                if self.rows == 0 {
                    csv.write_record(self.header)?;
                }
                let value = serde_json::to_value(row)?;
                csv.write_record(self.header.iter().map(|k| csv_cell(value.get(*k))))?;
                w.write_all(&csv.into_inner().map_err(|e| e.into_error())?)?;
            }
            Format::Table | Format::Parquet => {}
        }
        self.rows += 1;
        Ok(())
    }

    /// A JSON record already serialised, in pieces (json and ndjson only).
    pub(crate) fn json_pieces<W: Write + ?Sized>(
        &mut self,
        w: &mut W,
        pieces: &[&[u8]],
    ) -> io::Result<()> {
        self.json_open(w)?;
        for p in pieces {
            w.write_all(p)?;
        }
        self.json_close(w)
    }

    /// What comes before a JSON record written in pieces of the caller's (`json_pieces`).
    pub(crate) fn json_open<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        if self.format == Format::Json {
            if self.rows == 0 {
                w.write_all(self.open().as_bytes())?;
            } else {
                w.write_all(b",\n")?;
            }
        }
        Ok(())
    }

    /// What comes after it.
    pub(crate) fn json_close<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        if self.format == Format::Ndjson {
            w.write_all(b"\n")?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Close the document: `]` for JSON (an empty array when there were no rows), the header
    /// alone for an empty CSV.
    pub(crate) fn finish<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.finish_document(w, &[])
    }

    /// Close the document, JSON's with these fields after the records (when it was opened
    /// `in_document`).
    pub(crate) fn finish_document<W: Write + ?Sized>(
        &mut self,
        w: &mut W,
        fields: &[(&str, serde_json::Value)],
    ) -> io::Result<()> {
        if let (Format::Json, Some(_)) = (self.format, self.document) {
            if self.rows == 0 {
                w.write_all(self.open().trim_end().as_bytes())?;
                w.write_all(b"]")?;
            } else {
                w.write_all(b"\n]")?;
            }
            for (name, value) in fields {
                write!(w, ",\n{}: ", serde_json::Value::from(*name))?;
                serde_json::to_writer(&mut *w, value)?;
            }
            return w.write_all(b"}\n");
        }
        match self.format {
            Format::Json => w.write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" }),
            Format::Csv if self.rows == 0 => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                csv.write_record(self.header)?;
                csv.flush()?;
                w.write_all(csv.get_ref())
            }
            _ => Ok(()),
        }
    }
}

fn csv_cell(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Characters that change what a terminal shows beyond themselves: controls (escape sequences
/// among them), line and paragraph separators, invisible marks and bidirectional controls.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

/// Text from the data made safe for a terminal: control characters, escape sequences and
/// bidirectional overrides are shown escaped, never written raw.
pub(crate) fn safe(s: &str) -> Cow<'_, str> {
    // Printable ASCII, the common case, needs no look at characters.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(s);
    }
    let bad = unsafe_char;
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Machine output written to a terminal (`-o json` on a screen): what would act on the terminal
/// is written as a JSON escape (`\u009b`), which in a JSON string is the same text, so what is
/// shown still parses to the same value. Piped or to a file, the output is exact (this writer is
/// not used). Line ends and tabs stay.
pub(crate) struct TerminalSafe<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence the last write cut.
    carry: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub(crate) fn new(inner: W) -> TerminalSafe<W> {
        TerminalSafe {
            inner,
            carry: Vec::new(),
        }
    }

    fn escape(&mut self, text: &str) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in text.char_indices() {
            if matches!(c, '\n' | '\t') || !unsafe_char(c) {
                continue;
            }
            self.inner.write_all(&text.as_bytes()[from..i])?;
            // Every character `unsafe_char` names is in the Basic Multilingual Plane.
            write!(self.inner, "\\u{:04x}", c as u32)?;
            from = i + c.len_utf8();
        }
        self.inner.write_all(&text.as_bytes()[from..])
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(buf);
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.escape(text)?;
                    rest = &[];
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    // Valid up to here by the error's own word.
                    self.escape(std::str::from_utf8(&rest[..good]).unwrap_or_default())?;
                    match e.error_len() {
                        // Cut by this write: the rest comes with the next.
                        None => {
                            self.carry = rest[good..].to_vec();
                            rest = &[];
                        }
                        Some(n) => {
                            for b in &rest[good..good + n] {
                                write!(self.inner, "\\x{b:02x}")?;
                            }
                            rest = &rest[good + n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Group digits by thousands: `1,204`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_wrap_at_words_under_their_text() {
        let text = "1 of 4 records skipped: 1 of no known vendor, the first at calls.ndjson:3";
        assert_eq!(wrapped(text, None), format!("callev: {text}\n"));
        let got = wrapped(text, Some(40));
        for line in got.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
        assert_eq!(
            got,
            "callev: 1 of 4 records skipped: 1 of no\n        known vendor, the first at\n        calls.ndjson:3\n"
        );
    }

    #[derive(Serialize)]
    struct TestRow {
        a: &'static str,
        n: Option<u32>,
        nested: serde_json::Value,
    }

    fn write(format: Format, rows: &[TestRow]) -> String {
        let mut w = RecordWriter::new(format, &["a", "n", "nested"]);
        let mut out = Vec::new();
        for r in rows {
            w.row(&mut out, r).unwrap();
        }
        w.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn machine_formats() {
        let rows = [
            TestRow {
                a: "x,\"y\"",
                n: Some(1),
                nested: serde_json::json!({"k": [1]}),
            },
            TestRow {
                a: "z",
                n: None,
                nested: serde_json::Value::Null,
            },
        ];
        let json: serde_json::Value = serde_json::from_str(&write(Format::Json, &rows)).unwrap();
        assert_eq!(json[0]["a"], "x,\"y\"");
        assert_eq!(json[1]["n"], serde_json::Value::Null);
        assert_eq!(write(Format::Json, &[]), "[]\n");
        assert_eq!(write(Format::Ndjson, &rows).lines().count(), 2);
        assert_eq!(
            write(Format::Csv, &rows),
            "a,n,nested\n\"x,\"\"y\"\"\",1,\"{\"\"k\"\":[1]}\"\nz,,\n"
        );
        assert_eq!(write(Format::Csv, &[]), "a,n,nested\n");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(safe("plain ünïcode"), "plain ünïcode");
        assert_eq!(safe("\u{1b}[2Jx\u{7}\r\n"), "\\e[2Jx\\u{7}\\r\\n");
        assert_eq!(safe("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn machine_output_on_a_terminal_shows_controls_escaped() {
        // JSON output holds C0 controls escaped already; the rest arrive raw.
        let text = "{\"id\":\"a\u{9b}2J\u{2028}b\u{202e}c\u{7f}\"}\n";
        let mut out = TerminalSafe::new(Vec::new());
        // Written in pieces that cut a character in two.
        for piece in text.as_bytes().chunks(3) {
            out.write_all(piece).unwrap();
        }
        let shown = String::from_utf8(out.inner).unwrap();
        assert_eq!(shown, "{\"id\":\"a\\u009b2J\\u2028b\\u202ec\\u007f\"}\n");
        // The same JSON value as the exact text.
        let exact: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(shown.trim_end()).unwrap(),
            exact
        );
        // CSV writes controls as they are: escaped all the same.
        let mut out = TerminalSafe::new(Vec::new());
        out.write_all(b"a\x1b]0;x\x07,b\r\n").unwrap();
        assert_eq!(
            String::from_utf8(out.inner).unwrap(),
            "a\\u001b]0;x\\u0007,b\\u000d\n"
        );
        assert_eq!(safe("a\u{feff}b\u{200e}"), "a\\u{feff}b\\u{200e}");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
