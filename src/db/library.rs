//! SQL for artists, albums and tracks, and the full-text search index over them. The writes
//! the scanner and uploads use live in `library_writes` and are re-exported here.

use crate::domain::ids::{AlbumId, ArtistId, TrackId};
use crate::domain::library::TrackSource;
use std::collections::HashMap;

use rusqlite::{Connection, Row, named_params, params, params_from_iter, types::Value};

pub use super::library_writes::*;

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
