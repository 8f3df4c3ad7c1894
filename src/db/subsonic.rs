//! SQL for Subsonic app passwords.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::ids::UserId;

#[derive(Debug, Clone)]
pub struct AppPasswordRow {
    pub id: String,
    pub user_id: UserId,
    pub label: String,
    pub password_enc: Vec<u8>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

const COLUMNS: &str = "id, user_id, label, password_enc, created_at, last_used_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AppPasswordRow> {
    Ok(AppPasswordRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        label: r.get(2)?,
        password_enc: r.get(3)?,
        created_at: r.get(4)?,
        last_used_at: r.get(5)?,
    })
}

pub fn insert(conn: &Connection, row: &AppPasswordRow, api_key_hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO subsonic_passwords (id, user_id, label, password_enc, api_key_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![row.id, row.user_id, row.label, row.password_enc, api_key_hash, row.created_at],
    )?;
    Ok(())
}

pub fn of_user(conn: &Connection, user: &str) -> rusqlite::Result<Vec<AppPasswordRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM subsonic_passwords WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    stmt.query_map([user], from_row)?.collect()
}

pub fn by_api_key_hash(conn: &Connection, hash: &str) -> rusqlite::Result<Option<AppPasswordRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM subsonic_passwords WHERE api_key_hash = ?1"), [hash], from_row)
        .optional()
}

pub fn delete(conn: &Connection, user: &str, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM subsonic_passwords WHERE id = ?1 AND user_id = ?2", [id, user])? > 0)
}

pub fn touch(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE subsonic_passwords SET last_used_at = ?2 WHERE id = ?1", params![id, super::now()])?;
    Ok(())
}
