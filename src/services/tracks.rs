//! Changing the library: uploads, track edits and deletes, and hand-made artists.

use crate::domain::library::TrackSource;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::db::edits;
use crate::db::library::{self as db_library, ArtistRow, TrackRow};
use crate::error::{AppError, AppResult};
use crate::media::scanner::{TrackFile, store_track};
use crate::media::tags;
use crate::services::accounts::{ImageUpload, remove_owned_image, with_image};
use crate::services::library::may_edit;
use crate::services::sessions::Caller;
use crate::state::SharedState;
use crate::telemetry::blocking;

/// Fields a person may set; `None` leaves a field as it is (or, on upload, as the tags say).
#[derive(Default, Clone)]
pub struct TrackChange {
    pub name: Option<String>,
    pub genre: Option<String>,
    pub artist_name: Option<String>,
    pub album_title: Option<String>,
    pub track_number: Option<i32>,
    pub disc_number: Option<i32>,
    pub year: Option<i32>,
}

impl TrackChange {
    fn validate(&self) -> AppResult<()> {
        for (field, value) in [
            ("name", &self.name),
            ("genre", &self.genre),
            ("artistName", &self.artist_name),
            ("albumTitle", &self.album_title),
        ] {
            if let Some(v) = value
                && (v.trim().is_empty() || v.chars().count() > 300)
            {
                return Err(AppError::invalid(format!("{field} must have 1 to 300 characters")));
            }
        }
        for (field, value, max) in
            [("trackNumber", self.track_number, 9999), ("discNumber", self.disc_number, 999), ("year", self.year, 9999)]
        {
            if value.is_some_and(|v| v < 0 || v > max) {
                return Err(AppError::invalid(format!("{field} must be between 0 and {max}")));
            }
        }
        Ok(())
    }

    fn apply_to(&self, info: &mut tags::TrackInfo) {
        let set = |target: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *target = Some(v.trim().to_string());
            }
        };
        if let Some(n) = &self.name {
            info.title = n.trim().to_string();
        }
        set(&mut info.genre, &self.genre);
        set(&mut info.artist, &self.artist_name);
        set(&mut info.album, &self.album_title);
        if self.artist_name.is_some() {
            info.album_artist = None;
        }
        info.track_number = self.track_number.map(|n| n as u32).or(info.track_number);
        info.disc_number = self.disc_number.map(|n| n as u32).or(info.disc_number);
        info.year = self.year.or(info.year);
    }
}

/// Stores an uploaded file: probed by content, deduplicated by hash, written atomically, and
/// the row added in one transaction. A failure anywhere leaves neither file nor row.
pub async fn upload(
    state: &SharedState,
    caller: &Caller,
    mut file: std::fs::File,
    filename: String,
    change: TrackChange,
) -> AppResult<TrackRow> {
    change.validate()?;
    let uploads = state.data_path("uploads");
    let covers = state.data_path("covers");
    let original_name = filename.clone();
    let max = (state.config.limits.max_upload_mb as u64) * 1024 * 1024;
    let user = caller.user_id.clone();
    // Copying and probing can take a while for a large file; no database connection is held.
    let staging = uploads.clone();
    let (staged, info, hash) = blocking(move || {
        let staged = tempfile::NamedTempFile::new_in(&staging)?;
        let hash = copy_hashing(&mut file, staged.as_file(), max)?;
        // Only the file name is a hint: an upload's folders say nothing about the music.
        let name = Path::new(&filename).file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("Upload"));
        let mut info = tags::read_named(staged.path(), &name)
            .map_err(|e| AppError::invalid(format!("this is not an audio file Soundroom can read ({e})")))?;
        change.apply_to(&mut info);
        Ok((staged, info, hash))
    })
    .await?;
    let id = state
        .db
        .run(move |conn| store_upload(conn, staged, &info, &hash, &uploads, &user, &covers, &original_name))
        .await?;
    tracing::info!(track_id = %id, user_id = %caller.user_id, "track uploaded");
    crate::services::library::track(state, caller, id).await?.ok_or_else(|| AppError::not_found("track"))
}

