//! SQL for external (OAuth / OIDC) identities.

use rusqlite::{Connection, OptionalExtension, params};

pub fn user_for_identity(conn: &Connection, issuer: &str, subject: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT user_id FROM oauth_identities WHERE issuer = ?1 AND subject = ?2",
        params![issuer, subject],
        |r| r.get(0),
    )
    .optional()
}

pub fn link(
    conn: &Connection,
    user_id: &str,
    provider: &str,
    issuer: &str,
    subject: &str,
    email: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO oauth_identities (id, user_id, provider, issuer, subject, email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![super::new_id(), user_id, provider, issuer, subject, email, super::now()],
    )?;
    Ok(())
}

pub fn unlink(conn: &Connection, user_id: &str, provider: &str) -> rusqlite::Result<bool> {
    let n =
        conn.execute("DELETE FROM oauth_identities WHERE user_id = ?1 AND provider = ?2", params![user_id, provider])?;
    Ok(n == 1)
}

pub fn count_for_user(conn: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM oauth_identities WHERE user_id = ?1", [user_id], |r| r.get(0))
}

pub fn providers_for_user(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT provider FROM oauth_identities WHERE user_id = ?1 ORDER BY provider")?;
    stmt.query_map([user_id], |r| r.get(0))?.collect()
}
