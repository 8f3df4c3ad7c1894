//! The music library: scanning, browsing, search, editing and uploads.
//! Library files from disk are read-only except by admins; uploaders edit their own uploads.

use crate::domain::library::TrackSource;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tokio::sync::broadcast;

use crate::db::library as db_library;
pub use crate::db::library::{
    AlbumFilter, AlbumRow, AlbumSort, ArtistRow, TrackFilter, TrackRow, TrackSort, fts_query, keyset_applies,
};
use crate::error::{AppError, AppResult};
use crate::media::scanner::{Scan, ScanProgress};
use crate::media::watcher::Change;
use crate::services::sessions::Caller;
use crate::state::SharedState;

#[derive(Debug, Clone, Default)]
pub struct ScanStatus {
    pub scanning: bool,
    pub last_started_at: Option<String>,
    pub last_finished_at: Option<String>,
    pub last_duration_ms: Option<i64>,
    pub skipped: Vec<(String, String)>,
}

/// Counts committed database writes (by any connection): an answer read at one value may be
/// stale at the next. Caches of answers compare it.
pub fn data_generation() -> u64 {
    crate::db::data_generation()
}

/// Live scan state shared by the scanner task and the API.
pub struct LibraryState {
    running: AtomicBool,
    /// Full scans and watcher batches take turns: both write the same rows.
    writer: tokio::sync::Mutex<()>,
    watcher: std::sync::Mutex<Option<notify::RecommendedWatcher>>,
    status: std::sync::Mutex<ScanStatus>,
    progress: broadcast::Sender<ScanProgress>,
    /// Track totals by filter with the data generation they were counted at: counting 100,000
    /// rows for every page cost more than reading the page.
    track_counts: moka::sync::Cache<String, (u64, i64)>,
}

impl Default for LibraryState {
    fn default() -> Self {
        Self {
            running: AtomicBool::new(false),
            writer: tokio::sync::Mutex::new(()),
            watcher: std::sync::Mutex::new(None),
            status: Default::default(),
            progress: broadcast::channel(64).0,
            track_counts: moka::sync::Cache::new(1024),
        }
    }
}

impl LibraryState {
    /// Whether file changes are being watched (from just after the first scan).
    pub fn watching(&self) -> bool {
        self.watcher.lock().expect("watcher lock").is_some()
    }
    pub fn status(&self) -> ScanStatus {
        self.status.lock().expect("status lock").clone()
    }
    pub fn subscribe(&self) -> broadcast::Receiver<ScanProgress> {
        self.progress.subscribe()
    }
}

/// Starts a scan in the background unless one is running; returns whether it started.
pub fn start_scan(state: &SharedState) -> bool {
    if !claim_scan(state) {
        return false;
    }
    tokio::spawn(scan_claimed(state.clone()));
    true
}

/// Marks a scan as running unless one is. Marked before its task starts, so an answer saying
/// "started" is never older than the scan's own "finished".
fn claim_scan(state: &SharedState) -> bool {
    if state.library.running.swap(true, Ordering::SeqCst) {
        return false;
    }
    mark_started(state);
    true
}

async fn scan_claimed(state: SharedState) {
    let result = run_scan(state.clone()).await;
    state.library.running.store(false, Ordering::SeqCst);
    if let Err(e) = result {
        e.log_if_internal();
    }
}

fn mark_started(state: &SharedState) {
    let mut s = state.library.status.lock().expect("status lock");
    s.scanning = true;
    s.last_started_at = Some(crate::db::now());
}

/// Runs a full scan now and waits for it (used by `soundroom scan` and at start).
pub async fn run_scan(state: SharedState) -> AppResult<ScanStatus> {
    let _writer = state.library.writer.lock().await;
    let started = Instant::now();
    if !state.library.status().scanning {
        mark_started(&state);
    }
    tracing::info!(folders = state.config.library.folders.len(), "library scan started");
    let report = scan_folders(&state, Some(state.library.progress.clone())).await;
    let mut s = state.library.status.lock().expect("status lock");
    s.scanning = false;
    s.last_finished_at = Some(crate::db::now());
    s.last_duration_ms = Some(started.elapsed().as_millis() as i64);
    let report = report?;
    let p = &report.progress;
    tracing::info!(
        files = p.files_seen,
        added = p.added,
        updated = p.updated,
        removed = p.removed,
        skipped = p.skipped,
        seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
        "library scan finished"
    );
    for (path, reason) in &report.skipped {
        tracing::warn!(path, reason, "skipped file");
    }
    s.skipped = report.skipped;
    let status = s.clone();
    drop(s);
    let _ = state.library.progress.send(report.progress);
    Ok(status)
}

