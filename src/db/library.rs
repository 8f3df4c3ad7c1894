//! SQL for artists, albums and tracks, and the full-text search index over them.

use crate::domain::ids::{AlbumId, ArtistId, TrackId};
use crate::domain::library::TrackSource;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, named_params, params, params_from_iter, types::Value};

#[derive(Debug, Clone)]
pub struct ArtistRow {
    pub id: ArtistId,
    pub name: String,
    pub genre: Option<String>,
    pub image_path: Option<String>,
    pub created_by: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct AlbumRow {
    pub id: AlbumId,
    pub title: String,
    pub artist_id: Option<ArtistId>,
    pub year: Option<i64>,
    pub cover_path: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TrackRow {
    pub id: TrackId,
    pub name: String,
    pub artist_id: Option<ArtistId>,
    pub album_id: Option<AlbumId>,
    pub genre: Option<String>,
    pub track_number: Option<i64>,
    pub disc_number: Option<i64>,
    pub year: Option<i64>,
    pub duration: f64,
    pub codec: String,
    pub bitrate: Option<i64>,
    pub sample_rate: Option<i64>,
    pub channels: Option<i64>,
    pub path: String,
    pub file_size: i64,
    pub source: TrackSource,
    pub uploaded_by: Option<String>,
    pub created_at: String,
}

const ARTIST_COLUMNS: &str = "id, name, genre, image_path, created_by, updated_at";
const ALBUM_COLUMNS: &str = "id, title, artist_id, year, cover_path";
const TRACK_COLUMNS: &str = "t.id, t.name, t.artist_id, t.album_id, t.genre, t.track_number, t.disc_number, t.year, \
     t.duration, t.codec, t.bitrate, t.sample_rate, t.channels, t.path, t.file_size, t.source, t.uploaded_by, t.created_at";

fn artist_from(r: &Row<'_>) -> rusqlite::Result<ArtistRow> {
    Ok(ArtistRow {
        id: r.get(0)?,
        name: r.get(1)?,
        genre: r.get(2)?,
        image_path: r.get(3)?,
        created_by: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn album_from(r: &Row<'_>) -> rusqlite::Result<AlbumRow> {
    Ok(AlbumRow { id: r.get(0)?, title: r.get(1)?, artist_id: r.get(2)?, year: r.get(3)?, cover_path: r.get(4)? })
}

fn track_from(r: &Row<'_>) -> rusqlite::Result<TrackRow> {
    Ok(TrackRow {
        id: r.get(0)?,
        name: r.get(1)?,
        artist_id: r.get(2)?,
        album_id: r.get(3)?,
        genre: r.get(4)?,
        track_number: r.get(5)?,
        disc_number: r.get(6)?,
        year: r.get(7)?,
        duration: r.get(8)?,
        codec: r.get(9)?,
        bitrate: r.get(10)?,
        sample_rate: r.get(11)?,
        channels: r.get(12)?,
        path: r.get(13)?,
        file_size: r.get(14)?,
        source: r.get(15)?,
        uploaded_by: r.get(16)?,
        created_at: r.get(17)?,
    })
}

// ---- writes used by the scanner and uploads ----

/// The artist named `name` (case-insensitively), created if new.
pub fn artist_id_for(conn: &Connection, name: &str) -> rusqlite::Result<String> {
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM artists WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    let id = super::new_id();
    let now = super::now();
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
    let id = super::new_id();
    let now = super::now();
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
        let now = super::now();
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
        super::now()
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

// ---- reads ----

pub fn tracks_by_ids(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<TrackRow>> {
    by_ids(conn, &format!("SELECT {TRACK_COLUMNS} FROM tracks t WHERE t.id IN"), ids, track_from)
}

pub fn artists_by_ids(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<ArtistRow>> {
    by_ids(conn, &format!("SELECT {ARTIST_COLUMNS} FROM artists WHERE id IN"), ids, artist_from)
}

pub fn albums_by_ids(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<AlbumRow>> {
    by_ids(conn, &format!("SELECT {ALBUM_COLUMNS} FROM albums WHERE id IN"), ids, album_from)
}

fn by_ids<T>(
    conn: &Connection,
    select: &str,
    ids: &[String],
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{select} ({})", vec!["?"; ids.len()].join(","));
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(params_from_iter(ids), map)?.collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrackSort {
    #[default]
    Name,
    DateAdded,
    Year,
}

#[derive(Debug, Clone, Default)]
pub struct TrackFilter {
    /// An FTS5 query (see `fts_query`).
    pub search: Option<String>,
    pub artist_id: Option<String>,
    pub album_id: Option<String>,
    pub genre: Option<String>,
    /// Only tracks this user favourited, newest favourite first.
    pub favorites_of: Option<String>,
}

fn track_where(f: &TrackFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["1 = 1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    if let Some(q) = &f.search {
        args.push(Value::Text(q.clone()));
        clauses.push(format!("t.id IN ({})", search_match("track", &format!("?{}", args.len()))));
    }
    for (column, value) in [("t.artist_id", &f.artist_id), ("t.album_id", &f.album_id)] {
        if let Some(v) = value {
            args.push(Value::Text(v.clone()));
            clauses.push(format!("{column} = ?{}", args.len()));
        }
    }
    if let Some(g) = &f.genre {
        args.push(Value::Text(g.clone()));
        clauses.push(format!("t.genre = ?{} COLLATE NOCASE", args.len()));
    }
    if let Some(u) = &f.favorites_of {
        args.push(Value::Text(u.clone()));
        clauses.push(format!("fav.user_id = ?{}", args.len()));
    }
    (clauses.join(" AND "), args)
}

fn track_from_clause(f: &TrackFilter) -> &'static str {
    if f.favorites_of.is_some() { "tracks t JOIN favorites fav ON fav.track_id = t.id" } else { "tracks t" }
}

/// Whether pages in this order can continue from a row's (name, id) instead of an offset.
pub fn keyset_applies(f: &TrackFilter, sort: TrackSort) -> bool {
    sort == TrackSort::Name && f.favorites_of.is_none() && f.album_id.is_none()
}

/// A page of tracks: `limit` rows after `offset`, or, where `keyset_applies`, after the row
/// `after` = (name, id), which costs the same at the end of 100,000 tracks as at the start
/// (an OFFSET walks every row before it).
pub fn tracks_page(
    conn: &Connection,
    f: &TrackFilter,
    sort: TrackSort,
    offset: usize,
    after: Option<(&str, &str)>,
    limit: usize,
) -> rusqlite::Result<Vec<TrackRow>> {
    let (mut filter, mut args) = track_where(f);
    let mut offset = offset;
    if let Some((name, id)) = after.filter(|_| keyset_applies(f, sort)) {
        args.push(Value::Text(name.to_owned()));
        args.push(Value::Text(id.to_owned()));
        // Written so that SQLite walks the (name COLLATE NOCASE, id) index from the key on.
        filter.push_str(&format!(" AND (t.name, t.id) > (?{} COLLATE NOCASE, ?{})", args.len() - 1, args.len()));
        offset = 0;
    }
    let order = match (sort, f.favorites_of.is_some(), f.album_id.is_some()) {
        (_, true, _) => "fav.created_at DESC, t.id",
        (TrackSort::Name, false, true) => "t.disc_number, t.track_number, t.name COLLATE NOCASE, t.id",
        (TrackSort::Name, false, false) => "t.name COLLATE NOCASE, t.id",
        (TrackSort::DateAdded, ..) => "t.created_at DESC, t.id",
        (TrackSort::Year, ..) => "t.year DESC, t.name COLLATE NOCASE, t.id",
    };
    args.push(Value::Integer(limit as i64));
    args.push(Value::Integer(offset as i64));
    let n = args.len();
    let sql = format!(
        "SELECT {TRACK_COLUMNS} FROM {} WHERE {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
        track_from_clause(f),
        n - 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params_from_iter(args), track_from)?.collect()
}

pub fn tracks_count(conn: &Connection, f: &TrackFilter) -> rusqlite::Result<i64> {
    let (filter, args) = track_where(f);
    let sql = format!("SELECT count(*) FROM {} WHERE {filter}", track_from_clause(f));
    conn.prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))
}

/// A page of artists by name; `favorites_of` keeps only that user's favourite artists.
pub fn artists_page(
    conn: &Connection,
    search: Option<&str>,
    genre: Option<&str>,
    favorites_of: Option<&str>,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<(Vec<ArtistRow>, i64)> {
    let filter = format!(
        "(:search IS NULL OR id IN ({}))
        AND (:genre IS NULL OR genre = :genre COLLATE NOCASE
             OR EXISTS (SELECT 1 FROM tracks t WHERE t.artist_id = artists.id AND t.genre = :genre COLLATE NOCASE))
        AND (:fan IS NULL OR id IN (SELECT artist_id FROM artist_favorites WHERE user_id = :fan))",
        search_match("artist", ":search")
    );
    let sql = format!(
        "SELECT {ARTIST_COLUMNS} FROM artists WHERE {filter} ORDER BY name COLLATE NOCASE, id LIMIT :limit OFFSET :offset"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            named_params! {
                ":search": search, ":genre": genre, ":fan": favorites_of, ":limit": limit as i64, ":offset": offset as i64,
            },
            artist_from,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn
        .prepare_cached(&format!("SELECT count(*) FROM artists WHERE {filter}"))?
        .query_row(named_params! { ":search": search, ":genre": genre, ":fan": favorites_of }, |r| r.get(0))?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AlbumSort {
    #[default]
    Title,
    /// The viewer's most recently played first; albums never played last.
    RecentlyPlayed,
    /// The viewer's most played first.
    MostPlayed,
    /// Newest additions first (the latest track added to each album).
    Newest,
    /// By year, then title; albums without a year last.
    Year,
    /// By the album artist's name, then title.
    ArtistName,
    /// A fresh shuffle each call (paging through it is not stable).
    Random,
    /// The viewer's highest rated first; unrated last.
    HighestRated,
}

/// Which albums a page holds.
#[derive(Debug, Clone, Default)]
pub struct AlbumFilter {
    /// An FTS5 query (see `fts_query`).
    pub search: Option<String>,
    pub artist_id: Option<String>,
    /// Albums with at least one track of this genre.
    pub genre: Option<String>,
    /// Albums from these years, inclusive; a reversed range lists newest first.
    pub years: Option<(i64, i64)>,
    /// Only this user's favourite albums.
    pub favorites_of: Option<String>,
}

impl AlbumFilter {
    pub fn by_artist(id: impl ToString) -> Self {
        Self { artist_id: Some(id.to_string()), ..Self::default() }
    }
}

/// A page of albums; `viewer` is whose plays the play-based sorts use.
pub fn albums_page(
    conn: &Connection,
    f: &AlbumFilter,
    sort: AlbumSort,
    viewer: &str,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<(Vec<AlbumRow>, i64)> {
    let (low, high) = f.years.map_or((None, None), |(a, b)| (Some(a.min(b)), Some(a.max(b))));
    let filter = format!(
        "(:search IS NULL OR id IN ({}))
        AND (:artist IS NULL OR artist_id = :artist)
        AND (:genre IS NULL OR EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = albums.id AND t.genre = :genre COLLATE NOCASE))
        AND (:low IS NULL OR year BETWEEN :low AND :high)
        AND (:fan IS NULL OR id IN (SELECT album_id FROM album_favorites WHERE user_id = :fan))",
        search_match("album", ":search")
    );
    let plays = "FROM plays p JOIN tracks t ON t.id = p.track_id WHERE t.album_id = albums.id AND p.user_id = :viewer";
    let newest_years_first = f.years.is_some_and(|(a, b)| a > b);
    let order = match sort {
        AlbumSort::Title => "title COLLATE NOCASE, id".to_string(),
        AlbumSort::RecentlyPlayed => {
            format!("(SELECT max(p.played_at) {plays}) DESC NULLS LAST, title COLLATE NOCASE, id")
        }
        AlbumSort::MostPlayed => format!("(SELECT count(*) {plays}) DESC, title COLLATE NOCASE, id"),
        AlbumSort::Newest => {
            "(SELECT max(t.created_at) FROM tracks t WHERE t.album_id = albums.id) DESC, title COLLATE NOCASE, id".into()
        }
        AlbumSort::Year if newest_years_first => "year IS NULL, year DESC, title COLLATE NOCASE, id".into(),
        AlbumSort::Year => "year IS NULL, year, title COLLATE NOCASE, id".into(),
        AlbumSort::ArtistName => {
            "(SELECT name FROM artists a WHERE a.id = albums.artist_id) COLLATE NOCASE NULLS LAST, title COLLATE NOCASE, id"
                .into()
        }
        AlbumSort::Random => "random()".into(),
        AlbumSort::HighestRated => "(SELECT rating FROM album_ratings r WHERE r.album_id = albums.id AND r.user_id = :viewer) DESC NULLS LAST, title COLLATE NOCASE, id".into(),
    };
    // `:viewer` is named even when the order does not use it: every bound name must appear.
    let sql = format!(
        "SELECT {ALBUM_COLUMNS} FROM albums WHERE {filter} AND :viewer IS NOT NULL ORDER BY {order} LIMIT :limit OFFSET :offset"
    );
    let search = f.search.as_deref();
    let (artist, genre, fan) = (f.artist_id.as_deref(), f.genre.as_deref(), f.favorites_of.as_deref());
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            named_params! {
                ":search": search, ":artist": artist, ":genre": genre, ":low": low, ":high": high, ":fan": fan,
                ":viewer": viewer, ":limit": limit as i64, ":offset": offset as i64,
            },
            album_from,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn.prepare_cached(&format!("SELECT count(*) FROM albums WHERE {filter}"))?.query_row(
        named_params! { ":search": search, ":artist": artist, ":genre": genre, ":low": low, ":high": high, ":fan": fan },
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

pub fn genres(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT genre FROM tracks WHERE genre IS NOT NULL AND genre <> '' GROUP BY genre COLLATE NOCASE ORDER BY genre COLLATE NOCASE",
    )?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

/// (genre, songs, albums) for every genre, by name.
pub fn genre_counts(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT min(genre), count(*), count(DISTINCT album_id) FROM tracks WHERE genre IS NOT NULL AND genre <> ''
         GROUP BY genre COLLATE NOCASE ORDER BY genre COLLATE NOCASE",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}

/// Album id → (track count, total duration, when its first track was added). Batched.
pub fn album_stats(conn: &Connection, ids: &[String]) -> rusqlite::Result<HashMap<String, (i64, f64, String)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT album_id, count(*), sum(duration), min(created_at) FROM tracks WHERE album_id IN ({}) GROUP BY album_id",
        vec!["?"; ids.len()].join(",")
    );
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(params_from_iter(ids), |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?.collect()
}

/// The rowids of one kind's entries in `search_index` (migration 15): the kind sits in bits
/// 60-62 of each key, above the length of the entry's text, so one kind is one rowid range and
/// within it shorter texts come first.
fn search_key_range(kind: &str) -> Option<(i64, i64)> {
    let code: i64 = match kind {
        "artist" => 1,
        "album" => 2,
        "track" => 3,
        "playlist" => 4,
        "user" => 5,
        _ => return None,
    };
    Some((code << 60, (code + 1) << 60))
}

/// SQL selecting the ids of one kind whose text matches the FTS5 query bound to `param`.
fn search_match(kind: &str, param: &str) -> String {
    let (low, high) = search_key_range(kind).expect("a kind the index knows");
    format!("SELECT ref_id FROM search_index WHERE search_index MATCH {param} AND rowid >= {low} AND rowid < {high}")
}

/// Ids matching an FTS5 query, up to `wanted[kind]` of each kind, shortest text first (the
/// closest match to what was typed: "River" before "River Song"). Each kind is a rowid range
/// read in order that stops at its limit, so a prefix matching most of the library costs no
/// more than a rare word; ranking every match with bm25 took 10 ms at 100,000 tracks.
pub fn search_kinds(
    conn: &Connection,
    fts: &str,
    wanted: &HashMap<&str, usize>,
) -> rusqlite::Result<HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ref_id FROM search_index WHERE search_index MATCH ?1 AND rowid >= ?2 AND rowid < ?3
         ORDER BY rowid LIMIT ?4",
    )?;
    let mut found = HashMap::new();
    for (&kind, &limit) in wanted {
        let Some((low, high)) = search_key_range(kind) else { continue };
        let ids = stmt.query_map(params![fts, low, high, limit as i64], |r| r.get(0))?.collect::<Result<_, _>>()?;
        found.insert(kind.to_string(), ids);
    }
    Ok(found)
}

/// Album ids → total duration; artist ids → track count. Batched for dataloaders.
pub fn album_durations(conn: &Connection, ids: &[String]) -> rusqlite::Result<HashMap<String, f64>> {
    grouped(conn, "SELECT album_id, sum(duration) FROM tracks WHERE album_id IN", "album_id", ids)
}

pub fn artist_track_counts(conn: &Connection, ids: &[String]) -> rusqlite::Result<HashMap<String, i64>> {
    grouped(conn, "SELECT artist_id, count(*) FROM tracks WHERE artist_id IN", "artist_id", ids)
}

fn grouped<V: rusqlite::types::FromSql>(
    conn: &Connection,
    select: &str,
    group: &str,
    ids: &[String],
) -> rusqlite::Result<HashMap<String, V>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!("{select} ({}) GROUP BY {group}", vec!["?"; ids.len()].join(","));
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(params_from_iter(ids), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

pub fn counts(conn: &Connection) -> rusqlite::Result<(i64, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM tracks), (SELECT count(*) FROM albums), (SELECT count(*) FROM artists)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Turns what a person typed into a safe FTS5 prefix query: every word must match the start
/// of a word ("beyon kno" → `"beyon"* "kno"*`). Quotes are doubled so input is never syntax.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
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
