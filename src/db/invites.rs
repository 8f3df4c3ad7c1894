//! SQL for invite codes.

use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone)]
pub struct InviteRow {
    pub id: String,
    pub code: String,
    pub created_by: String,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

const COLUMNS: &str = "id, code, created_by, max_uses, uses, expires_at, revoked_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<InviteRow> {
    Ok(InviteRow {
        id: r.get(0)?,
        code: r.get(1)?,
        created_by: r.get(2)?,
        max_uses: r.get(3)?,
        uses: r.get(4)?,
        expires_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

pub fn insert(
    conn: &Connection,
    code: &str,
    created_by: &str,
    max_uses: i64,
    expires_at: &str,
) -> rusqlite::Result<InviteRow> {
    let id = super::new_id();
    conn.execute(
        "INSERT INTO invites (id, code, created_by, max_uses, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, code, created_by, max_uses, expires_at, super::now()],
    )?;
    Ok(by_id(conn, &id)?.expect("just inserted"))
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<InviteRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM invites WHERE id = ?1"), [id], from_row).optional()
}

/// Active invites first, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<InviteRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM invites WHERE revoked_at IS NULL ORDER BY id DESC"))?;
    stmt.query_map([], from_row)?.collect()
}

/// Takes one use of a valid invite; false if it is unknown, used up, expired or revoked.
pub fn consume(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE invites SET uses = uses + 1
         WHERE code = ?1 AND revoked_at IS NULL AND uses < max_uses AND expires_at > ?2",
        params![code, super::now()],
    )?;
    Ok(n == 1)
}

pub fn revoke(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE invites SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        params![super::now(), id],
    )?;
    Ok(n == 1)
}
