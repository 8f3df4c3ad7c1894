//! SQL for rooms: settings, invitations, the stored queue and position, chat, guest passes.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::ids::{RoomId, UserId};
use crate::domain::room::{ControlMode, Visibility};

#[derive(Debug, Clone, PartialEq)]
pub struct RoomRow {
    pub id: RoomId,
    pub name: String,
    pub code: String,
    pub host_id: UserId,
    pub owner_id: UserId,
    pub visibility: Visibility,
    pub control_mode: ControlMode,
    pub allow_guests: bool,
    pub closed_at: Option<String>,
    pub current_item_id: Option<String>,
    pub position_ms: i64,
    pub created_at: String,
}

const COLUMNS: &str = "id, name, code, host_id, COALESCE(owner_id, host_id), visibility, control_mode, allow_guests, \
     closed_at, current_item_id, position_ms, created_at";

fn room_from(r: &Row<'_>) -> rusqlite::Result<RoomRow> {
    Ok(RoomRow {
        id: r.get(0)?,
        name: r.get(1)?,
        code: r.get(2)?,
        host_id: r.get(3)?,
        owner_id: r.get(4)?,
        visibility: r.get(5)?,
        control_mode: r.get(6)?,
        allow_guests: r.get(7)?,
        closed_at: r.get(8)?,
        current_item_id: r.get(9)?,
        position_ms: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub fn insert(conn: &Connection, room: &RoomRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO rooms (id, name, code, host_id, owner_id, visibility, control_mode, allow_guests, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            room.id,
            room.name,
            room.code,
            room.host_id,
            room.owner_id,
            room.visibility,
            room.control_mode,
            room.allow_guests,
            room.created_at
        ],
    )?;
    Ok(())
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<RoomRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM rooms WHERE id = ?1"), [id], room_from).optional()
}

pub fn open_by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<RoomRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM rooms WHERE code = ?1 AND closed_at IS NULL"), [code], room_from)
        .optional()
}

/// Open rooms `user` might join: owned or hosted, public, friends' rooms, rooms they are invited
/// to. The service still applies blocks and the exact rule to each.
pub fn open_candidates(conn: &Connection, user: &str) -> rusqlite::Result<Vec<RoomRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rooms r WHERE closed_at IS NULL AND (
             host_id = ?1 OR owner_id = ?1 OR visibility = 'PUBLIC'
             OR (visibility = 'FRIENDS' AND EXISTS (SELECT 1 FROM friendships f
                 WHERE (f.user_a = ?1 AND f.user_b = r.owner_id) OR (f.user_b = ?1 AND f.user_a = r.owner_id)))
             OR EXISTS (SELECT 1 FROM room_users u WHERE u.room_id = r.id AND u.user_id = ?1))
         ORDER BY created_at DESC LIMIT 200"
    ))?;
    stmt.query_map([user], room_from)?.collect()
}

pub fn update_settings(conn: &Connection, room: &RoomRow) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE rooms SET name = ?2, visibility = ?3, control_mode = ?4, allow_guests = ?5, updated_at = ?6 WHERE id = ?1",
        params![room.id, room.name, room.visibility, room.control_mode, room.allow_guests, super::now()],
    )?;
    Ok(())
}

pub fn close(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    let now = super::now();
    let changed = conn.execute(
        "UPDATE rooms SET closed_at = ?2, updated_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
        params![id, now],
    )?;
    conn.execute("DELETE FROM room_guests WHERE room_id = ?1", [id])?;
    Ok(changed > 0)
}

pub fn set_host(conn: &Connection, id: &str, host: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE rooms SET host_id = ?2, updated_at = ?3 WHERE id = ?1", params![id, host, super::now()])?;
    Ok(())
}

pub fn save_position(conn: &Connection, id: &str, item: Option<&str>, position_ms: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE rooms SET current_item_id = ?2, position_ms = ?3 WHERE id = ?1",
        params![id, item, position_ms],
    )?;
    Ok(())
}

// ---- invitations ----

pub fn invite(conn: &Connection, room: &str, user: &str) -> rusqlite::Result<bool> {
    let added = conn.execute(
        "INSERT OR IGNORE INTO room_users (room_id, user_id, role, joined_at) VALUES (?1, ?2, 'invited', ?3)",
        params![room, user, super::now()],
    )?;
    Ok(added > 0)
}

pub fn is_invited(conn: &Connection, room: &str, user: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM room_users WHERE room_id = ?1 AND user_id = ?2)", [room, user], |r| {
        r.get(0)
    })
}

// ---- the queue ----

#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub id: String,
    pub track_id: String,
    pub added_by: String,
    pub added_by_name: String,
}

