//! What a person marks on albums, artists and tracks beyond track favourites (`playlists.rs`):
//! favourite albums and artists, and star ratings.

use std::collections::HashMap;
use std::collections::HashSet;

use rusqlite::{Connection, params, params_from_iter};

/// What can be favourited here; names the table and its id column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Album,
    Artist,
}

impl Marked {
    fn favorites(self) -> (&'static str, &'static str) {
        match self {
            Marked::Album => ("album_favorites", "album_id"),
            Marked::Artist => ("artist_favorites", "artist_id"),
        }
    }
}

pub fn set_favorite(conn: &Connection, kind: Marked, user: &str, id: &str, on: bool) -> rusqlite::Result<()> {
    let (table, column) = kind.favorites();
    if on {
        conn.execute(
            &format!("INSERT INTO {table} (user_id, {column}, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"),
            params![user, id, super::now()],
        )?;
    } else {
        conn.execute(&format!("DELETE FROM {table} WHERE user_id = ?1 AND {column} = ?2"), params![user, id])?;
    }
    Ok(())
}

/// Which of `ids` the user favourited.
pub fn favorited_among(
    conn: &Connection,
    kind: Marked,
    user: &str,
    ids: &[String],
) -> rusqlite::Result<HashSet<String>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let (table, column) = kind.favorites();
    let sql =
        format!("SELECT {column} FROM {table} WHERE user_id = ? AND {column} IN ({})", vec!["?"; ids.len()].join(","));
    let args = std::iter::once(user.to_string()).chain(ids.iter().cloned());
    conn.prepare(&sql)?.query_map(params_from_iter(args), |r| r.get(0))?.collect()
}

/// When the user favourited each of their favourite albums or artists, by id.
pub fn favorite_times(conn: &Connection, kind: Marked, user: &str) -> rusqlite::Result<HashMap<String, String>> {
    let (table, column) = kind.favorites();
    let mut stmt = conn.prepare_cached(&format!("SELECT {column}, created_at FROM {table} WHERE user_id = ?1"))?;
    stmt.query_map([user], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

/// What a rating is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rated {
    Track,
    Album,
}

impl Rated {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Rated::Track => ("track_ratings", "track_id"),
            Rated::Album => ("album_ratings", "album_id"),
        }
    }
}

/// Sets a rating of 1–5, or clears it with 0.
pub fn set_rating(conn: &Connection, kind: Rated, user: &str, id: &str, rating: u8) -> rusqlite::Result<()> {
    let (table, column) = kind.table();
    if rating == 0 {
        conn.execute(&format!("DELETE FROM {table} WHERE user_id = ?1 AND {column} = ?2"), params![user, id])?;
    } else {
        conn.execute(
            &format!(
                "INSERT INTO {table} (user_id, {column}, rating, changed_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id, {column}) DO UPDATE SET rating = excluded.rating, changed_at = excluded.changed_at"
            ),
            params![user, id, rating, super::now()],
        )?;
    }
    Ok(())
}

/// The user's ratings of `ids` (unrated ones are absent).
pub fn ratings_among(
    conn: &Connection,
    kind: Rated,
    user: &str,
    ids: &[String],
) -> rusqlite::Result<HashMap<String, u8>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (table, column) = kind.table();
    let sql = format!(
        "SELECT {column}, rating FROM {table} WHERE user_id = ? AND {column} IN ({})",
        vec!["?"; ids.len()].join(",")
    );
    let args = std::iter::once(user.to_string()).chain(ids.iter().cloned());
    conn.prepare(&sql)?.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

// ---- lyrics (found by the scanner) ----

pub fn set_lyrics(conn: &Connection, track: &str, found: Option<(&str, &str)>) -> rusqlite::Result<()> {
    match found {
        Some((source, body)) => conn
            .prepare_cached(
                "INSERT INTO track_lyrics (track_id, source, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (track_id) DO UPDATE SET source = excluded.source, body = excluded.body",
            )?
            .execute(params![track, source, body])?,
        None => conn.prepare_cached("DELETE FROM track_lyrics WHERE track_id = ?1")?.execute([track])?,
    };
    Ok(())
}

/// Stored lyrics of those of `tracks` that have some, by track id.
pub fn lyrics_among(conn: &Connection, tracks: &[String]) -> rusqlite::Result<HashMap<String, String>> {
    if tracks.is_empty() {
        return Ok(HashMap::new());
    }
    let sql =
        format!("SELECT track_id, body FROM track_lyrics WHERE track_id IN ({})", vec!["?"; tracks.len()].join(","));
    conn.prepare(&sql)?.query_map(params_from_iter(tracks), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

pub fn lyrics(conn: &Connection, track: &str) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT body FROM track_lyrics WHERE track_id = ?1")?
        .query_row([track], |r| r.get(0))
        .optional()
}

// ---- tracks an admin hid from the library (the file stays in the folder) ----

pub fn hide_path(conn: &Connection, path: &str, by: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO hidden_tracks (path, hidden_by, hidden_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![path, by, super::now()],
    )?;
    Ok(())
}

/// Forgets a hidden path; false when it was not hidden.
pub fn unhide_path(conn: &Connection, path: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM hidden_tracks WHERE path = ?1", [path])? > 0)
}

/// (path, hidden at), newest first.
pub fn hidden(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT path, hidden_at FROM hidden_tracks ORDER BY hidden_at DESC, path")?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

pub fn hidden_paths(conn: &Connection) -> rusqlite::Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT path FROM hidden_tracks")?;
    stmt.query_map([], |r| r.get(0))?.collect()
}
