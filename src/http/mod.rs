//! The HTTP front: routes, layers (limits, tracing, metrics, security headers, compression).

mod assets;
mod client;
mod error;
mod graphql;
mod health;
pub(crate) mod media;
mod multipart;
mod oauth;
pub mod server;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::graphql::AppSchema;
use crate::state::SharedState;

pub use client::client_ip;
pub use health::SocketGauge;

/// Shared by every handler: the application state and the built schema.
#[derive(Clone)]
pub struct HttpState {
    pub app: SharedState,
    pub schema: AppSchema,
    /// Subscriptions only (`/graphql/ws`).
    pub socket_schema: AppSchema,
    pub responses: crate::graphql::response_cache::ResponseCache,
}

pub fn router(app: SharedState) -> Router {
    let schema = crate::graphql::build_schema(app.clone());
    let socket_schema = crate::graphql::build_socket_schema(app.clone());
    let responses = crate::graphql::response_cache::ResponseCache::new(app.config.server.response_cache_mb);
    let state = HttpState { app, schema, socket_schema, responses };
    Router::new()
        .merge(graphql::routes(&state))
        .merge(oauth::routes())
        .merge(media::routes())
        .merge(crate::subsonic::routes())
        .route("/ws/rooms", get(crate::rooms::ws::upgrade))
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .fallback(assets::serve)
        .with_state(state)
        // Audio and images are compressed already, and compressing a Range response would break it.
        .layer(CompressionLayer::new().gzip(true).compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("audio/")).and(NotForContentType::IMAGES),
        ))
        .layer(axum::middleware::from_fn(health::record_metrics))
        .layer(TraceLayer::new_for_http().make_span_with(client::request_span))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(300),
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .layer(header_layer(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