pub fn queue(conn: &Connection, room: &str) -> rusqlite::Result<Vec<QueueRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, track_id, added_by, added_by_name FROM room_queue WHERE room_id = ?1 ORDER BY sort_key",
    )?;
    stmt.query_map([room], |r| {
        Ok(QueueRow { id: r.get(0)?, track_id: r.get(1)?, added_by: r.get(2)?, added_by_name: r.get(3)? })
    })?
    .collect()
}

/// The stored queues of several rooms, by room id.
pub fn queues_of(
    conn: &Connection,
    rooms: &[String],
) -> rusqlite::Result<std::collections::HashMap<String, Vec<QueueRow>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT room_id, id, track_id, added_by, added_by_name FROM room_queue
         WHERE room_id IN (SELECT value FROM json_each(?1)) ORDER BY room_id, sort_key",
    )?;
    let ids = serde_json::to_string(rooms).unwrap_or_else(|_| "[]".into());
    let mut queues: std::collections::HashMap<String, Vec<QueueRow>> = std::collections::HashMap::new();
    for row in stmt.query_map([ids], |r| {
        Ok((
            r.get::<_, String>(0)?,
            QueueRow { id: r.get(1)?, track_id: r.get(2)?, added_by: r.get(3)?, added_by_name: r.get(4)? },
        ))
    })? {
        let (room, item) = row?;
        queues.entry(room).or_default().push(item);
    }
    Ok(queues)
}

/// Stores the whole queue in its new order (queues are bounded, so this stays small and a
/// crash can never leave half an edit).
pub fn replace_queue(conn: &Connection, room: &str, items: &[QueueRow]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM room_queue WHERE room_id = ?1", [room])?;
    let now = super::now();
    let mut insert = conn.prepare_cached(
        "INSERT INTO room_queue (id, room_id, track_id, sort_key, added_by, added_by_name, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, item) in items.iter().enumerate() {
        insert.execute(params![item.id, room, item.track_id, i as f64, item.added_by, item.added_by_name, now])?;
    }
    Ok(())
}

// ---- chat ----

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    pub guest: bool,
    pub text: String,
    pub sent_at: String,
}

pub fn insert_message(conn: &Connection, room: &str, m: &MessageRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO room_messages (id, room_id, author_id, author_name, guest, text, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![m.id, room, m.author_id, m.author_name, m.guest, m.text, m.sent_at],
    )?;
    Ok(())
}

/// The last `n` messages, oldest first.
pub fn recent_messages(conn: &Connection, room: &str, n: usize) -> rusqlite::Result<Vec<MessageRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, author_id, author_name, guest, text, sent_at FROM room_messages
         WHERE room_id = ?1 ORDER BY sent_at DESC, id DESC LIMIT ?2",
    )?;
    let mut rows = stmt
        .query_map(params![room, n as i64], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                author_id: r.get(1)?,
                author_name: r.get(2)?,
                guest: r.get(3)?,
                text: r.get(4)?,
                sent_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.reverse();
    Ok(rows)
}

// ---- guests ----

#[derive(Debug, Clone, PartialEq)]
pub struct GuestRow {
    pub id: String,
    pub room_id: RoomId,
    pub name: String,
}

pub fn insert_guest(conn: &Connection, guest: &GuestRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO room_guests (id, room_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![guest.id, guest.room_id, guest.name, super::now()],
    )?;
    Ok(())
}

pub fn guest(conn: &Connection, id: &str) -> rusqlite::Result<Option<GuestRow>> {
    conn.query_row("SELECT id, room_id, name FROM room_guests WHERE id = ?1", [id], |r| {
        Ok(GuestRow { id: r.get(0)?, room_id: r.get(1)?, name: r.get(2)? })
    })
    .optional()
}

pub fn delete_guest(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM room_guests WHERE id = ?1", [id])?;
    Ok(())
}

pub fn delete_guests(conn: &Connection, room: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM room_guests WHERE room_id = ?1", [room])?;
    Ok(())
}

/// What a room member needs to show and play a track.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomTrackRow {
    pub id: String,
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub album_id: Option<String>,
    pub has_cover: bool,
    pub duration: f64,
    pub codec: String,
}

pub fn room_tracks(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<RoomTrackRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.name, ar.name, al.title, al.id, al.cover_path IS NOT NULL, t.duration, t.codec
         FROM tracks t LEFT JOIN artists ar ON ar.id = t.artist_id LEFT JOIN albums al ON al.id = t.album_id
         WHERE t.id IN (SELECT value FROM json_each(?1))",
    )?;
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    stmt.query_map([ids], |r| {
        Ok(RoomTrackRow {
            id: r.get(0)?,
            title: r.get(1)?,
            artist: r.get(2)?,
            album: r.get(3)?,
            album_id: r.get(4)?,
            has_cover: r.get(5)?,
            duration: r.get(6)?,
            codec: r.get(7)?,
        })
    })?
    .collect()
}
