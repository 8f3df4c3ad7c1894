//! The library scanner: walks the music folders, reads new and changed files (unchanged ones,
//! by size and mtime, are not opened), removes rows for files that are gone, and reports
//! progress as it goes. It runs on a blocking thread; files are read on several threads while
//! one stores them.

use crate::domain::library::TrackSource;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

use crate::db::library::{self, NewTrack};
use crate::media::ordered_reads::OrderedReads;
use crate::media::{artwork, tags, walk};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanProgress {
    pub phase: &'static str,
    pub files_seen: u64,
    pub files_total: Option<u64>,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub skipped: u64,
    pub done: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    pub progress: ScanProgress,
    pub skipped: Vec<(String, String)>,
}

/// A file on disk the scanner considers.
struct Candidate {
    path: PathBuf,
    /// Size and mtime (ms) as listed; `None` for a path never stored, whose reader asks.
    stamp: Option<(i64, i64)>,
    /// A path stored before: its row is looked up by path when the file is stored.
    stored: bool,
}

/// Files stored per transaction. Every commit rewrites the pages it touched, and the search
/// index (keyed by kind and name length since migration 15) touches pages all over: the cold
/// index of 10,000 files took 2.5 s at 128 files per commit, 1.8 s at 512 and 1.3 s at 1,024,
/// which still reports progress a few times a second and holds the write lock ~0.1 s.
const BATCH: usize = 1024;

pub struct Scan<'a> {
    pub folders: &'a [PathBuf],
    /// `library.follow_symlinks`: links are followed only to places inside the folders.
    pub follow_symlinks: bool,
    pub covers_dir: &'a Path,
    pub on_progress: &'a (dyn Fn(&ScanProgress) + Sync),
}

