//! `/healthz`, `/metrics` and the middleware that records request metrics.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;

use crate::config::MetricsAccess;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::HttpState;

/// 200 `ok` when the database answers.
pub async fn healthz(State(state): State<HttpState>) -> Response {
    match crate::services::admin::database_answers(&state.app).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            e.log_if_internal();
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus text format, for whoever `server.metrics` allows.
pub async fn metrics(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !metrics_allowed(&state, peer, &headers) {
        // Not found rather than forbidden: nothing to learn about what is there.
        return StatusCode::NOT_FOUND.into_response();
    }
    let (connections, idle) = state.app.db.pool_state();
    metrics::gauge!("soundroom_db_pool_connections").set(f64::from(connections));
    metrics::gauge!("soundroom_db_pool_idle_connections").set(f64::from(idle));
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.app.metrics.render())
        .into_response()
}

fn metrics_allowed(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> bool {
    let server = &state.app.config.server;
    match server.metrics {
        MetricsAccess::Off => false,
        MetricsAccess::Public => true,
        MetricsAccess::Localhost => super::client_ip(peer, headers, server.trust_proxy_headers).is_loopback(),
        MetricsAccess::Token => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            let expected = server.metrics_token.as_ref().map(|t| t.expose()).unwrap_or_default();
            !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
        }
    }
}

/// Counts requests and their latency by route template (never by raw path: no unbounded labels).
pub async fn record_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "other".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("soundroom_http_requests_total", &labels).increment(1);
    metrics::histogram!("soundroom_http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    response
}

/// Counts open WebSockets for as long as it lives.
pub struct SocketGauge(&'static str);

impl SocketGauge {
    pub fn open(kind: &'static str) -> Self {
        metrics::gauge!("soundroom_websockets_active", "kind" => kind).increment(1.0);
        Self(kind)
    }
}

impl Drop for SocketGauge {
    fn drop(&mut self) {
        metrics::gauge!("soundroom_websockets_active", "kind" => self.0).decrement(1.0);
    }
}
