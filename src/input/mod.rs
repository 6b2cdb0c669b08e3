//! The input stage: sources (files, standard input, gzip) and framing into records with origins.

pub(crate) mod follow;
pub(crate) mod frame;
pub(crate) mod parquet;
pub(crate) mod source;

pub(crate) use frame::{Batch, Framer, InputFormat, Raw, Shape, Stored};
pub(crate) use source::{open, Source};
