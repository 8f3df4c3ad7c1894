//! Soundroom: a self-hosted music server for listening together.
//!
//! The library holds the whole server so tests can boot it in-process; `main.rs` is a thin
//! command-line wrapper around it.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod media;
pub mod rooms;
pub mod services;
pub mod state;
pub mod subsonic;
pub mod telemetry;

use std::future::Future;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::state::SharedState;

/// The process-wide Prometheus recorder (metrics has one global recorder per process).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Serves the app on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish and closes sockets. Tests call this with a `127.0.0.1:0` listener.
pub async fn serve(
    listener: TcpListener,
    state: SharedState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = http::router(state.clone());
    let stop = state.shutdown.clone();
    tokio::spawn(forget_idle_rate_limits(state.clone()));
    let cancel = stop.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = shutdown => cancel.cancel(),
            _ = cancel.cancelled() => {}
        }
    });
    let limits = http::server::ConnectionLimits {
        max_connections: state.config.server.max_connections,
        header_read_timeout: std::time::Duration::from_secs(state.config.server.header_read_timeout_secs),
    };
    http::server::run(listener, app, limits, stop).await;
    Ok(())
}

/// Rate-limit entries for addresses and accounts that went quiet are dropped every minute.
async fn forget_idle_rate_limits(state: SharedState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = every.tick() => {
                state.auth.limiter.forget_idle();
                state.social.forget_idle();
            }
            _ = state.shutdown.cancelled() => return,
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
