//! The server's state, built once at start and shared by every handler.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::auth::jwt::Signer;
use crate::auth::oidc::{Oidc, PendingAuth};
use crate::auth::rate_limit::AuthRateLimiter;
use crate::config::Config;
use crate::db::Db;
use crate::services::events::EventHub;

pub type SharedState = Arc<AppState>;

/// Everything a request handler may need, grouped by owner so a piece of code names what it
/// uses (`state.auth.signer`, `state.media.transcode_slots`).
pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub auth: AuthState,
    pub media: MediaState,
    pub library: crate::services::library::LibraryState,
    /// Friend-request limits.
    pub social: crate::services::social::SocialState,
    /// Live events to each person's open clients.
    pub events: EventHub,
    /// Live rooms, one actor each.
    pub rooms: crate::rooms::RoomHub,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Cancelled on shutdown so long-lived sockets close and the server can stop.
    pub shutdown: tokio_util::sync::CancellationToken,
}

/// Sign-in: token signing, throttling, and OAuth round trips in flight.
pub struct AuthState {
    pub signer: Signer,
    /// Seals stored Subsonic app passwords; lives in the data directory, never the database.
    pub seal_key: crate::services::app_passwords::SealKey,
    pub limiter: AuthRateLimiter,
    pub oidc: Oidc,
    /// OAuth round trips in flight, keyed by their `state` parameter; taken once.
    pub pending_oauth: moka::sync::Cache<String, PendingAuth>,
    /// One-time codes that hand an OAuth sign-in to the web UI: code → account and browser.
    pub login_codes: moka::sync::Cache<String, crate::services::oauth::LoginCode>,
    /// Codes from `beginOAuthLink` that start a linking round trip: code → user id.
    pub link_starts: moka::sync::Cache<String, String>,
    /// Identities verified for linking, waiting for `completeOAuthLink`.
    pub pending_links: moka::sync::Cache<String, crate::services::oauth::PendingLink>,
}

/// Serving audio and pictures: transcode slots and cache, thumbnails.
pub struct MediaState {
    /// Limits how many transcodes run at once; the rest wait for a permit.
    pub transcode_slots: Arc<tokio::sync::Semaphore>,
    pub transcode_cache: crate::media::transcode::cache::TranscodeCache,
    /// Resized cover art, keyed by file and size.
    pub thumbnails: moka::sync::Cache<String, Arc<[u8]>>,
    /// Signed media links by (viewer, resource), see `services::media::grant_cache`.
    pub grants: moka::sync::Cache<(String, String), Arc<str>>,
}

impl AppState {
    /// Creates the data directory, opens the database (applying migrations) and loads the
    /// signing secret.
    pub fn build(
        config: Config,
        metrics: metrics_exporter_prometheus::PrometheusHandle,
    ) -> anyhow::Result<SharedState> {
        let data_dir = &config.storage.data_dir;
        std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create data dir {}", data_dir.display()))?;
        for sub in ["avatars", "uploads", "covers", "cache"] {
            std::fs::create_dir_all(data_dir.join(sub))?;
        }
        remove_leftovers(data_dir);
        let db = Db::open(&config.database_path())
            .with_context(|| format!("cannot open database {}", config.database_path().display()))?;
        let secret = match &config.auth.jwt_secret {
            Some(s) => s.expose().as_bytes().to_vec(),
            None => load_or_create_secret(&data_dir.join("jwt-secret"))?,
        };
        let limits = &config.limits;
        Ok(Arc::new(AppState {
            auth: AuthState {
                signer: Signer::new(&secret),
                seal_key: crate::services::app_passwords::SealKey::from_secret(&load_or_create_secret(
                    &data_dir.join("subsonic-key"),
                )?),
                limiter: AuthRateLimiter::new(
                    limits.auth_attempts_per_ip_per_minute,
                    limits.auth_attempts_per_account_per_minute,
                    limits.auth_attempts_per_account_per_hour,
                ),
                oidc: Oidc::from_config(&config)?,
                pending_oauth: moka::sync::Cache::builder()
                    .max_capacity(10_000)
                    .time_to_live(Duration::from_secs(600))
                    .build(),
                login_codes: moka::sync::Cache::builder()
                    .max_capacity(10_000)
                    .time_to_live(Duration::from_secs(120))
                    .build(),
                link_starts: short_lived(),
                pending_links: short_lived(),
            },
            media: MediaState {
                transcode_slots: Arc::new(tokio::sync::Semaphore::new(config.transcoding.max_concurrent)),
                transcode_cache: crate::media::transcode::cache::TranscodeCache::new(
                    data_dir.join("cache").join("transcodes"),
                    config.transcoding.cache_mb,
                ),
                thumbnails: crate::services::media::thumbnail_cache(),
                grants: crate::services::media::grant_cache(),
            },
            events: EventHub::default(),
            rooms: crate::rooms::RoomHub::default(),
            library: Default::default(),
            social: crate::services::social::SocialState::new(limits.friend_requests_per_hour),
            metrics,
            shutdown: tokio_util::sync::CancellationToken::new(),
            db,
            config,
        }))
    }

    pub fn data_path(&self, relative: &str) -> PathBuf {
        self.config.storage.data_dir.join(relative)
    }
}

/// A cache for one-time codes: bounded, and gone after five minutes.
fn short_lived<V: Clone + Send + Sync + 'static>() -> moka::sync::Cache<String, V> {
    moka::sync::Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(300)).build()
}

/// A crash can leave staged files behind (an upload or transcode being written); they never got
/// their final name, so nothing refers to them.
fn remove_leftovers(data_dir: &Path) {
    for (dir, prefix) in
        [("uploads", ".tmp"), ("cache/transcodes", ".partial-"), ("avatars", ".tmp"), ("images", ".tmp")]
    {
        let Ok(entries) = std::fs::read_dir(data_dir.join(dir)) else { continue };
        for entry in entries.filter_map(Result::ok) {
            if entry.file_name().to_string_lossy().starts_with(prefix) {
                let _ = std::fs::remove_file(entry.path());
                tracing::info!(file = %entry.path().display(), "removed a half-written file left by an earlier run");
            }
        }
    }
}

/// The signing secret lives in the data dir (mode 0600) so restarts keep everyone signed in.
fn load_or_create_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let trimmed = existing.trim();
        anyhow::ensure!(trimmed.len() >= 32, "{} is too short to be a signing secret", path.display());
        return Ok(trimmed.as_bytes().to_vec());
    }
    let secret = crate::auth::opaque::random_token() + &crate::auth::opaque::random_token();
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        f.write_all(secret.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(secret.into_bytes())
}