impl Scan<'_> {
    pub fn run(&self, conn: &mut Connection) -> anyhow::Result<ScanReport> {
        let mut report = ScanReport::default();
        report.progress.phase = "walking";
        (self.on_progress)(&report.progress);
        let known = library::library_files(conn, path_key)?;
        let hidden = crate::db::marks::hidden_paths(conn)?;
        let (candidates, seen, roots) = self.walk(&known, &hidden, &mut report);
        drop(known);
        report.progress.phase = "reading";
        report.progress.files_total = Some(seen.len() as u64);
        (self.on_progress)(&report.progress);
        self.read_candidates(conn, candidates, &mut report)?;
        report.progress.files_seen = seen.len() as u64;
        report.progress.phase = "cleaning";
        (self.on_progress)(&report.progress);
        let configured: Vec<PathBuf> = self.folders.iter().filter_map(|f| std::path::absolute(f).ok()).collect();
        report.progress.removed = remove_missing(conn, &seen, &roots, &configured)?;
        // The caller announces the final "done" once it has recorded the outcome.
        report.progress.phase = "done";
        report.progress.done = true;
        Ok(report)
    }

    /// Reads the candidates on several threads while this one stores what they read, in the
    /// order found, a transaction per batch. Reading overlaps storing, and on a cold disk the
    /// readers keep several requests in flight.
    fn read_candidates(
        &self,
        conn: &mut Connection,
        candidates: Vec<Candidate>,
        report: &mut ScanReport,
    ) -> anyhow::Result<()> {
        if candidates.is_empty() {
            return Ok(());
        }
        let covers_dir = self.covers_dir.to_path_buf();
        let folder_covers = FolderCovers::default();
        let reads = OrderedReads::start(candidates, reader_threads(), BATCH, tags::READ_TIMEOUT, move |c| {
            read_one(&covers_dir, c, &folder_covers)
        });
        while let Some(batch) = reads.next_batch() {
            let batch: Vec<_> = batch
                .into_iter()
                .map(|(i, outcome)| (&reads.items()[i], outcome.unwrap_or_else(|failure| Err(failure.to_string()))))
                .collect();
            self.store_batch(conn, batch, report)?;
        }
        Ok(())
    }

    fn store_batch(
        &self,
        conn: &mut Connection,
        batch: Vec<(&Candidate, FileRead)>,
        report: &mut ScanReport,
    ) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let paths: Vec<String> = batch.iter().map(|(c, _)| c.path.display().to_string()).collect();
        let existing = batch
            .iter()
            .zip(&paths)
            .map(|((c, _), path)| if c.stored { library::library_track_at(&tx, path) } else { Ok(None) })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut files = Vec::with_capacity(batch.len());
        for (((_, read), path), existing) in batch.iter().zip(&paths).zip(&existing) {
            match read {
                Ok((info, cover, (size, mtime))) => {
                    let file = TrackFile {
                        path,
                        size: *size,
                        mtime: *mtime,
                        source: TrackSource::Library,
                        uploaded_by: None,
                        hash: None,
                    };
                    files.push(TrackToStore { info, file, existing: existing.as_deref(), cover: cover.as_deref() });
                    if existing.is_some() {
                        report.progress.updated += 1;
                    } else {
                        report.progress.added += 1;
                    }
                }
                Err(reason) => {
                    report.progress.skipped += 1;
                    report.skipped.push((path.clone(), reason.clone()));
                }
            }
        }
        store_tracks(&tx, &files)?;
        tx.commit()?;
        report.progress.files_seen += batch.len() as u64;
        (self.on_progress)(&report.progress);
        Ok(())
    }

    /// Reads the given files if they are new or changed (used by the watcher).
    pub fn read_files(&self, conn: &mut Connection, files: &[PathBuf]) -> anyhow::Result<ScanReport> {
        let known = library::library_files(conn, path_key)?;
        let hidden = crate::db::marks::hidden_paths(conn)?;
        let allowed = self.resolved_folders();
        let mut candidates = Vec::new();
        for path in files {
            let Some(path) = self.readable_path(path, &allowed) else {
                tracing::warn!(path = %path.display(), "not reading a file reached through a link");
                continue;
            };
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let (size, mtime) = walk::file_stamp(&meta);
            let stamp = Some((size, mtime));
            let key = path.display().to_string();
            if hidden.contains(&key) {
                continue;
            }
            match known.get(&path_key(&key)) {
                Some(stored) if *stored == (size, mtime) => {}
                other => candidates.push(Candidate { path, stamp, stored: other.is_some() }),
            }
        }
        let mut report = ScanReport::default();
        self.read_candidates(conn, candidates, &mut report)?;
        for (path, reason) in &report.skipped {
            tracing::warn!(path, reason, "skipped file");
        }
        Ok(report)
    }

    /// Lists audio files; returns the ones to read, the key of every path seen (`path_key`),
    /// and the roots that exist (a missing root, say an unmounted disk, must not wipe its tracks).
    fn walk(
        &self,
        known: &HashMap<u64, (i64, i64)>,
        hidden: &HashSet<String>,
        report: &mut ScanReport,
    ) -> (Vec<Candidate>, HashSet<u64>, Vec<PathBuf>) {
        let mut candidates = Vec::new();
        let mut seen = HashSet::new();
        let mut roots = Vec::new();
        let allowed = self.resolved_folders();
        for root in self.folders {
            let Ok(root) = std::fs::canonicalize(root) else {
                tracing::warn!(folder = %root.display(), "music folder is missing; its tracks are kept until it is back");
                continue;
            };
            roots.push(root.clone());
            // A path never stored is read whatever its stamp; its reader asks for it, in parallel.
            let stored = |path: &Path| known.contains_key(&path_key(&path.to_string_lossy()));
            let walk = walk::Walk { follow_symlinks: self.follow_symlinks, allowed: &allowed, needs_stamp: &stored };
            walk.audio_files(&root, |found| {
                // As stored: lossy for a name that is not UTF-8, which is still read by its bytes.
                let path = found.path.to_string_lossy();
                let key = path_key(&path);
                // Overlapping folders (/music and /music/rock) must not read a file twice.
                if !seen.insert(key) {
                    return;
                }
                let stored = known.get(&key);
                let unchanged = stored.is_some_and(|stamp| found.stamp == Some(*stamp));
                // An admin removed a hidden file from the library; the file stays, the track does not.
                if !unchanged && !hidden.contains(&*path) {
                    candidates.push(Candidate {
                        path: found.path.clone(),
                        stamp: found.stamp,
                        stored: stored.is_some(),
                    });
                }
                if seen.len() % 1000 == 0 {
                    report.progress.files_seen = seen.len() as u64;
                    (self.on_progress)(&report.progress);
                }
            });
            report.progress.files_seen = seen.len() as u64;
        }
        // Stored in path order: an album's tracks together, the same order on every run.
        candidates.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
        (candidates, seen, roots)
    }

    /// The music folders that exist, with links resolved.
    pub fn resolved_folders(&self) -> Vec<PathBuf> {
        crate::media::confine::Confinement::folders(self.folders).resolved_roots()
    }

    /// The path to read and store `path` under: its resolved path, when that lies inside a music
    /// folder and, unless links are followed, `path` is reached through none. Storing resolved
    /// paths means a file linked from two places is one track.
    pub fn readable_path(&self, path: &Path, allowed: &[PathBuf]) -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        let inside = allowed.iter().any(|root| real.starts_with(root));
        (inside && (self.follow_symlinks || real == path)).then_some(real)
    }
}

