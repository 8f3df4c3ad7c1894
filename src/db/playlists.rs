//! SQL for playlists, their items and favourites. Item positions are dense (0..n) and kept so
//! by every change, inside the caller's transaction.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

#[derive(Debug, Clone)]
pub struct PlaylistRow {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub description: Option<String>,
    pub image_path: Option<String>,
    pub public: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: String,
    pub track_id: String,
    pub position: i64,
    pub added_at: String,
}

const COLUMNS: &str = "id, owner_id, name, description, image_path, public, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PlaylistRow> {
    Ok(PlaylistRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        image_path: r.get(4)?,
        public: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub fn insert(
    conn: &Connection,
    owner: &str,
    name: &str,
    description: Option<&str>,
    public: bool,
) -> rusqlite::Result<String> {
    let id = super::new_id();
    let now = super::now();
    conn.execute(
        "INSERT INTO playlists (id, owner_id, name, description, public, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, owner, name, description, public, now],
    )?;
    Ok(id)
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<PlaylistRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM playlists WHERE id = ?1"))?.query_row([id], from_row).optional()
}

pub fn by_ids(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<PlaylistRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {COLUMNS} FROM playlists WHERE id IN ({})", vec!["?"; ids.len()].join(","));
    conn.prepare(&sql)?.query_map(params_from_iter(ids), from_row)?.collect()
}

pub fn of_owner(
    conn: &Connection,
    owner: &str,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<(Vec<PlaylistRow>, i64)> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM playlists WHERE owner_id = ?1 ORDER BY updated_at DESC, id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![owner, limit as i64, offset as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn.query_row("SELECT count(*) FROM playlists WHERE owner_id = ?1", [owner], |r| r.get(0))?;
    Ok((rows, total))
}

pub fn update(conn: &Connection, p: &PlaylistRow) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE playlists SET name = ?2, description = ?3, public = ?4, image_path = ?5, updated_at = ?6 WHERE id = ?1",
        params![p.id, p.name, p.description, p.public, p.image_path, super::now()],
    )?;
    Ok(())
}

pub fn touch(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE playlists SET updated_at = ?2 WHERE id = ?1", params![id, super::now()])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM playlists WHERE id = ?1", [id])
}

pub fn items(conn: &Connection, playlist_id: &str, offset: usize, limit: usize) -> rusqlite::Result<Vec<ItemRow>> {
    conn.prepare_cached(
        "SELECT id, track_id, position, added_at FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position LIMIT ?2 OFFSET ?3",
    )?
    .query_map(params![playlist_id, limit as i64, offset as i64], |r| {
        Ok(ItemRow { id: r.get(0)?, track_id: r.get(1)?, position: r.get(2)?, added_at: r.get(3)? })
    })?
    .collect()
}

/// (track count, total duration) per playlist id.
pub fn stats(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<(String, i64, f64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT pt.playlist_id, count(*), coalesce(sum(t.duration), 0) FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id
         WHERE pt.playlist_id IN ({}) GROUP BY pt.playlist_id",
        vec!["?"; ids.len()].join(",")
    );
    conn.prepare(&sql)?.query_map(params_from_iter(ids), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}

/// The position after the last item (positions are dense, so this is also the count).
fn item_count(conn: &Connection, playlist_id: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM playlist_tracks WHERE playlist_id = ?1",
        [playlist_id],
        |r| r.get(0),
    )
}

/// Inserts tracks at `position` (clamped to the end), shifting later items down.
pub fn insert_items(
    conn: &Connection,
    playlist_id: &str,
    track_ids: &[String],
    position: Option<i64>,
) -> rusqlite::Result<()> {
    let len = item_count(conn, playlist_id)?;
    let at = position.unwrap_or(len).clamp(0, len);
    let n = track_ids.len() as i64;
    // Two steps so the shift never collides with itself: move out of the way, then back.
    conn.execute(
        "UPDATE playlist_tracks SET position = -(position + ?3) - 1 WHERE playlist_id = ?1 AND position >= ?2",
        params![playlist_id, at, n],
    )?;
    conn.execute(
        "UPDATE playlist_tracks SET position = -position - 1 WHERE playlist_id = ?1 AND position < 0",
        [playlist_id],
    )?;
    let now = super::now();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO playlist_tracks (id, playlist_id, track_id, position, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, track) in track_ids.iter().enumerate() {
        stmt.execute(params![super::new_id(), playlist_id, track, at + i as i64, now])?;
    }
    Ok(())
}

/// Removes items by id and closes the gaps; returns how many existed.
pub fn remove_items(conn: &Connection, playlist_id: &str, item_ids: &[String]) -> rusqlite::Result<usize> {
    let wanted: HashSet<&String> = item_ids.iter().collect();
    let mut removed = 0;
    for id in wanted {
        removed +=
            conn.execute("DELETE FROM playlist_tracks WHERE id = ?1 AND playlist_id = ?2", params![id, playlist_id])?;
    }
    renumber(conn, playlist_id)?;
    Ok(removed)
}

/// Moves one item to `to` (clamped), keeping every other item's relative order.
pub fn move_item(conn: &Connection, playlist_id: &str, item_id: &str, to: i64) -> rusqlite::Result<bool> {
    let mut order: Vec<String> = conn
        .prepare_cached("SELECT id FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position")?
        .query_map([playlist_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(from) = order.iter().position(|i| i == item_id) else { return Ok(false) };
    let item = order.remove(from);
    let to = (to.max(0) as usize).min(order.len());
    order.insert(to, item);
    write_order(conn, &order)?;
    Ok(true)
}

fn renumber(conn: &Connection, playlist_id: &str) -> rusqlite::Result<()> {
    let order: Vec<String> = conn
        .prepare_cached("SELECT id FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position")?
        .query_map([playlist_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    write_order(conn, &order)
}

fn write_order(conn: &Connection, order: &[String]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE playlist_tracks SET position = ?2 WHERE id = ?1")?;
    for (i, id) in order.iter().enumerate() {
        stmt.execute(params![id, i as i64])?;
    }
    Ok(())
}

/// Playlists that contain a track, so deleting it can renumber them.
pub fn containing_track(conn: &Connection, track_id: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT DISTINCT playlist_id FROM playlist_tracks WHERE track_id = ?1")?
        .query_map([track_id], |r| r.get(0))?
        .collect()
}

pub fn renumber_all(conn: &Connection, playlist_ids: &[String]) -> rusqlite::Result<()> {
    for id in playlist_ids {
        renumber(conn, id)?;
    }
    Ok(())
}

// ---- favourites ----

pub fn favorite(conn: &Connection, user: &str, track: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO favorites (user_id, track_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![user, track, super::now()],
    )?;
    Ok(())
}

pub fn unfavorite(conn: &Connection, user: &str, track: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM favorites WHERE user_id = ?1 AND track_id = ?2", params![user, track])?;
    Ok(())
}

/// Which of `track_ids` the user favourited.
pub fn favorited_among(conn: &Connection, user: &str, track_ids: &[String]) -> rusqlite::Result<HashSet<String>> {
    if track_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT track_id FROM favorites WHERE user_id = ? AND track_id IN ({})",
        vec!["?"; track_ids.len()].join(",")
    );
    let args = std::iter::once(user.to_string()).chain(track_ids.iter().cloned());
    conn.prepare(&sql)?.query_map(params_from_iter(args), |r| r.get(0))?.collect()
}
