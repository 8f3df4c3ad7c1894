//! SQL for refresh tokens and 2FA recovery codes. Only hashes are stored.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::ids::{SessionId, UserId};

#[derive(Debug, Clone)]
pub struct RefreshRow {
    pub id: String,
    pub user_id: UserId,
    pub family_id: SessionId,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub fn insert_refresh(
    conn: &Connection,
    user_id: &str,
    family_id: &str,
    token_hash: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![super::new_id(), user_id, family_id, token_hash, super::now(), expires_at],
    )?;
    Ok(())
}

pub fn refresh_by_hash(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<RefreshRow>> {
    conn.prepare_cached(
        "SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = ?1",
    )?
    .query_row([token_hash], |r| {
        Ok(RefreshRow {
            id: r.get(0)?,
            user_id: r.get(1)?,
            family_id: r.get(2)?,
            expires_at: r.get(3)?,
            used_at: r.get(4)?,
            revoked_at: r.get(5)?,
        })
    })
    .optional()
}

/// Marks a token used; false when another request used it first.
pub fn mark_used(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE refresh_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL AND revoked_at IS NULL",
        params![super::now(), id],
    )?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &Connection, family_id: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked_at = ?1 WHERE family_id = ?2 AND revoked_at IS NULL",
        params![super::now(), family_id],
    )
}

/// Revokes every session of a user, except the family `keep` when given.
pub fn revoke_user(conn: &Connection, user_id: &str, keep: Option<&str>) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked_at = ?1
         WHERE user_id = ?2 AND revoked_at IS NULL AND family_id <> ?3",
        params![super::now(), user_id, keep.unwrap_or("")],
    )
}

pub fn family_active(conn: &Connection, family_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM refresh_tokens WHERE family_id = ?1 AND revoked_at IS NULL)",
        [family_id],
        |r| r.get(0),
    )
}

pub fn replace_recovery_codes(conn: &Connection, user_id: &str, hashes: &[String]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    let mut stmt = conn.prepare("INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (?1, ?2, ?3)")?;
    for h in hashes {
        stmt.execute(params![super::new_id(), user_id, h])?;
    }
    Ok(())
}

/// Consumes a recovery code; true if it existed and was unused.
pub fn use_recovery_code(conn: &Connection, user_id: &str, code_hash: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE recovery_codes SET used_at = ?1 WHERE user_id = ?2 AND code_hash = ?3 AND used_at IS NULL",
        params![super::now(), user_id, code_hash],
    )?;
    Ok(n == 1)
}

/// When the sign-in behind a session happened: its family's first token. Refreshing adds rows
/// to the family but never moves this, so it says how long ago the person proved who they are.
pub fn family_started_at(conn: &Connection, family_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT min(created_at) FROM refresh_tokens WHERE family_id = ?1", [family_id], |r| r.get(0))
}
