//! SQL for accounts.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::ids::UserId;

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub username: String,
    pub tag: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub avatar_path: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub provider: String,
    pub created_at: String,
    pub updated_at: String,
    /// Friends may see what this person is playing.
    pub share_activity: bool,
}

const COLUMNS: &str = "id, email, username, tag, password_hash, is_admin, disabled, avatar_path, \
     totp_secret, totp_enabled, totp_last_step, provider, created_at, updated_at, share_activity";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        email: r.get(1)?,
        username: r.get(2)?,
        tag: r.get(3)?,
        password_hash: r.get(4)?,
        is_admin: r.get(5)?,
        disabled: r.get(6)?,
        avatar_path: r.get(7)?,
        totp_secret: r.get(8)?,
        totp_enabled: r.get(9)?,
        totp_last_step: r.get(10)?,
        provider: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        share_activity: r.get(14)?,
    })
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub tag: &'a str,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
    pub provider: &'a str,
}

pub fn insert(conn: &Connection, u: &NewUser<'_>) -> rusqlite::Result<UserRow> {
    let id = super::new_id();
    let now = super::now();
    conn.execute(
        "INSERT INTO users (id, email, username, tag, password_hash, is_admin, provider, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![id, u.email, u.username, u.tag, u.password_hash, u.is_admin, u.provider, now],
    )?;
    by_id(conn, &id).map(|u| u.expect("just inserted"))
}

fn one(conn: &Connection, filter: &str, value: &str) -> rusqlite::Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE {filter} = ?1");
    conn.prepare_cached(&sql)?.query_row([value], from_row).optional()
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<UserRow>> {
    one(conn, "id", id)
}

pub fn by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<UserRow>> {
    one(conn, "email", email)
}

pub fn by_tag(conn: &Connection, tag: &str) -> rusqlite::Result<Option<UserRow>> {
    one(conn, "tag", tag)
}

/// Display names are not unique: every account with this one (case-insensitive).
pub fn by_username(conn: &Connection, name: &str) -> rusqlite::Result<Vec<UserRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1 COLLATE NOCASE LIMIT 2"))?;
    stmt.query_map([name], from_row)?.collect()
}

pub fn by_ids(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<UserRow>> {
    let placeholders = vec!["?"; ids.len()].join(",");
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id IN ({placeholders})");
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(rusqlite::params_from_iter(ids), from_row)?.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))
}

pub fn count_active_admins(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM users WHERE is_admin = 1 AND disabled = 0", [], |r| r.get(0))
}

/// Keyset page ordered by id (UUIDv7, so by creation time).
pub fn page(conn: &Connection, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params![after.unwrap_or(""), limit as i64], from_row)?.collect()
}

/// Enabled accounts whose name or tag contains `query`, leaving out anyone `viewer` blocked or
/// was blocked by.
pub fn search(
    conn: &Connection,
    viewer: &str,
    query: &str,
    after: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<UserRow>> {
    let pattern = format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE disabled = 0 AND id > ?1
           AND (username LIKE ?2 ESCAPE '\\' OR tag LIKE ?2 ESCAPE '\\')
           AND id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = ?4
                          UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?4)
         ORDER BY id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params![after.unwrap_or(""), pattern, limit as i64, viewer], from_row)?.collect()
}

pub fn tag_taken(conn: &Connection, tag: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE tag = ?1)", [tag], |r| r.get(0))
}

fn touch(conn: &Connection, id: &str, set: &str, value: &dyn rusqlite::ToSql) -> rusqlite::Result<usize> {
    let sql = format!("UPDATE users SET {set} = ?1, updated_at = ?2 WHERE id = ?3");
    conn.execute(&sql, params![value, super::now(), id])
}

pub fn set_share_activity(conn: &Connection, id: &str, on: bool) -> rusqlite::Result<usize> {
    touch(conn, id, "share_activity", &on)
}

pub fn set_username(conn: &Connection, id: &str, username: &str) -> rusqlite::Result<usize> {
    touch(conn, id, "username", &username)
}

pub fn set_tag(conn: &Connection, id: &str, tag: &str) -> rusqlite::Result<usize> {
    touch(conn, id, "tag", &tag)
}

pub fn set_avatar_path(conn: &Connection, id: &str, path: Option<&str>) -> rusqlite::Result<usize> {
    touch(conn, id, "avatar_path", &path)
}

pub fn set_password_hash(conn: &Connection, id: &str, hash: &str) -> rusqlite::Result<usize> {
    touch(conn, id, "password_hash", &hash)
}

pub fn set_admin(conn: &Connection, id: &str, admin: bool) -> rusqlite::Result<usize> {
    touch(conn, id, "is_admin", &admin)
}

pub fn set_disabled(conn: &Connection, id: &str, disabled: bool) -> rusqlite::Result<usize> {
    touch(conn, id, "disabled", &disabled)
}

/// Stores a secret that is not yet active: set-up is confirmed by a valid code.
pub fn set_pending_totp_secret(conn: &Connection, id: &str, secret: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE users SET totp_secret = ?1, totp_enabled = 0, totp_last_step = NULL, updated_at = ?2 WHERE id = ?3",
        params![secret, super::now(), id],
    )
}

pub fn enable_totp(conn: &Connection, id: &str, step: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE users SET totp_enabled = 1, totp_last_step = ?1, updated_at = ?2 WHERE id = ?3",
        params![step, super::now(), id],
    )
}

pub fn disable_totp(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL, updated_at = ?1 WHERE id = ?2",
        params![super::now(), id],
    )?;
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [id])
}

/// Records the step of an accepted code, only if it is newer than the last one: the
/// comparison in SQL makes two concurrent uses of one code impossible.
pub fn advance_totp_step(conn: &Connection, id: &str, step: i64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE users SET totp_last_step = ?1 WHERE id = ?2 AND (totp_last_step IS NULL OR totp_last_step < ?1)",
        params![step, id],
    )?;
    Ok(n == 1)
}

/// Whether the account's email was proven by a provider (see migration 05).
pub fn email_verified(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT email_verified FROM users WHERE id = ?1", [id], |r| r.get(0))
}

pub fn mark_email_verified(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    touch(conn, id, "email_verified", &true)
}
