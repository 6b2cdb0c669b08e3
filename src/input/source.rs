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

#[cfg(test)]
mod tests {
    use super::*;

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
