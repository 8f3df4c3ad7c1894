//! Editing albums. Admins edit any album; a person may edit an album they created by
//! uploading, as long as no library file is in it.

use crate::db::edits;
use crate::db::library::{self as db_library, AlbumRow};
use crate::error::{AppError, AppResult};
use crate::services::accounts::{ImageUpload, with_image};
use crate::services::sessions::Caller;
use crate::state::SharedState;

pub struct AlbumChange {
    pub title: Option<String>,
    pub year: Option<i32>,
    pub artist_name: Option<String>,
    pub cover: Option<ImageUpload>,
}

/// Admins, or whoever created the album by uploading into it, as long as no library file is in
/// it. Other people's uploads landing in it (same title and artist) do not take it over.
fn may_edit(tx: &rusqlite::Connection, caller: &Caller, album_id: &str) -> AppResult<()> {
    if caller.is_admin {
        return Ok(());
    }
    let (creator, library_files) = edits::album_creator_and_library_tracks(tx, album_id)?;
    if creator.as_deref() == Some(caller.user_id.as_str()) && library_files == 0 {
        Ok(())
    } else {
        Err(AppError::forbidden("only an administrator, or the person who uploaded this album, can change it"))
    }
}

fn clean(value: Option<String>, what: &str) -> AppResult<Option<String>> {
    match value.map(|v| v.trim().to_string()) {
        Some(v) if v.is_empty() || v.chars().count() > 300 => {
            Err(AppError::invalid(format!("{what} has 1 to 300 characters")))
        }
        other => Ok(other),
    }
}

pub async fn update(state: &SharedState, caller: &Caller, id: String, change: AlbumChange) -> AppResult<AlbumRow> {
    let title = clean(change.title, "an album title")?;
    let artist = clean(change.artist_name, "an artist name")?;
    if change.year.is_some_and(|y| !(0..=9999).contains(&y)) {
        return Err(AppError::invalid("year must be between 0 and 9999"));
    }
    let year = change.year;
    let caller = caller.clone();
    with_image(state, change.cover, "album", async |cover| {
        state
            .db
            .transaction(move |tx| {
                let album = db_library::albums_by_ids(tx, std::slice::from_ref(&id))?
                    .pop()
                    .ok_or_else(|| AppError::not_found("album"))?;
                may_edit(tx, &caller, &id)?;
                let artist_id = match &artist {
                    Some(name) => Some(db_library::artist_id_for(tx, name)?),
                    None => album.artist_id.as_ref().map(|a| a.to_string()),
                };
                let new_title = title.clone().unwrap_or_else(|| album.title.clone());
                if edits::album_title_taken(tx, &new_title, artist_id.as_deref(), &id)? {
                    return Err(AppError::conflict("this artist already has an album with that title"));
                }
                edits::update_album(tx, &id, &new_title, artist_id.as_deref(), year, cover.as_deref())?;
                db_library::prune_orphans(tx)?;
                let updated = db_library::albums_by_ids(tx, &[id])?.pop().expect("exists");
                Ok((updated, album.cover_path))
            })
            .await
    })
    .await
}
