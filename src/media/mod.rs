//! Media on the local filesystem.

pub mod artwork;
pub mod confine;
pub mod files;
pub mod scanner;
mod tag_readers;
pub mod tags;
pub mod transcode;
pub mod walk;
pub mod watcher;