/// Check, file and row under one write transaction, so two uploads of the same bytes cannot
/// both pass the check; the file gets its final name only inside it and is removed if the row
/// does not land.
#[allow(clippy::too_many_arguments)]
fn store_upload(
    conn: &mut rusqlite::Connection,
    staged: tempfile::NamedTempFile,
    info: &tags::TrackInfo,
    hash: &str,
    uploads: &Path,
    user: &str,
    covers: &Path,
    filename: &str,
) -> AppResult<String> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if let Some(existing) = db_library::track_by_hash(&tx, hash)? {
        return Err(AppError::conflict(format!("this file is already in the library (track {existing})")));
    }
    let final_path = uploads.join(format!("{}.{}", &hash[..32], extension_for(filename, &info.codec)));
    let size = staged.as_file().metadata()?.len() as i64;
    staged.persist(&final_path).map_err(|e| AppError::internal(e.error))?;
    sync_dir(uploads);
    let path_str = final_path.display().to_string();
    let file = TrackFile {
        path: &path_str,
        size,
        mtime: 0,
        source: TrackSource::Upload,
        uploaded_by: Some(user),
        hash: Some(hash),
    };
    let cover = crate::media::artwork::track_cover(covers, info.cover.as_ref(), None)?;
    let stored = store_track(&tx, info, &file, None, cover.as_deref()).map_err(AppError::from).and_then(|id| {
        tx.commit().map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                AppError::conflict("this file is already in the library")
            } else {
                AppError::from(e)
            }
        })?;
        Ok(id)
    });
    if stored.is_err() {
        let _ = std::fs::remove_file(&final_path);
    }
    stored
}