/// A full scan of the music folders on a database thread, its progress sent to `progress`
/// if given. The caller holds the writer lock.
async fn scan_folders(
    state: &SharedState,
    progress: Option<broadcast::Sender<ScanProgress>>,
) -> AppResult<crate::media::scanner::ScanReport> {
    let folders = state.config.library.folders.clone();
    let follow_symlinks = state.config.library.follow_symlinks;
    let covers = state.data_path("covers");
    state
        .db
        .run(move |conn| {
            let notify = |p: &ScanProgress| {
                if let Some(progress) = &progress {
                    let _ = progress.send(p.clone());
                }
            };
            Ok(Scan { folders: &folders, follow_symlinks, covers_dir: &covers, on_progress: &notify }.run(conn)?)
        })
        .await
}

/// At start: a scan of the music folders, then (if `library.watch`) live updates.
pub fn start(state: &SharedState) -> anyhow::Result<()> {
    if state.config.library.folders.is_empty() {
        return Ok(());
    }
    // A scan already running (asked for by an admin) counts as the first; watching waits for
    // it through the writer lock.
    let claimed = claim_scan(state);
    let state = state.clone();
    tokio::spawn(async move {
        if claimed {
            scan_claimed(state.clone()).await;
        }
        if state.config.library.watch {
            start_watching(state).await;
        }
    });
    Ok(())
}

/// Watching starts once the first scan is done: registering walks every folder again, and
/// beside the scan every file the scan opened came back as an event (the watcher's thread
/// took ~9% of a cold scan's CPU). One quiet rescan right after registering catches whatever
/// changed between the scan's walk and the watch, so nothing falls in the gap.
async fn start_watching(state: SharedState) {
    let started = Instant::now();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let folders = state.config.library.folders.clone();
    let follow_symlinks = state.config.library.follow_symlinks;
    let registered =
        tokio::task::spawn_blocking(move || crate::media::watcher::watch(&folders, follow_symlinks, tx)).await;
    match registered {
        Ok(Ok(watcher)) => *state.library.watcher.lock().expect("watcher lock") = Some(watcher),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot watch the music folders; changes need a rescan");
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "watching the music folders failed; changes need a rescan");
            return;
        }
    }
    tokio::spawn(apply_watched_changes(state.clone(), rx));
    if let Err(e) = catch_up(&state).await {
        e.log_if_internal();
    }
    tracing::info!(
        folders = state.config.library.folders.len(),
        ms = started.elapsed().as_millis() as u64,
        "watching the music folders for changes"
    );
}

/// A full scan without the scan's status and log lines: it only reports what it changed.
async fn catch_up(state: &SharedState) -> AppResult<()> {
    let _writer = state.library.writer.lock().await;
    let report = scan_folders(state, None).await?;
    let p = &report.progress;
    if p.added + p.updated + p.removed > 0 {
        tracing::info!(added = p.added, updated = p.updated, removed = p.removed, "library updated from file changes");
        let _ = state.library.progress.send(report.progress.clone());
    }
    state.library.status.lock().expect("status lock").skipped = report.skipped;
    Ok(())
}

/// Collects changed paths until the disk has been quiet for a moment (a copy of an album
/// is one batch, not a hundred), then applies them.
async fn apply_watched_changes(state: SharedState, mut rx: tokio::sync::mpsc::UnboundedReceiver<Change>) {
    const QUIET: std::time::Duration = std::time::Duration::from_millis(750);
    let mut lost_rescans = LostRescans::default();
    while let Some(first) = rx.recv().await {
        let mut pending = Pending::default();
        pending.add(first);
        loop {
            tokio::select! {
                next = rx.recv() => match next {
                    Some(change) => pending.add(change),
                    None => break,
                },
                _ = tokio::time::sleep(QUIET) => break,
                _ = state.shutdown.cancelled() => return,
            }
        }
        let Pending { paths, lost } = pending;
        if lost {
            let wait = lost_rescans.delay(Instant::now());
            tracing::warn!(
                in_secs = wait.as_secs(),
                "the file watcher missed changes (too many at once); rescanning the music folders"
            );
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = state.shutdown.cancelled() => return,
            }
            rewatch(&state).await;
            if let Err(e) = catch_up(&state).await {
                e.log_if_internal();
            }
            lost_rescans.ran(Instant::now());
            continue;
        }
        let _writer = state.library.writer.lock().await;
        let covers = state.data_path("covers");
        let folders = state.config.library.folders.clone();
        let follow_symlinks = state.config.library.follow_symlinks;
        let sender = state.library.progress.clone();
        let changed = paths.clone();
        let result = state
            .db
            .run(move |conn| {
                let quiet = |_: &ScanProgress| {};
                Ok(Scan { folders: &folders, follow_symlinks, covers_dir: &covers, on_progress: &quiet }
                    .apply_changes(conn, &paths)?)
            })
            .await;
        match result {
            Ok(report) => {
                let p = &report.progress;
                tracing::info!(
                    added = p.added,
                    updated = p.updated,
                    removed = p.removed,
                    skipped = p.skipped,
                    "library updated from file changes"
                );
                // The admin's skipped list follows the disk: what changed is judged afresh.
                {
                    let mut s = state.library.status.lock().expect("status lock");
                    s.skipped.retain(|(path, _)| !changed.iter().any(|c| std::path::Path::new(path).starts_with(c)));
                    s.skipped.extend(report.skipped.iter().cloned());
                }
                let _ = sender.send(report.progress);
            }
            Err(e) => e.log_if_internal(),
        }
    }
}

