//! SQL for edits people make to library rows (tracks, artists, albums); the rules about who
//! may make them live in the services.

use rusqlite::{Connection, OptionalExtension, params};

/// Fields of a track edit; `None` keeps the stored value (artist and album are always set).
pub struct TrackEdit<'a> {
    pub name: Option<&'a str>,
    pub genre: Option<&'a str>,
    pub artist_id: Option<&'a str>,
    pub album_id: Option<&'a str>,
    pub track_number: Option<i32>,
    pub disc_number: Option<i32>,
    pub year: Option<i32>,
}

pub fn update_track(conn: &Connection, id: &str, e: &TrackEdit<'_>) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE tracks SET name = coalesce(?2, name), genre = coalesce(?3, genre), artist_id = ?4, album_id = ?5,
           track_number = coalesce(?6, track_number), disc_number = coalesce(?7, disc_number),
           year = coalesce(?8, year), updated_at = ?9 WHERE id = ?1",
        params![id, e.name, e.genre, e.artist_id, e.album_id, e.track_number, e.disc_number, e.year, super::now()],
    )
}

/// Another artist already has this name (case-insensitively).
pub fn artist_name_taken(conn: &Connection, name: &str, except: Option<&str>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM artists WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
        params![name, except],
        |r| r.get(0),
    )
}

/// Marks an artist as added by a person, with its genre and picture.
pub fn set_artist_creator(
    conn: &Connection,
    id: &str,
    genre: Option<&str>,
    creator: &str,
    image: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE artists SET genre = ?2, created_by = ?3, image_path = ?4 WHERE id = ?1",
        params![id, genre, creator, image],
    )
}

pub fn update_artist(
    conn: &Connection,
    id: &str,
    name: Option<&str>,
    genre: Option<&str>,
    image: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE artists SET name = coalesce(?2, name), sort_name = coalesce(?2, sort_name),
           genre = coalesce(?3, genre), image_path = coalesce(?4, image_path), updated_at = ?5 WHERE id = ?1",
        params![id, name, genre, image, super::now()],
    )
}

pub fn delete_artist(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM artists WHERE id = ?1", [id])
}

/// Library (scanned) files credited to an artist.
pub fn library_tracks_of_artist(conn: &Connection, artist_id: &str) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM tracks WHERE artist_id = ?1 AND source = 'library'", [artist_id], |r| r.get(0))
}

/// Who created an album by uploading into it, and how many library files it holds.
pub fn album_creator_and_library_tracks(conn: &Connection, album_id: &str) -> rusqlite::Result<(Option<String>, i64)> {
    conn.query_row(
        "SELECT created_by, (SELECT count(*) FROM tracks WHERE album_id = ?1 AND source = 'library')
         FROM albums WHERE id = ?1",
        [album_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Another album by this artist already has this title.
pub fn album_title_taken(
    conn: &Connection,
    title: &str,
    artist_id: Option<&str>,
    except: &str,
) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT id FROM albums WHERE title = ?1 COLLATE NOCASE AND artist_id IS ?2 AND id <> ?3",
            params![title, artist_id, except],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .is_some())
}

pub fn update_album(
    conn: &Connection,
    id: &str,
    title: &str,
    artist_id: Option<&str>,
    year: Option<i32>,
    cover: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE albums SET title = ?2, artist_id = ?3, year = coalesce(?4, year),
           cover_path = coalesce(?5, cover_path), updated_at = ?6 WHERE id = ?1",
        params![id, title, artist_id, year, cover, super::now()],
    )
}

/// The database answers (health check).
pub fn ping(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ())
}