/// Copies at most `max` bytes, fsyncs, and returns the SHA-256 of the content.
fn copy_hashing(from: &mut std::fs::File, to: &std::fs::File, max: u64) -> AppResult<String> {
    let mut hasher = Sha256::new();
    let mut out = std::io::BufWriter::new(to);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max {
            return Err(AppError::invalid(format!("the file is larger than {} MiB", max / 1024 / 1024)));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    out.flush()?;
    drop(out);
    to.sync_all()?;
    Ok(hex::encode(hasher.finalize()))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The stored name's extension follows the probed codec, not what the client called the file
/// (PCM is WAV or AIFF, which only the name tells apart).
fn extension_for(filename: &str, codec: &str) -> String {
    let from_name = PathBuf::from(filename).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let ext = match (codec, from_name.as_deref()) {
        ("pcm", Some(e @ ("aif" | "aiff"))) => e,
        ("pcm", _) => "wav",
        ("mp3", _) => "mp3",
        ("flac", _) => "flac",
        ("vorbis", _) => "ogg",
        ("opus", _) => "opus",
        ("aac" | "alac", _) => "m4a",
        _ => "bin",
    };
    ext.to_string()
}

/// The track with this id, or NOT_FOUND.
pub(crate) fn find_track(conn: &rusqlite::Connection, id: &str) -> AppResult<TrackRow> {
    db_library::tracks_by_ids(conn, &[id.to_string()])?.pop().ok_or_else(|| AppError::not_found("track"))
}

fn find_artist(conn: &rusqlite::Connection, id: &str) -> AppResult<ArtistRow> {
    db_library::artists_by_ids(conn, &[id.to_string()])?.pop().ok_or_else(|| AppError::not_found("artist"))
}

pub async fn update(state: &SharedState, caller: &Caller, id: String, change: TrackChange) -> AppResult<TrackRow> {
    change.validate()?;
    let caller = caller.clone();
    state
        .db
        .transaction(move |tx| {
            let track = find_track(tx, &id)?;
            may_edit(&caller, &track)?;
            let artist_id = match &change.artist_name {
                Some(name) => Some(db_library::artist_id_for(tx, name.trim())?),
                None => track.artist_id.as_ref().map(|a| a.to_string()),
            };
            let album_id = match &change.album_title {
                Some(title) => {
                    let album = db_library::album_id_for(tx, title.trim(), artist_id.as_deref(), None, None)?;
                    db_library::claim_new_album(tx, &album, &caller.user_id)?;
                    Some(album)
                }
                None => track.album_id.as_ref().map(|a| a.to_string()),
            };
            let edit = edits::TrackEdit {
                name: change.name.as_deref().map(str::trim),
                genre: change.genre.as_deref().map(str::trim),
                artist_id: artist_id.as_deref(),
                album_id: album_id.as_deref(),
                track_number: change.track_number,
                disc_number: change.disc_number,
                year: change.year,
            };
            edits::update_track(tx, &id, &edit)?;
            db_library::prune_orphans(tx)?;
            Ok(db_library::tracks_by_ids(tx, &[id])?.pop().expect("exists"))
        })
        .await
}

/// Deletes a track, its playlist entries and favourites in one transaction; an uploaded file
/// is removed once the row is gone.
pub async fn delete(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    let caller = caller.clone();
    let track = state
        .db
        .transaction(move |tx| {
            let track = find_track(tx, &id)?;
            may_edit(&caller, &track)?;
            // A file from the music folders stays on disk, so remember not to scan it back in.
            if track.source == TrackSource::Library {
                crate::db::marks::hide_path(tx, &track.path, &caller.user_id)?;
            }
            db_library::delete_track(tx, &id)?;
            db_library::prune_orphans(tx)?;
            Ok(track)
        })
        .await?;
    if track.source == TrackSource::Upload {
        let _ = tokio::fs::remove_file(&track.path).await;
    }
    Ok(true)
}

pub struct ArtistChange {
    pub name: Option<String>,
    pub genre: Option<String>,
    pub image: Option<ImageUpload>,
}

fn artist_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 300 {
        return Err(AppError::invalid("an artist name has 1 to 300 characters"));
    }
    Ok(name.to_string())
}

pub async fn create_artist(state: &SharedState, caller: &Caller, change: ArtistChange) -> AppResult<ArtistRow> {
    let name = artist_name(change.name.as_deref().unwrap_or(""))?;
    let user = caller.user_id.clone();
    let genre = change.genre;
    with_image(state, change.image, "artist", async |image| {
        state
            .db
            .transaction(move |tx| {
                if edits::artist_name_taken(tx, &name, None)? {
                    return Err(AppError::conflict("an artist with this name exists"));
                }
                let id = db_library::artist_id_for(tx, &name)?;
                edits::set_artist_creator(tx, &id, genre.as_deref().map(str::trim), &user, image.as_deref())?;
                Ok((db_library::artists_by_ids(tx, &[id])?.pop().expect("exists"), None))
            })
            .await
    })
    .await
}

/// Admins, or the person who added the artist as long as no library file is credited to it.
/// Other people's uploads credited to it do not take it from its creator: otherwise anyone
/// could lock the creator out by tagging one upload with the name.
fn may_edit_artist(tx: &rusqlite::Connection, caller: &Caller, artist: &ArtistRow) -> AppResult<()> {
    if caller.is_admin {
        return Ok(());
    }
    let library_files = edits::library_tracks_of_artist(tx, &artist.id)?;
    if artist.created_by.as_deref() == Some(caller.user_id.as_str()) && library_files == 0 {
        Ok(())
    } else {
        Err(AppError::forbidden("only an administrator, or the person who added it, can change this artist"))
    }
}

pub async fn update_artist(
    state: &SharedState,
    caller: &Caller,
    id: String,
    change: ArtistChange,
) -> AppResult<ArtistRow> {
    let name = change.name.as_deref().map(artist_name).transpose()?;
    let genre = change.genre;
    let caller = caller.clone();
    with_image(state, change.image, "artist", async |image| {
        state
            .db
            .transaction(move |tx| {
                let artist = find_artist(tx, &id)?;
                may_edit_artist(tx, &caller, &artist)?;
                if let Some(name) = &name
                    && edits::artist_name_taken(tx, name, Some(&id))?
                {
                    return Err(AppError::conflict("an artist with this name exists"));
                }
                edits::update_artist(tx, &id, name.as_deref(), genre.as_deref().map(str::trim), image.as_deref())?;
                let updated = db_library::artists_by_ids(tx, &[id])?.pop().expect("exists");
                Ok((updated, artist.image_path))
            })
            .await
    })
    .await
}

pub async fn delete_artist(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    let caller = caller.clone();
    let image = state
        .db
        .transaction(move |tx| {
            let artist = find_artist(tx, &id)?;
            may_edit_artist(tx, &caller, &artist)?;
            edits::delete_artist(tx, &id)?;
            Ok(artist.image_path)
        })
        .await?;
    remove_owned_image(state, image).await;
    Ok(true)
}
