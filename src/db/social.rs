//! SQL for the social graph: friend requests, friendships, blocks and stored notifications.
//! Friendships are stored once, with the smaller id first.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::ids::UserId;
use crate::domain::social::NotificationKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Friendship {
    None,
    Friends,
    RequestSent,
    RequestReceived,
}

fn pair<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x < y { (x, y) } else { (y, x) }
}

/// How `other` relates to `me`.
pub fn friendship(conn: &Connection, me: &str, other: &str) -> rusqlite::Result<Friendship> {
    if are_friends(conn, me, other)? {
        return Ok(Friendship::Friends);
    }
    Ok(if request_between(conn, me, other)?.is_some() {
        Friendship::RequestSent
    } else if request_between(conn, other, me)?.is_some() {
        Friendship::RequestReceived
    } else {
        Friendship::None
    })
}

pub fn are_friends(conn: &Connection, x: &str, y: &str) -> rusqlite::Result<bool> {
    let (a, b) = pair(x, y);
    conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM friendships WHERE user_a = ?1 AND user_b = ?2)")?
        .query_row(params![a, b], |r| r.get(0))
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: String,
    pub requester_id: UserId,
    pub receiver_id: UserId,
    pub created_at: String,
}

const REQUEST_COLUMNS: &str = "id, requester_id, receiver_id, created_at";

fn request_from_row(r: &Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow { id: r.get(0)?, requester_id: r.get(1)?, receiver_id: r.get(2)?, created_at: r.get(3)? })
}

/// The pending request from `from` to `to`, if any.
pub fn request_between(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Option<RequestRow>> {
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM friend_requests WHERE requester_id = ?1 AND receiver_id = ?2"
    ))?
    .query_row(params![from, to], request_from_row)
    .optional()
}

pub fn request_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<RequestRow>> {
    conn.prepare_cached(&format!("SELECT {REQUEST_COLUMNS} FROM friend_requests WHERE id = ?1"))?
        .query_row([id], request_from_row)
        .optional()
}

pub fn insert_request(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<RequestRow> {
    let row = RequestRow {
        id: super::new_id(),
        requester_id: UserId::trusted(from),
        receiver_id: UserId::trusted(to),
        created_at: super::now(),
    };
    conn.execute(
        "INSERT INTO friend_requests (id, requester_id, receiver_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![row.id, row.requester_id, row.receiver_id, row.created_at],
    )?;
    Ok(row)
}

pub fn delete_request(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM friend_requests WHERE id = ?1", [id])? > 0)
}

/// Pending requests sent by `user` (`outgoing`) or to them.
pub fn requests_of(conn: &Connection, user: &str, outgoing: bool) -> rusqlite::Result<Vec<RequestRow>> {
    let column = if outgoing { "requester_id" } else { "receiver_id" };
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM friend_requests WHERE {column} = ?1 ORDER BY created_at DESC, id"
    ))?
    .query_map([user], request_from_row)?
    .collect()
}

pub fn count_outgoing(conn: &Connection, user: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM friend_requests WHERE requester_id = ?1")?.query_row([user], |r| r.get(0))
}

/// Makes two people friends (idempotent).
pub fn befriend(conn: &Connection, x: &str, y: &str) -> rusqlite::Result<()> {
    let (a, b) = pair(x, y);
    conn.execute(
        "INSERT INTO friendships (user_a, user_b, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![a, b, super::now()],
    )?;
    Ok(())
}

/// Ends a friendship; true if there was one.
pub fn unfriend(conn: &Connection, x: &str, y: &str) -> rusqlite::Result<bool> {
    let (a, b) = pair(x, y);
    Ok(conn.execute("DELETE FROM friendships WHERE user_a = ?1 AND user_b = ?2", params![a, b])? > 0)
}

/// Ids of `user`'s friends, enabled accounts only, by name.
pub fn friend_ids(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT u.id FROM friendships f JOIN users u ON u.id = CASE WHEN f.user_a = ?1 THEN f.user_b ELSE f.user_a END
         WHERE (f.user_a = ?1 OR f.user_b = ?1) AND u.disabled = 0 ORDER BY u.username COLLATE NOCASE, u.id",
    )?
    .query_map([user], |r| r.get(0))?
    .collect()
}

// ---- blocks ----