/// Watches the music folders again after lost events: notify watches a new folder only when
/// it sees it created, and that may have been among them. Before the rescan, so that what
/// changes in such a folder afterwards comes as events.
async fn rewatch(state: &SharedState) {
    let state = state.clone();
    let done = tokio::task::spawn_blocking(move || {
        if let Some(watcher) = state.library.watcher.lock().expect("watcher lock").as_mut() {
            crate::media::watcher::watch_folders(watcher, &state.config.library.folders);
        }
    })
    .await;
    if let Err(e) = done {
        tracing::error!(error = %e, "watching the music folders again failed");
    }
}

/// Spaces out the rescans for lost events. A rescan opens every folder and each open is an
/// event, so in a library with more folders than the kernel's queue holds a rescan can itself
/// overflow the queue: without spacing, that would rescan forever.
#[derive(Debug)]
struct LostRescans {
    /// No rescan for lost events before this.
    next: Option<Instant>,
    gap: std::time::Duration,
}

impl LostRescans {
    const FIRST_GAP: std::time::Duration = std::time::Duration::from_secs(10);
    const LONGEST_GAP: std::time::Duration = std::time::Duration::from_secs(600);

    /// How long to wait before the next rescan.
    fn delay(&self, now: Instant) -> std::time::Duration {
        self.next.map_or(std::time::Duration::ZERO, |next| next.saturating_duration_since(now))
    }

    /// A rescan ran: one soon after the last doubles the gap, one after a calm spell resets it.
    fn ran(&mut self, now: Instant) {
        self.gap = match self.next {
            Some(next) if now < next + self.gap => (self.gap * 2).min(Self::LONGEST_GAP),
            _ => Self::FIRST_GAP,
        };
        self.next = Some(now + self.gap);
    }
}

impl Default for LostRescans {
    fn default() -> Self {
        Self { next: None, gap: Self::FIRST_GAP }
    }
}

/// Watched changes collected until the disk is quiet.
#[derive(Default)]
struct Pending {
    paths: std::collections::HashSet<std::path::PathBuf>,
    /// Some changes were dropped before they reached us: rescan everything.
    lost: bool,
}

impl Pending {
    fn add(&mut self, change: Change) {
        match change {
            Change::Path(path) => {
                self.paths.insert(path);
            }
            Change::EventsLost => self.lost = true,
        }
    }
}

pub struct Counts {
    pub tracks: i64,
    pub albums: i64,
    pub artists: i64,
}

pub async fn counts(state: &SharedState) -> AppResult<Counts> {
    let (tracks, albums, artists) = state.db.run(|c| Ok(db_library::counts(c)?)).await?;
    Ok(Counts { tracks, albums, artists })
}

pub async fn rescan(state: &SharedState, caller: &Caller) -> AppResult<ScanStatus> {
    caller.require_admin()?;
    start_scan(state);
    Ok(state.library.status())
}

/// Whether a scan runs, and the track count: anyone signed in may ask (apps poll it); the
/// details (`scan_status`) are for admins.
pub async fn scan_activity(state: &SharedState, _listener: &Caller) -> AppResult<(bool, i64)> {
    Ok((state.library.status().scanning, counts(state).await?.tracks))
}

