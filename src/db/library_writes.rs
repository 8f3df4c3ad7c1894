//! Library writes used by the scanner, the watcher and uploads: artists and albums found or
//! created by name, track rows inserted and updated, and what the scanner needs to know about
//! the files already stored. Re-exported from `db::library`, where the reads are.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::library::TrackSource;

/// The artist named `name` (case-insensitively), created if new.
pub fn artist_id_for(conn: &Connection, name: &str) -> rusqlite::Result<String> {
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM artists WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    let id = crate::db::new_id();
    let now = crate::db::now();
    conn.prepare_cached(
        "INSERT INTO artists (id, name, sort_name, created_at, updated_at) VALUES (?1, ?2, ?2, ?3, ?3)",
    )?
    .execute(params![id, name, now])?;
    Ok(id)
}

/// The album with this title by this album artist (or, without one, in this folder).
pub fn album_id_for(
    conn: &Connection,
    title: &str,
    artist_id: Option<&str>,
    folder: Option<&str>,
    year: Option<i64>,
) -> rusqlite::Result<String> {
    let existing: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM albums WHERE title = ?1 COLLATE NOCASE
               AND ((?2 IS NOT NULL AND artist_id = ?2) OR (?2 IS NULL AND artist_id IS NULL AND folder IS ?3))",
        )?
        .query_row(params![title, artist_id, folder], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        if year.is_some() {
            conn.prepare_cached("UPDATE albums SET year = ?1 WHERE id = ?2 AND year IS NULL")?
                .execute(params![year, id])?;
        }
        return Ok(id);
    }
    let id = crate::db::new_id();
    let now = crate::db::now();
    conn.prepare_cached(
        "INSERT INTO albums (id, title, artist_id, year, folder, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![id, title, artist_id, year, folder, now])?;
    Ok(id)
}

/// Makes `user` the creator of an album that has no tracks yet (one just made for their upload
/// or edit); an existing album keeps its creator.
pub fn claim_new_album(conn: &Connection, album_id: &str, user: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE albums SET created_by = ?2
         WHERE id = ?1 AND created_by IS NULL AND NOT EXISTS (SELECT 1 FROM tracks WHERE album_id = ?1)",
    )?
    .execute(params![album_id, user])?;
    Ok(())
}

pub fn set_album_cover_if_missing(conn: &Connection, album_id: &str, cover_path: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE albums SET cover_path = ?1 WHERE id = ?2 AND cover_path IS NULL")?
        .execute(params![cover_path, album_id])?;
    Ok(())
}

pub struct NewTrack<'a> {
    pub name: &'a str,
    pub artist_id: Option<&'a str>,
    pub album_id: Option<&'a str>,
    pub genre: Option<&'a str>,
    pub track_number: Option<i64>,
    pub disc_number: Option<i64>,
    pub year: Option<i64>,
    pub duration: f64,
    pub codec: &'a str,
    pub bitrate: Option<i64>,
    pub sample_rate: Option<i64>,
    pub channels: Option<i64>,
    pub path: &'a str,
    pub file_size: i64,
    pub file_mtime: i64,
    pub content_hash: Option<&'a str>,
    pub source: TrackSource,
    pub uploaded_by: Option<&'a str>,
}

/// Inserts new track rows (ids chosen by the caller), many per statement.
pub fn insert_tracks(conn: &Connection, rows: &[(String, NewTrack<'_>)]) -> rusqlite::Result<()> {
    const COLUMNS: usize = 21;
    // The search index is keyed by name length (migration 15) and FTS5 writes a segment per
    // statement: one statement per 1,024 rows, shortest names first, gives it few segments
    // with keys in order (a scan's writer took 40% less than 64 unsorted rows a statement).
    // 1,024 × 21 values stays below SQLite's limit on bound parameters (32,766).
    let mut rows: Vec<&(String, NewTrack<'_>)> = rows.iter().collect();
    rows.sort_by_cached_key(|(_, t)| t.name.chars().count());
    for chunk in rows.chunks(1024) {
        let one = format!("({})", ["?"; COLUMNS].join(", "));
        let sql = format!(
            "INSERT INTO tracks (id, name, artist_id, album_id, genre, track_number, disc_number, year, duration, codec,
                bitrate, sample_rate, channels, path, file_size, file_mtime, content_hash, source, uploaded_by,
                created_at, updated_at)
             VALUES {}",
            vec![one; chunk.len()].join(", ")
        );
        let now = crate::db::now();
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * COLUMNS);
        for (id, t) in chunk {
            values.extend_from_slice(&[
                id,
                &t.name,
                &t.artist_id,
                &t.album_id,
                &t.genre,
                &t.track_number,
                &t.disc_number,
                &t.year,
                &t.duration,
                &t.codec,
                &t.bitrate,
                &t.sample_rate,
                &t.channels,
                &t.path,
                &t.file_size,
                &t.file_mtime,
                &t.content_hash,
                &t.source,
                &t.uploaded_by,
                &now,
                &now,
            ]);
        }
        conn.prepare_cached(&sql)?.execute(values.as_slice())?;
    }
    Ok(())
}

/// Re-reads a changed file's facts into its existing row (the id, and so playlists, stay).
pub fn update_track_from_file(conn: &Connection, id: &str, t: &NewTrack<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE tracks SET name = ?2, artist_id = ?3, album_id = ?4, genre = ?5, track_number = ?6, disc_number = ?7,
            year = ?8, duration = ?9, codec = ?10, bitrate = ?11, sample_rate = ?12, channels = ?13, file_size = ?14,
            file_mtime = ?15, updated_at = ?16 WHERE id = ?1",
    )?
    .execute(params![
        id,
        t.name,
        t.artist_id,
        t.album_id,
        t.genre,
        t.track_number,
        t.disc_number,
        t.year,
        t.duration,
        t.codec,
        t.bitrate,
        t.sample_rate,
        t.channels,
        t.file_size,
        t.file_mtime,
        crate::db::now()
    ])?;
    Ok(())
}

