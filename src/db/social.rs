//! SQL for the social graph: friend requests and friendships.

use rusqlite::{Connection, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Friendship {
    None,
    Friends,
    RequestSent,
    RequestReceived,
}

/// How `other` relates to `me`. Friendships are stored once, with the smaller id first.
pub fn friendship(conn: &Connection, me: &str, other: &str) -> rusqlite::Result<Friendship> {
    let (a, b) = if me < other { (me, other) } else { (other, me) };
    let friends: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM friendships WHERE user_a = ?1 AND user_b = ?2)",
        params![a, b],
        |r| r.get(0),
    )?;
    if friends {
        return Ok(Friendship::Friends);
    }
    let pending = |from: &str, to: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM friend_requests WHERE requester_id = ?1 AND receiver_id = ?2)",
            params![from, to],
            |r| r.get(0),
        )
    };
    Ok(if pending(me, other)? {
        Friendship::RequestSent
    } else if pending(other, me)? {
        Friendship::RequestReceived
    } else {
        Friendship::None
    })
}
