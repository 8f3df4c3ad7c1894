//! Live library updates: a filesystem watcher reports changed paths, and only those are
//! re-read (files added, changed, moved in or out, deleted) instead of rescanning everything.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use rusqlite::Connection;

use crate::db::library;
use crate::media::scanner::{Scan, ScanReport};
use crate::media::tags;

/// What the watcher reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// This file or folder was added, changed, moved or deleted.
    Path(PathBuf),
    /// The kernel's event queue overflowed (thousands of files changed at once, say): changes
    /// were dropped, so only a rescan of everything can tell what happened.
    EventsLost,
}

/// Watches `folders` recursively and sends every change to `tx`. Links are followed only when
/// the library follows them (`library.follow_symlinks`): following them also made the watcher
/// stat every file in the folders as it started.
pub fn watch(
    folders: &[PathBuf],
    follow_symlinks: bool,
    tx: tokio::sync::mpsc::UnboundedSender<Change>,
) -> anyhow::Result<RecommendedWatcher> {
    let handler = move |event: notify::Result<notify::Event>| {
        for change in changes(event) {
            let _ = tx.send(change);
        }
    };
    let config = notify::Config::default().with_follow_symlinks(follow_symlinks);
    let mut watcher = RecommendedWatcher::new(handler, config)?;
    watch_folders(&mut watcher, folders);
    Ok(watcher)
}

/// Adds every folder below `folders` to the watch. Safe to repeat: folders already watched
/// stay as they are, and folders notify missed (their creation was among lost events, so it
/// never learned of them) are added.
pub fn watch_folders(watcher: &mut RecommendedWatcher, folders: &[PathBuf]) {
    for folder in folders {
        // Stored paths are canonical, so watch the canonical folder to get matching paths.
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.clone());
        if let Err(e) = watcher.watch(&folder, RecursiveMode::Recursive) {
            tracing::warn!(folder = %folder.display(), error = %e, "cannot watch music folder; changes need a rescan");
        }
    }
}

/// The changes one watcher event stands for.
fn changes(event: notify::Result<notify::Event>) -> Vec<Change> {
    match event {
        // notify reports an overflowed queue as an event with no paths and this flag.
        Ok(e) if e.need_rescan() => vec![Change::EventsLost],
        // Reads (our own included) are not changes.
        Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => Vec::new(),
        Ok(e) => e.paths.into_iter().map(Change::Path).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "file watcher error");
            Vec::new()
        }
    }
}

impl Scan<'_> {
    /// Brings the rows for `paths` (files or folders) in line with the disk.
    /// The report's `skipped` lists the files among `paths` that could not be read.
    pub fn apply_changes(&self, conn: &mut Connection, paths: &HashSet<PathBuf>) -> anyhow::Result<ScanReport> {
        // A set: one change often reports both a file and its folder.
        let mut files = std::collections::BTreeSet::new();
        let mut gone = Vec::new();
        for path in paths {
            if path.is_dir() {
                let walk = walkdir::WalkDir::new(path).follow_links(self.follow_symlinks);
                let audio = walk.into_iter().filter_map(Result::ok);
                files.extend(
                    audio.filter(|e| e.file_type().is_file() && tags::is_audio(e.path())).map(|e| e.into_path()),
                );
            } else if path.is_file() {
                if tags::is_audio(path) {
                    files.insert(path.clone());
                }
            } else {
                gone.push(path.clone());
            }
        }
        let files: Vec<PathBuf> = files.into_iter().collect();
        let mut report = self.read_files(conn, &files)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for path in &gone {
            report.progress.removed += remove_under(&tx, path)?;
        }
        library::prune_orphans(&tx)?;
        tx.commit()?;
        report.progress.done = true;
        report.progress.phase = "done";
        Ok(report)
    }
}

/// Deletes library tracks at `path` or below it (a deleted or moved-away folder).
fn remove_under(conn: &Connection, path: &Path) -> rusqlite::Result<u64> {
    let ids = library::library_tracks_under(conn, &path.display().to_string())?;
    for id in &ids {
        library::delete_track(conn, id)?;
    }
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, CreateKind, Event, EventKind, Flag};

    use super::*;

    #[test]
    fn an_overflowed_event_queue_asks_for_a_full_rescan() {
        let overflow = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert_eq!(changes(Ok(overflow)), vec![Change::EventsLost]);
    }

    #[test]
    fn reads_are_not_changes_and_other_events_report_their_paths() {
        let read = Event::new(EventKind::Access(AccessKind::Any)).add_path("/music/a.mp3".into());
        assert_eq!(changes(Ok(read)), vec![]);
        let created = Event::new(EventKind::Create(CreateKind::File)).add_path("/music/b.mp3".into());
        assert_eq!(changes(Ok(created)), vec![Change::Path("/music/b.mp3".into())]);
        assert_eq!(changes(Err(notify::Error::generic("broken"))), vec![]);
    }
}
