//! Where bytes come from: a named file, standard input, either of them gzip-compressed (told by
//! the magic bytes, not the name). Opening is the only place that touches the file system.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;

/// One input as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
}

impl Source {
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name findings carry as `source`: the path as given, `-` for standard input.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::Path(p) => p.display().to_string(),
        }
    }

    /// The file name without its extensions: a Catapult list saved as `{callId}.json` names its
    /// call. `-` for standard input.
    pub fn stem(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::Path(p) => {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut stem = name.as_str();
                for ext in [".gz", ".json", ".ndjson", ".jsonl", ".log", ".txt"] {
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

/// An opened input: its decompressed byte stream, and whether it was compressed.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub gzip: bool,
}

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
pub fn open(source: &Source, follow: bool, counter: &Arc<AtomicU64>) -> Result<Opened> {
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
                Box::new(super::follow::Follow::new(path.clone(), file))
            } else {
                Box::new(file)
            }
        }
    };
    let raw = Box::new(Counting {
        inner: raw,
        counter: Arc::clone(counter),
    });
    sniff_gzip(raw).with_context(|| format!("failed to read {}", source.name()))
}

/// Wrap a stream in a gzip decoder when it starts with the gzip magic bytes.
pub fn sniff_gzip(raw: Box<dyn Read + Send>) -> io::Result<Opened> {
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let head = buffered.fill_buf()?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        Ok(Opened {
            reader: Box::new(MultiGzDecoder::new(buffered)),
            gzip: true,
        })
    } else {
        Ok(Opened {
            reader: Box::new(buffered),
            gzip: false,
        })
    }
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
        assert_eq!(Source::from_arg("calls").stem(), "calls");
        assert_eq!(Source::from_arg("-").stem(), "-");
    }

    #[test]
    fn gzip_is_told_by_magic_bytes() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{\"a\":1}\n").unwrap();
        let gz = enc.finish().unwrap();
        let mut opened = sniff_gzip(Box::new(io::Cursor::new(gz))).unwrap();
        assert!(opened.gzip);
        let mut text = String::new();
        opened.reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "{\"a\":1}\n");
        let plain = sniff_gzip(Box::new(io::Cursor::new(b"{}".to_vec()))).unwrap();
        assert!(!plain.gzip);
    }
}
