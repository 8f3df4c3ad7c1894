//! Logging set-up and the helper that runs CPU-heavy or blocking work off the async workers.

use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::error::{AppError, AppResult};

/// Logs to stderr; `SOUNDROOM_LOG` (or `RUST_LOG`) picks the level, `info` by default.
pub fn init() {
    let filter = std::env::var("SOUNDROOM_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs `f` on the blocking pool inside the current span; a panic becomes an internal error.
pub async fn blocking<T, F>(f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> AppResult<T> + Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        f()
    })
    .in_current_span()
    .await
    .map_err(|e| AppError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Starts `f` on the blocking pool inside `span` without waiting for it (a transcode that
/// streams as it runs). A panic is caught and logged; it never takes a worker or the server.
pub fn spawn_blocking_job<F>(span: tracing::Span, f: F)
where
    F: FnOnce() + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
            tracing::error!("a background job panicked; it was stopped");
        }
    });
}
