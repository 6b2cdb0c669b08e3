//! The input stage: sources (files, standard input, gzip) and framing into records with origins.

pub mod follow;
pub mod frame;
pub mod parquet;
pub mod source;

pub use frame::{Batch, Framer, InputFormat, Raw, Shape, Stored};
pub use source::{open, Source};
