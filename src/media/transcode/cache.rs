//! Finished transcodes on disk under a size cap, evicting the least recently used first
//! (a file's mtime is bumped on every hit). Partial output never gets a cache name: it is
//! written to a temp file and renamed only once the encode completed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::Format;

pub struct TranscodeCache {
    dir: PathBuf,
    cap_bytes: u64,
    evicting: Mutex<()>,
}

impl TranscodeCache {
    pub fn new(dir: PathBuf, cap_mb: u64) -> Self {
        Self { dir, cap_bytes: cap_mb * 1024 * 1024, evicting: Mutex::new(()) }
    }

    /// Names one rendition of one version of a file.
    pub fn key(track_id: &str, file_size: i64, format: Format, bitrate_kbps: u32) -> String {
        let raw = format!("{track_id}:{file_size}:{format:?}:{bitrate_kbps}");
        format!("{}.{}", &hex::encode(Sha256::digest(raw.as_bytes()))[..32], format.extension())
    }

    pub fn lookup(&self, key: &str) -> Option<PathBuf> {
        let path = self.dir.join(key);
        let file = std::fs::File::options().append(true).open(&path).ok()?;
        let _ = file.set_modified(SystemTime::now());
        Some(path)
    }

    pub fn staging(&self) -> std::io::Result<tempfile::NamedTempFile> {
        std::fs::create_dir_all(&self.dir)?;
        tempfile::Builder::new().prefix(".partial-").tempfile_in(&self.dir)
    }

    /// Gives a completed transcode its name, then trims the cache back under its cap.
    pub fn commit(&self, staged: tempfile::NamedTempFile, key: &str) -> std::io::Result<()> {
        staged.as_file().sync_all()?;
        staged.persist(self.dir.join(key)).map_err(|e| e.error)?;
        self.evict();
        Ok(())
    }

    fn evict(&self) {
        let Ok(_guard) = self.evicting.lock() else { return };
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with(".partial-"))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        for (_, size, path) in files {
            if total <= self.cap_bytes {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= size;
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
