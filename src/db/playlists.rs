//! SQL for playlists, their items and favourites.
//!
//! Items are ordered by a sparse sort key (the `position` column): new items get keys `GAP`
//! apart, and an insert or move takes keys between its neighbours, so it writes only the rows
//! it adds or moves. Only when two neighbours have no room left between them is the playlist
//! respaced. The position clients see (0..n) is the item's rank, computed when read.

use std::collections::HashSet;

use crate::domain::ids::{PlaylistId, TrackId, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

#[derive(Debug, Clone)]
pub struct PlaylistRow {
    pub id: PlaylistId,
    pub owner_id: UserId,
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
    pub track_id: TrackId,
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

/// Other people's public playlists, newest change first, leaving out blocks either way and
/// disabled owners.
pub fn public_of_others(
    conn: &Connection,
    viewer: &str,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<(Vec<PlaylistRow>, i64)> {
    let filter = "public = 1 AND owner_id <> ?1
        AND owner_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = ?1
                             UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?1)
        AND owner_id IN (SELECT id FROM users WHERE disabled = 0)";
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM playlists WHERE {filter} ORDER BY updated_at DESC, id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![viewer, limit as i64, offset as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn
        .prepare_cached(&format!("SELECT count(*) FROM playlists WHERE {filter}"))?
        .query_row([viewer], |r| r.get(0))?;
    Ok((rows, total))
}

/// Every track id of a playlist, in order.
pub fn track_ids(conn: &Connection, playlist_id: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT track_id FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position, id")?
        .query_map([playlist_id], |r| r.get(0))?
        .collect()
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

/// Items in order; `position` is the rank (0-based) in the whole playlist.
pub fn items(conn: &Connection, playlist_id: &str, offset: usize, limit: usize) -> rusqlite::Result<Vec<ItemRow>> {
    let mut rank = offset as i64;
    conn.prepare_cached(
        "SELECT id, track_id, added_at FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position LIMIT ?2 OFFSET ?3",
    )?
    .query_map(params![playlist_id, limit as i64, offset as i64], |r| {
        Ok(ItemRow { id: r.get(0)?, track_id: r.get(1)?, position: 0, added_at: r.get(2)? })
    })?
    .map(|row| {
        row.map(|mut item| {
            item.position = rank;
            rank += 1;
            item
        })
    })
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

/// Sort keys of new items are this far apart, so many inserts fit between two neighbours.
const GAP: i64 = 1 << 16;

pub fn item_count(conn: &Connection, playlist_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM playlist_tracks WHERE playlist_id = ?1")?
        .query_row([playlist_id], |r| r.get(0))
}

/// The sort keys on either side of rank `at`, ignoring `except` (the item being moved).
fn neighbours(
    conn: &Connection,
    playlist_id: &str,
    at: i64,
    except: Option<&str>,
) -> rusqlite::Result<(Option<i64>, Option<i64>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT position FROM playlist_tracks WHERE playlist_id = ?1 AND id IS NOT ?2
         ORDER BY position LIMIT 2 OFFSET ?3",
    )?;
    if at == 0 {
        let next = stmt.query_row(params![playlist_id, except, 0], |r| r.get(0)).optional()?;
        return Ok((None, next));
    }
    let keys: Vec<i64> =
        stmt.query_map(params![playlist_id, except, at - 1], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok((keys.first().copied(), keys.get(1).copied()))
}

/// `n` increasing keys that fit between `before` and `after`, or `None` when there is no room.
fn keys_between(before: Option<i64>, after: Option<i64>, n: i64) -> Option<Vec<i64>> {
    match (before, after) {
        (None, None) => Some((0..n).map(|i| i * GAP).collect()),
        (Some(b), None) => Some((1..=n).map(|i| b + i * GAP).collect()),
        (None, Some(a)) => Some((0..n).map(|i| a - (n - i) * GAP).collect()),
        (Some(b), Some(a)) => {
            let step = (a - b) / (n + 1);
            (step > 0).then(|| (1..=n).map(|i| b + i * step).collect())
        }
    }
}

/// Inserts tracks before rank `position` (clamped; the end when `None`).
pub fn insert_items(
    conn: &Connection,
    playlist_id: &str,
    track_ids: &[String],
    position: Option<i64>,
) -> rusqlite::Result<()> {
    let len = item_count(conn, playlist_id)?;
    let at = position.unwrap_or(len).clamp(0, len);
    let n = track_ids.len() as i64;
    let keys = match free_keys(conn, playlist_id, at, n, None)? {
        Some(keys) => keys,
        None => {
            respace(conn, playlist_id)?;
            free_keys(conn, playlist_id, at, n, None)?.expect("respaced keys leave room")
        }
    };
    let now = super::now();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO playlist_tracks (id, playlist_id, track_id, position, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (track, key) in track_ids.iter().zip(keys) {
        stmt.execute(params![super::new_id(), playlist_id, track, key, now])?;
    }
    Ok(())
}

fn free_keys(
    conn: &Connection,
    playlist_id: &str,
    at: i64,
    n: i64,
    except: Option<&str>,
) -> rusqlite::Result<Option<Vec<i64>>> {
    let (before, after) = neighbours(conn, playlist_id, at, except)?;
    Ok(keys_between(before, after, n))
}

/// Removes items by id; returns how many existed. Gaps in the keys are harmless.
pub fn remove_items(conn: &Connection, playlist_id: &str, item_ids: &[String]) -> rusqlite::Result<usize> {
    let wanted: HashSet<&String> = item_ids.iter().collect();
    let mut stmt = conn.prepare_cached("DELETE FROM playlist_tracks WHERE id = ?1 AND playlist_id = ?2")?;
    let mut removed = 0;
    for id in wanted {
        removed += stmt.execute(params![id, playlist_id])?;
    }
    Ok(removed)
}

/// Moves one item to rank `to` (clamped), keeping every other item's relative order.
pub fn move_item(conn: &Connection, playlist_id: &str, item_id: &str, to: i64) -> rusqlite::Result<bool> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM playlist_tracks WHERE id = ?1 AND playlist_id = ?2)",
        params![item_id, playlist_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(false);
    }
    let others = item_count(conn, playlist_id)? - 1;
    let to = to.clamp(0, others);
    let key = match free_keys(conn, playlist_id, to, 1, Some(item_id))? {
        Some(keys) => keys[0],
        None => {
            respace(conn, playlist_id)?;
            free_keys(conn, playlist_id, to, 1, Some(item_id))?.expect("respaced keys leave room")[0]
        }
    };
    conn.execute("UPDATE playlist_tracks SET position = ?2 WHERE id = ?1", params![item_id, key])?;
    Ok(true)
}

/// Spreads the keys `GAP` apart again; needed only after many inserts at one spot.
fn respace(conn: &Connection, playlist_id: &str) -> rusqlite::Result<()> {
    let order: Vec<String> = conn
        .prepare_cached("SELECT id FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position")?
        .query_map([playlist_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached("UPDATE playlist_tracks SET position = ?2 WHERE id = ?1")?;
    for (i, id) in order.iter().enumerate() {
        stmt.execute(params![id, i as i64 * GAP])?;
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
    Ok(favorite_times_among(conn, user, track_ids)?.into_keys().collect())
}

/// When the user favourited each of `track_ids` that they did.
pub fn favorite_times_among(
    conn: &Connection,
    user: &str,
    track_ids: &[String],
) -> rusqlite::Result<std::collections::HashMap<String, String>> {
    if track_ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT track_id, created_at FROM favorites WHERE user_id = ? AND track_id IN ({})",
        vec!["?"; track_ids.len()].join(",")
    );
    let args = std::iter::once(user.to_string()).chain(track_ids.iter().cloned());
    conn.prepare(&sql)?.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fit_between_neighbours_or_report_no_room() {
        assert_eq!(keys_between(None, None, 2), Some(vec![0, GAP]));
        assert_eq!(keys_between(Some(10), None, 1), Some(vec![10 + GAP]));
        assert_eq!(keys_between(None, Some(0), 2), Some(vec![-2 * GAP, -GAP]));
        assert_eq!(keys_between(Some(0), Some(4), 3), Some(vec![1, 2, 3]));
        assert_eq!(keys_between(Some(0), Some(3), 3), None);
    }
}
