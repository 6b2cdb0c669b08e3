//! Where bytes come from: a named file, standard input, either of them compressed with gzip,
//! zstd, xz or bzip2 (told by the magic bytes, not the name). Opening is the only place that
//! touches the file system.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;

/// One input as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Stdin,
    Path(PathBuf),
}

impl Source {
    /// A path as given (any bytes, not only UTF-8), `-` for standard input.
    pub(crate) fn from_arg(arg: impl AsRef<std::ffi::OsStr>) -> Source {
        let arg = arg.as_ref();
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name findings carry as `source`: the path as given, `-` for standard input.
    pub(crate) fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::Path(p) => p.display().to_string(),
        }
    }

    /// The file name without its extensions: a Catapult list saved as `{callId}.json` names its
    /// call. `-` for standard input.
    pub(crate) fn stem(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::Path(p) => {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut stem = name.as_str();
                for ext in [
                    ".gz", ".zst", ".xz", ".bz2", ".json", ".ndjson", ".jsonl", ".log", ".txt",
                ] {
                    if let Some(s) = stem.strip_suffix(ext) {
                        stem = s;
                    }
                }
                if stem.is_empty() {
                    name
                } else {
                    stem.to_owned()
                }
            }
        }
    }
}

/// An opened input: its decompressed byte stream, and how it was compressed.
pub(crate) struct Opened {
    pub(crate) reader: Box<dyn Read + Send>,
    pub(crate) compression: Option<&'static str>,
    /// A followed file's restarts (truncated, replaced), for the framer to take.
    pub(crate) restarts: Option<Arc<AtomicU8>>,
}

/// Compressed formats callev reads, by their magic bytes.
const READ: [(&str, &[u8]); 4] = [
    ("gzip", &[0x1f, 0x8b]),
    ("zstd", &[0x28, 0xb5, 0x2f, 0xfd]),
    ("xz", &[0xfd, b'7', b'z', b'X', b'Z', 0x00]),
    ("bzip2", b"BZh"),
];

/// Compressed or archived formats callev does not read, by their magic bytes, and the command
/// that unpacks them.
const NOT_READ: [(&str, &[u8], &str); 4] = [
    ("lz4", &[0x04, 0x22, 0x4d, 0x18], "lz4 -dc"),
    ("zip", b"PK\x03\x04", "unzip -p"),
    ("7z", &[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], "7z e -so"),
    ("lzip", b"LZIP", "lzip -dc"),
];

/// Counts the bytes read from a source as stored (before decompression), for progress.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Open a source; `follow` keeps a file open past its end, waiting for more. Bytes read are
/// added to `counter`.
pub(crate) fn open(source: &Source, follow: bool, counter: &Arc<AtomicU64>) -> Result<Opened> {
    let mut restarts = None;
    let raw: Box<dyn Read + Send> = match source {
        Source::Stdin => Box::new(io::stdin()),
        Source::Path(path) => {
            let meta = std::fs::metadata(path)
                .with_context(|| format!("failed to open {}", path.display()))?;
            if meta.is_dir() {
                bail!("failed to read {}: is a directory", path.display());
            }
            let file =
                File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
            if follow {
                let flag = Arc::new(AtomicU8::new(0));
                restarts = Some(Arc::clone(&flag));
                Box::new(super::follow::Follow::new(path.clone(), file, flag))
            } else {
                Box::new(file)
            }
        }
    };
    let raw = Box::new(Counting {
        inner: raw,
        counter: Arc::clone(counter),
    });
    let mut opened = sniff(raw).with_context(|| format!("failed to read {}", source.name()))?;
    opened.restarts = restarts;
    Ok(opened)
}

/// Wrap a stream in the decoder its magic bytes name, if any; a compression callev does not
/// read is an error naming it (not a run of unparseable records).
pub(crate) fn sniff(raw: Box<dyn Read + Send>) -> io::Result<Opened> {
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let head = buffered.fill_buf()?;
    if let Some((name, _, unpack)) = NOT_READ.iter().find(|(_, m, _)| head.starts_with(m)) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{name}-compressed data, which callev does not read: unpack it first (`{unpack} FILE | callev ...`)"
            ),
        ));
    }
    if head.starts_with(b"PAR1") {
        // callev's own records as Parquet (`events -o parquet`): read whole (its footer, at the
        // end, says where each column is) and handed on as the NDJSON records they hold.
        let mut bytes = Vec::new();
        buffered.read_to_end(&mut bytes)?;
        return Ok(Opened {
            reader: Box::new(super::parquet::Lines::new(bytes)?),
            compression: Some("parquet"),
            restarts: None,
        });
    }
    // UTF-16 text (Windows tools write it with a byte-order mark): decoded to UTF-8 as read.
    for (bom, big_endian, name) in [
        (&[0xff, 0xfe][..], false, "utf-16le"),
        (&[0xfe, 0xff][..], true, "utf-16be"),
    ] {
        if head.starts_with(bom) {
            buffered.consume(2);
            return Ok(Opened {
                reader: Box::new(Utf16::new(buffered, big_endian)),
                compression: Some(name),
                restarts: None,
            });
        }
    }
    let compression = READ
        .iter()
        .find(|(_, magic)| head.starts_with(magic))
        .map(|(name, _)| *name);
    let reader: Box<dyn Read + Send> = match compression {
        Some("gzip") => Box::new(MultiGzDecoder::new(buffered)),
        Some("zstd") => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        Some("xz") => Box::new(xz2::read::XzDecoder::new_multi_decoder(buffered)),
        Some("bzip2") => Box::new(bzip2::read::MultiBzDecoder::new(buffered)),
        _ => Box::new(buffered),
    };
    Ok(Opened {
        reader,
        compression,
        restarts: None,
    })
}

