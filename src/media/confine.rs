//! Where files may be read from. Every file Soundroom serves (audio, covers, images) must
//! resolve, after following every link, to a path inside a configured music folder or one of
//! the data directory's media subfolders. The data directory itself holds the database and the
//! signing secret, so it is never a root.

use std::path::{Path, PathBuf};

use crate::config::Config;

/// The data directory's subfolders that hold files meant to be served.
pub const DATA_MEDIA_DIRS: &[&str] = &["avatars", "uploads", "covers", "images", "cache"];

#[derive(Debug, Clone)]
pub struct Confinement {
    roots: Vec<PathBuf>,
}

impl Confinement {
    /// Music folders and the data directory's media subfolders.
    pub fn for_serving(config: &Config) -> Self {
        let data = &config.storage.data_dir;
        let mut roots = config.library.folders.clone();
        roots.extend(DATA_MEDIA_DIRS.iter().map(|d| data.join(d)));
        Self { roots }
    }

    /// Only the given folders (the scanner uses the music folders alone).
    pub fn folders(folders: &[PathBuf]) -> Self {
        Self { roots: folders.to_vec() }
    }

    /// The path with every link resolved, if it lies inside a root. Roots are resolved at each
    /// call so a music folder mounted after start is honoured.
    pub fn resolve(&self, path: &Path) -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        self.roots
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| real.starts_with(root))
            .then_some(real)
    }

    /// The roots that exist, resolved once for a scan.
    pub fn resolved_roots(&self) -> Vec<PathBuf> {
        self.roots.iter().filter_map(|root| std::fs::canonicalize(root).ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_leading_out_of_a_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let music = dir.path().join("music");
        let outside = dir.path().join("secret");
        std::fs::create_dir_all(&music).unwrap();
        std::fs::write(&outside, b"secret").unwrap();
        std::fs::write(music.join("song.mp3"), b"x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, music.join("cover.jpg")).unwrap();
        let c = Confinement::folders(std::slice::from_ref(&music));
        assert!(c.resolve(&music.join("song.mp3")).is_some());
        assert!(c.resolve(&music.join("cover.jpg")).is_none());
        assert!(c.resolve(&music.join("../secret")).is_none());
        assert!(c.resolve(&outside).is_none());
    }
}
