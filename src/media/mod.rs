//! Media on the local filesystem.

pub mod artwork;
mod block_reader;
pub mod confine;
pub mod files;
mod ordered_reads;
pub mod scanner;
mod tag_readers;
pub mod tags;
pub mod transcode;
pub mod walk;
pub mod watcher;