pub fn scan_status(caller: &Caller, state: &SharedState) -> AppResult<ScanStatus> {
    caller.require_admin()?;
    Ok(state.library.status())
}

// Browsing takes a `Caller` though it reads nothing from it: holding one is the proof that a
// signed-in, enabled account asks. Every edge must obtain it first (the lldap pattern), so none
// can forget the check.

pub async fn tracks(
    state: &SharedState,
    _listener: &Caller,
    filter: TrackFilter,
    sort: TrackSort,
    offset: usize,
    limit: usize,
) -> AppResult<(Vec<TrackRow>, i64)> {
    tracks_after(state, _listener, filter, sort, offset, None, limit).await
}

/// Like `tracks`, continuing after the row with this (name, id) where the order allows it
/// (`db::library::keyset_applies`); `offset` still says where the page sits in the list.
pub async fn tracks_after(
    state: &SharedState,
    _listener: &Caller,
    filter: TrackFilter,
    sort: TrackSort,
    offset: usize,
    after: Option<(String, String)>,
    limit: usize,
) -> AppResult<(Vec<TrackRow>, i64)> {
    let key = format!("{filter:?}");
    let generation = data_generation();
    let known = state.library.track_counts.get(&key).filter(|(g, _)| *g == generation).map(|(_, n)| n);
    let (rows, total) = state
        .db
        .run(move |c| {
            let total = match known {
                Some(n) => n,
                None => db_library::tracks_count(c, &filter)?,
            };
            let after = after.as_ref().map(|(name, id)| (name.as_str(), id.as_str()));
            Ok((db_library::tracks_page(c, &filter, sort, offset, after, limit)?, total))
        })
        .await?;
    // Kept only if nothing was written while counting.
    if known.is_none() && data_generation() == generation {
        state.library.track_counts.insert(key, (generation, total));
    }
    Ok((rows, total))
}

pub async fn artists(
    state: &SharedState,
    listener: &Caller,
    search: Option<String>,
    genre: Option<String>,
    favorites_only: bool,
    offset: usize,
    limit: usize,
) -> AppResult<(Vec<ArtistRow>, i64)> {
    let fan = favorites_only.then(|| listener.user_id.to_string());
    state
        .db
        .run(move |c| {
            Ok(db_library::artists_page(c, search.as_deref(), genre.as_deref(), fan.as_deref(), offset, limit)?)
        })
        .await
}

/// A page of albums; `filter.favorites_of` is set by `favorites_only` (the caller's own).
pub async fn albums(
    state: &SharedState,
    listener: &Caller,
    mut filter: AlbumFilter,
    favorites_only: bool,
    sort: db_library::AlbumSort,
    offset: usize,
    limit: usize,
) -> AppResult<(Vec<AlbumRow>, i64)> {
    let viewer = listener.user_id.to_string();
    filter.favorites_of = favorites_only.then(|| viewer.clone());
    state.db.run(move |c| Ok(db_library::albums_page(c, &filter, sort, &viewer, offset, limit)?)).await
}

/// (genre, songs, albums) for every genre.
pub async fn genre_counts(state: &SharedState, _listener: &Caller) -> AppResult<Vec<(String, i64, i64)>> {
    state.db.run(|c| Ok(db_library::genre_counts(c)?)).await
}

pub async fn genres(state: &SharedState, _listener: &Caller) -> AppResult<Vec<String>> {
    state.db.run(|c| Ok(db_library::genres(c)?)).await
}

pub async fn track(state: &SharedState, _listener: &Caller, id: String) -> AppResult<Option<TrackRow>> {
    state.db.run(move |c| Ok(db_library::tracks_by_ids(c, &[id])?.pop())).await
}

pub async fn artist(state: &SharedState, _listener: &Caller, id: String) -> AppResult<Option<ArtistRow>> {
    state.db.run(move |c| Ok(db_library::artists_by_ids(c, &[id])?.pop())).await
}

pub async fn album(state: &SharedState, _listener: &Caller, id: String) -> AppResult<Option<AlbumRow>> {
    state.db.run(move |c| Ok(db_library::albums_by_ids(c, &[id])?.pop())).await
}

/// Matches per kind for the search box, best first, at most `first` of each; only playlists
/// the caller may read and enabled accounts.
#[derive(Default)]
pub struct SearchHits {
    pub artists: Vec<ArtistRow>,
    pub albums: Vec<AlbumRow>,
    pub tracks: Vec<TrackRow>,
    pub playlists: Vec<crate::db::playlists::PlaylistRow>,
    pub users: Vec<crate::db::users::UserRow>,
}

