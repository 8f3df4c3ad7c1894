//! `/graphql` (POST and GET, GraphiQL in a browser) and `/graphql/ws` (subscriptions).

use std::net::SocketAddr;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, MultipartOptions};
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::TryStreamExt;

use super::HttpState;
use super::client::client_ip;
use super::error::graphql_error;
use crate::graphql::RequestContext;
use crate::services::sessions;

pub fn routes(state: &HttpState) -> Router<HttpState> {
    let upload_limit = state.app.config.limits.max_upload_mb * 1024 * 1024;
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/graphql/ws", get(graphql_ws))
}

/// Authenticates the bearer token, if any. A bad token does not fail the request outright:
/// `login` must still work; resolvers that need a caller report the expiry.
async fn request_context(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> RequestContext {
    let ip = client_ip(peer, headers, state.app.config.server.trust_proxy_headers);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let (caller, token_rejected) = match bearer {
        None | Some("") => (None, false),
        Some(token) => match sessions::authenticate(&state.app, token).await {
            Ok(caller) => (Some(caller), false),
            Err(_) => (None, true),
        },
    };
    RequestContext { ip, caller, token_rejected, login_binding: super::oauth::login_binding(headers) }
}

async fn graphql_post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let request = match read_request(&state, req).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    execute(&state, request, peer, &headers).await
}

/// Runs a request with its context and fresh dataloaders.
async fn execute(
    state: &HttpState,
    request: async_graphql::Request,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Response {
    let ctx = request_context(state, peer, headers).await;
    let user = ctx.caller.as_ref().map(|c| c.user_id.clone());
    let request = crate::graphql::loaders::attach(request.data(ctx), &state.app, user);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// Reads one GraphQL request: JSON up to `limits.max_body_kb`, multipart (uploads) up to
/// `limits.max_upload_mb`, streamed to temp files rather than memory.
async fn read_request(state: &HttpState, req: Request) -> Result<async_graphql::Request, Response> {
    let limits = &state.app.config.limits;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bad = |m: String| graphql_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &m);
    if content_type.as_deref().is_some_and(|c| c.starts_with("multipart/form-data")) {
        let max = limits.max_upload_mb * 1024 * 1024;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > max) {
            return Err(too_large(limits.max_upload_mb));
        }
        // A body without a length is cut off at the limit while it streams.
        let body = axum::body::Body::new(http_body_util::Limited::new(req.into_body(), max));
        let stream = body.into_data_stream().map_err(std::io::Error::other);
        let reader = tokio_util::compat::TokioAsyncReadCompatExt::compat(tokio_util::io::StreamReader::new(stream));
        let options = MultipartOptions::default().max_file_size(limits.max_upload_mb * 1024 * 1024).max_num_files(8);
        return async_graphql::http::receive_body(content_type, reader, options).await.map_err(|e| {
            if e.to_string().contains("length limit") || e.to_string().contains("too large") {
                too_large(limits.max_upload_mb)
            } else {
                bad(format!("cannot read the request: {e}"))
            }
        });
    }
    let max = limits.max_body_kb * 1024;
    let bytes = axum::body::to_bytes(req.into_body(), max).await.map_err(|_| {
        graphql_error(StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT", &format!("the request body exceeds {max} bytes"))
    })?;
    serde_json::from_slice::<async_graphql::Request>(&bytes)
        .map_err(|e| bad(format!("the request is not valid GraphQL JSON: {e}")))
}

fn too_large(max_mb: usize) -> Response {
    graphql_error(StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT", &format!("the upload is larger than {max_mb} MiB"))
}

async fn graphql_get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let query = req.uri().query().unwrap_or_default().to_owned();
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if query.is_empty() && wants_html && req.method() == Method::GET {
        return super::assets::graphql_ide(&headers);
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => return graphql_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &format!("bad query string: {e}")),
    };
    // Only reads over GET: a mutation's arguments (passwords, tokens) must not sit in a URL
    // that proxies and browsers log.
    if !only_queries(&request.query) {
        return graphql_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            "send mutations and subscriptions with POST",
        );
    }
    execute(&state, request, peer, &headers).await
}

fn only_queries(document: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    match async_graphql::parser::parse_query(document) {
        Ok(doc) => doc.operations.iter().all(|(_, op)| op.node.ty == OperationType::Query),
        Err(_) => true, // let execution report the syntax error as usual
    }
}

/// Subscriptions. The token travels in `connection_init` (`{"token": "..."}`), never in the URL.
async fn graphql_ws(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ip = client_ip(peer, &headers, state.app.config.server.trust_proxy_headers);
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let _guard = super::health::SocketGauge::open("graphql");
        let app = state.app.clone();
        let shutdown = app.shutdown.clone();
        let connection = GraphQLWebSocket::new(socket, state.socket_schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                let token = payload.get("token").and_then(|t| t.as_str()).map(str::to_owned);
                let caller = match token {
                    Some(t) => Some(sessions::authenticate(&app, &t).await.map_err(async_graphql::Error::from)?),
                    None => None,
                };
                let mut data = async_graphql::Data::default();
                data.insert(RequestContext { ip, caller, token_rejected: false, login_binding: None });
                Ok(data)
            })
            .serve();
        tokio::select! {
            _ = connection => {}
            _ = shutdown.cancelled() => {}
        }
    })
}
