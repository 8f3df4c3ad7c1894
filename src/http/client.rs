//! Who is on the other end: the client address and the request span.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::HeaderMap;

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For` hop
/// (the one the proxy itself added; anything left of it is whatever the client claimed).
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trust_proxy_headers: bool) -> IpAddr {
    if trust_proxy_headers
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.ip()
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('=').map(str::to_string))
}

/// One span per request, named by the route template so logs and metrics stay low-cardinality
/// and no token in a query string is ever logged.
pub fn request_span(req: &Request) -> tracing::Span {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let path = route.unwrap_or_else(|| req.uri().path().to_owned());
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    tracing::info_span!("request", method = %req.method(), path = %path, peer = %peer)
}