/// Reads one file's tags and saves its cover (embedded, else the folder's).
fn read_one(covers_dir: &Path, c: &Candidate, folder_covers: &FolderCovers) -> FileRead {
    // Asked before reading: a change while we read then shows at the next scan.
    let stamp = match c.stamp {
        Some(stamp) => stamp,
        None => walk::file_stamp(&std::fs::metadata(&c.path).map_err(|e| format!("cannot open the file: {e}"))?),
    };
    let mut info = tags::read_unguarded(&c.path)?;
    let folder = c.path.parent().and_then(|dir| folder_covers.get(dir));
    let embedded = info.cover.take();
    let cover = artwork::track_cover(covers_dir, embedded.as_ref(), folder.as_deref()).unwrap_or_else(|e| {
        tracing::warn!(path = %c.path.display(), error = %e, "cannot save the embedded cover");
        folder
    });
    Ok((info, cover, stamp))
}

/// A file's tags, the cover to use (already saved) and its stamp, or why it cannot be read.
type FileRead = Result<(tags::TrackInfo, Option<PathBuf>, (i64, i64)), String>;

/// Reading threads. Parsing needs a core, but a cold disk mostly makes threads wait, so more
/// threads than cores keep it busy.
fn reader_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).saturating_mul(8).clamp(8, 24)
}

/// Each album folder's cover image, looked up once however many tracks it holds.
#[derive(Default)]
struct FolderCovers(Mutex<HashMap<PathBuf, Option<PathBuf>>>);

impl FolderCovers {
    fn get(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return found.clone();
        }
        // Looked up outside the lock: two threads may both look, and agree.
        let found = artwork::folder_cover(dir);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// Paths a scan knows of and sees are kept as 64-bit hashes, not strings: at 100,000 files the
/// strings were ~15 MB that the allocator then kept. Two paths sharing a hash (odds ~1 in 10^9
/// at that size) would make the second look like a duplicate, skipped until the next scan, or
/// keep a stored file that is gone; rows are always found by their real path.
fn path_key(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

fn remove_missing(
    conn: &mut Connection,
    seen: &HashSet<u64>,
    available: &[PathBuf],
    configured: &[PathBuf],
) -> anyhow::Result<u64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut removed = 0;
    for (id, path) in library::library_tracks_not_seen(&tx, path_key, seen)? {
        let path_ref = Path::new(&path);
        // Gone from a folder we could read, or from a folder no longer configured at all.
        let in_available = available.iter().any(|r| path_ref.starts_with(r));
        let in_configured = in_available || configured.iter().any(|r| path_ref.starts_with(r));
        if in_available || !in_configured {
            library::delete_track(&tx, &id)?;
            removed += 1;
        }
    }
    library::prune_orphans(&tx)?;
    tx.commit()?;
    Ok(removed)
}

/// Where a track's bytes are and who brought them.
#[derive(Clone, Copy)]
pub struct TrackFile<'a> {
    pub path: &'a str,
    pub size: i64,
    pub mtime: i64,
    pub source: TrackSource,
    pub uploaded_by: Option<&'a str>,
    pub hash: Option<&'a str>,
}

/// One file to store: its tags, where it is, the row it replaces (if it changed) and its cover.
pub struct TrackToStore<'a> {
    pub info: &'a tags::TrackInfo,
    pub file: TrackFile<'a>,
    pub existing: Option<&'a str>,
    pub cover: Option<&'a Path>,
}

/// Writes (or rewrites) one track row with its artist, album and cover. Shared by the scanner
/// and uploads so both derive artists and albums the same way.
pub fn store_track(
    conn: &Connection,
    info: &tags::TrackInfo,
    file: &TrackFile<'_>,
    existing: Option<&str>,
    cover: Option<&Path>,
) -> anyhow::Result<String> {
    let mut ids = store_tracks(conn, &[TrackToStore { info, file: *file, existing, cover }])?;
    Ok(ids.pop().expect("one id per track"))
}

