//! Numbered, forward-only migrations embedded from `migrations/`, applied before the server
//! binds. A database newer than this binary is refused rather than guessed at.

use include_dir::{Dir, include_dir};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, SchemaVersion};
use std::sync::LazyLock;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

pub static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATIONS_DIR).expect("migrations/ is well formed"));

/// How many migrations this binary knows.
pub fn latest_version() -> usize {
    MIGRATIONS_DIR.dirs().count()
}

pub fn apply(conn: &mut Connection) -> anyhow::Result<()> {
    if let SchemaVersion::Outside(v) = MIGRATIONS.current_version(conn)? {
        anyhow::bail!(
            "the database is at schema version {v}, newer than this binary knows ({}); \
             run a newer soundroom or restore a backup",
            latest_version()
        );
    }
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

pub fn current_version(conn: &Connection) -> anyhow::Result<usize> {
    Ok(match MIGRATIONS.current_version(conn)? {
        SchemaVersion::NoneSet => 0,
        SchemaVersion::Inside(v) | SchemaVersion::Outside(v) => v.get(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().expect("migrations apply to an empty database");
    }

    #[test]
    fn migrations_apply_from_every_earlier_version() {
        for start in 0..latest_version() {
            let mut conn = Connection::open_in_memory().unwrap();
            conn.pragma_update(None, "foreign_keys", "ON").unwrap();
            MIGRATIONS.to_version(&mut conn, start).unwrap();
            apply(&mut conn).unwrap();
            assert_eq!(current_version(&conn).unwrap(), latest_version());
            let fk_errors: i64 =
                conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
            assert_eq!(fk_errors, 0);
        }
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() as i64 + 1).unwrap();
        let err = apply(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer than this binary"), "{err}");
    }

    #[test]
    fn the_first_migration_holds_the_whole_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        for table in [
            "users",
            "artists",
            "albums",
            "tracks",
            "playlists",
            "playlist_tracks",
            "favorites",
            "friend_requests",
            "friendships",
            "rooms",
            "room_users",
            "refresh_tokens",
            "recovery_codes",
            "oauth_identities",
            "invites",
        ] {
            let n: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?1", [table], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 1, "table {table} is missing");
        }
    }
}
