//! SQL for listening history.

use std::collections::HashMap;

use rusqlite::{Connection, params, params_from_iter};

pub fn insert(conn: &Connection, user: &str, track: &str, played_at: &str) -> rusqlite::Result<String> {
    let id = super::new_id();
    conn.prepare_cached("INSERT INTO plays (id, user_id, track_id, played_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, user, track, played_at])?;
    Ok(id)
}

/// The last play of `user`, any track: (track id, when).
pub fn last(conn: &Connection, user: &str) -> rusqlite::Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT track_id, played_at FROM plays WHERE user_id = ?1 ORDER BY played_at DESC LIMIT 1")?
        .query_row([user], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// (track id, played at), newest first.
pub fn recent(conn: &Connection, user: &str, offset: usize, limit: usize) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached(
        "SELECT track_id, played_at FROM plays WHERE user_id = ?1 ORDER BY played_at DESC, id DESC LIMIT ?2 OFFSET ?3",
    )?
    .query_map(params![user, limit as i64, offset as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// (track id, plays), most played first.
pub fn most_played(conn: &Connection, user: &str, limit: usize) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare_cached(
        "SELECT track_id, count(*) AS n, max(played_at) AS last FROM plays WHERE user_id = ?1
         GROUP BY track_id ORDER BY n DESC, last DESC LIMIT ?2",
    )?
    .query_map(params![user, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Per track among `tracks`: (plays, last played at) for `user`.
pub fn stats(conn: &Connection, user: &str, tracks: &[String]) -> rusqlite::Result<HashMap<String, (i64, String)>> {
    if tracks.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT track_id, count(*), max(played_at) FROM plays WHERE user_id = ? AND track_id IN ({}) GROUP BY track_id",
        vec!["?"; tracks.len()].join(",")
    );
    let args = std::iter::once(user.to_string()).chain(tracks.iter().cloned());
    conn.prepare(&sql)?.query_map(params_from_iter(args), |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect()
}
