//! One-time password-reset links (only the token's SHA-256 is stored) and what deleting an
//! account does with what it owned.

use rusqlite::{Connection, OptionalExtension, params};

pub fn insert_reset(
    conn: &Connection,
    token_hash: &str,
    user: &str,
    by: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO password_resets (token_hash, user_id, created_by, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user, by, expires_at],
    )?;
    Ok(())
}

/// Spends a link: the account it opens when it exists and has not expired. Every link of that
/// account is spent with it, so an older link cannot be used after a newer one.
pub fn take_reset(conn: &Connection, token_hash: &str, now: &str) -> rusqlite::Result<Option<String>> {
    let user: Option<(String, String)> = conn
        .query_row("SELECT user_id, expires_at FROM password_resets WHERE token_hash = ?1", [token_hash], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((user, expires)) = user else { return Ok(None) };
    conn.execute("DELETE FROM password_resets WHERE user_id = ?1", [&user])?;
    Ok((expires.as_str() > now).then_some(user))
}

/// Hands an account's playlists to another account.
pub fn transfer_playlists(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<usize> {
    conn.execute("UPDATE playlists SET owner_id = ?2 WHERE owner_id = ?1", params![from, to])
}

/// Credits an account's uploads to another account.
pub fn transfer_uploads(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<usize> {
    conn.execute("UPDATE tracks SET uploaded_by = ?2 WHERE uploaded_by = ?1 AND source = 'upload'", params![from, to])
}

/// Deletes an account's uploads; returns their files' paths to remove once committed.
pub fn delete_uploads(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    let paths = conn
        .prepare("SELECT path FROM tracks WHERE uploaded_by = ?1 AND source = 'upload'")?
        .query_map([user], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    conn.execute("DELETE FROM tracks WHERE uploaded_by = ?1 AND source = 'upload'", [user])?;
    Ok(paths)
}

/// Rooms that go with the account (it owns or hosts them): the live ones must be stopped.
pub fn rooms_of(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT id FROM rooms WHERE owner_id = ?1 OR host_id = ?1")?.query_map([user], |r| r.get(0))?.collect()
}

pub fn delete_user(conn: &Connection, user: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM users WHERE id = ?1", [user])
}