/// UTF-16 text read as UTF-8, a chunk at a time: a unit that is no character (a lone surrogate)
/// becomes U+FFFD, so the line it is in reads as text with a replacement mark, not as garbage.
struct Utf16<R> {
    inner: R,
    big_endian: bool,
    raw: Vec<u8>,
    /// The odd byte of a unit split between reads.
    carry: Option<u8>,
    /// A leading surrogate at the end of a chunk, waiting for its pair.
    high: Option<u16>,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> Utf16<R> {
    fn new(inner: R, big_endian: bool) -> Utf16<R> {
        Utf16 {
            inner,
            big_endian,
            raw: vec![0; 1 << 16],
            carry: None,
            high: None,
            out: Vec::new(),
            at: 0,
        }
    }

    /// Decode the next chunk into `out`; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.at = 0;
        let start = usize::from(self.carry.is_some());
        if let Some(b) = self.carry.take() {
            self.raw[0] = b;
        }
        let n = self.inner.read(&mut self.raw[start..])?;
        if n == 0 {
            // A dangling byte or surrogate at the very end: one replacement mark.
            if start == 1 || self.high.take().is_some() {
                self.out.extend_from_slice("\u{fffd}".as_bytes());
                return Ok(true);
            }
            return Ok(false);
        }
        let len = start + n;
        let whole = len & !1;
        if whole < len {
            self.carry = Some(self.raw[len - 1]);
        }
        let big_endian = self.big_endian;
        let mut units: Vec<u16> = self.high.take().into_iter().collect();
        units.extend(self.raw[..whole].chunks_exact(2).map(|p| {
            if big_endian {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        }));
        if units.last().is_some_and(|u| (0xd800..0xdc00).contains(u)) {
            self.high = units.pop();
        }
        let mut buf = [0u8; 4];
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            self.out
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        Ok(true)
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_as_utf8() {
        let text = "{\"eventType\":\"answer\",\"callId\":\"c-é😀\"}\n";
        for big_endian in [false, true] {
            let mut bytes = if big_endian {
                vec![0xfe, 0xff]
            } else {
                vec![0xff, 0xfe]
            };
            for u in text.encode_utf16() {
                bytes.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            let (compression, read) = read_all(bytes.clone());
            assert_eq!(read, text);
            assert!(compression.unwrap().starts_with("utf-16"));
            // Read a byte at a time, units and pairs split between reads.
            let mut reader = Utf16::new(OneByte(io::Cursor::new(bytes[2..].to_vec())), big_endian);
            let mut again = String::new();
            reader.read_to_string(&mut again).unwrap();
            assert_eq!(again, text);
        }
        // A lone surrogate is a replacement mark, the rest kept.
        let (_, read) = read_all(vec![0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0]);
        assert_eq!(read, "a\u{fffd}b");
    }

    struct OneByte<R>(R);

    impl<R: Read> Read for OneByte<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn stems_drop_known_extensions() {
        assert_eq!(
            Source::from_arg("captures/c-abc123.json").stem(),
            "c-abc123"
        );
        assert_eq!(Source::from_arg("c-abc123.json.gz").stem(), "c-abc123");
        assert_eq!(Source::from_arg("c-abc123.json.zst").stem(), "c-abc123");
        assert_eq!(Source::from_arg("calls").stem(), "calls");
        assert_eq!(Source::from_arg("-").stem(), "-");
    }

    fn read_all(bytes: Vec<u8>) -> (Option<&'static str>, String) {
        let mut opened = sniff(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut text = String::new();
        opened.reader.read_to_string(&mut text).unwrap();
        (opened.compression, text)
    }

    #[test]
    fn compressions_are_told_by_magic_bytes_and_every_frame_is_read() {
        use std::io::Write;
        let (a, b) = (b"{\"a\":1}\n", b"{\"b\":2}\n");
        // Each format twice over: two streams one after another, as `cat a.gz b.gz` gives.
        let twice = |one: &dyn Fn(&[u8]) -> Vec<u8>| [one(a), one(b)].concat();
        let gzip = |t: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(t).unwrap();
            e.finish().unwrap()
        };
        let zstd = |t: &[u8]| zstd::stream::encode_all(t, 1).unwrap();
        let xz = |t: &[u8]| {
            let mut e = xz2::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(t).unwrap();
            e.finish().unwrap()
        };
        let bzip2 = |t: &[u8]| {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(t).unwrap();
            e.finish().unwrap()
        };
        let expected = "{\"a\":1}\n{\"b\":2}\n".to_owned();
        for (name, one) in [
            ("gzip", &gzip as &dyn Fn(&[u8]) -> Vec<u8>),
            ("zstd", &zstd),
            ("xz", &xz),
            ("bzip2", &bzip2),
        ] {
            assert_eq!(
                read_all(twice(one)),
                (Some(name), expected.clone()),
                "{name}"
            );
        }
        assert_eq!(read_all(b"{}".to_vec()), (None, "{}".to_owned()));
    }

    #[test]
    fn a_compression_callev_does_not_read_is_named() {
        let lz4 = vec![0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7];
        let err = sniff(Box::new(io::Cursor::new(lz4))).err().unwrap();
        assert!(err.to_string().starts_with("lz4-compressed data"), "{err}");
    }
}
