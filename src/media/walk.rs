//! Lists the audio files under a music folder, several directories at a time.
//!
//! Hand-written rather than walkdir because of how each file's size and mtime are asked for:
//! `std::fs::DirEntry::metadata` asks relative to the directory already open, where walkdir
//! (and ignore) look the whole path up again for every file. At 100,000 files that lookup was
//! a third of an unchanged rescan. Reading several directories at once also keeps a cold disk
//! busy with more than one request.

use std::collections::HashSet;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::UNIX_EPOCH;

use super::tags;

/// An audio file found, at its real path, with its size and modification time (ms) when
/// they were asked for (`Walk::needs_stamp`).
pub struct Found {
    pub path: PathBuf,
    pub stamp: Option<(i64, i64)>,
}

impl Found {
    fn new(path: PathBuf, meta: &Metadata) -> Self {
        Self { path, stamp: Some(file_stamp(meta)) }
    }
}

/// Size and mtime: together they say whether a file changed since it was read.
pub fn file_stamp(meta: &Metadata) -> (i64, i64) {
    // Milliseconds: an edit within the same second as the last scan still counts.
    let mtime =
        meta.modified().ok().and_then(|m| m.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_millis() as i64);
    (meta.len() as i64, mtime)
}

pub struct Walk<'a> {
    /// Follow links, to files and folders, as long as they lead inside `allowed`.
    pub follow_symlinks: bool,
    /// The music folders, resolved.
    pub allowed: &'a [PathBuf],
    /// Whether to ask a file's size and mtime here. A scan needs them to skip unchanged files
    /// it stored before; a new file is read anyway, and on a cold disk asking for thousands of
    /// them one after another kept the readers waiting (its reader asks instead).
    pub needs_stamp: &'a (dyn Fn(&Path) -> bool + Sync),
}