/// Whether either of the two blocked the other.
pub fn blocked_either_way(conn: &Connection, x: &str, y: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2) OR (blocker_id = ?2 AND blocked_id = ?1))",
    )?
    .query_row(params![x, y], |r| r.get(0))
}

pub fn block(conn: &Connection, blocker: &str, blocked: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![blocker, blocked, super::now()],
    )?;
    Ok(())
}

pub fn unblock(conn: &Connection, blocker: &str, blocked: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2", params![blocker, blocked])? > 0)
}

pub fn blocked_by(conn: &Connection, blocker: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT blocked_id FROM blocks WHERE blocker_id = ?1 ORDER BY created_at DESC")?
        .query_map([blocker], |r| r.get(0))?
        .collect()
}

/// Everyone `user` blocked or was blocked by: people who must not find each other.
pub fn blocked_either_way_ids(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT blocked_id FROM blocks WHERE blocker_id = ?1 UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?1",
    )?
    .query_map([user], |r| r.get(0))?
    .collect()
}

/// Ends whatever the pair had: friendship and requests either way.
pub fn sever(conn: &Connection, x: &str, y: &str) -> rusqlite::Result<()> {
    unfriend(conn, x, y)?;
    conn.execute(
        "DELETE FROM friend_requests WHERE (requester_id = ?1 AND receiver_id = ?2) OR (requester_id = ?2 AND receiver_id = ?1)",
        params![x, y],
    )?;
    Ok(())
}

// ---- notifications ----

#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub actor_id: Option<UserId>,
    pub room_id: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

const NOTIFICATION_COLUMNS: &str = "id, user_id, kind, actor_id, room_id, created_at, read_at";

fn notification_from_row(r: &Row<'_>) -> rusqlite::Result<NotificationRow> {
    Ok(NotificationRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        kind: r.get(2)?,
        actor_id: r.get(3)?,
        room_id: r.get(4)?,
        created_at: r.get(5)?,
        read_at: r.get(6)?,
    })
}

pub fn insert_notification(
    conn: &Connection,
    user: &str,
    kind: NotificationKind,
    actor: Option<&str>,
    room: Option<&str>,
) -> rusqlite::Result<NotificationRow> {
    let row = NotificationRow {
        id: super::new_id(),
        user_id: UserId::trusted(user),
        kind,
        actor_id: actor.map(UserId::trusted),
        room_id: room.map(str::to_string),
        created_at: super::now(),
        read_at: None,
    };
    conn.execute(
        "INSERT INTO notifications (id, user_id, kind, actor_id, room_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![row.id, row.user_id, row.kind, row.actor_id, row.room_id, row.created_at],
    )?;
    Ok(row)
}

/// Newest first; `before` is the id of the last one already shown (ids are time-ordered).
pub fn notifications(
    conn: &Connection,
    user: &str,
    before: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<NotificationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = ?1 AND (?2 IS NULL OR id < ?2)
         ORDER BY id DESC LIMIT ?3"
    ))?
    .query_map(params![user, before, limit as i64], notification_from_row)?
    .collect()
}

pub fn unread_count(conn: &Connection, user: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL")?
        .query_row([user], |r| r.get(0))
}

/// Marks the given notifications (or all, when `ids` is empty) read; returns how many changed.
pub fn mark_read(conn: &Connection, user: &str, ids: &[String]) -> rusqlite::Result<usize> {
    let now = super::now();
    if ids.is_empty() {
        return conn.execute(
            "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
            params![user, now],
        );
    }
    let mut stmt = conn
        .prepare_cached("UPDATE notifications SET read_at = ?3 WHERE user_id = ?1 AND id = ?2 AND read_at IS NULL")?;
    let mut changed = 0;
    for id in ids {
        changed += stmt.execute(params![user, id, now])?;
    }
    Ok(changed)
}

/// Drops read notifications older than `cutoff` (an RFC 3339 time).
pub fn prune_read(conn: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < ?1", [cutoff])
}

/// Drops pending FRIEND_REQUEST_RECEIVED notifications that a withdrawn request left behind.
pub fn delete_request_notification(conn: &Connection, receiver: &str, requester: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM notifications WHERE user_id = ?1 AND actor_id = ?2 AND kind = ?3 AND read_at IS NULL",
        params![receiver, requester, NotificationKind::FriendRequestReceived],
    )
}
