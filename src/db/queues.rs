//! SQL for saved play queues and bookmarks.

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone, PartialEq)]
pub struct PlayQueueRow {
    pub track_ids: Vec<String>,
    pub current_id: Option<String>,
    pub position_ms: i64,
    pub changed_at: String,
    pub changed_by: String,
}

pub fn play_queue(conn: &Connection, user: &str) -> rusqlite::Result<Option<PlayQueueRow>> {
    conn.query_row(
        "SELECT track_ids, current_id, position_ms, changed_at, changed_by FROM play_queues WHERE user_id = ?1",
        [user],
        |r| {
            let ids: String = r.get(0)?;
            Ok(PlayQueueRow {
                track_ids: serde_json::from_str(&ids).unwrap_or_default(),
                current_id: r.get(1)?,
                position_ms: r.get(2)?,
                changed_at: r.get(3)?,
                changed_by: r.get(4)?,
            })
        },
    )
    .optional()
}

pub fn save_play_queue(conn: &Connection, user: &str, q: &PlayQueueRow) -> rusqlite::Result<()> {
    let ids = serde_json::to_string(&q.track_ids).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO play_queues (user_id, track_ids, current_id, position_ms, changed_at, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (user_id) DO UPDATE SET track_ids = ?2, current_id = ?3, position_ms = ?4, changed_at = ?5, changed_by = ?6",
        params![user, ids, q.current_id, q.position_ms, q.changed_at, q.changed_by],
    )?;
    Ok(())
}

pub fn clear_play_queue(conn: &Connection, user: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM play_queues WHERE user_id = ?1", [user])?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkRow {
    pub track_id: String,
    pub position_ms: i64,
    pub comment: Option<String>,
    pub created_at: String,
    pub changed_at: String,
}

pub fn bookmarks(conn: &Connection, user: &str) -> rusqlite::Result<Vec<BookmarkRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT track_id, position_ms, comment, created_at, changed_at FROM bookmarks WHERE user_id = ?1 ORDER BY changed_at DESC",
    )?;
    stmt.query_map([user], |r| {
        Ok(BookmarkRow {
            track_id: r.get(0)?,
            position_ms: r.get(1)?,
            comment: r.get(2)?,
            created_at: r.get(3)?,
            changed_at: r.get(4)?,
        })
    })?
    .collect()
}

pub fn upsert_bookmark(
    conn: &Connection,
    user: &str,
    track: &str,
    position_ms: i64,
    comment: Option<&str>,
) -> rusqlite::Result<()> {
    let now = super::now();
    conn.execute(
        "INSERT INTO bookmarks (user_id, track_id, position_ms, comment, created_at, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (user_id, track_id) DO UPDATE SET position_ms = ?3, comment = ?4, changed_at = ?5",
        params![user, track, position_ms, comment, now],
    )?;
    Ok(())
}

pub fn delete_bookmark(conn: &Connection, user: &str, track: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM bookmarks WHERE user_id = ?1 AND track_id = ?2", [user, track])? > 0)
}