/// Writes several tracks; returns their ids in order. New rows go in with one statement:
/// the search index (an FTS5 table fed by a trigger) flushes once per statement, so one
/// insert per row would flush it for every file.
pub fn store_tracks(conn: &Connection, tracks: &[TrackToStore<'_>]) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(tracks.len());
    let mut new_rows = Vec::new();
    let mut resolved = Vec::with_capacity(tracks.len());
    // A batch holds whole albums: look each artist and album up once, not once per track.
    let mut names = KnownNames::default();
    let mut covered = HashSet::new();
    for t in tracks {
        let (artist_id, album_id) = names.artist_and_album(conn, t.info)?;
        if let Some(c) = t.cover
            && covered.insert(album_id.clone())
        {
            library::set_album_cover_if_missing(conn, &album_id, &c.display().to_string())?;
        }
        if let Some(uploader) = t.file.uploaded_by {
            library::claim_new_album(conn, &album_id, uploader)?;
        }
        resolved.push((artist_id, album_id));
    }
    for (t, (artist_id, album_id)) in tracks.iter().zip(&resolved) {
        let info = t.info;
        let row = NewTrack {
            name: &info.title,
            artist_id: Some(artist_id),
            album_id: Some(album_id),
            genre: info.genre.as_deref(),
            track_number: info.track_number.map(i64::from),
            disc_number: info.disc_number.map(i64::from),
            year: info.year.map(i64::from),
            duration: info.duration,
            codec: &info.codec,
            bitrate: info.bitrate.map(|b| i64::from(b) * 1000),
            sample_rate: info.sample_rate.map(i64::from),
            channels: info.channels.map(i64::from),
            path: t.file.path,
            file_size: t.file.size,
            file_mtime: t.file.mtime,
            content_hash: t.file.hash,
            source: t.file.source,
            uploaded_by: t.file.uploaded_by,
        };
        match t.existing {
            Some(id) => {
                library::update_track_from_file(conn, id, &row)?;
                ids.push(id.to_string());
            }
            None => {
                let id = crate::db::new_id();
                ids.push(id.clone());
                new_rows.push((id, row));
            }
        }
    }
    library::insert_tracks(conn, &new_rows)?;
    for (t, id) in tracks.iter().zip(&ids) {
        let lyrics = t.info.lyrics.as_ref().map(|l| (l.source, l.body.as_str()));
        // A new row has no lyrics to clear.
        if lyrics.is_some() || t.existing.is_some() {
            crate::db::marks::set_lyrics(conn, id, lyrics)?;
        }
    }
    Ok(ids)
}

/// The artist and album a file belongs to, created when new.
/// Artist and album ids already resolved in this batch, by the names (and year) asked for.
#[derive(Default)]
struct KnownNames {
    artists: HashMap<String, String>,
    albums: HashMap<(String, String, Option<i32>), String>,
}

impl KnownNames {
    fn artist(&mut self, conn: &Connection, name: &str) -> anyhow::Result<String> {
        if let Some(id) = self.artists.get(name) {
            return Ok(id.clone());
        }
        let id = library::artist_id_for(conn, name)?;
        self.artists.insert(name.to_string(), id.clone());
        Ok(id)
    }

    fn artist_and_album(&mut self, conn: &Connection, info: &tags::TrackInfo) -> anyhow::Result<(String, String)> {
        let artist_name = info.artist.as_deref().unwrap_or("Unknown Artist");
        let artist_id = self.artist(conn, artist_name)?;
        // Compilations stay one album under "Various Artists" whatever each track's artist is.
        let album_artist_name =
            info.album_artist.as_deref().or(info.compilation.then_some("Various Artists")).unwrap_or(artist_name);
        let album_artist_id = if album_artist_name.eq_ignore_ascii_case(artist_name) {
            artist_id.clone()
        } else {
            self.artist(conn, album_artist_name)?
        };
        let album_title = info.album.as_deref().unwrap_or("Unknown Album");
        // The year is part of the key: a later track's year still fills an album's missing one.
        let key = (album_title.to_string(), album_artist_id, info.year);
        if let Some(id) = self.albums.get(&key) {
            return Ok((artist_id, id.clone()));
        }
        let album_id = library::album_id_for(conn, album_title, Some(&key.1), None, info.year.map(i64::from))?;
        self.albums.insert(key, album_id.clone());
        Ok((artist_id, album_id))
    }
}