pub async fn search(state: &SharedState, caller: &Caller, query: &str, first: usize) -> AppResult<SearchHits> {
    let Some(fts) = db_library::fts_query(query) else { return Ok(SearchHits::default()) };
    let caller = caller.clone();
    state
        .db
        .run(move |c| {
            // Others' private playlists and hidden people are filtered out after matching, so
            // look further for those.
            let wanted = std::collections::HashMap::from([
                ("artist", first),
                ("album", first),
                ("track", first),
                ("playlist", first * 5),
                ("user", first * 2),
            ]);
            let mut found = db_library::search_kinds(c, &fts, &wanted)?;
            let mut ids = |kind: &str| found.remove(kind).unwrap_or_default();
            let (artist_ids, album_ids, track_ids) = (ids("artist"), ids("album"), ids("track"));
            let (playlist_ids, user_ids) = (ids("playlist"), ids("user"));
            let mut playlists =
                keep_order(&playlist_ids, crate::db::playlists::by_ids(c, &playlist_ids)?, |p| p.id.as_str());
            playlists.retain(|p| crate::services::playlists::may_read(&caller, p));
            playlists.truncate(first);
            let mut users = keep_order(&user_ids, crate::db::users::by_ids(c, &user_ids)?, |u| u.id.as_str());
            let hidden = crate::db::social::blocked_either_way_ids(c, &caller.user_id)?;
            users.retain(|u| !u.disabled && !hidden.iter().any(|h| u.id == *h));
            users.truncate(first);
            Ok(SearchHits {
                artists: keep_order(&artist_ids, db_library::artists_by_ids(c, &artist_ids)?, |a| a.id.as_str()),
                albums: keep_order(&album_ids, db_library::albums_by_ids(c, &album_ids)?, |a| a.id.as_str()),
                tracks: keep_order(&track_ids, db_library::tracks_by_ids(c, &track_ids)?, |t| t.id.as_str()),
                playlists,
                users,
            })
        })
        .await
}

fn keep_order<T>(ids: &[String], mut rows: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    rows.sort_by_key(|r| ids.iter().position(|i| i == id(r)));
    rows
}

/// Who may change a track: admins anything, uploaders their own uploads.
pub fn may_edit(caller: &Caller, track: &TrackRow) -> AppResult<()> {
    let own_upload =
        track.source == TrackSource::Upload && track.uploaded_by.as_deref() == Some(caller.user_id.as_str());
    if caller.is_admin || own_upload {
        Ok(())
    } else if track.source == TrackSource::Library {
        Err(AppError::forbidden("files from the music folders can only be changed by an administrator"))
    } else {
        Err(AppError::forbidden("only the uploader or an administrator can change this track"))
    }
}

/// A track's file as people should see it: relative to the music folder it is in (the server's
/// own layout stays private), or `uploads/<file>` for an upload.
pub fn display_path(state: &SharedState, track: &TrackRow) -> String {
    let path = std::path::Path::new(&track.path);
    let file_name = || path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if track.source == TrackSource::Upload {
        return format!("uploads/{}", file_name());
    }
    for folder in &state.config.library.folders {
        let roots = [std::path::absolute(folder).ok(), std::fs::canonicalize(folder).ok()];
        for root in roots.into_iter().flatten() {
            if let Ok(rest) = path.strip_prefix(&root) {
                return rest.display().to_string();
            }
        }
    }
    file_name()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn rescans_for_lost_events_back_off_while_they_keep_coming_and_start_over_after_a_calm() {
        let t0 = Instant::now();
        let mut rescans = LostRescans::default();
        assert_eq!(rescans.delay(t0), Duration::ZERO, "the first runs at once");
        rescans.ran(t0);
        assert_eq!(rescans.delay(t0), Duration::from_secs(10));
        // Lost again right away: it waits, runs, and the gap doubles.
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(rescans.delay(t1), Duration::ZERO);
        rescans.ran(t1);
        assert_eq!(rescans.delay(t1), Duration::from_secs(20));
        let mut t = t1;
        for _ in 0..10 {
            t += rescans.delay(t);
            rescans.ran(t);
        }
        assert_eq!(rescans.delay(t), Duration::from_secs(600), "never more than ten minutes");
        // An hour of calm: the next one runs at once and the gap starts over.
        let later = t + Duration::from_secs(3600);
        assert_eq!(rescans.delay(later), Duration::ZERO);
        rescans.ran(later);
        assert_eq!(rescans.delay(later), Duration::from_secs(10));
    }
}