/// The library's files as `key(path)` → (size, mtime): what a scan compares the disk with.
/// Keys, not path strings: at 100,000 tracks the strings and ids were ~20 MB in small pieces
/// that the allocator kept after every rescan; this is one allocation, given back whole.
pub fn library_files(conn: &Connection, key: impl Fn(&str) -> u64) -> rusqlite::Result<HashMap<u64, (i64, i64)>> {
    let mut stmt = conn.prepare("SELECT path, file_size, file_mtime FROM tracks WHERE source = 'library'")?;
    let mut rows = stmt.query([])?;
    let mut files = HashMap::new();
    while let Some(r) = rows.next()? {
        files.insert(key(r.get_ref(0)?.as_str()?), (r.get(1)?, r.get(2)?));
    }
    Ok(files)
}

/// The library track stored at `path`, if any.
pub fn library_track_at(conn: &Connection, path: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT id FROM tracks WHERE path = ?1 AND source = 'library'")?
        .query_row([path], |r| r.get(0))
        .optional()
}

/// Library tracks (id, path) whose path's `key` is not in `seen`: what a scan did not find.
pub fn library_tracks_not_seen(
    conn: &Connection,
    key: impl Fn(&str) -> u64,
    seen: &std::collections::HashSet<u64>,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, path FROM tracks WHERE source = 'library'")?;
    let mut rows = stmt.query([])?;
    let mut missing = Vec::new();
    while let Some(r) = rows.next()? {
        let path = r.get_ref(1)?.as_str()?;
        if !seen.contains(&key(path)) {
            missing.push((r.get(0)?, path.to_string()));
        }
    }
    Ok(missing)
}

/// Ids of library tracks at `path` or below it.
pub fn library_tracks_under(conn: &Connection, path: &str) -> rusqlite::Result<Vec<String>> {
    // Paths below `dir` sort between "dir/" and "dir0" ('0' follows '/'): a range of the path
    // index. A folder of 10,000 files deleted at once is 10,000 calls; a scan each was minutes.
    let dir = path.trim_end_matches('/');
    let (low, high) = (format!("{dir}/"), format!("{dir}0"));
    conn.prepare_cached("SELECT id FROM tracks WHERE source = 'library' AND (path = ?1 OR (path >= ?2 AND path < ?3))")?
        .query_map(params![path, low, high], |r| r.get(0))?
        .collect()
}

/// Deletes a track; its playlist items and favourites go with it (foreign keys). Playlist
/// positions are ranks, so the others need no renumbering.
pub fn delete_track(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM tracks WHERE id = ?1")?.execute([id])
}

/// Drops albums without tracks, and derived artists (not made by a person) left with nothing.
pub fn prune_orphans(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM albums WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = albums.id)", [])?;
    conn.execute(
        "DELETE FROM artists WHERE created_by IS NULL
           AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.artist_id = artists.id)
           AND NOT EXISTS (SELECT 1 FROM albums a WHERE a.artist_id = artists.id)",
        [],
    )?;
    Ok(())
}

pub fn track_by_hash(conn: &Connection, hash: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT id FROM tracks WHERE content_hash = ?1", [hash], |r| r.get(0)).optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_under_a_path_are_the_file_itself_or_what_lies_inside_the_folder() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations::apply(&mut conn).unwrap();
        let paths = ["/m/A/C/1.mp3", "/m/A/C/sub/2.mp3", "/m/A/C2/3.mp3", "/m/A/C.mp3", "/m/A/B/4.mp3"];
        for (i, path) in paths.iter().enumerate() {
            conn.execute(
                "INSERT INTO tracks (id, name, duration, codec, path, file_size, file_mtime, source, created_at, updated_at)
                 VALUES (?1, ?1, 1.0, 'mp3', ?2, 1, 1, 'library', 'now', 'now')",
                params![format!("t{i}"), path],
            )
            .unwrap();
        }
        let under = |path: &str| {
            let mut ids = library_tracks_under(&conn, path).unwrap();
            ids.sort();
            ids
        };
        assert_eq!(under("/m/A/C"), ["t0", "t1"]);
        assert_eq!(under("/m/A/C/"), ["t0", "t1"]);
        assert_eq!(under("/m/A/C.mp3"), ["t3"]);
        assert_eq!(under("/m/A"), ["t0", "t1", "t2", "t3", "t4"]);
        assert!(under("/m/Z").is_empty());
    }
}
