//! Configuration: built-in defaults < `config.toml` < `SOUNDROOM_*` environment < CLI flags.
//! Unknown keys are refused, and a wrong value names its key.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub library: LibraryConfig,
    pub auth: AuthConfig,
    pub limits: LimitsConfig,
    pub transcoding: TranscodingConfig,
    pub rooms: RoomsConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoomsConfig {
    /// A member whose connection drops stays listed this long, so a reconnect is seamless.
    pub reconnect_grace_secs: u64,
    /// A room with nobody in it stops its task after this long (it starts again on the next join).
    pub idle_stop_secs: u64,
    /// Frames that may wait for one member's connection; a member further behind is dropped
    /// (close 4408) rather than slowing the room.
    pub member_queue_frames: usize,
    /// A room connection silent this long is sent a WebSocket ping; silent as long again, it
    /// is closed (4408), so a client that vanished without a word (a laptop shut, a phone out
    /// of range) does not stay listed in the room for as long as TCP takes to give up.
    pub keepalive_secs: u64,
}

impl Default for RoomsConfig {
    fn default() -> Self {
        Self { reconnect_grace_secs: 15, idle_stop_secs: 60, member_queue_frames: 256, keepalive_secs: 30 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TranscodingConfig {
    /// Transcodes that may run at once; more wait their turn.
    pub max_concurrent: usize,
    /// Disk space for finished transcodes (MiB); least recently used go first.
    pub cache_mb: u64,
}

impl Default for TranscodingConfig {
    fn default() -> Self {
        Self { max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()), cache_mb: 2048 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The public URL: OAuth redirect URIs and links are built from it.
    pub base_url: String,
    /// Take the client address from `X-Forwarded-For` (set only behind a reverse proxy you run;
    /// otherwise anyone could pick their own address and dodge rate limits).
    pub trust_proxy_headers: bool,
    /// Open connections at most; more wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// A client must send a request's headers within this many seconds, and an idle
    /// keep-alive connection is closed after it.
    pub header_read_timeout_secs: u64,
    /// Who may read `/metrics`: "off", "localhost", "token" (a bearer `metrics_token`) or "public".
    pub metrics: MetricsAccess,
    pub metrics_token: Option<Secret>,
    /// Memory for answers to repeated library reads (albums, tracks, search pages), reused
    /// until anything in the database changes; 0 turns it off.
    pub response_cache_mb: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "0.0.0.0:8080".parse().expect("valid default"),
            base_url: "http://localhost:8080".into(),
            trust_proxy_headers: false,
            max_connections: 10_000,
            header_read_timeout_secs: 15,
            metrics: MetricsAccess::Localhost,
            metrics_token: None,
            response_cache_mb: 32,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricsAccess {
    Off,
    Localhost,
    Token,
    Public,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { data_dir: PathBuf::from("./data") }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LibraryConfig {
    pub folders: Vec<PathBuf>,
    pub watch: bool,
    /// Follow symbolic links while scanning. Even then a link is only taken when it resolves
    /// inside a music folder: a link to `/etc` must never put files there on the web.
    pub follow_symlinks: bool,
}

impl Default for LibraryConfig {
    fn default() -> Self {
        Self { folders: Vec::new(), watch: true, follow_symlinks: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    Open,
    Invite,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub registration: Registration,
    /// HMAC secret for access tokens; generated into the data dir when absent.
    pub jwt_secret: Option<Secret>,
    pub access_token_minutes: u32,
    pub refresh_token_days: u32,
    pub password_min_length: usize,
    pub google: Option<GoogleConfig>,
    pub oidc: Vec<OidcConfig>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            registration: Registration::Invite,
            jwt_secret: None,
            access_token_minutes: 15,
            refresh_token_days: 30,
            password_min_length: 10,
            google: None,
            oidc: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleConfig {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// URL-safe identifier; the redirect URI is `{base_url}/auth/oauth/{name}/callback`.
    pub name: String,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "email".into(), "profile".into()]
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Largest JSON request body (GraphQL without uploads), in KiB.
    pub max_body_kb: usize,
    /// Largest multipart request (uploads), in MiB.
    pub max_upload_mb: usize,
    /// Largest avatar or image upload, in KiB.
    pub max_image_kb: usize,
    pub graphql_max_depth: usize,
    pub graphql_max_complexity: usize,
    /// Sign-in, 2FA and refresh attempts allowed per minute from one IP address.
    pub auth_attempts_per_ip_per_minute: u32,
    /// Sign-in and 2FA attempts allowed per minute against one account from one address.
    pub auth_attempts_per_account_per_minute: u32,
    /// Sign-in attempts allowed per hour against one account from all addresses together,
    /// except from a browser that signed into it before (it carries a device cookie).
    pub auth_attempts_per_account_per_hour: u32,
    /// Mutations (aliases included) in one GraphQL request.
    pub max_mutations_per_request: usize,
    /// Items in one playlist.
    pub max_playlist_items: usize,
    /// Friend requests one person may have waiting for an answer.
    pub max_pending_friend_requests: usize,
    /// Friend requests one person may send per hour.
    pub friend_requests_per_hour: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_body_kb: 1024,
            max_upload_mb: 1024,
            max_image_kb: 5 * 1024,
            graphql_max_depth: 16,
            graphql_max_complexity: 50_000,
            auth_attempts_per_ip_per_minute: 30,
            auth_attempts_per_account_per_minute: 10,
            auth_attempts_per_account_per_hour: 100,
            max_mutations_per_request: 10,
            max_playlist_items: 10_000,
            max_pending_friend_requests: 100,
            friend_requests_per_hour: 60,
        }
    }
}

/// A string that never shows itself in logs, Debug output or `config check`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"********\"")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("********")
    }
}

/// The values CLI flags (or their `SOUNDROOM_*` variables, via clap) set on top of the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub music_dirs: Vec<PathBuf>,
    pub registration: Option<Registration>,
}

/// Variables clap reads itself; every other `SOUNDROOM_*` must be `SOUNDROOM_SECTION__KEY`.
const FLAG_VARIABLES: &[&str] = &[
    "SOUNDROOM_CONFIG",
    "SOUNDROOM_LISTEN",
    "SOUNDROOM_BASE_URL",
    "SOUNDROOM_DATA_DIR",
    "SOUNDROOM_MUSIC_DIR",
    "SOUNDROOM_REGISTRATION",
    "SOUNDROOM_LOG",
];

impl Config {
    /// Builds the effective configuration from every layer.
    pub fn load(file: Option<&Path>, env: &BTreeMap<String, String>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                toml::from_str::<toml::Table>(&text)
                    .with_context(|| format!("config file {} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        apply_env(&mut table, env)?;
        let mut config: Config = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| anyhow::anyhow!("configuration key `{}`: {}", e.path(), e.inner().message()))?;
        config.apply(overrides);
        config.validate()?;
        Ok(config)
    }

    fn apply(&mut self, o: &Overrides) {
        if let Some(listen) = o.listen {
            self.server.listen = listen;
        }
        if let Some(url) = &o.base_url {
            self.server.base_url = url.clone();
        }
        if let Some(dir) = &o.data_dir {
            self.storage.data_dir = dir.clone();
        }
        if !o.music_dirs.is_empty() {
            self.library.folders = o.music_dirs.clone();
        }
        if let Some(r) = o.registration {
            self.auth.registration = r;
        }
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if !(8..=65_536).contains(&self.rooms.member_queue_frames) {
            bail!("configuration key `rooms.member_queue_frames`: expected 8 to 65536");
        }
        if !(1..=3600).contains(&self.rooms.keepalive_secs) {
            bail!("configuration key `rooms.keepalive_secs`: expected 1 to 3600");
        }
        let base = url::Url::parse(&self.server.base_url)
            .map_err(|e| anyhow::anyhow!("configuration key `server.base_url`: expected an absolute URL ({e})"))?;
        if !matches!(base.scheme(), "http" | "https") {
            bail!("configuration key `server.base_url`: expected an http:// or https:// URL");
        }
        if self.auth.access_token_minutes == 0 || self.auth.access_token_minutes > 24 * 60 {
            bail!("configuration key `auth.access_token_minutes`: expected 1 to 1440");
        }
        if !(1..=3650).contains(&self.auth.refresh_token_days) {
            bail!("configuration key `auth.refresh_token_days`: expected 1 to 3650");
        }
        if self.auth.password_min_length < 8 {
            bail!("configuration key `auth.password_min_length`: expected at least 8");
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose().len() < 32
        {
            bail!("configuration key `auth.jwt_secret`: expected at least 32 characters");
        }
        self.validate_oidc()?;
        if self.server.metrics == MetricsAccess::Token
            && self.server.metrics_token.as_ref().is_none_or(|t| t.expose().len() < 16)
        {
            bail!(
                "configuration key `server.metrics_token`: metrics = \"token\" needs a token of at least 16 characters"
            );
        }
        let l = &self.limits;
        for (key, value) in [
            ("limits.max_body_kb", l.max_body_kb),
            ("limits.max_upload_mb", l.max_upload_mb),
            ("limits.max_image_kb", l.max_image_kb),
            ("limits.graphql_max_depth", l.graphql_max_depth),
            ("limits.graphql_max_complexity", l.graphql_max_complexity),
            ("limits.auth_attempts_per_ip_per_minute", l.auth_attempts_per_ip_per_minute as usize),
            ("limits.auth_attempts_per_account_per_minute", l.auth_attempts_per_account_per_minute as usize),
            ("limits.auth_attempts_per_account_per_hour", l.auth_attempts_per_account_per_hour as usize),
            ("transcoding.max_concurrent", self.transcoding.max_concurrent),
            ("server.max_connections", self.server.max_connections),
            ("server.header_read_timeout_secs", self.server.header_read_timeout_secs as usize),
            ("limits.max_mutations_per_request", l.max_mutations_per_request),
            ("limits.max_playlist_items", l.max_playlist_items),
            ("limits.max_pending_friend_requests", l.max_pending_friend_requests),
            ("limits.friend_requests_per_hour", l.friend_requests_per_hour as usize),
        ] {
            if value == 0 {
                bail!("configuration key `{key}`: expected a number greater than 0");
            }
        }
        Ok(())
    }

    fn validate_oidc(&self) -> anyhow::Result<()> {
        let mut names = std::collections::HashSet::new();
        if self.auth.google.is_some() {
            names.insert("google".to_string());
        }
        for (i, p) in self.auth.oidc.iter().enumerate() {
            let valid_name = !p.name.is_empty()
                && p.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !valid_name {
                bail!("configuration key `auth.oidc[{i}].name`: expected lowercase letters, digits, - or _");
            }
            if !names.insert(p.name.clone()) {
                bail!("configuration key `auth.oidc[{i}].name`: `{}` is used twice", p.name);
            }
            url::Url::parse(&p.issuer)
                .map_err(|e| anyhow::anyhow!("configuration key `auth.oidc[{i}].issuer`: expected a URL ({e})"))?;
        }
        Ok(())
    }

    pub fn database_path(&self) -> PathBuf {
        self.storage.data_dir.join("soundroom.db")
    }

    /// The effective configuration as TOML, secrets masked.
    pub fn to_masked_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print config: {e}"))
    }
}

/// Folds `SOUNDROOM_SECTION__KEY=value` into the TOML table. Values are read as TOML when they
/// parse (numbers, booleans, arrays) and as strings otherwise.
fn apply_env(table: &mut toml::Table, env: &BTreeMap<String, String>) -> anyhow::Result<()> {
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("SOUNDROOM_") else { continue };
        if FLAG_VARIABLES.contains(&name.as_str()) {
            continue;
        }
        let path: Vec<String> = rest.split("__").map(|p| p.to_ascii_lowercase()).collect();
        if path.len() < 2 || path.iter().any(|p| p.is_empty()) {
            // Not ours to refuse (scripts may set their own SOUNDROOM_* names), but a typo here
            // would silently do nothing, so say so.
            tracing::warn!(
                "ignoring unknown environment variable {name}; settings look like SOUNDROOM_SERVER__BASE_URL"
            );
            continue;
        }
        let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.clone()));
        let (last, parents) = path.split_last().expect("at least two parts");
        let mut node = &mut *table;
        for part in parents {
            let entry = node.entry(part.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            node = entry
                .as_table_mut()
                .with_context(|| format!("environment variable {name}: `{part}` is not a section"))?;
        }
        node.insert(last.clone(), parsed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_validates() {
        let text = include_str!("../config.example.toml");
        let table: toml::Table = toml::from_str(text).expect("valid TOML");
        let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).expect("known keys");
        config.validate().expect("valid values");
    }

    #[test]
    fn env_overrides_file_and_flags_override_env() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[server]\nbase_url = \"http://file\"\n[limits]\nmax_body_kb = 5\n").unwrap();
        let env = BTreeMap::from([
            ("SOUNDROOM_SERVER__BASE_URL".to_string(), "http://env".to_string()),
            ("SOUNDROOM_LIMITS__MAX_UPLOAD_MB".to_string(), "7".to_string()),
        ]);
        let c = Config::load(Some(&file), &env, &Overrides::default()).unwrap();
        assert_eq!(c.server.base_url, "http://env");
        assert_eq!(c.limits.max_body_kb, 5);
        assert_eq!(c.limits.max_upload_mb, 7);
        let flags = Overrides { base_url: Some("http://flag".into()), ..Default::default() };
        let c = Config::load(Some(&file), &env, &flags).unwrap();
        assert_eq!(c.server.base_url, "http://flag");
    }

    #[test]
    fn a_wrong_value_names_its_key() {
        let env = BTreeMap::from([("SOUNDROOM_LIMITS__MAX_BODY_KB".to_string(), "\"lots\"".to_string())]);
        let err = Config::load(None, &env, &Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("limits.max_body_kb"), "{err}");
        let env = BTreeMap::from([("SOUNDROOM_SERVER__NOPE".to_string(), "1".to_string())]);
        let err = Config::load(None, &env, &Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn secrets_are_masked_when_printed() {
        let mut c = Config::default();
        c.auth.jwt_secret = Some(Secret::new("x".repeat(40)));
        assert!(!c.to_masked_toml().contains("xxxx"));
        assert!(!format!("{c:?}").contains("xxxx"));
    }
}