impl Walk<'_> {
    /// Hands `each` every audio file under `root` (which must be resolved already), on this
    /// thread, in no particular order. Unreadable folders are passed over, as a missing file
    /// would be. Files come a folder at a time as they are found, so what the listing threads
    /// allocate is freed while they still run (their allocator arenas stay small) and the
    /// caller keeps only what it needs.
    pub fn audio_files(&self, root: &Path, mut each: impl FnMut(Found)) {
        let queue = Queue::new(root.to_path_buf());
        // Real folders entered, so a link back up (or two links to one place) is read once.
        let entered = Mutex::new(HashSet::from([root.to_path_buf()]));
        let (sender, folders) = std::sync::mpsc::sync_channel::<Vec<Found>>(64);
        std::thread::scope(|s| {
            for _ in 0..threads() {
                let (queue, entered, sender) = (&queue, &entered, sender.clone());
                s.spawn(move || {
                    while let Some(dir) = queue.next() {
                        let mut files = Vec::new();
                        let subdirs = self.read_dir(&dir, &mut files, entered);
                        queue.done(subdirs);
                        // The receiver only goes away if the caller panicked; the scope reports that.
                        if !files.is_empty() && sender.send(files).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            folders.into_iter().flatten().for_each(&mut each);
        });
    }

    /// Adds `dir`'s audio files to `files`; returns the folders in it to read next.
    fn read_dir(&self, dir: &Path, files: &mut Vec<Found>, entered: &Mutex<HashSet<PathBuf>>) -> Vec<PathBuf> {
        let mut subdirs = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::debug!(dir = %dir.display(), error = %e, "cannot read a folder in the music folders");
                return subdirs;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                if self.enter(&path, entered) {
                    subdirs.push(path);
                }
            } else if kind.is_file() && tags::is_audio(&path) {
                if !(self.needs_stamp)(&path) {
                    files.push(Found { path, stamp: None });
                } else if let Ok(meta) = entry.metadata() {
                    files.push(Found::new(path, &meta));
                }
            } else if kind.is_symlink() && self.follow_symlinks {
                self.follow(&path, files, &mut subdirs, entered);
            }
        }
        subdirs
    }

    /// A link: its target counts if it is inside the music folders; a folder is entered once.
    fn follow(
        &self,
        link: &Path,
        files: &mut Vec<Found>,
        subdirs: &mut Vec<PathBuf>,
        entered: &Mutex<HashSet<PathBuf>>,
    ) {
        let Ok(real) = std::fs::canonicalize(link) else { return };
        if !self.allowed.iter().any(|root| real.starts_with(root)) {
            tracing::warn!(path = %link.display(), "skipping a link that leads out of the music folders");
            return;
        }
        let Ok(meta) = std::fs::metadata(&real) else { return };
        if meta.is_dir() {
            if self.enter(&real, entered) {
                subdirs.push(real);
            }
        } else if meta.is_file() && tags::is_audio(&real) {
            files.push(Found::new(real, &meta));
        }
    }

    /// Whether to read `dir` (a real path). Without links a folder can only be reached once,
    /// so only a walk following links keeps count.
    fn enter(&self, dir: &Path, entered: &Mutex<HashSet<PathBuf>>) -> bool {
        !self.follow_symlinks || entered.lock().unwrap_or_else(|e| e.into_inner()).insert(dir.to_path_buf())
    }
}

/// Folders waiting to be read, and how many are being read (whose subfolders may still come).
struct Queue {
    state: Mutex<(Vec<PathBuf>, usize)>,
    changed: Condvar,
}

impl Queue {
    fn new(root: PathBuf) -> Self {
        Self { state: Mutex::new((vec![root], 0)), changed: Condvar::new() }
    }

    /// The next folder to read, or `None` once every folder has been read.
    fn next(&self) -> Option<PathBuf> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(dir) = state.0.pop() {
                state.1 += 1;
                return Some(dir);
            }
            if state.1 == 0 {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// One folder read; `subdirs` are to be read too.
    fn done(&self, subdirs: Vec<PathBuf>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.extend(subdirs);
        state.1 -= 1;
        self.changed.notify_all();
    }
}

/// Listing is mostly waiting on the disk when it is cold and CPU when it is warm: a few
/// threads per core serve both.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).saturating_mul(2).clamp(2, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &[Found], root: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            found.iter().map(|f| f.path.strip_prefix(root).unwrap().display().to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn finds_audio_files_at_every_depth_and_follows_links_only_inside_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("music");
        let outside = std::fs::canonicalize(dir.path()).unwrap().join("outside");
        for d in ["a/b/c", "d", "e"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::create_dir_all(&outside).unwrap();
        for f in ["top.mp3", "a/one.flac", "a/b/two.ogg", "a/b/c/three.opus", "d/notes.txt", "d/cover.jpg"] {
            std::fs::write(root.join(f), b"x").unwrap();
        }
        std::fs::write(outside.join("secret.mp3"), b"x").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("e/out")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("d/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("top.mp3"), root.join("d/again.mp3")).unwrap();
        let allowed = [root.clone()];
        let list = |walk: Walk| {
            let mut found = Vec::new();
            walk.audio_files(&root, |f| found.push(f));
            found
        };

        let found = list(Walk { follow_symlinks: false, allowed: &allowed, needs_stamp: &|_| true });
        assert_eq!(names(&found, &root), ["a/b/c/three.opus", "a/b/two.ogg", "a/one.flac", "top.mp3"]);
        assert!(found.iter().all(|f| f.stamp.is_some_and(|(size, mtime)| size == 1 && mtime > 0)));

        // Stamps only where asked for.
        let top = root.join("top.mp3");
        let found = list(Walk { follow_symlinks: false, allowed: &allowed, needs_stamp: &|p| p == top });
        assert!(found.iter().all(|f| f.stamp.is_some() == (f.path == top)));

        // Following: the link to a folder already inside is not read twice, the file link
        // resolves to the file it names, the way out is refused.
        let found = list(Walk { follow_symlinks: true, allowed: &allowed, needs_stamp: &|_| true });
        assert_eq!(names(&found, &root), ["a/b/c/three.opus", "a/b/two.ogg", "a/one.flac", "top.mp3", "top.mp3"]);
    }

    #[test]
    fn lists_many_folders_on_several_threads_without_losing_any() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for d in 0..25 {
            let sub = root.join(format!("artist {}/album {d}", d % 5));
            std::fs::create_dir_all(&sub).unwrap();
            for f in 0..100 {
                std::fs::write(sub.join(format!("{f}.mp3")), b"").unwrap();
            }
        }
        let mut paths = HashSet::new();
        let walk = Walk { follow_symlinks: false, allowed: std::slice::from_ref(&root), needs_stamp: &|_| false };
        walk.audio_files(&root, |f| {
            assert!(paths.insert(f.path), "found twice");
        });
        assert_eq!(paths.len(), 2500);
    }
}
