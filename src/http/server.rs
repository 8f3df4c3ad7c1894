//! The accept loop. axum's own `serve` sets no header-read timeout and no connection cap, so a
//! client could hold a connection forever by never finishing its headers (or by going quiet
//! between requests). Here hyper gets a timer, every connection holds one of a fixed number of
//! permits, and shutdown stops accepting, asks open connections to finish, and waits a bounded
//! time for them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::{Layer, ServiceExt};

pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

/// How long shutdown waits for in-flight requests before it gives up on them.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` until `stop` is cancelled.
pub async fn run(listener: TcpListener, app: Router, limits: ConnectionLimits, stop: CancellationToken) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let connections = TaskTracker::new();
    loop {
        // Past the cap, new clients wait in the kernel's accept queue until a connection ends.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit.expect("never closed"),
            _ = stop.cancelled() => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.cancelled() => break,
        };
        connections.spawn(serve_connection(tcp, peer, app.clone(), limits.header_read_timeout, stop.clone(), permit));
    }
    connections.close();
    if tokio::time::timeout(DRAIN, connections.wait()).await.is_err() {
        tracing::warn!("some connections were still open after {} s; stopping anyway", DRAIN.as_secs());
    }
}

async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    app: Router,
    header_read_timeout: Duration,
    stop: CancellationToken,
    _permit: OwnedSemaphorePermit,
) {
    // Without NODELAY the last small segment of a response can wait ~40 ms for a delayed ACK.
    let _ = tcp.set_nodelay(true);
    let service =
        axum::Extension(ConnectInfo(peer)).layer(app).map_request(|req: hyper::Request<Incoming>| req.map(Body::new));
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The timer also runs while a keep-alive connection waits for its next request, so it is
    // the idle timeout as well.
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    // With upgrades, a WebSocket leaves this task (and gives back its permit) once upgraded;
    // sockets have their own limits.
    let connection = builder.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service)).with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
