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
    fn search_entries_made_before_migration_15_are_found_after_it_by_kind_shortest_first() {
        let mut conn = Connection::open_in_memory().unwrap();
        MIGRATIONS.to_version(&mut conn, 14).unwrap();
        conn.execute_batch(
            "INSERT INTO artists (id, name, sort_name, created_at, updated_at) VALUES
                 ('ar1', 'Harbour Lights Orchestra', 'Harbour', '', ''), ('ar2', 'Harbour', 'Harbour', '', '');
             INSERT INTO users (id, email, username, tag, created_at, updated_at)
                 VALUES ('u1', 'h@example.org', 'Harbourmaster', 'harb', '', '');",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let wanted = std::collections::HashMap::from([("artist", 5), ("user", 5), ("track", 5)]);
        let found = crate::db::library::search_kinds(&conn, "\"harb\"*", &wanted).unwrap();
        assert_eq!(found["artist"], ["ar2", "ar1"]);
        assert_eq!(found["user"], ["u1"]);
        assert!(found["track"].is_empty());
        // Entries added after the migration take the next key of their kind and length.
        conn.execute("INSERT INTO artists (id, name, sort_name, created_at, updated_at) VALUES ('ar3', 'Harbor', 'Harbor', '', '')", [])
            .unwrap();
        let found = crate::db::library::search_kinds(&conn, "\"harb\"*", &wanted).unwrap();
        assert_eq!(found["artist"], ["ar3", "ar2", "ar1"]);
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
