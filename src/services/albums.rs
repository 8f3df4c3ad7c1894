//! Editing albums. Admins edit any album; a person may edit an album they created by
//! uploading, as long as no library file is in it.

use rusqlite::{OptionalExtension, params};

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
    let (creator, library_files): (Option<String>, i64) = tx.query_row(
        "SELECT created_by, (SELECT count(*) FROM tracks WHERE album_id = ?1 AND source = 'library')
         FROM albums WHERE id = ?1",
        params![album_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
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
                let clash: Option<String> = tx
                    .query_row(
                        "SELECT id FROM albums WHERE title = ?1 COLLATE NOCASE AND artist_id IS ?2 AND id <> ?3",
                        params![new_title, artist_id, id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if clash.is_some() {
                    return Err(AppError::conflict("this artist already has an album with that title"));
                }
                tx.execute(
                    "UPDATE albums SET title = ?2, artist_id = ?3, year = coalesce(?4, year),
                       cover_path = coalesce(?5, cover_path), updated_at = ?6 WHERE id = ?1",
                    params![id, new_title, artist_id, year, cover, crate::db::now()],
                )?;
                db_library::prune_orphans(tx)?;
                let updated = db_library::albums_by_ids(tx, &[id])?.pop().expect("exists");
                Ok((updated, album.cover_path))
            })
            .await
    })
    .await
}
