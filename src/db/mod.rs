//! SQLite behind an r2d2 pool. `Db::run` is the one async boundary: rusqlite is blocking, so
//! every query runs on tokio's blocking pool, never on an async worker.

pub mod edits;
pub mod invites;
pub mod library;
mod library_writes;
pub mod marks;
pub mod migrations;
pub mod oauth;
pub mod playlists;
pub mod plays;
pub mod queues;
pub mod resets;
pub mod rooms;
pub mod social;
pub mod subsonic;
pub mod tokens;
pub mod users;

use std::path::Path;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use tracing::Instrument;

use crate::error::{AppError, AppResult};

type Pool = r2d2::Pool<SqliteConnectionManager>;

#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// How many times `run` went to the database: lets tests prove a page costs a constant
    /// number of queries (no N+1), per server instance.
    round_trips: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Db {
    /// Opens (creating if needed) the database, applies migrations and returns the pool.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(configure_connection);
        let pool = r2d2::Pool::builder().max_size(8).connection_timeout(Duration::from_secs(10)).build(manager)?;
        let mut conn = pool.get()?;
        // WAL is a property of the file: set once, it sticks.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrations::apply(&mut conn)?;
        Ok(Self { pool, round_trips: Default::default() })
    }

    /// Runs `f` with a pooled connection on the blocking pool, keeping the tracing span.
    /// A panic inside `f` becomes an internal error instead of taking the server down.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        self.round_trips.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .in_current_span()
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("database task failed: {e}")))?
    }

    /// Runs `f` inside one transaction: all of it lands or none of it does.
    pub async fn transaction<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> AppResult<T> + Send + 'static,
    {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    /// A connection for command-line subcommands (`user create`, `backup`, ...) that run
    /// without the async server. Inside the server every query goes through `run`, which
    /// counts round trips and turns panics into errors.
    pub fn command_connection(&self) -> anyhow::Result<r2d2::PooledConnection<SqliteConnectionManager>> {
        Ok(self.pool.get()?)
    }

    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }
}

/// Counts committed writes that cached answers may depend on, by any connection: an answer
/// read from the database when this was N is stale once it is N + 1 (see
/// `graphql::response_cache`).
static DATA_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn data_generation() -> u64 {
    DATA_GENERATION.load(std::sync::atomic::Ordering::Acquire)
}

/// Tables that no cached read (the library queries of `graphql::response_cache`) looks at.
/// A commit that changed only these leaves cached answers valid: a playing room saves its
/// position every 10 s, chat lands, tokens are refreshed, and with every commit counted the
/// library pages of a busy server were hardly ever answered from the cache. Any other table,
/// one added later included, counts as a change.
const UNCACHED_TABLES: &[&str] = &[
    "rooms",
    "room_guests",
    "room_messages",
    "room_queue",
    "room_users",
    "refresh_tokens",
    "notifications",
    "play_queues",
    "bookmarks",
    "password_resets",
    "invites",
];

/// What the transaction on this thread has changed so far. A transaction runs on one thread
/// (inside one `Db::run` closure), where SQLite calls its hooks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Changes {
    /// Nothing seen: a commit counts (the safe side).
    Unknown,
    OnlyUncached,
    Cached,
}

thread_local! {
    static CHANGES: std::cell::Cell<Changes> = const { std::cell::Cell::new(Changes::Unknown) };
    /// Commits counted on this thread: tests read it (the global count moves with every
    /// other test's writes).
    static COUNTED_HERE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// SQLite's update hook: called for every row a statement inserts, updates or deletes.
fn row_changed(table: &str) {
    CHANGES.with(|changes| {
        if changes.get() == Changes::Cached {
            // Settled: a scan's thousands of rows need no more looking.
        } else if !UNCACHED_TABLES.contains(&table) {
            changes.set(Changes::Cached);
        } else if changes.get() == Changes::Unknown {
            changes.set(Changes::OnlyUncached);
        }
    });
}

/// Runs after each commit (the WAL hook fires once the write is in the log, so a reader that
/// saw the old generation throughout cannot have seen the new data half-way).
fn after_commit(wal: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    if CHANGES.replace(Changes::Unknown) != Changes::OnlyUncached {
        DATA_GENERATION.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        COUNTED_HERE.set(COUNTED_HERE.get() + 1);
    }
    // A WAL hook replaces SQLite's automatic checkpoint; do what it did (an error here would
    // be reported as the commit's, though the commit happened, so a busy checkpoint waits).
    if pages >= 1000 {
        let _ = wal.checkpoint();
    }
    Ok(())
}

fn configure_connection(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.wal_hook(Some(after_commit));
    conn.update_hook(Some(|_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| row_changed(table)))?;
    conn.rollback_hook(Some(|| CHANGES.set(Changes::Unknown)))?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;",
    )
}

/// Current time as an RFC 3339 UTC string, the one format stored in the database.
pub fn now() -> String {
    to_db_time(chrono::Utc::now())
}

pub fn to_db_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A stored timestamp. One that does not parse is corrupt data: an error, never 1970.
pub fn parse_db_time(s: &str) -> AppResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| AppError::internal(anyhow::anyhow!("stored timestamp {s:?} is not RFC 3339: {e}")))
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether a rusqlite error is a UNIQUE constraint failure (a conflict the user can fix).
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(conn: &Connection, id: &str) {
        conn.execute(
            "INSERT INTO users (id, email, username, tag, created_at, updated_at) VALUES (?1, ?1, ?1, ?1, '', '')",
            [id],
        )
        .unwrap();
    }

    fn token(conn: &Connection, id: &str) {
        conn.execute(
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
             VALUES (?1, 'u1', ?1, ?1, '', '')",
            [id],
        )
        .unwrap();
    }

    #[test]
    fn only_commits_that_touch_what_cached_reads_read_make_answers_stale() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("soundroom.db")).unwrap();
        let mut conn = db.command_connection().unwrap();
        let counted = || COUNTED_HERE.get();
        let before = counted();
        user(&conn, "u1");
        let after_user = counted();
        assert_eq!(after_user, before + 1, "a new account changes what search finds");
        token(&conn, "t1");
        assert_eq!(counted(), after_user, "a refreshed token changes no cached answer");
        let tx = conn.transaction().unwrap();
        token(&tx, "t2");
        user(&tx, "u2");
        tx.commit().unwrap();
        let after_both = counted();
        assert_eq!(after_both, after_user + 1, "a commit with any change that counts, counts");
        let tx = conn.transaction().unwrap();
        user(&tx, "u3");
        tx.rollback().unwrap();
        token(&conn, "t3");
        assert_eq!(counted(), after_both, "a rolled-back change is forgotten");
    }
}
