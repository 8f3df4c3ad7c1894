//! Media on the local filesystem.

pub mod files;
